//! Custom classifiers (Glue's `CreateClassifier --csv-classifier | --json-classifier`), persisted
//! in the lake (`_meta/classifiers/<name>.json`). A crawler lists them by name; they are tried
//! before the built-in classifiers, in the crawler's order.

use std::sync::Arc;

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};

use puddle_catalog::json_path::JsonPath;

use crate::{
    classify::{CsvOptions, CustomClassifier},
    Error, Result,
};

fn one() -> u64 {
    1
}

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
    /// When it last changed (UpdateClassifier); its creation time until then.
    #[serde(default)]
    pub last_updated: Option<chrono::DateTime<chrono::Utc>>,
    /// 1, plus one per UpdateClassifier.
    #[serde(default = "one")]
    pub version: u64,
}

/// A custom JSON classifier as Glue's GetClassifier describes it (`JsonClassifier`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonClassifier {
    /// Classifier name.
    pub name: String,
    /// The JsonPath selecting the records (checked when the classifier is made).
    pub json_path: String,
    /// When it was created.
    pub creation_time: chrono::DateTime<chrono::Utc>,
    /// When it last changed.
    #[serde(default)]
    pub last_updated: Option<chrono::DateTime<chrono::Utc>>,
    /// 1, plus one per UpdateClassifier.
    #[serde(default = "one")]
    pub version: u64,
}

impl JsonClassifier {
    /// A classifier, checked as Glue checks CreateClassifier's input (the path must parse).
    pub fn new(name: &str, json_path: &str) -> Result<Self> {
        check_name(name)?;
        let path = JsonPath::parse(json_path).map_err(|e| Error::InvalidInput(e.to_string()))?;
        Ok(Self {
            name: name.to_string(),
            json_path: path.to_string(),
            creation_time: chrono::Utc::now(),
            last_updated: None,
            version: 1,
        })
    }
}

/// A stored custom classifier of either kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Classifier {
    /// A JSON classifier (records holding `json_path`).
    Json(JsonClassifier),
    /// A CSV classifier.
    Csv(CsvClassifier),
}

impl Classifier {
    /// Its name.
    pub fn name(&self) -> &str {
        match self {
            Classifier::Json(c) => &c.name,
            Classifier::Csv(c) => &c.name,
        }
    }

    /// How a crawl applies it.
    pub fn options(&self) -> CustomClassifier {
        match self {
            Classifier::Csv(c) => CustomClassifier::Csv(c.options()),
            // The path was checked when the classifier was stored; a record edited by hand that
            // no longer parses selects nothing (the crawl's trace says so).
            Classifier::Json(c) => CustomClassifier::Json {
                name: c.name.clone(),
                path: JsonPath::parse(&c.json_path)
                    .unwrap_or_else(|_| JsonPath::parse("$.__invalid_json_path__").expect("a valid path")),
            },
        }
    }

    /// `csv` or `json`.
    pub fn kind(&self) -> &'static str {
        match self {
            Classifier::Json(_) => "json",
            Classifier::Csv(_) => "csv",
        }
    }
}

impl From<CsvClassifier> for Classifier {
    fn from(c: CsvClassifier) -> Self {
        Classifier::Csv(c)
    }
}

impl From<JsonClassifier> for Classifier {
    fn from(c: JsonClassifier) -> Self {
        Classifier::Json(c)
    }
}

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 255 || name.contains('/') {
        return Err(Error::InvalidInput(format!("Invalid classifier name '{name}'")));
    }
    Ok(())
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
        check_name(name)?;
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
            last_updated: None,
            version: 1,
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
pub async fn create_classifier(store: &Arc<dyn ObjectStore>, classifier: impl Into<Classifier>) -> Result<Classifier> {
    let classifier = classifier.into();
    let opts = object_store::PutOptions { mode: object_store::PutMode::Create, ..Default::default() };
    let body = PutPayload::from(serde_json::to_vec(&classifier)?);
    match store.put_opts(&path(classifier.name()), body, opts).await {
        Ok(_) => Ok(classifier),
        Err(object_store::Error::AlreadyExists { .. }) => Err(Error::ClassifierExists(classifier.name().to_string())),
        Err(e) => Err(e.into()),
    }
}

/// UpdateClassifier: replaces the definition of a classifier of the same kind, keeping its
/// creation time; `LastUpdated` moves and `Version` goes up by one.
pub async fn update_classifier(store: &Arc<dyn ObjectStore>, classifier: Classifier) -> Result<Classifier> {
    let old = get_classifier(store, classifier.name()).await?;
    let now = chrono::Utc::now();
    let updated = match (old, classifier) {
        (Classifier::Json(old), Classifier::Json(new)) => Classifier::Json(JsonClassifier {
            creation_time: old.creation_time,
            last_updated: Some(now),
            version: old.version + 1,
            ..new
        }),
        (Classifier::Csv(old), Classifier::Csv(new)) => Classifier::Csv(CsvClassifier {
            creation_time: old.creation_time,
            last_updated: Some(now),
            version: old.version + 1,
            ..new
        }),
        (old, new) => {
            return Err(Error::InvalidInput(format!(
                "Classifier {} is a {} classifier, not a {} classifier",
                old.name(),
                old.kind().to_uppercase(),
                new.kind().to_uppercase()
            )))
        }
    };
    store.put(&path(updated.name()), PutPayload::from(serde_json::to_vec(&updated)?)).await?;
    Ok(updated)
}

