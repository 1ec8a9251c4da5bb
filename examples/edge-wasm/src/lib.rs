//! The apiward core compiled to `wasm32-unknown-unknown` behind a tiny C-ABI surface: the shape an edge
//! runtime (a worker, a proxy filter) loads with the plain `WebAssembly` API, without wasm-bindgen.
//!
//! The host writes its input bytes into one static input buffer (`input_ptr()`, `input_capacity()`),
//! calls an export with the lengths of the pieces it wrote, and reads a JSON verdict of the returned length
//! from the output buffer (`output_ptr()`). Every decision is the core's: this crate only parses the
//! caller's policy document and formats the verdict. No `unsafe` code: the buffers are plain statics behind
//! a spin lock (the module is single-threaded), and only the export attributes are `unsafe(...)` ones.
//!
//! Exports (all lengths in bytes, all results the length of the JSON written to the output buffer, or 0
//! when it did not fit):
//! - `jwt_verify(jwks_len, token_len, policy_len, now)`: input = JWKS ‖ token ‖ policy JSON
//!   (`{"algorithms":[..],"issuer":..,"audience":..,"leeway":..,"max_token_bytes":..,"require":[..],
//!   "typ":..,"max_age":..,"allow_missing_exp":..}`, the vectors' format) → `{"valid":true,"claims":{..}}`
//!   or `{"valid":false,"code":".."}`.
//! - `limit_configure(capacity, count, period_ns, has_burst, burst, admit_when_full)`: a fresh table
//!   (capacity 4, 64 or 4096; without `has_burst` the burst is the core's default for the quota) → `{"ok":true}` or `{"ok":false,"code":".."}`; `limit_check(key_len,
//!   now_ns, cost)`: input = key → the decision; `limit_counters()` → evictions and full denials. The hash
//!   seed is the first 16 input bytes at configure time (the host reads them from its RNG).
//! - `validate(schema_len, body_len, limits_len)`: input = JSON Schema ‖ body ‖ optional limits JSON →
//!   `{"valid":true}`, `{"valid":false,"first":{..},"errors":[{"path":..,"code":..},..]}` or
//!   `{"compile_error":{"path":..,"code":..}}`.

#![no_std]

use core::fmt::Write as _;

use apiward::json::{self, Kind, Value};
use apiward::jwt::{self, Algorithm, AlgorithmSet, Claim, ClaimSet, KeySet, Policy};
use apiward::limit::{Decision, FullPolicy, Limiter, Quota};
use apiward::validate::{self, compile, Limits, Literal, Node, Program, Property, Storage};
use spin::Mutex;

/// Input bytes per call (large enough for the vectors' 100 000-digit number body).
const INPUT_CAPACITY: usize = 256 * 1024;
/// Output bytes per call (claims or the error list).
const OUTPUT_CAPACITY: usize = 64 * 1024;
/// Longest token accepted whatever the policy says (the scratch buffer is sized for it).
const MAX_TOKEN: usize = 64 * 1024;
/// Most keys in one JWKS.
const MAX_KEYS: usize = 16;
/// Most issuers, audiences or algorithms a policy lists.
const MAX_LIST: usize = 16;

/// `repr(u8)` with `None = 0`: the initial table is all zeros, so it costs nothing in the `.wasm` file.
#[repr(u8)]
enum Table {
    None = 0,
    Small(Limiter<4>),
    Medium(Limiter<64>),
    Large(Limiter<4096>),
}

/// The buffers. All-zero at start, so they cost no bytes in the `.wasm` file (the rate-limit table is
/// a separate static: an enum's initial value need not be all zeros, and a static that is not all zeros
/// is stored in the file whole).
struct State {
    input: [u8; INPUT_CAPACITY],
    output: [u8; OUTPUT_CAPACITY],
    scratch: [u8; jwt::scratch_len(MAX_TOKEN)],
}

static STATE: Mutex<State> = Mutex::new(State {
    input: [0; INPUT_CAPACITY],
    output: [0; OUTPUT_CAPACITY],
    scratch: [0; jwt::scratch_len(MAX_TOKEN)],
});

/// The rate-limit table (boxed-free: the largest variant is 64 KiB of slots, in linear memory).
static TABLE: Mutex<Table> = Mutex::new(Table::None);

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// Where the host writes its input.
#[unsafe(no_mangle)]
pub extern "C" fn input_ptr() -> *const u8 {
    STATE.lock().input.as_ptr()
}

/// How many input bytes fit.
#[unsafe(no_mangle)]
pub extern "C" fn input_capacity() -> usize {
    INPUT_CAPACITY
}

