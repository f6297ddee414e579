//! What the Glue catalog browser shows of one table: its definition, partitions, versions,
//! DDL, and the side-by-side schema difference between two versions.

use serde::{Deserialize, Serialize};

use crate::{ColumnSummary, TableSummary};

/// One partition of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionSummary {
    /// Values, one per partition key.
    pub values: Vec<String>,
    /// `s3://...` folder of the partition.
    pub location: String,
}

/// One stored definition of a table (Glue's `TableVersion`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableVersionSummary {
    /// `"1"`, `"2"`, ...
    #[serde(rename = "versionId")]
    pub version_id: String,
    /// Data columns of that version.
    pub columns: Vec<ColumnSummary>,
    /// Partition keys of that version.
    #[serde(rename = "partitionKeys")]
    pub partition_keys: Vec<ColumnSummary>,
}

/// Everything the table page shows, read at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableDetails {
    /// The table (columns include the partition keys, last).
    pub table: TableSummary,
    /// Partition keys with their types.
    #[serde(rename = "partitionKeyColumns")]
    pub partition_key_columns: Vec<ColumnSummary>,
    /// Partitions, sorted by values.
    pub partitions: Vec<PartitionSummary>,
    /// Versions, newest first.
    pub versions: Vec<TableVersionSummary>,
    /// `SHOW CREATE TABLE` text.
    pub ddl: String,
}

/// One row of a side-by-side schema diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnDiffSummary {
    /// Column name.
    pub name: String,
    /// Type in the older version (`None`: added).
    #[serde(rename = "oldType")]
    pub old_type: Option<String>,
    /// Type in the newer version (`None`: removed).
    #[serde(rename = "newType")]
    pub new_type: Option<String>,
    /// `UNCHANGED`, `ADDED`, `REMOVED` or `TYPE_CHANGED`.
    pub change: String,
    /// Whether the row is a partition key.
    #[serde(rename = "partitionKey")]
    pub partition_key: bool,
}

/// The difference between two versions of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableDiff {
    /// Older version id.
    #[serde(rename = "oldVersion")]
    pub old_version: String,
    /// Newer version id.
    #[serde(rename = "newVersion")]
    pub new_version: String,
    /// Columns then partition keys, every one of either side.
    pub columns: Vec<ColumnDiffSummary>,
}
