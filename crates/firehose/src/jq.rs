//! Dynamic partitioning's MetadataExtractionQuery: jq (JQ-1.6 syntax) run by jaq, bounded.
//!
//! jq is Turing-complete, and a jaq evaluation cannot be interrupted from outside (it runs to
//! the next output on the caller's stack), so the bounds are static: the program may be at most
//! [`MAX_QUERY_LEN`] bytes and [`MAX_NESTING`] brackets deep; the constructs that loop or
//! generate without end (`def`, `reduce`, `foreach`, `while`, `until`, `repeat`, `range`,
//! `recurse`, `..`, `limit`-free generators over `inputs`, `env`, ...) and `*` (string
//! repetition) are refused when the query is compiled; only the first output is taken; the
//! input is a record (at most 1,000 KiB, nesting bounded by serde_json's 128 levels); keys'
//! values longer than [`MAX_KEY_LEN`] are refused. What remains is a straight-line program
//! whose work grows with its length and the record's size (`.+.|.+.|...` can still double a
//! string per step, up to the length limit: see ARCHITECTURE.md).

use std::collections::BTreeMap;

use jaq_core::{
    data,
    load::{Arena, File, Loader},
    unwrap_valr, Compiler, Ctx, Vars,
};
use jaq_json::Val;

use crate::{Error, Result};

/// The longest query accepted.
pub const MAX_QUERY_LEN: usize = 2048;
/// How deeply `(`, `[` and `{` may nest in a query.
pub const MAX_NESTING: usize = 32;
/// The longest partition key value.
pub const MAX_KEY_LEN: usize = 512;

/// Names refused in queries: they loop, generate without end, or read the host (`now`, `env`,
/// `localtime` and `strflocaltime` are also left out of the compiled library: jaq's `now` reads
/// `SystemTime`, which panics on wasm32, and Firehose evaluates in UTC).
const REFUSED: &[&str] = &[
    "def",
    "reduce",
    "foreach",
    "while",
    "until",
    "repeat",
    "range",
    "recurse",
    "recurse_down",
    "walk",
    "paths",
    "leaf_paths",
    "env",
    "input",
    "inputs",
    "input_filename",
    "now",
    "debug",
    "stderr",
    "halt",
    "halt_error",
    "getpath",
    "tostream",
    "fromstream",
    "truncate_stream",
    "combinations",
    "splits",
    "limit",
    "import",
    "include",
    "label",
    "ltrimstr_all",
    "getpath",
    "pick",
    "input_line_number",
    "get_search_list",
    "modulemeta",
    "$__prog_args",
    "$ENV",
    "$__loc__",
];

/// A checked query. Compilation happens again at each use (the compiled filter is not `Send`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    text: String,
}

/// Why a record could not be partitioned (AWS writes it to the error output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractError {
    /// `lastErrorCode`.
    pub code: &'static str,
    /// `lastErrorMessage`.
    pub message: String,
}

impl Query {
    /// Checks and compiles `text`; a malformed or refused query is an InvalidArgumentException.
    pub fn new(text: &str) -> Result<Self> {
        check_static(text)?;
        compile(text).map(|_| ()).map_err(|e| Error::invalid(format!("Invalid MetadataExtractionQuery: {e}")))?;
        Ok(Self { text: text.to_string() })
    }

    /// Runs the query on each record: its partition keys (an object of scalars, as AWS needs),
    /// or why not.
    pub fn extract_all(&self, records: &[&[u8]]) -> Vec<std::result::Result<BTreeMap<String, String>, ExtractError>> {
        match compile(&self.text) {
            Ok(filter) => records.iter().map(|r| run(&filter, r)).collect(),
            Err(e) => records
                .iter()
                .map(|_| Err(ExtractError { code: "DynamicPartitioning.MetadataExtractionFailed", message: e.clone() }))
                .collect(),
        }
    }
}

type Filter = jaq_core::Filter<data::JustLut<Val>>;

fn compile(text: &str) -> std::result::Result<Filter, String> {
    let program = File { code: text, path: () };
    let defs = jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs())
        .filter(|f| !matches!(f.0, "now" | "env" | "localtime" | "strflocaltime"));
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader
        .load(&arena, program)
        .map_err(|errs| format!("{:?}", errs.into_iter().map(|(_, e)| e).collect::<Vec<_>>()))?;
    Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|errs| format!("{:?}", errs.into_iter().map(|(_, e)| e).collect::<Vec<_>>()))
}

