//! The pagination stream and the waiters, against scripted loopback servers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use huaweicloud_vpn::pagination::Paginate;
use huaweicloud_vpn::wait::{self, WaitError, WaitOptions};
use huaweicloud_vpn::{ErrorExt, vpn_v5};
use serde_json::{Value, json};
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn client(server: &MockServer) -> vpn_v5::Client {
    vpn_v5::Client::for_project(&server.uri(), PROJECT).unwrap()
}

/// Serves `total` connections `limit` at a time with the real marker semantics: items ordered
/// by `created_at`, the marker is the `created_at` of the last item of the previous page.
struct Pages {
    total: usize,
    markers: Arc<Mutex<Vec<Option<String>>>>,
    next_marker_on_last_page: bool,
}

fn created_at(i: usize) -> String {
    format!("2024-01-01T00:00:{i:02}.000Z")
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let limit: usize = get("limit").and_then(|l| l.parse().ok()).unwrap_or(2000);
        let marker = get("marker");
        self.markers.lock().unwrap().push(marker.clone());
        let start = marker
            .map(|m| {
                (0..self.total)
                    .position(|i| created_at(i) == m)
                    .map_or(self.total, |p| p + 1)
            })
            .unwrap_or(0);
        let items: Vec<Value> = (start..self.total.min(start + limit))
            .map(|i| json!({"id": format!("conn-{i}"), "created_at": created_at(i), "status": "ACTIVE"}))
            .collect();
        let last = start + items.len() >= self.total;
        let mut page_info = json!({"current_count": items.len()});
        if (!last || self.next_marker_on_last_page)
            && let Some(item) = items.last()
        {
            page_info["next_marker"] = item["created_at"].clone();
        }
        ResponseTemplate::new(200).set_body_json(json!({
            "vpn_connections": items, "page_info": page_info, "total_count": self.total, "request_id": "r"
        }))
    }
}

async fn paged_server(
    total: usize,
    next_marker_on_last_page: bool,
) -> (MockServer, Arc<Mutex<Vec<Option<String>>>>) {
    let server = MockServer::start().await;
    let markers = Arc::new(Mutex::new(Vec::new()));
    Mock::given(path_regex("/vpn-connection$"))
        .respond_with(Pages {
            total,
            markers: markers.clone(),
            next_marker_on_last_page,
        })
        .mount(&server)
        .await;
    (server, markers)
}

#[tokio::test]
async fn the_stream_follows_next_marker_to_the_last_page() {
    let (server, markers) = paged_server(5, false).await;
    let client = client(&server);
    let ids: Vec<String> = client
        .list_vpn_connections()
        .limit(2)
        .vgw_id("gw-1")
        .stream()
        .map_ok(|c| c.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["conn-0", "conn-1", "conn-2", "conn-3", "conn-4"]);
    // The marker of each next page is the created_at of the last item: not an id.
    assert_eq!(
        *markers.lock().unwrap(),
        vec![None, Some(created_at(1)), Some(created_at(3))]
    );
    // The filters and the limit go on every page's request.
    for request in server.received_requests().await.unwrap() {
        let query = request.url.query().unwrap();
        assert!(
            query.contains("limit=2") && query.contains("vgw_id=gw-1"),
            "{query}"
        );
    }
}

#[tokio::test]
async fn a_server_that_always_sends_a_marker_ends_on_an_empty_page() {
    let (server, markers) = paged_server(4, true).await;
    let all: Vec<_> = client(&server)
        .list_vpn_connections()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(
        markers.lock().unwrap().len(),
        3,
        "two full pages, then an empty one ends it"
    );
}

#[tokio::test]
async fn pages_are_fetched_only_as_items_are_consumed() {
    let (server, markers) = paged_server(10, false).await;
    let client = client(&server);
    let mut stream = client.list_vpn_connections().limit(3).stream();
    for _ in 0..4 {
        stream.next().await.unwrap().unwrap();
    }
    assert_eq!(
        markers.lock().unwrap().len(),
        2,
        "4 items need two pages of 3, not all four pages"
    );
}

#[tokio::test]
async fn an_error_ends_the_stream_after_yielding_it() {
    let server = MockServer::start().await;
    Mock::given(path_regex(".*"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"code": "VPN.0004", "message": "no"})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let results: Vec<_> = client.list_vpn_connections().stream().collect().await;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].as_ref().unwrap_err().http_status(), Some(404));
}

