//! The per-object metadata record kept in the `meta` object store (as a JSON string), its
//! validation, and the conversion of [`Attributes`] to and from a string map.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::DateTime;
use md5::{Digest, Md5};
use object_store::path::Path;
use object_store::{Attribute, AttributeValue, Attributes, ObjectMeta, PutPayload};
use serde::{Deserialize, Serialize};

use crate::error::{corrupt, generic};

/// Prefix of the attribute-map key for user metadata (`Attribute::Metadata`).
const USER_META_PREFIX: &str = "x-meta-";

/// One object's metadata, stored as JSON in the `meta` store under the object's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MetaRecord {
    /// The raw object path (equal to the record's key).
    pub path: String,
    /// Object size in bytes.
    pub size: u64,
    /// Last modification, milliseconds since the Unix epoch.
    pub last_modified: i64,
    /// Lowercase hex MD5 of the body.
    pub e_tag: String,
    /// Chunk size the object was written with.
    pub chunk_size: u64,
    /// Number of chunks (`ceil(size / chunk_size)`).
    pub n_chunks: u64,
    /// Attributes (content type, user metadata, ...), see [`encode_attributes`].
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

impl MetaRecord {
    /// A record for a new body of `size` bytes with MD5 `e_tag`, modified now.
    pub fn new(path: &str, size: u64, e_tag: String, attributes: BTreeMap<String, String>) -> Self {
        let chunk_size = crate::CHUNK_SIZE as u64;
        Self {
            path: path.to_string(),
            size,
            last_modified: now_millis(),
            e_tag,
            chunk_size,
            n_chunks: size.div_ceil(chunk_size),
            attributes,
        }
    }

    /// Parse and validate the JSON stored under `key`.
    pub fn from_json(key: &str, json: &str) -> object_store::Result<Self> {
        let rec: Self = serde_json::from_str(json).map_err(|e| corrupt(key, &e.to_string()))?;
        if rec.path != key {
            return Err(corrupt(key, &format!("meta names path {:?}", rec.path)));
        }
        if rec.chunk_size == 0 || rec.n_chunks != rec.size.div_ceil(rec.chunk_size) {
            return Err(corrupt(key, "inconsistent size / chunk_size / n_chunks"));
        }
        if DateTime::from_timestamp_millis(rec.last_modified).is_none() {
            return Err(corrupt(key, "last_modified out of range"));
        }
        Ok(rec)
    }

    /// Serialize to the JSON stored in the `meta` store.
    pub fn to_json(&self) -> object_store::Result<String> {
        serde_json::to_string(self).map_err(|e| generic(format!("cannot encode meta: {e}")))
    }

    /// The [`ObjectMeta`] for this record (`version` is always `None`).
    pub fn object_meta(&self) -> object_store::Result<ObjectMeta> {
        let location = Path::parse(&self.path).map_err(|e| corrupt(&self.path, &format!("bad path: {e}")))?;
        let last_modified = DateTime::from_timestamp_millis(self.last_modified)
            .ok_or_else(|| corrupt(&self.path, "last_modified out of range"))?;
        Ok(ObjectMeta { location, last_modified, size: self.size, e_tag: Some(self.e_tag.clone()), version: None })
    }

    /// Expected byte length of chunk `index`.
    pub fn chunk_len(&self, index: u64) -> u64 {
        let start = index * self.chunk_size;
        self.size.saturating_sub(start).min(self.chunk_size)
    }

    /// The chunk indices `i0..=i1` covering the non-empty byte range `range`.
    pub fn chunk_span(&self, range: &Range<u64>) -> (u64, u64) {
        (range.start / self.chunk_size, (range.end - 1) / self.chunk_size)
    }
}

/// Milliseconds since the Unix epoch according to JS `Date.now()`.
pub(crate) fn now_millis() -> i64 {
    js_sys::Date::now() as i64
}

/// Lowercase hex MD5 of all bytes of `payload`.
pub(crate) fn md5_hex(payload: &PutPayload) -> String {
    let mut hasher = Md5::new();
    for part in payload.iter() {
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// Attributes as a string map: HTTP header names for the standard attributes and
/// `x-meta-<key>` for user metadata.
pub(crate) fn encode_attributes(attributes: &Attributes) -> object_store::Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for (attribute, value) in attributes {
        let key = match attribute {
            Attribute::ContentDisposition => "Content-Disposition".to_string(),
            Attribute::ContentEncoding => "Content-Encoding".to_string(),
            Attribute::ContentLanguage => "Content-Language".to_string(),
            Attribute::ContentType => "Content-Type".to_string(),
            Attribute::CacheControl => "Cache-Control".to_string(),
            Attribute::StorageClass => "Storage-Class".to_string(),
            Attribute::Metadata(key) => format!("{USER_META_PREFIX}{key}"),
            other => {
                return Err(object_store::Error::NotSupported {
                    source: format!("IndexedDB store does not support attribute {other:?}").into(),
                })
            }
        };
        map.insert(key, value.as_ref().to_string());
    }
    Ok(map)
}

/// Inverse of [`encode_attributes`]. Unknown keys are a corrupt record.
pub(crate) fn decode_attributes(path: &str, map: &BTreeMap<String, String>) -> object_store::Result<Attributes> {
    let mut attributes = Attributes::with_capacity(map.len());
    for (key, value) in map {
        let attribute = match key.as_str() {
            "Content-Disposition" => Attribute::ContentDisposition,
            "Content-Encoding" => Attribute::ContentEncoding,
            "Content-Language" => Attribute::ContentLanguage,
            "Content-Type" => Attribute::ContentType,
            "Cache-Control" => Attribute::CacheControl,
            "Storage-Class" => Attribute::StorageClass,
            other => match other.strip_prefix(USER_META_PREFIX) {
                Some(user) => Attribute::Metadata(user.to_string().into()),
                None => return Err(corrupt(path, &format!("unknown attribute {other:?}"))),
            },
        };
        attributes.insert(attribute, AttributeValue::from(value.clone()));
    }
    Ok(attributes)
}
