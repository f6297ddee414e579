//! Glue's Data Catalog and crawler operations (`aws glue ...`): typed inputs with Glue's
//! member names, answers as the output structures the AWS CLI prints.

use puddle_api::ApiError;
use puddle_catalog::Table;
use puddle_crawler::Crawler;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{
    errors::api,
    exec_glue_catalog::{self as gc, ClassifierKind},
    ops::input,
    Lake,
};

/// The one account of the lake.
pub(crate) const ACCOUNT_ID: &str = "123456789012";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NameRequest {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CrawlerNameRequest {
    crawler_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DatabaseInput {
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateDatabaseRequest {
    database_input: DatabaseInput,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct S3Target {
    path: String,
    #[serde(default)]
    exclusions: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct CrawlerTargets {
    #[serde(default)]
    s3_targets: Vec<S3Target>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct SchemaChangePolicy {
    update_behavior: Option<String>,
    delete_behavior: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct RecrawlPolicy {
    recrawl_behavior: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateCrawlerRequest {
    name: String,
    role: String,
    #[serde(default)]
    database_name: String,
    targets: CrawlerTargets,
    #[serde(default)]
    table_prefix: String,
    #[serde(default)]
    schema_change_policy: SchemaChangePolicy,
    #[serde(default)]
    classifiers: Vec<String>,
    #[serde(default)]
    recrawl_policy: RecrawlPolicy,
    schedule: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateCrawlerScheduleRequest {
    crawler_name: String,
    schedule: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct GetCrawlerMetricsRequest {
    #[serde(default)]
    crawler_name_list: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetTablesRequest {
    database_name: String,
    expression: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TableRequest {
    database_name: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TableInputRequest {
    database_name: String,
    table_input: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TableVersionRequest {
    database_name: String,
    table_name: String,
    version_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BatchCreatePartitionRequest {
    database_name: String,
    table_name: String,
    partition_input_list: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetPartitionsRequest {
    database_name: String,
    table_name: String,
    expression: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeletePartitionRequest {
    database_name: String,
    table_name: String,
    partition_values: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ClassifierRequest {
    csv_classifier: Option<Value>,
    json_classifier: Option<Value>,
    grok_classifier: Option<Value>,
    #[serde(rename = "XMLClassifier")]
    xml_classifier: Option<Value>,
}

impl ClassifierRequest {
    fn kind(self) -> Result<(ClassifierKind, Value), ApiError> {
        match (self.csv_classifier, self.json_classifier) {
            (Some(v), None) => Ok((ClassifierKind::Csv, v)),
            (None, Some(v)) => Ok((ClassifierKind::Json, v)),
            (Some(_), Some(_)) => {
                Err(ApiError::new("InvalidInputException", "Give one of CsvClassifier and JsonClassifier, not both"))
            }
            (None, None) if self.grok_classifier.is_some() || self.xml_classifier.is_some() => Err(ApiError::new(
                "InvalidInputException",
                "Puddle runs CSV and JSON classifiers; grok and XML classifiers are not emulated yet",
            )),
            (None, None) => Err(ApiError::new("InvalidInputException", "A classifier definition is required")),
        }
    }
}

/// Runs one Data Catalog or crawler operation.
pub(crate) async fn call(lake: &Lake, operation: &str, v: Value) -> Result<Value, ApiError> {
    let store = lake.s3().store();
    let catalog = lake.catalog();
    Ok(match operation {
        "CreateDatabase" => {
            let i: CreateDatabaseRequest = input(v)?;
            let info = puddle_catalog::DatabaseInfo { description: i.database_input.description, ..Default::default() };
            api(catalog.create_database_with(&i.database_input.name, false, info).await)?;
            json!({})
        }
        "GetDatabases" => {
            let list: Vec<Value> = catalog.databases().iter().map(|d| json!({
                "Name": d.name, "Description": d.description, "CreateTime": d.create_time.to_rfc3339(), "CatalogId": ACCOUNT_ID,
            })).collect();
            json!({ "DatabaseList": list })
        }
        "GetDatabase" => {
            let d = api(catalog.get_database(&input::<NameRequest>(v)?.name))?;
            json!({ "Database": { "Name": d.name, "CreateTime": d.create_time.to_rfc3339(), "CatalogId": ACCOUNT_ID } })
        }
        "DeleteDatabase" => {
            api(catalog.delete_database(&input::<NameRequest>(v)?.name).await)?;
            json!({})
        }
        "CreateCrawler" => {
            let i: CreateCrawlerRequest = input(v)?;
            let crawler = puddle_api::CreateCrawlerInput {
                name: i.name,
                database: i.database_name,
                exclusions: i.targets.s3_targets.iter().flat_map(|t| t.exclusions.clone()).collect(),
                targets: i.targets.s3_targets.into_iter().map(|t| t.path).collect(),
                table_prefix: i.table_prefix,
                update_behavior: i.schema_change_policy.update_behavior,
                delete_behavior: i.schema_change_policy.delete_behavior,
                recrawl_behavior: i.recrawl_policy.recrawl_behavior,
                classifiers: i.classifiers,
                schedule: i.schedule,
            };
            crate::crawlers::create_crawler(store, crawler, &i.role).await?;
            json!({})
        }
        "UpdateCrawlerSchedule" => {
            let i: UpdateCrawlerScheduleRequest = input(v)?;
            api(puddle_crawler::update_crawler_schedule(store, &i.crawler_name, i.schedule.as_deref()).await)?;
            json!({})
        }
        "StartCrawlerSchedule" | "StopCrawlerSchedule" => {
            let name = input::<CrawlerNameRequest>(v)?.crawler_name;
            api(puddle_crawler::set_crawler_schedule_state(store, &name, operation == "StartCrawlerSchedule").await)?;
            json!({})
        }
        "StartCrawler" => {
            lake.run_crawler(&input::<NameRequest>(v)?.name).await?;
            json!({})
        }
        "GetCrawler" => {
            let c = api(puddle_crawler::get_crawler(store, &input::<NameRequest>(v)?.name).await)?;
            json!({ "Crawler": crawler_json(&c, &lake.crawls) })
        }
        "GetCrawlers" => {
            let list = api(puddle_crawler::list_crawlers(store).await)?;
            json!({ "Crawlers": list.iter().map(|c| crawler_json(c, &lake.crawls)).collect::<Vec<_>>() })
        }
        "GetCrawlerMetrics" => {
            let names = input::<GetCrawlerMetricsRequest>(v)?.crawler_name_list;
            let list = api(puddle_crawler::list_crawlers(store).await)?;
            let metrics: Vec<Value> = list
                .iter()
                .filter(|c| names.is_empty() || names.contains(&c.config.name))
                .map(|c| {
                    let progress = lake.crawls.get(&c.config.name).map(|m| m.progress());
                    json!(puddle_crawler::crawler_metrics(c, progress.as_ref()))
                })
                .collect();
            json!({ "CrawlerMetricsList": metrics })
        }
        "DeleteCrawler" => {
            api(puddle_crawler::delete_crawler(store, &input::<NameRequest>(v)?.name).await)?;
            json!({})
        }
        "GetTables" => {
            let i: GetTablesRequest = input(v)?;
            api(catalog.get_database(&i.database_name))?;
            let tables: Vec<Value> = catalog
                .tables(Some(&i.database_name))
                .iter()
                .filter(|t| i.expression.as_deref().is_none_or(|e| name_matches(e, &t.name)))
                .map(table_json)
                .collect();
            json!({ "TableList": tables })
        }
        "GetTable" => {
            let i: TableRequest = input(v)?;
            json!({ "Table": table_json(&api(catalog.get_table(&i.database_name, &i.name))?) })
        }
        "DeleteTable" => {
            let i: TableRequest = input(v)?;
            api(catalog.delete_table(&i.database_name, &i.name).await)?;
            json!({})
        }
        "CreateTable" => {
            let i: TableInputRequest = input(v)?;
            or_empty(gc::create_table(catalog, &i.database_name, &i.table_input).await?)
        }
        "UpdateTable" => {
            let i: TableInputRequest = input(v)?;
            or_empty(gc::update_table(catalog, &i.database_name, &i.table_input).await?)
        }
        "GetTableVersions" => {
            let i: TableVersionRequest = input(v)?;
            or_empty(gc::get_table_versions(catalog, &i.database_name, &i.table_name).await?)
        }
        "GetTableVersion" => {
            let i: TableVersionRequest = input(v)?;
            or_empty(gc::get_table_version(catalog, &i.database_name, &i.table_name, i.version_id.as_deref()).await?)
        }
        "BatchCreatePartition" => {
            let i: BatchCreatePartitionRequest = input(v)?;
            or_empty(
                gc::batch_create_partition(catalog, &i.database_name, &i.table_name, &i.partition_input_list).await?,
            )
        }
        "GetPartitions" => {
            let i: GetPartitionsRequest = input(v)?;
            or_empty(gc::get_partitions(catalog, &i.database_name, &i.table_name, i.expression.as_deref())?)
        }
        "DeletePartition" => {
            let i: DeletePartitionRequest = input(v)?;
            or_empty(gc::delete_partition(catalog, &i.database_name, &i.table_name, &i.partition_values).await?)
        }
        "StopCrawler" => {
            api(puddle_crawler::stop_crawler(store, &input::<NameRequest>(v)?.name, &lake.crawls).await)?;
            json!({})
        }
        "CreateClassifier" => {
            let (kind, definition) = input::<ClassifierRequest>(v)?.kind()?;
            or_empty(gc::create_classifier(store, kind, &definition).await?)
        }
        "UpdateClassifier" => {
            let (kind, definition) = input::<ClassifierRequest>(v)?.kind()?;
            or_empty(gc::update_classifier(store, kind, &definition).await?)
        }
        "GetClassifier" => {
            let c = api(puddle_crawler::classifiers::get_classifier(store, &input::<NameRequest>(v)?.name).await)?;
            json!({ "Classifier": gc::classifier_json(&c) })
        }
        "GetClassifiers" => {
            let list = api(puddle_crawler::classifiers::list_classifiers(store).await)?;
            json!({ "Classifiers": list.iter().map(gc::classifier_json).collect::<Vec<_>>() })
        }
        "DeleteClassifier" => {
            api(puddle_crawler::classifiers::delete_classifier(store, &input::<NameRequest>(v)?.name).await)?;
            json!({})
        }
        other => return Err(crate::ops::not_dispatched("glue", other)),
    })
}

fn or_empty(v: Option<Value>) -> Value {
    v.unwrap_or_else(|| json!({}))
}

/// Glue's table-name expression: alternatives separated by `|`, `*` matching anything.
fn name_matches(expression: &str, name: &str) -> bool {
    puddle_glob::matches(expression, puddle_glob::Dialect::Names { ignore_case: false }, name)
}

fn crawler_json(c: &Crawler, monitors: &puddle_crawler::CrawlMonitors) -> Value {
    // Glue reports how long the crawl in progress has run, in milliseconds.
    // Glue reports how long the crawl in progress has run, in milliseconds: 0 when it is not
    // crawling, unknown (left out) when it crawls in another tab.
    let elapsed = match monitors.get(&c.config.name) {
        Some(m) => Some((m.progress().elapsed_seconds * 1000.0) as u64),
        None if c.state == "READY" => Some(0),
        None => None,
    };
    let mut v = json!({
        "Name": c.config.name,
        "Role": c.role,
        "Targets": { "S3Targets": c.config.targets.iter().map(|p| json!({ "Path": p, "Exclusions": c.config.exclusions })).collect::<Vec<_>>() },
        "DatabaseName": c.config.database,
        "Classifiers": c.config.classifiers,
        "SchemaChangePolicy": { "UpdateBehavior": c.config.update_behavior, "DeleteBehavior": c.config.delete_behavior },
        "RecrawlPolicy": { "RecrawlBehavior": c.config.recrawl_behavior },
        "State": c.state,
        "TablePrefix": c.config.table_prefix,
        "CreationTime": c.creation_time.to_rfc3339(),
        "Version": 1,
    });
    if let Some(ms) = elapsed {
        v["CrawlElapsedTime"] = json!(ms);
    }
    if let Some(expr) = &c.config.schedule {
        v["Schedule"] = json!({ "ScheduleExpression": expr, "State": c.schedule_state });
    }
    if let Some(run) = &c.last_crawl {
        let mut last = json!({ "Status": run.status, "StartTime": run.start_time.to_rfc3339(), "MessagePrefix": format!("{}-run-{}", c.config.name, c.runs) });
        if let Some(m) = &run.error_message {
            last["ErrorMessage"] = json!(m);
        }
        v["LastCrawl"] = last;
    }
    v
}

/// A table as Glue's GetTable prints it.
pub(crate) fn table_json(t: &Table) -> Value {
    let (input, output, serde) = match t.classification.as_str() {
        "parquet" => (
            "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        ),
        "json" => (
            "org.apache.hadoop.mapred.TextInputFormat",
            "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "org.openx.data.jsonserde.JsonSerDe",
        ),
        _ => (
            "org.apache.hadoop.mapred.TextInputFormat",
            "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        ),
    };
    let serde_params = match t.parameters.get("field.delim") {
        Some(d) => json!({ "field.delim": d }),
        None => json!({}),
    };
    let cols = |cs: &[puddle_catalog::Column]| {
        cs.iter()
            .map(|c| match &c.comment {
                Some(comment) => json!({ "Name": c.name, "Type": c.data_type, "Comment": comment }),
                None => json!({ "Name": c.name, "Type": c.data_type }),
            })
            .collect::<Vec<_>>()
    };
    let mut table = json!({
        "Name": t.name,
        "DatabaseName": t.database,
        "CreateTime": t.create_time.map(|c| c.to_rfc3339()),
        "UpdateTime": t.update_time.map(|c| c.to_rfc3339()),
        "Retention": 0,
        "StorageDescriptor": {
            "Columns": cols(&t.columns),
            "Location": t.location,
            "InputFormat": input,
            "OutputFormat": output,
            "Compressed": t.parameters.get("compressionType").is_some_and(|c| c != "none"),
            "NumberOfBuckets": -1,
            "SerdeInfo": { "SerializationLibrary": serde, "Parameters": serde_params },
            "Parameters": t.parameters,
            "StoredAsSubDirectories": false,
        },
        "PartitionKeys": cols(&t.partition_keys),
        "TableType": t.table_type,
        "Parameters": t.parameters,
        "CreatedBy": t.parameters.get("UPDATED_BY_CRAWLER").map_or("arn:aws:iam::123456789012:user/student".to_string(), |c| format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/crawler/{c}")),
        "IsRegisteredWithLakeFormation": false,
        "CatalogId": ACCOUNT_ID,
        "VersionId": t.version_id.max(1).to_string(),
    });
    if let Some(sql) = &t.view_original_text {
        // Athena views: Glue keeps the SQL; Athena also sets ViewExpandedText to a marker.
        table["ViewOriginalText"] = json!(sql);
        table["ViewExpandedText"] = json!("/* Presto View */");
    }
    table
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn glue_expressions() {
        assert!(name_matches("sales*", "sales_data"));
        assert!(name_matches("*data", "sales_data"));
        assert!(name_matches("a|sales_data", "sales_data"));
        assert!(!name_matches("cust*", "sales_data"));
        assert!(name_matches("sales_data", "sales_data"));
        assert!(!name_matches("sales", "sales_data"));
    }
}
