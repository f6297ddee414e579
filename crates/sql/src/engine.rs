//! Runs one statement: DDL against the catalog, queries in a fresh DataFusion session.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use datafusion::{
    catalog::{CatalogProvider, MemoryCatalogProvider, MemorySchemaProvider},
    execution::{
        disk_manager::{DiskManagerBuilder, DiskManagerMode},
        runtime_env::RuntimeEnvBuilder,
    },
    logical_expr::{dml::WriteOp, CreateExternalTable, DdlStatement, LogicalPlan},
    prelude::{SessionConfig, SessionContext},
};
use object_store::ObjectStore;
use puddle_api::{CreateTableInput, DataFormat, QueryResult, QueryStats};
use puddle_catalog::{Catalog, Column, Table, DEFAULT_DATABASE};

use crate::{
    arrow_to_hive,
    ctas::RunOptions,
    tables::{infer_columns, listing_table, ReadOptions, FIELD_DELIM, SKIP_HEADER},
    values, Error, LakeStoreRegistry, Result,
};

/// Name of the DataFusion catalog that holds the Data Catalog's databases (Athena's name).
pub const CATALOG_NAME: &str = "awsdatacatalog";

/// Default memory a query may use before it fails with a clear error (not a dead tab).
const DEFAULT_MEMORY_LIMIT: usize = 1 << 30;

/// The Arrow result of [`SqlEngine::query_batches`].
#[derive(Debug)]
pub struct Batches {
    /// Schema of the batches.
    pub schema: datafusion::arrow::datatypes::SchemaRef,
    /// The rows.
    pub batches: Vec<datafusion::arrow::array::RecordBatch>,
    /// Bytes read from lake objects.
    pub bytes_read: u64,
    /// Rows each file scan produced.
    pub scans: Vec<crate::ScanRows>,
}

/// Runs SQL over the lake. Cheap to clone; holds no per-query state.
#[derive(Debug, Clone)]
pub struct SqlEngine {
    /// What queries read: the lake's store with archived objects refused.
    pub(crate) store: Arc<dyn ObjectStore>,
    /// Where CTAS, INSERT INTO and Redshift local tables write: the S3 layer, so every object
    /// gets its content type, versioning and S3 event.
    pub(crate) s3: puddle_store::S3,
    pub(crate) catalog: Arc<Catalog>,
    memory_limit: usize,
    file_tables: Arc<Vec<crate::FileTable>>,
}

impl SqlEngine {
    /// An engine over `store` (the whole lake) with tables from `catalog`, writing through an
    /// S3 layer of its own (its events go nowhere: the lake uses [`SqlEngine::with_s3`]).
    pub fn new(store: Arc<dyn ObjectStore>, catalog: Arc<Catalog>) -> Self {
        Self::with_s3(puddle_store::S3::new(store), catalog)
    }

    /// An engine reading the lake of `s3` through [`puddle_store::S3::reading_store`] (archived
    /// objects fail with `InvalidObjectState`) and writing every object through `s3`.
    pub fn with_s3(s3: puddle_store::S3, catalog: Arc<Catalog>) -> Self {
        Self { store: s3.reading_store(), s3, catalog, memory_limit: DEFAULT_MEMORY_LIMIT, file_tables: Arc::default() }
    }

    /// The same engine with tables over S3 files that are not in the catalog (a Glue job's
    /// `from_options` sources), visible in the current database of its sessions.
    pub fn with_file_tables(&self, tables: Vec<crate::FileTable>) -> Self {
        let mut engine = self.clone();
        engine.file_tables = Arc::new(tables);
        engine
    }

    /// The same engine with the `hidden` objects (`<bucket>/<key>` paths) invisible to its
    /// queries: a job run with a bookmark reads only what earlier runs did not process.
    pub fn hiding(&self, hidden: Arc<std::collections::HashSet<object_store::path::Path>>) -> Self {
        let mut engine = self.clone();
        engine.store = Arc::new(crate::HidingStore::new(Arc::clone(&self.store), hidden));
        engine
    }

