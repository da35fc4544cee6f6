//! Judge test: every operation of both specs, called through the generated client against a
//! Prism mock server that validates each request and each (example) response against the spec.
//!
//! Run it with `bash scripts/judges.sh`, or by hand:
//!
//! ```text
//! npm ci
//! cargo test -p vpn-tests --features prism --test prism
//! ```
//!
//! Prism (`node_modules/.bin/prism mock <spec> --errors`) is started once per test on a free
//! loopback port. With `--errors`, a request that breaks the spec gets a 4XX answer and a
//! response (mocked from the spec's examples) that breaks the spec gets a 500; either way Prism
//! lists what it found in an `sl-violations` response header. So each call must come back with
//! its documented 2XX status and without that header. The last test shows the judge is not a
//! rubber stamp: requests that break the spec are refused.
//!
//! Prism's own output goes to `<target>/tmp/prism-<test>.log`; its tail is in every failure
//! message.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use huaweicloud_vpn::{Error, ResponseValue, ServiceError, ipsec_v2, vpn_p2c, vpn_v5, vpn_v5_1};
use serde_json::{Value, json};

const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "test-token";
/// How long Prism may take to start answering (it parses the spec and builds its router first).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(90);

/// A running `prism mock`, killed when dropped (also when the test panics).
struct Prism {
    child: Child,
    /// `http://127.0.0.1:<port>`
    endpoint: String,
    log: PathBuf,
    spec: &'static str,
}

