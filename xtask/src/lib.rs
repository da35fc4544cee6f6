//! The developer commands of the workspace (`cargo xtask ...`), as a library so that plain
//! `cargo test` can run the same checks.
// The module docs name the private passes and steps they are made of, for the people who change
// them: read them with `cargo doc -p xtask --no-deps --document-private-items`.
#![allow(rustdoc::private_intra_doc_links)]

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
