//! Athena's CTAS (`CREATE TABLE x WITH (...) AS SELECT ...`) and `INSERT INTO`: the query's
//! rows are encoded (Parquet by default) and written as new objects under the table location,
//! in Hive `key=value/` folders for partition columns, then the table is registered or updated.
//!
//! Everything is computed and encoded before the first object is written, so a failing
//! statement leaves no partial output. Writes go straight to the lake store, without
//! DataFusion's writers (they spawn tokio tasks, which wasm32 cannot run).

use std::{collections::BTreeMap, sync::Arc};

use bytes::Bytes;
use datafusion::{
    arrow::{
        array::{ArrayRef, RecordBatch, UInt32Array},
        compute::take,
        datatypes::{Schema, SchemaRef},
        util::display::array_value_to_string,
    },
    logical_expr::DmlStatement,
    prelude::SessionContext,
};
use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt};
use puddle_api::{QueryResult, QueryStats};
use puddle_catalog::{Column, Partition, Table};

use crate::{arrow_to_hive, encode_with, tables::FIELD_DELIM, tables::SKIP_HEADER, Error, Result, SqlEngine};

/// Hive's folder value for a NULL partition value.
const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// A parsed CTAS statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ctas {
    pub database: Option<String>,
    pub name: String,
    pub if_not_exists: bool,
    /// `WITH (...)` properties, keys lowercased; arrays as their elements.
    pub properties: BTreeMap<String, Vec<String>>,
    pub query: String,
    pub with_data: bool,
}

/// Per-statement context from the caller (Athena): execution id and result location.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The query execution id, used to name written files and the default CTAS folder.
    pub query_id: Option<String>,
    /// The workgroup's (or query's) output location: CTAS without `external_location` writes
    /// to `<output>tables/<query-id>/`, as Athena does.
    pub output_location: Option<String>,
    /// Athena's per-query data-usage control: the query is cancelled once it has read more.
    pub bytes_scanned_cutoff: Option<u64>,
    /// Set by the caller to stop a query (`Error::Cancelled`): between record batches, and at the
    /// next object read of its scans.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Told when planning ends and after every record batch (Athena's timing and heartbeat).
    pub observer: Option<std::sync::Arc<dyn crate::QueryObserver>>,
    /// The bytes the statement reads are added here too, so the caller knows them even when the
    /// statement fails or is cancelled (Athena bills cancelled queries for what they read).
    pub scanned: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

/// `Ok(None)` unless `sql` is `CREATE TABLE ... AS ...`.
pub(crate) fn parse(sql: &str) -> Result<Option<Ctas>> {
    let text = sql.trim().trim_end_matches(';').trim();
    let mut rest = text;
    let word = |rest: &mut &str| -> String {
        let trimmed = rest.trim_start();
        let end = trimmed.find(|c: char| c.is_whitespace() || c == '(').unwrap_or(trimmed.len());
        let w = trimmed[..end].to_string();
        *rest = &trimmed[end..];
        w
    };
    if !word(&mut rest).eq_ignore_ascii_case("CREATE") || !word(&mut rest).eq_ignore_ascii_case("TABLE") {
        return Ok(None);
    }
    let mut if_not_exists = false;
    let mut name = word(&mut rest);
    if name.eq_ignore_ascii_case("IF") {
        let (n, e) = (word(&mut rest), word(&mut rest));
        if !n.eq_ignore_ascii_case("NOT") || !e.eq_ignore_ascii_case("EXISTS") {
            return Ok(None);
        }
        if_not_exists = true;
        name = word(&mut rest);
    }
    let unquote = |s: &str| s.trim_matches(|c| c == '"' || c == '`').to_ascii_lowercase();
    let (database, name) = match name.split_once('.') {
        Some((d, t)) => (Some(unquote(d)), unquote(t)),
        None => (None, unquote(&name)),
    };
    let mut properties = BTreeMap::new();
    let mut after = rest.trim_start();
    let starts_with = |text: &str, word: &str| text.get(..word.len()).is_some_and(|p| p.eq_ignore_ascii_case(word));
    if starts_with(after, "WITH") {
        let inner = after[4..].trim_start();
        let Some(body) = inner.strip_prefix('(') else { return Ok(None) };
        let end = closing_paren(body).ok_or_else(|| Error::Query("CTAS: WITH (...) is not closed".into()))?;
        properties = parse_properties(&body[..end])?;
        after = body[end + 1..].trim_start();
    }
    let as_then = after.as_bytes().get(2).is_some_and(|b| b.is_ascii_whitespace() || *b == b'(');
    if !starts_with(after, "AS") || !as_then {
        return Ok(None); // CREATE TABLE t (cols): not a CTAS
    }
    let mut query = after[2..].trim().to_string();
    let mut with_data = true;
    let upper = query.to_ascii_uppercase();
    if let Some(stripped) = upper.strip_suffix("WITH NO DATA") {
        query.truncate(stripped.trim_end().len());
        with_data = false;
    } else if let Some(stripped) = upper.strip_suffix("WITH DATA") {
        query.truncate(stripped.trim_end().len());
    }
    Ok(Some(Ctas { database, name, if_not_exists, properties, query, with_data }))
}

