//! Runs `aws` lines and prints what AWS CLI v2 prints, with its exit codes: 0; 252 usage;
//! 254 service error; 255 other; the high-level `aws s3` commands keep their own (`mb`/`rb`
//! failures exit 1, as in the real CLI).

use std::fmt::Write as _;

use puddle_api::{ExecOutput, ObjectSummary};
use puddle_cli::{ApiCall, Command, Files, Line, EXIT_OTHER, EXIT_USAGE};
use puddle_store::Error as S3Error;

use crate::{ops::Streams, Lake};

/// Exit code for an error the service returned.
pub(crate) const EXIT_SERVICE: i32 = puddle_cli::EXIT_SERVICE;

/// Exit code of the high-level `aws s3 mb|rb` commands when the service refused.
const EXIT_S3_FAILED: i32 = 1;

/// The local files a line may read, gathered before parsing (the parser reads nothing).
async fn local_files(lake: &Lake, line: &str) -> Files {
    let (refs, words) = puddle_cli::file_references(line);
    let mut files = Files::default();
    for path in refs {
        if let Ok(bytes) = lake.local().read(&path).await {
            files.contents.insert(path, bytes.to_vec());
        }
    }
    for word in words {
        if lake.local().modified(&word).await.is_ok() {
            files.existing.insert(word);
        }
    }
    files
}

/// Runs one line against `lake`.
pub(crate) async fn run(lake: &Lake, line: &str) -> ExecOutput {
    let files = local_files(lake, line).await;
    let parsed = match puddle_cli::parse_with_files(line, &files) {
        Ok(l) => l,
        Err(e) => return ExecOutput { exit_code: EXIT_USAGE, stdout: String::new(), stderr: format!("{e}\n") },
    };
    let mut out = Box::pin(run_command(lake, &parsed)).await;
    for note in &parsed.notes {
        out.stderr = format!("{note}\n{}", out.stderr);
    }
    out
}

async fn run_command(lake: &Lake, line: &Line) -> ExecOutput {
    match line.command.clone() {
        Command::Api(call) => Box::pin(api_call(lake, line, &call)).await,
        Command::Help(text) => ok(text),
        Command::NotEmulated { service, operation } => ExecOutput {
            exit_code: EXIT_OTHER,
            stdout: String::new(),
            stderr: puddle_cli::not_emulated(&service, &operation),
        },
        Command::S3MakeBucket { bucket } => match lake.s3().create_bucket(&bucket).await {
            Ok(()) => ok(format!("make_bucket: {bucket}\n")),
            Err(e) => failed("make_bucket", &format!("s3://{bucket}"), "CreateBucket", &e),
        },
        Command::S3RemoveBucket { bucket, force } => remove_bucket(lake, &bucket, force).await,
        Command::S3Transfer { kind, src, dst, recursive } => {
            crate::exec_transfer::transfer(lake, kind, src, dst, recursive).await
        }
        Command::S3Remove { target, recursive } => crate::exec_transfer::remove(lake, target, recursive).await,
        Command::ClockShow => crate::exec_events::show_clock(lake),
        Command::ClockAdvance { minutes } => crate::exec_events::advance_clock(lake, minutes).await,
        Command::S3List { target: None, .. } => match lake.s3().list_buckets().await {
            Ok(buckets) => ok(buckets
                .iter()
                .map(|b| format!("{} {}\n", b.creation_date.format("%Y-%m-%d %H:%M:%S"), b.name))
                .collect()),
            Err(e) => service_error("ListBuckets", &e),
        },
        Command::S3List { target: Some(uri), recursive, human_readable, summarize } => {
            let delimiter = (!recursive).then_some("/");
            match lake.list_objects(&uri.bucket, &uri.key, delimiter).await {
                Ok(list) => {
                    let mut out = String::new();
                    // Names are printed relative to the last '/' of the prefix, as the CLI does.
                    let base = if recursive { 0 } else { uri.key.rfind('/').map_or(0, |i| i + 1) };
                    for p in &list.common_prefixes {
                        let _ = writeln!(out, "{:>30} {}", "PRE", &p[base..]);
                    }
                    for o in &list.objects {
                        let _ = writeln!(out, "{} {:>10} {}", date(o), size(o.size, human_readable), &o.key[base..]);
                    }
                    if summarize {
                        let total: u64 = list.objects.iter().map(|o| o.size).sum();
                        let _ = write!(
                            out,
                            "\nTotal Objects: {}\n   Total Size: {}\n",
                            list.objects.len(),
                            size(total, human_readable).trim()
                        );
                    }
                    ok(out)
                }
                Err(e) => service_failure("ListObjectsV2", &e.code, &e.message),
            }
        }
        Command::S3Sync { src, dst, options } => crate::exec_sync::sync(lake, src, dst, options).await,
    }
}

