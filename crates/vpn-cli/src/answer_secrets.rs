//! Keeping an answer's secrets off the terminal: the values the operation table marks secret
//! in a success body (`Operation::response_secrets`: an exported client configuration, a peer
//! configuration, a pre-shared key read back) are replaced before anything is printed, and go
//! to a file only when the user names one (`--secret-out FILE`), created new with owner-only
//! permissions.

use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::CliError;

/// What printed answers show instead of a secret nobody asked to write.
pub const REDACTED: &str = "<redacted: use --secret-out FILE>";

/// Takes every value at `pointers` (`*`: each item of an array) out of `answer`, putting
/// `placeholder` in its place; the values taken, by concrete pointer, in answer order.
pub fn take(answer: &mut Value, pointers: &[&str], placeholder: &str) -> Vec<(String, Value)> {
    let mut taken = Vec::new();
    for pointer in pointers {
        let segments: Vec<&str> = pointer.split('/').skip(1).collect();
        take_at(answer, &segments, String::new(), placeholder, &mut taken);
    }
    taken
}

fn take_at(
    value: &mut Value,
    segments: &[&str],
    at: String,
    placeholder: &str,
    taken: &mut Vec<(String, Value)>,
) {
    let Some((first, rest)) = segments.split_first() else {
        if !value.is_null() {
            let secret = std::mem::replace(value, Value::String(placeholder.to_string()));
            taken.push((at, secret));
        }
        return;
    };
    match value {
        Value::Array(items) if *first == "*" => {
            for (i, item) in items.iter_mut().enumerate() {
                take_at(item, rest, format!("{at}/{i}"), placeholder, taken);
            }
        }
        Value::Object(map) => {
            let key = first.replace("~1", "/").replace("~0", "~");
            if let Some(inner) = map.get_mut(&key) {
                take_at(inner, rest, format!("{at}/{first}"), placeholder, taken);
            }
        }
        _ => {}
    }
}

/// What goes into the file: a single secret text as it is (a client configuration is then a
/// profile a VPN client opens), several as one JSON object by pointer.
pub fn file_text(taken: &[(String, Value)]) -> String {
    match taken {
        [(_, Value::String(text))] => text.clone(),
        _ => {
            let all: Map<String, Value> = taken.iter().cloned().collect();
            let mut text = serde_json::to_string_pretty(&Value::Object(all)).unwrap_or_default();
            text.push('\n');
            text
        }
    }
}

/// Writes `text` to a new file at `path`, readable and writable by its owner only (0600 on
/// Unix). An existing file is never overwritten: it might be someone else's, or readable by
/// others.
pub fn write_new(path: &Path, text: &str) -> Result<(), CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let shown = path.display();
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::usage(format!(
                "--secret-out {shown}: the file exists; name a new file (it is created with \
                 owner-only permissions)"
            ))
        } else {
            CliError::Io(format!("--secret-out {shown}: cannot create it: {e}"))
        }
    })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| CliError::Io(format!("--secret-out {shown}: cannot write it: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_taken_out_at_their_pointers_including_list_items() {
        let mut answer = json!({
            "client_config": "client\nremote 203.0.113.2 443\n",
            "vpn_connections": [{"id": "a", "psk": "One-Secret-1"}, {"id": "b", "psk": "Two-Secret-2"}, {"id": "c"}],
        });
        let taken = take(
            &mut answer,
            &["/client_config", "/vpn_connections/*/psk"],
            "<x>",
        );
        assert_eq!(
            taken.iter().map(|(at, _)| at.as_str()).collect::<Vec<_>>(),
            [
                "/client_config",
                "/vpn_connections/0/psk",
                "/vpn_connections/1/psk"
            ]
        );
        let printed = answer.to_string();
        assert!(!printed.contains("Secret-"), "{printed}");
        assert!(!printed.contains("remote"), "{printed}");
        assert_eq!(answer["vpn_connections"][0]["psk"], "<x>");
        assert!(answer["vpn_connections"][2].get("psk").is_none());
    }

    #[test]
    fn one_secret_text_is_written_as_it_is_several_as_json() {
        let one = vec![("/client_config".to_string(), json!("client\n"))];
        assert_eq!(file_text(&one), "client\n");
        let two = vec![
            ("/a/psk".to_string(), json!("x")),
            ("/b/psk".to_string(), json!("y")),
        ];
        let text = file_text(&two);
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, json!({"/a/psk": "x", "/b/psk": "y"}));
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_new_and_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("hcvpn-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("client.ovpn");
        let _ = std::fs::remove_file(&path);
        write_new(&path, "client\n").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let again = write_new(&path, "other\n").unwrap_err();
        assert!(
            matches!(&again, CliError::Usage(message) if message.contains("exists")),
            "{again:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "client\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
