//! Reading what criterion wrote: `<target>/criterion/<group>/<function>/new/estimates.json`
//! (the median and its confidence interval, in nanoseconds) and `benchmark.json` beside it
//! (the throughput, when the bench declared one).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;

/// The median time of one iteration, with criterion's confidence interval, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub median_ns: f64,
    pub lower_ns: f64,
    pub upper_ns: f64,
}

/// Where criterion keeps one benchmark's latest results.
pub fn bench_dir(criterion_dir: &Path, group: &str, function: &str) -> PathBuf {
    criterion_dir.join(group).join(function).join("new")
}

/// Reads one benchmark's median. `not_before`: results written earlier are stale (left by an
/// earlier run) and reported as missing. The error says what is missing or malformed, naming
/// the file.
pub fn read_estimate(
    criterion_dir: &Path,
    group: &str,
    function: &str,
    not_before: Option<SystemTime>,
) -> Result<Estimate, String> {
    let path = bench_dir(criterion_dir, group, function).join("estimates.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{}: not found (no benchmark {group}/{function} ran)",
                path.display()
            ));
        }
        Err(error) => return Err(format!("{}: {error}", path.display())),
    };
    if let Some(start) = not_before {
        let modified = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if modified < start {
            return Err(format!(
                "{}: left by an earlier run (benchmark {group}/{function} did not run this time)",
                path.display()
            ));
        }
    }
    parse_estimate(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses the text of an `estimates.json`.
pub fn parse_estimate(text: &str) -> Result<Estimate, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let number = |pointer: &str| -> Result<f64, String> {
        let field = pointer.trim_start_matches('/').replace('/', ".");
        match doc.pointer(pointer) {
            None => Err(format!("{field} is missing")),
            Some(value) => match value.as_f64() {
                Some(n) if n.is_finite() && n > 0.0 => Ok(n),
                Some(n) => Err(format!("{field} is {n}, expected a positive number")),
                None => Err(format!("{field} is {value}, expected a number")),
            },
        }
    };
    let median_ns = number("/median/point_estimate")?;
    let lower_ns = number("/median/confidence_interval/lower_bound")?;
    let upper_ns = number("/median/confidence_interval/upper_bound")?;
    Ok(Estimate {
        median_ns,
        lower_ns,
        upper_ns,
    })
}

/// The bytes one iteration processes, from `benchmark.json` (`"throughput": {"Bytes": n}` or
/// `{"BytesDecimal": n}`). `Ok(None)` when the bench declared no byte throughput.
pub fn read_throughput_bytes(
    criterion_dir: &Path,
    group: &str,
    function: &str,
) -> Result<Option<u64>, String> {
    let path = bench_dir(criterion_dir, group, function).join("benchmark.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_throughput_bytes(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses the throughput out of the text of a `benchmark.json`.
pub fn parse_throughput_bytes(text: &str) -> Result<Option<u64>, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let Some(throughput) = doc.get("throughput").filter(|t| !t.is_null()) else {
        return Ok(None);
    };
    for key in ["Bytes", "BytesDecimal"] {
        if let Some(value) = throughput.get(key) {
            return match value.as_u64() {
                Some(n) if n > 0 => Ok(Some(n)),
                _ => Err(format!(
                    "throughput.{key} is {value}, expected a positive whole number"
                )),
            };
        }
    }
    // Elements or another unit: not bytes.
    Ok(None)
}

/// One interleaved comparison of `benches/paired.rs`: the median of time(A) / time(B) over
/// the rounds, with its quartiles.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paired {
    pub ratio_median: f64,
    pub ratio_p25: f64,
    pub ratio_p75: f64,
    pub rounds: u64,
}

/// Reads comparison `name` from the JSON `benches/paired.rs` writes. `not_before` as for
/// [`read_estimate`].
pub fn read_paired(
    path: &Path,
    name: &str,
    not_before: Option<SystemTime>,
) -> Result<Paired, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(start) = not_before {
        let modified = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if modified < start {
            return Err(format!(
                "{}: left by an earlier run (the paired bench did not run this time)",
                path.display()
            ));
        }
    }
    parse_paired(&text, name).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses comparison `name` out of the text of `paired.json`.
