//! Request bodies: the API's JSON from a file or stdin, convenience flags merged in, then
//! deserialized into the generated request type, so that the client's own checks (required
//! fields, lengths, patterns, ranges, enums) reject bad input with the field and the rule.
//! Pre-shared keys are read from stdin, a file or `HCVPN_PSK`, never from an argument.

use std::io::{IsTerminal, Read};
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::cli::PskArgs;
use crate::error::CliError;

/// The environment variable a pre-shared key may come from.
pub const ENV_PSK: &str = "HCVPN_PSK";

/// Whether a body path means standard input.
pub fn is_stdin(path: Option<&Path>) -> bool {
    path.is_some_and(|p| p.as_os_str() == "-")
}

/// A request body being put together: `{"<wrapper>": {...}}`.
#[derive(Debug)]
pub struct Body {
    value: Value,
    wrapper: &'static str,
    /// Field name → the flag that sets it, for "missing field" messages.
    hints: Vec<(&'static str, &'static str)>,
}

impl Body {
    /// Reads the body given with `--body` (a file, or `-` for stdin), or starts an empty one.
    pub fn read(path: Option<&Path>, wrapper: &'static str) -> Result<Self, CliError> {
        let value = match path {
            None => Value::Object(Map::new()),
            Some(path) => {
                let (text, origin) = if is_stdin(Some(path)) {
                    let mut text = String::new();
                    std::io::stdin().read_to_string(&mut text).map_err(|e| {
                        CliError::usage(format!("--body -: cannot read standard input: {e}"))
                    })?;
                    (text, "standard input".to_string())
                } else {
                    let text = std::fs::read_to_string(path).map_err(|e| {
                        CliError::usage(format!("--body {}: cannot read: {e}", path.display()))
                    })?;
                    (text, path.display().to_string())
                };
                let value: Value = serde_json::from_str(&text)
                    .map_err(|e| CliError::usage(format!("body ({origin}): invalid JSON: {e}")))?;
                if !value.is_object() {
                    return Err(CliError::usage(format!(
                        "body ({origin}): expected a JSON object such as {{\"{wrapper}\": {{...}}}}"
                    )));
                }
                value
            }
        };
        Ok(Body {
            value,
            wrapper,
            hints: Vec::new(),
        })
    }

    /// The object under the wrapper key, created if absent.
    fn inner(&mut self) -> Result<&mut Map<String, Value>, CliError> {
        let wrapper = self.wrapper;
        let root = self
            .value
            .as_object_mut()
            .ok_or_else(|| CliError::usage("body: expected a JSON object"))?;
        root.entry(wrapper)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or_else(|| CliError::usage(format!("body: `{wrapper}` must be a JSON object")))
    }

    /// For updates: fails unless the body or a flag changes something.
    pub fn require_changes(&mut self, flags: &str) -> Result<(), CliError> {
        let wrapper = self.wrapper;
        if self.inner()?.is_empty() {
            return Err(CliError::usage(format!(
                "nothing to update: give --body with {{\"{wrapper}\": {{...}}}} or one of {flags}"
            )));
        }
        Ok(())
    }

    /// Whether the body already has `field` under the wrapper.
    pub fn has(&self, field: &str) -> bool {
        self.value
            .get(self.wrapper)
            .and_then(|inner| inner.get(field))
            .is_some_and(|v| !v.is_null())
    }

    /// Sets a field from a flag (`flag` is named in "missing field" messages even when unset).
    pub fn set(
        &mut self,
        field: &'static str,
        flag: &'static str,
        value: Option<impl Into<Value>>,
    ) -> Result<&mut Self, CliError> {
        self.hints.push((field, flag));
        if let Some(value) = value {
            self.inner()?.insert(field.to_string(), value.into());
        }
        Ok(self)
    }

    /// Sets a list field from a repeatable flag, when it was given at least once.
    pub fn set_list(
        &mut self,
        field: &'static str,
        flag: &'static str,
        values: &[String],
    ) -> Result<&mut Self, CliError> {
        let value = (!values.is_empty()).then(|| Value::from(values.to_vec()));
        self.set(field, flag, value)
    }

    /// Deserializes into the generated request type `T`.
    ///
    /// Errors name the JSON path and the client's rule (`vpn_connection.psk: shorter than 8
    /// characters`); fields the request type does not have are rejected, since they would not
    /// be sent. A pre-shared key's value never appears in a message.
    pub fn into_typed<T: DeserializeOwned>(self) -> Result<T, CliError> {
        let mut unknown = Vec::new();
        let mut record = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
        let deserializer = serde_ignored::Deserializer::new(self.value, &mut record);
        let typed: T = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            let mut message = e.inner().to_string();
            if is_secret_path(&path) && message.contains('`') {
                // serde quotes unexpected values in backticks; do not echo a key.
                message = "invalid value (a string is expected; the value is not shown)".into();
            }
            if let Some(field) = missing_field(&message)
                && let Some((_, flag)) = self.hints.iter().find(|(f, _)| *f == field)
            {
                message.push_str(&format!(" (give it in the body or with {flag})"));
            }
            if path == "." || path.is_empty() {
                CliError::usage(format!("body: {message}"))
            } else {
                CliError::usage(format!("body: {path}: {message}"))
            }
        })?;
        if !unknown.is_empty() {
            return Err(CliError::usage(format!(
                "body: unknown field{} {}: not part of this request, so it would not be sent",
                if unknown.len() == 1 { "" } else { "s" },
                unknown
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(typed)
    }
}

fn is_secret_path(path: &str) -> bool {
    path.rsplit('.').next() == Some("psk")
}

/// The field of serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
}

/// Where a pre-shared key may come from in this command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PskEnv {
    /// `HCVPN_PSK` is used when nothing else gives a key (creates).
    Implicit,
    /// `HCVPN_PSK` is used only when asked for (`--psk-env` on updates).
    Explicit(bool),
}

