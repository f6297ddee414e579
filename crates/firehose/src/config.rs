//! A delivery stream's configuration as the API takes it (AWS member names), kept in that shape,
//! and its validation by AWS's rules into the settings delivery runs by.

use std::collections::BTreeMap;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::{
    compress::Compression,
    jq::Query,
    prefix::{validate_prefixes, Prefix},
    Error, Result, ACCOUNT, REGION,
};

/// `BufferingHints`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BufferingHints {
    /// `SizeInMBs`, 1-128.
    #[serde(rename = "SizeInMBs", default, skip_serializing_if = "Option::is_none")]
    pub size_in_mbs: Option<i64>,
    /// `IntervalInSeconds`, 0-900.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_in_seconds: Option<i64>,
}

/// One processor parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessorParameter {
    /// `ParameterName`.
    pub parameter_name: String,
    /// `ParameterValue`.
    pub parameter_value: String,
}

/// One processor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Processor {
    /// `Type`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// `Parameters`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<ProcessorParameter>,
}

/// `ProcessingConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessingConfiguration {
    /// `Enabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `Processors`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processors: Vec<Processor>,
}

/// `ExtendedS3DestinationConfiguration` (an `S3DestinationConfiguration` is its subset), as given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3Destination {
    /// `RoleARN` (kept, not enforced: Puddle has no IAM).
    #[serde(rename = "RoleARN", default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// `BucketARN` (`arn:aws:s3:::bucket`).
    #[serde(rename = "BucketARN", default, skip_serializing_if = "Option::is_none")]
    pub bucket_arn: Option<String>,
    /// `Prefix`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// `ErrorOutputPrefix`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_output_prefix: Option<String>,
    /// `BufferingHints`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffering_hints: Option<BufferingHints>,
    /// `CompressionFormat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression_format: Option<String>,
    /// `ProcessingConfiguration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_configuration: Option<ProcessingConfiguration>,
    /// `DataFormatConversionConfiguration` (checked by [`S3Destination::settings`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_format_conversion_configuration: Option<Value>,
    /// `DynamicPartitioningConfiguration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_partitioning_configuration: Option<Value>,
    /// `FileExtension`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_extension: Option<String>,
    /// `CustomTimeZone` (UTC only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_time_zone: Option<String>,
    /// `CloudWatchLoggingOptions` (kept, unused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logging_options: Option<Value>,
    /// `EncryptionConfiguration` (kept, unused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_configuration: Option<Value>,
}

/// Parquet conversion settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    /// Glue database.
    pub database: String,
    /// Glue table.
    pub table: String,
    /// `VersionId` asked for (`LATEST` by default).
    pub version_id: String,
    /// OpenX JSON SerDe (case-insensitive keys) rather than Hive's.
    pub openx: bool,
    /// Whether column names match JSON keys whatever their case.
    pub case_insensitive: bool,
    /// OpenX `ConvertDotsInJsonKeysToUnderscores`.
    pub dots_to_underscores: bool,
    /// Parquet page compression.
    pub parquet_compression: parquet::basic::Compression,
    /// `RoleARN` of the schema configuration (echoed in error records).
    pub role_arn: String,
}

/// What delivery runs by, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Destination bucket.
    pub bucket: String,
    /// Object prefix (the default time folders added when it has no timestamp).
    pub prefix: Prefix,
    /// Error output prefix, if configured.
    pub error_prefix: Option<Prefix>,
    /// Buffer size in bytes.
    pub size_bytes: u64,
    /// Buffer interval in seconds.
    pub interval_seconds: u64,
    /// Compression.
    pub compression: Compression,
    /// Extension added to object names.
    pub extension: String,
    /// Parquet conversion.
    pub conversion: Option<Conversion>,
    /// Dynamic partitioning's query.
    pub query: Option<Query>,
    /// `AppendDelimiterToRecord`'s delimiter.
    pub delimiter: Option<Vec<u8>>,
    /// `RecordDeAggregation`: how a record splits into sub-records before partitioning.
    pub deaggregation: Option<Deaggregation>,
}

