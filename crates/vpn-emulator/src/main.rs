//! `vpn-emulator`: runs the emulator until Ctrl-C.
//!
//! ```text
//! vpn-emulator [--port 9000] [--host 127.0.0.1] [--delay-ms 2000] [--ak AK --sk SK]
//!              [--project-id <32 hex>]
//! ```

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use vpn_emulator::{Config, Emulator};

const USAGE: &str = "\
Usage: vpn-emulator [OPTIONS]

A local emulator of the Huawei Cloud VPN v5 API and the legacy IPsec (v2.0) API.

Options:
  --port <PORT>            port to listen on (default 0: any free port)
  --host <IP>              address to listen on (default 127.0.0.1)
  --delay-ms <MS>          how long resources stay PENDING_* before ACTIVE (default 0)
  --ak <AK> --sk <SK>      require AK/SK (SDK-HMAC-SHA256) signatures made with these keys
  --project-id <ID>        serve only this project (32 hex characters); others get 403
  -h, --help               show this help
";

#[derive(Debug)]
struct Args {
    config: Config,
    project_id: Option<String>,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut config = Config::default();
    let mut project_id = None;
    let (mut ak, mut sk) = (None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Ok(None);
        }
        let known = [
            "--port",
            "--host",
            "--delay-ms",
            "--ak",
            "--sk",
            "--project-id",
        ];
        if !known.contains(&name.as_str()) {
            return Err(format!("unknown argument `{arg}`"));
        }
        let value = match inline {
            Some(v) => v,
            None => args.next().ok_or_else(|| format!("{name} needs a value"))?,
        };
        match name.as_str() {
            "--port" => {
                config.port = value.parse().map_err(|_| {
                    format!("--port must be a number from 0 to 65535, got `{value}`")
                })?
            }
            "--host" => {
                config.host = value
                    .parse::<IpAddr>()
                    .map_err(|_| format!("--host must be an IP address, got `{value}`"))?
            }
            "--delay-ms" => {
                let ms: u64 = value.parse().map_err(|_| {
                    format!("--delay-ms must be a whole number of milliseconds, got `{value}`")
                })?;
                config.transition_delay = Duration::from_millis(ms);
            }
            "--ak" => ak = Some(value),
            "--sk" => sk = Some(value),
            "--project-id" => {
                if value.len() != 32 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err("--project-id must be 32 hexadecimal characters".into());
                }
                project_id = Some(value);
            }
            _ => unreachable!("checked against the known names"),
        }
    }
    config.credentials = match (ak, sk) {
        (Some(ak), Some(sk)) if !ak.is_empty() && !sk.is_empty() => Some((ak, sk)),
        (Some(_), Some(_)) => return Err("--ak and --sk must not be empty".into()),
        (Some(_), None) => return Err("--ak needs --sk as well".into()),
        (None, Some(_)) => return Err("--sk needs --ak as well".into()),
        (None, None) => None,
    };
    Ok(Some(Args { config, project_id }))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("vpn-emulator: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
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
            Some(project) => Emulator::start_for_project(args.config.clone(), project).await,
            None => Emulator::start(args.config.clone()).await,
        };
        let emulator = match started {
            Ok(emulator) => emulator,
            Err(e) => {
                eprintln!(
                    "vpn-emulator: cannot listen on {}:{}: {e}",
                    args.config.host, args.config.port
                );
                return ExitCode::FAILURE;
            }
        };
        println!("{}", emulator.url());
        eprintln!(
            "vpn-emulator: VPN v5 at {url}/v5/{{project_id}}/..., legacy IPsec at {url}/v2.0/vpn/...; \
             AK/SK {}; Ctrl-C stops",
            if args.config.credentials.is_some() { "required" } else { "not required" },
            url = emulator.url(),
        );
        if let Err(e) = tokio::signal::ctrl_c().await {
            eprintln!("vpn-emulator: cannot wait for Ctrl-C: {e}");
        }
        emulator.shutdown();
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Option<Args>, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let a = args(&[
            "--port",
            "9000",
            "--delay-ms=2000",
            "--ak",
            "A",
            "--sk",
            "S",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(a.config.port, 9000);
        assert_eq!(a.config.transition_delay, Duration::from_millis(2000));
        assert_eq!(a.config.credentials, Some(("A".into(), "S".into())));
        assert!(args(&["--help"]).unwrap().is_none());
    }

    #[test]
    fn bad_flags_are_messages() {
        for (list, needle) in [
            (&["--port", "x"][..], "--port"),
            (&["--port", "70000"][..], "--port"),
            (&["--port"][..], "needs a value"),
            (&["--host", "localhost"][..], "--host"),
            (&["--ak", "A"][..], "--sk"),
            (&["--project-id", "abc"][..], "32 hexadecimal"),
            (&["--bogus"][..], "unknown argument"),
        ] {
            let error = args(list).unwrap_err();
            assert!(error.contains(needle), "{list:?}: {error}");
        }
    }
}
