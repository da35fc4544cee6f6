//! What happens around every call: authentication, retries, timeouts and tracing.
//!
//! The generated clients hold a [`Runtime`] and hand every request to it through progenitor's
//! `ClientHooks`: `pre` makes sure credentials are usable (an IAM token is fetched here, so a
//! failure is an error before anything is sent), and `exec` sends the request, signing or
//! authorizing each attempt afresh, and retries it as [`crate::retry`] describes.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::{ClientHooks, Error, OperationInfo, ResponseValue};
use reqwest::header::{HeaderName, HeaderValue};
use tracing::Instrument;
use tracing::field::Empty;

use crate::SecretString;
use crate::auth::{AkSk, TokenProvider};
use crate::retry::{RETRYABLE_CODES, RETRYABLE_STATUSES, RetryPolicy, Sleeper, retry_after};

/// How requests are authenticated.
pub(crate) enum Auth {
    /// Nothing added (a local test server, or a proxy that authenticates).
    None,
    /// `SDK-HMAC-SHA256` signatures with an access key and secret key.
    AkSk(AkSk),
    /// IAM tokens fetched with a password and cached.
    Password(TokenProvider),
    /// A token obtained elsewhere, sent as it is.
    Token(SecretString),
}

impl Auth {
    fn kind(&self) -> &'static str {
        match self {
            Auth::None => "none",
            Auth::AkSk(_) => "AK/SK",
            Auth::Password(_) => "IAM password token",
            Auth::Token(_) => "IAM token",
        }
    }
}

pub(crate) struct Settings {
    pub(crate) auth: Auth,
    /// Sent as `X-Project-Id` with AK/SK signatures.
    pub(crate) project_id: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    /// Each attempt's limit.
    pub(crate) attempt_timeout: Option<Duration>,
    /// The whole call's limit, retries and waits included.
    pub(crate) overall_timeout: Option<Duration>,
}

/// The state a generated client carries: credentials, retry policy and timeouts. Cheap to
/// clone (shared). Its `Debug` names the kind of credentials, never their values.
#[derive(Clone)]
pub struct Runtime(Arc<Settings>);

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("auth", &self.0.auth.kind())
            .field("project_id", &self.0.project_id)
            .field("retry", &self.0.retry)
            .field("attempt_timeout", &self.0.attempt_timeout)
            .field("overall_timeout", &self.0.overall_timeout)
            .finish()
    }
}

/// Headers whose values are credentials: marked sensitive so that no `Debug` shows them.
/// (Constants: looking a header up by `&str` parses the name on every call.)
const SENSITIVE: [HeaderName; 3] = [
    reqwest::header::AUTHORIZATION,
    HeaderName::from_static("x-auth-token"),
    HeaderName::from_static("x-security-token"),
];
const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

impl Runtime {
    pub(crate) fn new(settings: Settings) -> Self {
        Runtime(Arc::new(settings))
    }

    /// No credentials and no retries: for a local server or a proxy that authenticates.
    pub(crate) fn plain() -> Self {
        Runtime::new(Settings {
            auth: Auth::None,
            project_id: None,
            retry: RetryPolicy::none(),
            sleeper: Arc::new(crate::retry::TokioSleeper),
            attempt_timeout: None,
            overall_timeout: None,
        })
    }

    /// Before anything is sent: credentials must be usable.
    async fn prepare<E>(&self, request: &mut reqwest::Request) -> Result<(), Error<E>> {
        match &self.0.auth {
            Auth::Password(provider) => {
                provider
                    .token()
                    .await
                    .map_err(|e| Error::Custom(format!("IAM authentication failed: {e}")))?;
            }
            Auth::AkSk(credentials) => {
                // Signed here, in place, so that a request that cannot be signed (a streaming
                // body, a key that is not a header value) is an error before anything is sent.
                // The first attempt goes out with this signature; retries sign afresh.
                crate::auth::sign(
                    request,
                    credentials,
                    self.0.project_id.as_deref(),
                    SystemTime::now(),
                )
                .map_err(|e| Error::Custom(format!("cannot sign the request: {e}")))?;
            }
            Auth::None | Auth::Token(_) => {}
        }
        Ok(())
    }

