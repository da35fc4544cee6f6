//! Path parameters: a value must stay one segment of the URL it is put into, and is
//! percent-encoded into it.
//!
//! Why: URL parsing removes dot segments (`.`, `..`) and an empty value collapses two slashes'
//! worth of path, so `vpn-gateways/{vgw_id}` with `..` would address another resource (or the
//! collection) without any error. Every generated call and [`crate::dynamic`] put their path
//! parameters through [`segment`] before percent-encoding them, so such a value is refused
//! before anything is sent, with the parameter's name.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::Error;

/// What a path segment cannot carry as it is: the URL standard's path percent-encode set
/// (controls, space, `"`, `#`, `<`, `>`, `?`, `` ` ``, `{`, `}`), and `/` and `%`, so that a
/// value stays one segment and is read back as it was given.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// `value` percent-encoded as one URL path segment.
pub fn encode_path(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

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

    #[test]
    fn a_value_stays_one_segment_and_reads_back() {
        assert_eq!(encode_path("vgw-1_a.b~c"), "vgw-1_a.b~c");
        assert_eq!(encode_path("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(encode_path("{x}<y>\"`"), "%7Bx%7D%3Cy%3E%22%60");
        assert_eq!(encode_path("é"), "%C3%A9");
    }
}
