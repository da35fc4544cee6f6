//! Our AK/SK signer against the official one: a few hundred requests generated from a seeded
//! PRNG are signed with `huaweicloud_vpn::auth::sign` and, through `scripts/official_signer.py`,
//! with the Python SDK `huaweicloudsdkcore`'s own signer; the `Authorization` header, every
//! header value sent and the path and query sent must agree exactly.
//!
//! Needs Python with the pinned SDK: `bash scripts/judges.sh` makes `.venv-judges` (or
//! `python3 -m venv .venv-judges && .venv-judges/bin/pip install -r requirements-judges.txt`),
//! or point `OFFICIAL_SIGNER_PYTHON` at an interpreter that has it. Run with
//! `cargo test -p vpn-tests --features official-signer --test signer_official`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use huaweicloud_vpn::auth::{AkSk, canonical_request, sign};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Body, Method, Request, Url};
use serde_json::{Value, json};

const CASES: usize = 400;
const SEED: u64 = 0x5DEE_CE66_D1CE_B00C;
const HOW_TO_INSTALL: &str = "the official signer needs Python with huaweicloudsdkcore: run \
    `bash scripts/judges.sh` (it makes .venv-judges), or `python3 -m venv .venv-judges && \
    .venv-judges/bin/pip install -r requirements-judges.txt` at the repository root, or set \
    OFFICIAL_SIGNER_PYTHON to a Python that has `pip install -r requirements-judges.txt`";

/// xorshift64*: small, deterministic, good enough to pick test inputs.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn alnum(&mut self, len: usize) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len).map(|_| char::from(*self.pick(CHARS))).collect()
    }
}

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH"];
const BASES: &[&str] = &[
    "https://vpn.eu-de.otc.t-systems.com",
    "https://vpc.cn-north-4.myhuaweicloud.com:443",
    "https://vpn.example.com:8443",
    "http://127.0.0.1:8080",
    "http://Example.COM:80",
    "https://[::1]:9443",
];
const SEGMENTS: &[&str] = &[
    "v5",
    "v2.0",
    "0b8e3c5e4e8a4b1c9d2f6a7b8c9d0e1f",
    "vpn-gateways",
    "vpn_connections",
    "köln",
    "a b",
    "c+d",
    "x=y",
    "~tilde",
    "50%",
    "100%25",
    "user@host",
    "a:b",
    "日本語",
    "emoji😀",
    "semi;colon",
    "star*",
    "(paren)",
    "it's",
    "comma,sep",
    "dollar$",
    "amp&",
    "excl!",
    "q?mark",
    "hash#tag",
    "a%2Fb",
    "%2f",
    "%zz",
    "MiXeD",
];
const KEYS: &[&str] = &[
    "limit",
    "marker",
    "name",
    "vpn_gateway_id",
    "a",
    "A",
    "Z",
    "[",
    "~",
    "é",
    "key with space",
    "k+plus",
    "k=eq",
    "",
    "flag",
    "日本",
    "x*y",
    "a/b",
];
const VALUES: &[&str] = &[
    "1", "", "x y", "a+b", "=", "köln", "~", "*", "100%", "a/b?c", "@:", "😀", "dup", "DUP", "&",
    "#", " lead", "trail ", "%41",
];
const HEADER_NAMES: &[&str] = &[
    "X-Custom-Alpha",
    "x-CUSTOM-beta",
    "Accept",
    "User-Agent",
    "X-Request-Id",
    "X_Under_Score",
    "x-empty",
    "X-Unicode",
];
const HEADER_VALUES: &[&str] = &[
    " padded ",
    "\tTabbed\t",
    "plain",
    "café",
    "a  b",
    "",
    "   ",
    "日本 ",
    "text/html;q=0.9, */*",
    "\u{a0}nbsp\u{a0}",
];
const CONTENT_TYPE_NAMES: &[&str] = &["Content-Type", "content-type", "CONTENT-TYPE"];
const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/json;charset=UTF-8",
    "application/bson",
    "application/octet-stream",
    "text/plain; charset=utf-8",
    "Application/JSON",
    " application/json",
    "multipart/form-data; boundary=xyz",
];
/// Fixed signing times: 2006-01-02T15:04:05Z, 2024-02-29T23:59:58Z, 1999-12-31T23:59:59Z.
const TIMES: &[(u64, &str)] = &[
    (1_136_214_245, "20060102T150405Z"),
    (1_709_251_198, "20240229T235958Z"),
    (946_684_799, "19991231T235959Z"),
];

