//! S3 semantics over an [`object_store::ObjectStore`].
//!
//! The whole lake lives in one object store (IndexedDB in the browser, `InMemory` natively).
//! [`S3`] lays buckets and objects out in it and speaks S3's rules and error codes:
//!
//! ```text
//! _meta/buckets/<bucket>        bucket registry entry (its last-modified is the creation date)
//! <bucket>/<key>                object bytes
//! _meta/bucket-config/<bucket>/ versioning.json, lifecycle.json
//! _meta/versions/<bucket>/<key>/<version-id>   noncurrent versions and delete markers
//! _meta/object-state/<bucket>/<key>            storage class and restore state (absent = STANDARD)
//! _meta/...                     other lake metadata (catalog, ...), owned by other crates
//! ```
//!
//! `_meta` can never collide with a bucket: bucket names cannot contain `_`.
//!
//! ```
//! # tokio_test();
//! # fn tokio_test() { let rt = tokio::runtime::Builder::new_current_thread().build().unwrap(); rt.block_on(async {
//! use std::sync::Arc;
//! let s3 = puddle_store::S3::new(Arc::new(object_store::memory::InMemory::new()));
//! s3.create_bucket("data-lake-raw-123").await.unwrap();
//! s3.put_object("data-lake-raw-123", "sales/a.csv", "id\n1\n".into()).await.unwrap();
//! let body = s3.get_object("data-lake-raw-123", "sales/a.csv").await.unwrap();
//! assert_eq!(&body[..], b"id\n1\n");
//! # }) }
//! ```
#![deny(missing_docs)]

mod archive_guard;
mod bucket_name;
mod error;
#[cfg(feature = "test-support")]
pub mod failing;
pub mod lifecycle;
mod object_state;
mod objects;
mod s3;
mod versioning;
#[cfg(test)]
mod versioning_tests;

pub use archive_guard::{archived_message, ArchiveGuard, ARCHIVED_STORE};
pub use bucket_name::validate_bucket_name;
pub use error::{Error, Result};
pub use object_state::{is_archive, ObjectState, STORAGE_CLASSES};
pub use objects::{ListObjectsV2Input, ListObjectsV2Page, ObjectHead, PutObjectOptions};
pub use puddle_events::{EventBus, S3Event, SimClock};
pub use s3::{guess_content_type, Bucket, ListObjects, ObjectInfo, META_PREFIX, S3};
pub use versioning::{DeleteOutcome, ObjectVersion, VersioningStatus, NULL_VERSION};
