//! Runs the Athena DDL of [`crate::athena_ddl`] against the Data Catalog. All of it is free.

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore};
use puddle_api::{QueryResult, QueryStats};
use puddle_catalog::{Partition, Table};
use serde_json::Value;

use crate::{
    athena_ddl::{CreateTable, Name, PartitionSpec, Statement},
    tables::{infer_columns, ReadOptions, ESCAPE_CHAR, FIELD_DELIM, QUOTE_CHAR, SKIP_HEADER},
    Error, Result, SqlEngine,
};

/// A result of `varchar` columns.
pub(crate) fn text_result(columns: &[&str], rows: Vec<Vec<String>>) -> QueryResult {
    QueryResult {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        column_types: columns.iter().map(|_| "varchar".to_string()).collect(),
        rows: rows.into_iter().map(|r| r.into_iter().map(Value::from).collect()).collect(),
        stats: QueryStats::free(0.0),
    }
}

/// Glob of `SHOW TABLES 'pattern'`: `*` any text, `|` alternatives, case-insensitive.
fn matches_pattern(pattern: &str, name: &str) -> bool {
    puddle_glob::matches(pattern, puddle_glob::Dialect::Names { ignore_case: true }, name)
}

/// `s3://bucket/a/b/` as the store folder `bucket/a/b`.
fn folder(location: &str) -> Result<Path> {
    let uri: puddle_api::S3Uri = location.parse().map_err(|e: puddle_api::S3UriError| Error::Query(e.to_string()))?;
    Ok(Path::from_iter(std::iter::once(uri.bucket.as_str()).chain(uri.key.split('/').filter(|s| !s.is_empty()))))
}

fn with_slash(location: &str) -> String {
    if location.ends_with('/') {
        location.to_string()
    } else {
        format!("{location}/")
    }
}

impl SqlEngine {
    /// The database a name lives in: its own, or the current one; Redshift schemas resolve to theirs.
    pub(crate) fn resolve_database(&self, database: Option<&str>, current: &str) -> String {
        let db = database.unwrap_or(current).to_ascii_lowercase();
        self.catalog.external_schemas().into_iter().find(|(s, _)| *s == db).map(|(_, d)| d).unwrap_or(db)
    }

    fn table_of(&self, name: &Name, current: &str) -> Result<Table> {
        Ok(self.catalog.get_table(&self.resolve_database(name.database.as_deref(), current), &name.table)?)
    }

