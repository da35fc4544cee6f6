//! The calls the per-call benchmarks make: create-then-show of a VPN connection through the
//! generated client ([`generated`]) and written by hand with `reqwest` + `serde_json`
//! ([`HandWritten`]), parsing into the same generated response types.

use std::time::{Duration, SystemTime};

use huaweicloud_vpn::auth::AkSk;
use huaweicloud_vpn::vpn_v5::{self, types};
use huaweicloud_vpn::{ClientBuilder, RetryPolicy};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

use crate::{AK, PROJECT_ID, SK};

const PSK: &str = "bench-psk-0123456789";

/// The request as a user of the generated client writes it.
pub fn typed_request() -> types::builder::CreateVpnConnectionRequest {
    types::CreateVpnConnectionRequest::builder().vpn_connection(
        types::CreateVpnConnection::builder()
            .vgw_id("b32d91a4-demo-a8df-va86-e907174eb11d")
            .vgw_ip("0c464dad-demo-a8df-va86-c22bb0eb0bde")
            .cgw_id("5247ae10-demo-a8df-va86-dd36659a7f5d")
            .peer_subnets(vec!["192.168.44.0/24".to_string()])
            .style(types::ConnectionStyle::Static)
            .psk(PSK),
    )
}

/// The same request as a hand-written call builds it.
pub fn json_request() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "vpn_connection": {
            "vgw_id": "b32d91a4-demo-a8df-va86-e907174eb11d",
            "vgw_ip": "0c464dad-demo-a8df-va86-c22bb0eb0bde",
            "cgw_id": "5247ae10-demo-a8df-va86-dd36659a7f5d",
            "peer_subnets": ["192.168.44.0/24"],
            "style": "STATIC",
            "psk": PSK,
        }
    }))
    .expect("a JSON value serializes")
}

pub async fn generated(client: &vpn_v5::Client) -> types::VpnConnection {
    let created = client
        .create_vpn_connection()
        .body(typed_request())
        .send()
        .await
        .expect("create succeeds")
        .into_inner();
    let id = created
        .vpn_connection
        .id
        .expect("the create response has an id");
    client
        .show_vpn_connection()
        .vpn_connection_id(id.as_str())
        .send()
        .await
        .expect("show succeeds")
        .into_inner()
        .vpn_connection
}

/// A hand-written client: a `reqwest::Client`, the base URL and, for signed calls, the keys.
pub struct HandWritten {
    http: reqwest::Client,
    base: String,
    credentials: Option<AkSk>,
}

impl HandWritten {
    async fn send(&self, mut request: reqwest::Request) -> bytes::Bytes {
        let headers = request.headers_mut();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(credentials) = &self.credentials {
            huaweicloud_vpn::auth::sign(
                &mut request,
                credentials,
                Some(PROJECT_ID),
                SystemTime::now(),
            )
            .expect("the request signs");
        }
        let response = self
            .http
            .execute(request)
            .await
            .expect("the server answers");
        assert!(
            response.status().is_success(),
            "status {}",
            response.status()
        );
        response.bytes().await.expect("the body arrives")
    }

    pub async fn create_then_show(&self) -> types::VpnConnection {
        let create = self
            .http
            .post(format!("{}/vpn-connection", self.base))
            .header(CONTENT_TYPE, "application/json")
            .body(json_request())
            .build()
            .expect("the request builds");
        let created: types::VpnConnectionResponse =
            serde_json::from_slice(&self.send(create).await).expect("the create response parses");
        let id = created
            .vpn_connection
            .id
            .expect("the create response has an id");
        let show = self
            .http
            .get(format!("{}/vpn-connection/{id}", self.base))
            .build()
            .expect("the request builds");
        let shown: types::VpnConnectionResponse =
            serde_json::from_slice(&self.send(show).await).expect("the show response parses");
        shown.vpn_connection
    }
}

/// The four clients of the comparison, all pointed at the server at `url`.
pub struct Clients {
    /// The generated client with no credentials (`Client::for_project`).
    pub generated_unsigned: vpn_v5::Client,
    /// The generated client as the builder makes it: AK/SK, default retry policy and timeouts.
    pub generated_aksk: vpn_v5::Client,
    /// `reqwest` + `serde_json`, unsigned.
    pub reqwest_unsigned: HandWritten,
    /// `reqwest` + `serde_json`, signed with the crate's public signer.
    pub reqwest_aksk: HandWritten,
}

/// The hand-written side's `reqwest::Client`: the transport protections the generated client
/// has too (10 s to connect, 30 s per request), so that the comparison measures the clients'
/// own work rather than a missing timeout.
pub fn baseline_http() -> reqwest::Client {
    huaweicloud_vpn::http_client_builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a reqwest client")
}

impl Clients {
    /// Clients of the server at `url` (`http://127.0.0.1:PORT`).
    pub fn new(url: &str) -> Clients {
        let base = format!("{url}/v5/{PROJECT_ID}");
        Clients {
            generated_unsigned: vpn_v5::Client::for_project(url, PROJECT_ID).expect("a client"),
            generated_aksk: ClientBuilder::new()
                .endpoint(url)
                .project_id(PROJECT_ID)
                .aksk(AK, SK)
                .retry(RetryPolicy::default())
                .vpn_v5()
                .expect("a signed client"),
            reqwest_unsigned: HandWritten {
                http: baseline_http(),
                base: base.clone(),
                credentials: None,
            },
            reqwest_aksk: HandWritten {
                http: baseline_http(),
                base,
                credentials: Some(AkSk::new(AK, SK)),
            },
        }
    }
}
