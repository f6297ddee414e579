//! The hash-key ring of a Kinesis stream, in plain Rust (tested natively): where a partition key
//! lands (MD5 of its UTF-8 bytes as a big-endian 128-bit integer, the engine's and AWS's rule),
//! which shard holds it, the shard ranges as SVG arcs, and the reshard actions a range allows.

use md5::{Digest, Md5};
use serde_json::Value;

/// The hash key of a partition key.
pub fn hash_key(partition_key: &str) -> u128 {
    u128::from_be_bytes(Md5::digest(partition_key.as_bytes()).into())
}

/// Where `key` sits on the ring, in `[0, 1)` turns from the top, clockwise.
pub fn turn_of(key: u128) -> f64 {
    // 2^128 as f64 is exact; the division loses only digits no drawing can show.
    key as f64 / 340_282_366_920_938_463_463_374_607_431_768_211_456.0
}

/// A shard's range, parsed from ListShards' decimal strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardRange {
    /// `shardId-000000000000`.
    pub shard_id: String,
    /// First hash key.
    pub start: u128,
    /// Last hash key.
    pub end: u128,
    /// Whether the shard takes writes (not split or merged away).
    pub open: bool,
}

impl ShardRange {
    /// A range from the decimal strings ListShards and StreamTraffic give; `None` if they are
    /// not 128-bit integers or out of order.
    pub fn parse(shard_id: &str, start: &str, end: &str, open: bool) -> Option<ShardRange> {
        let (start, end) = (start.trim().parse::<u128>().ok()?, end.trim().parse::<u128>().ok()?);
        (start <= end).then(|| ShardRange { shard_id: shard_id.to_string(), start, end, open })
    }

    /// Whether `key` falls in the range.
    pub fn contains(&self, key: u128) -> bool {
        (self.start..=self.end).contains(&key)
    }

    /// The `NewStartingHashKey` that splits the range in two halves, if it can be split.
    pub fn midpoint(&self) -> Option<u128> {
        (self.end > self.start).then(|| self.start + (self.end - self.start) / 2 + 1)
    }

    /// The share of the key space the range covers, in `(0, 1]`.
    pub fn share(&self) -> f64 {
        turn_of(self.end - self.start) + 1.0 / 340_282_366_920_938_463_463_374_607_431_768_211_456.0
    }
}

/// Shards of a ListShards output, closed ones included.
pub fn shard_ranges(output: &Value) -> Vec<ShardRange> {
    let list = output["Shards"].as_array().map(Vec::as_slice).unwrap_or_default();
    list.iter()
        .filter_map(|s| {
            let open = s["SequenceNumberRange"]["EndingSequenceNumber"].is_null();
            let r = &s["HashKeyRange"];
            ShardRange::parse(
                s["ShardId"].as_str()?,
                r["StartingHashKey"].as_str()?,
                r["EndingHashKey"].as_str()?,
                open,
            )
        })
        .collect()
}

/// The open shard that takes writes for `key`.
pub fn shard_for(shards: &[ShardRange], key: u128) -> Option<&ShardRange> {
    shards.iter().find(|s| s.open && s.contains(key))
}

/// Pairs of open shards whose ranges touch (MergeShards' `ShardToMerge`, `AdjacentShardToMerge`),
/// in key order.
pub fn adjacent_pairs(shards: &[ShardRange]) -> Vec<(String, String)> {
    let mut open: Vec<&ShardRange> = shards.iter().filter(|s| s.open).collect();
    open.sort_by_key(|s| s.start);
    open.windows(2)
        .filter(|w| w[0].end.checked_add(1) == Some(w[1].start))
        .map(|w| (w[0].shard_id.clone(), w[1].shard_id.clone()))
        .collect()
}

/// A point on a circle of radius `r` around `(c, c)`, `turn` turns clockwise from the top.
pub fn point(c: f64, r: f64, turn: f64) -> (f64, f64) {
    let a = turn * std::f64::consts::TAU;
    (c + r * a.sin(), c - r * a.cos())
}

