//! JSON tables a crawler made with a custom JSON classifier (`jsonPath` table parameter): every
//! file is one JSON document (or a stream of them) and the rows are the values the JsonPath
//! selects, as Glue's JSON classifier saw them. DataFusion's JSON reader only reads one object
//! per line, so [`JsonPathTable`] reads each file whole through the session's object store (bytes
//! scanned are counted as for any table), applies the path and decodes the records with the
//! table's schema. Partition values come from the catalog's partition records.

use std::{io::Cursor, sync::Arc};

use async_trait::async_trait;
use datafusion::{
    arrow::{
        array::RecordBatch,
        datatypes::{FieldRef, Schema, SchemaRef},
        json::ReaderBuilder,
    },
    catalog::{Session, TableProvider},
    common::ScalarValue,
    datasource::{listing::ListingTableUrl, memory::MemorySourceConfig, TableType},
    error::DataFusionError,
    logical_expr::Expr,
    physical_plan::ExecutionPlan,
};
use futures::TryStreamExt;
use object_store::ObjectStoreExt;
use puddle_catalog::{
    json_path::{JsonPath, JSON_PATH_PARAMETER},
    Table,
};

/// The table's JsonPath, when it is a JSON table read through one.
pub(crate) fn json_path_of(table: &Table) -> Option<&str> {
    table
        .parameters
        .get(JSON_PATH_PARAMETER)
        .filter(|_| table.classification.eq_ignore_ascii_case("json"))
        .map(String::as_str)
}

/// One folder of the table and the partition values of its files.
#[derive(Debug)]
pub(crate) struct JsonPathDir {
    pub values: Vec<ScalarValue>,
    pub url: ListingTableUrl,
}

/// A JSON table whose rows are the values a JsonPath selects in each file.
#[derive(Debug)]
pub(crate) struct JsonPathTable {
    name: String,
    /// The path, or why the stored one is unusable (then every scan fails, naming it).
    path: Result<JsonPath, String>,
    file_schema: SchemaRef,
    schema: SchemaRef,
    dirs: Vec<JsonPathDir>,
}

impl JsonPathTable {
    /// A table `name` (qualified) over `dirs`, with data columns `file_schema` and then
    /// `partition_fields`.
    pub(crate) fn new(
        name: String,
        path: &str,
        file_schema: SchemaRef,
        partition_fields: Vec<FieldRef>,
        dirs: Vec<JsonPathDir>,
    ) -> Self {
        let fields: Vec<FieldRef> = file_schema.fields().iter().cloned().chain(partition_fields).collect();
        let schema = Arc::new(Schema::new(fields));
        let path = JsonPath::parse(path).map_err(|e| {
            format!("Table {name} cannot be read: its jsonPath parameter is not a JsonPath Puddle supports ({e})")
        });
        Self { name, path, file_schema, schema, dirs }
    }

    async fn read_dir(
        &self,
        state: &dyn Session,
        path: &JsonPath,
        dir: &JsonPathDir,
        out: &mut Vec<RecordBatch>,
    ) -> datafusion::error::Result<()> {
        let store = state.runtime_env().object_store(&dir.url)?;
        let mut metas: Vec<_> = dir.url.list_all_files(state, store.as_ref(), "").await?.try_collect().await?;
        metas.sort_by(|a, b| a.location.cmp(&b.location));
        for meta in metas {
            let hidden = meta.location.filename().is_none_or(|n| n.starts_with('_') || n.starts_with('.'));
            if meta.size == 0 || hidden {
                continue;
            }
            let bytes = store.get(&meta.location).await?.bytes().await?;
            let where_ = format!("{}{}", dir.url.object_store().as_str(), meta.location);
            let body: &[u8] = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            let text = std::str::from_utf8(body).map_err(|e| {
                DataFusionError::Execution(format!("{where_} is not UTF-8 text (byte {}) ", e.valid_up_to()))
            })?;
            let records = path.records(text).map_err(|e| {
                DataFusionError::Execution(format!(
                    "{where_} cannot be read with table {}'s JsonPath {path}: {e}",
                    self.name
                ))
            })?;
            let mut lines = Vec::new();
            for record in records.iter().filter(|r| r.is_object()) {
                serde_json::to_writer(&mut lines, record).map_err(|e| DataFusionError::External(Box::new(e)))?;
                lines.push(b'\n');
            }
            let reader = ReaderBuilder::new(Arc::clone(&self.file_schema)).build(Cursor::new(lines))?;
            for batch in reader {
                let batch = batch.map_err(|e| {
                    DataFusionError::Execution(format!(
                        "{where_}: the records at JsonPath {path} do not match table {}'s columns: {e}",
                        self.name
                    ))
                })?;
                let mut columns = batch.columns().to_vec();
                for value in &dir.values {
                    columns.push(value.to_array_of_size(batch.num_rows())?);
                }
                out.push(RecordBatch::try_new(Arc::clone(&self.schema), columns)?);
            }
        }
        Ok(())
    }
}

#[async_trait]
impl TableProvider for JsonPathTable {
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
        _filters: &[Expr],
        _limit: Option<usize>,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        let path = self.path.as_ref().map_err(|e| DataFusionError::Plan(e.clone()))?;
        let mut batches = Vec::new();
        for dir in &self.dirs {
            self.read_dir(state, path, dir, &mut batches).await?;
        }
        Ok(MemorySourceConfig::try_new_exec(&[batches], Arc::clone(&self.schema), projection.cloned())?)
    }
}
