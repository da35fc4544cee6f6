//! Wire-level contract tests: every operation of both specs is driven through the generated
//! client against a local `wiremock` server, and both sides of the exchange are checked.
//!
//! - What the client sends: exactly one request, with the documented method, path (a real
//!   32-hex project id in the v5 paths), query string (exact encoding, repeated keys for
//!   arrays), body (the request fixture), `Accept`/`Content-Type`, and no header outside a small
//!   allow-list (in particular no `api-version`).
//! - What the client makes of the answer: the documented success status with the fixture body
//!   parses and serializes back to the same JSON; every error fixture becomes
//!   `Error::ErrorResponse` with the code, message and request id of its body shape; proxies'
//!   HTML and empty bodies, unknown enum values, an undocumented success status and invalid
//!   input are handled without a panic.
//!
//! The wire contract of each operation comes from the generated operation table (method, path,
//! success status) and its fixtures, in [`documented`]; only the typed call ([`invoke`]) and a
//! list's filters are written here, and `documented_calls_match_the_specs` fails for an
//! operation of the specs that lacks them.

use std::collections::BTreeSet;

use huaweicloud_vpn::{
    Error, ResponseValue, ServiceError, ipsec_v2, operation, vpn_p2c, vpn_v5, vpn_v5_1,
};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use vpn_tests::{Kind, find_operation, fixture, fixtures, specs};
use wiremock::matchers::{any, body_json, method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

// ---------------------------------------------------------------------------------------------
// Identifiers used on the wire.

/// A real-looking project id: 32 hexadecimal characters, as the v5 path parameter requires.
const PROJECT_ID: &str = "0605767f6b00d5b62f36c0153ddd0b1c";
/// Path ids, taken from the fixtures.
const VPN_CONNECTION_ID: &str = "98c5af8a-demo-a8df-va86-ae2280a6f4c3";
const CONNECTION_MONITOR_ID: &str = "76f64229-demo-a8df-va86-3907e2815b6d";
const VGW_ID: &str = "b32d91a4-demo-a8df-va86-e907174eb11d";
const CUSTOMER_GATEWAY_ID: &str = "5247ae10-demo-a8df-va86-dd36659a7f5d";
const IPSEC_CONNECTION_ID: &str = "851f280f-5639-4ea3-81aa-e298525ab74b";
/// The `X-Request-Id` header the mock server answers with.
const HEADER_REQUEST_ID: &str = "7b4d1f0e-hdr0-4c2a-9e3b-5a6c7d8e9f01";

/// The only request headers the client may send: what the generated code sets (`accept`,
/// `content-type` for bodies) and what reqwest/hyper add by themselves (`host`,
/// `content-length`). Anything else (an `api-version` header, a user agent, ...) is undocumented.
const ALLOWED_HEADERS: &[&str] = &["host", "accept", "content-type", "content-length"];

// ---------------------------------------------------------------------------------------------
// The documented wire contract of each operation.

/// The response the mock server gives.
#[derive(Clone, Debug)]
enum Answer {
    /// No body (the 204 of deletes, or an empty proxy answer).
    Empty,
    /// A JSON body (served with `content-type: application/json`).
    Json(Value),
    /// A body of another media type, e.g. an HTML error page.
    Raw(&'static str, &'static str),
}

/// One exchange: what the client must send and what the server answers.
#[derive(Clone, Debug)]
struct Expect {
    /// `operationId` (= fixture folder).
    op: &'static str,
    method: &'static str,
    /// The path template, as written in the spec.
    template: &'static str,
    /// The raw query string the client must send (`""` for none).
    query: &'static str,
    /// The request body (JSON) the client must send, if any.
    request: Option<Value>,
    status: u16,
    response: Answer,
    /// The `X-Request-Id` header the server answers with, if any.
    x_request_id: Option<&'static str>,
}

impl Expect {
    fn new(op: &'static str, method: &'static str, template: &'static str) -> Self {
        Expect {
            op,
            method,
            template,
            query: "",
            request: None,
            status: 0,
            response: Answer::Empty,
            x_request_id: Some(HEADER_REQUEST_ID),
        }
    }

    fn query(mut self, raw: &'static str) -> Self {
        self.query = raw;
        self
    }

    fn request(mut self, file: &str) -> Self {
        self.request = Some(fixture(self.op, file));
        self
    }

    /// Answers `status` with the fixture `file` of this operation.
    fn answer(mut self, status: u16, file: &str) -> Self {
        self.status = status;
        self.response = Answer::Json(fixture(self.op, file));
        self
    }

    /// Answers `status` without a body.
    fn answer_empty(mut self, status: u16) -> Self {
        self.status = status;
        self.response = Answer::Empty;
        self
    }

    /// The concrete path: the template with the test's ids filled in.
    fn path(&self) -> String {
        self.template
            .replace("{project_id}", PROJECT_ID)
            .replace("{vpn_connection_id}", VPN_CONNECTION_ID)
            .replace("{connection_monitor_id}", CONNECTION_MONITOR_ID)
            .replace("{vgw_id}", VGW_ID)
            .replace("{resource_type}", "vpn-gateway")
            .replace("{resource_id}", VGW_ID)
            .replace("{job_id}", JOB_ID)
            .replace("{certificate_id}", CERTIFICATE_ID)
            .replace("{customer_gateway_id}", CUSTOMER_GATEWAY_ID)
            .replace("{connection_id}", IPSEC_CONNECTION_ID)
            .replace("{ikepolicy_id}", IKE_POLICY_ID)
            .replace("{ipsecpolicy_id}", IPSEC_POLICY_ID)
            .replace("{service_id}", VPN_SERVICE_ID)
            .replace("{endpoint_group_id}", ENDPOINT_GROUP_ID)
            .replace("{p2c_vgw_id}", P2C_VGW_ID)
            .replace("{vpn_server_id}", VPN_SERVER_ID)
            .replace("{client_ca_certificate_id}", CLIENT_CA_CERTIFICATE_ID)
            .replace("{user_id}", USER_ID)
            .replace("{group_id}", GROUP_ID)
            .replace("{policy_id}", POLICY_ID)
    }

    /// The JSON the client's parsed result must serialize back to (`null` for `()`).
    fn response_json(&self) -> Value {
        match &self.response {
            Answer::Json(v) => v.clone(),
            _ => Value::Null,
        }
    }
}

/// The filters set on the list calls (see [`invoke`]) and the exact query strings they must
/// produce: arrays as repeated keys (`style: form, explode: true`), reserved characters
/// (`:`, `/`, `&`, `=`) and non-ASCII percent-encoded.
const LIST_VPN_CONNECTIONS_QUERY: &str = "eip_id=0c464dad-demo-a8df-va86-c22bb0eb0bde\
    &enterprise_project_id=0&enterprise_project_id=6b8f2d31-1c2a-4bde-9f1e-3a2b4c5d6e7f\
    &limit=10&marker=2022-11-26T13%3A41%3A34.626Z\
    &vgw_id=b32d91a4-demo-a8df-va86-e907174eb11d\
    &vgw_ip=7a0e1f52-demo-a8df-va86-0d9b8e6c2f17\
    &vpn_id=98c5af8a-demo-a8df-va86-ae2280a6f4c3";
const LIST_CONNECTION_MONITORS_QUERY: &str = "enterprise_project_id=0&enterprise_project_id=6b8f2d31-1c2a-4bde-9f1e-3a2b4c5d6e7f\
    &vpn_connection_id=cae286f2-demo-a8df-va86-e22416ca1220";
const LIST_VGWS_QUERY: &str = "enterprise_project_id=0&enterprise_project_id=6b8f2d31-1c2a-4bde-9f1e-3a2b4c5d6e7f\
    &vgw_id=b32d91a4-demo-a8df-va86-e907174eb11d";
const LIST_CGWS_QUERY: &str = "cgw_id=5247ae10-demo-a8df-va86-dd36659a7f5d\
    &limit=10&marker=2022-11-25T08%3A30%3A12.512Z";
const LIST_IPSEC_SITE_CONNECTIONS_QUERY: &str = "fields=id&fields=name&fields=status\
    &id=851f280f-5639-4ea3-81aa-e298525ab74b&name=vpn%2Fk%C3%B6ln%26hq%3D1&status=ACTIVE\
    &vpnservice_id=5c561d9d-eaea-45f6-ae3e-08d1a7080828";

/// The `fields` selection set on the legacy lists that document no other parameter.
const LIST_FIELDS_QUERY: &str = "fields=id&fields=name";
const LIST_RESOURCES_BY_TAGS_QUERY: &str = "limit=10&offset=20";
const LIST_VPN_GATEWAY_JOBS_QUERY: &str =
    "resource_id=b32d91a4-demo-a8df-va86-e907174eb11d&limit=10&marker=2026-11-30T08%3A00%3A00.000Z";
const SHOW_VPN_GATEWAY_ROUTING_TABLE_QUERY: &str =
    "limit=10&marker=next&offset=5&is_include_nexthop_resource=true";
const JOB_ID: &str = "c7f1d3e3-0476-4a71-95a7-3ce8cbb969de";
const CERTIFICATE_ID: &str = "8d2e4f61-3b7a-4c9e-a1d5-6f0b2c8e4a17";
const LIST_VPN_GATEWAY_CERTIFICATES_QUERY: &str =
    "limit=10&marker=2026-11-30T09%3A12%3A44.318Z&pre_expire_days=30";
/// The tag operations' resource type in the contract tests (`{resource_id}` is [`VGW_ID`]).
const TAGGED_TYPE: vpn_v5::types::TagResourceType = vpn_v5::types::TagResourceType::VpnGateway;
const IKE_POLICY_ID: &str = "5522aff7-1b3c-48dd-9c3c-b50f016b73db";
const IPSEC_POLICY_ID: &str = "5291b189-fd84-46e5-84bd-78f40c05d69c";
const VPN_SERVICE_ID: &str = "5c561d9d-eaea-45f6-ae3e-08d1a7080828";
const ENDPOINT_GROUP_ID: &str = "6ecd9cf3-ca64-46c7-863f-f2eb1b9e838a";
/// The point-to-client ids (`{connection_id}` is [`IPSEC_CONNECTION_ID`] in every path).
const P2C_VGW_ID: &str = "6a7d0a68-8f24-4f7e-9ed9-27d43c3b4c8a";
const LIST_P2C_VGWS_QUERY: &str = "limit=10&marker=2026-12-01T08%3A00%3A00.000Z";
const LIST_P2C_VGW_AVAILABILITY_ZONES_QUERY: &str = "flavor=Professional1";
const LIST_P2C_VGW_CONNECTIONS_QUERY: &str = "limit=10&offset=5";
const LIST_P2C_VPN_GATEWAY_JOBS_QUERY: &str = "resource_id=6a7d0a68-8f24-4f7e-9ed9-27d43c3b4c8a\
    &limit=10&marker=2026-12-01T08%3A00%3A00.000Z";
const VPN_SERVER_ID: &str = "3f9a1c57-2e8b-4d60-b7a4-95c3e1f0d826";
const CLIENT_CA_CERTIFICATE_ID: &str = "5c2e7d14-9a3b-4f61-8e0d-2b7c4a9f1e63";
const USER_ID: &str = "2b9d4f61-3e7a-4c58-a1d0-6f8e2c4b7a95";
const GROUP_ID: &str = "7a3c5e91-2d4f-4b68-8c0e-9f1b3d5a7c26";
const POLICY_ID: &str = "8e1f3a52-6c4d-4b7e-9f20-1d3c5b7a9e84";
/// The marker and limit every paged point-to-client list sends.
const P2C_PAGE_QUERY: &str = "limit=10&marker=2026-12-01T08%3A00%3A00.000Z";

/// The query string each list test sends (every documented filter set, see [`invoke`]); an
/// operation with query parameters must have one (`documented_calls_match_the_specs`).
fn documented_query(op: &str) -> &'static str {
    match op {
        "ListVpnConnections" => LIST_VPN_CONNECTIONS_QUERY,
        "ListConnectionMonitors" => LIST_CONNECTION_MONITORS_QUERY,
        "ListVgws" => LIST_VGWS_QUERY,
        "ListCgws" => LIST_CGWS_QUERY,
        "ListResourcesByTags" => LIST_RESOURCES_BY_TAGS_QUERY,
        "ListVpnGatewayJobs" => LIST_VPN_GATEWAY_JOBS_QUERY,
        "ListVpnGatewayCertificates" => LIST_VPN_GATEWAY_CERTIFICATES_QUERY,
        "ShowVpnGatewayRoutingTable" => SHOW_VPN_GATEWAY_ROUTING_TABLE_QUERY,
        "ListP2cVgws" => LIST_P2C_VGWS_QUERY,
        "ListP2cVgwAvailabilityZones" => LIST_P2C_VGW_AVAILABILITY_ZONES_QUERY,
        "ListP2cVgwConnections" => LIST_P2C_VGW_CONNECTIONS_QUERY,
        "ListP2cVpnGatewayJobs" => LIST_P2C_VPN_GATEWAY_JOBS_QUERY,
        "ListVpnServersByProject"
        | "ListVpnAccessPolicies"
        | "ListVpnUsers"
        | "ListVpnUserGroups"
        | "ListVpnUsersInGroup" => P2C_PAGE_QUERY,
        "ListIpsecSiteConnections" => LIST_IPSEC_SITE_CONNECTIONS_QUERY,
        "ListIkePolicies" | "ListIpsecPolicies" | "ListVpnServices" | "ListEndpointGroups" => {
            LIST_FIELDS_QUERY
        }
        _ => "",
    }
}

