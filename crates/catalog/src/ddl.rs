//! Athena-style DDL for a catalog record: what `SHOW CREATE TABLE` prints and the catalog
//! browser shows. The text parses back with Athena's (and Puddle's) `CREATE EXTERNAL TABLE`.

use crate::Table;

/// Hive SerDe and input/output formats Athena prints for each classification.
fn storage(classification: &str) -> (&'static str, &'static str, &'static str) {
    match classification {
        "parquet" => (
            "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
            "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        ),
        "json" => (
            "org.openx.data.jsonserde.JsonSerDe",
            "org.apache.hadoop.mapred.TextInputFormat",
            "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        ),
        _ => (
            "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
            "org.apache.hadoop.mapred.TextInputFormat",
            "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        ),
    }
}

/// Quotes a string literal the way Hive DDL does (`'` doubled is not Hive; backslash-escape).
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The `CREATE EXTERNAL TABLE` (or `CREATE VIEW`) statement that recreates `table`, laid out
/// as Athena's `SHOW CREATE TABLE` lays it out.
pub fn create_table_ddl(table: &Table) -> String {
    let name = format!("`{}`.`{}`", table.database, table.name);
    if table.is_view() {
        return format!("CREATE VIEW {name} AS\n{}", table.view_original_text.as_deref().unwrap_or_default().trim());
    }
    let columns = |cols: &[crate::Column]| {
        cols.iter()
            .map(|c| match &c.comment {
                Some(comment) => format!("  `{}` {} COMMENT {}", c.name, c.data_type, literal(comment)),
                None => format!("  `{}` {}", c.name, c.data_type),
            })
            .collect::<Vec<_>>()
            .join(", \n")
    };
    let mut out = format!("CREATE EXTERNAL TABLE {name}(\n{})\n", columns(&table.columns));
    if !table.partition_keys.is_empty() {
        out.push_str(&format!("PARTITIONED BY ( \n{})\n", columns(&table.partition_keys)));
    }
    let (serde, input, output) = storage(&table.classification);
    match (table.classification.as_str(), table.parameters.get("field.delim")) {
        ("csv", Some(delim)) => {
            out.push_str(&format!("ROW FORMAT DELIMITED \n  FIELDS TERMINATED BY {} \n", literal(delim)));
        }
        _ => out.push_str(&format!("ROW FORMAT SERDE \n  {} \n", literal(serde))),
    }
    out.push_str(&format!("STORED AS INPUTFORMAT \n  {} \nOUTPUTFORMAT \n  {}\n", literal(input), literal(output)));
    out.push_str(&format!("LOCATION\n  {}\n", literal(&table.location)));
    let mut props = vec![("classification".to_string(), table.classification.clone())];
    props.extend(
        table
            .parameters
            .iter()
            .filter(|(k, _)| *k != "field.delim" && *k != "classification" && !k.starts_with("puddle."))
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    let props: Vec<String> = props.iter().map(|(k, v)| format!("  {}={}", literal(k), literal(v))).collect();
    out.push_str(&format!("TBLPROPERTIES (\n{})", props.join(", \n")));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Column;

    #[test]
    fn csv_table_with_partitions_reads_like_athena() {
        let mut t = Table::new(
            "sales_db",
            "sales",
            "s3://raw/sales/",
            "csv",
            vec![Column::new("id", "bigint"), Column::new("region", "string")],
        );
        t.partition_keys = vec![Column::new("year", "string")];
        t.parameters.insert("field.delim".into(), ",".into());
        t.parameters.insert("skip.header.line.count".into(), "1".into());
        t.parameters.insert("puddle.partitionStyle".into(), "hive".into());
        let ddl = create_table_ddl(&t);
        assert_eq!(
            ddl,
            "CREATE EXTERNAL TABLE `sales_db`.`sales`(\n  `id` bigint, \n  `region` string)\n\
             PARTITIONED BY ( \n  `year` string)\n\
             ROW FORMAT DELIMITED \n  FIELDS TERMINATED BY ',' \n\
             STORED AS INPUTFORMAT \n  'org.apache.hadoop.mapred.TextInputFormat' \n\
             OUTPUTFORMAT \n  'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n\
             LOCATION\n  's3://raw/sales/'\n\
             TBLPROPERTIES (\n  'classification'='csv', \n  'skip.header.line.count'='1')"
        );
    }

    #[test]
    fn parquet_tables_name_their_serde_and_views_print_their_sql() {
        let t = Table::new("db", "p", "s3://b/p/", "parquet", vec![Column::new("a", "int")]);
        let ddl = create_table_ddl(&t);
        assert!(ddl.contains("ROW FORMAT SERDE \n  'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'"));
        assert!(!ddl.contains("PARTITIONED BY"));
        let v = Table::view("db", "v", "SELECT a FROM p", vec![Column::new("a", "int")]);
        assert_eq!(create_table_ddl(&v), "CREATE VIEW `db`.`v` AS\nSELECT a FROM p");
        let quoted = Table::new("db", "q", "s3://b/it's/", "json", vec![Column::new("a", "int")]);
        assert!(create_table_ddl(&quoted).contains(r"'s3://b/it\'s/'"));
    }
}
