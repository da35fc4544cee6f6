//! Authentication: AK/SK request signing (`SDK-HMAC-SHA256`) and IAM password tokens.

mod iam;
mod signer;

pub use iam::{IamError, PasswordAuth, ProjectScope, TokenProvider};
pub use signer::{AkSk, SignError, sign};
