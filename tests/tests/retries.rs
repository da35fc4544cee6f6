//! Retries and timeouts, against loopback servers that inject faults and count attempts. Waits
//! are recorded by a test sleeper instead of slept, so the backoff is checked exactly.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use huaweicloud_vpn::retry::Sleeper;
use huaweicloud_vpn::{
    ClientBuilder, Error, ErrorExt, RetryBudget, RetryPolicy, RetryQuota, vpn_v5,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// Records the waits it is asked for and returns at once.
#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<Duration>>);

impl Sleeper for Recorder {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.0.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

impl Recorder {
    fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

/// Answers from a script, one entry per attempt (the last repeats), counting attempts.
struct Script {
    answers: Vec<ResponseTemplate>,
    attempts: Arc<AtomicUsize>,
}

impl Respond for Script {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.attempts.fetch_add(1, Ordering::SeqCst);
        self.answers[n.min(self.answers.len() - 1)].clone()
    }
}

fn ok_connection() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(vpn_tests::fixture(
        "ShowVpnConnection",
        "response-200.seed-003.json",
    ))
}

fn created_connection() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(vpn_tests::fixture(
        "CreateVpnConnection",
        "response-201.seed-003.json",
    ))
}

fn vpn_error(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"code": code, "message": "from the test server"}))
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(250),
        jitter: false,
        max_retry_after: Duration::from_secs(30),
    }
}

/// A server answering every request from `answers`; returns it with its attempt counter.
async fn scripted(answers: Vec<ResponseTemplate>) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let attempts = Arc::new(AtomicUsize::new(0));
    Mock::given(path_regex(".*"))
        .respond_with(Script {
            answers,
            attempts: attempts.clone(),
        })
        .mount(&server)
        .await;
    (server, attempts)
}

fn client(endpoint: &str, recorder: &Arc<Recorder>) -> vpn_v5::Client {
    ClientBuilder::new()
        .endpoint(endpoint)
        .project_id(PROJECT)
        .without_credentials()
        .retry(policy())
        .sleeper(recorder.clone())
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

async fn create(client: &vpn_v5::Client) -> Result<(), Error> {
    let body: vpn_v5::types::CreateVpnConnectionRequest = serde_json::from_value(
        vpn_tests::fixture("CreateVpnConnection", "request.seed-003.json"),
    )
    .unwrap();
    client
        .create_vpn_connection()
        .body(body)
        .send()
        .await
        .map(|_| ())
}

fn ms(v: &[u64]) -> Vec<Duration> {
    v.iter().map(|&m| Duration::from_millis(m)).collect()
}

#[tokio::test]
async fn reads_retry_each_retryable_status_with_exponential_backoff() {
    for status in [429, 502, 503, 504] {
        let (server, attempts) = scripted(vec![
            ResponseTemplate::new(status),
            ResponseTemplate::new(status),
            ResponseTemplate::new(status),
            ok_connection(),
        ])
        .await;
        let recorder = Arc::new(Recorder::default());
        show(&client(&server.uri(), &recorder))
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(attempts.load(Ordering::SeqCst), 4, "{status}: attempts");
        // 100 ms doubled per attempt, capped at 250 ms.
        assert_eq!(recorder.waits(), ms(&[100, 200, 250]), "{status}: waits");
    }
}

#[tokio::test]
async fn the_vpn_busy_codes_are_retried_although_they_are_400s() {
    for code in ["VPN.0030", "VPN.0031"] {
        let (server, attempts) = scripted(vec![vpn_error(400, code), ok_connection()]).await;
        let recorder = Arc::new(Recorder::default());
        show(&client(&server.uri(), &recorder))
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(attempts.load(Ordering::SeqCst), 2, "{code}");
        assert_eq!(recorder.waits(), ms(&[100]), "{code}");
    }
}

#[tokio::test]
async fn other_errors_are_not_retried_and_keep_their_body() {
    for (status, code) in [
        (400, "VPN.0001"),
        (404, "VPN.0004"),
        (500, "VPN.0002"),
        (403, "VPN.0003"),
    ] {
        let (server, attempts) = scripted(vec![vpn_error(status, code)]).await;
        let recorder = Arc::new(Recorder::default());
        let error = show(&client(&server.uri(), &recorder)).await.unwrap_err();
        assert_eq!(attempts.load(Ordering::SeqCst), 1, "{code}");
        assert!(recorder.waits().is_empty());
        assert_eq!(error.http_status(), Some(status));
        assert_eq!(
            error.service_error().and_then(|e| e.code()),
            Some(code),
            "the 400 body was read for the retry decision and given back intact"
        );
        assert!(!error.is_retryable(), "{code}");
    }
}

#[tokio::test]
async fn retry_after_is_honoured_and_a_too_long_one_ends_the_call() {
    let (server, attempts) = scripted(vec![
        ResponseTemplate::new(429).insert_header("Retry-After", "3"),
        ok_connection(),
    ])
    .await;
    let recorder = Arc::new(Recorder::default());
    show(&client(&server.uri(), &recorder)).await.unwrap();
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    assert_eq!(recorder.waits(), vec![Duration::from_secs(3)]);

    let (server, attempts) = scripted(vec![
        ResponseTemplate::new(503).insert_header("Retry-After", "3600"),
        ok_connection(),
    ])
    .await;
    let recorder = Arc::new(Recorder::default());
    let error = show(&client(&server.uri(), &recorder)).await.unwrap_err();
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        1,
        "an hour is longer than max_retry_after: fail now"
    );
    assert_eq!(error.http_status(), Some(503));
    assert!(recorder.waits().is_empty());
}

