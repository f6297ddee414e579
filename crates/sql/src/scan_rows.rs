//! Rows each file scan of an executed plan produced, by the folder it read: a job run's
//! "rows read" per source.

use std::sync::Arc;

use datafusion::{
    datasource::{physical_plan::FileScanConfig, source::DataSourceExec},
    physical_plan::ExecutionPlan,
};

/// Rows one scan produced and the objects it read (`s3://bucket/key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRows {
    /// Objects the scan was given.
    pub files: Vec<String>,
    /// Rows it produced.
    pub rows: u64,
}

/// The scans of an executed `plan`, depth first.
pub fn scan_rows(plan: &Arc<dyn ExecutionPlan>) -> Vec<ScanRows> {
    let mut out = Vec::new();
    collect(plan, &mut out);
    out
}

fn collect(plan: &Arc<dyn ExecutionPlan>, out: &mut Vec<ScanRows>) {
    if let Some(exec) = plan.downcast_ref::<DataSourceExec>() {
        if let Some(config) = exec.data_source().downcast_ref::<FileScanConfig>() {
            let root = config.object_store_url.as_str().trim_end_matches('/').to_string();
            let files = config
                .file_groups
                .iter()
                .flat_map(|g| g.files().iter())
                .map(|f| format!("{root}/{}", f.object_meta.location))
                .collect();
            let rows = plan.metrics().and_then(|m| m.output_rows()).unwrap_or(0) as u64;
            out.push(ScanRows { files, rows });
        }
    }
    for child in plan.children() {
        collect(child, out);
    }
}

/// Rows of the `scans` that read objects under any of `locations` (`s3://bucket/prefix/`, or
/// one object), each scan counted once.
pub fn rows_under(scans: &[ScanRows], locations: &[String]) -> u64 {
    let under = |file: &str, location: &str| {
        file == location
            || file.starts_with(location) && (location.ends_with('/') || file[location.len()..].starts_with('/'))
    };
    scans.iter().filter(|s| s.files.iter().any(|f| locations.iter().any(|l| under(f, l)))).map(|s| s.rows).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_attributed_to_the_folder_their_files_are_in() {
        let scans = vec![
            ScanRows { files: vec!["s3://raw/sales/a.csv".into(), "s3://raw/sales/b.csv".into()], rows: 10 },
            ScanRows { files: vec!["s3://raw/sales_old/a.csv".into()], rows: 5 },
            ScanRows { files: vec!["s3://raw/one.json".into()], rows: 2 },
        ];
        let under = |ls: &[&str]| rows_under(&scans, &ls.iter().map(|l| l.to_string()).collect::<Vec<_>>());
        assert_eq!(under(&["s3://raw/sales/"]), 10);
        assert_eq!(under(&["s3://raw/sales"]), 10, "a folder without its slash is the same folder");
        assert_eq!(under(&["s3://raw/one.json"]), 2);
        assert_eq!(under(&["s3://raw/"]), 17);
        assert_eq!(under(&["s3://raw/", "s3://raw/sales/"]), 17, "a scan under two locations counts once");
        assert_eq!(under(&["s3://other/"]), 0);
    }
}
