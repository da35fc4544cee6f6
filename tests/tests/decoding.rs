//! How an answer's JSON object becomes a generated struct. The structs' `Deserialize` is
//! generated (`decode_struct!`, xtask's pass 14) rather than derived, and must read JSON as
//! serde's derive did: these tests pin that through the public types, from bytes (borrowed
//! keys), from text with escaped keys and from a `serde_json::Value` (owned keys).

use huaweicloud_vpn::vpn_v5::types::{
    ConnectionMonitorResponse, TaggedResource, VpnConnection, VpnConnectionResponse,
    VpnConnectionStatus,
};
use serde_json::json;

fn from_bytes<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_slice(text.as_bytes()).map_err(|e| e.to_string())
}

#[test]
fn fields_are_read_by_their_wire_names_and_unknown_ones_are_skipped() {
    let answer: VpnConnectionResponse = from_bytes(
        r#"{"request_id": "r-1", "new_top_level": [1, {"a": null}],
            "vpn_connection": {"id": "c-1", "status": "ACTIVE", "added_later": {"x": 1},
                               "peer_subnets": ["10.1.0.0/16"], "name": null}}"#,
    )
    .unwrap();
    assert_eq!(answer.request_id.as_deref(), Some("r-1"));
    let connection = &answer.vpn_connection;
    assert_eq!(connection.id.as_deref(), Some("c-1"));
    assert_eq!(connection.status, Some(VpnConnectionStatus::Active));
    assert_eq!(
        connection.peer_subnets.as_deref(),
        Some(&["10.1.0.0/16".to_string()][..])
    );
    // `null` and absent are both `None`.
    assert_eq!(connection.name, None);
    assert_eq!(connection.cgw_id, None);
}

#[test]
fn a_missing_required_field_is_an_error_naming_it() {
    let error = from_bytes::<VpnConnectionResponse>(r#"{"request_id": "r-1"}"#).unwrap_err();
    assert!(
        error.starts_with("missing field `vpn_connection`"),
        "{error}"
    );
    // An optional one is not required.
    let answer: VpnConnectionResponse = from_bytes(r#"{"vpn_connection": {}}"#).unwrap();
    assert_eq!(answer.request_id, None);
}

#[test]
fn a_field_given_twice_is_an_error_naming_it() {
    let error =
        from_bytes::<VpnConnection>(r#"{"id": "c-1", "name": "a", "id": "c-2"}"#).unwrap_err();
    assert!(error.starts_with("duplicate field `id`"), "{error}");
}

#[test]
fn escaped_keys_and_owned_keys_are_read_too() {
    // `\u0069d` is `id`: serde_json hands the key over unescaped, in a buffer of its own.
    let connection: VpnConnection =
        serde_json::from_str(r#"{"\u0069d": "c-1", "na\u006de": "vpn-1"}"#).unwrap();
    assert_eq!(connection.id.as_deref(), Some("c-1"));
    assert_eq!(connection.name.as_deref(), Some("vpn-1"));
    let value = json!({"connection_monitor": {"id": "m-1", "status": "ACTIVE"}, "request_id": "r"});
    let monitor: ConnectionMonitorResponse = serde_json::from_value(value).unwrap();
    assert_eq!(monitor.connection_monitor.id.as_deref(), Some("m-1"));
    assert_eq!(monitor.request_id.as_deref(), Some("r"));
}

#[test]
fn what_is_not_an_object_is_an_error_saying_what_was_expected() {
    for (text, found) in [
        (r#"["c-1", "vpn-1"]"#, "sequence"),
        ("\"c-1\"", "string"),
        ("3", "integer"),
        ("null", "null"),
    ] {
        let error = from_bytes::<VpnConnection>(text).unwrap_err();
        assert!(
            error.contains(&format!("invalid type: {found}"))
                && error.contains("expected struct VpnConnection"),
            "{text}: {error}"
        );
    }
    // A field of the wrong type names what it expected, at its place in the text.
    let error = from_bytes::<VpnConnection>(r#"{"id": 7}"#).unwrap_err();
    assert!(
        error.starts_with("invalid type: integer `7`, expected a string"),
        "{error}"
    );
}

#[test]
fn a_default_field_falls_back_to_its_default_and_everything_round_trips() {
    // `resource_detail` is `#[serde(default)]` and not an `Option`.
    let resource: TaggedResource = from_bytes(r#"{"resource_id": "r-1"}"#).unwrap();
    assert!(resource.resource_detail.is_empty());
    let resource: TaggedResource =
        from_bytes(r#"{"resource_id": "r-1", "resource_detail": {"k": 1}}"#).unwrap();
    assert_eq!(resource.resource_detail["k"], json!(1));
    let text =
        r#"{"request_id":"r-1","vpn_connection":{"id":"c-1","peer_subnets":[],"status":"DOWN"}}"#;
    let answer: VpnConnectionResponse = from_bytes(text).unwrap();
    assert_eq!(serde_json::to_string(&answer).unwrap(), text);
}
