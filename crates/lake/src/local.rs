//! The terminal's local folder: files the user picked or dropped, plus the course samples.
//!
//! Files live in the lake's store under `_meta/local/<path>`, so they survive reloads. The sample
//! datasets are virtual: generated on read from `puddle-datagen`, always present, read-only
//! (a file of the same name written by the user shadows the sample).

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use object_store::{
    path::Path, Attribute, Attributes, GetOptions, ObjectStore, ObjectStoreExt, PutOptions, PutPayload,
};
use puddle_api::ApiError;

const ROOT: [&str; 2] = ["_meta", "local"];

/// Attribute holding a file's own last-modified time (set by downloads).
const MTIME: &str = "puddle-mtime";

/// Last-modified time of the course samples.
pub const SAMPLE_TIME: &str = "2025-01-01T00:00:00Z";

/// Virtual sample files: (name, rows, json lines?).
const SAMPLES: [(&str, u64, bool); 5] = [
    ("sales.csv", 1_000, false),
    ("sales.json", 1_000, true),
    ("sales-10k.csv", 10_000, false),
    ("sales-100k.csv", 100_000, false),
    ("sales-10k.json", 10_000, true),
];

/// One file of the local folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// Path relative to the folder (`sales.csv`, `data/a.csv`).
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Whether it is a generated course sample.
    pub sample: bool,
}

/// The local folder of one lake.
#[derive(Debug, Clone)]
pub struct LocalFolder {
    store: Arc<dyn ObjectStore>,
}

impl LocalFolder {
    /// The folder kept in `store`.
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self { store }
    }

    /// Normalizes a user path: `./a/b.csv` -> `a/b.csv`; rejects `..` and empty names.
    pub fn normalize(name: &str) -> Result<String, ApiError> {
        let trimmed = name.trim().trim_start_matches("~/").trim_start_matches('/');
        let parts: Vec<&str> = trimmed.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
        if parts.contains(&"..") {
            return Err(ApiError::new(
                "InvalidArgument",
                format!("'{name}': paths outside the local folder are not allowed"),
            ));
        }
        Ok(parts.join("/"))
    }

    fn path(name: &str) -> Result<Path, ApiError> {
        let full = format!("{}/{}/{name}", ROOT[0], ROOT[1]);
        Path::parse(&full)
            .map_err(|e| ApiError::new("InvalidArgument", format!("'{name}' is not a valid file name: {e}")))
    }

    /// Writes (or replaces) a file.
    pub async fn write(&self, name: &str, body: Bytes) -> Result<LocalFile, ApiError> {
        let name = Self::normalize(name)?;
        if name.is_empty() {
            return Err(ApiError::new("InvalidArgument", "a file name is required"));
        }
        let size = body.len() as u64;
        self.store.put(&Self::path(&name)?, PutPayload::from_bytes(body)).await.map_err(store_error)?;
        Ok(LocalFile { name, size, sample: false })
    }

    /// Writes a file whose last-modified time is `modified` rather than now (what a download
    /// does, so that `aws s3 sync` sees the copy as up to date, like the CLI setting a file's mtime).
    pub async fn write_with_mtime(
        &self,
        name: &str,
        body: Bytes,
        modified: DateTime<Utc>,
    ) -> Result<LocalFile, ApiError> {
        let name = Self::normalize(name)?;
        if name.is_empty() {
            return Err(ApiError::new("InvalidArgument", "a file name is required"));
        }
        let size = body.len() as u64;
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::Metadata(MTIME.into()), modified.to_rfc3339().into());
        let opts = PutOptions { attributes, ..Default::default() };
        self.store.put_opts(&Self::path(&name)?, PutPayload::from_bytes(body), opts).await.map_err(store_error)?;
        Ok(LocalFile { name, size, sample: false })
    }

    /// A file's last-modified time: the one given to [`Self::write_with_mtime`], else when it
    /// was written; course samples date from [`SAMPLE_TIME`].
    pub async fn modified(&self, name: &str) -> Result<DateTime<Utc>, ApiError> {
        let name = Self::normalize(name)?;
        let opts = GetOptions { head: true, ..Default::default() };
        match self.store.get_opts(&Self::path(&name)?, opts).await {
            Ok(res) => Ok(res
                .attributes
                .get(&Attribute::Metadata(MTIME.into()))
                .and_then(|v| DateTime::parse_from_rfc3339(v.as_ref()).ok())
                .map_or(res.meta.last_modified, |t| t.with_timezone(&Utc))),
            Err(object_store::Error::NotFound { .. }) if SAMPLES.iter().any(|(n, ..)| *n == name) => {
                Ok(DateTime::parse_from_rfc3339(SAMPLE_TIME).map(|t| t.with_timezone(&Utc)).unwrap_or_default())
            }
            Err(object_store::Error::NotFound { .. }) => {
                Err(ApiError::new("FileNotFound", format!("The user-provided path {name} does not exist.")))
            }
            Err(e) => Err(store_error(e)),
        }
    }

    /// Reads a file (or generates a sample).
    pub async fn read(&self, name: &str) -> Result<Bytes, ApiError> {
        let name = Self::normalize(name)?;
        match self.store.get(&Self::path(&name)?).await {
            Ok(res) => return res.bytes().await.map_err(store_error),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(store_error(e)),
        }
        match SAMPLES.iter().find(|(n, ..)| *n == name) {
            Some((_, rows, true)) => Ok(puddle_datagen::sales_json_lines(*rows).into()),
            Some((_, rows, false)) => Ok(puddle_datagen::sales_csv(*rows).into()),
            None => Err(ApiError::new("FileNotFound", format!("The user-provided path {name} does not exist."))),
        }
    }

    /// Every file (user files first shadow samples), sorted by name; under `dir` when given.
    pub async fn list(&self, dir: &str) -> Result<Vec<LocalFile>, ApiError> {
        let dir = Self::normalize(dir)?;
        let root = Path::from_iter(ROOT);
        let metas: Vec<_> = self.store.list(Some(&root)).try_collect().await.map_err(store_error)?;
        let strip = root.as_ref().len() + 1;
        let mut files: Vec<LocalFile> = metas
            .into_iter()
            .filter_map(|m| {
                let name = m.location.as_ref().get(strip..)?.to_string();
                Some(LocalFile { name, size: m.size, sample: false })
            })
            .collect();
        for ((name, ..), size) in SAMPLES.iter().zip(sample_sizes()) {
            if !files.iter().any(|f| f.name == *name) {
                files.push(LocalFile { name: name.to_string(), size: *size, sample: true });
            }
        }
        files.retain(|f| dir.is_empty() || f.name.starts_with(&format!("{dir}/")));
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(files)
    }

    /// Deletes a user file (samples cannot be deleted).
    pub async fn delete(&self, name: &str) -> Result<(), ApiError> {
        let name = Self::normalize(name)?;
        self.store.delete(&Self::path(&name)?).await.map_err(store_error)
    }
}

