//! Damaged lake records: found, set aside, reported; never a reason to lose the rest.
//!
//! A record that does not parse (a truncated write by an old version, a hand-edited export)
//! must neither stop the lake from opening nor be dropped silently. It is moved to
//! `_meta/quarantine/<its path>` (kept, and exported with the lake), the services carry on
//! without it, and [`Lake::damaged_records`] lists it for the page to show.
//!
//! The records the lake needs to open (catalog, EventBridge rules, the clock) are checked as
//! they load. The rest are read when used; [`Lake::check_records`] reads them all back, which
//! the worker does in the background after the lake is ready, so opening stays fast.

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStoreExt};
use puddle_api::{ApiError, DamagedRecord};

use crate::Lake;

/// Where damaged records are kept.
const QUARANTINE: &str = "_meta/quarantine";

/// The JSON records [`Lake::check_records`] reads back: small lake metadata written by the
/// services (not objects, object versions, query results or Redshift table data).
const RECORD_ROOTS: &[&str] = &[
    "_meta/catalog",
    "_meta/catalog-versions",
    "_meta/redshift-external-schemas",
    "_meta/redshift/tables",
    "_meta/events/rules",
    "_meta/crawlers",
    "_meta/classifiers",
    "_meta/glue/jobs",
    "_meta/glue/job-runs",
    "_meta/glue/triggers",
    "_meta/glue/bookmarks",
    "_meta/athena/workgroups",
    "_meta/athena/named-queries",
    "_meta/athena/executions",
    "_meta/bucket-config",
    "_meta/object-state",
    "_meta/kinesis/streams",
    "_meta/firehose/streams",
    "_meta/firehose/buffers",
];

fn internal(e: object_store::Error) -> ApiError {
    ApiError::internal(format!("lake storage: {e}"))
}

impl Lake {
    /// Every record set aside since the lake opened.
    pub fn damaged_records(&self) -> Vec<DamagedRecord> {
        self.damaged.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Moves `records` to the quarantine and remembers them for [`Lake::damaged_records`].
    pub(crate) async fn set_aside(&self, records: Vec<DamagedRecord>) -> Result<(), ApiError> {
        let store = self.s3().store();
        for record in records {
            let from = Path::parse(&record.path).map_err(|e| ApiError::internal(e.to_string()))?;
            let to =
                Path::parse(format!("{QUARANTINE}/{}", record.path)).map_err(|e| ApiError::internal(e.to_string()))?;
            match store.copy(&from, &to).await {
                Ok(()) => store.delete(&from).await.map_err(internal)?,
                // Another tab set it aside first.
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(internal(e)),
            }
            let mut damaged = self.damaged.lock().unwrap_or_else(|e| e.into_inner());
            if !damaged.contains(&record) {
                damaged.push(record);
            }
        }
        Ok(())
    }

    /// Sets aside what the catalog and the rules could not load (they already left it out).
    pub(crate) async fn set_aside_unloaded(&self) -> Result<(), ApiError> {
        let catalog_damaged = self.catalog().damaged();
        let unloaded: Vec<DamagedRecord> = catalog_damaged
            .iter()
            .cloned()
            .chain(self.rules.damaged())
            .map(|(path, error)| DamagedRecord { path, error })
            .collect();
        self.set_aside(unloaded).await?;
        if !catalog_damaged.is_empty() {
            // Out of the way now: a damaged `default` database is made anew.
            crate::errors::api(self.catalog().reload().await)?;
        }
        Ok(())
    }

    /// Reads every lake record back and sets aside those that are not JSON; answers every
    /// record set aside since the lake opened.
    pub async fn check_records(&self) -> Result<Vec<DamagedRecord>, ApiError> {
        let store = self.s3().store();
        let mut found = Vec::new();
        for root in RECORD_ROOTS {
            let metas: Vec<_> = store.list(Some(&Path::from(*root))).try_collect().await.map_err(internal)?;
            for meta in metas {
                let bytes = match store.get(&meta.location).await {
                    Ok(r) => r.bytes().await.map_err(internal)?,
                    Err(object_store::Error::NotFound { .. }) => continue, // removed meanwhile
                    Err(e) => return Err(internal(e)),
                };
                if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
                    found.push(DamagedRecord { path: meta.location.to_string(), error: e.to_string() });
                }
            }
        }
        // The records kept in memory (catalog, rules, clock) were checked as they loaded, and are
        // again on every change another tab announces (`reload_shared_state`): no reload here,
        // which would read them all a second time at every start.
        self.set_aside(found).await?;
        Ok(self.damaged_records())
    }

    /// Re-reads every piece of lake state this engine keeps in memory (the Data Catalog, the
    /// EventBridge rules, the clock), after another tab changed the lake. Damaged records found
    /// on the way are set aside.
    pub async fn reload_shared_state(&self) -> Result<(), ApiError> {
        crate::errors::api(self.catalog().reload().await)?;
        self.rules.reload().await?;
        self.set_aside_unloaded().await?;
        self.load_clock().await
    }
}
