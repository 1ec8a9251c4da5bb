//! RSA signature verification (RS256/384/512, PS256/384/512) through apiward's public API only:
//! `Key::rsa`, `Key::from_spki_der`, `Key::from_pem` and `Key::verify_signature`.
//!
//! Proves that:
//! - signatures made by an independent signer (the `rsa` crate) verify at 2048, 3072, 4096, 6144
//!   and 8192 bits and at odd sizes (2049, 2050, 2057, 2063, 3073, 4097 bits: modBits ≡ 1 mod 8
//!   gives a PSS encoded message one byte shorter than the modulus), whichever way the key is
//!   imported (raw (n, e), SPKI DER, PEM);
//! - every bad signature gives exactly `Error::BadSignature`: tampered message or signature,
//!   another scheme or hash, an extra or stripped leading zero, truncation, s ≥ n (s + n, n,
//!   all-ones), s = n − 1, s = 0 and s = 1;
//! - key import refuses moduli under 2048 bits (`WeakKey`), over 8192 bits, even moduli and
//!   exponents that are even, below 3 or longer than 8 bytes (`InvalidKey`), alike for raw, SPKI
//!   and PEM input, and accepts any odd exponent from 3 to 2^64 − 1;
//! - the e = 3 Bleichenbacher forgery fails, and so do malformed PKCS#1 v1.5 blocks signed with the
//!   real private key (garbage after the hash, short or holed padding, wrong block type, missing
//!   NULL, bare hash, wrong OID, BER length, missing separator);
//! - PSS accepts only sLen = hLen, the 0xbc trailer, clear unused top bits, the 0x01 separator and
//!   MGF1 with the message hash.
//!
//! The same file runs with `--features ring` (ring verifies RSA, except exponents over 2^33 − 1):
//! every verdict must be the same. Keys are throwaway PKCS#8 PEM files in `tests/data/` (RSA key
//! generation is far too slow in debug builds). Wycheproof's RSA vectors are in `jwt_wycheproof.rs`.
#![cfg(all(feature = "rsa", feature = "pem"))]

use apiward::jwt::{Algorithm, Error, Key};
use num_bigint_dig::ModInverse;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
use rsa::rand_core::{CryptoRng, RngCore};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256, Sha384, Sha512};

/// A JWS signing input.
const MSG: &[u8] = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9";
/// Another signing input.
const OTHER_MSG: &[u8] = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0";

/// Every RSA algorithm apiward verifies.
const RSA_ALGS: [Algorithm; 6] =
    [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256, Algorithm::PS384, Algorithm::PS512];

/// The SHA-2 hash behind an RSA algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sha {
    S256,
    S384,
    S512,
}

const SHAS: [Sha; 3] = [Sha::S256, Sha::S384, Sha::S512];

impl Sha {
    fn rs(self) -> Algorithm {
        match self {
            Sha::S256 => Algorithm::RS256,
            Sha::S384 => Algorithm::RS384,
            Sha::S512 => Algorithm::RS512,
        }
    }

    fn ps(self) -> Algorithm {
        match self {
            Sha::S256 => Algorithm::PS256,
            Sha::S384 => Algorithm::PS384,
            Sha::S512 => Algorithm::PS512,
        }
    }

    fn len(self) -> usize {
        match self {
            Sha::S256 => 32,
            Sha::S384 => 48,
            Sha::S512 => 64,
        }
    }

    fn digest(self, msg: &[u8]) -> Vec<u8> {
        match self {
            Sha::S256 => Sha256::digest(msg).to_vec(),
            Sha::S384 => Sha384::digest(msg).to_vec(),
            Sha::S512 => Sha512::digest(msg).to_vec(),
        }
    }

    /// PKCS#1 v1.5 `DigestInfo` prefix (RFC 8017 §9.2 note 1), up to the hash value.
    fn digest_info(self) -> Vec<u8> {
        let (oid_last, len) = match self {
            Sha::S256 => (1, 0x20),
            Sha::S384 => (2, 0x30),
            Sha::S512 => (3, 0x40),
        };
        vec![
            0x30,
            0x11 + len,
            0x30,
            0x0d,
            0x06,
            0x09,
            0x60,
            0x86,
            0x48,
            0x01,
            0x65,
            0x03,
            0x04,
            0x02,
            oid_last,
            0x05,
            0x00,
            0x04,
            len,
        ]
    }
}

