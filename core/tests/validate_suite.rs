//! The validator against the shared cases in `tests/vectors/validate/cases.json`: each schema compiled
//! by `validate::compile` (the path the Python and Node packages use), each body validated both for the
//! first error and for all errors, plus compile-time refusals. Also the `const`-schema path (W7/W9).

use apiward::validate::{
    self, compile, Capacity, Error, Format, Limits, Literal, Node, Num, NumberRules, ObjectRules, PatternRef, Program,
    Property, Schema, Storage, StringRules,
};
use serde_json::Value;

/// Owns the buffers a compiled schema lives in.
struct Buffers<'a> {
    nodes: Vec<Node<'a>>,
    properties: Vec<Property<'a>>,
    ids: Vec<u16>,
    literals: Vec<Literal<'a>>,
    text: Vec<u8>,
    programs: Vec<Program>,
}

impl<'a> Buffers<'a> {
    fn for_document(document: &[u8]) -> Self {
        let cap = Capacity::for_document(document);
        Buffers {
            nodes: vec![Node::Never; cap.nodes],
            properties: vec![Property::optional("", 0); cap.properties],
            ids: vec![0; cap.ids],
            literals: vec![Literal::Null; cap.literals],
            text: vec![0; cap.text],
            programs: vec![Program::EMPTY; cap.programs],
        }
    }

