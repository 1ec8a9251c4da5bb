//! `Key`, `JwtVerifier` and `sign`: the core's JWT decision with Python-owned keys and policy.
//!
//! Decides only how Python arguments become a core `Policy` and key set (every acceptance rule is the
//! core's); guarantees that bad arguments — unknown or `none` algorithms, unknown claim names, weak or
//! malformed keys — raise `ConfigError` at construction, never at the first request, and that the GIL
//! is released while an asymmetric signature is checked. Never accepts a secret as `str` (a text
//! secret is almost always a password-grade mistake) and never copies a token into an error.

use std::time::{SystemTime, UNIX_EPOCH};

use apiward::jwt::{self, Algorithm, AlgorithmSet, Claim, ClaimSet, KeySet, Policy, SigningKey};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::pyjson::{self, Names};
use crate::{config_error, jwt_error, TextOrBytes};

/// Most keys one verifier holds (a JWKS during a rotation rarely has more than three).
const MAX_KEYS: usize = 32;
/// Most accepted issuers or audiences.
const MAX_NAMES: usize = 8;
thread_local! {
    /// Per-thread scratch for decoded token parts, reused so that a verification neither allocates
    /// nor clears kilobytes (the core overwrites what it reads back).
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One verification key (public key or HMAC secret), checked for strength when it is made.
#[pyclass(module = "apiward", frozen)]
#[derive(Clone)]
pub(crate) struct Key {
    inner: jwt::Key,
}

fn with_kid_alg(py: Python<'_>, mut key: jwt::Key, kid: Option<&str>, alg: Option<&str>) -> PyResult<jwt::Key> {
    if let Some(kid) = kid {
        key = key.with_kid(kid).map_err(|_| config_error(py, "invalid_key", "kid is longer than 128 bytes"))?;
    }
    if let Some(alg) = alg {
        key = key.with_alg(algorithm(py, alg)?);
    }
    Ok(key)
}

fn key_error(py: Python<'_>, error: jwt::Error) -> PyErr {
    config_error(py, error.code(), error.message())
}

#[pymethods]
impl Key {
    /// An HMAC secret (at least 32 bytes: RFC 7518 §3.2 asks for the hash size).
    #[staticmethod]
    #[pyo3(signature = (secret, *, kid=None, alg=None))]
    fn hmac(py: Python<'_>, secret: &[u8], kid: Option<&str>, alg: Option<&str>) -> PyResult<Key> {
        let key = jwt::Key::hmac(secret).map_err(|e| key_error(py, e))?;
        Ok(Key { inner: with_kid_alg(py, key, kid, alg)? })
    }

    /// A public key from PEM (`-----BEGIN PUBLIC KEY-----`, SPKI: RSA, P-256/384/521 or Ed25519).
    #[staticmethod]
    #[pyo3(signature = (pem, *, kid=None, alg=None))]
    fn from_pem(py: Python<'_>, pem: &Bound<'_, PyAny>, kid: Option<&str>, alg: Option<&str>) -> PyResult<Key> {
        let pem = text_or_bytes(pem)?;
        let key = jwt::Key::from_pem(&pem).map_err(|e| key_error(py, e))?;
        Ok(Key { inner: with_kid_alg(py, key, kid, alg)? })
    }

    /// A key from one JWK (a dict, or its JSON text).
    #[staticmethod]
    fn from_jwk(py: Python<'_>, jwk: &Bound<'_, PyAny>) -> PyResult<Key> {
        let json = json_document(py, jwk)?;
        let key = jwt::Key::from_jwk(&json).map_err(|e| key_error(py, e))?;
        Ok(Key { inner: key })
    }

    /// The key id, if any.
    #[getter]
    fn kid(&self) -> Option<String> {
        self.inner.kid().map(str::to_owned)
    }

    /// The one algorithm this key is bound to, if any.
    #[getter]
    fn alg(&self) -> Option<&'static str> {
        self.inner.alg().map(Algorithm::name)
    }

    fn __repr__(&self) -> String {
        // Never the material.
        format!("Key(kid={:?}, alg={:?})", self.inner.kid(), self.inner.alg().map(Algorithm::name))
    }
}

/// `str` or bytes-like as bytes.
fn text_or_bytes(value: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_cow()?.as_bytes().to_vec());
    }
    Ok(value.extract::<PyBackedBytes>()?.to_vec())
}

