//! The whole life of a VPN setup through the generated client: gateway, customer gateway,
//! connection, monitor; read back, statuses, updates and deletes. Every raw answer is also
//! checked against the spec.

mod common;

use common::*;
use huaweicloud_vpn::vpn_v5::types;
use huaweicloud_vpn::{ErrorExt, ipsec_v2};
use serde_json::{Value, json};
use std::time::Instant;

/// A status read `since` a change: the pending one while the delay runs (a slow machine may
/// read it later, when it is already `ACTIVE`).
fn assert_pending(status: &serde_json::Value, pending: &str, since: Instant) {
    if since.elapsed() < DELAY {
        assert!(status == pending || status == "ACTIVE", "{status}");
        if since.elapsed() < DELAY / 2 {
            assert_eq!(status, pending);
        }
    }
}

#[tokio::test]
async fn full_flow_through_the_typed_client() {
    let emu = emulator().await;
    let client = client(&emu);
    let vgw_created = Instant::now();

    // VPN gateway: the create answer has no status, EIPs or timestamps.
    let created = client
        .create_vgw()
        .body(body::<types::CreateVpnGatewayRequest>(vgw_body("vpngw-hq")))
        .send()
        .await
        .unwrap();
    let request_id = created
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let created = to_json(&created.into_inner());
    assert_eq!(created["request_id"], request_id.as_str());
    let vgw = &created["vpn_gateway"];
    let vgw_id = vgw["id"].as_str().unwrap().to_string();
    assert_eq!(vgw["name"], "vpngw-hq");
    assert_eq!(vgw["flavor"], "Professional1");
    assert_eq!(vgw["bgp_asn"], 64512);
    assert_eq!(vgw["attachment_type"], "vpc");
    assert_eq!(vgw["access_vpc_id"], "91a74241-1a17-4d6d-a1b2-c3d4e5f60708");
    for absent in [
        "status",
        "eip1",
        "eip2",
        "created_at",
        "availability_zone_ids",
    ] {
        assert!(vgw.get(absent).is_none(), "create response has no {absent}");
    }

    let shown = to_json(
        &client
            .show_vgw()
            .vgw_id(vgw_id.as_str())
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    let vgw = &shown["vpn_gateway"];
    assert_pending(&vgw["status"], "PENDING_CREATE", vgw_created);
    assert_eq!(vgw["eip1"]["bandwidth_size"], 10);
    assert_eq!(vgw["eip2"]["bandwidth_name"], "bw-2");
    assert_eq!(
        vgw["availability_zone_ids"],
        json!(["cn-north-4a", "cn-north-4b"])
    );
    let eip1 = vgw["eip1"]["id"].as_str().unwrap().to_string();
    let eip1_address = vgw["eip1"]["ip_address"].as_str().unwrap().to_string();

    // Customer gateway (no status at all).
    let cgw = to_json(
        &client
            .create_cgw()
            .body(body::<types::CreateCustomerGatewayRequest>(cgw_body(
                "cgw-branch",
                "203.0.113.10",
            )))
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    let cgw_id = cgw["customer_gateway"]["id"].as_str().unwrap().to_string();
    assert_eq!(cgw["customer_gateway"]["id_value"], "203.0.113.10");
    assert_eq!(cgw["customer_gateway"]["bgp_asn"], 65010);

    // Connection: sent lower-case, returned upper-case, defaults filled, no psk, no status.
    let connection_created = Instant::now();
    let created = to_json(
        &client
            .create_vpn_connection()
            .body(body::<types::CreateVpnConnectionRequest>(connection_body(
                &vgw_id, &eip1, &cgw_id, "vpn-hq",
            )))
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    let connection = &created["vpn_connection"];
    let connection_id = connection["id"].as_str().unwrap().to_string();
    assert_eq!(connection["style"], "STATIC");
    assert_eq!(connection["vgw_ip"], eip1.as_str());
    assert_eq!(connection["ikepolicy"]["ike_version"], "v2");
    assert_eq!(connection["ikepolicy"]["dh_group"], "group15");
    assert_eq!(
        connection["ikepolicy"]["dpd"],
        json!({"timeout": 15, "interval": 30, "msg": "seq-hash-notify"})
    );
    assert_eq!(connection["ikepolicy"]["local_id"], eip1_address.as_str());
    assert_eq!(connection["ikepolicy"]["peer_id"], "203.0.113.10");
    assert_eq!(connection["ipsecpolicy"]["pfs"], "group15");
    assert_eq!(connection["ipsecpolicy"]["lifetime_seconds"], 3600);
    for absent in ["status", "connection_monitor_id", "bgp_peer", "psk"] {
        assert!(
            connection.get(absent).is_none(),
            "create response has no {absent}"
        );
    }
    assert!(!created.to_string().contains("Secret-PSK-123"));

    // Monitor.
    let monitor = to_json(
        &client
            .create_connection_monitor()
            .body(body::<types::CreateConnectionMonitorRequest>(
                json!({"connection_monitor": {"vpn_connection_id": connection_id}}),
            ))
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    let monitor_id = monitor["connection_monitor"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(monitor["connection_monitor"]["type"], "gateway");
    assert_eq!(monitor["connection_monitor"]["proto_type"], "icmp");
    assert_eq!(
        monitor["connection_monitor"]["source_ip"],
        eip1_address.as_str()
    );
    assert_eq!(
        monitor["connection_monitor"]["destination_ip"],
        "203.0.113.10"
    );
    assert!(monitor["connection_monitor"].get("status").is_none());

    // Read back while pending, then after the delay.
    let show = |id: String| {
        let client = client.clone();
        async move {
            to_json(
                &client
                    .show_vpn_connection()
                    .vpn_connection_id(id.as_str())
                    .send()
                    .await
                    .unwrap()
                    .into_inner(),
            )["vpn_connection"]
                .clone()
        }
    };
    let pending = show(connection_id.clone()).await;
    assert_pending(&pending["status"], "PENDING_CREATE", connection_created);
    assert_eq!(pending["connection_monitor_id"], monitor_id.as_str());
    assert_eq!(pending["peer_subnets"], json!(["10.20.0.0/16"]));
    settle().await;
    assert_eq!(show(connection_id.clone()).await["status"], "ACTIVE");
    let monitor = to_json(
        &client
            .show_connection_monitor()
            .connection_monitor_id(monitor_id.as_str())
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(monitor["connection_monitor"]["status"], "ACTIVE");
    let vgw = to_json(
        &client
            .show_vgw()
            .vgw_id(vgw_id.as_str())
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(vgw["vpn_gateway"]["status"], "ACTIVE");
    assert_eq!(vgw["vpn_gateway"]["used_connection_number"], 1);

    // Update: PENDING_UPDATE, then ACTIVE; policies merge; the response has no status.
    let updated = to_json(
        &client
            .update_vpn_connection()
            .vpn_connection_id(connection_id.as_str())
            .body(body::<types::UpdateVpnConnectionRequest>(
                json!({"vpn_connection": {
                    "name": "vpn-hq-2",
                    "psk": "Another-PSK-456",
                    "ikepolicy": {"dh_group": "group19", "dpd": {"interval": 60}},
                }}),
            ))
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    let connection = &updated["vpn_connection"];
    assert_eq!(connection["name"], "vpn-hq-2");
    assert_eq!(connection["ikepolicy"]["dh_group"], "group19");
    assert_eq!(
        connection["ikepolicy"]["dpd"],
        json!({"timeout": 15, "interval": 60, "msg": "seq-hash-notify"})
    );
    assert_eq!(connection["connection_monitor_id"], monitor_id.as_str());
    assert!(connection.get("status").is_none());
    assert!(!updated.to_string().contains("Another-PSK-456"));
    assert_eq!(
        show(connection_id.clone()).await["status"],
        "PENDING_UPDATE"
    );
    settle().await;
    assert_eq!(show(connection_id.clone()).await["status"], "ACTIVE");

    // Lists and filters.
    let list = to_json(
        &client
            .list_connection_monitors()
            .vpn_connection_id(connection_id.as_str())
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(list["connection_monitors"].as_array().unwrap().len(), 1);
    let gateways = to_json(&client.list_vgws().send().await.unwrap().into_inner());
    assert_eq!(gateways["vpn_gateways"].as_array().unwrap().len(), 1);
    let quotas = to_json(&client.show_quotas_info().send().await.unwrap().into_inner());
    let used: Vec<(String, i64)> = quotas["quotas"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["type"].as_str().unwrap().to_string(),
                r["used"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(used.contains(&("vpn_connection".into(), 1)), "{used:?}");
    let zones = to_json(
        &client
            .list_availability_zones()
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert!(
        zones["availability_zones"]["professional1"]["vpc"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );

    // Deleting the connection deletes its monitor; then 404.
    let deleted = client
        .delete_vpn_connection()
        .vpn_connection_id(connection_id.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    let gone = client
        .show_connection_monitor()
        .connection_monitor_id(monitor_id.as_str())
        .send()
        .await
        .unwrap_err();
    assert_eq!(gone.http_status(), Some(404));
    assert_eq!(gone.service_error().unwrap().code(), Some("VPN.0004"));
    let gone = client
        .show_vpn_connection()
        .vpn_connection_id(connection_id.as_str())
        .send()
        .await
        .unwrap_err();
    assert_eq!(gone.http_status(), Some(404));
    assert!(gone.request_id().is_some());

    // Now the gateways can go.
    client
        .delete_cgw()
        .customer_gateway_id(cgw_id.as_str())
        .send()
        .await
        .unwrap();
    client
        .delete_vgw()
        .vgw_id(vgw_id.as_str())
        .send()
        .await
        .unwrap();
    let gateways = to_json(&client.list_vgws().send().await.unwrap().into_inner());
    assert_eq!(gateways["vpn_gateways"], json!([]));
    emu.shutdown();
}

#[tokio::test]
async fn bgp_connection_reports_its_peer() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, eip1, _) = make_vgw(&client, "gw").await;
    let cgw = make_cgw(&client, "cgw", "198.51.100.7").await;
    let created = to_json(
        &client
            .create_vpn_connection()
            .body(body::<types::CreateVpnConnectionRequest>(
                json!({"vpn_connection": {
                    "vgw_id": vgw, "vgw_ip": eip1, "cgw_id": cgw, "style": "bgp",
                    "tunnel_local_address": "169.254.56.225/30",
                    "tunnel_peer_address": "169.254.56.226/30",
                    "psk": "Secret-PSK-123",
                    "ikepolicy": {"ike_version": "v1"},
                }}),
            ))
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    let connection = &created["vpn_connection"];
    assert_eq!(connection["style"], "BGP");
    assert_eq!(connection["ikepolicy"]["phase1_negotiation_mode"], "main");
    let name = connection["name"].as_str().unwrap();
    assert!(name.starts_with("vpn-"), "{name}");
    let id = connection["id"].as_str().unwrap();
    let shown = to_json(
        &client
            .show_vpn_connection()
            .vpn_connection_id(id)
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(
        shown["vpn_connection"]["bgp_peer"]["peer_ip_address"],
        "169.254.56.226"
    );
    assert_eq!(shown["vpn_connection"]["bgp_peer"]["peer_asn"], 65010);
}

#[tokio::test]
async fn every_answer_conforms_to_the_spec() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, eip1, _) = make_vgw(&client, "gw").await;
    let cgw = make_cgw(&client, "cgw", "198.51.100.8").await;
    let connection = make_connection(&client, &vgw, &eip1, &cgw, "c1").await;
    let monitor = create_monitor(&emu, &connection).await;
    conforms("CreateConnectionMonitor", &monitor);
    assert_eq!(monitor.status, 201);
    let monitor_id = monitor.json["connection_monitor"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let cases: Vec<(&str, &str, String, Option<Value>, u16)> = vec![
        ("ShowVgw", "GET", format!("/vpn-gateways/{vgw}"), None, 200),
        ("ListVgws", "GET", "/vpn-gateways".into(), None, 200),
        (
            "ListAvailabilityZones",
            "GET",
            "/vpn-gateways/availability-zones".into(),
            None,
            200,
        ),
        (
            "UpdateVgw",
            "PUT",
            format!("/vpn-gateways/{vgw}"),
            Some(
                json!({"vpn_gateway": {"name": "gw-2", "policy_template": {"ike_policy": {"dh_group": "group20"}}}}),
            ),
            200,
        ),
        (
            "CreateVgw",
            "POST",
            "/vpn-gateways".into(),
            Some(vgw_body("gw-b")),
            201,
        ),
        (
            "ShowCgw",
            "GET",
            format!("/customer-gateways/{cgw}"),
            None,
            200,
        ),
        (
            "ListCgws",
            "GET",
            "/customer-gateways?limit=1".into(),
            None,
            200,
        ),
        (
            "UpdateCgw",
            "PUT",
            format!("/customer-gateways/{cgw}"),
            Some(
                json!({"customer_gateway": {"name": "cgw-2", "ca_certificate": {"content": "-----BEGIN CERTIFICATE-----"}}}),
            ),
            200,
        ),
        (
            "CreateCgw",
            "POST",
            "/customer-gateways".into(),
            Some(cgw_body("cgw-b", "198.51.100.9")),
            201,
        ),
        (
            "ShowVpnConnection",
            "GET",
            format!("/vpn-connection/{connection}"),
            None,
            200,
        ),
        (
            "ListVpnConnections",
            "GET",
            "/vpn-connection?limit=1".into(),
            None,
            200,
        ),
        (
            "UpdateVpnConnection",
            "PUT",
            format!("/vpn-connection/{connection}"),
            Some(json!({"vpn_connection": {"peer_subnets": ["10.30.0.0/16"]}})),
            200,
        ),
        (
            "ShowConnectionMonitor",
            "GET",
            format!("/connection-monitors/{monitor_id}"),
            None,
            200,
        ),
        (
            "ListConnectionMonitors",
            "GET",
            "/connection-monitors".into(),
            None,
            200,
        ),
        ("ShowQuotasInfo", "GET", "/vpn/quotas".into(), None, 200),
        (
            "ShowVpnConnection",
            "GET",
            "/vpn-connection/nope".into(),
            None,
            404,
        ),
        (
            "CreateVpnConnection",
            "POST",
            "/vpn-connection".into(),
            Some(json!({"vpn_connection": {}})),
            400,
        ),
        (
            "DeleteConnectionMonitor",
            "DELETE",
            format!("/connection-monitors/{monitor_id}"),
            None,
            204,
        ),
        (
            "DeleteVpnConnection",
            "DELETE",
            format!("/vpn-connection/{connection}"),
            None,
            204,
        ),
        (
            "DeleteCgw",
            "DELETE",
            format!("/customer-gateways/{cgw}"),
            None,
            204,
        ),
        (
            "DeleteVgw",
            "DELETE",
            format!("/vpn-gateways/{vgw}"),
            None,
            204,
        ),
    ];
    for (operation, method, path, body, status) in cases {
        let body = body.map(|b| b.to_string());
        let answer = raw(&emu, method, &v5(&path), body.as_deref()).await;
        assert_eq!(answer.status, status, "{operation}: {}", answer.text);
        conforms(operation, &answer);
    }
}

#[tokio::test]
async fn legacy_ipsec_flow() {
    let emu = emulator().await;
    let legacy = legacy(&emu);
    let refs = make_legacy_refs(&emu, "66e3b16c-8ce5-40fb-bb49-ab6d8dc3f2aa").await;
    let created = legacy
        .create_ipsec_site_connection()
        .body(body::<ipsec_v2::types::CreateIpsecSiteConnectionRequest>(
            site_connection_body(&refs, "vpnconnection1"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let created = to_json(&created.into_inner())["ipsec_site_connection"].clone();
    assert_eq!(created["status"], "PENDING_CREATE");
    assert_eq!(
        created["dpd"],
        json!({"action": "hold", "interval": 30, "timeout": 120})
    );
    assert_eq!(created["auth_mode"], "psk");
    assert_eq!(created["route_mode"], "static");
    assert_eq!(created["mtu"], 1500);
    assert_eq!(created["project_id"], PROJECT);
    let created_at = created["created_at"].as_str().unwrap();
    assert_eq!(
        created_at.len(),
        "2024-03-18 09:12:44.123456".len(),
        "{created_at}"
    );
    let id = created["id"].as_str().unwrap().to_string();

    let updated = to_json(
        &legacy
            .update_ipsec_site_connection()
            .connection_id(id.as_str())
            .body(body::<ipsec_v2::types::UpdateIpsecSiteConnectionRequest>(
                json!({
                    "ipsec_site_connection": {"name": "renamed", "dpd": {"action": "restart"}}
                }),
            ))
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(updated["ipsec_site_connection"]["status"], "PENDING_UPDATE");
    assert_eq!(updated["ipsec_site_connection"]["dpd"]["action"], "restart");
    assert_eq!(updated["ipsec_site_connection"]["dpd"]["timeout"], 120);

    let list = raw(
        &emu,
        "GET",
        "/v2.0/vpn/ipsec-site-connections?fields=id&fields=name&name=renamed",
        None,
    )
    .await;
    conforms("ListIpsecSiteConnections", &list);
    assert_eq!(
        list.json,
        json!({"ipsec_site_connections": [{"id": id, "name": "renamed"}]})
    );
    assert!(list.json.get("request_id").is_none());

    legacy
        .delete_ipsec_site_connection()
        .connection_id(id.as_str())
        .send()
        .await
        .unwrap();
    let missing = raw(
        &emu,
        "GET",
        &format!("/v2.0/vpn/ipsec-site-connections/{id}"),
        None,
    )
    .await;
    conforms("ShowIpsecSiteConnection", &missing);
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json["NeutronError"]["type"],
        "IPsecSiteConnectionNotFound"
    );
    assert_eq!(missing.json["NeutronError"]["detail"], "");

    let invalid = raw(
        &emu,
        "POST",
        "/v2.0/vpn/ipsec-site-connections",
        Some(r#"{"ipsec_site_connection": {"psk": "abc"}}"#),
    )
    .await;
    conforms("CreateIpsecSiteConnection", &invalid);
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.json["NeutronError"]["type"], "HTTPBadRequest");
    let message = invalid.json["NeutronError"]["message"].as_str().unwrap();
    assert!(message.contains("ipsec_site_connection.psk"), "{message}");
    assert!(!message.contains("\"abc\""), "{message}");
}

#[tokio::test]
async fn every_spec_operation_is_served() {
    let served = vpn_emulator::served_operations();
    for operation in vpn_emulator::spec_operations() {
        assert!(served.contains(&operation), "{operation} is not served");
    }
    // And nothing else: every served operation is one the specs define.
    let in_spec = vpn_emulator::spec_operations();
    for operation in &served {
        assert!(
            in_spec.iter().any(|o| o == operation),
            "{operation} is served but not in the specs"
        );
    }
}

/// The client's operation table (generated from the same specs) and the emulator's routes
/// agree on every operation's method and path, both ways. This build enables every product
/// of the client (see Cargo.toml), so the table is complete.
#[test]
fn the_client_operation_table_is_what_the_emulator_routes() {
    let routes = vpn_emulator::served_routes();
    let table: Vec<(String, String, String)> = huaweicloud_vpn::operation::all()
        .map(|op| {
            (
                op.id.to_string(),
                op.method.to_string(),
                op.path.to_string(),
            )
        })
        .collect();
    assert!(!table.is_empty());
    for op in &table {
        assert!(
            routes.contains(op),
            "{op:?} is in the client's table but the emulator does not route it so"
        );
    }
    for route in &routes {
        assert!(
            table.contains(route),
            "{route:?} is routed by the emulator but not in the client's table \
             (is the generated code stale, or a product feature off?)"
        );
    }
}

#[tokio::test]
async fn new_connections_start_from_the_gateways_policy_template() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, eip1, _) = make_vgw(&client, "gw").await;
    let cgw = make_cgw(&client, "cgw", "198.51.100.11").await;
    let template = json!({"vpn_gateway": {"policy_template": {
        "ike_policy": {"dh_group": "group20", "encryption_algorithm": "aes-256", "lifetime_seconds": 7200},
        "ipsec_policy": {"pfs": "group19", "authentication_algorithm": "sha2-512", "lifetime_seconds": 1800},
    }}});
    let answer = raw(
        &emu,
        "PUT",
        &v5(&format!("/vpn-gateways/{vgw}")),
        Some(&template.to_string()),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    conforms("UpdateVgw", &answer);

    // Fields the request leaves out come from the template; those it gives win.
    let mut body = connection_body(&vgw, &eip1, &cgw, "from-template");
    body["vpn_connection"]["ikepolicy"] = json!({"ike_version": "v1", "lifetime_seconds": 3600});
    body["vpn_connection"]["ipsecpolicy"] = json!({"encryption_algorithm": "aes-192"});
    let created = raw(
        &emu,
        "POST",
        &v5("/vpn-connection"),
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    conforms("CreateVpnConnection", &created);
    let ike = &created.json["vpn_connection"]["ikepolicy"];
    assert_eq!(ike["dh_group"], "group20");
    assert_eq!(ike["encryption_algorithm"], "aes-256");
    assert_eq!(
        ike["authentication_algorithm"], "sha2-256",
        "the template's default"
    );
    assert_eq!(ike["lifetime_seconds"], 3600, "the request's");
    assert_eq!(ike["ike_version"], "v1");
    let ipsec = &created.json["vpn_connection"]["ipsecpolicy"];
    assert_eq!(ipsec["pfs"], "group19");
    assert_eq!(ipsec["authentication_algorithm"], "sha2-512");
    assert_eq!(ipsec["lifetime_seconds"], 1800);
    assert_eq!(ipsec["encryption_algorithm"], "aes-192", "the request's");
    assert_eq!(ipsec["transform_protocol"], "esp", "the service default");

    // What was stored is what show returns.
    let id = created.json["vpn_connection"]["id"].as_str().unwrap();
    let shown = raw(&emu, "GET", &v5(&format!("/vpn-connection/{id}")), None).await;
    assert_eq!(shown.json["vpn_connection"]["ikepolicy"], *ike);
    assert_eq!(shown.json["vpn_connection"]["ipsecpolicy"], *ipsec);
}
