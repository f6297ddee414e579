//! The Glue Data Catalog: databases and tables, as the SQL engine and crawlers see them.
//!
//! The catalog is kept in memory for planning (DataFusion plans synchronously) and written
//! through to the lake's object store, one JSON record per entity:
//!
//! ```text
//! _meta/catalog/<database>.json             a Database
//! _meta/catalog/<database>/<table>.json     a Table
//! ```
//!
//! [`Catalog::load`] rebuilds the in-memory state from those records, so the catalog survives
//! reloads wherever the store does. Names are lowercased, as Glue does.
//!
//! ```
//! # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap(); rt.block_on(async {
//! use std::sync::Arc;
//! use puddle_catalog::{Catalog, Column, Table};
//! let store = Arc::new(object_store::memory::InMemory::new());
//! let catalog = Catalog::load(store.clone()).await.unwrap();
//! catalog.create_database("sales_db", true).await.unwrap();
//! let table = Table::new("sales_db", "sales_data", "s3://raw/sales/", "csv",
//!     vec![Column::new("region", "string")]);
//! catalog.put_table(table).await.unwrap();
//! let again = Catalog::load(store).await.unwrap();
//! assert_eq!(again.get_table("sales_db", "SALES_DATA").unwrap().columns[0].name, "region");
//! # })
//! ```
#![deny(missing_docs)]

mod catalog;
mod ddl;
mod diff;
mod error;
mod hive_types;
pub mod json_path;
mod model;
mod partition_expr;
mod partitions;
mod versions;

pub use catalog::Catalog;
pub use ddl::create_table_ddl;
pub use diff::{diff_columns, schema_diff, Change, ColumnDiff, ParameterDiff, SchemaDiff};
pub use error::{Error, Result};
pub use hive_types::{arrow_to_hive, hive_to_arrow};
pub use model::{
    validate_name, Column, Database, DatabaseInfo, Partition, Table, DEFAULT_DATABASE, EXTERNAL_TABLE, VIRTUAL_VIEW,
};
pub use partition_expr::PartitionFilter;
pub use partitions::PartitionError;
pub use versions::TableVersion;