    /// Adds credentials to one attempt. Returns the token used, if any (for a 401 refresh).
    /// `resend` is false for the first attempt, whose AK/SK signature `prepare` made moments
    /// ago; a later attempt is signed again (a fresh `X-Sdk-Date`).
    async fn authorize(
        &self,
        request: &mut reqwest::Request,
        resend: bool,
    ) -> Option<SecretString> {
        let used = match &self.0.auth {
            Auth::None => None,
            Auth::AkSk(_) if !resend => None,
            Auth::AkSk(credentials) => {
                if let Err(e) = crate::auth::sign(
                    request,
                    credentials,
                    self.0.project_id.as_deref(),
                    SystemTime::now(),
                ) {
                    tracing::warn!(error = %e, "request sent unsigned");
                }
                None
            }
            Auth::Password(provider) => match provider.token().await {
                Ok(token) => Some(token),
                Err(e) => {
                    tracing::warn!(error = %e, "no IAM token for this attempt");
                    None
                }
            },
            Auth::Token(token) => Some(token.clone()),
        };
        if let Some(token) = &used
            && let Ok(value) = HeaderValue::from_str(token.expose())
        {
            request.headers_mut().insert(X_AUTH_TOKEN, value);
        }
        // Without credentials there is nothing to hide (and nothing to look for).
        let sensitive: &[HeaderName] = match self.0.auth {
            Auth::None => &[],
            _ => &SENSITIVE,
        };
        for name in sensitive {
            if let Some(value) = request.headers_mut().get_mut(name) {
                value.set_sensitive(true);
            }
        }
        used
    }

