//! `aws glue <operation> ...`: the Data Catalog and crawlers.

use serde_json::Value;

use crate::{
    params::{json_or_shorthand, json_param, Params},
    parse::usage,
    Command, UsageError,
};

/// The Glue operations Puddle runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Glue {
    /// `create-database --database-input '{"Name":"sales_db"}'`
    CreateDatabase {
        /// Database name.
        name: String,
        /// Description.
        description: String,
    },
    /// `get-databases`
    GetDatabases,
    /// `get-database --name N`
    GetDatabase {
        /// Database name.
        name: String,
    },
    /// `delete-database --name N`
    DeleteDatabase {
        /// Database name.
        name: String,
    },
    /// `create-crawler --name N --role R --database-name D --targets '{"S3Targets":[{"Path":"s3://..."}]}'`
    CreateCrawler {
        /// Crawler name.
        name: String,
        /// IAM role.
        role: String,
        /// Target database.
        database: String,
        /// S3 paths with their exclusion globs.
        targets: Vec<(String, Vec<String>)>,
        /// Table name prefix.
        table_prefix: String,
        /// `UPDATE_IN_DATABASE` or `LOG`.
        update_behavior: Option<String>,
        /// `DEPRECATE_IN_DATABASE`, `DELETE_FROM_DATABASE` or `LOG`.
        delete_behavior: Option<String>,
        /// Custom classifier names, tried first in this order.
        classifiers: Vec<String>,
        /// `CRAWL_EVERYTHING` or `CRAWL_NEW_FOLDERS_ONLY`.
        recrawl_behavior: Option<String>,
        /// `--schedule "cron(...)"`.
        schedule: Option<String>,
    },
    /// `update-crawler-schedule --crawler-name N [--schedule "cron(...)"]`
    UpdateCrawlerSchedule {
        /// Crawler name.
        name: String,
        /// New schedule (removed when absent).
        schedule: Option<String>,
    },
    /// `start-crawler-schedule --crawler-name N` / `stop-crawler-schedule --crawler-name N`
    SetCrawlerScheduleState {
        /// Crawler name.
        name: String,
        /// Start or stop.
        running: bool,
    },
    /// `start-crawler --name N`
    StartCrawler {
        /// Crawler name.
        name: String,
    },
    /// `get-crawler --name N`
    GetCrawler {
        /// Crawler name.
        name: String,
    },
    /// `get-crawlers`
    GetCrawlers,
    /// `get-crawler-metrics [--crawler-name-list A B]`
    GetCrawlerMetrics {
        /// Only these crawlers (all when empty).
        names: Vec<String>,
    },
    /// `delete-crawler --name N`
    DeleteCrawler {
        /// Crawler name.
        name: String,
    },
    /// `get-tables --database-name D [--expression REGEX]`
    GetTables {
        /// Database name.
        database: String,
        /// Only tables whose names match this (Glue's regular-expression subset: `*`, `|`).
        expression: Option<String>,
    },
    /// `get-table --database-name D --name T`
    GetTable {
        /// Database name.
        database: String,
        /// Table name.
        name: String,
    },
    /// `delete-table --database-name D --name T`
    DeleteTable {
        /// Database name.
        database: String,
        /// Table name.
        name: String,
    },
    /// `create-table --database-name D --table-input '{"Name":...,"StorageDescriptor":{...}}'`
    CreateTable {
        /// Database name.
        database: String,
        /// Glue's `TableInput`, as given.
        input: Value,
    },
    /// `update-table --database-name D --table-input '{...}'`
    UpdateTable {
        /// Database name.
        database: String,
        /// Glue's `TableInput`, as given.
        input: Value,
    },
    /// `get-table-versions --database-name D --table-name T`
    GetTableVersions {
        /// Database name.
        database: String,
        /// Table name.
        table: String,
    },
    /// `get-table-version --database-name D --table-name T [--version-id V]`
    GetTableVersion {
        /// Database name.
        database: String,
        /// Table name.
        table: String,
        /// Version id (the current version when absent).
        version_id: Option<String>,
    },
    /// `batch-create-partition --database-name D --table-name T --partition-input-list '[{"Values":[..],...}]'`
    BatchCreatePartition {
        /// Database name.
        database: String,
        /// Table name.
        table: String,
        /// Glue's `PartitionInput` list, as given.
        inputs: Vec<Value>,
    },
    /// `get-partitions --database-name D --table-name T [--expression "year='2025'"]`
    GetPartitions {
        /// Database name.
        database: String,
        /// Table name.
        table: String,
        /// Partition filter.
        expression: Option<String>,
    },
    /// `delete-partition --database-name D --table-name T --partition-values 2025 01`
    DeletePartition {
        /// Database name.
        database: String,
        /// Table name.
        table: String,
        /// The partition's values.
        values: Vec<String>,
    },
    /// `stop-crawler --name N`
    StopCrawler {
        /// Crawler name.
        name: String,
    },
    /// `create-classifier --csv-classifier Name=..,Delimiter=..,QuoteSymbol=..,ContainsHeader=..,Header=a,b`
    /// or `--json-classifier '{"Name":"..","JsonPath":"$.records[*]"}'`
    CreateClassifier {
        /// Which kind of classifier.
        kind: ClassifierKind,
        /// Glue's `CreateCsvClassifierRequest` or `CreateJsonClassifierRequest`, as given.
        input: Value,
    },
    /// `update-classifier --csv-classifier ... | --json-classifier ...`
    UpdateClassifier {
        /// Which kind of classifier.
        kind: ClassifierKind,
        /// Glue's `UpdateCsvClassifierRequest` or `UpdateJsonClassifierRequest`, as given.
        input: Value,
    },
    /// `get-classifier --name N`
    GetClassifier {
        /// Classifier name.
        name: String,
    },
    /// `get-classifiers`
    GetClassifiers,
    /// `delete-classifier --name N`
    DeleteClassifier {
        /// Classifier name.
        name: String,
    },
}

