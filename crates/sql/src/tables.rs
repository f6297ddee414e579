//! Catalog tables as DataFusion listing tables.

use std::sync::Arc;

use datafusion::{
    arrow::datatypes::{DataType, Field, Schema, SchemaRef},
    catalog::{Session, TableProvider},
    datasource::{
        file_format::{csv::CsvFormat, json::JsonFormat, parquet::ParquetFormat, FileFormat},
        listing::{ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl},
    },
};
use puddle_api::DataFormat;
use puddle_catalog::{Column, Table};

use crate::{arrow_to_hive, hive_to_arrow, Error, Result};

/// Table parameter Glue sets on CSV tables with a header row.
pub(crate) const SKIP_HEADER: &str = "skip.header.line.count";
/// Table parameter saying how partition folders are named: `hive` (`key=value/`) or `positional`.
pub(crate) const PARTITION_STYLE: &str = "puddle.partitionStyle";
/// Table parameter holding a CSV delimiter.
pub(crate) const FIELD_DELIM: &str = "field.delim";

/// How to read a table's files.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadOptions {
    pub format: DataFormat,
    pub has_header: bool,
    pub delimiter: u8,
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
        Ok(Self { format, has_header, delimiter })
    }

    fn file_format(&self) -> Arc<dyn FileFormat> {
        match self.format {
            // Like Hive's LazySimpleSerDe, a line with fewer fields reads the missing ones as NULL
            // (files written before `ALTER TABLE ... ADD COLUMNS`).
            DataFormat::Csv => Arc::new(
                CsvFormat::default()
                    .with_has_header(self.has_header)
                    .with_delimiter(self.delimiter)
                    .with_truncated_rows(true),
            ),
            DataFormat::Json => Arc::new(JsonFormat::default()),
            DataFormat::Parquet => Arc::new(ParquetFormat::default()),
        }
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
pub(crate) fn listing_table(table: &Table) -> Result<Arc<dyn TableProvider>> {
    let options = ReadOptions::of_table(table)?;
    // Only Hive-style folders (`key=value/`) can be read as partition columns; positional ones
    // (`partition_0`, from folders like `2025/`) are read as plain folders for now.
    let hive_partitions = table.parameters.get(PARTITION_STYLE).is_none_or(|s| s == "hive");
    let partition_cols = table
        .partition_keys
        .iter()
        .filter(|_| hive_partitions)
        .map(|c| Ok((c.name.clone(), arrow_type(table, c)?)))
        .collect::<Result<Vec<_>>>()?;
    let fields = table
        .columns
        .iter()
        .map(|c| Ok(Field::new(&c.name, arrow_type(table, c)?, true)))
        .collect::<Result<Vec<_>>>()?;
    let config = ListingTableConfig::new(table_url(&table.location)?)
        .with_listing_options(options.listing_options().with_table_partition_cols(partition_cols))
        .with_schema(Arc::new(Schema::new(fields)));
    Ok(Arc::new(ListingTable::try_new(config)?))
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
