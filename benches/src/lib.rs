//! Fixtures for the apiward benchmarks: the standard JWT workloads W1–W5 of `WORKLOADS.md`.
//!
//! Builds, once per process, every token, key and policy the benchmarks need: the apiward side
//! verifies tokens minted for the pinned clock `NOW` (checked at `NOW + 60`), jsonwebtoken — which
//! reads the real clock — verifies byte-for-byte the same shape of token minted relative to the
//! real time. Never used outside benchmarks; the keys in `keys/` are test keys.

use std::time::{SystemTime, UNIX_EPOCH};

use apiward::jwt::{self, Algorithm, AlgorithmSet, Key, Policy, SigningKey};
use jsonwebtoken::{DecodingKey, Validation};

pub mod timing;

/// The pinned clock of the workloads (unix seconds).
pub const NOW: i64 = 1_800_000_000;
/// apiward verifies at this time (`NOW + 60`).
pub const VERIFY_AT: i64 = NOW + 60;
/// Clock skew tolerated by every verifier (seconds).
pub const LEEWAY: u32 = 30;
/// The accepted issuer.
pub const ISSUERS: &[&str] = &["https://auth.example.com/"];
/// The accepted audience.
pub const AUDIENCES: &[&str] = &["api://orders"];

/// HS256 secret: the 32 bytes 0x00..0x1f.
pub const HMAC_SECRET: [u8; 32] = {
    let mut s = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        s[i] = i as u8;
        i += 1;
    }
    s
};
/// P-256 private scalar (test key): the 32 bytes 0x01..0x20.
pub const P256_SCALAR: [u8; 32] = {
    let mut s = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        s[i] = i as u8 + 1;
        i += 1;
    }
    s
};
/// Ed25519 seed (test key): the 32 bytes 0x40..0x5f.
pub const ED25519_SEED: [u8; 32] = {
    let mut s = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        s[i] = i as u8 + 0x40;
        i += 1;
    }
    s
};
/// RSA-2048 (e = 65537) test key, PKCS#8, generated once with
/// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`.
pub const RSA_PRIVATE_PEM: &str = include_str!("../keys/rs256_test_private.pem");
/// Its public half (SPKI).
pub const RSA_PUBLIC_PEM: &str = include_str!("../keys/rs256_test_public.pem");

/// The workload claims (`WORKLOADS.md`, this key order) with `iat = nbf = base`, `exp = exp`.
pub fn claims_json(base: i64, exp: i64) -> String {
    format!(
        concat!(
            r#"{{"sub":"user-1234","iss":"https://auth.example.com/","aud":"api://orders","#,
            r#""iat":{base},"nbf":{base},"exp":{exp},"scope":"orders:read orders:write","#,
            r#""jti":"6f1c2a4e-8a7b-4c0d-9e2f-3b5a7c9d1e0f"}}"#
        ),
        base = base,
        exp = exp
    )
}

/// The exact W1 claims bytes (`workloads/jwt_claims_NOW.json`).
pub fn claims_now() -> String {
    claims_json(NOW, NOW + 900)
}

/// Claims of the same length and shape for verifiers that read the real clock: issued a minute
/// ago (as the pinned tokens are at `NOW + 60`), expiring a day later so a long run cannot outlive
/// them.
pub fn claims_real_time() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs();
    let now = i64::try_from(now).expect("clock fits i64");
    claims_json(now - 60, now - 60 + 86_400)
}

/// The claims jsonwebtoken deserializes into (its native, typed form).
#[derive(Debug, serde::Deserialize)]
pub struct PeerClaims {
    /// Subject.
    pub sub: String,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Issued at.
    pub iat: i64,
    /// Not before.
    pub nbf: i64,
    /// Expiry.
    pub exp: i64,
    /// Scopes.
    pub scope: String,
    /// Token id.
    pub jti: String,
}

/// One standard workload: the token for each verifier, and their keys and policies.
pub struct Workload {
    /// Workload id as in `WORKLOADS.md` (`W1-hs256`…).
    pub id: &'static str,
    /// The algorithm.
    pub alg: Algorithm,
    /// The token for apiward (claims relative to `NOW`).
    pub token: String,
    /// The token for jsonwebtoken (claims relative to the real clock).
    pub token_real_time: String,
    /// apiward's key set (one key).
    pub keys: Vec<Key>,
    /// jsonwebtoken's key.
    pub decoding_key: DecodingKey,
    /// Whether verification must succeed (false for W5).
    pub valid: bool,
}

