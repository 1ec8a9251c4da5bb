//! Turns the shared vectors (`tests/vectors/`) into Rust statics for the firmware, so the JSON files stay
//! the single source of truth, and picks the memory layout (`memory.x`) for the target machine.
//!
//! Which cases are compiled in depends on the enabled features: a JWT case is kept only if every algorithm
//! its policy names is one this firmware verifies (HS256, ES256, RS256, EdDSA, each behind a feature) and
//! every key in its JWKS is of a type the linked core families support; the verdicts of the kept cases
//! then do not depend on what was left out. Tokens over `MAX_TOKEN_BYTES` are skipped (RAM for the
//! scratch buffer), and so are the cases past a flash budget for JWT data (per machine); both are counted. With the `footprint` feature only one accepted and one rejected token per
//! algorithm, one limiter scene and the W7/W9 bodies are kept, so that the size report measures code.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Longest token compiled in (the verifier's scratch buffer is sized from the longest kept token).
const MAX_TOKEN_BYTES: usize = 2048;
/// Longest validation body compiled in (the larger `body_repeat` cases are host-only).
const MAX_BODY_BYTES: usize = 2048;
/// JWT vector files run on the firmware (the rest are parser-only cases, already covered on the host,
/// and would not fit the 256 KiB flash together with everything else).
const JWT_FILES: &[&str] = &["algorithms", "rfc_examples", "signatures", "key_strength", "claims", "header"];
/// The algorithms this firmware verifies, with the feature and core family each needs.
const ALGS: &[(&str, &str)] =
    &[("HS256", "JWT_HS256"), ("ES256", "JWT_ES256"), ("RS256", "JWT_RS256"), ("EdDSA", "JWT_EDDSA")];

fn feature(name: &str) -> bool {
    std::env::var_os(format!("CARGO_FEATURE_{name}")).is_some()
}

fn read_json(path: &Path) -> Value {
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A Rust byte-string literal for any bytes.
fn bytes_lit(bytes: &[u8]) -> String {
    let mut s = String::from("b\"");
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(char::from(b)),
            _ => write!(s, "\\x{b:02x}").unwrap(),
        }
    }
    s.push('"');
    s
}

fn str_lit(s: &str) -> String {
    format!("{s:?}")
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "None".to_owned(), |v| format!("Some({})", v.to_string()))
}

fn u64_of(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.parse().expect("integer string"),
        other => other.as_u64().expect("unsigned integer"),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().map(|i| i.as_str().expect("string list").to_owned()).collect(),
        Some(other) => panic!("expected string or list, got {other}"),
    }
}

fn str_slice(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| str_lit(s)).collect();
    format!("&[{}]", inner.join(", "))
}

/// Strict-enough base64url decoding for the build script (the vectors' valid tokens are canonical).
fn b64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap());
        }
    }
    Some(out)
}

fn trim_json_ws(b: &[u8]) -> &[u8] {
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let start = b.iter().position(|c| !ws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !ws(c)).map_or(start, |i| i + 1);
    &b[start..end]
}

/// The core family a JWK needs, if it is a type the core supports at all.
fn key_family(jwk: &Value) -> Option<&'static str> {
    match (jwk.get("kty").and_then(Value::as_str), jwk.get("crv").and_then(Value::as_str)) {
        (Some("oct"), _) => Some("JWT_HS256"),
        (Some("RSA"), _) => Some("JWT_RS256"),
        (Some("EC"), Some("P-256")) => Some("JWT_ES256"),
        // The firmware links P-256 only (`apiward/es256`): no feature enables these, so a case whose
        // JWKS holds one is left out rather than run against a key the image cannot use.
        (Some("EC"), Some("P-384")) => Some("JWT_ES384"),
        (Some("EC"), Some("P-521")) => Some("JWT_ES512"),
        (Some("OKP"), Some("Ed25519")) => Some("JWT_EDDSA"),
        _ => None,
    }
}

