//! Authentication through the client, end to end on loopback: AK/SK signatures as the server
//! sees them, temporary credentials, IAM password tokens (one fetch for concurrent calls, one
//! refresh after a 401), and — at TRACE level, the HTTP stack included — no secret in any log
//! line, `Debug` or error message, while every call gets its span.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use huaweicloud_vpn::auth::signature_for;
use huaweicloud_vpn::{ClientBuilder, Error, ErrorExt, RetryPolicy, SecretString, vpn_v5};
use vpn_tests::iam_standin::{DOMAIN, IamStandIn, PASSWORD, TOKEN_PREFIX, USER};
use vpn_tests::logs::capture_logs;
use wiremock::matchers::{header, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROJECT: &str = "0605767f6b00d5b62f36c0153ddd0b1c";
const AK: &str = "QTWAOYTTINDUT2QVKYUC";
const SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
const SECURITY_TOKEN: &str = "gQpjbi1ub3J0aC00-security-token";
const PSK: &str = "Tr0ub4dor&3-never-logged";

/// Answers like the VPN service: a create, a show, a list, and a 503 for the first request to
/// `/retry`.
async fn vpn_server() -> MockServer {
    let server = MockServer::start().await;
    let fixture = |op, file| vpn_tests::fixture(op, file);
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("X-Request-Id", "req-create-1")
                .set_body_json(fixture("CreateVpnConnection", "response-201.seed-003.json")),
        )
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::method("GET"))
        .and(path_regex("/vpn-connection$"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("ListVpnConnections", "response-200.built.json")),
        )
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::method("GET"))
        .and(path_regex("/vpn-connection/.+"))
        .respond_with(FirstFails(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    server
}

/// 503 for the first request, then the documented show answer.
struct FirstFails(AtomicUsize);

impl Respond for FirstFails {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
            ResponseTemplate::new(503).insert_header("X-Request-Id", "req-busy")
        } else {
            ResponseTemplate::new(200)
                .insert_header("X-Request-Id", "req-show-2")
                .set_body_json(vpn_tests::fixture(
                    "ShowVpnConnection",
                    "response-200.seed-003.json",
                ))
        }
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: std::time::Duration::from_millis(1),
        jitter: false,
        ..RetryPolicy::default()
    }
}

fn create_body() -> vpn_v5::types::CreateVpnConnectionRequest {
    let connection = vpn_v5::types::CreateVpnConnection::builder()
        .vgw_id("b32d91a4-demo-a8df-va86-e907174eb11d")
        .vgw_ip("0c464dad-demo-a8df-va86-c22bb0eb0bde")
        .cgw_id("5247ae10-demo-a8df-va86-dd36659a7f5d")
        .peer_subnets(vec!["192.168.44.0/24".to_string()])
        .psk(PSK);
    vpn_v5::types::CreateVpnConnectionRequest::builder()
        .vpn_connection(connection)
        .try_into()
        .unwrap()
}

/// Create, list (with a non-ASCII filter), and show (retried once) through `client`.
async fn flow(client: &vpn_v5::Client) {
    client
        .create_vpn_connection()
        .body(create_body())
        .send()
        .await
        .unwrap();
    client
        .list_vpn_connections()
        .limit(10)
        .vgw_id("gw köln/1")
        .enterprise_project_id(vec!["0".to_string(), "b".to_string()])
        .send()
        .await
        .unwrap();
    client
        .show_vpn_connection()
        .vpn_connection_id("98c5af8a-demo")
        .send()
        .await
        .unwrap();
}

/// Recomputes each received request's signature from what arrived on the wire.
fn assert_signed(requests: &[Request], expect_token: bool) {
    assert!(!requests.is_empty());
    for request in requests {
        let get = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let authorization = get("authorization").expect("Authorization header");
        let rest = authorization
            .strip_prefix("SDK-HMAC-SHA256 ")
            .unwrap_or_else(|| panic!("{authorization}"));
        let parts: Vec<&str> = rest.split(", ").collect();
        assert_eq!(parts[0], format!("Access={AK}"));
        let signed = parts[1].strip_prefix("SignedHeaders=").unwrap();
        let signature = parts[2].strip_prefix("Signature=").unwrap();
        for needed in ["host", "x-project-id", "x-sdk-date"] {
            assert!(
                signed.split(';').any(|h| h == needed),
                "{needed} not signed: {signed}"
            );
        }
        assert_eq!(get("x-project-id").as_deref(), Some(PROJECT));
        assert_eq!(
            get("x-security-token").as_deref(),
            expect_token.then_some(SECURITY_TOKEN)
        );
        assert_eq!(
            signed.split(';').any(|h| h == "x-security-token"),
            expect_token
        );
        let headers: Vec<(String, String)> = request
            .headers
            .iter()
            .filter(|(name, _)| signed.split(';').any(|h| h == name.as_str()))
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_string()))
            .collect();
        let date = get("x-sdk-date").unwrap();
        let expected = signature_for(
            request.method.as_str(),
            &request.url,
            &headers,
            &request.body,
            &SecretString::new(SK),
            &date,
        );
        assert_eq!(
            expected.signed_headers, signed,
            "{} {}",
            request.method, request.url
        );
        assert_eq!(
            expected.signature, signature,
            "{} {}: signature does not verify",
            request.method, request.url
        );
    }
}

