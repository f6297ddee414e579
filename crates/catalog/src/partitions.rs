//! Partition operations: BatchCreatePartition, GetPartitions (with an expression), DeletePartition.
//!
//! Partitions live in their table's record. Changing them does not make a new table version
//! (in Glue, partitions are entities of their own, not part of the table definition).

use crate::{catalog::table_path, Catalog, Error, Partition, PartitionFilter, Result, Table};

/// One partition BatchCreatePartition could not create (Glue's `PartitionError`).
#[derive(Debug)]
pub struct PartitionError {
    /// The partition's values.
    pub values: Vec<String>,
    /// Why.
    pub error: Error,
}

impl Catalog {
    /// BatchCreatePartition: adds the partitions that are new and valid; the others come back
    /// as errors (`AlreadyExistsException`, `InvalidInputException`), as in Glue.
    pub async fn batch_create_partition(
        &self,
        database: &str,
        table: &str,
        partitions: Vec<Partition>,
    ) -> Result<Vec<PartitionError>> {
        let mut t = self.get_table(database, table)?;
        let mut errors = Vec::new();
        for p in partitions {
            if p.values.len() != t.partition_keys.len() {
                let error = Error::InvalidInput(format!(
                    "The number of partition values ({}) does not match the number of partition keys ({})",
                    p.values.len(),
                    t.partition_keys.len()
                ));
                errors.push(PartitionError { values: p.values, error });
            } else if t.partitions.iter().any(|q| q.values == p.values) {
                let error = Error::AlreadyExists { entity: "Partition", name: format!("{:?}", p.values) };
                errors.push(PartitionError { values: p.values, error });
            } else {
                t.partitions.push(p);
            }
        }
        self.store_partitions(t).await?;
        Ok(errors)
    }

    /// GetPartitions, optionally only those an expression (`year='2025' AND month>'06'`) selects.
    pub fn get_partitions(&self, database: &str, table: &str, expression: Option<&str>) -> Result<Vec<Partition>> {
        let t = self.get_table(database, table)?;
        let filter = match expression.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => Some(PartitionFilter::parse(e, &t.partition_keys)?),
            None => None,
        };
        Ok(t.partitions
            .iter()
            .filter(|p| filter.as_ref().is_none_or(|f| f.matches(&p.values, &t.partition_keys)))
            .cloned()
            .collect())
    }

    /// DeletePartition.
    pub async fn delete_partition(&self, database: &str, table: &str, values: &[String]) -> Result<()> {
        let mut t = self.get_table(database, table)?;
        let before = t.partitions.len();
        t.partitions.retain(|p| p.values != values);
        if t.partitions.len() == before {
            return Err(Error::EntityNotFound {
                entity: "Partition",
                name: format!("{}.{} {values:?}", t.database, t.name),
            });
        }
        self.store_partitions(t).await
    }

    /// Writes a table whose partitions changed, without a new version.
    async fn store_partitions(&self, table: Table) -> Result<()> {
        self.save(&table_path(&table.database, &table.name), &table).await?;
        self.save_version(&table).await?;
        self.write().tables.insert((table.database.clone(), table.name.clone()), table);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use object_store::memory::InMemory;

    use crate::{Catalog, Column, Partition, Table};

    fn p(year: &str, month: &str) -> Partition {
        Partition { values: vec![year.into(), month.into()], location: format!("s3://raw/t/{year}/{month}/") }
    }

    #[tokio::test]
    async fn create_filter_and_delete_partitions() {
        let store = Arc::new(InMemory::new());
        let catalog = Catalog::load(store.clone()).await.unwrap();
        catalog.create_database("db", false).await.unwrap();
        let mut t = Table::new("db", "t", "s3://raw/t/", "csv", vec![Column::new("id", "int")]);
        t.partition_keys = vec![Column::new("year", "string"), Column::new("month", "string")];
        catalog.create_table(t).await.unwrap();

        let errors = catalog
            .batch_create_partition("db", "t", vec![p("2024", "12"), p("2025", "01"), p("2025", "07"), p("2025", "01")])
            .await
            .unwrap();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].values.clone(), errors[0].error.code()),
            (p("2025", "01").values, "AlreadyExistsException")
        );
        let bad = catalog
            .batch_create_partition("db", "t", vec![Partition { values: vec!["1".into()], location: "s3://x/".into() }])
            .await
            .unwrap();
        assert_eq!(bad[0].error.code(), "InvalidInputException");
        assert_eq!(catalog.get_table("db", "t").unwrap().version_id, 1, "partitions are not table versions");

        let reloaded = Catalog::load(store).await.unwrap();
        assert_eq!(reloaded.get_partitions("db", "t", None).unwrap().len(), 3);
        let later = reloaded.get_partitions("db", "t", Some("year='2025' AND month>'06'")).unwrap();
        assert_eq!(later, [p("2025", "07")]);
        let err = reloaded.get_partitions("db", "t", Some("region = 'x'")).unwrap_err();
        assert_eq!(err.code(), "InvalidInputException");

        reloaded.delete_partition("db", "t", &p("2025", "07").values).await.unwrap();
        let gone = reloaded.delete_partition("db", "t", &p("2025", "07").values).await.unwrap_err();
        assert_eq!(gone.code(), "EntityNotFoundException");
        assert_eq!(reloaded.get_partitions("db", "t", None).unwrap().len(), 2);
        assert_eq!(reloaded.get_partitions("db", "nope", None).unwrap_err().code(), "EntityNotFoundException");
    }
}
