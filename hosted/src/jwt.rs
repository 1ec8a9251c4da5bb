//! JWT verification with owned keys and an owned policy, as a binding object holds them.
//!
//! Decides how a binding's options (algorithm and claim *names*, issuer/audience lists, limits)
//! become a core [`Policy`], refusing bad options up front with a [`ConfigError`] — an unknown or
//! `none` algorithm, an unknown claim, an empty algorithm list, absurd limits — so nothing is
//! discovered at the first request. Guarantees that verification itself is exactly the core's.

use apiward::jwt::{self, Algorithm, AlgorithmSet, Claim, ClaimSet, Key, KeySet, Policy, SigningKey};

use crate::ConfigError;

/// Most keys one verifier holds (a JWKS during a rotation rarely has more than three).
pub const MAX_KEYS: usize = 32;
/// Most accepted issuers or audiences.
pub const MAX_NAMES: usize = 8;
/// Largest `max_token_bytes` a binding accepts.
pub const MAX_TOKEN_LIMIT: usize = 1024 * 1024;

/// An algorithm by its JOSE name.
///
/// # Errors
/// `alg_not_allowed` for names the core does not verify (including `none`).
pub fn algorithm(name: &str) -> Result<Algorithm, ConfigError> {
    Algorithm::from_name(name).ok_or_else(|| {
        ConfigError::new("alg_not_allowed", "unknown or unsupported algorithm name (\"none\" is never accepted)")
    })
}

/// Keys from a JWKS or single-JWK document (JSON text).
///
/// # Errors
/// The core's `invalid_key`/`weak_key` (see `KeySet::from_jwks`); `invalid_key` for an empty set.
pub fn keys_from_document(document: &[u8]) -> Result<Vec<Key>, ConfigError> {
    let set = KeySet::<MAX_KEYS>::from_jwks(document)?;
    nonempty(set.as_slice().to_vec())
}

/// Whether `bytes` is meant as a JWK/JWKS document (JSON object text) rather than a raw secret.
pub fn looks_like_json(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// `key` bound to the key id `kid` and the one algorithm named `alg`, each when given.
///
/// # Errors
/// `invalid_key` for a `kid` over 128 bytes; `alg_not_allowed` as [`algorithm`].
pub fn with_kid_alg(mut key: Key, kid: Option<&str>, alg: Option<&str>) -> Result<Key, ConfigError> {
    if let Some(kid) = kid {
        key = key.with_kid(kid).map_err(|_| ConfigError::new("invalid_key", "kid is longer than 128 bytes"))?;
    }
    if let Some(alg) = alg {
        key = key.with_alg(algorithm(alg)?);
    }
    Ok(key)
}

/// A key list checked for size.
///
/// # Errors
/// `invalid_key` for no keys or more than [`MAX_KEYS`].
pub fn nonempty(keys: Vec<Key>) -> Result<Vec<Key>, ConfigError> {
    match keys.len() {
        0 => Err(ConfigError::new("invalid_key", "no keys given")),
        n if n > MAX_KEYS => Err(ConfigError::new("invalid_key", "more than 32 keys")),
        _ => Ok(keys),
    }
}

/// The options every binding exposes, by name (the cross-language contract).
#[derive(Clone, Debug, Default)]
pub struct Options<'a> {
    /// Accepted algorithm names (required, non-empty).
    pub algorithms: &'a [&'a str],
    /// Accepted `iss` values (empty: any).
    pub issuers: Vec<String>,
    /// Accepted `aud` values (empty: a token with `aud` is rejected).
    pub audiences: Vec<String>,
    /// Clock skew allowance in seconds.
    pub leeway: u32,
    /// Largest token accepted (`None`: the core's 8 KiB default).
    pub max_token_bytes: Option<usize>,
    /// Registered claims that must be present.
    pub require: &'a [&'a str],
    /// Pinned `typ` header.
    pub typ: Option<String>,
    /// Oldest accepted `iat`, in seconds.
    pub max_age: Option<u32>,
    /// Accept tokens without `exp`.
    pub allow_missing_exp: bool,
}

/// A core [`Policy`] with owned strings.
#[derive(Clone, Debug)]
pub struct OwnedPolicy {
    algorithms: AlgorithmSet,
    issuers: Vec<String>,
    audiences: Vec<String>,
    leeway: u32,
    max_token_bytes: usize,
    required: ClaimSet,
    allow_missing_exp: bool,
    typ: Option<String>,
    max_age: Option<u32>,
}