/// Deterministic RNG (splitmix64) for PSS salts and blinding: reproducible signatures.
struct TestRng(u64);

impl RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        u32::try_from(self.next_u64() >> 32).unwrap_or_default()
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for TestRng {}

/// `true` if the signature verifies, `false` for `Error::BadSignature`; any other error fails the test.
fn verifies(key: &Key, alg: Algorithm, msg: &[u8], sig: &[u8]) -> bool {
    match key.verify_signature(alg, msg, sig) {
        Ok(()) => true,
        Err(Error::BadSignature) => false,
        Err(other) => panic!("{alg:?}: expected Ok or BadSignature, got {other:?}"),
    }
}

/// A stored throwaway key from `tests/data/<name>.pem`.
fn load(name: &str) -> RsaPrivateKey {
    let path = format!("{}/tests/data/{name}.pem", env!("CARGO_MANIFEST_DIR"));
    let pem = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    RsaPrivateKey::from_pkcs8_pem(&pem).unwrap_or_else(|err| panic!("{path}: {err}"))
}

/// The public key through `Key::rsa` (n, e big-endian).
fn key_of(sk: &RsaPrivateKey) -> Key {
    Key::rsa(&sk.n().to_bytes_be(), &sk.e().to_bytes_be()).expect("key accepted")
}

/// SPKI DER of any (n, e), even ones the `rsa` crate would refuse.
fn spki_der(n: &BigUint, e: &BigUint) -> Vec<u8> {
    RsaPublicKey::new_unchecked(n.clone(), e.clone()).to_public_key_der().expect("SPKI DER").as_bytes().to_vec()
}

/// SPKI PEM (`-----BEGIN PUBLIC KEY-----`) of any (n, e).
fn spki_pem(n: &BigUint, e: &BigUint) -> String {
    RsaPublicKey::new_unchecked(n.clone(), e.clone()).to_public_key_pem(LineEnding::LF).expect("SPKI PEM")
}

/// `Some(error)` if an import failed.
fn import_error(result: &Result<Key, Error>) -> Option<Error> {
    result.as_ref().err().copied()
}

/// `value` big-endian, left-padded with zeros to `k` bytes.
fn to_k_bytes(value: &BigUint, k: usize) -> Vec<u8> {
    let bytes = value.to_bytes_be();
    assert!(bytes.len() <= k);
    [vec![0u8; k - bytes.len()], bytes].concat()
}

fn pkcs1_scheme(sha: Sha) -> Pkcs1v15Sign {
    match sha {
        Sha::S256 => Pkcs1v15Sign::new::<Sha256>(),
        Sha::S384 => Pkcs1v15Sign::new::<Sha384>(),
        Sha::S512 => Pkcs1v15Sign::new::<Sha512>(),
    }
}

/// RSASSA-PSS with MGF1 of the same hash and `salt` bytes of salt.
fn pss_scheme(sha: Sha, salt: usize) -> Pss {
    match sha {
        Sha::S256 => Pss::new_with_salt::<Sha256>(salt),
        Sha::S384 => Pss::new_with_salt::<Sha384>(salt),
        Sha::S512 => Pss::new_with_salt::<Sha512>(salt),
    }
}

fn sign_pkcs1(sk: &RsaPrivateKey, sha: Sha, msg: &[u8]) -> Vec<u8> {
    sk.sign(pkcs1_scheme(sha), &sha.digest(msg)).expect("PKCS#1 v1.5 signature")
}

/// PSS signature with `salt` bytes of salt (the hash length if `None`).
fn sign_pss(sk: &RsaPrivateKey, sha: Sha, msg: &[u8], salt: Option<usize>) -> Vec<u8> {
    let scheme = pss_scheme(sha, salt.unwrap_or(sha.len()));
    sk.sign_with_rng(&mut TestRng(99), scheme, &sha.digest(msg)).expect("PSS signature")
}

