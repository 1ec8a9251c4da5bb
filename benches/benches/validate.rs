//! W7–W9 validate (WORKLOADS.md): a request body, end to end from its bytes, against a JSON Schema
//! compiled once up front. apiward's streaming `validate::validate` (one pass over the bytes, no value
//! built) against the usual Rust pipeline: `serde_json::from_slice::<Value>` followed by a compiled
//! `jsonschema::Validator` (`is_valid`; for W9 also `iter_errors`, every error collected). Prints a
//! paired table (median of alternating batches) before criterion runs.
//! Alone: `cargo bench -p apiward-benches --bench validate -- --warm-up-time 1 --measurement-time 3`.
//!
//! Both sides compile the same schema bytes (the "W7 create user" and "W8 order" schemas of
//! `tests/vectors/validate/cases.json`, draft 2020-12 semantics). jsonschema is built with
//! `should_validate_formats(true)`, so its `email`, `uuid` and `date-time` checks run as apiward's do
//! (in 2020-12 `format` is an annotation unless asked for). Bodies are the exact bytes of
//! `shared/workloads/`: W7 62 B, W8 1497 B (20 items), W9 80 B. Every verdict, and the W9 error
//! list, is asserted on both sides before anything is timed.

use std::hint::black_box;

use apiward::validate::{self, Capacity, Error, Limits, Literal, Node, Program, Property, Schema, Storage};
use apiward_benches::timing::{paired, Paired, BATCH_TIME, PAIRS};
use criterion::Criterion;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

/// Calls of each side that size the paired batches: a validation takes nanoseconds to microseconds.
const SIZING_CALLS: u64 = 1000;
/// Room for every W9 error (there are two) in `validate_all`.
const ERROR_SLOTS: usize = 8;

/// "W7 create user" of cases.json: `{email, username 3..32 ^[a-zA-Z0-9_]+$, age 13..120}`, closed.
const W7_SCHEMA: &str = concat!(
    r#"{"type":"object","properties":{"email":{"type":"string","format":"email"},"#,
    r#""username":{"type":"string","minLength":3,"maxLength":32,"pattern":"^[a-zA-Z0-9_]+$"},"#,
    r#""age":{"type":"integer","minimum":13,"maximum":120}},"#,
    r#""required":["email","username","age"],"additionalProperties":false}"#
);

/// "W8 order" of cases.json.
const W8_SCHEMA: &str = concat!(
    r#"{"type":"object","properties":{"order_id":{"type":"string","format":"uuid"},"#,
    r#""customer":{"type":"object","properties":{"email":{"type":"string","format":"email"},"#,
    r#""name":{"type":"string","minLength":1,"maxLength":64}},"required":["email","name"]},"#,
    r#""items":{"type":"array","items":{"type":"object","properties":{"#,
    r#""sku":{"type":"string","pattern":"^[A-Z0-9-]{4,16}$"},"#,
    r#""qty":{"type":"integer","minimum":1,"maximum":100},"#,
    r#""price_cents":{"type":"integer","minimum":0,"maximum":10000000}},"#,
    r#""required":["sku","qty","price_cents"]},"minItems":1,"maxItems":50},"#,
    r#""note":{"type":"string","maxLength":500},"created_at":{"type":"string","format":"date-time"}},"#,
    r#""required":["order_id","customer","items","created_at"]}"#
);

/// `shared/workloads/w7_small.json`.
const W7_BODY: &str = r#"{"email":"ada@example.com","username":"ada_lovelace","age":36}"#;

/// `shared/workloads/w9_reject.json`: W7 with `"age": 9999` and an extra `"is_admin": true`.
const W9_BODY: &str = r#"{"email":"ada@example.com","username":"ada_lovelace","age":9999,"is_admin":true}"#;

