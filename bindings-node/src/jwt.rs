//! `NativeKey`, `NativeVerifier` and `sign`: the core's JWT decision with Node-owned keys and policy.
//!
//! Decides only the Node spelling: how napi arguments reach `apiward_hosted::jwt` (which turns them
//! into a core `Policy` and key set, shared with the Python binding) and how its results become JS
//! values — claims as JSON text, a rejection as the returned text `!code message`, a bad argument as
//! a thrown `ConfigError`. Guarantees that bad arguments — unknown or `none` algorithms, unknown
//! claim names, weak or malformed keys — throw at construction, never at the first request, and that
//! `verifyAsync` checks the signature on the libuv thread pool. Never accepts a secret as a string (a
//! text secret is almost always a password-grade mistake) and never copies a token into an error.

use std::cell::RefCell;
use std::sync::Arc;

use apiward::jwt::{self, Algorithm};
use apiward_hosted::clock;
use apiward_hosted::jwt::{self as hosted, OwnedPolicy, SignError};
use napi::bindgen_prelude::{AsyncTask, Env};
use napi::JsString;
use napi::Task;
use napi_derive::napi;

use crate::{config, jwt_thrown, verdict, Result};

thread_local! {
    /// Per-thread scratch for decoded token parts (the main thread and each libuv worker have one),
    /// grown to the largest token seen and reused: a verification neither allocates nor clears
    /// kilobytes, because the core overwrites whatever it reads back.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn key_error(error: jwt::Error) -> napi::Error<String> {
    config(error.into())
}

/// One verification key (public key or HMAC secret), checked for strength when it is made.
#[napi]
pub struct NativeKey {
    inner: jwt::Key,
}

impl NativeKey {
    fn bound(key: jwt::Key, kid: Option<String>, alg: Option<String>) -> Result<NativeKey> {
        Ok(NativeKey { inner: hosted::with_kid_alg(key, kid.as_deref(), alg.as_deref()).map_err(config)? })
    }
}

#[napi]
impl NativeKey {
    /// An HMAC secret (at least 32 bytes: RFC 7518 §3.2 asks for the hash size).
    #[napi(factory)]
    pub fn hmac(secret: &[u8], kid: Option<String>, alg: Option<String>) -> Result<NativeKey> {
        NativeKey::bound(jwt::Key::hmac(secret).map_err(key_error)?, kid, alg)
    }

    /// A public key from PEM (`-----BEGIN PUBLIC KEY-----`, SPKI: RSA, P-256/384/521 or Ed25519).
    #[napi(factory)]
    pub fn from_pem(pem: String, kid: Option<String>, alg: Option<String>) -> Result<NativeKey> {
        NativeKey::bound(jwt::Key::from_pem(pem.as_bytes()).map_err(key_error)?, kid, alg)
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
    policy: OwnedPolicy,
    keys: Vec<jwt::Key>,
}

impl Verifier {
    /// Verifies with this thread's scratch and hands the outcome (claims text borrowed from the
    /// scratch, or the rejection) to `finish` while the scratch is still borrowed.
    fn with_outcome<R>(
        &self,
        token: &[u8],
        now: i64,
        finish: impl FnOnce(std::result::Result<&str, jwt::Error>) -> R,
    ) -> R {
        let needed = self.policy.scratch_len(token.len());
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                if scratch.len() < needed {
                    scratch.resize(needed, 0);
                }
                finish(self.policy.verify(&self.keys, token, now, &mut scratch[..needed]))
            }
            // Not reachable (nothing in `finish` re-enters), but never a panic: a fresh buffer.
            Err(_) => finish(self.policy.verify(&self.keys, token, now, &mut vec![0u8; needed])),
        })
    }

    /// The claims JSON text, or `!code message` (for the thread-pool path).
    fn verify(&self, token: &[u8], now: i64) -> String {
        self.with_outcome(token, now, |outcome| match outcome {
            Ok(claims) => claims.to_owned(),
            Err(error) => verdict(error.code(), error.message()),
        })
    }
}

