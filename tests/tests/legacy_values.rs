//! Open Telekom Cloud's legacy VPN speaks its own dialect of Neutron's VPNaaS: `sha2-256`, a
//! lifetime object, `pfs: disable`, endpoint groups of type `subnet` or `cidr`. Clients built
//! from upstream's definitions (gtema/openstack, for one) fail on its answers and send values it
//! refuses. These tests hold the client to OTC's published shapes both ways: answers parse, and
//! upstream's spellings are refused before anything is sent, naming the field and the rule.

use huaweicloud_vpn::{Error, ipsec_v2, operation};
use ipsec_v2::types::{
    AuthAlgorithm, CreateEndpointGroup, CreateEndpointGroupRequest, CreateIkePolicy,
    CreateIkePolicyRequest, EndpointGroupResponse, EndpointGroupType, IkePolicyResponse,
    IpsecPolicyResponse, Pfs, ReportedLifetimeValue, ReportedPeerCidrs,
};
use serde_json::json;
use wiremock::MockServer;

/// A server that fails the test if anything reaches it.
async fn untouched() -> MockServer {
    MockServer::start().await
}

async fn assert_nothing_sent(server: &MockServer) {
    let requests = server.received_requests().await.expect("recording is on");
    assert!(requests.is_empty(), "nothing may be sent: {requests:#?}");
}

fn client(server: &MockServer) -> ipsec_v2::Client {
    ipsec_v2::Client::for_endpoint(&server.uri()).expect("valid endpoint")
}

#[test]
fn otc_answers_parse_with_their_own_spellings() {
    // As OTC's "Querying Details About an IKE Policy" page shapes it, with the values of
    // its tables that upstream Neutron does not have.
    let ike: IkePolicyResponse = serde_json::from_value(json!({"ikepolicy": {
        "id": "5522aff7-1b3c-48dd-9c3c-b50f016b73db",
        "auth_algorithm": "sha2-256",
        "encryption_algorithm": "aes-256",
        "pfs": "disable",
        "phase1_negotiation_mode": "main",
        "ike_version": "v2",
        "lifetime": {"units": "seconds", "value": 86400}
    }}))
    .expect("OTC's IKE policy answer parses");
    let ike = ike.ikepolicy;
    assert_eq!(ike.auth_algorithm, Some(AuthAlgorithm::Sha2256));
    assert_eq!(ike.pfs, Some(Pfs::Disable));
    let lifetime = ike.lifetime.unwrap();
    assert!(matches!(
        lifetime.value,
        Some(ReportedLifetimeValue::Integer(86400))
    ));

    // One published table types the lifetime value as a string: such an answer still parses.
    let ipsec: IpsecPolicyResponse = serde_json::from_value(json!({"ipsecpolicy": {
        "auth_algorithm": "sha2-512",
        "pfs": "group21",
        "lifetime": {"units": "seconds", "value": "3600"}
    }}))
    .expect("a string lifetime value is tolerated");
    let ipsec = ipsec.ipsecpolicy;
    assert!(matches!(
        ipsec.lifetime.unwrap().value,
        Some(ReportedLifetimeValue::String(ref v)) if v == "3600"
    ));

    // The update-connection table types `peer_cidrs` as a string; the other pages as a list.
    let connection: ipsec_v2::types::IpsecSiteConnectionResponse =
        serde_json::from_value(json!({"ipsec_site_connection": {"peer_cidrs": ""}}))
            .expect("a string peer_cidrs is tolerated");
    assert!(matches!(
        connection.ipsec_site_connection.peer_cidrs,
        Some(ReportedPeerCidrs::String(_))
    ));

    let group: EndpointGroupResponse = serde_json::from_value(json!({"endpoint_group": {
        "type": "subnet", "endpoints": ["a3da778c-adfb-46db-88b3-d2ce53290a89"]
    }}))
    .unwrap();
    assert_eq!(group.endpoint_group.type_, Some(EndpointGroupType::Subnet));
}

/// The call was refused before sending with a message holding every one of `needles` (the
/// field and its rule).
fn assert_refused<T: std::fmt::Debug>(result: Result<T, Error>, needles: &[&str]) {
    match result {
        Err(Error::InvalidRequest(message)) => assert!(
            needles.iter().all(|n| message.contains(n)),
            "the message names the field and the rule ({needles:?}): {message}"
        ),
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn upstream_spellings_are_refused_before_sending() {
    let server = untouched().await;

    // `sha256` is upstream Neutron's spelling; OTC takes `sha2-256`.
    let policy = CreateIkePolicy::builder().auth_algorithm("sha256");
    assert_refused(
        client(&server)
            .create_ike_policy()
            .body(CreateIkePolicyRequest::builder().ikepolicy(policy))
            .send()
            .await,
        &["auth_algorithm", "sha2-256"],
    );

    // `network` is an upstream endpoint group type; OTC has `subnet` and `cidr`.
    let group = CreateEndpointGroup::builder()
        .type_("network")
        .endpoints(vec!["10.2.0.0/24".to_string()]);
    assert_refused(
        client(&server)
            .create_endpoint_group()
            .body(CreateEndpointGroupRequest::builder().endpoint_group(group))
            .send()
            .await,
        &["type", "subnet, cidr"],
    );

    // A lifetime below OTC's 60 seconds.
    let policy = CreateIkePolicy::builder().lifetime(
        ipsec_v2::types::Lifetime::builder()
            .units("seconds")
            .value(30),
    );
    assert_refused(
        client(&server)
            .create_ike_policy()
            .body(CreateIkePolicyRequest::builder().ikepolicy(policy))
            .send()
            .await,
        &["value", "must be between 60 and 604800, got 30"],
    );

    // The values themselves: upstream's spellings do not parse, OTC's do.
    assert!("sha256".parse::<AuthAlgorithm>().is_err());
    assert_eq!(
        "sha2-256".parse::<AuthAlgorithm>().unwrap(),
        AuthAlgorithm::Sha2256
    );
    assert!("network".parse::<EndpointGroupType>().is_err());
    assert_nothing_sent(&server).await;
}

/// The same rules hold for a body given as JSON (`hcvpn op ... --body`): the operation table's
/// check names the field's path.
#[test]
fn json_bodies_with_upstream_spellings_are_refused() {
    let ike = operation::find("CreateIkePolicy").unwrap().request.unwrap();
    (ike.check)(
        &json!({"ikepolicy": {"auth_algorithm": "sha2-256", "pfs": "disable",
        "lifetime": {"units": "seconds", "value": 3600}}}),
    )
    .expect("OTC's spellings are accepted");
    let error = (ike.check)(&json!({"ikepolicy": {"auth_algorithm": "sha256"}})).unwrap_err();
    assert!(
        error.starts_with("ikepolicy.auth_algorithm: not one of the documented values"),
        "{error}"
    );
    let error = (ike.check)(&json!({"ikepolicy": {"lifetime": {"value": "3600"}}})).unwrap_err();
    assert!(error.starts_with("ikepolicy.lifetime.value:"), "{error}");

    let group = operation::find("CreateEndpointGroup")
        .unwrap()
        .request
        .unwrap();
    let error = (group.check)(&json!({"endpoint_group": {
        "type": "network", "endpoints": ["10.2.0.0/24"]}}))
    .unwrap_err();
    assert!(
        error.starts_with("endpoint_group.type: not one of the documented values"),
        "{error}"
    );
    let error = (group.check)(&json!({"endpoint_group": {"type": "cidr"}})).unwrap_err();
    assert!(
        error.contains("endpoints"),
        "a required field is named: {error}"
    );
}
