//! `Schema`: the core's validation decision over request bodies, and projection of responses.
//!
//! Decides only the Python spelling: compiled schemas are interned for the process by
//! `apiward_hosted::schema` (shared with the Node binding; see there why), limits come from keyword
//! arguments, and accepted bodies become Python objects through [`pyjson`] with the schema's declared
//! property names interned. Guarantees that unsupported keywords raise `ConfigError` at construction,
//! that a rejected body raises `ValidationError` listing up to 32 errors with JSON-Pointer paths and
//! codes and never the value, and that a body is converted only after the core accepted it.

use apiward::validate::{self, Limits};
use apiward_hosted::schema::{self as hosted, Compiled, LimitOptions};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyType};

use crate::jwt::json_document;
use crate::pyjson::{self, Names};
use crate::{coded_error, config, config_error};

/// Bodies larger than this are validated with the GIL released.
const DETACH_BYTES: usize = 64 * 1024;

/// The body as bytes: `bytes` borrowed, `str` as UTF-8, other buffers copied.
enum Body<'py> {
    Bytes(Bound<'py, PyBytes>),
    Owned(Vec<u8>),
}

impl Body<'_> {
    fn as_slice(&self) -> &[u8] {
        match self {
            Body::Bytes(b) => b.as_bytes(),
            Body::Owned(v) => v,
        }
    }
}

fn body<'py>(py: Python<'py>, value: &Bound<'py, PyAny>) -> PyResult<Body<'py>> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(Body::Bytes(bytes.clone()));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Body::Owned(text.to_cow()?.as_bytes().to_vec()));
    }
    if let Ok(array) = value.cast::<PyByteArray>() {
        return Ok(Body::Owned(array.to_vec()));
    }
    // memoryview and other buffers: bytes(value) copies exactly their contents.
    let bytes = py.get_type::<PyBytes>().call1((value,))?.cast_into::<PyBytes>()?;
    Ok(Body::Bytes(bytes))
}

fn validation_error(py: Python<'_>, errors: &[validate::Error]) -> PyErr {
    static TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let build = || -> PyResult<PyErr> {
        let list = PyList::empty(py);
        for error in errors {
            let item = PyDict::new(py);
            item.set_item("path", error.path.as_str())?;
            item.set_item("code", error.code())?;
            item.set_item("message", error.message())?;
            list.append(item)?;
        }
        let first = errors.first().copied().unwrap_or_default();
        let ty = crate::error_type(py, &TYPE, "ValidationError")?;
        Ok(PyErr::from_value(ty.call1((first.message(), first.code(), list))?))
    };
    build().unwrap_or_else(|e| e)
}

/// A compiled request-body schema (a JSON Schema subset) with its size and shape limits.
#[pyclass(module = "apiward", frozen)]
pub(crate) struct Schema {
    compiled: &'static Compiled,
    names: Names,
    limits: Limits,
}

impl Schema {
    fn check(&self, py: Python<'_>, body: &[u8]) -> PyResult<()> {
        let run = || hosted::check(&self.compiled.schema, body, &self.limits);
        let result = if body.len() > DETACH_BYTES { py.detach(run) } else { run() };
        result.map_err(|errors| validation_error(py, &errors))
    }
}

#[pymethods]
impl Schema {
    /// Compiles `json_schema` (a dict, or JSON text) with the given limits (the core's safe defaults
    /// otherwise: 1 MiB, depth 32, 64 KiB strings, 64-digit numbers, 10 000 items, 1 000 members).
    #[new]
    #[pyo3(signature = (json_schema, *, max_bytes=None, max_depth=None, max_string_bytes=None, max_number_len=None, max_array_items=None, max_object_members=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        json_schema: &Bound<'_, PyAny>,
        max_bytes: Option<usize>,
        max_depth: Option<usize>,
        max_string_bytes: Option<usize>,
        max_number_len: Option<usize>,
        max_array_items: Option<u32>,
        max_object_members: Option<u32>,
    ) -> PyResult<Self> {
        let document = json_document(py, json_schema)?;
        let compiled = hosted::intern(&document).map_err(|e| {
            let message = format!("unsupported or invalid JSON Schema at {:?} ({})", e.path.as_str(), e.code());
            config_error(py, e.code(), &message)
        })?;
        let limits = LimitOptions {
            max_bytes,
            max_depth,
            max_string_bytes,
            max_number_len,
            max_array_items,
            max_object_members,
        }
        .limits()
        .map_err(|e| config(py, e))?;
        let names = Names::new(py, compiled.property_names.iter().copied());
        Ok(Schema { compiled, names, limits })
    }

    /// The schema of a pydantic model class, through its `model_json_schema()`.
    #[classmethod]
    #[pyo3(signature = (model, **limits))]
    fn from_model<'py>(
        cls: &Bound<'py, PyType>,
        model: &Bound<'py, PyAny>,
        limits: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let document = model.call_method0("model_json_schema")?;
        cls.call((document,), limits)
    }

    /// Validates `body` (bytes, str, bytearray or memoryview) and returns it as Python objects, or
    /// raises `ValidationError`.
    fn validate<'py>(&self, py: Python<'py>, body: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let body = self::body(py, body)?;
        let bytes = body.as_slice();
        self.check(py, bytes)?;
        // Accepted, so UTF-8 and strict JSON within the depth limit.
        let text = std::str::from_utf8(bytes).map_err(|_| validation_error(py, &[validate::Error::default()]))?;
        pyjson::to_python(py, text, self.limits.depth(), &self.names)
    }

    /// Whether `body` is acceptable (no objects built, no exception).
    fn is_valid(&self, py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<bool> {
        let body = self::body(py, body)?;
        Ok(validate::validate(&self.compiled.schema, body.as_slice(), &self.limits).is_ok())
    }

    /// Only what the schema declares: bytes in → compact JSON bytes out; any other object → the
    /// projected object. Undeclared members (`password_hash`, …) are dropped at every level.
    fn project<'py>(&self, py: Python<'py>, document: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let as_bytes = document.cast::<PyBytes>().is_ok();
        let input = if as_bytes { document.extract::<Vec<u8>>()? } else { json_document(py, document)? };
        let out = hosted::project(&self.compiled.schema, &input, self.limits.depth()).map_err(|e| {
            static TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
            coded_error(py, &TYPE, "ProjectionError", e.code(), e.message())
        })?;
        if as_bytes {
            return Ok(PyBytes::new(py, &out).into_any());
        }
        let text =
            String::from_utf8(out).map_err(|_| config_error(py, "syntax", "projection produced invalid UTF-8"))?;
        pyjson::to_python(py, &text, self.limits.depth(), &self.names)
    }

    /// The limits in force, as a dict.
    #[getter]
    fn max_bytes(&self) -> usize {
        self.limits.body_bytes()
    }

    #[getter]
    fn max_depth(&self) -> usize {
        self.limits.depth()
    }
}
