//! Lake import under attack and under failure: bombs, arbitrary and mutated archives (issue 12),
//! and a store that runs out of space or dies after every possible number of writes.

use std::{
    collections::BTreeMap,
    io::{Cursor, Write},
    sync::Arc,
};

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use object_store::{
    memory::InMemory, path::Path, Attribute, ObjectMeta, ObjectStore, ObjectStoreExt, PutOptions, PutPayload,
};
use puddle_store::failing::FailingStore;
use serde_json::json;

use crate::{
    archive::{import, import_with, Limits, LIMITS, MANIFEST},
    archive_switch::{recover, Recovery},
    Lake,
};

/// Every path of a store with its body and content type.
type Snapshot = BTreeMap<String, (Bytes, Option<String>)>;

async fn snapshot(store: &Arc<dyn ObjectStore>) -> Snapshot {
    let metas: Vec<ObjectMeta> = store.list(None).try_collect().await.unwrap();
    let mut out = BTreeMap::new();
    for m in metas {
        let res = store.get(&m.location).await.unwrap();
        let content_type = res.attributes.get(&Attribute::ContentType).map(|v| v.as_ref().to_string());
        out.insert(m.location.to_string(), (res.bytes().await.unwrap(), content_type));
    }
    out
}

async fn copy_of(store: &Arc<dyn ObjectStore>) -> Arc<dyn ObjectStore> {
    let copy: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let metas: Vec<ObjectMeta> = store.list(None).try_collect().await.unwrap();
    for m in metas {
        let res = store.get(&m.location).await.unwrap();
        let opts = PutOptions { attributes: res.attributes.clone(), ..Default::default() };
        copy.put_opts(&m.location, PutPayload::from_bytes(res.bytes().await.unwrap()), opts).await.unwrap();
    }
    copy
}

/// A lake with a bucket, objects (one at `shared/same.csv` in bucket `both-1`) and a table.
async fn lake_with(store: Arc<dyn ObjectStore>, tag: &str) -> Lake {
    let lake = Lake::open(store).await.unwrap();
    for line in [
        format!("aws s3 mb s3://{tag}-only"),
        "aws s3 mb s3://both-1".to_string(),
        format!("aws s3api put-object --bucket {tag}-only --key data/{tag}.csv --body sales.csv"),
        format!("aws s3api put-object --bucket {tag}-only --key 'notes/ü ñ%.txt' --body sales.csv"),
        format!(
            "aws s3api put-object --bucket both-1 --key shared/same.csv --body sales.csv --content-type text/{tag}"
        ),
    ] {
        let out = lake.exec(&line).await;
        assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    }
    let input = puddle_api::CreateTableInput {
        database: "default".into(),
        name: format!("t_{tag}"),
        location: format!("s3://{tag}-only/data/"),
        format: puddle_api::DataFormat::Csv,
    };
    lake.create_table(&input).await.unwrap();
    lake
}

/// The old lake's store and a different lake's export.
async fn old_store_and_new_archive() -> (Arc<dyn ObjectStore>, Vec<u8>) {
    let old: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    lake_with(Arc::clone(&old), "old").await;
    let new = lake_with(Arc::new(InMemory::new()), "new").await;
    (old, new.export_lake().await.unwrap())
}

