"""RateLimiter, Decision, check_all and ClientIpResolver: every public method, threads, and refusals."""

from __future__ import annotations

import threading
from typing import List

import pytest

import apiward
from apiward import ConfigError, Decision, RateLimiter, check_all

SEED = bytes(range(16))


def test_check_peek_and_decision_fields() -> None:
    rl = RateLimiter(10, 60.0, burst=2, capacity=64, seed=SEED, name="api")
    first = rl.check("1.2.3.4", now=100.0)
    assert first and first.allowed and first.remaining == 1 and first.limit == 2
    assert first.retry_after == 0.0 and first.retry_after_ns == 0 and first.reset_after == pytest.approx(6.0)
    assert first.headers == {"RateLimit-Policy": '"api";q=10;w=60', "RateLimit": '"api";r=1;t=6'}
    assert rl.peek("1.2.3.4", now=100.0, cost=0).remaining == 1  # a peek records nothing
    would = rl.peek("1.2.3.4", now=100.0)  # what a check of cost 1 would decide
    assert would.allowed and would.remaining == 0
    rl.check(b"1.2.3.4", now=100.0)  # bytes and str keys are the same key
    denied = rl.check("1.2.3.4", now=100.0)
    assert not denied and denied.retry_after == pytest.approx(6.0) and denied.retry_after_header == "6"
    assert denied.headers["Retry-After"] == "6" and "allowed=False" in repr(denied)
    assert rl.check("1.2.3.4", now=106.0).allowed  # one interval later
    assert rl.check("other", now=100.0, cost=2).remaining == 0  # weighted
    assert rl.check("third", now=100.0, cost=3).retry_after == float("inf")  # above the burst: never
    assert len(rl) == 2 and rl.capacity == 64 and rl.table_bytes == 1024 and rl.policy_header == '"api";q=10;w=60'
    assert rl.check("x", now_ns=10**12).allowed


def test_default_clock_is_monotonic_and_shared() -> None:
    rl = RateLimiter(1, 3600.0, capacity=16)
    assert rl.check("k").allowed and not rl.check("k").allowed
    assert check_all([(rl, "k2")]).allowed


def test_presets() -> None:
    assert RateLimiter.preset("login").policy_header == '"login";q=5;w=60'
    assert RateLimiter.preset("password_reset").policy_header == '"password_reset";q=3;w=3600'
    for name in ("read", "write", "search"):
        assert RateLimiter.preset(name, capacity=8).capacity == 8  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        RateLimiter.preset("lenient")  # type: ignore[arg-type]


def test_capacity_shapes_and_memory() -> None:
    assert RateLimiter(1, 1.0, capacity=1).capacity == 4
    assert RateLimiter(1, 1.0, capacity=1000).capacity == 1024
    big = RateLimiter(1, 1.0, capacity=100_000)
    assert big.capacity == 102_400 and big.table_bytes == 16 * 102_400


def test_full_table_policies_and_counters() -> None:
    deny = RateLimiter(1, 1.0, capacity=4, seed=SEED)
    admit = RateLimiter(1, 1.0, capacity=4, seed=SEED, full_policy="admit")
    for i in range(4):
        assert deny.check(f"k{i}", now=0.0).allowed and admit.check(f"k{i}", now=0.0).allowed
    assert not deny.check("new", now=0.0).allowed and deny.full_denials == 1 and deny.evictions == 0
    assert admit.check("new", now=0.0).allowed and admit.evictions == 1 and admit.full_denials == 0


