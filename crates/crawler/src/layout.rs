//! From object keys to tables and partitions, the way Glue groups folders.
//!
//! Under a crawler target, either the target itself is one table (files directly in it, or only
//! Hive `key=value/` folders, or sibling folders with similar schemas), or each first-level
//! folder is a table of its own. Below a table's root, folders are partitions: `key=value/`
//! gives the partition key `key`; any other folder name gives `partition_0`, `partition_1`, ...

use std::collections::BTreeMap;

use puddle_catalog::Column;

use crate::merge::{merge_columns, similarity};

/// Schemas at least this alike (Jaccard of column names) are "similar" (Glue's threshold idea).
const SIMILAR: f64 = 0.7;

/// One data file found under the target, with its schema.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSchema {
    /// Path relative to the target folder (`2025/sales.csv`).
    pub rel: String,
    /// Classification (`csv`, `json`, `parquet`).
    pub classification: String,
    /// Columns of this file.
    pub columns: Vec<Column>,
}

/// A table the crawler will create or update.
#[derive(Debug, Clone, PartialEq)]
pub struct TablePlan {
    /// Name from the folder (sanitized), before the crawler's table prefix.
    pub name: String,
    /// Root folder relative to the target (`""` for the target itself, else `sales/`).
    pub root: String,
    /// Classification shared by its files.
    pub classification: String,
    /// Merged data columns.
    pub columns: Vec<Column>,
    /// Partition keys (`string`), outermost first.
    pub partition_keys: Vec<String>,
    /// Partition values -> folder (relative to the target).
    pub partitions: BTreeMap<Vec<String>, String>,
    /// Files of the table (relative to the target).
    pub files: Vec<String>,
    /// Files left out, with why.
    pub skipped: Vec<(String, String)>,
}

/// Groups files into tables. `target_name` names a table rooted at the target.
///
/// A target that is a whole bucket makes each first-level folder a table unless the folders are
/// similar; a target folder (`s3://b/sales/`) with a single subfolder (`2025/`) is one table with
/// that folder as a partition, as Glue does.
pub fn plan_tables(target_name: &str, files: &[FileSchema], target_is_bucket: bool) -> Vec<TablePlan> {
    if files.is_empty() {
        return Vec::new();
    }
    let top = |f: &FileSchema| f.rel.split_once('/').map(|(dir, _)| dir.to_string());
    let direct = files.iter().any(|f| top(f).is_none());
    let mut folders: BTreeMap<String, Vec<&FileSchema>> = BTreeMap::new();
    for f in files {
        if let Some(dir) = top(f) {
            folders.entry(dir).or_default().push(f);
        }
    }
    let all_hive = folders.keys().all(|d| d.contains('='));
    let merged: Vec<Vec<Column>> = folders.values().map(|fs| merged_columns(fs)).collect();
    let similar = merged.windows(2).all(|w| similarity(&w[0], &w[1]) >= SIMILAR);
    let single_folder = folders.len() == 1 && !target_is_bucket;
    if direct || all_hive || single_folder || (folders.len() >= 2 && similar) {
        return vec![table(target_name, "", files.iter().collect())];
    }
    folders.into_iter().map(|(dir, fs)| table(&dir, &format!("{dir}/"), fs)).collect()
}

fn merged_columns(files: &[&FileSchema]) -> Vec<Column> {
    let mut cols = Vec::new();
    for f in files {
        merge_columns(&mut cols, &f.columns);
    }
    cols
}

