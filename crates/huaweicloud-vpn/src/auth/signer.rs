//! AK/SK request signing with the algorithm `SDK-HMAC-SHA256`, as the official Huawei Cloud
//! SDKs do it (checked case by case against the Python SDK `huaweicloudsdkcore`'s own signer:
//! `tests/tests/signer_official.rs`).
//!
//! What is signed, read off the official Python signer:
//!
//! * `CanonicalRequest` = `METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//!   SignedHeaders \n PayloadHash`.
//! * CanonicalURI: the URL path is percent-*decoded* first (invalid UTF-8 becomes U+FFFD), then
//!   split on `/` (so an encoded `%2F` splits a segment), each segment percent-encoded (only
//!   `A-Za-z0-9-_.~` kept, upper-case hex, UTF-8 bytes), and a `/` appended unless it already ends
//!   in one.
//! * CanonicalQuery: the query's pairs, decoded as `application/x-www-form-urlencoded` (`+` is a
//!   space), sorted by key then value (code-point order of the *decoded* strings, which is how
//!   repeated keys end up sorted by value), each encoded as above and joined as `k=v` with `&`;
//!   a key without `=` or with an empty value is `k=`. [`sign`] also rewrites the URL's query to
//!   exactly this string (as the official SDK sends it), so the server sees what was signed.
//! * Headers: every header is signed except those whose name contains `_`, and `content-type`
//!   and `host` **are** signed (the official Go SDK leaves out `content-type`; the Python SDK does
//!   not). Canonical lines are `lower-case-name:trimmed-value`, sorted by name; values are trimmed
//!   of whitespace at both ends and the request is sent with the trimmed values.
//! * [`sign`] adds `Host` (from the URL; the port only when it is not the scheme's default; it
//!   replaces a `Host` already there, where the Python SDK would keep and sign the caller's),
//!   `X-Sdk-Date`, `X-Project-Id` (when a non-empty project id is given) and `X-Security-Token`
//!   (temporary credentials) before signing, so all of them are signed.
//! * PayloadHash: hex SHA-256 of the body; the SHA-256 of nothing when the body is empty. When
//!   the request has a `Content-Type` that does not start with `application/json` or
//!   `application/bson`, [`sign`] adds `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`, and a non-empty
//!   body's hash is then that header's value (`UNSIGNED-PAYLOAD`) instead.
//! * `StringToSign` = `SDK-HMAC-SHA256 \n X-Sdk-Date \n hex(sha256(CanonicalRequest))`;
//!   signature = hex(HMAC-SHA256(key = SK, StringToSign)).
//! * `Authorization: SDK-HMAC-SHA256 Access={AK}, SignedHeaders={a;b;c}, Signature={hex}`.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac_sha256::{HMAC, Hash};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue};

use crate::SecretString;

/// The algorithm's name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// hex(sha256("")): the payload hash of an empty body.
const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

const X_SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");
const X_PROJECT_ID: HeaderName = HeaderName::from_static("x-project-id");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");
const X_SDK_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-sdk-content-sha256");

/// AK/SK credentials: an access key, a secret key, and for temporary credentials a security
/// token. None of the three is ever printed: `Debug` shows `<redacted>`.
///
/// ```
/// use huaweicloud_vpn::auth::AkSk;
///
/// let credentials = AkSk::new("MY-AK", "MY-SK").with_security_token("MY-TOKEN");
/// assert!(credentials.has_security_token());
/// let shown = format!("{credentials:?}");
/// assert!(!shown.contains("MY-"));
/// ```
#[derive(Clone)]
pub struct AkSk {
    ak: SecretString,
    sk: SecretString,
    security_token: Option<SecretString>,
}

impl AkSk {
    /// Permanent credentials: access key and secret key.
    pub fn new(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        AkSk {
            ak: SecretString::new(ak),
            sk: SecretString::new(sk),
            security_token: None,
        }
    }

    /// Temporary credentials: the security token that comes with a temporary AK/SK, sent as
    /// `X-Security-Token` (and signed).
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(SecretString::new(token));
        self
    }

    /// Whether these are temporary credentials (a security token is sent).
    pub fn has_security_token(&self) -> bool {
        self.security_token.is_some()
    }
}

impl fmt::Debug for AkSk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AkSk")
            .field("ak", &self.ak)
            .field("sk", &self.sk)
            .field("security_token", &self.security_token)
            .finish()
    }
}

