//! Fuzzes client-address resolution: arbitrary bytes are split into a peer address, `X-Forwarded-For`
//! and `Forwarded` header lines and trusted CIDR blocks, and every function of `limit::client_ip` is
//! called on them. None may panic. Checked properties:
//!
//! * the resolved address is the (canonical) peer or an address that `parse_ip` reads from some
//!   contiguous part of a line of the header the trust setting names (the parser refuses escapes, so
//!   every address it returns is spelled out in the header);
//! * the header that is not named is never read, and untrusted peers are the client;
//! * `parse_ip` and `Cidr::parse` round-trip through their `Display` forms, a parsed block contains
//!   its own address, and error codes round-trip;
//! * `client_key` has the documented layout.
#![no_main]

use apiward::limit::client_ip::{
    client_key, parse_ip, resolve_client_ip, ChainHeader, Cidr, CidrError, TrustedProxies, CLIENT_KEY_LEN,
    IPV4_KEY_TAG,
};
use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const MAX_INPUT: usize = 1024;
const MAX_LINES: usize = 8;
const MAX_CIDRS: usize = 8;
/// Longest address text `parse_ip` accepts (its `MAX_ADDR_LEN`, with room to spare).
const MAX_SPAN: usize = 70;

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Whether `ip` is what `parse_ip` reads from some contiguous part of one of `lines`.
fn spelled_in(lines: &[&[u8]], ip: IpAddr) -> bool {
    lines.iter().any(|line| {
        (0..line.len()).any(|i| {
            (i + 1..=line.len().min(i + MAX_SPAN)).any(|j| parse_ip(&line[i..j]) == Some(ip))
        })
    })
}

fn check_key(ip: IpAddr, prefix: u8) {
    let mut out = [0u8; CLIENT_KEY_LEN];
    let key = client_key(ip, prefix, &mut out).to_vec();
    match canonical(ip) {
        IpAddr::V4(a) => {
            assert_eq!(key.len(), 5);
            assert_eq!(key[0], IPV4_KEY_TAG);
            assert_eq!(&key[1..], &a.octets());
        }
        IpAddr::V6(a) => {
            let p = prefix.min(128);
            assert_eq!(key[0], p);
            assert_eq!(key.len(), 1 + usize::from(p.div_ceil(8)));
            let bits = u128::from(a);
            let masked = if p == 0 { 0 } else { bits & (u128::MAX << (128 - u32::from(p))) };
            let bytes = masked.to_be_bytes();
            assert_eq!(&key[1..], &bytes[..key.len() - 1]);
        }
    }
    // The mapped form of an IPv4 address shares its key.
    if let IpAddr::V4(a) = ip {
        let mut out2 = [0u8; CLIENT_KEY_LEN];
        assert_eq!(client_key(IpAddr::V6(a.to_ipv6_mapped()), prefix, &mut out2), &key[..]);
    }
}

fn check_parse(text: &[u8]) {
    if let Some(ip) = parse_ip(text) {
        assert_eq!(ip, canonical(ip), "parse_ip returned a mapped address");
        assert_eq!(parse_ip(ip.to_string().as_bytes()), Some(ip), "parse_ip does not round-trip {ip}");
    }
    match Cidr::parse(text) {
        Ok(c) => {
            let max = if c.addr.is_ipv4() { 32 } else { 128 };
            assert!(c.prefix <= max);
            assert!(c.contains(c.addr), "{c:?} does not contain its own address");
            let shown = format!("{}/{}", c.addr, c.prefix);
            assert_eq!(Cidr::parse(shown.as_bytes()), Ok(c), "Cidr does not round-trip via {shown}");
        }
        Err(e) => {
            assert_eq!(CidrError::from_code(e.code()), Some(e));
            assert!(!e.message().is_empty());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(([flags, prefix, p0, p1], rest)) = data.split_first_chunk::<4>().map(|(h, r)| (*h, r)) else {
        return;
    };
    if rest.len() > MAX_INPUT {
        return;
    }
    let mut parts = rest.split(|&b| b == b'\n');
    let peer_text = parts.next().unwrap_or(&[]);
    let peer = parse_ip(peer_text).unwrap_or(if p0 & 1 == 0 {
        IpAddr::V4(Ipv4Addr::new(10, 0, p0, p1))
    } else {
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, u16::from(p0), u16::from(p1)))
    });
    let mut xff: Vec<&[u8]> = Vec::new();
    let mut fwd: Vec<&[u8]> = Vec::new();
    let mut cidrs: Vec<Cidr> = Vec::new();
    for part in parts {
        let Some((&kind, body)) = part.split_first() else { continue };
        check_parse(body);
        match kind % 3 {
            0 if xff.len() < MAX_LINES => xff.push(body),
            1 if fwd.len() < MAX_LINES => fwd.push(body),
            2 if cidrs.len() < MAX_CIDRS => {
                if let Ok(c) = Cidr::parse(body) {
                    cidrs.push(c);
                } else if let Some(ip) = parse_ip(body) {
                    // A directly built block, possibly with host bits set or a prefix too long.
                    cidrs.push(Cidr { addr: ip, prefix: kind / 3 % 140 });
                }
            }
            _ => {}
        }
    }
    check_parse(peer_text);
    check_key(peer, prefix);

    let header = if flags & 4 == 0 { ChainHeader::XForwardedFor } else { ChainHeader::Forwarded };
    let hops = usize::from(flags >> 3);
    let trust = match flags & 3 {
        0 => TrustedProxies::None,
        1 => TrustedProxies::Hops { hops, header },
        _ => TrustedProxies::Cidrs { cidrs: &cidrs, header },
    };
    let ip = resolve_client_ip(peer, &xff, &fwd, &trust);
    check_key(ip, prefix);
    let peer_c = canonical(peer);
    assert_eq!(ip, canonical(ip), "resolved a mapped address");

    let peer_trusted = match trust {
        TrustedProxies::None => false,
        TrustedProxies::Hops { hops, .. } => hops > 0,
        TrustedProxies::Cidrs { cidrs, .. } => cidrs.iter().any(|c| c.contains(peer_c)),
    };
    if !peer_trusted {
        assert_eq!(ip, peer_c, "untrusted peer, yet {ip} resolved instead of {peer_c}");
    }
    if ip != peer_c {
        let lines: &[&[u8]] = match header {
            ChainHeader::XForwardedFor => &xff,
            ChainHeader::Forwarded => &fwd,
        };
        assert!(spelled_in(lines, ip), "resolved {ip} is neither the peer {peer_c} nor in the {header:?} chain");
    }
    // The header the proxies do not write is ignored entirely.
    let other = match header {
        ChainHeader::XForwardedFor => resolve_client_ip(peer, &xff, &[], &trust),
        ChainHeader::Forwarded => resolve_client_ip(peer, &[], &fwd, &trust),
    };
    assert_eq!(other, ip, "the unnamed header changed the result");
    // Deterministic.
    assert_eq!(resolve_client_ip(peer, &xff, &fwd, &trust), ip);
});
