//! Wall-clock timestamps in the formats the service writes, without a date library.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch (0 if the clock is before 1970).
pub(crate) fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// (year, month, day, hour, minute, second, millisecond) of a Unix time in milliseconds (UTC).
fn parts(millis: u64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let secs = millis / 1000;
    let ms = (millis % 1000) as u32;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        ((rem % 3600) / 60) as u32,
        (rem % 60) as u32,
        ms,
    )
}

/// `2022-11-26T13:41:34.626Z`: how the v5 API writes `created_at` and `updated_at`.
pub(crate) fn iso_millis(millis: u64) -> String {
    let (y, mo, d, h, mi, s, ms) = parts(millis);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

/// `2024-03-18 09:12:44.123000`: how the legacy (Neutron-style) API writes `created_at`.
pub(crate) fn neutron_time(millis: u64) -> String {
    let (y, mo, d, h, mi, s, ms) = parts(millis);
    format!(
        "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{:06}",
        ms * 1000
    )
}

/// Parses an `X-Sdk-Date` value (`YYYYMMDDTHHMMSSZ`, UTC) into a time.
pub(crate) fn parse_sdk_date(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (h, mi, s) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(i64::from(y), mo, d);
    let secs = days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s);
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Howard Hinnant's `days_from_civil`: (year, month, day) to days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
}