/// The `alg` of a token's header, when the header decodes to JSON with a string `alg`.
fn token_alg(token: &str) -> Option<String> {
    let header = b64url(token.split('.').next()?)?;
    let v: Value = serde_json::from_slice(&header).ok()?;
    v.get("alg")?.as_str().map(str::to_owned)
}

struct Jwt {
    out: String,
    jwks: Vec<String>,
    kept: usize,
    skipped: usize,
    max_keys: usize,
    max_token: usize,
    data: usize,
}

fn jwt_cases(root: &Path, footprint: bool, budget: usize) -> Jwt {
    let enabled: Vec<&str> = ALGS.iter().filter(|(_, f)| feature(f)).map(|(a, _)| *a).collect();
    let family_of = |alg: &str| ALGS.iter().find(|(a, _)| *a == alg).map(|(_, f)| *f);
    let mut jwt = Jwt { out: String::new(), jwks: Vec::new(), kept: 0, skipped: 0, max_keys: 1, max_token: 0, data: 0 };
    let mut jwks_index: BTreeMap<String, usize> = BTreeMap::new();
    // Footprint mode: (alg, valid?) pairs already taken.
    let mut taken: Vec<(String, bool)> = Vec::new();
    let files: &[&str] = if footprint { &["algorithms", "signatures"] } else { JWT_FILES };
    for file in files {
        let doc = read_json(&root.join(format!("jwt/{file}.json")));
        for case in doc["cases"].as_array().expect("cases") {
            let p = &case["policy"];
            let algs = strings(p.get("algorithms"));
            let keys: Vec<Value> = match case["keys"].get("keys").and_then(Value::as_array) {
                Some(keys) => keys.clone(),
                None => vec![case["keys"].clone()],
            };
            let supported =
                algs.iter().all(|a| enabled.contains(&a.as_str())) && keys.iter().filter_map(key_family).all(feature);
            if !supported || algs.iter().any(|a| family_of(a).is_none()) {
                continue;
            }
            let token = case["token"].as_str().expect("token");
            if token.len() > MAX_TOKEN_BYTES || jwt.data + token.len() > budget {
                jwt.skipped += 1;
                continue;
            }
            let valid = case["expect"]["valid"].as_bool() == Some(true);
            let alg = token_alg(token).unwrap_or_default();
            let op = match alg.as_str() {
                "HS256" | "ES256" | "RS256" | "EdDSA" => alg.clone(),
                _ => "other".to_owned(),
            };
            if footprint {
                if algs.len() != 1 || algs[0] != alg || taken.contains(&(alg.clone(), valid)) {
                    continue;
                }
                taken.push((alg.clone(), valid));
            }
            let expect = if valid {
                let payload = b64url(token.split('.').nth(1).expect("payload")).expect("valid token is base64url");
                let parsed: Value = serde_json::from_slice(&payload).expect("valid token's payload is JSON");
                assert_eq!(&parsed, &case["expect"]["claims"], "{file}: claims of {}", case["name"]);
                let text = trim_json_ws(&payload);
                jwt.data += text.len();
                format!("Expect::Valid({})", bytes_lit(text))
            } else {
                format!("Expect::Reject({})", str_lit(case["expect"]["code"].as_str().expect("code")))
            };
            let jwks_text = serde_json::to_string(&case["keys"]).expect("keys");
            let next = jwks_index.len();
            let index = *jwks_index.entry(jwks_text.clone()).or_insert_with(|| {
                jwt.data += jwks_text.len();
                jwt.jwks.push(jwks_text);
                next
            });
            jwt.max_keys = jwt.max_keys.max(keys.len());
            jwt.max_token = jwt.max_token.max(token.len());
            jwt.data += token.len();
            jwt.kept += 1;
            writeln!(
                jwt.out,
                "    JwtCase {{ file: {}, name: {}, op: {}, token: {}, jwks: {index}, now: {}, expect: {expect},\n      \
                 policy: {} }},",
                str_lit(file),
                str_lit(case["name"].as_str().expect("name")),
                str_lit(&op),
                bytes_lit(token.as_bytes()),
                case["now"].as_i64().expect("now"),
                policy_expr(p, &algs),
            )
            .unwrap();
        }
    }
    jwt
}

