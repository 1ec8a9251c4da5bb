//! `RateLimiter`, `Decision`, `check_all` and `ClientIpResolver`: the core's rate-limit decision with
//! Python-owned tables, clock, seed and locks.
//!
//! Decides only the storage shape: a capacity up to [`SHARD_SLOTS`] is one core table of the next
//! power of two; a larger one is `ceil(capacity / SHARD_SLOTS)` tables ("shards") of `SHARD_SLOTS`
//! slots each, a key going to the shard a keyed SipHash picks, each shard behind its own lock — so the
//! memory is fixed at 16 bytes per slot and threads on different shards never wait for each other.
//! Guarantees that every verdict is the core's, that the hash seeds come from the OS RNG, and that
//! `check_all` locks every table it touches (in one global order, so it cannot deadlock) before it
//! decides. Never stores a key, never reads the wall clock (the default clock is monotonic).

use std::hash::Hasher;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use apiward::limit::client_ip::{self, ChainHeader, Cidr, TrustedProxies};
use apiward::limit::{self, FullPolicy, KeyedCheck, Limiter, Quota};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use siphasher::sip::SipHasher13;

use crate::{config_error, TextOrBytes};

/// Slots per shard: 64 KiB of table, small enough to build on any thread's stack.
const SHARD_SLOTS: usize = 4096;

/// One core table of any capacity, behind a trait object so capacity can be chosen at run time.
trait Table: KeyedCheck + Send {
    fn as_keyed(&mut self) -> &mut dyn KeyedCheck;
    fn len(&self) -> usize;
    fn evictions(&self) -> u64;
    fn full_denials(&self) -> u64;
}

impl<const N: usize> Table for Limiter<N> {
    fn as_keyed(&mut self) -> &mut dyn KeyedCheck {
        self
    }
    fn len(&self) -> usize {
        Limiter::len(self)
    }
    fn evictions(&self) -> u64 {
        Limiter::evictions(self)
    }
    fn full_denials(&self) -> u64 {
        Limiter::full_denials(self)
    }
}

/// A table of exactly `slots` slots (a power of two from 4 to [`SHARD_SLOTS`]).
fn table(slots: usize, quota: Quota, seed: [u8; 16], policy: FullPolicy) -> Box<dyn Table> {
    macro_rules! sized {
        ($($n:literal)*) => {
            match slots {
                $($n => Box::new(Limiter::<$n>::new(quota, seed).with_full_policy(policy)),)*
                _ => Box::new(Limiter::<SHARD_SLOTS>::new(quota, seed).with_full_policy(policy)),
            }
        };
    }
    sized!(4 8 16 32 64 128 256 512 1024 2048)
}

/// Nanoseconds on the process-wide monotonic clock every limiter shares by default (so `check_all`
/// compares like with like). Starts at 1 s so that 0 never means "now".
fn monotonic_ns() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    let elapsed = START.get_or_init(Instant::now).elapsed().as_nanos();
    u64::try_from(elapsed).unwrap_or(u64::MAX).saturating_add(1_000_000_000)
}

fn seconds_to_ns(seconds: f64) -> Option<u64> {
    // Floats only at the edge: Python hands seconds, the core counts whole nanoseconds.
    let ns = (seconds * 1e9).round();
    #[allow(clippy::as_conversions, clippy::cast_possible_truncation, clippy::cast_sign_loss)] // range checked
    (0.0..1.8e19).contains(&ns).then_some(ns as u64)
}

/// The time of a check: `now_ns` exactly, else `now` seconds, else the shared monotonic clock.
fn clock(py: Python<'_>, now: Option<f64>, now_ns: Option<u64>) -> PyResult<u64> {
    match (now, now_ns) {
        (_, Some(ns)) => Ok(ns),
        (None, None) => Ok(monotonic_ns()),
        (Some(seconds), None) => {
            seconds_to_ns(seconds).ok_or_else(|| config_error(py, "invalid_time", "now must be finite and >= 0"))
        }
    }
}

fn os_seed(py: Python<'_>) -> PyResult<[u8; 16]> {
    let mut seed = [0u8; 16];
    getrandom::fill(&mut seed).map_err(|_| config_error(py, "no_entropy", "the OS RNG is unavailable"))?;
    Ok(seed)
}

