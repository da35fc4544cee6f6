//! Every fixture under `tests/fixtures/`: validated against its schema in the spec,
//! deserialized into the generated type, serialized back to the same JSON, and its `Debug`
//! form pinned with insta (`cargo insta review` to accept a change).

use std::collections::BTreeSet;

use huaweicloud_vpn::{ipsec_v2, vpn_p2c, vpn_v5, vpn_v5_1};
use serde_json::Value;
use vpn_tests::{Fixture, Kind, fixtures, schema_pointer, specs};

/// The generated type for a schema component, by spec module and component name. The names
/// come from the spec (`$ref: '#/components/schemas/<Name>'`); this is only the registry that
/// turns a name into a type, and the test fails on a name missing from it.
macro_rules! round_trip {
    ($module:expr, $name:expr, $body:expr, { $($m:ident :: $ty:ident),* $(,)? }) => {
        match ($module, $name) {
            $( (stringify!($m), stringify!($ty)) => {
                let parsed: $m::types::$ty = serde_json::from_value($body.clone())
                    .map_err(|e| format!("does not deserialize into {}::types::{}: {e}", stringify!($m), stringify!($ty)))?;
                let back = serde_json::to_value(&parsed).map_err(|e| e.to_string())?;
                Ok((format!("{parsed:#?}"), back))
            } )*
            (m, n) => Err(format!("no generated type registered for {m}::{n}")),
        }
    };
}

