//! From a Glue PySpark script to SQL over the catalog, and the outputs to write.
//!
//! Each DynamicFrame becomes a SQL query; transforms wrap the query of their input. Anything
//! outside the supported subset is rejected before the run with its line, the construct, and
//! what is supported.

use std::collections::BTreeMap;

use crate::{
    dataframe::{self, Value},
    null_fields::{self, Deferred},
    options,
    python::{parse_script, Expr, Statement},
    Error, Result,
};

/// What the script supports, for error messages.
pub const SUPPORTED: &str = "glueContext.create_dynamic_frame.from_catalog, create_dynamic_frame.from_options (s3; \
csv/json/parquet), spark.read.csv/json/parquet, Filter.apply (lambda with comparisons, and/or/not, in), \
ApplyMapping.apply, SelectFields.apply, DropFields.apply, RenameField.apply, Join.apply, DropNullFields.apply and Glue \
Studio's drop_nulls(glueContext, frame=..., nullStringSet={...}, nullIntegerSet={...}), FillMissingValues.apply \
(awsglueml), .toDF(), DynamicFrame.fromDF, \
DataFrame filter/where/select/selectExpr/withColumn/withColumnRenamed/drop/distinct/dropDuplicates/orderBy/limit/\
groupBy().agg()/union/join/createOrReplaceTempView with pyspark.sql.functions (col, lit, sum, avg, min, max, count, \
countDistinct, round, upper, lower, when/otherwise, ...), spark.sql, glueContext.write_dynamic_frame.from_options (s3; \
parquet/csv/json; partitionKeys; compression), write_dynamic_frame.from_catalog, glueContext.getSink (s3, \
enableUpdateCatalog, updateBehavior, partitionKeys) with setCatalogInfo/setFormat/writeFrame, getResolvedOptions, GlueContext, SparkContext, Job.init/commit";

/// An output of the job.
#[derive(Debug, Clone, PartialEq)]
pub struct Sink {
    /// Query producing the rows.
    pub sql: String,
    /// `s3://bucket/prefix/`.
    pub path: String,
    /// `parquet`, `csv` or `json`.
    pub format: String,
    /// Hive partition columns.
    pub partition_keys: Vec<String>,
    /// Parquet compression (`snappy`, `gzip`, `zstd`, `uncompressed`).
    pub compression: String,
    /// The catalog table this output belongs to, if any.
    pub catalog: Option<CatalogTarget>,
}

/// A catalog table an output writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogTarget {
    /// Database.
    pub database: String,
    /// Table.
    pub table: String,
    /// What the run does to the table.
    pub mode: CatalogMode,
}

/// How an output relates to its catalog table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogMode {
    /// `write_dynamic_frame.from_catalog`: the table exists; the output goes to its location, in
    /// its format, under its partition keys.
    WriteTo,
    /// Glue Studio's `getSink(..., enableUpdateCatalog=True)` + `setCatalogInfo`: after the run
    /// the table is created, or its schema updated (`updateBehavior="UPDATE_IN_DATABASE"`, the
    /// default) or kept (`"LOG"`), and new partitions are added.
    CreateOrUpdate {
        /// Whether an existing table's schema follows the output's.
        update_schema: bool,
    },
}

/// A `glueContext.getSink(...)` being configured (`setCatalogInfo`, `setFormat`) before its
/// `writeFrame`.
#[derive(Debug, Clone, PartialEq, Default)]
struct SinkBuilder {
    path: String,
    partition_keys: Vec<String>,
    update_catalog: bool,
    update_schema: bool,
    catalog: Option<(String, String)>,
    format: Option<String>,
    compression: Option<String>,
}

/// A catalog table the script reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    /// Database.
    pub database: String,
    /// Table.
    pub table: String,
    /// `transformation_ctx=`: the key a job bookmark tracks this source under (none: not tracked).
    pub transformation_ctx: Option<String>,
}

/// S3 files a script reads without the catalog (`create_dynamic_frame.from_options`,
/// `spark.read.csv(...)`): the SQL reads them as the table `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSource {
    /// Table name in the job's SQL (`__s3_source_0`, ...).
    pub name: String,
    /// `s3://...` paths.
    pub paths: Vec<String>,
    /// `csv`, `json` or `parquet`.
    pub format: String,
    /// CSV: `withHeader` (Glue's default is false).
    pub has_header: bool,
    /// CSV: `separator`.
    pub delimiter: u8,
    /// Bookmark key.
    pub transformation_ctx: Option<String>,
}

