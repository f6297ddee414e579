//! What a `CREATE EXTERNAL TABLE`'s `ROW FORMAT SERDE ... WITH SERDEPROPERTIES (...)` means for
//! Puddle's readers. Every property is either honoured (it becomes the delimiter, quote or
//! escape character of the table) or refused with the list of those that are: a property that
//! changes how Athena reads the files must never be silently dropped.

use std::collections::BTreeMap;

use crate::{Error, Result};

/// Why Hive's delimiter escape (`ESCAPED BY`, `escape.delim`) is refused.
pub(crate) const NO_DELIMITER_ESCAPE: &str = "ESCAPED BY (escape.delim) is not supported: Puddle's text reader \
    cannot escape a delimiter outside quotes; remove it, or use ROW FORMAT SERDE \
    'org.apache.hadoop.hive.serde2.OpenCSVSerde' WITH SERDEPROPERTIES ('escapeChar'='\\\\'), which escapes \
    inside quoted fields";

/// The SerDe families Puddle reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SerDe {
    /// `org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe` (also `ROW FORMAT DELIMITED`).
    LazySimple,
    /// `org.apache.hadoop.hive.serde2.OpenCSVSerde`.
    OpenCsv,
    /// `org.openx.data.jsonserde.JsonSerDe`, `org.apache.hive.hcatalog.data.JsonSerDe`.
    Json,
    /// `org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe`.
    Parquet,
}

impl SerDe {
    /// The family of SerDe class `class`, or a refusal naming those Puddle reads.
    pub(crate) fn of_class(class: &str) -> Result<Self> {
        let lower = class.to_ascii_lowercase();
        if lower.contains("parquet") {
            Ok(SerDe::Parquet)
        } else if lower.contains("json") {
            Ok(SerDe::Json)
        } else if lower.contains("opencsvserde") {
            Ok(SerDe::OpenCsv)
        } else if lower.contains("lazysimpleserde") {
            Ok(SerDe::LazySimple)
        } else {
            Err(Error::NotSupported(format!(
                "SerDe '{class}' is not supported; Puddle reads LazySimpleSerDe, OpenCSVSerde, JsonSerDe and ParquetHiveSerDe tables"
            )))
        }
    }

    /// Its classification.
    pub(crate) fn classification(self) -> &'static str {
        match self {
            SerDe::LazySimple | SerDe::OpenCsv => "csv",
            SerDe::Json => "json",
            SerDe::Parquet => "parquet",
        }
    }
}

/// The reading options SERDEPROPERTIES give a table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TextOptions {
    pub delimiter: Option<String>,
    pub quote: Option<String>,
    pub escape: Option<String>,
}

/// One character, as the SerDe reads it: LazySimpleSerDe takes a number as the byte value
/// (`'1'` is `\u0001`, Hive's default separator), anything else by its first character.
fn lazy_simple_char(value: &str) -> String {
    match value.parse::<u8>() {
        Ok(b) => char::from(b).to_string(),
        Err(_) => value.chars().next().map(String::from).unwrap_or_default(),
    }
}

fn refuse(serde: SerDe, key: &str, honoured: &[&str]) -> Error {
    let list = if honoured.is_empty() { "none".to_string() } else { honoured.join(", ") };
    Error::NotSupported(format!(
        "SERDEPROPERTIES '{key}' is not supported for {serde:?} tables (Puddle would ignore it and read the files \
         differently from Athena); supported: {list}"
    ))
}

/// The reading options of `props` for a table of `serde`; a property Puddle does not honour is
/// refused. `serialization.format` is accepted where the SerDe gives it no meaning (JSON and
/// Parquet), and the Hive convention of naming the delimiter with it (LazySimpleSerDe).
pub(crate) fn text_options(serde: SerDe, props: &BTreeMap<String, String>) -> Result<TextOptions> {
    let mut out = TextOptions::default();
    match serde {
        SerDe::OpenCsv => {
            const HONOURED: &[&str] = &["separatorChar", "quoteChar", "escapeChar"];
            for (key, value) in props {
                match key.as_str() {
                    "separatorChar" => out.delimiter = Some(value.clone()),
                    "quoteChar" => out.quote = Some(value.clone()),
                    "escapeChar" => out.escape = Some(value.clone()),
                    other => return Err(refuse(serde, other, HONOURED)),
                }
            }
        }
        SerDe::LazySimple => {
            const HONOURED: &[&str] = &["field.delim", "serialization.format", "line.delim"];
            for (key, value) in props {
                match key.as_str() {
                    "field.delim" => out.delimiter = Some(lazy_simple_char(value)),
                    "serialization.format" => {
                        if !props.contains_key("field.delim") {
                            out.delimiter = Some(lazy_simple_char(value));
                        }
                    }
                    "escape.delim" => return Err(Error::NotSupported(NO_DELIMITER_ESCAPE.into())),
                    "line.delim" => check_line_delimiter(value)?,
                    other => return Err(refuse(serde, other, HONOURED)),
                }
            }
        }
        SerDe::Json | SerDe::Parquet => {
            for key in props.keys() {
                if key != "serialization.format" {
                    return Err(refuse(serde, key, &["serialization.format (no effect)"]));
                }
            }
        }
    }
    Ok(out)
}

/// Puddle reads text files line by line: `LINES TERMINATED BY` / `line.delim` can only be `\n`.
pub(crate) fn check_line_delimiter(value: &str) -> Result<()> {
    if value == "\n" {
        Ok(())
    } else {
        Err(Error::NotSupported(format!(
            "LINES TERMINATED BY {value:?} is not supported: Puddle (like Athena's text SerDes) reads lines ended by '\\n'"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn honoured_properties_become_reading_options() {
        let csv =
            text_options(SerDe::OpenCsv, &props(&[("separatorChar", ";"), ("quoteChar", "'"), ("escapeChar", "\\")]))
                .unwrap();
        assert_eq!(
            csv,
            TextOptions { delimiter: Some(";".into()), quote: Some("'".into()), escape: Some("\\".into()) }
        );
        let lazy = text_options(SerDe::LazySimple, &props(&[("serialization.format", "1")])).unwrap();
        assert_eq!(lazy.delimiter.as_deref(), Some("\u{1}"), "Hive's numeric form");
        let lazy = text_options(SerDe::LazySimple, &props(&[("serialization.format", ","), ("field.delim", "|")]));
        assert_eq!(lazy.unwrap().delimiter.as_deref(), Some("|"), "field.delim wins");
        assert!(text_options(SerDe::Json, &props(&[("serialization.format", "1")])).is_ok());
    }

    #[test]
    fn properties_puddle_would_ignore_are_refused() {
        for (serde, key) in [
            (SerDe::OpenCsv, "separator"),
            (SerDe::LazySimple, "collection.delim"),
            (SerDe::LazySimple, "escape.delim"),
            (SerDe::LazySimple, "mapkey.delim"),
            (SerDe::Json, "ignore.malformed.json"),
            (SerDe::Json, "case.insensitive"),
            (SerDe::Json, "mapping.ts"),
            (SerDe::Parquet, "parquet.compress"),
        ] {
            let err = text_options(serde, &props(&[(key, "x")])).unwrap_err();
            assert!(err.to_string().contains(key) && err.to_string().contains("supported"), "{err}");
        }
        assert!(text_options(SerDe::LazySimple, &props(&[("line.delim", "\r\n")])).is_err());
        assert!(text_options(SerDe::LazySimple, &props(&[("line.delim", "\n")])).is_ok());
        assert!(SerDe::of_class("org.apache.hadoop.hive.serde2.avro.AvroSerDe").is_err());
    }
}
