//! `NativeSchema`: the core's validation decision over request bodies, and projection of responses.
//!
//! Decides only where a compiled schema lives: the core compiles a JSON Schema document into caller
//! storage that the schema then borrows, and safe Rust cannot later free storage that a value of the
//! same lifetime borrows — so compiled schemas are interned for the life of the process, keyed by
//! their exact document text (compiling the same schema twice reuses the first; only distinct schemas
//! cost memory, the way a service defines its models once at start-up). Guarantees that unsupported
//! keywords throw a `ConfigError` at construction and that a rejected body is reported as up to
//! [`MAX_ERRORS`] errors with JSON-Pointer paths and codes, never the value.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock, PoisonError};

use apiward::validate::{self, Capacity, Limits, Literal, Node, Program, Property, Storage};
use napi_derive::napi;

use crate::{config_error, verdict, Result};

/// Most errors one `ValidationError` reports.
const MAX_ERRORS: usize = 32;

type Compiled = validate::Schema<'static>;

fn compiled(document: Vec<u8>) -> Result<&'static Compiled> {
    static INTERNED: OnceLock<Mutex<HashMap<Vec<u8>, &'static Compiled>>> = OnceLock::new();
    let interned = INTERNED.get_or_init(Mutex::default);
    if let Some(schema) = interned.lock().unwrap_or_else(PoisonError::into_inner).get(&document) {
        return Ok(schema);
    }
    let cap = Capacity::for_document(&document);
    let key = document.clone();
    // Leaked on purpose, once per distinct schema: see the module docs.
    let storage = Storage {
        nodes: vec![Node::Never; cap.nodes].leak(),
        properties: vec![Property::optional("", 0); cap.properties].leak(),
        ids: vec![0; cap.ids].leak(),
        literals: vec![Literal::Null; cap.literals].leak(),
        text: vec![0; cap.text].leak(),
        programs: vec![Program::EMPTY; cap.programs].leak(),
    };
    let document: &'static [u8] = document.leak();
    let schema = validate::compile(document, storage).map_err(|e| {
        let message = format!("unsupported or invalid JSON Schema at {:?} ({})", e.path.as_str(), e.code());
        config_error(e.code(), &message)
    })?;
    let schema: &'static Compiled = Box::leak(Box::new(schema));
    interned.lock().unwrap_or_else(PoisonError::into_inner).insert(key, schema);
    Ok(schema)
}

/// `text` as a JSON string literal.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The errors as the JSON array `[{"path","code","message"}, ...]`.
fn errors_json(errors: &[validate::Error]) -> String {
    let mut out = String::from("[");
    for (i, error) in errors.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"path\":");
        json_string(&mut out, error.path.as_str());
        out.push_str(",\"code\":");
        json_string(&mut out, error.code());
        out.push_str(",\"message\":");
        json_string(&mut out, error.message());
        out.push('}');
    }
    out.push(']');
    out
}

/// The limits of `new Schema(document, limits)`; each defaults to the core's safe default.
#[napi(object)]
pub struct SchemaLimits {
    /// Largest body, in bytes (default 1 MiB).
    pub max_bytes: Option<u32>,
    /// Deepest nesting (1 to 64; default 32).
    pub max_depth: Option<u32>,
    /// Longest string, in bytes (default 64 KiB).
    pub max_string_bytes: Option<u32>,
    /// Longest number literal (default 64).
    pub max_number_len: Option<u32>,
    /// Most items in one array (default 10 000).
    pub max_array_items: Option<u32>,
    /// Most members in one object (default 1 000).
    pub max_object_members: Option<u32>,
}

fn size(value: u32) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// A compiled request-body schema (a JSON Schema subset) with its size and shape limits.
#[napi]
pub struct NativeSchema {
    schema: &'static Compiled,
    limits: Limits,
}

impl NativeSchema {
    fn check_bytes(&self, body: &[u8]) -> Option<String> {
        if validate::validate(self.schema, body, &self.limits).is_ok() {
            return None;
        }
        let mut errors = [validate::Error::default(); MAX_ERRORS];
        let found = validate::validate_all(self.schema, body, &self.limits, &mut errors).err().unwrap_or(0);
        Some(errors_json(&errors[..found.clamp(1, MAX_ERRORS)]))
    }

    fn project_bytes(&self, input: &[u8]) -> String {
        let mut out = vec![0u8; input.len() + 16];
        match validate::project(self.schema, input, self.limits.depth(), &mut out) {
            Ok(len) => {
                out.truncate(len);
                String::from_utf8(out).unwrap_or_else(|_| verdict("syntax", "projection produced invalid UTF-8"))
            }
            Err(e) => verdict(e.code(), e.message()),
        }
    }
}

#[napi]
impl NativeSchema {
    /// Compiles `document` (JSON Schema text) with the given limits.
    #[napi(constructor)]
    pub fn new(document: String, limits: SchemaLimits) -> Result<Self> {
        let schema = compiled(document.into_bytes())?;
        let mut out = Limits::DEFAULT;
        if let Some(v) = limits.max_bytes {
            out = out.max_body_bytes(size(v));
        }
        if let Some(v) = limits.max_depth {
            let v = size(v);
            if v == 0 || v > apiward::json::MAX_DEPTH {
                return Err(config_error("invalid_limits", "maxDepth must be between 1 and 64"));
            }
            out = out.max_depth(v);
        }
        if let Some(v) = limits.max_string_bytes {
            out = out.max_string_bytes(size(v));
        }
        if let Some(v) = limits.max_number_len {
            out = out.max_number_len(size(v));
        }
        if let Some(v) = limits.max_array_items {
            out = out.max_array_items(v);
        }
        if let Some(v) = limits.max_object_members {
            out = out.max_object_members(v);
        }
        Ok(NativeSchema { schema, limits: out })
    }

    /// `null` if `body` (UTF-8 bytes) is acceptable, else its errors as a JSON array.
    #[napi]
    pub fn check(&self, body: &[u8]) -> Option<String> {
        self.check_bytes(body)
    }

    /// `check` for a string body (validated as its UTF-8 encoding).
    #[napi]
    pub fn check_text(&self, body: String) -> Option<String> {
        self.check_bytes(body.as_bytes())
    }

    /// Whether `body` is acceptable (no error list built).
    #[napi]
    pub fn is_valid(&self, body: &[u8]) -> bool {
        validate::validate(self.schema, body, &self.limits).is_ok()
    }

    /// `isValid` for a string body.
    #[napi]
    pub fn is_valid_text(&self, body: String) -> bool {
        validate::validate(self.schema, body.as_bytes(), &self.limits).is_ok()
    }

    /// Only what the schema declares, as compact JSON text, or `!code message`.
    #[napi]
    pub fn project(&self, document: &[u8]) -> String {
        self.project_bytes(document)
    }

    /// `project` for JSON text.
    #[napi]
    pub fn project_text(&self, document: String) -> String {
        self.project_bytes(document.as_bytes())
    }

    /// The body size limit in bytes.
    #[napi(getter)]
    pub fn max_bytes(&self) -> u32 {
        u32::try_from(self.limits.body_bytes()).unwrap_or(u32::MAX)
    }

    /// The nesting limit.
    #[napi(getter)]
    pub fn max_depth(&self) -> u32 {
        u32::try_from(self.limits.depth()).unwrap_or(u32::MAX)
    }
}
