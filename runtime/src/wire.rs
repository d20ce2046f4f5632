//! Serde helpers the generated code names in `#[serde(with = "...")]` attributes, plus the
//! `Debug` helpers that keep sensitive values out of logs.
//!
//! Each timestamp format has a module for a required member and an `_opt` module for an
//! optional one; floats get modules that write `NaN` and the infinities as the strings
//! awsJson uses. Lists and maps go through [`WireFormat`] types that compose, so an element
//! keeps its wire form at any depth, and dense collections drop a stray `null` instead of
//! failing the whole message. Nothing here knows about any service.

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serializer};

use crate::types::DateTime;

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
/// whole body would still be accepted. One pass over the bytes, without allocating; anything
/// else malformed is left for the parser to report.
pub fn json_text(body: &[u8]) -> Result<&str, JsonTextError> {
    let text =
        std::str::from_utf8(json_or_empty_object(body)).map_err(|e| JsonTextError::NotUtf8 {
            valid_up_to: e.valid_up_to(),
        })?;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text.as_bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
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

macro_rules! timestamp_format {
    ($module:ident, $opt:ident, $doc:literal, $to:ident, $from:ident, $expect:literal) => {
        #[doc = concat!("A required timestamp written as ", $doc, ".")]
        pub mod $module {
            use super::*;

            /// Writes the timestamp.
            pub fn serialize<S: Serializer>(t: &DateTime, s: S) -> Result<S::Ok, S::Error> {
                let text = t.$to().map_err(serde::ser::Error::custom)?;
                s.serialize_str(&text)
            }

            /// Reads the timestamp.
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = DateTime;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expect)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime, E> {
                        DateTime::$from(v).map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }

        #[doc = concat!("An optional timestamp written as ", $doc, ".")]
        pub mod $opt {
            use super::*;

            /// Writes the timestamp; only called for `Some` (absent members are skipped).
            pub fn serialize<S: Serializer>(t: &Option<DateTime>, s: S) -> Result<S::Ok, S::Error> {
                match t {
                    Some(t) => super::$module::serialize(t, s),
                    None => s.serialize_none(),
                }
            }

            /// Reads the timestamp; `null` reads as `None`.
            pub fn deserialize<'de, D: Deserializer<'de>>(
                d: D,
            ) -> Result<Option<DateTime>, D::Error> {
                struct Wrap(DateTime);
                impl<'de> Deserialize<'de> for Wrap {
                    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                        super::$module::deserialize(d).map(Wrap)
                    }
                }
                Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
            }
        }
    };
}

timestamp_format!(
    date_time,
    date_time_opt,
    "an RFC 3339 date-time string",
    to_rfc3339,
    parse_rfc3339,
    "an RFC 3339 date-time string"
);
timestamp_format!(
    http_date,
    http_date_opt,
    "an HTTP date string",
    to_http_date,
    parse_http_date,
    "an HTTP date string"
);