pub fn parse_paired(text: &str, name: &str) -> Result<Paired, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if doc.get("smoke").and_then(Value::as_bool) == Some(true) {
        return Err("written by a smoke run (not timed)".into());
    }
    let rounds = doc
        .get("rounds")
        .and_then(Value::as_u64)
        .ok_or("rounds is missing or not a whole number")?;
    let pair = doc
        .get("pairs")
        .and_then(Value::as_array)
        .ok_or("pairs is missing or not a list")?
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .ok_or_else(|| format!("no comparison named {name}"))?;
    let number = |field: &str| -> Result<f64, String> {
        match pair.get(field).and_then(Value::as_f64) {
            Some(n) if n.is_finite() && n > 0.0 => Ok(n),
            _ => Err(format!(
                "{name}.{field} is missing or not a positive number"
            )),
        }
    };
    Ok(Paired {
        ratio_median: number("ratio_median")?,
        ratio_p25: number("ratio_p25")?,
        ratio_p75: number("ratio_p75")?,
        rounds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAIRED: &str = r#"{"smoke": false, "rounds": 300, "list_bytes": 2437058, "pairs": [
        {"name": "create_then_show_unsigned", "a": "generated_unsigned", "b": "reqwest_unsigned",
         "a_median_ns": 95000.0, "b_median_ns": 90000.0,
         "ratio_p25": 1.01, "ratio_median": 1.03, "ratio_p75": 1.06}]}"#;

    #[test]
    fn paired_ratios_are_read_by_name_and_smoke_runs_refused() {
        let pair = parse_paired(PAIRED, "create_then_show_unsigned").unwrap();
        assert_eq!(
            pair,
            Paired {
                ratio_median: 1.03,
                ratio_p25: 1.01,
                ratio_p75: 1.06,
                rounds: 300
            }
        );
        assert_eq!(
            parse_paired(PAIRED, "nope").unwrap_err(),
            "no comparison named nope"
        );
        let smoke = PAIRED.replace(r#""smoke": false"#, r#""smoke": true"#);
        assert!(
            parse_paired(&smoke, "create_then_show_unsigned")
                .unwrap_err()
                .contains("smoke")
        );
        let broken = PAIRED.replace(r#""ratio_median": 1.03"#, r#""ratio_median": -1"#);
        assert_eq!(
            parse_paired(&broken, "create_then_show_unsigned").unwrap_err(),
            "create_then_show_unsigned.ratio_median is missing or not a positive number"
        );
        assert!(
            parse_paired("{", "x")
                .unwrap_err()
                .starts_with("not valid JSON")
        );
    }

    const ESTIMATES: &str = r#"{
        "mean": {"confidence_interval": {"confidence_level": 0.95, "lower_bound": 40.0, "upper_bound": 44.0}, "point_estimate": 42.0, "standard_error": 1.0},
        "median": {"confidence_interval": {"confidence_level": 0.95, "lower_bound": 39500.5, "upper_bound": 41000.0}, "point_estimate": 40123.25, "standard_error": 12.0},
        "std_dev": null
    }"#;

    #[test]
    fn reads_the_median_and_its_interval() {
        let estimate = parse_estimate(ESTIMATES).unwrap();
        assert_eq!(
            estimate,
            Estimate {
                median_ns: 40123.25,
                lower_ns: 39500.5,
                upper_ns: 41000.0
            }
        );
    }

    #[test]
    fn malformed_estimates_name_what_is_wrong() {
        let error = parse_estimate("{ not json").unwrap_err();
        assert!(error.starts_with("not valid JSON"), "{error}");
        let error = parse_estimate(r#"{"mean": {}}"#).unwrap_err();
        assert_eq!(error, "median.point_estimate is missing");
        let error = parse_estimate(r#"{"median": {"point_estimate": "fast"}}"#).unwrap_err();
        assert_eq!(
            error,
            r#"median.point_estimate is "fast", expected a number"#
        );
        let error = parse_estimate(
            r#"{"median": {"point_estimate": 0.0, "confidence_interval": {"lower_bound": 1, "upper_bound": 2}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            error,
            "median.point_estimate is 0, expected a positive number"
        );
        let error = parse_estimate(r#"{"median": {"point_estimate": 5.0}}"#).unwrap_err();
        assert_eq!(error, "median.confidence_interval.lower_bound is missing");
    }

    #[test]
    fn a_missing_file_is_reported_with_its_path_and_a_malformed_one_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let error = read_estimate(dir.path(), "signing", "sign_create_request", None).unwrap_err();
        assert!(
            error.contains("signing/sign_create_request/new/estimates.json"),
            "{error}"
        );
        assert!(error.contains("not found"), "{error}");

        let bench = bench_dir(dir.path(), "signing", "sign_create_request");
        std::fs::create_dir_all(&bench).unwrap();
        std::fs::write(bench.join("estimates.json"), "[1, 2").unwrap();
        let error = read_estimate(dir.path(), "signing", "sign_create_request", None).unwrap_err();
        assert!(error.contains("estimates.json: not valid JSON"), "{error}");

        std::fs::write(bench.join("estimates.json"), ESTIMATES).unwrap();
        let estimate = read_estimate(dir.path(), "signing", "sign_create_request", None).unwrap();
        assert_eq!(estimate.median_ns, 40123.25);
    }

    #[test]
    fn results_older_than_this_run_are_stale() {
        let dir = tempfile::tempdir().unwrap();
        let bench = bench_dir(dir.path(), "list_2000", "client_decode");
        std::fs::create_dir_all(&bench).unwrap();
        std::fs::write(bench.join("estimates.json"), ESTIMATES).unwrap();
        let later = SystemTime::now() + std::time::Duration::from_secs(3600);
        let error =
            read_estimate(dir.path(), "list_2000", "client_decode", Some(later)).unwrap_err();
        assert!(error.contains("left by an earlier run"), "{error}");
        let earlier = SystemTime::UNIX_EPOCH;
        assert!(read_estimate(dir.path(), "list_2000", "client_decode", Some(earlier)).is_ok());
    }

    #[test]
    fn throughput_in_bytes_or_none() {
        assert_eq!(
            parse_throughput_bytes(r#"{"throughput": {"Bytes": 1048576}}"#).unwrap(),
            Some(1048576)
        );
        assert_eq!(
            parse_throughput_bytes(r#"{"throughput": {"BytesDecimal": 1000}}"#).unwrap(),
            Some(1000)
        );
        assert_eq!(
            parse_throughput_bytes(r#"{"throughput": null}"#).unwrap(),
            None
        );
        assert_eq!(
            parse_throughput_bytes(r#"{"group_id": "x"}"#).unwrap(),
            None
        );
        assert_eq!(
            parse_throughput_bytes(r#"{"throughput": {"Elements": 2000}}"#).unwrap(),
            None
        );
        let error = parse_throughput_bytes(r#"{"throughput": {"Bytes": -1}}"#).unwrap_err();
        assert!(error.contains("throughput.Bytes is -1"), "{error}");
        let dir = tempfile::tempdir().unwrap();
        let error = read_throughput_bytes(dir.path(), "list_2000", "client_decode").unwrap_err();
        assert!(error.contains("benchmark.json"), "{error}");
    }
}
