//! The "Create delivery stream" form's draft, in plain Rust (tested natively): the fields, the
//! checks made before asking the engine (which has the last word), the CreateDeliveryStream
//! input with AWS member names, and what the details view derives from a description.

use serde_json::{json, Value};

/// The account and region Puddle's ARNs use.
pub const ACCOUNT: &str = "123456789012";
/// The role Puddle names in delivery stream configurations (no IAM in the browser).
pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/firehose_delivery_role";

/// The form's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Delivery stream name.
    pub name: String,
    /// Source Kinesis stream ARN (`None`: Direct PUT).
    pub source_stream_arn: Option<String>,
    /// Destination bucket name.
    pub bucket: String,
    /// Object key prefix.
    pub prefix: String,
    /// Error output prefix.
    pub error_prefix: String,
    /// `SizeInMBs`.
    pub size_mib: u32,
    /// `IntervalInSeconds`.
    pub interval_s: u32,
    /// `UNCOMPRESSED`, `GZIP`, `ZIP`, `Snappy` or `HADOOP_SNAPPY`.
    pub compression: String,
    /// JSON -> Parquet with the schema of this Glue table (`database`, `table`).
    pub parquet: Option<(String, String)>,
    /// Dynamic partitioning by this jq query (`{region:.region}`).
    pub partition_query: Option<String>,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            name: "sales-to-s3".into(),
            source_stream_arn: None,
            bucket: String::new(),
            prefix: "sales/".into(),
            error_prefix: "errors/!{firehose:error-output-type}/".into(),
            size_mib: 5,
            interval_s: 60,
            compression: "UNCOMPRESSED".into(),
            parquet: None,
            partition_query: None,
        }
    }
}

/// Compression formats, as the API names them.
pub const COMPRESSIONS: [&str; 5] = ["UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"];

/// A field the form marks, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The input's id.
    pub field: &'static str,
    /// What to fix.
    pub message: String,
}

impl Draft {
    /// The first problem the form can see before asking the engine.
    pub fn check(&self) -> Result<(), FieldError> {
        let fail = |field, message: &str| Err(FieldError { field, message: message.into() });
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !name_ok {
            return fail("fh-name", "A delivery stream name has 1 to 64 letters, digits, '_', '.' or '-'.");
        }
        if self.bucket.is_empty() {
            return fail("fh-bucket", "Choose the destination bucket.");
        }
        if !(1..=128).contains(&self.size_mib) {
            return fail("fh-size", "The buffer size is 1 to 128 MiB.");
        }
        if self.interval_s > 900 {
            return fail("fh-interval", "The buffer interval is 0 to 900 seconds.");
        }
        if matches!(&self.parquet, Some((d, t)) if d.is_empty() || t.is_empty()) {
            return fail("fh-table", "Record format conversion needs the Glue table that holds the schema.");
        }
        if let Some(q) = &self.partition_query {
            if q.trim().is_empty() {
                return fail("fh-query", "Dynamic partitioning needs a jq query such as {region:.region}.");
            }
            if !self.prefix.contains("!{partitionKeyFromQuery:") {
                return fail(
                    "fh-prefix",
                    "With dynamic partitioning the prefix must use !{partitionKeyFromQuery:key}.",
                );
            }
        }
        if self.prefix.contains("!{") && self.error_prefix.trim().is_empty() {
            return fail("fh-error-prefix", "A prefix with expressions needs an error output prefix.");
        }
        Ok(())
    }

