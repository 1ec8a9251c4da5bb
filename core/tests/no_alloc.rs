//! Proves the core allocates nothing: a counting `#[global_allocator]` (stats_alloc) wraps the system allocator
//! and every verification (accepting and rejecting, every algorithm family), key import and
//! signing call is run between two reads of the counter.

use std::alloc::System;

use apiward::jwt::{self, Algorithm, AlgorithmSet, Key, KeySet, Policy, SigningKey};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Runs `f` and returns how many allocations it made (the test harness is single-threaded here:
/// everything runs inside one test function).
fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let region = Region::new(GLOBAL);
    let r = f();
    (r, region.change().allocations)
}

const CLAIMS: &[u8] = br#"{"sub":"user-1234","iss":"https://auth.example.com/","aud":"api://orders","iat":1800000000,"nbf":1800000000,"exp":1800000900,"scope":"orders:read orders:write","jti":"6f1c2a4e-8a7b-4c0d-9e2f-3b5a7c9d1e0f"}"#;
const NOW: i64 = 1_800_000_060;

/// Runs without the libtest harness (`harness = false`): the harness's own threads allocate, and
/// the counter is process-wide, so only a single-threaded `main` gives exact counts.
fn main() {
    core_operations_allocate_nothing();
    limiter_operations_allocate_nothing();
    validation_allocates_nothing();
    println!("no_alloc: 3 passed, 0 failed");
}

