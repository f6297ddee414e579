//! The whole lake as one `.zip`, and back.
//!
//! Every object of the lake's store is one entry at its store path: S3 objects at `bucket/key`,
//! lake records (bucket registry, catalog, crawlers, jobs, Athena history, the local folder) at
//! `_meta/...`. `_manifest.json` lists each entry with its size, last-modified time, ETag and
//! attributes (content type, storage class, user metadata), plus the buckets with their creation
//! dates. Importing replaces the lake with the archive's content; the archive is read, checked
//! (CRCs, sizes, paths, manifest, catalog records) and staged completely before the first write,
//! so a malformed archive changes nothing. Bodies, keys and attributes round-trip exactly;
//! last-modified times and creation dates become the time of the import (an object store sets
//! them itself), and are kept in the manifest for reference.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};
use std::sync::Arc;

use bytes::Bytes;
use chrono::{Datelike, Timelike, Utc};
use futures::TryStreamExt;
use object_store::{
    memory::InMemory, path::Path, Attribute, AttributeValue, Attributes, ObjectStore, ObjectStoreExt, PutPayload,
};
use puddle_api::{ApiError, ImportSummary};
use serde::{Deserialize, Serialize};

use crate::errors::api;

/// Name of the manifest entry (never a store path: only `_meta/` and buckets are stored).
pub const MANIFEST: &str = "_manifest.json";
/// `format` of the manifest.
const FORMAT: &str = "puddle-lake-export";
/// Error code of an archive that cannot be imported.
const INVALID: &str = "InvalidLakeArchive";
/// Prefix of user-metadata attribute names in the manifest.
const META: &str = "meta:";

/// What an archive may hold. Every size is checked on the bytes really inflated, never on the
/// sizes the zip headers or the manifest declare (a "zip bomb" lies in both).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Entries, the manifest included.
    pub entries: usize,
    /// Uncompressed bytes of one entry.
    pub entry_bytes: u64,
    /// Uncompressed bytes of all entries together.
    pub total_bytes: u64,
    /// Uncompressed bytes of `_manifest.json`.
    pub manifest_bytes: u64,
    /// Bytes of one path (`<bucket>/<key>` is at most 63 + 1 + 1024; `_meta/` records add a few).
    pub path_bytes: usize,
    /// Segments of one path (a 1024-byte key has at most 512).
    pub path_depth: usize,
}

/// The limits of [`import`]: the whole archive is staged in the tab's memory (a wasm32
/// instance has at most 4 GiB), so 1 GiB uncompressed in all.
pub(crate) const LIMITS: Limits = Limits {
    entries: 100_000,
    entry_bytes: 512 << 20,
    total_bytes: 1 << 30,
    manifest_bytes: 64 << 20,
    path_bytes: 1200,
    path_depth: 520,
};

