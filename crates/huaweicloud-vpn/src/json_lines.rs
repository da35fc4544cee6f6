//! Which field a decoding error is about, without a second decoder. A JSON value is written
//! with every object member and array item on a line of its own, each line's path kept
//! (`vpn_connection.peer_subnets[0]`); the generated type decodes that text with the same
//! `serde_json::from_slice` the client uses for answers, and the line serde_json reports picks
//! the path. Why: a path-tracking deserializer (serde_path_to_error, used before) compiles
//! every generated type's decoding a second and third time (through its wrapper, and from a
//! `serde_json::Value`), which was about a quarter of the crate's generated machine code.

use serde_json::Value;

/// A value laid out one member or item per line, and the path of each line.
struct Laid {
    text: String,
    lines: Vec<Line>,
}

/// One line of a laid-out value.
struct Line {
    /// The path of the member, item or container on the line (empty: the root).
    path: String,
    /// On a member's line, the path of its object and the column where the quoted key ends:
    /// an error up to that column is about the key (an unknown variant or field); one about
    /// the value is reported at the `:` (a value of the wrong kind) or at the value's end.
    key: Option<(String, usize)>,
    /// On the line that closes an object or array, the path of its last member or item.
    last: Option<String>,
    /// On an array's first item's line, the array's path: an "invalid type: sequence" error
    /// before the item's first character (column 0), when the item is not a sequence itself,
    /// is the array's: a struct met a sequence, and serde_json had read past the `[` and the
    /// line break before reporting it.
    opened: Option<String>,
    /// On a member's or item's line, its value as serde describes an unexpected one
    /// (`integer \`-1\``, `sequence`).
    unexpected: String,
}

/// A value as serde's `Unexpected` names it in "invalid type" errors.
fn unexpected(value: &Value) -> String {
    use serde::de::Unexpected;
    match value {
        Value::Null => Unexpected::Unit.to_string(),
        Value::Bool(b) => Unexpected::Bool(*b).to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Unexpected::Signed(i).to_string(),
            (_, Some(u), _) => Unexpected::Unsigned(u).to_string(),
            (_, _, f) => Unexpected::Float(f.unwrap_or_default()).to_string(),
        },
        Value::String(text) => Unexpected::Str(text).to_string(),
        Value::Array(_) => Unexpected::Seq.to_string(),
        Value::Object(_) => Unexpected::Map.to_string(),
    }
}

impl Laid {
    fn line(&mut self, path: String, key: Option<(String, usize)>, last: Option<String>) {
        if !self.lines.is_empty() {
            // serde_json reports an error where its reader stands, one character after the
            // value it read: the space keeps that on the value's line.
            self.text.push_str(" \n");
        }
        self.lines.push(Line {
            path,
            key,
            last,
            opened: None,
            unexpected: String::new(),
        });
    }

    /// The path an error at `line` and `column` (1-based) is about. At a member's key, the
    /// error is about the key (an unknown variant or field): its object's. After a failed
    /// member, serde_json still reads up to its object's `}` when nothing else follows, so an
    /// error on a closing line is its last member's, unless it is about the object as a whole.
    fn path(&self, line: usize, column: usize, message: &str) -> Option<&str> {
        let line = self.lines.get(line.checked_sub(1)?)?;
        if let Some(array) = &line.opened
            && column == 0
            && message.starts_with("invalid type: sequence")
            && line.unexpected != serde::de::Unexpected::Seq.to_string()
        {
            return Some(array);
        }
        if let Some((object, key_end)) = &line.key
            && column <= *key_end
        {
            return Some(object);
        }
        let whole = [
            "missing field",
            "data did not match any variant",
            "invalid length",
        ]
        .iter()
        .any(|start| message.starts_with(start));
        match &line.last {
            Some(last) if !whole => Some(last),
            _ => Some(&line.path),
        }
    }

    fn describe(&mut self, value: &Value) {
        if let Some(line) = self.lines.last_mut() {
            line.unexpected = unexpected(value);
        }
    }

