//! What the benchmarks share: a loopback server with canned answers, and the request and
//! response bodies.
//!
//! The server does as little as it can (no state, no validation, no authentication check), so
//! that a benchmark measures the client, not the server. It answers the three calls the
//! benchmarks make:
//!
//! - `POST /v5/{project_id}/vpn-connection`: 201 with the seed's created connection;
//! - `GET /v5/{project_id}/vpn-connection/{id}`: 200 with the seed's connection;
//! - `GET /v5/{project_id}/vpn-connection`: 200 with a page of [`LIST_ITEMS`] connections.
//!
//! The benchmarks start it in-process ([`Server::start`]); `vpn-bench-server` runs the same
//! server as a process for the official Python SDK (see `cargo xtask bench`).

pub mod calls;
pub mod soak;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

/// The project id every benchmark uses (32 hex characters, as the API's are).
pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

/// The credentials of the signed benchmarks (the server does not check them).
pub const AK: &str = "bench-ak";
/// See [`AK`].
pub const SK: &str = "bench-sk";

/// Items in the list page: the API's largest page (`limit` is at most 2,000).
pub const LIST_ITEMS: usize = 2_000;

/// The seed's create response (`tests/fixtures/CreateVpnConnection/response-201.seed-003.json`,
/// from seed 003).
pub const CREATE_RESPONSE: &str =
    include_str!("../../../tests/fixtures/CreateVpnConnection/response-201.seed-003.json");

/// The seed's show response (`tests/fixtures/ShowVpnConnection/response-200.seed-003.json`).
pub const SHOW_RESPONSE: &str =
    include_str!("../../../tests/fixtures/ShowVpnConnection/response-200.seed-003.json");

/// The one-item list fixture the 2,000-item page is made from
/// (`tests/fixtures/ListVpnConnections/response-200.built.json`).
const LIST_FIXTURE: &str =
    include_str!("../../../tests/fixtures/ListVpnConnections/response-200.built.json");

/// A `ListVpnConnections` page of `items` connections: the fixture's connections (static and
/// BGP, with policies, tags and a BGP peer) taken in turn with distinct ids, names and creation
/// times, then `page_info` and `total_count` as the API sends them.
pub fn list_page(items: usize) -> Vec<u8> {
    let fixture: serde_json::Value =
        serde_json::from_str(LIST_FIXTURE).expect("the list fixture is JSON");
    let templates = fixture["vpn_connections"]
        .as_array()
        .filter(|list| !list.is_empty())
        .expect("the list fixture has connections");
    let connections: Vec<serde_json::Value> = (0..items)
        .map(|i| {
            let mut c = templates[i % templates.len()].clone();
            c["id"] = format!("98c5af8a-{i:04x}-4a8d-8a86-ae2280a6f4c3").into();
            c["name"] = format!("vpn-{i}").into();
            c["created_at"] = format!("2022-11-26T13:{:02}:{:02}.626Z", i / 60 % 60, i % 60).into();
            c
        })
        .collect();
    let last = connections
        .last()
        .and_then(|c| c["created_at"].as_str())
        .map(str::to_owned);
    serde_json::to_vec(&serde_json::json!({
        "vpn_connections": connections,
        "page_info": { "next_marker": last, "current_count": items },
        "total_count": items,
        "request_id": "104c5608-b68b-462c-af17-ead2fb5ccee4",
    }))
    .expect("a JSON value serializes")
}

fn json(status: StatusCode, body: Bytes) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        "x-request-id",
        HeaderValue::from_static("104c5608-b68b-462c-af17-ead2fb5ccee4"),
    );
    response
}

/// The server's routes, with the canned bodies prepared once.
pub fn router() -> Router {
    let created = Bytes::from_static(CREATE_RESPONSE.as_bytes());
    let shown = Bytes::from_static(SHOW_RESPONSE.as_bytes());
    let page = Bytes::from(list_page(LIST_ITEMS));
    Router::new()
        .route(
            "/v5/{project_id}/vpn-connection",
            post(move |_body: Bytes| async move { json(StatusCode::CREATED, created) })
                .get(move || async move { json(StatusCode::OK, page) }),
        )
        .route(
            "/v5/{project_id}/vpn-connection/{id}",
            get(move || async move { json(StatusCode::OK, shown) }),
        )
}

/// The runtime the benchmarks drive the clients on: a single thread with timers and I/O (the
/// server has its own thread).
pub fn client_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// The server running on its own thread (a single-threaded runtime), until dropped.
pub struct Server {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts the server on `127.0.0.1` and a free port.
    pub fn start() -> std::io::Result<Server> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name("vpn-bench-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("a non-blocking std listener converts");
                    axum::serve(listener, router())
                        .with_graceful_shutdown(async {
                            let _ = stop.await;
                        })
                        .await
                        .expect("the benchmark server runs");
                })
            })?;
        Ok(Server {
            addr,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