/// A translated script.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobPlan {
    /// Catalog tables read, as `database.table`.
    pub sources: Vec<String>,
    /// The same sources with their bookmark keys.
    pub source_refs: Vec<SourceRef>,
    /// Whether the script calls `job.commit()` (bookmarks are saved only then, as in Glue).
    pub commits: bool,
    /// S3 files read without the catalog.
    pub file_sources: Vec<FileSource>,
    /// Outputs, in script order.
    pub sinks: Vec<Sink>,
    /// Frames whose query depends on the data (DropNullFields, FillMissingValues): their markers
    /// stand in the SQL until [`crate::resolve_deferred`] replaces them, before anything runs.
    pub deferred: Vec<Deferred>,
    /// `getSink` objects by variable, until their `writeFrame`.
    builders: BTreeMap<String, SinkBuilder>,
}

/// Translates a script.
pub fn translate(script: &str) -> Result<JobPlan> {
    let (_, plan, last_line) = translate_frames(script)?;
    if plan.sinks.is_empty() {
        return Err(Error::Script {
            line: last_line,
            message: "the script writes nothing: add glueContext.write_dynamic_frame.from_options(...)".into(),
        });
    }
    Ok(plan)
}

/// The SQL of the frame a script assigns to `frame` (the script need not write anything yet),
/// with the plan it made so far: what the visual editor previews at each node.
pub fn frame_query(script: &str, frame: &str) -> Result<(String, JobPlan)> {
    let (frames, plan, last_line) = translate_frames(script)?;
    let sql = frames.get(frame).cloned().ok_or_else(|| Error::Script {
        line: last_line,
        message: format!("'{frame}' is not a frame the script defines"),
    })?;
    Ok((sql, plan))
}

/// Every frame's SQL, the plan, and the last line of the script.
fn translate_frames(script: &str) -> Result<(BTreeMap<String, String>, JobPlan, usize)> {
    let statements = parse_script(script)?;
    let mut frames: BTreeMap<String, String> = BTreeMap::new();
    let mut views: Vec<(String, String)> = Vec::new();
    let mut plan = JobPlan::default();
    // Each assigned frame becomes a CTE and later frames read it by name, so a long pipeline is
    // a flat list of CTEs rather than SQL nested once per step (deep nesting exhausts the stack
    // of the SQL parser and planner, which is small in a browser).
    let mut ctes: Vec<(String, String)> = Vec::new();
    // How many CTEs there were once each frame was made.
    let mut defined: BTreeMap<String, usize> = BTreeMap::new();
    for st in &statements {
        let Some(expr) = &st.expr else {
            check_import(st)?;
            continue;
        };
        let deferred = plan.deferred.len();
        match (frame_of(st, expr, &frames, &mut views, &mut plan)?, &st.target) {
            (Some(sql), Some(t)) => {
                // A deferred frame's input is the frame it read, with the CTEs made so far.
                if let Some(d) = plan.deferred.get_mut(deferred) {
                    d.input_sql = with_ctes(&ctes, &d.input);
                }
                let name = format!("__frame_{}", ctes.len());
                frames.insert(t.clone(), format!("SELECT * FROM {}", ident(&name)));
                ctes.push((name, sql));
                defined.insert(t.clone(), ctes.len());
            }
            // A frame nobody can read: nothing to resolve for it.
            _ => plan.deferred.truncate(deferred),
        }
    }
    for sink in &mut plan.sinks {
        sink.sql = with_ctes(&ctes, &sink.sql);
    }
    // A frame reads only the frames made before it.
    for (name, sql) in frames.iter_mut() {
        *sql = with_ctes(&ctes[..defined.get(name).copied().unwrap_or(ctes.len())], sql);
    }
    Ok((frames, plan, statements.last().map_or(1, |s| s.line)))
}

/// `query` with the script's frames as CTEs in front.
fn with_ctes(ctes: &[(String, String)], query: &str) -> String {
    if ctes.is_empty() {
        return query.to_string();
    }
    let defs: Vec<String> = ctes.iter().map(|(n, sql)| format!("{} AS ({sql})", ident(n))).collect();
    format!("WITH {} {query}", defs.join(", "))
}

fn check_import(st: &Statement) -> Result<()> {
    if let Some(def) = st.text.strip_prefix("def ") {
        let name = def.split(|c: char| c == '(' || c.is_whitespace()).next().unwrap_or_default();
        if null_fields::KNOWN_HELPERS.contains(&name) {
            return Ok(());
        }
        return Err(Error::Script {
            line: st.line,
            message: format!(
                "def {name} is not supported: Puddle runs no Python code, only the helpers Glue Studio writes ({}). \
                 Supported: {SUPPORTED}",
                null_fields::KNOWN_HELPERS.join(", ")
            ),
        });
    }
    let allowed = ["sys", "awsglue", "awsglueml", "pyspark"];
    let module = st.text.split_whitespace().nth(1).unwrap_or_default();
    if allowed.iter().any(|m| module == *m || module.starts_with(&format!("{m}."))) {
        Ok(())
    } else {
        Err(unsupported(st, &format!("import of '{module}'")))
    }
}

fn unsupported(st: &Statement, construct: &str) -> Error {
    Error::Script { line: st.line, message: format!("{construct} is not supported. Supported: {SUPPORTED}") }
}

