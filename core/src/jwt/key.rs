//! Verification keys: raw constructors, JWK / JWKS documents, SPKI DER and PEM public keys.
//!
//! Decides at import whether key material is acceptable (encodings strict, strength minimums: HMAC
//! ≥ 32 bytes, RSA 2048–8192 bits, no small-order Ed25519 points) and, per token, whether a key may
//! serve an algorithm (type/curve binding plus the JWK's `alg`, `use` and `key_ops`). Guarantees that
//! keys live in fixed-size storage (a `KeySet<N>` holds at most N keys) and that nothing here prints
//! key material. Never fetches keys and never trusts keys carried inside a token.

use crate::base64url;
use crate::crypto::PublicKey;
use crate::json::{self, JsonStr, Kind, Value};
use crate::jwt::Error;

use super::alg::Algorithm;

/// Longest `kid` a key may carry.
pub const MAX_KID_BYTES: usize = 128;

/// Largest RSA modulus accepted, in bytes (8192 bits), plus one for a leading zero.
const MAX_RSA_BYTES: usize = 1024 + 1;

/// One verification key and the restrictions its JWK placed on it.
#[derive(Clone, Debug)]
pub struct Key {
    kid: Option<heapless::String<MAX_KID_BYTES>>,
    alg: Option<Algorithm>,
    /// False when a JWK's `use`/`key_ops`/`alg` rule out JWS verification.
    usable: bool,
    /// `None` for key types apiward does not support (kept so a `kid` can still select them).
    material: Option<PublicKey>,
    /// A JWKS member below the strength minimums: kept so that selecting it says `weak_key`.
    weak: bool,
}

impl Key {
    #[cfg_attr(not(any(feature = "hmac", feature = "ecdsa", feature = "eddsa", feature = "rsa")), allow(dead_code))]
    fn from_material(material: PublicKey) -> Self {
        Key { kid: None, alg: None, usable: true, material: Some(material), weak: false }
    }

    /// An HMAC secret for HS256/384/512 (at least 32 bytes; HS384 needs 48 and HS512 64 at use).
    ///
    /// # Errors
    /// [`Error::WeakKey`] under 32 bytes; [`Error::InvalidKey`] over 256 bytes.
    #[cfg(feature = "hmac")]
    pub fn hmac(secret: &[u8]) -> Result<Self, Error> {
        PublicKey::hmac(secret).map(Key::from_material)
    }

    /// An RSA public key from big-endian modulus and exponent (leading zero bytes ignored).
    ///
    /// # Errors
    /// [`Error::WeakKey`] under 2048 bits; [`Error::InvalidKey`] over 8192 bits or malformed.
    #[cfg(feature = "rsa")]
    pub fn rsa(n: &[u8], e: &[u8]) -> Result<Self, Error> {
        PublicKey::rsa(n, e).map(Key::from_material)
    }

    /// A P-256 public key (ES256) from its SEC1 encoding.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if the point is not on the curve.
    #[cfg(feature = "ecdsa")]
    pub fn p256(sec1: &[u8]) -> Result<Self, Error> {
        PublicKey::ec(crate::crypto::Curve::P256, sec1).map(Key::from_material)
    }

    /// A P-384 public key (ES384) from its SEC1 encoding.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if the point is not on the curve.
    #[cfg(feature = "ecdsa")]
    pub fn p384(sec1: &[u8]) -> Result<Self, Error> {
        PublicKey::ec(crate::crypto::Curve::P384, sec1).map(Key::from_material)
    }

    /// A P-521 public key (ES512) from its SEC1 encoding.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if the point is not on the curve.
    #[cfg(feature = "ecdsa")]
    pub fn p521(sec1: &[u8]) -> Result<Self, Error> {
        PublicKey::ec(crate::crypto::Curve::P521, sec1).map(Key::from_material)
    }

