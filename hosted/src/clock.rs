//! Clocks and entropy: the platform services the core takes as arguments.
//!
//! Decides which clock a binding uses when the caller passes none — the system clock for JWT times
//! (Unix seconds, as tokens carry them) and one process-wide monotonic clock for rate limiting (so
//! every limiter, and an atomic check across several, compares like with like). Guarantees the
//! float-seconds → nanoseconds edge conversion rejects NaN, infinities, negatives and overflow
//! rather than saturating silently.

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Nanoseconds on the process-wide monotonic clock. Starts at 1 s, so 0 never means "now".
pub fn monotonic_ns() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    let elapsed = START.get_or_init(Instant::now).elapsed().as_nanos();
    u64::try_from(elapsed).unwrap_or(u64::MAX).saturating_add(1_000_000_000)
}

/// Unix time in whole seconds from the system clock.
pub fn unix_seconds() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Unix time in whole seconds from a caller's float, rounded down (a token is not valid "a little"
/// past its `exp`); saturating, NaN as 0.
pub fn seconds_floor(seconds: f64) -> i64 {
    #[allow(clippy::as_conversions, clippy::cast_possible_truncation)] // `as` from float saturates by definition
    let whole = seconds.floor() as i64;
    whole
}

/// Seconds (a float from the host language) as whole nanoseconds, or `None` unless finite, `>= 0`
/// and below 2^64 ns. Floats stop here: the core counts integer nanoseconds.
pub fn seconds_to_ns(seconds: f64) -> Option<u64> {
    let ns = (seconds * 1e9).round();
    #[allow(clippy::as_conversions, clippy::cast_possible_truncation, clippy::cast_sign_loss)] // range checked
    (0.0..1.8e19).contains(&ns).then_some(ns as u64)
}

/// 16 bytes from the OS RNG (hash seeds), or `None` when the OS has none to give.
pub fn os_seed() -> Option<[u8; 16]> {
    let mut seed = [0u8; 16];
    getrandom::fill(&mut seed).ok()?;
    Some(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_conversions() {
        assert_eq!(seconds_to_ns(1.5), Some(1_500_000_000));
        assert_eq!(seconds_to_ns(0.0), Some(0));
        assert_eq!(seconds_to_ns(-1.0), None);
        assert_eq!(seconds_to_ns(f64::NAN), None);
        assert_eq!(seconds_to_ns(f64::INFINITY), None);
        assert_eq!(seconds_to_ns(2e10), None);
        assert_eq!(seconds_floor(1.9), 1);
        assert_eq!(seconds_floor(-0.5), -1);
        assert!(monotonic_ns() >= 1_000_000_000);
        assert!(unix_seconds() > 1_700_000_000);
        assert_ne!(os_seed(), os_seed());
    }
}
