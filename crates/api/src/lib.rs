//! The API boundary of the lake: plain, serializable data in and out.
//!
//! The engine (`puddle-lake`, running in a Web Worker) and its callers (the Yew UI,
//! `window.puddle`, tests) exchange only these types. They carry no DataFusion, Arrow or
//! browser types, so the UI crate stays small and the whole protocol is testable natively.
//!
//! ```
//! use puddle_api::{Request, S3Uri};
//! let uri: S3Uri = "s3://data-lake-raw-123/sales/sales.csv".parse().unwrap();
//! assert_eq!(uri.bucket, "data-lake-raw-123");
//! let req = Request::GetObject { bucket: uri.bucket, key: uri.key };
//! assert!(serde_json::to_string(&req).unwrap().contains("GetObject"));
//! ```
#![deny(missing_docs)]

mod catalog_view;
mod console;
mod error;
mod streaming;
mod types;
mod uri;
pub mod visual_job;

pub use catalog_view::*;
pub use console::*;
pub use error::ApiError;
pub use streaming::*;
pub use types::*;
pub use uri::{S3Uri, S3UriError};
