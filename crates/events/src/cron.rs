//! AWS schedule expressions: `cron(min hour day-of-month month day-of-week year)` and
//! `rate(N unit)`, as Glue triggers, crawlers and EventBridge use them (UTC).

use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc};

use crate::{Error, Result};

/// A parsed schedule expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// `cron(...)`: sets of allowed values per field.
    Cron(Box<CronFields>),
    /// `rate(...)`: every this long, from an anchor time.
    Rate(Duration),
}

/// The six fields of a cron expression as sets of allowed values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronFields {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    days_of_month: Option<Vec<bool>>,
    months: Vec<bool>,
    days_of_week: Option<Vec<bool>>,
    years: Option<Vec<bool>>,
}

/// The longest `rate(...)` Puddle accepts: 100 years (36,500 days). Lake time itself is never
/// more than a century ahead, so a longer rate could never fire.
pub const MAX_RATE_MINUTES: i64 = 36_500 * 1440;

/// At most this many steps of the cron walk per [`Schedule::fire_times`] call: any stored
/// expression and any time span give an answer in bounded time.
const MAX_CRON_STEPS: usize = 1_000_000;

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl Schedule {
    /// Parses `cron(15 12 * * ? *)` or `rate(5 minutes)`.
    pub fn parse(expression: &str) -> Result<Self> {
        let expr = expression.trim();
        let bad =
            |reason: &str| Error::InvalidSchedule { expression: expression.to_string(), reason: reason.to_string() };
        if let Some(body) = expr.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
            let mut parts = body.split_whitespace();
            let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(bad("expected rate(<value> <unit>)"));
            };
            let n: i64 =
                n.parse().ok().filter(|n| *n > 0).ok_or_else(|| bad("the value must be a positive whole number"))?;
            let one = if n == 1 { ["minute", "hour", "day"] } else { ["minutes", "hours", "days"] };
            let minutes_per = match unit {
                u if u == one[0] => 1,
                u if u == one[1] => 60,
                u if u == one[2] => 1440,
                _ => return Err(bad(&format!("the unit must be {} (singular only for 1)", one.join(", ")))),
            };
            let step = n
                .checked_mul(minutes_per)
                .filter(|m| *m <= MAX_RATE_MINUTES)
                .and_then(Duration::try_minutes)
                .ok_or_else(|| bad(&format!("a rate can be at most {} days", MAX_RATE_MINUTES / 1440)))?;
            return Ok(Schedule::Rate(step));
        }
        let body = expr.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')).ok_or_else(|| {
            bad("expected cron(minutes hours day-of-month month day-of-week year) or rate(value unit)")
        })?;
        let fields: Vec<&str> = body.split_whitespace().collect();
        if fields.len() != 6 {
            return Err(bad(&format!(
                "cron needs 6 fields (minutes hours day-of-month month day-of-week year), got {}",
                fields.len()
            )));
        }
        let (dom, dow) = (fields[2], fields[4]);
        if (dom == "?") == (dow == "?") {
            return Err(bad("exactly one of day-of-month and day-of-week must be '?'"));
        }
        let field = |i: usize, lo: u32, hi: u32, names: &[&str], name: &str| {
            parse_field(fields[i], lo, hi, names).map_err(|r| bad(&format!("{name} field '{}': {r}", fields[i])))
        };
        Ok(Schedule::Cron(Box::new(CronFields {
            minutes: field(0, 0, 59, &[], "minutes")?,
            hours: field(1, 0, 23, &[], "hours")?,
            days_of_month: if dom == "?" { None } else { Some(field(2, 1, 31, &[], "day-of-month")?) },
            months: field(3, 1, 12, &MONTHS, "month")?,
            days_of_week: if dow == "?" { None } else { Some(field(4, 1, 7, &DAYS, "day-of-week")?) },
            years: if fields[5] == "*" { None } else { Some(field(5, 1970, 2199, &[], "year")?) },
        })))
    }

    /// Fire times `t` with `after < t <= until`, oldest first, at most `limit`. A rate counts
    /// from `anchor` (when the schedule was created).
    pub fn fire_times(
        &self,
        anchor: DateTime<Utc>,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        match self {
            Schedule::Rate(step) => {
                // Every computation is checked: a stored schedule (even one written by an older
                // version without the limits) yields no fire time rather than an overflow.
                let step_ms = step.num_milliseconds().max(60_000);
                let since = after.signed_duration_since(anchor).num_milliseconds();
                let mut k = if since < 0 { 1 } else { since / step_ms + 1 };
                while out.len() < limit {
                    let Some(t) = k
                        .checked_mul(step_ms)
                        .and_then(Duration::try_milliseconds)
                        .and_then(|d| anchor.checked_add_signed(d))
                        .filter(|t| *t <= until)
                    else {
                        break;
                    };
                    out.push(t);
                    k += 1;
                }
            }
            Schedule::Cron(f) => {
                let Some(mut t) = after
                    .timestamp()
                    .checked_sub(after.timestamp().rem_euclid(60))
                    .and_then(|s| s.checked_add(60))
                    .and_then(|s| Utc.timestamp_opt(s, 0).single())
                else {
                    return out;
                };
                let mut steps = 0;
                while t <= until && out.len() < limit && steps < MAX_CRON_STEPS {
                    steps += 1;
                    let next = if !f.months[t.month() as usize]
                        || f.years.as_ref().is_some_and(|y| !y.get(t.year() as usize).copied().unwrap_or(false))
                    {
                        next_month(t)
                    } else if !f.day_matches(t) {
                        start_of_day(t).checked_add_signed(Duration::days(1))
                    } else if !f.hours[t.hour() as usize] {
                        (t - Duration::minutes(t.minute() as i64)).checked_add_signed(Duration::hours(1))
                    } else {
                        if f.minutes[t.minute() as usize] {
                            out.push(t);
                        }
                        t.checked_add_signed(Duration::minutes(1))
                    };
                    let Some(next) = next else { break };
                    t = next;
                }
            }
        }
        out
    }
}

