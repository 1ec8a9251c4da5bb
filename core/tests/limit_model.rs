//! The keyed limiter against an unbounded reference model, plus churn, extremes and shared vectors.
//!
//! The model is an independent GCRA written in `u128` over a `HashMap` of TATs (no table, no
//! eviction). Under `FullPolicy::Deny` every decision must equal the model's, except a counted
//! full-table denial (which the model then does not record either). Under `FullPolicy::Admit` every
//! decision must equal the model's once each counted eviction is mirrored by forgetting that key.

use std::collections::HashMap;

use apiward::limit::{Decision, FullPolicy, Limiter, Quota};
use proptest::prelude::*;

const SEED: [u8; 16] = *b"limit-model-seed";

/// The reference: one TAT per key, arithmetic in u128 so nothing can overflow.
struct Model {
    quota: Quota,
    tats: HashMap<Vec<u8>, u64>,
    latest: u64,
}

impl Model {
    fn new(quota: Quota) -> Self {
        Model { quota, tats: HashMap::new(), latest: 0 }
    }

    /// The table treats time as standing still when the clock goes backwards.
    fn observe(&mut self, now: u64) -> u64 {
        self.latest = self.latest.max(now);
        self.latest
    }

    fn decide(&self, key: &[u8], now: u64, cost: u32) -> (Decision, Option<u64>) {
        let now = now.max(self.latest);
        let t = u128::from(self.quota.interval_ns());
        let b = self.quota.burst();
        let cap = t * u128::from(b);
        let tat = u128::from(self.tats.get(key).copied().unwrap_or(0));
        let now_w = u128::from(now);
        let debt = tat.max(now_w) - now_w;
        let avail = |d: u128| u32::try_from((cap - d.min(cap)) / t).unwrap();
        let deny = |retry: u128| Decision {
            allowed: false,
            remaining: avail(debt),
            retry_after_ns: u64::try_from(retry).unwrap_or(u64::MAX),
            reset_after_ns: u64::try_from(debt).unwrap(),
            limit: b,
        };
        if cost > b {
            return (deny(u128::from(u64::MAX)), None);
        }
        let new_debt = debt + t * u128::from(cost);
        if new_debt > u128::from(u64::MAX) {
            return (deny(u128::from(u64::MAX)), None);
        }
        if new_debt > cap {
            return (deny(new_debt - cap), None);
        }
        if now_w + new_debt > u128::from(u64::MAX) {
            return (deny(u128::from(u64::MAX)), None);
        }
        let d = Decision {
            allowed: true,
            remaining: avail(new_debt),
            retry_after_ns: 0,
            reset_after_ns: u64::try_from(new_debt).unwrap(),
            limit: b,
        };
        (d, (cost > 0).then(|| u64::try_from(now_w + new_debt).unwrap()))
    }

    fn commit(&mut self, key: &[u8], tat: Option<u64>) {
        if let Some(tat) = tat {
            self.tats.insert(key.to_vec(), tat);
        }
    }
}

fn quota_strategy() -> impl Strategy<Value = Quota> {
    (1u32..20, prop_oneof![Just(1_000_000_000u64), Just(60_000_000_000), 1u64..1_000, any::<u64>()], 1u32..10)
        .prop_filter_map("unrepresentable quota", |(count, period, burst)| {
            Quota::new(count, period).and_then(|q| q.with_burst(burst)).ok()
        })
}

#[derive(Clone, Debug)]
enum Clock {
    Forward(u64),
    Backward(u64),
    Absolute(u64),
}

fn clock_strategy() -> impl Strategy<Value = Clock> {
    prop_oneof![
        6 => (0u64..3_000_000_000).prop_map(Clock::Forward),
        2 => (0u64..3_000_000_000).prop_map(Clock::Backward),
        1 => prop_oneof![
            Just(0u64),
            Just(u64::MAX),
            Just(u64::MAX - 1),
            (u64::MAX - 5_000_000_000..=u64::MAX),
            any::<u64>(),
        ]
        .prop_map(Clock::Absolute),
    ]
}

fn cost_strategy() -> impl Strategy<Value = u32> {
    prop_oneof![4 => Just(1u32), 1 => Just(0u32), 2 => 0u32..12, 1 => any::<u32>()]
}

fn ops_strategy(keys: u8) -> impl Strategy<Value = Vec<(u8, Clock, u32)>> {
    prop::collection::vec((0..keys, clock_strategy(), cost_strategy()), 1..300)
}

