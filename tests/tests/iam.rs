//! IAM password tokens against a loopback IAM stand-in (`wiremock`).
//!
//! The stand-in counts the requests it gets and answers each with a new, distinct token in
//! `X-Subject-Token` and an `expires_at` a configurable number of seconds from now. It checks:
//! the request's shape, caching, single flight (concurrent callers cause one request),
//! refreshing inside the margin, refreshing after a 401, errors, and that neither the password
//! nor a token shows up in `Debug`, `Display` or the logs.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use huaweicloud_vpn::SecretString;
use huaweicloud_vpn::auth::{IamError, PasswordAuth, ProjectScope, TokenProvider};
use serde_json::{Value, json};
use vpn_tests::iam_standin::{
    DOMAIN, IamStandIn, PASSWORD, PROJECT_ID, TOKEN_PREFIX, USER, rfc3339_in, utc_timestamp,
};
use vpn_tests::logs::capture_logs;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn auth(server: &MockServer, project: ProjectScope) -> PasswordAuth {
    PasswordAuth::new(&server.uri(), USER, PASSWORD, DOMAIN, project)
}

fn provider(server: &MockServer) -> TokenProvider {
    TokenProvider::new(
        auth(server, ProjectScope::Id(PROJECT_ID.into())),
        huaweicloud_vpn::http_client_builder().build().unwrap(),
    )
}

/// Runs `n` calls at once on the multi-thread runtime and returns their results.
async fn concurrently<F, Fut>(n: usize, call: F) -> Vec<Result<SecretString, IamError>>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<SecretString, IamError>> + Send + 'static,
{
    let handles: Vec<_> = (0..n).map(|_| tokio::spawn(call())).collect();
    let mut results = Vec::with_capacity(n);
    for handle in handles {
        results.push(handle.await.unwrap());
    }
    results
}

// ---------------------------------------------------------------------------------------------
// 1. The request.

async fn sent_body(project: ProjectScope) -> (Request, Value) {
    let iam = IamStandIn::new(86_400);
    let server = iam.start().await;
    // A trailing `/` on the endpoint is ignored.
    let endpoint = format!("{}/", server.uri());
    let provider = TokenProvider::new(
        PasswordAuth::new(&endpoint, USER, PASSWORD, DOMAIN, project),
        huaweicloud_vpn::http_client_builder().build().unwrap(),
    );
    provider.token().await.unwrap();
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = requests.remove(0);
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    (request, body)
}

#[tokio::test]
async fn request_scoped_by_project_id() {
    capture_logs();
    let (request, body) = sent_body(ProjectScope::Id(PROJECT_ID.into())).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/v3/auth/tokens");
    assert_eq!(request.url.query(), None);
    let content_type = request
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    assert!(request.headers.get("x-auth-token").is_none());
    assert_eq!(
        body,
        json!({
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": USER,
                            "password": PASSWORD,
                            "domain": {"name": DOMAIN}
                        }
                    }
                },
                "scope": {"project": {"id": PROJECT_ID}}
            }
        })
    );
}

#[tokio::test]
async fn request_scoped_by_project_name() {
    capture_logs();
    let (request, body) = sent_body(ProjectScope::Name("eu-de".into())).await;
    assert_eq!(request.url.path(), "/v3/auth/tokens");
    assert_eq!(
        body,
        json!({
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": USER,
                            "password": PASSWORD,
                            "domain": {"name": DOMAIN}
                        }
                    }
                },
                "scope": {"project": {"name": "eu-de", "domain": {"name": DOMAIN}}}
            }
        })
    );
}

// ---------------------------------------------------------------------------------------------
// 2-4. Caching, single flight, the refresh margin.

