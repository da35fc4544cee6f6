//! Building clients: what is missing or malformed is an error naming it, before any request.

use std::ffi::OsString;

use huaweicloud_vpn::{ClientBuilder, Cloud, ConfigError};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| {
        vars.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| OsString::from(v))
    }
}

fn message(result: Result<impl std::fmt::Debug, ConfigError>) -> String {
    result.unwrap_err().to_string()
}

#[test]
fn endpoints_follow_from_cloud_and_region() {
    let builder = ClientBuilder::new().project_id(PROJECT).aksk("AK", "SK");
    let hwc = builder
        .clone()
        .region(Cloud::HuaweiCloud, "cn-north-4")
        .vpn_v5()
        .unwrap();
    assert_eq!(
        hwc.baseurl(),
        format!("https://vpn.cn-north-4.myhuaweicloud.com/v5/{PROJECT}")
    );
    let otc = builder
        .clone()
        .region(Cloud::OpenTelekomCloud, "eu-de")
        .vpn_v5()
        .unwrap();
    assert_eq!(
        otc.baseurl(),
        format!("https://vpn.eu-de.otc.t-systems.com/v5/{PROJECT}")
    );
    let legacy = builder
        .clone()
        .region(Cloud::OpenTelekomCloud, "eu-de")
        .ipsec_v2()
        .unwrap();
    assert_eq!(
        progenitor_baseurl(&legacy),
        "https://vpc.eu-de.otc.t-systems.com"
    );
    let local = builder.endpoint("http://127.0.0.1:9999/").vpn_v5().unwrap();
    assert_eq!(
        local.baseurl(),
        format!("http://127.0.0.1:9999/v5/{PROJECT}")
    );
}

fn progenitor_baseurl(client: &huaweicloud_vpn::ipsec_v2::Client) -> String {
    use huaweicloud_vpn::ipsec_v2::ClientInfo;
    client.baseurl().to_string()
}

#[test]
fn what_is_missing_is_named() {
    let no_endpoint = message(
        ClientBuilder::new()
            .project_id(PROJECT)
            .aksk("AK", "SK")
            .vpn_v5(),
    );
    assert_eq!(
        no_endpoint,
        "the endpoint is missing: call .region(Cloud::..., \"eu-de\") or .endpoint(\"https://...\")"
    );
    let no_project = message(
        ClientBuilder::new()
            .region(Cloud::HuaweiCloud, "cn-north-4")
            .aksk("AK", "SK")
            .vpn_v5(),
    );
    assert!(
        no_project.starts_with("the project id is missing")
            && no_project.contains("HUAWEICLOUD_SDK_PROJECT_ID"),
        "{no_project}"
    );
    let no_credentials = message(
        ClientBuilder::new()
            .region(Cloud::HuaweiCloud, "cn-north-4")
            .project_id(PROJECT)
            .vpn_v5(),
    );
    assert!(
        no_credentials.starts_with("credentials is missing")
            || no_credentials.starts_with("credentials are missing")
            || no_credentials.contains("credentials"),
        "{no_credentials}"
    );
    assert!(
        no_credentials.contains("HUAWEICLOUD_SDK_AK"),
        "{no_credentials}"
    );
    let no_iam = message(
        ClientBuilder::new()
            .endpoint("http://127.0.0.1:1")
            .project_id(PROJECT)
            .password("u", "p", "d")
            .vpn_v5(),
    );
    assert!(
        no_iam.starts_with("the IAM endpoint is missing"),
        "{no_iam}"
    );
    let empty_key = message(
        ClientBuilder::new()
            .endpoint("http://127.0.0.1:1")
            .project_id(PROJECT)
            .aksk("", "SK")
            .vpn_v5(),
    );
    assert!(empty_key.contains("AK or SK"), "{empty_key}");
}

#[test]
fn malformed_settings_are_named_with_the_rule() {
    let base = ClientBuilder::new().aksk("AK", "SK");
    let short = message(
        base.clone()
            .region(Cloud::HuaweiCloud, "cn-north-4")
            .project_id("abc")
            .vpn_v5(),
    );
    assert_eq!(
        short,
        "project id: must be 32 hexadecimal characters, got 3 characters"
    );
    let not_hex = message(
        base.clone()
            .region(Cloud::HuaweiCloud, "cn-north-4")
            .project_id("0123456789abcdef0123456789abcdeg")
            .vpn_v5(),
    );
    assert_eq!(
        not_hex,
        "project id: must be 32 hexadecimal characters, found 'g'"
    );
    let region = message(
        base.clone()
            .region(Cloud::OpenTelekomCloud, "EU DE")
            .project_id(PROJECT)
            .vpn_v5(),
    );
    assert!(region.starts_with("region `EU DE`"), "{region}");
    for (endpoint, rule) in [
        ("vpn.eu-de.otc.t-systems.com", "not an absolute URL"),
        ("ftp://vpn.example", "the scheme must be https"),
        ("https://vpn.example/?x=1", "must not have a query"),
        ("https://user:pw@vpn.example", "must not carry credentials"),
    ] {
        let text = message(base.clone().endpoint(endpoint).project_id(PROJECT).vpn_v5());
        assert!(text.contains(rule), "{endpoint}: {text}");
        assert!(!text.contains(":pw@") || endpoint.contains("pw"), "{text}");
    }
}

