//! The 128-bit hash-key space: equal shard ranges, partition keys through MD5, explicit keys.

use md5::{Digest, Md5};

use crate::error::{Error, Result};

/// Longest partition key, in Unicode characters.
pub const MAX_PARTITION_KEY_CHARS: usize = 256;

/// The `i`-th of `n` equal ranges over `0..=2^128-1` (kinesalite's and AWS's layout): starts
/// at `i * floor(2^128 / n)`, ends one before the next start; the last ends at `2^128 - 1`.
pub fn equal_range(i: u32, n: u32) -> (u128, u128) {
    if n <= 1 {
        return (0, u128::MAX);
    }
    // floor(2^128 / n) without 2^128: (2^128 - 1) / n, plus one when n divides 2^128 exactly.
    let width = u128::MAX / n as u128 + u128::from(u128::MAX % n as u128 == n as u128 - 1);
    let start = width.saturating_mul(i as u128);
    let end = if i + 1 >= n { u128::MAX } else { width * (i as u128 + 1) - 1 };
    (start, end)
}

/// The hash key of a partition key: MD5 of its UTF-8 bytes, read as a big-endian integer.
pub fn partition_hash(partition_key: &str) -> u128 {
    let digest = Md5::digest(partition_key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest);
    u128::from_be_bytes(bytes)
}

/// Checks a partition key (1-256 characters) as the API model does.
pub fn check_partition_key(key: &str, member: &str) -> Result<()> {
    let n = key.chars().count();
    if n < 1 {
        return Err(Error::validation(key, member, "Member must have length greater than or equal to 1"));
    }
    if n > MAX_PARTITION_KEY_CHARS {
        return Err(Error::validation(key, member, "Member must have length less than or equal to 256"));
    }
    Ok(())
}

/// Parses a decimal hash key (`ExplicitHashKey`, `NewStartingHashKey`).
pub fn parse_hash_key(text: &str) -> Option<u128> {
    if text.is_empty() || text.len() > 39 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u128>().ok()
}

/// The hash key a record goes to: its `ExplicitHashKey` if given, else its partition key's MD5.
pub fn record_hash(partition_key: &str, explicit: Option<&str>) -> Result<u128> {
    match explicit {
        None => Ok(partition_hash(partition_key)),
        Some(text) => parse_hash_key(text).ok_or_else(|| {
            Error::invalid(format!(
                "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {}",
                text.chars().take(64).collect::<String>()
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MD5 digests checked with `python3 -c 'import hashlib; print(hashlib.md5(b"sales").hexdigest())'`.
    fn md5_hex(hex: &str) -> u128 {
        u128::from_str_radix(hex, 16).unwrap()
    }

    #[test]
    fn partition_keys_hash_to_their_md5() {
        assert_eq!(partition_hash("sales"), md5_hex("9ed083b1436e5f40ef984b28255eef18"));
        assert_eq!(partition_hash("a"), md5_hex("0cc175b9c0f1b6a831c399e269772661"));
        assert_eq!(partition_hash("hello"), md5_hex("5d41402abc4b2a76b9719d911017c592"));
    }

    #[test]
    fn ranges_split_the_space_evenly() {
        assert_eq!(equal_range(0, 1), (0, u128::MAX));
        let half = 1u128 << 127;
        assert_eq!(equal_range(0, 2), (0, half - 1));
        assert_eq!(equal_range(1, 2), (half, u128::MAX));
        // 2^128 / 3 = 113427455640312821154458202477256070485.33...
        let third = 113427455640312821154458202477256070485u128;
        assert_eq!(equal_range(0, 3), (0, third - 1));
        assert_eq!(equal_range(1, 3), (third, 2 * third - 1));
        assert_eq!(equal_range(2, 3), (2 * third, u128::MAX));
        assert_eq!(equal_range(3, 4), (3 << 126, u128::MAX));
        for n in 1..50 {
            let mut next = 0u128;
            for i in 0..n {
                let (s, e) = equal_range(i, n);
                assert_eq!(s, next);
                assert!(e >= s);
                next = e.wrapping_add(1);
            }
            assert_eq!(next, 0, "the last range ends at 2^128-1");
        }
    }

    #[test]
    fn hash_keys_parse_strictly() {
        assert_eq!(parse_hash_key("0"), Some(0));
        assert_eq!(parse_hash_key("340282366920938463463374607431768211455"), Some(u128::MAX));
        assert_eq!(parse_hash_key("340282366920938463463374607431768211456"), None);
        assert_eq!(parse_hash_key("-1"), None);
        assert_eq!(parse_hash_key(""), None);
        assert_eq!(parse_hash_key("1e3"), None);
        assert!(record_hash("x", Some("abc")).unwrap_err().to_string().contains("Specified value was abc"));
    }

    #[test]
    fn partition_keys_count_characters() {
        assert!(check_partition_key(&"é".repeat(256), "partitionKey").is_ok());
        assert!(check_partition_key(&"é".repeat(257), "partitionKey").is_err());
        assert_eq!(
            check_partition_key("", "partitionKey").unwrap_err().to_string(),
            "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
    }
}
