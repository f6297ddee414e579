//! `aws athena <operation> ...`: query executions.

use crate::{
    params::{json_or_shorthand, Params},
    parse::usage,
    Command, UsageError,
};

/// The Athena operations Puddle runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Athena {
    /// `start-query-execution --query-string Q [--query-execution-context Database=D]
    /// [--result-configuration OutputLocation=s3://...] [--work-group W]`
    StartQueryExecution {
        /// The statement.
        query: String,
        /// Database of the context.
        database: Option<String>,
        /// Output location.
        output_location: Option<String>,
        /// Workgroup.
        workgroup: Option<String>,
    },
    /// `get-query-execution --query-execution-id ID`
    GetQueryExecution {
        /// Execution id.
        id: String,
    },
    /// `get-query-results --query-execution-id ID`
    GetQueryResults {
        /// Execution id.
        id: String,
    },
    /// `list-query-executions [--work-group W]`
    ListQueryExecutions {
        /// Workgroup.
        workgroup: Option<String>,
    },
    /// `create-work-group --name N [--description D] [--configuration ResultConfiguration={OutputLocation=s3://...},BytesScannedCutoffPerQuery=N,EnforceWorkGroupConfiguration=true]`
    CreateWorkGroup {
        /// Name.
        name: String,
        /// Description.
        description: Option<String>,
        /// Output location.
        output_location: Option<String>,
        /// Per-query data usage limit.
        bytes_scanned_cutoff: Option<u64>,
        /// Whether the workgroup's settings override the query's (default true).
        enforce: bool,
    },
    /// `get-work-group --work-group W`
    GetWorkGroup {
        /// Workgroup.
        workgroup: String,
    },
    /// `list-work-groups`
    ListWorkGroups,
    /// `delete-work-group --work-group W`
    DeleteWorkGroup {
        /// Workgroup.
        workgroup: String,
    },
    /// `create-named-query --name N --database D --query-string Q [--description D] [--work-group W]`
    CreateNamedQuery {
        /// Name.
        name: String,
        /// Database.
        database: String,
        /// The SQL.
        query: String,
        /// Description.
        description: Option<String>,
        /// Workgroup.
        workgroup: Option<String>,
    },
    /// `get-named-query --named-query-id ID`
    GetNamedQuery {
        /// Id.
        id: String,
    },
    /// `list-named-queries [--work-group W]`
    ListNamedQueries {
        /// Workgroup.
        workgroup: Option<String>,
    },
    /// `delete-named-query --named-query-id ID`
    DeleteNamedQuery {
        /// Id.
        id: String,
    },
    /// `stop-query-execution --query-execution-id ID`
    StopQueryExecution {
        /// Execution id.
        id: String,
    },
}

