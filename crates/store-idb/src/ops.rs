//! The data operations of [`IdbObjectStore`]: put, get (whole, ranged, head, many ranges),
//! delete, copy/rename and listing. Each runs in one transaction, wrapped in a
//! [`SendWrapper`] (sound: wasm32 is single-threaded, see the crate docs).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use bytes::{Bytes, BytesMut};
use futures::stream::{self, StreamExt};
use idb::{KeyRange, Query, TransactionMode};
use object_store::path::Path;
use object_store::{
    Attributes, GetOptions, GetRange, GetResult, GetResultPayload, ObjectMeta, PutMode, PutPayload, PutResult,
};
use send_wrapper::SendWrapper;
use wasm_bindgen::JsValue;

use crate::error::{already_exists, generic, idb_error, not_found, precondition};
use crate::meta::{decode_attributes, encode_attributes, md5_hex, now_millis, MetaRecord};
use crate::store::IdbObjectStore;
use crate::tx::Tx;
use crate::STORE_NAME;

type Result<T, E = object_store::Error> = std::result::Result<T, E>;

/// Run the writes of `body` in `tx`; commit on success, roll back on any error.
async fn commit_or_abort(tx: Tx, body: Result<()>, op: &str) -> Result<()> {
    match body {
        Ok(()) => tx.commit(op).await,
        Err(e) => {
            tx.abort();
            Err(e)
        }
    }
}

fn range_error(e: impl std::error::Error + Send + Sync + 'static) -> object_store::Error {
    object_store::Error::Generic { store: STORE_NAME, source: Box::new(e) }
}

/// The bytes `range` (within the object) from loaded chunks keyed by index.
fn assemble(rec: &MetaRecord, chunks: &BTreeMap<u64, Bytes>, range: &Range<u64>) -> Result<Bytes> {
    if range.start >= range.end {
        return Ok(Bytes::new());
    }
    let (i0, i1) = rec.chunk_span(range);
    let piece = |i: u64| -> Result<Bytes> {
        let chunk = chunks.get(&i).ok_or_else(|| generic(format!("internal: chunk {i} not loaded")))?;
        let base = i * rec.chunk_size;
        let lo = (range.start.max(base) - base) as usize;
        let hi = (range.end.min(base + chunk.len() as u64) - base) as usize;
        Ok(chunk.slice(lo..hi))
    };
    if i0 == i1 {
        return piece(i0);
    }
    let mut out = BytesMut::with_capacity((range.end - range.start) as usize);
    for i in i0..=i1 {
        out.extend_from_slice(&piece(i)?);
    }
    Ok(out.freeze())
}

impl IdbObjectStore {
    /// Write `payload` to `location` atomically, honouring `mode`.
    pub(crate) async fn put_payload(
        &self,
        location: &Path,
        payload: PutPayload,
        mode: PutMode,
        attributes: &Attributes,
    ) -> Result<PutResult> {
        let path = location.as_ref().to_string();
        let e_tag = md5_hex(&payload);
        let rec =
            MetaRecord::new(&path, payload.content_length() as u64, e_tag.clone(), encode_attributes(attributes)?);
        SendWrapper::new(async move {
            let tx = Tx::begin(&self.db, true, TransactionMode::ReadWrite, "put")?;
            let body = async {
                match &mode {
                    PutMode::Overwrite => {}
                    PutMode::Create => {
                        if tx.get_meta(&path).await?.is_some() {
                            return Err(already_exists(&path));
                        }
                    }
                    PutMode::Update(version) => {
                        let expected = version
                            .e_tag
                            .as_deref()
                            .ok_or_else(|| generic("PutMode::Update requires an e_tag".to_string()))?;
                        match tx.get_meta(&path).await? {
                            None => return Err(precondition(&path, format!("object {path:?} not found"))),
                            Some(cur) if cur.e_tag != expected => {
                                return Err(precondition(&path, format!("{} does not match {expected}", cur.e_tag)))
                            }
                            Some(_) => {}
                        }
                    }
                }
                tx.put_payload_chunks(&rec, &payload)?;
                tx.delete_chunks_from(&path, rec.n_chunks)?;
                tx.put_meta(&rec)?;
                if self.take_put_failure() {
                    tx.issue_failing_request(&path)?;
                }
                Ok(())
            }
            .await;
            commit_or_abort(tx, body, "put").await
        })
        .await?;
        Ok(PutResult { e_tag: Some(e_tag), version: None })
    }