macro_rules! float_format {
    ($module:ident, $opt:ident, $ty:ty) => {
        #[doc = concat!("A required `", stringify!($ty), "`; `NaN`, `Infinity` and `-Infinity` travel as strings.")]
        pub mod $module {
            use super::*;

            /// Writes the number.
            pub fn serialize<S: Serializer>(v: &$ty, s: S) -> Result<S::Ok, S::Error> {
                if v.is_nan() {
                    s.serialize_str("NaN")
                } else if v.is_infinite() {
                    s.serialize_str(if *v > 0.0 { "Infinity" } else { "-Infinity" })
                } else {
                    s.serialize_f64(f64::from(*v))
                }
            }

            /// Reads the number.
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a number, `NaN`, `Infinity` or `-Infinity`")
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$ty, E> {
                        Ok(v as $ty)
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$ty, E> {
                        Ok(v as $ty)
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$ty, E> {
                        Ok(v as $ty)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$ty, E> {
                        match v {
                            "NaN" => Ok(<$ty>::NAN),
                            "Infinity" => Ok(<$ty>::INFINITY),
                            "-Infinity" => Ok(<$ty>::NEG_INFINITY),
                            other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
                        }
                    }
                }
                d.deserialize_any(V)
            }
        }

        #[doc = concat!("An optional `", stringify!($ty), "`, like [`", stringify!($module), "`].")]
        pub mod $opt {
            use super::*;

            /// Writes the number; only called for `Some`.
            pub fn serialize<S: Serializer>(v: &Option<$ty>, s: S) -> Result<S::Ok, S::Error> {
                match v {
                    Some(v) => super::$module::serialize(v, s),
                    None => s.serialize_none(),
                }
            }

            /// Reads the number; `null` reads as `None`.
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
                struct Wrap($ty);
                impl<'de> Deserialize<'de> for Wrap {
                    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                        super::$module::deserialize(d).map(Wrap)
                    }
                }
                Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
            }
        }
    };
}

float_format!(f64_value, f64_opt, f64);
float_format!(f32_value, f32_opt, f32);

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
    use serde::Serialize;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Times {
        #[serde(with = "date_time")]
        iso: DateTime,
        #[serde(
            with = "http_date_opt",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        http: Option<DateTime>,
        #[serde(with = "f64_value")]
        ratio: f64,
        #[serde(with = "f32_opt", default, skip_serializing_if = "Option::is_none")]
        small: Option<f32>,
    }

    #[test]
    fn timestamp_and_float_helpers_round_trip() {
        let json = r#"{"iso":"2014-04-29T18:30:38Z","http":"Tue, 29 Apr 2014 18:30:38 GMT","ratio":"-Infinity","small":"NaN"}"#;
        let t: Times = serde_json::from_str(json).unwrap();
        assert_eq!(t.iso.secs(), 1398796238);
        assert_eq!(t.http, Some(t.iso));
        assert_eq!(t.ratio, f64::NEG_INFINITY);
        assert!(t.small.unwrap().is_nan());
        assert_eq!(serde_json::to_string(&t).unwrap(), json);
    }

    #[test]
    fn optional_helpers_accept_absent_and_null() {
        let t: Times =
            serde_json::from_str(r#"{"iso":"2014-04-29T18:30:38Z","http":null,"ratio":1.5}"#)
                .unwrap();
        assert_eq!((t.http, t.small, t.ratio), (None, None, 1.5));
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

/// A wire form for values whose Rust type's own serde form is not the wire's: timestamps in
/// a non-default format and floats that may be `NaN` or infinite. [`ListOf`], [`MapOf`] and
/// their sparse forms compose formats for collections at any depth; generated fields name
/// the composed format through [`serialize`] and [`deserialize`] (and their `_opt` forms).
pub trait WireFormat {
    /// The Rust type.
    type Value;
    /// Writes one value.
    fn serialize<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads one value.
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error>;
}

macro_rules! wire_format {
    ($name:ident, $value:ty, $module:ident, $doc:literal) => {
        #[doc = $doc]
        pub struct $name;

        impl WireFormat for $name {
            type Value = $value;
            fn serialize<S: Serializer>(value: &$value, serializer: S) -> Result<S::Ok, S::Error> {
                $module::serialize(value, serializer)
            }
            fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<$value, D::Error> {
                $module::deserialize(deserializer)
            }
        }
    };
}

wire_format!(
    DateTimeFormat,
    DateTime,
    date_time,
    "Timestamps as RFC 3339 strings."
);
wire_format!(
    HttpDateFormat,
    DateTime,
    http_date,
    "Timestamps as HTTP-date strings."
);
wire_format!(
    F64Format,
    f64,
    f64_value,
    "`f64` with `NaN` and infinities as strings."
);
wire_format!(
    F32Format,
    f32,
    f32_value,
    "`f32` with `NaN` and infinities as strings."
);

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

/// Writes a required member in format `F`.
pub fn serialize<F: WireFormat, S: Serializer>(value: &F::Value, s: S) -> Result<S::Ok, S::Error> {
    F::serialize(value, s)
}

/// Reads a required member in format `F`.
pub fn deserialize<'de, F: WireFormat, D: Deserializer<'de>>(d: D) -> Result<F::Value, D::Error> {
    F::deserialize(d)
}

/// Writes an optional member in format `F`; only called for `Some`.
pub fn serialize_opt<F: WireFormat, S: Serializer>(
    value: &Option<F::Value>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => F::serialize(v, s),
        None => s.serialize_none(),
    }
}

/// Reads an optional member in format `F`; `null` reads as `None`.
pub fn deserialize_opt<'de, F: WireFormat, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<F::Value>, D::Error> {
    Ok(Option::<FromWire<F>>::deserialize(d)?.map(|w| w.0))
}

