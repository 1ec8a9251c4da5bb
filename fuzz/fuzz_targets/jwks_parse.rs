//! Fuzzes key import: the same bytes go to `KeySet::<4>::from_jwks`, `Key::from_jwk`,
//! `Key::from_pem` and `Key::from_spki_der`. None may panic. Every key that imports is then used
//! once per algorithm it accepts, with the input as a (bogus) signature, which must be rejected
//! without panicking.
#![no_main]

use apiward::jwt::{Algorithm, Error, Key, KeySet, MAX_KID_BYTES};
use libfuzzer_sys::fuzz_target;

const MESSAGE: &[u8] = b"eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9";

fn exercise(key: &Key, data: &[u8]) {
    assert!(key.kid().is_none_or(|k| k.len() <= MAX_KID_BYTES));
    let _ = key.alg();
    let _ = key.is_supported();
    for alg in Algorithm::ALL {
        if !key.accepts(alg) {
            continue;
        }
        if let Some(bound) = key.alg() {
            assert_eq!(bound, alg, "a key bound to one alg accepted another");
        }
        // The input is no signature of MESSAGE under a key it also encodes (not with any
        // realistic probability): it must fail, and fail as BadSignature.
        let sig = &data[..data.len().min(1100)];
        match key.verify_signature(alg, MESSAGE, sig) {
            Err(Error::BadSignature) | Err(Error::KeyAlgMismatch) | Err(Error::WeakKey) => {}
            other => panic!("bogus signature for {alg:?}: {other:?}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(set) = KeySet::<4>::from_jwks(data) {
        assert!(set.len() <= 4);
        assert_eq!(set.is_empty(), set.as_slice().is_empty());
        for key in set.as_slice() {
            exercise(key, data);
        }
    }
    if let Ok(key) = Key::from_jwk(data) {
        exercise(&key, data);
    }
    if let Ok(key) = Key::from_pem(data) {
        exercise(&key, data);
    }
    if let Ok(key) = Key::from_spki_der(data) {
        exercise(&key, data);
    }
});