impl Prism {
    /// Starts Prism on `openapi/<spec>` and waits until it answers HTTP.
    async fn start(spec: &'static str, name: &str) -> Prism {
        let root = vpn_tests::root();
        let bin = root.join("node_modules/.bin/prism");
        assert!(
            bin.exists(),
            "{} is missing: run `npm ci` in {} first (or use scripts/judges.sh, which does)",
            bin.display(),
            root.display()
        );
        let spec_path = root.join("openapi").join(spec);
        assert!(spec_path.exists(), "{} is missing", spec_path.display());

        let port = free_port();
        let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("prism-{name}.log"));
        let out = File::create(&log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        let err = out.try_clone().unwrap();
        let child = Command::new(&bin)
            .arg("mock")
            .arg(&spec_path)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--errors",
            ])
            .current_dir(&root)
            .env("NO_COLOR", "1")
            .env("FORCE_COLOR", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut prism = Prism {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            log,
            spec,
        };
        prism.wait_ready().await;
        prism
    }

    async fn wait_ready(&mut self) {
        let probe = huaweicloud_vpn::http_client_builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "Prism for {} exited before answering ({status}){}",
                    self.spec,
                    self.log_tail()
                );
            }
            // Any HTTP answer (a 404 for `/`) means the server is up.
            if probe
                .get(format!("{}/", self.endpoint))
                .send()
                .await
                .is_ok()
            {
                return;
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                panic!(
                    "Prism for {} did not answer within {STARTUP_TIMEOUT:?}{}",
                    self.spec,
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The last lines of Prism's output, for failure messages.
    fn log_tail(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = File::open(&self.log) {
            let _ = f.read_to_string(&mut text);
        }
        let lines: Vec<&str> = text.lines().collect();
        let tail = &lines[lines.len().saturating_sub(60)..];
        format!(
            "\n--- last {} lines of Prism's output ({}) ---\n{}\n---",
            tail.len(),
            self.log.display(),
            tail.join("\n")
        )
    }

    /// Checks one call made through the generated client: it succeeded with `status` and Prism
    /// reported no violation. Returns the body.
    fn check<T>(
        &self,
        called: &mut Called,
        operation_id: &str,
        status: u16,
        result: Result<ResponseValue<T>, Error<ServiceError>>,
    ) -> T {
        called.record(operation_id, status);
        let rv = match result {
            Ok(rv) => rv,
            Err(Error::ErrorResponse(rv)) => panic!(
                "{operation_id}: expected {status}, got {} {}; sl-violations: {}{}",
                rv.status(),
                &*rv,
                violations(rv.headers()).unwrap_or("(none)"),
                self.log_tail()
            ),
            Err(e) => panic!(
                "{operation_id}: expected {status}, got error: {e}{}",
                self.log_tail()
            ),
        };
        assert_eq!(
            rv.status().as_u16(),
            status,
            "{operation_id}: unexpected status{}",
            self.log_tail()
        );
        if let Some(v) = violations(rv.headers()) {
            panic!(
                "{operation_id}: Prism reported violations: {v}{}",
                self.log_tail()
            );
        }
        rv.into_inner()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `sl-violations` header Prism adds when a request or response breaks the spec.
fn violations(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    headers
        .get("sl-violations")
        .map(|v| v.to_str().unwrap_or("(not UTF-8)"))
}

/// A port that was free a moment ago: bind port 0 on loopback, read it, release it.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().unwrap().port()
}

/// An HTTP client that sends the token the specs' `IamToken` scheme requires.
fn http() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "X-Auth-Token",
        reqwest::header::HeaderValue::from_static(TOKEN),
    );
    huaweicloud_vpn::http_client_builder()
        .no_proxy()
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A request fixture, read into the generated request type.
fn request<T: serde::de::DeserializeOwned>(operation: &str, file: &str) -> T {
    serde_json::from_value(vpn_tests::fixture(operation, file)).unwrap_or_else(|e| {
        panic!("{operation}/{file} does not fit the generated request type: {e}")
    })
}

/// The operations a test called, checked at the end against the spec: every operation must be
/// called, with the success status the spec documents.
struct Called {
    module: &'static str,
    seen: Vec<(String, u16)>,
}

impl Called {
    fn new(module: &'static str) -> Self {
        Called {
            module,
            seen: Vec::new(),
        }
    }

    fn record(&mut self, operation_id: &str, status: u16) {
        self.seen.push((operation_id.to_string(), status));
    }

    /// Every operation of the module's generated table was called, each answered with its
    /// documented success status.
    fn assert_complete(&self) {
        let documented: BTreeSet<(String, u16)> = huaweicloud_vpn::operation::all()
            .filter(|op| op.module == self.module)
            .map(|op| (op.id.to_string(), op.success))
            .collect();
        assert!(
            !documented.is_empty(),
            "no operations for module {}",
            self.module
        );
        let called: BTreeSet<(String, u16)> = self.seen.iter().cloned().collect();
        assert_eq!(
            called, documented,
            "{}: the operations called (left) must be exactly the table's operations with their documented status (right)",
            self.module
        );
    }
}

#[tokio::test]
async fn vpn_v5_every_operation_passes_prism() {
    let prism = Prism::start("vpn-v5.yaml", "vpn-v5").await;
    let client =
        vpn_v5::Client::for_project_with_client(&prism.endpoint, PROJECT_ID, http()).unwrap();
    assert_eq!(
        client.baseurl(),
        format!("{}/v5/{PROJECT_ID}", prism.endpoint)
    );
    let mut called = Called::new("vpn_v5");

    // Quotas and availability zones.
    let quotas = prism.check(
        &mut called,
        "ShowQuotasInfo",
        200,
        client.show_quotas_info().send().await,
    );
    assert!(
        quotas.quotas.resources.is_some_and(|r| !r.is_empty()),
        "the quota example has resources"
    );
    let zones = prism.check(
        &mut called,
        "ListAvailabilityZones",
        200,
        client.list_availability_zones().send().await,
    );
    // Prism routes the literal path, not ShowVgw with vgw_id `availability-zones`: the body is
    // the zones example (a gateway body would be refused: it lacks `availability_zones`).
    assert!(
        zones
            .availability_zones
            .professional1
            .and_then(|p| p.vpc)
            .is_some_and(|v| !v.is_empty()),
        "the availability-zones example has zones"
    );

    // VPN gateways.
    let body: vpn_v5::types::CreateVpnGatewayRequest = request("CreateVgw", "request.built.json");
    let gateway = prism.check(
        &mut called,
        "CreateVgw",
        201,
        client.create_vgw().body(body).send().await,
    );
    let vgw_id = gateway
        .vpn_gateway
        .id
        .clone()
        .expect("created gateway has an id");

    let gateways = prism.check(
        &mut called,
        "ListVgws",
        200,
        client
            .list_vgws()
            .vgw_id(&*vgw_id)
            .enterprise_project_id(vec!["0".to_string(), "ent-2".to_string()])
            .send()
            .await,
    );
    assert!(
        gateways.vpn_gateways.is_some_and(|g| !g.is_empty()),
        "the list example has gateways"
    );

    let shown = prism.check(
        &mut called,
        "ShowVgw",
        200,
        client.show_vgw().vgw_id(&*vgw_id).send().await,
    );
    assert!(
        shown.vpn_gateway.eip1.is_some(),
        "the show example is a gateway with EIPs"
    );

    let body: vpn_v5::types::UpdateVpnGatewayRequest = request("UpdateVgw", "request.built.json");
    prism.check(
        &mut called,
        "UpdateVgw",
        200,
        client.update_vgw().vgw_id(&*vgw_id).body(body).send().await,
    );

    // Specification change, upgrade and its jobs, routing table.
    let body: vpn_v5::types::UpdateVpnGatewaySpecificationRequest =
        request("UpdatePostpaidVgwSpecification", "request.huawei.json");
    let changed = prism.check(
        &mut called,
        "UpdatePostpaidVgwSpecification",
        200,
        client
            .update_postpaid_vgw_specification()
            .vgw_id(&*vgw_id)
            .body(body)
            .send()
            .await,
    );
    assert!(changed.vpn_gateway.flavor.is_some());
    let body: vpn_v5::types::UpgradeVpnGatewayRequest =
        request("UpgradeVpnGateway", "request.huawei.json");
    let job = prism.check(
        &mut called,
        "UpgradeVpnGateway",
        202,
        client
            .upgrade_vpn_gateway()
            .vgw_id(&*vgw_id)
            .body(body)
            .send()
            .await,
    );
    let jobs = prism.check(
        &mut called,
        "ListVpnGatewayJobs",
        200,
        client
            .list_vpn_gateway_jobs()
            .resource_id(&*vgw_id)
            .limit(10)
            .send()
            .await,
    );
    assert!(!jobs.jobs.is_empty(), "the jobs example has a job");
    prism.check(
        &mut called,
        "DeleteVpnGatewayJob",
        204,
        client
            .delete_vpn_gateway_job()
            .job_id(&*job.job_id)
            .send()
            .await,
    );
    let routes = prism.check(
        &mut called,
        "ShowVpnGatewayRoutingTable",
        200,
        client
            .show_vpn_gateway_routing_table()
            .vgw_id(&*vgw_id)
            .limit(10)
            .is_include_nexthop_resource(true)
            .send()
            .await,
    );
    assert!(!routes.routing_table.is_empty(), "the example has routes");

    // The certificate of a GM gateway.
    let body: vpn_v5::types::CreateVpnGatewayCertificateRequest =
        request("CreateVgwCertificate", "request.huawei.json");
    let uploaded = prism.check(
        &mut called,
        "CreateVgwCertificate",
        201,
        client
            .create_vgw_certificate()
            .vgw_id(&*vgw_id)
            .body(body)
            .send()
            .await,
    );
    let certificate_id = uploaded.certificate.id.clone().expect("an id");
    prism.check(
        &mut called,
        "ShowVpnGatewayCertificate",
        200,
        client
            .show_vpn_gateway_certificate()
            .vgw_id(&*vgw_id)
            .send()
            .await,
    );
    let body: vpn_v5::types::UpdateVpnGatewayCertificateRequest =
        request("UpdateVgwCertificate", "request.built.json");
    prism.check(
        &mut called,
        "UpdateVgwCertificate",
        200,
        client
            .update_vgw_certificate()
            .vgw_id(&*vgw_id)
            .certificate_id(&*certificate_id)
            .body(body)
            .send()
            .await,
    );
    let certificates = prism.check(
        &mut called,
        "ListVpnGatewayCertificates",
        200,
        client
            .list_vpn_gateway_certificates()
            .limit(10)
            .pre_expire_days(30)
            .send()
            .await,
    );
    assert!(!certificates.vpn_gateway_certificates.is_empty());

    // Tags of the gateway, and the gateways selected by tags.
    let gateway_type = vpn_v5::types::TagResourceType::VpnGateway;
    let body: vpn_v5::types::BatchCreateResourceTagsRequest =
        request("BatchCreateResourceTags", "request.built.json");
    prism.check(
        &mut called,
        "BatchCreateResourceTags",
        204,
        client
            .batch_create_resource_tags()
            .resource_type(gateway_type)
            .resource_id(&*vgw_id)
            .body(body)
            .send()
            .await,
    );
    let tags = prism.check(
        &mut called,
        "ShowResourceTags",
        200,
        client
            .show_resource_tags()
            .resource_type(gateway_type)
            .resource_id(&*vgw_id)
            .send()
            .await,
    );
    assert!(!tags.tags.is_empty(), "the tags example has tags");
    let keys = prism.check(
        &mut called,
        "ListProjectTags",
        200,
        client
            .list_project_tags()
            .resource_type(gateway_type)
            .send()
            .await,
    );
    assert!(!keys.tags.is_empty(), "the project tags example has keys");
    let body: vpn_v5::types::QueryResourcesRequest =
        request("ListResourcesByTags", "request.built.json");
    let tagged = prism.check(
        &mut called,
        "ListResourcesByTags",
        200,
        client
            .list_resources_by_tags()
            .resource_type(gateway_type)
            .limit(10)
            .offset(0)
            .body(body)
            .send()
            .await,
    );
    assert!(
        !tagged.resources.is_empty(),
        "the filter example has resources"
    );
    let body: vpn_v5::types::QueryResourcesRequest =
        request("CountResourcesByTags", "request.built.json");
    prism.check(
        &mut called,
        "CountResourcesByTags",
        200,
        client
            .count_resources_by_tags()
            .resource_type(gateway_type)
            .body(body)
            .send()
            .await,
    );
    let body: vpn_v5::types::BatchDeleteResourceTagsRequest =
        request("BatchDeleteResourceTags", "request.built.json");
    prism.check(
        &mut called,
        "BatchDeleteResourceTags",
        204,
        client
            .batch_delete_resource_tags()
            .resource_type(gateway_type)
            .resource_id(&*vgw_id)
            .body(body)
            .send()
            .await,
    );

    // Customer gateways.
    let body: vpn_v5::types::CreateCustomerGatewayRequest =
        request("CreateCgw", "request.built.json");
    let customer_gateway = prism.check(
        &mut called,
        "CreateCgw",
        201,
        client.create_cgw().body(body).send().await,
    );
    let cgw_id = customer_gateway
        .customer_gateway
        .id
        .clone()
        .expect("created customer gateway has an id");

    let customer_gateways = prism.check(
        &mut called,
        "ListCgws",
        200,
        client
            .list_cgws()
            .cgw_id(&*cgw_id)
            .limit(10)
            .marker("2022-11-25T08:30:12.512Z")
            .send()
            .await,
    );
    assert!(
        customer_gateways
            .customer_gateways
            .is_some_and(|c| !c.is_empty()),
        "the list example has customer gateways"
    );

    prism.check(
        &mut called,
        "ShowCgw",
        200,
        client.show_cgw().customer_gateway_id(&*cgw_id).send().await,
    );

    let body: vpn_v5::types::UpdateCustomerGatewayRequest =
        request("UpdateCgw", "request.built.json");
    prism.check(
        &mut called,
        "UpdateCgw",
        200,
        client
            .update_cgw()
            .customer_gateway_id(&*cgw_id)
            .body(body)
            .send()
            .await,
    );

    // VPN connections.
    let body: vpn_v5::types::CreateVpnConnectionRequest =
        request("CreateVpnConnection", "request.seed-003.json");
    let created = prism.check(
        &mut called,
        "CreateVpnConnection",
        201,
        client.create_vpn_connection().body(body).send().await,
    );
    let id = created
        .vpn_connection
        .id
        .clone()
        .expect("created connection has an id");

    let page = prism.check(
        &mut called,
        "ListVpnConnections",
        200,
        client
            .list_vpn_connections()
            .limit(10)
            .marker("2022-11-26T13:41:34.626Z")
            .vgw_id("b32d91a4-demo-a8df-va86-e907174eb11d")
            .enterprise_project_id(vec!["0".to_string(), "ent-2".to_string()])
            .send()
            .await,
    );
    assert!(
        page.vpn_connections.is_some_and(|c| !c.is_empty()),
        "the list example has connections"
    );

    prism.check(
        &mut called,
        "ShowVpnConnection",
        200,
        client
            .show_vpn_connection()
            .vpn_connection_id(&*id)
            .send()
            .await,
    );

    let body: vpn_v5::types::UpdateVpnConnectionRequest =
        request("UpdateVpnConnection", "request.built.json");
    prism.check(
        &mut called,
        "UpdateVpnConnection",
        200,
        client
            .update_vpn_connection()
            .vpn_connection_id(&*id)
            .body(body)
            .send()
            .await,
    );

    // An HA pair in one call.
    let body: vpn_v5::types::BatchCreateVpnConnectionRequest =
        request("BatchCreateVpnConnection", "request.built.json");
    let pair = prism.check(
        &mut called,
        "BatchCreateVpnConnection",
        201,
        client.batch_create_vpn_connection().body(body).send().await,
    );
    assert_eq!(pair.vpn_connections.len(), 2, "the example creates a pair");

    // Troubleshooting: reset, IPsec SAs, log, and the peer device's configuration.
    prism.check(
        &mut called,
        "ResetVpnConnection",
        200,
        client
            .reset_vpn_connection()
            .vpn_connection_id(&*id)
            .send()
            .await,
    );
    let sas = prism.check(
        &mut called,
        "ListConnectionIpsecSa",
        200,
        client
            .list_connection_ipsec_sa()
            .vpn_connection_id(&*id)
            .send()
            .await,
    );
    assert!(!sas.sa_infos.is_empty(), "the SA example has an SA");
    let log = prism.check(
        &mut called,
        "ShowVpnConnectionLog",
        200,
        client
            .show_vpn_connection_log()
            .vpn_connection_id(&*id)
            .send()
            .await,
    );
    assert!(!log.logs.is_empty(), "the log example has a line");
    let devices = prism.check(
        &mut called,
        "ListPeerConfigurationSupportedDevices",
        200,
        client
            .list_peer_configuration_supported_devices()
            .send()
            .await,
    );
    let device = &devices.supported_devices[0];
    let body = vpn_v5::types::ExportPeerConfigurationRequest::builder()
        .vendor(device.vendor.clone().unwrap())
        .type_(device.type_.clone().unwrap())
        .model(device.model.clone().unwrap())
        .version(device.version.clone().unwrap());
    let exported = prism.check(
        &mut called,
        "ExportVpnConnectionPeerConfiguration",
        200,
        client
            .export_vpn_connection_peer_configuration()
            .vpn_connection_id(&*id)
            .body(body)
            .send()
            .await,
    );
    assert!(!exported.peer_config.is_empty());

    // Connection monitors.
    let body: vpn_v5::types::CreateConnectionMonitorRequest =
        request("CreateConnectionMonitor", "request.seed-000.json");
    let monitor = prism.check(
        &mut called,
        "CreateConnectionMonitor",
        201,
        client.create_connection_monitor().body(body).send().await,
    );
    let monitor_id = monitor
        .connection_monitor
        .id
        .clone()
        .expect("created monitor has an id");

    let monitors = prism.check(
        &mut called,
        "ListConnectionMonitors",
        200,
        client
            .list_connection_monitors()
            .vpn_connection_id(&*id)
            .enterprise_project_id(vec!["0".to_string()])
            .send()
            .await,
    );
    assert!(
        monitors.connection_monitors.is_some_and(|m| !m.is_empty()),
        "the list example has monitors"
    );

    prism.check(
        &mut called,
        "ShowConnectionMonitor",
        200,
        client
            .show_connection_monitor()
            .connection_monitor_id(&*monitor_id)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "DeleteConnectionMonitor",
        204,
        client
            .delete_connection_monitor()
            .connection_monitor_id(&*monitor_id)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "DeleteVpnConnection",
        204,
        client
            .delete_vpn_connection()
            .vpn_connection_id(&*id)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "DeleteCgw",
        204,
        client
            .delete_cgw()
            .customer_gateway_id(&*cgw_id)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "DeleteVgw",
        204,
        client.delete_vgw().vgw_id(&*vgw_id).send().await,
    );

    called.assert_complete();
}

#[tokio::test]
async fn vpn_v5_1_every_operation_passes_prism() {
    let prism = Prism::start("vpn-v5.1.yaml", "vpn-v5.1").await;
    let client =
        vpn_v5_1::Client::for_project_with_client(&prism.endpoint, PROJECT_ID, http()).unwrap();
    assert_eq!(
        client.baseurl(),
        format!("{}/v5.1/{PROJECT_ID}", prism.endpoint)
    );
    let mut called = Called::new("vpn_v5_1");
    let zones = prism.check(
        &mut called,
        "ListExtendedAvailabilityZones",
        200,
        client.list_extended_availability_zones().send().await,
    );
    assert!(
        zones
            .availability_zones
            .iter()
            .all(|z| z.name.is_some() && z.available_specs.as_ref().is_some_and(|s| !s.is_empty())),
        "every zone of the example has a name and specifications"
    );
    called.assert_complete();
}

#[tokio::test]
async fn vpn_p2c_every_operation_passes_prism() {
    let prism = Prism::start("vpn-p2c.yaml", "vpn-p2c").await;
    let client =
        vpn_p2c::Client::for_project_with_client(&prism.endpoint, PROJECT_ID, http()).unwrap();
    let mut called = Called::new("vpn_p2c");

    // A gateway's life: created, read, listed, renamed, its zones, connections, logging and an
    // upgrade with its job, then the teardown.
    let body: vpn_p2c::types::CreateP2cVgwRequest = request("CreateP2cVgw", "request.built.json");
    let created = prism.check(
        &mut called,
        "CreateP2cVgw",
        201,
        client.create_p2c_vgw().body(body).send().await,
    );
    let id = created
        .p2c_vpn_gateway
        .id
        .expect("the created gateway has an id");
    prism.check(
        &mut called,
        "ShowP2cVgw",
        200,
        client.show_p2c_vgw().p2c_vgw_id(&*id).send().await,
    );
    let list = prism.check(
        &mut called,
        "ListP2cVgws",
        200,
        client.list_p2c_vgws().limit(10).send().await,
    );
    assert!(
        !list.p2c_vpn_gateways.is_empty(),
        "the example lists a gateway"
    );
    let body: vpn_p2c::types::UpdateP2cVgwRequest = request("UpdateP2cVgw", "request.built.json");
    prism.check(
        &mut called,
        "UpdateP2cVgw",
        200,
        client
            .update_p2c_vgw()
            .p2c_vgw_id(&*id)
            .body(body)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "ListP2cVgwAvailabilityZones",
        200,
        client
            .list_p2c_vgw_availability_zones()
            .flavor(vpn_p2c::types::ListP2cVgwAvailabilityZonesFlavor::Professional1)
            .send()
            .await,
    );
    let connections = prism.check(
        &mut called,
        "ListP2cVgwConnections",
        200,
        client
            .list_p2c_vgw_connections()
            .p2c_vgw_id(&*id)
            .limit(10)
            .offset(0)
            .send()
            .await,
    );
    let connection_id = connections.connections[0]
        .connection_id
        .clone()
        .expect("the example's connection has an id");
    prism.check(
        &mut called,
        "DeleteP2cVgwConnection",
        200,
        client
            .delete_p2c_vgw_connection()
            .p2c_vgw_id(&*id)
            .connection_id(&*connection_id)
            .send()
            .await,
    );
    let body: vpn_p2c::types::UpdateVpnConnectionsLogConfigRequest =
        request("UpdateVpnConnectionsLogConfig", "request.built.json");
    prism.check(
        &mut called,
        "UpdateVpnConnectionsLogConfig",
        200,
        client
            .update_vpn_connections_log_config()
            .p2c_vgw_id(&*id)
            .body(body)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "ShowVpnConnectionsLogConfig",
        200,
        client
            .show_vpn_connections_log_config()
            .p2c_vgw_id(&*id)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "DeleteVpnConnectionsLogConfig",
        204,
        client
            .delete_vpn_connections_log_config()
            .p2c_vgw_id(&*id)
            .send()
            .await,
    );
    let body: vpn_p2c::types::UpgradeP2cVgwRequest =
        request("UpgradeP2cVpnGateway", "request.built.json");
    let job = prism.check(
        &mut called,
        "UpgradeP2cVpnGateway",
        202,
        client
            .upgrade_p2c_vpn_gateway()
            .p2c_vgw_id(&*id)
            .body(body)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "ListP2cVpnGatewayJobs",
        200,
        client
            .list_p2c_vpn_gateway_jobs()
            .resource_id(&*id)
            .limit(10)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "DeleteP2cVpnGatewayJob",
        204,
        client
            .delete_p2c_vpn_gateway_job()
            .job_id(&*job.job_id)
            .send()
            .await,
    );
    p2c_server_operations_pass_prism(&prism, &client, &mut called, &id).await;
    prism.check(
        &mut called,
        "DeleteP2cVgw",
        204,
        client.delete_p2c_vgw().p2c_vgw_id(&*id).send().await,
    );
    called.assert_complete();
}

/// The gateway's VPN server with its CA certificates, groups, users and access policies, each
/// operation once, in the order a user sets them up and tears them down.
async fn p2c_server_operations_pass_prism(
    prism: &Prism,
    client: &vpn_p2c::Client,
    called: &mut Called,
    gateway: &str,
) {
    let body: vpn_p2c::types::CreateVpnServerRequest =
        request("CreateVpnServer", "request.cert-auth.json");
    let server = prism.check(
        called,
        "CreateVpnServer",
        201,
        client
            .create_vpn_server()
            .p2c_vgw_id(gateway)
            .body(body)
            .send()
            .await,
    );
    let server = server.vpn_server.id.expect("the new server's id");
    let server = server.as_str();
    prism.check(
        called,
        "ListVpnServersByVgw",
        200,
        client
            .list_vpn_servers_by_vgw()
            .p2c_vgw_id(gateway)
            .send()
            .await,
    );
    prism.check(
        called,
        "ListVpnServersByProject",
        200,
        client.list_vpn_servers_by_project().limit(10).send().await,
    );
    let body: vpn_p2c::types::UpdateVpnServerRequest =
        request("UpdateVpnServer", "request.subnets-and-port.json");
    prism.check(
        called,
        "UpdateVpnServer",
        200,
        client
            .update_vpn_server()
            .vpn_server_id(server)
            .body(body)
            .send()
            .await,
    );
    let body: vpn_p2c::types::CheckClientCaCertificateRequest =
        request("CheckClientCaCertificate", "request.built.json");
    prism.check(
        called,
        "CheckClientCaCertificate",
        200,
        client.check_client_ca_certificate().body(body).send().await,
    );
    let body: vpn_p2c::types::ImportClientCaRequest =
        request("ImportClientCa", "request.built.json");
    let ca = prism.check(
        called,
        "ImportClientCa",
        201,
        client
            .import_client_ca()
            .vpn_server_id(server)
            .body(body)
            .send()
            .await,
    );
    let ca = ca
        .client_ca_certificate
        .id
        .expect("the imported certificate's id");
    prism.check(
        called,
        "ShowClientCa",
        200,
        client
            .show_client_ca()
            .vpn_server_id(server)
            .client_ca_certificate_id(&*ca)
            .send()
            .await,
    );
    let body: vpn_p2c::types::UpdateClientCaRequest =
        request("UpdateClientCa", "request.built.json");
    prism.check(
        called,
        "UpdateClientCa",
        200,
        client
            .update_client_ca()
            .vpn_server_id(server)
            .client_ca_certificate_id(&*ca)
            .body(body)
            .send()
            .await,
    );
    let body: vpn_p2c::types::ExportClientConfigRequest =
        request("ExportClientConfig", "request.linux.json");
    prism.check(
        called,
        "ExportClientConfig",
        200,
        client
            .export_client_config()
            .vpn_server_id(server)
            .body(body)
            .send()
            .await,
    );

    let body: vpn_p2c::types::CreateVpnUserGroupRequest =
        request("CreateVpnUserGroup", "request.huawei.json");
    let group = prism.check(
        called,
        "CreateVpnUserGroup",
        201,
        client
            .create_vpn_user_group()
            .vpn_server_id(server)
            .body(body)
            .send()
            .await,
    );
    let group = group.user_group.id.expect("the new group's id");
    prism.check(
        called,
        "ShowVpnUserGroup",
        200,
        client
            .show_vpn_user_group()
            .vpn_server_id(server)
            .group_id(&*group)
            .send()
            .await,
    );
    prism.check(
        called,
        "ListVpnUserGroups",
        200,
        client
            .list_vpn_user_groups()
            .vpn_server_id(server)
            .limit(10)
            .send()
            .await,
    );
    let body: vpn_p2c::types::UpdateVpnUserGroupRequest =
        request("UpdateVpnUserGroup", "request.huawei.json");
    prism.check(
        called,
        "UpdateVpnUserGroup",
        200,
        client
            .update_vpn_user_group()
            .vpn_server_id(server)
            .group_id(&*group)
            .body(body)
            .send()
            .await,
    );

    let body: vpn_p2c::types::CreateVpnUserRequest = request("CreateVpnUser", "request.built.json");
    let user = prism.check(
        called,
        "CreateVpnUser",
        201,
        client
            .create_vpn_user()
            .vpn_server_id(server)
            .body(body)
            .send()
            .await,
    );
    let user = user.user.id.expect("the new user's id");
    let body: vpn_p2c::types::BatchCreateVpnUsersRequest =
        request("BatchCreateVpnUsers", "request.huawei.json");
    prism.check(
        called,
        "BatchCreateVpnUsers",
        201,
        client
            .batch_create_vpn_users()
            .vpn_server_id(server)
            .body(body)
            .send()
            .await,
    );
    prism.check(
        called,
        "ShowVpnUser",
        200,
        client
            .show_vpn_user()
            .vpn_server_id(server)
            .user_id(&*user)
            .send()
            .await,
    );
    prism.check(
        called,
        "ListVpnUsers",
        200,
        client
            .list_vpn_users()
            .vpn_server_id(server)
            .limit(10)
            .send()
            .await,
    );
    let body: vpn_p2c::types::UpdateVpnUserRequest = request("UpdateVpnUser", "request.built.json");
    prism.check(
        called,
        "UpdateVpnUser",
        200,
        client
            .update_vpn_user()
            .vpn_server_id(server)
            .user_id(&*user)
            .body(body)
            .send()
            .await,
    );
    let body: vpn_p2c::types::ResetVpnUserPasswordRequest =
        request("ResetVpnUserPassword", "request.huawei.json");
    prism.check(
        called,
        "ResetVpnUserPassword",
        200,
        client
            .reset_vpn_user_password()
            .vpn_server_id(server)
            .user_id(&*user)
            .body(body)
            .send()
            .await,
    );
    let body: vpn_p2c::types::UpdateVpnUserPasswordRequest =
        request("UpdateVpnUserPassword", "request.huawei.json");
    prism.check(
        called,
        "UpdateVpnUserPassword",
        200,
        client
            .update_vpn_user_password()
            .vpn_server_id(server)
            .user_id(&*user)
            .body(body)
            .send()
            .await,
    );
    let body: vpn_p2c::types::AddVpnUsersToGroupRequest =
        request("AddVpnUsersToGroup", "request.huawei.json");
    prism.check(
        called,
        "AddVpnUsersToGroup",
        201,
        client
            .add_vpn_users_to_group()
            .vpn_server_id(server)
            .group_id(&*group)
            .body(body)
            .send()
            .await,
    );
    prism.check(
        called,
        "ListVpnUsersInGroup",
        200,
        client
            .list_vpn_users_in_group()
            .vpn_server_id(server)
            .group_id(&*group)
            .limit(10)
            .send()
            .await,
    );

    let body: vpn_p2c::types::CreateVpnAccessPolicyRequest =
        request("CreateVpnAccessPolicy", "request.huawei.json");
    let policy = prism.check(
        called,
        "CreateVpnAccessPolicy",
        201,
        client
            .create_vpn_access_policy()
            .vpn_server_id(server)
            .body(body)
            .send()
            .await,
    );
    let policy = policy.access_policy.id.expect("the new policy's id");
    prism.check(
        called,
        "ShowVpnAccessPolicy",
        200,
        client
            .show_vpn_access_policy()
            .vpn_server_id(server)
            .policy_id(&*policy)
            .send()
            .await,
    );
    prism.check(
        called,
        "ListVpnAccessPolicies",
        200,
        client
            .list_vpn_access_policies()
            .vpn_server_id(server)
            .limit(10)
            .send()
            .await,
    );
    let body: vpn_p2c::types::UpdateVpnAccessPolicyRequest =
        request("UpdateVpnAccessPolicy", "request.huawei.json");
    prism.check(
        called,
        "UpdateVpnAccessPolicy",
        200,
        client
            .update_vpn_access_policy()
            .vpn_server_id(server)
            .policy_id(&*policy)
            .body(body)
            .send()
            .await,
    );

    // The teardown: policy, members, users, group, certificate.
    prism.check(
        called,
        "DeleteVpnAccessPolicy",
        204,
        client
            .delete_vpn_access_policy()
            .vpn_server_id(server)
            .policy_id(&*policy)
            .send()
            .await,
    );
    let body: vpn_p2c::types::RemoveVpnUsersFromGroupRequest =
        request("RemoveVpnUsersFromGroup", "request.huawei.json");
    prism.check(
        called,
        "RemoveVpnUsersFromGroup",
        201,
        client
            .remove_vpn_users_from_group()
            .vpn_server_id(server)
            .group_id(&*group)
            .body(body)
            .send()
            .await,
    );
    let body: vpn_p2c::types::BatchDeleteVpnUsersRequest =
        request("BatchDeleteVpnUsers", "request.huawei.json");
    prism.check(
        called,
        "BatchDeleteVpnUsers",
        200,
        client
            .batch_delete_vpn_users()
            .vpn_server_id(server)
            .body(body)
            .send()
            .await,
    );
    prism.check(
        called,
        "DeleteVpnUser",
        204,
        client
            .delete_vpn_user()
            .vpn_server_id(server)
            .user_id(&*user)
            .send()
            .await,
    );
    prism.check(
        called,
        "DeleteVpnUserGroup",
        204,
        client
            .delete_vpn_user_group()
            .vpn_server_id(server)
            .group_id(&*group)
            .send()
            .await,
    );
    prism.check(
        called,
        "DeleteClientCa",
        204,
        client
            .delete_client_ca()
            .vpn_server_id(server)
            .client_ca_certificate_id(&*ca)
            .send()
            .await,
    );
}

#[tokio::test]
async fn ipsec_v2_every_operation_passes_prism() {
    let prism = Prism::start("ipsec-v2.yaml", "ipsec-v2").await;
    let client = ipsec_v2::Client::for_endpoint_with_client(&prism.endpoint, http()).unwrap();
    let mut called = Called::new("ipsec_v2");

    // The seed flow's order: what the site connection refers to comes first, and every
    // resource's operations are called once each against the mock.
    let body: ipsec_v2::types::CreateIkePolicyRequest =
        request("CreateIkePolicy", "request.otc.json");
    let created = prism.check(
        &mut called,
        "CreateIkePolicy",
        201,
        client.create_ike_policy().body(body).send().await,
    );
    let ike_policy_id = created
        .ikepolicy
        .id
        .clone()
        .expect("the created ike_policy has an id");
    let list = prism.check(
        &mut called,
        "ListIkePolicies",
        200,
        client
            .list_ike_policies()
            .fields(vec!["id".to_string(), "name".to_string()])
            .send()
            .await,
    );
    assert!(
        list.ikepolicies.is_some_and(|items| !items.is_empty()),
        "the ListIkePolicies example has items"
    );
    prism.check(
        &mut called,
        "ShowIkePolicy",
        200,
        client
            .show_ike_policy()
            .ikepolicy_id(&*ike_policy_id)
            .send()
            .await,
    );
    let body: ipsec_v2::types::UpdateIkePolicyRequest =
        request("UpdateIkePolicy", "request.otc.json");
    prism.check(
        &mut called,
        "UpdateIkePolicy",
        200,
        client
            .update_ike_policy()
            .ikepolicy_id(&*ike_policy_id)
            .body(body)
            .send()
            .await,
    );

    let body: ipsec_v2::types::CreateIpsecPolicyRequest =
        request("CreateIpsecPolicy", "request.otc.json");
    let created = prism.check(
        &mut called,
        "CreateIpsecPolicy",
        201,
        client.create_ipsec_policy().body(body).send().await,
    );
    let ipsec_policy_id = created
        .ipsecpolicy
        .id
        .clone()
        .expect("the created ipsec_policy has an id");
    let list = prism.check(
        &mut called,
        "ListIpsecPolicies",
        200,
        client
            .list_ipsec_policies()
            .fields(vec!["id".to_string(), "name".to_string()])
            .send()
            .await,
    );
    assert!(
        list.ipsecpolicies.is_some_and(|items| !items.is_empty()),
        "the ListIpsecPolicies example has items"
    );
    prism.check(
        &mut called,
        "ShowIpsecPolicy",
        200,
        client
            .show_ipsec_policy()
            .ipsecpolicy_id(&*ipsec_policy_id)
            .send()
            .await,
    );
    let body: ipsec_v2::types::UpdateIpsecPolicyRequest =
        request("UpdateIpsecPolicy", "request.otc.json");
    prism.check(
        &mut called,
        "UpdateIpsecPolicy",
        200,
        client
            .update_ipsec_policy()
            .ipsecpolicy_id(&*ipsec_policy_id)
            .body(body)
            .send()
            .await,
    );

    let body: ipsec_v2::types::CreateVpnServiceRequest =
        request("CreateVpnService", "request.otc.json");
    let created = prism.check(
        &mut called,
        "CreateVpnService",
        201,
        client.create_vpn_service().body(body).send().await,
    );
    let vpn_service_id = created
        .vpnservice
        .id
        .clone()
        .expect("the created vpn_service has an id");
    let list = prism.check(
        &mut called,
        "ListVpnServices",
        200,
        client
            .list_vpn_services()
            .fields(vec!["id".to_string(), "name".to_string()])
            .send()
            .await,
    );
    assert!(
        list.vpnservices.is_some_and(|items| !items.is_empty()),
        "the ListVpnServices example has items"
    );
    prism.check(
        &mut called,
        "ShowVpnService",
        200,
        client
            .show_vpn_service()
            .service_id(&*vpn_service_id)
            .send()
            .await,
    );
    let body: ipsec_v2::types::UpdateVpnServiceRequest =
        request("UpdateVpnService", "request.otc.json");
    prism.check(
        &mut called,
        "UpdateVpnService",
        200,
        client
            .update_vpn_service()
            .service_id(&*vpn_service_id)
            .body(body)
            .send()
            .await,
    );

    let body: ipsec_v2::types::CreateEndpointGroupRequest =
        request("CreateEndpointGroup", "request.otc.json");
    let created = prism.check(
        &mut called,
        "CreateEndpointGroup",
        201,
        client.create_endpoint_group().body(body).send().await,
    );
    let endpoint_group_id = created
        .endpoint_group
        .id
        .clone()
        .expect("the created endpoint_group has an id");
    let list = prism.check(
        &mut called,
        "ListEndpointGroups",
        200,
        client
            .list_endpoint_groups()
            .fields(vec!["id".to_string(), "name".to_string()])
            .send()
            .await,
    );
    assert!(
        list.endpoint_groups.is_some_and(|items| !items.is_empty()),
        "the ListEndpointGroups example has items"
    );
    prism.check(
        &mut called,
        "ShowEndpointGroup",
        200,
        client
            .show_endpoint_group()
            .endpoint_group_id(&*endpoint_group_id)
            .send()
            .await,
    );
    let body: ipsec_v2::types::UpdateEndpointGroupRequest =
        request("UpdateEndpointGroup", "request.otc.json");
    prism.check(
        &mut called,
        "UpdateEndpointGroup",
        200,
        client
            .update_endpoint_group()
            .endpoint_group_id(&*endpoint_group_id)
            .body(body)
            .send()
            .await,
    );

    let body: ipsec_v2::types::CreateIpsecSiteConnectionRequest =
        request("CreateIpsecSiteConnection", "request.seed-004.json");
    let created = prism.check(
        &mut called,
        "CreateIpsecSiteConnection",
        201,
        client
            .create_ipsec_site_connection()
            .body(body)
            .send()
            .await,
    );
    let id = created
        .ipsec_site_connection
        .id
        .clone()
        .expect("created connection has an id");

    let list = prism.check(
        &mut called,
        "ListIpsecSiteConnections",
        200,
        client
            .list_ipsec_site_connections()
            .fields(vec![
                "id".to_string(),
                "name".to_string(),
                "status".to_string(),
            ])
            .status("ACTIVE")
            .vpnservice_id("5c561d9d-eaea-45f6-ae3e-08d1a7080828")
            .name("vpnconnection1")
            .id(&*id)
            .send()
            .await,
    );
    assert!(
        list.ipsec_site_connections.is_some_and(|c| !c.is_empty()),
        "the list example has connections"
    );

    prism.check(
        &mut called,
        "ShowIpsecSiteConnection",
        200,
        client
            .show_ipsec_site_connection()
            .connection_id(&*id)
            .send()
            .await,
    );

    let body: ipsec_v2::types::UpdateIpsecSiteConnectionRequest =
        request("UpdateIpsecSiteConnection", "request.built.json");
    prism.check(
        &mut called,
        "UpdateIpsecSiteConnection",
        200,
        client
            .update_ipsec_site_connection()
            .connection_id(&*id)
            .body(body)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "DeleteIpsecSiteConnection",
        204,
        client
            .delete_ipsec_site_connection()
            .connection_id(&*id)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "DeleteEndpointGroup",
        204,
        client
            .delete_endpoint_group()
            .endpoint_group_id(&*endpoint_group_id)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "DeleteVpnService",
        204,
        client
            .delete_vpn_service()
            .service_id(&*vpn_service_id)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "DeleteIpsecPolicy",
        204,
        client
            .delete_ipsec_policy()
            .ipsecpolicy_id(&*ipsec_policy_id)
            .send()
            .await,
    );
    prism.check(
        &mut called,
        "DeleteIkePolicy",
        204,
        client
            .delete_ike_policy()
            .ikepolicy_id(&*ike_policy_id)
            .send()
            .await,
    );

    called.assert_complete();
}

/// The judge is not a rubber stamp: requests that break the spec are refused, with the
/// violation named in `sl-violations`.
#[tokio::test]
async fn prism_refuses_requests_that_break_the_spec() {
    let prism = Prism::start("vpn-v5.yaml", "vpn-v5-negative").await;
    let base = format!("{}/v5/{PROJECT_ID}", prism.endpoint);
    let http = http();

    // Which statuses a refused request may get: Prism answers request violations with 422
    // (served from the spec's `4XX` response) when run with `--errors`.
    let expect_refused = |what: &str,
                          status: reqwest::StatusCode,
                          headers: &reqwest::header::HeaderMap,
                          expected: u16,
                          needle: &str| {
        let v = violations(headers).unwrap_or_else(|| {
            panic!(
                "{what}: no sl-violations header (status {status}){}",
                prism.log_tail()
            )
        });
        assert_eq!(
            status.as_u16(),
            expected,
            "{what}: status (violations: {v}){}",
            prism.log_tail()
        );
        assert!(
            v.contains(needle),
            "{what}: sl-violations should mention `{needle}`: {v}{}",
            prism.log_tail()
        );
    };

    // 1. A body without the required `vgw_id`, sent raw (the generated types cannot express it).
    let mut body: Value = vpn_tests::fixture("CreateVpnConnection", "request.seed-003.json");
    body["vpn_connection"]
        .as_object_mut()
        .unwrap()
        .remove("vgw_id")
        .expect("fixture has vgw_id");
    let resp = http
        .post(format!("{base}/vpn-connection"))
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_refused(
        "POST without vgw_id",
        resp.status(),
        resp.headers(),
        422,
        "vgw_id",
    );

    // 2. A body of the wrong type entirely.
    let resp = http
        .post(format!("{base}/vpn-connection"))
        .json(&json!({"vpn_connection": "nope"}))
        .send()
        .await
        .unwrap();
    expect_refused(
        "POST with a string body",
        resp.status(),
        resp.headers(),
        422,
        "vpn_connection",
    );

    // 3. A query parameter out of range. The generated client refuses it before sending
    //    (`limit` is `Bounded<0, 2000>`), so it goes raw; both sides agree on the rule.
    let resp = http
        .get(format!("{base}/vpn-connection?limit=5000"))
        .send()
        .await
        .unwrap();
    expect_refused(
        "list with limit=5000",
        resp.status(),
        resp.headers(),
        422,
        "limit",
    );
    let client =
        vpn_v5::Client::for_project_with_client(&prism.endpoint, PROJECT_ID, http.clone()).unwrap();
    match client.list_vpn_connections().limit(5000).send().await {
        Err(Error::InvalidRequest(message)) => {
            assert_eq!(message, "limit: must be between 0 and 2000, got 5000")
        }
        other => panic!("list with limit=5000: the client must refuse it, got {other:?}"),
    }

    // 4. No X-Auth-Token: the security requirement is enforced too.
    let bare = huaweicloud_vpn::http_client_builder()
        .no_proxy()
        .build()
        .unwrap();
    let resp = bare
        .get(format!("{base}/vpn-connection"))
        .send()
        .await
        .unwrap();
    expect_refused(
        "list without X-Auth-Token",
        resp.status(),
        resp.headers(),
        401,
        "security",
    );
}
