//! Validation errors, 404s, reference checks, projects, routes: shapes and codes.

mod common;

use common::*;
use huaweicloud_vpn::vpn_v5::types;
use huaweicloud_vpn::{ClientBuilder, ErrorExt};
use serde_json::json;
use vpn_emulator::{Config, Emulator};

#[tokio::test]
async fn validation_errors_name_the_field_and_never_echo_the_psk() {
    let emu = emulator().await;
    let answer = raw(
        &emu,
        "POST",
        &v5("/vpn-connection"),
        Some(r#"{"vpn_connection": {"vgw_id": "g", "vgw_ip": "e", "psk": "tiny-pw"}}"#),
    )
    .await;
    conforms("CreateVpnConnection", &answer);
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json["code"], "VPN.0001");
    let message = answer.json["message"].as_str().unwrap();
    assert!(message.starts_with("invalid request: "), "{message}");
    assert!(
        message.contains("vpn_connection.cgw_id: is required"),
        "{message}"
    );
    assert!(
        message.contains("vpn_connection.psk: must be at least 8 characters long"),
        "{message}"
    );
    assert!(!answer.text.contains("tiny-pw"));
    assert_eq!(
        answer.json["request_id"].as_str(),
        answer.request_id.as_deref()
    );

    for (body, needle) in [
        (
            r#"{"vpn_connection": {"vgw_id": "g", "vgw_ip": "e", "cgw_id": "c", "style": "STATIC"}}"#,
            "vpn_connection.style: must be one of",
        ),
        (
            r#"{"vpn_connection": {"vgw_id": "g", "vgw_ip": "e", "cgw_id": "c", "ikepolicy": {"lifetime_seconds": 10}}}"#,
            "vpn_connection.ikepolicy.lifetime_seconds: must be at least 60",
        ),
        (
            r#"{"vpn_connection": {"vgw_id": "g", "vgw_ip": "e", "cgw_id": "c", "tags": [{"key": "k"}]}}"#,
            "vpn_connection.tags[0].value: is required",
        ),
        (
            r#"{"vpn_connection": {"vgw_id": 5, "vgw_ip": "e", "cgw_id": "c"}}"#,
            "vpn_connection.vgw_id: must be of type string",
        ),
        (r#"[]"#, "body: must be of type object"),
        (r#"{"vpn_connection": "#, "body: is not valid JSON"),
        ("", "body: a JSON request body is required"),
    ] {
        let answer = raw(&emu, "POST", &v5("/vpn-connection"), Some(body)).await;
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(answer.json["code"], "VPN.0001");
        let message = answer.json["message"].as_str().unwrap();
        assert!(message.contains(needle), "{body}: {message}");
        conforms("CreateVpnConnection", &answer);
    }

    // Query parameters with limits.
    for query in ["limit=2001", "limit=-1", "limit=ten"] {
        let answer = raw(&emu, "GET", &v5(&format!("/vpn-connection?{query}")), None).await;
        assert_eq!(answer.status, 400, "{query}");
        assert!(answer.json["message"].as_str().unwrap().contains("limit: "));
        conforms("ListVpnConnections", &answer);
    }
}

#[tokio::test]
async fn the_typed_client_sees_service_errors() {
    let emu = emulator().await;
    let client = client(&emu);
    let error = client
        .show_vgw()
        .vgw_id("no-such-gateway")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.http_status(), Some(404));
    let service = error.service_error().unwrap();
    assert_eq!(service.code(), Some("VPN.0004"));
    assert!(service.message().unwrap().contains("not found"));
    assert!(service.request_id().is_some());

    for (operation, path) in [
        ("ShowCgw", "/customer-gateways/x"),
        ("ShowVpnConnection", "/vpn-connection/x"),
        ("ShowConnectionMonitor", "/connection-monitors/x"),
        ("DeleteVgw", "/vpn-gateways/x"),
    ] {
        let method = if operation.starts_with("Delete") {
            "DELETE"
        } else {
            "GET"
        };
        let answer = raw(&emu, method, &v5(path), None).await;
        assert_eq!(answer.status, 404, "{operation}");
        assert_eq!(answer.json["code"], "VPN.0004");
        conforms(operation, &answer);
    }
}

#[tokio::test]
async fn references_are_checked() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, eip1, eip2) = make_vgw(&client, "gw").await;
    let cgw = make_cgw(&client, "cgw", "198.51.100.20").await;

    // Unknown gateway, customer gateway; an address that is not one of the gateway's EIPs.
    let create = |vgw: &str, eip: &str, cgw: &str| connection_body(vgw, eip, cgw, "c").to_string();
    let answer = raw(
        &emu,
        "POST",
        &v5("/vpn-connection"),
        Some(&create("nope", &eip1, &cgw)),
    )
    .await;
    assert_eq!(
        (answer.status, answer.json["code"].as_str()),
        (404, Some("VPN.0004"))
    );
    assert!(
        answer.json["message"]
            .as_str()
            .unwrap()
            .contains("vpn gateway nope")
    );
    let answer = raw(
        &emu,
        "POST",
        &v5("/vpn-connection"),
        Some(&create(&vgw, &eip1, "nope")),
    )
    .await;
    assert_eq!(
        (answer.status, answer.json["code"].as_str()),
        (404, Some("VPN.0004"))
    );
    assert!(
        answer.json["message"]
            .as_str()
            .unwrap()
            .contains("customer gateway nope")
    );
    let answer = raw(
        &emu,
        "POST",
        &v5("/vpn-connection"),
        Some(&create(&vgw, "198.51.100.1", &cgw)),
    )
    .await;
    assert_eq!(
        (answer.status, answer.json["code"].as_str()),
        (400, Some("VPN.0001"))
    );
    assert!(
        answer.json["message"]
            .as_str()
            .unwrap()
            .contains("vpn_connection.vgw_ip")
    );
    conforms("CreateVpnConnection", &answer);

    let c1 = make_connection(&client, &vgw, &eip1, &cgw, "c1").await;
    let _c2 = make_connection(&client, &vgw, &eip2, &cgw, "c2").await;

    // A monitor needs an existing connection, and a connection has at most one.
    let answer = create_monitor(&emu, "nope").await;
    assert_eq!(
        (answer.status, answer.json["code"].as_str()),
        (404, Some("VPN.0004"))
    );
    let first = create_monitor(&emu, &c1).await;
    assert_eq!(first.status, 201);
    let second = create_monitor(&emu, &c1).await;
    assert_eq!(
        (second.status, second.json["code"].as_str()),
        (400, Some("VPN.0012"))
    );
    conforms("CreateConnectionMonitor", &second);

    // Gateways with connections cannot be deleted.
    let answer = raw(&emu, "DELETE", &v5(&format!("/vpn-gateways/{vgw}")), None).await;
    assert_eq!(
        (answer.status, answer.json["code"].as_str()),
        (400, Some("VPN.0011"))
    );
    conforms("DeleteVgw", &answer);
    let error = client
        .delete_cgw()
        .customer_gateway_id(cgw.as_str())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.http_status(), Some(400));
    assert_eq!(error.service_error().unwrap().code(), Some("VPN.0011"));
    assert!(!error.is_retryable());

    // An EIP used by a connection cannot be replaced.
    let answer = raw(
        &emu,
        "PUT",
        &v5(&format!("/vpn-gateways/{vgw}")),
        Some(
            &json!({"vpn_gateway": {"eip_id_1": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"}})
                .to_string(),
        ),
    )
    .await;
    assert_eq!(
        (answer.status, answer.json["code"].as_str()),
        (400, Some("VPN.0011"))
    );

    // Semantic checks of gateways and customer gateways.
    let mut body = vgw_body("g2");
    body["vpn_gateway"]
        .as_object_mut()
        .unwrap()
        .remove("vpc_id");
    let answer = raw(&emu, "POST", &v5("/vpn-gateways"), Some(&body.to_string())).await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.json["message"]
            .as_str()
            .unwrap()
            .contains("vpn_gateway.vpc_id: is required when attachment_type is vpc")
    );
    let error = client
        .create_cgw()
        .body(body_of_cgw("not-an-ip"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.http_status(), Some(400));
    assert!(
        error
            .service_error()
            .unwrap()
            .message()
            .unwrap()
            .contains("customer_gateway.id_value")
    );
}

fn body_of_cgw(id_value: &str) -> types::CreateCustomerGatewayRequest {
    body(json!({"customer_gateway": {"id_value": id_value}}))
}

#[tokio::test]
async fn projects_routes_and_methods() {
    let emu = emulator().await;
    // Not 32 hex characters: 400.
    let answer = raw(&emu, "GET", "/v5/not-a-project/vpn-connection", None).await;
    assert_eq!(
        (answer.status, answer.json["code"].as_str()),
        (400, Some("VPN.0001"))
    );
    assert!(
        answer.json["message"]
            .as_str()
            .unwrap()
            .contains("project_id")
    );
    conforms("ListVpnConnections", &answer);
    // Projects are separate.
    let client = client(&emu);
    make_cgw(&client, "cgw", "198.51.100.30").await;
    let other = raw(
        &emu,
        "GET",
        &format!("/v5/{OTHER_PROJECT}/customer-gateways"),
        None,
    )
    .await;
    assert_eq!(other.json["total_count"], 0);
    // Unknown API: the gateway's 404.
    let answer = raw(&emu, "GET", &v5("/no-such-thing"), None).await;
    assert_eq!(
        (answer.status, answer.json["error_code"].as_str()),
        (404, Some("APIGW.0101"))
    );
    assert!(answer.request_id.is_some());
    // A known path with another method: 405 with Allow.
    let answer = raw(&emu, "PATCH", &v5("/vpn-connection"), None).await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.allow.as_deref(), Some("POST, GET"));
    conforms("ListVpnConnections", &answer);
    let answer = raw(
        &emu,
        "POST",
        "/v2.0/vpn/ipsec-site-connections/x",
        Some("{}"),
    )
    .await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.json["NeutronError"]["type"], "HTTPMethodNotAllowed");
}