fn dotted(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n) => Some(n.clone()),
        Expr::Attr(base, a) => Some(format!("{}.{a}", dotted(base)?)),
        _ => None,
    }
}

/// The SQL of the frame an expression makes, or `None` for statements that make no frame.
fn frame_of(
    st: &Statement,
    expr: &Expr,
    frames: &BTreeMap<String, String>,
    views: &mut Vec<(String, String)>,
    plan: &mut JobPlan,
) -> Result<Option<String>> {
    let bad = |what: &str| Error::Script { line: st.line, message: what.to_string() };
    // DataFrame and DynamicFrame methods on a frame: `df.filter(...)`, `raw.toDF().groupBy(...)`.
    if let Expr::Call(f, a, k) = expr {
        if let Expr::Attr(base, m) = &**f {
            let located = |e: String| Error::Script { line: st.line, message: format!("{e}. Supported: {SUPPORTED}") };
            if let Some(value) = df_value(base, frames).map_err(located)? {
                let lookup: &dyn Fn(&Expr) -> Option<String> = &|e| frame_expr(e, frames);
                return match dataframe::method(value, m, a, k, lookup).map_err(located)? {
                    Value::Frame(sql) => Ok(Some(sql)),
                    Value::TempView { name, sql } => {
                        views.retain(|(n, _)| n != &name);
                        views.push((name, sql));
                        Ok(None)
                    }
                    Value::Grouped { .. } => Err(bad("groupBy(...) needs .agg(...), .count() or another aggregate")),
                };
            }
        }
    }
    let (func, args, kwargs) = match expr {
        Expr::Call(f, a, k) => (dotted(f), a, k),
        Expr::Attr(base, attr) if attr == "spark_session" && dotted(base).is_some() => return Ok(None),
        other => return Err(unsupported(st, &format!("the expression `{}`", short(other, &st.text)))),
    };
    let Some(func) = func else { return Err(unsupported(st, "this call")) };
    let kw = |name: &str| kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let frame_arg = |name: &str, pos: usize| -> Result<String> {
        let e = kw(name).or(args.get(pos)).ok_or_else(|| bad(&format!("{func} needs {name}=")))?;
        match e {
            Expr::Name(n) => {
                frames.get(n).cloned().ok_or_else(|| bad(&format!("'{n}' is not a DynamicFrame defined above")))
            }
            _ => Err(bad(&format!("{name}= must name a frame"))),
        }
    };
    let string = |name: &str, pos: usize| -> Result<String> {
        match kw(name).or(args.get(pos)) {
            Some(Expr::Str(s)) => Ok(s.clone()),
            _ => Err(bad(&format!("{func} needs {name}=\"...\" as a string"))),
        }
    };
    let strings = |name: &str, pos: usize| -> Result<Vec<String>> {
        match kw(name).or(args.get(pos)) {
            Some(Expr::List(items)) => items
                .iter()
                .map(|i| match i {
                    Expr::Str(s) => Ok(s.clone()),
                    _ => Err(bad(&format!("{name}= must be a list of strings"))),
                })
                .collect(),
            _ => Err(bad(&format!("{func} needs {name}=[...]"))),
        }
    };
    let name = func.rsplit('.').next().unwrap_or_default();
    let sql = match func.as_str() {
        "getResolvedOptions" | "SparkContext" | "SparkContext.getOrCreate" | "GlueContext" | "Job" => return Ok(None),
        f if f.ends_with(".commit") => {
            plan.commits = true;
            return Ok(None);
        }
        f if f.ends_with(".init") || f.ends_with(".get_logger") => return Ok(None),
        f if f.ends_with("create_dynamic_frame.from_catalog") || f.ends_with("create_dynamic_frame_from_catalog") => {
            // `redshift_tmp_dir` matters only for Redshift tables; for S3 tables it has no effect.
            options::check_kwargs(f, kwargs, &["database", "table_name", "transformation_ctx", "redshift_tmp_dir"])
                .map_err(|m| bad(&m))?;
            let db = string("database", 0)?;
            let table = string("table_name", 1)?;
            plan.sources.push(format!("{db}.{table}"));
            let transformation_ctx = match kw("transformation_ctx") {
                Some(Expr::Str(c)) => Some(c.clone()),
                _ => None,
            };
            plan.source_refs.push(SourceRef { database: db.clone(), table: table.clone(), transformation_ctx });
            format!("SELECT * FROM {}.{}", ident(&db), ident(&table))
        }
        f if f.ends_with("write_dynamic_frame.from_options") || f.ends_with("write_dynamic_frame_from_options") => {
            options::check_kwargs(
                f,
                kwargs,
                &["frame", "connection_type", "connection_options", "format", "format_options", "transformation_ctx"],
            )
            .map_err(|m| bad(&m))?;
            let input = frame_arg("frame", 0)?;
            match kw("connection_type") {
                Some(Expr::Str(t)) if t == "s3" => {}
                _ => return Err(bad("write_dynamic_frame.from_options supports connection_type=\"s3\" only")),
            }
            let opts = dict(kw("connection_options"))
                .ok_or_else(|| bad("connection_options={\"path\": \"s3://...\"} is required"))?;
            let path = match opts.get("path") {
                Some(Expr::Str(p)) if p.starts_with("s3://") => p.clone(),
                _ => return Err(bad("connection_options needs \"path\": \"s3://bucket/prefix/\"")),
            };
            let partition_keys = string_items(opts.get("partitionKeys"));
            let format = match kw("format") {
                Some(Expr::Str(f)) if ["parquet", "glueparquet", "csv", "json"].contains(&f.as_str()) => {
                    f.replace("glueparquet", "parquet")
                }
                Some(Expr::Str(f)) => {
                    return Err(bad(&format!("format=\"{f}\" is not supported: use parquet, csv or json")))
                }
                _ => "parquet".into(),
            };
            let compression =
                options::sink_compression(&format, &opts, &dict(kw("format_options")).unwrap_or_default())
                    .map_err(|m| bad(&m))?;
            plan.sinks.push(Sink { sql: input, path, format, partition_keys, compression, catalog: None });
            return Ok(None);
        }
        f if f.ends_with("write_dynamic_frame.from_catalog") || f.ends_with("write_dynamic_frame_from_catalog") => {
            options::check_kwargs(
                f,
                kwargs,
                &["frame", "database", "table_name", "transformation_ctx", "additional_options", "redshift_tmp_dir"],
            )
            .map_err(|m| bad(&m))?;
            let input = frame_arg("frame", 0)?;
            let database = string("database", 1)?;
            let table = string("table_name", 2)?;
            let additional = dict(kw("additional_options")).unwrap_or_default();
            options::check_keys("additional_options", &additional, &["partitionKeys"]).map_err(|m| bad(&m))?;
            let partition_keys = string_items(additional.get("partitionKeys"));
            // Location, format and partition keys come from the table when the run starts.
            plan.sinks.push(Sink {
                sql: input,
                path: String::new(),
                format: String::new(),
                partition_keys,
                compression: "snappy".into(),
                catalog: Some(CatalogTarget { database, table, mode: CatalogMode::WriteTo }),
            });
            return Ok(None);
        }
        f if f.ends_with(".getSink") => {
            options::check_kwargs(
                f,
                kwargs,
                &[
                    "path",
                    "connection_type",
                    "updateBehavior",
                    "partitionKeys",
                    "enableUpdateCatalog",
                    "compression",
                    "transformation_ctx",
                ],
            )
            .map_err(|m| bad(&m))?;
            let Some(target) = &st.target else { return Err(bad("getSink(...) must be assigned to a variable")) };
            match kw("connection_type") {
                Some(Expr::Str(t)) if t == "s3" => {}
                _ => return Err(bad("getSink supports connection_type=\"s3\" only")),
            }
            let path = match kw("path") {
                Some(Expr::Str(p)) if p.starts_with("s3://") => p.clone(),
                _ => return Err(bad("getSink needs path=\"s3://bucket/prefix/\"")),
            };
            let partition_keys = match kw("partitionKeys") {
                Some(Expr::List(_)) => strings("partitionKeys", usize::MAX)?,
                _ => Vec::new(),
            };
            let update_schema = match kw("updateBehavior") {
                None => true,
                Some(Expr::Str(b)) if b == "UPDATE_IN_DATABASE" => true,
                Some(Expr::Str(b)) if b == "LOG" => false,
                Some(_) => return Err(bad("updateBehavior= must be \"UPDATE_IN_DATABASE\" or \"LOG\"")),
            };
            let update_catalog = matches!(kw("enableUpdateCatalog"), Some(Expr::Bool(true)));
            // Glue Studio names the compression here (`compression="snappy"`); setFormat may too.
            let compression = match kw("compression") {
                None => None,
                Some(Expr::Str(c)) => Some(c.to_ascii_lowercase()),
                Some(_) => return Err(bad("compression= must be a string such as \"snappy\"")),
            };
            plan.builders.insert(
                target.clone(),
                SinkBuilder { path, partition_keys, update_catalog, update_schema, compression, ..Default::default() },
            );
            return Ok(None);
        }
        f if f.ends_with(".setCatalogInfo") || f.ends_with(".setFormat") || f.ends_with(".writeFrame") => {
            let var = f.rsplit_once('.').map(|(v, _)| v).unwrap_or_default();
            let Some(builder) = plan.builders.get_mut(var) else {
                return Err(bad(&format!("'{var}' is not a sink made by glueContext.getSink(...) above")));
            };
            match name {
                "setCatalogInfo" => {
                    builder.catalog = Some((string("catalogDatabase", 0)?, string("catalogTableName", 1)?));
                }
                "setFormat" => {
                    let format = string("format", 0)?;
                    if !["parquet", "glueparquet", "csv", "json"].contains(&format.as_str()) {
                        return Err(bad(&format!(
                            "setFormat(\"{format}\") is not supported: use glueparquet, csv or json"
                        )));
                    }
                    options::check_kwargs(f, kwargs, &["format", "compression"]).map_err(|m| bad(&m))?;
                    builder.format = Some(format.replace("glueparquet", "parquet"));
                    match kw("compression") {
                        None => {}
                        Some(Expr::Str(c)) => builder.compression = Some(c.to_ascii_lowercase()),
                        Some(_) => return Err(bad("compression= must be a string such as \"snappy\"")),
                    }
                }
                _ => {
                    let input = frame_arg("frame", 0)?;
                    let b = builder.clone();
                    let catalog = match (b.update_catalog, b.catalog) {
                        (true, Some((database, table))) => Some(CatalogTarget {
                            database,
                            table,
                            mode: CatalogMode::CreateOrUpdate { update_schema: b.update_schema },
                        }),
                        (true, None) => {
                            return Err(bad(&format!(
                                "{var} has enableUpdateCatalog=True but no {var}.setCatalogInfo(catalogDatabase=..., catalogTableName=...)"
                            )))
                        }
                        (false, _) => None,
                    };
                    let format = b.format.unwrap_or_else(|| "parquet".into());
                    let default = if format == "parquet" { "snappy" } else { "none" };
                    let compression = b.compression.unwrap_or_else(|| default.into());
                    options::check_output_compression(&format, &compression).map_err(|m| bad(&m))?;
                    plan.sinks.push(Sink {
                        sql: input,
                        path: b.path,
                        format,
                        partition_keys: b.partition_keys,
                        compression,
                        catalog,
                    });
                }
            }
            return Ok(None);
        }
        "Filter.apply" => {
            let input = frame_arg("frame", 0)?;
            let Some(Expr::Lambda(param, body)) = kw("f").or(args.get(1)) else {
                return Err(bad("Filter.apply needs f=lambda row: <condition>"));
            };
            let cond = predicate(body, param).map_err(|m| bad(&format!("in the Filter lambda: {m}")))?;
            format!("SELECT * FROM ({input}) AS t WHERE {cond}")
        }
        "ApplyMapping.apply" => {
            let input = frame_arg("frame", 0)?;
            let Some(Expr::List(maps)) = kw("mappings").or(args.get(1)) else {
                return Err(bad("ApplyMapping.apply needs mappings=[(\"src\", \"type\", \"dst\", \"type\"), ...]"));
            };
            let mut cols = Vec::new();
            for m in maps {
                let Expr::List(parts) = m else { return Err(bad("each mapping is a 4-tuple of strings")) };
                let [Expr::Str(src), Expr::Str(_), Expr::Str(dst), Expr::Str(ty)] = parts.as_slice() else {
                    return Err(bad("each mapping is a 4-tuple of strings"));
                };
                cols.push(format!("CAST({} AS {}) AS {}", ident(src), sql_type(ty).map_err(|m| bad(&m))?, ident(dst)));
            }
            format!("SELECT {} FROM ({input}) AS t", cols.join(", "))
        }
        "SelectFields.apply" => {
            let input = frame_arg("frame", 0)?;
            let paths = strings("paths", 1)?;
            format!("SELECT {} FROM ({input}) AS t", paths.iter().map(|p| ident(p)).collect::<Vec<_>>().join(", "))
        }
        "DropFields.apply" => {
            let input = frame_arg("frame", 0)?;
            let paths = strings("paths", 1)?;
            format!(
                "SELECT * EXCLUDE ({}) FROM ({input}) AS t",
                paths.iter().map(|p| ident(p)).collect::<Vec<_>>().join(", ")
            )
        }
        "RenameField.apply" => {
            let input = frame_arg("frame", 0)?;
            let (old, new) = (string("old_name", 1)?, string("new_name", 2)?);
            format!("SELECT * EXCLUDE ({}), {} AS {} FROM ({input}) AS t", ident(&old), ident(&old), ident(&new))
        }
        "Join.apply" => {
            let (a, b) = (frame_arg("frame1", 0)?, frame_arg("frame2", 1)?);
            let (k1, k2) = (strings("keys1", 2)?, strings("keys2", 3)?);
            if k1.len() != k2.len() || k1.is_empty() {
                return Err(bad("Join.apply needs keys1 and keys2 of the same length"));
            }
            let on: Vec<String> = k1.iter().zip(&k2).map(|(x, y)| format!("l.{} = r.{}", ident(x), ident(y))).collect();
            format!("SELECT * FROM ({a}) AS l JOIN ({b}) AS r ON {}", on.join(" AND "))
        }
        "DropNullFields.apply" | "drop_nulls" => {
            let studio = func == "drop_nulls";
            let input = frame_arg("frame", if studio { 1 } else { 0 })?;
            let transform = null_fields::drop_null_fields(&func, kwargs, studio).map_err(|m| bad(&m))?;
            deferred(plan, input, transform, st.line)
        }
        "FillMissingValues.apply" => {
            let input = frame_arg("frame", 0)?;
            let transform = null_fields::fill_missing_values(&func, args, kwargs).map_err(|m| bad(&m))?;
            deferred(plan, input, transform, st.line)
        }
        "DynamicFrame.fromDF" => match kw("dataframe").or(args.first()) {
            Some(Expr::Name(_)) => frame_arg("dataframe", 0)?,
            // `DynamicFrame.fromDF(df.groupBy(...).agg(...), glueContext, "x")`, `fromDF(spark.sql(...))`
            Some(e) => {
                frame_of(st, e, frames, views, plan)?.ok_or_else(|| bad("DynamicFrame.fromDF needs a DataFrame"))?
            }
            None => return Err(bad("DynamicFrame.fromDF needs a DataFrame")),
        },
        f if f == "spark.sql" || f.ends_with("spark_session.sql") => {
            let query = string("sqlQuery", 0)?;
            dataframe::spark_sql(&query, views)
        }
        f if f.ends_with("create_dynamic_frame.from_options") || f.ends_with("create_dynamic_frame_from_options") => {
            options::check_kwargs(
                f,
                kwargs,
                &["connection_type", "connection_options", "format", "format_options", "transformation_ctx"],
            )
            .map_err(|m| bad(&m))?;
            match kw("connection_type") {
                Some(Expr::Str(t)) if t == "s3" => {}
                _ => return Err(bad("create_dynamic_frame.from_options supports connection_type=\"s3\" only")),
            }
            let opts = dict(kw("connection_options"))
                .ok_or_else(|| bad("connection_options={\"paths\": [\"s3://...\"]} is required"))?;
            let paths: Vec<String> = match (opts.get("paths"), opts.get("path")) {
                (Some(Expr::List(items)), _) => {
                    items.iter().filter_map(|i| if let Expr::Str(s) = i { Some(s.clone()) } else { None }).collect()
                }
                (_, Some(Expr::Str(p))) => vec![p.clone()],
                _ => Vec::new(),
            };
            if paths.is_empty() || paths.iter().any(|p| !p.starts_with("s3://")) {
                return Err(bad("connection_options needs \"paths\": [\"s3://bucket/prefix/\"]"));
            }
            let format = match kw("format") {
                Some(Expr::Str(f)) if ["csv", "json", "parquet", "glueparquet"].contains(&f.as_str()) => {
                    f.replace("glueparquet", "parquet")
                }
                Some(Expr::Str(f)) => {
                    return Err(bad(&format!("format=\"{f}\" is not supported: use csv, json or parquet")))
                }
                _ => {
                    return Err(bad("create_dynamic_frame.from_options needs format=\"csv\", \"json\" or \"parquet\""))
                }
            };
            let options = dict(kw("format_options")).unwrap_or_default();
            options::check_source_options(&format, &opts, &options).map_err(|m| bad(&m))?;
            let has_header = matches!(options.get("withHeader"), Some(Expr::Bool(true)));
            let delimiter = match options.get("separator") {
                Some(Expr::Str(s)) if s.len() == 1 => s.as_bytes()[0],
                Some(_) => return Err(bad("format_options separator must be one character")),
                None => b',',
            };
            let transformation_ctx = match kw("transformation_ctx") {
                Some(Expr::Str(c)) => Some(c.clone()),
                _ => None,
            };
            file_source(plan, paths, format, has_header, delimiter, transformation_ctx)
        }
        f if f.ends_with("read.csv") || f.ends_with("read.json") || f.ends_with("read.parquet") => {
            let format = f.rsplit('.').next().unwrap_or_default().to_string();
            let paths = match kw("path").or(args.first()) {
                Some(Expr::Str(p)) => vec![p.clone()],
                Some(Expr::List(items)) => {
                    items.iter().filter_map(|i| if let Expr::Str(s) = i { Some(s.clone()) } else { None }).collect()
                }
                _ => return Err(bad(&format!("spark.read.{format}() needs an s3:// path"))),
            };
            if paths.iter().any(|p| !p.starts_with("s3://")) {
                return Err(bad("spark.read paths must be s3:// URIs"));
            }
            options::check_spark_read(&format, kwargs).map_err(|m| bad(&m))?;
            let has_header = matches!(kw("header"), Some(Expr::Bool(true)))
                || matches!(kw("header"), Some(Expr::Str(h)) if h == "true");
            let delimiter = match kw("sep") {
                Some(Expr::Str(s)) if s.len() == 1 => s.as_bytes()[0],
                Some(_) => return Err(bad("sep= must be one character")),
                None => b',',
            };
            file_source(plan, paths, format, has_header, delimiter, None)
        }
        _ if name == "toDF" => match expr {
            Expr::Call(inner, _, _) => match &**inner {
                Expr::Attr(base, _) => match &**base {
                    Expr::Name(n) => frames.get(n).cloned().ok_or_else(|| bad(&format!("'{n}' is not a frame")))?,
                    _ => return Err(unsupported(st, "toDF on an expression")),
                },
                _ => return Err(unsupported(st, "this call")),
            },
            _ => return Err(unsupported(st, "this call")),
        },
        other => return Err(unsupported(st, &format!("`{other}`"))),
    };
    Ok(Some(sql))
}

