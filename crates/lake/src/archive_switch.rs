//! Switching the whole lake to an imported one, atomically across crashes and full storage.
//!
//! The store has no multi-object transaction, and every crate reads its records at fixed paths,
//! so an import cannot write the new lake elsewhere and flip a pointer. It stages, verifies,
//! commits with one record, then switches; a lake that opens with an import in progress finishes
//! or undoes it:
//!
//! ```text
//! 1. stage    every new object at _import/staged/<path> (attributes kept)    crash/failure: undo
//! 2. verify   list _import/staged/: every path there, with its size            mismatch: undo
//! 3. commit   _import/commit.json lists the new paths (one atomic put)       the switch point
//! 4. switch   delete old objects not in the list; rename each staged object
//!             to its path (overwriting an old one); delete commit.json       crash: redo 4
//! ```
//!
//! Before the commit record exists the old lake is untouched (only `_import/` was written); once
//! it exists, [`recover`] rolls forward, and every step of 4 can be repeated. `_import` is neither
//! `_meta` nor a bucket (bucket names cannot hold `_`), so no reader sees staged objects, and an
//! export leaves them out. Peak storage is the old lake plus the new one, as any stage-then-switch
//! needs: a full store fails during staging, with the old lake kept.

use std::{collections::BTreeSet, sync::Arc};

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use object_store::{path::Path, Attributes, ObjectStore, ObjectStoreExt, PutOptions, PutPayload};
use puddle_api::ApiError;
use serde::{Deserialize, Serialize};

use crate::archive::store_error;

/// Top folder of an import in progress.
pub(crate) const ROOT: &str = "_import";
/// Where new objects are staged: `_import/staged/<path>`.
const STAGED: &str = "staged";
/// The commit record's name under [`ROOT`].
const COMMIT: &str = "commit.json";

/// The commit record: the paths of the new lake.
#[derive(Debug, Serialize, Deserialize)]
struct Commit {
    paths: Vec<String>,
}

/// What [`recover`] found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recovery {
    /// No import was in progress.
    Nothing,
    /// An import that had not committed was undone: the old lake stays.
    RolledBack,
    /// A committed import was finished: the new lake is in place.
    RolledForward,
}

fn commit_path() -> Path {
    Path::from_iter([ROOT, COMMIT])
}

fn staged_path(path: &Path) -> Path {
    Path::from_iter([ROOT, STAGED]).parts().chain(path.parts()).collect()
}

/// Replaces every object of `store` by `objects` (see the module docs). On an error before the
/// commit, the old lake is left as it was (staged objects removed, or removed by the next
/// [`recover`]); after it, the next [`recover`] completes the switch.
pub(crate) async fn replace_lake(
    store: &Arc<dyn ObjectStore>,
    objects: Vec<(Path, Bytes, Attributes)>,
) -> Result<(), ApiError> {
    // An earlier import interrupted before this one is finished or undone first.
    recover(store).await?;
    let expected: BTreeSet<(String, u64)> =
        objects.iter().map(|(p, body, _)| (p.to_string(), body.len() as u64)).collect();
    let paths: Vec<String> = objects.iter().map(|(p, ..)| p.to_string()).collect();
    let staged = async move {
        for (path, body, attributes) in objects {
            let opts = PutOptions { attributes, ..Default::default() };
            store.put_opts(&staged_path(&path), PutPayload::from_bytes(body), opts).await?;
        }
        let prefix = Path::from_iter([ROOT, STAGED]);
        let strip = prefix.as_ref().len() + 1;
        let found: BTreeSet<(String, u64)> = store
            .list(Some(&prefix))
            .map_ok(|m| (m.location.as_ref().get(strip..).unwrap_or_default().to_string(), m.size))
            .try_collect()
            .await?;
        if found != expected {
            return Err(object_store::Error::Generic {
                store: "import",
                source: format!("the staged lake has {} objects, {} were written", found.len(), expected.len()).into(),
            });
        }
        let commit = Commit { paths };
        let body = serde_json::to_vec(&commit)
            .map_err(|e| object_store::Error::Generic { store: "import", source: Box::new(e) })?;
        store.put(&commit_path(), PutPayload::from(body)).await?;
        Ok::<_, object_store::Error>(commit)
    }
    .await;
    let commit = match staged {
        Ok(commit) => commit,
        Err(e) => {
            // Best effort: if this fails too, the next `recover` (at the latest, the next open)
            // does it.
            let _ = roll_back(store).await;
            let mut e = store_error(e);
            e.message = format!("{} The import was undone: the lake was not changed.", e.message);
            return Err(e);
        }
    };
    finish(store, &commit).await.map_err(|mut e| {
        e.message = format!(
            "{} The import is committed: it completes when the lake is opened again (reload the page).",
            e.message
        );
        e
    })
}

