//! Verifying AK/SK (`SDK-HMAC-SHA256`) request signatures with the client crate's signer.

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, Method, Uri};
use huaweicloud_vpn::SecretString;
use huaweicloud_vpn::auth::{ALGORITHM, signature_for};

use crate::clock::parse_sdk_date;

/// How far `X-Sdk-Date` may be from the server's clock, either way.
pub(crate) const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// The configured access key and secret key.
pub(crate) struct Credentials {
    pub ak: String,
    pub sk: SecretString,
}

/// Checks a request's signature. `Err` is the reason, for the message after
/// `Incorrect IAM authentication information: ` (it never contains a secret).
pub(crate) fn verify(
    credentials: &Credentials,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<(), String> {
    let Some(authorization) = headers.get("authorization") else {
        return Err(if headers.contains_key("x-auth-token") {
            "token authentication is not accepted by this endpoint, sign requests with AK/SK".into()
        } else {
            "Authorization header is missing".into()
        });
    };
    let authorization = authorization
        .to_str()
        .map_err(|_| "Authorization header is not ASCII text".to_string())?;
    let parsed = parse_authorization(authorization)?;
    if parsed.access != credentials.ak {
        return Err("ak not exist".into());
    }
    let date_text = single(headers, "x-sdk-date")?.ok_or("X-Sdk-Date header is missing")?;
    let date = parse_sdk_date(&date_text).ok_or("X-Sdk-Date is not a YYYYMMDDTHHMMSSZ time")?;
    let skew = match now.duration_since(date) {
        Ok(ahead) => ahead,
        Err(behind) => behind.duration(),
    };
    if skew > MAX_CLOCK_SKEW {
        return Err("X-Sdk-Date expired: it must be within 15 minutes of the server time".into());
    }
    let names: Vec<&str> = parsed.signed_headers.split(';').collect();
    if !names.contains(&"x-sdk-date") {
        return Err("x-sdk-date must be a signed header".into());
    }
    let mut signed = Vec::with_capacity(names.len());
    for name in &names {
        if name.is_empty() || *name != name.to_ascii_lowercase() {
            return Err("SignedHeaders must be lower-case header names separated by ';'".into());
        }
        let value = single(headers, name)?
            .ok_or_else(|| format!("signed header {name} is not in the request"))?;
        signed.push((name.to_string(), value));
    }
    let host = single(headers, "host")?.unwrap_or_else(|| "localhost".into());
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let url = url::Url::parse(&format!("http://{host}{path_and_query}"))
        .map_err(|_| "the request URL cannot be read for verification".to_string())?;
    let expected = signature_for(
        method.as_str(),
        &url,
        &signed,
        body,
        &credentials.sk,
        &date_text,
    );
    if expected.signed_headers != parsed.signed_headers {
        return Err("SignedHeaders must be sorted and without repetitions".into());
    }
    if !constant_time_eq(expected.signature.as_bytes(), parsed.signature.as_bytes()) {
        return Err("verify aksk signature fail".into());
    }
    Ok(())
}

struct Authorization<'a> {
    access: &'a str,
    signed_headers: &'a str,
    signature: String,
}

/// `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`.
fn parse_authorization(text: &str) -> Result<Authorization<'_>, String> {
    let rest = text
        .strip_prefix(ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(|| format!("Authorization must use the {ALGORITHM} algorithm"))?;
    let (mut access, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Access=") {
            access = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed_headers = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        } else {
            return Err("Authorization header is malformed".into());
        }
    }
    match (access, signed_headers, signature) {
        (Some(access), Some(signed_headers), Some(signature)) if !access.is_empty() => {
            Ok(Authorization {
                access,
                signed_headers,
                signature: signature.to_ascii_lowercase(),
            })
        }
        _ => Err("Authorization needs Access, SignedHeaders and Signature".into()),
    }
}

/// The one value of a header as text; `Ok(None)` when absent.
fn single(headers: &HeaderMap, name: &str) -> Result<Option<String>, String> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(format!("header {name} is given more than once"));
    }
    // Header values are bytes; the signer reads them as UTF-8 text (as the SDKs send them).
    match std::str::from_utf8(first.as_bytes()) {
        Ok(text) => Ok(Some(text.to_string())),
        Err(_) => Err(format!("header {name} is not UTF-8 text")),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
