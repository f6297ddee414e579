//! S3 console tools: the confirmation dialog, destructive actions (multi-delete, empty and
//! delete bucket, lake import), lake export/import buttons, and uploads with per-file progress.

use puddle_api::{ApiError, Request, Response};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::{components::human_bytes, engine::Engine};

/// A destructive action waiting for the user's confirmation.
#[derive(Clone, PartialEq)]
pub enum Action {
    /// Delete keys and folders (recursively) of one bucket.
    DeleteObjects {
        /// Bucket.
        bucket: String,
        /// Selected objects.
        keys: Vec<String>,
        /// Selected folders.
        prefixes: Vec<String>,
    },
    /// Delete every object of a bucket.
    EmptyBucket(String),
    /// Delete a bucket, emptying it first when `objects > 0`.
    DeleteBucket {
        /// Bucket.
        bucket: String,
        /// Objects it holds.
        objects: u64,
    },
    /// Replace the lake with an archive.
    Import {
        /// The file's name.
        name: String,
        /// The `.zip` bytes.
        zip: Vec<u8>,
    },
}

/// What the dialog says about an [`Action`].
#[derive(Clone, PartialEq)]
pub struct Confirm {
    /// Dialog title.
    pub title: String,
    /// Explanation (what will be deleted or replaced, with counts).
    pub message: String,
    /// Label of the confirm button.
    pub confirm_label: String,
    /// The action.
    pub action: Action,
}

/// Runs a confirmed action; `Ok` holds the message to show.
pub async fn run_action(engine: &Engine, action: Action) -> Result<String, String> {
    let fail = |e: ApiError| format!("{}: {}", e.code, e.message);
    match action {
        Action::DeleteObjects { bucket, keys, prefixes } => {
            match engine.call(Request::DeleteObjects { bucket, keys, prefixes }).await.map_err(fail)? {
                Response::Deleted(n) => Ok(format!("Deleted {n} object(s).")),
                _ => Err("unexpected response".into()),
            }
        }
        Action::EmptyBucket(bucket) => {
            let req = Request::DeleteObjects { bucket: bucket.clone(), keys: vec![], prefixes: vec![String::new()] };
            match engine.call(req).await.map_err(fail)? {
                Response::Deleted(n) => Ok(format!("Emptied {bucket}: deleted {n} object(s).")),
                _ => Err("unexpected response".into()),
            }
        }
        Action::DeleteBucket { bucket, objects } => {
            if objects > 0 {
                let req =
                    Request::DeleteObjects { bucket: bucket.clone(), keys: vec![], prefixes: vec![String::new()] };
                engine.call(req).await.map_err(fail)?;
            }
            engine.call(Request::DeleteBucket { bucket: bucket.clone() }).await.map_err(fail)?;
            Ok(format!("Deleted bucket {bucket}."))
        }
        Action::Import { name, zip } => match engine.call(Request::ImportLake { zip }).await.map_err(fail)? {
            Response::Imported(s) => Ok(format!(
                "Imported {name}: {} bucket(s), {} object(s), {}.",
                s.buckets,
                s.objects,
                human_bytes(s.bytes)
            )),
            _ => Err("unexpected response".into()),
        },
    }
}

/// Number of objects under `prefix` (`""`: the whole bucket).
pub async fn count_objects(engine: &Engine, bucket: &str, prefix: &str) -> Result<u64, String> {
    let req = Request::ListObjects { bucket: bucket.into(), prefix: prefix.into(), delimiter: None };
    match engine.call(req).await {
        Ok(Response::Objects(list)) => Ok(list.objects.len() as u64),
        Ok(_) => Err("unexpected response".into()),
        Err(e) => Err(format!("{}: {}", e.code, e.message)),
    }
}

/// Props of [`ConfirmDialog`].
#[derive(Properties, PartialEq)]
pub struct ConfirmDialogProps {
    /// What to confirm.
    pub confirm: Confirm,
    /// Whether the action is running.
    pub busy: bool,
    /// The user confirmed.
    pub on_confirm: Callback<Action>,
    /// The user cancelled (button, Escape, or a click outside).
    pub on_cancel: Callback<()>,
}

