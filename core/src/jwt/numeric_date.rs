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
        let exponent = parse_exponent(exponent_part)?;
        // The digits before the point (or all of them); the point itself, if any, is skipped below.
        let int_len = mantissa.iter().position(|&b| b == b'.').unwrap_or(mantissa.len());
        if int_len == 0 {
            return None;
        }
        // One pass over the digits as one sequence. The digit at index k (point skipped) lies in the
        // whole part iff k < `whole_digits`; `significant` counts digits from the first non-zero one,
        // which is also where the comparison with the double bound runs.
        let whole_digits = i64::try_from(int_len).ok()?.saturating_add(exponent);
        let mut k: i64 = 0;
        let mut leading_zeros: i64 = 0;
        let mut significant: usize = 0;
        let mut bound = core::cmp::Ordering::Equal;
        let mut whole: i64 = 0;
        let mut saturated = false;
        let mut fractional = false;
        for (at, &b) in mantissa.iter().enumerate() {
            if at == int_len {
                continue; // the point
            }
            if !b.is_ascii_digit() {
                return None;
            }
            let d = b - b'0';
            if significant == 0 && d == 0 {
                leading_zeros += 1;
            } else {
                if bound.is_eq() {
                    bound = DOUBLE_OVERFLOW_DIGITS.get(significant).map_or(bound, |&limit| b.cmp(&limit));
                }
                significant += 1;
            }
            if k < whole_digits {
                match whole.checked_mul(10).and_then(|w| w.checked_add(i64::from(d))) {
                    Some(w) if !saturated => whole = w,
                    _ => saturated = true,
                }
            } else if d != 0 {
                fractional = true;
            }
            k += 1;
        }
        if significant == 0 {
            return Some(NumericDate::from_seconds(0));
        }
        // Position of the decimal point relative to the first significant digit.
        let point = whole_digits - leading_zeros;
        // At 309 digits before the point, digit strings at or above the bound's are out of range (the
        // bound ends in a non-zero digit, so a shorter string that matched it so far lies below it).
        if point > 309
            || (point == 309 && bound.is_ge() && (bound.is_gt() || significant >= DOUBLE_OVERFLOW_DIGITS.len()))
        {
            return None;
        }
        // Whole-part digits past the written ones are zeros.
        for _ in k..whole_digits.min(k + 20) {
            match whole.checked_mul(10) {
                Some(w) if !saturated => whole = w,
                _ => saturated = true,
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
        // Exactly 2^1024 - 2^970, the halfway point that rounds to infinity, and just below it.
        assert_eq!(p("1.7976931348623158079372897140530341507993413271003782693617377898044e308"), None);
        assert_eq!(p("17976931348623158079372897140530341507993413271003782693617377898044000e240"), None);
        assert_eq!(
            p("1.79769313486231580793728971405303415079934132710037826936173778980439999e308"),
            Some((i64::MAX, false))
        );
        assert_eq!(p("1e99999999999999999999999"), None);
        assert_eq!(p("1e-99999999999999999999999"), Some((0, true)));
        assert_eq!(p("0e99999999999999999999999"), Some((0, false)));
        assert_eq!(p("9223372036854775807"), Some((i64::MAX, false)));
        assert_eq!(p("9223372036854775806.5"), Some((9_223_372_036_854_775_806, true)));
    }

    /// Against the correctly rounded `f64` parser of `core` as the oracle: numbers of at most 12
    /// significant digits (so no rounding can cross an integer below 1e15) must give the same floor
    /// and fractional flag, and near the double's limit `None` exactly where the double is infinite.
    #[test]
    #[allow(clippy::as_conversions, clippy::cast_precision_loss)] // the oracle is a double; below 1e15 an i64 converts exactly
    fn agrees_with_the_double_parser() {
        use core::fmt::Write as _;
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let mut text = heapless::String::<64>::new();
        for round in 0..200_000 {
            text.clear();
            let push = |t: &mut heapless::String<64>, b: u8| t.push(char::from(b)).unwrap();
            if next(2) == 0 {
                push(&mut text, b'-');
            }
            let near_limit = round % 4 == 0;
            let int_len = if near_limit { 1 } else { 1 + next(6) };
            for i in 0..int_len {
                let d = if i == 0 && int_len > 1 { 1 + next(9) } else { next(10) };
                push(&mut text, b"0123456789"[usize::try_from(d).unwrap()]);
            }
            if near_limit || next(2) == 0 {
                push(&mut text, b'.');
                for _ in 0..1 + next(if near_limit { 11 } else { 6 }) {
                    push(&mut text, b"0123456789"[usize::try_from(next(10)).unwrap()]);
                }
            }
            let exponent = i64::try_from(if near_limit { 306 + next(4) } else { next(41) }).unwrap()
                - if near_limit { 0 } else { 20 };
            if near_limit || next(2) == 0 {
                push(&mut text, if next(2) == 0 { b'e' } else { b'E' });
                match (exponent < 0, next(2)) {
                    (true, _) => push(&mut text, b'-'),
                    (false, 0) => push(&mut text, b'+'),
                    _ => {}
                }
                write!(text, "{}", exponent.unsigned_abs()).unwrap();
            }
            let double: f64 = text.parse().unwrap();
            let ours = NumericDate::parse(&text);
            if double.is_infinite() {
                assert_eq!(ours, None, "{text}");
                continue;
            }
            let ours = ours.unwrap_or_else(|| panic!("{text}"));
            if double.abs() < 1e15 {
                let floor = ours.seconds() as f64;
                assert!(floor <= double && double < floor + 1.0, "{text}");
                assert_eq!(ours.is_fractional(), floor != double, "{text}");
            } else if double > 1e19 {
                assert_eq!(ours.seconds(), i64::MAX, "{text}");
            } else if double < -1e19 {
                assert_eq!(ours.seconds(), i64::MIN, "{text}");
            }
        }
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
