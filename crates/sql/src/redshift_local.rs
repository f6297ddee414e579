//! Redshift local tables: `CREATE TABLE t (cols)`, `INSERT INTO t ...`,
//! `COPY t FROM 's3://...' IAM_ROLE '...' FORMAT AS CSV|PARQUET|JSON 'auto'` and `DROP TABLE t`.
//!
//! A local table is not in the Glue Data Catalog (Athena does not see it): its definition is a
//! JSON record in `_meta/redshift/tables/<schema>/<table>.json` and its rows are Parquet
//! objects under `_meta/redshift/data/<schema>/<table>/`. Unqualified names are in Redshift's
//! `public` schema. Every session registers local tables under their schema, and under the
//! current database too (unless a catalog table has the name), so queries can join local and
//! external (Spectrum) tables.

use std::sync::Arc;

use datafusion::{
    arrow::datatypes::{Field, Schema},
    catalog::{CatalogProvider, MemoryCatalogProvider, MemorySchemaProvider},
    datasource::listing::{ListingTable, ListingTableConfig},
    logical_expr::{CreateMemoryTable, LogicalPlan},
    prelude::{cast, col},
};
use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt};
use puddle_api::{DataFormat, QueryResult, QueryStats};
use puddle_catalog::{Column, Table};

use crate::{arrow_to_hive, hive_to_arrow, tables::ReadOptions, Error, Result, SqlEngine};

/// Redshift's default schema.
pub(crate) const LOCAL_SCHEMA: &str = "public";
/// Table parameter marking a Redshift local table.
pub(crate) const LOCAL_MARK: &str = "puddle.redshiftLocal";

fn record_path(schema: &str, name: &str) -> Path {
    Path::from_iter(["_meta", "redshift", "tables", schema, &format!("{name}.json")])
}

fn data_location(schema: &str, name: &str) -> String {
    format!("s3://_meta/redshift/data/{schema}/{name}/")
}

/// A parsed `COPY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Copy {
    pub schema: Option<String>,
    pub table: String,
    pub from: String,
    pub format: DataFormat,
    pub delimiter: u8,
    pub ignore_header: bool,
}

/// `Ok(None)` unless `sql` is `COPY ... FROM ...`.
pub(crate) fn parse_copy(sql: &str) -> Result<Option<Copy>> {
    let tokens = crate::redshift::tokens(sql.trim().trim_end_matches(';'));
    let upper: Vec<String> = tokens.iter().map(|t| t.to_ascii_uppercase()).collect();
    if upper.first().map(String::as_str) != Some("COPY") || !upper.iter().any(|t| t == "FROM") {
        return Ok(None);
    }
    let bad = |why: &str| {
        Err(Error::Query(format!(
            "COPY: {why}. Expected: COPY table FROM 's3://bucket/prefix/' IAM_ROLE 'arn:aws:iam::123456789012:role/Role' \
             FORMAT AS CSV|PARQUET|JSON 'auto' [IGNOREHEADER 1] [DELIMITER ',']"
        )))
    };
    let Some(name) = tokens.get(1) else { return bad("the table name is missing") };
    if upper.get(2).map(String::as_str) != Some("FROM") {
        return bad("a column list is not supported; FROM must follow the table name");
    }
    let Some(from) = tokens.get(3).map(|t| crate::redshift::unquote(t)) else { return bad("FROM needs 's3://...'") };
    let (schema, table) = match name.split_once('.') {
        Some((s, t)) => (Some(s.to_ascii_lowercase()), t.to_ascii_lowercase()),
        None => (None, name.to_ascii_lowercase()),
    };
    let mut copy = Copy { schema, table, from, format: DataFormat::Csv, delimiter: b'|', ignore_header: false };
    let (mut role, mut format_given, mut i) = (false, false, 4);
    // DELIMITER and IGNOREHEADER read text: with PARQUET or JSON they would be ignored.
    let mut text_option: Option<&str> = None;
    while i < upper.len() {
        let next = |k: usize| tokens.get(i + k).map(|t| crate::redshift::unquote(t)).unwrap_or_default();
        match upper[i].as_str() {
            "IAM_ROLE" | "CREDENTIALS" => {
                role = true;
                i += 2;
            }
            "REGION" => i += 2,
            "FORMAT" => {
                i += if upper.get(i + 1).map(String::as_str) == Some("AS") { 2 } else { 1 };
            }
            "CSV" => {
                (copy.format, format_given) = (DataFormat::Csv, true);
                if copy.delimiter == b'|' {
                    copy.delimiter = b',';
                }
                i += 1;
            }
            "PARQUET" => {
                (copy.format, format_given) = (DataFormat::Parquet, true);
                i += 1;
            }
            "JSON" => {
                (copy.format, format_given) = (DataFormat::Json, true);
                i += if next(1).eq_ignore_ascii_case("auto") { 2 } else { 1 };
            }
            "DELIMITER" => {
                let value = if next(1).eq_ignore_ascii_case("AS") { next(2) } else { next(1) };
                let [b] = value.as_bytes() else { return bad("DELIMITER must be one character") };
                copy.delimiter = *b;
                text_option = Some("DELIMITER");
                i += if next(1).eq_ignore_ascii_case("AS") { 3 } else { 2 };
            }
            "IGNOREHEADER" => {
                let value = if next(1).eq_ignore_ascii_case("AS") { next(2) } else { next(1) };
                copy.ignore_header = match value.trim() {
                    "0" => false,
                    "1" => true,
                    // Puddle skips at most the header line; more would be silently read as data.
                    other => return bad(&format!("IGNOREHEADER {other} is not supported: use IGNOREHEADER 1 or 0")),
                };
                text_option = Some("IGNOREHEADER");
                i += if next(1).eq_ignore_ascii_case("AS") { 3 } else { 2 };
            }
            other => return bad(&format!("option {other} is not supported")),
        }
    }
    if !role {
        return bad("IAM_ROLE is missing");
    }
    if let (Some(option), DataFormat::Parquet | DataFormat::Json) = (text_option, copy.format) {
        let name = if copy.format == DataFormat::Parquet { "PARQUET" } else { "JSON" };
        return bad(&format!("{option} applies to CSV (text) files, not to FORMAT AS {name}"));
    }
    if !format_given {
        copy.delimiter = b'|'; // Redshift's default: pipe-delimited text
    }
    Ok(Some(copy))
}