fn advance(now: u64, clock: &Clock) -> u64 {
    match *clock {
        Clock::Forward(d) => now.saturating_add(d),
        Clock::Backward(d) => now.saturating_sub(d),
        Clock::Absolute(t) => t,
    }
}

fn key_of(k: u8) -> [u8; 3] {
    [b'k', k, k.wrapping_mul(31)]
}

/// Runs `ops` under `Deny`: equal to the model except counted full-table denials.
fn run_deny<const N: usize>(quota: Quota, ops: &[(u8, Clock, u32)], expect_no_full: bool) -> Result<(), TestCaseError> {
    let mut table: Limiter<N> = Limiter::new(quota, SEED);
    let mut model = Model::new(quota);
    let mut now = 1_000_000_000_000u64;
    for (k, clock, cost) in ops {
        now = advance(now, clock);
        let key = key_of(*k);
        let before = table.full_denials();
        let got = table.check(&key, now, *cost);
        let (want, tat) = model.decide(&key, now, *cost);
        model.observe(now);
        if table.full_denials() != before {
            prop_assert!(!expect_no_full, "full-table denial with few keys");
            prop_assert!(!got.allowed);
            prop_assert_eq!(got.remaining, 0);
            prop_assert!(want.allowed, "counted a full denial the model would deny anyway");
        } else if *cost == 0 && got != want {
            // A peek at a new key whose candidate slots are full says what a real request would get: a denial.
            prop_assert!(!expect_no_full, "full table with few keys");
            prop_assert!(!got.allowed && want.allowed);
            // The real request is denied too: counted as a full-table denial, unless GCRA itself denies
            // it (a cost-1 request near the end of the clock), which is not counted.
            let mut probe = table.clone();
            let real = probe.check(&key, now, 1);
            prop_assert!(!real.allowed);
            let gcra_denies = !model.decide(&key, now, 1).0.allowed;
            prop_assert_eq!(probe.full_denials(), before + u64::from(!gcra_denies));
        } else {
            prop_assert_eq!(got, want, "key {} now {} cost {}", k, now, cost);
            if got.allowed {
                model.commit(&key, tat);
            }
        }
        prop_assert_eq!(table.evictions(), 0);
    }
    Ok(())
}

