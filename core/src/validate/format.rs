//! String formats for JSON Schema validation: whether an unescaped string value matches a `"format"`.
//!
//! Decides, for each of the ten [`Format`]s, whether a string has exactly the syntax (and, for
//! [`Format::HttpsUrl`], the destination class) that its variant documents. Guarantees that every check is
//! total (it never panics, whatever the input), allocation-free, a linear left-to-right scan of the bytes,
//! and accepts nothing longer than [`Format::max_len`]. Never decodes UTF-8 (every non-ASCII byte is
//! rejected), never uses floats, recursion or `unsafe`, and never resolves a name: [`Format::HttpsUrl`] judges
//! the text of a URL, not where DNS would send it.

/// A string format named by a JSON Schema `"format"` keyword.
///
/// Every format is ASCII-only and has no surrounding whitespace. The rules below are exact: a string is
/// accepted if and only if it matches them and is at most [`Format::max_len`] bytes long. Where these rules
/// are stricter than the JSON-Schema-Test-Suite (email: quoted local parts, address literals, single-label
/// and numeric domains), the variant says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `email`: a pragmatic RFC 5321 mailbox, `local@domain`, at most 254 bytes.
    ///
    /// - The local part is an RFC 5322 dot-atom: 1 to 64 bytes of `atext` (letters, digits and
    ///   ``!#$%&'*+-/=?^_`{|}~``) with single dots between atoms, so no leading, trailing or doubled dot.
    /// - Quoted local parts (`"joe bloggs"@example.com`) are rejected, although RFC 5321 allows them:
    ///   they are vanishingly rare in real addresses and a common source of parser disagreements.
    /// - The domain follows the [`Format::Hostname`] rules (no trailing dot) and must have at least two
    ///   labels (`user@localhost`, `test@io` are rejected: a dotless domain is not deliverable on the public
    ///   Internet), and its last label must not be all digits (`test@255.255.255.255` is rejected: a top-level
    ///   domain is never numeric, RFC 3696 section 2, so such a domain is an IPv4 address in disguise).
    /// - Address literals (`joe@[127.0.0.1]`, `joe@[IPv6:::1]`) are rejected.
    /// - Internationalized addresses (RFC 6531, any non-ASCII byte) are rejected; a punycode (`xn--`) domain
    ///   is an ordinary hostname and is accepted.
    Email,
    /// `uuid`: the RFC 9562 (formerly RFC 4122) text form, `8-4-4-4-12` hexadecimal digits with hyphens,
    /// exactly 36 bytes.
    ///
    /// Upper, lower and mixed case are accepted. Every version and variant nibble is accepted (the nil and
    /// max UUIDs included): the format is about the text, not the generator. Braces, a `urn:uuid:` prefix
    /// and the 32-digit form without hyphens are rejected.
    Uuid,
    /// `date`: an RFC 3339 `full-date`, `YYYY-MM-DD`, exactly 10 bytes.
    ///
    /// Any four-digit year `0000`-`9999` (no sign, no extended years); month `01`-`12`; day from `01` to the
    /// length of that month in the proleptic Gregorian calendar, February having 29 days in a year divisible
    /// by 4 and not by 100, or divisible by 400 (so `2000-02-29` and `0400-02-29` are valid, `2100-02-29` is
    /// not). ISO 8601 forms outside RFC 3339 (`20230328`, `2023-W01`, `2013-350`) are rejected.
    Date,
    /// `date-time`: an RFC 3339 `date-time`, a [`Format::Date`], the separator `T` or `t`, and a
    /// [`Format::Time`]; at most 64 bytes.
    ///
    /// A space separator and a missing offset are rejected (JSON Schema requires the RFC 3339 profile of
    /// ISO 8601). The leap-second rule is the one of [`Format::Time`]; the date is not checked against the
    /// list of dates that actually had a leap second (`2021-03-14T23:59:60Z` is accepted).
    DateTime,
    /// `time`: an RFC 3339 `full-time`, `HH:MM:SS[.frac](Z|z|+HH:MM|-HH:MM)`, at most 53 bytes.
    ///
    /// - Hour `00`-`23`, minute `00`-`59`, second `00`-`60`; every field exactly two digits.
    /// - The fraction, if present, is a `.` and one or more digits, any number of them as long as the whole
    ///   text fits [`Format::max_len`] (38 digits with a numeric offset, 43 with `Z`): RFC 3339 sets no
    ///   limit, and the test suite's fifteen-digit fraction is valid. `,` as the decimal mark is rejected.
    /// - The offset is required (as in RFC 3339 and JSON Schema): `Z` or `z` (RFC 3339 section 5.6 note), or a
    ///   sign, hour `00`-`23`, `:`, minute `00`-`59`. `-00:00` (unknown local offset) is accepted.
    /// - Second `60` (a leap second) is accepted only when the time is `23:59:60` in UTC once the offset is
    ///   applied, so `23:59:60Z` and `15:59:60-08:00` are valid and `23:59:60+01:00` is not, matching the
    ///   JSON-Schema-Test-Suite.
    Time,
    /// `ipv4`: an RFC 2673 dotted quad, exactly four decimal parts `0`-`255` separated by `.`, 7 to 15 bytes.
    ///
    /// A part has no leading zero (`01`, `010` and `00` are rejected: stricter than RFC 2673's `decbyte`,
    /// because `inet_aton` and browsers read such parts as octal); there is no sign, whitespace, hexadecimal
    /// (`0x7f`), shortened (`127.1`) or integer (`2130706433`) form, no port and no prefix length.
    Ipv4,
    /// `ipv6`: an RFC 4291 section 2.2 text address, at most 45 bytes.
    ///
    /// Eight groups of 1 to 4 hexadecimal digits (either case) separated by `:`; one `::` may stand for one or
    /// more zero groups (`::`, `::1`, `1::`, `1:2:3:4:5:6:7::` are valid; `1::2::3`, `:::` and nine groups are
    /// not); the last 32 bits may be written as a strict [`Format::Ipv4`] dotted quad (`::ffff:1.2.3.4`,
    /// `1:2:3:4:5:6:1.2.3.4`). Zone ids (`fe80::1%eth0`), brackets and prefix lengths are rejected: they
    /// belong to URLs, socket APIs and CIDR notation, not to an address.
    Ipv6,
    /// `hostname`: an RFC 1123 host name, at most 253 bytes.
    ///
    /// Dot-separated labels of 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen;
    /// no empty label. A single label (`localhost`) is accepted. A trailing dot (the fully qualified
    /// `example.com.`) is rejected, as is any non-ASCII byte; punycode labels (`xn--...`) are accepted as
    /// plain letters-digits-hyphens without decoding them. An all-numeric name such as `1.2.3.4` is
    /// syntactically a host name and is accepted here (use [`Format::HttpsUrl`] where that matters).
    Hostname,
    /// `uri`: an RFC 3986 absolute URI, `scheme ":" hier-part ["?" query] ["#" fragment]`, at most 2048
    /// bytes.
    ///
    /// - The scheme is a letter followed by letters, digits, `+`, `-` or `.`. Relative references
    ///   (`//host/x`, `/abc`, `abc`) are rejected.
    /// - Every other byte belongs to the RFC 3986 set of its component, and every `%` starts a well-formed
    ///   `%HH` escape. Spaces, `"`, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`, `}` and any non-ASCII byte (IRIs) are
    ///   rejected.
    /// - After `//`, the authority is `[userinfo "@"] host [":" port]`: the host is a reg-name (possibly
    ///   empty, as in `file:///etc`, and including IPv4-looking text, even `999.999.999.999`, since RFC 3986
    ///   falls back to reg-name), an `[IPv6]` literal checked by the [`Format::Ipv6`] rules, or an RFC 3986
    ///   `[vX.future]` literal; the port is zero or more digits. IPv6 zone ids (RFC 6874 `%25`) are rejected.
    /// - Nothing about the scheme's own syntax is checked (`http:` without a host is a valid URI).
    Uri,
    /// `https-url`: an outbound URL that is safe to hand to an HTTP client (server-side request forgery
    /// guard), at most 2048 bytes.
    ///
    /// A valid [`Format::Uri`] whose scheme is `https` (any case), with an authority, and:
    ///
    /// - no userinfo: any `@` in the authority, even `https://@host`, is rejected;
    /// - a port, if written, of 1 to 5 digits without leading zero, `1`-`65535` (`:0`, `:0443` and an
    ///   empty port are rejected);
    /// - a host that is one of:
    ///   - a DNS name following the [`Format::Hostname`] rules (no percent-escapes, no underscore, no trailing
    ///     dot) with at least two labels, not `localhost` and not inside the zones `localhost`, `localdomain`
    ///     (`localhost.localdomain` is a common `/etc/hosts` alias of loopback), `local` (mDNS), `internal`
    ///     (which includes `metadata.google.internal`) or `home.arpa` (RFC 8375), compared ASCII
    ///     case-insensitively. A single-label name is rejected because resolvers complete it with local
    ///     search domains;
    ///   - a strict dotted-quad IPv4 address outside `0.0.0.0/8`, `10.0.0.0/8`, `100.64.0.0/10`, `127.0.0.0/8`,
    ///     `169.254.0.0/16` (with the `169.254.169.254` metadata service), `172.16.0.0/12`, `192.0.0.0/24`,
    ///     `192.0.2.0/24`, `192.168.0.0/16`, `198.18.0.0/15`, `198.51.100.0/24`, `203.0.113.0/24`,
    ///     `224.0.0.0/4` and `240.0.0.0/4` (with `255.255.255.255`). Any host whose last label is all digits
    ///     or starts with `0x`/`0X` must be such an address, so the other notations that browsers and
    ///     `inet_aton` read as IPv4 (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) are rejected;
    ///   - an `[IPv6]` literal in global unicast `2000::/3` outside `2001::/23` (IETF protocol assignments:
    ///     Teredo, benchmarking, ORCHID), `2001:db8::/32` and `3fff::/20` (documentation) and `2002::/16`
    ///     (6to4, which embeds an IPv4 address), or a NAT64 `64:ff9b::/96` address whose embedded IPv4
    ///     address is allowed above. Everything else is rejected, in particular `::`, `::1`, the IPv4-mapped
    ///     `::ffff:0:0/96` (even of a public address: write the IPv4 address itself) and IPv4-compatible
    ///     `::/96`, `64:ff9b:1::/48`, `100::/64`, `fc00::/7` (with `fd00:ec2::254`), `fe80::/10`,
    ///     `fec0::/10` and `ff00::/8`. `IPvFuture` literals are rejected.
    ///
    /// Path, query and fragment are as in [`Format::Uri`]. This is a check of the text only: a public name
    /// can still resolve to a private, loopback or metadata address (DNS rebinding included), so the caller
    /// must still resolve the name itself, refuse private addresses at connect time and pin the checked
    /// address for the request.
    HttpsUrl,
}

