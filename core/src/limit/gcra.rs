//! The Generic Cell Rate Algorithm: one pure function from (stored TAT, now, quota, cost) to a verdict.
//!
//! Decides whether a request of `cost` units is admitted, using only integer arithmetic on the
//! theoretical arrival time (TAT) that the caller stores per key. Guarantees no overflow and no panic
//! for any input, that a clock running backwards never grants extra capacity (the TAT is never
//! reduced), and that a denial changes nothing. Never reads a clock, never allocates, never stores.

use super::Quota;
use super::NANOS_PER_SECOND;

/// The verdict on one request, with what an HTTP response needs to tell the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decision {
    /// Whether the request is admitted (and its cost consumed).
    pub allowed: bool,
    /// Requests of cost 1 that could still be admitted right now, after this decision.
    pub remaining: u32,
    /// When denied: nanoseconds until the same request would be admitted (`u64::MAX`: never, the
    /// cost exceeds the burst, or the table is out of room and nothing frees up). 0 when admitted.
    pub retry_after_ns: u64,
    /// Nanoseconds until the key's bucket is full again (its whole burst available).
    pub reset_after_ns: u64,
    /// The burst: the most requests a fresh key may make at once.
    pub limit: u32,
}

const fn ceil_secs(ns: u64) -> u64 {
    let whole = ns / NANOS_PER_SECOND;
    if ns.is_multiple_of(NANOS_PER_SECOND) {
        whole
    } else {
        whole.saturating_add(1)
    }
}

impl Decision {
    /// `retry_after_ns` in whole seconds, rounded up (what `Retry-After` carries).
    pub const fn retry_after_secs(&self) -> u64 {
        ceil_secs(self.retry_after_ns)
    }

    /// `reset_after_ns` in whole seconds, rounded up.
    pub const fn reset_after_secs(&self) -> u64 {
        ceil_secs(self.reset_after_ns)
    }

    /// A denial without a stored state change, e.g. a key that found no room in a full table.
    pub(crate) const fn denied(limit: u32, retry_after_ns: u64, reset_after_ns: u64) -> Decision {
        Decision { allowed: false, remaining: 0, retry_after_ns, reset_after_ns, limit }
    }
}

/// Tokens of cost 1 left when the key owes `debt` nanoseconds: `(C - min(debt, C)) / T`.
fn tokens(quota: &Quota, debt: u64) -> u32 {
    let capacity = quota.capacity_ns();
    let left = capacity.saturating_sub(debt) / quota.interval_ns().max(1);
    // left <= burst (a u32) because capacity = T * burst.
    u32::try_from(left).unwrap_or(quota.burst())
}

