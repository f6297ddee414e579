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
        other => {
            return usage(format!(
                "argument operation: Invalid choice '{other}', valid choices are:\n\nget-query-execution | get-query-results | list-query-executions | start-query-execution"
            ))
        }
    };
    Ok(Command::Athena(athena))
}

/// The value of `key` in shorthand `Key=Value,...` or JSON `{"Key": "Value"}`.
fn key_value(name: &str, text: &str, key: &str) -> Result<Option<String>, UsageError> {
    Ok(json_or_shorthand(name, text)?.get(key).and_then(|v| v.as_str()).map(str::to_string))
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
}