    /// An Ed25519 public key (EdDSA) from its 32-byte encoding.
    ///
    /// # Errors
    /// [`Error::WeakKey`] for small-order points; [`Error::InvalidKey`] for bad encodings.
    #[cfg(feature = "eddsa")]
    pub fn ed25519(public: &[u8]) -> Result<Self, Error> {
        PublicKey::ed25519(public).map(Key::from_material)
    }

    /// This key with a key id (for selection by the header's `kid`).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if `kid` is longer than [`MAX_KID_BYTES`].
    pub fn with_kid(mut self, kid: &str) -> Result<Self, Error> {
        self.kid = Some(heapless::String::try_from(kid).map_err(|()| Error::InvalidKey)?);
        Ok(self)
    }

    /// This key bound to one algorithm (as a JWK `alg` member does).
    #[must_use]
    pub fn with_alg(mut self, alg: Algorithm) -> Self {
        self.alg = Some(alg);
        self
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The algorithm the key is bound to, if any.
    pub fn alg(&self) -> Option<Algorithm> {
        self.alg
    }

    /// Whether this key was kept from a JWKS although it is below the strength minimums (it then
    /// serves no token; a `kid` selecting it gives [`Error::WeakKey`]).
    pub fn is_weak(&self) -> bool {
        self.weak
    }

    /// Whether apiward supports this key's type and curve.
    pub fn is_supported(&self) -> bool {
        self.material.is_some()
    }

    /// Whether this key may serve `alg`: type and curve fit, and the JWK's `alg`, `use` and
    /// `key_ops` allow JWS verification with it.
    pub fn accepts(&self, alg: Algorithm) -> bool {
        self.usable && self.alg.is_none_or(|bound| bound == alg) && self.material.as_ref().is_some_and(|m| m.fits(alg))
    }

    /// Checks a JWS signature over `signing_input` (`base64url(header) "." base64url(payload)`)
    /// with `alg`, applying the key binding and strength rules first. This is the signature layer
    /// the verifier uses; it is public for detached or non-JSON payloads and for test suites.
    ///
    /// # Errors
    /// [`Error::KeyAlgMismatch`], [`Error::WeakKey`] or [`Error::BadSignature`].
    pub fn verify_signature(&self, alg: Algorithm, signing_input: &[u8], signature: &[u8]) -> Result<(), Error> {
        let material = self.usable_for(alg)?;
        material.verify(alg, signing_input, signature)
    }

    /// The key material after the binding and strength checks for `alg`.
    pub(crate) fn usable_for(&self, alg: Algorithm) -> Result<&PublicKey, Error> {
        if self.weak {
            return Err(Error::WeakKey);
        }
        if !self.accepts(alg) {
            return Err(Error::KeyAlgMismatch);
        }
        let material = self.material.as_ref().ok_or(Error::KeyAlgMismatch)?;
        if !material.strong_enough_for(alg) {
            return Err(Error::WeakKey);
        }
        Ok(material)
    }

    /// A key from one JWK (RFC 7517) as JSON text. Private members (`d`, …) are ignored.
    /// Unsupported key types or curves give a key that no algorithm accepts (so a JWKS that also
    /// carries, say, an X25519 encryption key still loads).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for malformed JWKs; [`Error::WeakKey`] below the strength minimums.
    pub fn from_jwk(jwk: &[u8]) -> Result<Self, Error> {
        let value = json::parse(jwk, 8).map_err(|_| Error::InvalidKey)?;
        Key::from_jwk_value(value)
    }

    fn from_jwk_value(jwk: Value<'_>) -> Result<Self, Error> {
        let members = jwk.members().ok_or(Error::InvalidKey)?;
        let mut fields = JwkFields::default();
        for (name, value) in members {
            let mut buf = [0u8; 7];
            let Some(name) = name.text_in(&mut buf) else { continue };
            let slot = match name {
                "kty" => &mut fields.kty,
                "kid" => &mut fields.kid,
                "alg" => &mut fields.alg,
                "use" => &mut fields.use_,
                "crv" => &mut fields.crv,
                "k" => &mut fields.k,
                "n" => &mut fields.n,
                "e" => &mut fields.e,
                "x" => &mut fields.x,
                "y" => &mut fields.y,
                "key_ops" => {
                    fields.key_ops = Some(value);
                    continue;
                }
                _ => continue,
            };
            *slot = Some(value.as_str().ok_or(Error::InvalidKey)?);
        }
        let kty = fields.kty.ok_or(Error::InvalidKey)?;
        let mut key = match kty.as_plain() {
            Some("oct") => jwk_oct(&fields)?,
            Some("RSA") => jwk_rsa(&fields)?,
            Some("EC") => jwk_ec(&fields)?,
            Some("OKP") => jwk_okp(&fields)?,
            _ => Key { kid: None, alg: None, usable: false, material: None, weak: false },
        };
        if let Some(kid) = fields.kid {
            let mut buf = [0u8; MAX_KID_BYTES];
            let text = kid.decode_into(&mut buf).ok_or(Error::InvalidKey)?;
            key = key.with_kid(text)?;
        }
        if let Some(alg) = fields.alg {
            match alg.as_plain().and_then(Algorithm::from_name) {
                Some(alg) => key.alg = Some(alg),
                // An algorithm we do not verify with (e.g. RSA-OAEP): not a JWS verification key.
                None => key.usable = false,
            }
        }
        if let Some(use_) = fields.use_ {
            key.usable &= use_.eq_str("sig");
        }
        if let Some(ops) = fields.key_ops {
            let items = ops.items().ok_or(Error::InvalidKey)?;
            let mut verify = false;
            for op in items {
                let op = op.as_str().ok_or(Error::InvalidKey)?;
                verify |= op.eq_str("verify");
            }
            key.usable &= verify;
        }
        Ok(key)
    }

    /// A placeholder for a weak JWKS member: its `kid` only.
    fn weak_placeholder(jwk: Value<'_>) -> Result<Self, Error> {
        let mut key = Key { kid: None, alg: None, usable: false, material: None, weak: true };
        if let Some(kid) = jwk.get("kid") {
            let mut buf = [0u8; MAX_KID_BYTES];
            let text = kid.as_str().and_then(|k| k.decode_into(&mut buf)).ok_or(Error::InvalidKey)?;
            key = key.with_kid(text)?;
        }
        Ok(key)
    }

    /// A public key from DER `SubjectPublicKeyInfo` (RSA, EC P-256/384/521, Ed25519).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for malformed or unsupported keys; [`Error::WeakKey`] as for the raw constructors.
    #[cfg(feature = "pem")]
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        spki_import::from_spki_der(der).map(Key::from_material)
    }

