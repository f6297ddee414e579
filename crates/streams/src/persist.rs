//! Reading and writing the stream records, shard counters and segments in the store.
//!
//! Layout (all JSON):
//! - `_meta/kinesis/streams/<name>.json`: the stream ([`StreamMeta`]), changed by CAS;
//! - `_meta/kinesis/data/<stream id>/<shard id>/state.json`: the shard's counter ([`ShardState`]);
//! - `_meta/kinesis/data/<stream id>/<shard id>/seg/<first index, 20 digits>.json`: records.
//!
//! A put first creates the segment named by the counter's value (`PutMode::Create`: only one
//! writer can take a name), then moves the counter past it (CAS). A writer that finds the
//! segment taken moves the counter past it for the one that wrote it (roll forward), so a tab
//! closing between the two writes leaves nothing stuck. Segments therefore exist in index
//! order and a reader never skips one that appears later.

use std::sync::Arc;

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};
use serde::{de::DeserializeOwned, Serialize};

use crate::{
    error::{Error, Result},
    model::{Segment, SegmentRecord, ShardState, StreamMeta},
};

/// Most records in one segment (a PutRecords call's limit): the segment holding index `i`
/// starts after `i - MAX_SEGMENT_RECORDS`, which bounds the listing a read starts from.
pub(crate) const MAX_SEGMENT_RECORDS: u64 = 500;
/// Compare-and-swap attempts before giving up with `InternalFailure`.
const MAX_ATTEMPTS: usize = 64;

pub(crate) fn stream_path(name: &str) -> Path {
    Path::from(format!("_meta/kinesis/streams/{name}.json"))
}

pub(crate) fn streams_prefix() -> Path {
    Path::from("_meta/kinesis/streams")
}

pub(crate) fn data_prefix(stream_id: &str) -> Path {
    Path::from(format!("_meta/kinesis/data/{stream_id}"))
}

fn state_path(stream_id: &str, shard: &str) -> Path {
    Path::from(format!("_meta/kinesis/data/{stream_id}/{shard}/state.json"))
}

fn seg_prefix(stream_id: &str, shard: &str) -> Path {
    Path::from(format!("_meta/kinesis/data/{stream_id}/{shard}/seg"))
}

fn seg_path(stream_id: &str, shard: &str, first: u64) -> Path {
    Path::from(format!("_meta/kinesis/data/{stream_id}/{shard}/seg/{first:020}.json"))
}

fn seg_first(path: &Path) -> Option<u64> {
    path.filename()?.strip_suffix(".json")?.parse().ok()
}

