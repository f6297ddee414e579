//! An object store wrapper that hides some objects: what a Glue job bookmark has already
//! processed disappears from the listings a job run's queries see.

use std::{collections::HashSet, fmt, ops::Range, sync::Arc};

use async_trait::async_trait;
use bytes::Bytes;
use futures::{stream::BoxStream, StreamExt};
use object_store::{
    path::Path, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};

/// Passes every call to `inner`, except that the `hidden` locations are not listed and read as
/// missing.
#[derive(Debug)]
pub struct HidingStore {
    inner: Arc<dyn ObjectStore>,
    hidden: Arc<HashSet<Path>>,
}

impl HidingStore {
    /// Wraps `inner`, hiding `hidden` (full lake paths, `<bucket>/<key>`).
    pub fn new(inner: Arc<dyn ObjectStore>, hidden: Arc<HashSet<Path>>) -> Self {
        Self { inner, hidden }
    }

    fn not_found(&self, location: &Path) -> object_store::Error {
        object_store::Error::NotFound {
            path: location.to_string(),
            source: "processed by an earlier run (job bookmark)".into(),
        }
    }

    fn filter(&self, stream: BoxStream<'static, Result<ObjectMeta>>) -> BoxStream<'static, Result<ObjectMeta>> {
        let hidden = Arc::clone(&self.hidden);
        stream.filter(move |m| std::future::ready(!matches!(m, Ok(meta) if hidden.contains(&meta.location)))).boxed()
    }
}

impl fmt::Display for HidingStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HidingStore({} hidden, {})", self.hidden.len(), self.inner)
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl ObjectStore for HidingStore {
    async fn put_opts(&self, location: &Path, payload: PutPayload, opts: PutOptions) -> Result<PutResult> {
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(&self, location: &Path, opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        if self.hidden.contains(location) {
            return Err(self.not_found(location));
        }
        self.inner.get_opts(location, options).await
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        if self.hidden.contains(location) {
            return Err(self.not_found(location));
        }
        self.inner.get_ranges(location, ranges).await
    }

    fn delete_stream(&self, locations: BoxStream<'static, Result<Path>>) -> BoxStream<'static, Result<Path>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.filter(self.inner.list(prefix))
    }

    fn list_with_offset(&self, prefix: Option<&Path>, offset: &Path) -> BoxStream<'static, Result<ObjectMeta>> {
        self.filter(self.inner.list_with_offset(prefix, offset))
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        let mut res = self.inner.list_with_delimiter(prefix).await?;
        res.objects.retain(|m| !self.hidden.contains(&m.location));
        Ok(res)
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
    use futures::TryStreamExt;
    use object_store::{memory::InMemory, ObjectStoreExt};

    use super::*;

    #[tokio::test]
    async fn hidden_objects_are_neither_listed_nor_read() {
        let inner: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        for k in ["b/t/old.csv", "b/t/new.csv"] {
            inner.put(&Path::from(k), PutPayload::from_static(b"x")).await.unwrap();
        }
        let store = HidingStore::new(inner, Arc::new([Path::from("b/t/old.csv")].into_iter().collect()));
        let listed: Vec<_> =
            store.list(Some(&Path::from("b"))).map_ok(|m| m.location.to_string()).try_collect().await.unwrap();
        assert_eq!(listed, ["b/t/new.csv"]);
        let delimited = store.list_with_delimiter(Some(&Path::from("b/t"))).await.unwrap();
        assert_eq!(delimited.objects.len(), 1);
        assert!(matches!(store.get(&Path::from("b/t/old.csv")).await, Err(object_store::Error::NotFound { .. })));
        assert!(store.get(&Path::from("b/t/new.csv")).await.is_ok());
    }
}