    /// The CreateDeliveryStream input.
    pub fn input(&self) -> Value {
        let mut dest = json!({
            "RoleARN": ROLE_ARN,
            "BucketARN": format!("arn:aws:s3:::{}", self.bucket),
            "Prefix": self.prefix,
            "ErrorOutputPrefix": self.error_prefix,
            "BufferingHints": {"SizeInMBs": self.size_mib, "IntervalInSeconds": self.interval_s},
            "CompressionFormat": if self.parquet.is_some() { "UNCOMPRESSED" } else { self.compression.as_str() },
        });
        if let Some((database, table)) = &self.parquet {
            dest["DataFormatConversionConfiguration"] = json!({
                "Enabled": true,
                "SchemaConfiguration": {"DatabaseName": database, "TableName": table, "RoleARN": ROLE_ARN},
                "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
                "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}},
            });
        }
        if let Some(query) = &self.partition_query {
            dest["DynamicPartitioningConfiguration"] = json!({"Enabled": true});
            dest["ProcessingConfiguration"] = json!({"Enabled": true, "Processors": [{
                "Type": "MetadataExtraction",
                "Parameters": [
                    {"ParameterName": "MetadataExtractionQuery", "ParameterValue": query.trim()},
                    {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
                ],
            }]});
        }
        let mut input = json!({"DeliveryStreamName": self.name, "ExtendedS3DestinationConfiguration": dest});
        match &self.source_stream_arn {
            Some(arn) => {
                input["DeliveryStreamType"] = json!("KinesisStreamAsSource");
                input["KinesisStreamSourceConfiguration"] = json!({"KinesisStreamARN": arn, "RoleARN": ROLE_ARN});
            }
            None => input["DeliveryStreamType"] = json!("DirectPut"),
        }
        input
    }
}

/// A Kinesis stream's ARN in Puddle's account.
pub fn stream_arn(name: &str) -> String {
    format!("arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{name}")
}

/// What the details view shows of a DescribeDeliveryStream output.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Described {
    /// `CREATING`, `ACTIVE`, ...
    pub status: String,
    /// `DirectPut` or `KinesisStreamAsSource`.
    pub kind: String,
    /// The source stream's ARN.
    pub source: Option<String>,
    /// Destination bucket.
    pub bucket: String,
    /// Prefix.
    pub prefix: String,
    /// Error output prefix.
    pub error_prefix: String,
    /// `SizeInMBs`, `IntervalInSeconds`.
    pub buffering: (u64, u64),
    /// Compression.
    pub compression: String,
    /// `database.table` of the Parquet conversion.
    pub parquet: Option<String>,
    /// The dynamic partitioning query.
    pub partition_query: Option<String>,
}

/// Reads a DescribeDeliveryStream output.
pub fn describe(output: &Value) -> Described {
    let d = &output["DeliveryStreamDescription"];
    let dest = &d["Destinations"][0]["ExtendedS3DestinationDescription"];
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let conv = &dest["DataFormatConversionConfiguration"];
    let parquet = (conv["Enabled"].as_bool() == Some(true)).then(|| {
        let schema = &conv["SchemaConfiguration"];
        format!("{}.{}", s(&schema["DatabaseName"]), s(&schema["TableName"]))
    });
    let partition_query = (dest["DynamicPartitioningConfiguration"]["Enabled"].as_bool() == Some(true))
        .then(|| {
            let processors = dest["ProcessingConfiguration"]["Processors"].as_array()?;
            processors
                .iter()
                .flat_map(|p| p["Parameters"].as_array().into_iter().flatten())
                .find_map(|p| (p["ParameterName"] == "MetadataExtractionQuery").then(|| s(&p["ParameterValue"])))
        })
        .flatten();
    Described {
        status: s(&d["DeliveryStreamStatus"]),
        kind: s(&d["DeliveryStreamType"]),
        source: d["Source"]["KinesisStreamSourceDescription"]["KinesisStreamARN"].as_str().map(str::to_string),
        bucket: s(&dest["BucketARN"]).trim_start_matches("arn:aws:s3:::").to_string(),
        prefix: s(&dest["Prefix"]),
        error_prefix: s(&dest["ErrorOutputPrefix"]),
        buffering: (
            dest["BufferingHints"]["SizeInMBs"].as_u64().unwrap_or(5),
            dest["BufferingHints"]["IntervalInSeconds"].as_u64().unwrap_or(300),
        ),
        compression: s(&dest["CompressionFormat"]),
        parquet,
        partition_query,
    }
}

/// The fixed part of a prefix (before its first `!{...}` expression): where to list delivered
/// objects. An empty prefix lists from the top, where AWS puts `YYYY/MM/dd/HH/`.
pub fn static_prefix(prefix: &str) -> &str {
    prefix.find("!{").map_or(prefix, |i| &prefix[..i])
}

