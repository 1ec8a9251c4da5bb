//! Signature primitives behind one small interface: a public key, an algorithm, a message, a signature.
//!
//! Decides only "does this signature verify under this key", after the JWT layer has bound key and
//! algorithm; every other verdict rule lives in `jwt`. Guarantees exact signature lengths, constant-time
//! HMAC comparison and strict encodings (raw R‖S for ECDSA, canonical S for Ed25519) whichever backend
//! runs: RustCrypto by default (no_std, firmware), or `ring` for RSA and P-256/P-384 ECDSA when the
//! hosted `ring` feature is on. Never allocates on the default backend.

#[cfg_attr(not(feature = "rsa"), allow(dead_code))]
pub(crate) mod hash;
#[cfg(feature = "rsa")]
pub(crate) mod rsa;

use crate::jwt::Algorithm;
use crate::jwt::Error;

/// RustCrypto ECDSA: raw R‖S of exactly twice the field size (so DER is rejected by length), and
/// `from_slice` refuses r or s outside [1, n-1]. High-S signatures are valid, as in JWS.
#[cfg(all(feature = "es256", not(feature = "ring")))]
fn ecdsa_p256_rustcrypto(vk: &p256::ecdsa::VerifyingKey, msg: &[u8], signature: &[u8]) -> bool {
    use ecdsa::signature::Verifier as _;
    signature.len() == 64 && p256::ecdsa::Signature::from_slice(signature).is_ok_and(|sig| vk.verify(msg, &sig).is_ok())
}

/// The same rules for P-384 and P-521 (the 0.14 generation of the curve crates, `ecdsa` 0.17): the
/// message is hashed here with the SHA-2 every other algorithm uses, and the digest checked through the
/// prehash API, so no second SHA-2 implementation is linked.
#[cfg(any(all(feature = "es384", not(feature = "ring")), feature = "es512"))]
fn ecdsa_rustcrypto<C>(
    vk: &ecdsa_0_17::VerifyingKey<C>,
    hash: hash::Hash,
    len: usize,
    msg: &[u8],
    signature: &[u8],
) -> bool
where
    C: ecdsa_0_17::EcdsaCurve + ecdsa_0_17::elliptic_curve::CurveArithmetic,
    ecdsa_0_17::SignatureSize<C>: ecdsa_0_17::elliptic_curve::array::ArraySize,
{
    use ecdsa_0_17::signature::hazmat::PrehashVerifier as _;
    if signature.len() != len {
        return false;
    }
    let Ok(sig) = ecdsa_0_17::Signature::<C>::from_slice(signature) else {
        return false;
    };
    vk.verify_prehash(hash.digest_parts(&[msg]).as_bytes(), &sig).is_ok()
}

/// Largest HMAC secret accepted (longer secrets are a configuration mistake, not extra strength).
#[cfg_attr(not(feature = "_hmac"), allow(dead_code))]
pub(crate) const MAX_HMAC_SECRET: usize = 256;

/// Public key material of one supported type, validated at construction.
// Keys live in fixed storage sized by the largest enabled variant (an RSA key holds up to 1 KiB of
// modulus); firmware that disables the `rsa` feature pays only for what it keeps.
#[derive(Clone)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)]
pub(crate) enum PublicKey {
    /// An HMAC secret (≥ 32 bytes).
    #[cfg(feature = "_hmac")]
    Hmac(HmacKey),
    /// An RSA public key (2048–8192 bits).
    #[cfg(feature = "rsa")]
    Rsa(rsa::RsaPublicKey),
    /// A P-256 point.
    #[cfg(feature = "es256")]
    P256(EcPoint<65>, p256::ecdsa::VerifyingKey),
    /// A P-384 point.
    #[cfg(feature = "es384")]
    P384(EcPoint<97>, ecdsa_0_17::VerifyingKey<p384::NistP384>),
    /// A P-521 point.
    #[cfg(feature = "es512")]
    P521(ecdsa_0_17::VerifyingKey<p521::NistP521>),
    /// An Ed25519 public key (not of small order).
    #[cfg(feature = "eddsa")]
    Ed25519(ed25519_dalek::VerifyingKey),
    /// Never constructed: keeps the enum inhabited-by-type when every algorithm feature is off
    /// (a limiter- or validator-only firmware build), so matches stay exhaustive without panics.
    #[allow(dead_code)]
    Never(core::convert::Infallible),
}