/// The compression and field delimiter of CTAS output in `format`, from its `WITH` properties.
/// A property that would have no effect on that format is refused, never dropped: Puddle writes
/// text (CSV, JSON) uncompressed, and only CSV has a field delimiter.
fn output_options(
    format: &str,
    write_compression: Option<&str>,
    parquet_compression: Option<&str>,
    field_delimiter: Option<&str>,
) -> Result<(String, u8)> {
    if parquet_compression.is_some() && format != "parquet" {
        return Err(Error::Query("parquet_compression applies to format = 'PARQUET' only".into()));
    }
    let compression = match (format, write_compression.or(parquet_compression).map(str::to_ascii_lowercase)) {
        ("parquet", Some(c)) if ["snappy", "gzip", "zstd", "none", "uncompressed"].contains(&c.as_str()) => c,
        ("parquet", Some(c)) => {
            return Err(Error::NotSupported(format!(
                "write_compression '{c}' is not supported for PARQUET; use SNAPPY, GZIP, ZSTD or NONE"
            )))
        }
        ("parquet", None) => "gzip".into(), // Athena's default for Parquet
        (_, None) => "none".into(),
        (_, Some(c)) if c == "none" || c == "uncompressed" => c,
        (_, Some(c)) => {
            return Err(Error::NotSupported(format!(
                "write_compression '{c}' is not supported for {} output: Puddle writes text files uncompressed; use \
                 format = 'PARQUET' or write_compression = 'NONE'",
                format.to_ascii_uppercase()
            )))
        }
    };
    let delimiter = match (format, field_delimiter.map(str::as_bytes)) {
        (_, None) => b',',
        ("csv", Some([b])) => *b,
        ("csv", Some(_)) => return Err(Error::Query("field_delimiter must be a single character".into())),
        (_, Some(_)) => return Err(Error::Query("field_delimiter applies to format = 'TEXTFILE' only".into())),
    };
    Ok((compression, delimiter))
}

/// Index of the `)` that closes an already opened `(`, outside quotes.
fn closing_paren(s: &str) -> Option<usize> {
    let (mut depth, mut quote) = (1i32, None);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `format = 'PARQUET', partitioned_by = ARRAY['a', 'b'], ...`
fn parse_properties(body: &str) -> Result<BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'') => quote = Some(c),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    for part in parts.into_iter().filter(|p| !p.trim().is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| Error::Query(format!("CTAS: expected key = value in WITH, found '{}'", part.trim())))?;
        let value = value.trim();
        let values = if value.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("ARRAY")) {
            let inner = value[5..].trim().trim_start_matches('[').trim_end_matches(']');
            inner.split(',').map(|v| v.trim().trim_matches('\'').to_string()).filter(|v| !v.is_empty()).collect()
        } else {
            vec![value.trim_matches('\'').to_string()]
        };
        out.insert(key.trim().to_ascii_lowercase(), values);
    }
    Ok(out)
}

