//! Glue Studio's visual editor: a DAG of source, transform and target nodes, the script it
//! makes, and a data preview at every node.

use puddle_api::{
    visual_job::{course_dag, script, Node, NodeKind},
    ApiError, CreateJobInput, QueryResult, Request, Response,
};
use yew::prelude::*;

use super::{call, input_value};
use crate::{
    app::use_engine,
    components::{
        breadcrumbs::{Breadcrumbs, Crumb},
        results_table::ResultsTable,
    },
    engine::Engine,
    route::Route,
};

/// Props of [`VisualJobPage`].
#[derive(Properties, PartialEq)]
pub struct VisualJobProps {
    /// Engine bridge.
    pub engine: Engine,
}

fn next_id(nodes: &[Node]) -> String {
    let n = nodes.iter().filter_map(|n| n.id.strip_prefix("node")?.parse::<u32>().ok()).max().unwrap_or(0);
    format!("node{}", n + 1)
}

/// The editor.
#[function_component(VisualJobPage)]
pub fn visual_job_page(props: &VisualJobProps) -> Html {
    let _ = use_engine(&props.engine);
    let nodes = use_state(course_dag);
    let selected = use_state(|| Some("node2".to_string()));
    let preview = use_state(|| None::<Result<QueryResult, String>>);
    let adding = use_state(|| NodeKind::Filter);
    let (name, location) =
        (use_state(|| "VisualSalesJob".to_string()), use_state(|| "s3://scripts-123/visual-sales-job.py".to_string()));
    let message = use_state(|| None::<Result<String, String>>);
    let generated = script(&nodes);

    // Preview the selected node whenever the DAG or the selection changes.
    {
        let (engine, preview) = (props.engine.clone(), preview.clone());
        let text = generated.clone();
        let node = (*selected).clone().filter(|id| nodes.iter().any(|n| &n.id == id && n.kind != NodeKind::S3Target));
        use_effect_with((text, node), move |(text, node)| match (text, node) {
            (Ok(text), Some(frame)) => {
                preview.set(None);
                call(
                    &engine,
                    Request::PreviewScriptFrame { script: text.clone(), frame: frame.clone(), rows: 10 },
                    Callback::from(move |res: Result<Response, ApiError>| match res {
                        Ok(Response::Query(q)) => preview.set(Some(Ok(q))),
                        Ok(other) => preview.set(Some(Err(format!("unexpected answer {other:?}")))),
                        Err(e) => preview.set(Some(Err(format!("{}: {}", e.code, e.message)))),
                    }),
                );
            }
            (Err(e), _) => preview.set(Some(Err(e.clone()))),
            _ => preview.set(None),
        });
    }
    let on_add = {
        let (nodes, adding, selected) = (nodes.clone(), adding.clone(), selected.clone());
        Callback::from(move |_| {
            let mut list = (*nodes).clone();
            let kind = *adding;
            let id = next_id(&list);
            // New nodes read the last node(s) that are not targets, so the DAG stays connected.
            let candidates: Vec<String> =
                list.iter().rev().filter(|n| n.kind != NodeKind::S3Target).map(|n| n.id.clone()).collect();
            let inputs: Vec<String> =
                candidates.into_iter().take(kind.inputs()).collect::<Vec<_>>().into_iter().rev().collect();
            let node = Node::new(id.clone(), kind, inputs.clone());
            // A transform added before a target goes between the target and what it wrote.
            if kind.inputs() == 1 && kind != NodeKind::S3Target {
                for t in list.iter_mut().filter(|n| n.kind == NodeKind::S3Target) {
                    for i in t.inputs.iter_mut().filter(|i| inputs.contains(i)) {
                        *i = id.clone();
                    }
                }
            }
            // Keep targets last: insert before the first target.
            let at = list
                .iter()
                .position(|n| n.kind == NodeKind::S3Target && kind != NodeKind::S3Target)
                .unwrap_or(list.len());
            list.insert(at, node);
            nodes.set(list);
            selected.set(Some(id));
        })
    };
    let on_save = {
        let (engine, message) = (props.engine.clone(), message.clone());
        let (name, location, generated) = (name.clone(), location.clone(), generated.clone());
        Callback::from(move |_| {
            let Ok(text) = generated.clone() else {
                message.set(Some(Err("Fix the DAG first: the script cannot be generated".into())));
                return;
            };
            let input = CreateJobInput {
                name: name.trim().to_string(),
                role: "arn:aws:iam::123456789012:role/GlueRole".into(),
                script_location: location.trim().to_string(),
                script: Some(text),
                bookmarks: true,
            };
            let message = message.clone();
            let job = input.name.clone();
            call(
                &engine,
                Request::CreateJob(input),
                Callback::from(move |res: Result<Response, ApiError>| match res {
                    Ok(_) => message.set(Some(Ok(format!("Job {job} saved: run it from the ETL jobs page")))),
                    Err(e) => message.set(Some(Err(format!("{}: {}", e.code, e.message)))),
                }),
            );
        })
    };
    let ids: Vec<String> = nodes.iter().map(|n| n.id.clone()).collect();
    html! {
        <section class="page">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "AWS Glue".into(), href: Some(Route::Glue.href()) },
                Crumb { label: "ETL jobs".into(), href: Some(Route::Jobs.href()) },
                Crumb { label: "Visual editor".into(), href: None },
            ]} />
            <h1>{"Visual ETL"}</h1>
            <p class="lead">{"Build the job as a graph of nodes, as in Glue Studio: sources, transforms and targets. The script on the right is what the job runs; every node shows its schema and first rows."}</p>
            <div class="visual-layout">
                <div class="dag" id="dag" aria-label="Job graph">
                    { for nodes.iter().enumerate().map(|(i, n)| {
                        let is_selected = selected.as_deref() == Some(n.id.as_str());
                        let pick = { let s = selected.clone(); let id = n.id.clone(); Callback::from(move |_| s.set(Some(id.clone()))) };
                        let remove = {
                            let (nodes, id) = (nodes.clone(), n.id.clone());
                            Callback::from(move |e: MouseEvent| { e.stop_propagation(); nodes.set(nodes.iter().filter(|x| x.id != id).cloned().collect()); })
                        };
                        let earlier: Vec<String> = ids[..i].to_vec();
                        html! {
                            <>
                            if i > 0 { <div class="dag-arrow" aria-hidden="true">{"↓"}</div> }
                            <div class={classes!("dag-node", is_selected.then_some("selected"), kind_class(n.kind))} data-node={n.id.clone()}>
                                <button class="dag-node-head" onclick={pick} aria-pressed={is_selected.to_string()}>
                                    <span class="mono small">{ &n.id }</span>{" "}<strong>{ n.kind.label() }</strong>
                                    if !n.inputs.is_empty() { <span class="muted small">{ format!(" ← {}", n.inputs.join(", ")) }</span> }
                                </button>
                                if is_selected {
                                    <NodeForm node={n.clone()} earlier={earlier} nodes={nodes.clone()} />
                                    <button class="link danger" onclick={remove}>{"Remove node"}</button>
                                }
                            </div>
                            </>
                        }
                    }) }
                    <div class="toolbar dag-add">
                        <label for="add-kind" class="visually-hidden">{"Node type"}</label>
                        <select id="add-kind" onchange={let a = adding.clone(); Callback::from(move |e: Event| {
                            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                                if let Some(k) = NodeKind::ALL.get(s.selected_index().max(0) as usize) { a.set(*k); }
                            }
                        })}>
                            { for NodeKind::ALL.iter().map(|k| html! { <option selected={*k == *adding}>{ k.label() }</option> }) }
                        </select>
                        <button id="add-node" onclick={on_add}>{"Add node"}</button>
                    </div>
                </div>
                <div class="visual-side">
                    <div class="card" id="node-preview">
                        <h2>{ match selected.as_ref() { Some(id) => format!("Data preview: {id}"), None => "Data preview".into() } }</h2>
                        { match &*preview {
                            None => html! { <p class="muted">{"Pick a source or transform node."}</p> },
                            Some(Err(e)) => html! { <p class="error-text" role="alert">{ e }</p> },
                            Some(Ok(q)) => html! {
                                <>
                                <p class="small"><strong>{"Schema: "}</strong>{ q.columns.iter().zip(&q.column_types).map(|(c, t)| format!("{c} {t}")).collect::<Vec<_>>().join(", ") }</p>
                                <div class="table-wrap"><ResultsTable result={q.clone()} /></div>
                                </>
                            },
                        } }
                    </div>
                    <div class="card">
                        <h2>{"Script"}</h2>
                        { match &generated {
                            Ok(text) => html! { <pre class="log" id="generated-script">{ text }</pre> },
                            Err(e) => html! { <p class="error-text" role="alert" id="dag-error">{ e }</p> },
                        } }
                        <div class="form-row">
                            <label>{"Job name"}<input id="visual-job-name" type="text" value={(*name).clone()}
                                oninput={let s = name.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e)))} /></label>
                            <label>{"Script location"}<input id="visual-job-location" type="text" size="34" value={(*location).clone()}
                                oninput={let s = location.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e)))} /></label>
                            <button id="save-visual-job" class="primary" onclick={on_save}>{"Save job"}</button>
                        </div>
                        if let Some(m) = &*message {
                            { match m {
                                Ok(t) => html! { <p class="success-text" role="status" id="visual-message">{ t }</p> },
                                Err(t) => html! { <p class="error-text" role="alert" id="visual-message">{ t }</p> },
                            } }
                        }
                    </div>
                </div>
            </div>
        </section>
    }
}

