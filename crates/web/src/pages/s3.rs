//! S3: the bucket list and the object browser.

use puddle_api::{ApiError, BucketSummary, CreateTableInput, DataFormat, ListObjectsOutput, Request, Response};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{call, input_value};
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
    let on_delete = {
        let (engine, form_error) = (props.engine.clone(), form_error.clone());
        Callback::from(move |bucket: String| {
            let form_error = form_error.clone();
            call(
                &engine,
                Request::DeleteBucket { bucket },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Err(e) = res {
                        form_error.set(Some(format!("{}: {}", e.code, e.message)));
                    }
                }),
            );
        })
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
                            let on_delete = on_delete.clone();
                            let bucket = b.name.clone();
                            html! {
                                <tr>
                                    <td><a href={href} data-bucket={b.name.clone()}>{ &b.name }</a></td>
                                    <td>{ short_time(&b.creation_date) }</td>
                                    <td class="actions"><button class="link danger" title="Delete this bucket (it must be empty)"
                                        onclick={Callback::from(move |_| on_delete.emit(bucket.clone()))}>{"Delete"}</button></td>
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

/// Upload progress: (files done, files total, current name).
#[derive(Clone, PartialEq)]
enum Upload {
    Idle,
    Running { done: usize, total: usize, current: String },
    Finished { total: usize, failed: Vec<String> },
}

/// Objects of one bucket, folder by folder.
#[function_component(BucketPage)]
pub fn bucket_page(props: &BucketProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let listing = use_state(|| None::<Result<ListObjectsOutput, String>>);
    let upload = use_state(|| Upload::Idle);
    let action_error = use_state(|| None::<String>);
    let preview = use_state(|| None::<(String, Result<puddle_api::QueryResult, String>)>);
    {
        let (engine, listing) = (props.engine.clone(), listing.clone());
        let (bucket, prefix) = (props.bucket.clone(), props.prefix.clone());
        use_effect_with((version, bucket.clone(), prefix.clone()), move |_| {
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
            let (engine, upload, bucket, prefix) = (engine.clone(), upload.clone(), bucket.clone(), prefix.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let total = files.len();
                let mut failed = Vec::new();
                for (done, file) in files.into_iter().enumerate() {
                    upload.set(Upload::Running { done, total, current: file.name() });
                    let key = format!("{prefix}{}", file.name());
                    let body = match JsFuture::from(file.array_buffer()).await {
                        Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
                        Err(e) => {
                            failed.push(format!("{}: could not read the file ({e:?})", file.name()));
                            continue;
                        }
                    };
                    let content_type = Some(file.type_()).filter(|t| !t.is_empty());
                    let req = Request::PutObject { bucket: bucket.clone(), key, body, content_type };
                    if let Err(e) = engine.call(req).await {
                        failed.push(format!("{}: {} {}", file.name(), e.code, e.message));
                    }
                }
                upload.set(Upload::Finished { total, failed });
            });
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
    let on_delete = {
        let (engine, action_error, bucket) = (props.engine.clone(), action_error.clone(), props.bucket.clone());
        Callback::from(move |key: String| {
            let action_error = action_error.clone();
            let req = Request::DeleteObject { bucket: bucket.clone(), key };
            call(
                &engine,
                req,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Err(e) = res {
                        action_error.set(Some(format!("{}: {}", e.code, e.message)));
                    }
                }),
            );
        })
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
                <span class="muted">{"Or drop files anywhere on this page. CSV, JSON lines or Parquet; files go into this folder."}</span>
            </div>
            <UploadStatus upload={(*upload).clone()} />
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
                        <thead><tr><th>{"Name"}</th><th>{"Size"}</th><th>{"Last modified"}</th><th>{"ETag"}</th><th class="actions">{"Actions"}</th></tr></thead>
                        <tbody>
                        { for list.common_prefixes.iter().map(|p| {
                            let name = &p[props.prefix.len()..];
                            let href = Route::Bucket { bucket: props.bucket.clone(), prefix: p.clone() }.href();
                            html! { <tr><td><a href={href} class="folder">{ name }</a></td><td>{"—"}</td><td>{"—"}</td><td></td><td></td></tr> }
                        }) }
                        { for list.objects.iter().map(|o| {
                            let on_delete = on_delete.clone();
                            let key = o.key.clone();
                            let (on_preview, preview_key) = (on_preview.clone(), o.key.clone());
                            let (on_download, download_key) = (on_download.clone(), o.key.clone());
                            let previewable = o.key.rsplit_once('.').and_then(|(_, e)| DataFormat::parse(e)).is_some();
                            html! {
                                <tr>
                                    <td data-key={o.key.clone()}>{ &o.key[props.prefix.len().min(o.key.len())..] }</td>
                                    <td class="num">{ human_bytes(o.size) }</td>
                                    <td>{ short_time(&o.last_modified) }</td>
                                    <td class="mono small">{ o.e_tag.clone().unwrap_or_default() }</td>
                                    <td class="actions">
                                        if previewable {
                                            <button class="link" aria-label={format!("Preview {}", o.key)}
                                                onclick={Callback::from(move |_| on_preview.emit(preview_key.clone()))}>{"Preview"}</button>{" · "}
                                        }
                                        <button class="link" aria-label={format!("Download {}", o.key)}
                                            onclick={Callback::from(move |_| on_download.emit(download_key.clone()))}>{"Download"}</button>{" · "}
                                        <button class="link danger" aria-label={format!("Delete {}", o.key)}
                                            onclick={Callback::from(move |_| on_delete.emit(key.clone()))}>{"Delete"}</button>
                                    </td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                },
            }}
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

#[derive(Properties, PartialEq)]
struct UploadStatusProps {
    upload: Upload,
}

#[function_component(UploadStatus)]
fn upload_status(props: &UploadStatusProps) -> Html {
    match &props.upload {
        Upload::Idle => html! {},
        Upload::Running { done, total, current } => html! {
            <div id="upload-status" class="card progress" role="status">
                <span>{ format!("Uploading {} of {total}: {current}", done + 1) }</span>
                <progress max={total.to_string()} value={done.to_string()} />
            </div>
        },
        Upload::Finished { total, failed } if failed.is_empty() => html! {
            <div id="upload-status" class="card success" role="status">{ format!("Uploaded {total} file(s).") }</div>
        },
        Upload::Finished { total, failed } => html! {
            <div id="upload-status" class="card error" role="alert">
                { format!("{} of {total} file(s) failed:", failed.len()) }
                <ul>{ for failed.iter().map(|f| html! { <li>{ f }</li> }) }</ul>
            </div>
        },
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
fn save_file(key: &str, bytes: &[u8]) -> Result<(), String> {
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
