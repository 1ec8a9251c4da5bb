//! Runs the cross-language JWT vectors in `tests/vectors/jwt/*.json` (the Python and Node packages
//! run the same files): token, keys, policy, now → expected verdict and error code.

use std::path::{Path, PathBuf};

use apiward::jwt::{self, Algorithm, AlgorithmSet, Claim, ClaimSet, Error, KeySet, Policy};
use serde_json::Value;

fn vector_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/jwt")
}

/// Every vector file: JSON documents with a `cases` array (other JSON files, such as the private
/// keys the generator keeps, are skipped).
fn vector_files() -> Vec<(PathBuf, Value)> {
    let mut files: Vec<_> = std::fs::read_dir(vector_dir())
        .expect("tests/vectors/jwt exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable vector file");
            let doc: Value = serde_json::from_str(&text).expect("vector file is JSON");
            doc.get("cases").is_some().then_some((path, doc))
        })
        .collect()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().map(|i| i.as_str().expect("string list").to_owned()).collect(),
        Some(other) => panic!("expected string or list, got {other}"),
    }
}

/// Runs one case; returns the verdict as `Ok(claims JSON)` or `Err(code)`.
fn run_case(case: &Value) -> Result<Value, Error> {
    let keys_text = serde_json::to_string(&case["keys"]).expect("keys serialise");
    let keys = KeySet::<16>::from_jwks(keys_text.as_bytes())?;
    let p = &case["policy"];
    let algorithms: Vec<Algorithm> = strings(p.get("algorithms"))
        .iter()
        .map(|n| Algorithm::from_name(n).unwrap_or_else(|| panic!("policy names unknown algorithm {n}")))
        .collect();
    let issuers = strings(p.get("issuer"));
    let issuers: Vec<&str> = issuers.iter().map(String::as_str).collect();
    let audiences = strings(p.get("audience"));
    let audiences: Vec<&str> = audiences.iter().map(String::as_str).collect();
    let mut policy = Policy::new(AlgorithmSet::from_slice(&algorithms)).issuers(&issuers).audiences(&audiences);
    if let Some(leeway) = p.get("leeway").and_then(Value::as_u64) {
        policy = policy.leeway(u32::try_from(leeway).expect("leeway fits u32"));
    }
    if let Some(max) = p.get("max_token_bytes").and_then(Value::as_u64) {
        policy = policy.max_token_bytes(usize::try_from(max).expect("fits usize"));
    }
    if p.get("require").is_some() {
        let mut set = ClaimSet::EMPTY;
        for name in strings(p.get("require")) {
            set = set.with(Claim::from_name(&name).unwrap_or_else(|| panic!("unknown claim {name}")));
        }
        policy = policy.require(set);
    }
    if p.get("allow_missing_exp").and_then(Value::as_bool) == Some(true) {
        policy = policy.allow_missing_exp();
    }
    let typ = p.get("typ").and_then(Value::as_str).map(str::to_owned);
    if let Some(typ) = typ.as_deref() {
        policy = policy.typ(typ);
    }
    if let Some(max_age) = p.get("max_age").and_then(Value::as_u64) {
        policy = policy.max_age(u32::try_from(max_age).expect("max_age fits u32"));
    }
    let now = case["now"].as_i64().expect("now is an integer");
    let token = case["token"].as_str().expect("token is a string");
    let mut scratch = vec![0u8; jwt::scratch_len(policy.max_token_len())];
    let claims = jwt::verify(token.as_bytes(), keys.as_slice(), &policy, now, &mut scratch)?;
    Ok(serde_json::from_str(claims.json()).expect("verified claims are JSON"))
}

#[test]
fn shared_jwt_vectors() {
    let files = vector_files();
    assert!(!files.is_empty(), "no vector files found in {}", vector_dir().display());
    let mut failures = Vec::new();
    let mut total = 0;
    for (path, doc) in &files {
        for case in doc["cases"].as_array().expect("cases is an array") {
            total += 1;
            let name = case["name"].as_str().unwrap_or("?");
            let expect = &case["expect"];
            let got = run_case(case);
            let ok = match (expect["valid"].as_bool(), &got) {
                (Some(true), Ok(claims)) => expect.get("claims").is_none_or(|c| c == claims),
                (Some(false), Err(e)) => expect["code"].as_str() == Some(e.code()),
                _ => false,
            };
            if !ok {
                let got = match &got {
                    Ok(_) => "valid".to_owned(),
                    Err(e) => e.code().to_owned(),
                };
                failures.push(format!(
                    "{}: {name}: expected {}, got {got}",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    expect
                ));
            }
        }
    }
    eprintln!("{total} JWT vectors from {} files", files.len());
    assert!(total > 0);
    assert!(failures.is_empty(), "{} of {total} vectors failed:\n{}", failures.len(), failures.join("\n"));
}
