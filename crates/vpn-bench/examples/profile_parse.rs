//! A fixed amount of work for a profiler: `profile_parse N` parses the 2,000-item
//! `ListVpnConnections` page N times into the generated type (see BENCHMARKS.md).

use std::hint::black_box;
use std::process::ExitCode;

use huaweicloud_vpn::vpn_v5::types::ListVpnConnectionsResponse;
use vpn_bench::{LIST_ITEMS, list_page};

fn main() -> ExitCode {
    let n = match std::env::args().nth(1).map(|n| n.parse::<usize>()) {
        Some(Ok(n)) => n,
        _ => {
            eprintln!("usage: profile_parse N");
            return ExitCode::from(2);
        }
    };
    let page = list_page(LIST_ITEMS);
    for _ in 0..n {
        let list: ListVpnConnectionsResponse =
            serde_json::from_slice(black_box(&page)).expect("the page parses");
        black_box(list);
    }
    ExitCode::SUCCESS
}