/// The value of a frame-valued expression (a frame variable or a method chain on one), or
/// `None` when `e` is not one.
fn df_value(e: &Expr, frames: &BTreeMap<String, String>) -> std::result::Result<Option<Value>, String> {
    match e {
        Expr::Name(n) => Ok(frames.get(n).cloned().map(Value::Frame)),
        Expr::Call(f, a, k) => match &**f {
            Expr::Attr(base, m) => match df_value(base, frames)? {
                Some(v) => {
                    let lookup: &dyn Fn(&Expr) -> Option<String> = &|e| frame_expr(e, frames);
                    dataframe::method(v, m, a, k, lookup).map(Some)
                }
                None => Ok(None),
            },
            _ => Ok(None),
        },
        _ => Ok(None),
    }
}

/// The SQL of an expression that is a frame, if it is one.
fn frame_expr(e: &Expr, frames: &BTreeMap<String, String>) -> Option<String> {
    match df_value(e, frames) {
        Ok(Some(Value::Frame(sql))) => Some(sql),
        _ => None,
    }
}

/// A frame resolved at run time: its marker now, its query once the data is known.
fn deferred(plan: &mut JobPlan, input: String, transform: null_fields::DeferredTransform, line: usize) -> String {
    let marker = format!("__puddle_deferred_{}__", plan.deferred.len());
    plan.deferred.push(Deferred { marker: marker.clone(), input_sql: input.clone(), input, transform, line });
    marker
}

