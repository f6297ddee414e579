//! The Glue catalog browser's typed requests: one table's details (partitions, versions, DDL)
//! and the schema difference between two of its versions.

use puddle_api::{
    ApiError, ColumnDiffSummary, ColumnSummary, PartitionSummary, Response, TableDetails, TableDiff,
    TableVersionSummary,
};
use puddle_catalog::{Change, Column, ColumnDiff};

use crate::{errors::api, lake::table_summary, Lake};

fn columns(cols: &[Column]) -> Vec<ColumnSummary> {
    cols.iter().map(|c| ColumnSummary { name: c.name.clone(), data_type: c.data_type.clone() }).collect()
}

fn change_name(c: Change) -> &'static str {
    match c {
        Change::Unchanged => "UNCHANGED",
        Change::Added => "ADDED",
        Change::Removed => "REMOVED",
        Change::TypeChanged => "TYPE_CHANGED",
    }
}

fn diff_row(d: &ColumnDiff, partition_key: bool) -> ColumnDiffSummary {
    ColumnDiffSummary {
        name: d.name.clone(),
        old_type: d.old_type.clone(),
        new_type: d.new_type.clone(),
        change: change_name(d.change).to_string(),
        partition_key,
    }
}

impl Lake {
    /// [`puddle_api::Request::GetTableDetails`].
    pub(crate) async fn table_details(&self, database: &str, name: &str) -> Result<Response, ApiError> {
        let table = api(self.catalog().get_table(database, name))?;
        let versions = api(self.catalog().table_versions(database, name).await)?;
        let mut partitions: Vec<PartitionSummary> = table
            .partitions
            .iter()
            .map(|p| PartitionSummary { values: p.values.clone(), location: p.location.clone() })
            .collect();
        partitions.sort_by(|a, b| a.values.cmp(&b.values));
        Ok(Response::TableDetails(Box::new(TableDetails {
            table: table_summary(&table),
            partition_key_columns: columns(&table.partition_keys),
            partitions,
            versions: versions
                .iter()
                .map(|v| TableVersionSummary {
                    version_id: v.version_id.clone(),
                    columns: columns(&v.table.columns),
                    partition_keys: columns(&v.table.partition_keys),
                })
                .collect(),
            ddl: puddle_catalog::create_table_ddl(&table),
        })))
    }

    /// [`puddle_api::Request::DiffTableVersions`].
    pub(crate) async fn table_diff(
        &self,
        database: &str,
        name: &str,
        old_version: &str,
        new_version: &str,
    ) -> Result<Response, ApiError> {
        let d = api(self.catalog().diff_table_versions(database, name, old_version, new_version).await)?;
        Ok(Response::TableDiff(TableDiff {
            old_version: d.old_version.clone(),
            new_version: d.new_version.clone(),
            columns: d
                .columns
                .iter()
                .map(|c| diff_row(c, false))
                .chain(d.partition_keys.iter().map(|c| diff_row(c, true)))
                .collect(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use puddle_api::Request;

    use super::*;

    #[tokio::test]
    async fn details_versions_diff_and_errors() {
        let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
        lake.handle(Request::CreateBucket { bucket: "raw-1".into() }).await;
        lake.sql(
            "CREATE EXTERNAL TABLE sales (id BIGINT, amount DOUBLE) PARTITIONED BY (region STRING) \
             STORED AS PARQUET LOCATION 's3://raw-1/sales/'",
            None,
        )
        .await
        .unwrap();
        for r in ["VIC", "NSW"] {
            lake.sql(&format!("ALTER TABLE sales ADD PARTITION (region='{r}')"), None).await.unwrap();
        }
        let mut t = lake.catalog().get_table("default", "sales").unwrap();
        t.columns.push(Column::new("note", "string"));
        lake.catalog().update_table(t).await.unwrap();
        let Response::TableDetails(d) =
            lake.handle(Request::GetTableDetails { database: "default".into(), name: "SALES".into() }).await
        else {
            panic!("no details")
        };
        assert_eq!(d.table.name, "sales");
        assert_eq!(d.partition_key_columns, vec![ColumnSummary { name: "region".into(), data_type: "string".into() }]);
        let values: Vec<_> = d.partitions.iter().map(|p| p.values.join("/")).collect();
        assert_eq!(values, ["NSW", "VIC"]);
        assert!(d.partitions[0].location.ends_with("region=NSW/"), "{:?}", d.partitions[0]);
        assert!(d.ddl.starts_with("CREATE EXTERNAL TABLE `default`.`sales`"), "{}", d.ddl);
        assert!(d.versions.len() >= 2, "{:?}", d.versions);
        let (newest, oldest) = (d.versions[0].version_id.clone(), d.versions[d.versions.len() - 1].version_id.clone());
        assert!(d.versions[0].columns.iter().any(|c| c.name == "note"));
        let req = Request::DiffTableVersions {
            database: "default".into(),
            name: "sales".into(),
            old_version: oldest,
            new_version: newest,
        };
        let Response::TableDiff(diff) = lake.handle(req).await else { panic!("no diff") };
        let note = diff.columns.iter().find(|c| c.name == "note").unwrap();
        assert_eq!((note.change.as_str(), note.old_type.as_deref()), ("ADDED", None));
        let region = diff.columns.iter().find(|c| c.name == "region").unwrap();
        assert!(region.partition_key && region.change == "UNCHANGED");
        let missing = lake.handle(Request::GetTableDetails { database: "default".into(), name: "nope".into() }).await;
        assert!(matches!(missing, Response::Error(e) if e.code == "EntityNotFoundException"));
        let bad = Request::DiffTableVersions {
            database: "default".into(),
            name: "sales".into(),
            old_version: "99".into(),
            new_version: "1".into(),
        };
        assert!(matches!(lake.handle(bad).await, Response::Error(e) if e.code == "EntityNotFoundException"));
        assert!(!Request::GetTableDetails { database: "d".into(), name: "t".into() }.mutates());
    }
}