/// RS256, PS256, RS384, PS384, RS512 and PS512 signatures of `MSG`, made now by the `rsa` crate.
fn fresh_signatures(sk: &RsaPrivateKey) -> Vec<(Algorithm, Vec<u8>)> {
    SHAS.into_iter()
        .flat_map(|sha| [(sha.rs(), sign_pkcs1(sk, sha, MSG)), (sha.ps(), sign_pss(sk, sha, MSG, None))])
        .collect()
}

fn signatures_path(name: &str) -> String {
    format!("{}/tests/data/{name}.sig", env!("CARGO_MANIFEST_DIR"))
}

/// The `fresh_signatures` of a big key, stored in `tests/data/<name>.sig` (one `ALG hex` line
/// each; remake with `cargo test --test jwt_rsa -- --ignored store_big_key_signatures`): a
/// private-key operation at 6144 or 8192 bits takes seconds in a debug build. Each one is first
/// checked with the `rsa` crate's own verifier (a fast public-key operation).
fn stored_signatures(sk: &RsaPrivateKey, name: &str) -> Vec<(Algorithm, Vec<u8>)> {
    let path = signatures_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    let public = sk.to_public_key();
    let mut out = Vec::new();
    for sha in SHAS {
        for alg in [sha.rs(), sha.ps()] {
            let tag = format!("{alg:?} ");
            let line = text.lines().find(|line| line.starts_with(&tag)).unwrap_or_else(|| panic!("{path}: no {alg:?}"));
            let sig = hex::decode(&line[tag.len()..]).unwrap_or_else(|err| panic!("{path}: {alg:?}: {err}"));
            let digest = sha.digest(MSG);
            let checked = if alg == sha.rs() {
                public.verify(pkcs1_scheme(sha), &digest, &sig)
            } else {
                public.verify(pss_scheme(sha, sha.len()), &digest, &sig)
            };
            checked.unwrap_or_else(|err| panic!("{path}: {alg:?} is not a signature of MSG: {err}"));
            out.push((alg, sig));
        }
    }
    out
}

#[test]
#[ignore = "slow: remakes tests/data/rsa6144.sig and rsa8192.sig"]
fn store_big_key_signatures() {
    for name in ["rsa6144", "rsa8192"] {
        let sk = load(name);
        let text: String =
            fresh_signatures(&sk).iter().map(|(alg, sig)| format!("{alg:?} {}\n", hex::encode(sig))).collect();
        std::fs::write(signatures_path(name), text).expect("write signatures");
    }
}

/// `em^d mod n` by the CRT with the key's two primes: a raw private-key operation on an arbitrary
/// k-byte block, to "sign" malformed blocks. Checked against `s^e mod n`.
fn raw_sign_with(sk: &RsaPrivateKey, d: &BigUint, e: &BigUint, em: &[u8]) -> Vec<u8> {
    let m = BigUint::from_bytes_be(em);
    assert!(&m < sk.n(), "block not below n");
    let [p, q] = sk.primes() else { panic!("two-prime key expected") };
    let one = BigUint::from(1u32);
    let m1 = m.modpow(&(d % (p - &one)), p);
    let m2 = m.modpow(&(d % (q - &one)), q);
    let q_inv = sk.crt_coefficient().expect("q^-1 mod p");
    let h = ((&m1 + p - (&m2 % p)) * q_inv) % p;
    let s = m2 + h * q;
    assert_eq!(s.modpow(e, sk.n()), m, "raw signature does not invert");
    to_k_bytes(&s, sk.size())
}

fn raw_sign(sk: &RsaPrivateKey, em: &[u8]) -> Vec<u8> {
    raw_sign_with(sk, sk.d(), sk.e(), em)
}

/// `00 01 ff… 00 t`, k bytes.
fn pkcs1_block(k: usize, t: &[u8]) -> Vec<u8> {
    [&[0x00, 0x01][..], &vec![0xff; k - 3 - t.len()], &[0x00], t].concat()
}

