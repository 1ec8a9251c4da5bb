//! A fixed-capacity table of per-key GCRA state: `Limiter<N>` holds at most `N` keys in `16 * N` bytes.
//!
//! Decides, for a key (an IP address, a user id, any bytes), whether its request is admitted, by finding
//! the key's theoretical arrival time (TAT) among a bounded window of slots and applying
//! [`gcra::check`](super::gcra::check). Guarantees O(1) work per check (at most [`WINDOW`] slots
//! probed), no heap, no panics, and that a throttled key is only ever forgotten under the rules on [`Limiter`],
//! never while a less-limited entry could be dropped instead. Never stores the key itself (only a
//! 64-bit SipHash-1-3 fingerprint keyed by the caller's secret seed, so an attacker who does not know
//! the seed cannot aim keys at one window), never reads a clock, never allocates.

use siphasher::sip::SipHasher13;

use super::gcra::{self, Decision};
use super::Quota;
use core::hash::Hasher;

/// How many consecutive slots a key may occupy: the probe window.
pub const WINDOW: usize = 8;

/// What happens to a new key when all of its [`WINDOW`] candidate slots hold live entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FullPolicy {
    /// Deny the new key and evict nothing (fail closed). The default: no limited key ever loses its
    /// debt, at the price that a flood of distinct keys can lock out new ones until entries expire.
    Deny,
    /// Admit the new key by evicting the least-limited candidate (counted in [`Limiter::evictions`]).
    /// New keys always get in; the cost is that the evicted key's debt is forgotten.
    Admit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    fingerprint: u64,
    tat: u64,
}

const _: () = assert!(core::mem::size_of::<Slot>() <= 16);

const EMPTY: u64 = 0;

impl Slot {
    const EMPTY: Slot = Slot { fingerprint: EMPTY, tat: 0 };
}

/// What [`Limiter::check`] will write, computed by the read-only planner.
#[derive(Clone, Copy)]
enum Write {
    Nothing,
    Store { index: usize, fingerprint: u64, tat: u64 },
    Evict { index: usize, fingerprint: u64, tat: u64 },
    FullDenial,
}

/// A keyed rate limiter for one [`Quota`], holding the state of at most `N` keys.
///
/// `N` must be at least 1 (a zero-capacity table is a compile error). Lives happily in a `static`
/// behind the caller's lock: [`Limiter::new`] is `const`.
///
/// # Slots, probing and eviction
///
/// A slot is `(fingerprint: u64, tat: u64)`; fingerprint 0 marks an empty slot (a key whose hash is 0
/// is stored as 1). A key's candidates are the [`WINDOW`] slots starting at `hash % N` (linear probe,
/// wrapping; all `N` slots if `N < WINDOW`). A check:
///
/// 1. If a candidate holds the key's fingerprint, GCRA decides with that TAT; an admitted request
///    stores the new TAT in place.
/// 2. Otherwise the key is new (a fresh, full bucket). An admitted request with `cost > 0` is stored in
///    the first candidate that is empty or *expired* — its TAT is `<= now`, so its bucket is full again
///    and dropping it loses nothing: it is reused silently, without counting an eviction.
/// 3. If every candidate holds a *live* entry (TAT `> now`: still limited), the [`FullPolicy`] decides:
///    * [`FullPolicy::Deny`] (the default; fail closed): the new key is denied, nothing is evicted, and
///      [`Limiter::full_denials`] counts it (unless GCRA would deny the request anyway, e.g. a cost
///      above the burst: then that denial is returned as is). `retry_after_ns` is the time until the
///      least-limited candidate expires and frees its slot.
///    * [`FullPolicy::Admit`]: the victim is the least-limited candidate (smallest TAT; the first one on
///      ties). If the new key's request is admitted, the victim is overwritten and
///      [`Limiter::evictions`] counts it. The evicted key starts afresh next time: this is the only
///      way a limited key can regain capacity early, and it only happens to the key with the least
///      debt in its window — a throttled key is never reset while a fresher entry sits beside it.
///
/// Time never runs backwards inside a table: a `now` below the latest `now` any check has seen is
/// treated as that latest value (time stands still), so a backwards clock can neither grant capacity
/// nor bring back the debt of an entry that expired and was reused.
///
/// A peek (`cost == 0`) and a denied request never change the slots. Two keys with the same 64-bit
/// fingerprint and window share one bucket (probability about `N * WINDOW / 2^64` per pair).
#[derive(Clone)]
pub struct Limiter<const N: usize> {
    slots: [Slot; N],
    quota: Quota,
    seed: [u8; 16],
    policy: FullPolicy,
    evictions: u64,
    full_denials: u64,
    latest: u64,
}

/// Shows the configuration and counters, never the secret seed or the fingerprints.
impl<const N: usize> core::fmt::Debug for Limiter<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Limiter")
            .field("capacity", &N)
            .field("quota", &self.quota)
            .field("policy", &self.policy)
            .field("evictions", &self.evictions)
            .field("full_denials", &self.full_denials)
            .field("latest", &self.latest)
            .finish_non_exhaustive()
    }
}

