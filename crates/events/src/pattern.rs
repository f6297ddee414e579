//! EventBridge event patterns: which events a rule matches.
//!
//! A pattern is a JSON object mirroring the event. Each leaf is an array of allowed values:
//! exact scalars, or filters `{"prefix": ..}`, `{"suffix": ..}`, `{"anything-but": ..}`,
//! `{"exists": bool}`, `{"equals-ignore-case": ..}`, `{"wildcard": ..}`, `{"numeric": [op, n, ...]}`.
//! A field the event lacks matches only `{"exists": false}`.

use puddle_glob::{Dialect, Glob};
use serde_json::Value;

use crate::{Error, Result};

/// How deeply objects may nest in a pattern. Events are matched recursively; a deeper pattern is
/// refused when it is put, and a stored one (from an older version) matches nothing.
pub const MAX_DEPTH: usize = 32;

/// Checks that `pattern` has EventBridge's shape (an object whose leaves are arrays).
pub fn validate(pattern: &Value) -> Result<()> {
    validate_at(pattern, 1)
}

fn validate_at(pattern: &Value, depth: usize) -> Result<()> {
    let Value::Object(fields) = pattern else {
        return Err(Error::InvalidPattern("the pattern must be a JSON object".into()));
    };
    if fields.is_empty() {
        return Err(Error::InvalidPattern("the pattern must not be empty".into()));
    }
    if depth > MAX_DEPTH {
        return Err(Error::InvalidPattern(format!("the pattern nests objects deeper than {MAX_DEPTH} levels")));
    }
    for (name, value) in fields {
        match value {
            Value::Object(_) => validate_at(value, depth + 1)?,
            Value::Array(items) => {
                for item in items {
                    if let Some(Value::String(w)) = item.get("wildcard") {
                        Glob::new(w, Dialect::EventBridge)
                            .map_err(|e| Error::InvalidPattern(format!("'{name}': {e}")))?;
                    }
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

/// Whether `event` matches `pattern` (a pattern nested deeper than [`MAX_DEPTH`] matches nothing).
pub fn matches(pattern: &Value, event: &Value) -> bool {
    matches_at(pattern, event, 1)
}

fn matches_at(pattern: &Value, event: &Value, depth: usize) -> bool {
    let Value::Object(fields) = pattern else { return false };
    if depth > MAX_DEPTH {
        return false;
    }
    fields.iter().all(|(name, want)| {
        let got = event.get(name);
        match want {
            Value::Object(_) => got.is_some_and(|g| matches_at(want, g, depth + 1)),
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
        scalar => values.contains(&scalar),
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
        return text.is_some_and(|t| puddle_glob::matches(w, Dialect::EventBridge, t));
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

    /// Issue 12: wildcards follow EventBridge's escapes and match in linear time.
    #[test]
    fn wildcards_escape_and_never_backtrack() {
        let key = |k: &str| json!({ "detail": { "object": { "key": k } } });
        let rule = |w: &str| json!({ "detail": { "object": { "key": [{ "wildcard": w }] } } });
        assert!(matches(&rule(r"a\*b"), &key("a*b")));
        assert!(!matches(&rule(r"a\*b"), &key("axb")));
        let long = "a".repeat(50_000);
        assert!(!matches(&rule("*a*a*a*a*a*a*a*a*a*a*b"), &key(&long)));
        for bad in ["a**b", r"a\b"] {
            assert_eq!(validate(&rule(bad)).unwrap_err().code(), "InvalidEventPatternException", "{bad}");
        }
    }

    /// Issue 12: matching recursed once per nested object of the pattern, without a limit.
    #[test]
    fn deep_patterns_are_refused_and_never_match() {
        let nest = |n: usize, leaf: Value| (0..n).fold(leaf, |inner, _| json!({ "a": inner }));
        let ok = nest(MAX_DEPTH - 1, json!({ "b": ["x"] }));
        validate(&ok).unwrap();
        assert!(matches(&ok, &nest(MAX_DEPTH - 1, json!({ "b": "x" }))));
        let deep = nest(MAX_DEPTH, json!({ "b": ["x"] }));
        assert_eq!(validate(&deep).unwrap_err().code(), "InvalidEventPatternException");
        assert!(!matches(&deep, &nest(MAX_DEPTH, json!({ "b": "x" }))));
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i32>().prop_map(Value::from),
            any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            "[a-z*\\\\.-]{0,6}".prop_map(Value::from),
            Just(json!({ "wildcard": "a*" })),
            Just(json!({ "prefix": "a" })),
            Just(json!({ "numeric": [">", 0, "<=", 5] })),
            Just(json!({ "anything-but": ["a"] })),
            Just(json!({ "exists": true })),
        ];
        leaf.prop_recursive(5, 48, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::btree_map("[a-z]{1,2}|wildcard|prefix|numeric", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any JSON validates or fails with InvalidEventPatternException, and matching any
        /// pattern against any event terminates without panicking.
        #[test]
        fn any_pattern_and_event_are_total(pattern in json_value(), event in json_value()) {
            if let Err(e) = validate(&pattern) {
                proptest::prop_assert_eq!(e.code(), "InvalidEventPatternException");
            }
            let _ = matches(&pattern, &event);
        }
    }
}
