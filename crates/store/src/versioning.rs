//! Bucket versioning: object versions, delete markers, GET/DELETE by version id,
//! ListObjectVersions.
//!
//! The current version of `bucket/key` stays at its usual path, so SQL and listings read it
//! directly; its version id is an attribute. Older versions and delete markers are kept at
//! `_meta/versions/<bucket>/<key>/<version-id>` (a delete marker is an empty object with the
//! `puddle-delete-marker` attribute). Version ids sort by creation time.

use std::sync::atomic::{AtomicU32, Ordering};

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::{
    path::Path, Attribute, Attributes, GetOptions, ObjectStore, ObjectStoreExt, PutOptions, PutPayload,
};
use serde::{Deserialize, Serialize};

use crate::{s3::object_path, Error, Result, META_PREFIX, S3};

/// Attribute holding the version id of a stored version.
pub(crate) const VERSION_ATTR: &str = "puddle-version-id";
/// Attribute marking a delete marker.
const MARKER_ATTR: &str = "puddle-delete-marker";
/// The version id of objects written while versioning was off or suspended.
pub const NULL_VERSION: &str = "null";

/// A bucket's versioning state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VersioningStatus {
    /// Never enabled: one version per key, no version ids.
    Unversioned,
    /// Every write keeps the previous version.
    Enabled,
    /// New writes get the `null` version id; existing versions are kept.
    Suspended,
}

impl VersioningStatus {
    /// S3's `Status` string (`None` when never enabled).
    pub fn as_status(self) -> Option<&'static str> {
        match self {
            VersioningStatus::Unversioned => None,
            VersioningStatus::Enabled => Some("Enabled"),
            VersioningStatus::Suspended => Some("Suspended"),
        }
    }
}

/// One entry of ListObjectVersions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectVersion {
    /// Key.
    pub key: String,
    /// Version id (`null` for unversioned writes).
    pub version_id: String,
    /// Whether this is the key's newest version (or marker).
    pub is_latest: bool,
    /// Whether this is a delete marker.
    pub is_delete_marker: bool,
    /// Size (0 for markers).
    pub size: u64,
    /// Lake time it was written.
    pub last_modified: chrono::DateTime<chrono::Utc>,
    /// Quoted ETag (none for markers).
    pub e_tag: Option<String>,
}

/// What DeleteObject did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteOutcome {
    /// A delete marker was created (or a marker was the version deleted).
    pub delete_marker: bool,
    /// The marker's or the deleted version's id.
    pub version_id: Option<String>,
}

fn config_path(bucket: &str) -> Path {
    Path::from_iter([META_PREFIX, "bucket-config", bucket, "versioning.json"])
}

fn versions_root(bucket: &str) -> Path {
    Path::from_iter([META_PREFIX, "versions", bucket])
}

fn version_path(bucket: &str, key: &str, version_id: &str) -> Result<Path> {
    let object = object_path(bucket, key)?;
    Path::parse(format!("{META_PREFIX}/versions/{}/{version_id}", object.as_ref()))
        .map_err(|e| Error::InvalidArgument { message: e.to_string() })
}

/// A new version id: the lake time in ms, a per-process counter and random bits, in hex, so ids
/// sort by creation time.
fn new_version_id(now: chrono::DateTime<chrono::Utc>) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) & 0xFFFF;
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{:012x}{n:04x}{}", now.timestamp_millis().max(0), &random[..16])
}

fn attr_text(attributes: &Attributes, name: &'static str) -> Option<String> {
    attributes.get(&Attribute::Metadata(name.into())).map(|v| v.as_ref().to_string())
}

/// The version id recorded on a stored version.
pub(crate) fn version_of(attributes: &Attributes) -> Option<String> {
    attr_text(attributes, VERSION_ATTR)
}