/// A modelled operation: the body file read, the call, the answer printed as the CLI prints it.
async fn api_call(lake: &Lake, line: &Line, call: &ApiCall) -> ExecOutput {
    let mut streams = Streams { body: None, outfile: call.outfile.clone() };
    let mut input = call.input.clone();
    // A streaming blob (`put-object --body FILE`) names a local file; the parser checked it exists.
    if let Some(path) = input.get("Body").and_then(|b| b.as_str()).map(str::to_string) {
        match lake.local().read(&path).await {
            Ok(bytes) => streams.body = Some(bytes),
            Err(e) => {
                return ExecOutput {
                    exit_code: EXIT_USAGE,
                    stdout: String::new(),
                    stderr: format!("\nError parsing parameter '--body': {}\n", e.message),
                }
            }
        }
        if let Some(map) = input.as_object_mut() {
            map.remove("Body");
        }
    }
    match lake.call_with(&call.service, &call.operation, input, &streams).await {
        Ok(answer) => match puddle_cli::print(line, call, answer) {
            Ok(stdout) => ok(stdout),
            Err(message) => {
                ExecOutput { exit_code: EXIT_OTHER, stdout: String::new(), stderr: format!("\n{message}\n") }
            }
        },
        Err(e) => service_failure(&call.operation, &e.code, &e.message),
    }
}

async fn remove_bucket(lake: &Lake, bucket: &str, force: bool) -> ExecOutput {
    let mut stdout = String::new();
    if force {
        let listing = match lake.s3().list_objects(bucket, "", None).await {
            Ok(l) => l,
            Err(e) => return failed("remove_bucket", &format!("s3://{bucket}"), "ListObjectsV2", &e),
        };
        for o in listing.objects {
            if let Err(e) = lake.s3().delete_object(bucket, &o.key).await {
                let mut out = failed("delete", &format!("s3://{bucket}/{}", o.key), "DeleteObject", &e);
                out.stdout = stdout;
                return out;
            }
            let _ = writeln!(stdout, "delete: s3://{bucket}/{}", o.key);
        }
    }
    match lake.s3().delete_bucket(bucket).await {
        Ok(()) => ok(stdout + &format!("remove_bucket: {bucket}\n")),
        Err(e) => {
            let mut out = failed("remove_bucket", &format!("s3://{bucket}"), "DeleteBucket", &e);
            out.stdout = stdout;
            out
        }
    }
}

fn ok(stdout: String) -> ExecOutput {
    ExecOutput { exit_code: 0, stdout, stderr: String::new() }
}

/// `make_bucket failed: s3://x An error occurred (Code) when calling the Op operation: message`
/// (exit 1, as the real `aws s3 mb|rb` exit).
fn failed(verb: &str, target: &str, operation: &str, e: &S3Error) -> ExecOutput {
    ExecOutput {
        exit_code: EXIT_S3_FAILED,
        stdout: String::new(),
        stderr: format!(
            "{verb} failed: {target} An error occurred ({}) when calling the {operation} operation: {e}\n",
            e.code()
        ),
    }
}

fn service_error(operation: &str, e: &S3Error) -> ExecOutput {
    service_failure(operation, e.code(), &e.to_string())
}

/// What the CLI prints when the service answered `code`: exit 254 and the error line.
pub(crate) fn service_failure(operation: &str, code: &str, message: &str) -> ExecOutput {
    ExecOutput {
        exit_code: EXIT_SERVICE,
        stdout: String::new(),
        stderr: format!("\nAn error occurred ({code}) when calling the {operation} operation: {message}\n"),
    }
}

fn date(o: &ObjectSummary) -> String {
    chrono::DateTime::parse_from_rfc3339(&o.last_modified)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|_| o.last_modified.clone())
}

