//! W6 limit-check (WORKLOADS.md): ns per keyed rate-limit check with 100k keys present, apiward's
//! fixed-capacity `Limiter<N>` against governor's keyed (DashMap-backed) `RateLimiter`, plus a memory
//! table (bytes per key) printed before criterion runs.
//! Alone: `cargo bench -p apiward-benches --bench limit -- --warm-up-time 1 --measurement-time 3`.
//!
//! Policy 100 requests per 60 s, burst 100. Keys "203.0.<i / 256>.<i % 256>" for i in 0..100_000
//! are formatted once up front (not timed); call k uses key (k * 7919) % 100_000. Every key is
//! inserted once before timing. apiward is handed a u64 nanosecond counter advancing 1 µs per call
//! (and, as a fairness variant, `Instant::now()`); governor reads its default clock
//! (`QuantaClock`, i.e. a real clock read per check).

use std::hint::black_box;
use std::num::NonZeroU32;
use std::time::Instant;

use std::net::{IpAddr, Ipv4Addr};

use apiward::limit::{self, client_ip, FullPolicy, Limiter};
use apiward_benches::timing::{paired, Paired, BATCH_TIME, PAIRS};
use criterion::Criterion;
use governor::{DefaultKeyedRateLimiter, RateLimiter};

const KEYS: usize = 100_000;
const STRIDE: usize = 7919;
const STEP_NS: u64 = 1_000;
const SEED: [u8; 16] = *b"w6-bench-seed-16";
/// Calls of each side that size the paired batches: a check takes nanoseconds, so a thousand.
const SIZING_CALLS: u64 = 1000;

/// The two capacities compared: 131072 (load 0.76) and 262144 (load 0.38).
const N_SMALL: usize = 131_072;
const N_LARGE: usize = 262_144;

fn key(i: usize) -> String {
    format!("203.0.{}.{}", i / 256, i % 256)
}

/// The W6 key as the address a server actually holds (no string, nothing to fetch from memory).
fn ip(i: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(203, 0, u8::try_from(i / 256).unwrap_or(0), u8::try_from(i % 256).unwrap_or(0)))
}

fn keys(n: usize) -> Vec<String> {
    (0..n).map(key).collect()
}

fn quota() -> limit::Quota {
    limit::Quota::per_minute(100).and_then(|q| q.with_burst(100)).expect("W6 quota")
}

fn governor_quota() -> governor::Quota {
    let hundred = NonZeroU32::new(100).expect("nonzero");
    governor::Quota::per_minute(hundred).allow_burst(hundred)
}

/// `Limiter::new` builds the table by value (16 * N bytes); build it on a thread with a large stack
/// so the main thread's stack is never at risk, and hand back the heap box.
fn boxed_limiter<const N: usize>() -> Box<Limiter<N>> {
    std::thread::Builder::new()
        .stack_size(16 * N + (16 << 20))
        .spawn(|| Box::new(Limiter::<N>::new(quota(), SEED).with_full_policy(FullPolicy::Deny)))
        .expect("spawn")
        .join()
        .expect("build limiter")
}

/// A limiter with every W6 key inserted once (call order k = 0..KEYS, clock 1 µs per call).
/// Returns it with the next clock value.
fn filled_apiward<const N: usize>(keys: &[String]) -> (Box<Limiter<N>>, u64) {
    let mut lim = boxed_limiter::<N>();
    let mut now = 0u64;
    for k in 0..KEYS {
        now += STEP_NS;
        lim.check(keys[(k * STRIDE) % KEYS].as_bytes(), now, 1);
    }
    (lim, now)
}

fn filled_governor(keys: &[String]) -> DefaultKeyedRateLimiter<String> {
    let lim = RateLimiter::keyed(governor_quota());
    for k in 0..KEYS {
        let _ = lim.check_key(&keys[(k * STRIDE) % KEYS]);
    }
    lim
}

/// Resident set size in bytes, from /proc/self/statm (second field, in pages).
fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096
}

