//! Buckets and objects with S3's rules, laid out in one object store.

use std::sync::Arc;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use object_store::{path::Path, GetOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};

use puddle_events::{EventBus, S3Event, SimClock};

use crate::{validate_bucket_name, Error, PutObjectOptions, Result};

/// Prefix of lake metadata in the object store. Never a bucket: bucket names cannot hold `_`.
pub const META_PREFIX: &str = "_meta";

/// A bucket as ListBuckets reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Bucket name.
    pub name: String,
    /// When it was created.
    pub creation_date: chrono::DateTime<chrono::Utc>,
}

/// One object in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Full key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification.
    pub last_modified: chrono::DateTime<chrono::Utc>,
    /// Entity tag, quoted as S3 prints it.
    pub e_tag: Option<String>,
}

/// A ListObjectsV2 answer (all pages).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListObjects {
    /// Objects, in UTF-8 binary key order.
    pub objects: Vec<ObjectInfo>,
    /// Common prefixes (with their trailing delimiter), sorted.
    pub common_prefixes: Vec<String>,
}

/// S3 over an object store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct S3 {
    store: Arc<dyn ObjectStore>,
    clock: SimClock,
    bus: EventBus,
}

impl S3 {
    /// Serves S3 from `store`, which holds the whole lake.
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self::with_events(store, SimClock::new(), EventBus::new())
    }

    /// Serves S3 from `store` on the lake's clock, publishing object events on `bus`.
    pub fn with_events(store: Arc<dyn ObjectStore>, clock: SimClock, bus: EventBus) -> Self {
        Self { store, clock, bus }
    }

    /// The lake clock S3 reports times on and runs lifecycle rules by.
    pub fn clock(&self) -> &SimClock {
        &self.clock
    }

    /// Where object events go.
    pub fn bus(&self) -> &EventBus {
        &self.bus
    }

    /// Publishes one object event.
    pub(crate) fn publish(
        &self,
        bucket: &str,
        key: &str,
        event_name: &str,
        size: u64,
        etag: Option<String>,
        version_id: Option<String>,
    ) {
        self.bus.publish(S3Event {
            event_name: event_name.to_string(),
            bucket: bucket.to_string(),
            key: key.to_string(),
            size,
            etag,
            version_id,
            time: self.clock.now(),
            sequencer: String::new(),
        });
    }

    /// The underlying store (the SQL engine reads objects through it directly).
    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// The lake's store as every reader outside this crate must see it (SQL, Glue jobs,
    /// crawlers): reads of archived objects fail with `InvalidObjectState` until restored, by
    /// the same rule as [`S3::get_object`] (see [`crate::ArchiveGuard`]).
    pub fn reading_store(&self) -> Arc<dyn ObjectStore> {
        Arc::new(crate::ArchiveGuard::new(self.clone()))
    }

    /// CreateBucket.
    pub async fn create_bucket(&self, bucket: &str) -> Result<()> {
        validate_bucket_name(bucket)?;
        let opts = PutOptions { mode: PutMode::Create, ..Default::default() };
        match self.store.put_opts(&registry_path(bucket), PutPayload::from_static(b"{}"), opts).await {
            Ok(_) => Ok(()),
            Err(object_store::Error::AlreadyExists { .. }) => {
                Err(Error::BucketAlreadyOwnedByYou { bucket: bucket.to_string() })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// HeadBucket: the bucket, or `NoSuchBucket`.
    pub async fn head_bucket(&self, bucket: &str) -> Result<Bucket> {
        if validate_bucket_name(bucket).is_err() {
            return Err(Error::NoSuchBucket { bucket: bucket.to_string() });
        }
        match self.store.head(&registry_path(bucket)).await {
            Ok(meta) => Ok(Bucket { name: bucket.to_string(), creation_date: self.clock.to_lake(meta.last_modified) }),
            Err(object_store::Error::NotFound { .. }) => Err(Error::NoSuchBucket { bucket: bucket.to_string() }),
            Err(e) => Err(e.into()),
        }
    }

    /// DeleteBucket: only an empty bucket can be deleted.
    pub async fn delete_bucket(&self, bucket: &str) -> Result<()> {
        self.head_bucket(bucket).await?;
        let mut objects = self.store.list(Some(&Path::from(bucket)));
        if objects.try_next().await?.is_some() || self.has_versions(bucket).await? {
            return Err(Error::BucketNotEmpty { bucket: bucket.to_string() });
        }
        drop(objects);
        for dir in ["bucket-config", "object-state"] {
            let prefix = Path::from_iter([META_PREFIX, dir, bucket]);
            let paths = self.store.list(Some(&prefix)).map_ok(|m| m.location).boxed();
            self.store.delete_stream(paths).try_collect::<Vec<_>>().await?;
        }
        self.store.delete(&registry_path(bucket)).await?;
        Ok(())
    }

    /// ListBuckets, sorted by name.
    pub async fn list_buckets(&self) -> Result<Vec<Bucket>> {
        let prefix = Path::from_iter([META_PREFIX, "buckets"]);
        let mut buckets: Vec<Bucket> = self
            .store
            .list(Some(&prefix))
            .map_ok(|meta| Bucket {
                name: meta.location.filename().unwrap_or_default().to_string(),
                creation_date: self.clock.to_lake(meta.last_modified),
            })
            .try_collect()
            .await?;
        buckets.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(buckets)
    }

    /// PutObject. Returns the stored object's quoted ETag and size.
    pub async fn put_object(&self, bucket: &str, key: &str, body: Bytes) -> Result<ObjectInfo> {
        self.put_object_with_type(bucket, key, body, None).await
    }

    /// PutObject with an explicit `Content-Type` (guessed from the key otherwise).
    pub async fn put_object_with_type(
        &self,
        bucket: &str,
        key: &str,
        body: Bytes,
        content_type: Option<&str>,
    ) -> Result<ObjectInfo> {
        let options = PutObjectOptions { content_type: content_type.map(str::to_string), ..Default::default() };
        self.put_object_with(bucket, key, body, &options).await
    }

    /// GetObject: the whole body. Archived (GLACIER) objects need a restore first.
    pub async fn get_object(&self, bucket: &str, key: &str) -> Result<Bytes> {
        let res = self.get_opts(bucket, key, GetOptions::default()).await?;
        self.check_readable(bucket, key).await?;
        Ok(res.bytes().await?)
    }

    /// DeleteObject. Like S3, deleting a missing key succeeds; a versioned bucket gets a delete
    /// marker (see [`S3::delete_object_version`]).
    pub async fn delete_object(&self, bucket: &str, key: &str) -> Result<()> {
        self.delete_object_version(bucket, key, None).await.map(|_| ())
    }

    /// ListObjectsV2 (all pages): keys starting with `prefix` (any string, not only whole
    /// folders); with a delimiter, keys with the delimiter after the prefix are grouped into
    /// common prefixes.
    pub async fn list_objects(&self, bucket: &str, prefix: &str, delimiter: Option<&str>) -> Result<ListObjects> {
        let input = crate::ListObjectsV2Input {
            prefix: prefix.to_string(),
            delimiter: delimiter.map(str::to_string),
            max_keys: usize::MAX,
            ..Default::default()
        };
        let page = self.list_objects_v2(bucket, &input).await?;
        Ok(ListObjects { objects: page.contents, common_prefixes: page.common_prefixes })
    }

    /// Writes the lake record `path` (under `_meta/`, never a bucket) with `content_type`, in one
    /// atomic put. Records are not S3 objects: no event, no version, no storage class. The one
    /// write path for data the engines keep outside buckets (Redshift local tables).
    pub async fn put_lake_record(&self, path: &Path, body: Bytes, content_type: &str) -> Result<()> {
        if path.parts().next().is_none_or(|p| p.as_ref() != META_PREFIX) {
            return Err(Error::InvalidArgument { message: format!("'{path}' is not a lake record path (_meta/...)") });
        }
        let mut attributes = object_store::Attributes::new();
        attributes.insert(object_store::Attribute::ContentType, content_type.to_string().into());
        let opts = PutOptions { attributes, ..Default::default() };
        self.store.put_opts(path, PutPayload::from_bytes(body), opts).await?;
        Ok(())
    }

    /// Deletes the lake record `path` (under `_meta/`); a missing record is not an error.
    pub async fn delete_lake_record(&self, path: &Path) -> Result<()> {
        if path.parts().next().is_none_or(|p| p.as_ref() != META_PREFIX) {
            return Err(Error::InvalidArgument { message: format!("'{path}' is not a lake record path (_meta/...)") });
        }
        match self.store.delete(path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes every bucket, object and metadata record: the lake is empty afterwards.
    pub async fn delete_everything(&self) -> Result<()> {
        let paths = self.store.list(None).map_ok(|m| m.location).boxed();
        self.store.delete_stream(paths).try_collect::<Vec<_>>().await?;
        Ok(())
    }
}

/// Where the registry entry of `bucket` lives.
fn registry_path(bucket: &str) -> Path {
    Path::from_iter([META_PREFIX, "buckets", bucket])
}

/// Where the object `bucket/key` lives. Rejects keys the store cannot hold faithfully.
pub(crate) fn object_path(bucket: &str, key: &str) -> Result<Path> {
    let invalid = |why: &str| Err(Error::InvalidArgument { message: format!("Invalid object key '{key}': {why}") });
    if key.is_empty() {
        return invalid("the key must not be empty");
    }
    if key.len() > 1024 {
        return invalid("keys are at most 1024 bytes long");
    }
    if key.starts_with('/') || key.ends_with('/') || key.contains("//") {
        return invalid("empty path segments (leading, trailing or doubled '/') are not supported yet");
    }
    let full = format!("{bucket}/{key}");
    match Path::parse(&full) {
        Ok(path) if path.as_ref() == full => Ok(path),
        Ok(_) => invalid("it cannot be stored as is"),
        Err(e) => invalid(&e.to_string()),
    }
}

/// An ETag as S3 prints it: in double quotes.
pub(crate) fn quote_etag(tag: String) -> String {
    if tag.starts_with('"') {
        tag
    } else {
        format!("\"{tag}\"")
    }
}

/// A `Content-Type` for a key, from its extension (what the AWS CLI guesses on upload).
pub fn guess_content_type(key: &str) -> &'static str {
    let ext = key.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "csv" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "json" => "application/json",
        "jsonl" | "ndjson" => "application/x-ndjson",
        "txt" | "log" => "text/plain",
        "parquet" => "application/vnd.apache.parquet",
        "gz" => "application/gzip",
        "zip" => "application/zip",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "binary/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use object_store::memory::InMemory;

    use super::*;

    fn s3() -> S3 {
        S3::new(Arc::new(InMemory::new()))
    }

    #[tokio::test]
    async fn bucket_lifecycle() {
        let s3 = s3();
        s3.create_bucket("data-lake-raw-123").await.unwrap();
        let e = s3.create_bucket("data-lake-raw-123").await.unwrap_err();
        assert_eq!(e.code(), "BucketAlreadyOwnedByYou");
        assert_eq!(s3.create_bucket("Bad_Name").await.unwrap_err().code(), "InvalidBucketName");
        s3.create_bucket("another-bucket").await.unwrap();
        let names: Vec<_> = s3.list_buckets().await.unwrap().into_iter().map(|b| b.name).collect();
        assert_eq!(names, ["another-bucket", "data-lake-raw-123"]);

        s3.put_object("data-lake-raw-123", "a.csv", Bytes::from_static(b"x")).await.unwrap();
        assert_eq!(s3.delete_bucket("data-lake-raw-123").await.unwrap_err().code(), "BucketNotEmpty");
        s3.delete_object("data-lake-raw-123", "a.csv").await.unwrap();
        s3.delete_bucket("data-lake-raw-123").await.unwrap();
        assert_eq!(s3.delete_bucket("data-lake-raw-123").await.unwrap_err().code(), "NoSuchBucket");
    }

    #[tokio::test]
    async fn objects_need_a_bucket_and_a_key() {
        let s3 = s3();
        let e = s3.put_object("nope-bucket", "k", Bytes::new()).await.unwrap_err();
        assert_eq!(e.code(), "NoSuchBucket");
        s3.create_bucket("b-1").await.unwrap();
        assert_eq!(s3.get_object("b-1", "missing.csv").await.unwrap_err().code(), "NoSuchKey");
        for bad in ["", "a//b", "/a", "dir/"] {
            let e = s3.put_object("b-1", bad, Bytes::new()).await.unwrap_err();
            assert_eq!(e.code(), "InvalidArgument", "{bad}");
        }
    }

    #[tokio::test]
    async fn list_with_prefix_and_delimiter() {
        let s3 = s3();
        s3.create_bucket("b-1").await.unwrap();
        for key in
            ["sales/2025/a.csv", "sales/2025/b.csv", "sales/top.csv", "salesman.txt", "z.txt", "sales/2024/c.csv"]
        {
            s3.put_object("b-1", key, Bytes::from(key.to_string())).await.unwrap();
        }
        let root = s3.list_objects("b-1", "", Some("/")).await.unwrap();
        assert_eq!(root.common_prefixes, ["sales/"]);
        let keys: Vec<_> = root.objects.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["salesman.txt", "z.txt"]);

        let sales = s3.list_objects("b-1", "sales/", Some("/")).await.unwrap();
        assert_eq!(sales.common_prefixes, ["sales/2024/", "sales/2025/"]);
        assert_eq!(sales.objects.len(), 1);
        assert_eq!(sales.objects[0].size, "sales/top.csv".len() as u64);
        assert!(sales.objects[0].e_tag.as_deref().unwrap().starts_with('"'));

        let partial = s3.list_objects("b-1", "sal", None).await.unwrap();
        assert_eq!(partial.objects.len(), 5);
        let deep = s3.list_objects("b-1", "sales/2025/b", None).await.unwrap();
        assert_eq!(deep.objects.len(), 1);
    }

    #[tokio::test]
    async fn delete_everything_empties_the_lake() {
        let s3 = s3();
        s3.create_bucket("b-1").await.unwrap();
        s3.put_object("b-1", "k", Bytes::from_static(b"1")).await.unwrap();
        s3.delete_everything().await.unwrap();
        assert!(s3.list_buckets().await.unwrap().is_empty());
        assert_eq!(s3.get_object("b-1", "k").await.unwrap_err().code(), "NoSuchBucket");
    }
}
