//! Turning the global flags and the environment into configured clients, and picking the
//! client of an operation's module for `huaweicloud_vpn::dynamic` calls.

use std::time::Duration;

use huaweicloud_vpn::operation::Operation;
use huaweicloud_vpn::{
    ClientBuilder, Cloud, Error, RetryPolicy, dynamic, ipsec_v2, vpn_p2c, vpn_v5, vpn_v5_1,
};
use serde_json::Value;

use crate::cli::{CloudArg, GlobalOpts, OutputFormat};
use crate::error::CliError;

/// An IAM token to send instead of signing with AK/SK.
pub const ENV_AUTH_TOKEN: &str = "HCVPN_AUTH_TOKEN";

/// What every command needs: the output format and a way to get clients.
#[derive(Debug)]
pub struct Context {
    pub global: GlobalOpts,
}

impl Context {
    pub fn new(global: GlobalOpts) -> Self {
        Context { global }
    }

    pub fn output(&self) -> OutputFormat {
        self.global.output
    }

    /// The client builder: the SDK environment variables, then the flags.
    fn builder(&self) -> Result<ClientBuilder, CliError> {
        let g = &self.global;
        // Creates are idempotent by default: see `huaweicloud_vpn::idempotency`.
        let mut builder = ClientBuilder::from_env()?.idempotent_creates(!g.no_idempotency_tag);
        if g.no_auth {
            builder = builder.without_credentials();
        } else if let Some(token) = std::env::var_os(ENV_AUTH_TOKEN).filter(|t| !t.is_empty()) {
            if std::env::var_os(huaweicloud_vpn::config::ENV_AK).is_some_and(|v| !v.is_empty()) {
                return Err(CliError::usage(format!(
                    "both {ENV_AUTH_TOKEN} and {} are set; unset one",
                    huaweicloud_vpn::config::ENV_AK
                )));
            }
            let token = token
                .into_string()
                .map_err(|_| CliError::usage(format!("{ENV_AUTH_TOKEN} is not valid UTF-8")))?;
            builder = builder.token(token.trim());
        }
        if let Some(region) = &g.region {
            let cloud = match g.cloud {
                CloudArg::Huawei => Cloud::HuaweiCloud,
                CloudArg::Otc => Cloud::OpenTelekomCloud,
            };
            builder = builder.region(cloud, region.trim());
        }
        if let Some(endpoint) = &g.endpoint {
            builder = builder.endpoint(endpoint.trim());
        }
        if let Some(endpoint) = &g.ipsec_endpoint {
            builder = builder.ipsec_endpoint(endpoint.trim());
        }
        if let Some(project_id) = &g.project_id {
            builder = builder.project_id(project_id.trim());
        }
        if let Some(attempts) = g.max_attempts {
            builder = builder.retry(RetryPolicy {
                max_attempts: attempts,
                ..RetryPolicy::default()
            });
        }
        if let Some(secs) = g.timeout {
            let overall = Duration::from_secs(secs);
            builder = builder
                .overall_timeout(Some(overall))
                .attempt_timeout(overall.min(Duration::from_secs(30)));
        }
        Ok(builder)
    }

    /// The client that serves `op` (its generated module).
    pub fn client_for(&self, op: &Operation) -> Result<AnyClient, CliError> {
        match op.module {
            "vpn_v5" => Ok(AnyClient::Vpn(self.builder()?.vpn_v5()?)),
            "vpn_v5_1" => Ok(AnyClient::Vpn51(self.builder()?.vpn_v5_1()?)),
            "vpn_p2c" => Ok(AnyClient::P2c(self.builder()?.vpn_p2c()?)),
            "ipsec_v2" => Ok(AnyClient::Ipsec(self.builder()?.ipsec_v2()?)),
            other => Err(CliError::usage(format!(
                "{} belongs to the API module {other}, which this tool cannot call yet",
                op.id
            ))),
        }
    }
}

/// A configured client of one of the generated modules.
#[derive(Debug)]
pub enum AnyClient {
    Vpn(vpn_v5::Client),
    Vpn51(vpn_v5_1::Client),
    P2c(vpn_p2c::Client),
    Ipsec(ipsec_v2::Client),
}

impl AnyClient {
    /// [`dynamic::call`] on this client; the success body (`null` when there is none).
    pub async fn call(
        &self,
        op: &Operation,
        path: &[(&str, &str)],
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, Error> {
        let answer = match self {
            AnyClient::Vpn(c) => dynamic::call(c, op, path, query, body).await?,
            AnyClient::Vpn51(c) => dynamic::call(c, op, path, query, body).await?,
            AnyClient::P2c(c) => dynamic::call(c, op, path, query, body).await?,
            AnyClient::Ipsec(c) => dynamic::call(c, op, path, query, body).await?,
        };
        Ok(answer.into_inner())
    }

    /// [`dynamic::all_items`] on this client.
    pub async fn all_items(
        &self,
        op: &Operation,
        path: &[(&str, &str)],
        query: &[(&str, &str)],
    ) -> Result<Vec<Value>, Error> {
        match self {
            AnyClient::Vpn(c) => dynamic::all_items(c, op, path, query).await,
            AnyClient::Vpn51(c) => dynamic::all_items(c, op, path, query).await,
            AnyClient::P2c(c) => dynamic::all_items(c, op, path, query).await,
            AnyClient::Ipsec(c) => dynamic::all_items(c, op, path, query).await,
        }
    }
}