impl Format {
    /// Every format, in declaration order.
    pub const ALL: [Format; 10] = [
        Format::Email,
        Format::Uuid,
        Format::Date,
        Format::DateTime,
        Format::Time,
        Format::Ipv4,
        Format::Ipv6,
        Format::Hostname,
        Format::Uri,
        Format::HttpsUrl,
    ];

    /// The JSON Schema `"format"` name: `email`, `uuid`, `date`, `date-time`, `time`, `ipv4`, `ipv6`,
    /// `hostname`, `uri` or `https-url`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Format::Email => "email",
            Format::Uuid => "uuid",
            Format::Date => "date",
            Format::DateTime => "date-time",
            Format::Time => "time",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Hostname => "hostname",
            Format::Uri => "uri",
            Format::HttpsUrl => "https-url",
        }
    }

    /// The format whose [`name`](Format::name) is exactly `name` (case-sensitive), if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The length in bytes of the longest text the format accepts; [`check`](Format::check) rejects anything
    /// longer without reading it, and a validator may do the same before calling it.
    ///
    /// `email` 254, `uuid` 36, `date` 10, `date-time` 64, `time` 53, `ipv4` 15, `ipv6` 45, `hostname` 253,
    /// `uri` 2048, `https-url` 2048. Each bound is reached by some accepted text.
    #[must_use]
    pub const fn max_len(self) -> usize {
        match self {
            Format::Email => 254,
            Format::Uuid => 36,
            Format::Date => 10,
            Format::DateTime => 64,
            Format::Time => 53,
            Format::Ipv4 => 15,
            Format::Ipv6 => 45,
            Format::Hostname => MAX_HOSTNAME,
            Format::Uri | Format::HttpsUrl => 2048,
        }
    }

    /// Whether `text`, an already-unescaped JSON string value, has this format (see each variant).
    ///
    /// Total: returns `false` for any text that does not match, including text longer than
    /// [`max_len`](Format::max_len), and never panics.
    #[must_use]
    pub fn check(self, text: &str) -> bool {
        let s = text.as_bytes();
        if s.len() > self.max_len() {
            return false;
        }
        match self {
            Format::Email => email(s),
            Format::Uuid => uuid(s),
            Format::Date => date(s),
            Format::DateTime => date_time(s),
            Format::Time => time(s),
            Format::Ipv4 => parse_ipv4(s).is_some(),
            Format::Ipv6 => parse_ipv6(s).is_some(),
            Format::Hostname => hostname(s).is_some(),
            Format::Uri => parse_uri(s).is_some(),
            Format::HttpsUrl => https_url(s),
        }
    }
}

/// Longest host name (RFC 1035 section 2.3.4: 255 octets on the wire, 253 in text without the final dot).
const MAX_HOSTNAME: usize = 253;
/// Longest host name label.
const MAX_LABEL: usize = 63;
/// Longest email local part (RFC 5321 section 4.5.3.1.1).
const MAX_LOCAL_PART: usize = 64;
/// Minutes in a day, for applying a time offset.
const MINUTES_PER_DAY: u32 = 24 * 60;

// Byte classes, one bit each, looked up in `CLASSES`.
/// RFC 3986 `unreserved`: ALPHA DIGIT `-._~`.
const UNRESERVED: u16 = 1;
/// RFC 3986 `sub-delims`: `!$&'()*+,;=`.
const SUB_DELIM: u16 = 1 << 1;
/// `:`.
const COLON: u16 = 1 << 2;
/// `@`.
const AT: u16 = 1 << 3;
/// `/`.
const SLASH: u16 = 1 << 4;
/// `?`.
const QUESTION: u16 = 1 << 5;
/// Email local-part characters: RFC 5322 `atext` (ALPHA DIGIT ``!#$%&'*+-/=?^_`{|}~``) and `.`.
const LOCAL: u16 = 1 << 6;
/// RFC 3986 scheme characters after the first: ALPHA DIGIT `+-.`.
const SCHEME: u16 = 1 << 7;
/// Hexadecimal digits: DIGIT `A-F` `a-f`.
const HEX: u16 = 1 << 8;
/// Host name label characters: letters, digits, `-`.
const LABEL: u16 = 1 << 9;

/// RFC 3986 `userinfo` characters besides `%HH`.
const USERINFO: u16 = UNRESERVED | SUB_DELIM | COLON;
/// RFC 3986 `reg-name` characters besides `%HH`.
const REG_NAME: u16 = UNRESERVED | SUB_DELIM;
/// RFC 3986 path characters (`pchar` and `/`) besides `%HH`.
const PATH: u16 = UNRESERVED | SUB_DELIM | COLON | AT | SLASH;
/// RFC 3986 `query` and `fragment` characters besides `%HH`.
const QUERY: u16 = PATH | QUESTION;

/// The class bits of every byte value; all bytes from 0x80 up (and controls, space) have none.
const CLASSES: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut rest: &mut [u16] = &mut table;
    let mut b: u8 = 0;
    while let [slot, tail @ ..] = rest {
        *slot = class_of(b);
        b = b.wrapping_add(1);
        rest = tail;
    }
    table
};

/// The class bits of one byte (used once, at compile time, to fill `CLASSES`).
const fn class_of(b: u8) -> u16 {
    match b {
        b'0'..=b'9' | b'A'..=b'F' | b'a'..=b'f' => UNRESERVED | LOCAL | SCHEME | HEX | LABEL,
        b'G'..=b'Z' | b'g'..=b'z' => UNRESERVED | LOCAL | SCHEME | LABEL,
        b'-' => UNRESERVED | LOCAL | SCHEME | LABEL,
        b'.' => UNRESERVED | LOCAL | SCHEME,
        b'_' | b'~' => UNRESERVED | LOCAL,
        b'+' => SUB_DELIM | LOCAL | SCHEME,
        b'!' | b'$' | b'&' | b'\'' | b'*' | b'=' => SUB_DELIM | LOCAL,
        b'(' | b')' | b',' | b';' => SUB_DELIM,
        b':' => COLON,
        b'@' => AT,
        b'/' => SLASH | LOCAL,
        b'?' => QUESTION | LOCAL,
        b'#' | b'%' | b'^' | b'`' | b'{' | b'|' | b'}' => LOCAL,
        _ => 0,
    }
}

/// The class bits of `b`.
fn class(b: u8) -> u16 {
    CLASSES.get(usize::from(b)).copied().unwrap_or(0)
}

/// Whether `b` is a hexadecimal digit.
fn is_hex(b: u8) -> bool {
    class(b) & HEX != 0
}

/// The value of a hexadecimal digit.
fn hex_value(b: u8) -> Option<u16> {
    // `0`-`9` are 0x30-0x39; `A`-`F` and `a`-`f` are 0x41-0x46 and 0x61-0x66, whose bit 6 is set.
    is_hex(b).then(|| u16::from(b & 0x0f) + 9 * u16::from(b >> 6))
}

/// The value of the `len` (at most 9, so it fits a `u32`) decimal digits at `s[from..]`, if they are all digits.
fn digits(s: &[u8], from: usize, len: usize) -> Option<u32> {
    let field = s.get(from..from.checked_add(len)?)?;
    let mut value = 0u32;
    for &b in field {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u32::from(b - b'0');
    }
    Some(value)
}

/// Whether `s` is non-empty and all ASCII digits.
fn all_digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

// ---------------------------------------------------------------------------------------------------------
// email, uuid

