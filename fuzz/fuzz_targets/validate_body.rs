//! Arbitrary request bodies against fixed schemas (the W7/W8 workloads, a pydantic-style schema with
//! `$defs`, a free-form map) under default and tight limits.
//!
//! Checks, for every input: no panic; the fast path decides exactly as the streaming engine alone
//! (`validate_without_fast_path`, `validate_all_without_fast_path`); `validate` (first error) and
//! `validate_all` agree on the verdict and on the first error; a body the strict JSON reader rejects is never accepted; every error path
//! is a JSON Pointer (empty or starting with `/`); projection never panics, and what it writes is
//! strict JSON that validates wherever the input did.
#![no_main]

use apiward::json;
use apiward::validate::{self, Capacity, Limits, Literal, Node, Program, Property, Schema, Storage};
use libfuzzer_sys::fuzz_target;

const SCHEMAS: [&str; 4] = [
    r##"{"type":"object","properties":{"email":{"type":"string","format":"email"},"username":{"type":"string","minLength":3,"maxLength":32,"pattern":"^[a-zA-Z0-9_]+$"},"age":{"type":"integer","minimum":13,"maximum":120}},"required":["email","username","age"]}"##,
    r##"{"type":"object","properties":{"order_id":{"type":"string","format":"uuid"},"customer":{"type":"object","properties":{"email":{"type":"string","format":"email"},"name":{"type":"string","minLength":1,"maxLength":64}},"required":["email","name"]},"items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string","pattern":"^[A-Z0-9-]{4,16}$"},"qty":{"type":"integer","minimum":1,"maximum":100},"price_cents":{"type":"integer","minimum":0,"maximum":10000000}},"required":["sku","qty","price_cents"]},"minItems":1,"maxItems":50},"note":{"type":"string","maxLength":500},"created_at":{"type":"string","format":"date-time"}},"required":["order_id","customer","items","created_at"]}"##,
    r##"{"$defs":{"A":{"type":"object","properties":{"s":{"type":"string"},"z":{"anyOf":[{"type":"string","pattern":"^[0-9]{5}$"},{"type":"null"}]},"next":{"anyOf":[{"$ref":"#/$defs/A"},{"type":"null"}]}},"required":["s"]}},"type":"object","properties":{"a":{"$ref":"#/$defs/A"},"tags":{"type":"array","items":{"enum":["x","y",1,2.5,null,true]},"uniqueItems":true},"n":{"type":"number","exclusiveMinimum":-1.5,"maximum":1e3},"m":{"type":"integer","multipleOf":7},"u":{"type":"string","format":"https-url"}}}"##,
    r##"{"type":"object","additionalProperties":{"type":["string","integer","null"],"maxLength":4},"maxProperties":8}"##,
];

/// The caller's buffers for one compiled schema (rebuilt per input: cheap next to the checks, and
/// nothing is leaked for LeakSanitizer to report).
struct Buffers<'a> {
    nodes: Vec<Node<'a>>,
    properties: Vec<Property<'a>>,
    ids: Vec<u16>,
    literals: Vec<Literal<'a>>,
    text: Vec<u8>,
    programs: Vec<Program>,
}

impl<'a> Buffers<'a> {
    fn new(document: &[u8]) -> Self {
        let cap = Capacity::for_document(document);
        Buffers {
            nodes: vec![Node::Never; cap.nodes],
            properties: vec![Property::optional("", 0); cap.properties],
            ids: vec![0u16; cap.ids],
            literals: vec![Literal::Null; cap.literals],
            text: vec![0u8; cap.text],
            programs: vec![Program::EMPTY; cap.programs],
        }
    }

    fn compile(&'a mut self, document: &'a [u8]) -> Schema<'a> {
        let storage = Storage {
            nodes: &mut self.nodes,
            properties: &mut self.properties,
            ids: &mut self.ids,
            literals: &mut self.literals,
            text: &mut self.text,
            programs: &mut self.programs,
        };
        validate::compile(document, storage).unwrap()
    }
}

fuzz_target!(|body: &[u8]| {
    let tight = Limits::DEFAULT
        .max_body_bytes(512)
        .max_depth(6)
        .max_string_bytes(40)
        .max_number_len(12)
        .max_array_items(8)
        .max_object_members(6);
    let json_ok = json::parse(body, 32).is_ok();
    for text in SCHEMAS {
        let mut buffers = Buffers::new(text.as_bytes());
        let schema = &buffers.compile(text.as_bytes());
        for limits in [Limits::DEFAULT, tight] {
            let first = validate::validate(schema, body, &limits);
            let mut errors = [validate::Error::default(); 6];
            let all = validate::validate_all(schema, body, &limits, &mut errors);
            // The fast path decides exactly as the streaming engine alone would.
            assert_eq!(first, validate::validate_without_fast_path(schema, body, &limits), "fast path: first error");
            let mut engine_errors = [validate::Error::default(); 6];
            let engine_all = validate::validate_all_without_fast_path(schema, body, &limits, &mut engine_errors);
            assert_eq!(all, engine_all, "fast path: all errors");
            let n = all.err().unwrap_or(0);
            assert_eq!(errors[..n], engine_errors[..n], "fast path: all errors");
            match (&first, all) {
                (Ok(()), Ok(())) => assert!(json_ok, "accepted a body the strict reader rejects"),
                (Err(e), Err(n)) => {
                    assert!((1..=errors.len()).contains(&n));
                    assert_eq!(*e, errors[0], "first error differs from validate_all's first");
                    for e in &errors[..n] {
                        let p = e.path.as_str();
                        assert!(p.is_empty() || p.starts_with('/'), "not a pointer: {p:?}");
                    }
                }
                (f, a) => panic!("verdicts differ: validate {f:?}, validate_all {a:?}"),
            }
            let mut out = [0u8; 2048];
            if let Ok(n) = validate::project(schema, body, 32, &mut out) {
                assert!(json::parse(&out[..n], 64).is_ok(), "projection wrote invalid JSON");
                if first.is_ok() && limits == Limits::DEFAULT {
                    assert_eq!(validate::validate(schema, &out[..n], &limits), Ok(()), "projection of a valid body is invalid");
                }
            }
        }
    }
});