/// The vector's policy as a constant `Policy` expression (the builders are `const fn`), as a firmware
/// would write its policy: nothing interprets policy text at run time, and a footprint image links
/// only the rules its policy uses.
fn policy_expr(p: &Value, algs: &[String]) -> String {
    let variants: Vec<String> = algs.iter().map(|a| format!("Algorithm::{a}")).collect();
    let mut expr = format!("Policy::new(AlgorithmSet::from_slice(&[{}]))", variants.join(", "));
    let issuers = strings(p.get("issuer"));
    if !issuers.is_empty() {
        expr += &format!(".issuers({})", str_slice(&issuers));
    }
    let audiences = strings(p.get("audience"));
    if !audiences.is_empty() {
        expr += &format!(".audiences({})", str_slice(&audiences));
    }
    let number = |k: &str| p.get(k).map(|v| v.as_u64().unwrap_or_else(|| panic!("policy {k}: {v}")));
    if let Some(leeway) = number("leeway") {
        expr += &format!(".leeway({leeway})");
    }
    if let Some(max) = number("max_token_bytes") {
        expr += &format!(".max_token_bytes({max})");
    }
    if p.get("require").is_some() {
        let claims: Vec<String> = strings(p.get("require"))
            .iter()
            .map(|name| {
                let variant = match name.as_str() {
                    "iss" => "Iss",
                    "sub" => "Sub",
                    "aud" => "Aud",
                    "exp" => "Exp",
                    "nbf" => "Nbf",
                    "iat" => "Iat",
                    "jti" => "Jti",
                    other => panic!("policy requires an unknown claim {other:?}"),
                };
                format!("Claim::{variant}")
            })
            .collect();
        expr += &format!(".require(ClaimSet::from_slice(&[{}]))", claims.join(", "));
    }
    if p.get("allow_missing_exp").and_then(Value::as_bool) == Some(true) {
        expr += ".allow_missing_exp()";
    }
    if let Some(typ) = p.get("typ").and_then(Value::as_str) {
        expr += &format!(".typ({})", str_lit(typ));
    }
    if let Some(max_age) = number("max_age") {
        expr += &format!(".max_age({max_age})");
    }
    expr
}

fn quota_lit(q: &Value) -> String {
    format!(
        "QuotaSpec {{ count: {}, period_ns: {}, burst: {} }}",
        u64_of(&q["count"]),
        u64_of(&q["period_ns"]),
        opt(q.get("burst").map(u64_of))
    )
}

