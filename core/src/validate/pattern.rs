//! JSON Schema `pattern`: does a string match an ECMA-262 regular expression from a safe subset?
//!
//! Decides whether a regular expression matches anywhere in a string, with ECMA-262 semantics and no
//! flags (case-sensitive, `.` stops at line terminators, `^`/`$` anchor only at the text's ends).
//! Guarantees linear time and fixed memory on every input: a pattern compiles into a fixed-size
//! [`Program`] (a Thompson NFA of at most [`MAX_STATES`] instructions), and matching simulates all
//! NFA paths at once over bitsets, so each input character costs at most a constant amount of work
//! (bounded by [`MAX_STATES`]) whatever the pattern or the text. Never backtracks, allocates, recurses
//! on pattern nesting, panics, or silently reinterprets syntax it does not support: such a pattern is
//! rejected at compile time with a [`PatternError`].
//!
//! The commonest shape in API schemas, one ASCII class over the whole string (`^[A-Z0-9-]{4,16}$`), is
//! also recognised on its own as a [`ClassRun`]: a member map and two bounds, matched without a
//! program — what lets a schema validate on a microcontroller without several KiB per pattern.
//!
//! # Supported syntax
//!
//! | Syntax | Meaning |
//! |---|---|
//! | `a`, `é`, `😀` | that character (any Unicode scalar value but the metacharacters `^ $ \ . * + ? ( ) [ ] { }` and <code>&#124;</code>) |
//! | `.` | any character except the line terminators `\n` `\r` U+2028 U+2029 |
//! | `\d` `\D` | `[0-9]` and its complement |
//! | `\w` `\W` | `[A-Za-z0-9_]` and its complement |
//! | `\s` `\S` | ECMA WhiteSpace and LineTerminator: U+0009–U+000D, U+0020, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF; and the complement |
//! | `\t` `\n` `\r` `\f` `\v` `\0` | U+0009, U+000A, U+000D, U+000C, U+000B, U+0000 (`\0` not followed by a digit) |
//! | `\cA`–`\cZ`, `\ca`–`\cz` | control character (letter code mod 32) |
//! | `\xHH` | the character U+00HH (exactly two hex digits) |
//! | `\uHHHH` | the character U+HHHH (exactly four hex digits, not a surrogate) |
//! | `\` + any character that is not an ASCII letter or digit | that character literally (`\.` `\*` `\\` `\/` `\-` …) |
//! | `[abc]` `[a-z]` `[^…]` | character class, ranges, negation; inside: the escapes above, `\b` (U+0008), `-` literal first, last or right after a range, `[` literal, `[]` (matches nothing), `[^]` (any character) |
//! | `^` `$` | start / end of the whole text, anywhere in the pattern (`$` does **not** match before a trailing `\n`) |
//! | `(…)` `(?:…)` | group (captures are irrelevant to a yes/no answer) |
//! | <code>a&#124;b</code> | alternation (empty alternatives allowed) |
//! | `*` `+` `?` `{n}` `{n,}` `{n,m}` | quantifiers, `n ≤ m ≤ 1000`; lazy forms (`*?` …) give the same yes/no answer |
//!
//! # Rejected syntax
//!
//! | Pattern | Error |
//! |---|---|
//! | unbalanced `(` `)`, unclosed `[`, trailing `\`, quantifier with nothing to repeat (`*a`, `a**`, `^*`, <code>(&#124;*)</code>), `{` that is not a complete quantifier (`a{`, `a{,3}`, `{1}`), lone `}` or `]`, `a{3,2}`, `[z-a]`, a class escape as a range end (`[\d-z]`), `\x`/`\u` without enough hex digits, `\` + another ASCII letter or digit (`\a`, `\e`, `\z`, `\B` in a class), `(?` + other punctuation | [`PatternError::Syntax`] |
//! | backreferences `\1`–`\9`, `\k<…>`; legacy octal `\01`; lookaround `(?=` `(?!` `(?<=` `(?<!`; named groups `(?<name>`; modifiers `(?i)` `(?i:`; word boundaries `\b` `\B`; property escapes `\p{…}` `\P{…}`; `\u{…}` (only meaningful with the `u` flag); surrogate escapes `\uD800`–`\uDFFF` | [`PatternError::Unsupported`] |
//! | more than [`MAX_STATES`] instructions, [`MAX_CLASSES`] distinct classes, [`MAX_RANGES`] non-ASCII class ranges or [`MAX_GROUP_DEPTH`] nested groups; a repetition count above [`MAX_REPEAT`] | [`PatternError::TooComplex`] |
//!
//! Where ECMA-262 Annex B (web compatibility) would read a malformed construct literally (`a{`, `}`,
//! `]`, `\a`, `\x4`, `[\d-z]`), this module rejects it instead: the author learns of the mistake
//! when the schema loads, rather than the pattern silently meaning something else. The first problem
//! found reading left to right decides the error.
//!
//! # Cost
//!
//! `size_of::<Program>()` is 4704 bytes on 64-bit targets: 256 instructions of 8 bytes, 64 class
//! descriptors of 24 bytes (a 128-bit ASCII map and a slice of the shared range pool), 128 non-ASCII
//! ranges of 8 bytes, and three bitsets of [`MAX_STATES`] bits. Matching uses about 600 bytes of
//! stack. Per input character it tests each live literal or class instruction once and visits each
//! instruction at most once while following splits, jumps and assertions (an explicit stack, never
//! recursion). Those epsilon closures are computed as the text is read rather than stored: a
//! precomputed closure (or Glushkov follow) table would cost 256 × 256 bits = 8 KiB per program
//! for a constant-factor gain. Measured in release builds: about 10–40 ns per character for
//! typical patterns, under 1 µs per character with some 250 instructions live at once. A search
//! that can no longer succeed (e.g. `^abc` after a mismatch) stops early; one that has succeeded
//! stops at once.

use core::fmt;

/// Most instructions a compiled pattern may use, the final accepting one included.
///
/// One instruction per literal, `.`, escape class or bracket class occurrence (after `{n,m}`
/// expansion: `[A-Z]{4,16}` costs 4 + 12 × 2 = 28), one per assertion (`^`, `$`), one per quantifier
/// loop or optional branch (`*` costs two, `+` and `?` one each), and two per `|`. It bounds both
/// the per-character matching work and the size of [`Program`].
pub const MAX_STATES: usize = 256;

/// Most distinct character sets a pattern may use (`.`, `\d`, `[a-z]`, …; identical sets share one).
/// Literal characters do not count: they are compared inline.
pub const MAX_CLASSES: usize = 64;

/// Most non-ASCII ranges all of a pattern's classes may store together (ASCII membership is a
/// 128-bit map per class and costs no ranges; `\S` costs 9, `.` and `\D` cost 2 and 1).
pub const MAX_RANGES: usize = 128;

/// Deepest nesting of groups a pattern may use.
pub const MAX_GROUP_DEPTH: usize = 32;

/// Largest count a `{n}`, `{n,}` or `{n,m}` quantifier may name.
pub const MAX_REPEAT: u32 = 1000;

/// Why a pattern was rejected. The pattern text itself is never part of the error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PatternError {
    /// Not a well-formed pattern (under the strict reading this module applies).
    Syntax,
    /// Well-formed ECMA-262, but outside the supported subset (backreferences, lookaround, …).
    Unsupported,
    /// Supported, but larger than the fixed limits ([`MAX_STATES`], [`MAX_CLASSES`], …).
    TooComplex,
}

impl PatternError {
    /// Every variant, for tests and documentation tables.
    pub const ALL: [PatternError; 3] = [PatternError::Syntax, PatternError::Unsupported, PatternError::TooComplex];

    /// The stable snake_case code.
    pub const fn code(self) -> &'static str {
        match self {
            PatternError::Syntax => "pattern_syntax",
            PatternError::Unsupported => "pattern_unsupported",
            PatternError::TooComplex => "pattern_too_complex",
        }
    }

    /// A short human sentence. Never contains the pattern.
    pub const fn message(self) -> &'static str {
        match self {
            PatternError::Syntax => "pattern is not a well-formed regular expression",
            PatternError::Unsupported => "pattern uses regular-expression syntax that is not supported",
            PatternError::TooComplex => "pattern exceeds the fixed size limits",
        }
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
impl std::error::Error for PatternError {}

/// A compiled pattern: a Thompson NFA in fixed-size storage, ready to match any number of texts.
///
/// Build one with [`Program::compile`]; matching never changes it, so one program can be shared by
/// any number of threads. [`Program::EMPTY`] (also the [`Default`]) is a `const` placeholder for
/// caller-owned storage, such as a `static` array of programs filled in later.
#[derive(Clone, PartialEq, Eq)]
pub struct Program {
    insts: [Inst; MAX_STATES],
    len: usize,
    classes: [Class; MAX_CLASSES],
    class_count: usize,
    ranges: [(char, char); MAX_RANGES],
    range_count: usize,
    /// Instructions that consume a character (literals and classes).
    consuming: Bits,
    /// Closure of the start instruction at a position that is neither the start nor the end.
    restart: Bits,
    /// That closure reaches the accepting instruction (the pattern matches an empty string there).
    restart_matches: bool,
    /// The start's closure at the end of the text (not its start) reaches the accepting instruction.
    restart_end_matches: bool,
    /// Restarting the search at a later position can never lead to a match (e.g. `^abc`).
    restart_dead: bool,
    /// The pattern is `^X{min,max}$` for one character class `X` (the common shape of schema
    /// patterns: `^[a-zA-Z0-9_]+$`, `^[A-Z0-9-]{4,16}$`): matched by a scan, same answers.
    run: Option<Run>,
}

/// `^X{min,max}$`: every character in `class`, and a length within the bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    class: u8,
    min: u32,
    max: u32,
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Program")
            .field("states", &self.len)
            .field("classes", &self.class_count)
            .field("ranges", &self.range_count)
            .finish_non_exhaustive()
    }
}

impl Default for Program {
    fn default() -> Program {
        Program::EMPTY
    }
}

