//! Which IP address a request comes from, and which limiter key that address maps to.
//!
//! Decides the client address from the peer address, the `X-Forwarded-For` or `Forwarded` (RFC 7239)
//! header lines and the caller's [`TrustedProxies`] configuration. Guarantees that an address written by an
//! untrusted party is chosen only when every hop to its right is trusted, that nothing unparsable is ever
//! returned or trusted, and that every function is total (no panic, no allocation) on arbitrary bytes.
//! Never reads headers when no proxy is trusted, never guesses between the two headers (the configuration
//! names the one the proxies write), and never accepts IPv6 zone ids or IPv4 octets with leading zeros.
//!
//! # Parsing rules ([`parse_ip`])
//!
//! Accepted forms, with no surrounding whitespace: `a.b.c.d`, `a.b.c.d:port`, a bare IPv6 address,
//! `[v6]` and `[v6]:port`. `port` is 1 to 5 decimal digits up to 65535, or an RFC 7239 obfuscated port
//! (`_` followed by letters, digits, `.`, `_`, `-`); the port is checked and discarded. IPv4 octets must be
//! decimal without leading zeros (`010.0.0.1` is rejected, never read as octal). Zone ids (`fe80::1%eth0`)
//! are rejected rather than stripped: a zone is meaningful only on the proxy's own link, and stripping
//! would merge distinct addresses. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) becomes IPv4; the
//! deprecated IPv4-compatible form (`::a.b.c.d`) stays IPv6.
//!
//! # Chain walk ([`resolve_client_ip`])
//!
//! The chain is the configured header's entries, all lines in order, each line a comma-separated list,
//! followed by the peer address at the right end. Empty list elements (only spaces or tabs) are ignored,
//! as the HTTP list rule requires; spaces and tabs around elements are trimmed. Any other element that is
//! not an address (`unknown`, `_hidden`, garbage, an RFC 7239 element without exactly one `for`) is
//! *malformed*: the walk stops there and returns the nearest well-formed address to its right (possibly the
//! peer), because nothing left of an unparsable hop can be attributed to anyone trustworthy.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Default number of leading IPv6 bits that identify one client: a /64 is the smallest block an ISP
/// normally assigns, so a client can rotate freely inside its own /64 but not escape it.
pub const DEFAULT_V6_PREFIX: u8 = 64;

/// Size of the buffer [`client_key`] writes into: one tag byte and up to 16 address bytes.
pub const CLIENT_KEY_LEN: usize = 17;

/// Tag byte that starts every IPv4 key (IPv6 keys start with their prefix length, `0..=128`).
pub const IPV4_KEY_TAG: u8 = 0xFF;

/// Longest header element [`parse_ip`] considers (`[` 45-byte IPv6 `]:` port, with room to spare).
const MAX_ADDR_LEN: usize = 64;

/// Why a CIDR block was rejected by [`Cidr::parse`].
///
/// `code()` is the stable, language-independent name the bindings expose as `.code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CidrError {
    /// Not `address` or `address/prefix`: bad address (leading zeros, zone id, brackets, port,
    /// whitespace), or a prefix that is empty, not decimal, or has a leading zero.
    Malformed,
    /// The prefix is longer than the address (over 32 for IPv4, over 128 for IPv6).
    PrefixTooLong,
    /// The address has bits set past the prefix (`10.0.0.1/8`): almost always a typo for a host or a
    /// wider block, so it is refused rather than silently masked.
    HostBitsSet,
}

impl CidrError {
    /// Every variant, for tests and documentation tables.
    pub const ALL: [CidrError; 3] = [CidrError::Malformed, CidrError::PrefixTooLong, CidrError::HostBitsSet];

    /// The stable snake_case code.
    pub const fn code(self) -> &'static str {
        match self {
            CidrError::Malformed => "cidr_malformed",
            CidrError::PrefixTooLong => "cidr_prefix_too_long",
            CidrError::HostBitsSet => "cidr_host_bits_set",
        }
    }

    /// A short human sentence. Never contains input values.
    pub const fn message(self) -> &'static str {
        match self {
            CidrError::Malformed => "CIDR block is not a well-formed address/prefix",
            CidrError::PrefixTooLong => "CIDR prefix is longer than the address",
            CidrError::HostBitsSet => "CIDR address has bits set past the prefix",
        }
    }

    /// The variant whose code is `code`, if any.
    pub fn from_code(code: &str) -> Option<CidrError> {
        CidrError::ALL.iter().copied().find(|e| e.code() == code)
    }
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
impl std::error::Error for CidrError {}

