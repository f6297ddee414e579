//! Result sets as Athena writes them: CSV with every field in double quotes.

use puddle_api::QueryResult;
use serde_json::Value;

/// `"col1","col2"` then one line per row; NULL is an empty unquoted field, as in Athena's files.
pub(crate) fn to_csv(result: &QueryResult) -> String {
    let mut out = String::new();
    out.push_str(&result.columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
    out.push('\n');
    for row in &result.rows {
        let fields: Vec<String> = row
            .iter()
            .map(|v| match v {
                Value::Null => String::new(),
                Value::String(s) => quote(s),
                other => quote(&other.to_string()),
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use puddle_api::{QueryResult, QueryStats};
    use serde_json::json;

    #[test]
    fn quotes_like_athena() {
        let r = QueryResult {
            columns: vec!["region".into(), "n".into()],
            column_types: vec!["varchar".into(), "bigint".into()],
            rows: vec![vec![json!("N\"SW"), json!(3)], vec![json!(null), json!(1.5)]],
            stats: QueryStats::free(0.0),
        };
        assert_eq!(super::to_csv(&r), "\"region\",\"n\"\n\"N\"\"SW\",\"3\"\n,\"1.5\"\n");
    }
}
