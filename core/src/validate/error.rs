//! Validation errors: a stable code, where (a JSON Pointer), and which schema limit failed.
//!
//! Decides how a rejection is reported to a client. Guarantees that an error never carries the
//! offending value — only the path (member names and indexes, which the client itself sent as
//! structure), the code and the limit from the schema — and that the path fits a fixed buffer (a longer
//! one is cut and marked). Never allocates.

use super::number::Num;
use crate::json::JsonStr;

/// What was wrong, as a stable snake_case code ([`Code::as_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// Not one strict JSON text (or not UTF-8).
    Syntax,
    /// The body is larger than `Limits::max_body_bytes`.
    TooLarge,
    /// Nesting deeper than `Limits::max_depth`.
    TooDeep,
    /// A string longer than `Limits::max_string_bytes`.
    StringTooLarge,
    /// A number longer than `Limits::max_number_len`.
    NumberTooLarge,
    /// An array with more items than `Limits::max_array_items`.
    ArrayTooLarge,
    /// An object with more members than `Limits::max_object_members`.
    ObjectTooLarge,
    /// An object holds the same member name twice (after unescaping).
    DuplicateKey,
    /// The value has the wrong JSON type.
    Type,
    /// A required member is missing (the path names it).
    Required,
    /// A member the schema does not declare.
    UnknownField,
    /// Fewer characters than `minLength`.
    TooShort,
    /// More characters than `maxLength`.
    TooLong,
    /// Below `minimum` / at or below `exclusiveMinimum`.
    Minimum,
    /// Above `maximum` / at or above `exclusiveMaximum`.
    Maximum,
    /// Not a multiple of `multipleOf`.
    MultipleOf,
    /// Does not match `pattern`.
    Pattern,
    /// Not a valid `format` value.
    Format,
    /// Not one of the `enum`/`const` values.
    Enum,
    /// Fewer items than `minItems`.
    TooFewItems,
    /// More items than `maxItems`.
    TooManyItems,
    /// Two equal items under `uniqueItems` (or more than the unique-check table holds).
    NotUnique,
    /// Fewer members than `minProperties`.
    TooFewProperties,
    /// More members than `maxProperties`.
    TooManyProperties,
    /// The schema allows no value here (`false`).
    NotAllowed,
    /// A `pattern` in the schema could not be compiled (a schema bug, reported on use).
    BadPattern,
    /// The caller's output buffer is too small (projection).
    BufferTooSmall,
}

impl Code {
    /// The stable snake_case code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::TooLarge => "too_large",
            Code::TooDeep => "too_deep",
            Code::StringTooLarge => "string_too_large",
            Code::NumberTooLarge => "number_too_large",
            Code::ArrayTooLarge => "array_too_large",
            Code::ObjectTooLarge => "object_too_large",
            Code::DuplicateKey => "duplicate_key",
            Code::Type => "type",
            Code::Required => "required",
            Code::UnknownField => "unknown_field",
            Code::TooShort => "too_short",
            Code::TooLong => "too_long",
            Code::Minimum => "minimum",
            Code::Maximum => "maximum",
            Code::MultipleOf => "multiple_of",
            Code::Pattern => "pattern",
            Code::Format => "format",
            Code::Enum => "enum",
            Code::TooFewItems => "too_few_items",
            Code::TooManyItems => "too_many_items",
            Code::NotUnique => "not_unique",
            Code::TooFewProperties => "too_few_properties",
            Code::TooManyProperties => "too_many_properties",
            Code::NotAllowed => "not_allowed",
            Code::BadPattern => "bad_pattern",
            Code::BufferTooSmall => "buffer_too_small",
        }
    }

    /// A short English sentence for humans; never includes the value.
    pub const fn message(self) -> &'static str {
        match self {
            Code::Syntax => "the body is not valid JSON",
            Code::TooLarge => "the body is too large",
            Code::TooDeep => "the body is nested too deeply",
            Code::StringTooLarge => "a string is too large",
            Code::NumberTooLarge => "a number has too many digits",
            Code::ArrayTooLarge => "an array has too many items",
            Code::ObjectTooLarge => "an object has too many members",
            Code::DuplicateKey => "a member name appears twice",
            Code::Type => "the value has the wrong type",
            Code::Required => "a required field is missing",
            Code::UnknownField => "this field is not allowed",
            Code::TooShort => "the string is too short",
            Code::TooLong => "the string is too long",
            Code::Minimum => "the number is too small",
            Code::Maximum => "the number is too large",
            Code::MultipleOf => "the number is not a multiple of the required step",
            Code::Pattern => "the string does not match the required pattern",
            Code::Format => "the string is not in the required format",
            Code::Enum => "the value is not one of the allowed values",
            Code::TooFewItems => "the array has too few items",
            Code::TooManyItems => "the array has too many items",
            Code::NotUnique => "the array items are not unique",
            Code::TooFewProperties => "the object has too few members",
            Code::TooManyProperties => "the object has too many members",
            Code::NotAllowed => "no value is allowed here",
            Code::BadPattern => "the schema's pattern cannot be used",
            Code::BufferTooSmall => "the output buffer is too small",
        }
    }
}

