//! Differential fuzzing of `apiward::json::parse` (depth 64) against serde_json.
//!
//! apiward is strictly stricter than serde_json: it refuses duplicate member names and nesting
//! deeper than 64 containers, and is otherwise the same RFC 8259 grammar. So:
//! - apiward accepts ⇒ serde_json accepts, the text has no duplicate names and depth ≤ 64;
//! - serde_json accepts, apiward rejects ⇒ the error is `DuplicateName` (and the text has a
//!   duplicate) or `TooDeep` (and the depth is > 64); never `Syntax`.
//!
//! serde_json's own recursion limit is 128, so texts nested 65..=128 deep exercise `TooDeep`.
//! serde_json is built with `arbitrary_precision` so numbers out of f64 range (valid JSON) parse.
#![no_main]

use std::collections::HashSet;
use std::fmt;

use apiward::json::{self, JsonError};
use libfuzzer_sys::fuzz_target;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

#[path = "common.rs"]
mod common;

/// What serde_json saw: nesting depth (containers) and whether any object repeats a name.
#[derive(Clone, Copy, Debug, Default)]
struct Shape {
    depth: usize,
    duplicate: bool,
}

/// The key serde_json uses to smuggle an arbitrary-precision number through `deserialize_any`.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ShapeVisitor)
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::default())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::default())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::default())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::default())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::default())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Shape, E> {
        Ok(Shape::default())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let mut shape = Shape::default();
        while let Some(item) = seq.next_element::<Shape>()? {
            shape.depth = shape.depth.max(item.depth);
            shape.duplicate |= item.duplicate;
        }
        shape.depth += 1;
        Ok(shape)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut shape = Shape::default();
        let mut names = HashSet::new();
        let mut first = true;
        while let Some(name) = map.next_key::<String>()? {
            if first && name == NUMBER_TOKEN {
                // An arbitrary-precision number, not an object.
                map.next_value::<IgnoredAny>()?;
                return Ok(Shape::default());
            }
            first = false;
            let value = map.next_value::<Shape>()?;
            shape.depth = shape.depth.max(value.depth);
            shape.duplicate |= value.duplicate || !names.insert(name);
        }
        shape.depth += 1;
        Ok(shape)
    }
}

fuzz_target!(|data: &[u8]| {
    let ours = json::parse(data, 64);
    let theirs = serde_json::from_slice::<Shape>(data);
    // The map-preserving visitor and serde_json's own Value must agree on acceptance.
    let value_ok = serde_json::from_slice::<serde_json::Value>(data).is_ok();
    assert_eq!(theirs.is_ok(), value_ok, "serde_json Shape/Value disagree");

    match (ours, theirs) {
        (Ok(value), Ok(shape)) => {
            assert!(!shape.duplicate, "apiward accepted a duplicate member name");
            assert!(shape.depth <= 64, "apiward accepted depth {}", shape.depth);
            assert_eq!(value.raw().as_bytes(), common::trim_json_ws(data), "raw() is not the trimmed text");
            common::walk(value, 0);
        }
        (Ok(_), Err(e)) => panic!("apiward accepted what serde_json rejects: {e}"),
        (Err(JsonError::DuplicateName), Ok(shape)) => {
            assert!(shape.duplicate, "DuplicateName for a text without duplicate names")
        }
        (Err(JsonError::TooDeep), Ok(shape)) => {
            assert!(shape.depth > 64, "TooDeep at depth {}", shape.depth)
        }
        (Err(JsonError::Syntax), Ok(_)) => panic!("apiward says Syntax for JSON serde_json accepts"),
        (Err(_), Err(_)) => {}
    }
    // A smaller caller-chosen depth never loosens anything.
    if let Ok(value) = json::parse(data, 3) {
        assert!(json::parse(data, 64).is_ok());
        let _ = value.kind();
    }
});