fn round_trip(module: &str, name: &str, body: &Value) -> Result<(String, Value), String> {
    round_trip!(module, name, body, {
        vpn_v5::CreateVpnConnectionRequest,
        vpn_v5::UpdateVpnConnectionRequest,
        vpn_v5::VpnConnectionResponse,
        vpn_v5::ListVpnConnectionsResponse,
        vpn_v5::CreateConnectionMonitorRequest,
        vpn_v5::ConnectionMonitorResponse,
        vpn_v5::ListConnectionMonitorsResponse,
        vpn_v5::CreateVpnGatewayRequest,
        vpn_v5::UpdateVpnGatewayRequest,
        vpn_v5::VpnGatewayResponse,
        vpn_v5::ListVpnGatewaysResponse,
        vpn_v5::AvailabilityZonesResponse,
        vpn_v5::CreateCustomerGatewayRequest,
        vpn_v5::UpdateCustomerGatewayRequest,
        vpn_v5::CustomerGatewayResponse,
        vpn_v5::ListCustomerGatewaysResponse,
        vpn_v5::QuotasResponse,
        vpn_v5::BatchCreateResourceTagsRequest,
        vpn_v5::BatchDeleteResourceTagsRequest,
        vpn_v5::ResourceTagsResponse,
        vpn_v5::ProjectTagsResponse,
        vpn_v5::QueryResourcesRequest,
        vpn_v5::ResourcesByTagsResponse,
        vpn_v5::ResourceCountResponse,
        vpn_v5::RequestIdResponse,
        vpn_v5::ConnectionIpsecSaResponse,
        vpn_v5::VpnConnectionLogResponse,
        vpn_v5::ExportPeerConfigurationRequest,
        vpn_v5::PeerConfigurationResponse,
        vpn_v5::SupportedDevicesResponse,
        vpn_v5::ListVpnGatewayJobsResponse,
        vpn_v5::UpgradeVpnGatewayRequest,
        vpn_v5::VpnGatewayJobResponse,
        vpn_v5::UpdateVpnGatewaySpecificationRequest,
        vpn_v5::VpnGatewayRoutingTableResponse,
        vpn_v5::CreateVpnGatewayCertificateRequest,
        vpn_v5::UpdateVpnGatewayCertificateRequest,
        vpn_v5::VpnGatewayCertificateResponse,
        vpn_v5::ListVpnGatewayCertificatesResponse,
        vpn_v5::BatchCreateVpnConnectionRequest,
        vpn_v5::BatchCreateVpnConnectionResponse,
        vpn_v5::ErrorBody,
        vpn_v5_1::ExtendedAvailabilityZonesResponse,
        vpn_v5_1::ErrorBody,
        vpn_p2c::AddVpnUsersToGroupRequest,
        vpn_p2c::BatchCreateVpnUsersRequest,
        vpn_p2c::BatchCreateVpnUsersResponse,
        vpn_p2c::BatchDeleteVpnUsersRequest,
        vpn_p2c::CheckClientCaCertificateRequest,
        vpn_p2c::CheckClientCaCertificateResponse,
        vpn_p2c::CreateP2cVgwRequest,
        vpn_p2c::CreateP2cVgwResponse,
        vpn_p2c::CreateVpnAccessPolicyRequest,
        vpn_p2c::CreateVpnAccessPolicyResponse,
        vpn_p2c::CreateVpnServerRequest,
        vpn_p2c::CreateVpnServerResponse,
        vpn_p2c::CreateVpnUserGroupRequest,
        vpn_p2c::CreateVpnUserGroupResponse,
        vpn_p2c::CreateVpnUserRequest,
        vpn_p2c::CreateVpnUserResponse,
        vpn_p2c::ExportClientConfigRequest,
        vpn_p2c::ExportClientConfigResponse,
        vpn_p2c::ImportClientCaRequest,
        vpn_p2c::ImportClientCaResponse,
        vpn_p2c::ListP2cVgwJobsResponse,
        vpn_p2c::ListP2cVgwsResponse,
        vpn_p2c::ListVpnAccessPoliciesResponse,
        vpn_p2c::ListVpnServersResponse,
        vpn_p2c::ListVpnUserGroupsResponse,
        vpn_p2c::ListVpnUsersInGroupResponse,
        vpn_p2c::ListVpnUsersResponse,
        vpn_p2c::P2cRequestIdResponse,
        vpn_p2c::P2cVgwAvailabilityZonesResponse,
        vpn_p2c::P2cVgwConnectionsResponse,
        vpn_p2c::P2cVgwJobIdResponse,
        vpn_p2c::P2cVgwResponse,
        vpn_p2c::RemoveVpnUsersFromGroupRequest,
        vpn_p2c::ResetVpnUserPasswordRequest,
        vpn_p2c::ShowClientCaResponse,
        vpn_p2c::UpdateClientCaRequest,
        vpn_p2c::UpdateP2cVgwRequest,
        vpn_p2c::UpdateVpnAccessPolicyRequest,
        vpn_p2c::UpdateVpnConnectionsLogConfigRequest,
        vpn_p2c::UpdateVpnServerRequest,
        vpn_p2c::UpdateVpnUserGroupRequest,
        vpn_p2c::UpdateVpnUserPasswordRequest,
        vpn_p2c::UpdateVpnUserRequest,
        vpn_p2c::UpgradeP2cVgwRequest,
        vpn_p2c::VpnAccessPolicyResponse,
        vpn_p2c::VpnConnectionsLogConfigResponse,
        vpn_p2c::VpnUserGroupResponse,
        vpn_p2c::VpnUserResponse,
        vpn_p2c::ErrorBody,
        ipsec_v2::CreateIpsecSiteConnectionRequest,
        ipsec_v2::UpdateIpsecSiteConnectionRequest,
        ipsec_v2::IpsecSiteConnectionResponse,
        ipsec_v2::ListIpsecSiteConnectionsResponse,
        ipsec_v2::CreateIkePolicyRequest,
        ipsec_v2::UpdateIkePolicyRequest,
        ipsec_v2::IkePolicyResponse,
        ipsec_v2::ListIkePoliciesResponse,
        ipsec_v2::CreateIpsecPolicyRequest,
        ipsec_v2::UpdateIpsecPolicyRequest,
        ipsec_v2::IpsecPolicyResponse,
        ipsec_v2::ListIpsecPoliciesResponse,
        ipsec_v2::CreateVpnServiceRequest,
        ipsec_v2::UpdateVpnServiceRequest,
        ipsec_v2::VpnServiceResponse,
        ipsec_v2::ListVpnServicesResponse,
        ipsec_v2::CreateEndpointGroupRequest,
        ipsec_v2::UpdateEndpointGroupRequest,
        ipsec_v2::EndpointGroupResponse,
        ipsec_v2::ListEndpointGroupsResponse,
        ipsec_v2::ErrorBody,
    })
}

/// The registry knows every request and response type of the generated operation table, so an
/// operation added to a spec without its types here fails this test, not a review.
#[test]
fn the_registry_covers_every_operation_of_the_table() {
    let mut missing = Vec::new();
    for op in huaweicloud_vpn::operation::all() {
        let names = op
            .request
            .map(|b| b.type_name)
            .into_iter()
            .chain(op.response);
        for name in names {
            if let Err(e) = round_trip(op.module, name, &Value::Null)
                && e.starts_with("no generated type registered")
            {
                missing.push(format!("{}: {}::{name}", op.id, op.module));
            }
        }
    }
    assert!(missing.is_empty(), "add to `round_trip!`: {missing:#?}");
}

/// The component a schema pointer names (through `$ref`), e.g. `VpnConnectionResponse`.
fn component_name(doc: &Value, pointer: &str) -> Option<String> {
    let schema = doc.pointer(pointer)?;
    let reference = schema.get("$ref")?.as_str()?;
    reference
        .strip_prefix("#/components/schemas/")
        .map(str::to_string)
}

