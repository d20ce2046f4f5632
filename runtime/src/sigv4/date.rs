//! The two timestamp forms SigV4 reads and writes: the ISO 8601 basic form of `X-Amz-Date`
//! (`20150830T123600Z`) and the IMF-fixdate of the HTTP `Date` header, which a verifier accepts
//! when `X-Amz-Date` is absent. Plain calendar arithmetic on whole seconds since the Unix epoch;
//! no time zone other than UTC exists here.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds in a day.
const DAY: u64 = 86_400;

/// The last second of year 9999: later instants have no four-digit year.
const MAX_SECONDS: u64 = 253_402_300_799;

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
        if seconds > MAX_SECONDS {
            return None;
        }
        let days = seconds / DAY;
        let rest = seconds % DAY;
        let (year, month, day) = civil_from_days(days);
        let mut text = *b"00000000T000000Z";
        put_digits(&mut text[0..4], year);
        put_digits(&mut text[4..6], month);
        put_digits(&mut text[6..8], day);
        put_digits(&mut text[9..11], rest / 3600);
        put_digits(&mut text[11..13], rest / 60 % 60);
        put_digits(&mut text[13..15], rest % 60);
        Some(AmzDate { text, seconds })
    }

    /// Reads the exact form `YYYYMMDDTHHMMSSZ` with a valid calendar date and time of day.
    pub(crate) fn parse(text: &str) -> Option<AmzDate> {
        let b = text.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let year = read_digits(&b[0..4])?;
        let month = read_digits(&b[4..6])?;
        let day = read_digits(&b[6..8])?;
        let hour = read_digits(&b[9..11])?;
        let minute = read_digits(&b[11..13])?;
        let second = read_digits(&b[13..15])?;
        let seconds = seconds_of(year, month, day, hour, minute, second)?;
        // Rebuilding from the seconds normalises nothing away: the fields were range-checked.
        AmzDate::from_seconds(seconds)
    }

    /// Reads an IMF-fixdate such as `Sun, 30 Aug 2015 12:36:00 GMT` (RFC 9110), the form every
    /// HTTP/1.1 sender must use for `Date`.
    pub(crate) fn parse_http_date(text: &str) -> Option<AmzDate> {
        let b = text.as_bytes();
        if b.len() != 29
            || &b[3..5] != b", "
            || b[7] != b' '
            || b[11] != b' '
            || b[16] != b' '
            || b[19] != b':'
            || b[22] != b':'
            || &b[25..] != b" GMT"
        {
            return None;
        }
        const MONTHS: [&[u8; 3]; 12] = [
            b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
            b"Dec",
        ];
        let month = MONTHS.iter().position(|m| m[..] == b[8..11])? as u64 + 1;
        let day = read_digits(&b[5..7])?;
        let year = read_digits(&b[12..16])?;
        let hour = read_digits(&b[17..19])?;
        let minute = read_digits(&b[20..22])?;
        let second = read_digits(&b[23..25])?;
        AmzDate::from_seconds(seconds_of(year, month, day, hour, minute, second)?)
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
    pub(crate) fn seconds(&self) -> u64 {
        self.seconds
    }

    /// The instant as a `SystemTime`.
    pub(crate) fn system_time(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.seconds)
    }
}

impl std::fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Seconds since the epoch of a UTC date and time, or `None` when a field is out of range.
fn seconds_of(year: u64, month: u64, day: u64, hour: u64, minute: u64, second: u64) -> Option<u64> {
    if !(1970..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY + hour * 3600 + minute * 60 + second)
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        // Leap years: divisible by 4 but not by 100, or divisible by 400.
        2 if matches!((year % 4, year % 100, year % 400), (0, 1.., _) | (_, _, 0)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date from 1970 on (the era arithmetic of
/// Howard Hinnant's `days_from_civil`, restricted to non-negative results).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01, as (year, month, day).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Writes `value` as zero-padded decimal digits filling `out`.
fn put_digits(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

fn read_digits(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0_u64, |acc, &d| {
        d.is_ascii_digit().then(|| acc * 10 + u64::from(d - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_suite_time() {
        let date = AmzDate::from_seconds(1_440_938_160).unwrap();
        assert_eq!(date.as_str(), "20150830T123600Z");
        assert_eq!(date.date(), "20150830");
    }

    #[test]
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
    }

    #[test]
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
    fn reads_http_dates() {
        let date = AmzDate::parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT").unwrap();
        assert_eq!(date.as_str(), "20150830T123600Z");
        assert!(AmzDate::parse_http_date("Sun, 30 Aug 2015 12:36:00 UTC").is_none());
        assert!(AmzDate::parse_http_date("Sunday, 30-Aug-15 12:36:00 GMT").is_none());
        assert!(AmzDate::parse_http_date("Sun, 30 Foo 2015 12:36:00 GMT").is_none());
    }

    #[test]
    fn system_times_before_1970_have_no_amz_date() {
        let before = UNIX_EPOCH - Duration::from_secs(1);
        assert!(AmzDate::from_system_time(before).is_none());
    }
}
