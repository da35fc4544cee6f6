//! IAM password tokens: `POST {iam}/v3/auth/tokens` with a user name and password, the token
//! read from the `X-Subject-Token` header of the 201 answer, cached until shortly before its
//! `token.expires_at`.
//!
//! [`TokenProvider`] is the piece to share (behind an `Arc`) between every task that calls the
//! API: it hands out the cached token, fetches a new one when it is about to expire, and makes
//! sure that however many tasks ask at the same moment only one request goes to IAM.
//!
//! Neither the password nor a token appears in any `Debug`, `Display`, error or log line.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{DATE, HeaderMap};
use serde_json::{Value, json};

use crate::SecretString;

/// The project a token is scoped to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProjectScope {
    /// A project id (32 hexadecimal characters), sent as `{"project": {"id": ...}}`.
    Id(String),
    /// A project name such as `eu-de` or `cn-north-4`, sent as
    /// `{"project": {"name": ..., "domain": {"name": <the user's domain>}}}`: the OpenStack
    /// Keystone v3 form (a project name is only unique inside a domain), which Huawei Cloud IAM
    /// accepts as well.
    Name(String),
}

/// The credentials of an IAM user, and the project the tokens are scoped to.
///
/// `Debug` shows everything but the password.
#[derive(Clone)]
pub struct PasswordAuth {
    endpoint: String,
    user: String,
    password: SecretString,
    domain: String,
    project: ProjectScope,
}

impl PasswordAuth {
    /// `iam_endpoint` is the base URL of IAM, such as `https://iam.eu-de.otc.t-systems.com` or
    /// `https://iam.cn-north-4.myhuaweicloud.com` (a trailing `/` is ignored); `domain` is the
    /// account (domain) name the user belongs to.
    pub fn new(
        iam_endpoint: &str,
        user: impl Into<String>,
        password: impl Into<String>,
        domain: impl Into<String>,
        project: ProjectScope,
    ) -> Self {
        PasswordAuth {
            endpoint: iam_endpoint.trim_end_matches('/').to_string(),
            user: user.into(),
            password: SecretString::new(password.into()),
            domain: domain.into(),
            project,
        }
    }

    /// The URL tokens are requested from: `{iam_endpoint}/v3/auth/tokens`.
    pub fn token_url(&self) -> String {
        format!("{}/v3/auth/tokens", self.endpoint)
    }

    /// The IAM user name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The domain (account) name.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The project the tokens are scoped to.
    pub fn project(&self) -> &ProjectScope {
        &self.project
    }

    /// The request body. It holds the password in clear: build it right before sending.
    fn request_body(&self) -> Value {
        let project = match &self.project {
            ProjectScope::Id(id) => json!({ "id": id }),
            ProjectScope::Name(name) => json!({ "name": name, "domain": { "name": self.domain } }),
        };
        json!({
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": self.user,
                            "password": self.password.expose(),
                            "domain": { "name": self.domain },
                        }
                    }
                },
                "scope": { "project": project }
            }
        })
    }
}

impl fmt::Debug for PasswordAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordAuth")
            .field("endpoint", &self.endpoint)
            .field("user", &self.user)
            .field("password", &self.password) // SecretString: prints <redacted>
            .field("domain", &self.domain)
            .field("project", &self.project)
            .finish()
    }
}

/// A token request that failed.
///
/// No variant carries the password, the request body or a token; IAM's own error message is
/// kept (with any occurrence of the password replaced by `<redacted>`, in case a server echoes it).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum IamError {
    /// IAM answered with an error status (wrong password, locked user, unknown project, ...).
    /// `code`, `title` and `message` come from the body when it has the Keystone shape
    /// `{"error": {"code": 401, "title": "...", "message": "..."}}` or the API gateway shape
    /// `{"error_code": "...", "error_msg": "..."}`.
    Status {
        /// The HTTP status IAM answered with.
        status: StatusCode,
        /// The body's error code (`401`, `APIGW.0301`), if it has one.
        code: Option<String>,
        /// The body's error title (Keystone shape), if it has one.
        title: Option<String>,
        /// The body's message, the password redacted.
        message: Option<String>,
        /// The `X-Request-Id` of the answer, for support.
        request_id: Option<String>,
    },
    /// The request did not get an answer, or the answer could not be read (connection refused,
    /// TLS, timeout, ...).
    Transport(Arc<reqwest::Error>),
    /// IAM answered with a success status but without an `X-Subject-Token` header (or with one
    /// that is empty or not text).
    MissingSubjectToken {
        /// The success status IAM answered with.
        status: StatusCode,
    },
    /// IAM answered with a success status but `token.expires_at` is missing or not an RFC 3339
    /// time.
    InvalidExpiry {
        /// What was wrong with `expires_at`.
        detail: String,
    },
}

