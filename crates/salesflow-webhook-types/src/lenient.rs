//! One odd value fails only itself: the decoding of an optional field whose value has an
//! unexpected shape.
//!
//! The generated `Deserialize` of the payload and of the API's response types reads each
//! optional field through [`Lenient`]. When the value has the shape the field's type expects,
//! nothing changes (the value streams straight into the type, nothing is buffered). When it
//! has another shape (`invalid type: map, expected a string`, a date that does not parse, an
//! integer out of range), the field is left `None`, its raw value goes into the struct's
//! `extra` map under the field's JSON name, the event is logged once (a `tracing` warning,
//! target `salesflow::decode`, with the type and the field; inside an SDK call it carries the
//! call's span, hence the operation), and the rest of the object decodes.
//!
//! Required fields are not read this way: a required field of the wrong shape still fails the
//! whole value, with serde's typed error naming what was expected.
//!
//! An odd value is recognised when the field's type refuses it *before reading into it*: a
//! scalar of the wrong kind or that does not parse, an object or array where something else is
//! expected. A value the type starts reading and then refuses half-way (an array whose third
//! item is not an object, for an array of objects) cannot be kept whole, so it still fails:
//! the generated response and payload types read every nested optional field leniently, so
//! this only happens for an item of an array that is not of the item's kind at all.
//!
//! This module is public for the generated code of the `salesflow-api` crate; it is not meant
//! to be called by hand.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::Value;

/// A value of an optional field that its type refused: the raw JSON value and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Odd {
    raw: Value,
    why: String,
}

impl Odd {
    /// The value as received.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// What the field's type reported (`invalid type: map, expected a string`).
    pub fn why(&self) -> &str {
        &self.why
    }

    /// Logs the odd value (a `tracing` warning, target `salesflow::decode`) and gives back
    /// the raw value, for the struct's `extra` map.
    ///
    /// The warning names the schema, the field and the JSON type found, never the value nor
    /// [`why`](Self::why) (which may quote it): the value may be personal data.
    pub fn keep(self, schema: &'static str, field: &'static str) -> Value {
        tracing::warn!(
            target: "salesflow::decode",
            schema,
            field,
            found = crate::drift::JsonType::of(&self.raw).as_str(),
            "a field has a value of an unexpected shape: kept raw in `extra`, the rest decodes"
        );
        self.raw
    }
}

/// The end of every generated `Deserialize` of a struct: marks the thread when the struct kept
/// something in `extra` (see [`crate::drift::take_pending`]), and lets the webhook payload
/// record itself. Free when `extra` is empty.
#[inline]
pub fn decoded<T: crate::drift::Walk>(value: T) -> T {
    if value.has_extra() {
        crate::drift::mark();
    }
    value.decoded();
    value
}

/// A `DeserializeSeed` reading what `S` reads, or, when the value's shape is refused, the raw
/// value ([`Odd`]). `Lenient(PhantomData::<T>)` reads a `T: Deserialize`.
pub struct Lenient<S>(pub S);

/// Runs `decode` with every field read strictly: a value of an unexpected shape fails the
/// whole decoding, as it did before lenient decoding. For a program that must refuse what does
/// not fit the spec (the mock, checking what a test asks it to serve), not for clients.
///
/// ```
/// use salesflow_webhook_types::{lenient, WebhookPayload};
///
/// let body = r#"{"FirstName": {"Given": "Ann"}}"#;
/// assert!(serde_json::from_str::<WebhookPayload>(body).is_ok()); // kept raw in `extra`
/// assert!(lenient::strict(|| serde_json::from_str::<WebhookPayload>(body)).is_err());
/// ```
pub fn strict<T>(decode: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            crate::strictness::replace(self.0);
        }
    }
    let _restore = Restore(crate::strictness::replace(true));
    decode()
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Lenient<S> {
    type Value = Result<S::Value, Odd>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        if crate::strictness::is_strict() {
            return self.0.deserialize(deserializer).map(Ok);
        }
        match self.0.deserialize(Wrap(deserializer)) {
            Ok(value) => Ok(Ok(value)),
            Err(Caught::Odd(odd)) => Ok(Err(odd)),
            Err(Caught::Inner(e)) => Err(e),
            Err(Caught::Refused(why)) => Err(de::Error::custom(why)),
        }
    }
}