/// MGF1 with `sha`.
fn mgf1(sha: Sha, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut counter = 0u32;
    while out.len() < len {
        out.extend(sha.digest(&[seed, &counter.to_be_bytes()].concat()));
        counter += 1;
    }
    out.truncate(len);
    out
}

/// How to (mis)build an EMSA-PSS block.
#[derive(Clone, Copy)]
struct PssLayout {
    trailer: u8,
    /// Set bit emBits of the block (the lowest bit that must be clear: emBits = modBits − 1).
    top_bit: bool,
    /// The byte between the zero padding and the salt (0x01).
    separator: u8,
    /// The MGF1 hash (the message hash).
    mgf: Sha,
}

impl PssLayout {
    fn correct(sha: Sha) -> Self {
        PssLayout { trailer: 0xbc, top_bit: false, separator: 0x01, mgf: sha }
    }
}

/// EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of `msg` as a k-byte block for `raw_sign`.
fn pss_block(sk: &RsaPrivateKey, sha: Sha, msg: &[u8], salt: &[u8], layout: PssLayout) -> Vec<u8> {
    let k = sk.size();
    let em_bits = sk.n().bits() - 1;
    let em_len = em_bits.div_ceil(8);
    let h_len = sha.len();
    let hh = sha.digest(&[&[0u8; 8][..], &sha.digest(msg), salt].concat());
    let db_len = em_len - h_len - 1;
    let mut db = [&vec![0u8; db_len - salt.len() - 1][..], &[layout.separator], salt].concat();
    for (d, m) in db.iter_mut().zip(mgf1(layout.mgf, &hh, db_len)) {
        *d ^= m;
    }
    db[0] &= 0xff >> (8 * em_len - em_bits);
    let mut block = [&vec![0u8; k - em_len][..], &db, &hh, &[layout.trailer]].concat();
    if layout.top_bit {
        // In the leading zero byte of the k-byte block when modBits ≡ 1 (mod 8).
        block[k - 1 - em_bits / 8] |= 1 << (em_bits % 8);
    }
    block
}

/// Raw signature of the first EMSA-PSS block below n, with salt = hLen copies of 0x5a, 0x5b, …
fn sign_pss_block(sk: &RsaPrivateKey, sha: Sha, layout: PssLayout) -> Vec<u8> {
    for fill in 0x5a..=0xff {
        let em = pss_block(sk, sha, MSG, &vec![fill; sha.len()], layout);
        if BigUint::from_bytes_be(&em) < *sk.n() {
            return raw_sign(sk, &em);
        }
    }
    panic!("no PSS block below n");
}

