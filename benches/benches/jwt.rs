//! W1–W5 (`WORKLOADS.md`): apiward's full verify against jsonwebtoken and the raw signature
//! primitives, in one run. Groups are named `<backend>/<workload>` so the RustCrypto and `ring`
//! runs keep separate criterion histories.

use std::hint::black_box;

use apiward::jwt::{self, Verifier};
use apiward_benches::{self as fx, PeerClaims, Workload};
use criterion::{criterion_group, criterion_main, Criterion};

type Group<'c> = criterion::BenchmarkGroup<'c, criterion::measurement::WallTime>;

fn bench_workload(c: &mut Criterion, w: &Workload, raw: fn(&mut Group<'_>, &[u8], &[u8])) {
    fx::self_check(w);
    let mut group = c.benchmark_group(format!("{}/{}", fx::BACKEND, w.id));

    // apiward: full verify (size, structure, header policy, key selection, signature, claims);
    // on success the claims view is ready and we read `sub` from it.
    let verifier = Verifier::new(&w.keys, w.policy());
    let mut scratch = vec![0u8; jwt::scratch_len(jwt::DEFAULT_MAX_TOKEN_BYTES)];
    let token = w.token.as_bytes();
    group.bench_function("apiward", |b| {
        b.iter(|| {
            let verdict = verifier.verify(black_box(token), black_box(fx::VERIFY_AT), &mut scratch);
            black_box(verdict.map(|claims| claims.sub().is_some()))
        })
    });

    // jsonwebtoken: decode into its typed claims with the same checks (real clock).
    let validation = w.validation();
    group.bench_function("jsonwebtoken", |b| {
        b.iter(|| {
            black_box(jsonwebtoken::decode::<PeerClaims>(black_box(&w.token_real_time), &w.decoding_key, &validation))
        })
    });

    // apiward's signature layer alone (`Key::verify_signature`): key binding checks + backend.
    let input = w.signing_input();
    let signature = w.signature();
    let key = &w.keys[0];
    group.bench_function("apiward_signature_layer", |b| {
        b.iter(|| black_box(key.verify_signature(w.alg, black_box(input), black_box(&signature))))
    });

    raw(&mut group, input, &signature);
    group.finish();
}

fn raw_hmac(group: &mut Group<'_>, input: &[u8], signature: &[u8]) {
    use hmac::{Hmac, Mac};
    group.bench_function("raw_hmac_sha256", |b| {
        b.iter(|| {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&fx::HMAC_SECRET).expect("any key length");
            mac.update(black_box(input));
            black_box(mac.verify_slice(black_box(signature)).is_ok())
        })
    });
}

fn raw_p256(group: &mut Group<'_>, input: &[u8], signature: &[u8]) {
    use p256::ecdsa::signature::Verifier as _;
    let point = fx::p256_public_sec1();
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).expect("P-256 key");
    group.bench_function("raw_p256_rustcrypto", |b| {
        b.iter(|| {
            let ok = p256::ecdsa::Signature::from_slice(black_box(signature))
                .is_ok_and(|sig| vk.verify(black_box(input), &sig).is_ok());
            black_box(ok)
        })
    });
    group.bench_function("raw_p256_ring", |b| {
        b.iter(|| {
            let key = ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, &point);
            black_box(key.verify(black_box(input), black_box(signature)).is_ok())
        })
    });
}

fn raw_rsa(group: &mut Group<'_>, input: &[u8], signature: &[u8]) {
    use rsa::signature::Verifier as _;
    let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(fx::rsa_public());
    group.bench_function("raw_rsa_crate", |b| {
        b.iter(|| {
            let ok = rsa::pkcs1v15::Signature::try_from(black_box(signature))
                .is_ok_and(|sig| vk.verify(black_box(input), &sig).is_ok());
            black_box(ok)
        })
    });
    let (n, e) = fx::rsa_public_components();
    group.bench_function("raw_rsa_ring", |b| {
        b.iter(|| {
            let key = ring::signature::RsaPublicKeyComponents { n: &n, e: &e };
            black_box(
                key.verify(&ring::signature::RSA_PKCS1_2048_8192_SHA256, black_box(input), black_box(signature))
                    .is_ok(),
            )
        })
    });
}

fn raw_ed25519(group: &mut Group<'_>, input: &[u8], signature: &[u8]) {
    let vk = ed25519_dalek::VerifyingKey::from_bytes(&fx::ed25519_public()).expect("Ed25519 key");
    group.bench_function("raw_ed25519_dalek", |b| {
        b.iter(|| {
            let ok = <&[u8; 64]>::try_from(black_box(signature)).is_ok_and(|bytes| {
                let sig = ed25519_dalek::Signature::from_bytes(bytes);
                vk.verify_strict(black_box(input), &sig).is_ok()
            });
            black_box(ok)
        })
    });
}

fn jwt_workloads(c: &mut Criterion) {
    bench_workload(c, &fx::w1_hs256(), raw_hmac);
    bench_workload(c, &fx::w2_es256(), raw_p256);
    bench_workload(c, &fx::w3_rs256(), raw_rsa);
    bench_workload(c, &fx::w4_eddsa(), raw_ed25519);
    bench_workload(c, &fx::w5_reject(), raw_hmac);
}

criterion_group!(benches, jwt_workloads);
criterion_main!(benches);
