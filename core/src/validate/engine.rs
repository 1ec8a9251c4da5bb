//! The streaming validator: one pass of the strict JSON reader, checked against a [`Schema`] as the
//! events arrive.
//!
//! Decides whether a request body is acceptable, and if not, where and why. Guarantees one pass over
//! the bytes with an explicit frame stack (no recursion on input depth), every [`Limits`] bound checked
//! at the event it limits, work linear in the body (patterns run in linear time; `uniqueItems` compares
//! at most [`MAX_UNIQUE_ITEMS`] items), and fixed memory. Never allocates, never builds the value, never
//! copies a value into an error.

use crate::json::{Event, JsonError, JsonStr, Reader, MAX_DEPTH};

use super::error::{Code, Error, Pointer};
use super::format::Format;
use super::limits::Limits;
use super::number::{Decimal, Num};
use super::pattern::{ClassRun, Program};
use super::schema::{
    Additional, ArrayRules, Literal, Node, NumberRules, ObjectRules, PatternRef, Schema, StringRules, MAX_UNIQUE_ITEMS,
};

/// Bytes of unescaped text a `format` check can hold (the longest format, `uri`, is 2048).
const FORMAT_BUFFER: usize = 2048;

/// What the next value must match.
#[derive(Clone, Copy)]
enum Expect<'s> {
    /// A schema node.
    Node(&'s Node<'s>),
    /// Nothing beyond the [`Limits`]: inside `Any`, an unknown field, or a value already reported.
    Free,
}

#[derive(Clone, Copy)]
enum Container<'s> {
    FreeArray,
    FreeObject,
    Object(&'s ObjectRules<'s>),
    Array(&'s ArrayRules),
}

#[derive(Clone, Copy)]
pub(crate) struct Frame<'s, 'a> {
    container: Container<'s>,
    /// Members or items seen so far.
    count: u32,
    /// Declared properties seen (bit i: property i).
    seen: [u64; 4],
    /// The current member's name (objects), for paths.
    name: Option<JsonStr<'a>>,
}

/// One remembered item of a `uniqueItems` array.
#[derive(Clone, Copy)]
pub(crate) enum Seen<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    Str(JsonStr<'a>, u64),
}

/// The last pattern compiled from source (by the address and length of its text), kept by the caller
/// of the engine so the engine itself stays small to build.
/// The engine's frame stack, owned by its caller. A `heapless::Vec`, so starting a validation writes a
/// length, not 5 KB of empty frames (clearing or copying a full array measured as most of a W7
/// validation on this machine).
pub(crate) type Frames<'s, 'a> = heapless::Vec<Frame<'s, 'a>, MAX_DEPTH>;

pub(crate) struct PatternCache {
    /// Address and length of the source text `program` was compiled from; `None` while empty.
    key: Option<(usize, usize)>,
    program: Program,
}

impl PatternCache {
    pub(crate) const EMPTY: PatternCache = PatternCache { key: None, program: Program::EMPTY };
}

/// Where errors go: the first one ends validation, or up to `out.len()` are collected.
pub(crate) enum Sink<'e> {
    First(&'e mut Option<Error>),
    All { out: &'e mut [Error], stored: usize, any: bool },
}

impl Sink<'_> {
    /// Records an error of `code` and `limit` whose path `write_path` appends to the root pointer;
    /// `true` means stop now. The path is written in place: an error is a few hundred bytes, and
    /// building it elsewhere and copying it in measured as a third of the cost of reporting one.
    pub(super) fn report(&mut self, code: Code, limit: Option<Num>, write_path: impl FnOnce(&mut Pointer)) -> bool {
        match self {
            Sink::First(slot) => {
                let error = slot.insert(Error { code, path: Pointer::ROOT, limit });
                write_path(&mut error.path);
                true
            }
            Sink::All { out, stored, any } => {
                *any = true;
                if let Some(slot) = out.get_mut(*stored) {
                    slot.code = code;
                    slot.limit = limit;
                    slot.path.clear();
                    write_path(&mut slot.path);
                    *stored += 1;
                }
                *stored >= out.len()
            }
        }
    }
}

/// Validation stopped: an abort (structural error, or the sink is full).
struct Stop;

/// Where an error points.
#[derive(Clone, Copy)]
enum At<'n> {
    /// The whole document (`""`): syntax errors, whose position is not a JSON path.
    Document,
    /// The value being read (the innermost member or item).
    Value,
    /// The innermost open container itself (counts, required members as a whole).
    Container,
    /// A declared member of the innermost object, by name (a missing required member).
    Member(&'n str),
}

