//! `NativeLimiter`, `checkAll` and `NativeResolver`: the core's rate-limit decision with Node-owned
//! tables, clock and seed.
//!
//! Decides only the Node spelling: the storage (run-time capacity, independently locked shards), the
//! quotas, the header values, the atomic multi-limiter check and the client-address resolver are
//! `apiward_hosted::limit`'s, shared with the Python binding, and every verdict is the core's. This
//! module turns BigInt nanoseconds into exact integers, writes each decision into the caller's
//! 40-byte record (so that a check allocates no JS object) and keeps the Node error codes.
//! Guarantees that the hash seeds come from the OS RNG (unless a test pins one) and that `now` is
//! the caller's or the one process-wide monotonic clock. Never stores a key, never reads the wall
//! clock.

use apiward::limit::{self, Quota};
use apiward_hosted::clock;
use apiward_hosted::limit::{self as hosted, CheckAllError, Resolver, ShardedLimiter, Trust};
use napi::bindgen_prelude::{BigInt, Buffer, BufferSlice, ClassInstance, Either};
use napi_derive::napi;

use crate::{config, config_error, Result};

/// Bytes of the decision record `check` writes for the JS layer (see [`write_decision`]).
pub const DECISION_BYTES: usize = 40;
/// Keys a limiter holds when the options do not say.
const DEFAULT_CAPACITY: u32 = 65536;

fn exact_u64(value: &BigInt, what: &str) -> Result<u64> {
    match value.get_u64() {
        (false, v, true) => Ok(v),
        _ => Err(config_error("invalid_time", &format!("{what} must be an integer from 0 to 2^64-1"))),
    }
}

fn clock(now_ns: Option<BigInt>) -> Result<u64> {
    now_ns.map_or_else(|| Ok(clock::monotonic_ns()), |ns| exact_u64(&ns, "nowNs"))
}

fn os_seed() -> Result<[u8; 16]> {
    clock::os_seed().ok_or_else(|| config_error("no_entropy", "the OS RNG is unavailable"))
}

fn bytes_of(key: &Either<String, Buffer>) -> &[u8] {
    match key {
        Either::A(text) => text.as_bytes(),
        Either::B(bytes) => bytes,
    }
}

/// `[rate, periodNs, burst]`, as the JS layer reads a quota.
fn quota_values(quota: &Quota) -> Vec<BigInt> {
    vec![
        BigInt::from(u64::from(quota.count())),
        BigInt::from(quota.period_ns()),
        BigInt::from(u64::from(quota.burst())),
    ]
}

#[allow(clippy::as_conversions, clippy::cast_precision_loss)] // ns → float seconds for display; exact ns kept
fn seconds(ns: u64) -> f64 {
    if ns == u64::MAX {
        f64::INFINITY
    } else {
        ns as f64 / 1e9
    }
}

/// The record the JS `Decision` reads (little-endian, 8-byte fields): `[0]` remaining (f64), `[1]`
/// limit (f64), `[2]` retry-after ns (u64), `[3]` reset-after ns (u64), `[4]` retry-after seconds
/// (f64, `Infinity` for never). `allowed` is the call's return value.
fn write_decision(out: &mut [u8], decision: &limit::Decision) -> bool {
    let fields: [[u8; 8]; 5] = [
        f64::from(decision.remaining).to_le_bytes(),
        f64::from(decision.limit).to_le_bytes(),
        decision.retry_after_ns.to_le_bytes(),
        decision.reset_after_ns.to_le_bytes(),
        seconds(decision.retry_after_ns).to_le_bytes(),
    ];
    for (slot, field) in out.chunks_exact_mut(8).zip(fields) {
        slot.copy_from_slice(&field);
    }
    decision.allowed
}

/// The options of `new RateLimiter(...)` after the JS layer resolved `per`/`perNs`.
#[napi(object)]
pub struct LimiterOptions {
    /// Requests per period.
    pub rate: u32,
    /// The period in nanoseconds.
    pub per_ns: BigInt,
    /// Requests admitted at once (default: `rate`).
    pub burst: Option<u32>,
    /// Keys the table holds (rounded up to its shape; default 65536).
    pub capacity: Option<u32>,
    /// `"deny"` (default) or `"admit"` (evict the stalest key) when the table is full.
    pub full_policy: Option<String>,
    /// The policy name in the `RateLimit` headers.
    pub name: Option<String>,
    /// 16 bytes: pins the table's hash seed (tests); the OS RNG otherwise.
    pub seed: Option<Buffer>,
}

