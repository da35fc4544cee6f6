//! Response parsing of the API's largest page (2,000 VPN connections) and the cost of one
//! AK/SK signature.
//!
//! `list_2000`:
//! - `client_decode`: the generated client's own decoding step (`runtime::decode`, exactly
//!   what every generated `send()` runs on a 200) on an in-memory response;
//! - `serde_json_same_structs`: plain `serde_json::from_slice` into the same generated type;
//! - `serde_json_plain_structs`: `serde_json::from_slice` into hand-written structs with the
//!   same fields and every enum a `String` (what a hand-written client would declare);
//! - `serde_json_value`: into `serde_json::Value`, for scale;
//! - `generated_call` and `reqwest_call`: the whole list call against the loopback server,
//!   through the generated client and by hand.
//!
//! `signing`: `sign_create_request`, one signature of a create request (a JSON body).

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use huaweicloud_vpn::auth::AkSk;
use huaweicloud_vpn::vpn_v5::{self, types};
use serde::Deserialize;
use vpn_bench::{AK, LIST_ITEMS, PROJECT_ID, SK, Server, list_page};

/// The list response as a hand-written client would declare it: the same fields, plain
/// strings for the enums, unknown fields ignored.
mod plain {
    use super::Deserialize;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct List {
        pub vpn_connections: Option<Vec<Connection>>,
        pub page_info: Option<PageInfo>,
        pub total_count: Option<i64>,
        pub request_id: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct PageInfo {
        pub next_marker: Option<String>,
        pub current_count: Option<i64>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct Connection {
        pub id: Option<String>,
        pub name: Option<String>,
        pub status: Option<String>,
        pub vgw_id: Option<String>,
        pub vgw_ip: Option<String>,
        pub style: Option<String>,
        pub cgw_id: Option<String>,
        pub peer_subnets: Option<Vec<String>>,
        pub peer_subnets_v6: Option<Vec<String>>,
        pub tunnel_local_address: Option<String>,
        pub tunnel_peer_address: Option<String>,
        pub enable_nqa: Option<bool>,
        pub enable_hub: Option<bool>,
        pub enable_health_check: Option<bool>,
        pub ha_role: Option<String>,
        pub connection_monitor_id: Option<String>,
        pub policy_rules: Option<Vec<PolicyRule>>,
        pub policy_rules_v6: Option<Vec<PolicyRule>>,
        pub ikepolicy: Option<IkePolicy>,
        pub ipsecpolicy: Option<IpsecPolicy>,
        pub bgp_peer: Option<BgpPeer>,
        pub tags: Option<Vec<Tag>>,
        pub created_at: Option<String>,
        pub updated_at: Option<String>,
        pub enterprise_project_id: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct PolicyRule {
        pub rule_index: Option<i64>,
        pub source: Option<String>,
        pub destination: Option<Vec<String>>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct IkePolicy {
        pub ike_version: Option<String>,
        pub phase1_negotiation_mode: Option<String>,
        pub authentication_algorithm: Option<String>,
        pub encryption_algorithm: Option<String>,
        pub dh_group: Option<String>,
        pub authentication_method: Option<String>,
        pub lifetime_seconds: Option<i64>,
        pub local_id_type: Option<String>,
        pub local_id: Option<String>,
        pub peer_id_type: Option<String>,
        pub peer_id: Option<String>,
        pub dpd: Option<Dpd>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct Dpd {
        pub timeout: Option<i64>,
        pub interval: Option<i64>,
        pub msg: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct IpsecPolicy {
        pub authentication_algorithm: Option<String>,
        pub encryption_algorithm: Option<String>,
        pub pfs: Option<String>,
        pub transform_protocol: Option<String>,
        pub lifetime_seconds: Option<i64>,
        pub encapsulation_mode: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct BgpPeer {
        pub peer_ip_address: Option<String>,
        pub peer_asn: Option<i64>,
        pub state: Option<String>,
        pub state_duration: Option<String>,
        pub num_message_received: Option<i64>,
        pub num_message_sent: Option<i64>,
        pub num_received_routes: Option<i64>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct Tag {
        pub key: String,
        pub value: String,
    }
}

/// A `reqwest::Response` holding `body`, as the server would have sent it.
fn response(body: bytes::Bytes) -> reqwest::Response {
    let mut response = http::Response::new(body);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    reqwest::Response::from(response)
}

fn count(list: &types::ListVpnConnectionsResponse) -> usize {
    list.vpn_connections.as_ref().map_or(0, Vec::len)
}

fn list_2000(c: &mut Criterion) {
    let page = bytes::Bytes::from(list_page(LIST_ITEMS));
    // The page must be what the benchmark claims, or the numbers mean nothing.
    let parsed: types::ListVpnConnectionsResponse =
        serde_json::from_slice(&page).expect("the page parses");
    assert_eq!(count(&parsed), LIST_ITEMS);

    let decoder = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let mut group = c.benchmark_group("list_2000");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("client_decode", |b| {
        b.iter_batched(
            || response(page.clone()),
            |response| {
                let value = decoder
                    .block_on(huaweicloud_vpn::__decode_response::<
                        types::ListVpnConnectionsResponse,
                        (),
                    >(response))
                    .expect("the page decodes");
                black_box(count(&value))
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("serde_json_same_structs", |b| {
        b.iter(|| {
            let list: types::ListVpnConnectionsResponse =
                serde_json::from_slice(black_box(&page)).expect("the page parses");
            black_box(count(&list))
        })
    });
    group.bench_function("serde_json_plain_structs", |b| {
        b.iter(|| {
            let list: plain::List =
                serde_json::from_slice(black_box(&page)).expect("the page parses");
            black_box(list.vpn_connections.map_or(0, |v| v.len()))
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            let list: serde_json::Value =
                serde_json::from_slice(black_box(&page)).expect("the page parses");
            black_box(list["vpn_connections"].as_array().map_or(0, Vec::len))
        })
    });

    let server = Server::start().expect("the loopback server starts");
    let url = server.url();
    let runtime = vpn_bench::client_runtime().expect("a runtime");
    let client = vpn_v5::Client::for_project(&url, PROJECT_ID).expect("a client");
    let http = huaweicloud_vpn::http_client_builder().build().unwrap();
    let list_url = format!("{url}/v5/{PROJECT_ID}/vpn-connection?limit={LIST_ITEMS}");
    group.bench_function("generated_call", |b| {
        b.to_async(&runtime).iter(|| async {
            let list = client
                .list_vpn_connections()
                .limit(LIST_ITEMS as u32)
                .send()
                .await
                .expect("the list call succeeds");
            black_box(count(&list))
        })
    });
    group.bench_function("reqwest_call", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = http
                .get(&list_url)
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .expect("the server answers");
            assert!(response.status().is_success());
            let bytes = response.bytes().await.expect("the body arrives");
            let list: types::ListVpnConnectionsResponse =
                serde_json::from_slice(&bytes).expect("the page parses");
            black_box(count(&list))
        })
    });
    group.finish();
    drop(server);
}

fn signing(c: &mut Criterion) {
    let credentials = AkSk::new(AK, SK);
    let http = huaweicloud_vpn::http_client_builder().build().unwrap();
    let body = serde_json::to_vec(&serde_json::json!({
        "vpn_connection": {
            "vgw_id": "b32d91a4-demo-a8df-va86-e907174eb11d",
            "vgw_ip": "0c464dad-demo-a8df-va86-c22bb0eb0bde",
            "cgw_id": "5247ae10-demo-a8df-va86-dd36659a7f5d",
            "peer_subnets": ["192.168.44.0/24"],
            "psk": "bench-psk-0123456789",
        }
    }))
    .expect("a JSON value serializes");
    let request = http
        .post(format!(
            "https://vpn.eu-de.otc.t-systems.com/v5/{PROJECT_ID}/vpn-connection"
        ))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .build()
        .expect("the request builds");
    let now = SystemTime::now();
    let mut group = c.benchmark_group("signing");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign_create_request", |b| {
        b.iter_batched_ref(
            || request.try_clone().expect("a byte body clones"),
            |request| {
                huaweicloud_vpn::auth::sign(request, &credentials, Some(PROJECT_ID), now)
                    .expect("the request signs")
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, list_2000, signing);
criterion_main!(benches);