/// Record batches by the values of their partition columns.
type PartitionGroups = BTreeMap<Vec<String>, Vec<RecordBatch>>;

/// Rows of `batches` grouped by the values of the trailing `keys` columns, without them.
fn split_partitions(schema: &SchemaRef, batches: &[RecordBatch], keys: usize) -> Result<(SchemaRef, PartitionGroups)> {
    let data_fields = schema.fields().len().checked_sub(keys).filter(|n| *n > 0).ok_or_else(|| {
        Error::Query(format!(
            "the rows have {} columns, fewer than the {keys} partition columns",
            schema.fields().len()
        ))
    })?;
    let data_schema = Arc::new(Schema::new(schema.fields()[..data_fields].to_vec()));
    let mut groups: BTreeMap<Vec<String>, Vec<RecordBatch>> = BTreeMap::new();
    for batch in batches {
        if keys == 0 {
            groups.entry(Vec::new()).or_default().push(batch.project(&(0..data_fields).collect::<Vec<_>>())?);
            continue;
        }
        let mut rows: BTreeMap<Vec<String>, Vec<u32>> = BTreeMap::new();
        for row in 0..batch.num_rows() {
            let values = (data_fields..schema.fields().len())
                .map(|c| {
                    let col = batch.column(c);
                    if col.is_null(row) {
                        Ok(NULL_PARTITION.to_string())
                    } else {
                        array_value_to_string(col, row)
                    }
                })
                .collect::<std::result::Result<Vec<_>, _>>()?;
            rows.entry(values).or_default().push(row as u32);
        }
        for (values, indices) in rows {
            let indices = UInt32Array::from(indices);
            let columns = (0..data_fields)
                .map(|c| take(batch.column(c), &indices, None))
                .collect::<std::result::Result<Vec<ArrayRef>, _>>()?;
            groups.entry(values).or_default().push(RecordBatch::try_new(Arc::clone(&data_schema), columns)?);
        }
    }
    Ok((data_schema, groups))
}

fn with_slash(location: &str) -> String {
    if location.ends_with('/') {
        location.to_string()
    } else {
        format!("{location}/")
    }
}

/// The store path of `s3://bucket/key`.
fn object_path(location: &str) -> Result<(String, Path)> {
    let uri: puddle_api::S3Uri = location.parse().map_err(|e: puddle_api::S3UriError| Error::Query(e.to_string()))?;
    let path =
        Path::from_iter(std::iter::once(uri.bucket.as_str()).chain(uri.key.split('/').filter(|s| !s.is_empty())));
    Ok((uri.bucket, path))
}

/// The bucket and key of `s3://bucket/key` (empty segments dropped, as the store would).
fn object_key(location: &str) -> Result<(String, String)> {
    let (bucket, path) = object_path(location)?;
    let key = path.as_ref().strip_prefix(bucket.as_str()).unwrap_or_default().trim_start_matches('/').to_string();
    Ok((bucket, key))
}

/// How a table's files are written.
struct Layout {
    format: &'static str,
    compression: String,
    delimiter: u8,
}

impl Layout {
    fn of_table(t: &Table) -> Result<Self> {
        let format = match t.classification.as_str() {
            "parquet" => "parquet",
            "csv" => "csv",
            "json" => "json",
            other => return Err(Error::NotSupported(format!("cannot write {other} tables"))),
        };
        let delimiter = match t.parameters.get(FIELD_DELIM).map(String::as_bytes) {
            Some([b]) => *b,
            _ => b',',
        };
        let compression = t.parameters.get("write.compression").cloned().unwrap_or_else(|| "snappy".into());
        Ok(Self { format, compression, delimiter })
    }
}

impl SqlEngine {
    fn query_id(opts: &RunOptions) -> String {
        opts.query_id.clone().unwrap_or_else(|| chrono::Utc::now().format("%Y%m%d_%H%M%S_%f").to_string())
    }

