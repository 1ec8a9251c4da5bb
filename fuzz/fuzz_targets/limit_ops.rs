//! Differential fuzzing of the rate limiter: a `Limiter<8>` (A) and a `Limiter<16>` (B), each with its
//! own small quota and `FullPolicy`, are driven by a sequence of operations (check one key on A, on B,
//! or on both atomically through `limit::check_all`) and compared, after every operation, against a
//! reference model that keeps every key's TAT in a plain array and decides with `limit::gcra_check`.
//!
//! The model holds every key forever, so the limiter may differ from it only in the ways its docs
//! allow, each of which is checked to have happened:
//!
//! * `FullPolicy::Deny`: a new (or expired) key finds its candidate slots full of live entries (none can relocate) and is denied
//!   (`full_denials()` grows by one, unless the request was a peek or was only evaluated by
//!   `check_all`). The model is not charged. Under Deny nothing is ever evicted, so the model's TAT
//!   and the table's agree exactly for every key.
//! * `FullPolicy::Admit`: an eviction (`evictions()` grows by one) may have reset any other key. All
//!   other keys are then marked "maybe evicted"; such a key may later get the decision of a fresh key
//!   where the model had debt, and the model is resynchronised for that key (and its admission
//!   history dropped). Nothing else may differ: the limiter never admits what the model denies for a
//!   key that has not been evicted, and never denies what the model admits under Admit.
//!
//! Independently of the model, every key's admissions (since its last resync) are checked against
//! the quota itself: in any window of `period` nanoseconds of effective time at most
//! `burst + count` units are admitted. Also checked: `evaluate` equals `check`, `latest_now` is the
//! running maximum of the clock, decisions are internally consistent, `check_all` picks the documented
//! entry and commits all or nothing. Never panics otherwise.
#![no_main]

use apiward::limit::{self, Decision, FullPolicy, KeyedCheck, Limiter, Quota};
use libfuzzer_sys::fuzz_target;

const KEYS: usize = 16;
const MAX_OPS: usize = 512;

/// Sixteen distinct keys of varied lengths (the empty key included).
const KEY_SET: [&[u8]; KEYS] = [
    b"",
    b"a",
    b"b",
    b"10.0.0.1",
    b"10.0.0.2",
    b"\xff\x0a\x00\x00\x01",
    b"alice",
    b"bob",
    b"\x00",
    b"\x00\x00",
    b"2001:db8::1",
    b"user:42",
    b"user:43",
    b"a-rather-longer-key-that-spans-more-than-one-siphash-block",
    b"\x01",
    b"zz",
];

/// One limiter and its model.
struct Harness<const N: usize> {
    lim: Limiter<N>,
    quota: Quota,
    policy: FullPolicy,
    /// Model TAT per key (0: fresh).
    tat: [u64; KEYS],
    /// The key may have been evicted since the model last agreed with the table about it.
    dirty: [bool; KEYS],
    /// The model's running maximum of `now` over committed checks.
    latest: u64,
    evictions: u64,
    full_denials: u64,
    /// Admissions (effective time, cost) per key since its last resync, pruned to one period.
    log: Vec<Vec<(u64, u32)>>,
}

impl<const N: usize> Harness<N> {
    fn new(quota: Quota, policy: FullPolicy, seed: [u8; 16]) -> Self {
        let lim = Limiter::<N>::new(quota, seed).with_full_policy(policy);
        assert_eq!(lim.full_policy(), policy);
        assert_eq!(lim.capacity(), N);
        assert_eq!(*lim.quota(), quota);
        Harness {
            lim,
            quota,
            policy,
            tat: [0; KEYS],
            dirty: [false; KEYS],
            latest: 0,
            evictions: 0,
            full_denials: 0,
            log: vec![Vec::new(); KEYS],
        }
    }

    fn fresh_decision(&self, now: u64, cost: u32) -> Decision {
        limit::gcra_check(0, now, &self.quota, cost).0
    }

    /// Checks that a decision is internally consistent, whatever produced it.
    fn sane(&self, d: &Decision, cost: u32) {
        let q = &self.quota;
        assert_eq!(d.limit, q.burst(), "limit is not the burst: {d:?}");
        assert!(d.remaining <= q.burst(), "remaining above burst: {d:?}");
        if d.allowed {
            assert_eq!(d.retry_after_ns, 0, "admitted with a retry-after: {d:?}");
            assert!(cost <= q.burst(), "admitted a cost above the burst: {d:?}");
            assert!(d.reset_after_ns <= q.capacity_ns(), "admitted beyond capacity: {d:?}");
        } else {
            assert!(d.retry_after_ns >= 1, "denied with retry-after 0: {d:?}");
        }
        if cost > q.burst() {
            assert!(!d.allowed && d.retry_after_ns == u64::MAX, "cost above burst: {d:?}");
        }
    }