    /// The Data Catalog the engine plans against.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// Caps the memory one query may use.
    pub fn with_memory_limit(mut self, bytes: usize) -> Self {
        self.memory_limit = bytes;
        self
    }

    /// Runs one statement with `database` (or `default`) as the current database.
    pub async fn run(&self, query: &str, database: Option<&str>) -> Result<QueryResult> {
        self.run_with(query, database, &RunOptions::default()).await
    }

    /// [`SqlEngine::run`] with Athena's per-execution context (id, output location, data
    /// usage limit). A query stopped by the limit fails with [`Error::BytesScannedLimitExceeded`].
    pub async fn run_with(&self, query: &str, database: Option<&str>, opts: &RunOptions) -> Result<QueryResult> {
        let started = web_time::Instant::now();
        let bytes_read = opts.scanned.clone().unwrap_or_default();
        let database = database.unwrap_or(DEFAULT_DATABASE).to_ascii_lowercase();
        let words: Vec<String> =
            query.trim().trim_end_matches(';').split_whitespace().map(str::to_ascii_uppercase).collect();
        if words == ["SHOW", "DATABASES"] || words == ["SHOW", "SCHEMAS"] {
            // Athena's SHOW DATABASES (DataFusion has no such statement).
            let rows = self.catalog.databases().into_iter().map(|d| vec![serde_json::Value::from(d.name)]).collect();
            let mut result = empty_result();
            result.columns = vec!["database_name".into()];
            result.column_types = vec!["varchar".into()];
            result.rows = rows;
            result.stats = QueryStats::free(started.elapsed().as_secs_f64() * 1000.0);
            return Ok(result);
        }
        if let Some(stmt) = crate::redshift::parse_create_external_schema(query)? {
            self.catalog
                .create_external_schema(&stmt.name, &stmt.database, stmt.if_not_exists, stmt.create_database)
                .await?;
            let mut result = empty_result();
            result.stats = QueryStats::free(started.elapsed().as_secs_f64() * 1000.0);
            return Ok(result);
        }
        if let Some(stmt) = crate::athena_ddl::parse(query)? {
            // DESCRIBE / SHOW COLUMNS of something not in the catalog (information_schema) go to DataFusion.
            let catalog_name = match &stmt {
                crate::athena_ddl::Statement::Describe(n)
                | crate::athena_ddl::Statement::DescribeDetailed(n)
                | crate::athena_ddl::Statement::ShowColumns(n) => Some(n),
                _ => None,
            };
            let in_catalog = catalog_name.is_none_or(|n| {
                self.catalog.get_table(&self.resolve_database(n.database.as_deref(), &database), &n.table).is_ok()
            });
            if in_catalog {
                let mut result = self.run_athena_ddl(stmt, &database).await?;
                result.stats = QueryStats::free(started.elapsed().as_secs_f64() * 1000.0);
                return Ok(result);
            }
        }
        if let Some(ctas) = crate::ctas::parse(query)? {
            return self.run_ctas(ctas, &database, opts).await;
        }
        if let Some(copy) = crate::redshift_local::parse_copy(query)? {
            return self.copy_into(copy, opts).await;
        }
        crate::views::refuse_column_list(query)?;
        let limit = opts.bytes_scanned_cutoff;
        let ctx = self.session_with(&database, Arc::clone(&bytes_read), opts).await?;
        let outcome = self.run_plan(&ctx, query, &database, opts).await;
        let read = bytes_read.load(Ordering::Relaxed);
        if limit.is_some_and(|l| read > l) {
            return Err(Error::BytesScannedLimitExceeded { bytes_scanned: read });
        }
        let (mut result, billed) = outcome.map_err(|e| cancelled_or(e, opts))?;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        result.stats = if billed { QueryStats::priced(read, elapsed_ms) } else { QueryStats::free(elapsed_ms) };
        Ok(result)
    }

