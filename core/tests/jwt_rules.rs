//! Rule tests of the JWT layer that are about the Rust API itself (constructors, signing, buffers,
//! error vocabulary). The verdict rules on tokens are data in `tests/vectors/jwt/` (see
//! `jwt_vectors.rs`); these tests cover what the vectors cannot express.

use apiward::jwt::{
    self, Algorithm, AlgorithmSet, Claim, ClaimSet, Error, Key, KeySet, Policy, SigningKey, DEFAULT_MAX_TOKEN_BYTES,
};

const CLAIMS: &[u8] = br#"{"sub":"user-1234","iss":"https://auth.example.com/","aud":"api://orders","iat":1800000000,"nbf":1800000000,"exp":1800000900}"#;
const NOW: i64 = 1_800_000_060;

fn secret() -> Vec<u8> {
    (0u8..32).collect()
}

fn hs256_token(claims: &[u8], kid: Option<&str>) -> String {
    let mut out = [0u8; 4096];
    jwt::sign(Algorithm::HS256, &SigningKey::hmac(&secret()).unwrap(), claims, kid, &mut out).unwrap().to_owned()
}

fn policy() -> Policy<'static> {
    Policy::new(AlgorithmSet::only(Algorithm::HS256)).audiences(&["api://orders"])
}

fn check(token: &[u8], keys: &[Key], policy: &Policy<'_>, now: i64) -> Result<String, Error> {
    let mut scratch = vec![0u8; jwt::scratch_len(policy.max_token_len())];
    jwt::verify(token, keys, policy, now, &mut scratch).map(|c| c.json().to_owned())
}

#[test]
fn error_codes_are_unique_snake_case_and_round_trip() {
    let mut seen = std::collections::HashSet::new();
    for e in Error::ALL {
        let code = e.code();
        assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
        assert!(seen.insert(code), "duplicate code {code}");
        assert_eq!(Error::from_code(code), Some(e));
        assert!(!e.message().is_empty());
        assert_eq!(e.to_string(), e.message());
    }
    assert_eq!(Error::from_code("nope"), None);
}

#[test]
fn none_cannot_be_named_or_allowed() {
    for name in ["none", "None", "NONE", "nOnE", "", "hs256", "HS256 ", "ES256K", "RSA-OAEP"] {
        assert_eq!(Algorithm::from_name(name), None, "{name}");
    }
    for alg in Algorithm::ALL {
        assert_eq!(Algorithm::from_name(alg.name()), Some(alg));
        assert_eq!(alg.to_string(), alg.name());
    }
    let set = AlgorithmSet::from_slice(&[Algorithm::HS256, Algorithm::EdDSA]);
    assert!(set.contains(Algorithm::EdDSA) && !set.contains(Algorithm::Ed25519));
    assert_eq!(set.find("EdDSA"), Some(Algorithm::EdDSA));
    assert_eq!(set.find("Ed25519"), None);
    assert_eq!(set.iter().count(), 2);
    assert!(AlgorithmSet::EMPTY.is_empty());
}

#[test]
fn empty_allow_list_accepts_nothing() {
    let token = hs256_token(CLAIMS, None);
    let keys = [Key::hmac(&secret()).unwrap()];
    let none = Policy::new(AlgorithmSet::EMPTY).audiences(&["api://orders"]);
    assert_eq!(check(token.as_bytes(), &keys, &none, NOW), Err(Error::AlgNotAllowed));
    assert!(check(token.as_bytes(), &keys, &policy(), NOW).is_ok());
}

