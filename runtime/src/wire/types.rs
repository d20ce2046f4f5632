//! Value types the wire format needs beyond the standard library: instants, binary data and
//! untyped JSON documents.
//!
//! Each type serialises the way awsJson expects by default (epoch seconds, base64), so it
//! works anywhere a generated type uses it, including inside lists and maps. Other timestamp
//! formats are selected per member through [`crate::wire`].

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::wire::date;

/// Untyped JSON (`document` shapes).
pub type Document = serde_json::Value;

/// An instant with nanosecond precision, as seconds and nanoseconds since the Unix epoch.
///
/// On the wire it is epoch seconds by default: an integer when there is no fraction and a
/// decimal number otherwise (`1576540098.123`). Reading accepts integers, decimals and
/// exponents (`1.7E9`), keeping the decimal fraction exactly as written to the microsecond.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateTime {
    secs: i64,
    nanos: u32,
}

impl DateTime {
    /// The instant `secs` seconds and `nanos` nanoseconds after the Unix epoch. `nanos`
    /// beyond one second carries into `secs`.
    pub fn from_secs_nanos(secs: i64, nanos: u32) -> Self {
        let carry = i64::from(nanos / 1_000_000_000);
        DateTime {
            secs: secs.saturating_add(carry),
            nanos: nanos % 1_000_000_000,
        }
    }

    /// The instant `secs` whole seconds after the Unix epoch.
    pub fn from_secs(secs: i64) -> Self {
        DateTime { secs, nanos: 0 }
    }

    /// The instant `millis` milliseconds after the Unix epoch.
    pub fn from_millis(millis: i64) -> Self {
        let secs = millis.div_euclid(1000);
        // Below 1000 milliseconds, so below 10^9 nanoseconds: this never saturates.
        let nanos = (millis.rem_euclid(1000) as u32).saturating_mul(1_000_000);
        DateTime { secs, nanos }
    }

    /// Reads epoch seconds given as a float, keeping the fraction as its shortest decimal
    /// form shows it, so `1576540098.123` becomes exactly 123 milliseconds. Returns `None`
    /// for values that are not finite or do not fit.
    pub fn from_fractional_secs(value: f64) -> Option<Self> {
        if !value.is_finite() || value.abs() >= 9.2e18 {
            return None;
        }
        let secs = value.floor();
        // An f64 near today's epoch seconds carries about seven decimal places of fraction,
        // so rounding to the microsecond recovers the decimal fraction that was written.
        let micros = ((value - secs) * 1_000_000.0).round() as u32;
        // At most 10^6 microseconds, so this never saturates.
        Some(Self::from_secs_nanos(
            secs as i64,
            micros.saturating_mul(1_000),
        ))
    }

