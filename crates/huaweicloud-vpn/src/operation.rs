//! What the workspace knows about each operation, as data.
//!
//! `cargo xtask generate` writes one table per spec (`vpn_v5::OPERATIONS`,
//! `ipsec_v2::OPERATIONS`) from the spec alone; [`all`] joins the tables of the products this
//! build includes. The command-line tool, the emulator and the per-operation tests are derived
//! from these tables or checked against them, so an operation one of them misses fails
//! `cargo test` instead of waiting for a review.
//!
//! ```
//! let create = huaweicloud_vpn::operation::find("CreateVpnConnection").unwrap();
//! assert_eq!((create.method, create.success), ("POST", 201));
//! assert_eq!(create.path, "/v5/{project_id}/vpn-connection");
//! assert_eq!(create.request.as_ref().unwrap().wrapper, Some("vpn_connection"));
//! ```
//!
//! # Requests from JSON: the `dynamic` feature
//!
//! A program builds its requests with the builders. Tools that take them as JSON (the `hcvpn`
//! command line, the emulator) enable the `dynamic` feature: the request types then implement
//! `Deserialize`, the table carries checks (`Body::check`, `Operation::check_response`)
//! that decode a body with the generated type and name the failing field, and the `dynamic`
//! module calls any operation with JSON. Without the feature none of it is compiled, so this
//! example does not build:
//!
#![cfg_attr(feature = "dynamic", doc = "```")]
#![cfg_attr(not(feature = "dynamic"), doc = "```compile_fail")]
//! use huaweicloud_vpn::vpn_v5::types::CreateVpnConnectionRequest;
//!
//! let body = serde_json::json!({"vpn_connection": {
//!     "vgw_id": "v", "vgw_ip": "e", "cgw_id": "c", "psk": "a-long-key", "style": "static"}});
//! let request: CreateVpnConnectionRequest = serde_json::from_value(body.clone()).unwrap();
//! assert_eq!(request.vpn_connection.cgw_id.as_str(), "c");
//! // The table's check decodes the same way and names the field of an undocumented value.
//! let create = huaweicloud_vpn::operation::find("CreateVpnConnection").unwrap();
//! let check = create.request.as_ref().unwrap().check;
//! let mut wrong = body;
//! wrong["vpn_connection"]["style"] = "dynamic".into();
//! assert!(check(&wrong).unwrap_err().starts_with("vpn_connection.style: "));
//! ```

/// The product an operation belongs to; each is a cargo feature of this crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Product {
    /// Site-to-site VPN (VPN v5): gateways, customer gateways, connections, monitors
    /// (feature `s2c`, on by default).
    SiteToSite,
    /// Point-to-client VPN (VPN v5 `p2c-vpn-gateways`, servers, users; feature `p2c`).
    PointToClient,
    /// The legacy Neutron-style VPNaaS API under `/v2.0/vpn` (feature `legacy`).
    Legacy,
}

impl Product {
    /// The cargo feature that compiles this product.
    pub fn feature(self) -> &'static str {
        match self {
            Product::SiteToSite => "s2c",
            Product::PointToClient => "p2c",
            Product::Legacy => "legacy",
        }
    }
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    /// A segment of the path (`/vpn-connection/{vpn_connection_id}`).
    Path,
    /// A query parameter (`?limit=10`).
    Query,
}

/// The JSON shape of a parameter or a body field, as far as a command line cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A JSON string.
    String,
    /// A JSON integer.
    Integer,
    /// A JSON boolean.
    Boolean,
    /// An array of strings (a query parameter given several times, or a JSON list).
    StringList,
    /// An object, or an array of objects: only through a JSON body.
    Object,
}

/// A path or query parameter (the base path's `project_id` is not one: the client fills it).
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// The name on the wire (`vpn_connection_id`, `limit`).
    pub name: &'static str,
    /// Path or query.
    pub location: ParamLocation,
    /// The call cannot be made without it.
    pub required: bool,
    /// Its JSON shape.
    pub kind: Kind,
    /// The documented values, for a string with an enum (empty otherwise).
    pub values: &'static [&'static str],
    /// The documented lower limit of an integer, inclusive.
    pub minimum: Option<i64>,
    /// The documented upper limit of an integer, inclusive.
    pub maximum: Option<i64>,
    /// The spec's description, first sentence.
    pub doc: &'static str,
}