impl Program {
    /// The program of the empty pattern `""`, which matches every string (identical to
    /// `Program::compile("")`).
    pub const EMPTY: Program = Program {
        insts: [Inst::Match; MAX_STATES],
        len: 1,
        classes: [Class::EMPTY; MAX_CLASSES],
        class_count: 0,
        ranges: [('\0', '\0'); MAX_RANGES],
        range_count: 0,
        consuming: Bits::EMPTY,
        restart: Bits::START,
        restart_matches: true,
        restart_end_matches: true,
        restart_dead: false,
        run: None,
    };

    /// Compiles `source`, an ECMA-262 regular expression in the supported subset (see the module
    /// documentation), into a program.
    ///
    /// Compile time is linear in the pattern's length (times small constants bounded by the limits).
    ///
    /// # Errors
    /// [`PatternError::Syntax`] for a malformed pattern, [`PatternError::Unsupported`] for syntax
    /// outside the subset, [`PatternError::TooComplex`] when a fixed limit would be exceeded.
    pub fn compile(source: &str) -> Result<Program, PatternError> {
        let mut program = Program::EMPTY;
        program.compile_into(source)?;
        Ok(program)
    }

    /// Compiles `source` into `self`, as [`Program::compile`] does, without building the program
    /// elsewhere first: a program is several KiB, and compiling in place into caller-owned storage
    /// (a slot of a `static` array, say) keeps that off the stack, which matters on small targets.
    ///
    /// # Errors
    /// As [`Program::compile`]. On error `self` is left [`Program::EMPTY`].
    pub fn compile_into(&mut self, source: &str) -> Result<(), PatternError> {
        let result = Compiler::new(source, self).run();
        if result.is_err() {
            *self = Program::EMPTY;
        }
        result
    }

    /// Whether the pattern matches anywhere in `text` (ECMA `RegExp.prototype.test` with no flags).
    ///
    /// Unanchored: `b` matches `"abc"`; only `^` and `$` tie a match to the text's start or end.
    /// Time is O(len(text) × [`MAX_STATES`]) in the worst case and stops early once the answer is
    /// known; memory is a fixed few hundred bytes of stack.
    #[must_use]
    pub fn is_match<I: IntoIterator<Item = char>>(&self, text: I) -> bool {
        if let Some(run) = self.run {
            let mut count = 0u32;
            for c in text {
                count = count.saturating_add(1);
                if count > run.max || !self.class_contains(run.class, c) {
                    return false;
                }
            }
            return count >= run.min;
        }
        let mut chars = text.into_iter().peekable();
        let mut stack = [0u16; MAX_STATES];
        let mut current = Bits::EMPTY;
        if self.close(&mut current, &mut stack, 0, true, chars.peek().is_none()) {
            return true;
        }
        current = current.and(&self.consuming);
        if current.is_empty() && self.restart_dead {
            return false;
        }
        while let Some(c) = chars.next() {
            let at_end = chars.peek().is_none();
            let mut next = Bits::EMPTY;
            if at_end {
                if self.restart_end_matches {
                    return true;
                }
            } else if !self.restart_dead {
                if self.restart_matches {
                    return true;
                }
                // Unanchored search: the start's closure, precomputed for inner positions and closed
                // under the same assertions, is exactly what re-adding the start here would produce.
                next = self.restart;
            }
            if self.step(&current, c, &mut next, &mut stack, at_end) {
                return true;
            }
            current = next.and(&self.consuming);
            if current.is_empty() && self.restart_dead {
                return false;
            }
        }
        false
    }

    /// Moves every instruction of `current` that accepts `c` on to the closure of its successor, in
    /// `next`. Returns whether the accepting instruction was reached.
    fn step(&self, current: &Bits, c: char, next: &mut Bits, stack: &mut [u16; MAX_STATES], at_end: bool) -> bool {
        for (index, word) in current.0.iter().enumerate() {
            let mut rest = *word;
            while rest != 0 {
                // trailing_zeros of a non-zero u64 is below 64: the conversion cannot fail.
                let Ok(bit) = usize::try_from(rest.trailing_zeros()) else { break };
                rest &= rest - 1;
                let pc = index * 64 + bit;
                let accepted = match self.insts.get(pc) {
                    Some(Inst::Char(want)) => *want == c,
                    Some(Inst::Class(class)) => self.class_contains(*class, c),
                    _ => false,
                };
                if accepted && self.close(next, stack, pc + 1, false, at_end) {
                    return true;
                }
            }
        }
        false
    }

    /// [`is_match`](Program::is_match) over the characters of `text`.
    ///
    /// ASCII characters take the fast path: a literal is one comparison and a class one bit test in
    /// its 128-bit ASCII map (no range search).
    #[must_use]
    pub fn is_match_str(&self, text: &str) -> bool {
        if let (Some(run), true) = (self.run, text.is_ascii()) {
            // ASCII: one bitmap test per byte, and the length is the byte count.
            let Some(class) = self.classes.get(usize::from(run.class)) else { return false };
            let fits = u32::try_from(text.len()).is_ok_and(|n| n >= run.min && n <= run.max);
            return fits
                && text.bytes().all(|b| class.ascii.get(usize::from(b >= 64)).is_some_and(|w| w >> (b % 64) & 1 == 1));
        }
        self.is_match(text.chars())
    }

    /// How many of the [`MAX_STATES`] instructions the program uses (the accepting one included).
    #[must_use]
    pub fn state_count(&self) -> usize {
        self.len
    }

    /// How many of the [`MAX_CLASSES`] class slots the program uses.
    #[must_use]
    pub fn class_count(&self) -> usize {
        self.class_count
    }

    /// Adds to `set` every instruction reachable from `from` without consuming a character, at a
    /// position that is (or is not) the start and the end of the text. Returns whether the
    /// accepting instruction is reachable. Instructions already in `set` are not explored again, so
    /// all the calls for one position together visit each instruction at most once.
    fn close(&self, set: &mut Bits, stack: &mut [u16; MAX_STATES], from: usize, at_start: bool, at_end: bool) -> bool {
        if let Some(Inst::Char(_) | Inst::Class(_)) = self.insts.get(from) {
            // The common case (the next atom of a sequence): nothing to explore.
            set.insert(from);
            return false;
        }
        let mut depth = 0usize;
        self.visit(set, stack, &mut depth, from);
        while let Some(top) = depth.checked_sub(1) {
            depth = top;
            let pc = usize::from(stack.get(depth).copied().unwrap_or(u16::MAX));
            let next = pc.saturating_add(1);
            match self.insts.get(pc) {
                Some(Inst::Match) => return true,
                Some(Inst::Split(target)) => {
                    self.visit(set, stack, &mut depth, next);
                    self.visit(set, stack, &mut depth, usize::from(*target));
                }
                Some(Inst::Jump(target)) => self.visit(set, stack, &mut depth, usize::from(*target)),
                Some(Inst::AssertStart) if at_start => self.visit(set, stack, &mut depth, next),
                Some(Inst::AssertEnd) if at_end => self.visit(set, stack, &mut depth, next),
                _ => {}
            }
        }
        false
    }

    /// Adds `pc` to `set` and, if it was new, to the exploration stack. Each instruction enters the
    /// set, hence the stack, at most once per position: the stack cannot overflow.
    fn visit(&self, set: &mut Bits, stack: &mut [u16; MAX_STATES], depth: &mut usize, pc: usize) {
        if pc < self.len && set.insert(pc) {
            if let (Some(slot), Ok(pc)) = (stack.get_mut(*depth), u16::try_from(pc)) {
                *slot = pc;
                *depth += 1;
            }
        }
    }

