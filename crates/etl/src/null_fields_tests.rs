//! DropNullFields and FillMissingValues over an in-memory lake: jobs, node previews and errors.

use std::sync::Arc;

use bytes::Bytes;
use object_store::{memory::InMemory, ObjectStore};
use puddle_api::QueryResult;
use puddle_catalog::Catalog;
use puddle_sql::SqlEngine;
use puddle_store::S3;
use serde_json::{json, Value};

use crate::{file_tables, frame_query, resolve_deferred, translate, Jobs};

/// Six records: `id`; `gone` null everywhere; `some` null in two rows; `blank` empty, "null" or
/// blank strings; `minus` -1 or null; `mixed` "" or a value; `n` an integer with gaps; `x` a
/// double with a gap; `city` strings with a tie; `flag` booleans.
const RECORDS: &str = r#"{"id": 1, "gone": null, "some": "a", "blank": "", "minus": -1, "mixed": "", "n": 10, "x": 1.5, "city": "Perth", "flag": true}
{"id": 2, "gone": null, "some": null, "blank": "null", "minus": null, "mixed": "kept", "n": null, "x": 2.0, "city": "", "flag": false}
{"id": 3, "gone": null, "some": "c", "blank": "  ", "minus": -1, "mixed": "", "n": 11, "x": null, "city": "Darwin", "flag": true}
{"id": 4, "gone": null, "some": null, "blank": "", "minus": -1, "mixed": null, "n": null, "x": 4.0, "city": null, "flag": null}
{"id": 5, "gone": null, "some": "e", "blank": null, "minus": null, "mixed": "", "n": 12, "x": 0.5, "city": "Darwin", "flag": true}
{"id": 6, "gone": null, "some": "f", "blank": " null ", "minus": -1, "mixed": "", "n": 10, "x": 3.0, "city": "Perth", "flag": false}
"#;

const HEAD: &str = "import sys\nfrom awsglue.transforms import *\nfrom awsglueml.transforms import FillMissingValues\n\
from awsglue.context import GlueContext\nglueContext = GlueContext(SparkContext.getOrCreate())\n\
src = glueContext.create_dynamic_frame.from_options(connection_type=\"s3\", \
connection_options={\"paths\": [\"s3://raw-1/gappy/\"]}, format=\"json\")\n";

async fn lake() -> (S3, SqlEngine, Jobs) {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let catalog = Arc::new(Catalog::load(store.clone()).await.unwrap());
    let s3 = S3::new(store.clone());
    for b in ["raw-1", "out-1", "scripts-1"] {
        s3.create_bucket(b).await.unwrap();
    }
    s3.put_object("raw-1", "gappy/records.json", Bytes::from(RECORDS)).await.unwrap();
    let sql = SqlEngine::new(store, catalog);
    (s3.clone(), sql.clone(), Jobs::new(s3, sql))
}

/// What the visual editor's preview shows for `frame` of `HEAD + body`.
async fn preview(sql: &SqlEngine, body: &str, frame: &str) -> crate::Result<QueryResult> {
    let (mut query, mut plan) = frame_query(&format!("{HEAD}{body}"), frame)?;
    let engine = sql.with_file_tables(file_tables(&plan)?);
    resolve_deferred(&engine, &mut plan, &mut [&mut query]).await?;
    Ok(engine.run(&format!("SELECT * FROM ({query}) AS t ORDER BY \"id\""), None).await?)
}

fn column<'a>(q: &'a QueryResult, name: &str) -> Vec<&'a Value> {
    let i = q.columns.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name}: {:?}", q.columns));
    q.rows.iter().map(|r| &r[i]).collect()
}

#[tokio::test]
async fn drop_null_fields_drops_only_columns_null_in_every_record() {
    let (_, sql, _) = lake().await;
    for call in [
        "out = DropNullFields.apply(frame=src, transformation_ctx=\"out\")\n",
        "out = DropNullFields.apply(src, transformation_ctx=\"out\")\n",
    ] {
        let q = preview(&sql, call, "out").await.unwrap();
        assert!(!q.columns.contains(&"gone".to_string()), "{:?}", q.columns);
        // Null in some rows only, or never null: kept, with every row.
        for kept in ["id", "some", "blank", "minus", "mixed", "n", "x", "city", "flag"] {
            assert!(q.columns.contains(&kept.to_string()), "{kept} kept: {:?}", q.columns);
        }
        assert_eq!(q.rows.len(), 6);
        assert_eq!(
            column(&q, "some"),
            [&json!("a"), &Value::Null, &json!("c"), &Value::Null, &json!("e"), &json!("f")]
        );
    }
}

