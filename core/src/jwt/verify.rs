//! The verification pipeline: size, structure, header policy, key selection, signature, claims.
//!
//! Decides whether a compact JWS is a token the policy accepts, in the order cheap-to-expensive
//! (the size limit before anything is read, structure and policy before cryptography, claims only
//! once the signature holds). Guarantees that every rejection is one [`Error`] variant and that the
//! returned claims borrow the caller's scratch buffer; never allocates, never panics on any input.

use crate::base64url;
use crate::json::{self, JsonError, JsonStr, Value};

use super::claims::{Claims, Header, RawRegistered, Registered};
use super::key::Key;
use super::policy::{Claim, Policy};
use super::{Algorithm, Error};

/// Deepest JSON nesting accepted inside a header or claims set.
pub const MAX_JSON_DEPTH: usize = json::MAX_DEPTH;

/// Longest signature any supported algorithm produces (RSA-8192).
const MAX_SIGNATURE_BYTES: usize = 1024;

/// Scratch bytes enough to verify any token of up to `max_token_bytes` (the decoded header,
/// payload and signature together are at most 3/4 of the token).
pub const fn scratch_len(max_token_bytes: usize) -> usize {
    max_token_bytes / 4 * 3 + 3
}

/// Keys plus policy: the object services keep and call per request.
#[derive(Clone, Copy, Debug)]
pub struct Verifier<'k, 'p> {
    keys: &'k [Key],
    policy: Policy<'p>,
}

impl<'k, 'p> Verifier<'k, 'p> {
    /// A verifier accepting what `policy` allows, signed by one of `keys`.
    pub const fn new(keys: &'k [Key], policy: Policy<'p>) -> Self {
        Verifier { keys, policy }
    }

    /// The policy.
    pub const fn policy(&self) -> &Policy<'p> {
        &self.policy
    }

    /// Verifies `token` at unix time `now` (seconds). See [`verify`].
    ///
    /// # Errors
    /// The first rule the token breaks, as an [`Error`].
    pub fn verify<'s>(&self, token: &[u8], now: i64, scratch: &'s mut [u8]) -> Result<Claims<'s>, Error> {
        verify(token, self.keys, &self.policy, now, scratch)
    }
}

/// Verifies a compact JWS `token` against `keys` and `policy` at unix time `now` (seconds), using
/// `scratch` for the decoded header and claims (see [`scratch_len`]); returns the verified claims.
///
/// # Errors
/// The first rule the token breaks, as an [`Error`]: [`Error::BufferTooSmall`] if `scratch` cannot
/// hold the decoded header and claims.
pub fn verify<'s>(
    token: &[u8],
    keys: &[Key],
    policy: &Policy<'_>,
    now: i64,
    scratch: &'s mut [u8],
) -> Result<Claims<'s>, Error> {
    // 1. Size, before reading a byte of content.
    if token.len() > policy.max_token_bytes {
        return Err(Error::TokenTooLarge);
    }

    // 2. Structure: three segments, strict base64url, strict JSON objects.
    let (signing_input, header_b64, payload_b64, signature_b64) = split(token)?;
    let header_len = base64url::decoded_len(header_b64.len()).ok_or(Error::Malformed)?;
    let payload_len = base64url::decoded_len(payload_b64.len()).ok_or(Error::Malformed)?;
    let signature_len = base64url::decoded_len(signature_b64.len()).ok_or(Error::Malformed)?;
    if header_len.saturating_add(payload_len).saturating_add(signature_len.min(MAX_SIGNATURE_BYTES)) > scratch.len() {
        return Err(Error::BufferTooSmall);
    }
    // The caller's scratch holds all three decoded segments: no large buffer on our stack.
    let (header_buf, rest) = scratch.split_at_mut(header_len);
    let (payload_buf, signature_buf) = rest.split_at_mut(payload_len);
    let header_bytes: &'s [u8] = base64url::decode_public(header_b64, header_buf).ok_or(Error::Malformed)?;
    let payload_bytes: &'s [u8] = base64url::decode_public(payload_b64, payload_buf).ok_or(Error::Malformed)?;
    let signature = decode_signature(signature_b64, signature_buf)?;
    let mut header_fields = HeaderFields::default();
    let header_json = json_object(header_bytes, |name, value| header_fields.offer(name, value))?;
    let mut raw_claims = RawRegistered::default();
    let payload_json = json_object(payload_bytes, |name, value| raw_claims.offer(name, value))?;

    // 3. Header policy.
    let header = read_header(header_json, &header_fields, policy)?;

    // 4. Key selection, then 5. the signature.
    let key = select_key(keys, header.alg, header.kid)?;
    let signature = signature.ok_or(Error::BadSignature)?;
    key.verify_signature(header.alg, signing_input, signature)?;

    // 6. Claims.
    let registered = Registered::check(&raw_claims)?;
    check_claims(&registered, policy, now)?;
    Ok(Claims::new(payload_json, header, registered))
}

