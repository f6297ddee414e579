//! Turning an operation's JSON input into its typed structure, and the members every operation
//! shares (stream name or ARN, timestamps, limits).

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result};

/// Largest input document an operation takes (a full PutRecords is ~7 MiB as base64).
const MAX_INPUT_MEMBERS_DEPTH: usize = 32;

/// The typed input of an operation; a structure of the wrong shape is AWS's `SerializationException`.
pub(crate) fn parse<T: DeserializeOwned>(input: Value) -> Result<T> {
    let input = if input.is_null() { Value::Object(Default::default()) } else { input };
    if depth(&input) > MAX_INPUT_MEMBERS_DEPTH {
        return Err(Error::Serialization { message: "Input nested too deeply.".into() });
    }
    serde_json::from_value(input).map_err(|e| Error::Serialization { message: e.to_string() })
}

fn depth(v: &Value) -> usize {
    // Iterative, so hostile nesting cannot overflow the stack.
    let mut max = 0;
    let mut stack = vec![(v, 1usize)];
    while let Some((v, d)) = stack.pop() {
        max = max.max(d);
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, d + 1))),
            Value::Object(o) => stack.extend(o.values().map(|x| (x, d + 1))),
            _ => {}
        }
    }
    max
}

/// Checks a stream name: 1-128 characters of `[a-zA-Z0-9_.-]`.
pub(crate) fn check_stream_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::validation(name, "streamName", "Member must have length greater than or equal to 1"));
    }
    if name.chars().count() > 128 {
        return Err(Error::validation(name, "streamName", "Member must have length less than or equal to 128"));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')) {
        return Err(Error::validation(
            name,
            "streamName",
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        ));
    }
    Ok(())
}

/// The stream an operation names, by `StreamName` or `StreamARN` (which must agree if both).
pub(crate) fn stream_target(name: Option<&str>, arn: Option<&str>) -> Result<String> {
    let from_arn = match arn {
        Some(arn) => Some(parse_arn(arn)?),
        None => None,
    };
    match (name, from_arn) {
        (Some(n), Some(a)) if n != a => {
            Err(Error::invalid(format!("StreamARN {} does not match StreamName {n}.", arn.unwrap_or_default())))
        }
        (Some(n), _) => {
            check_stream_name(n)?;
            Ok(n.to_string())
        }
        (None, Some(a)) => Ok(a),
        (None, None) => Err(Error::invalid("Either StreamName or StreamARN should be provided.")),
    }
}

fn parse_arn(arn: &str) -> Result<String> {
    let bad = || {
        Error::validation(
            arn,
            "streamARN",
            "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
        )
    };
    let rest = arn.strip_prefix("arn:aws:kinesis:").ok_or_else(bad)?;
    let mut parts = rest.splitn(3, ':');
    let (_region, account, resource) = (parts.next(), parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?);
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let name = resource.strip_prefix("stream/").ok_or_else(bad)?;
    check_stream_name(name)?;
    if account != crate::ACCOUNT {
        return Err(Error::stream_not_found(name));
    }
    Ok(name.to_string())
}

/// A timestamp member: epoch seconds (number, or a numeric string) or ISO-8601; lake epoch ms.
pub(crate) fn timestamp_ms(v: &Value, member: &str) -> Result<i64> {
    let bad = || Error::Serialization { message: format!("Invalid timestamp for {member}") };
    let secs = match v {
        Value::Number(n) => n.as_f64().ok_or_else(bad)?,
        Value::String(s) => match s.trim().parse::<f64>() {
            Ok(x) => x,
            Err(_) => {
                return chrono::DateTime::parse_from_rfc3339(s.trim()).map(|t| t.timestamp_millis()).map_err(|_| bad())
            }
        },
        _ => return Err(bad()),
    };
    if !secs.is_finite() || secs.abs() > 1e13 {
        return Err(bad());
    }
    Ok((secs * 1000.0).round() as i64)
}

/// An optional integer member checked against its model range.
pub(crate) fn ranged(value: Option<i64>, member: &str, min: i64, max: i64, default: i64) -> Result<i64> {
    let v = value.unwrap_or(default);
    if v < min {
        return Err(Error::validation(v, member, &format!("Member must have value greater than or equal to {min}")));
    }
    if v > max {
        return Err(Error::validation(v, member, &format!("Member must have value less than or equal to {max}")));
    }
    Ok(v)
}

/// Epoch seconds with the millisecond fraction, as botocore's JSON protocol gives timestamps.
pub(crate) fn epoch_seconds(ms: i64) -> Value {
    serde_json::json!(ms as f64 / 1000.0)
}

/// Java's `Date.toString()` style, as Kinesis prints times in messages.
pub(crate) fn java_date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%a %b %d %H:%M:%S UTC %Y").to_string())
        .unwrap_or_else(|| ms.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_timestamps() {
        assert_eq!(stream_target(Some("s"), None).unwrap(), "s");
        assert_eq!(stream_target(None, Some("arn:aws:kinesis:us-east-1:123456789012:stream/s")).unwrap(), "s");
        assert_eq!(stream_target(None, None).unwrap_err().code(), "InvalidArgumentException");
        assert_eq!(stream_target(Some("a b"), None).unwrap_err().code(), "ValidationException");
        assert_eq!(stream_target(None, Some("arn:aws:s3:::b")).unwrap_err().code(), "ValidationException");
        assert_eq!(timestamp_ms(&serde_json::json!(1.5), "t").unwrap(), 1500);
        assert_eq!(timestamp_ms(&serde_json::json!("1970-01-01T00:00:02Z"), "t").unwrap(), 2000);
        assert!(timestamp_ms(&serde_json::json!("yesterday"), "t").is_err());
        assert!(timestamp_ms(&serde_json::json!(1e300), "t").is_err());
    }
}