/// A dict/list as compact JSON text (through Python's `json`), or `str`/bytes as given.
pub(crate) fn json_document(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if value.cast::<PyDict>().is_ok() || value.cast::<PyList>().is_ok() {
        let dumps = py.import("json")?.getattr("dumps")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("separators", (",", ":"))?;
        kwargs.set_item("ensure_ascii", false)?;
        kwargs.set_item("allow_nan", false)?;
        let text: String = dumps.call((value,), Some(&kwargs))?.extract()?;
        return Ok(text.into_bytes());
    }
    text_or_bytes(value)
}

fn algorithm(py: Python<'_>, name: &str) -> PyResult<Algorithm> {
    Algorithm::from_name(name).ok_or_else(|| {
        config_error(py, "alg_not_allowed", "unknown or unsupported algorithm name (\"none\" is never accepted)")
    })
}

/// Where the verifier's keys come from: see `JwtVerifier.__init__`.
fn collect_keys(py: Python<'_>, keys: &Bound<'_, PyAny>) -> PyResult<Vec<jwt::Key>> {
    if let Ok(key) = keys.cast::<Key>() {
        return Ok(vec![key.get().inner.clone()]);
    }
    if let Ok(list) = keys.cast::<PyList>() {
        if list.is_empty() {
            return Ok(Vec::new());
        }
        if list.iter().all(|item| item.cast::<Key>().is_ok()) {
            return list.iter().map(|item| Ok(item.cast::<Key>()?.get().inner.clone())).collect();
        }
    }
    if let Ok(tuple) = keys.cast::<PyTuple>() {
        return tuple.iter().map(|item| Ok(item.cast::<Key>()?.get().inner.clone())).collect();
    }
    if keys.cast::<PyString>().is_err() && keys.cast::<PyDict>().is_err() {
        // Bytes: a JWK/JWKS document when it is JSON text, else a raw HMAC secret.
        let bytes = keys.extract::<PyBackedBytes>()?;
        let is_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        if !is_json {
            return Ok(vec![jwt::Key::hmac(&bytes).map_err(|e| key_error(py, e))?]);
        }
    } else if let Ok(text) = keys.cast::<PyString>() {
        let is_json = text.to_cow()?.trim_start().starts_with('{');
        if !is_json {
            return Err(config_error(
                py,
                "invalid_key",
                "keys given as str must be JWK/JWKS JSON; pass an HMAC secret as bytes",
            ));
        }
    }
    let document = json_document(py, keys)?;
    let set = KeySet::<MAX_KEYS>::from_jwks(&document).map_err(|e| key_error(py, e))?;
    Ok(set.as_slice().to_vec())
}

fn names(py: Python<'_>, value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<String>> {
    let Some(value) = value else { return Ok(Vec::new()) };
    let list: Vec<String> = match value.extract::<String>() {
        Ok(one) => vec![one],
        Err(_) => value.extract()?,
    };
    if list.len() > MAX_NAMES {
        return Err(config_error(py, "invalid_policy", &format!("at most {MAX_NAMES} accepted {what} values")));
    }
    Ok(list)
}

/// Verifies compact JWS tokens against fixed keys and a fixed policy; safe to share between threads.
#[pyclass(module = "apiward", frozen)]
pub(crate) struct JwtVerifier {
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
    /// Only HMAC allowed: verification is a few microseconds, cheaper than releasing the GIL.
    hmac_only: bool,
}

