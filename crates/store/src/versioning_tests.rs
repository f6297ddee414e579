//! Tests of versioning, lifecycle rules, restores and object events.

use std::sync::Arc;

use bytes::Bytes;
use chrono::Duration;
use object_store::memory::InMemory;

use crate::{lifecycle::LifecycleConfiguration, Error, S3};

async fn lake() -> S3 {
    let s3 = S3::new(Arc::new(InMemory::new()));
    s3.create_bucket("raw-1").await.unwrap();
    s3
}

fn events(s3: &S3) -> Vec<String> {
    s3.bus().drain().into_iter().map(|e| format!("{} {}", e.event_name, e.key)).collect()
}

#[tokio::test]
async fn versions_delete_markers_and_get_by_version() {
    let s3 = lake().await;
    s3.put_object("raw-1", "a.csv", Bytes::from("v0")).await.unwrap();
    s3.put_bucket_versioning("raw-1", "Enabled").await.unwrap();
    s3.put_object("raw-1", "a.csv", Bytes::from("v1")).await.unwrap();
    s3.put_object("raw-1", "a.csv", Bytes::from("v2")).await.unwrap();
    let versions = s3.list_object_versions("raw-1", "").await.unwrap();
    assert_eq!(versions.len(), 3);
    assert!(versions[0].is_latest && versions[0].size == 2);
    assert_eq!(versions[2].version_id, "null", "the object from before versioning keeps the null version");
    let v1 = versions[1].version_id.clone();
    assert_eq!(&s3.get_object_version("raw-1", "a.csv", &v1).await.unwrap().0[..], b"v1");
    assert_eq!(&s3.get_object_version("raw-1", "a.csv", "null").await.unwrap().0[..], b"v0");
    assert_eq!(
        s3.head_object("raw-1", "a.csv").await.unwrap().version_id.as_deref(),
        Some(versions[0].version_id.as_str())
    );

    // A plain delete adds a marker: the key is gone, its versions stay.
    let outcome = s3.delete_object_version("raw-1", "a.csv", None).await.unwrap();
    assert!(outcome.delete_marker);
    assert!(matches!(s3.get_object("raw-1", "a.csv").await, Err(Error::NoSuchKey { .. })));
    let after = s3.list_object_versions("raw-1", "").await.unwrap();
    assert_eq!(after.len(), 4);
    assert!(after[0].is_delete_marker && after[0].is_latest);
    let marker = after[0].version_id.clone();
    assert_eq!(s3.get_object_version("raw-1", "a.csv", &marker).await.unwrap_err().code(), "MethodNotAllowed");
    assert!(matches!(s3.delete_bucket("raw-1").await, Err(Error::BucketNotEmpty { .. })), "versions keep a bucket");

    // Deleting the marker brings the newest version back.
    s3.delete_object_version("raw-1", "a.csv", Some(&marker)).await.unwrap();
    assert_eq!(&s3.get_object("raw-1", "a.csv").await.unwrap()[..], b"v2");
    assert_eq!(s3.list_object_versions("raw-1", "").await.unwrap().len(), 3);
    // Deleting the current version by id promotes the one before it.
    let current = s3.head_object("raw-1", "a.csv").await.unwrap().version_id.unwrap();
    s3.delete_object_version("raw-1", "a.csv", Some(&current)).await.unwrap();
    assert_eq!(&s3.get_object("raw-1", "a.csv").await.unwrap()[..], b"v1");
    assert_eq!(s3.get_object_version("raw-1", "a.csv", "0000deadbeef").await.unwrap_err().code(), "NoSuchVersion");
    assert_eq!(s3.get_object_version("raw-1", "a.csv", "../x").await.unwrap_err().code(), "NoSuchVersion");
}

