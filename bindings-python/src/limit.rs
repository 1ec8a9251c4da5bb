//! `RateLimiter`, `Decision`, `check_all` and `ClientIpResolver`: the core's rate-limit decision with
//! Python-owned tables, clock, seed and locks.
//!
//! Decides only the Python spelling: the storage (run-time capacity, independently locked shards),
//! the clocks and the atomic multi-limiter check are `apiward_hosted::limit`'s, shared with the Node
//! binding, and every verdict is the core's. Guarantees that the hash seeds come from the OS RNG
//! (unless a test pins one) and that `now` is taken from the caller or one process-wide monotonic
//! clock. Never stores a key, never reads the wall clock.

use apiward::limit::{self, Quota};
use apiward_hosted::clock;
use apiward_hosted::limit::{self as hosted, CheckAllError, Resolver, ShardedLimiter, Trust};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

use crate::{config, config_error, TextOrBytes};

/// The time of a check: `now_ns` exactly, else `now` seconds, else the shared monotonic clock.
fn clock(py: Python<'_>, now: Option<f64>, now_ns: Option<u64>) -> PyResult<u64> {
    match (now, now_ns) {
        (_, Some(ns)) => Ok(ns),
        (None, None) => Ok(clock::monotonic_ns()),
        (Some(seconds), None) => {
            clock::seconds_to_ns(seconds).ok_or_else(|| config_error(py, "invalid_time", "now must be finite and >= 0"))
        }
    }
}

fn os_seed(py: Python<'_>) -> PyResult<[u8; 16]> {
    clock::os_seed().ok_or_else(|| config_error(py, "no_entropy", "the OS RNG is unavailable"))
}

/// A limiter key: `str` (UTF-8) or bytes-like.
fn key_bytes(key: &Bound<'_, PyAny>) -> PyResult<TextOrBytes> {
    TextOrBytes::extract(key)
}

/// A keyed GCRA rate limiter with a fixed number of slots (16 bytes each), shared safely by threads.
#[pyclass(module = "apiward", frozen)]
pub(crate) struct RateLimiter {
    inner: ShardedLimiter,
}

impl RateLimiter {
    fn decision(&self, decision: limit::Decision) -> Decision {
        Decision { inner: decision, quota: Some(*self.inner.quota()), name: self.inner.name().to_owned() }
    }
}

#[pymethods]
impl RateLimiter {
    /// `rate` requests per `per` seconds, `burst` at once (default `rate`), for at most `capacity` keys.
    #[new]
    #[pyo3(signature = (rate, per=None, *, per_ns=None, burst=None, capacity=65536, full_policy="deny", name="default", seed=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        rate: u32,
        per: Option<f64>,
        per_ns: Option<u64>,
        burst: Option<u32>,
        capacity: usize,
        full_policy: &str,
        name: &str,
        seed: Option<&[u8]>,
    ) -> PyResult<Self> {
        let period = match (per, per_ns) {
            (None, Some(ns)) => ns,
            (Some(seconds), None) => clock::seconds_to_ns(seconds)
                .ok_or_else(|| config_error(py, "invalid_quota", "per must be a finite number of seconds >= 0"))?,
            _ => return Err(config_error(py, "invalid_quota", "give exactly one of per (seconds) and per_ns")),
        };
        let quota = hosted::quota(rate, period, burst).map_err(|e| config(py, e))?;
        let policy = hosted::full_policy(full_policy).map_err(|e| config(py, e))?;
        // Tests pin the seed to reproduce the shared vectors; services leave it to the OS RNG.
        let table_seed: [u8; 16] = match seed {
            Some(bytes) => {
                bytes.try_into().map_err(|_| config_error(py, "invalid_seed", "seed must be exactly 16 bytes"))?
            }
            None => os_seed(py)?,
        };
        let inner =
            ShardedLimiter::new(quota, capacity, policy, name, table_seed, os_seed(py)?).map_err(|e| config(py, e))?;
        Ok(RateLimiter { inner })
    }

    /// Decides a request of `cost` units (0 peeks) for `key` (str or bytes) at `now` (seconds on a
    /// monotonic clock; the process's own when omitted — pass it always or never).
    #[pyo3(signature = (key, now=None, cost=1, *, now_ns=None))]
    fn check(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        now: Option<f64>,
        cost: u32,
        now_ns: Option<u64>,
    ) -> PyResult<Decision> {
        let key = key_bytes(key)?;
        let now = clock(py, now, now_ns)?;
        Ok(self.decision(self.inner.check(&key, now, cost)))
    }

    /// The decision `check` would make, without recording anything.
    #[pyo3(signature = (key, now=None, cost=1, *, now_ns=None))]
    fn peek(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        now: Option<f64>,
        cost: u32,
        now_ns: Option<u64>,
    ) -> PyResult<Decision> {
        let key = key_bytes(key)?;
        let now = clock(py, now, now_ns)?;
        Ok(self.decision(self.inner.peek(&key, now, cost)))
    }

    /// A limiter with one of the core's named quotas: `"login"` (5/min), `"password_reset"` (3/h),
    /// `"read"` (300/min), `"write"` (60/min) or `"search"` (30/min).
    #[staticmethod]
    #[pyo3(signature = (name, *, capacity=65536, full_policy="deny", seed=None))]
    fn preset(py: Python<'_>, name: &str, capacity: usize, full_policy: &str, seed: Option<&[u8]>) -> PyResult<Self> {
        let quota: Quota = hosted::preset(name).ok_or_else(|| config_error(py, "invalid_quota", "unknown preset"))?;
        RateLimiter::new(
            py,
            quota.count(),
            None,
            Some(quota.period_ns()),
            Some(quota.burst()),
            capacity,
            full_policy,
            name,
            seed,
        )
    }

    /// Slots in the table (the requested capacity rounded up to the table's shape).
    #[getter]
    fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// Bytes of table memory: fixed at construction, 16 per slot.
    #[getter]
    fn table_bytes(&self) -> usize {
        self.inner.table_bytes()
    }

    /// Entries currently stored (live or expired; O(capacity)).
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Live entries evicted to admit new keys (`full_policy="admit"` only): non-zero means the table is too small.
    #[getter]
    fn evictions(&self) -> u64 {
        self.inner.evictions()
    }

    /// New keys denied because the table had no room (`full_policy="deny"`): non-zero means the table is too small.
    #[getter]
    fn full_denials(&self) -> u64 {
        self.inner.full_denials()
    }

    /// `RateLimit-Policy` header value.
    #[getter]
    fn policy_header(&self) -> String {
        self.inner.policy_header()
    }

    fn __repr__(&self) -> String {
        let quota = self.inner.quota();
        format!(
            "RateLimiter(rate={}, per_ns={}, burst={}, capacity={})",
            quota.count(),
            quota.period_ns(),
            quota.burst(),
            self.inner.capacity()
        )
    }
}

