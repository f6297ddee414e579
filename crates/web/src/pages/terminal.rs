//! CloudShell: an `aws` terminal over `Request::Exec`.

use puddle_api::{ApiError, Request, Response};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::call;
use crate::{
    components::breadcrumbs::{Breadcrumbs, Crumb},
    engine::Engine,
    route::Route,
};

/// Props of [`TerminalPage`].
#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// Engine bridge.
    pub engine: Engine,
}

#[derive(Clone, PartialEq)]
enum Line {
    Prompt(String),
    Out(String),
    Err(String),
}

/// A prompt, the scrollback, and history on Up/Down. Ctrl+L clears.
#[function_component(TerminalPage)]
pub fn terminal_page(props: &TerminalProps) -> Html {
    let lines = use_state(|| {
        vec![Line::Out("Welcome to Puddle CloudShell. Try: aws s3 mb s3://data-lake-raw-123, then aws s3 ls".into())]
    });
    let input = use_state(String::new);
    let history = use_state(Vec::<String>::new);
    let cursor = use_state(|| None::<usize>);
    let busy = use_state(|| false);
    let input_ref = use_node_ref();
    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        });
    }
    let on_keydown = {
        let (engine, lines, input, history, cursor, busy) =
            (props.engine.clone(), lines.clone(), input.clone(), history.clone(), cursor.clone(), busy.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" if !*busy => {
                let line = input.trim().to_string();
                input.set(String::new());
                cursor.set(None);
                let mut shown = (*lines).clone();
                shown.push(Line::Prompt(line.clone()));
                if line.is_empty() {
                    lines.set(shown);
                    return;
                }
                let mut h = (*history).clone();
                h.push(line.clone());
                history.set(h);
                lines.set(shown.clone());
                busy.set(true);
                let (lines, busy) = (lines.clone(), busy.clone());
                call(
                    &engine,
                    Request::Exec { line },
                    Callback::from(move |res: Result<Response, ApiError>| {
                        busy.set(false);
                        let mut shown = shown.clone();
                        match res {
                            Ok(Response::Exec(out)) => {
                                if !out.stdout.is_empty() {
                                    shown.push(Line::Out(out.stdout.trim_end().to_string()));
                                }
                                if !out.stderr.is_empty() {
                                    shown.push(Line::Err(out.stderr.trim_end().to_string()));
                                }
                            }
                            Ok(_) => shown.push(Line::Err("unexpected response".into())),
                            Err(e) => shown.push(Line::Err(e.message)),
                        }
                        lines.set(shown);
                    }),
                );
            }
            "ArrowUp" | "ArrowDown" if !history.is_empty() => {
                e.prevent_default();
                let last = history.len() - 1;
                let next = match (e.key().as_str(), *cursor) {
                    ("ArrowUp", None) => Some(last),
                    ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                    ("ArrowDown", Some(i)) if i < last => Some(i + 1),
                    _ => None,
                };
                cursor.set(next);
                input.set(next.map(|i| history[i].clone()).unwrap_or_default());
            }
            "l" if e.ctrl_key() => {
                e.prevent_default();
                lines.set(Vec::new());
            }
            _ => {}
        })
    };
    let local_note = use_state(|| {
        "Local folder: sales.csv, sales.json, sales-10k.csv, sales-100k.csv, sales-10k.json (course samples), plus your files.".to_string()
    });
    let on_local_files = {
        let (engine, lines, local_note) = (props.engine.clone(), lines.clone(), local_note.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            let Some(files) = input.files() else { return };
            let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
            input.set_value("");
            let (engine, lines, local_note) = (engine.clone(), lines.clone(), local_note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut added = Vec::new();
                for file in files {
                    let Ok(buf) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await else { continue };
                    let body = js_sys::Uint8Array::new(&buf).to_vec();
                    match engine.call(Request::WriteLocalFile { name: file.name(), body }).await {
                        Ok(_) => added.push(file.name()),
                        Err(e) => {
                            let mut shown = (*lines).clone();
                            shown.push(Line::Err(format!("{}: {}", file.name(), e.message)));
                            lines.set(shown);
                        }
                    }
                }
                if !added.is_empty() {
                    local_note.set(format!(
                        "Added to the local folder: {}. Try: aws s3 cp {} s3://your-bucket/",
                        added.join(", "),
                        added[0]
                    ));
                }
            });
        })
    };
    let on_input = {
        let input = input.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                input.set(i.value());
            }
        })
    };
    html! {
        <section class="page">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "CloudShell".into(), href: Some(Route::Terminal.href()) },
                Crumb { label: "Terminal".into(), href: None },
            ]} />
            <h1>{"CloudShell"}</h1>
            <div class="toolbar">
                <input id="local-file-input" class="visually-hidden" type="file" multiple=true onchange={on_local_files} />
                <label class="button" for="local-file-input">{"Add files to the local folder"}</label>
                <span class="muted small">{ (*local_note).clone() }</span>
            </div>
            <div class="terminal" id="terminal" onclick={let r = input_ref.clone(); Callback::from(move |_| {
                if let Some(i) = r.cast::<HtmlInputElement>() { let _ = i.focus(); }
            })}>
                <div class="scrollback" aria-live="polite">
                { for lines.iter().map(|l| match l {
                    Line::Prompt(t) => html! { <div class="line prompt"><span class="ps1">{"$ "}</span>{ t }</div> },
                    Line::Out(t) => html! { <pre class="line out">{ t }</pre> },
                    Line::Err(t) => html! { <pre class="line err">{ t }</pre> },
                }) }
                </div>
                <div class="line input-line">
                    <span class="ps1">{"$ "}</span>
                    <input id="terminal-input" ref={input_ref} type="text" aria-label="Command" autocomplete="off"
                        spellcheck="false" value={(*input).clone()} oninput={on_input} onkeydown={on_keydown}
                        disabled={*busy} />
                </div>
            </div>
        </section>
    }
}
