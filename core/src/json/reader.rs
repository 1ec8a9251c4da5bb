//! The validating pull reader: one pass, explicit depth stack, duplicate names rejected.
//!
//! It decides, event by event, whether the text so far is strict JSON; it guarantees O(depth cap)
//! memory and never recurses on input depth; it never unescapes into a buffer (names are compared
//! by streaming their characters).
//!
//! It also holds the scanning primitives (strings eight bytes at a time, numbers, literals) and the
//! specialised loop `object_members` that checks a top-level object's members straight from the
//! bytes, with the same verdicts, handing only nested containers to a [`Reader`] (left out with the
//! feature `compact-json`, which reads such objects with the [`Reader`] alone).

#[cfg(not(feature = "compact-json"))]
use super::value::short_fingerprint;
use super::value::{skip_string, skip_value, JsonStr};
use super::{JsonError, MAX_DEPTH};

/// One step of a JSON text, in document order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// `{`
    ObjectStart,
    /// `}`
    ObjectEnd,
    /// `[`
    ArrayStart,
    /// `]`
    ArrayEnd,
    /// A member name (the value follows as the next event).
    Name(JsonStr<'a>),
    /// A string value.
    Str(JsonStr<'a>),
    /// A number value, as its (grammar-checked) text.
    Number(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// A value must come next.
    Value,
    /// Just after `{`: a member name or `}`.
    FirstMemberOrEnd,
    /// After `,` inside an object: a member name.
    Member,
    /// Just after `[`: a value or `]`.
    FirstItemOrEnd,
    /// A value just ended: `,`, a closing bracket, or (at depth 0) the end of input.
    AfterValue,
    /// The one top-level value is complete.
    Done,
}

/// How many member-name fingerprints are kept across all open objects. Names beyond this fall back
/// to an exact rescan of their object, which is quadratic in the object's size but still bounded by
/// the input size limit the caller enforces.
const FINGERPRINTS: usize = 32;

/// A strict, streaming JSON reader over validated UTF-8 text.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    state: State,
    max_depth: usize,
    depth: usize,
    /// Bit i set: the container at depth i+1 is an object.
    object_bits: u64,
    /// Bit i set: the object at depth i+1 has names that are not in `fingerprints`.
    overflow_bits: u64,
    /// Byte offset just after the `{` of each open object.
    object_start: [u32; MAX_DEPTH],
    /// Index into `fingerprints` where each open object's names begin.
    fingerprint_base: [u8; MAX_DEPTH],
    fingerprints: [u32; FINGERPRINTS],
    fingerprint_len: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `text` accepting at most `max_depth` nested containers (capped at [`MAX_DEPTH`]).
    pub fn new(text: &'a str, max_depth: usize) -> Self {
        Reader {
            text,
            pos: 0,
            state: State::Value,
            max_depth: max_depth.min(MAX_DEPTH),
            depth: 0,
            object_bits: 0,
            overflow_bits: 0,
            object_start: [0; MAX_DEPTH],
            fingerprint_base: [0; MAX_DEPTH],
            fingerprints: [0; FINGERPRINTS],
            fingerprint_len: 0,
        }
    }

    #[cfg(not(feature = "compact-json"))]
    /// A reader whose one value starts at byte `pos` of `text` (used to check a container nested in
    /// an object that the fast member loop is walking; [`Reader::skip`] then stops right after it).
    pub(super) fn at(text: &'a str, pos: usize, max_depth: usize) -> Self {
        let mut reader = Reader::new(text, max_depth);
        reader.pos = pos;
        reader
    }

    /// Current nesting depth (0 outside any container).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Byte offset of the reader in the text.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The next event, or `None` after the complete text (trailing whitespace only).
    ///
    /// # Errors
    /// [`JsonError`] at the first violation; the reader must not be used afterwards.
    pub fn next_event(&mut self) -> Result<Option<Event<'a>>, JsonError> {
        loop {
            self.skip_ws();
            match self.state {
                State::Value => return self.value().map(Some),
                State::FirstMemberOrEnd => {
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        return Ok(Some(self.close()));
                    }
                    return self.member_name().map(Some);
                }
                State::Member => return self.member_name().map(Some),
                State::FirstItemOrEnd => {
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        return Ok(Some(self.close()));
                    }
                    self.state = State::Value;
                }
                State::AfterValue => {
                    if self.depth == 0 {
                        if self.pos == self.text.len() {
                            self.state = State::Done;
                            return Ok(None);
                        }
                        return Err(JsonError::Syntax);
                    }
                    let in_object = self.in_object();
                    match (self.peek(), in_object) {
                        (Some(b','), true) => {
                            self.pos += 1;
                            self.state = State::Member;
                        }
                        (Some(b','), false) => {
                            self.pos += 1;
                            self.state = State::Value;
                        }
                        (Some(b'}'), true) | (Some(b']'), false) => {
                            self.pos += 1;
                            return Ok(Some(self.close()));
                        }
                        _ => return Err(JsonError::Syntax),
                    }
                }
                State::Done => return Ok(None),
            }
        }
    }

    /// Skips the value that follows (after a `Name` event, or at a `Value` position) without
    /// reporting its events, still checking it fully. Returns the value's raw text.
    ///
    /// # Errors
    /// As [`Reader::next_event`].
    pub fn skip(&mut self) -> Result<&'a str, JsonError> {
        self.skip_ws();
        let start = self.pos;
        let base = self.depth;
        loop {
            match self.next_event()? {
                Some(Event::ObjectStart | Event::ArrayStart | Event::Name(_)) => {}
                Some(_) if self.depth == base => break,
                Some(_) => {}
                None => return Err(JsonError::Syntax),
            }
        }
        Ok(self.text.get(start..self.pos).unwrap_or(""))
    }

    fn in_object(&self) -> bool {
        self.depth > 0 && (self.object_bits >> (self.depth - 1)) & 1 == 1
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Event<'a>, JsonError> {
        let event = match self.peek() {
            Some(b'{') => {
                self.open(true)?;
                self.state = State::FirstMemberOrEnd;
                return Ok(Event::ObjectStart);
            }
            Some(b'[') => {
                self.open(false)?;
                self.state = State::FirstItemOrEnd;
                return Ok(Event::ArrayStart);
            }
            Some(b'"') => Event::Str(self.string()?),
            Some(b'-' | b'0'..=b'9') => Event::Number(self.number()?),
            Some(b't') => self.literal("true", Event::Bool(true))?,
            Some(b'f') => self.literal("false", Event::Bool(false))?,
            Some(b'n') => self.literal("null", Event::Null)?,
            _ => return Err(JsonError::Syntax),
        };
        self.state = State::AfterValue;
        Ok(event)
    }

    fn open(&mut self, object: bool) -> Result<(), JsonError> {
        if self.depth >= self.max_depth {
            return Err(JsonError::TooDeep);
        }
        self.pos += 1;
        let bit = 1u64 << self.depth;
        if object {
            self.object_bits |= bit;
            self.overflow_bits &= !bit;
            let start = u32::try_from(self.pos).map_err(|_| JsonError::Syntax)?;
            let base = u8::try_from(self.fingerprint_len).map_err(|_| JsonError::Syntax)?;
            if let Some(slot) = self.object_start.get_mut(self.depth) {
                *slot = start;
            }
            if let Some(slot) = self.fingerprint_base.get_mut(self.depth) {
                *slot = base;
            }
        } else {
            self.object_bits &= !bit;
        }
        self.depth += 1;
        Ok(())
    }

    fn close(&mut self) -> Event<'a> {
        let was_object = self.in_object();
        self.depth -= 1;
        self.state = State::AfterValue;
        if was_object {
            if let Some(&base) = self.fingerprint_base.get(self.depth) {
                self.fingerprint_len = usize::from(base);
            }
            Event::ObjectEnd
        } else {
            Event::ArrayEnd
        }
    }

    fn member_name(&mut self) -> Result<Event<'a>, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(JsonError::Syntax);
        }
        let name_start = self.pos;
        // A short plain name (most of them) is found and fingerprinted from one or two word loads.
        let (name, fingerprint) = match short_name(self.text.as_bytes(), name_start + 1) {
            Some((len, fingerprint)) => {
                let name = self.text.get(name_start + 1..name_start + 1 + len).ok_or(JsonError::Syntax)?;
                self.pos = name_start + len + 2;
                (JsonStr::new(name, false), fingerprint)
            }
            None => {
                let name = self.string()?;
                (name, name.fingerprint())
            }
        };
        self.check_duplicate(name, name_start, fingerprint)?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(JsonError::Syntax);
        }
        self.pos += 1;
        self.state = State::Value;
        Ok(Event::Name(name))
    }

    fn check_duplicate(&mut self, name: JsonStr<'a>, name_start: usize, fingerprint: u32) -> Result<(), JsonError> {
        let level = self.depth - 1;
        let base = self.fingerprint_base.get(level).map_or(0, |b| usize::from(*b));
        let seen = self.fingerprints.get(base..self.fingerprint_len).unwrap_or(&[]);
        let overflowed = (self.overflow_bits >> level) & 1 == 1;
        if overflowed || seen.contains(&fingerprint) {
            let start = self.object_start.get(level).map_or(0, |s| usize::try_from(*s).unwrap_or(0));
            if earlier_name_equals(self.text, start, name_start, name) {
                return Err(JsonError::DuplicateName);
            }
        }
        if let Some(slot) = self.fingerprints.get_mut(self.fingerprint_len) {
            *slot = fingerprint;
            self.fingerprint_len += 1;
        } else {
            self.overflow_bits |= 1 << level;
        }
        Ok(())
    }

    fn literal(&mut self, word: &str, event: Event<'a>) -> Result<Event<'a>, JsonError> {
        self.pos = scan_literal(self.text.as_bytes(), self.pos, word.as_bytes())?;
        Ok(event)
    }

    fn number(&mut self) -> Result<&'a str, JsonError> {
        let start = self.pos;
        self.pos = scan_number(self.text.as_bytes(), start)?;
        self.text.get(start..self.pos).ok_or(JsonError::Syntax)
    }

    /// Validates the string starting at the opening quote and returns its content view.
    fn string(&mut self) -> Result<JsonStr<'a>, JsonError> {
        let (content, end) = scan_string(self.text, self.pos)?;
        self.pos = end;
        Ok(content)
    }
}

