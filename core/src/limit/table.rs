//! A fixed-capacity table of per-key GCRA state: `Limiter<N>` holds at most `N` keys in `16 * N` bytes.
//!
//! Decides, for a key (an IP address, a user id, any bytes), whether its request is admitted, by finding
//! the key's theoretical arrival time (TAT) in one of two 64-byte buckets and applying
//! [`gcra::check`](super::gcra::check). Guarantees O(1) work per check (at most [`CANDIDATES`] slots
//! looked up, plus at most `CANDIDATES` more buckets read when a new key meets two full buckets), no heap,
//! no panics, and that a throttled key is only ever forgotten under the rules on [`Limiter`], never
//! while a less-limited entry could be dropped instead. Never stores the key itself (only a 64-bit
//! SipHash-1-3 fingerprint keyed by the caller's secret seed, so an attacker who does not know the
//! seed cannot aim keys at one bucket), never reads a clock, never allocates.

use siphasher::sip::SipHasher13;

use super::gcra::{self, Decision};
use super::Quota;
use core::hash::Hasher;

/// Slots per bucket: four 16-byte slots fill one 64-byte cache line.
pub const BUCKET_SLOTS: usize = 4;

/// The slots a key may occupy: the four of each of its two buckets.
pub const CANDIDATES: usize = 2 * BUCKET_SLOTS;

/// What happens to a new key when all of its [`CANDIDATES`] slots hold live entries that cannot move.
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

    /// Holds nothing worth keeping at `now`: empty, or a bucket that is full again.
    const fn is_free(&self, now: u64) -> bool {
        self.fingerprint == EMPTY || self.tat <= now
    }
}

/// The slot array, aligned so that every bucket of [`BUCKET_SLOTS`] slots is exactly one cache line.
#[derive(Clone)]
#[repr(C, align(64))]
struct Slots<const N: usize>([Slot; N]);

/// What [`Limiter::check`] will write, computed by the read-only planner.
#[derive(Clone, Copy)]
enum Write {
    Nothing,
    Store {
        index: usize,
        slot: Slot,
    },
    /// Shift the live entries along `chain` (each into its other bucket), then store at its head.
    Relocate {
        chain: Chain,
        slot: Slot,
    },
    Evict {
        index: usize,
        slot: Slot,
    },
    FullDenial,
}

/// A keyed rate limiter for one [`Quota`], holding the state of at most `N` keys.
///
/// `N` must be a positive multiple of [`BUCKET_SLOTS`] (anything else is a compile error). Lives happily
/// in a `static` behind the caller's lock: [`Limiter::new`] is `const`.
///
/// # Slots, buckets and eviction
///
/// A slot is `(fingerprint: u64, tat: u64)`; fingerprint 0 marks an empty slot (a key whose hash is 0
/// is stored as 1). The `N` slots form `N / 4` buckets of one cache line each, and the fingerprint
/// picks two of them (two-choice hashing; one bucket when `N == 4`). Both are derived from the
/// fingerprint alone, so a stored entry knows its other bucket. A check:
///
/// 1. If a slot of either bucket holds the key's fingerprint, GCRA decides with that TAT; an admitted
///    request stores the new TAT in place.
/// 2. Otherwise the key is new (a fresh, full bucket). An admitted request with `cost > 0` is stored in
///    the first candidate slot (first bucket, then second) that is empty or *expired* — its TAT is
///    `<= now`, so its bucket is full again and dropping it loses nothing: it is reused silently,
///    without counting an eviction.
/// 3. If every candidate holds a *live* entry (TAT `> now`: still limited), the table tries to make
///    room without losing anything: the first live candidate whose *other* bucket has a free slot is
///    moved there (cuckoo relocation, one step deep), and the new key takes its place.
/// 4. If no candidate can move either, the [`FullPolicy`] decides:
///    * [`FullPolicy::Deny`] (the default; fail closed): the new key is denied, nothing is evicted, and
///      [`Limiter::full_denials`] counts it (unless GCRA would deny the request anyway, e.g. a cost
///      above the burst: then that denial is returned as is). `retry_after_ns` is the time until the
///      least-limited candidate expires and frees its slot.
///    * [`FullPolicy::Admit`]: the victim is the least-limited candidate (smallest TAT; the first one on
///      ties). If the new key's request is admitted, the victim is overwritten and
///      [`Limiter::evictions`] counts it. The evicted key starts afresh next time: this is the only
///      way a limited key can regain capacity early, and it only happens to the key with the least
///      debt among the candidates — a throttled key is never reset while a fresher entry sits beside it.
///
/// Time never runs backwards inside a table: a `now` below the latest `now` any check has seen is
/// treated as that latest value (time stands still), so a backwards clock can neither grant capacity
/// nor bring back the debt of an entry that expired and was reused.
///
/// A peek (`cost == 0`) and a denied request never change the slots. Two keys with the same 64-bit
/// fingerprint share one bucket (probability about `N / 2^64` per pair of live keys).
#[derive(Clone)]
pub struct Limiter<const N: usize> {
    slots: Slots<N>,
    quota: Quota,
    /// The SipHash key halves, from the caller's secret seed.
    keys: (u64, u64),
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

/// Bytes `at..at + 8` of the seed (a `const` helper: slicing is not `const`).
const fn half(seed: &[u8; 16], at: usize) -> [u8; 8] {
    let mut out = [0u8; 8];
    let mut i = 0;
    while i < 8 {
        out[i] = seed[at + i];
        i += 1;
    }
    out
}

/// The bucket `hash` lands in among `buckets`: the high half of a 64x64-bit product (no division).
fn reduce(hash: u64, buckets: u64) -> usize {
    let wide = u128::from(hash) * u128::from(buckets);
    usize::try_from(wide >> 64).unwrap_or(0)
}

impl<const N: usize> Limiter<N> {
    const SHAPE: () = assert!(
        N > 0 && N.is_multiple_of(BUCKET_SLOTS),
        "a Limiter needs a positive multiple of BUCKET_SLOTS (4) slots"
    );
    const BUCKETS: usize = N / BUCKET_SLOTS;

