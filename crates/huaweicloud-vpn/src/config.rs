//! Building clients: endpoint and project id are checked once, before any request is sent.

use std::fmt;

use crate::{ipsec_v2, vpn_v5};

/// A client could not be built from the configuration given.
///
/// The message names the setting and the rule it breaks, never a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The endpoint is not an absolute `http`/`https` URL without query or fragment.
    InvalidEndpoint {
        endpoint: String,
        reason: &'static str,
    },
    /// The project id is not 32 hexadecimal characters.
    InvalidProjectId { reason: String },
    /// The HTTP client could not be built (for example, no TLS backend).
    HttpClient { reason: String },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidEndpoint { endpoint, reason } => {
                write!(f, "endpoint `{endpoint}`: {reason}")
            }
            ConfigError::InvalidProjectId { reason } => write!(f, "project id: {reason}"),
            ConfigError::HttpClient { reason } => write!(f, "HTTP client: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Checks an endpoint such as `https://vpn.eu-de.otc.t-systems.com` and returns it without a
/// trailing `/`.
pub(crate) fn check_endpoint(endpoint: &str) -> Result<String, ConfigError> {
    let invalid = |reason| ConfigError::InvalidEndpoint {
        endpoint: endpoint.to_string(),
        reason,
    };
    let url = reqwest::Url::parse(endpoint).map_err(|_| invalid("not an absolute URL"))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(invalid(
            "the scheme must be https (or http for a local test server)",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not carry credentials"));
    }
    Ok(endpoint.trim_end_matches('/').to_string())
}

/// Checks a project id: 32 hexadecimal characters, as the API's path parameter requires.
pub(crate) fn check_project_id(project_id: &str) -> Result<(), ConfigError> {
    if project_id.len() != 32 {
        return Err(ConfigError::InvalidProjectId {
            reason: format!(
                "must be 32 hexadecimal characters, got {} characters",
                project_id.chars().count()
            ),
        });
    }
    if let Some(bad) = project_id.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(ConfigError::InvalidProjectId {
            reason: format!("must be 32 hexadecimal characters, found {bad:?}"),
        });
    }
    Ok(())
}

impl vpn_v5::Client {
    /// A client for one project of the VPN v5 API.
    ///
    /// `endpoint` is the service endpoint, for example `https://vpn.cn-north-4.myhuaweicloud.com`
    /// or `https://vpn.eu-de.otc.t-systems.com`; the project id becomes part of the base URL,
    /// so no operation asks for it again.
    ///
    /// ```
    /// let client = huaweicloud_vpn::vpn_v5::Client::for_project(
    ///     "https://vpn.eu-de.otc.t-systems.com",
    ///     "0123456789abcdef0123456789abcdef",
    /// )?;
    /// assert_eq!(
    ///     client.baseurl(),
    ///     "https://vpn.eu-de.otc.t-systems.com/v5/0123456789abcdef0123456789abcdef"
    /// );
    /// # Ok::<(), huaweicloud_vpn::ConfigError>(())
    /// ```
    pub fn for_project(endpoint: &str, project_id: &str) -> Result<Self, ConfigError> {
        Self::for_project_with_client(endpoint, project_id, default_http_client()?)
    }

    /// Like [`for_project`](Self::for_project), with a `reqwest::Client` of your own (proxies,
    /// timeouts, TLS settings).
    pub fn for_project_with_client(
        endpoint: &str,
        project_id: &str,
        http: reqwest::Client,
    ) -> Result<Self, ConfigError> {
        let endpoint = check_endpoint(endpoint)?;
        check_project_id(project_id)?;
        let base = vpn_v5::BASE_PATH.replace("{project_id}", project_id);
        Ok(Self::new_with_client(&format!("{endpoint}{base}"), http))
    }

    /// The base URL every operation's path is appended to.
    pub fn baseurl(&self) -> &str {
        progenitor_client::ClientInfo::baseurl(self)
    }
}

impl ipsec_v2::Client {
    /// A client for the legacy IPsec API on the VPC/network endpoint, for example
    /// `https://vpc.eu-de.otc.t-systems.com`. The project comes from the token.
    pub fn for_endpoint(endpoint: &str) -> Result<Self, ConfigError> {
        Self::for_endpoint_with_client(endpoint, default_http_client()?)
    }

    /// Like [`for_endpoint`](Self::for_endpoint), with a `reqwest::Client` of your own.
    pub fn for_endpoint_with_client(
        endpoint: &str,
        http: reqwest::Client,
    ) -> Result<Self, ConfigError> {
        Ok(Self::new_with_client(&check_endpoint(endpoint)?, http))
    }
}

fn default_http_client() -> Result<reqwest::Client, ConfigError> {
    let timeout = std::time::Duration::from_secs(30);
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(timeout)
        .build()
        .map_err(|e| ConfigError::HttpClient {
            reason: e.to_string(),
        })
}