/// Exact sizes of the samples, computed once.
fn sample_sizes() -> &'static [u64; SAMPLES.len()] {
    static SIZES: std::sync::OnceLock<[u64; SAMPLES.len()]> = std::sync::OnceLock::new();
    SIZES.get_or_init(|| {
        SAMPLES.map(|(_, rows, json)| {
            let bytes = if json { puddle_datagen::sales_json_lines(rows) } else { puddle_datagen::sales_csv(rows) };
            bytes.len() as u64
        })
    })
}

/// The S3 layer's reading of a storage failure (a full browser store is `QuotaExceeded`).
fn store_error(e: object_store::Error) -> ApiError {
    crate::errors::IntoApiError::into_api(puddle_store::Error::from(e))
}

#[cfg(test)]
mod tests {
    use object_store::memory::InMemory;

    use super::*;

    #[tokio::test]
    async fn files_samples_and_paths() {
        let local = LocalFolder::new(Arc::new(InMemory::new()));
        let sample = local.read("sales.csv").await.unwrap();
        assert!(sample.starts_with(b"id,region,product,amount,ts\n"));
        assert_eq!(sample.iter().filter(|b| **b == b'\n').count(), 1001);
        local.write("./data/mine.csv", Bytes::from_static(b"a\n1\n")).await.unwrap();
        assert_eq!(&local.read("data/mine.csv").await.unwrap()[..], b"a\n1\n");
        let names: Vec<_> = local.list("").await.unwrap().into_iter().map(|f| f.name).collect();
        assert_eq!(names[0], "data/mine.csv");
        assert!(names.contains(&"sales-100k.csv".to_string()));
        assert_eq!(local.list("data").await.unwrap().len(), 1);
        assert_eq!(local.read("nope.csv").await.unwrap_err().code, "FileNotFound");
        assert_eq!(local.write("../etc/passwd", Bytes::new()).await.unwrap_err().code, "InvalidArgument");
        // A user file shadows the sample of the same name.
        local.write("sales.csv", Bytes::from_static(b"x\n")).await.unwrap();
        assert_eq!(&local.read("sales.csv").await.unwrap()[..], b"x\n");
        assert!(!local.list("").await.unwrap().iter().find(|f| f.name == "sales.csv").unwrap().sample);
    }

    #[tokio::test]
    async fn modification_times() {
        let local = LocalFolder::new(Arc::new(InMemory::new()));
        assert_eq!(local.modified("sales.json").await.unwrap().to_rfc3339(), "2025-01-01T00:00:00+00:00");
        let before = Utc::now();
        local.write("a.csv", Bytes::from_static(b"a")).await.unwrap();
        assert!(local.modified("a.csv").await.unwrap() >= before);
        let then = DateTime::parse_from_rfc3339("2024-03-01T10:00:00Z").unwrap().with_timezone(&Utc);
        local.write_with_mtime("./b.csv", Bytes::from_static(b"bb"), then).await.unwrap();
        assert_eq!(local.modified("b.csv").await.unwrap(), then);
        assert_eq!(&local.read("b.csv").await.unwrap()[..], b"bb");
        // A later plain write is modified now again.
        local.write("b.csv", Bytes::from_static(b"b")).await.unwrap();
        assert!(local.modified("b.csv").await.unwrap() >= before);
        assert_eq!(local.modified("nope.csv").await.unwrap_err().code, "FileNotFound");
    }
}
