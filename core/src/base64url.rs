//! Strict base64url (RFC 4648 §5, unpadded) for JOSE segments and JWK members.
//!
//! Decides whether a segment is the one canonical unpadded encoding of its bytes: alphabet
//! `A–Z a–z 0–9 - _` only, no `=`, no whitespace, no impossible length, no non-zero unused bits.
//! Guarantees output only into the caller's buffer; never allocates. (`base64ct` is constant-time,
//! which the public header and payload do not need but key material does.)

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

/// Exact decoded length of a canonical input of `len` characters (`None` if impossible).
pub(crate) const fn decoded_len(len: usize) -> Option<usize> {
    match len % 4 {
        1 => None,
        0 => Some(len / 4 * 3),
        r => Some(len / 4 * 3 + r - 1),
    }
}

/// Encodes `input` into `out`, returning the text.
#[cfg_attr(not(any(feature = "hmac", feature = "ecdsa", feature = "eddsa")), allow(dead_code))]
pub(crate) fn encode<'o>(input: &[u8], out: &'o mut [u8]) -> Option<&'o str> {
    Base64UrlUnpadded::encode(input, out).ok()
}

/// Length of the unpadded encoding of `len` bytes.
#[cfg_attr(not(any(feature = "hmac", feature = "ecdsa", feature = "eddsa")), allow(dead_code))]
pub(crate) const fn encoded_len(len: usize) -> usize {
    (len * 4).div_ceil(3)
}