impl S3 {
    /// GetBucketVersioning.
    pub async fn bucket_versioning(&self, bucket: &str) -> Result<VersioningStatus> {
        self.head_bucket(bucket).await?;
        match self.store().get(&config_path(bucket)).await {
            Ok(r) => Ok(serde_json::from_slice(&r.bytes().await?).unwrap_or(VersioningStatus::Unversioned)),
            Err(object_store::Error::NotFound { .. }) => Ok(VersioningStatus::Unversioned),
            Err(e) => Err(e.into()),
        }
    }

    /// PutBucketVersioning with `Enabled` or `Suspended`.
    pub async fn put_bucket_versioning(&self, bucket: &str, status: &str) -> Result<()> {
        self.head_bucket(bucket).await?;
        let status = match status {
            "Enabled" => VersioningStatus::Enabled,
            "Suspended" => VersioningStatus::Suspended,
            other => {
                return Err(Error::MalformedXml {
                    message: format!("Status must be Enabled or Suspended, not '{other}'"),
                })
            }
        };
        let body = serde_json::to_vec(&status).map_err(|e| Error::InvalidArgument { message: e.to_string() })?;
        self.store().put(&config_path(bucket), PutPayload::from(body)).await?;
        Ok(())
    }

    /// Before `bucket/key` is overwritten or deleted: keeps its current version as a noncurrent
    /// one when versioning asks for it. Returns the version id the next write gets.
    pub(crate) async fn archive_current(&self, bucket: &str, key: &str) -> Result<Option<String>> {
        let status = self.bucket_versioning(bucket).await?;
        if status == VersioningStatus::Unversioned {
            return Ok(None);
        }
        let path = object_path(bucket, key)?;
        match self.store().get_opts(&path, GetOptions::default()).await {
            Ok(current) => {
                let vid = version_of(&current.attributes).unwrap_or_else(|| NULL_VERSION.into());
                if status == VersioningStatus::Enabled || vid != NULL_VERSION {
                    let attributes = current.attributes.clone();
                    let body = current.bytes().await?;
                    self.put_version(bucket, key, &vid, body, attributes).await?;
                }
            }
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(Some(match status {
            VersioningStatus::Enabled => new_version_id(self.clock().now()),
            _ => {
                self.remove_version(bucket, key, NULL_VERSION).await?;
                NULL_VERSION.into()
            }
        }))
    }

    async fn put_version(
        &self,
        bucket: &str,
        key: &str,
        vid: &str,
        body: Bytes,
        mut attributes: Attributes,
    ) -> Result<()> {
        attributes.insert(Attribute::Metadata(VERSION_ATTR.into()), vid.to_string().into());
        let opts = PutOptions { attributes, ..Default::default() };
        self.store().put_opts(&version_path(bucket, key, vid)?, PutPayload::from_bytes(body), opts).await?;
        Ok(())
    }

    async fn remove_version(&self, bucket: &str, key: &str, vid: &str) -> Result<()> {
        match self.store().delete(&version_path(bucket, key, vid)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// DeleteObject with S3's versioning rules. Without a version id, a versioned bucket gets a
    /// delete marker; with one, that version is removed for good (and the next newest version
    /// becomes current).
    pub async fn delete_object_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<DeleteOutcome> {
        self.head_bucket(bucket).await?;
        let path = object_path(bucket, key)?;
        let Some(vid) = version_id else {
            let marker = self.archive_current(bucket, key).await?;
            let existed = self.delete_path(&path).await?;
            if let Some(marker_id) = &marker {
                let mut attributes = Attributes::new();
                attributes.insert(Attribute::Metadata(MARKER_ATTR.into()), "true".into());
                self.put_version(bucket, key, marker_id, Bytes::new(), attributes).await?;
                self.publish(bucket, key, "ObjectRemoved:DeleteMarkerCreated", 0, None, Some(marker_id.clone()));
            } else if existed {
                self.publish(bucket, key, "ObjectRemoved:Delete", 0, None, None);
            }
            if existed || marker.is_some() {
                self.forget_object_state(bucket, key).await?;
            }
            return Ok(DeleteOutcome { delete_marker: marker.is_some(), version_id: marker });
        };
        let current = match head_attributes(self.store(), &path).await {
            Ok(attributes) => Some(version_of(&attributes).unwrap_or_else(|| NULL_VERSION.into())),
            Err(object_store::Error::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let mut outcome = DeleteOutcome { delete_marker: false, version_id: Some(vid.to_string()) };
        if current.as_deref() == Some(vid) {
            self.delete_path(&path).await?;
            self.forget_object_state(bucket, key).await?;
        } else {
            let vpath = version_path(bucket, key, vid)?;
            match self.store().get_opts(&vpath, GetOptions { head: true, ..Default::default() }).await {
                Ok(r) => outcome.delete_marker = attr_text(&r.attributes, MARKER_ATTR).is_some(),
                // Deleting a version that does not exist succeeds, as in S3.
                Err(object_store::Error::NotFound { .. }) => return Ok(outcome),
                Err(e) => return Err(e.into()),
            }
            self.delete_path(&vpath).await?;
        }
        self.publish(bucket, key, "ObjectRemoved:Delete", 0, None, Some(vid.to_string()));
        self.promote_newest(bucket, key).await?;
        Ok(outcome)
    }

    /// When a key has no current object and its newest noncurrent version is an object (not a
    /// marker), that version becomes current again.
    async fn promote_newest(&self, bucket: &str, key: &str) -> Result<()> {
        let path = object_path(bucket, key)?;
        if self.store().head(&path).await.is_ok() {
            return Ok(());
        }
        let versions = self.noncurrent_of(bucket, key).await?;
        let Some((vid, vpath, _)) =
            versions.into_iter().max_by(|a, b| a.2.cmp(&b.2).then(age_key(&a.0).cmp(age_key(&b.0))))
        else {
            return Ok(());
        };
        let res = self.store().get_opts(&vpath, GetOptions::default()).await?;
        if attr_text(&res.attributes, MARKER_ATTR).is_some() {
            return Ok(());
        }
        let attributes = res.attributes.clone();
        let body = res.bytes().await?;
        let opts = PutOptions { attributes, ..Default::default() };
        self.store().put_opts(&path, PutPayload::from_bytes(body), opts).await?;
        self.remove_version(bucket, key, &vid).await
    }

    async fn delete_path(&self, path: &Path) -> Result<bool> {
        match self.store().head(path).await {
            Ok(_) => {}
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        match self.store().delete(path).await {
            Ok(()) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// (version id, path, when it became noncurrent) of every noncurrent version and marker of
    /// exactly `key`.
    async fn noncurrent_of(
        &self,
        bucket: &str,
        key: &str,
    ) -> Result<Vec<(String, Path, chrono::DateTime<chrono::Utc>)>> {
        let object = object_path(bucket, key)?;
        let prefix = Path::parse(format!("{META_PREFIX}/versions/{}", object.as_ref()))
            .map_err(|e| Error::InvalidArgument { message: e.to_string() })?;
        let depth = prefix.parts().count() + 1;
        let metas: Vec<_> = self.store().list(Some(&prefix)).try_collect().await?;
        Ok(metas
            .into_iter()
            .filter(|m| m.location.parts().count() == depth)
            .filter_map(|m| Some((m.location.filename()?.to_string(), m.location.clone(), m.last_modified)))
            .collect())
    }

    /// GetObject of one version: the body and its head. `null` is the version written while
    /// versioning was off.
    pub async fn get_object_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: &str,
    ) -> Result<(Bytes, crate::ObjectHead)> {
        self.head_bucket(bucket).await?;
        let path = object_path(bucket, key)?;
        let no_such = || Error::NoSuchVersion { key: key.to_string(), version_id: version_id.to_string() };
        if let Ok(current) = self.store().get_opts(&path, GetOptions::default()).await {
            if version_of(&current.attributes).as_deref().unwrap_or(NULL_VERSION) == version_id {
                self.check_readable(bucket, key).await?;
                let head = self.head_from(key, &current.meta, &current.attributes, bucket).await?;
                return Ok((current.bytes().await?, head));
            }
        }
        if version_id.is_empty() || !version_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(no_such());
        }
        match self.store().get_opts(&version_path(bucket, key, version_id)?, GetOptions::default()).await {
            Ok(r) if attr_text(&r.attributes, MARKER_ATTR).is_some() => {
                Err(Error::MethodNotAllowed { key: key.to_string(), version_id: version_id.to_string() })
            }
            Ok(r) => {
                let mut head = self.head_from(key, &r.meta, &r.attributes, bucket).await?;
                head.storage_class = "STANDARD".into();
                Ok((r.bytes().await?, head))
            }
            Err(object_store::Error::NotFound { .. }) => Err(no_such()),
            Err(e) => Err(e.into()),
        }
    }

    /// ListObjectVersions: every version and delete marker of keys starting with `prefix`,
    /// by key, newest first within a key.
    pub async fn list_object_versions(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectVersion>> {
        let current = self.list_objects(bucket, prefix, None).await?;
        let mut out = Vec::new();
        for o in current.objects {
            let path = object_path(bucket, &o.key)?;
            let vid = match head_attributes(self.store(), &path).await {
                Ok(attributes) => version_of(&attributes).unwrap_or_else(|| NULL_VERSION.into()),
                Err(_) => NULL_VERSION.into(),
            };
            out.push(ObjectVersion {
                key: o.key,
                version_id: vid,
                is_latest: true,
                is_delete_marker: false,
                size: o.size,
                last_modified: o.last_modified,
                e_tag: o.e_tag,
            });
        }
        let root = versions_root(bucket);
        let strip = root.as_ref().len() + 1;
        let metas: Vec<_> = self.store().list(Some(&root)).try_collect().await?;
        for m in metas {
            let full = m.location.as_ref();
            let Some((key, vid)) = full.get(strip..).and_then(|rest| rest.rsplit_once('/')) else { continue };
            if !key.starts_with(prefix) {
                continue;
            }
            let res = self.store().get_opts(&m.location, GetOptions { head: true, ..Default::default() }).await?;
            let marker = attr_text(&res.attributes, MARKER_ATTR).is_some();
            out.push(ObjectVersion {
                key: key.to_string(),
                version_id: vid.to_string(),
                is_latest: false,
                is_delete_marker: marker,
                size: if marker { 0 } else { m.size },
                last_modified: self.clock().to_lake(m.last_modified),
                e_tag: if marker { None } else { m.e_tag.clone().map(crate::s3::quote_etag) },
            });
        }
        // By key; within a key the current version first, then the newest noncurrent.
        out.sort_by(|a, b| {
            a.key
                .as_bytes()
                .cmp(b.key.as_bytes())
                .then(b.is_latest.cmp(&a.is_latest))
                .then(b.last_modified.cmp(&a.last_modified))
                .then(age_key(&b.version_id).cmp(age_key(&a.version_id)))
        });
        let mut i = 0;
        while i < out.len() {
            let key = out[i].key.clone();
            let first = i;
            while i < out.len() && out[i].key == key {
                i += 1;
            }
            out[first].is_latest = true;
        }
        Ok(out)
    }

    /// Whether `bucket` still holds noncurrent versions or delete markers.
    pub(crate) async fn has_versions(&self, bucket: &str) -> Result<bool> {
        let root = versions_root(bucket);
        Ok(self.store().list(Some(&root)).try_next().await?.is_some())
    }
}

/// Orders version ids by age: `null` (written before versioning) is the oldest.
fn age_key(version_id: &str) -> &str {
    if version_id == NULL_VERSION {
        ""
    } else {
        version_id
    }
}

/// The attributes of `path` without its body.
async fn head_attributes(store: &std::sync::Arc<dyn ObjectStore>, path: &Path) -> object_store::Result<Attributes> {
    Ok(store.get_opts(path, GetOptions { head: true, ..Default::default() }).await?.attributes)
}
