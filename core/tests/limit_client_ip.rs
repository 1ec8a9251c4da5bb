//! Client-IP resolution: parsing, CIDR trust, spoofing resistance, hop counting and limiter keys.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use apiward::limit::client_ip::{
    client_key, parse_ip, resolve_client_ip, ChainHeader, Cidr, CidrError, TrustedProxies, CLIENT_KEY_LEN,
    DEFAULT_V6_PREFIX, IPV4_KEY_TAG,
};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn cidr(s: &str) -> Cidr {
    Cidr::parse(s.as_bytes()).unwrap()
}

fn xff_cidrs(cidrs: &[Cidr]) -> TrustedProxies<'_> {
    TrustedProxies::Cidrs { cidrs, header: ChainHeader::XForwardedFor }
}

fn fwd_cidrs(cidrs: &[Cidr]) -> TrustedProxies<'_> {
    TrustedProxies::Cidrs { cidrs, header: ChainHeader::Forwarded }
}

fn xff_hops(hops: usize) -> TrustedProxies<'static> {
    TrustedProxies::Hops { hops, header: ChainHeader::XForwardedFor }
}

fn fwd_hops(hops: usize) -> TrustedProxies<'static> {
    TrustedProxies::Hops { hops, header: ChainHeader::Forwarded }
}

fn internal() -> [Cidr; 2] {
    [cidr("10.0.0.0/8"), cidr("fd00::/8")]
}

fn resolve_xff(peer: &str, xff: &[&str], trust: &TrustedProxies<'_>) -> IpAddr {
    let lines: Vec<&[u8]> = xff.iter().map(|s| s.as_bytes()).collect();
    resolve_client_ip(ip(peer), &lines, &[], trust)
}

fn resolve_fwd(peer: &str, fwd: &[&str], trust: &TrustedProxies<'_>) -> IpAddr {
    let lines: Vec<&[u8]> = fwd.iter().map(|s| s.as_bytes()).collect();
    resolve_client_ip(ip(peer), &[], &lines, trust)
}

fn key(addr: &str, prefix: u8) -> Vec<u8> {
    let mut out = [0u8; CLIENT_KEY_LEN];
    client_key(ip(addr), prefix, &mut out).to_vec()
}

// ---------------------------------------------------------------- parse_ip

#[test]
fn parses_plain_v4_and_v6() {
    assert_eq!(parse_ip(b"192.0.2.1"), Some(ip("192.0.2.1")));
    assert_eq!(parse_ip(b"2001:db8::1"), Some(ip("2001:db8::1")));
    assert_eq!(parse_ip(b"::"), Some(ip("::")));
    assert_eq!(parse_ip(b"2001:DB8::A"), Some(ip("2001:db8::a")));
}

#[test]
fn parses_ports_and_brackets() {
    assert_eq!(parse_ip(b"192.0.2.1:8080"), Some(ip("192.0.2.1")));
    assert_eq!(parse_ip(b"192.0.2.1:65535"), Some(ip("192.0.2.1")));
    assert_eq!(parse_ip(b"[2001:db8::1]"), Some(ip("2001:db8::1")));
    assert_eq!(parse_ip(b"[2001:db8::1]:4711"), Some(ip("2001:db8::1")));
    assert_eq!(parse_ip(b"[2001:db8::1]:_obf-port.1"), Some(ip("2001:db8::1")));
    assert_eq!(parse_ip(b"192.0.2.1:_p"), Some(ip("192.0.2.1")));
}

