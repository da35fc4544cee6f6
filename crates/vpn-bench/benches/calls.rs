//! Per-call overhead: create-then-show of a VPN connection through the generated client, and
//! the same two requests written by hand with `reqwest` + `serde_json` (parsed into the same
//! generated response types), against the same loopback server. Unsigned and AK/SK-signed;
//! the hand-written signed calls use the crate's public signer, so both sides pay the same
//! signature and the difference is the client's own work (see `vpn_bench::calls`).
//!
//! `cargo bench -p vpn-bench --bench calls`. On a shared machine the medians of successive
//! benchmarks drift with the load; `benches/paired.rs` measures the ratios interleaved.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use vpn_bench::Server;
use vpn_bench::calls::{Clients, generated};

fn create_then_show(c: &mut Criterion) {
    let server = Server::start().expect("the loopback server starts");
    let clients = Clients::new(&server.url());
    let runtime = vpn_bench::client_runtime().expect("a runtime");

    let mut group = c.benchmark_group("create_then_show");
    group.bench_function("generated_unsigned", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(generated(&clients.generated_unsigned).await) })
    });
    group.bench_function("reqwest_unsigned", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(clients.reqwest_unsigned.create_then_show().await) })
    });
    group.bench_function("generated_aksk", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(generated(&clients.generated_aksk).await) })
    });
    group.bench_function("reqwest_aksk", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(clients.reqwest_aksk.create_then_show().await) })
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, create_then_show);
criterion_main!(benches);
