#![doc = include_str!("../README.md")]
// A build with no product (`default-features = false` and a TLS feature alone) has no client
// to configure: the configuration and runtime are then unused, not wrong.
#![cfg_attr(
    not(any(feature = "s2c", feature = "p2c", feature = "legacy")),
    allow(dead_code, unused_imports, unused_macros)
)]
// Every public item of the hand-written modules is documented; the generated code carries the
// specs' descriptions where progenitor places them (its docs are the issue of the generator).
#![deny(missing_docs)]

pub mod auth;
pub mod budget;
mod call;
pub mod config;
#[cfg(feature = "dynamic")]
pub mod dynamic;
pub mod error;
pub mod idempotency;
#[cfg(feature = "dynamic")]
mod json_lines;
pub mod operation;
pub mod pagination;
mod path;
mod query;
mod response;
pub mod retry;
mod runtime;
pub mod secret;
#[rustfmt::skip]
#[allow(missing_docs)]
mod generated;
pub mod wait;

pub use budget::{RetryBudget, RetryQuota};
pub use config::{ClientBuilder, Cloud, ConfigError, http_client_builder};
pub use error::{Error, ErrorExt, ServiceError};
#[cfg(feature = "legacy")]
pub use generated::ipsec_v2;
#[cfg(feature = "p2c")]
pub use generated::vpn_p2c;
#[cfg(feature = "s2c")]
pub use generated::vpn_v5;
#[cfg(feature = "s2c")]
pub use generated::vpn_v5_1;
pub use huaweicloud_vpn_types::{Bounded, OutOfRange, UnknownValue};
pub use response::ResponseValue;
pub use retry::RetryPolicy;
pub use runtime::Runtime;
pub use secret::SecretString;

/// The success-body decoding every generated `send()` runs, exported for the benchmarks
/// (`crates/vpn-bench`); not part of the API.
#[doc(hidden)]
pub use runtime::decode as __decode_response;
