//! A loopback IAM stand-in (`POST /v3/auth/tokens` on wiremock) that counts its requests.
//!
//! It answers each request with a new, distinct token in `X-Subject-Token` and an
//! `expires_at` a configurable number of seconds from now, or, when told to fail, a Keystone
//! error body.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU16, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const USER: &str = "vpn-operator";
pub const PASSWORD: &str = "Pa55-w0rd-never-shown";
pub const DOMAIN: &str = "acme-domain";
pub const PROJECT_ID: &str = "0605767f6b00d5b62f36c0153ddd0b1c";
/// Every token the stand-in hands out starts with this, so a test can look for any of them.
pub const TOKEN_PREFIX: &str = "MIIZ-test-token-";

/// Answers `POST /v3/auth/tokens`: 201, a fresh token per request, `expires_at` = now +
/// `lifetime_secs`. With `fail_status` set, it answers that status with a Keystone error body
/// instead.
#[derive(Clone)]
pub struct IamStandIn {
    requests: Arc<AtomicUsize>,
    lifetime_secs: Arc<AtomicI64>,
    fail_status: Arc<AtomicU16>,
    delay: Duration,
}

impl IamStandIn {
    pub fn new(lifetime_secs: i64) -> Self {
        IamStandIn {
            requests: Arc::new(AtomicUsize::new(0)),
            lifetime_secs: Arc::new(AtomicI64::new(lifetime_secs)),
            fail_status: Arc::new(AtomicU16::new(0)),
            delay: Duration::ZERO,
        }
    }

    /// Each answer takes `delay`: concurrent callers pile up behind the first request.
    pub fn slow(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    pub fn set_lifetime(&self, secs: i64) {
        self.lifetime_secs.store(secs, Ordering::SeqCst);
    }

    pub fn fail_with(&self, status: u16) {
        self.fail_status.store(status, Ordering::SeqCst);
    }

    pub async fn start(&self) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v3/auth/tokens"))
            .respond_with(self.clone())
            .mount(&server)
            .await;
        server
    }
}

/// `expires_at` as IAM writes it (`2026-11-23T03:00:00.123000Z`), `secs` from now.
pub fn rfc3339_in(secs: i64) -> String {
    let now = SystemTime::now();
    let at = if secs >= 0 {
        now + Duration::from_secs(secs.unsigned_abs())
    } else {
        now - Duration::from_secs(secs.unsigned_abs())
    };
    // Microseconds and `Z`, as IAM writes it.
    format!("{}000Z", utc_timestamp(at))
}

/// `YYYY-MM-DDTHH:MM:SS.mmm` (UTC).
pub fn utc_timestamp(t: SystemTime) -> String {
    let text = humantime::format_rfc3339_millis(t).to_string();
    text.trim_end_matches('Z').to_string()
}

impl Respond for IamStandIn {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let n = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
        let fail = self.fail_status.load(Ordering::SeqCst);
        let answer = if fail != 0 {
            ResponseTemplate::new(fail).set_body_json(json!({
                "error": {"code": fail, "title": "Unauthorized",
                          "message": "The request you have made requires authentication."}
            }))
        } else {
            let expires_at = rfc3339_in(self.lifetime_secs.load(Ordering::SeqCst));
            ResponseTemplate::new(201)
                .insert_header("X-Subject-Token", format!("{TOKEN_PREFIX}{n:04}").as_str())
                .set_body_json(json!({
                    "token": {
                        "expires_at": expires_at,
                        "issued_at": rfc3339_in(0),
                        "methods": ["password"],
                        "project": {"id": PROJECT_ID, "name": "eu-de"},
                        "user": {"name": USER, "domain": {"name": DOMAIN}}
                    }
                }))
        };
        answer.set_delay(self.delay)
    }
}