    /// An empty table for `quota`, with the secret hash `seed` (read it from the OS RNG once per
    /// process) and [`FullPolicy::Deny`].
    pub const fn new(quota: Quota, seed: [u8; 16]) -> Self {
        let () = Self::SHAPE;
        Limiter {
            slots: Slots([Slot::EMPTY; N]),
            quota,
            keys: (u64::from_le_bytes(half(&seed, 0)), u64::from_le_bytes(half(&seed, 8))),
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

    /// The policy for new keys when their candidate slots are full.
    pub const fn full_policy(&self) -> FullPolicy {
        self.policy
    }

    /// How many keys the table can hold (`N`).
    pub const fn capacity(&self) -> usize {
        N
    }

    /// How many slots currently hold an entry, live or expired (O(N): for tests and metrics).
    pub fn len(&self) -> usize {
        self.slots.0.iter().filter(|s| s.fingerprint != EMPTY).count()
    }

    /// Whether no slot holds an entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Live entries that were overwritten to admit a new key (only under [`FullPolicy::Admit`]).
    pub const fn evictions(&self) -> u64 {
        self.evictions
    }

    /// New keys denied because their candidate slots were full of live entries (only under
    /// [`FullPolicy::Deny`]).
    pub const fn full_denials(&self) -> u64 {
        self.full_denials
    }

    /// The latest `now` any check has seen; earlier times are treated as this one.
    pub const fn latest_now(&self) -> u64 {
        self.latest
    }

    /// Forgets every key (counters and the latest time are kept).
    pub fn clear(&mut self) {
        self.slots = Slots([Slot::EMPTY; N]);
    }

    /// Decides a request of `cost` units (usually 1; 0 peeks) for `key` at `now` (nanoseconds on the
    /// caller's monotonic clock), and records it if admitted. See [`Limiter`] for the exact rules.
    pub fn check(&mut self, key: &[u8], now: u64, cost: u32) -> Decision {
        let now = now.max(self.latest);
        self.latest = now;
        let fingerprint = self.fingerprint(key);
        // The common case, a known key: decide and update in place.
        if let Some(slot) = self.find(fingerprint).and_then(|index| self.slots.0.get_mut(index)) {
            let (decision, tat) = gcra::check(slot.tat, now, &self.quota, cost);
            slot.tat = tat;
            return decision;
        }
        let (decision, write) = self.plan_new(fingerprint, now, cost);
        match write {
            Write::Nothing => {}
            Write::Store { index, slot } => self.put(index, slot),
            Write::Relocate { chain, slot } => {
                let mut target = chain.free;
                for &from in chain.slots.iter().take(chain.len).rev() {
                    if let Some(&moved) = self.slots.0.get(from) {
                        self.put(target, moved);
                    }
                    target = from;
                }
                self.put(target, slot);
            }
            Write::Evict { index, slot } => {
                self.put(index, slot);
                self.evictions = self.evictions.saturating_add(1);
            }
            Write::FullDenial => self.full_denials = self.full_denials.saturating_add(1),
        }
        decision
    }

    /// The decision [`Limiter::check`] would return for the same arguments, without changing anything.
    pub fn evaluate(&self, key: &[u8], now: u64, cost: u32) -> Decision {
        let now = now.max(self.latest);
        let fingerprint = self.fingerprint(key);
        match self.find(fingerprint).and_then(|index| self.slots.0.get(index)) {
            Some(slot) => gcra::check(slot.tat, now, &self.quota, cost).0,
            None => self.plan_new(fingerprint, now, cost).0,
        }
    }

    fn put(&mut self, index: usize, slot: Slot) {
        if let Some(target) = self.slots.0.get_mut(index) {
            *target = slot;
        }
    }

    fn fingerprint(&self, key: &[u8]) -> u64 {
        let mut hasher = SipHasher13::new_with_keys(self.keys.0, self.keys.1);
        hasher.write(key);
        let hash = hasher.finish();
        if hash == EMPTY {
            1
        } else {
            hash
        }
    }

    /// The first slot index of the fingerprint's first bucket.
    fn first_bucket(fingerprint: u64) -> usize {
        reduce(fingerprint, u64::try_from(Self::BUCKETS).unwrap_or(u64::MAX)) * BUCKET_SLOTS
    }

    /// The first slot index of the fingerprint's second bucket (equal to the first only when there is
    /// one bucket).
    fn second_bucket(fingerprint: u64, first: usize) -> usize {
        // The second choice comes from the fingerprint's other bits, scrambled by an odd constant so
        // that keys sharing a first bucket spread over all second buckets.
        let scrambled = fingerprint.rotate_left(32).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let second = reduce(scrambled, u64::try_from(Self::BUCKETS).unwrap_or(u64::MAX)) * BUCKET_SLOTS;
        if second == first && Self::BUCKETS > 1 {
            (first + BUCKET_SLOTS) % N
        } else {
            second
        }
    }

    /// The first slot index of each of the fingerprint's two buckets.
    fn buckets(fingerprint: u64) -> (usize, usize) {
        let first = Self::first_bucket(fingerprint);
        (first, Self::second_bucket(fingerprint, first))
    }

    /// The slot indices of a key's candidates, first bucket first.
    fn candidates(fingerprint: u64) -> impl Iterator<Item = usize> {
        let (first, second) = Self::buckets(fingerprint);
        let second_len = if second == first { 0 } else { BUCKET_SLOTS };
        (first..first + BUCKET_SLOTS).chain(second..second + second_len)
    }

    /// The slot holding `fingerprint` in one bucket, if any.
    fn find_in(&self, fingerprint: u64, bucket: usize) -> Option<usize> {
        let slots = self.slots.0.get(bucket..bucket + BUCKET_SLOTS)?;
        slots.iter().position(|s| s.fingerprint == fingerprint).map(|offset| bucket + offset)
    }

    /// The slot holding `fingerprint`: the first bucket is read first, the second only if needed.
    fn find(&self, fingerprint: u64) -> Option<usize> {
        let first = Self::first_bucket(fingerprint);
        self.find_in(fingerprint, first).or_else(|| self.find_in(fingerprint, Self::second_bucket(fingerprint, first)))
    }

    /// What to do for a key that is in neither of its buckets (a fresh, full bucket).
    fn plan_new(&self, fingerprint: u64, now: u64, cost: u32) -> (Decision, Write) {
        let mut free: Option<usize> = None;
        let mut victim: Option<(usize, u64)> = None;
        for index in Self::candidates(fingerprint) {
            let Some(slot) = self.slots.0.get(index) else { continue };
            if free.is_none() && slot.is_free(now) {
                free = Some(index);
            }
            if victim.is_none_or(|(_, least)| slot.tat < least) {
                victim = Some((index, slot.tat));
            }
        }
        let (decision, tat) = gcra::check(0, now, &self.quota, cost);
        let slot = Slot { fingerprint, tat };
        let stores = decision.allowed && cost > 0;
        if !stores {
            // Nothing to place: a fresh key's peek or denial reads the same whether or not there is room,
            // except that Deny answers a peek at a key with no room as the request would be answered.
            if free.is_some() || self.room_by_relocation(fingerprint, now).is_some() {
                return (decision, Write::Nothing);
            }
        } else if let Some(index) = free {
            return (decision, Write::Store { index, slot });
        } else if let Some(chain) = self.room_by_relocation(fingerprint, now) {
            return (decision, Write::Relocate { chain, slot });
        }
        let (index, least) = victim.unwrap_or((0, u64::MAX));
        match self.policy {
            FullPolicy::Admit => {
                let write = if stores { Write::Evict { index, slot } } else { Write::Nothing };
                (decision, write)
            }
            // A request GCRA denies anyway is not a full-table denial.
            FullPolicy::Deny if !decision.allowed => (decision, Write::Nothing),
            FullPolicy::Deny => {
                let write = if cost > 0 { Write::FullDenial } else { Write::Nothing };
                (Decision::denied(self.quota.burst(), least.saturating_sub(now).max(1), 0), write)
            }
        }
    }

    /// With every candidate live: a chain of live entries that can each move to their other bucket,
    /// ending in a free slot, found breadth-first over at most [`RELOCATION_BUDGET`] entries (so the
    /// shortest chain, and O(1) work). The first slot of the chain is where the new key goes.
    fn room_by_relocation(&self, fingerprint: u64, now: u64) -> Option<Chain> {
        let mut slot_of = [0usize; RELOCATION_BUDGET];
        let mut parent = [u8::MAX; RELOCATION_BUDGET];
        let mut queued = 0usize;
        for index in Self::candidates(fingerprint) {
            if let Some(entry) = slot_of.get_mut(queued) {
                *entry = index;
                queued += 1;
            }
        }
        let mut next = 0usize;
        while next < queued {
            let node = next;
            next += 1;
            let index = slot_of.get(node).copied()?;
            let entry = self.slots.0.get(index)?.fingerprint;
            let (first, second) = Self::buckets(entry);
            let here = index - index % BUCKET_SLOTS;
            let other = if first == here { second } else { first };
            if other == here {
                continue;
            }
            for child in other..other + BUCKET_SLOTS {
                let Some(slot) = self.slots.0.get(child) else { continue };
                if slot.is_free(now) {
                    return Some(Chain::from_tree(&slot_of, &parent, node, child));
                }
            }
            for child in other..other + BUCKET_SLOTS {
                if queued >= RELOCATION_BUDGET || Chain::on_path(&slot_of, &parent, node, child) {
                    continue;
                }
                if let (Some(s), Some(p)) = (slot_of.get_mut(queued), parent.get_mut(queued)) {
                    *s = child;
                    *p = u8::try_from(node).unwrap_or(u8::MAX);
                    queued += 1;
                }
            }
        }
        None
    }
}

/// How many live entries a new key's relocation search may look at (each costs one bucket read).
pub const RELOCATION_BUDGET: usize = 64;

/// The longest relocation chain the search can produce (the breadth-first tree's depth with
/// [`RELOCATION_BUDGET`] nodes: 8 candidates, then 4 children each).
const MAX_CHAIN: usize = 4;

/// Slots whose entries shift one step along: `slots[k]`'s entry moves to `slots[k + 1]` (its other
/// bucket), the last one's to `free`; the new key takes `slots[0]`.
#[derive(Clone, Copy)]
struct Chain {
    slots: [usize; MAX_CHAIN],
    len: usize,
    free: usize,
}

impl Chain {
    /// Walks from `node` up to its root candidate.
    fn from_tree(slot_of: &[usize], parent: &[u8], node: usize, free: usize) -> Chain {
        let mut reversed = [0usize; MAX_CHAIN];
        let mut len = 0usize;
        let mut at = Some(node);
        while let Some(n) = at {
            if let (Some(out), Some(&index)) = (reversed.get_mut(len), slot_of.get(n)) {
                *out = index;
                len += 1;
            }
            at = parent.get(n).filter(|&&p| p != u8::MAX).map(|&p| usize::from(p));
        }
        let mut slots = [0usize; MAX_CHAIN];
        for (k, out) in slots.iter_mut().take(len).enumerate() {
            *out = reversed.get(len - 1 - k).copied().unwrap_or(0);
        }
        Chain { slots, len, free }
    }

    /// Whether `index` is already on the path from `node` to its root (moving it twice would lose it).
    fn on_path(slot_of: &[usize], parent: &[u8], node: usize, index: usize) -> bool {
        let mut at = Some(node);
        let mut depth = 0usize;
        while let Some(n) = at {
            if slot_of.get(n) == Some(&index) {
                return true;
            }
            depth += 1;
            if depth >= MAX_CHAIN {
                // Deeper chains cannot be recorded: treat as taken so the search never builds one.
                return true;
            }
            at = parent.get(n).filter(|&&p| p != u8::MAX).map(|&p| usize::from(p));
        }
        false
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
    fn full_table_deny_fails_closed() {
        // N = 4: one bucket, so every key has the same 4 candidates.
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
    fn full_table_admit_evicts_least_limited() {
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
    fn buckets_are_cache_lines() {
        assert_eq!(core::mem::align_of::<Slots<8>>(), 64);
        let l: Limiter<64> = Limiter::new(Quota::LOGIN, SEED);
        let addr = core::ptr::from_ref(&l.slots.0[4]).addr();
        assert_eq!(addr % 64, 0);
        for fp in [1u64, 2, u64::MAX, 0x8000_0000_0000_0000, 0x1234_5678_9abc_def0] {
            let (a, b) = Limiter::<64>::buckets(fp);
            assert!(a != b && a % BUCKET_SLOTS == 0 && b % BUCKET_SLOTS == 0 && a < 64 && b < 64);
            assert_eq!(Limiter::<4>::buckets(fp), (0, 0));
        }
    }

    /// Two-choice buckets plus one-step relocation hold a table 90 % full of live keys without a
    /// single refusal, and every stored key keeps its debt.
    #[test]
    fn holds_ninety_percent_live_keys() {
        extern crate std;
        use std::boxed::Box;
        const N: usize = 4096;
        let mut l: Box<Limiter<N>> = Box::new(Limiter::new(Quota::per_minute(1).unwrap(), SEED));
        let keys = N * 9 / 10;
        for i in 0..keys {
            assert!(l.check(&i.to_le_bytes(), 0, 1).allowed, "key {i} refused");
        }
        assert_eq!((l.full_denials(), l.evictions(), l.len()), (0, 0, keys));
        for i in 0..keys {
            assert!(!l.evaluate(&i.to_le_bytes(), 0, 1).allowed, "key {i} lost its debt");
        }
    }

    #[test]
    fn relocation_moves_without_losing() {
        // Fill until the first key needs a relocation; afterwards every key is still throttled.
        let mut l: Limiter<16> = Limiter::new(Quota::per_minute(1).unwrap(), SEED);
        let mut stored = 0usize;
        for i in 0u32..64 {
            if l.check(&i.to_le_bytes(), 0, 1).allowed {
                stored += 1;
            }
        }
        assert_eq!(l.len(), stored);
        assert!(stored >= 13, "only {stored} of 16 slots used");
        assert_eq!(l.full_denials(), 64 - u64::try_from(stored).unwrap());
        let throttled = (0u32..64).filter(|i| !l.evaluate(&i.to_le_bytes(), 0, 1).allowed).count();
        assert_eq!(throttled, 64);
    }

    #[test]
    fn debug_hides_seed_and_slots() {
        extern crate std;
        use std::format;
        let mut l: Limiter<4> = Limiter::new(Quota::LOGIN, SEED);
        l.check(b"secret-key", 0, 1);
        let shown = format!("{l:?}");
        assert!(shown.contains("capacity: 4"));
        assert!(!shown.contains("seed") && !shown.contains("slots") && !shown.contains("48, 49"));
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let mut l: Limiter<4> = Limiter::new(Quota::per_second(1).unwrap(), SEED);
        for k in 0u8..4 {
            assert!(l.check(&[k; 4096], 0, 1).allowed);
        }
        assert!(!l.check(b"x", 0, 1).allowed);
        l.clear();
        assert!(l.is_empty());
        assert_eq!(l.capacity(), 4);
        assert_eq!(l.check(b"", u64::MAX, u32::MAX).retry_after_ns, u64::MAX);
        // The clock reached its end: time stands still there, and nothing more is admitted.
        assert_eq!(l.latest_now(), u64::MAX);
        assert!(!l.check(b"", 0, 1).allowed);
        assert!(l.is_empty());
    }
}