    /// Compares the limiter's decision `d` for key `k` at effective time `now` with the model and, if
    /// `commit`, charges the model. `counted`: a full-table denial of a cost > 0 must be counted.
    fn observe(&mut self, k: usize, now: u64, cost: u32, d: Decision, commit: bool, counted: bool) {
        self.sane(&d, cost);
        if trace() {
            eprintln!(
                "N={N} key {k} now {now} cost {cost} commit {commit}: {d:?} | model tat {} dirty {} | ev {} fd {}",
                self.tat[k], self.dirty[k], self.lim.evictions(), self.lim.full_denials()
            );
        }
        let new_ev = self.lim.evictions() - self.evictions;
        let new_fd = self.lim.full_denials() - self.full_denials;
        self.evictions = self.lim.evictions();
        self.full_denials = self.lim.full_denials();
        assert!(new_ev <= 1 && new_fd <= 1, "one check moved a counter by more than one");
        if !commit {
            assert_eq!((new_ev, new_fd), (0, 0), "an evaluation moved a counter");
        }
        let fresh_in_model = self.tat[k] <= now;
        let (m, _) = limit::gcra_check(self.tat[k], now, &self.quota, cost);

        if new_fd == 1 {
            assert_eq!(self.policy, FullPolicy::Deny, "full denial under Admit");
            assert!(counted && cost > 0 && !d.allowed, "bad full denial: cost {cost}, {d:?}");
            assert!(fresh_in_model, "a key the table must hold was full-denied (tat {}, now {now})", self.tat[k]);
            assert!(m.allowed, "full denial counted for a request GCRA denies anyway");
            assert_eq!((d.remaining, d.reset_after_ns), (0, 0), "full denial: {d:?}");
            return;
        }
        if new_ev == 1 {
            assert_eq!(self.policy, FullPolicy::Admit, "eviction under Deny");
            assert!(d.allowed && cost > 0, "eviction without an admitted request: {d:?}");
            // The key itself was not in its buckets: fresh, or evicted earlier.
            assert_eq!(d, self.fresh_decision(now, cost), "evicting key {k} was not fresh");
            for (j, dirty) in self.dirty.iter_mut().enumerate() {
                if j != k {
                    *dirty = true;
                }
            }
        }

        if d != m {
            let fresh = self.fresh_decision(now, cost);
            if self.dirty[k] && d == fresh {
                // Evicted earlier: the table forgot this key's debt. Start the model afresh — but only
                // on a commit, which moves the table's clock to `now`: an uncommitted evaluation (a
                // denied check_all) leaves the clock behind, and at an earlier time the table may
                // still hold debt for the key.
                if !commit {
                    return;
                }
                self.tat[k] = 0;
                self.log[k].clear();
            } else if self.policy == FullPolicy::Deny
                && (cost == 0 || !counted)
                && fresh_in_model
                && m.allowed
                && !d.allowed
                && d.remaining == 0
                && d.reset_after_ns == 0
            {
                // An uncounted full-table denial (a peek, or check_all's evaluation): nothing stored.
                assert_eq!(new_ev, 0);
                return;
            } else {
                panic!(
                    "limiter and model disagree on key {k} at {now} cost {cost}: limiter {d:?}, model {m:?} \
                     (model tat {}, dirty {}, policy {:?}, quota {:?})",
                    self.tat[k], self.dirty[k], self.policy, self.quota
                );
            }
        }
        // Equal decisions mean equivalent states at `now` (reset_after is the debt, after the request if
        // admitted), and for good once a commit has moved the table's clock to `now`.
        if !commit {
            return;
        }
        self.dirty[k] = false;
        let (m2, tat) = limit::gcra_check(self.tat[k], now, &self.quota, cost);
        assert_eq!(m2, d);
        if d.allowed && cost > 0 {
            assert_eq!(tat, now + d.reset_after_ns, "admitted TAT is not now + reset_after");
            self.tat[k] = tat;
            self.record(k, now, cost);
        } else {
            assert_eq!(tat, self.tat[k], "a peek or denial changed the model TAT");
        }
    }

    /// Records an admission and checks the conservative quota bound over the last period.
    fn record(&mut self, k: usize, now: u64, cost: u32) {
        let period = self.quota.period_ns();
        let log = &mut self.log[k];
        log.push((now, cost));
        // Keep the admissions within [now - period + 1, now]: a window of `period` nanoseconds.
        let floor = now.saturating_sub(period - 1);
        log.retain(|&(t, _)| t >= floor);
        let units: u64 = log.iter().map(|&(_, c)| u64::from(c)).sum();
        let bound = u64::from(self.quota.burst()) + u64::from(self.quota.count());
        assert!(
            units <= bound,
            "key {k} admitted {units} units within one period ({period} ns) ending at {now}; bound {bound} \
             (quota {:?}, log {log:?})",
            self.quota
        );
    }

    /// One plain check, compared with `evaluate` and the model.
    fn check(&mut self, k: usize, now: u64, cost: u32) {
        let key = KEY_SET[k];
        let eff = now.max(self.latest);
        let e = self.lim.evaluate(key, now, cost);
        assert_eq!(self.lim.latest_now(), self.latest, "evaluate moved the clock");
        let d = self.lim.check(key, now, cost);
        assert_eq!(e, d, "evaluate and check disagree on key {k} at {now} cost {cost}");
        self.latest = eff;
        assert_eq!(self.lim.latest_now(), self.latest, "latest_now is not the running max");
        self.observe(k, eff, cost, d, true, true);
    }
}