/// The verdict on one request and the header values that tell the client.
#[pyclass(module = "apiward", frozen)]
pub(crate) struct Decision {
    inner: limit::Decision,
    /// The limiter's quota (for `RateLimit-Policy`); absent for hand-built decisions.
    quota: Option<Quota>,
    name: String,
}

#[allow(clippy::as_conversions)] // ns → float seconds for display only; the exact ns are exposed too
#[pymethods]
impl Decision {
    /// A decision built by hand (for tests, or a store of your own); limiters return their own.
    #[new]
    #[pyo3(signature = (*, allowed, remaining, retry_after_ns, reset_after_ns, limit, name="default"))]
    fn new(
        py: Python<'_>,
        allowed: bool,
        remaining: u32,
        retry_after_ns: u64,
        reset_after_ns: u64,
        limit: u32,
        name: &str,
    ) -> PyResult<Self> {
        let inner = hosted::decision(allowed, remaining, retry_after_ns, reset_after_ns, limit, name)
            .map_err(|e| config(py, e))?;
        Ok(Decision { inner, quota: None, name: name.to_owned() })
    }

    /// Whether the request is admitted.
    #[getter]
    fn allowed(&self) -> bool {
        self.inner.allowed
    }
    /// Requests of cost 1 still admissible now.
    #[getter]
    fn remaining(&self) -> u32 {
        self.inner.remaining
    }
    /// The burst.
    #[getter]
    fn limit(&self) -> u32 {
        self.inner.limit
    }
    /// Seconds until the same request would be admitted (0.0 when admitted; `inf` for never).
    #[getter]
    fn retry_after(&self) -> f64 {
        if self.inner.retry_after_ns == u64::MAX {
            f64::INFINITY
        } else {
            self.inner.retry_after_ns as f64 / 1e9
        }
    }
    /// Seconds until the key's whole burst is available again.
    #[getter]
    fn reset_after(&self) -> f64 {
        self.inner.reset_after_ns as f64 / 1e9
    }
    /// Exact `retry_after` in nanoseconds (`2**64 - 1`: never).
    #[getter]
    fn retry_after_ns(&self) -> u64 {
        self.inner.retry_after_ns
    }
    /// Exact `reset_after` in nanoseconds.
    #[getter]
    fn reset_after_ns(&self) -> u64 {
        self.inner.reset_after_ns
    }
    /// `Retry-After` value: whole seconds, rounded up.
    #[getter]
    fn retry_after_header(&self) -> String {
        self.inner.retry_after_secs().to_string()
    }
    /// The response headers: `RateLimit-Policy` and `RateLimit` always, `Retry-After` when denied.
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let headers = PyDict::new(py);
        for (name, value) in hosted::headers(&self.name, self.quota.as_ref(), &self.inner) {
            headers.set_item(name, value)?;
        }
        Ok(headers)
    }
    fn __bool__(&self) -> bool {
        self.inner.allowed
    }
    fn __repr__(&self) -> String {
        format!(
            "Decision(allowed={}, remaining={}, retry_after={}, reset_after={})",
            if self.inner.allowed { "True" } else { "False" },
            self.inner.remaining,
            self.retry_after(),
            self.reset_after()
        )
    }
}

