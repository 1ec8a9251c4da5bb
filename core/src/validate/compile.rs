//! The run-time schema compiler: a JSON Schema document (the subset [`validate`](super) supports)
//! into a [`Schema`] held in storage the caller provides.
//!
//! Decides whether a schema document is one apiward can enforce exactly, and builds it. Guarantees
//! that every keyword is either enforced or a named error — never silently ignored (annotations such
//! as `title`, `description`, `default` and `examples` are the only keywords skipped) — that patterns
//! are compiled once, here, and that nothing is allocated: nodes, members, literals, unescaped text and
//! compiled patterns go into the caller's [`Storage`]. Never trusts the document's depth: nesting beyond
//! [`MAX_SCHEMA_DEPTH`] is refused.
//!
//! # Supported keywords
//!
//! | Keyword | Notes |
//! |---|---|
//! | `type` | one name or an array of names (an array becomes a type-dispatched `anyOf`) |
//! | `enum`, `const` | scalars only; with `type` and annotations only |
//! | `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` | numbers (the draft-4 boolean form is refused) |
//! | `multipleOf` | a positive integer |
//! | `minLength`, `maxLength`, `pattern`, `format` | lengths in Unicode scalar values; formats in [`Format`] |
//! | `items`, `minItems`, `maxItems`, `uniqueItems` | `items` as one schema (tuple form refused); `uniqueItems` only when `items` admits scalars alone (objects and arrays cannot be compared in one pass) |
//! | `properties`, `required`, `additionalProperties`, `minProperties`, `maxProperties` | `additionalProperties` defaults to **false** (unknown members rejected), unlike JSON Schema |
//! | `$defs`, `definitions`, `$ref` | local refs `#`, `#/$defs/Name`, `#/definitions/Name` |
//! | `anyOf` | branches must accept different JSON types (e.g. `Optional[str]`) |
//! | `allOf` | exactly one subschema (pydantic's wrapper around a `$ref`) |
//! | `title`, `description`, `default`, `examples`, `$schema`, `$id`, `$comment`, `deprecated`, `readOnly`, `writeOnly` | annotations, ignored |

// Errors carry their JSON Pointer inline (no heap); compiling is a one-time, cold path.
#![allow(clippy::result_large_err)]

use crate::json::{self, JsonStr, Kind, Value};

use super::error::Pointer;
use super::format::Format;
use super::number::Num;
use super::pattern::{ClassRun, Program};
use super::schema::{
    Additional, ArrayRules, Literal, Node, NodeId, NumberRules, ObjectRules, PatternRef, Property, Schema, StringRules,
    MAX_PROPERTIES,
};

/// The deepest subschema nesting the compiler follows.
pub const MAX_SCHEMA_DEPTH: usize = 32;

/// Why a schema document was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompileCode {
    /// The document is not strict JSON.
    Syntax,
    /// A keyword apiward does not enforce (refused rather than ignored).
    UnsupportedKeyword,
    /// A keyword's value has the wrong type or range (e.g. `"minLength": -1`).
    InvalidValue,
    /// An unknown `type` or `format` name.
    UnknownName,
    /// A combination apiward cannot enforce in one pass (e.g. `anyOf` branches of the same type).
    Unsupported,
    /// A `$ref` that is not local or names no definition.
    BadRef,
    /// A `pattern` outside the supported syntax.
    BadPattern,
    /// A number in the schema that does not fit `Num` (19 digits, exponent ±32767).
    NumberOutOfRange,
    /// A `required` member not declared in `properties`.
    RequiredUndeclared,
    /// Subschemas nested deeper than [`MAX_SCHEMA_DEPTH`], or more than 65 536 nodes.
    TooDeep,
    /// An object declares more than [`MAX_PROPERTIES`] properties.
    TooManyProperties,
    /// A [`Storage`] buffer is too small.
    StorageFull,
}

impl CompileCode {
    /// The stable snake_case code.
    pub const fn as_str(self) -> &'static str {
        match self {
            CompileCode::Syntax => "schema_syntax",
            CompileCode::UnsupportedKeyword => "unsupported_keyword",
            CompileCode::InvalidValue => "invalid_keyword_value",
            CompileCode::UnknownName => "unknown_name",
            CompileCode::Unsupported => "unsupported_schema",
            CompileCode::BadRef => "bad_ref",
            CompileCode::BadPattern => "bad_pattern",
            CompileCode::NumberOutOfRange => "number_out_of_range",
            CompileCode::RequiredUndeclared => "required_undeclared",
            CompileCode::TooDeep => "schema_too_deep",
            CompileCode::TooManyProperties => "too_many_properties",
            CompileCode::StorageFull => "storage_full",
        }
    }
}

/// A compile error: what, and where in the schema document (a JSON Pointer to the keyword).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// What was wrong.
    pub code: CompileCode,
    /// The keyword (or subschema) at fault.
    pub path: Pointer,
}

impl CompileError {
    /// The stable snake_case code.
    pub const fn code(&self) -> &'static str {
        self.code.as_str()
    }
}

impl core::fmt::Display for CompileError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} at {:?}", self.code.as_str(), self.path.as_str())
    }
}