/// A field of the object a request body wraps (`{"vpn_connection": {...}}`), or of the body
/// itself when it wraps nothing.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The name on the wire (`peer_subnets`).
    pub name: &'static str,
    /// Its JSON shape.
    pub kind: Kind,
    /// The body is refused without it.
    pub required: bool,
    /// Marked `x-secret`: never print it, never take it from a command-line argument.
    pub secret: bool,
    /// The documented values, for a string with an enum (empty otherwise).
    pub values: &'static [&'static str],
    /// The spec's description, first sentence.
    pub doc: &'static str,
}

/// Checks a JSON value by decoding it with a generated type (see [`check_json`]).
#[cfg(feature = "dynamic")]
pub type CheckJson = fn(&serde_json::Value) -> Result<(), String>;

/// An operation's request body.
#[derive(Clone, Copy, Debug)]
pub struct Body {
    /// The generated request type in the module's `types` (`CreateVpnConnectionRequest`).
    pub type_name: &'static str,
    /// The one property the body wraps its object in, if it is such a wrapper (`vpn_connection`).
    pub wrapper: Option<&'static str>,
    /// The fields of the wrapped object (or of the body itself without a wrapper).
    pub fields: &'static [Field],
    /// Checks a JSON body against the generated request type: required fields, lengths,
    /// patterns, limits and enum values (open ones too: see [`check_request_json`]). The error
    /// names the field and the rule. With the `dynamic` feature.
    #[cfg(feature = "dynamic")]
    pub check: CheckJson,
}

/// How a list operation pages (`x-pagination`).
#[derive(Clone, Copy, Debug)]
pub struct Pagination {
    /// The response property holding the items (`vpn_connections`).
    pub items: &'static str,
    /// The query parameter that takes the marker (`marker`).
    pub marker_param: &'static str,
    /// The query parameter that takes the page size (`limit`), if any.
    pub limit_param: Option<&'static str>,
    /// JSON pointer of the next page's marker in the response (`/page_info/next_marker`).
    pub next_marker: &'static str,
}

/// What statuses a resource goes through (`x-waiter` on its show operation).
#[derive(Clone, Copy, Debug)]
pub struct Waiter {
    /// The resource in words (`VPN connection`).
    pub resource: &'static str,
    /// The operation that reads the resource back (`ShowVpnConnection`).
    pub show: &'static str,
    /// That operation's path parameter naming the resource (`vpn_connection_id`).
    pub id_param: &'static str,
    /// JSON pointer of the resource's id in its create and show responses (`/vpn_connection/id`).
    pub id: &'static str,
    /// JSON pointer of the status in the show response (`/vpn_connection/status`).
    pub status: &'static str,
    /// Statuses that mean ready.
    pub ready: &'static [&'static str],
    /// Statuses that mean failed: a wait ends at once.
    pub failed: &'static [&'static str],
}

/// One operation of a spec.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// `operationId` (`CreateVpnConnection`).
    pub id: &'static str,
    /// The generated client's method (`create_vpn_connection`), also the `operation` of the
    /// `vpn_call` tracing span.
    pub client_method: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// The path as the API reference writes it (`/v5/{project_id}/vpn-connection`).
    pub path: &'static str,
    /// The path below the client's base URL (`/vpn-connection`).
    pub client_path: &'static str,
    /// The documented success status.
    pub success: u16,
    /// The product (and crate feature) it belongs to.
    pub product: Product,
    /// The generated module (`vpn_v5`).
    pub module: &'static str,
    /// The spec's `summary`.
    pub summary: &'static str,
    /// The spec's first tag (the resource group: `VpnConnection`).
    pub tag: &'static str,
    /// Its path and query parameters (not `project_id`).
    pub params: &'static [Param],
    /// Its request body, if it takes one.
    pub request: Option<Body>,
    /// The generated success body type in the module's `types`, if the success has a body.
    pub response: Option<&'static str>,
    /// Checks a JSON success body by decoding it with the generated response type (which
    /// tolerates unknown fields and values, as the client does). With the `dynamic` feature.
    #[cfg(feature = "dynamic")]
    pub check_response: Option<CheckJson>,
    /// The JSON pointers of the `x-secret` values its success body can hold (`*`: any item of
    /// an array), such as `/client_config` or `/vpn_connection/psk`: what a tool must not
    /// print or log.
    pub response_secrets: &'static [&'static str],
    /// Set on paginated lists.
    pub pagination: Option<Pagination>,
    /// Set on operations whose resource has a status to wait on: its show operation, its
    /// create (wait until ready) and its delete (wait until gone).
    pub waiter: Option<Waiter>,
}