impl<const N: usize> Limiter<N> {
    const NONEMPTY: () = assert!(N > 0, "a Limiter needs at least one slot");

    /// An empty table for `quota`, with the secret hash `seed` (read it from the OS RNG once per
    /// process) and [`FullPolicy::Deny`].
    pub const fn new(quota: Quota, seed: [u8; 16]) -> Self {
        let () = Self::NONEMPTY;
        Limiter {
            slots: [Slot::EMPTY; N],
            quota,
            seed,
            policy: FullPolicy::Deny,
            evictions: 0,
            full_denials: 0,
            latest: 0,
        }
    }

    /// The same table with another [`FullPolicy`].
    pub const fn with_full_policy(mut self, policy: FullPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The quota every key is held to.
    pub const fn quota(&self) -> &Quota {
        &self.quota
    }

    /// The policy for new keys when their window is full.
    pub const fn full_policy(&self) -> FullPolicy {
        self.policy
    }

    /// How many keys the table can hold (`N`).
    pub const fn capacity(&self) -> usize {
        N
    }

    /// How many slots currently hold an entry, live or expired (O(N): for tests and metrics).
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.fingerprint != EMPTY).count()
    }

    /// Whether no slot holds an entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Live entries that were overwritten to admit a new key (only under [`FullPolicy::Admit`]).
    pub const fn evictions(&self) -> u64 {
        self.evictions
    }

    /// New keys denied because their window was full of live entries (only under [`FullPolicy::Deny`]).
    pub const fn full_denials(&self) -> u64 {
        self.full_denials
    }

    /// The latest `now` any check has seen; earlier times are treated as this one.
    pub const fn latest_now(&self) -> u64 {
        self.latest
    }

    /// Forgets every key (counters and the latest time are kept).
    pub fn clear(&mut self) {
        self.slots = [Slot::EMPTY; N];
    }

    /// Decides a request of `cost` units (usually 1; 0 peeks) for `key` at `now` (nanoseconds on the
    /// caller's monotonic clock), and records it if admitted. See [`Limiter`] for the exact rules.
    pub fn check(&mut self, key: &[u8], now: u64, cost: u32) -> Decision {
        let (decision, write) = self.plan(key, now, cost);
        self.latest = self.latest.max(now);
        match write {
            Write::Nothing => {}
            Write::Store { index, fingerprint, tat } => {
                if let Some(slot) = self.slots.get_mut(index) {
                    *slot = Slot { fingerprint, tat };
                }
            }
            Write::Evict { index, fingerprint, tat } => {
                if let Some(slot) = self.slots.get_mut(index) {
                    *slot = Slot { fingerprint, tat };
                    self.evictions = self.evictions.saturating_add(1);
                }
            }
            Write::FullDenial => self.full_denials = self.full_denials.saturating_add(1),
        }
        decision
    }

    /// The decision [`Limiter::check`] would return for the same arguments, without changing anything.
    pub fn evaluate(&self, key: &[u8], now: u64, cost: u32) -> Decision {
        self.plan(key, now, cost).0
    }

    fn hash(&self, key: &[u8]) -> u64 {
        let mut hasher = SipHasher13::new_with_key(&self.seed);
        hasher.write(key);
        hasher.finish()
    }

    fn plan(&self, key: &[u8], now: u64, cost: u32) -> (Decision, Write) {
        let now = now.max(self.latest);
        let hash = self.hash(key);
        let fingerprint = if hash == EMPTY { 1 } else { hash };
        let n = u64::try_from(N).unwrap_or(u64::MAX);
        let start = hash.checked_rem(n).and_then(|s| usize::try_from(s).ok()).unwrap_or(0);
        let mut free: Option<usize> = None;
        let mut victim: Option<(usize, u64)> = None;
        for step in 0..WINDOW.min(N) {
            let Some(index) = start.wrapping_add(step).checked_rem(N) else { continue };
            let Some(slot) = self.slots.get(index) else { continue };
            if slot.fingerprint == fingerprint {
                let (decision, tat) = gcra::check(slot.tat, now, &self.quota, cost);
                let write = if tat == slot.tat { Write::Nothing } else { Write::Store { index, fingerprint, tat } };
                return (decision, write);
            }
            if free.is_none() && (slot.fingerprint == EMPTY || slot.tat <= now) {
                free = Some(index);
            }
            if victim.is_none_or(|(_, least)| slot.tat < least) {
                victim = Some((index, slot.tat));
            }
        }
        let (decision, tat) = gcra::check(0, now, &self.quota, cost);
        let stores = decision.allowed && cost > 0;
        if let Some(index) = free {
            let write = if stores { Write::Store { index, fingerprint, tat } } else { Write::Nothing };
            return (decision, write);
        }
        let (index, least) = victim.unwrap_or((0, u64::MAX));
        match self.policy {
            FullPolicy::Admit => {
                let write = if stores { Write::Evict { index, fingerprint, tat } } else { Write::Nothing };
                (decision, write)
            }
            // A request GCRA denies anyway is not a full-window denial.
            FullPolicy::Deny if !decision.allowed => (decision, Write::Nothing),
            FullPolicy::Deny => {
                let write = if cost > 0 { Write::FullDenial } else { Write::Nothing };
                (Decision::denied(self.quota.burst(), least.saturating_sub(now).max(1), 0), write)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;
    const SEED: [u8; 16] = *b"0123456789abcdef";

    static _IN_A_STATIC: Limiter<64> = Limiter::new(Quota::LOGIN, SEED);

    #[test]
    fn slot_is_16_bytes() {
        assert_eq!(core::mem::size_of::<Slot>(), 16);
        assert_eq!(core::mem::size_of::<[Slot; 64]>(), 1024);
    }

    #[test]
    fn keys_are_independent() {
        let mut l: Limiter<64> = Limiter::new(Quota::per_second(1).unwrap().with_burst(2).unwrap(), SEED);
        assert!(l.check(b"a", 0, 1).allowed);
        assert!(l.check(b"a", 0, 1).allowed);
        let d = l.check(b"a", 0, 1);
        assert_eq!((d.allowed, d.retry_after_ns), (false, S));
        assert!(l.check(b"b", 0, 1).allowed);
        assert_eq!(l.len(), 2);
        assert!(l.check(b"a", S, 1).allowed);
        assert_eq!(l.evaluate(b"a", S, 1), l.evaluate(b"a", S, 1));
        assert!(!l.evaluate(b"a", S, 1).allowed);
        assert_eq!((l.evictions(), l.full_denials()), (0, 0));
    }

    #[test]
    fn peek_and_denial_do_not_store() {
        let mut l: Limiter<8> = Limiter::new(Quota::per_second(1).unwrap(), SEED);
        assert_eq!(l.check(b"a", 0, 0).remaining, 1);
        assert!(!l.check(b"a", 0, 2).allowed);
        assert!(l.is_empty());
    }

    #[test]
    fn full_window_deny_fails_closed() {
        // N = 4 < WINDOW: every key shares one window of 4 slots.
        let mut l: Limiter<4> = Limiter::new(Quota::per_second(1).unwrap(), SEED);
        for k in 0u8..4 {
            assert!(l.check(&[k], 0, 1).allowed);
        }
        let d = l.check(b"new", 0, 1);
        assert_eq!((d.allowed, d.retry_after_ns, d.remaining), (false, S, 0));
        assert_eq!((l.full_denials(), l.evictions()), (1, 0));
        assert!(!l.check(b"new", 0, 0).allowed);
        assert_eq!(l.full_denials(), 1);
        // Once entries expire, their slots are reused silently.
        assert!(l.check(b"new", S, 1).allowed);
        assert_eq!(l.evictions(), 0);
    }

    #[test]
    fn full_window_admit_evicts_least_limited() {
        let q = Quota::per_second(1).unwrap().with_burst(3).unwrap();
        let mut l: Limiter<4> = Limiter::new(q, SEED).with_full_policy(FullPolicy::Admit);
        // Key 0 is throttled hard; keys 1..4 have light debt.
        for _ in 0..3 {
            assert!(l.check(&[0], 0, 1).allowed);
        }
        for k in 1u8..4 {
            assert!(l.check(&[k], 0, 1).allowed);
        }
        for round in 0..10u8 {
            assert!(l.check(&[100, round], 0, 1).allowed);
            assert!(!l.check(&[0], 0, 1).allowed, "throttled key was reset");
        }
        assert_eq!(l.evictions(), 10);
        assert_eq!(l.full_denials(), 0);
    }

    #[test]
    fn debug_hides_seed_and_slots() {
        extern crate std;
        use std::format;
        let mut l: Limiter<2> = Limiter::new(Quota::LOGIN, SEED);
        l.check(b"secret-key", 0, 1);
        let shown = format!("{l:?}");
        assert!(shown.contains("capacity: 2"));
        assert!(!shown.contains("seed") && !shown.contains("slots") && !shown.contains("48, 49"));
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let mut l: Limiter<1> = Limiter::new(Quota::per_second(1).unwrap(), SEED);
        assert!(l.check(&[0xff; 4096], 0, 1).allowed);
        assert!(!l.check(b"x", 0, 1).allowed);
        l.clear();
        assert!(l.is_empty());
        assert_eq!(l.capacity(), 1);
        assert_eq!(l.check(b"", u64::MAX, u32::MAX).retry_after_ns, u64::MAX);
        // The clock reached its end: time stands still there, and nothing more is admitted.
        assert_eq!(l.latest_now(), u64::MAX);
        assert!(!l.check(b"", 0, 1).allowed);
        assert!(l.is_empty());
    }
}
