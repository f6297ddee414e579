//! The [`ObjectStore`] implementation: thin glue over the operations in `ops`, plus the
//! delimiter grouping of `list_with_delimiter`.

use std::collections::BTreeSet;
use std::ops::Range;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{
    CopyMode, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, RenameTargetMode, Result,
};
use send_wrapper::SendWrapper;

use crate::multipart::IdbMultipartUpload;
use crate::store::IdbObjectStore;

impl IdbObjectStore {
    /// A stream over `list_objects`; the JS work is one send-wrapped future (sound on
    /// single-threaded wasm32).
    fn list_stream(&self, prefix: Option<&Path>, offset: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        let store = self.clone();
        let (prefix, offset) = (prefix.cloned(), offset.cloned());
        let fut = SendWrapper::new(async move { store.list_objects(prefix, offset).await });
        stream::once(fut).map_ok(|objects| stream::iter(objects.into_iter().map(Ok))).try_flatten().boxed()
    }
}

#[async_trait]
impl ObjectStore for IdbObjectStore {
    async fn put_opts(&self, location: &Path, payload: PutPayload, opts: PutOptions) -> Result<PutResult> {
        self.put_payload(location, payload, opts.mode, &opts.attributes).await
    }

    async fn put_multipart_opts(&self, location: &Path, opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        Ok(Box::new(IdbMultipartUpload::new(self.clone(), location.clone(), opts.attributes)))
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        self.get_object(location, options).await
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        self.get_many_ranges(location, ranges).await
    }

    fn delete_stream(&self, locations: BoxStream<'static, Result<Path>>) -> BoxStream<'static, Result<Path>> {
        let store = self.clone();
        locations
            .then(move |location| {
                let store = store.clone();
                async move {
                    let location = location?;
                    store.delete_object(location.as_ref()).await?;
                    Ok(location)
                }
            })
            .boxed()
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.list_stream(prefix, None)
    }

    fn list_with_offset(&self, prefix: Option<&Path>, offset: &Path) -> BoxStream<'static, Result<ObjectMeta>> {
        self.list_stream(prefix, Some(offset))
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        let root = Path::default();
        let prefix = prefix.unwrap_or(&root);
        let all = self.list_objects(Some(prefix.clone()), None).await?;
        let mut common_prefixes = BTreeSet::new();
        let mut objects = Vec::new();
        for meta in all {
            let nested = {
                let Some(mut parts) = meta.location.prefix_match(prefix) else {
                    continue;
                };
                let Some(first) = parts.next() else {
                    continue;
                };
                parts.next().is_some().then(|| prefix.clone().join(first))
            };
            match nested {
                Some(dir) => {
                    common_prefixes.insert(dir);
                }
                None => objects.push(meta),
            }
        }
        Ok(ListResult { common_prefixes: common_prefixes.into_iter().collect(), objects })
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        let create = matches!(options.mode, CopyMode::Create);
        self.copy_object(from, to, create, false).await
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> Result<()> {
        let create = matches!(options.target_mode, RenameTargetMode::Create);
        self.copy_object(from, to, create, true).await
    }
}