fn core_operations_allocate_nothing() {
    let secret: Vec<u8> = (0u8..32).collect();
    let signing = [
        (Algorithm::HS256, SigningKey::hmac(&secret).unwrap(), "hs"),
        (Algorithm::ES256, SigningKey::es256(&[7; 32]).unwrap(), "es"),
        (Algorithm::EdDSA, SigningKey::ed25519(&[9; 32]).unwrap(), "ed"),
    ];
    let mut tokens = Vec::new();
    let mut keys = Vec::new();
    for (alg, sk, kid) in &signing {
        let mut out = [0u8; 1024];
        let (token, n) = allocations(|| jwt::sign(*alg, sk, CLAIMS, Some(kid), &mut out).map(str::to_owned));
        let token = token.unwrap();
        assert_eq!(n, 1, "sign allocates nothing (the one allocation is the test's own to_owned)");
        tokens.push(token);
        keys.push(sk.public_key().unwrap().with_kid(kid).unwrap());
    }
    #[cfg(feature = "rsa")]
    {
        // A 2048-bit RSA key and an RS256 token from the shared vectors.
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/vectors/jwt/rfc_examples.json")).unwrap();
        let case = doc["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["policy"]["algorithms"][0] == "RS256" && c["expect"]["valid"] == true)
            .expect("an RS256 example");
        let jwk = serde_json::to_string(&case["keys"]).unwrap();
        let (set, n) = allocations(|| KeySet::<2>::from_jwks(jwk.as_bytes()));
        assert_eq!(n, 0, "JWKS import allocates nothing");
        let set = set.unwrap();
        let token = case["token"].as_str().unwrap();
        let now = case["now"].as_i64().unwrap();
        let policy = Policy::new(AlgorithmSet::only(Algorithm::RS256));
        let mut scratch = [0u8; 4096];
        let (r, n) = allocations(|| jwt::verify(token.as_bytes(), set.as_slice(), &policy, now, &mut scratch).is_ok());
        assert!(r);
        // The hosted `ring` backend allocates inside ring's RSA code (a documented trade of the
        // hosted fast path); the default RustCrypto backend, the one firmware uses, allocates nothing.
        if cfg!(feature = "ring") {
            println!("RS256 verify on the ring backend: {n} allocations (hosted only)");
        } else {
            assert_eq!(n, 0, "RS256 verify allocates nothing");
        }
    }
    let policy = Policy::new(AlgorithmSet::from_slice(&[Algorithm::HS256, Algorithm::ES256, Algorithm::EdDSA]))
        .issuers(&["https://auth.example.com/"])
        .audiences(&["api://orders"])
        .leeway(30);
    let mut scratch = [0u8; jwt::scratch_len(jwt::DEFAULT_MAX_TOKEN_BYTES)];
    for token in &tokens {
        let (ok, n) = allocations(|| jwt::verify(token.as_bytes(), &keys, &policy, NOW, &mut scratch).is_ok());
        assert!(ok);
        assert_eq!(n, 0, "verify allocates nothing");
        let mut bad = token.clone().into_bytes();
        let last = bad.len() - 2;
        bad[last] ^= 0x01;
        let (r, n) = allocations(|| jwt::verify(&bad, &keys, &policy, NOW, &mut scratch).map(|_| ()));
        assert!(r.is_err());
        assert_eq!(n, 0, "rejection allocates nothing: {token} {r:?}");
        let (r, n) =
            allocations(|| jwt::verify(token.as_bytes(), &keys, &policy, NOW + 10_000, &mut scratch).map(|_| ()));
        assert_eq!(r.unwrap_err(), jwt::Error::Expired);
        assert_eq!(n, 0);
    }
    let jwks = br#"{"keys":[{"kty":"oct","kid":"a","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"},{"kty":"OKP","crv":"X25519","x":"AAAA"}]}"#;
    let (set, n) = allocations(|| KeySet::<4>::from_jwks(jwks));
    assert_eq!(set.unwrap().len(), 2);
    assert_eq!(n, 0, "JWKS import allocates nothing");
    let (k, n) = allocations(|| Key::hmac(&[1; 16]).map(|_| ()));
    assert_eq!(k.unwrap_err(), jwt::Error::WeakKey);
    assert_eq!(n, 0);
}

fn limiter_operations_allocate_nothing() {
    use apiward::limit::{self, client_ip, Limiter, Quota};
    let mut by_ip = Box::new(Limiter::<4096>::new(Quota::READ, [7; 16]));
    let mut by_user = Box::new(Limiter::<1024>::new(Quota::LOGIN, [9; 16]));
    let peer: std::net::IpAddr = "10.0.0.2".parse().unwrap();
    let cidrs = [client_ip::Cidr::parse(b"10.0.0.0/8").unwrap()];
    let trust = client_ip::TrustedProxies::Cidrs { cidrs: &cidrs, header: client_ip::ChainHeader::XForwardedFor };
    let xff: [&[u8]; 1] = [b"198.51.100.7, 10.0.0.9"];
    let (n, count) = allocations(|| {
        let mut allowed = 0u32;
        for i in 0..10_000u64 {
            let ip = client_ip::resolve_client_ip(peer, &xff, &[], &trust);
            let mut key = [0u8; client_ip::CLIENT_KEY_LEN];
            let ip_key = client_ip::client_key(ip, client_ip::DEFAULT_V6_PREFIX, &mut key);
            let user = [u8::try_from(i % 251).unwrap_or(0)];
            let now = i * 1_000_000;
            let d = by_ip.check(ip_key, now, 1);
            let mut checks: [(&mut dyn limit::KeyedCheck, &[u8], u32); 2] =
                [(&mut *by_ip, ip_key, 1), (&mut *by_user, &user, 1)];
            let (_, both) = limit::check_all(&mut checks, now).unwrap();
            let mut buf = [0u8; 64];
            let _ = limit::retry_after(&mut buf, &both);
            allowed += u32::from(d.allowed);
        }
        allowed
    });
    assert!(n > 0);
    assert_eq!(count, 0, "limiter checks, check_all, headers and client-IP resolution allocate nothing");
}

fn validation_allocates_nothing() {
    use apiward::validate::{self, Capacity, Limits, Literal, Node, Program, Property, Storage};
    let schema_text: &[u8] = br#"{"type":"object","properties":{"email":{"type":"string","format":"email"},
        "username":{"type":"string","minLength":3,"maxLength":32,"pattern":"^[a-zA-Z0-9_]+$"},
        "age":{"type":"integer","minimum":13,"maximum":120},
        "tags":{"type":"array","items":{"enum":["a","b","c"]},"uniqueItems":true},
        "nick":{"anyOf":[{"type":"string"},{"type":"null"}]}},"required":["email","username","age"]}"#;
    // The caller's buffers are allocated up front (a binding keeps them with the schema); compiling
    // into them and validating allocate nothing more.
    let cap = Capacity::for_document(schema_text);
    let mut nodes = vec![Node::Never; cap.nodes];
    let mut properties = vec![Property::optional("", 0); cap.properties];
    let mut ids = vec![0u16; cap.ids];
    let mut literals = vec![Literal::Null; cap.literals];
    let mut text = vec![0u8; cap.text];
    let mut programs = vec![Program::EMPTY; cap.programs];
    let (schema, n) = allocations(|| {
        let storage = Storage {
            nodes: &mut nodes,
            properties: &mut properties,
            ids: &mut ids,
            literals: &mut literals,
            text: &mut text,
            programs: &mut programs,
        };
        validate::compile(schema_text, storage).map_err(|e| e.code)
    });
    let schema = schema.unwrap();
    assert_eq!(n, 0, "compiling a schema into caller storage allocates nothing");
    let bodies: [&[u8]; 4] = [
        br#"{"email":"ada@example.com","username":"ada_lovelace","age":36,"tags":["a","b"],"nick":null}"#,
        br#"{"email":"ada@example.com","username":"ada_lovelace","age":9999,"is_admin":true}"#,
        br#"{"email":"x","username":"a b","age":1.5,"tags":["a","a"],"nick":3}"#,
        br#"{"email":"#,
    ];
    let (results, n) = allocations(|| {
        let mut found = [0usize; 4];
        for (slot, body) in found.iter_mut().zip(bodies) {
            let mut errors = [validate::Error::default(); 8];
            *slot = validate::validate_all(&schema, body, &Limits::DEFAULT, &mut errors).err().unwrap_or(0);
            let _ = validate::validate(&schema, body, &Limits::DEFAULT);
            let mut projected = [0u8; 256];
            let _ = validate::project(&schema, body, 32, &mut projected);
        }
        found
    });
    assert_eq!(results, [0, 2, 5, 1]);
    assert_eq!(n, 0, "validation (accepting and rejecting) and projection allocate nothing");
}
