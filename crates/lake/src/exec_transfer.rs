//! `aws s3 cp | mv | rm`: between the local folder and S3, or within S3.

use std::fmt::Write as _;

use bytes::Bytes;
use puddle_api::{ExecOutput, S3Uri};
use puddle_cli::{Location, TransferKind};

use crate::{exec::EXIT_SERVICE, Lake};

/// One file to move: source and destination.
pub(crate) struct Job {
    pub(crate) src: Location,
    pub(crate) dst: Location,
}

/// Runs `cp`/`mv`, printing one line per file like the CLI (`upload: ./a.csv to s3://b/a.csv`).
pub(crate) async fn transfer(
    lake: &Lake,
    kind: TransferKind,
    src: Location,
    dst: Location,
    recursive: bool,
) -> ExecOutput {
    // A local source that does not exist is refused before any transfer (exit 255).
    if let Location::Local(name) = &src {
        if !recursive && lake.local().modified(name).await.is_err() {
            return ExecOutput {
                exit_code: puddle_cli::EXIT_OTHER,
                stdout: String::new(),
                stderr: format!("\nThe user-provided path {name} does not exist.\n"),
            };
        }
    }
    let jobs = match plan(lake, &src, &dst, recursive).await {
        Ok(jobs) => jobs,
        Err(message) => return error(String::new(), message),
    };
    let mut stdout = String::new();
    for job in jobs {
        let verb = match (kind, &job.src, &job.dst) {
            (TransferKind::Move, ..) => "move",
            (_, Location::Local(_), _) => "upload",
            (_, _, Location::Local(_)) => "download",
            _ => "copy",
        };
        if let Err(message) = copy_one(lake, &job).await {
            let line = format!("{verb} failed: {} to {} {message}", show(&job.src), show(&job.dst));
            return error(stdout, line);
        }
        if kind == TransferKind::Move {
            if let Err(message) = delete_source(lake, &job.src).await {
                return error(stdout, format!("move failed: {} {message}", show(&job.src)));
            }
        }
        let _ = writeln!(stdout, "{verb}: {} to {}", show(&job.src), show(&job.dst));
    }
    ExecOutput { exit_code: 0, stdout, stderr: String::new() }
}

/// Runs `rm` (one key, or every key under a prefix with `--recursive`).
pub(crate) async fn remove(lake: &Lake, target: S3Uri, recursive: bool) -> ExecOutput {
    let keys = if recursive {
        match lake.s3().list_objects(&target.bucket, &target.key, None).await {
            Ok(list) => list.objects.into_iter().map(|o| o.key).collect(),
            Err(e) => {
                return error(
                    String::new(),
                    format!("An error occurred ({}) when calling the ListObjectsV2 operation: {e}", e.code()),
                )
            }
        }
    } else {
        vec![target.key.clone()]
    };
    let mut stdout = String::new();
    for key in keys {
        if let Err(e) = lake.s3().delete_object(&target.bucket, &key).await {
            return error(
                stdout,
                format!(
                    "delete failed: s3://{}/{key} An error occurred ({}) when calling the DeleteObject operation: {e}",
                    target.bucket,
                    e.code()
                ),
            );
        }
        let _ = writeln!(stdout, "delete: s3://{}/{key}", target.bucket);
    }
    ExecOutput { exit_code: 0, stdout, stderr: String::new() }
}

/// Expands a command into single-file jobs.
async fn plan(lake: &Lake, src: &Location, dst: &Location, recursive: bool) -> Result<Vec<Job>, String> {
    if !recursive {
        let name = base_name(src);
        if name.is_empty() {
            return Err(format!("{} is a folder: add --recursive to copy everything under it", show(src)));
        }
        return Ok(vec![Job { src: src.clone(), dst: join_if_folder(dst, &name) }]);
    }
    let (root, names): (String, Vec<String>) = match src {
        Location::Local(dir) => {
            let dir = crate::local::LocalFolder::normalize(dir).map_err(|e| e.message)?;
            let files = lake.local().list(&dir).await.map_err(|e| e.message)?;
            let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
            (
                prefix.clone(),
                files
                    .into_iter()
                    .filter(|f| !f.sample || dir.is_empty())
                    .map(|f| f.name[prefix.len()..].to_string())
                    .collect(),
            )
        }
        Location::S3(uri) => {
            let list = lake.s3().list_objects(&uri.bucket, &uri.key, None).await.map_err(|e| {
                format!("An error occurred ({}) when calling the ListObjectsV2 operation: {e}", e.code())
            })?;
            (
                uri.key.clone(),
                list.objects.into_iter().map(|o| o.key[uri.key.len()..].trim_start_matches('/').to_string()).collect(),
            )
        }
    };
    let src_root = |rel: &str| match src {
        Location::Local(_) => Location::Local(format!("{root}{rel}")),
        Location::S3(u) => Location::S3(S3Uri { bucket: u.bucket.clone(), key: format!("{root}{}{rel}", sep(&root)) }),
    };
    Ok(names.iter().map(|rel| Job { src: src_root(rel), dst: join(dst, rel) }).collect())
}

