//! `vpn-bench-server [--port PORT]`: the benchmarks' loopback server as a process (for the
//! official Python SDK). Prints its URL on the first line of stdout, then serves until killed.

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "Usage: vpn-bench-server [--port PORT]   (default 0: any free port)";

fn port(args: &[String]) -> Result<u16, String> {
    match args {
        [] => Ok(0),
        [flag, value] if flag == "--port" => value
            .parse()
            .map_err(|_| format!("--port must be a number from 0 to 65535, got `{value}`")),
        _ => Err(format!("unexpected arguments {args:?}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let port = match port(&args) {
        Ok(port) => port,
        Err(message) => {
            eprintln!("vpn-bench-server: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("vpn-bench-server: cannot start a runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("vpn-bench-server: cannot listen on 127.0.0.1:{port}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        println!("http://{addr}");
        let _ = std::io::stdout().flush();
        match axum::serve(listener, vpn_bench::router()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("vpn-bench-server: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
