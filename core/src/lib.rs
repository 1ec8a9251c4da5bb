#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod json;
pub mod jwt;
pub mod limit;
pub mod manual;
pub mod validate;

mod base64url;
mod crypto;