/// Glue Studio's "Drop Null Fields" node: its helpers at the top and the extra null values.
#[tokio::test]
async fn glue_studio_drop_nulls_counts_the_extra_null_values() {
    let (_, sql, _) = lake().await;
    let helpers = "def _find_null_fields(ctx, schema, path, output, nullStringSet, nullIntegerSet, frame):\n    \
        if isinstance(schema, StructType):\n        for field in schema:\n            output = x(field)\n    return output\n\n\
        def drop_nulls(glueContext, frame, nullStringSet, nullIntegerSet, transformation_ctx) -> DynamicFrame:\n    \
        nullColumns = _find_null_fields(frame.glue_ctx, frame.schema(), \"\", [], nullStringSet, nullIntegerSet, frame)\n    \
        return DropFields.apply(frame=frame, paths=nullColumns, transformation_ctx=transformation_ctx)\n\n";
    let cases: [(&str, &[&str]); 4] = [
        ("nullStringSet={\"\", \"null\"}, nullIntegerSet={-1}", &["gone", "blank", "minus"]),
        ("nullStringSet={\"\"}, nullIntegerSet={}", &["gone"]),
        ("nullStringSet={\"\", \"null\"}, nullIntegerSet={}", &["gone", "blank"]),
        ("nullStringSet={}, nullIntegerSet={-1}", &["gone", "minus"]),
    ];
    for (sets, dropped) in cases {
        let script = format!(
            "{helpers}{HEAD}out = drop_nulls(glueContext, frame=src, {sets}, transformation_ctx=\"DropNullFields_node1\")\n"
        );
        let (mut query, mut plan) = frame_query(&script, "out").unwrap();
        let engine = sql.with_file_tables(file_tables(&plan).unwrap());
        let log = resolve_deferred(&engine, &mut plan, &mut [&mut query]).await.unwrap();
        let q = engine.run(&query, None).await.unwrap();
        // JSON records are read with their fields in name order.
        let all = ["blank", "city", "flag", "gone", "id", "minus", "mixed", "n", "some", "x"];
        let expected: Vec<&str> = all.into_iter().filter(|c| !dropped.contains(c)).collect();
        assert_eq!(q.columns, expected, "{sets}: {log:?}");
        assert_eq!(q.rows.len(), 6);
        let mut names = dropped.to_vec();
        names.sort();
        assert!(log[0].contains(&format!("dropped {} (null in all 6 row(s))", names.join(", "))), "{log:?}");
    }
}

#[tokio::test]
async fn a_frame_of_nothing_but_nulls_keeps_its_columns() {
    let (_, sql, _) = lake().await;
    // No rows at all: every column is vacuously null, and the frame keeps them all.
    let empty = "none = Filter.apply(frame=src, f=lambda r: r[\"id\"] > 100)\nout = DropNullFields.apply(frame=none)\n";
    let q = preview(&sql, empty, "out").await.unwrap();
    assert_eq!(q.columns.len(), 10, "{:?}", q.columns);
    assert!(q.rows.is_empty());
    // One column, null everywhere.
    let only = "g = SelectFields.apply(frame=src, paths=[\"gone\"])\nout = DropNullFields.apply(frame=g)\n";
    let (mut query, mut plan) = frame_query(&format!("{HEAD}{only}"), "out").unwrap();
    let engine = sql.with_file_tables(file_tables(&plan).unwrap());
    let log = resolve_deferred(&engine, &mut plan, &mut [&mut query]).await.unwrap();
    assert!(log[0].contains("every column is null in all 6 row(s)"), "{log:?}");
    assert_eq!(engine.run(&query, None).await.unwrap().columns, ["gone"]);
}

#[tokio::test]
async fn fill_missing_values_imputes_means_and_most_frequent_strings() {
    let (_, sql, _) = lake().await;
    let body = "n = FillMissingValues.apply(frame=src, missing_values_column=\"n\", transformation_ctx=\"n\")\n\
        x = FillMissingValues.apply(frame=n, missing_values_column=\"x\", output_column=\"x_guess\")\n\
        c = FillMissingValues.apply(x, \"city\")\n";
    let q = preview(&sql, body, "c").await.unwrap();
    // Integers: mean of 10, 11, 12, 10 = 10.75, rounded to 11 and still a bigint; the original is kept.
    assert_eq!(column(&q, "n"), [&json!(10), &Value::Null, &json!(11), &Value::Null, &json!(12), &json!(10)]);
    assert_eq!(column(&q, "n_filled"), [&json!(10), &json!(11), &json!(11), &json!(11), &json!(12), &json!(10)]);
    let types: Vec<(&String, &String)> = q.columns.iter().zip(&q.column_types).collect();
    assert!(types.contains(&(&"n_filled".to_string(), &"bigint".to_string())), "{types:?}");
    // Doubles: mean of 1.5, 2, 4, 0.5, 3 = 2.2, into the named output column.
    assert_eq!(column(&q, "x_guess")[2], &json!(2.2));
    assert!(!q.columns.contains(&"x_filled".to_string()));
    // Strings: nulls and empty strings take the most frequent value; Darwin and Perth tie at 2,
    // and the smaller wins.
    assert_eq!(
        column(&q, "city_filled"),
        [&json!("Perth"), &json!("Darwin"), &json!("Darwin"), &json!("Darwin"), &json!("Darwin"), &json!("Perth")]
    );
    assert_eq!(column(&q, "city")[1], &json!(""));

    // Previewing the source costs no query for the frames after it.
    let (mut query, mut plan) = frame_query(&format!("{HEAD}{body}"), "src").unwrap();
    let engine = sql.with_file_tables(file_tables(&plan).unwrap());
    assert!(resolve_deferred(&engine, &mut plan, &mut [&mut query]).await.unwrap().is_empty());
}