@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"rate": 0, "per": 1.0}, "zero_rate"),
        ({"rate": 1, "per": 0.0}, "zero_period"),
        ({"rate": 1, "per": -1.0}, "invalid_quota"),
        ({"rate": 1, "per": float("nan")}, "invalid_quota"),
        ({"rate": 1}, "invalid_quota"),
        ({"rate": 1, "per": 1.0, "per_ns": 5}, "invalid_quota"),
        ({"rate": 1, "per": 1.0, "burst": 0}, "zero_burst"),
        ({"rate": 1, "per": 1.0, "capacity": 0}, "invalid_capacity"),
        ({"rate": 1, "per": 1.0, "full_policy": "maybe"}, "invalid_policy"),
        ({"rate": 1, "per": 1.0, "name": "has space"}, "invalid_policy_name"),
        ({"rate": 1, "per": 1.0, "seed": b"short"}, "invalid_seed"),
    ],
)
def test_bad_arguments(kwargs: dict, code: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as e:
        RateLimiter(**kwargs)
    assert e.value.code == code


def test_check_all_is_atomic() -> None:
    per_ip = RateLimiter(100, 60.0, capacity=64, seed=SEED, name="ip")
    per_user = RateLimiter(2, 60.0, capacity=64, seed=SEED, name="user")
    assert check_all([(per_ip, "1.2.3.4"), (per_user, "alice")], now=0.0).remaining == 1
    assert check_all([(per_ip, "1.2.3.4"), (per_user, "alice", 1)], now=0.0).remaining == 0
    denied = check_all([(per_ip, "1.2.3.4"), (per_user, "alice")], now=0.0)
    assert not denied and denied.headers["RateLimit-Policy"] == '"user";q=2;w=60'
    # The denial consumed nothing from the IP limiter: 100 - 2 admitted = 98 left.
    assert per_ip.peek("1.2.3.4", now=0.0, cost=0).remaining == 98
    with pytest.raises(ValueError):
        check_all([(per_ip, "a"), (per_ip, "b")], now=0.0)
    with pytest.raises(ConfigError) as e:
        check_all([], now=0.0)
    assert e.value.code == "no_limits"


def test_threads_never_admit_more_than_the_burst() -> None:
    rl = RateLimiter(1, 3600.0, burst=1000, capacity=100_000)
    admitted: List[int] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = sum(rl.check(f"key{i % 50}", now=5.0).allowed for i in range(5000))
        with lock:
            admitted.append(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 50 keys x burst 1000 = exactly 50 000 admissions out of 40 000 attempts: all admitted; now over.
    assert sum(admitted) == 40_000
    more = sum(rl.check(f"key{i}", now=5.0, cost=1000).allowed for i in range(50))
    assert more == 0  # every key spent 800 of its 1000: a cost of 1000 is refused for all


def test_decision_by_hand() -> None:
    d = Decision(allowed=False, remaining=0, retry_after_ns=1, reset_after_ns=10**9, limit=5)
    assert d.retry_after_header == "1" and d.headers == {"RateLimit": '"default";r=0;t=1', "Retry-After": "1"}
    with pytest.raises(ConfigError):
        Decision(allowed=True, remaining=0, retry_after_ns=0, reset_after_ns=0, limit=1, name='a"b')


def test_client_ip_resolver() -> None:
    none = apiward.ClientIpResolver()
    assert none.resolve("10.0.0.1", ["203.0.113.9"]) == "10.0.0.1"  # nothing trusted: headers ignored
    hops = apiward.ClientIpResolver(1)
    assert hops.resolve("10.0.0.1", ["spoofed, 203.0.113.9"]) == "203.0.113.9"
    cidrs = apiward.ClientIpResolver(["10.0.0.0/8"])
    assert cidrs.resolve("10.0.0.1", ["203.0.113.9, 10.1.1.1"]) == "203.0.113.9"
    assert cidrs.resolve("198.51.100.1", ["203.0.113.9"]) == "198.51.100.1"  # untrusted peer
    fwd = apiward.ClientIpResolver(1, header="forwarded")
    assert fwd.resolve("10.0.0.1", ["203.0.113.9"], ['for="[2001:db8::1]:4711"']) == "2001:db8::1"
    assert none.resolve("not-an-ip") is None
    assert none.key("::ffff:1.2.3.4") == none.key("1.2.3.4") == b"\xff\x01\x02\x03\x04"
    assert none.key("2001:db8::1") == none.key("2001:db8::ffff")  # one /64, one key
    assert apiward.ClientIpResolver(v6_prefix=128).key("2001:db8::1") != apiward.ClientIpResolver(v6_prefix=128).key("2001:db8::2")
    assert none.key("garbage") is None
    for bad, code in ((["10.0.0.0/33"], "cidr_prefix_too_long"), (["10.0.0.1/8"], "cidr_host_bits_set"), (["x"], "cidr_malformed")):
        with pytest.raises(ConfigError) as e:
            apiward.ClientIpResolver(bad)
        assert e.value.code == code
    with pytest.raises(ConfigError):
        apiward.ClientIpResolver(header="x-real-ip")  # type: ignore[arg-type]
