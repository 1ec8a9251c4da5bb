//! Fuzzes `apiward::jwt::verify`: it must never panic, and a token apiward signed itself must
//! always be structurally valid and verify with the key that signed it.
//!
//! Input layout: the first byte picks the mode, the rest is the payload.
//! - `S`: payload is claims JSON, signed HS256 (kid `hs-1`), verified under the strict policy.
//! - `H` / `E` / `D`: payload is claims JSON, signed HS256 / ES256 / EdDSA (no kid), verified under a
//!   lax policy (no required claims, issuer or audience): a signed token must never fail before the claims step.
//! - `K`: payload is `[n][n bytes of kid][claims JSON]`: signed HS256 with that kid, verified against one
//!   HMAC key without a kid (which takes any kid) under the lax policy; the header must carry the kid.
//! - `L`: payload is a token, verified against one HMAC key without a kid under the lax policy.
//! - anything else: payload is a token, verified against the fixed key set under the strict policy.
//!
//! `APIWARD_FUZZ_DEBUG=1 cargo +nightly fuzz run verify_token FILE` prints each verdict (for triage
//! and for checking that the seeds reach the signature and claims checks).
#![no_main]

use std::sync::LazyLock;

use apiward::jwt::{self, Algorithm, AlgorithmSet, ClaimSet, Error, Key, Policy, SigningKey};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const NOW: i64 = 1_700_000_000;
const HS_SECRET: &[u8; 32] = b"apiward-fuzz-hs256-secret-32byte";
const ES_SCALAR: [u8; 32] = [
    0xc9, 0xaf, 0xa9, 0xd8, 0x45, 0xba, 0x75, 0x16, 0x6b, 0x5c, 0x21, 0x57, 0x67, 0xb1, 0xd6, 0x93,
    0x4e, 0x50, 0xc3, 0xdb, 0x36, 0xe8, 0x9b, 0x12, 0x7b, 0x8a, 0x62, 0x2b, 0x12, 0x0f, 0x67, 0x21,
];
const ED_SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];
const ISSUERS: &[&str] = &["https://issuer.example"];
const AUDIENCES: &[&str] = &["api://orders", "api://billing"];
const ALGS: AlgorithmSet =
    AlgorithmSet::from_slice(&[Algorithm::HS256, Algorithm::ES256, Algorithm::EdDSA, Algorithm::Ed25519]);

struct Fixture {
    hs: SigningKey,
    es: SigningKey,
    ed: SigningKey,
    keys: Vec<Key>,
    lone: Vec<Key>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let hs = SigningKey::hmac(HS_SECRET).unwrap();
    let es = SigningKey::es256(&ES_SCALAR).unwrap();
    let ed = SigningKey::ed25519(&ED_SEED).unwrap();
    let keys = vec![
        hs.public_key().unwrap().with_kid("hs-1").unwrap(),
        es.public_key().unwrap().with_kid("es-1").unwrap(),
        ed.public_key().unwrap().with_kid("ed-1").unwrap(),
    ];
    let lone = vec![Key::hmac(HS_SECRET).unwrap()];
    Fixture { hs, es, ed, keys, lone }
});

static DEBUG: LazyLock<bool> = LazyLock::new(|| std::env::var_os("APIWARD_FUZZ_DEBUG").is_some());

fn strict() -> Policy<'static> {
    Policy::new(ALGS).issuers(ISSUERS).audiences(AUDIENCES).leeway(30)
}

/// No required claims (not even `exp`), no issuer, no audience (so a token without `aud` verifies).
fn lax() -> Policy<'static> {
    Policy::new(ALGS).require(ClaimSet::EMPTY).allow_missing_exp()
}

/// Verifies and, on success, checks what the claims view promises.
fn check_verified<'s>(token: &[u8], keys: &[Key], policy: &Policy<'_>, scratch: &'s mut [u8]) -> Result<jwt::Claims<'s>, Error> {
    let result = jwt::verify(token, keys, policy, NOW, scratch);
    if *DEBUG {
        eprintln!("verify: {:?}", result.as_ref().map(|c| c.json()));
    }
    if let Ok(claims) = &result {
        assert!(policy.algorithms().contains(claims.header().alg()), "verified an alg outside the policy");
        assert!(token.len() <= policy.max_token_len());
        let json = claims.json();
        let reparsed = apiward::json::parse(json.as_bytes(), 64).expect("verified claims re-parse");
        common::walk(reparsed, 0);
        common::walk(claims.value(), 0);
        let _ = claims.header().json();
        let _ = claims.header().kid().map(|k| k.chars().count());
        let _ = claims.header().typ().map(|t| t.chars().count());
        let _ = (claims.iss(), claims.sub(), claims.jti(), claims.nbf(), claims.iat());
        let _ = claims.aud().count();
        if let Some(exp) = claims.exp() {
            assert!(exp.seconds() >= NOW - 32, "expired token accepted");
        }
        let _ = claims.get("exp");
    }
    result
}