fn check_static(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::invalid("MetadataExtractionQuery cannot be empty."));
    }
    if text.len() > MAX_QUERY_LEN {
        return Err(Error::invalid(format!(
            "MetadataExtractionQuery length must be less than or equal to {MAX_QUERY_LEN} characters."
        )));
    }
    let refuse = |what: &str| {
        Err(Error::invalid(format!(
            "Invalid MetadataExtractionQuery: '{what}' is not supported in Puddle's partitioning queries (it can loop without end)."
        )))
    };
    // Walk code outside string literals (string interpolation `\(...)` is code again).
    let chars: Vec<char> = text.chars().collect();
    let mut depth = 0usize;
    // Stack of contexts: true = inside a string literal, false = code (an interpolation).
    let mut stack: Vec<(bool, usize)> = vec![(false, 0)];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let in_string = stack.last().is_some_and(|s| s.0);
        if in_string {
            match c {
                '\\' if chars.get(i + 1) == Some(&'(') => {
                    stack.push((false, depth));
                    depth += 1;
                    i += 2;
                    continue;
                }
                '\\' => i += 1,
                '"' => {
                    stack.pop();
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            '"' => stack.push((true, depth)),
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Error::invalid(format!(
                        "Invalid MetadataExtractionQuery: nested more than {MAX_NESTING} levels deep."
                    )));
                }
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                if c == ')' && stack.len() > 1 && stack.last().is_some_and(|s| !s.0 && s.1 == depth) {
                    stack.pop();
                }
            }
            '*' => return refuse("*"),
            '.' if chars.get(i + 1) == Some(&'.') => return refuse(".."),
            c if c.is_ascii_alphabetic() || c == '_' || c == '$' || c == '@' => {
                let start = i;
                while i + 1 < chars.len() && (chars[i + 1].is_ascii_alphanumeric() || chars[i + 1] == '_') {
                    i += 1;
                }
                let word: String = chars[start..=i].iter().collect();
                // A field access `.name` is data, not a call.
                let is_field = start > 0 && chars[start - 1] == '.';
                if !is_field && REFUSED.contains(&word.as_str()) {
                    return refuse(&word);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn run(filter: &Filter, record: &[u8]) -> std::result::Result<BTreeMap<String, String>, ExtractError> {
    let fail = |message: String| ExtractError { code: "DynamicPartitioning.MetadataExtractionFailed", message };
    // serde_json bounds nesting (128) before jaq's parser sees the record.
    let parsed: serde_json::Value =
        serde_json::from_slice(record).map_err(|e| fail(format!("Non JSON record provided: {e}")))?;
    if !parsed.is_object() {
        return Err(fail("Non JSON record provided: the record is not a JSON object".into()));
    }
    let input = jaq_json::read::parse_single(record).map_err(|e| fail(format!("Non JSON record provided: {e}")))?;
    let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new([]));
    let first = filter.id.run((ctx, input)).map(unwrap_valr).next();
    let value = match first {
        None => return Err(fail("The query produced no output".into())),
        Some(Err(e)) => return Err(fail(format!("The query failed: {e}"))),
        Some(Ok(v)) => v,
    };
    let Val::Obj(map) = value else {
        return Err(fail("The query must produce a JSON object of partition keys".into()));
    };
    let mut keys = BTreeMap::new();
    for (k, v) in map.iter() {
        let Val::TStr(name) = k else {
            return Err(fail("Partition key names must be strings".into()));
        };
        let name = String::from_utf8_lossy(name).into_owned();
        let value = match v {
            Val::TStr(s) | Val::BStr(s) => String::from_utf8_lossy(s).into_owned(),
            Val::Num(n) => n.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Null => return Err(fail(format!("The partition key '{name}' is null or missing"))),
            _ => return Err(fail(format!("The partition key '{name}' is not a scalar value"))),
        };
        if value.is_empty() || value.len() > MAX_KEY_LEN {
            return Err(fail(format!("The partition key '{name}' must be 1 to {MAX_KEY_LEN} characters long")));
        }
        keys.insert(name, value);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn extracts_keys() {
        let q = Query::new("{region:.region, year:.ts|tostring|.[0:4]}").unwrap();
        let out =
            q.extract_all(&[br#"{"region":"NSW","ts":"2026-01-01"}"#, b"not json", br#"{"ts":"2026"}"#, br#"[1]"#]);
        assert_eq!(
            out[0].as_ref().unwrap(),
            &BTreeMap::from([("region".into(), "NSW".into()), ("year".into(), "2026".into())])
        );
        assert!(out[1].as_ref().unwrap_err().message.contains("Non JSON"));
        assert!(out[2].as_ref().unwrap_err().message.contains("null or missing"));
        assert!(out[3].is_err());
        let q = Query::new("{id:.n}").unwrap();
        assert_eq!(q.extract_all(&[br#"{"n":12}"#])[0].as_ref().unwrap()["id"], "12");
        assert!(q.extract_all(&[br#"{"n":{"a":1}}"#])[0].is_err());
    }

    #[test]
    fn malformed_and_looping_queries_are_refused() {
        for q in [
            "{region:.region",
            "",
            "def f: f; f",
            "[range(1e18)]",
            "repeat(1)",
            "[..]",
            "last(limit(5; repeat(1)))",
            "\"a\" * 1000000000",
            "{a: .x | until(false; .)}",
            "reduce .[] as $x (0; .)",
            "{a: $ENV}",
            "{a: undefined_function}",
        ] {
            let err = Query::new(q).unwrap_err();
            assert_eq!(err.code(), "InvalidArgumentException", "{q}");
        }
        // Field names that look like refused words are data.
        assert!(Query::new("{r: .range, d: .repeat}").is_ok());
        let q = Query::new("{day: .ts | strftime(\"%Y-%m-%d\")}").unwrap();
        assert_eq!(q.extract_all(&[br#"{"ts":1767225600}"#])[0].as_ref().unwrap()["day"], "2026-01-01");
        assert!(Query::new("{r: \"range \\(.a) def\"}").is_ok());
        let deep = format!("{}.a{}", "(".repeat(40), ")".repeat(40));
        assert!(Query::new(&deep).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn arbitrary_queries_never_panic(q in "\\PC{0,80}", rec in "\\PC{0,80}") {
            if let Ok(q) = Query::new(&q) {
                let _ = q.extract_all(&[rec.as_bytes()]);
            }
        }

        #[test]
        fn jq_like_queries_never_panic(q in "[{}()\\[\\]a-z.:|,\"$ 0-9+-]{0,60}") {
            if let Ok(q) = Query::new(&q) {
                let _ = q.extract_all(&[br#"{"a":1,"b":"x","c":[1,2]}"#]);
            }
        }
    }
}
