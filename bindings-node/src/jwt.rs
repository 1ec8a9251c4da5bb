//! `NativeKey`, `NativeVerifier` and `sign`: the core's JWT decision with Node-owned keys and policy.
//!
//! Decides only how JS arguments become a core `Policy` and key set (every acceptance rule is the
//! core's); guarantees that bad arguments — unknown or `none` algorithms, unknown claim names, weak or
//! malformed keys — throw a `ConfigError` at construction, never at the first request, and that
//! `verifyAsync` checks the signature on the libuv thread pool. Never accepts a secret as a string (a
//! text secret is almost always a password-grade mistake) and never copies a token into an error.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use apiward::jwt::{self, Algorithm, AlgorithmSet, Claim, ClaimSet, KeySet, Policy, SigningKey};
use napi::bindgen_prelude::{AsyncTask, Env};
use napi::Task;
use napi_derive::napi;

use crate::{config_error, jwt_thrown, verdict, Result};

/// Most keys one verifier holds (a JWKS during a rotation rarely has more than three).
const MAX_KEYS: usize = 32;
/// Most accepted issuers or audiences.
const MAX_NAMES: usize = 8;
/// Tokens up to this size verify with scratch on the stack; larger limits use the heap.
const STACK_TOKEN_BYTES: usize = 8 * 1024;

fn key_error(error: jwt::Error) -> napi::Error<String> {
    config_error(error.code(), error.message())
}

fn algorithm(name: &str) -> Result<Algorithm> {
    Algorithm::from_name(name).ok_or_else(|| {
        config_error("alg_not_allowed", "unknown or unsupported algorithm name (\"none\" is never accepted)")
    })
}

/// One verification key (public key or HMAC secret), checked for strength when it is made.
#[napi]
pub struct NativeKey {
    inner: jwt::Key,
}

fn with_kid_alg(mut key: jwt::Key, kid: Option<String>, alg: Option<String>) -> Result<jwt::Key> {
    if let Some(kid) = kid {
        key = key.with_kid(&kid).map_err(|_| config_error("invalid_key", "kid is longer than 128 bytes"))?;
    }
    if let Some(alg) = alg {
        key = key.with_alg(algorithm(&alg)?);
    }
    Ok(key)
}

#[napi]
impl NativeKey {
    /// An HMAC secret (at least 32 bytes: RFC 7518 §3.2 asks for the hash size).
    #[napi(factory)]
    pub fn hmac(secret: &[u8], kid: Option<String>, alg: Option<String>) -> Result<NativeKey> {
        let key = jwt::Key::hmac(secret).map_err(key_error)?;
        Ok(NativeKey { inner: with_kid_alg(key, kid, alg)? })
    }

    /// A public key from PEM (`-----BEGIN PUBLIC KEY-----`, SPKI: RSA, P-256/384/521 or Ed25519).
    #[napi(factory)]
    pub fn from_pem(pem: String, kid: Option<String>, alg: Option<String>) -> Result<NativeKey> {
        let key = jwt::Key::from_pem(pem.as_bytes()).map_err(key_error)?;
        Ok(NativeKey { inner: with_kid_alg(key, kid, alg)? })
    }

    /// A key from one JWK (its JSON text).
    #[napi(factory)]
    pub fn from_jwk(jwk: String) -> Result<NativeKey> {
        Ok(NativeKey { inner: jwt::Key::from_jwk(jwk.as_bytes()).map_err(key_error)? })
    }

    /// The key id, if any.
    #[napi(getter)]
    pub fn kid(&self) -> Option<String> {
        self.inner.kid().map(str::to_owned)
    }

    /// The one algorithm this key is bound to, if any.
    #[napi(getter)]
    pub fn alg(&self) -> Option<&'static str> {
        self.inner.alg().map(Algorithm::name)
    }
}