/// A modal confirmation: focus starts on Cancel, Escape cancels, Tab stays inside.
#[function_component(ConfirmDialog)]
pub fn confirm_dialog(props: &ConfirmDialogProps) -> Html {
    let cancel_ref = use_node_ref();
    let ok_ref = use_node_ref();
    {
        let cancel_ref = cancel_ref.clone();
        use_effect_with((), move |_| {
            if let Some(el) = cancel_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let on_keydown = {
        let (on_cancel, cancel_ref, ok_ref) = (props.on_cancel.clone(), cancel_ref.clone(), ok_ref.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => {
                e.prevent_default();
                on_cancel.emit(());
            }
            // Keep Tab between the two buttons while the dialog is open.
            "Tab" => {
                let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
                let is = |r: &NodeRef| r.get().zip(active.clone()).is_some_and(|(n, a)| a.is_same_node(Some(&n)));
                let target = match (e.shift_key(), is(&cancel_ref), is(&ok_ref)) {
                    (false, false, true) | (false, false, false) => &cancel_ref,
                    (false, true, _) => &ok_ref,
                    (true, true, _) | (true, false, false) => &ok_ref,
                    (true, false, true) => &cancel_ref,
                };
                if let Some(el) = target.cast::<web_sys::HtmlElement>() {
                    e.prevent_default();
                    let _ = el.focus();
                }
            }
            _ => {}
        })
    };
    let on_backdrop = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |e: MouseEvent| {
            let on_self = e.target().zip(e.current_target()).is_some_and(|(t, c)| t == c);
            if on_self {
                on_cancel.emit(());
            }
        })
    };
    let confirm = {
        let (on_confirm, action) = (props.on_confirm.clone(), props.confirm.action.clone());
        Callback::from(move |_| on_confirm.emit(action.clone()))
    };
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_| on_cancel.emit(()))
    };
    html! {
        <div class="modal-backdrop" onclick={on_backdrop} onkeydown={on_keydown}>
            <div class="modal card" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title"
                aria-describedby="confirm-message" id="confirm-dialog">
                <h2 id="confirm-title">{ &props.confirm.title }</h2>
                <p id="confirm-message">{ &props.confirm.message }</p>
                <div class="modal-buttons">
                    <button id="confirm-cancel" ref={cancel_ref} onclick={cancel} disabled={props.busy}>{"Cancel"}</button>
                    <button id="confirm-ok" ref={ok_ref} class="primary danger" onclick={confirm} disabled={props.busy}>
                        if props.busy { <span class="spinner" aria-hidden="true"></span> }
                        { &props.confirm.confirm_label }
                    </button>
                </div>
            </div>
        </div>
    }
}

/// Progress of one file of an upload.
#[derive(Clone, PartialEq)]
pub struct FileProgress {
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Bytes read from the file so far.
    pub read: u64,
    /// Where it is.
    pub state: FileState,
}

/// Stage of one uploaded file.
#[derive(Clone, PartialEq)]
pub enum FileState {
    /// Waiting for the files before it.
    Queued,
    /// Being read from disk.
    Reading,
    /// Being written to the lake.
    Saving,
    /// Stored.
    Done,
    /// Failed, with why.
    Failed(String),
}

/// Reads a file in slices of this size, so its progress moves while it is read.
const SLICE: f64 = 4.0 * 1024.0 * 1024.0;

/// Uploads `files` into `bucket/prefix` one by one, reporting every step through `report`.
pub async fn upload(
    engine: Engine,
    bucket: String,
    prefix: String,
    files: Vec<web_sys::File>,
    report: Callback<Vec<FileProgress>>,
) {
    let mut progress: Vec<FileProgress> = files
        .iter()
        .map(|f| FileProgress { name: f.name(), size: f.size() as u64, read: 0, state: FileState::Queued })
        .collect();
    report.emit(progress.clone());
    for (i, file) in files.into_iter().enumerate() {
        progress[i].state = FileState::Reading;
        report.emit(progress.clone());
        let size = file.size();
        let mut body = Vec::with_capacity(size as usize);
        let mut start = 0.0;
        let mut failed = None;
        loop {
            let end = (start + SLICE).min(size);
            let chunk = match file.slice_with_f64_and_f64(start, end) {
                Ok(blob) => JsFuture::from(blob.array_buffer()).await,
                Err(e) => Err(e),
            };
            match chunk {
                Ok(buf) => body.extend_from_slice(&js_sys::Uint8Array::new(&buf).to_vec()),
                Err(e) => {
                    failed = Some(format!("could not read the file ({e:?})"));
                    break;
                }
            }
            start = end;
            progress[i].read = end as u64;
            report.emit(progress.clone());
            if start >= size {
                break;
            }
        }
        if let Some(why) = failed {
            progress[i].state = FileState::Failed(why);
            report.emit(progress.clone());
            continue;
        }
        progress[i].state = FileState::Saving;
        report.emit(progress.clone());
        let content_type = Some(file.type_()).filter(|t| !t.is_empty());
        let key = format!("{prefix}{}", file.name());
        let req = Request::PutObject { bucket: bucket.clone(), key, body, content_type };
        progress[i].state = match engine.call(req).await {
            Ok(_) => FileState::Done,
            Err(e) => FileState::Failed(format!("{} {}", e.code, e.message)),
        };
        report.emit(progress.clone());
    }
}

/// Props of [`UploadProgress`].
#[derive(Properties, PartialEq)]
pub struct UploadProgressProps {
    /// Every file of the current (or last) upload.
    pub files: Vec<FileProgress>,
}

