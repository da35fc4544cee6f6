//! What a failed call returns: [`Error`], whatever went wrong, and [`ServiceError`], the error
//! body of a failed call read from whatever the server answered.

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::ResponseValue;

/// The error of every generated operation: a request refused before it was sent, a transport
/// failure, the server's error answer with its [`ServiceError`] body, or an answer the client
/// could not read. [`ErrorExt`] adds the common questions (status, service error, request id,
/// may it be retried).
///
/// The variants are those of progenitor's client support, which the generated code followed
/// before this crate carried its own (minus the connection upgrade, which no operation of this
/// API has), so code matching on them reads the same.
///
/// ```
/// use huaweicloud_vpn::{Error, ErrorExt};
///
/// fn explain(error: &Error) -> String {
///     match error {
///         Error::InvalidRequest(rule) => format!("not sent: {rule}"),
///         Error::ErrorResponse(answer) => format!("HTTP {}: {}", answer.status(), answer.as_ref()),
///         other if other.is_retryable() => format!("try again later: {other}"),
///         other => other.to_string(),
///     }
/// }
/// # let refused: Error = Error::InvalidRequest("`vgw_id` must not be empty".into());
/// # assert_eq!(explain(&refused), "not sent: `vgw_id` must not be empty");
/// ```
pub enum Error<E = ServiceError> {
    /// The request was refused before anything was sent: a field or parameter breaks a rule
    /// of the API (the message names it and the rule).
    InvalidRequest(String),
    /// No answer: the connection failed or timed out (after the client's retries).
    CommunicationError(reqwest::Error),
    /// The server answered with an error status (4XX or 5XX); its body, read whatever its shape.
    ErrorResponse(ResponseValue<E>),
    /// The answer's status was the documented success, but its body could not be read.
    ResponseBodyError(reqwest::Error),
    /// The answer's status was the documented success, but its body is not the documented
    /// JSON: the body as received and the decoder's error (which names the field).
    InvalidResponsePayload(Bytes, serde_json::Error),
    /// An answer with a status the operation does not document (a 2XX other than its own,
    /// or a 1XX or 3XX); check `status().is_success()`.
    UnexpectedResponse(reqwest::Response),
    /// The client could not prepare the request: no IAM token could be had, or the request
    /// could not be signed.
    Custom(String),
}

impl<E> Error<E> {
    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::CommunicationError(e) | Error::ResponseBodyError(e) => e.status(),
            Error::ErrorResponse(answer) => Some(answer.status()),
            Error::UnexpectedResponse(response) => Some(response.status()),
            Error::InvalidRequest(_) | Error::InvalidResponsePayload(..) | Error::Custom(_) => None,
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(e: reqwest::Error) -> Self {
        Error::CommunicationError(e)
    }
}

impl<E> From<reqwest::header::InvalidHeaderValue> for Error<E> {
    fn from(e: reqwest::header::InvalidHeaderValue) -> Self {
        Error::InvalidRequest(e.to_string())
    }
}

impl<E> From<std::convert::Infallible> for Error<E> {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(rule) => write!(f, "invalid request: {rule}"),
            Error::CommunicationError(e) => write!(f, "communication error: {e}"),
            Error::ErrorResponse(answer) => {
                write!(
                    f,
                    "error response ({}): {}",
                    answer.status(),
                    answer.as_ref()
                )
            }
            Error::ResponseBodyError(e) => write!(f, "cannot read the answer's body: {e}"),
            // The body is left out: an answer may carry what a log must not.
            Error::InvalidResponsePayload(body, e) => write!(
                f,
                "the answer ({} bytes) is not the documented JSON: {e}",
                body.len()
            ),
            Error::UnexpectedResponse(response) => {
                write!(f, "unexpected response: status {}", response.status())
            }
            Error::Custom(message) => f.write_str(message),
        }
    }
}

/// What `Display` shows, with the variant's name: never a header's value or a body's bytes.
impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(rule) => f.debug_tuple("InvalidRequest").field(rule).finish(),
            Error::CommunicationError(e) => f.debug_tuple("CommunicationError").field(e).finish(),
            Error::ErrorResponse(answer) => f
                .debug_struct("ErrorResponse")
                .field("status", &answer.status())
                .field("body", answer.as_ref())
                .finish(),
            Error::ResponseBodyError(e) => f.debug_tuple("ResponseBodyError").field(e).finish(),
            Error::InvalidResponsePayload(body, e) => f
                .debug_struct("InvalidResponsePayload")
                .field("body_len", &body.len())
                .field("error", e)
                .finish(),
            Error::UnexpectedResponse(response) => f
                .debug_struct("UnexpectedResponse")
                .field("status", &response.status())
                .finish(),
            Error::Custom(message) => f.debug_tuple("Custom").field(message).finish(),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::CommunicationError(e) | Error::ResponseBodyError(e) => Some(e),
            Error::InvalidResponsePayload(_, e) => Some(e),
            _ => None,
        }
    }
}

