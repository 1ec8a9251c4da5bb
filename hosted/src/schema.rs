//! Compiled schemas that live as long as the binding objects holding them, and their limits.
//!
//! Decides where a compiled schema lives: the core compiles a JSON Schema document into caller
//! storage that the schema then borrows, and safe Rust cannot later free storage that a value of the
//! same lifetime borrows — so compiled schemas are interned for the life of the process, keyed by
//! their exact document text (compiling the same schema twice reuses the first; only distinct
//! schemas cost memory, the way a service defines its models once at startup). Guarantees that the
//! verdicts are the core's and that a rejection lists up to [`MAX_ERRORS`] errors in document order.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use apiward::json::{self, Value};
use apiward::validate::{self, Capacity, CompileError, Limits, Literal, Node, Program, Property, Storage};

use crate::ConfigError;

/// Most errors one rejection reports.
pub const MAX_ERRORS: usize = 32;

/// A compiled schema and the member names its `properties` declare (bindings intern these as
/// host-language strings for building accepted bodies).
#[derive(Debug)]
pub struct Compiled {
    /// The core schema.
    pub schema: validate::Schema<'static>,
    /// Every member name declared under a `properties` keyword, without escapes, deduplicated.
    pub property_names: Vec<&'static str>,
}

/// Compiles `document` (JSON Schema text) once per distinct text for the life of the process.
///
/// # Errors
/// The core's [`CompileError`] (unsupported keyword, bad pattern, …) with its path in the document.
#[allow(clippy::result_large_err)] // the core's error is inline (no heap); compile errors are the cold path
pub fn intern(document: &[u8]) -> Result<&'static Compiled, CompileError> {
    static INTERNED: OnceLock<Mutex<HashMap<Vec<u8>, &'static Compiled>>> = OnceLock::new();
    let interned = INTERNED.get_or_init(Mutex::default);
    if let Some(compiled) = interned.lock().unwrap_or_else(PoisonError::into_inner).get(document) {
        return Ok(compiled);
    }
    let cap = Capacity::for_document(document);
    // Leaked on purpose, once per distinct schema: see the module docs.
    let storage = Storage {
        nodes: vec![Node::Never; cap.nodes].leak(),
        properties: vec![Property::optional("", 0); cap.properties].leak(),
        ids: vec![0; cap.ids].leak(),
        literals: vec![Literal::Null; cap.literals].leak(),
        text: vec![0; cap.text].leak(),
        programs: vec![Program::EMPTY; cap.programs].leak(),
    };
    let text: &'static [u8] = document.to_vec().leak();
    let schema = validate::compile(text, storage)?;
    let compiled: &'static Compiled = Box::leak(Box::new(Compiled { schema, property_names: property_names(text) }));
    interned.lock().unwrap_or_else(PoisonError::into_inner).insert(document.to_vec(), compiled);
    Ok(compiled)
}