fn sep(root: &str) -> &'static str {
    if root.is_empty() || root.ends_with('/') {
        ""
    } else {
        "/"
    }
}

/// Copies one file; a download keeps the object's Last-Modified as the file's time, as the CLI does.
pub(crate) async fn copy_one(lake: &Lake, job: &Job) -> Result<(), String> {
    match (&job.src, &job.dst) {
        (Location::S3(s), Location::S3(d)) => lake
            .s3()
            .copy_object(&s.bucket, &s.key, &d.bucket, &d.key)
            .await
            .map(|_| ())
            .map_err(|e| aws_error(&e, "CopyObject")),
        (src, dst) => {
            let (body, modified): (Bytes, _) = match src {
                Location::Local(name) => (lake.local().read(name).await.map_err(|e| e.message)?, None),
                Location::S3(s) => {
                    let head =
                        lake.s3().head_object(&s.bucket, &s.key).await.map_err(|e| aws_error(&e, "HeadObject"))?;
                    let body = lake.s3().get_object(&s.bucket, &s.key).await.map_err(|e| aws_error(&e, "GetObject"))?;
                    (body, Some(head.info.last_modified))
                }
            };
            match dst {
                Location::Local(name) => match modified {
                    Some(t) => lake.local().write_with_mtime(name, body, t).await.map(|_| ()).map_err(|e| e.message),
                    None => lake.local().write(name, body).await.map(|_| ()).map_err(|e| e.message),
                },
                Location::S3(d) => lake
                    .s3()
                    .put_object(&d.bucket, &d.key, body)
                    .await
                    .map(|_| ())
                    .map_err(|e| aws_error(&e, "PutObject")),
            }
        }
    }
}

pub(crate) async fn delete_source(lake: &Lake, src: &Location) -> Result<(), String> {
    match src {
        Location::Local(name) => lake.local().delete(name).await.map_err(|e| e.message),
        Location::S3(s) => lake.s3().delete_object(&s.bucket, &s.key).await.map_err(|e| aws_error(&e, "DeleteObject")),
    }
}

fn aws_error(e: &puddle_store::Error, operation: &str) -> String {
    format!("An error occurred ({}) when calling the {operation} operation: {e}", e.code())
}

/// The last path segment of a file source (empty for a folder or a bare bucket).
fn base_name(loc: &Location) -> String {
    let path = match loc {
        Location::Local(p) => p.as_str(),
        Location::S3(u) => u.key.as_str(),
    };
    if path.ends_with('/') {
        return String::new();
    }
    path.rsplit('/').next().unwrap_or_default().to_string()
}

/// `dst` itself, or `dst/name` when `dst` names a folder (trailing `/`, `.`, or a bare bucket).
fn join_if_folder(dst: &Location, name: &str) -> Location {
    let is_folder = match dst {
        Location::Local(p) => p.is_empty() || p == "." || p == "./" || p.ends_with('/'),
        Location::S3(u) => u.key.is_empty() || u.key.ends_with('/'),
    };
    if is_folder {
        join(dst, name)
    } else {
        dst.clone()
    }
}

pub(crate) fn join(dst: &Location, rel: &str) -> Location {
    match dst {
        Location::Local(p) => {
            let base = p.trim_end_matches('/');
            if base.is_empty() || base == "." {
                Location::Local(rel.to_string())
            } else {
                Location::Local(format!("{base}/{rel}"))
            }
        }
        Location::S3(u) => {
            let key = if u.key.is_empty() || u.key.ends_with('/') {
                format!("{}{rel}", u.key)
            } else {
                format!("{}/{rel}", u.key)
            };
            Location::S3(S3Uri { bucket: u.bucket.clone(), key })
        }
    }
}

pub(crate) fn show(loc: &Location) -> String {
    match loc {
        Location::Local(p) if p.starts_with("./") || p.starts_with('/') => p.clone(),
        Location::Local(p) => format!("./{p}"),
        Location::S3(u) => format!("s3://{}/{}", u.bucket, u.key),
    }
}

fn error(stdout: String, line: String) -> ExecOutput {
    ExecOutput { exit_code: EXIT_SERVICE, stdout, stderr: format!("{line}\n") }
}
