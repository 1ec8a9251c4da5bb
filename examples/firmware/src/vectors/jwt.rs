//! JWT vectors: build the key set from the case's JWKS, verify under its (constant) policy at its `now`,
//! and compare the verdict (claims text or error code) with the vector's.

use apiward::jwt::{self, Error, KeySet};

use super::data::{Expect, JwtCase, JWT_BUDGET, JWT_CASES, JWT_SKIPPED, MAX_KEYS, MAX_TOKEN};
use crate::{stack, Report, Tally};

/// Scratch for the decoded token: enough for the longest kept token (see `jwt::scratch_len`).
const SCRATCH: usize = jwt::scratch_len(MAX_TOKEN);

/// JSON whitespace around the claims object is not part of the verdict.
fn trim(b: &[u8]) -> &[u8] {
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let start = b.iter().position(|c| !ws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !ws(c)).map_or(start, |i| i + 1);
    &b[start..end]
}

/// Runs one case, returning (verdict matches, the verdict's code or "valid").
#[inline(never)]
fn run_case(case: &JwtCase, scratch: &mut [u8], report: &mut Report) -> (bool, &'static str) {
    let policy = &case.policy;
    // Imported in place into a set this frame owns (the set is not part of the import's stack figure).
    let mut keys = KeySet::<MAX_KEYS>::new();
    #[cfg(not(feature = "hmac-secret"))]
    let imported = {
        let (imported, used) = stack::measure(|| keys.extend_from_jwks(super::data::JWKS[case.jwks]));
        report.record("jwks import", used);
        imported
    };
    #[cfg(feature = "hmac-secret")]
    let imported = hmac_keys(&mut keys, super::data::HMAC_SECRETS[case.jwks]);
    if let Err(e) = imported {
        return (matches!(case.expect, Expect::Reject(code) if code == e.code()), e.code());
    }
    let (verdict, used) = stack::measure(|| {
        jwt::verify(case.token, keys.as_slice(), policy, case.now, scratch).map(|claims| {
            let claims_ok = matches!(case.expect, Expect::Valid(want) if trim(claims.json().as_bytes()) == want);
            claims_ok
        })
    });
    report.record(
        match case.op {
            "HS256" => "verify HS256",
            "ES256" => "verify ES256",
            "RS256" => "verify RS256",
            "EdDSA" => "verify EdDSA",
            _ => "verify other alg",
        },
        used,
    );
    match (verdict, &case.expect) {
        (Ok(claims_ok), Expect::Valid(_)) => (claims_ok, if claims_ok { "valid" } else { "valid, other claims" }),
        (Ok(_), Expect::Reject(_)) => (false, "valid"),
        (Err(e), Expect::Reject(code)) => (*code == e.code(), e.code()),
        (Err(e), Expect::Valid(_)) => (false, Error::code(e)),
    }
}

/// `hmac-secret`: the case's keys from their raw secrets, as a firmware holding a shared secret builds
/// them (no JWK parsing linked).
#[cfg(feature = "hmac-secret")]
fn hmac_keys(keys: &mut KeySet<MAX_KEYS>, secrets: &[(&str, &[u8])]) -> Result<(), Error> {
    for &(kid, secret) in secrets {
        let key = apiward::jwt::Key::hmac(secret)?;
        let key = if kid.is_empty() { key } else { key.with_kid(kid)? };
        keys.push(key).map_err(|_| Error::InvalidKey)?;
    }
    Ok(())
}

/// Runs every compiled-in JWT vector.
#[inline(never)]
pub fn run(tally: &mut Tally, report: &mut Report) {
    let mut scratch = [0u8; SCRATCH];
    for case in JWT_CASES {
        let (ok, got) = run_case(case, &mut scratch, report);
        let want = match case.expect {
            Expect::Valid(_) => "valid",
            Expect::Reject(code) => code,
        };
        tally.check(ok, format_args!("jwt {}/{} [{}]: {} (expected {})", case.file, case.name, case.op, got, want));
    }
    cortex_m_semihosting::hprintln!(
        "jwt: {} cases run; {} more for these algorithms skipped (tokens over 2 KiB, or past the {} byte flash budget for JWT data)",
        JWT_CASES.len(),
        JWT_SKIPPED,
        JWT_BUDGET
    );
}