#[tokio::test]
async fn fill_missing_values_after_drop_null_fields_in_a_job() {
    let (s3, sql, jobs) = lake().await;
    let script = format!(
        "{HEAD}dropped = DropNullFields.apply(frame=src)\n\
         filled = FillMissingValues.apply(frame=dropped, missing_values_column=\"n\")\n\
         glueContext.write_dynamic_frame.from_options(frame=filled, connection_type=\"s3\", \
         connection_options={{\"path\": \"s3://out-1/filled/\"}}, format=\"json\")\n"
    );
    s3.put_object("scripts-1", "fill.py", Bytes::from(script)).await.unwrap();
    jobs.create_job("Fill", "r", "s3://scripts-1/fill.py").await.unwrap();
    let run = jobs.start_job_run("Fill").await.unwrap();
    assert_eq!(run.state, "SUCCEEDED", "{:?}", run.log);
    assert_eq!(run.rows_written, 6);
    assert!(run.log.iter().any(|l| l.contains("DropNullFields (line 7): dropped gone")), "{:?}", run.log);
    assert!(run.log.iter().any(|l| l.contains("2 missing value(s) of n filled with the mean 11")), "{:?}", run.log);
    let key = run.files_written[0].trim_start_matches("s3://out-1/").to_string();
    let body = String::from_utf8(s3.get_object("out-1", &key).await.unwrap().to_vec()).unwrap();
    let rows: Vec<Value> = body.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(rows.iter().all(|r| r.get("gone").is_none() && r["n_filled"].is_i64()), "{body}");

    // Nothing to learn from (every value of the typed column missing): the output column is a copy.
    let none = "two = Filter.apply(frame=src, f=lambda r: r[\"id\"] in [2, 4])\n\
        g = FillMissingValues.apply(frame=two, missing_values_column=\"n\")\n";
    let q = preview(&sql, none, "g").await.unwrap();
    assert_eq!(column(&q, "n_filled"), [&Value::Null, &Value::Null]);
    // A column read as nothing but nulls has no type to fill in: refused like the other types.
    let e = preview(&sql, "g = FillMissingValues.apply(frame=src, missing_values_column=\"gone\")\n", "g")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 7") && e.contains("\"gone\" is Null"), "{e}");
}

#[tokio::test]
async fn run_time_errors_are_located() {
    let (_, sql, _) = lake().await;
    let e = preview(&sql, "f = FillMissingValues.apply(frame=src, missing_values_column=\"flag\")\n", "f")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 7") && e.contains("\"flag\" is Boolean") && e.contains("numeric"), "{e}");
    let e = preview(&sql, "f = FillMissingValues.apply(frame=src, missing_values_column=\"nope\")\n", "f")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 7") && e.contains("\"nope\" is not a column") && e.contains("city"), "{e}");
}

#[test]
fn bad_arguments_are_located() {
    let cases = [
        ("out = DropNullFields.apply(frame=src, paths=[\"a\"])\n", "DropNullFields.apply has no argument paths="),
        ("out = DropNullFields.apply(frame=nope)\n", "'nope' is not a DynamicFrame"),
        ("out = drop_nulls(glueContext, frame=src, nullStringSet={1})\n", "nullStringSet= holds strings"),
        ("out = drop_nulls(glueContext, frame=src, nullIntegerSet={\"x\"})\n", "nullIntegerSet= holds integers"),
        ("out = drop_nulls(glueContext, frame=src, nullIntegerSet=[-1, 2.5])\n", "nullIntegerSet= holds integers"),
        ("out = drop_nulls(glueContext, frame=src, nullStringSet=\"\")\n", "nullStringSet= must be a set"),
        ("out = FillMissingValues.apply(frame=src)\n", "needs missing_values_column="),
        ("out = FillMissingValues.apply(frame=src, missing_values_column=\"n\", output_column=1)\n", "output_column="),
        (
            "out = FillMissingValues.apply(frame=src, missing_values_column=\"n\", model=\"rf\")\n",
            "has no argument model=",
        ),
        ("def helper(frame):\n    return frame\n", "def helper is not supported"),
    ];
    for (body, needle) in cases {
        let script = format!("{HEAD}{body}glueContext.write_dynamic_frame.from_options(frame=src, connection_type=\"s3\", connection_options={{\"path\": \"s3://out-1/x/\"}})\n");
        let e = translate(&script).unwrap_err().to_string();
        assert!(e.contains("line 7") && e.contains(needle), "{body}: {e}");
        assert!(e.contains("supported") || needle.contains("DynamicFrame"), "{body} says what is supported: {e}");
    }
}
