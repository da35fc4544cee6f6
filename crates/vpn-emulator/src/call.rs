//! What an operation gets (`Call`) and gives back (`Success` or `Fault`), independent of HTTP.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::spec::Invalid;

/// An error answer, rendered in the shape of the API it concerns.
#[derive(Debug)]
pub(crate) struct Fault {
    pub status: u16,
    /// VPN service code (`VPN.0001`) or, for API gateway errors, `APIGW.xxxx`.
    pub code: &'static str,
    /// Neutron exception name for the legacy API (`IPsecSiteConnectionNotFound`).
    pub neutron_type: String,
    pub message: String,
}

impl Fault {
    pub(crate) fn invalid(message: impl std::fmt::Display) -> Fault {
        Fault {
            status: 400,
            code: "VPN.0001",
            neutron_type: "HTTPBadRequest".into(),
            message: format!("invalid request: {message}"),
        }
    }

    pub(crate) fn invalid_field(at: &str, rule: &str) -> Fault {
        Fault::invalid(Invalid::new(at, rule))
    }

    /// 404 `VPN.0004` naming the resource in words (`vpn gateway`).
    pub(crate) fn not_found(what: &str, id: &str) -> Fault {
        Fault {
            status: 404,
            code: "VPN.0004",
            neutron_type: "HTTPNotFound".into(),
            message: format!("resource not found: {what} {id} not found"),
        }
    }

    /// 400 `VPN.0011`: the resource is still used by others.
    pub(crate) fn in_use(message: String) -> Fault {
        Fault {
            status: 400,
            code: "VPN.0011",
            neutron_type: "HTTPConflict".into(),
            message,
        }
    }

    /// 400 `VPN.0012`: a resource of which there may be one already exists.
    pub(crate) fn duplicate(message: String) -> Fault {
        Fault {
            status: 400,
            code: "VPN.0012",
            neutron_type: "HTTPConflict".into(),
            message,
        }
    }

    /// 400 `VPN.0013`: the resource's status does not allow the operation now.
    pub(crate) fn wrong_status(message: String) -> Fault {
        Fault {
            status: 400,
            code: "VPN.0013",
            neutron_type: "HTTPConflict".into(),
            message,
        }
    }

    /// 404 of the legacy API with Neutron's exception name (`IKEPolicyNotFound`).
    pub(crate) fn neutron_not_found(neutron_type: &str, message: String) -> Fault {
        Fault {
            status: 404,
            code: "VPN.0004",
            neutron_type: neutron_type.into(),
            message,
        }
    }

    /// 400 of the legacy API with Neutron's exception name (`WrongEndpointGroupType`).
    pub(crate) fn neutron_bad_request(neutron_type: &str, message: String) -> Fault {
        Fault {
            status: 400,
            code: "VPN.0001",
            neutron_type: neutron_type.into(),
            message,
        }
    }

    /// 409 of the legacy API: still in use (`IKEPolicyInUse`) or a conflict with another
    /// resource.
    pub(crate) fn neutron_conflict(neutron_type: &str, message: String) -> Fault {
        Fault {
            status: 409,
            code: "VPN.0011",
            neutron_type: neutron_type.into(),
            message,
        }
    }

    /// 403 `VPN.0003`: another project than the one served.
    pub(crate) fn forbidden_project() -> Fault {
        Fault {
            status: 403,
            code: "VPN.0003",
            neutron_type: "HTTPForbidden".into(),
            message: "forbidden: the credentials are not authorized for this project".into(),
        }
    }

    /// 500 `VPN.0002`: a handler failed.
    pub(crate) fn internal() -> Fault {
        Fault {
            status: 500,
            code: "VPN.0002",
            neutron_type: "HTTPInternalServerError".into(),
            message: "internal server error".into(),
        }
    }
}

/// A successful answer of an operation.
pub(crate) struct Success {
    pub status: u16,
    pub body: Option<Value>,
}

/// What an operation handler gets.
pub(crate) struct Call {
    pub project: String,
    /// The path parameters (percent-decoded), `project_id` included.
    pub path: Vec<(String, String)>,
    /// The last path parameter (the resource id of item paths), or empty.
    pub id: String,
    pub query: Vec<(String, String)>,
    pub body: Value,
    pub now: Instant,
    pub delay: Duration,
}

impl Call {
    /// The first value of a query parameter.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter that must be a non-negative integer, if given (400 naming it if not).
    pub(crate) fn count_param(&self, name: &str) -> Result<Option<u64>, Fault> {
        self.param(name)
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    Fault::invalid_field(
                        name,
                        &format!("must be a non-negative integer, not `{v}`"),
                    )
                })
            })
            .transpose()
    }

    /// Every value of a repeatable query parameter.
    pub(crate) fn params(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A path parameter.
    pub(crate) fn path_param(&self, name: &str) -> Option<&str> {
        self.path
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
