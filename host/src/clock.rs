//! Where "now" comes from, and the times users type.
//!
//! The core never reads a clock; the host does, once per operation. A
//! development state may fix the clock (tests, `--now`); a production state
//! uses the system clock only.

use signet_core::time::{Date, SECONDS_PER_DAY, UnixTime};

use crate::error::{Error, Result};

/// The clock of a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock (UTC seconds).
    #[default]
    System,
    /// A fixed time, for tests and development states.
    Fixed(UnixTime),
}

impl Clock {
    /// The time now.
    pub fn now(&self) -> UnixTime {
        match self {
            Clock::Fixed(t) => *t,
            Clock::System => {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                    .unwrap_or(0);
                UnixTime(secs)
            }
        }
    }
}

fn invalid(s: &str) -> Error {
    Error::failed(
        "time_invalid",
        format!("invalid time {s:?}: expected RFC 3339 (2026-03-01T12:00:00Z) or UNIX seconds"),
    )
}

/// Parses a time: UNIX seconds, or RFC 3339 (`2026-03-01T12:00:00Z`,
/// `2026-03-01T12:00:00.5+02:00`; fractions are dropped).
///
/// # Errors
/// `time_invalid`.
pub fn parse_time(s: &str) -> Result<UnixTime> {
    let bad = || invalid(s);
    if !s.is_empty()
        && s.bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
    {
        return s.parse::<i64>().map(UnixTime).map_err(|_| bad());
    }
    let (date, rest) = s.split_at_checked(10).ok_or_else(bad)?;
    let date = Date::parse_iso(date).map_err(|_| bad())?;
    let rest = rest.strip_prefix(['T', 't', ' ']).ok_or_else(bad)?;
    let (hms, offset) = if let Some(r) = rest.strip_suffix(['Z', 'z']) {
        (r, 0i64)
    } else {
        let pos = rest.rfind(['+', '-']).ok_or_else(bad)?;
        let (hms, off) = rest.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off.get(1..).and_then(|o| o.split_once(':')).ok_or_else(bad)?;
        if oh.len() != 2 || om.len() != 2 {
            return Err(bad());
        }
        let (oh, om): (i64, i64) = (oh.parse().map_err(|_| bad())?, om.parse().map_err(|_| bad())?);
        if oh > 23 || om >= 60 {
            return Err(bad());
        }
        (hms, sign * (oh * 3600 + om * 60))
    };
    let (hms, fraction) = hms.split_once('.').unwrap_or((hms, "0"));
    if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let mut parts = hms.split(':');
    let mut field = |max: i64| -> Result<i64> {
        let v = parts.next().ok_or_else(bad)?;
        if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        v.parse::<i64>().ok().filter(|n| *n <= max).ok_or_else(bad)
    };
    let secs = field(23)? * 3600 + field(59)? * 60 + field(60)?;
    if parts.next().is_some() {
        return Err(bad());
    }
    Ok(UnixTime(date.start().as_secs() + secs - offset))
}

/// Parses `--at`: a date (`YYYY-MM-DD`, the start of that day in UTC) or a
/// time as [`parse_time`] reads it.
///
/// # Errors
/// `time_invalid`.
pub fn parse_date_or_time(s: &str) -> Result<UnixTime> {
    if s.len() == 10 {
        return Date::parse_iso(s).map(Date::start).map_err(|_| invalid(s));
    }
    parse_time(s)
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the RFC 3339 form every surface prints.
pub fn format_rfc3339(t: UnixTime) -> String {
    let secs = t.as_secs().rem_euclid(SECONDS_PER_DAY);
    match t.date() {
        Ok(d) => format!("{d}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60),
        Err(_) => format!("@{}", t.as_secs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_and_unix_seconds() {
        assert_eq!(parse_time("0").unwrap(), UnixTime(0));
        assert_eq!(parse_time("1772323200").unwrap(), UnixTime(1_772_323_200));
        assert_eq!(
            parse_time("2026-03-01T00:00:00Z").unwrap(),
            UnixTime(1_772_323_200)
        );
        assert_eq!(
            parse_time("2026-03-01T02:00:00+02:00").unwrap(),
            UnixTime(1_772_323_200)
        );
        assert_eq!(
            parse_time("2026-02-28T23:30:00.25-00:30").unwrap(),
            UnixTime(1_772_323_200)
        );
        for bad in [
            "",
            "2026-03-01",
            "2026-03-01T25:00:00Z",
            "2026-03-01T1:00:00Z",
            "2026-03-01T10:00:00+2:00",
            "2026-03-01T10:00:00.Z",
            "2026-03-01T10:00:00:00Z",
            "x",
            "+5",
        ] {
            assert_eq!(parse_time(bad).unwrap_err().code(), "time_invalid", "{bad}");
        }
        assert_eq!(format_rfc3339(UnixTime(1_772_323_201)), "2026-03-01T00:00:01Z");
    }

    #[test]
    fn at_takes_dates_and_times() {
        assert_eq!(parse_date_or_time("2026-03-01").unwrap(), UnixTime(1_772_323_200));
        assert_eq!(
            parse_date_or_time("2026-03-01T00:00:05Z").unwrap(),
            UnixTime(1_772_323_205)
        );
        assert!(Clock::System.now().as_secs() > 1_700_000_000);
        assert_eq!(Clock::Fixed(UnixTime(5)).now(), UnixTime(5));
    }
}
