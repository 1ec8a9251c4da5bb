//! `NativeSchema`: the core's validation decision over request bodies, and projection of responses.
//!
//! Decides only the Node spelling: where a compiled schema lives (interned for the life of the
//! process), how limits default and how a rejection is gathered are `apiward_hosted::schema`'s,
//! shared with the Python binding, and every verdict is the core's. This module returns a rejected
//! body as its error list in JSON text and a failed projection as `!code message`, so that the JS
//! layer builds exactly one error object. Guarantees that unsupported keywords throw a `ConfigError`
//! at construction and that a rejection reports up to [`hosted::MAX_ERRORS`] errors with JSON-Pointer paths
//! and codes, never the value.

use std::fmt::Write as _;

use apiward::validate::{self, Limits};
use apiward_hosted::schema::{self as hosted, LimitOptions};
use napi_derive::napi;

use crate::{config, config_error, verdict, Result};

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

fn size(value: Option<u32>) -> Option<usize> {
    value.map(|v| usize::try_from(v).unwrap_or(usize::MAX))
}

/// A compiled request-body schema (a JSON Schema subset) with its size and shape limits.
#[napi]
pub struct NativeSchema {
    schema: &'static validate::Schema<'static>,
    limits: Limits,
}

impl NativeSchema {
    fn check_bytes(&self, body: &[u8]) -> Option<String> {
        hosted::check(self.schema, body, &self.limits).err().map(|errors| errors_json(&errors))
    }

    fn project_bytes(&self, input: &[u8]) -> String {
        match hosted::project(self.schema, input, self.limits.depth()) {
            Ok(out) => {
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
        let compiled = hosted::intern(document.as_bytes()).map_err(|e| {
            let message = format!("unsupported or invalid JSON Schema at {:?} ({})", e.path.as_str(), e.code());
            config_error(e.code(), &message)
        })?;
        let limits = LimitOptions {
            max_bytes: size(limits.max_bytes),
            max_depth: size(limits.max_depth),
            max_string_bytes: size(limits.max_string_bytes),
            max_number_len: size(limits.max_number_len),
            max_array_items: limits.max_array_items,
            max_object_members: limits.max_object_members,
        }
        .limits()
        .map_err(config)?;
        Ok(NativeSchema { schema: &compiled.schema, limits })
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
        self.is_valid(body.as_bytes())
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
