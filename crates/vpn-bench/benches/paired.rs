//! Interleaved ratios: the comparisons of `calls` and `parsing`, measured so that machine
//! noise hits both sides alike.
//!
//! Criterion measures one benchmark after another, so on a shared machine a burst of load
//! during one of them moves the ratio between two of them. Here each round times a batch of A
//! and then a batch of B (the order alternating from round to round) and the result is the
//! median over the rounds of time(A) / time(B), with its quartiles.
//!
//! ```text
//! cargo bench -p vpn-bench --bench paired [-- --rounds N --out FILE]
//! ```
//!
//! Writes JSON (default `target/bench/paired.json`) that `cargo xtask bench` reads. Run by
//! `cargo test --benches` (no `--bench` flag) it is a smoke run: two rounds of one call each,
//! nothing written unless `--out` is given.

use std::future::Future;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use huaweicloud_vpn::vpn_v5::types::ListVpnConnectionsResponse;
use tokio::runtime::Runtime;
use vpn_bench::calls::{Clients, generated};
use vpn_bench::{LIST_ITEMS, Server, list_page};

struct Options {
    smoke: bool,
    rounds: usize,
    out: Option<PathBuf>,
}

fn options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut bench = false;
    let mut rounds = None;
    let mut out = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bench" => bench = true,
            "--rounds" => {
                let value = args.next().ok_or("--rounds needs a number")?;
                rounds = Some(
                    value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or(format!("--rounds must be a positive number, got `{value}`"))?,
                );
            }
            "--out" => out = Some(PathBuf::from(args.next().ok_or("--out needs a file")?)),
            // What cargo passes to every harness (`--test-threads`, filters...): not ours.
            _ => {}
        }
    }
    let smoke = !bench;
    let default_out =
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench/paired.json");
    Ok(Options {
        smoke,
        rounds: rounds.unwrap_or(if smoke { 2 } else { 300 }),
        out: out.or_else(|| (!smoke).then(default_out)),
    })
}

/// Times `batch` runs of a future-making closure on `runtime`.
fn time_batch<F, Fut>(runtime: &Runtime, batch: usize, f: &mut F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future,
{
    runtime.block_on(async {
        let started = Instant::now();
        for _ in 0..batch {
            black_box(f().await);
        }
        started.elapsed()
    })
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    quantile(values, 0.5)
}

/// One comparison's result, in nanoseconds per run.
struct Pair {
    name: &'static str,
    a: &'static str,
    b: &'static str,
    a_median_ns: f64,
    b_median_ns: f64,
    ratio: [f64; 3],
}

impl Pair {
    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "a": self.a,
            "b": self.b,
            "a_median_ns": self.a_median_ns,
            "b_median_ns": self.b_median_ns,
            "ratio_p25": self.ratio[0],
            "ratio_median": self.ratio[1],
            "ratio_p75": self.ratio[2],
        })
    }
}

/// Interleaves batches of `a` and `b` for `rounds` rounds (after a warm-up of both).
fn compare<FA, FB, A, B>(
    runtime: &Runtime,
    name: &'static str,
    (a_name, mut a): (&'static str, FA),
    (b_name, mut b): (&'static str, FB),
    batch: usize,
    rounds: usize,
) -> Pair
where
    FA: FnMut() -> A,
    FB: FnMut() -> B,
    A: Future,
    B: Future,
{
    time_batch(runtime, batch * 3, &mut a);
    time_batch(runtime, batch * 3, &mut b);
    let (mut a_times, mut b_times, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (ta, tb) = if round % 2 == 0 {
            let ta = time_batch(runtime, batch, &mut a);
            (ta, time_batch(runtime, batch, &mut b))
        } else {
            let tb = time_batch(runtime, batch, &mut b);
            (time_batch(runtime, batch, &mut a), tb)
        };
        let (ta, tb) = (ta.as_nanos() as f64, tb.as_nanos() as f64);
        a_times.push(ta / batch as f64);
        b_times.push(tb / batch as f64);
        ratios.push(ta / tb);
    }
    ratios.sort_by(f64::total_cmp);
    let pair = Pair {
        name,
        a: a_name,
        b: b_name,
        a_median_ns: median(&mut a_times),
        b_median_ns: median(&mut b_times),
        ratio: [
            quantile(&ratios, 0.25),
            quantile(&ratios, 0.5),
            quantile(&ratios, 0.75),
        ],
    };
    println!(
        "{name}: {a_name} {:.1} µs, {b_name} {:.1} µs, ratio {:.3} (quartiles {:.3} to {:.3}) over {rounds} rounds of {batch}",
        pair.a_median_ns / 1e3,
        pair.b_median_ns / 1e3,
        pair.ratio[1],
        pair.ratio[0],
        pair.ratio[2],
    );
    pair
}

fn run(options: &Options) -> Result<Vec<Pair>, String> {
    let server = Server::start().map_err(|e| format!("cannot start the loopback server: {e}"))?;
    let clients = Clients::new(&server.url());
    let runtime =
        vpn_bench::client_runtime().map_err(|e| format!("cannot start a runtime: {e}"))?;
    let (call_batch, parse_batch) = if options.smoke { (1, 1) } else { (40, 2) };
    let rounds = options.rounds;
    let mut pairs = vec![
        compare(
            &runtime,
            "create_then_show_unsigned",
            ("generated_unsigned", || {
                generated(&clients.generated_unsigned)
            }),
            ("reqwest_unsigned", || {
                clients.reqwest_unsigned.create_then_show()
            }),
            call_batch,
            rounds,
        ),
        compare(
            &runtime,
            "create_then_show_aksk",
            ("generated_aksk", || generated(&clients.generated_aksk)),
            ("reqwest_aksk", || clients.reqwest_aksk.create_then_show()),
            call_batch,
            rounds,
        ),
    ];

    let page = bytes::Bytes::from(list_page(LIST_ITEMS));
    let decode = || {
        let response = reqwest::Response::from(http::Response::new(page.clone()));
        async move {
            huaweicloud_vpn::__decode_response::<ListVpnConnectionsResponse, ()>(response)
                .await
                .expect("the page decodes")
                .into_inner()
                .vpn_connections
                .map_or(0, |v| v.len())
        }
    };
    let plain = || {
        let list: ListVpnConnectionsResponse =
            serde_json::from_slice(&page).expect("the page parses");
        std::future::ready(list.vpn_connections.map_or(0, |v| v.len()))
    };
    pairs.push(compare(
        &runtime,
        "list_2000_parse",
        ("client_decode", decode),
        ("serde_json_same_structs", plain),
        parse_batch,
        rounds.div_ceil(3),
    ));
    drop(server);
    Ok(pairs)
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("paired: {message}");
            return ExitCode::from(2);
        }
    };
    let pairs = match run(&options) {
        Ok(pairs) => pairs,
        Err(message) => {
            eprintln!("paired: {message}");
            return ExitCode::FAILURE;
        }
    };
    let Some(out) = &options.out else {
        return ExitCode::SUCCESS;
    };
    let report = serde_json::json!({
        "smoke": options.smoke,
        "rounds": options.rounds,
        "list_bytes": list_page(LIST_ITEMS).len(),
        "pairs": pairs.iter().map(Pair::json).collect::<Vec<_>>(),
    });
    let written = out
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| {
            std::fs::write(
                out,
                serde_json::to_vec_pretty(&report).expect("JSON serializes"),
            )
        });
    match written {
        Ok(()) => {
            println!("wrote {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("paired: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