    /// Runs one parsed statement with `current` as the current database.
    pub(crate) async fn run_athena_ddl(&self, stmt: Statement, current: &str) -> Result<QueryResult> {
        match stmt {
            Statement::CreateTable(t) => {
                self.create_hive_table(*t, current).await?;
                Ok(text_result(&[], Vec::new()))
            }
            Statement::CreateDatabase { name, if_not_exists, info } => {
                self.catalog.create_database_with(&name, if_not_exists, info).await?;
                Ok(text_result(&[], Vec::new()))
            }
            Statement::DropDatabase { name, if_exists, cascade } => {
                let db = match self.catalog.get_database(&name) {
                    Ok(db) => db,
                    Err(_) if if_exists => return Ok(text_result(&[], Vec::new())),
                    Err(e) => return Err(e.into()),
                };
                if !cascade && !self.catalog.tables(Some(&db.name)).is_empty() {
                    return Err(Error::Query(format!(
                        "Database {} is not empty. One or more tables exist. Use DROP DATABASE {} CASCADE",
                        db.name, db.name
                    )));
                }
                self.catalog.delete_database(&db.name).await?;
                Ok(text_result(&[], Vec::new()))
            }
            Statement::ShowTables { database, pattern, views_only } => {
                let db = self.resolve_database(database.as_deref(), current);
                self.catalog.get_database(&db)?;
                let rows = self
                    .catalog
                    .tables(Some(&db))
                    .into_iter()
                    .filter(|t| !views_only || t.is_view())
                    .filter(|t| pattern.as_deref().is_none_or(|p| matches_pattern(p, &t.name)))
                    .map(|t| vec![t.name])
                    .collect();
                Ok(text_result(&[if views_only { "views" } else { "tab_name" }], rows))
            }
            Statement::ShowColumns(name) => {
                let t = self.table_of(&name, current)?;
                let rows = t.columns.iter().chain(&t.partition_keys).map(|c| vec![c.name.clone()]).collect();
                Ok(text_result(&["field"], rows))
            }
            Statement::Describe(name) => {
                let t = self.table_of(&name, current)?;
                Ok(text_result(&["col_name", "data_type", "comment"], describe_rows(&t, false)))
            }
            Statement::DescribeDetailed(name) => {
                let t = self.table_of(&name, current)?;
                Ok(text_result(&["col_name", "data_type", "comment"], describe_rows(&t, true)))
            }
            Statement::ShowCreateTable { name, view } => {
                let t = self.table_of(&name, current)?;
                if view != t.is_view() {
                    let what = if view { "a view" } else { "a table" };
                    return Err(Error::Query(format!(
                        "{} is not {what}; use SHOW CREATE {}",
                        t.qualified_name(),
                        if view { "TABLE" } else { "VIEW" }
                    )));
                }
                let ddl = puddle_catalog::create_table_ddl(&t);
                Ok(text_result(&["createtab_stmt"], ddl.lines().map(|l| vec![l.to_string()]).collect()))
            }
            Statement::ShowPartitions(name) => {
                let t = self.table_of(&name, current)?;
                if t.partition_keys.is_empty() {
                    return Err(Error::Query(format!("Table {} is not partitioned", t.qualified_name())));
                }
                let mut rows: Vec<Vec<String>> = t
                    .partitions
                    .iter()
                    .map(|p| {
                        let parts: Vec<String> =
                            t.partition_keys.iter().zip(&p.values).map(|(k, v)| format!("{}={v}", k.name)).collect();
                        vec![parts.join("/")]
                    })
                    .collect();
                rows.sort();
                Ok(text_result(&["partition"], rows))
            }
            Statement::MsckRepair(name) => {
                let t = self.table_of(&name, current)?;
                self.msck_repair(t).await
            }
            Statement::AddPartitions { name, if_not_exists, partitions } => {
                let mut t = self.table_of(&name, current)?;
                for spec in partitions {
                    let values = partition_values(&t, &spec)?;
                    if t.partitions.iter().any(|p| p.values == values) {
                        if if_not_exists {
                            continue;
                        }
                        return Err(Error::Catalog(puddle_catalog::Error::AlreadyExists {
                            entity: "Partition",
                            name: format!("{} {values:?}", t.qualified_name()),
                        }));
                    }
                    let location = match spec.location {
                        Some(l) => with_slash(&l),
                        None => format!("{}{}/", with_slash(&t.location), hive_folder(&t, &values)),
                    };
                    t.partitions.push(Partition { values, location });
                }
                self.catalog.put_table(t).await?;
                Ok(text_result(&[], Vec::new()))
            }
            Statement::SetTblProperties { name, properties } => {
                let mut t = self.table_of(&name, current)?;
                t.parameters.extend(properties);
                self.catalog.put_table(t).await?;
                Ok(text_result(&[], Vec::new()))
            }
            Statement::AddColumns { name, columns } => {
                let mut t = self.table_of(&name, current)?;
                if t.is_view() {
                    return Err(Error::Query(format!("{} is a view", t.qualified_name())));
                }
                for c in columns {
                    if t.columns.iter().chain(&t.partition_keys).any(|e| e.name == c.name) {
                        return Err(Error::Query(format!("Column '{}' already exists", c.name)));
                    }
                    t.columns.push(c);
                }
                self.catalog.put_table(t).await?;
                Ok(text_result(&[], Vec::new()))
            }
            Statement::DropPartitions { name, if_exists, partitions } => {
                let mut t = self.table_of(&name, current)?;
                for spec in partitions {
                    let values = partition_values(&t, &spec)?;
                    let before = t.partitions.len();
                    t.partitions.retain(|p| p.values != values);
                    if t.partitions.len() == before && !if_exists {
                        return Err(Error::Catalog(puddle_catalog::Error::EntityNotFound {
                            entity: "Partition",
                            name: format!("{} {values:?}", t.qualified_name()),
                        }));
                    }
                }
                self.catalog.put_table(t).await?;
                Ok(text_result(&[], Vec::new()))
            }
        }
    }

