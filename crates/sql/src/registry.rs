//! Serves `s3://<bucket>/` URLs from the lake's one object store.

use std::sync::{
    atomic::{AtomicBool, AtomicU64},
    Arc,
};

use datafusion::{
    error::{DataFusionError, Result},
    execution::object_store::ObjectStoreRegistry,
};
use object_store::ObjectStore;
use url::Url;

use crate::{BucketStore, CountingStore, GunzipStore};

/// The URL of the whole lake (every bucket, paths `<bucket>/<key>`): a scan whose files live in
/// several buckets reads through it. `_` cannot appear in a bucket name, so it names no bucket.
pub(crate) const WHOLE_LAKE: &str = "s3://_lake/";

/// An [`ObjectStoreRegistry`] that maps `s3://<bucket>/<key>` to `<bucket>/<key>` in the lake's
/// store, counting every byte read into `bytes_read` (compressed bytes, for `.gz` objects, which
/// readers see decompressed). Buckets need no registration.
#[derive(Debug)]
pub struct LakeStoreRegistry {
    counting: Arc<dyn ObjectStore>,
}

impl LakeStoreRegistry {
    /// A registry over `lake`, adding the bytes read to `bytes_read`.
    pub fn new(lake: Arc<dyn ObjectStore>, bytes_read: Arc<AtomicU64>) -> Self {
        Self::with_limit(lake, bytes_read, None)
    }

    /// A registry whose reads fail once more than `limit` bytes were read.
    pub fn with_limit(lake: Arc<dyn ObjectStore>, bytes_read: Arc<AtomicU64>, limit: Option<u64>) -> Self {
        Self::with_controls(lake, bytes_read, limit, None)
    }

    /// A registry whose reads fail once more than `limit` bytes were read or once `cancel` is set.
    pub fn with_controls(
        lake: Arc<dyn ObjectStore>,
        bytes_read: Arc<AtomicU64>,
        limit: Option<u64>,
        cancel: Option<Arc<AtomicBool>>,
    ) -> Self {
        let counting = CountingStore::new(lake, bytes_read).with_limit(limit).with_cancel(cancel);
        Self { counting: Arc::new(GunzipStore::new(Arc::new(counting))) }
    }
}

impl ObjectStoreRegistry for LakeStoreRegistry {
    fn register_store(&self, url: &Url, _store: Arc<dyn ObjectStore>) -> Option<Arc<dyn ObjectStore>> {
        // Every bucket is served from the lake; other stores cannot be added.
        let _ = url;
        None
    }

    fn get_store(&self, url: &Url) -> Result<Arc<dyn ObjectStore>> {
        match (url.scheme(), url.host_str()) {
            ("s3", Some("_lake")) => Ok(Arc::clone(&self.counting)),
            ("s3", Some(bucket)) if !bucket.is_empty() => {
                Ok(Arc::new(BucketStore::new(Arc::clone(&self.counting), bucket)))
            }
            _ => Err(DataFusionError::Plan(format!(
                "Unsupported location '{url}': table locations must be s3://bucket/prefix/ URIs in this lake"
            ))),
        }
    }
}