/// Why a request could not be signed. The message names the part of the request (or of the
/// credentials) at fault, never a key, a token or a header value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The access key or the secret key is empty (`which` says which).
    EmptyKey {
        /// `"access key"` or `"secret key"`.
        which: &'static str,
    },
    /// The body is a stream, so its SHA-256 cannot be computed without consuming it.
    StreamingBody,
    /// The URL has no host to send as `Host`.
    NoHost,
    /// The clock is before 1970: no `X-Sdk-Date` can be written.
    ClockBeforeEpoch,
    /// The clock is after the year 9999: no `X-Sdk-Date` can be written.
    ClockAfterYear9999,
    /// A header has several values; the official signer knows one value per name.
    RepeatedHeader {
        /// The header's name.
        name: String,
    },
    /// A header value is not UTF-8 text.
    HeaderNotUtf8 {
        /// The header's name.
        name: String,
    },
    /// A header this signer sets would not be a valid header value, e.g. an access key, a
    /// security token or a project id with a line break in it.
    InvalidHeaderValue {
        /// The header's name.
        name: &'static str,
    },
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::EmptyKey { which } => {
                write!(f, "cannot sign the request: the {which} is empty")
            }
            SignError::StreamingBody => f.write_str(
                "cannot sign the request: its body is a stream, whose SHA-256 cannot be computed \
                 before sending (give the body as bytes)",
            ),
            SignError::NoHost => f.write_str("cannot sign the request: its URL has no host"),
            SignError::ClockBeforeEpoch => {
                f.write_str("cannot sign the request: the clock is before 1970")
            }
            SignError::ClockAfterYear9999 => {
                f.write_str("cannot sign the request: the clock is after the year 9999")
            }
            SignError::RepeatedHeader { name } => write!(
                f,
                "cannot sign the request: header `{name}` has several values (give it one)"
            ),
            SignError::HeaderNotUtf8 { name } => write!(
                f,
                "cannot sign the request: the value of header `{name}` is not UTF-8 text"
            ),
            SignError::InvalidHeaderValue { name } => write!(
                f,
                "cannot sign the request: the value for header `{name}` contains characters not \
                 allowed in a header (check the credentials and the project id)"
            ),
        }
    }
}

impl std::error::Error for SignError {}

/// The two computed parts of an `Authorization` header: what [`signature_for`] returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedParts {
    /// The signed headers' lower-case names, sorted, joined by `;` (`host;x-sdk-date`).
    pub signed_headers: String,
    /// hex(HMAC-SHA256(SK, StringToSign)), lower case.
    pub signature: String,
}

impl SignedParts {
    /// The `Authorization` header value for these parts and an access key.
    pub fn authorization(&self, access_key: &str) -> String {
        format!(
            "{ALGORITHM} Access={access_key}, SignedHeaders={}, Signature={}",
            self.signed_headers, self.signature
        )
    }
}

/// Signs a request in place with AK/SK (`SDK-HMAC-SHA256`).
///
/// Sets `X-Sdk-Date` from `now`, `Host` from the URL, `X-Project-Id` when `project_id` is a
/// non-empty string, `X-Security-Token` for temporary credentials and, for a `Content-Type`
/// other than JSON/BSON, `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`; trims every header value;
/// rewrites the URL's query to its canonical form; then sets `Authorization`. An
/// `Authorization` or `X-Sdk-Date` already there is replaced, so signing the same request again
/// (a retry) gives a correctly signed request. On error the request is left untouched.
///
/// The body must be readable as bytes; a streaming body is a [`SignError::StreamingBody`],
/// except with a non-JSON `Content-Type` (or an explicit `X-Sdk-Content-Sha256`), whose payload
/// hash does not depend on the body.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use huaweicloud_vpn::auth::{AkSk, sign};
///
/// let url = "https://vpn.eu-de.otc.t-systems.com/v5/p1/vpn-gateways?limit=1".parse().unwrap();
/// let mut request = reqwest::Request::new(reqwest::Method::GET, url);
/// let now = UNIX_EPOCH + Duration::from_secs(1_136_214_245); // 2006-01-02T15:04:05Z
/// sign(&mut request, &AkSk::new("AccessKey", "SecretKey"), Some("p1"), now).unwrap();
///
/// assert_eq!(request.headers()["x-sdk-date"], "20060102T150405Z");
/// assert_eq!(request.headers()["host"], "vpn.eu-de.otc.t-systems.com");
/// assert_eq!(request.headers()["x-project-id"], "p1");
/// // The value huaweicloudsdkcore 3.1.219 computes for the same request:
/// assert_eq!(
///     request.headers()["authorization"],
///     "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-project-id;x-sdk-date, \
///      Signature=fb2a6fed06da06d3396829f87025c2cce010c0f29c5603a249e9fedf085f49bc"
/// );
/// ```
pub fn sign(
    request: &mut reqwest::Request,
    credentials: &AkSk,
    project_id: Option<&str>,
    now: SystemTime,
) -> Result<(), SignError> {
    if credentials.ak.is_empty() {
        return Err(SignError::EmptyKey {
            which: "access key",
        });
    }
    if credentials.sk.is_empty() {
        return Err(SignError::EmptyKey {
            which: "secret key",
        });
    }
    let sdk_date = format_sdk_date(now)?;

    // Work on a copy: the request changes only once everything has succeeded.
    let mut headers: HeaderMap = request.headers().clone();
    headers.remove(AUTHORIZATION);
    headers.insert(X_SDK_DATE, value(&sdk_date, "X-Sdk-Date")?);
    headers.insert(HOST, value(&host_header(request.url())?, "Host")?);
    if let Some(project_id) = project_id.filter(|p| !p.is_empty()) {
        headers.insert(X_PROJECT_ID, value(project_id, "X-Project-Id")?);
    }
    if let Some(token) = &credentials.security_token {
        let mut token = value(token.expose(), "X-Security-Token")?;
        token.set_sensitive(true);
        headers.insert(X_SECURITY_TOKEN, token);
    }
    if let Some(content_type) = headers.get(CONTENT_TYPE) {
        // The official signer looks at the value as given (before trimming), case-sensitively.
        let content_type = content_type.as_bytes();
        if !content_type.is_empty()
            && !content_type.starts_with(b"application/json")
            && !content_type.starts_with(b"application/bson")
        {
            headers.insert(
                X_SDK_CONTENT_SHA256,
                HeaderValue::from_static(UNSIGNED_PAYLOAD),
            );
        }
    }
    let pairs = trim_headers(&mut headers)?;

    let payload_hash = match request.body().map(|body| body.as_bytes()) {
        None => EMPTY_BODY_SHA256.to_owned(),
        Some(Some(bytes)) => payload_hash(&pairs, bytes),
        // A stream counts as a non-empty body: only a given payload hash makes it signable.
        Some(None) => content_sha256(&pairs)
            .ok_or(SignError::StreamingBody)?
            .to_owned(),
    };
    let method = request.method().as_str();
    let (canonical, signed_headers) = canonical(method, request.url(), &pairs, &payload_hash);
    let parts = SignedParts {
        signature: signature_of(&canonical, &credentials.sk, &sdk_date),
        signed_headers,
    };
    let mut authorization = value(
        &parts.authorization(credentials.ak.expose()),
        "Authorization",
    )?;
    authorization.set_sensitive(true);
    headers.insert(AUTHORIZATION, authorization);

    let query = canonical_query(request.url());
    *request.headers_mut() = headers;
    if request.url().query().is_some() {
        let url = request.url_mut();
        url.set_query(if query.is_empty() { None } else { Some(&query) });
    }
    Ok(())
}