    /// Sends a request with retries; see [`crate::retry`] for the policy.
    async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "vpn_call",
            operation = info.operation_id,
            method = %request.method(),
            path = %request.url().path(),
            attempt = Empty,
            status = Empty,
            request_id = Empty,
            latency_ms = Empty,
        );
        // Boxed: the retry loop's state is large, and every generated `send()` future would
        // otherwise carry it inline (and copy it around) before the first poll.
        Box::pin(self.attempts(http, request).instrument(span)).await
    }

    async fn attempts(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::Span::current();
        let started = Instant::now();
        // A create may only be repeated when it cannot have reached the server.
        let is_create = request.method() == reqwest::Method::POST;
        let policy = &self.0.retry;
        let mut attempt = 0u32;
        let mut refreshed_token = false;
        let mut resend = false;
        // Another attempt needs a copy of the request: after a retryable failure, or to
        // repeat a call whose IAM token was rejected.
        let may_repeat = policy.max_attempts > 1 || matches!(self.0.auth, Auth::Password(_));
        let mut request = Some(request);
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let original = request.take().expect("a request for every attempt");
            // Keep a copy for the next attempt, if there can be one; a streaming body gets one
            // attempt only.
            if may_repeat {
                request = original.try_clone();
            }
            let mut current = original;
            if let Some(limit) = self.attempt_limit(started) {
                *current.timeout_mut() = Some(limit);
            }
            let token = self.authorize(&mut current, resend).await;
            resend = true;
            let result = http.execute(current).await;
            let finish = |span: &tracing::Span| {
                span.record("latency_ms", started.elapsed().as_millis() as u64);
            };
            let response = match result {
                Err(error) => {
                    let retryable = if is_create {
                        error.is_connect()
                    } else {
                        error.is_connect() || error.is_timeout() || error.is_request()
                    };
                    let delay = policy.delay(attempt);
                    if retryable && request.is_some() && self.may_retry(attempt, started, delay) {
                        tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "connection failed; retrying");
                        self.0.sleeper.sleep(delay).await;
                        continue;
                    }
                    finish(&span);
                    tracing::debug!(attempt, error = %error, "call failed");
                    return Err(error);
                }
                Ok(response) => response,
            };
            let status = response.status().as_u16();
            span.record("status", status);
            if let Some(id) = response
                .headers()
                .get(X_REQUEST_ID)
                .and_then(|v| v.to_str().ok())
            {
                span.record("request_id", id);
            }
            // An IAM token the API rejects is refreshed once, and the call made again.
            if status == 401
                && !refreshed_token
                && request.is_some()
                && let (Auth::Password(provider), Some(token)) = (&self.0.auth, &token)
            {
                refreshed_token = true;
                match provider.refresh_after_rejection(token).await {
                    Ok(_) => {
                        tracing::debug!(attempt, "token rejected; refreshed once, calling again");
                        attempt -= 1; // the repeat is not a retry
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "token rejected and could not be refreshed")
                    }
                }
            }
            let (response, code) = if status == 400 {
                read_code(response).await?
            } else {
                (response, None)
            };
            let retryable = RETRYABLE_STATUSES.contains(&status)
                || code
                    .as_deref()
                    .is_some_and(|c| RETRYABLE_CODES.contains(&c));
            if retryable && !is_create && request.is_some() {
                let delay = match retry_after(response.headers(), SystemTime::now()) {
                    Some(asked) if asked > policy.max_retry_after => None,
                    Some(asked) => Some(asked),
                    None => Some(policy.delay(attempt)),
                };
                if let Some(delay) = delay
                    && self.may_retry(attempt, started, delay)
                {
                    tracing::debug!(
                        attempt,
                        status,
                        code = code.as_deref(),
                        delay_ms = delay.as_millis() as u64,
                        "retryable answer; retrying"
                    );
                    self.0.sleeper.sleep(delay).await;
                    continue;
                }
            }
            finish(&span);
            tracing::debug!(attempt, status, "call answered");
            return Ok(response);
        }
    }

    /// Whether another attempt fits the policy and the overall deadline.
    fn may_retry(&self, attempt: u32, started: Instant, delay: Duration) -> bool {
        if attempt >= self.0.retry.max_attempts {
            return false;
        }
        match self.0.overall_timeout {
            Some(limit) => started.elapsed() + delay < limit,
            None => true,
        }
    }

    /// The time one attempt may take: its own limit, within what is left of the overall one.
    fn attempt_limit(&self, started: Instant) -> Option<Duration> {
        let left = self
            .0
            .overall_timeout
            .map(|limit| limit.saturating_sub(started.elapsed()));
        match (self.0.attempt_timeout, left) {
            (Some(a), Some(l)) => Some(a.min(l)),
            (a, l) => a.or(l),
        }
    }
}

/// Decodes a success answer's JSON body: what every generated `send()` does with a documented
/// success status. Like progenitor's `ResponseValue::from_response`, except that the headers
/// are moved into the value rather than copied.
pub async fn decode<T: serde::de::DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    match serde_json::from_slice(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(e) => Err(Error::InvalidResponsePayload(body, e)),
    }
}

/// Reads a 400 answer's service code (the body is small), giving back an equivalent response.
async fn read_code(
    response: reqwest::Response,
) -> reqwest::Result<(reqwest::Response, Option<String>)> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    // The same reading of every documented error shape as the error a caller gets.
    let code = crate::ServiceError::from_parts(status.as_u16(), &headers, &body)
        .code()
        .map(str::to_string);
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok((reqwest::Response::from(rebuilt), code))
}

macro_rules! hooks {
    ($($client:ty),*) => {$(
        impl ClientHooks<Runtime> for $client {
            async fn pre<E>(&self, request: &mut reqwest::Request, _info: &OperationInfo) -> Result<(), Error<E>> {
                self.inner.prepare(request).await
            }

            async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
                self.inner.execute(&self.client, request, info).await
            }
        }
    )*};
}

#[cfg(feature = "s2c")]
hooks!(crate::vpn_v5::Client);
#[cfg(feature = "legacy")]
hooks!(crate::ipsec_v2::Client);
