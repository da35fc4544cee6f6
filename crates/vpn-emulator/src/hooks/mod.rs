//! Per-resource behaviour the spec cannot say, as small hooks over the generic engine:
//! references between resources, "in use" conflicts, defaults taken from other resources,
//! server-side defaults, and the fields each answer leaves out. Irregular operations
//! (singletons such as quotas) are a function by operation id.
//!
//! A resource without an entry here is served by the engine alone.
//!
//! Point-to-client VPN: `p2c` (gateways, client connections, connection logging),
//! `vpn_server` (servers, client CA certificates, client configuration), `vpn_user` (users,
//! user groups, access policies); its gateway upgrades are `upgrade`'s.

mod certificate;
mod cgw;
mod connection;
mod connection_batch;
mod endpoint_group;
mod info;
mod ipsec;
mod monitor;
mod p2c;
mod policy;
mod routing;
mod tags;
mod troubleshooting;
mod upgrade;
mod util;
mod vgw;
mod vpn_server;
mod vpn_user;
mod vpnservice;

use serde_json::{Map, Value};

use crate::call::{Call, Fault};
use crate::model::Action;
use crate::store::{Project, Record};

/// The hooks of one resource kind; every method has a do-nothing default.
pub(crate) trait Hooks: Sync {
    /// Semantic checks and defaults of a create. `fields` starts as the request's wrapped
    /// object (with the spec's top-level defaults) and becomes the stored record.
    fn create(
        &self,
        _p: &mut Project,
        _call: &Call,
        _fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        Ok(())
    }

    /// Checks of an update of `call.id` before `change` is merged into the record (objects
    /// field by field). A hook may take keys out of `change` and apply them itself.
    fn update(
        &self,
        _p: &mut Project,
        _call: &Call,
        _change: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        Ok(())
    }

    /// Checks of a delete of `call.id` ("in use"), and what goes with it, before it goes.
    fn delete(&self, _p: &mut Project, _call: &Call) -> Result<(), Fault> {
        Ok(())
    }

    /// The answer's view of a record for `action` (`Create`, `Update`, `Show`; lists use
    /// `Show`), from the generic view (fields, `id`, `created_at`, `status`). The spec's
    /// response schema prunes it afterwards.
    fn view(
        &self,
        _p: &Project,
        _r: &Record,
        _action: Action,
        _call: &Call,
        view: Map<String, Value>,
    ) -> Map<String, Value> {
        view
    }

    /// A list filter the resource answers itself; `None`: the generic rule (the query
    /// parameter's value equals the field of the same name).
    fn filter(
        &self,
        _p: &Project,
        _view: &Map<String, Value>,
        _param: &str,
        _values: &[&str],
    ) -> Option<bool> {
        None
    }

    /// The resource's own 404, if not the generic one.
    fn not_found(&self, _id: &str) -> Option<Fault> {
        None
    }
}

/// An irregular operation: the success body from the project and the call.
pub(crate) type OperationHook = fn(&mut Project, &Call) -> Result<Value, Fault>;

/// Hooks by the resource's store key: its name (the body's wrapper property), or
/// `name#2` for the second resource of that name (the specs of site-to-site VPN are read
/// first, so theirs keep the plain name; see `model::Model::build`).
const RESOURCES: &[(&str, &dyn Hooks)] = &[
    ("vpn_gateway", &vgw::VpnGateway),
    ("customer_gateway", &cgw::CustomerGateway),
    ("vpn_connection", &connection::VpnConnection),
    ("connection_monitor", &monitor::ConnectionMonitor),
    ("ipsec_site_connection", &ipsec::IpsecSiteConnection),
    ("ikepolicy", &policy::IKE),
    ("ipsecpolicy", &policy::IPSEC),
    ("vpnservice", &vpnservice::VpnService),
    ("endpoint_group", &endpoint_group::EndpointGroup),
    (upgrade::JOBS, &upgrade::VPN_GATEWAY_JOBS),
    (upgrade::P2C_JOBS, &upgrade::P2C_VPN_GATEWAY_JOBS),
    (p2c::GATEWAYS, &p2c::P2cVpnGateway),
    (
        vpn_server::CA_CERTIFICATES,
        &vpn_server::ClientCaCertificate,
    ),
    (vpn_user::USERS, &vpn_user::VpnUser),
    (vpn_user::GROUPS, &vpn_user::VpnUserGroup),
    (vpn_user::POLICIES, &vpn_user::VpnAccessPolicy),
    ("certificate", &certificate::Certificate),
];