/// Validates the number starting at `pos` (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) and
/// returns the offset just after it.
#[inline(always)]
pub(crate) fn scan_number(bytes: &[u8], start: usize) -> Result<usize, JsonError> {
    let mut pos = start;
    if bytes.get(pos) == Some(&b'-') {
        pos += 1;
    }
    match bytes.get(pos) {
        Some(b'0') => pos += 1,
        Some(b'1'..=b'9') => pos = digits(bytes, pos + 1),
        _ => return Err(JsonError::Syntax),
    }
    if bytes.get(pos) == Some(&b'.') {
        let after = digits(bytes, pos + 1);
        if after == pos + 1 {
            return Err(JsonError::Syntax);
        }
        pos = after;
    }
    if let Some(b'e' | b'E') = bytes.get(pos) {
        pos += 1;
        if let Some(b'+' | b'-') = bytes.get(pos) {
            pos += 1;
        }
        let after = digits(bytes, pos);
        if after == pos {
            return Err(JsonError::Syntax);
        }
        pos = after;
    }
    Ok(pos)
}

/// Validates the string whose opening quote is at `pos`; returns its content view and the offset
/// just after the closing quote.
#[inline(always)]
pub(crate) fn scan_string(text: &str, pos: usize) -> Result<(JsonStr<'_>, usize), JsonError> {
    let (end, escaped) = string_end(text.as_bytes(), pos).ok_or(JsonError::Syntax)?;
    let content = text.get(pos + 1..end).ok_or(JsonError::Syntax)?;
    Ok((JsonStr::new(content, escaped), end + 1))
}