/// Every plain member name declared under `properties` anywhere in a (compiled, so valid) document.
fn property_names(document: &'static [u8]) -> Vec<&'static str> {
    fn walk(value: Value<'static>, out: &mut Vec<&'static str>, depth: usize) {
        if depth == 0 {
            return;
        }
        if let Some(members) = value.members() {
            for (name, child) in members {
                if name.eq_str("properties") {
                    out.extend(child.members().into_iter().flatten().filter_map(|(n, _)| n.as_plain()));
                }
                walk(child, out, depth - 1);
            }
        } else if let Some(items) = value.items() {
            items.for_each(|item| walk(item, out, depth - 1));
        }
    }
    let mut names = Vec::new();
    if let Ok(root) = json::parse(document, json::MAX_DEPTH) {
        walk(root, &mut names, json::MAX_DEPTH);
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// Per-binding overrides of the core's default [`Limits`].
#[derive(Clone, Copy, Debug, Default)]
pub struct LimitOptions {
    /// Largest body in bytes.
    pub max_bytes: Option<usize>,
    /// Deepest nesting (1..=64).
    pub max_depth: Option<usize>,
    /// Longest string in bytes.
    pub max_string_bytes: Option<usize>,
    /// Longest number literal.
    pub max_number_len: Option<usize>,
    /// Most items in one array.
    pub max_array_items: Option<u32>,
    /// Most members in one object.
    pub max_object_members: Option<u32>,
}

impl LimitOptions {
    /// The core's defaults with these overrides.
    ///
    /// # Errors
    /// `invalid_limits` for a depth outside 1..=64.
    pub fn limits(self) -> Result<Limits, ConfigError> {
        let mut limits = Limits::DEFAULT;
        if let Some(v) = self.max_bytes {
            limits = limits.max_body_bytes(v);
        }
        if let Some(v) = self.max_depth {
            if v == 0 || v > json::MAX_DEPTH {
                return Err(ConfigError::new("invalid_limits", "max depth must be between 1 and 64"));
            }
            limits = limits.max_depth(v);
        }
        if let Some(v) = self.max_string_bytes {
            limits = limits.max_string_bytes(v);
        }
        if let Some(v) = self.max_number_len {
            limits = limits.max_number_len(v);
        }
        if let Some(v) = self.max_array_items {
            limits = limits.max_array_items(v);
        }
        if let Some(v) = self.max_object_members {
            limits = limits.max_object_members(v);
        }
        Ok(limits)
    }
}

/// Validates `body`: `Ok` when acceptable, else up to [`MAX_ERRORS`] errors in document order (at
/// least one). The first-error pass is cheap; the full list is gathered only for a rejection.
///
/// # Errors
/// The errors, as described.
pub fn check(schema: &validate::Schema<'_>, body: &[u8], limits: &Limits) -> Result<(), Vec<validate::Error>> {
    if validate::validate(schema, body, limits).is_ok() {
        return Ok(());
    }
    let mut errors = [validate::Error::default(); MAX_ERRORS];
    let found = validate::validate_all(schema, body, limits, &mut errors).err().unwrap_or(0);
    Err(errors[..found.clamp(1, MAX_ERRORS)].to_vec())
}

/// The parts of `document` the schema declares, as compact JSON.
///
/// # Errors
/// The core's projection error (`syntax`, `type`, `not_allowed`, …).
#[allow(clippy::result_large_err)] // the core's error is inline (no heap); rejections are the cold path
pub fn project(schema: &validate::Schema<'_>, document: &[u8], max_depth: usize) -> Result<Vec<u8>, validate::Error> {
    // The output only drops members and whitespace, so the input's size always suffices.
    let mut out = vec![0u8; document.len() + 16];
    let len = validate::project(schema, document, max_depth, &mut out)?;
    out.truncate(len);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_checks_and_projects() {
        let doc = br#"{"type":"object","properties":{"b":{"type":"integer","maximum":3},"a":{"type":"object","properties":{"b":{}}}}}"#;
        let first = intern(doc).unwrap();
        assert!(std::ptr::eq(first, intern(doc).unwrap()));
        assert_eq!(first.property_names, ["a", "b"]);
        let limits = LimitOptions { max_depth: Some(4), ..LimitOptions::default() }.limits().unwrap();
        assert_eq!(check(&first.schema, br#"{"b":1}"#, &limits), Ok(()));
        let errors = check(&first.schema, br#"{"b":9,"c":1}"#, &limits).unwrap_err();
        assert_eq!(
            errors.iter().map(|e| (e.code(), e.path.as_str())).collect::<Vec<_>>(),
            [("maximum", "/b"), ("unknown_field", "/c")]
        );
        assert_eq!(project(&first.schema, br#"{"b":1, "x":2}"#, 8).unwrap(), br#"{"b":1}"#);
        assert!(intern(br#"{"oneOf":[]}"#).is_err());
        assert!(LimitOptions { max_depth: Some(65), ..LimitOptions::default() }.limits().is_err());
    }
}