/// One memory-table row for `Limiter<N>` holding every key of `keys` (W6 call order), all live.
fn apiward_row<const N: usize>(keys: &[String]) {
    let before = rss_bytes();
    let mut lim = boxed_limiter::<N>();
    // One instant for the whole fill, so every entry is still live (limited) at the end.
    for k in 0..keys.len() {
        lim.check(keys[(k * STRIDE) % keys.len()].as_bytes(), STEP_NS, 1);
    }
    let grown = rss_bytes().saturating_sub(before);
    println!(
        "| apiward Limiter<{N}> | {} | {} KiB | {:.1} (fixed: 16 B x N / keys) | {} stored, {} full-table denials while filling |",
        keys.len(),
        grown / 1024,
        (16 * N) as f64 / keys.len() as f64,
        lim.len(),
        lim.full_denials()
    );
}

fn memory_table(keys100k: &[String]) {
    println!("W6 memory (RSS growth from /proc/self/statm; keys formatted before the baseline)");
    println!("| limiter | keys | RSS growth | bytes/key | note |");
    println!("|---|---:|---:|---:|---|");
    apiward_row::<N_SMALL>(keys100k);
    apiward_row::<N_LARGE>(keys100k);
    apiward_row::<112_000>(keys100k);
    let keys1m = keys(1_000_000);
    apiward_row::<1_120_000>(&keys1m);
    // governor: both limiters kept alive so the second measurement cannot reuse freed memory.
    let before = rss_bytes();
    let g100k = filled_governor(keys100k);
    let grown100k = rss_bytes().saturating_sub(before);
    let before = rss_bytes();
    let g1m = RateLimiter::<String, _, _>::keyed(governor_quota());
    for k in 0..keys1m.len() {
        let _ = g1m.check_key(&keys1m[(k * STRIDE) % keys1m.len()]);
    }
    let grown1m = rss_bytes().saturating_sub(before);
    println!(
        "| governor keyed (DashMap, String keys) | {KEYS} | {} KiB | {:.1} | {} entries |",
        grown100k / 1024,
        grown100k as f64 / KEYS as f64,
        g100k.len()
    );
    println!(
        "| governor keyed (DashMap, String keys) | 1000000 | {} KiB | {:.1} | {} entries |",
        grown1m / 1024,
        grown1m as f64 / 1e6,
        g1m.len()
    );
    println!();
    drop((g100k, g1m, keys1m));
}

