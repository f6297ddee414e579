//! The wizard's step 3: pick custom classifiers (tried in the order picked, before the
//! built-ins), or create a CSV or JSON classifier without leaving the wizard.

use puddle_api::{ApiError, ClassifierInput, ClassifierSummary, Request, Response};
use yew::prelude::*;

use super::draft::Draft;
use crate::{
    engine::Engine,
    pages::{call, input_value},
};

/// Props of [`ClassifiersStep`].
#[derive(Properties, PartialEq)]
pub struct ClassifiersProps {
    /// Engine bridge (to create a classifier).
    pub engine: Engine,
    /// What has been entered.
    pub draft: Draft,
    /// Replaces the draft.
    pub set: Callback<Draft>,
    /// The custom classifiers that exist.
    pub classifiers: Vec<ClassifierSummary>,
}

/// Step 3.
#[function_component(ClassifiersStep)]
pub fn classifiers_step(props: &ClassifiersProps) -> Html {
    let d = &props.draft;
    let toggle = |name: String| {
        let (draft, set) = (d.clone(), props.set.clone());
        Callback::from(move |_| {
            let mut d = draft.clone();
            match d.classifiers.iter().position(|c| *c == name) {
                Some(i) => {
                    d.classifiers.remove(i);
                }
                None => d.classifiers.push(name.clone()),
            }
            set.emit(d);
        })
    };
    let on_created = {
        let (draft, set) = (d.clone(), props.set.clone());
        Callback::from(move |name: String| {
            let mut d = draft.clone();
            d.classifiers.push(name);
            set.emit(d);
        })
    };
    html! {
        <div class="wizard-fields">
            <p class="muted">{"Custom classifiers are tried first, in the order you select them; then the built-in ones (Parquet, JSON, CSV, gzip). The first certain one decides."}</p>
            if props.classifiers.is_empty() {
                <p class="muted" id="wizard-no-classifiers">{"No custom classifiers yet."}</p>
            } else {
                <fieldset id="wizard-classifier-list">
                    <legend>{"Custom classifiers"}</legend>
                    { for props.classifiers.iter().map(|c| {
                        let order = d.classifiers.iter().position(|n| *n == c.name);
                        html! {
                            <label class="checkbox">
                                <input type="checkbox" data-classifier={c.name.clone()} checked={order.is_some()} onchange={toggle(c.name.clone())} />
                                <span class="mono">{ &c.name }</span>
                                <span class="muted small">{ format!("{} · {}", c.kind.to_uppercase(), c.detail) }</span>
                                if let Some(i) = order { <span class="badge">{ format!("#{}", i + 1) }</span> }
                            </label>
                        }
                    }) }
                </fieldset>
            }
            <NewClassifier engine={props.engine.clone()} {on_created} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct NewClassifierProps {
    engine: Engine,
    on_created: Callback<String>,
}

/// Creates a classifier inline (CreateClassifier), then selects it.
#[function_component(NewClassifier)]
fn new_classifier(props: &NewClassifierProps) -> Html {
    let (kind, name, json_path, delimiter, header) = (
        use_state(|| "json".to_string()),
        use_state(String::new),
        use_state(|| "$.records[*]".to_string()),
        use_state(|| ",".to_string()),
        use_state(|| "UNKNOWN".to_string()),
    );
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let text = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: InputEvent| s.set(input_value(&e)))
    };
    let pick = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                s.set(sel.value());
            }
        })
    };
    let on_create = {
        let (engine, on_created) = (props.engine.clone(), props.on_created.clone());
        let (kind, name, json_path, delimiter, header, error, busy) = (
            kind.clone(),
            name.clone(),
            json_path.clone(),
            delimiter.clone(),
            header.clone(),
            error.clone(),
            busy.clone(),
        );
        Callback::from(move |_| {
            let n = name.trim().to_string();
            let input = if *kind == "json" {
                ClassifierInput::Json { name: n.clone(), json_path: json_path.trim().to_string() }
            } else {
                ClassifierInput::Csv {
                    name: n.clone(),
                    delimiter: Some((*delimiter).clone()),
                    quote_symbol: None,
                    contains_header: Some((*header).clone()),
                    header: Vec::new(),
                }
            };
            busy.set(true);
            let (on_created, error, busy, name) = (on_created.clone(), error.clone(), busy.clone(), name.clone());
            call(
                &engine,
                Request::CreateClassifier(input),
                Callback::from(move |res: Result<Response, ApiError>| {
                    busy.set(false);
                    match res {
                        Ok(_) => {
                            error.set(None);
                            name.set(String::new());
                            on_created.emit(n.clone());
                        }
                        Err(e) => error.set(Some(format!("{}: {}", e.code, e.message))),
                    }
                }),
            );
        })
    };
    html! {
        <details class="new-classifier">
            <summary>{"Create a classifier"}</summary>
            <div class="form-row">
                <label>{"Type"}<select id="new-classifier-kind" onchange={pick(&kind)}>
                    <option value="json" selected={*kind == "json"}>{"JSON"}</option>
                    <option value="csv" selected={*kind == "csv"}>{"CSV"}</option>
                </select></label>
                <label>{"Name"}<input id="new-classifier-name" type="text" value={(*name).clone()} oninput={text(&name)} /></label>
                if *kind == "json" {
                    <label>{"JSON path"}<input id="new-classifier-path" type="text" class="mono" value={(*json_path).clone()} oninput={text(&json_path)} /></label>
                } else {
                    <label>{"Delimiter"}<select id="new-classifier-delimiter" onchange={pick(&delimiter)}>
                        { for [(",", "Comma (,)"), (";", "Semicolon (;)"), ("|", "Pipe (|)"), ("\t", "Tab")].iter().map(|(v, l)|
                            html! { <option value={*v} selected={*delimiter == *v}>{ *l }</option> }) }
                    </select></label>
                    <label>{"Column headings"}<select id="new-classifier-header" onchange={pick(&header)}>
                        <option value="UNKNOWN" selected={*header == "UNKNOWN"}>{"Detect"}</option>
                        <option value="PRESENT" selected={*header == "PRESENT"}>{"Has headings"}</option>
                        <option value="ABSENT" selected={*header == "ABSENT"}>{"No headings"}</option>
                    </select></label>
                }
                <button type="button" id="new-classifier-create" disabled={*busy} onclick={on_create}>{"Create classifier"}</button>
            </div>
            if *kind == "json" {
                <p class="muted small">{"$ is the document, .name or ['name'] a field, [*] every element of an array: $.records[*] makes each element of \"records\" a row."}</p>
            }
            if let Some(e) = &*error { <p class="error-text" id="new-classifier-error" role="alert">{ e }</p> }
        </details>
    }
}
