//! One IndexedDB transaction over `meta` (and `chunks`), with the record-level operations the
//! store needs. Writes are issued without awaiting each request; [`Tx::commit`] then waits for
//! the transaction's `complete` (or `abort`) event, so one failed request rolls back everything.
//!
//! Nothing but IndexedDB requests may be awaited while a [`Tx`] is alive (IndexedDB commits a
//! transaction by itself once the event loop turns with no request pending).

use idb::{Database, KeyRange, Query, TransactionMode};
use js_sys::{Array, Function, Promise, Uint8Array};
use object_store::PutPayload;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, IdbTransaction};

use crate::error::{corrupt, dom_error, generic, idb_error, js_error};
use crate::meta::MetaRecord;
use crate::{CHUNK_STORE, META_STORE};

/// An open transaction. Dropping it without [`Tx::commit`] lets IndexedDB auto-commit whatever
/// was issued, so writers must either commit or [`Tx::abort`].
pub(crate) struct Tx {
    raw: IdbTransaction,
    /// Resolves with the `complete` or `abort` event; handlers are plain JS functions, so
    /// dropping the promise unobserved is harmless.
    done: Promise,
    meta: idb::ObjectStore,
    chunks: Option<idb::ObjectStore>,
}

/// The compound chunk key `[path, index]`.
pub(crate) fn chunk_key(path: &str, index: f64) -> JsValue {
    Array::of2(&JsValue::from_str(path), &JsValue::from_f64(index)).into()
}

/// Key range `[path, from] ..= [path, to]` over the `chunks` store.
fn chunk_range(path: &str, from: f64, to: f64) -> Result<Query, idb::Error> {
    let range = KeyRange::bound(&chunk_key(path, from), &chunk_key(path, to), None, None)?;
    Ok(Query::KeyRange(range))
}

impl Tx {
    /// Start a transaction over `meta` and, if `with_chunks`, `chunks`.
    pub fn begin(db: &Database, with_chunks: bool, mode: TransactionMode, op: &str) -> object_store::Result<Self> {
        let names: &[&str] = if with_chunks { &[META_STORE, CHUNK_STORE] } else { &[META_STORE] };
        let tx = db.transaction(names, mode).map_err(|e| idb_error(op, e))?;
        let meta = tx.object_store(META_STORE).map_err(|e| idb_error(op, e))?;
        let chunks = if with_chunks { Some(tx.object_store(CHUNK_STORE).map_err(|e| idb_error(op, e))?) } else { None };
        let raw: IdbTransaction = tx.into();
        // Register the outcome handlers before anything can fire.
        let done = Promise::new(&mut |resolve: Function, _reject: Function| {
            raw.set_oncomplete(Some(&resolve));
            raw.set_onabort(Some(&resolve));
        });
        Ok(Self { raw, done, meta, chunks })
    }

    fn chunks(&self) -> object_store::Result<&idb::ObjectStore> {
        self.chunks.as_ref().ok_or_else(|| generic("internal: transaction lacks the chunks store".into()))
    }

    /// Ask IndexedDB to commit and wait for the outcome. An aborted transaction (for example a
    /// `QuotaExceededError`) becomes an error and nothing of it is stored.
    pub async fn commit(self, op: &str) -> object_store::Result<()> {
        // `commit()` only speeds things up; if it throws, the outcome event still tells.
        #[allow(deprecated)]
        let _ = self.raw.commit();
        let event = JsFuture::from(self.done).await.map_err(|e| js_error(op, &e))?;
        let event: Event =
            event.dyn_into().map_err(|_| generic(format!("IndexedDB {op}: unexpected transaction outcome")))?;
        if event.type_() == "complete" {
            return Ok(());
        }
        Err(match self.raw.error() {
            Some(dom) => dom_error(op, &dom.name(), &dom.message()),
            None => generic(format!("IndexedDB {op}: transaction aborted")),
        })
    }

    /// Roll back everything issued in this transaction.
    pub fn abort(self) {
        // Throws only if the transaction already finished or aborted: nothing left to undo.
        let _ = self.raw.abort();
    }

    /// The metadata record of `path`, if any.
    pub async fn get_meta(&self, path: &str) -> object_store::Result<Option<MetaRecord>> {
        let value = self
            .meta
            .get(JsValue::from_str(path))
            .map_err(|e| idb_error("get meta", e))?
            .await
            .map_err(|e| idb_error("get meta", e))?;
        match value {
            None => Ok(None),
            Some(v) => {
                let json = v.as_string().ok_or_else(|| corrupt(path, "meta value is not a string"))?;
                MetaRecord::from_json(path, &json).map(Some)
            }
        }
    }

    /// All metadata records whose key lies in `query` (all records if `None`), in key order.
    pub async fn list_meta(&self, query: Option<Query>) -> object_store::Result<Vec<MetaRecord>> {
        let keys = self
            .meta
            .get_all_keys(query.clone(), None)
            .map_err(|e| idb_error("list", e))?
            .await
            .map_err(|e| idb_error("list", e))?;
        let values = self
            .meta
            .get_all(query, None)
            .map_err(|e| idb_error("list", e))?
            .await
            .map_err(|e| idb_error("list", e))?;
        if keys.len() != values.len() {
            return Err(generic("IndexedDB list: keys and values differ in number".into()));
        }
        keys.iter()
            .zip(values.iter())
            .map(|(k, v)| {
                let key = k.as_string().ok_or_else(|| corrupt(&format!("{k:?}"), "meta key is not a string"))?;
                let json = v.as_string().ok_or_else(|| corrupt(&key, "meta value is not a string"))?;
                MetaRecord::from_json(&key, &json)
            })
            .collect()
    }