fn file_source(
    plan: &mut JobPlan,
    paths: Vec<String>,
    format: String,
    has_header: bool,
    delimiter: u8,
    transformation_ctx: Option<String>,
) -> String {
    let name = format!("__s3_source_{}", plan.file_sources.len());
    plan.sources.push(paths.join(", "));
    plan.file_sources.push(FileSource { name: name.clone(), paths, format, has_header, delimiter, transformation_ctx });
    format!("SELECT * FROM {}", ident(&name))
}

fn short(_e: &Expr, text: &str) -> String {
    text.chars().take(60).collect()
}

/// The string items of a list literal (`["region", "year"]`); anything else gives none.
fn string_items(e: Option<&Expr>) -> Vec<String> {
    match e {
        Some(Expr::List(items)) => {
            items.iter().filter_map(|i| if let Expr::Str(s) = i { Some(s.clone()) } else { None }).collect()
        }
        _ => Vec::new(),
    }
}

fn dict(e: Option<&Expr>) -> Option<BTreeMap<String, Expr>> {
    match e? {
        Expr::Dict(items) => Some(
            items
                .iter()
                .filter_map(|(k, v)| if let Expr::Str(k) = k { Some((k.clone(), v.clone())) } else { None })
                .collect(),
        ),
        _ => None,
    }
}

