//! The event bus: S3 object events, published as they happen and drained by the lake.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// How many recent events the bus keeps for the console.
const RECENT: usize = 200;

/// An S3 event notification (what S3 sends to EventBridge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Event {
    /// `ObjectCreated:Put`, `ObjectCreated:Copy`, `ObjectRemoved:Delete`,
    /// `ObjectRemoved:DeleteMarkerCreated`, `LifecycleTransition`, `LifecycleExpiration:Delete`,
    /// `ObjectRestore:Completed`.
    pub event_name: String,
    /// Bucket.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// Size in bytes (0 for removals).
    pub size: u64,
    /// Quoted ETag, when the object has one.
    pub etag: Option<String>,
    /// Version id in a versioned bucket.
    pub version_id: Option<String>,
    /// When it happened (lake time).
    pub time: DateTime<Utc>,
    /// Increasing hex string ordering events of one key, as S3's `sequencer`.
    pub sequencer: String,
}

impl S3Event {
    /// EventBridge's `detail-type` for this event (`Object Created`, `Object Deleted`, ...).
    pub fn detail_type(&self) -> &'static str {
        let kind = self.event_name.split(':').next().unwrap_or_default();
        match kind {
            "ObjectCreated" => "Object Created",
            "ObjectRemoved" | "LifecycleExpiration" => "Object Deleted",
            "LifecycleTransition" => "Object Storage Class Changed",
            "ObjectRestore" => "Object Restore Completed",
            _ => "Object Created",
        }
    }

    /// The event as EventBridge delivers it (`source: aws.s3`), for pattern matching and display.
    pub fn to_eventbridge(&self) -> Value {
        let mut object = json!({ "key": self.key, "size": self.size, "sequencer": self.sequencer });
        if let Some(etag) = &self.etag {
            object["etag"] = Value::from(etag.trim_matches('"'));
        }
        if let Some(v) = &self.version_id {
            object["version-id"] = Value::from(v.as_str());
        }
        let reason = match self.event_name.as_str() {
            "ObjectCreated:Put" => "PutObject",
            "ObjectCreated:Copy" => "CopyObject",
            "ObjectRemoved:Delete" | "ObjectRemoved:DeleteMarkerCreated" => "DeleteObject",
            "LifecycleExpiration:Delete" => "Lifecycle Expiration",
            _ => "",
        };
        json!({
            "version": "0",
            "id": format!("{}-{}", self.sequencer, self.key.len()),
            "detail-type": self.detail_type(),
            "source": "aws.s3",
            "account": "123456789012",
            "time": self.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "region": "us-east-1",
            "resources": [format!("arn:aws:s3:::{}", self.bucket)],
            "detail": {
                "version": "0",
                "bucket": { "name": self.bucket },
                "object": object,
                "request-id": self.sequencer,
                "requester": "123456789012",
                "reason": reason,
            }
        })
    }
}

#[derive(Debug, Default)]
struct Inner {
    pending: Vec<S3Event>,
    recent: VecDeque<S3Event>,
    sequence: u64,
}

/// Where S3 publishes its events. Cheap to clone; clones share the queue.
#[derive(Debug, Clone, Default)]
pub struct EventBus {
    inner: Arc<Mutex<Inner>>,
}

impl EventBus {
    /// An empty bus.
    pub fn new() -> Self {
        Self::default()
    }

    /// Publishes an event; its `sequencer` is filled in here.
    pub fn publish(&self, mut event: S3Event) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.sequence += 1;
        event.sequencer =
            format!("{:016X}", (event.time.timestamp_millis().max(0) as u64) << 12 | (inner.sequence & 0xFFF));
        inner.recent.push_back(event.clone());
        while inner.recent.len() > RECENT {
            inner.recent.pop_front();
        }
        inner.pending.push(event);
    }

    /// Takes every event published since the last drain, oldest first.
    pub fn drain(&self) -> Vec<S3Event> {
        std::mem::take(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()).pending)
    }

    /// Whether events wait for the next drain.
    pub fn has_pending(&self) -> bool {
        !self.inner.lock().unwrap_or_else(|e| e.into_inner()).pending.is_empty()
    }

    /// The most recent events (at most 200), oldest first.
    pub fn recent(&self) -> Vec<S3Event> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).recent.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, key: &str) -> S3Event {
        S3Event {
            event_name: name.into(),
            bucket: "raw-1".into(),
            key: key.into(),
            size: 3,
            etag: Some("\"abc\"".into()),
            version_id: None,
            time: Utc::now(),
            sequencer: String::new(),
        }
    }

    #[test]
    fn drain_takes_pending_events_in_order_and_recent_keeps_them() {
        let bus = EventBus::new();
        bus.publish(event("ObjectCreated:Put", "a.csv"));
        bus.publish(event("ObjectRemoved:Delete", "a.csv"));
        let drained = bus.drain();
        assert_eq!(
            drained.iter().map(|e| e.event_name.as_str()).collect::<Vec<_>>(),
            ["ObjectCreated:Put", "ObjectRemoved:Delete"]
        );
        assert!(drained[0].sequencer < drained[1].sequencer);
        assert!(bus.drain().is_empty());
        assert_eq!(bus.recent().len(), 2);
    }

    #[test]
    fn eventbridge_shape() {
        let e = event("ObjectCreated:Put", "sales/a.csv").to_eventbridge();
        assert_eq!(e["source"], "aws.s3");
        assert_eq!(e["detail-type"], "Object Created");
        assert_eq!(e["detail"]["bucket"]["name"], "raw-1");
        assert_eq!(e["detail"]["object"]["key"], "sales/a.csv");
        assert_eq!(e["detail"]["object"]["etag"], "abc");
        assert_eq!(event("ObjectRemoved:Delete", "k").to_eventbridge()["detail-type"], "Object Deleted");
    }
}
