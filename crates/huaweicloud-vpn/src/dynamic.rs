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

use serde_json::Value;

use crate::call::OperationInfo;
use crate::operation::{Api, Kind, Operation, ParamLocation};
use crate::path::encode_path;
use crate::{Error, ResponseValue};

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
        operation_id: op.client_method,
    };
    client.pre(&mut request, &info).await?;
    let response = client.exec(request, &info).await?;
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
        // The generated calls' check, so that both refuse the same values the same way.
        crate::path::check(name, value)?;
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
            Kind::Integer => match value.trim().parse::<i64>() {
                Err(_) => return invalid(format!("{name}: not an integer: {value}")),
                Ok(number) => {
                    if let Err(e) = huaweicloud_vpn_types::OutOfRange::check(
                        number,
                        param.minimum,
                        param.maximum,
                    ) {
                        return invalid(format!("{name}: {e}"));
                    }
                }
            },
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

#[cfg(all(test, feature = "s2c"))]
mod tests {
    //! Through the public API, against a wiremock server.

    use serde_json::json;
    use wiremock::matchers::{body_json, header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::{call, redact};
    use crate::operation::find;
    use crate::{Error, ErrorExt, vpn_v5};

    const PROJECT: &str = "0123456789abcdef0123456789abcdef";

    fn v5(suffix: &str) -> String {
        format!("/v5/{PROJECT}{suffix}")
    }

    async fn client(server: &MockServer) -> vpn_v5::Client {
        vpn_v5::Client::for_project(&server.uri(), PROJECT).unwrap()
    }

    #[tokio::test]
    async fn path_parameters_are_percent_encoded_and_the_body_is_returned() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(v5("/vpn-connection/a%20b%2Fc")))
            .and(header("accept", "application/json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "vpn_connection": {"id": "a b/c", "status": "ACTIVE"}
            })))
            .expect(1)
            .mount(&server)
            .await;
        let op = find("ShowVpnConnection").unwrap();
        let shown = call(
            &client(&server).await,
            op,
            &[("vpn_connection_id", "a b/c")],
            &[],
            None,
        )
        .await
        .unwrap();
        assert_eq!(shown.status().as_u16(), 200);
        assert_eq!(shown.into_inner()["vpn_connection"]["status"], "ACTIVE");
    }

    #[tokio::test]
    async fn query_lists_repeat_and_bad_parameters_are_refused_before_sending() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(v5("/connection-monitors")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "connection_monitors": []
            })))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server).await;
        let op = find("ListConnectionMonitors").unwrap();
        let query = [
            ("enterprise_project_id", "0"),
            ("enterprise_project_id", "1"),
        ];
        call(&client, op, &[], &query, None).await.unwrap();
        let sent = server.received_requests().await.unwrap();
        assert_eq!(
            sent[0].url.query(),
            Some("enterprise_project_id=0&enterprise_project_id=1")
        );

        for (path_params, query, expected) in [
            (
                &[][..],
                &[("nope", "1")][..],
                "has no query parameter `nope`",
            ),
            (
                &[][..],
                &[("vpn_connection_id", "a"), ("vpn_connection_id", "b")][..],
                "given more than once",
            ),
            (&[("id", "x")][..], &[][..], "has no path parameter `id`"),
        ] {
            match call(&client, op, path_params, query, None).await {
                Err(Error::InvalidRequest(message)) => {
                    assert!(message.contains(expected), "{message}")
                }
                other => panic!("expected InvalidRequest, got {other:?}"),
            }
        }
        let show = find("ShowVpnConnection").unwrap();
        for (given, expected) in [
            (&[][..], "`vpn_connection_id` is required"),
            (&[("vpn_connection_id", " ")][..], "must not be empty"),
            (
                &[("vpn_connection_id", "..")][..],
                "`vpn_connection_id` must not be `.` or `..`",
            ),
            (
                &[("vpn_connection_id", ".")][..],
                "`vpn_connection_id` must not be `.` or `..`",
            ),
        ] {
            match call(&client, show, given, &[], None).await {
                Err(Error::InvalidRequest(message)) => {
                    assert!(message.contains(expected), "{message}")
                }
                other => panic!("expected InvalidRequest, got {other:?}"),
            }
        }
        let list = find("ListVpnConnections").unwrap();
        for (limit, expected) in [
            ("many", "limit: not an integer"),
            ("5000", "limit: must be between 0 and 2000, got 5000"),
        ] {
            match call(&client, list, &[], &[("limit", limit)], None).await {
                Err(Error::InvalidRequest(message)) => {
                    assert!(message.contains(expected), "{message}")
                }
                other => panic!("expected InvalidRequest, got {other:?}"),
            }
        }
        // Only the first call was sent.
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn bodies_are_checked_by_the_generated_type_and_secrets_not_quoted() {
        let server = MockServer::start().await;
        let body = json!({"connection_monitor": {"vpn_connection_id": "c-1"}});
        Mock::given(method("POST"))
            .and(path(v5("/connection-monitors")))
            .and(body_json(&body))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({
                "connection_monitor": {"id": "m-1", "vpn_connection_id": "c-1"}
            })))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server).await;
        let create = find("CreateConnectionMonitor").unwrap();
        let created = call(&client, create, &[], &[], Some(&body)).await.unwrap();
        assert_eq!(created.into_inner()["connection_monitor"]["id"], "m-1");

        // A missing wrapper, and a key of the wrong type: not sent, and not quoted.
        match call(&client, create, &[], &[], None).await {
            Err(Error::InvalidRequest(message)) => {
                assert!(
                    message.contains("missing field `connection_monitor`"),
                    "{message}"
                )
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
        let connection = find("CreateVpnConnection").unwrap();
        let bad = json!({"vpn_connection": {
            "vgw_id": "a", "vgw_ip": "b", "cgw_id": "c", "psk": 123456789}});
        match call(&client, connection, &[], &[], Some(&bad)).await {
            Err(Error::InvalidRequest(message)) => {
                assert!(message.contains("vpn_connection.psk"), "{message}");
                assert!(!message.contains("123456789"), "{message}");
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
        // A body for an operation that takes none.
        let show = find("ShowVpnConnection").unwrap();
        let refused = call(
            &client,
            show,
            &[("vpn_connection_id", "x")],
            &[],
            Some(&body),
        )
        .await;
        assert!(
            matches!(refused, Err(Error::InvalidRequest(_))),
            "{refused:?}"
        );
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn answers_other_than_the_documented_success_are_errors() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(v5("/vpn-connection/gone")))
            .respond_with(
                ResponseTemplate::new(404)
                    .insert_header("X-Request-Id", "req-404")
                    .set_body_json(json!({"code": "VPN.0004", "message": "not found"})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(v5("/vpn-connection/odd")))
            .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(v5("/vpn-connection/bad")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"vpn_connection": 5})))
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .and(path(v5("/vpn-connection/gone")))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        let client = client(&server).await;
        let show = find("ShowVpnConnection").unwrap();
        let client = &client;
        let read = |id: &'static str| async move {
            call(client, show, &[("vpn_connection_id", id)], &[], None).await
        };

        let error = read("gone").await.unwrap_err();
        assert_eq!(error.http_status(), Some(404));
        assert_eq!(
            error.service_error().and_then(|e| e.code()),
            Some("VPN.0004")
        );
        assert_eq!(error.request_id(), Some("req-404"));
        assert!(matches!(
            read("odd").await,
            Err(Error::UnexpectedResponse(r)) if r.status().as_u16() == 202
        ));
        assert!(matches!(
            read("bad").await,
            Err(Error::InvalidResponsePayload(..))
        ));

        let delete = find("DeleteVpnConnection").unwrap();
        let deleted = call(client, delete, &[("vpn_connection_id", "gone")], &[], None)
            .await
            .unwrap();
        assert_eq!(deleted.status().as_u16(), 204);
        assert!(deleted.into_inner().is_null());
    }

    #[tokio::test]
    async fn all_items_follows_the_next_marker() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(v5("/vpn-connection")))
            .and(query_param("marker", "m2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "vpn_connections": [{"id": "c-3"}],
                "page_info": {"next_marker": "m2"}
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(v5("/vpn-connection")))
            .and(query_param("marker", "m1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "vpn_connections": [{"id": "c-2"}],
                "page_info": {"next_marker": "m2"}
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(v5("/vpn-connection")))
            .and(query_param("limit", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "vpn_connections": [{"id": "c-1"}],
                "page_info": {"next_marker": "m1"}
            })))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        let client = client(&server).await;
        let list = find("ListVpnConnections").unwrap();
        let items = super::all_items(&client, list, &[], &[("limit", "1")])
            .await
            .unwrap();
        let ids: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
        // The marker that does not move ends the walk.
        assert_eq!(ids, ["c-1", "c-2", "c-3"]);
        let sent = server.received_requests().await.unwrap();
        assert_eq!(sent.len(), 3);
        assert_eq!(sent[2].url.query(), Some("limit=1&marker=m2"));
    }

    #[cfg(feature = "legacy")]
    #[tokio::test]
    async fn an_operation_of_another_module_is_refused() {
        let server = MockServer::start().await;
        let op = find("ListIpsecSiteConnections").unwrap();
        let refused = call(&client(&server).await, op, &[], &[], None).await;
        assert!(
            matches!(&refused, Err(Error::InvalidRequest(m)) if m.contains("ipsec_v2")),
            "{refused:?}"
        );
    }

    #[tokio::test]
    async fn calls_can_be_spawned() {
        // The futures are `Send`, as the generated methods' are.
        let server = MockServer::start().await;
        let client = client(&server).await;
        let op = find("ShowQuotasInfo").unwrap();
        let spawned = tokio::spawn(async move { call(&client, op, &[], &[], None).await });
        assert!(spawned.await.unwrap().is_err(), "nothing is mounted: a 404");
    }

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
