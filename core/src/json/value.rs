//! Borrowed views of already-validated JSON: values, strings, member and item iterators.
//!
//! Decides nothing about validity (the reader did); guarantees that navigation never panics and
//! never allocates, even if handed text that was not validated (it then yields garbage, not UB or
//! panics); never copies or unescapes into memory it owns.

use super::reader::{hex4, skip_ws_at};

pub(super) fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// The JSON type of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` / `false`
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// A validated JSON value: its exact text, without surrounding whitespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value<'a> {
    raw: &'a str,
}

impl<'a> Value<'a> {
    pub(crate) fn from_validated(raw: &'a str) -> Self {
        Value { raw }
    }

    /// The value's JSON text.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The value's type.
    pub fn kind(&self) -> Kind {
        match self.raw.as_bytes().first() {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            _ => Kind::Number,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<JsonStr<'a>> {
        (self.kind() == Kind::String).then(|| JsonStr::from_quoted(self.raw))
    }

    /// The number's text, if this is one.
    pub fn as_number(&self) -> Option<&'a str> {
        (self.kind() == Kind::Number).then_some(self.raw)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.raw {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn members(&self) -> Option<Members<'a>> {
        (self.kind() == Kind::Object).then_some(Members { text: self.raw, pos: 1 })
    }

    /// The items, if this is an array.
    pub fn items(&self) -> Option<Items<'a>> {
        (self.kind() == Kind::Array).then_some(Items { text: self.raw, pos: 1 })
    }

    /// The member named `name` (compared after unescaping), if this is an object that has it.
    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.members()?.find(|(n, _)| n.eq_str(name)).map(|(_, v)| v)
    }
}

/// Iterator over an object's members.
#[derive(Clone, Debug)]
pub struct Members<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Members<'a> {
    type Item = (JsonStr<'a>, Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        let start = skip_ws_at(bytes, self.pos);
        if bytes.get(start) != Some(&b'"') {
            self.pos = bytes.len();
            return None;
        }
        let name_end = skip_string(bytes, start);
        let name = JsonStr::from_quoted(self.text.get(start..name_end)?);
        let value_start = skip_ws_at(bytes, skip_ws_at(bytes, name_end) + 1);
        let value_end = skip_value(bytes, value_start);
        let value = Value { raw: self.text.get(value_start..value_end)? };
        self.pos = skip_ws_at(bytes, value_end) + 1;
        Some((name, value))
    }
}

/// Iterator over an array's items.
#[derive(Clone, Debug)]
pub struct Items<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Items<'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        let start = skip_ws_at(bytes, self.pos);
        match bytes.get(start) {
            None | Some(b']') => {
                self.pos = bytes.len();
                return None;
            }
            Some(_) => {}
        }
        let end = skip_value(bytes, start);
        self.pos = skip_ws_at(bytes, end) + 1;
        Some(Value { raw: self.text.get(start..end)? })
    }
}

/// Offset just after the string whose opening quote is at `pos` (validated text).
pub(super) fn skip_string(bytes: &[u8], pos: usize) -> usize {
    let mut i = pos + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => return i + 1,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Offset just after the value starting at `pos` (validated text). Iterative, so any depth is fine.
pub(super) fn skip_value(bytes: &[u8], pos: usize) -> usize {
    match bytes.get(pos) {
        Some(b'"') => skip_string(bytes, pos),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = pos;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'"' => {
                        i = skip_string(bytes, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            bytes.len()
        }
        _ => {
            let mut i = pos;
            while let Some(&b) = bytes.get(i) {
                if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                i += 1;
            }
            i
        }
    }
}

/// A JSON string as it appears in the text (escapes intact), with streaming unescaping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonStr<'a> {
    raw: &'a str,
    escaped: bool,
}

impl<'a> JsonStr<'a> {
    pub(crate) fn new(content: &'a str, escaped: bool) -> Self {
        JsonStr { raw: content, escaped }
    }

    /// From a quoted string literal's text (including the quotes).
    pub(super) fn from_quoted(quoted: &'a str) -> Self {
        let content = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or("");
        JsonStr { raw: content, escaped: content.contains('\\') }
    }

    /// The content between the quotes, escapes intact.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The string itself when it contains no escapes (the common case), borrowed.
    pub fn as_plain(&self) -> Option<&'a str> {
        (!self.escaped).then_some(self.raw)
    }

    /// The string as text: borrowed when it has no escapes, else unescaped into `buf`; `None`
    /// when the unescaped text does not fit. Used to match member names against known keywords,
    /// so that `"\u0065xp"` is `exp` everywhere.
    pub fn text_in<'b>(&self, buf: &'b mut [u8]) -> Option<&'b str>
    where
        'a: 'b,
    {
        match self.as_plain() {
            Some(plain) => Some(plain),
            None => self.decode_into(buf),
        }
    }

    /// The unescaped characters.
    pub fn chars(&self) -> Chars<'a> {
        Chars { raw: self.raw.as_bytes(), text: self.raw, pos: 0 }
    }

    /// Whether the unescaped string equals `other`. (Inlined on hosted builds, where it sits in the
    /// validator's member lookup; one copy in the firmware's `compact-json` build.)
    #[cfg_attr(not(feature = "compact-json"), inline)]
    pub fn eq_str(&self, other: &str) -> bool {
        if !self.escaped {
            return self.raw == other;
        }
        self.chars().eq(other.chars())
    }

    /// Whether two JSON strings are equal after unescaping.
    pub fn eq_json(&self, other: JsonStr<'_>) -> bool {
        if !self.escaped && !other.escaped {
            return self.raw == other.raw;
        }
        self.chars().eq(other.chars())
    }

    /// Number of Unicode scalar values after unescaping.
    pub fn char_count(&self) -> usize {
        if self.escaped {
            self.chars().count()
        } else {
            self.raw.chars().count()
        }
    }

    /// Unescapes into `buf`, returning the text, or `None` when `buf` is too small.
    pub fn decode_into<'b>(&self, buf: &'b mut [u8]) -> Option<&'b str> {
        let mut len = 0;
        for c in self.chars() {
            let width = c.len_utf8();
            let dst = buf.get_mut(len..len + width)?;
            c.encode_utf8(dst);
            len += width;
        }
        core::str::from_utf8(buf.get(..len)?).ok()
    }

    /// A 32-bit fingerprint of the unescaped UTF-8 bytes (for duplicate detection). Equal names
    /// always get equal fingerprints, escaped or not; unequal ones rarely do, and an exact
    /// comparison settles every match.
    pub(super) fn fingerprint(&self) -> u32 {
        let mut hash = NameHash::default();
        if self.escaped {
            let mut utf8 = [0u8; 4];
            for c in self.chars() {
                c.encode_utf8(&mut utf8).bytes().for_each(|b| hash.push(b));
            }
        } else {
            // Whole words straight from the text; the same bytes pushed one at a time (as the
            // escaped path does) build the same words.
            let mut chunks = self.raw.as_bytes().chunks_exact(8);
            for chunk in &mut chunks {
                if let Ok(word) = <[u8; 8]>::try_from(chunk) {
                    hash.mix_word(u64::from_le_bytes(word), 8);
                }
            }
            chunks.remainder().iter().for_each(|&b| hash.push(b));
        }
        hash.finish()
    }
}