#[tokio::test]
async fn sequential_calls_share_one_token() {
    capture_logs();
    let iam = IamStandIn::new(86_400);
    let server = iam.start().await;
    let provider = provider(&server);
    assert_eq!(provider.cached_expiry(), None);
    let first = provider.token().await.unwrap();
    let second = provider.token().await.unwrap();
    assert_eq!(iam.count(), 1);
    assert_eq!(first, second);
    assert_eq!(first.expose(), format!("{TOKEN_PREFIX}0001"));
    let expiry = provider.cached_expiry().unwrap();
    let left = expiry.duration_since(SystemTime::now()).unwrap();
    assert!(left > Duration::from_secs(86_300) && left <= Duration::from_secs(86_400));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_calls_make_one_request() {
    capture_logs();
    let iam = IamStandIn::new(86_400).slow(Duration::from_millis(200));
    let server = iam.start().await;
    let provider = Arc::new(provider(&server));
    let results = concurrently(50, || {
        let provider = provider.clone();
        async move { provider.token().await }
    })
    .await;
    assert_eq!(iam.count(), 1);
    let first = results[0].as_ref().unwrap();
    assert!(results.iter().all(|r| r.as_ref().unwrap() == first));
}

#[tokio::test]
async fn token_inside_the_margin_is_refetched() {
    capture_logs();
    // 60 s left is less than the default 5-minute margin: the next call fetches again.
    let iam = IamStandIn::new(60);
    let server = iam.start().await;
    let provider = provider(&server);
    let first = provider.token().await.unwrap();
    assert_eq!(iam.count(), 1);
    iam.set_lifetime(86_400);
    let second = provider.token().await.unwrap();
    assert_eq!(iam.count(), 2);
    assert_ne!(first, second);
    // Far from expiring: kept.
    let third = provider.token().await.unwrap();
    assert_eq!(iam.count(), 2);
    assert_eq!(second, third);
}

#[tokio::test]
async fn margin_is_configurable() {
    capture_logs();
    let iam = IamStandIn::new(60);
    let server = iam.start().await;
    // 60 s left, 30 s margin: kept.
    let provider = provider(&server).with_refresh_margin(Duration::from_secs(30));
    let first = provider.token().await.unwrap();
    assert_eq!(provider.token().await.unwrap(), first);
    assert_eq!(iam.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_calls_share_a_short_lived_token() {
    capture_logs();
    // Even when IAM's tokens live shorter than the margin, the tasks that waited for a fetch
    // take its token instead of each making a request of their own.
    let iam = IamStandIn::new(60).slow(Duration::from_millis(200));
    let server = iam.start().await;
    let provider = Arc::new(provider(&server));
    let results = concurrently(30, || {
        let provider = provider.clone();
        async move { provider.token().await }
    })
    .await;
    assert_eq!(iam.count(), 1);
    let first = results[0].as_ref().unwrap();
    assert!(results.iter().all(|r| r.as_ref().unwrap() == first));
}

#[tokio::test]
async fn lifetime_follows_iams_clock() {
    capture_logs();
    // IAM's clock is two days behind ours: its token "expires yesterday" on our clock, but the
    // `Date` header shows it has 24 hours left, so it is cached.
    let two_days = 2 * 86_400;
    let server = MockServer::start().await;
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    Mock::given(method("POST"))
        .and(path("/v3/auth/tokens"))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let server_now = SystemTime::now() - Duration::from_secs(two_days);
            ResponseTemplate::new(201)
                .insert_header("X-Subject-Token", format!("{TOKEN_PREFIX}{n}").as_str())
                .insert_header("Date", httpdate_of(server_now).as_str())
                .set_body_json(
                    json!({"token": {"expires_at": rfc3339_in(86_400 - two_days as i64)}}),
                )
        })
        .mount(&server)
        .await;
    let provider = provider(&server);
    let first = provider.token().await.unwrap();
    assert_eq!(provider.token().await.unwrap(), first);
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn httpdate_of(t: SystemTime) -> String {
    let iso = utc_timestamp(t);
    let days = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() / 86_400;
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][iso[5..7].parse::<usize>().unwrap() - 1];
    format!(
        "{weekday}, {} {month} {} {} GMT",
        &iso[8..10],
        &iso[0..4],
        &iso[11..19]
    )
}

// ---------------------------------------------------------------------------------------------
// 5. Refreshing after a 401.

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn refresh_after_rejection() {
    capture_logs();
    let iam = IamStandIn::new(86_400).slow(Duration::from_millis(100));
    let server = iam.start().await;
    let provider = Arc::new(provider(&server));

    let first = provider.token().await.unwrap();
    let second = provider.refresh_after_rejection(&first).await.unwrap();
    assert_eq!(iam.count(), 2);
    assert_ne!(first, second);
    assert_eq!(provider.token().await.unwrap(), second);
    assert_eq!(iam.count(), 2);

    // 20 tasks see `second` rejected at once: one fetch.
    let results = concurrently(20, || {
        let provider = provider.clone();
        let rejected = second.clone();
        async move { provider.refresh_after_rejection(&rejected).await }
    })
    .await;
    assert_eq!(iam.count(), 3);
    let third = results[0].as_ref().unwrap();
    assert_ne!(third, &second);
    assert_ne!(third, &first);
    assert!(results.iter().all(|r| r.as_ref().unwrap() == third));

    // A late rejection of a token already replaced: no fetch, the current token.
    assert_eq!(
        provider.refresh_after_rejection(&first).await.unwrap(),
        *third
    );
    assert_eq!(
        provider.refresh_after_rejection(&second).await.unwrap(),
        *third
    );
    assert_eq!(iam.count(), 3);
}

#[tokio::test]
async fn rejection_before_any_token_fetches_one() {
    capture_logs();
    let iam = IamStandIn::new(86_400);
    let server = iam.start().await;
    let provider = provider(&server);
    let token = provider
        .refresh_after_rejection(&SecretString::new("from-elsewhere"))
        .await
        .unwrap();
    assert_eq!(iam.count(), 1);
    assert_eq!(provider.token().await.unwrap(), token);
    assert_eq!(iam.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// 6. Errors.

#[tokio::test]
async fn iam_refusal_is_reported_without_the_password() {
    capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/auth/tokens"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {
                "code": 401,
                "message": "The username or password is wrong.",
                "title": "Unauthorized"
            }
        })))
        .mount(&server)
        .await;
    let provider = provider(&server);
    let error = provider.token().await.unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("401"), "{shown}");
    assert!(
        shown.contains("The username or password is wrong."),
        "{shown}"
    );
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(!format!("{error:?}").contains(PASSWORD));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(matches!(error, IamError::Status { .. }));
    // Errors are not cached: the next call asks again.
    provider.token().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert_eq!(provider.cached_expiry(), None);
}

