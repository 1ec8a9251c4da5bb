//! NumericDate (RFC 7519 §2) read exactly from its JSON number text, without floating point.
//!
//! Decides the value's floor in whole seconds and whether it has a fractional part, which is all
//! the time rules need (`now` is whole seconds). Guarantees: any JSON number within the IEEE-754
//! double range is accepted; values beyond i64 saturate (a far-future `exp` stays far future);
//! numbers a double cannot hold (`1e400`) are refused. Never rounds through a float.

/// A NumericDate: `seconds + fraction` with `0 <= fraction < 1`, the fraction known only as zero or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumericDate {
    seconds: i64,
    fractional: bool,
}

/// Significant digits of the smallest decimal that rounds to infinity as an IEEE-754 double
/// (2^1024 - 2^970 = 1.797693134862315807937289714053…e308). At the same magnitude, digit strings
/// that compare at or above it are out of range.
const DOUBLE_OVERFLOW_DIGITS: &[u8] = b"17976931348623158079372897140530341507993413271003782693617377898044";

impl NumericDate {
    /// A whole-second NumericDate.
    pub const fn from_seconds(seconds: i64) -> Self {
        NumericDate { seconds, fractional: false }
    }

    /// The value rounded down to whole seconds (saturating beyond the i64 range).
    pub const fn seconds(self) -> i64 {
        self.seconds
    }

    /// Whether the value has a non-zero fractional part.
    pub const fn is_fractional(self) -> bool {
        self.fractional
    }

    /// Parses strict JSON number text. `None` if it is not a number or is outside the double range.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        // Fast path: the usual NumericDate, a plain non-negative integer that fits i64 with room.
        if !bytes.is_empty() && bytes.len() <= 18 && bytes.iter().all(u8::is_ascii_digit) {
            let seconds = bytes.iter().fold(0i64, |acc, &d| acc * 10 + i64::from(d - b'0'));
            return Some(NumericDate::from_seconds(seconds));
        }
        let (negative, rest) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, bytes),
        };
        let mantissa_end = rest.iter().position(|b| matches!(b, b'e' | b'E')).unwrap_or(rest.len());
        let (mantissa, exponent_part) = rest.split_at(mantissa_end);
        let (int_digits, frac_digits) = match mantissa.iter().position(|&b| b == b'.') {
            Some(dot) => (mantissa.get(..dot)?, mantissa.get(dot + 1..)?),
            None => (mantissa, &[][..]),
        };
        if int_digits.is_empty() || !all_digits(int_digits) || !all_digits(frac_digits) {
            return None;
        }
        let exponent = parse_exponent(exponent_part)?;

        // All digits as one sequence; `point` digits of it lie before the decimal point.
        let digits = Digits { int: int_digits, frac: frac_digits };
        let leading_zeros = digits.iter().take_while(|&d| d == b'0').count();
        let last_nonzero = (0..digits.len()).rev().find(|&i| digits.at(i) != b'0');
        let Some(last_nonzero) = last_nonzero else {
            return Some(NumericDate::from_seconds(0));
        };
        // Position of the decimal point relative to the first significant digit.
        let point =
            i64::try_from(int_digits.len()).ok()?.saturating_add(exponent) - i64::try_from(leading_zeros).ok()?;
        if point > 309 {
            return None;
        }
        if point == 309 {
            let sig = digits.iter().skip(leading_zeros);
            let mut bound = DOUBLE_OVERFLOW_DIGITS.iter().copied();
            let mut at_or_above = true;
            for d in sig.chain(core::iter::repeat(b'0')).take(DOUBLE_OVERFLOW_DIGITS.len()) {
                let b = bound.next().unwrap_or(b'0');
                if d != b {
                    at_or_above = d > b;
                    break;
                }
            }
            if at_or_above {
                return None;
            }
        }
        let significant_end = last_nonzero + 1 - leading_zeros; // count of significant digits up to the last non-zero
        let whole_count = usize::try_from(point.max(0)).ok()?;
        let fractional = i64::try_from(significant_end).ok()? > point;
        let mut whole: i64 = 0;
        let mut saturated = false;
        for i in 0..whole_count {
            let d = digits.at(leading_zeros + i);
            match whole.checked_mul(10).and_then(|w| w.checked_add(i64::from(d - b'0'))) {
                Some(w) => whole = w,
                None => {
                    saturated = true;
                    break;
                }
            }
        }
        let seconds = match (negative, saturated) {
            (false, true) => i64::MAX,
            (true, true) => i64::MIN,
            (false, false) => whole,
            (true, false) => (-whole).saturating_sub(i64::from(fractional)),
        };
        Some(NumericDate { seconds, fractional })
    }

    /// `now < self + leeway` (the `exp` rule).
    pub(crate) fn is_after(self, now: i64, leeway: i64) -> bool {
        let t = now.saturating_sub(leeway);
        if self.fractional {
            t <= self.seconds
        } else {
            t < self.seconds
        }
    }

    /// `self <= now + leeway` (the `nbf` and `iat` rules).
    pub(crate) fn is_not_after(self, now: i64, leeway: i64) -> bool {
        let u = now.saturating_add(leeway);
        if self.fractional {
            self.seconds < u
        } else {
            self.seconds <= u
        }
    }
}