/// What `_manifest.json` holds.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    exported: String,
    buckets: Vec<BucketEntry>,
    objects: Vec<ObjectEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct BucketEntry {
    name: String,
    #[serde(rename = "creationDate")]
    creation_date: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct ObjectEntry {
    path: String,
    size: u64,
    #[serde(rename = "lastModified")]
    last_modified: String,
    #[serde(rename = "eTag", default, skip_serializing_if = "Option::is_none")]
    e_tag: Option<String>,
    /// `Content-Type`, `Storage-Class`, ... and `meta:<name>` for metadata attributes.
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

/// The whole content of `store` as a zip archive.
pub(crate) async fn export(store: &Arc<dyn ObjectStore>, s3: &puddle_store::S3) -> Result<Vec<u8>, ApiError> {
    let mut metas: Vec<_> = store.list(None).try_collect().await.map_err(store_error)?;
    // An import in progress is not part of the lake.
    metas.retain(|m| m.location.parts().next().is_none_or(|p| p.as_ref() != crate::archive_switch::ROOT));
    metas.sort_by(|a, b| a.location.cmp(&b.location));
    let buckets = api(s3.list_buckets().await)?
        .into_iter()
        .map(|b| BucketEntry { name: b.name, creation_date: b.creation_date.to_rfc3339() })
        .collect();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut objects = Vec::with_capacity(metas.len());
    for meta in metas {
        let res = store.get(&meta.location).await.map_err(store_error)?;
        let attributes = encode_attributes(&res.attributes);
        let body = res.bytes().await.map_err(store_error)?;
        let path = meta.location.to_string();
        zip.start_file(path.as_str(), file_options(meta.last_modified)).map_err(zip_error)?;
        zip.write_all(&body).map_err(|e| ApiError::internal(format!("writing {path} to the archive: {e}")))?;
        objects.push(ObjectEntry {
            path,
            size: body.len() as u64,
            last_modified: meta.last_modified.to_rfc3339(),
            e_tag: meta.e_tag,
            attributes,
        });
    }
    let manifest = Manifest { format: FORMAT.into(), version: 1, exported: Utc::now().to_rfc3339(), buckets, objects };
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| ApiError::internal(e.to_string()))?;
    zip.start_file(MANIFEST, file_options(Utc::now())).map_err(zip_error)?;
    zip.write_all(&text).map_err(|e| ApiError::internal(format!("writing the manifest: {e}")))?;
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

/// Replaces the content of `store` with the archive's, or fails with `InvalidLakeArchive`
/// having changed nothing. The switch is atomic across crashes (see [`crate::archive_switch`]).
pub(crate) async fn import(store: &Arc<dyn ObjectStore>, archive: &[u8]) -> Result<ImportSummary, ApiError> {
    import_with(store, archive, &LIMITS).await
}

/// [`import`] with other limits.
pub(crate) async fn import_with(
    store: &Arc<dyn ObjectStore>,
    archive: &[u8],
    limits: &Limits,
) -> Result<ImportSummary, ApiError> {
    let staged = read_archive(archive, limits)?;
    // The catalog records must load, or the lake would not open after the import.
    let check: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    for (path, body, _) in staged.iter().filter(|(p, ..)| p.as_ref().starts_with("_meta/catalog/")) {
        check.put(path, PutPayload::from_bytes(body.clone())).await.map_err(store_error)?;
    }
    let catalog = puddle_catalog::Catalog::load(check)
        .await
        .map_err(|e| invalid(format!("its Data Catalog records do not load: {e}")))?;
    if let Some((path, why)) = catalog.damaged().first() {
        return Err(invalid(format!("its Data Catalog records do not load: {path}: {why}")));
    }
    let mut summary = ImportSummary { buckets: 0, objects: 0, bytes: 0 };
    for (path, body, _) in &staged {
        if path.as_ref().starts_with("_meta/buckets/") {
            summary.buckets += 1;
        } else if !path.as_ref().starts_with("_meta/") {
            summary.objects += 1;
            summary.bytes += body.len() as u64;
        }
    }
    crate::archive_switch::replace_lake(store, staged).await?;
    Ok(summary)
}

/// Reads and checks every entry of the archive, in manifest order.
pub(crate) fn read_archive(archive: &[u8], limits: &Limits) -> Result<Vec<(Path, Bytes, Attributes)>, ApiError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(archive))
        .map_err(|e| invalid(format!("it is not a readable .zip file ({e})")))?;
    if zip.len() > limits.entries {
        return Err(invalid(format!("it has {} entries, more than the {} an import takes", zip.len(), limits.entries)));
    }
    let manifest: Manifest = {
        let entry = zip
            .by_name(MANIFEST)
            .map_err(|_| invalid(format!("it has no {MANIFEST}: it is not a Puddle lake export")))?;
        let mut text = Vec::new();
        entry
            .take(limits.manifest_bytes + 1)
            .read_to_end(&mut text)
            .map_err(|e| invalid(format!("{MANIFEST} is damaged ({e})")))?;
        if text.len() as u64 > limits.manifest_bytes {
            return Err(invalid(format!("{MANIFEST} is larger than {} bytes", limits.manifest_bytes)));
        }
        serde_json::from_slice(&text).map_err(|e| invalid(format!("{MANIFEST} is not a lake manifest ({e})")))?
    };
    if manifest.format != FORMAT || manifest.version != 1 {
        return Err(invalid(format!(
            "{MANIFEST} is format '{}' version {}; this Puddle reads '{FORMAT}' version 1",
            manifest.format, manifest.version
        )));
    }
    check_manifest(&manifest, limits)?;
    let listed: BTreeSet<&str> = manifest.objects.iter().map(|o| o.path.as_str()).collect();
    if let Some(extra) = zip.file_names().find(|n| *n != MANIFEST && !n.ends_with('/') && !listed.contains(n)) {
        return Err(invalid(format!("'{extra}' is not listed in {MANIFEST}")));
    }
    let buckets: BTreeSet<&str> = listed.iter().filter_map(|p| p.strip_prefix("_meta/buckets/")).collect();
    // Only real bucket names: `_import`, `_meta` or `a/b` would alias lake records.
    if let Some(bad) = buckets.iter().find(|b| puddle_store::validate_bucket_name(b).is_err()) {
        return Err(invalid(format!(
            "'_meta/buckets/{bad}' creates a bucket named '{bad}', which is not a valid bucket name"
        )));
    }
    let mut staged = Vec::with_capacity(manifest.objects.len());
    for object in &manifest.objects {
        let name = object.path.as_str();
        let path = match Path::parse(name) {
            Ok(p) if p.as_ref() == name && !name.is_empty() => p,
            _ => return Err(invalid(format!("'{name}' is not a valid lake path"))),
        };
        let top = name.split('/').next().unwrap_or_default();
        if top != puddle_store::META_PREFIX && !buckets.contains(top) {
            return Err(invalid(format!("'{name}' is in bucket '{top}', which the archive does not create")));
        }
        let entry = zip.by_name(name).map_err(|_| invalid(format!("'{name}' is listed but missing")))?;
        // Never more than the manifest's size plus one byte, whatever the zip headers claim.
        let mut body = Vec::with_capacity(object.size.min(1 << 20) as usize);
        entry
            .take(object.size + 1)
            .read_to_end(&mut body)
            .map_err(|e| invalid(format!("'{name}' is damaged ({e})")))?;
        if body.len() as u64 > object.size {
            return Err(invalid(format!("'{name}' has more bytes than the manifest says ({})", object.size)));
        }
        if (body.len() as u64) < object.size {
            return Err(invalid(format!("'{name}' has {} bytes, the manifest says {}", body.len(), object.size)));
        }
        staged.push((path, Bytes::from(body), decode_attributes(&object.attributes)));
    }
    Ok(staged)
}