impl OwnedPolicy {
    /// Checks and converts the options.
    ///
    /// # Errors
    /// `alg_not_allowed` (unknown name or empty list), `invalid_policy` (unknown claim, more than
    /// [`MAX_NAMES`] issuers or audiences, `max_token_bytes` outside 1..=1 MiB).
    pub fn new(options: Options<'_>) -> Result<Self, ConfigError> {
        let mut algorithms = AlgorithmSet::EMPTY;
        for name in options.algorithms {
            algorithms = algorithms.with(algorithm(name)?);
        }
        if algorithms.is_empty() {
            return Err(ConfigError::new("alg_not_allowed", "algorithms must name at least one algorithm"));
        }
        let mut required = ClaimSet::EMPTY;
        for name in options.require {
            let claim = Claim::from_name(name)
                .ok_or_else(|| ConfigError::new("invalid_policy", "require names a claim that is not registered"))?;
            required = required.with(claim);
        }
        let max_token_bytes = options.max_token_bytes.unwrap_or(jwt::DEFAULT_MAX_TOKEN_BYTES);
        if max_token_bytes == 0 || max_token_bytes > MAX_TOKEN_LIMIT {
            return Err(ConfigError::new("invalid_policy", "max token bytes must be between 1 and 1048576"));
        }
        for (list, what) in [(&options.issuers, "issuer"), (&options.audiences, "audience")] {
            if list.len() > MAX_NAMES {
                return Err(ConfigError::new("invalid_policy", format!("at most {MAX_NAMES} accepted {what} values")));
            }
        }
        Ok(OwnedPolicy {
            algorithms,
            issuers: options.issuers,
            audiences: options.audiences,
            leeway: options.leeway,
            max_token_bytes,
            required,
            allow_missing_exp: options.allow_missing_exp,
            typ: options.typ,
            max_age: options.max_age,
        })
    }

    /// The accepted algorithms.
    pub fn algorithms(&self) -> AlgorithmSet {
        self.algorithms
    }

    /// Only HMAC algorithms are accepted: verification costs microseconds, less than handing the
    /// work to another thread (bindings verify these inline).
    pub fn hmac_only(&self) -> bool {
        self.algorithms.iter().all(|alg| matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512))
    }

    /// Scratch bytes enough for `token_len` (never more than the policy's own limit needs: the core
    /// refuses larger tokens before it reads them).
    pub fn scratch_len(&self, token_len: usize) -> usize {
        jwt::scratch_len(token_len.min(self.max_token_bytes))
    }

    /// Verifies `token` at `now` (Unix seconds) against `keys`, decoding into `scratch`; returns the
    /// claims as JSON text borrowed from `scratch`.
    ///
    /// # Errors
    /// The core's [`jwt::Error`] for the first rule the token breaks.
    pub fn verify<'s>(
        &self,
        keys: &[Key],
        token: &[u8],
        now: i64,
        scratch: &'s mut [u8],
    ) -> Result<&'s str, jwt::Error> {
        let mut issuers: [&str; MAX_NAMES] = [""; MAX_NAMES];
        let mut audiences: [&str; MAX_NAMES] = [""; MAX_NAMES];
        let issuers = fill(&mut issuers, &self.issuers);
        let audiences = fill(&mut audiences, &self.audiences);
        let mut policy = Policy::new(self.algorithms)
            .issuers(issuers)
            .audiences(audiences)
            .leeway(self.leeway)
            .max_token_bytes(self.max_token_bytes)
            .require(self.required);
        if self.allow_missing_exp {
            policy = policy.allow_missing_exp();
        }
        if let Some(typ) = &self.typ {
            policy = policy.typ(typ);
        }
        if let Some(max_age) = self.max_age {
            policy = policy.max_age(max_age);
        }
        jwt::verify(token, keys, &policy, now, scratch).map(|claims| claims.json())
    }
}

/// The names as a borrowed slice, without allocating (at most [`MAX_NAMES`], checked at construction).
fn fill<'a>(slots: &'a mut [&'a str; MAX_NAMES], names: &'a [String]) -> &'a [&'a str] {
    let n = names.len().min(MAX_NAMES);
    for (slot, name) in slots.iter_mut().zip(names) {
        *slot = name;
    }
    &slots[..n]
}

