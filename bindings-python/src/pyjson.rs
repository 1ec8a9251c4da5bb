//! JSON text the core has already accepted → ordinary Python objects (dict/list/str/int/float/bool/None).
//!
//! Decides only how each JSON value is spelled in Python, the way `json.loads` spells it: integers of any
//! size as `int`, other numbers as `float`, members in document order. Its input is always text the
//! core has just accepted (a validated body, verified claims, a projection), so it does not check the
//! grammar a second time: it is one quick scan (string ends found with `memchr`), with an explicit stack
//! bounded by the caller's depth cap — never recursion on input depth — and escaped strings decoded by
//! the core's own unescaper. Guarantees no panic and an error (never a wrong value) on text that is
//! not well-formed after all.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use rustc_hash::FxHashMap;

/// Member names known in advance (a schema's declared properties, the registered JWT claims), as
/// interned Python strings: a hit costs no allocation, and the string's hash is already cached, so
/// inserting it into the dict is cheaper too.
#[derive(Default)]
pub(crate) struct Names {
    map: FxHashMap<Box<str>, Py<PyString>>,
}

impl Names {
    pub(crate) fn new<'a>(py: Python<'_>, names: impl IntoIterator<Item = &'a str>) -> Self {
        let map = names.into_iter().map(|n| (Box::from(n), PyString::intern(py, n).unbind())).collect();
        Names { map }
    }

    fn get<'py>(&self, py: Python<'py>, name: &str) -> Option<Bound<'py, PyString>> {
        self.map.get(name).map(|s| s.bind(py).clone())
    }
}

/// An open container and, for objects, the member name waiting for its value.
enum Open<'py> {
    List(Bound<'py, PyList>),
    Dict(Bound<'py, PyDict>, Option<Bound<'py, PyString>>),
}

fn invalid() -> PyErr {
    PyValueError::new_err("invalid JSON")
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
    let value: f64 = literal.parse().map_err(|_| invalid())?;
    Ok(PyFloat::new(py, value).into_any())
}

/// The scanner's position in the text.
struct Scan<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Scan<'t> {
    fn skip_ws(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// The string starting at the opening quote at `pos`: its raw content and whether it has escapes.
    fn string(&mut self) -> PyResult<(&'t str, bool)> {
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let mut at = start;
        let mut escaped = false;
        loop {
            let rest = bytes.get(at..).ok_or_else(invalid)?;
            let found = memchr::memchr2(b'"', b'\\', rest).ok_or_else(invalid)?;
            at += found;
            if bytes.get(at) == Some(&b'"') {
                break;
            }
            escaped = true;
            at += 2; // the backslash and the escaped byte (a \u escape's hex digits are never quotes)
        }
        self.pos = at + 1;
        Ok((self.text.get(start..at).ok_or_else(invalid)?, escaped))
    }

    fn py_string<'py>(&mut self, py: Python<'py>, names: Option<&Names>) -> PyResult<Bound<'py, PyString>> {
        let (raw, escaped) = self.string()?;
        if !escaped {
            if let Some(known) = names.and_then(|n| n.get(py, raw)) {
                return Ok(known);
            }
            return Ok(PyString::new(py, raw));
        }
        // Rare: let the core unescape it (it also rejects lone surrogates).
        let quoted =
            self.text.get(raw.as_ptr().addr() - self.text.as_ptr().addr() - 1..self.pos).ok_or_else(invalid)?;
        let value = apiward::json::parse(quoted.as_bytes(), 1).map_err(|_| invalid())?;
        let unescaped: String = value.as_str().ok_or_else(invalid)?.chars().collect();
        Ok(PyString::new(py, &unescaped))
    }

    fn literal(&mut self, word: &str) -> PyResult<()> {
        if self.text.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(invalid())
        }
    }

    fn number_text(&mut self) -> &'t str {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        while bytes.get(self.pos).is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')) {
            self.pos += 1;
        }
        self.text.get(start..self.pos).unwrap_or("")
    }
}

/// Converts one complete JSON text the core has accepted into a Python object.
///
/// # Errors
/// `ValueError` if the text is not well-formed or nests deeper than `max_depth` (a defence: callers
/// pass accepted text, so users never see this).
pub(crate) fn to_python<'py>(
    py: Python<'py>,
    json: &str,
    max_depth: usize,
    names: &Names,
) -> PyResult<Bound<'py, PyAny>> {
    let mut scan = Scan { text: json, pos: 0 };
    let mut stack: Vec<Open<'py>> = Vec::new();
    loop {
        let byte = scan.skip_ws().ok_or_else(invalid)?;
        let value: Bound<'py, PyAny> = match byte {
            b'{' | b'[' => {
                if stack.len() >= max_depth {
                    return Err(invalid());
                }
                scan.pos += 1;
                let open = if byte == b'{' { Open::Dict(PyDict::new(py), None) } else { Open::List(PyList::empty(py)) };
                stack.push(open);
                continue;
            }
            b',' => {
                scan.pos += 1;
                continue;
            }
            b'}' | b']' => {
                scan.pos += 1;
                match stack.pop() {
                    Some(Open::Dict(dict, None)) if byte == b'}' => dict.into_any(),
                    Some(Open::List(list)) if byte == b']' => list.into_any(),
                    _ => return Err(invalid()),
                }
            }
            b'"' => {
                if let Some(Open::Dict(_, pending @ None)) = stack.last_mut() {
                    // A member name, then its colon.
                    *pending = Some(scan.py_string(py, Some(names))?);
                    if scan.skip_ws() != Some(b':') {
                        return Err(invalid());
                    }
                    scan.pos += 1;
                    continue;
                }
                scan.py_string(py, None)?.into_any()
            }
            b't' => {
                scan.literal("true")?;
                PyBool::new(py, true).to_owned().into_any()
            }
            b'f' => {
                scan.literal("false")?;
                PyBool::new(py, false).to_owned().into_any()
            }
            b'n' => {
                scan.literal("null")?;
                py.None().into_bound(py)
            }
            _ => number(py, scan.number_text())?,
        };
        match stack.last_mut() {
            None => {
                return match scan.skip_ws() {
                    None => Ok(value),
                    Some(_) => Err(invalid()),
                };
            }
            Some(Open::List(list)) => list.append(value)?,
            Some(Open::Dict(dict, pending)) => {
                let member = pending.take().ok_or_else(invalid)?;
                dict.set_item(member, value)?;
            }
        }
    }
}