/// The canonical request the signature is computed over, for debugging a signature mismatch.
/// It holds no secret, but it does hold every signed header's value (`X-Security-Token`
/// included), so treat it like the request itself.
///
/// `headers` are the request's headers as sent, `X-Sdk-Date` and `Host` included (any case;
/// values are trimmed; names containing `_` are not signed; for a name given twice, ignoring
/// case, the last value counts). The URL's query is decoded as
/// `application/x-www-form-urlencoded`. The payload hash is that of `body`, or, for a
/// non-empty body with a non-empty `X-Sdk-Content-Sha256` header, that header's value.
///
/// ```
/// use huaweicloud_vpn::auth::canonical_request;
///
/// let url = "https://example.com/path?limit=1".parse().unwrap();
/// let headers = [("X-Sdk-Date".to_string(), "20060102T150405Z".to_string())];
/// assert_eq!(
///     canonical_request("GET", &url, &headers, b""),
///     "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n\
///      e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn canonical_request(
    method: &str,
    url: &Url,
    headers: &[(String, String)],
    body: &[u8],
) -> String {
    canonical(method, url, headers, &payload_hash(headers, body)).0
}

/// Computes the signed-headers list and the signature of a request described by its parts;
/// pure (no clock, no headers added: `headers` must already hold `X-Sdk-Date`, and `Host`
/// if it is to be signed). `sdk_date` is the `X-Sdk-Date` value (`YYYYMMDDTHHMMSSZ`). See
/// [`canonical_request`] for how `headers` and `body` are read.
///
/// The two published test vectors of the official SDKs:
///
/// ```
/// use huaweicloud_vpn::SecretString;
/// use huaweicloud_vpn::auth::signature_for;
///
/// let sk = SecretString::new("SecretKey");
/// let headers = [("X-Sdk-Date".to_string(), "20060102T150405Z".to_string())];
///
/// let url = "https://example.com/path?limit=1".parse().unwrap();
/// let get = signature_for("GET", &url, &headers, b"", &sk, "20060102T150405Z");
/// assert_eq!(get.signed_headers, "x-sdk-date");
/// assert_eq!(get.signature, "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624");
///
/// let url = "https://example.com/path?key=value".parse().unwrap();
/// let body = b"{\"Name\":\"test\",\"Id\":1}\n";
/// let post = signature_for("POST", &url, &headers, body, &sk, "20060102T150405Z");
/// assert_eq!(post.signature, "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59");
/// assert_eq!(
///     post.authorization("AccessKey"),
///     "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, \
///      Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"
/// );
/// ```
pub fn signature_for(
    method: &str,
    url: &Url,
    headers: &[(String, String)],
    body: &[u8],
    sk: &SecretString,
    sdk_date: &str,
) -> SignedParts {
    let (canonical, signed_headers) = canonical(method, url, headers, &payload_hash(headers, body));
    SignedParts {
        signature: signature_of(&canonical, sk, sdk_date),
        signed_headers,
    }
}

/// The payload hash of a body given as bytes: the SHA-256 of nothing for an empty body, else
/// a non-empty `X-Sdk-Content-Sha256` header's value if there is one, else the body's SHA-256.
fn payload_hash(headers: &[(String, String)], body: &[u8]) -> String {
    if body.is_empty() {
        return EMPTY_BODY_SHA256.to_owned();
    }
    match content_sha256(headers) {
        Some(given) => given.to_owned(),
        None => hex(&Hash::hash(body)),
    }
}

/// A non-empty `X-Sdk-Content-Sha256` header value (trimmed), if any.
fn content_sha256(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .rev()
        .find(|(name, _)| name.eq_ignore_ascii_case(X_SDK_CONTENT_SHA256.as_str()))
        .map(|(_, value)| trim(value))
        .filter(|value| !value.is_empty())
}