impl JwtVerifier {
    /// Verifies into `scratch` and returns the claims text (borrowed from `scratch`).
    fn verify_with<'s>(&self, token: &[u8], now: i64, scratch: &'s mut [u8], py: Python<'_>) -> PyResult<&'s str> {
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
        let keys = self.keys.as_slice();
        let verify = move || {
            let scratch = scratch; // moved in: the closure is FnOnce and the claims may borrow it
            jwt::verify(token, keys, &policy, now, scratch).map(|claims| claims.json())
        };
        let result = if self.hmac_only { verify() } else { py.detach(verify) };
        result.map_err(|e| jwt_error(py, e))
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

#[pymethods]
impl JwtVerifier {
    #[new]
    #[pyo3(signature = (keys, *, algorithms, issuer=None, audience=None, leeway=0, max_token_bytes=jwt::DEFAULT_MAX_TOKEN_BYTES, require=Vec::new(), typ=None, max_age=None, allow_missing_exp=false))]
    #[allow(clippy::too_many_arguments)] // the Python keyword arguments of the cross-language contract
    fn new(
        py: Python<'_>,
        keys: &Bound<'_, PyAny>,
        algorithms: Vec<PyBackedStr>,
        issuer: Option<&Bound<'_, PyAny>>,
        audience: Option<&Bound<'_, PyAny>>,
        leeway: u32,
        max_token_bytes: usize,
        require: Vec<PyBackedStr>,
        typ: Option<String>,
        max_age: Option<u32>,
        allow_missing_exp: bool,
    ) -> PyResult<Self> {
        let mut set = AlgorithmSet::EMPTY;
        for name in &algorithms {
            set = set.with(algorithm(py, name)?);
        }
        if set.is_empty() {
            return Err(config_error(py, "alg_not_allowed", "algorithms must name at least one algorithm"));
        }
        let mut required = ClaimSet::EMPTY;
        for name in &require {
            let claim = Claim::from_name(name)
                .ok_or_else(|| config_error(py, "invalid_policy", "require names a claim that is not registered"))?;
            required = required.with(claim);
        }
        if max_token_bytes == 0 || max_token_bytes > 1024 * 1024 {
            return Err(config_error(py, "invalid_policy", "max_token_bytes must be between 1 and 1048576"));
        }
        let keys = collect_keys(py, keys)?;
        if keys.is_empty() {
            return Err(config_error(py, "invalid_key", "no keys given"));
        }
        if keys.len() > MAX_KEYS {
            return Err(config_error(py, "invalid_key", "more than 32 keys"));
        }
        let hmac_only = set.iter().all(|alg| matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512));
        Ok(JwtVerifier {
            keys,
            algorithms: set,
            issuers: names(py, issuer, "issuer")?,
            audiences: names(py, audience, "audience")?,
            leeway,
            max_token_bytes,
            required,
            allow_missing_exp,
            typ,
            max_age,
            hmac_only,
        })
    }

    /// Verifies `token` (str or bytes) at `now` (unix seconds; the system clock when omitted) and
    /// returns its claims as a dict, or raises `JwtError` with the core's code.
    #[pyo3(signature = (token, now=None))]
    fn verify<'py>(&self, py: Python<'py>, token: &Bound<'py, PyAny>, now: Option<f64>) -> PyResult<Bound<'py, PyAny>> {
        let token = TextOrBytes::extract(token)?;
        let now = unix_now(now);
        static NAMES: PyOnceLock<Names> = PyOnceLock::new();
        let names = NAMES.get_or_init(py, || {
            let registered = Claim::ALL.iter().map(|c| c.name());
            Names::new(py, registered.chain(["scope", "scp", "roles", "azp", "client_id", "sid", "nonce"]))
        });
        // The decoded parts of a token never exceed 3/4 of its length: size the scratch by the token
        // (bounded by the policy's limit, which the core checks first).
        let needed = jwt::scratch_len(token.len().min(self.max_token_bytes));
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut reused) => {
                if reused.len() < needed {
                    reused.resize(needed, 0);
                }
                let claims = self.verify_with(&token, now, &mut reused[..needed], py)?;
                pyjson::to_python(py, claims, jwt::MAX_JSON_DEPTH, names)
            }
            // Re-entered on this thread (say, a finalizer verifying a token mid-conversion): a fresh buffer.
            Err(_) => {
                let mut fresh = vec![0u8; needed];
                let claims = self.verify_with(&token, now, &mut fresh, py)?;
                pyjson::to_python(py, claims, jwt::MAX_JSON_DEPTH, names)
            }
        })
    }

    /// The accepted algorithm names.
    #[getter]
    fn algorithms(&self) -> Vec<&'static str> {
        self.algorithms.iter().map(Algorithm::name).collect()
    }

    fn __repr__(&self) -> String {
        format!("JwtVerifier(algorithms={:?}, keys={})", self.algorithms(), self.keys.len())
    }
}

/// Signs `claims_json` (a JSON object) as a compact JWS with `alg`: `key` is the HMAC secret for
/// HS256/384/512, the 32-byte private scalar for ES256, or the 32-byte seed for EdDSA.
#[pyfunction]
#[pyo3(signature = (claims_json, key, alg, kid=None))]
pub(crate) fn sign<'py>(
    py: Python<'py>,
    claims_json: &[u8],
    key: &[u8],
    alg: &str,
    kid: Option<&str>,
) -> PyResult<Bound<'py, PyString>> {
    let alg = algorithm(py, alg)?;
    let signing_key = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => SigningKey::hmac(key),
        Algorithm::ES256 => SigningKey::es256(key),
        Algorithm::EdDSA | Algorithm::Ed25519 => SigningKey::ed25519(key),
        _ => return Err(config_error(py, "key_alg_mismatch", "apiward signs only HS256/384/512, ES256 and EdDSA")),
    }
    .map_err(|e| key_error(py, e))?;
    let mut out = vec![0u8; claims_json.len() / 3 * 4 + 1024];
    let token = jwt::sign(alg, &signing_key, claims_json, kid, &mut out).map_err(|e| jwt_error(py, e))?;
    Ok(PyString::new(py, token))
}
