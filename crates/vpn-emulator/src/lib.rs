//! A stateful, in-memory emulator of the Huawei Cloud **VPN v5 API** and the legacy
//! **IPsec (Neutron v2.0) API**, for tests and local development.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! use vpn_emulator::{Config, Emulator};
//!
//! let emulator = Emulator::start(Config {
//!     transition_delay: Duration::from_millis(50),
//!     ..Config::default()
//! })
//! .await?;
//! let endpoint = emulator.url(); // "http://127.0.0.1:41234": VPN v5 and legacy IPsec API
//! # let _ = endpoint;
//! emulator.shutdown();
//! # Ok(()) }
//! ```
//!
//! What it does is described in this crate's `README.md`: the operations, the validation
//! against the specs in `openapi/`, the error bodies and codes, statuses, pagination and
//! AK/SK verification.

mod auth;
mod call;
mod clock;
mod discovery;
mod engine;
mod faults;
mod hooks;
mod model;
mod routes;
mod server;
mod spec;
mod store;
mod synth;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use huaweicloud_vpn::SecretString;
use tokio::sync::watch;

pub use faults::{FaultCounts, FaultKind, FaultRule, Faults};
pub use spec::{IPSEC_V2_SPEC, VPN_V5_SPEC};

/// How to run an emulator.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on (default `127.0.0.1`).
    pub host: IpAddr,
    /// Port to listen on; 0 (the default) picks a free one.
    pub port: u16,
    /// How long new or changed resources stay `PENDING_CREATE` / `PENDING_UPDATE` before they
    /// are `ACTIVE` (default: 0, so they are `ACTIVE` at once).
    pub transition_delay: Duration,
    /// `Some((ak, sk))`: every request must carry a valid `SDK-HMAC-SHA256` signature made with
    /// these keys (else 401 `APIGW.0301`). `None` (the default): anything is accepted.
    pub credentials: Option<(String, String)>,
    /// Faults to inject (default: none); [`Emulator::set_faults`] changes them while it runs.
    pub faults: Faults,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            transition_delay: Duration::ZERO,
            credentials: None,
            faults: Faults::default(),
        }
    }
}

/// A running emulator. It stops on [`shutdown`](Self::shutdown) or when dropped.
pub struct Emulator {
    address: SocketAddr,
    stop: Option<watch::Sender<bool>>,
    shared: Arc<server::Shared>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Starts an emulator serving every project (any 32-hex project id in the path).
    ///
    /// Must be called inside a Tokio runtime; the server runs on it until stopped.
    pub async fn start(config: Config) -> std::io::Result<Emulator> {
        Emulator::launch(config, None).await
    }