/// `shared/workloads/w8_order.json` (1497 bytes, 20 items).
const W8_BODY: &str = concat!(
    r#"{"order_id":"0b6f4a3e-2c1d-4e5f-8a9b-0c1d2e3f4a5b","#,
    r#""customer":{"email":"ada@example.com","name":"Ada Lovelace"},"items":["#,
    r#"{"sku":"SKU-0000-AX","qty":1,"price_cents":199},{"sku":"SKU-0001-BX","qty":8,"price_cents":104928},"#,
    r#"{"sku":"SKU-0002-CX","qty":15,"price_cents":209657},{"sku":"SKU-0003-DX","qty":22,"price_cents":314386},"#,
    r#"{"sku":"SKU-0004-EX","qty":29,"price_cents":419115},{"sku":"SKU-0005-FX","qty":36,"price_cents":523844},"#,
    r#"{"sku":"SKU-0006-GX","qty":43,"price_cents":628573},{"sku":"SKU-0007-HX","qty":50,"price_cents":733302},"#,
    r#"{"sku":"SKU-0008-IX","qty":57,"price_cents":838031},{"sku":"SKU-0009-JX","qty":64,"price_cents":942760},"#,
    r#"{"sku":"SKU-0010-KX","qty":71,"price_cents":1047489},{"sku":"SKU-0011-LX","qty":78,"price_cents":1152218},"#,
    r#"{"sku":"SKU-0012-MX","qty":85,"price_cents":1256947},{"sku":"SKU-0013-NX","qty":92,"price_cents":1361676},"#,
    r#"{"sku":"SKU-0014-OX","qty":99,"price_cents":1466405},{"sku":"SKU-0015-PX","qty":6,"price_cents":1571134},"#,
    r#"{"sku":"SKU-0016-QX","qty":13,"price_cents":1675863},{"sku":"SKU-0017-RX","qty":20,"price_cents":1780592},"#,
    r#"{"sku":"SKU-0018-SX","qty":27,"price_cents":1885321},{"sku":"SKU-0019-TX","qty":34,"price_cents":1990050}],"#,
    r#""note":"Please deliver to the loading dock at the rear of the building; ring the bell twice and ask "#,
    r#"for the night shift supervisor. Fragile items inside: handle with care and keep upright. Invoice to "#,
    r#"accounts payable, reference PO-2027-0042. Call ahead if delivery slips past 18:00 local time.","#,
    r#""created_at":"2027-01-15T08:00:00Z"}"#
);

