//! The one strict, bounded JSON reader the core shares.
//!
//! It decides whether bytes are exactly one RFC 8259 JSON text — valid UTF-8, no BOM, comments,
//! trailing commas, NaN/Infinity, raw control characters, lone surrogate escapes or trailing garbage,
//! and no object with two members of the same name (compared after unescaping). It guarantees bounded
//! work and memory: nesting is tracked in a fixed bit stack (never recursion on input depth), depth is
//! capped, and duplicate detection uses a fixed fingerprint table with an exact fallback. It never
//! allocates and never copies the input; values are borrowed views into it.

mod reader;
mod value;

/// The reader's scanning primitives, for the validator's fast path (same grammar, same verdicts).
#[cfg(not(feature = "compact-json"))]
pub(crate) use reader::{scan_literal, scan_number, scan_string, skip_ws_at};
pub use reader::{Event, Reader};
pub use value::{Items, JsonStr, Kind, Members, Value};

/// The deepest nesting any reader accepts; callers may choose less.
pub const MAX_DEPTH: usize = 64;

/// Why a JSON text was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonError {
    /// Not valid JSON (or not valid UTF-8).
    Syntax,
    /// Nesting deeper than the allowed depth.
    TooDeep,
    /// An object holds two members with the same (unescaped) name.
    DuplicateName,
}

impl JsonError {
    /// Stable snake_case code.
    pub const fn code(self) -> &'static str {
        match self {
            JsonError::Syntax => "syntax",
            JsonError::TooDeep => "too_deep",
            JsonError::DuplicateName => "duplicate_key",
        }
    }
}

/// Checks that `input` is exactly one strict JSON text nested at most `max_depth` levels
/// (capped at [`MAX_DEPTH`]), and returns it as a [`Value`] view.
///
/// # Errors
/// [`JsonError`] naming the first rule broken.
pub fn parse(input: &[u8], max_depth: usize) -> Result<Value<'_>, JsonError> {
    let text = core::str::from_utf8(input).map_err(|_| JsonError::Syntax)?;
    let start = reader::skip_ws_at(text.as_bytes(), 0);
    if text.as_bytes().get(start) == Some(&b'{') {
        return document_object(text, start, max_depth, |_, _| {});
    }
    let mut reader = Reader::new(text, max_depth);
    while reader.next_event()?.is_some() {}
    Ok(Value::from_validated(text.trim_matches(value::is_ws)))
}

/// Like [`parse`], for a document that should be an object: one validating pass that also hands
/// each top-level member to `on_member` (name, validated value) in document order. Returns
/// `Ok(None)` when the document is valid JSON but not an object.
///
/// # Errors
/// [`JsonError`] naming the first rule broken.
pub fn parse_object<'a>(
    input: &'a [u8],
    max_depth: usize,
    mut on_member: impl FnMut(JsonStr<'a>, Value<'a>),
) -> Result<Option<Value<'a>>, JsonError> {
    let text = core::str::from_utf8(input).map_err(|_| JsonError::Syntax)?;
    let start = reader::skip_ws_at(text.as_bytes(), 0);
    if text.as_bytes().get(start) != Some(&b'{') {
        let mut reader = Reader::new(text, max_depth);
        while reader.next_event()?.is_some() {}
        return Ok(None);
    }
    document_object(text, start, max_depth, |name, raw| on_member(name, Value::from_validated(raw))).map(Some)
}

/// Checks a document whose first non-whitespace byte, at `start`, is `{`: the object, then nothing
/// but whitespace. The member loop reads names and scalars straight from the bytes (eight at a
/// time) and hands only nested containers to a [`Reader`].
#[cfg(not(feature = "compact-json"))]
fn document_object<'a>(
    text: &'a str,
    start: usize,
    max_depth: usize,
    on_member: impl FnMut(JsonStr<'a>, &'a str),
) -> Result<Value<'a>, JsonError> {
    let end = reader::object_members(text, start, max_depth.min(MAX_DEPTH), on_member)?;
    if reader::skip_ws_at(text.as_bytes(), end) != text.len() {
        return Err(JsonError::Syntax);
    }
    text.get(start..end).map(Value::from_validated).ok_or(JsonError::Syntax)
}

/// As above, with the general [`Reader`] alone (feature `compact-json`): the same verdicts, about
/// 2 KiB less flash, slower on long claims sets.
#[cfg(feature = "compact-json")]
fn document_object<'a>(
    text: &'a str,
    start: usize,
    max_depth: usize,
    mut on_member: impl FnMut(JsonStr<'a>, &'a str),
) -> Result<Value<'a>, JsonError> {
    let mut reader = Reader::new(text, max_depth);
    // The `{` at `start`; inside the one object, every event is then a member name or its closing
    // brace.
    reader.next_event()?;
    while let Some(Event::Name(name)) = reader.next_event()? {
        on_member(name, reader.skip()?);
    }
    let end = reader.offset();
    if reader.next_event()?.is_some() {
        return Err(JsonError::Syntax);
    }
    text.get(start..end).map(Value::from_validated).ok_or(JsonError::Syntax)
}

#[cfg(test)]
mod tests;
