//! Wall-clock timestamps in the formats the service writes and reads (with `humantime`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch (0 if the clock is before 1970).
pub(crate) fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The last millisecond RFC 3339 can write (9999-12-31T23:59:59.999Z); `humantime` fails on
/// later times, which a far horizon (`pre_expire_days` near `i32::MAX`) reaches.
const LAST_WRITABLE_MS: u64 = 253_402_300_799_999;

/// `2022-11-26T13:41:34.626Z`: how the v5 API writes `created_at` and `updated_at` (a time past
/// the year 9999 as its last millisecond).
pub(crate) fn iso_millis(millis: u64) -> String {
    let time = UNIX_EPOCH
        .checked_add(Duration::from_millis(millis.min(LAST_WRITABLE_MS)))
        .unwrap_or(UNIX_EPOCH);
    humantime::format_rfc3339_millis(time).to_string()
}

/// `2024-03-18 09:12:44.123000`: how the legacy (Neutron-style) API writes `created_at`.
pub(crate) fn neutron_time(millis: u64) -> String {
    let iso = iso_millis(millis);
    format!("{}000", iso.trim_end_matches('Z').replacen('T', " ", 1))
}

/// Parses an `X-Sdk-Date` value (`YYYYMMDDTHHMMSSZ`, UTC) into a time.
pub(crate) fn parse_sdk_date(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| {
        text.get(r)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
    };
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        digits(0..4)?,
        digits(4..6)?,
        digits(6..8)?,
        digits(9..11)?,
        digits(11..13)?,
        digits(13..15)?
    );
    humantime::parse_rfc3339(&rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(iso_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_millis(1_669_470_094_626), "2022-11-26T13:41:34.626Z");
        assert_eq!(
            neutron_time(1_709_251_198_123),
            "2024-02-29 23:59:58.123000"
        );
    }

    #[test]
    fn sdk_dates() {
        let t = parse_sdk_date("20060102T150405Z").unwrap();
        assert_eq!(t, UNIX_EPOCH + Duration::from_secs(1_136_214_245));
        for bad in [
            "",
            "20060102T150405",
            "2006010xT150405Z",
            "20061302T150405Z",
            "２００６0102T150405Z",
        ] {
            assert!(parse_sdk_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn times_past_the_year_9999_are_written_as_its_last_millisecond() {
        assert_eq!(iso_millis(u64::MAX), "9999-12-31T23:59:59.999Z");
        assert_eq!(iso_millis(0), "1970-01-01T00:00:00.000Z");
    }
}
