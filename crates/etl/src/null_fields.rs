//! Transforms whose SQL depends on the data: `DropNullFields` and `FillMissingValues`.
//!
//! Which columns `DropNullFields` drops, and which value `FillMissingValues` fills in, are only
//! known once the input frame's rows are. The translator gives such a frame a marker
//! ([`Deferred::marker`]) where its query would be; before a run (or a node preview) reads
//! anything, [`resolve`] asks one aggregate query over the input frame and puts the frame's real
//! query in place of the marker, in script order (a later deferred frame may read an earlier one).
//!
//! **DropNullFields** (`DropNullFields.apply(frame=...)`, and Glue Studio's
//! `drop_nulls(glueContext, frame=..., nullStringSet={"", "null"}, nullIntegerSet={-1}, ...)`):
//! drops every top-level column whose values are null in every record, as Glue drops the fields
//! of `NullType`. With Glue Studio's extra null values, a string column counts as null when
//! every value is null or, trimmed, one of `nullStringSet`, and a numeric column when every value
//! is null or one of `nullIntegerSet`. (Glue Studio's generated helper compares the set of
//! distinct values, so a string column mixing real nulls and `""` would stay; Puddle treats real
//! nulls as null too, which is what the node promises.) Fields nested in structs are not looked
//! into. When every column would go (an empty frame, or nothing but nulls) the frame keeps all
//! its columns and the run log says so: a frame without columns cannot be written or previewed.
//!
//! **FillMissingValues** (`from awsglueml.transforms import FillMissingValues`;
//! `FillMissingValues.apply(frame=..., missing_values_column="c", output_column="c_filled")`):
//! Glue trains a machine learning model on the other columns to predict each missing value (null
//! or empty string). Puddle imputes deterministically instead: a numeric column's missing values
//! become the column's mean (cast back to the column type, so rounded for integers), a string
//! column's the most frequent non-empty value (ties: the smallest). Other types are refused. The
//! output column (default `<column>_filled`) is added and the original column kept, as in Glue;
//! a column with no value at all to learn from is copied unchanged.

use datafusion::arrow::datatypes::{DataType, Schema};
use puddle_sql::SqlEngine;

use crate::{python::Expr, Error, JobPlan, Result};

/// A transform resolved at run time.
#[derive(Debug, Clone, PartialEq)]
pub enum DeferredTransform {
    /// Drop the columns that are null in every record.
    DropNullFields {
        /// Trimmed strings that also count as null in string columns (Glue Studio's `nullStringSet`).
        null_strings: Vec<String>,
        /// Numbers that also count as null in numeric columns (Glue Studio's `nullIntegerSet`).
        null_numbers: Vec<i64>,
    },
    /// Add `output`: `column` with its missing values imputed.
    FillMissingValues {
        /// The column with missing values.
        column: String,
        /// The new column.
        output: String,
    },
}

/// A frame whose query is known only at run time.
#[derive(Debug, Clone, PartialEq)]
pub struct Deferred {
    /// The text standing for the frame's query in the plan's SQL until [`resolve`] replaces it.
    pub marker: String,
    /// The input frame as the deferred frame reads it (`SELECT * FROM "__frame_2"`).
    pub input: String,
    /// The input frame's complete query (with the script's earlier frames as CTEs).
    pub input_sql: String,
    /// What to do.
    pub transform: DeferredTransform,
    /// The script line, for errors.
    pub line: usize,
}

/// The keyword arguments `DropNullFields.apply` takes (Glue's signature).
const DROP_NULL_FIELDS_ARGS: &[&str] = &["frame", "transformation_ctx", "info", "stageThreshold", "totalThreshold"];
/// The keyword arguments of Glue Studio's `drop_nulls` helper.
const DROP_NULLS_ARGS: &[&str] = &["glueContext", "frame", "nullStringSet", "nullIntegerSet", "transformation_ctx"];
/// The keyword arguments `FillMissingValues.apply` takes (Glue's signature).
const FILL_ARGS: &[&str] = &[
    "frame",
    "missing_values_column",
    "output_column",
    "transformation_ctx",
    "info",
    "stageThreshold",
    "totalThreshold",
];

