//! Response projection: copy out of a JSON document only what a schema declares.
//!
//! Decides which members of a (response) document a client may see: declared `properties`, members a
//! map's `additionalProperties` schema covers, items through `items`, recursively; everything else
//! (`password_hash`, `internal_notes`, …) is dropped. Guarantees one streaming pass, output written to
//! the caller's buffer as compact JSON with every kept string and number copied byte for byte, bounded
//! depth, and failure (never a partial document) when the document is not JSON, does not match the
//! schema's types, or the buffer is too small. Never allocates, never reorders or rewrites values.

use crate::json::{Event, JsonError, Reader};

use super::error::{Code, Error, Pointer};
use super::schema::{Additional, Node, Schema};

/// What a container's members/items are projected with.
#[derive(Clone, Copy)]
enum Shape<'s> {
    /// An object kept whole (`Any`, `additionalProperties: true`).
    KeepObject,
    /// An array kept whole.
    KeepArray,
    /// Declared members only.
    Object(&'s super::schema::ObjectRules<'s>),
    /// Items through this node (or kept whole).
    Array(Option<&'s Node<'s>>),
}

struct Out<'o> {
    buf: &'o mut [u8],
    len: usize,
}

impl Out<'_> {
    fn push(&mut self, bytes: &[u8]) -> Result<(), Code> {
        let end = self.len.checked_add(bytes.len()).ok_or(Code::BufferTooSmall)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(Code::BufferTooSmall)?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

/// Writes to `out` the parts of `document` that `schema` declares, as compact JSON; returns the number
/// of bytes written. `max_depth` bounds nesting as in [`Limits`](super::Limits) (capped at 64).
///
/// # Errors
/// `syntax`, `too_deep` or `duplicate_key` for a document that is not strict JSON; `type` (with the
/// path) for a value whose JSON type the schema does not allow; `not_allowed` for a value under a
/// `false` schema; `buffer_too_small` when `out` cannot hold the result.
#[allow(clippy::result_large_err)] // the path is inline (no heap)
pub fn project(schema: &Schema<'_>, document: &[u8], max_depth: usize, out: &mut [u8]) -> Result<usize, Error> {
    let mut projector = Projector { schema, frames: [(Shape::KeepArray, 0, None); crate::json::MAX_DEPTH], depth: 0 };
    let mut out = Out { buf: out, len: 0 };
    match projector.run(document, max_depth, &mut out) {
        Ok(()) => Ok(out.len),
        Err(code) => Err(Error { code, path: projector.path(), limit: None }),
    }
}

/// Frame: (shape, items or members written, current member name).
type Frame<'s, 'a> = (Shape<'s>, u32, Option<crate::json::JsonStr<'a>>);

struct Projector<'s, 'a> {
    schema: &'s Schema<'s>,
    frames: [Frame<'s, 'a>; crate::json::MAX_DEPTH],
    depth: usize,
}

impl<'s, 'a> Projector<'s, 'a> {
    fn run(&mut self, document: &'a [u8], max_depth: usize, out: &mut Out<'_>) -> Result<(), Code> {
        let text = core::str::from_utf8(document).map_err(|_| Code::Syntax)?;
        let mut reader = Reader::new(text, max_depth);
        let root = self.schema.node(self.schema.root()).unwrap_or(&Node::Never);
        let mut pending: Option<&'s Node<'s>> = Some(root);
        loop {
            let event = match reader.next_event() {
                Ok(Some(event)) => event,
                Ok(None) => return Ok(()),
                Err(JsonError::Syntax) => return Err(Code::Syntax),
                Err(JsonError::TooDeep) => return Err(Code::TooDeep),
                Err(JsonError::DuplicateName) => return Err(Code::DuplicateKey),
            };
            match event {
                Event::Name(name) => {
                    let Some(&(shape, written, _)) = self.depth.checked_sub(1).and_then(|i| self.frames.get(i)) else {
                        return Err(Code::Syntax);
                    };
                    let target = match shape {
                        Shape::KeepObject => Some(None),
                        Shape::Array(_) | Shape::KeepArray => return Err(Code::Syntax),
                        Shape::Object(rules) => match rules.properties.iter().find(|p| name.eq_str(p.name)) {
                            Some(property) => Some(Some(self.schema.node(property.schema).unwrap_or(&Node::Never))),
                            None => match rules.additional {
                                Additional::Reject => None,
                                Additional::Allow => Some(None),
                                Additional::Schema(id) => Some(Some(self.schema.node(id).unwrap_or(&Node::Never))),
                            },
                        },
                    };
                    if let Some(frame) = self.depth.checked_sub(1).and_then(|i| self.frames.get_mut(i)) {
                        frame.2 = Some(name);
                    }
                    match target {
                        None => {
                            reader.skip().map_err(|e| match e {
                                JsonError::TooDeep => Code::TooDeep,
                                JsonError::DuplicateName => Code::DuplicateKey,
                                JsonError::Syntax => Code::Syntax,
                            })?;
                        }
                        Some(node) => {
                            if written > 0 {
                                out.push(b",")?;
                            }
                            out.push(b"\"")?;
                            out.push(name.raw().as_bytes())?;
                            out.push(b"\":")?;
                            if let Some(frame) = self.depth.checked_sub(1).and_then(|i| self.frames.get_mut(i)) {
                                frame.1 = frame.1.saturating_add(1);
                            }
                            pending = node;
                        }
                    }
                }
                Event::ObjectEnd => {
                    out.push(b"}")?;
                    self.depth = self.depth.saturating_sub(1);
                }
                Event::ArrayEnd => {
                    out.push(b"]")?;
                    self.depth = self.depth.saturating_sub(1);
                }
                value => {
                    // An array item: its node comes from the array's shape.
                    let parent = self.depth.checked_sub(1).and_then(|i| self.frames.get_mut(i));
                    if let Some(frame) = parent {
                        let items = match frame.0 {
                            Shape::Array(items) => Some(items),
                            Shape::KeepArray => Some(None),
                            Shape::Object(_) | Shape::KeepObject => None,
                        };
                        if let Some(items) = items {
                            if frame.1 > 0 {
                                out.push(b",")?;
                            }
                            frame.1 = frame.1.saturating_add(1);
                            pending = items;
                        }
                    }
                    self.value(value, pending.take(), out)?;
                }
            }
        }
    }

    fn value(&mut self, event: Event<'a>, node: Option<&'s Node<'s>>, out: &mut Out<'_>) -> Result<(), Code> {
        let node = match node {
            None => None,
            // Projection checks JSON types only; `Never` is reported as `not_allowed` below.
            Some(node) => Some(
                self.schema
                    .branch_for(node, &event)
                    .filter(|n| matches!(n, Node::Never) || n.takes_type_of(&event))
                    .ok_or(Code::Type)?,
            ),
        };
        let shape = match (node, &event) {
            (None | Some(Node::Any), Event::ObjectStart) => Some(Shape::KeepObject),
            (None | Some(Node::Any), Event::ArrayStart) => Some(Shape::KeepArray),
            (Some(Node::Object(rules)), Event::ObjectStart) => Some(Shape::Object(rules)),
            (Some(Node::Array(rules)), Event::ArrayStart) => {
                Some(Shape::Array(rules.items.map(|id| self.schema.node(id).unwrap_or(&Node::Never))))
            }
            (Some(Node::Never), _) => return Err(Code::NotAllowed),
            (Some(_), Event::ObjectStart | Event::ArrayStart) => return Err(Code::Type),
            _ => None,
        };
        match event {
            Event::ObjectStart => out.push(b"{")?,
            Event::ArrayStart => out.push(b"[")?,
            Event::Str(s) => {
                out.push(b"\"")?;
                out.push(s.raw().as_bytes())?;
                out.push(b"\"")?;
            }
            Event::Number(n) => out.push(n.as_bytes())?,
            Event::Bool(true) => out.push(b"true")?,
            Event::Bool(false) => out.push(b"false")?,
            Event::Null => out.push(b"null")?,
            Event::Name(_) | Event::ObjectEnd | Event::ArrayEnd => return Err(Code::Syntax),
        }
        if let Some(shape) = shape {
            let frame = self.frames.get_mut(self.depth).ok_or(Code::TooDeep)?;
            *frame = (shape, 0, None);
            self.depth += 1;
        }
        Ok(())
    }

    fn path(&self) -> Pointer {
        let mut pointer = Pointer::ROOT;
        for (shape, count, name) in self.frames.iter().take(self.depth) {
            match (shape, name) {
                (Shape::Array(_) | Shape::KeepArray, _) => pointer.push_index(count.saturating_sub(1)),
                (_, Some(name)) => pointer.push_member(*name),
                (_, None) => {}
            }
        }
        pointer
    }
}
