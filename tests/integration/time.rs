use signet_core::time::{Date, UnixTime};

#[test]
fn dates_cross_the_public_api() {
    let d = Date::parse_iso("2026-03-01").unwrap();
    assert_eq!(d.start(), UnixTime(1_772_323_200));
    assert_eq!(d.to_string(), "2026-03-01");
}