/// Signs `claims_json` with `alg`: `material` is the HMAC secret, the 32-byte P-256 scalar (ES256)
/// or the 32-byte Ed25519 seed (EdDSA). Returns the compact token.
///
/// # Errors
/// [`ConfigError`] for an algorithm the core does not sign or unusable key material; the core's
/// error code (as a `ConfigError`) when the claims are not a strict JSON object.
pub fn sign(claims_json: &[u8], material: &[u8], alg: &str, kid: Option<&str>) -> Result<String, SignError> {
    let alg = algorithm(alg).map_err(SignError::Config)?;
    let key = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => SigningKey::hmac(material),
        Algorithm::ES256 => SigningKey::es256(material),
        Algorithm::EdDSA | Algorithm::Ed25519 => SigningKey::ed25519(material),
        _ => {
            return Err(SignError::Config(ConfigError::new(
                "key_alg_mismatch",
                "apiward signs only HS256/384/512, ES256 and EdDSA",
            )))
        }
    }
    .map_err(|e| SignError::Config(e.into()))?;
    let mut out = vec![0u8; claims_json.len() / 3 * 4 + 1024];
    jwt::sign(alg, &key, claims_json, kid, &mut out).map(str::to_owned).map_err(SignError::Token)
}

/// Why [`sign`] failed: a bad argument, or a token the core refuses to produce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignError {
    /// The algorithm or key material.
    Config(ConfigError),
    /// The claims or the key/algorithm pairing (the core's code).
    Token(jwt::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options<'a>(algorithms: &'a [&'a str]) -> Options<'a> {
        Options { algorithms, ..Options::default() }
    }

    #[test]
    fn refuses_bad_options() {
        assert_eq!(OwnedPolicy::new(options(&["none"])).unwrap_err().code, "alg_not_allowed");
        assert_eq!(OwnedPolicy::new(options(&[])).unwrap_err().code, "alg_not_allowed");
        let require = ["colour"];
        assert_eq!(
            OwnedPolicy::new(Options { require: &require, ..options(&["HS256"]) }).unwrap_err().code,
            "invalid_policy"
        );
        let many = (0..9).map(|i| i.to_string()).collect();
        assert_eq!(
            OwnedPolicy::new(Options { issuers: many, ..options(&["HS256"]) }).unwrap_err().code,
            "invalid_policy"
        );
        assert_eq!(
            OwnedPolicy::new(Options { max_token_bytes: Some(0), ..options(&["HS256"]) }).unwrap_err().code,
            "invalid_policy"
        );
        assert_eq!(nonempty(Vec::new()).unwrap_err().code, "invalid_key");
    }

    #[test]
    fn signs_and_verifies() {
        let secret = [7u8; 32];
        let token = sign(br#"{"sub":"a","aud":"x"}"#, &secret, "HS256", Some("k")).unwrap();
        let policy =
            OwnedPolicy::new(Options { audiences: vec!["x".into()], allow_missing_exp: true, ..options(&["HS256"]) })
                .unwrap();
        assert!(policy.hmac_only());
        let keys = [Key::hmac(&secret).unwrap()];
        let mut scratch = vec![0; policy.scratch_len(token.len())];
        assert_eq!(policy.verify(&keys, token.as_bytes(), 0, &mut scratch), Ok(r#"{"sub":"a","aud":"x"}"#));
        assert!(matches!(sign(b"{}", &secret, "RS256", None), Err(SignError::Config(_))));
        assert_eq!(sign(b"[]", &secret, "HS256", None), Err(SignError::Token(jwt::Error::Malformed)));
        assert!(looks_like_json(b"  {") && !looks_like_json(b"secret"));
    }

    #[test]
    fn binds_kid_and_alg() {
        let key = with_kid_alg(Key::hmac(&[7u8; 32]).unwrap(), Some("k1"), Some("HS384")).unwrap();
        assert_eq!((key.kid(), key.alg()), (Some("k1"), Some(Algorithm::HS384)));
        let bare = with_kid_alg(Key::hmac(&[7u8; 32]).unwrap(), None, None).unwrap();
        assert_eq!((bare.kid(), bare.alg()), (None, None));
        let long = "k".repeat(129);
        assert_eq!(with_kid_alg(bare.clone(), Some(&long), None).unwrap_err().code, "invalid_key");
        assert_eq!(with_kid_alg(bare, None, Some("none")).unwrap_err().code, "alg_not_allowed");
    }
}
