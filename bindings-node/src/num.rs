//! JS numbers → Rust integers, range-checked before conversion.
//!
//! Every numeric argument arrives as an `f64` (a JS number) and goes through
//! [`whole`]: NaN, ±Infinity, fractions and values outside the target type's
//! range are `invalid_number`, never truncated, wrapped or saturated (napi's
//! own `u32`/`i64` conversions turn NaN into 0 and -1 into 4294967295).

use napi::bindgen_prelude::Either;
use signet_core::time::UnixTime;

use crate::error::{Failure, Res};

/// 2^53 - 1: the largest integer every JS number up to it represents exactly.
pub const MAX_SAFE: i64 = 9_007_199_254_740_991;

fn shown(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        format!("{v}")
    }
}

/// `v` if it is a whole number in `min..=max` (both within ±2^53, where the
/// comparison is exact).
fn whole(name: &str, v: f64, min: i64, max: i64) -> Res<f64> {
    // Exact: |min|, |max| <= 2^53.
    #[allow(clippy::cast_precision_loss)]
    let (lo, hi) = (min as f64, max as f64);
    if v.is_finite() && v.fract() == 0.0 && v >= lo && v <= hi {
        Ok(v)
    } else {
        Err(Failure::new(
            "invalid_number",
            format!(
                "{name} must be a whole number from {min} to {max}, got {}",
                shown(v)
            ),
        ))
    }
}

/// A count or id: 0 ..= 2^53-1.
pub fn u64_arg(name: &str, v: f64) -> Res<u64> {
    // Checked: a whole number in 0..=2^53-1.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    whole(name, v, 0, MAX_SAFE).map(|v| v as u64)
}

/// 0 ..= 4294967295.
pub fn u32_arg(name: &str, v: f64) -> Res<u32> {
    // Checked: a whole number in 0..=u32::MAX.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    whole(name, v, 0, i64::from(u32::MAX)).map(|v| v as u32)
}

/// 0 ..= 255.
pub fn u8_arg(name: &str, v: f64) -> Res<u8> {
    // Checked: a whole number in 0..=255.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    whole(name, v, 0, i64::from(u8::MAX)).map(|v| v as u8)
}

/// Seconds since the epoch: -(2^53-1) ..= 2^53-1.
pub fn secs_arg(name: &str, v: f64) -> Res<i64> {
    // Checked: a whole number within ±(2^53-1).
    #[allow(clippy::cast_possible_truncation)]
    whole(name, v, -MAX_SAFE, MAX_SAFE).map(|v| v as i64)
}

/// A time: whole seconds since the epoch, or text the host reads (RFC 3339
/// or UNIX seconds; `time_invalid` otherwise). `index.js` turns a `Date`
/// into seconds.
pub fn time_arg(name: &str, v: Either<f64, String>) -> Res<UnixTime> {
    match v {
        Either::A(secs) => secs_arg(name, secs).map(UnixTime),
        Either::B(text) => Ok(signet_host::clock::parse_time(&text)?),
    }
}

/// An optional argument through `convert`.
pub fn opt<T, U>(v: Option<T>, convert: impl FnOnce(T) -> Res<U>) -> Res<Option<U>> {
    v.map(convert).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_in_range_only() {
        assert_eq!(u64_arg("n", 0.0), Ok(0));
        assert_eq!(u64_arg("n", -0.0), Ok(0));
        assert_eq!(u64_arg("n", 9_007_199_254_740_991.0), Ok(9_007_199_254_740_991));
        assert_eq!(u32_arg("n", 4_294_967_295.0), Ok(u32::MAX));
        assert_eq!(u8_arg("n", 255.0), Ok(255));
        assert_eq!(secs_arg("t", -86_400.0), Ok(-86_400));
        let bad = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 0.5, 1e300];
        for v in bad {
            for e in [u64_arg("n", v).err(), u32_arg("n", v).err(), u8_arg("n", v).err()] {
                let e = e.unwrap_or_else(|| panic!("{v} accepted"));
                assert_eq!(e.code, "invalid_number", "{v}");
            }
        }
        assert_eq!(
            u64_arg("n", 9_007_199_254_740_992.0).unwrap_err().code,
            "invalid_number"
        );
        assert_eq!(u32_arg("n", 4_294_967_296.0).unwrap_err().code, "invalid_number");
        assert_eq!(u8_arg("n", 256.0).unwrap_err().code, "invalid_number");
        for v in [f64::NAN, f64::INFINITY, 0.5, 9_007_199_254_740_992.0] {
            assert_eq!(secs_arg("t", v).unwrap_err().code, "invalid_number", "{v}");
        }
        let e = u32_arg("maxSignings", -1.0).unwrap_err();
        assert_eq!(
            e.message,
            "maxSignings must be a whole number from 0 to 4294967295, got -1"
        );
        assert!(u64_arg("n", f64::NAN).unwrap_err().message.ends_with("got NaN"));
    }

    #[test]
    fn times_are_seconds_or_host_text() {
        assert_eq!(time_arg("now", Either::A(5.0)), Ok(UnixTime(5)));
        assert_eq!(
            time_arg("now", Either::B("2026-03-01T00:00:00Z".into())),
            Ok(UnixTime(1_772_323_200))
        );
        assert_eq!(
            time_arg("now", Either::B("soon".into())).unwrap_err().code,
            "time_invalid"
        );
        assert_eq!(
            time_arg("now", Either::A(f64::NAN)).unwrap_err().code,
            "invalid_number"
        );
    }
}
