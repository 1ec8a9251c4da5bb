//! The fast path: a pass directed by the schema that decides the common body — well-formed JSON that
//! breaks no limit — or gives up and leaves the body to the streaming engine.
//!
//! Decides, for a body it can follow, whether it is acceptable and which rules it breaks, reporting
//! exactly the errors the engine would, in the same order, with the same paths, codes and limits. At
//! each position it expects what the schema node there describes and checks it straight from the
//! bytes, with the reader's own scanning primitives (strings, numbers, whitespace) and the engine's
//! own rule checks (numbers, lengths, formats, patterns, `enum`): no event stream, no frame stack, no
//! duplicate-name table (every member is a declared property, or an undeclared one that is reported,
//! so a bit per property finds a repeated declared name exactly, and the pass gives up on an undeclared
//! name unless it is the first error to report). It gives up — and the engine runs from the start,
//! its verdict alone counting — on anything structural or unusual: a syntax error, a broken
//! [`Limits`] bound, a repeated name, `additionalProperties` other than `false`, `uniqueItems`, an
//! array without `items`, a container where the schema does not take one, a source pattern that
//! needs a program, nesting deeper than [`FAST_MAX_DEPTH`].
//!
//! Guarantees that its outcome, when it has one, is the engine's: the same functions judge each rule,
//! the same checks come in the same order (the differential tests and the fuzz target compare both on
//! every input, accepted or not). Recursion follows the body's nesting but is capped at
//! [`FAST_MAX_DEPTH`] levels, so its stack use is bounded. Never allocates. Hosted builds only:
//! `compact-json` leaves it out, where flash counts more than speed.

use crate::json::{scan_literal, scan_number, scan_string, skip_ws_at, Event, JsonStr};

use super::engine::{
    fixed_pattern_matches, literal_matches, number_rules, small_int_at, small_int_rules, string_rules, Sink,
};
use super::error::{Code, Pointer};
use super::limits::Limits;
use super::number::Num;
use super::schema::{Additional, ArrayRules, Literal, Node, ObjectRules, Schema};

/// The deepest nesting the fast path follows (deeper bodies, rare in requests, go to the engine).
const FAST_MAX_DEPTH: usize = 16;

/// Runs the fast path into `sink`. `Some` is the engine's outcome, as `run` returns it (for
/// [`Sink::All`]: how many errors were stored and whether there was any); `None` means it gave up,
/// and the engine must decide (with a fresh sink: a collecting sink may hold errors already).
pub(super) fn run(schema: &Schema<'_>, body: &[u8], limits: &Limits, sink: Sink<'_>) -> Option<(usize, bool)> {
    // The reader records object offsets as `u32` and refuses an object that starts past 4 GiB; a body
    // that large is left to it.
    if body.len() > limits.max_body_bytes || u32::try_from(body.len()).is_err() {
        return None;
    }
    let text = core::str::from_utf8(body).ok()?;
    let root = schema.node(schema.root())?;
    let mut pass = Pass { schema, text, limits: *limits, max_depth: limits.max_depth.min(FAST_MAX_DEPTH), sink };
    let start = skip_ws_at(text.as_bytes(), 0);
    match pass.value(root, start, &Trail::ROOT, 0) {
        Ok(end) if skip_ws_at(text.as_bytes(), end) != text.len() => return None,
        Ok(_) | Err(Halt::Stop) => {}
        Err(Halt::GiveUp) => return None,
    }
    Some(match pass.sink {
        Sink::All { stored, any, .. } => (stored, any),
        Sink::First(_) => (0, false),
    })
}

/// Why the pass ended early.
enum Halt {
    /// Something the fast path leaves to the engine.
    GiveUp,
    /// The sink is done (the first error, or the buffer is full): the outcome is final, as the
    /// engine's would be at this point.
    Stop,
}

type Step = Result<usize, Halt>;

