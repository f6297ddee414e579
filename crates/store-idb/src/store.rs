//! [`IdbObjectStore`]: the handle, opening / closing / clearing / deleting the database, and
//! test hooks. The data operations live in `ops`, the trait glue in `trait_impl`.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use object_store::path::Path;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use web_sys::IdbDatabase;

use crate::error::Error;
use crate::tx::Tx;
use crate::{CHUNK_STORE, DB_VERSION, META_STORE};

/// An [`object_store::ObjectStore`] kept in one IndexedDB database (see the crate docs for the
/// layout). Cheap to clone; clones share the connection.
#[derive(Clone)]
pub struct IdbObjectStore {
    // SAFETY (Send/Sync): `idb::Database` wraps JS handles, which are `!Send`. wasm32 runs this
    // crate on a single thread, so the `SendWrapper` thread check can never fail.
    pub(crate) db: Arc<SendWrapper<Conn>>,
    pub(crate) name: Arc<str>,
    pub(crate) chunk_reads: Arc<AtomicU64>,
    pub(crate) fail_next_put: Arc<AtomicBool>,
}

/// The connection; closed when the last [`IdbObjectStore`] clone is dropped, so a dropped
/// store never blocks a later delete or upgrade of its database.
pub(crate) struct Conn(Database);

impl std::ops::Deref for Conn {
    type Target = Database;
    fn deref(&self) -> &Database {
        &self.0
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.0.close();
    }
}

impl fmt::Debug for IdbObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdbObjectStore").field("db_name", &self.name).finish_non_exhaustive()
    }
}

impl fmt::Display for IdbObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdbObjectStore({})", self.name)
    }
}

/// Open (creating or upgrading if needed) the IndexedDB database `db_name` as an object store.
///
/// The connection closes itself when another connection wants to delete or upgrade the
/// database, so [`delete_database`] is never blocked by a forgotten store.
pub async fn open(db_name: &str) -> Result<IdbObjectStore, Error> {
    let name = db_name.to_string();
    let db = SendWrapper::new(async move {
        let factory = Factory::new().map_err(|e| Error::Unavailable(e.to_string()))?;
        let open_err = |e: idb::Error| Error::Open { name: name.clone(), message: e.to_string() };
        let mut request = factory.open(&name, Some(DB_VERSION)).map_err(open_err)?;
        request.on_upgrade_needed(|event| {
            // Errors cannot be returned from here; a failed creation shows up as a missing
            // store, which is checked after the open completes.
            if let Ok(db) = event.database() {
                let names = db.store_names();
                if !names.iter().any(|n| n == META_STORE) {
                    let _ = db.create_object_store(META_STORE, ObjectStoreParams::new());
                }
                if !names.iter().any(|n| n == CHUNK_STORE) {
                    let _ = db.create_object_store(CHUNK_STORE, ObjectStoreParams::new());
                }
            }
        });
        let mut db = request.await.map_err(open_err)?;
        let names = db.store_names();
        for store in [META_STORE, CHUNK_STORE] {
            if !names.iter().any(|n| n == store) {
                db.close();
                return Err(Error::MissingStore { name: name.clone(), store });
            }
        }
        db.on_version_change(|event| {
            if let Some(target) = event.target() {
                if let Ok(raw) = target.dyn_into::<IdbDatabase>() {
                    raw.close();
                }
            }
        });
        Ok::<_, Error>(db)
    })
    .await?;
    Ok(IdbObjectStore {
        db: Arc::new(SendWrapper::new(Conn(db))),
        name: Arc::from(db_name),
        chunk_reads: Arc::new(AtomicU64::new(0)),
        fail_next_put: Arc::new(AtomicBool::new(false)),
    })
}

/// Delete the IndexedDB database `db_name` and everything in it. Connections of this crate
/// close themselves when asked to, so this does not block on them; afterwards they are unusable.
pub async fn delete_database(db_name: &str) -> Result<(), Error> {
    let name = db_name.to_string();
    SendWrapper::new(async move {
        let err = |e: idb::Error| Error::Delete { name: name.clone(), message: e.to_string() };
        let factory = Factory::new().map_err(|e| Error::Unavailable(e.to_string()))?;
        factory.delete(&name).map_err(err)?.await.map_err(err)?;
        Ok(())
    })
    .await
}

impl IdbObjectStore {
    /// The IndexedDB database name.
    pub fn db_name(&self) -> &str {
        &self.name
    }

    /// Close the connection (shared by all clones). Later operations fail.
    pub fn close(&self) {
        self.db.close();
    }

    /// Delete every object (both stores) in one transaction.
    pub async fn clear(&self) -> object_store::Result<()> {
        SendWrapper::new(async move {
            let tx = Tx::begin(&self.db, true, TransactionMode::ReadWrite, "clear")?;
            if let Err(e) = tx.clear_all() {
                tx.abort();
                return Err(e);
            }
            tx.commit("clear").await
        })
        .await
    }

    /// Number of chunk records fetched by reads so far (all clones). For tests.
    #[doc(hidden)]
    pub fn chunk_reads(&self) -> u64 {
        self.chunk_reads.load(Ordering::Relaxed)
    }

    /// Number of chunk records stored for `location`, or in total if `None`. For tests.
    #[doc(hidden)]
    pub async fn chunk_count(&self, location: Option<&Path>) -> object_store::Result<u64> {
        let path = location.map(|p| p.as_ref().to_string());
        SendWrapper::new(async move {
            let tx = Tx::begin(&self.db, true, TransactionMode::ReadOnly, "count")?;
            tx.count_chunks(path.as_deref()).await
        })
        .await
    }

    /// Make the next put fail inside IndexedDB after all its writes were issued (a request
    /// that errors asynchronously, as a `QuotaExceededError` would). For atomicity tests.
    #[doc(hidden)]
    pub fn fail_next_put(&self) {
        self.fail_next_put.store(true, Ordering::Relaxed);
    }

    pub(crate) fn take_put_failure(&self) -> bool {
        self.fail_next_put.swap(false, Ordering::Relaxed)
    }

    pub(crate) fn count_chunk_reads(&self, n: u64) {
        self.chunk_reads.fetch_add(n, Ordering::Relaxed);
    }
}
