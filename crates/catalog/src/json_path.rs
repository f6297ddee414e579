//! JsonPath as Glue's custom JSON classifiers take it: which values of a JSON document are the
//! table's records.
//!
//! The subset AWS documents for JSON classifiers: `$` (the root), `.name` and `['name']` (a
//! child), `[*]` and `.*` (every element of an array, every value of an object) and `[n]`
//! (one array element), after any step. A crawler records the path in the table's `jsonPath`
//! parameter, and the SQL engine reads such a table's files through the same path.
//!
//! ```
//! use puddle_catalog::json_path::JsonPath;
//! let path = JsonPath::parse("$.records[*]").unwrap();
//! let records = path.records(r#"{"records": [{"id": 1}, {"id": 2}]}"#).unwrap();
//! assert_eq!(records.len(), 2);
//! assert_eq!(JsonPath::parse("records").unwrap_err().code(), "InvalidInputException");
//! ```

use std::fmt;

use serde_json::Value;

/// Table parameter holding the JsonPath a crawler's JSON classifier used (Glue's own key).
pub const JSON_PATH_PARAMETER: &str = "jsonPath";

/// A JsonPath Glue rejects, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid JsonPath '{path}': {reason}")]
pub struct JsonPathError {
    /// The path as given.
    pub path: String,
    /// What is wrong with it.
    pub reason: String,
}

impl JsonPathError {
    /// The Glue error code.
    pub fn code(&self) -> &'static str {
        "InvalidInputException"
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// A named child of an object.
    Child(String),
    /// Every element of an array (or every value of an object).
    Wildcard,
    /// One array element.
    Index(usize),
}

/// A parsed JsonPath.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    text: String,
    steps: Vec<Step>,
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl JsonPath {
    /// Parses `text`; anything outside the supported subset is an `InvalidInputException`.
    pub fn parse(text: &str) -> Result<Self, JsonPathError> {
        let err = |reason: String| JsonPathError { path: text.to_string(), reason };
        let trimmed = text.trim();
        let chars: Vec<char> = trimmed.chars().collect();
        if chars.first() != Some(&'$') {
            return Err(err("a JsonPath starts with $ (the root element)".into()));
        }
        let mut steps = Vec::new();
        let mut i = 1;
        while i < chars.len() {
            match chars[i] {
                '.' => {
                    if chars.get(i + 1) == Some(&'.') {
                        return Err(err("deep scan (..) is not supported by JSON classifiers".into()));
                    }
                    let start = i + 1;
                    let mut end = start;
                    while end < chars.len() && chars[end] != '.' && chars[end] != '[' {
                        end += 1;
                    }
                    let name: String = chars[start..end].iter().collect();
                    match name.as_str() {
                        "" => return Err(err(format!("a name is missing after '.' at position {i}"))),
                        "*" => steps.push(Step::Wildcard),
                        _ if name.contains(['(', ')', '?', '@', ' ', '\'', '"', ']']) => {
                            return Err(err(format!("'{name}' is not a plain member name (use ['...'])")))
                        }
                        _ => steps.push(Step::Child(name)),
                    }
                    i = end;
                }
                '[' => {
                    let close = closing_bracket(&chars, i + 1);
                    let Some(close) = close else {
                        return Err(err(format!("the '[' at position {i} is never closed")));
                    };
                    let inner: String = chars[i + 1..close].iter().collect();
                    let inner = inner.trim();
                    steps.push(bracket_step(inner).map_err(err)?);
                    i = close + 1;
                }
                c => return Err(err(format!("unexpected '{c}' at position {i} (expected '.' or '[')"))),
            }
        }
        Ok(Self { text: trimmed.to_string(), steps })
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The values `doc` holds at this path, in document order.
    pub fn select<'a>(&self, doc: &'a Value) -> Vec<&'a Value> {
        let mut current = vec![doc];
        for step in &self.steps {
            let mut next = Vec::new();
            for value in current {
                match (step, value) {
                    (Step::Child(name), Value::Object(map)) => next.extend(map.get(name)),
                    (Step::Wildcard, Value::Array(items)) => next.extend(items.iter()),
                    (Step::Wildcard, Value::Object(map)) => next.extend(map.values()),
                    (Step::Index(n), Value::Array(items)) => next.extend(items.get(*n)),
                    _ => {}
                }
            }
            current = next;
        }
        current
    }

    /// The records a file's text holds: the path applied to its one JSON document, or to each
    /// document of a stream of them (JSON lines). `Err` says why the text is not JSON.
    pub fn records(&self, text: &str) -> Result<Vec<Value>, String> {
        let mut out = Vec::new();
        for doc in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
            let doc = doc.map_err(|e| format!("not JSON: {e}"))?;
            out.extend(self.select(&doc).into_iter().cloned());
        }
        Ok(out)
    }
}

