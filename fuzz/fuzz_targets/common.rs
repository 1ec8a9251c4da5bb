// Shared helpers for the fuzz targets (included with `#[path]`, not a crate module of its own).

use apiward::json::{Kind, Value};

/// JSON whitespace (RFC 8259 §2): space, tab, LF, CR — not Rust's wider `char::is_whitespace`.
pub fn trim_json_ws(bytes: &[u8]) -> &[u8] {
    let is_ws = |b: &u8| matches!(*b, b' ' | b'\t' | b'\n' | b'\r');
    let start = bytes.iter().position(|b| !is_ws(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !is_ws(b)).map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// Touches every accessor of a parsed value (members, items, strings, numbers) so the fuzzer
/// exercises the borrowed-view code as well as the validator. Recursion is bounded by the
/// parser's depth cap (64).
pub fn walk(value: Value<'_>, depth: usize) {
    assert!(depth <= 65, "value nested deeper than the parser allows");
    let _ = value.raw();
    match value.kind() {
        Kind::Object => {
            for (name, member) in value.members().expect("object has members") {
                let _ = name.char_count();
                let _ = name.chars().count();
                let mut buf = [0u8; 64];
                let _ = name.decode_into(&mut buf);
                let _ = name.as_plain();
                walk(member, depth + 1);
            }
        }
        Kind::Array => {
            for item in value.items().expect("array has items") {
                walk(item, depth + 1);
            }
        }
        Kind::String => {
            let s = value.as_str().expect("string value");
            let _ = s.chars().count();
            let _ = s.eq_str("x");
        }
        _ => {
            let _ = value.as_number();
            let _ = value.as_bool();
        }
    }
}
