//! Lifecycle rules: transitions between storage classes and expiration after N days, run on
//! the lake's simulated clock.
//!
//! The configuration is kept in S3's JSON shape (what `put-bucket-lifecycle-configuration`
//! takes) at `_meta/bucket-config/<bucket>/lifecycle.json`. [`S3::apply_lifecycle`] looks at
//! every current object (and noncurrent version) and acts on the rules that are due; the lake
//! calls it whenever its clock moves.

use chrono::{DateTime, Utc};
use object_store::{path::Path, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};

use crate::{object_state::STORAGE_CLASSES, Error, Result, META_PREFIX, S3};

/// `LifecycleConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LifecycleConfiguration {
    /// The rules (1 to 1000).
    pub rules: Vec<LifecycleRule>,
}

/// One `Rule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LifecycleRule {
    /// Rule id.
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: String,
    /// Which objects (`{"Prefix": "logs/"}`; empty = all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<RuleFilter>,
    /// The older top-level `Prefix`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Transitions to other classes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<Transition>,
    /// Expiration of current versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Expiration>,
    /// Expiration of noncurrent versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_version_expiration: Option<NoncurrentVersionExpiration>,
}

/// `Filter`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct RuleFilter {
    /// Key prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// `Transition`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Transition {
    /// Days after creation.
    pub days: u32,
    /// Target class.
    pub storage_class: String,
}

/// `Expiration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Expiration {
    /// Days after creation.
    pub days: u32,
}

/// `NoncurrentVersionExpiration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NoncurrentVersionExpiration {
    /// Days after the version became noncurrent.
    pub noncurrent_days: u32,
}

/// What one lifecycle pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleReport {
    /// `(bucket, key, class)` transitions.
    pub transitioned: Vec<(String, String, String)>,
    /// `(bucket, key)` expirations of current versions.
    pub expired: Vec<(String, String)>,
    /// `(bucket, key, version)` noncurrent versions removed.
    pub noncurrent_expired: Vec<(String, String, String)>,
}

impl LifecycleRule {
    fn key_prefix(&self) -> &str {
        self.filter.as_ref().and_then(|f| f.prefix.as_deref()).or(self.prefix.as_deref()).unwrap_or("")
    }
}

/// Checks a configuration as S3 does.
pub fn validate(config: &LifecycleConfiguration) -> Result<()> {
    let bad = |m: String| Err(Error::MalformedXml { message: m });
    if config.rules.is_empty() || config.rules.len() > 1000 {
        return bad("a lifecycle configuration has 1 to 1000 rules".into());
    }
    for rule in &config.rules {
        let name = rule.id.clone().unwrap_or_default();
        if rule.status != "Enabled" && rule.status != "Disabled" {
            return bad(format!("rule '{name}': Status must be Enabled or Disabled"));
        }
        if rule.transitions.is_empty() && rule.expiration.is_none() && rule.noncurrent_version_expiration.is_none() {
            return bad(format!("rule '{name}': at least one action needs to be specified in a rule"));
        }
        for t in &rule.transitions {
            if !STORAGE_CLASSES[1..].contains(&t.storage_class.as_str()) {
                return bad(format!(
                    "rule '{name}': StorageClass '{}' is not one of {}",
                    t.storage_class,
                    STORAGE_CLASSES[1..].join(", ")
                ));
            }
            if matches!(t.storage_class.as_str(), "STANDARD_IA" | "ONEZONE_IA") && t.days < 30 {
                return Err(Error::InvalidArgument {
                    message: format!(
                        "'Days' in Transition action must be greater than or equal to 30 for storageClass '{}'",
                        t.storage_class
                    ),
                });
            }
        }
        if let (Some(e), Some(last)) = (&rule.expiration, rule.transitions.iter().map(|t| t.days).max()) {
            if e.days <= last {
                return Err(Error::InvalidArgument {
                    message: format!("rule '{name}': Expiration days must be later than the transition days"),
                });
            }
        }
    }
    Ok(())
}