/// The index of the `]` closing a bracket whose text starts at `from` (a `]` inside a quoted
/// name is part of the name). One pass: a long path costs linear time.
fn closing_bracket(chars: &[char], from: usize) -> Option<usize> {
    let mut quote = None;
    for (j, &c) in chars.iter().enumerate().skip(from) {
        match quote {
            None if c == ']' => return Some(j),
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            _ => {}
        }
    }
    None
}

fn bracket_step(inner: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::Wildcard);
    }
    for q in ['\'', '"'] {
        if let Some(name) = inner.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            if name.is_empty() || name.contains(q) {
                return Err(format!("[{inner}] is not one quoted member name"));
            }
            return Ok(Step::Child(name.to_string()));
        }
    }
    if let Ok(n) = inner.parse::<usize>() {
        return Ok(Step::Index(n));
    }
    Err(format!(
        "[{inner}] is not supported (JSON classifiers take [*], ['name'] and [n]; filters, slices and unions are not)"
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::JsonPath;

    #[test]
    fn the_documented_subset_selects_records() {
        let doc = json!({
            "records": [{"id": 1}, {"id": 2}],
            "a": {"b": {"id": 3}, "list": [[{"id": 4}], [{"id": 5}]]},
            "odd key]": {"id": 6}
        });
        let ids = |path: &str| -> Vec<Value> {
            JsonPath::parse(path)
                .unwrap()
                .select(&doc)
                .into_iter()
                .map(|v| v.get("id").cloned().unwrap_or(Value::Null))
                .collect()
        };
        assert_eq!(ids("$.records[*]"), [json!(1), json!(2)]);
        assert_eq!(ids("$['records'][*]"), [json!(1), json!(2)]);
        assert_eq!(ids("$[\"records\"][1]"), [json!(2)]);
        assert_eq!(ids("$.a.b"), [json!(3)]);
        assert_eq!(ids("$.a.list[*][*]"), [json!(4), json!(5)]);
        assert_eq!(ids("$['odd key]']"), [json!(6)]);
        assert_eq!(ids("$.missing[*]"), Vec::<Value>::new());
        assert_eq!(JsonPath::parse("$").unwrap().select(&doc).len(), 1);
        let top = json!([{"id": 7}, {"id": 8}]);
        assert_eq!(JsonPath::parse("$[*]").unwrap().select(&top).len(), 2);
        assert_eq!(JsonPath::parse("  $.records[*] ").unwrap().to_string(), "$.records[*]");
    }

    #[test]
    fn bad_paths_are_invalid_input() {
        for (bad, why) in [
            ("", "starts with $"),
            ("records[*]", "starts with $"),
            ("$.", "name is missing"),
            ("$..id", "deep scan"),
            ("$.records[", "never closed"),
            ("$.records[?(@.id > 1)]", "not supported"),
            ("$.records[0:2]", "not supported"),
            ("$['a','b']", "not one quoted"),
            ("$x", "unexpected 'x'"),
            ("$.a b", "plain member name"),
        ] {
            let e = JsonPath::parse(bad).unwrap_err();
            assert_eq!(e.code(), "InvalidInputException");
            assert!(e.to_string().contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn records_of_a_document_and_of_json_lines() {
        let path = JsonPath::parse("$.records[*]").unwrap();
        let pretty = "{\n  \"records\": [\n    {\"id\": 1},\n    {\"id\": 2}\n  ]\n}\n";
        assert_eq!(path.records(pretty).unwrap().len(), 2);
        let lines = "{\"records\": [{\"id\": 1}]}\n{\"records\": [{\"id\": 2}, {\"id\": 3}]}\n";
        assert_eq!(path.records(lines).unwrap().len(), 3);
        assert!(path.records("{\"records\": [").unwrap_err().starts_with("not JSON"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any text parses or fails with InvalidInputException; a parsed path selects from any
        /// document without panicking.
        #[test]
        fn any_path_is_total(path in "\\$?([.\\[\\]*'\"a-z0-9 ()?@]){0,40}", doc in "[\\[\\]{}\":,0-9a-z ]{0,60}") {
            match JsonPath::parse(&path) {
                Ok(p) => { let _ = p.records(&doc); }
                Err(e) => proptest::prop_assert_eq!(e.code(), "InvalidInputException"),
            }
        }
    }

    /// Issue 12: finding a `]` rescanned the path from the `[` for every character (quadratic).
    #[test]
    fn a_long_unclosed_path_is_refused_quickly() {
        let path = format!("$[{}", "'a'".repeat(100_000));
        assert_eq!(JsonPath::parse(&path).unwrap_err().code(), "InvalidInputException");
    }
}