impl SqlEngine {
    /// Every Redshift local table.
    pub(crate) async fn local_tables(&self) -> Result<Vec<Table>> {
        let root = Path::from_iter(["_meta", "redshift", "tables"]);
        let metas: Vec<_> =
            self.store.list(Some(&root)).try_collect().await.map_err(|e| Error::Query(e.to_string()))?;
        let mut out = Vec::new();
        for m in metas {
            let bytes = self
                .store
                .get(&m.location)
                .await
                .map_err(|e| Error::Query(e.to_string()))?
                .bytes()
                .await
                .map_err(|e| Error::Query(e.to_string()))?;
            out.push(serde_json::from_slice(&bytes).map_err(|e| Error::Query(format!("{}: {e}", m.location)))?);
        }
        Ok(out)
    }

    /// The local table `schema.name` (`public` when unqualified).
    pub(crate) async fn local_table(&self, schema: Option<&str>, name: &str) -> Result<Option<Table>> {
        let schema = schema.unwrap_or(LOCAL_SCHEMA).to_ascii_lowercase();
        let name = name.to_ascii_lowercase();
        Ok(self.local_tables().await?.into_iter().find(|t| t.database == schema && t.name == name))
    }

    /// `CREATE TABLE t (cols)`: a Redshift local table.
    pub(crate) async fn create_local_table(&self, cmd: CreateMemoryTable) -> Result<()> {
        if !matches!(cmd.input.as_ref(), LogicalPlan::EmptyRelation(_)) {
            return Err(Error::NotSupported(
                "CREATE TABLE ... AS needs WITH (external_location = 's3://...') or runs as Athena CTAS".into(),
            ));
        }
        refuse_unhonoured(&cmd)?;
        let schema = cmd.name.schema().unwrap_or(LOCAL_SCHEMA).to_ascii_lowercase();
        let name = puddle_catalog::validate_name("Table", cmd.name.table())?;
        if self.local_table(Some(&schema), &name).await?.is_some() {
            return if cmd.if_not_exists {
                Ok(())
            } else {
                Err(Error::Query(format!("Relation \"{name}\" already exists")))
            };
        }
        let columns: Vec<Column> = cmd
            .input
            .schema()
            .fields()
            .iter()
            .map(|f| Column::new(f.name().to_ascii_lowercase(), arrow_to_hive(f.data_type())))
            .collect();
        if columns.is_empty() {
            return Err(Error::Query("CREATE TABLE needs at least one column".into()));
        }
        let mut table = Table::new(&schema, &name, data_location(&schema, &name), "parquet", columns);
        table.parameters.insert(LOCAL_MARK.into(), "true".into());
        table.create_time = Some(chrono::Utc::now());
        // Rows a dropped table of the same name left behind (a drop interrupted after its
        // definition was removed) must not reappear in the new table.
        self.delete_local_data(&schema, &name).await?;
        let json = serde_json::to_vec_pretty(&table).map_err(|e| Error::Query(e.to_string()))?;
        self.s3.put_lake_record(&record_path(&schema, &name), json.into(), "application/json").await?;
        Ok(())
    }