/// The kinds of custom classifier Puddle runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassifierKind {
    /// `--csv-classifier`.
    Csv,
    /// `--json-classifier`.
    Json,
}

const OPERATIONS: &[&str] = &[
    "stop-crawler",
    "update-classifier",
    "get-classifiers",
    "get-classifier",
    "delete-classifier",
    "create-classifier",
    "batch-create-partition",
    "create-crawler",
    "create-database",
    "create-table",
    "delete-crawler",
    "delete-database",
    "delete-partition",
    "delete-table",
    "get-crawler",
    "get-crawler-metrics",
    "get-crawlers",
    "get-database",
    "get-databases",
    "get-partitions",
    "get-table",
    "get-table-version",
    "get-table-versions",
    "get-tables",
    "start-crawler",
    "start-crawler-schedule",
    "stop-crawler-schedule",
    "update-crawler-schedule",
    "update-table",
];

/// Every `aws glue` operation, sorted, as the CLI lists them.
fn all_operations() -> String {
    let mut all: Vec<&str> = OPERATIONS.iter().chain(crate::glue_jobs::JOB_OPERATIONS).copied().collect();
    all.sort_unstable();
    all.join(" | ")
}

/// Parses the arguments after `aws glue`.
pub(crate) fn parse_glue(args: &[&str]) -> Result<Command, UsageError> {
    let Some((op, args)) = args.split_first() else {
        return usage("the following arguments are required: operation");
    };
    if let Some(command) = crate::glue_jobs::parse_glue_jobs(op, args)? {
        return Ok(command);
    }
    let glue = match *op {
        "create-database" => {
            let p = Params::parse(args, &["database-input"])?;
            let input = json_param("database-input", &p.required("database-input")?)?;
            let name = input.get("Name").and_then(Value::as_str).ok_or_else(|| UsageError {
                message: "argument --database-input: missing required key \"Name\"".into(),
            })?;
            let description = input.get("Description").and_then(Value::as_str).unwrap_or_default();
            Glue::CreateDatabase { name: name.into(), description: description.into() }
        }
        "get-databases" => {
            Params::parse(args, &[])?;
            Glue::GetDatabases
        }
        "get-database" => Glue::GetDatabase { name: Params::parse(args, &["name"])?.required("name")? },
        "delete-database" => Glue::DeleteDatabase { name: Params::parse(args, &["name"])?.required("name")? },
        "create-crawler" => {
            let p = Params::parse(
                args,
                &[
                    "name",
                    "role",
                    "database-name",
                    "targets",
                    "table-prefix",
                    "schema-change-policy",
                    "description",
                    "classifiers",
                    "recrawl-policy",
                    "schedule",
                ],
            )?;
            // --classifiers takes several values (`--classifiers a b`) or a JSON list.
            let classifiers = match p.optional("classifiers") {
                None => Vec::new(),
                Some(first) => list_values("classifiers", &first, &p.positional)?,
            };
            if p.optional("classifiers").is_none() && !p.positional.is_empty() {
                return usage(format!("Unknown options: {}", p.positional.join(" ")));
            }
            let recrawl_behavior = match p.optional("recrawl-policy") {
                Some(text) => json_or_shorthand("recrawl-policy", &text)?
                    .get("RecrawlBehavior")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                None => None,
            };
            let (update_behavior, delete_behavior) = match p.optional("schema-change-policy") {
                Some(text) => {
                    let v = json_or_shorthand("schema-change-policy", &text)?;
                    let get = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
                    (get("UpdateBehavior"), get("DeleteBehavior"))
                }
                None => (None, None),
            };
            Glue::CreateCrawler {
                name: p.required("name")?,
                role: p.required("role")?,
                database: p.required("database-name")?,
                targets: targets(&p.required("targets")?)?,
                table_prefix: p.optional("table-prefix").unwrap_or_default(),
                update_behavior,
                delete_behavior,
                classifiers,
                recrawl_behavior,
                schedule: p.optional("schedule"),
            }
        }
        "update-crawler-schedule" => {
            let p = Params::parse(args, &["crawler-name", "schedule"])?;
            Glue::UpdateCrawlerSchedule { name: p.required("crawler-name")?, schedule: p.optional("schedule") }
        }
        "start-crawler-schedule" | "stop-crawler-schedule" => Glue::SetCrawlerScheduleState {
            name: Params::parse(args, &["crawler-name"])?.required("crawler-name")?,
            running: *op == "start-crawler-schedule",
        },
        "start-crawler" => Glue::StartCrawler { name: Params::parse(args, &["name"])?.required("name")? },
        "get-crawler" => Glue::GetCrawler { name: Params::parse(args, &["name"])?.required("name")? },
        "get-crawlers" => {
            Params::parse(args, &[])?;
            Glue::GetCrawlers
        }
        "get-crawler-metrics" => {
            // --crawler-name-list takes several values: `--crawler-name-list a b`.
            let names = match args.split_first() {
                Some((&"--crawler-name-list", rest)) => rest.iter().map(|s| s.to_string()).collect(),
                Some((other, _)) => return usage(format!("Unknown options: {other}")),
                None => Vec::new(),
            };
            Glue::GetCrawlerMetrics { names }
        }
        "delete-crawler" => Glue::DeleteCrawler { name: Params::parse(args, &["name"])?.required("name")? },
        "get-tables" => {
            let p = Params::parse(args, &["database-name", "expression"])?;
            Glue::GetTables { database: p.required("database-name")?, expression: p.optional("expression") }
        }
        "get-table" => {
            let p = Params::parse(args, &["database-name", "name"])?;
            Glue::GetTable { database: p.required("database-name")?, name: p.required("name")? }
        }
        "delete-table" => {
            let p = Params::parse(args, &["database-name", "name"])?;
            Glue::DeleteTable { database: p.required("database-name")?, name: p.required("name")? }
        }
        "create-table" | "update-table" => {
            let p = Params::parse(args, &["database-name", "table-input", "catalog-id"])?;
            let input = json_param("table-input", &p.required("table-input")?)?;
            if input.get("Name").and_then(Value::as_str).is_none() {
                return usage("argument --table-input: missing required key \"Name\"");
            }
            let database = p.required("database-name")?;
            if *op == "create-table" {
                Glue::CreateTable { database, input }
            } else {
                Glue::UpdateTable { database, input }
            }
        }
        "get-table-versions" => {
            let p = Params::parse(args, &["database-name", "table-name", "catalog-id"])?;
            Glue::GetTableVersions { database: p.required("database-name")?, table: p.required("table-name")? }
        }
        "get-table-version" => {
            let p = Params::parse(args, &["database-name", "table-name", "version-id", "catalog-id"])?;
            Glue::GetTableVersion {
                database: p.required("database-name")?,
                table: p.required("table-name")?,
                version_id: p.optional("version-id"),
            }
        }
        "batch-create-partition" => {
            let p = Params::parse(args, &["database-name", "table-name", "partition-input-list", "catalog-id"])?;
            let list = json_param("partition-input-list", &p.required("partition-input-list")?)?;
            let Value::Array(inputs) = list else {
                return usage("argument --partition-input-list: expected a JSON list of PartitionInput objects");
            };
            Glue::BatchCreatePartition {
                database: p.required("database-name")?,
                table: p.required("table-name")?,
                inputs,
            }
        }
        "get-partitions" => {
            let p = Params::parse(args, &["database-name", "table-name", "expression", "catalog-id"])?;
            Glue::GetPartitions {
                database: p.required("database-name")?,
                table: p.required("table-name")?,
                expression: p.optional("expression"),
            }
        }
        "delete-partition" => {
            // --partition-values takes several values (`--partition-values 2025 01`) or a JSON list.
            let p = Params::parse(args, &["database-name", "table-name", "partition-values", "catalog-id"])?;
            let values = list_values("partition-values", &p.required("partition-values")?, &p.positional)?;
            Glue::DeletePartition { database: p.required("database-name")?, table: p.required("table-name")?, values }
        }
        "stop-crawler" => Glue::StopCrawler { name: Params::parse(args, &["name"])?.required("name")? },
        "create-classifier" | "update-classifier" => {
            let p = Params::parse(args, &["csv-classifier", "grok-classifier", "json-classifier", "xml-classifier"])?;
            let (kind, option, text) = match (p.optional("csv-classifier"), p.optional("json-classifier")) {
                (Some(text), None) => (ClassifierKind::Csv, "csv-classifier", text),
                (None, Some(text)) => (ClassifierKind::Json, "json-classifier", text),
                (Some(_), Some(_)) => return usage("give one of --csv-classifier and --json-classifier, not both"),
                (None, None) => return usage(
                    "only --csv-classifier and --json-classifier are supported (grok and XML classifiers are not yet)",
                ),
            };
            let input = shorthand_with_lists(option, &text, &["Header"])?;
            if input.get("Name").and_then(Value::as_str).is_none() {
                return usage(format!("argument --{option}: missing required key \"Name\""));
            }
            if kind == ClassifierKind::Json && input.get("JsonPath").and_then(Value::as_str).is_none() {
                return usage("argument --json-classifier: missing required key \"JsonPath\"");
            }
            if *op == "create-classifier" {
                Glue::CreateClassifier { kind, input }
            } else {
                Glue::UpdateClassifier { kind, input }
            }
        }
        "get-classifier" => Glue::GetClassifier { name: Params::parse(args, &["name"])?.required("name")? },
        "get-classifiers" => {
            Params::parse(args, &[])?;
            Glue::GetClassifiers
        }
        "delete-classifier" => Glue::DeleteClassifier { name: Params::parse(args, &["name"])?.required("name")? },
        other => {
            return usage(format!(
                "argument operation: Invalid choice '{other}', valid choices are:\n\n{}",
                all_operations()
            ))
        }
    };
    Ok(Command::Glue(glue))
}