/// Parses the arguments after `aws athena`.
pub(crate) fn parse_athena(args: &[&str]) -> Result<Command, UsageError> {
    let Some((op, args)) = args.split_first() else {
        return usage("the following arguments are required: operation");
    };
    let athena = match *op {
        "start-query-execution" => {
            let p = Params::parse(
                args,
                &["query-string", "query-execution-context", "result-configuration", "work-group", "client-request-token"],
            )?;
            Athena::StartQueryExecution {
                query: p.required("query-string")?,
                database: p.optional("query-execution-context").map(|v| key_value("query-execution-context", &v, "Database")).transpose()?.flatten(),
                output_location: p.optional("result-configuration").map(|v| key_value("result-configuration", &v, "OutputLocation")).transpose()?.flatten(),
                workgroup: p.optional("work-group"),
            }
        }
        "get-query-execution" => {
            Athena::GetQueryExecution { id: Params::parse(args, &["query-execution-id"])?.required("query-execution-id")? }
        }
        "get-query-results" => {
            let p = Params::parse(args, &["query-execution-id", "max-results"])?;
            Athena::GetQueryResults { id: p.required("query-execution-id")? }
        }
        "list-query-executions" => {
            Athena::ListQueryExecutions { workgroup: Params::parse(args, &["work-group"])?.optional("work-group") }
        }
        "create-work-group" => {
            let p = Params::parse(args, &["name", "description", "configuration", "tags"])?;
            let config = match p.optional("configuration") {
                Some(text) => nested_shorthand("configuration", &text)?,
                None => serde_json::Value::Null,
            };
            let cutoff = match &config["BytesScannedCutoffPerQuery"] {
                serde_json::Value::Null => None,
                v => Some(v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).ok_or_else(|| UsageError {
                    message: format!("argument --configuration: BytesScannedCutoffPerQuery must be an integer, got {v}"),
                })?),
            };
            let enforce = match &config["EnforceWorkGroupConfiguration"] {
                serde_json::Value::Bool(b) => *b,
                serde_json::Value::String(s) => !s.eq_ignore_ascii_case("false"),
                _ => true,
            };
            Athena::CreateWorkGroup {
                name: p.required("name")?,
                description: p.optional("description"),
                output_location: config["ResultConfiguration"]["OutputLocation"].as_str().map(str::to_string),
                bytes_scanned_cutoff: cutoff,
                enforce,
            }
        }
        "get-work-group" => {
            Athena::GetWorkGroup { workgroup: Params::parse(args, &["work-group"])?.required("work-group")? }
        }
        "list-work-groups" => {
            Params::parse(args, &["max-results", "next-token"])?;
            Athena::ListWorkGroups
        }
        "delete-work-group" => {
            let p = Params::parse(args, &["work-group", "recursive-delete-option", "no-recursive-delete-option"])?;
            Athena::DeleteWorkGroup { workgroup: p.required("work-group")? }
        }
        "create-named-query" => {
            let p = Params::parse(
                args,
                &["name", "database", "query-string", "description", "work-group", "client-request-token"],
            )?;
            Athena::CreateNamedQuery {
                name: p.required("name")?,
                database: p.required("database")?,
                query: p.required("query-string")?,
                description: p.optional("description"),
                workgroup: p.optional("work-group"),
            }
        }
        "get-named-query" => {
            Athena::GetNamedQuery { id: Params::parse(args, &["named-query-id"])?.required("named-query-id")? }
        }
        "list-named-queries" => {
            let p = Params::parse(args, &["work-group", "max-results", "next-token"])?;
            Athena::ListNamedQueries { workgroup: p.optional("work-group") }
        }
        "delete-named-query" => {
            Athena::DeleteNamedQuery { id: Params::parse(args, &["named-query-id"])?.required("named-query-id")? }
        }
        "stop-query-execution" => Athena::StopQueryExecution {
            id: Params::parse(args, &["query-execution-id"])?.required("query-execution-id")?,
        },
        other => {
            return usage(format!(
                "argument operation: Invalid choice '{other}', valid choices are:\n\ncreate-named-query | create-work-group | delete-named-query | delete-work-group | get-named-query | get-query-execution | get-query-results | get-work-group | list-named-queries | list-query-executions | list-work-groups | start-query-execution | stop-query-execution"
            ))
        }
    };
    Ok(Command::Athena(athena))
}

/// The value of `key` in shorthand `Key=Value,...` or JSON `{"Key": "Value"}`.
fn key_value(name: &str, text: &str, key: &str) -> Result<Option<String>, UsageError> {
    Ok(json_or_shorthand(name, text)?.get(key).and_then(|v| v.as_str()).map(str::to_string))
}