/// The caller's buffers a compiled schema lives in (see [`Capacity::for_document`] for sizes that
/// always suffice).
pub struct Storage<'a> {
    /// One per subschema.
    pub nodes: &'a mut [Node<'a>],
    /// Declared object members, all objects together.
    pub properties: &'a mut [Property<'a>],
    /// `anyOf` branches.
    pub ids: &'a mut [NodeId],
    /// `enum`/`const` values.
    pub literals: &'a mut [Literal<'a>],
    /// Unescaped text of names, patterns and literals that contain JSON escapes.
    pub text: &'a mut [u8],
    /// Compiled patterns; when it runs out, patterns are kept as source and compiled on use. A pattern
    /// that is a [`ClassRun`](super::ClassRun) (`^[a-z0-9_]{3,32}$`) needs no slot.
    pub programs: &'a mut [Program],
}

/// Buffer sizes that always suffice for one schema document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capacity {
    /// For [`Storage::nodes`].
    pub nodes: usize,
    /// For [`Storage::properties`].
    pub properties: usize,
    /// For [`Storage::ids`].
    pub ids: usize,
    /// For [`Storage::literals`].
    pub literals: usize,
    /// For [`Storage::text`].
    pub text: usize,
    /// For [`Storage::programs`] (one per `pattern` keyword).
    pub programs: usize,
}

impl Capacity {
    /// Upper bounds from the document's size: each node, member, branch or literal takes at least two
    /// bytes of the document, except the up to 7 nodes one `type` array of names can create.
    pub fn for_document(document: &[u8]) -> Capacity {
        let len = document.len();
        let arrays = document.iter().filter(|&&b| b == b'[').count();
        let patterns = document.windows(9).filter(|w| *w == b"\"pattern\"").count();
        Capacity {
            nodes: len / 2 + 7 * arrays + 2,
            properties: len / 2 + 1,
            ids: len / 2 + 7 * arrays + 1,
            literals: len / 2 + 1,
            text: len,
            programs: patterns,
        }
    }
}

/// Takes `n` items off the front of a pool.
fn take<'a, T>(pool: &mut &'a mut [T], n: usize) -> Option<&'a mut [T]> {
    if n > pool.len() {
        return None;
    }
    let all = core::mem::take(pool);
    let (head, tail) = all.split_at_mut(n);
    *pool = tail;
    Some(head)
}

struct Compiler<'a> {
    document: Value<'a>,
    next: usize,
    properties: &'a mut [Property<'a>],
    ids: &'a mut [NodeId],
    literals: &'a mut [Literal<'a>],
    text: &'a mut [u8],
    programs: &'a mut [Program],
    /// Node ids of the root's definitions, in document order: `$defs` then `definitions`.
    defs_base: usize,
    path: [Option<JsonStr<'a>>; MAX_SCHEMA_DEPTH * 2],
    path_len: usize,
}

/// Compiles `document` into `storage`.
///
/// # Errors
/// [`CompileError`] naming the first problem and where it is.
pub fn compile<'a>(document: &'a [u8], storage: Storage<'a>) -> Result<Schema<'a>, CompileError> {
    let root_error = |code| CompileError { code, path: Pointer::ROOT };
    let root = json::parse(document, json::MAX_DEPTH).map_err(|_| root_error(CompileCode::Syntax))?;
    let Storage { nodes, properties, ids, literals, text, programs } = storage;
    let compiler = Compiler {
        document: root,
        next: 0,
        properties,
        ids,
        literals,
        text,
        programs,
        defs_base: 1,
        path: [None; MAX_SCHEMA_DEPTH * 2],
        path_len: 0,
    };
    compiler.build(nodes)
}