#[tokio::test]
async fn an_emulator_for_one_project_refuses_others() {
    let emu = Emulator::start_for_project(Config::default(), PROJECT)
        .await
        .unwrap();
    let answer = raw(
        &emu,
        "GET",
        &format!("/v5/{OTHER_PROJECT}/vpn-connection"),
        None,
    )
    .await;
    assert_eq!(
        (answer.status, answer.json["code"].as_str()),
        (403, Some("VPN.0003"))
    );
    conforms("ListVpnConnections", &answer);
    let answer = raw(&emu, "GET", &v5("/vpn-connection"), None).await;
    assert_eq!(answer.status, 200);
    let client = ClientBuilder::new()
        .endpoint(emu.url())
        .project_id(OTHER_PROJECT)
        .without_credentials()
        .vpn_v5()
        .unwrap();
    let error = client.list_vgws().send().await.unwrap_err();
    assert_eq!(error.http_status(), Some(403));
    assert!(
        Emulator::start_for_project(Config::default(), "xyz")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn fuzz_like_inputs_never_break_the_server() {
    let emu = emulator().await;
    let paths = [
        "/v5/%ZZ/vpn-connection",
        "/v5/0123456789abcdef0123456789abcdef/vpn-connection/%00%FF",
        "/v5/0123456789abcdef0123456789abcdef/vpn-connection/..%2F..",
        "/v5/0123456789abcdef0123456789abcdef/vpn-connection?limit=99999999999999999999999",
        "/v5/0123456789abcdef0123456789abcdef/vpn-connection?marker=%FF%FE&limit=0",
        "/v5/0123456789abcdef0123456789abcdef/connection-monitors?enterprise_project_id=a&enterprise_project_id=b",
        "/v5",
        "/",
        "/v2.0/vpn/ipsec-site-connections?fields=%00",
    ];
    for path in paths {
        let answer = raw(&emu, "GET", path, None).await;
        assert!(answer.status < 500, "{path}: {}", answer.status);
        assert!(answer.request_id.is_some(), "{path}");
    }
    for body in [
        r#"{"vpn_gateway": {"eip1": {"bandwidth_size": -5, "type": "x"}, "network_type": "public", "attachment_type": "er", "er_id": "91a74241-1a17-4d6d-a1b2-c3d4e5f60708", "eip2": {}}}"#,
        r#"{"vpn_gateway": {"bgp_asn": 1e400}}"#,
        r#"{"vpn_gateway": {"name": "\u0000"}}"#,
        r#"{"vpn_gateway": {"availability_zone_ids": ["x"], "flavor": "Basic", "attachment_type": "er", "er_id": "91a74241-1a17-4d6d-a1b2-c3d4e5f60708"}}"#,
    ] {
        let answer = raw(&emu, "POST", &v5("/vpn-gateways"), Some(body)).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text);
        conforms("CreateVgw", &answer);
    }
}
