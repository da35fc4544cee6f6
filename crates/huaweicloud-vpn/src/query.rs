//! Query parameters: one `name=value` pair per value, the name repeated for a list.
//!
//! Why: the generated calls hand reqwest's `query` one [`QueryParam`] per parameter. Its value
//! is whatever the parameter's type is (a string, an integer, a [`crate::Bounded`], an enum, an
//! `Option` of one, a `Vec` of them for a parameter the API repeats:
//! `enterprise_project_id=a&enterprise_project_id=b`); its `Serialize` renders the value to
//! strings first and gives reqwest's URL encoder a list of pairs, which it encodes. `None` adds
//! nothing; an object is refused (no parameter of this API is one).

use std::fmt;

use serde::ser::{self, Impossible, Serialize, Serializer};

/// One query parameter of a generated call: its name and a reference to its value.
#[doc(hidden)]
pub struct QueryParam<'a, T> {
    name: &'a str,
    value: &'a T,
}

impl<'a, T> QueryParam<'a, T> {
    /// The parameter `name` with `value`.
    pub fn new(name: &'a str, value: &'a T) -> Self {
        QueryParam { name, value }
    }
}

impl<T: Serialize> Serialize for QueryParam<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut values = Vec::new();
        self.value.serialize(Values(&mut values)).map_err(|e| {
            ser::Error::custom(format_args!("query parameter `{}`: {e}", self.name))
        })?;
        serializer.collect_seq(values.iter().map(|value| (self.name, value)))
    }
}

/// Why a value cannot be a query parameter.
#[derive(Debug)]
struct NotAQueryValue(String);

impl fmt::Display for NotAQueryValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotAQueryValue {}

impl ser::Error for NotAQueryValue {
    fn custom<M: fmt::Display>(message: M) -> Self {
        NotAQueryValue(message.to_string())
    }
}

/// Renders a value to the strings it is sent as: one for a scalar, one per item of a list.
struct Values<'a>(&'a mut Vec<String>);

impl Values<'_> {
    fn push(self, value: impl ToString) -> Result<(), NotAQueryValue> {
        self.0.push(value.to_string());
        Ok(())
    }
}

fn refused<T>(what: &str) -> Result<T, NotAQueryValue> {
    Err(NotAQueryValue(format!("{what} cannot be a query value")))
}

impl<'a> Serializer for Values<'a> {
    type Ok = ();
    type Error = NotAQueryValue;
    type SerializeSeq = Self;
    type SerializeTuple = Impossible<(), NotAQueryValue>;
    type SerializeTupleStruct = Impossible<(), NotAQueryValue>;
    type SerializeTupleVariant = Impossible<(), NotAQueryValue>;
    type SerializeMap = Impossible<(), NotAQueryValue>;
    type SerializeStruct = Impossible<(), NotAQueryValue>;
    type SerializeStructVariant = Impossible<(), NotAQueryValue>;

    fn serialize_bool(self, v: bool) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_char(self, v: char) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_str(self, v: &str) -> Result<(), NotAQueryValue> {
        self.push(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), NotAQueryValue> {
        refused("bytes")
    }
    fn serialize_none(self) -> Result<(), NotAQueryValue> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), NotAQueryValue> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), NotAQueryValue> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), NotAQueryValue> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), NotAQueryValue> {
        self.push(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), NotAQueryValue> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), NotAQueryValue> {
        refused("an enum variant with data")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, NotAQueryValue> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAQueryValue> {
        refused("a tuple")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotAQueryValue> {
        refused("a tuple")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotAQueryValue> {
        refused("an enum variant with data")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotAQueryValue> {
        refused("an object")
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotAQueryValue> {
        refused("an object")
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotAQueryValue> {
        refused("an enum variant with data")
    }
}

/// The items of a list, each rendered on its own (the parameter's name repeated).
impl ser::SerializeSeq for Values<'_> {
    type Ok = ();
    type Error = NotAQueryValue;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, item: &T) -> Result<(), NotAQueryValue> {
        item.serialize(Values(&mut *self.0))
    }
    fn end(self) -> Result<(), NotAQueryValue> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query<T: Serialize>(name: &str, value: &T) -> Result<String, String> {
        let request = crate::http_client_builder()
            .build()
            .unwrap()
            .get("http://localhost/x")
            .query(&QueryParam::new(name, value))
            .build()
            .map_err(|e| {
                let mut text = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    text.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                text
            })?;
        Ok(request.url().query().unwrap_or_default().to_string())
    }

    #[test]
    fn scalars_options_and_lists() {
        assert_eq!(query("limit", &10).unwrap(), "limit=10");
        assert_eq!(query("name", &"a b&c").unwrap(), "name=a+b%26c");
        assert_eq!(query("marker", &None::<String>).unwrap(), "");
        assert_eq!(query("marker", &Some("m")).unwrap(), "marker=m");
        assert_eq!(query("flag", &true).unwrap(), "flag=true");
        assert_eq!(
            query("id", &Some(vec!["a", "b"])).unwrap(),
            "id=a&id=b",
            "a list repeats the name"
        );
        assert_eq!(query("id", &Vec::<String>::new()).unwrap(), "");
    }

    #[test]
    fn an_object_is_refused_with_the_name() {
        let object = std::collections::BTreeMap::from([("a", 1)]);
        let error = query("filter", &object).unwrap_err();
        assert!(
            error.contains("query parameter `filter`: an object cannot be a query value"),
            "{error}"
        );
    }
}
