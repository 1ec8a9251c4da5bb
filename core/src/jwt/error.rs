//! Every way the JWT layer can say no, as one `Copy` enum with stable codes.
//!
//! Decides nothing itself; guarantees that each rejection has one documented variant and one
//! snake_case code that never changes meaning; never carries key material, token text or input values.

use core::fmt;

/// Why a token or key was rejected.
///
/// `code()` is the stable, language-independent name the Python and Node packages expose as
/// `.code`; HTTP integrations put it in the response body. Codes never change meaning once released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The token is not a JWS compact serialization we accept: wrong segment count, empty or
    /// non-canonical base64url, JSON that is not a strict RFC 8259 object, a header member of the wrong
    /// type, a JWE, whitespace or a `Bearer ` prefix.
    Malformed,
    /// The token is longer than the policy's `max_token_bytes` (checked before anything else).
    TokenTooLarge,
    /// The header or claims JSON has two members with the same name (compared after unescaping).
    DuplicateMember,
    /// The header's `alg` is not in the policy's allow-list (`none` never is).
    AlgNotAllowed,
    /// The header names a `kid` that no configured key has.
    UnknownKid,
    /// More than one configured key could verify the token (duplicate kids, or no kid and several keys).
    AmbiguousKey,
    /// The selected key cannot be used with the header's `alg` (wrong key type or curve, or the JWK's
    /// `alg`, `use` or `key_ops` forbid it), or no configured key is compatible.
    KeyAlgMismatch,
    /// The signature does not verify (this includes signatures of the wrong length or encoding).
    BadSignature,
    /// `now >= exp + leeway`.
    Expired,
    /// `nbf > now + leeway`.
    NotYetValid,
    /// `iat > now + leeway`: the token claims to be issued in the future.
    IssuedInFuture,
    /// The token is older than the policy's `max_age` (measured from `iat`).
    TokenTooOld,
    /// `iss` is not exactly one of the policy's issuers.
    IssuerMismatch,
    /// `aud` matches none of the policy's audiences, or the token has `aud` and the policy names none.
    AudienceMismatch,
    /// A claim the policy requires is absent.
    MissingClaim,
    /// A registered claim has the wrong JSON type or an impossible value (e.g. a numeric `sub`,
    /// `exp` as a string, an empty `aud` array, a number outside the IEEE-754 double range).
    InvalidClaim,
    /// The header's `typ` differs from the one the policy pins.
    TypMismatch,
    /// The header carries `crit` (any value): apiward implements no JWS extensions.
    UnsupportedCrit,
    /// The header says `cty: "JWT"`: nested tokens are not accepted.
    NestedJwt,
    /// A key is too weak for its algorithm: HMAC secret shorter than the hash output, RSA modulus
    /// under 2048 bits, a small-order Ed25519 key.
    WeakKey,
    /// A key could not be imported: bad encoding, a point not on the curve, an unsupported key type
    /// or curve, RSA modulus above 8192 bits, or more keys than the key set holds.
    InvalidKey,
    /// The caller's scratch or output buffer is too small for this token.
    BufferTooSmall,
}

impl Error {
    /// Every variant, for tests and documentation tables.
    pub const ALL: [Error; 22] = [
        Error::Malformed,
        Error::TokenTooLarge,
        Error::DuplicateMember,
        Error::AlgNotAllowed,
        Error::UnknownKid,
        Error::AmbiguousKey,
        Error::KeyAlgMismatch,
        Error::BadSignature,
        Error::Expired,
        Error::NotYetValid,
        Error::IssuedInFuture,
        Error::TokenTooOld,
        Error::IssuerMismatch,
        Error::AudienceMismatch,
        Error::MissingClaim,
        Error::InvalidClaim,
        Error::TypMismatch,
        Error::UnsupportedCrit,
        Error::NestedJwt,
        Error::WeakKey,
        Error::InvalidKey,
        Error::BufferTooSmall,
    ];

    /// The stable snake_case code.
    pub const fn code(self) -> &'static str {
        match self {
            Error::Malformed => "malformed",
            Error::TokenTooLarge => "token_too_large",
            Error::DuplicateMember => "duplicate_member",
            Error::AlgNotAllowed => "alg_not_allowed",
            Error::UnknownKid => "unknown_kid",
            Error::AmbiguousKey => "ambiguous_key",
            Error::KeyAlgMismatch => "key_alg_mismatch",
            Error::BadSignature => "bad_signature",
            Error::Expired => "expired",
            Error::NotYetValid => "not_yet_valid",
            Error::IssuedInFuture => "issued_in_future",
            Error::TokenTooOld => "token_too_old",
            Error::IssuerMismatch => "issuer_mismatch",
            Error::AudienceMismatch => "audience_mismatch",
            Error::MissingClaim => "missing_claim",
            Error::InvalidClaim => "invalid_claim",
            Error::TypMismatch => "typ_mismatch",
            Error::UnsupportedCrit => "unsupported_crit",
            Error::NestedJwt => "nested_jwt",
            Error::WeakKey => "weak_key",
            Error::InvalidKey => "invalid_key",
            Error::BufferTooSmall => "buffer_too_small",
        }
    }

    /// A short human sentence. Never contains key material, token text or input values.
    pub const fn message(self) -> &'static str {
        match self {
            Error::Malformed => "token is not a well-formed JWS compact serialization",
            Error::TokenTooLarge => "token exceeds the maximum size",
            Error::DuplicateMember => "token JSON has a duplicate member name",
            Error::AlgNotAllowed => "token algorithm is not allowed",
            Error::UnknownKid => "token key id matches no configured key",
            Error::AmbiguousKey => "more than one configured key matches the token",
            Error::KeyAlgMismatch => "no configured key may be used with the token algorithm",
            Error::BadSignature => "token signature is invalid",
            Error::Expired => "token has expired",
            Error::NotYetValid => "token is not yet valid",
            Error::IssuedInFuture => "token is issued in the future",
            Error::TokenTooOld => "token is older than the maximum age",
            Error::IssuerMismatch => "token issuer is not accepted",
            Error::AudienceMismatch => "token audience is not accepted",
            Error::MissingClaim => "token lacks a required claim",
            Error::InvalidClaim => "token has a registered claim of the wrong type or value",
            Error::TypMismatch => "token type is not accepted",
            Error::UnsupportedCrit => "token requires an unsupported extension (crit)",
            Error::NestedJwt => "nested tokens are not accepted",
            Error::WeakKey => "key is too weak for its algorithm",
            Error::InvalidKey => "key could not be imported",
            Error::BufferTooSmall => "buffer is too small",
        }
    }

    /// The variant whose code is `code`, if any.
    pub fn from_code(code: &str) -> Option<Error> {
        Error::ALL.iter().copied().find(|e| e.code() == code)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
impl std::error::Error for Error {}