/// An HMAC secret with the HS256 inner/outer states precomputed at import (the most common JWT
/// algorithm then costs two fewer SHA-256 compressions per verify).
#[cfg(feature = "_hmac")]
#[derive(Clone)]
pub(crate) struct HmacKey {
    secret: heapless::Vec<u8, MAX_HMAC_SECRET>,
    #[cfg(feature = "hs256")]
    hs256: hmac::Hmac<sha2::Sha256>,
}

/// Whether this build verifies (and signs) the HMAC algorithm `alg` (features `hs256`, `hs384`,
/// `hs512`); false for every other algorithm.
#[cfg(feature = "_hmac")]
pub(crate) const fn hmac_compiled(alg: Algorithm) -> bool {
    (cfg!(feature = "hs256") && matches!(alg, Algorithm::HS256))
        || (cfg!(feature = "hs384") && matches!(alg, Algorithm::HS384))
        || (cfg!(feature = "hs512") && matches!(alg, Algorithm::HS512))
}

/// An uncompressed SEC1 point (`04 ‖ x ‖ y`), kept for the `ring` backend.
#[derive(Clone, Copy)]
#[cfg_attr(not(any(feature = "es256", feature = "es384")), allow(dead_code))]
pub(crate) struct EcPoint<const N: usize>(#[allow(dead_code)] pub(crate) [u8; N]);

impl core::fmt::Debug for PublicKey {
    #[allow(unreachable_code)]
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print key material.
        f.write_str(match self {
            #[cfg(feature = "_hmac")]
            PublicKey::Hmac(_) => "PublicKey::Hmac(..)",
            #[cfg(feature = "rsa")]
            PublicKey::Rsa(_) => "PublicKey::Rsa(..)",
            #[cfg(feature = "es256")]
            PublicKey::P256(..) => "PublicKey::P256(..)",
            #[cfg(feature = "es384")]
            PublicKey::P384(..) => "PublicKey::P384(..)",
            #[cfg(feature = "es512")]
            PublicKey::P521(_) => "PublicKey::P521(..)",
            #[cfg(feature = "eddsa")]
            PublicKey::Ed25519(_) => "PublicKey::Ed25519(..)",
            PublicKey::Never(never) => match *never {},
        })
    }
}

