//! The schema language: a JSON Schema subset as plain data, so a schema can live in `const`/`static`
//! memory (firmware keeps it in flash) or be compiled at run time into storage the caller owns.
//!
//! Decides nothing by itself: it describes what [`validate`](super::validate) accepts. Guarantees that
//! a [`Schema`] is a flat array of [`Node`]s referring to each other by index (so `$defs`/`$ref` and
//! recursion need no pointers and no heap) and that [`Schema::new`] refuses any dangling index. Never
//! holds a value from a request.

use crate::json::Event;

use super::format::Format;
use super::number::Num;
use super::pattern::{ClassRun, Program};

/// Index of a [`Node`] in its schema's node array.
pub type NodeId = u16;

/// A schema: nodes and the index of the root.
#[derive(Clone, Copy, Debug)]
pub struct Schema<'a> {
    nodes: &'a [Node<'a>],
    root: NodeId,
    /// Some array node has `uniqueItems` (the validator then reserves its comparison table).
    unique_items: bool,
    /// Some string node has a [`PatternRef::Source`] pattern that is not a [`ClassRun`] (the
    /// validator then reserves a program to compile it into).
    source_patterns: bool,
    /// In every object node the declared names are distinct and need no escaping in JSON (for the
    /// fast path, which `compact-json` leaves out).
    #[cfg(not(feature = "compact-json"))]
    raw_names: bool,
}

/// Why [`Schema::new`] refused a node array.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SchemaError {
    /// A node refers to an index outside the array, or there are more nodes than a [`NodeId`] holds.
    DanglingReference,
    /// An object declares more than [`MAX_PROPERTIES`] properties.
    TooManyProperties,
}

impl SchemaError {
    /// The stable snake_case code.
    pub const fn code(self) -> &'static str {
        match self {
            SchemaError::DanglingReference => "dangling_reference",
            SchemaError::TooManyProperties => "too_many_properties",
        }
    }
}

/// The most properties one object schema may declare (the validator tracks them in a fixed bitset).
pub const MAX_PROPERTIES: usize = 256;

const fn in_range(id: NodeId, len: usize) -> bool {
    // Widening a u16 into usize: `as` is the only const way.
    #[allow(clippy::as_conversions)]
    let index = id as usize;
    index < len
}