impl<'a> Compiler<'a> {
    fn build(mut self, nodes: &'a mut [Node<'a>]) -> Result<Schema<'a>, CompileError> {
        // Ids are handed out before their node is written ($refs, subschemas), so the caller's buffer
        // is filled by index.
        let mut out = NodeSink { nodes, filled: 0 };
        // Reserve the root and one node per definition, so $refs resolve to fixed ids.
        let defs = self.definition_count();
        self.next = 1 + defs;
        if self.next > out.nodes.len() {
            return Err(self.error(CompileCode::StorageFull));
        }
        if self.next > usize::from(u16::MAX) {
            return Err(self.error(CompileCode::TooDeep));
        }
        let document = self.document;
        self.compile_at(&mut out, 0, document, 0)?;
        for (index, (keyword, value)) in definitions(document).enumerate() {
            self.enter(keyword);
            let (name, def) = value;
            self.enter(name);
            self.compile_at(&mut out, 1 + index, def, 1)?;
            self.leave();
            self.leave();
        }
        let used = self.next;
        let nodes: &'a [Node<'a>] = match out.nodes.get(..used) {
            Some(_) => {
                let all: &'a mut [Node<'a>] = out.nodes;
                let (head, _) = all.split_at_mut(used);
                head
            }
            None => return Err(self.error(CompileCode::StorageFull)),
        };
        Schema::new(nodes, 0).map_err(|_| self.error(CompileCode::TooDeep))
    }

    fn error(&self, code: CompileCode) -> CompileError {
        let mut path = Pointer::ROOT;
        for segment in self.path.iter().take(self.path_len).flatten() {
            path.push_name(segment.chars());
        }
        CompileError { code, path }
    }

    fn enter(&mut self, segment: JsonStr<'a>) {
        if let Some(slot) = self.path.get_mut(self.path_len) {
            *slot = Some(segment);
        }
        self.path_len += 1;
    }

    fn leave(&mut self) {
        self.path_len = self.path_len.saturating_sub(1);
    }

    fn definition_count(&self) -> usize {
        definitions(self.document).count()
    }

    /// A fresh node id for a subschema compiled later in this call.
    fn reserve(&mut self, out: &NodeSink<'a>) -> Result<usize, CompileError> {
        let id = self.next;
        if id >= out.nodes.len() {
            return Err(self.error(CompileCode::StorageFull));
        }
        if id > usize::from(u16::MAX) {
            return Err(self.error(CompileCode::TooDeep));
        }
        self.next += 1;
        Ok(id)
    }

    /// Compiles `value` as a subschema into a new node; returns its id.
    fn subschema(&mut self, out: &mut NodeSink<'a>, value: Value<'a>, depth: usize) -> Result<NodeId, CompileError> {
        // A $ref-only subschema (plus annotations) resolves to its definition's node, no new node.
        if let Some(target) = self.plain_ref(value)? {
            return Ok(target);
        }
        let id = self.reserve(out)?;
        self.compile_at(out, id, value, depth)?;
        NodeId::try_from(id).map_err(|_| self.error(CompileCode::TooDeep))
    }

    fn compile_at(
        &mut self,
        out: &mut NodeSink<'a>,
        id: usize,
        value: Value<'a>,
        depth: usize,
    ) -> Result<(), CompileError> {
        if depth > MAX_SCHEMA_DEPTH {
            return Err(self.error(CompileCode::TooDeep));
        }
        let node = self.node(out, value, depth)?;
        out.put(id, node).ok_or_else(|| self.error(CompileCode::StorageFull))
    }

    /// `Some(id)` when `value` is `{"$ref": …}` plus annotations at most.
    fn plain_ref(&mut self, value: Value<'a>) -> Result<Option<NodeId>, CompileError> {
        let Some(members) = value.members() else { return Ok(None) };
        let mut target = None;
        for (name, member) in members {
            if name.eq_str("$ref") {
                self.enter(name);
                let id = self.resolve(member)?;
                self.leave();
                target = Some(id);
            } else if !is_annotation(name) {
                return Ok(None);
            }
        }
        Ok(target)
    }

    fn resolve(&self, reference: Value<'a>) -> Result<NodeId, CompileError> {
        let Some(text) = reference.as_str() else { return Err(self.error(CompileCode::InvalidValue)) };
        if text.eq_str("#") {
            return Ok(0);
        }
        for (index, (keyword, (name, _))) in definitions(self.document).enumerate() {
            let prefix_matches = |prefix: &str| {
                let mut chars = text.chars();
                prefix.chars().all(|c| chars.next() == Some(c)) && chars.eq(name.chars())
            };
            let hit =
                if keyword.eq_str("$defs") { prefix_matches("#/$defs/") } else { prefix_matches("#/definitions/") };
            if hit {
                return NodeId::try_from(self.defs_base + index).map_err(|_| self.error(CompileCode::TooDeep));
            }
        }
        Err(self.error(CompileCode::BadRef))
    }

    /// Unescaped text of a JSON string from the document: borrowed, or decoded into the text pool.
    fn text_of(&mut self, s: JsonStr<'a>) -> Result<&'a str, CompileError> {
        if let Some(plain) = s.as_plain() {
            return Ok(plain);
        }
        let needed = s.chars().map(char::len_utf8).sum();
        let Some(buf) = take(&mut self.text, needed) else { return Err(self.error(CompileCode::StorageFull)) };
        let buf: &'a mut [u8] = buf;
        match s.decode_into(buf) {
            Some(text) => Ok(text),
            None => Err(self.error(CompileCode::StorageFull)),
        }
    }

    #[allow(clippy::too_many_lines)]
    fn node(&mut self, out: &mut NodeSink<'a>, value: Value<'a>, depth: usize) -> Result<Node<'a>, CompileError> {
        match value.kind() {
            Kind::Bool => return Ok(if value.as_bool() == Some(true) { Node::Any } else { Node::Never }),
            Kind::Object => {}
            _ => return Err(self.error(CompileCode::InvalidValue)),
        }
        let members = value.members().into_iter().flatten();
        let mut keywords = Keywords::default();
        for (name, member) in members {
            self.enter(name);
            let slot = keywords.slot(name);
            match slot {
                Some(slot) => *slot = Some((name, member)),
                None if is_annotation(name) || is_definitions(name) => {}
                None => return Err(self.error(CompileCode::UnsupportedKeyword)),
            }
            self.leave();
        }
        // Wrappers first: $ref with siblings, allOf of one, anyOf.
        if let Some((name, reference)) = keywords.reference {
            if keywords.any_constraint() {
                self.enter(name);
                return Err(self.error(CompileCode::Unsupported));
            }
            self.enter(name);
            let id = self.resolve(reference)?;
            self.leave();
            return Ok(Node::AnyOf(self.branches(&[id])?));
        }
        if let Some((name, all)) = keywords.all_of {
            self.enter(name);
            let mut items = all.items().into_iter().flatten();
            let (Some(only), None) = (items.next(), items.next()) else {
                return Err(self.error(CompileCode::Unsupported));
            };
            if keywords.any_constraint() {
                return Err(self.error(CompileCode::Unsupported));
            }
            let id = self.subschema(out, only, depth + 1)?;
            self.leave();
            return Ok(Node::AnyOf(self.branches(&[id])?));
        }
        if let Some((name, any)) = keywords.any_of {
            self.enter(name);
            if keywords.any_constraint() || any.kind() != Kind::Array {
                return Err(self.error(CompileCode::Unsupported));
            }
            let count = any.items().into_iter().flatten().count();
            if count == 0 {
                return Err(self.error(CompileCode::InvalidValue));
            }
            let Some(ids) = take(&mut self.ids, count) else { return Err(self.error(CompileCode::StorageFull)) };
            for (slot, branch) in ids.iter_mut().zip(any.items().into_iter().flatten()) {
                *slot = self.subschema(out, branch, depth + 1)?;
            }
            let ids: &'a [NodeId] = ids;
            self.check_disjoint(any)?;
            self.leave();
            return Ok(Node::AnyOf(ids));
        }
        let types = self.types(keywords.type_)?;
        if let Some((name, list)) = keywords.enum_.or(keywords.const_) {
            if keywords.any_type_constraint() {
                self.enter(name);
                return Err(self.error(CompileCode::Unsupported));
            }
            return self.enumeration(name, list, keywords.const_.is_some(), types);
        }
        let mut built = [Node::Never; 7];
        let mut count = 0usize;
        for (bit, kind) in TYPE_NAMES.iter().enumerate() {
            if types & (1 << bit) == 0 {
                continue;
            }
            let node = match kind.1 {
                TypeName::Null => Node::Null,
                TypeName::Boolean => Node::Boolean,
                TypeName::Integer => Node::Integer(self.number_rules(&keywords)?),
                TypeName::Number => Node::Number(self.number_rules(&keywords)?),
                TypeName::String => Node::String(self.string_rules(&keywords)?),
                TypeName::Array => Node::Array(self.array_rules(out, &keywords, depth)?),
                TypeName::Object => Node::Object(self.object_rules(out, &keywords, depth)?),
            };
            if let Some(slot) = built.get_mut(count) {
                *slot = node;
                count += 1;
            }
        }
        if types == ALL_TYPES && !keywords.any_type_constraint() {
            return Ok(Node::Any);
        }
        if types == ALL_TYPES {
            // Keywords without `type` constrain only their own type; JSON Schema lets other types pass,
            // a silent loosening apiward will not guess at.
            return Err(self.error(CompileCode::Unsupported));
        }
        if count == 1 {
            return Ok(built.first().copied().unwrap_or(Node::Never));
        }
        let Some(ids) = take(&mut self.ids, count) else { return Err(self.error(CompileCode::StorageFull)) };
        for (slot, node) in ids.iter_mut().zip(built.iter().take(count)) {
            let id = self.reserve(out)?;
            out.put(id, *node).ok_or_else(|| self.error(CompileCode::StorageFull))?;
            *slot = NodeId::try_from(id).map_err(|_| self.error(CompileCode::TooDeep))?;
        }
        Ok(Node::AnyOf(ids))
    }

    fn branches(&mut self, ids: &[NodeId]) -> Result<&'a [NodeId], CompileError> {
        let Some(slots) = take(&mut self.ids, ids.len()) else { return Err(self.error(CompileCode::StorageFull)) };
        slots.copy_from_slice(ids);
        Ok(slots)
    }

    /// `anyOf` branches must take different JSON types (integer and number count as one), read from
    /// the branch documents (a `$ref` branch's definition may not be compiled yet).
    fn check_disjoint(&self, any: Value<'a>) -> Result<(), CompileError> {
        let mut taken = 0u8;
        for branch in any.items().into_iter().flatten() {
            let mask = self.document_types(branch, 0).ok_or_else(|| self.error(CompileCode::Unsupported))?;
            if taken & mask != 0 {
                return Err(self.error(CompileCode::Unsupported));
            }
            taken |= mask;
        }
        Ok(())
    }

    /// The JSON types a schema document accepts (integer folded into number), following `$ref`,
    /// single `allOf` and `anyOf` a few levels deep; `None` when it cannot be told (e.g. `{}`).
    fn document_types(&self, value: Value<'a>, depth: usize) -> Option<u8> {
        if depth > 8 || value.kind() != Kind::Object {
            return None;
        }
        let fold = |mask: u8| if mask & INTEGER != 0 { (mask & !INTEGER) | NUMBER } else { mask };
        if let Some(reference) = value.get("$ref") {
            let id = self.resolve(reference).ok()?;
            let target = if id == 0 {
                self.document
            } else {
                definitions(self.document).nth(usize::from(id) - self.defs_base).map(|(_, (_, v))| v)?
            };
            return self.document_types(target, depth + 1);
        }
        if let Some(all) = value.get("allOf") {
            let mut items = all.items()?;
            let (Some(only), None) = (items.next(), items.next()) else { return None };
            return self.document_types(only, depth + 1);
        }
        if let Some(any) = value.get("anyOf") {
            let mut mask = 0u8;
            for branch in any.items()? {
                mask |= self.document_types(branch, depth + 1)?;
            }
            return Some(mask);
        }
        if let Some(list) = value.get("enum") {
            let mut mask = 0u8;
            for item in list.items()? {
                mask |= literal_type(item.kind())?;
            }
            return Some(mask);
        }
        if let Some(constant) = value.get("const") {
            return literal_type(constant.kind());
        }
        value.get("type").and_then(|t| self.type_mask(t).ok()).filter(|&m| m != ALL_TYPES).map(fold)
    }

    fn types(&mut self, type_: Option<(JsonStr<'a>, Value<'a>)>) -> Result<u8, CompileError> {
        let Some((name, value)) = type_ else { return Ok(ALL_TYPES) };
        self.enter(name);
        let mask = self.type_mask(value)?;
        self.leave();
        Ok(mask)
    }

    fn type_mask(&self, value: Value<'a>) -> Result<u8, CompileError> {
        let one = |v: Value<'a>| -> Option<u8> {
            let s = v.as_str()?;
            TYPE_NAMES.iter().position(|(name, _)| s.eq_str(name)).map(|bit| 1u8 << bit)
        };
        match value.kind() {
            Kind::String => one(value).ok_or_else(|| self.error(CompileCode::UnknownName)),
            Kind::Array => {
                let mut mask = 0u8;
                for item in value.items().into_iter().flatten() {
                    let bit = one(item).ok_or_else(|| self.error(CompileCode::UnknownName))?;
                    if mask & bit != 0 {
                        return Err(self.error(CompileCode::InvalidValue));
                    }
                    mask |= bit;
                }
                // integer and number together are number.
                if mask & INTEGER != 0 && mask & NUMBER != 0 {
                    mask &= !INTEGER;
                }
                if mask == 0 {
                    return Err(self.error(CompileCode::InvalidValue));
                }
                Ok(mask)
            }
            _ => Err(self.error(CompileCode::InvalidValue)),
        }
    }

    fn enumeration(
        &mut self,
        name: JsonStr<'a>,
        list: Value<'a>,
        single: bool,
        types: u8,
    ) -> Result<Node<'a>, CompileError> {
        self.enter(name);
        if !single && list.kind() != Kind::Array {
            return Err(self.error(CompileCode::InvalidValue));
        }
        let values =
            || single.then_some(list).into_iter().chain(if single { None } else { list.items() }.into_iter().flatten());
        let Some(slots) = take(&mut self.literals, values().count()) else {
            return Err(self.error(CompileCode::StorageFull));
        };
        for (slot, item) in slots.iter_mut().zip(values()) {
            let literal = match item.kind() {
                Kind::Null => Literal::Null,
                Kind::Bool => Literal::Bool(item.as_bool() == Some(true)),
                Kind::Number => Literal::Number(self.num(item)?),
                Kind::String => match item.as_str() {
                    Some(s) => Literal::Str(self.text_of(s)?),
                    None => return Err(self.error(CompileCode::InvalidValue)),
                },
                Kind::Array | Kind::Object => return Err(self.error(CompileCode::Unsupported)),
            };
            let fits = match literal {
                Literal::Null => types & NULL != 0,
                Literal::Bool(_) => types & BOOLEAN != 0,
                Literal::Number(_) => types & (NUMBER | INTEGER) != 0,
                Literal::Str(_) => types & STRING != 0,
            };
            // A value the `type` excludes can never be accepted; listing it is a schema bug.
            if !fits {
                return Err(self.error(CompileCode::Unsupported));
            }
            *slot = literal;
        }
        let slots: &'a [Literal<'a>] = slots;
        self.leave();
        Ok(Node::Enum(slots))
    }

    fn num(&self, value: Value<'a>) -> Result<Num, CompileError> {
        value.as_number().and_then(num_from_text).ok_or_else(|| self.error(CompileCode::NumberOutOfRange))
    }

    /// A non-negative integer keyword value (`minLength`, `maxItems`, …).
    fn count_value(&mut self, keyword: Keyword<'a>) -> Result<Option<u32>, CompileError> {
        let Some((name, value)) = keyword else { return Ok(None) };
        self.enter(name);
        let count = value.as_number().and_then(num_from_text).and_then(whole_u32);
        let count = count.ok_or_else(|| self.error(CompileCode::InvalidValue))?;
        self.leave();
        Ok(Some(count))
    }

    /// A numeric bound keyword's value (the draft-4 boolean `exclusiveMinimum` is refused).
    fn bound(&mut self, keyword: Keyword<'a>) -> Result<Option<Num>, CompileError> {
        let Some((name, value)) = keyword else { return Ok(None) };
        self.enter(name);
        if value.kind() != Kind::Number {
            return Err(self.error(CompileCode::Unsupported));
        }
        let num = self.num(value)?;
        self.leave();
        Ok(Some(num))
    }

    fn number_rules(&mut self, k: &Keywords<'a>) -> Result<NumberRules, CompileError> {
        let mut rules = NumberRules::ANY;
        if let Some(value) = self.bound(k.minimum)? {
            rules = rules.minimum(value);
        }
        if let Some(value) = self.bound(k.maximum)? {
            rules = rules.maximum(value);
        }
        if let Some(value) = self.bound(k.exclusive_minimum)? {
            rules = rules.exclusive_minimum(value);
        }
        if let Some(value) = self.bound(k.exclusive_maximum)? {
            rules = rules.exclusive_maximum(value);
        }
        if k.minimum.is_some() && k.exclusive_minimum.is_some() || k.maximum.is_some() && k.exclusive_maximum.is_some()
        {
            return Err(self.error(CompileCode::Unsupported));
        }
        if let Some((name, value)) = k.multiple_of {
            self.enter(name);
            // Only positive integer steps are exact without floats; 0.01-style steps are refused.
            let divisor = value.as_number().and_then(num_from_text).and_then(whole_u32).filter(|&d| d > 0);
            let Some(divisor) = divisor else { return Err(self.error(CompileCode::Unsupported)) };
            rules = rules.multiple_of(u64::from(divisor));
            self.leave();
        }
        Ok(rules)
    }

    fn string_rules(&mut self, k: &Keywords<'a>) -> Result<StringRules<'a>, CompileError> {
        let mut rules = StringRules::ANY;
        if let Some(min) = self.count_value(k.min_length)? {
            rules = rules.min_length(min);
        }
        if let Some(max) = self.count_value(k.max_length)? {
            rules = rules.max_length(max);
        }
        if let Some((name, value)) = k.format {
            self.enter(name);
            let text = value.as_str().ok_or_else(|| self.error(CompileCode::InvalidValue))?;
            let text = self.text_of(text)?;
            let format = Format::from_name(text).ok_or_else(|| self.error(CompileCode::UnknownName))?;
            rules = rules.format(format);
            self.leave();
        }
        if let Some((name, value)) = k.pattern {
            self.enter(name);
            let text = value.as_str().ok_or_else(|| self.error(CompileCode::InvalidValue))?;
            let source = self.text_of(text)?;
            // Compiled straight into the caller's slot (a program is several KiB: no stack copy). Without
            // a slot, it is compiled here only to check it, and again at validation (`Source`).
            // A class run needs no program (and takes no slot).
            let class_run = ClassRun::parse(source);
            let slot = match class_run {
                Some(_) => None,
                None => take(&mut self.programs, 1).and_then(|slots| slots.first_mut()),
            };
            let pattern = match (class_run, slot) {
                (Some(class_run), _) => PatternRef::Run(class_run),
                (None, Some(slot)) => {
                    slot.compile_into(source).map_err(|_| self.error(CompileCode::BadPattern))?;
                    let slot: &'a Program = slot;
                    PatternRef::Compiled(slot)
                }
                (None, None) => {
                    check_pattern(source).map_err(|_| self.error(CompileCode::BadPattern))?;
                    PatternRef::Source(source)
                }
            };
            rules = rules.pattern(pattern);
            self.leave();
        }
        Ok(rules)
    }

    fn array_rules(
        &mut self,
        out: &mut NodeSink<'a>,
        k: &Keywords<'a>,
        depth: usize,
    ) -> Result<ArrayRules, CompileError> {
        let mut rules = ArrayRules::ANY;
        if let Some(min) = self.count_value(k.min_items)? {
            rules = rules.min_items(min);
        }
        if let Some(max) = self.count_value(k.max_items)? {
            rules = rules.max_items(max);
        }
        if let Some((name, value)) = k.unique_items {
            self.enter(name);
            match value.as_bool() {
                // Uniqueness is compared for scalar items only (one pass, no value built): `items`
                // must admit nothing else, or the keyword would silently pass duplicate objects.
                Some(true) => match k.items.and_then(|(_, items)| self.document_types(items, 0)) {
                    Some(mask) if mask & !SCALAR_TYPES == 0 => rules = rules.unique_items(),
                    _ => return Err(self.error(CompileCode::Unsupported)),
                },
                Some(false) => {}
                None => return Err(self.error(CompileCode::InvalidValue)),
            }
            self.leave();
        }
        if let Some((name, value)) = k.items {
            self.enter(name);
            if value.kind() == Kind::Array {
                return Err(self.error(CompileCode::Unsupported));
            }
            let id = self.subschema(out, value, depth + 1)?;
            rules = rules.items(id);
            self.leave();
        }
        Ok(rules)
    }

    fn object_rules(
        &mut self,
        out: &mut NodeSink<'a>,
        k: &Keywords<'a>,
        depth: usize,
    ) -> Result<ObjectRules<'a>, CompileError> {
        let declared = k.properties.map(|(_, v)| v);
        let count = declared.and_then(|v| v.members()).map_or(0, Iterator::count);
        if count > MAX_PROPERTIES {
            return Err(self.error(CompileCode::TooManyProperties));
        }
        let Some(slots) = take(&mut self.properties, count) else { return Err(self.error(CompileCode::StorageFull)) };
        if let Some((keyword, value)) = k.properties {
            self.enter(keyword);
            if value.kind() != Kind::Object {
                return Err(self.error(CompileCode::InvalidValue));
            }
            for (slot, (name, sub)) in slots.iter_mut().zip(value.members().into_iter().flatten()) {
                self.enter(name);
                let schema = self.subschema(out, sub, depth + 1)?;
                *slot = Property { name: self.text_of(name)?, schema, required: false };
                self.leave();
            }
            self.leave();
        }
        if let Some((keyword, value)) = k.required {
            self.enter(keyword);
            if value.kind() != Kind::Array {
                return Err(self.error(CompileCode::InvalidValue));
            }
            for item in value.items().into_iter().flatten() {
                let name = item.as_str().ok_or_else(|| self.error(CompileCode::InvalidValue))?;
                let property = slots.iter_mut().find(|p| name.eq_str(p.name));
                match property {
                    Some(property) => property.required = true,
                    None => return Err(self.error(CompileCode::RequiredUndeclared)),
                }
            }
            self.leave();
        }
        let slots: &'a [Property<'a>] = slots;
        let mut rules = ObjectRules::new(slots);
        if let Some((keyword, value)) = k.additional {
            self.enter(keyword);
            rules = rules.additional(match value.as_bool() {
                Some(true) => Additional::Allow,
                Some(false) => Additional::Reject,
                None => Additional::Schema(self.subschema(out, value, depth + 1)?),
            });
            self.leave();
        }
        if let Some(min) = self.count_value(k.min_properties)? {
            rules = rules.min_properties(min);
        }
        if let Some(max) = self.count_value(k.max_properties)? {
            rules = rules.max_properties(max);
        }
        Ok(rules)
    }
}

