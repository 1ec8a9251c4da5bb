//! JSON text the core has already accepted → ordinary Python objects (dict/list/str/int/float/bool/None).
//!
//! Decides only how each JSON value is spelled in Python, the way `json.loads` spells it: integers of any
//! size as `int`, other numbers as `float`, members in document order. Guarantees a single pass with
//! the core's strict reader (so even text that skipped validation cannot smuggle in duplicates or bad
//! escapes) and an explicit stack bounded by the reader's depth cap — never recursion on input depth.

use apiward::json::{Event, JsonStr, Reader};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};

/// An open container and, for objects, the member name waiting for its value.
enum Open<'py> {
    List(Bound<'py, PyList>),
    Dict(Bound<'py, PyDict>, Option<Bound<'py, PyString>>),
}

fn text<'py>(py: Python<'py>, s: JsonStr<'_>) -> Bound<'py, PyString> {
    match s.as_plain() {
        Some(plain) => PyString::new(py, plain),
        None => PyString::new(py, &s.chars().collect::<String>()),
    }
}

fn number<'py>(py: Python<'py>, literal: &str) -> PyResult<Bound<'py, PyAny>> {
    if !literal.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        if let Ok(small) = literal.parse::<i64>() {
            return Ok(small.into_pyobject(py)?.into_any());
        }
        // Beyond 64 bits: Python's own int() is exact for any length (the core bounds the length).
        return py.get_type::<PyInt>().call1((literal,));
    }
    // Rust's and Python's float parsing are both correctly rounded, so the values agree.
    let value: f64 = literal.parse().map_err(|_| PyValueError::new_err("invalid JSON number"))?;
    Ok(PyFloat::new(py, value).into_any())
}

/// Converts one complete JSON text into a Python object.
///
/// # Errors
/// `ValueError` if the text is not strict JSON within `max_depth` (callers pass text the core has
/// already accepted, so this is a defence, not a path users see).
pub(crate) fn to_python<'py>(py: Python<'py>, json: &str, max_depth: usize) -> PyResult<Bound<'py, PyAny>> {
    let mut reader = Reader::new(json, max_depth);
    let mut stack: Vec<Open<'py>> = Vec::new();
    let mut root = None;
    let invalid = |_| PyValueError::new_err("invalid JSON");
    while let Some(event) = reader.next_event().map_err(invalid)? {
        let value: Bound<'py, PyAny> = match event {
            Event::ObjectStart => {
                stack.push(Open::Dict(PyDict::new(py), None));
                continue;
            }
            Event::ArrayStart => {
                stack.push(Open::List(PyList::empty(py)));
                continue;
            }
            Event::Name(name) => {
                if let Some(Open::Dict(_, pending)) = stack.last_mut() {
                    *pending = Some(text(py, name));
                }
                continue;
            }
            Event::ObjectEnd | Event::ArrayEnd => match stack.pop() {
                Some(Open::Dict(dict, _)) => dict.into_any(),
                Some(Open::List(list)) => list.into_any(),
                None => return Err(PyValueError::new_err("invalid JSON")),
            },
            Event::Str(s) => text(py, s).into_any(),
            Event::Number(literal) => number(py, literal)?,
            Event::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
            Event::Null => py.None().into_bound(py),
        };
        match stack.last_mut() {
            None => root = Some(value),
            Some(Open::List(list)) => list.append(value)?,
            Some(Open::Dict(dict, pending)) => {
                let name = pending.take().ok_or_else(|| PyValueError::new_err("invalid JSON"))?;
                dict.set_item(name, value)?;
            }
        }
    }
    root.ok_or_else(|| PyValueError::new_err("invalid JSON"))
}
