//! The S3 API operations (`aws s3api ...`): typed inputs with S3's member names, answers as the
//! output structures the AWS CLI prints.

use std::collections::BTreeMap;

use puddle_api::ApiError;
use puddle_store::{ListObjectsV2Input, ObjectHead, ObjectInfo, PutObjectOptions};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::{
    errors::api,
    ops::{input, Streams},
    Lake,
};

/// The account's canonical owner, as ListBuckets prints it.
const OWNER_ID: &str = "puddle-123456789012";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BucketInput {
    bucket: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ObjectInput {
    bucket: String,
    key: String,
    version_id: Option<String>,
    range: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PutObjectInput {
    bucket: String,
    key: String,
    content_type: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
    storage_class: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CopyObjectInput {
    bucket: String,
    key: String,
    copy_source: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListObjectsV2Request {
    bucket: String,
    #[serde(default)]
    prefix: String,
    delimiter: Option<String>,
    max_keys: Option<i64>,
    continuation_token: Option<String>,
    start_after: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListObjectVersionsRequest {
    bucket: String,
    #[serde(default)]
    prefix: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VersioningConfiguration {
    status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PutBucketVersioningRequest {
    bucket: String,
    versioning_configuration: VersioningConfiguration,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PutBucketLifecycleRequest {
    bucket: String,
    lifecycle_configuration: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GlacierJobParameters {
    tier: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RestoreRequest {
    days: Option<i64>,
    glacier_job_parameters: Option<GlacierJobParameters>,
    tier: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RestoreObjectRequest {
    bucket: String,
    key: String,
    restore_request: Option<RestoreRequest>,
}

/// Runs one S3 operation. HEAD operations fail as the CLI reports them: a status code and its
/// reason (`(404) ... Not Found`), since a HEAD response has no body to carry S3's error code.
pub(crate) async fn call(
    lake: &Lake,
    operation: &str,
    input_value: Value,
    streams: &Streams,
) -> Result<Value, ApiError> {
    let result = run(lake, operation, input_value, streams).await;
    match (operation, result) {
        ("HeadObject" | "HeadBucket", Err(e)) => Err(head_error(e)),
        (_, r) => r,
    }
}

fn head_error(e: ApiError) -> ApiError {
    let (code, reason) = match e.code.as_str() {
        "NoSuchKey" | "NoSuchBucket" | "NoSuchVersion" | "NotFound" => ("404", "Not Found"),
        "AccessDenied" | "InvalidObjectState" => ("403", "Forbidden"),
        _ => ("400", "Bad Request"),
    };
    ApiError::new(code, reason)
}

async fn run(lake: &Lake, operation: &str, v: Value, streams: &Streams) -> Result<Value, ApiError> {
    let s3 = lake.s3();
    Ok(match operation {
        "CreateBucket" => {
            let i: BucketInput = input(v)?;
            api(s3.create_bucket(&i.bucket).await)?;
            json!({ "Location": format!("/{}", i.bucket) })
        }
        "DeleteBucket" => {
            api(s3.delete_bucket(&input::<BucketInput>(v)?.bucket).await)?;
            json!({})
        }
        "HeadBucket" => {
            api(s3.head_bucket(&input::<BucketInput>(v)?.bucket).await)?;
            json!({ "BucketRegion": "local", "AccessPointAlias": false })
        }
        "ListBuckets" => {
            let buckets = api(s3.list_buckets().await)?;
            let list: Vec<Value> = buckets
                .iter()
                .map(|b| json!({ "Name": b.name, "CreationDate": b.creation_date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true) }))
                .collect();
            json!({ "Buckets": list, "Owner": { "DisplayName": "puddle", "ID": OWNER_ID } })
        }
        "PutObject" => {
            let i: PutObjectInput = input(v)?;
            let data = streams.body.clone().unwrap_or_default();
            let options =
                PutObjectOptions { content_type: i.content_type, metadata: i.metadata, storage_class: i.storage_class };
            let info = api(s3.put_object_with(&i.bucket, &i.key, data, &options).await)?;
            let versioned = s3.head_object(&i.bucket, &i.key).await.ok().and_then(|h| h.version_id);
            let mut out = json!({ "ETag": info.e_tag, "ServerSideEncryption": "AES256" });
            if let Some(v) = versioned {
                out["VersionId"] = json!(v);
            }
            out
        }
        "GetObject" => get_object(lake, input(v)?, streams).await?,
        "HeadObject" => {
            let i: ObjectInput = input(v)?;
            match i.version_id {
                None => Value::Object(head_json(&api(s3.head_object(&i.bucket, &i.key).await)?)),
                Some(version) => {
                    let (_, h) = api(s3.get_object_version(&i.bucket, &i.key, &version).await)?;
                    let mut out = head_json(&h);
                    out.insert("VersionId".into(), json!(version));
                    Value::Object(out)
                }
            }
        }
        "DeleteObject" => {
            let i: ObjectInput = input(v)?;
            let outcome = api(s3.delete_object_version(&i.bucket, &i.key, i.version_id.as_deref()).await)?;
            let mut out = Map::new();
            if outcome.delete_marker {
                out.insert("DeleteMarker".into(), json!(true));
            }
            if let Some(v) = outcome.version_id {
                out.insert("VersionId".into(), json!(v));
            }
            Value::Object(out)
        }
        "PutBucketVersioning" => {
            let i: PutBucketVersioningRequest = input(v)?;
            let status = i.versioning_configuration.status.unwrap_or_default();
            api(s3.put_bucket_versioning(&i.bucket, &status).await)?;
            json!({})
        }
        "GetBucketVersioning" => {
            let status = api(s3.bucket_versioning(&input::<BucketInput>(v)?.bucket).await)?;
            status.as_status().map_or(json!({}), |st| json!({ "Status": st }))
        }
        "ListObjectVersions" => list_object_versions(lake, input(v)?).await?,
        "PutBucketLifecycleConfiguration" => {
            let i: PutBucketLifecycleRequest = input(v)?;
            let config = serde_json::from_value::<puddle_store::lifecycle::LifecycleConfiguration>(
                i.lifecycle_configuration.unwrap_or_else(|| json!({})),
            )
            .map_err(|e| {
                ApiError::new(
                    "MalformedXML",
                    format!("The XML you provided was not well-formed or did not validate against our published schema: {e}"),
                )
            })?;
            api(s3.put_bucket_lifecycle(&i.bucket, &config).await)?;
            json!({})
        }
        "GetBucketLifecycleConfiguration" => {
            let c = api(s3.bucket_lifecycle(&input::<BucketInput>(v)?.bucket).await)?;
            serde_json::to_value(c).unwrap_or_else(|_| json!({}))
        }
        "DeleteBucketLifecycle" => {
            api(s3.delete_bucket_lifecycle(&input::<BucketInput>(v)?.bucket).await)?;
            json!({})
        }
        "RestoreObject" => {
            let i: RestoreObjectRequest = input(v)?;
            let r = i.restore_request.ok_or_else(|| ApiError::new("MalformedXML", "RestoreRequest needs Days"))?;
            let days = r
                .days
                .and_then(|d| u32::try_from(d).ok())
                .ok_or_else(|| ApiError::new("MalformedXML", "RestoreRequest needs Days (a whole number of days)"))?;
            let tier = r.glacier_job_parameters.and_then(|g| g.tier).or(r.tier).unwrap_or_else(|| "Standard".into());
            api(s3.restore_object(&i.bucket, &i.key, days, &tier).await)?;
            json!({})
        }
        "CopyObject" => {
            let i: CopyObjectInput = input(v)?;
            let Some((src_bucket, src_key)) = i.copy_source.trim_start_matches('/').split_once('/') else {
                return Err(ApiError::new(
                    "InvalidArgument",
                    format!("Invalid copy source: '{}' must be BUCKET/KEY", i.copy_source),
                ));
            };
            let info = api(s3.copy_object(src_bucket, src_key, &i.bucket, &i.key).await)?;
            json!({ "CopyObjectResult": { "ETag": info.e_tag, "LastModified": time(&info) } })
        }
        "ListObjectsV2" => list_objects_v2(lake, input(v)?).await?,
        other => return Err(crate::ops::not_dispatched("s3api", other)),
    })
}

async fn get_object(lake: &Lake, i: ObjectInput, streams: &Streams) -> Result<Value, ApiError> {
    let s3 = lake.s3();
    let (body, head, content_range, version) = match (&i.version_id, &i.range) {
        (Some(version), _) => {
            let (body, head) = api(s3.get_object_version(&i.bucket, &i.key, version).await)?;
            (body, head, None, Some(version.clone()))
        }
        (None, Some(range)) => {
            let (first, last) = parse_range(range)?;
            let end = last.map_or(u64::MAX, |l| l.saturating_add(1));
            let (b, h) = api(s3.get_object_range(&i.bucket, &i.key, first..end).await)?;
            let content_range = format!("bytes {first}-{}/{}", (first + b.len() as u64).saturating_sub(1), h.info.size);
            (b, h, Some(content_range), None)
        }
        (None, None) => {
            let h = api(s3.head_object(&i.bucket, &i.key).await)?;
            (api(s3.get_object(&i.bucket, &i.key).await)?, h, None, None)
        }
    };
    let length = body.len();
    if let Some(outfile) = &streams.outfile {
        lake.local().write(outfile, body).await?;
    }
    let mut out = head_json(&head);
    out.insert("ContentLength".into(), json!(length));
    if let Some(r) = content_range {
        out.insert("ContentRange".into(), json!(r));
    }
    if let Some(v) = version {
        out.insert("VersionId".into(), json!(v));
    }
    Ok(Value::Object(out))
}

/// `bytes=0-99` or `bytes=100-`.
fn parse_range(text: &str) -> Result<(u64, Option<u64>), ApiError> {
    let bad = || {
        ApiError::new(
            "InvalidRange",
            format!("The requested range is not satisfiable: '{text}' (expected bytes=FIRST-LAST)"),
        )
    };
    let spec = text.strip_prefix("bytes=").ok_or_else(bad)?;
    let (first, last) = spec.split_once('-').ok_or_else(bad)?;
    let first = first.parse().map_err(|_| bad())?;
    let last = if last.is_empty() { None } else { Some(last.parse().map_err(|_| bad())?) };
    if last.is_some_and(|l| l < first) {
        return Err(bad());
    }
    Ok((first, last))
}

async fn list_object_versions(lake: &Lake, i: ListObjectVersionsRequest) -> Result<Value, ApiError> {
    let all = api(lake.s3().list_object_versions(&i.bucket, &i.prefix).await)?;
    let when = |t: &chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let owner = json!({ "DisplayName": "puddle", "ID": OWNER_ID });
    let (markers, versions): (Vec<_>, Vec<_>) = all.iter().partition(|v| v.is_delete_marker);
    let mut out = Map::new();
    if !versions.is_empty() {
        let list: Vec<Value> = versions
            .iter()
            .map(|v| json!({ "ETag": v.e_tag, "Size": v.size, "StorageClass": "STANDARD", "Key": v.key,
                "VersionId": v.version_id, "IsLatest": v.is_latest, "LastModified": when(&v.last_modified), "Owner": owner }))
            .collect();
        out.insert("Versions".into(), json!(list));
    }
    if !markers.is_empty() {
        let list: Vec<Value> = markers
            .iter()
            .map(|v| {
                json!({ "Owner": owner, "Key": v.key, "VersionId": v.version_id, "IsLatest": v.is_latest,
                "LastModified": when(&v.last_modified) })
            })
            .collect();
        out.insert("DeleteMarkers".into(), json!(list));
    }
    out.insert("Name".into(), json!(i.bucket));
    out.insert("Prefix".into(), json!(i.prefix));
    out.insert("MaxKeys".into(), json!(1000));
    out.insert("IsTruncated".into(), json!(false));
    Ok(Value::Object(out))
}

async fn list_objects_v2(lake: &Lake, i: ListObjectsV2Request) -> Result<Value, ApiError> {
    let max_keys = i.max_keys.map(|m| m.clamp(0, 1000) as usize);
    let list_input = ListObjectsV2Input {
        prefix: i.prefix.clone(),
        delimiter: i.delimiter.clone(),
        max_keys: max_keys.unwrap_or(1000),
        continuation_token: i.continuation_token,
        start_after: i.start_after,
    };
    let classes = lake.s3().storage_classes(&i.bucket).await.unwrap_or_default();
    let (contents, prefixes, next) = api(list_all(lake, &i.bucket, list_input, max_keys.is_none()).await)?;
    let mut out = Map::new();
    if !contents.is_empty() {
        let list: Vec<Value> = contents
            .iter()
            .map(|o| {
                json!({ "Key": o.key, "LastModified": time(o), "ETag": o.e_tag, "Size": o.size,
                "StorageClass": classes.get(&o.key).map(String::as_str).unwrap_or("STANDARD") })
            })
            .collect();
        out.insert("Contents".into(), json!(list));
    }
    if !prefixes.is_empty() {
        let list: Vec<Value> = prefixes.iter().map(|p| json!({ "Prefix": p })).collect();
        out.insert("CommonPrefixes".into(), json!(list));
    }
    out.insert("Name".into(), json!(i.bucket));
    out.insert("Prefix".into(), json!(i.prefix));
    if let Some(d) = &i.delimiter {
        out.insert("Delimiter".into(), json!(d));
    }
    out.insert("MaxKeys".into(), json!(max_keys.unwrap_or(1000)));
    out.insert("KeyCount".into(), json!(contents.len() + prefixes.len()));
    out.insert("IsTruncated".into(), json!(next.is_some()));
    if let Some(token) = next {
        out.insert("NextContinuationToken".into(), json!(token));
    }
    Ok(Value::Object(out))
}

/// Without `--max-keys` the CLI follows every page and prints them as one answer.
async fn list_all(
    lake: &Lake,
    bucket: &str,
    mut input: ListObjectsV2Input,
    all_pages: bool,
) -> puddle_store::Result<(Vec<ObjectInfo>, Vec<String>, Option<String>)> {
    let (mut contents, mut prefixes) = (Vec::new(), Vec::new());
    loop {
        let page = lake.s3().list_objects_v2(bucket, &input).await?;
        contents.extend(page.contents);
        prefixes.extend(page.common_prefixes);
        match page.next_continuation_token {
            Some(token) if all_pages => input.continuation_token = Some(token),
            next => return Ok((contents, prefixes, next)),
        }
    }
}

fn time(o: &ObjectInfo) -> String {
    o.last_modified.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn head_json(h: &ObjectHead) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("AcceptRanges".into(), json!("bytes"));
    out.insert("LastModified".into(), json!(time(&h.info)));
    out.insert("ContentLength".into(), json!(h.info.size));
    out.insert("ETag".into(), json!(h.info.e_tag));
    if let Some(t) = &h.content_type {
        out.insert("ContentType".into(), json!(t));
    }
    out.insert("ServerSideEncryption".into(), json!("AES256"));
    out.insert("Metadata".into(), json!(h.metadata));
    if h.storage_class != "STANDARD" {
        out.insert("StorageClass".into(), json!(h.storage_class));
    }
    if let Some(v) = &h.version_id {
        out.insert("VersionId".into(), json!(v));
    }
    if let Some(r) = &h.restore {
        out.insert("Restore".into(), json!(r));
    }
    out
}