impl PublicKey {
    /// An HMAC secret: at least 32 bytes (the HS256 output size), at most [`MAX_HMAC_SECRET`].
    #[cfg(feature = "_hmac")]
    pub(crate) fn hmac(secret: &[u8]) -> Result<Self, Error> {
        if secret.len() < 32 {
            return Err(Error::WeakKey);
        }
        let secret = heapless::Vec::from_slice(secret).map_err(|()| Error::InvalidKey)?;
        #[cfg(feature = "hs256")]
        let hs256 = {
            use hmac::Mac;
            hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret).map_err(|_| Error::InvalidKey)?
        };
        Ok(PublicKey::Hmac(HmacKey {
            secret,
            #[cfg(feature = "hs256")]
            hs256,
        }))
    }

    /// An RSA key from big-endian `n` and `e`.
    #[cfg(feature = "rsa")]
    pub(crate) fn rsa(n: &[u8], e: &[u8]) -> Result<Self, Error> {
        rsa::RsaPublicKey::new(n, e).map(PublicKey::Rsa).map_err(|err| match err {
            rsa::RsaKeyError::Weak => Error::WeakKey,
            rsa::RsaKeyError::Invalid => Error::InvalidKey,
        })
    }

    /// An RSA key from big-endian `n` and `e`, built in `slot` itself (no 2 KiB temporaries on the
    /// stack, which matters on firmware). On error `slot` is `None`.
    #[cfg(feature = "rsa")]
    pub(crate) fn rsa_in_place(slot: &mut Option<PublicKey>, n: &[u8], e: &[u8]) -> Result<(), Error> {
        if !matches!(slot, Some(PublicKey::Rsa(_))) {
            *slot = Some(PublicKey::Rsa(rsa::RsaPublicKey::EMPTY));
        }
        let result = match slot {
            Some(PublicKey::Rsa(key)) => key.init(n, e).map_err(|err| match err {
                rsa::RsaKeyError::Weak => Error::WeakKey,
                rsa::RsaKeyError::Invalid => Error::InvalidKey,
            }),
            _ => Err(Error::InvalidKey),
        };
        if result.is_err() {
            *slot = None;
        }
        result
    }

    /// An EC key from a SEC1 point encoding (uncompressed or compressed) on the curve named by `curve`.
    #[cfg(any(feature = "es256", feature = "es384", feature = "es512"))]
    pub(crate) fn ec(curve: Curve, sec1: &[u8]) -> Result<Self, Error> {
        match curve {
            #[cfg(feature = "es256")]
            Curve::P256 => {
                let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1).map_err(|_| Error::InvalidKey)?;
                let point = vk.to_encoded_point(false);
                let mut raw = [0u8; 65];
                raw.copy_from_slice(point.as_bytes().get(..65).ok_or(Error::InvalidKey)?);
                Ok(PublicKey::P256(EcPoint(raw), vk))
            }
            #[cfg(feature = "es384")]
            Curve::P384 => {
                let vk =
                    ecdsa_0_17::VerifyingKey::<p384::NistP384>::from_sec1_bytes(sec1).map_err(|_| Error::InvalidKey)?;
                let point = vk.to_sec1_point(false);
                let mut raw = [0u8; 97];
                raw.copy_from_slice(point.as_bytes().get(..97).ok_or(Error::InvalidKey)?);
                Ok(PublicKey::P384(EcPoint(raw), vk))
            }
            #[cfg(feature = "es512")]
            Curve::P521 => ecdsa_0_17::VerifyingKey::<p521::NistP521>::from_sec1_bytes(sec1)
                .map(PublicKey::P521)
                .map_err(|_| Error::InvalidKey),
        }
    }

    /// An Ed25519 key from its 32-byte encoding; small-order points are weak.
    #[cfg(feature = "eddsa")]
    pub(crate) fn ed25519(bytes: &[u8]) -> Result<Self, Error> {
        let bytes: &[u8; 32] = bytes.try_into().map_err(|_| Error::InvalidKey)?;
        let vk = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| Error::InvalidKey)?;
        if vk.is_weak() {
            return Err(Error::WeakKey);
        }
        Ok(PublicKey::Ed25519(vk))
    }

    /// Whether this key type can ever serve `alg` (key/algorithm binding, RFC 8725 §3.1).
    #[allow(unused_imports, unused_variables)]
    pub(crate) fn fits(&self, alg: Algorithm) -> bool {
        use crate::jwt::alg::Family;
        let family = alg.family();
        match self {
            #[cfg(feature = "_hmac")]
            PublicKey::Hmac(_) => hmac_compiled(alg),
            #[cfg(feature = "rsa")]
            PublicKey::Rsa(_) => matches!(family, Family::RsaPkcs1 | Family::RsaPss),
            #[cfg(feature = "es256")]
            PublicKey::P256(..) => family == Family::EcdsaP256,
            #[cfg(feature = "es384")]
            PublicKey::P384(..) => family == Family::EcdsaP384,
            #[cfg(feature = "es512")]
            PublicKey::P521(_) => family == Family::EcdsaP521,
            #[cfg(feature = "eddsa")]
            PublicKey::Ed25519(_) => family == Family::Ed25519,
            PublicKey::Never(never) => match *never {},
        }
    }

    /// Strength rules that depend on the algorithm (an HMAC secret must be at least the hash size).
    pub(crate) fn strong_enough_for(&self, alg: Algorithm) -> bool {
        match self {
            #[cfg(feature = "_hmac")]
            PublicKey::Hmac(key) => key.secret.len() >= alg.hash().output_len(),
            #[allow(unreachable_patterns)]
            _ => {
                let _ = alg;
                true
            }
        }
    }

    /// Verifies `signature` over `msg` with `alg`. The caller has checked [`PublicKey::fits`].
    ///
    /// Each family's check is its own non-inlined function: inlined, their frames merge into this
    /// one and an HS256 verification pays the stack of the largest family linked (measured on
    /// Cortex-M3: 7.5 KiB for HS256 once EdDSA was linked, against 2.3 KiB without it).
    #[allow(unused_variables, unreachable_code)]
    pub(crate) fn verify(&self, alg: Algorithm, msg: &[u8], signature: &[u8]) -> Result<(), Error> {
        let ok = match self {
            #[cfg(feature = "_hmac")]
            PublicKey::Hmac(key) => verify_hmac(key, alg, msg, signature),
            #[cfg(feature = "rsa")]
            PublicKey::Rsa(key) => verify_rsa(key, alg, msg, signature),
            #[cfg(feature = "es256")]
            PublicKey::P256(point, vk) => verify_p256(point, vk, msg, signature),
            #[cfg(feature = "es384")]
            PublicKey::P384(point, vk) => verify_p384(point, vk, msg, signature),
            #[cfg(feature = "es512")]
            PublicKey::P521(vk) => verify_p521(vk, msg, signature),
            #[cfg(feature = "eddsa")]
            PublicKey::Ed25519(vk) => verify_ed25519(vk, msg, signature),
            PublicKey::Never(never) => match *never {},
        };
        if ok {
            Ok(())
        } else {
            Err(Error::BadSignature)
        }
    }
}

