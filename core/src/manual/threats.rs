//! # Threat model of the JWT layer, the rate limiter and the body validator
//!
//! Each attack class below names the rule that stops it and where the proof lives. "Vectors" are
//! the cross-language cases in `tests/vectors/jwt/` (run by `core/tests/jwt_vectors.rs` here and by
//! the Python and Node suites); each vector file groups one concern.
//!
//! ## Signature bypass
//!
//! | Attack | apiward's rule | Proof |
//! |---|---|---|
//! | `alg: none` (any spelling) | `none` is not an [`Algorithm`](crate::jwt::Algorithm): it cannot be parsed or put in an allow-list, so it is always `alg_not_allowed`. | vectors `algorithms.json`; `jwt_rules.rs` |
//! | Algorithm confusion (RS256 public key used as an HS256 secret) | Keys are typed; an RSA/EC/OKP key never fits an HMAC algorithm, and the allow-list is checked case-sensitively before any key is chosen (`key_alg_mismatch`). | vectors `algorithms.json` (`alg_confusion_*`) |
//! | Cross-algorithm key reuse (RS key for PS, P-256 key for ES384) | Family and curve binding in `crypto::PublicKey::fits`; a JWK's `alg`, `use` and `key_ops` further restrict it. | vectors `algorithms.json`, `key_selection.json` |
//! | Embedded keys (`jwk`, `jku`, `x5u`, `x5c`) | Never read, never fetched; keys come only from the caller. | vectors `key_selection.json` |
//! | `kid` games (unknown kid falling back to another key, duplicate kids) | An unknown kid is `unknown_kid` (no fallback); two keys with one kid, or several candidates without a kid, are `ambiguous_key`. | vectors `key_selection.json` |
//! | ECDSA malleability / invalid encodings (DER, r or s = 0 or ≥ n, wrong length) | Raw R‖S of exactly twice the field size; scalars range-checked; high-S accepted as RFC 7518 allows. | vectors `signatures.json`; Wycheproof `jwt_wycheproof.rs` |
//! | RSA PKCS#1 v1.5 forgeries (Bleichenbacher '06, short padding, garbage after the hash) | The expected block is re-encoded and compared whole, never parsed; signature length must equal the modulus length. | Wycheproof; `crypto/rsa.rs` tests |
//! | RSA-PSS parameter games | Salt length fixed to the hash length, MGF1 with the same hash, trailer and top bits checked. | Wycheproof |
//! | Ed25519 malleability and small-order keys | `verify_strict` (canonical S, no small-order R or A); small-order public keys are `weak_key` at import. | vectors `signatures.json`, Wycheproof |
//! | HMAC timing | Tags are compared in constant time (`hmac::Mac::verify_slice`). | code review: `crypto::verify_hmac` |
//! | Weak keys | HMAC secrets ≥ hash size (32/48/64 bytes), RSA moduli 2048–8192 bits, no small-order Ed25519 points; a weak JWKS member can never verify a token (`weak_key`). | vectors `key_strength.json`; `jwt_rsa.rs` |
//! | RSA arithmetic errors | Own Montgomery arithmetic on `crypto-bigint` limbs, one width per modulus (its own limb count), round-tripped at 2048–8192 bits including odd sizes. | `jwt_rsa.rs`; Wycheproof |
//!
//! ## Parser differentials and resource exhaustion
//!
//! | Attack | apiward's rule | Proof |
//! |---|---|---|
//! | Oversized tokens | `max_token_bytes` (default 8 KiB) is checked before any byte is decoded (`token_too_large`). | vectors `structure.json` |
//! | Non-canonical base64url (padding, `+`/`/`, whitespace, non-zero trailing bits) | Only the one canonical unpadded encoding is accepted (`malformed`), so one token has one signature input. | vectors `base64.json` |
//! | Duplicate claims (`{"sub":"a","sub":"admin"}`, also via `\u0073ub`) | Every object is checked for duplicate names after unescaping (`duplicate_member`): peers that keep the first and peers that keep the last cannot disagree about what was signed. | vectors `json.json`; `json/tests.rs` |
//! | Lax JSON (BOM, comments, trailing commas, NaN, lone surrogates, invalid UTF-8) | Strict RFC 8259 reader shared by the whole core (`malformed`). | vectors `json.json`; `json/tests.rs`; fuzz target `json_parse` (differential vs serde_json) |
//! | Deep nesting (stack exhaustion) | Nesting is tracked in a fixed bit stack, never by recursion; depth > 64 is `malformed`. | vectors `json.json`; `json/tests.rs` |
//! | Quadratic duplicate detection | Fingerprints of up to 32 open names in a fixed table; beyond it an exact rescan bounded by the token size limit. | `json/tests.rs` |
//! | Crashes on hostile input | No `unwrap`, indexing or arithmetic that can panic on input; fuzzed. | `fuzz/` targets `verify_token`, `jwks_parse`, `json_parse` |
//!
//! ## Semantic confusion
//!
//! | Attack | apiward's rule | Proof |
//! |---|---|---|
//! | Unknown critical extensions (`crit`, `b64: false`) | Any `crit` is `unsupported_crit`; `b64` without `crit` is `malformed`. | vectors `header.json` |
//! | Nested tokens (`cty: JWT`) | Refused (`nested_jwt`): a nested token's inner claims would be verified under the wrong policy. | vectors `header.json` |
//! | Token type confusion (an ID token used as an access token) | A policy may pin `typ` (e.g. `at+jwt`, RFC 9068). | vectors `header.json` |
//! | Replay after expiry, tokens from the future | `exp` required by default; `nbf` and `iat` checked; leeway explicit; optional `max_age`. NumericDates read exactly from their decimal text (fractions honoured, no float rounding), numbers outside the double range refused. | vectors `claims.json`; `numeric_date.rs` tests |
//! | Issuer / audience substitution | Exact, case-sensitive equality; `aud` as string or array; a token with `aud` is refused when the policy names no audience (RFC 7519 §4.1.3). | vectors `claims.json` |
//! | Type confusion in registered claims (`"exp":"never"`, numeric `sub`) | `invalid_claim`. | vectors `claims.json` |
//!
//! ## Rate limiting (`limit`)
//!
//! | Attack | apiward's rule | Proof |
//! |---|---|---|
//! | Bursts above the quota | GCRA in integer nanoseconds: a key is admitted iff its debt plus the request's cost fits `T × burst`; weighted costs; a cost above the burst never passes. | `limit_model.rs` (proptest vs an unbounded `u128` model); vectors `tests/vectors/limit/` |
//! | Memory exhaustion by key churn (a flood of distinct IPs or user ids) | Fixed table `Limiter<N>` (16 bytes per slot, capacity in the type); nothing grows with the number of keys. | `limit_model.rs` churn tests (1M keys through 1024 slots); `no_alloc.rs` |
//! | Evicting a throttled client to reset it | Expired entries are reused silently; live entries are relocated to their other bucket rather than dropped; only when that fails does [`FullPolicy`](crate::limit::FullPolicy) decide: `Deny` (default) refuses the new key and evicts nothing, `Admit` evicts the *least*-limited candidate and counts it. | `table.rs` tests; `limit_model.rs` (`churn_*`, `bounded_with_many_keys`); fuzz `limit_ops` |
//! | Hash flooding (keys chosen to collide into one bucket) | Fingerprints and bucket choice come from SipHash-1-3 keyed by a secret seed the caller draws from the OS RNG; the seed is never printed (`Debug` hides it). | `table.rs` tests |
//! | Clock games (a clock that jumps back) | Time inside a table never runs backwards: an earlier `now` is treated as the latest seen, so no capacity is granted and no expired debt returns; extreme times and costs saturate or deny, never overflow. | `limit_model.rs` (`backwards_clock_never_grants_extra`, `extreme_times_and_costs`); fuzz `limit_ops` |
//! | Per-IP and per-user limits charged separately (a denied request still costs the other limit) | [`check_all`](crate::limit::check_all) evaluates every limiter, and commits to all or none. | `limit/mod.rs` tests; fuzz `limit_ops` |
//! | `X-Forwarded-For` / `Forwarded` spoofing | Headers are read only when the peer is a trusted proxy (hop count or CIDRs), right to left, stopping at the first untrusted hop; a malformed entry stops the walk at the nearest well-formed address to its right. | `limit_client_ip.rs`; fuzz `client_ip` |
//! | IPv6 address rotation inside one's own prefix | IPv6 clients are keyed by their /64 (configurable); `::ffff:a.b.c.d` is keyed as the IPv4 address. | `limit_client_ip.rs` |
//!
//! ## Request-body validation (`validate`)
//!
//! | Attack | apiward's rule | Proof |
//! |---|---|---|
//! | Mass assignment (`"is_admin": true`, `__proto__`, `constructor`) | Undeclared members are `unknown_field` unless a schema names the loosening (`additionalProperties: true` or a schema); compiled JSON Schemas default to `false`. | vectors `tests/vectors/validate/cases.json`; `validate_suite.rs` |
//! | Oversized bodies, strings, numbers, arrays, objects | [`Limits`](crate::validate::Limits) checked first (body size) or at the event they bound — a 100 000-digit number stops at `max_number_len`, before any digit is interpreted. | vectors group `limits`, W7 cases |
//! | Deep nesting (stack exhaustion), also inside unknown fields | An explicit frame stack; the reader refuses depth > `max_depth` (default 32) wherever it occurs. | vectors (`deep nesting inside an unknown field`); fuzz `validate_body` |
//! | Duplicate members (`{"role":"user","role":"admin"}`) | Rejected in every object after unescaping (`duplicate_key`), so apiward and the application cannot read different values. | vectors; `json_suite.rs` |
//! | ReDoS through `pattern` | Patterns compile to an NFA simulated without backtracking; time is linear in the string; backreferences and lookaround are refused at compile time. | `validate/pattern.rs` tests (`(a+)+$` on 20 000 characters) |
//! | Float rounding in bounds (`9007199254740993` vs a double) | Numbers compared exactly as decimal text against exact schema numbers; no floats. | `validate/number.rs` tests; vectors group `numbers` |
//! | Values echoed into error responses (XSS, data leaks) | Errors carry a JSON Pointer, a stable code and the schema limit — never the value. | `validate_suite.rs` |
//! | SSRF through user-supplied URLs | `format: https-url`: https only, no userinfo, no private/loopback/link-local/metadata literals or numeric-host tricks (`2130706433`, `0x7f.1`). DNS names that *resolve* privately need the caller's connect-time check. | `validate/format.rs` tests |
//! | Schemas that silently enforce less than they say | Unknown keywords, unsupported forms (`oneOf`, tuple `items`, draft-4 `exclusiveMaximum`, type-less constraints) are compile errors, never ignored. | vectors `compile_errors` |
//! | A fast path that disagrees with the validator (two readers of one body) | The schema-directed fast path (`validate/fast.rs`) decides only bodies it can follow and uses the engine's own scanners and rule checks; on a syntax error, a broken limit, a repeated name or any unusual shape it gives up and the streaming engine decides alone. Its outcome — verdict and every error's code, path and limit — must equal the engine's. | `validate_suite.rs` (`fast_path_agrees_with_the_engine`: every shared body and suite datum plus ~120 000 mutations, all-errors buffers of four sizes); fuzz `validate_body` asserts equality on every input |
//!
//! ## Out of scope
//!
//! JWE (encrypted tokens) and the JWS JSON serializations are refused as `malformed`; key
//! discovery and fetching (JWKS URLs) is the caller's job — the bindings own I/O, the core never
//! does it; revocation lists are application state.
