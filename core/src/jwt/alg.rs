//! JWS algorithm names and allow-lists.
//!
//! Decides which algorithm names exist for apiward (RFC 7518 §3 plus `EdDSA` from RFC 8037 and the
//! fully-specified `Ed25519` of RFC 9864) and maps each to its key family and hash. Guarantees that
//! `none` cannot be represented at all, so no allow-list can contain it; never matches names
//! case-insensitively.

use crate::crypto::hash::Hash;

/// A JWS signature algorithm apiward can verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(clippy::upper_case_acronyms)]
pub enum Algorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt.
    PS256,
    /// RSASSA-PSS with SHA-384, MGF1-SHA-384, 48-byte salt.
    PS384,
    /// RSASSA-PSS with SHA-512, MGF1-SHA-512, 64-byte salt.
    PS512,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-384 with SHA-384.
    ES384,
    /// ECDSA on P-521 with SHA-512.
    ES512,
    /// EdDSA (RFC 8037); apiward supports the Ed25519 curve only.
    EdDSA,
    /// The fully-specified Ed25519 name of RFC 9864. `EdDSA` in a policy does not admit it.
    Ed25519,
}

/// The kind of key an algorithm needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Hmac,
    RsaPkcs1,
    RsaPss,
    EcdsaP256,
    EcdsaP384,
    EcdsaP521,
    Ed25519,
}

impl Algorithm {
    /// Every algorithm, in a stable order (the bit order of [`AlgorithmSet`]).
    pub const ALL: [Algorithm; 14] = [
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::EdDSA,
        Algorithm::Ed25519,
    ];

    /// The registered name, as it appears in a JOSE header.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::EdDSA => "EdDSA",
            Algorithm::Ed25519 => "Ed25519",
        }
    }

    /// The algorithm with exactly this (case-sensitive) name. `none` and unknown names give `None`.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.iter().copied().find(|a| a.name() == name)
    }

    // A fieldless enum's discriminant (0..14) as a bit index: the one `as` that cannot truncate.
    #[allow(clippy::as_conversions)]
    const fn bit(self) -> u16 {
        1 << (self as u8)
    }

    pub(crate) const fn family(self) -> Family {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Family::Hmac,
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => Family::RsaPkcs1,
            Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => Family::RsaPss,
            Algorithm::ES256 => Family::EcdsaP256,
            Algorithm::ES384 => Family::EcdsaP384,
            Algorithm::ES512 => Family::EcdsaP521,
            Algorithm::EdDSA | Algorithm::Ed25519 => Family::Ed25519,
        }
    }

    #[cfg_attr(not(any(feature = "_hmac", feature = "rsa")), allow(dead_code))]
    pub(crate) const fn hash(self) -> Hash {
        match self {
            Algorithm::HS256 | Algorithm::RS256 | Algorithm::PS256 | Algorithm::ES256 => Hash::Sha256,
            Algorithm::HS384 | Algorithm::RS384 | Algorithm::PS384 | Algorithm::ES384 => Hash::Sha384,
            _ => Hash::Sha512,
        }
    }
}

impl core::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// An allow-list of algorithms (a bit set, `const`-constructible, never containing `none`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AlgorithmSet(u16);

impl AlgorithmSet {
    /// The empty set (a policy with it accepts nothing).
    pub const EMPTY: AlgorithmSet = AlgorithmSet(0);

    /// A set holding exactly `algorithms`.
    pub const fn from_slice(algorithms: &[Algorithm]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < algorithms.len() {
            bits |= algorithms[i].bit();
            i += 1;
        }
        AlgorithmSet(bits)
    }

    /// A set holding just `alg`.
    pub const fn only(alg: Algorithm) -> Self {
        AlgorithmSet(alg.bit())
    }

    /// This set plus `alg`.
    #[must_use]
    pub const fn with(self, alg: Algorithm) -> Self {
        AlgorithmSet(self.0 | alg.bit())
    }

    /// Whether `alg` is allowed.
    pub const fn contains(self, alg: Algorithm) -> bool {
        self.0 & alg.bit() != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The allowed algorithm with exactly this name, if any.
    pub fn find(self, name: &str) -> Option<Algorithm> {
        Algorithm::from_name(name).filter(|a| self.contains(*a))
    }

    /// The algorithms in the set.
    pub fn iter(self) -> impl Iterator<Item = Algorithm> {
        Algorithm::ALL.into_iter().filter(move |a| self.contains(*a))
    }
}
