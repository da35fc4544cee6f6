//! Open enums in request bodies.
//!
//! The generated enums of fields that also appear in responses (algorithms, DPD message order,
//! IKE versions, ...) are *open*: deserializing an undocumented value gives `Unrecognized(..)`
//! instead of an error, so that responses tolerate new values. Requests read from a JSON body
//! go through the same `Deserialize`, so the typed request alone would let `"sha3"` through and
//! send it. These checks walk the request and reject such values with the client's own
//! message (`not one of the documented values (...)`) and the JSON path.

use std::str::FromStr;

use huaweicloud_vpn::{ipsec_v2, vpn_v5};

use crate::error::CliError;

/// An open enum: knows whether a value is documented, and the message for one that is not.
trait Open: FromStr {
    fn known(&self) -> bool;
    fn wire(&self) -> &str;
}

macro_rules! open {
    ($($t:ty),* $(,)?) => {$(
        impl Open for $t {
            fn known(&self) -> bool {
                self.is_known()
            }
            fn wire(&self) -> &str {
                self.as_str()
            }
        }
    )*};
}

open!(
    vpn_v5::types::AuthenticationAlgorithm,
    vpn_v5::types::DpdMsg,
    vpn_v5::types::EncapsulationMode,
    vpn_v5::types::EncryptionAlgorithm,
    vpn_v5::types::IkeAuthenticationMethod,
    vpn_v5::types::IkeIdType,
    vpn_v5::types::IkeVersion,
    vpn_v5::types::Phase1NegotiationMode,
    vpn_v5::types::TransformProtocol,
    vpn_v5::types::AttachmentType,
    vpn_v5::types::IpVersion,
    vpn_v5::types::VpnGatewayNetworkType,
    ipsec_v2::types::DpdAction,
    ipsec_v2::types::Initiator,
);

/// Collects the first undocumented value.
struct Check {
    error: Option<String>,
}

impl Check {
    fn new() -> Self {
        Check { error: None }
    }

    fn field<T: Open>(&mut self, path: &str, value: &Option<T>)
    where
        T::Err: std::fmt::Display,
    {
        if self.error.is_some() {
            return;
        }
        if let Some(value) = value
            && !value.known()
        {
            let rule = T::from_str(value.wire())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_else(|| "not a documented value".into());
            self.error = Some(format!("body: {path}: {rule}"));
        }
    }

    fn finish(self) -> Result<(), CliError> {
        match self.error {
            Some(message) => Err(CliError::Usage(message)),
            None => Ok(()),
        }
    }
}

pub fn create_vpn_connection(
    request: &vpn_v5::types::CreateVpnConnectionRequest,
) -> Result<(), CliError> {
    let mut check = Check::new();
    let c = &request.vpn_connection;
    if let Some(ike) = &c.ikepolicy {
        let p = "vpn_connection.ikepolicy";
        check.field(
            &format!("{p}.authentication_algorithm"),
            &ike.authentication_algorithm,
        );
        check.field(
            &format!("{p}.authentication_method"),
            &ike.authentication_method,
        );
        check.field(
            &format!("{p}.encryption_algorithm"),
            &ike.encryption_algorithm,
        );
        check.field(&format!("{p}.ike_version"), &ike.ike_version);
        check.field(&format!("{p}.local_id_type"), &ike.local_id_type);
        check.field(&format!("{p}.peer_id_type"), &ike.peer_id_type);
        check.field(
            &format!("{p}.phase1_negotiation_mode"),
            &ike.phase1_negotiation_mode,
        );
        if let Some(dpd) = &ike.dpd {
            check.field(&format!("{p}.dpd.msg"), &dpd.msg);
        }
    }
    if let Some(ipsec) = &c.ipsecpolicy {
        let p = "vpn_connection.ipsecpolicy";
        check.field(
            &format!("{p}.authentication_algorithm"),
            &ipsec.authentication_algorithm,
        );
        check.field(
            &format!("{p}.encapsulation_mode"),
            &ipsec.encapsulation_mode,
        );
        check.field(
            &format!("{p}.encryption_algorithm"),
            &ipsec.encryption_algorithm,
        );
        check.field(
            &format!("{p}.transform_protocol"),
            &ipsec.transform_protocol,
        );
    }
    check.finish()
}

