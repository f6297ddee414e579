//! What the Kinesis page shows, in plain Rust (tested natively): stream summaries read from
//! the operations' outputs, records decoded for people, rates against limits, and the
//! GetShardIterator input of the reader panel.

use base64::Engine as _;
use serde_json::{json, Value};

/// One line of the streams list.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamRow {
    /// Stream name.
    pub name: String,
    /// `CREATING`, `ACTIVE`, ...
    pub status: String,
    /// `PROVISIONED` or `ON_DEMAND`.
    pub mode: String,
    /// Open shards.
    pub shards: u64,
    /// Retention in hours.
    pub retention_hours: u64,
    /// The stream's ARN.
    pub arn: String,
}

/// A row from DescribeStreamSummary's output.
pub fn stream_row(output: &Value) -> Option<StreamRow> {
    let d = &output["StreamDescriptionSummary"];
    Some(StreamRow {
        name: d["StreamName"].as_str()?.to_string(),
        status: d["StreamStatus"].as_str().unwrap_or("UNKNOWN").to_string(),
        mode: d["StreamModeDetails"]["StreamMode"].as_str().unwrap_or("PROVISIONED").to_string(),
        shards: d["OpenShardCount"].as_u64().unwrap_or(0),
        retention_hours: d["RetentionPeriodHours"].as_u64().unwrap_or(24),
        arn: d["StreamARN"].as_str().unwrap_or_default().to_string(),
    })
}

/// Stream names from ListStreams' output.
pub fn stream_names(output: &Value) -> Vec<String> {
    output["StreamNames"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// The CreateStream input.
pub fn create_stream_input(name: &str, on_demand: bool, shards: u32) -> Value {
    if on_demand {
        json!({"StreamName": name, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}})
    } else {
        json!({"StreamName": name, "ShardCount": shards, "StreamModeDetails": {"StreamMode": "PROVISIONED"}})
    }
}

/// A stream name Kinesis accepts (`[a-zA-Z0-9_.-]{1,128}`), or why not.
pub fn check_stream_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 128 {
        return Err("A stream name has 1 to 128 characters.".into());
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
        return Err("A stream name may use letters, digits, '_', '.' and '-' only.".into());
    }
    Ok(())
}

/// The reader panel's iterator types, as GetShardIterator names them.
pub const ITERATOR_TYPES: [&str; 5] =
    ["TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "AT_TIMESTAMP"];

/// The GetShardIterator input; `position` is the sequence number or the timestamp (epoch
/// seconds, or `YYYY-MM-DDTHH:MM:SSZ`) the type needs.
pub fn shard_iterator_input(stream: &str, shard: &str, kind: &str, position: &str) -> Result<Value, String> {
    let mut input = json!({"StreamName": stream, "ShardId": shard, "ShardIteratorType": kind});
    let position = position.trim();
    match kind {
        "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER" => {
            if position.is_empty() || !position.chars().all(|c| c.is_ascii_digit()) {
                return Err(format!("{kind} needs a sequence number (digits)."));
            }
            input["StartingSequenceNumber"] = json!(position);
        }
        "AT_TIMESTAMP" => {
            let seconds = position
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite())
                .or_else(|| {
                    chrono::DateTime::parse_from_rfc3339(position).ok().map(|t| t.timestamp_millis() as f64 / 1000.0)
                })
                .ok_or_else(|| "AT_TIMESTAMP needs a time: epoch seconds or 2026-12-02T12:00:00Z.".to_string())?;
            input["Timestamp"] = json!(seconds);
        }
        _ => {}
    }
    Ok(input)
}

/// One record of a GetRecords output, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownRecord {
    /// Sequence number.
    pub sequence_number: String,
    /// Partition key.
    pub partition_key: String,
    /// Arrival time, epoch milliseconds.
    pub arrival_ms: Option<i64>,
    /// The data: pretty JSON, text, or base64 when it is neither.
    pub body: String,
    /// What `body` is.
    pub kind: BodyKind,
    /// Size of the data in bytes.
    pub size: usize,
}

/// How a record's data is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Parsed and pretty-printed JSON.
    Json,
    /// UTF-8 text.
    Text,
    /// Not UTF-8: the base64 as received.
    Binary,
}

/// Decodes a record's base64 data: JSON (pretty) if `as_json` and it parses, else text.
pub fn decode_data(data_b64: &str, as_json: bool) -> (String, BodyKind, usize) {
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(data_b64) else {
        return (data_b64.to_string(), BodyKind::Binary, 0);
    };
    let size = bytes.len();
    match String::from_utf8(bytes) {
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(v) if as_json => (serde_json::to_string_pretty(&v).unwrap_or(text), BodyKind::Json, size),
            _ => (text, BodyKind::Text, size),
        },
        Err(_) => (data_b64.to_string(), BodyKind::Binary, size),
    }
}