/// One step of the path from the root to the value being checked, linked to its parent's (on the
/// stack of the recursion: nothing is written for it unless an error is reported).
#[derive(Clone, Copy)]
struct Trail<'t, 'a> {
    segment: Segment<'a>,
    parent: Option<&'t Trail<'t, 'a>>,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Root,
    /// A member name as sent, by the offset of its opening quote (read again only for an error).
    Member(usize),
    /// A declared name (a missing required member).
    Declared(&'a str),
    Item(u32),
}

impl Trail<'_, '_> {
    const ROOT: Trail<'static, 'static> = Trail { segment: Segment::Root, parent: None };

    /// Writes the path's segments, the root's first (recursion as deep as the body's nesting, which
    /// the fast path caps).
    fn write(&self, text: &str, pointer: &mut Pointer) {
        if let Some(parent) = self.parent {
            parent.write(text, pointer);
        }
        match self.segment {
            Segment::Root => {}
            Segment::Member(at) => {
                if let Ok((name, _)) = scan_string(text, at) {
                    pointer.push_member(name);
                }
            }
            Segment::Declared(name) => pointer.push_text(name),
            Segment::Item(index) => pointer.push_index(index),
        }
    }
}

struct Pass<'s, 'a, 'e> {
    schema: &'s Schema<'s>,
    text: &'a str,
    limits: Limits,
    max_depth: usize,
    sink: Sink<'e>,
}

