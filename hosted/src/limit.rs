//! Rate limiting with a capacity chosen at run time, shared safely between threads.
//!
//! Decides only the storage shape: a capacity up to [`SHARD_SLOTS`] is one core table of the next
//! power of two (at least 4); a larger one is `ceil(capacity / SHARD_SLOTS)` tables ("shards") of
//! `SHARD_SLOTS` slots, a key going to the shard a SipHash keyed by its own secret picks, each shard
//! behind its own lock — so memory is fixed at 16 bytes per slot, allocated once, and threads on
//! different shards never wait for each other. Guarantees that every decision is the core's, and
//! that [`check_all`] locks every table it touches in one global order (so concurrent calls cannot
//! deadlock) before deciding. Never stores a key.

use std::hash::Hasher;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};

use apiward::limit::client_ip::{self, ChainHeader, Cidr, TrustedProxies};
use apiward::limit::{self, Decision, FullPolicy, KeyedCheck, Limiter, Quota};
use siphasher::sip::SipHasher13;

use crate::ConfigError;

/// Slots per shard: 64 KiB of table, small enough to build on any thread's stack.
pub const SHARD_SLOTS: usize = 4096;
/// Largest capacity a binding accepts (4 GiB of table).
pub const MAX_CAPACITY: usize = 1 << 28;

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

/// A quota from a rate, a period in nanoseconds and an optional burst.
///
/// # Errors
/// The core's quota codes (`zero_rate`, `zero_period`, `rate_too_high`, `zero_burst`, `overflow`).
pub fn quota(rate: u32, period_ns: u64, burst: Option<u32>) -> Result<Quota, ConfigError> {
    let quota = Quota::new(rate, period_ns)?;
    Ok(match burst {
        Some(burst) => quota.with_burst(burst)?,
        None => quota,
    })
}

/// One of the core's named quotas: `login`, `password_reset`, `read`, `write`, `search`.
pub fn preset(name: &str) -> Option<Quota> {
    Some(match name {
        "login" => Quota::LOGIN,
        "password_reset" => Quota::PASSWORD_RESET,
        "read" => Quota::READ,
        "write" => Quota::WRITE,
        "search" => Quota::SEARCH,
        _ => return None,
    })
}

/// `"deny"` or `"admit"`.
///
/// # Errors
/// `invalid_policy` for anything else.
pub fn full_policy(name: &str) -> Result<FullPolicy, ConfigError> {
    match name {
        "deny" => Ok(FullPolicy::Deny),
        "admit" => Ok(FullPolicy::Admit),
        _ => Err(ConfigError::new("invalid_policy", "full policy must be \"deny\" or \"admit\"")),
    }
}

/// A keyed GCRA limiter over run-time-sized, independently locked core tables.
pub struct ShardedLimiter {
    shards: Box<[Mutex<Box<dyn Table>>]>,
    /// SipHash key choosing a shard (independent of the tables' own seed).
    shard_key: (u64, u64),
    quota: Quota,
    name: String,
    capacity: usize,
}

impl core::fmt::Debug for ShardedLimiter {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ShardedLimiter")
            .field("quota", &self.quota)
            .field("name", &self.name)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

fn word(seed: &[u8; 16], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&seed[at..at + 8]);
    u64::from_le_bytes(bytes)
}

impl ShardedLimiter {
    /// A limiter for `quota` holding at least `capacity` keys (see the module docs for the shape),
    /// named `name` in its `RateLimit` headers. `table_seed` keys the tables' fingerprints and
    /// `shard_seed` the shard choice: both secret, from the OS RNG except in reproducible tests.
    ///
    /// # Errors
    /// `invalid_capacity` outside `1..=MAX_CAPACITY`; `invalid_policy_name` for a name that is not a
    /// structured-field token.
    pub fn new(
        quota: Quota,
        capacity: usize,
        policy: FullPolicy,
        name: &str,
        table_seed: [u8; 16],
        shard_seed: [u8; 16],
    ) -> Result<Self, ConfigError> {
        if capacity == 0 || capacity > MAX_CAPACITY {
            return Err(ConfigError::new("invalid_capacity", "capacity must be between 1 and 268435456"));
        }
        policy_header(name, &quota)?;
        let (shards, slots) = if capacity <= SHARD_SLOTS {
            (1, capacity.next_power_of_two().max(4))
        } else {
            (capacity.div_ceil(SHARD_SLOTS), SHARD_SLOTS)
        };
        let shards: Box<[_]> = (0..shards).map(|_| Mutex::new(table(slots, quota, table_seed, policy))).collect();
        let capacity = shards.len() * slots;
        Ok(ShardedLimiter {
            shards,
            shard_key: (word(&shard_seed, 0), word(&shard_seed, 8)),
            quota,
            name: name.to_owned(),
            capacity,
        })
    }

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
        // A poisoned lock only means another thread panicked while holding it; the table is always
        // consistent (the core never panics mid-update), so keep using it.
        self.shards[shard].lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Decides and records a request of `cost` units (0 peeks) for `key` at `now` (ns).
    pub fn check(&self, key: &[u8], now: u64, cost: u32) -> Decision {
        self.lock(self.shard_of(key)).check(key, now, cost)
    }