    /// The error's message as the path-tracking decoder gave it: serde_json reading bytes
    /// says only "expected value" where an enum meets a value of another kind.
    fn message(&self, line: usize, message: &str) -> String {
        match self.lines.get(line.wrapping_sub(1)) {
            Some(line) if message == "expected value" && !line.unexpected.is_empty() => {
                format!("invalid type: {}, expected string or map", line.unexpected)
            }
            _ => message.to_string(),
        }
    }

    fn value(&mut self, value: &Value, path: &str) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                self.text.push('{');
                for (i, (key, member)) in map.iter().enumerate() {
                    if i > 0 {
                        self.text.push(',');
                    }
                    let at = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    let quoted = Value::String(key.clone()).to_string();
                    let key_end = quoted.len();
                    self.line(at.clone(), Some((path.to_string(), key_end)), None);
                    self.describe(member);
                    self.text.push_str(&quoted);
                    self.text.push(':');
                    self.value(member, &at);
                }
                let last = map.keys().next_back().map(|key| {
                    if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    }
                });
                self.line(path.to_string(), None, last);
                self.text.push('}');
            }
            Value::Array(items) if !items.is_empty() => {
                self.text.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.text.push(',');
                    }
                    let at = format!("{path}[{i}]");
                    self.line(at.clone(), None, None);
                    if i == 0
                        && let Some(line) = self.lines.last_mut()
                    {
                        line.opened = Some(path.to_string());
                    }
                    self.describe(item);
                    self.value(item, &at);
                }
                let last = format!("{path}[{}]", items.len() - 1);
                self.line(path.to_string(), None, Some(last));
                self.text.push(']');
            }
            scalar => self.text.push_str(&scalar.to_string()),
        }
    }
}