#[test]
fn credentials_and_project_from_the_sdk_environment_variables() {
    let builder = ClientBuilder::new()
        .with_env(env(&[
            ("HUAWEICLOUD_SDK_AK", "AKFROMENV"),
            ("HUAWEICLOUD_SDK_SK", "SKFROMENV-secret"),
            ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
        ]))
        .unwrap();
    let client = builder
        .clone()
        .region(Cloud::OpenTelekomCloud, "eu-de")
        .vpn_v5()
        .unwrap();
    assert!(client.baseurl().ends_with(PROJECT));
    let shown = format!("{builder:?} {client:?}");
    assert!(
        !shown.contains("AKFROMENV") && !shown.contains("SKFROMENV"),
        "{shown}"
    );
    assert!(
        shown.contains("AK/SK") || shown.contains("AkSk"),
        "the kind of credentials is shown: {shown}"
    );

    // Temporary credentials.
    let temporary = ClientBuilder::new()
        .with_env(env(&[
            ("HUAWEICLOUD_SDK_AK", "AK"),
            ("HUAWEICLOUD_SDK_SK", "SK"),
            ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "TOKEN-secret"),
        ]))
        .unwrap();
    assert!(format!("{temporary:?}").contains("temporary"));
    assert!(!format!("{temporary:?}").contains("TOKEN-secret"));

    // Empty variables are unset.
    let empty = ClientBuilder::new()
        .with_env(env(&[
            ("HUAWEICLOUD_SDK_AK", " "),
            ("HUAWEICLOUD_SDK_SK", ""),
        ]))
        .unwrap();
    assert!(
        message(
            empty
                .region(Cloud::HuaweiCloud, "cn-north-4")
                .project_id(PROJECT)
                .vpn_v5()
        )
        .contains("credentials")
    );
}

#[test]
fn inconsistent_environment_variables_are_named() {
    let cases = [
        (
            vec![("HUAWEICLOUD_SDK_AK", "AK")],
            "environment variable HUAWEICLOUD_SDK_SK: is not set, but HUAWEICLOUD_SDK_AK is",
        ),
        (
            vec![("HUAWEICLOUD_SDK_SK", "SK")],
            "environment variable HUAWEICLOUD_SDK_AK: is not set, but HUAWEICLOUD_SDK_SK is",
        ),
        (
            vec![("HUAWEICLOUD_SDK_SECURITY_TOKEN", "T")],
            "environment variable HUAWEICLOUD_SDK_SECURITY_TOKEN: is set, but HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not (a security token goes with temporary AK/SK)",
        ),
    ];
    for (vars, expected) in cases {
        let error = ClientBuilder::new().with_env(env(&vars)).unwrap_err();
        assert_eq!(error.to_string(), expected);
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let bad = |name: &str| {
            (name == "HUAWEICLOUD_SDK_AK").then(|| OsString::from_vec(vec![0xff, 0xfe]))
        };
        let error = ClientBuilder::new().with_env(bad).unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment variable HUAWEICLOUD_SDK_AK: is not valid UTF-8"
        );
    }
}

#[test]
fn the_legacy_api_needs_a_project_only_where_authentication_names_one() {
    let token = ClientBuilder::new()
        .region(Cloud::OpenTelekomCloud, "eu-de")
        .token("a-token")
        .ipsec_v2();
    assert!(token.is_ok(), "a token already names its project");
    let aksk = ClientBuilder::new()
        .region(Cloud::OpenTelekomCloud, "eu-de")
        .aksk("AK", "SK")
        .ipsec_v2();
    assert!(message(aksk).starts_with("the project id is missing"));
}

/// With the default features the client speaks TLS (rustls) without the program installing a
/// crypto provider: an `https` endpoint gets a TLS ClientHello, and a peer that
/// hangs up is an error, not a panic.
#[tokio::test]
async fn the_default_tls_stack_works_without_setup() {
    use tokio::io::AsyncReadExt;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut record = [0u8; 3];
        socket.read_exact(&mut record).await.unwrap();
        record // dropped socket: the handshake fails
    });
    let client = ClientBuilder::new()
        .endpoint(format!("https://127.0.0.1:{port}"))
        .project_id(PROJECT)
        .without_credentials()
        .vpn_v5()
        .expect("a client with the default TLS stack");
    let answer = client.list_vgws().send().await;
    assert!(answer.is_err(), "a peer that hangs up: {answer:?}");
    let record = peer.await.unwrap();
    // A TLS handshake record (0x16) of TLS 1.x (0x03 0x01..0x03).
    assert_eq!(record[0], 0x16, "not a TLS handshake: {record:?}");
    assert_eq!(record[1], 0x03, "not TLS: {record:?}");
}
