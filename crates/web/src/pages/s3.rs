//! S3: the bucket list and the object browser.

use puddle_api::{ApiError, BucketSummary, CreateTableInput, DataFormat, ListObjectsOutput, Request, Response};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{
    call, input_value,
    s3_tools::{count_objects, run_action, Action, Confirm, ConfirmDialog, FileProgress, LakeArchive, UploadProgress},
};
use crate::{
    app::use_engine,
    components::{
        breadcrumbs::{Breadcrumbs, Crumb},
        human_bytes,
        results_table::ResultsTable,
        short_time,
        storage_usage::StorageUsage,
    },
    engine::Engine,
    route::Route,
};

/// Props of the S3 pages.
#[derive(Properties, PartialEq)]
pub struct BucketsProps {
    /// Engine bridge.
    pub engine: Engine,
}

/// Bucket list with a create form.
#[function_component(BucketsPage)]
pub fn buckets_page(props: &BucketsProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let buckets = use_state(|| None::<Result<Vec<BucketSummary>, String>>);
    let name = use_state(String::new);
    let form_error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirm = use_state(|| None::<Confirm>);
    let confirm_busy = use_state(|| false);
    let notice = use_state(|| None::<Result<String, String>>);
    {
        let (engine, buckets) = (props.engine.clone(), buckets.clone());
        use_effect_with(version, move |_| {
            call(
                &engine,
                Request::ListBuckets,
                Callback::from(move |res: Result<Response, ApiError>| {
                    buckets.set(Some(match res {
                        Ok(Response::Buckets(b)) => Ok(b),
                        Ok(_) => Err("unexpected response".into()),
                        Err(e) => Err(e.message),
                    }))
                }),
            );
        });
    }
    let on_create = {
        let (engine, name, form_error, busy) = (props.engine.clone(), name.clone(), form_error.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let bucket = name.trim().to_string();
            if bucket.is_empty() {
                form_error.set(Some("Enter a bucket name, for example data-lake-raw-123.".into()));
                return;
            }
            busy.set(true);
            let (name, form_error, busy) = (name.clone(), form_error.clone(), busy.clone());
            call(
                &engine,
                Request::CreateBucket { bucket },
                Callback::from(move |res: Result<Response, ApiError>| {
                    busy.set(false);
                    match res {
                        Ok(_) => {
                            name.set(String::new());
                            form_error.set(None);
                        }
                        Err(e) => form_error.set(Some(format!("{}: {}", e.code, e.message))),
                    }
                }),
            );
        })
    };
    // Delete and Empty count the bucket's objects first, so the dialog can say what goes.
    let ask = {
        let (engine, confirm, notice) = (props.engine.clone(), confirm.clone(), notice.clone());
        Callback::from(move |(bucket, empty_only): (String, bool)| {
            let (engine, confirm, notice) = (engine.clone(), confirm.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let objects = match count_objects(&engine, &bucket, "").await {
                    Ok(n) => n,
                    Err(e) => return notice.set(Some(Err(e))),
                };
                confirm.set(Some(match (empty_only, objects) {
                    (true, 0) => return notice.set(Some(Ok(format!("{bucket} is already empty.")))),
                    (true, n) => Confirm {
                        title: format!("Empty bucket {bucket}?"),
                        message: format!("All {n} object(s) in {bucket} will be deleted. This cannot be undone."),
                        confirm_label: format!("Delete {n} object(s)"),
                        action: Action::EmptyBucket(bucket),
                    },
                    (false, 0) => Confirm {
                        title: format!("Delete bucket {bucket}?"),
                        message: format!("The bucket {bucket} is empty and will be deleted."),
                        confirm_label: "Delete bucket".into(),
                        action: Action::DeleteBucket { bucket, objects: 0 },
                    },
                    (false, n) => Confirm {
                        title: format!("Delete bucket {bucket}?"),
                        message: format!(
                            "{bucket} holds {n} object(s). They will be deleted with the bucket (like aws s3 rb --force). This cannot be undone."
                        ),
                        confirm_label: format!("Delete {n} object(s) and the bucket"),
                        action: Action::DeleteBucket { bucket, objects: n },
                    },
                }));
            });
        })
    };
    let on_import = {
        let confirm = confirm.clone();
        Callback::from(move |action: Action| {
            let Action::Import { name, .. } = &action else { return };
            confirm.set(Some(Confirm {
                title: format!("Import {name}?"),
                message: "Importing replaces the whole lake (every bucket, object, table, crawler and job) with the archive's content. Export the current lake first if you need it.".into(),
                confirm_label: "Replace the lake".into(),
                action,
            }));
        })
    };
    let on_confirm = confirm_handler(&props.engine, &confirm, &confirm_busy, &notice);
    let on_cancel = {
        let confirm = confirm.clone();
        Callback::from(move |_| confirm.set(None))
    };
    let count = match &*buckets {
        Some(Ok(b)) => format!(" ({})", b.len()),
        _ => String::new(),
    };
    html! {
        <section class="page">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "Amazon S3".into(), href: Some(Route::Buckets.href()) },
                Crumb { label: "Buckets".into(), href: None },
            ]} />
            <h1>{ format!("Buckets{count}") }</h1>
            <p class="lead">{"Buckets hold your raw and processed data. Everything is stored in this browser (IndexedDB) and survives reloads."}</p>
            <StorageUsage {version} />
            <LakeArchive engine={props.engine.clone()} {on_import} />
            { notice_html(&notice) }
            if let Some(c) = &*confirm {
                <ConfirmDialog confirm={c.clone()} busy={*confirm_busy} {on_confirm} {on_cancel} />
            }
            <form class="card inline-form" onsubmit={on_create}>
                <label for="new-bucket-name">{"Bucket name"}</label>
                <input id="new-bucket-name" type="text" placeholder="data-lake-raw-123" value={(*name).clone()}
                    autocomplete="off" spellcheck="false"
                    aria-invalid={form_error.is_some().then_some("true")}
                    oninput={let name = name.clone(); Callback::from(move |e: InputEvent| name.set(input_value(&e)))} />
                <button id="create-bucket" class="primary" type="submit" disabled={*busy}>{"Create bucket"}</button>
                if let Some(err) = &*form_error {
                    <p id="bucket-error" class="error-text" role="alert">{ err }</p>
                }
            </form>
            { match &*buckets {
                None => html! { <p class="muted">{"Loading buckets…"}</p> },
                Some(Err(e)) => html! { <p class="error-text" role="alert">{ e }</p> },
                Some(Ok(list)) if list.is_empty() => html! {
                    <div class="empty-state">
                        <h2>{"No buckets yet"}</h2>
                        <p>{"Create a bucket above, or run "}<code>{"aws s3 mb s3://data-lake-raw-123"}</code>{" in CloudShell."}</p>
                    </div>
                },
                Some(Ok(list)) => html! {
                    <table class="grid" id="bucket-list">
                        <thead><tr><th>{"Name"}</th><th>{"Created"}</th><th class="actions">{"Actions"}</th></tr></thead>
                        <tbody>
                        { for list.iter().map(|b| {
                            let href = Route::Bucket { bucket: b.name.clone(), prefix: String::new() }.href();
                            let (ask_delete, ask_empty) = (ask.clone(), ask.clone());
                            let (bucket, bucket2) = (b.name.clone(), b.name.clone());
                            html! {
                                <tr>
                                    <td><a href={href} data-bucket={b.name.clone()}>{ &b.name }</a></td>
                                    <td>{ short_time(&b.creation_date) }</td>
                                    <td class="actions">
                                        <button class="link" aria-label={format!("Empty bucket {}", b.name)}
                                            onclick={Callback::from(move |_| ask_empty.emit((bucket2.clone(), true)))}>{"Empty"}</button>{" · "}
                                        <button class="link danger" aria-label={format!("Delete bucket {}", b.name)}
                                            onclick={Callback::from(move |_| ask_delete.emit((bucket.clone(), false)))}>{"Delete"}</button>
                                    </td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                },
            }}
        </section>
    }
}

/// Props of [`BucketPage`].
#[derive(Properties, PartialEq)]
pub struct BucketProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Bucket shown.
    pub bucket: String,
    /// Folder shown (`""` or ending in `/`).
    pub prefix: String,
}

/// Objects of one bucket, folder by folder.
#[function_component(BucketPage)]
pub fn bucket_page(props: &BucketProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let listing = use_state(|| None::<Result<ListObjectsOutput, String>>);
    let upload = use_state(Vec::<FileProgress>::new);
    let action_error = use_state(|| None::<String>);
    let selected = use_state(std::collections::BTreeSet::<String>::new);
    let confirm = use_state(|| None::<Confirm>);
    let confirm_busy = use_state(|| false);
    let notice = use_state(|| None::<Result<String, String>>);
    let preview = use_state(|| None::<(String, Result<puddle_api::QueryResult, String>)>);
    let details = use_state(|| None::<String>);
    {
        let (engine, listing) = (props.engine.clone(), listing.clone());
        let (bucket, prefix) = (props.bucket.clone(), props.prefix.clone());
        let selected = selected.clone();
        use_effect_with((version, bucket.clone(), prefix.clone()), move |_| {
            selected.set(Default::default());
            let req = Request::ListObjects { bucket, prefix, delimiter: Some("/".into()) };
            call(
                &engine,
                req,
                Callback::from(move |res: Result<Response, ApiError>| {
                    listing.set(Some(match res {
                        Ok(Response::Objects(o)) => Ok(o),
                        Ok(_) => Err("unexpected response".into()),
                        Err(e) => Err(format!("{}: {}", e.code, e.message)),
                    }))
                }),
            );
        });
    }
    // One upload routine for the file picker and for files dropped on the page.
    let upload_files = {
        let (engine, upload) = (props.engine.clone(), upload.clone());
        let (bucket, prefix) = (props.bucket.clone(), props.prefix.clone());
        Callback::from(move |files: Vec<web_sys::File>| {
            if files.is_empty() {
                return;
            }
            let report = {
                let upload = upload.clone();
                Callback::from(move |p: Vec<FileProgress>| upload.set(p))
            };
            let task = super::s3_tools::upload(engine.clone(), bucket.clone(), prefix.clone(), files, report);
            wasm_bindgen_futures::spawn_local(task);
        })
    };
    let on_files = {
        let upload_files = upload_files.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            let Some(files) = input.files() else { return };
            let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
            input.set_value("");
            upload_files.emit(files);
        })
    };
    let dragging = use_state(|| false);
    let on_drop = {
        let (upload_files, dragging) = (upload_files.clone(), dragging.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let Some(files) = e.data_transfer().and_then(|d| d.files()) else { return };
            upload_files.emit((0..files.length()).filter_map(|i| files.get(i)).collect());
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    // Deleting asks first, with the number of objects the selected folders hold.
    let ask_delete = {
        let (engine, confirm, notice, bucket) =
            (props.engine.clone(), confirm.clone(), notice.clone(), props.bucket.clone());
        Callback::from(move |names: Vec<String>| {
            let (engine, confirm, notice, bucket) = (engine.clone(), confirm.clone(), notice.clone(), bucket.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let (prefixes, keys): (Vec<String>, Vec<String>) = names.into_iter().partition(|n| n.ends_with('/'));
                let mut in_folders = 0;
                for p in &prefixes {
                    match count_objects(&engine, &bucket, p).await {
                        Ok(n) => in_folders += n,
                        Err(e) => return notice.set(Some(Err(e))),
                    }
                }
                let total = keys.len() as u64 + in_folders;
                let message = match (keys.len(), prefixes.len()) {
                    (1, 0) => format!("s3://{bucket}/{} will be deleted. This cannot be undone.", keys[0]),
                    (k, 0) => format!("{k} object(s) will be deleted. This cannot be undone."),
                    (k, f) => format!(
                        "{k} object(s) and {f} folder(s) ({}) holding {in_folders} object(s) will be deleted: {total} object(s) in all. This cannot be undone.",
                        prefixes.iter().map(|p| p.rsplit('/').nth(1).unwrap_or(p).to_string() + "/").collect::<Vec<_>>().join(", ")
                    ),
                };
                confirm.set(Some(Confirm {
                    title: if total == 1 && prefixes.is_empty() {
                        "Delete object?".into()
                    } else {
                        format!("Delete {total} object(s)?")
                    },
                    message,
                    confirm_label: format!("Delete {total} object(s)"),
                    action: Action::DeleteObjects { bucket, keys, prefixes },
                }));
            });
        })
    };
    let on_confirm = confirm_handler(&props.engine, &confirm, &confirm_busy, &notice);
    let on_cancel = {
        let confirm = confirm.clone();
        Callback::from(move |_| confirm.set(None))
    };
    let toggle = {
        let selected = selected.clone();
        Callback::from(move |name: String| {
            let mut next = (*selected).clone();
            if !next.remove(&name) {
                next.insert(name);
            }
            selected.set(next);
        })
    };
    let all_names: Vec<String> = match &*listing {
        Some(Ok(l)) => l.common_prefixes.iter().cloned().chain(l.objects.iter().map(|o| o.key.clone())).collect(),
        _ => Vec::new(),
    };
    let all_selected = !all_names.is_empty() && all_names.iter().all(|n| selected.contains(n));
    let on_select_all = {
        let (selected, all_names) = (selected.clone(), all_names.clone());
        Callback::from(move |_: Event| {
            selected.set(if all_selected { Default::default() } else { all_names.iter().cloned().collect() })
        })
    };
    let on_delete_selected = {
        let (ask_delete, selected) = (ask_delete.clone(), selected.clone());
        Callback::from(move |_| ask_delete.emit(selected.iter().cloned().collect()))
    };

    let on_preview = {
        let (engine, preview, bucket) = (props.engine.clone(), preview.clone(), props.bucket.clone());
        Callback::from(move |key: String| {
            let preview = preview.clone();
            let req = Request::PreviewObject { bucket: bucket.clone(), key: key.clone(), format: None, rows: 20 };
            call(
                &engine,
                req,
                Callback::from(move |res: Result<Response, ApiError>| {
                    preview.set(Some((
                        key.clone(),
                        match res {
                            Ok(Response::Query(r)) => Ok(r),
                            Ok(_) => Err("unexpected response".into()),
                            Err(e) => Err(format!("{}: {}", e.code, e.message)),
                        },
                    )));
                }),
            );
        })
    };
    let on_download = {
        let (engine, action_error, bucket) = (props.engine.clone(), action_error.clone(), props.bucket.clone());
        Callback::from(move |key: String| {
            let (engine, action_error, bucket) = (engine.clone(), action_error.clone(), bucket.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match engine.call(Request::GetObject { bucket, key: key.clone() }).await {
                    Ok(Response::Object(bytes)) => {
                        if let Err(e) = save_file(&key, &bytes) {
                            action_error.set(Some(format!("Download failed: {e}")));
                        }
                    }
                    Ok(_) => action_error.set(Some("unexpected response".into())),
                    Err(e) => action_error.set(Some(format!("{}: {}", e.code, e.message))),
                }
            });
        })
    };
    let mut crumbs = vec![
        Crumb { label: "Amazon S3".into(), href: Some(Route::Buckets.href()) },
        Crumb { label: "Buckets".into(), href: Some(Route::Buckets.href()) },
        Crumb {
            label: props.bucket.clone(),
            href: Some(Route::Bucket { bucket: props.bucket.clone(), prefix: String::new() }.href()),
        },
    ];
    let mut walked = String::new();
    for part in props.prefix.split('/').filter(|p| !p.is_empty()) {
        walked.push_str(part);
        walked.push('/');
        crumbs.push(Crumb {
            label: format!("{part}/"),
            href: Some(Route::Bucket { bucket: props.bucket.clone(), prefix: walked.clone() }.href()),
        });
    }
    if let Some(last) = crumbs.last_mut() {
        last.href = None;
    }
    let location = format!("s3://{}/{}", props.bucket, props.prefix);
    html! {
        <section class={classes!("page", "drop-zone", dragging.then_some("dragging"))}
            ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave}>
            <Breadcrumbs {crumbs} />
            <h1>{ if props.prefix.is_empty() { props.bucket.clone() } else { props.prefix.clone() } }</h1>
            <p class="lead mono">{ &location }
                <a id="bucket-properties" class="properties-link" href={Route::BucketSettings { bucket: props.bucket.clone() }.href()}>{"Properties: versioning and lifecycle"}</a></p>
            <div class="toolbar">
                <input id="upload-input" class="visually-hidden" type="file" multiple=true onchange={on_files} />
                <label class="button primary" for="upload-input">{"Upload files"}</label>
                <button id="delete-selected" class="danger" disabled={selected.is_empty()} onclick={on_delete_selected}>
                    { if selected.is_empty() { "Delete".to_string() } else { format!("Delete ({})", selected.len()) } }
                </button>
                <span class="muted">{"Or drop files anywhere on this page. CSV, JSON lines or Parquet; files go into this folder."}</span>
            </div>
            <UploadProgress files={(*upload).clone()} />
            { notice_html(&notice) }
            if let Some(c) = &*confirm {
                <ConfirmDialog confirm={c.clone()} busy={*confirm_busy} {on_confirm} {on_cancel} />
            }
            if let Some(err) = &*action_error {
                <p class="error-text" role="alert">{ err }</p>
            }
            { match &*listing {
                None => html! { <p class="muted">{"Loading objects…"}</p> },
                Some(Err(e)) => html! { <p class="error-text" role="alert">{ e }</p> },
                Some(Ok(list)) if list.objects.is_empty() && list.common_prefixes.is_empty() => html! {
                    <div class="empty-state">
                        <h2>{"No objects"}</h2>
                        <p>{"Upload a file, or copy one here with "}<code>{ format!("aws s3 cp sales.csv {location}") }</code>{"."}</p>
                    </div>
                },
                Some(Ok(list)) => html! {
                    <table class="grid" id="object-list">
                        <thead><tr>
                            <th class="check"><input type="checkbox" id="select-all" aria-label="Select all in this folder"
                                checked={all_selected} onchange={on_select_all} /></th>
                            <th>{"Name"}</th><th>{"Size"}</th><th>{"Last modified"}</th><th>{"ETag"}</th><th class="actions">{"Actions"}</th>
                        </tr></thead>
                        <tbody>
                        { for list.common_prefixes.iter().map(|p| {
                            let name = &p[props.prefix.len()..];
                            let href = Route::Bucket { bucket: props.bucket.clone(), prefix: p.clone() }.href();
                            let (toggle, p2) = (toggle.clone(), p.clone());
                            let (ask, p3) = (ask_delete.clone(), p.clone());
                            html! { <tr class={classes!(selected.contains(p).then_some("selected"))}>
                                <td class="check"><input type="checkbox" aria-label={format!("Select folder {name}")} data-select={p.clone()}
                                    checked={selected.contains(p)} onchange={Callback::from(move |_: Event| toggle.emit(p2.clone()))} /></td>
                                <td><a href={href} class="folder">{ name }</a></td><td>{"—"}</td><td>{"—"}</td><td></td>
                                <td class="actions"><button class="link danger" aria-label={format!("Delete folder {name}")}
                                    onclick={Callback::from(move |_| ask.emit(vec![p3.clone()]))}>{"Delete"}</button></td>
                            </tr> }
                        }) }
                        { for list.objects.iter().map(|o| {
                            let on_delete = ask_delete.clone();
                            let key = o.key.clone();
                            let (toggle, key2) = (toggle.clone(), o.key.clone());
                            let (on_preview, preview_key) = (on_preview.clone(), o.key.clone());
                            let (on_download, download_key) = (on_download.clone(), o.key.clone());
                            let show_details = { let d = details.clone(); let k = o.key.clone(); Callback::from(move |_| d.set(Some(k.clone()))) };
                            let previewable = o.key.rsplit_once('.').and_then(|(_, e)| DataFormat::parse(e)).is_some();
                            html! {
                                <tr class={classes!(selected.contains(&o.key).then_some("selected"))}>
                                    <td class="check"><input type="checkbox" aria-label={format!("Select {}", o.key)} data-select={o.key.clone()}
                                        checked={selected.contains(&o.key)} onchange={Callback::from(move |_: Event| toggle.emit(key2.clone()))} /></td>
                                    <td data-key={o.key.clone()}>{ &o.key[props.prefix.len().min(o.key.len())..] }</td>
                                    <td class="num">{ human_bytes(o.size) }</td>
                                    <td>{ short_time(&o.last_modified) }</td>
                                    <td class="mono small">{ o.e_tag.clone().unwrap_or_default() }</td>
                                    <td class="actions">
                                        if previewable {
                                            <button class="link" aria-label={format!("Preview {}", o.key)}
                                                onclick={Callback::from(move |_| on_preview.emit(preview_key.clone()))}>{"Preview"}</button>{" · "}
                                        }
                                        <button class="link" aria-label={format!("Details of {}", o.key)} onclick={show_details}>{"Details"}</button>{" · "}
                                        <button class="link" aria-label={format!("Download {}", o.key)}
                                            onclick={Callback::from(move |_| on_download.emit(download_key.clone()))}>{"Download"}</button>{" · "}
                                        <button class="link danger" aria-label={format!("Delete {}", o.key)}
                                            onclick={Callback::from(move |_| on_delete.emit(vec![key.clone()]))}>{"Delete"}</button>
                                    </td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                },
            }}
            if let Some(key) = &*details {
                <crate::components::object_details::ObjectDetailsPanel engine={props.engine.clone()} bucket={props.bucket.clone()} object_key={key.clone()} />
            }
            if let Some((key, result)) = &*preview {
                <div class="card" id="object-preview">
                    <h2>{ format!("Preview of {key}") }</h2>
                    { match result {
                        Ok(r) => html! { <ResultsTable result={r.clone()} /> },
                        Err(e) => html! { <p class="error-text" role="alert">{ e }</p> },
                    }}
                </div>
            }
            <CreateTableForm engine={props.engine.clone()} location={location.clone()}
                suggested={suggest_table_name(&props.bucket, &props.prefix)}
                format={listing.as_ref().and_then(|l| l.as_ref().ok()).and_then(guess_format)} />
        </section>
    }
}

/// The confirm handler shared by both pages: runs the action, then shows its outcome.
fn confirm_handler(
    engine: &Engine,
    confirm: &UseStateHandle<Option<Confirm>>,
    busy: &UseStateHandle<bool>,
    notice: &UseStateHandle<Option<Result<String, String>>>,
) -> Callback<Action> {
    let (engine, confirm, busy, notice) = (engine.clone(), confirm.clone(), busy.clone(), notice.clone());
    Callback::from(move |action: Action| {
        let (engine, confirm, busy, notice) = (engine.clone(), confirm.clone(), busy.clone(), notice.clone());
        busy.set(true);
        notice.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            let result = run_action(&engine, action).await;
            busy.set(false);
            confirm.set(None);
            notice.set(Some(result));
        });
    })
}