    /// Chunks `i0..=i1` of the object described by `rec`, checked for count and length.
    pub async fn read_chunks(&self, rec: &MetaRecord, i0: u64, i1: u64) -> object_store::Result<Vec<Uint8Array>> {
        let path = rec.path.as_str();
        let query = chunk_range(path, i0 as f64, i1 as f64).map_err(|e| idb_error("get", e))?;
        let values = self
            .chunks()?
            .get_all(Some(query), None)
            .map_err(|e| idb_error("get", e))?
            .await
            .map_err(|e| idb_error("get", e))?;
        if values.len() as u64 != i1 - i0 + 1 {
            return Err(corrupt(path, &format!("expected chunks {i0}..={i1}, found {}", values.len())));
        }
        values
            .into_iter()
            .zip(i0..)
            .map(|(v, i)| {
                let chunk: Uint8Array =
                    v.dyn_into().map_err(|_| corrupt(path, &format!("chunk {i} is not a Uint8Array")))?;
                if u64::from(chunk.length()) != rec.chunk_len(i) {
                    return Err(corrupt(path, &format!("chunk {i} has the wrong length")));
                }
                Ok(chunk)
            })
            .collect()
    }

    /// Issue a put of chunk `index` of `path`.
    fn put_chunk(&self, path: &str, index: u64, chunk: &Uint8Array) -> object_store::Result<()> {
        let key = chunk_key(path, index as f64);
        self.chunks()?.put(chunk, Some(&key)).map_err(|e| idb_error("put", e))?;
        Ok(())
    }

    /// Issue the chunk puts for `payload`, cut into `rec.chunk_size` pieces.
    pub fn put_payload_chunks(&self, rec: &MetaRecord, payload: &PutPayload) -> object_store::Result<()> {
        let mut index = 0u64;
        let mut current: Option<(Uint8Array, u32)> = None;
        for part in payload.iter() {
            let mut rest: &[u8] = part;
            while !rest.is_empty() {
                if index >= rec.n_chunks {
                    return Err(generic("internal: payload longer than its size".into()));
                }
                let (chunk, filled) =
                    current.get_or_insert_with(|| (Uint8Array::new_with_length(rec.chunk_len(index) as u32), 0));
                let n = rest.len().min((chunk.length() - *filled) as usize);
                chunk.subarray(*filled, *filled + n as u32).copy_from(&rest[..n]);
                *filled += n as u32;
                rest = &rest[n..];
                if *filled == chunk.length() {
                    self.put_chunk(&rec.path, index, chunk)?;
                    index += 1;
                    current = None;
                }
            }
        }
        if index != rec.n_chunks || current.is_some() {
            return Err(generic("internal: payload shorter than its size".into()));
        }
        Ok(())
    }

    /// Issue puts of already-loaded chunks (a copy) under `path`, starting at index 0.
    pub fn put_chunk_values(&self, path: &str, chunks: &[Uint8Array]) -> object_store::Result<()> {
        for (i, chunk) in chunks.iter().enumerate() {
            self.put_chunk(path, i as u64, chunk)?;
        }
        Ok(())
    }

    /// Issue the deletion of every chunk of `path` with index `>= from`.
    pub fn delete_chunks_from(&self, path: &str, from: u64) -> object_store::Result<()> {
        let query = chunk_range(path, from as f64, f64::INFINITY).map_err(|e| idb_error("delete", e))?;
        self.chunks()?.delete(query).map_err(|e| idb_error("delete", e))?;
        Ok(())
    }

    /// Issue the put of `rec` into `meta`.
    pub fn put_meta(&self, rec: &MetaRecord) -> object_store::Result<()> {
        let json = JsValue::from_str(&rec.to_json()?);
        let key = JsValue::from_str(&rec.path);
        self.meta.put(&json, Some(&key)).map_err(|e| idb_error("put", e))?;
        Ok(())
    }

    /// Issue the deletion of the meta record of `path`.
    pub fn delete_meta(&self, path: &str) -> object_store::Result<()> {
        self.meta.delete(JsValue::from_str(path)).map_err(|e| idb_error("delete", e))?;
        Ok(())
    }

    /// Issue a request that fails asynchronously (`add` of the just-written meta key, a
    /// `ConstraintError`), aborting the transaction. Test hook, see `fail_next_put`.
    pub fn issue_failing_request(&self, path: &str) -> object_store::Result<()> {
        let key = JsValue::from_str(path);
        self.meta.add(&JsValue::from_str("{}"), Some(&key)).map_err(|e| idb_error("put", e))?;
        Ok(())
    }

    /// Issue clearing both stores.
    pub fn clear_all(&self) -> object_store::Result<()> {
        self.meta.clear().map_err(|e| idb_error("clear", e))?;
        self.chunks()?.clear().map_err(|e| idb_error("clear", e))?;
        Ok(())
    }

    /// Number of chunks stored for `path`, or in total if `None`.
    pub async fn count_chunks(&self, path: Option<&str>) -> object_store::Result<u64> {
        let query = match path {
            Some(p) => Some(chunk_range(p, 0.0, f64::INFINITY).map_err(|e| idb_error("count", e))?),
            None => None,
        };
        let n =
            self.chunks()?.count(query).map_err(|e| idb_error("count", e))?.await.map_err(|e| idb_error("count", e))?;
        Ok(u64::from(n))
    }
}