/// The manifest's own claims within `limits`: entry count, sizes, path lengths and depths, no
/// path twice. (The bytes really read are checked against these sizes.)
fn check_manifest(manifest: &Manifest, limits: &Limits) -> Result<(), ApiError> {
    if manifest.objects.len() >= limits.entries {
        return Err(invalid(format!(
            "{MANIFEST} lists {} objects, more than the {} an import takes",
            manifest.objects.len(),
            limits.entries - 1
        )));
    }
    let mut total: u64 = 0;
    let mut seen = BTreeSet::new();
    for object in &manifest.objects {
        let name = object.path.as_str();
        let shown: String = name.chars().take(80).collect();
        if name.len() > limits.path_bytes {
            return Err(invalid(format!("'{shown}...' is longer than {} bytes", limits.path_bytes)));
        }
        if name.split('/').count() > limits.path_depth {
            return Err(invalid(format!("'{shown}' is deeper than {} folders", limits.path_depth)));
        }
        if !seen.insert(name) {
            return Err(invalid(format!("'{name}' is listed twice in {MANIFEST}")));
        }
        if object.size > limits.entry_bytes {
            return Err(invalid(format!(
                "'{name}' is {} bytes, more than the {} MiB one object may have in an import",
                object.size,
                limits.entry_bytes >> 20
            )));
        }
        total = total.saturating_add(object.size);
        if total > limits.total_bytes {
            return Err(invalid(format!(
                "its objects (up to '{name}') hold more than the {} MiB an import takes",
                limits.total_bytes >> 20
            )));
        }
    }
    Ok(())
}

fn file_options(modified: chrono::DateTime<Utc>) -> zip::write::SimpleFileOptions {
    let time = zip::DateTime::from_date_and_time(
        u16::try_from(modified.year()).unwrap_or(1980),
        modified.month() as u8,
        modified.day() as u8,
        modified.hour() as u8,
        modified.minute() as u8,
        modified.second().min(58) as u8,
    )
    .unwrap_or_default();
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(time)
}

const NAMED: [(Attribute, &str); 6] = [
    (Attribute::ContentType, "Content-Type"),
    (Attribute::ContentEncoding, "Content-Encoding"),
    (Attribute::ContentDisposition, "Content-Disposition"),
    (Attribute::ContentLanguage, "Content-Language"),
    (Attribute::CacheControl, "Cache-Control"),
    (Attribute::StorageClass, "Storage-Class"),
];

fn encode_attributes(attributes: &Attributes) -> BTreeMap<String, String> {
    attributes
        .iter()
        .filter_map(|(k, v)| {
            let name = match k {
                Attribute::Metadata(m) => format!("{META}{m}"),
                other => NAMED.iter().find(|(a, _)| a == other)?.1.to_string(),
            };
            Some((name, v.as_ref().to_string()))
        })
        .collect()
}

fn decode_attributes(map: &BTreeMap<String, String>) -> Attributes {
    let mut attributes = Attributes::new();
    for (k, v) in map {
        let attribute = match k.strip_prefix(META) {
            Some(m) => Attribute::Metadata(m.to_string().into()),
            None => match NAMED.iter().find(|(_, n)| n.eq_ignore_ascii_case(k)) {
                Some((a, _)) => a.clone(),
                None => continue,
            },
        };
        attributes.insert(attribute, AttributeValue::from(v.clone()));
    }
    attributes
}

pub(crate) fn invalid(why: String) -> ApiError {
    ApiError::new(INVALID, format!("The archive cannot be imported: {why}. The lake was not changed."))
}

