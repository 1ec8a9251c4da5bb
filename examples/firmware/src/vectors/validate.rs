//! Validation vectors (W7/W9 and the other groups of `tests/vectors/validate/cases.json`): each group's
//! schema compiled with `validate::compile` into fixed caller-owned storage, each body validated for the
//! first error and for all errors; plus the schemas `compile` must refuse.

use apiward::validate::{self, compile, Error, Limits, Literal, Node, Program, Property, Storage};

use super::data::{
    Group, LimitsSpec, COMPILE_ERRORS, GROUPS, PATTERN_PROGRAMS, SCHEMA_CAPACITY, VALIDATE_OMITTED, VALIDATE_SKIPPED,
};
use crate::show::{Opt, Quoted, Res};
use crate::{stack, Report, Tally};

const NODES: usize = SCHEMA_CAPACITY;
const PROPERTIES: usize = SCHEMA_CAPACITY;
const IDS: usize = 16;
const LITERALS: usize = 16;
const TEXT: usize = 128;
/// `validate_all` reports at most this many errors (the vectors list at most 16).
const MAX_ERRORS: usize = 16;

fn limits_of(spec: &LimitsSpec) -> Limits {
    let size = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    let count = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    let mut limits = Limits::DEFAULT;
    if let Some(n) = spec.max_body_bytes {
        limits = limits.max_body_bytes(size(n));
    }
    if let Some(n) = spec.max_depth {
        limits = limits.max_depth(size(n));
    }
    if let Some(n) = spec.max_string_bytes {
        limits = limits.max_string_bytes(size(n));
    }
    if let Some(n) = spec.max_number_len {
        limits = limits.max_number_len(size(n));
    }
    if let Some(n) = spec.max_array_items {
        limits = limits.max_array_items(count(n));
    }
    if let Some(n) = spec.max_object_members {
        limits = limits.max_object_members(count(n));
    }
    limits
}

/// The caller-owned storage a compiled schema lives in.
struct Buffers<'a> {
    nodes: [Node<'a>; NODES],
    properties: [Property<'a>; PROPERTIES],
    ids: [u16; IDS],
    literals: [Literal<'a>; LITERALS],
    text: [u8; TEXT],
    programs: [Program; PATTERN_PROGRAMS],
}

impl<'a> Buffers<'a> {
    fn new() -> Self {
        Buffers {
            nodes: [const { Node::Never }; NODES],
            properties: [const { Property::optional("", 0) }; PROPERTIES],
            ids: [0; IDS],
            literals: [const { Literal::Null }; LITERALS],
            text: [0; TEXT],
            programs: [const { Program::EMPTY }; PATTERN_PROGRAMS],
        }
    }

    fn storage(&'a mut self) -> Storage<'a> {
        Storage {
            nodes: &mut self.nodes,
            properties: &mut self.properties,
            ids: &mut self.ids,
            literals: &mut self.literals,
            text: &mut self.text,
            programs: &mut self.programs,
        }
    }
}

#[inline(never)]
fn run_group(group: &Group, tally: &mut Tally, report: &mut Report) {
    let mut buffers = Buffers::new();
    let (compiled, used) = stack::measure(|| compile(group.schema, buffers.storage()));
    report.record("schema compile", used);
    let schema = match compiled {
        Ok(schema) => schema,
        Err(e) => {
            tally.check(
                false,
                format_args!("validate {}: schema refused: {} at {}", group.name, e.code(), Quoted(e.path.as_str())),
            );
            return;
        }
    };
    let limits = limits_of(&group.limits);
    let mut all = [Error::default(); MAX_ERRORS];
    for case in group.cases {
        let (first, used) = stack::measure(|| validate::validate(&schema, case.body, &limits));
        report.record("validate", used);
        let (found, used) = stack::measure(|| validate::validate_all(&schema, case.body, &limits, &mut all));
        report.record("validate_all", used);
        match (case.errors, found, first) {
            (None, Ok(()), Ok(())) => tally.check(true, format_args!("validate {} / {}: valid", group.name, case.name)),
            (Some(want), Err(n), Err(first)) => {
                let got = &all[..n.min(MAX_ERRORS)];
                let same = got.len() == want.len()
                    && got.iter().zip(want).all(|(g, (path, code))| g.path.as_str() == *path && g.code() == *code)
                    && first.path.as_str() == want[0].0
                    && first.code() == want[0].1;
                tally.check(
                    same,
                    format_args!(
                        "validate {} / {}: {} error(s), first {} at {} (expected {} at {}, {} in all)",
                        group.name,
                        case.name,
                        n,
                        first.code(),
                        Quoted(first.path.as_str()),
                        want[0].1,
                        Quoted(want[0].0),
                        want.len()
                    ),
                );
            }
            (want, found, first) => tally.check(
                false,
                format_args!(
                    "validate {} / {}: got all={} first={}, expected {}",
                    group.name,
                    case.name,
                    Res(found.map(|()| "valid")),
                    Opt(first.err().map(|e| e.code())),
                    if want.is_some() { "errors" } else { "valid" }
                ),
            ),
        }
    }
}

#[inline(never)]
fn run_compile_error(case: &super::data::CompileCase, tally: &mut Tally, report: &mut Report) {
    let mut buffers = Buffers::new();
    let (compiled, used) = stack::measure(|| compile(case.schema, buffers.storage()).map(|_| ()));
    report.record("schema compile", used);
    let got = compiled.err();
    let ok = got.is_some_and(|e| e.code() == case.code && e.path.as_str() == case.path);
    match got {
        Some(e) => tally.check(
            ok,
            format_args!(
                "validate compile {}: {} at {} (expected {} at {})",
                case.name,
                e.code(),
                Quoted(e.path.as_str()),
                case.code,
                Quoted(case.path)
            ),
        ),
        None => tally.check(false, format_args!("validate compile {}: accepted (expected {})", case.name, case.code)),
    }
}

/// Runs the validation vectors.
#[inline(never)]
pub fn run(tally: &mut Tally, report: &mut Report) {
    cortex_m_semihosting::hprintln!(
        "validate: schema storage {} bytes ({} compiled pattern slots of {} bytes), error buffer {} bytes",
        core::mem::size_of::<Buffers<'static>>(),
        PATTERN_PROGRAMS,
        core::mem::size_of::<Program>(),
        core::mem::size_of::<[Error; MAX_ERRORS]>()
    );
    for group in GROUPS {
        run_group(group, tally, report);
    }
    for case in COMPILE_ERRORS {
        run_compile_error(case, tally, report);
    }
    cortex_m_semihosting::hprintln!(
        "validate: {} bodies over the firmware's 2 KiB body budget skipped (run on the host)",
        VALIDATE_SKIPPED
    );
    if VALIDATE_OMITTED > 0 {
        cortex_m_semihosting::hprintln!(
            "validate: {} cases of the groups after W7/W9 left out on this machine (its RAM; run on lm3s6965evb)",
            VALIDATE_OMITTED
        );
    }
}