#[tokio::test]
async fn suspended_versioning_overwrites_the_null_version() {
    let s3 = lake().await;
    s3.put_bucket_versioning("raw-1", "Enabled").await.unwrap();
    s3.put_object("raw-1", "k", Bytes::from("kept")).await.unwrap();
    s3.put_bucket_versioning("raw-1", "Suspended").await.unwrap();
    s3.put_object("raw-1", "k", Bytes::from("n1")).await.unwrap();
    s3.put_object("raw-1", "k", Bytes::from("n2")).await.unwrap();
    let versions = s3.list_object_versions("raw-1", "").await.unwrap();
    let ids: Vec<_> = versions.iter().map(|v| v.version_id.as_str()).collect();
    assert_eq!(versions.len(), 2, "{ids:?}");
    assert_eq!(versions[0].version_id, "null");
    assert_eq!(&s3.get_object("raw-1", "k").await.unwrap()[..], b"n2");
    assert_eq!(s3.put_bucket_versioning("raw-1", "On").await.unwrap_err().code(), "MalformedXML");
}

#[tokio::test]
async fn unversioned_buckets_delete_for_good_and_every_change_is_an_event() {
    let s3 = lake().await;
    s3.put_object("raw-1", "sales/a.csv", Bytes::from("x")).await.unwrap();
    s3.copy_object("raw-1", "sales/a.csv", "raw-1", "sales/b.csv").await.unwrap();
    s3.delete_object("raw-1", "sales/a.csv").await.unwrap();
    s3.delete_object("raw-1", "missing").await.unwrap();
    assert_eq!(
        events(&s3),
        ["ObjectCreated:Put sales/a.csv", "ObjectCreated:Copy sales/b.csv", "ObjectRemoved:Delete sales/a.csv"]
    );
    assert!(s3.list_object_versions("raw-1", "").await.unwrap().iter().all(|v| v.version_id == "null"));
}

fn config(json: &str) -> LifecycleConfiguration {
    serde_json::from_str(json).unwrap()
}

#[tokio::test]
async fn lifecycle_transitions_expires_and_glacier_needs_a_restore() {
    let s3 = lake().await;
    s3.put_object("raw-1", "logs/a.log", Bytes::from("log")).await.unwrap();
    s3.put_object("raw-1", "sales/a.csv", Bytes::from("id\n1\n")).await.unwrap();
    s3.put_bucket_lifecycle(
        "raw-1",
        &config(
            r#"{"Rules":[
            {"ID":"archive-sales","Status":"Enabled","Filter":{"Prefix":"sales/"},
             "Transitions":[{"Days":30,"StorageClass":"STANDARD_IA"},{"Days":90,"StorageClass":"GLACIER"}]},
            {"ID":"drop-logs","Status":"Enabled","Filter":{"Prefix":"logs/"},"Expiration":{"Days":7}}]}"#,
        ),
    )
    .await
    .unwrap();
    assert_eq!(s3.bucket_lifecycle("raw-1").await.unwrap().rules.len(), 2);
    let report = s3.apply_lifecycle().await.unwrap();
    assert!(report.transitioned.is_empty() && report.expired.is_empty(), "nothing is due on day 0");

    s3.clock().advance(Duration::days(8));
    let report = s3.apply_lifecycle().await.unwrap();
    assert_eq!(report.expired, [("raw-1".to_string(), "logs/a.log".to_string())]);
    s3.clock().advance(Duration::days(25));
    s3.apply_lifecycle().await.unwrap();
    assert_eq!(s3.head_object("raw-1", "sales/a.csv").await.unwrap().storage_class, "STANDARD_IA");
    assert_eq!(&s3.get_object("raw-1", "sales/a.csv").await.unwrap()[..], b"id\n1\n");

    s3.clock().advance(Duration::days(60));
    s3.apply_lifecycle().await.unwrap();
    let head = s3.head_object("raw-1", "sales/a.csv").await.unwrap();
    assert_eq!(head.storage_class, "GLACIER");
    let err = s3.get_object("raw-1", "sales/a.csv").await.unwrap_err();
    assert_eq!(err.code(), "InvalidObjectState");
    assert!(err.to_string().contains("restore-object"), "{err}");

    assert!(!s3.restore_object("raw-1", "sales/a.csv", 2, "Standard").await.unwrap());
    assert_eq!(
        s3.restore_object("raw-1", "sales/a.csv", 2, "Standard").await.unwrap_err().code(),
        "RestoreAlreadyInProgress"
    );
    assert_eq!(
        s3.head_object("raw-1", "sales/a.csv").await.unwrap().restore.as_deref(),
        Some("ongoing-request=\"true\"")
    );
    assert!(s3.get_object("raw-1", "sales/a.csv").await.unwrap_err().to_string().contains("completes at"));
    s3.clock().advance(Duration::hours(5));
    assert_eq!(&s3.get_object("raw-1", "sales/a.csv").await.unwrap()[..], b"id\n1\n");
    assert!(s3.head_object("raw-1", "sales/a.csv").await.unwrap().restore.unwrap().contains("expiry-date"));
    s3.clock().advance(Duration::days(3));
    assert_eq!(
        s3.get_object("raw-1", "sales/a.csv").await.unwrap_err().code(),
        "InvalidObjectState",
        "the restored copy expired"
    );

    let names: Vec<String> = events(&s3);
    assert!(names.contains(&"LifecycleTransition sales/a.csv".to_string()), "{names:?}");
    assert!(names.contains(&"ObjectRemoved:Delete logs/a.log".to_string()), "{names:?}");
}

