//! What can go wrong, and which exit code it earns.
//!
//! | exit | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the API answered with an error, could not be reached, or a `--wait` failed |
//! | 2 | usage or configuration: bad arguments, a bad body, a setting missing or malformed |

use std::fmt::Write as _;

use huaweicloud_vpn::{ConfigError, ErrorExt};

/// The exit code of an API, network or wait failure.
pub const EXIT_API: u8 = 1;
/// The exit code of a usage or configuration error (also clap's own).
pub const EXIT_USAGE: u8 = 2;

/// A failure of one `hcvpn` run.
#[derive(Debug)]
pub enum CliError {
    /// Bad input: arguments, a body, a secret source. Exit 2.
    Usage(String),
    /// The client could not be configured. Exit 2.
    Config(ConfigError),
    /// A call failed: the server's error answer, a transport failure. Exit 1 (or 2 when the
    /// client rejected the request before sending it).
    Api {
        /// What was being done, e.g. `show VPN connection abc`.
        action: String,
        error: Box<huaweicloud_vpn::Error>,
    },
    /// `--wait` saw the resource fail or ran out of time. Exit 1.
    Wait(String),
    /// Writing output or reading input failed. Exit 1.
    Io(String),
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::Usage(message.into())
    }

    pub fn api(action: impl Into<String>, error: huaweicloud_vpn::Error) -> Self {
        CliError::Api {
            action: action.into(),
            error: Box::new(error),
        }
    }

    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Config(_) => EXIT_USAGE,
            // The client checked the request before sending it (a value out of range): the
            // user's input is wrong, as with any other usage error.
            CliError::Api { error, .. }
                if matches!(**error, huaweicloud_vpn::Error::InvalidRequest(_)) =>
            {
                EXIT_USAGE
            }
            CliError::Api { .. } | CliError::Wait(_) | CliError::Io(_) => EXIT_API,
        }
    }

    /// The message for stderr (several lines for a service error), without a trailing newline.
    pub fn report(&self) -> String {
        match self {
            CliError::Usage(message) => format!("error: {message}"),
            CliError::Config(error) => format!(
                "error: configuration: {error}\n{}",
                config_hint(error)
                    .map(|h| format!("hint: {h}"))
                    .unwrap_or_default()
            )
            .trim_end()
            .to_string(),
            CliError::Api { action, error } => report_api(action, error),
            CliError::Wait(message) => format!("error: {message}"),
            CliError::Io(message) => format!("error: {message}"),
        }
    }
}

impl From<ConfigError> for CliError {
    fn from(error: ConfigError) -> Self {
        CliError::Config(error)
    }
}

/// The command-line words for a configuration error (the builder's message names its methods).
fn config_hint(error: &ConfigError) -> Option<&'static str> {
    match error {
        ConfigError::Missing { what, .. } if what.contains("endpoint") => Some(
            "pass --region (with --cloud huawei|otc) or --endpoint, or set HCVPN_REGION or HCVPN_ENDPOINT",
        ),
        ConfigError::Missing { what, .. } if what.contains("project id") => {
            Some("pass --project-id or set HUAWEICLOUD_SDK_PROJECT_ID")
        }
        ConfigError::Missing { what, .. } if what.contains("credentials") => Some(
            "set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary credentials), set HCVPN_AUTH_TOKEN, or pass --no-auth for a local emulator",
        ),
        ConfigError::InvalidProjectId { .. } => {
            Some("check --project-id or HUAWEICLOUD_SDK_PROJECT_ID")
        }
        ConfigError::InvalidEndpoint { .. } => Some("check --endpoint / --ipsec-endpoint"),
        ConfigError::InvalidRegion { .. } => Some("check --region"),
        _ => None,
    }
}

fn report_api(action: &str, error: &huaweicloud_vpn::Error) -> String {
    use huaweicloud_vpn::Error;
    let mut out = String::new();
    match error {
        Error::InvalidRequest(message) => {
            let _ = write!(out, "error: {action}: invalid request: {message}");
        }
        Error::ErrorResponse(_) => {
            let service = error.service_error();
            let status = error.http_status().map_or("?".into(), |s| s.to_string());
            let _ = write!(out, "error: {action} failed: HTTP {status}");
            if let Some(service) = service {
                if let Some(code) = service.code() {
                    let _ = write!(out, "\n  code:       {code}");
                }
                if let Some(message) = service.message() {
                    let _ = write!(out, "\n  message:    {message}");
                }
                if service.code().is_none() && service.message().is_none() {
                    let body = service.raw_body().trim();
                    if body.is_empty() {
                        let _ = write!(out, "\n  body:       (empty)");
                    } else {
                        let _ = write!(out, "\n  body:       {}", shorten(body, 300));
                    }
                }
            }
            match error.request_id() {
                Some(id) => {
                    let _ = write!(out, "\n  request id: {id}");
                }
                None => {
                    let _ = write!(out, "\n  request id: (none returned)");
                }
            }
            if error.is_retryable() {
                let _ = write!(
                    out,
                    "\n  the service is busy; retries were spent, try again later"
                );
            }
        }
        Error::CommunicationError(e) => {
            let _ = write!(
                out,
                "error: {action} failed: could not reach the service: {}",
                chain(e)
            );
        }
        Error::ResponseBodyError(e) => {
            let _ = write!(
                out,
                "error: {action} failed: reading the answer: {}",
                chain(e)
            );
        }
        Error::InvalidResponsePayload(bytes, e) => {
            let _ = write!(
                out,
                "error: {action} failed: the answer is not the documented JSON: {e}\n  body: {}",
                shorten(&String::from_utf8_lossy(bytes), 300)
            );
        }
        Error::UnexpectedResponse(response) => {
            let _ = write!(
                out,
                "error: {action} failed: unexpected HTTP {}",
                response.status()
            );
            if let Some(id) = error.request_id() {
                let _ = write!(out, "\n  request id: {id}");
            }
        }
        other => {
            let _ = write!(out, "error: {action} failed: {}", chain(other));
        }
    }
    if error.may_have_taken_effect() {
        let what = if action.to_ascii_lowercase().starts_with("create") {
            "the resource may have been created: list before creating it again"
        } else {
            "the request may have been carried out: check before repeating it"
        };
        let _ = write!(out, "\n  {what}");
    }
    out
}

/// An error with its sources, `a: b: c`.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

fn shorten(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max).collect();
        format!("{cut}… ({} bytes in all)", text.len())
    }
}