impl Workload {
    /// The workload policy for apiward: only this algorithm, issuer, audience, exp/nbf, leeway 30 s.
    pub fn policy(&self) -> Policy<'static> {
        Policy::new(AlgorithmSet::only(self.alg)).issuers(ISSUERS).audiences(AUDIENCES).leeway(LEEWAY)
    }

    /// The same checks for jsonwebtoken.
    pub fn validation(&self) -> Validation {
        let mut v = Validation::new(peer_alg(self.alg));
        v.set_issuer(ISSUERS);
        v.set_audience(AUDIENCES);
        v.leeway = u64::from(LEEWAY);
        v.validate_exp = true;
        v.validate_nbf = true;
        v
    }

    /// `base64url(header) "." base64url(payload)` of the apiward token.
    pub fn signing_input(&self) -> &[u8] {
        let dot = self.token.rfind('.').expect("compact JWS");
        &self.token.as_bytes()[..dot]
    }

    /// The decoded signature of the apiward token.
    pub fn signature(&self) -> Vec<u8> {
        let dot = self.token.rfind('.').expect("compact JWS");
        b64url_decode(&self.token[dot + 1..])
    }
}

fn peer_alg(alg: Algorithm) -> jsonwebtoken::Algorithm {
    match alg {
        Algorithm::HS256 => jsonwebtoken::Algorithm::HS256,
        Algorithm::ES256 => jsonwebtoken::Algorithm::ES256,
        Algorithm::RS256 => jsonwebtoken::Algorithm::RS256,
        Algorithm::EdDSA => jsonwebtoken::Algorithm::EdDSA,
        other => panic!("no workload uses {}", other.name()),
    }
}

/// Mints a compact JWS with header `{"alg":…,"typ":"JWT"[,"kid":"k1"]}` over `claims`.
fn mint(alg: Algorithm, claims: &str, kid: Option<&str>) -> String {
    if alg == Algorithm::RS256 {
        return mint_rs256(claims, kid.expect("asymmetric tokens carry a kid"));
    }
    let key = match alg {
        Algorithm::HS256 => SigningKey::hmac(&HMAC_SECRET),
        Algorithm::ES256 => SigningKey::es256(&P256_SCALAR),
        Algorithm::EdDSA => SigningKey::ed25519(&ED25519_SEED),
        other => panic!("no workload uses {}", other.name()),
    }
    .expect("signing key");
    let mut out = [0u8; 2048];
    jwt::sign(alg, &key, claims.as_bytes(), kid, &mut out).expect("sign").to_owned()
}

/// apiward does not sign RSA; the `rsa` crate does, with the same header as `jwt::sign`.
fn mint_rs256(claims: &str, kid: &str) -> String {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer};
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(RSA_PRIVATE_PEM).expect("test RSA key");
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(private);
    let header = format!(r#"{{"alg":"RS256","typ":"JWT","kid":"{kid}"}}"#);
    let input = format!("{}.{}", b64url_encode(header.as_bytes()), b64url_encode(claims.as_bytes()));
    let signature = signer.sign(input.as_bytes()).to_bytes();
    format!("{input}.{}", b64url_encode(&signature))
}

/// The token with its last signature character replaced by the one whose 6-bit value differs in
/// the top bit (W5): still canonical base64url, so only the signature check can reject it.
pub fn corrupt_signature(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let last = bytes.last_mut().expect("non-empty token");
    let value = B64URL.iter().position(|c| c == last).expect("base64url character");
    *last = B64URL[value ^ 0b10_0000];
    String::from_utf8(bytes).expect("ASCII")
}

/// The P-256 public key (uncompressed SEC1).
pub fn p256_public_sec1() -> Vec<u8> {
    let sk = p256::ecdsa::SigningKey::from_slice(&P256_SCALAR).expect("P-256 scalar");
    sk.verifying_key().to_encoded_point(false).as_bytes().to_vec()
}

/// The Ed25519 public key.
pub fn ed25519_public() -> [u8; 32] {
    ed25519_dalek::SigningKey::from_bytes(&ED25519_SEED).verifying_key().to_bytes()
}

/// The RSA public key.
pub fn rsa_public() -> rsa::RsaPublicKey {
    use rsa::pkcs8::DecodePublicKey;
    rsa::RsaPublicKey::from_public_key_pem(RSA_PUBLIC_PEM).expect("test RSA public key")
}

/// The RSA modulus and exponent, big-endian (for ring).
pub fn rsa_public_components() -> (Vec<u8>, Vec<u8>) {
    use rsa::traits::PublicKeyParts;
    let public = rsa_public();
    (public.n().to_bytes_be(), public.e().to_bytes_be())
}

/// W1: HS256, valid.
pub fn w1_hs256() -> Workload {
    hs256("W1-hs256", true)
}

/// W5: HS256 with a wrong signature.
pub fn w5_reject() -> Workload {
    hs256("W5-reject", false)
}

fn hs256(id: &'static str, valid: bool) -> Workload {
    let mut token = mint(Algorithm::HS256, &claims_now(), None);
    let mut token_real_time = mint(Algorithm::HS256, &claims_real_time(), None);
    if !valid {
        token = corrupt_signature(&token);
        token_real_time = corrupt_signature(&token_real_time);
    }
    Workload {
        id,
        alg: Algorithm::HS256,
        token,
        token_real_time,
        keys: vec![Key::hmac(&HMAC_SECRET).expect("HMAC key")],
        decoding_key: DecodingKey::from_secret(&HMAC_SECRET),
        valid,
    }
}