/// The four byte ranges of a compact JWS that verification reads.
type Segments<'t> = (&'t [u8], &'t [u8], &'t [u8], &'t [u8]);

/// Splits into (signing input, header, payload, signature) segments.
fn split(token: &[u8]) -> Result<Segments<'_>, Error> {
    let mut dots = token.iter().enumerate().filter(|(_, b)| **b == b'.').map(|(i, _)| i);
    let (Some(first), Some(second), None) = (dots.next(), dots.next(), dots.next()) else {
        return Err(Error::Malformed);
    };
    let header = token.get(..first).ok_or(Error::Malformed)?;
    let payload = token.get(first + 1..second).ok_or(Error::Malformed)?;
    let signature = token.get(second + 1..).ok_or(Error::Malformed)?;
    if header.is_empty() || payload.is_empty() {
        return Err(Error::Malformed);
    }
    Ok((token.get(..second).ok_or(Error::Malformed)?, header, payload, signature))
}

/// Strictly decodes the signature segment. A well-formed segment longer than any signature we
/// verify is `Ok(None)`: it can only fail as a bad signature.
fn decode_signature<'b>(segment: &[u8], buf: &'b mut [u8]) -> Result<Option<&'b [u8]>, Error> {
    let too_long = base64url::decoded_len(segment.len()).is_some_and(|n| n > MAX_SIGNATURE_BYTES);
    if too_long {
        let alphabet_ok = segment.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_');
        return if alphabet_ok { Ok(None) } else { Err(Error::Malformed) };
    }
    base64url::decode_public(segment, buf).map(Some).ok_or(Error::Malformed)
}

/// Parses a strict JSON object in one pass, handing its top-level members to `on_member`.
fn json_object<'a>(bytes: &'a [u8], on_member: impl FnMut(JsonStr<'a>, Value<'a>)) -> Result<Value<'a>, Error> {
    json::parse_object(bytes, MAX_JSON_DEPTH, on_member)
        .map_err(|e| match e {
            JsonError::DuplicateName => Error::DuplicateMember,
            JsonError::Syntax | JsonError::TooDeep => Error::Malformed,
        })?
        .ok_or(Error::Malformed)
}

/// The header parameters apiward reads, as found while parsing.
#[derive(Default)]
struct HeaderFields<'a> {
    alg: Option<Value<'a>>,
    kid: Option<Value<'a>>,
    typ: Option<Value<'a>>,
    cty: Option<Value<'a>>,
    crit: bool,
    b64: bool,
}

impl<'a> HeaderFields<'a> {
    fn offer(&mut self, name: JsonStr<'a>, value: Value<'a>) {
        let mut buf = [0u8; 4];
        let Some(name) = name.text_in(&mut buf) else {
            return;
        };
        match name {
            "alg" => self.alg = Some(value),
            "kid" => self.kid = Some(value),
            "typ" => self.typ = Some(value),
            "cty" => self.cty = Some(value),
            "crit" => self.crit = true,
            "b64" => self.b64 = true,
            // jwk, jku, x5u, x5c, x5t…: never used, never fetched; their presence is harmless.
            _ => {}
        }
    }
}