/// Irregular operations by operation id.
const OPERATIONS: &[(&str, OperationHook)] = &[
    ("ShowQuotasInfo", info::show_quotas),
    ("ListAvailabilityZones", info::list_availability_zones),
    (
        "ListExtendedAvailabilityZones",
        info::list_extended_availability_zones,
    ),
    ("BatchCreateResourceTags", tags::create),
    ("BatchDeleteResourceTags", tags::delete),
    ("ShowResourceTags", tags::show),
    ("ListProjectTags", tags::list_project),
    ("ListResourcesByTags", tags::list_resources),
    ("CountResourcesByTags", tags::count_resources),
    ("ResetVpnConnection", troubleshooting::reset),
    ("ListConnectionIpsecSa", troubleshooting::ipsec_sa),
    ("ShowVpnConnectionLog", troubleshooting::log),
    (
        "ListPeerConfigurationSupportedDevices",
        troubleshooting::supported_devices,
    ),
    (
        "ExportVpnConnectionPeerConfiguration",
        troubleshooting::export,
    ),
    (
        "UpdatePostpaidVgwSpecification",
        upgrade::update_specification,
    ),
    ("UpgradeVpnGateway", upgrade::upgrade),
    ("ShowVpnGatewayCertificate", certificate::show),
    ("BatchCreateVpnConnection", connection_batch::create),
    ("ListVpnGatewayCertificates", certificate::list),
    ("ShowVpnGatewayRoutingTable", routing::show),
    ("UpgradeP2cVpnGateway", upgrade::upgrade_p2c),
    ("ListP2cVgwConnections", p2c::list_connections),
    ("DeleteP2cVgwConnection", p2c::disconnect),
    ("ShowVpnConnectionsLogConfig", p2c::show_log_config),
    ("UpdateVpnConnectionsLogConfig", p2c::update_log_config),
    ("DeleteVpnConnectionsLogConfig", p2c::delete_log_config),
    ("CreateVpnServer", vpn_server::create),
    ("ListVpnServersByVgw", vpn_server::list_by_gateway),
    ("ListVpnServersByProject", vpn_server::list_by_project),
    ("UpdateVpnServer", vpn_server::update),
    ("ExportClientConfig", vpn_server::export),
    ("CheckClientCaCertificate", vpn_server::check),
    ("BatchCreateVpnUsers", vpn_user::batch_create),
    ("BatchDeleteVpnUsers", vpn_user::batch_delete),
    ("ResetVpnUserPassword", vpn_user::reset_password),
    ("UpdateVpnUserPassword", vpn_user::update_password),
    ("AddVpnUsersToGroup", vpn_user::add_to_group),
    ("RemoveVpnUsersFromGroup", vpn_user::remove_from_group),
    ("ListVpnUsersInGroup", vpn_user::list_in_group),
];

/// No behaviour beyond the engine's.
struct Plain;
impl Hooks for Plain {}

pub(crate) fn resource(name: &str) -> &'static dyn Hooks {
    RESOURCES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, h)| *h)
        .unwrap_or(&Plain)
}

/// A VPN client's connection to a P2C gateway (see `Emulator::connect_p2c_client`).
pub(crate) fn connect_p2c_client(
    p: &mut Project,
    vgw_id: &str,
    user_name: &str,
    client_ip: &str,
) -> Option<String> {
    p2c::connect(p, vgw_id, user_name, client_ip, std::time::Instant::now())
}

/// The 404 of a path's parent that operation hooks keep, not the engine (a VPN server,
/// named by `vpn_server_id`), when the call's id names none.
pub(crate) fn check_parent(p: &Project, param: &str, id: &str) -> Result<(), Fault> {
    match param {
        "vpn_server_id" => vpn_server::known_server(p, id).map(|_| ()),
        _ => Ok(()),
    }
}

pub(crate) fn operation(id: &str) -> Option<OperationHook> {
    OPERATIONS.iter().find(|(n, _)| *n == id).map(|(_, h)| *h)
}

/// The resource keys and operation ids that have hooks (a test holds them to the specs).
pub(crate) fn registered() -> (Vec<&'static str>, Vec<&'static str>) {
    (
        RESOURCES.iter().map(|(n, _)| *n).collect(),
        OPERATIONS.iter().map(|(n, _)| *n).collect(),
    )
}
