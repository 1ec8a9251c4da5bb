//! `apiward-hosted`: what every binding of the core needs on a hosted (std) platform, written once.
//!
//! Decides nothing about tokens, requests or bodies — every verdict is the core's. It decides only
//! how core objects that borrow caller storage are owned by a long-lived, thread-shared binding
//! object: a JWT policy built from owned options ([`jwt::OwnedPolicy`]), a rate limiter whose capacity
//! is chosen at run time and split into independently locked shards ([`limit::ShardedLimiter`]), and
//! compiled schemas that outlive their construction ([`schema::intern`]). It also owns the clocks and
//! the OS RNG the core never touches. Guarantees the same verdicts and codes as the core for the
//! same inputs (the Python and Node bindings run the shared vectors through it). Never panics on
//! input, never holds a lock while calling back into a language runtime.

pub mod clock;
pub mod jwt;
pub mod limit;
pub mod schema;

/// A refused argument: a stable snake_case code (shared by all bindings) and a fixed message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// Stable code, e.g. `alg_not_allowed`, `invalid_policy`, `weak_key`.
    pub code: &'static str,
    /// A sentence for humans; never contains key material or input values.
    pub message: String,
}

impl ConfigError {
    /// An error with a fixed message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        ConfigError { code, message: message.into() }
    }
}

impl From<apiward::jwt::Error> for ConfigError {
    fn from(error: apiward::jwt::Error) -> Self {
        ConfigError::new(error.code(), error.message())
    }
}

impl From<apiward::limit::Error> for ConfigError {
    fn from(error: apiward::limit::Error) -> Self {
        ConfigError::new(error.code(), error.message())
    }
}
