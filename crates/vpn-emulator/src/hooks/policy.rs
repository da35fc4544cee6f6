//! Legacy IKE and IPsec policies: the lifetime's default (3600 seconds), empty names and
//! descriptions, no delete while a site connection uses the policy (409 with Neutron's
//! `IKEPolicyInUse` / `IPsecPolicyInUse`), and Neutron's 404 types.
//!
//! OTC lets a policy in use be updated (its page says to update the connections afterwards),
//! so updates are not refused.

use serde_json::{Map, Value, json};

use super::Hooks;
use super::util::{default_texts, refuse_if_connected};
use crate::call::{Call, Fault};
use crate::store::Project;

/// One of the two policy kinds.
pub(crate) struct Policy {
    /// The site connection's field naming it (`ikepolicy_id`).
    field: &'static str,
    /// Neutron's name of the kind in types and messages (`IKEPolicy`).
    neutron: &'static str,
}

pub(crate) const IKE: Policy = Policy {
    field: "ikepolicy_id",
    neutron: "IKEPolicy",
};

pub(crate) const IPSEC: Policy = Policy {
    field: "ipsecpolicy_id",
    neutron: "IPsecPolicy",
};

/// `lifetime` with OTC's defaults for the parts left out.
fn lifetime(given: Option<&Value>) -> Value {
    let mut out = json!({"units": "seconds", "value": 3600});
    if let (Some(out), Some(given)) = (out.as_object_mut(), given.and_then(Value::as_object)) {
        for (key, value) in given {
            out.insert(key.clone(), value.clone());
        }
    }
    out
}

impl Hooks for Policy {
    fn create(
        &self,
        _: &mut Project,
        _: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let lifetime = lifetime(fields.get("lifetime"));
        fields.insert("lifetime".into(), lifetime);
        default_texts(fields, &["name", "description"]);
        Ok(())
    }

    fn delete(&self, p: &mut Project, call: &Call) -> Result<(), Fault> {
        refuse_if_connected(
            p,
            &call.id,
            &[self.field],
            &format!("{}InUse", self.neutron),
            || {
                format!(
                    "{} {} is in use by existing IPsecSiteConnection and can not be deleted",
                    self.neutron, call.id
                )
            },
        )
    }

    fn not_found(&self, id: &str) -> Option<Fault> {
        Some(Fault::neutron_not_found(
            &format!("{}NotFound", self.neutron),
            format!("{} {id} could not be found", self.neutron),
        ))
    }
}
