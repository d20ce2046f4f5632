//! The two timestamp forms SigV4 reads and writes: the ISO 8601 basic form of `X-Amz-Date`
//! (`20150830T123600Z`) and the IMF-fixdate of the HTTP `Date` header, which a verifier accepts
//! when `X-Amz-Date` is absent. The calendar and the text forms live in the one date module,
//! [`crate::wire::date`]; this type only keeps the formatted text next to the seconds, limited
//! to 1970 through 9999 because signing times are unsigned seconds since the epoch.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::wire::date;

/// A UTC instant in the `X-Amz-Date` form, kept as its 16 ASCII bytes so that signing never
/// allocates for it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct AmzDate {
    text: [u8; 16],
    seconds: u64,
}

impl AmzDate {
    /// The instant `time`, truncated to the second; `None` before 1970 or after 9999.
    pub(crate) fn from_system_time(time: SystemTime) -> Option<AmzDate> {
        let seconds = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
        AmzDate::from_seconds(seconds)
    }

    /// The instant `seconds` after the Unix epoch; `None` after 9999.
    pub(crate) fn from_seconds(seconds: u64) -> Option<AmzDate> {
        let text = date::format_basic(i64::try_from(seconds).ok()?)?;
        Some(AmzDate { text, seconds })
    }

    /// Reads the exact form `YYYYMMDDTHHMMSSZ` with a valid calendar date and time of day,
    /// from 1970 on.
    #[cfg(feature = "verify")]
    pub(crate) fn parse(text: &str) -> Option<AmzDate> {
        let seconds = date::parse_basic(text).ok()?;
        AmzDate::from_seconds(u64::try_from(seconds).ok()?)
    }

    /// Reads an IMF-fixdate such as `Sun, 30 Aug 2015 12:36:00 GMT` (RFC 9110), the form every
    /// HTTP/1.1 sender must use for `Date`.
    #[cfg(feature = "verify")]
    pub(crate) fn parse_http_date(text: &str) -> Option<AmzDate> {
        let seconds = date::parse_imf_fixdate(text)?;
        AmzDate::from_seconds(u64::try_from(seconds).ok()?)
    }

    /// The full form, `20150830T123600Z`.
    pub(crate) fn as_str(&self) -> &str {
        // The bytes are ASCII digits, `T` and `Z` by construction.
        std::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The date part of the credential scope, `20150830`.
    pub(crate) fn date(&self) -> &str {
        self.as_str().get(..8).unwrap_or_default()
    }

    /// Seconds since the Unix epoch.
    #[cfg(feature = "verify")]
    pub(crate) fn seconds(&self) -> u64 {
        self.seconds
    }

    /// The instant as a `SystemTime`.
    #[cfg(feature = "verify")]
    pub(crate) fn system_time(&self) -> SystemTime {
        // Safe: every constructor goes through `date::format_basic`, which refuses instants
        // after 9999, and every platform's `SystemTime` reaches past that.
        #[allow(clippy::arithmetic_side_effects)]
        let time = UNIX_EPOCH + std::time::Duration::from_secs(self.seconds);
        time
    }
}

impl std::fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The last second of year 9999.
    #[cfg(feature = "verify")]
    const MAX_SECONDS: u64 = 253_402_300_799;

    #[test]
    fn formats_the_suite_time() {
        let date = AmzDate::from_seconds(1_440_938_160).unwrap();
        assert_eq!(date.as_str(), "20150830T123600Z");
        assert_eq!(date.date(), "20150830");
    }

    #[test]
    #[cfg(feature = "verify")]
    fn parses_what_it_formats_across_leap_days_and_eras() {
        for seconds in [
            0,
            951_782_400,   // 2000-02-29
            1_440_938_160, // 2015-08-30
            4_107_542_399, // 2100-02-28T23:59:59
            MAX_SECONDS,
        ] {
            let date = AmzDate::from_seconds(seconds).unwrap();
            assert_eq!(AmzDate::parse(date.as_str()), Some(date), "{date:?}");
            assert_eq!(date.seconds(), seconds);
        }
        assert_eq!(
            AmzDate::from_seconds(951_782_400).unwrap().as_str(),
            "20000229T000000Z"
        );
        assert!(AmzDate::from_seconds(MAX_SECONDS + 1).is_none());
        assert!(AmzDate::from_seconds(u64::MAX).is_none());
    }

    #[test]
    #[cfg(feature = "verify")]
    fn rejects_malformed_dates() {
        for text in [
            "",
            "2015-08-30T12:36:00Z",
            "20150830T123600",
            "20150830 123600Z",
            "20150230T123600Z",
            "20190229T000000Z",
            "20150830T243600Z",
            "20150830T126000Z",
            "2015083OT123600Z",
            "19691231T235959Z",
            "+0150830T123600Z",
        ] {
            assert!(AmzDate::parse(text).is_none(), "{text:?}");
        }
        assert!(AmzDate::parse("20200229T000000Z").is_some());
    }

    #[test]
    #[cfg(feature = "verify")]
    fn reads_http_dates() {
        let date = AmzDate::parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT").unwrap();
        assert_eq!(date.as_str(), "20150830T123600Z");
        assert!(AmzDate::parse_http_date("Sun, 30 Aug 2015 12:36:00 UTC").is_none());
        assert!(AmzDate::parse_http_date("Sunday, 30-Aug-15 12:36:00 GMT").is_none());
        assert!(AmzDate::parse_http_date("Sun, 30 Foo 2015 12:36:00 GMT").is_none());
    }

    #[test]
    fn system_times_before_1970_have_no_amz_date() {
        let before = UNIX_EPOCH - std::time::Duration::from_secs(1);
        assert!(AmzDate::from_system_time(before).is_none());
    }
}