/// A block of addresses: `addr` with its first `prefix` bits significant.
///
/// Built by [`Cidr::parse`] (strict) or directly (the fields are public so blocks can be `const`).
/// A directly built block with bits set past the prefix is matched on its first `prefix` bits only; one
/// with a prefix longer than its address matches nothing (it never widens trust).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cidr {
    /// The network address.
    pub addr: IpAddr,
    /// Number of leading significant bits: `0..=32` for IPv4, `0..=128` for IPv6.
    pub prefix: u8,
}

impl Cidr {
    /// Parses `address/prefix`, or a bare address meaning a single host (`/32` or `/128`).
    ///
    /// The address follows [`parse_ip`]'s rules without brackets or port; the prefix is decimal without
    /// leading zeros. An IPv4-mapped IPv6 block (`::ffff:10.0.0.0/104`) is kept as IPv6 and, like every
    /// IPv6 block, matches IPv4 addresses through their mapped form.
    ///
    /// # Errors
    ///
    /// [`CidrError::Malformed`] for bad syntax, [`CidrError::PrefixTooLong`] for a prefix over 32 (IPv4)
    /// or 128 (IPv6), [`CidrError::HostBitsSet`] when the address has bits set past the prefix.
    pub fn parse(text: &[u8]) -> Result<Cidr, CidrError> {
        let (addr_text, prefix_text) = match text.iter().position(|&b| b == b'/') {
            Some(i) => {
                let (a, p) = text.split_at_checked(i).ok_or(CidrError::Malformed)?;
                (a, Some(p.get(1..).ok_or(CidrError::Malformed)?))
            }
            None => (text, None),
        };
        let addr = if addr_text.contains(&b':') {
            IpAddr::V6(parse_v6(addr_text).ok_or(CidrError::Malformed)?)
        } else {
            IpAddr::V4(parse_v4(addr_text).ok_or(CidrError::Malformed)?)
        };
        let max = max_prefix(addr);
        let prefix = match prefix_text {
            None => max,
            Some(p) => parse_prefix(p).ok_or(CidrError::Malformed)?,
        };
        if prefix > max {
            return Err(CidrError::PrefixTooLong);
        }
        let cidr = Cidr { addr, prefix };
        let host_bits = match addr {
            IpAddr::V4(a) => u32::from(a) & !v4_mask(prefix) != 0,
            IpAddr::V6(a) => u128::from(a) & !v6_mask(prefix) != 0,
        };
        if host_bits {
            return Err(CidrError::HostBitsSet);
        }
        Ok(cidr)
    }

    /// Whether `ip` lies in this block. IPv4-mapped addresses are compared as IPv4; an IPv6 block matches
    /// an IPv4 address when it contains that address's mapped form (`::/0` matches everything).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        if self.prefix > max_prefix(self.addr) {
            return false;
        }
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = v4_mask(self.prefix);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V4(_), IpAddr::V6(_)) => false,
            (IpAddr::V6(net), a) => {
                let a = match a {
                    IpAddr::V4(v4) => v4.to_ipv6_mapped(),
                    IpAddr::V6(v6) => v6,
                };
                let mask = v6_mask(self.prefix);
                u128::from(net) & mask == u128::from(a) & mask
            }
        }
    }
}

