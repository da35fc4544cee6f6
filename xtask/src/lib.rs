//! The developer commands of the workspace (`cargo xtask ...`), as a library so that plain
//! `cargo test` can run the same checks.

pub mod diff;
pub mod doc_lines;
pub mod generate;
pub mod lint;
pub mod operations;
pub mod outline;
pub mod patterns;
pub mod postprocess;
pub mod schema;
pub mod spec;
pub mod transform;
