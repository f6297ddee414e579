//! An object store wrapper that counts the bytes read through it.

use std::{
    fmt,
    ops::Range,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
};

use async_trait::async_trait;
use bytes::Bytes;
use futures::{stream::BoxStream, StreamExt};
use object_store::{
    path::Path, CopyOptions, GetOptions, GetResult, GetResultPayload, ListResult, MultipartUpload, ObjectMeta,
    ObjectStore, PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};

/// Passes every call to `inner`, adding the bytes of object data it returns to a counter.
///
/// This is Athena's "data scanned": whole CSV/JSON files, or only the Parquet footers and
/// column chunks a query touched. Listing and metadata calls count nothing.
#[derive(Debug)]
pub struct CountingStore {
    inner: Arc<dyn ObjectStore>,
    bytes_read: Arc<AtomicU64>,
    limit: Option<u64>,
    cancel: Option<Arc<AtomicBool>>,
}

/// The message of a read refused because the query is over its data-usage limit.
pub const SCAN_LIMIT_MESSAGE: &str = "Bytes scanned limit was exceeded";

/// The message of a read refused because the query was cancelled (`RunOptions::cancel`).
pub const CANCELLED_MESSAGE: &str = "Query cancelled";

fn over_limit() -> object_store::Error {
    object_store::Error::Generic { store: "athena", source: SCAN_LIMIT_MESSAGE.into() }
}

fn cancelled() -> object_store::Error {
    object_store::Error::Generic { store: "athena", source: CANCELLED_MESSAGE.into() }
}

impl CountingStore {
    /// Wraps `inner`, adding to `bytes_read`.
    pub fn new(inner: Arc<dyn ObjectStore>, bytes_read: Arc<AtomicU64>) -> Self {
        Self { inner, bytes_read, limit: None, cancel: None }
    }

    /// Fails reads once more than `limit` bytes were read (Athena's per-query data usage control).
    pub fn with_limit(mut self, limit: Option<u64>) -> Self {
        self.limit = limit;
        self
    }

    /// Fails reads once `cancel` is set, so a cancelled query stops at its next read even inside
    /// an operator (an aggregation) that yields no batch until it has read everything.
    pub fn with_cancel(mut self, cancel: Option<Arc<AtomicBool>>) -> Self {
        self.cancel = cancel;
        self
    }

    fn over(&self) -> bool {
        self.limit.is_some_and(|l| self.bytes_read.load(Ordering::Relaxed) > l)
    }

    /// Why no read may start now, if none may.
    fn refused(&self) -> Option<object_store::Error> {
        if self.cancel.as_ref().is_some_and(|c| c.load(Ordering::SeqCst)) {
            return Some(cancelled());
        }
        self.over().then(over_limit)
    }
}

impl fmt::Display for CountingStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountingStore({})", self.inner)
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl ObjectStore for CountingStore {
    async fn put_opts(&self, location: &Path, payload: PutPayload, opts: PutOptions) -> Result<PutResult> {
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(&self, location: &Path, opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        if let Some(e) = self.refused() {
            return Err(e);
        }
        let mut res = self.inner.get_opts(location, options).await?;
        // Count bytes as they are consumed, so a reader that stops early is not overcharged.
        #[allow(unreachable_patterns)]
        match res.payload {
            GetResultPayload::Stream(stream) => {
                let counter = Arc::clone(&self.bytes_read);
                let limit = self.limit;
                let cancel = self.cancel.clone();
                res.payload = GetResultPayload::Stream(
                    stream
                        .map(move |chunk| {
                            if cancel.as_ref().is_some_and(|c| c.load(Ordering::SeqCst)) {
                                return Err(cancelled());
                            }
                            let bytes = chunk?;
                            let total = counter.fetch_add(bytes.len() as u64, Ordering::Relaxed) + bytes.len() as u64;
                            if limit.is_some_and(|l| total > l) {
                                return Err(over_limit());
                            }
                            Ok(bytes)
                        })
                        .boxed(),
                );
            }
            _ => {
                self.bytes_read.fetch_add(res.range.end - res.range.start, Ordering::Relaxed);
            }
        }
        Ok(res)
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        if let Some(e) = self.refused() {
            return Err(e);
        }
        let parts = self.inner.get_ranges(location, ranges).await?;
        let n: u64 = parts.iter().map(|b| b.len() as u64).sum();
        self.bytes_read.fetch_add(n, Ordering::Relaxed);
        if self.over() {
            return Err(over_limit());
        }
        Ok(parts)
    }

    fn delete_stream(&self, locations: BoxStream<'static, Result<Path>>) -> BoxStream<'static, Result<Path>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    fn list_with_offset(&self, prefix: Option<&Path>, offset: &Path) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner.list_with_offset(prefix, offset)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        self.inner.copy_opts(from, to, options).await
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> Result<()> {
        self.inner.rename_opts(from, to, options).await
    }
}

#[cfg(test)]
mod tests {
    use object_store::{memory::InMemory, ObjectStoreExt};

    use super::*;

    #[tokio::test]
    async fn counts_whole_and_ranged_reads_but_not_metadata() {
        let counter = Arc::new(AtomicU64::new(0));
        let store = CountingStore::new(Arc::new(InMemory::new()), counter.clone());
        let path = Path::from("b/k");
        store.put(&path, PutPayload::from(vec![7u8; 1000])).await.unwrap();
        store.head(&path).await.unwrap();
        assert_eq!(counter.load(Ordering::Relaxed), 0);
        store.get(&path).await.unwrap().bytes().await.unwrap();
        assert_eq!(counter.load(Ordering::Relaxed), 1000);
        store.get_range(&path, 10..110).await.unwrap();
        assert_eq!(counter.load(Ordering::Relaxed), 1100);
        store.get_ranges(&path, &[0..1, 5..10]).await.unwrap();
        assert_eq!(counter.load(Ordering::Relaxed), 1106);
    }

    #[tokio::test]
    async fn reads_past_the_limit_fail() {
        let counter = Arc::new(AtomicU64::new(0));
        let store = CountingStore::new(Arc::new(InMemory::new()), counter.clone()).with_limit(Some(1500));
        let path = Path::from("b/k");
        store.put(&path, PutPayload::from(vec![7u8; 1000])).await.unwrap();
        store.get(&path).await.unwrap().bytes().await.unwrap();
        let second = store.get(&path).await.unwrap().bytes().await.unwrap_err();
        assert!(second.to_string().contains(SCAN_LIMIT_MESSAGE), "{second}");
        assert!(store.get_range(&path, 0..10).await.is_err(), "no read starts once over the limit");
        assert_eq!(counter.load(Ordering::Relaxed), 2000);
    }

    #[tokio::test]
    async fn no_read_starts_or_continues_once_cancelled() {
        let counter = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let store = CountingStore::new(Arc::new(InMemory::new()), counter.clone()).with_cancel(Some(cancel.clone()));
        let path = Path::from("b/k");
        store.put(&path, PutPayload::from(vec![7u8; 1000])).await.unwrap();
        let open = store.get(&path).await.unwrap();
        store.get_range(&path, 0..10).await.unwrap();
        cancel.store(true, Ordering::SeqCst);
        let err = open.bytes().await.unwrap_err();
        assert!(err.to_string().contains(CANCELLED_MESSAGE), "{err}");
        assert!(store.get_range(&path, 0..10).await.unwrap_err().to_string().contains(CANCELLED_MESSAGE));
        assert!(store.get_ranges(&path, &[0..1, 2..3]).await.is_err());
        assert_eq!(counter.load(Ordering::Relaxed), 10);
    }
}
