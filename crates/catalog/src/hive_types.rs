//! Glue/Hive type names <-> Arrow data types.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields, TimeUnit};

/// The Hive type name a catalog stores for an Arrow type.
pub fn arrow_to_hive(dt: &DataType) -> String {
    match dt {
        DataType::Boolean => "boolean".into(),
        DataType::Int8 => "tinyint".into(),
        DataType::Int16 | DataType::UInt8 => "smallint".into(),
        DataType::Int32 | DataType::UInt16 => "int".into(),
        DataType::Int64 | DataType::UInt32 => "bigint".into(),
        DataType::UInt64 => "decimal(20,0)".into(),
        DataType::Float16 | DataType::Float32 => "float".into(),
        DataType::Float64 => "double".into(),
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) | DataType::Decimal128(p, s) => {
            format!("decimal({p},{s})")
        }
        DataType::Decimal256(p, s) => format!("decimal({},{s})", (*p).min(38)),
        DataType::Date32 | DataType::Date64 => "date".into(),
        DataType::Timestamp(_, _) => "timestamp".into(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            "binary".into()
        }
        DataType::List(f) | DataType::LargeList(f) | DataType::ListView(f) | DataType::FixedSizeList(f, _) => {
            format!("array<{}>", arrow_to_hive(f.data_type()))
        }
        DataType::Struct(fields) => {
            let inner: Vec<_> =
                fields.iter().map(|f| format!("{}:{}", f.name(), arrow_to_hive(f.data_type()))).collect();
            format!("struct<{}>", inner.join(","))
        }
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => {
                format!("map<{},{}>", arrow_to_hive(kv[0].data_type()), arrow_to_hive(kv[1].data_type()))
            }
            _ => "string".into(),
        },
        DataType::Dictionary(_, v) => arrow_to_hive(v),
        _ => "string".into(),
    }
}

/// How deeply `array<>`, `struct<>` and `map<>` may nest in a Hive type Puddle reads (Hive
/// and Athena cap nesting too); a deeper type is unknown (`None`), never a stack overflow.
pub const MAX_TYPE_DEPTH: usize = 32;

/// The Arrow type a Hive type name reads as. `None` for a name Puddle does not know.
pub fn hive_to_arrow(hive: &str) -> Option<DataType> {
    let t = hive.trim().to_ascii_lowercase();
    hive_to_arrow_at(&t, 0)
}

fn hive_to_arrow_at(t: &str, depth: usize) -> Option<DataType> {
    if depth > MAX_TYPE_DEPTH {
        return None;
    }
    let t = t.trim();
    let dt = match t {
        "string" | "varchar" | "char" => DataType::Utf8,
        "boolean" => DataType::Boolean,
        "tinyint" => DataType::Int8,
        "smallint" => DataType::Int16,
        "int" | "integer" => DataType::Int32,
        "bigint" => DataType::Int64,
        "float" | "real" => DataType::Float32,
        "double" => DataType::Float64,
        "date" => DataType::Date32,
        "timestamp" => DataType::Timestamp(TimeUnit::Nanosecond, None),
        "binary" => DataType::Binary,
        _ => return parametrised(t, depth),
    };
    Some(dt)
}

fn parametrised(t: &str, depth: usize) -> Option<DataType> {
    let hive_to_arrow = |inner: &str| hive_to_arrow_at(inner, depth + 1);
    if let Some(args) = t.strip_prefix("decimal(").and_then(|r| r.strip_suffix(')')) {
        let (p, s) = args.split_once(',')?;
        return Some(DataType::Decimal128(p.trim().parse().ok()?, s.trim().parse().ok()?));
    }
    if t.starts_with("varchar(") || t.starts_with("char(") {
        return Some(DataType::Utf8);
    }
    if let Some(inner) = t.strip_prefix("array<").and_then(|r| r.strip_suffix('>')) {
        return Some(DataType::List(Arc::new(Field::new("item", hive_to_arrow(inner)?, true))));
    }
    if let Some(inner) = t.strip_prefix("struct<").and_then(|r| r.strip_suffix('>')) {
        let mut fields = Vec::new();
        for part in split_top_level(inner) {
            let (name, ty) = part.split_once(':')?;
            fields.push(Field::new(name.trim(), hive_to_arrow(ty)?, true));
        }
        return Some(DataType::Struct(Fields::from(fields)));
    }
    if let Some(inner) = t.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
        let parts = split_top_level(inner);
        let [k, v] = parts.as_slice() else { return None };
        let entries = Field::new(
            "entries",
            DataType::Struct(Fields::from(vec![
                Field::new("key", hive_to_arrow(k)?, false),
                Field::new("value", hive_to_arrow(v)?, true),
            ])),
            false,
        );
        return Some(DataType::Map(Arc::new(entries), false));
    }
    None
}

/// Splits `a:int,b:struct<c:int,d:int>` at the commas that are not nested in `<>`.
fn split_top_level(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12: a type nested thousands of levels deep overflowed the stack.
    #[test]
    fn deep_types_are_unknown_not_a_stack_overflow() {
        let deep = |n: usize| format!("{}int{}", "array<".repeat(n), ">".repeat(n));
        assert!(hive_to_arrow(&deep(MAX_TYPE_DEPTH)).is_some());
        assert!(hive_to_arrow(&deep(MAX_TYPE_DEPTH + 1)).is_none());
        assert!(hive_to_arrow(&deep(100_000)).is_none());
        assert!(hive_to_arrow(&format!("{}a:int{}", "struct<x:".repeat(10_000), ">".repeat(10_000))).is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        #[test]
        fn any_type_name_is_total(t in "(array<|struct<|map<|decimal\\(|[a-z]{1,6}|[0-9]{1,3}|[<>(),: ]){0,30}") {
            if let Some(dt) = hive_to_arrow(&t) {
                proptest::prop_assert!(hive_to_arrow(&arrow_to_hive(&dt)).is_some());
            }
        }
    }

    #[test]
    fn round_trips() {
        for hive in [
            "string",
            "boolean",
            "tinyint",
            "smallint",
            "int",
            "bigint",
            "float",
            "double",
            "date",
            "timestamp",
            "binary",
            "decimal(10,2)",
            "array<string>",
            "struct<a:int,b:array<double>>",
            "map<string,bigint>",
        ] {
            let arrow = hive_to_arrow(hive).unwrap_or_else(|| panic!("{hive}"));
            assert_eq!(arrow_to_hive(&arrow), hive);
        }
    }

    #[test]
    fn unknown_types_are_none() {
        for bad in ["uuid", "decimal(x,2)", "array<nope>", "struct<a>", "map<int>"] {
            assert_eq!(hive_to_arrow(bad), None, "{bad}");
        }
    }
}