    fn storage(&'a mut self) -> Storage<'a> {
        Storage {
            nodes: &mut self.nodes,
            properties: &mut self.properties,
            ids: &mut self.ids,
            literals: &mut self.literals,
            text: &mut self.text,
            programs: &mut self.programs,
        }
    }
}

fn limits_of(v: Option<&Value>) -> Limits {
    let mut limits = Limits::DEFAULT;
    let Some(v) = v else { return limits };
    let get = |k: &str| v.get(k).and_then(Value::as_u64);
    if let Some(n) = get("max_body_bytes") {
        limits = limits.max_body_bytes(usize::try_from(n).unwrap());
    }
    if let Some(n) = get("max_depth") {
        limits = limits.max_depth(usize::try_from(n).unwrap());
    }
    if let Some(n) = get("max_string_bytes") {
        limits = limits.max_string_bytes(usize::try_from(n).unwrap());
    }
    if let Some(n) = get("max_number_len") {
        limits = limits.max_number_len(usize::try_from(n).unwrap());
    }
    if let Some(n) = get("max_array_items") {
        limits = limits.max_array_items(u32::try_from(n).unwrap());
    }
    if let Some(n) = get("max_object_members") {
        limits = limits.max_object_members(u32::try_from(n).unwrap());
    }
    limits
}

fn body_of(case: &Value) -> Vec<u8> {
    if let Some(body) = case.get("body") {
        return body.as_str().unwrap().as_bytes().to_vec();
    }
    let r = &case["body_repeat"];
    let mut out = r["prefix"].as_str().unwrap().to_string();
    out.push_str(&r["unit"].as_str().unwrap().repeat(usize::try_from(r["count"].as_u64().unwrap()).unwrap()));
    out.push_str(r["suffix"].as_str().unwrap());
    out.into_bytes()
}

fn cases() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/validate/cases.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn shared_vectors() {
    let doc = cases();
    let mut ran = 0usize;
    for group in doc["groups"].as_array().unwrap() {
        let gname = group["name"].as_str().unwrap();
        let schema_text = serde_json::to_vec(&group["schema"]).unwrap();
        let mut buffers = Buffers::for_document(&schema_text);
        let schema = compile(&schema_text, buffers.storage()).unwrap_or_else(|e| panic!("{gname}: {e}"));
        let limits = limits_of(group.get("limits"));
        for case in group["cases"].as_array().unwrap() {
            let name = format!("{gname} / {}", case["name"].as_str().unwrap());
            let body = body_of(case);
            let first = validate::validate(&schema, &body, &limits);
            let mut all = [Error::default(); 16];
            let found = validate::validate_all(&schema, &body, &limits, &mut all);
            if case.get("valid") == Some(&Value::Bool(true)) {
                assert_eq!(first, Ok(()), "{name}");
                assert_eq!(found, Ok(()), "{name}");
            } else {
                let want: Vec<(String, String)> = case["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| (e["path"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
                    .collect();
                let n = found.expect_err(&name);
                let got: Vec<(String, String)> =
                    all[..n].iter().map(|e| (e.path.as_str().to_string(), e.code().to_string())).collect();
                assert_eq!(got, want, "{name}: all errors");
                let first = first.expect_err(&name);
                assert_eq!((first.path.as_str(), first.code()), (want[0].0.as_str(), want[0].1.as_str()), "{name}");
                // Errors never echo values: the message is a fixed sentence per code.
                assert_eq!(first.message(), first.code.message());
            }
            ran += 1;
        }
    }
    for case in doc["compile_errors"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let text = match case.get("schema_text") {
            Some(t) => t.as_str().unwrap().as_bytes().to_vec(),
            None => serde_json::to_vec(&case["schema"]).unwrap(),
        };
        let mut buffers = Buffers::for_document(&text);
        let err = compile(&text, buffers.storage()).map(|_| ()).expect_err(name);
        assert_eq!(
            (err.code(), err.path.as_str()),
            (case["code"].as_str().unwrap(), case["path"].as_str().unwrap()),
            "{name}"
        );
        ran += 1;
    }
    assert_eq!(ran, 112);
}

/// W7 as `const` data equals W7 compiled from its JSON Schema, on the W7/W9 bodies.
#[test]
fn const_schema_matches_compiled() {
    const NODES: &[Node<'static>] = &[
        Node::Object(ObjectRules::new(&[
            Property::required("email", 1),
            Property::required("username", 2),
            Property::required("age", 3),
        ])),
        Node::String(StringRules::ANY.format(Format::Email)),
        Node::String(StringRules::ANY.min_length(3).max_length(32).pattern(PatternRef::Source("^[a-zA-Z0-9_]+$"))),
        Node::Integer(NumberRules::ANY.minimum(Num::int(13)).maximum(Num::int(120))),
    ];
    const W7: Schema<'static> = match Schema::new(NODES, 0) {
        Ok(schema) => schema,
        Err(_) => panic!("bad schema"),
    };
    // `^[a-zA-Z0-9_]+$` is a class run: matched without a program, so no cache is reserved for it.
    assert!(!W7.uses_source_patterns());
    let doc = cases();
    let group = &doc["groups"][0];
    let schema_text = serde_json::to_vec(&group["schema"]).unwrap();
    let mut buffers = Buffers::for_document(&schema_text);
    let compiled = compile(&schema_text, buffers.storage()).unwrap();
    for case in group["cases"].as_array().unwrap() {
        let body = body_of(case);
        let a = validate::validate(&W7, &body, &Limits::DEFAULT);
        let b = validate::validate(&compiled, &body, &Limits::DEFAULT);
        assert_eq!(a, b, "{}", case["name"]);
    }
}

/// Class-run patterns (`^[…]{m,n}$`) take no program slot when compiled, in `const` schemas need no
/// cache, and match escaped text by its characters; any other pattern still uses a program.
#[test]
fn class_run_patterns_need_no_program() {
    const RUN: &[Node<'static>] = &[Node::String(StringRules::ANY.pattern(PatternRef::Source("^[a-z-]{2,4}$")))];
    const NFA: &[Node<'static>] = &[Node::String(StringRules::ANY.pattern(PatternRef::Source("^[a-z]+(-[a-z]+)*$")))];
    let run = Schema::new(RUN, 0).unwrap();
    let nfa = Schema::new(NFA, 0).unwrap();
    assert!(!run.uses_source_patterns());
    assert!(nfa.uses_source_patterns());
    let bodies: [(&[u8], bool); 8] = [
        (br#""ab""#, true),
        (br#""a-b-""#, true),
        (br#""\u0061\u002db""#, true),
        (br#""a""#, false),
        (br#""abcde""#, false),
        (br#""aB""#, false),
        (br#""a\u00e9""#, false),
        (br#""ab\n""#, false),
    ];
    for (body, valid) in bodies {
        let verdict = validate::validate(&run, body, &Limits::DEFAULT);
        assert_eq!(verdict.is_ok(), valid, "{}", String::from_utf8_lossy(body));
        if !valid {
            assert_eq!(verdict.unwrap_err().code(), "pattern");
        }
    }
    // Compiled from JSON Schema: the class run leaves the one program slot free for the other pattern.
    let text = br#"{"type":"object","properties":{"a":{"type":"string","pattern":"^[a-z-]{2,4}$"},"b":{"type":"string","pattern":"^[a-z]+(-[a-z]+)*$"}}}"#;
    let mut buffers = Buffers::for_document(text);
    buffers.programs.truncate(1);
    let schema = compile(text, buffers.storage()).unwrap();
    assert!(!schema.uses_source_patterns(), "the second pattern took the slot");
    assert!(validate::validate(&schema, br#"{"a":"ab-","b":"x-y"}"#, &Limits::DEFAULT).is_ok());
    assert_eq!(validate::validate(&schema, br#"{"a":"a","b":"x-y"}"#, &Limits::DEFAULT).unwrap_err().code(), "pattern");
    assert_eq!(
        validate::validate(&schema, br#"{"a":"ab","b":"x--y"}"#, &Limits::DEFAULT).unwrap_err().code(),
        "pattern"
    );
}

#[test]
fn dangling_const_schema_is_refused() {
    const BAD: &[Node<'static>] = &[Node::Object(ObjectRules::new(&[Property::required("a", 7)]))];
    assert_eq!(Schema::new(BAD, 0).map(|_| ()), Err(validate::SchemaError::DanglingReference));
    assert_eq!(Schema::new(BAD, 1).map(|_| ()), Err(validate::SchemaError::DanglingReference));
}

#[test]
fn storage_too_small_is_an_error_not_a_panic() {
    let schema_text = serde_json::to_vec(&cases()["groups"][1]["schema"]).unwrap();
    let full = Capacity::for_document(&schema_text);
    for shrink in 0..6 {
        let mut b = Buffers::for_document(&schema_text);
        match shrink {
            0 => b.nodes.truncate(3),
            1 => b.properties.truncate(2),
            2 => b.ids.clear(),
            3 => b.literals.clear(),
            4 => b.text.clear(),
            _ => b.programs.clear(),
        }
        let result = compile(&schema_text, b.storage()).map(|_| ());
        match shrink {
            // No escapes, no anyOf, no enums in W8: those buffers may be empty; without program slots
            // patterns stay as source.
            2..=5 => assert_eq!(result, Ok(()), "shrink {shrink}"),
            _ => assert_eq!(result.unwrap_err().code(), "storage_full", "shrink {shrink}"),
        }
    }
    assert!(full.nodes >= 12);
}

/// Projection keeps exactly what the schema declares, recursively, and copies values byte for byte.
#[test]
fn projection_drops_undeclared_members() {
    let schema_text = br#"{"type":"object","properties":{
        "id":{"type":"integer"},
        "name":{"type":"string"},
        "tags":{"type":"array","items":{"type":"string"}},
        "owner":{"type":"object","properties":{"email":{"type":"string"}}},
        "items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"}}}},
        "extra":{},
        "labels":{"type":"object","additionalProperties":{"type":"string"}},
        "maybe":{"anyOf":[{"type":"object","properties":{"a":{"type":"integer"}}},{"type":"null"}]}
    }}"#;
    let mut buffers = Buffers::for_document(schema_text);
    let schema = compile(schema_text, buffers.storage()).unwrap();
    let document = br#" {"id": 7, "password_hash": "$2b$12$abc", "name": "Ada \u00e9", "tags": ["a", "b"],
        "owner": {"email": "ada@example.com", "internal_notes": {"x": [1, 2]}},
        "items": [{"sku": "A-1", "qty": 2, "cost": 1.5}, {"qty": 1e2, "sku": "B-2"}],
        "extra": {"kept": [true, null, {"deep": 1}]}, "labels": {"k": "v"}, "maybe": {"a": 1, "b": 2},
        "secret": [1, {"s": 2}]} "#;
    let mut out = [0u8; 1024];
    let n = validate::project(&schema, document, 32, &mut out).unwrap();
    let got = std::str::from_utf8(&out[..n]).unwrap();
    assert_eq!(
        got,
        r#"{"id":7,"name":"Ada \u00e9","tags":["a","b"],"owner":{"email":"ada@example.com"},"items":[{"sku":"A-1","qty":2},{"qty":1e2,"sku":"B-2"}],"extra":{"kept":[true,null,{"deep":1}]},"labels":{"k":"v"},"maybe":{"a":1}}"#
    );
    // The output is strict JSON.
    assert!(apiward::json::parse(&out[..n], 64).is_ok());
    // Null branch of the anyOf.
    let n = validate::project(&schema, br#"{"maybe":null,"zzz":1}"#, 32, &mut out).unwrap();
    assert_eq!(&out[..n], br#"{"maybe":null}"#);
    // Too small a buffer, a type mismatch and bad JSON are errors, never partial output.
    let mut small = [0u8; 10];
    assert_eq!(validate::project(&schema, document, 32, &mut small).unwrap_err().code(), "buffer_too_small");
    let e = validate::project(&schema, br#"{"owner":"ada"}"#, 32, &mut out).unwrap_err();
    assert_eq!((e.code(), e.path.as_str()), ("type", "/owner"));
    let e = validate::project(&schema, br#"{"items":[{"sku":1}]}"#, 32, &mut out).unwrap_err();
    assert_eq!((e.code(), e.path.as_str()), ("type", "/items/0/sku"));
    assert_eq!(validate::project(&schema, br#"{"id":1,"id":2}"#, 32, &mut out).unwrap_err().code(), "duplicate_key");
    assert_eq!(validate::project(&schema, br#"{"id":}"#, 32, &mut out).unwrap_err().code(), "syntax");
    let deep = format!(r#"{{"secret":{}}}"#, "[".repeat(100));
    assert_eq!(validate::project(&schema, deep.as_bytes(), 32, &mut out).unwrap_err().code(), "too_deep");
}

/// The official JSON-Schema-Test-Suite, draft 2020-12 (`tests/vectors/validate/json_schema_test_suite.json`,
/// see the README there). Every group's schema is compiled; a refused schema is a counted, named
/// compile error (never a silent loosening). For every compiled schema, each test's verdict must
/// agree with the suite, or be stricter for a reason listed in [`documented_stricter`]; apiward may
/// never accept what the suite rejects.
///
/// apiward refuses keywords that come without the `type` they constrain (JSON Schema lets every
/// other type through, a loosening apiward will not guess at). So that those keyword tests still
/// run, a schema without `type` and without `$ref` whose keywords all constrain one type gets that
/// type added, and only the tests whose data has that type are run (for the others the suite's
/// answer is "valid" whatever the keyword says).
#[test]
fn json_schema_test_suite() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/validate/json_schema_test_suite.json"
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut refused = std::collections::BTreeMap::<&'static str, usize>::new();
    let (mut compiled, mut agree, mut other_type) = (0, 0, 0);
    let mut stricter = std::collections::BTreeMap::<(String, &'static str), usize>::new();
    let mut looser = Vec::new();
    let mut undocumented = Vec::new();
    for (file, groups) in doc["files"].as_object().unwrap() {
        for group in groups.as_array().unwrap() {
            let (schema, only) = typed_for_suite(&group["schema"]);
            let schema_text = serde_json::to_vec(&schema).unwrap();
            let mut buffers = Buffers::for_document(&schema_text);
            let compiled_schema = match compile(&schema_text, buffers.storage()) {
                Ok(s) => s,
                Err(e) => {
                    *refused.entry(e.code()).or_default() += 1;
                    continue;
                }
            };
            compiled += 1;
            for test in group["tests"].as_array().unwrap() {
                if only.is_some_and(|t| json_type(&test["data"]) != t) {
                    other_type += 1;
                    continue;
                }
                let body = serde_json::to_vec(&test["data"]).unwrap();
                let verdict = validate::validate(&compiled_schema, &body, &Limits::DEFAULT);
                let where_ = || format!("{file} / {} / {}", group["description"], test["description"]);
                match (verdict, test["valid"].as_bool().unwrap()) {
                    (Ok(()), true) => agree += 1,
                    (Err(_), false) => agree += 1,
                    (Ok(()), false) => looser.push(where_()),
                    (Err(e), true) => {
                        let documented = documented_stricter(file, e.code()).is_some()
                            && (e.code() != "unknown_field"
                                || undeclared_member(&schema, &test["data"], e.path.as_str()));
                        if documented {
                            *stricter.entry((file.clone(), e.code())).or_default() += 1;
                        } else {
                            undocumented.push(format!("{} ({} at {})", where_(), e.code(), e.path.as_str()));
                        }
                    }
                }
            }
        }
    }
    println!("JSON-Schema-Test-Suite draft 2020-12: {compiled} groups compiled, refused {refused:?}");
    println!("tests: {agree} agree, {other_type} not run (other type), stricter by design {stricter:?}");
    assert!(looser.is_empty(), "apiward accepts what the suite rejects:\n{}", looser.join("\n"));
    assert!(undocumented.is_empty(), "stricter without a documented reason:\n{}", undocumented.join("\n"));
    // Pinned (the suite file is pinned too): a change means the harness or the compiler changed.
    assert_eq!((compiled, agree), (123, 556));
}

/// The JSON type name of a suite test's data ("number" for integers too).
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The schema with the one type its keywords constrain added (see [`json_schema_test_suite`]).
fn typed_for_suite(schema: &Value) -> (Value, Option<&'static str>) {
    let Some(members) = schema.as_object() else { return (schema.clone(), None) };
    if members.contains_key("type") || schema.to_string().contains("\"$ref\"") {
        return (schema.clone(), None);
    }
    let family = |keyword: &str| match keyword {
        "minLength" | "maxLength" | "pattern" | "format" => Some("string"),
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => Some("number"),
        "items" | "prefixItems" | "contains" | "minItems" | "maxItems" | "uniqueItems" => Some("array"),
        "properties"
        | "required"
        | "additionalProperties"
        | "minProperties"
        | "maxProperties"
        | "patternProperties"
        | "propertyNames" => Some("object"),
        _ => None,
    };
    let mut families = members.keys().filter_map(|k| family(k)).collect::<Vec<_>>();
    families.sort_unstable();
    families.dedup();
    match families.as_slice() {
        [one] => {
            let mut typed = members.clone();
            typed.insert("type".into(), Value::from(*one));
            (Value::Object(typed), Some(*one))
        }
        _ => (schema.clone(), None),
    }
}

/// Whether `pointer` names a member of `data` whose name no `properties` of `schema` declares (so
/// that an `unknown_field` counted as "stricter by design" really is an undeclared member).
fn undeclared_member(schema: &Value, data: &Value, pointer: &str) -> bool {
    fn declares(schema: &Value, name: &str) -> bool {
        match schema {
            Value::Object(members) => members.iter().any(|(key, value)| {
                (key == "properties" && value.as_object().is_some_and(|p| p.contains_key(name)))
                    || declares(value, name)
            }),
            Value::Array(items) => items.iter().any(|v| declares(v, name)),
            _ => false,
        }
    }
    let Some((_, last)) = pointer.rsplit_once('/') else { return false };
    let name = last.replace("~1", "/").replace("~0", "~");
    data.pointer(pointer).is_some() && !declares(schema, &name)
}

/// Where apiward is deliberately stricter than JSON Schema, and why (docs: `validate` module).
fn documented_stricter(file: &str, code: &str) -> Option<&'static str> {
    match (file, code) {
        (_, "unknown_field") => Some("additionalProperties defaults to false: unknown members are refused"),
        ("format.json", "format") => Some("formats are assertions, not annotations"),
        ("optional/format/email.json", "format") => {
            Some("email: no quoted local parts and no address literals (pragmatic addr-spec)")
        }
        _ => None,
    }
}

/// The fast path (`validate/fast.rs`) decides what it can and leaves the rest to the streaming
/// engine; whatever it decides must be exactly the engine's outcome: the verdict, and every error's
/// code, path and limit, in order, for the first error and for all errors into buffers of several
/// sizes. Checked on every shared case body and JSON-Schema-Test-Suite datum, and on mutations of
/// them (bytes replaced, deleted, inserted, spans duplicated: syntax errors, repeated names, broken
/// rules, unknown members), with counts showing that the fast path decided many of them, valid and
/// invalid alike.
#[test]
fn fast_path_agrees_with_the_engine() {
    let mut bodies_by_schema: Vec<(Vec<u8>, Limits, Vec<Vec<u8>>)> = Vec::new();
    let doc = cases();
    for group in doc["groups"].as_array().unwrap() {
        let bodies = group["cases"].as_array().unwrap().iter().map(body_of).collect();
        bodies_by_schema.push((serde_json::to_vec(&group["schema"]).unwrap(), limits_of(group.get("limits")), bodies));
    }
    // Orders of checks that random mutation rarely reaches: a count or unknown-member error is
    // reported only once the reader has read what it counts (a malformed item or name is a syntax
    // error first), and a repeated unknown name is a duplicate.
    let corners: [(&str, &[&str]); 4] = [
        (
            r#"{"type":"array","items":{"type":"integer"},"maxItems":1}"#,
            &["[1,tru]", "[1,\"abc", "[1,-]", "[1,[", "[1,{}]", "[1,2,tru]", "[1,\"a\"]", "[1,2]x"],
        ),
        (
            r#"{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"maxProperties":1}"#,
            &[r#"{"a":1,"b":tru}"#, r#"{"a":1,"b" 1}"#, r#"{"a":1,"b:1}"#, r#"{"a":1,"a":2}"#, r#"{"a":1,"b":"x"}"#],
        ),
        (
            r#"{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}"#,
            &[r#"{"zz":tru}"#, r#"{"zz":1,"zz":2}"#, r#"{"zz":1,"a":2}"#, r#"{"zz":[1]}"#, r#"{} x"#, r#"{"a":"s"}x"#],
        ),
        (
            r#"{"type":"object","properties":{"a":{"enum":["x",1]},"b":{"anyOf":[{"type":"string"},{"type":"null"}]}}}"#,
            &[r#"{"a":"y","b":2}"#, r#"{"a":{},"b":[]}"#, r#"{"a":2,"b":nul}"#, r#"{"b":{"c":1}}"#],
        ),
    ];
    for (schema, bodies) in corners {
        let bodies = bodies.iter().map(|b| b.as_bytes().to_vec()).collect();
        let tight = Limits::DEFAULT.max_string_bytes(2);
        bodies_by_schema.push((schema.as_bytes().to_vec(), Limits::DEFAULT, bodies));
        let bodies = vec![br#"{"a":"toolong"}"#.to_vec(), br#"["toolong"]"#.to_vec(), br#"{"toolong":1}"#.to_vec()];
        bodies_by_schema.push((schema.as_bytes().to_vec(), tight, bodies));
    }
    let suite: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/vectors/validate/json_schema_test_suite.json"
        ))
        .unwrap(),
    )
    .unwrap();
    for groups in suite["files"].as_object().unwrap().values() {
        for group in groups.as_array().unwrap() {
            let bodies = group["tests"].as_array().unwrap().iter().map(|t| serde_json::to_vec(&t["data"]).unwrap());
            let schema = serde_json::to_vec(&typed_for_suite(&group["schema"]).0).unwrap();
            bodies_by_schema.push((schema, Limits::DEFAULT, bodies.collect()));
        }
    }
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |bound: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        usize::try_from(rng % u64::try_from(bound.max(1)).unwrap()).unwrap()
    };
    const ALPHABET: &[u8] = b"{}[]:,\"\\ 0123456789-+.eEtrufalsn\t\nxu_@\x01\xc3\xa9";
    let (mut checked, mut decided_valid, mut decided_invalid) = (0usize, 0usize, 0usize);
    for (schema_text, limits, bodies) in &bodies_by_schema {
        let mut buffers = Buffers::for_document(schema_text);
        let Ok(schema) = compile(schema_text, buffers.storage()) else { continue };
        for body in bodies {
            let mutations = if body.len() > 2000 { 4 } else { 150 };
            for round in 0..=mutations {
                let mut body = body.clone();
                for _ in 0..(round % 3) + usize::from(round > 0) {
                    let at = next(body.len() + 1);
                    match next(5) {
                        0 if at < body.len() => body[at] = ALPHABET[next(ALPHABET.len())],
                        1 if at < body.len() => drop(body.drain(at..(at + 1 + next(3)).min(body.len()))),
                        2 => body.insert(at, ALPHABET[next(ALPHABET.len())]),
                        3 if at < body.len() => {
                            let end = (at + 1 + next(24)).min(body.len());
                            let span = body[at..end].to_vec();
                            let to = next(body.len() + 1);
                            body.splice(to..to, span);
                        }
                        _ if at < body.len() && body[at].is_ascii_digit() => {
                            body[at] = b'0' + u8::try_from(next(10)).unwrap()
                        }
                        _ => {}
                    }
                }
                if round % 2 == 1 {
                    // Structural: re-emit the parsed body with members added, dropped, repeated, or
                    // values swapped for others of other types and sizes.
                    if let Ok(value) = serde_json::from_slice::<Value>(&body) {
                        body.clear();
                        emit_mutated(&value, &mut body, &mut next);
                    }
                }
                let engine = validate::validate_without_fast_path(&schema, &body, limits);
                assert_eq!(
                    validate::validate(&schema, &body, limits),
                    engine,
                    "first error, body {:?}",
                    String::from_utf8_lossy(&body)
                );
                for size in [0, 1, 3, 16] {
                    let (mut fast, mut slow) = (vec![Error::default(); size], vec![Error::default(); size]);
                    let got = validate::validate_all(&schema, &body, limits, &mut fast);
                    let want = validate::validate_all_without_fast_path(&schema, &body, limits, &mut slow);
                    assert_eq!(got, want, "all errors ({size}), body {:?}", String::from_utf8_lossy(&body));
                    let n = want.err().unwrap_or(0).min(size);
                    assert_eq!(fast[..n], slow[..n], "all errors ({size}), body {:?}", String::from_utf8_lossy(&body));
                }
                if validate::fast_path_decides(&schema, &body, limits) {
                    if engine.is_ok() {
                        decided_valid += 1;
                    } else {
                        decided_invalid += 1;
                    }
                }
                checked += 1;
            }
        }
    }
    println!(
        "fast path vs engine: {checked} bodies, fast path decided {decided_valid} valid, {decided_invalid} invalid"
    );
    assert!(checked > 100_000, "{checked}");
    // With `compact-json` the fast path is left out: it decides nothing, and the engine everything.
    let decides = !cfg!(feature = "compact-json");
    let enough = decided_valid > checked / 20 && decided_invalid > checked / 20;
    assert_eq!(enough, decides, "{decided_valid} / {decided_invalid} of {checked}");
}

/// Writes `value` as JSON, now and then changed: a member repeated, dropped or added (`zz`), a value
/// replaced by a scalar or container of another type or size, an array item repeated.
fn emit_mutated(value: &Value, out: &mut Vec<u8>, next: &mut dyn FnMut(usize) -> usize) {
    const SWAPS: [&str; 12] =
        ["null", "true", "0", "-1", "9999", "1.5", "1e400", "12345678901234567890", "\"\"", "\"x@y.z\"", "{}", "[1]"];
    if next(12) == 0 {
        out.extend_from_slice(SWAPS[next(SWAPS.len())].as_bytes());
        return;
    }
    match value {
        Value::Object(members) => {
            let mut emitted = Vec::new();
            if next(8) == 0 {
                emitted.push(("zz", &Value::Bool(true)));
            }
            for (name, value) in members {
                let copies = match next(16) {
                    0 => 0,
                    1 => 2,
                    _ => 1,
                };
                emitted.extend(std::iter::repeat_n((name.as_str(), value), copies));
            }
            out.push(b'{');
            for (i, (name, value)) in emitted.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(serde_json::to_string(name).unwrap().as_bytes());
                out.push(b':');
                emit_mutated(value, out, next);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                emit_mutated(item, out, next);
                if next(16) == 0 {
                    out.push(b',');
                    emit_mutated(item, out, next);
                }
            }
            out.push(b']');
        }
        scalar => out.extend_from_slice(serde_json::to_string(scalar).unwrap().as_bytes()),
    }
}