/// The error of [`Wrap`]: the underlying deserializer's, a refusal by the visitor, or a value
/// kept raw.
#[derive(Debug)]
enum Caught<E> {
    Inner(E),
    Refused(String),
    Odd(Odd),
}

impl<E: de::Error> fmt::Display for Caught<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Caught::Inner(e) => fmt::Display::fmt(e, f),
            Caught::Refused(why) => f.write_str(why),
            Caught::Odd(odd) => f.write_str(&odd.why),
        }
    }
}

impl<E: de::Error> std::error::Error for Caught<E> {}

impl<E: de::Error> de::Error for Caught<E> {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Caught::Refused(msg.to_string())
    }
}

impl<E: de::Error> Caught<E> {
    /// Back to the underlying error type, for a refusal that cannot be kept raw.
    fn into_inner(self) -> E {
        match self {
            Caught::Inner(e) => e,
            Caught::Refused(why) => E::custom(why),
            Caught::Odd(odd) => E::custom(odd.why),
        }
    }
}

/// A deserializer that lets the value's own shape drive the visit (`deserialize_any`), so that
/// a refusal by the visitor happens before the value is read, and turns it into [`Odd`].
struct Wrap<D>(D);

/// The outcome of a visit through [`Catch`]: the visitor's value, or the raw value it refused.
type Outcome<T> = Result<T, Odd>;

#[inline]
fn settle<T, E: de::Error>(outcome: Result<Outcome<T>, E>) -> Result<T, Caught<E>> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(odd)) => Err(Caught::Odd(odd)),
        Err(e) => Err(Caught::Inner(e)),
    }
}

macro_rules! through_any {
    ($($method:ident)*) => {
        $(
            #[inline]
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                settle(self.0.deserialize_any(Catch(visitor)))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Wrap<D> {
    type Error = Caught<D::Error>;

    through_any! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_seq deserialize_map deserialize_identifier deserialize_ignored_any
    }

    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        settle(self.0.deserialize_any(Catch(visitor)))
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        settle(self.0.deserialize_option(CatchOption(visitor)))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(Wrap(self.0))
    }

    // The shapes JSON has no direct form for: read the value whole, then decode it.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        buffered(self.0, |d| d.deserialize_enum(name, variants, visitor))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        buffered(self.0, |d| d.deserialize_unit(visitor))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        buffered(self.0, |d| d.deserialize_unit_struct(name, visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        buffered(self.0, |d| d.deserialize_tuple(len, visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        buffered(self.0, |d| d.deserialize_tuple_struct(name, len, visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Reads the value whole and decodes it; a refusal keeps it raw.
fn buffered<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    decode: impl FnOnce(Value) -> Result<T, serde_json::Error>,
) -> Result<T, Caught<D::Error>> {
    let raw = Value::deserialize(deserializer).map_err(Caught::Inner)?;
    match decode(raw.clone()) {
        Ok(value) => Ok(value),
        Err(e) => Err(Caught::Odd(Odd {
            raw,
            why: e.to_string(),
        })),
    }
}

/// A visitor that hands each value to `V`, keeping the value raw when `V` refuses it.
struct Catch<V>(V);

/// `V`'s answer for a scalar: its value, or the scalar kept raw.
#[inline]
fn scalar<T, E: de::Error>(
    answer: Result<T, Caught<E>>,
    raw: impl FnOnce() -> Value,
) -> Result<Outcome<T>, E> {
    match answer {
        Ok(value) => Ok(Ok(value)),
        Err(Caught::Refused(why)) => Ok(Err(Odd { raw: raw(), why })),
        Err(Caught::Odd(odd)) => Ok(Err(odd)),
        Err(Caught::Inner(e)) => Err(e),
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Catch<V> {
    type Value = Outcome<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    #[inline]
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        scalar(self.0.visit_bool(v), || Value::Bool(v))
    }

    #[inline]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        scalar(self.0.visit_i64(v), || Value::from(v))
    }

    #[inline]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        scalar(self.0.visit_u64(v), || Value::from(v))
    }

    #[inline]
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        scalar(self.0.visit_f64(v), || Value::from(v))
    }

    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        scalar(self.0.visit_str(v), || Value::String(v.to_owned()))
    }

    #[inline]
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        scalar(self.0.visit_borrowed_str(v), || Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        // Kept for the raw value in case `V` refuses it; a refusal is rare, a clone is not
        // needed: `V` takes the string only when it accepts it.
        let copy = v.clone();
        scalar(self.0.visit_string(v), || Value::String(copy))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        scalar(self.0.visit_unit(), || Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        scalar(self.0.visit_none(), || Value::Null)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut counted = Counted::new(&mut seq);
        let answer = self.0.visit_seq(&mut counted);
        let used = counted.used;
        collection(answer, used, || {
            Value::deserialize(SeqAccessDeserializer::new(seq))
        })
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut counted = Counted::new(&mut map);
        let answer = self.0.visit_map(&mut counted);
        let used = counted.used;
        collection(answer, used, || {
            Value::deserialize(MapAccessDeserializer::new(map))
        })
    }
}

