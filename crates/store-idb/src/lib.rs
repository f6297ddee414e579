//! `puddle-store-idb`: an [`object_store::ObjectStore`] over the browser's IndexedDB.
//!
//! The crate is **wasm32 only**: on any other target it compiles to an empty library, so a
//! host build of the whole workspace still works.
//!
//! # Layout
//!
//! One IndexedDB database (name chosen by the caller of [`open`]) with two object stores:
//!
//! * `meta`, keyed by the object path (the raw [`object_store::path::Path`] string). The value
//!   is a JSON string with `path`, `size`, `last_modified` (ms since the epoch, from JS
//!   `Date.now()`), `e_tag` (lowercase hex MD5 of the body), `chunk_size`, `n_chunks` and
//!   `attributes` (content type, user metadata, ... as a string map).
//! * `chunks`, keyed by the compound key `[path, chunk_index]`. Each value is a `Uint8Array`
//!   holding [`CHUNK_SIZE`] bytes of the object (the last chunk may be shorter; an empty
//!   object has no chunks).
//!
//! # Chunking and range reads
//!
//! Because chunk keys sort by `(path, index)`, a byte range maps to one contiguous key range
//! `[path, i0] ..= [path, i1]`, so a ranged `get` reads only the chunks it needs and a `head`
//! reads only `meta`. [`IdbObjectStore::chunk_reads`] counts chunk fetches for tests.
//!
//! # Atomicity
//!
//! Every mutation (put, multipart completion, copy, rename, delete) runs in **one** readwrite
//! transaction over both stores: the precondition check (`PutMode::Create` / `Update`), the new
//! chunks, the removal of the previous version's surplus chunks and the new `meta` record either
//! all commit or none do. Readers use a readonly transaction over both stores and therefore
//! always see a whole object. Inside a transaction nothing but IndexedDB requests is awaited,
//! because IndexedDB commits a transaction on its own once the event loop turns with no request
//! pending. When the browser refuses a write for lack of space (a `QuotaExceededError`), the
//! transaction aborts and the caller gets an [`object_store::Error::Generic`] from store
//! `"IndexedDB"` whose message contains `QuotaExceeded`.
//!
//! # Threads
//!
//! JS handles are `!Send`, but `ObjectStore` requires `Send + Sync` futures and streams. All
//! JS-touching work is wrapped in [`send_wrapper::SendWrapper`]. That is sound because
//! `wasm32-unknown-unknown` runs this code on a single thread: the wrapper's "same thread"
//! check can never fail.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs)]

mod error;
mod meta;
mod multipart;
mod ops;
mod store;
mod trait_impl;
mod tx;

pub use error::Error;
pub use store::{delete_database, open, IdbObjectStore};

/// Size in bytes of one stored chunk (1 MiB). Objects are split into chunks of this size.
pub const CHUNK_SIZE: usize = 1024 * 1024;

/// Version of the IndexedDB schema created by [`open`].
pub const DB_VERSION: u32 = 1;

/// Name of the IndexedDB object store holding the per-object JSON metadata.
pub const META_STORE: &str = "meta";

/// Name of the IndexedDB object store holding the object bytes, keyed by `[path, index]`.
pub const CHUNK_STORE: &str = "chunks";

/// The `store` name used in [`object_store::Error::Generic`] errors from this crate.
pub const STORE_NAME: &str = "IndexedDB";
