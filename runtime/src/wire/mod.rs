//! The awsJson wire format, the same for a client and a server: the value types generated
//! code uses ([`types`]), the text forms of dates and times (`date`), input validation
//! ([`validate`]), error codes and error types ([`error`]) and which failures are worth
//! retrying ([`retryable`]).
//!
//! This module itself holds how values reach the wire, for the serde impls generated
//! structures carry, plus the `Debug` helpers that keep sensitive values out of logs.
//!
//! Every member is written and read through a [`WireFormat`]: [`Plain`] for a value whose own
//! serde form is its wire form, a timestamp or float format where it is not, and list and
//! map formats that compose, so an element keeps its wire form at any depth and dense
//! collections drop a stray `null` instead of failing the whole message. A generated
//! structure writes its members with [`write_member`] and reads them with [`Key`],
//! [`read_member`], [`read_optional_member`], [`skip_member`] and [`required`] (the `_as`
//! forms take the format; the plain ones serve members in their own serde form); a client's
//! read corrects a missing required member to its zero value ([`correction`]). Nothing here
//! knows about any service, and nothing here sends or serves anything.

pub mod correction;
pub(crate) mod date;
pub mod error;
pub mod retryable;
pub mod types;
pub mod validate;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serializer};

pub use crate::wire::correction::ZeroValue;
use crate::wire::types::DateTime;

/// The JSON to read from a body: the body itself, or `{}` when it is empty or only
/// whitespace (awsJson allows an empty body wherever an empty object is meant).
pub fn json_or_empty_object(body: &[u8]) -> &[u8] {
    if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    }
}

/// The deepest nesting of arrays and objects a JSON body may have: 127 levels, the most
/// serde_json reads into a value.
pub const MAX_JSON_DEPTH: usize = 127;

/// Why a body is not JSON text the runtime reads (see [`json_text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonTextError {
    /// The body is not UTF-8; the first `valid_up_to` bytes are.
    NotUtf8 {
        /// How many bytes from the start are valid UTF-8.
        valid_up_to: usize,
    },
    /// Arrays and objects nest deeper than [`MAX_JSON_DEPTH`].
    TooDeep,
}

impl fmt::Display for JsonTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonTextError::NotUtf8 { valid_up_to } => {
                write!(f, "the body is not UTF-8 (from byte {valid_up_to})")
            }
            JsonTextError::TooDeep => write!(
                f,
                "the body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels"
            ),
        }
    }
}

impl std::error::Error for JsonTextError {}