    /// `get_opts`: meta (+ only the needed chunks unless `head`) from one readonly transaction.
    pub(crate) async fn get_object(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        if options.version.is_some() {
            return Err(object_store::Error::NotSupported {
                source: "IndexedDB store keeps no object versions".into(),
            });
        }
        let path = location.as_ref().to_string();
        SendWrapper::new(async move {
            let tx = Tx::begin(&self.db, !options.head, TransactionMode::ReadOnly, "get")?;
            let rec = tx.get_meta(&path).await?.ok_or_else(|| not_found(&path))?;
            let meta = rec.object_meta()?;
            options.check_preconditions(&meta)?;
            let range = match &options.range {
                Some(r) => r.as_range(rec.size).map_err(range_error)?,
                None => 0..rec.size,
            };
            let attributes = decode_attributes(&path, &rec.attributes)?;
            let mut parts: Vec<Result<Bytes>> = Vec::new();
            if !options.head && range.start < range.end {
                let (i0, i1) = rec.chunk_span(&range);
                let chunks = tx.read_chunks(&rec, i0, i1).await?;
                self.count_chunk_reads(chunks.len() as u64);
                for (chunk, i) in chunks.iter().zip(i0..) {
                    let base = i * rec.chunk_size;
                    let lo = (range.start.max(base) - base) as u32;
                    let hi = (range.end.min(base + rec.chunk_len(i)) - base) as u32;
                    parts.push(Ok(Bytes::from(chunk.subarray(lo, hi).to_vec())));
                }
            }
            Ok(GetResult { payload: GetResultPayload::Stream(stream::iter(parts).boxed()), meta, range, attributes })
        })
        .await
    }

