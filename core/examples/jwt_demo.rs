//! `make demo`, JWT scene: verifies sample tokens (or the tokens given as arguments) and prints
//! each verdict with its stable code.
//!
//! ```text
//! cargo run --example jwt_demo                 # the built-in story
//! cargo run --example jwt_demo -- <token>...   # your own HS256 tokens, signed with the demo secret
//! ```

use apiward::jwt::{self, Algorithm, AlgorithmSet, Key, Policy, SigningKey};

/// The W1 workload's clock: NOW = 1_800_000_000, verification at NOW + 60.
const NOW: i64 = 1_800_000_000;

fn claims(exp: i64, aud: &str) -> String {
    format!(
        r#"{{"sub":"user-1234","iss":"https://auth.example.com/","aud":"{aud}","iat":{NOW},"nbf":{NOW},"exp":{exp},"scope":"orders:read orders:write"}}"#
    )
}

fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            let index = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
            out.push(char::from(ALPHABET[index]));
        }
    }
    out
}

fn main() -> Result<(), jwt::Error> {
    let secret: Vec<u8> = (0u8..32).collect();
    let hs = SigningKey::hmac(&secret)?;
    let es = SigningKey::es256(&[0x42; 32])?;
    let ed = SigningKey::ed25519(&[0x17; 32])?;
    let keys =
        [Key::hmac(&secret)?.with_kid("hs")?, es.public_key()?.with_kid("es")?, ed.public_key()?.with_kid("ed")?];
    let policy = Policy::new(AlgorithmSet::from_slice(&[Algorithm::HS256, Algorithm::ES256, Algorithm::EdDSA]))
        .issuers(&["https://auth.example.com/"])
        .audiences(&["api://orders"])
        .leeway(30);
    let verifier = jwt::Verifier::new(&keys, policy);

    let mut buf = [0u8; 2048];
    let mut mint = |alg, key: &SigningKey, kid, body: &str| -> Result<String, jwt::Error> {
        jwt::sign(alg, key, body.as_bytes(), Some(kid), &mut buf).map(str::to_owned)
    };
    let good = claims(NOW + 900, "api://orders");
    let hs_token = mint(Algorithm::HS256, &hs, "hs", &good)?;
    let es_token = mint(Algorithm::ES256, &es, "es", &good)?;
    let ed_token = mint(Algorithm::EdDSA, &ed, "ed", &good)?;
    let expired = mint(Algorithm::HS256, &hs, "hs", &claims(NOW - 3600, "api://orders"))?;
    let wrong_aud = mint(Algorithm::HS256, &hs, "hs", &claims(NOW + 900, "api://billing"))?;
    let unknown_kid = mint(Algorithm::ES256, &es, "rotated-away", &good)?;
    let mut forged = hs_token.clone();
    forged.pop();
    forged.push(if hs_token.ends_with('A') { 'B' } else { 'A' });
    let payload = hs_token.split('.').nth(1).unwrap_or_default().to_owned();
    let alg_none = format!("{}.{payload}.", b64(br#"{"alg":"none","typ":"JWT"}"#));
    let crit = format!("{}.{payload}.sig", b64(br#"{"alg":"HS256","crit":["exp"],"exp":1}"#));
    let duplicate = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"HS256","kid":"hs"}"#),
        b64(br#"{"sub":"user-1234","sub":"admin","exp":1800000900}"#),
        "AAAA"
    );

    let args: Vec<String> = std::env::args().skip(1).collect();
    let scenes: Vec<(String, String)> = if args.is_empty() {
        vec![
            ("valid HS256 token".into(), hs_token),
            ("valid ES256 token".into(), es_token),
            ("valid EdDSA token".into(), ed_token),
            ("expired token".into(), expired),
            ("signature tampered".into(), forged),
            ("alg: none".into(), alg_none),
            ("audience for another API".into(), wrong_aud),
            ("kid of a retired key".into(), unknown_kid),
            ("crit extension".into(), crit),
            ("duplicate claim names".into(), duplicate),
            ("Bearer prefix left on".into(), format!("Bearer {}", args.first().map_or("x.y.z", |s| s))),
        ]
    } else {
        args.into_iter().enumerate().map(|(i, t)| (format!("argument {}", i + 1), t)).collect()
    };

    println!("apiward JWT verdicts (now = {}, leeway 30 s)", NOW + 60);
    let mut scratch = [0u8; jwt::scratch_len(jwt::DEFAULT_MAX_TOKEN_BYTES)];
    for (label, token) in scenes {
        match verifier.verify(token.as_bytes(), NOW + 60, &mut scratch) {
            Ok(c) => {
                let sub = c.sub().and_then(|s| s.as_plain()).unwrap_or("-");
                println!("  ACCEPT  {label:<28} alg={} sub={sub}", c.header().alg());
            }
            Err(e) => println!("  REJECT  {label:<28} code={:<18} {}", e.code(), e),
        }
    }
    Ok(())
}