impl<'s, 'a> Pass<'s, 'a, '_> {
    /// Checks the value at `pos`, at `trail`, against `node` (`depth` containers are open around
    /// it); returns the offset just after it. Inlined into the member and item loops, so that only
    /// a nested container costs a call.
    #[inline(always)]
    fn value(&mut self, node: &'s Node<'s>, pos: usize, trail: &Trail<'_, 'a>, depth: usize) -> Step {
        let bytes = self.text.as_bytes();
        let first = *bytes.get(pos).ok_or(Halt::GiveUp)?;
        let node = match node {
            // The value's first byte gives its JSON type, which is all the branch choice looks at.
            Node::AnyOf(_) => match type_of(first).and_then(|event| self.schema.branch_for(node, &event)) {
                Some(node) => node,
                None => return self.unexpected(Some(Code::Type), pos, first, trail),
            },
            node => node,
        };
        match node {
            Node::Object(rules) if first == b'{' => self.object(rules, pos, trail, depth),
            Node::Array(rules) if first == b'[' => self.array(rules, pos, trail, depth),
            Node::String(rules) if first == b'"' => {
                let (s, end) = self.string(pos)?;
                string_rules(s, rules, |code, limit| self.report(code, limit, trail))?;
                if let Some(pattern) = rules.pattern {
                    match fixed_pattern_matches(pattern, s) {
                        Some(true) => {}
                        Some(false) => self.report(Code::Pattern, None, trail)?,
                        None => return Err(Halt::GiveUp),
                    }
                }
                Ok(end)
            }
            Node::Integer(rules) | Node::Number(rules) if matches!(first, b'-' | b'0'..=b'9') => {
                if let Some((value, end)) = small_int_at(bytes, pos) {
                    if end - pos > self.limits.max_number_len {
                        return Err(Halt::GiveUp);
                    }
                    small_int_rules(value, rules, |code, limit| self.report(code, limit, trail))?;
                    return Ok(end);
                }
                let (number, end) = self.number(pos)?;
                let integer = matches!(node, Node::Integer(_));
                number_rules(number, rules, integer, |code, limit| self.report(code, limit, trail))?;
                Ok(end)
            }
            Node::Boolean if first == b't' => literal(bytes, pos, b"true"),
            Node::Boolean if first == b'f' => literal(bytes, pos, b"false"),
            Node::Null if first == b'n' => literal(bytes, pos, b"null"),
            Node::Enum(values) => self.enumerated(values, pos, first, trail),
            Node::Any => self.unexpected(None, pos, first, trail),
            Node::Never => self.unexpected(Some(Code::NotAllowed), pos, first, trail),
            _ => self.unexpected(Some(Code::Type), pos, first, trail),
        }
    }

    /// A value the schema does not check (`code` `None`) or refuses as a whole: the engine reports
    /// `code` and then reads the value for the limits alone. Here only a scalar is read so.
    #[inline(never)]
    fn unexpected(&mut self, code: Option<Code>, pos: usize, first: u8, trail: &Trail<'_, 'a>) -> Step {
        // The engine reads the whole scalar (grammar and limits) before it judges its type.
        let (_, end) = self.scalar(pos, first)?;
        if let Some(code) = code {
            self.report(code, None, trail)?;
        }
        Ok(end)
    }

    #[inline(never)]
    fn object(&mut self, rules: &'s ObjectRules<'s>, open: usize, trail: &Trail<'_, 'a>, depth: usize) -> Step {
        if depth >= self.max_depth || rules.additional != Additional::Reject {
            return Err(Halt::GiveUp);
        }
        let bytes = self.text.as_bytes();
        // Declared properties seen (bit i: property i).
        let mut seen = [0u64; 4];
        // How many declared properties were seen: all of them (the common case) leaves none missing.
        let mut declared_seen = 0;
        let mut count: u32 = 0;
        // Whether an undeclared member was reported: a later name could repeat it, which only the
        // reader's duplicate check sees, so after one the pass gives up at the next member.
        let mut undeclared = false;
        // The property expected next: members mostly come in the order the schema declares them.
        let mut next = 0;
        let mut pos = skip_ws_at(bytes, open + 1);
        let end = if bytes.get(pos) == Some(&b'}') {
            pos + 1
        } else {
            loop {
                if bytes.get(pos) != Some(&b'"') || undeclared {
                    return Err(Halt::GiveUp);
                }
                count = count.saturating_add(1);
                if count > self.limits.max_object_members {
                    return Err(Halt::GiveUp);
                }
                let name_start = pos;
                let (index, after_name) = match self.expected_name(rules, next, pos) {
                    Some(after_name) => (Some(next), after_name),
                    None => {
                        let (name, after_name) = self.string(pos)?;
                        // The first declared property of that name, as the engine looks it up.
                        (rules.properties.iter().position(|p| name.eq_str(p.name)), after_name)
                    }
                };
                if let Some(index) = index {
                    let word = seen.get_mut(index / 64).ok_or(Halt::GiveUp)?;
                    let bit = 1u64 << (index % 64);
                    if *word & bit != 0 {
                        return Err(Halt::GiveUp); // a repeated name
                    }
                    *word |= bit;
                    declared_seen += 1;
                    next = index + 1;
                }
                pos = skip_ws_at(bytes, after_name);
                if bytes.get(pos) != Some(&b':') {
                    return Err(Halt::GiveUp);
                }
                // The engine's order from here: `maxProperties`, then the lookup.
                if rules.max_properties.is_some_and(|max| count == max.saturating_add(1)) {
                    let limit = rules.max_properties.map(|max| Num::int(i64::from(max)));
                    self.report(Code::TooManyProperties, limit, trail)?;
                }
                let here = Trail { segment: Segment::Member(name_start), parent: Some(trail) };
                let start = skip_ws_at(bytes, pos + 1);
                let after = match index {
                    Some(index) => {
                        let id = rules.properties.get(index).ok_or(Halt::GiveUp)?.schema;
                        let child = self.schema.node(id).ok_or(Halt::GiveUp)?;
                        self.value(child, start, &here, depth + 1)?
                    }
                    None => {
                        undeclared = true;
                        self.report(Code::UnknownField, None, &here)?;
                        let first = *bytes.get(start).ok_or(Halt::GiveUp)?;
                        self.scalar(start, first)?.1
                    }
                };
                pos = skip_ws_at(bytes, after);
                match bytes.get(pos) {
                    Some(b',') => pos = skip_ws_at(bytes, pos + 1),
                    Some(b'}') => break pos + 1,
                    _ => return Err(Halt::GiveUp),
                }
            }
        };
        if declared_seen < rules.properties.len() {
            for (index, property) in rules.properties.iter().enumerate() {
                let present = seen.get(index / 64).is_some_and(|word| word >> (index % 64) & 1 == 1);
                if property.required && !present {
                    let missing = Trail { segment: Segment::Declared(property.name), parent: Some(trail) };
                    self.report(Code::Required, None, &missing)?;
                }
            }
        }
        if count < rules.min_properties {
            self.report(Code::TooFewProperties, Some(Num::int(i64::from(rules.min_properties))), trail)?;
        }
        Ok(end)
    }

    #[inline(never)]
    fn array(&mut self, rules: &'s ArrayRules, open: usize, trail: &Trail<'_, 'a>, depth: usize) -> Step {
        if depth >= self.max_depth || rules.unique_items {
            return Err(Halt::GiveUp);
        }
        let item = rules.items.and_then(|id| self.schema.node(id)).ok_or(Halt::GiveUp)?;
        let bytes = self.text.as_bytes();
        let mut count: u32 = 0;
        let mut pos = skip_ws_at(bytes, open + 1);
        let end = if bytes.get(pos) == Some(&b']') {
            pos + 1
        } else {
            loop {
                count = count.saturating_add(1);
                if count > self.limits.max_array_items {
                    return Err(Halt::GiveUp);
                }
                if rules.max_items.is_some_and(|max| count == max.saturating_add(1)) {
                    // The engine counts an item once the reader has read it (a whole scalar, or the
                    // opening bracket of a container with its depth check): a malformed scalar is a
                    // syntax error before this.
                    let first = *bytes.get(pos).ok_or(Halt::GiveUp)?;
                    self.scalar(pos, first)?;
                    let limit = rules.max_items.map(|max| Num::int(i64::from(max)));
                    self.report(Code::TooManyItems, limit, trail)?;
                }
                let here = Trail { segment: Segment::Item(count - 1), parent: Some(trail) };
                pos = skip_ws_at(bytes, self.value(item, pos, &here, depth + 1)?);
                match bytes.get(pos) {
                    Some(b',') => pos = skip_ws_at(bytes, pos + 1),
                    Some(b']') => break pos + 1,
                    _ => return Err(Halt::GiveUp),
                }
            }
        };
        if count < rules.min_items {
            self.report(Code::TooFewItems, Some(Num::int(i64::from(rules.min_items))), trail)?;
        }
        Ok(end)
    }

    /// Reports a broken rule at `trail`; `Err(Stop)` when the sink is done.
    #[inline(never)]
    fn report(&mut self, code: Code, limit: Option<Num>, trail: &Trail<'_, '_>) -> Result<(), Halt> {
        let text = self.text;
        if self.sink.report(code, limit, |pointer| trail.write(text, pointer)) {
            Err(Halt::Stop)
        } else {
            Ok(())
        }
    }

    /// When the name whose opening quote is at `pos` is, byte for byte, that of declared property
    /// `index`: the offset after it. Only for a schema whose declared names are distinct and need
    /// no escaping ([`Schema::names_match_raw`]): the name is then valid JSON text (the body is
    /// valid UTF-8), and property `index` is the one the engine's lookup finds.
    #[inline(always)]
    fn expected_name(&self, rules: &ObjectRules<'_>, index: usize, pos: usize) -> Option<usize> {
        if !self.schema.names_match_raw() {
            return None;
        }
        let name = rules.properties.get(index)?.name.as_bytes();
        let end = pos + 1 + name.len();
        let bytes = self.text.as_bytes();
        // The closing quote first: it rules out most other names without comparing bytes.
        let matches = bytes.get(end) == Some(&b'"')
            && bytes.get(pos + 1..end).is_some_and(|sent| same_bytes(sent, name))
            && name.len() <= self.limits.max_string_bytes;
        matches.then_some(end + 1)
    }

    /// The string whose opening quote is at `pos`, within the string limit.
    #[inline(always)]
    fn string(&self, pos: usize) -> Result<(JsonStr<'a>, usize), Halt> {
        let (s, end) = scan_string(self.text, pos).map_err(|_| Halt::GiveUp)?;
        if s.raw().len() > self.limits.max_string_bytes {
            return Err(Halt::GiveUp);
        }
        Ok((s, end))
    }

    /// The number at `pos`, within the number limit.
    #[inline]
    fn number(&self, pos: usize) -> Result<(&'a str, usize), Halt> {
        let end = scan_number(self.text.as_bytes(), pos).map_err(|_| Halt::GiveUp)?;
        let number = self.text.get(pos..end).ok_or(Halt::GiveUp)?;
        if number.len() > self.limits.max_number_len {
            return Err(Halt::GiveUp);
        }
        Ok((number, end))
    }

    /// An `enum` value: the scalar at `pos` (whose first byte is `first`) is one of `values`.
    fn enumerated(&mut self, values: &[Literal<'_>], pos: usize, first: u8, trail: &Trail<'_, 'a>) -> Step {
        if matches!(first, b'{' | b'[') {
            return Err(Halt::GiveUp);
        }
        let (event, end) = self.scalar(pos, first)?;
        if !values.iter().any(|value| literal_matches(value, &event)) {
            self.report(Code::Enum, None, trail)?;
        }
        Ok(end)
    }

    /// The scalar at `pos` (whose first byte is `first`) as the engine's event, within the limits;
    /// a container gives up.
    fn scalar(&self, pos: usize, first: u8) -> Result<(Event<'a>, usize), Halt> {
        let bytes = self.text.as_bytes();
        let found = match first {
            b'"' => return self.string(pos).map(|(s, end)| (Event::Str(s), end)),
            b'-' | b'0'..=b'9' => return self.number(pos).map(|(number, end)| (Event::Number(number), end)),
            b't' => (Event::Bool(true), literal(bytes, pos, b"true")?),
            b'f' => (Event::Bool(false), literal(bytes, pos, b"false")?),
            b'n' => (Event::Null, literal(bytes, pos, b"null")?),
            _ => return Err(Halt::GiveUp),
        };
        Ok(found)
    }
}