/// The record at `path` and its version, or `None`.
pub(crate) async fn get_json<T: DeserializeOwned>(
    store: &Arc<dyn ObjectStore>,
    path: &Path,
) -> Result<Option<(T, UpdateVersion)>> {
    match store.get(path).await {
        Ok(res) => {
            let version = UpdateVersion { e_tag: res.meta.e_tag.clone(), version: res.meta.version.clone() };
            let bytes = res.bytes().await?;
            Ok(Some((serde_json::from_slice(&bytes)?, version)))
        }
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Writes `value` at `path` under `mode`; `Ok(false)` when the precondition failed.
pub(crate) async fn put_json<T: Serialize>(
    store: &Arc<dyn ObjectStore>,
    path: &Path,
    value: &T,
    mode: PutMode,
) -> Result<bool> {
    let body = serde_json::to_vec(value)?;
    match store.put_opts(path, PutPayload::from(body), PutOptions { mode, ..Default::default() }).await {
        Ok(_) => Ok(true),
        Err(object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Deletes `path`; a missing record is fine.
pub(crate) async fn delete(store: &Arc<dyn ObjectStore>, path: &Path) -> Result<()> {
    match store.delete(path).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Deletes everything under `prefix` (a deleted stream's data).
pub(crate) async fn delete_prefix(store: &Arc<dyn ObjectStore>, prefix: &Path) -> Result<()> {
    let paths: Vec<Path> = store.list(Some(prefix)).map_ok(|m| m.location).try_collect().await?;
    for p in paths {
        delete(store, &p).await?;
    }
    Ok(())
}

/// Every stream record.
pub(crate) async fn list_streams(store: &Arc<dyn ObjectStore>) -> Result<Vec<StreamMeta>> {
    let metas: Vec<_> = store.list(Some(&streams_prefix())).try_collect().await?;
    let mut out = Vec::new();
    for m in metas {
        // A damaged record is skipped rather than hiding every other stream.
        if let Ok(Some((meta, _))) = get_json::<StreamMeta>(store, &m.location).await {
            out.push(meta);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// A shard's counter and its version (`None` while never written).
pub(crate) async fn shard_state(
    store: &Arc<dyn ObjectStore>,
    stream_id: &str,
    shard: &str,
) -> Result<(ShardState, Option<UpdateVersion>)> {
    Ok(match get_json::<ShardState>(store, &state_path(stream_id, shard)).await? {
        Some((s, v)) => (s, Some(v)),
        None => (ShardState::default(), None),
    })
}

/// Replaces the counter if it is still at `version`.
async fn swap_state(
    store: &Arc<dyn ObjectStore>,
    stream_id: &str,
    shard: &str,
    state: &ShardState,
    version: Option<UpdateVersion>,
) -> Result<bool> {
    let mode = version.map_or(PutMode::Create, PutMode::Update);
    put_json(store, &state_path(stream_id, shard), state, mode).await
}

/// Writes a new shard's counter.
pub(crate) async fn init_shard(store: &Arc<dyn ObjectStore>, stream_id: &str, shard: &str) -> Result<()> {
    put_json(store, &state_path(stream_id, shard), &ShardState::default(), PutMode::Create).await.map(|_| ())
}

/// Moves the counter past the segment at `at` if one exists there (its writer stopped before
/// its CAS); `true` when it did (or someone else did).
async fn roll_forward(
    store: &Arc<dyn ObjectStore>,
    stream_id: &str,
    shard: &str,
    state: ShardState,
    version: Option<UpdateVersion>,
) -> Result<bool> {
    let Some((seg, _)) = get_json::<Segment>(store, &seg_path(stream_id, shard, state.next)).await? else {
        return Ok(false);
    };
    let next = ShardState { next: state.next + (seg.records.len() as u64).max(1), end: state.end };
    swap_state(store, stream_id, shard, &next, version).await?;
    Ok(true)
}

/// Where an append went.
pub(crate) enum Appended {
    /// The records got indexes `first..`.
    At(u64),
    /// The shard is closed: route again.
    Closed,
}

/// Appends `records` (at most [`MAX_SEGMENT_RECORDS`]) to a shard in one segment.
pub(crate) async fn append(
    store: &Arc<dyn ObjectStore>,
    stream_id: &str,
    shard: &str,
    records: Vec<SegmentRecord>,
) -> Result<Appended> {
    let k = records.len() as u64;
    let mut segment = Segment { first: 0, records };
    for _ in 0..MAX_ATTEMPTS {
        let (state, version) = shard_state(store, stream_id, shard).await?;
        if state.end.is_some() {
            return Ok(Appended::Closed);
        }
        let n = state.next;
        segment.first = n;
        if !put_json(store, &seg_path(stream_id, shard, n), &segment, PutMode::Create).await? {
            roll_forward(store, stream_id, shard, state, version).await?;
            continue;
        }
        // The segment at n is ours; commit it by moving the counter past it (first against the
        // version just read, which is current unless another writer got in).
        if swap_state(store, stream_id, shard, &ShardState { next: n + k, end: None }, version).await? {
            return Ok(Appended::At(n));
        }
        for _ in 0..MAX_ATTEMPTS {
            let (state, version) = shard_state(store, stream_id, shard).await?;
            match state.end {
                Some(end) if end >= n + k - 1 => return Ok(Appended::At(n)),
                Some(_) => {
                    // Closed before our commit: the records are past its end; take them back.
                    delete(store, &seg_path(stream_id, shard, n)).await?;
                    return Ok(Appended::Closed);
                }
                None if state.next >= n + k => return Ok(Appended::At(n)),
                None if state.next == n => {
                    let next = ShardState { next: n + k, end: None };
                    if swap_state(store, stream_id, shard, &next, version).await? {
                        return Ok(Appended::At(n));
                    }
                }
                None => {
                    return Err(Error::InternalFailure {
                        message: format!("shard {shard}: counter {} behind segment {n}", state.next),
                    })
                }
            }
        }
        break;
    }
    Err(Error::InternalFailure { message: format!("too much contention on shard {shard}") })
}

/// Closes a shard's counter (no record is appended after) if it is open; the index of its
/// last record.
pub(crate) async fn close(store: &Arc<dyn ObjectStore>, stream_id: &str, shard: &str) -> Result<u64> {
    for _ in 0..MAX_ATTEMPTS {
        let (state, version) = shard_state(store, stream_id, shard).await?;
        if let Some(end) = state.end {
            return Ok(end);
        }
        if roll_forward(store, stream_id, shard, state, version.clone()).await? {
            continue;
        }
        let end = state.next - 1;
        if swap_state(store, stream_id, shard, &ShardState { next: state.next, end: Some(end) }, version).await? {
            return Ok(end);
        }
    }
    Err(Error::InternalFailure { message: format!("too much contention on shard {shard}") })
}

/// What a read may return.
pub(crate) struct ReadLimits {
    /// Last index to return (a closed shard's end).
    pub until: Option<u64>,
    /// Most records.
    pub records: usize,
    /// Most data bytes (at least one record is returned whatever its size).
    pub bytes: usize,
    /// Records that arrived before this lake time are past retention: skipped, and segments
    /// holding only such records are deleted.
    pub horizon_ms: i64,
}

/// Records of a shard from index `from` on, oldest first.
pub(crate) async fn read_from(
    store: &Arc<dyn ObjectStore>,
    stream_id: &str,
    shard: &str,
    from: u64,
    limits: &ReadLimits,
) -> Result<Vec<(u64, SegmentRecord)>> {
    let mut out = Vec::new();
    if limits.records == 0 {
        return Ok(out);
    }
    let prefix = seg_prefix(stream_id, shard);
    let offset = seg_path(stream_id, shard, from.saturating_sub(MAX_SEGMENT_RECORDS));
    let mut names: Vec<(u64, Path)> = store
        .list_with_offset(Some(&prefix), &offset)
        .try_filter_map(|m| async move { Ok(seg_first(&m.location).map(|f| (f, m.location))) })
        .try_collect()
        .await?;
    names.sort();
    let mut bytes = 0usize;
    for (i, (first, path)) in names.iter().enumerate() {
        if limits.until.is_some_and(|u| *first > u) {
            break;
        }
        if names.get(i + 1).is_some_and(|(next, _)| *next <= from) {
            continue;
        }
        let Some((seg, _)) = get_json::<Segment>(store, path).await? else { continue };
        if seg.records.last().is_some_and(|r| r.t < limits.horizon_ms) {
            delete(store, path).await?;
            continue;
        }
        for (j, rec) in seg.records.into_iter().enumerate() {
            let idx = first + j as u64;
            if idx < from || rec.t < limits.horizon_ms {
                continue;
            }
            if limits.until.is_some_and(|u| idx > u) {
                return Ok(out);
            }
            let size = rec.d.len() / 4 * 3;
            if !out.is_empty() && bytes + size > limits.bytes {
                return Ok(out);
            }
            bytes += size;
            out.push((idx, rec));
            if out.len() >= limits.records {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

/// Records kept by a shard (inside retention, up to `until`), deleting expired segments.
pub(crate) async fn count(
    store: &Arc<dyn ObjectStore>,
    stream_id: &str,
    shard: &str,
    state: &ShardState,
    horizon_ms: i64,
) -> Result<u64> {
    let mut names: Vec<u64> = store
        .list(Some(&seg_prefix(stream_id, shard)))
        .try_filter_map(|m| async move { Ok(seg_first(&m.location)) })
        .try_collect()
        .await?;
    names.sort();
    let last = state.end.unwrap_or(state.next.saturating_sub(1));
    let mut total = 0;
    let mut checking = true;
    for (i, first) in names.iter().enumerate() {
        if *first > last {
            break;
        }
        let upto = names.get(i + 1).map_or(last, |n| (n - 1).min(last));
        if checking {
            // Only the oldest segments can hold expired records: read them until one is current.
            let path = seg_path(stream_id, shard, *first);
            if let Some((seg, _)) = get_json::<Segment>(store, &path).await? {
                if seg.records.last().is_some_and(|r| r.t < horizon_ms) {
                    delete(store, &path).await?;
                    continue;
                }
                total += seg.records.iter().filter(|r| r.t >= horizon_ms).count() as u64;
                checking = false;
                continue;
            }
        }
        total += upto + 1 - first;
    }
    Ok(total)
}