/// Answers a show with the statuses in order (the last repeats); 404 once they are used up if
/// `then_gone`.
struct Statuses {
    statuses: Vec<&'static str>,
    reads: Arc<AtomicUsize>,
    then_gone: bool,
    key: &'static str,
}

impl Respond for Statuses {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.reads.fetch_add(1, Ordering::SeqCst);
        if self.then_gone && n >= self.statuses.len() {
            return ResponseTemplate::new(404)
                .set_body_json(json!({"code": "VPN.0004", "message": "not found"}));
        }
        let status = self.statuses[n.min(self.statuses.len() - 1)];
        ResponseTemplate::new(200)
            .set_body_json(json!({self.key: {"id": "x", "status": status}, "request_id": "r"}))
    }
}

async fn status_server(
    key: &'static str,
    statuses: Vec<&'static str>,
    then_gone: bool,
) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let reads = Arc::new(AtomicUsize::new(0));
    Mock::given(path_regex(".*"))
        .respond_with(Statuses {
            statuses,
            reads: reads.clone(),
            then_gone,
            key,
        })
        .mount(&server)
        .await;
    (server, reads)
}

fn quick() -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(5),
        initial_interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(20),
    }
}

#[tokio::test]
async fn waiting_for_a_connection_to_be_provisioned() {
    let (server, reads) = status_server(
        "vpn_connection",
        vec!["PENDING_CREATE", "PENDING_CREATE", "DOWN"],
        false,
    )
    .await;
    let connection = wait::vpn_connection_provisioned(&client(&server), "x", &quick())
        .await
        .unwrap();
    assert_eq!(connection.status.unwrap().as_str(), "DOWN");
    assert_eq!(reads.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn an_error_status_fails_at_once() {
    let (server, reads) = status_server(
        "vpn_connection",
        vec!["PENDING_CREATE", "ERROR", "ACTIVE"],
        false,
    )
    .await;
    let error = wait::vpn_connection_provisioned(&client(&server), "x", &quick())
        .await
        .unwrap_err();
    assert!(
        matches!(error, WaitError::Failed { ref status, .. } if status == "ERROR"),
        "{error}"
    );
    assert_eq!(error.to_string(), "VPN connection x is in status ERROR");
    assert_eq!(reads.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_wait_times_out_with_the_last_status() {
    let (server, _) = status_server("connection_monitor", vec!["PENDING_CREATE"], false).await;
    let options = WaitOptions {
        timeout: Duration::from_millis(60),
        ..quick()
    };
    let error = wait::connection_monitor_active(&client(&server), "m", &options)
        .await
        .unwrap_err();
    assert!(
        matches!(error, WaitError::TimedOut { last_status: Some(ref s), .. } if s == "PENDING_CREATE"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with("connection monitor m did not get there within")
    );
}

#[tokio::test]
async fn waiting_until_gone_and_backing_off() {
    let (server, reads) = status_server(
        "connection_monitor",
        vec!["PENDING_DELETE", "PENDING_DELETE", "PENDING_DELETE"],
        true,
    )
    .await;
    let started = std::time::Instant::now();
    wait::connection_monitor_gone(&client(&server), "m", &quick())
        .await
        .unwrap();
    assert_eq!(reads.load(Ordering::SeqCst), 4);
    // Intervals 5, 10, 20 ms: the backoff doubles up to the cap.
    assert!(started.elapsed() >= Duration::from_millis(35));

    let (server, _) = status_server("vpn_connection", vec!["ACTIVE"], true).await;
    wait::vpn_connection_gone(&client(&server), "x", &quick())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_failed_read_ends_the_wait() {
    let server = MockServer::start().await;
    Mock::given(path_regex(".*"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"code": "VPN.0003", "message": "forbidden"})),
        )
        .mount(&server)
        .await;
    let error = wait::vpn_connection_provisioned(&client(&server), "x", &quick())
        .await
        .unwrap_err();
    match &error {
        WaitError::Call { error, .. } => assert_eq!(error.http_status(), Some(403)),
        other => panic!("{other}"),
    }
}