/// SVG path of the ring sector from `from` to `to` turns (`to - from` in `(0, 1]`), between radii
/// `inner` and `outer` around `(c, c)`. A whole ring is drawn as two halves.
pub fn sector_path(c: f64, inner: f64, outer: f64, from: f64, to: f64) -> String {
    let span = (to - from).clamp(0.0, 1.0);
    if span >= 0.999_999 {
        let mid = from + 0.5;
        return format!(
            "{} {}",
            sector_path(c, inner, outer, from, mid),
            sector_path(c, inner, outer, mid, from + 1.0)
        );
    }
    let large = u8::from(span > 0.5);
    let (x0, y0) = point(c, outer, from);
    let (x1, y1) = point(c, outer, to);
    let (x2, y2) = point(c, inner, to);
    let (x3, y3) = point(c, inner, from);
    format!(
        "M{x0:.2} {y0:.2}A{outer} {outer} 0 {large} 1 {x1:.2} {y1:.2}L{x2:.2} {y2:.2}A{inner} {inner} 0 {large} 0 {x3:.2} {y3:.2}Z"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: u128 = u128::MAX;

    /// Shards as the engine lays them out: shard i starts at i * floor(2^128 / n).
    fn layout(n: u128) -> Vec<ShardRange> {
        // floor(2^128 / n), computed without 2^128 (n = 1 never uses it).
        let step = if n == 1 { MAX } else { MAX / n + u128::from(MAX % n == n - 1) };
        (0..n)
            .map(|i| ShardRange {
                shard_id: format!("shardId-{i:012}"),
                start: i * step,
                end: if i == n - 1 { MAX } else { (i + 1) * step - 1 },
                open: true,
            })
            .collect()
    }

    #[test]
    fn md5_of_known_keys() {
        let digest = format!("{:032x}", hash_key("sales"));
        assert_eq!(digest, format!("{:x}", Md5::digest(b"sales")));
        assert_eq!(hash_key(""), 0xd41d8cd98f00b204e9800998ecf8427e);
        assert_eq!(hash_key("a"), 0x0cc175b9c0f1b6a831c399e269772661);
    }

    #[test]
    fn known_keys_land_on_known_shards() {
        // md5("") starts with 0xd4 (0.83 turns), md5("a") with 0x0c (0.05 turns).
        for (n, empty, a) in [(1, 0, 0), (2, 1, 0), (3, 2, 0), (4, 3, 0)] {
            let shards = layout(n);
            assert_eq!(shard_for(&shards, hash_key("")).unwrap().shard_id, format!("shardId-{empty:012}"));
            assert_eq!(shard_for(&shards, hash_key("a")).unwrap().shard_id, format!("shardId-{a:012}"));
        }
        // md5("sales") = 0x9ed083b1... (0.62 turns): shard 1 of 2, 1 of 3, 2 of 4.
        let sales = hash_key("sales");
        assert_eq!(sales >> 96, 0x9ed083b1);
        for (n, want) in [(1u128, 0), (2, 1), (3, 1), (4, 2)] {
            assert_eq!(shard_for(&layout(n), sales).unwrap().shard_id, format!("shardId-{want:012}"));
        }
    }

    #[test]
    fn parse_and_split() {
        let whole = ShardRange::parse("shardId-000000000000", "0", &MAX.to_string(), true).unwrap();
        assert_eq!(whole.midpoint(), Some(1u128 << 127));
        assert!((whole.share() - 1.0).abs() < 1e-12);
        assert!(ShardRange::parse("s", "5", "4", true).is_none());
        assert!(ShardRange::parse("s", "x", "4", true).is_none());
        assert!(ShardRange::parse("s", "0", "340282366920938463463374607431768211456", true).is_none());
        let one = ShardRange::parse("s", "7", "7", true).unwrap();
        assert_eq!(one.midpoint(), None);
        let two = ShardRange::parse("s", "7", "8", true).unwrap();
        assert_eq!(two.midpoint(), Some(8));
    }

    #[test]
    fn adjacent_open_shards_pair_up() {
        let mut shards = layout(3);
        assert_eq!(adjacent_pairs(&shards).len(), 2);
        shards[1].open = false;
        assert!(adjacent_pairs(&shards).is_empty());
        shards.reverse();
        shards[1].open = true;
        assert_eq!(adjacent_pairs(&shards)[0], ("shardId-000000000000".into(), "shardId-000000000001".into()));
    }

    #[test]
    fn list_shards_output_is_read() {
        let out = serde_json::json!({"Shards": [
            {"ShardId": "shardId-000000000000", "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": MAX.to_string()},
             "SequenceNumberRange": {"StartingSequenceNumber": "1", "EndingSequenceNumber": "9"}},
            {"ShardId": "shardId-000000000001", "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": (MAX / 2).to_string()},
             "SequenceNumberRange": {"StartingSequenceNumber": "10"}},
            {"ShardId": "bad", "HashKeyRange": {"StartingHashKey": "x", "EndingHashKey": "1"}},
        ]});
        let shards = shard_ranges(&out);
        assert_eq!(shards.len(), 2);
        assert!(!shards[0].open && shards[1].open);
        assert_eq!(shard_for(&shards, 5).unwrap().shard_id, "shardId-000000000001");
        assert!(shard_for(&shards, MAX).is_none(), "only the closed parent covers it");
        assert!(shard_ranges(&serde_json::json!({})).is_empty());
    }

    #[test]
    fn geometry() {
        let (x, y) = point(100.0, 50.0, 0.25);
        assert!((x - 150.0).abs() < 1e-9 && (y - 100.0).abs() < 1e-9);
        assert!((turn_of(1u128 << 127) - 0.5).abs() < 1e-12);
        assert!(turn_of(MAX) <= 1.0);
        let half = sector_path(100.0, 60.0, 90.0, 0.0, 0.5);
        assert!(half.starts_with("M100.00 10.00A90 90 0 0 1 100.00 190.00"), "{half}");
        assert_eq!(sector_path(100.0, 60.0, 90.0, 0.0, 1.0).matches('M').count(), 2);
        assert!(sector_path(1.0, 1.0, 2.0, 0.0, 0.75).contains(" 0 1 1 "));
    }
}
