//! Calendar arithmetic and the text forms of an instant that the runtime reads and writes:
//! RFC 3339 (`2015-08-30T12:36:00.5Z`) for timestamps in JSON bodies, the ISO 8601 basic form
//! (`20150830T123600Z`) of SigV4's `X-Amz-Date`, and the HTTP date (`Sun, 30 Aug 2015 12:36:00
//! GMT`), whose text `httpdate` reads and writes once this module has checked the range.
//!
//! Instants are signed seconds since the Unix epoch in UTC on the proleptic Gregorian calendar,
//! with nanoseconds kept apart by the caller. The text forms cover the years 0000 through 9999;
//! the arithmetic itself works on any year an `i64` of seconds can reach. There is no clock, no
//! time zone other than a numeric offset, and no leap-second table here.

use std::fmt;
use std::time::{Duration, UNIX_EPOCH};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// 0000-01-01T00:00:00Z, the first instant with a four-digit year.
pub(crate) const MIN_SECS: i64 = -62_167_219_200;

/// 9999-12-31T23:59:59Z, the last whole second with a four-digit year.
pub(crate) const MAX_SECS: i64 = 253_402_300_799;

/// Days from 0000-03-01 to 1970-01-01: the shift between the epoch and the start of the
/// 400-year era the arithmetic below counts from.
const EPOCH_SHIFT: i64 = 719_468;

/// Days in a 400-year era of the Gregorian calendar.
const ERA_DAYS: i64 = 146_097;

/// A date and time of day in UTC, each field as a calendar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
}

impl Civil {
    /// The calendar fields of the whole second `secs` since the epoch.
    pub(crate) fn from_secs(secs: i64) -> Civil {
        let (year, month, day) = civil_from_days(secs.div_euclid(DAY));
        let rest = secs.rem_euclid(DAY);
        // `rest` is below 86 400, so each quotient fits in a `u32`.
        Civil {
            year,
            month,
            day,
            hour: (rest / 3600) as u32,
            minute: (rest / 60 % 60) as u32,
            second: (rest % 60) as u32,
        }
    }

    /// Seconds since the epoch, after checking every field against the calendar, the year
    /// included: the text forms hold four-digit years, which keeps the sum far from overflow.
    pub(crate) fn to_secs(self) -> Result<i64, DateError> {
        if !(0..=9999).contains(&self.year) {
            return Err(DateError::Year { year: self.year });
        }
        if !(1..=12).contains(&self.month) {
            return Err(DateError::Field {
                field: "month",
                value: self.month,
            });
        }
        if self.day < 1 || self.day > days_in_month(self.year, self.month) {
            return Err(DateError::NoSuchDay {
                year: self.year,
                month: self.month,
                day: self.day,
            });
        }
        for (field, value, max) in [
            ("hour", self.hour, 23),
            ("minute", self.minute, 59),
            ("second", self.second, 59),
        ] {
            if value > max {
                return Err(DateError::Field { field, value });
            }
        }
        let days = days_from_civil(self.year, self.month, self.day);
        // Safe: every field was checked above (years 0..=9999), so `days` is within
        // ±3 700 000 and the seconds within ±3.2e11.
        #[allow(clippy::arithmetic_side_effects)]
        let secs = days * DAY
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        Ok(secs)
    }
}

/// True for the years with a 29 February: divisible by 4 but not by 100, or divisible by 400.
pub(crate) fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1-12) of `year`.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date, negative before it. Counting years from
/// March puts the leap day last, so each month's first day follows from one linear formula
/// (Howard Hinnant's `days_from_civil`). `month` must be 1-12.
// Safe: for a month of 1-12 and any year an `i64` of seconds can reach (below 3e11 in
// magnitude) the largest value, `era * ERA_DAYS`, stays below 1.1e14; the one caller,
// `Civil::to_secs`, has checked the month and a year of 0..=9999.
#[allow(clippy::arithmetic_side_effects)]
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let march_month = i64::from((month + 9) % 12);
    let day_of_year = (153 * march_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * ERA_DAYS + day_of_era - EPOCH_SHIFT
}

