//! The validating pull reader: one pass, explicit depth stack, duplicate names rejected.
//!
//! It decides, event by event, whether the text so far is strict JSON; it guarantees O(depth cap)
//! memory and never recurses on input depth; it never unescapes into a buffer (names are compared
//! by streaming their characters).

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
        let name = self.string()?;
        self.check_duplicate(name, name_start)?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(JsonError::Syntax);
        }
        self.pos += 1;
        self.state = State::Value;
        Ok(Event::Name(name))
    }

    fn check_duplicate(&mut self, name: JsonStr<'a>, name_start: usize) -> Result<(), JsonError> {
        let level = self.depth - 1;
        let fingerprint = name.fingerprint();
        let base = self.fingerprint_base.get(level).map_or(0, |b| usize::from(*b));
        let seen = self.fingerprints.get(base..self.fingerprint_len).unwrap_or(&[]);
        let overflowed = (self.overflow_bits >> level) & 1 == 1;
        if overflowed || seen.contains(&fingerprint) {
            let start = self.object_start.get(level).map_or(0, |s| usize::try_from(*s).unwrap_or(0));
            if self.earlier_name_equals(start, name_start, name) {
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

    /// Exact comparison of `name` with every member name of the object whose body starts at
    /// `start`, up to `end`. The text in between has already been validated.
    fn earlier_name_equals(&self, start: usize, end: usize, name: JsonStr<'a>) -> bool {
        let bytes = self.text.as_bytes();
        let mut pos = start;
        loop {
            pos = skip_ws_at(bytes, pos);
            if pos >= end || bytes.get(pos) != Some(&b'"') {
                return false;
            }
            let name_end = skip_string(bytes, pos);
            let earlier = JsonStr::from_quoted(self.text.get(pos..name_end).unwrap_or("\"\""));
            if earlier.eq_json(name) {
                return true;
            }
            pos = skip_ws_at(bytes, name_end) + 1; // ':'
            pos = skip_value(bytes, skip_ws_at(bytes, pos));
            pos = skip_ws_at(bytes, pos) + 1; // ','
        }
    }

    fn literal(&mut self, word: &str, event: Event<'a>) -> Result<Event<'a>, JsonError> {
        if self.text.as_bytes().get(self.pos..).is_some_and(|rest| rest.starts_with(word.as_bytes())) {
            self.pos += word.len();
            Ok(event)
        } else {
            Err(JsonError::Syntax)
        }
    }

    fn number(&mut self) -> Result<&'a str, JsonError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut pos = start;
        if bytes.get(pos) == Some(&b'-') {
            pos += 1;
        }
        match bytes.get(pos) {
            Some(b'0') => pos += 1,
            Some(b'1'..=b'9') => pos = digits(bytes, pos),
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
        self.pos = pos;
        self.text.get(start..pos).ok_or(JsonError::Syntax)
    }

    /// Validates the string starting at the opening quote and returns its content view.
    fn string(&mut self) -> Result<JsonStr<'a>, JsonError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut pos = start + 1;
        let mut escaped = false;
        loop {
            // The common case first: a run of ordinary characters.
            while let Some(&b) = bytes.get(pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                pos += 1;
            }
            match bytes.get(pos) {
                None => return Err(JsonError::Syntax),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    pos = escape(bytes, pos)?;
                }
                Some(0x00..=0x1f) => return Err(JsonError::Syntax),
                Some(_) => pos += 1,
            }
        }
        self.pos = pos + 1;
        let content = self.text.get(start + 1..pos).ok_or(JsonError::Syntax)?;
        Ok(JsonStr::new(content, escaped))
    }
}

fn digits(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b'0'..=b'9') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

pub(super) fn skip_ws_at(bytes: &[u8], mut pos: usize) -> usize {
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
