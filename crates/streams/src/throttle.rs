//! Per-shard throughput limits, measured on lake time over a sliding one-second window.
//!
//! The windows live in memory, per engine (per browser tab): two tabs writing to one shard
//! each get the shard's full limit. That is the one place the engine trusts its own memory,
//! because a counter shared through the store would cost a CAS per record.

use std::collections::{HashMap, VecDeque};

/// One second, the window the limits are measured over.
const WINDOW_MS: i64 = 1_000;
/// Incoming rates for the console are averaged over this many milliseconds.
const RATE_MS: i64 = 5_000;
/// Throttled calls are counted over the last minute.
const THROTTLE_MS: i64 = 60_000;

/// A shard's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub write_records: u64,
    pub write_bytes: u64,
    /// GetRecords calls per second (`None`: no limit).
    pub read_calls: Option<usize>,
    pub read_bytes: Option<u64>,
    /// Whether these are the provisioned limits the console shows.
    pub provisioned: bool,
}

impl Limits {
    /// PROVISIONED: 1 MiB/s or 1,000 records/s in, 5 GetRecords calls/s and 2 MiB/s out.
    pub const PROVISIONED: Limits = Limits {
        write_records: 1_000,
        write_bytes: 1 << 20,
        read_calls: Some(5),
        read_bytes: Some(2 << 20),
        provisioned: true,
    };
    /// ON_DEMAND: AWS scales shards on demand; Puddle keeps its four shards and lets each take
    /// 4 MiB/s or 4,000 records/s (the on-demand stream's initial write capacity), reads unlimited.
    pub const ON_DEMAND: Limits =
        Limits { write_records: 4_000, write_bytes: 4 << 20, read_calls: None, read_bytes: None, provisioned: false };

    pub fn for_mode(provisioned: bool) -> Limits {
        if provisioned {
            Limits::PROVISIONED
        } else {
            Limits::ON_DEMAND
        }
    }
}

/// One shard's recent traffic.
#[derive(Debug, Default)]
pub(crate) struct ShardWindow {
    /// (lake ms, records, bytes) written.
    writes: VecDeque<(i64, u64, u64)>,
    /// (lake ms, bytes) read.
    reads: VecDeque<(i64, u64)>,
    write_throttled: VecDeque<i64>,
    read_throttled: VecDeque<i64>,
}

fn drop_before<T>(q: &mut VecDeque<T>, cutoff: i64, at: impl Fn(&T) -> i64) {
    while q.front().is_some_and(|x| at(x) <= cutoff) {
        q.pop_front();
    }
}

impl ShardWindow {
    fn expire(&mut self, now: i64) {
        drop_before(&mut self.writes, now - RATE_MS, |w| w.0);
        drop_before(&mut self.reads, now - WINDOW_MS, |r| r.0);
        drop_before(&mut self.write_throttled, now - THROTTLE_MS, |t| *t);
        drop_before(&mut self.read_throttled, now - THROTTLE_MS, |t| *t);
    }

    /// Takes a record of `bytes` if the last second leaves room for it; else counts a throttle.
    pub fn try_write(&mut self, now: i64, bytes: u64, limits: &Limits) -> bool {
        self.expire(now);
        let (records, used) =
            self.writes.iter().filter(|w| w.0 > now - WINDOW_MS).fold((0, 0), |(r, b), w| (r + w.1, b + w.2));
        if records + 1 > limits.write_records || used + bytes > limits.write_bytes {
            self.write_throttled.push_back(now);
            return false;
        }
        match self.writes.back_mut() {
            Some(last) if last.0 == now => {
                last.1 += 1;
                last.2 += bytes;
            }
            _ => self.writes.push_back((now, 1, bytes)),
        }
        true
    }

    /// Admits a GetRecords call if fewer than the limit came in the last second and the bytes
    /// read in it are under the byte limit; else counts a throttle.
    pub fn try_read(&mut self, now: i64, limits: &Limits) -> bool {
        self.expire(now);
        let calls = self.reads.len();
        let bytes: u64 = self.reads.iter().map(|r| r.1).sum();
        if limits.read_calls.is_some_and(|max| calls >= max) || limits.read_bytes.is_some_and(|max| bytes >= max) {
            self.read_throttled.push_back(now);
            return false;
        }
        self.reads.push_back((now, 0));
        true
    }

    /// Counts the bytes the admitted call returned.
    pub fn add_read_bytes(&mut self, bytes: u64) {
        if let Some(last) = self.reads.back_mut() {
            last.1 += bytes;
        }
    }

    /// (records/s, bytes/s) over the last few seconds, throttled writes and reads in the last minute.
    pub fn stats(&mut self, now: i64) -> (f64, f64, u64, u64) {
        self.expire(now);
        let (records, bytes) = self.writes.iter().fold((0u64, 0u64), |(r, b), w| (r + w.1, b + w.2));
        let secs = RATE_MS as f64 / 1000.0;
        (
            records as f64 / secs,
            bytes as f64 / secs,
            self.write_throttled.len() as u64,
            self.read_throttled.len() as u64,
        )
    }
}

/// Every shard's window, keyed by (stream id, shard id).
#[derive(Debug, Default)]
pub(crate) struct Traffic {
    shards: HashMap<(String, String), ShardWindow>,
}

impl Traffic {
    pub fn shard(&mut self, stream_id: &str, shard: &str) -> &mut ShardWindow {
        self.shards.entry((stream_id.to_string(), shard.to_string())).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_limited_per_second_and_slide() {
        let mut w = ShardWindow::default();
        let l = Limits::PROVISIONED;
        for i in 0..1000 {
            assert!(w.try_write(10_000, 10, &l), "record {i}");
        }
        assert!(!w.try_write(10_500, 10, &l));
        assert!(w.try_write(11_001, 10, &l), "a second later the window has room");
        let mut big = ShardWindow::default();
        assert!(big.try_write(0, 1 << 20, &l));
        assert!(!big.try_write(1, 1, &l));
        assert_eq!(big.stats(2).2, 1);
    }

    #[test]
    fn reads_are_limited_by_calls_and_bytes() {
        let mut w = ShardWindow::default();
        let l = Limits::PROVISIONED;
        for _ in 0..5 {
            assert!(w.try_read(5_000, &l));
        }
        assert!(!w.try_read(5_100, &l));
        assert!(w.try_read(6_001, &l));
        w.add_read_bytes(3 << 20);
        assert!(!w.try_read(6_002, &l), "over 2 MiB in the last second");
        assert!(w.try_read(7_002, &l));
        assert_eq!(w.stats(7_003).3, 2);
        let mut d = ShardWindow::default();
        for _ in 0..100 {
            assert!(d.try_read(0, &Limits::ON_DEMAND));
        }
    }
}