/// `(canonical request, signed headers)`.
fn canonical(
    method: &str,
    url: &Url,
    headers: &[(String, String)],
    payload_hash: &str,
) -> (String, String) {
    let mut signed: BTreeMap<String, &str> = BTreeMap::new();
    for (name, value) in headers {
        if !name.contains('_') {
            signed.insert(name.to_lowercase(), trim(value));
        }
    }
    let mut canonical_headers = String::new();
    for (name, value) in &signed {
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value);
        canonical_headers.push('\n');
    }
    if signed.is_empty() {
        canonical_headers.push('\n');
    }
    let signed_headers = signed
        .keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(";");
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        method.to_uppercase(),
        canonical_uri(url.path()),
        canonical_query(url),
        canonical_headers,
        signed_headers,
        payload_hash
    );
    (canonical, signed_headers)
}

fn signature_of(canonical_request: &str, sk: &SecretString, sdk_date: &str) -> String {
    let string_to_sign = format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        hex(&Hash::hash(canonical_request.as_bytes()))
    );
    hex(&HMAC::mac(
        string_to_sign.as_bytes(),
        sk.expose().as_bytes(),
    ))
}

/// The path percent-decoded, split on `/`, each segment encoded; ends in `/`.
fn canonical_uri(path: &str) -> String {
    let decoded = percent_decode_lossy(path);
    let mut uri = decoded.split('/').map(encode).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The query's pairs (form-decoded), sorted by key then value, encoded, joined by `&`.
fn canonical_query(url: &Url) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// What the signer percent-encodes: every byte but the unreserved `A-Za-z0-9-_.~`.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes every byte of the UTF-8 text except `A-Za-z0-9-_.~` (upper-case hex).
fn encode(text: &str) -> String {
    utf8_percent_encode(text, ENCODED).to_string()
}

/// Decodes `%XX` (either case); a `%` not followed by two hex digits stays as it is; invalid
/// UTF-8 becomes U+FFFD.
fn percent_decode_lossy(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

/// Trims whitespace at both ends the way Python's `str.strip()` does (Unicode White_Space
/// and the separators U+001C..U+001F).
fn trim(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// Replaces each header value by its trimmed form and returns the headers as text pairs.
fn trim_headers(headers: &mut HeaderMap) -> Result<Vec<(String, String)>, SignError> {
    let mut pairs = Vec::with_capacity(headers.keys_len());
    let mut replace = Vec::new();
    for name in headers.keys() {
        let mut values = headers.get_all(name).iter();
        let (Some(original), None) = (values.next(), values.next()) else {
            return Err(SignError::RepeatedHeader {
                name: name.as_str().to_owned(),
            });
        };
        let text =
            std::str::from_utf8(original.as_bytes()).map_err(|_| SignError::HeaderNotUtf8 {
                name: name.as_str().to_owned(),
            })?;
        let trimmed = trim(text);
        if trimmed.len() != text.len() {
            // A trimmed valid value is a valid value.
            let mut new = HeaderValue::from_bytes(trimmed.as_bytes()).map_err(|_| {
                SignError::HeaderNotUtf8 {
                    name: name.as_str().to_owned(),
                }
            })?;
            new.set_sensitive(original.is_sensitive());
            replace.push((name.clone(), new));
        }
        pairs.push((name.as_str().to_owned(), trimmed.to_owned()));
    }
    for (name, new) in replace {
        headers.insert(name, new);
    }
    Ok(pairs)
}

fn value(text: &str, name: &'static str) -> Result<HeaderValue, SignError> {
    HeaderValue::from_str(text).map_err(|_| SignError::InvalidHeaderValue { name })
}

/// `host[:port]` from the URL, the port only when it is not the scheme's default.
fn host_header(url: &Url) -> Result<String, SignError> {
    let host = url.host_str().ok_or(SignError::NoHost)?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// `YYYYMMDDTHHMMSSZ` in UTC: RFC 3339 (humantime) without its separators.
fn format_sdk_date(now: SystemTime) -> Result<String, SignError> {
    use std::fmt::Write;
    now.duration_since(UNIX_EPOCH)
        .map_err(|_| SignError::ClockBeforeEpoch)?;
    // `2006-01-02T15:04:05Z`; humantime refuses (fmt::Error) a time after the year 9999.
    let mut rfc3339 = String::with_capacity(20);
    write!(rfc3339, "{}", humantime::format_rfc3339_seconds(now))
        .map_err(|_| SignError::ClockAfterYear9999)?;
    Ok(rfc3339.replace(['-', ':'], ""))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use reqwest::header::{HeaderName, HeaderValue};
    use reqwest::{Body, Method, Request, Url};

    use super::*;

    /// 2006-01-02T15:04:05Z, the date of the published vectors.
    fn vector_time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_136_214_245)
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn pairs(headers: &[(&str, &str)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn request(method: Method, text: &str, headers: &[(&str, &str)], body: &[u8]) -> Request {
        let mut request = Request::new(method, url(text));
        for (name, value) in headers {
            request.headers_mut().append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_bytes(value.as_bytes()).unwrap(),
            );
        }
        if !body.is_empty() {
            *request.body_mut() = Some(Body::from(body.to_vec()));
        }
        request
    }

    fn header<'a>(request: &'a Request, name: &str) -> &'a str {
        std::str::from_utf8(request.headers()[name].as_bytes()).unwrap()
    }

    fn aksk() -> AkSk {
        AkSk::new("AccessKey", "SecretKey")
    }

    // --- The published vectors -------------------------------------------------------------

    #[test]
    fn published_vector_get() {
        let headers = pairs(&[("X-Sdk-Date", "20060102T150405Z")]);
        let url = url("https://example.com/path?limit=1");
        assert_eq!(
            canonical_request("GET", &url, &headers, b""),
            "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let parts = signature_for(
            "GET",
            &url,
            &headers,
            b"",
            &SecretString::new("SecretKey"),
            "20060102T150405Z",
        );
        assert_eq!(parts.signed_headers, "x-sdk-date");
        assert_eq!(
            parts.signature,
            "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
        );
        assert_eq!(
            parts.authorization("AccessKey"),
            "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, \
             Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
        );
    }

    #[test]
    fn published_vector_post() {
        let headers = pairs(&[("X-Sdk-Date", "20060102T150405Z")]);
        let url = url("https://example.com/path?key=value");
        let body = b"{\"Name\":\"test\",\"Id\":1}\n";
        assert_eq!(
            canonical_request("POST", &url, &headers, body),
            "POST\n/path/\nkey=value\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n\
             a29d7b4c5efd1a22011d69fd7b7aee76fe51e4083c609244228de258afd61289"
        );
        let parts = signature_for(
            "POST",
            &url,
            &headers,
            body,
            &SecretString::new("SecretKey"),
            "20060102T150405Z",
        );
        assert_eq!(parts.signed_headers, "x-sdk-date");
        assert_eq!(
            parts.signature,
            "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"
        );
    }

    // --- sign() against values computed by huaweicloudsdkcore 3.1.219 ------------------------

    #[test]
    fn sign_matches_official_sdk_get_with_project() {
        let mut req = request(
            Method::GET,
            "https://vpn.eu-de.otc.t-systems.com/v5/p1/vpn-gateways?limit=1",
            &[],
            b"",
        );
        sign(&mut req, &aksk(), Some("p1"), vector_time()).unwrap();
        assert_eq!(
            header(&req, "authorization"),
            "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-project-id;x-sdk-date, \
             Signature=fb2a6fed06da06d3396829f87025c2cce010c0f29c5603a249e9fedf085f49bc"
        );
        assert_eq!(header(&req, "host"), "vpn.eu-de.otc.t-systems.com");
        assert_eq!(header(&req, "x-project-id"), "p1");
        assert_eq!(header(&req, "x-sdk-date"), "20060102T150405Z");
        assert_eq!(req.headers().len(), 4);
    }

    #[test]
    fn sign_matches_official_sdk_json_post_with_token_and_port() {
        let mut req = request(
            Method::POST,
            "https://vpn.example.com:8443/v5/p1/vpn-connection?b=2&a=1",
            &[("Content-Type", "application/json")],
            "{\"name\":\"köln\"}".as_bytes(),
        );
        let credentials = aksk().with_security_token("TEMP-TOKEN");
        let now = UNIX_EPOCH + Duration::from_secs(1_709_251_198); // 2024-02-29T23:59:58Z
        sign(&mut req, &credentials, Some("p1"), now).unwrap();
        assert_eq!(
            header(&req, "authorization"),
            "SDK-HMAC-SHA256 Access=AccessKey, \
             SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, \
             Signature=81668daee8e916036843e6d5e2f0833095165d273b391849b4a80dbe68fabc77"
        );
        assert_eq!(header(&req, "x-security-token"), "TEMP-TOKEN");
        assert_eq!(header(&req, "host"), "vpn.example.com:8443");
        assert_eq!(header(&req, "x-sdk-date"), "20240229T235958Z");
        // The query is sent as it was signed.
        assert_eq!(req.url().query(), Some("a=1&b=2"));
        assert!(req.headers()["authorization"].is_sensitive());
        assert!(req.headers()["x-security-token"].is_sensitive());
    }

    #[test]
    fn sign_matches_official_sdk_unsigned_payload_for_octet_stream() {
        let mut req = request(
            Method::PUT,
            "http://127.0.0.1:8080/upload",
            &[("Content-Type", "application/octet-stream")],
            b"0123",
        );
        sign(&mut req, &aksk(), None, vector_time()).unwrap();
        assert_eq!(header(&req, "x-sdk-content-sha256"), "UNSIGNED-PAYLOAD");
        assert_eq!(
            header(&req, "authorization"),
            "SDK-HMAC-SHA256 Access=AccessKey, \
             SignedHeaders=content-type;host;x-sdk-content-sha256;x-sdk-date, \
             Signature=780b2f3b2ad13a40f8a62e90ca63e30e2163d4c68d7d91af1820d1eac66631e6"
        );
    }

    // --- Canonical URI ----------------------------------------------------------------------

    #[test]
    fn path_segments_are_decoded_then_encoded() {
        // The url crate encodes the space and the `ö`, keeps `+ = @ : ~ * %` as typed.
        let u = url("https://h/a b/c+d/x=y/u@h/a:b/~t/st*r/50%/k%C3%B6ln/köln");
        assert_eq!(
            canonical_uri(u.path()),
            "/a%20b/c%2Bd/x%3Dy/u%40h/a%3Ab/~t/st%2Ar/50%25/k%C3%B6ln/k%C3%B6ln/"
        );
        // Lower-case escapes decode too; `%25` stays a percent; invalid escapes are literal.
        assert_eq!(
            canonical_uri("/%e2%82%ac/100%25/%zz/%4"),
            "/%E2%82%AC/100%25/%25zz/%254/"
        );
        // An encoded slash is decoded before splitting, as the official signer does.
        assert_eq!(canonical_uri("/a%2Fb"), "/a/b/");
        // Bytes that are not UTF-8 become U+FFFD.
        assert_eq!(canonical_uri("/%FF"), "/%EF%BF%BD/");
        // Unreserved characters stay, even when they came percent-encoded.
        assert_eq!(canonical_uri("/%41%7E%2D%5F%2E"), "/A~-_./");
    }

    #[test]
    fn trailing_slash_is_added_once() {
        assert_eq!(canonical_uri("/path"), "/path/");
        assert_eq!(canonical_uri("/path/"), "/path/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/a//"), "/a//");
        assert_eq!(canonical_uri("//a"), "//a/");
        let u = url("https://h");
        assert_eq!(canonical_uri(u.path()), "/");
    }

    // --- Canonical query --------------------------------------------------------------------

    #[test]
    fn query_is_sorted_by_key_then_value_and_encoded() {
        let u =
            url("https://h/p?b=2&a=z&a=&a=1&flag&c=%20+x&k%C3%B6ln=%C3%B6&s=a*b~c&p=1%2B1&&e==x");
        assert_eq!(
            canonical_query(&u),
            "a=&a=1&a=z&b=2&c=%20%20x&e=%3Dx&flag=&k%C3%B6ln=%C3%B6&p=1%2B1&s=a%2Ab~c"
        );
    }

    #[test]
    fn query_sorts_decoded_keys_by_code_point() {
        // Decoded `Z` (0x5A) sorts before `[` (0x5B) and `~` before `é`, although their
        // encodings (`%5B`, `%C3%A9`) would sort the other way.
        let u = url("https://h/p?%5B=1&Z=2&%C3%A9=3&~=4");
        assert_eq!(canonical_query(&u), "Z=2&%5B=1&~=4&%C3%A9=3");
    }

    #[test]
    fn no_or_empty_query() {
        assert_eq!(canonical_query(&url("https://h/p")), "");
        assert_eq!(canonical_query(&url("https://h/p?")), "");
        let mut req = request(Method::GET, "https://h/p?", &[], b"");
        sign(&mut req, &aksk(), None, vector_time()).unwrap();
        assert_eq!(req.url().as_str(), "https://h/p");
    }

    #[test]
    fn sign_rewrites_the_query_to_its_canonical_form() {
        let mut req = request(Method::GET, "https://h/p?name=a+b&z=1&flag&x=%7e", &[], b"");
        sign(&mut req, &aksk(), None, vector_time()).unwrap();
        assert_eq!(req.url().as_str(), "https://h/p?flag=&name=a%20b&x=~&z=1");
        // Signing again (a retry) changes nothing more.
        let first = req.headers()["authorization"].clone();
        sign(&mut req, &aksk(), None, vector_time()).unwrap();
        assert_eq!(req.url().as_str(), "https://h/p?flag=&name=a%20b&x=~&z=1");
        assert_eq!(req.headers()["authorization"], first);
    }

    // --- Headers ----------------------------------------------------------------------------

    #[test]
    fn headers_are_lowercased_trimmed_sorted_and_underscores_skipped() {
        let headers = pairs(&[
            ("X-Sdk-Date", "20060102T150405Z"),
            ("Zeta", "  last  "),
            ("Content-Type", "\tapplication/json "),
            ("X_Not_Signed", "v"),
            ("ALPHA", "a  b"),
            ("Host", "h"),
            ("X-Empty", "   "),
        ]);
        let canonical = canonical_request("GET", &url("https://h/"), &headers, b"");
        assert_eq!(
            canonical,
            "GET\n/\n\nalpha:a  b\ncontent-type:application/json\nhost:h\nx-empty:\n\
             x-sdk-date:20060102T150405Z\nzeta:last\n\n\
             alpha;content-type;host;x-empty;x-sdk-date;zeta\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let parts = signature_for(
            "GET",
            &url("https://h/"),
            &headers,
            b"",
            &SecretString::new("SecretKey"),
            "20060102T150405Z",
        );
        assert_eq!(
            parts.signed_headers,
            "alpha;content-type;host;x-empty;x-sdk-date;zeta"
        );
    }

    #[test]
    fn trim_is_pythons_strip() {
        assert_eq!(trim(" \t\u{a0}a b\u{3000}\u{1f}"), "a b");
        assert_eq!(trim("\u{200b}x"), "\u{200b}x"); // zero-width space is not whitespace
    }

    #[test]
    fn sign_sends_trimmed_values_and_signs_non_ascii_values() {
        let mut req = request(
            Method::GET,
            "https://h/p",
            &[("X-Custom", "  café  "), ("X_Under", " u ")],
            b"",
        );
        sign(&mut req, &aksk(), None, vector_time()).unwrap();
        assert_eq!(header(&req, "x-custom"), "café");
        assert_eq!(header(&req, "x_under"), "u");
        assert!(header(&req, "authorization").contains("SignedHeaders=host;x-custom;x-sdk-date, "));
        let expected = signature_for(
            "GET",
            &url("https://h/p"),
            &pairs(&[
                ("host", "h"),
                ("x-custom", "café"),
                ("x-sdk-date", "20060102T150405Z"),
                ("x_under", "u"),
            ]),
            b"",
            &SecretString::new("SecretKey"),
            "20060102T150405Z",
        );
        assert_eq!(
            header(&req, "authorization"),
            expected.authorization("AccessKey")
        );
    }

    #[test]
    fn host_has_port_only_when_not_default() {
        for (text, host) in [
            ("https://Example.COM:443/p", "example.com"),
            ("http://example.com:80/p", "example.com"),
            ("https://example.com:80/p", "example.com:80"),
            ("http://127.0.0.1:8080/p", "127.0.0.1:8080"),
            ("https://[::1]:9443/p", "[::1]:9443"),
        ] {
            let mut req = request(Method::GET, text, &[], b"");
            sign(&mut req, &aksk(), None, vector_time()).unwrap();
            assert_eq!(header(&req, "host"), host, "{text}");
        }
    }

    #[test]
    fn host_from_the_url_replaces_a_stale_one() {
        let mut req = request(
            Method::GET,
            "https://new.example.com/p",
            &[("Host", "old")],
            b"",
        );
        sign(&mut req, &aksk(), None, vector_time()).unwrap();
        assert_eq!(header(&req, "host"), "new.example.com");
    }

    #[test]
    fn security_token_is_added_and_signed() {
        let mut req = request(Method::GET, "https://h/p", &[], b"");
        let credentials = aksk().with_security_token("tok+en/==");
        assert!(credentials.has_security_token());
        assert!(!aksk().has_security_token());
        sign(&mut req, &credentials, None, vector_time()).unwrap();
        assert_eq!(header(&req, "x-security-token"), "tok+en/==");
        let expected = signature_for(
            "GET",
            &url("https://h/p"),
            &pairs(&[
                ("Host", "h"),
                ("X-Sdk-Date", "20060102T150405Z"),
                ("X-Security-Token", "tok+en/=="),
            ]),
            b"",
            &SecretString::new("SecretKey"),
            "20060102T150405Z",
        );
        assert_eq!(expected.signed_headers, "host;x-sdk-date;x-security-token");
        assert_eq!(
            header(&req, "authorization"),
            expected.authorization("AccessKey")
        );
    }

    #[test]
    fn empty_project_id_is_not_sent() {
        let mut req = request(Method::GET, "https://h/p", &[], b"");
        sign(&mut req, &aksk(), Some(""), vector_time()).unwrap();
        assert!(req.headers().get("x-project-id").is_none());
    }

    #[test]
    fn resigning_replaces_date_and_authorization() {
        let mut req = request(
            Method::POST,
            "https://h/p?x=1",
            &[("Content-Type", "application/json")],
            b"{}",
        );
        sign(&mut req, &aksk(), Some("p1"), vector_time()).unwrap();
        let later = vector_time() + Duration::from_secs(61);
        sign(&mut req, &aksk(), Some("p1"), later).unwrap();
        assert_eq!(req.headers().get_all("authorization").iter().count(), 1);
        assert_eq!(req.headers().get_all("x-sdk-date").iter().count(), 1);
        assert_eq!(header(&req, "x-sdk-date"), "20060102T150506Z");

        let mut fresh = request(
            Method::POST,
            "https://h/p?x=1",
            &[("Content-Type", "application/json")],
            b"{}",
        );
        sign(&mut fresh, &aksk(), Some("p1"), later).unwrap();
        assert_eq!(req.headers(), fresh.headers());
        assert!(!header(&req, "authorization").contains("authorization"));
    }

    // --- Bodies -----------------------------------------------------------------------------

    #[test]
    fn streaming_body_is_an_error_and_leaves_the_request_alone() {
        let mut req = request(Method::POST, "https://h/p?b=1&a=2", &[], b"");
        *req.body_mut() = Some(Body::wrap(String::from("streamed")));
        let err = sign(&mut req, &aksk(), Some("p1"), vector_time()).unwrap_err();
        assert_eq!(err, SignError::StreamingBody);
        assert!(err.to_string().contains("stream"));
        assert!(req.headers().is_empty());
        assert_eq!(req.url().query(), Some("b=1&a=2"));
    }

    #[test]
    fn streaming_body_with_unsigned_payload_is_signed() {
        let mut req = request(
            Method::PUT,
            "http://127.0.0.1:8080/upload",
            &[("Content-Type", "application/octet-stream")],
            b"",
        );
        *req.body_mut() = Some(Body::wrap(String::from("0123")));
        sign(&mut req, &aksk(), None, vector_time()).unwrap();
        // Same as the bytes body "0123" above: the payload hash is UNSIGNED-PAYLOAD.
        assert!(header(&req, "authorization").ends_with(
            "Signature=780b2f3b2ad13a40f8a62e90ca63e30e2163d4c68d7d91af1820d1eac66631e6"
        ));
    }

    #[test]
    fn json_and_bson_bodies_are_hashed_other_types_are_not() {
        for (content_type, unsigned) in [
            ("application/json", false),
            ("application/json;charset=UTF-8", false),
            ("application/bson", false),
            ("Application/JSON", true),
            (" application/json", true),
            ("text/plain", true),
            ("", false),
        ] {
            let mut req = request(
                Method::POST,
                "https://h/p",
                &[("content-type", content_type)],
                b"{}",
            );
            sign(&mut req, &aksk(), None, vector_time()).unwrap();
            assert_eq!(
                req.headers().get("x-sdk-content-sha256").is_some(),
                unsigned,
                "{content_type:?}"
            );
        }
    }

    #[test]
    fn payload_hash_rules() {
        let body_hash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
        assert_eq!(payload_hash(&[], b"{}"), body_hash);
        assert_eq!(payload_hash(&[], b""), EMPTY_BODY_SHA256);
        let given = pairs(&[("X-Sdk-Content-Sha256", " UNSIGNED-PAYLOAD ")]);
        assert_eq!(payload_hash(&given, b"{}"), "UNSIGNED-PAYLOAD");
        // An empty body is always the empty hash.
        assert_eq!(payload_hash(&given, b""), EMPTY_BODY_SHA256);
        let blank = pairs(&[("x-sdk-content-sha256", "  ")]);
        assert_eq!(payload_hash(&blank, b"{}"), body_hash);
    }

    // --- Errors and secrets -----------------------------------------------------------------

    #[test]
    fn debug_shows_no_key_material() {
        let credentials =
            AkSk::new("AK-VISIBLE", "SK-VISIBLE").with_security_token("TOKEN-VISIBLE");
        let shown = format!("{credentials:?} {credentials:#?}");
        assert!(!shown.contains("VISIBLE"), "{shown}");
        assert_eq!(
            format!("{credentials:?}"),
            "AkSk { ak: <redacted>, sk: <redacted>, security_token: Some(<redacted>) }"
        );
        assert_eq!(
            format!("{:?}", AkSk::new("AK-VISIBLE", "SK-VISIBLE")),
            "AkSk { ak: <redacted>, sk: <redacted>, security_token: None }"
        );
    }

    #[test]
    fn errors_name_the_problem_not_the_secret() {
        let mut req = request(Method::GET, "https://h/p", &[], b"");
        let bad_ak = AkSk::new("AK-VISIBLE\n", "SK-VISIBLE");
        let err = sign(&mut req, &bad_ak, None, vector_time()).unwrap_err();
        assert_eq!(
            err,
            SignError::InvalidHeaderValue {
                name: "Authorization"
            }
        );
        let bad_token = AkSk::new("AK", "SK").with_security_token("TOKEN-VISIBLE\r\n");
        let err2 = sign(&mut req, &bad_token, None, vector_time()).unwrap_err();
        assert_eq!(
            err2,
            SignError::InvalidHeaderValue {
                name: "X-Security-Token"
            }
        );
        for e in [err, err2] {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("VISIBLE"), "{shown}");
        }
        assert!(req.headers().is_empty());

        let err = sign(&mut req, &AkSk::new("", "SK"), None, vector_time()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot sign the request: the access key is empty"
        );
        let err = sign(&mut req, &AkSk::new("AK", ""), None, vector_time()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot sign the request: the secret key is empty"
        );
        let err = sign(&mut req, &aksk(), None, UNIX_EPOCH - Duration::from_secs(1)).unwrap_err();
        assert_eq!(err, SignError::ClockBeforeEpoch);
    }

    #[test]
    fn repeated_or_non_utf8_headers_are_errors() {
        let mut req = request(
            Method::GET,
            "https://h/p",
            &[("X-A", "1"), ("x-a", "2")],
            b"",
        );
        assert_eq!(
            sign(&mut req, &aksk(), None, vector_time()).unwrap_err(),
            SignError::RepeatedHeader { name: "x-a".into() }
        );
        let mut req = request(Method::GET, "https://h/p", &[], b"");
        req.headers_mut()
            .insert("x-bin", HeaderValue::from_bytes(b"\xff\xfe").unwrap());
        assert_eq!(
            sign(&mut req, &aksk(), None, vector_time()).unwrap_err(),
            SignError::HeaderNotUtf8 {
                name: "x-bin".into()
            }
        );
    }

    // --- X-Sdk-Date -------------------------------------------------------------------------

    #[test]
    fn sdk_date_is_utc_basic_format() {
        let at = |secs| format_sdk_date(UNIX_EPOCH + Duration::from_secs(secs)).unwrap();
        assert_eq!(at(0), "19700101T000000Z");
        assert_eq!(at(1_136_214_245), "20060102T150405Z");
        assert_eq!(at(1_709_251_198), "20240229T235958Z");
        assert_eq!(at(946_684_799), "19991231T235959Z");
        assert_eq!(at(4_107_542_400), "21000301T000000Z");
        assert_eq!(at(253_402_300_799), "99991231T235959Z");
        // Sub-second parts are dropped.
        let t = UNIX_EPOCH + Duration::from_millis(1_136_214_245_999);
        assert_eq!(format_sdk_date(t).unwrap(), "20060102T150405Z");
        // After the year 9999 there is no date to write (the official signer has none either).
        let late = UNIX_EPOCH + Duration::from_secs(253_402_300_800);
        assert_eq!(format_sdk_date(late), Err(SignError::ClockAfterYear9999));
    }
}
