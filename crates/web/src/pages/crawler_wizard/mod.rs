//! The "Create crawler" wizard of the Crawlers page, shaped like the AWS console's flow: name,
//! data sources, classifiers, output and scheduling, review. Back/Next move between steps (Next
//! checks the step's fields and focuses the first one in error), Enter advances, Escape cancels,
//! and the engine's error (e.g. `AlreadyExistsException`) shows on the review step with every
//! input kept.

mod classifiers;
pub mod draft;
mod steps;

use puddle_api::{ApiError, ClassifierSummary, Request, Response};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use self::{
    classifiers::ClassifiersStep,
    draft::{Draft, FieldError, STEPS},
    steps::{NameStep, OutputStep, ReviewStep, SourcesStep},
};
use crate::{app::use_engine, engine::Engine, pages::call};

/// Props of [`CrawlerWizard`].
#[derive(Properties, PartialEq)]
pub struct WizardProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Names of the crawlers that exist.
    pub existing: Vec<String>,
    /// Databases of the catalog.
    pub databases: Vec<String>,
    /// Called with the new crawler's name, or `None` when cancelled.
    pub on_close: Callback<Option<String>>,
}

/// `s3://bucket/` and `s3://bucket/folder/` for every bucket and top-level folder.
async fn s3_suggestions(engine: &Engine) -> Vec<String> {
    let Ok(Response::Buckets(buckets)) = engine.call(Request::ListBuckets).await else { return Vec::new() };
    let mut out = Vec::new();
    for b in buckets {
        out.push(format!("s3://{}/", b.name));
        let req = Request::ListObjects { bucket: b.name.clone(), prefix: String::new(), delimiter: Some("/".into()) };
        if let Ok(Response::Objects(list)) = engine.call(req).await {
            out.extend(list.common_prefixes.iter().map(|p| format!("s3://{}/{p}", b.name)));
        }
    }
    out
}

