//! Small types the generated code relies on.

use std::fmt;

/// A value of an open enum that this version of the crate does not know.
///
/// Response enums (statuses, algorithms, styles, ...) are open: when the service starts
/// returning a new value, the call still succeeds and the value is kept here, exactly as sent,
/// and serializes back unchanged. There is no public constructor, so a program cannot put an
/// undocumented value into a request by accident.
///
/// ```compile_fail
/// // Programs cannot make one up:
/// let _ = huaweicloud_vpn::UnknownValue("new".to_string());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    pub(crate) fn new(value: String) -> Self {
        UnknownValue(value)
    }

    /// The value as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Stands in for a secret in `Debug` output.
pub(crate) struct Redacted;

/// The one [`Redacted`] value the generated `Debug` impls print.
pub(crate) const REDACTED: Redacted = Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
