//! Table versions (Glue's GetTableVersions), and the strict CreateTable / UpdateTable.
//!
//! Every stored definition of a table is kept as a version record,
//! `_meta/catalog-versions/<database>/<table>/<version>.json`, outside the catalog root so that
//! loading the catalog does not read them. The current definition is the newest version.
//! DeleteTable removes a table's versions with it, as Glue does.

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStoreExt};
use serde::{Deserialize, Serialize};

use crate::{Catalog, Error, Result, Table};

const VERSIONS_ROOT: [&str; 2] = ["_meta", "catalog-versions"];

/// One version of a table (Glue's `TableVersion`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableVersion {
    /// `"1"`, `"2"`, ... as Glue prints it.
    pub version_id: String,
    /// The table as it was defined in that version.
    pub table: Table,
}

fn versions_dir(db: &str, table: &str) -> Path {
    Path::from_iter([VERSIONS_ROOT[0], VERSIONS_ROOT[1], db, table])
}

fn version_path(db: &str, table: &str, version: u64) -> Path {
    Path::from_iter([VERSIONS_ROOT[0], VERSIONS_ROOT[1], db, table, &format!("{version}.json")])
}

impl Catalog {
    /// CreateTable: like [`Catalog::put_table`], but a table of that name is an error.
    pub async fn create_table(&self, table: Table) -> Result<Table> {
        let (db, name) = (table.database.to_ascii_lowercase(), table.name.to_ascii_lowercase());
        if self.read().tables.contains_key(&(db.clone(), name.clone())) {
            return Err(Error::AlreadyExists { entity: "Table", name: format!("{db}.{name}") });
        }
        self.put_table(table).await
    }

    /// UpdateTable: replaces an existing table's definition, keeping the old one as a version.
    pub async fn update_table(&self, table: Table) -> Result<Table> {
        self.get_table(&table.database, &table.name)?;
        self.put_table(table).await
    }

    /// GetTableVersions: every version of a table, newest first.
    pub async fn table_versions(&self, database: &str, name: &str) -> Result<Vec<TableVersion>> {
        let current = self.get_table(database, name)?;
        let dir = versions_dir(&current.database, &current.name);
        let metas: Vec<_> = self.store.list(Some(&dir)).try_collect().await?;
        let mut versions = Vec::new();
        for meta in metas {
            let number = meta.location.filename().and_then(|f| f.strip_suffix(".json")).and_then(|n| n.parse().ok());
            let Some(number) = number else { continue };
            let bytes = self.store.get(&meta.location).await?.bytes().await?;
            let table: Table = serde_json::from_slice(&bytes)
                .map_err(|source| Error::Corrupt { path: meta.location.to_string(), source })?;
            versions.push((number, table));
        }
        if versions.is_empty() {
            // A table stored before versions were kept: its current definition is its only version.
            versions.push((current.version_id.max(1), current));
        }
        versions.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
        Ok(versions.into_iter().map(|(n, table)| TableVersion { version_id: n.to_string(), table }).collect())
    }

    /// GetTableVersion. `version_id` is Glue's string id (`"1"`); without one, the current version.
    pub async fn table_version(&self, database: &str, name: &str, version_id: Option<&str>) -> Result<TableVersion> {
        let versions = self.table_versions(database, name).await?;
        let Some(id) = version_id else {
            return versions
                .into_iter()
                .next()
                .ok_or_else(|| Error::EntityNotFound { entity: "Table version", name: format!("{database}.{name}") });
        };
        if id.parse::<u64>().is_err() {
            return Err(Error::InvalidInput(format!("Version id '{id}' is not a number")));
        }
        versions.into_iter().find(|v| v.version_id == id).ok_or_else(|| Error::EntityNotFound {
            entity: "Table version",
            name: format!("{}.{} version {id}", database.to_ascii_lowercase(), name.to_ascii_lowercase()),
        })
    }

    /// Writes `table` as its version `table.version_id`.
    pub(crate) async fn save_version(&self, table: &Table) -> Result<()> {
        self.save(&version_path(&table.database, &table.name, table.version_id), table).await
    }

    /// Removes every version record of a table.
    pub(crate) async fn delete_versions(&self, db: &str, table: &str) -> Result<()> {
        let metas: Vec<_> = self.store.list(Some(&versions_dir(db, table))).try_collect().await?;
        for meta in metas {
            self.store.delete(&meta.location).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use object_store::memory::InMemory;

    use crate::{Catalog, Column, Table};

    fn table(cols: &[(&str, &str)]) -> Table {
        Table::new("db", "sales", "s3://raw/sales/", "csv", cols.iter().map(|(n, t)| Column::new(*n, *t)).collect())
    }

    #[tokio::test]
    async fn every_update_keeps_the_previous_version() {
        let store = Arc::new(InMemory::new());
        let catalog = Catalog::load(store.clone()).await.unwrap();
        catalog.create_database("db", false).await.unwrap();
        let first = catalog.create_table(table(&[("id", "int")])).await.unwrap();
        assert_eq!(first.version_id, 1);
        assert_eq!(catalog.create_table(table(&[("id", "int")])).await.unwrap_err().code(), "AlreadyExistsException");
        let second = catalog.update_table(table(&[("id", "bigint"), ("note", "string")])).await.unwrap();
        assert_eq!((second.version_id, second.create_time), (2, first.create_time));

        let reloaded = Catalog::load(store.clone()).await.unwrap();
        assert_eq!(reloaded.get_table("db", "sales").unwrap().version_id, 2);
        let versions = reloaded.table_versions("DB", "Sales").await.unwrap();
        let ids: Vec<_> = versions.iter().map(|v| v.version_id.as_str()).collect();
        assert_eq!(ids, ["2", "1"], "newest first");
        assert_eq!(versions[1].table.columns, [Column::new("id", "int")]);
        assert_eq!(versions[0].table, second);
        let one = reloaded.table_version("db", "sales", Some("1")).await.unwrap();
        assert_eq!(one.table.columns.len(), 1);
        assert_eq!(reloaded.table_version("db", "sales", None).await.unwrap().version_id, "2");
        let missing = reloaded.table_version("db", "sales", Some("9")).await.unwrap_err();
        assert_eq!(missing.code(), "EntityNotFoundException");
        assert_eq!(reloaded.table_version("db", "sales", Some("x")).await.unwrap_err().code(), "InvalidInputException");

        // Deleting the table deletes its versions: a new table of that name starts again at 1.
        reloaded.delete_table("db", "sales").await.unwrap();
        assert_eq!(reloaded.table_versions("db", "sales").await.unwrap_err().code(), "EntityNotFoundException");
        let again = reloaded.create_table(table(&[("x", "string")])).await.unwrap();
        assert_eq!(again.version_id, 1);
        assert_eq!(reloaded.table_versions("db", "sales").await.unwrap().len(), 1);
        let nothing = catalog.update_table(Table { name: "nope".into(), ..table(&[("id", "int")]) }).await;
        assert_eq!(nothing.unwrap_err().code(), "EntityNotFoundException");
    }
}