/// A NIST curve JOSE names (`crv`).
/// Only the curves whose feature is on exist: a compiled-out curve name is an unsupported `crv`.
#[cfg(any(feature = "es256", feature = "es384", feature = "es512"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Curve {
    #[cfg(feature = "es256")]
    P256,
    #[cfg(feature = "es384")]
    P384,
    #[cfg(feature = "es512")]
    P521,
}

#[cfg(any(feature = "es256", feature = "es384", feature = "es512"))]
impl Curve {
    pub(crate) fn from_name(name: &str) -> Option<Curve> {
        match name {
            #[cfg(feature = "es256")]
            "P-256" => Some(Curve::P256),
            #[cfg(feature = "es384")]
            "P-384" => Some(Curve::P384),
            #[cfg(feature = "es512")]
            "P-521" => Some(Curve::P521),
            _ => None,
        }
    }

    /// Field element size in bytes (each JWK coordinate must be exactly this long).
    pub(crate) const fn field_len(self) -> usize {
        match self {
            #[cfg(feature = "es256")]
            Curve::P256 => 32,
            #[cfg(feature = "es384")]
            Curve::P384 => 48,
            #[cfg(feature = "es512")]
            Curve::P521 => 66,
        }
    }
}

#[cfg(feature = "_hmac")]
#[inline(never)]
fn verify_hmac(key: &HmacKey, alg: Algorithm, msg: &[u8], signature: &[u8]) -> bool {
    use crate::crypto::hash::Hash;
    // One function per hash, none inlined here: an HMAC-SHA-512 state is twice SHA-256's, and a
    // shared frame would make every HS256 check pay for the largest (1.6 KiB on Cortex-M).
    // Only reached for an algorithm `fits` accepted, so a compiled-out hash is never asked for.
    #[allow(unreachable_patterns)]
    match alg.hash() {
        #[cfg(feature = "hs256")]
        Hash::Sha256 => verify_hs256(&key.hs256, msg, signature),
        #[cfg(feature = "hs384")]
        Hash::Sha384 => verify_hs384(&key.secret, msg, signature),
        #[cfg(feature = "hs512")]
        Hash::Sha512 => verify_hs512(&key.secret, msg, signature),
        _ => false,
    }
}

