//! Path parameters: a value must stay one segment of the URL it is put into.
//!
//! Why: URL parsing removes dot segments (`.`, `..`) and an empty value collapses two slashes'
//! worth of path, so `vpn-gateways/{vgw_id}` with `..` would address another resource (or the
//! collection) without any error. Every generated call and [`crate::dynamic`] put their path
//! parameters through [`segment`] before percent-encoding them, so such a value is refused
//! before anything is sent, with the parameter's name.

use progenitor_client::Error;

/// `value` if it can be the path parameter `name`, else [`Error::InvalidRequest`] naming it.
#[allow(clippy::result_large_err)] // the generated calls' own error type
pub(crate) fn segment<E>(name: &str, value: String) -> Result<String, Error<E>> {
    check(name, &value).map_err(Error::InvalidRequest)?;
    Ok(value)
}

/// Why `value` cannot be the path parameter `name`, if it cannot.
pub(crate) fn check(name: &str, value: &str) -> Result<(), String> {
    let rule = match value {
        "" => "must not be empty",
        "." | ".." => {
            "must not be `.` or `..` (a dot segment is removed from the URL, which would address another resource)"
        }
        _ => return Ok(()),
    };
    Err(format!("path parameter `{name}` {rule}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_and_empty_values_are_refused_with_the_name() {
        for bad in ["", ".", ".."] {
            match segment::<()>("vgw_id", bad.to_string()) {
                Err(Error::InvalidRequest(message)) => {
                    assert!(
                        message.starts_with("path parameter `vgw_id` must not be"),
                        "{message}"
                    );
                }
                other => panic!("{bad:?} was accepted: {other:?}"),
            }
        }
        for good in ["...", ".a", "a.", "a..b", "%2E", " . "] {
            assert_eq!(segment::<()>("vgw_id", good.to_string()).unwrap(), good);
        }
    }
}