/// JSON, or the CLI's shorthand with nested structures: `A={B=x,C=y},D=1`.
fn nested_shorthand(name: &str, text: &str) -> Result<serde_json::Value, UsageError> {
    if text.trim_start().starts_with('{') && text.contains('"') {
        return crate::params::json_param(name, text);
    }
    fn object(name: &str, s: &str) -> Result<serde_json::Value, UsageError> {
        let mut map = serde_json::Map::new();
        let (mut depth, mut start) = (0i32, 0);
        let mut pairs = Vec::new();
        for (i, c) in s.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    pairs.push(&s[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        pairs.push(&s[start..]);
        for pair in pairs.into_iter().filter(|p| !p.trim().is_empty()) {
            let Some((k, v)) = pair.split_once('=') else {
                return usage(format!("argument --{name}: expected Key=Value, got '{pair}'"));
            };
            let v = v.trim();
            let value = match v.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                Some(inner) => object(name, inner)?,
                None => serde_json::Value::String(v.to_string()),
            };
            map.insert(k.trim().to_string(), value);
        }
        if depth != 0 {
            return usage(format!("argument --{name}: unbalanced braces in '{s}'"));
        }
        Ok(serde_json::Value::Object(map))
    }
    object(name, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn start_query_execution_forms() {
        let Ok(Command::Athena(a)) = parse(
            "aws athena start-query-execution --query-string \"SELECT region, COUNT(*) FROM sales_data GROUP BY region\" --query-execution-context Database=sales_db --result-configuration OutputLocation=s3://results-1/athena/",
        ) else {
            panic!()
        };
        assert_eq!(
            a,
            Athena::StartQueryExecution {
                query: "SELECT region, COUNT(*) FROM sales_data GROUP BY region".into(),
                database: Some("sales_db".into()),
                output_location: Some("s3://results-1/athena/".into()),
                workgroup: None,
            }
        );
        let Ok(Command::Athena(Athena::StartQueryExecution { database, .. })) = parse(
            r#"aws athena start-query-execution --query-string 'SELECT 1' --query-execution-context '{"Database":"db"}'"#,
        ) else {
            panic!()
        };
        assert_eq!(database.as_deref(), Some("db"));
        assert!(parse("aws athena start-query-execution").unwrap_err().message.contains("--query-string"));
        assert!(parse("aws athena get-query-results").unwrap_err().message.contains("--query-execution-id"));
    }

    #[test]
    fn workgroup_and_named_query_forms() {
        let Ok(Command::Athena(a)) = parse(
            "aws athena create-work-group --name analysts --configuration ResultConfiguration={OutputLocation=s3://r-1/a/},BytesScannedCutoffPerQuery=10000000,EnforceWorkGroupConfiguration=false",
        ) else {
            panic!()
        };
        assert_eq!(
            a,
            Athena::CreateWorkGroup {
                name: "analysts".into(),
                description: None,
                output_location: Some("s3://r-1/a/".into()),
                bytes_scanned_cutoff: Some(10_000_000),
                enforce: false,
            }
        );
        let Ok(Command::Athena(Athena::CreateWorkGroup { output_location, bytes_scanned_cutoff, enforce, .. })) = parse(
            r#"aws athena create-work-group --name w --configuration '{"ResultConfiguration":{"OutputLocation":"s3://b/"},"BytesScannedCutoffPerQuery":20000000}'"#,
        ) else {
            panic!()
        };
        assert_eq!(
            (output_location.as_deref(), bytes_scanned_cutoff, enforce),
            (Some("s3://b/"), Some(20_000_000), true)
        );
        assert!(parse("aws athena create-work-group --name w --configuration BytesScannedCutoffPerQuery=lots").is_err());
        assert_eq!(parse("aws athena list-work-groups").unwrap(), Command::Athena(Athena::ListWorkGroups));
        let Ok(Command::Athena(Athena::CreateNamedQuery { name, database, query, workgroup, .. })) = parse(
            "aws athena create-named-query --name lab --database sales_db --query-string 'SELECT 1' --work-group w",
        ) else {
            panic!()
        };
        assert_eq!(
            (name.as_str(), database.as_str(), query.as_str(), workgroup.as_deref()),
            ("lab", "sales_db", "SELECT 1", Some("w"))
        );
        assert!(parse("aws athena create-named-query --name lab").unwrap_err().message.contains("--database"));
        assert!(parse("aws athena nope").unwrap_err().message.contains("list-work-groups"));
    }
}
