//! How a generated type becomes JSON. The types' `Serialize` is generated (`encode_struct!`,
//! `encode_enum!`, `encode_newtype!`: xtask's pass 16) rather than derived, and must write
//! what serde's derive wrote: these tests pin that through the public types, text for text.

use huaweicloud_vpn::vpn_v5::types::{
    AvailabilityZones, ConnectionStyle, CreateVpnConnection, CreateVpnConnectionPsk,
    CreateVpnConnectionRequest, TaggedResource, VpnGatewayAvailabilityZones,
};

fn text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

#[test]
fn fields_are_written_in_order_under_their_wire_names_and_none_is_left_out() {
    let zones = AvailabilityZones {
        basic: Some(VpnGatewayAvailabilityZones::default()),
        professional1_non_fixed_ip: Some(VpnGatewayAvailabilityZones::default()),
        ..Default::default()
    };
    let written = text(&zones);
    assert!(
        written.starts_with(r#"{"basic":{"#)
            && written.contains(r#"},"Professional1-NonFixedIP":{"#),
        "{written}"
    );
    assert!(
        !written.contains("gm") && !written.contains("null"),
        "{written}"
    );
    assert_eq!(text(&AvailabilityZones::default()), "{}");
}

#[test]
fn an_empty_object_field_is_left_out_and_a_filled_one_written() {
    let mut resource = TaggedResource {
        resource_id: Some("r-1".into()),
        ..Default::default()
    };
    assert_eq!(text(&resource), r#"{"resource_id":"r-1"}"#);
    resource
        .resource_detail
        .insert("k".into(), serde_json::json!(1));
    assert_eq!(
        text(&resource),
        r#"{"resource_detail":{"k":1},"resource_id":"r-1"}"#
    );
}

#[test]
fn enums_are_their_wire_values_and_newtypes_their_value() {
    assert_eq!(text(&ConnectionStyle::Static), r#""static""#);
    assert_eq!(
        text(&vec![ConnectionStyle::Bgp, ConnectionStyle::Policy]),
        r#"["bgp","policy"]"#
    );
    let psk: CreateVpnConnectionPsk = "a-pre-shared-key-1".parse().unwrap();
    assert_eq!(text(&psk), r#""a-pre-shared-key-1""#);
}

#[test]
fn a_built_request_body_reads_back_as_sent() {
    let body: CreateVpnConnectionRequest = CreateVpnConnectionRequest::builder()
        .vpn_connection(
            CreateVpnConnection::builder()
                .vgw_id("b32d91a4-0000-4000-8000-e907174eb11d")
                .vgw_ip("0c464dad-0000-4000-8000-c22bb0eb0bde")
                .cgw_id("5247ae10-0000-4000-8000-dd36659a7f5d")
                .peer_subnets(vec!["192.168.44.0/24".to_string()])
                .style(ConnectionStyle::Static)
                .psk("a-pre-shared-key-1"),
        )
        .try_into()
        .unwrap();
    // Unset optional fields are left out (not sent as null); the rest in declared order.
    assert_eq!(
        text(&body),
        concat!(
            r#"{"vpn_connection":{"cgw_id":"5247ae10-0000-4000-8000-dd36659a7f5d","#,
            r#""peer_subnets":["192.168.44.0/24"],"psk":"a-pre-shared-key-1","style":"static","#,
            r#""vgw_id":"b32d91a4-0000-4000-8000-e907174eb11d","#,
            r#""vgw_ip":"0c464dad-0000-4000-8000-c22bb0eb0bde"}}"#
        )
    );
}
