//! Quotas: how many requests a key may make per period, and how many it may make at once.
//!
//! Decides whether a rate and burst are representable in whole nanoseconds and precomputes the GCRA
//! emission interval `T` and tolerance `tau` from them. Guarantees that every `Quota` that exists has
//! `T >= 1`, `burst >= 1` and `T * burst <= u64::MAX`, so the GCRA arithmetic built on it cannot
//! overflow. Never rounds in the caller's favour: `T` is rounded up, so no key ever gets more than
//! `count` requests per `period` in the long run.

use super::Error;

/// Nanoseconds per second.
pub const NANOS_PER_SECOND: u64 = 1_000_000_000;
const NANOS_PER_MINUTE: u64 = 60 * NANOS_PER_SECOND;
const NANOS_PER_HOUR: u64 = 60 * NANOS_PER_MINUTE;

/// A rate (`count` per `period_ns`) and a burst, with the GCRA constants derived from them.
///
/// Time is in nanoseconds of a monotonic clock that the caller owns. The emission interval is
/// `T = ceil(period_ns / count)`; the burst (default `count`) is how many requests a fresh key may
/// make back to back; the tolerance is `tau = T * (burst - 1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Quota {
    count: u32,
    period_ns: u64,
    burst: u32,
    interval_ns: u64,
    tolerance_ns: u64,
}

/// Widens without `as` (which the workspace lints forbid) in a `const fn`.
const fn widen(x: u32) -> u64 {
    let b = x.to_le_bytes();
    u64::from_le_bytes([b[0], b[1], b[2], b[3], 0, 0, 0, 0])
}

/// Unwraps a preset at compile time: an invalid preset is a build error, never a runtime panic.
const fn preset(q: Result<Quota, Error>) -> Quota {
    match q {
        Ok(q) => q,
        Err(_) => panic!("invalid rate-limit preset"),
    }
}

impl Quota {
    /// Login attempts: 5 per minute, burst 5. A human retyping a password needs a handful of tries;
    /// credential stuffing needs thousands, so this slows a single key to 7,200 guesses a day.
    pub const LOGIN: Quota = preset(Quota::per_minute(5));
    /// Password-reset requests: 3 per hour, burst 3. Each one sends an e-mail; more than three an hour
    /// is mail-bombing, not forgetfulness.
    pub const PASSWORD_RESET: Quota = preset(Quota::per_hour(3));
    /// Cheap reads: 300 per minute (5/s sustained), burst 300, enough for a page that fans out into
    /// dozens of API calls.
    pub const READ: Quota = preset(Quota::per_minute(300));
    /// Writes: 60 per minute (1/s sustained), burst 60.
    pub const WRITE: Quota = preset(Quota::per_minute(60));
    /// Search and other expensive queries: 30 per minute, burst 30.
    pub const SEARCH: Quota = preset(Quota::per_minute(30));

    /// `count` requests per `period_ns` nanoseconds, burst `count`.
    ///
    /// # Errors
    /// [`Error::ZeroRate`] if `count == 0`, [`Error::ZeroPeriod`] if `period_ns == 0`,
    /// [`Error::RateTooHigh`] if `period_ns < count`, [`Error::Overflow`] if `T * count` overflows.
    pub const fn new(count: u32, period_ns: u64) -> Result<Quota, Error> {
        if count == 0 {
            return Err(Error::ZeroRate);
        }
        if period_ns == 0 {
            return Err(Error::ZeroPeriod);
        }
        let wide = widen(count);
        if period_ns < wide {
            return Err(Error::RateTooHigh);
        }
        let interval_ns = period_ns.div_ceil(wide);
        let q = Quota { count, period_ns, burst: count, interval_ns, tolerance_ns: 0 };
        q.with_burst(count)
    }

    /// `count` requests per second.
    ///
    /// # Errors
    /// As [`Quota::new`].
    pub const fn per_second(count: u32) -> Result<Quota, Error> {
        Quota::new(count, NANOS_PER_SECOND)
    }

    /// `count` requests per minute.
    ///
    /// # Errors
    /// As [`Quota::new`].
    pub const fn per_minute(count: u32) -> Result<Quota, Error> {
        Quota::new(count, NANOS_PER_MINUTE)
    }

