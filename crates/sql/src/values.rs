//! Arrow record batches -> JSON rows for the API.

use datafusion::arrow::{
    array::{Array, AsArray, RecordBatch},
    datatypes::{DataType, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type},
    datatypes::{UInt16Type, UInt32Type, UInt64Type, UInt8Type},
    util::display::{ArrayFormatter, FormatOptions},
};
use serde_json::Value;

use crate::Result;

/// Largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Rows of `batches` as JSON values: numbers, strings, booleans and nulls. Integers beyond
/// 2^53 and every other type (dates, timestamps, decimals, nested) become their display strings.
pub(crate) fn rows(batches: &[RecordBatch]) -> Result<Vec<Vec<Value>>> {
    let mut out = Vec::with_capacity(batches.iter().map(|b| b.num_rows()).sum());
    for batch in batches {
        let mut columns: Vec<std::vec::IntoIter<Value>> =
            batch.columns().iter().map(|c| column_values(c.as_ref()).map(Vec::into_iter)).collect::<Result<_>>()?;
        // Each value moves into its row (no clone of every string).
        for _ in 0..batch.num_rows() {
            out.push(columns.iter_mut().map(|c| c.next().unwrap_or(Value::Null)).collect());
        }
    }
    Ok(out)
}

fn column_values(array: &dyn Array) -> Result<Vec<Value>> {
    let n = array.len();
    let mut values = Vec::with_capacity(n);
    macro_rules! ints {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            for i in 0..n {
                values.push(if a.is_null(i) { Value::Null } else { int(a.value(i) as i128) });
            }
        }};
    }
    macro_rules! floats {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            for i in 0..n {
                values.push(if a.is_null(i) { Value::Null } else { float(a.value(i) as f64) });
            }
        }};
    }
    match array.data_type() {
        DataType::Null => values.resize(n, Value::Null),
        DataType::Boolean => {
            let a = array.as_boolean();
            values.extend((0..n).map(|i| if a.is_null(i) { Value::Null } else { Value::Bool(a.value(i)) }));
        }
        DataType::Int8 => ints!(Int8Type),
        DataType::Int16 => ints!(Int16Type),
        DataType::Int32 => ints!(Int32Type),
        DataType::Int64 => ints!(Int64Type),
        DataType::UInt8 => ints!(UInt8Type),
        DataType::UInt16 => ints!(UInt16Type),
        DataType::UInt32 => ints!(UInt32Type),
        DataType::UInt64 => ints!(UInt64Type),
        DataType::Float32 => floats!(Float32Type),
        DataType::Float64 => floats!(Float64Type),
        DataType::Utf8 => strings(array.as_string::<i32>().iter(), &mut values),
        DataType::LargeUtf8 => strings(array.as_string::<i64>().iter(), &mut values),
        DataType::Utf8View => strings(array.as_string_view().iter(), &mut values),
        _ => {
            // Athena prints timestamps as `2025-02-11 10:00:00.000`.
            let options = FormatOptions::default()
                .with_null("")
                .with_timestamp_format(Some("%Y-%m-%d %H:%M:%S%.3f"))
                .with_timestamp_tz_format(Some("%Y-%m-%d %H:%M:%S%.3f %Z"));
            let formatter = ArrayFormatter::try_new(array, &options)?;
            for i in 0..n {
                values.push(if array.is_null(i) { Value::Null } else { Value::String(formatter.value(i).to_string()) });
            }
        }
    }
    Ok(values)
}

fn strings<'a>(iter: impl Iterator<Item = Option<&'a str>>, out: &mut Vec<Value>) {
    out.extend(iter.map(|v| v.map_or(Value::Null, |s| Value::String(s.to_string()))));
}

fn int(v: i128) -> Value {
    if (-(MAX_SAFE_INTEGER as i128)..=MAX_SAFE_INTEGER as i128).contains(&v) {
        Value::from(v as i64)
    } else {
        Value::String(v.to_string())
    }
}

fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or_else(|| Value::String(v.to_string()), Value::Number)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::{
        array::{BooleanArray, Date32Array, Float64Array, Int64Array, StringArray},
        datatypes::{Field, Schema},
    };

    use super::*;

    #[test]
    fn converts_each_kind() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("i", DataType::Int64, true),
            Field::new("f", DataType::Float64, true),
            Field::new("s", DataType::Utf8, true),
            Field::new("b", DataType::Boolean, true),
            Field::new("d", DataType::Date32, true),
        ]));
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(Int64Array::from(vec![Some(1), Some(i64::MAX), None])),
                Arc::new(Float64Array::from(vec![Some(1.5), Some(f64::NAN), None])),
                Arc::new(StringArray::from(vec![Some("NSW"), Some(""), None])),
                Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])),
                Arc::new(Date32Array::from(vec![Some(20089), Some(0), None])),
            ],
        )
        .unwrap();
        let rows = rows(&[batch]).unwrap();
        assert_eq!(rows[0], vec![Value::from(1), Value::from(1.5), "NSW".into(), true.into(), "2025-01-01".into()]);
        let ts = datafusion::arrow::array::TimestampMicrosecondArray::from(vec![Some(1_739_268_000_123_000i64)]);
        assert_eq!(column_values(&ts).unwrap(), vec![Value::from("2025-02-11 10:00:00.123")]);
        assert_eq!(rows[1][0], Value::String(i64::MAX.to_string()));
        assert_eq!(rows[1][1], Value::String("NaN".into()));
        assert!(rows[2].iter().all(Value::is_null));
    }
}
