//! Catalog entities: databases, tables, columns.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The database unqualified names resolve in when none is chosen.
pub const DEFAULT_DATABASE: &str = "default";

/// A catalog database (a Hive/Athena schema).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    /// Lowercase name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Creation time.
    pub create_time: chrono::DateTime<chrono::Utc>,
    /// Glue's `LocationUri` (Athena's `CREATE DATABASE ... LOCATION`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_uri: Option<String>,
    /// Glue's `Parameters` (Athena's `WITH DBPROPERTIES`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
}

/// What CreateDatabase says about a new database besides its name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatabaseInfo {
    /// Free text.
    pub description: String,
    /// `LocationUri`.
    pub location_uri: Option<String>,
    /// `Parameters`.
    pub parameters: BTreeMap<String, String>,
}

/// A column with its Glue/Hive type (`string`, `bigint`, `double`, `timestamp`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Hive type name.
    #[serde(rename = "type")]
    pub data_type: String,
    /// The column's `COMMENT` (Glue's `Comment`), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Column {
    /// A column.
    pub fn new(name: impl Into<String>, data_type: impl Into<String>) -> Self {
        Self { name: name.into(), data_type: data_type.into(), comment: None }
    }

    /// The same column with a comment.
    pub fn with_comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}

/// One partition of a table: its values and folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    /// Values, one per partition key.
    pub values: Vec<String>,
    /// `s3://...` folder of the partition.
    pub location: String,
}

/// A catalog table: files under an S3 location, read with a format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Database the table belongs to.
    pub database: String,
    /// Lowercase table name.
    pub name: String,
    /// `s3://bucket/prefix/` (a folder) or the URI of one object.
    pub location: String,
    /// Glue classification: `csv`, `json` or `parquet`.
    pub classification: String,
    /// Data columns, in file order.
    pub columns: Vec<Column>,
    /// Hive partition columns (folders `key=value/`), after the data columns.
    #[serde(default)]
    pub partition_keys: Vec<Column>,
    /// Partitions found so far (values in `partition_keys` order).
    #[serde(default)]
    pub partitions: Vec<Partition>,
    /// Table parameters (`skip.header.line.count`, `delimiter`, `recordCount`, ...).
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// Creation time (set by the catalog).
    #[serde(default)]
    pub create_time: Option<chrono::DateTime<chrono::Utc>>,
    /// Last update (set by the catalog).
    #[serde(default)]
    pub update_time: Option<chrono::DateTime<chrono::Utc>>,
    /// Glue's TableType: `EXTERNAL_TABLE`, or `VIRTUAL_VIEW` for an Athena view.
    #[serde(default = "external_table")]
    pub table_type: String,
    /// The SQL of a view (`SELECT ...`), as Glue's `ViewOriginalText` holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_original_text: Option<String>,
    /// Glue's `VersionId`: 1 when created, one more on every update (set by the catalog; 0 for
    /// a table not yet stored).
    #[serde(default)]
    pub version_id: u64,
}

/// Glue's TableType of a table over files.
pub const EXTERNAL_TABLE: &str = "EXTERNAL_TABLE";
/// Glue's TableType of a view.
pub const VIRTUAL_VIEW: &str = "VIRTUAL_VIEW";

fn external_table() -> String {
    EXTERNAL_TABLE.into()
}

impl Table {
    /// A table with no partitions or parameters.
    pub fn new(
        database: impl Into<String>,
        name: impl Into<String>,
        location: impl Into<String>,
        classification: impl Into<String>,
        columns: Vec<Column>,
    ) -> Self {
        Self {
            database: database.into(),
            name: name.into(),
            location: location.into(),
            classification: classification.into(),
            columns,
            partition_keys: Vec::new(),
            partitions: Vec::new(),
            parameters: BTreeMap::new(),
            create_time: None,
            update_time: None,
            table_type: external_table(),
            view_original_text: None,
            version_id: 0,
        }
    }

    /// A view: `sql` (a query) stored in the catalog with the columns it returns.
    pub fn view(
        database: impl Into<String>,
        name: impl Into<String>,
        sql: impl Into<String>,
        columns: Vec<Column>,
    ) -> Self {
        let mut table = Self::new(database, name, "", "", columns);
        table.table_type = VIRTUAL_VIEW.into();
        table.view_original_text = Some(sql.into());
        table
    }

    /// Whether this is a view.
    pub fn is_view(&self) -> bool {
        self.table_type == VIRTUAL_VIEW
    }

    /// `database.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.database, self.name)
    }
}

/// Lowercases and checks a database or table name: 1–255 characters of letters, digits and `_`.
pub fn validate_name(kind: &str, name: &str) -> Result<String> {
    let lower = name.to_ascii_lowercase();
    if lower.is_empty() || lower.len() > 255 {
        return Err(Error::InvalidInput(format!("{kind} name must be 1 to 255 characters long: '{name}'")));
    }
    if !lower.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(Error::InvalidInput(format!(
            "{kind} name '{name}' may contain only letters, digits and underscores"
        )));
    }
    Ok(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercased_and_checked() {
        assert_eq!(validate_name("Table", "Sales_Data").unwrap(), "sales_data");
        for bad in ["", "sales-data", "a b", "ünicode", "x.y"] {
            assert!(validate_name("Table", bad).is_err(), "{bad}");
        }
    }
}
