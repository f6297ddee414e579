//! The course's sales dataset, generated deterministically.
//!
//! Tests and the bench share this generator, so a figure in one can be checked against the
//! other. Row `i` of a dataset depends only on `i` (a SplitMix64 hash of it), so the first
//! 100 rows of the 1M-row dataset are the 100-row dataset.
//!
//! Columns: `id` (bigint, 1-based), `region` (one of [`REGIONS`]), `product`, `amount`
//! (0.00..500.00) and `ts` (a second in 2025, `YYYY-MM-DD HH:MM:SS`).
//!
//! ```
//! let rows: Vec<_> = puddle_datagen::sales(3).collect();
//! assert_eq!(rows[0].id, 1);
//! let csv = puddle_datagen::sales_csv(3);
//! assert!(String::from_utf8(csv).unwrap().starts_with("id,region,product,amount,ts\n1,"));
//! ```
#![deny(missing_docs)]

mod encode;
mod rows;

pub use encode::{sales_csv, sales_json_lines, sales_parquet, Error};
pub use rows::{sales, sales_range, SaleRow, PRODUCTS, REGIONS};
