//! Every way the rate-limiting layer can refuse a configuration or an output buffer, as one `Copy` enum.
//!
//! Decides nothing itself; guarantees that each rejection has one documented variant and one snake_case
//! code that never changes meaning; never carries keys, client identifiers or other input values.
//! A request that is merely over its quota is not an error: it is a denied [`Decision`](super::Decision).

use core::fmt;

/// Why a quota, a header value or a combined check was rejected.
///
/// `code()` is the stable, language-independent name the Python and Node packages expose as `.code`.
/// Codes never change meaning once released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The quota's request count is zero (a limiter that admits nothing is spelled differently).
    ZeroRate,
    /// The quota's period is zero nanoseconds.
    ZeroPeriod,
    /// The quota's burst is zero: not even one request could ever be admitted.
    ZeroBurst,
    /// The rate is finer than one request per nanosecond (`period_ns < count`), so the emission
    /// interval would round to zero.
    RateTooHigh,
    /// `burst * emission_interval` (or a period in a named constructor) does not fit in a `u64`.
    Overflow,
    /// The caller's output buffer is too small for the header value.
    BufferTooSmall,
    /// The policy name for a `RateLimit` header is empty, too long, or not a structured-field token.
    InvalidPolicyName,
    /// A combined check was given no limiters at all (it fails closed instead of admitting).
    NoLimits,
}

impl Error {
    /// Every variant, for tests and documentation tables.
    pub const ALL: [Error; 8] = [
        Error::ZeroRate,
        Error::ZeroPeriod,
        Error::ZeroBurst,
        Error::RateTooHigh,
        Error::Overflow,
        Error::BufferTooSmall,
        Error::InvalidPolicyName,
        Error::NoLimits,
    ];

    /// The stable snake_case code.
    pub const fn code(self) -> &'static str {
        match self {
            Error::ZeroRate => "zero_rate",
            Error::ZeroPeriod => "zero_period",
            Error::ZeroBurst => "zero_burst",
            Error::RateTooHigh => "rate_too_high",
            Error::Overflow => "overflow",
            Error::BufferTooSmall => "buffer_too_small",
            Error::InvalidPolicyName => "invalid_policy_name",
            Error::NoLimits => "no_limits",
        }
    }

    /// A short human sentence. Never contains input values.
    pub const fn message(self) -> &'static str {
        match self {
            Error::ZeroRate => "quota count is zero",
            Error::ZeroPeriod => "quota period is zero",
            Error::ZeroBurst => "quota burst is zero",
            Error::RateTooHigh => "quota rate exceeds one request per nanosecond",
            Error::Overflow => "quota arithmetic overflows 64 bits",
            Error::BufferTooSmall => "buffer is too small",
            Error::InvalidPolicyName => "rate-limit policy name is not a valid token",
            Error::NoLimits => "combined check was given no limiters",
        }
    }

    /// The variant whose code is `code`, if any.
    pub fn from_code(code: &str) -> Option<Error> {
        Error::ALL.iter().copied().find(|e| e.code() == code)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_round_trip() {
        for (i, a) in Error::ALL.iter().enumerate() {
            assert!(a.code().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!(!a.message().is_empty());
            assert_eq!(Error::from_code(a.code()), Some(*a));
            for b in Error::ALL.iter().skip(i + 1) {
                assert_ne!(a.code(), b.code());
            }
        }
        assert_eq!(Error::from_code("nope"), None);
    }
}
