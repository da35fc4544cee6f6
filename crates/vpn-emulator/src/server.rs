//! Request handling: request ids, authentication, routing, validation against the specs,
//! then the operation; and the error shapes of each API.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::auth::{self, Credentials};
use crate::spec::{Invalid, Specs};
use crate::store::Store;
use crate::{ipsec, v5};

/// Largest request body read (bigger ones are rejected).
const MAX_BODY: usize = 1024 * 1024;

/// The project of legacy requests that name none (no `X-Project-Id`) when the emulator is
/// not restricted to a project.
pub(crate) const DEFAULT_LEGACY_PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// What every request handler shares.
pub(crate) struct Shared {
    pub specs: &'static Specs,
    pub delay: Duration,
    pub credentials: Option<Credentials>,
    pub project: Option<String>,
    pub store: Mutex<Store>,
}

impl Shared {
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        // A poisoned lock only means a handler panicked (and answered 500); the data is
        // still consistent enough for an emulator.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Which API a path belongs to; the error body shape follows from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    V5,
    Ipsec,
}

/// An error answer, rendered in the shape of the API it concerns.
#[derive(Debug)]
pub(crate) struct Fault {
    pub status: u16,
    /// VPN service code (`VPN.0001`) or, for API gateway errors, `APIGW.xxxx`.
    pub code: &'static str,
    /// Neutron exception name for the legacy API (`IPsecSiteConnectionNotFound`).
    pub neutron_type: &'static str,
    pub message: String,
}

impl Fault {
    pub(crate) fn invalid(message: impl std::fmt::Display) -> Fault {
        Fault {
            status: 400,
            code: "VPN.0001",
            neutron_type: "HTTPBadRequest",
            message: format!("invalid request: {message}"),
        }
    }

    pub(crate) fn invalid_field(at: &str, rule: &str) -> Fault {
        Fault::invalid(Invalid::new(at, rule))
    }

    pub(crate) fn not_found(what: &str, id: &str) -> Fault {
        Fault {
            status: 404,
            code: "VPN.0004",
            neutron_type: "HTTPNotFound",
            message: format!("resource not found: {what} {id} not found"),
        }
    }

    /// 400 `VPN.0011`: the resource is still used by others (gateway or customer gateway with
    /// connections, an EIP used by connections).
    pub(crate) fn in_use(message: String) -> Fault {
        Fault {
            status: 400,
            code: "VPN.0011",
            neutron_type: "HTTPConflict",
            message,
        }
    }

    /// 400 `VPN.0012`: the connection already has a connection monitor.
    pub(crate) fn duplicate(message: String) -> Fault {
        Fault {
            status: 400,
            code: "VPN.0012",
            neutron_type: "HTTPConflict",
            message,
        }
    }
}

/// A successful answer of an operation.
pub(crate) struct Success {
    pub status: u16,
    pub body: Option<Value>,
}

impl Success {
    pub(crate) fn ok(body: Value) -> Success {
        Success {
            status: 200,
            body: Some(body),
        }
    }
    pub(crate) fn created(body: Value) -> Success {
        Success {
            status: 201,
            body: Some(body),
        }
    }
    pub(crate) fn no_content() -> Success {
        Success {
            status: 204,
            body: None,
        }
    }
}

/// What an operation handler gets.
pub(crate) struct Call {
    pub project: String,
    /// The resource id of `/{collection}/{id}` paths, percent-decoded.
    pub id: String,
    pub query: Vec<(String, String)>,
    pub body: Value,
    pub now: Instant,
    pub delay: Duration,
}

