//! `NativeLimiter`, `checkAll` and `NativeResolver`: the core's rate-limit decision with Node-owned
//! tables, clock and seed.
//!
//! Decides only the storage shape: a capacity up to [`SHARD_SLOTS`] is one core table of the next
//! power of two; a larger one is `ceil(capacity / SHARD_SLOTS)` tables ("shards") of `SHARD_SLOTS`
//! slots, a key going to the shard a keyed SipHash picks — so the memory is fixed at 16 bytes per slot,
//! exactly as in the Python binding. Guarantees that every verdict is the core's, that the hash seeds
//! come from the OS RNG, and that `checkAll` decides over every table before any consumes. Never
//! stores a key and never reads the wall clock (the default clock is monotonic).

use std::cell::RefCell;
use std::hash::Hasher;
use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::Instant;

use apiward::limit::client_ip::{self, ChainHeader, Cidr, TrustedProxies};
use apiward::limit::{self, FullPolicy, KeyedCheck, Limiter, Quota};
use napi::bindgen_prelude::{BigInt, Buffer, BufferSlice, ClassInstance, Either};
use napi_derive::napi;
use siphasher::sip::SipHasher13;

use crate::{config_error, Result};

/// Slots per shard: 64 KiB of table.
const SHARD_SLOTS: usize = 4096;
/// Bytes of the decision record `check` writes for the JS layer (see [`write_decision`]).
pub const DECISION_BYTES: usize = 40;

/// One core table of any capacity, behind a trait object so capacity can be chosen at run time.
trait Table: KeyedCheck {
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

/// Nanoseconds on the process-wide monotonic clock every limiter shares by default (so `checkAll`
/// compares like with like). Starts at 1 s so that 0 never means "now".
fn monotonic_ns() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    let elapsed = START.get_or_init(Instant::now).elapsed().as_nanos();
    u64::try_from(elapsed).unwrap_or(u64::MAX).saturating_add(1_000_000_000)
}

fn exact_u64(value: &BigInt, what: &str) -> Result<u64> {
    match value.get_u64() {
        (false, v, true) => Ok(v),
        _ => Err(config_error("invalid_time", &format!("{what} must be an integer from 0 to 2^64-1"))),
    }
}

fn clock(now_ns: Option<BigInt>) -> Result<u64> {
    now_ns.map_or_else(|| Ok(monotonic_ns()), |ns| exact_u64(&ns, "nowNs"))
}

fn os_seed() -> Result<[u8; 16]> {
    let mut seed = [0u8; 16];
    getrandom::fill(&mut seed).map_err(|_| config_error("no_entropy", "the OS RNG is unavailable"))?;
    Ok(seed)
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
    shards: Box<[RefCell<Box<dyn Table>>]>,
    /// SipHash key choosing a shard (independent of the tables' own seeds).
    shard_key: (u64, u64),
    quota: Quota,
    name: String,
    capacity: usize,
}

impl NativeLimiter {
    fn shard_of(&self, key: &[u8]) -> usize {
        if self.shards.len() == 1 {
            return 0;
        }
        let mut hasher = SipHasher13::new_with_keys(self.shard_key.0, self.shard_key.1);
        hasher.write(key);
        let wide = u128::from(hasher.finish()) * u128::try_from(self.shards.len()).unwrap_or(1);
        usize::try_from(wide >> 64).unwrap_or(0)
    }

    fn decide(&self, key: &[u8], now_ns: Option<BigInt>, cost: u32, out: &mut [u8], record: bool) -> Result<bool> {
        let now = clock(now_ns)?;
        let shard = &self.shards[self.shard_of(key)];
        let decision =
            if record { shard.borrow_mut().check(key, now, cost) } else { shard.borrow().evaluate(key, now, cost) };
        Ok(write_decision(out, &decision))
    }

    fn sum(&self, of: impl Fn(&dyn Table) -> u64) -> u64 {
        self.shards.iter().map(|shard| of(&**shard.borrow())).sum()
    }
}