/// The caller's node buffer being filled.
struct NodeSink<'a> {
    nodes: &'a mut [Node<'a>],
    filled: usize,
}

impl<'a> NodeSink<'a> {
    fn put(&mut self, id: usize, node: Node<'a>) -> Option<()> {
        *self.nodes.get_mut(id)? = node;
        self.filled = self.filled.max(id + 1);
        Some(())
    }
}

#[derive(Clone, Copy)]
enum TypeName {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

const TYPE_NAMES: [(&str, TypeName); 7] = [
    ("null", TypeName::Null),
    ("boolean", TypeName::Boolean),
    ("integer", TypeName::Integer),
    ("number", TypeName::Number),
    ("string", TypeName::String),
    ("array", TypeName::Array),
    ("object", TypeName::Object),
];
const NULL: u8 = 1;
const BOOLEAN: u8 = 1 << 1;
const INTEGER: u8 = 1 << 2;
const NUMBER: u8 = 1 << 3;
const STRING: u8 = 1 << 4;
const ALL_TYPES: u8 = (1 << 7) - 1;
/// Every type but array and object.
const SCALAR_TYPES: u8 = NULL | BOOLEAN | INTEGER | NUMBER | STRING;

type Keyword<'a> = Option<(JsonStr<'a>, Value<'a>)>;

#[derive(Default)]
struct Keywords<'a> {
    type_: Keyword<'a>,
    enum_: Keyword<'a>,
    const_: Keyword<'a>,
    minimum: Keyword<'a>,
    maximum: Keyword<'a>,
    exclusive_minimum: Keyword<'a>,
    exclusive_maximum: Keyword<'a>,
    multiple_of: Keyword<'a>,
    min_length: Keyword<'a>,
    max_length: Keyword<'a>,
    pattern: Keyword<'a>,
    format: Keyword<'a>,
    items: Keyword<'a>,
    min_items: Keyword<'a>,
    max_items: Keyword<'a>,
    unique_items: Keyword<'a>,
    properties: Keyword<'a>,
    required: Keyword<'a>,
    additional: Keyword<'a>,
    min_properties: Keyword<'a>,
    max_properties: Keyword<'a>,
    reference: Keyword<'a>,
    any_of: Keyword<'a>,
    all_of: Keyword<'a>,
}