/// W2: ES256 (P-256).
pub fn w2_es256() -> Workload {
    let point = p256_public_sec1();
    // Uncompressed SEC1: 0x04 ‖ x ‖ y.
    let (x, y) = point[1..].split_at(32);
    Workload {
        id: "W2-es256",
        alg: Algorithm::ES256,
        token: mint(Algorithm::ES256, &claims_now(), Some("k1")),
        token_real_time: mint(Algorithm::ES256, &claims_real_time(), Some("k1")),
        keys: vec![Key::p256(&point).and_then(|k| k.with_kid("k1")).expect("P-256 key")],
        decoding_key: DecodingKey::from_ec_components(&b64url_encode(x), &b64url_encode(y))
            .expect("jsonwebtoken P-256 key"),
        valid: true,
    }
}

/// W3: RS256 (RSA-2048).
pub fn w3_rs256() -> Workload {
    Workload {
        id: "W3-rs256",
        alg: Algorithm::RS256,
        token: mint(Algorithm::RS256, &claims_now(), Some("k1")),
        token_real_time: mint(Algorithm::RS256, &claims_real_time(), Some("k1")),
        keys: vec![Key::from_pem(RSA_PUBLIC_PEM.as_bytes()).and_then(|k| k.with_kid("k1")).expect("RSA key")],
        decoding_key: DecodingKey::from_rsa_pem(RSA_PUBLIC_PEM.as_bytes()).expect("jsonwebtoken RSA key"),
        valid: true,
    }
}

/// W4: EdDSA (Ed25519).
pub fn w4_eddsa() -> Workload {
    let public = ed25519_public();
    Workload {
        id: "W4-eddsa",
        alg: Algorithm::EdDSA,
        token: mint(Algorithm::EdDSA, &claims_now(), Some("k1")),
        token_real_time: mint(Algorithm::EdDSA, &claims_real_time(), Some("k1")),
        keys: vec![Key::ed25519(&public).and_then(|k| k.with_kid("k1")).expect("Ed25519 key")],
        decoding_key: DecodingKey::from_ed_components(&b64url_encode(&public)).expect("jsonwebtoken Ed25519 key"),
        valid: true,
    }
}

/// All five workloads, in order.
pub fn all() -> Vec<Workload> {
    vec![w1_hs256(), w2_es256(), w3_rs256(), w4_eddsa(), w5_reject()]
}

/// The apiward backend compiled in (`ring` or `rustcrypto`).
pub const BACKEND: &str = if cfg!(feature = "ring") { "ring" } else { "rustcrypto" };

/// Checks every verifier agrees on every workload before anything is timed.
///
/// # Panics
/// If a verifier accepts a token it must reject or rejects one it must accept.
pub fn self_check(w: &Workload) {
    let mut scratch = vec![0u8; jwt::scratch_len(jwt::DEFAULT_MAX_TOKEN_BYTES)];
    let ours = jwt::verify(w.token.as_bytes(), &w.keys, &w.policy(), VERIFY_AT, &mut scratch);
    match (&ours, w.valid) {
        (Ok(claims), true) => {
            assert_eq!(claims.sub().map(|s| s.eq_str("user-1234")), Some(true));
        }
        (Err(jwt::Error::BadSignature), false) => {}
        (other, _) => panic!("{}: apiward gave {other:?}", w.id),
    }
    let peer = jsonwebtoken::decode::<PeerClaims>(&w.token_real_time, &w.decoding_key, &w.validation());
    match (&peer, w.valid) {
        (Ok(data), true) => assert_eq!(data.claims.sub, "user-1234"),
        (Err(e), false) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::InvalidSignature) => {}
        (other, _) => panic!("{}: jsonwebtoken gave {other:?}", w.id),
    }
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Unpadded base64url encoding.
pub fn b64url_encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(B64URL[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Unpadded base64url decoding (fixtures only: panics on bad input).
pub fn b64url_decode(input: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    for c in input.bytes() {
        let v = B64URL.iter().position(|x| *x == c).expect("base64url");
        bits = bits << 6 | v as u32;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_match_the_shared_workload_bytes() {
        assert_eq!(
            claims_now(),
            r#"{"sub":"user-1234","iss":"https://auth.example.com/","aud":"api://orders","iat":1800000000,"nbf":1800000000,"exp":1800000900,"scope":"orders:read orders:write","jti":"6f1c2a4e-8a7b-4c0d-9e2f-3b5a7c9d1e0f"}"#
        );
        assert_eq!(claims_now().len(), claims_real_time().len());
    }

    #[test]
    fn every_verifier_agrees_on_every_workload() {
        for w in all() {
            self_check(&w);
        }
    }

    #[test]
    fn base64url_round_trips() {
        for n in 0..10 {
            let data: Vec<u8> = (0..n).map(|i: u8| i.wrapping_mul(37).wrapping_add(5)).collect();
            assert_eq!(b64url_decode(&b64url_encode(&data)), data);
        }
    }
}