    /// The decision `check` would make, recording nothing.
    pub fn peek(&self, key: &[u8], now: u64, cost: u32) -> Decision {
        self.lock(self.shard_of(key)).evaluate(key, now, cost)
    }

    /// The quota every key is held to.
    pub fn quota(&self) -> &Quota {
        &self.quota
    }

    /// The policy name used in the `RateLimit` headers.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Slots in the table (the requested capacity rounded up to the table's shape).
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Bytes of table memory, fixed at construction: 16 per slot.
    pub fn table_bytes(&self) -> usize {
        self.capacity * 16
    }

    fn sum(&self, of: impl Fn(&dyn Table) -> u64) -> u64 {
        (0..self.shards.len()).map(|i| of(&**self.lock(i))).sum()
    }

    /// Entries stored (live or expired; O(capacity)).
    pub fn len(&self) -> usize {
        usize::try_from(self.sum(|t| u64::try_from(t.len()).unwrap_or(u64::MAX))).unwrap_or(usize::MAX)
    }

    /// Whether no entry is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Live entries evicted to admit new keys (`admit` policy): non-zero means the table is too small.
    pub fn evictions(&self) -> u64 {
        self.sum(|t| t.evictions())
    }

    /// New keys refused for lack of room (`deny` policy): non-zero means the table is too small.
    pub fn full_denials(&self) -> u64 {
        self.sum(|t| t.full_denials())
    }

    /// The `RateLimit-Policy` header value.
    pub fn policy_header(&self) -> String {
        // The name was checked at construction, so this never falls back.
        policy_header(&self.name, &self.quota).unwrap_or_default()
    }
}

/// Why [`check_all`] refused to decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckAllError {
    /// The same limiter appears twice (an atomic decision needs each table once).
    Duplicate,
    /// No checks at all (fail closed rather than admit unchecked): the core's `no_limits`.
    Empty(limit::Error),
}

/// One atomic decision over several `(limiter, key, cost)` entries: every limiter admits and consumes,
/// or none consumes anything. Returns the decisive entry's index and decision (the core's rule: the
/// longest wait when denied, the fewest remaining when admitted).
///
/// # Errors
/// [`CheckAllError`].
pub fn check_all(entries: &[(&ShardedLimiter, &[u8], u32)], now: u64) -> Result<(usize, Decision), CheckAllError> {
    let address = |i: usize| std::ptr::from_ref(entries[i].0).addr();
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| address(i));
    if order.windows(2).any(|w| address(w[0]) == address(w[1])) {
        return Err(CheckAllError::Duplicate);
    }
    let mut guards: Vec<Option<MutexGuard<'_, Box<dyn Table>>>> = (0..entries.len()).map(|_| None).collect();
    for &i in &order {
        let (limiter, key, _) = entries[i];
        guards[i] = Some(limiter.lock(limiter.shard_of(key)));
    }
    let mut pairs: Vec<(&mut dyn KeyedCheck, &[u8], u32)> = guards
        .iter_mut()
        .zip(entries)
        .filter_map(|(guard, (_, key, cost))| Some((guard.as_mut()?.as_keyed(), *key, *cost)))
        .collect();
    limit::check_all(&mut pairs, now).map_err(CheckAllError::Empty)
}

/// The `RateLimit-Policy` header value of `quota` under the policy name `name`.
///
/// # Errors
/// `invalid_policy_name` for a name that is not a structured-field token.
pub fn policy_header(name: &str, quota: &Quota) -> Result<String, ConfigError> {
    let mut buf = [0u8; 128];
    Ok(limit::ratelimit_policy(&mut buf, name, quota)?.to_owned())
}

