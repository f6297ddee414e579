//! A store that fails on purpose, for tests of what a lake keeps when storage gives out
//! (feature `test-support`; never part of the app).

use std::{
    ops::Range,
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
};

use async_trait::async_trait;
use bytes::Bytes;
use futures::{stream::BoxStream, StreamExt};
use object_store::{
    path::Path, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions,
};

/// Fails every write (and, once `crash` is set and the budget is spent, every call) after
/// `budget` writes: a full browser store, or a worker killed at that point.
#[derive(Debug)]
pub struct FailingStore {
    inner: Arc<dyn ObjectStore>,
    left: Arc<AtomicI64>,
    crash: bool,
}

impl FailingStore {
    /// Wraps `inner`: `budget` writes succeed, then writes fail (a full store); with `crash`,
    /// every later call fails too (a killed worker).
    pub fn new(inner: Arc<dyn ObjectStore>, budget: i64, crash: bool) -> Self {
        Self { inner, left: Arc::new(AtomicI64::new(budget)), crash }
    }

    fn failure(crash: bool) -> object_store::Error {
        let why = if crash { "the worker was killed" } else { "QuotaExceededError: the browser refused to store more" };
        object_store::Error::Generic { store: "failing", source: why.into() }
    }

    fn spend(left: &AtomicI64, crash: bool) -> object_store::Result<()> {
        if left.fetch_sub(1, Ordering::SeqCst) <= 0 {
            Err(Self::failure(crash))
        } else {
            Ok(())
        }
    }

    /// Writes left before the failure (negative once failing).
    pub fn writes_left(&self) -> i64 {
        self.left.load(Ordering::SeqCst)
    }

    fn alive(&self) -> object_store::Result<()> {
        if self.crash && self.left.load(Ordering::SeqCst) < 0 {
            Err(Self::failure(true))
        } else {
            Ok(())
        }
    }
}

impl std::fmt::Display for FailingStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FailingStore({})", self.inner)
    }
}

#[async_trait]
impl ObjectStore for FailingStore {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        Self::spend(&self.left, self.crash)?;
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        Self::spend(&self.left, self.crash)?;
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> object_store::Result<GetResult> {
        self.alive()?;
        self.inner.get_opts(location, options).await
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> object_store::Result<Vec<Bytes>> {
        self.alive()?;
        self.inner.get_ranges(location, ranges).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        // A full store still deletes; a dead worker does nothing more.
        let (left, crash) = (Arc::clone(&self.left), self.crash);
        let checked = locations.map(move |p| if crash { Self::spend(&left, true).and(p) } else { p }).boxed();
        self.inner.delete_stream(checked)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        match self.alive() {
            Ok(()) => self.inner.list(prefix),
            Err(e) => futures::stream::once(async move { Err(e) }).boxed(),
        }
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        self.alive()?;
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> object_store::Result<()> {
        Self::spend(&self.left, self.crash)?;
        self.inner.copy_opts(from, to, options).await
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> object_store::Result<()> {
        Self::spend(&self.left, self.crash)?;
        self.inner.rename_opts(from, to, options).await
    }
}
