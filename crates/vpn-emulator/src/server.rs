//! Request handling: request ids, authentication, routing from the spec's paths, the project,
//! validation against the specs, then the engine; and the error shapes of each API. Also the
//! connections themselves (hyper's HTTP/1), so that an injected fault can drop one.

use std::convert::Infallible;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::auth::{self, Credentials};
use crate::call::{Call, Fault};
use crate::faults::{FaultKind, Injector, Plan};
use crate::model::{Api, Model};
use crate::routes::{Routed, Router};
use crate::spec::Specs;
use crate::store::Store;
use crate::{discovery, engine};

/// Largest request body read (bigger ones are rejected).
const MAX_BODY: usize = 1024 * 1024;

/// The project of legacy requests that name none (no `X-Project-Id`) when the emulator is
/// not restricted to a project.
pub(crate) const DEFAULT_LEGACY_PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// What every request handler shares.
pub(crate) struct Shared {
    pub specs: &'static Specs,
    pub model: &'static Model,
    pub router: &'static Router,
    pub delay: Duration,
    pub credentials: Option<Credentials>,
    pub project: Option<String>,
    pub store: Mutex<Store>,
    /// The faults injected (an injector without rules injects none).
    pub faults: Mutex<Injector>,
}

impl Shared {
    fn store(&self) -> MutexGuard<'_, Store> {
        // A poisoned lock only means a handler panicked (and answered 500); the data is
        // still consistent enough for an emulator.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Serves one connection until it closes, `stop` says so (then after the request under way),
/// or a fault drops it.
pub(crate) async fn serve_connection(
    shared: Arc<Shared>,
    stream: tokio::net::TcpStream,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let drop_connection = Arc::new(tokio::sync::Notify::new());
    let service = {
        let drop_connection = drop_connection.clone();
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let shared = shared.clone();
            let drop_connection = drop_connection.clone();
            async move {
                Ok::<_, Infallible>(
                    entry(State(shared), request.map(Body::new), &drop_connection).await,
                )
            }
        })
    };
    let connection = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = drop_connection.notified() => {}
        _ = async { stop.wait_for(|stopped| *stopped).await.map(|_| ()) } => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Every request: the faults planned for it, then [`process`].
pub(crate) async fn entry(
    State(shared): State<Arc<Shared>>,
    request: Request,
    drop_connection: &tokio::sync::Notify,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let (parts, body) = request.into_parts();
    let api = api_of_path(parts.uri.path());
    let plan = plan_faults(&shared, &parts.method, parts.uri.path());
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    match plan.fault {
        Some(FaultKind::Reset) => {
            drop_connection.notify_one();
            return std::future::pending().await;
        }
        Some(FaultKind::Throttle { retry_after }) => {
            let fault = Fault {
                status: 429,
                code: "APIGW.0308",
                neutron_type: "OverLimit".into(),
                message: "The throttling threshold has been reached (injected fault)".into(),
            };
            let mut answer = render(Answer::Fault(api, fault), &request_id);
            answer
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            return answer;
        }
        Some(FaultKind::Status(status)) => {
            let fault = Fault {
                status,
                code: "VPN.0002",
                neutron_type: "HTTPServiceUnavailable".into(),
                message: format!("injected fault: {status}"),
            };
            return render(Answer::Fault(api, fault), &request_id);
        }
        Some(FaultKind::Lost | FaultKind::Latency(_)) | None => {}
    }
    let answer = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => {
            let shared = &shared;
            catch_unwind(AssertUnwindSafe(|| {
                process(shared, &parts.method, &parts.uri, &parts.headers, &bytes)
            }))
            .unwrap_or_else(|_| Answer::Fault(api, Fault::internal()))
        }
        Err(_) => Answer::Fault(
            api,
            Fault::invalid(format!("body: must be at most {MAX_BODY} bytes")),
        ),
    };
    if plan.fault == Some(FaultKind::Lost) {
        // Handled; the answer never leaves.
        drop_connection.notify_one();
        return std::future::pending().await;
    }
    render(answer, &request_id)
}