#[cfg(not(feature = "compact-json"))]
/// [`JsonStr::fingerprint`] of an unescaped name of `len` ≤ 16 bytes, given its first eight bytes as a
/// little-endian word and, when `len` > 8, the next eight: lets the reader hash a short name from
/// one or two loads (a whole word is mixed as the byte-wise path mixes eight pushed bytes).
#[inline]
pub(super) fn short_fingerprint(first: u64, second: Option<u64>, len: usize) -> u32 {
    let low_bytes = |word: u64, n: usize| {
        let bits = u32::try_from(8 * n.min(8)).unwrap_or(64);
        (word & u64::MAX.checked_shr(64 - bits).unwrap_or(0), u64::from(bits / 8))
    };
    let mut hash = NameHash::default();
    let (word, bytes) = low_bytes(first, len);
    hash.mix_word(word, bytes);
    if let Some(second) = second.filter(|_| len > 8) {
        let (word, bytes) = low_bytes(second, len - 8);
        hash.mix_word(word, bytes);
    }
    hash.finish()
}

/// A multiplicative hash over a byte sequence taken as little-endian 8-byte words (the last one
/// zero-padded) plus its length: a few instructions per word rather than per byte.
#[derive(Default)]
struct NameHash {
    hash: u64,
    word: u64,
    filled: u32,
    len: u64,
}

impl NameHash {
    fn push(&mut self, b: u8) {
        self.word |= u64::from(b) << (8 * self.filled);
        self.filled += 1;
        if self.filled == 8 {
            self.mix_word(self.word, 8);
            self.word = 0;
            self.filled = 0;
        }
    }

    fn mix_word(&mut self, word: u64, bytes: u64) {
        self.hash = (self.hash ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(31);
        self.len += bytes;
    }

    fn finish(mut self) -> u32 {
        if self.filled > 0 {
            self.mix_word(self.word, u64::from(self.filled));
        }
        let h = (self.hash ^ self.len).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        u32::try_from(h >> 32).unwrap_or(0)
    }
}

/// The unescaped characters of a [`JsonStr`].
#[derive(Clone, Debug)]
pub struct Chars<'a> {
    raw: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Iterator for Chars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let b = *self.raw.get(self.pos)?;
        if b != b'\\' {
            let c = self.text.get(self.pos..)?.chars().next()?;
            self.pos += c.len_utf8();
            return Some(c);
        }
        let kind = *self.raw.get(self.pos + 1)?;
        self.pos += 2;
        let simple = match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = hex4(self.raw, self.pos)?;
                self.pos += 4;
                let code = if (0xD800..=0xDBFF).contains(&unit) {
                    let low = hex4(self.raw, self.pos + 2)?;
                    self.pos += 6;
                    0x10000 + ((unit - 0xD800) << 10) + (low.checked_sub(0xDC00)?)
                } else {
                    unit
                };
                return char::from_u32(code);
            }
            _ => return None,
        };
        Some(simple)
    }
}
