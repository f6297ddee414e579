//! Catalog tables as DataFusion listing tables.

use std::sync::Arc;

use datafusion::{
    arrow::datatypes::{DataType, Field, Schema, SchemaRef},
    catalog::{Session, TableProvider},
    common::ScalarValue,
    datasource::{
        file_format::{
            csv::CsvFormat, file_compression_type::FileCompressionType, json::JsonFormat, parquet::ParquetFormat,
            FileFormat,
        },
        listing::{ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl},
    },
};
use puddle_api::DataFormat;
use puddle_catalog::{Column, Table};

use crate::{
    arrow_to_hive, hive_to_arrow,
    partitioned::{CatalogPartitionedTable, PartitionDir},
    Error, Result,
};

/// Table parameter Glue sets on CSV tables with a header row.
pub(crate) const SKIP_HEADER: &str = "skip.header.line.count";
/// Table parameter saying how partition folders are named: `hive` (`key=value/`) or `positional`.
pub(crate) const PARTITION_STYLE: &str = "puddle.partitionStyle";
/// Table parameter holding a CSV delimiter.
pub(crate) const FIELD_DELIM: &str = "field.delim";
/// Table (OpenCSVSerde) parameter holding a CSV quote character other than `"`.
pub(crate) const QUOTE_CHAR: &str = "quoteChar";
/// Table parameter holding a CSV escape character (OpenCSVSerde's `escapeChar`, Hive's
/// `ESCAPED BY`).
pub(crate) const ESCAPE_CHAR: &str = "escapeChar";

/// How to read a table's files.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadOptions {
    pub format: DataFormat,
    pub has_header: bool,
    pub delimiter: u8,
    pub quote: u8,
    pub escape: Option<u8>,
}

impl ReadOptions {
    pub(crate) fn of_table(table: &Table) -> Result<Self> {
        let format = DataFormat::parse(&table.classification).ok_or_else(|| {
            Error::NotSupported(format!(
                "Table {} has classification '{}'; Puddle reads csv, json and parquet",
                table.qualified_name(),
                table.classification
            ))
        })?;
        let has_header = table.parameters.get(SKIP_HEADER).is_none_or(|v| v.trim() != "0");
        let delimiter = match table.parameters.get(FIELD_DELIM).map(String::as_bytes) {
            Some([b]) => *b,
            _ => b',',
        };
        let quote = match table.parameters.get(QUOTE_CHAR).map(String::as_bytes) {
            Some([b]) => *b,
            _ => b'"',
        };
        let escape = match table.parameters.get(ESCAPE_CHAR).map(String::as_bytes) {
            Some([b]) => Some(*b),
            _ => None,
        };
        Ok(Self { format, has_header, delimiter, quote, escape })
    }

    fn file_format(&self) -> Arc<dyn FileFormat> {
        match self.format {
            // As Athena's SerDes read CSV: a row with missing trailing fields gets NULLs, and a
            // quoted field may hold line breaks.
            DataFormat::Csv => Arc::new(
                CsvFormat::default()
                    .with_has_header(self.has_header)
                    .with_delimiter(self.delimiter)
                    .with_quote(self.quote)
                    .with_escape(self.escape)
                    .with_truncated_rows(true)
                    .with_newlines_in_values(true),
            ),
            DataFormat::Json => Arc::new(JsonFormat::default()),
            // DataFusion prefetches the last 512 KiB of a Parquet file to find its footer, which for
            // a small file is the whole file: bytes scanned (and the bill) would ignore column
            // pruning. Footers of lake files are a few KiB; a larger one costs one more read.
            DataFormat::Parquet => Arc::new(ParquetFormat::default().with_metadata_size_hint(Some(16 * 1024))),
        }
    }

    /// How the files are compressed (none until gzip reading is in).
    fn compression(&self) -> FileCompressionType {
        FileCompressionType::UNCOMPRESSED
    }

    /// Glue reads every file under a location, whatever its extension.
    pub(crate) fn listing_options(&self) -> ListingOptions {
        ListingOptions::new(self.file_format()).with_file_extension("")
    }
}

/// A location as DataFusion lists it: folders end in `/`.
pub(crate) fn table_url(location: &str) -> Result<ListingTableUrl> {
    let location = location.trim();
    let uri: puddle_api::S3Uri = location.parse().map_err(|e: puddle_api::S3UriError| Error::Query(e.to_string()))?;
    let normalized = if uri.key.is_empty() { format!("s3://{}/", uri.bucket) } else { location.to_string() };
    Ok(ListingTableUrl::parse(&normalized)?)
}

