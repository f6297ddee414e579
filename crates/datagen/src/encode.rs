//! Encoders: CSV, JSON lines, Parquet.

use std::{fmt::Write as _, sync::Arc};

use arrow::{
    array::{Float64Array, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray},
    datatypes::{DataType, Field, Schema, TimeUnit},
};
use parquet::{arrow::ArrowWriter, basic::Compression, file::properties::WriterProperties};

use crate::{sales, sales_range, SaleRow};

/// Why encoding failed (only Parquet encoding can).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Arrow or Parquet rejected the data.
    #[error("parquet encoding failed: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Building the Arrow batch failed.
    #[error("arrow batch failed: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
}

/// The first `n` rows as CSV with a header line.
pub fn sales_csv(n: u64) -> Vec<u8> {
    let mut out = String::with_capacity(n as usize * 48 + 32);
    out.push_str("id,region,product,amount,ts\n");
    for r in sales(n) {
        let _ = writeln!(out, "{},{},{},{:.2},{}", r.id, r.region, r.product, r.amount, r.ts_string());
    }
    out.into_bytes()
}

/// The first `n` rows as JSON lines.
pub fn sales_json_lines(n: u64) -> Vec<u8> {
    let mut out = String::with_capacity(n as usize * 90);
    for r in sales(n) {
        let _ = writeln!(
            out,
            r#"{{"id":{},"region":"{}","product":"{}","amount":{:.2},"ts":"{}"}}"#,
            r.id,
            r.region,
            r.product,
            r.amount,
            r.ts_string()
        );
    }
    out.into_bytes()
}

/// The first `n` rows as one snappy-compressed Parquet file (`ts` as a microsecond timestamp).
pub fn sales_parquet(n: u64) -> Result<Vec<u8>, Error> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("region", DataType::Utf8, false),
        Field::new("product", DataType::Utf8, false),
        Field::new("amount", DataType::Float64, false),
        Field::new("ts", DataType::Timestamp(TimeUnit::Microsecond, None), false),
    ]));
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut buf = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut buf, schema.clone(), Some(props))?;
    const BATCH: u64 = 64 * 1024;
    let mut start = 0;
    while start < n {
        let rows: Vec<SaleRow> = sales_range(start, (start + BATCH).min(n)).collect();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.id))),
                Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.region))),
                Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.product))),
                Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.amount))),
                Arc::new(TimestampMicrosecondArray::from_iter_values(rows.iter().map(|r| r.ts_micros()))),
            ],
        )?;
        writer.write(&batch)?;
        start += BATCH;
    }
    writer.close()?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_header_and_rows() {
        let csv = String::from_utf8(sales_csv(5)).unwrap();
        let lines: Vec<_> = csv.lines().collect();
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[0], "id,region,product,amount,ts");
        assert!(lines[1].starts_with("1,"));
        assert_eq!(lines[5].split(',').count(), 5);
    }

    #[test]
    fn json_lines_parse_shape() {
        let json = String::from_utf8(sales_json_lines(3)).unwrap();
        assert_eq!(json.lines().count(), 3);
        assert!(json.lines().all(|l| l.starts_with("{\"id\":") && l.ends_with('}')));
    }

    #[test]
    fn parquet_round_trips_row_count() {
        let bytes = sales_parquet(70_000).unwrap();
        let reader = parquet::file::reader::SerializedFileReader::new(bytes::Bytes::from(bytes)).unwrap();
        use parquet::file::reader::FileReader;
        assert_eq!(reader.metadata().file_metadata().num_rows(), 70_000);
    }
}