/// Genuine signatures (`sigs`, of `MSG`) verify through all three import paths; every corruption
/// gives `BadSignature`.
fn check_key(sk: &RsaPrivateKey, sigs: &[(Algorithm, Vec<u8>)]) {
    let bits = sk.n().bits();
    let k = sk.size();
    let key = key_of(sk);
    let from_spki = Key::from_spki_der(&spki_der(sk.n(), sk.e())).expect("SPKI key accepted");
    let from_pem = Key::from_pem(spki_pem(sk.n(), sk.e()).as_bytes()).expect("PEM key accepted");
    let n = sk.n().to_bytes_be();
    let n_minus_1 = to_k_bytes(&(sk.n() - &BigUint::from(1u32)), k);
    let s_one = to_k_bytes(&BigUint::from(1u32), k);
    assert_eq!(sigs.len(), RSA_ALGS.len());
    for (alg, sig) in sigs {
        let (alg, sig) = (*alg, sig.as_slice());
        let ctx = format!("{alg:?} with a {bits}-bit key");
        assert_eq!(sig.len(), k, "{ctx}");
        for (how, key) in [("n, e", &key), ("SPKI", &from_spki), ("PEM", &from_pem)] {
            assert!(verifies(key, alg, MSG, sig), "valid signature rejected: {ctx}, {how} import");
            let mut bad = sig.to_vec();
            bad[k / 2] ^= 0x10;
            assert!(!verifies(key, alg, MSG, &bad), "corrupted signature accepted: {ctx}, {how} import");
        }
        // Another scheme or hash never verifies.
        for other in RSA_ALGS.into_iter().filter(|&other| other != alg) {
            assert!(!verifies(&key, other, MSG, sig), "{ctx} accepted as {other:?}");
        }
        // Tampered message.
        assert!(!verifies(&key, alg, OTHER_MSG, sig), "{ctx}: other message");
        assert!(!verifies(&key, alg, b"", sig), "{ctx}: empty message");
        // Tampered signature: every 37th byte flipped once.
        for i in (0..k).step_by(37) {
            let mut bad = sig.to_vec();
            bad[i] ^= 0x01;
            assert!(!verifies(&key, alg, MSG, &bad), "{ctx}: byte {i} flipped");
        }
        // Extra leading zero; stripped leading byte; truncated; empty.
        assert!(!verifies(&key, alg, MSG, &[&[0u8][..], sig].concat()), "{ctx}: extra leading zero");
        assert!(!verifies(&key, alg, MSG, &sig[1..]), "{ctx}: leading byte stripped");
        assert!(!verifies(&key, alg, MSG, &sig[..k - 1]), "{ctx}: truncated");
        assert!(!verifies(&key, alg, MSG, &[]), "{ctx}: empty signature");
        // s + n is congruent to s but not below n: rejected (when it still fits in k bytes).
        let s_plus_n = (BigUint::from_bytes_be(sig) + sk.n()).to_bytes_be();
        if s_plus_n.len() == k {
            assert!(!verifies(&key, alg, MSG, &s_plus_n), "{ctx}: s + n");
        }
        // n, n - 1, all 0xff, zero, one.
        assert!(!verifies(&key, alg, MSG, &n), "{ctx}: s = n");
        assert!(!verifies(&key, alg, MSG, &n_minus_1), "{ctx}: s = n - 1");
        assert!(!verifies(&key, alg, MSG, &vec![0xff; k]), "{ctx}: all 0xff");
        assert!(!verifies(&key, alg, MSG, &vec![0x00; k]), "{ctx}: s = 0");
        assert!(!verifies(&key, alg, MSG, &s_one), "{ctx}: s = 1");
    }
}

fn check_stored(name: &str, bits: usize) {
    let sk = load(name);
    assert_eq!(sk.n().bits(), bits, "{name}");
    let sigs = if bits > 4097 { stored_signatures(&sk, name) } else { fresh_signatures(&sk) };
    check_key(&sk, &sigs);
}

#[test]
fn roundtrip_2048() {
    check_stored("rsa2048", 2048);
}

#[test]
fn roundtrip_3072() {
    check_stored("rsa3072", 3072);
}

#[test]
fn roundtrip_4096() {
    check_stored("rsa4096", 4096);
}

// 2049, 2057, 3073, 4097: modBits ≡ 1 (mod 8), so the PSS block is k - 1 bytes; 2050 and 2063:
// other top-byte layouts.

#[test]
fn roundtrip_odd_sizes_2049_to_2063() {
    for bits in [2049, 2050, 2057, 2063] {
        check_stored(&format!("rsa{bits}"), bits);
    }
}

#[test]
fn roundtrip_odd_sizes_3073_4097() {
    for bits in [3073, 4097] {
        check_stored(&format!("rsa{bits}"), bits);
    }
}

#[test]
fn roundtrip_6144() {
    check_stored("rsa6144", 6144);
}

#[test]
fn roundtrip_8192() {
    check_stored("rsa8192", 8192);
}

