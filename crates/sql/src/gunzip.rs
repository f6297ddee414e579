//! Gzip-compressed objects (`*.gz`) read as their decompressed bytes.
//!
//! Glue tables with `compressionType=gzip` hold `.gz` files. DataFusion can decompress them only
//! with its `compression` feature, which also pulls in xz and zstd C libraries (C code to build
//! for wasm32, and a bigger worker). The pure-Rust `flate2` is already in the build (Parquet's
//! gzip codec), so this store layer decompresses `.gz` objects instead: every reader (listing
//! tables, previews, schema inference) sees plain text. It sits above the byte counter, so bytes
//! scanned are the compressed bytes read, as Athena bills them; listings still report the
//! compressed size.
//!
//! Decompression streams: a read first inflates the object once without keeping anything, to
//! learn its real decompressed size (the gzip trailer's `ISIZE` is never trusted: it is modulo
//! 2^32 and per member), then hands the reader 64 KiB chunks, so a small `.gz` that inflates to
//! gigabytes ("gzip bomb") never sits in memory whole. An object that inflates past
//! [`MAX_DECOMPRESSED_BYTES`] fails the read, and the query, with `HIVE_CURSOR_ERROR` (the
//! error Athena reports when it cannot read a data file's records), naming the object and the
//! limit; so does a corrupt one.

use std::{fmt, io::Read, ops::Range, sync::Arc};

use async_trait::async_trait;
use bytes::Bytes;
use futures::{stream::BoxStream, StreamExt};
use object_store::{
    path::Path, Attributes, CopyOptions, GetOptions, GetRange, GetResult, GetResultPayload, ListResult,
    MultipartUpload, ObjectMeta, ObjectStore, PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions,
    Result,
};

/// The most bytes one `.gz` object may decompress to (1 GiB): past it, reads fail. Real Athena
/// has no such limit; a browser tab needs one so a gzip bomb ends with an error, not a hang.
pub const MAX_DECOMPRESSED_BYTES: u64 = 1 << 30;

/// Size of the chunks a decompressed object is streamed in.
const CHUNK: usize = 64 << 10;

/// Passes every call to `inner`; reads of `*.gz` / `*.gzip` objects return the decompressed bytes.
#[derive(Debug)]
pub struct GunzipStore {
    inner: Arc<dyn ObjectStore>,
    limit: u64,
}

impl GunzipStore {
    /// Wraps `inner`, with [`MAX_DECOMPRESSED_BYTES`] per object.
    pub fn new(inner: Arc<dyn ObjectStore>) -> Self {
        Self { inner, limit: MAX_DECOMPRESSED_BYTES }
    }

