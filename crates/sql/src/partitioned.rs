//! Tables whose partitions come from the catalog, not from `key=value/` folder names.
//!
//! Glue crawlers name plain folders (`sales/2025/01/`) `partition_0`, `partition_1`, ...; Athena
//! reads the partition values from the catalog's partition records. DataFusion's `ListingTable`
//! only parses Hive-style paths, so [`CatalogPartitionedTable`] lists the folder of every
//! catalog partition itself, attaches the partition's values to its files as literal partition
//! columns, and skips (never lists, never reads) partitions a `WHERE` on partition columns rules
//! out. All files go into one file group: one output partition, as everything else in a session
//! (wasm32 has no runtime for more).

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::{
    arrow::{
        array::{Array, AsArray, RecordBatch},
        datatypes::{Field, FieldRef, Schema, SchemaRef},
    },
    catalog::{Session, TableProvider},
    common::{project_schema, DFSchema, ScalarValue},
    datasource::{
        file_format::{file_compression_type::FileCompressionType, FileFormat},
        listing::{helpers::expr_applicable_for_cols, ListingTableUrl, PartitionedFile},
        physical_plan::{FileGroup, FileScanConfigBuilder},
        table_schema::TableSchema,
        TableType,
    },
    logical_expr::{utils::conjunction, Expr, TableProviderFilterPushDown},
    physical_plan::{empty::EmptyExec, ExecutionPlan},
};
use futures::TryStreamExt;

/// One partition: its typed values (in partition-key order) and its folder.
#[derive(Debug, Clone)]
pub(crate) struct PartitionDir {
    pub values: Vec<ScalarValue>,
    pub url: ListingTableUrl,
}

/// A table read partition by partition, with the partition values from the catalog.
#[derive(Debug)]
pub(crate) struct CatalogPartitionedTable {
    /// Data columns (what the files hold).
    file_schema: SchemaRef,
    /// Partition columns, after the data columns.
    partition_fields: Vec<FieldRef>,
    /// Data columns then partition columns.
    schema: SchemaRef,
    format: Arc<dyn FileFormat>,
    compression: FileCompressionType,
    partitions: Vec<PartitionDir>,
}

impl CatalogPartitionedTable {
    /// A table over `partitions` (each holding files in `format`).
    pub(crate) fn new(
        file_schema: SchemaRef,
        partition_fields: Vec<FieldRef>,
        format: Arc<dyn FileFormat>,
        compression: FileCompressionType,
        partitions: Vec<PartitionDir>,
    ) -> Self {
        let fields: Vec<FieldRef> =
            file_schema.fields().iter().cloned().chain(partition_fields.iter().cloned()).collect();
        let schema = Arc::new(Schema::new(fields));
        Self { file_schema, partition_fields, schema, format, compression, partitions }
    }

    fn partition_names(&self) -> Vec<&str> {
        self.partition_fields.iter().map(|f| f.name().as_str()).collect()
    }

    /// The partitions `filters` (all on partition columns only) can match.
    fn prune(&self, state: &dyn Session, filters: &[Expr]) -> datafusion::error::Result<Vec<&PartitionDir>> {
        let Some(filter) = conjunction(filters.iter().cloned()) else {
            return Ok(self.partitions.iter().collect());
        };
        if self.partitions.is_empty() {
            return Ok(Vec::new());
        }
        let fields: Vec<Field> = self.partition_fields.iter().map(|f| f.as_ref().clone().with_nullable(true)).collect();
        let schema = Arc::new(Schema::new(fields));
        // One row per partition, so the filter is evaluated once for all of them.
        let columns = (0..self.partition_fields.len())
            .map(|i| ScalarValue::iter_to_array(self.partitions.iter().map(|p| p.values[i].clone())))
            .collect::<datafusion::error::Result<Vec<_>>>()?;
        let batch = RecordBatch::try_new(Arc::clone(&schema), columns)?;
        let df_schema = DFSchema::try_from(schema)?;
        let expr = state.create_physical_expr(filter, &df_schema)?;
        let matches = expr.evaluate(&batch)?.into_array(batch.num_rows())?;
        let matches = matches.as_boolean_opt().ok_or_else(|| {
            datafusion::error::DataFusionError::Plan("a partition filter did not evaluate to true/false".into())
        })?;
        Ok(self
            .partitions
            .iter()
            .enumerate()
            .filter(|(i, _)| matches.is_valid(*i) && matches.value(*i))
            .map(|(_, p)| p)
            .collect())
    }
}