/// `V`'s answer for a sequence or a map: its value, or, when `V` refused it before reading
/// any of it (`used` false), the value read whole by `raw` and kept.
fn collection<T, E: de::Error>(
    answer: Result<T, Caught<E>>,
    used: bool,
    raw: impl FnOnce() -> Result<Value, E>,
) -> Result<Outcome<T>, E> {
    match answer {
        Ok(value) => Ok(Ok(value)),
        Err(Caught::Refused(why)) if !used => Ok(Err(Odd { raw: raw()?, why })),
        Err(e) => Err(e.into_inner()),
    }
}

/// `deserialize_option`'s visitor: `null` is `None`, anything else goes through [`Wrap`].
struct CatchOption<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for CatchOption<V> {
    type Value = Outcome<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        scalar(self.0.visit_none(), || Value::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        scalar(self.0.visit_none(), || Value::Null)
    }

    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        match self.0.visit_some(Wrap(deserializer)) {
            Ok(value) => Ok(Ok(value)),
            Err(Caught::Odd(odd)) => Ok(Err(odd)),
            Err(e) => Err(e.into_inner()),
        }
    }
}

/// A sequence or map access that notes whether the visitor read anything from it, and gives
/// the visitor errors of [`Caught`]'s type.
struct Counted<'a, A> {
    access: &'a mut A,
    used: bool,
}

impl<'a, A> Counted<'a, A> {
    /// `access`, nothing read from it yet.
    fn new(access: &'a mut A) -> Self {
        Counted {
            access,
            used: false,
        }
    }
}

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for &mut Counted<'_, A> {
    type Error = Caught<A::Error>;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        self.used = true;
        self.access.next_element_seed(seed).map_err(Caught::Inner)
    }

    fn size_hint(&self) -> Option<usize> {
        self.access.size_hint()
    }
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for &mut Counted<'_, A> {
    type Error = Caught<A::Error>;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        self.used = true;
        self.access.next_key_seed(seed).map_err(Caught::Inner)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, Self::Error> {
        self.used = true;
        self.access.next_value_seed(seed).map_err(Caught::Inner)
    }

    fn size_hint(&self) -> Option<usize> {
        self.access.size_hint()
    }
}

/// `Lenient(PhantomData::<T>)`, spelled without the type: what the generated code writes.
pub fn typed<T>() -> Lenient<PhantomData<T>> {
    Lenient(PhantomData)
}

/// A scalar field type read by [`optional`]'s seeds without any wrapping: `String`, `i64`,
/// `i32`, `bool`, `f64`.
pub trait Leaf: Sized {
    /// What the field expects, for the message of an odd value (`a string`).
    const EXPECTING: &'static str;

    /// From a JSON string.
    fn from_str(_: &str) -> Option<Self> {
        None
    }

    /// From a JSON string the decoder owns.
    fn from_string(s: String) -> Option<Self> {
        Self::from_str(&s)
    }

    /// From a JSON integer that fits an `i64`.
    fn from_i64(_: i64) -> Option<Self> {
        None
    }

    /// From a JSON integer above `i64::MAX`.
    fn from_u64(_: u64) -> Option<Self> {
        None
    }