/// Validates the string whose opening quote is at `pos`; returns the offset of its closing quote
/// and whether it holds escapes, or `None` when it is not a valid string (kept to two registers:
/// this runs for every name and most values).
#[inline(always)]
fn string_end(bytes: &[u8], pos: usize) -> Option<(usize, bool)> {
    let mut end = pos + 1;
    let mut escaped = false;
    loop {
        end = string_stop(bytes, end);
        match bytes.get(end) {
            Some(b'"') => return Some((end, escaped)),
            Some(b'\\') => {
                escaped = true;
                end = escape(bytes, end).ok()?;
            }
            // A raw control character, or the input ended inside the string.
            _ => return None,
        }
    }
}

/// The first offset at or after `pos` holding `"`, `\` or a control character (< 0x20), or the
/// input length: everything before it is ordinary string content (the text is valid UTF-8, and no
/// byte of a multi-byte character is below 0x80).
#[inline(always)]
fn string_stop(bytes: &[u8], mut pos: usize) -> usize {
    // Eight bytes per step: most of a JWT is string content.
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else { break };
        let stops = stop_mask(u64::from_le_bytes(word));
        if stops != 0 {
            return pos + usize::try_from(stops.trailing_zeros() / 8).unwrap_or(0);
        }
        pos += 8;
    }
    while let Some(&b) = bytes.get(pos) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        pos += 1;
    }
    pos
}