/// Bytes, or `1.5 KiB` style with `--human-readable`.
fn size(bytes: u64, human: bool) -> String {
    if !human {
        return bytes.to_string();
    }
    const UNITS: [&str; 5] = ["Bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} Bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use object_store::memory::InMemory;

    use super::*;

    async fn lake() -> Lake {
        Lake::open(Arc::new(InMemory::new())).await.unwrap()
    }

    #[tokio::test]
    async fn mb_ls_rb() {
        let lake = lake().await;
        let out = lake.exec("aws s3 mb s3://data-lake-raw-123").await;
        assert_eq!((out.exit_code, out.stdout.as_str()), (0, "make_bucket: data-lake-raw-123\n"));
        let out = lake.exec("aws s3 ls").await;
        assert_eq!(out.exit_code, 0);
        assert!(out.stdout.trim_end().ends_with(" data-lake-raw-123"), "{}", out.stdout);
        assert_eq!(out.stdout.lines().next().unwrap().len(), "2026-01-01 00:00:00 data-lake-raw-123".len());

        lake.put_object("data-lake-raw-123", "sales/2025/a.csv", "abc".into(), None).await.unwrap();
        lake.put_object("data-lake-raw-123", "top.csv", vec![0u8; 2048].into(), None).await.unwrap();
        let out = lake.exec("aws s3 ls s3://data-lake-raw-123").await;
        let lines: Vec<_> = out.stdout.lines().collect();
        assert_eq!(lines[0], "                           PRE sales/");
        assert!(lines[1].ends_with("       2048 top.csv"), "{}", lines[1]);
        let out = lake.exec("aws s3 ls s3://data-lake-raw-123/sales/").await;
        assert_eq!(out.stdout, "                           PRE 2025/\n");
        let out = lake.exec("aws s3 ls s3://data-lake-raw-123 --recursive --human-readable --summarize").await;
        assert!(out.stdout.contains("sales/2025/a.csv"), "{}", out.stdout);
        assert!(out.stdout.contains("    2.0 KiB top.csv"), "{}", out.stdout);
        assert!(out.stdout.contains("Total Objects: 2\n   Total Size: 2.0 KiB"), "{}", out.stdout);

        let out = lake.exec("aws s3 rb s3://data-lake-raw-123").await;
        assert_eq!(out.exit_code, 1);
        assert!(out.stderr.contains("(BucketNotEmpty)"), "{}", out.stderr);
        let out = lake.exec("aws s3 rb s3://data-lake-raw-123 --force").await;
        assert_eq!(out.exit_code, 0, "{}", out.stderr);
        assert!(out.stdout.ends_with("remove_bucket: data-lake-raw-123\n"), "{}", out.stdout);
        assert!(out.stdout.contains("delete: s3://data-lake-raw-123/top.csv"));
        assert_eq!(lake.exec("aws s3 ls").await.stdout, "");
    }

    #[tokio::test]
    async fn errors_have_aws_exit_codes() {
        let lake = lake().await;
        let out = lake.exec("aws s3 mb").await;
        assert_eq!(out.exit_code, 252);
        assert!(out.stderr.contains("the following arguments are required: path"));
        let out = lake.exec("aws s3 mb s3://Bad_Name").await;
        assert_eq!(out.exit_code, 1);
        assert!(out.stderr.starts_with("make_bucket failed: s3://Bad_Name An error occurred (InvalidBucketName)"));
        lake.exec("aws s3 mb s3://b-1").await;
        let out = lake.exec("aws s3 mb s3://b-1").await;
        assert!(out.stderr.contains("(BucketAlreadyOwnedByYou)"), "{}", out.stderr);
        let out = lake.exec("aws s3 ls s3://no-such-bucket").await;
        assert_eq!(out.exit_code, 254);
        assert!(out.stderr.contains("(NoSuchBucket) when calling the ListObjectsV2 operation"), "{}", out.stderr);
    }

    #[test]
    fn human_sizes() {
        assert_eq!(size(0, true), "0 Bytes");
        assert_eq!(size(1536, true), "1.5 KiB");
        assert_eq!(size(5 * 1024 * 1024, true), "5.0 MiB");
        assert_eq!(size(1536, false), "1536");
    }
}