    /// From a JSON number with a fraction or an exponent.
    fn from_f64(_: f64) -> Option<Self> {
        None
    }

    /// From `true` or `false`.
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
}

impl Leaf for String {
    const EXPECTING: &'static str = "a string";

    #[inline]
    fn from_str(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }

    #[inline]
    fn from_string(s: String) -> Option<Self> {
        Some(s)
    }
}

impl Leaf for i64 {
    const EXPECTING: &'static str = "i64";

    #[inline]
    fn from_i64(v: i64) -> Option<Self> {
        Some(v)
    }
}

impl Leaf for i32 {
    const EXPECTING: &'static str = "i32";

    #[inline]
    fn from_i64(v: i64) -> Option<Self> {
        i32::try_from(v).ok()
    }
}

impl Leaf for bool {
    const EXPECTING: &'static str = "a boolean";

    #[inline]
    fn from_bool(v: bool) -> Option<Self> {
        Some(v)
    }
}

impl Leaf for f64 {
    const EXPECTING: &'static str = "f64";

    #[inline]
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }

    #[inline]
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }

    #[inline]
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

/// The seed of an optional field of a [`Leaf`] type: `null` or missing is `None`, a value of
/// the type is `Some`, anything else is [`Odd`]. One visitor, nothing wrapped: the common
/// fields cost what a plain `Option<T>` costs.
pub struct Optional<T>(PhantomData<T>);

/// [`Optional`], spelled without the type: what the generated code writes.
#[inline]
pub fn optional<T: Leaf>() -> Optional<T> {
    Optional(PhantomData)
}

impl<'de, T: Leaf> DeserializeSeed<'de> for Optional<T> {
    type Value = Result<Option<T>, Odd>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let strict = crate::strictness::is_strict();
        match deserializer.deserialize_any(LeafVisitor::<T>(PhantomData)) {
            Ok(Err(odd)) if strict => Err(de::Error::custom(odd.why)),
            other => other,
        }
    }
}

struct LeafVisitor<T>(PhantomData<T>);

impl<T: Leaf> LeafVisitor<T> {
    #[cold]
    fn odd(raw: Value, unexpected: de::Unexpected<'_>) -> Result<Option<T>, Odd> {
        Err(Odd {
            why: format!("invalid type: {unexpected}, expected {}", T::EXPECTING),
            raw,
        })
    }
}

