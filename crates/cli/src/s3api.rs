//! `aws s3api <operation> --param value ...`

use std::collections::BTreeMap;

use crate::{
    params::{json_or_shorthand, json_param, Params},
    parse::usage,
    Command, S3Api, UsageError,
};

const OPERATIONS: &str = "copy-object | create-bucket | delete-bucket | delete-bucket-lifecycle | delete-object | \
get-bucket-lifecycle-configuration | get-bucket-versioning | get-object | head-bucket | head-object | list-buckets | \
list-object-versions | list-objects-v2 | put-bucket-lifecycle-configuration | put-bucket-versioning | put-object | \
restore-object";

/// Parses the arguments after `aws s3api`.
pub(crate) fn parse_s3api(args: &[&str]) -> Result<Command, UsageError> {
    let Some((op, args)) = args.split_first() else {
        return usage("the following arguments are required: operation");
    };
    let api = match *op {
        "create-bucket" => {
            let p = Params::parse(args, &["bucket", "create-bucket-configuration"])?;
            S3Api::CreateBucket { bucket: p.required("bucket")? }
        }
        "delete-bucket" => S3Api::DeleteBucket { bucket: Params::parse(args, &["bucket"])?.required("bucket")? },
        "head-bucket" => S3Api::HeadBucket { bucket: Params::parse(args, &["bucket"])?.required("bucket")? },
        "list-buckets" => {
            Params::parse(args, &[])?;
            S3Api::ListBuckets
        }
        "put-object" => {
            let p = Params::parse(args, &["bucket", "key", "body", "content-type", "metadata", "storage-class"])?;
            S3Api::PutObject {
                bucket: p.required("bucket")?,
                key: p.required("key")?,
                body: p.optional("body"),
                content_type: p.optional("content-type"),
                metadata: p.optional("metadata").map(|m| metadata(&m)).transpose()?.unwrap_or_default(),
                storage_class: p.optional("storage-class"),
            }
        }
        "get-object" => {
            let p = Params::parse(args, &["bucket", "key", "range", "version-id"])?;
            let [outfile] = p.positional.as_slice() else {
                return usage("the following arguments are required: outfile");
            };
            S3Api::GetObject {
                bucket: p.required("bucket")?,
                key: p.required("key")?,
                range: p.optional("range").map(|r| range(&r)).transpose()?,
                outfile: outfile.to_string(),
                version_id: p.optional("version-id"),
            }
        }
        "head-object" => {
            let p = Params::parse(args, &["bucket", "key", "version-id"])?;
            S3Api::HeadObject {
                bucket: p.required("bucket")?,
                key: p.required("key")?,
                version_id: p.optional("version-id"),
            }
        }
        "delete-object" => {
            let p = Params::parse(args, &["bucket", "key", "version-id"])?;
            S3Api::DeleteObject {
                bucket: p.required("bucket")?,
                key: p.required("key")?,
                version_id: p.optional("version-id"),
            }
        }
        "put-bucket-versioning" => {
            let p = Params::parse(args, &["bucket", "versioning-configuration"])?;
            let config = json_or_shorthand("versioning-configuration", &p.required("versioning-configuration")?)?;
            let Some(status) = config.get("Status").and_then(|s| s.as_str()) else {
                return usage("argument --versioning-configuration: expected Status=Enabled or Status=Suspended");
            };
            S3Api::PutBucketVersioning { bucket: p.required("bucket")?, status: status.to_string() }
        }
        "get-bucket-versioning" => {
            S3Api::GetBucketVersioning { bucket: Params::parse(args, &["bucket"])?.required("bucket")? }
        }
        "list-object-versions" => {
            let p = Params::parse(args, &["bucket", "prefix"])?;
            S3Api::ListObjectVersions {
                bucket: p.required("bucket")?,
                prefix: p.optional("prefix").unwrap_or_default(),
            }
        }
        "put-bucket-lifecycle-configuration" => {
            let p = Params::parse(args, &["bucket", "lifecycle-configuration"])?;
            let text = p.required("lifecycle-configuration")?;
            json_param("lifecycle-configuration", &text)?;
            S3Api::PutBucketLifecycleConfiguration { bucket: p.required("bucket")?, configuration: text }
        }
        "get-bucket-lifecycle-configuration" => {
            S3Api::GetBucketLifecycleConfiguration { bucket: Params::parse(args, &["bucket"])?.required("bucket")? }
        }
        "delete-bucket-lifecycle" => {
            S3Api::DeleteBucketLifecycle { bucket: Params::parse(args, &["bucket"])?.required("bucket")? }
        }
        "restore-object" => {
            let p = Params::parse(args, &["bucket", "key", "restore-request"])?;
            let request = restore_request(&p.required("restore-request")?)?;
            S3Api::RestoreObject {
                bucket: p.required("bucket")?,
                key: p.required("key")?,
                days: request.0,
                tier: request.1,
            }
        }
        "copy-object" => {
            let p = Params::parse(args, &["bucket", "key", "copy-source"])?;
            let source = p.required("copy-source")?;
            let Some((src_bucket, src_key)) = source.trim_start_matches('/').split_once('/') else {
                return usage(format!("argument --copy-source: '{source}' must be BUCKET/KEY"));
            };
            S3Api::CopyObject {
                bucket: p.required("bucket")?,
                key: p.required("key")?,
                src_bucket: src_bucket.to_string(),
                src_key: src_key.to_string(),
            }
        }
        "list-objects-v2" => {
            let p = Params::parse(
                args,
                &["bucket", "prefix", "delimiter", "max-keys", "continuation-token", "start-after"],
            )?;
            let max_keys = match p.optional("max-keys") {
                Some(v) => Some(
                    v.parse::<usize>().or_else(|_| usage(format!("argument --max-keys: invalid int value: '{v}'")))?,
                ),
                None => None,
            };
            S3Api::ListObjectsV2 {
                bucket: p.required("bucket")?,
                prefix: p.optional("prefix").unwrap_or_default(),
                delimiter: p.optional("delimiter"),
                max_keys,
                continuation_token: p.optional("continuation-token"),
                start_after: p.optional("start-after"),
            }
        }
        other => {
            return usage(format!("argument operation: Invalid choice '{other}', valid choices are:\n\n{OPERATIONS}"))
        }
    };
    Ok(Command::S3Api(api))
}

