//! Request-body validation: is this body acceptable?
//!
//! Decides, in one streaming pass over the raw bytes, whether a JSON body satisfies a [`Schema`] (a
//! JSON Schema subset: types, ranges, lengths, formats, linear-time patterns, `enum`, required and
//! unknown members, array bounds) within [`Limits`] on size and shape. Guarantees bounded work and fixed
//! memory for any input — limits are checked as the reader reaches what they limit, nesting is tracked
//! without recursion, patterns run without backtracking — and errors that carry a JSON Pointer, a
//! stable code and the schema limit, never the offending value. Never allocates, never builds the
//! value (the caller does that after a pass, from bytes now known to be acceptable).
//!
//! # Example
//!
//! The `CreateUserRequest` of the project's workloads, as `const` data:
//!
//! ```
//! use apiward::validate::{self, Format, Limits, Node, Num, NumberRules, ObjectRules, PatternRef, Property, Schema, StringRules};
//!
//! const NODES: &[Node<'static>] = &[
//!     Node::Object(ObjectRules::new(&[
//!         Property::required("email", 1),
//!         Property::required("username", 2),
//!         Property::required("age", 3),
//!     ])),
//!     Node::String(StringRules::ANY.format(Format::Email)),
//!     Node::String(StringRules::ANY.min_length(3).max_length(32).pattern(PatternRef::Source("^[a-zA-Z0-9_]+$"))),
//!     Node::Integer(NumberRules::ANY.minimum(Num::int(13)).maximum(Num::int(120))),
//! ];
//! const USER: Schema<'static> = match Schema::new(NODES, 0) {
//!     Ok(schema) => schema,
//!     Err(_) => panic!("bad schema"),
//! };
//!
//! let ok = br#"{"email":"ada@example.com","username":"ada_lovelace","age":36}"#;
//! assert!(validate::validate(&USER, ok, &Limits::DEFAULT).is_ok());
//!
//! let bad = br#"{"email":"ada@example.com","username":"ada_lovelace","age":9999,"is_admin":true}"#;
//! let error = validate::validate(&USER, bad, &Limits::DEFAULT).unwrap_err();
//! assert_eq!((error.code(), error.path.as_str()), ("maximum", "/age"));
//!
//! let mut errors = [validate::Error::default(); 8];
//! let found = validate::validate_all(&USER, bad, &Limits::DEFAULT, &mut errors).unwrap_err();
//! let seen: Vec<_> = errors[..found].iter().map(|e| (e.code(), e.path.as_str())).collect();
//! assert_eq!(seen, [("maximum", "/age"), ("unknown_field", "/is_admin")]);
//! ```

mod compile;
mod engine;
mod error;
#[cfg(not(feature = "compact-json"))]
mod fast;
pub mod format;
mod limits;
mod number;
pub mod pattern;
mod project;
mod schema;

pub use compile::{compile, Capacity, CompileCode, CompileError, Storage, MAX_SCHEMA_DEPTH};
pub use error::{Code, Error, Pointer, POINTER_CAPACITY};
pub use format::Format;
pub use limits::Limits;
pub use number::Num;
pub use pattern::{ClassRun, PatternError, Program};
pub use project::project;
pub use schema::{
    Additional, ArrayRules, Bound, Literal, Node, NodeId, NumberRules, ObjectRules, PatternRef, Property, Schema,
    SchemaError, StringRules, MAX_PROPERTIES, MAX_UNIQUE_ITEMS,
};

use engine::{Engine, Frames, PatternCache, Sink, UniqueTable};

impl Default for Error {
    /// A placeholder (`syntax` at the root) for filling error buffers.
    fn default() -> Self {
        Error { code: Code::Syntax, path: Pointer::ROOT, limit: None }
    }
}