/// A keyed GCRA rate limiter with a fixed number of slots (16 bytes each).
#[napi]
pub struct NativeLimiter {
    inner: ShardedLimiter,
}

impl NativeLimiter {
    fn decide(&self, key: &[u8], now_ns: Option<BigInt>, cost: u32, out: &mut [u8], record: bool) -> Result<bool> {
        let now = clock(now_ns)?;
        let decision = if record { self.inner.check(key, now, cost) } else { self.inner.peek(key, now, cost) };
        Ok(write_decision(out, &decision))
    }
}

#[napi]
impl NativeLimiter {
    /// A limiter of `rate` requests per `perNs` nanoseconds.
    #[napi(constructor)]
    pub fn new(options: LimiterOptions) -> Result<Self> {
        let period = exact_u64(&options.per_ns, "perNs")
            .map_err(|_| config_error("invalid_quota", "per/perNs must be a non-negative period within 2^64-1 ns"))?;
        let quota = hosted::quota(options.rate, period, options.burst).map_err(config)?;
        let policy = hosted::full_policy(options.full_policy.as_deref().unwrap_or("deny")).map_err(config)?;
        // Tests pin the seed to reproduce the shared vectors; services leave it to the OS RNG.
        let table_seed: [u8; 16] = match &options.seed {
            Some(bytes) => {
                bytes[..].try_into().map_err(|_| config_error("invalid_seed", "seed must be exactly 16 bytes"))?
            }
            None => os_seed()?,
        };
        let capacity = usize::try_from(options.capacity.unwrap_or(DEFAULT_CAPACITY)).unwrap_or(usize::MAX);
        let name = options.name.as_deref().unwrap_or("default");
        let inner = ShardedLimiter::new(quota, capacity, policy, name, table_seed, os_seed()?).map_err(config)?;
        Ok(NativeLimiter { inner })
    }

    /// Decides a request of `cost` units for a string key; writes the decision record into `out`.
    #[napi]
    pub fn check(&self, key: String, cost: u32, mut out: BufferSlice, now_ns: Option<BigInt>) -> Result<bool> {
        self.decide(key.as_bytes(), now_ns, cost, &mut out, true)
    }

    /// `check` for a byte key (e.g. `ClientIpResolver.key`).
    #[napi]
    pub fn check_bytes(&self, key: &[u8], cost: u32, mut out: BufferSlice, now_ns: Option<BigInt>) -> Result<bool> {
        self.decide(key, now_ns, cost, &mut out, true)
    }

    /// The decision `check` would make, without recording anything.
    #[napi]
    pub fn peek(
        &self,
        key: Either<String, Buffer>,
        cost: u32,
        mut out: BufferSlice,
        now_ns: Option<BigInt>,
    ) -> Result<bool> {
        self.decide(bytes_of(&key), now_ns, cost, &mut out, false)
    }

    /// Slots in the table (the requested capacity rounded up to the table's shape).
    #[napi(getter)]
    pub fn capacity(&self) -> u32 {
        u32::try_from(self.inner.capacity()).unwrap_or(u32::MAX)
    }

    /// Entries currently stored (live or expired; O(capacity)).
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// Live entries evicted to admit new keys (`fullPolicy: "admit"` only).
    #[napi(getter)]
    pub fn evictions(&self) -> BigInt {
        BigInt::from(self.inner.evictions())
    }

    /// New keys denied because the table had no room (`fullPolicy: "deny"`).
    #[napi(getter)]
    pub fn full_denials(&self) -> BigInt {
        BigInt::from(self.inner.full_denials())
    }

    /// The `RateLimit-Policy` header value.
    #[napi(getter)]
    pub fn policy_header(&self) -> String {
        self.inner.policy_header()
    }

    /// The policy name.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// `[rate, periodNs, burst]`.
    #[napi(getter)]
    pub fn quota(&self) -> Vec<BigInt> {
        quota_values(self.inner.quota())
    }
}

/// A named quota of the core: `[rate, periodNs, burst]`, or `null` for an unknown name.
#[napi]
pub fn preset_quota(name: String) -> Option<Vec<BigInt>> {
    hosted::preset(&name).as_ref().map(quota_values)
}