#[test]
fn key_validation() {
    let sk = load("rsa2048");
    let n = sk.n().to_bytes_be();
    let e = sk.e().to_bytes_be();
    let sig = sign_pkcs1(&sk, Sha::S256, MSG);

    // Leading zeros on n and e are ignored: the key is the same key.
    let padded = Key::rsa(&[&[0u8, 0][..], &n].concat(), &[0, 0, 0, 1, 0, 1]).expect("leading zeros ignored");
    assert!(verifies(&padded, Algorithm::RS256, MSG, &sig));
    assert!(!verifies(&padded, Algorithm::RS256, OTHER_MSG, &sig));
    // Debug shows no key material.
    let dbg = format!("{padded:?}");
    assert!(!dbg.contains(&hex::encode(&n[..4])) && !dbg.contains(&sk.n().to_string()[..12]), "{dbg}");
    assert!(dbg.len() < 200, "{dbg}");

    // Sizes: 1024 and 2047 bits are weak; 8192 is the largest accepted.
    let weak = load("rsa1024");
    assert_eq!(import_error(&Key::rsa(&weak.n().to_bytes_be(), &e)), Some(Error::WeakKey));
    let mut n2047 = vec![0x7f; 256];
    n2047[255] = 0x01;
    assert_eq!(import_error(&Key::rsa(&n2047, &e)), Some(Error::WeakKey));
    let mut n8192 = vec![0xff; 1024];
    n8192[1023] = 0xfb;
    assert_eq!(import_error(&Key::rsa(&n8192, &e)), None);
    let mut n8193 = vec![0xff; 1025];
    n8193[0] = 0x01;
    assert_eq!(import_error(&Key::rsa(&n8193, &e)), Some(Error::InvalidKey));
    let mut n8200 = vec![0xff; 1025];
    n8200[1024] = 0xfd;
    assert_eq!(import_error(&Key::rsa(&n8200, &e)), Some(Error::InvalidKey));
    assert_eq!(import_error(&Key::rsa(&[0xff; 4000], &e)), Some(Error::InvalidKey));

    // Even n, empty n or e, zero n.
    let mut even = n.clone();
    *even.last_mut().expect("non-empty") &= 0xfe;
    assert_eq!(import_error(&Key::rsa(&even, &e)), Some(Error::InvalidKey));
    assert_eq!(import_error(&Key::rsa(&[], &e)), Some(Error::InvalidKey));
    assert_eq!(import_error(&Key::rsa(&n, &[])), Some(Error::InvalidKey));
    assert_eq!(import_error(&Key::rsa(&[0, 0, 0], &e)), Some(Error::InvalidKey));

    // Exponents: odd, from 3 to 2^64 - 1.
    let bad_exponents: [&[u8]; 7] =
        [&[0], &[1], &[2], &[0, 1], &[1, 0, 0], &[0x01, 0, 0, 0, 0, 0, 0, 0, 1], &[0xff; 9]];
    for bad_e in bad_exponents {
        assert_eq!(import_error(&Key::rsa(&n, bad_e)), Some(Error::InvalidKey), "e = {bad_e:02x?}");
    }
    let good_exponents: [&[u8]; 5] = [&[3], &[0, 3], &[1, 0, 1], &[0xff; 8], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11]];
    for good_e in good_exponents {
        assert_eq!(import_error(&Key::rsa(&n, good_e)), None, "e = {good_e:02x?}");
    }

    // SPKI DER and PEM imports apply the same rules as (n, e).
    let cases: [(&[u8], &[u8]); 8] = [
        (&n, &e),
        (&weak.n().to_bytes_be(), &e),
        (&n2047, &e),
        (&n8192, &e),
        (&n8200, &e),
        (&even, &e),
        (&n, &[1]),
        (&n, &[0x01, 0, 0, 0, 0, 0, 0, 0, 1]),
    ];
    for (case_n, case_e) in cases {
        let (big_n, big_e) = (BigUint::from_bytes_be(case_n), BigUint::from_bytes_be(case_e));
        let raw = import_error(&Key::rsa(case_n, case_e));
        let der = spki_der(&big_n, &big_e);
        assert_eq!(import_error(&Key::from_spki_der(&der)), raw, "SPKI, {} bits", big_n.bits());
        let pem = spki_pem(&big_n, &big_e);
        assert_eq!(import_error(&Key::from_pem(pem.as_bytes())), raw, "PEM, {} bits", big_n.bits());
    }
    for bits in [3072, 6144, 8192] {
        let sk = load(&format!("rsa{bits}"));
        assert!(Key::from_pem(spki_pem(sk.n(), sk.e()).as_bytes()).is_ok(), "{bits}-bit PEM");
    }
    // A private-key PEM is not a public key.
    let private_pem = std::fs::read(format!("{}/tests/data/rsa2048.pem", env!("CARGO_MANIFEST_DIR"))).expect("read");
    assert_eq!(import_error(&Key::from_pem(&private_pem)), Some(Error::InvalidKey));
}