/// Appends the path of the error `at` the innermost open container of `frames` to `pointer`.
fn write_path(frames: &Frames<'_, '_>, at: At<'_>, pointer: &mut Pointer) {
    let depth = match at {
        At::Document => 0,
        At::Value => frames.len(),
        At::Container | At::Member(_) => frames.len().saturating_sub(1),
    };
    for frame in frames.iter().take(depth) {
        match frame.container {
            Container::Object(_) | Container::FreeObject => {
                if let Some(name) = frame.name {
                    pointer.push_member(name);
                }
            }
            Container::Array(_) | Container::FreeArray => pointer.push_index(frame.count.saturating_sub(1)),
        }
    }
    if let At::Member(name) = at {
        pointer.push_text(name);
    }
}

/// The `uniqueItems` table: the scalar items seen so far in the owning array.
pub(crate) type UniqueTable<'a> = heapless::Vec<Seen<'a>, MAX_UNIQUE_ITEMS>;

/// One validation pass. Not generic over the optional tables (they are borrowed, `None` when the
/// schema does not need them), so the engine's code exists once in a binary.
pub(crate) struct Engine<'s, 'a, 'e> {
    schema: &'s Schema<'s>,
    limits: Limits,
    frames: &'e mut Frames<'s, 'a>,
    sink: Sink<'e>,
    /// The `uniqueItems` table, present when the schema has such an array (the common schema pays no
    /// stack for it).
    unique: Option<&'e mut UniqueTable<'a>>,
    /// The frame depth of the array that owns `unique`, if any.
    unique_owner: Option<usize>,
    /// The last pattern compiled from source, by address and length of its text. `None` when the
    /// schema has no source pattern (the common case pays no stack for a program).
    cached_pattern: Option<&'e mut PatternCache>,
}

impl<'s, 'a, 'e> Engine<'s, 'a, 'e> {
    #[inline(always)]
    pub(crate) fn new(
        schema: &'s Schema<'s>,
        limits: Limits,
        sink: Sink<'e>,
        cache: Option<&'e mut PatternCache>,
        frames: &'e mut Frames<'s, 'a>,
        unique: Option<&'e mut UniqueTable<'a>>,
    ) -> Self {
        Engine { schema, limits, frames, sink, unique, unique_owner: None, cached_pattern: cache }
    }

