//! An operation's answer as the CLI prints it: shaped by the output model (absent members left
//! out, timestamps in the CLI's format), filtered by `--query` (JMESPath), then printed as
//! `--output json|text|table|yaml` the way `awscli/formatter.py`, `text.py` and `table.py` do.

use serde_json::{Map, Value};

use crate::{
    model::{Service, ANY_SHAPE},
    timestamp,
};

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// JSON, 4-space indent (the default).
    #[default]
    Json,
    /// Tab-separated text.
    Text,
    /// An ASCII table.
    Table,
    /// YAML.
    Yaml,
    /// YAML, one document per response (`yaml-stream`).
    YamlStream,
}

impl Format {
    /// `--output NAME`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "json" => Self::Json,
            "text" => Self::Text,
            "table" => Self::Table,
            "yaml" => Self::Yaml,
            "yaml-stream" => Self::YamlStream,
            _ => return None,
        })
    }
}

/// The service's answer with the output shape applied: `null` members dropped, timestamps
/// (RFC 3339 text or epoch seconds) printed as the CLI prints them.
pub fn shape_output(service: &Service, shape_name: Option<&str>, value: Value) -> Value {
    let mut value = strip_nulls(value);
    let _ = service.visit(shape_name.unwrap_or(ANY_SHAPE), &mut value, &mut |shape, v| {
        let time = match &*v {
            Value::String(s) => timestamp::parse(s),
            Value::Number(n) => n.as_f64().and_then(timestamp::epoch),
            _ => None,
        };
        if let Some(t) = time.filter(|_| shape.kind == "timestamp") {
            *v = Value::String(timestamp::format(&t));
        }
        Ok::<(), ()>(())
    });
    value
}

fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

/// Applies `--query`; the error text is what the CLI prints for a bad expression.
pub fn query(expression: &str, value: &Value) -> Result<Value, String> {
    let expr = jmespath::compile(expression).map_err(|e| format!("Bad value for --query {expression}: {e}"))?;
    let result = expr.search(value).map_err(|e| format!("Bad value for --query {expression}: {e}"))?;
    serde_json::to_value(&*result).map_err(|e| e.to_string())
}

/// Prints `value` as `format`; `title` is the operation name (the table's title).
pub fn render(format: Format, title: &str, value: &Value) -> String {
    match format {
        // An empty answer prints nothing (`{}` in JSON and YAML).
        Format::Json | Format::Yaml if value.as_object().is_some_and(Map::is_empty) => String::new(),
        Format::Json => format!("{}\n", json(value)),
        Format::Text => {
            let mut out = String::new();
            text(value, None, None, &mut out);
            out
        }
        Format::Table => crate::table::render(title, value),
        Format::Yaml => crate::yaml::dump(value),
        Format::YamlStream => crate::yaml::dump(&Value::Array(vec![value.clone()])),
    }
}

/// `json.dump(value, indent=4, ensure_ascii=False)`.
pub fn json(value: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(value, &mut ser).expect("a JSON value serializes");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// Python's `str()` of a JSON scalar.
pub(crate) fn py_str(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or_default();
            if f.fract() == 0.0 && f.abs() < 1e16 {
                format!("{f:.1}")
            } else {
                f.to_string()
            }
        }
        other => other.to_string(),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// `awscli/text.py`.
fn text(item: &Value, identifier: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    match item {
        Value::Object(map) => text_dict(map, identifier, scalar_keys, out),
        Value::Array(items) => text_list(items, identifier, out),
        other => {
            out.push_str(&py_str(other));
            out.push('\n');
        }
    }
}

fn text_list(items: &[Value], identifier: Option<&str>, out: &mut String) {
    if items.is_empty() {
        return;
    }
    if items.iter().any(Value::is_object) {
        let mut keys: Vec<String> = items
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|m| m.iter().filter(|(_, v)| is_scalar(v)).map(|(k, _)| k.clone()))
            .collect();
        keys.sort();
        keys.dedup();
        for el in items {
            text(el, identifier, Some(&keys), out);
        }
    } else {
        let (scalars, lists): (Vec<&Value>, Vec<&Value>) = items.iter().partition(|v| is_scalar(v));
        if !scalars.is_empty() {
            text_scalars(&scalars, identifier, out);
        }
        for list in lists {
            text(list, identifier, None, out);
        }
    }
}

