//! Wycheproof test vectors through the JWT layer's own signature code.
//!
//! Every vector goes through the public key constructors (`Key::p256`, `Key::rsa`, `Key::hmac`,
//! `Key::ed25519`, …) and [`Key::verify_signature`], the same code the token verifier calls, with
//! the JOSE algorithm that matches the vector's curve, hash and padding. Only groups that a JWS
//! algorithm can express are run (e.g. ES256 is P-256 with SHA-256 only; PS256 is MGF1-SHA-256 with
//! a 32-byte salt only); every other group is counted as skipped, with the reason.
//!
//! Expectations:
//! - `valid` must verify, except where apiward's key-strength policy refuses the key (HMAC secrets
//!   shorter than the hash output, RSA moduli under 2048 bits): then the verdict must be
//!   [`Error::WeakKey`], and it is counted separately.
//! - `invalid` must fail with [`Error::BadSignature`], or fail at key import with the one error the
//!   suite allows for bad public keys ([`Error::InvalidKey`] for EC points, [`Error::WeakKey`] for
//!   small-order Ed25519 points), counted separately.
//! - `acceptable` may go either way; the verdict is recorded and printed.
//!
//! Each test prints its counts (`cargo test --test jwt_wycheproof -- --nocapture`) and asserts that
//! vectors actually ran, so none can pass vacuously.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use apiward::jwt::{Algorithm, Error, Key};
use wycheproof::TestResult;

/// What apiward did with one vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// The key imported and the signature verified.
    Accepted,
    /// The key imported and `verify_signature` refused.
    Rejected(Error),
    /// The key constructor refused the key.
    ImportFailed(Error),
}

/// Imports nothing itself: runs `verify_signature` on an already-imported key (or passes the
/// import error through).
fn run(key: &Result<Key, Error>, alg: Algorithm, msg: &[u8], sig: &[u8]) -> Outcome {
    match key {
        Err(err) => Outcome::ImportFailed(*err),
        Ok(key) => match key.verify_signature(alg, msg, sig) {
            Ok(()) => Outcome::Accepted,
            Err(err) => Outcome::Rejected(err),
        },
    }
}

/// The import verdict only (`Ok(())` or the error), for comparing two import paths.
#[cfg(feature = "pem")]
fn import_verdict(key: &Result<Key, Error>) -> Result<(), Error> {
    key.as_ref().map(|_| ()).map_err(|e| *e)
}

/// One vector, for messages.
struct Case<'a> {
    file: &'a str,
    tc_id: usize,
    result: TestResult,
    comment: &'a str,
    flags: String,
}

impl Case<'_> {
    fn label(&self) -> String {
        format!("{} tcId {} ({:?}, flags {}, {:?})", self.file, self.tc_id, self.result, self.flags, self.comment)
    }
}

/// Counts per result category for one suite, and every mismatch.
#[derive(Default)]
struct Tally {
    valid_run: usize,
    valid_passed: usize,
    invalid_run: usize,
    invalid_passed: usize,
    /// Of `invalid_passed`: refused at key import with the allowed error.
    invalid_key_at_import: usize,
    acceptable_run: usize,
    acceptable_accepted: usize,
    acceptable_rejected: usize,
    /// Vectors (any result) whose key is below apiward's strength policy: must give `WeakKey`.
    weak_run: usize,
    weak_passed: usize,
    /// Of `weak_passed`: refused by the key constructor (the rest by `verify_signature`).
    weak_at_import: usize,
    /// Weak-key vectors per Wycheproof result (valid/invalid/acceptable).
    weak_by_result: BTreeMap<String, usize>,
    skipped_groups: usize,
    skipped_tests: usize,
    skip_reasons: BTreeMap<String, (usize, usize)>,
    acceptable_notes: Vec<String>,
    failures: Vec<String>,
}

impl Tally {
    /// Records a vector whose key apiward considers strong enough. `import_error` is the error a
    /// bad public key may give at import for an `invalid` vector (`None`: import must succeed).
    fn record(&mut self, case: &Case<'_>, outcome: Outcome, import_error: Option<Error>) {
        match case.result {
            TestResult::Valid => {
                self.valid_run += 1;
                if outcome == Outcome::Accepted {
                    self.valid_passed += 1;
                } else {
                    self.fail(case, outcome, "valid vector not accepted");
                }
            }
            TestResult::Invalid => {
                self.invalid_run += 1;
                match outcome {
                    Outcome::Rejected(Error::BadSignature) => self.invalid_passed += 1,
                    Outcome::ImportFailed(err) if Some(err) == import_error => {
                        self.invalid_passed += 1;
                        self.invalid_key_at_import += 1;
                    }
                    Outcome::Accepted => self.fail(case, outcome, "INVALID VECTOR ACCEPTED"),
                    _ => self.fail(case, outcome, "invalid vector rejected with the wrong error"),
                }
            }
            TestResult::Acceptable => {
                self.acceptable_run += 1;
                let verdict = match outcome {
                    Outcome::Accepted => {
                        self.acceptable_accepted += 1;
                        "accepted"
                    }
                    Outcome::Rejected(Error::BadSignature) => {
                        self.acceptable_rejected += 1;
                        "rejected (BadSignature)"
                    }
                    _ => {
                        self.fail(case, outcome, "acceptable vector gave an unexpected error");
                        return;
                    }
                };
                self.acceptable_notes.push(format!("{}: {verdict}", case.label()));
            }
        }
    }

