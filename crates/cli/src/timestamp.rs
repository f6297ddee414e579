//! Timestamps as the CLI reads and prints them.
//!
//! Input: ISO 8601 (with or without a zone; UTC when absent) or epoch seconds, as botocore's
//! parser accepts them. Output: AWS CLI v2's default `cli_timestamp_format = iso8601`, which
//! is Python's `datetime.isoformat()` of a UTC time: `2026-01-01T12:00:00+00:00`, with
//! `.ffffff` microseconds only when they are not zero.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses a timestamp the way botocore accepts it on input.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, f) {
            return Some(Utc.from_utc_datetime(&n));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|n| Utc.from_utc_datetime(&n));
    }
    epoch(t.parse::<f64>().ok()?)
}

/// A time from epoch seconds (the JSON protocols' form).
pub fn epoch(secs: f64) -> Option<DateTime<Utc>> {
    if !secs.is_finite() || secs.abs() > 1e12 {
        return None;
    }
    let whole = secs.floor();
    let micros = ((secs - whole) * 1e6).round() as u32;
    Utc.timestamp_opt(whole as i64, micros * 1000).single()
}

/// How the CLI prints a time.
pub fn format(t: &DateTime<Utc>) -> String {
    let micros = t.timestamp_subsec_micros();
    if micros == 0 {
        t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
    } else {
        format!("{}.{micros:06}+00:00", t.format("%Y-%m-%dT%H:%M:%S"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_as_the_cli_prints() {
        assert_eq!(format(&parse("2026-01-01T00:00:00Z").unwrap()), "2026-01-01T00:00:00+00:00");
        assert_eq!(format(&parse("2026-01-01T02:00:00+02:00").unwrap()), "2026-01-01T00:00:00+00:00");
        assert_eq!(format(&parse("1767225600.5").unwrap()), "2026-01-01T00:00:00.500000+00:00");
        assert_eq!(format(&parse("2026-01-01").unwrap()), "2026-01-01T00:00:00+00:00");
        assert!(parse("yesterday").is_none());
        assert!(parse("1e300").is_none());
    }
}
