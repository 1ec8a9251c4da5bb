//! Arbitrary schema documents into the schema compiler, with storage sized by
//! `Capacity::for_document` and with storage cut to a third.
//!
//! Checks: no panic and no stack overflow (the compiler's nesting is bounded); a document that is not
//! strict JSON is `schema_syntax`; `Capacity::for_document` always suffices (a full-size compile never
//! fails with `storage_full`); a compiled schema validates a few bodies — and the document itself —
//! without panic, with `validate` and `validate_all` agreeing.
#![no_main]

use apiward::json;
use apiward::validate::{self, Capacity, CompileCode, Limits, Literal, Node, Program, Property, Storage};
use libfuzzer_sys::fuzz_target;

const BODIES: [&[u8]; 6] = [b"{}", b"null", b"[1,\"a\",{\"b\":[]}]", b"\"x\"", b"-1.5e3", b"{\"a\":{\"a\":{\"a\":null}}}"];

fn run(document: &[u8], shrink: usize) {
    let cap = Capacity::for_document(document);
    let mut nodes = vec![Node::Never; cap.nodes / shrink];
    let mut properties = vec![Property::optional("", 0); cap.properties / shrink];
    let mut ids = vec![0u16; cap.ids / shrink];
    let mut literals = vec![Literal::Null; cap.literals / shrink];
    let mut text = vec![0u8; cap.text / shrink];
    let mut programs = vec![Program::EMPTY; cap.programs / shrink];
    let storage = Storage {
        nodes: &mut nodes,
        properties: &mut properties,
        ids: &mut ids,
        literals: &mut literals,
        text: &mut text,
        programs: &mut programs,
    };
    match validate::compile(document, storage) {
        Ok(schema) => {
            for body in BODIES.iter().copied().chain([document]) {
                let first = validate::validate(&schema, body, &Limits::DEFAULT);
                let mut errors = [validate::Error::default(); 4];
                let all = validate::validate_all(&schema, body, &Limits::DEFAULT, &mut errors);
                assert_eq!(first.is_ok(), all.is_ok(), "verdicts differ");
                if let Err(e) = first {
                    assert_eq!(e, errors[0]);
                }
            }
        }
        Err(e) => {
            if json::parse(document, json::MAX_DEPTH).is_err() {
                assert_eq!(e.code, CompileCode::Syntax);
            }
            assert!(!(shrink == 1 && e.code == CompileCode::StorageFull), "Capacity::for_document too small");
        }
    }
}

fuzz_target!(|document: &[u8]| {
    run(document, 1);
    run(document, 3);
});
