//! Browser tests for `puddle-store-idb`: object_store's own conformance suite
//! (`object_store::integration`) plus chunking, range-read, atomicity and persistence checks.
//! Every test uses its own freshly deleted database.
#![cfg(target_arch = "wasm32")]

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::integration;
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, Error, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload,
    UpdateVersion,
};
use puddle_store_idb::{delete_database, open, IdbObjectStore, CHUNK_SIZE};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh, empty store in its own database.
async fn fresh(test: &str) -> IdbObjectStore {
    let name = format!("puddle-test-{test}");
    delete_database(&name).await.expect("delete database");
    open(&name).await.expect("open database")
}

/// `len` bytes of a pattern that differs between chunks and positions.
fn pattern(len: usize, seed: u8) -> Bytes {
    (0..len).map(|i| ((i % 251) as u8).wrapping_mul(7).wrapping_add(seed ^ (i / 65_536) as u8)).collect()
}

async fn names(store: &IdbObjectStore, prefix: Option<&Path>) -> Vec<Path> {
    store.list(prefix).map_ok(|m| m.location).try_collect().await.unwrap()
}

// ---------------------------------------------------------------- object_store's suite

#[wasm_bindgen_test]
async fn conformance_put_get_delete_list() {
    let store = fresh("put_get_delete_list").await;
    integration::put_get_delete_list(&store).await;
    integration::list_with_offset_exclusivity(&store).await;
}

#[wasm_bindgen_test]
async fn conformance_get_put_opts_and_attributes() {
    let store = fresh("get_put_opts").await;
    integration::put_get_attributes(&store).await;
    integration::get_opts(&store).await;
    integration::put_opts(&store, true).await;
}

#[wasm_bindgen_test]
async fn conformance_listing() {
    let store = fresh("listing").await;
    integration::list_uses_directories_correctly(&store).await;
    integration::list_with_delimiter(&store).await;
}

#[wasm_bindgen_test]
async fn conformance_copy_rename() {
    let store = fresh("copy_rename").await;
    integration::rename_and_copy(&store).await;
    integration::copy_if_not_exists(&store).await;
    integration::copy_rename_nonexistent_object(&store).await;
    let err = integration::get_nonexistent_object(&store, None).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}

#[wasm_bindgen_test]
async fn conformance_multipart() {
    let store = fresh("multipart").await;
    integration::multipart_race_condition(&store, true).await;
    integration::multipart_out_of_order(&store).await;
}

/// `integration::stream_get` without its `WriteMultipart` half (that needs a tokio runtime).
#[wasm_bindgen_test]
async fn multipart_stream_get_and_abort() {
    let store = fresh("stream_get").await;
    let location = Path::from("test_dir/test_upload_file.txt");
    let data: Vec<Bytes> = (0..3).map(|i| pattern(5 * 1024 * 1024, i)).collect();
    let expected = data.concat();
    let mut upload = store.put_multipart(&location).await.unwrap();
    let parts: Vec<_> = data.into_iter().map(|d| upload.put_part(d.into())).collect();
    futures::future::try_join_all(parts).await.unwrap();
    // Not visible before complete().
    assert!(matches!(store.head(&location).await, Err(Error::NotFound { .. })));
    assert!(names(&store, None).await.is_empty());
    upload.complete().await.unwrap();
    let got = store.get(&location).await.unwrap().bytes().await.unwrap();
    assert_eq!(got, expected);
    assert_eq!(store.chunk_count(Some(&location)).await.unwrap(), 15);

    // Aborting drops the parts; nothing is written.
    let other = Path::from("test_dir/test_abort_upload.txt");
    let mut upload = store.put_multipart(&other).await.unwrap();
    upload.put_part(pattern(100, 1).into()).await.unwrap();
    upload.abort().await.unwrap();
    assert!(matches!(store.get(&other).await, Err(Error::NotFound { .. })));

    // An empty multipart upload makes an empty object.
    let empty = Path::from("empty_multipart");
    let mut upload = store.put_multipart(&empty).await.unwrap();
    upload.complete().await.unwrap();
    assert_eq!(store.head(&empty).await.unwrap().size, 0);
}

// ---------------------------------------------------------------- chunking and ranges

