"""The shared vectors in tests/vectors/: the same verdicts and codes as the Rust and Node suites."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

import apiward
from apiward import ConfigError, Decision, JwtError, RateLimiter, Schema, ValidationError

from conftest import VECTORS, load_vectors

JWT_FILES = sorted(p.name for p in (VECTORS / "jwt").glob("*.json") if p.name != "keys.json")
JWT_CASES = [
    pytest.param(case, id=f"{name}:{case['name']}")
    for name in JWT_FILES
    for case in load_vectors(f"jwt/{name}")["cases"]
]


@pytest.mark.parametrize("case", JWT_CASES)
def test_jwt_vector(case: Dict[str, Any]) -> None:
    policy = case["policy"]
    expect = case["expect"]
    try:
        verifier = apiward.JwtVerifier(
            json.dumps(case["keys"]),
            algorithms=policy["algorithms"],
            issuer=policy.get("issuer"),
            audience=policy.get("audience"),
            leeway=policy.get("leeway", 0),
            max_token_bytes=policy.get("max_token_bytes", 8192),
            require=policy.get("require", []),
            typ=policy.get("typ"),
            max_age=policy.get("max_age"),
            allow_missing_exp=policy.get("allow_missing_exp", False),
        )
    except ConfigError as error:
        assert not expect["valid"], f"key set refused ({error.code}) for a valid case"
        assert error.code == expect["code"]
        return
    if expect["valid"]:
        assert verifier.verify(case["token"], now=case["now"]) == expect["claims"]
    else:
        with pytest.raises(JwtError) as raised:
            verifier.verify(case["token"], now=case["now"])
        assert raised.value.code == expect["code"]
        # The token never appears in what the exception says.
        assert case["token"] not in str(raised.value) or not case["token"]


LIMIT = load_vectors("limit/scenarios.json")
SEED = bytes.fromhex(LIMIT["seed_hex"])


def quota_kwargs(quota: Dict[str, Any]) -> Dict[str, Any]:
    kwargs: Dict[str, Any] = {"per_ns": int(quota["period_ns"])}
    if "burst" in quota:
        kwargs["burst"] = quota["burst"]
    return kwargs


@pytest.mark.parametrize("scenario", LIMIT["scenarios"], ids=lambda s: s["name"])
def test_limit_scenario(scenario: Dict[str, Any]) -> None:
    limiter = RateLimiter(
        scenario["quota"]["count"],
        capacity=scenario["capacity"],
        full_policy=scenario["full_policy"],
        seed=SEED,
        **quota_kwargs(scenario["quota"]),
    )
    assert limiter.capacity == scenario["capacity"]
    for step in scenario["steps"]:
        decision = limiter.check(step["key"], now_ns=int(step["now_ns"]), cost=step["cost"])
        expect = step["expect"]
        got = {
            "allowed": decision.allowed,
            "remaining": decision.remaining,
            "retry_after_ns": decision.retry_after_ns,
            "reset_after_ns": decision.reset_after_ns,
        }
        assert got == {k: int(v) if isinstance(v, str) else v for k, v in expect.items()}, step
        assert decision.limit == scenario["quota"].get("burst", scenario["quota"]["count"])
    assert limiter.evictions == scenario["expect_end"]["evictions"]
    assert limiter.full_denials == scenario["expect_end"]["full_denials"]


@pytest.mark.parametrize("case", LIMIT["quota_errors"], ids=lambda c: c["name"])
def test_quota_error(case: Dict[str, Any]) -> None:
    make = lambda: RateLimiter(case["count"], capacity=4, **quota_kwargs(case))  # noqa: E731
    if case["error"] is None:
        make()
    else:
        with pytest.raises(ConfigError) as raised:
            make()
        assert raised.value.code == case["error"]


def header_value(case: Dict[str, Any]) -> str:
    name = case.get("policy_name", "default")
    if "quota" in case:
        return RateLimiter(case["quota"]["count"], name=name, capacity=4, **quota_kwargs(case["quota"])).policy_header
    d = case["decision"]
    decision = Decision(
        allowed=int(d["retry_after_ns"]) == 0,
        remaining=d["remaining"],
        retry_after_ns=int(d["retry_after_ns"]),
        reset_after_ns=int(d["reset_after_ns"]),
        limit=10,
        name=name,
    )
    if case["header"] == "Retry-After":
        return decision.retry_after_header
    return decision.headers[case["header"]]


@pytest.mark.parametrize("case", LIMIT["headers"], ids=lambda c: c["name"])
def test_header_vector(case: Dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(ConfigError) as raised:
            header_value(case)
        assert raised.value.code == case["error"]
    else:
        assert header_value(case) == case["expect"]


VALIDATE = load_vectors("validate/cases.json")
VALIDATE_CASES = [
    pytest.param(group, case, id=f"{group['name']}:{case['name']}")
    for group in VALIDATE["groups"]
    for case in group["cases"]
]


def body_of(case: Dict[str, Any]) -> bytes:
    if "body" in case:
        return case["body"].encode()
    r = case["body_repeat"]
    return (r["prefix"] + r["unit"] * r["count"] + r["suffix"]).encode()


@pytest.mark.parametrize("group,case", VALIDATE_CASES)
def test_validate_vector(group: Dict[str, Any], case: Dict[str, Any]) -> None:
    schema = Schema(group["schema"], **{k.replace("max_body_bytes", "max_bytes"): v for k, v in group.get("limits", {}).items()})
    body = body_of(case)
    if case.get("valid"):
        assert schema.is_valid(body)
        assert schema.validate(body) == json.loads(body)
        return
    assert not schema.is_valid(body)
    with pytest.raises(ValidationError) as raised:
        schema.validate(body)
    expected: List[Dict[str, str]] = case["errors"]
    got = [{"path": e["path"], "code": e["code"]} for e in raised.value.errors]
    # The suite lists at most 16; apiward reports up to 32.
    assert got[: len(expected)] == expected
    assert len(got) == len(expected) or len(expected) == 16
    assert raised.value.code == expected[0]["code"]


@pytest.mark.parametrize("case", VALIDATE.get("compile_errors", []), ids=lambda c: c["name"])
def test_schema_compile_error(case: Dict[str, Any]) -> None:
    document = case["schema_text"] if "schema_text" in case else json.dumps(case["schema"])
    with pytest.raises(ConfigError) as raised:
        Schema(document)
    assert raised.value.code == case["code"]
    assert json.dumps(case["path"]) in str(raised.value)