    /// Drops a local table and its rows. `Ok(false)` when there is no such local table.
    pub(crate) async fn drop_local_table(&self, schema: Option<&str>, name: &str) -> Result<bool> {
        let Some(table) = self.local_table(schema, name).await? else { return Ok(false) };
        // The definition first: a crash half-way leaves stray data files (removed by the next
        // CREATE TABLE of that name), never a table with part of its rows.
        self.s3.delete_lake_record(&record_path(&table.database, &table.name)).await?;
        self.delete_local_data(&table.database, &table.name).await?;
        Ok(true)
    }

    async fn delete_local_data(&self, schema: &str, name: &str) -> Result<()> {
        let data = Path::from_iter(["_meta", "redshift", "data", schema, name]);
        let files: Vec<_> =
            self.store.list(Some(&data)).try_collect().await.map_err(|e| Error::Query(e.to_string()))?;
        for f in files {
            self.s3.delete_lake_record(&f.location).await?;
        }
        Ok(())
    }

    /// Registers local tables in `catalog`: under their schema, and under `current` when free.
    pub(crate) async fn register_local_tables(&self, catalog: &MemoryCatalogProvider, current: &str) -> Result<()> {
        for table in self.local_tables().await? {
            let Ok(provider) = crate::tables::listing_table(&table) else { continue };
            if catalog.schema(&table.database).is_none() {
                catalog.register_schema(&table.database, Arc::new(MemorySchemaProvider::new()))?;
            }
            if let Some(schema) = catalog.schema(&table.database) {
                if !schema.table_exist(&table.name) {
                    schema.register_table(table.name.clone(), Arc::clone(&provider))?;
                }
            }
            if let Some(schema) = catalog.schema(current) {
                if table.database == LOCAL_SCHEMA && !schema.table_exist(&table.name) {
                    schema.register_table(table.name.clone(), provider)?;
                }
            }
        }
        Ok(())
    }

    /// `COPY t FROM 's3://...'`: reads the files with the table's columns and appends them.
    pub(crate) async fn copy_into(&self, copy: Copy, opts: &crate::RunOptions) -> Result<QueryResult> {
        let started = web_time::Instant::now();
        let table = self.local_table(copy.schema.as_deref(), &copy.table).await?.ok_or_else(|| {
            Error::Query(format!("Relation \"{}\" does not exist (COPY loads Redshift local tables)", copy.table))
        })?;
        let bytes_read = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let ctx = self.session(puddle_catalog::DEFAULT_DATABASE, Arc::clone(&bytes_read), None).await?;
        let fields = table
            .columns
            .iter()
            .map(|c| {
                let dt = hive_to_arrow(&c.data_type)
                    .ok_or_else(|| Error::NotSupported(format!("column type {}", c.data_type)))?;
                Ok(Field::new(&c.name, dt, true))
            })
            .collect::<Result<Vec<_>>>()?;
        let target = Arc::new(Schema::new(fields));
        let options = ReadOptions {
            format: copy.format,
            has_header: copy.ignore_header,
            delimiter: copy.delimiter,
            quote: b'"',
            escape: None,
        };
        let listing = options.listing_options();
        let url = crate::tables::table_url(&copy.from)?;
        // CSV columns are positional (the table's); Parquet and JSON columns match by name.
        let schema = match copy.format {
            DataFormat::Csv => Arc::clone(&target),
            _ => listing.infer_schema(&ctx.state(), &url).await?,
        };
        let config = ListingTableConfig::new(url).with_listing_options(listing).with_schema(schema.clone());
        let df = ctx.read_table(Arc::new(ListingTable::try_new(config)?))?;
        let exprs = target
            .fields()
            .iter()
            .map(|f| {
                let source = schema
                    .fields()
                    .iter()
                    .find(|s| s.name().eq_ignore_ascii_case(f.name()))
                    .ok_or_else(|| Error::Query(format!("COPY: the files have no column '{}'", f.name())))?;
                Ok(cast(col(format!("\"{}\"", source.name())), f.data_type().clone()).alias(f.name()))
            })
            .collect::<Result<Vec<_>>>()?;
        let df = df.select(exprs)?;
        let batches = crate::collect::collect_df(df, opts).await?;
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        self.append(&table, &target, &batches, opts).await?;
        let mut result = crate::ddl_exec::text_result(&["rows"], Vec::new());
        result.column_types = vec!["bigint".into()];
        result.rows = vec![vec![serde_json::Value::from(rows)]];
        result.stats = QueryStats::free(started.elapsed().as_secs_f64() * 1000.0);
        Ok(result)
    }
}

