//! Exact decimal arithmetic on JSON number text: comparison with schema bounds, integrality and
//! `multipleOf`, with no floating point.
//!
//! Decides how a number as written (`-12.50e3`) compares with a bound, whether it is an integer, and
//! whether it is a multiple of an integer. Guarantees exact answers for every number the JSON grammar
//! allows, however many digits or however large the exponent, in time linear in the text (exponents
//! are handled by arithmetic, never by loops over their value). Never rounds, never allocates.

use core::cmp::Ordering;

/// A decimal number a schema can hold in `const` data: `mantissa × 10^exp10`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Num {
    /// The signed digits.
    pub mantissa: i64,
    /// The power of ten they are scaled by.
    pub exp10: i16,
}

impl Num {
    /// The integer `value`.
    pub const fn int(value: i64) -> Num {
        Num { mantissa: value, exp10: 0 }
    }

    /// `mantissa × 10^exp10` (e.g. `Num::new(15, -1)` is 1.5).
    pub const fn new(mantissa: i64, exp10: i16) -> Num {
        Num { mantissa, exp10 }
    }
}

/// The significant digits of a decimal, split over two slices (integer part, fraction part), with
/// the position of the decimal point: value = 0.d1d2… × 10^magnitude.
#[derive(Clone, Copy, Debug)]
struct Digits<'a> {
    negative: bool,
    first: &'a [u8],
    second: &'a [u8],
    /// Skip this many leading digits (leading zeros) of `first ++ second`.
    skip: usize,
    /// Significant digits after `skip` (trailing zeros trimmed); 0 means the value is zero.
    len: usize,
    magnitude: i64,
}

impl<'a> Digits<'a> {
    fn digit(&self, i: usize) -> u8 {
        let at = self.skip + i;
        let byte = if at < self.first.len() { self.first.get(at) } else { self.second.get(at - self.first.len()) };
        byte.map_or(0, |b| b.wrapping_sub(b'0'))
    }

    fn is_zero(&self) -> bool {
        self.len == 0
    }

    fn new(negative: bool, first: &'a [u8], second: &'a [u8], int_len: usize, exp: i64) -> Digits<'a> {
        let total = first.len() + second.len();
        let at = |i: usize| if i < first.len() { first.get(i) } else { second.get(i - first.len()) };
        let mut skip = 0;
        while skip < total && at(skip) == Some(&b'0') {
            skip += 1;
        }
        let mut end = total;
        while end > skip && at(end - 1) == Some(&b'0') {
            end -= 1;
        }
        let int_len = i64::try_from(int_len).unwrap_or(i64::MAX);
        let skip_i = i64::try_from(skip).unwrap_or(i64::MAX);
        Digits {
            negative,
            first,
            second,
            skip,
            len: end - skip,
            magnitude: int_len.saturating_sub(skip_i).saturating_add(exp),
        }
    }
}

/// A JSON number's text, read once into its parts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Decimal<'a> {
    digits: Digits<'a>,
}