/// What a server said when a call failed (a 4XX or 5XX answer).
///
/// It reads every documented error shape:
///
/// | shape | code from | message from |
/// |---|---|---|
/// | VPN service: `{"code": "VPN.0001", "message": "..."}` | `code` | `message` |
/// | API definitions and API gateway: `{"error_code": "APIGW.0301", "error_msg": "...", "request_id": "..."}` | `error_code` | `error_msg` |
/// | legacy Neutron: `{"NeutronError": {"type": "...", "message": "...", "detail": "..."}}` | `NeutronError.type` | `NeutronError.message` |
///
/// and a body that is not JSON at all (an HTML page from a proxy, an empty body): then
/// [`code`](Self::code) and [`message`](Self::message) are `None` and [`raw_body`](Self::raw_body)
/// has the text. The request id comes from the `X-Request-Id` header, else from the body.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceError {
    status: u16,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    raw_body: String,
}

impl ServiceError {
    /// Reads an error from its status, headers and body bytes. Never fails, never panics.
    pub fn from_parts(status: u16, headers: &HeaderMap, body: &[u8]) -> Self {
        let raw_body = String::from_utf8_lossy(body).into_owned();
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let obj = json.as_ref().and_then(Value::as_object);
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let neutron = obj.and_then(|o| o.get("NeutronError"));
        let code = obj
            .and_then(|o| text(o.get("code")).or_else(|| text(o.get("error_code"))))
            .or_else(|| text(neutron.and_then(|n| n.get("type"))));
        let message = obj
            .and_then(|o| text(o.get("message")).or_else(|| text(o.get("error_msg"))))
            .or_else(|| text(neutron.and_then(|n| n.get("message"))));
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| obj.and_then(|o| text(o.get("request_id"))));
        ServiceError {
            status,
            code,
            message,
            request_id,
            raw_body,
        }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether asking again later may succeed: 429, 502, 503, 504, or the VPN service's
    /// "busy" codes `VPN.0030` and `VPN.0031` (which come as 400s). See [`crate::retry`].
    pub fn is_retryable(&self) -> bool {
        crate::retry::RETRYABLE_STATUSES.contains(&self.status)
            || self
                .code
                .as_deref()
                .is_some_and(|c| crate::retry::RETRYABLE_CODES.contains(&c))
    }

    /// The service's error code, e.g. `VPN.0001`, `APIGW.0301` or a Neutron error type.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The service's message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id, for a support ticket.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The body as received (lossy UTF-8), whatever its shape.
    pub fn raw_body(&self) -> &str {
        &self.raw_body
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("raw_body_len", &self.raw_body.len())
            .finish()
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, "{code}: {message}")?,
            (Some(code), None) => write!(f, "{code}")?,
            (None, Some(message)) => write!(f, "{message}")?,
            (None, None) => write!(
                f,
                "error body not in a documented shape ({} bytes)",
                self.raw_body.len()
            )?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// Reads an error answer; used by the generated code for every 4XX and 5XX response.
pub(crate) async fn error_response(response: reqwest::Response) -> Error<ServiceError> {
    let status = response.status();
    let headers = response.headers().clone();
    match response.bytes().await {
        Ok(body) => {
            let error = ServiceError::from_parts(status.as_u16(), &headers, &body);
            Error::ErrorResponse(ResponseValue::new(error, status, headers))
        }
        Err(e) => Error::ResponseBodyError(e),
    }
}

/// Questions every failed call can answer, whatever went wrong.
pub trait ErrorExt {
    /// The HTTP status, when there was an answer.
    fn http_status(&self) -> Option<u16>;
    /// The server's error body, when it answered with an error.
    fn service_error(&self) -> Option<&ServiceError>;
    /// The request id (from `X-Request-Id` or the body), when there was an answer.
    fn request_id(&self) -> Option<&str>;
    /// Whether the same call may succeed later: a retryable answer (see
    /// [`ServiceError::is_retryable`]) or a connection failure or timeout. The client's own
    /// retries have already been spent when you see this.
    fn is_retryable(&self) -> bool;
    /// Whether the request may have been carried out although the call failed: a transport
    /// failure after the connection was made (timeout, reset), a 5xx answer, or a success
    /// answer that could not be read. After a **create** this means the resource may exist:
    /// list before creating again, or use idempotent creates ([`crate::idempotency`]), which
    /// settle the question for the resources that take tags.
    fn may_have_taken_effect(&self) -> bool;
}

impl ErrorExt for Error<ServiceError> {
    fn http_status(&self) -> Option<u16> {
        self.status().map(|s| s.as_u16())
    }

    fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::ErrorResponse(answer) => Some(answer.as_ref()),
            _ => None,
        }
    }

    fn request_id(&self) -> Option<&str> {
        match self {
            Error::ErrorResponse(answer) => answer.request_id(),
            Error::UnexpectedResponse(response) => response
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok()),
            _ => None,
        }
    }

    fn is_retryable(&self) -> bool {
        match self {
            Error::ErrorResponse(answer) => answer.as_ref().is_retryable(),
            Error::CommunicationError(e) => e.is_connect() || e.is_timeout() || e.is_request(),
            Error::UnexpectedResponse(r) => {
                crate::retry::RETRYABLE_STATUSES.contains(&r.status().as_u16())
            }
            _ => false,
        }
    }

    fn may_have_taken_effect(&self) -> bool {
        match self {
            Error::CommunicationError(e) => !e.is_connect() && !e.is_builder(),
            Error::ErrorResponse(answer) => answer.as_ref().status() >= 500,
            Error::UnexpectedResponse(r) => r.status().is_server_error(),
            Error::InvalidResponsePayload(..) | Error::ResponseBodyError(_) => true,
            _ => false,
        }
    }
}