    /// Encodes `batches` (partition columns last) and writes them under `location`, one file
    /// per partition. Returns the partitions written (values and folder).
    async fn write_files(
        &self,
        location: &str,
        schema: &SchemaRef,
        batches: &[RecordBatch],
        partition_keys: &[Column],
        layout: &Layout,
        query_id: &str,
    ) -> Result<Vec<Partition>> {
        let (data_schema, groups) = split_partitions(schema, batches, partition_keys.len())?;
        let mut files = Vec::new();
        let mut partitions = Vec::new();
        for (values, group) in groups {
            let folder: String = partition_keys.iter().zip(&values).map(|(k, v)| format!("{}={v}/", k.name)).collect();
            let (bytes, ext) = encode_with(&data_schema, &group, layout.format, &layout.compression, layout.delimiter)?;
            let file = format!("{}{folder}{query_id}_00000.{ext}", with_slash(location));
            files.push((object_key(&file)?, bytes));
            if !partition_keys.is_empty() {
                partitions.push(Partition { values, location: format!("{}{folder}", with_slash(location)) });
            }
        }
        // Through the S3 layer: content type, versioning and an `ObjectCreated:Put` event each.
        // Redshift local tables live in lake records (`s3://_meta/redshift/data/...`), not in a
        // bucket: the same layer writes them, with a content type but no S3 event (real Redshift
        // keeps local tables in its own storage, where no S3 event fires).
        for ((bucket, key), bytes) in files {
            if bucket == puddle_store::META_PREFIX {
                let path = Path::from_iter(std::iter::once(bucket.as_str()).chain(key.split('/')));
                let content_type = puddle_store::guess_content_type(&key);
                self.s3.put_lake_record(&path, Bytes::from(bytes), content_type).await?;
            } else {
                self.s3.put_object(&bucket, &key, Bytes::from(bytes)).await?;
            }
        }
        Ok(partitions)
    }

    /// Fails unless the bucket of `location` exists.
    async fn check_bucket(&self, location: &str) -> Result<()> {
        let (bucket, _) = object_path(location)?;
        match self.store.head(&Path::from_iter(["_meta", "buckets", bucket.as_str()])).await {
            Ok(_) => Ok(()),
            Err(_) => Err(Error::Query(format!("The specified bucket does not exist: {bucket} (in {location})"))),
        }
    }

