//! Stack high-water measurement by painting: before an operation the free stack below the current stack
//! pointer is filled with a pattern; afterwards the lowest word that no longer holds the pattern is how
//! deep the operation went.
//!
//! The region is the free RAM between the end of static data (`__sheap`, from cortex-m-rt's `link.x`:
//! this program has no heap, so the stack may grow down to it) and the stack pointer. This module is the
//! only `unsafe` code of the firmware (the core forbids it): raw reads and writes of that free RAM.

use core::ptr;

use cortex_m::register::msp;

extern "C" {
    /// First free RAM address above `.data`/`.bss`/`.uninit` (defined by cortex-m-rt's linker script).
    static __sheap: u32;
    /// Initial stack pointer: the top of RAM (defined by cortex-m-rt's linker script).
    static _stack_start: u32;
}

/// The paint: unlikely as a stored value (not a small integer, not a RAM or flash address).
const PAINT: u32 = 0xA5C3_5A3C;
/// Bytes below `paint`'s own stack pointer left unpainted: its own (tiny, leaf) frame and the
/// volatile-write loop never go deeper than this.
const MARGIN: usize = 64;

/// Lowest address the stack may use.
pub fn bottom() -> usize {
    // Taking the address of a linker symbol: no read, no write.
    ptr::addr_of!(__sheap) as usize
}

/// Bytes of RAM from the bottom to the top of the stack.
pub fn size() -> usize {
    ptr::addr_of!(_stack_start) as usize - bottom()
}

#[inline(never)]
fn paint() {
    let bottom = bottom();
    let top = msp::read() as usize - MARGIN;
    let mut p = bottom;
    while p < top {
        // SAFETY: [bottom, top) is free RAM: above all static data (`__sheap`), below this function's own
        // frame and MARGIN bytes more. No live object is stored there (the program has no heap and every
        // frame is above the stack pointer), so overwriting it changes no value the program uses. The
        // address is 4-aligned (`__sheap` is aligned by link.x, and p advances by 4).
        unsafe { ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}

/// Lowest address whose word lost the paint (the deepest the stack went), scanning up from the bottom.
#[inline(never)]
fn deepest() -> usize {
    let top = msp::read() as usize;
    let mut p = bottom();
    // SAFETY: reads of 4-aligned words of our own RAM between the end of static data and the current
    // stack pointer; every such word was written by `paint` or by a stack frame, so it is initialised.
    while p < top && unsafe { ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    p
}

/// True if some operation used the stack all the way down to the end of static data.
pub fn overflowed() -> bool {
    // SAFETY: as in `deepest`: the first word of the free region, painted or written by a frame.
    unsafe { ptr::read_volatile(bottom() as *const u32) != PAINT }
}

/// Runs `f` and returns its result with the bytes of stack it used below this call's stack pointer.
#[inline(never)]
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, u32) {
    let base = msp::read() as usize;
    paint();
    let result = core::hint::black_box(f());
    let low = deepest();
    (result, u32::try_from(base.saturating_sub(low)).unwrap_or(u32::MAX))
}

/// Checks the method on a known load: a closure that fills a 4 KiB local array must measure at least
/// 4 KiB and not much more. Returns the measured bytes and whether they are plausible.
#[inline(never)]
pub fn calibrate() -> (u32, bool) {
    #[inline(never)]
    fn load() -> u8 {
        let mut block = [0u8; 4096];
        for b in block.iter_mut() {
            // SAFETY: a write through a valid `&mut u8`; volatile so the array cannot be optimised away.
            unsafe { ptr::write_volatile(b, 1) };
        }
        core::hint::black_box(&block)[4095]
    }
    let (_, used) = measure(load);
    (used, (4096..4096 + 512).contains(&used))
}