fn zip_error(e: zip::result::ZipError) -> ApiError {
    ApiError::internal(format!("building the archive: {e}"))
}

pub(crate) fn store_error(e: object_store::Error) -> ApiError {
    crate::errors::IntoApiError::into_api(puddle_store::Error::from(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip of `entries`, with a manifest listing `listed` (path, size) paths.
    fn zip_of(entries: &[(&str, &[u8])], listed: &[(&str, u64)]) -> Vec<u8> {
        let manifest = Manifest {
            format: FORMAT.into(),
            version: 1,
            exported: "2026-01-01T00:00:00Z".into(),
            buckets: vec![],
            objects: listed
                .iter()
                .map(|(p, size)| ObjectEntry {
                    path: p.to_string(),
                    size: *size,
                    last_modified: String::new(),
                    e_tag: None,
                    attributes: BTreeMap::from([("Content-Type".into(), "text/csv".into())]),
                })
                .collect(),
        };
        let manifest = serde_json::to_vec(&manifest).unwrap();
        let mut all = entries.to_vec();
        all.push((MANIFEST, &manifest[..]));
        raw_zip(&all)
    }

    fn raw_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body) in entries {
            zip.start_file(*name, file_options(Utc::now())).unwrap();
            zip.write_all(body).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    async fn import_error(archive: &[u8]) -> String {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        store.put(&Path::from("_meta/buckets/keep"), PutPayload::from_static(b"")).await.unwrap();
        let e = import(&store, archive).await.unwrap_err();
        assert_eq!(e.code, INVALID, "{}", e.message);
        let left: Vec<_> = store.list(None).try_collect().await.unwrap();
        assert_eq!(left.len(), 1, "nothing changed");
        e.message
    }

    #[tokio::test]
    async fn checks_before_writing() {
        let reg = "_meta/buckets/b-1";
        let good = zip_of(&[(reg, b""), ("b-1/a.csv", b"a\n")], &[(reg, 0), ("b-1/a.csv", 2)]);
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let summary = import(&store, &good).await.unwrap();
        assert_eq!((summary.buckets, summary.objects, summary.bytes), (1, 1, 2));
        let res = store.get(&Path::from("b-1/a.csv")).await.unwrap();
        assert_eq!(res.attributes.get(&Attribute::ContentType).map(|v| v.as_ref().to_string()).unwrap(), "text/csv");

        assert!(import_error(&raw_zip(&[("b-1/a.csv", b"a\n")])).await.contains("no _manifest.json"));
        let m = import_error(&zip_of(&[(reg, b""), ("b-1/a.csv", b"a\n")], &[(reg, 0), ("b-1/a.csv", 3)])).await;
        assert!(m.contains("has 2 bytes, the manifest says 3"), "{m}");
        let m = import_error(&zip_of(&[("b-2/a.csv", b"a\n")], &[("b-2/a.csv", 2)])).await;
        assert!(m.contains("which the archive does not create"), "{m}");
        let m = import_error(&zip_of(&[(reg, b""), ("b-1/x", b"")], &[(reg, 0)])).await;
        assert!(m.contains("'b-1/x' is not listed"), "{m}");
        let m = import_error(&zip_of(&[(reg, b"")], &[(reg, 0), ("b-1/gone.csv", 1)])).await;
        assert!(m.contains("listed but missing"), "{m}");
        let m = import_error(&zip_of(&[("../etc", b"")], &[("../etc", 0)])).await;
        assert!(m.contains("not a valid lake path"), "{m}");
        let bad_db = "_meta/catalog/db.json";
        let m = import_error(&zip_of(&[(bad_db, b"{nope")], &[(bad_db, 5)])).await;
        assert!(m.contains("Data Catalog records do not load"), "{m}");
        let newer = br#"{"format":"puddle-lake-export","version":9,"exported":"","buckets":[],"objects":[]}"#;
        let m = import_error(&raw_zip(&[(MANIFEST, newer)])).await;
        assert!(m.contains("version 9; this Puddle reads 'puddle-lake-export' version 1"), "{m}");
        let m = import_error(&raw_zip(&[(MANIFEST, b"[1, 2]")])).await;
        assert!(m.contains("is not a lake manifest"), "{m}");
    }

    #[test]
    fn attributes_round_trip() {
        let mut a = Attributes::new();
        a.insert(Attribute::ContentType, "text/csv".into());
        a.insert(Attribute::StorageClass, "GLACIER".into());
        a.insert(Attribute::Metadata("x-amz-meta-owner".into()), "me".into());
        let map = encode_attributes(&a);
        assert_eq!(map.get("meta:x-amz-meta-owner").map(String::as_str), Some("me"));
        assert_eq!(decode_attributes(&map), a);
    }
}