/// The `RateLimit` header value of `decision` under the policy name `name`.
///
/// # Errors
/// `invalid_policy_name` for a name that is not a structured-field token.
pub fn ratelimit_header(name: &str, decision: &Decision) -> Result<String, ConfigError> {
    let mut buf = [0u8; 128];
    Ok(limit::ratelimit(&mut buf, name, decision)?.to_owned())
}

/// The response headers for a decision: `RateLimit-Policy` (when the quota is known) and `RateLimit`
/// always, `Retry-After` when denied. Names as the drafts spell them.
pub fn headers(name: &str, quota: Option<&Quota>, decision: &Decision) -> Vec<(&'static str, String)> {
    let mut out = Vec::with_capacity(3);
    if let Some(Ok(value)) = quota.map(|quota| policy_header(name, quota)) {
        out.push(("RateLimit-Policy", value));
    }
    if let Ok(value) = ratelimit_header(name, decision) {
        out.push(("RateLimit", value));
    }
    if !decision.allowed {
        out.push(("Retry-After", decision.retry_after_secs().to_string()));
    }
    out
}

/// A decision built by hand (tests, custom stores), checked like a limiter's.
///
/// # Errors
/// `invalid_policy_name` for a name that is not a structured-field token.
pub fn decision(
    allowed: bool,
    remaining: u32,
    retry_after_ns: u64,
    reset_after_ns: u64,
    limit: u32,
    name: &str,
) -> Result<Decision, ConfigError> {
    let decision = Decision { allowed, remaining, retry_after_ns, reset_after_ns, limit };
    ratelimit_header(name, &decision)?;
    Ok(decision)
}

/// Which proxies to believe, as bindings spell it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Nothing: the TCP peer is the client.
    Nothing,
    /// The number of reverse proxies in front of the app.
    Hops(usize),
    /// The proxies' address blocks, as CIDR text.
    Cidrs(Vec<String>),
}

/// Resolves the client address behind trusted proxies, and the limiter key for it.
#[derive(Clone, Debug)]
pub struct Resolver {
    hops: usize,
    cidrs: Vec<Cidr>,
    header: ChainHeader,
    v6_prefix: u8,
}

impl Resolver {
    /// A resolver believing `trust`, reading `header` (`"x-forwarded-for"` or `"forwarded"`, any
    /// case), keying IPv6 clients by their first `v6_prefix` bits.
    ///
    /// # Errors
    /// `invalid_header`; `invalid_prefix` over 128; the core's `cidr_*` codes for a bad block.
    pub fn new(trust: Trust, header: &str, v6_prefix: u8) -> Result<Self, ConfigError> {
        let header = match header.to_ascii_lowercase().as_str() {
            "x-forwarded-for" => ChainHeader::XForwardedFor,
            "forwarded" => ChainHeader::Forwarded,
            _ => return Err(ConfigError::new("invalid_header", "header must be \"x-forwarded-for\" or \"forwarded\"")),
        };
        if v6_prefix > 128 {
            return Err(ConfigError::new("invalid_prefix", "the IPv6 prefix must be at most 128 bits"));
        }
        let (hops, cidrs) = match trust {
            Trust::Nothing => (0, Vec::new()),
            Trust::Hops(hops) => (hops, Vec::new()),
            Trust::Cidrs(blocks) => {
                let parsed = blocks
                    .iter()
                    .map(|b| Cidr::parse(b.as_bytes()).map_err(|e| ConfigError::new(e.code(), e.message())))
                    .collect::<Result<_, _>>()?;
                (0, parsed)
            }
        };
        Ok(Resolver { hops, cidrs, header, v6_prefix })
    }

    /// The client address for a request from `peer` with these header lines, or `None` when `peer`
    /// is not an IP address (a Unix socket, a test client).
    pub fn resolve(&self, peer: &str, x_forwarded_for: &[&[u8]], forwarded: &[&[u8]]) -> Option<IpAddr> {
        let peer = client_ip::parse_ip(peer.as_bytes())?;
        let trust = if !self.cidrs.is_empty() {
            TrustedProxies::Cidrs { cidrs: &self.cidrs, header: self.header }
        } else if self.hops > 0 {
            TrustedProxies::Hops { hops: self.hops, header: self.header }
        } else {
            TrustedProxies::None
        };
        Some(client_ip::resolve_client_ip(peer, x_forwarded_for, forwarded, &trust))
    }

