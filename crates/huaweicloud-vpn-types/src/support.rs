//! Small types the generated types rely on (the ones a program sees are re-exported at the
//! crate root and by `huaweicloud_vpn`; the rest is hidden, for the generated code of both crates).

use std::fmt;

pub use crate::automaton::Dfa;

/// A value of an open enum that this version of the crate does not know.
///
/// Response enums (statuses, algorithms, styles, ...) are open: when the service starts
/// returning a new value, the call still succeeds and the value is kept here, exactly as sent,
/// and serializes back unchanged. There is no public constructor, so a program cannot put an
/// undocumented value into a request by accident.
///
/// ```compile_fail
/// // Programs cannot make one up:
/// let _ = huaweicloud_vpn_types::UnknownValue("new".to_string());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl UnknownValue {
    /// Deserializes an open enum's string: `known` maps the documented values, anything else
    /// becomes `unknown(UnknownValue)`. The string is borrowed from the input when it can be
    /// (`serde_json::from_slice` on text without escapes), so a documented value costs no
    /// allocation; only an unknown one is copied. The generated `Deserialize` impls call it.
    ///
    /// Inside [`strictly`] (a request body built from JSON being checked) an undocumented value
    /// is an error instead, with the message of the enum's `FromStr`: what a program sends is
    /// always a documented value.
    #[doc(hidden)]
    pub fn deserialize_open<'de, D, T>(
        deserializer: D,
        known: fn(&str) -> Option<T>,
        unknown: fn(UnknownValue) -> T,
    ) -> Result<T, D::Error>
    where
        D: serde::Deserializer<'de>,
        T: std::str::FromStr,
        T::Err: fmt::Display,
    {
        struct Open<T> {
            known: fn(&str) -> Option<T>,
            unknown: fn(UnknownValue) -> T,
        }
        impl<T> serde::de::Visitor<'_> for Open<T>
        where
            T: std::str::FromStr,
            T::Err: fmt::Display,
        {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
                match (self.known)(value) {
                    Some(known) => Ok(known),
                    None => {
                        refuse_if_strict::<T, E>(value)?;
                        Ok((self.unknown)(UnknownValue(value.to_owned())))
                    }
                }
            }

            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
                match (self.known)(&value) {
                    Some(known) => Ok(known),
                    None => {
                        refuse_if_strict::<T, E>(&value)?;
                        Ok((self.unknown)(UnknownValue(value)))
                    }
                }
            }
        }
        fn refuse_if_strict<T, E>(value: &str) -> Result<(), E>
        where
            T: std::str::FromStr,
            T::Err: fmt::Display,
            E: serde::de::Error,
        {
            if !STRICT.with(std::cell::Cell::get) {
                return Ok(());
            }
            Err(E::custom(match value.parse::<T>() {
                Err(e) => e.to_string(),
                Ok(_) => "not a documented value".to_string(),
            }))
        }
        deserializer.deserialize_str(Open { known, unknown })
    }
}

thread_local! {
    /// Set while [`strictly`] runs on this thread.
    static STRICT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (a deserialization, which runs on this thread) with open enums refusing values they
/// do not document: how a request body built from JSON is checked.
#[cfg(feature = "dynamic")]
#[doc(hidden)]
pub fn strictly<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            STRICT.with(|strict| strict.set(self.0));
        }
    }
    let _restore = Restore(STRICT.with(|strict| strict.replace(true)));
    f()
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Stands in for a secret in `Debug` output.
#[doc(hidden)]
pub struct Redacted;

/// The one [`Redacted`] value the generated `Debug` impls print.
#[doc(hidden)]
pub const REDACTED: Redacted = Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// An integer the API accepts only between `MIN` and `MAX` (inclusive), such as an IKE
/// `lifetime_seconds` (`Bounded<60, 604800>`) or a page `limit` (`Bounded<0, 2000>`).
///
/// Request fields with documented limits use it, so an out-of-range value is an error naming
/// the rule before anything is sent. Builders accept plain integers:
///
/// ```
/// use huaweicloud_vpn_types::Bounded; // `huaweicloud_vpn::Bounded` is the same type
/// let ok = Bounded::<60, 604800>::try_from(86400_i64).unwrap();
/// assert_eq!(ok.get(), 86400);
/// let err = Bounded::<60, 604800>::try_from(5_u32).unwrap_err();
/// assert_eq!(err.to_string(), "must be between 60 and 604800, got 5");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bounded<const MIN: i64, const MAX: i64>(i64);

/// A value outside a [`Bounded`] range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutOfRange {
    min: i64,
    max: i64,
    value: i128,
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.min, self.max) {
            (i64::MIN, max) => write!(f, "must be at most {max}, got {}", self.value),
            (min, i64::MAX) => write!(f, "must be at least {min}, got {}", self.value),
            (min, max) => write!(f, "must be between {min} and {max}, got {}", self.value),
        }
    }
}

impl std::error::Error for OutOfRange {}

