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
    println!("no_alloc: 1 passed, 0 failed");
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