    /// A public key from a PEM `-----BEGIN PUBLIC KEY-----` block (SPKI).
    ///
    /// # Errors
    /// As [`Key::from_spki_der`], and [`Error::InvalidKey`] for any other PEM label.
    #[cfg(feature = "pem")]
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        let mut buf = [0u8; 1400];
        let (label, der) = pem_rfc7468::decode(pem, &mut buf).map_err(|_| Error::InvalidKey)?;
        if label != "PUBLIC KEY" {
            return Err(Error::InvalidKey);
        }
        Key::from_spki_der(der)
    }
}

#[derive(Default)]
struct JwkFields<'a> {
    kty: Option<JsonStr<'a>>,
    kid: Option<JsonStr<'a>>,
    alg: Option<JsonStr<'a>>,
    use_: Option<JsonStr<'a>>,
    crv: Option<JsonStr<'a>>,
    k: Option<JsonStr<'a>>,
    n: Option<JsonStr<'a>>,
    e: Option<JsonStr<'a>>,
    x: Option<JsonStr<'a>>,
    y: Option<JsonStr<'a>>,
    key_ops: Option<Value<'a>>,
}

/// Decodes a required base64url JWK member into `buf`.
#[allow(dead_code)]
fn member<'b>(field: Option<JsonStr<'_>>, buf: &'b mut [u8]) -> Result<&'b [u8], Error> {
    let text = field.and_then(|f| f.as_plain()).ok_or(Error::InvalidKey)?;
    base64url::decode(text.as_bytes(), buf).ok_or(Error::InvalidKey)
}

