//! One bucket of the lake as its own object store: `key` <-> `<bucket>/key`.
//!
//! object_store's `PrefixStore` (0.13.2) returns the inner, unstripped location from `head`, which
//! makes DataFusion drop single-file table locations (`s3://bucket/file.csv`). This wrapper maps
//! every location both ways, including in `GetResult::meta`.

use std::{fmt, ops::Range, sync::Arc};

use async_trait::async_trait;
use bytes::Bytes;
use futures::{stream::BoxStream, StreamExt, TryStreamExt};
use object_store::{
    path::Path, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};

/// The objects of one bucket, with keys relative to it.
#[derive(Debug)]
pub struct BucketStore {
    inner: Arc<dyn ObjectStore>,
    bucket: Path,
}

impl BucketStore {
    /// The bucket `bucket` of the lake `inner`.
    pub fn new(inner: Arc<dyn ObjectStore>, bucket: &str) -> Self {
        Self { inner, bucket: Path::from(bucket) }
    }

    fn full(&self, location: &Path) -> Path {
        self.bucket.parts().chain(location.parts()).collect()
    }

    fn strip(&self, location: &Path) -> Path {
        strip_bucket(&self.bucket, location)
    }

    fn strip_meta(&self, mut meta: ObjectMeta) -> ObjectMeta {
        meta.location = self.strip(&meta.location);
        meta
    }
}

/// `location` without the leading `bucket` segment (unchanged when it is not there).
fn strip_bucket(bucket: &Path, location: &Path) -> Path {
    match location.prefix_match(bucket) {
        Some(rest) => rest.collect(),
        None => location.clone(),
    }
}

impl fmt::Display for BucketStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BucketStore({}, {})", self.bucket, self.inner)
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl ObjectStore for BucketStore {
    async fn put_opts(&self, location: &Path, payload: PutPayload, opts: PutOptions) -> Result<PutResult> {
        self.inner.put_opts(&self.full(location), payload, opts).await
    }

    async fn put_multipart_opts(&self, location: &Path, opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(&self.full(location), opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        let mut res = self.inner.get_opts(&self.full(location), options).await?;
        res.meta = self.strip_meta(res.meta);
        Ok(res)
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        self.inner.get_ranges(&self.full(location), ranges).await
    }

    fn delete_stream(&self, locations: BoxStream<'static, Result<Path>>) -> BoxStream<'static, Result<Path>> {
        let bucket = self.bucket.clone();
        let prefixed = locations.map_ok(move |p| bucket.parts().chain(p.parts()).collect::<Path>()).boxed();
        let bucket = self.bucket.clone();
        self.inner.delete_stream(prefixed).map_ok(move |p| strip_bucket(&bucket, &p)).boxed()
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        let full = self.full(&prefix.cloned().unwrap_or_default());
        let bucket = self.bucket.clone();
        self.inner
            .list(Some(&full))
            .map_ok(move |mut m| {
                m.location = strip_bucket(&bucket, &m.location);
                m
            })
            .boxed()
    }

    fn list_with_offset(&self, prefix: Option<&Path>, offset: &Path) -> BoxStream<'static, Result<ObjectMeta>> {
        let full = self.full(&prefix.cloned().unwrap_or_default());
        let bucket = self.bucket.clone();
        self.inner
            .list_with_offset(Some(&full), &self.full(offset))
            .map_ok(move |mut m| {
                m.location = strip_bucket(&bucket, &m.location);
                m
            })
            .boxed()
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        let res = self.inner.list_with_delimiter(Some(&self.full(&prefix.cloned().unwrap_or_default()))).await?;
        Ok(ListResult {
            common_prefixes: res.common_prefixes.iter().map(|p| self.strip(p)).collect(),
            objects: res.objects.into_iter().map(|m| self.strip_meta(m)).collect(),
        })
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        self.inner.copy_opts(&self.full(from), &self.full(to), options).await
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> Result<()> {
        self.inner.rename_opts(&self.full(from), &self.full(to), options).await
    }
}

#[cfg(test)]
mod tests {
    use object_store::{memory::InMemory, ObjectStoreExt};

    use super::*;

    #[tokio::test]
    async fn locations_are_relative_both_ways() {
        let lake: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        lake.put(&Path::from("raw/dir/a.csv"), PutPayload::from_static(b"x")).await.unwrap();
        lake.put(&Path::from("other/b.csv"), PutPayload::from_static(b"y")).await.unwrap();
        let bucket = BucketStore::new(lake, "raw");
        assert_eq!(bucket.head(&Path::from("dir/a.csv")).await.unwrap().location, Path::from("dir/a.csv"));
        let listed: Vec<_> = bucket.list(None).map_ok(|m| m.location).try_collect().await.unwrap();
        assert_eq!(listed, [Path::from("dir/a.csv")]);
        let delim = bucket.list_with_delimiter(None).await.unwrap();
        assert_eq!(delim.common_prefixes, [Path::from("dir")]);
        bucket.put(&Path::from("new.csv"), PutPayload::from_static(b"z")).await.unwrap();
        assert_eq!(bucket.get(&Path::from("new.csv")).await.unwrap().meta.location, Path::from("new.csv"));
    }
}