/// The JSON text to read from a body: `{}` for an empty body (see [`json_or_empty_object`]),
/// else the body itself once it is UTF-8 and nested no deeper than [`MAX_JSON_DEPTH`].
///
/// serde_json checks both only in the values it reads: a member that is skipped (one the
/// model does not know) could otherwise carry invalid UTF-8, or thousands of levels, and the
/// whole body would still be accepted. At most two passes over the bytes after the UTF-8
/// check (a count of opening brackets, and only when there are more than [`MAX_JSON_DEPTH`]
/// a walk that skips strings), without allocating; anything else malformed is left for the
/// parser to report.
pub fn json_text(body: &[u8]) -> Result<&str, JsonTextError> {
    let text =
        std::str::from_utf8(json_or_empty_object(body)).map_err(|e| JsonTextError::NotUtf8 {
            valid_up_to: e.valid_up_to(),
        })?;
    let bytes = text.as_bytes();
    // Nesting deeper than the limit takes more opening brackets than the limit, in strings or
    // not: a body with no more than that many cannot be too deep, and one vectorised search
    // for them spares most bodies the walk below.
    if memchr::memchr2_iter(b'[', b'{', bytes)
        .nth(MAX_JSON_DEPTH)
        .is_none()
    {
        return Ok(text);
    }
    let mut depth = 0usize;
    let mut at = 0usize;
    while let Some(&byte) = bytes.get(at) {
        at = at.saturating_add(1);
        match byte {
            b'"' => match string_end(bytes, at) {
                Some(end) => at = end,
                // An unterminated string: the parser reports it.
                None => break,
            },
            b'[' | b'{' => {
                depth = depth.saturating_add(1);
                if depth > MAX_JSON_DEPTH {
                    return Err(JsonTextError::TooDeep);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(text)
}

/// Where the JSON string whose text starts at `start` (just after its opening quote) ends:
/// the position after its closing quote, or `None` when it does not end. Strings are most of
/// a body's bytes, so this jumps from quote or backslash to the next with `memchr`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start;
    loop {
        let found = at.checked_add(memchr::memchr2(b'"', b'\\', bytes.get(at..)?)?)?;
        match bytes.get(found)? {
            // A backslash escapes the byte after it, which may be a quote.
            b'\\' => at = found.checked_add(2)?,
            _ => return found.checked_add(1),
        }
    }
}

/// Reads a string through `f`, borrowing from the input when it can, so that a string enum
/// is parsed without an intermediate allocation.
pub fn deserialize_str_with<'de, D, T, F>(deserializer: D, f: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> T,
{
    struct StrVisitor<F>(F);
    impl<T, F: FnOnce(&str) -> T> Visitor<'_> for StrVisitor<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.0)(v))
        }
    }
    deserializer.deserialize_str(StrVisitor(f))
}

/// A wire form for values whose Rust type's own serde form is not the wire's: timestamps in
/// a non-default format and floats that may be `NaN` or infinite. [`ListOf`], [`MapOf`] and
/// their sparse forms compose formats for collections at any depth, and [`Plain`] is the
/// form of a value whose own serde form is its wire form. Generated structures read and
/// write a member that needs a format through it ([`write_member_as`], [`read_member_as`]),
/// and every other member in its own serde form, which is `Plain`'s: this trait is the one
/// way a value reaches the wire.
pub trait WireFormat {
    /// The Rust type.
    type Value;
    /// Writes one value.
    fn serialize<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads one value.
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error>;
}

/// A text form of timestamps: how one is written and read, and what a reader expects. The
/// one visitor type and the one write path serve every text format.
#[derive(Clone, Copy)]
struct TimestampText {
    write: fn(&DateTime) -> Result<String, crate::wire::types::DateTimeError>,
    parse: fn(&str) -> Result<DateTime, crate::wire::types::DateTimeError>,
    expecting: &'static str,
}

impl TimestampText {
    fn serialize<S: Serializer>(self, value: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
        let text = (self.write)(value).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    fn deserialize<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<DateTime, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for TimestampText {
    type Value = DateTime;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime, E> {
        (self.parse)(v).map_err(E::custom)
    }
}

const RFC3339: TimestampText = TimestampText {
    write: DateTime::to_rfc3339,
    parse: DateTime::parse_rfc3339,
    expecting: "an RFC 3339 date-time string",
};

const HTTP_DATE: TimestampText = TimestampText {
    write: DateTime::to_http_date,
    parse: DateTime::parse_http_date,
    expecting: "an HTTP date string",
};

/// Timestamps as RFC 3339 strings.
pub struct DateTimeFormat;

impl WireFormat for DateTimeFormat {
    type Value = DateTime;
    fn serialize<S: Serializer>(value: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
        RFC3339.serialize(value, serializer)
    }
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime, D::Error> {
        RFC3339.deserialize(deserializer)
    }
}

/// Timestamps as HTTP-date strings.
pub struct HttpDateFormat;

impl WireFormat for HttpDateFormat {
    type Value = DateTime;
    fn serialize<S: Serializer>(value: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
        HTTP_DATE.serialize(value, serializer)
    }
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime, D::Error> {
        HTTP_DATE.deserialize(deserializer)
    }
}

/// Writes a float; `NaN` and the infinities travel as the strings awsJson uses.
fn serialize_float<S: Serializer>(v: f64, serializer: S) -> Result<S::Ok, S::Error> {
    if v.is_nan() {
        serializer.serialize_str("NaN")
    } else if v.is_infinite() {
        serializer.serialize_str(if v > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        serializer.serialize_f64(v)
    }
}

/// Reads a number, or `NaN`, `Infinity` or `-Infinity` as a string, as an `f64`.
struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, `NaN`, `Infinity` or `-Infinity`")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
        }
    }
}

/// `f64` with `NaN` and infinities as strings.
pub struct F64Format;

impl WireFormat for F64Format {
    type Value = f64;
    fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_float(*value, serializer)
    }
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        deserializer.deserialize_any(FloatVisitor)
    }
}

