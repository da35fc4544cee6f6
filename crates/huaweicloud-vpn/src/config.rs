//! Building clients: region or endpoint, project id, credentials, timeouts and retries, all
//! checked once, before any request is sent.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::SecretString;
use crate::auth::{AkSk, PasswordAuth, ProjectScope, TokenProvider};
use crate::budget::RetryBudget;
#[cfg(feature = "legacy")]
use crate::ipsec_v2;
use crate::retry::{RetryPolicy, Sleeper, TokioSleeper};
use crate::runtime::{Auth, Runtime, Settings};
#[cfg(feature = "p2c")]
use crate::vpn_p2c;
#[cfg(feature = "s2c")]
use crate::vpn_v5;
#[cfg(feature = "s2c")]
use crate::vpn_v5_1;

/// The environment variables the official SDKs read, and [`ClientBuilder::from_env`] too.
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// The secret key.
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// The project id.
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// The security token of temporary credentials.
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";

/// A client could not be built from the configuration given.
///
/// The message names the setting and the rule it breaks, never a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// A required setting was not given.
    Missing {
        /// The setting (`the project id`).
        what: &'static str,
        /// How to give it (the builder call or the environment variable).
        how: &'static str,
    },
    /// The endpoint is not an absolute `http`/`https` URL without query or fragment.
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// The project id is not 32 hexadecimal characters.
    InvalidProjectId {
        /// The rule it breaks.
        reason: String,
    },
    /// The region is not a region id such as `eu-de` or `cn-north-4`.
    InvalidRegion {
        /// The region as given.
        region: String,
    },
    /// An environment variable is set inconsistently or is not valid text.
    Environment {
        /// The variable's name (`HUAWEICLOUD_SDK_AK`).
        variable: &'static str,
        /// What is wrong with it (never its value).
        reason: String,
    },
    /// The HTTP client could not be built (for example, no TLS backend).
    HttpClient {
        /// reqwest's reason.
        reason: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Missing { what, how } => write!(f, "{what} is missing: {how}"),
            ConfigError::InvalidEndpoint { endpoint, reason } => {
                write!(f, "endpoint `{endpoint}`: {reason}")
            }
            ConfigError::InvalidProjectId { reason } => write!(f, "project id: {reason}"),
            ConfigError::InvalidRegion { region } => {
                write!(
                    f,
                    "region `{region}`: expected a region id of lower-case letters, digits and `-`, such as `eu-de`"
                )
            }
            ConfigError::Environment { variable, reason } => {
                write!(f, "environment variable {variable}: {reason}")
            }
            ConfigError::HttpClient { reason } => write!(f, "HTTP client: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Which cloud a region belongs to; it decides the endpoints' domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cloud {
    /// Huawei Cloud: `vpn.{region}.myhuaweicloud.com`.
    HuaweiCloud,
    /// Open Telekom Cloud: `vpn.{region}.otc.t-systems.com`.
    OpenTelekomCloud,
}

impl Cloud {
    /// The endpoint of `service` (`vpn`, `vpc`, `iam`) in `region`.
    pub fn endpoint(self, service: &str, region: &str) -> String {
        match self {
            Cloud::HuaweiCloud => format!("https://{service}.{region}.myhuaweicloud.com"),
            Cloud::OpenTelekomCloud => format!("https://{service}.{region}.otc.t-systems.com"),
        }
    }
}

#[derive(Clone)]
enum CredentialsSpec {
    AkSk {
        ak: SecretString,
        sk: SecretString,
        security_token: Option<SecretString>,
    },
    Password {
        user: String,
        password: SecretString,
        domain: String,
    },
    Token(SecretString),
    None,
}

impl fmt::Debug for CredentialsSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialsSpec::AkSk {
                security_token: Some(_),
                ..
            } => "AkSk(<redacted>, temporary)",
            CredentialsSpec::AkSk { .. } => "AkSk(<redacted>)",
            CredentialsSpec::Password { .. } => "Password(<redacted>)",
            CredentialsSpec::Token(_) => "Token(<redacted>)",
            CredentialsSpec::None => "None",
        })
    }
}

