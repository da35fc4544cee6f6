//! A fixed amount of work for a profiler: `profile_calls VARIANT N` makes N create-then-show
//! calls with one of the four clients of `benches/calls.rs` (`generated_unsigned`,
//! `reqwest_unsigned`, `generated_aksk`, `reqwest_aksk`) against the loopback server.
//!
//! Running it under `valgrind --tool=callgrind` for two values of N and subtracting gives
//! the instructions of one call, set-up excluded (see BENCHMARKS.md).

use std::hint::black_box;
use std::process::ExitCode;

use vpn_bench::Server;
use vpn_bench::calls::{Clients, generated};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (variant, n) = match args.as_slice() {
        [variant, n] => match n.parse::<usize>() {
            Ok(n) => (variant.clone(), n),
            Err(_) => {
                eprintln!("profile_calls: N must be a number, got `{n}`");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: profile_calls VARIANT N");
            return ExitCode::from(2);
        }
    };
    let server = Server::start().expect("the loopback server starts");
    let clients = Clients::new(&server.url());
    let runtime = vpn_bench::client_runtime().expect("a runtime");
    runtime.block_on(async {
        for _ in 0..n {
            match variant.as_str() {
                "generated_unsigned" => black_box(generated(&clients.generated_unsigned).await),
                "generated_aksk" => black_box(generated(&clients.generated_aksk).await),
                "reqwest_unsigned" => black_box(clients.reqwest_unsigned.create_then_show().await),
                "reqwest_aksk" => black_box(clients.reqwest_aksk.create_then_show().await),
                other => {
                    eprintln!("profile_calls: unknown variant `{other}`");
                    std::process::exit(2);
                }
            };
        }
    });
    ExitCode::SUCCESS
}