    /// The same store with another per-object limit on decompressed bytes.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// The object's meta and attributes, its compressed bytes and its real decompressed size
    /// (checked against the limit by inflating it once, keeping nothing).
    async fn measure(&self, location: &Path, options: GetOptions) -> Result<(ObjectMeta, Attributes, Bytes, u64)> {
        let res = self.inner.get_opts(location, options).await?;
        let (meta, attributes) = (res.meta.clone(), res.attributes.clone());
        let compressed = res.bytes().await?;
        let mut inflater = Inflater::new(location, compressed.clone(), self.limit);
        let mut len = 0;
        while let Some(n) = inflater.skip(u64::MAX)? {
            len += n;
        }
        Ok((meta, attributes, compressed, len))
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

/// Inflates one object chunk by chunk, counting what it produced against a limit.
struct Inflater {
    location: Path,
    decoder: flate2::read::MultiGzDecoder<std::io::Cursor<Bytes>>,
    produced: u64,
    limit: u64,
    buf: Vec<u8>,
}

impl Inflater {
    fn new(location: &Path, compressed: Bytes, limit: u64) -> Self {
        Self {
            location: location.clone(),
            decoder: flate2::read::MultiGzDecoder::new(std::io::Cursor::new(compressed)),
            produced: 0,
            limit,
            buf: vec![0; CHUNK],
        }
    }

    fn error(&self, why: String) -> object_store::Error {
        object_store::Error::Generic { store: "gunzip", source: format!("HIVE_CURSOR_ERROR: {why}").into() }
    }

    /// Inflates up to `max` bytes (at most one chunk) into `buf`; `None` at the end.
    fn fill(&mut self, max: u64) -> Result<Option<usize>> {
        let want = (self.buf.len() as u64).min(max) as usize;
        if want == 0 {
            return Ok(None);
        }
        let n = self
            .decoder
            .read(&mut self.buf[..want])
            .map_err(|e| self.error(format!("s3://{} is named .gz but does not decompress: {e}", self.location)))?;
        if n == 0 {
            return Ok(None);
        }
        self.produced += n as u64;
        if self.produced > self.limit {
            return Err(self.error(format!(
                "s3://{} decompresses to more than {} MiB, the most Puddle inflates from one gzip object in a browser tab",
                self.location,
                self.limit >> 20
            )));
        }
        Ok(Some(n))
    }

    /// Inflates and drops up to `max` bytes (at most one chunk); how many, `None` at the end.
    fn skip(&mut self, max: u64) -> Result<Option<u64>> {
        Ok(self.fill(max)?.map(|n| n as u64))
    }

    /// The next chunk, at most `max` bytes.
    fn chunk(&mut self, max: u64) -> Result<Option<Bytes>> {
        Ok(self.fill(max)?.map(|n| Bytes::copy_from_slice(&self.buf[..n])))
    }

    /// Positions the stream at `start`.
    fn seek(&mut self, start: u64) -> Result<()> {
        while self.produced < start {
            if self.skip(start - self.produced)?.is_none() {
                break;
            }
        }
        Ok(())
    }
}

/// The decompressed bytes `range` of `compressed`, as a stream of chunks.
fn stream_range(
    location: &Path,
    compressed: Bytes,
    range: Range<u64>,
    limit: u64,
) -> BoxStream<'static, Result<Bytes>> {
    let mut inflater = Inflater::new(location, compressed, limit);
    let state = (inflater.seek(range.start).map(|()| inflater), range.end);
    futures::stream::try_unfold(state, |(inflater, end)| async move {
        let mut inflater = inflater?;
        let left = end.saturating_sub(inflater.produced);
        Ok(inflater.chunk(left)?.map(|c| (c, (Ok(inflater), end))))
    })
    .boxed()
}

/// The decompressed bytes `range` of `compressed`, whole.
fn read_range(location: &Path, compressed: Bytes, range: Range<u64>, limit: u64) -> Result<Bytes> {
    let mut inflater = Inflater::new(location, compressed, limit);
    inflater.seek(range.start)?;
    let mut out = Vec::with_capacity(range.end.saturating_sub(range.start).min(CHUNK as u64 * 16) as usize);
    while let Some(chunk) = inflater.chunk(range.end.saturating_sub(inflater.produced))? {
        out.extend_from_slice(&chunk);
    }
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
        let (meta, attributes, compressed, len) = self.measure(location, options).await?;
        let range = match range {
            None => 0..len,
            Some(GetRange::Bounded(r)) => r.start.min(len)..r.end.min(len).max(r.start.min(len)),
            Some(GetRange::Offset(o)) => o.min(len)..len,
            Some(GetRange::Suffix(n)) => len.saturating_sub(n)..len,
        };
        Ok(GetResult {
            payload: GetResultPayload::Stream(stream_range(location, compressed, range.clone(), self.limit)),
            meta: ObjectMeta { size: len, ..meta },
            range,
            attributes,
        })
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        if !is_gzip(location) {
            return self.inner.get_ranges(location, ranges).await;
        }
        let (_, _, compressed, len) = self.measure(location, GetOptions::default()).await?;
        ranges
            .iter()
            .map(|r| read_range(location, compressed.clone(), r.start.min(len)..r.end.min(len), self.limit))
            .collect()
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

    /// A gzip bomb: `n` zero bytes compress about a thousand to one (small here: flate2 is slow
    /// in debug builds; the limit is what is tested, not the size).
    fn bomb(n: usize) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..n >> 20 {
            e.write_all(&zeros).unwrap();
        }
        e.finish().unwrap()
    }