impl<'a> Keywords<'a> {
    fn slot(&mut self, name: JsonStr<'_>) -> Option<&mut Keyword<'a>> {
        let table: [(&str, &mut Keyword<'a>); 24] = [
            ("type", &mut self.type_),
            ("enum", &mut self.enum_),
            ("const", &mut self.const_),
            ("minimum", &mut self.minimum),
            ("maximum", &mut self.maximum),
            ("exclusiveMinimum", &mut self.exclusive_minimum),
            ("exclusiveMaximum", &mut self.exclusive_maximum),
            ("multipleOf", &mut self.multiple_of),
            ("minLength", &mut self.min_length),
            ("maxLength", &mut self.max_length),
            ("pattern", &mut self.pattern),
            ("format", &mut self.format),
            ("items", &mut self.items),
            ("minItems", &mut self.min_items),
            ("maxItems", &mut self.max_items),
            ("uniqueItems", &mut self.unique_items),
            ("properties", &mut self.properties),
            ("required", &mut self.required),
            ("additionalProperties", &mut self.additional),
            ("minProperties", &mut self.min_properties),
            ("maxProperties", &mut self.max_properties),
            ("$ref", &mut self.reference),
            ("anyOf", &mut self.any_of),
            ("allOf", &mut self.all_of),
        ];
        table.into_iter().find(|(keyword, _)| name.eq_str(keyword)).map(|(_, slot)| slot)
    }

    /// Keywords that constrain one type's values (not `type` itself).
    fn any_type_constraint(&self) -> bool {
        [
            self.minimum,
            self.maximum,
            self.exclusive_minimum,
            self.exclusive_maximum,
            self.multiple_of,
            self.min_length,
            self.max_length,
            self.pattern,
            self.format,
            self.items,
            self.min_items,
            self.max_items,
            self.unique_items,
            self.properties,
            self.required,
            self.additional,
            self.min_properties,
            self.max_properties,
        ]
        .iter()
        .any(Option::is_some)
    }

    /// Anything besides annotations and the wrapper keyword itself.
    fn any_constraint(&self) -> bool {
        self.any_type_constraint() || self.type_.is_some() || self.enum_.is_some() || self.const_.is_some()
    }
}

fn is_annotation(name: JsonStr<'_>) -> bool {
    ["title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly"]
        .iter()
        .any(|k| name.eq_str(k))
}

fn is_definitions(name: JsonStr<'_>) -> bool {
    name.eq_str("$defs") || name.eq_str("definitions")
}

/// The root's definitions in order: `(keyword, (name, schema))`.
fn definitions<'a>(root: Value<'a>) -> impl Iterator<Item = (JsonStr<'a>, (JsonStr<'a>, Value<'a>))> {
    root.members()
        .into_iter()
        .flatten()
        .filter(|(name, value)| is_definitions(*name) && value.kind() == Kind::Object)
        .flat_map(|(keyword, value)| value.members().into_iter().flatten().map(move |member| (keyword, member)))
}

/// The type bit of an `enum`/`const` value (containers are refused there anyway).
fn literal_type(kind: Kind) -> Option<u8> {
    match kind {
        Kind::Null => Some(NULL),
        Kind::Bool => Some(BOOLEAN),
        Kind::Number => Some(NUMBER),
        Kind::String => Some(STRING),
        Kind::Array | Kind::Object => None,
    }
}

/// A whole number in `u32` range.
fn whole_u32(num: Num) -> Option<u32> {
    if num.exp10 < 0 {
        return None;
    }
    let mut value = u32::try_from(num.mantissa).ok()?;
    for _ in 0..num.exp10 {
        value = value.checked_mul(10)?;
    }
    Some(value)
}

/// A schema number's text as `mantissa × 10^exp10`, exactly, or `None` when it does not fit.
pub(crate) fn num_from_text(text: &str) -> Option<Num> {
    let bytes = text.as_bytes();
    let (negative, bytes) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let split = bytes.iter().position(|&b| b == b'e' || b == b'E').unwrap_or(bytes.len());
    let (digits, exponent) = bytes.split_at(split);
    let mut mantissa: i64 = 0;
    let mut exp: i64 = 0;
    let mut after_point = false;
    // Trailing zeros of the fraction add nothing; skip them so they cannot overflow the mantissa.
    let significant_end = match digits.iter().position(|&b| b == b'.') {
        Some(_) => digits.iter().rposition(|&b| b != b'0').map_or(0, |i| i + 1),
        None => digits.len(),
    };
    for &b in digits.get(..significant_end)? {
        match b {
            b'.' => after_point = true,
            b'0'..=b'9' => {
                mantissa = mantissa.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
                if after_point {
                    exp -= 1;
                }
            }
            _ => return None,
        }
    }
    if let Some((_, rest)) = exponent.split_first() {
        let (neg, exp_digits) = match rest.split_first() {
            Some((b'-', d)) => (true, d),
            Some((b'+', d)) => (false, d),
            _ => (false, rest),
        };
        let mut value: i64 = 0;
        for &d in exp_digits {
            value = value.checked_mul(10)?.checked_add(i64::from(d.checked_sub(b'0')?))?;
        }
        exp = exp.checked_add(if neg { -value } else { value })?;
    }
    // One spelling per value, the one `Num::int`/`Num::new` users write: no trailing zeros after the
    // point, and a non-negative exponent folded into the mantissa when it fits.
    while mantissa != 0 && mantissa % 10 == 0 && exp < 0 {
        mantissa /= 10;
        exp += 1;
    }
    while exp > 0 {
        match mantissa.checked_mul(10) {
            Some(m) => {
                mantissa = m;
                exp -= 1;
            }
            None => break,
        }
    }
    if mantissa == 0 {
        exp = 0;
    }
    let exp10 = i16::try_from(exp).ok()?;
    Some(Num::new(if negative { -mantissa } else { mantissa }, exp10))
}

/// Compiles a pattern only to check it (no program slot left): in its own frame, so that the
/// program on the stack is not part of every compile's stack.
#[inline(never)]
fn check_pattern(source: &str) -> Result<(), super::pattern::PatternError> {
    Program::compile(source).map(|_| ())
}