/// Bytes a [`Pointer`] holds; a longer path is cut at a segment boundary and marked truncated.
pub const POINTER_CAPACITY: usize = 192;

/// A JSON Pointer (RFC 6901) into the request body: `""` is the whole body, `/items/3/qty` a member.
#[derive(Clone, Copy)]
pub struct Pointer {
    buf: [u8; POINTER_CAPACITY],
    len: usize,
    truncated: bool,
}

impl core::fmt::Debug for Pointer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}", self.as_str())?;
        if self.truncated {
            f.write_str(" (truncated)")?;
        }
        Ok(())
    }
}

/// Pointers are equal when their text and truncation are (bytes past the end, left by a segment
/// that did not fit, do not count).
impl PartialEq for Pointer {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str() && self.truncated == other.truncated
    }
}

impl Eq for Pointer {}

impl Default for Pointer {
    fn default() -> Self {
        Pointer::ROOT
    }
}

impl Pointer {
    /// The empty pointer: the whole document.
    pub const ROOT: Pointer = Pointer { buf: [0; POINTER_CAPACITY], len: 0, truncated: false };

    /// Makes this the root pointer again (the bytes past the end are left: they do not count).
    pub(crate) fn clear(&mut self) {
        self.len = 0;
        self.truncated = false;
    }

    /// The pointer text (`~` and `/` in names escaped as `~0` and `~1`).
    pub fn as_str(&self) -> &str {
        self.buf.get(..self.len).and_then(|b| core::str::from_utf8(b).ok()).unwrap_or("")
    }

    /// Whether segments were dropped because the path did not fit.
    pub const fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Appends a member-name segment given as characters.
    pub(crate) fn push_name(&mut self, name: impl Iterator<Item = char>) {
        if self.truncated {
            return;
        }
        let mark = self.len;
        let mut ok = self.push_char('/');
        for c in name {
            ok = ok
                && match c {
                    '~' => self.push_char('~') && self.push_char('0'),
                    '/' => self.push_char('~') && self.push_char('1'),
                    other => self.push_char(other),
                };
            if !ok {
                break;
            }
        }
        if !ok {
            self.len = mark;
            self.truncated = true;
        }
    }

    /// Appends a member-name segment given as text: [`Pointer::push_name`] of its characters (the
    /// firmware's `compact-json` build keeps that one loop).
    #[cfg(feature = "compact-json")]
    pub(crate) fn push_text(&mut self, name: &str) {
        self.push_name(name.chars());
    }

    /// Appends a member-name segment given as text: the same as [`Pointer::push_name`] of its
    /// characters, copied a run of bytes at a time (error paths are built on the fast path too).
    #[cfg(not(feature = "compact-json"))]
    pub(crate) fn push_text(&mut self, name: &str) {
        if self.truncated {
            return;
        }
        let mark = self.len;
        let mut ok = self.push_char('/');
        let mut rest = name;
        while ok {
            // A byte search: both characters are ASCII, so `at` is a character boundary.
            let Some(at) = rest.bytes().position(|b| b == b'~' || b == b'/') else {
                ok = self.push_str(rest);
                break;
            };
            let escape = if rest.get(at..=at) == Some("~") { "~0" } else { "~1" };
            ok = self.push_str(rest.get(..at).unwrap_or_default()) && self.push_str(escape);
            rest = rest.get(at + 1..).unwrap_or_default();
        }
        if !ok {
            self.len = mark;
            self.truncated = true;
        }
    }

