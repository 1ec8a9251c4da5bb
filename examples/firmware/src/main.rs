//! apiward on bare metal: runs the shared vectors (compiled in by `build.rs` from `tests/vectors/`) through
//! the `apiward` core on a Cortex-M under QEMU, prints every verdict over semihosting with the stack the
//! operation used, and exits non-zero if any verdict differs from the vector.
//!
//! Proves that the same core the Python and Node packages use verifies JWTs (HS256, ES256, RS256, EdDSA),
//! rate-limits and validates request bodies with no heap, a fixed clock (each vector's `now`) and
//! caller-owned buffers; and measures each operation's stack high-water (see `stack`). Never reads a real
//! clock or an RNG: the limiter's hash seed is the vectors' seed.

#![no_std]
#![no_main]

mod stack;
mod vectors;

// `hmac-secret` replaces JWKS import with raw HMAC secrets: meaningful only for the HS256-only
// footprint image (other key types would never be imported, and the full vectors need JWK rules).
#[cfg(all(
    feature = "hmac-secret",
    any(not(feature = "footprint"), feature = "jwt-es256", feature = "jwt-rs256", feature = "jwt-eddsa")
))]
compile_error!("`hmac-secret` is for footprint images with `jwt-hs256` as the only JWT algorithm");

use cortex_m_rt::{entry, exception, ExceptionFrame};
use cortex_m_semihosting::{debug, hprintln};
// Test images print the panic message (none is expected: the core never panics on any input).
#[cfg(not(feature = "footprint"))]
use panic_semihosting as _;

/// Footprint images (`make size`) exit with a failure status on a panic and print nothing, as a
/// production firmware's handler (panic-halt, a reset) would: formatting the panic message would link
/// `core::fmt`'s `Debug` machinery and keep every panic location's file name and line in flash, which
/// is harness, not apiward.
#[cfg(feature = "footprint")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    debug::exit(debug::EXIT_FAILURE);
    loop {}
}

/// The stack figures: the largest high-water seen per kind of operation.
pub struct Report {
    ops: [(&'static str, u32, u32); 10],
}

impl Report {
    const fn new() -> Self {
        Report {
            ops: [
                ("jwks import", 0, 0),
                ("verify HS256", 0, 0),
                ("verify ES256", 0, 0),
                ("verify RS256", 0, 0),
                ("verify EdDSA", 0, 0),
                ("verify other alg", 0, 0),
                ("limiter check", 0, 0),
                ("schema compile", 0, 0),
                ("validate", 0, 0),
                ("validate_all", 0, 0),
            ],
        }
    }

    /// Records one operation's high-water `bytes` under `op`.
    pub fn record(&mut self, op: &str, bytes: u32) {
        if let Some(entry) = self.ops.iter_mut().find(|(name, _, _)| *name == op) {
            entry.1 = entry.1.max(bytes);
            entry.2 += 1;
        }
    }
}

/// `Display` stand-ins for `{:?}` in verdict lines: `Debug` formatting of strings would link
/// `core::fmt`'s escaping and its Unicode tables (about 4 KiB of harness in a footprint image).
pub mod show {
    use core::fmt::{Display, Formatter, Result};

    /// A string in double quotes (the vectors' paths and codes contain no quote or control character).
    pub struct Quoted<'a>(pub &'a str);

    impl Display for Quoted<'_> {
        fn fmt(&self, f: &mut Formatter<'_>) -> Result {
            write!(f, "\"{}\"", self.0)
        }
    }

    /// `Some(x)` as `x`, `None` as `none`.
    pub struct Opt<T>(pub Option<T>);

    impl<T: Display> Display for Opt<T> {
        fn fmt(&self, f: &mut Formatter<'_>) -> Result {
            match &self.0 {
                Some(v) => write!(f, "{v}"),
                None => f.write_str("none"),
            }
        }
    }

    /// `Ok(x)` as `ok x`, `Err(e)` as `err e`.
    pub struct Res<T, E>(pub core::result::Result<T, E>);

    impl<T: Display, E: Display> Display for Res<T, E> {
        fn fmt(&self, f: &mut Formatter<'_>) -> Result {
            match &self.0 {
                Ok(v) => write!(f, "ok {v}"),
                Err(e) => write!(f, "err {e}"),
            }
        }
    }
}

/// Pass/fail counters.
pub struct Tally {
    pub passed: u32,
    pub failed: u32,
}

impl Tally {
    /// Counts and prints one verdict.
    pub fn check(&mut self, ok: bool, what: core::fmt::Arguments<'_>) {
        if ok {
            self.passed += 1;
            hprintln!("PASS {}", what);
        } else {
            self.failed += 1;
            hprintln!("FAIL {}", what);
        }
    }
}

#[entry]
fn main() -> ! {
    hprintln!(
        "apiward firmware on {} ({} bytes of vector data, stack {} bytes above {:#010x})",
        vectors::data::MACHINE,
        vectors::data::DATA_BYTES,
        stack::size(),
        stack::bottom()
    );
    let mut tally = Tally { passed: 0, failed: 0 };
    let mut report = Report::new();
    let (used, plausible) = stack::calibrate();
    tally.check(plausible, format_args!("stack measurement: a 4096-byte local array measures {} bytes", used));

    #[cfg(any(feature = "jwt-hs256", feature = "jwt-es256", feature = "jwt-rs256", feature = "jwt-eddsa"))]
    vectors::jwt::run(&mut tally, &mut report);
    #[cfg(feature = "limit")]
    vectors::limit::run(&mut tally, &mut report);
    #[cfg(feature = "validate")]
    vectors::validate::run(&mut tally, &mut report);

    hprintln!("stack high-water per operation (bytes, worst case over the runs):");
    for (op, bytes, runs) in report.ops.iter().filter(|(_, _, runs)| *runs > 0) {
        hprintln!("STACK {:<18} {:>6} ({} runs)", op, bytes, runs);
    }
    let overflowed = stack::overflowed();
    if overflowed {
        hprintln!("FAIL the stack reached the end of RAM's free region");
    }
    hprintln!("{} passed, {} failed", tally.passed, tally.failed + u32::from(overflowed));
    if tally.failed == 0 && !overflowed && tally.passed > 0 {
        debug::exit(debug::EXIT_SUCCESS);
    } else {
        debug::exit(debug::EXIT_FAILURE);
    }
    loop {
        cortex_m::asm::wfi();
    }
}

/// A fault (e.g. a stray access) ends the run as a failure instead of hanging QEMU.
#[exception]
unsafe fn HardFault(_frame: &ExceptionFrame) -> ! {
    hprintln!("FAIL HardFault");
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
