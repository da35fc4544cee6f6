//! AK/SK signing (placeholder: being written; the names below are the agreed interface).

use crate::SecretString;

/// Access key and secret key.
pub struct AkSk {
    _ak: SecretString,
    _sk: SecretString,
    _token: Option<SecretString>,
}

impl AkSk {
    /// Permanent credentials.
    pub fn new(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        AkSk {
            _ak: SecretString::new(ak),
            _sk: SecretString::new(sk),
            _token: None,
        }
    }

    /// Temporary credentials.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self._token = Some(SecretString::new(token));
        self
    }
}

/// A request that cannot be signed.
#[derive(Debug)]
pub struct SignError;

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not implemented yet")
    }
}

/// Signs a request.
pub fn sign(
    _request: &mut reqwest::Request,
    _credentials: &AkSk,
    _project_id: Option<&str>,
    _now: std::time::SystemTime,
) -> Result<(), SignError> {
    Err(SignError)
}