fn read_header<'a>(raw: Value<'a>, fields: &HeaderFields<'a>, policy: &Policy<'_>) -> Result<Header<'a>, Error> {
    let string = |v: Option<Value<'a>>| v.map(|v| v.as_str().ok_or(Error::Malformed)).transpose();
    let alg = fields.alg.and_then(|v| v.as_str()).ok_or(Error::Malformed)?;
    let kid = string(fields.kid)?;
    let typ = string(fields.typ)?;
    let cty = string(fields.cty)?;
    if fields.crit {
        // We implement no extensions (RFC 7515 §4.1.11): any `crit` must be refused.
        return Err(Error::UnsupportedCrit);
    }
    if fields.b64 {
        // RFC 7797 `b64` is only meaningful under `crit`; alone it is a malformed header.
        return Err(Error::Malformed);
    }
    if cty.is_some_and(|c| media_type_eq(c, "JWT")) {
        return Err(Error::NestedJwt);
    }
    let mut buf = [0u8; 8];
    let alg = alg.decode_into(&mut buf).and_then(|name| policy.algorithms.find(name)).ok_or(Error::AlgNotAllowed)?;
    if let Some(pinned) = policy.typ {
        if !typ.is_some_and(|t| media_type_eq(t, pinned)) {
            return Err(Error::TypMismatch);
        }
    }
    Ok(Header { raw, alg, kid, typ })
}

/// Media type comparison for `typ`/`cty` (RFC 7515 §4.1.9): ASCII case-insensitive, with an
/// `application/` prefix optional on either side.
fn media_type_eq(value: JsonStr<'_>, expected: &str) -> bool {
    let mut buf = [0u8; 128];
    let Some(value) = value.decode_into(&mut buf) else {
        return false;
    };
    strip_application(value).eq_ignore_ascii_case(strip_application(expected))
}

fn strip_application(s: &str) -> &str {
    const PREFIX: &str = "application/";
    match s.get(..PREFIX.len()) {
        Some(head) if head.eq_ignore_ascii_case(PREFIX) => s.get(PREFIX.len()..).unwrap_or(""),
        _ => s,
    }
}

/// Chooses the one key that may verify this token (RFC 8725 §3.1, §3.10).
fn select_key<'k>(keys: &'k [Key], alg: Algorithm, kid: Option<JsonStr<'_>>) -> Result<&'k Key, Error> {
    let chosen = match kid {
        Some(kid) => match keys {
            // A lone key without an id takes any kid as a hint.
            [only] if only.kid().is_none() => only,
            _ => unique(keys.iter().filter(|k| k.kid().is_some_and(|id| kid.eq_str(id))))?.ok_or(Error::UnknownKid)?,
        },
        None => unique(keys.iter().filter(|k| k.accepts(alg)))?.ok_or(Error::KeyAlgMismatch)?,
    };
    chosen.usable_for(alg)?;
    Ok(chosen)
}

/// The only item, `None` if there is none, `AmbiguousKey` if there are several.
fn unique<'k>(mut candidates: impl Iterator<Item = &'k Key>) -> Result<Option<&'k Key>, Error> {
    let first = candidates.next();
    if first.is_some() && candidates.next().is_some() {
        return Err(Error::AmbiguousKey);
    }
    Ok(first)
}

fn check_claims(reg: &Registered<'_>, policy: &Policy<'_>, now: i64) -> Result<(), Error> {
    let required = policy.required_claims();
    if Claim::ALL.iter().any(|c| required.contains(*c) && !reg.has(*c)) {
        return Err(Error::MissingClaim);
    }
    let leeway = i64::from(policy.leeway);
    if reg.exp.is_some_and(|exp| !exp.is_after(now, leeway)) {
        return Err(Error::Expired);
    }
    if reg.nbf.is_some_and(|nbf| !nbf.is_not_after(now, leeway)) {
        return Err(Error::NotYetValid);
    }
    if reg.iat.is_some_and(|iat| !iat.is_not_after(now, leeway)) {
        return Err(Error::IssuedInFuture);
    }
    if let (Some(max_age), Some(iat)) = (policy.max_age, reg.iat) {
        // Too old iff now > iat + max_age + leeway.
        let limit = now.saturating_sub(leeway).saturating_sub(i64::from(max_age));
        if limit > iat.seconds() {
            return Err(Error::TokenTooOld);
        }
    }
    if !policy.issuers.is_empty() && !reg.iss.is_some_and(|iss| policy.issuers.iter().any(|i| iss.eq_str(i))) {
        return Err(Error::IssuerMismatch);
    }
    if reg.aud.is_some() {
        // RFC 7519 §4.1.3: a token naming an audience is for that audience only; with no audience
        // configured we cannot be it.
        let mut auds = reg.audiences();
        if !auds.any(|a| policy.audiences.iter().any(|p| a.eq_str(p))) {
            return Err(Error::AudienceMismatch);
        }
    }
    Ok(())
}