    fn class_contains(&self, class: u8, c: char) -> bool {
        let Some(class) = self.classes.get(usize::from(class)) else { return false };
        let code = u32::from(c);
        if code < 128 {
            let word = class.ascii.get(usize::from(code >= 64)).copied().unwrap_or(0);
            return word >> (code % 64) & 1 == 1;
        }
        let end = usize::from(class.first).saturating_add(usize::from(class.len));
        let Some(ranges) = self.ranges.get(usize::from(class.first)..end) else { return false };
        ranges
            .binary_search_by(|&(lo, hi)| {
                if hi < c {
                    core::cmp::Ordering::Less
                } else if lo > c {
                    core::cmp::Ordering::Greater
                } else {
                    core::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }
}

/// Recognises `^ATOM QUANT$` with ATOM a bracket class, `.`, or `\d \D \w \W \s \S`, and QUANT one of
/// `* + ? {n} {n,} {n,m}` (optionally lazy); returns the length bounds. The compiled program then
/// decides whether the atom is a single class (see [`Compiler::run`]).
fn run_shape(source: &str) -> Option<(u32, u32)> {
    let inner = source.strip_prefix('^')?.strip_suffix('$')?;
    let bytes = inner.as_bytes();
    let atom_len = match bytes.first()? {
        b'[' => {
            let mut i = 1;
            if bytes.get(i) == Some(&b'^') {
                i += 1;
            }
            loop {
                match bytes.get(i)? {
                    b'\\' => i += 2,
                    b']' => break i + 1,
                    _ => i += 1,
                }
            }
        }
        b'.' => 1,
        b'\\' if matches!(bytes.get(1), Some(b'd' | b'D' | b'w' | b'W' | b's' | b'S')) => 2,
        _ => return None,
    };
    let (min, max) = quantifier_bounds(inner.get(atom_len..)?.as_bytes())?;
    Some((min, max.unwrap_or(u32::MAX)))
}

/// The bounds of a quantifier standing alone — `*` `+` `?` `{n}` `{n,}` `{n,m}`, each optionally lazy
/// (same yes/no answer) — as minimum and maximum (`None`: no upper bound); `None` for anything else.
/// Bounds are not checked against [`MAX_REPEAT`] here.
const fn quantifier_bounds(quantifier: &[u8]) -> Option<(u32, Option<u32>)> {
    let q = match quantifier {
        [rest @ .., b'?'] if !rest.is_empty() => rest,
        q => q,
    };
    match q {
        b"*" => Some((0, None)),
        b"+" => Some((1, None)),
        b"?" => Some((0, Some(1))),
        [b'{', body @ .., b'}'] => {
            let Some((min, rest)) = decimal_prefix(body) else {
                return None;
            };
            match rest {
                [] => Some((min, Some(min))),
                [b','] => Some((min, None)),
                [b',', max @ ..] => match decimal_prefix(max) {
                    Some((max, [])) => Some((min, Some(max))),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// The decimal number at the start of `b` (at least one digit, no overflow) and the bytes after it.
#[allow(clippy::as_conversions)] // a digit's value, u8 into u32 (`From` is not `const`)
const fn decimal_prefix(b: &[u8]) -> Option<(u32, &[u8])> {
    let mut value: u32 = 0;
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        value = match value.checked_mul(10) {
            Some(v) => match v.checked_add((b[i] - b'0') as u32) {
                Some(v) => v,
                None => return None,
            },
            None => return None,
        };
        i += 1;
    }
    if i == 0 {
        return None;
    }
    Some((value, b.split_at(i).1))
}

/// One NFA instruction. Every instruction but `Jump` and `Match` may continue at the next index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inst {
    /// Consume this character, continue at the next instruction.
    Char(char),
    /// Consume a character of this class, continue at the next instruction.
    Class(u8),
    /// Continue both at the next instruction and at the target.
    Split(u16),
    /// Continue at the target.
    Jump(u16),
    /// Continue at the next instruction only at the start of the text.
    AssertStart,
    /// Continue at the next instruction only at the end of the text.
    AssertEnd,
    /// Accept.
    Match,
}

/// A stored character class: ASCII as a bitmap, the rest as sorted, disjoint, non-adjacent ranges
/// `ranges[first..first + len]` of the program's shared pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Class {
    ascii: [u64; 2],
    first: u16,
    len: u16,
}

impl Class {
    const EMPTY: Class = Class { ascii: [0; 2], first: 0, len: 0 };
}

const WORDS: usize = MAX_STATES / 64;

/// A set of instruction indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bits([u64; WORDS]);

impl Bits {
    const EMPTY: Bits = Bits([0; WORDS]);
    /// Just the first instruction.
    const START: Bits = {
        let mut words = [0; WORDS];
        words[0] = 1;
        Bits(words)
    };

    /// Adds `index`; returns whether it was absent.
    fn insert(&mut self, index: usize) -> bool {
        let Some(word) = self.0.get_mut(index / 64) else { return false };
        let bit = 1u64 << (index % 64);
        let absent = *word & bit == 0;
        *word |= bit;
        absent
    }

    fn and(&self, other: &Bits) -> Bits {
        let mut out = *self;
        for (word, mask) in out.0.iter_mut().zip(other.0.iter()) {
            *word &= *mask;
        }
        out
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|word| *word == 0)
    }
}

/// The successor of a character, skipping the surrogate gap.
fn succ(c: char) -> Option<char> {
    match c {
        '\u{D7FF}' => Some('\u{E000}'),
        c => char::from_u32(u32::from(c).checked_add(1)?),
    }
}

/// The predecessor of a character, skipping the surrogate gap.
fn pred(c: char) -> Option<char> {
    match c {
        '\u{E000}' => Some('\u{D7FF}'),
        c => char::from_u32(u32::from(c).checked_sub(1)?),
    }
}

/// A character set being built: ASCII as a bitmap, the rest as ranges (normalized on demand).
#[derive(Clone, Copy)]
struct CharSet {
    ascii: [u64; 2],
    ranges: [(char, char); MAX_RANGES],
    len: usize,
}

impl CharSet {
    const EMPTY: CharSet = CharSet { ascii: [0; 2], ranges: [('\0', '\0'); MAX_RANGES], len: 0 };

    fn from_ranges(ranges: &[(char, char)]) -> Result<CharSet, PatternError> {
        let mut set = CharSet::EMPTY;
        for &(lo, hi) in ranges {
            set.add(lo, hi)?;
        }
        Ok(set)
    }

    fn ranges(&self) -> &[(char, char)] {
        self.ranges.get(..self.len).unwrap_or(&[])
    }

    /// Adds `lo..=hi` (`lo <= hi`).
    fn add(&mut self, lo: char, hi: char) -> Result<(), PatternError> {
        let (low, high) = (u32::from(lo), u32::from(hi));
        for (index, word) in (0u32..).zip(self.ascii.iter_mut()) {
            let (first, last) = (index * 64, index * 64 + 63);
            if low <= last && high >= first {
                let from = low.max(first) - first;
                let to = high.min(last) - first;
                *word |= (u64::MAX >> (63 - to)) & (u64::MAX << from);
            }
        }
        if high < 0x80 {
            return Ok(());
        }
        let lo = lo.max('\u{80}');
        if self.len == MAX_RANGES {
            self.normalize();
        }
        let slot = self.ranges.get_mut(self.len).ok_or(PatternError::TooComplex)?;
        *slot = (lo, hi);
        self.len += 1;
        Ok(())
    }

    fn add_set(&mut self, other: &CharSet) -> Result<(), PatternError> {
        for (word, more) in self.ascii.iter_mut().zip(other.ascii.iter()) {
            *word |= *more;
        }
        for &(lo, hi) in other.ranges() {
            self.add(lo, hi)?;
        }
        Ok(())
    }

    /// Sorts the ranges and merges overlapping or adjacent ones.
    fn normalize(&mut self) {
        let Some(ranges) = self.ranges.get_mut(..self.len) else { return };
        // Insertion sort: at most MAX_RANGES entries, at schema compile time only, and a few dozen
        // bytes of code where `sort_unstable` is over a kilobyte on small targets.
        for index in 1..ranges.len() {
            let mut at = index;
            while at > 0 && ranges.get(at - 1) > ranges.get(at) {
                ranges.swap(at - 1, at);
                at -= 1;
            }
        }
        let mut kept = 0usize;
        for index in 0..ranges.len() {
            let Some(&(lo, hi)) = ranges.get(index) else { break };
            let merged = match kept.checked_sub(1).and_then(|last| ranges.get_mut(last)) {
                Some(last) if succ(last.1).is_none_or(|after| after >= lo) => {
                    last.1 = last.1.max(hi);
                    true
                }
                _ => false,
            };
            if !merged {
                if let Some(slot) = ranges.get_mut(kept) {
                    *slot = (lo, hi);
                }
                kept += 1;
            }
        }
        self.len = kept;
    }

    fn complement(&mut self) -> Result<CharSet, PatternError> {
        self.normalize();
        let mut out = CharSet { ascii: self.ascii.map(|word| !word), ..CharSet::EMPTY };
        let mut start = Some('\u{80}');
        for &(lo, hi) in self.ranges() {
            if let Some(from) = start {
                if from < lo {
                    out.add(from, pred(lo).unwrap_or(from))?;
                }
            }
            start = succ(hi);
        }
        if let Some(from) = start {
            out.add(from, char::MAX)?;
        }
        Ok(out)
    }
}

/// A class escape (`\d`, `\W`, …) or `.`.
#[derive(Clone, Copy)]
enum Builtin {
    Digit,
    Word,
    Space,
    Dot,
}

const DIGIT: [(char, char); 1] = [('0', '9')];
const WORD: [(char, char); 4] = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
/// ECMA-262 WhiteSpace (TAB, VT, FF, ZWNBSP, and Unicode category Zs) plus LineTerminator.
const SPACE: [(char, char); 10] = [
    ('\t', '\r'),
    (' ', ' '),
    ('\u{A0}', '\u{A0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200A}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202F}', '\u{202F}'),
    ('\u{205F}', '\u{205F}'),
    ('\u{3000}', '\u{3000}'),
    ('\u{FEFF}', '\u{FEFF}'),
];
const LINE_TERMINATORS: [(char, char); 3] = [('\n', '\n'), ('\r', '\r'), ('\u{2028}', '\u{2029}')];

impl Builtin {
    fn set(self, negated: bool) -> Result<CharSet, PatternError> {
        let (mut set, negated) = match self {
            Builtin::Digit => (CharSet::from_ranges(&DIGIT)?, negated),
            Builtin::Word => (CharSet::from_ranges(&WORD)?, negated),
            Builtin::Space => (CharSet::from_ranges(&SPACE)?, negated),
            Builtin::Dot => (CharSet::from_ranges(&LINE_TERMINATORS)?, true),
        };
        if negated {
            set.complement()
        } else {
            Ok(set)
        }
    }
}

/// What one escape or class member stands for.
enum Atom {
    Char(char),
    Set(Builtin, bool),
}

/// Reads a pattern one character at a time.
struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    fn next(&mut self) -> Option<char> {
        let mut chars = self.rest.chars();
        let c = chars.next();
        self.rest = chars.as_str();
        c
    }

    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.rest.chars().nth(1)
    }

    fn eat(&mut self, want: char) -> bool {
        let found = self.peek() == Some(want);
        if found {
            self.next();
        }
        found
    }

    /// Exactly `digits` hex digits.
    fn hex(&mut self, digits: usize) -> Result<u32, PatternError> {
        let mut value = 0u32;
        for _ in 0..digits {
            let digit = self.peek().and_then(|c| c.to_digit(16)).ok_or(PatternError::Syntax)?;
            self.next();
            value = value * 16 + digit;
        }
        Ok(value)
    }

    /// One or more decimal digits, saturating far above [`MAX_REPEAT`].
    fn number(&mut self) -> Result<u32, PatternError> {
        let mut value: Option<u32> = None;
        while let Some(digit) = self.peek().and_then(|c| c.to_digit(10)) {
            self.next();
            value = Some(value.unwrap_or(0).saturating_mul(10).saturating_add(digit));
        }
        value.ok_or(PatternError::Syntax)
    }

    /// The escape after a `\`.
    fn escape(&mut self, in_class: bool) -> Result<Atom, PatternError> {
        let c = self.next().ok_or(PatternError::Syntax)?;
        let literal = match c {
            'd' | 'D' => return Ok(Atom::Set(Builtin::Digit, c == 'D')),
            'w' | 'W' => return Ok(Atom::Set(Builtin::Word, c == 'W')),
            's' | 'S' => return Ok(Atom::Set(Builtin::Space, c == 'S')),
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\u{C}',
            'v' => '\u{B}',
            '0' if self.peek().is_some_and(|next| next.is_ascii_digit()) => return Err(PatternError::Unsupported),
            '0' => '\0',
            '1'..='9' => return Err(PatternError::Unsupported),
            'x' => char::from_u32(self.hex(2)?).ok_or(PatternError::Syntax)?,
            'u' if self.peek() == Some('{') => return Err(PatternError::Unsupported),
            'u' => char::from_u32(self.hex(4)?).ok_or(PatternError::Unsupported)?,
            'c' => {
                let letter = self.peek().filter(char::is_ascii_alphabetic).ok_or(PatternError::Syntax)?;
                self.next();
                char::from_u32(u32::from(letter) % 32).ok_or(PatternError::Syntax)?
            }
            'b' if in_class => '\u{8}',
            'b' | 'B' if !in_class => return Err(PatternError::Unsupported),
            'p' | 'P' | 'k' => return Err(PatternError::Unsupported),
            c if c.is_ascii_alphanumeric() => return Err(PatternError::Syntax),
            c => c,
        };
        Ok(Atom::Char(literal))
    }
}

/// Sentinel target of a `|` branch's closing jump until its group ends.
const PENDING: u16 = u16::MAX;
/// Instructions available before the final accepting one.
const BODY_CAPACITY: usize = MAX_STATES - 1;

/// One open group (index 0: the whole pattern).
#[derive(Clone, Copy)]
struct Frame {
    /// Where the group's code starts.
    group_start: usize,
    /// Where the current alternative's code starts.
    alt_start: usize,
    /// Where the last quantifiable atom's code starts, if a quantifier may follow now.
    last_atom: Option<usize>,
}

impl Frame {
    const fn at(start: usize) -> Frame {
        Frame { group_start: start, alt_start: start, last_atom: None }
    }
}

/// Single-pass compiler. Code is laid out so that every atom, group and alternative is one
/// contiguous, self-contained block whose jumps stay inside it or go to its end; a quantifier or a
/// `|` therefore rewrites only the block at the tail (inserting, copying, relocating).
struct Compiler<'a, 'p> {
    source: &'a str,
    cursor: Cursor<'a>,
    /// The program being built, in its final place.
    prog: &'p mut Program,
    frames: [Frame; MAX_GROUP_DEPTH + 1],
    depth: usize,
}

impl<'a, 'p> Compiler<'a, 'p> {
    fn new(source: &'a str, prog: &'p mut Program) -> Compiler<'a, 'p> {
        // Field by field: a `Program { .., ..Program::EMPTY }` temporary would put a program on the stack.
        *prog = Program::EMPTY;
        prog.len = 0;
        prog.restart = Bits::EMPTY;
        Compiler {
            cursor: Cursor { rest: source },
            source,
            prog,
            frames: [Frame::at(0); MAX_GROUP_DEPTH + 1],
            depth: 0,
        }
    }

    fn run(mut self) -> Result<(), PatternError> {
        while let Some(c) = self.cursor.next() {
            match c {
                '(' => self.open_group()?,
                ')' => self.close_group()?,
                '|' => self.alternative()?,
                '*' => self.quantify(0, None)?,
                '+' => self.quantify(1, None)?,
                '?' => self.quantify(0, Some(1))?,
                '{' => self.counted()?,
                '^' => self.assertion(Inst::AssertStart)?,
                '$' => self.assertion(Inst::AssertEnd)?,
                '.' => self.builtin_atom(Builtin::Dot, false)?,
                '[' => self.bracket_atom()?,
                '\\' => match self.cursor.escape(false)? {
                    Atom::Char(literal) => self.atom(Inst::Char(literal))?,
                    Atom::Set(builtin, negated) => self.builtin_atom(builtin, negated)?,
                },
                ']' | '}' => return Err(PatternError::Syntax),
                literal => self.atom(Inst::Char(literal))?,
            }
        }
        if self.depth != 0 {
            return Err(PatternError::Syntax);
        }
        self.patch_pending(0);
        let slot = self.prog.insts.get_mut(self.prog.len).ok_or(PatternError::TooComplex)?;
        *slot = Inst::Match;
        self.prog.len += 1;
        self.finish();
        self.prog.run = run_shape(self.source).and_then(|(min, max)| {
            // Exactly one class is consumed, and no literal: then the program is that run.
            let mut class = None;
            for inst in self.prog.insts.iter().take(self.prog.len) {
                match *inst {
                    Inst::Char(_) => return None,
                    Inst::Class(id) if class.is_some_and(|c| c != id) => return None,
                    Inst::Class(id) => class = Some(id),
                    _ => {}
                }
            }
            class.map(|class| Run { class, min, max })
        });
        Ok(())
    }

    /// Precomputes what matching needs about restarting the search at every position.
    fn finish(&mut self) {
        let prog = &mut *self.prog;
        for (index, inst) in prog.insts.iter().enumerate().take(prog.len) {
            if matches!(inst, Inst::Char(_) | Inst::Class(_)) {
                prog.consuming.insert(index);
            }
        }
        let mut stack = [0u16; MAX_STATES];
        let mut restart = Bits::EMPTY;
        prog.restart_matches = prog.close(&mut restart, &mut stack, 0, false, false);
        prog.restart = restart;
        let mut at_end = Bits::EMPTY;
        prog.restart_end_matches = prog.close(&mut at_end, &mut stack, 0, false, true);
        prog.restart_dead =
            restart.and(&prog.consuming).is_empty() && !prog.restart_matches && !prog.restart_end_matches;
    }

    fn frame(&mut self) -> Result<&mut Frame, PatternError> {
        self.frames.get_mut(self.depth).ok_or(PatternError::TooComplex)
    }

    fn open_group(&mut self) -> Result<(), PatternError> {
        if self.cursor.eat('?') {
            match self.cursor.next() {
                Some(':') => {}
                Some('=' | '!' | '<') => return Err(PatternError::Unsupported),
                Some(c) if c.is_ascii_alphabetic() || c == '-' => return Err(PatternError::Unsupported),
                _ => return Err(PatternError::Syntax),
            }
        }
        if self.depth >= MAX_GROUP_DEPTH {
            return Err(PatternError::TooComplex);
        }
        self.depth += 1;
        let start = self.prog.len;
        *self.frame()? = Frame::at(start);
        Ok(())
    }

    fn close_group(&mut self) -> Result<(), PatternError> {
        let Some(outer) = self.depth.checked_sub(1) else { return Err(PatternError::Syntax) };
        let start = self.frame()?.group_start;
        self.patch_pending(start);
        self.depth = outer;
        self.frame()?.last_atom = Some(start);
        Ok(())
    }

    /// `|`: the alternative just ended becomes `Split(next alternative); …; Jump(end of group)`.
    fn alternative(&mut self) -> Result<(), PatternError> {
        let alt_start = self.frame()?.alt_start;
        let next_alt = self.prog.len.saturating_add(2);
        self.insert(alt_start, Inst::Split(target(next_alt)?))?;
        self.push(Inst::Jump(PENDING))?;
        let frame = self.frame()?;
        frame.alt_start = next_alt;
        frame.last_atom = None;
        Ok(())
    }

    /// Points the pending `|` jumps of the group starting at `start` at the current end.
    fn patch_pending(&mut self, start: usize) {
        let Ok(end) = u16::try_from(self.prog.len) else { return };
        for inst in self.prog.insts.iter_mut().take(self.prog.len).skip(start) {
            if *inst == Inst::Jump(PENDING) {
                *inst = Inst::Jump(end);
            }
        }
    }

    fn atom(&mut self, inst: Inst) -> Result<(), PatternError> {
        let at = self.prog.len;
        self.push(inst)?;
        self.frame()?.last_atom = Some(at);
        Ok(())
    }

    fn assertion(&mut self, inst: Inst) -> Result<(), PatternError> {
        self.push(inst)?;
        self.frame()?.last_atom = None;
        Ok(())
    }

    /// `.`, `\d` and the like. Not inlined, like [`Compiler::bracket_atom`]: a character set is about
    /// 1 KiB, and building sets in their own frames keeps them off the stack of the whole compile.
    #[inline(never)]
    fn builtin_atom(&mut self, builtin: Builtin, negated: bool) -> Result<(), PatternError> {
        let set = builtin.set(negated)?;
        self.class_atom(set)
    }

    /// `[...]`, in its own frame (see [`Compiler::builtin_atom`]).
    #[inline(never)]
    fn bracket_atom(&mut self) -> Result<(), PatternError> {
        let set = self.bracket()?;
        self.class_atom(set)
    }

    fn class_atom(&mut self, mut set: CharSet) -> Result<(), PatternError> {
        let class = self.intern(&mut set)?;
        self.atom(Inst::Class(class))
    }

    /// The id of a stored class equal to `set`, storing it if new.
    fn intern(&mut self, set: &mut CharSet) -> Result<u8, PatternError> {
        set.normalize();
        let prog = &mut self.prog;
        let ranges = set.ranges();
        for (id, class) in prog.classes.iter().enumerate().take(prog.class_count) {
            let end = usize::from(class.first).saturating_add(usize::from(class.len));
            if class.ascii == set.ascii && prog.ranges.get(usize::from(class.first)..end) == Some(ranges) {
                return u8::try_from(id).map_err(|_| PatternError::TooComplex);
            }
        }
        let id = u8::try_from(prog.class_count).map_err(|_| PatternError::TooComplex)?;
        let end = prog.range_count.checked_add(ranges.len()).ok_or(PatternError::TooComplex)?;
        let pool = prog.ranges.get_mut(prog.range_count..end).ok_or(PatternError::TooComplex)?;
        pool.copy_from_slice(ranges);
        let class = Class {
            ascii: set.ascii,
            first: u16::try_from(prog.range_count).map_err(|_| PatternError::TooComplex)?,
            len: u16::try_from(ranges.len()).map_err(|_| PatternError::TooComplex)?,
        };
        *prog.classes.get_mut(prog.class_count).ok_or(PatternError::TooComplex)? = class;
        prog.class_count += 1;
        prog.range_count = end;
        Ok(id)
    }

    /// A bracket class, after its `[`.
    fn bracket(&mut self) -> Result<CharSet, PatternError> {
        let negated = self.cursor.eat('^');
        let mut set = CharSet::EMPTY;
        loop {
            let first = match self.cursor.next().ok_or(PatternError::Syntax)? {
                ']' => break,
                '\\' => self.cursor.escape(true)?,
                c => Atom::Char(c),
            };
            if self.cursor.peek() == Some('-') && self.cursor.peek2().is_some_and(|c| c != ']') {
                self.cursor.next();
                let last = match self.cursor.next().ok_or(PatternError::Syntax)? {
                    '\\' => self.cursor.escape(true)?,
                    c => Atom::Char(c),
                };
                match (first, last) {
                    (Atom::Char(lo), Atom::Char(hi)) if lo <= hi => set.add(lo, hi)?,
                    _ => return Err(PatternError::Syntax),
                }
            } else {
                match first {
                    Atom::Char(c) => set.add(c, c)?,
                    Atom::Set(builtin, negated) => set.add_set(&builtin.set(negated)?)?,
                }
            }
        }
        if negated {
            set.complement()
        } else {
            Ok(set)
        }
    }

    /// `{n}`, `{n,}` or `{n,m}`, after its `{`.
    fn counted(&mut self) -> Result<(), PatternError> {
        let start = self.frame()?.last_atom.take().ok_or(PatternError::Syntax)?;
        let min = self.cursor.number()?;
        let max = if !self.cursor.eat(',') {
            Some(min)
        } else if self.cursor.peek() == Some('}') {
            None
        } else {
            Some(self.cursor.number()?)
        };
        if !self.cursor.eat('}') || max.is_some_and(|max| max < min) {
            return Err(PatternError::Syntax);
        }
        if min > MAX_REPEAT || max.is_some_and(|max| max > MAX_REPEAT) {
            return Err(PatternError::TooComplex);
        }
        self.cursor.eat('?');
        self.repeat(start, min, max)
    }

    fn quantify(&mut self, min: u32, max: Option<u32>) -> Result<(), PatternError> {
        let start = self.frame()?.last_atom.take().ok_or(PatternError::Syntax)?;
        self.cursor.eat('?');
        self.repeat(start, min, max)
    }

    /// Applies `{min,max}` to the block `start..len` (self-contained: it only jumps inside itself or
    /// to its end). Required copies come first, then optional ones, each skipping to the very end.
    fn repeat(&mut self, start: usize, min: u32, max: Option<u32>) -> Result<(), PatternError> {
        let end = self.prog.len;
        let body = end.saturating_sub(start);
        if body == 0 {
            return Ok(());
        }
        let size =
            |count: u32, per: usize| usize::try_from(count).map_or(usize::MAX, |count| count.saturating_mul(per));
        let optional = body.saturating_add(1);
        let total = start.saturating_add(match (min, max) {
            (0, None) => body.saturating_add(2),
            (min, None) => size(min, body).saturating_add(1),
            (min, Some(max)) => size(min, body).saturating_add(size(max.saturating_sub(min), optional)),
        });
        if total > BODY_CAPACITY {
            return Err(PatternError::TooComplex);
        }
        match (min, max) {
            (0, Some(0)) => self.prog.len = start,
            (0, None) => {
                self.insert(start, Inst::Split(target(total)?))?;
                self.push(Inst::Jump(target(start)?))?;
            }
            (0, Some(max)) => {
                self.insert(start, Inst::Split(target(total)?))?;
                for _ in 1..max {
                    self.push(Inst::Split(target(total)?))?;
                    self.copy(start.saturating_add(1), end.saturating_add(1))?;
                }
            }
            (min, None) => {
                for _ in 1..min {
                    self.copy(start, end)?;
                }
                let last = self.prog.len.saturating_sub(body);
                self.push(Inst::Split(target(last)?))?;
            }
            (min, Some(max)) => {
                for _ in 1..min {
                    self.copy(start, end)?;
                }
                for _ in min..max {
                    self.push(Inst::Split(target(total)?))?;
                    self.copy(start, end)?;
                }
            }
        }
        Ok(())
    }

    /// Appends a copy of the self-contained block `from..to`, moving its internal targets along.
    fn copy(&mut self, from: usize, to: usize) -> Result<(), PatternError> {
        let dest = self.prog.len;
        let moved = |t: u16| -> Result<u16, PatternError> {
            let index = usize::from(t);
            if (from..=to).contains(&index) {
                target(index.saturating_sub(from).saturating_add(dest))
            } else {
                Ok(t)
            }
        };
        for index in from..to {
            let inst = match self.prog.insts.get(index).copied().ok_or(PatternError::TooComplex)? {
                Inst::Split(t) => Inst::Split(moved(t)?),
                Inst::Jump(t) => Inst::Jump(moved(t)?),
                other => other,
            };
            self.push(inst)?;
        }
        Ok(())
    }

    fn push(&mut self, inst: Inst) -> Result<(), PatternError> {
        if self.prog.len >= BODY_CAPACITY {
            return Err(PatternError::TooComplex);
        }
        let slot = self.prog.insts.get_mut(self.prog.len).ok_or(PatternError::TooComplex)?;
        *slot = inst;
        self.prog.len += 1;
        Ok(())
    }

    /// Inserts `inst` at `at`, shifting the tail block `at..len` up by one. Targets inside the tail
    /// move with it; code before `at` never points past `at`, so it needs no change.
    fn insert(&mut self, at: usize, inst: Inst) -> Result<(), PatternError> {
        let len = self.prog.len;
        if len >= BODY_CAPACITY || at > len {
            return Err(PatternError::TooComplex);
        }
        let bumped = |t: u16| if t != PENDING && usize::from(t) >= at { t.saturating_add(1) } else { t };
        for index in (at..len).rev() {
            let moved = match self.prog.insts.get(index).copied().ok_or(PatternError::TooComplex)? {
                Inst::Split(t) => Inst::Split(bumped(t)),
                Inst::Jump(t) => Inst::Jump(bumped(t)),
                other => other,
            };
            *self.prog.insts.get_mut(index + 1).ok_or(PatternError::TooComplex)? = moved;
        }
        *self.prog.insts.get_mut(at).ok_or(PatternError::TooComplex)? = inst;
        self.prog.len = len + 1;
        Ok(())
    }
}

fn target(index: usize) -> Result<u16, PatternError> {
    u16::try_from(index).ok().filter(|t| *t != PENDING).ok_or(PatternError::TooComplex)
}

/// A `pattern` of one shape: a single ASCII character class repeated over the whole string,
/// `^[…]` + quantifier + `$` (`^[a-zA-Z0-9_]+$`, `^[A-Z0-9-]{4,16}$`, `^[a-z]{2}$`) — the most common
/// `pattern` in API schemas (identifiers, slugs, SKUs, codes).
///
/// Recognised when a schema is compiled (and when a `const` schema's source pattern is used), it is
/// matched with one bitmap test per character and a count: no [`Program`], no compilation, a few
/// bytes of stack, and the same answer the program gives (a property test checks them against each
/// other). Only an unambiguous subset is recognised — class members are ASCII letters, digits, the
/// punctuation ``_ . @ : / + ~ ! # % & ' , ; = < >`` and space, ranges between two such characters,
/// `\d`, `\w`, `\t` `\n` `\r` `\f` `\v`, and `\` + ASCII punctuation; the quantifier is none, `+`,
/// `*`, `?`, `{n}`, `{n,}` or `{n,m}` (lazy forms too: same yes/no answer) within the program's
/// instruction budget (`{4,100}` is a run, `{4,200}` is too complex for either). Everything else (a
/// negated class, `\s`, a non-ASCII member, `[`, `^` or `-` in positions ECMA-262 reads specially)
/// is left to [`Program`], which also reports any syntax or complexity error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassRun {
    /// Bit `c` set: the ASCII character `c` is a member (four 32-bit words: 4-byte alignment only).
    members: [u32; 4],
    min: u16,
    /// `u16::MAX` for no upper bound (an explicit bound is at most [`MAX_REPEAT`]).
    max: u16,
}

#[allow(clippy::as_conversions)] // u16 into u32 (`From` is not `const`)
const _: () = assert!(MAX_REPEAT < u16::MAX as u32, "ClassRun keeps bounds in u16, u16::MAX meaning none");

/// One class member read by [`ClassRun::parse`]: a character or a class escape's set.
enum RunAtom {
    Char(u8),
    Set([u32; 4]),
}

#[allow(clippy::as_conversions)] // `c >> 5` of a u8 indexes four words (`From` is not `const`)
const fn set_range(mut set: [u32; 4], lo: u8, hi: u8) -> [u32; 4] {
    let mut c = lo;
    while c <= hi {
        set[(c >> 5) as usize] |= 1 << (c & 31);
        if c == hi {
            break;
        }
        c += 1;
    }
    set
}

const fn set_union(mut a: [u32; 4], b: [u32; 4]) -> [u32; 4] {
    let mut i = 0;
    while i < 4 {
        a[i] |= b[i];
        i += 1;
    }
    a
}

const RUN_DIGITS: [u32; 4] = set_range([0; 4], b'0', b'9');
const RUN_WORD: [u32; 4] = set_range(set_range(set_range(RUN_DIGITS, b'_', b'_'), b'a', b'z'), b'A', b'Z');

impl ClassRun {
    /// The run `source` describes, or `None` when it has another shape (see the type's docs).
    // Bounds are checked against MAX_REPEAT (< u16::MAX) before they narrow; `From` is not `const`.
    #[allow(clippy::as_conversions, clippy::cast_possible_truncation)]
    pub const fn parse(source: &str) -> Option<ClassRun> {
        let b = source.as_bytes();
        let n = b.len();
        if n < 4 || b[0] != b'^' || b[1] != b'[' || b[n - 1] != b'$' {
            return None;
        }
        let mut members = [0u32; 4];
        let mut i = 2;
        // `]` right after `[` (an empty class) and `^` (negation) are left to the program.
        if b[i] == b']' || b[i] == b'^' {
            return None;
        }
        loop {
            if i >= n {
                return None;
            }
            if b[i] == b']' {
                i += 1;
                break;
            }
            let Some((atom, next)) = Self::atom(b, i) else {
                return None;
            };
            i = next;
            match atom {
                RunAtom::Set(set) => {
                    if i < n && b[i] == b'-' && i + 1 < n && b[i + 1] != b']' {
                        return None; // a class escape as a range end: the program's syntax error
                    }
                    members = set_union(members, set);
                }
                RunAtom::Char(lo) => {
                    if i + 1 < n && b[i] == b'-' && b[i + 1] != b']' {
                        let Some((RunAtom::Char(hi), next)) = Self::atom(b, i + 1) else {
                            return None;
                        };
                        if hi < lo {
                            return None;
                        }
                        i = next;
                        // `-` right after a range has its own rule in ECMA-262: left to the program.
                        if i + 1 < n && b[i] == b'-' && b[i + 1] != b']' {
                            return None;
                        }
                        members = set_range(members, lo, hi);
                    } else {
                        members = set_range(members, lo, lo);
                    }
                }
            }
        }
        // What follows the class up to the final `$` is the quantifier (none: exactly one).
        let (_, quantifier) = b.split_at(n - 1).0.split_at(i);
        let (min, max) = if quantifier.is_empty() {
            (1, Some(1))
        } else {
            match quantifier_bounds(quantifier) {
                Some(bounds) => bounds,
                None => return None,
            }
        };
        // Out-of-range or reversed bounds are the program's errors to report.
        let max = match max {
            Some(max) if max < min || max > MAX_REPEAT => return None,
            Some(max) => max as u16,
            None => u16::MAX,
        };
        if min > MAX_REPEAT {
            return None;
        }
        // The program refuses long repetitions as too complex (each repeated class is an
        // instruction): decline them too, conservatively, so that they stay errors either way.
        let instructions = match max {
            u16::MAX => min + 2,
            max => min + 2 * (max as u32 - min),
        };
        if instructions > (BODY_CAPACITY - 4) as u32 {
            return None;
        }
        let min = min as u16;
        Some(ClassRun { members, min, max })
    }