impl<'a> Schema<'a> {
    /// A schema over `nodes` starting at `root`; checks that every index is in range (usable in a
    /// `const` item, so a bad static schema fails the build).
    ///
    /// # Errors
    /// [`SchemaError`] naming the first problem.
    pub const fn new(nodes: &'a [Node<'a>], root: NodeId) -> Result<Schema<'a>, SchemaError> {
        let len = nodes.len();
        if len > 1 << 16 || !in_range(root, len) {
            return Err(SchemaError::DanglingReference);
        }
        let mut i = 0;
        let mut unique_items = false;
        let mut source_patterns = false;
        #[cfg(not(feature = "compact-json"))]
        let mut raw_names = true;
        while i < len {
            let ok = match &nodes[i] {
                Node::Array(rules) => match rules.items {
                    Some(id) => in_range(id, len),
                    None => true,
                },
                Node::Object(rules) => {
                    if rules.properties.len() > MAX_PROPERTIES {
                        return Err(SchemaError::TooManyProperties);
                    }
                    let mut ok = match rules.additional {
                        Additional::Schema(id) => in_range(id, len),
                        _ => true,
                    };
                    let mut p = 0;
                    while p < rules.properties.len() {
                        ok = ok && in_range(rules.properties[p].schema, len);
                        p += 1;
                    }
                    ok
                }
                Node::AnyOf(ids) => {
                    let mut ok = true;
                    let mut p = 0;
                    while p < ids.len() {
                        ok = ok && in_range(ids[p], len);
                        p += 1;
                    }
                    ok
                }
                _ => true,
            };
            if !ok {
                return Err(SchemaError::DanglingReference);
            }
            if let Node::Array(rules) = &nodes[i] {
                unique_items = unique_items || rules.unique_items;
            }
            #[cfg(not(feature = "compact-json"))]
            if let Node::Object(rules) = &nodes[i] {
                raw_names = raw_names && names_match_raw(rules.properties);
            }
            // A source pattern that is a class run is matched without a program: it needs no cache.
            if let Node::String(StringRules { pattern: Some(PatternRef::Source(source)), .. }) = &nodes[i] {
                source_patterns = source_patterns || ClassRun::parse(source).is_none();
            }
            i += 1;
        }
        Ok(Schema {
            nodes,
            root,
            unique_items,
            source_patterns,
            #[cfg(not(feature = "compact-json"))]
            raw_names,
        })
    }

    /// The root node's index.
    pub const fn root(&self) -> NodeId {
        self.root
    }

    /// The node at `id`.
    pub fn node(&self, id: NodeId) -> Option<&'a Node<'a>> {
        self.nodes.get(usize::from(id))
    }

    /// Whether some array in the schema has `uniqueItems`.
    pub const fn uses_unique_items(&self) -> bool {
        self.unique_items
    }

    /// Whether some string in the schema has a pattern given as source text that needs a program
    /// (compiled at each validation, into a program the validator then reserves on the stack). A
    /// source pattern that is a [`ClassRun`] needs none.
    pub const fn uses_source_patterns(&self) -> bool {
        self.source_patterns
    }

    /// Whether, in every object node, the declared names are distinct and each is written in JSON
    /// as its own bytes (no `"`, `\` or control character to escape): a member name that is
    /// byte for byte a declared name then is that property, and no other.
    #[cfg(not(feature = "compact-json"))]
    pub(crate) const fn names_match_raw(&self) -> bool {
        self.raw_names
    }

    /// The node a value with the JSON type of `event` is checked against: `node` itself, or for an
    /// `anyOf` the first branch taking that type, found depth first through nested `anyOf` (what
    /// `allOf` of one `anyOf`, or a chain of `$ref`s, compiles to); `None` when no branch does. The
    /// search goes at most [`MAX_ANY_OF_NESTING`] levels deep and looks at most at
    /// [`MAX_ANY_OF_VISITS`] nodes, so that a cyclic or very deep chain costs a bounded amount per
    /// value and refuses it (fail closed) rather than looping.
    pub(crate) fn branch_for(&self, node: &'a Node<'a>, event: &Event<'_>) -> Option<&'a Node<'a>> {
        if !matches!(node, Node::AnyOf(_)) {
            return Some(node);
        }
        let mut budget = MAX_ANY_OF_VISITS;
        self.leaf_for(node, event, 0, &mut budget)
    }

    fn leaf_for(
        &self,
        node: &'a Node<'a>,
        event: &Event<'_>,
        level: usize,
        budget: &mut usize,
    ) -> Option<&'a Node<'a>> {
        *budget = budget.checked_sub(1)?;
        match node {
            Node::AnyOf(branches) if level < MAX_ANY_OF_NESTING => branches
                .iter()
                .filter_map(|&id| self.node(id))
                .find_map(|branch| self.leaf_for(branch, event, level + 1, budget)),
            Node::AnyOf(_) => None,
            leaf => leaf.takes_type_of(event).then_some(leaf),
        }
    }

    /// All nodes.
    pub const fn nodes(&self) -> &'a [Node<'a>] {
        self.nodes
    }
}

