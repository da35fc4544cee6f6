//! IAM password tokens (being written).

/// Password credentials.
pub struct PasswordAuth;
/// The project a token is scoped to.
pub enum ProjectScope {}
/// Fetches and caches tokens.
pub struct TokenProvider;
/// IAM failure.
#[derive(Debug)]
pub struct IamError;