/// A list option: `--name a b c` (the first value, then the words after it) or a JSON list.
fn list_values(name: &str, first: &str, rest: &[&str]) -> Result<Vec<String>, UsageError> {
    if first.trim_start().starts_with('[') {
        let Value::Array(list) = json_param(name, first)? else {
            return usage(format!("argument --{name}: expected a list"));
        };
        return Ok(list.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect());
    }
    Ok(std::iter::once(first).chain(rest.iter().copied()).map(str::to_string).collect())
}

/// `Name=x,Delimiter=;,Header=a,b,c` (AWS CLI shorthand, where words after a list key's `=` that
/// have no `=` of their own are more items of that list) or JSON.
fn shorthand_with_lists(name: &str, text: &str, list_keys: &[&str]) -> Result<Value, UsageError> {
    if text.trim_start().starts_with('{') {
        return json_param(name, text);
    }
    let mut map = serde_json::Map::new();
    let mut last: Option<String> = None;
    for part in text.split(',') {
        match part.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                let k = k.trim().to_string();
                let value = if list_keys.contains(&k.as_str()) {
                    Value::Array(vec![Value::String(v.to_string())])
                } else {
                    Value::String(v.to_string())
                };
                map.insert(k.clone(), value);
                last = Some(k);
            }
            _ => match last.as_ref().and_then(|k| map.get_mut(k)) {
                Some(Value::Array(items)) => items.push(Value::String(part.to_string())),
                // A comma inside a value, such as `Delimiter=,`.
                Some(Value::String(s)) => {
                    s.push(',');
                    s.push_str(part);
                }
                _ => return usage(format!("argument --{name}: expected Key=Value, got '{part}'")),
            },
        }
    }
    Ok(Value::Object(map))
}