fn table(name: &str, root: &str, files: Vec<&FileSchema>) -> TablePlan {
    // The most common classification wins; other files are skipped (Glue would split them).
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &files {
        *counts.entry(f.classification.as_str()).or_default() += 1;
    }
    let classification = counts.iter().max_by_key(|(_, n)| **n).map(|(c, _)| c.to_string()).unwrap_or_default();
    // Partition depth: the most common folder depth below the root.
    let depth_of = |f: &FileSchema| f.rel[root.len()..].matches('/').count();
    let mut depths: BTreeMap<usize, usize> = BTreeMap::new();
    for f in &files {
        *depths.entry(depth_of(f)).or_default() += 1;
    }
    let depth = depths.iter().max_by_key(|(d, n)| (**n, std::cmp::Reverse(**d))).map(|(d, _)| *d).unwrap_or(0);

    let mut plan = TablePlan {
        name: sanitize(name),
        root: root.to_string(),
        classification: classification.clone(),
        columns: Vec::new(),
        partition_keys: Vec::new(),
        partitions: BTreeMap::new(),
        files: Vec::new(),
        skipped: Vec::new(),
    };
    for f in files {
        if f.classification != classification {
            plan.skipped.push((f.rel.clone(), format!("{} file in a {classification} table", f.classification)));
            continue;
        }
        if depth_of(f) != depth {
            plan.skipped
                .push((f.rel.clone(), format!("at folder depth {}, the table's files are at {depth}", depth_of(f))));
            continue;
        }
        let dirs: Vec<&str> = f.rel[root.len()..].split('/').collect();
        let dirs = &dirs[..dirs.len() - 1];
        let keys: Vec<String> = dirs
            .iter()
            .enumerate()
            .map(|(i, d)| d.split_once('=').map_or(format!("partition_{i}"), |(k, _)| k.to_ascii_lowercase()))
            .collect();
        if plan.partition_keys.is_empty() {
            plan.partition_keys = keys.clone();
        } else if plan.partition_keys != keys {
            plan.skipped.push((
                f.rel.clone(),
                format!("partition folders {dirs:?} do not match keys {:?}", plan.partition_keys),
            ));
            continue;
        }
        let values: Vec<String> =
            dirs.iter().map(|d| d.split_once('=').map_or(d.to_string(), |(_, v)| v.to_string())).collect();
        if !dirs.is_empty() {
            plan.partitions
                .insert(values, format!("{root}{}", dirs.iter().map(|d| format!("{d}/")).collect::<String>()));
        }
        merge_columns(&mut plan.columns, &f.columns);
        plan.files.push(f.rel.clone());
    }
    // A partition key that is also a data column (`region=NSW/` over files with a `region`
    // column) would make two columns of one name, which Athena refuses. Formats read by name
    // (Parquet, JSON) drop the data column: the folder gives the value. CSV is read by position,
    // so its column stays, renamed `<name>_data`, and the key keeps the name (and the pruning).
    let keys = plan.partition_keys.clone();
    let clashes = |c: &Column| keys.iter().any(|k| k.eq_ignore_ascii_case(&c.name));
    if plan.classification == "csv" {
        for c in plan.columns.iter_mut().filter(|c| clashes(c)) {
            c.name = format!("{}_data", c.name);
        }
    } else {
        plan.columns.retain(|c| !clashes(c));
    }
    plan
}

/// A Glue table name from a folder name: lowercase letters, digits and `_`.
pub fn sanitize(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if s.is_empty() {
        "table".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(rel: &str, cols: &[&str]) -> FileSchema {
        FileSchema {
            rel: rel.into(),
            classification: "csv".into(),
            columns: cols.iter().map(|c| Column::new(*c, "string")).collect(),
        }
    }

    #[test]
    fn files_in_the_target_make_one_table() {
        let plans = plan_tables("raw", &[f("a.csv", &["id"]), f("b.csv", &["id", "x"])], true);
        assert_eq!(plans.len(), 1);
        assert_eq!((plans[0].name.as_str(), plans[0].columns.len()), ("raw", 2));
        assert!(plans[0].partition_keys.is_empty());
        assert!(plans[0].partitions.is_empty(), "a table without partition keys has no partitions");
    }

    #[test]
    fn hive_folders_become_partition_keys() {
        let plans = plan_tables(
            "sales",
            &[
                f("year=2024/month=01/a.csv", &["id"]),
                f("year=2025/month=02/b.csv", &["id"]),
                f("year=2025/month=03/c.csv", &["id"]),
            ],
            false,
        );
        assert_eq!(plans.len(), 1);
        assert_eq!(plans[0].partition_keys, ["year", "month"]);
        assert_eq!(plans[0].partitions.len(), 3);
        assert_eq!(plans[0].partitions[&vec!["2025".to_string(), "02".to_string()]], "year=2025/month=02/");
    }

    #[test]
    fn different_folders_become_tables_and_similar_ones_partitions() {
        let tables =
            plan_tables("raw", &[f("sales/a.csv", &["id", "region"]), f("customers/c.csv", &["cid", "name"])], true);
        let names: Vec<_> = tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["customers", "sales"]);
        assert_eq!(tables[1].root, "sales/");

        let parts =
            plan_tables("sales", &[f("2024/a.csv", &["id", "region"]), f("2025/b.csv", &["id", "region"])], false);
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].partition_keys, ["partition_0"]);

        let one = plan_tables("raw", &[f("sales-data/a.csv", &["id"])], true);
        assert_eq!((one[0].name.as_str(), one[0].root.as_str()), ("sales_data", "sales-data/"));
        // Under a target folder, one plain subfolder is a partition of the target's table.
        let nested = plan_tables("sales", &[f("2025/01/a.csv", &["id"]), f("2025/02/b.csv", &["id"])], false);
        assert_eq!((nested.len(), nested[0].name.as_str(), nested[0].root.as_str()), (1, "sales", ""));
        assert_eq!(nested[0].partition_keys, ["partition_0", "partition_1"]);
    }

    #[test]
    fn mixed_depths_and_formats_are_skipped_with_reasons() {
        let mut json = f("year=2024/x.json", &["id"]);
        json.classification = "json".into();
        let plans = plan_tables(
            "t",
            &[f("year=2024/a.csv", &["id"]), f("year=2025/b.csv", &["id"]), f("year=2025/deep/c.csv", &["id"]), json],
            false,
        );
        assert_eq!(plans[0].files.len(), 2);
        assert_eq!(plans[0].skipped.len(), 2, "{:?}", plans[0].skipped);
    }
}
