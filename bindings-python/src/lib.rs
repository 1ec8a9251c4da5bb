//! The native module `apiward._apiward`: the core's three decisions for Python.
//!
//! Decides nothing itself: every verdict and error code comes from the `apiward` core; this crate only
//! adapts — it owns the memory the core borrows (key sets, limiter tables, compiled schemas), reads the
//! clock and the OS RNG the core never touches, holds the locks, and turns core errors into the Python
//! exceptions of `apiward._errors` with the core's stable `.code`. It never puts a token, a secret or an
//! input value into an exception message.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

mod jwt;
mod limit;
mod pyjson;
mod schema;

/// The exception classes live in Python (`apiward/_errors.py`) so that they are ordinary, typed
/// classes; the native code looks each up once.
fn error_type<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyType>> {
    cell.import(py, "apiward._errors", name)
}

/// Builds `apiward.<kind>(message, code)` as a `PyErr` (the exception's `__init__` takes both).
fn coded_error(py: Python<'_>, cell: &'static PyOnceLock<Py<PyType>>, kind: &str, code: &str, message: &str) -> PyErr {
    match error_type(py, cell, kind).and_then(|ty| ty.call1((message, code))) {
        Ok(instance) => PyErr::from_value(instance),
        Err(err) => err,
    }
}

/// A `JwtError` carrying the core's code and its fixed message.
fn jwt_error(py: Python<'_>, error: apiward::jwt::Error) -> PyErr {
    static TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    coded_error(py, &TYPE, "JwtError", error.code(), error.message())
}

/// A `ConfigError` (also a `ValueError`): a bad argument refused at construction.
fn config_error(py: Python<'_>, code: &str, message: &str) -> PyErr {
    static TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    coded_error(py, &TYPE, "ConfigError", code, message)
}

/// A `ConfigError` from the shared hosted layer.
fn config(py: Python<'_>, error: apiward_hosted::ConfigError) -> PyErr {
    config_error(py, error.code, &error.message)
}

#[pymodule]
fn _apiward(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<jwt::Key>()?;
    m.add_class::<jwt::JwtVerifier>()?;
    m.add_function(wrap_pyfunction!(jwt::sign, m)?)?;
    m.add_class::<limit::RateLimiter>()?;
    m.add_class::<limit::Decision>()?;
    m.add_class::<limit::ClientIpResolver>()?;
    m.add_function(wrap_pyfunction!(limit::check_all, m)?)?;
    m.add_class::<schema::Schema>()?;
    Ok(())
}

/// A `str` (as UTF-8) or bytes-like argument, borrowed from its Python object where possible.
pub(crate) enum TextOrBytes {
    Str(pyo3::pybacked::PyBackedStr),
    Bytes(pyo3::pybacked::PyBackedBytes),
}

impl TextOrBytes {
    fn extract(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        if let Ok(text) = value.cast::<pyo3::types::PyString>() {
            return Ok(TextOrBytes::Str(text.clone().try_into()?));
        }
        Ok(TextOrBytes::Bytes(value.extract().map_err(PyErr::from)?))
    }
}

impl std::ops::Deref for TextOrBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            TextOrBytes::Str(s) => s.as_bytes(),
            TextOrBytes::Bytes(b) => b,
        }
    }
}