/// A SQL identifier, double-quoted.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub(crate) fn sql_type(glue: &str) -> std::result::Result<String, String> {
    let t = glue.to_ascii_lowercase();
    Ok(match t.as_str() {
        "string" | "varchar" | "char" => "VARCHAR".into(),
        "int" | "integer" => "INT".into(),
        "long" | "bigint" => "BIGINT".into(),
        "short" | "smallint" => "SMALLINT".into(),
        "byte" | "tinyint" => "TINYINT".into(),
        "double" => "DOUBLE".into(),
        "float" => "FLOAT".into(),
        "boolean" => "BOOLEAN".into(),
        "timestamp" => "TIMESTAMP".into(),
        "date" => "DATE".into(),
        t if t.starts_with("decimal") => t.to_ascii_uppercase(),
        other => return Err(format!("type '{other}' in ApplyMapping is not supported")),
    })
}

/// The SQL condition of a Filter lambda body over the row parameter `param`.
fn predicate(e: &Expr, param: &str) -> std::result::Result<String, String> {
    Ok(match e {
        Expr::Index(base, key) => match (&**base, &**key) {
            (Expr::Name(p), Expr::Str(field)) if p == param => ident(field),
            _ => return Err(format!("only {param}[\"field\"] can be read")),
        },
        Expr::Str(s) => format!("'{}'", s.replace('\'', "''")),
        Expr::Num(n) => n.clone(),
        Expr::Bool(b) => b.to_string().to_uppercase(),
        Expr::None => "NULL".into(),
        Expr::List(items) => format!(
            "({})",
            items.iter().map(|i| predicate(i, param)).collect::<std::result::Result<Vec<_>, _>>()?.join(", ")
        ),
        Expr::Unary(op, inner) if op == "not" => format!("(NOT {})", predicate(inner, param)?),
        Expr::Unary(op, inner) if op == "-" => format!("(-{})", predicate(inner, param)?),
        Expr::Binary(op, l, r) => {
            let (l, r_expr) = (predicate(l, param)?, &**r);
            match (op.as_str(), r_expr) {
                ("==", Expr::None) => format!("({l} IS NULL)"),
                ("!=", Expr::None) => format!("({l} IS NOT NULL)"),
                _ => {
                    let r = predicate(r_expr, param)?;
                    let sql_op = match op.as_str() {
                        "==" => "=",
                        "!=" => "<>",
                        "and" => "AND",
                        "or" => "OR",
                        "in" => "IN",
                        "not in" => "NOT IN",
                        o @ ("<" | ">" | "<=" | ">=" | "+" | "-" | "*" | "/") => o,
                        o => return Err(format!("operator '{o}' is not supported")),
                    };
                    format!("({l} {sql_op} {r})")
                }
            }
        }
        other => return Err(format!("{other:?} is not supported in a filter")),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The course's job, as Glue Studio would write it.
    pub(crate) const COURSE_SCRIPT: &str = r#"
import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job

args = getResolvedOptions(sys.argv, ['JOB_NAME'])
sc = SparkContext()
glueContext = GlueContext(sc)
spark = glueContext.spark_session
job = Job(glueContext)
job.init(args['JOB_NAME'], args)

# Read raw sales from the Data Catalog
raw_sales = glueContext.create_dynamic_frame.from_catalog(database="sales_db", table_name="raw_sales")

# Keep sales with amount > 100
high_value = Filter.apply(frame=raw_sales, f=lambda x: x["amount"] > 100)

glueContext.write_dynamic_frame.from_options(
    frame=high_value,
    connection_type="s3",
    connection_options={"path": "s3://data-lake-processed-123/"},
    format="parquet"
)
job.commit()
"#;

    #[test]
    fn the_course_script_translates() {
        let plan = translate(COURSE_SCRIPT).unwrap();
        assert_eq!(plan.sources, ["sales_db.raw_sales"]);
        assert_eq!(plan.sinks.len(), 1);
        let sink = &plan.sinks[0];
        assert_eq!((sink.path.as_str(), sink.format.as_str()), ("s3://data-lake-processed-123/", "parquet"));
        assert_eq!(
            sink.sql,
            "WITH \"__frame_0\" AS (SELECT * FROM \"sales_db\".\"raw_sales\"), \"__frame_1\" AS (SELECT * FROM (SELECT * \
             FROM \"__frame_0\") AS t WHERE (\"amount\" > 100)) SELECT * FROM \"__frame_1\""
        );
    }

    #[test]
    fn transforms_chain() {
        let plan = translate(
            r#"src = glueContext.create_dynamic_frame.from_catalog(database="db", table_name="t")
m = ApplyMapping.apply(frame=src, mappings=[("id", "long", "sale_id", "long"), ("region", "string", "region", "string")])
f = Filter.apply(frame=m, f=lambda r: r["region"] in ["NSW", "VIC"] and not r["sale_id"] == None)
glueContext.write_dynamic_frame.from_options(frame=f, connection_type="s3", connection_options={"path": "s3://out/x/", "partitionKeys": ["region"]}, format="csv")
"#,
        )
        .unwrap();
        let sink = &plan.sinks[0];
        assert_eq!(sink.partition_keys, ["region"]);
        assert!(sink.sql.contains("CAST(\"id\" AS BIGINT) AS \"sale_id\""), "{}", sink.sql);
        assert!(sink.sql.contains("(\"region\" IN ('NSW', 'VIC')) AND (NOT (\"sale_id\" IS NULL))"), "{}", sink.sql);
    }

    #[test]
    fn unsupported_constructs_are_located() {
        let cases = [
            ("import pandas\n", 1, "import of 'pandas'"),
            ("x = glueContext.create_dynamic_frame.from_catalog(database=\"d\", table_name=\"t\")\ny = x.mapPartitions(f)\n", 2, "DataFrame.mapPartitions() is not supported"),
            ("x = Filter.apply(frame=nope, f=lambda r: r[\"a\"] > 1)\n", 1, "not a DynamicFrame"),
            ("x = glueContext.create_dynamic_frame.from_catalog(database=\"d\", table_name=\"t\")\ny = Filter.apply(frame=x, f=lambda r: len(r) > 1)\n", 2, "Filter lambda"),
            ("x = glueContext.create_dynamic_frame.from_catalog(database=\"d\", table_name=\"t\")\n", 1, "writes nothing"),
        ];
        for (script, line, needle) in cases {
            let e = translate(script).unwrap_err().to_string();
            assert!(e.contains(&format!("line {line}")) && e.contains(needle), "{script}: {e}");
        }
    }
}
