//! `vpn-emulator`: runs the emulator until Ctrl-C. Arguments are parsed with clap; bad ones
//! print a message and the usage and exit with status 2.
//!
//! ```text
//! vpn-emulator [--port 9000] [--host 127.0.0.1] [--delay-ms 2000] [--ak AK --sk SK]
//!              [--project-id <32 hex>] [--fault KIND@RATE[:OPERATION]]... [--fault-mix RATE]
//!              [--fault-seed N]
//! ```
//!
//! `--fault 503@10%`, `--fault lost@0.05:CreateVpnConnection`, `--fault latency=200ms@0.5`:
//! see `vpn_emulator::FaultRule` for the kinds.

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use clap::builder::NonEmptyStringValueParser;
use vpn_emulator::{Config, Emulator, FaultRule, Faults};

/// A local emulator of the Huawei Cloud VPN v5 API and the legacy IPsec (v2.0) API.
#[derive(Debug, Parser)]
#[command(name = "vpn-emulator", version)]
struct Args {
    /// Port to listen on (0: any free port).
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    port: u16,
    /// IP address to listen on.
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    host: IpAddr,
    /// How long resources stay PENDING_* before they are ready, in milliseconds.
    #[arg(long = "delay-ms", value_name = "MS", default_value_t = 0)]
    delay_ms: u64,
    /// Require AK/SK (SDK-HMAC-SHA256) signatures made with this access key (needs --sk).
    #[arg(long, value_name = "AK", requires = "sk", value_parser = NonEmptyStringValueParser::new())]
    ak: Option<String>,
    /// The secret key of --ak.
    #[arg(long, value_name = "SK", requires = "ak", value_parser = NonEmptyStringValueParser::new())]
    sk: Option<String>,
    /// Serve only this project (32 hexadecimal characters); others get 403.
    #[arg(long = "project-id", value_name = "ID", value_parser = project_id)]
    project_id: Option<String>,
    /// Inject a fault, KIND@RATE[:OPERATION] (repeatable). KIND: latency=<duration> (e.g.
    /// latency=200ms), 429[=<Retry-After seconds>], 500, 502, 503, 504, reset (the connection is
    /// closed before the request is handled) or lost (handled, then the connection is closed
    /// without an answer). RATE: 0.1 or 10%. OPERATION: an operation id (default: every one).
    #[arg(long = "fault", value_name = "KIND@RATE[:OPERATION]")]
    faults: Vec<FaultRule>,
    /// Fail this share of all requests (0.1 or 10%), split evenly between 429, 500, 502, 503,
    /// 504, reset and lost (added before any --fault rules).
    #[arg(long = "fault-mix", value_name = "RATE", value_parser = rate)]
    fault_mix: Option<f64>,
    /// The seed of the fault draws: the same seed and requests in the same order meet the same
    /// faults.
    #[arg(long = "fault-seed", value_name = "N", default_value_t = 0)]
    fault_seed: u64,
}

fn rate(text: &str) -> Result<f64, String> {
    // The rate syntax of a fault rule.
    let rule: FaultRule = format!("reset@{text}").parse()?;
    Ok(rule.rate)
}

fn project_id(text: &str) -> Result<String, String> {
    if text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(text.to_string())
    } else {
        Err("must be 32 hexadecimal characters".into())
    }
}

impl Args {
    fn config(&self) -> Config {
        Config {
            host: self.host,
            port: self.port,
            transition_delay: Duration::from_millis(self.delay_ms),
            credentials: self.ak.clone().zip(self.sk.clone()),
            faults: {
                let mut faults = match self.fault_mix {
                    Some(rate) => Faults::mixed(self.fault_seed, rate),
                    None => Faults {
                        seed: self.fault_seed,
                        rules: Vec::new(),
                    },
                };
                faults.rules.extend(self.faults.iter().cloned());
                faults
            },
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = args.config();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("vpn-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let started = match args.project_id {
            Some(project) => Emulator::start_for_project(config.clone(), project).await,
            None => Emulator::start(config.clone()).await,
        };
        let emulator = match started {
            Ok(emulator) => emulator,
            Err(e) => {
                eprintln!(
                    "vpn-emulator: cannot listen on {}:{}: {e}",
                    config.host, config.port
                );
                return ExitCode::FAILURE;
            }
        };
        println!("{}", emulator.url());
        for rule in &config.faults.rules {
            eprintln!("vpn-emulator: injecting {rule} (seed {})", config.faults.seed);
        }
        eprintln!(
            "vpn-emulator: VPN v5 at {url}/v5/{{project_id}}/..., legacy IPsec at {url}/v2.0/vpn/...; \
             AK/SK {}; Ctrl-C stops",
            if config.credentials.is_some() { "required" } else { "not required" },
            url = emulator.url(),
        );
        if let Err(e) = tokio::signal::ctrl_c().await {
            eprintln!("vpn-emulator: cannot wait for Ctrl-C: {e}");
        }
        if !config.faults.rules.is_empty() {
            // What was injected, as the last line on stdout (`cargo xtask bench` reads it).
            let c = emulator.fault_counts();
            println!(
                "{}",
                serde_json::json!({"fault_counts": {
                    "requests": c.requests, "latency": c.latency, "throttled": c.throttled,
                    "server_errors": c.server_errors, "resets": c.resets, "lost": c.lost,
                }})
            );
        }
        emulator.shutdown();
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    fn args(list: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("vpn-emulator").chain(list.iter().copied()))
    }

    #[test]
    fn flags() {
        Args::command().debug_assert();
        let a = args(&[
            "--port",
            "9000",
            "--delay-ms=2000",
            "--ak",
            "A",
            "--sk",
            "S",
        ])
        .unwrap();
        let config = a.config();
        assert_eq!(config.port, 9000);
        assert_eq!(config.transition_delay, Duration::from_millis(2000));
        assert_eq!(config.credentials, Some(("A".into(), "S".into())));
        let faulty = args(&[
            "--fault",
            "503@10%",
            "--fault=lost@0.05:CreateVpnConnection",
            "--fault-seed",
            "9",
        ])
        .unwrap()
        .config();
        assert_eq!(faulty.faults.seed, 9);
        let mixed = args(&["--fault-mix", "10%"]).unwrap().config();
        assert_eq!(mixed.faults, Faults::mixed(0, 0.1));
        assert_eq!(
            faulty
                .faults
                .rules
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["503@0.1", "lost@0.05:CreateVpnConnection"]
        );
        let defaults = args(&[]).unwrap().config();
        assert_eq!(defaults.host.to_string(), "127.0.0.1");
        assert_eq!((defaults.port, defaults.credentials), (0, None));
        assert_eq!(
            args(&["--help"]).unwrap_err().kind(),
            ErrorKind::DisplayHelp
        );
    }

    #[test]
    fn bad_flags_are_messages() {
        for (list, needle) in [
            (&["--port", "x"][..], "--port"),
            (&["--port", "70000"][..], "--port"),
            (&["--port"][..], "a value is required"),
            (&["--host", "localhost"][..], "--host"),
            (&["--ak", "A"][..], "--sk"),
            (&["--ak", "", "--sk", "S"][..], "--ak"),
            (&["--project-id", "abc"][..], "32 hexadecimal"),
            (&["--bogus"][..], "unexpected argument"),
            (&["--fault", "418@0.1"][..], "unknown kind"),
            (&["--fault", "503@2"][..], "between 0 and 1"),
            (&["--fault-mix", "lots"][..], "not a number"),
        ] {
            let error = args(list).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{list:?}");
            let text = error.to_string();
            assert!(text.contains(needle), "{list:?}: {text}");
        }
    }
}