/// Percent-encodes every byte outside `A-Za-z0-9-_.~`, with upper- or lower-case hex.
fn percent_all(text: &str, upper: bool) -> String {
    let mut out = String::new();
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else if upper {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

/// `application/x-www-form-urlencoded` (space as `+`, `*-._` kept), as reqwest's `.query()`.
fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"*-._".contains(&b) {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Only what would change the structure is escaped; the url crate encodes the rest.
fn minimal_escape(text: &str, escape: &[char]) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if escape.contains(&c) {
            out.push_str(&percent_all(&c.to_string(), true));
        } else {
            out.push(c);
        }
    }
    out
}

struct Case {
    method: String,
    url: Url,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    ak: String,
    sk: String,
    token: Option<String>,
    project_id: Option<String>,
    time: (u64, &'static str),
}

fn generate(rng: &mut XorShift) -> Case {
    let mut method = rng.pick(METHODS).to_string();
    if rng.chance(3) {
        method = method.to_lowercase(); // an extension method: signed upper-cased
    }

    let mut url = rng.pick(BASES).to_string();
    let segments = rng.below(6);
    for _ in 0..segments {
        let segment = rng.pick(SEGMENTS);
        url.push('/');
        url.push_str(&match rng.below(3) {
            0 => percent_all(segment, true),
            1 => percent_all(segment, false),
            _ => minimal_escape(segment, &['?', '#', '\\']),
        });
    }
    if segments == 0 || rng.chance(15) {
        url.push('/');
    }

    let params = rng.below(7);
    if params > 0 || rng.chance(10) {
        url.push('?');
    }
    for i in 0..params {
        if i > 0 {
            url.push('&');
            if rng.chance(5) {
                url.push('&'); // an empty pair
            }
        }
        let key = rng.pick(KEYS);
        let value = rng.pick(VALUES);
        let (key, value) = match rng.below(4) {
            0 => (form_encode(key), form_encode(value)),
            1 => (percent_all(key, true), percent_all(value, true)),
            2 => (percent_all(key, false), percent_all(value, false)),
            _ => (
                minimal_escape(key, &['&', '=', '#', '+', '%']),
                minimal_escape(value, &['&', '#', '+', '%']),
            ),
        };
        url.push_str(&key);
        if !(value.is_empty() && rng.chance(40)) {
            url.push('=');
            url.push_str(&value);
        }
    }
    let url = Url::parse(&url).unwrap_or_else(|e| panic!("generated URL {url:?}: {e}"));

    let mut headers = Vec::new();
    let mut names: Vec<&str> = HEADER_NAMES.to_vec();
    for _ in 0..rng.below(5) {
        let name = names.remove(rng.below(names.len()));
        headers.push((name.to_string(), rng.pick(HEADER_VALUES).to_string()));
    }

    let body: Vec<u8> = match rng.below(6) {
        _ if matches!(method.as_str(), "GET" | "DELETE" | "get") && rng.chance(80) => Vec::new(),
        0 => Vec::new(),
        1 => format!(
            "{{\"name\":\"vpn-{}\",\"id\":{}}}",
            rng.alnum(4),
            rng.below(1000)
        )
        .into(),
        2 => "{\"name\":\"köln 日本 😀\",\"description\":\"a\\nb\"}".into(),
        3 => b"{\"Name\":\"test\",\"Id\":1}\n".to_vec(),
        4 => (0..rng.below(40)).map(|_| rng.next() as u8).collect(),
        _ => "plain text body ".repeat(1 + rng.below(4)).into(),
    };
    if !body.is_empty() && rng.chance(70) || rng.chance(10) {
        headers.push((
            rng.pick(CONTENT_TYPE_NAMES).to_string(),
            rng.pick(CONTENT_TYPES).to_string(),
        ));
    }
    if rng.chance(4) {
        let value = if rng.chance(50) {
            "UNSIGNED-PAYLOAD"
        } else {
            "0000000000000000000000000000000000000000000000000000000000000000"
        };
        headers.push(("X-Sdk-Content-Sha256".to_string(), value.to_string()));
    }
    // Headers in any order.
    for i in (1..headers.len()).rev() {
        headers.swap(i, rng.below(i + 1));
    }

    let ak = if rng.chance(30) {
        "AccessKey".to_string()
    } else {
        rng.alnum(20).to_uppercase()
    };
    let sk = match rng.below(4) {
        0 => "SecretKey".to_string(),
        1 => format!("sk-ünïcødé-{}", rng.alnum(8)),
        _ => rng.alnum(40),
    };
    let token = rng
        .chance(35)
        .then(|| format!("{}+/{}==", rng.alnum(60), rng.alnum(20)));
    let project_id = match rng.below(10) {
        0..=3 => Some(format!(
            "{:032x}",
            u128::from(rng.next()) << 64 | u128::from(rng.next())
        )),
        4 => Some(String::new()),
        _ => None,
    };
    let time = *rng.pick(TIMES);
    Case {
        method,
        url,
        headers,
        body,
        ak,
        sk,
        token,
        project_id,
        time,
    }
}

/// Whether the path holds a `%` of its own: `%25`, or a `%` not starting an escape.
fn has_literal_percent(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && (path[i..].starts_with("%25")
                || !bytes
                    .get(i + 1..i + 3)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)))
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What our side sent: lower-case header names to values (the token and the AK replaced as
/// the Python script does), and the path and query.
struct Ours {
    request: Request,
    headers: BTreeMap<String, String>,
    uri: String,
}

fn sign_ours(case: &Case) -> Result<Ours, String> {
    let method = Method::from_bytes(case.method.as_bytes()).map_err(|e| e.to_string())?;
    let mut request = Request::new(method, case.url.clone());
    for (name, value) in &case.headers {
        request.headers_mut().insert(
            HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?,
            HeaderValue::from_bytes(value.as_bytes()).map_err(|e| e.to_string())?,
        );
    }
    if !case.body.is_empty() {
        *request.body_mut() = Some(Body::from(case.body.clone()));
    }
    let mut credentials = AkSk::new(&case.ak, &case.sk);
    if let Some(token) = &case.token {
        credentials = credentials.with_security_token(token);
    }
    let now = UNIX_EPOCH + Duration::from_secs(case.time.0);
    sign(&mut request, &credentials, case.project_id.as_deref(), now)
        .map_err(|e| format!("our signer failed: {e}"))?;

    let mut headers = BTreeMap::new();
    for (name, value) in request.headers() {
        let mut text = String::from_utf8(value.as_bytes().to_vec()).map_err(|e| e.to_string())?;
        if name == "authorization" {
            text = text.replacen(&format!("Access={}, ", case.ak), "Access=<ak>, ", 1);
        } else if name == "x-security-token" && Some(&text) == case.token.as_ref() {
            text = "<security-token>".into();
        }
        headers.insert(name.as_str().to_string(), text);
    }
    let url = request.url();
    let uri = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    };
    Ok(Ours {
        request,
        headers,
        uri,
    })
}

fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("OFFICIAL_SIGNER_PYTHON") {
        return PathBuf::from(path);
    }
    let venv = vpn_tests::root().join(".venv-judges/bin/python");
    if venv.exists() {
        return venv;
    }
    panic!(
        "no Python for the official signer: neither OFFICIAL_SIGNER_PYTHON is set nor {} \
         exists; {HOW_TO_INSTALL}",
        venv.display()
    );
}

