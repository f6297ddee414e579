//! Multipart uploads: parts are buffered in memory in the order `put_part` is called and
//! written as one atomic put on `complete`; `abort` drops them.

use async_trait::async_trait;
use bytes::Bytes;
use futures::future;
use object_store::path::Path;
use object_store::{Attributes, MultipartUpload, PutMode, PutPayload, PutResult, Result, UploadPart};

use crate::store::IdbObjectStore;

/// An in-progress multipart upload to an [`IdbObjectStore`].
#[derive(Debug)]
pub(crate) struct IdbMultipartUpload {
    store: IdbObjectStore,
    location: Path,
    attributes: Attributes,
    parts: Vec<Bytes>,
}

impl IdbMultipartUpload {
    pub(crate) fn new(store: IdbObjectStore, location: Path, attributes: Attributes) -> Self {
        Self { store, location, attributes, parts: Vec::new() }
    }
}

#[async_trait]
impl MultipartUpload for IdbMultipartUpload {
    fn put_part(&mut self, data: PutPayload) -> UploadPart {
        // Order is fixed here, at call time, whatever order the returned futures run in.
        self.parts.extend(data);
        Box::pin(future::ready(Ok(())))
    }

    async fn complete(&mut self) -> Result<PutResult> {
        let payload: PutPayload = std::mem::take(&mut self.parts).into_iter().collect();
        self.store.put_payload(&self.location, payload, PutMode::Overwrite, &self.attributes).await
    }

    async fn abort(&mut self) -> Result<()> {
        self.parts.clear();
        Ok(())
    }
}
