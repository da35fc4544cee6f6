//! Calling any operation of the table ([`crate::operation`]) with JSON instead of types.
//!
//! Why: a tool that covers every operation (the `hcvpn` command line, a test that walks the
//! specs) should not need code per operation. [`call`] takes an [`Operation`], its path and
//! query parameters as text and an optional JSON body, and sends the request through the very
//! runtime the generated methods use (authentication, signing, retries, timeouts, tracing),
//! with the same checks around it: the body is deserialized into the generated request type
//! first (so undocumented values are refused, as the typed builders refuse them), the answer
//! must carry the documented success status, errors are read into [`ServiceError`] by the same
//! function, and a success body is decoded by the generated response type.
//!
//! ```no_run
//! use huaweicloud_vpn::{dynamic, operation};
//! # async fn example(client: &huaweicloud_vpn::vpn_v5::Client) -> Result<(), huaweicloud_vpn::Error> {
//! let show = operation::find("ShowVpnConnection").expect("in the table");
//! let shown = dynamic::call(client, show, &[("vpn_connection_id", "98c5af8a")], &[], None).await?;
//! println!("{}", shown.into_inner()["vpn_connection"]["status"]);
//! # Ok(())
//! # }
//! ```
//!
//! [`ServiceError`]: crate::ServiceError

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue, encode_path};
use serde_json::Value;

use crate::operation::{Kind, Operation, ParamLocation};
use crate::{Error, Runtime};

mod sealed {
    pub trait Sealed {}
}

/// A generated client that [`call`] can send through: it names the generated module whose
/// operations it serves (`Operation::module`).
pub trait Api: ClientInfo<Runtime> + ClientHooks<Runtime> + sealed::Sealed {
    /// The generated module of this client (`vpn_v5`).
    const MODULE: &'static str;
}

#[cfg(feature = "s2c")]
impl sealed::Sealed for crate::vpn_v5::Client {}
#[cfg(feature = "s2c")]
impl Api for crate::vpn_v5::Client {
    const MODULE: &'static str = "vpn_v5";
}

#[cfg(feature = "legacy")]
impl sealed::Sealed for crate::ipsec_v2::Client {}
#[cfg(feature = "legacy")]
impl Api for crate::ipsec_v2::Client {
    const MODULE: &'static str = "ipsec_v2";
}

/// Sends `op` with these path parameters, query pairs (a list parameter repeats its name) and
/// body, and returns the success body as JSON (`Value::Null` when the operation documents
/// none, as for a `204`).
///
/// Nothing is sent, and the error is [`Error::InvalidRequest`] naming the parameter or field,
/// when `client` does not serve `op`'s module, a parameter is unknown, missing, empty (a path
/// parameter) or not of its kind or documented values, or the body fails the generated request
/// type (a secret's value is never quoted). An answer other than the documented success is
/// [`Error::ErrorResponse`] (4XX/5XX, read like every generated call's) or
/// [`Error::UnexpectedResponse`]; a success body that the generated response type refuses is
/// [`Error::InvalidResponsePayload`].
pub async fn call<C: Api>(
    client: &C,
    op: &Operation,
    path: &[(&str, &str)],
    query: &[(&str, &str)],
    body: Option<&Value>,
) -> Result<ResponseValue<Value>, Error> {
    if op.module != C::MODULE {
        return Err(Error::InvalidRequest(format!(
            "{} is an operation of {}, not of the {} client",
            op.id,
            op.module,
            C::MODULE
        )));
    }
    let url = format!(
        "{}{}",
        client.baseurl(),
        fill_path(op, path).map_err(Error::InvalidRequest)?
    );
    check_query(op, query).map_err(Error::InvalidRequest)?;
    let body = match (&op.request, body) {
        (None, None) => None,
        (None, Some(_)) => {
            return Err(Error::InvalidRequest(format!(
                "{} takes no request body",
                op.id
            )));
        }
        (Some(_), given) => {
            let body = given
                .cloned()
                .unwrap_or_else(|| Value::Object(Default::default()));
            check_body(op, &body).map_err(|e| Error::InvalidRequest(format!("body: {e}")))?;
            Some(body)
        }
    };

    let method = reqwest::Method::from_bytes(op.method.as_bytes())
        .map_err(|_| Error::InvalidRequest(format!("{}: bad method {}", op.id, op.method)))?;
    let mut builder = client.client().request(method, url).header(
        reqwest::header::ACCEPT,
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    if !query.is_empty() {
        builder = builder.query(query);
    }
    if let Some(body) = &body {
        builder = builder.json(body);
    }
    let mut request = builder.build()?;
    let info = OperationInfo {
        operation_id: operation_name(op),
    };
    client.pre(&mut request, &info).await?;
    let result = client.exec(request, &info).await;
    client.post(&result, &info).await?;
    let response = result?;
    let status = response.status().as_u16();
    if status == op.success {
        decode(op, response).await
    } else if (400..=599).contains(&status) {
        Err(crate::error::error_response(response).await)
    } else {
        Err(Error::UnexpectedResponse(response))
    }
}

/// Every item of a paginated list (`op.pagination`): the first page with `query` as given
/// (a marker in it included), then the page at each next marker, until a page has no next
/// marker, no items, or the same marker again. Fails with [`Error::InvalidRequest`] for an
/// operation without pagination.
pub async fn all_items<C: Api>(
    client: &C,
    op: &Operation,
    path: &[(&str, &str)],
    query: &[(&str, &str)],
) -> Result<Vec<Value>, Error> {
    let Some(pages) = op.pagination else {
        return Err(Error::InvalidRequest(format!("{} is not paginated", op.id)));
    };
    let mut items = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let mut page_query: Vec<(&str, &str)> = query.to_vec();
        if let Some(marker) = &marker {
            page_query.retain(|(name, _)| *name != pages.marker_param);
            page_query.push((pages.marker_param, marker.as_str()));
        }
        let mut page = call(client, op, path, &page_query, None)
            .await?
            .into_inner();
        let found = match page.get_mut(pages.items).map(Value::take) {
            Some(Value::Array(found)) => found,
            _ => Vec::new(),
        };
        let next = page
            .pointer(pages.next_marker)
            .and_then(Value::as_str)
            .filter(|next| !next.is_empty())
            .map(str::to_string);
        let empty = found.is_empty();
        items.extend(found);
        match next {
            Some(next) if !empty && marker.as_ref() != Some(&next) => marker = Some(next),
            _ => return Ok(items),
        }
    }
}