fn unsupported() -> Key {
    Key { kid: None, alg: None, usable: true, material: None, weak: false }
}

#[allow(unused_variables)]
fn jwk_oct(fields: &JwkFields<'_>) -> Result<Key, Error> {
    #[cfg(feature = "hmac")]
    {
        let mut buf = [0u8; crate::crypto::MAX_HMAC_SECRET];
        let secret = member(fields.k, &mut buf)?;
        Key::hmac(secret)
    }
    #[cfg(not(feature = "hmac"))]
    Ok(unsupported())
}

#[allow(unused_variables)]
fn jwk_rsa(fields: &JwkFields<'_>) -> Result<Key, Error> {
    #[cfg(feature = "rsa")]
    {
        let mut n_buf = [0u8; MAX_RSA_BYTES];
        let mut e_buf = [0u8; 16];
        let n = member(fields.n, &mut n_buf)?;
        let e = member(fields.e, &mut e_buf)?;
        Key::rsa(n, e)
    }
    #[cfg(not(feature = "rsa"))]
    {
        let _ = MAX_RSA_BYTES;
        Ok(unsupported())
    }
}

#[allow(unused_variables)]
fn jwk_ec(fields: &JwkFields<'_>) -> Result<Key, Error> {
    #[cfg(feature = "ecdsa")]
    {
        use crate::crypto::Curve;
        let crv = fields.crv.ok_or(Error::InvalidKey)?;
        let Some(curve) = crv.as_plain().and_then(Curve::from_name) else {
            return Ok(unsupported());
        };
        let len = curve.field_len();
        let mut point = [0u8; 1 + 2 * 66];
        point[0] = 0x04;
        let mut buf = [0u8; 66];
        let x = member(fields.x, &mut buf)?;
        if x.len() != len {
            return Err(Error::InvalidKey);
        }
        point[1..=len].copy_from_slice(x);
        let y = member(fields.y, &mut buf)?;
        if y.len() != len {
            return Err(Error::InvalidKey);
        }
        point[1 + len..=2 * len].copy_from_slice(y);
        PublicKey::ec(curve, &point[..=2 * len]).map(Key::from_material)
    }
    #[cfg(not(feature = "ecdsa"))]
    Ok(unsupported())
}

#[allow(unused_variables)]
fn jwk_okp(fields: &JwkFields<'_>) -> Result<Key, Error> {
    let crv = fields.crv.ok_or(Error::InvalidKey)?;
    if !crv.eq_str("Ed25519") {
        return Ok(unsupported());
    }
    #[cfg(feature = "eddsa")]
    {
        let mut buf = [0u8; 32];
        let x = member(fields.x, &mut buf)?;
        Key::ed25519(x)
    }
    #[cfg(not(feature = "eddsa"))]
    Ok(unsupported())
}

/// A fixed-capacity set of verification keys (heapless style: capacity in the type, `const fn new`).
#[derive(Clone, Debug)]
pub struct KeySet<const N: usize> {
    keys: heapless::Vec<Key, N>,
}

impl<const N: usize> Default for KeySet<N> {
    fn default() -> Self {
        KeySet::new()
    }
}

impl<const N: usize> KeySet<N> {
    /// An empty set.
    pub const fn new() -> Self {
        KeySet { keys: heapless::Vec::new() }
    }

    /// Adds a key, handing it back when the set is full.
    ///
    /// # Errors
    /// The key itself, when the set already holds N keys.
    #[allow(clippy::result_large_err)] // heapless style: the caller gets its key back
    pub fn push(&mut self, key: Key) -> Result<(), Key> {
        self.keys.push(key)
    }