/// Where the host reads the JSON verdict.
#[unsafe(no_mangle)]
pub extern "C" fn output_ptr() -> *const u8 {
    STATE.lock().output.as_ptr()
}

/// A `fmt::Write` into the output buffer that remembers overflow.
struct Out<'a> {
    buf: &'a mut [u8],
    len: usize,
    overflow: bool,
}

impl<'a> Out<'a> {
    fn new(buf: &'a mut [u8]) -> Self {
        Out { buf, len: 0, overflow: false }
    }

    fn bytes(&mut self, b: &[u8]) {
        match self.buf.get_mut(self.len..self.len + b.len()) {
            Some(dst) => {
                dst.copy_from_slice(b);
                self.len += b.len();
            }
            None => self.overflow = true,
        }
    }

    /// A JSON string literal.
    fn string(&mut self, s: &str) {
        self.bytes(b"\"");
        for c in s.chars() {
            match c {
                '"' => self.bytes(b"\\\""),
                '\\' => self.bytes(b"\\\\"),
                c if u32::from(c) < 0x20 => {
                    let _ = write!(self, "\\u{:04x}", u32::from(c));
                }
                c => {
                    let mut tmp = [0u8; 4];
                    self.bytes(c.encode_utf8(&mut tmp).as_bytes());
                }
            }
        }
        self.bytes(b"\"");
    }

    fn finish(self) -> usize {
        if self.overflow {
            0
        } else {
            self.len
        }
    }
}

impl core::fmt::Write for Out<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.bytes(s.as_bytes());
        Ok(())
    }
}

/// Splits `input` into consecutive pieces of the given lengths.
fn pieces<const N: usize>(input: &[u8], lens: [usize; N]) -> Option<[&[u8]; N]> {
    let mut out = [&input[..0]; N];
    let mut at = 0usize;
    for (slot, len) in out.iter_mut().zip(lens) {
        let end = at.checked_add(len)?;
        *slot = input.get(at..end)?;
        at = end;
    }
    Some(out)
}

/// A string member, or every string of an array member, of the policy document (no escapes: a policy
/// with escaped text is refused rather than half-read).
fn string_list<'a>(v: Option<Value<'a>>, out: &mut [&'a str; MAX_LIST]) -> Option<usize> {
    let Some(v) = v else { return Some(0) };
    match v.kind() {
        Kind::Null => Some(0),
        Kind::String => {
            out[0] = v.as_str()?.as_plain()?;
            Some(1)
        }
        Kind::Array => {
            let mut n = 0;
            for item in v.items()? {
                *out.get_mut(n)? = item.as_str()?.as_plain()?;
                n += 1;
            }
            Some(n)
        }
        _ => None,
    }
}

fn number<T: core::str::FromStr>(v: Option<Value<'_>>) -> Option<Option<T>> {
    match v {
        None => Some(None),
        Some(v) => v.as_number()?.parse().ok().map(Some),
    }
}

