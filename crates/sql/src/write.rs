//! Encoding query output as files: Parquet (with its compression), CSV with a header, JSON lines.
//! Shared by CTAS / INSERT INTO and Glue ETL jobs.

use std::sync::Arc;

use datafusion::{
    arrow::{array::RecordBatch, datatypes::SchemaRef},
    parquet::{
        arrow::ArrowWriter,
        basic::{Compression, GzipLevel, ZstdLevel},
        file::properties::WriterProperties,
    },
};

use crate::{Error, Result};

/// The bytes of one output file holding `batches`, and its file extension. `format` is
/// `parquet`, `csv` (comma-separated, with a header) or `json` (lines); `compression` is
/// Parquet's (`snappy`, `gzip`, `zstd`, `uncompressed`).
pub fn encode(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    format: &str,
    compression: &str,
) -> Result<(Vec<u8>, String)> {
    encode_with(schema, batches, format, compression, b',')
}

/// [`encode`] with the CSV field delimiter.
pub fn encode_with(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    format: &str,
    compression: &str,
    delimiter: u8,
) -> Result<(Vec<u8>, String)> {
    let enc = |e: String| Error::Query(format!("could not encode the output: {e}"));
    match format {
        "parquet" => {
            let codec = match compression {
                "snappy" => Compression::SNAPPY,
                "gzip" => Compression::GZIP(GzipLevel::default()),
                "zstd" => Compression::ZSTD(ZstdLevel::default()),
                "uncompressed" | "none" => Compression::UNCOMPRESSED,
                other => {
                    return Err(Error::NotSupported(format!(
                        "Parquet compression '{other}' is not supported: use snappy, gzip, zstd or uncompressed"
                    )))
                }
            };
            let props = WriterProperties::builder().set_compression(codec).build();
            let mut buf = Vec::new();
            let mut writer =
                ArrowWriter::try_new(&mut buf, Arc::clone(schema), Some(props)).map_err(|e| enc(e.to_string()))?;
            for b in batches {
                writer.write(b).map_err(|e| enc(e.to_string()))?;
            }
            writer.close().map_err(|e| enc(e.to_string()))?;
            let ext = if matches!(compression, "uncompressed" | "none") {
                "parquet".into()
            } else {
                format!("{compression}.parquet")
            };
            Ok((buf, ext))
        }
        "csv" => {
            let mut buf = Vec::new();
            {
                let mut writer = datafusion::arrow::csv::WriterBuilder::new()
                    .with_header(true)
                    .with_delimiter(delimiter)
                    .build(&mut buf);
                for b in batches {
                    writer.write(b).map_err(|e| enc(e.to_string()))?;
                }
            }
            Ok((buf, "csv".into()))
        }
        "json" => {
            let mut buf = Vec::new();
            {
                let mut writer = datafusion::arrow::json::LineDelimitedWriter::new(&mut buf);
                for b in batches {
                    writer.write(b).map_err(|e| enc(e.to_string()))?;
                }
                writer.finish().map_err(|e| enc(e.to_string()))?;
            }
            Ok((buf, "json".into()))
        }
        other => Err(Error::NotSupported(format!("format '{other}' is not supported"))),
    }
}