/// The date `days` after 1970-01-01 (before it when negative), as (year, month, day); the
/// inverse of [`days_from_civil`].
// Safe: `shifted` is an `i64`, so `era` is below 6.4e13 and `era * 400` below 2.6e16, and
// `day_of_era` (0..146 097) bounds every other value.
#[allow(clippy::arithmetic_side_effects)]
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Days reached from an `i64` of seconds are far below the limit, so this never saturates.
    let shifted = days.saturating_add(EPOCH_SHIFT);
    let era = shifted.div_euclid(ERA_DAYS);
    let day_of_era = shifted.rem_euclid(ERA_DAYS);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_month = (5 * day_of_year + 2) / 153;
    // Both values are small and positive: a day of the month and a month number.
    let day = (day_of_year - (153 * march_month + 2) / 5 + 1) as u32;
    let month = if march_month < 10 {
        march_month + 3
    } else {
        march_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day)
}

/// Why a timestamp could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DateError {
    /// The text breaks the form: what the form needs at byte `at`, and what is there instead.
    Expected {
        what: &'static str,
        at: usize,
        found: Option<char>,
    },
    /// A field holds a number outside its range.
    Field { field: &'static str, value: u32 },
    /// The day does not exist in that month.
    NoSuchDay { year: i64, month: u32, day: u32 },
    /// Second 60 somewhere other than the last second of a month in UTC.
    LeapSecond,
    /// A year outside 0000 through 9999, which no text form here can hold.
    Year { year: i64 },
    /// The instant lies outside what the form can show.
    OutOfRange {
        secs: i64,
        form: &'static str,
        range: &'static str,
    },
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Expected { what, at, found } => {
                write!(f, "expected {what} at byte {at}, found ")?;
                match found {
                    Some(c) => write!(f, "`{}`", c.escape_debug()),
                    None => f.write_str("the end of the text"),
                }
            }
            DateError::Field { field, value } => write!(f, "{field} {value} is out of range"),
            DateError::NoSuchDay { year, month, day } => {
                write!(f, "day {day} does not exist in {year:04}-{month:02}")
            }
            DateError::Year { year } => {
                write!(f, "year {year} is outside 0000 through 9999")
            }
            DateError::LeapSecond => f.write_str(
                "second 60 (a leap second) is only allowed at 23:59:60 UTC on the last day of a \
                 month",
            ),
            DateError::OutOfRange { secs, form, range } => write!(
                f,
                "{secs} seconds since the epoch is outside {range}, which {form} can show"
            ),
        }
    }
}

impl std::error::Error for DateError {}

/// Formats an instant as RFC 3339 in UTC the way AWS SDKs write it: `Z` for the offset, and a
/// fraction only when `nanos` is not zero, with its trailing zeros trimmed
/// (`2015-08-30T12:36:00.5Z`). Errors outside the years 0000 through 9999.
pub(crate) fn format_rfc3339(secs: i64, nanos: u32) -> Result<String, DateError> {
    if !(MIN_SECS..=MAX_SECS).contains(&secs) {
        return Err(DateError::OutOfRange {
            secs,
            form: "RFC 3339",
            range: "the years 0000 through 9999",
        });
    }
    if nanos >= 1_000_000_000 {
        return Err(DateError::Field {
            field: "nanosecond",
            value: nanos,
        });
    }
    let c = Civil::from_secs(secs);
    let mut buf = *b"0000-00-00T00:00:00.000000000Z";
    // The year is within 0..=9999 here, so it fits four digits and a `u64`.
    put_digits(&mut buf[0..4], c.year as u64);
    put_digits(&mut buf[5..7], u64::from(c.month));
    put_digits(&mut buf[8..10], u64::from(c.day));
    put_digits(&mut buf[11..13], u64::from(c.hour));
    put_digits(&mut buf[14..16], u64::from(c.minute));
    put_digits(&mut buf[17..19], u64::from(c.second));
    let end = if nanos == 0 {
        19
    } else {
        put_digits(&mut buf[20..29], u64::from(nanos));
        // Keep the point and every digit up to the last non-zero one.
        let last = buf[20..29].iter().rposition(|&d| d != b'0').unwrap_or(0);
        // Below 9, as a place in a nine-byte slice.
        last.saturating_add(21)
    };
    let mut text = String::with_capacity(buf.len());
    text.extend(buf.iter().take(end).map(|&b| char::from(b)));
    text.push('Z');
    Ok(text)
}