#[tokio::test]
async fn api_gateway_error_shape() {
    capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "error_code": "APIGW.0302",
            "error_msg": "The IAM user is forbidden in the currently selected region",
            "request_id": "0a1b2c3d"
        })))
        .mount(&server)
        .await;
    let shown = provider(&server).token().await.unwrap_err().to_string();
    assert!(shown.contains("403"), "{shown}");
    assert!(shown.contains("APIGW.0302"), "{shown}");
    assert!(
        shown.contains("forbidden in the currently selected region"),
        "{shown}"
    );
    assert!(shown.contains("0a1b2c3d"), "{shown}");
}

#[tokio::test]
async fn echoed_password_is_redacted() {
    capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"code": 400, "title": "Bad Request",
                      "message": format!("Invalid input for field 'password': '{PASSWORD}'")}
        })))
        .mount(&server)
        .await;
    let error = provider(&server).token().await.unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains("400") && shown.contains("<redacted>"),
        "{shown}"
    );
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(!format!("{error:?}").contains(PASSWORD));
}

#[tokio::test]
async fn success_without_subject_token() {
    capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"token": {"expires_at": rfc3339_in(86_400)}})),
        )
        .mount(&server)
        .await;
    let error = provider(&server).token().await.unwrap_err();
    assert!(
        matches!(error, IamError::MissingSubjectToken { .. }),
        "{error:?}"
    );
    let shown = error.to_string();
    assert!(
        shown.contains("X-Subject-Token") && shown.contains("201"),
        "{shown}"
    );
}

#[tokio::test]
async fn unreadable_expiry() {
    capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("X-Subject-Token", "MIIZ-test-token-bad-expiry")
                .set_body_json(json!({"token": {"expires_at": "next tuesday"}})),
        )
        .mount(&server)
        .await;
    let error = provider(&server).token().await.unwrap_err();
    assert!(matches!(error, IamError::InvalidExpiry { .. }), "{error:?}");
    let shown = error.to_string();
    assert!(
        shown.contains("expires_at") && shown.contains("next tuesday"),
        "{shown}"
    );
    assert!(!shown.contains("MIIZ-test-token-bad-expiry"), "{shown}");
}