/// Which forwarding header the trusted proxies write. The other header is ignored entirely: a client can
/// send either one, so reading a header the proxies do not rewrite would let it choose its own address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChainHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2`.
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for="[2001:db8::1]:4711"`; only the `for` parameter is used.
    Forwarded,
}

/// Which hops in front of this server may be believed about the client address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrustedProxies<'a> {
    /// Trust nothing: headers are ignored and the peer address is the client.
    None,
    /// Trust the `hops` right-most hops, the peer included: `hops` is the number of reverse proxies in
    /// front of this server. `hops == 0` is the same as [`TrustedProxies::None`].
    Hops {
        /// Number of reverse proxies in front of this server.
        hops: usize,
        /// The header those proxies append to.
        header: ChainHeader,
    },
    /// Trust any hop whose address lies in one of `cidrs` (an empty list trusts nothing).
    Cidrs {
        /// The proxies' address blocks.
        cidrs: &'a [Cidr],
        /// The header those proxies append to.
        header: ChainHeader,
    },
}

/// Parses one address as it appears in a forwarding header (see the module docs for the accepted forms).
///
/// Returns `None` for anything else, including surrounding whitespace, zone ids, leading zeros in IPv4
/// octets, non-ASCII bytes, `unknown` and obfuscated identifiers. IPv4-mapped IPv6 becomes IPv4.
pub fn parse_ip(bytes: &[u8]) -> Option<IpAddr> {
    if bytes.len() > MAX_ADDR_LEN {
        return None;
    }
    if let Some(inner) = bytes.strip_prefix(b"[") {
        let close = inner.iter().position(|&b| b == b']')?;
        let (v6, rest) = inner.split_at_checked(close)?;
        let rest = rest.get(1..)?;
        if !rest.is_empty() && !is_port_suffix(rest) {
            return None;
        }
        return Some(canonical(IpAddr::V6(parse_v6(v6)?)));
    }
    let colons = bytes.iter().filter(|&&b| b == b':').count();
    if colons == 1 {
        let i = bytes.iter().position(|&b| b == b':')?;
        let (v4, port) = bytes.split_at_checked(i)?;
        if !is_port_suffix(port) {
            return None;
        }
        return Some(IpAddr::V4(parse_v4(v4)?));
    }
    parse_plain(bytes)
}

/// Decides the client address of a request that arrived from `peer` (the TCP peer address).
///
/// `x_forwarded_for` and `forwarded` are the header lines in the order received (pass `&[]` when absent);
/// only the one named by `trust` is read. If the peer itself is not trusted (not in the CIDR list, or
/// `Hops { hops: 0, .. }`, or `None`), the peer is the client. Otherwise:
///
/// - `Cidrs`: walking left from the peer, trusted hops are skipped and the first untrusted address is the
///   client; if every hop is trusted, the left-most address is.
/// - `Hops { hops: n, .. }`: the client is the address `n` hops left of the peer; when the chain is
///   shorter, the left-most address.
///
/// In both modes a malformed entry stops the walk, and the nearest well-formed address to its right (the
/// peer if there is none) is the client. IPv4-mapped results, the peer included, are returned as IPv4.
/// Runs in time linear in the header length (plus one CIDR check per entry), without allocation.
pub fn resolve_client_ip(
    peer: IpAddr,
    x_forwarded_for: &[&[u8]],
    forwarded: &[&[u8]],
    trust: &TrustedProxies<'_>,
) -> IpAddr {
    let peer = canonical(peer);
    let pick = |header: ChainHeader| match header {
        ChainHeader::XForwardedFor => Chain::new(x_forwarded_for, header),
        ChainHeader::Forwarded => Chain::new(forwarded, header),
    };
    match *trust {
        TrustedProxies::None | TrustedProxies::Hops { hops: 0, .. } => peer,
        TrustedProxies::Hops { hops, header } => by_hops(peer, pick(header), hops),
        TrustedProxies::Cidrs { cidrs, header } => by_cidrs(peer, pick(header), cidrs),
    }
}

/// Writes the rate-limiter key for `ip` into `out` and returns the used part.
///
/// IPv4 (including IPv4-mapped IPv6): `[IPV4_KEY_TAG, a, b, c, d]`. IPv6: the prefix length byte
/// `p = min(v6_prefix, 128)`, then the first `p` bits of the address in `ceil(p / 8)` bytes, bits past `p`
/// zeroed. Every address in one IPv6 /`p` therefore shares one key, keys for different prefix lengths never
/// collide, and no IPv6 key equals an IPv4 key.
pub fn client_key(ip: IpAddr, v6_prefix: u8, out: &mut [u8; CLIENT_KEY_LEN]) -> &[u8] {
    *out = [0; CLIENT_KEY_LEN];
    let len = match canonical(ip) {
        IpAddr::V4(a) => {
            let [t, rest @ ..] = out;
            *t = IPV4_KEY_TAG;
            for (dst, src) in rest.iter_mut().zip(a.octets()) {
                *dst = src;
            }
            5
        }
        IpAddr::V6(a) => {
            let p = v6_prefix.min(128);
            let masked = (u128::from(a) & v6_mask(p)).to_be_bytes();
            let [t, rest @ ..] = out;
            *t = p;
            for (dst, src) in rest.iter_mut().zip(masked) {
                *dst = src;
            }
            1 + usize::from(p.div_ceil(8))
        }
    };
    let out: &[u8] = out;
    out.get(..len).unwrap_or(out)
}

/// Maps IPv4-mapped IPv6 to IPv4; every other address is unchanged.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 @ IpAddr::V4(_) => v4,
    }
}

const fn max_prefix(ip: IpAddr) -> u8 {
    match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// The netmask of an IPv4 `/prefix` (`prefix <= 32`).
fn v4_mask(prefix: u8) -> u32 {
    32u32.checked_sub(u32::from(prefix)).and_then(|s| u32::MAX.checked_shl(s)).unwrap_or(0)
}

/// The netmask of an IPv6 `/prefix` (`prefix <= 128`).
fn v6_mask(prefix: u8) -> u128 {
    128u32.checked_sub(u32::from(prefix)).and_then(|s| u128::MAX.checked_shl(s)).unwrap_or(0)
}

/// An IPv4 or IPv6 address with no brackets, no port and no whitespace.
fn parse_plain(bytes: &[u8]) -> Option<IpAddr> {
    if bytes.contains(&b':') {
        Some(canonical(IpAddr::V6(parse_v6(bytes)?)))
    } else {
        Some(IpAddr::V4(parse_v4(bytes)?))
    }
}

/// Dotted-quad IPv4; `core`'s parser rejects leading zeros, missing octets and non-decimal forms.
fn parse_v4(bytes: &[u8]) -> Option<Ipv4Addr> {
    if !bytes.iter().all(|&b| b == b'.' || b.is_ascii_digit()) {
        return None;
    }
    core::str::from_utf8(bytes).ok()?.parse().ok()
}

/// IPv6 text form (RFC 4291 §2.2, including an embedded dotted quad); `core`'s parser rejects zone ids.
fn parse_v6(bytes: &[u8]) -> Option<Ipv6Addr> {
    if !bytes.iter().all(|&b| b == b':' || b == b'.' || b.is_ascii_hexdigit()) {
        return None;
    }
    core::str::from_utf8(bytes).ok()?.parse().ok()
}

/// `:` followed by a decimal port (1 to 5 digits, at most 65535) or an RFC 7239 obfuscated port.
fn is_port_suffix(bytes: &[u8]) -> bool {
    let Some(port) = bytes.strip_prefix(b":") else { return false };
    if let Some(obf) = port.strip_prefix(b"_") {
        return !obf.is_empty() && obf.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    }
    if port.is_empty() || port.len() > 5 || !port.iter().all(u8::is_ascii_digit) {
        return false;
    }
    port.iter()
        .try_fold(0u32, |acc, &d| acc.checked_mul(10)?.checked_add(u32::from(d.checked_sub(b'0')?)))
        .is_some_and(|v| v <= 65535)
}

/// A CIDR prefix length: 1 to 3 decimal digits, no leading zero (except `0` itself).
fn parse_prefix(bytes: &[u8]) -> Option<u8> {
    if bytes.is_empty() || bytes.len() > 3 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if bytes.len() > 1 && bytes.first() == Some(&b'0') {
        return None;
    }
    let v = bytes.iter().try_fold(0u16, |acc, &d| acc.checked_mul(10)?.checked_add(u16::from(d.checked_sub(b'0')?)))?;
    u8::try_from(v).ok()
}

/// One entry of the forwarding chain.
#[derive(Clone, Copy)]
enum Hop {
    Addr(IpAddr),
    Malformed,
}

/// The entries of one forwarding header, left to right across all its lines, empty elements skipped.
#[derive(Clone)]
struct Chain<'a> {
    lines: core::slice::Iter<'a, &'a [u8]>,
    rest: &'a [u8],
    header: ChainHeader,
}

impl<'a> Chain<'a> {
    fn new(lines: &'a [&'a [u8]], header: ChainHeader) -> Self {
        Chain { lines: lines.iter(), rest: &[], header }
    }
}

impl Iterator for Chain<'_> {
    type Item = Hop;

    fn next(&mut self) -> Option<Hop> {
        loop {
            while self.rest.is_empty() {
                self.rest = self.lines.next()?;
            }
            let quoted = self.header == ChainHeader::Forwarded;
            let (element, rest) = split_unquoted(self.rest, b',', quoted);
            self.rest = rest;
            let element = trim_ows(element);
            if element.is_empty() {
                continue;
            }
            let ip = match self.header {
                ChainHeader::XForwardedFor => parse_ip(element),
                ChainHeader::Forwarded => forwarded_for(element),
            };
            return Some(ip.map_or(Hop::Malformed, Hop::Addr));
        }
    }
}

/// Splits at the first `sep` (outside double quotes when `quoted`): the part before, and the part after.
/// Without a separator the whole input is the first part and the rest is empty.
fn split_unquoted(bytes: &[u8], sep: u8, quoted: bool) -> (&[u8], &[u8]) {
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if in_quotes {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_quotes = false;
            }
        } else if quoted && b == b'"' {
            in_quotes = true;
        } else if b == sep {
            let (head, tail) = bytes.split_at_checked(i).unwrap_or((bytes, &[]));
            return (head, tail.get(1..).unwrap_or(&[]));
        }
    }
    (bytes, &[])
}

/// Strips spaces and horizontal tabs (HTTP optional whitespace) from both ends.
fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// RFC 7230 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The address in the single `for` parameter of one `Forwarded` element, if the element is well formed.
///
/// Pairs are `token=value` separated by `;` (spaces around pairs tolerated); a value is a token-like run of
/// visible ASCII or a complete quoted-string. Unquoted IPv6 and ports are tolerated even though RFC 7239
/// requires quotes, because common proxies emit them; the address itself is still parsed strictly. A `for`
/// value containing a backslash escape is refused.
fn forwarded_for(element: &[u8]) -> Option<IpAddr> {
    let mut found: Option<IpAddr> = None;
    let mut rest = element;
    while !rest.is_empty() {
        let (pair, tail) = split_unquoted(rest, b';', true);
        rest = tail;
        let pair = trim_ows(pair);
        if pair.is_empty() {
            continue;
        }
        let eq = pair.iter().position(|&b| b == b'=')?;
        let (name, value) = pair.split_at_checked(eq)?;
        let value = value.get(1..)?;
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
            return None;
        }
        let text = match value.strip_prefix(b"\"") {
            Some(q) => {
                let inner = q.strip_suffix(b"\"")?;
                if !quoted_content_ok(inner) {
                    return None;
                }
                inner
            }
            None => {
                if value.is_empty() || !value.iter().all(|&b| b.is_ascii_graphic() && b != b'"') {
                    return None;
                }
                value
            }
        };
        if name.eq_ignore_ascii_case(b"for") {
            if found.is_some() || text.contains(&b'\\') {
                return None;
            }
            found = Some(parse_ip(text)?);
        }
    }
    found
}

/// Whether `inner` is the content of a valid quoted-string: no bare `"`, no dangling `\`, no controls.
fn quoted_content_ok(inner: &[u8]) -> bool {
    let mut escaped = false;
    for &b in inner {
        let visible = b == b'\t' || (b >= 0x20 && b != 0x7F);
        if !visible {
            return false;
        }
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            return false;
        }
    }
    !escaped
}

