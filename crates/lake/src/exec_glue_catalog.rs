//! `aws glue` Data Catalog operations beyond the basics: CreateTable / UpdateTable from a
//! `TableInput`, table versions, partitions and custom classifiers, printed as the real
//! responses are.

use puddle_api::ApiError;
use puddle_catalog::{Catalog, Column, Partition, Table};
use serde_json::{json, Map, Value};

use crate::{errors::api, exec_glue::table_json, exec_glue::ACCOUNT_ID};

/// The kinds of custom classifier Puddle runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClassifierKind {
    /// `CsvClassifier`.
    Csv,
    /// `JsonClassifier`.
    Json,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new("InvalidInputException", message.into())
}

fn columns(value: Option<&Value>, what: &str) -> Result<Vec<Column>, ApiError> {
    let Some(list) = value else { return Ok(Vec::new()) };
    let list = list.as_array().ok_or_else(|| invalid(format!("{what} must be a list of {{\"Name\", \"Type\"}}")))?;
    list.iter()
        .map(|c| {
            let name = c
                .get("Name")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid(format!("a column of {what} has no Name")))?;
            let data_type = c.get("Type").and_then(Value::as_str).unwrap_or("string");
            Ok(Column::new(name.to_ascii_lowercase(), data_type.to_ascii_lowercase()))
        })
        .collect()
}

fn string_map(value: Option<&Value>) -> Map<String, Value> {
    value.and_then(Value::as_object).cloned().unwrap_or_default()
}

/// The classification a `TableInput` implies: its `classification` parameter, else its formats.
fn classification_of(parameters: &Map<String, Value>, sd: &Value) -> String {
    if let Some(c) = parameters.get("classification").and_then(Value::as_str) {
        return c.to_ascii_lowercase();
    }
    let text = |k: &str| sd.get(k).and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
    let serde =
        sd.pointer("/SerdeInfo/SerializationLibrary").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
    if text("InputFormat").contains("parquet") || serde.contains("parquet") {
        "parquet".into()
    } else if serde.contains("json") {
        "json".into()
    } else {
        "csv".into()
    }
}

/// A catalog table from Glue's `TableInput`.
pub(crate) fn table_from_input(database: &str, input: &Value) -> Result<Table, ApiError> {
    let name = input.get("Name").and_then(Value::as_str).ok_or_else(|| invalid("TableInput needs a Name"))?;
    let sd = input.get("StorageDescriptor").cloned().unwrap_or(Value::Null);
    let parameters = string_map(input.get("Parameters"));
    let location = sd.get("Location").and_then(Value::as_str).unwrap_or_default();
    let mut table = Table::new(
        database,
        name,
        location,
        classification_of(&parameters, &sd),
        columns(sd.get("Columns"), "StorageDescriptor.Columns")?,
    );
    table.partition_keys = columns(input.get("PartitionKeys"), "PartitionKeys")?;
    for (k, v) in parameters {
        table.parameters.insert(k, v.as_str().map_or_else(|| v.to_string(), str::to_string));
    }
    for (k, v) in string_map(sd.pointer("/SerdeInfo/Parameters")) {
        let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        let key = if k == "separatorChar" { "field.delim".to_string() } else { k };
        table.parameters.entry(key).or_insert(v);
    }
    if table.classification == "csv" {
        // Athena reads a header row as data unless the table says to skip it.
        table.parameters.entry("skip.header.line.count".into()).or_insert_with(|| "0".into());
    }
    Ok(table)
}

/// CreateTable.
pub(crate) async fn create_table(catalog: &Catalog, database: &str, input: &Value) -> Result<Option<Value>, ApiError> {
    api(catalog.get_database(database))?;
    let table = table_from_input(database, input)?;
    api(catalog.create_table(table).await)?;
    Ok(None)
}

/// UpdateTable: the new definition replaces the old, which stays as a version. Partitions stay
/// when the partition keys keep their number.
pub(crate) async fn update_table(catalog: &Catalog, database: &str, input: &Value) -> Result<Option<Value>, ApiError> {
    let mut table = table_from_input(database, input)?;
    let old = api(catalog.get_table(database, &table.name))?;
    if old.partition_keys.len() == table.partition_keys.len() {
        table.partitions = old.partitions;
    }
    if table.location.is_empty() {
        table.location = old.location;
    }
    api(catalog.update_table(table).await)?;
    Ok(None)
}

/// GetTableVersions.
pub(crate) async fn get_table_versions(
    catalog: &Catalog,
    database: &str,
    table: &str,
) -> Result<Option<Value>, ApiError> {
    let versions = api(catalog.table_versions(database, table).await)?;
    let list: Vec<Value> =
        versions.iter().map(|v| json!({ "Table": table_json(&v.table), "VersionId": v.version_id })).collect();
    Ok(Some(json!({ "TableVersions": list })))
}

/// GetTableVersion.
pub(crate) async fn get_table_version(
    catalog: &Catalog,
    database: &str,
    table: &str,
    version_id: Option<&str>,
) -> Result<Option<Value>, ApiError> {
    let v = api(catalog.table_version(database, table, version_id).await)?;
    Ok(Some(json!({ "TableVersion": { "Table": table_json(&v.table), "VersionId": v.version_id } })))
}