/// Issue 12: an import that fails (quota) or dies (crash) after any number of writes leaves the
/// old lake or the new one, never a mix, once the lake reopens; a quota failure before the
/// switch point leaves the old lake at once.
#[tokio::test]
async fn import_is_atomic_after_every_number_of_writes() {
    let (old, archive) = old_store_and_new_archive().await;
    let old_snap = snapshot(&old).await;
    let new_snap = {
        let store = copy_of(&old).await;
        import(&store, &archive).await.unwrap();
        snapshot(&store).await
    };
    assert_ne!(old_snap, new_snap);
    assert_eq!(new_snap["both-1/shared/same.csv"].1.as_deref(), Some("text/new"));
    for crash in [false, true] {
        let (mut kept_old, mut got_new) = (0, 0);
        let mut n = 0;
        loop {
            let inner = copy_of(&old).await;
            let failing: Arc<dyn ObjectStore> = Arc::new(FailingStore::new(Arc::clone(&inner), n, crash));
            let res = import(&failing, &archive).await;
            let committed = inner.head(&Path::from("_import/commit.json")).await.is_ok();
            if let (false, Err(e)) = (crash, &res) {
                assert_eq!(e.code, "QuotaExceeded", "{}", e.message);
                if committed {
                    assert!(e.message.ends_with("completes when the lake is opened again (reload the page)."));
                } else {
                    assert!(e.message.ends_with("The import was undone: the lake was not changed."), "{}", e.message);
                    assert_eq!(snapshot(&inner).await, old_snap, "quota after {n} writes: the old lake, at once");
                }
            }
            let recovery = recover(&inner).await.unwrap();
            let snap = snapshot(&inner).await;
            if snap == old_snap {
                kept_old += 1;
                assert!(res.is_err(), "after {n} writes");
            } else {
                assert_eq!(snap, new_snap, "crash={crash} after {n} writes: {res:?}, {recovery:?}");
                got_new += 1;
            }
            // The lake opens on what is left, as a reloaded tab would.
            Lake::open(Arc::clone(&inner)).await.unwrap();
            if res.is_ok() {
                assert_eq!(recovery, Recovery::Nothing);
                break;
            }
            n += 1;
            assert!(n < 500, "the import never succeeded");
        }
        assert!(kept_old > 5 && got_new > 0, "crash={crash}: {kept_old} old, {got_new} new");
    }
}

#[tokio::test]
async fn a_lake_opening_after_a_crash_finishes_or_undoes_the_import() {
    let (old, archive) = old_store_and_new_archive().await;
    // Crashed right after the commit record: the reopened lake is the new one.
    let mut n = 0;
    let inner = loop {
        let inner = copy_of(&old).await;
        let failing: Arc<dyn ObjectStore> = Arc::new(FailingStore::new(Arc::clone(&inner), n, true));
        let _ = import(&failing, &archive).await;
        if inner.head(&Path::from("_import/commit.json")).await.is_ok() {
            break inner;
        }
        n += 1;
    };
    let lake = Lake::open(Arc::clone(&inner)).await.unwrap();
    let names: Vec<String> = lake.list_buckets().await.unwrap().into_iter().map(|b| b.name).collect();
    assert_eq!(names, ["both-1", "new-only"]);
    assert!(lake.catalog().get_table("default", "t_new").is_ok());
    let left: Vec<ObjectMeta> = inner.list(Some(&Path::from("_import"))).try_collect().await.unwrap();
    assert!(left.is_empty());

    // Crashed while staging: the reopened lake is the old one.
    let inner = copy_of(&old).await;
    let failing: Arc<dyn ObjectStore> = Arc::new(FailingStore::new(Arc::clone(&inner), 3, true));
    import(&failing, &archive).await.unwrap_err();
    assert!(inner.list(Some(&Path::from("_import"))).next().await.is_some(), "staged objects were left");
    let lake = Lake::open(Arc::clone(&inner)).await.unwrap();
    let names: Vec<String> = lake.list_buckets().await.unwrap().into_iter().map(|b| b.name).collect();
    assert_eq!(names, ["both-1", "old-only"]);
    assert_eq!(snapshot(&inner).await, snapshot(&old).await);
}

/// A small deterministic generator (xorshift64*), so every run tries the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn raw_zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in entries {
        zip.start_file(name.as_str(), opts).unwrap();
        zip.write_all(body).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A zip of `entries` plus a manifest listing `listed` (path, size).