/// Decodes `value` as `T`; the error names the path of the field it is about
/// (`vpn_connection.style: unknown variant ...`), or is the root's own message.
pub(crate) fn decode_naming_the_field<T: serde::de::DeserializeOwned>(
    value: &Value,
) -> Result<T, String> {
    let mut laid = Laid {
        text: String::new(),
        lines: Vec::new(),
    };
    laid.line(String::new(), None, None);
    laid.value(value, "");
    serde_json::from_slice::<T>(laid.text.as_bytes()).map_err(|e| {
        let located = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = laid.message(e.line(), located.strip_suffix(&suffix).unwrap_or(&located));
        let message = message.as_str();
        match laid.path(e.line(), e.column(), message) {
            Some(path) if !path.is_empty() => format!("{path}: {message}"),
            _ => message.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::decode_naming_the_field;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
        list: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
        port: u16,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        kind: Kind,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Static,
    }

    fn error(value: serde_json::Value) -> String {
        decode_naming_the_field::<Outer>(&value).unwrap_err()
    }

    #[test]
    fn an_error_names_the_member_the_item_or_the_object_missing_a_field() {
        let good = json!({"inner": {"name": "a\nb", "port": 443}, "list": [{"kind": "static"}]});
        decode_naming_the_field::<Outer>(&good).unwrap();
        assert_eq!(
            error(json!({"inner": {"name": "a", "port": 70000}, "list": []})),
            "inner.port: invalid value: integer `70000`, expected u16"
        );
        assert_eq!(
            error(json!({"inner": {"name": {"not": "a string"}, "port": 1}, "list": []})),
            "inner.name: invalid type: map, expected a string"
        );
        assert_eq!(
            error(
                json!({"inner": {"name": "a", "port": 1}, "list": [{"kind": "static"}, {"kind": "dynamic"}]})
            ),
            "list[1].kind: unknown variant `dynamic`, expected `static`"
        );
        // The last member of an object (`json!` sorts keys: `port` after `name`, `list`
        // after `inner`), the last item of a list, in the last member.
        assert_eq!(
            error(json!({"inner": {"name": "a", "port": -1}, "list": []})),
            "inner.port: invalid value: integer `-1`, expected u16"
        );
        assert_eq!(
            error(json!({"inner": {"name": "a", "port": 1}, "list": [{"kind": "dynamic"}]})),
            "list[0].kind: unknown variant `dynamic`, expected `static`"
        );
        assert_eq!(
            error(json!({"inner": {"port": 1}, "list": []})),
            "inner: missing field `name`"
        );
        assert_eq!(
            error(json!({"list": []})),
            "missing field `inner`",
            "the root's own error has no path"
        );
        assert_eq!(
            error(json!("text")),
            "invalid type: string \"text\", expected struct Outer"
        );
    }

    /// Every member and item of real bodies (the fixtures), replaced by a value of each wrong
    /// kind or removed: the error names the same path, with the same message, as the path-tracking
    /// decoder this module replaced (serde_path_to_error), and both accept the same bodies.
    #[cfg(feature = "s2c")]
    #[test]
    fn the_same_errors_as_a_path_tracking_decoder_on_every_field_of_real_bodies() {
        use crate::vpn_v5::types;
        use serde_json::Value;

        fn reference<T: serde::de::DeserializeOwned>(value: &Value) -> Result<(), String> {
            serde_path_to_error::deserialize::<_, T>(value)
                .map(drop)
                .map_err(|e| match e.path().to_string() {
                    path if path == "." => e.inner().to_string(),
                    path => format!("{path}: {}", e.inner()),
                })
        }

        fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
            match value {
                Value::Object(map) => map
                    .iter()
                    .for_each(|(k, v)| pointers(v, format!("{at}/{k}"), out)),
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
                _ => {}
            }
            out.push(at);
        }

        fn compare<T: serde::de::DeserializeOwned>(file: &str) -> usize {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures")
                .join(file);
            let body: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let mut all = Vec::new();
            pointers(&body, String::new(), &mut all);
            let wrong = [
                json!({"x": 1}),
                json!([1]),
                json!("not-a-documented-value"),
                json!(-1),
                json!(1.5),
                json!(true),
                Value::Null,
            ];
            let mut errors = 0;
            for pointer in all.iter().filter(|p| !p.is_empty()) {
                let mut variants: Vec<Value> = wrong
                    .iter()
                    .map(|w| {
                        let mut b = body.clone();
                        *b.pointer_mut(pointer).unwrap() = w.clone();
                        b
                    })
                    .collect();
                let (parent, key) = pointer.rsplit_once('/').unwrap();
                let mut removed = body.clone();
                if let Some(Value::Object(map)) = removed.pointer_mut(parent) {
                    map.remove(key);
                    variants.push(removed);
                }
                let mut added = body.clone();
                if let Some(Value::Object(map)) = added.pointer_mut(pointer) {
                    map.insert("zz_undocumented".into(), json!(1));
                    variants.push(added);
                }
                for variant in variants {
                    let ours = decode_naming_the_field::<T>(&variant).map(drop);
                    let theirs = reference::<T>(&variant);
                    assert_eq!(ours, theirs, "{file} {pointer}: {variant}");
                    errors += usize::from(ours.is_err());
                }
            }
            errors
        }

        let errors = compare::<types::CreateVpnConnectionRequest>(
            "CreateVpnConnection/request.seed-003.json",
        ) + compare::<types::VpnConnectionResponse>(
            "ShowVpnConnection/response-200.seed-003.json",
        ) + compare::<types::CreateVpnGatewayRequest>("CreateVgw/request.built.json")
            + compare::<types::ListVpnGatewaysResponse>("ListVgws/response-200.built.json");
        #[cfg(feature = "legacy")]
        let errors = errors
            + compare::<crate::ipsec_v2::types::IpsecSiteConnectionResponse>(
                "ShowIpsecSiteConnection/response-200.built.json",
            );
        #[cfg(feature = "p2c")]
        let errors = errors
            + compare::<crate::vpn_p2c::types::CreateVpnServerRequest>(
                "CreateVpnServer/request.cert-auth.json",
            )
            + compare::<crate::vpn_p2c::types::ListVpnServersResponse>(
                "ListVpnServersByVgw/response-200.built.json",
            );
        assert!(
            errors > 100,
            "the mutations reach the typed decoding: {errors}"
        );
    }
}
