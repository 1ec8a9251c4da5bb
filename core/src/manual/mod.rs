//! The apiward manual: documentation-only modules, in the style of rustls's.
//!
//! Nothing here is code. [`threats`] lists each attack class on the JWT layer, the rule that stops
//! it and the test that proves it; [`defaults`] lists every default limit and why it was chosen.

pub mod defaults;
pub mod threats;