    pub(crate) fn into_sink(self) -> Sink<'e> {
        self.sink
    }

    /// Runs the whole validation; errors end up in the sink.
    pub(crate) fn run(&mut self, body: &'a [u8]) {
        let _ = self.run_inner(body);
    }

    fn run_inner(&mut self, body: &'a [u8]) -> Result<(), Stop> {
        if body.len() > self.limits.max_body_bytes {
            return self.fail(Code::TooLarge, Some(count_num(self.limits.max_body_bytes)), At::Document);
        }
        let Ok(text) = core::str::from_utf8(body) else {
            return self.fail(Code::Syntax, None, At::Document);
        };
        let mut reader = Reader::new(text, self.limits.max_depth);
        let mut expect = match self.schema.node(self.schema.root()) {
            Some(node) => Expect::Node(node),
            None => Expect::Node(&Node::Never),
        };
        loop {
            let event = match reader.next_event() {
                Ok(Some(event)) => event,
                Ok(None) => return Ok(()),
                Err(JsonError::Syntax) => return self.fail(Code::Syntax, None, At::Document),
                Err(JsonError::TooDeep) => {
                    // The container that is one level too deep is the next item or member value.
                    self.item()?;
                    return self.fail(Code::TooDeep, Some(count_num(self.limits.max_depth)), At::Value);
                }
                Err(JsonError::DuplicateName) => return self.fail(Code::DuplicateKey, None, At::Container),
            };
            match event {
                Event::Name(name) => expect = self.member(name)?,
                Event::ObjectEnd => self.close_object()?,
                Event::ArrayEnd => self.close_array()?,
                value => {
                    let at_item = self.item()?;
                    let target = at_item.unwrap_or(expect);
                    self.value(value, target)?;
                }
            }
        }
    }

    /// Reports a structural error and stops.
    fn fail(&mut self, code: Code, limit: Option<Num>, at: At<'_>) -> Result<(), Stop> {
        let frames: &Frames<'s, 'a> = self.frames;
        self.sink.report(code, limit, |pointer| write_path(frames, at, pointer));
        Err(Stop)
    }

    /// Reports a rule violation; stops only if the sink says so.
    fn violation(&mut self, code: Code, limit: Option<Num>, at: At<'_>) -> Result<(), Stop> {
        let frames: &Frames<'s, 'a> = self.frames;
        if self.sink.report(code, limit, |pointer| write_path(frames, at, pointer)) {
            Err(Stop)
        } else {
            Ok(())
        }
    }

    /// Open containers.
    fn depth(&self) -> usize {
        self.frames.len()
    }

    fn top(&mut self) -> Option<&mut Frame<'s, 'a>> {
        self.frames.last_mut()
    }

    /// A member name inside the current object: limits, lookup, and what its value must match.
    fn member(&mut self, name: JsonStr<'a>) -> Result<Expect<'s>, Stop> {
        if name.raw().len() > self.limits.max_string_bytes {
            return self
                .fail(Code::StringTooLarge, Some(count_num(self.limits.max_string_bytes)), At::Container)
                .map(|()| Expect::Free);
        }
        let max_members = self.limits.max_object_members;
        let Some(frame) = self.top() else { return Ok(Expect::Free) };
        frame.count = frame.count.saturating_add(1);
        frame.name = Some(name);
        let count = frame.count;
        let container = frame.container;
        if count > max_members {
            return self
                .fail(Code::ObjectTooLarge, Some(Num::int(i64::from(max_members))), At::Container)
                .map(|()| Expect::Free);
        }
        let Container::Object(rules) = container else { return Ok(Expect::Free) };
        if let Some(max) = rules.max_properties {
            if count == max.saturating_add(1) {
                self.violation(Code::TooManyProperties, Some(Num::int(i64::from(max))), At::Container)?;
            }
        }
        let found = rules.properties.iter().position(|p| name.eq_str(p.name));
        match found {
            Some(index) => {
                if let Some(frame) = self.top() {
                    if let Some(word) = frame.seen.get_mut(index / 64) {
                        *word |= 1u64 << (index % 64);
                    }
                }
                let schema = rules.properties.get(index).map(|p| p.schema);
                Ok(self.expect_id(schema))
            }
            None => match rules.additional {
                Additional::Reject => {
                    self.violation(Code::UnknownField, None, At::Value)?;
                    Ok(Expect::Free)
                }
                Additional::Allow => Ok(Expect::Free),
                Additional::Schema(id) => Ok(self.expect_id(Some(id))),
            },
        }
    }

    fn expect_id(&self, id: Option<u16>) -> Expect<'s> {
        match id.and_then(|id| self.schema.node(id)) {
            Some(node) => Expect::Node(node),
            None => Expect::Node(&Node::Never),
        }
    }

    /// If the current container is an array, counts the item that starts now and returns what it
    /// must match.
    fn item(&mut self) -> Result<Option<Expect<'s>>, Stop> {
        let max_items = self.limits.max_array_items;
        let Some(frame) = self.top() else { return Ok(None) };
        let container = frame.container;
        if !matches!(container, Container::Array(_) | Container::FreeArray) {
            return Ok(None);
        }
        frame.count = frame.count.saturating_add(1);
        let count = frame.count;
        if count > max_items {
            return self.fail(Code::ArrayTooLarge, Some(Num::int(i64::from(max_items))), At::Container).map(|()| None);
        }
        let Container::Array(rules) = container else { return Ok(Some(Expect::Free)) };
        if let Some(max) = rules.max_items {
            if count == max.saturating_add(1) {
                self.violation(Code::TooManyItems, Some(Num::int(i64::from(max))), At::Container)?;
            }
        }
        Ok(Some(match rules.items {
            Some(id) => self.expect_id(Some(id)),
            None => Expect::Free,
        }))
    }

    fn push(&mut self, container: Container<'s>) -> Result<(), Stop> {
        match self.frames.push(Frame { container, count: 0, seen: [0; 4], name: None }) {
            Ok(()) => Ok(()),
            // The reader's depth bound is at most MAX_DEPTH, so this is unreachable; fail closed.
            Err(_) => self.fail(Code::TooDeep, Some(count_num(MAX_DEPTH)), At::Value),
        }
    }

    fn close_object(&mut self) -> Result<(), Stop> {
        let Some(frame) = self.top().copied() else { return Ok(()) };
        if let Container::Object(rules) = frame.container {
            for (index, property) in rules.properties.iter().enumerate() {
                let seen = frame.seen.get(index / 64).is_some_and(|w| w >> (index % 64) & 1 == 1);
                if property.required && !seen {
                    self.violation(Code::Required, None, At::Member(property.name))?;
                }
            }
            if frame.count < rules.min_properties {
                self.violation(Code::TooFewProperties, Some(Num::int(i64::from(rules.min_properties))), At::Container)?;
            }
        }
        self.frames.pop();
        Ok(())
    }

    fn close_array(&mut self) -> Result<(), Stop> {
        let Some(frame) = self.top().copied() else { return Ok(()) };
        if let Container::Array(rules) = frame.container {
            if frame.count < rules.min_items {
                self.violation(Code::TooFewItems, Some(Num::int(i64::from(rules.min_items))), At::Container)?;
            }
        }
        if self.unique_owner == Some(self.depth()) {
            self.unique_owner = None;
        }
        self.frames.pop();
        Ok(())
    }

    /// Checks one value event (scalar, or the start of a container) against `expect`.
    fn value(&mut self, event: Event<'a>, expect: Expect<'s>) -> Result<(), Stop> {
        match event {
            Event::Str(s) if s.raw().len() > self.limits.max_string_bytes => {
                return self.fail(Code::StringTooLarge, Some(count_num(self.limits.max_string_bytes)), At::Value);
            }
            Event::Number(n) if n.len() > self.limits.max_number_len => {
                return self.fail(Code::NumberTooLarge, Some(count_num(self.limits.max_number_len)), At::Value);
            }
            _ => {}
        }
        let node = match expect {
            Expect::Free => {
                self.unique_check(&event, None)?;
                return self.open_free(&event, None);
            }
            Expect::Node(node) => match self.schema.branch_for(node, &event) {
                Some(node) => node,
                None => return self.open_free(&event, Some(Code::Type)),
            },
        };
        self.unique_check(&event, Some(node))?;
        match (node, event) {
            (Node::Any, event) => self.open_free(&event, None),
            (Node::Never, event) => self.open_free(&event, Some(Code::NotAllowed)),
            (Node::Null, Event::Null) | (Node::Boolean, Event::Bool(_)) => Ok(()),
            (Node::Integer(rules), Event::Number(text)) => self.number(text, rules, true),
            (Node::Number(rules), Event::Number(text)) => self.number(text, rules, false),
            (Node::String(rules), Event::Str(s)) => self.string(s, rules),
            (Node::Array(rules), Event::ArrayStart) => {
                self.push(Container::Array(rules))?;
                if rules.unique_items && self.unique_owner.is_none() {
                    self.unique_owner = Some(self.depth());
                    if let Some(table) = self.unique.as_deref_mut() {
                        table.clear();
                    }
                }
                Ok(())
            }
            (Node::Object(rules), Event::ObjectStart) => self.push(Container::Object(rules)),
            (Node::Enum(values), event) => {
                if !values.iter().any(|v| literal_matches(v, &event)) {
                    self.open_free(&event, Some(Code::Enum))
                } else {
                    Ok(())
                }
            }
            (_, event) => self.open_free(&event, Some(Code::Type)),
        }
    }

    /// A value that is reported (if `code`) and then read only for the limits.
    fn open_free(&mut self, event: &Event<'a>, code: Option<Code>) -> Result<(), Stop> {
        if let Some(code) = code {
            self.violation(code, None, At::Value)?;
        }
        match event {
            Event::ObjectStart => self.push(Container::FreeObject),
            Event::ArrayStart => self.push(Container::FreeArray),
            _ => Ok(()),
        }
    }

    fn number(&mut self, text: &'a str, rules: &NumberRules, integer: bool) -> Result<(), Stop> {
        number_rules(text, rules, integer, |code, limit| self.violation(code, limit, At::Value))
    }

    fn string(&mut self, s: JsonStr<'a>, rules: &'s StringRules<'s>) -> Result<(), Stop> {
        string_rules(s, rules, |code, limit| self.violation(code, limit, At::Value))?;
        if let Some(pattern) = rules.pattern {
            match self.pattern_matches(pattern, s) {
                Some(true) => {}
                Some(false) => self.violation(Code::Pattern, None, At::Value)?,
                None => self.violation(Code::BadPattern, None, At::Value)?,
            }
        }
        Ok(())
    }

    /// `None` when a source pattern does not compile.
    fn pattern_matches(&mut self, pattern: PatternRef<'s>, s: JsonStr<'a>) -> Option<bool> {
        if let Some(verdict) = fixed_pattern_matches(pattern, s) {
            return Some(verdict);
        }
        // What is left is a source pattern that needs a program.
        let PatternRef::Source(source) = pattern else { return None };
        let Some(cache) = self.cached_pattern.as_deref_mut() else {
            // Not reached: `Schema::new` records every source pattern, and the caller then provides a
            // cache. Still correct without one, only slower.
            return source_pattern_matches(source, s);
        };
        let key = (source.as_ptr().addr(), source.len());
        if cache.key != Some(key) {
            // Compiled in place in the cache (no program-sized temporary).
            cache.key = None;
            cache.program.compile_into(source).ok()?;
            cache.key = Some(key);
        }
        Some(program_matches(&cache.program, s))
    }

    /// `uniqueItems`: compares a scalar item of the owning array with the items before it, once the
    /// item's node (`None`: unchecked) takes its type (a wrong type is its own error).
    #[inline]
    fn unique_check(&mut self, event: &Event<'a>, node: Option<&Node<'_>>) -> Result<(), Stop> {
        // Inlined for this test alone: nearly every value is outside a `uniqueItems` array.
        if self.unique_owner != Some(self.depth()) || self.depth() == 0 {
            return Ok(());
        }
        if node.is_some_and(|node| !node.takes_type_of(event)) {
            return Ok(());
        }
        self.unique_record(event)
    }

    #[inline(never)]
    fn unique_record(&mut self, event: &Event<'a>) -> Result<(), Stop> {
        let seen = match *event {
            Event::Null => Seen::Null,
            Event::Bool(b) => Seen::Bool(b),
            Event::Number(n) => Seen::Number(n),
            Event::Str(s) => Seen::Str(s, string_hash(s)),
            // An object or array item cannot be compared in one pass: refused, never passed
            // unchecked (the compiler refuses `uniqueItems` whose items may be containers).
            _ => return self.violation(Code::NotUnique, None, At::Value),
        };
        // No table lent (`run` lends one to every schema with `uniqueItems`) behaves as a table with
        // no room: the check refuses rather than being skipped.
        let stored = match self.unique.as_deref_mut() {
            Some(table) => {
                if table.iter().any(|earlier| same(earlier, &seen)) {
                    return self.violation(Code::NotUnique, None, At::Value);
                }
                table.push(seen).is_ok()
            }
            None => false,
        };
        if !stored {
            // More items than the table holds: refuse rather than skip the check.
            self.unique_owner = None;
            return self.violation(Code::NotUnique, Some(count_num(MAX_UNIQUE_ITEMS)), At::Value);
        }
        Ok(())
    }
}