#[napi]
impl NativeLimiter {
    /// A limiter of `rate` requests per `perNs` nanoseconds.
    #[napi(constructor)]
    pub fn new(options: LimiterOptions) -> Result<Self> {
        let period = exact_u64(&options.per_ns, "perNs")
            .map_err(|_| config_error("invalid_quota", "per/perNs must be a non-negative period within 2^64-1 ns"))?;
        let quota_error = |e: limit::Error| config_error(e.code(), e.message());
        let mut quota = Quota::new(options.rate, period).map_err(quota_error)?;
        if let Some(burst) = options.burst {
            quota = quota.with_burst(burst).map_err(quota_error)?;
        }
        let policy = match options.full_policy.as_deref().unwrap_or("deny") {
            "deny" => FullPolicy::Deny,
            "admit" => FullPolicy::Admit,
            _ => return Err(config_error("invalid_policy", "fullPolicy must be \"deny\" or \"admit\"")),
        };
        let name = options.name.unwrap_or_else(|| "default".to_owned());
        let mut buf = [0u8; 128];
        limit::ratelimit_policy(&mut buf, &name, &quota).map_err(quota_error)?;
        let capacity = usize::try_from(options.capacity.unwrap_or(65536)).unwrap_or(usize::MAX);
        if capacity == 0 || capacity > 1 << 28 {
            return Err(config_error("invalid_capacity", "capacity must be between 1 and 268435456"));
        }
        // Tests pin the seed to reproduce the shared vectors; services leave it to the OS RNG.
        let table_seed: [u8; 16] = match &options.seed {
            Some(bytes) => {
                bytes[..].try_into().map_err(|_| config_error("invalid_seed", "seed must be exactly 16 bytes"))?
            }
            None => os_seed()?,
        };
        let shard_seed = os_seed()?;
        let (shards, slots) = if capacity <= SHARD_SLOTS {
            (1, capacity.next_power_of_two().max(4))
        } else {
            (capacity.div_ceil(SHARD_SLOTS), SHARD_SLOTS)
        };
        let shards: Box<[_]> = (0..shards).map(|_| RefCell::new(table(slots, quota, table_seed, policy))).collect();
        let half = |at: usize| {
            let mut word = [0u8; 8];
            word.copy_from_slice(&shard_seed[at..at + 8]);
            u64::from_le_bytes(word)
        };
        let capacity = shards.len() * slots;
        Ok(NativeLimiter { shards, shard_key: (half(0), half(8)), quota, name, capacity })
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
        match &key {
            Either::A(text) => self.decide(text.as_bytes(), now_ns, cost, &mut out, false),
            Either::B(bytes) => self.decide(&bytes[..], now_ns, cost, &mut out, false),
        }
    }

    /// Slots in the table (the requested capacity rounded up to the table's shape).
    #[napi(getter)]
    pub fn capacity(&self) -> u32 {
        u32::try_from(self.capacity).unwrap_or(u32::MAX)
    }

    /// Entries currently stored (live or expired; O(capacity)).
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.sum(|t| u64::try_from(t.len()).unwrap_or(u64::MAX))).unwrap_or(u32::MAX)
    }

    /// Live entries evicted to admit new keys (`fullPolicy: "admit"` only).
    #[napi(getter)]
    pub fn evictions(&self) -> BigInt {
        BigInt::from(self.sum(|t| t.evictions()))
    }

    /// New keys denied because the table had no room (`fullPolicy: "deny"`).
    #[napi(getter)]
    pub fn full_denials(&self) -> BigInt {
        BigInt::from(self.sum(|t| t.full_denials()))
    }

    /// The `RateLimit-Policy` header value.
    #[napi(getter)]
    pub fn policy_header(&self) -> String {
        let mut buf = [0u8; 128];
        limit::ratelimit_policy(&mut buf, &self.name, &self.quota).map(str::to_owned).unwrap_or_default()
    }

    /// The policy name.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// `[rate, periodNs, burst]`.
    #[napi(getter)]
    pub fn quota(&self) -> Vec<BigInt> {
        vec![
            BigInt::from(u64::from(self.quota.count())),
            BigInt::from(self.quota.period_ns()),
            BigInt::from(u64::from(self.quota.burst())),
        ]
    }
}

/// A named quota of the core: `[rate, periodNs, burst]`, or `null` for an unknown name.
#[napi]
pub fn preset_quota(name: String) -> Option<Vec<BigInt>> {
    let quota = match name.as_str() {
        "login" => Quota::LOGIN,
        "password_reset" => Quota::PASSWORD_RESET,
        "read" => Quota::READ,
        "write" => Quota::WRITE,
        "search" => Quota::SEARCH,
        _ => return None,
    };
    Some(vec![
        BigInt::from(u64::from(quota.count())),
        BigInt::from(quota.period_ns()),
        BigInt::from(u64::from(quota.burst())),
    ])
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
    if limiters.len() != keys.len() || limiters.len() != costs.len() || limiters.is_empty() {
        return Err(config_error("invalid_checks", "checkAll needs a non-empty list of [limiter, key, cost?]"));
    }
    let key_bytes: Vec<&[u8]> = keys
        .iter()
        .map(|key| match key {
            Either::A(text) => text.as_bytes(),
            Either::B(bytes) => &bytes[..],
        })
        .collect();
    let address = |i: usize| std::ptr::from_ref::<NativeLimiter>(&limiters[i]).addr();
    let mut seen: Vec<usize> = (0..limiters.len()).map(address).collect();
    seen.sort_unstable();
    if seen.windows(2).any(|w| w[0] == w[1]) {
        return Err(config_error("invalid_checks", "checkAll: the same RateLimiter appears twice"));
    }
    let mut guards: Vec<_> = limiters
        .iter()
        .zip(&key_bytes)
        .map(|(limiter, key)| limiter.shards[limiter.shard_of(key)].borrow_mut())
        .collect();
    let mut pairs: Vec<(&mut dyn KeyedCheck, &[u8], u32)> = guards
        .iter_mut()
        .zip(&key_bytes)
        .zip(&costs)
        .map(|((guard, key), cost)| (guard.as_keyed(), *key, *cost))
        .collect();
    let (index, decision) = limit::check_all(&mut pairs, now).map_err(|e| config_error(e.code(), e.message()))?;
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
    let decision = limit::Decision {
        allowed: retry_after_ns.get_u64().1 == 0,
        remaining,
        retry_after_ns: exact_u64(&retry_after_ns, "retryAfterNs")?,
        reset_after_ns: exact_u64(&reset_after_ns, "resetAfterNs")?,
        limit,
    };
    let mut buf = [0u8; 128];
    let ratelimit =
        limit::ratelimit(&mut buf, &name, &decision).map_err(|e| config_error(e.code(), e.message()))?.to_owned();
    Ok(vec![ratelimit, decision.retry_after_secs().to_string()])
}