    /// Runs a CTAS statement.
    pub(crate) async fn run_ctas(&self, c: Ctas, current: &str, opts: &RunOptions) -> Result<QueryResult> {
        let started = web_time::Instant::now();
        let db = self.resolve_database(c.database.as_deref(), current);
        self.catalog.get_database(&db)?;
        if self.catalog.get_table(&db, &c.name).is_ok() {
            if c.if_not_exists {
                return Ok(crate::ddl_exec::text_result(&[], Vec::new()));
            }
            return Err(
                puddle_catalog::Error::AlreadyExists { entity: "Table", name: format!("{db}.{}", c.name) }.into()
            );
        }
        let prop = |k: &str| c.properties.get(k).and_then(|v| v.first()).map(String::as_str);
        for key in c.properties.keys() {
            if ![
                "format",
                "external_location",
                "partitioned_by",
                "write_compression",
                "parquet_compression",
                "field_delimiter",
            ]
            .contains(&key.as_str())
            {
                return Err(Error::NotSupported(format!(
                    "CTAS property '{key}' is not supported; use format, external_location, partitioned_by, write_compression or field_delimiter"
                )));
            }
        }
        let (format, classification) = match prop("format").map(str::to_ascii_uppercase).as_deref() {
            None | Some("PARQUET") => ("parquet", "parquet"),
            Some("TEXTFILE") | Some("CSV") => ("csv", "csv"),
            Some("JSON") => ("json", "json"),
            Some(other) => {
                return Err(Error::NotSupported(format!(
                    "CTAS format '{other}' is not supported; use PARQUET, TEXTFILE or JSON"
                )))
            }
        };
        let query_id = Self::query_id(opts);
        let location = match prop("external_location") {
            Some(l) => with_slash(l),
            None => {
                let output = opts.output_location.as_deref().ok_or_else(|| {
                    Error::Query(
                        "CTAS needs WITH (external_location = 's3://...') or a workgroup output location".into(),
                    )
                })?;
                format!("{}tables/{query_id}/", with_slash(output))
            }
        };
        self.check_bucket(&location).await?;
        let (_, root) = object_path(&location)?;
        let existing: Vec<_> =
            self.store.list(Some(&root)).try_collect().await.map_err(|e| Error::Query(e.to_string()))?;
        if !existing.is_empty() {
            return Err(Error::Query(format!(
                "HIVE_PATH_ALREADY_EXISTS: Target directory for table '{db}.{}' already exists: {location}. You may need to manually clean the data at location '{location}' before retrying. Athena will not delete data in your account.",
                c.name
            )));
        }
        let out = self.query_batches_with(&c.query, Some(&db), opts).await?;
        let partitioned_by: Vec<String> = c
            .properties
            .get("partitioned_by")
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect();
        let names: Vec<String> = out.schema.fields().iter().map(|f| f.name().to_ascii_lowercase()).collect();
        if names.len() <= partitioned_by.len() || names[names.len() - partitioned_by.len()..] != partitioned_by[..] {
            return Err(Error::Query(format!(
                "Partition columns {partitioned_by:?} must be the last columns of the SELECT, in the same order (got {names:?})"
            )));
        }
        let fields = out.schema.fields();
        let split = fields.len() - partitioned_by.len();
        let hive = |f: &datafusion::arrow::datatypes::FieldRef| {
            Column::new(f.name().to_ascii_lowercase(), arrow_to_hive(f.data_type()))
        };
        let mut table = Table::new(&db, &c.name, &location, classification, fields[..split].iter().map(hive).collect());
        table.partition_keys = fields[split..].iter().map(hive).collect();
        let (compression, delimiter) =
            output_options(format, prop("write_compression"), prop("parquet_compression"), prop("field_delimiter"))?;
        table.parameters.insert("classification".into(), classification.into());
        if format == "parquet" {
            table.parameters.insert("write.compression".into(), compression.clone());
        }
        if format == "csv" {
            table.parameters.insert(SKIP_HEADER.into(), "1".into());
            table.parameters.insert(FIELD_DELIM.into(), (delimiter as char).to_string());
        }
        let rows: usize = out.batches.iter().map(RecordBatch::num_rows).sum();
        if c.with_data {
            let layout = Layout { format, compression, delimiter };
            table.partitions = self
                .write_files(&location, &out.schema, &out.batches, &table.partition_keys, &layout, &query_id)
                .await?;
        }
        self.catalog.put_table(table).await?;
        let mut result = crate::ddl_exec::text_result(&["rows"], Vec::new());
        result.column_types = vec!["bigint".into()];
        result.rows = vec![vec![serde_json::Value::from(if c.with_data { rows } else { 0 })]];
        result.stats = QueryStats::priced(out.bytes_read, started.elapsed().as_secs_f64() * 1000.0);
        Ok(result)
    }

    /// `INSERT INTO t ...`: appends the input's rows to the table as new files.
    pub(crate) async fn insert_into(
        &self,
        ctx: &SessionContext,
        dml: DmlStatement,
        current: &str,
        opts: &RunOptions,
    ) -> Result<usize> {
        let db = self.resolve_database(dml.table_name.schema(), current);
        let table = match self.catalog.get_table(&db, dml.table_name.table()) {
            Ok(t) => t,
            Err(e) => match self.local_table(dml.table_name.schema(), dml.table_name.table()).await? {
                Some(local) => local,
                None => return Err(e.into()),
            },
        };
        if table.is_view() {
            return Err(Error::Query(format!("{} is a view; INSERT INTO needs a table", table.qualified_name())));
        }
        let df = ctx.execute_logical_plan(dml.input.as_ref().clone()).await?;
        let schema = Arc::new(df.schema().as_arrow().clone());
        let batches = crate::collect::collect_df(df, opts).await?;
        let rows = batches.iter().map(RecordBatch::num_rows).sum();
        self.append(&table, &schema, &batches, opts).await?;
        Ok(rows)
    }

