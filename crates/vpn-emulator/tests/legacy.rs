//! The legacy IPsec API's behaviour in the emulator: defaults, references between the five
//! resources, endpoint group types, "in use" conflicts, one VPN service per VPC, statuses, and
//! Neutron's error types; every answer checked against the legacy spec.

mod common;

use common::*;
use serde_json::{Value, json};

/// Sends a legacy request and checks the answer against `operation`'s spec.
async fn call(
    emu: &vpn_emulator::Emulator,
    operation: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let body = body.map(|b| b.to_string());
    let answer = raw(emu, method, &format!("/v2.0/vpn/{path}"), body.as_deref()).await;
    conforms(operation, &answer);
    answer
}

/// The status at `/<wrapper>/status` of `path` once the transition delay has passed.
async fn status_after_delay(
    emu: &vpn_emulator::Emulator,
    operation: &str,
    path: &str,
    wrapper: &str,
) -> Value {
    tokio::time::sleep(DELAY * 2).await;
    let shown = call(emu, operation, "GET", path, None).await;
    shown.json[wrapper]["status"].clone()
}

fn neutron(answer: &Answer) -> (&str, &str) {
    let error = &answer.json["NeutronError"];
    (
        error["type"].as_str().unwrap_or_default(),
        error["message"].as_str().unwrap_or_default(),
    )
}

#[tokio::test]
async fn policies_get_otc_defaults_and_neutron_not_found_types() {
    let emu = emulator().await;
    let ike = call(
        &emu,
        "CreateIkePolicy",
        "POST",
        "ikepolicies",
        Some(json!({"ikepolicy": {}})),
    )
    .await;
    assert_eq!(ike.status, 201, "{}", ike.text);
    let ike = &ike.json["ikepolicy"];
    assert_eq!(ike["auth_algorithm"], "sha1");
    assert_eq!(ike["encryption_algorithm"], "aes-128");
    assert_eq!(ike["pfs"], "group5");
    assert_eq!(ike["phase1_negotiation_mode"], "main");
    assert_eq!(ike["ike_version"], "v1");
    assert_eq!(ike["lifetime"], json!({"units": "seconds", "value": 3600}));
    assert_eq!(ike["name"], "");
    assert_eq!(ike["tenant_id"], PROJECT);

    let ipsec = call(
        &emu,
        "CreateIpsecPolicy",
        "POST",
        "ipsecpolicies",
        Some(json!({"ipsecpolicy": {"pfs": "disable", "lifetime": {"value": 7200}}})),
    )
    .await;
    assert_eq!(ipsec.status, 201, "{}", ipsec.text);
    let ipsec = &ipsec.json["ipsecpolicy"];
    assert_eq!(ipsec["pfs"], "disable");
    assert_eq!(ipsec["transform_protocol"], "esp");
    assert_eq!(ipsec["encapsulation_mode"], "tunnel");
    assert_eq!(
        ipsec["lifetime"],
        json!({"units": "seconds", "value": 7200})
    );

    // A partial lifetime update keeps the units.
    let id = ipsec["id"].as_str().unwrap();
    let updated = call(
        &emu,
        "UpdateIpsecPolicy",
        "PUT",
        &format!("ipsecpolicies/{id}"),
        Some(json!({"ipsecpolicy": {"lifetime": {"value": 600}}})),
    )
    .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(
        updated.json["ipsecpolicy"]["lifetime"],
        json!({"units": "seconds", "value": 600})
    );

    let missing = "0f0e0d0c-0b0a-4909-8807-060504030201";
    for (operation, path, kind, words) in [
        (
            "ShowIkePolicy",
            "ikepolicies",
            "IKEPolicyNotFound",
            "IKEPolicy",
        ),
        (
            "ShowIpsecPolicy",
            "ipsecpolicies",
            "IPsecPolicyNotFound",
            "IPsecPolicy",
        ),
        (
            "ShowVpnService",
            "vpnservices",
            "VPNServiceNotFound",
            "VPNService",
        ),
        (
            "ShowEndpointGroup",
            "endpoint-groups",
            "VPNEndpointGroupNotFound",
            "Endpoint group",
        ),
    ] {
        let answer = call(&emu, operation, "GET", &format!("{path}/{missing}"), None).await;
        assert_eq!(answer.status, 404, "{operation}");
        assert_eq!(
            neutron(&answer),
            (
                kind,
                format!("{words} {missing} could not be found").as_str()
            ),
            "{operation}"
        );
    }
}

