//! Calendar dates and instants, as plain values.
//!
//! The core never reads a clock: every rule that depends on time takes a
//! [`Date`] (for ordering rules, which the CA evaluates per day) or a
//! [`UnixTime`] (for signing-time rules) from the caller.
//!
//! Dates are proleptic Gregorian, in UTC, years 1 to 9999. Day arithmetic uses
//! the days-from-civil algorithm of Howard Hinnant (public domain), written out
//! here because it is twenty lines and pulling a date crate into a `no_std`
//! core would add far more code than it saves.

use core::fmt;

/// Seconds in one day.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar date (UTC), always valid once constructed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order makes the derived `Ord` chronological.
    year: u16,
    month: u8,
    day: u8,
}

/// Why a date could not be built or parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateError {
    /// The text is not in the expected format.
    Format,
    /// Year, month or day out of range (e.g. 2025-02-30).
    OutOfRange,
}

impl crate::ErrorCode for DateError {
    fn code(&self) -> &'static str {
        match self {
            DateError::Format => "date_format",
            DateError::OutOfRange => "date_out_of_range",
        }
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Format => f.write_str("date is not in the expected format"),
            DateError::OutOfRange => f.write_str("date does not exist in the calendar"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DateError {}

const MONTH_ABBREVIATIONS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn parse_digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Date {
    /// The earliest representable date, 0001-01-01.
    pub const MIN_SUPPORTED: Date = Date {
        year: 1,
        month: 1,
        day: 1,
    };

    /// Builds a date, checking that it exists.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] for a year outside 1-9999 or a day that the
    /// month does not have.
    pub const fn from_ymd(year: u16, month: u8, day: u8) -> Result<Self, DateError> {
        if year == 0 || year > 9999 || month == 0 || month > 12 || day == 0 {
            return Err(DateError::OutOfRange);
        }
        let dim = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            _ => {
                if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) {
                    29
                } else {
                    28
                }
            }
        };
        if day > dim {
            return Err(DateError::OutOfRange);
        }
        Ok(Date { year, month, day })
    }

    /// The year (1-9999).
    pub const fn year(self) -> u16 {
        self.year
    }

    /// The month (1-12).
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The day of the month (1-31).
    pub const fn day(self) -> u8 {
        self.day
    }