/// A number's grammar-checked text that is a plain integer of at most 18 digits, as an `i64`;
/// anything else (fractions, exponents, longer numbers) takes the exact decimal path.
#[cfg(any(test, not(feature = "compact-json")))]
fn small_int(text: &str) -> Option<i64> {
    small_int_at(text.as_bytes(), 0).and_then(|(value, end)| (end == text.len()).then_some(value))
}

/// A plain JSON integer at `pos` (`-?(0|[1-9][0-9]{0,17})`, not followed by a fraction, an
/// exponent or more digits): its value and the offset after it, read in one pass (18 digits always
/// fit). Anything else is left to the general number path.
#[cfg(any(test, not(feature = "compact-json")))]
#[inline(always)]
pub(super) fn small_int_at(bytes: &[u8], pos: usize) -> Option<(i64, usize)> {
    let negative = bytes.get(pos) == Some(&b'-');
    let start = pos + usize::from(negative);
    let mut end = start;
    let mut value: i64 = 0;
    while let Some(&b) = bytes.get(end) {
        if !b.is_ascii_digit() {
            break;
        }
        if end - start == 18 {
            return None;
        }
        value = value * 10 + i64::from(b - b'0');
        end += 1;
    }
    let leading_zero = end - start > 1 && bytes.get(start) == Some(&b'0');
    if end == start || leading_zero || matches!(bytes.get(end), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    Some((if negative { -value } else { value }, end))
}

/// Hands each rule of `rules` that the number `text` (grammar-checked) breaks to `report`, in
/// document order, and stops when `report` fails. Shared by the engine (which reports) and the fast
/// path (which gives up at the first), so both judge a number the same way; inlined, so that each
/// gets straight-line comparisons.
#[inline]
pub(super) fn number_rules<E>(
    text: &str,
    rules: &NumberRules,
    integer: bool,
    report: impl FnMut(Code, Option<Num>) -> Result<(), E>,
) -> Result<(), E> {
    // The common case, a plain integer that fits an i64, compared without the decimal machinery on
    // hosted builds; the firmware's `compact-json` build keeps the exact decimal path alone (the same
    // verdicts, tested against each other), where flash counts more than speed.
    #[cfg(not(feature = "compact-json"))]
    if let Some(value) = small_int(text) {
        return small_int_rules(value, rules, report);
    }
    decimal_rules(text, rules, integer, report)
}

/// [`number_rules`] for a number whose text is a plain integer (`-?[0-9]{1,18}`) of this value.
#[cfg(not(feature = "compact-json"))]
#[inline(always)]
pub(super) fn small_int_rules<E>(
    value: i64,
    rules: &NumberRules,
    report: impl FnMut(Code, Option<Num>) -> Result<(), E>,
) -> Result<(), E> {
    let multiple = |divisor: u64| divisor != 0 && value.unsigned_abs().is_multiple_of(divisor);
    bound_rules(rules, |bound| cmp_int_num(value, bound), multiple, report)
}

/// [`number_rules`] for a number that is not a plain `i64` (fractions, exponents, long integers):
/// exact decimal comparisons, out of line.
#[inline(never)]
fn decimal_rules<E>(
    text: &str,
    rules: &NumberRules,
    integer: bool,
    mut report: impl FnMut(Code, Option<Num>) -> Result<(), E>,
) -> Result<(), E> {
    let Some(value) = Decimal::parse(text) else { return report(Code::Syntax, None) };
    if integer && !value.is_integer() {
        return report(Code::Type, None);
    }
    bound_rules(rules, |bound| value.cmp_num(bound), |divisor| value.is_multiple_of(divisor), report)
}

/// `minimum`, `maximum` and `multipleOf`, in that order, for a number compared by `cmp` and divided
/// by `multiple` (exactly, whichever representation the caller holds).
#[inline(always)]
fn bound_rules<E>(
    rules: &NumberRules,
    cmp: impl Fn(&Num) -> core::cmp::Ordering,
    multiple: impl Fn(u64) -> bool,
    mut report: impl FnMut(Code, Option<Num>) -> Result<(), E>,
) -> Result<(), E> {
    if let Some(bound) = rules.minimum {
        let order = cmp(&bound.value);
        if order.is_lt() || (bound.exclusive && order.is_eq()) {
            report(Code::Minimum, Some(bound.value))?;
        }
    }
    if let Some(bound) = rules.maximum {
        let order = cmp(&bound.value);
        if order.is_gt() || (bound.exclusive && order.is_eq()) {
            report(Code::Maximum, Some(bound.value))?;
        }
    }
    if let Some(divisor) = rules.multiple_of {
        if !multiple(divisor) {
            report(Code::MultipleOf, divisor_limit(divisor))?;
        }
    }
    Ok(())
}

/// A `multipleOf` divisor as the limit an error carries.
fn divisor_limit(divisor: u64) -> Option<Num> {
    Some(Num::int(i64::try_from(divisor).unwrap_or(i64::MAX)))
}

/// Hands each length and format rule of `rules` that `s` breaks to `report`, in document order
/// (the pattern comes after them, checked by the caller, which may hold a compiled program).
/// Shared by the engine and the fast path, as [`number_rules`] is.
// Inlined into both readers on hosted builds (a call per string value measured 1-2 % of W7/W8); the
// firmware's `compact-json` build keeps one copy, where flash counts more.
#[cfg_attr(not(feature = "compact-json"), inline(always))]
pub(super) fn string_rules<E>(
    s: JsonStr<'_>,
    rules: &StringRules<'_>,
    mut report: impl FnMut(Code, Option<Num>) -> Result<(), E>,
) -> Result<(), E> {
    // Counting characters is needed only when the text's size leaves the answer open: a character
    // takes at least one byte as sent and at most four in UTF-8, or twelve with escapes (a
    // `\uXXXX\uXXXX` surrogate pair).
    let bytes = s.raw().len();
    let widest = if s.as_plain().is_some() { 4 } else { 12 };
    let short_possible = !usize::try_from(rules.min_length).is_ok_and(|min| min <= bytes / widest);
    let long_possible = rules.max_length.is_some_and(|max| usize::try_from(max).is_ok_and(|max| bytes > max));
    if short_possible || long_possible {
        let chars = s.char_count();
        if chars < usize::try_from(rules.min_length).unwrap_or(usize::MAX) {
            report(Code::TooShort, Some(Num::int(i64::from(rules.min_length))))?;
        }
        if let Some(max) = rules.max_length {
            if chars > usize::try_from(max).unwrap_or(usize::MAX) {
                report(Code::TooLong, Some(Num::int(i64::from(max))))?;
            }
        }
    }
    if let Some(format) = rules.format {
        if !format_ok(format, s) {
            report(Code::Format, None)?;
        }
    }
    Ok(())
}

/// Whether `s` matches `pattern`, for every pattern that needs no program compiled from source
/// (`None`: it does, see [`Engine::pattern_matches`]).
#[inline(always)]
pub(super) fn fixed_pattern_matches(pattern: PatternRef<'_>, s: JsonStr<'_>) -> Option<bool> {
    match pattern {
        PatternRef::Compiled(program) => Some(program_matches(program, s)),
        PatternRef::Run(class_run) => Some(class_run_matches(&class_run, s)),
        PatternRef::Source(source) => ClassRun::parse(source).map(|class_run| class_run_matches(&class_run, s)),
    }
}

fn program_matches(program: &Program, s: JsonStr<'_>) -> bool {
    match s.as_plain() {
        Some(plain) => program.is_match_str(plain),
        None => program.is_match(s.chars()),
    }
}

/// Exact comparison of an integer with a schema number (`mantissa × 10^exp10`).
#[cfg(any(test, not(feature = "compact-json")))]
#[inline(always)]
fn cmp_int_num(value: i64, num: &Num) -> core::cmp::Ordering {
    // Schema bounds are mostly plain integers: one comparison, inline; scaling out of line.
    if num.exp10 == 0 {
        value.cmp(&num.mantissa)
    } else {
        cmp_int_scaled(value, num)
    }
}

/// [`cmp_int_num`] for a bound with a power of ten.
#[cfg(any(test, not(feature = "compact-json")))]
#[inline(never)]
fn cmp_int_scaled(value: i64, num: &Num) -> core::cmp::Ordering {
    let exp = num.exp10;
    // value <=> m × 10^e: scale in i128 while it stays exact; beyond ±38 digits the sign decides.
    let mut lhs = i128::from(value);
    let mut rhs = i128::from(num.mantissa);
    let mut e = exp;
    while e > 0 {
        match rhs.checked_mul(10) {
            Some(r) => rhs = r,
            None => return if num.mantissa > 0 { core::cmp::Ordering::Less } else { core::cmp::Ordering::Greater },
        }
        e -= 1;
    }
    while e < 0 {
        match lhs.checked_mul(10) {
            Some(l) => lhs = l,
            // |value| × 10^k overflowed i128: |value| dominates any i64 mantissa.
            None => return if value > 0 { core::cmp::Ordering::Greater } else { core::cmp::Ordering::Less },
        }
        e += 1;
    }
    lhs.cmp(&rhs)
}

fn count_num(n: usize) -> Num {
    Num::int(i64::try_from(n).unwrap_or(i64::MAX))
}

pub(super) fn literal_matches(literal: &Literal<'_>, event: &Event<'_>) -> bool {
    match (literal, event) {
        (Literal::Null, Event::Null) => true,
        (Literal::Bool(a), Event::Bool(b)) => a == b,
        (Literal::Number(n), Event::Number(text)) => Decimal::parse(text).is_some_and(|d| d.cmp_num(n).is_eq()),
        (Literal::Str(a), Event::Str(s)) => s.eq_str(a),
        _ => false,
    }
}

#[cfg_attr(not(feature = "compact-json"), inline(always))]
fn class_run_matches(class_run: &ClassRun, s: JsonStr<'_>) -> bool {
    match s.as_plain() {
        Some(plain) => class_run.is_match_str(plain),
        None => class_run.is_match(s.chars()),
    }
}

/// A source pattern compiled on the stack, for an engine without a cache (see `pattern_matches`).
#[inline(never)]
fn source_pattern_matches(source: &str, s: JsonStr<'_>) -> Option<bool> {
    let program = Program::compile(source).ok()?;
    Some(program_matches(&program, s))
}

fn format_ok(format: Format, s: JsonStr<'_>) -> bool {
    match s.as_plain() {
        Some(plain) => plain.len() <= format.max_len() && format.check(plain),
        None => escaped_format_ok(format, s),
    }
}

/// Escaped text: decoded into a buffer no longer than the format allows (text that does not fit is
/// too long for the format anyway). Its own frame, so that the 2 KiB buffer is on the stack only
/// while an escaped string is checked.
#[inline(never)]
fn escaped_format_ok(format: Format, s: JsonStr<'_>) -> bool {
    let mut buf = [0u8; FORMAT_BUFFER];
    let limit = format.max_len().min(FORMAT_BUFFER);
    match buf.get_mut(..limit).and_then(|b| s.decode_into(b)) {
        Some(text) => format.check(text),
        None => false,
    }
}

/// FNV-1a over the unescaped UTF-8 bytes: equal strings always hash equal.
fn string_hash(s: JsonStr<'_>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut push = |b: u8| {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    match s.as_plain() {
        Some(plain) => plain.bytes().for_each(&mut push),
        None => {
            let mut utf8 = [0u8; 4];
            for c in s.chars() {
                c.encode_utf8(&mut utf8).bytes().for_each(&mut push);
            }
        }
    }
    hash
}