/// Reads an RFC 3339 date-time into seconds and nanoseconds since the epoch.
///
/// Accepts what RFC 3339 section 5.6 allows: `T`, `t` or a space between date and time, a
/// fraction of any length (digits past the ninth are dropped, not rounded), and `Z`, `z` or a
/// numeric offset such as `+05:30` or `-00:00`. Second 60 is read as the last nanosecond of
/// second 59, and only where a leap second can fall: 23:59:60 UTC on a month's last day.
pub(crate) fn parse_rfc3339(text: &str) -> Result<(i64, u32), DateError> {
    let mut r = Reader::new(text);
    let year = r.digits(4, "a four-digit year")?;
    r.expect(b'-', "`-` after the year")?;
    let month = r.digits(2, "a two-digit month")?;
    r.expect(b'-', "`-` after the month")?;
    let day = r.digits(2, "a two-digit day")?;
    r.expect_any(b"Tt ", "`T` between the date and the time")?;
    let hour = r.digits(2, "a two-digit hour")?;
    r.expect(b':', "`:` after the hour")?;
    let minute = r.digits(2, "two-digit minutes")?;
    r.expect(b':', "`:` after the minutes")?;
    let mut second = r.digits(2, "two-digit seconds")?;
    let mut nanos = 0;
    if r.eat(b'.') {
        nanos = r.fraction()?;
    }
    let offset = r.offset()?;
    r.end()?;

    let leap = second == 60;
    if leap {
        second = 59;
        nanos = 999_999_999;
    }
    let local = Civil {
        year: i64::from(year),
        month,
        day,
        hour,
        minute,
        second,
    }
    .to_secs()?;
    // Safe: `local` comes from a four-digit year (within ±3.2e11) and the offset is below a
    // day, both checked above.
    #[allow(clippy::arithmetic_side_effects)]
    let secs = local - offset;
    if leap {
        let utc = Civil::from_secs(secs);
        let last_day = days_in_month(utc.year, utc.month);
        if (utc.hour, utc.minute, utc.second, utc.day) != (23, 59, 59, last_day) {
            return Err(DateError::LeapSecond);
        }
    }
    Ok((secs, nanos))
}

/// Formats a whole second in the ISO 8601 basic form SigV4 signs, `20150830T123600Z`, or
/// `None` outside the years 0000 through 9999.
pub(crate) fn format_basic(secs: i64) -> Option<[u8; 16]> {
    if !(MIN_SECS..=MAX_SECS).contains(&secs) {
        return None;
    }
    let c = Civil::from_secs(secs);
    let mut text = *b"00000000T000000Z";
    // The year is within 0..=9999 here, so it fits four digits and a `u64`.
    put_digits(&mut text[0..4], c.year as u64);
    put_digits(&mut text[4..6], u64::from(c.month));
    put_digits(&mut text[6..8], u64::from(c.day));
    put_digits(&mut text[9..11], u64::from(c.hour));
    put_digits(&mut text[11..13], u64::from(c.minute));
    put_digits(&mut text[13..15], u64::from(c.second));
    Some(text)
}

/// Reads exactly `YYYYMMDDTHHMMSSZ` with a real calendar date and time of day, upper-case `T`
/// and `Z` only, as SigV4 requires.
#[cfg(feature = "verify")]
pub(crate) fn parse_basic(text: &str) -> Result<i64, DateError> {
    let mut r = Reader::new(text);
    let year = r.digits(4, "a four-digit year")?;
    let month = r.digits(2, "a two-digit month")?;
    let day = r.digits(2, "a two-digit day")?;
    r.expect(b'T', "`T` between the date and the time")?;
    let hour = r.digits(2, "a two-digit hour")?;
    let minute = r.digits(2, "two-digit minutes")?;
    let second = r.digits(2, "two-digit seconds")?;
    r.expect(b'Z', "`Z`")?;
    r.end()?;
    Civil {
        year: i64::from(year),
        month,
        day,
        hour,
        minute,
        second,
    }
    .to_secs()
}