fn notice_html(notice: &Option<Result<String, String>>) -> Html {
    match notice {
        Some(Ok(m)) => html! { <p id="action-status" class="success-text" role="status">{ m }</p> },
        Some(Err(m)) => html! { <p id="action-status" class="error-text" role="alert">{ m }</p> },
        None => html! {},
    }
}

fn suggest_table_name(bucket: &str, prefix: &str) -> String {
    let base = prefix.trim_end_matches('/').rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or(bucket);
    base.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

fn guess_format(list: &ListObjectsOutput) -> Option<DataFormat> {
    list.objects.iter().find_map(|o| o.key.rsplit_once('.').and_then(|(_, ext)| DataFormat::parse(ext)))
}

#[derive(Properties, PartialEq)]
struct CreateTableProps {
    engine: Engine,
    location: String,
    suggested: String,
    format: Option<DataFormat>,
}

/// Registers the current folder as a catalog table, with columns read from its files.
#[function_component(CreateTableForm)]
fn create_table_form(props: &CreateTableProps) -> Html {
    let database = use_state(|| "default".to_string());
    let name = use_state(|| None::<String>);
    let format = use_state(|| None::<DataFormat>);
    let status = use_state(|| None::<Result<String, String>>);
    let busy = use_state(|| false);
    let name_value = (*name).clone().unwrap_or_else(|| props.suggested.clone());
    let format_value = (*format).or(props.format).unwrap_or(DataFormat::Csv);
    let on_submit = {
        let (engine, location) = (props.engine.clone(), props.location.clone());
        let (database, status, busy, name_value) = (database.clone(), status.clone(), busy.clone(), name_value.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            busy.set(true);
            let input = CreateTableInput {
                database: database.trim().to_string(),
                name: name_value.trim().to_string(),
                location: location.clone(),
                format: format_value,
            };
            let (status, busy) = (status.clone(), busy.clone());
            call(
                &engine,
                Request::CreateTable(input),
                Callback::from(move |res: Result<Response, ApiError>| {
                    busy.set(false);
                    status.set(Some(match res {
                        Ok(Response::Tables(t)) if !t.is_empty() => Ok(format!(
                            "Table {}.{} is ready with {} column(s). Query it in Athena.",
                            t[0].database,
                            t[0].name,
                            t[0].columns.len()
                        )),
                        Ok(_) => Err("unexpected response".into()),
                        Err(e) => Err(format!("{}: {}", e.code, e.message)),
                    }));
                }),
            );
        })
    };
    let on_format = {
        let format = format.clone();
        Callback::from(move |e: Event| {
            let value = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()).map(|s| s.value());
            format.set(value.as_deref().and_then(DataFormat::parse));
        })
    };
    html! {
        <form class="card create-table" onsubmit={on_submit} aria-labelledby="create-table-title">
            <h2 id="create-table-title">{"Create a table from this folder"}</h2>
            <p class="muted">{"Reads the files' columns and registers a Data Catalog table at "}<code>{ &props.location }</code>{"."}</p>
            <div class="form-row">
                <label>{"Database"}<input id="create-table-db" type="text" value={(*database).clone()}
                    oninput={let d = database.clone(); Callback::from(move |e: InputEvent| d.set(input_value(&e)))} /></label>
                <label>{"Table name"}<input id="create-table-name" type="text" value={name_value}
                    oninput={let n = name.clone(); Callback::from(move |e: InputEvent| n.set(Some(input_value(&e))))} /></label>
                <label>{"Format"}
                    <select id="create-table-format" onchange={on_format}>
                        { for [DataFormat::Csv, DataFormat::Json, DataFormat::Parquet].into_iter().map(|f| html! {
                            <option value={f.classification()} selected={f == format_value}>{ f.classification().to_uppercase() }</option>
                        }) }
                    </select>
                </label>
                <button id="create-table-submit" class="primary" type="submit" disabled={*busy}>
                    { if *busy { "Reading files…" } else { "Create table" } }
                </button>
            </div>
            { match &*status {
                Some(Ok(m)) => html! { <p id="create-table-status" class="success-text" role="status">{ m }{" "}<a href={Route::Athena.href()}>{"Open Athena"}</a></p> },
                Some(Err(m)) => html! { <p id="create-table-status" class="error-text" role="alert">{ m }</p> },
                None => html! {},
            }}
        </form>
    }
}

/// Saves `bytes` as a file named after the key's last segment (a browser download).
pub(crate) fn save_file(key: &str, bytes: &[u8]) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(err)?.unchecked_into();
    a.set_href(&url);
    a.set_download(key.rsplit('/').next().unwrap_or(key));
    a.click();
    web_sys::Url::revoke_object_url(&url).map_err(err)?;
    Ok(())
}