    /// Records a vector whose key is below the strength policy: `WeakKey` at import or at verify.
    fn record_weak(&mut self, case: &Case<'_>, outcome: Outcome) {
        self.weak_run += 1;
        *self.weak_by_result.entry(format!("{:?}", case.result)).or_default() += 1;
        match outcome {
            Outcome::ImportFailed(Error::WeakKey) => {
                self.weak_passed += 1;
                self.weak_at_import += 1;
            }
            Outcome::Rejected(Error::WeakKey) => self.weak_passed += 1,
            _ => self.fail(case, outcome, "key below the strength policy not refused with WeakKey"),
        }
    }

    fn skip_group(&mut self, reason: String, tests: usize) {
        self.skipped_groups += 1;
        self.skipped_tests += tests;
        let entry = self.skip_reasons.entry(reason).or_default();
        entry.0 += 1;
        entry.1 += tests;
    }

    fn fail(&mut self, case: &Case<'_>, outcome: Outcome, what: &str) {
        self.failures.push(format!("{what}: {} -> {outcome:?}", case.label()));
    }

    /// Prints the counts and asserts that vectors ran and none mismatched.
    fn finish(&self, suite: &str) {
        let mut report = String::new();
        let _ = writeln!(
            report,
            "[wycheproof {suite}] valid {}/{} passed, invalid {}/{} passed ({} refused at key import), \
             acceptable {} run ({} accepted, {} rejected), weak-key policy {}/{} {:?} ({} at import), \
             skipped {} groups / {} tests",
            self.valid_passed,
            self.valid_run,
            self.invalid_passed,
            self.invalid_run,
            self.invalid_key_at_import,
            self.acceptable_run,
            self.acceptable_accepted,
            self.acceptable_rejected,
            self.weak_passed,
            self.weak_run,
            self.weak_by_result,
            self.weak_at_import,
            self.skipped_groups,
            self.skipped_tests,
        );
        for (reason, (groups, tests)) in &self.skip_reasons {
            let _ = writeln!(report, "[wycheproof {suite}]   skipped {groups} groups / {tests} tests: {reason}");
        }
        for note in &self.acceptable_notes {
            let _ = writeln!(report, "[wycheproof {suite}]   acceptable {note}");
        }
        for failure in &self.failures {
            let _ = writeln!(report, "[wycheproof {suite}]   FAILURE {failure}");
        }
        eprint!("{report}");
        assert!(
            self.failures.is_empty(),
            "{suite}: {} Wycheproof mismatches:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
        assert!(self.valid_run > 0 && self.valid_passed > 0, "{suite}: no valid vectors ran");
        assert!(self.invalid_run > 0 && self.invalid_passed > 0, "{suite}: no invalid vectors ran");
    }
}

fn flags<T: std::fmt::Debug>(flags: &[T]) -> String {
    format!("{flags:?}")
}

// ---------------------------------------------------------------------------------------------
// ECDSA (P1363 raw R‖S) → ES256 / ES384 / ES512
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "ecdsa")]
mod ecdsa_vectors {
    use super::*;
    use wycheproof::ecdsa::{TestName, TestSet};
    use wycheproof::{EllipticCurve, HashFunction};

    /// The P1363 files for the three JOSE curves, including the hash pairings JOSE does not use
    /// (those groups are skipped and counted).
    const FILES: [TestName; 8] = [
        TestName::EcdsaSecp256r1Sha256P1363,
        TestName::EcdsaSecp256r1Sha512P1363,
        TestName::EcdsaSecp256r1Shake128P1363,
        TestName::EcdsaSecp384r1Sha384P1363,
        TestName::EcdsaSecp384r1Sha512P1363,
        TestName::EcdsaSecp384r1Shake256P1363,
        TestName::EcdsaSecp521r1Sha512P1363,
        TestName::EcdsaSecp521r1Shake256P1363,
    ];

    /// A raw SEC1 key constructor (`Key::p256` etc.).
    type Import = fn(&[u8]) -> Result<Key, Error>;