/// The names of the properties a spec marks `x-secret: true` (`psk`, `content`, ...).
fn secret_names(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(props) = map.get("properties").and_then(Value::as_object) {
                for (name, schema) in props {
                    if schema.get("x-secret") == Some(&Value::Bool(true)) {
                        out.insert(name.clone());
                    }
                }
            }
            map.values().for_each(|v| secret_names(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| secret_names(v, out)),
        _ => {}
    }
}

/// Values of secret fields in a body (any property named in `names`), which must not reach
/// Debug output.
fn secrets(body: &Value, names: &BTreeSet<String>, out: &mut Vec<String>) {
    match body {
        Value::Object(map) => {
            for (key, value) in map {
                if names.contains(key)
                    && let Some(s) = value.as_str()
                {
                    out.push(s.to_string());
                }
                secrets(value, names, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| secrets(v, names, out)),
        _ => {}
    }
}

fn check(fixture: &Fixture) -> Result<String, String> {
    let specs = specs();
    let (index, _, _, op_pointer) = vpn_tests::find_operation(&specs, &fixture.operation)
        .ok_or_else(|| format!("no operation `{}` in the specs", fixture.operation))?;
    let spec = &specs[index];
    let pointer = schema_pointer(spec, &op_pointer, &fixture.kind)
        .ok_or_else(|| format!("the spec declares no body for {:?}", fixture.kind))?;
    xtask::schema::validate(&spec.doc, &pointer, &fixture.body).map_err(|errors| {
        format!(
            "does not match its schema in {}:\n  {}",
            spec.rel_path,
            errors.join("\n  ")
        )
    })?;
    let name = component_name(&spec.doc, &pointer)
        .ok_or_else(|| format!("{pointer} is not a $ref to a component"))?;
    let (debug, back) = round_trip(&spec.module, &name, &fixture.body)?;
    if back != fixture.body {
        return Err(format!(
            "does not serialize back to the same JSON:\n  fixture: {}\n  back:    {}",
            fixture.body, back
        ));
    }
    // A property a spec marks secret is a secret wherever it appears.
    let mut secret_fields = BTreeSet::new();
    for spec in &specs {
        secret_names(&spec.doc, &mut secret_fields);
    }
    assert!(
        secret_fields.contains("psk"),
        "no x-secret properties found in the specs"
    );
    let mut secret_values = Vec::new();
    secrets(&fixture.body, &secret_fields, &mut secret_values);
    for secret in secret_values {
        if debug.contains(&format!("\"{secret}\"")) {
            return Err("a secret value appears in Debug output".into());
        }
    }
    Ok(format!("// {} ({})\n{debug}", fixture.name(), name))
}

#[test]
fn every_fixture_validates_round_trips_and_is_pinned() {
    let all = fixtures();
    assert!(
        all.len() >= 30,
        "expected the full fixture set, found {}",
        all.len()
    );
    let mut failures = Vec::new();
    for fixture in &all {
        match check(fixture) {
            Ok(debug) => {
                let snapshot = format!(
                    "{}__{}",
                    fixture.operation,
                    fixture.file.trim_end_matches(".json")
                );
                insta::assert_snapshot!(snapshot, debug);
            }
            Err(e) => failures.push(format!("{}: {e}", fixture.name())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// How a fixture copied from a published API reference page names its source.
const OFFICIAL_PAGES: &[&str] = &[
    "Open Telekom Cloud API reference, \"",
    "Huawei Cloud API reference, \"",
];

#[test]
fn every_operation_has_fixtures_and_every_fixture_a_source() {
    let specs = specs();
    let all = fixtures();
    let folders: BTreeSet<&str> = all.iter().map(|f| f.operation.as_str()).collect();
    for spec in &specs {
        for op in xtask::spec::operations(&spec.doc) {
            let id = op.op["operationId"].as_str().unwrap();
            assert!(
                folders.contains(id),
                "{id} ({}) has no fixture folder",
                spec.rel_path
            );
            let has_success = all
                .iter()
                .any(|f| f.operation == id && matches!(f.kind, Kind::Response(c) if c < 300));
            let documents_body = op.op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .any(|(code, r)| code.starts_with('2') && r.get("content").is_some());
            assert_eq!(
                has_success, documents_body,
                "{id}: success-body fixture iff the spec documents a body"
            );
            if op.op.get("requestBody").is_some() {
                assert!(
                    all.iter()
                        .any(|f| f.operation == id && f.kind == Kind::Request),
                    "{id} takes a body but has no request fixture"
                );
            }
        }
    }
    for folder in &folders {
        let sources = std::fs::read_to_string(
            vpn_tests::root()
                .join("tests/fixtures")
                .join(folder)
                .join("SOURCES.md"),
        )
        .unwrap_or_else(|_| panic!("{folder}/SOURCES.md is missing"));
        for fixture in all.iter().filter(|f| &f.operation == folder) {
            let line = sources
                .lines()
                .find(|l| l.starts_with(&format!("- {}:", fixture.file)))
                .unwrap_or_else(|| panic!("{}: not listed in SOURCES.md", fixture.name()));
            let source = line.split_once(':').unwrap().1.trim();
            assert!(
                source.contains("seed ")
                    || source.contains("built from")
                    || OFFICIAL_PAGES.iter().any(|site| source.starts_with(site)),
                "{}: the source must name a seed file, an official page ({OFFICIAL_PAGES:?} \
                 and the page's title), or say what it was built from: {source}",
                fixture.name()
            );
        }
    }
}

/// Every example in the specs is also a fixture with the identical body, so the two cannot drift.
#[test]
fn spec_examples_are_fixtures() {
    let all = fixtures();
    let mut checked = 0;
    for spec in specs() {
        for op in xtask::spec::operations(&spec.doc) {
            let id = op.op["operationId"].as_str().unwrap();
            let mut media: Vec<(Kind, &Value)> = Vec::new();
            if let Some(m) = op.op.pointer("/requestBody/content/application~1json") {
                media.push((Kind::Request, m));
            }
            for (code, response) in op.op["responses"].as_object().unwrap() {
                let (response, _) = xtask::spec::deref(&spec.doc, response, "").unwrap();
                if let Some(m) = response.pointer("/content/application~1json") {
                    media.push((Kind::Response(code.parse().unwrap_or(0)), m));
                }
            }
            for (kind, m) in media {
                let Some(examples) = m.get("examples").and_then(Value::as_object) else {
                    continue;
                };
                for (label, example) in examples {
                    let value = &example["value"];
                    let found = all.iter().any(|f| {
                        f.operation == id
                            && &f.body == value
                            && match (&kind, &f.kind) {
                                (Kind::Response(0), Kind::Response(_)) => true, // 4XX/5XX class
                                (a, b) => a == b,
                            }
                    });
                    // Shared error examples belong to every operation: any fixture with that body.
                    let found = found
                        || (matches!(kind, Kind::Response(0))
                            && all.iter().any(|f| &f.body == value));
                    assert!(
                        found,
                        "{} {id}: example `{label}` has no identical fixture",
                        spec.rel_path
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 20, "only {checked} examples checked");
}

/// The JSON blocks in the published pages (`../shared/seeds/`), repaired where they are not
/// valid JSON (a trailing comma), are fixtures: the documented examples are all covered.
#[test]
fn every_seed_example_is_a_fixture() {
    let seeds_dir = vpn_tests::root().join("../shared/seeds");
    let all = fixtures();
    // How many JSON bodies each seed page holds. 001 is a text rendering of 000 whose braces
    // were lost in extraction; it has no parseable body and its content is 000's.
    let expected = [
        ("000_59d12018fa836ae7.txt", 3),
        ("002_00a216fcaaa8e5bc.txt", 2),
        ("003_0229c64885fed61c.txt", 3),
        ("004_f888ad75735bdb05.txt", 2),
    ];
    for (file, count) in expected {
        let text = std::fs::read_to_string(seeds_dir.join(file)).unwrap_or_else(|e| {
            panic!("{file}: {e} (the seeds live in ../shared/seeds beside the repository)")
        });
        let blocks = json_blocks(&text);
        assert_eq!(
            blocks.len(),
            count,
            "{file}: expected {count} JSON bodies, found {}",
            blocks.len()
        );
        for block in blocks {
            assert!(
                all.iter().any(|f| f.body == block),
                "{file}: this documented body has no identical fixture:\n{block:#}"
            );
        }
    }
}

/// Top-level `{ ... }` blocks (brace-matched), with trailing commas before `}`/`]` removed.
fn json_blocks(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "{" {
            let mut depth = 0i32;
            let mut block = String::new();
            let mut j = i;
            while j < lines.len() {
                for c in lines[j].chars() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                }
                block.push_str(lines[j]);
                block.push('\n');
                if depth == 0 {
                    break;
                }
                j += 1;
            }
            let repaired = remove_trailing_commas(&block);
            if let Ok(value) = serde_json::from_str::<Value>(&repaired) {
                out.push(value);
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

fn remove_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}