    /// Plans and runs a statement DataFusion parses; says whether Athena bills it.
    async fn run_plan(
        &self,
        ctx: &SessionContext,
        query: &str,
        database: &str,
        opts: &RunOptions,
    ) -> Result<(QueryResult, bool)> {
        let plan = ctx.state().create_logical_plan(query).await?;
        Ok(match plan {
            LogicalPlan::Ddl(ddl) => {
                self.run_ddl(ctx, ddl, query, database).await?;
                (empty_result(), false)
            }
            LogicalPlan::Dml(dml) if matches!(dml.op, WriteOp::Insert(_)) => {
                let rows = self.insert_into(ctx, dml, database, opts).await?;
                let mut result = empty_result();
                result.columns = vec!["rows".into()];
                result.column_types = vec!["bigint".into()];
                result.rows = vec![vec![serde_json::Value::from(rows)]];
                (result, true)
            }
            LogicalPlan::Dml(_) | LogicalPlan::Copy(_) => {
                return Err(Error::NotSupported(
                    "UPDATE, DELETE and COPY TO are not supported; Athena tables over S3 take INSERT INTO and CTAS"
                        .into(),
                ))
            }
            LogicalPlan::Statement(_) => {
                return Err(Error::NotSupported("SET, PREPARE, EXECUTE and transactions are not supported".into()))
            }
            plan => {
                // EXPLAIN only plans: nothing is read, nothing billed. EXPLAIN ANALYZE runs the query.
                let billed = !matches!(plan, LogicalPlan::Explain(_));
                let df = ctx.execute_logical_plan(plan).await?;
                let schema = df.schema().as_arrow().clone();
                let batches = crate::collect::collect_df(df, opts).await?;
                let result = QueryResult {
                    columns: schema.fields().iter().map(|f| f.name().clone()).collect(),
                    column_types: schema.fields().iter().map(|f| athena_type(f.data_type())).collect(),
                    rows: values::rows(&batches)?,
                    stats: QueryStats::free(0.0),
                };
                (result, billed)
            }
        })
    }

    /// Runs a query (not DDL) and returns its Arrow batches, for jobs that write them out.
    /// Also returns the bytes the query read.
    pub async fn query_batches(&self, query: &str, database: Option<&str>) -> Result<Batches> {
        self.query_batches_with(query, database, &RunOptions::default()).await
    }

    /// [`SqlEngine::query_batches`] under the data usage limit of `opts`.
    pub async fn query_batches_with(&self, query: &str, database: Option<&str>, opts: &RunOptions) -> Result<Batches> {
        let bytes_read = opts.scanned.clone().unwrap_or_default();
        let database = database.unwrap_or(DEFAULT_DATABASE).to_ascii_lowercase();
        let limit = opts.bytes_scanned_cutoff;
        let ctx = self.session_with(&database, Arc::clone(&bytes_read), opts).await?;
        let outcome = async {
            let plan = ctx.state().create_logical_plan(query).await?;
            if matches!(
                plan,
                LogicalPlan::Ddl(_) | LogicalPlan::Dml(_) | LogicalPlan::Copy(_) | LogicalPlan::Statement(_)
            ) {
                return Err(Error::NotSupported("only a query (SELECT ...) can feed this statement".into()));
            }
            let df = ctx.execute_logical_plan(plan).await?;
            let schema = Arc::new(df.schema().as_arrow().clone());
            let physical = df.create_physical_plan().await?;
            let batches = crate::collect::collect_yielding(Arc::clone(&physical), ctx.task_ctx(), opts).await?;
            Ok((schema, batches, crate::scan_rows(&physical)))
        }
        .await;
        let read = bytes_read.load(Ordering::Relaxed);
        if limit.is_some_and(|l| read > l) {
            return Err(Error::BytesScannedLimitExceeded { bytes_scanned: read });
        }
        let (schema, batches, scans) = outcome.map_err(|e| cancelled_or(e, opts))?;
        Ok(Batches { schema, batches, bytes_read: read, scans })
    }