/// HS256 from the key's precomputed state (the secret's inner and outer pads already absorbed).
/// `verify_slice` checks the length and compares in constant time.
#[cfg(feature = "hs256")]
#[inline(never)]
fn verify_hs256(state: &hmac::Hmac<sha2::Sha256>, msg: &[u8], signature: &[u8]) -> bool {
    use hmac::Mac;
    let mut m = state.clone();
    m.update(msg);
    m.verify_slice(signature).is_ok()
}

/// HS384 and HS512, keyed per call.
#[cfg(any(feature = "hs384", feature = "hs512"))]
macro_rules! verify_hmac_keyed {
    ($name:ident, $hash:ty) => {
        #[inline(never)]
        fn $name(secret: &[u8], msg: &[u8], signature: &[u8]) -> bool {
            use hmac::Mac;
            hmac::Hmac::<$hash>::new_from_slice(secret).is_ok_and(|mut m| {
                m.update(msg);
                m.verify_slice(signature).is_ok()
            })
        }
    };
}
#[cfg(feature = "hs384")]
verify_hmac_keyed!(verify_hs384, sha2::Sha384);
#[cfg(feature = "hs512")]
verify_hmac_keyed!(verify_hs512, sha2::Sha512);

/// Computes the HMAC tag of `msg` into `out` (for signing), returning its length.
#[cfg(feature = "_hmac")]
pub(crate) fn hmac_tag(secret: &[u8], alg: Algorithm, msg: &[u8], out: &mut [u8; 64]) -> usize {
    use crate::crypto::hash::Hash;
    use hmac::Mac;
    macro_rules! tag {
        ($h:ty, $n:expr) => {{
            if let Ok(mut m) = hmac::Hmac::<$h>::new_from_slice(secret) {
                m.update(msg);
                out[..$n].copy_from_slice(&m.finalize().into_bytes());
            }
            $n
        }};
    }
    // `SigningKey::supports` admits only compiled-in hashes.
    #[allow(unreachable_patterns)]
    match alg.hash() {
        #[cfg(feature = "hs256")]
        Hash::Sha256 => tag!(sha2::Sha256, 32),
        #[cfg(feature = "hs384")]
        Hash::Sha384 => tag!(sha2::Sha384, 48),
        #[cfg(feature = "hs512")]
        Hash::Sha512 => tag!(sha2::Sha512, 64),
        _ => 0,
    }
}

#[cfg(feature = "rsa")]
#[inline(never)]
fn verify_rsa(key: &rsa::RsaPublicKey, alg: Algorithm, msg: &[u8], signature: &[u8]) -> bool {
    use crate::jwt::alg::Family;
    // Exact length first: a stripped or added leading zero is a different signature.
    if signature.len() != key.size() {
        return false;
    }
    #[cfg(feature = "ring")]
    if let Some(verdict) = ring_backend::verify_rsa(key, alg, msg, signature) {
        return verdict;
    }
    match alg.family() {
        Family::RsaPkcs1 => key.verify_pkcs1v15(alg.hash(), msg, signature),
        Family::RsaPss => key.verify_pss(alg.hash(), msg, signature),
        _ => false,
    }
}

