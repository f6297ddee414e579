//! The difference between two definitions of a table (two versions), as plain serde data for a
//! side-by-side view: every column of either side, in the newer order, with what happened to it.

use serde::{Deserialize, Serialize};

use crate::{Catalog, Column, Result, Table};

/// What happened to a column between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Change {
    /// Same name and type on both sides.
    Unchanged,
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
    /// On both sides, with different types.
    TypeChanged,
}

/// One row of a side-by-side schema view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnDiff {
    /// Column name (as the newer version spells it, else the older).
    pub name: String,
    /// Type in the older version (`None`: added).
    pub old_type: Option<String>,
    /// Type in the newer version (`None`: removed).
    pub new_type: Option<String>,
    /// What happened.
    pub change: Change,
}

/// A table parameter whose value differs (`None`: absent on that side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParameterDiff {
    /// Parameter key.
    pub key: String,
    /// Older value.
    pub old: Option<String>,
    /// Newer value.
    pub new: Option<String>,
}

/// The difference between two definitions of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaDiff {
    /// Version id of the older side (`"1"`).
    pub old_version: String,
    /// Version id of the newer side.
    pub new_version: String,
    /// Data columns, every column of either side.
    pub columns: Vec<ColumnDiff>,
    /// Partition keys, every key of either side.
    pub partition_keys: Vec<ColumnDiff>,
    /// Parameters that differ (only those).
    pub parameters: Vec<ParameterDiff>,
    /// `(old, new)` location when it moved.
    pub location: Option<(String, String)>,
    /// `(old, new)` classification when it changed.
    pub classification: Option<(String, String)>,
}

impl SchemaDiff {
    /// Whether the columns and partition keys are the same (parameters may still differ).
    pub fn schema_unchanged(&self) -> bool {
        self.columns.iter().chain(&self.partition_keys).all(|c| c.change == Change::Unchanged)
    }

    /// Column and partition key rows that changed.
    pub fn changes(&self) -> impl Iterator<Item = &ColumnDiff> {
        self.columns.iter().chain(&self.partition_keys).filter(|c| c.change != Change::Unchanged)
    }
}

/// Every column of `old` and `new`: the newer order, each removed column right after the column
/// that preceded it in `old` (or first). Names match case-insensitively.
pub fn diff_columns(old: &[Column], new: &[Column]) -> Vec<ColumnDiff> {
    let find = |cols: &[Column], name: &str| cols.iter().find(|c| c.name.eq_ignore_ascii_case(name)).cloned();
    let mut rows: Vec<ColumnDiff> = new
        .iter()
        .map(|n| match find(old, &n.name) {
            Some(o) => ColumnDiff {
                name: n.name.clone(),
                change: if o.data_type.eq_ignore_ascii_case(&n.data_type) {
                    Change::Unchanged
                } else {
                    Change::TypeChanged
                },
                old_type: Some(o.data_type),
                new_type: Some(n.data_type.clone()),
            },
            None => ColumnDiff {
                name: n.name.clone(),
                old_type: None,
                new_type: Some(n.data_type.clone()),
                change: Change::Added,
            },
        })
        .collect();
    for (i, o) in old.iter().enumerate() {
        if find(new, &o.name).is_some() {
            continue;
        }
        let removed = ColumnDiff {
            name: o.name.clone(),
            old_type: Some(o.data_type.clone()),
            new_type: None,
            change: Change::Removed,
        };
        // After the row of the nearest earlier old column still shown (kept or removed).
        let position = old[..i]
            .iter()
            .rev()
            .find_map(|prev| rows.iter().position(|r| r.name.eq_ignore_ascii_case(&prev.name)))
            .map_or(0, |p| p + 1);
        rows.insert(position, removed);
    }
    rows
}

/// The difference from `old` to `new` (two definitions of one table).
pub fn schema_diff(old: &Table, new: &Table) -> SchemaDiff {
    let keys: std::collections::BTreeSet<&String> = old.parameters.keys().chain(new.parameters.keys()).collect();
    let parameters = keys
        .into_iter()
        .filter(|k| old.parameters.get(*k) != new.parameters.get(*k))
        .map(|k| ParameterDiff {
            key: k.clone(),
            old: old.parameters.get(k).cloned(),
            new: new.parameters.get(k).cloned(),
        })
        .collect();
    let changed = |a: &String, b: &String| (a != b).then(|| (a.clone(), b.clone()));
    SchemaDiff {
        old_version: old.version_id.max(1).to_string(),
        new_version: new.version_id.max(1).to_string(),
        columns: diff_columns(&old.columns, &new.columns),
        partition_keys: diff_columns(&old.partition_keys, &new.partition_keys),
        parameters,
        location: changed(&old.location, &new.location),
        classification: changed(&old.classification, &new.classification),
    }
}