/// The policy half of `new JwtVerifier(options)` (the JS layer normalises names to arrays).
#[napi(object)]
pub struct PolicyOptions {
    /// Accepted algorithm names (at least one; never `none`).
    pub algorithms: Vec<String>,
    /// Accepted `iss` values (empty: no issuer check).
    pub issuer: Option<Vec<String>>,
    /// Accepted `aud` values (empty: no audience check).
    pub audience: Option<Vec<String>>,
    /// Seconds of clock skew tolerated on `exp`, `nbf`, `iat` and `maxAge`.
    pub leeway: Option<u32>,
    /// Largest token accepted, in bytes (default 8192).
    pub max_token_bytes: Option<u32>,
    /// Registered claims that must be present (besides `exp`).
    pub require: Option<Vec<String>>,
    /// The `typ` header every token must carry (e.g. `at+jwt`).
    pub typ: Option<String>,
    /// Oldest accepted `iat`, in seconds before now.
    pub max_age: Option<u32>,
    /// Accept tokens without `exp` (loosens a default, so it says so).
    pub allow_missing_exp: Option<bool>,
}

/// Everything a verification needs, shared with the thread pool.
#[derive(Clone)]
struct Verifier {
    keys: Vec<jwt::Key>,
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

impl Verifier {
    fn verify_with(&self, token: &[u8], now: i64, scratch: &mut [u8]) -> String {
        let issuers: Vec<&str> = self.issuers.iter().map(String::as_str).collect();
        let audiences: Vec<&str> = self.audiences.iter().map(String::as_str).collect();
        let mut policy = Policy::new(self.algorithms)
            .issuers(&issuers)
            .audiences(&audiences)
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
        match jwt::verify(token, &self.keys, &policy, now, scratch) {
            Ok(claims) => claims.json().to_owned(),
            Err(error) => verdict(error.code(), error.message()),
        }
    }

    /// The claims JSON text, or `!code message`.
    fn verify(&self, token: &[u8], now: i64) -> String {
        if self.max_token_bytes <= STACK_TOKEN_BYTES {
            let mut scratch = [0u8; jwt::scratch_len(STACK_TOKEN_BYTES)];
            self.verify_with(token, now, &mut scratch)
        } else {
            let mut scratch = vec![0u8; jwt::scratch_len(self.max_token_bytes)];
            self.verify_with(token, now, &mut scratch)
        }
    }
}

fn unix_now(now: Option<f64>) -> i64 {
    match now {
        // Whole seconds, rounded down: a token is not valid "a little" past its exp.
        #[allow(clippy::as_conversions, clippy::cast_possible_truncation)] // saturating by definition
        Some(seconds) => seconds.floor() as i64,
        None => {
            SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        }
    }
}

fn names(list: Option<Vec<String>>, what: &str) -> Result<Vec<String>> {
    let list = list.unwrap_or_default();
    if list.len() > MAX_NAMES {
        return Err(config_error("invalid_policy", &format!("at most {MAX_NAMES} accepted {what} values")));
    }
    Ok(list)
}

/// Verifies compact JWS tokens against fixed keys and a fixed policy.
#[napi]
pub struct NativeVerifier {
    shared: Arc<Verifier>,
}

#[napi]
impl NativeVerifier {
    /// A verifier with no keys yet: the JS layer adds them, then calls `seal()`.
    #[napi(constructor)]
    pub fn new(options: PolicyOptions) -> Result<Self> {
        let mut set = AlgorithmSet::EMPTY;
        for name in &options.algorithms {
            set = set.with(algorithm(name)?);
        }
        if set.is_empty() {
            return Err(config_error("alg_not_allowed", "algorithms must name at least one algorithm"));
        }
        let mut required = ClaimSet::EMPTY;
        for name in options.require.unwrap_or_default() {
            let claim = Claim::from_name(&name)
                .ok_or_else(|| config_error("invalid_policy", "require names a claim that is not registered"))?;
            required = required.with(claim);
        }
        let max_token_bytes = options.max_token_bytes.map_or(Ok(jwt::DEFAULT_MAX_TOKEN_BYTES), usize::try_from);
        let max_token_bytes = match max_token_bytes {
            Ok(n) if (1..=1024 * 1024).contains(&n) => n,
            _ => return Err(config_error("invalid_policy", "maxTokenBytes must be between 1 and 1048576")),
        };
        Ok(NativeVerifier {
            shared: Arc::new(Verifier {
                keys: Vec::new(),
                algorithms: set,
                issuers: names(options.issuer, "issuer")?,
                audiences: names(options.audience, "audience")?,
                leeway: options.leeway.unwrap_or(0),
                max_token_bytes,
                required,
                allow_missing_exp: options.allow_missing_exp.unwrap_or(false),
                typ: options.typ,
                max_age: options.max_age,
            }),
        })
    }