/// Checks a JSON body with the generated request type of `op` (`Body::check`). A message
/// about a secret field (`x-secret`) never quotes the value.
pub fn check_body(op: &Operation, body: &Value) -> Result<(), String> {
    let Some(request) = &op.request else {
        return Err(format!("{} takes no request body", op.id));
    };
    (request.check)(body).map_err(|message| {
        let secrets: Vec<&str> = request
            .fields
            .iter()
            .filter(|f| f.secret)
            .map(|f| f.name)
            .collect();
        redact(&message, &secrets)
    })
}

/// Replaces every backtick-quoted value of a message that names one of `secrets` as a path
/// segment (serde quotes the offending value in backticks).
fn redact(message: &str, secrets: &[&str]) -> String {
    let names_secret = secrets.iter().any(|name| {
        message
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|segment| segment == *name)
    });
    if !names_secret || !message.contains('`') {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("`(not shown)`");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The client path with every `{name}` replaced by its percent-encoded value.
fn fill_path(op: &Operation, given: &[(&str, &str)]) -> Result<String, String> {
    for (name, _) in given {
        let known = op
            .params
            .iter()
            .any(|p| p.location == ParamLocation::Path && p.name == *name);
        if !known {
            return Err(format!("{} has no path parameter `{name}`", op.id));
        }
    }
    let mut out = String::with_capacity(op.client_path.len() + 40);
    let mut rest = op.client_path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            return Err(format!("{}: malformed path {}", op.id, op.client_path));
        };
        let name = &rest[start + 1..start + len];
        let value = given
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("path parameter `{name}` is required"))?;
        if value.trim().is_empty() {
            return Err(format!("path parameter `{name}` must not be empty"));
        }
        out.push_str(&encode_path(value));
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Query parameters: known, not repeated unless lists, of their kind and documented values;
/// the required ones present.
fn check_query(op: &Operation, query: &[(&str, &str)]) -> Result<(), String> {
    let invalid = |message: String| Err(message);
    for (i, (name, value)) in query.iter().enumerate() {
        let Some(param) = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.name == *name)
        else {
            return invalid(format!("{} has no query parameter `{name}`", op.id));
        };
        if param.kind != Kind::StringList && query[..i].iter().any(|(n, _)| n == name) {
            return invalid(format!("{name}: given more than once"));
        }
        match param.kind {
            Kind::Integer if value.trim().parse::<i64>().is_err() => {
                return invalid(format!("{name}: not an integer: {value}"));
            }
            Kind::Boolean if !matches!(*value, "true" | "false") => {
                return invalid(format!("{name}: must be true or false, got {value}"));
            }
            _ => {}
        }
        if !param.values.is_empty() && !param.values.contains(value) {
            return invalid(format!(
                "{name}: not one of the documented values ({})",
                param.values.join(", ")
            ));
        }
    }
    for param in op.params {
        if param.location == ParamLocation::Query
            && param.required
            && !query.iter().any(|(n, _)| *n == param.name)
        {
            return invalid(format!("query parameter `{}` is required", param.name));
        }
    }
    Ok(())
}

/// The documented success: its JSON body checked by the generated response type.
async fn decode(
    op: &Operation,
    response: reqwest::Response,
) -> Result<ResponseValue<Value>, Error> {
    let status = response.status();
    let headers = response.headers().clone();
    if op.response.is_none() {
        return Ok(ResponseValue::new(Value::Null, status, headers));
    }
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let value: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => return Err(Error::InvalidResponsePayload(body, e)),
    };
    if let Some(check) = op.check_response
        && let Err(message) = check(&value)
    {
        let error = <serde_json::Error as serde::de::Error>::custom(message);
        return Err(Error::InvalidResponsePayload(body, error));
    }
    Ok(ResponseValue::new(value, status, headers))
}

/// The operation's name in the `vpn_call` span, as the generated methods give it
/// (`show_vpn_connection`). Each distinct name is allocated once for the process.
fn operation_name(op: &Operation) -> &'static str {
    static NAMES: OnceLock<Mutex<HashMap<&'static str, &'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(Default::default);
    let Ok(mut names) = names.lock() else {
        return op.id;
    };
    names
        .entry(op.id)
        .or_insert_with(|| Box::leak(op.method_name().into_boxed_str()))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn only_messages_about_secrets_lose_their_quoted_values() {
        assert_eq!(
            redact(
                "vpn_connection.psk: invalid type: integer `123456789`, expected a string",
                &["psk"]
            ),
            "vpn_connection.psk: invalid type: integer `(not shown)`, expected a string"
        );
        assert_eq!(
            redact("vpn_connection.style: unknown variant `dynamic`", &["psk"]),
            "vpn_connection.style: unknown variant `dynamic`"
        );
    }
}
