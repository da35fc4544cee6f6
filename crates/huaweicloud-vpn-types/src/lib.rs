#![doc = include_str!("../README.md")]
// Why a crate of its own: the types need only serde and serde_json, so a program's
// cold build compiles them beside reqwest, hyper and the TLS stack instead of after them.
// Every public item written by hand is documented; the generated modules carry the specs'
// descriptions where the generator places them.
#![deny(missing_docs)]

#[rustfmt::skip]
#[allow(missing_docs)]
mod generated;
mod automaton;
#[doc(hidden)]
pub mod encode;
#[doc(hidden)]
pub mod fields;
#[doc(hidden)]
pub mod support;

#[cfg(feature = "legacy")]
pub use generated::ipsec_v2;
#[cfg(feature = "p2c")]
pub use generated::vpn_p2c;
#[cfg(feature = "s2c")]
pub use generated::vpn_v5;
#[cfg(feature = "s2c")]
pub use generated::vpn_v5_1;
pub use support::{Bounded, OutOfRange, UnknownValue};