/// A `PartitionInput` as a partition of `table`. Without a location, the partition is the
/// Hive-style folder under the table's location.
fn partition_from_input(table: &Table, input: &Value) -> Result<Partition, ApiError> {
    let values: Vec<String> = input
        .get("Values")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("every PartitionInput needs Values"))?
        .iter()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .collect();
    let location = match input.pointer("/StorageDescriptor/Location").and_then(Value::as_str) {
        Some(l) => l.to_string(),
        None => {
            let base =
                if table.location.ends_with('/') { table.location.clone() } else { format!("{}/", table.location) };
            let dirs: String =
                table.partition_keys.iter().zip(&values).map(|(k, v)| format!("{}={v}/", k.name)).collect();
            format!("{base}{dirs}")
        }
    };
    Ok(Partition { values, location })
}

/// BatchCreatePartition.
pub(crate) async fn batch_create_partition(
    catalog: &Catalog,
    database: &str,
    table: &str,
    inputs: &[Value],
) -> Result<Option<Value>, ApiError> {
    let t = api(catalog.get_table(database, table))?;
    let partitions = inputs.iter().map(|i| partition_from_input(&t, i)).collect::<Result<Vec<_>, _>>()?;
    let errors = api(catalog.batch_create_partition(database, table, partitions).await)?;
    let errors: Vec<Value> = errors
        .iter()
        .map(|e| {
            json!({
                "PartitionValues": e.values,
                "ErrorDetail": { "ErrorCode": e.error.code(), "ErrorMessage": e.error.to_string() },
            })
        })
        .collect();
    Ok(Some(json!({ "Errors": errors })))
}

/// A partition as GetPartitions prints it.
fn partition_json(t: &Table, p: &Partition) -> Value {
    let mut sd = table_json(t)["StorageDescriptor"].clone();
    sd["Location"] = json!(p.location);
    json!({
        "Values": p.values,
        "DatabaseName": t.database,
        "TableName": t.name,
        "CreationTime": t.create_time.map(|c| c.to_rfc3339()),
        "LastAccessTime": t.update_time.map(|c| c.to_rfc3339()),
        "StorageDescriptor": sd,
        "Parameters": {},
        "CatalogId": ACCOUNT_ID,
    })
}

/// GetPartitions.
pub(crate) fn get_partitions(
    catalog: &Catalog,
    database: &str,
    table: &str,
    expression: Option<&str>,
) -> Result<Option<Value>, ApiError> {
    let t = api(catalog.get_table(database, table))?;
    let partitions = api(catalog.get_partitions(database, table, expression))?;
    Ok(Some(json!({ "Partitions": partitions.iter().map(|p| partition_json(&t, p)).collect::<Vec<_>>() })))
}

/// DeletePartition.
pub(crate) async fn delete_partition(
    catalog: &Catalog,
    database: &str,
    table: &str,
    values: &[String],
) -> Result<Option<Value>, ApiError> {
    api(catalog.delete_partition(database, table, values).await)?;
    Ok(None)
}

/// The classifier a `CreateCsvClassifierRequest` or `CreateJsonClassifierRequest` describes.
fn classifier_from(kind: ClassifierKind, input: &Value) -> Result<puddle_crawler::classifiers::Classifier, ApiError> {
    let text = |k: &str| input.get(k).and_then(Value::as_str);
    let name = text("Name").unwrap_or_default().to_string();
    let classifier = match kind {
        ClassifierKind::Json => {
            puddle_api::ClassifierInput::Json { name, json_path: text("JsonPath").unwrap_or_default().to_string() }
        }
        ClassifierKind::Csv => puddle_api::ClassifierInput::Csv {
            name,
            delimiter: text("Delimiter").map(str::to_string),
            quote_symbol: text("QuoteSymbol").map(str::to_string),
            contains_header: text("ContainsHeader").map(str::to_string),
            header: match input.get("Header") {
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                Some(Value::String(s)) => s.split(',').map(str::to_string).collect(),
                _ => Vec::new(),
            },
        },
    };
    crate::crawlers::classifier_of(&classifier)
}

/// CreateClassifier.
pub(crate) async fn create_classifier(
    store: &std::sync::Arc<dyn object_store::ObjectStore>,
    kind: ClassifierKind,
    input: &Value,
) -> Result<Option<Value>, ApiError> {
    api(puddle_crawler::classifiers::create_classifier(store, classifier_from(kind, input)?).await)?;
    Ok(None)
}

/// UpdateClassifier: the given definition replaces the stored one (same kind).
pub(crate) async fn update_classifier(
    store: &std::sync::Arc<dyn object_store::ObjectStore>,
    kind: ClassifierKind,
    input: &Value,
) -> Result<Option<Value>, ApiError> {
    api(puddle_crawler::classifiers::update_classifier(store, classifier_from(kind, input)?).await)?;
    Ok(None)
}

/// A classifier as GetClassifier prints it (`CsvClassifier` or `JsonClassifier`).
pub(crate) fn classifier_json(c: &puddle_crawler::classifiers::Classifier) -> Value {
    use puddle_crawler::classifiers::Classifier;
    match c {
        Classifier::Csv(c) => json!({
            "CsvClassifier": {
                "Name": c.name,
                "CreationTime": c.creation_time.to_rfc3339(),
                "LastUpdated": c.last_updated.unwrap_or(c.creation_time).to_rfc3339(),
                "Version": c.version,
                "Delimiter": c.delimiter.to_string(),
                "QuoteSymbol": c.quote_symbol.to_string(),
                "ContainsHeader": c.contains_header,
                "Header": c.header,
                "DisableValueTrimming": false,
                "AllowSingleColumn": false,
            }
        }),
        Classifier::Json(j) => json!({
            "JsonClassifier": {
                "Name": j.name,
                "CreationTime": j.creation_time.to_rfc3339(),
                "LastUpdated": j.last_updated.unwrap_or(j.creation_time).to_rfc3339(),
                "Version": j.version,
                "JsonPath": j.json_path,
            }
        }),
    }
}