/// Whether `properties` have distinct names that need no escaping in JSON (see
/// [`Schema::names_match_raw`]).
#[cfg(not(feature = "compact-json"))]
const fn names_match_raw(properties: &[Property<'_>]) -> bool {
    let mut i = 0;
    while i < properties.len() {
        let name = properties[i].name.as_bytes();
        let mut b = 0;
        while b < name.len() {
            if name[b] < 0x20 || name[b] == b'"' || name[b] == b'\\' {
                return false;
            }
            b += 1;
        }
        let mut j = 0;
        while j < i {
            if same_bytes(name, properties[j].name.as_bytes()) {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

#[cfg(not(feature = "compact-json"))]
const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// One (sub)schema.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    /// `{}` or `true`: any value (still bounded by the [`Limits`](super::Limits)).
    Any,
    /// `false`: no value.
    Never,
    /// `{"type": "null"}`.
    Null,
    /// `{"type": "boolean"}`.
    Boolean,
    /// `{"type": "integer", …}`: a number with no fractional part (`1.0` included, as JSON Schema says).
    Integer(NumberRules),
    /// `{"type": "number", …}`.
    Number(NumberRules),
    /// `{"type": "string", …}`.
    String(StringRules<'a>),
    /// `{"type": "array", …}`.
    Array(ArrayRules),
    /// `{"type": "object", …}`.
    Object(ObjectRules<'a>),
    /// `enum` (and `const`, a one-element enum): the value equals one of these scalars.
    Enum(&'a [Literal<'a>]),
    /// `anyOf` whose branches accept different JSON types (e.g. `Optional[str]`: string or null); the
    /// value's type selects the branch, so validation stays one pass.
    AnyOf(&'a [NodeId]),
}

/// How many nested `anyOf` a value may pass through before it is refused (bounds the search's
/// recursion; a `$ref` that is not a branch of an `anyOf` counts as one level).
const MAX_ANY_OF_NESTING: usize = 16;

/// How many nodes choosing one `anyOf` branch may look at (the branches and their nested `anyOf`).
const MAX_ANY_OF_VISITS: usize = 64;

impl Node<'_> {
    /// Whether the node could accept a value of the event's JSON type (`false` for `Never` and for a
    /// nested `AnyOf`, which is entered only through one of its branches).
    pub(crate) fn takes_type_of(&self, event: &Event<'_>) -> bool {
        match self {
            Node::Any => true,
            Node::Never | Node::AnyOf(_) => false,
            Node::Null => matches!(event, Event::Null),
            Node::Boolean => matches!(event, Event::Bool(_)),
            Node::Integer(_) | Node::Number(_) => matches!(event, Event::Number(_)),
            Node::String(_) => matches!(event, Event::Str(_)),
            Node::Array(_) => matches!(event, Event::ArrayStart),
            Node::Object(_) => matches!(event, Event::ObjectStart),
            Node::Enum(values) => values.iter().any(|v| match v {
                Literal::Null => matches!(event, Event::Null),
                Literal::Bool(_) => matches!(event, Event::Bool(_)),
                Literal::Number(_) => matches!(event, Event::Number(_)),
                Literal::Str(_) => matches!(event, Event::Str(_)),
            }),
        }
    }
}

/// A scalar an `enum` may list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Literal<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, compared exactly (`1.0` equals `1`).
    Number(Num),
    /// A string, compared after unescaping.
    Str(&'a str),
}

/// A bound on a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bound {
    /// The limit.
    pub value: Num,
    /// `exclusiveMinimum`/`exclusiveMaximum`: the limit itself is outside.
    pub exclusive: bool,
}

/// Rules of an `integer` or `number` node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NumberRules {
    pub(crate) minimum: Option<Bound>,
    pub(crate) maximum: Option<Bound>,
    pub(crate) multiple_of: Option<u64>,
}

impl NumberRules {
    /// No bounds.
    pub const ANY: NumberRules = NumberRules { minimum: None, maximum: None, multiple_of: None };

    /// `minimum` (inclusive).
    pub const fn minimum(mut self, value: Num) -> Self {
        self.minimum = Some(Bound { value, exclusive: false });
        self
    }

    /// `maximum` (inclusive).
    pub const fn maximum(mut self, value: Num) -> Self {
        self.maximum = Some(Bound { value, exclusive: false });
        self
    }

    /// `exclusiveMinimum`.
    pub const fn exclusive_minimum(mut self, value: Num) -> Self {
        self.minimum = Some(Bound { value, exclusive: true });
        self
    }

    /// `exclusiveMaximum`.
    pub const fn exclusive_maximum(mut self, value: Num) -> Self {
        self.maximum = Some(Bound { value, exclusive: true });
        self
    }

    /// `multipleOf` a positive integer (0 is treated as "no multiple can match").
    pub const fn multiple_of(mut self, divisor: u64) -> Self {
        self.multiple_of = Some(divisor);
        self
    }
}

/// A `pattern`: its source (compiled when used; what `const` schemas hold) or a compiled program
/// (what the run-time schema compiler produces, so nothing is compiled per request).
#[derive(Clone, Copy, Debug)]
pub enum PatternRef<'a> {
    /// The regular expression's text.
    Source(&'a str),
    /// An already compiled program.
    Compiled(&'a Program),
    /// A whole-string run of one ASCII class (`^[A-Z0-9-]{4,16}$`), which needs no program: what the
    /// run-time schema compiler produces for patterns of that shape.
    Run(ClassRun),
}

/// Rules of a `string` node. Lengths count Unicode scalar values, as JSON Schema does.
#[derive(Clone, Copy, Debug, Default)]
pub struct StringRules<'a> {
    pub(crate) min_length: u32,
    pub(crate) max_length: Option<u32>,
    pub(crate) pattern: Option<PatternRef<'a>>,
    pub(crate) format: Option<Format>,
}

impl<'a> StringRules<'a> {
    /// Any string.
    pub const ANY: StringRules<'static> = StringRules { min_length: 0, max_length: None, pattern: None, format: None };

    /// `minLength`.
    pub const fn min_length(mut self, chars: u32) -> Self {
        self.min_length = chars;
        self
    }

    /// `maxLength`.
    pub const fn max_length(mut self, chars: u32) -> Self {
        self.max_length = Some(chars);
        self
    }

    /// `pattern` (see [`pattern`](super::pattern) for the supported syntax).
    pub const fn pattern(mut self, pattern: PatternRef<'a>) -> Self {
        self.pattern = Some(pattern);
        self
    }

    /// `format`.
    pub const fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }
}

/// Rules of an `array` node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArrayRules {
    pub(crate) items: Option<NodeId>,
    pub(crate) min_items: u32,
    pub(crate) max_items: Option<u32>,
    pub(crate) unique_items: bool,
}

/// The most items a `uniqueItems` array may hold (the validator compares them in a fixed table).
pub const MAX_UNIQUE_ITEMS: usize = 256;

impl ArrayRules {
    /// Any array.
    pub const ANY: ArrayRules = ArrayRules { items: None, min_items: 0, max_items: None, unique_items: false };

    /// `items`: every item matches this node.
    pub const fn items(mut self, node: NodeId) -> Self {
        self.items = Some(node);
        self
    }

    /// `minItems`.
    pub const fn min_items(mut self, items: u32) -> Self {
        self.min_items = items;
        self
    }

    /// `maxItems`.
    pub const fn max_items(mut self, items: u32) -> Self {
        self.max_items = Some(items);
        self
    }

    /// `uniqueItems: true`, for arrays of scalars (at most [`MAX_UNIQUE_ITEMS`] items). An object or
    /// array item of such an array is refused (`not_unique`): it cannot be compared in one pass, and
    /// passing it unchecked would let duplicates through. The compiler refuses `uniqueItems` unless
    /// `items` admits scalars only.
    pub const fn unique_items(mut self) -> Self {
        self.unique_items = true;
        self
    }
}

/// A declared member of an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Property<'a> {
    /// The member name (unescaped).
    pub name: &'a str,
    /// Its schema.
    pub schema: NodeId,
    /// Listed in `required`.
    pub required: bool,
}