#[cfg(test)]
mod collection_tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Holder {
        #[serde(
            serialize_with = "serialize::<ListOf<DateTimeFormat>, _>",
            deserialize_with = "deserialize::<ListOf<DateTimeFormat>, _>"
        )]
        dates: Vec<DateTime>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "serialize_opt::<MapOf<String, F64Format>, _>",
            deserialize_with = "deserialize_opt::<MapOf<String, F64Format>, _>"
        )]
        scores: Option<HashMap<String, f64>>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "serialize_opt::<ListOf<MapOf<String, ListOf<HttpDateFormat>>>, _>",
            deserialize_with = "deserialize_opt::<ListOf<MapOf<String, ListOf<HttpDateFormat>>>, _>"
        )]
        nested: Option<Vec<HashMap<String, Vec<DateTime>>>>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "serialize_opt::<SparseListOf<Plain<String>>, _>",
            deserialize_with = "deserialize_opt::<SparseListOf<Plain<String>>, _>"
        )]
        sparse: Option<Vec<Option<String>>>,
    }

    #[test]
    fn collections_use_the_element_wire_format() {
        let json = r#"{"dates":["2014-04-29T18:30:38Z"],"scores":{"a":"NaN"}}"#;
        let h: Holder = serde_json::from_str(json).unwrap();
        assert_eq!(h.dates[0].secs(), 1398796238);
        assert!(h.scores.as_ref().unwrap()["a"].is_nan());
        assert_eq!(serde_json::to_string(&h).unwrap(), json);
        let h: Holder = serde_json::from_str(r#"{"dates":[]}"#).unwrap();
        assert_eq!(h.scores, None);
    }

    #[test]
    fn formats_apply_at_any_depth() {
        let json = r#"{"dates":[],"nested":[{"k":["Sun, 02 Jan 2000 20:34:56 GMT"]}]}"#;
        let h: Holder = serde_json::from_str(json).unwrap();
        assert_eq!(h.nested.as_ref().unwrap()[0]["k"][0].secs(), 946845296);
        assert_eq!(serde_json::to_string(&h).unwrap(), json);
    }

    #[test]
    fn dense_collections_drop_nulls_and_sparse_ones_keep_them() {
        let json = r#"{"dates":[null,"2014-04-29T18:30:38Z"],"scores":{"a":1.5,"b":null},
            "nested":[{"k":[null]}],"sparse":["x",null]}"#;
        let h: Holder = serde_json::from_str(json).unwrap();
        assert_eq!(h.dates.len(), 1);
        assert_eq!(h.scores, Some(HashMap::from([("a".to_owned(), 1.5)])));
        assert_eq!(h.nested.as_ref().unwrap()[0]["k"], vec![]);
        assert_eq!(h.sparse, Some(vec![Some("x".to_owned()), None]));
        assert!(serde_json::to_string(&h)
            .unwrap()
            .contains(r#""sparse":["x",null]"#));
    }
}
