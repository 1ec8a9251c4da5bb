use super::{parse, JsonError, Kind, MAX_DEPTH};

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

extern crate std;