/// Decides one request of `cost` units against a key whose stored TAT is `tat` (0 for a new key).
///
/// Returns the decision and the TAT to store (equal to `tat` unless the request was admitted with
/// `cost > 0`).
///
/// # The rule, precisely
///
/// With `T` = [`Quota::interval_ns`], `B` = [`Quota::burst`] and `C = T * B` = [`Quota::capacity_ns`]:
///
/// * `base = max(tat, now)`; the key's *debt* is `base - now` (0 for a full bucket).
/// * `cost > B`: denied, `retry_after_ns = u64::MAX` (it can never succeed), nothing changes.
/// * otherwise `debt' = debt + T * cost`; **admitted iff `debt' <= C`** and `now + debt'` fits a `u64`
///   (the last `C` nanoseconds before the clock wraps deny everything: fail closed). If `debt'` itself
///   or `now + debt'` does not fit a `u64`, the denial's `retry_after_ns` is `u64::MAX`.
///   This is `new_tat - tau <= now + T`, the classic GCRA test on the TAT *before* this request.
/// * admitted: the new TAT is `now + debt'`, `remaining = (C - debt') / T` (floor),
///   `reset_after_ns = debt'` (time until the bucket is full again), `retry_after_ns = 0`.
/// * denied: the TAT is unchanged, `remaining = (C - min(debt, C)) / T` (what is available now),
///   `reset_after_ns = debt`, `retry_after_ns = debt' - C` (the wait after which the same request is
///   admitted, if nothing else consumes meanwhile).
/// * `cost == 0` is a peek: it is admitted iff `debt <= C`, and never changes the TAT.
pub fn check(tat: u64, now: u64, quota: &Quota, cost: u32) -> (Decision, u64) {
    let t = quota.interval_ns();
    let capacity = quota.capacity_ns();
    let limit = quota.burst();
    let debt = tat.saturating_sub(now);
    // Built only on the denial paths: the admitted path divides once, not twice.
    let unchanged = |retry_after_ns: u64| Decision {
        allowed: false,
        remaining: tokens(quota, debt),
        retry_after_ns,
        reset_after_ns: debt,
        limit,
    };
    if cost > limit {
        return (unchanged(u64::MAX), tat);
    }
    // cost <= burst, so T * cost <= C fits; a debt so large that adding it overflows is denied.
    let Some(new_debt) = debt.checked_add(t.saturating_mul(u64::from(cost))) else {
        return (unchanged(u64::MAX), tat);
    };
    if new_debt > capacity {
        return (unchanged(new_debt.saturating_sub(capacity)), tat);
    }
    let Some(new_tat) = now.checked_add(new_debt) else {
        return (unchanged(u64::MAX), tat);
    };
    let decision = Decision {
        allowed: true,
        remaining: tokens(quota, new_debt),
        retry_after_ns: 0,
        reset_after_ns: new_debt,
        limit,
    };
    // A peek never stores; an admitted request never lowers the TAT (new_tat >= max(tat, now)).
    (decision, if cost == 0 { tat } else { new_tat })
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = NANOS_PER_SECOND;

    fn q(count: u32, burst: u32) -> Quota {
        Quota::per_second(count).unwrap().with_burst(burst).unwrap()
    }

    #[test]
    fn burst_then_steady_rate() {
        // 2/s => T = 0.5 s, burst 3 => C = 1.5 s.
        let quota = q(2, 3);
        let now = 100 * S;
        let (d, tat) = check(0, now, &quota, 1);
        assert_eq!(d, Decision { allowed: true, remaining: 2, retry_after_ns: 0, reset_after_ns: S / 2, limit: 3 });
        let (d, tat) = check(tat, now, &quota, 1);
        assert_eq!((d.allowed, d.remaining, d.reset_after_ns), (true, 1, S));
        let (d, tat) = check(tat, now, &quota, 1);
        assert_eq!((d.allowed, d.remaining, d.reset_after_ns), (true, 0, 3 * S / 2));
        let (d, tat2) = check(tat, now, &quota, 1);
        assert_eq!(
            d,
            Decision { allowed: false, remaining: 0, retry_after_ns: S / 2, reset_after_ns: 3 * S / 2, limit: 3 }
        );
        assert_eq!(tat2, tat);
        // Exactly retry_after later it is admitted; one nanosecond earlier it is not.
        assert!(!check(tat, now + S / 2 - 1, &quota, 1).0.allowed);
        let (d, _) = check(tat, now + S / 2, &quota, 1);
        assert_eq!((d.allowed, d.remaining), (true, 0));
        assert_eq!(d.retry_after_secs(), 0);
    }

    #[test]
    fn denied_multi_cost_reports_available_tokens() {
        let quota = q(1, 5);
        let (_, tat) = check(0, 0, &quota, 3);
        let (d, t2) = check(tat, 0, &quota, 3);
        assert_eq!((d.allowed, d.remaining, d.retry_after_ns, d.reset_after_ns), (false, 2, S, 3 * S));
        assert_eq!(t2, tat);
        let (d, _) = check(tat, 0, &quota, 2);
        assert_eq!((d.allowed, d.remaining), (true, 0));
    }

    #[test]
    fn peek_never_consumes() {
        let quota = q(1, 2);
        let (d, tat) = check(0, 10, &quota, 0);
        assert_eq!((d.allowed, d.remaining, tat), (true, 2, 0));
        let (_, tat) = check(0, 10, &quota, 2);
        let (d, t2) = check(tat, 10, &quota, 0);
        assert_eq!((d.allowed, d.remaining, d.reset_after_ns, t2), (true, 0, 2 * S, tat));
    }

    #[test]
    fn cost_above_burst_never_admitted() {
        let quota = q(1, 2);
        let (d, tat) = check(0, 5 * S, &quota, 3);
        assert_eq!(d, Decision { allowed: false, remaining: 2, retry_after_ns: u64::MAX, reset_after_ns: 0, limit: 2 });
        assert_eq!(tat, 0);
        let (d, _) = check(0, 5 * S, &quota, u32::MAX);
        assert!(!d.allowed);
        assert_eq!(d.retry_after_secs(), u64::MAX / S + 1);
    }

    #[test]
    fn backwards_clock_grants_nothing() {
        let quota = q(1, 1);
        let (_, tat) = check(0, 10 * S, &quota, 1);
        assert_eq!(tat, 11 * S);
        let (d, t2) = check(tat, 5 * S, &quota, 1);
        assert!(!d.allowed);
        assert_eq!(t2, tat);
        assert_eq!(d.retry_after_ns, 6 * S);
        // Far in the past, the debt exceeds the capacity: even a peek is denied, nothing changes.
        let quota = q(1, 2);
        let (_, tat) = check(0, 10 * S, &quota, 1);
        let (d, t2) = check(tat, 0, &quota, 0);
        assert_eq!((d.allowed, d.remaining, t2), (false, 0, tat));
    }

    #[test]
    fn extremes_saturate() {
        let quota = q(1, 1);
        let (d, tat) = check(u64::MAX, u64::MAX, &quota, 1);
        assert!(!d.allowed);
        assert_eq!(tat, u64::MAX);
        let (d, _) = check(0, u64::MAX - S, &quota, 1);
        assert!(d.allowed);
        let (d, _) = check(0, u64::MAX - S + 1, &quota, 1);
        assert!(!d.allowed);
        let (d, _) = check(u64::MAX, 0, &quota, 1);
        assert_eq!((d.allowed, d.reset_after_ns, d.retry_after_ns), (false, u64::MAX, u64::MAX));
        let (d, _) = check(u64::MAX - S, 0, &quota, 1);
        assert_eq!((d.allowed, d.retry_after_ns), (false, u64::MAX - S));
        let big = Quota::new(1, u64::MAX).unwrap();
        let (d, tat) = check(0, 0, &big, 1);
        assert_eq!((d.allowed, tat), (true, u64::MAX));
        assert!(!check(tat, 1, &big, 1).0.allowed);
        assert!(!check(tat, 0, &big, 1).0.allowed);
        let wide = Quota::new(u32::MAX, u64::MAX).unwrap();
        let (d, _) = check(0, 0, &wide, u32::MAX);
        assert_eq!((d.allowed, d.remaining), (true, 0));
    }

    #[test]
    fn seconds_round_up() {
        let d = Decision::denied(1, 1, S + 1);
        assert_eq!((d.retry_after_secs(), d.reset_after_secs()), (1, 2));
        assert_eq!(Decision::denied(1, 0, 2 * S).reset_after_secs(), 2);
    }
}
