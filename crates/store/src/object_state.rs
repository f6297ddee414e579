//! Storage classes and Glacier restores.
//!
//! An object's storage class and restore state live in a small JSON record at
//! `_meta/object-state/<bucket>/<key>`, so a lifecycle transition does not rewrite the object
//! (its ETag and Last-Modified stay, as in S3). No record means `STANDARD`. Overwriting or
//! deleting the object removes the record.

use chrono::{DateTime, Duration, Utc};
use futures::TryStreamExt;
use object_store::{path::Path, Attributes, ObjectStore, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};

use crate::{s3::object_path, Error, ObjectHead, ObjectInfo, Result, META_PREFIX, S3};

/// Storage classes an object can be in (transitions and PutObject).
pub const STORAGE_CLASSES: [&str; 7] =
    ["STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"];

/// Classes whose objects must be restored before they can be read.
pub fn is_archive(class: &str) -> bool {
    matches!(class, "GLACIER" | "DEEP_ARCHIVE")
}

/// The state record of one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ObjectState {
    /// Storage class (`STANDARD` when absent).
    pub storage_class: String,
    /// Lake time a running restore completes.
    pub restore_ready: Option<DateTime<Utc>>,
    /// Lake time the restored copy expires.
    pub restore_expiry: Option<DateTime<Utc>>,
}

fn state_path(bucket: &str, key: &str) -> Result<Path> {
    let object = object_path(bucket, key)?;
    Path::parse(format!("{META_PREFIX}/object-state/{}", object.as_ref()))
        .map_err(|e| Error::InvalidArgument { message: e.to_string() })
}