#[async_trait]
impl TableProvider for CatalogPartitionedTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        let names = self.partition_names();
        let partition_filters: Vec<Expr> =
            filters.iter().filter(|f| expr_applicable_for_cols(&names, f)).cloned().collect();
        let mut files = Vec::new();
        // Partitions in several buckets are read through the whole lake (`s3://_lake/`, see
        // `LakeStoreRegistry`), with bucket-qualified paths: one scan has one object store.
        let buckets: std::collections::BTreeSet<&str> = self
            .partitions
            .iter()
            .map(|p| p.url.as_str().trim_start_matches("s3://").split('/').next().unwrap_or(""))
            .collect();
        let across_buckets = buckets.len() > 1;
        for partition in self.prune(state, &partition_filters)? {
            let bucket = partition.url.as_str().trim_start_matches("s3://").split('/').next().unwrap_or("").to_string();
            let store = state.runtime_env().object_store(&partition.url)?;
            let mut metas: Vec<_> =
                partition.url.list_all_files(state, store.as_ref(), "").await?.try_collect().await?;
            metas.sort_by(|a, b| a.location.cmp(&b.location));
            for meta in metas {
                // Athena skips empty objects and Hadoop's hidden files (`_SUCCESS`, `.crc`).
                let hidden = meta.location.filename().is_none_or(|n| n.starts_with('_') || n.starts_with('.'));
                if meta.size == 0 || hidden {
                    continue;
                }
                let mut meta = meta;
                if across_buckets {
                    meta.location = object_store::path::Path::from(format!("{bucket}/{}", meta.location));
                }
                let mut file = PartitionedFile::from(meta);
                file.partition_values = partition.values.clone();
                files.push(file);
            }
        }
        let Some(first) = self.partitions.first().filter(|_| !files.is_empty()) else {
            return Ok(Arc::new(EmptyExec::new(project_schema(&self.schema, projection)?)));
        };
        let table_schema = TableSchema::builder(Arc::clone(&self.file_schema))
            .with_table_partition_cols(self.partition_fields.clone())
            .build();
        let store_url = if across_buckets {
            datafusion::execution::object_store::ObjectStoreUrl::parse(crate::registry::WHOLE_LAKE)?
        } else {
            first.url.object_store()
        };
        let config = FileScanConfigBuilder::new(store_url, self.format.file_source(table_schema))
            .with_file_groups(vec![FileGroup::new(files)])
            .with_file_compression_type(self.compression)
            .with_projection_indices(projection.cloned())?
            .with_limit(limit)
            .build();
        self.format.create_physical_plan(state, config).await
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> datafusion::error::Result<Vec<TableProviderFilterPushDown>> {
        let names = self.partition_names();
        Ok(filters
            .iter()
            .map(|f| {
                if !names.is_empty() && expr_applicable_for_cols(&names, f) {
                    TableProviderFilterPushDown::Exact
                } else {
                    TableProviderFilterPushDown::Inexact
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use object_store::{memory::InMemory, path::Path, ObjectStore, ObjectStoreExt, PutPayload};
    use puddle_catalog::{Catalog, Column, Partition, Table};
    use serde_json::Value;

    use crate::SqlEngine;

    /// `s3://raw/sales/<year>/<month>/part.csv` with `rows` rows each, and the positional table
    /// a crawler makes of them.
    async fn positional_lake(parts: &[(&str, &str, u64)]) -> (Arc<dyn ObjectStore>, Arc<Catalog>, SqlEngine) {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let catalog = Arc::new(Catalog::load(store.clone()).await.unwrap());
        catalog.create_database("db", true).await.unwrap();
        let mut table = Table::new(
            "db",
            "sales",
            "s3://raw/sales/",
            "csv",
            ["id:bigint", "region:string", "product:string", "amount:double", "ts:timestamp"]
                .iter()
                .map(|c| c.split_once(':').map(|(n, t)| Column::new(n, t)).unwrap())
                .collect(),
        );
        table.partition_keys = vec![Column::new("partition_0", "string"), Column::new("partition_1", "string")];
        for (year, month, rows) in parts {
            let body = PutPayload::from(puddle_datagen::sales_csv(*rows));
            store.put(&Path::from(format!("raw/sales/{year}/{month}/part.csv")), body).await.unwrap();
            table.partitions.push(Partition {
                values: vec![year.to_string(), month.to_string()],
                location: format!("s3://raw/sales/{year}/{month}/"),
            });
        }
        table.parameters.insert("puddle.partitionStyle".into(), "positional".into());
        table.parameters.insert("skip.header.line.count".into(), "1".into());
        catalog.put_table(table).await.unwrap();
        (store.clone(), catalog.clone(), SqlEngine::new(store, catalog))
    }

    use std::sync::Arc;

    #[tokio::test]
    async fn positional_partitions_are_columns_and_prune() {
        let (store, _, engine) =
            positional_lake(&[("2024", "12", 3000), ("2025", "01", 1000), ("2025", "02", 500)]).await;
        // A stray marker file and an empty object are not data.
        store.put(&Path::from("raw/sales/2025/01/_SUCCESS"), PutPayload::from_static(b"ok")).await.unwrap();
        let all = engine
            .run("SELECT partition_0, partition_1, COUNT(*) AS n FROM sales GROUP BY 1, 2 ORDER BY 1, 2", Some("db"))
            .await
            .unwrap();
        assert_eq!(all.columns, ["partition_0", "partition_1", "n"]);
        let row = |y: &str, m: &str, n: i64| vec![Value::from(y), Value::from(m), Value::from(n)];
        assert_eq!(all.rows, vec![row("2024", "12", 3000), row("2025", "01", 1000), row("2025", "02", 500)]);

        let pruned = engine.run("SELECT COUNT(*) FROM sales WHERE partition_0 = '2025'", Some("db")).await.unwrap();
        assert_eq!(pruned.rows, vec![vec![Value::from(1500)]]);
        assert!(
            pruned.stats.bytes_scanned * 2 < all.stats.bytes_scanned,
            "only 2025 is read: {} vs {}",
            pruned.stats.bytes_scanned,
            all.stats.bytes_scanned
        );
        let one = engine
            .run(
                "SELECT COUNT(*) FROM sales WHERE partition_0 = '2025' AND partition_1 > '01' AND amount >= 0",
                Some("db"),
            )
            .await
            .unwrap();
        assert_eq!(one.rows, vec![vec![Value::from(500)]]);
        assert!(one.stats.bytes_scanned < pruned.stats.bytes_scanned);
        let none = engine.run("SELECT * FROM sales WHERE partition_0 = '1999'", Some("db")).await.unwrap();
        assert!(none.rows.is_empty());
        assert_eq!(none.stats.bytes_scanned, 0, "no partition matches: nothing is read");
        let star = engine.run("SELECT * FROM sales LIMIT 1", Some("db")).await.unwrap();
        assert_eq!(star.columns.len(), 7, "data columns then partition_0, partition_1");
    }

    #[tokio::test]
    async fn hand_registered_partitions_with_typed_keys() {
        let (store, catalog, engine) = positional_lake(&[("2024", "12", 30), ("2025", "01", 10)]).await;
        let mut table = catalog.get_table("db", "sales").unwrap();
        table.parameters.remove("puddle.partitionStyle");
        table.partition_keys = vec![Column::new("year", "int"), Column::new("month", "int")];
        catalog.put_table(table).await.unwrap();
        let res = engine.run("SELECT SUM(year) FROM sales WHERE month = 1", Some("db")).await.unwrap();
        assert_eq!(res.rows, vec![vec![Value::from(2025 * 10)]]);

        let mut table = catalog.get_table("db", "sales").unwrap();
        table.partitions.push(Partition { values: vec!["2026".into(), "1".into()], location: "s3://other/x/".into() });
        catalog.put_table(table).await.unwrap();
        store.put(&Path::from("other/x/part.csv"), PutPayload::from(puddle_datagen::sales_csv(5))).await.unwrap();
        // A partition in another bucket is read through the whole lake, in the same scan.
        let res = engine.run("SELECT COUNT(*), SUM(year) FROM sales WHERE year > 2024", Some("db")).await.unwrap();
        assert_eq!(res.rows, vec![vec![Value::from(15), Value::from(2025 * 10 + 2026 * 5)]]);
    }
}
