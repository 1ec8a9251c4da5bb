//! Signing where it is cheap and useful: HS256/384/512, ES256 and EdDSA, into a caller buffer.
//!
//! Decides the header apiward emits (`alg`, `typ: "JWT"`, optional `kid`); guarantees that only a
//! strict JSON object is ever signed and that the output is a canonical compact JWS; never
//! allocates. Services use it for service-to-service tokens, test suites to mint tokens.

use crate::base64url;
use crate::json;

use super::{Algorithm, Error};

/// A private key apiward can sign with.
#[derive(Clone)]
#[non_exhaustive]
pub enum SigningKey {
    /// An HMAC secret (HS256/384/512).
    #[cfg(feature = "_hmac")]
    Hmac(heapless::Vec<u8, { crate::crypto::MAX_HMAC_SECRET }>),
    /// A P-256 private key (ES256).
    #[cfg(feature = "es256")]
    Es256(p256::ecdsa::SigningKey),
    /// An Ed25519 private key (EdDSA).
    #[cfg(feature = "eddsa")]
    Ed25519(ed25519_dalek::SigningKey),
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

impl SigningKey {
    /// An HMAC secret: the same strength rules as for verification (≥ 32 bytes).
    ///
    /// # Errors
    /// [`Error::WeakKey`] under 32 bytes, [`Error::InvalidKey`] over 256.
    #[cfg(feature = "_hmac")]
    pub fn hmac(secret: &[u8]) -> Result<Self, Error> {
        if secret.len() < 32 {
            return Err(Error::WeakKey);
        }
        heapless::Vec::from_slice(secret).map(SigningKey::Hmac).map_err(|()| Error::InvalidKey)
    }

    /// A P-256 private key from its 32-byte scalar.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if the scalar is zero or not below the group order.
    #[cfg(feature = "es256")]
    pub fn es256(scalar: &[u8]) -> Result<Self, Error> {
        p256::ecdsa::SigningKey::from_slice(scalar).map(SigningKey::Es256).map_err(|_| Error::InvalidKey)
    }

    /// An Ed25519 private key from its 32-byte seed.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] unless the seed is 32 bytes.
    #[cfg(feature = "eddsa")]
    pub fn ed25519(seed: &[u8]) -> Result<Self, Error> {
        let seed: &[u8; 32] = seed.try_into().map_err(|_| Error::InvalidKey)?;
        Ok(SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(seed)))
    }

    /// The public half, for verification.
    ///
    /// # Errors
    /// Never for keys built by the constructors above; kept fallible for future key types.
    pub fn public_key(&self) -> Result<super::Key, Error> {
        match self {
            #[cfg(feature = "_hmac")]
            SigningKey::Hmac(secret) => super::Key::hmac(secret),
            #[cfg(feature = "es256")]
            SigningKey::Es256(sk) => super::Key::p256(sk.verifying_key().to_encoded_point(false).as_bytes()),
            #[cfg(feature = "eddsa")]
            SigningKey::Ed25519(sk) => super::Key::ed25519(sk.verifying_key().as_bytes()),
        }
    }

    fn supports(&self, alg: Algorithm) -> bool {
        match self {
            #[cfg(feature = "_hmac")]
            SigningKey::Hmac(secret) => crate::crypto::hmac_compiled(alg) && secret.len() >= alg.hash().output_len(),
            #[cfg(feature = "es256")]
            SigningKey::Es256(_) => alg == Algorithm::ES256,
            #[cfg(feature = "eddsa")]
            SigningKey::Ed25519(_) => matches!(alg, Algorithm::EdDSA | Algorithm::Ed25519),
        }
    }

    /// Signs `msg`, writing the signature into `out`; returns its length.
    #[allow(unused_variables)]
    fn sign_into(&self, alg: Algorithm, msg: &[u8], out: &mut [u8; 64]) -> usize {
        match self {
            #[cfg(feature = "_hmac")]
            SigningKey::Hmac(secret) => crate::crypto::hmac_tag(secret, alg, msg, out),
            #[cfg(feature = "es256")]
            SigningKey::Es256(sk) => {
                use ecdsa::signature::Signer;
                let sig: p256::ecdsa::Signature = sk.sign(msg);
                out.copy_from_slice(&sig.to_bytes());
                64
            }
            #[cfg(feature = "eddsa")]
            SigningKey::Ed25519(sk) => {
                use ed25519_dalek::Signer;
                out.copy_from_slice(&sk.sign(msg).to_bytes());
                64
            }
        }
    }
}

