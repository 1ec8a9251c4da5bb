//! `Key`, `JwtVerifier` and `sign`: the core's JWT decision with Python-owned keys and policy.
//!
//! Decides only how Python arguments become a core `Policy` and key set (every acceptance rule is the
//! core's); guarantees that bad arguments — unknown or `none` algorithms, unknown claim names, weak or
//! malformed keys — raise `ConfigError` at construction, never at the first request, and that the GIL
//! is released while an asymmetric signature is checked. Never accepts a secret as `str` (a text
//! secret is almost always a password-grade mistake) and never copies a token into an error.

use apiward::jwt::{self, Algorithm, Claim};
use apiward_hosted::clock;
use apiward_hosted::jwt::{self as hosted, OwnedPolicy, SignError};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::pyjson::{self, Names};
use crate::{config, config_error, jwt_error, TextOrBytes};

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

fn with_kid_alg(py: Python<'_>, key: jwt::Key, kid: Option<&str>, alg: Option<&str>) -> PyResult<jwt::Key> {
    hosted::with_kid_alg(key, kid, alg).map_err(|e| config(py, e))
}

fn key_error(py: Python<'_>, error: jwt::Error) -> PyErr {
    config(py, error.into())
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

/// Where the verifier's keys come from: see `JwtVerifier.__init__`.
fn collect_keys(py: Python<'_>, keys: &Bound<'_, PyAny>) -> PyResult<Vec<jwt::Key>> {
    let single = |key: Bound<'_, PyAny>| Ok(key.cast::<Key>()?.get().inner.clone());
    let listed: Option<Vec<Bound<'_, PyAny>>> = if let Ok(list) = keys.cast::<PyList>() {
        Some(list.iter().collect())
    } else if let Ok(tuple) = keys.cast::<PyTuple>() {
        Some(tuple.iter().collect())
    } else {
        None
    };
    let keys = match listed {
        // A list of Key objects (a list of JWK dicts is not a JWKS: say so through the cast error).
        Some(items) => items.into_iter().map(single).collect::<PyResult<Vec<_>>>()?,
        None if keys.cast::<Key>().is_ok() => vec![single(keys.clone())?],
        None if keys.cast::<PyString>().is_ok() => {
            let text = keys.cast::<PyString>()?.to_cow()?.into_owned();
            if !hosted::looks_like_json(text.as_bytes()) {
                return Err(config_error(
                    py,
                    "invalid_key",
                    "keys given as str must be JWK/JWKS JSON; pass an HMAC secret as bytes",
                ));
            }
            hosted::keys_from_document(text.as_bytes()).map_err(|e| config(py, e))?
        }
        None if keys.cast::<PyDict>().is_ok() => {
            hosted::keys_from_document(&json_document(py, keys)?).map_err(|e| config(py, e))?
        }
        None => {
            // Bytes: a JWK/JWKS document when it is JSON text, else a raw HMAC secret.
            let bytes = keys.extract::<PyBackedBytes>()?;
            if hosted::looks_like_json(&bytes) {
                hosted::keys_from_document(&bytes).map_err(|e| config(py, e))?
            } else {
                vec![jwt::Key::hmac(&bytes).map_err(|e| key_error(py, e))?]
            }
        }
    };
    hosted::nonempty(keys).map_err(|e| config(py, e))
}

fn names(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<String>> {
    let Some(value) = value else { return Ok(Vec::new()) };
    match value.extract::<String>() {
        Ok(one) => Ok(vec![one]),
        Err(_) => value.extract(),
    }
}

/// Verifies compact JWS tokens against fixed keys and a fixed policy; safe to share between threads.
#[pyclass(module = "apiward", frozen)]
pub(crate) struct JwtVerifier {
    keys: Vec<jwt::Key>,
    policy: OwnedPolicy,
}

impl JwtVerifier {
    /// Verifies into `scratch` and returns the claims text (borrowed from `scratch`), releasing the
    /// GIL around asymmetric signature checks (HMAC is cheaper than the release).
    fn verify_with<'s>(&self, token: &[u8], now: i64, scratch: &'s mut [u8], py: Python<'_>) -> PyResult<&'s str> {
        let verify = move || {
            let scratch = scratch; // moved in: the closure is FnOnce and the claims may borrow it
            self.policy.verify(&self.keys, token, now, scratch)
        };
        let result = if self.policy.hmac_only() { verify() } else { py.detach(verify) };
        result.map_err(|e| jwt_error(py, e))
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
        let algorithms: Vec<&str> = algorithms.iter().map(|a| &**a).collect();
        let require: Vec<&str> = require.iter().map(|r| &**r).collect();
        let policy = OwnedPolicy::new(hosted::Options {
            algorithms: &algorithms,
            issuers: names(issuer)?,
            audiences: names(audience)?,
            leeway,
            max_token_bytes: Some(max_token_bytes),
            require: &require,
            typ,
            max_age,
            allow_missing_exp,
        })
        .map_err(|e| config(py, e))?;
        let keys = collect_keys(py, keys)?;
        Ok(JwtVerifier { keys, policy })
    }

    /// Verifies `token` (str or bytes) at `now` (unix seconds; the system clock when omitted) and
    /// returns its claims as a dict, or raises `JwtError` with the core's code.
    #[pyo3(signature = (token, now=None))]
    fn verify<'py>(&self, py: Python<'py>, token: &Bound<'py, PyAny>, now: Option<f64>) -> PyResult<Bound<'py, PyAny>> {
        let token = TextOrBytes::extract(token)?;
        let now = now.map_or_else(clock::unix_seconds, clock::seconds_floor);
        static NAMES: PyOnceLock<Names> = PyOnceLock::new();
        let names = NAMES.get_or_init(py, || {
            let registered = Claim::ALL.iter().map(|c| c.name());
            Names::new(py, registered.chain(["scope", "scp", "roles", "azp", "client_id", "sid", "nonce"]))
        });
        // The decoded parts of a token never exceed 3/4 of its length: size the scratch by the token
        // (bounded by the policy's limit, which the core checks first).
        let needed = self.policy.scratch_len(token.len());
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
        self.policy.algorithms().iter().map(Algorithm::name).collect()
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
    match hosted::sign(claims_json, key, alg, kid) {
        Ok(token) => Ok(PyString::new(py, &token)),
        Err(SignError::Config(e)) => Err(config(py, e)),
        Err(SignError::Token(e)) => Err(jwt_error(py, e)),
    }
}