    /// One class member at `i` (not `]`): the member and the index after it.
    const fn atom(b: &[u8], i: usize) -> Option<(RunAtom, usize)> {
        let c = b[i];
        if c.is_ascii_alphanumeric() || c == b' ' {
            return Some((RunAtom::Char(c), i + 1));
        }
        if c != b'\\' {
            return match c {
                b'_' | b'.' | b'@' | b':' | b'/' | b'+' | b'~' | b'!' | b'#' | b'%' | b'&' | b'\'' | b',' | b';'
                | b'=' | b'<' | b'>' => Some((RunAtom::Char(c), i + 1)),
                // `-` is a member only first or last; elsewhere it makes a range (handled by the caller).
                b'-' if i == 2 || (i + 1 < b.len() && b[i + 1] == b']') => Some((RunAtom::Char(c), i + 1)),
                _ => None,
            };
        }
        if i + 1 >= b.len() {
            return None;
        }
        let e = b[i + 1];
        let atom = match e {
            b'd' => RunAtom::Set(RUN_DIGITS),
            b'w' => RunAtom::Set(RUN_WORD),
            b't' => RunAtom::Char(b'\t'),
            b'n' => RunAtom::Char(b'\n'),
            b'r' => RunAtom::Char(b'\r'),
            b'f' => RunAtom::Char(0x0c),
            b'v' => RunAtom::Char(0x0b),
            _ if e.is_ascii_punctuation() => RunAtom::Char(e),
            _ => return None,
        };
        Some((atom, i + 2))
    }