/// Signs `claims` (a JSON object, checked strictly) as a compact JWS with header
/// `{"alg":…,"typ":"JWT"[,"kid":…]}`, written into `out`.
///
/// # Errors
/// [`Error::KeyAlgMismatch`] if the key cannot sign with `alg`; [`Error::Malformed`] or
/// [`Error::DuplicateMember`] if `claims` is not a strict JSON object; [`Error::InvalidKey`] for a
/// `kid` over [`super::MAX_KID_BYTES`]; [`Error::BufferTooSmall`] if `out` is too small.
pub fn sign<'o>(
    alg: Algorithm,
    key: &SigningKey,
    claims: &[u8],
    kid: Option<&str>,
    out: &'o mut [u8],
) -> Result<&'o str, Error> {
    if !key.supports(alg) {
        return Err(Error::KeyAlgMismatch);
    }
    let value = json::parse(claims, json::MAX_DEPTH).map_err(|e| match e {
        json::JsonError::DuplicateName => Error::DuplicateMember,
        _ => Error::Malformed,
    })?;
    if value.kind() != json::Kind::Object {
        return Err(Error::Malformed);
    }
    let mut header = Writer { buf: [0; 64 + 6 * super::MAX_KID_BYTES], len: 0 };
    header.push(b"{\"alg\":\"")?;
    header.push(alg.name().as_bytes())?;
    header.push(b"\",\"typ\":\"JWT\"")?;
    if let Some(kid) = kid {
        if kid.len() > super::MAX_KID_BYTES {
            return Err(Error::InvalidKey);
        }
        header.push(b",\"kid\":")?;
        header.json_string(kid)?;
    }
    header.push(b"}")?;

    let mut len = 0;
    len += encode_at(header.as_bytes(), out, len)?;
    len += put(out, len, b'.')?;
    len += encode_at(claims, out, len)?;
    let mut signature = [0u8; 64];
    let signature_len = key.sign_into(alg, out.get(..len).ok_or(Error::BufferTooSmall)?, &mut signature);
    len += put(out, len, b'.')?;
    len += encode_at(signature.get(..signature_len).unwrap_or(&[]), out, len)?;
    core::str::from_utf8(out.get(..len).ok_or(Error::BufferTooSmall)?).map_err(|_| Error::BufferTooSmall)
}

fn encode_at(input: &[u8], out: &mut [u8], at: usize) -> Result<usize, Error> {
    let end = at + base64url::encoded_len(input.len());
    let dst = out.get_mut(at..end).ok_or(Error::BufferTooSmall)?;
    base64url::encode(input, dst).map(str::len).ok_or(Error::BufferTooSmall)
}

fn put(out: &mut [u8], at: usize, byte: u8) -> Result<usize, Error> {
    *out.get_mut(at).ok_or(Error::BufferTooSmall)? = byte;
    Ok(1)
}

struct Writer<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Writer<N> {
    fn push(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let dst = self.buf.get_mut(self.len..self.len + bytes.len()).ok_or(Error::InvalidKey)?;
        dst.copy_from_slice(bytes);
        self.len += bytes.len();
        Ok(())
    }

    /// Writes `s` as a JSON string literal.
    fn json_string(&mut self, s: &str) -> Result<(), Error> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.push(b"\"")?;
        for &b in s.as_bytes() {
            match b {
                b'"' => self.push(b"\\\"")?,
                b'\\' => self.push(b"\\\\")?,
                0x00..=0x1f => {
                    let hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
                    let lo = HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0');
                    self.push(&[b'\\', b'u', b'0', b'0', hi, lo])?;
                }
                _ => self.push(&[b])?,
            }
        }
        self.push(b"\"")
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}