pub fn update_vpn_connection(
    request: &vpn_v5::types::UpdateVpnConnectionRequest,
) -> Result<(), CliError> {
    let mut check = Check::new();
    let c = &request.vpn_connection;
    if let Some(ike) = &c.ikepolicy {
        let p = "vpn_connection.ikepolicy";
        check.field(
            &format!("{p}.authentication_algorithm"),
            &ike.authentication_algorithm,
        );
        check.field(
            &format!("{p}.encryption_algorithm"),
            &ike.encryption_algorithm,
        );
        check.field(&format!("{p}.ike_version"), &ike.ike_version);
        check.field(&format!("{p}.local_id_type"), &ike.local_id_type);
        check.field(&format!("{p}.peer_id_type"), &ike.peer_id_type);
        check.field(
            &format!("{p}.phase1_negotiation_mode"),
            &ike.phase1_negotiation_mode,
        );
        if let Some(dpd) = &ike.dpd {
            check.field(&format!("{p}.dpd.msg"), &dpd.msg);
        }
    }
    if let Some(ipsec) = &c.ipsecpolicy {
        let p = "vpn_connection.ipsecpolicy";
        check.field(
            &format!("{p}.authentication_algorithm"),
            &ipsec.authentication_algorithm,
        );
        check.field(
            &format!("{p}.encapsulation_mode"),
            &ipsec.encapsulation_mode,
        );
        check.field(
            &format!("{p}.encryption_algorithm"),
            &ipsec.encryption_algorithm,
        );
        check.field(
            &format!("{p}.transform_protocol"),
            &ipsec.transform_protocol,
        );
    }
    check.finish()
}

pub fn create_vpn_gateway(
    request: &vpn_v5::types::CreateVpnGatewayRequest,
) -> Result<(), CliError> {
    let mut check = Check::new();
    let g = &request.vpn_gateway;
    check.field("vpn_gateway.attachment_type", &g.attachment_type);
    check.field("vpn_gateway.ip_version", &g.ip_version);
    check.field("vpn_gateway.network_type", &g.network_type);
    check.finish()
}

pub fn create_ipsec(
    request: &ipsec_v2::types::CreateIpsecSiteConnectionRequest,
) -> Result<(), CliError> {
    let mut check = Check::new();
    let c = &request.ipsec_site_connection;
    check.field("ipsec_site_connection.initiator", &c.initiator);
    if let Some(dpd) = &c.dpd {
        check.field("ipsec_site_connection.dpd.action", &dpd.action);
    }
    check.finish()
}

pub fn update_ipsec(
    request: &ipsec_v2::types::UpdateIpsecSiteConnectionRequest,
) -> Result<(), CliError> {
    let mut check = Check::new();
    let c = &request.ipsec_site_connection;
    check.field("ipsec_site_connection.initiator", &c.initiator);
    if let Some(dpd) = &c.dpd {
        check.field("ipsec_site_connection.dpd.action", &dpd.action);
    }
    check.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undocumented_algorithm_is_rejected_with_the_clients_message() {
        let request: vpn_v5::types::CreateVpnConnectionRequest =
            serde_json::from_value(serde_json::json!({"vpn_connection": {
                "vgw_id": "a", "vgw_ip": "b", "cgw_id": "c",
                "ikepolicy": {"authentication_algorithm": "sha3"}}}))
            .unwrap();
        let err = create_vpn_connection(&request).unwrap_err();
        assert_eq!(
            err.report(),
            "error: body: vpn_connection.ikepolicy.authentication_algorithm: not one of the documented values (sha1, md5, sha2-256, sha2-384, sha2-512)"
        );
    }

    #[test]
    fn documented_values_pass() {
        let request: vpn_v5::types::CreateVpnConnectionRequest =
            serde_json::from_value(serde_json::json!({"vpn_connection": {
                "vgw_id": "a", "vgw_ip": "b", "cgw_id": "c",
                "ikepolicy": {"authentication_algorithm": "sha2-256"}}}))
            .unwrap();
        create_vpn_connection(&request).unwrap();
    }
}
