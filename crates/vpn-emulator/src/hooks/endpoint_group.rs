//! Legacy endpoint groups: endpoints that fit the group's type (VPC subnet ids for `subnet`,
//! CIDRs of one IP version for `cidr`), type and endpoints fixed after creation, no delete
//! while a site connection uses the group (409 `EndpointGroupInUse`), Neutron's 404 type; and
//! the check a site connection makes of the groups it names.

use serde_json::{Map, Value};

use super::Hooks;
use super::util::{default_texts, parse_cidr_v4, parse_cidr_v6, refuse_if_connected, s, strings};
use crate::call::{Call, Fault};
use crate::store::Project;

pub(crate) struct EndpointGroup;

fn not_found(id: &str) -> Fault {
    Fault::neutron_not_found(
        "VPNEndpointGroupNotFound",
        format!("Endpoint group {id} could not be found"),
    )
}

/// Each endpoint fits `kind`: a non-blank subnet id, or a CIDR of the first one's IP version.
fn check_endpoints(kind: &str, endpoints: &[String]) -> Result<(), Fault> {
    let first_v6 = endpoints.first().is_some_and(|e| e.contains(':'));
    for (i, endpoint) in endpoints.iter().enumerate() {
        let at = format!("endpoint_group.endpoints[{i}]");
        match kind {
            "cidr" => {
                let ok = if first_v6 {
                    parse_cidr_v6(endpoint)
                } else {
                    parse_cidr_v4(endpoint)
                };
                if !ok {
                    let version = if first_v6 { "IPv6" } else { "IPv4" };
                    return Err(Fault::invalid_field(
                        &at,
                        &format!(
                            "must be an {version} CIDR block (type cidr; all endpoints of one IP version)"
                        ),
                    ));
                }
            }
            _ if endpoint.trim().is_empty() => {
                return Err(Fault::invalid_field(
                    &at,
                    "must be a subnet ID (type subnet)",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// A site connection's `field` names an existing endpoint group of type `expected`
/// (`local_ep_group_id`: `subnet`, `peer_ep_group_id`: `cidr`).
pub(crate) fn check_reference(
    p: &Project,
    fields: &Map<String, Value>,
    field: &str,
    expected: &str,
) -> Result<(), Fault> {
    let Some(id) = s(fields, field) else {
        return Ok(());
    };
    let group = p.find("endpoint_group", id).ok_or_else(|| not_found(id))?;
    let kind = group.str("type").unwrap_or_default();
    if kind != expected {
        let which = field.split('_').next().unwrap_or(field);
        return Err(Fault::neutron_bad_request(
            "WrongEndpointGroupType",
            format!(
                "Endpoint group {which} type is '{kind}' and should be '{expected}' ({field} {id})"
            ),
        ));
    }
    Ok(())
}

impl Hooks for EndpointGroup {
    fn create(
        &self,
        _: &mut Project,
        _: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let kind = s(fields, "type").unwrap_or_default().to_string();
        check_endpoints(&kind, &strings(fields, "endpoints").unwrap_or_default())?;
        default_texts(fields, &["name", "description"]);
        Ok(())
    }

    fn update(
        &self,
        _: &mut Project,
        _: &Call,
        change: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        for fixed in ["type", "endpoints"] {
            if change.contains_key(fixed) {
                return Err(Fault::invalid_field(
                    &format!("endpoint_group.{fixed}"),
                    "cannot be changed after creation (only name and description can)",
                ));
            }
        }
        Ok(())
    }

    fn delete(&self, p: &mut Project, call: &Call) -> Result<(), Fault> {
        refuse_if_connected(
            p,
            &call.id,
            &["local_ep_group_id", "peer_ep_group_id"],
            "EndpointGroupInUse",
            || format!("Endpoint group {} is in use and cannot be deleted", call.id),
        )
    }

    fn not_found(&self, id: &str) -> Option<Fault> {
        Some(not_found(id))
    }
}