/// GetClassifier.
pub async fn get_classifier(store: &Arc<dyn ObjectStore>, name: &str) -> Result<Classifier> {
    match store.get(&path(name)).await {
        Ok(res) => Ok(serde_json::from_slice(&res.bytes().await?)?),
        Err(object_store::Error::NotFound { .. }) => Err(Error::NoSuchClassifier(name.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// GetClassifiers, by name.
pub async fn list_classifiers(store: &Arc<dyn ObjectStore>) -> Result<Vec<Classifier>> {
    let metas: Vec<_> = store.list(Some(&Path::from_iter(["_meta", "classifiers"]))).try_collect().await?;
    let mut out = Vec::new();
    for m in metas {
        out.push(serde_json::from_slice::<Classifier>(&store.get(&m.location).await?.bytes().await?)?);
    }
    out.sort_by(|a, b| a.name().cmp(b.name()));
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
    use crate::classify::{classify_text_with, CustomClassifier};

    #[tokio::test]
    async fn classifiers_persist_and_are_checked() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let c: Classifier = CsvClassifier::new("semi", Some(";"), Some("'"), Some("present"), vec![]).unwrap().into();
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
        let present =
            CustomClassifier::Csv(CsvClassifier::new("names", None, None, Some("PRESENT"), vec![]).unwrap().options());
        let c = classify_text_with(&text("name,city\nann,sydney\nbob,perth\n"), false, &[present]);
        assert_eq!((c.classifier.as_str(), c.has_header, c.records), ("names", Some(true), 2));
        assert_eq!(c.columns[1].name, "city");

        // Headerless data with names from the classifier, a custom quote and delimiter.
        let absent =
            CsvClassifier::new("pipes", Some("|"), Some("'"), Some("ABSENT"), vec!["id".into(), "note".into()])
                .unwrap()
                .options();
        let absent = CustomClassifier::Csv(absent);
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

    #[tokio::test]
    async fn json_classifiers_persist_update_and_check_their_path() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let c: Classifier = JsonClassifier::new("recs", "$.records[*]").unwrap().into();
        create_classifier(&store, c.clone()).await.unwrap();
        assert_eq!(get_classifier(&store, "recs").await.unwrap(), c);
        assert_eq!(JsonClassifier::new("bad", "records").unwrap_err().code(), "InvalidInputException");
        let updated =
            update_classifier(&store, JsonClassifier::new("recs", "$.items[*]").unwrap().into()).await.unwrap();
        let Classifier::Json(j) = &updated else { panic!("{updated:?}") };
        assert_eq!((j.json_path.as_str(), j.version), ("$.items[*]", 2));
        assert!(j.last_updated.is_some());
        let csv: Classifier = CsvClassifier::new("recs", None, None, None, vec![]).unwrap().into();
        assert_eq!(update_classifier(&store, csv).await.unwrap_err().code(), "InvalidInputException");
        let missing: Classifier = JsonClassifier::new("nope", "$").unwrap().into();
        assert_eq!(update_classifier(&store, missing).await.unwrap_err().code(), "EntityNotFoundException");
        // CSV records written before JSON classifiers existed still read (no version fields).
        let old = r#"{"name":"old","delimiter":";","quote_symbol":"\"","contains_header":"PRESENT","header":[],"creation_time":"2025-01-01T00:00:00Z"}"#;
        store.put(&path("old"), PutPayload::from(old.as_bytes().to_vec())).await.unwrap();
        let list = list_classifiers(&store).await.unwrap();
        assert_eq!(list.iter().map(|c| (c.name(), c.kind())).collect::<Vec<_>>(), [("old", "csv"), ("recs", "json")]);
    }

    #[test]
    fn json_classifier_decides_with_its_path_and_says_why_not() {
        let text = |s: &str| Bytes::from(s.to_string());
        let recs: Classifier = JsonClassifier::new("recs", "$.records[*]").unwrap().into();
        let custom = [recs.options()];
        let doc = "{\n \"source\": \"pos\",\n \"records\": [\n  {\"id\": 1, \"region\": \"NSW\"},\n  {\"id\": 2, \"region\": \"VIC\", \"amount\": 2.5}\n ]\n}\n";
        let c = classify_text_with(&text(doc), false, &custom);
        assert_eq!((c.classification.as_str(), c.classifier.as_str(), c.certainty), ("json", "recs", 1.0));
        assert_eq!(c.json_path.as_deref(), Some("$.records[*]"));
        assert_eq!(c.records, 2);
        let cols: Vec<_> = c.columns.iter().map(|c| (c.name.as_str(), c.data_type.as_str())).collect();
        assert_eq!(cols, [("id", "bigint"), ("region", "string"), ("amount", "double")]);
        assert!(c.reason.contains("$.records[*] selects 2 record(s)"), "{}", c.reason);

        // A top-level array: the built-ins cannot read it; the path $[*] can.
        let top: Classifier = JsonClassifier::new("top", "$[*]").unwrap().into();
        let c = classify_text_with(&text("[{\"a\": 1}, {\"a\": 2}, {\"a\": 3}]"), false, &[top.options()]);
        assert_eq!((c.classifier.as_str(), c.records), ("top", 3));

        // Not matching: the next classifier (here the built-in JSON one) decides; the trace says why.
        let c = classify_text_with(&text("{\"id\": 1}\n{\"id\": 2}\n"), false, &custom);
        assert_eq!((c.classifier.as_str(), c.json_path.as_deref()), ("built-in json", None));
        assert!(c.reason.contains("recs: the JsonPath $.records[*] selects nothing"), "{}", c.reason);
        let c = classify_text_with(&text("{\"records\": [1, 2]}"), false, &custom);
        assert!(c.reason.contains("selects a number, not JSON objects"), "{}", c.reason);
        let c = classify_text_with(&text("id,region\n1,NSW\n"), false, &custom);
        assert_eq!(c.classifier, "built-in csv");
        assert!(c.reason.contains("recs: not JSON"), "{}", c.reason);
    }
}