/// `now` in whole Unix seconds: the caller's, rounded down, else the system clock.
fn unix_now(now: Option<f64>) -> i64 {
    now.map_or_else(clock::unix_seconds, clock::seconds_floor)
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
        let algorithms: Vec<&str> = options.algorithms.iter().map(String::as_str).collect();
        let require = options.require.unwrap_or_default();
        let require: Vec<&str> = require.iter().map(String::as_str).collect();
        let policy = OwnedPolicy::new(hosted::Options {
            algorithms: &algorithms,
            issuers: options.issuer.unwrap_or_default(),
            audiences: options.audience.unwrap_or_default(),
            leeway: options.leeway.unwrap_or(0),
            max_token_bytes: options.max_token_bytes.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            require: &require,
            typ: options.typ,
            max_age: options.max_age,
            allow_missing_exp: options.allow_missing_exp.unwrap_or(false),
        })
        .map_err(config)?;
        Ok(NativeVerifier { shared: Arc::new(Verifier { policy, keys: Vec::new() }) })
    }

    /// The keys, for adding to (no verification is in flight before `seal()`, so nothing is copied).
    fn keys(&mut self) -> &mut Vec<jwt::Key> {
        &mut Arc::make_mut(&mut self.shared).keys
    }

    /// Adds every key of a JWKS (`{"keys": [...]}`) or a single JWK, given as JSON text.
    #[napi]
    pub fn add_jwks(&mut self, document: String) -> Result<()> {
        let keys = hosted::keys_from_document(document.as_bytes()).map_err(config)?;
        self.keys().extend(keys);
        Ok(())
    }

    /// Adds a raw HMAC secret.
    #[napi]
    pub fn add_secret(&mut self, secret: &[u8]) -> Result<()> {
        let key = jwt::Key::hmac(secret).map_err(key_error)?;
        self.keys().push(key);
        Ok(())
    }

    /// Adds a key made by `NativeKey`.
    #[napi]
    pub fn add_key(&mut self, key: &NativeKey) {
        self.keys().push(key.inner.clone());
    }

    /// Refuses a verifier without keys (called once, after the keys are added).
    #[napi]
    pub fn seal(&mut self) -> Result<()> {
        // Also refuses more than 32 keys: the adds only collect, so that the count is checked once.
        let keys = std::mem::take(self.keys());
        *self.keys() = hosted::nonempty(keys).map_err(config)?;
        Ok(())
    }

    /// Verifies on the calling thread: the claims JSON text, or `!code message`.
    /// The JS string is made straight from the scratch (Latin-1, V8's cheapest form, when the
    /// claims are ASCII, as they nearly always are), with no intermediate Rust `String`.
    #[napi(ts_return_type = "string")]
    pub fn verify<'env>(&self, env: &'env Env, token: String, now: Option<f64>) -> Result<JsString<'env>> {
        let made = self.shared.with_outcome(token.as_bytes(), unix_now(now), |outcome| match outcome {
            Ok(claims) if claims.is_ascii() => env.create_string_latin1(claims.as_bytes()),
            Ok(claims) => env.create_string(claims),
            Err(error) => env.create_string(verdict(error.code(), error.message())),
        });
        made.map_err(|e| napi::Error::new(String::from("ConfigError:internal"), e.reason))
    }

    /// Verifies on the libuv thread pool; resolves like `verify`.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn verify_async(&self, token: String, now: Option<f64>) -> AsyncTask<VerifyTask> {
        AsyncTask::new(VerifyTask { verifier: Arc::clone(&self.shared), token, now: unix_now(now) })
    }

    /// The accepted algorithm names.
    #[napi(getter)]
    pub fn algorithms(&self) -> Vec<&'static str> {
        self.shared.policy.algorithms().iter().map(Algorithm::name).collect()
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
    hosted::sign(claims_json.as_bytes(), key, &alg, kid.as_deref()).map_err(|error| match error {
        SignError::Config(e) => config(e),
        SignError::Token(e) => jwt_thrown(e),
    })
}
