//! Archived objects refused to every reader, not only to GetObject.
//!
//! The SQL engine (Athena, Glue ETL jobs, Redshift Spectrum) and the crawlers read the lake's
//! `ObjectStore` directly. [`ArchiveGuard`] is that store as those readers see it: a read of an
//! object in GLACIER or DEEP_ARCHIVE without a completed, unexpired restore fails with S3's
//! `InvalidObjectState` (as an `object_store::Error::Generic` whose `store` is
//! [`ARCHIVED_STORE`]; [`archived_message`] finds it again in any error chain). The rule itself
//! is [`S3::check_readable`], the one GetObject applies, so every read path agrees. Lake records
//! (`_meta/...`), heads, listings and writes pass through unchanged.

use std::{fmt, ops::Range, sync::Arc};

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use object_store::{
    path::Path, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};

use crate::{Error, META_PREFIX, S3};

/// `store` of the `object_store::Error::Generic` an archived object's read fails with.
pub const ARCHIVED_STORE: &str = "InvalidObjectState";

/// The lake's store with reads of archived, unrestored objects refused (see the module docs).
#[derive(Debug, Clone)]
pub struct ArchiveGuard {
    s3: S3,
}

impl ArchiveGuard {
    /// The store of `s3`, guarded by its storage classes and restores on its clock.
    pub fn new(s3: S3) -> Self {
        Self { s3 }
    }

    fn inner(&self) -> &Arc<dyn ObjectStore> {
        self.s3.store()
    }

    /// Fails when `location` is a bucket object that cannot be read now.
    async fn check(&self, location: &Path) -> Result<()> {
        let text = location.as_ref();
        let Some((bucket, key)) = text.split_once('/') else { return Ok(()) };
        if bucket == META_PREFIX {
            return Ok(());
        }
        match self.s3.check_readable(bucket, key).await {
            Ok(()) => Ok(()),
            Err(e @ Error::InvalidObjectState { .. }) => {
                Err(object_store::Error::Generic { store: ARCHIVED_STORE, source: Box::new(e) })
            }
            Err(Error::Store(e)) => Err(e),
            // A path S3 would not name (the guard refuses only what it knows is archived).
            Err(_) => Ok(()),
        }
    }
}

/// The `InvalidObjectState` message of an archived object's refused read, if `err` (or any
/// error it wraps) is one.
pub fn archived_message(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(object_store::Error::Generic { store: ARCHIVED_STORE, source }) =
            e.downcast_ref::<object_store::Error>()
        {
            return Some(source.to_string());
        }
        if let Some(Error::InvalidObjectState { message }) = e.downcast_ref::<Error>() {
            return Some(message.clone());
        }
        current = e.source();
    }
    None
}

impl fmt::Display for ArchiveGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArchiveGuard({})", self.inner())
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl ObjectStore for ArchiveGuard {
    async fn put_opts(&self, location: &Path, payload: PutPayload, opts: PutOptions) -> Result<PutResult> {
        self.inner().put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(&self, location: &Path, opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        self.inner().put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        if !options.head {
            self.check(location).await?;
        }
        self.inner().get_opts(location, options).await
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        self.check(location).await?;
        self.inner().get_ranges(location, ranges).await
    }

    fn delete_stream(&self, locations: BoxStream<'static, Result<Path>>) -> BoxStream<'static, Result<Path>> {
        self.inner().delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner().list(prefix)
    }

    fn list_with_offset(&self, prefix: Option<&Path>, offset: &Path) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner().list_with_offset(prefix, offset)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.inner().list_with_delimiter(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        self.check(from).await?;
        self.inner().copy_opts(from, to, options).await
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> Result<()> {
        self.inner().rename_opts(from, to, options).await
    }
}

#[cfg(test)]
mod tests {
    use object_store::{memory::InMemory, ObjectStoreExt};

    use super::*;
    use crate::PutObjectOptions;

    #[tokio::test]
    async fn archived_objects_fail_until_restored() {
        let s3 = S3::new(Arc::new(InMemory::new()));
        s3.create_bucket("b-1").await.unwrap();
        let cold = PutObjectOptions { storage_class: Some("DEEP_ARCHIVE".into()), ..Default::default() };
        s3.put_object_with("b-1", "cold.csv", "a\n".into(), &cold).await.unwrap();
        s3.put_object("b-1", "warm.csv", "b\n".into()).await.unwrap();
        let guard = ArchiveGuard::new(s3.clone());

        assert_eq!(guard.get(&Path::from("b-1/warm.csv")).await.unwrap().bytes().await.unwrap(), "b\n");
        let err = guard.get(&Path::from("b-1/cold.csv")).await.unwrap_err();
        let message = archived_message(&err).expect("an InvalidObjectState error");
        assert!(message.contains("s3://b-1/cold.csv is in DEEP_ARCHIVE"), "{message}");
        let err = guard.get_range(&Path::from("b-1/cold.csv"), 0..1).await.unwrap_err();
        assert!(archived_message(&err).is_some(), "{err}");
        // Heads and listings are allowed, as in S3; S3 maps the error to its code.
        assert_eq!(guard.head(&Path::from("b-1/cold.csv")).await.unwrap().size, 2);
        assert_eq!(Error::from(err).code(), "InvalidObjectState");

        s3.restore_object("b-1", "cold.csv", 1, "Standard").await.unwrap();
        assert!(guard.get(&Path::from("b-1/cold.csv")).await.is_err(), "the restore takes 12 hours");
        s3.clock().advance(chrono::Duration::hours(13));
        assert_eq!(guard.get(&Path::from("b-1/cold.csv")).await.unwrap().bytes().await.unwrap(), "a\n");
        s3.clock().advance(chrono::Duration::days(2));
        assert!(guard.get(&Path::from("b-1/cold.csv")).await.is_err(), "the restored copy expired");
    }
}
