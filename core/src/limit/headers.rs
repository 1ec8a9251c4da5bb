//! Header values for a rate-limited response: `Retry-After`, `RateLimit` and `RateLimit-Policy`.
//!
//! Decides the exact bytes of each value from a [`Decision`] or [`Quota`], following RFC 9110
//! (`Retry-After` as delta-seconds) and the structured-field syntax of
//! draft-ietf-httpapi-ratelimit-headers-08 through -11 (`RateLimit-Policy: "name";q=100;w=60` and
//! `RateLimit: "name";r=42;t=30`). Guarantees ASCII output written into the caller's buffer, seconds
//! always rounded up (a client that waits as told is never early), and a policy name that cannot
//! break out of its quoted string. Never allocates and never writes past the buffer: a short buffer is
//! [`Error::BufferTooSmall`].

use super::{Decision, Error, Quota, NANOS_PER_SECOND};

/// The longest policy name accepted.
pub const MAX_POLICY_NAME: usize = 64;

struct Out<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> Out<'a> {
    fn new(buf: &'a mut [u8]) -> Self {
        Out { buf, len: 0 }
    }

    fn push(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.len.checked_add(bytes.len()).ok_or(Error::BufferTooSmall)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(Error::BufferTooSmall)?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// Decimal, no sign, no leading zeros: the tiny no-alloc integer formatter.
    fn push_u64(&mut self, value: u64) -> Result<(), Error> {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = value;
        loop {
            start = start.saturating_sub(1);
            let digit = u8::try_from(rest % 10).unwrap_or(0);
            if let Some(d) = digits.get_mut(start) {
                *d = b'0'.saturating_add(digit);
            }
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.push(digits.get(start..).unwrap_or(&[]))
    }

    fn finish(self) -> Result<&'a str, Error> {
        let Out { buf, len } = self;
        let bytes: &'a [u8] = buf;
        let written = bytes.get(..len).ok_or(Error::BufferTooSmall)?;
        core::str::from_utf8(written).map_err(|_| Error::BufferTooSmall)
    }
}

/// A policy name must be a structured-field token (`ALPHA / "*"` then `tchar / ":" / "/"`), at most
/// [`MAX_POLICY_NAME`] bytes, so it can neither break out of the quoted string nor surprise a parser.
fn check_name(name: &str) -> Result<(), Error> {
    let bytes = name.as_bytes();
    let first_ok = bytes.first().is_some_and(|b| b.is_ascii_alphabetic() || *b == b'*');
    let rest_ok = bytes.iter().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(b));
    if first_ok && rest_ok && bytes.len() <= MAX_POLICY_NAME {
        Ok(())
    } else {
        Err(Error::InvalidPolicyName)
    }
}

/// The `Retry-After` value: `decision.retry_after_secs()` as delta-seconds (`0` when admitted).
///
/// # Errors
/// [`Error::BufferTooSmall`] if `buf` cannot hold the digits (20 bytes always suffice).
pub fn retry_after<'a>(buf: &'a mut [u8], decision: &Decision) -> Result<&'a str, Error> {
    let mut out = Out::new(buf);
    out.push_u64(decision.retry_after_secs())?;
    out.finish()
}

/// The `RateLimit-Policy` value `"name";q=COUNT;w=SECONDS`: `count` requests per `period` (seconds,
/// rounded up). The burst is not a draft parameter; it shows in `RateLimit`'s `r` on a fresh key.
///
/// # Errors
/// [`Error::InvalidPolicyName`] for a bad name; [`Error::BufferTooSmall`] if `buf` is too short.
pub fn ratelimit_policy<'a>(buf: &'a mut [u8], name: &str, quota: &Quota) -> Result<&'a str, Error> {
    check_name(name)?;
    let period = quota.period_ns();
    let window = (period / NANOS_PER_SECOND).saturating_add(u64::from(!period.is_multiple_of(NANOS_PER_SECOND)));
    let mut out = Out::new(buf);
    out.push(b"\"")?;
    out.push(name.as_bytes())?;
    out.push(b"\";q=")?;
    out.push_u64(u64::from(quota.count()))?;
    out.push(b";w=")?;
    out.push_u64(window)?;
    out.finish()
}