#[test]
fn rejects_bad_ports_and_brackets() {
    for bad in [
        &b"192.0.2.1:"[..],
        b"192.0.2.1:65536",
        b"192.0.2.1:123456",
        b"192.0.2.1:8a",
        b"192.0.2.1:_",
        b"192.0.2.1:_a b",
        b"[2001:db8::1",
        b"2001:db8::1]",
        b"[2001:db8::1]:",
        b"[2001:db8::1]x",
        b"[2001:db8::1]:80:80",
        b"[192.0.2.1]",
        b"[192.0.2.1]:80",
        b"[]",
        b"[[::1]]",
    ] {
        assert_eq!(parse_ip(bad), None, "{}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn rejects_ipv4_leading_zeros_and_odd_forms() {
    for bad in [
        &b"010.0.0.1"[..],
        b"01.2.3.4",
        b"1.2.3.04",
        b"00.0.0.0",
        b"0x7f.0.0.1",
        b"127.1",
        b"2130706433",
        b"1.2.3.4.5",
        b"1.2.3.256",
        b"1.2.3.",
        b".1.2.3",
        b"1..2.3",
        b"+1.2.3.4",
        b"::ffff:010.0.0.1",
    ] {
        assert_eq!(parse_ip(bad), None, "{}", String::from_utf8_lossy(bad));
    }
    assert_eq!(parse_ip(b"0.0.0.0"), Some(ip("0.0.0.0")));
    assert_eq!(parse_ip(b"10.0.0.1"), Some(ip("10.0.0.1")));
}

#[test]
fn rejects_zone_ids() {
    for bad in [&b"fe80::1%eth0"[..], b"fe80::1%1", b"[fe80::1%25eth0]", b"[fe80::1%eth0]:80", b"fe80::1%"] {
        assert_eq!(parse_ip(bad), None, "{}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn rejects_whitespace_junk_and_identifiers() {
    for bad in [
        &b""[..],
        b" ",
        b" 1.2.3.4",
        b"1.2.3.4 ",
        b"1.2.3.4\r\n",
        b"unknown",
        b"_hidden",
        b"\"1.2.3.4\"",
        b"localhost",
        b"1.2.3.4/32",
        b"::1::2",
        b"12345::",
        b"\xff\xfe",
        b"1.2.3.4\0",
        b"g::1",
    ] {
        assert_eq!(parse_ip(bad), None, "{:?}", bad);
    }
    let long = [b'1'; 200];
    assert_eq!(parse_ip(&long), None);
}

#[test]
fn maps_ipv4_mapped_to_ipv4_but_not_compat() {
    assert_eq!(parse_ip(b"::ffff:192.0.2.7"), Some(ip("192.0.2.7")));
    assert_eq!(parse_ip(b"[::ffff:192.0.2.7]:80"), Some(ip("192.0.2.7")));
    assert_eq!(parse_ip(b"::ffff:c000:207"), Some(ip("192.0.2.7")));
    assert_eq!(parse_ip(b"::192.0.2.7"), Some(IpAddr::V6("::192.0.2.7".parse().unwrap())));
}

// ---------------------------------------------------------------- Cidr

#[test]
fn cidr_parse_accepts_valid_blocks() {
    assert_eq!(cidr("10.0.0.0/8"), Cidr { addr: ip("10.0.0.0"), prefix: 8 });
    assert_eq!(cidr("0.0.0.0/0"), Cidr { addr: ip("0.0.0.0"), prefix: 0 });
    assert_eq!(cidr("192.0.2.1"), Cidr { addr: ip("192.0.2.1"), prefix: 32 });
    assert_eq!(cidr("192.0.2.1/32"), Cidr { addr: ip("192.0.2.1"), prefix: 32 });
    assert_eq!(cidr("2001:db8::/32"), Cidr { addr: ip("2001:db8::"), prefix: 32 });
    assert_eq!(cidr("::/0"), Cidr { addr: ip("::"), prefix: 0 });
    assert_eq!(cidr("::1"), Cidr { addr: ip("::1"), prefix: 128 });
    assert_eq!(cidr("2001:db8::1/128").prefix, 128);
}

#[test]
fn cidr_parse_rejects_bad_blocks() {
    let cases: [(&[u8], CidrError); 20] = [
        (b"10.0.0.0/33", CidrError::PrefixTooLong),
        (b"2001:db8::/129", CidrError::PrefixTooLong),
        (b"10.0.0.0/255", CidrError::PrefixTooLong),
        (b"10.0.0.1/8", CidrError::HostBitsSet),
        (b"2001:db8::1/64", CidrError::HostBitsSet),
        (b"10.0.0.0/08", CidrError::Malformed),
        (b"10.0.0.0/", CidrError::Malformed),
        (b"10.0.0.0/256", CidrError::Malformed),
        (b"10.0.0.0/1000", CidrError::Malformed),
        (b"10.0.0.0/-1", CidrError::Malformed),
        (b"10.0.0.0/8/8", CidrError::Malformed),
        (b"10.0.0.0 /8", CidrError::Malformed),
        (b"10.0.0.0/ 8", CidrError::Malformed),
        (b"010.0.0.0/8", CidrError::Malformed),
        (b"/8", CidrError::Malformed),
        (b"", CidrError::Malformed),
        (b"fe80::%eth0/64", CidrError::Malformed),
        (b"[2001:db8::]/32", CidrError::Malformed),
        (b"10.0.0.0:80/8", CidrError::Malformed),
        (b"10.0.0.0/+8", CidrError::Malformed),
    ];
    for (text, err) in cases {
        assert_eq!(Cidr::parse(text), Err(err), "{}", String::from_utf8_lossy(text));
    }
}

#[test]
fn cidr_contains() {
    let v4 = cidr("10.0.0.0/8");
    assert!(v4.contains(ip("10.255.1.2")));
    assert!(!v4.contains(ip("11.0.0.0")));
    assert!(v4.contains(ip("::ffff:10.1.2.3")), "mapped peer matches an IPv4 block");
    assert!(!v4.contains(ip("::a01:203")), "compat form is not IPv4");
    let v6 = cidr("2001:db8::/32");
    assert!(v6.contains(ip("2001:db8:ffff::1")));
    assert!(!v6.contains(ip("2001:db9::1")));
    assert!(!v6.contains(ip("10.0.0.1")));
    assert!(cidr("0.0.0.0/0").contains(ip("203.0.113.9")));
    assert!(!cidr("0.0.0.0/0").contains(ip("2001:db8::1")));
    assert!(cidr("::/0").contains(ip("203.0.113.9")), "::/0 contains every address");
    assert!(cidr("::ffff:10.0.0.0/104").contains(ip("10.9.9.9")));
    assert!(!cidr("::ffff:10.0.0.0/104").contains(ip("11.0.0.0")));
}

#[test]
fn hand_built_cidr_with_oversized_prefix_matches_nothing() {
    let bad = Cidr { addr: ip("10.0.0.0"), prefix: 33 };
    assert!(!bad.contains(ip("10.0.0.0")));
    let bad6 = Cidr { addr: ip("::"), prefix: 200 };
    assert!(!bad6.contains(ip("::")));
    // Host bits in a hand-built block are ignored, not widened.
    assert!(Cidr { addr: ip("10.1.2.3"), prefix: 8 }.contains(ip("10.200.0.1")));
}

#[test]
fn cidr_error_codes_are_stable_and_unique() {
    let codes: Vec<&str> = CidrError::ALL.iter().map(|e| e.code()).collect();
    assert_eq!(codes, ["cidr_malformed", "cidr_prefix_too_long", "cidr_host_bits_set"]);
    for e in CidrError::ALL {
        assert_eq!(CidrError::from_code(e.code()), Some(e));
        assert!(!e.to_string().is_empty());
    }
    assert_eq!(CidrError::from_code("nope"), None);
}

// ---------------------------------------------------------------- resolve: no trust

#[test]
fn untrusted_peer_ignores_headers_none() {
    let got = resolve_xff("203.0.113.5", &["1.1.1.1"], &TrustedProxies::None);
    assert_eq!(got, ip("203.0.113.5"));
    let got = resolve_fwd("203.0.113.5", &["for=1.1.1.1"], &TrustedProxies::None);
    assert_eq!(got, ip("203.0.113.5"));
}

#[test]
fn hops_zero_is_trust_nothing() {
    assert_eq!(resolve_xff("203.0.113.5", &["1.1.1.1, 2.2.2.2"], &xff_hops(0)), ip("203.0.113.5"));
}

#[test]
fn attacker_sends_xff_directly_to_untrusted_peer() {
    let cidrs = internal();
    // The attacker connects directly (not through the proxy) and claims to be 10.0.0.1 / 1.1.1.1.
    let got = resolve_xff("198.51.100.66", &["1.1.1.1, 10.0.0.1"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.66"));
    let got = resolve_fwd("198.51.100.66", &["for=10.0.0.1"], &fwd_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.66"));
}

#[test]
fn empty_cidr_list_trusts_nothing() {
    assert_eq!(resolve_xff("10.0.0.1", &["1.1.1.1"], &xff_cidrs(&[])), ip("10.0.0.1"));
}

#[test]
fn mapped_peer_is_returned_as_ipv4() {
    assert_eq!(resolve_xff("::ffff:203.0.113.5", &[], &TrustedProxies::None), ip("203.0.113.5"));
    let cidrs = internal();
    assert_eq!(resolve_xff("::ffff:10.0.0.2", &["198.51.100.7"], &xff_cidrs(&cidrs)), ip("198.51.100.7"));
}

// ---------------------------------------------------------------- resolve: CIDR trust

#[test]
fn cidr_trust_single_proxy() {
    let cidrs = internal();
    assert_eq!(resolve_xff("10.0.0.2", &["198.51.100.7"], &xff_cidrs(&cidrs)), ip("198.51.100.7"));
}

#[test]
fn cidr_trust_skips_chain_of_proxies() {
    let cidrs = internal();
    let got = resolve_xff("10.0.0.3", &["198.51.100.7, 10.0.0.1, 10.0.0.2"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
}

#[test]
fn attacker_prepended_entries_never_chosen() {
    let cidrs = internal();
    // The attacker sent "X-Forwarded-For: 1.1.1.1, 10.0.0.9"; the proxy appended the real address.
    let got = resolve_xff("10.0.0.2", &["1.1.1.1, 10.0.0.9, 198.51.100.7"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
    // Same with the attacker's header on its own line.
    let got = resolve_xff("10.0.0.2", &["1.1.1.1, 10.0.0.9", "198.51.100.7"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
    // Garbage to the left of the real address does not matter either.
    let got = resolve_xff("10.0.0.2", &["not-an-ip, 010.0.0.1, 198.51.100.7"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
}

#[test]
fn all_trusted_chain_returns_leftmost() {
    let cidrs = internal();
    assert_eq!(resolve_xff("10.0.0.3", &["10.0.0.1, 10.0.0.2"], &xff_cidrs(&cidrs)), ip("10.0.0.1"));
    assert_eq!(resolve_xff("10.0.0.3", &[], &xff_cidrs(&cidrs)), ip("10.0.0.3"));
}

#[test]
fn cidr_malformed_stops_walk_at_last_good() {
    let cidrs = internal();
    let got = resolve_xff("10.0.0.3", &["198.51.100.7, garbage, 10.0.0.2"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("10.0.0.2"));
    let got = resolve_xff("10.0.0.3", &["198.51.100.7, 10.0.0.2, garbage"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("10.0.0.3"));
    let got = resolve_xff("10.0.0.3", &["198.51.100.7, 10.0.0.2, 010.0.0.1"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("10.0.0.3"), "leading-zero octet is malformed, not 10.0.0.1 or 8.0.0.1");
    let got = resolve_xff("10.0.0.3", &["198.51.100.7, fe80::1%eth0"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("10.0.0.3"), "zone id is malformed");
}

#[test]
fn empty_headers_and_empty_elements() {
    let cidrs = internal();
    assert_eq!(resolve_xff("10.0.0.2", &[""], &xff_cidrs(&cidrs)), ip("10.0.0.2"));
    assert_eq!(resolve_xff("10.0.0.2", &["", "  ", "\t"], &xff_cidrs(&cidrs)), ip("10.0.0.2"));
    assert_eq!(resolve_xff("10.0.0.2", &[",,198.51.100.7, ,"], &xff_cidrs(&cidrs)), ip("198.51.100.7"));
    assert_eq!(resolve_xff("10.0.0.2", &[], &xff_hops(1)), ip("10.0.0.2"));
    assert_eq!(resolve_fwd("10.0.0.2", &["", ","], &fwd_cidrs(&cidrs)), ip("10.0.0.2"));
}

#[test]
fn whitespace_around_elements() {
    let cidrs = internal();
    let got = resolve_xff("10.0.0.2", &[" \t198.51.100.7 \t,\t 10.0.0.1  "], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
    // Whitespace inside an element, or non-OWS whitespace, is malformed.
    let got = resolve_xff("10.0.0.2", &["198.51.100.7, 10.0.0 .1"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("10.0.0.2"));
    let got = resolve_xff("10.0.0.2", &["198.51.100.7\r\n"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("10.0.0.2"));
}

#[test]
fn ipv6_chain_with_brackets_and_ports() {
    let cidrs = internal();
    let got = resolve_xff("fd00::2", &["[2001:db8::7]:4711, fd00::1"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("2001:db8::7"));
    let got = resolve_xff("10.0.0.2", &["198.51.100.7:5555, [fd00::1]:443"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
    let got = resolve_xff("10.0.0.2", &["::ffff:198.51.100.7"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
}

#[test]
fn mapped_spoof_of_trusted_range_is_still_trusted_only_as_ipv4() {
    // ::ffff:10.0.0.1 is 10.0.0.1: it is trusted exactly like 10.0.0.1 (skipped), never a distinct client.
    let cidrs = internal();
    let got = resolve_xff("10.0.0.2", &["198.51.100.7, ::ffff:10.0.0.1"], &xff_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
}

// ---------------------------------------------------------------- resolve: hop counts

#[test]
fn hops_pick_nth_from_right() {
    let chain = ["6.6.6.6, 198.51.100.7, 10.0.0.1"];
    assert_eq!(resolve_xff("10.0.0.2", &chain, &xff_hops(1)), ip("10.0.0.1"));
    assert_eq!(resolve_xff("10.0.0.2", &chain, &xff_hops(2)), ip("198.51.100.7"));
    assert_eq!(resolve_xff("10.0.0.2", &chain, &xff_hops(3)), ip("6.6.6.6"));
}

#[test]
fn hops_larger_than_chain_returns_leftmost() {
    let chain = ["198.51.100.7, 10.0.0.1"];
    assert_eq!(resolve_xff("10.0.0.2", &chain, &xff_hops(3)), ip("198.51.100.7"));
    assert_eq!(resolve_xff("10.0.0.2", &chain, &xff_hops(usize::MAX)), ip("198.51.100.7"));
    assert_eq!(resolve_xff("10.0.0.2", &[], &xff_hops(usize::MAX)), ip("10.0.0.2"));
}

#[test]
fn hops_attacker_prepends_cannot_shift_choice() {
    // One proxy: the client is the right-most XFF entry however much the attacker prepends.
    let got = resolve_xff("10.0.0.2", &["1.1.1.1, 2.2.2.2, 3.3.3.3", "198.51.100.7"], &xff_hops(1));
    assert_eq!(got, ip("198.51.100.7"));
}

#[test]
fn hops_malformed_stops_at_last_good() {
    let chain = ["6.6.6.6, unknown, 198.51.100.7"];
    assert_eq!(resolve_xff("10.0.0.2", &chain, &xff_hops(1)), ip("198.51.100.7"));
    assert_eq!(resolve_xff("10.0.0.2", &chain, &xff_hops(2)), ip("198.51.100.7"));
    assert_eq!(resolve_xff("10.0.0.2", &chain, &xff_hops(5)), ip("198.51.100.7"));
    assert_eq!(resolve_xff("10.0.0.2", &["198.51.100.7, garbage"], &xff_hops(2)), ip("10.0.0.2"));
    // Left-most malformed with a long hop count: the left-most *valid* address.
    assert_eq!(resolve_xff("10.0.0.2", &["junk, 198.51.100.7, 10.0.0.1"], &xff_hops(9)), ip("198.51.100.7"));
}

#[test]
fn hops_across_multiple_lines() {
    let lines = ["198.51.100.7", "10.0.0.1, 10.0.0.5", "10.0.0.6"];
    assert_eq!(resolve_xff("10.0.0.9", &lines, &xff_hops(4)), ip("198.51.100.7"));
    assert_eq!(resolve_xff("10.0.0.9", &lines, &xff_hops(2)), ip("10.0.0.5"));
}

// ---------------------------------------------------------------- Forwarded

#[test]
fn forwarded_basic_and_quoted_forms() {
    let cidrs = internal();
    let got = resolve_fwd("10.0.0.2", &["for=198.51.100.7;proto=https;by=10.0.0.2"], &fwd_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
    let got = resolve_fwd("10.0.0.2", &["for=\"[2001:db8:cafe::17]:4711\""], &fwd_cidrs(&cidrs));
    assert_eq!(got, ip("2001:db8:cafe::17"));
    let got = resolve_fwd("10.0.0.2", &["For=\"198.51.100.7:80\", for=10.0.0.1"], &fwd_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
    let got = resolve_fwd("10.0.0.2", &["for=192.0.2.43, for=198.51.100.17", "for=10.0.0.1"], &fwd_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.17"));
    let got = resolve_fwd("10.0.0.2", &["proto=http; for=198.51.100.7 ; host=example.com"], &fwd_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
}

#[test]
fn forwarded_commas_inside_quotes_do_not_split() {
    let cidrs = internal();
    let got = resolve_fwd("10.0.0.2", &["for=198.51.100.7;host=\"a,b\", for=10.0.0.1"], &fwd_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
    let got = resolve_fwd("10.0.0.2", &["for=198.51.100.7;host=\"a\\\",b\""], &fwd_cidrs(&cidrs));
    assert_eq!(got, ip("198.51.100.7"));
}

#[test]
fn forwarded_unknown_obfuscated_and_malformed_stop() {
    let cidrs = internal();
    for bad in [
        "for=unknown",
        "for=_hidden",
        "for=\"_SEVKISEK\"",
        "for=",
        "for=\"\"",
        "for=198.51.100.7;for=198.51.100.8",
        "proto=https",
        "=198.51.100.7",
        "for 198.51.100.7",
        "f r=1.2.3.4",
        "for=\"\\1.2.3.4\"",
        "for=\"1.2.3.4\"x",
        "for=010.0.0.1",
        "for=\"[fe80::1%eth0]\"",
        "198.51.100.7",
    ] {
        let line = format!("for=203.0.113.1, {bad}, for=10.0.0.1");
        let got = resolve_fwd("10.0.0.2", &[&line], &fwd_cidrs(&cidrs));
        assert_eq!(got, ip("10.0.0.1"), "{bad}");
    }
    // An unterminated quote swallows the rest of the line: one malformed element, so the peer is the client.
    let got = resolve_fwd("10.0.0.2", &["for=203.0.113.1, for=\"198.51.100.7, for=10.0.0.1"], &fwd_cidrs(&cidrs));
    assert_eq!(got, ip("10.0.0.2"));
}

#[test]
fn forwarded_hops() {
    let lines = ["for=6.6.6.6, for=\"[2001:db8::7]\"", "for=10.0.0.1"];
    assert_eq!(resolve_fwd("10.0.0.2", &lines, &fwd_hops(2)), ip("2001:db8::7"));
    assert_eq!(resolve_fwd("10.0.0.2", &lines, &fwd_hops(1)), ip("10.0.0.1"));
}

#[test]
fn header_choice_ignores_the_other_header() {
    let cidrs = internal();
    let xff: [&[u8]; 1] = [b"198.51.100.7"];
    let fwd: [&[u8]; 1] = [b"for=6.6.6.6"];
    // Proxies write XFF: an attacker-supplied Forwarded header is ignored, and vice versa.
    assert_eq!(resolve_client_ip(ip("10.0.0.2"), &xff, &fwd, &xff_cidrs(&cidrs)), ip("198.51.100.7"));
    assert_eq!(resolve_client_ip(ip("10.0.0.2"), &xff, &fwd, &fwd_cidrs(&cidrs)), ip("6.6.6.6"));
    assert_eq!(resolve_client_ip(ip("10.0.0.2"), &xff, &[], &fwd_cidrs(&cidrs)), ip("10.0.0.2"));
    assert_eq!(resolve_client_ip(ip("10.0.0.2"), &[], &fwd, &xff_hops(1)), ip("10.0.0.2"));
}

// ---------------------------------------------------------------- client_key

#[test]
fn ipv4_key_layout() {
    assert_eq!(key("192.0.2.1", DEFAULT_V6_PREFIX), [IPV4_KEY_TAG, 192, 0, 2, 1]);
    assert_eq!(key("::ffff:192.0.2.1", DEFAULT_V6_PREFIX), key("192.0.2.1", 64));
    assert_ne!(key("192.0.2.1", 64), key("192.0.2.2", 64));
    assert_eq!(key("192.0.2.1", 0), key("192.0.2.1", 128), "the v6 prefix does not affect IPv4");
}

#[test]
fn ipv6_slash64_keys() {
    assert_eq!(DEFAULT_V6_PREFIX, 64);
    let a = key("2001:db8:1:2:aaaa:bbbb:cccc:dddd", DEFAULT_V6_PREFIX);
    let b = key("2001:db8:1:2::1", DEFAULT_V6_PREFIX);
    let c = key("2001:db8:1:3::1", DEFAULT_V6_PREFIX);
    assert_eq!(a, b, "rotating inside a /64 keeps the key");
    assert_ne!(a, c, "another /64 is another client");
    assert_eq!(a, [64, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2]);
}

#[test]
fn ipv6_slash48_and_odd_prefix_keys() {
    assert_eq!(key("2001:db8:1:2::1", 48), key("2001:db8:1:ffff::9", 48));
    assert_ne!(key("2001:db8:1::1", 48), key("2001:db8:2::1", 48));
    assert_ne!(key("2001:db8:1:2::1", 48), key("2001:db8:1:2::1", 64), "prefix is part of the key");
    // /56: 7 address bytes; /57 zeroes the low 7 bits of the 8th byte.
    assert_eq!(key("2001:db8:1:2ff::", 56).len(), 8);
    assert_eq!(key("2001:db8:1:2ff::", 57), [57, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 2, 0x80]);
    assert_eq!(key("2001:db8:1:27f::", 57), [57, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 2, 0x00]);
}

#[test]
fn ipv6_extreme_prefixes() {
    assert_eq!(key("2001:db8::1", 0), [0]);
    assert_eq!(key("2001:db8::1", 0), key("ffff::", 0));
    assert_eq!(key("2001:db8::1", 128).len(), 17);
    assert_ne!(key("2001:db8::1", 128), key("2001:db8::2", 128));
    assert_eq!(key("2001:db8::1", 200), key("2001:db8::1", 128), "prefixes over 128 are clamped");
    // No IPv6 key equals an IPv4 key, even at the same length.
    assert_ne!(key("c000:201::", 32)[1..], key("192.0.2.1", 64)[..4]);
    assert_ne!(key("c000:201::", 32), key("192.0.2.1", 64));
}

#[test]
fn key_buffer_reuse_leaves_no_stale_bytes() {
    let mut out = [0xAAu8; CLIENT_KEY_LEN];
    let k = client_key(ip("2001:db8::1"), 128, &mut out).to_vec();
    assert_eq!(k.len(), 17);
    let k2 = client_key(ip("10.0.0.1"), 64, &mut out).to_vec();
    assert_eq!(k2, [IPV4_KEY_TAG, 10, 0, 0, 1]);
    assert!(out[5..].iter().all(|&b| b == 0));
}

// ---------------------------------------------------------------- robustness

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn no_panic_on_random_bytes() {
    const ALPHABET: &[u8] = b"0123456789abcdefABCDEF:.[]%,;=\" \t_-/\\forunknwFOR\x00\xff\r\n";
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let cidrs = [cidr("10.0.0.0/8"), cidr("::/0")];
    let mut accepted = 0usize;
    for round in 0..20_000 {
        let len = usize::try_from(rng.next() % 48).unwrap();
        let mut buf = Vec::with_capacity(len);
        for _ in 0..len {
            let r = rng.next();
            let b = if round % 2 == 0 {
                ALPHABET[usize::try_from(r % u64::try_from(ALPHABET.len()).unwrap()).unwrap()]
            } else {
                r.to_le_bytes()[0]
            };
            buf.push(b);
        }
        if let Some(a) = parse_ip(&buf) {
            accepted += 1;
            // Anything accepted is canonical: never an IPv4-mapped IPv6 address.
            if let IpAddr::V6(v6) = a {
                assert!(v6.to_ipv4_mapped().is_none());
            }
        }
        let _ = Cidr::parse(&buf);
        let lines: [&[u8]; 2] = [&buf, b"198.51.100.7"];
        let peer = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        for trust in [
            xff_cidrs(&cidrs),
            fwd_cidrs(&cidrs),
            xff_hops(usize::try_from(rng.next() % 5).unwrap()),
            fwd_hops(usize::MAX),
        ] {
            let got = resolve_client_ip(peer, &lines, &lines, &trust);
            let mut out = [0u8; CLIENT_KEY_LEN];
            let k = client_key(got, u8::try_from(rng.next() % 256).unwrap(), &mut out);
            assert!(!k.is_empty() && k.len() <= CLIENT_KEY_LEN);
        }
        let v6 = IpAddr::V6(Ipv6Addr::from(u128::from(rng.next()) << 64 | u128::from(rng.next())));
        let mut out = [0u8; CLIENT_KEY_LEN];
        let _ = client_key(v6, u8::try_from(rng.next() % 256).unwrap(), &mut out);
    }
    assert!(accepted > 0, "the generator should produce some valid addresses");
}

#[test]
fn long_chains_resolve() {
    let cidrs = internal();
    let mut line = String::from("198.51.100.7");
    for _ in 0..2000 {
        line.push_str(", 10.0.0.1");
    }
    assert_eq!(resolve_xff("10.0.0.2", &[&line], &xff_cidrs(&cidrs)), ip("198.51.100.7"));
    assert_eq!(resolve_xff("10.0.0.2", &[&line], &xff_hops(2001)), ip("198.51.100.7"));
    assert_eq!(resolve_xff("10.0.0.2", &[&line], &xff_hops(5)), ip("10.0.0.1"));
}
