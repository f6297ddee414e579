//! The catalog: in memory for planning, written through to the object store.

use std::{
    collections::BTreeMap,
    sync::{Arc, RwLock},
};

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutPayload};

use crate::{validate_name, Database, Error, Result, Table, DEFAULT_DATABASE};

const ROOT: [&str; 2] = ["_meta", "catalog"];
const EXTERNAL_SCHEMAS: [&str; 2] = ["_meta", "redshift-external-schemas"];

/// A persisted Redshift external schema.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct ExternalSchema {
    name: String,
    database: String,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    databases: BTreeMap<String, Database>,
    /// Redshift Spectrum external schemas: schema name -> catalog database.
    external_schemas: BTreeMap<String, String>,
    /// Keyed by (database, table).
    pub(crate) tables: BTreeMap<(String, String), Table>,
    /// Records that did not parse at the last load: `(path, why)`.
    damaged: Vec<(String, String)>,
}

/// The Data Catalog of one lake. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Catalog {
    pub(crate) store: Arc<dyn ObjectStore>,
    state: RwLock<State>,
}

impl Catalog {
    /// Loads every catalog record from `store`. A record that does not parse is left out of the
    /// catalog and reported by [`Catalog::damaged`], never dropped silently; a store failure is
    /// an error.
    pub async fn load(store: Arc<dyn ObjectStore>) -> Result<Self> {
        let catalog = Self { store, state: RwLock::new(State::default()) };
        catalog.reload().await?;
        Ok(catalog)
    }

    /// Re-reads the catalog from the store (after a reset, or a change by another tab).
    pub async fn reload(&self) -> Result<()> {
        let mut state = State::default();
        for (path, bytes) in self.records(ROOT).await? {
            let parsed = match path.parts().count() {
                3 => serde_json::from_slice::<Database>(&bytes).map(|db| {
                    state.databases.insert(db.name.clone(), db);
                }),
                4 => serde_json::from_slice::<Table>(&bytes).map(|t| {
                    state.tables.insert((t.database.clone(), t.name.clone()), t);
                }),
                _ => Ok(()),
            };
            if let Err(e) = parsed {
                state.damaged.push((path.to_string(), e.to_string()));
            }
        }
        for (path, bytes) in self.records(EXTERNAL_SCHEMAS).await? {
            match serde_json::from_slice::<ExternalSchema>(&bytes) {
                Ok(record) => {
                    state.external_schemas.insert(record.name, record.database);
                }
                Err(e) => state.damaged.push((path.to_string(), e.to_string())),
            }
        }
        // A damaged `default` record is left for the caller to set aside, not overwritten.
        let default_path = database_path(DEFAULT_DATABASE).to_string();
        let has_default = state.databases.contains_key(DEFAULT_DATABASE)
            || state.damaged.iter().any(|(path, _)| *path == default_path);
        *self.state.write().unwrap_or_else(|p| p.into_inner()) = state;
        if !has_default {
            // Like Athena, every catalog has a `default` database.
            self.create_database(DEFAULT_DATABASE, true).await?;
        }
        Ok(())
    }

    /// Every record under `root` with its bytes.
    async fn records(&self, root: [&str; 2]) -> Result<Vec<(Path, bytes::Bytes)>> {
        let metas: Vec<_> = self.store.list(Some(&Path::from_iter(root))).try_collect().await?;
        let mut records = Vec::with_capacity(metas.len());
        for meta in metas {
            let bytes = self.store.get(&meta.location).await?.bytes().await?;
            records.push((meta.location, bytes));
        }
        Ok(records)
    }

    /// The records the last load could not parse, as `(path, why)`: left out of the catalog.
    pub fn damaged(&self) -> Vec<(String, String)> {
        self.read().damaged.clone()
    }