    /// The longest matching text, in characters.
    fn max_len(&self) -> u32 {
        if self.max == u16::MAX {
            u32::MAX
        } else {
            u32::from(self.max)
        }
    }

    /// Whether `c` is a member.
    #[inline]
    fn has(&self, c: u32) -> bool {
        let word = usize::try_from(c >> 5).ok().and_then(|i| self.members.get(i)).copied().unwrap_or(0);
        c < 128 && (word >> (c & 31)) & 1 == 1
    }

    /// Whether `text`, as characters, matches.
    pub fn is_match<I: IntoIterator<Item = char>>(&self, text: I) -> bool {
        let mut count: u32 = 0;
        for c in text {
            if !self.has(u32::from(c)) {
                return false;
            }
            count = count.saturating_add(1);
            if count > self.max_len() {
                return false;
            }
        }
        count >= u32::from(self.min)
    }

    /// Whether `text` matches. Every member is ASCII, so bytes and characters coincide on a match.
    #[inline]
    pub fn is_match_str(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        // The bitmap as two words held in registers: a few instructions per byte, no bounds checks.
        let [a, b, c, d] = self.members.map(u64::from);
        let (low, high) = (a | b << 32, c | d << 32);
        (u32::from(self.min)..=self.max_len()).contains(&u32::try_from(bytes.len()).unwrap_or(u32::MAX))
            && bytes.iter().all(|&byte| {
                let word = if byte < 64 { low } else { high };
                byte < 128 && (word >> (byte % 64)) & 1 == 1
            })
    }
}

#[cfg(test)]
mod tests {
    /// The `^X{m,n}$` scan gives the NFA's answers, on ASCII and non-ASCII text.
    #[test]
    fn run_shape_agrees_with_the_nfa() {
        extern crate std;
        use std::string::String;
        let patterns = [
            "^[a-zA-Z0-9_]+$",
            "^[A-Z0-9-]{4,16}$",
            "^[0-9]{5}$",
            "^\\d*$",
            "^.?$",
            "^[^a]{2,}$",
            "^\\w+?$",
            "^[]*$",
            "^[^]{1,3}$",
            "^\\s{0,2}$",
            "^[\\]x]+$",
            "^[é-ü]{1,2}$",
        ];
        let alphabet = ['a', 'A', 'z', '0', '9', '-', '_', ' ', '\n', ']', 'x', 'é', 'ü', '€', '\u{2028}'];
        for source in patterns {
            let program = Program::compile(source).unwrap();
            assert!(program.run.is_some(), "{source} should take the scan");
            let nfa = Program { run: None, ..program.clone() };
            for len in 0..=4usize {
                let mut index = [0usize; 4];
                loop {
                    let text: String = index.iter().take(len).map(|&i| alphabet[i]).collect();
                    assert_eq!(program.is_match_str(&text), nfa.is_match_str(&text), "{source} on {text:?}");
                    assert_eq!(program.is_match(text.chars()), nfa.is_match(text.chars()), "{source} on {text:?}");
                    let mut k = 0;
                    while k < len {
                        index[k] += 1;
                        if index[k] < alphabet.len() {
                            break;
                        }
                        index[k] = 0;
                        k += 1;
                    }
                    if k == len {
                        break;
                    }
                }
            }
        }
        for source in ["^a+$", "^[ab]+c$", "^(?:[ab])+$", "[ab]+$", "^[ab]+", "^[ab]{2}|x$", "^[a-c]{1,3}?x$"] {
            assert!(Program::compile(source).unwrap().run.is_none(), "{source} is not a single-class run");
        }
    }