/// Validates `body` against `schema` within `limits`, stopping at the first error.
///
/// # Errors
/// The first [`Error`] in document order (structural errors such as `syntax` or `too_deep` end the
/// pass where they occur).
#[allow(clippy::result_large_err)] // the path is inline (no heap); rejections are the cold path
pub fn validate(schema: &Schema<'_>, body: &[u8], limits: &Limits) -> Result<(), Error> {
    let mut first = None;
    if run_fast(schema, body, limits, Sink::First(&mut first)).is_none() {
        return validate_without_fast_path(schema, body, limits);
    }
    match first {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// The fast path (a pass directed by the schema, see `validate/fast.rs`) into `sink`: `None` when it
/// leaves the body to the streaming engine (always, with the feature `compact-json`, which leaves it
/// out).
#[inline]
fn run_fast(schema: &Schema<'_>, body: &[u8], limits: &Limits, sink: Sink<'_>) -> Option<(usize, bool)> {
    #[cfg(not(feature = "compact-json"))]
    return fast::run(schema, body, limits, sink);
    #[cfg(feature = "compact-json")]
    {
        let _ = (schema, body, limits, sink);
        None
    }
}

/// Whether the fast path decides `body` (rather than leaving it to the streaming engine). Public
/// for the differential tests, not for use.
#[doc(hidden)]
pub fn fast_path_decides(schema: &Schema<'_>, body: &[u8], limits: &Limits) -> bool {
    let mut first = None;
    run_fast(schema, body, limits, Sink::First(&mut first)).is_some()
}

/// [`validate`] by the streaming engine alone, which decides every body the fast path leaves to it.
/// Public for the differential tests and the fuzz target, not for use.
///
/// # Errors
/// As [`validate`].
#[doc(hidden)]
#[allow(clippy::result_large_err)]
pub fn validate_without_fast_path(schema: &Schema<'_>, body: &[u8], limits: &Limits) -> Result<(), Error> {
    let mut first = None;
    run(schema, body, limits, Sink::First(&mut first));
    match first {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// [`validate_all`] by the streaming engine alone. Public for the differential tests and the fuzz
/// target, not for use.
///
/// # Errors
/// As [`validate_all`].
#[doc(hidden)]
pub fn validate_all_without_fast_path(
    schema: &Schema<'_>,
    body: &[u8],
    limits: &Limits,
    errors: &mut [Error],
) -> Result<(), usize> {
    match run(schema, body, limits, Sink::All { out: errors, stored: 0, any: false }) {
        (stored, true) => Err(stored),
        (_, false) => Ok(()),
    }
}

// Stack: each optional table (the pattern program of a source pattern, the `uniqueItems` table) is
// reserved in its own non-inlined frame, only for a schema that needs it; so the common schema
// validates in a few KiB of stack, which matters on microcontrollers.

/// One validation pass into `sink`; returns, for [`Sink::All`], how many errors were stored and
/// whether there was any (for [`Sink::First`], the error is in its slot).
fn run(schema: &Schema<'_>, body: &[u8], limits: &Limits, sink: Sink<'_>) -> (usize, bool) {
    if schema.uses_source_patterns() {
        run_with_cache(schema, body, limits, sink)
    } else {
        run_frames(schema, body, limits, sink, None)
    }
}

#[inline(never)]
fn run_with_cache(schema: &Schema<'_>, body: &[u8], limits: &Limits, sink: Sink<'_>) -> (usize, bool) {
    let mut cache = PatternCache::EMPTY;
    run_frames(schema, body, limits, sink, Some(&mut cache))
}

#[inline(never)]
fn run_frames(
    schema: &Schema<'_>,
    body: &[u8],
    limits: &Limits,
    sink: Sink<'_>,
    cache: Option<&mut PatternCache>,
) -> (usize, bool) {
    let mut frames = Frames::new();
    if schema.uses_unique_items() {
        run_with_unique_table(schema, body, limits, sink, cache, &mut frames)
    } else {
        run_engine(schema, body, limits, sink, cache, &mut frames, None)
    }
}

#[inline(never)]
fn run_with_unique_table<'s, 'a>(
    schema: &'s Schema<'s>,
    body: &'a [u8],
    limits: &Limits,
    sink: Sink<'_>,
    cache: Option<&mut PatternCache>,
    frames: &mut Frames<'s, 'a>,
) -> (usize, bool) {
    let mut table = UniqueTable::new();
    run_engine(schema, body, limits, sink, cache, frames, Some(&mut table))
}

#[inline(never)]
fn run_engine<'s, 'a>(
    schema: &'s Schema<'s>,
    body: &'a [u8],
    limits: &Limits,
    sink: Sink<'_>,
    cache: Option<&mut PatternCache>,
    frames: &mut Frames<'s, 'a>,
    unique: Option<&mut UniqueTable<'a>>,
) -> (usize, bool) {
    let mut engine = Engine::new(schema, *limits, sink, cache, frames, unique);
    engine.run(body);
    match engine.into_sink() {
        Sink::All { stored, any, .. } => (stored, any),
        Sink::First(_) => (0, false),
    }
}

/// Validates `body`, collecting up to `errors.len()` errors in document order (the pass stops when the
/// buffer is full, or at a structural error).
///
/// # Errors
/// The number of errors written to `errors` (at least 1 unless `errors` is empty) when the body is
/// not acceptable; entries past that number are unspecified.
pub fn validate_all(schema: &Schema<'_>, body: &[u8], limits: &Limits, errors: &mut [Error]) -> Result<(), usize> {
    match run_fast(schema, body, limits, Sink::All { out: errors, stored: 0, any: false }) {
        Some((stored, true)) => Err(stored),
        Some((_, false)) => Ok(()),
        // A fresh sink: the fast path may have stored errors before it gave up.
        None => validate_all_without_fast_path(schema, body, limits, errors),
    }
}