/// Seconds left until `due_ms`, never below zero.
pub fn seconds_left(due_ms: i64, now_ms: i64) -> f64 {
    (due_ms.saturating_sub(now_ms).max(0)) as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready() -> Draft {
        Draft { bucket: "data-lake-raw-123".into(), ..Draft::default() }
    }

    #[test]
    fn checks_name_bucket_buffers_and_partitioning() {
        assert!(ready().check().is_ok());
        assert_eq!(Draft::default().check().unwrap_err().field, "fh-bucket");
        assert_eq!(Draft { name: "a b".into(), ..ready() }.check().unwrap_err().field, "fh-name");
        assert_eq!(Draft { size_mib: 0, ..ready() }.check().unwrap_err().field, "fh-size");
        assert_eq!(Draft { interval_s: 901, ..ready() }.check().unwrap_err().field, "fh-interval");
        let dp = Draft { partition_query: Some("{region:.region}".into()), ..ready() };
        assert_eq!(dp.check().unwrap_err().field, "fh-prefix");
        let dp = Draft { prefix: "sales/region=!{partitionKeyFromQuery:region}/".into(), ..dp };
        assert!(dp.check().is_ok());
        assert_eq!(Draft { error_prefix: String::new(), ..dp.clone() }.check().unwrap_err().field, "fh-error-prefix");
        assert_eq!(
            Draft { parquet: Some(("db".into(), String::new())), ..ready() }.check().unwrap_err().field,
            "fh-table"
        );
    }

    #[test]
    fn input_has_aws_member_names() {
        let d = Draft {
            source_stream_arn: Some(stream_arn("realTimeSales")),
            parquet: Some(("sales_db".into(), "sales".into())),
            partition_query: Some(" {region:.region} ".into()),
            prefix: "region=!{partitionKeyFromQuery:region}/".into(),
            compression: "GZIP".into(),
            ..ready()
        };
        let v = d.input();
        assert_eq!(v["DeliveryStreamType"], "KinesisStreamAsSource");
        assert_eq!(
            v["KinesisStreamSourceConfiguration"]["KinesisStreamARN"],
            "arn:aws:kinesis:us-east-1:123456789012:stream/realTimeSales"
        );
        let dest = &v["ExtendedS3DestinationConfiguration"];
        assert_eq!(dest["BucketARN"], "arn:aws:s3:::data-lake-raw-123");
        assert_eq!(dest["CompressionFormat"], "UNCOMPRESSED", "Parquet compresses itself");
        assert_eq!(dest["DataFormatConversionConfiguration"]["SchemaConfiguration"]["TableName"], "sales");
        assert_eq!(
            dest["ProcessingConfiguration"]["Processors"][0]["Parameters"][0]["ParameterValue"],
            "{region:.region}"
        );
        let plain = ready().input();
        assert_eq!(plain["DeliveryStreamType"], "DirectPut");
        assert!(plain["ExtendedS3DestinationConfiguration"].get("DynamicPartitioningConfiguration").is_none());
    }

    #[test]
    fn describe_reads_back_what_input_wrote() {
        let d = Draft {
            parquet: Some(("sales_db".into(), "sales".into())),
            partition_query: Some("{region:.region}".into()),
            prefix: "region=!{partitionKeyFromQuery:region}/".into(),
            ..ready()
        };
        let input = d.input();
        let mut dest = input["ExtendedS3DestinationConfiguration"].clone();
        dest["BufferingHints"] = json!({"SizeInMBs": 64, "IntervalInSeconds": 60});
        let out = json!({"DeliveryStreamDescription": {"DeliveryStreamStatus": "ACTIVE", "DeliveryStreamType": "DirectPut",
            "Destinations": [{"DestinationId": "destinationId-000000000001", "ExtendedS3DestinationDescription": dest}]}});
        let got = describe(&out);
        assert_eq!(got.bucket, "data-lake-raw-123");
        assert_eq!(got.parquet.as_deref(), Some("sales_db.sales"));
        assert_eq!(got.partition_query.as_deref(), Some("{region:.region}"));
        assert_eq!(got.buffering, (64, 60));
        assert_eq!(describe(&json!(null)), Described { buffering: (5, 300), ..Described::default() });
    }

    #[test]
    fn prefixes_and_time() {
        assert_eq!(static_prefix("sales/region=!{partitionKeyFromQuery:region}/"), "sales/region=");
        assert_eq!(static_prefix("sales/"), "sales/");
        assert_eq!(seconds_left(10_500, 10_000), 0.5);
        assert_eq!(seconds_left(0, i64::MAX), 0.0);
        assert_eq!(seconds_left(i64::MAX, i64::MIN), i64::MAX as f64 / 1000.0);
    }
}