/// Multi-record deaggregation (dynamic partitioning of aggregated records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deaggregation {
    /// Consecutive JSON objects (`{..}{..}` or JSON lines).
    Json,
    /// Records separated by a delimiter.
    Delimited(Vec<u8>),
}

/// The processors' settings: the partitioning query, the delimiter appended, the deaggregation.
type Processors = (Option<Query>, Option<Vec<u8>>, Option<Deaggregation>);

/// Sub-records at most per aggregated record (AWS's cap).
pub const MAX_SUB_RECORDS: usize = 500;

impl Deaggregation {
    /// Splits one record; an error message when it cannot.
    pub fn split(&self, data: &[u8]) -> std::result::Result<Vec<Vec<u8>>, String> {
        let parts: Vec<Vec<u8>> = match self {
            Deaggregation::Json => {
                let mut out = Vec::new();
                let mut stream = serde_json::Deserializer::from_slice(data).into_iter::<serde::de::IgnoredAny>();
                let mut start = 0;
                while let Some(item) = stream.next() {
                    item.map_err(|e| format!("The record is not a sequence of JSON objects: {e}"))?;
                    let end = stream.byte_offset();
                    let part = data[start..end].trim_ascii();
                    if !part.starts_with(b"{") {
                        return Err("The record is not a sequence of JSON objects".into());
                    }
                    out.push(part.to_vec());
                    start = end;
                    if out.len() > MAX_SUB_RECORDS {
                        break;
                    }
                }
                out
            }
            Deaggregation::Delimited(d) => {
                let mut out = Vec::new();
                let mut rest = data;
                while let Some(i) = rest.windows(d.len()).position(|w| w == d.as_slice()) {
                    out.push(rest[..i].to_vec());
                    rest = &rest[i + d.len()..];
                    if out.len() > MAX_SUB_RECORDS {
                        break;
                    }
                }
                if !rest.is_empty() {
                    out.push(rest.to_vec());
                }
                out.retain(|p| !p.is_empty());
                out
            }
        };
        if parts.len() > MAX_SUB_RECORDS {
            return Err(format!("The record holds more than {MAX_SUB_RECORDS} sub-records"));
        }
        if parts.is_empty() {
            return Err("The record holds no sub-record".into());
        }
        Ok(parts)
    }
}

fn bad_enum(member: &str, value: &str, allowed: &str) -> Error {
    Error::invalid(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{allowed}]"
    ))
}

impl S3Destination {
    /// Parses the API's destination structure.
    pub fn from_json(value: &Value, member: &str) -> Result<Self> {
        serde_json::from_value(value.clone()).map_err(|e| Error::invalid(format!("Invalid {member}: {e}")))
    }

    /// UpdateDestination: members given replace the current ones.
    pub fn merge(&mut self, update: S3Destination) {
        macro_rules! take {
            ($($f:ident),*) => { $( if update.$f.is_some() { self.$f = update.$f; } )* };
        }
        take!(
            role_arn,
            bucket_arn,
            prefix,
            error_output_prefix,
            buffering_hints,
            compression_format,
            processing_configuration,
            data_format_conversion_configuration,
            dynamic_partitioning_configuration,
            file_extension,
            custom_time_zone,
            cloud_watch_logging_options,
            encryption_configuration
        );
    }

    /// Whether dynamic partitioning is enabled.
    pub fn dynamic_partitioning(&self) -> bool {
        self.dynamic_partitioning_configuration.as_ref().and_then(|c| c.get("Enabled")).and_then(Value::as_bool)
            == Some(true)
    }

