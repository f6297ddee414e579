//! Object-level S3 operations beyond put/get: HeadObject, ranged GetObject, CopyObject,
//! user metadata, and ListObjectsV2 paging.

use std::collections::BTreeMap;

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::{
    path::Path, Attribute, AttributeValue, Attributes, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutOptions,
    PutPayload,
};

use crate::{
    s3::{object_path, quote_etag as quote},
    Error, ObjectInfo, Result, S3,
};

/// Prefix of user metadata attributes (`x-amz-meta-*`) in the store.
const USER_META: &str = "x-amz-meta-";

/// What HeadObject returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectHead {
    /// Size, last modification and quoted ETag.
    pub info: ObjectInfo,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// Storage class (`STANDARD` unless set).
    pub storage_class: String,
    /// User metadata (`x-amz-meta-*` without the prefix, lowercase keys).
    pub metadata: BTreeMap<String, String>,
    /// Version id, in a bucket that has had versioning enabled.
    pub version_id: Option<String>,
    /// The `x-amz-restore` header of an archived object being or having been restored.
    pub restore: Option<String>,
}

/// Optional settings of a PutObject.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutObjectOptions {
    /// `Content-Type`; guessed from the key when absent.
    pub content_type: Option<String>,
    /// User metadata.
    pub metadata: BTreeMap<String, String>,
    /// Storage class (`STANDARD` when absent).
    pub storage_class: Option<String>,
}

/// Input of ListObjectsV2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListObjectsV2Input {
    /// Keys starting with this string.
    pub prefix: String,
    /// Groups keys into common prefixes at this delimiter.
    pub delimiter: Option<String>,
    /// Page size: objects plus common prefixes (S3 caps it at 1000).
    pub max_keys: usize,
    /// Token from the previous page.
    pub continuation_token: Option<String>,
    /// Only keys after this one.
    pub start_after: Option<String>,
}

impl Default for ListObjectsV2Input {
    fn default() -> Self {
        Self { prefix: String::new(), delimiter: None, max_keys: 1000, continuation_token: None, start_after: None }
    }
}

/// One page of ListObjectsV2.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListObjectsV2Page {
    /// Objects of this page, in UTF-8 binary order.
    pub contents: Vec<ObjectInfo>,
    /// Common prefixes of this page.
    pub common_prefixes: Vec<String>,
    /// Whether more pages follow.
    pub is_truncated: bool,
    /// Pass as `continuation_token` to get the next page.
    pub next_continuation_token: Option<String>,
}

impl S3 {
    /// PutObject with a content type, user metadata and storage class.
    pub async fn put_object_with(
        &self,
        bucket: &str,
        key: &str,
        body: Bytes,
        options: &PutObjectOptions,
    ) -> Result<ObjectInfo> {
        self.head_bucket(bucket).await?;
        object_path(bucket, key)?;
        let class = options.storage_class.as_deref().unwrap_or("STANDARD");
        if !crate::object_state::STORAGE_CLASSES.contains(&class) {
            return Err(Error::InvalidArgument { message: format!("Invalid storage class '{class}'") });
        }
        let mut attributes = Attributes::new();
        let content_type = options.content_type.clone().unwrap_or_else(|| crate::guess_content_type(key).to_string());
        attributes.insert(Attribute::ContentType, content_type.into());
        for (k, v) in &options.metadata {
            attributes
                .insert(Attribute::Metadata(format!("{USER_META}{}", k.to_ascii_lowercase()).into()), v.clone().into());
        }
        let info = self.write_current(bucket, key, body, attributes, "ObjectCreated:Put").await?;
        if class != "STANDARD" {
            let state = crate::object_state::ObjectState { storage_class: class.to_string(), ..Default::default() };
            self.save_object_state(bucket, key, &state).await?;
        }
        Ok(info)
    }