fn zip_with_manifest(entries: &[(String, Vec<u8>)], listed: &[(String, u64)]) -> Vec<u8> {
    let objects: Vec<_> = listed.iter().map(|(p, size)| json!({"path": p, "size": size, "lastModified": ""})).collect();
    let manifest =
        json!({"format": "puddle-lake-export", "version": 1, "exported": "", "buckets": [], "objects": objects});
    let mut all = entries.to_vec();
    all.push((MANIFEST.to_string(), serde_json::to_vec(&manifest).unwrap()));
    raw_zip(&all)
}

/// Imports `archive` into a copy of `old`: it either succeeds, or fails with
/// `InvalidLakeArchive` leaving the old lake exactly as it was. Never panics.
async fn import_or_keep(old: &Arc<dyn ObjectStore>, old_snap: &Snapshot, archive: &[u8]) -> bool {
    let store = copy_of(old).await;
    match import(&store, archive).await {
        Ok(_) => {
            let left: Vec<ObjectMeta> = store.list(Some(&Path::from("_import"))).try_collect().await.unwrap();
            assert!(left.is_empty());
            true
        }
        Err(e) => {
            assert_eq!(e.code, "InvalidLakeArchive", "{}", e.message);
            assert!(e.message.ends_with("The lake was not changed."), "{}", e.message);
            assert_eq!(&snapshot(&store).await, old_snap, "{}", e.message);
            false
        }
    }
}

/// Issue 12 (property test): mutated exports and arbitrary archives never panic; each imports,
/// or fails with `InvalidLakeArchive` with the old lake intact.
#[tokio::test]
async fn mutated_and_arbitrary_archives_import_or_change_nothing() {
    let (old, archive) = old_store_and_new_archive().await;
    let old_snap = snapshot(&old).await;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut imported, mut refused) = (0, 0);
    for round in 0..300 {
        let mut bytes = archive.clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(5) {
                0 => bytes[at] ^= 1 << rng.below(8),
                1 => bytes.truncate(at),
                2 => bytes.insert(at, rng.next() as u8),
                3 => {
                    let end = (at + rng.below(64)).min(bytes.len());
                    for b in &mut bytes[at..end] {
                        *b = rng.next() as u8;
                    }
                }
                _ => {
                    let end = (at + rng.below(32)).min(bytes.len());
                    bytes.drain(at..end);
                }
            }
        }
        if import_or_keep(&old, &old_snap, &bytes).await {
            imported += 1;
        } else {
            refused += 1;
        }
        // Arbitrary zips: random names (traversal, unicode, empty segments, `_import/`, ...),
        // a manifest listing some of them with right or wrong sizes.
        let names = ["b-1/a.csv", "_meta/buckets/b-1", "../x", "b-1//y", "_import/commit.json", "é/€", "", "b-1/"];
        let mut entries = Vec::new();
        let mut listed = Vec::new();
        for _ in 0..rng.below(6) {
            let name =
                if rng.below(3) == 0 { format!("b-1/{round}/{}", rng.below(9)) } else { names[rng.below(8)].into() };
            let body: Vec<u8> = (0..rng.below(300)).map(|_| rng.next() as u8).collect();
            if rng.below(4) != 0 {
                let size = if rng.below(3) == 0 { rng.next() % 1000 } else { body.len() as u64 };
                listed.push((name.clone(), size));
            }
            if !entries.iter().any(|(n, _): &(String, Vec<u8>)| *n == name) {
                entries.push((name, body));
            }
        }
        let zip = zip_with_manifest(&entries, &listed);
        if import_or_keep(&old, &old_snap, &zip).await {
            imported += 1;
        } else {
            refused += 1;
        }
        let noise: Vec<u8> = (0..rng.below(2000)).map(|_| rng.next() as u8).collect();
        assert!(!import_or_keep(&old, &old_snap, &noise).await);
    }
    assert!(imported > 0 && refused > 300, "{imported} imported, {refused} refused");
}

fn zeros_zip(name: &str, real: usize, claimed: u64) -> Vec<u8> {
    let reg = "_meta/buckets/b-1".to_string();
    zip_with_manifest(&[(reg.clone(), vec![]), (name.into(), vec![0; real])], &[(reg, 0), (name.into(), claimed)])
}