fn kind_class(kind: NodeKind) -> &'static str {
    match kind.inputs() {
        0 => "source",
        _ if kind == NodeKind::S3Target => "target",
        _ => "transform",
    }
}

#[derive(Properties, PartialEq)]
struct NodeFormProps {
    node: Node,
    earlier: Vec<String>,
    nodes: UseStateHandle<Vec<Node>>,
}

/// The settings and inputs of one node.
#[function_component(NodeForm)]
fn node_form(props: &NodeFormProps) -> Html {
    let update = {
        let (nodes, id) = (props.nodes.clone(), props.node.id.clone());
        move |f: Box<dyn Fn(&mut Node)>| {
            let mut list = (*nodes).clone();
            if let Some(n) = list.iter_mut().find(|n| n.id == id) {
                f(n);
            }
            nodes.set(list);
        }
    };
    let n = &props.node;
    html! {
        <div class="dag-form">
            { for (0..n.kind.inputs()).map(|slot| {
                let update = update.clone();
                let current = n.inputs.get(slot).cloned().unwrap_or_default();
                html! {
                    <label>{ if n.kind.inputs() == 1 { "Input".to_string() } else { format!("Input {}", slot + 1) } }
                        <select onchange={Callback::from(move |e: Event| {
                            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                                let v = s.value();
                                update(Box::new(move |n: &mut Node| {
                                    while n.inputs.len() <= slot { n.inputs.push(String::new()); }
                                    n.inputs[slot] = v.clone();
                                }));
                            }
                        })}>
                            { for props.earlier.iter().map(|id| html! { <option value={id.clone()} selected={*id == current}>{ id }</option> }) }
                        </select>
                    </label>
                }
            }) }
            { for n.kind.params().iter().map(|(key, label, _)| {
                let update = update.clone();
                let key = key.to_string();
                let value = n.params.get(&key).cloned().unwrap_or_default();
                if n.kind.is_flag(&key) {
                    return html! {
                        <label class="dag-flag">
                            <input type="checkbox" data-param={key.clone()} checked={value == "true"}
                                onchange={Callback::from(move |e: Event| {
                                    let on = e.target_dyn_into::<web_sys::HtmlInputElement>().is_some_and(|i| i.checked());
                                    let k = key.clone();
                                    update(Box::new(move |n: &mut Node| { n.params.insert(k.clone(), on.to_string()); }));
                                })} />
                            { *label }
                        </label>
                    };
                }
                html! {
                    <label>{ *label }
                        <input type="text" data-param={key.clone()} value={value}
                            oninput={Callback::from(move |e: InputEvent| {
                                let (k, v) = (key.clone(), input_value(&e));
                                update(Box::new(move |n: &mut Node| { n.params.insert(k.clone(), v.clone()); }));
                            })} />
                    </label>
                }
            }) }
        </div>
    }
}