#[wasm_bindgen_test]
async fn large_object_round_trips_in_chunks() {
    let store = fresh("large").await;
    let path = Path::from("big/object.bin");
    let data = pattern(CHUNK_SIZE * 7 / 2, 3); // 3.5 MiB
    let put = store.put(&path, data.clone().into()).await.unwrap();
    assert_eq!(store.chunk_count(Some(&path)).await.unwrap(), 4);

    let got = store.get(&path).await.unwrap();
    assert_eq!(got.meta.size, data.len() as u64);
    assert_eq!(got.meta.e_tag, put.e_tag);
    assert_eq!(got.meta.version, None);
    assert_eq!(got.bytes().await.unwrap(), data);

    // A payload made of several unaligned parts is chunked the same way.
    let parts: PutPayload =
        [data.slice(..1000), data.slice(1000..CHUNK_SIZE + 5), data.slice(CHUNK_SIZE + 5..)].into_iter().collect();
    let path2 = Path::from("big/parts.bin");
    let put2 = store.put(&path2, parts).await.unwrap();
    assert_eq!(put2.e_tag, put.e_tag);
    assert_eq!(store.get(&path2).await.unwrap().bytes().await.unwrap(), data);
}

#[wasm_bindgen_test]
async fn ranged_reads_fetch_only_needed_chunks() {
    let store = fresh("ranges").await;
    let path = Path::from("r.bin");
    let data = pattern(CHUNK_SIZE * 7 / 2, 5);
    store.put(&path, data.clone().into()).await.unwrap();
    let cs = CHUNK_SIZE as u64;

    // Across the boundary between chunks 0 and 1: two chunks.
    let before = store.chunk_reads();
    let got = store.get_range(&path, cs - 10..cs + 10).await.unwrap();
    assert_eq!(got, data.slice(CHUNK_SIZE - 10..CHUNK_SIZE + 10));
    assert_eq!(store.chunk_reads() - before, 2);

    // Inside the short last chunk: one chunk.
    let before = store.chunk_reads();
    let got = store.get_range(&path, 3 * cs + 1..3 * cs + 100).await.unwrap();
    assert_eq!(got, data.slice(3 * CHUNK_SIZE + 1..3 * CHUNK_SIZE + 100));
    assert_eq!(store.chunk_reads() - before, 1);

    // Suffix and offset ranges.
    let before = store.chunk_reads();
    let r = store.get_opts(&path, GetOptions::new().with_range(Some(GetRange::Suffix(cs + 1)))).await.unwrap();
    assert_eq!(r.range, data.len() as u64 - cs - 1..data.len() as u64);
    assert_eq!(r.bytes().await.unwrap(), data.slice(data.len() - CHUNK_SIZE - 1..));
    assert_eq!(store.chunk_reads() - before, 2);

    // head reads no chunk at all.
    let before = store.chunk_reads();
    assert_eq!(store.head(&path).await.unwrap().size, data.len() as u64);
    assert_eq!(store.chunk_reads(), before);

    // get_ranges fetches each needed chunk once.
    let before = store.chunk_reads();
    let ranges = vec![5..10, cs + 1..cs + 2, 7..cs + 3, 3 * cs..3 * cs + 4];
    let got = store.get_ranges(&path, &ranges).await.unwrap();
    for (r, b) in ranges.iter().zip(&got) {
        assert_eq!(*b, data.slice(r.start as usize..r.end as usize));
    }
    assert_eq!(store.chunk_reads() - before, 3);

    // Invalid ranges are errors, not panics.
    let len = data.len() as u64;
    assert!(store.get_range(&path, len..len + 5).await.is_err());
    #[allow(clippy::reversed_empty_ranges)]
    let backwards = 10..5;
    assert!(store.get_range(&path, backwards).await.is_err());
    assert!(store.get_opts(&path, GetOptions::new().with_range(Some(GetRange::Offset(len)))).await.is_err());
}

#[wasm_bindgen_test]
async fn overwrite_with_smaller_object_leaves_no_stale_chunks() {
    let store = fresh("overwrite").await;
    let path = Path::from("o.bin");
    store.put(&path, pattern(CHUNK_SIZE * 7 / 2, 1).into()).await.unwrap();
    assert_eq!(store.chunk_count(Some(&path)).await.unwrap(), 4);
    let small = pattern(100, 2);
    store.put(&path, small.clone().into()).await.unwrap();
    assert_eq!(store.chunk_count(Some(&path)).await.unwrap(), 1);
    assert_eq!(store.get(&path).await.unwrap().bytes().await.unwrap(), small);
    store.put(&path, PutPayload::new()).await.unwrap();
    assert_eq!(store.chunk_count(Some(&path)).await.unwrap(), 0);
    assert_eq!(store.chunk_count(None).await.unwrap(), 0);

    // delete, rename and copy leave no orphans either.
    store.put(&path, pattern(CHUNK_SIZE + 1, 4).into()).await.unwrap();
    let copy = Path::from("copy.bin");
    store.copy(&path, &copy).await.unwrap();
    assert_eq!(store.chunk_count(None).await.unwrap(), 4);
    let renamed = Path::from("renamed.bin");
    store.rename(&copy, &renamed).await.unwrap();
    assert_eq!(store.chunk_count(Some(&copy)).await.unwrap(), 0);
    assert_eq!(store.chunk_count(None).await.unwrap(), 4);
    store.delete(&path).await.unwrap();
    store.delete(&renamed).await.unwrap();
    assert_eq!(store.chunk_count(None).await.unwrap(), 0);
}

