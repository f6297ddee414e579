//! Workgroups (output location, per-query data usage limit) and saved (named) queries,
//! persisted under `_meta/athena/workgroups/` and `_meta/athena/named-queries/`.

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde::{Deserialize, Serialize};

use crate::{executions::DEFAULT_WORKGROUP, Athena, Error, Result};

/// An Athena workgroup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkGroup {
    /// Name (`primary`, or 1–128 letters, digits, `.`, `_`, `-`).
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// `s3://...` folder for results; `None` uses the query's, or Athena's default bucket.
    pub output_location: Option<String>,
    /// Per-query data usage control: a query reading more is cancelled.
    pub bytes_scanned_cutoff_per_query: Option<u64>,
    /// Whether the workgroup's settings override the query's (`EnforceWorkGroupConfiguration`).
    pub enforce_configuration: bool,
    /// Creation time.
    pub creation_time: chrono::DateTime<chrono::Utc>,
}

/// A saved query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedQuery {
    /// Id (a UUID).
    pub id: String,
    /// Name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Database the query runs in.
    pub database: String,
    /// The SQL.
    pub query_string: String,
    /// Workgroup it is saved in.
    pub workgroup: String,
}

/// The smallest data usage limit Athena accepts (10 MB).
pub const MIN_BYTES_SCANNED_CUTOFF: u64 = 10_000_000;

fn workgroup_path(name: &str) -> Path {
    Path::from_iter(["_meta", "athena", "workgroups", &format!("{name}.json")])
}

fn named_query_path(id: &str) -> Path {
    Path::from_iter(["_meta", "athena", "named-queries", &format!("{id}.json")])
}

fn primary() -> WorkGroup {
    WorkGroup {
        name: DEFAULT_WORKGROUP.into(),
        description: String::new(),
        output_location: None,
        bytes_scanned_cutoff_per_query: None,
        enforce_configuration: false,
        creation_time: chrono::DateTime::UNIX_EPOCH,
    }
}

fn check_name(name: &str) -> Result<()> {
    let ok = (1..=128).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!("WorkGroup name '{name}' must be 1 to 128 letters, digits, '.', '_' or '-'")))
    }
}

impl Athena {
    /// CreateWorkGroup.
    pub async fn create_work_group(&self, mut group: WorkGroup) -> Result<WorkGroup> {
        check_name(&group.name)?;
        if group.name == DEFAULT_WORKGROUP {
            return Err(Error::InvalidRequest("WorkGroup is already created".into()));
        }
        if let Some(loc) = &group.output_location {
            loc.parse::<puddle_api::S3Uri>().map_err(|e| Error::InvalidRequest(e.to_string()))?;
        }
        if group.bytes_scanned_cutoff_per_query.is_some_and(|b| b < MIN_BYTES_SCANNED_CUTOFF) {
            return Err(Error::InvalidRequest(format!(
                "1 validation error detected: Value at 'configuration.bytesScannedCutoffPerQuery' failed to satisfy constraint: Member must have value greater than or equal to {MIN_BYTES_SCANNED_CUTOFF}"
            )));
        }
        group.creation_time = chrono::Utc::now();
        let opts = PutOptions { mode: PutMode::Create, ..Default::default() };
        let body = PutPayload::from(serde_json::to_vec(&group)?);
        match self.store().put_opts(&workgroup_path(&group.name), body, opts).await {
            Ok(_) => Ok(group),
            Err(object_store::Error::AlreadyExists { .. }) => {
                Err(Error::InvalidRequest("WorkGroup is already created".into()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// GetWorkGroup. `primary` always exists.
    pub async fn get_work_group(&self, name: &str) -> Result<WorkGroup> {
        if name == DEFAULT_WORKGROUP {
            return Ok(primary());
        }
        if check_name(name).is_err() {
            return Err(Error::InvalidRequest(format!("WorkGroup {name} is not found.")));
        }
        match self.store().get(&workgroup_path(name)).await {
            Ok(res) => Ok(serde_json::from_slice(&res.bytes().await?)?),
            Err(object_store::Error::NotFound { .. }) => {
                Err(Error::InvalidRequest(format!("WorkGroup {name} is not found.")))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// ListWorkGroups: `primary` and the created ones, by name.
    pub async fn list_work_groups(&self) -> Result<Vec<WorkGroup>> {
        let root = Path::from_iter(["_meta", "athena", "workgroups"]);
        let metas: Vec<_> = self.store().list(Some(&root)).try_collect().await?;
        let mut out = vec![primary()];
        for m in metas {
            out.push(serde_json::from_slice(&self.store().get(&m.location).await?.bytes().await?)?);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// DeleteWorkGroup (`primary` cannot be deleted).
    pub async fn delete_work_group(&self, name: &str) -> Result<()> {
        if name == DEFAULT_WORKGROUP {
            return Err(Error::InvalidRequest("Cannot delete primary workgroup".into()));
        }
        self.get_work_group(name).await?;
        self.store().delete(&workgroup_path(name)).await?;
        Ok(())
    }

    /// CreateNamedQuery.
    pub async fn create_named_query(
        &self,
        name: &str,
        description: &str,
        database: &str,
        query_string: &str,
        workgroup: Option<&str>,
    ) -> Result<NamedQuery> {
        let workgroup = self.get_work_group(workgroup.unwrap_or(DEFAULT_WORKGROUP)).await?.name;
        if name.is_empty() || query_string.trim().is_empty() || database.is_empty() {
            return Err(Error::InvalidRequest("Name, Database and QueryString must not be empty".into()));
        }
        let query = NamedQuery {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.into(),
            description: description.into(),
            database: database.into(),
            query_string: query_string.into(),
            workgroup,
        };
        self.store().put(&named_query_path(&query.id), PutPayload::from(serde_json::to_vec(&query)?)).await?;
        Ok(query)
    }

    /// GetNamedQuery.
    pub async fn get_named_query(&self, id: &str) -> Result<NamedQuery> {
        let missing = || Error::InvalidRequest(format!("NamedQuery {id} was not found"));
        if id.is_empty() || id.contains('/') {
            return Err(missing());
        }
        match self.store().get(&named_query_path(id)).await {
            Ok(res) => Ok(serde_json::from_slice(&res.bytes().await?)?),
            Err(object_store::Error::NotFound { .. }) => Err(missing()),
            Err(e) => Err(e.into()),
        }
    }

    /// ListNamedQueries of a workgroup (default `primary`), by name.
    pub async fn list_named_queries(&self, workgroup: Option<&str>) -> Result<Vec<NamedQuery>> {
        let workgroup = self.get_work_group(workgroup.unwrap_or(DEFAULT_WORKGROUP)).await?.name;
        let root = Path::from_iter(["_meta", "athena", "named-queries"]);
        let metas: Vec<_> = self.store().list(Some(&root)).try_collect().await?;
        let mut out = Vec::new();
        for m in metas {
            let q: NamedQuery = serde_json::from_slice(&self.store().get(&m.location).await?.bytes().await?)?;
            if q.workgroup == workgroup {
                out.push(q);
            }
        }
        out.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        Ok(out)
    }

    /// DeleteNamedQuery.
    pub async fn delete_named_query(&self, id: &str) -> Result<()> {
        self.get_named_query(id).await?;
        self.store().delete(&named_query_path(id)).await?;
        Ok(())
    }
}

impl WorkGroup {
    /// A workgroup with no output location and no data limit; settings enforced.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), enforce_configuration: true, ..primary() }
    }
}
