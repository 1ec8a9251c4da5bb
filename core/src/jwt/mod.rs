//! JSON Web Token verification (JWS compact serialization; RFC 7515, 7518, 7519, 8037, 8725).
//!
//! Decides whether a bearer token is genuine and acceptable under a [`Policy`]: size first, then
//! strict structure (base64url, RFC 8259 JSON, no duplicate members), then header policy
//! (allow-listed `alg`, no `crit`, no nested tokens, pinned `typ`), then key selection bound to the
//! algorithm, then the signature, then the time and identity claims. Guarantees no heap, no panics,
//! a stable [`Error`] code for every rejection, and that `none` and algorithm confusion are
//! impossible by construction. Never fetches keys, never trusts keys carried in a token, never
//! reads a clock: time comes in as `now`.

pub(crate) mod alg;
mod claims;
mod error;
mod key;
mod numeric_date;
mod policy;
#[cfg(any(feature = "_hmac", feature = "es256", feature = "eddsa"))]
mod sign;
mod verify;

pub use alg::{Algorithm, AlgorithmSet};
pub use claims::{Audiences, Claims, Header};
pub use error::Error;
pub use key::{Key, KeySet, MAX_KID_BYTES};
pub use numeric_date::NumericDate;
pub use policy::{Claim, ClaimSet, Policy, DEFAULT_MAX_TOKEN_BYTES};
#[cfg(any(feature = "_hmac", feature = "es256", feature = "eddsa"))]
pub use sign::{sign, SigningKey};
pub use verify::{scratch_len, verify, Verifier, MAX_JSON_DEPTH};