impl OutOfRange {
    /// Checks `value` against the inclusive limits a spec documents (either may be absent).
    #[cfg(feature = "dynamic")]
    #[doc(hidden)]
    pub fn check(value: i64, min: Option<i64>, max: Option<i64>) -> Result<(), OutOfRange> {
        let (min, max) = (min.unwrap_or(i64::MIN), max.unwrap_or(i64::MAX));
        if (min..=max).contains(&value) {
            Ok(())
        } else {
            Err(OutOfRange {
                min,
                max,
                value: value.into(),
            })
        }
    }
}

impl<const MIN: i64, const MAX: i64> Bounded<MIN, MAX> {
    /// The smallest accepted value.
    pub const MIN: i64 = MIN;
    /// The largest accepted value.
    pub const MAX: i64 = MAX;

    /// Checks `value` against the range.
    pub fn new(value: i64) -> Result<Self, OutOfRange> {
        Self::check(i128::from(value))
    }

    fn check(value: i128) -> Result<Self, OutOfRange> {
        if value < i128::from(MIN) || value > i128::from(MAX) {
            return Err(OutOfRange {
                min: MIN,
                max: MAX,
                value,
            });
        }
        Ok(Bounded(value as i64))
    }

    /// The value.
    pub fn get(self) -> i64 {
        self.0
    }
}

macro_rules! bounded_from {
    ($($t:ty),*) => {$(
        impl<const MIN: i64, const MAX: i64> TryFrom<$t> for Bounded<MIN, MAX> {
            type Error = OutOfRange;
            fn try_from(value: $t) -> Result<Self, OutOfRange> {
                Self::check(value as i128)
            }
        }
    )*};
}
bounded_from!(i8, i16, i32, i64, u8, u16, u32, u64, isize, usize);

impl<const MIN: i64, const MAX: i64> std::ops::Deref for Bounded<MIN, MAX> {
    type Target = i64;
    fn deref(&self) -> &i64 {
        &self.0
    }
}

impl<const MIN: i64, const MAX: i64> From<Bounded<MIN, MAX>> for i64 {
    fn from(value: Bounded<MIN, MAX>) -> i64 {
        value.0
    }
}

impl<const MIN: i64, const MAX: i64> fmt::Debug for Bounded<MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<const MIN: i64, const MAX: i64> fmt::Display for Bounded<MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl<const MIN: i64, const MAX: i64> serde::Serialize for Bounded<MIN, MAX> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de, const MIN: i64, const MAX: i64> serde::Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        Self::new(value).map_err(serde::de::Error::custom)
    }
}

#[cfg(all(test, feature = "s2c"))]
mod tests {
    use crate::vpn_v5::VpnConnectionStatus;

    #[test]
    fn open_enums_read_borrowed_escaped_and_unknown_strings() {
        // Borrowed from the input (no escapes): the documented value.
        let status: VpnConnectionStatus = serde_json::from_slice(br#""ACTIVE""#).unwrap();
        assert_eq!(status, VpnConnectionStatus::Active);
        // An escape makes serde_json hand over an owned string: still the documented value.
        let status: VpnConnectionStatus = serde_json::from_str(r#""\u0041CTIVE""#).unwrap();
        assert_eq!(status, VpnConnectionStatus::Active);
        // From a `serde_json::Value` (owned strings) too.
        let status: VpnConnectionStatus =
            serde_json::from_value(serde_json::json!("DOWN")).unwrap();
        assert_eq!(status, VpnConnectionStatus::Down);
        // Unknown values are kept, borrowed or owned, and written back unchanged.
        for text in [r#""MIGRATING""#, r#""MIGR\u0041TING""#] {
            let status: VpnConnectionStatus = serde_json::from_str(text).unwrap();
            assert!(!status.is_known());
            assert_eq!(status.as_str(), "MIGRATING");
            assert_eq!(serde_json::to_string(&status).unwrap(), r#""MIGRATING""#);
        }
        // Anything but a string is an error that says what was expected.
        let error = serde_json::from_str::<VpnConnectionStatus>("3").unwrap_err();
        assert!(error.to_string().contains("expected a string"), "{error}");
    }
}

/// A spec's `pattern` as the generated checks run it: the value matches `matching` and none of
/// `not_matching` (the pattern's leading negative lookaheads, which an automaton does not have).
/// `cargo xtask generate` carries each ECMAScript pattern over, refuses what would read
/// differently and writes each part as an automaton's table (`xtask/src/patterns.rs`, where a
/// test compares the tables with an ECMAScript engine on the fixtures' strings).
#[doc(hidden)]
pub struct Pattern {
    pub matching: Dfa<'static>,
    pub not_matching: &'static [Dfa<'static>],
}

impl Pattern {
    #[doc(hidden)]
    pub fn is_match(&self, value: &str) -> bool {
        self.matching.is_match(value) && !self.not_matching.iter().any(|n| n.is_match(value))
    }
}
