//! Request bodies: the API's JSON from a file or stdin, with flags and secrets merged into the
//! object the body wraps, then checked by the generated request type through the operation
//! table (`huaweicloud_vpn::dynamic::check_body`). Nothing here knows a field by name: the
//! table says which fields exist, which are secret and which flag sets which field, so the
//! client's own rules (required fields, lengths, patterns, ranges, documented enum values)
//! reject bad input with the field and the rule.
//!
//! Secrets (`x-secret` fields such as `psk`) are read from stdin, a file or `HCVPN_<FIELD>`,
//! never from an argument, and never appear in `Debug` output or error messages.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use huaweicloud_vpn::operation::Operation;
use serde_json::{Map, Value};

use crate::error::CliError;

/// Whether a body path means standard input.
pub fn is_stdin(path: Option<&Path>) -> bool {
    path.is_some_and(|p| p.as_os_str() == "-")
}

/// A request body being put together for one operation.
pub struct Body {
    value: Value,
    op: &'static Operation,
    /// Field name → the flag (or flags) that set it, for "missing field" messages.
    hints: Vec<(String, String)>,
    /// Whether `--body -` read standard input.
    from_stdin: bool,
}

/// Field names only: a body may hold a secret.
impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fields: Vec<&String> = self
            .inner_ref()
            .map(|inner| inner.keys().collect())
            .unwrap_or_default();
        f.debug_struct("Body")
            .field("operation", &self.op.id)
            .field("fields", &fields)
            .finish()
    }
}

