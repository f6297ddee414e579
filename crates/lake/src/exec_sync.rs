//! `aws s3 sync`: copies the files of a source folder (local or S3 prefix) that are missing or
//! changed at the destination, as AWS CLI v2 decides it: a file is copied when it is new, its size
//! differs, or its last-modified time says so (uploads and copies: the source is newer than the
//! destination; downloads: the local file is newer than the object, since a download gives the file
//! the object's time). `--delete` removes destination files the source lacks; `--exclude` and
//! `--include` globs (last match wins) apply to paths relative to either folder.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use puddle_api::{ExecOutput, S3Uri};
use puddle_cli::{Location, SyncFilter, SyncOptions};

use crate::exec::EXIT_SERVICE;
use crate::exec_transfer::{copy_one, delete_source, join, show, Job};
use crate::{Lake, LocalFolder};

/// Exit code of the CLI when a local path does not exist.
const EXIT_OTHER: i32 = 255;

/// One file on either side, by path relative to the synced folder.
struct Entry {
    size: u64,
    modified: DateTime<Utc>,
    /// False for the read-only course samples, which `--delete` leaves alone.
    removable: bool,
}

/// Runs one `aws s3 sync`, printing a line per file (`upload: ./a.csv to s3://b/a.csv`,
/// `delete: s3://b/old.csv`, prefixed `(dryrun) ` with `--dryrun`).
pub(crate) async fn sync(lake: &Lake, src: Location, dst: Location, options: SyncOptions) -> ExecOutput {
    let (src, dst) = match (root(&src), root(&dst)) {
        (Ok(s), Ok(d)) => (s, d),
        (Err(line), _) | (_, Err(line)) => return failure(EXIT_OTHER, String::new(), line),
    };
    let to_local = matches!(dst, Location::Local(_));
    let sources = match list(lake, &src, to_local).await {
        Ok(s) => s,
        Err((code, line)) => return failure(code, String::new(), line),
    };
    if let Location::Local(dir) = &src {
        if !dir.is_empty() && sources.is_empty() {
            return failure(EXIT_OTHER, String::new(), format!("The user-provided path {dir} does not exist."));
        }
    }
    let dests = match list(lake, &dst, false).await {
        Ok(d) => d,
        Err((code, line)) => return failure(code, String::new(), line),
    };
    let dryrun = if options.dryrun { "(dryrun) " } else { "" };
    let verb = match (&src, &dst) {
        (Location::Local(_), _) => "upload",
        (_, Location::Local(_)) => "download",
        _ => "copy",
    };
    let (mut stdout, mut stderr) = (String::new(), String::new());
    let names: BTreeSet<&String> = sources.keys().chain(dests.keys()).collect();
    for rel in names.into_iter().filter(|rel| SyncFilter::keeps(&options.filters, rel)) {
        match (sources.get(rel), dests.get(rel)) {
            (Some(s), d) => {
                if d.is_some_and(|d| in_sync(s, d, to_local, options.size_only)) {
                    continue;
                }
                let job = Job { src: join(&src, rel), dst: join(&dst, rel) };
                if !options.dryrun {
                    if let Err(message) = copy_one(lake, &job).await {
                        let _ = writeln!(stderr, "{verb} failed: {} to {} {message}", show(&job.src), show(&job.dst));
                        continue;
                    }
                }
                let _ = writeln!(stdout, "{dryrun}{verb}: {} to {}", show(&job.src), show(&job.dst));
            }
            (None, Some(d)) if options.delete && d.removable => {
                let target = join(&dst, rel);
                if !options.dryrun {
                    if let Err(message) = delete_source(lake, &target).await {
                        let _ = writeln!(stderr, "delete failed: {} {message}", show(&target));
                        continue;
                    }
                }
                let _ = writeln!(stdout, "{dryrun}delete: {}", show(&target));
            }
            _ => {}
        }
    }
    let exit_code = if stderr.is_empty() { 0 } else { EXIT_SERVICE };
    ExecOutput { exit_code, stdout, stderr }
}

/// Whether the destination copy is up to date (the CLI's size and last-modified rule).
fn in_sync(src: &Entry, dst: &Entry, download: bool, size_only: bool) -> bool {
    if src.size != dst.size {
        return false;
    }
    size_only || if download { dst.modified <= src.modified } else { dst.modified >= src.modified }
}

/// A folder to sync: local paths normalized, S3 prefixes ending in `/` (or empty: the bucket).
fn root(loc: &Location) -> Result<Location, String> {
    Ok(match loc {
        Location::Local(dir) => Location::Local(LocalFolder::normalize(dir).map_err(|e| e.message)?),
        Location::S3(u) if u.key.is_empty() || u.key.ends_with('/') => loc.clone(),
        Location::S3(u) => Location::S3(S3Uri { bucket: u.bucket.clone(), key: format!("{}/", u.key) }),
    })
}

/// The files under a folder, by relative path. `files_only` skips S3 "folder" keys ending in `/`
/// (they have no local file to become).
async fn list(lake: &Lake, root: &Location, files_only: bool) -> Result<BTreeMap<String, Entry>, (i32, String)> {
    let mut entries = BTreeMap::new();
    match root {
        Location::Local(dir) => {
            let files = lake.local().list(dir).await.map_err(|e| (EXIT_OTHER, e.message))?;
            let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
            for f in files {
                let modified = lake.local().modified(&f.name).await.map_err(|e| (EXIT_OTHER, e.message))?;
                let Some(rel) = f.name.get(prefix.len()..) else { continue };
                entries.insert(rel.to_string(), Entry { size: f.size, modified, removable: !f.sample });
            }
        }
        Location::S3(uri) => {
            let list = lake.s3().list_objects(&uri.bucket, &uri.key, None).await.map_err(|e| {
                let line = format!(
                    "fatal error: An error occurred ({}) when calling the ListObjectsV2 operation: {e}",
                    e.code()
                );
                (EXIT_SERVICE, line)
            })?;
            for o in list.objects {
                let Some(rel) = o.key.get(uri.key.len()..) else { continue };
                if rel.is_empty() || (files_only && rel.ends_with('/')) {
                    continue;
                }
                entries.insert(rel.to_string(), Entry { size: o.size, modified: o.last_modified, removable: true });
            }
        }
    }
    Ok(entries)
}

fn failure(exit_code: i32, stdout: String, line: String) -> ExecOutput {
    ExecOutput { exit_code, stdout, stderr: format!("{line}\n") }
}