/// The records of a GetRecords output.
pub fn shown_records(output: &Value, as_json: bool) -> Vec<ShownRecord> {
    let list = output["Records"].as_array().map(Vec::as_slice).unwrap_or_default();
    list.iter()
        .map(|r| {
            let (body, kind, size) = decode_data(r["Data"].as_str().unwrap_or_default(), as_json);
            ShownRecord {
                sequence_number: r["SequenceNumber"].as_str().unwrap_or_default().to_string(),
                partition_key: r["PartitionKey"].as_str().unwrap_or_default().to_string(),
                arrival_ms: r["ApproximateArrivalTimestamp"].as_f64().map(|s| (s * 1000.0).round() as i64),
                body,
                kind,
                size,
            }
        })
        .collect()
}

/// `value` of `limit` as a bar width in percent (0 to 100).
pub fn percent(value: f64, limit: f64) -> f64 {
    if limit > 0.0 && value.is_finite() {
        (value / limit * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    }
}

/// `12.5 rec/s`, `1,000 rec/s`.
pub fn rate(value: f64) -> String {
    if !value.is_finite() || value < 0.0 {
        "0".into()
    } else if value < 10.0 {
        format!("{value:.1}")
    } else {
        group(value.round() as u64)
    }
}

/// `1234567` -> `1,234,567`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `2026-12-02 12:30:00.123 UTC`.
pub fn time_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_rows() {
        let out = json!({"StreamDescriptionSummary": {"StreamName": "realTimeSales", "StreamStatus": "ACTIVE",
            "StreamModeDetails": {"StreamMode": "PROVISIONED"}, "OpenShardCount": 2, "RetentionPeriodHours": 24,
            "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/realTimeSales"}});
        let row = stream_row(&out).unwrap();
        assert_eq!((row.name.as_str(), row.shards, row.mode.as_str()), ("realTimeSales", 2, "PROVISIONED"));
        assert!(stream_row(&json!({})).is_none());
        assert_eq!(stream_names(&json!({"StreamNames": ["a", "b"]})), ["a", "b"]);
        assert!(stream_names(&json!(null)).is_empty());
    }

    #[test]
    fn create_inputs_and_names() {
        assert_eq!(create_stream_input("s", false, 2)["ShardCount"], 2);
        assert!(create_stream_input("s", true, 2).get("ShardCount").is_none());
        assert!(check_stream_name("realTimeSales").is_ok());
        assert!(check_stream_name("").is_err());
        assert!(check_stream_name("a b").is_err());
        assert!(check_stream_name(&"a".repeat(129)).is_err());
    }

    #[test]
    fn iterator_inputs() {
        let i = shard_iterator_input("s", "shardId-000000000000", "TRIM_HORIZON", "").unwrap();
        assert_eq!(i["ShardIteratorType"], "TRIM_HORIZON");
        let i = shard_iterator_input("s", "x", "AFTER_SEQUENCE_NUMBER", " 4959 ").unwrap();
        assert_eq!(i["StartingSequenceNumber"], "4959");
        assert!(shard_iterator_input("s", "x", "AT_SEQUENCE_NUMBER", "").is_err());
        assert_eq!(shard_iterator_input("s", "x", "AT_TIMESTAMP", "1764678600").unwrap()["Timestamp"], 1764678600.0);
        let i = shard_iterator_input("s", "x", "AT_TIMESTAMP", "2025-12-02T12:30:00Z").unwrap();
        assert_eq!(i["Timestamp"], 1764678600.0);
        assert!(shard_iterator_input("s", "x", "AT_TIMESTAMP", "yesterday").is_err());
    }

    #[test]
    fn records_decode() {
        // The course's record.
        let b64 = "eyJpZCI6IjEyMyIsICJyZWdpb24iOiJOU1ciLCAiYW1vdW50IjogMjAwfQ==";
        let (body, kind, size) = decode_data(b64, true);
        assert_eq!(kind, BodyKind::Json);
        assert!(body.contains("\"region\": \"NSW\""), "{body}");
        assert_eq!(size, 43);
        assert_eq!(decode_data(b64, false).1, BodyKind::Text);
        assert_eq!(decode_data("aGVsbG8=", true), ("hello".into(), BodyKind::Text, 5));
        assert_eq!(decode_data("//79", true).1, BodyKind::Binary);
        assert_eq!(decode_data("!!", true).1, BodyKind::Binary);
        let out = json!({"Records": [{"SequenceNumber": "1", "PartitionKey": "sales", "Data": "aGVsbG8=",
            "ApproximateArrivalTimestamp": 1764678600.5}], "MillisBehindLatest": 0});
        let r = &shown_records(&out, true)[0];
        assert_eq!((r.partition_key.as_str(), r.arrival_ms), ("sales", Some(1_764_678_600_500)));
        assert_eq!(time_ms(1_764_678_600_500), "2025-12-02 12:30:00.500 UTC");
    }

    #[test]
    fn numbers() {
        assert_eq!(percent(500.0, 1000.0), 50.0);
        assert_eq!(percent(5000.0, 1000.0), 100.0);
        assert_eq!(percent(1.0, 0.0), 0.0);
        assert_eq!(percent(f64::NAN, 1.0), 0.0);
        assert_eq!(rate(2.345), "2.3");
        assert_eq!(rate(1234.4), "1,234");
        assert_eq!(rate(-1.0), "0");
        assert_eq!(group(1_000_000), "1,000,000");
        assert_eq!(group(999), "999");
    }
}