impl Call {
    /// The first value of a query parameter.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeatable query parameter.
    pub(crate) fn params(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

type Handler = fn(&mut Store, &Call) -> Result<Success, Fault>;

struct Route {
    api: Api,
    method: Method,
    /// Segments after `/v5/{project_id}` (v5) or after the root (legacy); `{}` is the id.
    segments: &'static [&'static str],
    operation: &'static str,
    handler: Handler,
}

macro_rules! route {
    ($api:ident, $method:ident, [$($seg:expr),*], $op:expr, $handler:path) => {
        Route {
            api: Api::$api,
            method: Method::$method,
            segments: &[$($seg),*],
            operation: $op,
            handler: $handler,
        }
    };
}

/// Every operation the emulator serves. Literal segments come before `{}` so that
/// `vpn-gateways/availability-zones` is not read as a gateway id.
fn routes() -> &'static [Route] {
    static ROUTES: std::sync::OnceLock<Vec<Route>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| {
        vec![
            route!(
                V5,
                GET,
                ["vpn-gateways", "availability-zones"],
                "ListAvailabilityZones",
                v5::list_availability_zones
            ),
            route!(V5, POST, ["vpn-gateways"], "CreateVgw", v5::create_vgw),
            route!(V5, GET, ["vpn-gateways"], "ListVgws", v5::list_vgws),
            route!(V5, GET, ["vpn-gateways", "{}"], "ShowVgw", v5::show_vgw),
            route!(V5, PUT, ["vpn-gateways", "{}"], "UpdateVgw", v5::update_vgw),
            route!(
                V5,
                DELETE,
                ["vpn-gateways", "{}"],
                "DeleteVgw",
                v5::delete_vgw
            ),
            route!(V5, POST, ["customer-gateways"], "CreateCgw", v5::create_cgw),
            route!(V5, GET, ["customer-gateways"], "ListCgws", v5::list_cgws),
            route!(
                V5,
                GET,
                ["customer-gateways", "{}"],
                "ShowCgw",
                v5::show_cgw
            ),
            route!(
                V5,
                PUT,
                ["customer-gateways", "{}"],
                "UpdateCgw",
                v5::update_cgw
            ),
            route!(
                V5,
                DELETE,
                ["customer-gateways", "{}"],
                "DeleteCgw",
                v5::delete_cgw
            ),
            route!(
                V5,
                POST,
                ["vpn-connection"],
                "CreateVpnConnection",
                v5::create_connection
            ),
            route!(
                V5,
                GET,
                ["vpn-connection"],
                "ListVpnConnections",
                v5::list_connections
            ),
            route!(
                V5,
                GET,
                ["vpn-connection", "{}"],
                "ShowVpnConnection",
                v5::show_connection
            ),
            route!(
                V5,
                PUT,
                ["vpn-connection", "{}"],
                "UpdateVpnConnection",
                v5::update_connection
            ),
            route!(
                V5,
                DELETE,
                ["vpn-connection", "{}"],
                "DeleteVpnConnection",
                v5::delete_connection
            ),
            route!(
                V5,
                POST,
                ["connection-monitors"],
                "CreateConnectionMonitor",
                v5::create_monitor
            ),
            route!(
                V5,
                GET,
                ["connection-monitors"],
                "ListConnectionMonitors",
                v5::list_monitors
            ),
            route!(
                V5,
                GET,
                ["connection-monitors", "{}"],
                "ShowConnectionMonitor",
                v5::show_monitor
            ),
            route!(
                V5,
                DELETE,
                ["connection-monitors", "{}"],
                "DeleteConnectionMonitor",
                v5::delete_monitor
            ),
            route!(
                V5,
                GET,
                ["vpn", "quotas"],
                "ShowQuotasInfo",
                v5::show_quotas
            ),
            route!(
                Ipsec,
                POST,
                ["v2.0", "vpn", "ipsec-site-connections"],
                "CreateIpsecSiteConnection",
                ipsec::create
            ),
            route!(
                Ipsec,
                GET,
                ["v2.0", "vpn", "ipsec-site-connections"],
                "ListIpsecSiteConnections",
                ipsec::list
            ),
            route!(
                Ipsec,
                GET,
                ["v2.0", "vpn", "ipsec-site-connections", "{}"],
                "ShowIpsecSiteConnection",
                ipsec::show
            ),
            route!(
                Ipsec,
                PUT,
                ["v2.0", "vpn", "ipsec-site-connections", "{}"],
                "UpdateIpsecSiteConnection",
                ipsec::update
            ),
            route!(
                Ipsec,
                DELETE,
                ["v2.0", "vpn", "ipsec-site-connections", "{}"],
                "DeleteIpsecSiteConnection",
                ipsec::delete
            ),
        ]
    })
}

/// The operation ids the emulator serves.
pub(crate) fn served_operations() -> Vec<&'static str> {
    routes().iter().map(|r| r.operation).collect()
}