impl<'a> Decimal<'a> {
    /// Reads text that already passed the JSON number grammar; `None` only if it did not.
    pub(crate) fn parse(text: &'a str) -> Option<Decimal<'a>> {
        let bytes = text.as_bytes();
        let (negative, rest) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, bytes),
        };
        let int_end = rest.iter().position(|b| !b.is_ascii_digit()).unwrap_or(rest.len());
        let (int, rest) = rest.split_at(int_end);
        let (frac, rest) = match rest.split_first() {
            Some((b'.', after)) => {
                let end = after.iter().position(|b| !b.is_ascii_digit()).unwrap_or(after.len());
                after.split_at(end)
            }
            _ => (&[][..], rest),
        };
        let exp = match rest.split_first() {
            Some((b'e' | b'E', after)) => parse_exponent(after)?,
            Some(_) => return None,
            None => 0,
        };
        if int.is_empty() {
            return None;
        }
        Some(Decimal { digits: Digits::new(negative, int, frac, int.len(), exp) })
    }

    /// Whether the value has no fractional part (`1.0` and `1e2` are integers, as JSON Schema says).
    pub(crate) fn is_integer(&self) -> bool {
        let d = &self.digits;
        d.is_zero() || i64::try_from(d.len).is_ok_and(|len| len <= d.magnitude)
    }

    /// Whether the value is an integer multiple of `divisor` (≥ 1).
    pub(crate) fn is_multiple_of(&self, divisor: u64) -> bool {
        if divisor == 0 || !self.is_integer() {
            return false;
        }
        let d = &self.digits;
        if d.is_zero() {
            return true;
        }
        // Modular arithmetic on u64 without division (a 128-bit remainder is several KiB of code on
        // 32-bit targets): every intermediate value stays below `m`.
        let m = divisor;
        let mut rest = 0u64;
        for i in 0..d.len {
            let twice = add_mod(rest, rest, m);
            let four = add_mod(twice, twice, m);
            let eight = add_mod(four, four, m);
            rest = add_mod(add_mod(eight, twice, m), u64::from(d.digit(i)) % m, m);
        }
        // The value is digits × 10^(magnitude - len); the power is reduced by squaring.
        let zeros = d.magnitude.saturating_sub(i64::try_from(d.len).unwrap_or(i64::MAX));
        let mut power = u64::try_from(zeros).unwrap_or(0);
        let mut base = 10 % m;
        let mut factor = 1 % m;
        while power > 0 {
            if power & 1 == 1 {
                factor = mul_mod(factor, base, m);
            }
            base = mul_mod(base, base, m);
            power >>= 1;
        }
        mul_mod(rest, factor, m) == 0
    }

    /// Exact comparison with a schema number.
    pub(crate) fn cmp_num(&self, num: &Num) -> Ordering {
        let mut buf = [0u8; 20];
        let magnitude_text = unsigned_digits(num.mantissa.unsigned_abs(), &mut buf);
        let other = Digits::new(num.mantissa < 0, magnitude_text, &[], magnitude_text.len(), i64::from(num.exp10));
        compare(&self.digits, &other)
    }

    /// Exact equality with another JSON number (for `enum` and `uniqueItems`: `1.0 == 1`).
    pub(crate) fn eq_decimal(&self, other: &Decimal<'_>) -> bool {
        compare(&self.digits, &other.digits) == Ordering::Equal
    }
}

/// `(a + b) mod m` for `a, b < m`.
fn add_mod(a: u64, b: u64, m: u64) -> u64 {
    let (sum, carried) = a.overflowing_add(b);
    // The true sum is below 2m, so one subtraction of m (wrapping past a carried-out bit) suffices.
    if carried || sum >= m {
        sum.wrapping_sub(m)
    } else {
        sum
    }
}

/// `(a · b) mod m` for `a, b < m`, by doubling and adding.
fn mul_mod(a: u64, mut b: u64, m: u64) -> u64 {
    let mut product = 0;
    let mut addend = a;
    while b > 0 {
        if b & 1 == 1 {
            product = add_mod(product, addend, m);
        }
        addend = add_mod(addend, addend, m);
        b >>= 1;
    }
    product
}

/// Writes `value`'s decimal digits into `buf`, returning them.
fn unsigned_digits(mut value: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        if let Some(slot) = buf.get_mut(at) {
            // value % 10 < 10 always fits a u8.
            *slot = b'0' + u8::try_from(value % 10).unwrap_or(0);
        }
        value /= 10;
        if value == 0 || at == 0 {
            break;
        }
    }
    buf.get(at..).unwrap_or(&[])
}