// ---------------------------------------------------------------- semantics

#[wasm_bindgen_test]
async fn data_survives_close_and_reopen() {
    let name = "puddle-test-reopen";
    delete_database(name).await.unwrap();
    let store = open(name).await.unwrap();
    let path = Path::from("keep/me.txt");
    let data = pattern(CHUNK_SIZE + 17, 9);
    store.put(&path, data.clone().into()).await.unwrap();
    store.close();
    drop(store);

    let store = open(name).await.unwrap();
    assert_eq!(store.get(&path).await.unwrap().bytes().await.unwrap(), data);
    assert_eq!(names(&store, None).await, vec![path]);

    // The open connection does not block deleting the database.
    delete_database(name).await.unwrap();
    let store = open(name).await.unwrap();
    assert!(names(&store, None).await.is_empty());
}

#[wasm_bindgen_test]
async fn conditional_puts() {
    let store = fresh("conditional").await;
    let path = Path::from("c.txt");
    let v1 = store.put_opts(&path, "one".into(), PutMode::Create.into()).await.unwrap();
    let err = store.put_opts(&path, "two".into(), PutMode::Create.into()).await.unwrap_err();
    assert!(matches!(err, Error::AlreadyExists { .. }), "{err}");
    assert_eq!(store.get(&path).await.unwrap().bytes().await.unwrap(), "one");

    let stale = UpdateVersion { e_tag: Some("0000".into()), version: None };
    let err = store.put_opts(&path, "three".into(), PutMode::Update(stale).into()).await.unwrap_err();
    assert!(matches!(err, Error::Precondition { .. }), "{err}");
    store.put_opts(&path, "four".into(), PutMode::Update(v1.into()).into()).await.unwrap();
    assert_eq!(store.get(&path).await.unwrap().bytes().await.unwrap(), "four");
}

#[wasm_bindgen_test]
async fn e_tag_is_md5_hex() {
    let store = fresh("etag").await;
    let path = Path::from("hello.txt");
    let put = store.put(&path, "hello".into()).await.unwrap();
    assert_eq!(put.e_tag.as_deref(), Some("5d41402abc4b2a76b9719d911017c592"));
    let head = store.head(&path).await.unwrap();
    assert_eq!(head.e_tag, put.e_tag);
    let empty = store.put(&Path::from("e"), PutPayload::new()).await.unwrap();
    assert_eq!(empty.e_tag.as_deref(), Some("d41d8cd98f00b204e9800998ecf8427e"));
}

#[wasm_bindgen_test]
async fn attributes_round_trip() {
    let store = fresh("attributes").await;
    let path = Path::from("data/report.csv");
    let attributes =
        Attributes::from_iter([(Attribute::ContentType, "text/csv"), (Attribute::Metadata("owner".into()), "alice")]);
    let opts = PutOptions::from(attributes.clone());
    store.put_opts(&path, "a,b\n1,2\n".into(), opts).await.unwrap();
    let got = store.get(&path).await.unwrap();
    assert_eq!(got.attributes, attributes);
    // head requests return attributes too.
    let head = store.get_opts(&path, GetOptions::new().with_head(true)).await.unwrap();
    assert_eq!(head.attributes, attributes);
    // A copy keeps them.
    let copy = Path::from("data/copy.csv");
    store.copy(&path, &copy).await.unwrap();
    assert_eq!(store.get(&copy).await.unwrap().attributes, attributes);
}

#[wasm_bindgen_test]
async fn clear_empties_everything() {
    let store = fresh("clear").await;
    for i in 0..5 {
        let p = Path::from(format!("dir/{i}"));
        store.put(&p, pattern(CHUNK_SIZE / 2 + i, 0).into()).await.unwrap();
    }
    assert_eq!(names(&store, Some(&Path::from("dir"))).await.len(), 5);
    store.clear().await.unwrap();
    assert!(names(&store, None).await.is_empty());
    assert_eq!(store.chunk_count(None).await.unwrap(), 0);
}