fn text_scalars(items: &[&Value], identifier: Option<&str>, out: &mut String) {
    let values = items.iter().map(|v| py_str(v));
    match identifier {
        Some(id) => values.for_each(|v| out.push_str(&format!("{}\t{v}\n", id.to_uppercase()))),
        None => out.push_str(&format!("{}\n", values.collect::<Vec<_>>().join("\t"))),
    }
}

fn text_dict(map: &Map<String, Value>, identifier: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    let keys: Vec<&String> = match scalar_keys {
        Some(keys) => keys.iter().collect(),
        None => map.iter().filter(|(_, v)| is_scalar(v)).map(|(k, _)| k).collect(),
    };
    if !keys.is_empty() {
        let values: Vec<String> = keys.iter().map(|k| map.get(*k).map(py_str).unwrap_or_default()).collect();
        let id = identifier.map(|i| format!("{}\t", i.to_uppercase())).unwrap_or_default();
        out.push_str(&format!("{id}{}\n", values.join("\t")));
    }
    for (k, v) in map.iter().filter(|(k, _)| !keys.contains(k)) {
        text(v, Some(k), None, out);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_is_indented_by_four_and_empty_is_nothing() {
        assert_eq!(
            render(Format::Json, "X", &json!({"A": [1, {"B": "é"}]})),
            "{\n    \"A\": [\n        1,\n        {\n            \"B\": \"é\"\n        }\n    ]\n}\n"
        );
        assert_eq!(render(Format::Json, "X", &json!({})), "");
        assert_eq!(render(Format::Json, "X", &json!([])), "[]\n");
    }

    #[test]
    fn text_as_the_cli_prints_it() {
        // The CLI's documented example (list-buckets --output text).
        let v = json!({"Buckets": [{"Name": "a", "CreationDate": "2026-01-01T00:00:00+00:00"},
                                   {"Name": "b", "CreationDate": "2026-01-02T00:00:00+00:00"}],
                       "Owner": {"DisplayName": "puddle", "ID": "x"}});
        assert_eq!(
            render(Format::Text, "ListBuckets", &v),
            "BUCKETS\t2026-01-01T00:00:00+00:00\ta\nBUCKETS\t2026-01-02T00:00:00+00:00\tb\nOWNER\tpuddle\tx\n"
        );
        assert_eq!(render(Format::Text, "X", &json!(["a", "b"])), "a\tb\n");
        // Written out by awscli 1.46.3's TextFormatter for this input.
        let v = json!({"QueryExecution": {"QueryExecutionId": "6f0b", "Status": {"State": "SUCCEEDED"},
            "Rows": [{"Data": [{"V": "a"}, {"V": "b"}]}, {"Data": [{"V": "c"}]}], "N": 1.5, "L": [[1, 2], [3]]}});
        assert_eq!(
            render(Format::Text, "X", &v),
            "QUERYEXECUTION\t1.5\t6f0b\nL\t1\nL\t2\nL\t3\nDATA\ta\nDATA\tb\nDATA\tc\nSTATUS\tSUCCEEDED\n"
        );
        assert_eq!(render(Format::Text, "X", &json!({"Ids": ["a", "b"], "On": true})), "True\nIDS\ta\nIDS\tb\n");
    }

    #[test]
    fn output_shape_drops_nulls_and_formats_times() {
        let m = crate::model::Model::get();
        let s3 = m.service("s3api").unwrap();
        let v = shape_output(
            s3,
            Some("ListBucketsOutput"),
            json!({"Buckets": [{"Name": "a", "CreationDate": "2026-01-01T00:00:00Z", "BucketRegion": null}], "Owner": null}),
        );
        assert_eq!(v, json!({"Buckets": [{"Name": "a", "CreationDate": "2026-01-01T00:00:00+00:00"}]}));
        let glue = m.service("glue").unwrap();
        let v = shape_output(
            glue,
            Some("GetDatabaseResponse"),
            json!({"Database": {"Name": "d", "CreateTime": 1767225600}}),
        );
        assert_eq!(v, json!({"Database": {"Name": "d", "CreateTime": "2026-01-01T00:00:00+00:00"}}));
    }

    #[test]
    fn query_is_jmespath() {
        let v = json!({"Buckets": [{"Name": "a"}, {"Name": "b"}]});
        assert_eq!(query("Buckets[].Name", &v).unwrap(), json!(["a", "b"]));
        assert_eq!(query("length(Buckets)", &v).unwrap(), json!(2));
        assert!(query("Buckets[", &v).unwrap_err().starts_with("Bad value for --query Buckets["));
    }
}