impl S3 {
    /// The state record of `bucket/key` (a `STANDARD` default when none is stored).
    pub async fn object_state(&self, bucket: &str, key: &str) -> Result<ObjectState> {
        match self.store().get(&state_path(bucket, key)?).await {
            Ok(r) => Ok(serde_json::from_slice(&r.bytes().await?).unwrap_or_default()),
            Err(object_store::Error::NotFound { .. }) => {
                Ok(ObjectState { storage_class: "STANDARD".into(), ..Default::default() })
            }
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) async fn save_object_state(&self, bucket: &str, key: &str, state: &ObjectState) -> Result<()> {
        let body = serde_json::to_vec(state).map_err(|e| Error::InvalidArgument { message: e.to_string() })?;
        self.store().put(&state_path(bucket, key)?, PutPayload::from(body)).await?;
        Ok(())
    }

    pub(crate) async fn forget_object_state(&self, bucket: &str, key: &str) -> Result<()> {
        match self.store().delete(&state_path(bucket, key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Storage classes of every object of `bucket` that is not `STANDARD`, by key (for listings).
    pub async fn storage_classes(&self, bucket: &str) -> Result<std::collections::BTreeMap<String, String>> {
        let root = Path::from_iter([META_PREFIX, "object-state", bucket]);
        let strip = root.as_ref().len() + 1;
        let metas: Vec<_> = self.store().list(Some(&root)).try_collect().await?;
        let mut out = std::collections::BTreeMap::new();
        for m in metas {
            let Some(key) = m.location.as_ref().get(strip..).map(str::to_string) else { continue };
            let bytes = self.store().get(&m.location).await?.bytes().await?;
            if let Ok(state) = serde_json::from_slice::<ObjectState>(&bytes) {
                out.insert(key, state.storage_class);
            }
        }
        Ok(out)
    }

    /// Fails with `InvalidObjectState` when the object is archived and not restored.
    pub(crate) async fn check_readable(&self, bucket: &str, key: &str) -> Result<()> {
        let state = self.object_state(bucket, key).await?;
        if !is_archive(&state.storage_class) {
            return Ok(());
        }
        let now = self.clock().now();
        let restored = state.restore_ready.is_some_and(|r| r <= now) && state.restore_expiry.is_some_and(|e| now < e);
        if restored {
            Ok(())
        } else {
            Err(Error::InvalidObjectState {
                message: format!(
                    "The operation is not valid for the object's storage class: s3://{bucket}/{key} is in {}{}",
                    state.storage_class,
                    match state.restore_ready {
                        Some(r) if now < r => format!(
                            "; its restore completes at {}",
                            r.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                        ),
                        _ => "; restore it first (aws s3api restore-object)".into(),
                    }
                ),
            })
        }
    }

    /// RestoreObject: makes a GLACIER / DEEP_ARCHIVE object readable for `days` days, after the
    /// retrieval time of `tier` (Expedited 5 minutes, Standard 4 hours (12 for DEEP_ARCHIVE),
    /// Bulk 12 hours (48)) on the lake clock. Returns whether a restored copy already existed.
    pub async fn restore_object(&self, bucket: &str, key: &str, days: u32, tier: &str) -> Result<bool> {
        self.head_object(bucket, key).await?;
        let mut state = self.object_state(bucket, key).await?;
        if !is_archive(&state.storage_class) {
            return Err(Error::InvalidObjectState {
                message: format!(
                    "Restore is not allowed for the object's current storage class {}",
                    state.storage_class
                ),
            });
        }
        // S3's Days is an XML Integer: beyond i32 it is not even well-formed.
        if days == 0 || days > i32::MAX as u32 {
            return Err(Error::MalformedXml { message: format!("Days must be from 1 to {}", i32::MAX) });
        }
        let now = self.clock().now();
        if state.restore_ready.is_some_and(|r| now < r) {
            return Err(Error::RestoreAlreadyInProgress { key: key.to_string() });
        }
        let deep = state.storage_class == "DEEP_ARCHIVE";
        let wait = match tier {
            "Expedited" if !deep => Duration::minutes(5),
            "Standard" | "" => Duration::hours(if deep { 12 } else { 4 }),
            "Bulk" => Duration::hours(if deep { 48 } else { 12 }),
            other => {
                return Err(Error::MalformedXml {
                    message: format!("Tier '{other}' is not valid for {}", state.storage_class),
                })
            }
        };
        let already = state.restore_ready.is_some_and(|r| r <= now) && state.restore_expiry.is_some_and(|e| now < e);
        let ready =
            if already { state.restore_ready.unwrap_or(now) } else { now.checked_add_signed(wait).unwrap_or(now) };
        // A user number meeting time: checked, so a huge Days is an error, never an overflow.
        let expiry = ready.checked_add_signed(Duration::days(days.into())).ok_or_else(|| Error::InvalidArgument {
            message: format!("Days {days} puts the end of the restore past the last representable date"),
        })?;
        state.restore_ready = Some(ready);
        state.restore_expiry = Some(expiry);
        self.save_object_state(bucket, key, &state).await?;
        Ok(already)
    }

    /// HeadObject's answer for a stored version: lake times, version id, storage class, restore.
    pub(crate) async fn head_from(
        &self,
        key: &str,
        meta: &object_store::ObjectMeta,
        attributes: &Attributes,
        bucket: &str,
    ) -> Result<ObjectHead> {
        let mut head = crate::objects::head_of(key, meta, attributes);
        head.info.last_modified = self.clock().to_lake(meta.last_modified);
        head.version_id = crate::versioning::version_of(attributes);
        let state = self.object_state(bucket, key).await?;
        head.storage_class = state.storage_class.clone();
        let now = self.clock().now();
        head.restore = match (state.restore_ready, state.restore_expiry) {
            (Some(ready), _) if now < ready => Some("ongoing-request=\"true\"".into()),
            (Some(_), Some(expiry)) if now < expiry => Some(format!(
                "ongoing-request=\"false\", expiry-date=\"{}\"",
                expiry.format("%a, %d %b %Y %H:%M:%S GMT")
            )),
            _ => None,
        };
        Ok(head)
    }

    /// Sets the storage class of the current version (a lifecycle transition).
    pub(crate) async fn transition(&self, bucket: &str, info: &ObjectInfo, class: &str) -> Result<()> {
        let mut state = self.object_state(bucket, &info.key).await?;
        state.storage_class = class.to_string();
        state.restore_ready = None;
        state.restore_expiry = None;
        self.save_object_state(bucket, &info.key, &state).await?;
        self.publish(bucket, &info.key, "LifecycleTransition", info.size, info.e_tag.clone(), None);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bytes::Bytes;
    use object_store::memory::InMemory;

    use crate::{PutObjectOptions, S3};

    /// Issue 12: `restore-object` with `Days=4000000000` overflowed chrono adding the days.
    #[tokio::test]
    async fn huge_restore_days_are_errors_not_overflows() {
        let s3 = S3::new(Arc::new(InMemory::new()));
        s3.create_bucket("raw-1").await.unwrap();
        let glacier = PutObjectOptions { storage_class: Some("GLACIER".into()), ..Default::default() };
        s3.put_object_with("raw-1", "a.csv", Bytes::from("x"), &glacier).await.unwrap();
        let code = |days| {
            let s3 = s3.clone();
            async move { s3.restore_object("raw-1", "a.csv", days, "Standard").await.map_err(|e| e.code()) }
        };
        assert_eq!(code(4_000_000_000).await, Err("MalformedXML"));
        assert_eq!(code(0).await, Err("MalformedXML"));
        assert_eq!(code(i32::MAX as u32).await, Err("InvalidArgument"));
        assert_eq!(code(36_500).await, Ok(false));
    }
}