    /// Writes a new current version of `bucket/key` (keeping the old one when versioning asks
    /// for it) and publishes `event`.
    async fn write_current(
        &self,
        bucket: &str,
        key: &str,
        body: Bytes,
        mut attributes: Attributes,
        event: &str,
    ) -> Result<ObjectInfo> {
        let path = object_path(bucket, key)?;
        let size = body.len() as u64;
        let version_id = self.archive_current(bucket, key).await?;
        attributes.remove(&Attribute::Metadata(crate::versioning::VERSION_ATTR.into()));
        if let Some(v) = &version_id {
            attributes.insert(Attribute::Metadata(crate::versioning::VERSION_ATTR.into()), v.clone().into());
        }
        let opts = PutOptions { attributes, ..Default::default() };
        let res = self.store().put_opts(&path, PutPayload::from_bytes(body), opts).await?;
        self.forget_object_state(bucket, key).await?;
        let meta = self.store().head(&path).await?;
        let e_tag = res.e_tag.map(quote);
        self.publish(bucket, key, event, size, e_tag.clone(), version_id);
        Ok(ObjectInfo { key: key.to_string(), size, last_modified: self.clock().to_lake(meta.last_modified), e_tag })
    }

    /// HeadObject: metadata without the body.
    pub async fn head_object(&self, bucket: &str, key: &str) -> Result<ObjectHead> {
        let res = self.get_opts(bucket, key, GetOptions { head: true, ..Default::default() }).await?;
        self.head_from(key, &res.meta, &res.attributes, bucket).await
    }

    /// GetObject of the bytes `range` (`start..end`, end exclusive, clamped to the size).
    pub async fn get_object_range(
        &self,
        bucket: &str,
        key: &str,
        range: std::ops::Range<u64>,
    ) -> Result<(Bytes, ObjectHead)> {
        if range.start >= range.end {
            return Err(Error::InvalidRange {
                message: format!("bytes={}-{} is empty", range.start, range.end.saturating_sub(1)),
            });
        }
        let opts = GetOptions { range: Some(GetRange::Bounded(range.clone())), ..Default::default() };
        let res = match self.get_opts(bucket, key, opts).await {
            Ok(res) => res,
            Err(Error::Store(object_store::Error::Generic { source, .. })) => {
                return Err(Error::InvalidRange { message: source.to_string() })
            }
            Err(e) => return Err(e),
        };
        self.check_readable(bucket, key).await?;
        let head = self.head_from(key, &res.meta, &res.attributes, bucket).await?;
        Ok((res.bytes().await?, head))
    }

    /// CopyObject: copies body and metadata; the copy gets a new Last-Modified.
    pub async fn copy_object(
        &self,
        src_bucket: &str,
        src_key: &str,
        dst_bucket: &str,
        dst_key: &str,
    ) -> Result<ObjectInfo> {
        self.head_bucket(dst_bucket).await?;
        let res = self.get_opts(src_bucket, src_key, GetOptions::default()).await?;
        self.check_readable(src_bucket, src_key).await?;
        let attributes = res.attributes.clone();
        let body = res.bytes().await?;
        self.write_current(dst_bucket, dst_key, body, attributes, "ObjectCreated:Copy").await
    }