    fn push(&mut self, keys: impl IntoIterator<Item = jwt::Key>) -> Result<()> {
        let shared = Arc::make_mut(&mut self.shared);
        shared.keys.extend(keys);
        if shared.keys.len() > MAX_KEYS {
            return Err(config_error("invalid_key", "more than 32 keys"));
        }
        Ok(())
    }

    /// Adds every key of a JWKS (`{"keys": [...]}`) or a single JWK, given as JSON text.
    #[napi]
    pub fn add_jwks(&mut self, document: String) -> Result<()> {
        let set = KeySet::<MAX_KEYS>::from_jwks(document.as_bytes()).map_err(key_error)?;
        self.push(set.as_slice().iter().cloned())
    }

    /// Adds a raw HMAC secret.
    #[napi]
    pub fn add_secret(&mut self, secret: &[u8]) -> Result<()> {
        self.push([jwt::Key::hmac(secret).map_err(key_error)?])
    }

    /// Adds a key made by `NativeKey`.
    #[napi]
    pub fn add_key(&mut self, key: &NativeKey) -> Result<()> {
        self.push([key.inner.clone()])
    }

    /// Refuses a verifier without keys (called once, after the keys are added).
    #[napi]
    pub fn seal(&self) -> Result<()> {
        if self.shared.keys.is_empty() {
            return Err(config_error("invalid_key", "no keys given"));
        }
        Ok(())
    }

    /// Verifies on the calling thread: the claims JSON text, or `!code message`.
    #[napi]
    pub fn verify(&self, token: String, now: Option<f64>) -> String {
        self.shared.verify(token.as_bytes(), unix_now(now))
    }

    /// Verifies on the libuv thread pool; resolves like `verify`.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn verify_async(&self, token: String, now: Option<f64>) -> AsyncTask<VerifyTask> {
        AsyncTask::new(VerifyTask { verifier: Arc::clone(&self.shared), token, now: unix_now(now) })
    }

    /// The accepted algorithm names.
    #[napi(getter)]
    pub fn algorithms(&self) -> Vec<&'static str> {
        self.shared.algorithms.iter().map(Algorithm::name).collect()
    }

    /// How many keys the verifier holds.
    #[napi(getter)]
    pub fn key_count(&self) -> u32 {
        u32::try_from(self.shared.keys.len()).unwrap_or(u32::MAX)
    }
}

/// One verification on the libuv thread pool.
pub struct VerifyTask {
    verifier: Arc<Verifier>,
    token: String,
    now: i64,
}

impl Task for VerifyTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<String> {
        Ok(self.verifier.verify(self.token.as_bytes(), self.now))
    }

    fn resolve(&mut self, _env: Env, output: String) -> napi::Result<String> {
        Ok(output)
    }
}

/// Signs `claimsJson` (a JSON object) as a compact JWS with `alg`: `key` is the HMAC secret for
/// HS256/384/512, the 32-byte private scalar for ES256, or the 32-byte seed for EdDSA.
#[napi]
pub fn sign(claims_json: String, key: &[u8], alg: String, kid: Option<String>) -> Result<String> {
    let alg = algorithm(&alg)?;
    let signing_key = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => SigningKey::hmac(key),
        Algorithm::ES256 => SigningKey::es256(key),
        Algorithm::EdDSA | Algorithm::Ed25519 => SigningKey::ed25519(key),
        _ => return Err(config_error("key_alg_mismatch", "apiward signs only HS256/384/512, ES256 and EdDSA")),
    }
    .map_err(key_error)?;
    let mut out = vec![0u8; claims_json.len() / 3 * 4 + 1024];
    let token = jwt::sign(alg, &signing_key, claims_json.as_bytes(), kid.as_deref(), &mut out).map_err(jwt_thrown)?;
    Ok(token.to_owned())
}