#[test]
fn large_exponent_key() {
    // The rsa crate refuses e > 2^33 - 1, so derive d by hand from the primes. Under `ring`, the
    // exponents above 2^33 - 1 take the fallback path and (1 << 31) - 1 goes through ring.
    let sk = load("rsa2048");
    let one = BigUint::from(1u32);
    let phi = sk.primes().iter().fold(BigUint::from(1u32), |acc, p| acc * (p - &one));
    let mut tested = 0;
    for e in [u64::MAX, u64::MAX - 58, (1u64 << 61) - 1, (1 << 31) - 1] {
        let e_big = BigUint::from(e);
        let Some(d) = (&e_big).mod_inverse(&phi).and_then(|d| d.to_biguint()) else {
            continue;
        };
        let key = Key::rsa(&sk.n().to_bytes_be(), &e.to_be_bytes()).expect("64-bit e accepted");
        for sha in SHAS {
            let t = [sha.digest_info(), sha.digest(MSG)].concat();
            let sig = raw_sign_with(&sk, &d, &e_big, &pkcs1_block(sk.size(), &t));
            assert!(verifies(&key, sha.rs(), MSG, &sig), "{:?}, e = {e:#x}", sha.rs());
            assert!(!verifies(&key, sha.rs(), OTHER_MSG, &sig));
            let em = pss_block(&sk, sha, MSG, &vec![7u8; sha.len()], PssLayout::correct(sha));
            let sig = raw_sign_with(&sk, &d, &e_big, &em);
            assert!(verifies(&key, sha.ps(), MSG, &sig), "{:?}, e = {e:#x}", sha.ps());
            assert!(!verifies(&key, sha.ps(), OTHER_MSG, &sig));
        }
        tested += 1;
    }
    assert!(tested >= 2, "{tested}");
}