/// The high bit of each byte of `w` (little-endian) that is `"`, `\\` or below 0x20, plus
/// possibly some bytes after the first such one. In each "byte is zero / below n" mask the lowest
/// set bit is exact (a borrow can only create false hits above a true one), so the lowest set bit
/// of the union marks the first stop byte.
#[inline(always)]
fn stop_mask(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const QUOTES: u64 = ONES * 0x22;
    const BACKSLASHES: u64 = ONES * 0x5c;
    const SPACES: u64 = ONES * 0x20;
    let quote = w ^ QUOTES;
    let backslash = w ^ BACKSLASHES;
    ((quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash) | (w.wrapping_sub(SPACES) & !w))
        & HIGHS
}

#[cfg(not(feature = "compact-json"))]
/// The common member name: at most 15 bytes, plain, its closing quote within the sixteen bytes from
/// `start` (just after the opening quote). Returns its length and its fingerprint, both from one or
/// two eight-byte loads.
#[inline(always)]
fn short_name(bytes: &[u8], start: usize) -> Option<(usize, u32)> {
    let rest = bytes.get(start..)?;
    let first = u64::from_le_bytes(*rest.first_chunk::<8>()?);
    let stops = stop_mask(first);
    if stops != 0 {
        let len = usize::try_from(stops.trailing_zeros() / 8).ok()?;
        return (rest.get(len) == Some(&b'"')).then(|| (len, short_fingerprint(first, None, len)));
    }
    let second = u64::from_le_bytes(*rest.get(8..)?.first_chunk::<8>()?);
    let stops = stop_mask(second);
    let len = 8 + usize::try_from(stops.trailing_zeros() / 8).ok()?;
    (stops != 0 && rest.get(len) == Some(&b'"')).then(|| (len, short_fingerprint(first, Some(second), len)))
}

/// With `compact-json` every name takes the general path (the word-load code is left out).
#[cfg(feature = "compact-json")]
#[inline(always)]
fn short_name(_bytes: &[u8], _start: usize) -> Option<(usize, u32)> {
    None
}

#[cfg(not(feature = "compact-json"))]
/// Validates the scalar (string, number, literal) starting at `pos` and returns the offset just
/// after it; anything else (a container, a stray byte, the end of input) is a syntax error.
#[inline(always)]
fn scan_scalar(text: &str, pos: usize) -> Result<usize, JsonError> {
    let bytes = text.as_bytes();
    let word: &[u8] = match bytes.get(pos) {
        Some(b'"') => return string_end(bytes, pos).map(|(end, _)| end + 1).ok_or(JsonError::Syntax),
        Some(b'-' | b'0'..=b'9') => return scan_number(bytes, pos),
        Some(b't') => b"true",
        Some(b'f') => b"false",
        Some(b'n') => b"null",
        _ => return Err(JsonError::Syntax),
    };
    scan_literal(bytes, pos, word)
}

/// The offset just after the literal `word` (`true`, `false`, `null`) if the text at `pos` starts
/// with it.
#[inline]
pub(crate) fn scan_literal(bytes: &[u8], pos: usize, word: &[u8]) -> Result<usize, JsonError> {
    match bytes.get(pos..) {
        Some(rest) if rest.starts_with(word) => Ok(pos + word.len()),
        _ => Err(JsonError::Syntax),
    }
}

#[cfg(not(feature = "compact-json"))]
/// The names already seen in one object, for duplicate detection without allocation: a 32-bit
/// fingerprint per name while the table lasts, with an exact rescan of the object only when a
/// fingerprint matches (a duplicate, or a rare collision); past the table, a rescan per name.
struct NameTable {
    /// Bit `f % 64` set for every fingerprint `f` in the table: most new names miss it and skip
    /// the table search entirely.
    seen: u64,
    fingerprints: [u32; FINGERPRINTS],
    len: usize,
    /// Offset just after the object's `{`, where a rescan begins.
    body: usize,
}