    pub(crate) fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }

    /// CreateDatabase. With `if_not_exists`, an existing database is not an error.
    pub async fn create_database(&self, name: &str, if_not_exists: bool) -> Result<Database> {
        self.create_database_with(name, if_not_exists, crate::DatabaseInfo::default()).await
    }

    /// CreateDatabase with a description, location and parameters.
    pub async fn create_database_with(
        &self,
        name: &str,
        if_not_exists: bool,
        info: crate::DatabaseInfo,
    ) -> Result<Database> {
        let name = validate_name("Database", name)?;
        if let Some(db) = self.read().databases.get(&name) {
            return if if_not_exists { Ok(db.clone()) } else { Err(Error::AlreadyExists { entity: "Database", name }) };
        }
        let db = Database {
            name: name.clone(),
            description: info.description,
            create_time: chrono::Utc::now(),
            location_uri: info.location_uri,
            parameters: info.parameters,
        };
        self.save(&database_path(&name), &db).await?;
        self.write().databases.insert(name, db.clone());
        Ok(db)
    }

    /// GetDatabase.
    pub fn get_database(&self, name: &str) -> Result<Database> {
        let name = name.to_ascii_lowercase();
        self.read().databases.get(&name).cloned().ok_or(Error::EntityNotFound { entity: "Database", name })
    }

    /// GetDatabases, sorted by name.
    pub fn databases(&self) -> Vec<Database> {
        self.read().databases.values().cloned().collect()
    }

    /// DeleteDatabase: removes the database and all its tables (as Glue does).
    pub async fn delete_database(&self, name: &str) -> Result<()> {
        let db = self.get_database(name)?;
        for table in self.tables(Some(&db.name)) {
            self.delete_table(&db.name, &table.name).await?;
        }
        self.store.delete(&database_path(&db.name)).await?;
        self.write().databases.remove(&db.name);
        Ok(())
    }

    /// Creates or replaces a table (the database must exist). Keeps the original creation time;
    /// the replaced definition stays as a table version ([`Catalog::table_versions`]).
    pub async fn put_table(&self, mut table: Table) -> Result<Table> {
        table.database = validate_name("Database", &table.database)?;
        table.name = validate_name("Table", &table.name)?;
        self.get_database(&table.database)?;
        if table.columns.is_empty() {
            return Err(Error::InvalidInput(format!("Table {} has no columns", table.qualified_name())));
        }
        let now = chrono::Utc::now();
        let previous = self.read().tables.get(&(table.database.clone(), table.name.clone())).cloned();
        table.version_id = previous.as_ref().map_or(1, |p| p.version_id.max(1) + 1);
        table.create_time = previous.and_then(|p| p.create_time).or(Some(now));
        table.update_time = Some(now);
        self.save_version(&table).await?;
        self.save(&table_path(&table.database, &table.name), &table).await?;
        self.write().tables.insert((table.database.clone(), table.name.clone()), table.clone());
        Ok(table)
    }

    /// GetTable.
    pub fn get_table(&self, database: &str, name: &str) -> Result<Table> {
        let key = (database.to_ascii_lowercase(), name.to_ascii_lowercase());
        self.read()
            .tables
            .get(&key)
            .cloned()
            .ok_or_else(|| Error::EntityNotFound { entity: "Table", name: format!("{}.{}", key.0, key.1) })
    }

    /// GetTables of one database, or of all databases; sorted by (database, name).
    pub fn tables(&self, database: Option<&str>) -> Vec<Table> {
        let database = database.map(str::to_ascii_lowercase);
        self.read().tables.values().filter(|t| database.as_deref().is_none_or(|d| t.database == d)).cloned().collect()
    }

    /// DeleteTable.
    pub async fn delete_table(&self, database: &str, name: &str) -> Result<()> {
        let table = self.get_table(database, name)?;
        self.delete_versions(&table.database, &table.name).await?;
        self.store.delete(&table_path(&table.database, &table.name)).await?;
        self.write().tables.remove(&(table.database, table.name));
        Ok(())
    }

    /// Redshift's `CREATE EXTERNAL SCHEMA name FROM DATA CATALOG DATABASE 'database'`: `name`
    /// becomes another name for the database's tables. With `create_database`, a missing
    /// database is created (`CREATE EXTERNAL DATABASE IF NOT EXISTS`).
    pub async fn create_external_schema(
        &self,
        name: &str,
        database: &str,
        if_not_exists: bool,
        create_database: bool,
    ) -> Result<()> {
        let name = validate_name("Schema", name)?;
        let database = validate_name("Database", database)?;
        if self.read().external_schemas.contains_key(&name) {
            return if if_not_exists { Ok(()) } else { Err(Error::AlreadyExists { entity: "Schema", name }) };
        }
        if self.read().databases.contains_key(&name) {
            return Err(Error::AlreadyExists { entity: "Database", name });
        }
        if create_database {
            self.create_database(&database, true).await?;
        } else {
            self.get_database(&database)?;
        }
        let path = Path::from_iter([EXTERNAL_SCHEMAS[0], EXTERNAL_SCHEMAS[1], &format!("{name}.json")]);
        self.save(&path, &ExternalSchema { name: name.clone(), database: database.clone() }).await?;
        self.write().external_schemas.insert(name, database);
        Ok(())
    }

    /// External schemas as (schema, database) pairs.
    pub fn external_schemas(&self) -> Vec<(String, String)> {
        self.read().external_schemas.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    pub(crate) async fn save<T: serde::Serialize>(&self, path: &Path, value: &T) -> Result<()> {
        let json = serde_json::to_vec_pretty(value).map_err(|e| Error::InvalidInput(e.to_string()))?;
        self.store.put(path, PutPayload::from(json)).await?;
        Ok(())
    }
}

fn database_path(db: &str) -> Path {
    Path::from_iter([ROOT[0], ROOT[1], &format!("{db}.json")])
}

pub(crate) fn table_path(db: &str, table: &str) -> Path {
    Path::from_iter([ROOT[0], ROOT[1], db, &format!("{table}.json")])
}