/// Formats a whole second as an IMF-fixdate (`Sun, 30 Aug 2015 12:36:00 GMT`), or `None`
/// outside 1970 through 9999, the years `httpdate` can write (it panics on others).
pub(crate) fn format_http_date(secs: i64) -> Option<String> {
    if !(0..=MAX_SECS).contains(&secs) {
        return None;
    }
    // `secs` is non-negative here, so the conversion to `u64` is exact.
    let time = UNIX_EPOCH.checked_add(Duration::from_secs(secs as u64))?;
    Some(httpdate::fmt_http_date(time))
}

/// Reads an HTTP date in any of the three forms RFC 9110 names (IMF-fixdate, RFC 850 and
/// asctime) into whole seconds since the epoch.
pub(crate) fn parse_http_date(text: &str) -> Option<i64> {
    let time = httpdate::parse_http_date(text).ok()?;
    let since = time.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(since.as_secs()).ok()
}

/// Reads only the IMF-fixdate form, the one every HTTP/1.1 sender must use, with the weekday
/// that belongs to the date.
#[cfg(feature = "verify")]
pub(crate) fn parse_imf_fixdate(text: &str) -> Option<i64> {
    let secs = parse_http_date(text)?;
    // `httpdate` also takes the two obsolete forms and surrounding spaces; only text that
    // formats back unchanged is an IMF-fixdate.
    (format_http_date(secs)? == text).then_some(secs)
}

/// Writes `value` as zero-padded decimal digits filling `out`.
fn put_digits(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        // Safe: a remainder of ten is below 10, so it fits a `u8` and `b'0'` plus it is at
        // most `b'9'`.
        #[allow(clippy::arithmetic_side_effects)]
        let digit = b'0' + (value % 10) as u8;
        *slot = digit;
        value /= 10;
    }
}