#[tokio::test]
async fn attempts_run_out_with_the_last_answer_as_the_error() {
    let (server, attempts) = scripted(vec![vpn_error(503, "APIGW.0503")]).await;
    let recorder = Arc::new(Recorder::default());
    let error = show(&client(&server.uri(), &recorder)).await.unwrap_err();
    assert_eq!(attempts.load(Ordering::SeqCst), 4);
    assert_eq!(recorder.waits(), ms(&[100, 200, 250]));
    assert_eq!(error.http_status(), Some(503));
    assert!(error.is_retryable(), "the caller may still try later");
}

#[tokio::test]
async fn creates_are_not_repeated_after_the_request_may_have_arrived() {
    for answer in [
        ResponseTemplate::new(503),
        ResponseTemplate::new(429),
        ResponseTemplate::new(502),
        vpn_error(400, "VPN.0030"),
    ] {
        let (server, attempts) = scripted(vec![answer, created_connection()]).await;
        let recorder = Arc::new(Recorder::default());
        let error = create(&client(&server.uri(), &recorder)).await.unwrap_err();
        assert_eq!(attempts.load(Ordering::SeqCst), 1, "no duplicate create");
        assert!(recorder.waits().is_empty());
        assert!(
            error.http_status().is_some(),
            "the server's answer is the error: {error:?}"
        );
    }
}

/// An address where nothing listens: every connection is refused.
fn refused_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_create() {
    let recorder = Arc::new(Recorder::default());
    let client = client(&refused_endpoint(), &recorder);
    let error = create(&client).await.unwrap_err();
    assert!(
        matches!(error, Error::CommunicationError(ref e) if e.is_connect()),
        "{error:?}"
    );
    assert_eq!(
        recorder.waits(),
        ms(&[100, 200, 250]),
        "the request never left: safe to repeat"
    );
    assert!(error.is_retryable());
}

/// A server that reads each request and closes the connection without answering.
async fn hang_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 65536];
                let _ =
                    tokio::time::timeout(Duration::from_secs(2), socket.read(&mut buffer)).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{address}"), connections)
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_reads_but_not_for_creates() {
    let (endpoint, connections) = hang_up_server().await;
    let recorder = Arc::new(Recorder::default());
    let error = show(&client(&endpoint, &recorder)).await.unwrap_err();
    assert!(matches!(error, Error::CommunicationError(_)), "{error:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 4);
    assert_eq!(recorder.waits().len(), 3);

    let (endpoint, connections) = hang_up_server().await;
    let recorder = Arc::new(Recorder::default());
    let error = create(&client(&endpoint, &recorder)).await.unwrap_err();
    assert!(matches!(error, Error::CommunicationError(_)), "{error:?}");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "the create may have arrived: not repeated"
    );
    assert!(recorder.waits().is_empty());
}