fn config_path(bucket: &str) -> Path {
    Path::from_iter([META_PREFIX, "bucket-config", bucket, "lifecycle.json"])
}

/// Whole days from `from` to `now`.
fn age_days(from: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - from).num_days()
}

impl S3 {
    /// PutBucketLifecycleConfiguration (replaces the whole configuration).
    pub async fn put_bucket_lifecycle(&self, bucket: &str, config: &LifecycleConfiguration) -> Result<()> {
        self.head_bucket(bucket).await?;
        validate(config)?;
        let body = serde_json::to_vec(config).map_err(|e| Error::InvalidArgument { message: e.to_string() })?;
        self.store().put(&config_path(bucket), PutPayload::from(body)).await?;
        Ok(())
    }

    /// GetBucketLifecycleConfiguration.
    pub async fn bucket_lifecycle(&self, bucket: &str) -> Result<LifecycleConfiguration> {
        self.head_bucket(bucket).await?;
        match self.store().get(&config_path(bucket)).await {
            Ok(r) => {
                serde_json::from_slice(&r.bytes().await?).map_err(|e| Error::MalformedXml { message: e.to_string() })
            }
            Err(object_store::Error::NotFound { .. }) => {
                Err(Error::NoSuchLifecycleConfiguration { bucket: bucket.to_string() })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// DeleteBucketLifecycle.
    pub async fn delete_bucket_lifecycle(&self, bucket: &str) -> Result<()> {
        self.head_bucket(bucket).await?;
        match self.store().delete(&config_path(bucket)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Runs every enabled lifecycle rule of every bucket at the lake's current time.
    pub async fn apply_lifecycle(&self) -> Result<LifecycleReport> {
        let now = self.clock().now();
        let mut report = LifecycleReport::default();
        for bucket in self.list_buckets().await? {
            let config = match self.bucket_lifecycle(&bucket.name).await {
                Ok(c) => c,
                Err(Error::NoSuchLifecycleConfiguration { .. }) => continue,
                Err(e) => return Err(e),
            };
            for rule in config.rules.iter().filter(|r| r.status == "Enabled") {
                self.apply_rule(&bucket.name, rule, now, &mut report).await?;
            }
        }
        Ok(report)
    }

    async fn apply_rule(
        &self,
        bucket: &str,
        rule: &LifecycleRule,
        now: DateTime<Utc>,
        report: &mut LifecycleReport,
    ) -> Result<()> {
        let prefix = rule.key_prefix();
        let listing = self.list_objects(bucket, prefix, None).await?;
        let classes = self.storage_classes(bucket).await?;
        for object in &listing.objects {
            let age = age_days(object.last_modified, now);
            if rule.expiration.as_ref().is_some_and(|e| age >= e.days as i64) {
                self.delete_object_version(bucket, &object.key, None).await?;
                report.expired.push((bucket.to_string(), object.key.clone()));
                continue;
            }
            let current = classes.get(&object.key).map(String::as_str).unwrap_or("STANDARD");
            let due = rule.transitions.iter().filter(|t| age >= t.days as i64).max_by_key(|t| t.days);
            if let Some(t) = due {
                if rank(&t.storage_class) > rank(current) {
                    self.transition(bucket, object, &t.storage_class).await?;
                    report.transitioned.push((bucket.to_string(), object.key.clone(), t.storage_class.clone()));
                }
            }
        }
        if let Some(nve) = &rule.noncurrent_version_expiration {
            for v in self.list_object_versions(bucket, prefix).await? {
                if !v.is_latest && age_days(v.last_modified, now) >= nve.noncurrent_days as i64 {
                    self.delete_object_version(bucket, &v.key, Some(&v.version_id)).await?;
                    report.noncurrent_expired.push((bucket.to_string(), v.key, v.version_id));
                }
            }
        }
        Ok(())
    }
}

/// Order of classes along the transition waterfall (S3 only moves objects down it).
fn rank(class: &str) -> usize {
    ["STANDARD", "INTELLIGENT_TIERING", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"]
        .iter()
        .position(|c| *c == class)
        .unwrap_or(0)
}
