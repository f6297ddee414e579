//! Tables over S3 paths that are not in the catalog: the sources a Glue script reads with
//! `create_dynamic_frame.from_options(connection_type="s3", ...)`. Their schema is inferred
//! from the files when a session is built.

use std::sync::Arc;

use datafusion::{
    catalog::SchemaProvider,
    datasource::listing::{ListingTable, ListingTableConfig},
    prelude::SessionContext,
};
use puddle_api::DataFormat;

use crate::{
    tables::{table_url, ReadOptions},
    Result,
};

/// A table over files: every object under `paths`, read as `format`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTable {
    /// Name the SQL uses (registered in the session's current database).
    pub name: String,
    /// `s3://bucket/prefix/` or `s3://bucket/key` locations.
    pub paths: Vec<String>,
    /// File format.
    pub format: DataFormat,
    /// CSV: the first line is a header.
    pub has_header: bool,
    /// CSV: the field delimiter.
    pub delimiter: u8,
}

/// Registers `tables` in `schema`, inferring each one's columns from its files.
pub(crate) async fn register_file_tables(
    ctx: &SessionContext,
    schema: &Arc<dyn SchemaProvider>,
    tables: &[FileTable],
) -> Result<()> {
    for t in tables {
        let options = ReadOptions {
            format: t.format,
            has_header: t.has_header,
            delimiter: t.delimiter,
            quote: b'"',
            escape: None,
        }
        .listing_options();
        let urls = t.paths.iter().map(|p| table_url(p)).collect::<Result<Vec<_>>>()?;
        let Some(first) = urls.first() else { continue };
        let file_schema = options.infer_schema(&ctx.state(), first).await?;
        let config =
            ListingTableConfig::new_with_multi_paths(urls).with_listing_options(options).with_schema(file_schema);
        schema.register_table(t.name.clone(), Arc::new(ListingTable::try_new(config)?))?;
    }
    Ok(())
}