#[cfg(not(feature = "compact-json"))]
impl NameTable {
    fn new(body: usize) -> Self {
        NameTable { seen: 0, fingerprints: [0; FINGERPRINTS], len: 0, body }
    }

    /// Records `name` (whose opening quote is at `name_start`, and whose
    /// [`JsonStr::fingerprint`] is `fingerprint`), or reports that an earlier member of the object
    /// has the same unescaped name.
    #[inline(always)]
    fn insert(&mut self, text: &str, name: JsonStr<'_>, name_start: usize, fingerprint: u32) -> Result<(), JsonError> {
        let bit = 1u64 << (fingerprint % 64);
        let known =
            self.seen & bit != 0 && self.fingerprints.get(..self.len).is_some_and(|seen| seen.contains(&fingerprint));
        // Once the table is full every name is checked exactly, against the whole object.
        let full = self.len >= FINGERPRINTS;
        if (known || full) && earlier_name_equals(text, self.body, name_start, name) {
            return Err(JsonError::DuplicateName);
        }
        if let Some(slot) = self.fingerprints.get_mut(self.len) {
            *slot = fingerprint;
            self.len += 1;
            self.seen |= bit;
        }
        Ok(())
    }
}

/// The (validated) member name whose opening quote is at `pos`.
fn name_at(text: &str, pos: usize) -> JsonStr<'_> {
    let end = skip_string(text.as_bytes(), pos);
    JsonStr::from_quoted(text.get(pos..end).unwrap_or("\"\""))
}

/// Exact comparison of `name` with every member name of the object whose body starts at `start`,
/// up to `end`. The text in between has already been validated.
fn earlier_name_equals(text: &str, start: usize, end: usize, name: JsonStr<'_>) -> bool {
    let bytes = text.as_bytes();
    let mut pos = start;
    loop {
        pos = skip_ws_at(bytes, pos);
        if pos >= end || bytes.get(pos) != Some(&b'"') {
            return false;
        }
        if name_at(text, pos).eq_json(name) {
            return true;
        }
        pos = skip_ws_at(bytes, skip_string(bytes, pos)) + 1; // ':'
        pos = skip_value(bytes, skip_ws_at(bytes, pos));
        pos = skip_ws_at(bytes, pos) + 1; // ','
    }
}

#[cfg(not(feature = "compact-json"))]
/// Validates the object whose `{` is at `open` (at depth 0 of a document nested at most
/// `max_depth` levels, already capped), handing each member to `on_member`, and returns the offset
/// just after its `}`.
///
/// This is the hot path of JWT verification, so members with scalar values are checked by a
/// straight loop over the bytes with no reader state; a member whose value is a container hands
/// that value to a [`Reader`] one level deeper. The verdicts and their order are the reader's:
/// every byte is still checked, in document order.
pub(super) fn object_members<'a>(
    text: &'a str,
    open: usize,
    max_depth: usize,
    mut on_member: impl FnMut(JsonStr<'a>, &'a str),
) -> Result<usize, JsonError> {
    if max_depth == 0 {
        return Err(JsonError::TooDeep);
    }
    let bytes = text.as_bytes();
    let mut names = NameTable::new(open + 1);
    let mut pos = skip_ws_at(bytes, open + 1);
    if bytes.get(pos) == Some(&b'}') {
        return Ok(pos + 1);
    }
    loop {
        if bytes.get(pos) != Some(&b'"') {
            return Err(JsonError::Syntax);
        }
        let (name, after_name, fingerprint) = match short_name(bytes, pos + 1) {
            Some((len, fingerprint)) => {
                let name = text.get(pos + 1..pos + 1 + len).ok_or(JsonError::Syntax)?;
                (JsonStr::new(name, false), pos + len + 2, fingerprint)
            }
            None => {
                let (name, after_name) = scan_string(text, pos)?;
                (name, after_name, name.fingerprint())
            }
        };
        names.insert(text, name, pos, fingerprint)?;
        pos = skip_ws_at(bytes, after_name);
        if bytes.get(pos) != Some(&b':') {
            return Err(JsonError::Syntax);
        }
        let start = skip_ws_at(bytes, pos + 1);
        let end = match bytes.get(start) {
            Some(b'{' | b'[') => {
                let mut nested = Reader::at(text, start, max_depth - 1);
                nested.skip()?;
                nested.offset()
            }
            _ => scan_scalar(text, start)?,
        };
        on_member(name, text.get(start..end).ok_or(JsonError::Syntax)?);
        pos = skip_ws_at(bytes, end);
        match bytes.get(pos) {
            Some(b',') => pos = skip_ws_at(bytes, pos + 1),
            Some(b'}') => return Ok(pos + 1),
            _ => return Err(JsonError::Syntax),
        }
    }
}