    /// Writes `batches` (the table's columns, partition columns last) as new files of `table`
    /// and records new partitions in the catalog.
    pub(crate) async fn append(
        &self,
        table: &Table,
        schema: &SchemaRef,
        batches: &[RecordBatch],
        opts: &RunOptions,
    ) -> Result<()> {
        let layout = Layout::of_table(table)?;
        let written = self
            .write_files(&table.location, schema, batches, &table.partition_keys, &layout, &Self::query_id(opts))
            .await?;
        let mut table = table.clone();
        let before = table.partitions.len();
        for p in written {
            if !table.partitions.iter().any(|q| q.values == p.values) {
                table.partitions.push(p);
            }
        }
        if table.partitions.len() != before {
            self.catalog.put_table(table).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_athena_ctas() {
        let c = parse(
            "CREATE TABLE IF NOT EXISTS sales_db.by_region WITH (format = 'PARQUET', external_location = 's3://b/out/', \
             partitioned_by = ARRAY['region', 'year']) AS SELECT id, region, year FROM sales;",
        )
        .unwrap()
        .unwrap();
        assert_eq!((c.database.as_deref(), c.name.as_str(), c.if_not_exists), (Some("sales_db"), "by_region", true));
        assert_eq!(c.properties["partitioned_by"], ["region", "year"]);
        assert_eq!(c.properties["external_location"], ["s3://b/out/"]);
        assert_eq!(c.query, "SELECT id, region, year FROM sales");
        let plain = parse("create table t as select 1 as a with no data").unwrap().unwrap();
        assert!(!plain.with_data && plain.properties.is_empty());
        assert_eq!(plain.query, "select 1 as a");
        assert_eq!(parse("CREATE TABLE t (a int)").unwrap(), None);
        assert_eq!(parse("CREATE EXTERNAL TABLE t AS SELECT 1").unwrap(), None);
        assert_eq!(parse("SELECT 1").unwrap(), None);
        assert!(parse("CREATE TABLE t WITH (format 'x') AS SELECT 1").is_err());
        assert_eq!(parse("CREATE TABLE t éé AS SELECT 1").unwrap(), None, "no panic on multibyte text");
        assert_eq!(parse("CREATE TABLE t WITH (a = 'é') AS(SELECT 1)").unwrap().unwrap().query, "(SELECT 1)");
        assert_eq!(parse("CREATE TABLE t (é int)").unwrap(), None);
    }

    /// Issue 12: `write_compression` of text output was accepted and ignored.
    #[test]
    fn output_options_that_would_have_no_effect_are_refused() {
        assert_eq!(output_options("parquet", None, None, None).unwrap(), ("gzip".into(), b','));
        assert_eq!(output_options("parquet", Some("SNAPPY"), None, None).unwrap().0, "snappy");
        assert_eq!(output_options("parquet", None, Some("ZSTD"), None).unwrap().0, "zstd");
        assert_eq!(output_options("csv", None, None, Some("|")).unwrap(), ("none".into(), b'|'));
        assert_eq!(output_options("json", Some("NONE"), None, None).unwrap().0, "none");
        for (format, write, parquet, delimiter, expected) in [
            ("csv", Some("GZIP"), None, None, "uncompressed"),
            ("json", Some("SNAPPY"), None, None, "uncompressed"),
            ("parquet", Some("LZO"), None, None, "'lzo'"),
            ("csv", None, Some("SNAPPY"), None, "parquet_compression"),
            ("json", None, None, Some(";"), "field_delimiter"),
            ("csv", None, None, Some(";;"), "single character"),
        ] {
            let err = output_options(format, write, parquet, delimiter).unwrap_err().to_string();
            assert!(err.contains(expected), "{format} {write:?} {parquet:?} {delimiter:?}: {err}");
        }
    }
}
