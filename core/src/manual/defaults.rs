//! # Defaults and why
//!
//! Every limit the JWT layer applies without being told, and the reason for its value. Each can be
//! changed only by naming it (`Policy::leeway`, `Policy::max_token_bytes`, …).
//!
//! | Setting | Default | Why |
//! |---|---|---|
//! | Allowed algorithms | none | An allow-list must be chosen per deployment (RFC 8725 §3.1); there is no "accept what the header says". |
//! | `max_token_bytes` | 8192 | Real access tokens are 0.5–2 KiB; 8 KiB is the common header-size limit of HTTP servers (nginx, Node). Checked before decoding. |
//! | Scratch buffer | [`scratch_len`](crate::jwt::scratch_len)`(max_token_bytes)` ≈ ¾ of the token | The decoded header, claims and signature are held there; the caller owns it, so the verifier's own stack stays small (firmware). |
//! | Required claims | `exp` | A token without expiry is a permanent credential. `Policy::require` adds claims; only `Policy::allow_missing_exp` (named as the loosening it is) drops `exp`. Issuers/audiences/`max_age` in the policy add `iss`/`aud`/`iat`. |
//! | Leeway | 0 s | Clock skew tolerance is a deliberate choice (30–60 s is typical); zero is the strict starting point. |
//! | Audience | none | A token carrying `aud` is then refused (RFC 7519 §4.1.3), so tokens minted for another API never pass by default. |
//! | JSON nesting | 64 levels | Claims rarely exceed 5; 64 accepts every realistic document (≥ 32 as promised) and bounds the fixed depth stack. |
//! | Duplicate-name fingerprints | 32 open names | Covers typical headers and claims without a rescan; beyond it exact rescans stay bounded by `max_token_bytes`. |
//! | Key id length | 128 bytes | Thumbprints (43 chars) and URL-like ids fit; storage is fixed per key. |
//! | HMAC secret | 32–256 bytes | At least the hash output (RFC 7518 §3.2: HS384 needs 48, HS512 64); longer than 256 is a mistake, not strength. |
//! | RSA modulus | 2048–8192 bits | RFC 7518 §3.3 minimum; 8192 bounds the fixed integer size and the work per verify. |
//! | Public exponent | any odd e in 3..2^64 | Exponent size is not a security parameter for verification; small-e forgeries are stopped by full-block comparison. |
//! | Weak keys inside a JWKS | kept as placeholders | An identity provider's JWKS may still list a legacy 1024-bit key; refusing the whole set would take the good keys down with it. A weak member is never a candidate without a `kid`, and a `kid` selecting it gives `weak_key`. A single weak key given alone is an error at import. Malformed members fail the whole set. |
//! | Unsupported key types in a JWKS | kept, usable for nothing | X25519 or secp256k1 entries (encryption keys, other ecosystems) must not break loading; a `kid` selecting one gives `key_alg_mismatch`. |
//! | Signature backend | RustCrypto (no heap) | Runs everywhere, firmware included. The `ring` feature (hosted only) is faster for RSA and P-256/P-384 and gives the same verdicts on the same vectors, but ring's RSA code allocates (5 allocations per RS256 verify, measured by `tests/no_alloc.rs`). |
//!
//! ## Rate limiting (`limit`)
//!
//! | Setting | Default | Why |
//! |---|---|---|
//! | Full-table policy | [`FullPolicy::Deny`](crate::limit::FullPolicy) | Fail closed: a table too small for the live keys refuses new keys (counted in `full_denials`) rather than resetting someone's debt. `Admit` is the named loosening. |
//! | Burst | the quota's count | `Quota::per_minute(5)` allows 5 at once, then one per 12 s, like most peers' "5 per minute". `with_burst` changes it. |
//! | Presets | login 5/min, password reset 3/h, read 300/min, write 60/min, search 30/min | The endpoint classes the project's guide names: login and reset at the strict end of their ranges (they guard credentials and send e-mail), read and write at the generous end (a page fans out into many calls), search in the middle. |
//! | Buckets and relocation | 2 candidate buckets of 4 slots; up to 64 entries examined to relocate | One cache line per bucket keeps a known key to one or two memory reads; measured to hold tables ≥ 90 % full of live keys without a refusal. |
//! | IPv6 key prefix | /64 | The smallest block an ISP assigns to one customer (RFC 6177); a client cannot rotate addresses inside it to get fresh buckets. |
//! | Trusted proxies | none | Forwarding headers are attacker-controlled unless a proxy you run set them; trusting them is a deployment decision. |
//!
//! ## Request-body validation (`validate`)
//!
//! | Setting | Default | Why |
//! |---|---|---|
//! | `max_body_bytes` | 1 MiB | JSON API requests are kilobytes; checked before any byte is parsed. |
//! | `max_depth` | 32 | Real payloads nest under 10; 32 leaves room for generated schemas while keeping the frame stack small. |
//! | `max_string_bytes` | 64 KiB | Bounds any one string or member name, schema or not (free text needs `maxLength` too). |
//! | `max_number_len` | 64 characters | Every `i64`, `u64` and `f64` fits; a 100 000-digit number is refused before it is interpreted. |
//! | `max_array_items` | 10 000 | Bulk endpoints rarely need more; bounds per-array work. |
//! | `max_object_members` | 1 000 | Bounds duplicate detection and member lookup per object. |
//! | `additionalProperties` | `false` | Mass-assignment defence: a field nobody declared is refused, unlike JSON Schema's default. |
//! | `uniqueItems` | scalars, at most 256 items | Compared in a fixed table; a longer unique array is refused (`not_unique`) rather than checked partially. |
//! | Error path | 192 bytes | Enough for realistic pointers; a longer path is cut at a segment and marked truncated. |
//! | Patterns | 256 NFA states, repetition ≤ 1000 | Keeps a compiled program at 4.6 KiB and matching linear; larger patterns are `bad_pattern` at compile time. |