    /// `count` requests per hour.
    ///
    /// # Errors
    /// As [`Quota::new`].
    pub const fn per_hour(count: u32) -> Result<Quota, Error> {
        Quota::new(count, NANOS_PER_HOUR)
    }

    /// The same rate with a different burst (how many requests a fresh key may make at once).
    ///
    /// # Errors
    /// [`Error::ZeroBurst`] if `burst == 0`; [`Error::Overflow`] if `T * burst` does not fit a `u64`.
    pub const fn with_burst(self, burst: u32) -> Result<Quota, Error> {
        if burst == 0 {
            return Err(Error::ZeroBurst);
        }
        if self.interval_ns.checked_mul(widen(burst)).is_none() {
            return Err(Error::Overflow);
        }
        // burst >= 1 and T * burst fits, so T * (burst - 1) fits too.
        let tolerance_ns = self.interval_ns.saturating_mul(widen(burst).saturating_sub(1));
        Ok(Quota { burst, tolerance_ns, ..self })
    }

    /// Requests per period (the sustained rate's numerator).
    pub const fn count(&self) -> u32 {
        self.count
    }

    /// The period in nanoseconds.
    pub const fn period_ns(&self) -> u64 {
        self.period_ns
    }

    /// How many requests a fresh key may make back to back (reported as the `limit` of a decision).
    pub const fn burst(&self) -> u32 {
        self.burst
    }

    /// The emission interval `T = ceil(period_ns / count)`: the cost of one request in nanoseconds.
    pub const fn interval_ns(&self) -> u64 {
        self.interval_ns
    }

    /// The GCRA tolerance `tau = T * (burst - 1)`.
    pub const fn tolerance_ns(&self) -> u64 {
        self.tolerance_ns
    }

    /// `T * burst = tau + T`: how far ahead of `now` the theoretical arrival time may run after an
    /// admitted request. Never overflows (checked at construction).
    pub const fn capacity_ns(&self) -> u64 {
        self.interval_ns.saturating_mul(widen(self.burst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors() {
        let q = Quota::per_second(10).unwrap();
        assert_eq!((q.count(), q.period_ns(), q.burst()), (10, NANOS_PER_SECOND, 10));
        assert_eq!(q.interval_ns(), 100_000_000);
        assert_eq!(q.tolerance_ns(), 900_000_000);
        assert_eq!(q.capacity_ns(), NANOS_PER_SECOND);
        let q = Quota::per_minute(3).unwrap().with_burst(1).unwrap();
        assert_eq!((q.interval_ns(), q.tolerance_ns(), q.burst()), (20 * NANOS_PER_SECOND, 0, 1));
        assert_eq!(Quota::per_hour(1).unwrap().interval_ns(), NANOS_PER_HOUR);
        // T rounds up: 3 per second is 333_333_334 ns each, never faster than 3/s.
        assert_eq!(Quota::per_second(3).unwrap().interval_ns(), 333_333_334);
        assert_eq!(Quota::new(1, 1).unwrap().interval_ns(), 1);
        assert_eq!(Quota::new(u32::MAX, u64::MAX).unwrap().burst(), u32::MAX);
    }

    #[test]
    fn rejections() {
        assert_eq!(Quota::per_second(0), Err(Error::ZeroRate));
        assert_eq!(Quota::new(1, 0), Err(Error::ZeroPeriod));
        assert_eq!(Quota::new(0, 0), Err(Error::ZeroRate));
        assert_eq!(Quota::new(10, 9), Err(Error::RateTooHigh));
        assert_eq!(Quota::per_second(1).unwrap().with_burst(0), Err(Error::ZeroBurst));
        assert_eq!(Quota::new(1, u64::MAX).unwrap().with_burst(2), Err(Error::Overflow));
        assert_eq!(Quota::new(2, u64::MAX), Err(Error::Overflow));
        assert!(Quota::new(1, u64::MAX).is_ok());
    }

    #[test]
    fn presets() {
        assert_eq!(Quota::LOGIN, Quota::per_minute(5).unwrap());
        assert_eq!(Quota::PASSWORD_RESET, Quota::per_hour(3).unwrap());
        assert_eq!(Quota::READ, Quota::per_minute(300).unwrap());
        assert_eq!(Quota::WRITE, Quota::per_minute(60).unwrap());
        assert_eq!(Quota::SEARCH, Quota::per_minute(30).unwrap());
    }
}