#[tokio::test]
async fn one_vpn_service_per_vpc_and_its_status_moves_to_active() {
    let emu = emulator().await;
    let router = "66e3b16c-8ce5-40fb-bb49-ab6d8dc3f2aa";
    let body = json!({"vpnservice": {"router_id": router, "name": "svc"}});
    let first = call(
        &emu,
        "CreateVpnService",
        "POST",
        "vpnservices",
        Some(body.clone()),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let service = &first.json["vpnservice"];
    assert_eq!(service["status"], "PENDING_CREATE");
    assert_eq!(service["admin_state_up"], true);
    assert!(
        service["external_v4_ip"]
            .as_str()
            .unwrap()
            .parse::<std::net::Ipv4Addr>()
            .is_ok()
    );
    assert_eq!(service["subnet_id"], Value::Null);
    let id = service["id"].as_str().unwrap().to_string();

    let second = call(&emu, "CreateVpnService", "POST", "vpnservices", Some(body)).await;
    assert_eq!(second.status, 409, "{}", second.text);
    let (kind, message) = neutron(&second);
    assert_eq!(kind, "HTTPConflict");
    assert!(
        message.contains(router) && message.contains(&id),
        "{message}"
    );

    // Another VPC may have its own.
    let other = call(
        &emu,
        "CreateVpnService",
        "POST",
        "vpnservices",
        Some(json!({"vpnservice": {"router_id": "77f4c27d-9df6-41ac-8c5a-bc7e9ed4a3bb"}})),
    )
    .await;
    assert_eq!(other.status, 201, "{}", other.text);

    assert_eq!(
        status_after_delay(
            &emu,
            "ShowVpnService",
            &format!("vpnservices/{id}"),
            "vpnservice"
        )
        .await,
        "ACTIVE"
    );
}

#[tokio::test]
async fn endpoint_groups_hold_endpoints_of_their_type_and_keep_it() {
    let emu = emulator().await;
    for (kind, endpoints, at) in [
        (
            "cidr",
            json!(["10.2.0.0/24", "10.3.0.0/33"]),
            "endpoint_group.endpoints[1]",
        ),
        (
            "cidr",
            json!(["10.2.0.0/24", "fd00::/64"]),
            "endpoint_group.endpoints[1]",
        ),
        ("cidr", json!(["subnet-1"]), "endpoint_group.endpoints[0]"),
        ("subnet", json!(["  "]), "endpoint_group.endpoints[0]"),
    ] {
        let answer = call(
            &emu,
            "CreateEndpointGroup",
            "POST",
            "endpoint-groups",
            Some(json!({"endpoint_group": {"type": kind, "endpoints": endpoints}})),
        )
        .await;
        assert_eq!(answer.status, 400, "{kind} {endpoints}: {}", answer.text);
        let (_, message) = neutron(&answer);
        assert!(message.contains(at), "{message}");
    }
    // Upstream's other types are not OTC's.
    let network = call(
        &emu,
        "CreateEndpointGroup",
        "POST",
        "endpoint-groups",
        Some(json!({"endpoint_group": {"type": "network", "endpoints": ["x"]}})),
    )
    .await;
    assert_eq!(network.status, 400, "{}", network.text);
    assert!(
        neutron(&network).1.contains("endpoint_group.type"),
        "{}",
        network.text
    );

    let v6 = make_endpoint_group(&emu, "cidr", &["fd00::/64", "fd01::/64"]).await;
    let id = make_endpoint_group(&emu, "cidr", &["10.2.0.0/24"]).await;
    for change in [
        json!({"type": "subnet"}),
        json!({"endpoints": ["10.9.0.0/24"]}),
    ] {
        let field = change.as_object().unwrap().keys().next().unwrap().clone();
        let answer = call(
            &emu,
            "UpdateEndpointGroup",
            "PUT",
            &format!("endpoint-groups/{id}"),
            Some(json!({"endpoint_group": change})),
        )
        .await;
        assert_eq!(answer.status, 400, "{}", answer.text);
        assert!(
            neutron(&answer)
                .1
                .contains(&format!("endpoint_group.{field}")),
            "{}",
            answer.text
        );
    }
    let renamed = call(
        &emu,
        "UpdateEndpointGroup",
        "PUT",
        &format!("endpoint-groups/{id}"),
        Some(json!({"endpoint_group": {"name": "peers", "description": "branch"}})),
    )
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    let group = &renamed.json["endpoint_group"];
    assert_eq!(
        (group["name"].as_str(), group["type"].as_str()),
        (Some("peers"), Some("cidr"))
    );
    assert_eq!(group["endpoints"], json!(["10.2.0.0/24"]));
    let listed = call(
        &emu,
        "ListEndpointGroups",
        "GET",
        "endpoint-groups?type=cidr",
        None,
    )
    .await;
    let ids: Vec<&str> = listed.json["endpoint_groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["id"].as_str())
        .collect();
    assert!(
        ids.contains(&v6.as_str()) && ids.contains(&id.as_str()),
        "{}",
        listed.text
    );
}

#[tokio::test]
async fn a_site_connection_needs_what_it_names() {
    let emu = emulator().await;
    let refs = make_legacy_refs(&emu, "66e3b16c-8ce5-40fb-bb49-ab6d8dc3f2aa").await;
    let missing = "0f0e0d0c-0b0a-4909-8807-060504030201";
    let with = |field: &str, value: &str| {
        let mut body = site_connection_body(&refs, "c");
        body["ipsec_site_connection"][field] = json!(value);
        Some(body)
    };
    let cases = [
        (with("ikepolicy_id", missing), 404, "IKEPolicyNotFound"),
        (with("ipsecpolicy_id", missing), 404, "IPsecPolicyNotFound"),
        (with("vpnservice_id", missing), 404, "VPNServiceNotFound"),
        (
            with("local_ep_group_id", missing),
            404,
            "VPNEndpointGroupNotFound",
        ),
        (
            with("peer_ep_group_id", missing),
            404,
            "VPNEndpointGroupNotFound",
        ),
        // The groups swapped: local must be `subnet`, peer `cidr`.
        (
            with("local_ep_group_id", &refs.peer),
            400,
            "WrongEndpointGroupType",
        ),
        (
            with("peer_ep_group_id", &refs.local),
            400,
            "WrongEndpointGroupType",
        ),
    ];
    for (body, status, kind) in cases {
        let answer = call(
            &emu,
            "CreateIpsecSiteConnection",
            "POST",
            "ipsec-site-connections",
            body,
        )
        .await;
        assert_eq!(answer.status, status, "{}", answer.text);
        assert_eq!(neutron(&answer).0, kind, "{}", answer.text);
    }
    let swapped = call(
        &emu,
        "CreateIpsecSiteConnection",
        "POST",
        "ipsec-site-connections",
        with("local_ep_group_id", &refs.peer),
    )
    .await;
    assert!(
        neutron(&swapped)
            .1
            .contains("type is 'cidr' and should be 'subnet'"),
        "{}",
        swapped.text
    );
    // Nothing was made by the refused creates.
    let listed = call(
        &emu,
        "ListIpsecSiteConnections",
        "GET",
        "ipsec-site-connections",
        None,
    )
    .await;
    assert_eq!(listed.json["ipsec_site_connections"], json!([]));

    // An update is held to the same rules.
    let created = call(
        &emu,
        "CreateIpsecSiteConnection",
        "POST",
        "ipsec-site-connections",
        Some(site_connection_body(&refs, "c")),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        created.json["ipsec_site_connection"]["status"],
        "PENDING_CREATE"
    );
    let id = created.json["ipsec_site_connection"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let answer = call(
        &emu,
        "UpdateIpsecSiteConnection",
        "PUT",
        &format!("ipsec-site-connections/{id}"),
        Some(json!({"ipsec_site_connection": {"peer_ep_group_id": refs.local}})),
    )
    .await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert_eq!(neutron(&answer).0, "WrongEndpointGroupType");

    assert_eq!(
        status_after_delay(
            &emu,
            "ShowIpsecSiteConnection",
            &format!("ipsec-site-connections/{id}"),
            "ipsec_site_connection"
        )
        .await,
        "ACTIVE"
    );
}

#[tokio::test]
async fn what_a_site_connection_uses_is_not_deleted_before_it() {
    let emu = emulator().await;
    let refs = make_legacy_refs(&emu, "66e3b16c-8ce5-40fb-bb49-ab6d8dc3f2aa").await;
    let created = call(
        &emu,
        "CreateIpsecSiteConnection",
        "POST",
        "ipsec-site-connections",
        Some(site_connection_body(&refs, "c")),
    )
    .await;
    let connection = created.json["ipsec_site_connection"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let used = [
        (
            "DeleteIkePolicy",
            format!("ikepolicies/{}", refs.ikepolicy),
            "IKEPolicyInUse",
            &refs.ikepolicy,
        ),
        (
            "DeleteIpsecPolicy",
            format!("ipsecpolicies/{}", refs.ipsecpolicy),
            "IPsecPolicyInUse",
            &refs.ipsecpolicy,
        ),
        (
            "DeleteVpnService",
            format!("vpnservices/{}", refs.vpnservice),
            "VPNServiceInUse",
            &refs.vpnservice,
        ),
        (
            "DeleteEndpointGroup",
            format!("endpoint-groups/{}", refs.local),
            "EndpointGroupInUse",
            &refs.local,
        ),
        (
            "DeleteEndpointGroup",
            format!("endpoint-groups/{}", refs.peer),
            "EndpointGroupInUse",
            &refs.peer,
        ),
    ];
    for (operation, path, kind, id) in &used {
        let answer = call(&emu, operation, "DELETE", path, None).await;
        assert_eq!(answer.status, 409, "{operation}: {}", answer.text);
        let (found, message) = neutron(&answer);
        assert_eq!(found, *kind);
        assert!(message.contains(id.as_str()), "{message}");
    }
    // In reverse order of creation, everything goes.
    let gone = call(
        &emu,
        "DeleteIpsecSiteConnection",
        "DELETE",
        &format!("ipsec-site-connections/{connection}"),
        None,
    )
    .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    for (operation, path, _, _) in used.iter().rev() {
        let answer = call(&emu, operation, "DELETE", path, None).await;
        assert_eq!(answer.status, 204, "{operation}: {}", answer.text);
    }
    for (list, key) in [
        ("ikepolicies", "ikepolicies"),
        ("ipsecpolicies", "ipsecpolicies"),
        ("vpnservices", "vpnservices"),
        ("endpoint-groups", "endpoint_groups"),
    ] {
        let answer = raw(&emu, "GET", &format!("/v2.0/vpn/{list}"), None).await;
        assert_eq!(answer.json[key], json!([]), "{list}");
    }
}

#[tokio::test]
async fn version_discovery_is_answered_without_credentials() {
    let emu = vpn_emulator::Emulator::start(vpn_emulator::Config {
        credentials: Some(("DISCOVERYAK".into(), "discovery-sk".into())),
        ..vpn_emulator::Config::default()
    })
    .await
    .unwrap();
    let root = raw(&emu, "GET", "/", None).await;
    assert_eq!(root.status, 200, "{}", root.text);
    assert_eq!(
        root.json,
        json!({"versions": [{
            "id": "v2.0",
            "status": "CURRENT",
            "links": [{"href": format!("{}/v2.0/", emu.url()), "rel": "self"}],
        }]})
    );
    for path in ["/v2.0", "/v2.0/"] {
        let listed = raw(&emu, "GET", path, None).await;
        assert_eq!(listed.status, 200, "{path}: {}", listed.text);
        let resources = listed.json["resources"].as_array().unwrap();
        let names: Vec<&str> = resources
            .iter()
            .filter_map(|r| r["name"].as_str())
            .collect();
        for name in [
            "ikepolicy",
            "ipsecpolicy",
            "vpnservice",
            "endpoint_group",
            "ipsec_site_connection",
        ] {
            assert!(names.contains(&name), "{path}: {names:?}");
        }
        let service = resources
            .iter()
            .find(|r| r["name"] == "vpnservice")
            .unwrap();
        assert_eq!(service["collection"], "vpnservices");
        assert_eq!(
            service["links"][0]["href"],
            format!("{}/v2.0/vpn/vpnservices", emu.url())
        );
    }
    // Only discovery is open: the API itself still wants a signature.
    let list = raw(&emu, "GET", "/v2.0/vpn/vpnservices", None).await;
    assert_eq!(list.status, 401, "{}", list.text);
    let post = raw(&emu, "POST", "/", Some("{}")).await;
    assert_ne!(post.status, 200, "{}", post.text);
}
