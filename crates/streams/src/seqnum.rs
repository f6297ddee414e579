//! Sequence numbers: 56-digit decimal strings, increasing within a shard.
//!
//! Built like kinesalite's from the shard's creation time, the shard's index in the stream and
//! the record's index in the shard: `49` + creation time in milliseconds (15 digits) + shard
//! index (10 digits) + record index (29 digits). Ordering the strings orders the records of a
//! shard; the shard part lets AT_SEQUENCE_NUMBER refuse another shard's number.

use crate::error::{Error, Result};

/// Digits in a sequence number.
pub const SEQUENCE_DIGITS: usize = 56;

/// The parts of a sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SequenceNumber {
    /// The shard's creation time, epoch milliseconds.
    pub shard_created_ms: u64,
    /// The shard's index in its stream (`shardId-000000000003` is 3).
    pub shard_index: u64,
    /// The record's index in the shard (records start at 1; 0 is the shard's starting number).
    pub index: u64,
}

impl SequenceNumber {
    /// The 56-digit string.
    pub fn encode(&self) -> String {
        format!(
            "49{:015}{:010}{:029}",
            self.shard_created_ms % 10u64.pow(15),
            self.shard_index % 10u64.pow(10),
            self.index
        )
    }

    /// Parses a sequence number this engine made.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != SEQUENCE_DIGITS || !text.bytes().all(|b| b.is_ascii_digit()) || !text.starts_with("49") {
            return None;
        }
        Some(SequenceNumber {
            shard_created_ms: text[2..17].parse().ok()?,
            shard_index: text[17..27].parse().ok()?,
            index: text[27..].parse::<u128>().ok()?.try_into().ok()?,
        })
    }

    /// Parses a sequence number given for `member`, with AWS's complaint when it is not one.
    pub fn parse_arg(text: &str, member: &str) -> Result<Self> {
        if text.is_empty() || text.len() > 128 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::validation(
                text,
                member,
                "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
            ));
        }
        Self::parse(text).ok_or_else(|| {
            Error::invalid(format!("{} {text} used in call is not a valid sequence number.", capitalise(member)))
        })
    }
}

fn capitalise(member: &str) -> String {
    let mut c = member.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_56_digits_and_round_trip() {
        let s = SequenceNumber { shard_created_ms: 1_764_677_211_123, shard_index: 3, index: 42 };
        let text = s.encode();
        assert_eq!(text.len(), 56);
        assert_eq!(SequenceNumber::parse(&text), Some(s));
        let later = SequenceNumber { index: 43, ..s }.encode();
        assert!(later > text);
        assert_eq!(SequenceNumber { index: u64::MAX, ..s }.encode().len(), 56);
        assert!(SequenceNumber::parse("49").is_none());
        assert!(SequenceNumber::parse_arg("abc", "startingSequenceNumber").is_err());
        assert!(SequenceNumber::parse(&"9".repeat(56)).is_none());
    }
}