/// The fixture of `op` a contract test sends or answers with: among the files named
/// `<prefix>.*.json`, a published (seed) example first, then the one built from the reference.
fn pick_fixture(op: &str, prefix: &str) -> Option<String> {
    let mut names: Vec<String> = fixtures()
        .into_iter()
        .filter(|f| f.operation == op)
        .map(|f| f.file)
        .filter(|name| name.starts_with(&format!("{prefix}.")))
        .collect();
    names.sort_by_key(|name| {
        (
            !name.contains(".seed-"),
            name != &format!("{prefix}.built.json"),
            name.clone(),
        )
    });
    names.into_iter().next()
}

/// The documented exchange of an operation: method, path and success status from the generated
/// operation table, the query of [`documented_query`], the request and answer from its fixtures.
fn documented(op: &str) -> Option<Expect> {
    let table = operation::find(op)?;
    let mut e = Expect::new(table.id, table.method, table.path).query(documented_query(op));
    if table.request.is_some() {
        let file = pick_fixture(op, "request")
            .unwrap_or_else(|| panic!("{op}: no request fixture under tests/fixtures/{op}/"));
        e = e.request(&file);
    }
    e = match pick_fixture(op, &format!("response-{}", table.success)) {
        Some(file) => e.answer(table.success, &file),
        None => e.answer_empty(table.success),
    };
    Some(e)
}

fn expect(op: &str) -> Expect {
    documented(op).unwrap_or_else(|| panic!("{op}: not in the generated operation table"))
}

// ---------------------------------------------------------------------------------------------
// Driving the client.

/// A successful call, reduced to what the tests compare.
#[derive(Debug)]
struct Outcome {
    status: StatusCode,
    headers: HeaderMap,
    /// The parsed body serialized back (`null` for `()`).
    body: Value,
}

type CallResult = Result<Outcome, Error<ServiceError>>;

#[allow(clippy::result_large_err)] // the client's own error type
fn outcome<T: Serialize>(result: Result<ResponseValue<T>, Error<ServiceError>>) -> CallResult {
    result.map(|rv| Outcome {
        status: rv.status(),
        headers: rv.headers().clone(),
        body: serde_json::to_value(rv.into_inner()).expect("a parsed response serializes"),
    })
}

fn v5_client(server: &MockServer) -> vpn_v5::Client {
    vpn_v5::Client::for_project(&server.uri(), PROJECT_ID).expect("valid endpoint and project id")
}

fn v51_client(server: &MockServer) -> vpn_v5_1::Client {
    vpn_v5_1::Client::for_project(&server.uri(), PROJECT_ID).expect("valid endpoint and project id")
}

fn p2c_client(server: &MockServer) -> vpn_p2c::Client {
    vpn_p2c::Client::for_project(&server.uri(), PROJECT_ID).expect("valid endpoint and project id")
}

fn v2_client(server: &MockServer) -> ipsec_v2::Client {
    ipsec_v2::Client::for_endpoint(&server.uri()).expect("valid endpoint")
}

/// The typed request body of `op`, from its documented request fixture.
fn body<T: DeserializeOwned>(op: &str) -> T {
    typed(&expect(op))
}

/// The typed request body of an exchange, from the request JSON it expects.
fn typed<T: DeserializeOwned>(e: &Expect) -> T {
    let value = e
        .request
        .clone()
        .unwrap_or_else(|| panic!("{} has no request body", e.op));
    serde_json::from_value(value)
        .unwrap_or_else(|err| panic!("{}: request fixture does not parse: {err}", e.op))
}

fn two_enterprise_projects() -> Vec<String> {
    vec![
        "0".to_string(),
        "6b8f2d31-1c2a-4bde-9f1e-3a2b4c5d6e7f".to_string(),
    ]
}

