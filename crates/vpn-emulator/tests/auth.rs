//! AK/SK verification: the client's signatures pass; wrong keys, stale dates, tampering and
//! missing signatures get the API gateway's 401.

mod common;

use std::time::{Duration, SystemTime};

use common::*;
use huaweicloud_vpn::auth::{AkSk, sign};
use huaweicloud_vpn::{ClientBuilder, ErrorExt};
use serde_json::{Value, json};
use vpn_emulator::{Config, Emulator};

const AK: &str = "EMULATORAK0001";
const SK: &str = "emulator-secret-key";

async fn signed_emulator() -> Emulator {
    Emulator::start(Config {
        credentials: Some((AK.into(), SK.into())),
        ..Config::default()
    })
    .await
    .unwrap()
}

async fn send(request: reqwest::Request) -> (u16, Option<String>, Value) {
    let response = huaweicloud_vpn::http_client_builder()
        .build()
        .unwrap()
        .execute(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_string());
    (status, id, response.json().await.unwrap_or(Value::Null))
}

fn request(
    emu: &Emulator,
    method: reqwest::Method,
    path: &str,
    body: Option<&str>,
) -> reqwest::Request {
    let url = format!("{}{path}", emu.url()).parse().unwrap();
    let mut request = reqwest::Request::new(method, url);
    if let Some(body) = body {
        request
            .headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        *request.body_mut() = Some(body.to_string().into());
    }
    request
}

#[tokio::test]
async fn signed_requests_from_the_client_are_accepted() {
    let emu = signed_emulator().await;
    let client = ClientBuilder::new()
        .endpoint(emu.url())
        .project_id(PROJECT)
        .aksk(AK, SK)
        .vpn_v5()
        .unwrap();
    let (vgw, eip, _) = make_vgw(&client, "gw").await;
    let cgw = make_cgw(&client, "cgw", "198.51.100.60").await;
    let connection = make_connection(&client, &vgw, &eip, &cgw, "c").await;
    let listed = to_json(
        &client
            .list_vpn_connections()
            .limit(10u32)
            .vgw_id(vgw.as_str())
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(listed["vpn_connections"][0]["id"], connection.as_str());
    client
        .delete_vpn_connection()
        .vpn_connection_id(connection.as_str())
        .send()
        .await
        .unwrap();

    // The legacy API is signed the same way.
    let legacy = ClientBuilder::new()
        .endpoint(emu.url())
        .project_id(PROJECT)
        .aksk(AK, SK)
        .ipsec_v2()
        .unwrap();
    let list = legacy.list_ipsec_site_connections().send().await.unwrap();
    assert_eq!(list.status().as_u16(), 200);
}

#[tokio::test]
async fn bad_signatures_are_401_apigw_0301() {
    let emu = signed_emulator().await;
    let path = v5("/vpn-connection?limit=5");

    // Wrong secret key, through the typed client.
    let client = ClientBuilder::new()
        .endpoint(emu.url())
        .project_id(PROJECT)
        .aksk(AK, "wrong-secret")
        .vpn_v5()
        .unwrap();
    let error = client.list_vpn_connections().send().await.unwrap_err();
    assert_eq!(error.http_status(), Some(401));
    let service = error.service_error().unwrap();
    assert_eq!(service.code(), Some("APIGW.0301"));
    assert!(
        service
            .message()
            .unwrap()
            .starts_with("Incorrect IAM authentication information: ")
    );
    assert!(service.request_id().is_some());
    assert!(!service.raw_body().contains("wrong-secret"));

    let cases: Vec<(&str, reqwest::Request)> = {
        let mut cases = Vec::new();
        // No signature at all, or only a token.
        cases.push(("unsigned", request(&emu, reqwest::Method::GET, &path, None)));
        let mut token = request(&emu, reqwest::Method::GET, &path, None);
        token
            .headers_mut()
            .insert("x-auth-token", "some-token".parse().unwrap());
        cases.push(("token", token));
        // Unknown access key.
        let mut other_ak = request(&emu, reqwest::Method::GET, &path, None);
        sign(
            &mut other_ak,
            &AkSk::new("OTHER", SK),
            Some(PROJECT),
            SystemTime::now(),
        )
        .unwrap();
        cases.push(("other ak", other_ak));
        // A date 20 minutes old.
        let mut stale = request(&emu, reqwest::Method::GET, &path, None);
        let old = SystemTime::now() - Duration::from_secs(20 * 60);
        sign(&mut stale, &AkSk::new(AK, SK), Some(PROJECT), old).unwrap();
        cases.push(("stale date", stale));
        // Body changed after signing.
        let body = json!({"connection_monitor": {"vpn_connection_id": "x"}}).to_string();
        let mut tampered = request(
            &emu,
            reqwest::Method::POST,
            &v5("/connection-monitors"),
            Some(&body),
        );
        sign(
            &mut tampered,
            &AkSk::new(AK, SK),
            Some(PROJECT),
            SystemTime::now(),
        )
        .unwrap();
        *tampered.body_mut() = Some(body.replace("\"x\"", "\"y\"").into());
        cases.push(("tampered body", tampered));
        // Query changed after signing.
        let mut query = request(&emu, reqwest::Method::GET, &path, None);
        sign(
            &mut query,
            &AkSk::new(AK, SK),
            Some(PROJECT),
            SystemTime::now(),
        )
        .unwrap();
        query.url_mut().set_query(Some("limit=6"));
        cases.push(("tampered query", query));
        cases
    };
    for (name, request) in cases {
        let (status, id, body) = send(request).await;
        assert_eq!(status, 401, "{name}: {body}");
        assert_eq!(body["error_code"], "APIGW.0301", "{name}");
        assert_eq!(body["request_id"].as_str(), id.as_deref(), "{name}");
    }

    // A fresh, correct signature made by hand passes (a date 5 minutes old is fine).
    let mut good = request(&emu, reqwest::Method::GET, &path, None);
    let recent = SystemTime::now() - Duration::from_secs(5 * 60);
    sign(&mut good, &AkSk::new(AK, SK), Some(PROJECT), recent).unwrap();
    let (status, _, body) = send(good).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn without_configured_credentials_anything_goes() {
    let emu = emulator().await;
    let client = ClientBuilder::new()
        .endpoint(emu.url())
        .project_id(PROJECT)
        .token("any-token")
        .vpn_v5()
        .unwrap();
    assert!(client.list_vgws().send().await.is_ok());
    let signed = ClientBuilder::new()
        .endpoint(emu.url())
        .project_id(PROJECT)
        .aksk("ANY", "THING")
        .vpn_v5()
        .unwrap();
    assert!(signed.list_vgws().send().await.is_ok());
}