fn paired_table(keys: &[String]) {
    let (mut small, mut now_s) = filled_apiward::<N_SMALL>(keys);
    let (mut large, mut now_l) = filled_apiward::<N_LARGE>(keys);
    let gov = filled_governor(keys);
    let (mut ks, mut kl, mut kg) = (KEYS, KEYS, KEYS);
    let mut gov_check = || {
        let i = (kg * STRIDE) % KEYS;
        kg += 1;
        black_box(gov.check_key(black_box(&keys[i])).is_ok());
    };
    println!("W6 paired (median of {PAIRS} alternating {} ms batches; ns per check)", BATCH_TIME.as_millis());
    println!("| apiward | apiward ns | governor ns | governor / apiward |");
    println!("|---|---:|---:|---:|");
    let Paired { a_ns: a, b_ns: g, b_over_a: r } = paired(
        SIZING_CALLS,
        &mut || {
            let i = (ks * STRIDE) % KEYS;
            ks += 1;
            now_s += STEP_NS;
            black_box(small.check(black_box(keys[i].as_bytes()), now_s, 1));
        },
        &mut gov_check,
    );
    println!("| Limiter<131072>, counter clock | {a:.1} | {g:.1} | {r:.2}x |");
    let Paired { a_ns: a, b_ns: g, b_over_a: r } = paired(
        SIZING_CALLS,
        &mut || {
            let i = (kl * STRIDE) % KEYS;
            kl += 1;
            now_l += STEP_NS;
            black_box(large.check(black_box(keys[i].as_bytes()), now_l, 1));
        },
        &mut gov_check,
    );
    println!("| Limiter<262144>, counter clock | {a:.1} | {g:.1} | {r:.2}x |");
    let epoch = Instant::now();
    let Paired { a_ns: a, b_ns: g, b_over_a: r } = paired(
        SIZING_CALLS,
        &mut || {
            let i = (kl * STRIDE) % KEYS;
            kl += 1;
            let now = u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX) + now_l;
            black_box(large.check(black_box(keys[i].as_bytes()), now, 1));
        },
        &mut gov_check,
    );
    println!("| Limiter<262144>, Instant::now() per check | {a:.1} | {g:.1} | {r:.2}x |");
    // Variant: the key is the client's IP address, as a server holds it. apiward turns it into key
    // bytes on the stack (`client_key`); governor is keyed by `IpAddr` directly. No key strings, so
    // neither side pays the cache misses of fetching a heap string per check.
    let mut by_ip = boxed_limiter::<N_SMALL>();
    let gov_ip = RateLimiter::<IpAddr, _, _>::keyed(governor_quota());
    let mut buf = [0u8; client_ip::CLIENT_KEY_LEN];
    let mut now_ip = 0u64;
    for k in 0..KEYS {
        now_ip += STEP_NS;
        let i = (k * STRIDE) % KEYS;
        by_ip.check(client_ip::client_key(ip(i), client_ip::DEFAULT_V6_PREFIX, &mut buf), now_ip, 1);
        let _ = gov_ip.check_key(&ip(i));
    }
    let (mut ka, mut kb) = (KEYS, KEYS);
    let Paired { a_ns: a, b_ns: g, b_over_a: r } = paired(
        SIZING_CALLS,
        &mut || {
            let i = (ka * STRIDE) % KEYS;
            ka += 1;
            now_ip += STEP_NS;
            let key = client_ip::client_key(black_box(ip(i)), client_ip::DEFAULT_V6_PREFIX, &mut buf);
            black_box(by_ip.check(key, now_ip, 1));
        },
        &mut || {
            let i = (kb * STRIDE) % KEYS;
            kb += 1;
            black_box(gov_ip.check_key(&black_box(ip(i))).is_ok());
        },
    );
    println!("| Limiter<131072>, IP keys (client_key) vs governor keyed by IpAddr | {a:.1} | {g:.1} | {r:.2}x |");
    // Diagnostic, not W6: the same filled tables, but only 1024 keys cycled, so every structure the
    // check touches stays in cache; separates compute cost from the cache misses W6 is made of.
    let (mut kh, mut kgh) = (0usize, 0usize);
    let Paired { a_ns: a, b_ns: g, b_over_a: r } = paired(
        SIZING_CALLS,
        &mut || {
            let i = (kh * STRIDE) % 1024;
            kh += 1;
            now_l += STEP_NS;
            black_box(large.check(black_box(keys[i].as_bytes()), now_l, 1));
        },
        &mut || {
            let i = (kgh * STRIDE) % 1024;
            kgh += 1;
            black_box(gov.check_key(black_box(&keys[i])).is_ok());
        },
    );
    println!("| diagnostic: Limiter<262144>, 1024 hot keys (cache-resident) | {a:.1} | {g:.1} | {r:.2}x |");
    println!();
}

fn criterion_benches(c: &mut Criterion, keys: &[String]) {
    let mut group = c.benchmark_group("W6-limit-check");
    {
        let (mut lim, mut now) = filled_apiward::<N_SMALL>(keys);
        let mut k = KEYS;
        group.bench_function("apiward-131072", |b| {
            b.iter(|| {
                let i = (k * STRIDE) % KEYS;
                k += 1;
                now += STEP_NS;
                lim.check(black_box(keys[i].as_bytes()), now, 1)
            })
        });
    }
    {
        let (mut lim, mut now) = filled_apiward::<N_LARGE>(keys);
        let mut k = KEYS;
        group.bench_function("apiward-262144", |b| {
            b.iter(|| {
                let i = (k * STRIDE) % KEYS;
                k += 1;
                now += STEP_NS;
                lim.check(black_box(keys[i].as_bytes()), now, 1)
            })
        });
    }
    {
        let gov = filled_governor(keys);
        let mut k = KEYS;
        group.bench_function("governor-keyed", |b| {
            b.iter(|| {
                let i = (k * STRIDE) % KEYS;
                k += 1;
                gov.check_key(black_box(&keys[i])).is_ok()
            })
        });
    }
    group.finish();
}

fn main() {
    let keys100k = keys(KEYS);
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` passes no `--bench`: skip the slow tables then.
    if args.iter().any(|a| a == "--bench") {
        memory_table(&keys100k);
        paired_table(&keys100k);
    }
    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c, &keys100k);
    c.final_summary();
}