/// Refuses what a local table would not honour: `NOT NULL` and `DEFAULT` (Redshift enforces and
/// applies them on INSERT and COPY, Puddle would not), `OR REPLACE` and `TEMPORARY` (Puddle keeps
/// every local table in the lake). `PRIMARY KEY`/`UNIQUE` are informational in Redshift too.
fn refuse_unhonoured(cmd: &CreateMemoryTable) -> Result<()> {
    let refuse =
        |what: String| Err(Error::NotSupported(format!("{what} is not supported for Puddle's Redshift tables")));
    if cmd.or_replace {
        return refuse("CREATE OR REPLACE TABLE".into());
    }
    if cmd.temporary {
        return refuse("CREATE TEMPORARY TABLE (Puddle keeps every table in the lake; use CREATE TABLE)".into());
    }
    if let Some((column, _)) = cmd.column_defaults.first() {
        return refuse(format!("DEFAULT (column {column}: Puddle would not fill it in on INSERT or COPY)"));
    }
    let key_columns: Vec<usize> = cmd
        .constraints
        .iter()
        .flat_map(|c| match c {
            datafusion::common::Constraint::PrimaryKey(cols) | datafusion::common::Constraint::Unique(cols) => {
                cols.clone()
            }
        })
        .collect();
    let not_null =
        cmd.input.schema().fields().iter().enumerate().find(|(i, f)| !f.is_nullable() && !key_columns.contains(i));
    if let Some((_, field)) = not_null {
        return refuse(format!("NOT NULL (column {}: Puddle would not reject NULLs on INSERT or COPY)", field.name()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_copy() {
        let c = parse_copy(
            "COPY sales_local FROM 's3://raw/sales/' IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftRole' FORMAT AS CSV IGNOREHEADER 1;",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            c,
            Copy {
                schema: None,
                table: "sales_local".into(),
                from: "s3://raw/sales/".into(),
                format: DataFormat::Csv,
                delimiter: b',',
                ignore_header: true
            }
        );
        let p = parse_copy("copy public.t from 's3://b/p/' iam_role 'r' format as parquet").unwrap().unwrap();
        assert_eq!((p.schema.as_deref(), p.format), (Some("public"), DataFormat::Parquet));
        let j = parse_copy("COPY t FROM 's3://b/j/' IAM_ROLE 'r' FORMAT AS JSON 'auto'").unwrap().unwrap();
        assert_eq!(j.format, DataFormat::Json);
        let piped = parse_copy("COPY t FROM 's3://b/x/' IAM_ROLE 'r'").unwrap().unwrap();
        assert_eq!(piped.delimiter, b'|');
        assert!(parse_copy("COPY t FROM 's3://b/x/'").unwrap_err().to_string().contains("IAM_ROLE"));
        assert!(parse_copy("COPY t FROM 's3://b/x/' IAM_ROLE 'r' MANIFEST").is_err());
        assert_eq!(parse_copy("SELECT 1").unwrap(), None);
        assert_eq!(parse_copy("COPY (SELECT 1) TO 'x'").unwrap(), None);
    }

    /// Issue 12: options that Puddle would have read differently from Redshift are refused.
    #[test]
    fn copy_options_without_effect_are_refused() {
        for (sql, expected) in [
            ("COPY t FROM 's3://b/x/' IAM_ROLE 'r' CSV IGNOREHEADER 2", "IGNOREHEADER 2"),
            ("COPY t FROM 's3://b/x/' IAM_ROLE 'r' FORMAT AS PARQUET DELIMITER ','", "DELIMITER"),
            ("COPY t FROM 's3://b/x/' IAM_ROLE 'r' FORMAT AS JSON 'auto' IGNOREHEADER 1", "IGNOREHEADER"),
            ("COPY t FROM 's3://b/x/' IAM_ROLE 'r' FORMAT AS JSON 's3://b/jsonpaths.json'", "not supported"),
            ("COPY t FROM 's3://b/x/' IAM_ROLE 'r' CSV QUOTE AS '%'", "QUOTE"),
        ] {
            let err = parse_copy(sql).unwrap_err().to_string();
            assert!(err.contains(expected), "{sql}: {err}");
        }
        assert!(!parse_copy("COPY t FROM 's3://b/x/' IAM_ROLE 'r' CSV IGNOREHEADER 0").unwrap().unwrap().ignore_header);
    }
}