    /// ListObjectsV2, one page.
    pub async fn list_objects_v2(&self, bucket: &str, input: &ListObjectsV2Input) -> Result<ListObjectsV2Page> {
        self.head_bucket(bucket).await?;
        if input.max_keys == 0 {
            return Ok(ListObjectsV2Page::default());
        }
        let marker = match &input.continuation_token {
            Some(t) => Some(Marker::decode(t)?),
            None => input.start_after.clone().map(Marker::Key),
        };
        let folder = match input.prefix.rsplit_once('/') {
            Some((dir, _)) if !dir.is_empty() => format!("{bucket}/{dir}"),
            _ => bucket.to_string(),
        };
        let mut metas: Vec<_> = self.store().list(Some(&Path::from(folder.as_str()))).try_collect().await?;
        metas.sort_by(|a, b| a.location.as_ref().as_bytes().cmp(b.location.as_ref().as_bytes()));
        let strip = bucket.len() + 1;
        let mut page = ListObjectsV2Page::default();
        let mut last: Option<Marker> = None;
        let mut n = 0;
        for meta in metas {
            let Some(key) = meta.location.as_ref().get(strip..) else { continue };
            let Some(rest) = key.strip_prefix(input.prefix.as_str()) else { continue };
            if marker.as_ref().is_some_and(|m| !m.before(key)) {
                continue;
            }
            let group = input
                .delimiter
                .as_deref()
                .filter(|d| !d.is_empty())
                .and_then(|d| rest.find(d).map(|pos| format!("{}{}", input.prefix, &rest[..pos + d.len()])));
            if let (Some(g), Some(Marker::Prefix(p))) = (&group, &last) {
                if g == p {
                    continue; // same common prefix as the entry before
                }
            }
            if n == input.max_keys {
                page.is_truncated = true;
                page.next_continuation_token = last.as_ref().map(Marker::encode);
                break;
            }
            n += 1;
            match group {
                Some(g) => {
                    page.common_prefixes.push(g.clone());
                    last = Some(Marker::Prefix(g));
                }
                None => {
                    page.contents.push(ObjectInfo {
                        key: key.to_string(),
                        size: meta.size,
                        last_modified: self.clock().to_lake(meta.last_modified),
                        e_tag: meta.e_tag.clone().map(quote),
                    });
                    last = Some(Marker::Key(key.to_string()));
                }
            }
        }
        Ok(page)
    }

