//! What happens around every call: authentication, retries, timeouts and tracing.
//!
//! The generated clients hold a [`Runtime`] and hand every request to it through
//! [`ClientHooks`](crate::call::ClientHooks): `pre` makes sure credentials are usable (an IAM
//! token is fetched here, so a failure is an error before anything is sent), and `exec` sends
//! the request, signing or authorizing each attempt afresh, and retries it as [`crate::retry`]
//! describes.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::call::{ClientHooks, OperationInfo};
use crate::{Error, ResponseValue};
use reqwest::header::{HeaderName, HeaderValue};
use tracing::Instrument;
use tracing::field::Empty;

use crate::SecretString;
use crate::auth::{AkSk, TokenProvider};
use crate::budget::{RetryBudget, RetryReason};
use crate::idempotency::{self, Recoverable};
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
    /// The retry token bucket, shared by the clients of one `ClientBuilder` (`None`: no limit
    /// beyond the policy's attempts).
    pub(crate) budget: Option<Arc<RetryBudget>>,
    /// Whether creates of tagged resources get an idempotency tag added (see
    /// [`crate::idempotency`]).
    pub(crate) idempotent_creates: bool,
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
            .field("budget", &self.0.budget)
            .field("idempotent_creates", &self.0.idempotent_creates)
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
            budget: None,
            idempotent_creates: false,
        })
    }

    /// The retry budget the client draws from, if it has one (see [`crate::budget`]).
    pub fn retry_budget(&self) -> Option<&Arc<RetryBudget>> {
        self.0.budget.as_ref()
    }

    /// Before anything is sent: the idempotency tag of a create, if the client adds them;
    /// credentials must be usable.
    async fn prepare<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
        module: &str,
    ) -> Result<(), Error<E>> {
        if self.0.idempotent_creates
            && request.method() == reqwest::Method::POST
            && let Some(recoverable) = idempotency::recoverable_call(module, info.operation_id)
        {
            tag_create(request, &recoverable);
        }
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
        module: &str,
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
            retries_refused = Empty,
            retry_tokens = Empty,
            recovered = Empty,
        );
        // A create that carries an idempotency tag can be recovered after an ambiguous failure.
        let recovery = if request.method() == reqwest::Method::POST {
            idempotency::recoverable_call(module, info.operation_id).and_then(|r| {
                let body = request.body()?.as_bytes()?;
                let value: serde_json::Value = serde_json::from_slice(body).ok()?;
                Some((r, idempotency::token_in(&value, r.wrapper)?))
            })
        } else {
            None
        };
        // Boxed: the retry loop's state is large, and every generated `send()` future would
        // otherwise carry it inline (and copy it around) before the first poll.
        Box::pin(self.attempts(http, request, recovery).instrument(span)).await
    }

    async fn attempts(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        recovery: Option<(Recoverable, String)>,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::Span::current();
        let started = Instant::now();
        // A create may only be repeated when it cannot have reached the server, unless it
        // carries an idempotency tag (then it is looked up first).
        let is_create = request.method() == reqwest::Method::POST;
        let plain_create = is_create && recovery.is_none();
        let collection = request.url().clone();
        let policy = &self.0.retry;
        let mut attempt = 0u32;
        let mut refreshed_token = false;
        let mut resend = false;
        // The cost of the retry under way, given back if it succeeds.
        let mut held: Option<u32> = None;
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
            let response = match result {
                Err(error) => {
                    // A refused connection never reached the server; anything else may have.
                    if !error.is_connect()
                        && let Some((recoverable, tag)) = &recovery
                    {
                        match self
                            .find_created(http, &collection, recoverable, tag, started)
                            .await
                        {
                            Lookup::Found(answer) => {
                                return Ok(self.recovered(answer, tag, started, held));
                            }
                            Lookup::Absent => {}
                            Lookup::Unknown => return Err(self.failed(error, attempt, started)),
                        }
                    }
                    let retryable = if plain_create {
                        error.is_connect()
                    } else {
                        error.is_connect() || error.is_timeout() || error.is_request()
                    };
                    let delay = policy.delay(attempt);
                    if retryable
                        && request.is_some()
                        && self.may_retry(attempt, started, delay)
                        && self.spend(RetryReason::Transport, &mut held)
                    {
                        tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "connection failed; retrying");
                        self.0.sleeper.sleep(delay).await;
                        continue;
                    }
                    return Err(self.failed(error, attempt, started));
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
            // A 5xx to a tagged create may have come after the resource was made.
            if status >= 500
                && let Some((recoverable, tag)) = &recovery
            {
                match self
                    .find_created(http, &collection, recoverable, tag, started)
                    .await
                {
                    Lookup::Found(answer) => return Ok(self.recovered(answer, tag, started, held)),
                    Lookup::Absent => {}
                    Lookup::Unknown => return Ok(self.answered(response, attempt, held, started)),
                }
            }
            if retryable && !plain_create && request.is_some() {
                let delay = match retry_after(response.headers(), SystemTime::now()) {
                    Some(asked) if asked > policy.max_retry_after => None,
                    Some(asked) => Some(asked),
                    None => Some(policy.delay(attempt)),
                };
                if let Some(delay) = delay
                    && self.may_retry(attempt, started, delay)
                    && self.spend(RetryReason::Answer, &mut held)
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
            return Ok(self.answered(response, attempt, held, started));
        }
    }

    /// Takes a retry's cost from the budget; `false` (recorded in the span) when it is spent.
    fn spend(&self, reason: RetryReason, held: &mut Option<u32>) -> bool {
        let Some(budget) = &self.0.budget else {
            return true;
        };
        let span = tracing::Span::current();
        match budget.acquire(reason) {
            Some(cost) => {
                // The previous retry failed: its tokens stay spent.
                *held = Some(cost);
                span.record("retry_tokens", budget.available());
                true
            }
            None => {
                span.record("retries_refused", 1u32);
                span.record("retry_tokens", budget.available());
                tracing::debug!(
                    tokens = budget.available(),
                    "retry refused: the retry budget is spent"
                );
                false
            }
        }
    }

    /// The call ends with an answer: a success refunds the budget.
    fn answered(
        &self,
        response: reqwest::Response,
        attempt: u32,
        held: Option<u32>,
        started: Instant,
    ) -> reqwest::Response {
        let span = tracing::Span::current();
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let status = response.status();
        if status.is_success()
            && let Some(budget) = &self.0.budget
        {
            budget.succeeded(held);
            span.record("retry_tokens", budget.available());
        }
        tracing::debug!(attempt, status = status.as_u16(), "call answered");
        response
    }

    /// The call ends with a transport error.
    fn failed(&self, error: reqwest::Error, attempt: u32, started: Instant) -> reqwest::Error {
        let span = tracing::Span::current();
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        tracing::debug!(attempt, error = %error, "call failed");
        error
    }

    /// A create's answer read back from the list.
    fn recovered(
        &self,
        answer: reqwest::Response,
        tag: &str,
        started: Instant,
        held: Option<u32>,
    ) -> reqwest::Response {
        let span = tracing::Span::current();
        span.record("recovered", true);
        span.record("status", answer.status().as_u16());
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        if let Some(budget) = &self.0.budget {
            budget.succeeded(held);
        }
        tracing::info!(
            token = tag,
            "the create's answer was lost; the resource it made was found by its idempotency tag"
        );
        answer
    }

    /// Looks for the resource a tagged create made, paging through its list.
    async fn find_created(
        &self,
        http: &reqwest::Client,
        collection: &reqwest::Url,
        recoverable: &Recoverable,
        tag: &str,
        started: Instant,
    ) -> Lookup {
        let pages = recoverable.list.pagination;
        // The largest page the list documents, to look with few requests.
        let limit = pages.and_then(|pages| {
            recoverable
                .list
                .params
                .iter()
                .find(|p| Some(p.name) == pages.limit_param)
                .and_then(|p| p.maximum)
        });
        let mut marker: Option<String> = None;
        loop {
            let mut url = collection.clone();
            url.set_query(None);
            if let (Some(name), Some(limit)) = (pages.and_then(|p| p.limit_param), limit) {
                url.query_pairs_mut().append_pair(name, &limit.to_string());
            }
            if let (Some(pages), Some(marker)) = (pages, &marker) {
                url.query_pairs_mut()
                    .append_pair(pages.marker_param, marker);
            }
            let Some(page) = self.read_page(http, url, started).await else {
                return Lookup::Unknown;
            };
            let next = pages
                .and_then(|pages| page.pointer(pages.next_marker))
                .and_then(serde_json::Value::as_str)
                .filter(|next| !next.is_empty())
                .map(str::to_string);
            let items = idempotency::listed_items(recoverable.list, page);
            let empty = items.is_empty();
            if let Some(item) = items
                .into_iter()
                .find(|item| idempotency::has_token(item, tag))
            {
                return Lookup::Found(created_answer(recoverable, item, tag));
            }
            match next {
                Some(next) if !empty && marker.as_ref() != Some(&next) => marker = Some(next),
                _ => return Lookup::Absent,
            }
        }
    }

    /// One page of a look-up, retried like any read (policy, budget, deadline); `None` when it
    /// cannot be read.
    async fn read_page(
        &self,
        http: &reqwest::Client,
        url: reqwest::Url,
        started: Instant,
    ) -> Option<serde_json::Value> {
        let policy = &self.0.retry;
        let mut held = None;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = reqwest::Request::new(reqwest::Method::GET, url.clone());
            request.headers_mut().insert(
                reqwest::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            );
            if let Some(limit) = self.attempt_limit(started) {
                *request.timeout_mut() = Some(limit);
            }
            self.authorize(&mut request, true).await;
            let reason = match http.execute(request).await {
                Ok(answer) if answer.status().is_success() => match answer.bytes().await {
                    Ok(body) => return serde_json::from_slice(&body).ok(),
                    Err(_) => RetryReason::Transport,
                },
                Ok(answer)
                    if RETRYABLE_STATUSES.contains(&answer.status().as_u16())
                        || answer.status().is_server_error() =>
                {
                    RetryReason::Answer
                }
                Ok(_) => return None,
                Err(_) => RetryReason::Transport,
            };
            let delay = policy.delay(attempt);
            if !(self.may_retry(attempt, started, delay) && self.spend(reason, &mut held)) {
                return None;
            }
            self.0.sleeper.sleep(delay).await;
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

/// What a look-up by idempotency tag found.
enum Lookup {
    /// The resource, as the create's answer.
    Found(reqwest::Response),
    /// Every page read; no resource has the tag.
    Absent,
    /// The list could not be read.
    Unknown,
}

/// Adds a fresh idempotency tag to a create's JSON body, unless it has one (the caller's).
fn tag_create(request: &mut reqwest::Request, recoverable: &Recoverable) {
    let Some(body) = request.body().and_then(|b| b.as_bytes()) else {
        return;
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return;
    };
    if idempotency::token_in(&value, recoverable.wrapper).is_some()
        || !idempotency::add_tag(&mut value, recoverable.wrapper, &idempotency::new_token())
    {
        return;
    }
    let Ok(body) = serde_json::to_vec(&value) else {
        return;
    };
    if request
        .headers()
        .contains_key(reqwest::header::CONTENT_LENGTH)
    {
        request.headers_mut().insert(
            reqwest::header::CONTENT_LENGTH,
            HeaderValue::from(body.len()),
        );
    }
    *request.body_mut() = Some(body.into());
}

/// The answer a create would have given, made from the listed resource it created.
fn created_answer(
    recoverable: &Recoverable,
    item: serde_json::Value,
    tag: &str,
) -> reqwest::Response {
    let mut body = serde_json::Map::new();
    body.insert(recoverable.wrapper.to_string(), item);
    let bytes = serde_json::to_vec(&serde_json::Value::Object(body)).unwrap_or_default();
    let mut answer = http::Response::new(bytes);
    *answer.status_mut() =
        http::StatusCode::from_u16(recoverable.create.success).unwrap_or(http::StatusCode::CREATED);
    answer.headers_mut().insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(value) = HeaderValue::from_str(tag) {
        answer.headers_mut().insert(
            HeaderName::from_static(idempotency::RECOVERED_HEADER),
            value,
        );
    }
    reqwest::Response::from(answer)
}

/// Decodes a success answer's JSON body: what every generated `send()` does with a documented
/// success status, the headers moved into the value rather than copied.
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

/// The end of every generated `send()`, once its request is built: the client's hooks (signing,
/// the idempotency tag, retries: [`Runtime`]), then the answer read by its status: the
/// operation's documented `success` status decoded into `T`, any 4XX or 5XX as the service's
/// error ([`crate::ServiceError`]), anything else [`Error::UnexpectedResponse`]. One generic
/// function instead of a copy per operation (`cargo xtask generate`, pass 13), compiled for
/// the operations a program calls.
#[doc(hidden)]
pub async fn respond<C, T>(
    client: &C,
    request: reqwest::Request,
    operation_id: &'static str,
    success: u16,
) -> Result<ResponseValue<T>, Error<crate::ServiceError>>
where
    C: ClientHooks<Runtime>,
    T: serde::de::DeserializeOwned,
{
    let response = exchange(client, request, operation_id).await?;
    match response.status().as_u16() {
        status if status == success => decode(response).await,
        400..=599 => Err(crate::error::error_response(response).await),
        _ => Err(Error::UnexpectedResponse(response)),
    }
}

/// [`respond`] for an operation whose documented answer has no body (`204`).
#[doc(hidden)]
pub async fn respond_empty<C>(
    client: &C,
    request: reqwest::Request,
    operation_id: &'static str,
    success: u16,
) -> Result<ResponseValue<()>, Error<crate::ServiceError>>
where
    C: ClientHooks<Runtime>,
{
    let response = exchange(client, request, operation_id).await?;
    match response.status().as_u16() {
        status if status == success => Ok(ResponseValue::empty(response)),
        400..=599 => Err(crate::error::error_response(response).await),
        _ => Err(Error::UnexpectedResponse(response)),
    }
}

/// The hooks in order: `pre` (prepare: authorize and sign), then `exec` (send, with retries).
async fn exchange<C: ClientHooks<Runtime>>(
    client: &C,
    mut request: reqwest::Request,
    operation_id: &'static str,
) -> Result<reqwest::Response, Error<crate::ServiceError>> {
    let info = OperationInfo { operation_id };
    client.pre(&mut request, &info).await?;
    Ok(client.exec(request, &info).await?)
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
            async fn pre<E>(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), Error<E>> {
                self.inner.prepare(request, info, <$client as crate::operation::Api>::MODULE).await
            }

            async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
                self.inner.execute(&self.client, request, info, <$client as crate::operation::Api>::MODULE).await
            }
        }
    )*};
}

#[cfg(feature = "s2c")]
hooks!(crate::vpn_v5::Client, crate::vpn_v5_1::Client);
#[cfg(feature = "p2c")]
hooks!(crate::vpn_p2c::Client);
#[cfg(feature = "legacy")]
hooks!(crate::ipsec_v2::Client);
