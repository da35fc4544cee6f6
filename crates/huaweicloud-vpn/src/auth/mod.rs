//! Authentication: AK/SK request signing (`SDK-HMAC-SHA256`) and IAM password tokens.

mod iam;
mod signer;

pub use iam::{IamError, PasswordAuth, ProjectScope, TokenProvider};
pub use signer::{ALGORITHM, AkSk, SignError, SignedParts, canonical_request, sign, signature_for};