/// The Glue Studio helpers a script may define (Puddle runs its own implementation of them).
pub(crate) const KNOWN_HELPERS: &[&str] = &["_find_null_fields", "drop_nulls"];

fn check_kwargs(func: &str, kwargs: &[(String, Expr)], known: &[&str]) -> Result<(), String> {
    match kwargs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        Some((k, _)) => Err(format!("{func} has no argument {k}= ({})", supported(known))),
        None => Ok(()),
    }
}

fn supported(known: &[&str]) -> String {
    format!("supported: {}=", known.join("=, "))
}

/// The transform of `DropNullFields.apply(...)` (`glue_studio`: Glue Studio's
/// `drop_nulls(glueContext, ...)` with its null value sets), or what is wrong with its arguments.
pub(crate) fn drop_null_fields(
    func: &str,
    kwargs: &[(String, Expr)],
    glue_studio: bool,
) -> Result<DeferredTransform, String> {
    if !glue_studio {
        check_kwargs(func, kwargs, DROP_NULL_FIELDS_ARGS)?;
        return Ok(DeferredTransform::DropNullFields { null_strings: Vec::new(), null_numbers: Vec::new() });
    }
    check_kwargs(func, kwargs, DROP_NULLS_ARGS)?;
    let set = |name: &str| -> Result<Vec<Expr>, String> {
        match kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| v) {
            None | Some(Expr::None) => Ok(Vec::new()),
            Some(Expr::Dict(items)) if items.is_empty() => Ok(Vec::new()),
            Some(Expr::Call(f, a, k)) if **f == Expr::Name("set".into()) && a.is_empty() && k.is_empty() => {
                Ok(Vec::new())
            }
            Some(Expr::List(items)) => Ok(items.clone()),
            Some(_) => Err(format!(
                "{func}: {name}= must be a set such as {{\"\", \"null\"}} or {{-1}} ({})",
                supported(DROP_NULLS_ARGS)
            )),
        }
    };
    let null_strings = set("nullStringSet")?
        .into_iter()
        .map(|e| match e {
            Expr::Str(s) => Ok(s.trim().to_string()),
            _ => Err(format!(
                "{func}: nullStringSet= holds strings, such as {{\"\", \"null\"}} ({})",
                supported(DROP_NULLS_ARGS)
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let null_numbers = set("nullIntegerSet")?
        .into_iter()
        .map(|e| {
            let n = match &e {
                Expr::Num(n) => n.parse::<i64>().ok(),
                Expr::Unary(op, inner) if op == "-" => match &**inner {
                    Expr::Num(n) => n.parse::<i64>().ok().map(|n| -n),
                    _ => None,
                },
                _ => None,
            };
            n.ok_or_else(|| {
                format!("{func}: nullIntegerSet= holds integers, such as {{-1}} ({})", supported(DROP_NULLS_ARGS))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DeferredTransform::DropNullFields { null_strings, null_numbers })
}

/// The transform of `FillMissingValues.apply(frame, missing_values_column, output_column, ...)`.
pub(crate) fn fill_missing_values(
    func: &str,
    args: &[Expr],
    kwargs: &[(String, Expr)],
) -> Result<DeferredTransform, String> {
    check_kwargs(func, kwargs, FILL_ARGS)?;
    let arg = |name: &str, pos: usize| kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| v).or(args.get(pos));
    let column = match arg("missing_values_column", 1) {
        Some(Expr::Str(c)) if !c.trim().is_empty() => c.clone(),
        _ => return Err(format!("{func} needs missing_values_column=\"column\" ({})", supported(FILL_ARGS))),
    };
    let output = match arg("output_column", 2) {
        None => format!("{column}_filled"),
        Some(Expr::Str(o)) if o.trim().is_empty() => format!("{column}_filled"),
        Some(Expr::Str(o)) => o.clone(),
        Some(_) => {
            return Err(format!(
                "{func}: output_column= must be a string (default: \"{column}_filled\"; {})",
                supported(FILL_ARGS)
            ))
        }
    };
    Ok(DeferredTransform::FillMissingValues { column, output })
}

/// Replaces every deferred frame of `plan` by its query, computed over the data `engine` reads,
/// in the plan's sinks and in `queries` (e.g. a previewed frame's SQL). Returns what it decided,
/// for the run log.
pub async fn resolve(engine: &SqlEngine, plan: &mut JobPlan, queries: &mut [&mut String]) -> Result<Vec<String>> {
    let mut log = Vec::new();
    let deferred = std::mem::take(&mut plan.deferred);
    let mut pending = deferred.clone();
    // A frame nothing reads (when an earlier node is previewed) costs no query: from the last
    // frame back, a frame is needed when an output, a query or a needed later frame reads it.
    let mut needed = vec![false; pending.len()];
    for i in (0..pending.len()).rev() {
        let marker = &pending[i].marker;
        needed[i] = plan.sinks.iter().any(|s| s.sql.contains(marker))
            || queries.iter().any(|q| q.contains(marker))
            || (i + 1..pending.len()).any(|j| needed[j] && pending[j].input_sql.contains(marker));
    }
    for i in 0..pending.len() {
        if !needed[i] {
            continue;
        }
        let d = pending[i].clone();
        let (body, line) = match &d.transform {
            DeferredTransform::DropNullFields { null_strings, null_numbers } => {
                drop_nulls_query(engine, &d, null_strings, null_numbers).await?
            }
            DeferredTransform::FillMissingValues { column, output } => fill_query(engine, &d, column, output).await?,
        };
        log.push(line);
        let swap = |sql: &mut String| *sql = sql.replace(&d.marker, &body);
        for later in &mut pending[i + 1..] {
            swap(&mut later.input_sql);
        }
        plan.sinks.iter_mut().for_each(|s| swap(&mut s.sql));
        queries.iter_mut().for_each(|q| swap(q));
    }
    Ok(log)
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn is_integer(t: &DataType) -> bool {
    t.is_integer()
}

fn is_numeric(t: &DataType) -> bool {
    t.is_integer() || t.is_floating() || matches!(t, DataType::Decimal128(..) | DataType::Decimal256(..))
}

async fn schema_of(engine: &SqlEngine, d: &Deferred) -> Result<Schema> {
    let probe = engine.query_batches(&format!("SELECT * FROM ({}) AS t LIMIT 0", d.input_sql), None).await?;
    Ok(probe.schema.as_ref().clone())
}

/// `SELECT * EXCLUDE (<columns null in every record>)` over the input, and a log line.
async fn drop_nulls_query(
    engine: &SqlEngine,
    d: &Deferred,
    null_strings: &[String],
    null_numbers: &[i64],
) -> Result<(String, String)> {
    let schema = schema_of(engine, d).await?;
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    if names.is_empty() {
        return Ok((format!("SELECT * FROM ({}) AS t", d.input), "DropNullFields: the frame has no columns".into()));
    }
    // One count per column of the values that are not null (nor an extra null value).
    let counts: Vec<String> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let c = ident(f.name());
            let mut cond = format!("{c} IS NOT NULL");
            if is_string(f.data_type()) && !null_strings.is_empty() {
                let set: Vec<String> = null_strings.iter().map(|s| quote(s)).collect();
                cond.push_str(&format!(" AND trim({c}) NOT IN ({})", set.join(", ")));
            } else if is_numeric(f.data_type()) && !null_numbers.is_empty() {
                let set: Vec<String> = null_numbers.iter().map(i64::to_string).collect();
                cond.push_str(&format!(" AND {c} NOT IN ({})", set.join(", ")));
            }
            format!("COUNT(CASE WHEN {cond} THEN 1 END) AS \"c{i}\"")
        })
        .collect();
    let res = engine
        .run(&format!("SELECT COUNT(*) AS \"rows\", {} FROM ({}) AS t", counts.join(", "), d.input_sql), None)
        .await?;
    let row = res.rows.first().cloned().unwrap_or_default();
    let count = |i: usize| row.get(i).and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok())).unwrap_or(0);
    let rows = count(0);
    let null: Vec<&str> = names.iter().enumerate().filter(|(i, _)| count(i + 1) == 0).map(|(_, n)| *n).collect();
    let at = format!("DropNullFields (line {})", d.line);
    if null.is_empty() {
        return Ok((
            format!("SELECT * FROM ({}) AS t", d.input),
            format!("{at}: no column is null in all {rows} row(s)"),
        ));
    }
    if null.len() == names.len() {
        return Ok((
            format!("SELECT * FROM ({}) AS t", d.input),
            format!("{at}: every column is null in all {rows} row(s); all columns are kept (a frame needs one)"),
        ));
    }
    let dropped: Vec<String> = null.iter().map(|n| ident(n)).collect();
    Ok((
        format!("SELECT * EXCLUDE ({}) FROM ({}) AS t", dropped.join(", "), d.input),
        format!("{at}: dropped {} (null in all {rows} row(s))", null.join(", ")),
    ))
}

/// The input with `output` added: `column` with its missing values imputed; and a log line.
async fn fill_query(engine: &SqlEngine, d: &Deferred, column: &str, output: &str) -> Result<(String, String)> {
    let schema = schema_of(engine, d).await?;
    let bad = |message: String| Error::Script { line: d.line, message };
    let Ok(field) = schema.field_with_name(column) else {
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        return Err(bad(format!(
            "FillMissingValues.apply: missing_values_column \"{column}\" is not a column of the frame (columns: {})",
            names.join(", ")
        )));
    };
    let (c, t) = (ident(column), field.data_type().clone());
    let at = format!("FillMissingValues (line {})", d.line);
    let (fill, missing, shown) = if is_numeric(&t) {
        let q = format!("SELECT AVG(CAST({c} AS DOUBLE)), COUNT(*) - COUNT({c}) FROM ({}) AS t", d.input_sql);
        let res = engine.run(&q, None).await?;
        let row = res.rows.first().cloned().unwrap_or_default();
        let missing = row.get(1).and_then(|v| v.as_u64()).unwrap_or(0);
        match row.first().and_then(|v| v.as_f64()).filter(|m| m.is_finite()) {
            Some(mean) => {
                let value = if is_integer(&t) { format!("{}", mean.round() as i64) } else { format!("{mean:?}") };
                (Some(format!("arrow_cast({value}, '{t}')")), missing, format!("the mean {value}"))
            }
            None => (None, missing, String::new()),
        }
    } else if is_string(&t) {
        let q = format!(
            "SELECT (SELECT {c} FROM ({input}) AS t WHERE {c} IS NOT NULL AND {c} <> '' GROUP BY {c} \
             ORDER BY COUNT(*) DESC, {c} ASC LIMIT 1) AS \"mode\", \
             (SELECT COUNT(*) FROM ({input}) AS t WHERE {c} IS NULL OR {c} = '') AS \"missing\"",
            input = d.input_sql
        );
        let res = engine.run(&q, None).await?;
        let row = res.rows.first().cloned().unwrap_or_default();
        let missing = row.get(1).and_then(|v| v.as_u64()).unwrap_or(0);
        match row.first().and_then(|v| v.as_str()) {
            Some(mode) => (Some(quote(mode)), missing, format!("the most frequent value '{mode}'")),
            None => (None, missing, String::new()),
        }
    } else {
        return Err(bad(format!(
            "FillMissingValues.apply: column \"{column}\" is {t}; Puddle fills numeric columns (with their mean) and \
             string columns (with their most frequent value) only"
        )));
    };
    let value = match &fill {
        Some(v) if is_string(&t) => format!("CASE WHEN {c} IS NULL OR {c} = '' THEN {v} ELSE {c} END"),
        Some(v) => format!("COALESCE({c}, {v})"),
        None => c.clone(),
    };
    // An output column that already exists is replaced.
    let rest =
        if schema.field_with_name(output).is_ok() { format!("* EXCLUDE ({})", ident(output)) } else { "*".to_string() };
    let line = match fill {
        Some(_) => format!("{at}: {missing} missing value(s) of {column} filled with {shown} into {output}"),
        None => format!("{at}: {column} has no value to learn from; {output} is a copy of it"),
    };
    Ok((format!("SELECT {rest}, {value} AS {} FROM ({}) AS t", ident(output), d.input), line))
}