/// Finishes (commit record present) or undoes (absent) an import a crash or a failure
/// interrupted. Called when the lake opens, and before every import.
pub(crate) async fn recover(store: &Arc<dyn ObjectStore>) -> Result<Recovery, ApiError> {
    if let Some(commit) = read_commit(store).await? {
        finish(store, &commit).await?;
        return Ok(Recovery::RolledForward);
    }
    let root = Path::from(ROOT);
    if store.list(Some(&root)).next().await.transpose().map_err(store_error)?.is_none() {
        return Ok(Recovery::Nothing);
    }
    roll_back(store).await?;
    Ok(Recovery::RolledBack)
}

async fn read_commit(store: &Arc<dyn ObjectStore>) -> Result<Option<Commit>, ApiError> {
    match store.get(&commit_path()).await {
        Ok(res) => {
            let bytes = res.bytes().await.map_err(store_error)?;
            let commit = serde_json::from_slice(&bytes).map_err(|e| {
                ApiError::internal(format!(
                    "the import record {ROOT}/{COMMIT} is damaged ({e}); the import cannot be finished"
                ))
            })?;
            Ok(Some(commit))
        }
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(store_error(e)),
    }
}

/// Step 4: old objects out, staged objects in, commit record last. Repeatable.
async fn finish(store: &Arc<dyn ObjectStore>, commit: &Commit) -> Result<(), ApiError> {
    let new: BTreeSet<&str> = commit.paths.iter().map(String::as_str).collect();
    let old: Vec<Path> = store
        .list(None)
        .map_ok(|m| m.location)
        .try_filter(|p| {
            let keep = p.as_ref().starts_with(&format!("{ROOT}/")) || new.contains(p.as_ref());
            futures::future::ready(!keep)
        })
        .try_collect()
        .await
        .map_err(store_error)?;
    for path in old {
        delete_if_there(store, &path).await?;
    }
    for path in &commit.paths {
        // `parse`, not `from`: the record holds paths as stored (`from` would encode them again).
        let path = Path::parse(path)
            .map_err(|e| ApiError::internal(format!("the import record lists a bad path '{path}' ({e})")))?;
        match store.rename(&staged_path(&path), &path).await {
            // Already moved by an earlier, interrupted finish.
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(store_error(e)),
        }
    }
    delete_if_there(store, &commit_path()).await?;
    roll_back(store).await
}

/// Removes everything under `_import/`.
async fn roll_back(store: &Arc<dyn ObjectStore>) -> Result<(), ApiError> {
    let paths: Vec<Path> =
        store.list(Some(&Path::from(ROOT))).map_ok(|m| m.location).try_collect().await.map_err(store_error)?;
    // Runs only without a commit record (`finish` deletes it before calling this).
    for path in paths {
        delete_if_there(store, &path).await?;
    }
    Ok(())
}

async fn delete_if_there(store: &Arc<dyn ObjectStore>, path: &Path) -> Result<(), ApiError> {
    match store.delete(path).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(store_error(e)),
    }
}
