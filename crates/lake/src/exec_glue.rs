//! `aws glue ...`: the Data Catalog and crawlers, printed as the AWS CLI prints them.

use puddle_api::{ApiError, ExecOutput};
use puddle_catalog::Table;
use puddle_cli::Glue;
use puddle_crawler::Crawler;
use serde_json::{json, Value};

use crate::{
    errors::IntoApiError,
    exec::{json_output, service_failure},
    exec_glue_catalog as gc, Lake,
};

/// The one account of the lake.
pub(crate) const ACCOUNT_ID: &str = "123456789012";

/// Runs one Glue operation.
pub(crate) async fn run(lake: &Lake, glue: Glue) -> ExecOutput {
    let store = lake.s3().store();
    let catalog = lake.catalog();
    let (operation, result): (&str, Result<Option<Value>, ApiError>) = match glue {
        Glue::CreateDatabase { name, description } => (
            "CreateDatabase",
            catalog
                .create_database_with(&name, false, puddle_catalog::DatabaseInfo { description, ..Default::default() })
                .await
                .map(|_| None)
                .map_err(IntoApiError::into_api),
        ),
        Glue::GetDatabases => {
            let list: Vec<Value> = catalog.databases().iter().map(|d| json!({
                "Name": d.name, "Description": d.description, "CreateTime": d.create_time.to_rfc3339(), "CatalogId": ACCOUNT_ID,
            })).collect();
            ("GetDatabases", Ok(Some(json!({ "DatabaseList": list }))))
        }
        Glue::GetDatabase { name } => (
            "GetDatabase",
            catalog
                .get_database(&name)
                .map(|d| Some(json!({ "Database": { "Name": d.name, "CreateTime": d.create_time.to_rfc3339(), "CatalogId": ACCOUNT_ID } })))
                .map_err(IntoApiError::into_api),
        ),
        Glue::DeleteDatabase { name } => (
            "DeleteDatabase",
            catalog.delete_database(&name).await.map(|_| None).map_err(IntoApiError::into_api),
        ),
        Glue::CreateCrawler {
            name,
            role,
            database,
            targets,
            table_prefix,
            update_behavior,
            delete_behavior,
            classifiers,
            recrawl_behavior,
            schedule,
        } => {
            let input = puddle_api::CreateCrawlerInput {
                name,
                database,
                exclusions: targets.iter().flat_map(|(_, ex)| ex.clone()).collect(),
                targets: targets.into_iter().map(|(p, _)| p).collect(),
                table_prefix,
                update_behavior,
                delete_behavior,
                recrawl_behavior,
                classifiers,
                schedule,
            };
            ("CreateCrawler", crate::crawlers::create_crawler(store, input, &role).await.map(|_| None))
        }
        Glue::UpdateCrawlerSchedule { name, schedule } => (
            "UpdateCrawlerSchedule",
            puddle_crawler::update_crawler_schedule(store, &name, schedule.as_deref())
                .await
                .map(|_| None)
                .map_err(IntoApiError::into_api),
        ),
        Glue::SetCrawlerScheduleState { name, running } => (
            if running { "StartCrawlerSchedule" } else { "StopCrawlerSchedule" },
            puddle_crawler::set_crawler_schedule_state(store, &name, running)
                .await
                .map(|_| None)
                .map_err(IntoApiError::into_api),
        ),
        Glue::StartCrawler { name } => (
            "StartCrawler",
            lake.run_crawler(&name).await.map(|_| None),
        ),
        Glue::GetCrawler { name } => (
            "GetCrawler",
            puddle_crawler::get_crawler(store, &name)
                .await
                .map(|c| Some(json!({ "Crawler": crawler_json(&c, &lake.crawls) })))
                .map_err(IntoApiError::into_api),
        ),
        Glue::GetCrawlers => (
            "GetCrawlers",
            puddle_crawler::list_crawlers(store)
                .await
                .map(|list| {
                    Some(json!({ "Crawlers": list.iter().map(|c| crawler_json(c, &lake.crawls)).collect::<Vec<_>>() }))
                })
                .map_err(IntoApiError::into_api),
        ),
        Glue::GetCrawlerMetrics { names } => (
            "GetCrawlerMetrics",
            puddle_crawler::list_crawlers(store)
                .await
                .map(|list| {
                    let metrics: Vec<Value> = list
                        .iter()
                        .filter(|c| names.is_empty() || names.contains(&c.config.name))
                        .map(|c| {
                            let progress = lake.crawls.get(&c.config.name).map(|m| m.progress());
                            json!(puddle_crawler::crawler_metrics(c, progress.as_ref()))
                        })
                        .collect();
                    Some(json!({ "CrawlerMetricsList": metrics }))
                })
                .map_err(IntoApiError::into_api),
        ),
        Glue::DeleteCrawler { name } => (
            "DeleteCrawler",
            puddle_crawler::delete_crawler(store, &name).await.map(|_| None).map_err(IntoApiError::into_api),
        ),
        Glue::GetTables { database, expression } => {
            let result = catalog.get_database(&database).map_err(IntoApiError::into_api).map(|_| {
                let tables: Vec<Value> = catalog
                    .tables(Some(&database))
                    .iter()
                    .filter(|t| expression.as_deref().is_none_or(|e| name_matches(e, &t.name)))
                    .map(table_json)
                    .collect();
                Some(json!({ "TableList": tables }))
            });
            ("GetTables", result)
        }
        Glue::GetTable { database, name } => (
            "GetTable",
            catalog.get_table(&database, &name).map(|t| Some(json!({ "Table": table_json(&t) }))).map_err(IntoApiError::into_api),
        ),
        Glue::DeleteTable { database, name } => (
            "DeleteTable",
            catalog.delete_table(&database, &name).await.map(|_| None).map_err(IntoApiError::into_api),
        ),
        Glue::CreateTable { database, input } => ("CreateTable", gc::create_table(catalog, &database, &input).await),
        Glue::UpdateTable { database, input } => ("UpdateTable", gc::update_table(catalog, &database, &input).await),
        Glue::GetTableVersions { database, table } => {
            ("GetTableVersions", gc::get_table_versions(catalog, &database, &table).await)
        }
        Glue::GetTableVersion { database, table, version_id } => {
            ("GetTableVersion", gc::get_table_version(catalog, &database, &table, version_id.as_deref()).await)
        }
        Glue::BatchCreatePartition { database, table, inputs } => {
            ("BatchCreatePartition", gc::batch_create_partition(catalog, &database, &table, &inputs).await)
        }
        Glue::GetPartitions { database, table, expression } => {
            ("GetPartitions", gc::get_partitions(catalog, &database, &table, expression.as_deref()))
        }
        Glue::DeletePartition { database, table, values } => {
            ("DeletePartition", gc::delete_partition(catalog, &database, &table, &values).await)
        }
        Glue::StopCrawler { name } => (
            "StopCrawler",
            puddle_crawler::stop_crawler(store, &name, &lake.crawls).await.map(|_| None).map_err(IntoApiError::into_api),
        ),
        Glue::CreateClassifier { kind, input } => ("CreateClassifier", gc::create_classifier(store, kind, &input).await),
        Glue::UpdateClassifier { kind, input } => ("UpdateClassifier", gc::update_classifier(store, kind, &input).await),
        Glue::GetClassifier { name } => (
            "GetClassifier",
            puddle_crawler::classifiers::get_classifier(store, &name)
                .await
                .map(|c| Some(json!({ "Classifier": gc::classifier_json(&c) })))
                .map_err(IntoApiError::into_api),
        ),
        Glue::GetClassifiers => (
            "GetClassifiers",
            puddle_crawler::classifiers::list_classifiers(store)
                .await
                .map(|list| Some(json!({ "Classifiers": list.iter().map(gc::classifier_json).collect::<Vec<_>>() })))
                .map_err(IntoApiError::into_api),
        ),
        Glue::DeleteClassifier { name } => (
            "DeleteClassifier",
            puddle_crawler::classifiers::delete_classifier(store, &name).await.map(|_| None).map_err(IntoApiError::into_api),
        ),
    };
    match result {
        Ok(value) => json_output(value.as_ref()),
        Err(e) => service_failure(operation, &e.code, &e.message),
    }
}

/// Glue's table-name expression: alternatives separated by `|`, `*` matching anything.
fn name_matches(expression: &str, name: &str) -> bool {
    puddle_glob::matches(expression, puddle_glob::Dialect::Names { ignore_case: false }, name)
}

fn crawler_json(c: &Crawler, monitors: &puddle_crawler::CrawlMonitors) -> Value {
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
