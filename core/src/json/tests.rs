// Unit tests of the json module: this whole file is compiled only under #[cfg(test)] (see mod.rs).
use super::{parse, parse_object, JsonError, Kind, MAX_DEPTH};

fn ok(s: &[u8]) -> bool {
    parse(s, MAX_DEPTH).is_ok()
}

fn err(s: &[u8]) -> Option<JsonError> {
    parse(s, MAX_DEPTH).err()
}

#[test]
fn accepts_strict_json() {
    for s in [
        &b"{}"[..],
        b"[]",
        b" {\"a\" : [1, -2.5e+3, true, false, null, \"x\\u00e9\\ud83d\\ude00\"]}\r\n",
        b"0",
        b"-0",
        b"\"\\u0000\"",
        b"{\"a\":{\"a\":1}}",
        b"[[[[[]]]]]",
    ] {
        assert!(ok(s), "{:?}", core::str::from_utf8(s));
    }
}

#[test]
fn rejects_non_json() {
    for s in [
        &b""[..],
        b" ",
        b"\xef\xbb\xbf{}",
        b"{},",
        b"{} x",
        b"{\"a\":1,}",
        b"[1,]",
        b"[01]",
        b"[1.]",
        b"[.1]",
        b"[1e]",
        b"[+1]",
        b"[NaN]",
        b"[Infinity]",
        b"[tru]",
        b"{\"a\" 1}",
        b"{a:1}",
        b"// c\n{}",
        b"/* c */{}",
        b"[\"\t\"]",
        b"[\"\\x\"]",
        b"[\"\\ud800\"]",
        b"[\"\\udc00\"]",
        b"[\"\\ud800\\u0041\"]",
        b"[\"\xc0\xaf\"]",
        b"[\"\xed\xa0\x80\"]",
        b"[\"\xf4\x90\x80\x80\"]",
        b"[\"\xe2\x82\"]",
        b"{\"a\":1 \"b\":2}",
        b"[1 2]",
        b"{\"a\":1}}",
        b"[",
        b"{",
        b"\"abc",
    ] {
        assert_eq!(err(s), Some(JsonError::Syntax), "{:?}", std::string::String::from_utf8_lossy(s));
    }
}

#[test]
fn rejects_duplicates_after_unescaping() {
    assert_eq!(err(b"{\"a\":1,\"a\":2}"), Some(JsonError::DuplicateName));
    assert_eq!(err(b"{\"exp\":1,\"\\u0065xp\":2}"), Some(JsonError::DuplicateName));
    assert_eq!(err(b"{\"x\":{\"b\":1,\"b\":2}}"), Some(JsonError::DuplicateName));
    assert_eq!(err(b"[{\"b\":1},{\"b\":1,\"c\":{},\"b\":3}]"), Some(JsonError::DuplicateName));
    assert!(ok(b"{\"a\":{\"a\":1},\"b\":{\"a\":1}}"));
    assert!(ok(b"{\"\\u00e9\":1,\"\\u00e8\":2}"));
}

#[test]
fn duplicates_found_beyond_fingerprint_table() {
    let mut doc = std::string::String::from("{");
    for i in 0..100 {
        doc.push_str(&std::format!("\"k{i}\":{{\"n{i}\":1}},"));
    }
    doc.push_str("\"k7\":0}");
    assert_eq!(err(doc.as_bytes()), Some(JsonError::DuplicateName));
    let ok_doc = doc.replace("\"k7\":0}", "\"k100\":0}");
    assert!(ok(ok_doc.as_bytes()));
}

#[test]
fn depth_is_bounded_without_recursion() {
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    assert_eq!(err(deep.as_bytes()), Some(JsonError::TooDeep));
    let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(ok(fine.as_bytes()));
    let over = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
    assert_eq!(err(over.as_bytes()), Some(JsonError::TooDeep));
    assert_eq!(parse(b"[[1]]", 1).err(), Some(JsonError::TooDeep));
}

#[test]
fn navigation() {
    let v = parse(b" {\"a\": [1, \"two\", {\"b\": null}], \"c\\n\": true} ", 8).unwrap();
    assert_eq!(v.kind(), Kind::Object);
    let a = v.get("a").unwrap();
    let items: std::vec::Vec<_> = a.items().unwrap().map(|i| i.raw()).collect();
    assert_eq!(items, ["1", "\"two\"", "{\"b\": null}"]);
    assert_eq!(v.get("c\n").unwrap().as_bool(), Some(true));
    assert!(v.get("zzz").is_none());
    let s = parse(b"\"a\\u00e9\\ud83d\\ude00\\n\"", 1).unwrap().as_str().unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(s.decode_into(&mut buf), Some("aé😀\n"));
    assert_eq!(s.char_count(), 4);
    assert!(s.eq_str("aé😀\n"));
    let mut tiny = [0u8; 2];
    assert_eq!(s.decode_into(&mut tiny), None);
}

/// `parse_object`'s members, or its error.
fn members(
    s: &[u8],
    max_depth: usize,
) -> Result<Option<std::vec::Vec<(std::string::String, std::string::String)>>, JsonError> {
    let mut out = std::vec::Vec::new();
    let mut buf = [0u8; 256];
    let found = parse_object(s, max_depth, |name, value| {
        out.push((name.decode_into(&mut buf).unwrap_or("?").into(), value.raw().into()));
    })?;
    Ok(found.map(|_| out))
}