fn all_digits(d: &[u8]) -> bool {
    d.iter().all(u8::is_ascii_digit)
}

/// The exponent after `e`/`E` (empty input is 0); saturates far beyond any meaningful range.
fn parse_exponent(part: &[u8]) -> Option<i64> {
    let Some((_, rest)) = part.split_first() else {
        return Some(0);
    };
    let (negative, digits) = match rest.split_first() {
        Some((b'-', d)) => (true, d),
        Some((b'+', d)) => (false, d),
        _ => (false, rest),
    };
    if digits.is_empty() || !all_digits(digits) {
        return None;
    }
    let mut value: i64 = 0;
    for &d in digits {
        value = value.saturating_mul(10).saturating_add(i64::from(d - b'0')).min(1 << 40);
    }
    Some(if negative { -value } else { value })
}

/// The integer and fraction digits seen as one sequence.
#[derive(Clone, Copy)]
struct Digits<'a> {
    int: &'a [u8],
    frac: &'a [u8],
}

impl<'a> Digits<'a> {
    fn len(self) -> usize {
        self.int.len() + self.frac.len()
    }

    fn iter(self) -> impl Iterator<Item = u8> + Clone + 'a {
        self.int.iter().chain(self.frac.iter()).copied()
    }

    /// The digit at `i`, or `0` past the end (digits beyond the text are zeros).
    fn at(self, i: usize) -> u8 {
        let d = match i.checked_sub(self.int.len()) {
            None => self.int.get(i),
            Some(j) => self.frac.get(j),
        };
        d.copied().unwrap_or(b'0')
    }
}

#[cfg(test)]
mod tests {
    use super::NumericDate;

    fn p(s: &str) -> Option<(i64, bool)> {
        NumericDate::parse(s).map(|d| (d.seconds(), d.is_fractional()))
    }

    #[test]
    fn parses_exactly() {
        assert_eq!(p("1800000000"), Some((1_800_000_000, false)));
        assert_eq!(p("1800000000.5"), Some((1_800_000_000, true)));
        assert_eq!(p("1800000000.000"), Some((1_800_000_000, false)));
        assert_eq!(p("1.8e9"), Some((1_800_000_000, false)));
        assert_eq!(p("18e8"), Some((1_800_000_000, false)));
        assert_eq!(p("180000000005e-2"), Some((1_800_000_000, true)));
        assert_eq!(p("0"), Some((0, false)));
        assert_eq!(p("-0"), Some((0, false)));
        assert_eq!(p("0.0"), Some((0, false)));
        assert_eq!(p("-1"), Some((-1, false)));
        assert_eq!(p("-1.5"), Some((-2, true)));
        assert_eq!(p("0.25"), Some((0, true)));
        assert_eq!(p("-0.25"), Some((-1, true)));
        assert_eq!(p("1e-400"), Some((0, true)));
        assert_eq!(p("99999999999999999999"), Some((i64::MAX, false)));
        assert_eq!(p("-99999999999999999999"), Some((i64::MIN, false)));
        assert_eq!(p("1e300"), Some((i64::MAX, false)));
        assert_eq!(p("1.7976931348623157e308"), Some((i64::MAX, false)));
        assert_eq!(p("1e400"), None);
        assert_eq!(p("1.8e308"), None);
        assert_eq!(p("1.7976931348623159e308"), None);
        assert_eq!(p("-1e400"), None);
        assert_eq!(p("1e99999999999999999999999"), None);
        assert_eq!(p("1e-99999999999999999999999"), Some((0, true)));
        assert_eq!(p("0e99999999999999999999999"), Some((0, false)));
        assert_eq!(p("9223372036854775807"), Some((i64::MAX, false)));
        assert_eq!(p("9223372036854775806.5"), Some((9_223_372_036_854_775_806, true)));
    }

    #[test]
    fn time_rules() {
        let exp = NumericDate::parse("100.5").unwrap();
        assert!(exp.is_after(100, 0));
        assert!(!exp.is_after(101, 0));
        assert!(exp.is_after(101, 1));
        let exp = NumericDate::from_seconds(100);
        assert!(exp.is_after(99, 0));
        assert!(!exp.is_after(100, 0));
        let nbf = NumericDate::parse("100.5").unwrap();
        assert!(!nbf.is_not_after(100, 0));
        assert!(nbf.is_not_after(101, 0));
        assert!(NumericDate::from_seconds(100).is_not_after(100, 0));
        assert!(NumericDate::from_seconds(i64::MAX).is_after(i64::MAX - 1, 0));
        assert!(NumericDate::from_seconds(i64::MIN).is_not_after(i64::MIN, 0));
    }
}