mod sealed {
    pub trait Sealed {}
}

/// A generated client: it names the generated module whose operations it serves
/// ([`Operation::module`]), for the `vpn_call` tracing span and for `dynamic::call` (feature
/// `dynamic`), which sends through any of them.
pub trait Api:
    crate::call::ClientInfo<crate::Runtime> + crate::call::ClientHooks<crate::Runtime> + sealed::Sealed
{
    /// The generated module of this client (`vpn_v5`).
    const MODULE: &'static str;
}

/// `Api` for a generated client of a product's module.
macro_rules! api {
    ($feature:literal, $module:ident) => {
        #[cfg(feature = $feature)]
        impl sealed::Sealed for crate::$module::Client {}
        #[cfg(feature = $feature)]
        impl Api for crate::$module::Client {
            const MODULE: &'static str = stringify!($module);
        }
    };
}

api!("s2c", vpn_v5);
api!("s2c", vpn_v5_1);
api!("p2c", vpn_p2c);
api!("legacy", ipsec_v2);

/// Decodes `value` as `T`: what [`Body::check`] and [`Operation::check_response`] run with the
/// generated types. The error names the field (`vpn_connection.style: ...`).
#[doc(hidden)]
#[cfg(feature = "dynamic")]
pub fn check_json<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<(), String> {
    crate::json_lines::decode_naming_the_field::<T>(value).map(drop)
}

/// Like [`check_json`], for a request body: an open enum (one the API also returns, and so
/// tolerant when read) refuses a value it does not document, as the typed builders do.
#[doc(hidden)]
#[cfg(feature = "dynamic")]
pub fn check_request_json<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<(), String> {
    huaweicloud_vpn_types::support::strictly(|| check_json::<T>(value))
}

/// Every operation this build includes (its products' features), in spec order.
pub fn all() -> impl Iterator<Item = &'static Operation> {
    let tables: &[&'static [Operation]] = &[
        #[cfg(feature = "s2c")]
        crate::vpn_v5::OPERATIONS,
        #[cfg(feature = "s2c")]
        crate::vpn_v5_1::OPERATIONS,
        #[cfg(feature = "p2c")]
        crate::vpn_p2c::OPERATIONS,
        #[cfg(feature = "legacy")]
        crate::ipsec_v2::OPERATIONS,
    ];
    tables.iter().flat_map(|t| t.iter())
}

/// The operation with this `operationId`, if this build includes it.
pub fn find(id: &str) -> Option<&'static Operation> {
    all().find(|op| op.id == id)
}

#[cfg(all(test, feature = "s2c", feature = "dynamic"))]
mod tests {
    use serde_json::json;

    use super::find;

    /// An IKE policy is read back from the API too, so its enums are open; a request body
    /// built from JSON still takes only documented values, while a response keeps new ones.
    #[test]
    fn request_bodies_refuse_undocumented_values_of_open_enums() {
        let create = find("CreateVpnConnection").unwrap();
        let body = |algorithm: &str| {
            json!({"vpn_connection": {
                "vgw_id": "v", "vgw_ip": "e", "cgw_id": "c", "psk": "a-long-key",
                "ikepolicy": {"encryption_algorithm": algorithm}}})
        };
        let check = create.request.unwrap().check;
        check(&body("aes-256")).unwrap();
        let error = check(&body("rot13")).unwrap_err();
        assert!(
            error.starts_with(
                "vpn_connection.ikepolicy.encryption_algorithm: not one of the documented values ("
            ),
            "{error}"
        );
        let show = find("ShowVpnConnection").unwrap();
        let answer = json!({"vpn_connection": {"ikepolicy": {"encryption_algorithm": "rot13"}}});
        (show.check_response.unwrap())(&answer).unwrap();
        // The strict mode ends with the check, also on this thread.
        let read: crate::vpn_v5::types::VpnConnectionResponse =
            serde_json::from_value(answer).unwrap();
        let algorithm = read.vpn_connection.ikepolicy.unwrap().encryption_algorithm;
        assert!(!algorithm.unwrap().is_known());
    }
}