/// Policy text → `Policy`, or `None` when the document is not a policy this surface understands.
fn with_policy<R>(text: &[u8], f: impl FnOnce(&Policy<'_>) -> R) -> Option<R> {
    let doc = json::parse(text, 4).ok()?;
    let mut names = [""; MAX_LIST];
    let n = string_list(doc.get("algorithms"), &mut names)?;
    let mut algorithms = AlgorithmSet::from_slice(&[]);
    for name in &names[..n] {
        algorithms = algorithms.with(Algorithm::from_name(name)?);
    }
    let mut issuers = [""; MAX_LIST];
    let issuers_len = string_list(doc.get("issuer"), &mut issuers)?;
    let mut audiences = [""; MAX_LIST];
    let audiences_len = string_list(doc.get("audience"), &mut audiences)?;
    let mut policy = Policy::new(algorithms).issuers(&issuers[..issuers_len]).audiences(&audiences[..audiences_len]);
    if let Some(leeway) = number::<u32>(doc.get("leeway"))? {
        policy = policy.leeway(leeway);
    }
    if let Some(max) = number::<usize>(doc.get("max_token_bytes"))? {
        policy = policy.max_token_bytes(max.min(MAX_TOKEN));
    }
    if doc.get("require").is_some() {
        let mut required = [""; MAX_LIST];
        let n = string_list(doc.get("require"), &mut required)?;
        let mut set = ClaimSet::EMPTY;
        for name in &required[..n] {
            set = set.with(Claim::from_name(name)?);
        }
        policy = policy.require(set);
    }
    if doc.get("allow_missing_exp").and_then(|v| v.as_bool()) == Some(true) {
        policy = policy.allow_missing_exp();
    }
    if let Some(typ) = doc.get("typ") {
        policy = policy.typ(typ.as_str()?.as_plain()?);
    }
    if let Some(max_age) = number::<u32>(doc.get("max_age"))? {
        policy = policy.max_age(max_age);
    }
    Some(f(&policy))
}

/// Verifies a token: see the crate docs for the input layout and the verdict.
#[unsafe(no_mangle)]
pub extern "C" fn jwt_verify(jwks_len: usize, token_len: usize, policy_len: usize, now: i64) -> usize {
    let mut guard = STATE.lock();
    let State { input, output, scratch, .. } = &mut *guard;
    let mut out = Out::new(output);
    let Some([jwks, token, policy]) = pieces(input, [jwks_len, token_len, policy_len]) else {
        out.bytes(br#"{"valid":false,"code":"bad_call"}"#);
        return out.finish();
    };
    let keys = match KeySet::<MAX_KEYS>::from_jwks(jwks) {
        Ok(keys) => keys,
        Err(e) => {
            out.bytes(br#"{"valid":false,"code":"#);
            out.string(e.code());
            out.bytes(b"}");
            return out.finish();
        }
    };
    let verdict = with_policy(policy, |policy| {
        jwt::verify(token, keys.as_slice(), policy, now, scratch).map(|claims| {
            out.bytes(br#"{"valid":true,"claims":"#);
            out.bytes(claims.json().as_bytes());
            out.bytes(b"}");
        })
    });
    match verdict {
        Some(Ok(())) => {}
        Some(Err(e)) => {
            out.bytes(br#"{"valid":false,"code":"#);
            out.string(e.code());
            out.bytes(b"}");
        }
        None => out.bytes(br#"{"valid":false,"code":"bad_policy"}"#),
    }
    out.finish()
}

/// Replaces the rate-limit table: see the crate docs.
#[unsafe(no_mangle)]
pub extern "C" fn limit_configure(
    capacity: u32,
    count: u32,
    period_ns: u64,
    has_burst: u32,
    burst: u32,
    admit_when_full: u32,
) -> usize {
    let mut guard = STATE.lock();
    let State { input, output, .. } = &mut *guard;
    let mut table = TABLE.lock();
    let table = &mut *table;
    let mut out = Out::new(output);
    let mut seed = [0u8; 16];
    seed.copy_from_slice(&input[..16]);
    let quota = Quota::new(count, period_ns).and_then(|q| if has_burst == 0 { Ok(q) } else { q.with_burst(burst) });
    let quota = match quota {
        Ok(q) => q,
        Err(e) => {
            out.bytes(br#"{"ok":false,"code":"#);
            out.string(e.code());
            out.bytes(b"}");
            return out.finish();
        }
    };
    let policy = if admit_when_full != 0 { FullPolicy::Admit } else { FullPolicy::Deny };
    *table = match capacity {
        4 => Table::Small(Limiter::new(quota, seed).with_full_policy(policy)),
        64 => Table::Medium(Limiter::new(quota, seed).with_full_policy(policy)),
        4096 => Table::Large(Limiter::new(quota, seed).with_full_policy(policy)),
        _ => {
            out.bytes(br#"{"ok":false,"code":"unsupported_capacity"}"#);
            return out.finish();
        }
    };
    out.bytes(br#"{"ok":true}"#);
    out.finish()
}

/// Checks `cost` for the key in the input buffer at `now_ns`.
#[unsafe(no_mangle)]
pub extern "C" fn limit_check(key_len: usize, now_ns: u64, cost: u32) -> usize {
    let mut guard = STATE.lock();
    let State { input, output, .. } = &mut *guard;
    let mut table = TABLE.lock();
    let table = &mut *table;
    let mut out = Out::new(output);
    let Some(key) = input.get(..key_len) else { return 0 };
    let decision: Decision = match table {
        Table::None => {
            out.bytes(br#"{"code":"not_configured"}"#);
            return out.finish();
        }
        Table::Small(t) => t.check(key, now_ns, cost),
        Table::Medium(t) => t.check(key, now_ns, cost),
        Table::Large(t) => t.check(key, now_ns, cost),
    };
    // u64 nanoseconds as strings: JavaScript numbers lose precision above 2^53.
    let _ = write!(
        out,
        r#"{{"allowed":{},"remaining":{},"retry_after_ns":"{}","reset_after_ns":"{}","limit":{}}}"#,
        decision.allowed, decision.remaining, decision.retry_after_ns, decision.reset_after_ns, decision.limit
    );
    out.finish()
}

/// The table's eviction and full-denial counters.
#[unsafe(no_mangle)]
pub extern "C" fn limit_counters() -> usize {
    let mut guard = STATE.lock();
    let State { output, .. } = &mut *guard;
    let table = TABLE.lock();
    let (evictions, full_denials) = match &*table {
        Table::None => (0, 0),
        Table::Small(t) => (t.evictions(), t.full_denials()),
        Table::Medium(t) => (t.evictions(), t.full_denials()),
        Table::Large(t) => (t.evictions(), t.full_denials()),
    };
    let mut out = Out::new(output);
    let _ = write!(out, r#"{{"evictions":"{evictions}","full_denials":"{full_denials}"}}"#);
    out.finish()
}

fn limits_of(text: &[u8]) -> Option<Limits> {
    let mut limits = Limits::DEFAULT;
    if text.is_empty() {
        return Some(limits);
    }
    let doc = json::parse(text, 2).ok()?;
    if let Some(n) = number(doc.get("max_body_bytes"))? {
        limits = limits.max_body_bytes(n);
    }
    if let Some(n) = number(doc.get("max_depth"))? {
        limits = limits.max_depth(n);
    }
    if let Some(n) = number(doc.get("max_string_bytes"))? {
        limits = limits.max_string_bytes(n);
    }
    if let Some(n) = number(doc.get("max_number_len"))? {
        limits = limits.max_number_len(n);
    }
    if let Some(n) = number(doc.get("max_array_items"))? {
        limits = limits.max_array_items(n);
    }
    if let Some(n) = number(doc.get("max_object_members"))? {
        limits = limits.max_object_members(n);
    }
    Some(limits)
}

/// Schema storage per call (a 4 KiB schema needs at most about this much; larger ones are refused with
/// `storage_full`).
const NODES: usize = 1024;
const PROPERTIES: usize = 1024;
const IDS: usize = 512;
const LITERALS: usize = 512;
const TEXT: usize = 8192;
const PROGRAMS: usize = 8;
const MAX_ERRORS: usize = 16;

fn pointer_entry(out: &mut Out<'_>, e: &validate::Error) {
    out.bytes(br#"{"path":"#);
    out.string(e.path.as_str());
    out.bytes(br#","code":"#);
    out.string(e.code());
    out.bytes(b"}");
}

/// Validates a body: see the crate docs.
#[unsafe(no_mangle)]
pub extern "C" fn validate(schema_len: usize, body_len: usize, limits_len: usize) -> usize {
    let mut guard = STATE.lock();
    let State { input, output, .. } = &mut *guard;
    let mut out = Out::new(output);
    let Some([schema_text, body, limits_text]) = pieces(input, [schema_len, body_len, limits_len]) else {
        return 0;
    };
    let Some(limits) = limits_of(limits_text) else {
        out.bytes(br#"{"compile_error":{"path":"","code":"bad_limits"}}"#);
        return out.finish();
    };
    let mut nodes = [const { Node::Never }; NODES];
    let mut properties = [const { Property::optional("", 0) }; PROPERTIES];
    let mut ids = [0u16; IDS];
    let mut literals = [const { Literal::Null }; LITERALS];
    let mut text = [0u8; TEXT];
    let mut programs = [const { Program::EMPTY }; PROGRAMS];
    let storage = Storage {
        nodes: &mut nodes,
        properties: &mut properties,
        ids: &mut ids,
        literals: &mut literals,
        text: &mut text,
        programs: &mut programs,
    };
    let schema = match compile(schema_text, storage) {
        Ok(schema) => schema,
        Err(e) => {
            out.bytes(br#"{"compile_error":{"path":"#);
            out.string(e.path.as_str());
            out.bytes(br#","code":"#);
            out.string(e.code());
            out.bytes(b"}}");
            return out.finish();
        }
    };
    let first = validate::validate(&schema, body, &limits);
    let mut all = [validate::Error::default(); MAX_ERRORS];
    match (validate::validate_all(&schema, body, &limits, &mut all), first) {
        (Ok(()), Ok(())) => out.bytes(br#"{"valid":true}"#),
        (Err(n), Err(first)) => {
            out.bytes(br#"{"valid":false,"first":"#);
            pointer_entry(&mut out, &first);
            out.bytes(br#","errors":["#);
            for (i, e) in all[..n.min(MAX_ERRORS)].iter().enumerate() {
                if i > 0 {
                    out.bytes(b",");
                }
                pointer_entry(&mut out, e);
            }
            out.bytes(b"]}");
        }
        // `validate` and `validate_all` disagreeing is a core bug: say so instead of picking one.
        _ => out.bytes(br#"{"valid":false,"first":null,"errors":[],"inconsistent":true}"#),
    }
    out.finish()
}
