//! Heap allocations per verify, apiward vs jsonwebtoken, for W1–W5 (a counting global allocator).
//! Runs with the other benches (`cargo bench -p apiward-benches`) and prints a table; alone:
//! `cargo bench -p apiward-benches --bench alloc_count`.

use std::alloc::System;
use std::hint::black_box;

use apiward::jwt::{self, Verifier};
use apiward_benches::{self as fx, PeerClaims, Workload};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const ROUNDS: usize = 1000;

/// (allocations, bytes allocated) per call of `f`, averaged over `ROUNDS` after one warm-up call.
fn per_call(mut f: impl FnMut()) -> (f64, f64) {
    f();
    let region = Region::new(GLOBAL);
    for _ in 0..ROUNDS {
        f();
    }
    let stats = region.change();
    let n = ROUNDS as f64;
    (stats.allocations as f64 / n, stats.bytes_allocated as f64 / n)
}

fn row(w: &Workload) {
    fx::self_check(w);
    let verifier = Verifier::new(&w.keys, w.policy());
    let mut scratch = vec![0u8; jwt::scratch_len(jwt::DEFAULT_MAX_TOKEN_BYTES)];
    let (ours, ours_bytes) = per_call(|| {
        let verdict = verifier.verify(black_box(w.token.as_bytes()), fx::VERIFY_AT, &mut scratch);
        black_box(verdict.map(|claims| claims.sub().is_some())).ok();
    });
    let validation = w.validation();
    let (peer, peer_bytes) = per_call(|| {
        black_box(jsonwebtoken::decode::<PeerClaims>(&w.token_real_time, &w.decoding_key, &validation)).ok();
    });
    println!("| {} | {} | {ours:.1} | {ours_bytes:.0} | {peer:.1} | {peer_bytes:.0} |", fx::BACKEND, w.id);
}

fn main() {
    // `cargo bench` passes criterion-style flags (`--bench`, filters); this binary takes none.
    println!("allocations per verify (mean of {ROUNDS} calls after one warm-up)\n");
    println!("| backend | workload | apiward allocs | apiward bytes | jsonwebtoken allocs | jsonwebtoken bytes |");
    println!("|---|---|---:|---:|---:|---:|");
    for w in fx::all() {
        row(&w);
    }
}
