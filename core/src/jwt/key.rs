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
    #[cfg_attr(
        not(any(
            feature = "_hmac",
            feature = "es256",
            feature = "es384",
            feature = "es512",
            feature = "eddsa",
            feature = "rsa"
        )),
        allow(dead_code)
    )]
    fn from_material(material: PublicKey) -> Self {
        Key { kid: None, alg: None, usable: true, material: Some(material), weak: false }
    }

    /// An HMAC secret for HS256/384/512 (at least 32 bytes; HS384 needs 48 and HS512 64 at use).
    ///
    /// # Errors
    /// [`Error::WeakKey`] under 32 bytes; [`Error::InvalidKey`] over 256 bytes.
    #[cfg(feature = "_hmac")]
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
    #[cfg(feature = "es256")]
    pub fn p256(sec1: &[u8]) -> Result<Self, Error> {
        PublicKey::ec(crate::crypto::Curve::P256, sec1).map(Key::from_material)
    }

    /// A P-384 public key (ES384) from its SEC1 encoding.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if the point is not on the curve.
    #[cfg(feature = "es384")]
    pub fn p384(sec1: &[u8]) -> Result<Self, Error> {
        PublicKey::ec(crate::crypto::Curve::P384, sec1).map(Key::from_material)
    }

    /// A P-521 public key (ES512) from its SEC1 encoding.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if the point is not on the curve.
    #[cfg(feature = "es512")]
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
        self.set_kid(kid)?;
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
        let mut key = Key::unsupported();
        key.fill_from_jwk_value(value)?;
        Ok(key)
    }

    /// A key of an unsupported type, usable for nothing (the starting point of an in-place import).
    const fn unsupported() -> Key {
        Key { kid: None, alg: None, usable: true, material: None, weak: false }
    }

    /// Makes `self` the key of one JWK, in place: a `Key` is about 2 KiB with the `rsa` feature
    /// on, so building it where it will live keeps a JWKS import's stack small on firmware.
    fn fill_from_jwk_value(&mut self, jwk: Value<'_>) -> Result<(), Error> {
        self.kid = None;
        self.alg = None;
        self.usable = true;
        self.material = None;
        self.weak = false;
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
        let key = self;
        match kty.as_plain() {
            Some("oct") => jwk_oct(&fields, &mut key.material)?,
            Some("RSA") => jwk_rsa(&fields, &mut key.material)?,
            Some("EC") => jwk_ec(&fields, &mut key.material)?,
            Some("OKP") => jwk_okp(&fields, &mut key.material)?,
            _ => key.usable = false,
        }
        if let Some(kid) = fields.kid {
            let mut buf = [0u8; MAX_KID_BYTES];
            let text = kid.decode_into(&mut buf).ok_or(Error::InvalidKey)?;
            key.set_kid(text)?;
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
        Ok(())
    }

    /// Makes `self` the placeholder of a weak JWKS member: its `kid` only.
    fn make_weak_placeholder(&mut self, jwk: Value<'_>) -> Result<(), Error> {
        self.kid = None;
        self.alg = None;
        self.usable = false;
        self.material = None;
        self.weak = true;
        if let Some(kid) = jwk.get("kid") {
            let mut buf = [0u8; MAX_KID_BYTES];
            let text = kid.as_str().and_then(|k| k.decode_into(&mut buf)).ok_or(Error::InvalidKey)?;
            self.set_kid(text)?;
        }
        Ok(())
    }

    fn set_kid(&mut self, kid: &str) -> Result<(), Error> {
        self.kid = Some(heapless::String::try_from(kid).map_err(|()| Error::InvalidKey)?);
        Ok(())
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

// The `jwk_*` functions below set `material` in place, or leave it `None` for a key type or
// curve this build does not support (the key is then kept, usable for nothing).

#[allow(unused_variables)]
#[inline(never)] // its own frame: the buffers of the four key types are never on the stack together
fn jwk_oct(fields: &JwkFields<'_>, material: &mut Option<PublicKey>) -> Result<(), Error> {
    #[cfg(feature = "_hmac")]
    {
        let mut buf = [0u8; crate::crypto::MAX_HMAC_SECRET];
        let secret = member(fields.k, &mut buf)?;
        *material = Some(PublicKey::hmac(secret)?);
    }
    Ok(())
}

#[allow(unused_variables)]
#[inline(never)]
fn jwk_rsa(fields: &JwkFields<'_>, material: &mut Option<PublicKey>) -> Result<(), Error> {
    #[cfg(feature = "rsa")]
    {
        let mut n_buf = [0u8; MAX_RSA_BYTES];
        let mut e_buf = [0u8; 16];
        let n = member(fields.n, &mut n_buf)?;
        let e = member(fields.e, &mut e_buf)?;
        PublicKey::rsa_in_place(material, n, e)
    }
    #[cfg(not(feature = "rsa"))]
    {
        let _ = MAX_RSA_BYTES;
        Ok(())
    }
}

#[allow(unused_variables)]
#[inline(never)]
fn jwk_ec(fields: &JwkFields<'_>, material: &mut Option<PublicKey>) -> Result<(), Error> {
    #[cfg(any(feature = "es256", feature = "es384", feature = "es512"))]
    {
        use crate::crypto::Curve;
        let crv = fields.crv.ok_or(Error::InvalidKey)?;
        let Some(curve) = crv.as_plain().and_then(Curve::from_name) else {
            return Ok(());
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
        *material = Some(PublicKey::ec(curve, &point[..=2 * len])?);
    }
    Ok(())
}

#[allow(unused_variables)]
#[inline(never)]
fn jwk_okp(fields: &JwkFields<'_>, material: &mut Option<PublicKey>) -> Result<(), Error> {
    let crv = fields.crv.ok_or(Error::InvalidKey)?;
    if !crv.eq_str("Ed25519") {
        return Ok(());
    }
    #[cfg(feature = "eddsa")]
    {
        let mut buf = [0u8; 32];
        let x = member(fields.x, &mut buf)?;
        *material = Some(PublicKey::ed25519(x)?);
    }
    Ok(())
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
    ///
    /// This returns the set by value; on firmware, where a set of RSA-capable keys is several KiB,
    /// prefer [`KeySet::extend_from_jwks`] into a set that already lives where it will be used.
    pub fn from_jwks(document: &[u8]) -> Result<Self, Error> {
        let mut set = KeySet::new();
        set.extend_from_jwks(document)?;
        Ok(set)
    }

    /// Adds the keys of a JWKS document (or of a single JWK) to this set, building each key in its
    /// slot (no key-sized temporaries: the import's stack stays small with the `rsa` feature on).
    /// The rules are those of [`KeySet::from_jwks`]. To replace the keys, [`KeySet::clear`] first.
    ///
    /// # Errors
    /// As [`KeySet::from_jwks`] (more than N keys counts those already held). On error the set is
    /// left as it was.
    pub fn extend_from_jwks(&mut self, document: &[u8]) -> Result<(), Error> {
        let before = self.keys.len();
        let result = self.extend_from_jwks_inner(document);
        if result.is_err() {
            self.keys.truncate(before);
        }
        result
    }

    fn extend_from_jwks_inner(&mut self, document: &[u8]) -> Result<(), Error> {
        let value = json::parse(document, 8).map_err(|_| Error::InvalidKey)?;
        match value.get("keys") {
            Some(keys) if keys.kind() == Kind::Array => {
                for jwk in keys.items().ok_or(Error::InvalidKey)? {
                    let slot = self.next_slot()?;
                    match slot.fill_from_jwk_value(jwk) {
                        // A legacy weak key must not take the good keys of the set down with it.
                        Err(Error::WeakKey) => slot.make_weak_placeholder(jwk)?,
                        other => other?,
                    }
                }
            }
            Some(_) => return Err(Error::InvalidKey),
            None => self.next_slot()?.fill_from_jwk_value(value)?,
        }
        Ok(())
    }

    /// A new (unsupported, to be filled) key at the end of the set.
    fn next_slot(&mut self) -> Result<&mut Key, Error> {
        self.keys.push(Key::unsupported()).map_err(|_| Error::InvalidKey)?;
        self.keys.last_mut().ok_or(Error::InvalidKey)
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.keys.clear();
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
    #[cfg(feature = "es256")]
    const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    #[cfg(feature = "es384")]
    const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
    #[cfg(feature = "es512")]
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
            // A curve whose feature is off is refused like any unsupported curve.
            #[cfg(any(feature = "es256", feature = "es384", feature = "es512"))]
            {
                use crate::crypto::Curve;
                let curve_oid = spki.algorithm.parameters_oid().map_err(|_| Error::InvalidKey)?;
                let curve = match curve_oid {
                    #[cfg(feature = "es256")]
                    oid if oid == SECP256R1 => Curve::P256,
                    #[cfg(feature = "es384")]
                    oid if oid == SECP384R1 => Curve::P384,
                    #[cfg(feature = "es512")]
                    oid if oid == SECP521R1 => Curve::P521,
                    _ => return Err(Error::InvalidKey),
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

/// A curve whose feature is off behaves as an unsupported key type: kept in a JWKS, usable for
/// nothing, refused from SPKI; never a panic and never an accepted token. (Run with
/// `--no-default-features --features es256,pem` or similar.)
#[cfg(all(test, any(feature = "es256", feature = "_hmac"), not(all(feature = "es384", feature = "es512"))))]
mod compiled_out_curves {
    use super::*;

    const P384: &[u8] = br#"{"kty":"EC","crv":"P-384","kid":"p384","x":"f_X_9wf5P5PuB8s60GoXfnJfTWI076YdqTgaSQVB54QJ23HABzLCKr0sBVXLCs0x","y":"7v6cNG-ap1BfsuGUDuWCueiBXyEObCFoTECQ3cu_Wuk5CyEb9xul8vrMfghfKDQy"}"#;
    const P521: &[u8] = br#"{"kty":"EC","crv":"P-521","kid":"p521","x":"AasrifACw20sVOVWfOmyIyXG3q0oAkWCJXzn4bqn9WCrhYpGgLRpXsalVTZu8pFnCsACIHiGjubg70VGVFMd5guz","y":"ADtbI-48iRjrR1ApaJO3LE60krRqTthPD7vdX4onvene8S5cXtLKroDR3MnJyn66WoXp_WKicFCZkDknAtWWhzFT"}"#;

    #[test]
    fn a_compiled_out_curve_is_an_unsupported_key() {
        for (jwk, alg, on) in
            [(P384, Algorithm::ES384, cfg!(feature = "es384")), (P521, Algorithm::ES512, cfg!(feature = "es512"))]
        {
            let key = Key::from_jwk(jwk).unwrap();
            assert_eq!(key.is_supported(), on);
            if on {
                continue;
            }
            assert!(Algorithm::ALL.iter().all(|&a| !key.accepts(a)));
            assert_eq!(key.verify_signature(alg, b"a.b", &[0u8; 132]), Err(Error::KeyAlgMismatch));
            let mut doc = [0u8; 512];
            let len = jwk.len() + 10;
            doc[..9].copy_from_slice(br#"{"keys":["#);
            doc[9..len - 1].copy_from_slice(jwk);
            doc[len - 1..len + 1].copy_from_slice(b"]}");
            let set = KeySet::<2>::from_jwks(&doc[..=len]).unwrap();
            assert!(set.len() == 1 && !set.as_slice()[0].is_supported() && set.as_slice()[0].kid().is_some());
        }
        #[cfg(all(feature = "pem", not(feature = "es384")))]
        {
            // SPKI of a P-384 key: refused like any unsupported curve.
            let mut der = [0u8; 120];
            let prefix =
                b"\x30\x76\x30\x10\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x05\x2b\x81\x04\x00\x22\x03\x62\x00\x04";
            der[..prefix.len()].copy_from_slice(prefix);
            assert_eq!(Key::from_spki_der(&der).unwrap_err(), Error::InvalidKey);
        }
    }
}

#[cfg(all(test, feature = "hs256", not(all(feature = "hs384", feature = "hs512"))))]
mod compiled_out_hmac_hashes {
    use super::*;

    /// With only some of `hs256`/`hs384`/`hs512`, an HMAC key accepts exactly the compiled-in
    /// algorithms; a token for another gets `key_alg_mismatch`, never a signature check.
    #[test]
    fn a_compiled_out_hash_is_an_algorithm_no_key_accepts() {
        let key = Key::hmac(&[7u8; 64]).unwrap();
        for (alg, on) in [
            (Algorithm::HS256, true),
            (Algorithm::HS384, cfg!(feature = "hs384")),
            (Algorithm::HS512, cfg!(feature = "hs512")),
        ] {
            assert_eq!(key.accepts(alg), on, "{alg:?}");
            if !on {
                assert_eq!(key.verify_signature(alg, b"a.b", &[0u8; 64]), Err(Error::KeyAlgMismatch));
            }
        }
        let signer = crate::jwt::SigningKey::hmac(&[7u8; 64]).unwrap();
        let mut out = [0u8; 256];
        assert!(crate::jwt::sign(Algorithm::HS256, &signer, b"{}", None, &mut out).is_ok());
        if !cfg!(feature = "hs384") {
            assert_eq!(crate::jwt::sign(Algorithm::HS384, &signer, b"{}", None, &mut out), Err(Error::KeyAlgMismatch));
        }
    }
}
