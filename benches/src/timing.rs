//! Paired timing, robust to a noisy shared machine: two closures are timed in alternating short
//! batches and the medians are reported, so load that drifts during a run hits both sides of each
//! pair alike. Shared by the `paired`, `limit` and `validate` benches.

use std::time::{Duration, Instant};

/// How many alternating batch pairs [`paired`] times. Odd, so every median is one measured value
/// (and the median of the `a / b` ratios is exactly the reciprocal of the median of `b / a`).
pub const PAIRS: usize = 41;

/// The rough duration of one batch (one side of one pair).
pub const BATCH_TIME: Duration = Duration::from_millis(25);

/// Nanoseconds per call of `f`, averaged over `iters` back-to-back calls.
pub fn time_batch(iters: u64, f: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / iters as f64
}

/// The median of `v` (sorts it in place; for an even length, the upper of the two middle values).
///
/// # Panics
///
/// If `v` is empty.
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// What [`paired`] measured: medians over [`PAIRS`] alternating batches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// Median ns per call of `a`.
    pub a_ns: f64,
    /// Median ns per call of `b`.
    pub b_ns: f64,
    /// Median of the per-pair ratios `b / a` (how many times faster `a` is than `b`).
    pub b_over_a: f64,
}

impl Paired {
    /// The median of the per-pair ratios `a / b`: with an odd number of pairs it is the
    /// reciprocal of [`Paired::b_over_a`] (the same pair is the median either way).
    pub fn a_over_b(&self) -> f64 {
        1.0 / self.b_over_a
    }
}

/// Times `a` against `b` in [`PAIRS`] alternating batches of about [`BATCH_TIME`] each, the side
/// that goes first alternating from pair to pair.
///
/// The batch length is sized from `sizing_calls` calls of each side up front (the slower side
/// sets it): a handful suffices for operations of tens of microseconds, nanosecond-scale ones
/// want around a thousand for a steady estimate. Those sizing calls are not reported.
pub fn paired(sizing_calls: u64, a: &mut dyn FnMut(), b: &mut dyn FnMut()) -> Paired {
    let per_call = time_batch(sizing_calls, a).max(time_batch(sizing_calls, b)).max(1.0);
    let iters = ((BATCH_TIME.as_nanos() as f64 / per_call) as u64).max(1);
    let (mut ratios, mut ta, mut tb) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..PAIRS {
        let (x, y) = if i % 2 == 0 {
            let x = time_batch(iters, a);
            (x, time_batch(iters, b))
        } else {
            let y = time_batch(iters, b);
            (time_batch(iters, a), y)
        };
        ratios.push(y / x);
        ta.push(x);
        tb.push(y);
    }
    Paired { a_ns: median(&mut ta), b_ns: median(&mut tb), b_over_a: median(&mut ratios) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_picks_the_middle() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 3.0);
    }

    #[test]
    fn a_over_b_is_the_median_of_the_reciprocals() {
        let mut b_over_a: Vec<f64> = (1..=PAIRS).map(|i| 0.5 + i as f64 * 0.1).collect();
        let mut a_over_b: Vec<f64> = b_over_a.iter().map(|r| 1.0 / r).collect();
        let p = Paired { a_ns: 1.0, b_ns: 1.0, b_over_a: median(&mut b_over_a) };
        assert_eq!(p.a_over_b(), median(&mut a_over_b));
    }
}
