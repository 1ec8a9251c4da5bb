//! Paired ratios for the goals, robust to a noisy shared machine: apiward and its comparator are
//! timed in alternating short batches, and the median of the per-batch ratios is reported (load
//! that drifts during the run hits both sides of each pair alike). Prints a table.
//! Alone: `cargo bench -p apiward-benches --bench paired [--features ring]`.

use std::hint::black_box;

use apiward::jwt::{self, Verifier};
use apiward_benches::timing::{paired, BATCH_TIME, PAIRS};
use apiward_benches::{self as fx, PeerClaims, Workload};

/// Calls of each side that size the batches: these workloads take microseconds, a few suffice.
const SIZING_CALLS: u64 = 10;

fn fmt(ns: f64) -> String {
    if ns >= 1000.0 {
        format!("{:.2} µs", ns / 1000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

fn row(w: &Workload, raw_name: &str, raw: &mut dyn FnMut()) {
    fx::self_check(w);
    let verifier = Verifier::new(&w.keys, w.policy());
    let mut scratch = vec![0u8; jwt::scratch_len(jwt::DEFAULT_MAX_TOKEN_BYTES)];
    let mut ours = || {
        let verdict = verifier.verify(black_box(w.token.as_bytes()), fx::VERIFY_AT, &mut scratch);
        black_box(verdict.map(|claims| claims.sub().is_some())).ok();
    };
    let validation = w.validation();
    let mut peer = || {
        black_box(jsonwebtoken::decode::<PeerClaims>(black_box(&w.token_real_time), &w.decoding_key, &validation)).ok();
    };
    // Both ratios are a / b: apiward / raw, then jsonwebtoken / apiward.
    let ours_raw = paired(SIZING_CALLS, &mut ours, raw);
    let peer_ours = paired(SIZING_CALLS, &mut peer, &mut ours);
    let (t_ours, t_peer, t_raw) = (ours_raw.a_ns, peer_ours.a_ns, ours_raw.b_ns);
    let (vs_raw, vs_peer) = (ours_raw.a_over_b(), peer_ours.a_over_b());
    println!(
        "| {} | {} | {} | {} | {} {} | {vs_peer:.2}× | {vs_raw:.2}× |",
        fx::BACKEND,
        w.id,
        fmt(t_ours),
        fmt(t_peer),
        raw_name,
        fmt(t_raw)
    );
}

fn main() {
    let ring = cfg!(feature = "ring");
    println!("paired medians ({PAIRS} alternating batches of ~{BATCH_TIME:?} per side)\n");
    println!("| backend | workload | apiward | jsonwebtoken | raw primitive (backend in use) | jsonwebtoken / apiward | apiward / raw |");
    println!("|---|---|---:|---:|---|---:|---:|");

    for w in [fx::w1_hs256(), fx::w5_reject()] {
        use hmac::{Hmac, Mac};
        let (input, signature) = (w.signing_input().to_vec(), w.signature());
        row(&w, "hmac-sha256", &mut || {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&fx::HMAC_SECRET).expect("any key length");
            mac.update(black_box(&input));
            black_box(mac.verify_slice(black_box(&signature)).is_ok());
        });
    }

    let w = fx::w2_es256();
    let (input, signature, point) = (w.signing_input().to_vec(), w.signature(), fx::p256_public_sec1());
    if ring {
        row(&w, "ring ECDSA_P256_SHA256_FIXED", &mut || {
            let key = ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, &point);
            black_box(key.verify(black_box(&input), black_box(&signature)).is_ok());
        });
    } else {
        use p256::ecdsa::signature::Verifier as _;
        let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).expect("P-256 key");
        row(&w, "p256 VerifyingKey::verify", &mut || {
            let sig = p256::ecdsa::Signature::from_slice(black_box(&signature)).expect("signature");
            black_box(vk.verify(black_box(&input), &sig).is_ok());
        });
    }

    let w = fx::w3_rs256();
    let (input, signature) = (w.signing_input().to_vec(), w.signature());
    if ring {
        let (n, e) = fx::rsa_public_components();
        row(&w, "ring RSA_PKCS1_2048_8192_SHA256", &mut || {
            let key = ring::signature::RsaPublicKeyComponents { n: &n, e: &e };
            black_box(key.verify(&ring::signature::RSA_PKCS1_2048_8192_SHA256, black_box(&input), &signature).is_ok());
        });
    } else {
        use rsa::signature::Verifier as _;
        let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(fx::rsa_public());
        row(&w, "rsa crate pkcs1v15", &mut || {
            let sig = rsa::pkcs1v15::Signature::try_from(black_box(signature.as_slice())).expect("signature");
            black_box(vk.verify(black_box(&input), &sig).is_ok());
        });
    }

    let w = fx::w4_eddsa();
    let (input, signature) = (w.signing_input().to_vec(), w.signature());
    let vk = ed25519_dalek::VerifyingKey::from_bytes(&fx::ed25519_public()).expect("Ed25519 key");
    row(&w, "ed25519-dalek verify_strict", &mut || {
        let sig = ed25519_dalek::Signature::from_slice(black_box(&signature)).expect("signature");
        black_box(vk.verify_strict(black_box(&input), &sig).is_ok());
    });
}