/// A limiter key: `str` (UTF-8) or bytes-like.
fn key_bytes(key: &Bound<'_, PyAny>) -> PyResult<TextOrBytes> {
    TextOrBytes::extract(key)
}

/// A keyed GCRA rate limiter with a fixed number of slots (16 bytes each), shared safely by threads.
#[pyclass(module = "apiward", frozen)]
pub(crate) struct RateLimiter {
    shards: Box<[Mutex<Box<dyn Table>>]>,
    /// SipHash key choosing a shard (independent of the tables' own seeds).
    shard_key: (u64, u64),
    quota: Quota,
    name: String,
    capacity: usize,
}

impl RateLimiter {
    fn shard_of(&self, key: &[u8]) -> usize {
        if self.shards.len() == 1 {
            return 0;
        }
        let mut hasher = SipHasher13::new_with_keys(self.shard_key.0, self.shard_key.1);
        hasher.write(key);
        let wide = u128::from(hasher.finish()) * u128::try_from(self.shards.len()).unwrap_or(1);
        usize::try_from(wide >> 64).unwrap_or(0)
    }

    fn lock(&self, shard: usize) -> MutexGuard<'_, Box<dyn Table>> {
        // A poisoned lock only means another thread panicked mid-check; the table itself is always
        // consistent (the core never panics), so keep using it.
        self.shards[shard].lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn decision(&self, decision: limit::Decision) -> Decision {
        Decision { inner: decision, quota: Some(self.quota), name: self.name.clone() }
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
            (Some(seconds), None) => seconds_to_ns(seconds)
                .ok_or_else(|| config_error(py, "invalid_quota", "per must be a finite number of seconds >= 0"))?,
            _ => return Err(config_error(py, "invalid_quota", "give exactly one of per (seconds) and per_ns")),
        };
        let quota_error = |e: limit::Error| config_error(py, e.code(), e.message());
        let mut quota = Quota::new(rate, period).map_err(quota_error)?;
        if let Some(burst) = burst {
            quota = quota.with_burst(burst).map_err(quota_error)?;
        }
        let policy = match full_policy {
            "deny" => FullPolicy::Deny,
            "admit" => FullPolicy::Admit,
            _ => return Err(config_error(py, "invalid_policy", "full_policy must be \"deny\" or \"admit\"")),
        };
        let mut buf = [0u8; 128];
        limit::ratelimit_policy(&mut buf, name, &quota).map_err(quota_error)?;
        if capacity == 0 || capacity > 1 << 28 {
            return Err(config_error(py, "invalid_capacity", "capacity must be between 1 and 268435456"));
        }
        // Tests pin the seed to reproduce the shared vectors; services leave it to the OS RNG.
        let table_seed: [u8; 16] = match seed {
            Some(bytes) => {
                bytes.try_into().map_err(|_| config_error(py, "invalid_seed", "seed must be exactly 16 bytes"))?
            }
            None => os_seed(py)?,
        };
        let shard_seed = os_seed(py)?;
        let (shards, slots) = if capacity <= SHARD_SLOTS {
            (1, capacity.next_power_of_two().max(4))
        } else {
            (capacity.div_ceil(SHARD_SLOTS), SHARD_SLOTS)
        };
        let shards: Box<[_]> = (0..shards).map(|_| Mutex::new(table(slots, quota, table_seed, policy))).collect();
        let half = |at: usize| {
            let mut word = [0u8; 8];
            word.copy_from_slice(&shard_seed[at..at + 8]);
            u64::from_le_bytes(word)
        };
        let capacity = shards.len() * slots;
        Ok(RateLimiter { shards, shard_key: (half(0), half(8)), quota, name: name.to_owned(), capacity })
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
        let decision = self.lock(self.shard_of(&key)).check(&key, now, cost);
        Ok(self.decision(decision))
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
        let decision = self.lock(self.shard_of(&key)).evaluate(&key, now, cost);
        Ok(self.decision(decision))
    }

    /// A limiter with one of the core's named quotas: `"login"` (5/min), `"password_reset"` (3/h),
    /// `"read"` (300/min), `"write"` (60/min) or `"search"` (30/min).
    #[staticmethod]
    #[pyo3(signature = (name, *, capacity=65536, full_policy="deny", seed=None))]
    fn preset(py: Python<'_>, name: &str, capacity: usize, full_policy: &str, seed: Option<&[u8]>) -> PyResult<Self> {
        let quota = match name {
            "login" => Quota::LOGIN,
            "password_reset" => Quota::PASSWORD_RESET,
            "read" => Quota::READ,
            "write" => Quota::WRITE,
            "search" => Quota::SEARCH,
            _ => return Err(config_error(py, "invalid_quota", "unknown preset")),
        };
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
        self.capacity
    }

    /// Bytes of table memory: fixed at construction, 16 per slot.
    #[getter]
    fn table_bytes(&self) -> usize {
        self.capacity * 16
    }

    /// Entries currently stored (live or expired; O(capacity)).
    fn __len__(&self) -> usize {
        (0..self.shards.len()).map(|i| self.lock(i).len()).sum()
    }

    /// Live entries evicted to admit new keys (`full_policy="admit"` only): non-zero means the table is too small.
    #[getter]
    fn evictions(&self) -> u64 {
        (0..self.shards.len()).map(|i| self.lock(i).evictions()).sum()
    }

    /// New keys denied because the table had no room (`full_policy="deny"`): non-zero means the table is too small.
    #[getter]
    fn full_denials(&self) -> u64 {
        (0..self.shards.len()).map(|i| self.lock(i).full_denials()).sum()
    }

    /// `RateLimit-Policy` header value.
    #[getter]
    fn policy_header(&self) -> String {
        policy_header(&self.name, &self.quota)
    }

    fn __repr__(&self) -> String {
        format!(
            "RateLimiter(rate={}, per_ns={}, burst={}, capacity={})",
            self.quota.count(),
            self.quota.period_ns(),
            self.quota.burst(),
            self.capacity
        )
    }
}