/// Configures and builds clients. Every check runs in the method that builds one
/// ([`vpn_v5`](Self::vpn_v5), and `ipsec_v2` with the feature `legacy`), before any request is
/// sent.
///
/// ```no_run
/// use huaweicloud_vpn::{ClientBuilder, Cloud};
/// // AK, SK and project id from HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and
/// // HUAWEICLOUD_SDK_PROJECT_ID (and HUAWEICLOUD_SDK_SECURITY_TOKEN if set).
/// let vpn = ClientBuilder::from_env()?
///     .region(Cloud::OpenTelekomCloud, "eu-de")
///     .vpn_v5()?;
/// # Ok::<(), huaweicloud_vpn::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    region: Option<(Cloud, String)>,
    endpoint: Option<String>,
    ipsec_endpoint: Option<String>,
    iam_endpoint: Option<String>,
    project_id: Option<String>,
    credentials: Option<CredentialsSpec>,
    retry: RetryPolicy,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    overall_timeout: Option<Duration>,
    sleeper: Option<Arc<dyn Sleeper>>,
    http: Option<reqwest::Client>,
    budget: Option<Arc<RetryBudget>>,
    idempotent_creates: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("ipsec_endpoint", &self.ipsec_endpoint)
            .field("iam_endpoint", &self.iam_endpoint)
            .field("project_id", &self.project_id)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("overall_timeout", &self.overall_timeout)
            .field("budget", &self.budget)
            .field("idempotent_creates", &self.idempotent_creates)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl ClientBuilder {
    /// An empty configuration: default retries ([`RetryPolicy::default`]) drawing on a fresh
    /// standard retry budget ([`RetryBudget::default`]), a 10 s connect timeout, 30 s per
    /// attempt and 2 minutes per call; creates without idempotency tags.
    pub fn new() -> Self {
        ClientBuilder {
            region: None,
            endpoint: None,
            ipsec_endpoint: None,
            iam_endpoint: None,
            project_id: None,
            credentials: None,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(30),
            overall_timeout: Some(Duration::from_secs(120)),
            sleeper: None,
            http: None,
            budget: Some(Arc::new(RetryBudget::default())),
            idempotent_creates: false,
        }
    }

    /// AK/SK, security token and project id from the official SDKs' environment variables
    /// ([`ENV_AK`], [`ENV_SK`], [`ENV_SECURITY_TOKEN`], [`ENV_PROJECT_ID`]). Variables that are
    /// not set leave the setting open; an AK without an SK (or the reverse) is an error.
    pub fn from_env() -> Result<Self, ConfigError> {
        ClientBuilder::new().with_env(|name| std::env::var_os(name))
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn with_env(
        mut self,
        lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, ConfigError> {
        let read = |variable: &'static str| -> Result<Option<String>, ConfigError> {
            match lookup(variable) {
                None => Ok(None),
                Some(value) => match value.into_string() {
                    Ok(text) if text.trim().is_empty() => Ok(None),
                    Ok(text) => Ok(Some(text.trim().to_string())),
                    Err(_) => Err(ConfigError::Environment {
                        variable,
                        reason: "is not valid UTF-8".into(),
                    }),
                },
            }
        };
        let ak = read(ENV_AK)?;
        let sk = read(ENV_SK)?;
        let token = read(ENV_SECURITY_TOKEN)?;
        match (ak, sk) {
            (Some(ak), Some(sk)) => {
                self.credentials = Some(CredentialsSpec::AkSk {
                    ak: ak.into(),
                    sk: sk.into(),
                    security_token: token.map(SecretString::from),
                });
            }
            (Some(_), None) => {
                return Err(ConfigError::Environment {
                    variable: ENV_SK,
                    reason: format!("is not set, but {ENV_AK} is"),
                });
            }
            (None, Some(_)) => {
                return Err(ConfigError::Environment {
                    variable: ENV_AK,
                    reason: format!("is not set, but {ENV_SK} is"),
                });
            }
            (None, None) if token.is_some() => {
                return Err(ConfigError::Environment {
                    variable: ENV_SECURITY_TOKEN,
                    reason: format!(
                        "is set, but {ENV_AK} and {ENV_SK} are not (a security token goes with temporary AK/SK)"
                    ),
                });
            }
            (None, None) => {}
        }
        if let Some(project_id) = read(ENV_PROJECT_ID)? {
            self.project_id = Some(project_id);
        }
        Ok(self)
    }

    /// The cloud and region, e.g. `(Cloud::OpenTelekomCloud, "eu-de")`: the VPN, VPC and IAM
    /// endpoints follow from them.
    pub fn region(mut self, cloud: Cloud, region: impl Into<String>) -> Self {
        self.region = Some((cloud, region.into()));
        self
    }

    /// An explicit VPN endpoint (another cloud, a proxy, a local test server); it is also used
    /// for the legacy IPsec API unless [`ipsec_endpoint`](Self::ipsec_endpoint) is set.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The endpoint of the legacy IPsec API (the VPC/network endpoint).
    pub fn ipsec_endpoint(mut self, url: impl Into<String>) -> Self {
        self.ipsec_endpoint = Some(url.into());
        self
    }

    /// The IAM endpoint for password authentication (default: `iam.{region}` of the cloud).
    pub fn iam_endpoint(mut self, url: impl Into<String>) -> Self {
        self.iam_endpoint = Some(url.into());
        self
    }

    /// The project (32 hexadecimal characters), given once for every call.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Permanent AK/SK credentials: requests are signed with `SDK-HMAC-SHA256`.
    pub fn aksk(mut self, ak: impl Into<String>, sk: impl Into<String>) -> Self {
        self.credentials = Some(CredentialsSpec::AkSk {
            ak: SecretString::new(ak),
            sk: SecretString::new(sk),
            security_token: None,
        });
        self
    }

    /// Temporary AK/SK credentials: signed, and sent with `X-Security-Token`.
    pub fn temporary_aksk(
        mut self,
        ak: impl Into<String>,
        sk: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        self.credentials = Some(CredentialsSpec::AkSk {
            ak: SecretString::new(ak),
            sk: SecretString::new(sk),
            security_token: Some(SecretString::new(token)),
        });
        self
    }

    /// IAM password authentication: a project-scoped token is fetched, cached until shortly
    /// before it expires, refreshed once however many calls need it at the same moment, and
    /// refreshed once more when the API rejects it.
    pub fn password(
        mut self,
        user: impl Into<String>,
        password: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        self.credentials = Some(CredentialsSpec::Password {
            user: user.into(),
            password: SecretString::new(password),
            domain: domain.into(),
        });
        self
    }

    /// An IAM token obtained elsewhere, sent as `X-Auth-Token` as it is.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(CredentialsSpec::Token(SecretString::new(token)));
        self
    }

    /// No credentials at all (a local server, or a proxy that authenticates).
    pub fn without_credentials(mut self) -> Self {
        self.credentials = Some(CredentialsSpec::None);
        self
    }

    /// How failed calls are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The retry budget every client built from this builder (and its clones) draws from; see
    /// [`crate::budget`]. `None` lifts the limit (each call retries up to its policy's
    /// attempts). Give several builders one `Arc` to share one budget between them.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use huaweicloud_vpn::{ClientBuilder, RetryBudget, RetryQuota};
    /// let budget = Arc::new(RetryBudget::new(RetryQuota { capacity: 100, ..RetryQuota::default() }));
    /// let builder = ClientBuilder::new().retry_budget(Some(budget.clone()));
    /// assert!(Arc::ptr_eq(builder.budget().unwrap(), &budget));
    /// ```
    pub fn retry_budget(mut self, budget: Option<Arc<RetryBudget>>) -> Self {
        self.budget = budget;
        self
    }

    /// The retry budget the clients of this builder share, if any.
    pub fn budget(&self) -> Option<&Arc<RetryBudget>> {
        self.budget.as_ref()
    }

    /// Whether creates of resources that take tags (VPN gateways, customer gateways, VPN
    /// connections) carry an idempotency tag, so that after an ambiguous failure the client
    /// finds the resource instead of failing or creating a second one; see
    /// [`crate::idempotency`]. Off by default; a create whose body already has the tag is
    /// recovered either way.
    pub fn idempotent_creates(mut self, on: bool) -> Self {
        self.idempotent_creates = on;
        self
    }

    /// How long establishing a connection may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// How long a whole call may take, retries and waits included (`None`: no limit).
    pub fn overall_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.overall_timeout = timeout;
        self
    }

    /// What waits between attempts (tests use one that records instead of sleeping).
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = Some(sleeper);
        self
    }

    /// Your own `reqwest::Client` (proxies, TLS); the connect timeout is then yours to set. Build
    /// it from [`http_client_builder`], whose TLS works with this crate's TLS feature.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// A client of the VPN v5 API.
    #[cfg(feature = "s2c")]
    pub fn vpn_v5(&self) -> Result<vpn_v5::Client, ConfigError> {
        let (base, http, runtime) = self.v5_parts(vpn_v5::BASE_PATH)?;
        Ok(vpn_v5::Client::new_with_client(&base, http, runtime))
    }

    /// A client of the VPN v5.1 operations (`/v5.1/{project_id}/...`: today
    /// ListExtendedAvailabilityZones), on the same endpoint as [`vpn_v5`](Self::vpn_v5).
    #[cfg(feature = "s2c")]
    pub fn vpn_v5_1(&self) -> Result<vpn_v5_1::Client, ConfigError> {
        let (base, http, runtime) = self.v5_parts(vpn_v5_1::BASE_PATH)?;
        Ok(vpn_v5_1::Client::new_with_client(&base, http, runtime))
    }

    /// A client of the point-to-client VPN operations (P2C VPN gateways, VPN servers, client CA
    /// certificates, users, user groups, access policies), on the same endpoint as the
    /// site-to-site ones.
    #[cfg(feature = "p2c")]
    pub fn vpn_p2c(&self) -> Result<vpn_p2c::Client, ConfigError> {
        let (base, http, runtime) = self.v5_parts(vpn_p2c::BASE_PATH)?;
        Ok(vpn_p2c::Client::new_with_client(&base, http, runtime))
    }

    /// The base URL (the VPN endpoint and `base_path` with the project) and the parts of a
    /// VPN API client.
    #[cfg(any(feature = "s2c", feature = "p2c"))]
    fn v5_parts(&self, base_path: &str) -> Result<(String, reqwest::Client, Runtime), ConfigError> {
        let endpoint = match (&self.endpoint, &self.region) {
            (Some(url), _) => check_endpoint(url)?,
            (None, Some((cloud, region))) => cloud.endpoint("vpn", check_region(region)?),
            (None, None) => {
                return Err(ConfigError::Missing {
                    what: "the endpoint",
                    how: "call .region(Cloud::..., \"eu-de\") or .endpoint(\"https://...\")",
                });
            }
        };
        let project_id = self.require_project_id()?;
        let base = base_path.replace("{project_id}", project_id);
        let (http, runtime) = self.parts()?;
        Ok((format!("{endpoint}{base}"), http, runtime))
    }

    /// A client of the legacy IPsec API, on the VPC/network endpoint.
    #[cfg(feature = "legacy")]
    pub fn ipsec_v2(&self) -> Result<ipsec_v2::Client, ConfigError> {
        let endpoint = match (&self.ipsec_endpoint, &self.endpoint, &self.region) {
            (Some(url), _, _) | (None, Some(url), _) => check_endpoint(url)?,
            (None, None, Some((cloud, region))) => cloud.endpoint("vpc", check_region(region)?),
            (None, None, None) => {
                return Err(ConfigError::Missing {
                    what: "the endpoint",
                    how: "call .region(Cloud::..., \"eu-de\"), .ipsec_endpoint(\"https://...\") or .endpoint(\"https://...\")",
                });
            }
        };
        // AK/SK signatures and password tokens name the project; a given token already does.
        if matches!(
            self.credentials,
            Some(CredentialsSpec::AkSk { .. } | CredentialsSpec::Password { .. })
        ) {
            self.require_project_id()?;
        } else if let Some(id) = &self.project_id {
            check_project_id(id)?;
        }
        let (http, runtime) = self.parts()?;
        Ok(ipsec_v2::Client::new_with_client(&endpoint, http, runtime))
    }

    fn require_project_id(&self) -> Result<&str, ConfigError> {
        let id = self.project_id.as_deref().ok_or(ConfigError::Missing {
            what: "the project id",
            how: "call .project_id(\"...\") or set HUAWEICLOUD_SDK_PROJECT_ID",
        })?;
        check_project_id(id)?;
        Ok(id)
    }

    fn parts(&self) -> Result<(reqwest::Client, Runtime), ConfigError> {
        let http = match &self.http {
            Some(http) => http.clone(),
            None => http_client_builder()
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|e| ConfigError::HttpClient {
                    reason: e.to_string(),
                })?,
        };
        let credentials = self.credentials.clone().ok_or(ConfigError::Missing {
            what: "credentials",
            how: "call .aksk(..), .password(..), .token(..) or .without_credentials(), or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK",
        })?;
        let auth = match credentials {
            CredentialsSpec::AkSk {
                ak,
                sk,
                security_token,
            } => {
                if ak.is_empty() || sk.is_empty() {
                    return Err(ConfigError::Missing {
                        what: "the AK or SK",
                        how: "both must be non-empty",
                    });
                }
                let mut aksk = AkSk::new(ak.expose(), sk.expose());
                if let Some(token) = security_token {
                    aksk = aksk.with_security_token(token.expose());
                }
                Auth::AkSk(aksk)
            }
            CredentialsSpec::Password {
                user,
                password,
                domain,
            } => {
                let iam = match (&self.iam_endpoint, &self.region) {
                    (Some(url), _) => check_endpoint(url)?,
                    (None, Some((cloud, region))) => cloud.endpoint("iam", check_region(region)?),
                    (None, None) => {
                        return Err(ConfigError::Missing {
                            what: "the IAM endpoint",
                            how: "call .region(..) or .iam_endpoint(\"https://...\")",
                        });
                    }
                };
                let project = self.require_project_id()?.to_string();
                let auth = PasswordAuth::new(
                    &iam,
                    user,
                    password.expose(),
                    domain,
                    ProjectScope::Id(project),
                );
                Auth::Password(TokenProvider::new(auth, http.clone()))
            }
            CredentialsSpec::Token(token) => Auth::Token(token),
            CredentialsSpec::None => Auth::None,
        };
        let runtime = Runtime::new(Settings {
            auth,
            project_id: self.project_id.clone(),
            retry: self.retry.clone(),
            sleeper: self
                .sleeper
                .clone()
                .unwrap_or_else(|| Arc::new(TokioSleeper)),
            attempt_timeout: Some(self.attempt_timeout),
            overall_timeout: self.overall_timeout,
            budget: self.budget.clone(),
            idempotent_creates: self.idempotent_creates,
        });
        Ok((http, runtime))
    }
}

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