/// The "W8 accepted" body of cases.json (1105 bytes, 20 shorter items, short note): a diagnostic row.
fn w8_cases_body() -> String {
    let mut body = String::from(
        r#"{"order_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","customer":{"email":"ada@example.com","name":"Ada Lovelace"},"#,
    );
    body.push_str(r#""items":["#);
    for i in 0..20 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(r#"{{"sku":"SKU-{i:04}","qty":{},"price_cents":{}}}"#, i % 5 + 1, 1999 + i));
    }
    body.push_str(r#"],"note":"leave at the door","created_at":"2026-11-28T10:15:00Z"}"#);
    body
}

/// Compiles `document` into freshly allocated buffers sized by `Capacity::for_document` (as
/// `core/tests/validate_suite.rs` does). The bench keeps its schemas for the whole process, so the
/// buffers are leaked to give a `Schema<'static>`.
fn apiward_schema(document: &'static str) -> Schema<'static> {
    let document = document.as_bytes();
    let cap = Capacity::for_document(document);
    let storage = Storage {
        nodes: vec![Node::Never; cap.nodes].leak(),
        properties: vec![Property::optional("", 0); cap.properties].leak(),
        ids: vec![0; cap.ids].leak(),
        literals: vec![Literal::Null; cap.literals].leak(),
        text: vec![0; cap.text].leak(),
        programs: vec![Program::compile("").expect("empty pattern"); cap.programs].leak(),
    };
    validate::compile(document, storage).expect("apiward compiles the workload schema")
}

fn jsonschema_validator(document: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(document).expect("schema is JSON");
    jsonschema::options().should_validate_formats(true).build(&schema).expect("jsonschema compiles the workload schema")
}

/// The peer's end-to-end verdict: parse, then `is_valid`.
fn peer_is_valid(validator: &jsonschema::Validator, body: &[u8]) -> bool {
    let value: Value = serde_json::from_slice(body).expect("workload bodies are JSON");
    validator.is_valid(&value)
}

/// The peer's end-to-end error list: parse, then every error of `iter_errors`, collected.
fn peer_errors(validator: &jsonschema::Validator, body: &[u8]) -> Vec<(String, String)> {
    let value: Value = serde_json::from_slice(body).expect("workload bodies are JSON");
    let errors: Vec<_> = validator.iter_errors(&value).collect();
    errors.iter().map(|e| (e.instance_path().to_string(), e.kind().keyword().to_string())).collect()
}

struct Fixture {
    w7: Schema<'static>,
    w8: Schema<'static>,
    peer_w7: jsonschema::Validator,
    peer_w8: jsonschema::Validator,
    limits: Limits,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            w7: apiward_schema(W7_SCHEMA),
            w8: apiward_schema(W8_SCHEMA),
            peer_w7: jsonschema_validator(W7_SCHEMA),
            peer_w8: jsonschema_validator(W8_SCHEMA),
            limits: Limits::DEFAULT,
        }
    }

    /// Both sides agree on every workload before anything is timed.
    fn self_check(&self) {
        assert_eq!(W7_BODY.len(), 62);
        assert_eq!(W8_BODY.len(), 1497);
        assert_eq!(W9_BODY.len(), 80);
        // Where `shared/` sits beside the repository, the bodies are byte-for-byte its workload files.
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/workloads");
        for (file, body) in [("w7_small.json", W7_BODY), ("w8_order.json", W8_BODY), ("w9_reject.json", W9_BODY)] {
            if let Ok(bytes) = std::fs::read(shared.join(file)) {
                assert_eq!(bytes, body.as_bytes(), "{file}");
            }
        }
        let cases_w8 = w8_cases_body();
        assert_eq!(cases_w8.len(), 1105);

        for (name, schema, peer, body) in [
            ("W7", &self.w7, &self.peer_w7, W7_BODY.as_bytes()),
            ("W8", &self.w8, &self.peer_w8, W8_BODY.as_bytes()),
            ("W8 cases.json body", &self.w8, &self.peer_w8, cases_w8.as_bytes()),
        ] {
            assert_eq!(validate::validate(schema, body, &self.limits), Ok(()), "apiward {name}");
            assert!(peer_is_valid(peer, body), "jsonschema {name}");
        }
        // Formats are checked on both sides: one broken email, uuid and date-time each is refused.
        let broken = [
            (&self.w7, &self.peer_w7, W7_BODY.replace("ada@example.com", "not-an-email")),
            (&self.w8, &self.peer_w8, W8_BODY.replace("0b6f4a3e-2c1d", "0b6f4a3e-2c1")),
            (&self.w8, &self.peer_w8, W8_BODY.replace("08:00:00Z", "08:00:00")),
        ];
        for (schema, peer, body) in &broken {
            let ours = validate::validate(schema, body.as_bytes(), &self.limits).expect_err(body);
            assert_eq!(ours.code(), "format", "{body}");
            assert!(!peer_is_valid(peer, body.as_bytes()), "jsonschema accepts {body}");
        }

        // W9: the first error, and all of them, name both fields.
        let first = validate::validate(&self.w7, W9_BODY.as_bytes(), &self.limits).expect_err("apiward W9");
        assert_eq!((first.code(), first.path.as_str()), ("maximum", "/age"));
        let mut errors = [Error::default(); ERROR_SLOTS];
        let found = validate::validate_all(&self.w7, W9_BODY.as_bytes(), &self.limits, &mut errors)
            .expect_err("apiward W9 all");
        let ours: Vec<_> = errors[..found].iter().map(|e| (e.code(), e.path.as_str())).collect();
        assert_eq!(ours, [("maximum", "/age"), ("unknown_field", "/is_admin")]);

        assert!(!peer_is_valid(&self.peer_w7, W9_BODY.as_bytes()), "jsonschema W9");
        let value: Value = serde_json::from_slice(W9_BODY.as_bytes()).expect("W9 is JSON");
        let peer_first = self.peer_w7.validate(&value).expect_err("jsonschema W9 validate");
        assert_eq!((peer_first.kind().keyword(), peer_first.instance_path().to_string().as_str()), ("maximum", "/age"));
        let mut theirs = peer_errors(&self.peer_w7, W9_BODY.as_bytes());
        theirs.sort();
        // jsonschema reports the unknown member at the object (`additionalProperties` at ""), its
        // kind naming "is_admin".
        assert_eq!(theirs, [("".to_string(), "additionalProperties".to_string()), ("/age".into(), "maximum".into())]);
        let named = self.peer_w7.iter_errors(&value).any(|e| {
            matches!(e.kind(), ValidationErrorKind::AdditionalProperties { unexpected } if unexpected == &["is_admin"])
        });
        assert!(named, "jsonschema names is_admin");
    }
}

fn row(workload: &str, ours: &str, theirs: &str, a: &mut dyn FnMut(), b: &mut dyn FnMut()) {
    let Paired { a_ns: ta, b_ns: tb, b_over_a: r } = paired(SIZING_CALLS, a, b);
    println!("| {workload} | {ours} | {theirs} | {ta:.0} | {tb:.0} | {r:.2}× |");
}

fn paired_table(fx: &Fixture) {
    let limits = fx.limits;
    let (w7, w8, w9) = (W7_BODY.as_bytes(), W8_BODY.as_bytes(), W9_BODY.as_bytes());
    let cases_w8 = w8_cases_body();
    let mut errors = [Error::default(); ERROR_SLOTS];

    println!("W7–W9 validate, end to end from bytes (median of {PAIRS} alternating ~{BATCH_TIME:?} batches per side)");
    println!("| workload | apiward | jsonschema (serde_json + Validator) | apiward ns | jsonschema ns | jsonschema / apiward |");
    println!("|---|---|---|---:|---:|---:|");
    row(
        "W7 valid (62 B)",
        "`validate`",
        "`from_slice` + `is_valid`",
        &mut || {
            black_box(validate::validate(&fx.w7, black_box(w7), &limits).is_ok());
        },
        &mut || {
            black_box(peer_is_valid(&fx.peer_w7, black_box(w7)));
        },
    );
    row(
        "W8 valid (1497 B, 20 items)",
        "`validate`",
        "`from_slice` + `is_valid`",
        &mut || {
            black_box(validate::validate(&fx.w8, black_box(w8), &limits).is_ok());
        },
        &mut || {
            black_box(peer_is_valid(&fx.peer_w8, black_box(w8)));
        },
    );
    row(
        "W9 reject, first error",
        "`validate` → `Err(Error)`",
        "`from_slice` + `is_valid` (bool only)",
        &mut || {
            black_box(validate::validate(&fx.w7, black_box(w9), &limits).is_err());
        },
        &mut || {
            black_box(peer_is_valid(&fx.peer_w7, black_box(w9)));
        },
    );
    row(
        "W9 reject, all errors",
        "`validate_all` (caller buffer)",
        "`from_slice` + `iter_errors().collect()`",
        &mut || {
            black_box(validate::validate_all(&fx.w7, black_box(w9), &limits, &mut errors).err());
        },
        &mut || {
            let value: Value = serde_json::from_slice(black_box(w9)).expect("JSON");
            black_box(fx.peer_w7.iter_errors(&value).collect::<Vec<_>>().len());
        },
    );
    // Fairness and diagnostic rows (not the goal).
    row(
        "W9 reject, first error as an error value",
        "`validate` → `Err(Error)`",
        "`from_slice` + `validate` → `Err(ValidationError)`",
        &mut || {
            black_box(validate::validate(&fx.w7, black_box(w9), &limits).is_err());
        },
        &mut || {
            let value: Value = serde_json::from_slice(black_box(w9)).expect("JSON");
            black_box(fx.peer_w7.validate(&value).is_err());
        },
    );
    row(
        "W8, cases.json body (1105 B)",
        "`validate`",
        "`from_slice` + `is_valid`",
        &mut || {
            black_box(validate::validate(&fx.w8, black_box(cases_w8.as_bytes()), &limits).is_ok());
        },
        &mut || {
            black_box(peer_is_valid(&fx.peer_w8, black_box(cases_w8.as_bytes())));
        },
    );
    for (name, schema, peer, body) in [("W7", &fx.w7, &fx.peer_w7, w7), ("W8", &fx.w8, &fx.peer_w8, w8)] {
        let value: Value = serde_json::from_slice(body).expect("JSON");
        row(
            &format!("diagnostic: {name}, jsonschema on a pre-parsed `Value`"),
            "`validate` (from bytes)",
            "`is_valid` only (no parse)",
            &mut || {
                black_box(validate::validate(schema, black_box(body), &limits).is_ok());
            },
            &mut || {
                black_box(peer.is_valid(black_box(&value)));
            },
        );
        row(
            &format!("diagnostic: {name}, parse alone"),
            "`validate` (from bytes)",
            "`serde_json::from_slice::<Value>` only",
            &mut || {
                black_box(validate::validate(schema, black_box(body), &limits).is_ok());
            },
            &mut || {
                black_box(serde_json::from_slice::<Value>(black_box(body)).is_ok());
            },
        );
    }
    println!();
}

fn criterion_benches(c: &mut Criterion, fx: &Fixture) {
    let limits = fx.limits;
    let (w7, w8, w9) = (W7_BODY.as_bytes(), W8_BODY.as_bytes(), W9_BODY.as_bytes());

    let mut group = c.benchmark_group("W7-validate-small");
    group.bench_function("apiward", |b| b.iter(|| validate::validate(&fx.w7, black_box(w7), &limits).is_ok()));
    group.bench_function("jsonschema", |b| b.iter(|| peer_is_valid(&fx.peer_w7, black_box(w7))));
    group.finish();

    let mut group = c.benchmark_group("W8-validate-order");
    group.bench_function("apiward", |b| b.iter(|| validate::validate(&fx.w8, black_box(w8), &limits).is_ok()));
    group.bench_function("jsonschema", |b| b.iter(|| peer_is_valid(&fx.peer_w8, black_box(w8))));
    group.finish();

    let mut group = c.benchmark_group("W9-validate-reject");
    group.bench_function("apiward-first", |b| b.iter(|| validate::validate(&fx.w7, black_box(w9), &limits).is_err()));
    group.bench_function("jsonschema-is_valid", |b| b.iter(|| peer_is_valid(&fx.peer_w7, black_box(w9))));
    let mut errors = [Error::default(); ERROR_SLOTS];
    group.bench_function("apiward-all", |b| {
        b.iter(|| validate::validate_all(&fx.w7, black_box(w9), &limits, &mut errors).err())
    });
    group.bench_function("jsonschema-iter_errors", |b| {
        b.iter(|| {
            let value: Value = serde_json::from_slice(black_box(w9)).expect("JSON");
            fx.peer_w7.iter_errors(&value).collect::<Vec<_>>().len()
        })
    });
    group.finish();
}

fn main() {
    let fx = Fixture::new();
    fx.self_check();
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` passes no `--bench`: skip the slow table then.
    if args.iter().any(|a| a == "--bench") {
        paired_table(&fx);
    }
    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c, &fx);
    c.final_summary();
}
