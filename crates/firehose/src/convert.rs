//! Record format conversion: JSON records -> one Parquet file typed by a Glue table.

use std::sync::Arc;

use arrow::datatypes::{Field, Schema};
use parquet::{arrow::ArrowWriter, file::properties::WriterProperties};
use serde_json::{Map, Value};

use crate::config::Conversion;

/// A record conversion refused, with AWS's error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionFailure {
    /// Index of the record in the batch.
    pub index: usize,
    /// `lastErrorCode`.
    pub code: String,
    /// `lastErrorMessage`.
    pub message: String,
}

/// The Arrow schema of a catalog table's data columns; an unknown type is an error message.
pub fn table_schema(table: &puddle_catalog::Table) -> Result<Schema, String> {
    let mut fields = Vec::new();
    for c in table.columns.iter().chain(&table.partition_keys) {
        let t = puddle_catalog::hive_to_arrow(&c.data_type)
            .ok_or_else(|| format!("The type '{}' of column '{}' is not supported.", c.data_type, c.name))?;
        fields.push(Field::new(c.name.to_ascii_lowercase(), t, true));
    }
    if fields.is_empty() {
        return Err("The table has no columns.".into());
    }
    Ok(Schema::new(fields))
}

/// Converts `records` to Parquet: the file (None when no record converted) and the failures.
pub fn to_parquet(records: &[&[u8]], schema: &Schema, conv: &Conversion) -> (Option<Vec<u8>>, Vec<ConversionFailure>) {
    let schema = Arc::new(schema.clone());
    let mut failures = Vec::new();
    let mut good: Vec<Value> = Vec::new();
    for (index, raw) in records.iter().enumerate() {
        let fail =
            |message: String| ConversionFailure { index, code: "DataFormatConversion.MalformedData".into(), message };
        match project(raw, &schema, conv) {
            Err(message) => failures.push(fail(message)),
            Ok(row) => match decode(std::slice::from_ref(&row), &schema) {
                Ok(_) => good.push(row),
                Err(e) => failures.push(fail(format!("The record does not match the table schema: {e}"))),
            },
        }
    }
    if good.is_empty() {
        return (None, failures);
    }
    let batch = match decode(&good, &schema) {
        Ok(b) => b,
        Err(e) => {
            let all = (0..records.len())
                .map(|index| ConversionFailure {
                    index,
                    code: "DataFormatConversion.MalformedData".into(),
                    message: e.clone(),
                })
                .collect();
            return (None, all);
        }
    };
    let props = WriterProperties::builder().set_compression(conv.parquet_compression).build();
    let write = || -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut out, schema.clone(), Some(props)).map_err(|e| e.to_string())?;
        writer.write(&batch).map_err(|e| e.to_string())?;
        writer.close().map_err(|e| e.to_string())?;
        Ok(out)
    };
    match write() {
        Ok(bytes) => (Some(bytes), failures),
        Err(e) => {
            let all = (0..records.len())
                .map(|index| ConversionFailure {
                    index,
                    code: "DataFormatConversion.ParquetWriteFailed".into(),
                    message: e.clone(),
                })
                .collect();
            (None, all)
        }
    }
}

/// The record as an object holding only the table's columns, keys matched as the SerDe does.
fn project(raw: &[u8], schema: &Schema, conv: &Conversion) -> Result<Value, String> {
    let value: Value = serde_json::from_slice(raw).map_err(|e| format!("Malformed JSON: {e}"))?;
    let Value::Object(obj) = value else {
        return Err(match value {
            Value::Array(_) => "The record is a JSON array, not a JSON object.".into(),
            _ => "The record is not a JSON object.".into(),
        });
    };
    let mut row = Map::new();
    for field in schema.fields() {
        let name = field.name();
        let found = obj.iter().find(|(k, _)| {
            let k = if conv.dots_to_underscores { k.replace('.', "_") } else { (*k).clone() };
            if conv.case_insensitive {
                k.eq_ignore_ascii_case(name)
            } else {
                k == *name
            }
        });
        if let Some((_, v)) = found {
            row.insert(name.clone(), v.clone());
        }
    }
    Ok(Value::Object(row))
}

fn decode(rows: &[Value], schema: &Arc<Schema>) -> Result<arrow::record_batch::RecordBatch, String> {
    let mut decoder = arrow::json::ReaderBuilder::new(schema.clone())
        .with_batch_size(rows.len().max(1))
        .build_decoder()
        .map_err(|e| e.to_string())?;
    decoder.serialize(rows).map_err(|e| e.to_string())?;
    decoder.flush().map_err(|e| e.to_string())?.ok_or_else(|| "no rows".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, Float64Array, Int64Array, StringArray};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    fn conv() -> Conversion {
        Conversion {
            database: "d".into(),
            table: "t".into(),
            version_id: "LATEST".into(),
            openx: true,
            case_insensitive: true,
            dots_to_underscores: false,
            parquet_compression: parquet::basic::Compression::SNAPPY,
            role_arn: String::new(),
        }
    }

    #[test]
    fn typed_parquet_with_failures() {
        let table = puddle_catalog::Table::new(
            "d",
            "t",
            "s3://b/t/",
            "parquet",
            vec![
                puddle_catalog::Column::new("id", "bigint"),
                puddle_catalog::Column::new("region", "string"),
                puddle_catalog::Column::new("amount", "double"),
            ],
        );
        let schema = table_schema(&table).unwrap();
        let records: Vec<&[u8]> = vec![
            br#"{"ID":1,"Region":"NSW","amount":2.5}"#,
            b"not json",
            br#"[1,2]"#,
            br#"{"id":"abc","region":"VIC","amount":1}"#,
            br#"{"id":3,"region":"QLD"}"#,
        ];
        let (file, failures) = to_parquet(&records, &schema, &conv());
        assert_eq!(failures.iter().map(|f| f.index).collect::<Vec<_>>(), vec![1, 2, 3]);
        let reader =
            ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(file.unwrap())).unwrap().build().unwrap();
        let batch = reader.into_iter().next().unwrap().unwrap();
        assert_eq!(batch.num_rows(), 2);
        let ids = batch.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!(ids.values(), &[1, 3]);
        let regions = batch.column(1).as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(regions.value(0), "NSW");
        let amounts = batch.column(2).as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!(amounts.value(0), 2.5);
        assert!(amounts.is_null(1));
    }
}