/// The faults for a request, drawn by the operation it routes to.
fn plan_faults(shared: &Shared, method: &Method, path: &str) -> Plan {
    let mut injector = shared.faults.lock().unwrap_or_else(|e| e.into_inner());
    if !injector.active() {
        return Plan::default();
    }
    let operation = match shared.router.route(method, path) {
        Routed::Found { operation, .. } => shared.model.ops.get(operation).map(|op| op.id.as_str()),
        _ => None,
    };
    injector.plan(operation)
}

/// The API of a path no operation matched (the shape of its 404).
fn api_of_path(path: &str) -> Api {
    if path.starts_with("/v2.0/") {
        Api::Legacy
    } else {
        Api::V5
    }
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
    if let Some(document) = discovery::answer(shared.model, method, uri.path(), headers) {
        return Answer::Success {
            api: Api::Legacy,
            status: 200,
            body: Some(document),
        };
    }
    if let Some(credentials) = &shared.credentials
        && let Err(reason) =
            auth::verify(credentials, method, uri, headers, body, SystemTime::now())
    {
        return Answer::Unauthorized(reason);
    }

    let (index, path) = match shared.router.route(method, uri.path()) {
        Routed::Found { operation, params } => (operation, params),
        Routed::NotAllowed(allow) => {
            return Answer::MethodNotAllowed(api_of_path(uri.path()), allow);
        }
        Routed::NoRoute => return Answer::NoRoute(api_of_path(uri.path())),
    };
    let Some(op) = shared.model.ops.get(index) else {
        return Answer::NoRoute(api_of_path(uri.path()));
    };
    let api = op.api;

    let project = match project(shared, &path, headers) {
        Ok(project) => project,
        Err(fault) => return Answer::Fault(api, fault),
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
    if let Err(invalid) = shared.specs.check_query(&op.id, &query) {
        return Answer::Fault(api, Fault::invalid(invalid));
    }
    let body = match shared.specs.check_body(&op.id, body) {
        Ok(value) => value.unwrap_or(Value::Null),
        Err(errors) => {
            let text: Vec<String> = errors.iter().take(10).map(ToString::to_string).collect();
            return Answer::Fault(api, Fault::invalid(text.join("; ")));
        }
    };

    let id = path.last().map(|(_, v)| v.clone()).unwrap_or_default();
    let call = Call {
        project,
        path,
        id,
        query,
        body,
        now: Instant::now(),
        delay: shared.delay,
    };
    let result = {
        let mut store = shared.store();
        engine::run(shared.model, op, &mut store, &call)
    };
    match result {
        Ok(success) => {
            let mut body = success.body;
            if let Some(value) = &mut body {
                shared.specs.shape_response(&op.id, success.status, value);
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

/// The project of a request: the path's `project_id` (VPN v5), else `X-Project-Id` (legacy),
/// else the one served, else the default.
fn project(
    shared: &Shared,
    path: &[(String, String)],
    headers: &HeaderMap,
) -> Result<String, Fault> {
    if let Some((_, project)) = path.iter().find(|(name, _)| name == "project_id") {
        if !is_project_id(project) {
            return Err(Fault::invalid_field(
                "project_id",
                "must be 32 hexadecimal characters",
            ));
        }
        if let Some(only) = &shared.project
            && !only.eq_ignore_ascii_case(project)
        {
            return Err(Fault::forbidden_project());
        }
        return Ok(project.to_ascii_lowercase());
    }
    let named = headers
        .get("x-project-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    match (named, &shared.project) {
        (Some(named), _) if !is_project_id(named) => Err(Fault::invalid_field(
            "X-Project-Id",
            "must be 32 hexadecimal characters",
        )),
        (Some(named), Some(only)) if !only.eq_ignore_ascii_case(named) => {
            Err(Fault::forbidden_project())
        }
        (Some(named), _) => Ok(named.to_ascii_lowercase()),
        (None, Some(only)) => Ok(only.clone()),
        (None, None) => Ok(DEFAULT_LEGACY_PROJECT.to_string()),
    }
}

pub(crate) fn is_project_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
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
                Api::Legacy => json!({"NeutronError": {
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
                neutron_type: "HTTPMethodNotAllowed".into(),
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
        Api::Legacy => json!({"NeutronError": {
            "type": fault.neutron_type,
            "message": fault.message,
            "detail": "",
        }}),
    }
}