/// Runs `ops` under `Admit`: equal to the model once each eviction is mirrored.
fn run_admit<const N: usize>(quota: Quota, ops: &[(u8, Clock, u32)], keys: u8) -> Result<(), TestCaseError> {
    let mut table: Limiter<N> = Limiter::new(quota, SEED).with_full_policy(FullPolicy::Admit);
    let mut model = Model::new(quota);
    let mut now = 1_000_000_000_000u64;
    let burst = quota.burst();
    for (k, clock, cost) in ops {
        now = advance(now, clock);
        let key = key_of(*k);
        let before = table.evictions();
        let got = table.check(&key, now, *cost);
        let (want, tat) = model.decide(&key, now, *cost);
        model.observe(now);
        prop_assert_eq!(got, want, "key {} now {} cost {}", k, now, cost);
        model.commit(&key, tat);
        // Find the victim: a key the model says is in debt but the table sees as fresh.
        let mut lost = 0u64;
        for other in 0..keys {
            let okey = key_of(other);
            let in_debt = model.decide(&okey, now, 0).0.remaining < burst;
            if in_debt && table.evaluate(&okey, now, 0).remaining == burst {
                model.tats.remove(&okey[..]);
                lost += 1;
            }
        }
        prop_assert_eq!(lost, table.evictions() - before);
        prop_assert_eq!(table.full_denials(), 0);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// No more distinct keys than candidate slots: never full, every decision equals the model's.
    #[test]
    fn exact_with_few_keys(quota in quota_strategy(), ops in ops_strategy(8)) {
        run_deny::<64>(quota, &ops, true)?;
        run_deny::<8>(quota, &ops, true)?;
        run_admit::<8>(quota, &ops, 8)?;
    }

    /// As many keys as slots: buckets may fill; decisions still equal the model's except counted
    /// fail-closed denials.
    #[test]
    fn exact_or_counted_full_denial(quota in quota_strategy(), ops in ops_strategy(16)) {
        run_deny::<16>(quota, &ops, false)?;
    }

    /// More keys than slots: under Deny no key ever gets more than the model allows; under Admit
    /// every decision matches the model with evictions mirrored, so no key is allowed more than its
    /// quota while its entry lives.
    #[test]
    fn bounded_with_many_keys(quota in quota_strategy(), ops in ops_strategy(40)) {
        run_deny::<8>(quota, &ops, false)?;
        run_deny::<16>(quota, &ops, false)?;
        run_admit::<8>(quota, &ops, 40)?;
        run_admit::<16>(quota, &ops, 40)?;
    }
}

#[test]
fn backwards_clock_never_grants_extra() {
    let quota = Quota::per_second(2).unwrap().with_burst(4).unwrap();
    let mut table: Limiter<32> = Limiter::new(quota, SEED);
    let t0 = 50_000_000_000u64;
    for _ in 0..4 {
        assert!(table.check(b"k", t0, 1).allowed);
    }
    for back in [1u64, 1_000, 1_000_000_000, t0, t0 - 1] {
        let d = table.check(b"k", t0 - back, 1);
        assert!(!d.allowed);
    }
    // Exactly one emission interval after t0 one request is admitted, not more.
    assert!(table.check(b"k", t0 + 500_000_000, 1).allowed);
    assert!(!table.check(b"k", t0 + 500_000_000, 1).allowed);
    assert!(!table.check(b"k", 0, 1).allowed);
}

#[test]
fn extreme_times_and_costs() {
    let quota = Quota::per_second(1).unwrap();
    let mut table: Limiter<8> = Limiter::new(quota, SEED);
    for now in [0, 1, u64::MAX / 2, u64::MAX - 1_000_000_000, u64::MAX - 1, u64::MAX] {
        for cost in [0, 1, 2, u32::MAX] {
            let d = table.check(b"x", now, cost);
            assert!(!d.allowed || cost <= 1);
            if cost > 1 {
                assert_eq!(d.retry_after_ns, u64::MAX);
            }
        }
    }
    let d = table.check(b"fresh", u64::MAX, 1);
    assert_eq!((d.allowed, d.retry_after_ns), (false, u64::MAX));
    let big = Quota::new(1, u64::MAX).unwrap();
    let mut table: Limiter<8> = Limiter::new(big, SEED);
    assert!(table.check(b"y", 0, 1).allowed);
    assert!(!table.check(b"y", 0, 1).allowed);
    assert!(!table.check(b"y", u64::MAX - 1, 1).allowed);
}

/// Regression (found by `exact_or_counted_full_denial`): a peek at a new key in a full table is denied,
/// and the real request is denied by GCRA itself when its TAT would pass the end of the clock — a
/// denial that is not counted as a full-table one.
#[test]
fn full_table_peek_near_clock_end() {
    let quota = Quota::new(1, u64::MAX - 10).unwrap();
    let mut table: Limiter<4> = Limiter::new(quota, SEED);
    for k in 0u8..4 {
        assert!(table.check(&[k], 0, 1).allowed);
    }
    let peek = table.check(b"new", 100, 0);
    assert!(!peek.allowed);
    let real = table.check(b"new", 100, 1);
    assert_eq!((real.allowed, real.retry_after_ns), (false, u64::MAX));
    assert_eq!(table.full_denials(), 0);
}

/// Churn: many distinct one-shot keys through a small table must not free a throttled key.
fn churn(policy: FullPolicy, keys: u32) {
    let quota = Quota::LOGIN; // 5/min, burst 5: T = 12 s.
    let mut table: Limiter<1024> = Limiter::new(quota, SEED).with_full_policy(policy);
    let t0 = 1_000_000_000u64;
    for _ in 0..5 {
        assert!(table.check(b"victim", t0, 1).allowed);
    }
    assert!(!table.check(b"victim", t0, 1).allowed);
    let mut now = t0;
    let mut admitted = 0u32;
    for i in 0..keys {
        now += 1_000; // 1 us per key: the whole churn takes well under one emission interval.
        if table.check(&i.to_le_bytes(), now, 1).allowed {
            admitted += 1;
        }
        if i % 1024 == 0 {
            let d = table.check(b"victim", now, 1);
            assert!(!d.allowed, "victim freed after {i} keys ({policy:?})");
            assert_eq!(d.remaining, 0);
        }
    }
    assert!(!table.check(b"victim", now, 1).allowed);
    match policy {
        FullPolicy::Admit => {
            assert_eq!(admitted, keys);
            assert!(table.evictions() > 0);
            assert_eq!(table.full_denials(), 0);
        }
        FullPolicy::Deny => {
            assert_eq!(table.evictions(), 0);
            assert_eq!(u64::from(keys - admitted), table.full_denials());
            assert!(admitted <= 1024);
        }
    }
    // After its debt is paid (60 s from t0) the victim gets in again.
    assert!(table.check(b"victim", t0 + 12_000_000_000, 1).allowed || matches!(policy, FullPolicy::Deny));
}

#[test]
fn churn_admit_keeps_victim_throttled() {
    churn(FullPolicy::Admit, 1_000_000);
}

#[test]
fn churn_deny_keeps_victim_throttled() {
    churn(FullPolicy::Deny, 200_000);
}

mod vectors {
    use apiward::limit::{ratelimit, ratelimit_policy, retry_after, Decision, FullPolicy, Limiter, Quota};
    use serde_json::Value;

    fn u64_of(v: &Value) -> u64 {
        match v {
            Value::String(s) => s.parse().unwrap(),
            other => other.as_u64().unwrap(),
        }
    }

    fn u32_of(v: &Value) -> u32 {
        u32::try_from(u64_of(v)).unwrap()
    }

    fn quota_of(v: &Value) -> Result<Quota, apiward::limit::Error> {
        let q = Quota::new(u32_of(&v["count"]), u64_of(&v["period_ns"]))?;
        match v.get("burst") {
            Some(b) => q.with_burst(u32_of(b)),
            None => Ok(q),
        }
    }

    fn seed(doc: &Value) -> [u8; 16] {
        let bytes = hex::decode(doc["seed_hex"].as_str().unwrap()).unwrap();
        bytes.try_into().unwrap()
    }

    fn run_scenario<const N: usize>(doc: &Value, case: &Value) {
        let name = case["name"].as_str().unwrap();
        let policy = match case["full_policy"].as_str().unwrap() {
            "deny" => FullPolicy::Deny,
            "admit" => FullPolicy::Admit,
            other => panic!("{name}: unknown policy {other}"),
        };
        let quota = quota_of(&case["quota"]).unwrap();
        let mut table: Limiter<N> = Limiter::new(quota, seed(doc)).with_full_policy(policy);
        for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let key = step["key"].as_str().unwrap().as_bytes();
            let got = table.check(key, u64_of(&step["now_ns"]), u32_of(&step["cost"]));
            let e = &step["expect"];
            let want = Decision {
                allowed: e["allowed"].as_bool().unwrap(),
                remaining: u32_of(&e["remaining"]),
                retry_after_ns: u64_of(&e["retry_after_ns"]),
                reset_after_ns: u64_of(&e["reset_after_ns"]),
                limit: quota.burst(),
            };
            assert_eq!(got, want, "{name} step {i}");
        }
        let end = &case["expect_end"];
        assert_eq!(table.evictions(), u64_of(&end["evictions"]), "{name}");
        assert_eq!(table.full_denials(), u64_of(&end["full_denials"]), "{name}");
    }

    #[test]
    fn shared_vectors() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/limit/scenarios.json");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut ran = 0;
        for case in doc["scenarios"].as_array().unwrap() {
            match u64_of(&case["capacity"]) {
                4 => run_scenario::<4>(&doc, case),
                64 => run_scenario::<64>(&doc, case),
                other => panic!("no table of capacity {other} in the runner"),
            }
            ran += 1;
        }
        for case in doc["quota_errors"].as_array().unwrap() {
            let got = quota_of(case).err().map(|e| e.code());
            assert_eq!(got, case["error"].as_str(), "{}", case["name"]);
            ran += 1;
        }
        for case in doc["headers"].as_array().unwrap() {
            let name = case["name"].as_str().unwrap();
            let policy = case.get("policy_name").and_then(Value::as_str).unwrap_or("");
            let decision = case.get("decision").map(|d| Decision {
                allowed: u64_of(&d["retry_after_ns"]) == 0,
                remaining: u32_of(&d["remaining"]),
                retry_after_ns: u64_of(&d["retry_after_ns"]),
                reset_after_ns: u64_of(&d["reset_after_ns"]),
                limit: 1,
            });
            let mut buf = [0u8; 128];
            let got = match case["header"].as_str().unwrap() {
                "Retry-After" => retry_after(&mut buf, &decision.unwrap()),
                "RateLimit" => ratelimit(&mut buf, policy, &decision.unwrap()),
                "RateLimit-Policy" => ratelimit_policy(&mut buf, policy, &quota_of(&case["quota"]).unwrap()),
                other => panic!("{name}: unknown header {other}"),
            };
            match (case.get("expect"), case.get("error")) {
                (Some(want), None) => assert_eq!(got, Ok(want.as_str().unwrap()), "{name}"),
                (None, Some(code)) => assert_eq!(got.map_err(|e| e.code()), Err(code.as_str().unwrap()), "{name}"),
                _ => panic!("{name}: needs exactly one of expect and error"),
            }
            ran += 1;
        }
        assert_eq!(ran, 19);
    }
}