/// The `RateLimit-Policy` value of a quota, checking the name (`invalid_policy_name`).
#[napi]
pub fn policy_header(name: String, rate: u32, per_ns: BigInt, burst: Option<u32>) -> Result<String> {
    let quota_error = |e: limit::Error| config_error(e.code(), e.message());
    let mut quota = Quota::new(rate, exact_u64(&per_ns, "perNs")?).map_err(quota_error)?;
    if let Some(burst) = burst {
        quota = quota.with_burst(burst).map_err(quota_error)?;
    }
    let mut buf = [0u8; 128];
    Ok(limit::ratelimit_policy(&mut buf, &name, &quota).map_err(quota_error)?.to_owned())
}

/// Resolves the client address behind trusted reverse proxies, and the limiter key for it.
#[napi]
pub struct NativeResolver {
    hops: u32,
    cidrs: Vec<Cidr>,
    header: ChainHeader,
    v6_prefix: u8,
}

#[napi]
impl NativeResolver {
    /// `hops` trusted proxies, or the trusted `cidrs`; `header`: `x-forwarded-for` or `forwarded`.
    #[napi(constructor)]
    pub fn new(hops: u32, cidrs: Vec<String>, header: String, v6_prefix: Option<u32>) -> Result<Self> {
        let header = match header.to_ascii_lowercase().as_str() {
            "x-forwarded-for" => ChainHeader::XForwardedFor,
            "forwarded" => ChainHeader::Forwarded,
            _ => return Err(config_error("invalid_header", "header must be \"x-forwarded-for\" or \"forwarded\"")),
        };
        let v6_prefix = match v6_prefix {
            None => client_ip::DEFAULT_V6_PREFIX,
            Some(p) => u8::try_from(p)
                .ok()
                .filter(|p| *p <= 128)
                .ok_or_else(|| config_error("prefix_too_long", "v6Prefix must be at most 128"))?,
        };
        let cidrs = cidrs
            .iter()
            .map(|block| Cidr::parse(block.as_bytes()).map_err(|e| config_error(e.code(), e.message())))
            .collect::<Result<Vec<_>>>()?;
        Ok(NativeResolver { hops, cidrs, header, v6_prefix })
    }

    fn resolve_ip(&self, peer: &str, x_forwarded_for: &[String], forwarded: &[String]) -> Option<IpAddr> {
        let peer = client_ip::parse_ip(peer.as_bytes())?;
        let xff: Vec<&[u8]> = x_forwarded_for.iter().map(String::as_bytes).collect();
        let fwd: Vec<&[u8]> = forwarded.iter().map(String::as_bytes).collect();
        let trust = if !self.cidrs.is_empty() {
            TrustedProxies::Cidrs { cidrs: &self.cidrs, header: self.header }
        } else if self.hops > 0 {
            TrustedProxies::Hops { hops: usize::try_from(self.hops).unwrap_or(usize::MAX), header: self.header }
        } else {
            TrustedProxies::None
        };
        Some(client_ip::resolve_client_ip(peer, &xff, &fwd, &trust))
    }

    /// The client address (canonical text) for a request from `peer` with these header lines, or
    /// `null` when `peer` itself is not an IP address (e.g. a Unix socket).
    #[napi]
    pub fn resolve(&self, peer: String, x_forwarded_for: Vec<String>, forwarded: Vec<String>) -> Option<String> {
        self.resolve_ip(&peer, &x_forwarded_for, &forwarded).map(|ip| ip.to_string())
    }

    /// The limiter key for a client address (IPv6 grouped by `v6Prefix`), or `null` if `ip` is not one.
    #[napi]
    pub fn key(&self, ip: String) -> Option<Buffer> {
        let ip = client_ip::parse_ip(ip.as_bytes())?;
        let mut out = [0u8; client_ip::CLIENT_KEY_LEN];
        Some(Buffer::from(client_ip::client_key(ip, self.v6_prefix, &mut out).to_vec()))
    }
}