/// `Days=1,GlacierJobParameters={Tier=Standard}` or the JSON form.
fn restore_request(text: &str) -> Result<(u32, String), UsageError> {
    let bad = || UsageError {
        message: format!(
            "argument --restore-request: expected Days=N[,GlacierJobParameters={{Tier=Standard}}], got '{text}'"
        ),
    };
    let (days, tier) = if text.trim_start().starts_with('{') {
        let v = json_param("restore-request", text)?;
        let days = v.get("Days").and_then(|d| d.as_u64()).ok_or_else(bad)?;
        let tier = v.pointer("/GlacierJobParameters/Tier").and_then(|t| t.as_str()).unwrap_or("Standard").to_string();
        (days, tier)
    } else {
        let days = text
            .split(',')
            .find_map(|p| p.strip_prefix("Days="))
            .and_then(|d| d.parse::<u64>().ok())
            .ok_or_else(bad)?;
        let tier = text
            .split_once("Tier=")
            .map(|(_, t)| t.trim_end_matches(['}', ' ']).to_string())
            .unwrap_or_else(|| "Standard".into());
        (days, tier)
    };
    Ok((u32::try_from(days).map_err(|_| bad())?, tier))
}

/// `k=v,k2=v2` (shorthand) or `{"k":"v"}` (JSON).
fn metadata(text: &str) -> Result<BTreeMap<String, String>, UsageError> {
    let text = text.trim();
    if text.starts_with('{') {
        return parse_json_map(text)
            .ok_or_else(|| UsageError { message: format!("argument --metadata: invalid JSON map: {text}") });
    }
    text.split(',')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => usage(format!("argument --metadata: expected key=value pairs, got '{pair}'")),
        })
        .collect()
}

/// A flat JSON object of strings.
fn parse_json_map(text: &str) -> Option<BTreeMap<String, String>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    value.as_object()?.iter().map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect()
}

