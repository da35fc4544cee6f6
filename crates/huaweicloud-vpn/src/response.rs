//! A successful call's answer: the decoded body with the status and headers it came with.

use std::ops::{Deref, DerefMut};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// The answer of a call: its decoded body ([`into_inner`](Self::into_inner), or through
/// `Deref`), with the HTTP status and headers it came with (`X-Request-Id` for a support
/// ticket, for example).
///
/// ```
/// use huaweicloud_vpn::ResponseValue;
/// use reqwest::StatusCode;
/// use reqwest::header::HeaderMap;
///
/// let answer = ResponseValue::new(vec!["vpn-1"], StatusCode::OK, HeaderMap::new());
/// assert_eq!(answer.status(), StatusCode::OK);
/// assert_eq!(answer.len(), 1); // the body's own methods, through `Deref`
/// assert_eq!(answer.into_inner(), vec!["vpn-1"]);
/// ```
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> ResponseValue<T> {
    /// An answer made of its parts.
    pub fn new(inner: T, status: StatusCode, headers: HeaderMap) -> Self {
        ResponseValue {
            inner,
            status,
            headers,
        }
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the answer.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Length` the answer announced, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(reqwest::header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    /// The same answer with its body converted by `f` (status and headers kept).
    pub fn map<U, F: FnOnce(T) -> U>(self, f: F) -> ResponseValue<U> {
        ResponseValue {
            inner: f(self.inner),
            status: self.status,
            headers: self.headers,
        }
    }
}

impl ResponseValue<()> {
    /// An answer without a body (`204 No Content`), keeping its status and headers.
    pub(crate) fn empty(response: reqwest::Response) -> Self {
        let status = response.status();
        let mut response = response;
        let headers = std::mem::take(response.headers_mut());
        ResponseValue::new((), status, headers)
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T> AsRef<T> for ResponseValue<T> {
    fn as_ref(&self) -> &T {
        &self.inner
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body's own `Debug` redacts its secrets; header values are left out (a header
        // may carry a token).
        f.debug_struct("ResponseValue")
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("inner", &self.inner)
            .finish()
    }
}