    extern crate std;

    use super::*;

    /// On every pattern it recognises, `ClassRun` gives the program's answers: ASCII and non-ASCII
    /// text, control characters, empty and long texts, escaped and plain.
    #[test]
    fn class_run_agrees_with_the_program() {
        use std::format;
        use std::string::String;
        use std::vec::Vec;
        let atoms = [
            "a", "z", "a-z", "A-Z", "0-9", "_", ".", "@", "\\d", "\\w", "\\.", "\\-", " ", "\\t", "+", "~", "\\]",
            "\\\\", "#-%", "\\$", ":", "/",
        ];
        let quantifiers = ["", "+", "*", "?", "{2}", "{0,3}", "{1,}", "{3,5}", "+?", "{0}", "{2,2}", "*?"];
        let alphabet = [
            'a', 'z', 'A', 'Q', '0', '9', '_', '.', '@', '-', ' ', '\t', '+', '~', ']', '\\', '$', 'é', '\n', '#', '%',
            '&', ':', '/', '\u{0}', '\u{7f}', '€',
        ];
        // A fixed pseudo-random set of texts (xorshift), lengths 0 to 9, plus long runs.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut texts: Vec<String> = (0..400)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let len = usize::try_from(state % 10).unwrap();
                (0..len).map(|k| alphabet[usize::try_from(state >> (6 + 5 * k)).unwrap() % alphabet.len()]).collect()
            })
            .collect();
        texts.push("a".repeat(70_000));
        texts.push("_".repeat(1_001));
        let mut recognised = 0;
        for first in atoms {
            for second in ["", "a-z", "\\d", "-", "_"] {
                for (lead, trail) in [("", ""), ("-", ""), ("", "-")] {
                    if second == "-" && !trail.is_empty() {
                        continue;
                    }
                    for quantifier in quantifiers {
                        let source = format!("^[{lead}{first}{second}{trail}]{quantifier}$");
                        let program = Program::compile(&source).unwrap_or_else(|e| panic!("{source}: {e:?}"));
                        let Some(run) = ClassRun::parse(&source) else {
                            panic!("{source} should be a class run");
                        };
                        recognised += 1;
                        for text in &texts {
                            let want = program.is_match_str(text);
                            assert_eq!(run.is_match_str(text), want, "{source} on {text:?}");
                            assert_eq!(run.is_match(text.chars()), want, "{source} on {text:?}");
                        }
                    }
                }
            }
        }
        assert!(recognised > 3000, "{recognised}");
    }

    /// What `ClassRun` leaves to the program: other shapes, members outside its subset, and every
    /// pattern the program rejects.
    #[test]
    fn class_run_declines_other_patterns() {
        for source in [
            "^[^a]+$",
            "^[]$",
            "^[a-z]+",
            "[a-z]+$",
            "^[\\s]+$",
            "^[é]+$",
            "^[a-z]{1001}$",
            "^[a-z]{0,1001}$",
            "^[a-z]{3,2}$",
            "^[\\d-z]+$",
            "^[a-z-0]+$",
            "^[a[]+$",
            "^[a^]+$",
            "^[a-z]+x$",
            "^[a-z]{2}{3}$",
            "^[\\x41]+$",
            "^[\\b]+$",
            "^[a-z]|b$",
            "^[a-z]{1,4294967295}$",
            "^[a-z]{,3}$",
            "^[a-z]{1$",
            "^[a-z]++$",
            "^[\\0]+$",
            "^[\\u0041]+$",
            "^[\\cA]+$",
            "^[a-z](b)$",
            "^[a-z]$$",
            "^^[a-z]$",
            "^[z-a]+$",
            "^[a-\\d]+$",
            "^[\\",
            "^[",
            "^[a-z]{+}$",
            "^[a\u{7f}]+$",
        ] {
            assert_eq!(ClassRun::parse(source), None, "{source}");
        }
        assert_eq!(ClassRun::parse("^[a-z]$").map(|r| (r.min, r.max)), Some((1, 1)));
        assert_eq!(ClassRun::parse("^[a-z]{0,100}$").map(|r| (r.min, r.max)), Some((0, 100)));
        // Whatever the program refuses as too complex, ClassRun declines (so it stays an error).
        for min in (0..=300).step_by(7) {
            for max in [None, Some(min), Some(min + 1), Some(min + 60), Some(min + 130), Some(1000)] {
                let source = match max {
                    None => std::format!("^[a-z]{{{min},}}$"),
                    Some(max) => std::format!("^[a-z]{{{min},{max}}}$"),
                };
                if ClassRun::parse(&source).is_some() {
                    assert!(Program::compile(&source).is_ok(), "{source}");
                }
            }
        }
        assert_eq!(ClassRun::parse("^[a-z]{4,200}$"), None);
        assert!(ClassRun::parse("^[a-z]{4,100}$").is_some());
        assert_eq!(ClassRun::parse("^[a-z]{7,}$").map(|r| (r.min, r.max)), Some((7, u16::MAX)));
    }

    fn compile(pattern: &str) -> Program {
        match Program::compile(pattern) {
            Ok(program) => program,
            Err(e) => panic!("{pattern:?} rejected: {e:?}"),
        }
    }

    fn matches(pattern: &str, text: &str) -> bool {
        compile(pattern).is_match_str(text)
    }

    fn check(pattern: &str, accept: &[&str], reject: &[&str]) {
        let program = compile(pattern);
        for text in accept {
            assert!(program.is_match_str(text), "{pattern:?} should match {text:?}");
        }
        for text in reject {
            assert!(!program.is_match_str(text), "{pattern:?} should not match {text:?}");
        }
    }

    fn error(pattern: &str) -> Option<PatternError> {
        Program::compile(pattern).err()
    }

    #[test]
    fn workload_identifier() {
        check(
            "^[a-zA-Z0-9_]+$",
            &["a", "Z", "_", "abc_123", "ABCdef", "0", &"x".repeat(1000)],
            &["", " ", "a b", "a-b", "abc\n", "\nabc", "é", "a.b", "abc!", "ab\u{0}"],
        );
    }

    #[test]
    fn workload_code() {
        check(
            "^[A-Z0-9-]{4,16}$",
            &["ABCD", "A-B-", "----", "0123456789ABCDEF", "AB12-CD34"],
            &["", "ABC", "abcd", "0123456789ABCDEFG", "ABCD\n", "AB CD", "ABCDé", "ABC_"],
        );
        assert_eq!(compile("^[A-Z0-9-]{4,16}$").state_count(), 31);
    }

    #[test]
    fn literals_and_search() {
        check("b", &["b", "abc", "bbb"], &["", "a", "B"]);
        check("abc", &["abc", "xxabcxx"], &["ab", "acb", "ABC"]);
        check("", &["", "anything"], &[]);
        check("é😀", &["xé😀y"], &["é", "😀"]);
        check("a\nb", &["a\nb"], &["ab"]);
    }

    #[test]
    fn dot() {
        check("^.$", &["a", " ", "\t", "é", "😀", "\u{85}", "\u{0}"], &["\n", "\r", "\u{2028}", "\u{2029}", "", "ab"]);
        check("a.c", &["abc", "a.c", "xa😀c"], &["a\nc", "ac"]);
    }

    #[test]
    fn class_escapes() {
        check("^\\d+$", &["0123456789"], &["a", "\u{663}", "", "1a"]);
        check("^\\D$", &["a", "\u{663}", "\n"], &["5"]);
        check("^\\w+$", &["azAZ09_"], &["-", "é", "a b"]);
        check("^\\W$", &["-", "é", " "], &["a", "_", "0"]);
        let spaces = [
            "\t", "\n", "\u{B}", "\u{C}", "\r", " ", "\u{A0}", "\u{1680}", "\u{2000}", "\u{2005}", "\u{200A}",
            "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{FEFF}",
        ];
        let not_spaces = ["a", "\u{85}", "\u{180E}", "\u{200B}", "\u{1FFF}", "\u{2027}", "\u{202A}", "\u{FFFF}", "\0"];
        check("^\\s$", &spaces, &not_spaces);
        check("^\\S$", &not_spaces, &spaces);
        check("^[\\s]$", &spaces, &not_spaces);
        check("^[^\\s]$", &not_spaces, &spaces);
        check("^[\\S]$", &not_spaces, &spaces);
        check("^[^\\S]$", &spaces, &not_spaces);
    }

    #[test]
    fn character_escapes() {
        check("^\\t\\n\\r\\f\\v\\0$", &["\t\n\r\u{C}\u{B}\0"], &["tnrfv0"]);
        check("^\\x41\\x7a\\xE9$", &["Azé"], &["x41"]);
        check("^\\u0041\\u00e9\\uFFFF\\u2028$", &["Aé\u{FFFF}\u{2028}"], &["A"]);
        check("^\\cJ\\cj\\cA$", &["\n\n\u{1}"], &["cJ"]);
        check("^\\\\\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\/\\-$", &["\\.*+?()[]{}|^$/-"], &["a"]);
        check("^\\ \\#\\_\\é\\\"$", &[" #_é\""], &[]);
    }

    #[test]
    fn classes() {
        check("^[abc]$", &["a", "b", "c"], &["d", "", "ab"]);
        check("^[^abc]$", &["d", "é", "\n"], &["a", "c", ""]);
        check("^[a-cx-z]$", &["a", "b", "y", "z"], &["d", "w", "-"]);
        check("^[-a]$", &["-", "a"], &["b"]);
        check("^[a-]$", &["-", "a"], &["b"]);
        check("^[a-c-e]$", &["a", "-", "e"], &["d"]);
        check("^[--a]$", &["-", ".", "a"], &["b", ","]);
        check("^[\\w-]$", &["a", "-", "_"], &["."]);
        check("^[\\d\\-x]$", &["5", "-", "x"], &["y"]);
        check("^[[]$", &["["], &["]"]);
        check("^[\\]]$", &["]"], &["["]);
        check("^[]$", &[], &["", "a", "]"]);
        check("[]", &[], &["", "a"]);
        check("^[^]$", &["a", "\n", "😀"], &["", "ab"]);
        check("^[\\b]$", &["\u{8}"], &["b"]);
        check("^[.]$", &["."], &["a"]);
        check("^[$^*+?(){}|]+$", &["$^*+?(){}|"], &["a"]);
        check("^[a^]$", &["^", "a"], &["b"]);
        check("^[\\u00e0-\\u00ff]$", &["é", "ÿ"], &["e", "Ā"]);
        check("^[😀-😂]$", &["😁"], &["😃"]);
        check("^[\\ud7ff\\ue000]$", &["\u{D7FF}", "\u{E000}"], &["\u{D7FE}"]);
        check("^[^\\ud7ff\\ue000]$", &["\u{D7FE}", "\u{E001}"], &["\u{D7FF}", "\u{E000}"]);
    }

    #[test]
    fn anchors() {
        check("^a", &["a", "ab"], &["ba", ""]);
        check("a$", &["a", "ba"], &["ab", "a\n"]);
        check("^$", &[""], &["\n", "a"]);
        check("$", &["", "abc", "\n"], &[]);
        check("^", &["", "abc"], &[]);
        check("a^b", &[], &["ab", "a^b"]);
        check("a$b", &[], &["ab", "a$b"]);
        check("^a|b$", &["ax", "xb"], &["xa", "bx"]);
        check("(^a|b)c", &["ac", "xbc"], &["xac"]);
        check("x(a$|b)", &["xa", "xb", "zxbz"], &["xaz"]);
        check("(^)*a", &["a", "ba"], &[]);
        check("(?:$)+", &["", "x"], &[]);
        check("(?:^|,)a(?:,|$)", &["a", "b,a", "a,b", "b,a,c"], &["ba", "ab", "b,ab"]);
    }

    #[test]
    fn dollar_does_not_match_before_trailing_newline() {
        check("^abc$", &["abc"], &["abc\n", "abc\r\n", "\nabc"]);
        check("abc$", &["xabc"], &["abc\n"]);
        check("^\\d{3}$", &["123"], &["123\n"]);
    }

    #[test]
    fn groups_and_alternation() {
        check("^(ab|cd)+$", &["ab", "cdab", "abcdab"], &["", "ac", "abc"]);
        check("^(?:a|b|c)$", &["a", "b", "c"], &["d", "ab"]);
        check("^(a|)$", &["a", ""], &["b"]);
        check("^(|a)$", &["a", ""], &["b"]);
        check("^a|$", &["a", "", "x"], &[]);
        check("^(?:a|b|)c$", &["ac", "bc", "c"], &["dc"]);
        check("^()$", &[""], &["a"]);
        check("^(((a)))$", &["a"], &["aa"]);
        check("^(a(b(c|d)|e)f)+$", &["abcf", "aef", "abdfaef"], &["af", "abf"]);
        check("cat|dog", &["hotdog", "cats"], &["cow"]);
        check("^x(?:a|bc|def)y$", &["xay", "xbcy", "xdefy"], &["xy", "xby"]);
    }

    #[test]
    fn quantifiers() {
        check("^a*$", &["", "a", "aaaa"], &["b", "ab"]);
        check("^a+$", &["a", "aaaa"], &["", "b"]);
        check("^a?$", &["", "a"], &["aa"]);
        check("^a{3}$", &["aaa"], &["aa", "aaaa"]);
        check("^a{2,}$", &["aa", "aaaaaa"], &["a", ""]);
        check("^a{2,4}$", &["aa", "aaa", "aaaa"], &["a", "aaaaa"]);
        check("^a{0,2}$", &["", "a", "aa"], &["aaa"]);
        check("^a{0}$", &[""], &["a"]);
        check("^a{0,0}b$", &["b"], &["ab"]);
        check("^a{1}$", &["a"], &["aa"]);
        check("^a{1,}$", &["a", "aa"], &[""]);
        check("^a{0,}$", &["", "aaa"], &["b"]);
        check("^(ab){2,3}$", &["abab", "ababab"], &["ab", "abababab"]);
        check("^(a|bc){2}$", &["aa", "abc", "bcbc", "bca"], &["a", "bc", "aaa"]);
        check("^(a*)*$", &["", "aaa"], &["b"]);
        check("^(a?){3}$", &["", "a", "aaa"], &["aaaa"]);
        check("^(?:a+|b){2,3}c$", &["abc", "aabbc", "bbc", "abac"], &["bc", "abababc"]);
        check("^((ab)*c){2}$", &["cc", "abcababc"], &["c", "abc"]);
        check("^((a){2}){2}$", &["aaaa"], &["aaa", "aaaaa"]);
        check("^(a{2,3}){2}$", &["aaaa", "aaaaa", "aaaaaa"], &["aaa", "aaaaaaa"]);
        check("^(?:a|b{2})*$", &["", "abb", "bba"], &["b", "ab"]);
    }

    #[test]
    fn lazy_quantifiers_answer_the_same() {
        for (greedy, lazy) in [("a*", "a*?"), ("a+", "a+?"), ("a?", "a??"), ("a{2,3}", "a{2,3}?"), ("a{2,}", "a{2,}?")]
        {
            let greedy = compile(&std::format!("^x{greedy}y$"));
            let lazy = compile(&std::format!("^x{lazy}y$"));
            for text in ["xy", "xay", "xaay", "xaaay", "xaaaay", "xa"] {
                assert_eq!(greedy.is_match_str(text), lazy.is_match_str(text), "{text:?}");
            }
        }
        check("a+?$", &["baa"], &["aab"]);
    }

    #[test]
    fn rejects_malformed_patterns() {
        let malformed = r"
            ( (a ((a) ) a) (a)) [ [a [^ [a- [\ \ a\ * + ? *a a** a*+ a+* a??? a{2}{3} a{2}* ^* $+ (*) (|*) a|*
            (?:*) { a{ a{1 a{1, a{1,2 a{,3} a{x} {1} x{1}{ } a} ] a] a{3,2} a{2000,1000} [z-a] [\d-z] [a-\d]
            [\w-\d] \x \x4 \xg0 \u \u12 \u123g \a \e \z \Z \A \G \h \c \c1 \c_ [\B] [\c] (? (?) (?*) (?#x) (?'n'a)
        ";
        for pattern in malformed.split_whitespace().chain(["a{ 1}", "a{1 }", "a{1, 2}"]) {
            assert_eq!(error(pattern), Some(PatternError::Syntax), "{pattern:?}");
        }
    }

    #[test]
    fn rejects_unsupported_syntax() {
        let unsupported = r"
            (a)\1 \1 \9 [\1] \01 \00 \k<a> (?=a) (?!a) (?<=a) (?<!a) (?<name>a) (?i)a (?i:a) (?-i:a) \b \B a\bb
            \p{L} \P{L} [\p{L}] \u{41} [\u{41}] \ud800 \uDFFF [\ud83d\ude00]
        ";
        for pattern in unsupported.split_whitespace() {
            assert_eq!(error(pattern), Some(PatternError::Unsupported), "{pattern:?}");
        }
    }

    #[test]
    fn rejects_too_complex_patterns() {
        let deep = std::format!("{}a{}", "(".repeat(MAX_GROUP_DEPTH + 1), ")".repeat(MAX_GROUP_DEPTH + 1));
        let ok_deep = std::format!("{}a{}", "(".repeat(MAX_GROUP_DEPTH), ")".repeat(MAX_GROUP_DEPTH));
        assert!(matches(&ok_deep, "a"));
        let long = "a".repeat(MAX_STATES);
        let fits = "a".repeat(MAX_STATES - 1);
        assert!(matches(&fits, &fits));
        assert_eq!(compile(&fits).state_count(), MAX_STATES);
        let many_classes: std::string::String =
            (0..=MAX_CLASSES).map(|i| std::format!("[\\u{:04x}]", 0x4E00 + i)).collect();
        let ok_classes: std::string::String =
            (0..MAX_CLASSES).map(|i| std::format!("[\\u{:04x}]", 0x4E00 + i)).collect();
        assert_eq!(compile(&ok_classes).class_count(), MAX_CLASSES);
        let many_ranges: std::string::String =
            (0..=MAX_RANGES).map(|i| char::from_u32(0x4E00 + 2 * u32::try_from(i).unwrap()).unwrap()).collect();
        let ok_ranges: std::string::String =
            (0..MAX_RANGES).map(|i| char::from_u32(0x4E00 + 2 * u32::try_from(i).unwrap()).unwrap()).collect();
        assert!(matches(&std::format!("[{ok_ranges}]"), "\u{4E02}"));
        assert!(!matches(&std::format!("[{ok_ranges}]"), "\u{4E01}"));
        // 12 distinct classes of 10 non-ASCII ranges fit the shared pool, 13 do not.
        let pool_class = |i: u32| std::format!("[^\\s\\u{:04x}]", 0x100 + 2 * i);
        let fits_pool: std::string::String = (0..12).map(pool_class).collect();
        assert_eq!(compile(&fits_pool).class_count(), 12);
        let pool: std::string::String = (0..13).map(pool_class).collect();
        for pattern in [
            deep.as_str(),
            long.as_str(),
            many_classes.as_str(),
            std::format!("[{many_ranges}]").as_str(),
            pool.as_str(),
            "a{1001}",
            "a{0,1001}",
            "a{1001,}",
            "a{99999999999999999999}",
            "a{1000}",
            "(ab){128}",
            "[a-z]{4,200}",
            "(((a{10}){10}){10})",
        ] {
            assert_eq!(error(pattern), Some(PatternError::TooComplex), "{pattern:?}");
        }
        // Identical classes share one slot.
        assert_eq!(compile(&"[a-z]\\d.".repeat(20)).class_count(), 3);
        assert!(Program::compile("a{255}").is_ok());
        assert!(Program::compile("a{256}").is_err());
    }

    #[test]
    fn error_codes() {
        let codes: std::vec::Vec<&str> = PatternError::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(codes, ["pattern_syntax", "pattern_unsupported", "pattern_too_complex"]);
        for e in PatternError::ALL {
            assert!(!e.message().is_empty());
            assert_eq!(std::format!("{e}"), e.message());
        }
    }

    #[test]
    fn redos_classics_run_in_linear_time() {
        let started = std::time::Instant::now();
        let attack = std::format!("{}!", "a".repeat(20_000));
        let spaced = std::format!("{}!", "a ".repeat(10_000));
        for (pattern, text, expected) in [
            ("(a+)+$", attack.as_str(), false),
            ("^(a+)+$", attack.as_str(), false),
            ("(a|aa)*b", attack.as_str(), false),
            ("(a*)*b", attack.as_str(), false),
            ("^(\\w+\\s?)*$", attack.as_str(), false),
            ("^(\\w+\\s?)*$", spaced.as_str(), false),
            ("^(a|a)*$", attack.as_str(), false),
            ("^(a|a?)+$", attack.as_str(), false),
            ("(.*a){12}", attack.as_str(), true),
            ("^(([a-z])+.)+[A-Z]([a-z])+$", attack.as_str(), false),
            ("(a+)+!", attack.as_str(), true),
            ("^(a?){30}a{30}$", &"a".repeat(30), true),
        ] {
            assert_eq!(compile(pattern).is_match_str(text), expected, "{pattern:?}");
        }
        // Generous bound: the same work by a backtracking engine would not finish in a lifetime.
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
    }

    #[test]
    fn is_match_takes_any_char_iterator() {
        let program = compile("^ab+c$");
        assert!(program.is_match("abbbc".chars()));
        assert!(program.is_match(['a', 'b', 'c']));
        assert!(!program.is_match(core::iter::empty()));
        assert!(!program.is_match(core::iter::repeat_n('b', 100_000)));
    }

    #[test]
    fn program_is_small_and_clonable() {
        let size = core::mem::size_of::<Program>();
        assert!(size <= 5 * 1024, "{size}");
        assert!(Program::EMPTY == compile(""));
        assert!(Program::default() == Program::EMPTY);
        assert!(Program::EMPTY.is_match_str("") && Program::EMPTY.is_match_str("anything"));
        static SLOTS: [Program; 2] = [Program::EMPTY; 2];
        assert!(SLOTS[1].is_match_str("x"));
        let program = compile("^x+$");
        let copy = program.clone();
        assert!(copy == program && copy != Program::EMPTY);
        assert!(copy.is_match_str("xx"));
        assert!(std::format!("{copy:?}").starts_with("Program"));
        // Non-ASCII ranges each builtin set costs in the shared pool (as documented on MAX_RANGES).
        for (pattern, ranges) in [("\\S", 9), (".", 2), ("\\D", 1), ("\\W", 1), ("\\s", 8), ("\\d\\w", 0), ("[^]", 1)] {
            assert_eq!(compile(pattern).range_count, ranges, "{pattern:?}");
        }
    }

    /// Every instruction target stays inside the program and the last instruction accepts.
    fn well_formed(program: &Program) -> bool {
        let insts = &program.insts[..program.len];
        insts.last() == Some(&Inst::Match)
            && insts.iter().enumerate().all(|(pc, inst)| match inst {
                Inst::Split(t) | Inst::Jump(t) => usize::from(*t) < program.len && usize::from(*t) != pc,
                Inst::Match => pc + 1 == program.len,
                Inst::Class(c) => usize::from(*c) < program.class_count,
                _ => true,
            })
    }

    #[test]
    fn never_panics_on_short_patterns() {
        const ALPHABET: &str = r"()[]{}|*+?.^$\-,:1abdu";
        let texts = ["", "a", "ab", "ba-", "aaa1", "\n", "{1}", "(a)"];
        let mut compiled = 0usize;
        let mut pattern = std::string::String::new();
        for length in 0..=4u32 {
            let count = ALPHABET.len().pow(length);
            for mut n in 0..count {
                pattern.clear();
                for _ in 0..length {
                    pattern.push(char::from(ALPHABET.as_bytes()[n % ALPHABET.len()]));
                    n /= ALPHABET.len();
                }
                if let Ok(program) = Program::compile(&pattern) {
                    compiled += 1;
                    assert!(well_formed(&program), "{pattern:?}");
                    for text in texts {
                        assert_eq!(program.is_match_str(text), program.is_match(text.chars()));
                    }
                }
            }
        }
        assert!(compiled > 10_000, "{compiled}");
    }
}
