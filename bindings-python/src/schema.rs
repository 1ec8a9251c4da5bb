//! `Schema`: the core's validation decision over request bodies, and projection of responses.
//!
//! Decides only where a compiled schema lives: the core compiles a JSON Schema document into caller
//! storage that the schema then borrows, and safe Rust cannot later free storage that a value of the
//! same lifetime borrows — so compiled schemas are interned for the life of the process, keyed by their
//! exact document text (compiling the same schema twice reuses the first; only distinct schemas cost
//! memory, the way a service defines its models once at import). Guarantees that unsupported keywords
//! raise `ConfigError` at construction, that a rejected body raises `ValidationError` listing up to
//! [`MAX_ERRORS`] errors with JSON-Pointer paths and codes and never the value, and that an accepted
//! body is converted to Python objects only after the core accepted it.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use apiward::validate::{self, Capacity, Limits, Literal, Node, Program, Property, Storage};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyType};

use crate::jwt::json_document;
use crate::pyjson::{self, Names};
use crate::{coded_error, config_error};

/// Most errors one `ValidationError` reports.
const MAX_ERRORS: usize = 32;
/// Bodies larger than this are validated with the GIL released.
const DETACH_BYTES: usize = 64 * 1024;

/// A compiled schema and the interned names of its declared properties.
struct Compiled {
    schema: validate::Schema<'static>,
    names: Names,
}

fn compiled(py: Python<'_>, document: Vec<u8>) -> PyResult<&'static Compiled> {
    static INTERNED: OnceLock<Mutex<HashMap<Vec<u8>, &'static Compiled>>> = OnceLock::new();
    let interned = INTERNED.get_or_init(Mutex::default);
    if let Some(schema) = interned.lock().unwrap_or_else(PoisonError::into_inner).get(&document) {
        return Ok(schema);
    }
    let cap = Capacity::for_document(&document);
    let key = document.clone();
    // Leaked on purpose, once per distinct schema: see the module docs.
    let storage = Storage {
        nodes: vec![Node::Never; cap.nodes].leak(),
        properties: vec![Property::optional("", 0); cap.properties].leak(),
        ids: vec![0; cap.ids].leak(),
        literals: vec![Literal::Null; cap.literals].leak(),
        text: vec![0; cap.text].leak(),
        programs: vec![Program::EMPTY; cap.programs].leak(),
    };
    let document: &'static [u8] = document.leak();
    let schema = validate::compile(document, storage).map_err(|e| {
        let message = format!("unsupported or invalid JSON Schema at {:?} ({})", e.path.as_str(), e.code());
        config_error(py, e.code(), &message)
    })?;
    let names = Names::of_schema(py, document);
    let schema: &'static Compiled = Box::leak(Box::new(Compiled { schema, names }));
    interned.lock().unwrap_or_else(PoisonError::into_inner).insert(key, schema);
    Ok(schema)
}

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
    limits: Limits,
}

impl Schema {
    fn check(&self, py: Python<'_>, body: &[u8]) -> PyResult<()> {
        let run = || -> Result<(), Vec<validate::Error>> {
            if validate::validate(&self.compiled.schema, body, &self.limits).is_ok() {
                return Ok(());
            }
            let mut errors = [validate::Error::default(); MAX_ERRORS];
            let found =
                validate::validate_all(&self.compiled.schema, body, &self.limits, &mut errors).err().unwrap_or(0);
            Err(errors[..found.max(1)].to_vec())
        };
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
        let compiled = self::compiled(py, document)?;
        let mut limits = Limits::DEFAULT;
        if let Some(v) = max_bytes {
            limits = limits.max_body_bytes(v);
        }
        if let Some(v) = max_depth {
            if v == 0 || v > apiward::json::MAX_DEPTH {
                return Err(config_error(py, "invalid_limits", "max_depth must be between 1 and 64"));
            }
            limits = limits.max_depth(v);
        }
        if let Some(v) = max_string_bytes {
            limits = limits.max_string_bytes(v);
        }
        if let Some(v) = max_number_len {
            limits = limits.max_number_len(v);
        }
        if let Some(v) = max_array_items {
            limits = limits.max_array_items(v);
        }
        if let Some(v) = max_object_members {
            limits = limits.max_object_members(v);
        }
        Ok(Schema { compiled, limits })
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
        pyjson::to_python(py, text, self.limits.depth(), &self.compiled.names)
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
        let mut out = vec![0u8; input.len() + 16];
        let len = validate::project(&self.compiled.schema, &input, self.limits.depth(), &mut out).map_err(|e| {
            static TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
            coded_error(py, &TYPE, "ProjectionError", e.code(), e.message())
        })?;
        out.truncate(len);
        if as_bytes {
            return Ok(PyBytes::new(py, &out).into_any());
        }
        let text =
            String::from_utf8(out).map_err(|_| config_error(py, "syntax", "projection produced invalid UTF-8"))?;
        pyjson::to_python(py, &text, self.limits.depth(), &self.compiled.names)
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
