//! AK/SK signing (being written).

use crate::SecretString;

/// Access key and secret key.
pub struct AkSk {
    _ak: SecretString,
    _sk: SecretString,
}

/// A request that cannot be signed.
#[derive(Debug)]
pub struct SignError;

/// Signs a request.
pub fn sign(
    _request: &mut reqwest::Request,
    _credentials: &AkSk,
    _project_id: Option<&str>,
    _now: std::time::SystemTime,
) -> Result<(), SignError> {
    Err(SignError)
}