fn same(a: &Seen<'_>, b: &Seen<'_>) -> bool {
    match (a, b) {
        (Seen::Null, Seen::Null) => true,
        (Seen::Bool(x), Seen::Bool(y)) => x == y,
        (Seen::Number(x), Seen::Number(y)) => match (Decimal::parse(x), Decimal::parse(y)) {
            (Some(x), Some(y)) => x.eq_decimal(&y),
            _ => x == y,
        },
        (Seen::Str(x, hx), Seen::Str(y, hy)) => hx == hy && x.eq_json(*y),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Rust-built schema can put `uniqueItems` over items of any type; an object or array item is
    /// then refused, never passed unchecked (compiled schemas cannot get here: see `compile.rs`).
    #[test]
    fn unique_items_refuses_container_items() {
        use crate::validate::{self, Limits};
        const NODES: &[Node<'static>] = &[Node::Array(ArrayRules::ANY.items(1).unique_items()), Node::Any];
        let schema = Schema::new(NODES, 0).unwrap();
        let limits = Limits::DEFAULT;
        assert_eq!(validate::validate(&schema, br#"["a",1,null,true]"#, &limits), Ok(()));
        for (body, path) in [(&br#"["a",{"k":1},{"k":1}]"#[..], "/1"), (br#"[1,[2]]"#, "/1")] {
            let error = validate::validate(&schema, body, &limits).unwrap_err();
            assert_eq!((error.code(), error.path.as_str()), ("not_unique", path));
        }
    }

    /// Lengths are counted only when the text's size leaves the answer open; the verdicts are those
    /// of always counting, for plain, multi-byte, escaped and surrogate-pair text at every bound.
    #[test]
    fn length_rules_skip_counting_only_when_the_size_decides() {
        use crate::json::Reader;
        let bodies = [
            r#""""#,
            r#""abc""#,
            r#""h\u00e9llo""#,
            r#""\ud83d\ude00""#,
            r#""\ud83d\ude00\ud83d\ude00x""#,
            "\"\u{e9}\u{1f600}z\"",
            "\"\u{1f600}\u{1f600}\u{1f600}\u{10ffff}\"",
            "\"\u{800}\u{ffff}ab\u{1f600}\"",
            r#""\n\t\"\\/""#,
        ];
        for body in bodies {
            let mut reader = Reader::new(body, 1);
            let Ok(Some(Event::Str(s))) = reader.next_event() else { panic!("{body}") };
            let chars = s.char_count();
            for min in 0..16u32 {
                for max in (0..16u32).map(Some).chain([None]) {
                    let rules = StringRules { min_length: min, max_length: max, pattern: None, format: None };
                    let mut found = [None, None];
                    let mut slot = 0;
                    let _ = string_rules::<()>(s, &rules, |code, _| {
                        found[slot] = Some(code);
                        slot += 1;
                        Ok(())
                    });
                    let short = (chars < usize::try_from(min).unwrap()).then_some(Code::TooShort);
                    let long = max.filter(|&max| chars > usize::try_from(max).unwrap()).map(|_| Code::TooLong);
                    let want: [Option<Code>; 2] = match (short, long) {
                        (Some(a), Some(b)) => [Some(a), Some(b)],
                        (a, b) => [a.or(b), None],
                    };
                    assert_eq!(found, want, "{body} min {min} max {max:?}");
                }
            }
        }
    }

    #[test]
    fn small_int_path_matches_the_decimal_path() {
        extern crate std;
        use std::string::ToString;
        let values = [0i64, 1, -1, 12, 13, 120, 121, -999_999_999_999_999_999, 999_999_999_999_999_999, 10_000_000];
        let nums = [
            Num::int(0),
            Num::int(13),
            Num::int(120),
            Num::new(12, 1),
            Num::new(135, -1),
            Num::new(-5, 3),
            Num::new(1, 30),
            Num::new(-1, 30),
            Num::new(1, -30),
            Num::new(i64::MAX, 20),
            Num::new(i64::MIN, -20),
            Num::int(i64::MAX),
        ];
        for v in values {
            let text = v.to_string();
            assert_eq!(small_int(&text), Some(v));
            let d = Decimal::parse(&text).unwrap();
            for n in &nums {
                assert_eq!(cmp_int_num(v, n), d.cmp_num(n), "{v} vs {n:?}");
            }
        }
        for text in ["1.0", "1e2", "-", "", "1234567890123456789", "01x"] {
            assert_eq!(small_int(text), None, "{text}");
        }
    }
}