#[tokio::test]
async fn a_slow_attempt_times_out_and_is_retried_for_reads() {
    let slow = ok_connection().set_delay(Duration::from_secs(5));
    let (server, attempts) = scripted(vec![slow.clone(), ok_connection()]).await;
    let recorder = Arc::new(Recorder::default());
    let client = ClientBuilder::new()
        .endpoint(server.uri())
        .project_id(PROJECT)
        .without_credentials()
        .retry(policy())
        .sleeper(recorder.clone())
        .attempt_timeout(Duration::from_millis(300))
        .vpn_v5()
        .unwrap();
    show(&client).await.unwrap();
    assert_eq!(attempts.load(Ordering::SeqCst), 2);

    let (server, attempts) = scripted(vec![slow, created_connection()]).await;
    let client = ClientBuilder::new()
        .endpoint(server.uri())
        .project_id(PROJECT)
        .without_credentials()
        .retry(policy())
        .sleeper(recorder.clone())
        .attempt_timeout(Duration::from_millis(300))
        .vpn_v5()
        .unwrap();
    let error = create(&client).await.unwrap_err();
    assert!(
        matches!(error, Error::CommunicationError(ref e) if e.is_timeout()),
        "{error:?}"
    );
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_overall_timeout_bounds_the_whole_call() {
    let (server, attempts) =
        scripted(vec![ok_connection().set_delay(Duration::from_secs(10))]).await;
    let client = ClientBuilder::new()
        .endpoint(server.uri())
        .project_id(PROJECT)
        .without_credentials()
        .retry(RetryPolicy {
            max_attempts: 10,
            ..policy()
        })
        .sleeper(Arc::new(Recorder::default()))
        .attempt_timeout(Duration::from_secs(5))
        .overall_timeout(Some(Duration::from_millis(400)))
        .vpn_v5()
        .unwrap();
    let started = std::time::Instant::now();
    let error = show(&client).await.unwrap_err();
    assert!(
        matches!(error, Error::CommunicationError(ref e) if e.is_timeout()),
        "{error:?}"
    );
    // Generous bound: the point is that ten 5-second attempts did not run.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(attempts.load(Ordering::SeqCst) <= 2);
}

#[tokio::test]
async fn updates_and_deletes_are_retried_like_reads() {
    let (server, attempts) =
        scripted(vec![ResponseTemplate::new(503), ResponseTemplate::new(204)]).await;
    let recorder = Arc::new(Recorder::default());
    client(&server.uri(), &recorder)
        .delete_vpn_connection()
        .vpn_connection_id("98c5af8a")
        .send()
        .await
        .unwrap();
    assert_eq!(attempts.load(Ordering::SeqCst), 2);

    let (server, attempts) = scripted(vec![
        vpn_error(400, "VPN.0030"),
        ResponseTemplate::new(200).set_body_json(vpn_tests::fixture(
            "UpdateVpnConnection",
            "response-200.built.json",
        )),
    ])
    .await;
    let body: vpn_v5::types::UpdateVpnConnectionRequest = serde_json::from_value(
        vpn_tests::fixture("UpdateVpnConnection", "request.built.json"),
    )
    .unwrap();
    client(&server.uri(), &recorder)
        .update_vpn_connection()
        .vpn_connection_id("98c5af8a")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
}

/// Answers 503 while `failing` is set, else the connection; counts attempts.
struct Switch {
    failing: Arc<std::sync::atomic::AtomicBool>,
    attempts: Arc<AtomicUsize>,
}

impl Respond for Switch {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        if self.failing.load(Ordering::SeqCst) {
            ResponseTemplate::new(503)
        } else {
            ok_connection()
        }
    }
}