/// One atomic decision over several `(limiter, key)` or `(limiter, key, cost)` pairs — e.g. per-IP and
/// per-user: every limiter admits and consumes, or none consumes anything. Returns the decisive
/// decision (the longest wait when denied, the fewest remaining when admitted).
#[pyfunction]
#[pyo3(signature = (checks, now=None, *, now_ns=None))]
pub(crate) fn check_all(
    py: Python<'_>,
    checks: Vec<Bound<'_, PyTuple>>,
    now: Option<f64>,
    now_ns: Option<u64>,
) -> PyResult<Decision> {
    let now = clock(py, now, now_ns)?;
    let mut entries = Vec::with_capacity(checks.len());
    for item in &checks {
        let limiter = item.get_item(0)?.cast_into::<RateLimiter>()?;
        let key = TextOrBytes::extract(&item.get_item(1)?)?;
        let cost: u32 = if item.len() > 2 { item.get_item(2)?.extract()? } else { 1 };
        entries.push((limiter, key, cost));
    }
    let borrowed: Vec<(&ShardedLimiter, &[u8], u32)> =
        entries.iter().map(|(limiter, key, cost)| (&limiter.get().inner, &key[..], *cost)).collect();
    match hosted::check_all(&borrowed, now) {
        Ok((index, decision)) => Ok(entries[index].0.get().decision(decision)),
        Err(CheckAllError::Duplicate) => Err(PyValueError::new_err("check_all: the same RateLimiter appears twice")),
        Err(CheckAllError::Empty(e)) => Err(config_error(py, e.code(), e.message())),
    }
}

/// Resolves the client address behind trusted reverse proxies, and the limiter key for it.
#[pyclass(module = "apiward", frozen)]
pub(crate) struct ClientIpResolver {
    inner: Resolver,
}

#[pymethods]
impl ClientIpResolver {
    /// `trusted_proxies`: `None` (trust no header: the peer is the client), a hop count (the number
    /// of reverse proxies in front of the app), or a list of CIDR blocks. `header`:
    /// `"x-forwarded-for"` or `"forwarded"` — the one your proxies write; the other is ignored.
    #[new]
    #[pyo3(signature = (trusted_proxies=None, *, header="x-forwarded-for", v6_prefix=apiward::limit::client_ip::DEFAULT_V6_PREFIX))]
    fn new(py: Python<'_>, trusted_proxies: Option<&Bound<'_, PyAny>>, header: &str, v6_prefix: u8) -> PyResult<Self> {
        let trust = match trusted_proxies {
            None => Trust::Nothing,
            Some(trusted) => match trusted.extract::<usize>() {
                Ok(hops) => Trust::Hops(hops),
                Err(_) => Trust::Cidrs(trusted.extract()?),
            },
        };
        Ok(ClientIpResolver { inner: Resolver::new(trust, header, v6_prefix).map_err(|e| config(py, e))? })
    }

    /// The client address (canonical text) for a request from `peer` with these header lines, or
    /// `None` when `peer` itself is not an IP address (e.g. a Unix socket).
    #[pyo3(signature = (peer, x_forwarded_for=Vec::new(), forwarded=Vec::new()))]
    fn resolve(&self, peer: &str, x_forwarded_for: Vec<String>, forwarded: Vec<String>) -> Option<String> {
        let xff: Vec<&[u8]> = x_forwarded_for.iter().map(|line| line.as_bytes()).collect();
        let fwd: Vec<&[u8]> = forwarded.iter().map(|line| line.as_bytes()).collect();
        self.inner.resolve(peer, &xff, &fwd).map(|ip| ip.to_string())
    }

    /// The limiter key for a client address (IPv6 grouped by `v6_prefix`), or `None` if `ip` is not one.
    fn key<'py>(&self, py: Python<'py>, ip: &str) -> Option<Bound<'py, PyBytes>> {
        self.inner.key(ip).map(|key| PyBytes::new(py, &key))
    }
}