fn sign_then_verify(alg: Algorithm, key: &SigningKey, kid: Option<&str>, claims: &[u8], policy: &Policy<'_>) {
    sign_then_verify_with(&FIXTURE.keys, alg, key, kid, claims, policy);
}

fn sign_then_verify_with(
    keys: &[Key],
    alg: Algorithm,
    key: &SigningKey,
    kid: Option<&str>,
    claims: &[u8],
    policy: &Policy<'_>,
) {
    let mut out = vec![0u8; 16 * 1024];
    let token = match jwt::sign(alg, key, claims, kid, &mut out) {
        Ok(token) => token,
        Err(e) => {
            if *DEBUG {
                eprintln!("sign: {e:?}");
            }
            return;
        }
    };
    let token = token.as_bytes().to_vec();
    let mut scratch = vec![0u8; jwt::scratch_len(jwt::DEFAULT_MAX_TOKEN_BYTES)];
    let result = check_verified(&token, keys, policy, &mut scratch);
    match result {
        Ok(verified) => {
            match (kid, verified.header().kid()) {
                (None, None) => {}
                (Some(ours), Some(theirs)) => assert!(theirs.eq_str(ours), "kid changed: {ours:?} -> {:?}", theirs.raw()),
                (ours, theirs) => panic!("kid {ours:?} came back as {:?}", theirs.map(|k| k.raw())),
            }
            assert_eq!(
                verified.json().as_bytes(),
                common::trim_json_ws(claims),
                "verified claims differ from the signed claims"
            );
        }
        Err(Error::TokenTooLarge) => assert!(token.len() > policy.max_token_len(), "small signed token too large"),
        // Structure, header policy, key selection and signature must all pass for our own token.
        Err(
            e @ (Error::Malformed
            | Error::DuplicateMember
            | Error::AlgNotAllowed
            | Error::UnknownKid
            | Error::AmbiguousKey
            | Error::KeyAlgMismatch
            | Error::BadSignature
            | Error::TypMismatch
            | Error::UnsupportedCrit
            | Error::NestedJwt
            | Error::BufferTooSmall
            | Error::WeakKey
            | Error::InvalidKey),
        ) => panic!("token signed by apiward rejected with {e:?}: {}", String::from_utf8_lossy(&token)),
        // Claim checks may legitimately fail for arbitrary claims.
        Err(_) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let fx = &*FIXTURE;
    let Some((&mode, rest)) = data.split_first() else {
        let mut scratch = [0u8; 16];
        let _ = jwt::verify(data, &fx.keys, &strict(), NOW, &mut scratch);
        return;
    };
    match mode {
        b'S' => sign_then_verify(Algorithm::HS256, &fx.hs, Some("hs-1"), rest, &strict()),
        b'H' => sign_then_verify(Algorithm::HS256, &fx.hs, None, rest, &lax()),
        b'E' => sign_then_verify(Algorithm::ES256, &fx.es, None, rest, &lax()),
        b'D' => sign_then_verify(Algorithm::EdDSA, &fx.ed, None, rest, &lax()),
        b'K' => {
            let Some((&n, rest)) = rest.split_first() else { return };
            let n = usize::from(n).min(rest.len());
            let (kid, claims) = rest.split_at(n);
            let Ok(kid) = std::str::from_utf8(kid) else { return };
            sign_then_verify_with(&fx.lone, Algorithm::HS256, &fx.hs, Some(kid), claims, &lax());
        }
        b'L' => {
            let mut scratch = vec![0u8; jwt::scratch_len(jwt::DEFAULT_MAX_TOKEN_BYTES)];
            let _ = check_verified(rest, &fx.lone, &lax(), &mut scratch);
        }
        _ => {
            let mut scratch = vec![0u8; jwt::scratch_len(jwt::DEFAULT_MAX_TOKEN_BYTES)];
            let _ = check_verified(rest, &fx.keys, &strict(), &mut scratch);
            // A scratch buffer that is too small must be an error, never a panic.
            let mut small = vec![0u8; usize::from(mode) % 64];
            let _ = jwt::verify(rest, &fx.keys, &strict(), NOW, &mut small);
        }
    }
});