fn policy_header(name: &str, quota: &Quota) -> String {
    let mut buf = [0u8; 128];
    limit::ratelimit_policy(&mut buf, name, quota).map(str::to_owned).unwrap_or_default()
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
        let inner = limit::Decision { allowed, remaining, retry_after_ns, reset_after_ns, limit };
        let mut buf = [0u8; 128];
        limit::ratelimit(&mut buf, name, &inner).map_err(|e| config_error(py, e.code(), e.message()))?;
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
        if let Some(quota) = &self.quota {
            headers.set_item("RateLimit-Policy", policy_header(&self.name, quota))?;
        }
        let mut buf = [0u8; 128];
        let value = limit::ratelimit(&mut buf, &self.name, &self.inner).unwrap_or_default();
        headers.set_item("RateLimit", value)?;
        if !self.inner.allowed {
            headers.set_item("Retry-After", self.retry_after_header())?;
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
        let key = key_bytes(&item.get_item(1)?)?;
        let cost: u32 = if item.len() > 2 { item.get_item(2)?.extract()? } else { 1 };
        entries.push((limiter, key, cost));
    }
    // One global lock order (table address) makes concurrent check_all calls deadlock-free.
    let mut order: Vec<usize> = (0..entries.len()).collect();
    let address = |i: usize| std::ptr::from_ref(entries[i].0.get()).addr();
    order.sort_by_key(|&i| address(i));
    if order.windows(2).any(|w| address(w[0]) == address(w[1])) {
        return Err(PyValueError::new_err("check_all: the same RateLimiter appears twice"));
    }
    let mut guards: Vec<Option<MutexGuard<'_, Box<dyn Table>>>> = (0..entries.len()).map(|_| None).collect();
    for &i in &order {
        let limiter = entries[i].0.get();
        guards[i] = Some(limiter.lock(limiter.shard_of(&entries[i].1)));
    }
    let mut pairs: Vec<(&mut dyn KeyedCheck, &[u8], u32)> = guards
        .iter_mut()
        .zip(&entries)
        .filter_map(|(guard, (_, key, cost))| Some((guard.as_mut()?.as_keyed(), &key[..], *cost)))
        .collect();
    let (index, decision) = limit::check_all(&mut pairs, now).map_err(|e| config_error(py, e.code(), e.message()))?;
    Ok(entries[index].0.get().decision(decision))
}