    /// The JOSE algorithm and key constructor for a curve, and the hash JOSE pairs with it.
    fn jose(curve: EllipticCurve) -> Option<(Algorithm, HashFunction, Import)> {
        match curve {
            EllipticCurve::Secp256r1 => Some((Algorithm::ES256, HashFunction::Sha2_256, Key::p256)),
            EllipticCurve::Secp384r1 => Some((Algorithm::ES384, HashFunction::Sha2_384, Key::p384)),
            EllipticCurve::Secp521r1 => Some((Algorithm::ES512, HashFunction::Sha2_512, Key::p521)),
            _ => None,
        }
    }

    fn run_suite(alg: Algorithm) {
        let mut tally = Tally::default();
        for name in FILES {
            let set = TestSet::load(name).expect("wycheproof data loads");
            let file = format!("{name:?}");
            for group in &set.test_groups {
                let Some((group_alg, hash, import)) = jose(group.key.curve) else {
                    continue;
                };
                if group_alg != alg {
                    continue;
                }
                if group.hash != hash {
                    tally.skip_group(
                        format!("{:?} with {:?}: {alg:?} is {hash:?} only", group.key.curve, group.hash),
                        group.tests.len(),
                    );
                    continue;
                }
                let key = import(&group.key.key);
                // The SPKI import path must agree with the raw-point path.
                #[cfg(feature = "pem")]
                assert_eq!(
                    import_verdict(&Key::from_spki_der(&group.der)),
                    import_verdict(&key),
                    "{file}: SPKI and SEC1 imports disagree"
                );
                for test in &group.tests {
                    let case = Case {
                        file: &file,
                        tc_id: test.tc_id,
                        result: test.result,
                        comment: &test.comment,
                        flags: flags(&test.flags),
                    };
                    let outcome = run(&key, alg, &test.msg, &test.sig);
                    tally.record(&case, outcome, Some(Error::InvalidKey));
                }
            }
        }
        tally.finish(&format!("{alg:?}"));
    }

    #[test]
    fn es256_p256_sha256_p1363() {
        run_suite(Algorithm::ES256);
    }

    #[test]
    fn es384_p384_sha384_p1363() {
        run_suite(Algorithm::ES384);
    }

    #[test]
    fn es512_p521_sha512_p1363() {
        run_suite(Algorithm::ES512);
    }
}

// ---------------------------------------------------------------------------------------------
// RSA PKCS#1 v1.5 → RS256 / RS384 / RS512, and RSA-PSS → PS256 / PS384 / PS512
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "rsa")]
mod rsa_vectors {
    use super::*;
    use wycheproof::{HashFunction, Mgf};

    /// The JOSE algorithm for an RSA hash, and the hash output length in bytes.
    fn sha2(hash: HashFunction) -> Option<(usize, Algorithm, Algorithm)> {
        match hash {
            HashFunction::Sha2_256 => Some((32, Algorithm::RS256, Algorithm::PS256)),
            HashFunction::Sha2_384 => Some((48, Algorithm::RS384, Algorithm::PS384)),
            HashFunction::Sha2_512 => Some((64, Algorithm::RS512, Algorithm::PS512)),
            _ => None,
        }
    }

    /// PKCS#1 v1.5 over every `rsa_signature_*` file with a modulus size in `sizes`.
    fn pkcs1_suite(suite: &str, sizes: &[usize]) {
        use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
        let mut tally = Tally::default();
        for name in TestName::all() {
            let set = TestSet::load(name).expect("wycheproof data loads");
            let file = format!("{name:?}");
            for group in &set.test_groups {
                let Some((_, alg, _)) = sha2(group.hash) else {
                    tally.skip_group(format!("hash {:?}: no JOSE algorithm", group.hash), group.tests.len());
                    continue;
                };
                if !sizes.contains(&group.key_size) && group.key_size >= 2048 {
                    tally.skip_group(format!("{}-bit keys: run by another test", group.key_size), group.tests.len());
                    continue;
                }
                let key = Key::rsa(&group.key.n, &group.key.e);
                #[cfg(feature = "pem")]
                assert_eq!(
                    import_verdict(&Key::from_spki_der(&group.der)),
                    import_verdict(&key),
                    "{file}: SPKI and (n, e) imports disagree"
                );
                let weak = group.key_size < 2048;
                for test in &group.tests {
                    let case = Case {
                        file: &file,
                        tc_id: test.tc_id,
                        result: test.result,
                        comment: &test.comment,
                        flags: flags(&test.flags),
                    };
                    let outcome = run(&key, alg, &test.msg, &test.sig);
                    if weak {
                        tally.record_weak(&case, outcome);
                    } else {
                        tally.record(&case, outcome, None);
                    }
                }
            }
        }
        tally.finish(suite);
    }