    /// The first `limit` rows of one object (or folder) read as `format`, without a catalog table:
    /// the console's object preview.
    pub async fn preview(&self, location: &str, format: DataFormat, limit: usize) -> Result<QueryResult> {
        let started = web_time::Instant::now();
        let bytes_read = Arc::new(AtomicU64::new(0));
        let ctx = self.session(DEFAULT_DATABASE, Arc::clone(&bytes_read), None).await?;
        let options =
            ReadOptions { format, has_header: true, delimiter: b',', quote: b'"', escape: None }.listing_options();
        let url = crate::tables::table_url(location)?;
        let schema = options.infer_schema(&ctx.state(), &url).await?;
        let config = datafusion::datasource::listing::ListingTableConfig::new(url)
            .with_listing_options(options)
            .with_schema(schema);
        let table = datafusion::datasource::listing::ListingTable::try_new(config)?;
        let df = ctx.read_table(Arc::new(table))?.limit(0, Some(limit))?;
        let schema = df.schema().as_arrow().clone();
        let batches = crate::collect::collect_df(df, &RunOptions::default()).await?;
        Ok(QueryResult {
            columns: schema.fields().iter().map(|f| f.name().clone()).collect(),
            column_types: schema.fields().iter().map(|f| athena_type(f.data_type())).collect(),
            rows: values::rows(&batches)?,
            stats: QueryStats::free(started.elapsed().as_secs_f64() * 1000.0),
        })
    }

    /// Reads the files at `input.location` and registers (or replaces) a table with their columns.
    pub async fn create_table_from_files(&self, input: &CreateTableInput) -> Result<Table> {
        self.catalog.create_database(&input.database, true).await?;
        let ctx = self.session(DEFAULT_DATABASE, Arc::new(AtomicU64::new(0)), None).await?;
        let options =
            ReadOptions { format: input.format, has_header: true, delimiter: b',', quote: b'"', escape: None };
        let columns = infer_columns(&ctx.state(), &input.location, options).await?;
        let mut table =
            Table::new(&input.database, &input.name, &input.location, input.format.classification(), columns);
        if input.format == DataFormat::Csv {
            table.parameters.insert(SKIP_HEADER.into(), "1".into());
            table.parameters.insert(FIELD_DELIM.into(), ",".into());
        }
        Ok(self.catalog.put_table(table).await?)
    }

    /// The state of a session over the `default` database that counts nothing (to infer schemas).
    pub(crate) async fn session_state(&self) -> Result<datafusion::execution::SessionState> {
        Ok(self.session(DEFAULT_DATABASE, Arc::new(AtomicU64::new(0)), None).await?.state())
    }

    /// A session whose `awsdatacatalog` holds every catalog table, current database `database`.
    pub(crate) async fn session(
        &self,
        database: &str,
        bytes_read: Arc<AtomicU64>,
        limit: Option<u64>,
    ) -> Result<SessionContext> {
        let opts = RunOptions { bytes_scanned_cutoff: limit, ..RunOptions::default() };
        self.session_with(database, bytes_read, &opts).await
    }