    #[tokio::test]
    async fn a_gzip_bomb_fails_with_a_clear_error_instead_of_filling_memory() {
        let inner: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let compressed = bomb(4 << 20);
        assert!(compressed.len() < 16 << 10, "{} bytes", compressed.len());
        inner.put(&Path::from("b/bomb.csv.gz"), PutPayload::from(compressed)).await.unwrap();
        let store = GunzipStore::new(Arc::clone(&inner)).with_limit(1 << 20);
        for err in [
            store.get(&Path::from("b/bomb.csv.gz")).await.map(|_| ()).unwrap_err(),
            store.get_range(&Path::from("b/bomb.csv.gz"), 0..10).await.map(|_| ()).unwrap_err(),
            store.get_ranges(&Path::from("b/bomb.csv.gz"), &[0..10, 20..30]).await.map(|_| ()).unwrap_err(),
        ] {
            let text = err.to_string();
            assert!(text.contains("HIVE_CURSOR_ERROR: s3://b/bomb.csv.gz decompresses to more than 1 MiB"), "{text}");
        }
        // Under the limit the object streams in chunks, never whole.
        let store = GunzipStore::new(inner).with_limit(4 << 20);
        let res = store.get(&Path::from("b/bomb.csv.gz")).await.unwrap();
        assert_eq!((res.range.clone(), res.meta.size), (0..4 << 20, 4 << 20));
        let sizes: Vec<usize> = res.into_stream().map(|c| c.unwrap().len()).collect().await;
        assert_eq!(sizes.iter().sum::<usize>(), 4 << 20);
        assert!(sizes.len() >= (4 << 20) / CHUNK && sizes.iter().all(|n| *n <= CHUNK), "{} chunks", sizes.len());
    }

    /// Issue 12 (property test): damaged gzip objects (bits flipped, truncated, spliced) never
    /// panic or hang a read: each gives bytes or a `HIVE_CURSOR_ERROR`.
    #[tokio::test]
    async fn damaged_gzip_objects_read_or_fail_cleanly() {
        let good = gz(&puddle_datagen::sales_csv(300));
        let inner: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let store = GunzipStore::new(Arc::clone(&inner)).with_limit(1 << 20);
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (mut read, mut failed) = (0, 0);
        for _ in 0..300 {
            let mut bytes = good.clone();
            let at = (next() % bytes.len() as u64) as usize;
            match next() % 3 {
                0 => bytes[at] ^= 1 << (next() % 8),
                1 => bytes.truncate(at),
                _ => bytes.splice(at..at, good[..(next() % 64) as usize].iter().copied()).for_each(drop),
            }
            let path = Path::from("b/x.csv.gz");
            inner.put(&path, PutPayload::from(bytes)).await.unwrap();
            let whole = match store.get(&path).await {
                Ok(res) => res.bytes().await,
                Err(e) => Err(e),
            };
            match whole {
                Ok(_) => read += 1,
                Err(e) => {
                    assert!(e.to_string().contains("HIVE_CURSOR_ERROR"), "{e}");
                    failed += 1;
                }
            }
            let _ = store.get_ranges(&path, &[0..10, 100..5000]).await;
        }
        assert!(read > 0 && failed > 0, "{read} read, {failed} failed");
    }

    #[tokio::test]
    async fn ranges_of_a_gzip_object_are_ranges_of_its_text() {
        let inner: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let text: Vec<u8> = (0..200_000u32).flat_map(|i| format!("{i}\n").into_bytes()).collect();
        inner.put(&Path::from("b/n.txt.gz"), PutPayload::from(gz(&text))).await.unwrap();
        let store = GunzipStore::new(inner);
        let path = Path::from("b/n.txt.gz");
        assert_eq!(store.get(&path).await.unwrap().bytes().await.unwrap(), text);
        assert_eq!(store.get_range(&path, 70_000..140_001).await.unwrap(), &text[70_000..140_001]);
        let suffix = GetOptions { range: Some(GetRange::Suffix(5)), ..Default::default() };
        assert_eq!(store.get_opts(&path, suffix).await.unwrap().bytes().await.unwrap(), &text[text.len() - 5..]);
        #[allow(clippy::reversed_empty_ranges)] // a reversed range reads nothing, as in object_store
        let past = store.get_ranges(&path, &[5..3, 0..2, 10_000_000..10_000_010]).await.unwrap();
        assert_eq!(past, [Bytes::new(), Bytes::from_static(b"0\n"), Bytes::new()]);
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
