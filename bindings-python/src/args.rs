//! Argument conversions shared by every wrapper: bytes-or-str input, dates,
//! times, names. Conversions only: parsing of names is core's `FromStr`, of
//! typed times the host's.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDate, PyDateAccess, PyDateTime, PyString};
use signet_core::time::{Date, UnixTime};

use crate::errors::err;

/// `bytes`, `bytearray` or `str` (UTF-8 encoded) as bytes.
pub(crate) fn bytes_or_str(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    Err(PyTypeError::new_err(format!(
        "expected bytes or str, not {}",
        obj.get_type().name()?
    )))
}

/// A `datetime.date` (a `datetime` counts as its date) or an ISO
/// `YYYY-MM-DD` string.
pub(crate) fn date(obj: &Bound<'_, PyAny>) -> PyResult<Date> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Date::parse_iso(&s.to_cow()?).map_err(err);
    }
    if let Ok(d) = obj.cast::<PyDate>() {
        let year = u16::try_from(d.get_year()).map_err(|_| err(signet_core::time::DateError::OutOfRange))?;
        return Date::from_ymd(year, d.get_month(), d.get_day()).map_err(err);
    }
    Err(PyTypeError::new_err(format!(
        "expected datetime.date or str, not {}",
        obj.get_type().name()?
    )))
}

/// An optional date; `None` means today (UTC), read from Python's clock:
/// the core has no clock, the caller supplies "now".
pub(crate) fn date_or_today(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Date> {
    match obj {
        Some(o) if !o.is_none() => date(o),
        _ => {
            let dt = py.import("datetime")?;
            let utc = dt.getattr("timezone")?.getattr("utc")?;
            let today = dt
                .getattr("datetime")?
                .call_method1("now", (utc,))?
                .call_method0("date")?;
            date(&today)
        }
    }
}

/// A time: an `int` (UNIX seconds) or a timezone-aware `datetime.datetime`.
pub(crate) fn unix_time(obj: &Bound<'_, PyAny>) -> PyResult<UnixTime> {
    if let Ok(dt) = obj.cast::<PyDateTime>() {
        if dt.getattr("tzinfo")?.is_none() {
            return Err(PyTypeError::new_err(
                "a naive datetime is ambiguous: pass a timezone-aware datetime or UNIX seconds",
            ));
        }
        let secs: f64 = dt.call_method0("timestamp")?.extract()?;
        // Whole seconds, rounded down (X.509 and the counters count seconds).
        let secs = secs.floor();
        if !(-9.0e15..=9.0e15).contains(&secs) {
            return Err(PyTypeError::new_err("datetime out of range"));
        }
        #[allow(clippy::cast_possible_truncation)] // range-checked just above
        return Ok(UnixTime(secs as i64));
    }
    if obj.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err("expected int or datetime, not bool"));
    }
    Ok(UnixTime(obj.extract::<i64>()?))
}

/// An optional time; `None` means now, from Python's clock.
pub(crate) fn unix_time_or_now(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<UnixTime> {
    match obj {
        Some(o) if !o.is_none() => unix_time(o),
        _ => {
            let secs: f64 = py.import("time")?.call_method0("time")?.extract()?;
            unix_time(&secs.floor().into_pyobject(py)?.call_method0("__int__")?)
        }
    }
}

/// A name parsed with core's `FromStr`, its error mapped in `errors`.
pub(crate) fn parse<T>(s: &str) -> PyResult<T>
where
    T: std::str::FromStr,
    T::Err: signet_core::ErrorCode + core::fmt::Display,
{
    s.parse::<T>().map_err(err)
}

/// A time for the state API: `int` UNIX seconds, an RFC 3339 `str` (parsed
/// by the host, as the CLI's `--now`), or a timezone-aware `datetime`.
pub(crate) fn time(obj: &Bound<'_, PyAny>) -> PyResult<UnixTime> {
    if let Ok(s) = obj.cast::<PyString>() {
        return signet_host::clock::parse_time(&s.to_cow()?).map_err(crate::errors::host);
    }
    unix_time(obj)
}

/// An optional [`time`].
pub(crate) fn opt_time(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<UnixTime>> {
    obj.filter(|o| !o.is_none()).map(time).transpose()
}