    /// [`SqlEngine::session`] whose reads stop at the data usage limit of `opts` and once its
    /// `cancel` is set.
    pub(crate) async fn session_with(
        &self,
        database: &str,
        bytes_read: Arc<AtomicU64>,
        opts: &RunOptions,
    ) -> Result<SessionContext> {
        let config = SessionConfig::new()
            .with_target_partitions(1) // more partitions spawn tokio tasks, which wasm32 cannot run
            .with_information_schema(true)
            .with_create_default_catalog_and_schema(false)
            .with_default_catalog_and_schema(CATALOG_NAME, database);
        let runtime = RuntimeEnvBuilder::new()
            .with_object_store_registry(Arc::new(LakeStoreRegistry::with_controls(
                Arc::clone(&self.store),
                bytes_read,
                opts.bytes_scanned_cutoff,
                opts.cancel.clone(),
            )))
            .with_memory_limit(self.memory_limit, 1.0)
            .with_disk_manager_builder(DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled))
            .build_arc()?;
        let mut state = datafusion::execution::SessionStateBuilder::new()
            .with_config(config)
            .with_runtime_env(runtime)
            .with_default_features()
            // Multi-partition plans (UNION ALL) are merged without spawning tasks.
            .with_physical_optimizer_rule(Arc::new(crate::single_partition::SequentialCoalesce));
        if let Some(cancel) = &opts.cancel {
            // A stop reaches even a query that reads no storage (last: it only wraps leaves).
            let rule = crate::cancellable::CancellableLeaves { cancel: Arc::clone(cancel) };
            state = state.with_physical_optimizer_rule(Arc::new(rule));
        }
        let state = state.build();
        let ctx = SessionContext::new_with_state(state);
        crate::trino::register(&ctx);
        let catalog = MemoryCatalogProvider::new();
        for db in self.catalog.databases() {
            catalog.register_schema(&db.name, Arc::new(MemorySchemaProvider::new()))?;
        }
        if catalog.schema(database).is_none() {
            catalog.register_schema(database, Arc::new(MemorySchemaProvider::new()))?;
        }
        for table in self.catalog.tables(None) {
            // A table Puddle cannot read fails only the queries that use it: it stays out of the session.
            let provider = if crate::projection::is_projected(&table) {
                crate::projection::projected_table(&table)
            } else if !crate::tables::uses_catalog_partitions(&table)
                && crate::json_path_table::json_path_of(&table).is_none()
                && crate::projection::has_relocated_partitions(&table)
            {
                // Hive folders plus partitions registered elsewhere (a table whose partitions all
                // come from the catalog already reads every registered location).
                crate::projection::with_relocated_partitions(&table)
            } else {
                listing_table(&table)
            };
            let (Ok(provider), Some(schema)) = (provider, catalog.schema(&table.database)) else {
                continue;
            };
            schema.register_table(table.name.clone(), provider)?;
        }
        // Redshift external schemas: another name for a database's tables.
        for (schema, target) in self.catalog.external_schemas() {
            if let Some(tables) = catalog.schema(&target) {
                catalog.register_schema(&schema, tables)?;
            }
        }
        self.register_local_tables(&catalog, database).await?;
        let catalog = Arc::new(catalog);
        ctx.register_catalog(CATALOG_NAME, Arc::clone(&catalog) as Arc<dyn CatalogProvider>);
        let views = self.catalog.tables(None).into_iter().filter(Table::is_view).collect();
        crate::views::register_views(&ctx, &catalog, views).await;
        if let (false, Some(schema)) = (self.file_tables.is_empty(), catalog.schema(database)) {
            crate::file_tables::register_file_tables(&ctx, &schema, &self.file_tables).await?;
        }
        Ok(ctx)
    }

    async fn run_ddl(&self, ctx: &SessionContext, ddl: DdlStatement, statement: &str, database: &str) -> Result<()> {
        match ddl {
            DdlStatement::CreateExternalTable(cmd) => self.create_external_table(ctx, *cmd, database).await,
            DdlStatement::DropTable(cmd) => {
                let db = cmd.name.schema().unwrap_or(database).to_string();
                if self.catalog.get_table(&db, cmd.name.table()).is_err()
                    && self.drop_local_table(cmd.name.schema(), cmd.name.table()).await?
                {
                    return Ok(()); // a Redshift local table
                }
                match self.catalog.delete_table(&db, cmd.name.table()).await {
                    Err(puddle_catalog::Error::EntityNotFound { .. }) if cmd.if_exists => Ok(()),
                    other => Ok(other?),
                }
            }
            DdlStatement::CreateCatalogSchema(cmd) => {
                let name = cmd.schema_name.rsplit('.').next().unwrap_or(&cmd.schema_name);
                self.catalog.create_database(name, cmd.if_not_exists).await?;
                Ok(())
            }
            DdlStatement::CreateCatalog(cmd) => {
                // Athena's CREATE DATABASE: a database is a schema of `awsdatacatalog`.
                self.catalog.create_database(&cmd.catalog_name, cmd.if_not_exists).await?;
                Ok(())
            }
            DdlStatement::DropCatalogSchema(cmd) => {
                let name = cmd.name.schema_name().to_string();
                match self.catalog.delete_database(&name).await {
                    Err(puddle_catalog::Error::EntityNotFound { .. }) if cmd.if_exists => Ok(()),
                    other => Ok(other?),
                }
            }
            DdlStatement::CreateMemoryTable(cmd) => self.create_local_table(cmd).await,
            DdlStatement::CreateView(cmd) => self.create_view(cmd, statement, database).await,
            DdlStatement::DropView(cmd) => self.drop_view(cmd, database).await,
            other => Err(Error::NotSupported(format!("{} is not supported yet", other.name()))),
        }
    }

    async fn create_external_table(
        &self,
        ctx: &SessionContext,
        cmd: CreateExternalTable,
        database: &str,
    ) -> Result<()> {
        let db = cmd.name.schema().unwrap_or(database).to_ascii_lowercase();
        let name = cmd.name.table().to_ascii_lowercase();
        if self.catalog.get_table(&db, &name).is_ok() && !cmd.or_replace {
            return if cmd.if_not_exists {
                Ok(())
            } else {
                Err(puddle_catalog::Error::AlreadyExists { entity: "Table", name: format!("{db}.{name}") }.into())
            };
        }
        let [location] = cmd.locations.as_slice() else {
            return Err(Error::NotSupported("CREATE EXTERNAL TABLE needs exactly one LOCATION".into()));
        };
        let format = DataFormat::parse(&cmd.file_type).ok_or_else(|| {
            Error::NotSupported(format!("STORED AS {} is not supported; use CSV, JSON or PARQUET", cmd.file_type))
        })?;
        let option = |key: &str| cmd.options.get(&format!("format.{key}")).map(String::as_str);
        let has_header = option("has_header").is_none_or(|v| v.eq_ignore_ascii_case("true"));
        let delimiter = match option("delimiter").map(str::as_bytes) {
            None => b',',
            Some([b]) => *b,
            Some(_) => return Err(Error::Query("format.delimiter must be a single character".into())),
        };
        let declared: Vec<Column> =
            cmd.schema.fields().iter().map(|f| Column::new(f.name(), arrow_to_hive(f.data_type()))).collect();
        let is_partition = |c: &Column| cmd.table_partition_cols.iter().any(|p| p.eq_ignore_ascii_case(&c.name));
        let columns = if declared.iter().any(|c| !is_partition(c)) {
            declared.iter().filter(|c| !is_partition(c)).cloned().collect()
        } else {
            infer_columns(
                &ctx.state(),
                location,
                ReadOptions { format, has_header, delimiter, quote: b'"', escape: None },
            )
            .await?
        };
        let mut table = Table::new(&db, &name, location, format.classification(), columns);
        table.partition_keys = cmd
            .table_partition_cols
            .iter()
            .map(|p| {
                declared.iter().find(|c| c.name.eq_ignore_ascii_case(p)).cloned().unwrap_or(Column::new(p, "string"))
            })
            .collect();
        if format == DataFormat::Csv {
            table.parameters.insert(SKIP_HEADER.into(), if has_header { "1" } else { "0" }.into());
            table.parameters.insert(FIELD_DELIM.into(), (delimiter as char).to_string());
        }
        self.catalog.put_table(table).await?;
        Ok(())
    }
}

fn empty_result() -> QueryResult {
    QueryResult { columns: Vec::new(), column_types: Vec::new(), rows: Vec::new(), stats: QueryStats::free(0.0) }
}

/// Athena's name for a result column type.
fn athena_type(dt: &datafusion::arrow::datatypes::DataType) -> String {
    match arrow_to_hive(dt).as_str() {
        "string" => "varchar".into(),
        "int" => "integer".into(),
        other => other.into(),
    }
}

/// `e`, or [`Error::Cancelled`] when the caller cancelled the statement (a scan refused to read
/// because of it, which DataFusion reports as an object store error).
fn cancelled_or(e: Error, opts: &RunOptions) -> Error {
    if opts.cancel.as_deref().is_some_and(|c| c.load(Ordering::SeqCst)) {
        Error::Cancelled
    } else {
        e
    }
}