    /// Whole seconds since the Unix epoch (rounded down).
    pub fn secs(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds past [`DateTime::secs`], below one billion.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Seconds since the epoch as a float (what awsJson writes): the float nearest the decimal
    /// `secs.nanos`. Adding the fraction to the seconds as floats would round twice, writing
    /// `1.00544` as `1.0054400000000001` and `-0.007812` as `-0.007812000000000041`.
    pub fn as_fractional_secs(&self) -> f64 {
        use std::io::Write as _;
        // Sign, whole seconds and nanoseconds of the magnitude: before the epoch, `secs` is
        // rounded down, so the magnitude is `(|secs| - 1) + (10^9 - nanos) / 10^9`.
        let (sign, whole, fraction) = if self.secs < 0 && self.nanos > 0 {
            let whole = self.secs.unsigned_abs().saturating_sub(1);
            ("-", whole, 1_000_000_000_u32.saturating_sub(self.nanos))
        } else {
            (
                if self.secs < 0 { "-" } else { "" },
                self.secs.unsigned_abs(),
                self.nanos,
            )
        };
        // A sign, 20 digits, a point and 9 digits: no heap allocation needed.
        let mut buffer = [0_u8; 32];
        let mut cursor = std::io::Cursor::new(&mut buffer[..]);
        let written = write!(cursor, "{sign}{whole}.{fraction:09}")
            .ok()
            .map(|()| cursor.position());
        written
            .and_then(|n| buffer.get(..usize::try_from(n).ok()?))
            .and_then(|text| std::str::from_utf8(text).ok()?.parse().ok())
            .unwrap_or(self.secs as f64 + f64::from(self.nanos) / 1_000_000_000.0)
    }

    /// Formats as RFC 3339 in UTC (`2014-04-29T18:30:38Z`), with a fraction only when there
    /// is one and then without trailing zeros (`2014-04-29T18:30:38.25Z`). Errors outside the
    /// years 0000 through 9999.
    pub fn to_rfc3339(&self) -> Result<String, DateTimeError> {
        date::format_rfc3339(self.secs, self.nanos)
            .map_err(|e| DateTimeError(format!("cannot format as RFC 3339: {e}")))
    }

    /// Parses an RFC 3339 date-time, with any offset or `Z`. The fraction may have any number
    /// of digits; those past nanoseconds are dropped. A leap second (`23:59:60Z` on the last
    /// day of a month) reads as the last nanosecond before the next minute.
    pub fn parse_rfc3339(text: &str) -> Result<Self, DateTimeError> {
        let (secs, nanos) = date::parse_rfc3339(text)
            .map_err(|e| DateTimeError(format!("`{text}` is not an RFC 3339 date-time: {e}")))?;
        Ok(Self::from_secs_nanos(secs, nanos))
    }

    /// Formats as an HTTP date (`Tue, 29 Apr 2014 18:30:38 GMT`); the fraction is dropped.
    /// Errors before 1970 and after 9999, which the form cannot show.
    pub fn to_http_date(&self) -> Result<String, DateTimeError> {
        date::format_http_date(self.secs).ok_or_else(|| {
            DateTimeError(format!(
                "cannot format {} seconds since the epoch as an HTTP date: it holds only the \
                 years 1970 through 9999",
                self.secs
            ))
        })
    }

    /// Parses an HTTP date (IMF-fixdate, RFC 850 or asctime form).
    pub fn parse_http_date(text: &str) -> Result<Self, DateTimeError> {
        let secs = date::parse_http_date(text).ok_or_else(|| {
            DateTimeError(format!(
                "`{text}` is not an HTTP date (IMF-fixdate, RFC 850 or asctime form, 1970 \
                 through 9999)"
            ))
        })?;
        Ok(Self::from_secs(secs))
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_rfc3339() {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "{}.{:09}s", self.secs, self.nanos),
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl From<SystemTime> for DateTime {
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Self::from_secs_nanos(d.as_secs() as i64, d.subsec_nanos()),
            Err(before) => {
                let d = before.duration();
                // Instants before -2^63 seconds, which no platform has, become the earliest
                // `DateTime`.
                let mut secs = 0_i64.saturating_sub_unsigned(d.as_secs());
                let mut nanos = d.subsec_nanos();
                if nanos > 0 {
                    secs = secs.saturating_sub(1);
                    // `subsec_nanos` is below 10^9, so this never saturates.
                    nanos = 1_000_000_000_u32.saturating_sub(nanos);
                }
                Self::from_secs_nanos(secs, nanos)
            }
        }
    }
}

impl TryFrom<DateTime> for SystemTime {
    type Error = DateTimeError;

    fn try_from(t: DateTime) -> Result<Self, DateTimeError> {
        let out_of_range = || DateTimeError(format!("{t:?} is out of range for SystemTime"));
        if t.secs >= 0 {
            UNIX_EPOCH
                .checked_add(Duration::new(t.secs as u64, t.nanos))
                .ok_or_else(out_of_range)
        } else {
            UNIX_EPOCH
                .checked_sub(Duration::from_secs(t.secs.unsigned_abs()))
                .and_then(|s| s.checked_add(Duration::from_nanos(u64::from(t.nanos))))
                .ok_or_else(out_of_range)
        }
    }
}

/// A timestamp that cannot be parsed, formatted or converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeError(String);

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DateTimeError {}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.nanos == 0 {
            serializer.serialize_i64(self.secs)
        } else {
            serializer.serialize_f64(self.as_fractional_secs())
        }
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EpochSecondsVisitor)
    }
}

/// Reads epoch seconds from a JSON number.
pub(crate) struct EpochSecondsVisitor;