/// Calls the operation of `e` through the client, with the ids and filters of its documented
/// call and the request body `e` expects.
async fn invoke(e: &Expect, server: &MockServer) -> CallResult {
    let op = e.op;
    let v5 = v5_client(server);
    let v2 = v2_client(server);
    let p2c = p2c_client(server);
    match op {
        "CreateVpnConnection" => outcome(
            v5.create_vpn_connection()
                .body(typed::<vpn_v5::types::CreateVpnConnectionRequest>(e))
                .send()
                .await,
        ),
        "ListVpnConnections" => outcome(
            v5.list_vpn_connections()
                .vpn_id(VPN_CONNECTION_ID)
                .eip_id("0c464dad-demo-a8df-va86-c22bb0eb0bde")
                .vgw_ip("7a0e1f52-demo-a8df-va86-0d9b8e6c2f17")
                .vgw_id("b32d91a4-demo-a8df-va86-e907174eb11d")
                .enterprise_project_id(two_enterprise_projects())
                .limit(10)
                .marker("2022-11-26T13:41:34.626Z")
                .send()
                .await,
        ),
        "ShowVpnConnection" => outcome(
            v5.show_vpn_connection()
                .vpn_connection_id(VPN_CONNECTION_ID)
                .send()
                .await,
        ),
        "UpdateVpnConnection" => outcome(
            v5.update_vpn_connection()
                .vpn_connection_id(VPN_CONNECTION_ID)
                .body(typed::<vpn_v5::types::UpdateVpnConnectionRequest>(e))
                .send()
                .await,
        ),
        "DeleteVpnConnection" => outcome(
            v5.delete_vpn_connection()
                .vpn_connection_id(VPN_CONNECTION_ID)
                .send()
                .await,
        ),
        "BatchCreateVpnConnection" => outcome(
            v5.batch_create_vpn_connection()
                .body(typed::<vpn_v5::types::BatchCreateVpnConnectionRequest>(e))
                .send()
                .await,
        ),
        "ResetVpnConnection" => outcome(
            v5.reset_vpn_connection()
                .vpn_connection_id(VPN_CONNECTION_ID)
                .send()
                .await,
        ),
        "ListConnectionIpsecSa" => outcome(
            v5.list_connection_ipsec_sa()
                .vpn_connection_id(VPN_CONNECTION_ID)
                .send()
                .await,
        ),
        "ShowVpnConnectionLog" => outcome(
            v5.show_vpn_connection_log()
                .vpn_connection_id(VPN_CONNECTION_ID)
                .send()
                .await,
        ),
        "ExportVpnConnectionPeerConfiguration" => outcome(
            v5.export_vpn_connection_peer_configuration()
                .vpn_connection_id(VPN_CONNECTION_ID)
                .body(typed::<vpn_v5::types::ExportPeerConfigurationRequest>(e))
                .send()
                .await,
        ),
        "ListPeerConfigurationSupportedDevices" => {
            outcome(v5.list_peer_configuration_supported_devices().send().await)
        }
        "CreateConnectionMonitor" => outcome(
            v5.create_connection_monitor()
                .body(typed::<vpn_v5::types::CreateConnectionMonitorRequest>(e))
                .send()
                .await,
        ),
        "ListConnectionMonitors" => outcome(
            v5.list_connection_monitors()
                .vpn_connection_id("cae286f2-demo-a8df-va86-e22416ca1220")
                .enterprise_project_id(two_enterprise_projects())
                .send()
                .await,
        ),
        "ShowConnectionMonitor" => outcome(
            v5.show_connection_monitor()
                .connection_monitor_id(CONNECTION_MONITOR_ID)
                .send()
                .await,
        ),
        "DeleteConnectionMonitor" => outcome(
            v5.delete_connection_monitor()
                .connection_monitor_id(CONNECTION_MONITOR_ID)
                .send()
                .await,
        ),
        "CreateVgw" => outcome(
            v5.create_vgw()
                .body(typed::<vpn_v5::types::CreateVpnGatewayRequest>(e))
                .send()
                .await,
        ),
        "ListVgws" => outcome(
            v5.list_vgws()
                .vgw_id(VGW_ID)
                .enterprise_project_id(two_enterprise_projects())
                .send()
                .await,
        ),
        "ShowVgw" => outcome(v5.show_vgw().vgw_id(VGW_ID).send().await),
        "UpdateVgw" => outcome(
            v5.update_vgw()
                .vgw_id(VGW_ID)
                .body(typed::<vpn_v5::types::UpdateVpnGatewayRequest>(e))
                .send()
                .await,
        ),
        "DeleteVgw" => outcome(v5.delete_vgw().vgw_id(VGW_ID).send().await),
        "ListAvailabilityZones" => outcome(v5.list_availability_zones().send().await),
        "CreateCgw" => outcome(
            v5.create_cgw()
                .body(typed::<vpn_v5::types::CreateCustomerGatewayRequest>(e))
                .send()
                .await,
        ),
        "ListCgws" => outcome(
            v5.list_cgws()
                .cgw_id(CUSTOMER_GATEWAY_ID)
                .limit(10)
                .marker("2022-11-25T08:30:12.512Z")
                .send()
                .await,
        ),
        "ShowCgw" => outcome(
            v5.show_cgw()
                .customer_gateway_id(CUSTOMER_GATEWAY_ID)
                .send()
                .await,
        ),
        "UpdateCgw" => outcome(
            v5.update_cgw()
                .customer_gateway_id(CUSTOMER_GATEWAY_ID)
                .body(typed::<vpn_v5::types::UpdateCustomerGatewayRequest>(e))
                .send()
                .await,
        ),
        "DeleteCgw" => outcome(
            v5.delete_cgw()
                .customer_gateway_id(CUSTOMER_GATEWAY_ID)
                .send()
                .await,
        ),
        "ShowQuotasInfo" => outcome(v5.show_quotas_info().send().await),
        "ListExtendedAvailabilityZones" => outcome(
            v51_client(server)
                .list_extended_availability_zones()
                .send()
                .await,
        ),
        "CreateVgwCertificate" => outcome(
            v5.create_vgw_certificate()
                .vgw_id(VGW_ID)
                .body(typed::<vpn_v5::types::CreateVpnGatewayCertificateRequest>(
                    e,
                ))
                .send()
                .await,
        ),
        "ShowVpnGatewayCertificate" => outcome(
            v5.show_vpn_gateway_certificate()
                .vgw_id(VGW_ID)
                .send()
                .await,
        ),
        "UpdateVgwCertificate" => outcome(
            v5.update_vgw_certificate()
                .vgw_id(VGW_ID)
                .certificate_id(CERTIFICATE_ID)
                .body(typed::<vpn_v5::types::UpdateVpnGatewayCertificateRequest>(
                    e,
                ))
                .send()
                .await,
        ),
        "ListVpnGatewayCertificates" => outcome(
            v5.list_vpn_gateway_certificates()
                .limit(10)
                .marker("2026-11-30T09:12:44.318Z")
                .pre_expire_days(30)
                .send()
                .await,
        ),
        "ListVpnGatewayJobs" => outcome(
            v5.list_vpn_gateway_jobs()
                .resource_id(VGW_ID)
                .limit(10)
                .marker("2026-11-30T08:00:00.000Z")
                .send()
                .await,
        ),
        "DeleteVpnGatewayJob" => outcome(v5.delete_vpn_gateway_job().job_id(JOB_ID).send().await),
        "UpgradeVpnGateway" => outcome(
            v5.upgrade_vpn_gateway()
                .vgw_id(VGW_ID)
                .body(typed::<vpn_v5::types::UpgradeVpnGatewayRequest>(e))
                .send()
                .await,
        ),
        "UpdatePostpaidVgwSpecification" => outcome(
            v5.update_postpaid_vgw_specification()
                .vgw_id(VGW_ID)
                .body(typed::<vpn_v5::types::UpdateVpnGatewaySpecificationRequest>(e))
                .send()
                .await,
        ),
        "ShowVpnGatewayRoutingTable" => outcome(
            v5.show_vpn_gateway_routing_table()
                .vgw_id(VGW_ID)
                .limit(10)
                .marker("next")
                .offset(5)
                .is_include_nexthop_resource(true)
                .send()
                .await,
        ),
        "BatchCreateResourceTags" => outcome(
            v5.batch_create_resource_tags()
                .resource_type(TAGGED_TYPE)
                .resource_id(VGW_ID)
                .body(typed::<vpn_v5::types::BatchCreateResourceTagsRequest>(e))
                .send()
                .await,
        ),
        "BatchDeleteResourceTags" => outcome(
            v5.batch_delete_resource_tags()
                .resource_type(TAGGED_TYPE)
                .resource_id(VGW_ID)
                .body(typed::<vpn_v5::types::BatchDeleteResourceTagsRequest>(e))
                .send()
                .await,
        ),
        "ShowResourceTags" => outcome(
            v5.show_resource_tags()
                .resource_type(TAGGED_TYPE)
                .resource_id(VGW_ID)
                .send()
                .await,
        ),
        "ListProjectTags" => outcome(
            v5.list_project_tags()
                .resource_type(TAGGED_TYPE)
                .send()
                .await,
        ),
        "ListResourcesByTags" => outcome(
            v5.list_resources_by_tags()
                .resource_type(TAGGED_TYPE)
                .limit(10)
                .offset(20)
                .body(typed::<vpn_v5::types::QueryResourcesRequest>(e))
                .send()
                .await,
        ),
        "CountResourcesByTags" => outcome(
            v5.count_resources_by_tags()
                .resource_type(TAGGED_TYPE)
                .body(typed::<vpn_v5::types::QueryResourcesRequest>(e))
                .send()
                .await,
        ),
        "CreateIpsecSiteConnection" => outcome(
            v2.create_ipsec_site_connection()
                .body(typed::<ipsec_v2::types::CreateIpsecSiteConnectionRequest>(
                    e,
                ))
                .send()
                .await,
        ),
        "ListIpsecSiteConnections" => outcome(
            v2.list_ipsec_site_connections()
                .fields(vec![
                    "id".to_string(),
                    "name".to_string(),
                    "status".to_string(),
                ])
                .id(IPSEC_CONNECTION_ID)
                .name("vpn/köln&hq=1")
                .status("ACTIVE")
                .vpnservice_id("5c561d9d-eaea-45f6-ae3e-08d1a7080828")
                .send()
                .await,
        ),
        "ShowIpsecSiteConnection" => outcome(
            v2.show_ipsec_site_connection()
                .connection_id(IPSEC_CONNECTION_ID)
                .send()
                .await,
        ),
        "UpdateIpsecSiteConnection" => outcome(
            v2.update_ipsec_site_connection()
                .connection_id(IPSEC_CONNECTION_ID)
                .body(typed::<ipsec_v2::types::UpdateIpsecSiteConnectionRequest>(
                    e,
                ))
                .send()
                .await,
        ),
        "DeleteIpsecSiteConnection" => outcome(
            v2.delete_ipsec_site_connection()
                .connection_id(IPSEC_CONNECTION_ID)
                .send()
                .await,
        ),
        "CreateP2cVgw" => outcome(
            p2c.create_p2c_vgw()
                .body(typed::<vpn_p2c::types::CreateP2cVgwRequest>(e))
                .send()
                .await,
        ),
        "ListP2cVgws" => outcome(
            p2c.list_p2c_vgws()
                .limit(10)
                .marker("2026-12-01T08:00:00.000Z")
                .send()
                .await,
        ),
        "ShowP2cVgw" => outcome(p2c.show_p2c_vgw().p2c_vgw_id(P2C_VGW_ID).send().await),
        "UpdateP2cVgw" => outcome(
            p2c.update_p2c_vgw()
                .p2c_vgw_id(P2C_VGW_ID)
                .body(typed::<vpn_p2c::types::UpdateP2cVgwRequest>(e))
                .send()
                .await,
        ),
        "DeleteP2cVgw" => outcome(p2c.delete_p2c_vgw().p2c_vgw_id(P2C_VGW_ID).send().await),
        "ListP2cVgwAvailabilityZones" => outcome(
            p2c.list_p2c_vgw_availability_zones()
                .flavor(vpn_p2c::types::ListP2cVgwAvailabilityZonesFlavor::Professional1)
                .send()
                .await,
        ),
        "ListP2cVgwConnections" => outcome(
            p2c.list_p2c_vgw_connections()
                .p2c_vgw_id(P2C_VGW_ID)
                .limit(10)
                .offset(5)
                .send()
                .await,
        ),
        "DeleteP2cVgwConnection" => outcome(
            p2c.delete_p2c_vgw_connection()
                .p2c_vgw_id(P2C_VGW_ID)
                .connection_id(IPSEC_CONNECTION_ID)
                .send()
                .await,
        ),
        "UpgradeP2cVpnGateway" => outcome(
            p2c.upgrade_p2c_vpn_gateway()
                .p2c_vgw_id(P2C_VGW_ID)
                .body(typed::<vpn_p2c::types::UpgradeP2cVgwRequest>(e))
                .send()
                .await,
        ),
        "ListP2cVpnGatewayJobs" => outcome(
            p2c.list_p2c_vpn_gateway_jobs()
                .resource_id(P2C_VGW_ID)
                .limit(10)
                .marker("2026-12-01T08:00:00.000Z")
                .send()
                .await,
        ),
        "DeleteP2cVpnGatewayJob" => {
            outcome(p2c.delete_p2c_vpn_gateway_job().job_id(JOB_ID).send().await)
        }
        "ShowVpnConnectionsLogConfig" => outcome(
            p2c.show_vpn_connections_log_config()
                .p2c_vgw_id(P2C_VGW_ID)
                .send()
                .await,
        ),
        "UpdateVpnConnectionsLogConfig" => outcome(
            p2c.update_vpn_connections_log_config()
                .p2c_vgw_id(P2C_VGW_ID)
                .body(typed::<vpn_p2c::types::UpdateVpnConnectionsLogConfigRequest>(e))
                .send()
                .await,
        ),
        "DeleteVpnConnectionsLogConfig" => outcome(
            p2c.delete_vpn_connections_log_config()
                .p2c_vgw_id(P2C_VGW_ID)
                .send()
                .await,
        ),
        "CreateVpnServer" => outcome(
            p2c.create_vpn_server()
                .p2c_vgw_id(P2C_VGW_ID)
                .body(typed::<vpn_p2c::types::CreateVpnServerRequest>(e))
                .send()
                .await,
        ),
        "ListVpnServersByVgw" => outcome(
            p2c.list_vpn_servers_by_vgw()
                .p2c_vgw_id(P2C_VGW_ID)
                .send()
                .await,
        ),
        "ListVpnServersByProject" => outcome(
            p2c.list_vpn_servers_by_project()
                .limit(10)
                .marker("2026-12-01T08:00:00.000Z")
                .send()
                .await,
        ),
        "UpdateVpnServer" => outcome(
            p2c.update_vpn_server()
                .vpn_server_id(VPN_SERVER_ID)
                .body(typed::<vpn_p2c::types::UpdateVpnServerRequest>(e))
                .send()
                .await,
        ),
        "ExportClientConfig" => outcome(
            p2c.export_client_config()
                .vpn_server_id(VPN_SERVER_ID)
                .body(typed::<vpn_p2c::types::ExportClientConfigRequest>(e))
                .send()
                .await,
        ),
        "CheckClientCaCertificate" => outcome(
            p2c.check_client_ca_certificate()
                .body(typed::<vpn_p2c::types::CheckClientCaCertificateRequest>(e))
                .send()
                .await,
        ),
        "ImportClientCa" => outcome(
            p2c.import_client_ca()
                .vpn_server_id(VPN_SERVER_ID)
                .body(typed::<vpn_p2c::types::ImportClientCaRequest>(e))
                .send()
                .await,
        ),
        "ShowClientCa" => outcome(
            p2c.show_client_ca()
                .vpn_server_id(VPN_SERVER_ID)
                .client_ca_certificate_id(CLIENT_CA_CERTIFICATE_ID)
                .send()
                .await,
        ),
        "UpdateClientCa" => outcome(
            p2c.update_client_ca()
                .vpn_server_id(VPN_SERVER_ID)
                .client_ca_certificate_id(CLIENT_CA_CERTIFICATE_ID)
                .body(typed::<vpn_p2c::types::UpdateClientCaRequest>(e))
                .send()
                .await,
        ),
        "DeleteClientCa" => outcome(
            p2c.delete_client_ca()
                .vpn_server_id(VPN_SERVER_ID)
                .client_ca_certificate_id(CLIENT_CA_CERTIFICATE_ID)
                .send()
                .await,
        ),
        "CreateVpnAccessPolicy" => outcome(
            p2c.create_vpn_access_policy()
                .vpn_server_id(VPN_SERVER_ID)
                .body(typed::<vpn_p2c::types::CreateVpnAccessPolicyRequest>(e))
                .send()
                .await,
        ),
        "ListVpnAccessPolicies" => outcome(
            p2c.list_vpn_access_policies()
                .vpn_server_id(VPN_SERVER_ID)
                .limit(10)
                .marker("2026-12-01T08:00:00.000Z")
                .send()
                .await,
        ),
        "ShowVpnAccessPolicy" => outcome(
            p2c.show_vpn_access_policy()
                .vpn_server_id(VPN_SERVER_ID)
                .policy_id(POLICY_ID)
                .send()
                .await,
        ),
        "UpdateVpnAccessPolicy" => outcome(
            p2c.update_vpn_access_policy()
                .vpn_server_id(VPN_SERVER_ID)
                .policy_id(POLICY_ID)
                .body(typed::<vpn_p2c::types::UpdateVpnAccessPolicyRequest>(e))
                .send()
                .await,
        ),
        "DeleteVpnAccessPolicy" => outcome(
            p2c.delete_vpn_access_policy()
                .vpn_server_id(VPN_SERVER_ID)
                .policy_id(POLICY_ID)
                .send()
                .await,
        ),
        "CreateVpnUser" => outcome(
            p2c.create_vpn_user()
                .vpn_server_id(VPN_SERVER_ID)
                .body(typed::<vpn_p2c::types::CreateVpnUserRequest>(e))
                .send()
                .await,
        ),
        "ListVpnUsers" => outcome(
            p2c.list_vpn_users()
                .vpn_server_id(VPN_SERVER_ID)
                .limit(10)
                .marker("2026-12-01T08:00:00.000Z")
                .send()
                .await,
        ),
        "BatchCreateVpnUsers" => outcome(
            p2c.batch_create_vpn_users()
                .vpn_server_id(VPN_SERVER_ID)
                .body(typed::<vpn_p2c::types::BatchCreateVpnUsersRequest>(e))
                .send()
                .await,
        ),
        "BatchDeleteVpnUsers" => outcome(
            p2c.batch_delete_vpn_users()
                .vpn_server_id(VPN_SERVER_ID)
                .body(typed::<vpn_p2c::types::BatchDeleteVpnUsersRequest>(e))
                .send()
                .await,
        ),
        "ShowVpnUser" => outcome(
            p2c.show_vpn_user()
                .vpn_server_id(VPN_SERVER_ID)
                .user_id(USER_ID)
                .send()
                .await,
        ),
        "UpdateVpnUser" => outcome(
            p2c.update_vpn_user()
                .vpn_server_id(VPN_SERVER_ID)
                .user_id(USER_ID)
                .body(typed::<vpn_p2c::types::UpdateVpnUserRequest>(e))
                .send()
                .await,
        ),
        "DeleteVpnUser" => outcome(
            p2c.delete_vpn_user()
                .vpn_server_id(VPN_SERVER_ID)
                .user_id(USER_ID)
                .send()
                .await,
        ),
        "ResetVpnUserPassword" => outcome(
            p2c.reset_vpn_user_password()
                .vpn_server_id(VPN_SERVER_ID)
                .user_id(USER_ID)
                .body(typed::<vpn_p2c::types::ResetVpnUserPasswordRequest>(e))
                .send()
                .await,
        ),
        "UpdateVpnUserPassword" => outcome(
            p2c.update_vpn_user_password()
                .vpn_server_id(VPN_SERVER_ID)
                .user_id(USER_ID)
                .body(typed::<vpn_p2c::types::UpdateVpnUserPasswordRequest>(e))
                .send()
                .await,
        ),
        "CreateVpnUserGroup" => outcome(
            p2c.create_vpn_user_group()
                .vpn_server_id(VPN_SERVER_ID)
                .body(typed::<vpn_p2c::types::CreateVpnUserGroupRequest>(e))
                .send()
                .await,
        ),
        "ListVpnUserGroups" => outcome(
            p2c.list_vpn_user_groups()
                .vpn_server_id(VPN_SERVER_ID)
                .limit(10)
                .marker("2026-12-01T08:00:00.000Z")
                .send()
                .await,
        ),
        "ShowVpnUserGroup" => outcome(
            p2c.show_vpn_user_group()
                .vpn_server_id(VPN_SERVER_ID)
                .group_id(GROUP_ID)
                .send()
                .await,
        ),
        "UpdateVpnUserGroup" => outcome(
            p2c.update_vpn_user_group()
                .vpn_server_id(VPN_SERVER_ID)
                .group_id(GROUP_ID)
                .body(typed::<vpn_p2c::types::UpdateVpnUserGroupRequest>(e))
                .send()
                .await,
        ),
        "DeleteVpnUserGroup" => outcome(
            p2c.delete_vpn_user_group()
                .vpn_server_id(VPN_SERVER_ID)
                .group_id(GROUP_ID)
                .send()
                .await,
        ),
        "AddVpnUsersToGroup" => outcome(
            p2c.add_vpn_users_to_group()
                .vpn_server_id(VPN_SERVER_ID)
                .group_id(GROUP_ID)
                .body(typed::<vpn_p2c::types::AddVpnUsersToGroupRequest>(e))
                .send()
                .await,
        ),
        "RemoveVpnUsersFromGroup" => outcome(
            p2c.remove_vpn_users_from_group()
                .vpn_server_id(VPN_SERVER_ID)
                .group_id(GROUP_ID)
                .body(typed::<vpn_p2c::types::RemoveVpnUsersFromGroupRequest>(e))
                .send()
                .await,
        ),
        "ListVpnUsersInGroup" => outcome(
            p2c.list_vpn_users_in_group()
                .vpn_server_id(VPN_SERVER_ID)
                .group_id(GROUP_ID)
                .limit(10)
                .marker("2026-12-01T08:00:00.000Z")
                .send()
                .await,
        ),
        "CreateIkePolicy" => outcome(
            v2.create_ike_policy()
                .body(typed::<ipsec_v2::types::CreateIkePolicyRequest>(e))
                .send()
                .await,
        ),
        "ListIkePolicies" => outcome(
            v2.list_ike_policies()
                .fields(vec!["id".to_string(), "name".to_string()])
                .send()
                .await,
        ),
        "ShowIkePolicy" => outcome(
            v2.show_ike_policy()
                .ikepolicy_id(IKE_POLICY_ID)
                .send()
                .await,
        ),
        "UpdateIkePolicy" => outcome(
            v2.update_ike_policy()
                .ikepolicy_id(IKE_POLICY_ID)
                .body(typed::<ipsec_v2::types::UpdateIkePolicyRequest>(e))
                .send()
                .await,
        ),
        "DeleteIkePolicy" => outcome(
            v2.delete_ike_policy()
                .ikepolicy_id(IKE_POLICY_ID)
                .send()
                .await,
        ),
        "CreateIpsecPolicy" => outcome(
            v2.create_ipsec_policy()
                .body(typed::<ipsec_v2::types::CreateIpsecPolicyRequest>(e))
                .send()
                .await,
        ),
        "ListIpsecPolicies" => outcome(
            v2.list_ipsec_policies()
                .fields(vec!["id".to_string(), "name".to_string()])
                .send()
                .await,
        ),
        "ShowIpsecPolicy" => outcome(
            v2.show_ipsec_policy()
                .ipsecpolicy_id(IPSEC_POLICY_ID)
                .send()
                .await,
        ),
        "UpdateIpsecPolicy" => outcome(
            v2.update_ipsec_policy()
                .ipsecpolicy_id(IPSEC_POLICY_ID)
                .body(typed::<ipsec_v2::types::UpdateIpsecPolicyRequest>(e))
                .send()
                .await,
        ),
        "DeleteIpsecPolicy" => outcome(
            v2.delete_ipsec_policy()
                .ipsecpolicy_id(IPSEC_POLICY_ID)
                .send()
                .await,
        ),
        "CreateVpnService" => outcome(
            v2.create_vpn_service()
                .body(typed::<ipsec_v2::types::CreateVpnServiceRequest>(e))
                .send()
                .await,
        ),
        "ListVpnServices" => outcome(
            v2.list_vpn_services()
                .fields(vec!["id".to_string(), "name".to_string()])
                .send()
                .await,
        ),
        "ShowVpnService" => outcome(
            v2.show_vpn_service()
                .service_id(VPN_SERVICE_ID)
                .send()
                .await,
        ),
        "UpdateVpnService" => outcome(
            v2.update_vpn_service()
                .service_id(VPN_SERVICE_ID)
                .body(typed::<ipsec_v2::types::UpdateVpnServiceRequest>(e))
                .send()
                .await,
        ),
        "DeleteVpnService" => outcome(
            v2.delete_vpn_service()
                .service_id(VPN_SERVICE_ID)
                .send()
                .await,
        ),
        "CreateEndpointGroup" => outcome(
            v2.create_endpoint_group()
                .body(typed::<ipsec_v2::types::CreateEndpointGroupRequest>(e))
                .send()
                .await,
        ),
        "ListEndpointGroups" => outcome(
            v2.list_endpoint_groups()
                .fields(vec!["id".to_string(), "name".to_string()])
                .send()
                .await,
        ),
        "ShowEndpointGroup" => outcome(
            v2.show_endpoint_group()
                .endpoint_group_id(ENDPOINT_GROUP_ID)
                .send()
                .await,
        ),
        "UpdateEndpointGroup" => outcome(
            v2.update_endpoint_group()
                .endpoint_group_id(ENDPOINT_GROUP_ID)
                .body(typed::<ipsec_v2::types::UpdateEndpointGroupRequest>(e))
                .send()
                .await,
        ),
        "DeleteEndpointGroup" => outcome(
            v2.delete_endpoint_group()
                .endpoint_group_id(ENDPOINT_GROUP_ID)
                .send()
                .await,
        ),
        other => panic!("no client call for {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The mock server and the wire checks.

/// The query segments (`key=value`, still encoded) in a comparable order: stable-sorted by key,
/// so the order of distinct parameters (which carries no meaning) is free, while the order of
/// a repeated key's values (an array's order) and every byte of the encoding are kept. Empty
/// segments (`a=1&&b=2`) are kept too.
fn query_segments(raw: &str) -> Vec<&str> {
    if raw.is_empty() {
        return Vec::new();
    }
    let mut segments: Vec<&str> = raw.split('&').collect();
    segments.sort_by_key(|s| s.split('=').next().unwrap_or(""));
    segments
}

/// Matches a request whose raw query string is exactly the expected one (see [`query_segments`]).
struct RawQuery(&'static str);

impl Match for RawQuery {
    fn matches(&self, request: &Request) -> bool {
        query_segments(request.url.query().unwrap_or("")) == query_segments(self.0)
    }
}

/// Matches a request without a body.
struct EmptyBody;

impl Match for EmptyBody {
    fn matches(&self, request: &Request) -> bool {
        request.body.is_empty()
    }
}

fn respond(e: &Expect) -> ResponseTemplate {
    let mut template = ResponseTemplate::new(e.status);
    if let Some(id) = e.x_request_id {
        template = template.insert_header("X-Request-Id", id);
    }
    match &e.response {
        Answer::Empty => template,
        Answer::Json(v) => template.set_body_json(v),
        Answer::Raw(text, mime) => template.set_body_raw(text.as_bytes().to_vec(), mime),
    }
}

/// Starts a mock server on loopback with one mock that matches exactly the documented request
/// (method, path, query, body) and must be hit exactly once.
async fn mount(e: &Expect) -> MockServer {
    let server = MockServer::start().await;
    let mock = Mock::given(method(e.method))
        .and(path(e.path()))
        .and(RawQuery(e.query));
    let mock = match &e.request {
        Some(v) => mock.and(body_json(v)),
        None => mock.and(EmptyBody),
    };
    mock.respond_with(respond(e))
        .expect(1)
        .named(e.op)
        .mount(&server)
        .await;
    server
}

fn header_values<'a>(request: &'a Request, name: &str) -> Vec<&'a [u8]> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.as_bytes())
        .collect()
}

/// Checks what the client sent: exactly one request, exactly as documented.
async fn assert_wire(server: &MockServer, e: &Expect) {
    let requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert_eq!(
        requests.len(),
        1,
        "{}: expected exactly one request, got {requests:#?}",
        e.op
    );
    let r = &requests[0];
    // Every failure names the exchange and prints the request headers as sent.
    let ctx = format!(
        "{} ({} {}) with request headers {:?}",
        e.op, r.method, r.url, r.headers
    );

    assert_eq!(r.method.as_str(), e.method, "{ctx}: method");
    assert_eq!(r.url.path(), e.path(), "{ctx}: path");
    let raw_query = r.url.query().unwrap_or("");
    assert_eq!(
        query_segments(raw_query),
        query_segments(e.query),
        "{ctx}: query string\n  sent:     {raw_query:?}\n  expected: {:?}",
        e.query
    );

    assert_eq!(
        header_values(r, "accept"),
        [b"application/json"],
        "{ctx}: accept"
    );
    match &e.request {
        Some(expected) => {
            let sent: Value = serde_json::from_slice(&r.body).unwrap_or_else(|err| {
                panic!(
                    "{ctx}: body is not JSON ({err}): {:?}",
                    String::from_utf8_lossy(&r.body)
                )
            });
            assert_eq!(
                &sent,
                expected,
                "{ctx}: body\n  sent:     {}\n  expected: {}",
                serde_json::to_string_pretty(&sent).unwrap(),
                serde_json::to_string_pretty(expected).unwrap()
            );
            assert_eq!(
                header_values(r, "content-type"),
                [b"application/json"],
                "{ctx}: content-type"
            );
        }
        None => {
            assert!(
                r.body.is_empty(),
                "{ctx}: body must be empty, got {:?}",
                String::from_utf8_lossy(&r.body)
            );
            assert!(
                r.headers.get("content-type").is_none(),
                "{ctx}: content-type without a body"
            );
        }
    }

    assert!(
        r.headers.get("api-version").is_none(),
        "{ctx}: undocumented `api-version` header"
    );
    let names: BTreeSet<&str> = r.headers.keys().map(|k| k.as_str()).collect();
    let extra: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !ALLOWED_HEADERS.contains(n))
        .collect();
    assert!(
        extra.is_empty(),
        "{ctx}: undocumented headers {extra:?} (allowed: {ALLOWED_HEADERS:?})"
    );
}

/// The whole contract of one success exchange.
async fn contract(e: Expect) {
    let server = mount(&e).await;
    let result = invoke(&e, &server).await;
    assert_wire(&server, &e).await;
    let got = result.unwrap_or_else(|err| {
        panic!(
            "{}: expected {} with the fixture, got {err:?}",
            e.op, e.status
        )
    });
    assert_eq!(got.status.as_u16(), e.status, "{}: status", e.op);
    assert_eq!(
        got.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some(HEADER_REQUEST_ID),
        "{}: the response headers are kept",
        e.op
    );
    let expected = e.response_json();
    assert_eq!(
        got.body,
        expected,
        "{}: parsed response differs from the fixture\n  parsed:  {}\n  fixture: {}",
        e.op,
        serde_json::to_string_pretty(&got.body).unwrap(),
        serde_json::to_string_pretty(&expected).unwrap()
    );
    server.verify().await;
}

/// The `ServiceError` of a failed call, after checking it is an `ErrorResponse` with `status`.
fn service_error<T: std::fmt::Debug>(
    result: Result<T, Error<ServiceError>>,
    status: u16,
    ctx: &str,
) -> ServiceError {
    match result {
        Err(Error::ErrorResponse(rv)) => {
            assert_eq!(rv.status().as_u16(), status, "{ctx}: status");
            rv.into_inner()
        }
        other => panic!("{ctx}: expected Error::ErrorResponse({status}), got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The table itself follows the specs.

#[test]
fn documented_calls_match_the_specs() {
    let specs = specs();
    let mut seen = Vec::new();
    for spec in &specs {
        for op in xtask::spec::operations(&spec.doc) {
            let id = op
                .op
                .get("operationId")
                .and_then(Value::as_str)
                .expect("operationId")
                .to_string();
            seen.push(id);
        }
    }
    // The generated table holds exactly the specs' operations.
    let table: BTreeSet<&str> = operation::all().map(|op| op.id).collect();
    let in_specs: BTreeSet<&str> = seen.iter().map(String::as_str).collect();
    assert_eq!(table, in_specs, "the operation table and the specs");
    for id in &seen {
        let e = documented(id).unwrap_or_else(|| panic!("{id}: no contract test"));
        let (i, spec_path, spec_method, pointer) = find_operation(&specs, id).unwrap();
        let doc = &specs[i].doc;
        assert_eq!(e.template, spec_path, "{id}: path");
        assert!(
            e.method.eq_ignore_ascii_case(&spec_method),
            "{id}: method {} vs {spec_method}",
            e.method
        );
        assert!(
            doc.pointer(&format!("{pointer}/responses/{}", e.status))
                .is_some(),
            "{id}: status {}",
            e.status
        );
        let has_body = doc.pointer(&format!("{pointer}/requestBody")).is_some();
        assert_eq!(e.request.is_some(), has_body, "{id}: request body");
        let query_params: BTreeSet<&str> = doc
            .pointer(&format!("{pointer}/parameters"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            // A shared parameter is a `$ref` into `components/parameters`.
            .map(|p| match p.get("$ref").and_then(Value::as_str) {
                Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(p),
                None => p,
            })
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        let sent: BTreeSet<&str> = query_segments(e.query)
            .iter()
            .map(|s| s.split('=').next().unwrap())
            .collect();
        // The list tests set every documented filter.
        assert_eq!(sent, query_params, "{id}: query parameters");
    }
}

// ---------------------------------------------------------------------------------------------
// The contract of every operation in the generated table.

#[tokio::test]
async fn every_operation_keeps_its_contract() {
    let mut ran = 0;
    for op in operation::all() {
        contract(expect(op.id)).await;
        ran += 1;
    }
    assert!(ran >= 26, "only {ran} operations in the table");
}

// ---------------------------------------------------------------------------------------------
// Errors.

/// The body shape of an error fixture and the code, message and request id it carries, read
/// by shape (independently of `ServiceError`'s own logic).
fn documented_error(body: &Value) -> (&'static str, Option<&str>, Option<&str>, Option<&str>) {
    fn s(v: Option<&Value>) -> Option<&str> {
        v.and_then(Value::as_str)
    }
    if let Some(n) = body.get("NeutronError") {
        ("neutron", s(n.get("type")), s(n.get("message")), None)
    } else if body.get("code").is_some() {
        (
            "vpn",
            s(body.get("code")),
            s(body.get("message")),
            s(body.get("request_id")),
        )
    } else if body.get("request_id").is_some() {
        (
            "apigw",
            s(body.get("error_code")),
            s(body.get("error_msg")),
            s(body.get("request_id")),
        )
    } else {
        (
            "api-definition",
            s(body.get("error_code")),
            s(body.get("error_msg")),
            None,
        )
    }
}

#[tokio::test]
async fn every_error_fixture_is_an_error_response() {
    let mut shapes = BTreeSet::new();
    let mut count = 0;
    for f in fixtures() {
        let Kind::Response(status) = f.kind else {
            continue;
        };
        if status < 400 {
            continue;
        }
        let name = f.name();
        let mut e = expect(&f.operation);
        e.status = status;
        e.response = Answer::Json(f.body.clone());
        e.x_request_id = None; // the request id, if any, comes from the body here
        let server = mount(&e).await;
        let result = invoke(&e, &server).await;
        assert_wire(&server, &e).await;
        let error = service_error(result, status, &name);

        let (shape, code, message, request_id) = documented_error(&f.body);
        shapes.insert(shape);
        assert!(
            code.is_some() && message.is_some(),
            "{name}: fixture without code/message"
        );
        assert_eq!(error.code(), code, "{name}: code");
        assert_eq!(error.message(), message, "{name}: message");
        assert_eq!(
            error.request_id(),
            request_id,
            "{name}: request id from the body"
        );
        let raw: Value = serde_json::from_str(error.raw_body()).expect("raw body is the JSON sent");
        assert_eq!(raw, f.body, "{name}: raw body");
        server.verify().await;
        count += 1;
    }
    assert!(count >= 20, "only {count} error fixtures");
    let all: BTreeSet<&str> = ["vpn", "apigw", "api-definition", "neutron"].into();
    assert_eq!(shapes, all, "every documented error shape is covered");
}

/// A `ShowVpnConnection` exchange answered with `status` and `answer`.
fn show_answering(status: u16, answer: Answer, x_request_id: Option<&'static str>) -> Expect {
    let mut e = expect("ShowVpnConnection");
    e.status = status;
    e.response = answer;
    e.x_request_id = x_request_id;
    e
}

/// Mounts `e`, calls its operation, checks the wire, and returns the `ServiceError`.
async fn failing_call(e: &Expect) -> ServiceError {
    let server = mount(e).await;
    let result = invoke(e, &server).await;
    assert_wire(&server, e).await;
    server.verify().await;
    service_error(result, e.status, e.op)
}

#[tokio::test]
async fn html_502_from_a_proxy_is_an_error_response() {
    const HTML: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
        <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let error = failing_call(&show_answering(502, Answer::Raw(HTML, "text/html"), None)).await;
    assert_eq!(error.code(), None);
    assert_eq!(error.message(), None);
    assert_eq!(error.request_id(), None);
    assert_eq!(error.raw_body(), HTML);
    // Display and Debug do not panic either, and Debug does not dump the page.
    assert!(!error.to_string().is_empty());
    assert!(!format!("{error:?}").contains("nginx"));
}

#[tokio::test]
async fn empty_503_is_an_error_response() {
    let error = failing_call(&show_answering(503, Answer::Empty, Some(HEADER_REQUEST_ID))).await;
    assert_eq!(error.code(), None);
    assert_eq!(error.message(), None);
    assert_eq!(error.raw_body(), "");
    assert_eq!(error.request_id(), Some(HEADER_REQUEST_ID));
}

#[tokio::test]
async fn x_request_id_header_wins_over_the_body() {
    let body = fixture("ShowVpnConnection", "response-401.apigw-0301.json");
    let in_body = body["request_id"].as_str().unwrap().to_string();
    assert_ne!(in_body, HEADER_REQUEST_ID);
    let error = failing_call(&show_answering(
        401,
        Answer::Json(body),
        Some(HEADER_REQUEST_ID),
    ))
    .await;
    assert_eq!(error.request_id(), Some(HEADER_REQUEST_ID));
    assert_eq!(error.code(), Some("APIGW.0301"));
}

// ---------------------------------------------------------------------------------------------
// Responses the spec does not fully describe.

#[tokio::test]
async fn unknown_enum_values_and_extra_fields_are_accepted() {
    let documented_body = fixture("ShowVpnConnection", "response-200.seed-003.json");
    let mut kept = documented_body.clone();
    kept["vpn_connection"]["status"] = json!("MIGRATING");
    kept["vpn_connection"]["style"] = json!("HUB");
    let mut sent = kept.clone();
    sent["vpn_connection"]["future_field"] = json!({"nested": [1, 2, 3]});
    sent["page_hint"] = json!("undocumented");

    let e = show_answering(200, Answer::Json(sent), Some(HEADER_REQUEST_ID));
    let server = mount(&e).await;
    let result = v5_client(&server)
        .show_vpn_connection()
        .vpn_connection_id(VPN_CONNECTION_ID)
        .send()
        .await;
    assert_wire(&server, &e).await;
    server.verify().await;

    let response = result
        .expect("unknown values and fields are not an error")
        .into_inner();
    let connection = &response.vpn_connection;
    match &connection.status {
        Some(vpn_v5::types::VpnConnectionStatus::Unrecognized(value)) => {
            assert_eq!(value.as_str(), "MIGRATING")
        }
        other => panic!("status: expected Unrecognized(MIGRATING), got {other:?}"),
    }
    let status = connection.status.as_ref().unwrap();
    assert_eq!(status.as_str(), "MIGRATING");
    assert!(!status.is_known());
    match &connection.style {
        Some(vpn_v5::types::ReportedConnectionStyle::Unrecognized(value)) => {
            assert_eq!(value.as_str(), "HUB")
        }
        other => panic!("style: expected Unrecognized(HUB), got {other:?}"),
    }
    // Serialized back: the unknown values unchanged, everything documented unchanged, and the
    // undocumented fields dropped (the types keep no `additionalProperties`).
    assert_eq!(serde_json::to_value(&response).unwrap(), kept);
}

#[tokio::test]
async fn a_success_without_its_required_object_is_an_invalid_payload() {
    // Another route's answer (`{"request_id": ..}` for a show) is not an empty resource: every
    // success fixture without a property its schema requires is refused, and with only that
    // property kept (every optional field inside gone) it is accepted.
    let specs = specs();
    let mut checked = BTreeSet::new();
    for f in fixtures() {
        let Kind::Response(status) = f.kind else {
            continue;
        };
        if status >= 300 {
            continue;
        }
        let (i, _, _, op_pointer) = find_operation(&specs, &f.operation).expect("in the specs");
        let doc = &specs[i].doc;
        let at = vpn_tests::schema_pointer(&specs[i], &op_pointer, &f.kind).expect("a schema");
        let (schema, _) = xtask::spec::deref(doc, doc.pointer(&at).unwrap(), &at).unwrap();
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for property in required {
            let mut e = expect(&f.operation);
            e.status = status;
            let mut without = f.body.clone();
            without.as_object_mut().unwrap().remove(property);
            e.response = Answer::Json(without);
            let server = mount(&e).await;
            match invoke(&e, &server).await {
                Err(Error::InvalidResponsePayload(_, error)) => assert!(
                    error
                        .to_string()
                        .contains(&format!("missing field `{property}`")),
                    "{}: {error}",
                    f.name()
                ),
                other => panic!(
                    "{}: without `{property}`: expected InvalidResponsePayload, got {other:?}",
                    f.name()
                ),
            }
            let mut only = serde_json::Map::new();
            // An object with none of its (optional) fields; anything else as the fixture has it.
            let alone = match &f.body[property] {
                Value::Object(_) => json!({}),
                other => other.clone(),
            };
            only.insert(property.to_string(), alone);
            e.response = Answer::Json(Value::Object(only));
            let server = mount(&e).await;
            if let Err(error) = invoke(&e, &server).await {
                panic!("{}: `{property}` alone, empty: {error:?}", f.name());
            }
            checked.insert(format!("{}.{property}", f.operation));
        }
    }
    for expected in [
        "ShowVgw.vpn_gateway",
        "ShowVpnConnection.vpn_connection",
        "CreateCgw.customer_gateway",
    ] {
        assert!(
            checked.contains(expected),
            "{expected} not checked: {checked:?}"
        );
    }
}

#[tokio::test]
async fn undocumented_success_status_is_an_unexpected_response() {
    // The spec says 201 for CreateVpnConnection; a server answering 200 is not accepted as a
    // success. progenitor reports it as `Error::UnexpectedResponse`, with the raw response.
    let mut e = expect("CreateVpnConnection");
    e.status = 200;
    let server = mount(&e).await;
    let result = invoke(&e, &server).await;
    assert_wire(&server, &e).await;
    server.verify().await;
    match result {
        Err(Error::UnexpectedResponse(response)) => {
            assert_eq!(response.status().as_u16(), 200);
            let text = response.text().await.expect("body still readable");
            let parsed: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(parsed, e.response_json());
        }
        other => panic!("expected Error::UnexpectedResponse(200), got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid input never reaches the wire.

/// A server that must not be called: any request is recorded, and the mock expects none.
async fn untouched_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

async fn assert_untouched(server: &MockServer) {
    let requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert!(
        requests.is_empty(),
        "nothing may be sent, got {requests:#?}"
    );
    server.verify().await;
}

#[tokio::test]
async fn short_psk_is_rejected_before_sending() {
    const SHORT_PSK: &str = "Qx7#kZ2"; // 7 characters, minLength is 8
    let server = untouched_server().await;
    let connection = vpn_v5::types::CreateVpnConnection::builder()
        .vgw_id("b32d91a4-demo-a8df-va86-e907174eb11d")
        .vgw_ip("0c464dad-demo-a8df-va86-c22bb0eb0bde")
        .cgw_id("5247ae10-demo-a8df-va86-dd36659a7f5d")
        .peer_subnets(vec!["192.168.44.0/24".to_string()])
        .psk(SHORT_PSK);
    let request = vpn_v5::types::CreateVpnConnectionRequest::builder().vpn_connection(connection);
    let result = v5_client(&server)
        .create_vpn_connection()
        .body(request)
        .send()
        .await;
    match result {
        Err(Error::InvalidRequest(message)) => {
            assert!(
                message.contains("psk"),
                "the message names the field: {message}"
            );
            assert!(
                !message.contains(SHORT_PSK),
                "the message leaks the psk: {message}"
            );
        }
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
    assert_untouched(&server).await;

    // The same key through the value type directly: rejected, without echoing it.
    let error = SHORT_PSK
        .parse::<vpn_v5::types::CreateVpnConnectionPsk>()
        .unwrap_err()
        .to_string();
    assert!(!error.contains(SHORT_PSK), "{error}");
}

/// The message of an `Error::InvalidRequest`, or a panic naming what came instead.
fn invalid_request<T: std::fmt::Debug>(result: Result<T, Error<ServiceError>>) -> String {
    match result {
        Err(Error::InvalidRequest(message)) => message,
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn dot_segment_path_parameters_are_rejected_before_sending() {
    // `..` and `.` would be removed from the URL by its parser: a show would list, a delete
    // would hit the collection. Each typed call refuses them naming the parameter.
    let server = untouched_server().await;
    let v5 = v5_client(&server);
    let dots = "must not be `.` or `..`";
    let message = invalid_request(v5.show_cgw().customer_gateway_id("..").send().await);
    assert!(
        message.contains("`customer_gateway_id`") && message.contains(dots),
        "{message}"
    );
    let message = invalid_request(v5.delete_vgw().vgw_id(".").send().await);
    assert!(
        message.contains("`vgw_id`") && message.contains(dots),
        "{message}"
    );
    let message = invalid_request(v5.show_vpn_connection().vpn_connection_id("").send().await);
    assert!(
        message.contains("`vpn_connection_id` must not be empty"),
        "{message}"
    );
    let message = invalid_request(
        v2_client(&server)
            .show_ipsec_site_connection()
            .connection_id("..")
            .send()
            .await,
    );
    assert!(
        message.contains("`connection_id`") && message.contains(dots),
        "{message}"
    );
    assert_untouched(&server).await;

    // The same rule for every operation of the table called by description (the CLI's way).
    for op in operation::all() {
        let names: Vec<&str> = op
            .params
            .iter()
            .filter(|p| p.location == operation::ParamLocation::Path)
            .map(|p| p.name)
            .collect();
        for (i, name) in names.iter().enumerate() {
            let path: Vec<(&str, &str)> = names
                .iter()
                .enumerate()
                .map(|(j, n)| (*n, if i == j { ".." } else { "ok" }))
                .collect();
            let result = match op.module {
                "vpn_v5" => huaweicloud_vpn::dynamic::call(&v5, op, &path, &[], None).await,
                "vpn_p2c" => {
                    huaweicloud_vpn::dynamic::call(&p2c_client(&server), op, &path, &[], None).await
                }
                "ipsec_v2" => {
                    huaweicloud_vpn::dynamic::call(&v2_client(&server), op, &path, &[], None).await
                }
                other => panic!("{}: no client for module {other}", op.id),
            };
            let message = invalid_request(result);
            assert!(
                message.contains(&format!("`{name}`")) && message.contains(dots),
                "{}: {message}",
                op.id
            );
        }
    }
    assert_untouched(&server).await;
}

#[tokio::test]
async fn out_of_range_integers_are_rejected_before_sending() {
    let server = untouched_server().await;
    // A body field: IKE lifetime_seconds is documented as 60..=604800.
    let ike = vpn_v5::types::CreateIkePolicy::builder().lifetime_seconds(30);
    let connection = vpn_v5::types::CreateVpnConnection::builder()
        .vgw_id("b32d91a4-demo-a8df-va86-e907174eb11d")
        .vgw_ip("0c464dad-demo-a8df-va86-c22bb0eb0bde")
        .cgw_id("5247ae10-demo-a8df-va86-dd36659a7f5d")
        .ikepolicy(ike);
    let request = vpn_v5::types::CreateVpnConnectionRequest::builder().vpn_connection(connection);
    match v5_client(&server)
        .create_vpn_connection()
        .body(request)
        .send()
        .await
    {
        Err(Error::InvalidRequest(message)) => assert!(
            message.contains("lifetime_seconds")
                && message.contains("must be between 60 and 604800, got 30"),
            "the message names the field and the rule: {message}"
        ),
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
    // A query parameter: limit is documented as 0..=2000.
    match v5_client(&server)
        .list_vpn_connections()
        .limit(5000)
        .send()
        .await
    {
        Err(Error::InvalidRequest(message)) => {
            assert_eq!(message, "limit: must be between 0 and 2000, got 5000")
        }
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
    // A request body read from JSON is held to the same rule.
    let mut body = vpn_tests::fixture("CreateVpnConnection", "request.seed-003.json");
    body["vpn_connection"]["ikepolicy"] = serde_json::json!({"lifetime_seconds": 604801});
    let error =
        serde_json::from_value::<vpn_v5::types::CreateVpnConnectionRequest>(body).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("must be between 60 and 604800, got 604801"),
        "{error}"
    );
    assert_untouched(&server).await;

    // Responses are not held to request limits: a server value outside them is data.
    let mut shown = vpn_tests::fixture("ShowVpnConnection", "response-200.seed-003.json");
    shown["vpn_connection"]["ikepolicy"]["lifetime_seconds"] = serde_json::json!(5);
    let parsed: vpn_v5::types::VpnConnectionResponse = serde_json::from_value(shown).unwrap();
    let ike = parsed.vpn_connection.ikepolicy.unwrap();
    assert_eq!(ike.lifetime_seconds, Some(5));
}

#[tokio::test]
async fn missing_path_parameter_is_rejected_before_sending() {
    let server = untouched_server().await;
    let v5 = v5_client(&server);
    let v2 = v2_client(&server);
    let errors = [
        (
            "vpn_connection_id",
            outcome(v5.show_vpn_connection().send().await),
        ),
        (
            "vpn_connection_id",
            outcome(v5.delete_vpn_connection().send().await),
        ),
        (
            "vpn_connection_id",
            outcome(
                v5.update_vpn_connection()
                    .body(body::<vpn_v5::types::UpdateVpnConnectionRequest>(
                        "UpdateVpnConnection",
                    ))
                    .send()
                    .await,
            ),
        ),
        (
            "connection_monitor_id",
            outcome(v5.show_connection_monitor().send().await),
        ),
        ("vgw_id", outcome(v5.show_vgw().send().await)),
        ("vgw_id", outcome(v5.delete_vgw().send().await)),
        ("customer_gateway_id", outcome(v5.show_cgw().send().await)),
        (
            "customer_gateway_id",
            outcome(
                v5.update_cgw()
                    .body(body::<vpn_v5::types::UpdateCustomerGatewayRequest>(
                        "UpdateCgw",
                    ))
                    .send()
                    .await,
            ),
        ),
        (
            "connection_id",
            outcome(v2.show_ipsec_site_connection().send().await),
        ),
    ];
    for (field, result) in errors {
        match result {
            Err(Error::InvalidRequest(message)) => {
                assert!(
                    message.contains(field),
                    "the message names {field}: {message}"
                )
            }
            other => panic!("expected Error::InvalidRequest naming {field}, got {other:?}"),
        }
    }
    assert_untouched(&server).await;
}
