//! The network API's version discovery, answered as Neutron and the VPC endpoint do and
//! without authentication: `GET /` lists the versions, `GET /v2.0` the resources. OpenStack
//! clients (openstacksdk, python-openstackclient, gophercloud) read it before their first
//! call, so without it they cannot talk to the emulator at all.

use axum::http::{HeaderMap, Method, header};
use serde_json::{Value, json};

use crate::model::{Api, Model};

/// The discovery document for `GET path`, if `path` is a discovery path.
pub(crate) fn answer(
    model: &Model,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Option<Value> {
    if method != Method::GET {
        return None;
    }
    let base = format!(
        "http://{}",
        headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
    );
    match path {
        "/" | "" => Some(json!({"versions": [{
            "id": "v2.0",
            "status": "CURRENT",
            "links": [{"href": format!("{base}/v2.0/"), "rel": "self"}],
        }]})),
        "/v2.0" | "/v2.0/" => Some(resources(model, &base)),
        _ => None,
    }
}

/// `GET /v2.0`: each legacy resource with its collection's address.
fn resources(model: &Model, base: &str) -> Value {
    let listed: Vec<Value> = model
        .resources
        .iter()
        .filter(|r| r.api == Api::Legacy)
        .map(|r| {
            let collection = r
                .item_path
                .rsplit_once('/')
                .map_or(r.item_path.as_str(), |(c, _)| c);
            json!({
                "name": r.name,
                "collection": r.plural,
                "links": [{"href": format!("{base}{collection}"), "rel": "self"}],
            })
        })
        .collect();
    json!({ "resources": listed })
}