    /// `get_ranges`: one transaction; every needed chunk is fetched once, in contiguous runs.
    pub(crate) async fn get_many_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        let path = location.as_ref().to_string();
        SendWrapper::new(async move {
            let tx = Tx::begin(&self.db, true, TransactionMode::ReadOnly, "get")?;
            let rec = tx.get_meta(&path).await?.ok_or_else(|| not_found(&path))?;
            let resolved = ranges
                .iter()
                .map(|r| GetRange::Bounded(r.clone()).as_range(rec.size))
                .collect::<Result<Vec<_>, _>>()
                .map_err(range_error)?;
            let mut needed = BTreeSet::new();
            for r in resolved.iter().filter(|r| r.start < r.end) {
                let (i0, i1) = rec.chunk_span(r);
                needed.extend(i0..=i1);
            }
            let mut runs: Vec<(u64, u64)> = Vec::new();
            for i in needed {
                match runs.last_mut() {
                    Some((_, end)) if *end + 1 == i => *end = i,
                    _ => runs.push((i, i)),
                }
            }
            let mut chunks = BTreeMap::new();
            for (i0, i1) in runs {
                let loaded = tx.read_chunks(&rec, i0, i1).await?;
                self.count_chunk_reads(loaded.len() as u64);
                for (chunk, i) in loaded.iter().zip(i0..) {
                    chunks.insert(i, Bytes::from(chunk.to_vec()));
                }
            }
            resolved.iter().map(|r| assemble(&rec, &chunks, r)).collect()
        })
        .await
    }

    /// Delete `path` (meta and all chunks) in one transaction. Deleting nothing is no error.
    pub(crate) async fn delete_object(&self, path: &str) -> Result<()> {
        SendWrapper::new(async move {
            let tx = Tx::begin(&self.db, true, TransactionMode::ReadWrite, "delete")?;
            let body = tx.delete_meta(path).and_then(|()| tx.delete_chunks_from(path, 0));
            commit_or_abort(tx, body, "delete").await
        })
        .await
    }

    /// Copy `from` to `to` in one transaction (`create`: fail if `to` exists); with
    /// `remove_source` it is a rename, also atomic.
    pub(crate) async fn copy_object(&self, from: &Path, to: &Path, create: bool, remove_source: bool) -> Result<()> {
        let (from, to) = (from.as_ref().to_string(), to.as_ref().to_string());
        SendWrapper::new(async move {
            let tx = Tx::begin(&self.db, true, TransactionMode::ReadWrite, "copy")?;
            let body = async {
                let src = tx.get_meta(&from).await?.ok_or_else(|| not_found(&from))?;
                if create && tx.get_meta(&to).await?.is_some() {
                    return Err(already_exists(&to));
                }
                if from == to {
                    return Ok(());
                }
                let chunks =
                    if src.n_chunks > 0 { tx.read_chunks(&src, 0, src.n_chunks - 1).await? } else { Vec::new() };
                let mut dst = src.clone();
                dst.path = to.clone();
                dst.last_modified = now_millis();
                tx.put_chunk_values(&to, &chunks)?;
                tx.delete_chunks_from(&to, dst.n_chunks)?;
                tx.put_meta(&dst)?;
                if remove_source {
                    tx.delete_meta(&from)?;
                    tx.delete_chunks_from(&from, 0)?;
                }
                Ok(())
            }
            .await;
            commit_or_abort(tx, body, if remove_source { "rename" } else { "copy" }).await
        })
        .await
    }

    /// Objects strictly under `prefix` (and after `offset`), sorted by path.
    pub(crate) async fn list_objects(&self, prefix: Option<Path>, offset: Option<Path>) -> Result<Vec<ObjectMeta>> {
        let prefix = prefix.map(|p| p.as_ref().to_string()).filter(|p| !p.is_empty());
        let offset = offset.map(|o| o.as_ref().to_string());
        let lower = prefix.as_ref().map(|p| format!("{p}/"));
        SendWrapper::new(async move {
            // IndexedDB orders strings by UTF-16 code units, Rust by code points. They agree
            // when comparing with a string whose chars are all below U+D800, so only such an
            // offset may narrow the key range; the exact filter below runs in Rust anyway.
            let js_offset = offset
                .as_deref()
                .filter(|o| o.chars().all(|c| (c as u32) < 0xD800))
                .filter(|o| lower.as_deref().is_none_or(|l| *o >= l));
            let key_range = match (&prefix, js_offset) {
                // Everything starting with "p/" lies in ["p/", "p0").
                (Some(p), off) => Some(KeyRange::bound(
                    &JsValue::from_str(off.or(lower.as_deref()).unwrap_or(p)),
                    &JsValue::from_str(&format!("{p}0")),
                    Some(off.is_some()),
                    Some(true),
                )),
                (None, Some(off)) => Some(KeyRange::lower_bound(&JsValue::from_str(off), Some(true))),
                (None, None) => None,
            };
            let query = key_range.transpose().map_err(|e| idb_error("list", e))?.map(Query::KeyRange);
            let tx = Tx::begin(&self.db, false, TransactionMode::ReadOnly, "list")?;
            let records = tx.list_meta(query).await?;
            let mut out = Vec::with_capacity(records.len());
            for rec in records {
                let under = lower.as_deref().is_none_or(|l| rec.path.starts_with(l));
                let after = offset.as_deref().is_none_or(|o| rec.path.as_str() > o);
                if under && after {
                    out.push(rec.object_meta()?);
                }
            }
            out.sort_by(|a, b| a.location.cmp(&b.location));
            Ok(out)
        })
        .await
    }
}