    /// Appends a member name as sent in JSON (unescaped).
    pub(crate) fn push_member(&mut self, name: JsonStr<'_>) {
        match name.as_plain() {
            Some(plain) => self.push_text(plain),
            None => self.push_name(name.chars()),
        }
    }

    #[cfg(not(feature = "compact-json"))]
    fn push_str(&mut self, s: &str) -> bool {
        match self.buf.get_mut(self.len..self.len + s.len()) {
            Some(dst) => {
                dst.copy_from_slice(s.as_bytes());
                self.len += s.len();
                true
            }
            None => false,
        }
    }

    /// Appends an array-index segment.
    pub(crate) fn push_index(&mut self, index: u32) {
        if self.truncated {
            return;
        }
        let mark = self.len;
        let mut digits = [0u8; 10];
        let mut at = digits.len();
        let mut value = index;
        loop {
            at -= 1;
            if let Some(slot) = digits.get_mut(at) {
                *slot = b'0' + u8::try_from(value % 10).unwrap_or(0);
            }
            value /= 10;
            if value == 0 || at == 0 {
                break;
            }
        }
        let mut ok = self.push_char('/');
        for &d in digits.get(at..).unwrap_or(&[]) {
            ok = ok && self.push_char(char::from(d));
        }
        if !ok {
            self.len = mark;
            self.truncated = true;
        }
    }

    fn push_char(&mut self, c: char) -> bool {
        let width = c.len_utf8();
        match self.buf.get_mut(self.len..self.len + width) {
            Some(dst) => {
                c.encode_utf8(dst);
                self.len += width;
                true
            }
            None => false,
        }
    }
}

/// One rejection: code, path, and the schema (or [`Limits`](super::Limits)) value that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    /// What was wrong.
    pub code: Code,
    /// Where.
    pub path: Pointer,
    /// The limit that failed, when there is one: the bound, the length, the count or the
    /// `multipleOf` divisor (never a value from the body).
    pub limit: Option<Num>,
}

impl Error {
    /// The stable snake_case code.
    pub const fn code(&self) -> &'static str {
        self.code.as_str()
    }

    /// A short English sentence (no value from the body).
    pub const fn message(&self) -> &'static str {
        self.code.message()
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} at {:?}: {}", self.code.as_str(), self.path.as_str(), self.code.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_and_truncates() {
        let mut p = Pointer::ROOT;
        p.push_name("a/b~c".chars());
        p.push_index(42);
        assert_eq!(p.as_str(), "/a~1b~0c/42");
        assert!(!p.is_truncated());
        let mut long = Pointer::ROOT;
        long.push_name("x".chars());
        long.push_name(core::iter::repeat_n('y', 500));
        assert_eq!(long.as_str(), "/x");
        assert!(long.is_truncated());
        long.push_index(1);
        assert_eq!(long.as_str(), "/x");
        // Text segments are the same as character segments, escapes and truncation included.
        let names = ["", "a", "a/b~c", "~~//", "caf\u{e9}/\u{1f600}", "plain_name"];
        for fill in [0usize, 150, 180, 185, 188, 189, 190, 191] {
            for name in names {
                let (mut by_chars, mut by_text) = (Pointer::ROOT, Pointer::ROOT);
                by_chars.push_name(core::iter::repeat_n('f', fill));
                by_text.push_name(core::iter::repeat_n('f', fill));
                by_chars.push_name(name.chars());
                by_text.push_text(name);
                assert_eq!(by_chars, by_text, "{fill} {name}");
            }
        }
        let mut idx = Pointer::ROOT;
        idx.push_index(0);
        idx.push_index(u32::MAX);
        assert_eq!(idx.as_str(), "/0/4294967295");
    }
}