    /// The limiter key for an address (IPv6 grouped by the prefix), or `None` if `ip` is not one.
    pub fn key(&self, ip: &str) -> Option<Vec<u8>> {
        let ip = client_ip::parse_ip(ip.as_bytes())?;
        let mut out = [0u8; client_ip::CLIENT_KEY_LEN];
        Some(client_ip::client_key(ip, self.v6_prefix, &mut out).to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(capacity: usize) -> ShardedLimiter {
        ShardedLimiter::new(
            quota(1, 1_000_000_000, Some(2)).unwrap(),
            capacity,
            FullPolicy::Deny,
            "t",
            [1; 16],
            [2; 16],
        )
        .unwrap()
    }

    #[test]
    fn shapes() {
        assert_eq!(limiter(1).capacity(), 4);
        assert_eq!(limiter(1000).capacity(), 1024);
        assert_eq!(limiter(100_000).capacity(), 25 * SHARD_SLOTS);
        assert_eq!(limiter(100_000).table_bytes(), 16 * 25 * SHARD_SLOTS);
        assert!(ShardedLimiter::new(Quota::LOGIN, 0, FullPolicy::Deny, "t", [0; 16], [0; 16]).is_err());
        assert_eq!(
            ShardedLimiter::new(Quota::LOGIN, 4, FullPolicy::Deny, "a b", [0; 16], [0; 16]).unwrap_err().code,
            "invalid_policy_name"
        );
    }

    #[test]
    fn sharded_checks_and_counters() {
        let l = limiter(100_000);
        assert!(l.check(b"a", 0, 1).allowed && l.check(b"a", 0, 1).allowed && !l.check(b"a", 0, 1).allowed);
        assert_eq!(l.peek(b"b", 0, 0).remaining, 2);
        assert_eq!((l.len(), l.evictions(), l.full_denials()), (1, 0, 0));
        assert_eq!(l.policy_header(), "\"t\";q=1;w=1");
    }

    #[test]
    fn check_all_atomic_and_refusals() {
        let (a, b) = (limiter(64), limiter(100_000));
        assert!(check_all(&[(&a, b"k", 1), (&b, b"u", 2)], 0).unwrap().1.allowed);
        let (index, denied) = check_all(&[(&a, b"k", 1), (&b, b"u", 1)], 0).unwrap();
        assert!(!denied.allowed && index == 1);
        assert_eq!(a.peek(b"k", 0, 0).remaining, 1); // the denial consumed nothing from `a`
        assert_eq!(check_all(&[(&a, b"k", 1), (&a, b"j", 1)], 0), Err(CheckAllError::Duplicate));
        assert!(matches!(check_all(&[], 0), Err(CheckAllError::Empty(_))));
    }

    #[test]
    fn headers_and_resolver() {
        let d = decision(false, 0, 1, 1_000_000_000, 5, "default").unwrap();
        assert_eq!(
            headers("default", None, &d),
            [("RateLimit", "\"default\";r=0;t=1".to_owned()), ("Retry-After", "1".to_owned())]
        );
        assert_eq!(ratelimit_header("default", &d).unwrap(), "\"default\";r=0;t=1");
        assert_eq!(ratelimit_header("a b", &d).unwrap_err().code, "invalid_policy_name");
        assert_eq!(policy_header("login", &Quota::LOGIN).unwrap(), "\"login\";q=5;w=60");
        assert_eq!(policy_header("a b", &Quota::LOGIN).unwrap_err().code, "invalid_policy_name");
        let r = Resolver::new(Trust::Hops(1), "X-Forwarded-For", 64).unwrap();
        assert_eq!(r.resolve("10.0.0.1", &[b"1.2.3.4"], &[]), Some("1.2.3.4".parse().unwrap()));
        assert_eq!(r.key("::ffff:1.2.3.4"), Some(vec![0xff, 1, 2, 3, 4]));
        assert_eq!(Resolver::new(Trust::Cidrs(vec!["x".into()]), "forwarded", 64).unwrap_err().code, "cidr_malformed");
        assert_eq!(Resolver::new(Trust::Nothing, "x-real-ip", 64).unwrap_err().code, "invalid_header");
        assert_eq!(Resolver::new(Trust::Nothing, "forwarded", 129).unwrap_err().code, "invalid_prefix");
    }
}