fn check_region(region: &str) -> Result<&str, ConfigError> {
    let ok = !region.is_empty()
        && region.len() <= 32
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !region.starts_with('-');
    if ok {
        Ok(region)
    } else {
        Err(ConfigError::InvalidRegion {
            region: region.to_string(),
        })
    }
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

/// `for_project`, `for_project_with_client` and `baseurl` on the clients of the VPN v5 API's
/// modules (`/v5/{project_id}` and `/v5.1/{project_id}`), for the products that are enabled.
macro_rules! project_clients {
    ($feature:literal: $($module:ident),+) => {$(
        #[cfg(feature = $feature)]
        impl $module::Client {
            /// A client for one project with no credentials and no retries: for a local server or a
            /// proxy that authenticates. For a real cloud use [`ClientBuilder`].
            ///
            /// ```
            /// let client = huaweicloud_vpn::vpn_v5::Client::for_project(
            ///     "http://127.0.0.1:8080",
            ///     "0123456789abcdef0123456789abcdef",
            /// )?;
            /// assert_eq!(client.baseurl(), "http://127.0.0.1:8080/v5/0123456789abcdef0123456789abcdef");
            /// # Ok::<(), huaweicloud_vpn::ConfigError>(())
            /// ```
            pub fn for_project(endpoint: &str, project_id: &str) -> Result<Self, ConfigError> {
                Self::for_project_with_client(endpoint, project_id, plain_http_client()?)
            }

            /// Like [`for_project`](Self::for_project), with a `reqwest::Client` of your own.
            pub fn for_project_with_client(
                endpoint: &str,
                project_id: &str,
                http: reqwest::Client,
            ) -> Result<Self, ConfigError> {
                let endpoint = check_endpoint(endpoint)?;
                check_project_id(project_id)?;
                let base = $module::BASE_PATH.replace("{project_id}", project_id);
                Ok(Self::new_with_client(
                    &format!("{endpoint}{base}"),
                    http,
                    Runtime::plain(),
                ))
            }

            /// The base URL every operation's path is appended to.
            pub fn baseurl(&self) -> &str {
                crate::call::ClientInfo::baseurl(self)
            }
        }
    )+};
}

project_clients!("s2c": vpn_v5, vpn_v5_1);
project_clients!("p2c": vpn_p2c);

#[cfg(feature = "legacy")]
impl ipsec_v2::Client {
    /// A client of the legacy IPsec API with no credentials and no retries (see
    /// [`vpn_v5::Client::for_project`]).
    pub fn for_endpoint(endpoint: &str) -> Result<Self, ConfigError> {
        Self::for_endpoint_with_client(endpoint, plain_http_client()?)
    }

    /// Like [`for_endpoint`](Self::for_endpoint), with a `reqwest::Client` of your own.
    pub fn for_endpoint_with_client(
        endpoint: &str,
        http: reqwest::Client,
    ) -> Result<Self, ConfigError> {
        Ok(Self::new_with_client(
            &check_endpoint(endpoint)?,
            http,
            Runtime::plain(),
        ))
    }
}

/// A `reqwest::ClientBuilder` whose TLS works with this crate's TLS feature: build any
/// `reqwest::Client` you give [`ClientBuilder::http_client`] (or that your program uses beside
/// this crate) from it.
///
/// With the default `rustls` feature, reqwest has no crypto provider of its own, and a plain
/// `reqwest::Client::new()` panics while no process-wide rustls provider is installed. This
/// installs ring as that provider unless the program has installed one (then the program's is
/// used, here and everywhere). With `rustls-aws-lc` or `native-tls` it is
/// `reqwest::Client::builder()` as it is.
///
/// ```
/// use std::time::Duration;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let http = huaweicloud_vpn::http_client_builder()
///     .connect_timeout(Duration::from_secs(5))
///     .build()?;
/// let client = huaweicloud_vpn::ClientBuilder::new()
///     .endpoint("https://vpn.eu-de.otc.t-systems.com")
///     .project_id("0123456789abcdef0123456789abcdef")
///     .aksk("my-ak", "my-sk")
///     .http_client(http);
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
pub fn http_client_builder() -> reqwest::ClientBuilder {
    #[cfg(feature = "rustls")]
    {
        // An error only says that a provider is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
}

fn plain_http_client() -> Result<reqwest::Client, ConfigError> {
    http_client_builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| ConfigError::HttpClient {
            reason: e.to_string(),
        })
}