    /// Checks the destination by AWS's rules.
    pub fn settings(&self) -> Result<Settings> {
        let arn = self.bucket_arn.as_deref().ok_or_else(|| Error::invalid("BucketARN is required."))?;
        let bucket = arn
            .strip_prefix("arn:aws:s3:::")
            .filter(|b| !b.is_empty() && !b.contains('/') && b.len() <= 63)
            .ok_or_else(|| {
                Error::invalid(format!("BucketARN '{arn}' is not a valid S3 bucket ARN (arn:aws:s3:::bucket)."))
            })?
            .to_string();
        let dp = self.dynamic_partitioning();
        let hints = self.buffering_hints.clone().unwrap_or_default();
        let size = hints.size_in_mbs.unwrap_or(if dp { 128 } else { 5 });
        let interval = hints.interval_in_seconds.unwrap_or(300);
        if !(1..=128).contains(&size) {
            return Err(Error::invalid(format!(
                "1 validation error detected: Value '{size}' at 'bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value between 1 and 128"
            )));
        }
        if !(0..=900).contains(&interval) {
            return Err(Error::invalid(format!(
                "1 validation error detected: Value '{interval}' at 'bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value between 0 and 900"
            )));
        }
        if dp && size < 64 {
            return Err(Error::invalid(
                "BufferingHints.SizeInMBs must be at least 64 when dynamic partitioning is enabled.",
            ));
        }
        if dp && interval < 60 {
            return Err(Error::invalid(
                "BufferingHints.IntervalInSeconds must be at least 60 when dynamic partitioning is enabled (zero buffering is not available for dynamic partitioning).",
            ));
        }
        let compression = Compression::parse(self.compression_format.as_deref().unwrap_or("UNCOMPRESSED"))?;
        let (prefix, error_prefix) =
            validate_prefixes(self.prefix.as_deref().unwrap_or(""), self.error_output_prefix.as_deref(), dp)?;
        if let Some(tz) = self.custom_time_zone.as_deref() {
            if !matches!(tz, "" | "UTC") {
                return Err(Error::invalid(format!("CustomTimeZone '{tz}' is not supported by Puddle (UTC only).")));
            }
        }
        let conversion = self.conversion()?;
        if conversion.is_some() && compression != Compression::Uncompressed {
            return Err(Error::invalid(
                "CompressionFormat must be set to UNCOMPRESSED when data format conversion is enabled.",
            ));
        }
        let (query, delimiter, deaggregation) = self.processors(dp)?;
        let mut partition_keys: Vec<&str> = prefix.partition_keys();
        partition_keys.dedup();
        if dp && query.is_none() {
            return Err(Error::invalid(
                "A MetadataExtraction processor with a MetadataExtractionQuery is required to use partitionKeyFromQuery expressions.",
            ));
        }
        let extension = match self.file_extension.as_deref() {
            Some(ext) if !ext.is_empty() => {
                let ok = ext.len() <= 128
                    && ext.starts_with('.')
                    && ext[1..].chars().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase() || "!-_.*'()".contains(c));
                if !ok {
                    return Err(Error::invalid(format!(
                        "1 validation error detected: Value '{ext}' at 'fileExtension' failed to satisfy constraint: Member must satisfy regular expression pattern: ^$|\\.[0-9a-z!\\-_.*'()]+"
                    )));
                }
                ext.to_string()
            }
            _ if conversion.is_some() => ".parquet".to_string(),
            _ => compression.extension().to_string(),
        };
        Ok(Settings {
            bucket,
            prefix,
            error_prefix,
            size_bytes: size as u64 * 1024 * 1024,
            interval_seconds: interval as u64,
            compression,
            extension,
            conversion,
            query,
            delimiter,
            deaggregation,
        })
    }

    fn conversion(&self) -> Result<Option<Conversion>> {
        let Some(c) = &self.data_format_conversion_configuration else { return Ok(None) };
        if c.get("Enabled").and_then(Value::as_bool) == Some(false) {
            return Ok(None);
        }
        let schema = c
            .get("SchemaConfiguration")
            .ok_or_else(|| Error::invalid("SchemaConfiguration is required when data format conversion is enabled."))?;
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let database = text(schema, "DatabaseName")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::invalid("SchemaConfiguration.DatabaseName is required."))?;
        let table = text(schema, "TableName")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::invalid("SchemaConfiguration.TableName is required."))?;
        let deserializer = c.pointer("/InputFormatConfiguration/Deserializer").ok_or_else(|| {
            Error::invalid("InputFormatConfiguration.Deserializer is required when data format conversion is enabled.")
        })?;
        let (openx, case_insensitive, dots_to_underscores) =
            match (deserializer.get("OpenXJsonSerDe"), deserializer.get("HiveJsonSerDe")) {
                (Some(o), None) => (
                    true,
                    o.get("CaseInsensitive").and_then(Value::as_bool).unwrap_or(true),
                    o.get("ConvertDotsInJsonKeysToUnderscores").and_then(Value::as_bool).unwrap_or(false),
                ),
                (None, Some(_)) => (false, false, false),
                _ => {
                    return Err(Error::invalid(
                        "Deserializer must have exactly one of OpenXJsonSerDe and HiveJsonSerDe.",
                    ))
                }
            };
        let serializer = c.pointer("/OutputFormatConfiguration/Serializer").ok_or_else(|| {
            Error::invalid("OutputFormatConfiguration.Serializer is required when data format conversion is enabled.")
        })?;
        if serializer.get("OrcSerDe").is_some() {
            return Err(Error::invalid(
                "OrcSerDe is not supported by Puddle: no maintained pure-Rust ORC writer builds for the browser. Use ParquetSerDe.",
            ));
        }
        let parquet =
            serializer.get("ParquetSerDe").ok_or_else(|| Error::invalid("Serializer must have ParquetSerDe."))?;
        let parquet_compression = match parquet.get("Compression").and_then(Value::as_str).unwrap_or("SNAPPY") {
            "SNAPPY" => parquet::basic::Compression::SNAPPY,
            "GZIP" => parquet::basic::Compression::GZIP(Default::default()),
            "UNCOMPRESSED" => parquet::basic::Compression::UNCOMPRESSED,
            other => return Err(bad_enum("parquetSerDe.compression", other, "UNCOMPRESSED, GZIP, SNAPPY")),
        };
        Ok(Some(Conversion {
            database,
            table,
            version_id: text(schema, "VersionId").unwrap_or_else(|| "LATEST".into()),
            openx,
            case_insensitive,
            dots_to_underscores,
            parquet_compression,
            role_arn: text(schema, "RoleARN").unwrap_or_default(),
        }))
    }

    fn processors(&self, dp: bool) -> Result<Processors> {
        let Some(pc) = &self.processing_configuration else { return Ok((None, None, None)) };
        if pc.enabled == Some(false) {
            return Ok((None, None, None));
        }
        let (mut query, mut delimiter, mut deaggregation) = (None, None, None);
        for p in &pc.processors {
            let param =
                |name: &str| p.parameters.iter().find(|x| x.parameter_name == name).map(|x| x.parameter_value.as_str());
            match p.kind.as_str() {
                "Lambda" => {
                    return Err(Error::invalid(
                        "Puddle does not run Lambda functions: a Lambda processor cannot be configured. Use dynamic partitioning with a MetadataExtraction processor (jq) instead.",
                    ))
                }
                "MetadataExtraction" => {
                    if !dp {
                        return Err(Error::invalid("MetadataExtraction processor is only supported when dynamic partitioning is enabled."));
                    }
                    let q = param("MetadataExtractionQuery")
                        .ok_or_else(|| Error::invalid("MetadataExtraction processor requires the MetadataExtractionQuery parameter."))?;
                    let engine = param("JsonParsingEngine").unwrap_or("JQ-1.6");
                    if engine != "JQ-1.6" {
                        return Err(bad_enum("JsonParsingEngine", engine, "JQ-1.6"));
                    }
                    query = Some(Query::new(q)?);
                }
                "AppendDelimiterToRecord" => {
                    let d = param("Delimiter").unwrap_or("\\n");
                    delimiter = Some(unescape(d).into_bytes());
                }
                "RecordDeAggregation" => {
                    if !dp {
                        return Err(Error::invalid("RecordDeAggregation processor is only supported when dynamic partitioning is enabled."));
                    }
                    deaggregation = Some(match param("SubRecordType").unwrap_or("JSON") {
                        "JSON" => Deaggregation::Json,
                        "DELIMITED" => {
                            let d = param("Delimiter").ok_or_else(|| {
                                Error::invalid("RecordDeAggregation with SubRecordType DELIMITED requires the Delimiter parameter (base64).")
                            })?;
                            let d = base64::engine::general_purpose::STANDARD
                                .decode(d)
                                .ok()
                                .filter(|d| !d.is_empty())
                                .ok_or_else(|| Error::invalid(format!("The Delimiter '{d}' is not a base64-encoded string.")))?;
                            Deaggregation::Delimited(d)
                        }
                        other => return Err(bad_enum("SubRecordType", other, "JSON, DELIMITED")),
                    });
                }
                other => {
                    return Err(Error::invalid(format!(
                        "Processor type {other} is not supported by Puddle (MetadataExtraction, RecordDeAggregation and AppendDelimiterToRecord are)."
                    )))
                }
            }
        }
        Ok((query, delimiter, deaggregation))
    }

    /// `ExtendedS3DestinationDescription` (defaults filled in as DescribeDeliveryStream shows them).
    pub fn describe(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or_else(|_| json!({}));
        let hints = self.buffering_hints.clone().unwrap_or_default();
        let dp = self.dynamic_partitioning();
        v["BufferingHints"] = json!({
            "SizeInMBs": hints.size_in_mbs.unwrap_or(if dp { 128 } else { 5 }),
            "IntervalInSeconds": hints.interval_in_seconds.unwrap_or(300),
        });
        v["CompressionFormat"] = json!(self.compression_format.clone().unwrap_or_else(|| "UNCOMPRESSED".into()));
        if self.encryption_configuration.is_none() {
            v["EncryptionConfiguration"] = json!({"NoEncryptionConfig": "NoEncryption"});
        }
        if self.cloud_watch_logging_options.is_none() {
            v["CloudWatchLoggingOptions"] = json!({"Enabled": false});
        }
        v["S3BackupMode"] = json!("Disabled");
        v
    }

    /// `S3DestinationDescription` (the plain S3 view AWS also answers).
    pub fn describe_plain(&self) -> Value {
        let full = self.describe();
        let mut plain = serde_json::Map::new();
        for k in [
            "RoleARN",
            "BucketARN",
            "Prefix",
            "ErrorOutputPrefix",
            "BufferingHints",
            "CompressionFormat",
            "EncryptionConfiguration",
            "CloudWatchLoggingOptions",
        ] {
            if let Some(v) = full.get(k) {
                plain.insert(k.into(), v.clone());
            }
        }
        Value::Object(plain)
    }
}

/// `\n`, `\t`, `\r` and `\\` in an AppendDelimiterToRecord delimiter.
fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r").replace("\\\\", "\\")
}

/// A delivery stream as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamRecord {
    /// Name.
    pub name: String,
    /// `DirectPut` or `KinesisStreamAsSource`.
    pub stream_type: String,
    /// The source stream's ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinesis_stream_arn: Option<String>,
    /// The source's RoleARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinesis_role_arn: Option<String>,
    /// VersionId: 1 at creation, one more per UpdateDestination.
    pub version: u64,
    /// CreateTimestamp (lake time).
    pub created: chrono::DateTime<chrono::Utc>,
    /// LastUpdateTimestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<chrono::DateTime<chrono::Utc>>,
    /// The S3 destination.
    pub destination: S3Destination,
    /// Whether it was given as ExtendedS3DestinationConfiguration.
    #[serde(default)]
    pub extended: bool,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl StreamRecord {
    /// The delivery stream's ARN.
    pub fn arn(&self) -> String {
        format!("arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{}", self.name)
    }
}

/// Checks a DeliveryStreamName (1-64 of `[a-zA-Z0-9_.-]`).
pub fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "1 validation error detected: Value '{name}' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 1 and 64"
        )))
    }
}