fn limit_cases(root: &Path, footprint: bool, out: &mut String) -> usize {
    let doc = read_json(&root.join("limit/scenarios.json"));
    let seed = doc["seed_hex"].as_str().expect("seed_hex");
    let seed: Vec<String> = (0..16).map(|i| format!("0x{}", &seed[2 * i..2 * i + 2])).collect();
    writeln!(out, "pub static LIMIT_SEED: [u8; 16] = [{}];", seed.join(", ")).unwrap();
    let mut data = 0;
    writeln!(out, "pub static LIMIT_SCENARIOS: &[Scenario] = &[").unwrap();
    let scenarios = doc["scenarios"].as_array().expect("scenarios");
    let take = if footprint { 1 } else { scenarios.len() };
    for s in scenarios.iter().take(take) {
        let mut steps = String::new();
        for st in s["steps"].as_array().expect("steps") {
            let e = &st["expect"];
            data += 40;
            write!(
                steps,
                "Step {{ key: {}, now_ns: {}, cost: {}, allowed: {}, remaining: {}, retry_after_ns: {}, reset_after_ns: {} }}, ",
                bytes_lit(st["key"].as_str().expect("key").as_bytes()),
                u64_of(&st["now_ns"]),
                u64_of(&st["cost"]),
                e["allowed"].as_bool().expect("allowed"),
                u64_of(&e["remaining"]),
                u64_of(&e["retry_after_ns"]),
                u64_of(&e["reset_after_ns"]),
            )
            .unwrap();
        }
        let full = match s["full_policy"].as_str().expect("full_policy") {
            "deny" => false,
            "admit" => true,
            other => panic!("unknown full_policy {other}"),
        };
        writeln!(
            out,
            "    Scenario {{ name: {}, quota: {}, capacity: {}, admit: {full}, steps: &[{steps}], evictions: {}, full_denials: {} }},",
            str_lit(s["name"].as_str().expect("name")),
            quota_lit(&s["quota"]),
            u64_of(&s["capacity"]),
            u64_of(&s["expect_end"]["evictions"]),
            u64_of(&s["expect_end"]["full_denials"]),
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
    let empty = Vec::new();
    let (quota_errors, headers) = if footprint {
        (&empty, &empty)
    } else {
        (doc["quota_errors"].as_array().expect("quota_errors"), doc["headers"].as_array().expect("headers"))
    };
    writeln!(out, "pub static QUOTA_ERRORS: &[QuotaError] = &[").unwrap();
    for q in quota_errors {
        writeln!(
            out,
            "    QuotaError {{ name: {}, quota: {}, error: {} }},",
            str_lit(q["name"].as_str().expect("name")),
            quota_lit(q),
            opt(q["error"].as_str().map(str_lit))
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
    writeln!(out, "pub static HEADERS: &[HeaderCase] = &[").unwrap();
    for h in headers {
        let decision = h.get("decision").map(|d| {
            format!(
                "DecisionSpec {{ remaining: {}, retry_after_ns: {}, reset_after_ns: {} }}",
                u64_of(&d["remaining"]),
                u64_of(&d["retry_after_ns"]),
                u64_of(&d["reset_after_ns"])
            )
        });
        let expect = match (h.get("expect"), h.get("error")) {
            (Some(v), None) => format!("Ok({})", str_lit(v.as_str().expect("expect"))),
            (None, Some(c)) => format!("Err({})", str_lit(c.as_str().expect("error"))),
            _ => panic!("header case needs exactly one of expect and error"),
        };
        data += 64;
        writeln!(
            out,
            "    HeaderCase {{ name: {}, header: {}, policy_name: {}, quota: {}, decision: {}, expect: {expect} }},",
            str_lit(h["name"].as_str().expect("name")),
            str_lit(h["header"].as_str().expect("header")),
            str_lit(h.get("policy_name").and_then(Value::as_str).unwrap_or("")),
            opt(h.get("quota").map(quota_lit)),
            opt(decision),
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
    data
}

fn body_of(case: &Value) -> Vec<u8> {
    if let Some(body) = case.get("body") {
        return body.as_str().expect("body").as_bytes().to_vec();
    }
    let r = &case["body_repeat"];
    let mut out = r["prefix"].as_str().expect("prefix").to_owned();
    out.push_str(&r["unit"].as_str().expect("unit").repeat(usize::try_from(u64_of(&r["count"])).expect("count")));
    out.push_str(r["suffix"].as_str().expect("suffix"));
    out.into_bytes()
}

/// Returns (data bytes, bodies skipped for the body budget, cases left out for the machine's RAM).
fn validate_cases(root: &Path, footprint: bool, w7_only: bool, out: &mut String) -> (usize, usize, usize) {
    let doc = read_json(&root.join("validate/cases.json"));
    let (mut data, mut skipped, mut omitted) = (0, 0, 0);
    writeln!(out, "pub static GROUPS: &[Group] = &[").unwrap();
    for (gi, g) in doc["groups"].as_array().expect("groups").iter().enumerate() {
        if footprint && gi > 0 {
            break;
        }
        // The first group is W7 (its bodies include W9's).
        if w7_only && gi > 0 {
            omitted += g["cases"].as_array().expect("cases").len();
            continue;
        }
        let schema = serde_json::to_vec(&g["schema"]).expect("schema");
        data += schema.len();
        let l = g.get("limits");
        let lim = |k: &str| opt(l.and_then(|l| l.get(k)).and_then(Value::as_u64));
        let mut cases = String::new();
        for c in g["cases"].as_array().expect("cases") {
            let name = c["name"].as_str().expect("name");
            if footprint && !name.starts_with("W7") && !name.starts_with("W9") {
                continue;
            }
            let body = body_of(c);
            if body.len() > MAX_BODY_BYTES {
                skipped += 1;
                continue;
            }
            data += body.len();
            let errors = match c.get("errors") {
                None => {
                    assert_eq!(c.get("valid"), Some(&Value::Bool(true)), "{name}");
                    "None".to_owned()
                }
                Some(errors) => {
                    let list: Vec<String> = errors
                        .as_array()
                        .expect("errors")
                        .iter()
                        .map(|e| {
                            format!(
                                "({}, {})",
                                str_lit(e["path"].as_str().expect("path")),
                                str_lit(e["code"].as_str().expect("code"))
                            )
                        })
                        .collect();
                    format!("Some(&[{}])", list.join(", "))
                }
            };
            writeln!(
                cases,
                "        VCase {{ name: {}, body: {}, errors: {errors} }},",
                str_lit(name),
                bytes_lit(&body)
            )
            .unwrap();
        }
        writeln!(
            out,
            "    Group {{ name: {}, schema: {},\n      limits: LimitsSpec {{ max_body_bytes: {}, max_depth: {}, max_string_bytes: {}, \
             max_number_len: {}, max_array_items: {}, max_object_members: {} }},\n      cases: &[\n{cases}      ] }},",
            str_lit(g["name"].as_str().expect("name")),
            bytes_lit(&schema),
            lim("max_body_bytes"),
            lim("max_depth"),
            lim("max_string_bytes"),
            lim("max_number_len"),
            lim("max_array_items"),
            lim("max_object_members"),
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
    writeln!(out, "pub static COMPILE_ERRORS: &[CompileCase] = &[").unwrap();
    if w7_only {
        omitted += doc["compile_errors"].as_array().expect("compile_errors").len();
    } else if !footprint {
        for c in doc["compile_errors"].as_array().expect("compile_errors") {
            let text = match c.get("schema_text") {
                Some(t) => t.as_str().expect("schema_text").as_bytes().to_vec(),
                None => serde_json::to_vec(&c["schema"]).expect("schema"),
            };
            data += text.len();
            writeln!(
                out,
                "    CompileCase {{ name: {}, schema: {}, code: {}, path: {} }},",
                str_lit(c["name"].as_str().expect("name")),
                bytes_lit(&text),
                str_lit(c["code"].as_str().expect("code")),
                str_lit(c["path"].as_str().expect("path")),
            )
            .unwrap();
        }
    }
    writeln!(out, "];").unwrap();
    (data, skipped, omitted)
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let root = manifest.join("../../tests/vectors");
    let footprint = feature("FOOTPRINT");

    // Memory layout: by target, or forced with APIWARD_FW_MACHINE.
    println!("cargo:rerun-if-env-changed=APIWARD_FW_MACHINE");
    let target = std::env::var("TARGET").unwrap_or_default();
    let machine = std::env::var("APIWARD_FW_MACHINE")
        .unwrap_or_else(|_| if target.starts_with("thumbv6m") { "microbit" } else { "lm3s6965evb" }.to_owned());
    let memory = manifest.join(format!("memory/{machine}.x"));
    println!("cargo:rerun-if-changed={}", memory.display());
    std::fs::copy(&memory, out_dir.join("memory.x")).unwrap_or_else(|e| panic!("{}: {e}", memory.display()));
    println!("cargo:rustc-link-search={}", out_dir.display());
    if target.starts_with("thumb") {
        println!("cargo:rustc-link-arg=--nmagic");
        println!("cargo:rustc-link-arg=-Tlink.x");
    }

    let mut out = String::new();
    writeln!(out, "// Generated by build.rs from tests/vectors/: do not edit.").unwrap();
    writeln!(out, "pub const MACHINE: &str = {};", str_lit(&machine)).unwrap();
    // Compiled pattern programs are several KiB each: both machines keep patterns as source (compiled
    // on use into the validator's one-program cache, on the stack) rather than spend RAM on slots.
    writeln!(out, "pub const PATTERN_PROGRAMS: usize = 0;").unwrap();
    // Flash left for JWT vector data once the code is in (bytes; override with APIWARD_FW_JWT_BUDGET).
    println!("cargo:rerun-if-env-changed=APIWARD_FW_JWT_BUDGET");
    let budget =
        std::env::var("APIWARD_FW_JWT_BUDGET").ok().and_then(|b| b.parse().ok()).unwrap_or(match machine.as_str() {
            // The validator (code and W7 data) takes 40 KiB of the micro:bit's flash from the JWT data (and it
            // runs at opt-level "z"), leaving some 8 KiB of flash free.
            "microbit" if feature("VALIDATE") => 56 * 1024,
            "microbit" => 96 * 1024,
            _ => 40 * 1024,
        });
    let jwt = jwt_cases(&root, footprint, budget);
    writeln!(out, "pub const MAX_KEYS: usize = {};", jwt.max_keys).unwrap();
    writeln!(out, "pub const MAX_TOKEN: usize = {};", jwt.max_token).unwrap();
    writeln!(out, "pub const JWT_SKIPPED: usize = {};", jwt.skipped).unwrap();
    writeln!(out, "pub const JWT_BUDGET: usize = {budget};").unwrap();
    writeln!(out, "pub static JWKS: &[&[u8]] = &[").unwrap();
    for j in &jwt.jwks {
        writeln!(out, "    {},", bytes_lit(j.as_bytes())).unwrap();
    }
    writeln!(out, "];").unwrap();
    // `hmac-secret`: each JWKS's `oct` keys as (kid, decoded secret), for `Key::hmac`.
    if feature("HMAC_SECRET") {
        writeln!(out, "pub static HMAC_SECRETS: &[&[(&str, &[u8])]] = &[").unwrap();
        for j in &jwt.jwks {
            let doc: Value = serde_json::from_str(j).expect("jwks");
            let keys = doc.get("keys").and_then(Value::as_array).cloned().unwrap_or_else(|| vec![doc.clone()]);
            let pairs: Vec<String> = keys
                .iter()
                .filter(|k| k["kty"] == "oct")
                .map(|k| {
                    let secret = b64url(k["k"].as_str().expect("k")).expect("k is base64url");
                    format!("({}, {})", str_lit(k.get("kid").and_then(Value::as_str).unwrap_or("")), bytes_lit(&secret))
                })
                .collect();
            writeln!(out, "    &[{}],", pairs.join(", ")).unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    writeln!(out, "pub static JWT_CASES: &[JwtCase] = &[\n{}];", jwt.out).unwrap();
    let limit_data = limit_cases(&root, footprint, &mut out);
    // The micro:bit's 16 KiB of RAM holds W7's schema and validation next to the stack, not the other
    // groups' larger schemas (uniqueItems tables, patterns that need a program): those run on the
    // LM3S6965.
    let w7_only = machine == "microbit";
    let (validate_data, validate_skipped, validate_omitted) = validate_cases(&root, footprint, w7_only, &mut out);
    writeln!(out, "pub const VALIDATE_SKIPPED: usize = {validate_skipped};").unwrap();
    writeln!(out, "pub const VALIDATE_OMITTED: usize = {validate_omitted};").unwrap();
    // Schema storage capacities (nodes, properties): W7 needs a handful; the other groups up to 48.
    let capacity = if w7_only { 8 } else { 48 };
    writeln!(out, "pub const SCHEMA_CAPACITY: usize = {capacity};").unwrap();
    writeln!(out, "pub const DATA_BYTES: usize = {};", jwt.data + limit_data + validate_data).unwrap();
    std::fs::write(out_dir.join("vectors.rs"), out).expect("write vectors.rs");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=memory");
    let _ = jwt.kept;
}