#[tokio::test]
async fn noncurrent_versions_expire_and_bad_rules_are_refused() {
    let s3 = lake().await;
    s3.put_bucket_versioning("raw-1", "Enabled").await.unwrap();
    s3.put_object("raw-1", "k", Bytes::from("old")).await.unwrap();
    s3.put_object("raw-1", "k", Bytes::from("new")).await.unwrap();
    s3.put_bucket_lifecycle("raw-1", &config(r#"{"Rules":[{"ID":"r","Status":"Enabled","Filter":{},"NoncurrentVersionExpiration":{"NoncurrentDays":1}}]}"#))
        .await
        .unwrap();
    s3.clock().advance(Duration::days(2));
    let report = s3.apply_lifecycle().await.unwrap();
    assert_eq!(report.noncurrent_expired.len(), 1);
    assert_eq!(s3.list_object_versions("raw-1", "").await.unwrap().len(), 1);

    for (bad, code) in [
        (r#"{"Rules":[]}"#, "MalformedXML"),
        (r#"{"Rules":[{"Status":"On","Expiration":{"Days":1}}]}"#, "MalformedXML"),
        (r#"{"Rules":[{"Status":"Enabled"}]}"#, "MalformedXML"),
        (
            r#"{"Rules":[{"Status":"Enabled","Transitions":[{"Days":5,"StorageClass":"STANDARD_IA"}]}]}"#,
            "InvalidArgument",
        ),
        (r#"{"Rules":[{"Status":"Enabled","Transitions":[{"Days":5,"StorageClass":"COLD"}]}]}"#, "MalformedXML"),
    ] {
        assert_eq!(s3.put_bucket_lifecycle("raw-1", &config(bad)).await.unwrap_err().code(), code, "{bad}");
    }
    assert_eq!(s3.bucket_lifecycle("raw-1").await.unwrap().rules.len(), 1, "a refused config changes nothing");
    s3.delete_bucket_lifecycle("raw-1").await.unwrap();
    assert_eq!(s3.bucket_lifecycle("raw-1").await.unwrap_err().code(), "NoSuchLifecycleConfiguration");
}

#[tokio::test]
async fn listing_times_follow_the_lake_clock() {
    let s3 = lake().await;
    s3.clock().advance(Duration::days(100));
    let info = s3.put_object("raw-1", "k", Bytes::from("x")).await.unwrap();
    assert!(info.last_modified > chrono::Utc::now() + Duration::days(99));
    let listed = s3.list_objects("raw-1", "", None).await.unwrap();
    assert_eq!(listed.objects[0].last_modified, info.last_modified);
}

#[tokio::test]
async fn keys_with_spaces_percent_hash_and_unicode_round_trip() {
    let s3 = lake().await;
    for key in ["a b.csv", "100%.csv", "a#b.csv", "ü/é.csv", "q?x=1&y.csv", "semi;colon+plus.csv"] {
        let put = s3.put_object("raw-1", key, Bytes::from(key.to_string())).await;
        match put {
            Ok(_) => assert_eq!(&s3.get_object("raw-1", key).await.unwrap()[..], key.as_bytes(), "{key}"),
            Err(e) => panic!("{key}: {e}"),
        }
    }
    let listed: Vec<String> =
        s3.list_objects("raw-1", "", None).await.unwrap().objects.into_iter().map(|o| o.key).collect();
    assert_eq!(listed.len(), 6, "{listed:?}");
}