#[cfg(feature = "es256")]
#[allow(unused_variables)]
#[inline(never)]
fn verify_p256(point: &EcPoint<65>, vk: &p256::ecdsa::VerifyingKey, msg: &[u8], signature: &[u8]) -> bool {
    #[cfg(feature = "ring")]
    return ring_backend::verify_ecdsa(&ring::signature::ECDSA_P256_SHA256_FIXED, &point.0, 64, msg, signature);
    #[cfg(not(feature = "ring"))]
    ecdsa_p256_rustcrypto(vk, msg, signature)
}

#[cfg(feature = "es384")]
#[allow(unused_variables)]
#[inline(never)]
fn verify_p384(
    point: &EcPoint<97>,
    vk: &ecdsa_0_17::VerifyingKey<p384::NistP384>,
    msg: &[u8],
    signature: &[u8],
) -> bool {
    #[cfg(feature = "ring")]
    return ring_backend::verify_ecdsa(&ring::signature::ECDSA_P384_SHA384_FIXED, &point.0, 96, msg, signature);
    #[cfg(not(feature = "ring"))]
    ecdsa_rustcrypto(vk, hash::Hash::Sha384, 96, msg, signature)
}

#[cfg(feature = "es512")]
#[inline(never)]
fn verify_p521(vk: &ecdsa_0_17::VerifyingKey<p521::NistP521>, msg: &[u8], signature: &[u8]) -> bool {
    ecdsa_rustcrypto(vk, hash::Hash::Sha512, 132, msg, signature)
}

#[cfg(feature = "eddsa")]
#[inline(never)]
fn verify_ed25519(vk: &ed25519_dalek::VerifyingKey, msg: &[u8], signature: &[u8]) -> bool {
    let Ok(bytes) = <&[u8; 64]>::try_from(signature) else {
        return false;
    };
    let sig = ed25519_dalek::Signature::from_bytes(bytes);
    // Strict: canonical S, no small-order R or A (ed25519-dalek's verify_strict).
    vk.verify_strict(msg, &sig).is_ok()
}

#[cfg(feature = "ring")]
mod ring_backend {
    //! The hosted fast path: `ring` for RSA and P-256/P-384 ECDSA. Same inputs, same verdicts.
    #[cfg(feature = "rsa")]
    use super::Algorithm;

    /// `None` when ring cannot take this key (exponent above 2^33-1), so the caller falls back.
    #[cfg(feature = "rsa")]
    pub(super) fn verify_rsa(
        key: &super::rsa::RsaPublicKey,
        alg: Algorithm,
        msg: &[u8],
        signature: &[u8],
    ) -> Option<bool> {
        use ring::signature as rs;
        if key.exponent().len() > 5 || (key.exponent().len() == 5 && key.exponent().first() > Some(&1)) {
            return None;
        }
        let params: &rs::RsaParameters = match alg {
            Algorithm::RS256 => &rs::RSA_PKCS1_2048_8192_SHA256,
            Algorithm::RS384 => &rs::RSA_PKCS1_2048_8192_SHA384,
            Algorithm::RS512 => &rs::RSA_PKCS1_2048_8192_SHA512,
            Algorithm::PS256 => &rs::RSA_PSS_2048_8192_SHA256,
            Algorithm::PS384 => &rs::RSA_PSS_2048_8192_SHA384,
            Algorithm::PS512 => &rs::RSA_PSS_2048_8192_SHA512,
            _ => return Some(false),
        };
        let components = rs::RsaPublicKeyComponents { n: key.modulus(), e: key.exponent() };
        Some(components.verify(params, msg, signature).is_ok())
    }

    #[cfg(any(feature = "es256", feature = "es384"))]
    pub(super) fn verify_ecdsa(
        alg: &'static ring::signature::EcdsaVerificationAlgorithm,
        point: &[u8],
        len: usize,
        msg: &[u8],
        signature: &[u8],
    ) -> bool {
        signature.len() == len && ring::signature::UnparsedPublicKey::new(alg, point).verify(msg, signature).is_ok()
    }
}