    #[test]
    fn rs256_rs384_rs512_pkcs1v15_2048_to_4096() {
        pkcs1_suite("RS256/RS384/RS512 (2048-4096)", &[2048, 3072, 4096]);
    }

    #[test]
    fn rs256_rs384_rs512_pkcs1v15_8192() {
        pkcs1_suite("RS256/RS384/RS512 (8192)", &[8192]);
    }

    #[test]
    fn ps256_ps384_ps512_pss() {
        use wycheproof::rsa_pss_verify::{TestName, TestSet};
        let mut tally = Tally::default();
        for name in TestName::all() {
            let set = TestSet::load(name).expect("wycheproof data loads");
            let file = format!("{name:?}");
            for group in &set.test_groups {
                let Some((h_len, _, alg)) = sha2(group.hash) else {
                    tally.skip_group(format!("hash {:?}: no JOSE algorithm", group.hash), group.tests.len());
                    continue;
                };
                if group.mgf != Mgf::Mgf1 || group.mgf_hash != Some(group.hash) {
                    tally.skip_group(
                        format!(
                            "{:?} with {:?}({:?}): JOSE needs MGF1 with the message hash",
                            group.hash, group.mgf, group.mgf_hash
                        ),
                        group.tests.len(),
                    );
                    continue;
                }
                if group.salt_size != h_len {
                    tally.skip_group(
                        format!("{:?} with sLen {}: JOSE needs sLen = {h_len}", group.hash, group.salt_size),
                        group.tests.len(),
                    );
                    continue;
                }
                let key = Key::rsa(&group.key.n, &group.key.e);
                let weak = group.key_size < 2048;
                for test in &group.tests {
                    let case = Case {
                        file: &file,
                        tc_id: test.tc_id,
                        result: test.result,
                        comment: &test.comment,
                        flags: flags(&test.flags),
                    };
                    let outcome = run(&key, alg, &test.msg, &test.sig);
                    if weak {
                        tally.record_weak(&case, outcome);
                    } else {
                        tally.record(&case, outcome, None);
                    }
                }
            }
        }
        tally.finish("PS256/PS384/PS512");
    }
}

// ---------------------------------------------------------------------------------------------
// HMAC → HS256 / HS384 / HS512
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "hmac")]
#[test]
fn hs256_hs384_hs512_hmac() {
    use wycheproof::mac::{TestName, TestSet};
    let mut tally = Tally::default();
    for (name, alg, h_len) in [
        (TestName::HmacSha256, Algorithm::HS256, 32usize),
        (TestName::HmacSha384, Algorithm::HS384, 48),
        (TestName::HmacSha512, Algorithm::HS512, 64),
    ] {
        let set = TestSet::load(name).expect("wycheproof data loads");
        let file = format!("{name:?}");
        for group in &set.test_groups {
            if group.tag_size != h_len * 8 {
                tally.skip_group(
                    format!("{alg:?} truncated {}-bit tag: JWS uses the full tag", group.tag_size),
                    group.tests.len(),
                );
                continue;
            }
            for test in &group.tests {
                let case = Case {
                    file: &file,
                    tc_id: test.tc_id,
                    result: test.result,
                    comment: &test.comment,
                    flags: flags(&test.flags),
                };
                let key = Key::hmac(&test.key);
                let outcome = run(&key, alg, &test.msg, &test.tag);
                if test.key.len() < h_len {
                    tally.record_weak(&case, outcome);
                } else {
                    tally.record(&case, outcome, None);
                }
            }
        }
    }
    tally.finish("HS256/HS384/HS512");
}

// ---------------------------------------------------------------------------------------------
// Ed25519 → EdDSA
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "eddsa")]
#[test]
fn eddsa_ed25519() {
    use wycheproof::eddsa::{TestName, TestSet};
    let mut tally = Tally::default();
    let set = TestSet::load(TestName::Ed25519).expect("wycheproof data loads");
    let file = "ed25519_test";
    for group in &set.test_groups {
        let key = Key::ed25519(&group.key.pk);
        #[cfg(feature = "pem")]
        assert_eq!(
            import_verdict(&Key::from_spki_der(&group.der)),
            import_verdict(&key),
            "{file}: SPKI and raw imports disagree"
        );
        for test in &group.tests {
            let case = Case {
                file,
                tc_id: test.tc_id,
                result: test.result,
                comment: &test.comment,
                flags: flags(&test.flags),
            };
            let outcome = run(&key, Algorithm::EdDSA, &test.msg, &test.sig);
            tally.record(&case, outcome, Some(Error::WeakKey));
        }
    }
    tally.finish("EdDSA");
}
