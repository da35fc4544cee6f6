//! Exactly one resource per create: an idempotency tag, and finding the resource by it after an
//! ambiguous failure.
//!
//! Why: when a create's answer is lost (a timeout or a reset after the request was sent, a 5xx
//! from a gateway), the resource may exist. The plain client then returns the error and does
//! not repeat the create (a second one could be a second, billed resource), and the caller is
//! left to guess. The VPN API has no idempotency key, but the creates of VPN gateways, customer
//! gateways and VPN connections take resource tags, and their lists return them. So:
//!
//! 1. **Tag.** The create carries the tag [`TAG_KEY`] with a fresh value (a UUID) per logical
//!    create. Either the client adds it (per client: [`ClientBuilder::idempotent_creates`]),
//!    or the caller puts it in the body itself (per call: [`new_tag`] for the typed API, or
//!    `{"key": TAG_KEY, "value": ...}` in a JSON body). A value the caller keeps (in a state
//!    file, say) also finds the resource after the program itself died.
//! 2. **Recover.** After an ambiguous failure the client pages through the resource's list,
//!    matched on each item's `tags`, with the largest page the list documents. (The tag query
//!    operation, `ListResourcesByTags`, finds the id in one request but answers only id, name
//!    and tags, so a show would follow; the list answers the whole resource, which becomes the
//!    create's answer, and on most accounts is one page.) Found: the call returns it, as the create's success (status and body wrapper
//!    of the create; the answer carries the header [`RECOVERED_HEADER`]). Not found: the
//!    create is sent again with the same tag, as any retry (policy, budget, deadline).
//!    The list cannot be read: the original error is returned.
//!
//! What is *ambiguous*: a transport failure after the connection was made (timeout, reset,
//! closed connection) and any 5xx answer. A refused connection never reached the server and is
//! retried as before; a 429 or a "busy" code is retried, with the tag, without a look-up first.
//!
//! **Resources without tags** (connection monitors, and the legacy IPsec API) are created as
//! before: never repeated once the request may have arrived, and an ambiguous failure is
//! returned as the error it is; [`ErrorExt::may_have_taken_effect`] then says "the resource
//! may exist" and `hcvpn` prints it. A connection has one monitor at most, so listing the
//! monitors with the connection's id (`ListConnectionMonitors?vpn_connection_id=...`) tells.
//!
//! Limits: a resource takes at most 20 tags in Huawei Cloud, and this one is one of them; the
//! look-up relies on the new resource being listed at once (the VPN API lists a resource from
//! `PENDING_CREATE` on).
//!
//! [`ClientBuilder::idempotent_creates`]: crate::ClientBuilder::idempotent_creates
//! [`ErrorExt::may_have_taken_effect`]: crate::ErrorExt::may_have_taken_effect

use serde_json::{Map, Value};

use crate::operation::Operation;

/// The key of the idempotency tag: letters, digits and `-`, valid as a Huawei Cloud tag key.
pub const TAG_KEY: &str = "hcvpn-idempotency-token";

/// Set (to the tag's value) on a create's answer that was read back from the list after an
/// ambiguous failure, instead of the create's own answer.
pub const RECOVERED_HEADER: &str = "x-hcvpn-recovered";

/// A fresh idempotency token: a random (version 4) UUID, valid as a tag value.
///
/// # Panics
///
/// If the operating system gives no random bytes (as `uuid::Uuid::new_v4` does): a create
/// must not go out with a token another create could share.
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    if let Err(error) = getrandom::getrandom(&mut bytes) {
        panic!("no random bytes for an idempotency token: {error}");
    }
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A fresh idempotency tag for a typed create body (`tags: Some(vec![new_tag()])`): the create
/// is then recovered after an ambiguous failure, whatever the client's setting.
///
/// ```
/// let tag = huaweicloud_vpn::idempotency::new_tag();
/// assert_eq!(tag.key, huaweicloud_vpn::idempotency::TAG_KEY);
/// assert_eq!(tag.value.len(), 36);
/// ```
#[cfg(feature = "s2c")]
pub fn new_tag() -> crate::vpn_v5::types::Tag {
    crate::vpn_v5::types::Tag {
        key: TAG_KEY.to_string(),
        value: new_token(),
    }
}

/// A create the client can recover, and the list that finds what it made.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Recoverable {
    pub create: &'static Operation,
    pub list: &'static Operation,
    /// The property the create body and answer wrap the resource in (`vpn_connection`).
    pub wrapper: &'static str,
}

/// Whether creates of `op` can be made idempotent: a `POST` whose wrapped body takes `tags`,
/// with a list on the same path (paginated or not).
///
/// ```
/// use huaweicloud_vpn::{idempotency, operation};
/// assert!(idempotency::supported(operation::find("CreateVpnConnection").unwrap()));
/// assert!(!idempotency::supported(operation::find("CreateConnectionMonitor").unwrap()));
/// ```
pub fn supported(op: &'static Operation) -> bool {
    recoverable(op).is_some()
}

