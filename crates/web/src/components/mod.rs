//! Small presentational components shared by pages.

pub mod breadcrumbs;
pub mod confirm;
pub mod object_details;
pub mod producer;
pub mod results_table;
pub mod sql_editor;
pub mod sql_text;
pub mod storage_usage;

/// Formats a byte count for people (`1.5 KB`).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `2026-11-25T09:33:46+00:00` -> `2026-11-25 09:33:46 UTC`.
pub fn short_time(rfc3339: &str) -> String {
    let t = rfc3339.replace('T', " ");
    match t.get(..19) {
        Some(s) => format!("{s} UTC"),
        None => t,
    }
}
