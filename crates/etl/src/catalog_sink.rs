//! Outputs tied to a catalog table: `write_dynamic_frame.from_catalog` (write into an existing
//! table's location, format and partitions) and Glue Studio's `getSink(enableUpdateCatalog=True)`
//! (create the table after the run, or update its schema, and add the new partitions).

use puddle_catalog::{arrow_to_hive, Column, Table, EXTERNAL_TABLE};
use puddle_sql::SqlEngine;

use crate::{
    translate::{CatalogMode, Sink},
    Error, Result,
};

/// Gives each `from_catalog` output its table's location, format and partition keys.
pub(crate) fn resolve_targets(sql: &SqlEngine, sinks: &mut [Sink]) -> Result<()> {
    for sink in sinks {
        let Some(target) = sink.catalog.as_ref().filter(|t| t.mode == CatalogMode::WriteTo) else { continue };
        let table = sql.catalog().get_table(&target.database, &target.table).map_err(puddle_sql::Error::from)?;
        if table.is_view() {
            return Err(Error::InvalidInput(format!("{} is a view: a job cannot write to it", table.qualified_name())));
        }
        sink.format = match table.classification.as_str() {
            "parquet" | "csv" | "json" => table.classification.clone(),
            other => {
                return Err(Error::InvalidInput(format!(
                    "{} is classified '{other}': write_dynamic_frame.from_catalog writes parquet, csv or json tables",
                    table.qualified_name()
                )))
            }
        };
        sink.path = table.location.clone();
        let keys: Vec<String> = table.partition_keys.iter().map(|k| k.name.clone()).collect();
        if sink.partition_keys.is_empty() {
            sink.partition_keys = keys;
        } else if !sink.partition_keys.iter().map(|k| k.to_ascii_lowercase()).eq(keys.iter().cloned()) {
            return Err(Error::InvalidInput(format!(
                "partitionKeys {:?} differ from the partition keys of {} ({keys:?})",
                sink.partition_keys,
                table.qualified_name()
            )));
        }
    }
    Ok(())
}

/// After the output of `sink` was written: creates or updates its catalog table and adds the
/// partitions the run wrote. Returns log lines.
pub(crate) async fn update_catalog(sql: &SqlEngine, sink: &Sink) -> Result<Vec<String>> {
    let Some(target) = &sink.catalog else { return Ok(Vec::new()) };
    let mut log = Vec::new();
    let catalog = sql.catalog();
    let existing = catalog.get_table(&target.database, &target.table).ok();
    if let CatalogMode::CreateOrUpdate { update_schema } = target.mode {
        let schema = sql.query_batches(&format!("SELECT * FROM ({}) AS t LIMIT 0", sink.sql), None).await?.schema;
        let is_key = |name: &str| sink.partition_keys.iter().any(|k| k.eq_ignore_ascii_case(name));
        let columns: Vec<Column> = schema
            .fields()
            .iter()
            .filter(|f| !is_key(f.name()))
            .map(|f| Column::new(f.name().to_ascii_lowercase(), arrow_to_hive(f.data_type())))
            .collect();
        let keys: Vec<Column> = sink
            .partition_keys
            .iter()
            .map(|k| {
                let field = schema.fields().iter().find(|f| f.name().eq_ignore_ascii_case(k));
                Column::new(k.to_ascii_lowercase(), field.map_or("string".into(), |f| arrow_to_hive(f.data_type())))
            })
            .collect();
        match existing {
            None => {
                let table = Table {
                    database: target.database.clone(),
                    name: target.table.clone(),
                    location: sink.path.clone(),
                    classification: sink.format.clone(),
                    columns,
                    partition_keys: keys,
                    partitions: Vec::new(),
                    parameters: parameters(&sink.format),
                    create_time: None,
                    update_time: None,
                    table_type: EXTERNAL_TABLE.into(),
                    view_original_text: None,
                    version_id: 0,
                };
                let table = catalog.put_table(table).await.map_err(puddle_sql::Error::from)?;
                log.push(format!("Created catalog table {}", table.qualified_name()));
            }
            Some(mut table) if update_schema && (table.columns != columns || table.partition_keys != keys) => {
                table.columns = columns;
                table.partition_keys = keys;
                let table = catalog.put_table(table).await.map_err(puddle_sql::Error::from)?;
                log.push(format!(
                    "Updated the schema of catalog table {} (version {})",
                    table.qualified_name(),
                    table.version_id
                ));
            }
            Some(table) if table.columns != columns => {
                log.push(format!(
                    "Schema of {} differs from the output: kept (updateBehavior LOG)",
                    table.qualified_name()
                ));
            }
            Some(_) => {}
        }
    }
    if !sink.partition_keys.is_empty() {
        let name = format!("\"{}\".\"{}\"", target.database, target.table);
        let repaired = sql.run(&format!("MSCK REPAIR TABLE {name}"), None).await?;
        // MSCK answers two lines per partition it added.
        let added = repaired.rows.len() / 2;
        if added > 0 {
            log.push(format!("Added {added} partition(s) to catalog table {}.{}", target.database, target.table));
        }
    }
    Ok(log)
}

/// Table parameters for an output format, as Glue writes them.
fn parameters(format: &str) -> std::collections::BTreeMap<String, String> {
    let mut p = std::collections::BTreeMap::new();
    p.insert("classification".to_string(), format.to_string());
    if format == "csv" {
        // The job writes a header line and commas.
        p.insert("skip.header.line.count".into(), "1".into());
        p.insert("field.delim".into(), ",".into());
    }
    p
}
