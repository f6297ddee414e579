//! Custom CSV classifiers (Glue's `CreateClassifier --csv-classifier`), persisted in the lake
//! (`_meta/classifiers/<name>.json`). A crawler lists them by name; they are tried before the
//! built-in classifiers, in the crawler's order.

use std::sync::Arc;

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};

use crate::{classify::CsvOptions, Error, Result};

/// A custom CSV classifier as Glue's GetClassifier describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvClassifier {
    /// Classifier name.
    pub name: String,
    /// Field delimiter (Glue's default: comma).
    pub delimiter: char,
    /// Quote character (Glue's default: double quote).
    pub quote_symbol: char,
    /// `UNKNOWN`, `PRESENT` or `ABSENT`.
    pub contains_header: String,
    /// Column names to use (Glue's `Header`).
    #[serde(default)]
    pub header: Vec<String>,
    /// When it was created.
    pub creation_time: chrono::DateTime<chrono::Utc>,
}

impl CsvClassifier {
    /// A classifier, checked as Glue checks CreateClassifier's input.
    pub fn new(
        name: &str,
        delimiter: Option<&str>,
        quote_symbol: Option<&str>,
        contains_header: Option<&str>,
        header: Vec<String>,
    ) -> Result<Self> {
        if name.is_empty() || name.len() > 255 || name.contains('/') {
            return Err(Error::InvalidInput(format!("Invalid classifier name '{name}'")));
        }
        let one_char = |what: &str, value: Option<&str>, default: char| match value {
            None => Ok(default),
            Some(v) => {
                let mut chars = v.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Ok(c),
                    _ => Err(Error::InvalidInput(format!("{what} must be a single character, got '{v}'"))),
                }
            }
        };
        let delimiter = one_char("Delimiter", delimiter, ',')?;
        let quote_symbol = one_char("QuoteSymbol", quote_symbol, '"')?;
        if delimiter == quote_symbol {
            return Err(Error::InvalidInput("Delimiter and QuoteSymbol must differ".into()));
        }
        let contains_header = contains_header.unwrap_or("UNKNOWN").to_ascii_uppercase();
        if !["UNKNOWN", "PRESENT", "ABSENT"].contains(&contains_header.as_str()) {
            return Err(Error::InvalidInput(format!(
                "ContainsHeader must be UNKNOWN, PRESENT or ABSENT, got '{contains_header}'"
            )));
        }
        Ok(Self {
            name: name.to_string(),
            delimiter,
            quote_symbol,
            contains_header,
            header,
            creation_time: chrono::Utc::now(),
        })
    }

    /// How the classifier reads text.
    pub fn options(&self) -> CsvOptions {
        CsvOptions {
            classifier: self.name.clone(),
            delimiter: Some(self.delimiter),
            quote: self.quote_symbol,
            header: match self.contains_header.as_str() {
                "PRESENT" => Some(true),
                "ABSENT" => Some(false),
                _ => None,
            },
            names: self.header.clone(),
        }
    }
}

fn path(name: &str) -> Path {
    Path::from_iter(["_meta", "classifiers", &format!("{name}.json")])
}

/// CreateClassifier.
pub async fn create_classifier(store: &Arc<dyn ObjectStore>, classifier: CsvClassifier) -> Result<CsvClassifier> {
    let opts = object_store::PutOptions { mode: object_store::PutMode::Create, ..Default::default() };
    let body = PutPayload::from(serde_json::to_vec(&classifier)?);
    match store.put_opts(&path(&classifier.name), body, opts).await {
        Ok(_) => Ok(classifier),
        Err(object_store::Error::AlreadyExists { .. }) => Err(Error::ClassifierExists(classifier.name)),
        Err(e) => Err(e.into()),
    }
}

/// GetClassifier.
pub async fn get_classifier(store: &Arc<dyn ObjectStore>, name: &str) -> Result<CsvClassifier> {
    match store.get(&path(name)).await {
        Ok(res) => Ok(serde_json::from_slice(&res.bytes().await?)?),
        Err(object_store::Error::NotFound { .. }) => Err(Error::NoSuchClassifier(name.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// GetClassifiers, by name.
pub async fn list_classifiers(store: &Arc<dyn ObjectStore>) -> Result<Vec<CsvClassifier>> {
    let metas: Vec<_> = store.list(Some(&Path::from_iter(["_meta", "classifiers"]))).try_collect().await?;
    let mut out = Vec::new();
    for m in metas {
        out.push(serde_json::from_slice::<CsvClassifier>(&store.get(&m.location).await?.bytes().await?)?);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// DeleteClassifier.
pub async fn delete_classifier(store: &Arc<dyn ObjectStore>, name: &str) -> Result<()> {
    get_classifier(store, name).await?;
    store.delete(&path(name)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use object_store::memory::InMemory;

    use super::*;
    use crate::classify::classify_text_with;

    #[tokio::test]
    async fn classifiers_persist_and_are_checked() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let c = CsvClassifier::new("semi", Some(";"), Some("'"), Some("present"), vec![]).unwrap();
        create_classifier(&store, c.clone()).await.unwrap();
        assert_eq!(create_classifier(&store, c.clone()).await.unwrap_err().code(), "AlreadyExistsException");
        assert_eq!(get_classifier(&store, "semi").await.unwrap(), c);
        assert_eq!(list_classifiers(&store).await.unwrap().len(), 1);
        delete_classifier(&store, "semi").await.unwrap();
        assert_eq!(get_classifier(&store, "semi").await.unwrap_err().code(), "EntityNotFoundException");
        assert_eq!(delete_classifier(&store, "semi").await.unwrap_err().code(), "EntityNotFoundException");
        for bad in [
            CsvClassifier::new("x", Some(";;"), None, None, vec![]),
            CsvClassifier::new("x", Some(","), Some(","), None, vec![]),
            CsvClassifier::new("x", None, None, Some("MAYBE"), vec![]),
            CsvClassifier::new("", None, None, None, vec![]),
        ] {
            assert_eq!(bad.unwrap_err().code(), "InvalidInputException");
        }
    }

    #[test]
    fn custom_classifiers_come_first_and_fall_back_to_built_ins() {
        let text = |s: &str| Bytes::from(s.to_string());
        // All-string rows: the built-in rule cannot see a header; the classifier says PRESENT.
        let present = CsvClassifier::new("names", None, None, Some("PRESENT"), vec![]).unwrap().options();
        let c = classify_text_with(&text("name,city\nann,sydney\nbob,perth\n"), false, &[present]);
        assert_eq!((c.classifier.as_str(), c.has_header, c.records), ("names", Some(true), 2));
        assert_eq!(c.columns[1].name, "city");

        // Headerless data with names from the classifier, a custom quote and delimiter.
        let absent =
            CsvClassifier::new("pipes", Some("|"), Some("'"), Some("ABSENT"), vec!["id".into(), "note".into()])
                .unwrap()
                .options();
        let c = classify_text_with(&text("1|'a|b'\n2|'c'\n"), false, std::slice::from_ref(&absent));
        assert_eq!(c.classifier, "pipes");
        let cols: Vec<_> = c.columns.iter().map(|c| (c.name.as_str(), c.data_type.as_str())).collect();
        assert_eq!(cols, [("id", "bigint"), ("note", "string")]);
        assert_eq!(c.records, 2);

        // The custom classifier does not fit: the built-in CSV classifier decides, and says why.
        let c = classify_text_with(&text("a,b\n1,2\n"), false, &[absent]);
        assert_eq!(c.classifier, "built-in csv");
        assert!(c.reason.contains("pipes"), "{}", c.reason);
    }
}