/// The total and per-file progress bars of an upload.
#[function_component(UploadProgress)]
pub fn upload_progress(props: &UploadProgressProps) -> Html {
    if props.files.is_empty() {
        return html! {};
    }
    let total: u64 = props.files.iter().map(|f| f.size).sum();
    // A file counts fully once stored; before that, by what was read of it.
    let done: u64 =
        props.files.iter().map(|f| if f.state == FileState::Done { f.size } else { f.read.min(f.size) }).sum();
    let finished = props.files.iter().filter(|f| matches!(f.state, FileState::Done | FileState::Failed(_))).count();
    let failed = props.files.iter().filter(|f| matches!(f.state, FileState::Failed(_))).count();
    let running = finished < props.files.len();
    let headline = if running {
        format!(
            "Uploading {} of {} file(s): {} of {}",
            finished + 1,
            props.files.len(),
            human_bytes(done),
            human_bytes(total)
        )
    } else if failed == 0 {
        format!("Uploaded {} file(s), {}.", props.files.len(), human_bytes(total))
    } else {
        format!("{failed} of {} file(s) failed.", props.files.len())
    };
    let class = classes!(
        "card",
        "upload-progress",
        (!running && failed == 0).then_some("success"),
        (failed > 0).then_some("error")
    );
    html! {
        <div id="upload-status" {class} role="status" aria-live="polite">
            <div class="progress">
                <strong>{ headline }</strong>
                <progress id="upload-total" max={total.max(1).to_string()} value={if total == 0 { (!running as u8).to_string() } else { done.to_string() }}
                    aria-label="Total upload progress" />
            </div>
            <ul class="upload-files">
                { for props.files.iter().map(|f| {
                    let (label, value) = match &f.state {
                        FileState::Queued => ("Queued".to_string(), 0),
                        FileState::Reading => (format!("Reading {} of {}", human_bytes(f.read), human_bytes(f.size)), f.read),
                        FileState::Saving => ("Saving to the lake…".to_string(), f.read),
                        FileState::Done => ("Done".to_string(), f.size),
                        FileState::Failed(why) => (format!("Failed: {why}"), f.read),
                    };
                    let state = match f.state {
                        FileState::Done => "done",
                        FileState::Failed(_) => "failed",
                        _ => "running",
                    };
                    html! {
                        <li class="upload-file" data-file={f.name.clone()} data-state={state}>
                            <span class="upload-name mono">{ &f.name }</span>
                            <span class="muted small">{ human_bytes(f.size) }</span>
                            <progress max={f.size.max(1).to_string()} value={if f.size == 0 { u64::from(state == "done") } else { value }.to_string()}
                                aria-label={format!("Progress of {}", f.name)} />
                            <span class={classes!("small", (state == "failed").then_some("error-text"))}>{ label }</span>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

/// Props of [`LakeArchive`].
#[derive(Properties, PartialEq)]
pub struct LakeArchiveProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Asks for confirmation of an import (the bucket list shows the dialog).
    pub on_import: Callback<Action>,
}

/// "Export lake (.zip)" and "Import lake" buttons.
#[function_component(LakeArchive)]
pub fn lake_archive(props: &LakeArchiveProps) -> Html {
    let status = use_state(|| None::<Result<String, String>>);
    let busy = use_state(|| false);
    let on_export = {
        let (engine, status, busy) = (props.engine.clone(), status.clone(), busy.clone());
        Callback::from(move |_| {
            let (engine, status, busy) = (engine.clone(), status.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let name = format!("puddle-lake-{}.zip", js_date());
                let result = match engine.call(Request::ExportLake).await {
                    Ok(Response::Object(bytes)) => super::s3::save_file(&name, &bytes)
                        .map(|_| format!("Exported the lake to {name} ({}).", human_bytes(bytes.len() as u64))),
                    Ok(_) => Err("unexpected response".into()),
                    Err(e) => Err(format!("{}: {}", e.code, e.message)),
                };
                busy.set(false);
                status.set(Some(result));
            });
        })
    };
    let on_file = {
        let (on_import, status) = (props.on_import.clone(), status.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let (on_import, status) = (on_import.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match JsFuture::from(file.array_buffer()).await {
                    Ok(buf) => {
                        status.set(None);
                        on_import
                            .emit(Action::Import { name: file.name(), zip: js_sys::Uint8Array::new(&buf).to_vec() })
                    }
                    Err(e) => status.set(Some(Err(format!("Could not read {}: {e:?}", file.name())))),
                }
            });
        })
    };
    html! {
        <div class="card lake-archive">
            <div class="toolbar">
                <button id="export-lake" onclick={on_export} disabled={*busy}>
                    if *busy { <span class="spinner" aria-hidden="true"></span> }
                    {"Export lake (.zip)"}
                </button>
                <input id="import-lake-input" class="visually-hidden" type="file" accept=".zip,application/zip" onchange={on_file} />
                <label class="button" for="import-lake-input">{"Import lake"}</label>
                <span class="muted small">{"Every bucket, object and catalog record in one .zip: back it up, or move it to another browser."}</span>
            </div>
            { match &*status {
                Some(Ok(m)) => html! { <p id="archive-status" class="success-text" role="status">{ m }</p> },
                Some(Err(m)) => html! { <p id="archive-status" class="error-text" role="alert">{ m }</p> },
                None => html! {},
            }}
        </div>
    }
}

/// Today as `YYYY-MM-DD` (browser clock).
fn js_date() -> String {
    let iso = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
    iso.get(..10).unwrap_or("export").to_string()
}