/// Focuses the element `id`, or the first field of `root`.
fn focus(root: &NodeRef, id: Option<&str>) {
    let Some(root) = root.cast::<web_sys::Element>() else { return };
    let selector = match id {
        Some(id) => format!("#{id}"),
        None => "input:not([disabled]), select:not([disabled]), textarea, .wizard-review ~ * button.primary".into(),
    };
    if let Ok(Some(el)) = root.query_selector(&selector) {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// The wizard.
#[function_component(CrawlerWizard)]
pub fn crawler_wizard(props: &WizardProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let step = use_state(|| 0usize);
    let draft = use_state(Draft::default);
    let errors = use_state(Vec::<FieldError>::new);
    let engine_error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let suggestions = use_state(Vec::<String>::new);
    let classifiers = use_state(Vec::<ClassifierSummary>::new);
    let pane = use_node_ref();
    {
        let (engine, suggestions) = (props.engine.clone(), suggestions.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { suggestions.set(s3_suggestions(&engine).await) });
        });
    }
    {
        let (engine, classifiers) = (props.engine.clone(), classifiers.clone());
        use_effect_with(version, move |_| {
            call(
                &engine,
                Request::ListClassifiers,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Classifiers(c)) = res {
                        classifiers.set(c);
                    }
                }),
            );
        });
    }
    {
        // A new step starts at its first field (the review step at Create).
        let pane = pane.clone();
        use_effect_with(*step, move |_| focus(&pane, None));
    }
    let set_draft = {
        // An edit clears the messages of the last Next (they are checked again on the next one).
        let (draft, errors) = (draft.clone(), errors.clone());
        Callback::from(move |d: Draft| {
            draft.set(d);
            errors.set(Vec::new());
        })
    };
    let go_to = {
        let (step, errors) = (step.clone(), errors.clone());
        Callback::from(move |to: usize| {
            errors.set(Vec::new());
            step.set(to.min(STEPS.len() - 1));
        })
    };
    let create = {
        let (engine, draft, engine_error, busy, on_close) =
            (props.engine.clone(), draft.clone(), engine_error.clone(), busy.clone(), props.on_close.clone());
        move || {
            busy.set(true);
            engine_error.set(None);
            let input = draft.to_input();
            let name = input.name.clone();
            let (engine_error, busy, on_close) = (engine_error.clone(), busy.clone(), on_close.clone());
            call(
                &engine,
                Request::CreateCrawler(input),
                Callback::from(move |res: Result<Response, ApiError>| {
                    busy.set(false);
                    match res {
                        Ok(_) => on_close.emit(Some(name.clone())),
                        Err(e) => engine_error.set(Some(e)),
                    }
                }),
            );
        }
    };
    let on_submit = {
        let (step, draft, errors, go_to, existing, pane, busy) = (
            step.clone(),
            draft.clone(),
            errors.clone(),
            go_to.clone(),
            props.existing.clone(),
            pane.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            if *step == STEPS.len() - 1 {
                create();
                return;
            }
            let problems = draft.errors(*step, &existing);
            if let Some(first) = problems.first() {
                let id = first.field.clone();
                errors.set(problems);
                let pane = pane.clone();
                // After the render that shows the messages.
                gloo_timers_focus(move || focus(&pane, Some(&id)));
                return;
            }
            go_to.emit(*step + 1);
        })
    };
    let on_keydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                on_close.emit(None);
            }
        })
    };
    let current = *step;
    let last = current == STEPS.len() - 1;
    let body = match current {
        0 => html! { <NameStep draft={(*draft).clone()} set={set_draft.clone()} existing={props.existing.clone()} /> },
        1 => {
            html! { <SourcesStep draft={(*draft).clone()} set={set_draft.clone()} errors={(*errors).clone()} suggestions={(*suggestions).clone()} /> }
        }
        2 => {
            html! { <ClassifiersStep engine={props.engine.clone()} draft={(*draft).clone()} set={set_draft.clone()} classifiers={(*classifiers).clone()} /> }
        }
        3 => {
            html! { <OutputStep draft={(*draft).clone()} set={set_draft.clone()} errors={(*errors).clone()} databases={props.databases.clone()} /> }
        }
        _ => {
            html! { <ReviewStep draft={(*draft).clone()} classifiers={(*classifiers).clone()} edit={go_to.clone()} /> }
        }
    };
    let on_back = {
        let go_to = go_to.clone();
        Callback::from(move |_| go_to.emit(current.saturating_sub(1)))
    };
    let on_cancel = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(None))
    };
    html! {
        <div class="card wizard" id="crawler-wizard" role="region" aria-labelledby="wizard-title" onkeydown={on_keydown}>
            <h2 id="wizard-title">{"Create crawler"}</h2>
            <div class="wizard-layout">
                <ol class="crawler-steps" aria-label="Steps">
                    { for STEPS.iter().enumerate().map(|(i, s)| {
                        let class = classes!("crawler-step", (i == current).then_some("current"), (i < current).then_some("done"));
                        html! { <li {class} aria-current={(i == current).then_some("step")}>
                            <span class="crawler-step-n">{ format!("Step {}", i + 1) }</span>{ *s }</li> }
                    }) }
                </ol>
                <form class="wizard-pane" ref={pane} onsubmit={on_submit} novalidate=true data-step={current.to_string()}>
                    <h3 class="wizard-step-title" id="wizard-step-title">{ STEPS[current] }</h3>
                    { body }
                    if let Some(e) = (*engine_error).as_ref().filter(|_| last) {
                        <div class="card error" id="wizard-error" role="alert">
                            <strong>{ &e.code }</strong>{": "}{ &e.message }
                        </div>
                    }
                    <div class="wizard-buttons">
                        <button type="button" id="wizard-cancel" class="link" onclick={on_cancel}>{"Cancel"}</button>
                        if current > 0 {
                            <button type="button" id="wizard-back" onclick={on_back}>{"Back"}</button>
                        }
                        if last {
                            <button type="submit" id="wizard-create" class="primary" disabled={*busy}>
                                if *busy { <span class="spinner" aria-hidden="true"></span> }{"Create crawler"}</button>
                        } else {
                            <button type="submit" id="wizard-next" class="primary">{"Next"}</button>
                        }
                    </div>
                </form>
            </div>
        </div>
    }
}

/// Runs `f` on the next turn of the event loop (after Yew re-renders).
fn gloo_timers_focus(f: impl FnOnce() + 'static) {
    wasm_bindgen_futures::spawn_local(async move {
        let promise = js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL);
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        f();
    });
}