/// The axum handler for every request.
pub(crate) async fn entry(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let (parts, body) = request.into_parts();
    let api = if parts.uri.path().starts_with("/v2.0/") {
        Api::Ipsec
    } else {
        Api::V5
    };
    let answer = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => {
            let shared = &shared;
            catch_unwind(AssertUnwindSafe(|| {
                process(shared, &parts.method, &parts.uri, &parts.headers, &bytes)
            }))
            .unwrap_or_else(|_| {
                Answer::Fault(
                    api,
                    Fault {
                        status: 500,
                        code: "VPN.0002",
                        neutron_type: "HTTPInternalServerError",
                        message: "internal server error".into(),
                    },
                )
            })
        }
        Err(_) => Answer::Fault(
            api,
            Fault::invalid(format!("body: must be at most {MAX_BODY} bytes")),
        ),
    };
    render(answer, &request_id)
}

/// The outcome of a request before the request id is put in.
enum Answer {
    Success {
        api: Api,
        status: u16,
        body: Option<Value>,
    },
    Fault(Api, Fault),
    /// 401 from the API gateway.
    Unauthorized(String),
    /// No such API (404 `APIGW.0101`).
    NoRoute(Api),
    /// The path exists, the method does not: 405 with `Allow`.
    MethodNotAllowed(Api, String),
}

fn process(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Answer {
    let raw_segments: Vec<&str> = uri.path().split('/').skip(1).collect();
    let segments: Vec<String> = raw_segments.iter().map(|s| decode_segment(s)).collect();
    let (api, route_segments, path_project) =
        if segments.first().map(String::as_str) == Some("v5") && segments.len() >= 3 {
            (Api::V5, &segments[2..], Some(segments[1].as_str()))
        } else if segments.first().map(String::as_str) == Some("v2.0") {
            (Api::Ipsec, &segments[..], None)
        } else {
            (Api::V5, &segments[..0], None)
        };

    if let Some(credentials) = &shared.credentials
        && let Err(reason) =
            auth::verify(credentials, method, uri, headers, body, SystemTime::now())
    {
        return Answer::Unauthorized(reason);
    }

    // Route.
    let mut candidates: Vec<(&Route, String)> = routes()
        .iter()
        .filter(|r| r.api == api)
        .filter_map(|r| matches(r.segments, route_segments).map(|id| (r, id)))
        .collect();
    // A literal segment beats `{}`: `vpn-gateways/availability-zones` is that resource
    // only (GET), not a gateway id.
    let literals = |r: &Route| r.segments.iter().filter(|s| **s != "{}").count();
    if let Some(best) = candidates.iter().map(|(r, _)| literals(r)).max() {
        candidates.retain(|(r, _)| literals(r) == best);
    }
    if candidates.is_empty() || (api == Api::V5 && path_project.is_none()) {
        return Answer::NoRoute(api);
    }
    let Some((route, id)) = candidates.iter().find(|(r, _)| r.method == method) else {
        let mut allow: Vec<&str> = candidates.iter().map(|(r, _)| r.method.as_str()).collect();
        allow.dedup();
        return Answer::MethodNotAllowed(api, allow.join(", "));
    };

    // Project.
    let project = match api {
        Api::V5 => {
            let project = path_project.unwrap_or_default();
            if !is_project_id(project) {
                return Answer::Fault(
                    api,
                    Fault::invalid_field("project_id", "must be 32 hexadecimal characters"),
                );
            }
            if let Some(only) = &shared.project
                && !only.eq_ignore_ascii_case(project)
            {
                return Answer::Fault(api, forbidden_project());
            }
            project.to_ascii_lowercase()
        }
        Api::Ipsec => {
            let named = headers
                .get("x-project-id")
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty());
            match (named, &shared.project) {
                (Some(named), _) if !is_project_id(named) => {
                    return Answer::Fault(
                        api,
                        Fault::invalid_field("X-Project-Id", "must be 32 hexadecimal characters"),
                    );
                }
                (Some(named), Some(only)) if !only.eq_ignore_ascii_case(named) => {
                    return Answer::Fault(api, forbidden_project());
                }
                (Some(named), _) => named.to_ascii_lowercase(),
                (None, Some(only)) => only.clone(),
                (None, None) => DEFAULT_LEGACY_PROJECT.to_string(),
            }
        }
    };

    // Validation against the spec.
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    if let Err(invalid) = shared.specs.check_query(route.operation, &query) {
        return Answer::Fault(api, Fault::invalid(invalid));
    }
    let body = match shared.specs.check_body(route.operation, body) {
        Ok(value) => value.unwrap_or(Value::Null),
        Err(errors) => {
            let text: Vec<String> = errors.iter().take(10).map(ToString::to_string).collect();
            return Answer::Fault(api, Fault::invalid(text.join("; ")));
        }
    };

    let call = Call {
        project,
        id: id.clone(),
        query,
        body,
        now: Instant::now(),
        delay: shared.delay,
    };
    let result = {
        let mut store = shared.store();
        (route.handler)(&mut store, &call)
    };
    match result {
        Ok(success) => {
            let mut body = success.body;
            if let Some(value) = &mut body {
                shared
                    .specs
                    .prune_response(route.operation, success.status, value);
            }
            Answer::Success {
                api,
                status: success.status,
                body,
            }
        }
        Err(fault) => Answer::Fault(api, fault),
    }
}