/// The DataFusion table that reads a catalog table. Opens no file.
///
/// Tables with Hive-style partition folders (`key=value/`) are `ListingTable`s that parse the
/// partition values from the paths. Tables whose partitions are plain folders (the crawler's
/// `partition_0..N`), or whose partitions were registered by hand, read the catalog's partition
/// records instead ([`CatalogPartitionedTable`]), as Athena does.
pub(crate) fn listing_table(table: &Table) -> Result<Arc<dyn TableProvider>> {
    let options = ReadOptions::of_table(table)?;
    let partition_cols =
        table.partition_keys.iter().map(|c| Ok((c.name.clone(), arrow_type(table, c)?))).collect::<Result<Vec<_>>>()?;
    let fields = table
        .columns
        .iter()
        .map(|c| Ok(Field::new(&c.name, arrow_type(table, c)?, true)))
        .collect::<Result<Vec<_>>>()?;
    if let Some(path) = crate::json_path_table::json_path_of(table) {
        return json_path_table(table, path, fields, partition_cols);
    }
    if uses_catalog_partitions(table) {
        let partitions = table
            .partitions
            .iter()
            .map(|p| {
                if p.values.len() != partition_cols.len() {
                    return Err(Error::Query(format!(
                        "Table {} has a partition with {} value(s) for {} partition key(s)",
                        table.qualified_name(),
                        p.values.len(),
                        partition_cols.len()
                    )));
                }
                let values = p
                    .values
                    .iter()
                    .zip(&partition_cols)
                    .map(|(v, (_, dt))| ScalarValue::try_from_string(v.clone(), dt).map_err(Error::from))
                    .collect::<Result<Vec<_>>>()?;
                let folder = if p.location.ends_with('/') { p.location.clone() } else { format!("{}/", p.location) };
                Ok(PartitionDir { values, url: table_url(&folder)? })
            })
            .collect::<Result<Vec<_>>>()?;
        let partition_fields = partition_cols.into_iter().map(|(n, dt)| Arc::new(Field::new(n, dt, false))).collect();
        return Ok(Arc::new(CatalogPartitionedTable::new(
            Arc::new(Schema::new(fields)),
            partition_fields,
            options.file_format(),
            options.compression(),
            partitions,
        )));
    }
    let config = ListingTableConfig::new(table_url(&table.location)?)
        .with_listing_options(options.listing_options().with_table_partition_cols(partition_cols))
        .with_schema(Arc::new(Schema::new(fields)));
    Ok(Arc::new(ListingTable::try_new(config)?))
}

/// A JSON table read through its JsonPath: its folder, or each catalog partition's folder.
fn json_path_table(
    table: &Table,
    path: &str,
    fields: Vec<Field>,
    partition_cols: Vec<(String, DataType)>,
) -> Result<Arc<dyn TableProvider>> {
    use crate::json_path_table::{JsonPathDir, JsonPathTable};
    let dirs = if partition_cols.is_empty() {
        vec![JsonPathDir { values: Vec::new(), url: table_url(&table.location)? }]
    } else {
        table
            .partitions
            .iter()
            .filter(|p| p.values.len() == partition_cols.len())
            .map(|p| {
                let values = p
                    .values
                    .iter()
                    .zip(&partition_cols)
                    .map(|(v, (_, dt))| ScalarValue::try_from_string(v.clone(), dt).map_err(Error::from))
                    .collect::<Result<Vec<_>>>()?;
                let folder = if p.location.ends_with('/') { p.location.clone() } else { format!("{}/", p.location) };
                Ok(JsonPathDir { values, url: table_url(&folder)? })
            })
            .collect::<Result<Vec<_>>>()?
    };
    let partition_fields = partition_cols.into_iter().map(|(n, dt)| Arc::new(Field::new(n, dt, true))).collect();
    Ok(Arc::new(JsonPathTable::new(
        table.qualified_name(),
        path,
        Arc::new(Schema::new(fields)),
        partition_fields,
        dirs,
    )))
}

/// Whether a table's partitions must come from the catalog rather than from `key=value/` paths:
/// positional partitions (`partition_0` from plain folders), or partitions registered by hand
/// on a table whose folder style is not known to be Hive's.
pub(crate) fn uses_catalog_partitions(table: &Table) -> bool {
    if table.partition_keys.is_empty() {
        return false;
    }
    match table.parameters.get(PARTITION_STYLE).map(String::as_str) {
        Some("hive") => false,
        Some(_) => true,
        None => !table.partitions.is_empty(),
    }
}

fn arrow_type(table: &Table, column: &Column) -> Result<DataType> {
    hive_to_arrow(&column.data_type).ok_or_else(|| {
        Error::NotSupported(format!(
            "Column {}.{} has type '{}', which Puddle cannot read yet",
            table.qualified_name(),
            column.name,
            column.data_type
        ))
    })
}

/// Reads the files at `location` and returns their merged schema as catalog columns.
pub(crate) async fn infer_columns(state: &dyn Session, location: &str, options: ReadOptions) -> Result<Vec<Column>> {
    let url = table_url(location)?;
    let schema: SchemaRef = options.listing_options().infer_schema(state, &url).await?;
    Ok(schema.fields().iter().map(|f| Column::new(f.name(), arrow_to_hive(f.data_type()))).collect())
}
