#![doc = include_str!("../../../README.md")]

pub mod auth;
pub mod config;
pub mod error;
pub mod secret;
#[rustfmt::skip]
mod generated;
mod support;

pub use config::ConfigError;
pub use error::ServiceError;
pub use generated::{ipsec_v2, vpn_v5};
pub use progenitor_client::{Error, ResponseValue};
pub use secret::SecretString;
pub use support::{Bounded, OutOfRange, UnknownValue};
