//! The lake-wide simulated clock.
//!
//! Lake time is real time plus an offset that only grows, in steps the user makes ("30 days
//! later"). The clock keeps every step (the real time it was made and the offset after it), so
//! any real timestamp the store recorded, such as an object's last-modified, maps to the lake
//! time it happened at ([`SimClock::to_lake`]) without rewriting stored objects.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The furthest lake time may run ahead of real time: 100 years (36,500 days). Advances stop
/// there, and a stored step beyond it (from an older version or a damaged record) counts as it,
/// so no time computation can overflow.
pub const MAX_OFFSET_MS: i64 = 36_500 * 86_400_000;

/// `t` moved by `offset_ms`, saturating at the ends of representable time.
fn shift(t: DateTime<Utc>, offset_ms: i64) -> DateTime<Utc> {
    let offset_ms = offset_ms.clamp(0, MAX_OFFSET_MS);
    t.checked_add_signed(Duration::milliseconds(offset_ms)).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// One forward step of the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockStep {
    /// Real time of the step.
    pub at: DateTime<Utc>,
    /// Offset from then on, in milliseconds.
    pub offset_ms: i64,
}

/// Real time plus an offset that only moves forward. Cheap to clone; clones share the steps.
#[derive(Debug, Clone, Default)]
pub struct SimClock {
    steps: Arc<Mutex<Vec<ClockStep>>>,
}

impl SimClock {
    /// A clock showing real time.
    pub fn new() -> Self {
        Self::default()
    }

    /// The lake's current time.
    pub fn now(&self) -> DateTime<Utc> {
        let steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
        shift(Utc::now(), steps.last().map_or(0, |s| s.offset_ms))
    }

    /// How far the lake's time is ahead of real time.
    pub fn offset(&self) -> Duration {
        let steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
        Duration::milliseconds(steps.last().map_or(0, |s| s.offset_ms).clamp(0, MAX_OFFSET_MS))
    }

    /// The lake time of a real timestamp (the offset in effect at that moment).
    pub fn to_lake(&self, real: DateTime<Utc>) -> DateTime<Utc> {
        let steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
        let offset = steps.iter().rev().find(|s| s.at <= real).map_or(0, |s| s.offset_ms);
        shift(real, offset)
    }

    /// Every step so far (to persist the clock).
    pub fn steps(&self) -> Vec<ClockStep> {
        self.steps.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Restores persisted steps (when a lake is opened). Steps that would move time back are dropped.
    pub fn restore(&self, steps: Vec<ClockStep>) {
        let mut kept: Vec<ClockStep> = Vec::new();
        for s in steps {
            if kept.last().is_none_or(|k| s.at >= k.at && s.offset_ms >= k.offset_ms) {
                kept.push(s);
            }
        }
        *self.steps.lock().unwrap_or_else(|e| e.into_inner()) = kept;
    }

    /// Takes in steps another tab made (read back from storage): the union of both histories,
    /// in time order, keeping only steps that move the offset forward, so lake time never goes
    /// backwards whichever tab saved last.
    pub fn merge(&self, other: &[ClockStep]) {
        let mut steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
        let mut all: Vec<ClockStep> = steps.iter().chain(other).copied().collect();
        all.sort_by_key(|s| (s.at, s.offset_ms));
        let mut kept: Vec<ClockStep> = Vec::with_capacity(all.len());
        for s in all {
            if kept.last().is_none_or(|k| s.offset_ms > k.offset_ms) {
                kept.push(s);
            }
        }
        *steps = kept;
    }

    /// Moves the lake's time forward by `by` (negative counts as zero, at most 10 years at
    /// once, and never past [`MAX_OFFSET_MS`] ahead of real time); returns the new lake time.
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        let by = by.clamp(Duration::zero(), Duration::days(3660));
        let mut steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
        let last = steps.last().map_or(0, |s| s.offset_ms);
        let offset_ms = last.saturating_add(by.num_milliseconds()).clamp(last.min(MAX_OFFSET_MS), MAX_OFFSET_MS);
        let at = Utc::now().max(steps.last().map_or(DateTime::<Utc>::MIN_UTC, |s| s.at));
        steps.push(ClockStep { at, offset_ms });
        shift(at, offset_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_clone() {
        let clock = SimClock::new();
        let other = clock.clone();
        let before = other.now();
        clock.advance(Duration::days(30));
        let gap = other.now() - before;
        assert!(gap >= Duration::days(30) && gap < Duration::days(30) + Duration::minutes(1), "{gap}");
        clock.advance(Duration::days(-5));
        assert_eq!(clock.offset().num_days(), 30, "time never goes back");
    }

    #[test]
    fn merging_another_tabs_steps_never_moves_time_back() {
        let t0 = Utc::now() - Duration::hours(2);
        let step = |mins: i64, days: i64| ClockStep { at: t0 + Duration::minutes(mins), offset_ms: days * 86_400_000 };
        let tab = SimClock::new();
        tab.restore(vec![step(0, 1), step(10, 5)]);
        // The other tab knew the first step and advanced further; one of its steps is older.
        tab.merge(&[step(0, 1), step(5, 3), step(20, 30)]);
        assert_eq!(tab.steps(), vec![step(0, 1), step(5, 3), step(10, 5), step(20, 30)]);
        // A stale copy (saved before this tab's advance) changes nothing.
        tab.merge(&[step(0, 1)]);
        assert_eq!(tab.offset(), Duration::days(30));
        // Steps that would lower the offset are dropped, whatever their order.
        let other = SimClock::new();
        other.merge(&[step(30, 2), step(0, 10)]);
        assert_eq!(other.steps(), vec![step(0, 10)]);
    }

    #[test]
    fn real_timestamps_map_to_the_lake_time_they_happened_at() {
        let clock = SimClock::new();
        let early = Utc::now() - Duration::hours(1);
        clock.advance(Duration::days(10));
        let late = Utc::now() + Duration::seconds(1);
        assert_eq!(clock.to_lake(early), early, "written before the step: no offset");
        assert_eq!(clock.to_lake(late), late + Duration::days(10));
        let copy = SimClock::new();
        copy.restore(clock.steps());
        assert_eq!(copy.to_lake(late), clock.to_lake(late));
        assert_eq!(copy.offset(), Duration::days(10));
    }

    /// Issue 12: clock steps are user numbers meeting time; they saturate instead of overflowing.
    #[test]
    fn offsets_are_capped_and_stored_extremes_never_overflow() {
        let clock = SimClock::new();
        for _ in 0..20 {
            clock.advance(Duration::days(3660));
        }
        assert_eq!(clock.offset().num_milliseconds(), MAX_OFFSET_MS);
        let damaged = SimClock::new();
        damaged.restore(vec![ClockStep { at: DateTime::<Utc>::MAX_UTC, offset_ms: i64::MAX }]);
        assert_eq!(damaged.to_lake(DateTime::<Utc>::MAX_UTC), DateTime::<Utc>::MAX_UTC);
        assert!(damaged.now() > Utc::now());
        damaged.advance(Duration::days(1));
        assert_eq!(damaged.offset().num_milliseconds(), MAX_OFFSET_MS);
        let negative = SimClock::new();
        negative.restore(vec![ClockStep { at: Utc::now(), offset_ms: i64::MIN }]);
        assert_eq!(negative.offset(), Duration::zero());
        let _ = negative.now();
    }
}
