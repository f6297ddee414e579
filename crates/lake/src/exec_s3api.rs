//! `aws s3api ...`: one S3 operation, printed as the JSON the AWS CLI prints.

use bytes::Bytes;
use puddle_api::ExecOutput;
use puddle_cli::S3Api;
use puddle_store::{ListObjectsV2Input, ObjectHead, ObjectInfo, PutObjectOptions};
use serde_json::{json, Map, Value};

use crate::{
    exec::{json_output, service_failure},
    Lake,
};

/// The account's canonical owner, as ListBuckets prints it.
const OWNER_ID: &str = "puddle-123456789012";

/// Runs one s3api operation.
pub(crate) async fn run(lake: &Lake, api: S3Api) -> ExecOutput {
    let (operation, result) = match api {
        S3Api::CreateBucket { bucket } => {
            ("CreateBucket", lake.s3().create_bucket(&bucket).await.map(|_| Some(json!({ "Location": format!("/{bucket}") }))))
        }
        S3Api::DeleteBucket { bucket } => ("DeleteBucket", lake.s3().delete_bucket(&bucket).await.map(|_| None)),
        S3Api::HeadBucket { bucket } => (
            "HeadBucket",
            lake.s3().head_bucket(&bucket).await.map(|_| Some(json!({ "BucketRegion": "local", "AccessPointAlias": false }))),
        ),
        S3Api::ListBuckets => (
            "ListBuckets",
            lake.s3().list_buckets().await.map(|buckets| {
                let list: Vec<Value> = buckets
                    .iter()
                    .map(|b| json!({ "Name": b.name, "CreationDate": b.creation_date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true) }))
                    .collect();
                Some(json!({ "Buckets": list, "Owner": { "DisplayName": "puddle", "ID": OWNER_ID } }))
            }),
        ),
        S3Api::PutObject { bucket, key, body, content_type, metadata, storage_class } => {
            let data = match body {
                Some(file) => match lake.local().read(&file).await {
                    Ok(b) => b,
                    Err(e) => return usage_like(&format!("Error parsing parameter '--body': {}", e.message)),
                },
                None => Bytes::new(),
            };
            let options = PutObjectOptions { content_type, metadata, storage_class };
            let res = lake.s3().put_object_with(&bucket, &key, data, &options).await;
            let versioned = lake.s3().head_object(&bucket, &key).await.ok().and_then(|h| h.version_id);
            ("PutObject", res.map(|info| {
                let mut out = json!({ "ETag": info.e_tag, "ServerSideEncryption": "AES256" });
                if let Some(v) = versioned {
                    out["VersionId"] = json!(v);
                }
                Some(out)
            }))
        }
        S3Api::GetObject { bucket, key, range: _, outfile, version_id: Some(version) } => {
            match lake.s3().get_object_version(&bucket, &key, &version).await {
                Ok((body, head)) => {
                    let length = body.len();
                    if let Err(e) = lake.local().write(&outfile, body).await {
                        return service_failure("GetObject", &e.code, &e.message);
                    }
                    let mut out = head_json(&head);
                    out.insert("ContentLength".into(), json!(length));
                    out.insert("VersionId".into(), json!(version));
                    ("GetObject", Ok(Some(Value::Object(out))))
                }
                Err(e) => ("GetObject", Err(e)),
            }
        }
        S3Api::GetObject { bucket, key, range, outfile, version_id: None } => {
            let res = match range {
                Some((first, last)) => {
                    let end = last.map_or(u64::MAX, |l| l.saturating_add(1));
                    lake.s3().get_object_range(&bucket, &key, first..end).await.map(|(b, h)| {
                        let content_range = format!("bytes {first}-{}/{}", first + b.len() as u64 - 1, h.info.size);
                        (b, h, Some(content_range))
                    })
                }
                None => match lake.s3().head_object(&bucket, &key).await {
                    Ok(h) => lake.s3().get_object(&bucket, &key).await.map(|b| (b, h, None)),
                    Err(e) => Err(e),
                },
            };
            match res {
                Ok((body, head, content_range)) => {
                    let length = body.len();
                    if let Err(e) = lake.local().write(&outfile, body).await {
                        return service_failure("GetObject", &e.code, &e.message);
                    }
                    let mut out = head_json(&head);
                    out.insert("ContentLength".into(), json!(length));
                    if let Some(r) = content_range {
                        out.insert("ContentRange".into(), json!(r));
                    }
                    ("GetObject", Ok(Some(Value::Object(out))))
                }
                Err(e) => ("GetObject", Err(e)),
            }
        }
        S3Api::HeadObject { bucket, key, version_id: None } => {
            ("HeadObject", lake.s3().head_object(&bucket, &key).await.map(|h| Some(Value::Object(head_json(&h)))))
        }
        S3Api::HeadObject { bucket, key, version_id: Some(v) } => (
            "HeadObject",
            lake.s3().get_object_version(&bucket, &key, &v).await.map(|(_, h)| {
                let mut out = head_json(&h);
                out.insert("VersionId".into(), json!(v));
                Some(Value::Object(out))
            }),
        ),
        S3Api::DeleteObject { bucket, key, version_id } => (
            "DeleteObject",
            lake.s3().delete_object_version(&bucket, &key, version_id.as_deref()).await.map(|outcome| {
                let mut out = Map::new();
                if outcome.delete_marker {
                    out.insert("DeleteMarker".into(), json!(true));
                }
                if let Some(v) = outcome.version_id {
                    out.insert("VersionId".into(), json!(v));
                }
                (!out.is_empty()).then_some(Value::Object(out))
            }),
        ),
        S3Api::PutBucketVersioning { bucket, status } => (
            "PutBucketVersioning",
            lake.s3().put_bucket_versioning(&bucket, &status).await.map(|_| None),
        ),
        S3Api::GetBucketVersioning { bucket } => (
            "GetBucketVersioning",
            lake.s3().bucket_versioning(&bucket).await.map(|s| s.as_status().map(|st| json!({ "Status": st }))),
        ),
        S3Api::ListObjectVersions { bucket, prefix } => (
            "ListObjectVersions",
            lake.s3().list_object_versions(&bucket, &prefix).await.map(|all| {
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
                        .map(|v| json!({ "Owner": owner, "Key": v.key, "VersionId": v.version_id, "IsLatest": v.is_latest,
                            "LastModified": when(&v.last_modified) }))
                        .collect();
                    out.insert("DeleteMarkers".into(), json!(list));
                }
                out.insert("Name".into(), json!(bucket));
                out.insert("Prefix".into(), json!(prefix));
                out.insert("MaxKeys".into(), json!(1000));
                out.insert("IsTruncated".into(), json!(false));
                Some(Value::Object(out))
            }),
        ),
        S3Api::PutBucketLifecycleConfiguration { bucket, configuration } => {
            match serde_json::from_str::<puddle_store::lifecycle::LifecycleConfiguration>(&configuration) {
                Ok(config) => (
                    "PutBucketLifecycleConfiguration",
                    lake.s3().put_bucket_lifecycle(&bucket, &config).await.map(|_| None),
                ),
                Err(e) => {
                    return service_failure(
                        "PutBucketLifecycleConfiguration",
                        "MalformedXML",
                        &format!("The XML you provided was not well-formed or did not validate against our published schema: {e}"),
                    )
                }
            }
        }
        S3Api::GetBucketLifecycleConfiguration { bucket } => (
            "GetBucketLifecycleConfiguration",
            lake.s3().bucket_lifecycle(&bucket).await.map(|c| serde_json::to_value(c).ok()),
        ),
        S3Api::DeleteBucketLifecycle { bucket } => {
            ("DeleteBucketLifecycle", lake.s3().delete_bucket_lifecycle(&bucket).await.map(|_| None))
        }
        S3Api::RestoreObject { bucket, key, days, tier } => {
            ("RestoreObject", lake.s3().restore_object(&bucket, &key, days, &tier).await.map(|_| None))
        }
        S3Api::CopyObject { bucket, key, src_bucket, src_key } => (
            "CopyObject",
            lake.s3().copy_object(&src_bucket, &src_key, &bucket, &key).await.map(|info| {
                Some(json!({ "CopyObjectResult": { "ETag": info.e_tag, "LastModified": time(&info) } }))
            }),
        ),
        S3Api::ListObjectsV2 { bucket, prefix, delimiter, max_keys, continuation_token, start_after } => {
            let input = ListObjectsV2Input {
                prefix: prefix.clone(),
                delimiter: delimiter.clone(),
                max_keys: max_keys.unwrap_or(1000),
                continuation_token,
                start_after,
            };
            let classes = lake.s3().storage_classes(&bucket).await.unwrap_or_default();
            let res = list_all(lake, &bucket, input, max_keys.is_none()).await.map(|(contents, prefixes, next)| {
                let mut out = Map::new();
                if !contents.is_empty() {
                    let list: Vec<Value> = contents
                        .iter()
                        .map(|o| json!({ "Key": o.key, "LastModified": time(o), "ETag": o.e_tag, "Size": o.size,
                            "StorageClass": classes.get(&o.key).map(String::as_str).unwrap_or("STANDARD") }))
                        .collect();
                    out.insert("Contents".into(), json!(list));
                }
                if !prefixes.is_empty() {
                    let list: Vec<Value> = prefixes.iter().map(|p| json!({ "Prefix": p })).collect();
                    out.insert("CommonPrefixes".into(), json!(list));
                }
                out.insert("Name".into(), json!(bucket));
                out.insert("Prefix".into(), json!(prefix));
                if let Some(d) = &delimiter {
                    out.insert("Delimiter".into(), json!(d));
                }
                out.insert("MaxKeys".into(), json!(max_keys.unwrap_or(1000)));
                out.insert("KeyCount".into(), json!(contents.len() + prefixes.len()));
                out.insert("IsTruncated".into(), json!(next.is_some()));
                if let Some(token) = next {
                    out.insert("NextContinuationToken".into(), json!(token));
                }
                Some(Value::Object(out))
            });
            ("ListObjectsV2", res)
        }
    };
    match result {
        Ok(value) => json_output(value.as_ref()),
        Err(e) => service_failure(operation, e.code(), &e.to_string()),
    }
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

fn usage_like(message: &str) -> ExecOutput {
    ExecOutput { exit_code: 255, stdout: String::new(), stderr: format!("\n{message}\n") }
}
