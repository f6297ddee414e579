//! `--output yaml`: block-style YAML as AWS CLI v2 prints it (ruamel.yaml's safe dumper with
//! `default_flow_style=False`: sequences not indented under their key, empty collections as
//! `[]`/`{}`, strings quoted only where a plain scalar would read back as something else).
//!
//! A small emitter instead of a crate: the CLI needs one direction (JSON value -> text) in one
//! style, and serde_yaml, the usual choice, is unmaintained (archived in 2024).

use std::collections::BTreeMap;

use serde_json::Value;

/// End-of-line comments by the dotted path of their mapping key (list items add nothing).
pub(crate) type Comments = BTreeMap<String, String>;

/// The YAML document for `value` (a scalar top level prints as JSON, as the CLI does).
pub fn dump(value: &Value) -> String {
    dump_commented(value, &Comments::new())
}

/// [`dump`], with `  # comment` after the keys `comments` names.
pub(crate) fn dump_commented(value: &Value, comments: &Comments) -> String {
    let mut out = String::new();
    let c = (comments, "");
    match value {
        Value::Array(items) if !items.is_empty() => seq(items, 0, c, &mut out),
        Value::Object(map) if !map.is_empty() => mapping(map, 0, c, &mut out),
        other => {
            out.push_str(&serde_json::to_string(other).unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

fn mapping(map: &serde_json::Map<String, Value>, indent: usize, (comments, at): (&Comments, &str), out: &mut String) {
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 || !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&string(k));
        out.push(':');
        let path = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
        let comment = comments.get(&path).map(|c| format!("  # {c}")).unwrap_or_default();
        match v {
            Value::Object(m) if !m.is_empty() => {
                out.push_str(&format!("{comment}\n"));
                mapping(m, indent + 2, (comments, &path), out);
            }
            Value::Array(a) if !a.is_empty() => {
                out.push_str(&format!("{comment}\n"));
                seq(a, indent, (comments, &path), out);
            }
            other => out.push_str(&format!(" {}{comment}\n", scalar(other))),
        }
    }
}

fn seq(items: &[Value], indent: usize, c: (&Comments, &str), out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => mapping(m, indent + 2, c, out),
            Value::Array(a) if !a.is_empty() => {
                // A sequence in a sequence starts on the dash's line.
                let mut inner = String::new();
                seq(a, indent + 2, c, &mut inner);
                out.push_str(inner.trim_start());
            }
            other => {
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string as plain, 'single-quoted' or "double-quoted" YAML.
fn string(s: &str) -> String {
    if s.chars().any(|c| c.is_control() && c != '\t') || s.contains('\t') {
        return serde_json::to_string(s).unwrap_or_default();
    }
    if plain_ok(s) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "''"))
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    let dash_word = first == '-' && s.len() > 1 && !s[1..].starts_with(' ');
    if s != s.trim() || ("-?:,[]{}#&*!|>'\"%@`".contains(first) && !dash_word) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    !resolves_to_other_type(s)
}

/// Would a plain scalar `s` load as a bool, null, number or timestamp (YAML 1.2 core schema
/// plus ruamel's timestamps)?
fn resolves_to_other_type(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "null" | "~" | "yes" | "no" | "on" | "off" | ".inf" | "-.inf" | "+.inf" | ".nan"
    ) {
        return true;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let numeric = !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | 'e' | 'E' | '-' | '+'))
        && body.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.');
    let hex = body.starts_with("0x") || body.starts_with("0o");
    let timestamp = s.len() >= 8 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) && s.as_bytes()[4] == b'-';
    numeric || hex || timestamp
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn as_ruamel_prints_it() {
        // Expected text written out by ruamel.yaml 0.19 (YAML(typ='safe'), default_flow_style=False).
        let v = json!({"Buckets": [{"CreationDate": "2026-01-01T00:00:00+00:00", "Name": "data-lake-raw-123", "N": 3,
            "E": "", "T": "true", "D": "1.5", "S": "a: b", "L": "x'y", "M": "line1\nline2", "Z": [], "O": {}}],
            "Owner": {"DisplayName": "puddle", "ID": "puddle-123456789012"}});
        assert_eq!(
            dump(&v),
            "Buckets:\n- CreationDate: '2026-01-01T00:00:00+00:00'\n  D: '1.5'\n  E: ''\n  L: x'y\n  M: \"line1\\nline2\"\n  \
             N: 3\n  Name: data-lake-raw-123\n  O: {}\n  S: 'a: b'\n  T: 'true'\n  Z: []\nOwner:\n  DisplayName: puddle\n  \
             ID: puddle-123456789012\n"
        );
        assert_eq!(dump(&json!([["a", "b"], "c"])), "- - a\n  - b\n- c\n");
        assert_eq!(dump(&json!("x")), "\"x\"\n");
    }
}