impl CronFields {
    fn day_matches(&self, t: DateTime<Utc>) -> bool {
        match (&self.days_of_month, &self.days_of_week) {
            (Some(dom), _) => dom[t.day() as usize],
            (None, Some(dow)) => dow[t.weekday().number_from_sunday() as usize],
            (None, None) => true,
        }
    }
}

fn start_of_day(t: DateTime<Utc>) -> DateTime<Utc> {
    t - Duration::seconds(t.num_seconds_from_midnight() as i64)
}

/// The first minute of the next month; `None` past the last representable time.
fn next_month(t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (y, m) = if t.month() == 12 { (t.year().checked_add(1)?, 1) } else { (t.year(), t.month() + 1) };
    Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).single()
}

/// A field as a lookup table indexed by value (`table[v]`), from `*`, lists, ranges and steps.
fn parse_field(text: &str, lo: u32, hi: u32, names: &[&str]) -> std::result::Result<Vec<bool>, String> {
    let mut table = vec![false; hi as usize + 1];
    let value = |s: &str| -> std::result::Result<u32, String> {
        let upper = s.to_ascii_uppercase();
        if let Some(i) = names.iter().position(|n| *n == upper) {
            return Ok(lo + i as u32);
        }
        let v: u32 = s
            .parse()
            .map_err(|_| format!("'{s}' is not a number{}", if names.is_empty() { "" } else { " or a name" }))?;
        if v < lo || v > hi {
            return Err(format!("{v} is outside {lo}-{hi}"));
        }
        Ok(v)
    };
    for part in text.split(',') {
        if part.contains(['L', 'W', '#']) && !names.iter().any(|n| part.to_ascii_uppercase().contains(n)) {
            return Err("L, W and # are not supported by Puddle's scheduler".into());
        }
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0).ok_or_else(|| format!("bad step '{s}'"))?),
            None => (part, 1),
        };
        let (start, end) = match range {
            "*" => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                None if step > 1 => (value(r)?, hi),
                None => (value(r)?, value(r)?),
            },
        };
        if start > end {
            return Err(format!("range {start}-{end} is backwards"));
        }
        // Checked: a step such as `0/4294967295` must end the walk, not wrap around.
        let mut v = Some(start);
        while let Some(x) = v.filter(|x| *x <= end) {
            table[x as usize] = true;
            v = x.checked_add(step);
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn daily_at_a_time() {
        let s = Schedule::parse("cron(15 12 * * ? *)").unwrap();
        let times =
            s.fire_times(at("2025-01-01T00:00:00Z"), at("2025-01-01T00:00:00Z"), at("2025-01-03T23:59:00Z"), 10);
        assert_eq!(times, [at("2025-01-01T12:15:00Z"), at("2025-01-02T12:15:00Z"), at("2025-01-03T12:15:00Z")]);
    }

    #[test]
    fn weekdays_steps_and_names() {
        let s = Schedule::parse("cron(0/30 9-10 ? * MON-FRI *)").unwrap();
        // 2025-01-03 is a Friday, 01-04/05 the weekend.
        let times =
            s.fire_times(at("2025-01-01T00:00:00Z"), at("2025-01-03T00:00:00Z"), at("2025-01-06T09:00:00Z"), 100);
        assert_eq!(
            times,
            [
                at("2025-01-03T09:00:00Z"),
                at("2025-01-03T09:30:00Z"),
                at("2025-01-03T10:00:00Z"),
                at("2025-01-03T10:30:00Z"),
                at("2025-01-06T09:00:00Z")
            ]
        );
        let monthly = Schedule::parse("cron(0 0 1 JAN,JUL ? 2026)").unwrap();
        let t =
            monthly.fire_times(at("2025-01-01T00:00:00Z"), at("2025-01-01T00:00:00Z"), at("2027-12-31T00:00:00Z"), 10);
        assert_eq!(t, [at("2026-01-01T00:00:00Z"), at("2026-07-01T00:00:00Z")]);
    }

    #[test]
    fn rates_count_from_the_anchor_and_respect_the_limit() {
        let s = Schedule::parse("rate(6 hours)").unwrap();
        let t = s.fire_times(at("2025-01-01T00:00:00Z"), at("2025-01-01T07:00:00Z"), at("2025-01-02T00:00:00Z"), 10);
        assert_eq!(t, [at("2025-01-01T12:00:00Z"), at("2025-01-01T18:00:00Z"), at("2025-01-02T00:00:00Z")]);
        assert_eq!(
            s.fire_times(at("2025-01-01T00:00:00Z"), at("2025-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z"), 5).len(),
            5
        );
        assert_eq!(Schedule::parse("rate(1 day)").unwrap(), Schedule::Rate(Duration::days(1)));
    }

    #[test]
    fn bad_expressions_say_why() {
        for (expr, why) in [
            ("cron(0 12 * * * *)", "exactly one"),
            ("cron(0 12 * *)", "6 fields"),
            ("cron(61 12 * * ? *)", "outside 0-59"),
            ("cron(0 12 L * ? *)", "not supported"),
            ("rate(0 days)", "positive"),
            ("rate(1 days)", "unit"),
            ("every day", "expected cron"),
            ("rate(100000000 days)", "at most 36500 days"),
            ("rate(9223372036854775807 minutes)", "at most"),
            ("rate(99999999999999999999 hours)", "positive whole number"),
        ] {
            let err = Schedule::parse(expr).unwrap_err().to_string();
            assert!(err.contains(why), "{expr}: {err}");
        }
    }

    /// Issue 12: `rate(100000000 days)` was accepted and its fire times overflowed chrono on
    /// every request. Now refused, and a schedule near the end of time yields no fire time.
    #[test]
    fn huge_rates_are_refused_and_fire_times_never_overflow() {
        assert!(Schedule::parse("rate(36500 days)").is_ok());
        assert!(Schedule::parse("rate(36501 days)").is_err());
        let max = DateTime::<Utc>::MAX_UTC;
        let s = Schedule::Rate(Duration::days(36_500));
        assert!(s.fire_times(max - Duration::days(1), max - Duration::days(1), max, 10).is_empty());
        let far = at("2025-01-01T00:00:00Z");
        assert!(Schedule::Rate(Duration::MAX).fire_times(far, far, max, 10).is_empty());
        let every_minute = Schedule::parse("cron(* * * * ? *)").unwrap();
        assert_eq!(every_minute.fire_times(far, max - Duration::minutes(3), max, 10).len(), 3);
        assert!(every_minute.fire_times(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MIN_UTC, max, 3).len() == 3);
    }

    /// Issue 12: a step near `u32::MAX` overflowed while filling the field.
    #[test]
    fn huge_cron_steps_do_not_overflow() {
        let s = Schedule::parse("cron(0/4294967295 1/4294967295 ? * 1/4294967295 *)").unwrap();
        let t = s.fire_times(at("2025-01-01T00:00:00Z"), at("2025-01-01T00:00:00Z"), at("2025-01-31T00:00:00Z"), 10);
        // Minute 0 of hour 1 on Sundays only.
        assert_eq!(
            t,
            [
                at("2025-01-05T01:00:00Z"),
                at("2025-01-12T01:00:00Z"),
                at("2025-01-19T01:00:00Z"),
                at("2025-01-26T01:00:00Z")
            ]
        );
    }

    /// A cron that never fires (Feb 31) over a long span ends within its step budget.
    #[test]
    fn a_cron_that_never_fires_terminates() {
        let s = Schedule::parse("cron(0 0 31 FEB ? *)").unwrap();
        let from = at("2025-01-01T00:00:00Z");
        assert!(s.fire_times(from, from, DateTime::<Utc>::MAX_UTC, 10).is_empty());
        let past = Schedule::parse("cron(0 0 1 1 ? 1970)").unwrap();
        assert!(past.fire_times(from, from, DateTime::<Utc>::MAX_UTC, 10).is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any text parses or fails with an AWS code, and any parsed schedule gives its fire
        /// times in bounded time, whatever the window.
        #[test]
        fn any_expression_is_total(
            expr in "(cron\\(|rate\\()?[0-9*?/,LW#A-Z -]{0,40}\\)?",
            from in -8_000_000_000_000i64..8_000_000_000_000i64,
            span in 0i64..8_000_000_000_000i64,
        ) {
            match Schedule::parse(&expr) {
                Ok(s) => {
                    let after = DateTime::<Utc>::from_timestamp(from, 0).unwrap();
                    let until = DateTime::<Utc>::from_timestamp(from.saturating_add(span), 0).unwrap_or(DateTime::<Utc>::MAX_UTC);
                    let times = s.fire_times(after, after, until, 5);
                    proptest::prop_assert!(times.len() <= 5);
                    proptest::prop_assert!(times.windows(2).all(|w| w[0] < w[1]));
                }
                Err(e) => proptest::prop_assert_eq!(e.code(), "InvalidInputException"),
            }
        }

        #[test]
        fn numbers_in_any_field_are_total(fields in proptest::collection::vec(0u64..=u32::MAX as u64 * 2, 6), step in 0u64..=u64::MAX) {
            let expr = format!("cron({}/{step} {} {} {} ? {})", fields[0], fields[1], fields[2], fields[3], fields[5]);
            let _ = Schedule::parse(&expr).map(|s| s.fire_times(at("2025-01-01T00:00:00Z"), at("2025-01-01T00:00:00Z"), at("2030-01-01T00:00:00Z"), 3));
            let _ = Schedule::parse(&format!("rate({step} minutes)"));
        }
    }
}