#[test]
fn our_signer_agrees_with_the_official_python_sdk() {
    let mut rng = XorShift(SEED);
    let cases: Vec<Case> = (0..CASES).map(|_| generate(&mut rng)).collect();

    // Cover what the comparison is meant to cover.
    let count = |f: &dyn Fn(&Case) -> bool| cases.iter().filter(|c| f(c)).count();
    let coverage = [
        ("security token", count(&|c| c.token.is_some())),
        (
            "project id",
            count(&|c| c.project_id.as_deref().is_some_and(|p| !p.is_empty())),
        ),
        (
            "non-ASCII path",
            count(&|c| c.url.path().contains("%C3%B6") || c.url.path().contains("%c3%b6")),
        ),
        ("`+` in path", count(&|c| c.url.path().contains('+'))),
        ("`%` in path", count(&|c| has_literal_percent(c.url.path()))),
        (
            "repeated query key",
            count(&|c| {
                let keys: Vec<_> = c.url.query_pairs().map(|(k, _)| k.into_owned()).collect();
                (1..keys.len()).any(|i| keys[..i].contains(&keys[i]))
            }),
        ),
        (
            "empty query value",
            count(&|c| c.url.query_pairs().any(|(_, v)| v.is_empty())),
        ),
        (
            "padded header",
            count(&|c| c.headers.iter().any(|(_, v)| v.trim() != v)),
        ),
        (
            "Content-Type",
            count(&|c| {
                c.headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            }),
        ),
        (
            "underscore header",
            count(&|c| c.headers.iter().any(|(n, _)| n.contains('_'))),
        ),
        (
            "non-ASCII body",
            count(&|c| std::str::from_utf8(&c.body).is_ok_and(|b| !b.is_ascii())),
        ),
        (
            "binary body",
            count(&|c| std::str::from_utf8(&c.body).is_err()),
        ),
    ];
    for (what, n) in coverage {
        assert!(n >= 10, "only {n} generated cases with {what}");
    }

    let ours: Vec<Result<Ours, String>> = cases.iter().map(sign_ours).collect();

    let input = json!({
        "cases": cases.iter().enumerate().map(|(id, c)| json!({
            "id": id,
            "method": c.method,
            "url": c.url.as_str(),
            "headers": c.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
            "body_hex": hex(&c.body),
            "ak": c.ak,
            "sk": c.sk,
            "security_token": c.token,
            "project_id": c.project_id,
            "sdk_date": c.time.1,
        })).collect::<Vec<_>>()
    });
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path = std::env::temp_dir().join(format!(
        "signer-official-{}-{nanos}.json",
        std::process::id()
    ));
    std::fs::write(&path, serde_json::to_vec(&input).unwrap()).unwrap();

    let python = python();
    let script = vpn_tests::root().join("scripts/official_signer.py");
    let output = Command::new(&python).arg(&script).arg(&path).output();
    let _ = std::fs::remove_file(&path);
    let output =
        output.unwrap_or_else(|e| panic!("cannot run {}: {e}; {HOW_TO_INSTALL}", python.display()));
    assert!(
        output.status.success(),
        "{} {} failed ({}):\n{}\n{HOW_TO_INSTALL}",
        python.display(),
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the official signer's output is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    let version = answer["sdk_version"].as_str().unwrap_or("?");
    let results = answer["results"].as_array().expect("results");
    assert_eq!(results.len(), cases.len(), "one result per case");

    let mut mismatches = Vec::new();
    for (id, ((case, ours), theirs)) in cases.iter().zip(&ours).zip(results).enumerate() {
        assert_eq!(theirs["id"].as_u64(), Some(id as u64));
        let problem = match (ours, theirs.get("error")) {
            (_, Some(error)) => Some(format!("the official signer failed: {error}")),
            (Err(e), None) => Some(e.clone()),
            (Ok(ours), None) => {
                let their_headers: BTreeMap<String, String> = theirs["headers"]
                    .as_object()
                    .expect("headers")
                    .iter()
                    .map(|(k, v)| (k.to_lowercase(), v.as_str().unwrap_or("?").to_string()))
                    .collect();
                let their_auth = theirs["authorization"].as_str().unwrap_or("?");
                let their_uri = theirs["uri"].as_str().unwrap_or("?");
                let mut diffs = Vec::new();
                if ours.headers.get("authorization").map(String::as_str) != Some(their_auth) {
                    diffs.push(format!(
                        "Authorization\n    ours:     {:?}\n    official: {their_auth:?}",
                        ours.headers.get("authorization")
                    ));
                }
                let without_authorization = |headers: &BTreeMap<String, String>| {
                    let mut headers = headers.clone();
                    headers.remove("authorization");
                    headers
                };
                if without_authorization(&ours.headers) != without_authorization(&their_headers) {
                    diffs.push(format!(
                        "other headers sent\n    ours:     {:?}\n    official: {:?}",
                        without_authorization(&ours.headers),
                        without_authorization(&their_headers)
                    ));
                }
                if ours.uri != their_uri {
                    diffs.push(format!(
                        "path and query sent\n    ours:     {:?}\n    official: {their_uri:?}",
                        ours.uri
                    ));
                }
                (!diffs.is_empty()).then(|| {
                    let signed: Vec<(String, String)> = ours
                        .request
                        .headers()
                        .iter()
                        .filter(|(n, _)| *n != "authorization")
                        .map(|(n, v)| {
                            (
                                n.to_string(),
                                String::from_utf8_lossy(v.as_bytes()).into_owned(),
                            )
                        })
                        .collect();
                    let canonical = canonical_request(
                        ours.request.method().as_str(),
                        ours.request.url(),
                        &signed,
                        &case.body,
                    );
                    format!(
                        "{}\n  our canonical request:\n{canonical}",
                        diffs.join("\n  ")
                    )
                })
            }
        };
        if let Some(problem) = problem {
            mismatches.push(format!(
                "case {id}: {} {} headers {:?} body {} bytes, token {}, project id {:?}\n  {problem}",
                case.method,
                case.url,
                case.headers,
                case.body.len(),
                case.token.is_some(),
                case.project_id
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ from huaweicloudsdkcore {version}; the first ones:\n\n{}",
        mismatches.len(),
        cases.len(),
        mismatches
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    println!(
        "{} cases signed identically by huaweicloud_vpn::auth::sign and huaweicloudsdkcore {version}",
        cases.len()
    );
}
