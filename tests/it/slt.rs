//! A small sqllogictest-style runner over `Lake`: every `tests/slt/*.slt` file runs against a
//! fresh in-memory lake.
//!
//! ```text
//! # comment
//! exec                       one `aws ...` CLI line per line, each must exit 0
//! aws s3 mb s3://raw
//!
//! put s3://raw/t/a.csv       the following lines (up to a blank line) become the object
//! id,region
//! 1,NSW
//!
//! use sales_db               the current database for the statements that follow
//! reload                     re-open the lake on the same store (what a page reload does)
//!
//! statement ok               SQL (up to a blank line) must succeed
//! statement error <text>     SQL must fail with a message containing <text>
//! query [rowsort]            SQL, then `----`, then the expected rows (cells joined by
//!                            single spaces, NULL for null), up to a blank line
//! ```

use std::sync::Arc;

use object_store::ObjectStore;
use puddle_lake::Lake;
use serde_json::Value;

fn cell(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The lines of the block starting at `i`, up to a blank line or `----`.
fn block(lines: &[&str], mut i: usize) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    while i < lines.len() && !lines[i].trim().is_empty() && lines[i].trim() != "----" {
        out.push(lines[i].to_string());
        i += 1;
    }
    (out, i)
}

async fn run_file(name: &str, text: &str) -> Result<usize, String> {
    let store: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
    let mut lake = Lake::open(Arc::clone(&store)).await.map_err(|e| format!("{e:?}"))?;
    let mut database: Option<String> = None;
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut checks = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let at = format!("{name}:{}", i + 1);
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (directive, arg) = line.split_once(' ').map_or((line, ""), |(d, a)| (d, a.trim()));
        match directive {
            "exec" => {
                let (cmds, next) = block(&lines, i);
                i = next;
                for cmd in cmds {
                    let out = lake.exec(&cmd).await;
                    if out.exit_code != 0 {
                        return Err(format!("{at}: `{cmd}` exited {}: {}", out.exit_code, out.stderr));
                    }
                }
            }
            "put" => {
                let (body, next) = block(&lines, i);
                i = next;
                let uri: puddle_api::S3Uri = arg.parse().map_err(|e| format!("{at}: {e}"))?;
                let body = format!("{}\n", body.join("\n"));
                lake.s3()
                    .put_object(&uri.bucket, &uri.key, body.into())
                    .await
                    .map_err(|e| format!("{at}: put {arg}: {e}"))?;
            }
            "use" => database = Some(arg.to_string()),
            "reload" => lake = Lake::open(Arc::clone(&store)).await.map_err(|e| format!("{at}: reload: {e:?}"))?,
            "statement" => {
                let (sql, next) = block(&lines, i);
                i = next;
                let sql = sql.join("\n");
                let outcome = lake.sql(&sql, database.as_deref()).await;
                match (arg, outcome) {
                    ("ok", Ok(_)) => {}
                    ("ok", Err(e)) => return Err(format!("{at}: expected success, got {}: {}", e.code, e.message)),
                    (expected, Err(e)) if expected.starts_with("error") => {
                        let want = expected["error".len()..].trim();
                        if !e.message.contains(want) && !e.code.contains(want) {
                            return Err(format!("{at}: expected an error containing '{want}', got: {}", e.message));
                        }
                    }
                    (expected, Ok(_)) if expected.starts_with("error") => {
                        return Err(format!("{at}: expected an error, the statement succeeded: {sql}"))
                    }
                    (other, _) => return Err(format!("{at}: unknown statement mode '{other}'")),
                }
                checks += 1;
            }
            "query" => {
                let (sql, next) = block(&lines, i);
                if lines.get(next).map(|l| l.trim()) != Some("----") {
                    return Err(format!("{at}: a query needs ---- and its expected rows"));
                }
                let (expected, next) = block(&lines, next + 1);
                i = next;
                let sql = sql.join("\n");
                let res = lake
                    .sql(&sql, database.as_deref())
                    .await
                    .map_err(|e| format!("{at}: {}: {}", e.code, e.message))?;
                let mut got: Vec<String> = res
                    .rows
                    .iter()
                    .map(|r| r.iter().map(cell).collect::<Vec<_>>().join(" ").trim().to_string())
                    .collect();
                let mut expected: Vec<String> = expected.iter().map(|l| l.trim().to_string()).collect();
                if arg == "rowsort" {
                    got.sort();
                    expected.sort();
                }
                if got != expected {
                    return Err(format!(
                        "{at}: {sql}\n--- expected\n{}\n--- got\n{}",
                        expected.join("\n"),
                        got.join("\n")
                    ));
                }
                checks += 1;
            }
            other => return Err(format!("{at}: unknown directive '{other}'")),
        }
    }
    Ok(checks)
}

#[tokio::test]
async fn slt_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/slt");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("tests/slt").filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "slt"));
    files.sort();
    assert!(files.len() >= 5, "the .slt files are missing from {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("readable .slt file");
        match run_file(&name, &text).await {
            Ok(0) => failures.push(format!("{name}: no checks")),
            Ok(_) => {}
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[tokio::test]
async fn the_runner_reports_mismatches() {
    let wrong = "query\nSELECT 1 AS x\n----\n2\n";
    let err = run_file("t.slt", wrong).await.unwrap_err();
    assert!(err.contains("t.slt:1") && err.contains("--- got\n1"), "{err}");
    let unexpected = run_file("t.slt", "statement error nope\nSELECT 1\n").await.unwrap_err();
    assert!(unexpected.contains("succeeded"), "{unexpected}");
    assert!(run_file("t.slt", "frobnicate\n").await.unwrap_err().contains("unknown directive"));
}