/// `Cidrs` mode, in one left-to-right pass. `acc` is the answer the chain seen so far would give if it ended
/// here, with `None` meaning "the next well-formed address to the right" (chain empty or just malformed).
fn by_cidrs(peer: IpAddr, chain: Chain<'_>, cidrs: &[Cidr]) -> IpAddr {
    let trusted = |ip: IpAddr| cidrs.iter().any(|c| c.contains(ip));
    if !trusted(peer) {
        return peer;
    }
    let mut acc: Option<IpAddr> = None;
    for hop in chain {
        acc = match hop {
            Hop::Malformed => None,
            Hop::Addr(ip) if !trusted(ip) => Some(ip),
            Hop::Addr(ip) => Some(acc.unwrap_or(ip)),
        };
    }
    acc.unwrap_or(peer)
}

/// `Hops` mode, in two left-to-right passes: count the entries and find the right-most malformed one, then
/// fetch the entry `hops` left of the peer, never at or left of a malformed entry.
fn by_hops(peer: IpAddr, chain: Chain<'_>, hops: usize) -> IpAddr {
    let mut total = 0usize;
    let mut floor = 0usize;
    for hop in chain.clone() {
        total = total.saturating_add(1);
        if let Hop::Malformed = hop {
            floor = total;
        }
    }
    let target = total.saturating_sub(hops).max(floor);
    if target >= total {
        return peer;
    }
    match chain.clone().nth(target) {
        Some(Hop::Addr(ip)) => ip,
        _ => peer,
    }
}
