//! [`field_names`]: the serde field names a derived `Deserialize` reads.

use std::fmt;

use serde::de::{self, Deserialize, Visitor};

/// The field names `T`'s derived `Deserialize` asks for: the names in JSON (after
/// `rename`/`rename_all`), in declaration order, then any `alias` names (serde lists them
/// too, so an alias counts as a name `T` reads). `None` when `T` does not
/// deserialize as a struct with named fields (an enum, a map, a scalar, or a struct with a
/// `#[serde(flatten)]` field, which serde reads as a map).
///
/// Nothing is decoded: `T::deserialize` is handed a deserializer that records the names
/// `deserialize_struct` is given and stops there. Use it to keep something written by hand
/// (a list of fields, a matching table, a test) in step with a type's serde names.
///
/// ```
/// use salesflow_webhook_types::field_names;
///
/// #[derive(serde::Deserialize)]
/// #[serde(rename_all = "PascalCase")]
/// struct Row {
///     member_id: i64,
///     #[serde(rename = "linkedInUrl")]
///     linked_in_url: String,
/// }
///
/// assert_eq!(field_names::<Row>(), Some(&["MemberId", "linkedInUrl"][..]));
/// assert_eq!(field_names::<String>(), None);
/// ```
pub fn field_names<'de, T: Deserialize<'de>>() -> Option<&'static [&'static str]> {
    let mut names = None;
    // The deserializer always stops with `Stop`: the names are all it is for.
    let _ = T::deserialize(Names(&mut names));
    names
}

/// The error that stops the deserialization once the names are known (or are not there).
#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field names read")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
}

/// A deserializer that records the field names `deserialize_struct` is given.
struct Names<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> de::Deserializer<'de> for Names<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = Some(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::field_names;
    use crate::WebhookPayload;

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Plain {
        a: u8,
        #[serde(rename = "B")]
        b: u8,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Aliased {
        a: u8,
        #[serde(alias = "old_b")]
        b: u8,
    }

    #[test]
    fn a_struct_gives_its_serde_names_in_order() {
        assert_eq!(field_names::<Plain>(), Some(&["a", "B"][..]));
    }

    #[test]
    fn aliases_come_after_the_names() {
        assert_eq!(field_names::<Aliased>(), Some(&["a", "b", "old_b"][..]));
    }

    #[test]
    fn what_is_not_a_struct_with_named_fields_gives_none() {
        assert_eq!(field_names::<u32>(), None);
        assert_eq!(field_names::<Vec<Plain>>(), None);
        // `extra` is flattened: serde reads the payload as a map.
        assert_eq!(field_names::<WebhookPayload>(), None);
    }
}