/// [`Format::Email`].
fn email(s: &[u8]) -> bool {
    // The local part is an RFC 5322 `dot-atom-text` (atoms of `atext` joined by single dots), read up to
    // the `@`, which `atext` does not contain; the rest is the domain. Each part is one scan for the
    // first byte outside its class, then checks on its shape.
    let at = s.iter().position(|&b| class(b) & LOCAL == 0).unwrap_or(s.len());
    let (Some(local), Some(b'@'), Some(domain)) = (s.get(..at), s.get(at), s.get(at + 1..)) else { return false };
    if at > MAX_LOCAL_PART || local.split(|&b| b == b'.').any(<[u8]>::is_empty) {
        return false;
    }
    match hostname(domain) {
        Some(shape) => shape.labels >= 2 && !all_digits(domain.get(shape.last..).unwrap_or_default()),
        None => false,
    }
}

/// [`Format::Uuid`].
fn uuid(s: &[u8]) -> bool {
    if s.len() != 36 {
        return false;
    }
    let mut rest = s;
    for (n, len) in [8, 4, 4, 4, 12].into_iter().enumerate() {
        let Some((group, tail)) = rest.split_at_checked(len) else { return false };
        if !group.iter().all(|&b| is_hex(b)) {
            return false;
        }
        match tail.split_first() {
            Some((b'-', after)) if n < 4 => rest = after,
            None => return n == 4,
            _ => return false,
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------------------
// date, time, date-time

/// [`Format::Date`].
fn date(s: &[u8]) -> bool {
    s.len() == 10 && full_date(s).is_some()
}

/// RFC 3339 `full-date` at the start of `s` (exactly its first 10 bytes).
fn full_date(s: &[u8]) -> Option<()> {
    let year = digits(s, 0, 4)?;
    let month = digits(s, 5, 2)?;
    let day = digits(s, 8, 2)?;
    if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some(())
}

/// [`Format::Time`].
fn time(s: &[u8]) -> bool {
    full_time(s).is_some()
}

/// [`Format::DateTime`].
fn date_time(s: &[u8]) -> bool {
    matches!(s.get(10), Some(b'T' | b't'))
        && s.get(..10).and_then(full_date).is_some()
        && s.get(11..).and_then(full_time).is_some()
}

/// RFC 3339 `full-time`, the whole of `s`.
fn full_time(s: &[u8]) -> Option<()> {
    let hour = digits(s, 0, 2)?;
    let minute = digits(s, 3, 2)?;
    let second = digits(s, 6, 2)?;
    if s.get(2) != Some(&b':') || s.get(5) != Some(&b':') || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 8;
    if s.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    // Minutes to add to the local time to get UTC, modulo a day (0 to MINUTES_PER_DAY inclusive).
    let to_utc = match s.get(i) {
        Some(b'Z' | b'z') => {
            i += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let offset_hour = digits(s, i + 1, 2)?;
            let offset_minute = digits(s, i + 4, 2)?;
            if s.get(i + 3) != Some(&b':') || offset_hour > 23 || offset_minute > 59 {
                return None;
            }
            i += 6;
            let offset = offset_hour * 60 + offset_minute;
            if sign == b'+' {
                MINUTES_PER_DAY - offset
            } else {
                offset
            }
        }
        _ => return None,
    };
    if i != s.len() {
        return None;
    }
    if second == 60 && (hour * 60 + minute + to_utc) % MINUTES_PER_DAY != 23 * 60 + 59 {
        return None;
    }
    Some(())
}

// ---------------------------------------------------------------------------------------------------------
// ipv4, ipv6, hostname

/// A strict dotted quad: four decimal parts 0-255 without leading zeros, nothing else.
fn parse_ipv4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut part = 0usize;
    let mut value = 0u16;
    let mut len = 0u8;
    for &b in s {
        if b == b'.' {
            if len == 0 {
                return None;
            }
            *out.get_mut(part)? = u8::try_from(value).ok()?;
            part += 1;
            value = 0;
            len = 0;
        } else if b.is_ascii_digit() {
            if len == 3 || (len == 1 && value == 0) {
                return None;
            }
            value = value * 10 + u16::from(b - b'0');
            len += 1;
        } else {
            return None;
        }
    }
    if part != 3 || len == 0 {
        return None;
    }
    *out.get_mut(3)? = u8::try_from(value).ok()?;
    Some(out)
}

/// An RFC 4291 section 2.2 text address, as its 128 bits (first group most significant).
fn parse_ipv6(s: &[u8]) -> Option<u128> {
    // The groups before `::` (all of them if there is none) and after it, each packed into the low bits.
    let mut head = 0u128;
    let mut tail = 0u128;
    // Groups read so far (an embedded IPv4 address counts as two), and how many stood before `::`, if any.
    let mut n = 0u32;
    let mut before_gap = None;
    let mut i = 0usize;
    if s.first() == Some(&b':') {
        if s.get(1) != Some(&b':') {
            return None;
        }
        before_gap = Some(0);
        i = 2;
    }
    while i < s.len() {
        let start = i;
        let mut value = 0u16;
        while let Some(digit) = s.get(i).copied().and_then(hex_value) {
            if i - start == 4 {
                return None;
            }
            value = value << 4 | digit;
            i += 1;
        }
        let (bits, groups) = if s.get(i) == Some(&b'.') {
            // The embedded IPv4 address: the last two groups, up to the end of the text.
            i = s.len();
            (u128::from(u32::from_be_bytes(parse_ipv4(s.get(start..)?)?)), 2)
        } else if i == start {
            return None;
        } else {
            (u128::from(value), 1)
        };
        n += groups;
        if n > 8 {
            return None;
        }
        if before_gap.is_some() {
            tail = tail << (16 * groups) | bits;
        } else {
            head = head << (16 * groups) | bits;
        }
        match s.get(i) {
            None => break,
            Some(b':') if s.get(i + 1) == Some(&b':') => {
                if before_gap.is_some() {
                    return None;
                }
                before_gap = Some(n);
                i += 2;
            }
            Some(b':') if i + 1 < s.len() => i += 1,
            _ => return None,
        }
    }
    match before_gap {
        None if n == 8 => Some(head),
        // `::` stands for at least one zero group between the two halves.
        Some(before) if n < 8 => Some(head.checked_shl(16 * (8 - before)).unwrap_or(0) | tail),
        _ => None,
    }
}

/// The shape of a valid host name.
struct HostShape {
    /// Number of labels (at least 1).
    labels: usize,
    /// Byte index where the last label starts.
    last: usize,
}

/// [`Format::Hostname`]: RFC 1123 labels, no trailing dot.
fn hostname(s: &[u8]) -> Option<HostShape> {
    if s.is_empty() || s.len() > MAX_HOSTNAME {
        return None;
    }
    let mut shape = HostShape { labels: 1, last: 0 };
    loop {
        // A label: 1 to 63 letters, digits and hyphens, neither first nor last a hyphen.
        let rest = s.get(shape.last..)?;
        let len = rest.iter().position(|&b| class(b) & LABEL == 0).unwrap_or(rest.len());
        let label = rest.get(..len)?;
        if label.is_empty() || len > MAX_LABEL || label.first() == Some(&b'-') || label.last() == Some(&b'-') {
            return None;
        }
        match rest.get(len) {
            None => return Some(shape),
            Some(b'.') => {
                shape.labels += 1;
                shape.last += len + 1;
            }
            Some(_) => return None,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// uri, https-url

/// The parts of a valid URI that [`Format::HttpsUrl`] inspects.
struct UriView<'a> {
    /// The scheme, without the `:`.
    scheme: &'a [u8],
    /// The authority, if the hierarchical part starts with `//`.
    authority: Option<Authority<'a>>,
}

/// A valid URI authority.
struct Authority<'a> {
    /// The userinfo, without the `@`, if there is an `@`.
    userinfo: Option<&'a [u8]>,
    /// The host.
    host: Host<'a>,
    /// The port digits (possibly none), without the `:`, if there is a `:`.
    port: Option<&'a [u8]>,
}

/// A valid URI host.
enum Host<'a> {
    /// A reg-name (possibly empty, possibly IPv4 text), still percent-encoded.
    Name(&'a [u8]),
    /// An `[IPv6]` literal.
    V6(u128),
    /// An `[vX.future]` literal.
    Future,
}

/// Index of the first byte at or after `i` that is neither in `mask` nor part of a `%HH` escape;
/// `None` if a `%` is not followed by two hexadecimal digits.
fn scan(s: &[u8], mut i: usize, mask: u16) -> Option<usize> {
    while let Some(&b) = s.get(i) {
        if class(b) & mask != 0 {
            i += 1;
        } else if b == b'%' {
            let high = s.get(i + 1).copied().is_some_and(is_hex);
            let low = s.get(i + 2).copied().is_some_and(is_hex);
            if !(high && low) {
                return None;
            }
            i += 3;
        } else {
            break;
        }
    }
    Some(i)
}

/// [`Format::Uri`]: an RFC 3986 absolute URI.
fn parse_uri(s: &[u8]) -> Option<UriView<'_>> {
    if !s.first()?.is_ascii_alphabetic() {
        return None;
    }
    let mut i = 1;
    while s.get(i).is_some_and(|&b| class(b) & SCHEME != 0) {
        i += 1;
    }
    if s.get(i) != Some(&b':') {
        return None;
    }
    let scheme = s.get(..i)?;
    i += 1;
    let mut authority = None;
    if s.get(i) == Some(&b'/') && s.get(i + 1) == Some(&b'/') {
        let (parsed, end) = parse_authority(s, i + 2)?;
        authority = Some(parsed);
        i = end;
    }
    i = scan(s, i, PATH)?;
    if s.get(i) == Some(&b'?') {
        i = scan(s, i + 1, QUERY)?;
    }
    if s.get(i) == Some(&b'#') {
        i = scan(s, i + 1, QUERY)?;
    }
    (i == s.len()).then_some(UriView { scheme, authority })
}

/// The authority starting at `s[start..]`, and the index just past it (at `/`, `?`, `#` or the end).
fn parse_authority(s: &[u8], start: usize) -> Option<(Authority<'_>, usize)> {
    let mut i = start;
    let mut userinfo = None;
    let end = scan(s, i, USERINFO)?;
    if s.get(end) == Some(&b'@') {
        userinfo = Some(s.get(i..end)?);
        i = end + 1;
    }
    let host = if s.get(i) == Some(&b'[') {
        let open = i + 1;
        let close = open + s.get(open..)?.iter().position(|&b| b == b']')?;
        let literal = s.get(open..close)?;
        i = close + 1;
        if matches!(literal.first(), Some(b'v' | b'V')) {
            ip_future(literal).then_some(Host::Future)?
        } else {
            Host::V6(parse_ipv6(literal)?)
        }
    } else {
        let end = scan(s, i, REG_NAME)?;
        let name = s.get(i..end)?;
        i = end;
        Host::Name(name)
    };
    let mut port = None;
    if s.get(i) == Some(&b':') {
        let from = i + 1;
        i = from;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        port = Some(s.get(from..i)?);
    }
    match s.get(i) {
        None | Some(b'/' | b'?' | b'#') => Some((Authority { userinfo, host, port }, i)),
        _ => None,
    }
}

/// RFC 3986 `IPvFuture`: `v` 1*HEXDIG `.` 1*( unreserved / sub-delims / `:` ).
fn ip_future(s: &[u8]) -> bool {
    let Some(rest) = s.get(1..) else { return false };
    let hex = rest.iter().take_while(|&&b| is_hex(b)).count();
    match (rest.get(hex), rest.get(hex + 1..)) {
        (Some(b'.'), Some(tail)) => hex > 0 && !tail.is_empty() && tail.iter().all(|&b| class(b) & USERINFO != 0),
        _ => false,
    }
}

/// [`Format::HttpsUrl`].
fn https_url(s: &[u8]) -> bool {
    let Some(UriView { scheme, authority: Some(authority) }) = parse_uri(s) else { return false };
    if !scheme.eq_ignore_ascii_case(b"https") || authority.userinfo.is_some() {
        return false;
    }
    if let Some(port) = authority.port {
        // At most 5 digits before converting: `digits` must not see enough of them to overflow.
        if port.len() > 5 || port.first() == Some(&b'0') {
            return false;
        }
        if !digits(port, 0, port.len()).is_some_and(|p| (1..=65_535).contains(&p)) {
            return false;
        }
    }
    match authority.host {
        Host::Name(name) => public_name(name),
        Host::V6(bits) => public_ipv6(bits),
        Host::Future => false,
    }
}

/// Whether a reg-name is an allowed outbound host: a public-looking DNS name or a public IPv4 address.
fn public_name(name: &[u8]) -> bool {
    let Some(shape) = hostname(name) else { return false };
    let last = name.get(shape.last..).unwrap_or_default();
    if all_digits(last) || matches!(last, [b'0', b'x' | b'X', ..]) {
        return parse_ipv4(name).is_some_and(public_ipv4);
    }
    shape.labels >= 2 && !INTERNAL_ZONES.iter().any(|zone| in_zone(name, zone))
}

/// DNS zones whose names only resolve inside a host, a link or a private network.
const INTERNAL_ZONES: [&[u8]; 5] = [b"localhost", b"localdomain", b"local", b"internal", b"home.arpa"];

/// Whether `name` is `zone` or a name under it, ASCII case-insensitively.
fn in_zone(name: &[u8], zone: &[u8]) -> bool {
    let Some(cut) = name.len().checked_sub(zone.len()) else { return false };
    let (head, tail) = name.split_at(cut);
    tail.eq_ignore_ascii_case(zone) && (head.is_empty() || head.last() == Some(&b'.'))
}

/// IPv4 blocks an outbound request must never reach: `(network, prefix length)`.
const BLOCKED_IPV4: [(u32, u32); 14] = [
    (0x0000_0000, 8),  // 0.0.0.0/8 "this network"
    (0x0A00_0000, 8),  // 10.0.0.0/8 private
    (0x6440_0000, 10), // 100.64.0.0/10 shared address space (carrier-grade NAT)
    (0x7F00_0000, 8),  // 127.0.0.0/8 loopback
    (0xA9FE_0000, 16), // 169.254.0.0/16 link-local, cloud metadata 169.254.169.254
    (0xAC10_0000, 12), // 172.16.0.0/12 private
    (0xC000_0000, 24), // 192.0.0.0/24 IETF protocol assignments
    (0xC000_0200, 24), // 192.0.2.0/24 documentation (TEST-NET-1)
    (0xC0A8_0000, 16), // 192.168.0.0/16 private
    (0xC612_0000, 15), // 198.18.0.0/15 benchmarking
    (0xC633_6400, 24), // 198.51.100.0/24 documentation (TEST-NET-2)
    (0xCB00_7100, 24), // 203.0.113.0/24 documentation (TEST-NET-3)
    (0xE000_0000, 4),  // 224.0.0.0/4 multicast
    (0xF000_0000, 4),  // 240.0.0.0/4 reserved, with broadcast 255.255.255.255
];

/// Whether an IPv4 address is outside every [`BLOCKED_IPV4`] block.
fn public_ipv4(octets: [u8; 4]) -> bool {
    let address = u32::from_be_bytes(octets);
    BLOCKED_IPV4.iter().all(|&(network, prefix)| {
        let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
        address & mask != network
    })
}

/// Whether an IPv6 address is an allowed outbound destination (see [`Format::HttpsUrl`]).
fn public_ipv6(bits: u128) -> bool {
    let [f0, f1, s0, s1, .., o1, o2, o3, o4] = bits.to_be_bytes();
    if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 {
        // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052): as public as the IPv4 address it carries.
        return public_ipv4([o1, o2, o3, o4]);
    }
    let first = u16::from_be_bytes([f0, f1]);
    let second = u16::from_be_bytes([s0, s1]);
    let global_unicast = first & 0xe000 == 0x2000;
    let ietf_protocol = first == 0x2001 && second < 0x0200;
    let documentation = (first == 0x2001 && second == 0x0db8) || (first == 0x3fff && second < 0x1000);
    let six_to_four = first == 0x2002;
    global_unicast && !ietf_protocol && !documentation && !six_to_four
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};
    use std::string::String;
    use std::vec::Vec;

    fn table(format: Format, valid: &[&str], invalid: &[&str]) {
        for text in valid {
            assert!(format.check(text), "{} should accept {:?}", format.name(), text);
        }
        for text in invalid {
            assert!(!format.check(text), "{} should reject {:?}", format.name(), text);
        }
    }

    #[test]
    fn names_round_trip() {
        let names = ["email", "uuid", "date", "date-time", "time", "ipv4", "ipv6", "hostname", "uri", "https-url"];
        for (format, name) in Format::ALL.into_iter().zip(names) {
            assert_eq!(format.name(), name);
            assert_eq!(Format::from_name(name), Some(format));
        }
        for name in ["", "Email", "EMAIL", "datetime", "date_time", "https_url", "url", "uri-reference", "ipv4 "] {
            assert_eq!(Format::from_name(name), None, "{name:?}");
        }
    }

    const EMAIL_VALID: &[&str] = &[
        "joe.bloggs@example.com",
        "te~st@example.com",
        "~test@example.com",
        "test~@example.com",
        "te.s.t@example.com",
        "test@c--n.com",
        "test@123.com",
        "a@b.co",
        "A@B.CO",
        "user+tag@sub.example.org",
        "!#$%&'*+-/=?^_`{|}~@example.com",
        "o'reilly@example.ie",
        "x@xn--4gbwdl.xn--wgbh1c",
        "first.middle.last@a-b.c-d.example",
        "1234567890@example.com",
        "user@example.com1",
        "a.b.c.d.e.f@g.h",
    ];

    const EMAIL_INVALID: &[&str] = &[
        "",
        "2962",
        "@example.com",
        "joe.bloggs@",
        "joe.bloggs@invalid=domain.com",
        ".test@example.com",
        "test.@example.com",
        "te..st@example.com",
        "joe bloggs@example.com",
        "\"joe bloggs\"@example.com",
        "\"joe..bloggs\"@example.com",
        "\"\"@iana.org",
        "joe.bloggs@[127.0.0.1]",
        "joe.bloggs@[IPv6:::1]",
        "joe.bloggs@[127.0.0.300]",
        "user1@oceania.org, user2@oceania.org",
        "\"Winston Smith\" <winston.smith@recdep.minitrue> (Records Department)",
        "a\u{e9}@iana.org",
        "a@\u{e9}.org",
        "a\u{ff20}iana.org",
        "test@iana.org\n",
        "test@iana.org\r",
        "a@iana.org ",
        " a@iana.org",
        "a\tb@iana.org",
        "\u{7f}@iana.org",
        "test\"@iana.org",
        "a@b@c.org",
        "test\\@test@iana.org",
        "[1.2.3.4]@iana.org",
        "test@-iana.org",
        "test@iana-.com",
        "test@.iana.org",
        "test@iana.org.",
        "test@iana..com",
        "test@io",
        "user@localhost",
        "test@255.255.255.255",
        "test@example.123",
        "a,b@iana.org",
        "a;b@iana.org",
        "a:b@iana.org",
        "test(comment)@iana.org",
        "a@b(c).org",
        "a@b_c.org",
        "a@",
        "@",
        "a@.",
    ];

    #[test]
    fn email() {
        table(Format::Email, EMAIL_VALID, EMAIL_INVALID);
        let local64 = "a".repeat(64);
        assert!(Format::Email.check(&std::format!("{local64}@example.com")));
        assert!(!Format::Email.check(&std::format!("{local64}b@example.com")));
    }

    const UUID_VALID: &[&str] = &[
        "2EB8AA08-AA98-11EA-B4AA-73B441D16380",
        "2eb8aa08-aa98-11ea-b4aa-73b441d16380",
        "2eb8aa08-AA98-11ea-B4Aa-73B441D16380",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "98d80576-482e-427f-8434-7f86890ab222",
        "99c17cbb-656f-564a-940f-1a4568f03487",
        "99c17cbb-656f-664a-940f-1a4568f03487",
        "99c17cbb-656f-f64a-940f-1a4568f03487",
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
        "1ec9414c-232a-6b00-b3c8-9e6bdeced846",
        "c232ab00-9414-11ec-b3c8-9f6bdeced846",
        "320c3d4d-cc00-875b-8ec9-32d5f69181c0",
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
        "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
    ];

    const UUID_INVALID: &[&str] = &[
        "",
        "2eb8aa08-aa98-11ea-b4aa-73b441d1638",
        "2eb8aa08-aa98-11ea-b4aa-73b441d163800",
        "2eb8aa08-aa98-11ea-73b441d16380",
        "2eb8aa08-aa98-11ea-b4ga-73b441d16380",
        "2eb8aa08aa9811eab4aa73b441d16380",
        "2eb8aa08aa98-11ea-b4aa73b441d16380",
        "2eb8-aa08-aa98-11ea-b4aa73b44-1d16380",
        "2eb8aa08aa9811eab4aa73b441d16380----",
        "2eb8aa0-8aa98-11e-ab4aa7-3b441d16380",
        "urn:uuid:2eb8aa08-aa98-11ea-b4aa-73b441d16380",
        "{2eb8aa08-aa98-11ea-b4aa-73b441d16380}",
        " 2eb8aa08-aa98-11ea-b4aa-73b441d16380",
        "2eb8aa08-aa98-11ea-b4aa-73b441d16380 ",
        "2eb8aa08_aa98_11ea_b4aa_73b441d16380",
        "2eb8aa08-aa98-11ea-b4aa-73b441d1638\u{e9}",
        "g0000000-0000-0000-0000-000000000000",
        "+0000000-0000-0000-0000-000000000000",
        "0x000000-0000-0000-0000-000000000000",
        "00000000-0000-0000-0000-00000000000 ",
        "00000000--000-0000-0000-000000000000",
        "00000000-0000-0000-0000-0000000000000",
        "00000000:0000:0000:0000:000000000000",
        "00000000-0000-0000-0000-00000000000G",
        "------------------------------------",
    ];

    #[test]
    fn uuid() {
        table(Format::Uuid, UUID_VALID, UUID_INVALID);
    }

    const DATE_VALID: &[&str] = &[
        "1963-06-19",
        "2020-01-31",
        "2021-02-28",
        "2020-02-29",
        "2000-02-29",
        "0400-02-29",
        "2020-03-31",
        "2020-04-30",
        "2020-05-31",
        "2020-06-30",
        "2020-07-31",
        "2020-08-31",
        "2020-09-30",
        "2020-10-31",
        "2020-11-30",
        "2020-12-31",
        "0000-01-01",
        "0000-02-29",
        "0001-01-01",
        "9999-12-31",
        "2024-02-29",
    ];

    const DATE_INVALID: &[&str] = &[
        "",
        "2020-01-32",
        "2020-02-30",
        "2021-02-29",
        "1900-02-29",
        "2100-02-29",
        "0100-02-29",
        "2020-03-32",
        "2020-04-31",
        "2020-06-31",
        "2020-09-31",
        "2020-11-31",
        "2020-12-32",
        "06/19/1963",
        "2013-350",
        "1998-1-20",
        "1998-01-1",
        "1998-13-01",
        "2024-00-15",
        "2024-01-00",
        "1963-06-1\u{9ea}",
        "2020-0\u{9ea}-01",
        "20230328",
        "2023-W01",
        "2023-W13-2",
        "2022W527",
        "2020-11-28T23:55:45Z",
        " 2024-01-15",
        "2024-01-15 ",
        "2020 -01-01",
        "2020-01-01X",
        "2020-01-01Z",
        "2020-01-01 00:00:00Z",
        "20-01-01",
        "998-01-01",
        "12020-01-01",
        "+2020-01-01",
        "-2020-01-01",
        "YYYY-01-01",
        "2020-001-01",
        "2020-01-001",
        "2020:01:01",
        "2020.01.01",
        "2020-01/01",
        "2020--01-01",
        "2020-01--01",
        "2020-+1-01",
        "2020-1 -01",
    ];

    #[test]
    fn date() {
        table(Format::Date, DATE_VALID, DATE_INVALID);
        // Every day of a 400-year cycle agrees with an independent day count.
        let mut days_seen = 0u32;
        for year in 2000..2400u32 {
            for month in 1..=12u32 {
                for day in 1..=32u32 {
                    let text = std::format!("{year:04}-{month:02}-{day:02}");
                    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
                    let len = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
                    let expected = day <= len[usize::try_from(month - 1).unwrap()];
                    assert_eq!(Format::Date.check(&text), expected, "{text}");
                    days_seen += u32::from(expected);
                }
            }
        }
        assert_eq!(days_seen, 146_097);
    }

    const TIME_VALID: &[&str] = &[
        "08:30:06Z",
        "23:59:60Z",
        "23:59:60+00:00",
        "01:29:60+01:30",
        "23:29:60+23:30",
        "15:59:60-08:00",
        "00:29:60-23:30",
        "23:59:60.999Z",
        "23:59:60-00:00",
        "23:20:50.52Z",
        "08:30:06.283185Z",
        "08:30:06+00:20",
        "08:30:06-08:00",
        "12:34:56-00:00",
        "08:30:06z",
        "00:00:00Z",
        "23:59:59+23:59",
        "23:59:59-23:59",
        "00:59:59.999999999999999Z",
        "12:00:00.0+05:30",
    ];

    const TIME_INVALID: &[&str] = &[
        "",
        "008:030:006Z",
        "8:3:6Z",
        "8:0030:6Z",
        "22:59:60Z",
        "23:58:60Z",
        "22:59:60+00:00",
        "23:58:60+00:00",
        "23:59:60+01:00",
        "23:59:60+00:30",
        "23:59:60-01:00",
        "23:59:60-00:30",
        "00:00:60Z",
        "08:30:06-8:000",
        "24:00:00Z",
        "00:60:00Z",
        "00:00:61Z",
        "01:02:03+24:00",
        "01:02:03+00:60",
        "01:02:03Z+00:30",
        "08:30:06 PST",
        "01:01:01,1111",
        "12:00:00",
        "12:00:00.52",
        "1\u{9e8}:00:00Z",
        "08:30:06#00:20",
        "ab:cd:ef",
        "2020-11-28T23:55:45Z",
        "08:30:06+0130",
        "08:30:06+01",
        "08:30:06Z\n",
        "24:59:00+01:00",
        "08:30:06.Z",
        "08:30:06.+01:00",
        "08:30Z",
        "08:30:06ZZ",
        "08:30:06 Z",
        " 08:30:06Z",
        "08:30:06+01:00:00",
        "08:30:06+1:00",
        "08:30:06UTC",
        "08-30-06Z",
        "08:30:06.1.2Z",
        "-8:30:06Z",
    ];

    #[test]
    fn time() {
        table(Format::Time, TIME_VALID, TIME_INVALID);
        // Exactly one leap-second minute per offset: 23:59 UTC.
        for sign in ['+', '-'] {
            for offset_hour in 0..24u32 {
                for offset_minute in [0u32, 15, 30, 45, 59] {
                    let mut accepted = 0;
                    for hour in 0..24u32 {
                        for minute in 0..60u32 {
                            let text =
                                std::format!("{hour:02}:{minute:02}:60{sign}{offset_hour:02}:{offset_minute:02}");
                            accepted += u32::from(Format::Time.check(&text));
                        }
                    }
                    assert_eq!(accepted, 1, "{sign}{offset_hour}:{offset_minute}");
                }
            }
        }
    }

    const DATE_TIME_VALID: &[&str] = &[
        "1963-06-19T08:30:06.283185Z",
        "1963-06-19T08:30:06Z",
        "1937-01-01T12:00:27.87+00:20",
        "1990-12-31T15:59:50.123-08:00",
        "1998-12-31T23:59:60Z",
        "1998-12-31T15:59:60.123-08:00",
        "1963-06-19t08:30:06.283185z",
        "1985-04-12T00:59:59.999999999999999Z",
        "2020-02-29T00:00:00+00:00",
        "2016-12-31T23:59:60-00:00",
        "2021-03-14T23:59:60Z",
        "1996-12-19T16:39:57-08:00",
        "1990-12-31T23:59:60Z",
        "1937-01-01T12:00:27.87+00:20",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999+23:59",
    ];

    const DATE_TIME_INVALID: &[&str] = &[
        "",
        "1998-12-31T23:59:61Z",
        "1998-12-31T23:58:60Z",
        "1998-12-31T22:59:60Z",
        "1990-02-31T15:59:59.123-08:00",
        "1990-12-31T15:59:59-24:00",
        "1963-06-19T08:30:06.28123+01:00Z",
        "1990-12-31T24:00:00Z",
        "1990-12-31T15:60:00Z",
        "1990-12-31T10:00:00+10:60",
        "06/19/1963 08:30:06 PST",
        "2013-350T01:01:01",
        "1963-6-19T08:30:06.283185Z",
        "1963-06-1T08:30:06.283185Z",
        "1963-06-1\u{9ea}T00:00:00Z",
        "1963-06-11T0\u{9ea}:00:00Z",
        "+11963-06-19T08:30:06.283185Z",
        "1963-06-19 08:30:06Z",
        "1963-06-19_08:30:06Z",
        "1963-06-19T08:30:06",
        "1963-06-19T",
        "1963-06-19",
        "T08:30:06Z",
        "1963-06-19TT08:30:06Z",
        "2021-02-29T00:00:00Z",
        "1963-06-19T08:30:06.Z",
        "1963-06-19T08:30:06,5Z",
        "1963-06-19x08:30:06Z",
        "1963-06-19T08:30:06Z ",
    ];

    #[test]
    fn date_time() {
        table(Format::DateTime, DATE_TIME_VALID, DATE_TIME_INVALID);
    }

    const IPV4_VALID: &[&str] = &[
        "192.168.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "87.10.0.1",
        "1.2.3.4",
        "10.0.0.1",
        "100.64.0.0",
        "127.0.0.1",
        "169.254.169.254",
        "172.16.0.1",
        "199.99.9.0",
        "249.200.100.10",
        "223.255.255.254",
        "8.8.8.8",
        "1.0.0.0",
    ];

    const IPV4_INVALID: &[&str] = &[
        "",
        "127.0.0.0.1",
        "256.256.256.256",
        "127.0",
        "127.1",
        "127.0.1",
        "0x7f000001",
        "2130706433",
        "1\u{9e8}7.0.0.1",
        "192.168.1.0/24",
        " 192.168.0.1",
        "192.168.0.1 ",
        "192.168.0.1\n",
        "0x7f.0.0.1",
        "0o10.0.0.1",
        "192.168..1",
        ".192.168.0.1",
        "192.168.0.1.",
        "+1.2.3.4",
        "-1.2.3.4",
        "1e2.0.0.1",
        "192.168.a.1",
        "192. 168.0.1",
        "192.168.0.1\t",
        "192.168.0.1:80",
        "192.168.0.256",
        "087.10.0.1",
        "01.2.3.4",
        "1.2.3.00",
        "0177.0.0.1",
        "1.2.3.0004",
        "1000.2.3.4",
        "...",
        "1.2.3.",
        "::ffff:1.2.3.4",
        "1.2.3.4\u{0}",
    ];

    #[test]
    fn ipv4() {
        table(Format::Ipv4, IPV4_VALID, IPV4_INVALID);
    }

    const IPV6_VALID: &[&str] = &[
        "::1",
        "::abef",
        "::",
        "::42:ff:1",
        "d6::",
        "1::",
        "1:d6::42",
        "1::d6:192.168.0.1",
        "1:2::192.168.0.1",
        "::ffff:192.168.0.1",
        "::ffff:1.2.3.4",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        "1::3:4:5:6:7:8",
        "1:2:3:4:5:6:1.2.3.4",
        "1:2:3:4:5::1.2.3.4",
        "::1.2.3.4",
        "1000:1000:1000:1000:1000:1000:255.255.255.255",
        "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
        "FE80::A",
        "fe80:0000:0000:0000:0204:61ff:fe9d:f156",
        "2001:db8::7",
        "0:0:0:0:0:0:0:0",
        "0001:0002:0003:0004:0005:0006:0007:0008",
    ];

    const IPV6_INVALID: &[&str] = &[
        "",
        ":",
        ":::",
        "12345::",
        "::abcef",
        "1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8",
        "1::2:3:4:5:6:7:8",
        "::laptop",
        ":2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:",
        ":2:3:4::8",
        "1::d6::42",
        "1::2::3",
        "1::2:192.168.256.1",
        "1::2:192.168.ff.1",
        "1:2:3:4:5:::8",
        "1:2:3:4:5:6:7",
        "1",
        "127.0.0.1",
        "1:2:3:4:1.2.3",
        "  ::1",
        "::1  ",
        "fe80::/64",
        "fe80::a%eth1",
        "fe80::1%25eth0",
        "100:100:100:100:100:100:255.255.255.255.255",
        "100:100:100:100:100:100:100:255.255.255.255",
        "1:2:3:4:5:6:7:\u{9ea}",
        "1:2::192.16\u{9ea}.0.1",
        "::ffff:256.1.1.1",
        "::ffff:01.2.3.4",
        "1:2:3:4:5:6::1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4",
        "1.2.3.4::",
        "::1.2.3.4:5",
        "[::1]",
        "::1:",
        "1::2:",
        ":1::",
        "g::",
        "00000::",
        "1:2:3:4:5:6:7:8 ",
        "::ffff:1.2.3",
        ":::1",
        "1:::",
    ];

    #[test]
    fn ipv6() {
        table(Format::Ipv6, IPV6_VALID, IPV6_INVALID);
        for text in IPV6_VALID {
            let expected: Ipv6Addr = text.parse().unwrap();
            assert_eq!(parse_ipv6(text.as_bytes()), Some(u128::from(expected)), "{text}");
        }
    }

    const HOSTNAME_VALID: &[&str] = &[
        "www.example.com",
        "xn--4gbwdl.xn--wgbh1c",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.com",
        "hostname",
        "h0stn4me",
        "1host",
        "hostnam3",
        "host-name",
        "a",
        "a.b",
        "A.B.C",
        "c--n.com",
        "localhost",
        "1.2.3.4",
        "xn--nw2a.xn--j6w193g",
        "XN--aa---o47jg78q",
        "0",
    ];

    const HOSTNAME_INVALID: &[&str] = &[
        "",
        ".",
        "-a-host-name-that-starts-with--",
        "not_a_valid_host_name",
        "a-vvvvvvvvvvvvvvvveeeeeeeeeeeeeeeerrrrrrrrrrrrrrrryyyyyyyyyyyyyyyy-long-host-name-component",
        "-hostname",
        "hostname-",
        "_hostname",
        "hostname_",
        "host_name",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl.com",
        "www.example.com.",
        ".www.example.com",
        "www..example.com",
        "www.-example.com",
        "www.example-.com",
        "www.example.com-",
        "ex ample.com",
        " example.com",
        "example.com ",
        "ex\u{e4}mple.com",
        "example.com:80",
        "user@example.com",
        "[::1]",
        "exa%6dple.com",
        "example.com/",
        "a..",
        "..",
        "-",
        "a.-",
    ];

    #[test]
    fn hostname() {
        table(Format::Hostname, HOSTNAME_VALID, HOSTNAME_INVALID);
    }

    const URI_VALID: &[&str] = &[
        "http://foo.bar/?baz=qux#quux",
        "http://foo.com/blah_(wikipedia)_blah#cite-1",
        "http://foo.bar/?q=Test%20URL-encoded%20stuff",
        "http://xn--nw2a.xn--j6w193g/",
        "http://-.~_!$&'()*+,;=:%40:80%2f::::::@example.com",
        "http://223.255.255.254",
        "ftp://ftp.is.co.za/rfc/rfc1808.txt",
        "http://www.ietf.org/rfc/rfc2396.txt",
        "ldap://[2001:db8::7]/c=GB?objectClass?one",
        "mailto:John.Doe@example.com",
        "news:comp.infosystems.www.servers.unix",
        "tel:+1-816-555-1212",
        "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
        "http://087.10.0.1/",
        "http://999.999.999.999/",
        "http://a.com:",
        "http://a.com:999999999",
        "http://:80",
        "http://@a.com",
        "http://user@",
        "http://!$&'()*+,;=.com",
        "http://example.com.",
        "http://exa~mple.com/",
        "http://under_score.com/",
        "file:///etc/passwd",
        "a:",
        "a:/",
        "a:b//c",
        "A+b-C.9:x",
        "http://[v1.fe80::a+en1]/",
        "http://[::ffff:1.2.3.4]:8080/x?y#z",
        "urn:uuid:2eb8aa08-aa98-11ea-b4aa-73b441d16380",
        "https://example.com/a?b?c/d#e?f/g@h:i",
        "http://user:pass@host:8080/p%2Fq",
        "foo://",
        "s:%41",
    ];

    const URI_INVALID: &[&str] = &[
        "",
        "//foo.bar/?baz=qux#quux",
        "/abc",
        "\\\\WINDOWS\\fileshare",
        "abc",
        "http:// shouldfail.com",
        ":// should fail",
        "bar,baz:foo",
        "https://[@example.org/test.txt",
        "https://example.org/foobar\u{ae}.txt",
        "https://example.org/foobar\\.txt",
        "https://example.org/foobar\".txt",
        "https://example.org/foobar<>.txt",
        "https://example.org/foobar{}.txt",
        "https://example.org/foobar^.txt",
        "https://example.org/foobar`.txt",
        "https://example.org/foo bar.txt",
        "https://example.org/foobar|.txt",
        "http://example.com/%6G",
        "http://example.com/%A",
        "http://example.com/%",
        "1http://example.com",
        "ht_tp://example.com",
        "http://example.com:abc/path",
        "http://a.com:8:0",
        "http://a.com::",
        "http://2001:0db8:85a3:0000:0000:8a2e:0370:7334:3000",
        "http://[::1",
        "http://[::1]x",
        "http://[fe80::1%25eth0]/",
        "http://[1.2.3.4]/",
        "http://[v1]/",
        "http://[v.x]/",
        "http://[vz.x]/",
        "http://[v1.]/",
        "http://a@b@c/",
        "http://a#b#c",
        "http://a/b[c]",
        "http://a/?q=[1]",
        "http://exa mple.com",
        "http://example.com/\n",
        " http://example.com",
        "http://example.com ",
        "http://ex%zzample.com",
        "http://us%er@example.com",
        "1:x",
        ":x",
        "+a:x",
        "http",
        "http://\u{e9}.com",
        "http://[]",
        "http://]/",
    ];

    #[test]
    fn uri() {
        table(Format::Uri, URI_VALID, URI_INVALID);
    }

    const HTTPS_URL_VALID: &[&str] = &[
        "https://example.com",
        "https://example.com/",
        "HTTPS://Example.COM/Path?Query=1#Frag",
        "https://api.example.com:8443/v1/hooks?x=1&y=%20",
        "https://a.b",
        "https://xn--nw2a.xn--j6w193g/",
        "https://8.8.8.8/",
        "https://1.1.1.1:443",
        "https://223.255.255.254",
        "https://100.63.255.255",
        "https://100.128.0.0",
        "https://172.15.255.255",
        "https://172.32.0.0",
        "https://169.253.255.255",
        "https://192.0.1.1",
        "https://198.17.255.255",
        "https://198.20.0.0",
        "https://223.255.255.255",
        "https://[2606:4700:4700::1111]/",
        "https://[2001:4860:4860::8888]:443/dns-query",
        "https://[2a00:1450:4001:82b::200e]",
        "https://[64:ff9b::8.8.8.8]",
        "https://[64:ff9b::808:808]/",
        "https://[2001:200::1]",
        "https://[3fff:1000::1]",
        "https://example.com:65535",
        "https://example.com:1",
        "https://localhost.example.com",
        "https://local.example.com",
        "https://internal.example.com",
        "https://example.com/#@evil.test",
        "https://0x7f.example.com",
        "https://1.2.3.4.example.com",
        "https://example.com?",
        "https://example.com#",
        "https://metadata.google.com",
        "https://notlocalhost.com",
        "https://local.host",
        "https://internal.example",
        "https://example.localhost.com",
    ];

    const HTTPS_URL_INVALID: &[&str] = &[
        "",
        // Not https, not a URI, no authority.
        "http://example.com",
        "ftp://example.com",
        "file:///etc/passwd",
        "gopher://example.com",
        "httpss://example.com",
        "https:example.com",
        "https:/example.com",
        "https:///example.com",
        "https://",
        "https://:443",
        "//example.com",
        "https://exa mple.com",
        "https://example.com/\u{e9}",
        "https://example.com\\@evil.com",
        // Userinfo.
        "https://user@example.com",
        "https://user:pass@example.com",
        "https://@example.com",
        "https://:@example.com",
        "https://example.com@127.0.0.1",
        "https://example.com:443@evil.example",
        "https://good.example%40evil.example",
        // Ports.
        "https://example.com:0",
        "https://example.com:00",
        "https://example.com:0443",
        "https://example.com:65536",
        "https://example.com:99999",
        "https://example.com:100000",
        "https://example.com:",
        "https://example.com:44a",
        // Host names.
        "https://localhost",
        "https://localhost/",
        "https://LOCALHOST",
        "https://localhost:8443",
        "https://localhost.",
        "https://a.localhost",
        "https://api.LocalHost",
        "https://printer.local",
        "https://x.y.LOCAL",
        "https://metadata.google.internal",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://service.internal",
        "https://router.home.arpa",
        "https://localhost.localdomain",
        "https://LOCALHOST.LOCALDOMAIN:8443/",
        "https://127.0.0.1:443",
        "https://0.0.0.0:8080/",
        "https://[::]:443",
        "https://home.arpa",
        "https://intranet",
        "https://metadata",
        "https://example.com.",
        "https://under_score.example.com",
        "https://exa%6dple.com",
        "https://%6c%6f%63%61%6c%68%6f%73%74",
        "https://-example.com",
        "https://example-.com",
        "https://ex..ample.com",
        "https://[v1.fe80::1]",
        // Numeric hosts in other notations.
        "https://2130706433",
        "https://0x7f000001",
        "https://0x7f.1",
        "https://0x7F.0.0.1",
        "https://0177.0.0.1",
        "https://127.1",
        "https://127.0.1",
        "https://127.0.0.1.",
        "https://1.2.3.4.5",
        "https://8.8.8.08",
        "https://example.0x1",
        "https://example.123",
        "https://0x8.8.8.8",
        "https://017700000001",
        "https://0",
        // Blocked IPv4.
        "https://0.0.0.0",
        "https://0.1.2.3",
        "https://10.0.0.1",
        "https://10.255.255.255",
        "https://100.64.0.1",
        "https://100.127.255.255",
        "https://127.0.0.1",
        "https://127.255.255.254",
        "https://169.254.169.254",
        "https://169.254.169.254/latest/meta-data/",
        "https://169.254.0.1",
        "https://172.16.0.1",
        "https://172.31.255.255",
        "https://192.0.0.1",
        "https://192.0.0.170",
        "https://192.0.2.1",
        "https://192.168.0.1",
        "https://192.168.255.255",
        "https://198.18.0.1",
        "https://198.19.255.255",
        "https://198.51.100.7",
        "https://203.0.113.9",
        "https://224.0.0.1",
        "https://239.255.255.250",
        "https://240.0.0.1",
        "https://255.255.255.255",
        // Blocked IPv6.
        "https://[::]",
        "https://[::1]",
        "https://[::1]:443/",
        "https://[0:0:0:0:0:0:0:1]",
        "https://[fc00::1]",
        "https://[fd00::1]",
        "https://[fd00:ec2::254]",
        "https://[fe80::1]",
        "https://[febf::1]",
        "https://[fec0::1]",
        "https://[ff02::1]",
        "https://[ff0e::1]",
        "https://[2001:db8::1]",
        "https://[2001:0db8:ffff::1]",
        "https://[3fff::1]",
        "https://[3fff:fff::1]",
        "https://[::ffff:127.0.0.1]",
        "https://[::ffff:169.254.169.254]",
        "https://[::ffff:7f00:1]",
        "https://[::ffff:10.0.0.1]",
        "https://[::ffff:8.8.8.8]",
        "https://[::127.0.0.1]",
        "https://[::8.8.8.8]",
        "https://[64:ff9b::127.0.0.1]",
        "https://[64:ff9b::a9fe:a9fe]",
        "https://[64:ff9b::10.1.2.3]",
        "https://[64:ff9b:1::8.8.8.8]",
        "https://[2001::1]",
        "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
        "https://[2001:2::1]",
        "https://[2001:10::1]",
        "https://[2002:7f00:1::1]",
        "https://[2002:808:808::1]",
        "https://[100::1]",
        "https://[4000::1]",
        "https://[fe80::1%25eth0]",
        "https://[::1",
        "https://[127.0.0.1]",
    ];

    #[test]
    fn https_url() {
        table(Format::HttpsUrl, HTTPS_URL_VALID, HTTPS_URL_INVALID);
        for text in HTTPS_URL_VALID {
            assert!(Format::Uri.check(text), "https-url {text:?} must be a uri");
        }
    }

    #[test]
    fn ipv4_blocks_cover_core_classification() {
        for a in 0..=255u8 {
            for [b, c, d] in
                [[0u8, 0, 0], [0, 0, 1], [1, 2, 3], [64, 0, 0], [127, 255, 255], [168, 1, 1], [254, 169, 254]]
            {
                let ip = Ipv4Addr::new(a, b, c, d);
                let special = ip.is_private()
                    || ip.is_loopback()
                    || ip.is_link_local()
                    || ip.is_unspecified()
                    || ip.is_multicast()
                    || ip.is_broadcast()
                    || ip.is_documentation();
                if special {
                    assert!(!public_ipv4(ip.octets()), "{ip}");
                }
                let url = std::format!("https://{ip}/");
                assert_eq!(Format::HttpsUrl.check(&url), public_ipv4(ip.octets()), "{url}");
                let nat64 = std::format!("https://[64:ff9b::{ip}]/");
                assert_eq!(Format::HttpsUrl.check(&nat64), public_ipv4(ip.octets()), "{nat64}");
                let mapped = std::format!("https://[::ffff:{ip}]/");
                assert!(!Format::HttpsUrl.check(&mapped), "{mapped}");
            }
        }
    }

    #[test]
    fn ipv6_blocks_cover_core_classification() {
        for first in (0..=0xffffu16).step_by(0x11).chain([0x2001, 0x2002, 0x3fff, 0xfe80, 0xfc00, 0xfd00, 0xff00]) {
            for rest in [[0u16, 0, 0, 0, 0, 0, 0], [0x0db8, 0, 0, 0, 0, 0, 1], [0x1f, 1, 2, 3, 4, 5, 6]] {
                let [b, c, d, e, f, g, h] = rest;
                let ip = Ipv6Addr::new(first, b, c, d, e, f, g, h);
                let special = ip.is_loopback()
                    || ip.is_unspecified()
                    || ip.is_multicast()
                    || ip.is_unique_local()
                    || ip.is_unicast_link_local()
                    || ip.to_ipv4_mapped().is_some();
                if special {
                    assert!(!public_ipv6(u128::from(ip)), "{ip}");
                }
                let url = std::format!("https://[{ip}]/");
                assert_eq!(Format::HttpsUrl.check(&url), public_ipv6(u128::from(ip)), "{url}");
            }
        }
    }

    /// Builds a string of exactly `len` bytes from `prefix`, `fill` repeated, and `suffix`.
    fn sized(prefix: &str, fill: char, suffix: &str, len: usize) -> String {
        let mut s = String::from(prefix);
        while s.len() + suffix.len() < len {
            s.push(fill);
        }
        s.push_str(suffix);
        assert_eq!(s.len(), len);
        s
    }

    #[test]
    fn max_len_is_reached_and_enforced() {
        let label63 = "a".repeat(63);
        let host253 = std::format!("{label63}.{label63}.{label63}.{}", "b".repeat(61));
        let domain189 = std::format!("{label63}.{label63}.{}", "c".repeat(61));
        let longest = [
            (Format::Email, std::format!("{}@{domain189}", "l".repeat(64))),
            (Format::Uuid, String::from("ffffffff-ffff-ffff-ffff-ffffffffffff")),
            (Format::Date, String::from("2000-02-29")),
            (Format::DateTime, sized("2000-02-29T23:59:60.", '9', "Z", 64)),
            (Format::DateTime, sized("2000-02-29T15:59:60.", '9', "-08:00", 64)),
            (Format::Time, sized("23:59:59.", '0', "Z", 53)),
            (Format::Time, sized("23:59:59.", '0', "+23:59", 53)),
            (Format::Ipv4, String::from("255.255.255.255")),
            (Format::Ipv6, String::from("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")),
            (Format::Hostname, host253.clone()),
            (Format::Uri, sized("a:", 'b', "", 2048)),
            (Format::HttpsUrl, sized("https://example.com/", 'p', "", 2048)),
        ];
        for (format, text) in &longest {
            assert_eq!(text.len(), format.max_len(), "{}", format.name());
            assert!(format.check(text), "{} should accept its longest text {text:?}", format.name());
        }
        // One byte more is rejected, even where the grammar alone would accept it.
        let too_long = [
            (Format::DateTime, sized("2000-02-29T23:59:59.", '9', "Z", 65)),
            (Format::Time, sized("23:59:59.", '0', "Z", 54)),
            (Format::Uri, sized("a:", 'b', "", 2049)),
            (Format::HttpsUrl, sized("https://example.com/", 'p', "", 2049)),
            (Format::Hostname, std::format!("{host253}a")),
            (Format::Email, std::format!("{}@{domain189}", "l".repeat(65))),
            (Format::Email, std::format!("{}@{domain189}a", "l".repeat(64))),
        ];
        for (format, text) in &too_long {
            assert!(text.len() > format.max_len());
            assert!(!format.check(text), "{} should reject {} bytes", format.name(), text.len());
        }
        let huge = "1".repeat(1 << 16);
        for format in Format::ALL {
            assert!(!format.check(&huge));
        }
    }

    /// Every check on `text`, with the invariants that tie formats together.
    fn check_all(text: &str) {
        let mut verdicts = [false; 10];
        for (verdict, format) in verdicts.iter_mut().zip(Format::ALL) {
            *verdict = format.check(text);
            if *verdict {
                assert!(text.len() <= format.max_len(), "{} accepted {} bytes", format.name(), text.len());
                assert!(text.is_ascii(), "{} accepted non-ASCII {text:?}", format.name());
            }
        }
        let [email, _, _, date_time, _, ipv4, ipv6, hostname, uri, https_url] = verdicts;
        if https_url {
            assert!(uri, "https-url but not uri: {text:?}");
        }
        if ipv4 {
            assert!(hostname, "ipv4 but not hostname: {text:?}");
        }
        if date_time {
            assert!(Format::Date.check(&text[..10]) && Format::Time.check(&text[11..]), "{text:?}");
        }
        if email {
            let domain = &text[text.find('@').unwrap() + 1..];
            assert!(Format::Hostname.check(domain), "email domain not a hostname: {text:?}");
        }
        // The strict parsers agree with core's where core is at least as strict.
        assert_eq!(ipv4, text.parse::<Ipv4Addr>().is_ok(), "ipv4 vs core: {text:?}");
        if ipv6 {
            let core: Ipv6Addr = text.parse().unwrap_or_else(|_| panic!("core rejects ipv6 {text:?}"));
            assert_eq!(parse_ipv6(text.as_bytes()), Some(u128::from(core)), "{text:?}");
        }
    }

    #[test]
    fn no_panic_on_short_strings() {
        const PIECES: [&str; 26] = [
            "0", "1", "9", "a", "f", "x", "z", "T", ":", ".", "-", "+", "/", "?", "#", "[", "]", "@", "%", "_", " ",
            "\u{e9}", "\u{0}", "::", "//", "v",
        ];
        let mut count = 0u32;
        let mut text = String::new();
        for a in 0..=PIECES.len() {
            for b in 0..=PIECES.len() {
                for c in 0..=PIECES.len() {
                    text.clear();
                    for i in [a, b, c] {
                        text.push_str(PIECES.get(i).copied().unwrap_or(""));
                    }
                    check_all(&text);
                    count += 1;
                }
            }
        }
        assert_eq!(count, 27 * 27 * 27);
        // Length up to 6 over the separators that drive the state machines.
        const SMALL: [u8; 7] = [b'1', b':', b'.', b'f', b'[', b']', b'@'];
        for n in 0..=6u32 {
            for mut code in 0..7usize.pow(n) {
                let mut bytes = Vec::new();
                for _ in 0..n {
                    bytes.push(SMALL[code % 7]);
                    code /= 7;
                }
                check_all(core::str::from_utf8(&bytes).unwrap());
            }
        }
    }

    #[test]
    fn no_panic_on_mutations_of_valid_strings() {
        let tables: [&[&str]; 10] = [
            EMAIL_VALID,
            UUID_VALID,
            DATE_VALID,
            DATE_TIME_VALID,
            TIME_VALID,
            IPV4_VALID,
            IPV6_VALID,
            HOSTNAME_VALID,
            URI_VALID,
            HTTPS_URL_VALID,
        ];
        const BYTES: &[u8] = b"0123456789abcdefxzTZ:.-+/?#[]@%_ \t~!$&'()*,;=v";
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % u64::try_from(bound).unwrap()).unwrap()
        };
        let mut runs = 0u32;
        for seeds in tables {
            for seed in seeds {
                for _ in 0..400 {
                    let mut bytes = seed.as_bytes().to_vec();
                    for _ in 0..1 + next(3) {
                        let at = next(bytes.len() + 1);
                        let byte = BYTES[next(BYTES.len())];
                        match next(4) {
                            0 if at < bytes.len() => bytes[at] = byte,
                            1 if at < bytes.len() => {
                                bytes.remove(at);
                            }
                            2 => {
                                let copy = bytes[at.min(bytes.len().saturating_sub(1))..].to_vec();
                                bytes.splice(at..at, copy.into_iter().take(8));
                            }
                            _ => bytes.insert(at, byte),
                        }
                    }
                    if let Ok(text) = core::str::from_utf8(&bytes) {
                        check_all(text);
                        runs += 1;
                    }
                }
            }
        }
        assert!(runs > 50_000, "{runs}");
    }

    #[test]
    fn no_panic_on_long_strings() {
        let long = [
            ":".repeat(3000),
            "1:".repeat(1000),
            "1.".repeat(1000),
            "a".repeat(5000),
            "a.".repeat(200),
            "%".repeat(2048),
            "[".repeat(2048),
            std::format!("https://{}", "a.".repeat(1000)),
            std::format!("https://[{}]", "1:".repeat(500)),
            std::format!("https://example.com/{}", "%4".repeat(1000)),
            std::format!("a:{}", "%41".repeat(682)),
            std::format!("{}@{}", "a".repeat(100), "b".repeat(100)),
            std::format!("{}@example.com", "a.".repeat(40)),
            std::format!("00:00:00.{}Z", "9".repeat(2000)),
            std::format!("2000-01-01T00:00:00.{}Z", "9".repeat(60)),
            "\u{10ffff}".repeat(600),
        ];
        for text in &long {
            check_all(text);
            for cut in [1, 2, 3, 7, 45, 53, 64, 253, 254, 2047, 2048, 2049] {
                if let Some(prefix) = text.get(..cut.min(text.len())) {
                    check_all(prefix);
                }
            }
        }
        assert!(Format::Uri.check(&std::format!("a:{}", "%41".repeat(682))));
        assert!(!Format::Uri.check(&std::format!("a:{}%4", "%41".repeat(681))));
    }
}
