//! The `TIMESTAMP` the client signs, in Cognito's form: `Sun Dec 6 08:44:24 UTC 2026`, English
//! day and month names, the day of the month without a leading zero, the time with them.
//! Cognito refuses `Sun Dec 06 ...`. Written and read here without a date library.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::Error;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const SECONDS_PER_DAY: u64 = 86_400;

/// A `TIMESTAMP` in Cognito's form, UTC, to the second. Between 1970 and 9999.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: String,
    unix_seconds: u64,
}

impl Timestamp {
    /// The current time.
    pub fn now() -> Timestamp {
        Timestamp::from_system_time(SystemTime::now())
    }

    /// The given time, truncated to the second (times before 1970 read as 1970, after 9999 as
    /// the end of 9999).
    pub fn from_system_time(time: SystemTime) -> Timestamp {
        let seconds = time
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Timestamp::from_unix_seconds(seconds)
    }

    /// The time this many seconds after 1970-01-01 00:00:00 UTC (at most the end of 9999).
    pub fn from_unix_seconds(seconds: u64) -> Timestamp {
        // 9999-12-31 23:59:59 UTC.
        const LAST: u64 = 253_402_300_799;
        let unix_seconds = seconds.min(LAST);
        let days = unix_seconds / SECONDS_PER_DAY;
        let of_day = unix_seconds % SECONDS_PER_DAY;
        let (year, month, day) = civil_from_days(days);
        let weekday = WEEKDAYS.get(weekday_of(days)).copied().unwrap_or_default();
        let month_name = usize::try_from(month.saturating_sub(1))
            .ok()
            .and_then(|i| MONTHS.get(i))
            .copied()
            .unwrap_or_default();
        let text = format!(
            "{weekday} {month_name} {day} {:02}:{:02}:{:02} UTC {year}",
            of_day / 3600,
            of_day / 60 % 60,
            of_day % 60
        );
        Timestamp { text, unix_seconds }
    }

