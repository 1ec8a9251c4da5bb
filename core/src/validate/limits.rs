//! The resource bounds every validation enforces while it reads, before any schema rule.
//!
//! Decides how much a request body may cost: its size, its nesting, and the size of each string,
//! number, array and object in it, wherever they appear (unknown fields included). Guarantees that
//! each bound is checked as soon as the reader reaches the part it limits, so a hostile body is refused
//! after reading at most a bounded prefix of it. Never depends on the schema: these are the safety net
//! under it.

use crate::json::MAX_DEPTH;

/// Size and shape bounds for one request body. Every field has a safe API default
/// ([`Limits::DEFAULT`]); the reasons are in [`manual::defaults`](crate::manual::defaults).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    pub(crate) max_body_bytes: usize,
    pub(crate) max_depth: usize,
    pub(crate) max_string_bytes: usize,
    pub(crate) max_number_len: usize,
    pub(crate) max_array_items: u32,
    pub(crate) max_object_members: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

impl Limits {
    /// 1 MiB bodies, depth 32, strings of 64 KiB, numbers of 64 characters, 10 000 array items,
    /// 1 000 object members.
    pub const DEFAULT: Limits = Limits {
        max_body_bytes: 1 << 20,
        max_depth: 32,
        max_string_bytes: 64 * 1024,
        max_number_len: 64,
        max_array_items: 10_000,
        max_object_members: 1_000,
    };

    /// The largest body accepted, in bytes (checked before anything is read).
    pub const fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The deepest nesting of arrays and objects (the top-level container is depth 1). Capped at
    /// [`MAX_DEPTH`](crate::json::MAX_DEPTH).
    pub const fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = if depth < MAX_DEPTH { depth } else { MAX_DEPTH };
        self
    }

    /// The longest string (member names included), in bytes of its text as sent (escapes count as
    /// written).
    pub const fn max_string_bytes(mut self, bytes: usize) -> Self {
        self.max_string_bytes = bytes;
        self
    }

    /// The longest number, in characters of its text.
    pub const fn max_number_len(mut self, chars: usize) -> Self {
        self.max_number_len = chars;
        self
    }

    /// The most items in one array.
    pub const fn max_array_items(mut self, items: u32) -> Self {
        self.max_array_items = items;
        self
    }

    /// The most members in one object.
    pub const fn max_object_members(mut self, members: u32) -> Self {
        self.max_object_members = members;
        self
    }

    /// The body size bound.
    pub const fn body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// The nesting bound.
    pub const fn depth(&self) -> usize {
        self.max_depth
    }
}