#[tokio::test]
async fn unreachable_iam() {
    capture_logs();
    // A port nothing listens on: bind one, then close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let provider = TokenProvider::new(
        PasswordAuth::new(
            &format!("http://127.0.0.1:{port}"),
            USER,
            PASSWORD,
            DOMAIN,
            ProjectScope::Id(PROJECT_ID.into()),
        ),
        huaweicloud_vpn::http_client_builder().build().unwrap(),
    );
    let error = provider.token().await.unwrap_err();
    assert!(matches!(error, IamError::Transport(_)), "{error:?}");
    assert!(std::error::Error::source(&error).is_some());
    assert!(!error.to_string().contains(PASSWORD));
}

#[tokio::test]
async fn hanging_iam_times_out() {
    capture_logs();
    let iam = IamStandIn::new(86_400).slow(Duration::from_secs(5));
    let server = iam.start().await;
    let provider = provider(&server).with_request_timeout(Duration::from_millis(200));
    let started = std::time::Instant::now();
    let error = provider.token().await.unwrap_err();
    assert!(matches!(error, IamError::Transport(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_callers_share_a_failure() {
    capture_logs();
    // IAM refuses: the tasks queued behind the failing request get its error instead of each
    // sending the password again.
    let iam = IamStandIn::new(86_400).slow(Duration::from_millis(200));
    iam.fail_with(401);
    let server = iam.start().await;
    let provider = Arc::new(provider(&server));
    let results = concurrently(20, || {
        let provider = provider.clone();
        async move { provider.token().await }
    })
    .await;
    assert_eq!(iam.count(), 1);
    assert!(results.iter().all(|r| matches!(
        r,
        Err(IamError::Status { status, .. }) if status.as_u16() == 401
    )));
    // A later call tries again.
    iam.fail_with(0);
    provider.token().await.unwrap();
    assert_eq!(iam.count(), 2);
}

#[tokio::test]
async fn failed_refresh_keeps_a_token_that_has_not_expired() {
    capture_logs();
    // The cached token is inside the margin (60 s left) but still valid: if IAM fails, it is
    // used until it expires rather than failing the call.
    let iam = IamStandIn::new(60);
    let server = iam.start().await;
    let provider = provider(&server);
    let first = provider.token().await.unwrap();
    iam.fail_with(500);
    assert_eq!(provider.token().await.unwrap(), first);
    assert_eq!(iam.count(), 2);
    // But a token the API rejected is never handed out again.
    let error = provider.refresh_after_rejection(&first).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(provider.cached_expiry(), None);
}

// ---------------------------------------------------------------------------------------------
// 7. Nothing secret in Debug or in the logs.

#[tokio::test]
async fn debug_shows_neither_password_nor_token() {
    capture_logs();
    let iam = IamStandIn::new(86_400);
    let server = iam.start().await;
    let auth = auth(&server, ProjectScope::Id(PROJECT_ID.into()));
    let shown = format!("{auth:?} {auth:#?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(shown.contains(USER) && shown.contains(DOMAIN), "{shown}");

    let provider = TokenProvider::new(
        auth,
        huaweicloud_vpn::http_client_builder().build().unwrap(),
    );
    let token = provider.token().await.unwrap();
    let shown = format!("{provider:?} {provider:#?} {token:?} {token}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(!shown.contains(TOKEN_PREFIX), "{shown}");
    assert!(!shown.contains(token.expose()), "{shown}");
}

#[tokio::test]
async fn logs_show_neither_password_nor_token() {
    let logs = capture_logs();
    let iam = IamStandIn::new(60);
    let server = iam.start().await;
    let provider = provider(&server);
    let first = provider.token().await.unwrap();
    let second = provider.refresh_after_rejection(&first).await.unwrap();
    iam.fail_with(401);
    provider.refresh_after_rejection(&second).await.unwrap_err();

    // Everything every test of this file has logged so far (at TRACE, the HTTP stack included).
    let logs = logs.text();
    assert!(logs.contains("fetching IAM token"), "{logs}");
    assert!(logs.contains("IAM token cached until"), "{logs}");
    assert!(!logs.contains(PASSWORD), "{logs}");
    assert!(!logs.contains(TOKEN_PREFIX), "{logs}");
}