impl Visitor<'_> for EpochSecondsVisitor {
    type Value = DateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp in epoch seconds")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<DateTime, E> {
        Ok(DateTime::from_secs(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<DateTime, E> {
        i64::try_from(v)
            .map(DateTime::from_secs)
            .map_err(|_| E::custom(format!("timestamp {v} is out of range")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<DateTime, E> {
        DateTime::from_fractional_secs(v)
            .ok_or_else(|| E::custom(format!("timestamp {v} is out of range")))
    }
}

/// Binary data, base64-encoded on the wire.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Blob(Vec<u8>);

impl Blob {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Blob(bytes.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, owned.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(v: Vec<u8>) -> Self {
        Blob(v)
    }
}

impl From<&[u8]> for Blob {
    fn from(v: &[u8]) -> Self {
        Blob(v.to_vec())
    }
}

impl From<&str> for Blob {
    fn from(v: &str) -> Self {
        Blob(v.as_bytes().to_vec())
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BlobVisitor;
        impl Visitor<'_> for BlobVisitor {
            type Value = Blob;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Blob, E> {
                base64::engine::general_purpose::STANDARD
                    .decode(v)
                    .map(Blob)
                    .map_err(|e| E::custom(format!("invalid base64: {e}")))
            }
        }
        deserializer.deserialize_str(BlobVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_keep_decimal_fraction() {
        let t: DateTime = serde_json::from_str("1576540098.123").unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1576540098, 123_000_000));
        assert_eq!(serde_json::to_string(&t).unwrap(), "1576540098.123");
    }

    #[test]
    fn epoch_seconds_accept_exponent_and_integer() {
        let t: DateTime = serde_json::from_str("1.7E9").unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1_700_000_000, 0));
        assert_eq!(serde_json::to_string(&t).unwrap(), "1700000000");
        let t: DateTime = serde_json::from_str("1398796238").unwrap();
        assert_eq!(t.secs(), 1398796238);
    }

    #[test]
    fn epoch_seconds_reject_strings() {
        assert!(serde_json::from_str::<DateTime>("\"soon\"").is_err());
    }

    #[test]
    fn negative_fraction_rounds_down_to_whole_seconds() {
        let t = DateTime::from_fractional_secs(-1.5).unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (-2, 500_000_000));
    }

    #[test]
    fn rfc3339_and_http_date_round_trip() {
        let t = DateTime::parse_rfc3339("2014-04-29T18:30:38+02:00").unwrap();
        assert_eq!(t.secs(), 1398789038);
        assert_eq!(t.to_rfc3339().unwrap(), "2014-04-29T16:30:38Z");
        assert_eq!(t.to_http_date().unwrap(), "Tue, 29 Apr 2014 16:30:38 GMT");
        assert_eq!(
            DateTime::parse_http_date("Tue, 29 Apr 2014 16:30:38 GMT").unwrap(),
            t
        );
    }

    #[test]
    fn http_dates_outside_1970_to_9999_are_errors_not_panics() {
        for secs in [-1, -86_400 * 365, i64::MIN, 253_402_300_800, i64::MAX] {
            let e = DateTime::from_secs(secs).to_http_date().unwrap_err();
            assert!(e.to_string().contains("years 1970 through 9999"), "{e}");
            assert!(e.to_string().contains(&secs.to_string()), "{e}");
        }
        assert_eq!(
            DateTime::from_secs(0).to_http_date().unwrap(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        let last = DateTime::from_secs_nanos(253_402_300_799, 999_999_999);
        assert_eq!(
            last.to_http_date().unwrap(),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
        assert!(DateTime::parse_http_date("Thu, 31 Dec 1969 23:59:59 GMT").is_err());
    }

    #[test]
    fn rfc3339_outside_0000_to_9999_is_an_error_and_debug_still_prints() {
        let last = DateTime::from_secs_nanos(253_402_300_799, 999_999_999);
        assert_eq!(last.to_rfc3339().unwrap(), "9999-12-31T23:59:59.999999999Z");
        assert_eq!(
            DateTime::from_secs(-62_167_219_200).to_rfc3339().unwrap(),
            "0000-01-01T00:00:00Z"
        );
        for t in [
            DateTime::from_secs(-62_167_219_201),
            DateTime::from_secs(253_402_300_800),
            DateTime::from_secs(i64::MIN),
        ] {
            let e = t.to_rfc3339().unwrap_err();
            assert!(e.to_string().contains("years 0000 through 9999"), "{e}");
        }
        assert_eq!(
            format!("{:?}", DateTime::from_secs_nanos(-62_167_219_201, 5)),
            "-62167219201.000000005s"
        );
    }

    #[test]
    fn rfc3339_keeps_fractions_offsets_and_names_bad_text() {
        let t = DateTime::parse_rfc3339("1969-12-31t18:29:59.25-05:30").unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (-1, 250_000_000));
        assert_eq!(t.to_rfc3339().unwrap(), "1969-12-31T23:59:59.25Z");
        let t = DateTime::parse_rfc3339("2016-12-31T23:59:60Z").unwrap();
        assert_eq!(t.to_rfc3339().unwrap(), "2016-12-31T23:59:59.999999999Z");
        let e = DateTime::parse_rfc3339("2015-02-29T00:00:00Z").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`2015-02-29T00:00:00Z` is not an RFC 3339 date-time: day 29 does not exist in 2015-02"
        );
    }

    #[test]
    fn blob_is_base64_on_the_wire() {
        let b = Blob::from("foo");
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"Zm9v\"");
        assert_eq!(serde_json::from_str::<Blob>("\"Zm9v\"").unwrap(), b);
        assert!(serde_json::from_str::<Blob>("\"!!\"").is_err());
    }

    #[test]
    fn system_times_before_the_epoch_round_down_and_never_overflow() {
        let t = DateTime::from(UNIX_EPOCH - Duration::from_millis(1_500));
        assert_eq!((t.secs(), t.subsec_nanos()), (-2, 500_000_000));
        let t = DateTime::from(UNIX_EPOCH - Duration::from_secs(3));
        assert_eq!((t.secs(), t.subsec_nanos()), (-3, 0));
        // The earliest instant a 64-bit `SystemTime` can hold, where the platform has it.
        if let Some(earliest) = UNIX_EPOCH.checked_sub(Duration::from_secs(1 << 63)) {
            let t = DateTime::from(earliest);
            assert_eq!((t.secs(), t.subsec_nanos()), (i64::MIN, 0));
        }
    }
}