/// Whether `a` and `b` hold the same bytes. Member names are short: two overlapping word loads
/// per side compare one of up to 16 bytes without a call to `memcmp`.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len != b.len() {
        return false;
    }
    match len {
        0 => true,
        1..=3 => a.first() == b.first() && a.get(len / 2) == b.get(len / 2) && a.last() == b.last(),
        4..=8 => word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, len - 4) == word::<4>(b, len - 4),
        9..=16 => word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, len - 8) == word::<8>(b, len - 8),
        _ => a == b,
    }
}

/// The `N` bytes of `s` at `at` as an array (`None` past the end, which callers rule out).
#[inline(always)]
fn word<const N: usize>(s: &[u8], at: usize) -> Option<[u8; N]> {
    s.get(at..at + N).and_then(|chunk| chunk.try_into().ok())
}

/// The offset after the literal `word` at `pos` (the reader's own check).
fn literal(bytes: &[u8], pos: usize, word: &[u8]) -> Step {
    scan_literal(bytes, pos, word).map_err(|_| Halt::GiveUp)
}

/// An event of the JSON type that a value starting with `first` has (its content does not matter:
/// [`Schema::branch_for`] looks at the type alone).
fn type_of(first: u8) -> Option<Event<'static>> {
    Some(match first {
        b'{' => Event::ObjectStart,
        b'[' => Event::ArrayStart,
        b'"' => Event::Str(JsonStr::new("", false)),
        b'-' | b'0'..=b'9' => Event::Number("0"),
        b't' => Event::Bool(true),
        b'f' => Event::Bool(false),
        b'n' => Event::Null,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::same_bytes;

    /// The word-load comparison agrees with `==` for every length up to past the word sizes, with a
    /// difference at each position.
    #[test]
    fn same_bytes_is_slice_equality() {
        let base: [u8; 24] = core::array::from_fn(|i| b'a' + u8::try_from(i).unwrap_or(0));
        for len in 0..=base.len() {
            let a = &base[..len];
            assert!(same_bytes(a, a), "{len}");
            for at in 0..len {
                let mut other = base;
                other[at] ^= 0x20;
                assert!(!same_bytes(a, &other[..len]), "{len} {at}");
            }
            for shorter in 0..len {
                assert!(!same_bytes(a, &base[..shorter]), "{len} {shorter}");
            }
        }
    }
}