#[tokio::test]
async fn aksk_requests_verify_on_the_server_side() {
    capture_logs();
    let server = vpn_server().await;
    let client = ClientBuilder::new()
        .endpoint(server.uri())
        .project_id(PROJECT)
        .aksk(AK, SK)
        .retry(fast_retries())
        .vpn_v5()
        .unwrap();
    flow(&client).await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.len(),
        4,
        "create, list, show twice (the 503 is retried)"
    );
    assert_signed(&requests, false);
    let list = &requests[1];
    assert_eq!(list.url.path(), format!("/v5/{PROJECT}/vpn-connection"));
    assert!(
        list.url
            .query()
            .unwrap()
            .contains("vgw_id=gw%20k%C3%B6ln%2F1"),
        "{:?}",
        list.url.query()
    );
}

#[tokio::test]
async fn temporary_credentials_send_and_sign_the_security_token() {
    capture_logs();
    let server = vpn_server().await;
    let client = ClientBuilder::new()
        .endpoint(server.uri())
        .project_id(PROJECT)
        .temporary_aksk(AK, SK, SECURITY_TOKEN)
        .retry(fast_retries())
        .vpn_v5()
        .unwrap();
    flow(&client).await;
    assert_signed(&server.received_requests().await.unwrap(), true);
}

/// An API that accepts only the token it is told is current.
struct TokenGate {
    accepted_from: usize,
    calls: Arc<AtomicUsize>,
}

impl Respond for TokenGate {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let token = request
            .headers
            .get("x-auth-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let number: usize = token
            .strip_prefix(TOKEN_PREFIX)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if number >= self.accepted_from {
            ResponseTemplate::new(200).set_body_json(vpn_tests::fixture(
                "ShowVpnConnection",
                "response-200.seed-003.json",
            ))
        } else {
            ResponseTemplate::new(401).set_body_json(serde_json::json!({
                "error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: token expired"
            }))
        }
    }
}

async fn token_api(accepted_from: usize) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(path_regex(".*"))
        .respond_with(TokenGate {
            accepted_from,
            calls: calls.clone(),
        })
        .mount(&server)
        .await;
    (server, calls)
}

fn password_client(api: &MockServer, iam: &MockServer) -> vpn_v5::Client {
    ClientBuilder::new()
        .endpoint(api.uri())
        .iam_endpoint(iam.uri())
        .project_id(PROJECT)
        .password(USER, PASSWORD, DOMAIN)
        .retry(fast_retries())
        .vpn_v5()
        .unwrap()
}

async fn show(client: &vpn_v5::Client) -> Result<(), Error> {
    client
        .show_vpn_connection()
        .vpn_connection_id("98c5af8a")
        .send()
        .await
        .map(|_| ())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_share_one_iam_token() {
    capture_logs();
    let stand_in = IamStandIn::new(86_400);
    let iam = stand_in.start().await;
    let (api, calls) = token_api(1).await;
    let client = password_client(&api, &iam);
    let calls_made: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { show(&client).await })
        })
        .collect();
    for call in calls_made {
        call.await.unwrap().unwrap();
    }
    assert_eq!(
        stand_in.count(),
        1,
        "one IAM request for 20 concurrent calls"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 20);
    for request in api.received_requests().await.unwrap() {
        assert_eq!(
            request.headers.get("x-auth-token").unwrap(),
            &format!("{TOKEN_PREFIX}0001")
        );
        assert!(request.headers.get("authorization").is_none());
    }
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once_and_the_call_made_again() {
    capture_logs();
    let stand_in = IamStandIn::new(86_400);
    let iam = stand_in.start().await;
    let (api, calls) = token_api(2).await; // the first token is rejected
    show(&password_client(&api, &iam)).await.unwrap();
    assert_eq!((stand_in.count(), calls.load(Ordering::SeqCst)), (2, 2));

    // A token that keeps being rejected: one refresh, then the 401 is the answer (no loop).
    let stand_in = IamStandIn::new(86_400);
    let iam = stand_in.start().await;
    let (api, calls) = token_api(usize::MAX).await;
    let error = show(&password_client(&api, &iam)).await.unwrap_err();
    assert_eq!(error.http_status(), Some(401));
    assert_eq!(
        error.service_error().and_then(|e| e.code()),
        Some("APIGW.0301")
    );
    assert_eq!((stand_in.count(), calls.load(Ordering::SeqCst)), (2, 2));
}