/// `bytes=0-99` or `bytes=100-`.
fn range(text: &str) -> Result<(u64, Option<u64>), UsageError> {
    let bad = || UsageError { message: format!("argument --range: expected bytes=FIRST-LAST, got '{text}'") };
    let spec = text.strip_prefix("bytes=").ok_or_else(bad)?;
    let (first, last) = spec.split_once('-').ok_or_else(bad)?;
    let first = first.parse().map_err(|_| bad())?;
    let last = if last.is_empty() { None } else { Some(last.parse().map_err(|_| bad())?) };
    if last.is_some_and(|l| l < first) {
        return Err(bad());
    }
    Ok((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn api(line: &str) -> S3Api {
        match parse(line) {
            Ok(Command::S3Api(a)) => a,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn operations() {
        assert_eq!(api("aws s3api create-bucket --bucket b-1"), S3Api::CreateBucket { bucket: "b-1".into() });
        assert_eq!(api("aws s3api list-buckets"), S3Api::ListBuckets);
        let S3Api::PutObject { body, content_type, metadata, .. } = api(
            "aws s3api put-object --bucket b-1 --key a/b.csv --body sales.csv --content-type text/csv --metadata owner=me,team=x",
        ) else {
            panic!()
        };
        assert_eq!((body.as_deref(), content_type.as_deref()), (Some("sales.csv"), Some("text/csv")));
        assert_eq!(metadata.len(), 2);
        let S3Api::PutObject { metadata, .. } =
            api(r#"aws s3api put-object --bucket b --key k --metadata '{"owner":"me"}'"#)
        else {
            panic!()
        };
        assert_eq!(metadata.get("owner").map(String::as_str), Some("me"));
        assert_eq!(
            api("aws s3api get-object --bucket b --key k --range bytes=0-9 out.csv"),
            S3Api::GetObject {
                bucket: "b".into(),
                key: "k".into(),
                range: Some((0, Some(9))),
                outfile: "out.csv".into(),
                version_id: None,
            }
        );
        assert_eq!(
            api("aws s3api put-bucket-versioning --bucket b --versioning-configuration Status=Enabled"),
            S3Api::PutBucketVersioning { bucket: "b".into(), status: "Enabled".into() }
        );
        assert_eq!(
            api(
                "aws s3api restore-object --bucket b --key k --restore-request Days=2,GlacierJobParameters={Tier=Bulk}"
            ),
            S3Api::RestoreObject { bucket: "b".into(), key: "k".into(), days: 2, tier: "Bulk".into() }
        );
        assert_eq!(
            api(r#"aws s3api restore-object --bucket b --key k --restore-request '{"Days":1}'"#),
            S3Api::RestoreObject { bucket: "b".into(), key: "k".into(), days: 1, tier: "Standard".into() }
        );
        assert!(crate::parse("aws s3api put-bucket-lifecycle-configuration --bucket b --lifecycle-configuration '{x'")
            .unwrap_err()
            .to_string()
            .contains("Invalid JSON"));
        assert!(crate::parse("aws s3api restore-object --bucket b --key k --restore-request Tier=Bulk")
            .unwrap_err()
            .to_string()
            .contains("Days=N"));
        assert_eq!(
            crate::parse("puddle clock advance --days 30 --hours 2"),
            Ok(Command::ClockAdvance { minutes: 30 * 1440 + 120 })
        );
        assert_eq!(crate::parse("puddle clock"), Ok(Command::ClockShow));
        assert!(crate::parse("puddle clock advance --days -3").unwrap_err().to_string().contains("whole number"));
        assert!(crate::parse("puddle clock advance").unwrap_err().to_string().contains("needs --days"));
        assert_eq!(
            api("aws s3api copy-object --bucket b --key k2 --copy-source src-b/dir/k"),
            S3Api::CopyObject {
                bucket: "b".into(),
                key: "k2".into(),
                src_bucket: "src-b".into(),
                src_key: "dir/k".into()
            }
        );
        let S3Api::ListObjectsV2 { max_keys, prefix, .. } =
            api("aws s3api list-objects-v2 --bucket b --prefix sales/ --max-keys=2")
        else {
            panic!()
        };
        assert_eq!((max_keys, prefix.as_str()), (Some(2), "sales/"));
    }

    #[test]
    fn usage_errors() {
        let err = |line: &str| parse(line).unwrap_err().message;
        assert!(err("aws s3api put-object --key k").contains("required: --bucket"));
        assert!(err("aws s3api get-object --bucket b --key k").contains("required: outfile"));
        assert!(err("aws s3api get-object --bucket b --key k --range 5-1 o").contains("bytes=FIRST-LAST"));
        assert!(err("aws s3api list-objects-v2 --bucket b --max-keys ten").contains("invalid int value"));
        assert!(err("aws s3api put-object --bucket").contains("expected one argument"));
        assert!(err("aws s3api put-object --bucket b --key k --bogus 1").contains("Unknown options: --bogus"));
        assert!(err("aws s3api frob").contains("Invalid choice 'frob'"));
        assert!(err("aws s3api copy-object --bucket b --key k --copy-source nokey").contains("BUCKET/KEY"));
        assert!(err("aws s3api put-object --bucket b --key k --metadata '{bad'").contains("invalid JSON"));
    }
}
