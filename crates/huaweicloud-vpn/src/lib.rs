#![doc = include_str!("../../../README.md")]

pub mod auth;
pub mod config;
pub mod error;
pub mod pagination;
pub mod retry;
mod runtime;
pub mod secret;
#[rustfmt::skip]
mod generated;
mod support;
pub mod wait;

pub use config::{ClientBuilder, Cloud, ConfigError};
pub use error::{ErrorExt, ServiceError};
pub use generated::{ipsec_v2, vpn_v5};
pub use progenitor_client::ResponseValue;
pub use retry::RetryPolicy;
pub use runtime::Runtime;
pub use secret::SecretString;
pub use support::{Bounded, OutOfRange, UnknownValue};

/// The success-body decoding every generated `send()` runs, exported for the benchmarks
/// (`crates/vpn-bench`); not part of the API.
#[doc(hidden)]
pub use runtime::decode as __decode_response;

/// The error of every generated operation: a failed request, a transport failure, or the
/// server's error answer with its [`ServiceError`] body. [`ErrorExt`] adds the common questions
/// (status, service error, request id, may it be retried).
pub type Error<E = ServiceError> = progenitor_client::Error<E>;