#[tokio::test]
async fn an_iam_failure_stops_the_call_before_anything_is_sent() {
    capture_logs();
    let stand_in = IamStandIn::new(86_400);
    stand_in.fail_with(401);
    let iam = stand_in.start().await;
    let (api, calls) = token_api(1).await;
    let error = show(&password_client(&api, &iam)).await.unwrap_err();
    let text = format!("{error} {error:?}");
    assert!(
        matches!(error, Error::Custom(ref m) if m.starts_with("IAM authentication failed")),
        "{text}"
    );
    assert!(text.contains("401"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_given_token_is_sent_as_it_is() {
    capture_logs();
    let api = MockServer::start().await;
    Mock::given(header("x-auth-token", "given-token-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(vpn_tests::fixture(
            "ShowVpnConnection",
            "response-200.seed-003.json",
        )))
        .expect(1)
        .mount(&api)
        .await;
    let client = ClientBuilder::new()
        .endpoint(api.uri())
        .project_id(PROJECT)
        .token("given-token-123")
        .vpn_v5()
        .unwrap();
    show(&client).await.unwrap();
}

/// The whole surface a user or an operator sees: logs at TRACE (the HTTP stack included), the
/// `Debug` of clients, builders, requests and errors, and error messages.
#[tokio::test]
async fn no_secret_reaches_logs_debug_or_errors_and_every_call_has_a_span() {
    let logs = capture_logs();
    let mut shown = String::new();

    let server = vpn_server().await;
    let builder = ClientBuilder::new()
        .endpoint(server.uri())
        .project_id(PROJECT)
        .temporary_aksk(AK, SK, SECURITY_TOKEN)
        .retry(fast_retries());
    let client = builder.vpn_v5().unwrap();
    flow(&client).await;
    shown.push_str(&format!("{builder:?} {client:?} {:?}", create_body()));

    let stand_in = IamStandIn::new(86_400);
    let iam = stand_in.start().await;
    let (api, _) = token_api(2).await;
    let password = ClientBuilder::new()
        .endpoint(api.uri())
        .iam_endpoint(iam.uri())
        .project_id(PROJECT)
        .password(USER, PASSWORD, DOMAIN);
    let client = password.vpn_v5().unwrap();
    show(&client).await.unwrap();
    shown.push_str(&format!("{password:?} {client:?}"));
    stand_in.fail_with(401);
    let (api, _) = token_api(usize::MAX).await;
    let failing = ClientBuilder::new()
        .endpoint(api.uri())
        .iam_endpoint(iam.uri())
        .project_id(PROJECT)
        .password(USER, PASSWORD, DOMAIN)
        .vpn_v5()
        .unwrap();
    let error = show(&failing).await.unwrap_err();
    shown.push_str(&format!("{error} {error:?}"));

    let everything = format!("{}\n{shown}", logs.text());
    for secret in [AK, SK, SECURITY_TOKEN, PASSWORD, PSK, TOKEN_PREFIX] {
        assert!(
            !everything.contains(secret),
            "a secret ({} chars) appears in what was captured",
            secret.len()
        );
    }

    // One span per call, with what an operator needs.
    let logs = logs.text();
    for field in [
        "vpn_call",
        "operation=\"create_vpn_connection\"",
        "operation=\"show_vpn_connection\"",
        "method=GET",
        "method=POST",
        "status=201",
        "status=200",
        "attempt=2",
        "request_id=\"req-show-2\"",
        "latency_ms=",
    ] {
        assert!(logs.contains(field), "no `{field}` in the captured spans");
    }
    assert!(
        logs.contains(&format!("path=/v5/{PROJECT}/vpn-connection")),
        "path recorded"
    );
}