    async fn create_hive_table(&self, c: CreateTable, current: &str) -> Result<()> {
        let db = self.resolve_database(c.name.database.as_deref(), current);
        let name = c.name.table.to_ascii_lowercase();
        if self.catalog.get_table(&db, &name).is_ok() {
            return if c.if_not_exists {
                Ok(())
            } else {
                Err(puddle_catalog::Error::AlreadyExists { entity: "Table", name: format!("{db}.{name}") }.into())
            };
        }
        self.catalog.get_database(&db)?;
        if let Some(bad) =
            c.columns.iter().chain(&c.partition_keys).find(|col| crate::hive_to_arrow(&col.data_type).is_none())
        {
            return Err(Error::Query(format!("Unknown type '{}' for column '{}'", bad.data_type, bad.name)));
        }
        if let Some(dup) = c.partition_keys.iter().find(|k| c.columns.iter().any(|col| col.name == k.name)) {
            return Err(Error::Query(format!("Column repeated in partitioning columns: {}", dup.name)));
        }
        let format = puddle_api::DataFormat::parse(&c.classification)
            .ok_or_else(|| Error::NotSupported(format!("format {} is not supported", c.classification)))?;
        let has_header = match c.properties.get(SKIP_HEADER) {
            Some(n) => n.trim() != "0",
            None => c.header_by_default,
        };
        let one_byte = |value: Option<&str>, what: &str| match value.map(str::as_bytes) {
            None => Ok(None),
            Some([b]) => Ok(Some(*b)),
            Some(_) => Err(Error::Query(format!("{what} must be a single character"))),
        };
        let delimiter = one_byte(c.delimiter.as_deref(), "FIELDS TERMINATED BY (the field delimiter)")?.unwrap_or(b',');
        let quote = one_byte(c.quote.as_deref(), "quoteChar")?.unwrap_or(b'"');
        let escape = one_byte(c.escape.as_deref(), "ESCAPED BY (the escape character)")?;
        let columns = if c.columns.is_empty() {
            let mut inferred = infer_columns(
                &self.session_state().await?,
                &c.location,
                ReadOptions { format, has_header, delimiter, quote, escape },
            )
            .await?;
            inferred.retain(|col| !c.partition_keys.iter().any(|k| k.name == col.name));
            inferred
        } else {
            c.columns
        };
        let mut table = Table::new(&db, &name, &c.location, format.classification(), columns);
        table.partition_keys = c.partition_keys;
        table.parameters = c.properties;
        table.parameters.insert("classification".into(), format.classification().into());
        if format == puddle_api::DataFormat::Csv {
            table.parameters.insert(SKIP_HEADER.into(), if has_header { "1" } else { "0" }.into());
            table.parameters.insert(FIELD_DELIM.into(), (delimiter as char).to_string());
            if quote != b'"' {
                table.parameters.insert(QUOTE_CHAR.into(), (quote as char).to_string());
            }
            if let Some(escape) = escape {
                table.parameters.insert(ESCAPE_CHAR.into(), (escape as char).to_string());
            }
        } else if c.delimiter.is_some() || c.quote.is_some() || c.escape.is_some() {
            return Err(Error::Query(format!(
                "Field delimiter, quote and escape characters apply to CSV (text) tables, not to {} tables",
                format.classification()
            )));
        }
        self.catalog.put_table(table).await?;
        Ok(())
    }