    /// Parses `YYYY-MM-DD` (ISO 8601 calendar date, the CLI's `--at` format and
    /// the deprecated root `custom_expiration_date` format).
    ///
    /// # Errors
    /// [`DateError::Format`] when the shape is wrong, [`DateError::OutOfRange`]
    /// when the date does not exist.
    pub fn parse_iso(s: &str) -> Result<Self, DateError> {
        let mut parts = s.split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(DateError::Format);
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(DateError::Format);
        }
        let (Some(y), Some(m), Some(d)) = (parse_digits(y), parse_digits(m), parse_digits(d)) else {
            return Err(DateError::Format);
        };
        let (Ok(y), Ok(m), Ok(d)) = (u16::try_from(y), u8::try_from(m), u8::try_from(d)) else {
            return Err(DateError::OutOfRange);
        };
        Self::from_ymd(y, m, d)
    }

    /// Parses `dd MMM YYYY` with an English month abbreviation, e.g.
    /// `09 JUN 2025` (the `order_validity.custom_expiration_date` format). The
    /// month is matched case-insensitively.
    ///
    /// # Errors
    /// [`DateError::Format`] when the shape is wrong, [`DateError::OutOfRange`]
    /// when the date does not exist.
    pub fn parse_dd_mmm_yyyy(s: &str) -> Result<Self, DateError> {
        let mut parts = s.split(' ');
        let (Some(d), Some(m), Some(y), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(DateError::Format);
        };
        if d.len() != 2 || m.len() != 3 || y.len() != 4 {
            return Err(DateError::Format);
        }
        let month = MONTH_ABBREVIATIONS
            .iter()
            .position(|abbr| abbr.eq_ignore_ascii_case(m))
            .ok_or(DateError::Format)?;
        let (Some(y), Some(d)) = (parse_digits(y), parse_digits(d)) else {
            return Err(DateError::Format);
        };
        let (Ok(y), Ok(d), Ok(m)) = (u16::try_from(y), u8::try_from(d), u8::try_from(month + 1)) else {
            return Err(DateError::OutOfRange);
        };
        Self::from_ymd(y, m, d)
    }

    /// Days since 1970-01-01 (negative before it).
    pub const fn days_since_epoch(self) -> i64 {
        let y = self.year as i64 - if self.month <= 2 { 1 } else { 0 };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] outside years 1-9999.
    pub fn from_days_since_epoch(days: i64) -> Result<Self, DateError> {
        // Bounds keep every intermediate small: 0001-01-01 and 9999-12-31.
        if !(-719_162..=2_932_896).contains(&days) {
            return Err(DateError::OutOfRange);
        }
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
        let (Ok(y), Ok(m), Ok(d)) = (u16::try_from(y), u8::try_from(m), u8::try_from(d)) else {
            return Err(DateError::OutOfRange);
        };
        Self::from_ymd(y, m, d)
    }

    /// The date `days` later (or earlier, for a negative count).
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] when the result leaves years 1-9999.
    pub fn add_days(self, days: i64) -> Result<Self, DateError> {
        let target = self
            .days_since_epoch()
            .checked_add(days)
            .ok_or(DateError::OutOfRange)?;
        Self::from_days_since_epoch(target)
    }

    /// The same day `years` later; 29 February becomes 28 February in a
    /// common year.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] past year 9999.
    pub fn add_years(self, years: u16) -> Result<Self, DateError> {
        let year = self.year.checked_add(years).ok_or(DateError::OutOfRange)?;
        let day = self.day.min(days_in_month(year, self.month));
        Self::from_ymd(year, self.month, day)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub const fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }

    /// Midnight UTC at the start of this date.
    pub const fn start(self) -> UnixTime {
        UnixTime(self.days_since_epoch() * SECONDS_PER_DAY)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An instant, in whole seconds since 1970-01-01T00:00:00Z (leap seconds
/// ignored, as in X.509 and POSIX).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixTime(pub i64);

impl UnixTime {
    /// Seconds since the epoch.
    pub const fn as_secs(self) -> i64 {
        self.0
    }

    /// The UTC calendar date this instant falls on.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] outside years 1-9999.
    pub fn date(self) -> Result<Date, DateError> {
        Date::from_days_since_epoch(self.0.div_euclid(SECONDS_PER_DAY))
    }

    /// `self + secs`, saturating at the ends of the range.
    pub const fn saturating_add(self, secs: i64) -> UnixTime {
        UnixTime(self.0.saturating_add(secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_round_trip_over_four_centuries() {
        let start = Date::from_ymd(1900, 1, 1).unwrap();
        let mut d = start;
        for i in 0..146_097 {
            assert_eq!(d.days_since_epoch(), start.days_since_epoch() + i);
            assert_eq!(Date::from_days_since_epoch(d.days_since_epoch()).unwrap(), d);
            d = d.add_days(1).unwrap();
        }
        assert_eq!(Date::from_ymd(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::from_ymd(2026, 3, 1).unwrap().days_since_epoch(), 20_513);
    }

    #[test]
    fn parses_both_formats() {
        assert_eq!(
            Date::parse_iso("2025-06-09").unwrap(),
            Date::from_ymd(2025, 6, 9).unwrap()
        );
        assert_eq!(
            Date::parse_dd_mmm_yyyy("09 JUN 2025").unwrap(),
            Date::from_ymd(2025, 6, 9).unwrap()
        );
        assert_eq!(
            Date::parse_dd_mmm_yyyy("09 jun 2025").unwrap(),
            Date::from_ymd(2025, 6, 9).unwrap()
        );
        assert_eq!(Date::parse_iso("2025-02-29"), Err(DateError::OutOfRange));
        assert_eq!(Date::parse_iso("2024-02-29").unwrap().day(), 29);
        for bad in [
            "2025-6-09",
            "+025-06-09",
            "2025-06-09 ",
            "",
            "2025/06/09",
            "2025-06-0x",
        ] {
            assert_eq!(Date::parse_iso(bad), Err(DateError::Format), "{bad}");
        }
        for bad in ["9 JUN 2025", "09 JUNE 2025", "09-JUN-2025", "09 JUN 25"] {
            assert_eq!(Date::parse_dd_mmm_yyyy(bad), Err(DateError::Format), "{bad}");
        }
        assert_eq!(Date::parse_dd_mmm_yyyy("31 APR 2025"), Err(DateError::OutOfRange));
    }

    #[test]
    fn year_arithmetic_clamps_leap_day() {
        let leap = Date::from_ymd(2024, 2, 29).unwrap();
        assert_eq!(leap.add_years(1).unwrap(), Date::from_ymd(2025, 2, 28).unwrap());
        assert_eq!(leap.add_years(4).unwrap(), leap.add_years(4).unwrap());
        assert_eq!(
            Date::from_ymd(9999, 1, 1).unwrap().add_years(1),
            Err(DateError::OutOfRange)
        );
    }

    #[test]
    fn unix_time_to_date() {
        assert_eq!(UnixTime(0).date().unwrap(), Date::from_ymd(1970, 1, 1).unwrap());
        assert_eq!(
            UnixTime(-1).date().unwrap(),
            Date::from_ymd(1969, 12, 31).unwrap()
        );
        let d = Date::from_ymd(2021, 6, 1).unwrap();
        assert_eq!(d.start().date().unwrap(), d);
        assert_eq!(UnixTime(i64::MAX).date(), Err(DateError::OutOfRange));
    }
}