#[test]
fn top_level_fast_path_matches_the_reader() {
    let docs: &[&[u8]] = &[
        b"{\"a\":[1,{\"b\":2}],\"c\":{\"d\":[]},\"e\":\"x\"}",
        b" {\"a\" : 1 , \"b\":\t-0.5e-3\n}\r\n",
        b"{\"\\u0061\":1,\"a\":2}",
        b"{\"abcdefgh\":1,\"abcdefg\\u0068\":2}",
        b"{\"abcdefghijklmnopq\":1,\"abcdefghijklmnop\\u0071\":2}",
        b"{\"x\":1,\"\\u0078\"}",
        b"{\"x\":{\"y\":1,\"y\":2}}",
        b"{\"x\":[{\"y\":1},{\"y\":2}],\"y\":3}",
        b"{\"a\":1,}",
        b"{\"a\":1",
        b"{\"a\":01}",
        b"{\"a\":tru}",
        b"{\"a\":nul}",
        b"{\"a\":\"\\ud800\"}",
        b"{\"a\":\"\x01\"}",
        b"{\"a\":[1,]}",
        b"{\"a\":{}} {}",
        b"{\"a\":1}x",
        b"{\"a\"}",
        b"{,}",
        b"{\"a\" 1}",
        b"{\"\\ud83d\\ude00\":true,\"\xf0\x9f\x98\x80\":false}",
        b"{\"a\":null,\"b\":false,\"c\":true,\"d\":\"\\n\"}",
        b"[1,2]",
        b"\"s\"",
    ];
    for doc in docs {
        for depth in [0, 1, 2, 3, MAX_DEPTH] {
            let via_object = members(doc, depth).map(|m| m.is_some());
            let mut reader_verdict = Ok(());
            if let Ok(text) = core::str::from_utf8(doc) {
                let mut reader = super::Reader::new(text, depth);
                reader_verdict = loop {
                    match reader.next_event() {
                        Ok(Some(_)) => {}
                        Ok(None) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                };
            }
            let is_object = doc.trim_ascii_start().first() == Some(&b'{');
            assert_eq!(
                via_object,
                reader_verdict.map(|()| is_object),
                "{:?} depth {depth}",
                std::string::String::from_utf8_lossy(doc)
            );
            let trimmed = core::str::from_utf8(doc).map(|t| t.trim_matches([' ', '\t', '\n', '\r']));
            assert_eq!(parse(doc, depth).map(|v| v.raw()), reader_verdict.map(|()| trimmed.unwrap_or("")));
        }
    }
}

#[test]
fn top_level_members_are_handed_over_in_order() {
    let got = members(b" { \"a\\n\" : [1, {\"b\": null}] ,\"c\":\"d\\\"\" , \"e\": -1.5E+2 } ", 3).unwrap().unwrap();
    let want = [("a\n", "[1, {\"b\": null}]"), ("c", "\"d\\\"\""), ("e", "-1.5E+2")];
    assert_eq!(got.len(), want.len());
    for ((n, v), (wn, wv)) in got.iter().zip(want) {
        assert_eq!((n.as_str(), v.as_str()), (wn, wv));
    }
    assert_eq!(members(b"{}", 1), Ok(Some(std::vec::Vec::new())));
    assert_eq!(members(b"{}", 0), Err(JsonError::TooDeep));
    assert_eq!(members(b"{\"a\":[]}", 1), Err(JsonError::TooDeep));
    assert_eq!(members(b"[]", 1), Ok(None));
    let deep = std::format!("{{\"a\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(members(deep.as_bytes(), MAX_DEPTH), Err(JsonError::TooDeep));
}

#[test]
fn top_level_duplicates_after_unescaping() {
    for doc in [
        &b"{\"exp\":1,\"\\u0065xp\":2}"[..],
        b"{\"\\u0065xp\":1,\"exp\":2}",
        b"{\"a\":1,\"b\":2,\"a\":3}",
        b"{\"abcdefgh\":1,\"abcdefg\\u0068\":2}",
        b"{\"abcdefghi\":1,\"abcdefgh\\u0069\":2}",
        b"{\"\\/\":1,\"/\":2}",
        b"{\"\xc3\xa9\":1,\"\\u00e9\":2}",
        b"{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}",
        // The last name ends within eight bytes of the end of the input.
        b"{\"ab\":1,\"ab\":2}",
        b"{\"\":1,\"\":2}",
    ] {
        assert_eq!(
            members(doc, MAX_DEPTH),
            Err(JsonError::DuplicateName),
            "{:?}",
            std::string::String::from_utf8_lossy(doc)
        );
        assert_eq!(err(doc), Some(JsonError::DuplicateName));
    }
    for doc in [&b"{\"a\":1,\"a\\u0000\":2}"[..], b"{\"\":1,\"\\u0000\":2}", b"{\"abcdefgh\":1,\"abcdefghi\":2}"] {
        assert!(members(doc, MAX_DEPTH).is_ok_and(|m| m.is_some()));
    }
}

#[test]
fn top_level_duplicates_beyond_the_table() {
    for count in [31, 32, 33, 100] {
        let mut doc = std::string::String::from("{");
        for i in 0..count {
            doc.push_str(&std::format!("\"k{i}\":[{i}],"));
        }
        let ok_doc = std::format!("{doc}\"k{count}\":0}}");
        assert!(members(ok_doc.as_bytes(), MAX_DEPTH).is_ok_and(|m| m.is_some_and(|m| m.len() == count + 1)));
        for dup in [0, 7, count - 1] {
            let bad = std::format!("{doc}\"\\u006b{dup}\":0}}");
            assert_eq!(members(bad.as_bytes(), MAX_DEPTH), Err(JsonError::DuplicateName), "{count} {dup}");
            assert_eq!(err(bad.as_bytes()), Some(JsonError::DuplicateName));
        }
    }
}

extern crate std;
