//! Hash routes (`#/s3/bucket/prefix/`), so any static host serves every page.

use wasm_bindgen::{prelude::*, JsCast};
use yew::prelude::*;

/// A page of the console.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// S3 bucket list.
    Buckets,
    /// Objects of a bucket under a prefix (`""` or ending in `/`).
    Bucket {
        /// Bucket name.
        bucket: String,
        /// Folder prefix.
        prefix: String,
    },
    /// Glue crawlers and Data Catalog.
    Glue,
    /// Glue ETL jobs and triggers.
    Jobs,
    /// The visual (Glue Studio) job editor.
    VisualJob,
    /// EventBridge rules, S3 events, activity and the lake clock.
    Events,
    /// Versioning, lifecycle and versions of a bucket.
    BucketSettings {
        /// Bucket name.
        bucket: String,
    },
    /// Athena query editor.
    Athena,
    /// The `aws` terminal.
    Terminal,
    /// Kinesis Data Streams: the streams list, or one stream.
    Kinesis {
        /// Stream name (`None`: the list).
        stream: Option<String>,
    },
    /// Amazon Data Firehose: the delivery streams list, or one of them.
    Firehose {
        /// Delivery stream name (`None`: the list).
        name: Option<String>,
    },
    /// The Glue Data Catalog browser: databases, or the tables of one, or one table.
    Catalog {
        /// Database (`None`: every database).
        database: Option<String>,
        /// Table of the database.
        table: Option<String>,
    },
}

impl Route {
    /// Parses `location.hash`.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let decoded = js_sys::decode_uri_component(path).ok().and_then(|s| s.as_string()).unwrap_or(path.to_string());
        let mut parts = decoded.splitn(3, '/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("athena"), ..) => Route::Athena,
            (Some("glue"), Some("jobs"), Some("visual")) => Route::VisualJob,
            (Some("glue"), Some("jobs"), _) => Route::Jobs,
            (Some("glue"), Some("catalog"), rest) => {
                let mut p = rest.unwrap_or("").split('/').filter(|s| !s.is_empty()).map(str::to_string);
                Route::Catalog { database: p.next(), table: p.next() }
            }
            (Some("glue"), ..) => Route::Glue,
            (Some("events"), ..) => Route::Events,
            (Some("s3-settings"), Some(bucket), _) if !bucket.is_empty() => {
                Route::BucketSettings { bucket: bucket.to_string() }
            }
            (Some("terminal"), ..) => Route::Terminal,
            (Some("kinesis"), name, _) => Route::Kinesis { stream: name.filter(|n| !n.is_empty()).map(str::to_string) },
            (Some("firehose"), name, _) => Route::Firehose { name: name.filter(|n| !n.is_empty()).map(str::to_string) },
            (Some("s3"), Some(bucket), prefix) if !bucket.is_empty() => {
                Route::Bucket { bucket: bucket.to_string(), prefix: prefix.unwrap_or("").to_string() }
            }
            _ => Route::Buckets,
        }
    }

    /// The hash that leads here.
    pub fn href(&self) -> String {
        match self {
            Route::Buckets => "#/s3".into(),
            Route::Bucket { bucket, prefix } => {
                let encoded: String = js_sys::encode_uri(&format!("{bucket}/{prefix}")).into();
                format!("#/s3/{encoded}")
            }
            Route::Glue => "#/glue".into(),
            Route::Jobs => "#/glue/jobs".into(),
            Route::VisualJob => "#/glue/jobs/visual".into(),
            Route::Events => "#/events".into(),
            Route::BucketSettings { bucket } => format!("#/s3-settings/{bucket}"),
            Route::Athena => "#/athena".into(),
            Route::Terminal => "#/terminal".into(),
            Route::Kinesis { stream: Some(s) } => {
                format!("#/kinesis/{}", String::from(js_sys::encode_uri_component(s)))
            }
            Route::Kinesis { stream: None } => "#/kinesis".into(),
            Route::Firehose { name: Some(n) } => {
                format!("#/firehose/{}", String::from(js_sys::encode_uri_component(n)))
            }
            Route::Firehose { name: None } => "#/firehose".into(),
            Route::Catalog { database, table } => match (database, table) {
                (Some(d), Some(t)) => format!("#/glue/catalog/{d}/{t}"),
                (Some(d), None) => format!("#/glue/catalog/{d}"),
                _ => "#/glue/catalog".into(),
            },
        }
    }
}

/// The current route, re-rendering on every `hashchange`.
#[hook]
pub fn use_route() -> Route {
    let route = use_state(current);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let closure = Closure::<dyn Fn()>::new(move || route.set(current()));
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref());
                }
            }
        });
    }
    (*route).clone()
}

fn current() -> Route {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    Route::parse(&hash)
}