/// Reads `[+-]digits`, saturating: an exponent beyond ±10^18 behaves as infinitely large or small.
fn parse_exponent(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut value: i64 = 0;
    for &b in digits {
        value = value.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    Some(if negative { -value } else { value })
}

fn compare(a: &Digits<'_>, b: &Digits<'_>) -> Ordering {
    let sign = |d: &Digits<'_>| {
        if d.is_zero() {
            0i8
        } else if d.negative {
            -1
        } else {
            1
        }
    };
    let (sa, sb) = (sign(a), sign(b));
    if sa != sb || sa == 0 {
        return sa.cmp(&sb);
    }
    let magnitude = a.magnitude.cmp(&b.magnitude).then_with(|| {
        for i in 0..a.len.min(b.len) {
            match a.digit(i).cmp(&b.digit(i)) {
                Ordering::Equal => {}
                other => return other,
            }
        }
        a.len.cmp(&b.len)
    });
    if sa < 0 {
        magnitude.reverse()
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal<'_> {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn compares_exactly() {
        let cases: &[(&str, Num, Ordering)] = &[
            ("0", Num::int(0), Ordering::Equal),
            ("-0", Num::int(0), Ordering::Equal),
            ("0.0e5", Num::int(0), Ordering::Equal),
            ("13", Num::int(13), Ordering::Equal),
            ("12.9999999999999999999999", Num::int(13), Ordering::Less),
            ("13.0000000000000000000001", Num::int(13), Ordering::Greater),
            ("1.3e1", Num::int(13), Ordering::Equal),
            ("130e-1", Num::int(13), Ordering::Equal),
            ("-5", Num::int(-4), Ordering::Less),
            ("-3", Num::int(-4), Ordering::Greater),
            ("-4.5", Num::new(-45, -1), Ordering::Equal),
            ("0.001", Num::new(1, -3), Ordering::Equal),
            ("0.0011", Num::new(1, -3), Ordering::Greater),
            ("1e400", Num::int(i64::MAX), Ordering::Greater),
            ("-1e400", Num::int(i64::MIN), Ordering::Less),
            ("1e-400", Num::int(0), Ordering::Greater),
            ("9223372036854775808", Num::int(i64::MAX), Ordering::Greater),
            ("-9223372036854775808", Num::int(i64::MIN), Ordering::Equal),
            ("1e999999999999999999999", Num::int(1), Ordering::Greater),
            ("1e-999999999999999999999", Num::int(0), Ordering::Greater),
            ("120", Num::new(12, 1), Ordering::Equal),
        ];
        for (text, num, want) in cases {
            assert_eq!(d(text).cmp_num(num), *want, "{text} vs {num:?}");
        }
    }

    #[test]
    fn integers_and_multiples() {
        for text in ["0", "-0", "1", "1.0", "1e2", "1.5e1", "-20.000", "1e400", "0.0"] {
            assert!(d(text).is_integer(), "{text}");
        }
        for text in ["1.5", "0.1", "1e-1", "15e-1", "1e-400", "-0.5"] {
            assert!(!d(text).is_integer(), "{text}");
        }
        assert!(d("10").is_multiple_of(5));
        assert!(d("-10").is_multiple_of(5));
        assert!(!d("11").is_multiple_of(5));
        assert!(d("0").is_multiple_of(7));
        assert!(d("1e20").is_multiple_of(1024));
        assert!(!d("1e9").is_multiple_of(1024));
        assert!(d("1e999999999999").is_multiple_of(2));
        assert!(!d("1e999999999999").is_multiple_of(3));
        assert!(d("18446744073709551615").is_multiple_of(u64::MAX));
        assert!(!d("2.5").is_multiple_of(1));
        assert!(!d("3").is_multiple_of(0));
    }

    /// The division-free modular arithmetic against 128-bit remainders, on divisors near `u64::MAX`
    /// (where the sums carry out of 64 bits), powers of two and small primes.
    #[test]
    fn multiples_agree_with_wide_arithmetic() {
        extern crate std;
        let divisors = [1u64, 2, 3, 7, 10, 1024, 999_999_937, u64::MAX / 3, u64::MAX - 58, u64::MAX - 1, u64::MAX];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for &m in &divisors {
            for _ in 0..200 {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                let (a, b) = (state % m, state.rotate_left(29) % m);
                assert_eq!(u128::from(add_mod(a, b, m)), (u128::from(a) + u128::from(b)) % u128::from(m));
                assert_eq!(u128::from(mul_mod(a, b, m)), (u128::from(a) * u128::from(b)) % u128::from(m));
                // digits × 10^zeros with a 20-digit mantissa, exactly as a 128-bit model computes it.
                let zeros = state % 40;
                let text = std::format!("{}{}e{zeros}", state, state.rotate_left(7) % 10);
                let mantissa = u128::from(state) * 10 + u128::from(state.rotate_left(7) % 10);
                let mut model = mantissa % u128::from(m);
                for _ in 0..zeros {
                    model = model * 10 % u128::from(m);
                }
                assert_eq!(d(&text).is_multiple_of(m), model == 0, "{text} / {m}");
            }
        }
    }

    #[test]
    fn equality_across_spellings() {
        assert!(d("1").eq_decimal(&d("1.0")));
        assert!(d("100").eq_decimal(&d("1e2")));
        assert!(d("0").eq_decimal(&d("-0.0")));
        assert!(!d("1").eq_decimal(&d("-1")));
        assert!(!d("0.1").eq_decimal(&d("0.10000000000000001")));
    }
}