/// The `RateLimit` value `"name";r=REMAINING;t=SECONDS`: requests left now, and seconds (rounded up)
/// until the key's bucket is full again.
///
/// # Errors
/// [`Error::InvalidPolicyName`] for a bad name; [`Error::BufferTooSmall`] if `buf` is too short.
pub fn ratelimit<'a>(buf: &'a mut [u8], name: &str, decision: &Decision) -> Result<&'a str, Error> {
    check_name(name)?;
    let mut out = Out::new(buf);
    out.push(b"\"")?;
    out.push(name.as_bytes())?;
    out.push(b"\";r=")?;
    out.push_u64(u64::from(decision.remaining))?;
    out.push(b";t=")?;
    out.push_u64(decision.reset_after_secs())?;
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(remaining: u32, retry: u64, reset: u64) -> Decision {
        Decision { allowed: retry == 0, remaining, retry_after_ns: retry, reset_after_ns: reset, limit: 100 }
    }

    #[test]
    fn values() {
        let mut buf = [0u8; 64];
        assert_eq!(retry_after(&mut buf, &d(0, 1, 0)), Ok("1"));
        assert_eq!(retry_after(&mut buf, &d(0, 2 * NANOS_PER_SECOND, 0)), Ok("2"));
        assert_eq!(retry_after(&mut buf, &d(5, 0, 0)), Ok("0"));
        assert_eq!(retry_after(&mut buf, &d(0, u64::MAX, 0)), Ok("18446744074"));
        let q = Quota::per_minute(100).unwrap();
        assert_eq!(ratelimit_policy(&mut buf, "default", &q), Ok("\"default\";q=100;w=60"));
        let q = Quota::new(7, 1_500_000_000).unwrap();
        assert_eq!(ratelimit_policy(&mut buf, "a/b:c", &q), Ok("\"a/b:c\";q=7;w=2"));
        assert_eq!(ratelimit(&mut buf, "default", &d(42, 0, 29 * NANOS_PER_SECOND + 1)), Ok("\"default\";r=42;t=30"));
        assert_eq!(ratelimit(&mut buf, "x", &d(u32::MAX, 0, 0)), Ok("\"x\";r=4294967295;t=0"));
    }

    #[test]
    fn formatter_edges() {
        let mut buf = [0u8; 20];
        let mut out = Out::new(&mut buf);
        out.push_u64(u64::MAX).unwrap();
        assert_eq!(out.finish(), Ok("18446744073709551615"));
        let mut buf = [0u8; 20];
        let mut out = Out::new(&mut buf);
        out.push_u64(10).unwrap();
        assert_eq!(out.finish(), Ok("10"));
    }

    #[test]
    fn rejections() {
        let q = Quota::per_minute(100).unwrap();
        let mut small = [0u8; 12];
        assert_eq!(ratelimit_policy(&mut small, "default", &q), Err(Error::BufferTooSmall));
        assert_eq!(retry_after(&mut [], &d(0, 1, 0)), Err(Error::BufferTooSmall));
        assert_eq!(ratelimit(&mut [0u8; 16], "default", &d(42, 0, 0)), Err(Error::BufferTooSmall));
        let mut buf = [0u8; 256];
        for bad in ["", "9lives", "a b", "a\"b", "a\\b", "é", "a,b", "a;b", &"a".repeat(65)] {
            assert_eq!(ratelimit_policy(&mut buf, bad, &q), Err(Error::InvalidPolicyName), "{bad:?}");
            assert_eq!(ratelimit(&mut buf, bad, &d(1, 0, 0)), Err(Error::InvalidPolicyName));
        }
        assert!(ratelimit(&mut buf, &"a".repeat(64), &d(1, 0, 0)).is_ok());
        assert!(ratelimit(&mut buf, "*x", &d(1, 0, 0)).is_ok());
    }
}