/// floor(x^(1/3)) by bisection.
fn cube_root_floor(x: &BigUint) -> BigUint {
    let mut lo = BigUint::from(0u32);
    let mut hi = BigUint::from(1u32) << (x.bits() / 3 + 2);
    while &lo + 1u32 < hi {
        let mid = (&lo + &hi) >> 1;
        if &mid * &mid * &mid <= *x {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[test]
fn e3_bleichenbacher_forgery_and_malformed_pkcs1() {
    let mut forged = 0;
    for bits in [2048, 3072] {
        let sk = load(&format!("rsa{bits}e3"));
        assert_eq!(sk.e(), &BigUint::from(3u32));
        assert_eq!(sk.n().bits(), bits);
        check_key(&sk, &fresh_signatures(&sk));
        let key = key_of(&sk);
        let k = sk.size();
        for sha in SHAS {
            let alg = sha.rs();
            let h = sha.digest(MSG);
            // Classic forgery: 00 01 ff 00 DigestInfo H garbage; the cube root of the top of that
            // range cubes to a block with the right prefix. No private key involved.
            let prefix = [&[0x00, 0x01, 0xff, 0x00][..], &sha.digest_info(), &h].concat();
            let mut hi = prefix.clone();
            hi.resize(k, 0xff);
            let mut lo = prefix.clone();
            lo.resize(k, 0x00);
            let (hi, lo) = (BigUint::from_bytes_be(&hi), BigUint::from_bytes_be(&lo));
            let s = cube_root_floor(&hi);
            let cube = &s * &s * &s;
            assert!(cube <= hi && &cube < sk.n());
            if cube < lo {
                // Not enough garbage room for this hash at this size (SHA-512 with RSA-2048).
                eprintln!("no classic cube forgery for {alg:?} at {bits} bits");
            } else {
                forged += 1;
                assert!(to_k_bytes(&cube, k).starts_with(&prefix), "a lax parser would accept this");
                assert!(!verifies(&key, alg, MSG, &to_k_bytes(&s, k)), "Bleichenbacher forgery accepted: {alg:?}");
            }

            // Malformed blocks signed with the real private key: all fail, the correct one passes.
            let t = [sha.digest_info(), h.clone()].concat();
            let good = pkcs1_block(k, &t);
            assert!(verifies(&key, alg, MSG, &raw_sign(&sk, &good)));
            let mut variants: Vec<(&str, Vec<u8>)> = Vec::new();
            variants.push(("garbage after the hash", pkcs1_block(k, &[&t[..], &[0xde, 0xad, 0xbe, 0xef]].concat())));
            let short = [&[0x00, 0x01][..], &vec![0xab; k - 3 - 7 - t.len()], &[0xff; 7], &[0x00], &t].concat();
            variants.push(("short padding (7 x ff) after garbage", short));
            let mut holed = good.clone();
            holed[40] = 0xfe;
            variants.push(("non-ff byte inside the padding", holed));
            let mut bt2 = good.clone();
            bt2[1] = 0x02;
            variants.push(("block type 2", bt2));
            let mut bt0 = good.clone();
            bt0[1] = 0x00;
            variants.push(("block type 0", bt0));
            let mut lead = good.clone();
            lead[0] = 0x01;
            variants.push(("leading byte 01", lead));
            let mut no_null = sha.digest_info();
            no_null.drain(15..17);
            no_null[1] -= 2;
            no_null[3] -= 2;
            no_null.extend_from_slice(&h);
            variants.push(("DigestInfo without NULL parameters", pkcs1_block(k, &no_null)));
            variants.push(("bare hash without DigestInfo", pkcs1_block(k, &h)));
            let mut wrong_oid = sha.digest_info();
            wrong_oid[14] ^= 0x07;
            wrong_oid.extend_from_slice(&h);
            variants.push(("wrong hash OID", pkcs1_block(k, &wrong_oid)));
            let ber = [&[0x30, 0x81][..], &t[1..]].concat();
            variants.push(("BER long-form length", pkcs1_block(k, &ber)));
            let mut no_separator = good.clone();
            no_separator[k - t.len() - 1] = 0xff;
            variants.push(("separator missing", no_separator));
            for (what, block) in &variants {
                assert_eq!(block.len(), k, "{what}");
                assert!(BigUint::from_bytes_be(block) < *sk.n(), "{what}");
                assert!(!verifies(&key, alg, MSG, &raw_sign(&sk, block)), "{what} accepted for {alg:?}");
            }
        }
    }
    assert_eq!(forged, 5);
}

#[test]
fn pss_salt_length_and_encoding() {
    for name in ["rsa2048", "rsa2049", "rsa2050"] {
        let sk = load(name);
        let key = key_of(&sk);
        for sha in SHAS {
            let alg = sha.ps();
            let h_len = sha.len();
            // JOSE fixes sLen = hLen: every other salt length fails.
            for salt in [0, 20, h_len - 1, h_len + 1, 64 + 1] {
                let sig = sign_pss(&sk, sha, MSG, Some(salt));
                assert!(!verifies(&key, alg, MSG, &sig), "{name}: salt {salt} accepted for {alg:?}");
            }
            assert!(verifies(&key, alg, MSG, &sign_pss(&sk, sha, MSG, Some(h_len))), "{name}: {alg:?}");

            // Hand-built EMSA-PSS blocks signed raw: the correct one verifies, each corruption fails.
            let correct = PssLayout::correct(sha);
            assert!(verifies(&key, alg, MSG, &sign_pss_block(&sk, sha, correct)), "{name}: hand-built {alg:?}");
            let other = if sha == Sha::S256 { Sha::S512 } else { Sha::S256 };
            for (what, layout) in [
                ("trailer 0xbd", PssLayout { trailer: 0xbd, ..correct }),
                ("top bit set", PssLayout { top_bit: true, ..correct }),
                ("separator 0x02", PssLayout { separator: 0x02, ..correct }),
                ("separator 0x00", PssLayout { separator: 0x00, ..correct }),
                ("MGF1 with another hash", PssLayout { mgf: other, ..correct }),
            ] {
                assert!(
                    !verifies(&key, alg, MSG, &sign_pss_block(&sk, sha, layout)),
                    "{name}: {what} accepted for {alg:?}"
                );
            }
        }
    }
}