impl<'de, T: Leaf> Visitor<'de> for LeafVisitor<T> {
    type Value = Result<Option<T>, Odd>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(match T::from_str(v) {
            Some(t) => Ok(Some(t)),
            None => Self::odd(Value::String(v.to_owned()), de::Unexpected::Str(v)),
        })
    }

    #[inline]
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        let copy = Value::String(v.clone());
        Ok(match T::from_string(v) {
            Some(t) => Ok(Some(t)),
            None => Self::odd(copy, de::Unexpected::Other("a string")),
        })
    }

    #[inline]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(match T::from_i64(v) {
            Some(t) => Ok(Some(t)),
            None => Self::odd(Value::from(v), de::Unexpected::Signed(v)),
        })
    }

    #[inline]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        let fits = i64::try_from(v).ok().and_then(T::from_i64);
        Ok(match fits.or_else(|| T::from_u64(v)) {
            Some(t) => Ok(Some(t)),
            None => Self::odd(Value::from(v), de::Unexpected::Unsigned(v)),
        })
    }

    #[inline]
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(match T::from_f64(v) {
            Some(t) => Ok(Some(t)),
            None => Self::odd(Value::from(v), de::Unexpected::Float(v)),
        })
    }

    #[inline]
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(match T::from_bool(v) {
            Some(t) => Ok(Some(t)),
            None => Self::odd(Value::Bool(v), de::Unexpected::Bool(v)),
        })
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let raw = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(Self::odd(raw, de::Unexpected::Seq))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let raw = Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(Self::odd(raw, de::Unexpected::Map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `optional::<T>()` over `json`.
    fn leaf<T: Leaf>(json: &str) -> Result<Option<T>, Odd> {
        let mut de = serde_json::Deserializer::from_str(json);
        optional::<T>().deserialize(&mut de).expect("JSON")
    }

    #[test]
    fn an_odd_value_says_what_it_was_and_why() {
        let odd = leaf::<String>(r#"{"Given": "Ann"}"#).unwrap_err();
        assert_eq!(odd.raw(), &json!({"Given": "Ann"}));
        assert_eq!(odd.why(), "invalid type: map, expected a string");
        let odd = leaf::<i32>("99999999999").unwrap_err();
        assert_eq!(odd.raw(), &json!(99_999_999_999_i64));
        assert!(odd.why().contains("expected i32"), "{}", odd.why());
    }

    #[test]
    fn every_leaf_reads_its_own_kind_and_keeps_the_others() {
        assert_eq!(leaf::<bool>("true").unwrap(), Some(true));
        assert_eq!(leaf::<bool>("false").unwrap(), Some(false));
        assert!(leaf::<bool>("1").is_err());
        assert_eq!(leaf::<f64>("7").unwrap(), Some(7.0));
        assert_eq!(leaf::<f64>("-7").unwrap(), Some(-7.0));
        assert_eq!(
            leaf::<f64>("18446744073709551615").unwrap(),
            Some(18_446_744_073_709_551_615_u64 as f64)
        );
        assert_eq!(leaf::<f64>("1.5").unwrap(), Some(1.5));
        assert!(leaf::<f64>("\"1.5\"").is_err());
        assert_eq!(leaf::<i64>("-3").unwrap(), Some(-3));
        assert!(leaf::<i64>("18446744073709551615").is_err());
        assert!(leaf::<i64>("1.5").is_err());
        assert_eq!(leaf::<i32>("-3").unwrap(), Some(-3));
        assert_eq!(
            leaf::<String>("\"a\\nb\"").unwrap().as_deref(),
            Some("a\nb")
        );
        assert!(leaf::<String>("[1]").is_err());
        assert_eq!(leaf::<String>("null").unwrap(), None);
        let visitor = LeafVisitor::<String>(PhantomData);
        assert_eq!(format!("{}", &visitor as &dyn de::Expected), "a string");
    }

    #[test]
    fn strict_refuses_odd_values_and_ends_with_its_closure() {
        let body = r#"{"FirstName": 5, "Status": true}"#;
        // A scalar field (read by `optional`) and another (read through `Lenient`), each alone.
        let body_leaf = r#"{"FirstName": 5}"#;
        assert!(strict(|| serde_json::from_str::<crate::WebhookPayload>(body_leaf)).is_err());
        let body_nested = r#"{"Status": true}"#;
        assert!(strict(|| serde_json::from_str::<crate::WebhookPayload>(body_nested)).is_err());
        // Lenient again afterwards.
        let lenient = serde_json::from_str::<crate::WebhookPayload>(body).unwrap();
        assert_eq!(lenient.extra["FirstName"], 5);
        assert_eq!(lenient.extra["Status"], true);
    }

    /// A type with a required field, read from JSON that has the shape but not the content.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Pair {
        a: u8,
        b: u8,
    }

    fn pair(json: &str) -> Result<Result<Option<Pair>, Odd>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        typed::<Option<Pair>>().deserialize(&mut de)
    }

    #[test]
    fn only_a_value_refused_before_it_is_read_is_kept_raw() {
        // Refused at once: kept, whole.
        let odd = pair("\"x\"").unwrap().unwrap_err();
        assert_eq!(odd.raw(), &json!("x"));
        // A sequence or a map a type refuses at once is kept whole too.
        let mut de = serde_json::Deserializer::from_str(r#"["DISTANCE_1"]"#);
        let odd = typed::<Option<crate::Distance>>()
            .deserialize(&mut de)
            .unwrap()
            .unwrap_err();
        assert_eq!(odd.raw(), &json!(["DISTANCE_1"]));
        let mut de = serde_json::Deserializer::from_str(r#"{"d": 1}"#);
        let odd = typed::<Option<crate::Distance>>()
            .deserialize(&mut de)
            .unwrap()
            .unwrap_err();
        assert_eq!(odd.raw(), &json!({"d": 1}));
        // Read half-way, then refused: it cannot be kept whole, so it fails.
        assert!(
            pair(r#"{"a": 1}"#).is_err(),
            "a map read, then a required field missing"
        );
        assert!(pair("[1]").is_err(), "a sequence read, then too short");
        // What fits decodes.
        assert_eq!(pair("[1, 2]").unwrap().unwrap(), Some(Pair { a: 1, b: 2 }));
        assert_eq!(
            pair(r#"{"a": 1, "b": 2}"#).unwrap().unwrap(),
            Some(Pair { a: 1, b: 2 })
        );
        assert_eq!(pair("null").unwrap().unwrap(), None);
    }

    #[test]
    fn a_leaf_reads_an_owned_string_too() {
        // `serde_json::Value` hands strings over owned (`visit_string`).
        let value = json!("owned");
        assert_eq!(
            optional::<String>().deserialize(value).unwrap().unwrap(),
            Some("owned".to_owned())
        );
        let odd = optional::<i64>()
            .deserialize(json!("7"))
            .unwrap()
            .unwrap_err();
        assert_eq!(odd.raw(), &json!("7"));
    }

    /// A leaf type of someone else's that reads strings through `from_str` only: capitals.
    #[derive(Debug, PartialEq)]
    struct Capitals(String);

    impl Leaf for Capitals {
        const EXPECTING: &'static str = "capitals";

        fn from_str(s: &str) -> Option<Self> {
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_uppercase()))
                .then(|| Capitals(s.to_owned()))
        }
    }

    #[test]
    fn a_leaf_with_only_from_str_reads_an_owned_string_through_it() {
        // Owned (`serde_json::Value`, `visit_string`) and borrowed (`visit_str`) alike.
        assert_eq!(
            optional::<Capitals>().deserialize(json!("ABC")).unwrap(),
            Ok(Some(Capitals("ABC".to_owned())))
        );
        assert_eq!(
            leaf::<Capitals>("\"ABC\""),
            Ok(Some(Capitals("ABC".to_owned())))
        );
        let odd = optional::<Capitals>()
            .deserialize(json!("abc"))
            .unwrap()
            .unwrap_err();
        assert_eq!(odd.raw(), &json!("abc"));
        assert_eq!(odd.why(), "invalid type: a string, expected capitals");
    }

    /// A type that says whether its format is human-readable, as `IpAddr` or a UUID decode
    /// differently by it.
    #[derive(Debug, PartialEq)]
    struct Readable(bool);

    impl<'de> Deserialize<'de> for Readable {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let readable = deserializer.is_human_readable();
            de::IgnoredAny::deserialize(deserializer)?;
            Ok(Readable(readable))
        }
    }

    /// A JSON value read as a compact (not human-readable) format would be.
    struct Compact(Value);

    impl<'de> Deserializer<'de> for Compact {
        type Error = serde_json::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.deserialize_any(visitor)
        }

        fn is_human_readable(&self) -> bool {
            false
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            struct identifier ignored_any
        }
    }

    #[test]
    fn a_field_sees_whether_its_format_is_human_readable() {
        let mut de = serde_json::Deserializer::from_str("true");
        assert_eq!(
            typed::<Readable>().deserialize(&mut de).unwrap(),
            Ok(Readable(true))
        );
        assert_eq!(
            typed::<Readable>()
                .deserialize(Compact(json!(true)))
                .unwrap(),
            Ok(Readable(false))
        );
    }

    /// A type that quotes its deserializer's error in its own, as a `deserialize_with` helper
    /// adding context does.
    #[derive(Debug)]
    struct Quoting(#[allow(dead_code)] String);

    impl<'de> Deserialize<'de> for Quoting {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            String::deserialize(deserializer)
                .map(Quoting)
                .map_err(|e| de::Error::custom(format_args!("quoted: {e}")))
        }
    }

    #[test]
    fn a_type_quoting_its_deserializers_error_quotes_what_the_format_said() {
        let quoted = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            typed::<Quoting>()
                .deserialize(&mut de)
                .unwrap_err()
                .to_string()
        };
        // A value the inner type refused.
        let refused = quoted("5");
        assert!(
            refused.starts_with("quoted: invalid type: integer `5`, expected a string"),
            "{refused}"
        );
        // The format's own error.
        let broken = quoted("\"abc");
        assert!(
            broken.starts_with("quoted: EOF while parsing a string"),
            "{broken}"
        );
    }
}
