//! Encoding job output: `puddle_sql`'s encoder (shared with Athena's CTAS), errors as ETL's.

use datafusion::arrow::{array::RecordBatch, datatypes::SchemaRef};

use crate::{Error, Result};

/// The bytes of one output file holding `batches`, and its file extension.
pub(crate) fn encode(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    format: &str,
    compression: &str,
) -> Result<(Vec<u8>, String)> {
    puddle_sql::encode(schema, batches, format, compression).map_err(|e| Error::Output(e.to_string()))
}