/// `{"S3Targets":[{"Path":"s3://...","Exclusions":[...]}]}` or shorthand `S3Targets=[{Path=s3://...}]`.
fn targets(text: &str) -> Result<Vec<(String, Vec<String>)>, UsageError> {
    if text.trim_start().starts_with('{') {
        let v = json_param("targets", text)?;
        let list = v.get("S3Targets").and_then(Value::as_array).ok_or_else(|| UsageError {
            message: "argument --targets: only S3Targets are supported, e.g. {\"S3Targets\":[{\"Path\":\"s3://bucket/prefix/\"}]}".into(),
        })?;
        let mut out = Vec::new();
        for t in list {
            let path = t
                .get("Path")
                .and_then(Value::as_str)
                .ok_or_else(|| UsageError { message: "argument --targets: every S3 target needs a \"Path\"".into() })?;
            let exclusions = t
                .get("Exclusions")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default();
            out.push((path.to_string(), exclusions));
        }
        return Ok(out);
    }
    let paths: Vec<(String, Vec<String>)> = text
        .split("Path=")
        .skip(1)
        .map(|rest| (rest.split([',', '}', ']']).next().unwrap_or_default().trim().to_string(), Vec::new()))
        .filter(|(p, _)| !p.is_empty())
        .collect();
    if paths.is_empty() {
        return usage(format!("argument --targets: no S3 target Path in '{text}'"));
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn glue(line: &str) -> Glue {
        match parse(line) {
            Ok(Command::Glue(g)) => g,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn course_commands() {
        assert_eq!(
            glue(r#"aws glue create-database --database-input '{"Name": "sales_db"}'"#),
            Glue::CreateDatabase { name: "sales_db".into(), description: String::new() }
        );
        let Glue::CreateCrawler { name, database, targets, .. } = glue(
            r#"aws glue create-crawler --name SalesCrawler --role arn:aws:iam::123456789012:role/GlueRole --database-name sales_db --targets '{"S3Targets":[{"Path":"s3://data-lake-raw-123/","Exclusions":["**.tmp"]}]}'"#,
        ) else {
            panic!()
        };
        assert_eq!((name.as_str(), database.as_str()), ("SalesCrawler", "sales_db"));
        assert_eq!(targets, vec![("s3://data-lake-raw-123/".to_string(), vec!["**.tmp".to_string()])]);
        let Glue::CreateCrawler { targets, update_behavior, .. } = glue(
            "aws glue create-crawler --name c --role r --database-name d --targets S3Targets=[{Path=s3://b/x/}] --schema-change-policy UpdateBehavior=LOG,DeleteBehavior=LOG",
        ) else {
            panic!()
        };
        assert_eq!((targets[0].0.as_str(), update_behavior.as_deref()), ("s3://b/x/", Some("LOG")));
        assert_eq!(
            glue("aws glue start-crawler --name SalesCrawler"),
            Glue::StartCrawler { name: "SalesCrawler".into() }
        );
        assert_eq!(
            glue("aws glue get-crawler-metrics --crawler-name-list a b"),
            Glue::GetCrawlerMetrics { names: vec!["a".into(), "b".into()] }
        );
        assert_eq!(
            glue("aws glue get-tables --database-name sales_db"),
            Glue::GetTables { database: "sales_db".into(), expression: None }
        );
    }

    #[test]
    fn catalog_commands() {
        let Glue::CreateTable { database, input } = glue(
            r#"aws glue create-table --database-name db --table-input '{"Name":"t","StorageDescriptor":{"Columns":[{"Name":"id","Type":"int"}]}}'"#,
        ) else {
            panic!()
        };
        assert_eq!((database.as_str(), input["Name"].as_str()), ("db", Some("t")));
        assert!(matches!(
            glue(r#"aws glue update-table --database-name db --table-input '{"Name":"t"}'"#),
            Glue::UpdateTable { .. }
        ));
        assert_eq!(
            glue("aws glue get-table-version --database-name db --table-name t --version-id 2"),
            Glue::GetTableVersion { database: "db".into(), table: "t".into(), version_id: Some("2".into()) }
        );
        assert_eq!(
            glue(
                r#"aws glue get-partitions --database-name db --table-name t --expression "year='2025' AND month>'06'""#
            ),
            Glue::GetPartitions {
                database: "db".into(),
                table: "t".into(),
                expression: Some("year='2025' AND month>'06'".into())
            }
        );
        for line in [
            "aws glue delete-partition --database-name db --table-name t --partition-values 2025 01",
            r#"aws glue delete-partition --database-name db --table-name t --partition-values '["2025","01"]'"#,
        ] {
            assert_eq!(
                glue(line),
                Glue::DeletePartition {
                    database: "db".into(),
                    table: "t".into(),
                    values: vec!["2025".into(), "01".into()]
                }
            );
        }
        let Glue::BatchCreatePartition { inputs, .. } = glue(
            r#"aws glue batch-create-partition --database-name db --table-name t --partition-input-list '[{"Values":["1"]},{"Values":["2"]}]'"#,
        ) else {
            panic!()
        };
        assert_eq!(inputs.len(), 2);
        let err = |line: &str| parse(line).unwrap_err().message;
        assert!(err("aws glue create-table --database-name db --table-input '{}'").contains("\"Name\""));
        assert!(err("aws glue batch-create-partition --database-name db --table-name t --partition-input-list '{}'")
            .contains("JSON list"));
    }

    #[test]
    fn crawler_features() {
        let Glue::CreateCrawler { classifiers, recrawl_behavior, .. } = glue(
            "aws glue create-crawler --name c --role r --database-name d --targets S3Targets=[{Path=s3://b/x/}] \
             --classifiers semi pipes --recrawl-policy RecrawlBehavior=CRAWL_NEW_FOLDERS_ONLY",
        ) else {
            panic!()
        };
        assert_eq!(classifiers, ["semi", "pipes"]);
        assert_eq!(recrawl_behavior.as_deref(), Some("CRAWL_NEW_FOLDERS_ONLY"));
        let Glue::CreateCrawler { classifiers, .. } = glue(
            r#"aws glue create-crawler --name c --role r --database-name d --targets S3Targets=[{Path=s3://b/x/}] --classifiers '["a"]'"#,
        ) else {
            panic!()
        };
        assert_eq!(classifiers, ["a"]);
        assert!(parse(
            "aws glue create-crawler --name c --role r --database-name d --targets S3Targets=[{Path=s3://b/}] stray"
        )
        .is_err());
        let Glue::CreateClassifier { input: csv, .. } = glue(
            r#"aws glue create-classifier --csv-classifier "Name=semi,Delimiter=;,QuoteSymbol=',ContainsHeader=ABSENT,Header=id,name,city""#,
        ) else {
            panic!()
        };
        assert_eq!(csv["Delimiter"], ";");
        assert_eq!(csv["Header"], serde_json::json!(["id", "name", "city"]));
        let Glue::CreateClassifier { input: csv, .. } =
            glue("aws glue create-classifier --csv-classifier Name=c,Delimiter=,,Header=a")
        else {
            panic!()
        };
        assert_eq!((csv["Delimiter"].as_str(), csv["Header"][0].as_str()), (Some(","), Some("a")));
        assert!(parse("aws glue create-classifier --grok-classifier Name=g").unwrap_err().message.contains("csv"));
        let Glue::CreateClassifier { kind, input } =
            glue(r#"aws glue create-classifier --json-classifier '{"Name":"recs","JsonPath":"$.records[*]"}'"#)
        else {
            panic!()
        };
        assert_eq!((kind, input["JsonPath"].as_str()), (ClassifierKind::Json, Some("$.records[*]")));
        let Glue::UpdateClassifier { kind, input } =
            glue(r#"aws glue update-classifier --json-classifier "Name=recs,JsonPath=$['items'][*]""#)
        else {
            panic!()
        };
        assert_eq!((kind, input["JsonPath"].as_str()), (ClassifierKind::Json, Some("$['items'][*]")));
        assert!(parse("aws glue create-classifier --json-classifier Name=x").unwrap_err().message.contains("JsonPath"));
        assert_eq!(glue("aws glue stop-crawler --name c"), Glue::StopCrawler { name: "c".into() });
        assert_eq!(glue("aws glue get-classifiers"), Glue::GetClassifiers);
    }

    #[test]
    fn usage_errors() {
        let err = |line: &str| parse(line).unwrap_err().message;
        assert!(err("aws glue create-database --database-input '{bad'").contains("Invalid JSON"));
        assert!(err("aws glue create-database --database-input '{}'").contains("\"Name\""));
        assert!(err("aws glue create-crawler --name c --role r --database-name d --targets '{\"JdbcTargets\":[]}'")
            .contains("S3Targets"));
        assert!(err("aws glue create-crawler --name c --role r --database-name d").contains("required: --targets"));
        assert!(err("aws glue get-table --database-name d").contains("required: --name"));
        assert!(err("aws glue frob").contains("Invalid choice 'frob'"));
    }
}