/// `f32` with `NaN` and infinities as strings.
pub struct F32Format;

impl WireFormat for F32Format {
    type Value = f32;
    fn serialize<S: Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_float(f64::from(*value), serializer)
    }
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f32, D::Error> {
        deserializer.deserialize_any(FloatVisitor).map(|v| v as f32)
    }
}

/// Serialises one value in format `F` (for union members and collection elements).
pub struct AsWire<'a, F: WireFormat>(pub &'a F::Value);

impl<F: WireFormat> serde::Serialize for AsWire<'_, F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        F::serialize(self.0, serializer)
    }
}

/// Deserialises one value in format `F` (for union members and collection elements).
pub struct FromWire<F: WireFormat>(pub F::Value);

impl<'de, F: WireFormat> Deserialize<'de> for FromWire<F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        F::deserialize(deserializer).map(FromWire)
    }
}

/// A value in its Rust type's own serde form (structures, unions, enums, strings, ...), as
/// the element format of a collection.
pub struct Plain<T>(PhantomData<T>);

impl<T: serde::Serialize + DeserializeOwned> WireFormat for Plain<T> {
    type Value = T;
    fn serialize<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

/// A dense list of elements in format `F`. A `null` element is dropped when reading: the
/// list's model says it holds no nulls, and one stray `null` must not lose the response.
pub struct ListOf<F>(PhantomData<F>);

/// A sparse list: elements in format `F` or `null`, kept as `None`.
pub struct SparseListOf<F>(PhantomData<F>);

/// A dense map from `K` to values in format `F`; an entry whose value is `null` is dropped
/// when reading.
pub struct MapOf<K, F>(PhantomData<(K, F)>);

/// A sparse map: values in format `F` or `null`, kept as `None`.
pub struct SparseMapOf<K, F>(PhantomData<(K, F)>);

/// A dense list of values in their own serde form.
pub type List<T> = ListOf<Plain<T>>;

/// A sparse list of values in their own serde form.
pub type SparseList<T> = SparseListOf<Plain<T>>;

/// A dense map of values in their own serde form.
pub type Map<K, V> = MapOf<K, Plain<V>>;

/// A sparse map of values in their own serde form.
pub type SparseMap<K, V> = SparseMapOf<K, Plain<V>>;

/// Reads a list's elements in format `F`, each `null` as `None`.
fn read_list<'de, F, D>(deserializer: D) -> Result<Vec<Option<F::Value>>, D::Error>
where
    F: WireFormat,
    D: Deserializer<'de>,
{
    struct V<F>(PhantomData<F>);
    impl<'de, F: WireFormat> Visitor<'de> for V<F> {
        type Value = Vec<Option<F::Value>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
            while let Some(item) = seq.next_element::<Option<FromWire<F>>>()? {
                out.push(item.map(|w| w.0));
            }
            Ok(out)
        }
    }
    deserializer.deserialize_seq(V::<F>(PhantomData))
}

/// A map's entries as read, in wire order, each `null` value as `None`.
type Entries<K, F> = Vec<(K, Option<<F as WireFormat>::Value>)>;

/// Reads a map's entries with values in format `F`, each `null` as `None`.
fn read_map<'de, K, F, D>(deserializer: D) -> Result<Entries<K, F>, D::Error>
where
    K: Deserialize<'de>,
    F: WireFormat,
    D: Deserializer<'de>,
{
    struct V<K, F>(PhantomData<(K, F)>);
    impl<'de, K: Deserialize<'de>, F: WireFormat> Visitor<'de> for V<K, F> {
        type Value = Entries<K, F>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
            while let Some(key) = map.next_key::<K>()? {
                let value = map.next_value::<Option<FromWire<F>>>()?;
                out.push((key, value.map(|w| w.0)));
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(V::<K, F>(PhantomData))
}

impl<F: WireFormat> WireFormat for ListOf<F> {
    type Value = Vec<F::Value>;
    fn serialize<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(value.iter().map(AsWire::<F>))
    }
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error> {
        Ok(read_list::<F, D>(deserializer)?
            .into_iter()
            .flatten()
            .collect())
    }
}

