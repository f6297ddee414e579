//! Job bookmarks: which S3 objects each source of a job has already processed.
//!
//! As in Glue, a bookmark is kept per job and, inside it, per `transformation_ctx` of a source;
//! `--job-bookmark-option job-bookmark-enable` makes a run read only objects that are new (or
//! changed: another ETag) since the last committed run, `-pause` reads the same way without
//! moving the bookmark, `-disable` (the default) reads everything. The bookmark moves only when
//! the run succeeds and the script calls `job.commit()`. Records: `_meta/glue/bookmarks/<job>.json`.

use std::collections::BTreeMap;

use object_store::{path::Path, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};

use crate::{Error, Jobs, Result};

/// The three bookmark options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookmarkOption {
    /// Read only new objects and move the bookmark.
    Enable,
    /// Read only new objects, leave the bookmark where it is.
    Pause,
    /// Read everything (the default).
    Disable,
}

impl BookmarkOption {
    /// From the `--job-bookmark-option` argument.
    pub fn parse(value: Option<&str>) -> Result<Self> {
        match value {
            None | Some("job-bookmark-disable") => Ok(BookmarkOption::Disable),
            Some("job-bookmark-enable") => Ok(BookmarkOption::Enable),
            Some("job-bookmark-pause") => Ok(BookmarkOption::Pause),
            Some(other) => Err(Error::InvalidInput(format!(
                "--job-bookmark-option must be job-bookmark-enable, job-bookmark-pause or job-bookmark-disable, not '{other}'"
            ))),
        }
    }
}

/// A job's bookmark (`JobBookmarkEntry`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Bookmark {
    /// Job name.
    pub job_name: String,
    /// Bumped on every change.
    pub version: u64,
    /// Committed runs.
    pub run: u64,
    /// Attempt of the last run (always 0: Puddle does not retry).
    pub attempt: u64,
    /// The run before the last committed one.
    pub previous_run_id: Option<String>,
    /// The last committed run.
    pub run_id: Option<String>,
    /// Per `transformation_ctx`: processed objects (`s3://bucket/key`) and their ETags.
    pub sources: BTreeMap<String, BTreeMap<String, String>>,
}

fn bookmark_path(job: &str) -> Path {
    Path::from_iter(["_meta", "glue", "bookmarks", &format!("{job}.json")])
}

impl Jobs {
    /// GetJobBookmark (an empty bookmark when the job never committed one).
    pub async fn get_job_bookmark(&self, job: &str) -> Result<Bookmark> {
        self.get_job(job).await?;
        match self.s3().store().get(&bookmark_path(job)).await {
            Ok(r) => Ok(serde_json::from_slice(&r.bytes().await?)?),
            Err(object_store::Error::NotFound { .. }) => Ok(Bookmark { job_name: job.into(), ..Default::default() }),
            Err(e) => Err(e.into()),
        }
    }

    /// ResetJobBookmark: the next run reads everything again. Returns the bookmark as it was.
    pub async fn reset_job_bookmark(&self, job: &str) -> Result<Bookmark> {
        let before = self.get_job_bookmark(job).await?;
        match self.s3().store().delete(&bookmark_path(job)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(before),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) async fn save_bookmark(&self, bookmark: &Bookmark) -> Result<()> {
        self.s3()
            .store()
            .put(&bookmark_path(&bookmark.job_name), PutPayload::from(serde_json::to_vec(bookmark)?))
            .await?;
        Ok(())
    }
}
