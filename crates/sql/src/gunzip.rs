//! Gzip-compressed objects (`*.gz`) read as their decompressed bytes.
//!
//! Glue tables with `compressionType=gzip` hold `.gz` files. DataFusion can decompress them only
//! with its `compression` feature, which also pulls in xz and zstd C libraries (C code to build
//! for wasm32, and a bigger worker). The pure-Rust `flate2` is already in the build (Parquet's
//! gzip codec), so this store layer decompresses `.gz` objects instead: every reader (listing
//! tables, previews, schema inference) sees plain text. It sits above the byte counter, so bytes
//! scanned are the compressed bytes read, as Athena bills them. A `.gz` object is decompressed
//! whole, in memory, on each read; listings still report the compressed size.

use std::{fmt, io::Read, ops::Range, sync::Arc};

use async_trait::async_trait;
use bytes::Bytes;
use futures::{stream::BoxStream, StreamExt};
use object_store::{
    path::Path, CopyOptions, GetOptions, GetRange, GetResult, GetResultPayload, ListResult, MultipartUpload,
    ObjectMeta, ObjectStore, PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};

/// Passes every call to `inner`; reads of `*.gz` / `*.gzip` objects return the decompressed bytes.
#[derive(Debug)]
pub struct GunzipStore {
    inner: Arc<dyn ObjectStore>,
}

impl GunzipStore {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn ObjectStore>) -> Self {
        Self { inner }
    }
}

impl fmt::Display for GunzipStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GunzipStore({})", self.inner)
    }
}

/// Whether a key names a gzip file.
pub(crate) fn is_gzip(location: &Path) -> bool {
    location.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz") || e.eq_ignore_ascii_case("gzip"))
}

fn gunzip(location: &Path, compressed: &[u8]) -> Result<Bytes> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(compressed).read_to_end(&mut out).map_err(|e| object_store::Error::Generic {
        store: "gunzip",
        source: format!("{location} is named .gz but does not decompress: {e}").into(),
    })?;
    Ok(Bytes::from(out))
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl ObjectStore for GunzipStore {
    async fn put_opts(&self, location: &Path, payload: PutPayload, opts: PutOptions) -> Result<PutResult> {
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(&self, location: &Path, opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, mut options: GetOptions) -> Result<GetResult> {
        if options.head || !is_gzip(location) {
            return self.inner.get_opts(location, options).await;
        }
        let range = options.range.take();
        let res = self.inner.get_opts(location, options).await?;
        let (meta, attributes) = (res.meta.clone(), res.attributes.clone());
        let data = gunzip(location, &res.bytes().await?)?;
        let len = data.len() as u64;
        let range = match range {
            None => 0..len,
            Some(GetRange::Bounded(r)) => r.start.min(len)..r.end.min(len),
            Some(GetRange::Offset(o)) => o.min(len)..len,
            Some(GetRange::Suffix(n)) => len.saturating_sub(n)..len,
        };
        let body = data.slice(range.start as usize..range.end as usize);
        Ok(GetResult {
            payload: GetResultPayload::Stream(futures::stream::once(async move { Ok(body) }).boxed()),
            meta: ObjectMeta { size: len, ..meta },
            range,
            attributes,
        })
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        if !is_gzip(location) {
            return self.inner.get_ranges(location, ranges).await;
        }
        let data = gunzip(location, &self.inner.get_opts(location, GetOptions::default()).await?.bytes().await?)?;
        let len = data.len() as u64;
        Ok(ranges.iter().map(|r| data.slice(r.start.min(len) as usize..r.end.min(len) as usize)).collect())
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
    use std::io::Write;

    use object_store::{memory::InMemory, ObjectStoreExt};
    use serde_json::Value;

    use super::*;

    pub(crate) fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[tokio::test]
    async fn gz_objects_read_decompressed_others_unchanged() {
        let inner: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        inner.put(&Path::from("b/a.csv.gz"), PutPayload::from(gz(b"id\n1\n2\n"))).await.unwrap();
        inner.put(&Path::from("b/plain.csv"), PutPayload::from_static(b"id\n3\n")).await.unwrap();
        inner.put(&Path::from("b/fake.gz"), PutPayload::from_static(b"not gzip")).await.unwrap();
        let store = GunzipStore::new(inner);
        assert_eq!(store.get(&Path::from("b/a.csv.gz")).await.unwrap().bytes().await.unwrap(), "id\n1\n2\n");
        assert_eq!(store.get_range(&Path::from("b/a.csv.gz"), 3..5).await.unwrap(), "1\n");
        assert_eq!(store.get(&Path::from("b/plain.csv")).await.unwrap().bytes().await.unwrap(), "id\n3\n");
        let err = store.get(&Path::from("b/fake.gz")).await.unwrap_err();
        assert!(err.to_string().contains("does not decompress"), "{err}");
    }

    #[tokio::test]
    async fn sql_reads_a_gzip_table_and_counts_compressed_bytes() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let csv = puddle_datagen::sales_csv(2000);
        let compressed = gz(&csv);
        store.put(&Path::from("raw/gz/sales.csv.gz"), PutPayload::from(compressed.clone())).await.unwrap();
        let catalog = Arc::new(puddle_catalog::Catalog::load(store.clone()).await.unwrap());
        let engine = crate::SqlEngine::new(store, catalog.clone());
        let input = puddle_api::CreateTableInput {
            database: "default".into(),
            name: "sales".into(),
            location: "s3://raw/gz/".into(),
            format: puddle_api::DataFormat::Csv,
        };
        let table = engine.create_table_from_files(&input).await.unwrap();
        assert_eq!(table.columns.len(), 5, "schema inferred from the decompressed text");
        let res = engine.run("SELECT COUNT(*), MAX(id) FROM sales", None).await.unwrap();
        assert_eq!(res.rows, vec![vec![Value::from(2000), Value::from(2000)]]);
        assert_eq!(res.stats.bytes_scanned, compressed.len() as u64, "billed on compressed bytes");
        assert!(compressed.len() < csv.len() / 2);
    }
}