fn forbidden_project() -> Fault {
    Fault {
        status: 403,
        code: "VPN.0003",
        neutron_type: "HTTPForbidden",
        message: "forbidden: the credentials are not authorized for this project".into(),
    }
}

pub(crate) fn is_project_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `Some(id)` (empty for collection routes) when `path` fits `template`.
fn matches(template: &[&str], path: &[String]) -> Option<String> {
    if template.len() != path.len() {
        return None;
    }
    let mut id = String::new();
    for (t, p) in template.iter().zip(path) {
        if *t == "{}" {
            if p.is_empty() {
                return None;
            }
            id = p.clone();
        } else if t != p {
            return None;
        }
    }
    Some(id)
}

fn decode_segment(segment: &str) -> String {
    percent_decode(segment)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn render(answer: Answer, request_id: &str) -> Response {
    let (status, body, allow) = match answer {
        Answer::Success { api, status, body } => {
            let body = body.map(|mut b| {
                if api == Api::V5
                    && let Some(obj) = b.as_object_mut()
                {
                    obj.insert("request_id".into(), json!(request_id));
                }
                b
            });
            (status, body, None)
        }
        Answer::Fault(api, fault) => (
            fault.status,
            Some(fault_body(api, &fault, request_id)),
            None,
        ),
        Answer::Unauthorized(reason) => (
            401,
            Some(json!({
                "error_code": "APIGW.0301",
                "error_msg": format!("Incorrect IAM authentication information: {reason}"),
                "request_id": request_id,
            })),
            None,
        ),
        Answer::NoRoute(api) => (
            404,
            Some(match api {
                Api::V5 => json!({
                    "error_code": "APIGW.0101",
                    "error_msg": "The API does not exist or has not been published in the environment",
                    "request_id": request_id,
                }),
                Api::Ipsec => json!({"NeutronError": {
                    "type": "HTTPNotFound",
                    "message": "The resource could not be found.",
                    "detail": "",
                }}),
            }),
            None,
        ),
        Answer::MethodNotAllowed(api, allow) => {
            let fault = Fault {
                status: 405,
                code: "VPN.0001",
                neutron_type: "HTTPMethodNotAllowed",
                message: format!("method not allowed: use {allow}"),
            };
            (405, Some(fault_body(api, &fault, request_id)), Some(allow))
        }
    };
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        builder = builder.header("x-request-id", value);
    }
    if let Some(allow) = allow.and_then(|a| HeaderValue::from_str(&a).ok()) {
        builder = builder.header(header::ALLOW, allow);
    }
    let body = match body {
        Some(value) => {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
            Body::from(serde_json::to_vec(&value).unwrap_or_default())
        }
        None => Body::empty(),
    };
    builder
        .body(body)
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

fn fault_body(api: Api, fault: &Fault, request_id: &str) -> Value {
    match api {
        Api::V5 => json!({
            "code": fault.code,
            "message": fault.message,
            "request_id": request_id,
        }),
        Api::Ipsec => json!({"NeutronError": {
            "type": fault.neutron_type,
            "message": fault.message,
            "detail": "",
        }}),
    }
}