    /// The keys.
    pub fn as_slice(&self) -> &[Key] {
        &self.keys
    }

    /// Number of keys held.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Keys from a JWKS document (`{"keys": [...]}`) or a single JWK, as JSON text.
    ///
    /// Members of unsupported types are kept (selectable by `kid`, usable for nothing). Members
    /// below the strength minimums are kept as weak placeholders: never a candidate without a `kid`,
    /// and [`Error::WeakKey`] when a token's `kid` selects one — so an identity provider's JWKS that
    /// still lists a legacy 1024-bit key keeps working for its good keys. A single JWK (not a JWKS)
    /// that is weak is an error.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for malformed documents, malformed members or more than N keys;
    /// [`Error::WeakKey`] for a single weak JWK.
    pub fn from_jwks(document: &[u8]) -> Result<Self, Error> {
        let value = json::parse(document, 8).map_err(|_| Error::InvalidKey)?;
        let mut set = KeySet::new();
        match value.get("keys") {
            Some(keys) if keys.kind() == Kind::Array => {
                for jwk in keys.items().ok_or(Error::InvalidKey)? {
                    let key = match Key::from_jwk_value(jwk) {
                        // A legacy weak key must not take the good keys of the set down with it.
                        Err(Error::WeakKey) => Key::weak_placeholder(jwk)?,
                        other => other?,
                    };
                    set.push(key).map_err(|_| Error::InvalidKey)?;
                }
            }
            Some(_) => return Err(Error::InvalidKey),
            None => {
                set.push(Key::from_jwk_value(value)?).map_err(|_| Error::InvalidKey)?;
            }
        }
        Ok(set)
    }
}

impl<const N: usize> AsRef<[Key]> for KeySet<N> {
    fn as_ref(&self) -> &[Key] {
        self.as_slice()
    }
}

#[cfg(feature = "pem")]
mod spki_import {
    //! SubjectPublicKeyInfo (RFC 5280) to key material, with the RustCrypto `spki`/`der` parsers.
    use crate::crypto::PublicKey;
    use crate::jwt::Error;
    use spki::der::asn1::ObjectIdentifier as Oid;
    use spki::der::Decode;

    const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
    #[cfg(feature = "ecdsa")]
    const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    #[cfg(feature = "ecdsa")]
    const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
    #[cfg(feature = "ecdsa")]
    const SECP521R1: Oid = Oid::new_unwrap("1.3.132.0.35");

    pub(super) fn from_spki_der(der: &[u8]) -> Result<PublicKey, Error> {
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|_| Error::InvalidKey)?;
        let key_bytes = spki.subject_public_key.as_bytes().ok_or(Error::InvalidKey)?;
        let oid = spki.algorithm.oid;
        if oid == RSA_ENCRYPTION {
            #[cfg(feature = "rsa")]
            {
                let rsa = pkcs1::RsaPublicKey::from_der(key_bytes).map_err(|_| Error::InvalidKey)?;
                return PublicKey::rsa(rsa.modulus.as_bytes(), rsa.public_exponent.as_bytes());
            }
        } else if oid == EC_PUBLIC_KEY {
            #[cfg(feature = "ecdsa")]
            {
                use crate::crypto::Curve;
                let curve_oid = spki.algorithm.parameters_oid().map_err(|_| Error::InvalidKey)?;
                let curve = if curve_oid == SECP256R1 {
                    Curve::P256
                } else if curve_oid == SECP384R1 {
                    Curve::P384
                } else if curve_oid == SECP521R1 {
                    Curve::P521
                } else {
                    return Err(Error::InvalidKey);
                };
                return PublicKey::ec(curve, key_bytes);
            }
        } else if oid == ED25519 {
            #[cfg(feature = "eddsa")]
            return PublicKey::ed25519(key_bytes);
        }
        let _ = key_bytes;
        Err(Error::InvalidKey)
    }
}
