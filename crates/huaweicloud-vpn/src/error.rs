//! The error body of a failed call, read from whatever the server answered.

use std::fmt;

use progenitor_client::{Error, ResponseValue};
use reqwest::header::HeaderMap;
use serde_json::Value;

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
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    raw_body: String,
}

impl ServiceError {
    /// Reads an error from its headers and body bytes. Never fails, never panics.
    pub fn from_parts(headers: &HeaderMap, body: &[u8]) -> Self {
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
            code,
            message,
            request_id,
            raw_body,
        }
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
            let error = ServiceError::from_parts(&headers, &body);
            Error::ErrorResponse(ResponseValue::new(error, status, headers))
        }
        Err(e) => Error::ResponseBodyError(e),
    }
}