#[wasm_bindgen_test]
async fn listing_is_sorted_and_prefix_exact() {
    let store = fresh("list_sorted").await;
    for p in ["b/2", "a/1", "ab/x", "a/0", "a", "a/sub/z", "a\u{e000}/q", "a/\u{1f600}", "a/\u{e000}"] {
        store.put(&Path::parse(p).unwrap(), "x".into()).await.unwrap();
    }
    let all = names(&store, None).await;
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    // Parsed, not `Path::from` (which would percent-encode the non-ASCII chars).
    let p = |s: &str| Path::parse(s).unwrap();
    assert_eq!(
        names(&store, Some(&p("a"))).await,
        [p("a/0"), p("a/1"), p("a/sub/z"), p("a/\u{e000}"), p("a/\u{1f600}")]
    );
    let after: Vec<Path> =
        store.list_with_offset(Some(&p("a")), &p("a/1")).map_ok(|m| m.location).try_collect().await.unwrap();
    assert_eq!(after, [p("a/sub/z"), p("a/\u{e000}"), p("a/\u{1f600}")]);
    let after: Vec<Path> =
        store.list_with_offset(None, &p("a/\u{e000}")).map_ok(|m| m.location).try_collect().await.unwrap();
    assert_eq!(after, [p("a/\u{1f600}"), p("ab/x"), p("a\u{e000}/q"), p("b/2")]);
}

/// Garbage in the database is reported as an error, never a panic.
#[wasm_bindgen_test]
async fn corrupt_records_are_errors() {
    let store = fresh("corrupt").await;
    store.put(&Path::from("good"), "ok".into()).await.unwrap();

    // Write bad records through a second connection.
    let db = idb::Factory::new().unwrap().open("puddle-test-corrupt", None).unwrap().await.unwrap();
    let tx = db.transaction(&["meta"], idb::TransactionMode::ReadWrite).unwrap();
    let meta = tx.object_store("meta").unwrap();
    let short = r#"{"path":"short","size":3000000,"last_modified":0,"e_tag":"x","chunk_size":1048576,"n_chunks":3,"attributes":{}}"#;
    for (key, value) in
        [("bad", JsValue::from_str("{not json")), ("num", JsValue::from_f64(42.0)), ("short", JsValue::from_str(short))]
    {
        meta.put(&value, Some(&JsValue::from_str(key))).unwrap().await.unwrap();
    }
    tx.commit().unwrap().await.unwrap();
    db.close();

    for key in ["bad", "num"] {
        let err = store.get(&Path::from(key)).await.unwrap_err();
        assert!(matches!(err, Error::Generic { .. }), "{err}");
        assert!(err.to_string().contains("corrupt"), "{err}");
    }
    // Meta is fine but the chunks are missing.
    assert_eq!(store.head(&Path::from("short")).await.unwrap().size, 3_000_000);
    let err = store.get(&Path::from("short")).await.unwrap_err();
    assert!(err.to_string().contains("corrupt"), "{err}");
    // Listing reports the bad record instead of skipping or panicking.
    assert!(store.list(None).try_collect::<Vec<_>>().await.is_err());
    // Good objects are unaffected, and overwriting repairs a bad one.
    assert_eq!(store.get(&Path::from("good")).await.unwrap().bytes().await.unwrap(), "ok");
    store.put(&Path::from("bad"), "fixed".into()).await.unwrap();
    assert_eq!(store.get(&Path::from("bad")).await.unwrap().bytes().await.unwrap(), "fixed");
}

/// A write that IndexedDB rejects after all its requests were issued (as with a
/// `QuotaExceededError`) leaves the previous object whole: no new chunk, no new meta.
#[wasm_bindgen_test]
async fn failed_write_rolls_back_completely() {
    let store = fresh("rollback").await;
    let path = Path::from("x.bin");
    let old = pattern(CHUNK_SIZE * 7 / 2, 1);
    store.put(&path, old.clone().into()).await.unwrap();

    store.fail_next_put();
    let err = store.put(&path, pattern(CHUNK_SIZE * 5 + 3, 2).into()).await.unwrap_err();
    assert!(matches!(err, Error::Generic { store: "IndexedDB", .. }), "{err}");
    assert!(err.to_string().contains("ConstraintError"), "{err}");

    assert_eq!(store.get(&path).await.unwrap().bytes().await.unwrap(), old);
    assert_eq!(store.chunk_count(None).await.unwrap(), 4);

    // A failed first write leaves nothing at all.
    let fresh_path = Path::from("new.bin");
    store.fail_next_put();
    store.put(&fresh_path, pattern(10, 3).into()).await.unwrap_err();
    assert!(matches!(store.head(&fresh_path).await, Err(Error::NotFound { .. })));
    assert_eq!(store.chunk_count(None).await.unwrap(), 4);
}
