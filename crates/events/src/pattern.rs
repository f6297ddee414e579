//! EventBridge event patterns: which events a rule matches.
//!
//! A pattern is a JSON object mirroring the event. Each leaf is an array of allowed values:
//! exact scalars, or filters `{"prefix": ..}`, `{"suffix": ..}`, `{"anything-but": ..}`,
//! `{"exists": bool}`, `{"equals-ignore-case": ..}`, `{"wildcard": ..}`, `{"numeric": [op, n, ...]}`.
//! A field the event lacks matches only `{"exists": false}`.

use serde_json::Value;

use crate::{Error, Result};

/// Checks that `pattern` has EventBridge's shape (an object whose leaves are arrays).
pub fn validate(pattern: &Value) -> Result<()> {
    let Value::Object(fields) = pattern else {
        return Err(Error::InvalidPattern("the pattern must be a JSON object".into()));
    };
    if fields.is_empty() {
        return Err(Error::InvalidPattern("the pattern must not be empty".into()));
    }
    for (name, value) in fields {
        match value {
            Value::Object(_) => validate(value)?,
            Value::Array(items) => {
                for item in items {
                    if let Value::Object(filter) = item {
                        let known =
                            ["prefix", "suffix", "anything-but", "exists", "equals-ignore-case", "wildcard", "numeric"];
                        if filter.len() != 1 || !filter.keys().all(|k| known.contains(&k.as_str())) {
                            return Err(Error::InvalidPattern(format!(
                                "unrecognized match type in '{name}': {item} (supported: {})",
                                known.join(", ")
                            )));
                        }
                    }
                }
            }
            other => {
                return Err(Error::InvalidPattern(format!(
                    "match value of '{name}' must be an object or an array, got {other}"
                )))
            }
        }
    }
    Ok(())
}

/// Whether `event` matches `pattern`.
pub fn matches(pattern: &Value, event: &Value) -> bool {
    let Value::Object(fields) = pattern else { return false };
    fields.iter().all(|(name, want)| {
        let got = event.get(name);
        match want {
            Value::Object(_) => got.is_some_and(|g| matches(want, g)),
            Value::Array(allowed) => leaf_matches(allowed, got),
            _ => false,
        }
    })
}

fn leaf_matches(allowed: &[Value], got: Option<&Value>) -> bool {
    let values: Vec<&Value> = match got {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v) => vec![v],
    };
    allowed.iter().any(|rule| match rule {
        Value::Object(filter) => {
            if let Some(exists) = filter.get("exists") {
                return exists.as_bool() == Some(got.is_some());
            }
            values.iter().any(|v| filter_matches(filter, v))
        }
        scalar => values.iter().any(|v| *v == scalar),
    })
}

fn filter_matches(filter: &serde_json::Map<String, Value>, value: &Value) -> bool {
    let text = value.as_str();
    if let Some(p) = filter.get("prefix") {
        return match (p, text) {
            (Value::String(p), Some(t)) => t.starts_with(p.as_str()),
            (Value::Object(o), Some(t)) => o
                .get("equals-ignore-case")
                .and_then(Value::as_str)
                .is_some_and(|p| t.to_lowercase().starts_with(&p.to_lowercase())),
            _ => false,
        };
    }
    if let Some(Value::String(s)) = filter.get("suffix") {
        return text.is_some_and(|t| t.ends_with(s.as_str()));
    }
    if let Some(Value::String(s)) = filter.get("equals-ignore-case") {
        return text.is_some_and(|t| t.eq_ignore_ascii_case(s));
    }
    if let Some(Value::String(w)) = filter.get("wildcard") {
        return text.is_some_and(|t| wildcard(w, t));
    }
    if let Some(but) = filter.get("anything-but") {
        return match but {
            Value::Array(items) => !items.contains(value),
            Value::Object(o) => match (o.get("prefix").and_then(Value::as_str), text) {
                (Some(p), Some(t)) => !t.starts_with(p),
                _ => false,
            },
            scalar => scalar != value,
        };
    }
    if let Some(Value::Array(conds)) = filter.get("numeric") {
        let Some(n) = value.as_f64() else { return false };
        return conds.chunks(2).all(|pair| {
            match (pair.first().and_then(Value::as_str), pair.get(1).and_then(Value::as_f64)) {
                (Some("<"), Some(x)) => n < x,
                (Some("<="), Some(x)) => n <= x,
                (Some(">"), Some(x)) => n > x,
                (Some(">="), Some(x)) => n >= x,
                (Some("="), Some(x)) => n == x,
                _ => false,
            }
        });
    }
    false
}

/// `*` matches any run of characters.
fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event() -> Value {
        json!({
            "source": "aws.s3",
            "detail-type": "Object Created",
            "detail": { "bucket": { "name": "data-lake-raw-123" }, "object": { "key": "sales/2025/a.csv", "size": 2048 } }
        })
    }

    #[test]
    fn course_rule_matches_uploads_under_a_prefix() {
        let pattern = json!({
            "source": ["aws.s3"],
            "detail-type": ["Object Created"],
            "detail": { "bucket": { "name": ["data-lake-raw-123"] }, "object": { "key": [{ "prefix": "sales/" }] } }
        });
        validate(&pattern).unwrap();
        assert!(matches(&pattern, &event()));
        let other_prefix = json!({ "detail": { "object": { "key": [{ "prefix": "logs/" }] } } });
        assert!(!matches(&other_prefix, &event()));
        let deleted = json!({ "detail-type": ["Object Deleted"] });
        assert!(!matches(&deleted, &event()));
    }

    #[test]
    fn filters() {
        let e = event();
        let m = |p: Value| matches(&p, &e);
        assert!(m(json!({ "detail": { "object": { "key": [{ "suffix": ".csv" }] } } })));
        assert!(m(json!({ "detail": { "object": { "key": [{ "wildcard": "sales/*.csv" }] } } })));
        assert!(!m(json!({ "detail": { "object": { "key": [{ "wildcard": "sales/*.json" }] } } })));
        assert!(m(json!({ "detail": { "object": { "size": [{ "numeric": [">", 1000, "<=", 4096] }] } } })));
        assert!(!m(json!({ "detail": { "object": { "size": [{ "numeric": ["<", 1000] }] } } })));
        assert!(m(json!({ "source": [{ "anything-but": ["aws.ec2"] }] })));
        assert!(!m(json!({ "source": [{ "anything-but": "aws.s3" }] })));
        assert!(m(json!({ "detail": { "reason": [{ "exists": false }] } })));
        assert!(!m(json!({ "detail": { "object": { "key": [{ "exists": false }] } } })));
        assert!(m(json!({ "detail-type": [{ "equals-ignore-case": "object created" }] })));
        assert!(m(json!({ "source": ["aws.ec2", "aws.s3"] })));
        assert!(!m(json!({ "missing": ["x"] })));
    }

    #[test]
    fn invalid_patterns_are_rejected_with_the_reason() {
        for bad in [json!([]), json!({}), json!({ "source": "aws.s3" }), json!({ "source": [{ "regex": "x" }] })] {
            let err = validate(&bad).unwrap_err();
            assert_eq!(err.code(), "InvalidEventPatternException", "{bad}");
        }
    }
}
