//! The SQL engine: Apache DataFusion over the lake.
//!
//! Every statement runs in a fresh, single-partition DataFusion session (DataFusion's
//! multi-partition operators need a tokio runtime, which wasm32 does not have) whose
//!
//! - object store registry serves `s3://<bucket>/...` from the lake's one object store,
//!   through a [`CountingStore`] that measures the bytes the query really read;
//! - catalog `awsdatacatalog` holds one schema per catalog database and one `ListingTable`
//!   per catalog table, built from the stored columns (no file is opened to plan);
//! - DDL (`CREATE EXTERNAL TABLE`, `DROP TABLE`, `CREATE DATABASE`/`SCHEMA`, `DROP DATABASE`)
//!   is applied to the persisted [`puddle_catalog::Catalog`], not to the session.
//!
//! ```
//! # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap(); rt.block_on(async {
//! use std::sync::Arc;
//! use object_store::{ObjectStoreExt, path::Path};
//! let store: Arc<dyn object_store::ObjectStore> = Arc::new(object_store::memory::InMemory::new());
//! store.put(&Path::from("raw-1/sales/a.csv"), "region,amount\nNSW,10\nVIC,5\nNSW,1\n".into()).await.unwrap();
//! let catalog = puddle_catalog::Catalog::load(store.clone()).await.unwrap();
//! let engine = puddle_sql::SqlEngine::new(store, Arc::new(catalog));
//! engine.run("CREATE EXTERNAL TABLE sales STORED AS CSV LOCATION 's3://raw-1/sales/'", None).await.unwrap();
//! let res = engine.run("SELECT region, COUNT(*) AS n FROM sales GROUP BY region ORDER BY region", None).await.unwrap();
//! assert_eq!(res.rows, vec![vec![serde_json::json!("NSW"), 2.into()], vec![serde_json::json!("VIC"), 1.into()]]);
//! assert!(res.stats.bytes_scanned > 0);
//! # })
//! ```
#![deny(missing_docs)]

mod athena_ddl;
mod bucket_store;
mod cancellable;
mod collect;
mod counting;
mod ctas;
mod ddl_exec;
mod engine;
mod error;
mod file_tables;
mod gunzip;
mod hiding_store;
mod json_path_table;
mod observe;
mod partitioned;
mod projection;
mod redshift;
mod redshift_local;
mod registry;
mod scan_rows;
mod serde_props;
mod single_partition;
mod tables;
mod trino;
mod values;
mod views;
mod write;

pub use bucket_store::BucketStore;
pub use counting::{CountingStore, CANCELLED_MESSAGE, SCAN_LIMIT_MESSAGE};
pub use ctas::RunOptions;
pub use engine::{Batches, SqlEngine};
pub use error::{Error, Result};
pub use file_tables::FileTable;
pub use gunzip::GunzipStore;
pub use hiding_store::HidingStore;
pub use observe::QueryObserver;
pub use puddle_catalog::{arrow_to_hive, hive_to_arrow};
pub use registry::LakeStoreRegistry;
pub use scan_rows::{rows_under, scan_rows, ScanRows};
pub use write::{encode, encode_with};

#[cfg(test)]
mod ctas_tests;
#[cfg(test)]
mod ddl_tests;
#[cfg(test)]
mod engine_tests;
#[cfg(test)]
mod frontend_props;
#[cfg(test)]
mod projection_tests;
#[cfg(test)]
mod trino_tests;