impl Body {
    /// Reads the body given with `--body` (a file, or `-` for stdin), or starts an empty one.
    pub fn read(path: Option<&Path>, op: &'static Operation) -> Result<Self, CliError> {
        let wrapper = op.request.as_ref().and_then(|r| r.wrapper);
        let value = match path {
            // No body: the flags fill the wrapped object, and what is missing is named in it.
            None => {
                let mut root = Map::new();
                if let Some(wrapper) = wrapper {
                    root.insert(wrapper.to_string(), Value::Object(Map::new()));
                }
                Value::Object(root)
            }
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
                    let example = match wrapper {
                        Some(w) => format!("{{\"{w}\": {{...}}}}"),
                        None => "{...}".to_string(),
                    };
                    return Err(CliError::usage(format!(
                        "body ({origin}): expected a JSON object such as {example}"
                    )));
                }
                value
            }
        };
        Ok(Body {
            value,
            op,
            hints: Vec::new(),
            from_stdin: is_stdin(path),
        })
    }

    fn wrapper(&self) -> Option<&'static str> {
        self.op.request.as_ref().and_then(|r| r.wrapper)
    }

    /// The object the flags fill: the wrapped one, created if absent, or the body itself.
    fn inner(&mut self) -> Result<&mut Map<String, Value>, CliError> {
        let wrapper = self.wrapper();
        let root = self
            .value
            .as_object_mut()
            .ok_or_else(|| CliError::usage("body: expected a JSON object"))?;
        match wrapper {
            None => Ok(root),
            Some(wrapper) => root
                .entry(wrapper)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .ok_or_else(|| CliError::usage(format!("body: `{wrapper}` must be a JSON object"))),
        }
    }

    fn inner_ref(&self) -> Option<&Map<String, Value>> {
        match self.wrapper() {
            None => self.value.as_object(),
            Some(wrapper) => self.value.get(wrapper).and_then(Value::as_object),
        }
    }

    /// Whether `--body -` read standard input (then no secret may come from it).
    pub fn reads_stdin(&self) -> bool {
        self.from_stdin
    }

    /// Whether the body already has `field`.
    pub fn has(&self, field: &str) -> bool {
        self.inner_ref()
            .and_then(|inner| inner.get(field))
            .is_some_and(|v| !v.is_null())
    }

    /// Names the flag that sets `field`, for "missing field" messages.
    pub fn hint(&mut self, field: &str, flag: &str) {
        self.hints.push((field.to_string(), flag.to_string()));
    }

    /// Sets a field from a flag (`flag` is named in "missing field" messages even when unset).
    pub fn set(
        &mut self,
        field: &str,
        flag: &str,
        value: Option<impl Into<Value>>,
    ) -> Result<&mut Self, CliError> {
        self.hint(field, flag);
        if let Some(value) = value {
            self.inner()?.insert(field.to_string(), value.into());
        }
        Ok(self)
    }

    /// Sets a list field from a repeatable flag, when it was given at least once.
    pub fn set_list(
        &mut self,
        field: &str,
        flag: &str,
        values: &[String],
    ) -> Result<&mut Self, CliError> {
        let value = (!values.is_empty()).then(|| Value::from(values.to_vec()));
        self.set(field, flag, value)
    }

    /// For updates: fails unless the body or a flag changes something.
    pub fn require_changes(&mut self, flags: &str) -> Result<(), CliError> {
        if self.inner()?.is_empty() {
            let example = match self.wrapper() {
                Some(w) => format!("{{\"{w}\": {{...}}}}"),
                None => "{...}".to_string(),
            };
            return Err(CliError::usage(format!(
                "nothing to update: give --body with {example} or one of {flags}"
            )));
        }
        Ok(())
    }

    /// Checks the body with the generated request type and returns it.
    ///
    /// Fields the request does not have are rejected (they would not be sent); other errors
    /// come from the generated type and name the JSON path and the rule (`vpn_connection.psk:
    /// shorter than 8 characters`), with the flag that sets a missing field. A secret's value
    /// never appears in a message.
    pub fn finish(self) -> Result<Value, CliError> {
        self.unknown_fields()?;
        if let Err(message) = huaweicloud_vpn::dynamic::check_body(self.op, &self.value) {
            let mut message = message;
            if let Some(field) = missing_field(&message)
                && let Some((_, flag)) = self.hints.iter().find(|(f, _)| f == field)
            {
                message.push_str(&format!(" (give it in the body or with {flag})"));
            }
            return Err(CliError::usage(format!("body: {message}")));
        }
        Ok(self.value)
    }

    /// Keys of the wrapped object that the table does not know (and, with a wrapper, other
    /// keys beside it). A body without its wrapper is left to the generated type's message.
    fn unknown_fields(&self) -> Result<(), CliError> {
        let Some(request) = &self.op.request else {
            return Ok(());
        };
        let known = |key: &str| request.fields.iter().any(|f| f.name == key);
        let mut unknown: Vec<String> = Vec::new();
        match (request.wrapper, self.value.as_object()) {
            (Some(wrapper), Some(root)) if root.contains_key(wrapper) => {
                unknown.extend(root.keys().filter(|k| *k != wrapper).cloned());
                if let Some(inner) = root.get(wrapper).and_then(Value::as_object) {
                    unknown.extend(
                        inner
                            .keys()
                            .filter(|k| !known(k))
                            .map(|k| format!("{wrapper}.{k}")),
                    );
                }
            }
            (None, Some(root)) if !request.fields.is_empty() => {
                unknown.extend(root.keys().filter(|k| !known(k)).cloned());
            }
            _ => {}
        }
        if unknown.is_empty() {
            return Ok(());
        }
        Err(CliError::usage(format!(
            "body: unknown field{} {}: not part of this request, so it would not be sent",
            if unknown.len() == 1 { "" } else { "s" },
            unknown
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }
}

/// The field of serde's "missing field `x`" message, wherever it is in the text.
fn missing_field(message: &str) -> Option<&str> {
    let start = message.find("missing field `")? + "missing field `".len();
    message[start..].split('`').next()
}

/// The environment variable a secret field may come from: `HCVPN_` and its name in capitals.
pub fn secret_env(field: &str) -> String {
    format!("HCVPN_{}", field.to_ascii_uppercase())
}

/// A secret field in words, for messages.
fn secret_label(field: &str) -> String {
    match field {
        "psk" => "pre-shared key".to_string(),
        other => format!("`{other}`"),
    }
}

/// Where the value of one secret field may come from, as the flags gave it.
#[derive(Debug, Clone, Default)]
pub struct SecretSource {
    /// `--<field>-stdin`.
    pub stdin: bool,
    /// `--<field>-file FILE`.
    pub file: Option<PathBuf>,
    /// `--<field>-env`: use `HCVPN_<FIELD>` (updates never read it implicitly).
    pub env: bool,
}

/// Whether `HCVPN_<FIELD>` is read without being asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvUse {
    /// Used when nothing else gives a value (creates).
    Implicit,
    /// Used only with `--<field>-env` (updates and other calls).
    Explicit,
}

/// Reads a secret field's value from its source and puts it into the body.
///
/// `flag` is the kebab-case stem of the flags (`psk` for `--psk-stdin`, `--psk-file`,
/// `--psk-env`).
pub fn add_secret(
    body: &mut Body,
    field: &str,
    flag: &str,
    source: &SecretSource,
    env: EnvUse,
) -> Result<(), CliError> {
    let variable = secret_env(field);
    let sources = match env {
        EnvUse::Implicit => format!("--{flag}-stdin, --{flag}-file or {variable}"),
        EnvUse::Explicit => format!("--{flag}-stdin, --{flag}-file or --{flag}-env"),
    };
    body.hint(field, &sources);
    let body_has = body.has(field);
    let explicit = source.stdin || source.file.is_some() || source.env;
    if explicit && body_has {
        return Err(CliError::usage(format!(
            "the body has a {field} and a source for it was given too; use one"
        )));
    }
    let (value, origin) = if source.stdin {
        if body.reads_stdin() {
            return Err(CliError::usage(format!(
                "--{flag}-stdin and --body - both read standard input; put the body in a file"
            )));
        }
        let stdin = std::io::stdin();
        let mut text = String::new();
        let read = if stdin.is_terminal() {
            eprint!("{}: ", secret_label(field));
            stdin.read_line(&mut text)
        } else {
            stdin.lock().read_to_string(&mut text)
        };
        read.map_err(|e| CliError::usage(format!("--{flag}-stdin: cannot read: {e}")))?;
        (text, "standard input".to_string())
    } else if let Some(path) = &source.file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::usage(format!(
                "--{flag}-file {}: cannot read: {e}",
                path.display()
            ))
        })?;
        (text, format!("--{flag}-file"))
    } else {
        let use_env = match env {
            EnvUse::Implicit => !body_has,
            EnvUse::Explicit => source.env,
        };
        if !use_env {
            return Ok(());
        }
        match std::env::var(&variable) {
            Ok(value) => (value, variable.clone()),
            Err(std::env::VarError::NotPresent) if !source.env => return Ok(()),
            Err(std::env::VarError::NotPresent) => {
                return Err(CliError::usage(format!(
                    "--{flag}-env: {variable} is not set"
                )));
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(CliError::usage(format!("{variable} is not valid UTF-8")));
            }
        }
    };
    let value = strip_newline(value);
    if value.is_empty() {
        return Err(CliError::usage(format!(
            "the {} from {origin} is empty",
            secret_label(field)
        )));
    }
    body.inner()?
        .insert(field.to_string(), Value::String(value));
    Ok(())
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

    fn create_connection() -> &'static Operation {
        huaweicloud_vpn::operation::find("CreateVpnConnection").expect("in the table")
    }

    fn body(json: Value) -> Body {
        let mut body = Body {
            value: json,
            op: create_connection(),
            hints: Vec::new(),
            from_stdin: false,
        };
        body.hint("vgw_id", "--vgw-id");
        body
    }

    #[test]
    fn errors_name_the_path_and_the_rule() {
        let err = body(serde_json::json!({"vpn_connection": {
            "vgw_id": "a", "vgw_ip": "b", "cgw_id": "c", "psk": "short"}}))
        .finish()
        .unwrap_err();
        assert!(
            err.report()
                .contains("body: vpn_connection.psk: shorter than 8 characters"),
            "{}",
            err.report()
        );
    }

    #[test]
    fn missing_fields_name_their_flag() {
        let err = body(serde_json::json!({"vpn_connection": {"vgw_ip": "b", "cgw_id": "c"}}))
            .finish()
            .unwrap_err();
        let report = err.report();
        assert!(
            report.contains("missing field `vgw_id`")
                && report.contains("(give it in the body or with --vgw-id)"),
            "{report}"
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = body(serde_json::json!({"vpn_connection": {
            "vgw_id": "a", "vgw_ip": "b", "cgw_id": "c", "nmae": "x"}}))
        .finish()
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
        .finish()
        .unwrap_err();
        assert!(!err.report().contains("123456789"), "{}", err.report());
    }

    #[test]
    fn debug_shows_field_names_only() {
        let b = body(serde_json::json!({"vpn_connection": {"psk": "Very-Secret-1"}}));
        let shown = format!("{b:?}");
        assert!(
            shown.contains("psk") && !shown.contains("Very-Secret-1"),
            "{shown}"
        );
    }

    #[test]
    fn one_final_newline_is_removed() {
        assert_eq!(strip_newline("key\r\n".into()), "key");
        assert_eq!(strip_newline("key\n\n".into()), "key\n");
        assert_eq!(strip_newline("key".into()), "key");
    }

    #[test]
    fn secret_variables_are_hcvpn_and_the_field_in_capitals() {
        assert_eq!(secret_env("psk"), "HCVPN_PSK");
        assert_eq!(secret_env("admin_password"), "HCVPN_ADMIN_PASSWORD");
    }
}
