//! GetQueryResults as Athena prints it: the header row (not for DDL), the rows as `VarCharValue`s,
//! the column metadata, and `UpdateCount` (the rows a CTAS or `INSERT INTO` wrote).

use puddle_api::QueryResult;
use serde_json::{json, Value};

use crate::QueryExecution;

/// The rows a statement wrote: CTAS and `INSERT INTO` answer one `rows` column, others 0.
pub fn update_count(execution: &QueryExecution, result: &QueryResult) -> u64 {
    let words: Vec<String> = execution.query.split_whitespace().take(2).map(str::to_ascii_uppercase).collect();
    let writes =
        matches!(words.iter().map(String::as_str).collect::<Vec<_>>()[..], ["CREATE", "TABLE"] | ["INSERT", "INTO"]);
    match (writes, result.columns.as_slice(), result.rows.first().and_then(|r| r.first())) {
        (true, [c], Some(n)) if c == "rows" => n.as_u64().unwrap_or(0),
        _ => 0,
    }
}

/// Precision and scale of an Athena column type, when the type states them (`decimal(p,s)`).
fn precision_scale(column_type: &str) -> Option<(u64, u64)> {
    let inner = column_type.strip_prefix("decimal(")?.strip_suffix(')')?;
    let (p, s) = inner.split_once(',')?;
    Some((p.trim().parse().ok()?, s.trim().parse().ok()?))
}

/// The body of GetQueryResults for `execution` and its `result`.
pub fn query_results_json(execution: &QueryExecution, result: &QueryResult) -> Value {
    let cell = |v: &Value| match v {
        Value::Null => json!({}),
        Value::String(s) => json!({ "VarCharValue": s }),
        other => json!({ "VarCharValue": other.to_string() }),
    };
    let mut rows = Vec::new();
    if execution.statement_type != "DDL" {
        rows.push(json!({ "Data": result.columns.iter().map(|c| json!({ "VarCharValue": c })).collect::<Vec<_>>() }));
    }
    rows.extend(result.rows.iter().map(|row| json!({ "Data": row.iter().map(cell).collect::<Vec<_>>() })));
    let info: Vec<Value> = result
        .columns
        .iter()
        .zip(&result.column_types)
        .map(|(c, t)| {
            let mut column = json!({
                "CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": c, "Label": c,
                "Type": t, "Nullable": "UNKNOWN", "CaseSensitive": t == "varchar",
            });
            // Athena's precision of other types is an engine detail Puddle does not model.
            if let Some((precision, scale)) = precision_scale(t) {
                column["Precision"] = json!(precision);
                column["Scale"] = json!(scale);
            }
            column
        })
        .collect();
    json!({
        "UpdateCount": update_count(execution, result),
        "ResultSet": { "Rows": rows, "ResultSetMetadata": { "ColumnInfo": info } },
    })
}

#[cfg(test)]
mod tests {
    use puddle_api::QueryStats;

    use super::*;
    use crate::Timing;

    fn execution(query: &str, statement_type: &str) -> QueryExecution {
        QueryExecution {
            id: "q".into(),
            query: query.into(),
            statement_type: statement_type.into(),
            database: "default".into(),
            workgroup: "primary".into(),
            state: "SUCCEEDED".into(),
            state_change_reason: None,
            error_category: None,
            error_type: None,
            submitted: chrono::Utc::now(),
            completed: Some(chrono::Utc::now()),
            engine_ms: 1.0,
            timing: Timing::default(),
            bytes_scanned: 0,
            billed_bytes: 0,
            cost_usd: 0.0,
            output_location: String::new(),
            client_request_token: None,
            heartbeat: None,
            stop_requested: false,
        }
    }

    fn result(columns: &[&str], types: &[&str], rows: Vec<Vec<Value>>) -> QueryResult {
        QueryResult {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            column_types: types.iter().map(|c| c.to_string()).collect(),
            rows,
            stats: QueryStats::free(0.0),
        }
    }

    #[test]
    fn update_count_is_the_rows_a_statement_wrote() {
        let written = result(&["rows"], &["bigint"], vec![vec![json!(42)]]);
        let json = query_results_json(&execution("INSERT INTO t SELECT 1", "DML"), &written);
        assert_eq!(json["UpdateCount"], json!(42));
        assert_eq!(update_count(&execution("create table t as select 1", "DML"), &written), 42);
        // A SELECT of a column named rows writes nothing.
        assert_eq!(update_count(&execution("SELECT 42 AS rows", "DML"), &written), 0);
    }

    #[test]
    fn column_metadata_claims_only_what_the_type_says() {
        let r = result(&["price", "name"], &["decimal(10,2)", "varchar"], vec![vec![json!("1.50"), Value::Null]]);
        let json = query_results_json(&execution("SELECT price, name FROM t", "DML"), &r);
        let info = &json["ResultSet"]["ResultSetMetadata"]["ColumnInfo"];
        assert_eq!((info[0]["Precision"].clone(), info[0]["Scale"].clone()), (json!(10), json!(2)));
        assert!(info[1].get("Precision").is_none(), "{info}");
        let rows = json["ResultSet"]["Rows"].as_array().unwrap();
        assert_eq!(rows.len(), 2, "header and one row");
        assert_eq!(rows[1]["Data"][1], json!({}));
        let ddl = query_results_json(&execution("SHOW TABLES", "DDL"), &r);
        assert_eq!(ddl["ResultSet"]["Rows"].as_array().unwrap().len(), 1, "no header row for DDL");
    }
}
