//! Checks an operation's input against its shape before the call, as botocore's
//! `ParamValidator` does (every problem reported at once), plus enum values and ranges.

use serde_json::Value;

use crate::model::{Service, ANY_SHAPE};

/// Every problem of `input` against `shape_name`; empty when it is valid.
pub fn validate(service: &Service, shape_name: &str, input: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(service, shape_name, input, "input", &mut errors);
    errors
}

/// The CLI's report of [`validate`]'s errors (exit 252).
pub fn report(errors: &[String]) -> String {
    format!("Parameter validation failed:\n{}", errors.join("\n"))
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<class 'NoneType'>",
        Value::Bool(_) => "<class 'bool'>",
        Value::Number(n) if n.is_f64() => "<class 'float'>",
        Value::Number(_) => "<class 'int'>",
        Value::String(_) => "<class 'str'>",
        Value::Array(_) => "<class 'list'>",
        Value::Object(_) => "<class 'dict'>",
    }
}

fn short(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn check(service: &Service, shape_name: &str, value: &Value, path: &str, errors: &mut Vec<String>) {
    if shape_name == ANY_SHAPE {
        return;
    }
    let Some(shape) = service.shape(shape_name) else { return };
    let name = path.strip_prefix("input.").unwrap_or(path);
    let invalid_type = |errors: &mut Vec<String>, valid: &str| {
        errors.push(format!(
            "Invalid type for parameter {name}, value: {}, type: {}, valid types: {valid}",
            short(value),
            type_name(value)
        ))
    };
    if shape.document {
        return;
    }
    match shape.kind.as_str() {
        "structure" => {
            let Value::Object(map) = value else {
                return invalid_type(errors, "<class 'dict'>");
            };
            let context = if path == "input" { "input".to_string() } else { name.to_string() };
            for req in &shape.required {
                if map.get(req).is_none_or(Value::is_null) {
                    errors.push(format!("Missing required parameter in {context}: \"{req}\""));
                }
            }
            for (k, v) in map {
                match shape.members.get(k) {
                    Some(m) => check(service, &m.shape, v, &format!("{path}.{k}"), errors),
                    None => errors.push(format!(
                        "Unknown parameter in {context}: \"{k}\", must be one of: {}",
                        shape.members.keys().cloned().collect::<Vec<_>>().join(", ")
                    )),
                }
            }
            if shape.union && map.len() > 1 {
                errors.push(format!(
                    "Invalid number of parameters set for tagged union structure {context}. Can only set one of \
                     the following keys: {}.",
                    shape.members.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        "list" => {
            let Value::Array(items) = value else {
                return invalid_type(errors, "<class 'list'>, <class 'tuple'>");
            };
            bounds(name, "length", items.len() as f64, shape, errors);
            let member = shape.member.as_deref().unwrap_or(ANY_SHAPE);
            for (i, item) in items.iter().enumerate() {
                check(service, member, item, &format!("{path}[{i}]"), errors);
            }
        }
        "map" => {
            let Value::Object(map) = value else {
                return invalid_type(errors, "<class 'dict'>");
            };
            bounds(name, "length", map.len() as f64, shape, errors);
            let vs = shape.value.as_deref().unwrap_or(ANY_SHAPE);
            for (k, v) in map {
                check(service, vs, v, &format!("{path}.{k}"), errors);
            }
        }
        "string" => {
            let Value::String(s) = value else {
                return invalid_type(errors, "<class 'str'>");
            };
            bounds(name, "length", s.chars().count() as f64, shape, errors);
            if !shape.r#enum.is_empty() && !shape.r#enum.contains(s) {
                errors.push(format!(
                    "Invalid value for parameter {name}, value: {s}, valid values: {}",
                    shape.r#enum.join(", ")
                ));
            }
        }
        "integer" | "long" => {
            let Some(n) = value.as_i64() else {
                return invalid_type(errors, "<class 'int'>");
            };
            bounds(name, "value", n as f64, shape, errors);
        }
        "float" | "double" => {
            let Some(f) = value.as_f64() else {
                return invalid_type(errors, "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>");
            };
            bounds(name, "value", f, shape, errors);
        }
        "boolean" if !value.is_boolean() => invalid_type(errors, "<class 'bool'>"),
        "timestamp" => {
            if !(value.is_string() || value.is_number()) {
                invalid_type(errors, "<class 'datetime.datetime'>, <class 'str'>");
            } else if let Value::String(s) = value {
                if crate::timestamp::parse(s).is_none() {
                    errors.push(format!("Invalid timestamp for parameter {name}, value: {s}"));
                }
            }
        }
        "blob" if !value.is_string() => invalid_type(errors, "<class 'bytes'>, <class 'bytearray'>, file-like object"),
        _ => {}
    }
}

/// Min/max checks, worded as botocore words them (`what` is `length` or `value`).
fn bounds(name: &str, what: &str, n: f64, shape: &crate::model::Shape, errors: &mut Vec<String>) {
    for (limit, side, outside) in
        [(shape.min, "min", n < shape.min.unwrap_or(n)), (shape.max, "max", n > shape.max.unwrap_or(n))]
    {
        if let (Some(limit), true) = (limit, outside) {
            errors.push(format!("Invalid {what} for parameter {name}, value: {n}, valid {side} {what}: {limit}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::Model;

    #[test]
    fn every_problem_is_reported() {
        let s3 = Model::get().service("s3api").unwrap();
        let errors = validate(s3, "RestoreObjectRequest", &json!({"RestoreRequest": {"Days": "x", "Bogus": 1}}));
        assert!(errors.contains(&"Missing required parameter in input: \"Bucket\"".to_string()), "{errors:?}");
        assert!(errors.contains(&"Missing required parameter in input: \"Key\"".to_string()), "{errors:?}");
        assert!(errors.iter().any(|e| e.starts_with("Invalid type for parameter RestoreRequest.Days, value: x")));
        assert!(errors.iter().any(|e| e.starts_with("Unknown parameter in RestoreRequest: \"Bogus\"")));
        let errors = validate(
            s3,
            "PutBucketVersioningRequest",
            &json!({"Bucket": "b", "VersioningConfiguration": {"Status": "On"}}),
        );
        assert_eq!(
            errors,
            ["Invalid value for parameter VersioningConfiguration.Status, value: On, valid values: Enabled, Suspended"]
        );
        assert!(validate(s3, "ListObjectsV2Request", &json!({"Bucket": "b", "MaxKeys": 5})).is_empty());
    }
}