impl IamError {
    /// The HTTP status IAM answered with, when it answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            IamError::Status { status, .. } | IamError::MissingSubjectToken { status } => {
                Some(*status)
            }
            IamError::Transport(e) => e.status(),
            IamError::InvalidExpiry { .. } => None,
        }
    }

    /// Reads IAM's error body (Keystone or API gateway shape). Never fails.
    fn from_error_answer(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        password: &SecretString,
    ) -> Self {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let obj = json.as_ref().and_then(Value::as_object);
        // Codes are numbers in Keystone (`401`) and strings at Huawei (`"APIGW.0301"`, `"1101"`).
        let text = |v: Option<&Value>| match v {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let keystone = obj.and_then(|o| o.get("error")).and_then(Value::as_object);
        let code = keystone
            .and_then(|e| text(e.get("code")))
            .or_else(|| obj.and_then(|o| text(o.get("error_code"))));
        let title = keystone.and_then(|e| text(e.get("title")));
        let message = keystone
            .and_then(|e| text(e.get("message")))
            .or_else(|| obj.and_then(|o| text(o.get("error_msg"))));
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| obj.and_then(|o| text(o.get("request_id"))));
        let clean = |s: Option<String>| s.map(|s| scrub(&s, password));
        IamError::Status {
            status,
            code: clean(code),
            title: clean(title),
            message: clean(message),
            request_id: clean(request_id),
        }
    }
}

impl fmt::Display for IamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IamError::Status {
                status,
                code,
                title,
                message,
                request_id,
            } => {
                write!(f, "IAM refused the token request with HTTP {status}")?;
                if let Some(code) = code {
                    write!(f, ", error code {code}")?;
                }
                if let Some(title) = title {
                    write!(f, " ({title})")?;
                }
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                if let Some(id) = request_id {
                    write!(f, " [request id {id}]")?;
                }
                Ok(())
            }
            IamError::Transport(e) => write!(f, "IAM token request failed: {e}"),
            IamError::MissingSubjectToken { status } => write!(
                f,
                "IAM answered HTTP {status} without a usable X-Subject-Token header"
            ),
            IamError::InvalidExpiry { detail } => {
                write!(
                    f,
                    "IAM answered a token without a readable expiry: {detail}"
                )
            }
        }
    }
}

impl std::error::Error for IamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IamError::Transport(e) => Some(&**e),
            _ => None,
        }
    }
}