impl<'a> Property<'a> {
    /// A required member.
    pub const fn required(name: &'a str, schema: NodeId) -> Self {
        Property { name, schema, required: true }
    }

    /// An optional member.
    pub const fn optional(name: &'a str, schema: NodeId) -> Self {
        Property { name, schema, required: false }
    }
}

/// What happens to members the schema does not declare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Additional {
    /// Rejected (`unknown_field`): the default, so clients cannot set fields nobody checks (mass
    /// assignment).
    #[default]
    Reject,
    /// Accepted unchecked (`additionalProperties: true`, named as the loosening it is).
    Allow,
    /// Accepted when they match this node (`additionalProperties: {schema}`, e.g. a string map).
    Schema(NodeId),
}

/// Rules of an `object` node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ObjectRules<'a> {
    pub(crate) properties: &'a [Property<'a>],
    pub(crate) additional: Additional,
    pub(crate) min_properties: u32,
    pub(crate) max_properties: Option<u32>,
}

impl<'a> ObjectRules<'a> {
    /// An object with these declared members; unknown members rejected.
    pub const fn new(properties: &'a [Property<'a>]) -> Self {
        ObjectRules { properties, additional: Additional::Reject, min_properties: 0, max_properties: None }
    }

    /// `additionalProperties`.
    pub const fn additional(mut self, additional: Additional) -> Self {
        self.additional = additional;
        self
    }

    /// `minProperties`.
    pub const fn min_properties(mut self, members: u32) -> Self {
        self.min_properties = members;
        self
    }

    /// `maxProperties`.
    pub const fn max_properties(mut self, members: u32) -> Self {
        self.max_properties = Some(members);
        self
    }

    /// The declared members.
    pub const fn properties(&self) -> &'a [Property<'a>] {
        self.properties
    }
}