#[tokio::test]
async fn the_retry_budget_stops_retries_when_spent_and_refills_with_successes() {
    let logs = vpn_tests::logs::capture_logs();
    let server = MockServer::start().await;
    let failing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let attempts = Arc::new(AtomicUsize::new(0));
    Mock::given(path_regex(".*"))
        .respond_with(Switch {
            failing: failing.clone(),
            attempts: attempts.clone(),
        })
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    // 20 tokens: four retries at 5 each.
    let budget = Arc::new(RetryBudget::new(RetryQuota {
        capacity: 20,
        ..RetryQuota::default()
    }));
    let builder = ClientBuilder::new()
        .endpoint(server.uri())
        .project_id(PROJECT)
        .without_credentials()
        .retry(policy())
        .sleeper(recorder.clone())
        .retry_budget(Some(budget.clone()));
    // Two clients of one builder share the bucket.
    let (first, second) = (builder.vpn_v5().unwrap(), builder.vpn_v5().unwrap());
    let attempts_of = |before: usize| attempts.load(Ordering::SeqCst) - before;

    // An outage: the first call spends 15 tokens on three retries, the second the last 5 on
    // one retry and is then refused, the third is refused at once.
    let mut seen = 0;
    let mut per_call = Vec::new();
    for client in [&first, &second, &first] {
        let error = show(client).await.unwrap_err();
        assert_eq!(error.http_status(), Some(503));
        per_call.push(attempts_of(seen));
        seen = attempts.load(Ordering::SeqCst);
    }
    assert_eq!(per_call, [4, 2, 1]);
    assert_eq!(budget.available(), 0);
    assert_eq!((budget.granted(), budget.refused()), (4, 2));
    // The refusal is in the call's span.
    let text = logs.text();
    assert!(text.contains("retries_refused=1"), "{text}");
    assert!(
        text.contains("retry refused: the retry budget is spent"),
        "{text}"
    );

    // The service recovers: each first-attempt success puts one token back...
    failing.store(false, Ordering::SeqCst);
    for _ in 0..5 {
        show(&second).await.unwrap();
    }
    assert_eq!(budget.available(), 5);
    // ... so that a retry is possible again, and one that succeeds gives its cost back.
    let server_fails_once = MockServer::start().await;
    let (server_fails_once, once) = {
        let attempts = Arc::new(AtomicUsize::new(0));
        Mock::given(path_regex(".*"))
            .respond_with(Script {
                answers: vec![ResponseTemplate::new(503), ok_connection()],
                attempts: attempts.clone(),
            })
            .mount(&server_fails_once)
            .await;
        (server_fails_once, attempts)
    };
    let third = builder
        .clone()
        .endpoint(server_fails_once.uri())
        .vpn_v5()
        .unwrap();
    show(&third).await.unwrap();
    assert_eq!(once.load(Ordering::SeqCst), 2);
    assert_eq!(budget.available(), 5, "the retry's 5 tokens came back");
    assert_eq!(budget.refused(), 2);
}

#[tokio::test]
async fn a_retry_after_a_transport_failure_costs_twice_as_much() {
    let (endpoint, attempts) = hang_up_server().await;
    let recorder = Arc::new(Recorder::default());
    let budget = Arc::new(RetryBudget::new(RetryQuota {
        capacity: 25,
        ..RetryQuota::default()
    }));
    let client = ClientBuilder::new()
        .endpoint(endpoint)
        .project_id(PROJECT)
        .without_credentials()
        .retry(policy())
        .sleeper(recorder)
        .retry_budget(Some(budget.clone()))
        .vpn_v5()
        .unwrap();
    show(&client).await.unwrap_err();
    // Two retries at 10 tokens; the third would need 10 of the 5 left.
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    assert_eq!((budget.available(), budget.refused()), (5, 1));
}

#[tokio::test]
async fn the_default_budget_bounds_an_outage_and_none_lifts_the_bound() {
    // 50 calls into an outage, 4 attempts each: 200 requests without a budget; with the
    // standard one, 500 tokens pay for 100 retries, so 150.
    for (budget, expected) in [(None, 200), (Some(Arc::new(RetryBudget::default())), 150)] {
        let (server, attempts) = scripted(vec![ResponseTemplate::new(503)]).await;
        let client = ClientBuilder::new()
            .endpoint(server.uri())
            .project_id(PROJECT)
            .without_credentials()
            .retry(policy())
            .sleeper(Arc::new(Recorder::default()))
            .retry_budget(budget.clone())
            .vpn_v5()
            .unwrap();
        for _ in 0..50 {
            show(&client).await.unwrap_err();
        }
        assert_eq!(attempts.load(Ordering::SeqCst), expected, "{budget:?}");
    }
}
