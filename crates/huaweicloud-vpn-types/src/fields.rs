//! How the generated structs read a JSON object: `cargo xtask generate` (its pass 14) writes a
//! `decode_struct!` call for each of them instead of serde's derive.
//!
//! Why: serde's derive gives every struct its own field-name visitor, a field enum and a
//! reader for the struct written as a JSON array, which no answer of this API is. Those were
//! the largest part of the types crate's build, which a program's cold build waits for
//! (BENCHMARKS.md, "Eighth pass"). Here one visitor reads every struct's field names, and each
//! generated impl keeps only its own loop over the object. What a program sees is the same:
//! unknown fields are skipped, a missing required field or a field given twice is an error
//! naming it, `null` or an absent optional field is `None`.

use std::fmt;

use serde::de::{DeserializeSeed, Error, MapAccess, Visitor};

/// Reads an object's key as its position in a struct's field names; `None` for a key the
/// struct does not know (its value is then skipped).
#[derive(Clone, Copy)]
pub struct FieldIndex(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = Option<usize>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldIndex {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| *name == value))
    }

    fn visit_bytes<E: Error>(self, value: &[u8]) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| name.as_bytes() == value))
    }
}

/// Reads the value of the field `name` into `slot`; a second value for the same field is an
/// error (as with serde's derive).
pub fn next_field<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: serde::Deserialize<'de>,
{
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The value of a required field, or the error naming it.
pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// `impl Deserialize` for a struct with named fields, from a JSON object:
/// `decode_struct!(Name, required(0, field, "wire name"), or_default(1, other, "other"))`,
/// the indices counting from 0 in the order of the fields. Each value is read as the type of
/// the field it goes into.
#[allow(unused_macros)] // a build with no product has no struct
macro_rules! decode_struct {
    ($name:ident, $($how:ident($index:literal, $field:ident, $wire:literal)),* $(,)?) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                const FIELDS: &[&str] = &[$($wire),*];
                struct FieldsVisitor;
                impl<'de> ::serde::de::Visitor<'de> for FieldsVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<$name, A::Error>
                    where
                        A: ::serde::de::MapAccess<'de>,
                    {
                        $(let mut $field = ::std::option::Option::None;)*
                        while let ::std::option::Option::Some(index) =
                            map.next_key_seed($crate::fields::FieldIndex(FIELDS))?
                        {
                            match index {
                                $(::std::option::Option::Some($index) => {
                                    $crate::fields::next_field(&mut map, &mut $field, $wire)?
                                })*
                                _ => {
                                    map.next_value::<::serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $($field: $crate::fields::decode_struct!(@value $how $field $wire),)*
                        })
                    }
                }
                deserializer.deserialize_struct(stringify!($name), FIELDS, FieldsVisitor)
            }
        }
    };
    // A field's value once the object is read: an absent required field is an error naming
    // it; an absent optional one (an `Option`, or a field with `#[serde(default)]`) is its
    // `Default`.
    (@value required $field:ident $wire:literal) => {
        $crate::fields::required($field, $wire)?
    };
    (@value or_default $field:ident $wire:literal) => {
        $field.unwrap_or_default()
    };
}
#[allow(unused_imports)]
pub(crate) use decode_struct;