#[inline(always)]
fn digits(bytes: &[u8], mut pos: usize) -> usize {
    // Eight digits per step first (NumericDate claims have ten): a byte is a digit exactly when
    // its high nibble is 3 and adding 6 does not carry out of its low nibble.
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else { break };
        let w = u64::from_le_bytes(word);
        const HIGH_NIBBLES: u64 = 0xf0f0_f0f0_f0f0_f0f0;
        if (w & HIGH_NIBBLES) | ((w.wrapping_add(0x0606_0606_0606_0606) & HIGH_NIBBLES) >> 4) != 0x3333_3333_3333_3333 {
            break;
        }
        pos += 8;
    }
    while let Some(b'0'..=b'9') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

#[inline]
pub(crate) fn skip_ws_at(bytes: &[u8], mut pos: usize) -> usize {
    // Compact JSON has no whitespace between tokens: one comparison decides that common case.
    if bytes.get(pos).is_some_and(|&b| b > b' ') {
        return pos;
    }
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

/// Validates the escape at `pos` (a backslash) and returns the offset after it.
fn escape(bytes: &[u8], pos: usize) -> Result<usize, JsonError> {
    match bytes.get(pos + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(pos + 2),
        Some(b'u') => {
            let unit = hex4(bytes, pos + 2).ok_or(JsonError::Syntax)?;
            match unit {
                0xD800..=0xDBFF => {
                    // A high surrogate must be followed at once by an escaped low surrogate.
                    if bytes.get(pos + 6) != Some(&b'\\') || bytes.get(pos + 7) != Some(&b'u') {
                        return Err(JsonError::Syntax);
                    }
                    match hex4(bytes, pos + 8) {
                        Some(0xDC00..=0xDFFF) => Ok(pos + 12),
                        _ => Err(JsonError::Syntax),
                    }
                }
                0xDC00..=0xDFFF => Err(JsonError::Syntax),
                _ => Ok(pos + 6),
            }
        }
        _ => Err(JsonError::Syntax),
    }
}

/// Four hex digits at `pos` as a code unit.
pub(super) fn hex4(bytes: &[u8], pos: usize) -> Option<u32> {
    let quad = bytes.get(pos..pos + 4)?;
    quad.iter().try_fold(0u32, |acc, &b| {
        let digit = char::from(b).to_digit(16)?;
        Some(acc * 16 + digit)
    })
}

#[cfg(all(test, not(feature = "compact-json")))]
mod tests {
    use super::short_name;
    use crate::json::JsonStr;

    /// The one-or-two-load fingerprint of a short name is the byte-wise one the duplicate check
    /// compares it with, at every length the fast path takes; longer or escaped names fall back.
    #[test]
    fn short_name_fingerprints_match_the_general_ones() {
        let alphabet = b"abcdefghijklmnopqrstuvwxyz_0123456789";
        for len in 0..=20 {
            let name: heapless::String<32> = alphabet.iter().take(len).map(|&b| char::from(b)).collect();
            let mut text: heapless::String<64> = heapless::String::new();
            for part in ["\"", name.as_str(), "\":1, padding to sixteen bytes"] {
                text.push_str(part).unwrap();
            }
            let general = JsonStr::new(&name, false).fingerprint();
            match short_name(text.as_bytes(), 1) {
                Some((found, fingerprint)) => {
                    assert!(len <= 15, "{len}");
                    assert_eq!((found, fingerprint), (len, general), "{len}");
                }
                None => assert!(len > 15, "{len}"),
            }
        }
        assert_eq!(short_name(br#""a\"b":1, padding to sixteen"#, 1), None);
    }
}
