//! Where W1 (HS256) time goes: apiward's verify pipeline taken apart into its sub-steps, each
//! timed alone on the W1 token with the public pieces apiward itself uses (base64ct, `json::parse`,
//! `Value::members`, `NumericDate::parse`, the HMAC), plus a non-constant-time base64 decoder for
//! comparison. The sum of the steps against the full verify shows what the glue costs.

use std::hint::black_box;

use apiward::json;
use apiward::jwt::{self, NumericDate, Verifier};
use apiward_benches as fx;
use base64::Engine as _;
use base64ct::{Base64UrlUnpadded, Encoding as _};
use criterion::{criterion_group, criterion_main, Criterion};

fn w1_steps(c: &mut Criterion) {
    let w = fx::w1_hs256();
    fx::self_check(&w);
    let token = w.token.clone();
    let mut parts = token.split('.');
    let (h64, p64, s64) =
        (parts.next().expect("header"), parts.next().expect("payload"), parts.next().expect("signature"));
    let header = fx::b64url_decode(h64);
    let payload = fx::b64url_decode(p64);
    let mut group = c.benchmark_group(format!("{}/W1-steps", fx::BACKEND));

    let verifier = Verifier::new(&w.keys, w.policy());
    let mut scratch = vec![0u8; jwt::scratch_len(jwt::DEFAULT_MAX_TOKEN_BYTES)];
    group.bench_function("0_full_verify", |b| {
        b.iter(|| {
            let verdict = verifier.verify(black_box(token.as_bytes()), fx::VERIFY_AT, &mut scratch);
            black_box(verdict.map(|claims| claims.sub().is_some()))
        })
    });

    let mut buf = [0u8; 1024];
    group.bench_function("1_base64ct_decode_3_segments", |b| {
        b.iter(|| {
            for seg in [h64, p64, s64] {
                black_box(Base64UrlUnpadded::decode(black_box(seg.as_bytes()), &mut buf).map(|d| d.len()).ok());
            }
        })
    });
    group.bench_function("1b_base64_crate_decode_3_segments", |b| {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        b.iter(|| {
            for seg in [h64, p64, s64] {
                black_box(engine.decode_slice(black_box(seg.as_bytes()), &mut buf).ok());
            }
        })
    });
    group.bench_function("2_json_parse_header", |b| {
        b.iter(|| black_box(json::parse(black_box(&header), jwt::MAX_JSON_DEPTH).is_ok()))
    });
    group.bench_function("3_json_parse_payload", |b| {
        b.iter(|| black_box(json::parse(black_box(&payload), jwt::MAX_JSON_DEPTH).is_ok()))
    });
    let value = json::parse(&payload, jwt::MAX_JSON_DEPTH).expect("payload");
    group.bench_function("4_payload_members_pass", |b| {
        b.iter(|| black_box(black_box(value).members().map(|m| m.count())))
    });
    group.bench_function("5_numeric_date_parse_x3", |b| {
        b.iter(|| {
            for text in ["1800000000", "1800000000", "1800000900"] {
                black_box(NumericDate::parse(black_box(text)));
            }
        })
    });
    group.bench_function("6_std_from_utf8_payload", |b| {
        b.iter(|| black_box(std::str::from_utf8(black_box(&payload)).is_ok()))
    });
    let input = w.signing_input();
    let signature = w.signature();
    group.bench_function("7_signature_layer_hmac", |b| {
        b.iter(|| black_box(w.keys[0].verify_signature(w.alg, black_box(input), black_box(&signature))))
    });
    group.finish();
}

criterion_group!(benches, w1_steps);
criterion_main!(benches);