    /// Reads a timestamp in Cognito's form, exactly: single spaces, the day of the month
    /// without a leading zero, two-digit hours, minutes and seconds, `UTC`, a four-digit
    /// year, and the day of the week that date has.
    pub fn parse(text: &str) -> Result<Timestamp, Error> {
        let wrong = |reason| Error::MalformedTimestamp {
            text: text.chars().take(64).collect(),
            reason,
        };
        // The longest is `Wed Sep 30 23:59:59 UTC 9999`, 28 characters.
        if text.len() > 28 {
            return Err(wrong("it is longer than any timestamp"));
        }
        let fields: Vec<&str> = text.split(' ').collect();
        let [weekday, month, day, time, zone, year] = fields.as_slice() else {
            return Err(wrong("it needs six fields separated by single spaces"));
        };
        let weekday = WEEKDAYS
            .iter()
            .position(|w| w == weekday)
            .ok_or_else(|| wrong("the day of the week is not Sun, Mon, ... Sat"))?;
        let month = MONTHS
            .iter()
            .position(|m| m == month)
            .ok_or_else(|| wrong("the month is not Jan, Feb, ... Dec"))?;
        let month = u64::try_from(month).unwrap_or(0).saturating_add(1);
        if day.starts_with('0') {
            return Err(wrong("the day of the month has a leading zero"));
        }
        let day = digits(day, 1..=2).ok_or_else(|| wrong("the day of the month is not 1 to 31"))?;
        let clock: Vec<&str> = time.split(':').collect();
        let [hours, minutes, seconds] = clock.as_slice() else {
            return Err(wrong("the time is not HH:MM:SS"));
        };
        let (Some(hours), Some(minutes), Some(seconds)) = (
            digits(hours, 2..=2),
            digits(minutes, 2..=2),
            digits(seconds, 2..=2),
        ) else {
            return Err(wrong("the time is not HH:MM:SS"));
        };
        if hours > 23 || minutes > 59 || seconds > 59 {
            return Err(wrong("the time is out of range"));
        }
        if *zone != "UTC" {
            return Err(wrong("the zone is not UTC"));
        }
        let year = digits(year, 4..=4).ok_or_else(|| wrong("the year is not four digits"))?;
        if year < 1970 {
            return Err(wrong("the year is before 1970"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(wrong("that month has no such day"));
        }
        let days = days_from_civil(year, month, day);
        if weekday_of(days) != weekday {
            return Err(wrong("the day of the week is not that date's"));
        }
        let unix_seconds = seconds_since_epoch(days, hours, minutes, seconds);
        Ok(Timestamp {
            text: text.to_owned(),
            unix_seconds,
        })
    }

    /// The timestamp as sent and signed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Seconds since 1970-01-01 00:00:00 UTC.
    pub fn unix_seconds(&self) -> u64 {
        self.unix_seconds
    }

    /// The time as a [`SystemTime`], for checking how far it is from the server's clock.
    pub fn to_system_time(&self) -> SystemTime {
        // At most the end of 9999, far within what `SystemTime` holds.
        UNIX_EPOCH
            .checked_add(Duration::from_secs(self.unix_seconds))
            .unwrap_or(UNIX_EPOCH)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.text)
    }
}

/// A decimal field of so many ASCII digits.
fn digits(field: &str, len: std::ops::RangeInclusive<usize>) -> Option<u64> {
    if !len.contains(&field.len()) || !field.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    field.parse().ok()
}

fn is_leap(year: u64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The day of the week (0 for Sunday) of the day this many days after 1970-01-01, a Thursday.
fn weekday_of(days: u64) -> usize {
    usize::try_from(days.saturating_add(4) % 7).unwrap_or(0)
}

// Days are at most those to the end of 9999 and the clock fields are range-checked, so the
// sum stays far below `u64::MAX`.
#[allow(clippy::arithmetic_side_effects)]
fn seconds_since_epoch(days: u64, hours: u64, minutes: u64, seconds: u64) -> u64 {
    days * SECONDS_PER_DAY + hours * 3600 + minutes * 60 + seconds
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// The two conversions below count days from 1970 in the proleptic Gregorian calendar with
// years that start on March 1, so February's leap day ends a year. The years are at least
// 1970 and at most 9999, so nothing here can overflow or go below zero.
#[allow(clippy::arithmetic_side_effects)]
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let year_of_era = year % 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719468 days from 0000-03-01 to 1970-01-01.
    era * 146_097 + day_of_era - 719_468
}

#[allow(clippy::arithmetic_side_effects)]
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let days = days + 719_468;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_cognito() {
        // 2026-12-06 08:44:24 UTC.
        let t = Timestamp::from_unix_seconds(1_796_546_664);
        assert_eq!(t.as_str(), "Sun Dec 6 08:44:24 UTC 2026");
        assert_eq!(
            Timestamp::from_unix_seconds(0).as_str(),
            "Thu Jan 1 00:00:00 UTC 1970"
        );
        // A leap day and a two-digit day.
        assert_eq!(
            Timestamp::from_unix_seconds(1_709_251_199).as_str(),
            "Thu Feb 29 23:59:59 UTC 2024"
        );
        assert_eq!(
            Timestamp::from_unix_seconds(u64::MAX).as_str(),
            "Fri Dec 31 23:59:59 UTC 9999"
        );
    }

    #[test]
    fn parses_what_it_formats_over_the_years() {
        let mut seconds = 0u64;
        while seconds < 253_402_300_799 {
            let t = Timestamp::from_unix_seconds(seconds);
            let back = Timestamp::parse(t.as_str()).unwrap();
            assert_eq!(back.unix_seconds(), seconds, "{}", t.as_str());
            seconds += 7_777_777;
        }
    }

    #[test]
    fn refuses_other_forms() {
        for bad in [
            "Sun Dec 06 08:44:24 UTC 2026",
            "Mon Dec 6 08:44:24 UTC 2026",
            "Sun Dec  6 08:44:24 UTC 2026",
            "Sun Dec 6 8:44:24 UTC 2026",
            "Sun Dec 6 08:44:24 GMT 2026",
            "Sun Dec 6 24:00:00 UTC 2026",
            "Sun Dec 6 08:44:24 UTC 26",
            "Tue Feb 29 08:44:24 UTC 2026",
            "Sun Dec 6 08:44:24 UTC 2026 ",
            "",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad:?}");
        }
    }
}
