//! The native module of the npm package `apiward`: the core's three decisions for Node.
//!
//! Decides nothing itself: every verdict and error code comes from the `apiward` core, and the glue
//! every binding shares — owned JWT policies and keys, the sharded limiter, schema interning, clocks,
//! the OS RNG — is `apiward_hosted`'s, the same code the Python binding runs. This crate only adapts:
//! napi argument and return types, JS values (BigInt nanoseconds, the decision record, error-list
//! JSON), the mapping of errors to JS, and running asymmetric signature checks on the libuv pool.
//! It never puts a token, a secret or an input value into an error message.
//!
//! How errors cross: construction errors are thrown as JS errors whose `code` is `"<Class>:<code>"`
//! (`ConfigError:weak_key`), which the JS layer (`index.js`) turns into its error classes; verdicts on
//! the hot paths are *returned*, never thrown (a rejected token is the text `"!code message"`, a
//! rejected body is its error list as JSON), so that the JS layer creates exactly one error object.

// Every fallible export throws a `ConfigError` for a bad argument, as the module docs say; the doc
// comments become the JSDoc of binding.d.ts, where an `# Errors` heading per function would be noise.
#![allow(clippy::missing_errors_doc)]

pub mod jwt;
pub mod limit;
pub mod schema;

/// A native result whose error carries `"<Class>:<code>"` as its JS `code` (named `Result` so that
/// `#[napi]` recognises it as one).
pub type Result<T> = std::result::Result<T, napi::Error<String>>;

/// A `ConfigError`: a bad argument, refused at construction.
pub(crate) fn config_error(code: &str, message: &str) -> napi::Error<String> {
    napi::Error::new(format!("ConfigError:{code}"), message)
}

/// A `ConfigError` from the shared hosted layer (same code and message as in every binding).
pub(crate) fn config(error: apiward_hosted::ConfigError) -> napi::Error<String> {
    config_error(error.code, &error.message)
}

/// A `JwtError` thrown (only `sign` throws one; `verify` returns its verdicts).
pub(crate) fn jwt_thrown(error: apiward::jwt::Error) -> napi::Error<String> {
    napi::Error::new(format!("JwtError:{}", error.code()), error.message())
}

/// A verdict returned as text: `!code message` (a JSON value never starts with `!`).
pub(crate) fn verdict(code: &str, message: &str) -> String {
    let mut out = String::with_capacity(code.len() + message.len() + 2);
    out.push('!');
    out.push_str(code);
    out.push(' ');
    out.push_str(message);
    out
}
