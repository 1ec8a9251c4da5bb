//! What a caller accepts: algorithms, issuers, audiences, clock leeway, size and claim requirements.
//!
//! Decides nothing by itself; the verifier reads it. Guarantees strict defaults — `exp` required,
//! no leeway, 8 KiB tokens, no algorithm allowed until named — so every loosening is spelled out
//! by the caller. Never holds secrets; it only borrows the caller's strings.

use super::alg::AlgorithmSet;

/// Default maximum token length in bytes (see `manual::defaults`).
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 8 * 1024;

/// A registered claim name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Claim {
    /// `iss`
    Iss,
    /// `sub`
    Sub,
    /// `aud`
    Aud,
    /// `exp`
    Exp,
    /// `nbf`
    Nbf,
    /// `iat`
    Iat,
    /// `jti`
    Jti,
}

impl Claim {
    /// Every registered claim.
    pub const ALL: [Claim; 7] = [Claim::Iss, Claim::Sub, Claim::Aud, Claim::Exp, Claim::Nbf, Claim::Iat, Claim::Jti];

    /// The claim's JSON name.
    pub const fn name(self) -> &'static str {
        match self {
            Claim::Iss => "iss",
            Claim::Sub => "sub",
            Claim::Aud => "aud",
            Claim::Exp => "exp",
            Claim::Nbf => "nbf",
            Claim::Iat => "iat",
            Claim::Jti => "jti",
        }
    }

    /// The registered claim with this name.
    pub fn from_name(name: &str) -> Option<Claim> {
        Claim::ALL.iter().copied().find(|c| c.name() == name)
    }

    // A fieldless enum's discriminant (0..7) as a bit index: the one `as` that cannot truncate.
    #[allow(clippy::as_conversions)]
    const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of registered claims (e.g. the ones a policy requires).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ClaimSet(u8);

impl ClaimSet {
    /// No claims.
    pub const EMPTY: ClaimSet = ClaimSet(0);

    /// Exactly these claims.
    pub const fn from_slice(claims: &[Claim]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < claims.len() {
            bits |= claims[i].bit();
            i += 1;
        }
        ClaimSet(bits)
    }

    /// This set plus `claim`.
    #[must_use]
    pub const fn with(self, claim: Claim) -> Self {
        ClaimSet(self.0 | claim.bit())
    }

    /// Whether `claim` is in the set.
    pub const fn contains(self, claim: Claim) -> bool {
        self.0 & claim.bit() != 0
    }
}

/// Verification policy. Build with [`Policy::new`] and the `const` builder methods.
///
/// ```
/// use apiward::jwt::{Algorithm, AlgorithmSet, Policy};
/// const POLICY: Policy<'static> = Policy::new(AlgorithmSet::only(Algorithm::ES256))
///     .issuers(&["https://auth.example.com/"])
///     .audiences(&["api://orders"])
///     .leeway(30);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Policy<'a> {
    pub(crate) algorithms: AlgorithmSet,
    pub(crate) issuers: &'a [&'a str],
    pub(crate) audiences: &'a [&'a str],
    pub(crate) leeway: u32,
    pub(crate) max_token_bytes: usize,
    pub(crate) required: ClaimSet,
    pub(crate) exp_required: bool,
    pub(crate) typ: Option<&'a str>,
    pub(crate) max_age: Option<u32>,
}

impl<'a> Policy<'a> {
    /// A policy accepting exactly `algorithms`, with the strict defaults: any issuer, no audience
    /// (a token carrying `aud` is then rejected), zero leeway, 8 KiB maximum, `exp` required.
    /// An empty `algorithms` set accepts nothing.
    pub const fn new(algorithms: AlgorithmSet) -> Self {
        Policy {
            algorithms,
            issuers: &[],
            audiences: &[],
            leeway: 0,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            required: ClaimSet::EMPTY,
            exp_required: true,
            typ: None,
            max_age: None,
        }
    }

    /// Accept only tokens whose `iss` equals one of `issuers` exactly (this makes `iss` required).
    #[must_use]
    pub const fn issuers(mut self, issuers: &'a [&'a str]) -> Self {
        self.issuers = issuers;
        self
    }

    /// Accept only tokens whose `aud` contains one of `audiences` (this makes `aud` required).
    #[must_use]
    pub const fn audiences(mut self, audiences: &'a [&'a str]) -> Self {
        self.audiences = audiences;
        self
    }

    /// Clock skew tolerated on `exp`, `nbf`, `iat` and `max_age`, in seconds.
    #[must_use]
    pub const fn leeway(mut self, seconds: u32) -> Self {
        self.leeway = seconds;
        self
    }

    /// Longest token accepted, checked before any other work.
    #[must_use]
    pub const fn max_token_bytes(mut self, bytes: usize) -> Self {
        self.max_token_bytes = bytes;
        self
    }

    /// Registered claims that must be present, in addition to `exp` (which stays required unless
    /// [`Policy::allow_missing_exp`] says otherwise).
    #[must_use]
    pub const fn require(mut self, claims: ClaimSet) -> Self {
        self.required = claims;
        self
    }

    /// Accept tokens without `exp` (tokens that never expire). The only way to drop the `exp`
    /// requirement, and named so that it reads as the loosening it is.
    #[must_use]
    pub const fn allow_missing_exp(mut self) -> Self {
        self.exp_required = false;
        self
    }

    /// Require this header `typ` (compared ASCII case-insensitively, an `application/` prefix ignored).
    #[must_use]
    pub const fn typ(mut self, typ: &'a str) -> Self {
        self.typ = Some(typ);
        self
    }

    /// Reject tokens whose `iat` is more than `seconds` before now (this makes `iat` required).
    #[must_use]
    pub const fn max_age(mut self, seconds: u32) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// The allowed algorithms.
    pub const fn algorithms(&self) -> AlgorithmSet {
        self.algorithms
    }

    /// The maximum token size.
    pub const fn max_token_len(&self) -> usize {
        self.max_token_bytes
    }

    /// Claims that must be present, including those implied by issuers, audiences and max age.
    pub const fn required_claims(&self) -> ClaimSet {
        let mut set = self.required;
        if self.exp_required {
            set = set.with(Claim::Exp);
        }
        if !self.issuers.is_empty() {
            set = set.with(Claim::Iss);
        }
        if !self.audiences.is_empty() {
            set = set.with(Claim::Aud);
        }
        if self.max_age.is_some() {
            set = set.with(Claim::Iat);
        }
        set
    }
}