impl Catalog {
    /// The difference between two versions of a table (ids as GetTableVersions gives them).
    pub async fn diff_table_versions(
        &self,
        database: &str,
        table: &str,
        old_version: &str,
        new_version: &str,
    ) -> Result<SchemaDiff> {
        let old = self.table_version(database, table, Some(old_version)).await?;
        let new = self.table_version(database, table, Some(new_version)).await?;
        Ok(schema_diff(&old.table, &new.table))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use object_store::memory::InMemory;

    use super::*;

    fn cols(spec: &[(&str, &str)]) -> Vec<Column> {
        spec.iter().map(|(n, t)| Column::new(*n, *t)).collect()
    }

    fn row(name: &str, old: Option<&str>, new: Option<&str>, change: Change) -> ColumnDiff {
        ColumnDiff { name: name.into(), old_type: old.map(Into::into), new_type: new.map(Into::into), change }
    }

    #[test]
    fn columns_side_by_side() {
        let old = cols(&[("id", "int"), ("gone", "string"), ("amount", "bigint"), ("old_tail", "date")]);
        let new = cols(&[("id", "int"), ("AMOUNT", "double"), ("note", "string")]);
        assert_eq!(
            diff_columns(&old, &new),
            [
                row("id", Some("int"), Some("int"), Change::Unchanged),
                row("gone", Some("string"), None, Change::Removed),
                row("AMOUNT", Some("bigint"), Some("double"), Change::TypeChanged),
                row("old_tail", Some("date"), None, Change::Removed),
                row("note", None, Some("string"), Change::Added),
            ]
        );
        let first_removed = diff_columns(&cols(&[("a", "int"), ("b", "int")]), &cols(&[("b", "int")]));
        assert_eq!(first_removed[0], row("a", Some("int"), None, Change::Removed));
        assert!(diff_columns(&[], &[]).is_empty());
    }

    #[tokio::test]
    async fn diff_of_two_stored_versions() {
        let catalog = Catalog::load(Arc::new(InMemory::new())).await.unwrap();
        catalog.create_database("db", false).await.unwrap();
        let mut t = Table::new("db", "t", "s3://raw/t/", "csv", cols(&[("id", "int")]));
        t.parameters.insert("recordCount".into(), "1".into());
        catalog.create_table(t.clone()).await.unwrap();
        t.columns = cols(&[("id", "bigint"), ("note", "string")]);
        t.partition_keys = cols(&[("year", "string")]);
        t.parameters.insert("recordCount".into(), "5".into());
        t.location = "s3://raw/t2/".into();
        catalog.update_table(t).await.unwrap();

        let diff = catalog.diff_table_versions("db", "t", "1", "2").await.unwrap();
        assert_eq!((diff.old_version.as_str(), diff.new_version.as_str()), ("1", "2"));
        assert!(!diff.schema_unchanged());
        let changes: Vec<_> = diff.changes().map(|c| (c.name.as_str(), c.change)).collect();
        assert_eq!(changes, [("id", Change::TypeChanged), ("note", Change::Added), ("year", Change::Added)]);
        assert_eq!(
            diff.parameters,
            [ParameterDiff { key: "recordCount".into(), old: Some("1".into()), new: Some("5".into()) }]
        );
        assert_eq!(diff.location, Some(("s3://raw/t/".into(), "s3://raw/t2/".into())));
        assert_eq!(diff.classification, None);
        let json = serde_json::to_value(&diff).unwrap();
        assert_eq!(json["columns"][0]["change"], "TYPE_CHANGED");

        let same = catalog.diff_table_versions("db", "t", "2", "2").await.unwrap();
        assert!(same.schema_unchanged() && same.parameters.is_empty() && same.changes().next().is_none());
        let missing = catalog.diff_table_versions("db", "t", "1", "9").await.unwrap_err();
        assert_eq!(missing.code(), "EntityNotFoundException");
    }
}