/// Resolves the client address behind trusted reverse proxies, and the limiter key for it.
#[pyclass(module = "apiward", frozen)]
pub(crate) struct ClientIpResolver {
    hops: usize,
    cidrs: Vec<Cidr>,
    header: ChainHeader,
    v6_prefix: u8,
}

impl ClientIpResolver {
    fn resolve_ip(&self, peer: &str, x_forwarded_for: &[String], forwarded: &[String]) -> Option<IpAddr> {
        let peer = client_ip::parse_ip(peer.as_bytes())?;
        let xff: Vec<&[u8]> = x_forwarded_for.iter().map(|line| line.as_bytes()).collect();
        let fwd: Vec<&[u8]> = forwarded.iter().map(|line| line.as_bytes()).collect();
        let trust = if !self.cidrs.is_empty() {
            TrustedProxies::Cidrs { cidrs: &self.cidrs, header: self.header }
        } else if self.hops > 0 {
            TrustedProxies::Hops { hops: self.hops, header: self.header }
        } else {
            TrustedProxies::None
        };
        Some(client_ip::resolve_client_ip(peer, &xff, &fwd, &trust))
    }
}

#[pymethods]
impl ClientIpResolver {
    /// `trusted_proxies`: `None` (trust no header: the peer is the client), a hop count (the number
    /// of reverse proxies in front of the app), or a list of CIDR blocks. `header`:
    /// `"x-forwarded-for"` or `"forwarded"` — the one your proxies write; the other is ignored.
    #[new]
    #[pyo3(signature = (trusted_proxies=None, *, header="x-forwarded-for", v6_prefix=client_ip::DEFAULT_V6_PREFIX))]
    fn new(py: Python<'_>, trusted_proxies: Option<&Bound<'_, PyAny>>, header: &str, v6_prefix: u8) -> PyResult<Self> {
        let header = match header.to_ascii_lowercase().as_str() {
            "x-forwarded-for" => ChainHeader::XForwardedFor,
            "forwarded" => ChainHeader::Forwarded,
            _ => return Err(config_error(py, "invalid_header", "header must be \"x-forwarded-for\" or \"forwarded\"")),
        };
        if v6_prefix > 128 {
            return Err(config_error(py, "prefix_too_long", "v6_prefix must be at most 128"));
        }
        let (mut hops, mut cidrs) = (0, Vec::new());
        if let Some(trusted) = trusted_proxies {
            if let Ok(count) = trusted.extract::<usize>() {
                hops = count;
            } else {
                let blocks: Vec<String> = trusted.extract()?;
                for block in blocks {
                    cidrs.push(Cidr::parse(block.as_bytes()).map_err(|e| config_error(py, e.code(), e.message()))?);
                }
            }
        }
        Ok(ClientIpResolver { hops, cidrs, header, v6_prefix })
    }

    /// The client address (canonical text) for a request from `peer` with these header lines, or
    /// `None` when `peer` itself is not an IP address (e.g. a Unix socket).
    #[pyo3(signature = (peer, x_forwarded_for=Vec::new(), forwarded=Vec::new()))]
    fn resolve(&self, peer: &str, x_forwarded_for: Vec<String>, forwarded: Vec<String>) -> Option<String> {
        self.resolve_ip(peer, &x_forwarded_for, &forwarded).map(|ip| ip.to_string())
    }

    /// The limiter key for a client address (IPv6 grouped by `v6_prefix`), or `None` if `ip` is not one.
    fn key<'py>(&self, py: Python<'py>, ip: &str) -> Option<Bound<'py, pyo3::types::PyBytes>> {
        let ip = client_ip::parse_ip(ip.as_bytes())?;
        let mut out = [0u8; client_ip::CLIENT_KEY_LEN];
        Some(pyo3::types::PyBytes::new(py, client_ip::client_key(ip, self.v6_prefix, &mut out)))
    }
}