impl<F: WireFormat> WireFormat for SparseListOf<F> {
    type Value = Vec<Option<F::Value>>;
    fn serialize<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(value.iter().map(|v| v.as_ref().map(AsWire::<F>)))
    }
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error> {
        read_list::<F, D>(deserializer)
    }
}

impl<K, F> WireFormat for MapOf<K, F>
where
    K: serde::Serialize + DeserializeOwned + Eq + Hash,
    F: WireFormat,
{
    type Value = HashMap<K, F::Value>;
    fn serialize<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(value.iter().map(|(k, v)| (k, AsWire::<F>(v))))
    }
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error> {
        Ok(read_map::<K, F, D>(deserializer)?
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect())
    }
}

impl<K, F> WireFormat for SparseMapOf<K, F>
where
    K: serde::Serialize + DeserializeOwned + Eq + Hash,
    F: WireFormat,
{
    type Value = HashMap<K, Option<F::Value>>;
    fn serialize<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(value.iter().map(|(k, v)| (k, v.as_ref().map(AsWire::<F>))))
    }
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error> {
        Ok(read_map::<K, F, D>(deserializer)?.into_iter().collect())
    }
}

/// Writes a member whose own serde form is its wire form into the JSON object being written.
pub fn write_member<T: serde::Serialize + ?Sized, M: SerializeMap>(
    map: &mut M,
    name: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    map.serialize_entry(name, value)
}

/// Writes a member in format `F` into the JSON object being written.
pub fn write_member_as<F: WireFormat, M: SerializeMap>(
    map: &mut M,
    name: &'static str,
    value: &F::Value,
) -> Result<(), M::Error> {
    map.serialize_entry(name, &AsWire::<F>(value))
}

/// A member name read from a JSON object, borrowed from the input when it has no escapes.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// Reads the value of a required member whose own serde form is its wire form into its slot.
/// A member that appears twice is an error, as is `null` (the member's type has no room for
/// it), except in a client's read ([`correction`]), where `null` leaves the slot empty like a
/// missing member, for [`required`] to fill.
pub fn read_member<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = if correction::is_correcting() {
        map.next_value::<Option<T>>()?
    } else {
        Some(map.next_value::<T>()?)
    };
    Ok(())
}

/// [`read_member`] for a member in format `F`.
pub fn read_member_as<'de, F: WireFormat, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<F::Value>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = if correction::is_correcting() {
        map.next_value::<Option<FromWire<F>>>()?.map(|w| w.0)
    } else {
        Some(map.next_value::<FromWire<F>>()?.0)
    };
    Ok(())
}

/// Reads the value of an optional member whose own serde form is its wire form into its slot;
/// `null` reads as unset. A member that appears twice is an error.
pub fn read_optional_member<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<Option<T>>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value::<Option<T>>()?);
    Ok(())
}

/// [`read_optional_member`] for a member in format `F`.
pub fn read_optional_member_as<'de, F: WireFormat, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<Option<F::Value>>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value::<Option<FromWire<F>>>()?.map(|w| w.0));
    Ok(())
}

/// Skips the value of a member the model does not list (including `__type`).
pub fn skip_member<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// The value of a required member once the object is read. When the member was missing (or
/// `null`), a client reading a response ([`correction::correcting`]) gets its zero value;
/// anyone else gets the error that names it.
pub fn required<T: ZeroValue, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None if correction::is_correcting() => Ok(T::zero_value()),
        None => Err(E::missing_field(name)),
    }
}

#[cfg(test)]
mod collection_tests {
    use super::*;

    #[test]
    fn a_missing_required_member_fails_unless_a_client_corrects_it() {
        let refused = required::<String, serde_json::Error>(None, "IdentityPoolName")
            .expect_err("refused outside a client's read");
        assert!(
            refused.to_string().contains("IdentityPoolName"),
            "{refused}"
        );
        let corrected = correction::correcting(|| {
            required::<String, serde_json::Error>(None, "IdentityPoolName")
        });
        assert_eq!(corrected.expect("corrected"), "");
        let present = correction::correcting(|| {
            required::<String, serde_json::Error>(Some("pool".to_owned()), "IdentityPoolName")
        });
        assert_eq!(present.expect("kept"), "pool");
    }

    fn read<F: WireFormat>(json: &str) -> F::Value {
        serde_json::from_str::<FromWire<F>>(json).unwrap().0
    }