/// Replaces every occurrence of the password by `<redacted>` and bounds the length of text
/// taken from a server's answer.
fn scrub(text: &str, password: &SecretString) -> String {
    const MAX_CHARS: usize = 512;
    let text = if password.is_empty() {
        text.to_string()
    } else {
        text.replace(password.expose(), "<redacted>")
    };
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// Parses `token.expires_at`: RFC 3339 in UTC (`2026-11-23T03:00:00.123000Z`, any number of
/// fractional digits), also accepting an explicit `±HH:MM` offset.
fn parse_expires_at(value: &str) -> Result<SystemTime, String> {
    let value = value.trim();
    let shown = || {
        let mut s: String = value.chars().take(64).collect();
        if value.chars().count() > 64 {
            s.push_str("...");
        }
        s
    };
    // humantime reads UTC only (`Z`, `+00:00` or nothing); apply any other offset ourselves.
    let split = value
        .len()
        .checked_sub(6)
        .filter(|&i| value.is_char_boundary(i))
        .map(|i| value.split_at(i));
    let (utc_part, offset_secs) = match split {
        Some((head, tail))
            if head.len() >= 19
                && matches!(tail.as_bytes(), [b'+' | b'-', h1, h2, b':', m1, m2]
                    if [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit())) =>
        {
            let b = tail.as_bytes();
            let hours = i64::from(b[1] - b'0') * 10 + i64::from(b[2] - b'0');
            let minutes = i64::from(b[4] - b'0') * 10 + i64::from(b[5] - b'0');
            let sign = if b[0] == b'-' { -1 } else { 1 };
            (head, sign * (hours * 3600 + minutes * 60))
        }
        _ => (value, 0),
    };
    if utc_part.len() < "2026-11-23T03:00:00".len() || utc_part.as_bytes().get(10) != Some(&b'T') {
        return Err(format!(
            "`token.expires_at` {:?} is not an RFC 3339 time",
            shown()
        ));
    }
    let local = humantime::parse_rfc3339_weak(utc_part).map_err(|e| {
        format!(
            "`token.expires_at` {:?} is not an RFC 3339 time ({e})",
            shown()
        )
    })?;
    // A local time at +02:00 is two hours ahead of UTC: subtract the offset.
    let shift = Duration::from_secs(offset_secs.unsigned_abs());
    let utc = if offset_secs >= 0 {
        local.checked_sub(shift)
    } else {
        local.checked_add(shift)
    };
    utc.ok_or_else(|| format!("`token.expires_at` {:?} is out of range", shown()))
}

/// Reads `token.expires_at` from a 201 body.
fn expires_at_from_body(body: &[u8]) -> Result<SystemTime, IamError> {
    let invalid = |detail: String| IamError::InvalidExpiry { detail };
    let json: Value = serde_json::from_slice(body)
        .map_err(|_| invalid("the answer's body is not JSON".to_string()))?;
    let raw = json
        .get("token")
        .and_then(|t| t.get("expires_at"))
        .ok_or_else(|| invalid("the answer has no `token.expires_at`".to_string()))?;
    let raw = raw
        .as_str()
        .ok_or_else(|| invalid("`token.expires_at` is not a string".to_string()))?;
    parse_expires_at(raw).map_err(invalid)
}

/// A token and when it stops being valid.
struct Cached {
    token: SecretString,
    /// The expiry IAM stated (its own clock).
    expires_at: SystemTime,
    /// The same moment on this machine's monotonic clock (see [`TokenProvider::fetch`]).
    valid_until: Instant,
}

impl Cached {
    /// Whether the token has more than `margin` left.
    fn fresh(&self, now: Instant, margin: Duration) -> bool {
        now.checked_add(margin)
            .is_some_and(|limit| limit < self.valid_until)
    }

    /// Whether the token has not expired yet (it may be inside the refresh margin).
    fn alive(&self, now: Instant) -> bool {
        now < self.valid_until
    }
}

/// The state only the task holding the single-flight lock touches.
#[derive(Default)]
struct Flight {
    /// The error of the last fetch, if it failed.
    last_error: Option<IamError>,
}

/// Fetches IAM tokens with a [`PasswordAuth`], caches them, and refreshes them shortly before
/// they expire. Share one (in an `Arc`) between all the tasks that call the API.
///
/// - [`token`](Self::token) returns the cached token while more than the refresh margin is
///   left, and otherwise fetches a new one.
/// - [`refresh_after_rejection`](Self::refresh_after_rejection) is for an API call that was
///   answered 401: the token it carried is dropped and a new one fetched (unless another task
///   already did).
///
/// However many tasks call these at the same moment, one request at a time goes to IAM, and the
/// tasks that waited for it share its result (the new token, or its error).
///
/// `Debug` shows the endpoint, user and cached expiry, never the password or the token.
pub struct TokenProvider {
    /// Boxed: the provider is a small value to embed (an enum variant, a field), and it is
    /// not moved once in use anyway.
    inner: Box<Inner>,
}

struct Inner {
    auth: PasswordAuth,
    http: reqwest::Client,
    refresh_margin: Duration,
    request_timeout: Duration,
    /// The current token. A plain mutex, never held across an `.await`: reading the cache does
    /// not wait for a fetch in progress.
    cache: Mutex<Option<Cached>>,
    /// Held for the whole of a fetch: the single flight. Tokio's mutex is fair (first come,
    /// first served), so every waiter gets its turn and then re-checks the cache.
    flight: tokio::sync::Mutex<Flight>,
    /// How many fetches have finished (successfully or not). Only changed while `flight` is
    /// held; read before queueing for `flight` to tell, once it is acquired, whether a fetch
    /// finished in the meantime (and then use its result instead of making another request).
    fetches: AtomicU64,
}

impl TokenProvider {
    /// The default refresh margin: a token is replaced once less than 5 minutes are left.
    ///
    /// A token handed out must outlive the request it is put on, including the retries and
    /// back-off of a throttled call and the polling of a long operation, and it must survive a
    /// few minutes of difference between this machine's clock and IAM's. IAM's documentation
    /// warns that a token about to expire makes calls fail. Against a 24-hour lifetime, 5
    /// minutes costs nothing (still one fetch a day) and covers all of that.
    pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

    /// The default time limit of one request to IAM. Tasks queue behind a fetch in progress, so
    /// it must not hang for ever.
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

    /// A provider that fetches tokens with `auth`, sending its requests with `http`.
    pub fn new(auth: PasswordAuth, http: reqwest::Client) -> Self {
        TokenProvider {
            inner: Box::new(Inner {
                auth,
                http,
                refresh_margin: Self::DEFAULT_REFRESH_MARGIN,
                request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
                cache: Mutex::new(None),
                flight: tokio::sync::Mutex::new(Flight::default()),
                fetches: AtomicU64::new(0),
            }),
        }
    }

    /// Replaces a token once less than `margin` of its lifetime is left (default
    /// [`DEFAULT_REFRESH_MARGIN`](Self::DEFAULT_REFRESH_MARGIN)). A margin longer than the
    /// tokens' lifetime makes every call fetch a new token.
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.inner.refresh_margin = margin;
        self
    }

    /// The time limit of one request to IAM (default
    /// [`DEFAULT_REQUEST_TIMEOUT`](Self::DEFAULT_REQUEST_TIMEOUT)).
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.inner.request_timeout = timeout;
        self
    }

    /// The credentials this provider uses.
    pub fn auth(&self) -> &PasswordAuth {
        &self.inner.auth
    }

    /// The refresh margin.
    pub fn refresh_margin(&self) -> Duration {
        self.inner.refresh_margin
    }

    /// The expiry IAM stated for the cached token, if one is cached.
    pub fn cached_expiry(&self) -> Option<SystemTime> {
        self.lock_cache().as_ref().map(|c| c.expires_at)
    }

    /// A valid token: the cached one while more than the refresh margin is left, otherwise a
    /// new one from IAM.
    ///
    /// If the refresh fails while the cached token has not expired yet (it is only inside the
    /// margin), that token is returned and the next call tries again.
    pub async fn token(&self) -> Result<SecretString, IamError> {
        if let Some(token) = self.fresh_cached(None) {
            return Ok(token);
        }
        self.fetch_single_flight(None).await
    }

    /// A new token, for a call the API answered 401 while carrying `rejected`.
    ///
    /// If the cache still holds `rejected`, it is dropped and a new token fetched; if it holds
    /// another token (another task already replaced it), that one is returned without a
    /// request. Concurrent rejections of the same token cause one fetch.
    pub async fn refresh_after_rejection(
        &self,
        rejected: &SecretString,
    ) -> Result<SecretString, IamError> {
        if let Some(token) = self.fresh_cached(Some(rejected)) {
            return Ok(token);
        }
        self.fetch_single_flight(Some(rejected)).await
    }

    fn lock_cache(&self) -> MutexGuard<'_, Option<Cached>> {
        // Nothing can panic while the lock is held; if it ever did, the cache is still coherent.
        self.inner
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached token, if more than the margin is left and it is not `rejected`.
    fn fresh_cached(&self, rejected: Option<&SecretString>) -> Option<SecretString> {
        let cache = self.lock_cache();
        let cached = cache.as_ref()?;
        (cached.fresh(Instant::now(), self.inner.refresh_margin) && Some(&cached.token) != rejected)
            .then(|| cached.token.clone())
    }

    /// Fetches a token, one task at a time; a task that waited while another fetched takes that
    /// fetch's result.
    async fn fetch_single_flight(
        &self,
        rejected: Option<&SecretString>,
    ) -> Result<SecretString, IamError> {
        let seen = self.inner.fetches.load(Ordering::Acquire);
        let mut flight = self.inner.flight.lock().await;
        let fetched_while_waiting = self.inner.fetches.load(Ordering::Acquire) != seen;
        {
            let mut cache = self.lock_cache();
            if let Some(rejected) = rejected
                && cache.as_ref().is_some_and(|c| c.token == *rejected)
            {
                tracing::debug!("dropping the IAM token the API rejected");
                *cache = None;
            }
            if let Some(cached) = cache.as_ref() {
                let now = Instant::now();
                // Fresh: someone refreshed it while we waited (or it was never stale for us).
                // Merely alive right after a fetch finished: either that fetch's token (which
                // has a shorter lifetime than the margin) or the old token kept because that
                // fetch failed; either way, what the task that fetched got too.
                if cached.fresh(now, self.inner.refresh_margin)
                    || (fetched_while_waiting && cached.alive(now))
                {
                    return Ok(cached.token.clone());
                }
            }
        }
        if fetched_while_waiting && let Some(error) = &flight.last_error {
            return Err(error.clone());
        }

        let outcome = self.fetch().await;
        // Counted before the cache is written: a task that sees the new token and then comes
        // back with it rejected has loaded the new count, so it does not take this fetch's
        // result for its own.
        self.inner.fetches.fetch_add(1, Ordering::AcqRel);
        match outcome {
            Ok(new) => {
                flight.last_error = None;
                let token = new.token.clone();
                *self.lock_cache() = Some(new);
                Ok(token)
            }
            Err(error) => {
                flight.last_error = Some(error.clone());
                let cache = self.lock_cache();
                match cache.as_ref() {
                    Some(old) if old.alive(Instant::now()) => {
                        tracing::warn!(
                            error = %error,
                            "refreshing the IAM token failed; using the current one until it expires"
                        );
                        Ok(old.token.clone())
                    }
                    _ => Err(error),
                }
            }
        }
    }

    /// One request to IAM.
    async fn fetch(&self) -> Result<Cached, IamError> {
        let url = self.inner.auth.token_url();
        tracing::debug!(url = %url, user = %self.inner.auth.user, "fetching IAM token");
        let sent = Instant::now();
        let response = self
            .inner
            .http
            .post(&url)
            .timeout(self.inner.request_timeout)
            .json(&self.inner.auth.request_body())
            .send()
            .await
            .map_err(|e| IamError::Transport(Arc::new(e)))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| IamError::Transport(Arc::new(e)))?;
        if !status.is_success() {
            let error =
                IamError::from_error_answer(status, &headers, &body, &self.inner.auth.password);
            tracing::debug!(%status, "IAM refused the token request");
            return Err(error);
        }
        let token = headers
            .get("x-subject-token")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(SecretString::new)
            .ok_or(IamError::MissingSubjectToken { status })?;
        let expires_at = expires_at_from_body(&body)?;

        // `expires_at` is on IAM's clock. When the answer has a `Date` header (also IAM's
        // clock), the lifetime is the difference of the two and does not depend on this
        // machine's clock being right; otherwise it is measured against the local clock. The
        // lifetime is counted from when the request was sent, on the monotonic clock, so that
        // the token is never believed to live longer than it does.
        let server_now = headers
            .get(DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .unwrap_or_else(SystemTime::now);
        let lifetime = expires_at
            .duration_since(server_now)
            .unwrap_or(Duration::ZERO)
            .min(Duration::from_secs(10 * 365 * 24 * 3600));
        let valid_until = sent.checked_add(lifetime).unwrap_or(sent);
        tracing::debug!(
            "IAM token cached until {} ({}s left)",
            humantime::format_rfc3339_millis(expires_at),
            lifetime.as_secs()
        );
        Ok(Cached {
            token,
            expires_at,
            valid_until,
        })
    }
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expiry = self
            .cached_expiry()
            .map(|t| humantime::format_rfc3339_millis(t).to_string());
        f.debug_struct("TokenProvider")
            .field("auth", &self.inner.auth)
            .field("refresh_margin", &self.inner.refresh_margin)
            .field("request_timeout", &self.inner.request_timeout)
            .field("cached_token_expires_at", &expiry)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> SystemTime {
        humantime::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn expires_at_with_microseconds() {
        let t = parse_expires_at("2026-11-23T03:00:00.123000Z").unwrap();
        assert_eq!(
            t.duration_since(at("2026-11-23T03:00:00Z")).unwrap(),
            Duration::from_millis(123)
        );
    }

    #[test]
    fn expires_at_forms() {
        let base = at("2026-11-23T03:00:00Z");
        assert_eq!(parse_expires_at("2026-11-23T03:00:00Z").unwrap(), base);
        assert_eq!(
            parse_expires_at("2026-11-23T03:00:00.000000Z").unwrap(),
            base
        );
        assert_eq!(parse_expires_at("2026-11-23T03:00:00+00:00").unwrap(), base);
        assert_eq!(parse_expires_at("2026-11-23T05:00:00+02:00").unwrap(), base);
        assert_eq!(parse_expires_at("2026-11-22T22:30:00-04:30").unwrap(), base);
        assert_eq!(
            parse_expires_at("2026-11-23T08:00:00.5+05:00").unwrap(),
            base + Duration::from_millis(500)
        );
    }

    #[test]
    fn expires_at_garbage() {
        for bad in [
            "",
            "tomorrow",
            "2026-11-23",
            "2026-13-23T03:00:00Z",
            "2026-11-23 03:00:00Z+02:00",
            "2026-11-23T03:00:00+2:00",
            "1700000000",
        ] {
            let err = parse_expires_at(bad).unwrap_err();
            assert!(err.contains("expires_at"), "{bad:?}: {err}");
        }
        // Non-ASCII input must not panic on a char boundary.
        assert!(parse_expires_at("2026-11-23T03:00:00ééé").is_err());
        assert!(parse_expires_at("éééééééééééééééééééééééé").is_err());
    }

    #[test]
    fn expiry_read_from_body() {
        let body =
            br#"{"token": {"expires_at": "2026-11-23T03:00:00.123000Z", "methods": ["password"]}}"#;
        assert_eq!(
            expires_at_from_body(body).unwrap(),
            at("2026-11-23T03:00:00.123Z")
        );
        for body in [
            &b"not json"[..],
            br#"{"token": {}}"#,
            br#"{"token": {"expires_at": 5}}"#,
        ] {
            let err = expires_at_from_body(body).unwrap_err();
            assert!(matches!(err, IamError::InvalidExpiry { .. }), "{err:?}");
        }
    }

    #[test]
    fn body_by_id_and_by_name() {
        let by_id = PasswordAuth::new(
            "https://iam.example/",
            "alice",
            "pw",
            "acme",
            ProjectScope::Id("0605767f6b00d5b62f36c0153ddd0b1c".into()),
        );
        assert_eq!(by_id.token_url(), "https://iam.example/v3/auth/tokens");
        assert_eq!(
            by_id.request_body()["auth"]["scope"],
            json!({"project": {"id": "0605767f6b00d5b62f36c0153ddd0b1c"}})
        );
        let by_name = PasswordAuth::new(
            "https://iam.example",
            "alice",
            "pw",
            "acme",
            ProjectScope::Name("eu-de".into()),
        );
        assert_eq!(
            by_name.request_body()["auth"]["scope"],
            json!({"project": {"name": "eu-de", "domain": {"name": "acme"}}})
        );
    }

    #[test]
    fn error_shapes() {
        let pw = SecretString::new("s3cr3t-pw");
        let headers = HeaderMap::new();
        let keystone = br#"{"error": {"code": 401, "title": "Unauthorized", "message": "bad password s3cr3t-pw"}}"#;
        let e = IamError::from_error_answer(StatusCode::UNAUTHORIZED, &headers, keystone, &pw);
        let shown = e.to_string();
        assert_eq!(
            shown,
            "IAM refused the token request with HTTP 401 Unauthorized, error code 401 \
             (Unauthorized): bad password <redacted>"
        );
        let apigw = br#"{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information", "request_id": "r-1"}"#;
        let e = IamError::from_error_answer(StatusCode::UNAUTHORIZED, &headers, apigw, &pw);
        assert_eq!(
            e.to_string(),
            "IAM refused the token request with HTTP 401 Unauthorized, error code APIGW.0301: \
             Incorrect IAM authentication information [request id r-1]"
        );
        let html = b"<html>bad gateway s3cr3t-pw</html>";
        let e = IamError::from_error_answer(StatusCode::BAD_GATEWAY, &headers, html, &pw);
        assert_eq!(
            e.to_string(),
            "IAM refused the token request with HTTP 502 Bad Gateway"
        );
        assert_eq!(e.status(), Some(StatusCode::BAD_GATEWAY));
    }

    #[test]
    fn scrub_bounds_length_on_char_boundaries() {
        let pw = SecretString::new("x");
        let long = "é".repeat(600);
        let s = scrub(&long, &pw);
        assert_eq!(s.chars().count(), 512 + 3);
        assert_eq!(scrub("axb", &pw), "a<redacted>b");
        assert_eq!(scrub("axb", &SecretString::new("")), "axb");
    }

    #[test]
    fn provider_is_a_small_value() {
        // It is embedded in enums (the client's authentication mode): keep it pointer-sized.
        assert_eq!(
            std::mem::size_of::<TokenProvider>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn freshness() {
        let now = Instant::now();
        let cached = Cached {
            token: SecretString::new("t"),
            expires_at: SystemTime::now(),
            valid_until: now + Duration::from_secs(600),
        };
        assert!(cached.fresh(now, Duration::from_secs(300)));
        assert!(!cached.fresh(now, Duration::from_secs(600)));
        assert!(cached.alive(now + Duration::from_secs(599)));
        assert!(!cached.alive(now + Duration::from_secs(600)));
        assert!(!cached.fresh(now, Duration::MAX));
    }
}