/// Reads the pre-shared key from `--psk-stdin`, `--psk-file` or `HCVPN_PSK`.
///
/// `body_has_psk` tells whether the body already carries one (then `HCVPN_PSK` is not used
/// implicitly, and an explicit source is a conflict).
pub fn read_psk(
    args: &PskArgs,
    env: PskEnv,
    body_from_stdin: bool,
    body_has_psk: bool,
) -> Result<Option<String>, CliError> {
    let explicit = args.psk_stdin || args.psk_file.is_some() || env == PskEnv::Explicit(true);
    if explicit && body_has_psk {
        return Err(CliError::usage(
            "the body has a psk and a PSK source was given too; use one",
        ));
    }
    let (psk, origin) = if args.psk_stdin {
        if body_from_stdin {
            return Err(CliError::usage(
                "--psk-stdin and --body - both read standard input; put the body in a file",
            ));
        }
        let stdin = std::io::stdin();
        let mut text = String::new();
        let read = if stdin.is_terminal() {
            eprint!("pre-shared key: ");
            stdin.read_line(&mut text)
        } else {
            stdin.lock().read_to_string(&mut text)
        };
        read.map_err(|e| CliError::usage(format!("--psk-stdin: cannot read: {e}")))?;
        (text, "standard input")
    } else if let Some(path) = &args.psk_file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::usage(format!("--psk-file {}: cannot read: {e}", path.display()))
        })?;
        (text, "--psk-file")
    } else {
        let use_env = match env {
            PskEnv::Implicit => !body_has_psk,
            PskEnv::Explicit(asked) => asked,
        };
        if !use_env {
            return Ok(None);
        }
        match std::env::var(ENV_PSK) {
            Ok(value) => (value, ENV_PSK),
            Err(std::env::VarError::NotPresent) if env == PskEnv::Implicit => return Ok(None),
            Err(std::env::VarError::NotPresent) => {
                return Err(CliError::usage(format!("--psk-env: {ENV_PSK} is not set")));
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(CliError::usage(format!("{ENV_PSK} is not valid UTF-8")));
            }
        }
    };
    let psk = strip_newline(psk);
    if psk.is_empty() {
        return Err(CliError::usage(format!(
            "the pre-shared key from {origin} is empty"
        )));
    }
    Ok(Some(psk))
}

/// Removes one final newline (`\n` or `\r\n`), as a file or `echo` leaves it.
fn strip_newline(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use huaweicloud_vpn::vpn_v5::types;

    fn body(json: Value) -> Body {
        Body {
            value: json,
            wrapper: "vpn_connection",
            hints: vec![("vgw_id", "--vgw-id")],
        }
    }

    #[test]
    fn errors_name_the_path_and_the_rule() {
        let err = body(serde_json::json!({"vpn_connection": {
            "vgw_id": "a", "vgw_ip": "b", "cgw_id": "c", "psk": "short"}}))
        .into_typed::<types::CreateVpnConnectionRequest>()
        .unwrap_err();
        assert_eq!(
            err.report(),
            "error: body: vpn_connection.psk: shorter than 8 characters"
        );
    }

    #[test]
    fn missing_fields_name_their_flag() {
        let err = body(serde_json::json!({"vpn_connection": {"vgw_ip": "b", "cgw_id": "c"}}))
            .into_typed::<types::CreateVpnConnectionRequest>()
            .unwrap_err();
        assert_eq!(
            err.report(),
            "error: body: vpn_connection: missing field `vgw_id` (give it in the body or with --vgw-id)"
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = body(serde_json::json!({"vpn_connection": {
            "vgw_id": "a", "vgw_ip": "b", "cgw_id": "c", "nmae": "x"}}))
        .into_typed::<types::CreateVpnConnectionRequest>()
        .unwrap_err();
        assert!(
            err.report().contains("unknown field `vpn_connection.nmae`"),
            "{}",
            err.report()
        );
    }

    #[test]
    fn a_psk_of_the_wrong_type_is_not_echoed() {
        let err = body(serde_json::json!({"vpn_connection": {
            "vgw_id": "a", "vgw_ip": "b", "cgw_id": "c", "psk": 123456789}}))
        .into_typed::<types::CreateVpnConnectionRequest>()
        .unwrap_err();
        assert!(!err.report().contains("123456789"), "{}", err.report());
    }

    #[test]
    fn one_final_newline_is_removed() {
        assert_eq!(strip_newline("key\r\n".into()), "key");
        assert_eq!(strip_newline("key\n\n".into()), "key\n");
        assert_eq!(strip_newline("key".into()), "key");
    }
}