/// A cursor over ASCII text that names the byte and the expectation when reading fails.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Reader { text, at: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// The value of the next byte when it is an ASCII digit.
    fn peek_digit(&self) -> Option<u32> {
        self.peek().and_then(|d| char::from(d).to_digit(10))
    }

    /// Steps over the byte `peek` has just returned.
    fn step(&mut self) {
        // That byte lies below the text's length, so `at + 1` never saturates.
        self.at = self.at.saturating_add(1);
    }

    fn error(&self, what: &'static str) -> DateError {
        // The reader only ever steps over ASCII bytes, so `at` is a character boundary.
        let found = self
            .text
            .get(self.at..)
            .and_then(|rest| rest.chars().next());
        DateError::Expected {
            what,
            at: self.at,
            found,
        }
    }

    /// Steps over `byte` when it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.step();
        }
        found
    }

    fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), DateError> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    /// Steps over one of `bytes` and returns it.
    fn expect_any(&mut self, bytes: &[u8], what: &'static str) -> Result<u8, DateError> {
        match self.peek() {
            Some(b) if bytes.contains(&b) => {
                self.step();
                Ok(b)
            }
            _ => Err(self.error(what)),
        }
    }

    /// Reads exactly `count` decimal digits (at most nine, so the value fits a `u32`); an
    /// error names the first byte that is not a digit.
    fn digits(&mut self, count: usize, what: &'static str) -> Result<u32, DateError> {
        let mut value = 0_u32;
        for _ in 0..count {
            match self.peek_digit() {
                // At most nine digits fit a `u32`, so this never saturates.
                Some(digit) => {
                    value = value.saturating_mul(10).saturating_add(digit);
                    self.step();
                }
                None => return Err(self.error(what)),
            }
        }
        Ok(value)
    }

    /// Reads the digits after a decimal point as nanoseconds: at least one digit, the first
    /// nine counted, any further ones read and dropped.
    fn fraction(&mut self) -> Result<u32, DateError> {
        let mut nanos = 0_u32;
        let mut scale = 100_000_000_u32;
        let mut any = false;
        while let Some(digit) = self.peek_digit() {
            // Each digit adds at most 9 * scale, so the sum stays below 10^9 and never saturates.
            nanos = nanos.saturating_add(digit.saturating_mul(scale));
            scale /= 10;
            any = true;
            self.step();
        }
        if any {
            Ok(nanos)
        } else {
            Err(self.error("a digit after the decimal point"))
        }
    }

    /// Reads `Z`, `z` or `+HH:MM`/`-HH:MM` and returns the offset east of UTC in seconds.
    fn offset(&mut self) -> Result<i64, DateError> {
        let sign = self.expect_any(b"Zz+-", "`Z` or a `+HH:MM`/`-HH:MM` offset")?;
        if matches!(sign, b'Z' | b'z') {
            return Ok(0);
        }
        let hours = self.digits(2, "two-digit offset hours")?;
        if hours > 23 {
            return Err(DateError::Field {
                field: "offset hour",
                value: hours,
            });
        }
        self.expect(b':', "`:` in the offset")?;
        let minutes = self.digits(2, "two-digit offset minutes")?;
        if minutes > 59 {
            return Err(DateError::Field {
                field: "offset minute",
                value: minutes,
            });
        }
        // Safe: hours are at most 23 and minutes at most 59 (checked above), so the offset and
        // its negation are within ±86 340.
        #[allow(clippy::arithmetic_side_effects)]
        let east = {
            let magnitude = i64::from(hours) * 3600 + i64::from(minutes) * 60;
            if sign == b'-' {
                -magnitude
            } else {
                magnitude
            }
        };
        Ok(east)
    }

    fn end(&self) -> Result<(), DateError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("the end of the text")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2015-08-30T12:36:00Z, the time of the SigV4 test suite.
    const SUITE: i64 = 1_440_938_160;

    #[test]
    fn days_and_dates_agree_on_every_day_from_0000_to_9999() {
        let first = days_from_civil(0, 1, 1);
        let last = days_from_civil(9999, 12, 31);
        assert_eq!(first * DAY, MIN_SECS);
        assert_eq!(last * DAY + DAY - 1, MAX_SECS);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        let mut previous = civil_from_days(first - 1);
        assert_eq!(previous, (-1, 12, 31));
        for days in first..=last {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(
                days_from_civil(year, month, day),
                days,
                "{year}-{month}-{day}"
            );
            // Each day follows the one before: the next day of the month, or the first of the
            // next month once the last day of a month has passed.
            let (py, pm, pd) = previous;
            let expected = if pd < days_in_month(py, pm) {
                (py, pm, pd + 1)
            } else if pm < 12 {
                (py, pm + 1, 1)
            } else {
                (py + 1, 1, 1)
            };
            assert_eq!((year, month, day), expected, "day {days}");
            previous = (year, month, day);
        }
        assert_eq!(previous, (9999, 12, 31));
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        for (year, leap) in [
            (0, true),
            (1900, false),
            (1970, false),
            (2000, true),
            (2024, true),
            (2100, false),
            (9996, true),
        ] {
            assert_eq!(is_leap_year(year), leap, "{year}");
        }
    }

    #[test]
    fn rfc3339_formats_like_aws_sdks() {
        for (secs, nanos, text) in [
            (0, 0, "1970-01-01T00:00:00Z"),
            (-1, 0, "1969-12-31T23:59:59Z"),
            (-1, 500_000_000, "1969-12-31T23:59:59.5Z"),
            (951_782_400, 0, "2000-02-29T00:00:00Z"),
            (SUITE, 1, "2015-08-30T12:36:00.000000001Z"),
            (SUITE, 120_000_000, "2015-08-30T12:36:00.12Z"),
            (SUITE, 123_456_000, "2015-08-30T12:36:00.123456Z"),
            (4_107_542_399, 0, "2100-02-28T23:59:59Z"),
            (MIN_SECS, 0, "0000-01-01T00:00:00Z"),
            (MAX_SECS, 999_999_999, "9999-12-31T23:59:59.999999999Z"),
        ] {
            assert_eq!(format_rfc3339(secs, nanos).as_deref(), Ok(text), "{secs}");
            assert_eq!(parse_rfc3339(text), Ok((secs, nanos)), "{text}");
        }
        assert!(format_rfc3339(MIN_SECS - 1, 0).is_err());
        assert!(format_rfc3339(MAX_SECS + 1, 0).is_err());
    }

    #[test]
    fn rfc3339_reads_offsets_separators_and_fractions() {
        for (text, secs, nanos) in [
            ("2015-08-30T18:06:00+05:30", SUITE, 0),
            ("2015-08-30T12:36:00-00:00", SUITE, 0),
            ("2015-08-30T12:36:00+00:00", SUITE, 0),
            ("2015-08-30T02:36:00-10:00", SUITE, 0),
            ("2015-08-31T00:35:00+11:59", SUITE, 0),
            ("2015-08-30t12:36:00z", SUITE, 0),
            ("2015-08-30 12:36:00Z", SUITE, 0),
            ("2015-08-30T12:36:00.1Z", SUITE, 100_000_000),
            ("2015-08-30T12:36:00.000Z", SUITE, 0),
            ("2015-08-30T12:36:00.123456789Z", SUITE, 123_456_789),
            ("2015-08-30T12:36:00.1234567891Z", SUITE, 123_456_789),
            ("2015-08-30T12:36:00.99999999999999Z", SUITE, 999_999_999),
            ("1969-12-31T23:59:59.25Z", -1, 250_000_000),
            ("0000-01-01T00:00:00Z", MIN_SECS, 0),
            // Offsets can carry a date across the range the forms can write.
            ("0000-01-01T00:00:00+01:00", MIN_SECS - 3600, 0),
            ("9999-12-31T23:59:59-01:00", MAX_SECS + 3600, 0),
            // Leap seconds become the last nanosecond of the second before.
            ("2016-12-31T23:59:60Z", 1_483_228_799, 999_999_999),
            ("2016-12-31T23:59:60.5Z", 1_483_228_799, 999_999_999),
            ("2017-01-01T05:29:60+05:30", 1_483_228_799, 999_999_999),
            ("2015-06-30T23:59:60Z", 1_435_708_799, 999_999_999),
        ] {
            assert_eq!(parse_rfc3339(text), Ok((secs, nanos)), "{text}");
        }
    }

    #[test]
    fn rfc3339_rejects_malformed_text_naming_the_problem() {
        for (text, message) in [
            (
                "",
                "expected a four-digit year at byte 0, found the end of the text",
            ),
            ("soon", "expected a four-digit year at byte 0, found `s`"),
            (
                "15-08-30T12:36:00Z",
                "expected a four-digit year at byte 2, found `-`",
            ),
            (
                "2015/08/30T12:36:00Z",
                "expected `-` after the year at byte 4, found `/`",
            ),
            (
                "2015-8-30T12:36:00Z",
                "expected a two-digit month at byte 6, found `-`",
            ),
            ("2015-13-30T12:36:00Z", "month 13 is out of range"),
            ("2015-00-30T12:36:00Z", "month 0 is out of range"),
            ("2015-02-29T12:36:00Z", "day 29 does not exist in 2015-02"),
            ("2015-04-31T12:36:00Z", "day 31 does not exist in 2015-04"),
            ("2015-08-00T12:36:00Z", "day 0 does not exist in 2015-08"),
            (
                "2015-08-30X12:36:00Z",
                "expected `T` between the date and the time at byte 10",
            ),
            (
                "2015-08-30",
                "expected `T` between the date and the time at byte 10",
            ),
            ("2015-08-30T24:00:00Z", "hour 24 is out of range"),
            ("2015-08-30T12:60:00Z", "minute 60 is out of range"),
            ("2015-08-30T12:36:61Z", "second 61 is out of range"),
            (
                "2015-08-30T12:36Z",
                "expected `:` after the minutes at byte 16, found `Z`",
            ),
            (
                "2015-08-30T12:36:00",
                "expected `Z` or a `+HH:MM`/`-HH:MM` offset at byte 19",
            ),
            (
                "2015-08-30T12:36:00.Z",
                "expected a digit after the decimal point at byte 20",
            ),
            (
                "2015-08-30T12:36:00,5Z",
                "expected `Z` or a `+HH:MM`/`-HH:MM` offset at byte 19",
            ),
            (
                "2015-08-30T12:36:00+0530",
                "expected `:` in the offset at byte 22, found `3`",
            ),
            (
                "2015-08-30T12:36:00+5:30",
                "expected two-digit offset hours at byte 21, found `:`",
            ),
            (
                "2015-08-30T12:36:00+24:00",
                "offset hour 24 is out of range",
            ),
            (
                "2015-08-30T12:36:00+05:60",
                "offset minute 60 is out of range",
            ),
            (
                "2015-08-30T12:36:00ZZ",
                "expected the end of the text at byte 20, found `Z`",
            ),
            (
                "2015-08-30T12:36:00Z ",
                "expected the end of the text at byte 20, found ` `",
            ),
            (
                " 2015-08-30T12:36:00Z",
                "expected a four-digit year at byte 0, found ` `",
            ),
            ("2015-08-30T12:36:00UTC", "at byte 19, found `U`"),
            (
                "2015-08-30T12:36:00Zé",
                "expected the end of the text at byte 20, found `é`",
            ),
            (
                "2015-08-30T23:59:60Z",
                "second 60 (a leap second) is only allowed",
            ),
            (
                "2016-12-31T23:59:60+05:30",
                "second 60 (a leap second) is only allowed",
            ),
            (
                "2016-12-31T23:58:60Z",
                "second 60 (a leap second) is only allowed",
            ),
        ] {
            let error = parse_rfc3339(text).expect_err(text).to_string();
            assert!(error.contains(message), "{text:?}: {error}");
        }
    }

    #[test]
    fn rfc3339_round_trips_across_the_whole_range() {
        // A stride that is prime and not a multiple of any calendar period walks through every
        // time of day, day of month and year shape.
        let mut secs = MIN_SECS;
        let mut count = 0;
        while secs <= MAX_SECS {
            let nanos = (secs.rem_euclid(1_000_000_000) as u32) / 10_u32.pow(count % 10);
            let text = format_rfc3339(secs, nanos).unwrap();
            assert_eq!(parse_rfc3339(&text), Ok((secs, nanos)), "{text}");
            let variant = text.replace('T', "t").replace('Z', "-00:00");
            assert_eq!(parse_rfc3339(&variant), Ok((secs, nanos)), "{variant}");
            secs += 3_155_693;
            count += 1;
        }
        assert!(count > 90_000, "{count}");
        // Near the epoch, where signs change, every second of two days.
        for secs in -DAY..DAY {
            let text = format_rfc3339(secs, 0).unwrap();
            assert_eq!(parse_rfc3339(&text), Ok((secs, 0)), "{text}");
        }
    }

    #[test]
    #[cfg(feature = "verify")]
    fn basic_form_matches_rfc3339() {
        assert_eq!(format_basic(SUITE).as_ref(), Some(b"20150830T123600Z"));
        assert_eq!(format_basic(MAX_SECS).as_ref(), Some(b"99991231T235959Z"));
        assert_eq!(format_basic(-1).as_ref(), Some(b"19691231T235959Z"));
        assert_eq!(format_basic(MAX_SECS + 1), None);
        assert_eq!(format_basic(MIN_SECS - 1), None);
        let mut secs = MIN_SECS;
        while secs <= MAX_SECS {
            let basic = format_basic(secs).unwrap();
            let basic = std::str::from_utf8(&basic).unwrap();
            let rfc = format_rfc3339(secs, 0).unwrap();
            assert_eq!(basic, rfc.replace(['-', ':'], ""), "{secs}");
            assert_eq!(parse_basic(basic), Ok(secs), "{basic}");
            secs += 98_765_431;
        }
        for text in [
            "",
            "2015-08-30T12:36:00Z",
            "20150830T123600",
            "20150830t123600Z",
            "20150830T123600z",
            "20150830 123600Z",
            "20150230T123600Z",
            "20190229T000000Z",
            "20150830T243600Z",
            "20150830T126000Z",
            "20150830T123660Z",
            "2015083OT123600Z",
            "+0150830T123600Z",
            "20150830T123600Z0",
        ] {
            assert!(parse_basic(text).is_err(), "{text:?}");
        }
        assert_eq!(
            parse_basic("20150830T12360Z").unwrap_err().to_string(),
            "expected two-digit seconds at byte 14, found `Z`"
        );
    }

    #[test]
    fn http_dates_stay_within_what_httpdate_can_hold() {
        assert_eq!(
            format_http_date(SUITE).as_deref(),
            Some("Sun, 30 Aug 2015 12:36:00 GMT")
        );
        assert_eq!(
            format_http_date(0).as_deref(),
            Some("Thu, 01 Jan 1970 00:00:00 GMT")
        );
        assert_eq!(
            format_http_date(MAX_SECS).as_deref(),
            Some("Fri, 31 Dec 9999 23:59:59 GMT")
        );
        assert_eq!(format_http_date(-1), None);
        assert_eq!(format_http_date(MAX_SECS + 1), None);
        assert_eq!(format_http_date(i64::MIN), None);

        assert_eq!(
            parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT"),
            Some(SUITE)
        );
        assert_eq!(
            parse_http_date("Sunday, 30-Aug-15 12:36:00 GMT"),
            Some(SUITE)
        );
        assert_eq!(parse_http_date("Sun Aug 30 12:36:00 2015"), Some(SUITE));
        assert_eq!(parse_http_date("Sun, 30 Aug 2015 12:36:00 UTC"), None);

        // Only signature verification reads the strict form.
        #[cfg(feature = "verify")]
        {
            assert_eq!(
                parse_imf_fixdate("Sun, 30 Aug 2015 12:36:00 GMT"),
                Some(SUITE)
            );
            for text in [
                "Sunday, 30-Aug-15 12:36:00 GMT",
                "Sun Aug 30 12:36:00 2015",
                " Sun, 30 Aug 2015 12:36:00 GMT",
                "Sun, 30 Aug 2015 12:36:00 UTC",
                "Sun, 30 Foo 2015 12:36:00 GMT",
                "Mon, 30 Aug 2015 12:36:00 GMT",
                "Thu, 31 Dec 1969 23:59:59 GMT",
            ] {
                assert_eq!(parse_imf_fixdate(text), None, "{text:?}");
            }
        }

        // `httpdate` computes its calendar on its own, so agreeing with it across the range
        // checks both.
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let mut secs = 0;
        while secs <= MAX_SECS {
            let c = Civil::from_secs(secs);
            let http = format_http_date(secs).unwrap();
            let expected = format!(
                "{:02} {} {:04} {:02}:{:02}:{:02} GMT",
                c.day,
                MONTHS[c.month as usize - 1],
                c.year,
                c.hour,
                c.minute,
                c.second
            );
            assert_eq!(&http[5..], expected, "{secs}");
            #[cfg(feature = "verify")]
            assert_eq!(parse_imf_fixdate(&http), Some(secs), "{http}");
            secs += 12_345_701;
        }
    }

    #[test]
    fn calendar_fields_of_any_i64_second_do_not_overflow() {
        for secs in [i64::MIN, i64::MIN + 1, -1, 0, MAX_SECS + 1, i64::MAX] {
            let c = Civil::from_secs(secs);
            assert!((1..=12).contains(&c.month), "{secs}: {c:?}");
            assert!((1..=31).contains(&c.day), "{secs}: {c:?}");
        }
        assert_eq!(Civil::from_secs(i64::MAX).year, 292_277_026_596);
    }

    #[test]
    fn years_outside_four_digits_are_refused_not_computed() {
        let civil = |year| Civil {
            year,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
        };
        assert_eq!(civil(0).to_secs(), Ok(MIN_SECS));
        assert_eq!(civil(9999).to_secs(), Ok(253_370_764_800));
        for year in [-1, 10_000, i64::MIN, i64::MAX] {
            let e = civil(year).to_secs().unwrap_err();
            assert_eq!(e, DateError::Year { year });
            assert_eq!(
                e.to_string(),
                format!("year {year} is outside 0000 through 9999")
            );
        }
    }
}