pub(crate) fn recoverable(op: &'static Operation) -> Option<Recoverable> {
    if op.method != "POST" {
        return None;
    }
    let body = op.request.as_ref()?;
    let wrapper = body.wrapper?;
    if !body.fields.iter().any(|f| f.name == "tags") {
        return None;
    }
    let list = crate::operation::all()
        .find(|l| l.module == op.module && l.method == "GET" && l.path == op.path)?;
    Some(Recoverable {
        create: op,
        list,
        wrapper,
    })
}

/// The operation of a generated client's method, if it is a recoverable create.
pub(crate) fn recoverable_call(module: &str, client_method: &str) -> Option<Recoverable> {
    let op = crate::operation::all()
        .find(|op| op.module == module && op.client_method == client_method)?;
    recoverable(op)
}

/// The idempotency token in a create body, if it has the tag.
pub(crate) fn token_in(body: &Value, wrapper: &str) -> Option<String> {
    body.get(wrapper)?
        .get("tags")?
        .as_array()?
        .iter()
        .find(|tag| tag.get("key").and_then(Value::as_str) == Some(TAG_KEY))?
        .get("value")?
        .as_str()
        .map(str::to_string)
}

/// Adds the tag with `token` to a create body (which has none yet). `false` when the body is
/// not an object wrapping an object, or its `tags` is not a list: then it is left alone.
pub(crate) fn add_tag(body: &mut Value, wrapper: &str, token: &str) -> bool {
    let Some(resource) = body.get_mut(wrapper).and_then(Value::as_object_mut) else {
        return false;
    };
    let tags = resource
        .entry("tags")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Some(tags) = tags.as_array_mut() else {
        return false;
    };
    let mut tag = Map::new();
    tag.insert("key".into(), Value::from(TAG_KEY));
    tag.insert("value".into(), Value::from(token));
    tags.push(Value::Object(tag));
    true
}

/// The items of a list answer: the property the list's pagination names, or else (a list
/// without pagination, such as `ListVgws`) its one array property.
pub(crate) fn listed_items(list: &Operation, mut page: Value) -> Vec<Value> {
    let key = match list.pagination {
        Some(pages) => Some(pages.items.to_string()),
        None => page
            .as_object()
            .and_then(|o| o.iter().find(|(_, v)| v.is_array()).map(|(k, _)| k.clone())),
    };
    match key.and_then(|k| page.get_mut(&k).map(Value::take)) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

/// Whether a listed resource carries the tag with `token`.
pub(crate) fn has_token(item: &Value, token: &str) -> bool {
    item.get("tags")
        .and_then(Value::as_array)
        .is_some_and(|tags| {
            tags.iter().any(|tag| {
                tag.get("key").and_then(Value::as_str) == Some(TAG_KEY)
                    && tag.get("value").and_then(Value::as_str) == Some(token)
            })
        })
}

#[cfg(all(test, feature = "s2c"))]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_three_tagged_creates_are_recoverable_and_monitors_are_not() {
        let find = |id| crate::operation::find(id).unwrap();
        for (create, list, wrapper) in [
            (
                "CreateVpnConnection",
                "ListVpnConnections",
                "vpn_connection",
            ),
            ("CreateVgw", "ListVgws", "vpn_gateway"),
            ("CreateCgw", "ListCgws", "customer_gateway"),
        ] {
            let r = recoverable(find(create)).unwrap_or_else(|| panic!("{create}"));
            assert_eq!((r.list.id, r.wrapper), (list, wrapper));
        }
        assert!(recoverable(find("CreateConnectionMonitor")).is_none());
        assert!(recoverable(find("ListVpnConnections")).is_none());
    }

    #[test]
    fn tokens_are_random_version_4_uuids() {
        let tokens: std::collections::BTreeSet<String> = (0..64).map(|_| new_token()).collect();
        assert_eq!(tokens.len(), 64, "no token repeats");
        for token in &tokens {
            let uuid = uuid::Uuid::parse_str(token).unwrap();
            assert_eq!(uuid.get_version(), Some(uuid::Version::Random), "{token}");
            assert_eq!(uuid.get_variant(), uuid::Variant::RFC4122, "{token}");
            assert_eq!(
                token,
                &uuid.hyphenated().to_string(),
                "lower case, hyphenated"
            );
        }
    }

    #[test]
    fn tags_are_added_found_and_matched() {
        let mut body =
            json!({"customer_gateway": {"name": "a", "tags": [{"key": "k", "value": "v"}]}});
        assert_eq!(token_in(&body, "customer_gateway"), None);
        assert!(add_tag(&mut body, "customer_gateway", "t-1"));
        assert_eq!(token_in(&body, "customer_gateway").as_deref(), Some("t-1"));
        assert!(has_token(&body["customer_gateway"], "t-1"));
        assert!(!has_token(&body["customer_gateway"], "t-2"));
        let mut bare = json!({"customer_gateway": {"name": "a"}});
        assert!(add_tag(&mut bare, "customer_gateway", "t-3"));
        assert_eq!(bare["customer_gateway"]["tags"][0]["key"], TAG_KEY);
        assert!(!add_tag(
            &mut json!({"customer_gateway": 3}),
            "customer_gateway",
            "t"
        ));
    }
}
