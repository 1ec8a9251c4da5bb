//! Rate limiting: may this client make this request now?
//!
//! Decides admission per key with the Generic Cell Rate Algorithm over a fixed-capacity table
//! ([`Limiter`]), for one key or atomically for several ([`check_all`]), and formats the answer as
//! `Retry-After` and `RateLimit` header values. Guarantees integer-only arithmetic that cannot overflow
//! or panic, O(1) work and no heap per check, and that a clock running backwards never grants extra
//! requests. Never reads a clock or an RNG (time and hash seeds come from the caller), never stores
//! the keys themselves, and never decides who the client is (that is the caller's job).

pub mod client_ip;
mod error;
mod gcra;
mod headers;
mod quota;
mod table;

pub use error::Error;
pub use gcra::{check as gcra_check, Decision};
pub use headers::{ratelimit, ratelimit_policy, retry_after, MAX_POLICY_NAME};
pub use quota::{Quota, NANOS_PER_SECOND};
pub use table::{FullPolicy, Limiter, BUCKET_SLOTS, CANDIDATES, RELOCATION_BUDGET};

/// A limiter that can be asked first and committed second: what [`check_all`] combines.
pub trait KeyedCheck {
    /// The decision `check` would return, without changing any state.
    fn evaluate(&self, key: &[u8], now: u64, cost: u32) -> Decision;
    /// Decides and records the request.
    fn check(&mut self, key: &[u8], now: u64, cost: u32) -> Decision;
}

impl<const N: usize> KeyedCheck for Limiter<N> {
    fn evaluate(&self, key: &[u8], now: u64, cost: u32) -> Decision {
        Limiter::evaluate(self, key, now, cost)
    }

    fn check(&mut self, key: &[u8], now: u64, cost: u32) -> Decision {
        Limiter::check(self, key, now, cost)
    }
}

/// One request against several limiters (say per-IP *and* per-user), decided atomically: either every
/// limiter admits it and each consumes its cost, or none consumes anything.
///
/// Each entry is `(limiter, key, cost)`. Returns the index of the decisive entry and its decision:
/// when denied, the denying entry with the longest `retry_after_ns` (the first on ties); when admitted,
/// the entry with the fewest `remaining` (the first on ties) — the one whose headers a response
/// should carry. Denials are evaluated without side effects, so a key denied here is not counted in
/// [`Limiter::full_denials`]. The same limiter cannot appear twice (the borrow checker forbids it),
/// which is what makes "evaluate all, then commit all" exact.
///
/// # Errors
/// [`Error::NoLimits`] if `checks` is empty (fail closed rather than admit unchecked).
pub fn check_all(checks: &mut [(&mut dyn KeyedCheck, &[u8], u32)], now: u64) -> Result<(usize, Decision), Error> {
    let mut denied: Option<(usize, Decision)> = None;
    for (index, (limiter, key, cost)) in checks.iter().enumerate() {
        let decision = limiter.evaluate(key, now, *cost);
        if !decision.allowed && denied.is_none_or(|(_, d)| decision.retry_after_ns > d.retry_after_ns) {
            denied = Some((index, decision));
        }
    }
    if let Some(found) = denied {
        return Ok(found);
    }
    let mut decisive: Option<(usize, Decision)> = None;
    for (index, (limiter, key, cost)) in checks.iter_mut().enumerate() {
        let decision = limiter.check(key, now, *cost);
        if decisive.is_none_or(|(_, d)| decision.remaining < d.remaining) {
            decisive = Some((index, decision));
        }
    }
    decisive.ok_or(Error::NoLimits)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: [u8; 16] = [7; 16];

    #[test]
    fn check_all_consumes_from_none_unless_all_allow() {
        let mut per_ip: Limiter<16> = Limiter::new(Quota::per_second(10).unwrap(), SEED);
        let mut per_user: Limiter<32> = Limiter::new(Quota::per_second(1).unwrap().with_burst(2).unwrap(), SEED);
        let (i, d) = check_all(&mut [(&mut per_ip, b"10.0.0.1", 1), (&mut per_user, b"alice", 1)], 0).unwrap();
        assert_eq!((i, d.allowed, d.remaining), (1, true, 1));
        let (i, d) = check_all(&mut [(&mut per_ip, b"10.0.0.1", 1), (&mut per_user, b"alice", 2)], 0).unwrap();
        assert_eq!((i, d.allowed), (1, false));
        // The per-IP bucket was not charged for the denied request.
        assert_eq!(per_ip.evaluate(b"10.0.0.1", 0, 0).remaining, 9);
        let (_, d) = check_all(&mut [(&mut per_ip, b"10.0.0.1", 1), (&mut per_user, b"alice", 1)], 0).unwrap();
        assert!(d.allowed);
        assert_eq!(per_ip.evaluate(b"10.0.0.1", 0, 0).remaining, 8);
        assert_eq!(per_user.evaluate(b"alice", 0, 0).remaining, 0);
        assert_eq!(check_all(&mut [], 0), Err(Error::NoLimits));
    }

    #[test]
    fn check_all_reports_the_longest_wait() {
        let mut a: Limiter<8> = Limiter::new(Quota::per_second(1).unwrap(), SEED);
        let mut b: Limiter<8> = Limiter::new(Quota::per_minute(1).unwrap(), SEED);
        let mut c: Limiter<8> = Limiter::new(Quota::per_second(100).unwrap(), SEED);
        assert!(check_all(&mut [(&mut a, b"k", 1), (&mut b, b"k", 1), (&mut c, b"k", 1)], 0).unwrap().1.allowed);
        let (i, d) = check_all(&mut [(&mut a, b"k", 1), (&mut b, b"k", 1), (&mut c, b"k", 1)], 0).unwrap();
        assert_eq!((i, d.allowed, d.retry_after_ns), (1, false, 60 * NANOS_PER_SECOND));
        assert_eq!(c.evaluate(b"k", 0, 0).remaining, 99);
        // A single limiter behaves exactly like its own check.
        let (i, d) = check_all(&mut [(&mut c, b"k", 1)], 0).unwrap();
        assert_eq!((i, d.allowed, d.remaining), (0, true, 98));
    }
}
