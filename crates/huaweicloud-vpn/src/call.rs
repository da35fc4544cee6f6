//! What the generated clients are written against: the traits progenitor's generated code
//! implements ([`ClientInfo`]) and calls through ([`ClientHooks`]), and, under the names that
//! code uses, the error, answer, query and path helpers.
//!
//! Why here: progenitor-client, progenitor's own support crate, asks reqwest for its `stream`
//! feature and serde for its derive macros, both a part of every consumer's cold build that
//! no call of this API uses (BENCHMARKS.md, "Ninth pass"). `cargo xtask generate` points the
//! generated modules here instead (pass 15).

use std::future::Future;

pub use crate::path::encode_path;
pub use crate::query::QueryParam;
pub use crate::{Error, ResponseValue};

/// What every generated client exposes about itself.
pub trait ClientInfo<Inner> {
    /// The version of the API description the client was generated from.
    fn api_version() -> &'static str;
    /// The base URL every operation's path is appended to.
    fn baseurl(&self) -> &str;
    /// The HTTP client requests are sent with.
    fn client(&self) -> &reqwest::Client;
    /// The runtime (credentials, retries) the client sends through.
    fn inner(&self) -> &Inner;
}

/// The operation a request belongs to, as the hooks see it.
pub struct OperationInfo {
    /// The operation's `operationId` in its spec (`create_vpn_connection`).
    pub operation_id: &'static str,
}

/// The steps every generated call takes once its request is built: `pre` (credentials, the
/// idempotency tag, the signature), then `exec` (sending, with retries). The crate implements
/// them for every generated client (the `Runtime`).
pub trait ClientHooks<Inner>: ClientInfo<Inner> {
    /// Makes the request ready to send; an error here means nothing was sent.
    fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = Result<(), Error<E>>> + Send;

    /// Sends the request and returns the answer (after any retries).
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send;
}