    /// Like [`start`](Self::start), but only `project_id` (32 hex characters) is served:
    /// requests for another project are answered 403 `VPN.0003`.
    pub async fn start_for_project(
        config: Config,
        project_id: impl Into<String>,
    ) -> std::io::Result<Emulator> {
        let project_id = project_id.into();
        if !server::is_project_id(&project_id) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the project id must be 32 hexadecimal characters",
            ));
        }
        Emulator::launch(config, Some(project_id.to_ascii_lowercase())).await
    }

    async fn launch(config: Config, project: Option<String>) -> std::io::Result<Emulator> {
        let (specs, model, router) = served().map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("the embedded OpenAPI specs cannot be used: {e}"),
            )
        })?;
        let credentials = match config.credentials {
            Some((ak, sk)) => {
                if ak.is_empty() || sk.is_empty() {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "the access key and the secret key must not be empty",
                    ));
                }
                Some(auth::Credentials {
                    ak,
                    sk: SecretString::new(sk),
                })
            }
            None => None,
        };
        let shared = Arc::new(server::Shared {
            specs,
            model,
            router,
            delay: config.transition_delay,
            credentials,
            project,
            store: Mutex::new(store::Store::default()),
            faults: Mutex::new(faults::Injector::new(config.faults)),
        });
        let listener = tokio::net::TcpListener::bind((config.host, config.port)).await?;
        let address = listener.local_addr()?;
        let (stop, mut stopped) = watch::channel(false);
        let served = shared.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = async { stopped.wait_for(|stopped| *stopped).await.map(|_| ()) } => break,
                    accepted = listener.accept() => {
                        // A failed accept (out of descriptors, a connection reset while
                        // queued) concerns that connection only.
                        if let Ok((stream, _)) = accepted {
                            let _ = stream.set_nodelay(true);
                            tokio::spawn(server::serve_connection(
                                served.clone(),
                                stream,
                                stopped.clone(),
                            ));
                        }
                    }
                }
            }
        });
        Ok(Emulator {
            address,
            stop: Some(stop),
            shared,
        })
    }

    /// Replaces the faults injected from now on (the generator restarts from their seed and
    /// the counts from zero).
    ///
    /// ```no_run
    /// # async fn demo(emulator: &vpn_emulator::Emulator) -> Result<(), String> {
    /// use vpn_emulator::Faults;
    /// emulator.set_faults(Faults::parse(7, &["503@10%", "lost@5%:CreateVpnConnection"])?);
    /// // ... run the client ...
    /// println!("{} requests failed on purpose", emulator.fault_counts().failures());
    /// emulator.set_faults(Faults::default()); // none
    /// # Ok(()) }
    /// ```
    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults.lock().unwrap_or_else(|e| e.into_inner()) =
            faults::Injector::new(faults);
    }

    /// The faults in force.
    pub fn faults(&self) -> Faults {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .faults()
            .clone()
    }

    /// How many faults of each kind were injected since the faults were set.
    pub fn fault_counts(&self) -> FaultCounts {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .counts()
    }

    /// Every resource the emulator holds, as `(project, resource, id)` (resource as the body
    /// wraps it: `vpn_connection`), sorted: what a test compares with what it created.
    pub fn inventory(&self) -> Vec<(String, String, String)> {
        self.shared
            .store
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .inventory()
    }

    /// A VPN client connects to the P2C VPN gateway `p2c_vgw_id` of `project_id` as
    /// `user_name` from `client_ip` (what a laptop does; no API operation makes a client
    /// connection). The connection is then listed by ListP2cVgwConnections and can be
    /// disconnected with DeleteP2cVgwConnection. Returns its id, or `None` when the gateway
    /// is missing or not ACTIVE, has no ACTIVE VPN server, or the server authenticates local
    /// users (`LOCAL_PASSWORD`) and has no user named `user_name`.
    pub fn connect_p2c_client(
        &self,
        project_id: &str,
        p2c_vgw_id: &str,
        user_name: &str,
        client_ip: &str,
    ) -> Option<String> {
        let mut store = self.shared.store.lock().unwrap_or_else(|e| e.into_inner());
        let project = store.project(&project_id.to_ascii_lowercase());
        hooks::connect_p2c_client(project, p2c_vgw_id, user_name, client_ip)
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`: the VPN v5 endpoint (paths
    /// `/v5/{project_id}/...`), which also serves the legacy IPsec API (`/v2.0/vpn/...`).
    pub fn url(&self) -> String {
        match self.address {
            SocketAddr::V4(a) => format!("http://{}:{}", a.ip(), a.port()),
            SocketAddr::V6(a) => format!("http://[{}]:{}", a.ip(), a.port()),
        }
    }

    /// The address the emulator listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops the server: it takes no new connections, and open ones close after their
    /// current request.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(sender) = self.stop.take() {
            let _ = sender.send(true);
        }
    }
}

/// The specs, the model derived from them and the router over their paths, built once.
fn served() -> Result<
    (
        &'static spec::Specs,
        &'static model::Model,
        &'static routes::Router,
    ),
    String,
> {
    static SERVED: OnceLock<(model::Model, routes::Router)> = OnceLock::new();
    let specs = spec::specs()?;
    let (model, router) = SERVED.get_or_init(|| {
        let model = model::Model::build(specs.docs());
        let router = routes::Router::new(
            model
                .ops
                .iter()
                .enumerate()
                .map(|(i, op)| (op.path.as_str(), op.method.clone(), i)),
        );
        (model, router)
    });
    Ok((specs, model, router))
}

/// The operations the emulator serves, for checks against the specs: every operation id it
/// routes, plus every hook that names an operation or resource the specs do not have (as
/// `hook <name>`, so that a check against the specs fails on it).
pub fn served_operations() -> Vec<String> {
    let Ok((_, model, _)) = served() else {
        return Vec::new();
    };
    let mut served: Vec<String> = model.ops.iter().map(|op| op.id.clone()).collect();
    let (resources, operations) = hooks::registered();
    for name in resources {
        if !model.resources.iter().any(|r| r.key == name) {
            served.push(format!("hook {name}"));
        }
    }
    for id in operations {
        if !model.ops.iter().any(|op| op.id == id) {
            served.push(format!("hook {id}"));
        }
    }
    served
}

/// The method and path template (`GET /v5/{project_id}/vpn-connection`) of every operation
/// the emulator routes, by operation id.
pub fn served_routes() -> Vec<(String, String, String)> {
    served()
        .map(|(_, model, _)| {
            model
                .ops
                .iter()
                .map(|op| (op.id.clone(), op.method.to_string(), op.path.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The operation ids defined in `openapi/vpn-v5.yaml` and `openapi/ipsec-v2.yaml` as
/// embedded in this build.
pub fn spec_operations() -> Vec<String> {
    spec::specs()
        .map(|s| s.spec_operations())
        .unwrap_or_default()
}

/// Checks a response body against the spec's schema for an operation and status
/// (`Err`: one line per violation). Tests use it to hold the emulator to the specs.
pub fn check_response(
    operation_id: &str,
    status: u16,
    body: &serde_json::Value,
) -> Result<(), Vec<String>> {
    spec::specs()
        .map_err(|e| vec![e])?
        .check_response(operation_id, status, body)
}

/// A request body for an operation made up from its request schema (required properties,
/// from examples, defaults and first enum values), if the operation takes a body. Tests use it
/// to call every operation; it need not pass the rules a schema cannot say.
pub fn example_request(operation_id: &str) -> Option<serde_json::Value> {
    spec::specs().ok()?.example_body(operation_id)
}