    pub(crate) async fn get_opts(&self, bucket: &str, key: &str, opts: GetOptions) -> Result<object_store::GetResult> {
        self.head_bucket(bucket).await?;
        let path = object_path(bucket, key)?;
        match self.store().get_opts(&path, opts).await {
            Ok(res) => Ok(res),
            Err(object_store::Error::NotFound { .. }) => {
                Err(Error::NoSuchKey { bucket: bucket.to_string(), key: key.to_string() })
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Where a listing resumes: after a key, or after every key of a common prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Marker {
    Key(String),
    Prefix(String),
}

impl Marker {
    /// Whether `key` comes after the marker.
    fn before(&self, key: &str) -> bool {
        match self {
            Marker::Key(k) => key.as_bytes() > k.as_bytes(),
            Marker::Prefix(p) => key.as_bytes() > p.as_bytes() && !key.starts_with(p.as_str()),
        }
    }

    fn encode(&self) -> String {
        let (tag, s) = match self {
            Marker::Key(k) => ('k', k),
            Marker::Prefix(p) => ('p', p),
        };
        let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
        format!("{tag}{hex}")
    }

    fn decode(token: &str) -> Result<Self> {
        let invalid = || Error::InvalidArgument { message: "The continuation token provided is incorrect".into() };
        let (tag, hex) = token.split_at_checked(1).ok_or_else(invalid)?;
        if hex.len() % 2 != 0 || !hex.is_ascii() {
            return Err(invalid());
        }
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| invalid()))
            .collect::<Result<Vec<u8>>>()?;
        let s = String::from_utf8(bytes).map_err(|_| invalid())?;
        match tag {
            "k" => Ok(Marker::Key(s)),
            "p" => Ok(Marker::Prefix(s)),
            _ => Err(invalid()),
        }
    }
}

pub(crate) fn head_of(key: &str, meta: &object_store::ObjectMeta, attributes: &Attributes) -> ObjectHead {
    let text = |v: &AttributeValue| v.as_ref().to_string();
    let metadata = attributes
        .iter()
        .filter_map(|(k, v)| match k {
            Attribute::Metadata(name) => name.strip_prefix(USER_META).map(|n| (n.to_string(), text(v))),
            _ => None,
        })
        .collect();
    ObjectHead {
        info: ObjectInfo {
            key: key.to_string(),
            size: meta.size,
            last_modified: meta.last_modified,
            e_tag: meta.e_tag.clone().map(quote),
        },
        content_type: attributes.get(&Attribute::ContentType).map(text),
        storage_class: attributes.get(&Attribute::StorageClass).map(text).unwrap_or_else(|| "STANDARD".into()),
        metadata,
        version_id: None,
        restore: None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use object_store::memory::InMemory;

    use super::*;

    async fn s3_with(keys: &[&str]) -> S3 {
        let s3 = S3::new(Arc::new(InMemory::new()));
        s3.create_bucket("b-1").await.unwrap();
        for k in keys {
            s3.put_object("b-1", k, Bytes::from(k.to_string())).await.unwrap();
        }
        s3
    }

    #[tokio::test]
    async fn head_range_copy_and_metadata() {
        let s3 = s3_with(&[]).await;
        let options = PutObjectOptions {
            content_type: Some("text/csv".into()),
            metadata: [("Owner".to_string(), "course".to_string())].into(),
            storage_class: None,
        };
        s3.put_object_with("b-1", "a.csv", Bytes::from_static(b"0123456789"), &options).await.unwrap();
        let head = s3.head_object("b-1", "a.csv").await.unwrap();
        assert_eq!(head.info.size, 10);
        assert_eq!(head.content_type.as_deref(), Some("text/csv"));
        assert_eq!(head.storage_class, "STANDARD");
        assert_eq!(head.metadata.get("owner").map(String::as_str), Some("course"));

        let (part, _) = s3.get_object_range("b-1", "a.csv", 2..5).await.unwrap();
        assert_eq!(&part[..], b"234");
        let (tail, _) = s3.get_object_range("b-1", "a.csv", 8..100).await.unwrap();
        assert_eq!(&tail[..], b"89");
        assert_eq!(s3.get_object_range("b-1", "a.csv", 20..30).await.unwrap_err().code(), "InvalidRange");
        assert_eq!(s3.get_object_range("b-1", "a.csv", 5..5).await.unwrap_err().code(), "InvalidRange");

        s3.create_bucket("b-2").await.unwrap();
        s3.copy_object("b-1", "a.csv", "b-2", "copy/a.csv").await.unwrap();
        let copied = s3.head_object("b-2", "copy/a.csv").await.unwrap();
        assert_eq!(copied.metadata, head.metadata);
        assert_eq!(copied.content_type, head.content_type);
        assert_eq!(s3.head_object("b-1", "nope").await.unwrap_err().code(), "NoSuchKey");
        assert_eq!(s3.copy_object("b-1", "nope", "b-2", "x").await.unwrap_err().code(), "NoSuchKey");
        assert_eq!(s3.copy_object("b-1", "a.csv", "no-bucket", "x").await.unwrap_err().code(), "NoSuchBucket");
    }

    #[tokio::test]
    async fn list_v2_pages_through_keys_and_prefixes() {
        let keys = ["a.txt", "dir1/x", "dir1/y", "dir2/z", "m.txt", "z.txt"];
        let s3 = s3_with(&keys).await;
        let mut input = ListObjectsV2Input { delimiter: Some("/".into()), max_keys: 2, ..Default::default() };
        let mut seen = Vec::new();
        loop {
            let page = s3.list_objects_v2("b-1", &input).await.unwrap();
            assert!(page.contents.len() + page.common_prefixes.len() <= 2);
            seen.extend(page.contents.iter().map(|o| o.key.clone()));
            seen.extend(page.common_prefixes.iter().cloned());
            if !page.is_truncated {
                break;
            }
            input.continuation_token = page.next_continuation_token;
        }
        seen.sort();
        assert_eq!(seen, ["a.txt", "dir1/", "dir2/", "m.txt", "z.txt"]);

        let all = s3.list_objects_v2("b-1", &ListObjectsV2Input::default()).await.unwrap();
        assert_eq!(all.contents.len(), keys.len());
        assert!(!all.is_truncated);

        let after = ListObjectsV2Input { start_after: Some("dir1/x".into()), ..Default::default() };
        let keys_after: Vec<_> =
            s3.list_objects_v2("b-1", &after).await.unwrap().contents.into_iter().map(|o| o.key).collect();
        assert_eq!(keys_after, ["dir1/y", "dir2/z", "m.txt", "z.txt"]);

        let bad = ListObjectsV2Input { continuation_token: Some("zz".into()), ..Default::default() };
        assert_eq!(s3.list_objects_v2("b-1", &bad).await.unwrap_err().code(), "InvalidArgument");
    }
}