#[test]
fn policy_defaults_are_strict() {
    let p = Policy::new(AlgorithmSet::only(Algorithm::HS256));
    assert_eq!(p.max_token_len(), DEFAULT_MAX_TOKEN_BYTES);
    let req = p.required_claims();
    assert!(req.contains(Claim::Exp) && !req.contains(Claim::Iss) && !req.contains(Claim::Aud));
    let req = p.issuers(&["x"]).audiences(&["y"]).max_age(10).required_claims();
    assert!(req.contains(Claim::Iss) && req.contains(Claim::Aud) && req.contains(Claim::Iat));
    let none = Policy::new(AlgorithmSet::only(Algorithm::HS256)).require(ClaimSet::EMPTY).required_claims();
    assert!(none.contains(Claim::Exp), "require() never drops exp");
    let none = Policy::new(AlgorithmSet::only(Algorithm::HS256)).allow_missing_exp().required_claims();
    assert!(Claim::ALL.iter().all(|c| !none.contains(*c)));
    for c in Claim::ALL {
        assert_eq!(Claim::from_name(c.name()), Some(c));
    }
    // Without an audience in the policy, a token carrying `aud` is refused (RFC 7519 §4.1.3).
    let token = hs256_token(CLAIMS, None);
    let keys = [Key::hmac(&secret()).unwrap()];
    let p = Policy::new(AlgorithmSet::only(Algorithm::HS256));
    assert_eq!(check(token.as_bytes(), &keys, &p, NOW), Err(Error::AudienceMismatch));
    // And `exp` is required.
    let token = hs256_token(br#"{"sub":"a"}"#, None);
    assert_eq!(check(token.as_bytes(), &keys, &p, NOW), Err(Error::MissingClaim));
    assert_eq!(check(token.as_bytes(), &keys, &p.require(ClaimSet::EMPTY), NOW), Err(Error::MissingClaim));
    assert!(check(token.as_bytes(), &keys, &p.allow_missing_exp(), NOW).is_ok());
}

#[test]
fn size_limit_is_checked_first_and_exactly() {
    let keys = [Key::hmac(&secret()).unwrap()];
    let garbage = vec![b'!'; DEFAULT_MAX_TOKEN_BYTES + 1];
    assert_eq!(check(&garbage, &keys, &policy(), NOW), Err(Error::TokenTooLarge));
    let token = hs256_token(CLAIMS, None);
    let exact = policy().max_token_bytes(token.len());
    assert!(check(token.as_bytes(), &keys, &exact, NOW).is_ok());
    let under = policy().max_token_bytes(token.len() - 1);
    assert_eq!(check(token.as_bytes(), &keys, &under, NOW), Err(Error::TokenTooLarge));
}

#[test]
fn scratch_too_small_is_an_error_not_a_panic() {
    let keys = [Key::hmac(&secret()).unwrap()];
    let token = hs256_token(CLAIMS, None);
    let mut tiny = [0u8; 16];
    assert_eq!(jwt::verify(token.as_bytes(), &keys, &policy(), NOW, &mut tiny).map(|_| ()), Err(Error::BufferTooSmall));
    let mut exact = vec![0u8; jwt::scratch_len(token.len())];
    assert!(jwt::verify(token.as_bytes(), &keys, &policy(), NOW, &mut exact).is_ok());
}

#[test]
fn claims_view_exposes_typed_and_raw_claims() {
    let claims = br#"{"sub":"user-1234","aud":["api://a","api://orders"],"exp":1800000900.5,"nbf":1800000000,"iat":1800000000,"jti":"j","iss":"i","scope":"orders:read","n":{"deep":[1,2]}}"#;
    let token = hs256_token(claims, Some("k1"));
    let keys = [Key::hmac(&secret()).unwrap().with_kid("k1").unwrap()];
    let mut scratch = [0u8; 2048];
    let c = jwt::verify(token.as_bytes(), &keys, &policy(), NOW, &mut scratch).unwrap();
    assert_eq!(c.json().as_bytes(), claims);
    assert!(c.sub().unwrap().eq_str("user-1234"));
    assert!(c.iss().unwrap().eq_str("i"));
    assert!(c.jti().unwrap().eq_str("j"));
    assert_eq!(c.aud().map(|a| a.raw()).collect::<Vec<_>>(), ["api://a", "api://orders"]);
    let exp = c.exp().unwrap();
    assert_eq!((exp.seconds(), exp.is_fractional()), (1_800_000_900, true));
    assert_eq!(c.nbf().unwrap().seconds(), 1_800_000_000);
    assert_eq!(c.iat().unwrap().seconds(), 1_800_000_000);
    assert_eq!(c.get("scope").unwrap().as_str().unwrap().raw(), "orders:read");
    assert_eq!(c.get("n").unwrap().get("deep").unwrap().raw(), "[1,2]");
    assert!(c.get("missing").is_none());
    assert_eq!(c.header().alg(), Algorithm::HS256);
    assert!(c.header().kid().unwrap().eq_str("k1"));
    assert!(c.header().typ().unwrap().eq_str("JWT"));
    assert!(c.header().json().contains("\"alg\":\"HS256\""));
    assert!(c.header().get("typ").is_some());
}

#[test]
fn key_constructors_enforce_strength() {
    assert_eq!(Key::hmac(&[0; 31]).unwrap_err(), Error::WeakKey);
    assert!(Key::hmac(&[0; 32]).is_ok());
    assert_eq!(Key::hmac(&[0; 257]).unwrap_err(), Error::InvalidKey);
    assert_eq!(SigningKey::hmac(&[0; 31]).unwrap_err(), Error::WeakKey);
    assert_eq!(Key::ed25519(&[0; 31]).unwrap_err(), Error::InvalidKey);
    // The identity point (small order) is weak.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(Key::ed25519(&identity).unwrap_err(), Error::WeakKey);
    assert_eq!(Key::p256(&[4; 65]).unwrap_err(), Error::InvalidKey);
    assert_eq!(Key::hmac(&[0; 32]).unwrap().with_kid(&"k".repeat(129)).unwrap_err(), Error::InvalidKey);
    assert!(Key::hmac(&[0; 32]).unwrap().with_kid(&"k".repeat(128)).is_ok());
    assert_eq!(SigningKey::es256(&[0; 32]).unwrap_err(), Error::InvalidKey);
    assert_eq!(SigningKey::ed25519(&[0; 31]).unwrap_err(), Error::InvalidKey);
}

#[test]
fn hmac_secret_must_cover_the_hash_size() {
    let key = Key::hmac(&[7; 48]).unwrap();
    assert_eq!(key.verify_signature(Algorithm::HS512, b"a.b", &[0; 64]), Err(Error::WeakKey));
    assert_eq!(key.verify_signature(Algorithm::HS384, b"a.b", &[0; 48]), Err(Error::BadSignature));
    assert_eq!(key.verify_signature(Algorithm::ES256, b"a.b", &[0; 64]), Err(Error::KeyAlgMismatch));
    let mut out = [0u8; 512];
    let sk = SigningKey::hmac(&[7; 48]).unwrap();
    assert_eq!(jwt::sign(Algorithm::HS512, &sk, CLAIMS, None, &mut out).unwrap_err(), Error::KeyAlgMismatch);
    assert!(jwt::sign(Algorithm::HS384, &sk, CLAIMS, None, &mut out).is_ok());
}

#[test]
fn jwk_restrictions_are_honoured() {
    let k = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    let jwk = |extra: &str| format!(r#"{{"kty":"oct","k":"{k}"{extra}}}"#);
    let sig = |key: &Key| key.verify_signature(Algorithm::HS256, b"x", &[0; 32]);
    assert_eq!(sig(&Key::from_jwk(jwk("").as_bytes()).unwrap()), Err(Error::BadSignature));
    for restricted in [r#","use":"enc""#, r#","key_ops":["sign"]"#, r#","alg":"HS384""#, r#","alg":"dir""#] {
        let key = Key::from_jwk(jwk(restricted).as_bytes()).unwrap();
        assert_eq!(sig(&key), Err(Error::KeyAlgMismatch), "{restricted}");
        assert!(!key.accepts(Algorithm::HS256));
    }
    for allowed in [r#","use":"sig""#, r#","key_ops":["sign","verify"]"#, r#","alg":"HS256""#] {
        assert_eq!(sig(&Key::from_jwk(jwk(allowed).as_bytes()).unwrap()), Err(Error::BadSignature), "{allowed}");
    }
    for invalid in [
        r#"{"k":"AAAA"}"#.to_owned(),
        r#"{"kty":1}"#.to_owned(),
        r#"[]"#.to_owned(),
        r#"{"kty":"oct"}"#.to_owned(),
        r#"{"kty":"oct","k":"AAAA="}"#.to_owned(),
        jwk(r#","key_ops":"verify""#),
        jwk(r#","key_ops":[1]"#),
        jwk(r#","kid":7"#),
        r#"{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}"#.to_owned(),
        r#"{"kty":"OKP","crv":"Ed25519"}"#.to_owned(),
        format!(r#"{{"kty":"oct","k":"{k}","k":"{k}"}}"#),
    ] {
        assert_eq!(Key::from_jwk(invalid.as_bytes()).unwrap_err(), Error::InvalidKey, "{invalid}");
    }
    // Member names are compared after unescaping, as everywhere else ("\u006b" is "k").
    let escaped = format!(r#"{{"\u006bty":"oct","\u006b":"{k}"}}"#);
    assert_eq!(sig(&Key::from_jwk(escaped.as_bytes()).unwrap()), Err(Error::BadSignature));
    // Unsupported key types are kept (selectable by kid) but accept nothing.
    let x25519 = Key::from_jwk(br#"{"kty":"OKP","crv":"X25519","kid":"e","x":"AAAA"}"#).unwrap();
    assert!(!x25519.is_supported() && x25519.kid() == Some("e"));
    let set = KeySet::<1>::from_jwks(format!(r#"{{"keys":[{},{}]}}"#, jwk(""), jwk("")).as_bytes());
    assert_eq!(set.unwrap_err(), Error::InvalidKey, "more keys than capacity");
    assert_eq!(KeySet::<1>::from_jwks(br#"{"keys":{}}"#).unwrap_err(), Error::InvalidKey);
    let mut set = KeySet::<1>::new();
    assert!(set.is_empty());
    set.push(Key::hmac(&secret()).unwrap()).unwrap();
    assert!(set.push(Key::hmac(&secret()).unwrap()).is_err(), "full set hands the key back");
}

#[test]
fn extend_from_jwks_fills_in_place_and_leaves_the_set_unchanged_on_error() {
    use base64::Engine as _;
    let k = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret());
    let jwk = |kid: &str| format!(r#"{{"kty":"oct","kid":"{kid}","k":"{k}"}}"#);
    let mut set = KeySet::<3>::new();
    set.extend_from_jwks(format!(r#"{{"keys":[{}]}}"#, jwk("a")).as_bytes()).unwrap();
    set.extend_from_jwks(jwk("b").as_bytes()).unwrap();
    assert_eq!(set.as_slice().iter().map(|k| k.kid().unwrap()).collect::<Vec<_>>(), ["a", "b"]);
    // Too many keys in all, or a malformed member: an error, and the set is as it was.
    let two = format!(r#"{{"keys":[{},{}]}}"#, jwk("c"), jwk("d"));
    assert_eq!(set.extend_from_jwks(two.as_bytes()), Err(Error::InvalidKey));
    let bad = format!(r#"{{"keys":[{},{{"kty":"oct"}}]}}"#, jwk("c"));
    assert_eq!(set.extend_from_jwks(bad.as_bytes()), Err(Error::InvalidKey));
    assert_eq!(set.len(), 2);
    // The same rules as from_jwks: a weak member is a placeholder, a weak single JWK an error.
    let weak = r#"{"kty":"oct","kid":"w","k":"AAAA"}"#;
    set.extend_from_jwks(format!(r#"{{"keys":[{weak}]}}"#).as_bytes()).unwrap();
    assert!(set.as_slice()[2].is_weak());
    set.clear();
    assert_eq!(set.extend_from_jwks(weak.as_bytes()), Err(Error::WeakKey));
    assert!(set.is_empty());
    let token = hs256_token(CLAIMS, Some("b"));
    set.extend_from_jwks(format!(r#"{{"keys":[{},{}]}}"#, jwk("a"), jwk("b")).as_bytes()).unwrap();
    assert!(check(token.as_bytes(), set.as_slice(), &policy(), NOW).is_ok());
}

#[test]
fn spki_and_pem_import() {
    // SubjectPublicKeyInfo prefixes for P-256 and Ed25519 (RFC 5480, RFC 8410).
    let es = SigningKey::es256(&[0x42; 32]).unwrap();
    let mut token_buf = [0u8; 1024];
    let token = jwt::sign(Algorithm::ES256, &es, CLAIMS, None, &mut token_buf).unwrap().to_owned();
    let sec1 = p256_point(&[0x42; 32]);
    let mut der = hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap();
    der.extend_from_slice(&sec1);
    let key = Key::from_spki_der(&der).unwrap();
    let p = Policy::new(AlgorithmSet::only(Algorithm::ES256)).audiences(&["api://orders"]);
    assert!(check(token.as_bytes(), &[key], &p, NOW).is_ok());
    let pem = pem_encode(&der);
    let key = Key::from_pem(pem.as_bytes()).unwrap();
    assert!(check(token.as_bytes(), &[key], &p, NOW).is_ok());
    assert_eq!(Key::from_pem(pem.replace("PUBLIC KEY", "PRIVATE KEY").as_bytes()).unwrap_err(), Error::InvalidKey);
    assert_eq!(Key::from_spki_der(&der[..der.len() - 1]).unwrap_err(), Error::InvalidKey);
    assert_eq!(Key::from_spki_der(b"").unwrap_err(), Error::InvalidKey);
    // Ed25519 (RFC 8410).
    let ed = SigningKey::ed25519(&[0x17; 32]).unwrap();
    let token = jwt::sign(Algorithm::EdDSA, &ed, CLAIMS, None, &mut token_buf).unwrap().to_owned();
    let mut der = hex::decode("302a300506032b6570032100").unwrap();
    der.extend_from_slice(&ed25519_public(&[0x17; 32]));
    let p = Policy::new(AlgorithmSet::only(Algorithm::EdDSA)).audiences(&["api://orders"]);
    assert!(check(token.as_bytes(), &[Key::from_spki_der(&der).unwrap()], &p, NOW).is_ok());
}

/// The uncompressed SEC1 point of a P-256 scalar, computed independently of apiward.
fn p256_point(scalar: &[u8; 32]) -> Vec<u8> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    let sk = p256::SecretKey::from_slice(scalar).unwrap();
    sk.public_key().to_encoded_point(false).as_bytes().to_vec()
}

fn ed25519_public(seed: &[u8; 32]) -> [u8; 32] {
    ed25519_dalek::SigningKey::from_bytes(seed).verifying_key().to_bytes()
}

fn pem_encode(der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", lines.join("\n"))
}

#[test]
fn rfc8037_ed25519_example_through_the_signature_layer() {
    // RFC 8037 Appendix A.1/A.4: its payload is not JSON, so only the signature layer applies.
    let x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    let key = Key::from_jwk(format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#).as_bytes()).unwrap();
    let input = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    let sig = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    use base64::Engine;
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(sig).unwrap();
    assert_eq!(key.verify_signature(Algorithm::EdDSA, input, &sig), Ok(()));
    assert_eq!(key.verify_signature(Algorithm::EdDSA, b"eyJhbGciOiJFZERTQSJ9.x", &sig), Err(Error::BadSignature));
    // The verifier itself refuses the example as a JWT: its payload is not a JSON object.
    let token = format!(
        "{}.{}",
        std::str::from_utf8(input).unwrap(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&sig)
    );
    let p = Policy::new(AlgorithmSet::only(Algorithm::EdDSA)).allow_missing_exp();
    assert_eq!(check(token.as_bytes(), &[key], &p, NOW), Err(Error::Malformed));
}

#[test]
fn signing_refuses_bad_input_and_escapes_kid() {
    let sk = SigningKey::hmac(&secret()).unwrap();
    let mut out = [0u8; 1024];
    for bad in [&b"[]"[..], b"{", b"{\"a\":1,\"a\":2}", b"\"x\"", b"{} {}"] {
        assert!(jwt::sign(Algorithm::HS256, &sk, bad, None, &mut out).is_err());
    }
    assert_eq!(
        jwt::sign(Algorithm::HS256, &sk, br#"{"a":1,"a":2}"#, None, &mut out).unwrap_err(),
        Error::DuplicateMember
    );
    let mut small = [0u8; 40];
    assert_eq!(jwt::sign(Algorithm::HS256, &sk, CLAIMS, None, &mut small).unwrap_err(), Error::BufferTooSmall);
    assert_eq!(jwt::sign(Algorithm::ES256, &sk, CLAIMS, None, &mut out).unwrap_err(), Error::KeyAlgMismatch);
    let kid = "we\"ird\\kid\n\u{1}é";
    let token = jwt::sign(Algorithm::HS256, &sk, CLAIMS, Some(kid), &mut out).unwrap().to_owned();
    let keys =
        [Key::hmac(&secret()).unwrap().with_kid(kid).unwrap(), Key::hmac(&[9; 32]).unwrap().with_kid("other").unwrap()];
    assert!(check(token.as_bytes(), &keys, &policy(), NOW).is_ok(), "escaped kid selects the key");
    assert_eq!(
        jwt::sign(Algorithm::HS256, &sk, CLAIMS, Some(&"k".repeat(129)), &mut out).unwrap_err(),
        Error::InvalidKey
    );
}

#[test]
fn verifier_wraps_keys_and_policy() {
    let keys = [Key::hmac(&secret()).unwrap()];
    let verifier = jwt::Verifier::new(&keys, policy().leeway(30));
    let token = hs256_token(CLAIMS, None);
    let mut scratch = [0u8; 1024];
    assert!(verifier.verify(token.as_bytes(), NOW, &mut scratch).is_ok());
    assert_eq!(verifier.verify(token.as_bytes(), 1_800_000_930, &mut scratch).map(|_| ()), Err(Error::Expired));
    assert!(verifier.verify(token.as_bytes(), 1_800_000_929, &mut scratch).is_ok());
    assert_eq!(verifier.policy().max_token_len(), DEFAULT_MAX_TOKEN_BYTES);
}