    fn write<F: WireFormat>(value: &F::Value) -> String {
        serde_json::to_string(&AsWire::<F>(value)).unwrap()
    }

    #[test]
    fn scalar_formats_round_trip() {
        let t = read::<DateTimeFormat>(r#""2014-04-29T18:30:38Z""#);
        assert_eq!(t.secs(), 1398796238);
        assert_eq!(
            write::<HttpDateFormat>(&t),
            r#""Tue, 29 Apr 2014 18:30:38 GMT""#
        );
        assert_eq!(
            read::<HttpDateFormat>(r#""Tue, 29 Apr 2014 18:30:38 GMT""#),
            t
        );
        assert_eq!(read::<F64Format>(r#""-Infinity""#), f64::NEG_INFINITY);
        assert!(read::<F32Format>(r#""NaN""#).is_nan());
        assert_eq!(read::<F64Format>("3"), 3.0);
        assert_eq!(write::<F64Format>(&f64::INFINITY), r#""Infinity""#);
        assert_eq!(write::<F32Format>(&1.5), "1.5");
        let err = serde_json::from_str::<FromWire<F64Format>>(r#""Inf""#)
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("`NaN`, `Infinity` or `-Infinity`"),
            "{err}"
        );
        let err = serde_json::from_str::<FromWire<DateTimeFormat>>("12")
            .err()
            .unwrap();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
    }

    #[test]
    fn collections_use_the_element_wire_format() {
        let dates = read::<ListOf<DateTimeFormat>>(r#"["2014-04-29T18:30:38Z"]"#);
        assert_eq!(dates[0].secs(), 1398796238);
        assert_eq!(
            write::<ListOf<DateTimeFormat>>(&dates),
            r#"["2014-04-29T18:30:38Z"]"#
        );
        let scores = read::<MapOf<String, F64Format>>(r#"{"a":"NaN"}"#);
        assert!(scores["a"].is_nan());
        assert_eq!(write::<MapOf<String, F64Format>>(&scores), r#"{"a":"NaN"}"#);
    }

    #[test]
    fn formats_apply_at_any_depth() {
        type Nested = ListOf<MapOf<String, ListOf<HttpDateFormat>>>;
        let json = r#"[{"k":["Sun, 02 Jan 2000 20:34:56 GMT"]}]"#;
        let nested = read::<Nested>(json);
        assert_eq!(nested[0]["k"][0].secs(), 946845296);
        assert_eq!(write::<Nested>(&nested), json);
    }

    #[test]
    fn dense_collections_drop_nulls_and_sparse_ones_keep_them() {
        let dates = read::<ListOf<DateTimeFormat>>(r#"[null,"2014-04-29T18:30:38Z"]"#);
        assert_eq!(dates.len(), 1);
        let scores = read::<MapOf<String, F64Format>>(r#"{"a":1.5,"b":null}"#);
        assert_eq!(scores, HashMap::from([("a".to_owned(), 1.5)]));
        let nested = read::<ListOf<MapOf<String, List<String>>>>(r#"[{"k":[null]}]"#);
        assert_eq!(nested[0]["k"], Vec::<String>::new());
        let sparse = read::<SparseList<String>>(r#"["x",null]"#);
        assert_eq!(sparse, vec![Some("x".to_owned()), None]);
        assert_eq!(write::<SparseList<String>>(&sparse), r#"["x",null]"#);
    }

    /// A structure written the way generated code writes one.
    #[derive(Debug, PartialEq)]
    struct Pair {
        name: String,
        when: Option<DateTime>,
    }

    impl<'de> Deserialize<'de> for Pair {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Pair;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("the structure `Pair`")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pair, A::Error> {
                    let mut name = None;
                    let mut when = None;
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "Name" => read_member(&mut map, &mut name, "Name")?,
                            "When" => read_optional_member_as::<DateTimeFormat, _>(
                                &mut map, &mut when, "When",
                            )?,
                            _ => skip_member(&mut map)?,
                        }
                    }
                    Ok(Pair {
                        name: required(name, "Name")?,
                        when: when.flatten(),
                    })
                }
            }
            d.deserialize_map(V)
        }
    }

    #[test]
    fn structures_read_members_once_and_name_what_is_missing() {
        let pair: Pair =
            serde_json::from_str(r#"{"__type":"x","Name":"a","When":null,"Other":[1]}"#).unwrap();
        assert_eq!(
            pair,
            Pair {
                name: "a".into(),
                when: None
            }
        );
        let pair: Pair =
            serde_json::from_str(r#"{"N\u0061me":"b","When":"2014-04-29T18:30:38Z"}"#).unwrap();
        assert_eq!(pair.name, "b");
        assert_eq!(pair.when.map(|t| t.secs()), Some(1398796238));
        let err = serde_json::from_str::<Pair>(r#"{"When":null}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `Name`"), "{err}");
        let err = serde_json::from_str::<Pair>(r#"{"Name":"a","Name":"b"}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate field `Name`"), "{err}");
        let err =
            serde_json::from_str::<Pair>(r#"{"Name":"a","When":null,"When":null}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate field `When`"), "{err}");
        let err = serde_json::from_str::<Pair>(r#"{"Name":null}"#).unwrap_err();
        assert!(err.to_string().contains("invalid type: null"), "{err}");
        assert!(serde_json::from_str::<Pair>(r#"["a"]"#).is_err());
    }
}

/// What a redacted value prints as.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// Prints [`REDACTED`] in place of a sensitive value.
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Prints a collection whose elements (or map values) are sensitive: map keys and the
/// number of list elements stay visible, the sensitive values do not.
pub struct RedactedEntries<'a, T: ?Sized>(pub &'a T);

impl<K: fmt::Debug, V> fmt::Debug for RedactedEntries<'_, HashMap<K, V>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<String> = self.0.keys().map(|k| format!("{k:?}")).collect();
        // Sorted so the output is stable across runs.
        keys.sort();
        f.debug_map()
            .entries(keys.iter().map(|k| (Verbatim(k), Redacted)))
            .finish()
    }
}

/// Prints text as it is (an already formatted key).
struct Verbatim<'a>(&'a str);

impl fmt::Debug for Verbatim<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl<T> fmt::Debug for RedactedEntries<'_, Vec<T>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|_| Redacted))
            .finish()
    }
}

impl<T> fmt::Debug for RedactedEntries<'_, Option<T>>
where
    for<'b> RedactedEntries<'b, T>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(inner) => f
                .debug_tuple("Some")
                .field(&RedactedEntries(inner))
                .finish(),
            None => f.write_str("None"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings_only() {
        let depth_ok = |text: &str, levels: usize| {
            let body = format!("{}{}{}", "[".repeat(levels), text, "]".repeat(levels));
            json_text(body.as_bytes()).is_ok()
        };
        let max = MAX_JSON_DEPTH;
        // An escaped backslash ends before the quote, which then closes the string, so the
        // brackets after it count; an escaped quote does not close it, so they do not.
        assert!(!depth_ok(r#""a\\", [[]]"#, max - 1));
        assert!(depth_ok(r#""a\" [[[", 1"#, max));
        assert!(depth_ok(r#""[[[[", "{{{{""#, max));
        assert!(!depth_ok(r#""x", [0]"#, max));
        // Up to the limit, brackets are only counted; past it, those in strings are not.
        assert!(depth_ok("", max));
        assert!(!depth_ok("", max + 1));
        let in_strings = format!(r#"{{"a": "{}", "b": [[1]]}}"#, "[{".repeat(max));
        assert!(json_text(in_strings.as_bytes()).is_ok());
        // Unterminated strings, or a trailing backslash, are left for the parser.
        assert!(json_text(br#"{"a": "open"#).is_ok());
        assert!(json_text(br#"{"a": "\"#).is_ok());
    }

    #[test]
    fn redacted_entries_hide_values_but_keep_keys() {
        let map = HashMap::from([("graph.facebook.com".to_string(), "token".to_string())]);
        let shown = format!("{:?}", RedactedEntries(&Some(map)));
        assert_eq!(
            shown,
            format!("Some({{\"graph.facebook.com\": {REDACTED}}})")
        );
        assert!(!shown.contains("token"));
        assert_eq!(
            format!("{:?}", RedactedEntries(&vec![1, 2])),
            format!("[{REDACTED}, {REDACTED}]")
        );
    }
}