/// One atomic decision over several limiters: every one admits and consumes, or none consumes.
/// Writes the decisive decision into `out` and returns the index of the limiter that made it.
#[napi]
pub fn check_all(
    limiters: Vec<ClassInstance<NativeLimiter>>,
    keys: Vec<Either<String, Buffer>>,
    costs: Vec<u32>,
    mut out: BufferSlice,
    now_ns: Option<BigInt>,
) -> Result<u32> {
    let now = clock(now_ns)?;
    let invalid = || config_error("invalid_checks", "checkAll needs a non-empty list of [limiter, key, cost?]");
    if limiters.len() != keys.len() || limiters.len() != costs.len() {
        return Err(invalid());
    }
    let entries: Vec<(&ShardedLimiter, &[u8], u32)> = limiters
        .iter()
        .zip(&keys)
        .zip(&costs)
        .map(|((limiter, key), cost)| (&limiter.inner, bytes_of(key), *cost))
        .collect();
    let (index, decision) = hosted::check_all(&entries, now).map_err(|error| match error {
        CheckAllError::Duplicate => config_error("invalid_checks", "checkAll: the same RateLimiter appears twice"),
        CheckAllError::Empty(_) => invalid(),
    })?;
    write_decision(&mut out, &decision);
    u32::try_from(index).map_err(|_| config_error("invalid_checks", "too many checks"))
}

/// The header values of a decision: `[RateLimit, Retry-After]`.
#[napi]
pub fn decision_headers(
    name: String,
    remaining: u32,
    limit: u32,
    retry_after_ns: BigInt,
    reset_after_ns: BigInt,
) -> Result<Vec<String>> {
    let retry_after_ns = exact_u64(&retry_after_ns, "retryAfterNs")?;
    let reset_after_ns = exact_u64(&reset_after_ns, "resetAfterNs")?;
    let decision = limit::Decision { allowed: retry_after_ns == 0, remaining, retry_after_ns, reset_after_ns, limit };
    let ratelimit = hosted::ratelimit_header(&name, &decision).map_err(config)?;
    Ok(vec![ratelimit, decision.retry_after_secs().to_string()])
}

/// The `RateLimit-Policy` value of a quota, checking the name (`invalid_policy_name`).
#[napi]
pub fn policy_header(name: String, rate: u32, per_ns: BigInt, burst: Option<u32>) -> Result<String> {
    let quota = hosted::quota(rate, exact_u64(&per_ns, "perNs")?, burst).map_err(config)?;
    hosted::policy_header(&name, &quota).map_err(config)
}

/// Resolves the client address behind trusted reverse proxies, and the limiter key for it.
#[napi]
pub struct NativeResolver {
    inner: Resolver,
}

#[napi]
impl NativeResolver {
    /// `hops` trusted proxies, or the trusted `cidrs`; `header`: `x-forwarded-for` or `forwarded`.
    #[napi(constructor)]
    pub fn new(hops: u32, cidrs: Vec<String>, header: String, v6_prefix: Option<u32>) -> Result<Self> {
        let trust = match (cidrs.is_empty(), hops) {
            (false, _) => Trust::Cidrs(cidrs),
            (true, 0) => Trust::Nothing,
            (true, hops) => Trust::Hops(usize::try_from(hops).unwrap_or(usize::MAX)),
        };
        // Out-of-range prefixes saturate to 255, which the resolver refuses after checking the header.
        let v6_prefix = v6_prefix.map_or(limit::client_ip::DEFAULT_V6_PREFIX, |p| u8::try_from(p).unwrap_or(u8::MAX));
        let inner = Resolver::new(trust, &header, v6_prefix).map_err(|error| match error.code {
            // The Node API has always called this `prefix_too_long`, after its option.
            "invalid_prefix" => config_error("prefix_too_long", "v6Prefix must be at most 128"),
            _ => config(error),
        })?;
        Ok(NativeResolver { inner })
    }

    /// The client address (canonical text) for a request from `peer` with these header lines, or
    /// `null` when `peer` itself is not an IP address (e.g. a Unix socket).
    #[napi]
    pub fn resolve(&self, peer: String, x_forwarded_for: Vec<String>, forwarded: Vec<String>) -> Option<String> {
        let xff: Vec<&[u8]> = x_forwarded_for.iter().map(String::as_bytes).collect();
        let fwd: Vec<&[u8]> = forwarded.iter().map(String::as_bytes).collect();
        self.inner.resolve(&peer, &xff, &fwd).map(|ip| ip.to_string())
    }

    /// The limiter key for a client address (IPv6 grouped by `v6Prefix`), or `null` if `ip` is not one.
    #[napi]
    pub fn key(&self, ip: String) -> Option<Buffer> {
        self.inner.key(&ip).map(Buffer::from)
    }
}