#[cfg(test)]
mod tests {
    use object_store::memory::InMemory;

    use super::*;
    use crate::Column;

    async fn catalog() -> (Arc<InMemory>, Catalog) {
        let store = Arc::new(InMemory::new());
        let catalog = Catalog::load(store.clone()).await.unwrap();
        (store, catalog)
    }

    fn sales(db: &str) -> Table {
        Table::new(db, "Sales_Data", "s3://raw/sales/", "csv", vec![Column::new("region", "string")])
    }

    #[tokio::test]
    async fn databases_and_tables_persist() {
        let (store, catalog) = catalog().await;
        catalog.create_database("Sales_DB", false).await.unwrap();
        assert_eq!(catalog.create_database("sales_db", false).await.unwrap_err().code(), "AlreadyExistsException");
        catalog.create_database("sales_db", true).await.unwrap();
        let t = catalog.put_table(sales("sales_db")).await.unwrap();
        assert_eq!(t.name, "sales_data");

        let reloaded = Catalog::load(store).await.unwrap();
        let names: Vec<_> = reloaded.databases().into_iter().map(|d| d.name).collect();
        assert_eq!(names, ["default", "sales_db"]);
        assert_eq!(reloaded.tables(Some("SALES_DB")), vec![t]);
    }

    #[tokio::test]
    async fn missing_entities_and_bad_input() {
        let (_, catalog) = catalog().await;
        assert_eq!(catalog.put_table(sales("nodb")).await.unwrap_err().code(), "EntityNotFoundException");
        assert_eq!(catalog.get_table("a", "b").unwrap_err().code(), "EntityNotFoundException");
        assert_eq!(catalog.create_database("bad-name", false).await.unwrap_err().code(), "InvalidInputException");
        catalog.create_database("db", false).await.unwrap();
        let mut empty = sales("db");
        empty.columns.clear();
        assert_eq!(catalog.put_table(empty).await.unwrap_err().code(), "InvalidInputException");
    }

    #[tokio::test]
    async fn replace_keeps_create_time_and_delete_database_cascades() {
        let (store, catalog) = catalog().await;
        catalog.create_database("db", false).await.unwrap();
        let first = catalog.put_table(sales("db")).await.unwrap();
        let second = catalog.put_table(sales("db")).await.unwrap();
        assert_eq!(first.create_time, second.create_time);
        catalog.delete_database("db").await.unwrap();
        assert!(catalog.tables(None).is_empty());
        assert_eq!(Catalog::load(store).await.unwrap().databases().len(), 1, "only `default` is left");
    }

    #[tokio::test]
    async fn external_schemas_alias_databases_and_persist() {
        let (store, catalog) = catalog().await;
        let missing = catalog.create_external_schema("s3_data", "sales_db", false, false).await.unwrap_err();
        assert_eq!(missing.code(), "EntityNotFoundException");
        catalog.create_external_schema("s3_data", "sales_db", false, true).await.unwrap();
        catalog.create_external_schema("s3_data", "sales_db", true, true).await.unwrap();
        assert_eq!(
            catalog.create_external_schema("s3_data", "x", false, true).await.unwrap_err().code(),
            "AlreadyExistsException"
        );
        let reloaded = Catalog::load(store).await.unwrap();
        assert_eq!(reloaded.external_schemas(), [("s3_data".to_string(), "sales_db".to_string())]);
        assert!(reloaded.get_database("sales_db").is_ok());
    }

    #[tokio::test]
    async fn a_corrupt_record_is_reported_and_the_rest_loads() {
        let (store, catalog) = catalog().await;
        catalog.create_database("sales_db", false).await.unwrap();
        store.put(&database_path("db"), PutPayload::from_static(b"{not json")).await.unwrap();
        let loaded = Catalog::load(store.clone()).await.unwrap();
        let damaged = loaded.damaged();
        assert_eq!(damaged.len(), 1, "{damaged:?}");
        assert_eq!(damaged[0].0, "_meta/catalog/db.json");
        assert!(damaged[0].1.contains("line 1"), "{}", damaged[0].1);
        assert!(loaded.get_database("sales_db").is_ok(), "the rest loads");
        assert!(loaded.get_database("db").is_err());
    }

    #[tokio::test]
    async fn a_damaged_default_database_record_is_not_overwritten() {
        let (store, _) = catalog().await;
        store.put(&database_path(DEFAULT_DATABASE), PutPayload::from_static(b"{not json")).await.unwrap();
        let loaded = Catalog::load(store.clone()).await.unwrap();
        assert_eq!(loaded.damaged().len(), 1);
        let kept = store.get(&database_path(DEFAULT_DATABASE)).await.unwrap().bytes().await.unwrap();
        assert_eq!(kept.as_ref(), b"{not json", "left for the caller to set aside");
    }
}