    /// MSCK REPAIR TABLE: adds the Hive `k=v/` folders under the table's location that the
    /// catalog does not list yet. Returns Athena's report lines.
    async fn msck_repair(&self, mut t: Table) -> Result<QueryResult> {
        if t.partition_keys.is_empty() {
            return Err(Error::Query(format!("Table {} is not partitioned", t.qualified_name())));
        }
        let root = folder(&t.location)?;
        let metas: Vec<_> =
            self.store.list(Some(&root)).try_collect().await.map_err(|e| Error::Query(e.to_string()))?;
        let depth = root.parts().count();
        let mut found = std::collections::BTreeSet::new();
        for meta in metas {
            let parts: Vec<String> = meta.location.parts().skip(depth).map(|p| p.as_ref().to_string()).collect();
            if parts.len() <= t.partition_keys.len() {
                continue; // a file directly in a partition-key folder level, or at the root
            }
            let values: Option<Vec<String>> = t
                .partition_keys
                .iter()
                .zip(&parts)
                .map(|(k, folder)| {
                    let (key, value) = folder.split_once('=')?;
                    key.eq_ignore_ascii_case(&k.name).then(|| value.to_string())
                })
                .collect();
            if let Some(values) = values {
                found.insert(values);
            }
        }
        let mut rows = Vec::new();
        let mut added = Vec::new();
        for values in found {
            if t.partitions.iter().any(|p| p.values == values) {
                continue;
            }
            let folder = hive_folder(&t, &values);
            rows.push(vec![format!("Partitions not in metastore:\t{}:{folder}", t.name)]);
            added.push(format!("Repair: Added partition to metastore {}:{folder}", t.name));
            let location = format!("{}{folder}/", with_slash(&t.location));
            t.partitions.push(Partition { values, location });
        }
        rows.extend(added.into_iter().map(|l| vec![l]));
        if !rows.is_empty() {
            self.catalog.put_table(t).await?;
        }
        Ok(text_result(&["result"], rows))
    }
}

/// The values of `spec` in the table's partition-key order; every key must be given once.
fn partition_values(t: &Table, spec: &PartitionSpec) -> Result<Vec<String>> {
    if t.partition_keys.is_empty() {
        return Err(Error::Query(format!("Table {} is not partitioned", t.qualified_name())));
    }
    if let Some((k, _)) = spec.values.iter().find(|(k, _)| !t.partition_keys.iter().any(|p| p.name == *k)) {
        return Err(Error::Query(format!("Partition key {k} is not a partition column of {}", t.qualified_name())));
    }
    t.partition_keys
        .iter()
        .map(|p| {
            spec.values.iter().find(|(k, _)| *k == p.name).map(|(_, v)| v.clone()).ok_or_else(|| {
                Error::Query(format!("Partition spec must give every partition column; {} is missing", p.name))
            })
        })
        .collect()
}

/// `k1=v1/k2=v2`.
fn hive_folder(t: &Table, values: &[String]) -> String {
    t.partition_keys.iter().zip(values).map(|(k, v)| format!("{}={v}", k.name)).collect::<Vec<_>>().join("/")
}

/// DESCRIBE's rows: columns, then partition keys; with `detailed` (FORMATTED, EXTENDED) also the
/// table's database, creation time, location, type and parameters, as Hive lays them out.
fn describe_rows(t: &Table, detailed: bool) -> Vec<Vec<String>> {
    let row = |a: &str, b: &str, c: &str| vec![a.to_string(), b.to_string(), c.to_string()];
    let column = |c: &puddle_catalog::Column| row(&c.name, &c.data_type, c.comment.as_deref().unwrap_or_default());
    let mut rows: Vec<Vec<String>> = t.columns.iter().chain(&t.partition_keys).map(column).collect();
    if !t.partition_keys.is_empty() {
        rows.push(row("", "", ""));
        rows.push(row("# Partition Information", "", ""));
        rows.push(row("# col_name", "data_type", "comment"));
        rows.push(row("", "", ""));
        rows.extend(t.partition_keys.iter().map(column));
    }
    if detailed {
        rows.push(row("", "", ""));
        rows.push(row("# Detailed Table Information", "", ""));
        rows.push(row("Database:", &t.database, ""));
        let created = t.create_time.map(|c| c.to_rfc3339()).unwrap_or_default();
        rows.push(row("CreateTime:", &created, ""));
        rows.push(row("Location:", &t.location, ""));
        rows.push(row("Table Type:", &t.table_type, ""));
        rows.push(row("Table Parameters:", "", ""));
        rows.extend(t.parameters.iter().map(|(k, v)| row("", k, v)));
    }
    rows
}

#[cfg(test)]
mod tests {
    #[test]
    fn show_tables_patterns() {
        assert!(super::matches_pattern("sa*", "sales"));
        assert!(super::matches_pattern("x|SALES", "sales"));
        assert!(!super::matches_pattern("sa", "sales"));
    }
}