async fn refusal(archive: &[u8], limits: &Limits) -> String {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    store.put(&Path::from("_meta/buckets/keep"), PutPayload::from_static(b"")).await.unwrap();
    let e = import_with(&store, archive, limits).await.unwrap_err();
    assert_eq!(e.code, "InvalidLakeArchive", "{}", e.message);
    assert_eq!(snapshot(&store).await.len(), 1, "nothing changed");
    e.message
}

/// Issue 12: a zip bomb (an entry inflating far past what the manifest says) is cut off after
/// the manifest's size plus one byte, and each limit names its entry.
#[tokio::test]
async fn bombs_and_limits_are_refused_naming_the_entry() {
    let bomb = zeros_zip("b-1/bomb.csv", 16 << 20, 10);
    assert!(bomb.len() < 64 << 10, "{} bytes", bomb.len());
    let m = refusal(&bomb, &LIMITS).await;
    assert!(m.contains("'b-1/bomb.csv' has more bytes than the manifest says (10)"), "{m}");

    let huge = zeros_zip("b-1/huge.csv", 1, 600 << 20);
    let m = refusal(&huge, &LIMITS).await;
    assert!(m.contains("'b-1/huge.csv' is 629145600 bytes, more than the 512 MiB"), "{m}");
    let overflow = zip_with_manifest(&[], &[("b-1/a".into(), u64::MAX), ("b-1/b".into(), u64::MAX)]);
    let m = refusal(&overflow, &Limits { entry_bytes: u64::MAX, ..LIMITS }).await;
    assert!(m.contains("hold more than the 1024 MiB an import takes"), "{m}");

    let small = Limits {
        entries: 4,
        entry_bytes: 100,
        total_bytes: 150,
        manifest_bytes: 1 << 20,
        path_bytes: 40,
        path_depth: 4,
    };
    let reg = ("_meta/buckets/b-1".to_string(), vec![]);
    let many: Vec<(String, Vec<u8>)> = (0..5).map(|i| (format!("b-1/{i}"), vec![1])).collect();
    let m = refusal(&zip_with_manifest(&many, &[]), &small).await;
    assert!(m.contains("it has 6 entries, more than the 4"), "{m}");
    let listed: Vec<(String, u64)> = (0..4).map(|i| (format!("b-1/{i}"), 1)).collect();
    let m = refusal(&zip_with_manifest(std::slice::from_ref(&reg), &listed), &small).await;
    assert!(m.contains("lists 4 objects, more than the 3"), "{m}");
    let two = [(reg.0.clone(), 0), ("b-1/x".into(), 90), ("b-1/y".into(), 90)];
    let m = refusal(&zip_with_manifest(std::slice::from_ref(&reg), &two), &small).await;
    assert!(m.contains("(up to 'b-1/y') hold more than"), "{m}");
    let deep = "b-1/a/b/c/d.csv".to_string();
    let m = refusal(&zip_with_manifest(&[reg.clone(), (deep.clone(), vec![])], &[(deep, 0)]), &small).await;
    assert!(m.contains("'b-1/a/b/c/d.csv' is deeper than 4 folders"), "{m}");
    let long = format!("b-1/{}", "x".repeat(60));
    let m = refusal(&zip_with_manifest(&[reg.clone(), (long.clone(), vec![])], &[(long, 0)]), &small).await;
    assert!(m.contains("is longer than 40 bytes"), "{m}");
    let twice = [(reg.0.clone(), 0), (reg.0.clone(), 0)];
    let m = refusal(&zip_with_manifest(std::slice::from_ref(&reg), &twice), &small).await;
    assert!(m.contains("'_meta/buckets/b-1' is listed twice"), "{m}");
    let tiny_manifest = Limits { manifest_bytes: 10, ..small };
    let m = refusal(&zip_with_manifest(&[reg], &[]), &tiny_manifest).await;
    assert!(m.contains("_manifest.json is larger than"), "{m}");
}
