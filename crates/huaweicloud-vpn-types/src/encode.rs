//! How the generated types write themselves as JSON: `cargo xtask generate` (its pass 16)
//! writes an `encode_struct!`, `encode_enum!` or `encode_newtype!` call for each of them
//! instead of serde's `#[derive(Serialize)]`.
//!
//! Why: with these (and the structs' decoders in `fields.rs`), a program that uses the client
//! with its default features builds no serde derive at all: serde_derive, a proc-macro crate
//! compiled before anything that uses serde can start, was seconds of every consumer's cold
//! build (BENCHMARKS.md, "Ninth pass"). The output is serde's derive's, byte for byte: the
//! fields in their declared order under their wire names, an optional field left out when it
//! is `None` (an object field when it is empty), an enum as its wire value, a newtype as its
//! value.

/// `impl Serialize` for a struct: `encode_struct!(Name, always(field, "wire"),
/// skip_none(field, "wire"), skip_empty(field, "wire"))`, the fields in their declared order.
/// `skip_none`: an `Option` left out when `None`; `skip_empty`: a map left out when empty.
#[allow(unused_macros)] // not every product has every kind of type
macro_rules! encode_struct {
    ($name:ident, $($how:ident($field:ident, $wire:literal)),* $(,)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct as _;
                let len = 0 $(+ $crate::encode::encode_struct!(@sent $how, self.$field) as usize)*;
                let mut object = serializer.serialize_struct(stringify!($name), len)?;
                $(
                    if $crate::encode::encode_struct!(@sent $how, self.$field) {
                        object.serialize_field($wire, &self.$field)?;
                    }
                )*
                object.end()
            }
        }
    };
    (@sent always, $value:expr) => { true };
    (@sent skip_none, $value:expr) => { $value.is_some() };
    (@sent skip_empty, $value:expr) => { !$value.is_empty() };
}
#[allow(unused_imports)]
pub(crate) use encode_struct;

/// `impl Serialize` for an enum of unit variants: `encode_enum!(Name, Variant => "wire", ...)`.
#[allow(unused_macros)] // not every product has every kind of type
macro_rules! encode_enum {
    ($name:ident, $($variant:ident => $wire:literal),* $(,)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(match self {
                    $(Self::$variant => $wire,)*
                })
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use encode_enum;

/// `impl Serialize` for a newtype (`struct Name(Inner)`): the inner value, as
/// `#[serde(transparent)]` writes it.
#[allow(unused_macros)] // not every product has every kind of type
macro_rules! encode_newtype {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&self.0, serializer)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use encode_newtype;