/// Set `LIMIT_OPS_TRACE=1` when replaying a crash to print every decision.
fn trace() -> bool {
    static TRACE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("LIMIT_OPS_TRACE").is_some())
}

fn quota(count: u8, burst: u8, mantissa: u16, exp: u8) -> Option<Quota> {
    let count = u32::from(count % 20) + 1;
    let burst = u32::from(burst % 20) + 1;
    let m = u64::from(mantissa);
    let period = match exp % 13 {
        e @ 0..=9 => (m + 1).saturating_mul(10u64.pow(u32::from(e))),
        10 => u64::MAX - m,
        11 => u64::MAX >> (m % 64),
        _ => u64::MAX / u64::from(burst) - m,
    };
    let period = period.max(u64::from(count));
    Quota::new(count, period).ok()?.with_burst(burst).ok()
}

fn policy(bit: bool) -> FullPolicy {
    if bit {
        FullPolicy::Admit
    } else {
        FullPolicy::Deny
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((head, ops)) = data.split_first_chunk::<10>() else { return };
    let [ca, ba, m0, m1, flags, seed_byte, cb, bb, eb, seed2] = *head;
    let mantissa = u16::from_le_bytes([m0, m1]);
    let Some(qa) = quota(ca, ba, mantissa, flags >> 3) else { return };
    let Some(qb) = quota(cb, bb, mantissa.rotate_left(5), eb) else { return };
    let mut seed = [seed_byte; 16];
    seed[0] = seed2;
    let mut a: Harness<8> = Harness::new(qa, policy(flags & 1 != 0), seed);
    let mut b: Harness<16> = Harness::new(qb, policy(flags & 2 != 0), seed);
    let mut now: u64 = if flags & 4 != 0 { u64::MAX - qa.capacity_ns().saturating_mul(4) } else { 0 };

    for op in ops.chunks_exact(4).take(MAX_OPS) {
        let [sel, d0, d1, c] = [op[0], op[1], op[2], op[3]];
        let k = usize::from(sel & 0x0f);
        let delta = u64::from(u16::from_le_bytes([d0, d1]));
        let t = qa.interval_ns().min(qb.interval_ns());
        match (sel >> 6) & 3 {
            0 => {}
            1 => now = now.saturating_add(delta),
            2 => now = now.saturating_add(delta.saturating_mul(t / 256 + 1)),
            _ => now = now.saturating_sub(delta.saturating_mul(t / 16 + 1)),
        }
        let cost = u32::from(c % 26);
        match (sel >> 4) & 3 {
            0 | 1 => a.check(k, now, cost),
            2 => b.check(k, now, cost),
            _ => {
                let kb = (k + usize::from(c / 26)) % KEYS;
                let cost_b = u32::from(c >> 5) % 4;
                let (ea, eb) = (a.lim.evaluate(KEY_SET[k], now, cost), b.lim.evaluate(KEY_SET[kb], now, cost_b));
                let before = (a.lim.latest_now(), b.lim.latest_now());
                let mut checks: [(&mut dyn KeyedCheck, &[u8], u32); 2] =
                    [(&mut a.lim, KEY_SET[k], cost), (&mut b.lim, KEY_SET[kb], cost_b)];
                let (i, d) = limit::check_all(&mut checks, now).expect("two limits given");
                let (eff_a, eff_b) = (now.max(a.latest), now.max(b.latest));
                if ea.allowed && eb.allowed {
                    let want = if eb.remaining < ea.remaining { 1 } else { 0 };
                    assert_eq!(i, want, "check_all picked the wrong admitted entry: {ea:?} {eb:?}");
                    assert_eq!(d, if i == 0 { ea } else { eb });
                    a.latest = eff_a;
                    b.latest = eff_b;
                    assert_eq!((a.lim.latest_now(), b.lim.latest_now()), (a.latest, b.latest));
                    a.observe(k, eff_a, cost, ea, true, true);
                    b.observe(kb, eff_b, cost_b, eb, true, true);
                } else {
                    let want = if !ea.allowed && (eb.allowed || eb.retry_after_ns <= ea.retry_after_ns) { 0 } else { 1 };
                    assert_eq!(i, want, "check_all picked the wrong denial: {ea:?} {eb:?}");
                    assert_eq!(d, if i == 0 { ea } else { eb });
                    assert_eq!((a.lim.latest_now(), b.lim.latest_now()), before, "a denied check_all moved a clock");
                    a.observe(k, eff_a, cost, ea, false, false);
                    b.observe(kb, eff_b, cost_b, eb, false, false);
                    // Nothing was committed: the same evaluations still hold.
                    assert_eq!(a.lim.evaluate(KEY_SET[k], now, cost), ea);
                    assert_eq!(b.lim.evaluate(KEY_SET[kb], now, cost_b), eb);
                }
            }
        }
    }
});
