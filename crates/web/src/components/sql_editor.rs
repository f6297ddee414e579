//! The SQL editor: a transparent textarea over a highlighted `<pre>` (so the textarea keeps
//! all native editing and keyboard behaviour), Ctrl+Enter to run the statement under the
//! cursor or the selection, and a completion popup of databases, tables and columns.

use std::rc::Rc;

use puddle_api::TableSummary;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::sql_text::{byte_offset, completion_context, statement_at, tokenize, utf16_offset, Context, Tok};

/// Most completion items shown.
const MAX_ITEMS: usize = 40;

/// Props of [`SqlEditor`].
#[derive(Properties, PartialEq)]
pub struct SqlEditorProps {
    /// The SQL.
    pub value: String,
    /// Called with the new SQL on every edit.
    pub on_change: Callback<String>,
    /// Called with the statement to run (Ctrl+Enter).
    pub on_run: Callback<String>,
    /// Catalog tables, for completion.
    pub tables: Rc<Vec<TableSummary>>,
    /// Current database (unqualified names complete from it).
    pub database: String,
    /// Element id of the textarea.
    #[prop_or_else(|| "query-editor".to_string())]
    pub id: String,
}

/// One completion candidate.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    label: String,
    kind: &'static str,
    detail: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Popup {
    items: Vec<Item>,
    selected: usize,
    /// Byte range of the partial word being replaced.
    word: (usize, usize),
    forced: bool,
    line: usize,
    col: usize,
}

fn candidates(tables: &[TableSummary], database: &str, ctx: &Context, prefix: &str) -> Vec<Item> {
    let mut dbs: Vec<&str> = tables.iter().map(|t| t.database.as_str()).collect();
    dbs.push("default");
    dbs.sort_unstable();
    dbs.dedup();
    let db_items = || dbs.iter().map(|d| Item { label: d.to_string(), kind: "database", detail: String::new() });
    let table_items = |db: &str| {
        let db = db.to_string();
        tables.iter().filter(move |t| t.database.eq_ignore_ascii_case(&db)).map(|t| Item {
            label: t.name.clone(),
            kind: "table",
            detail: t.classification.clone(),
        })
    };
    let column_items = |t: &TableSummary| {
        t.columns
            .iter()
            .map(|c| Item { label: c.name.clone(), kind: "column", detail: c.data_type.clone() })
            .collect::<Vec<_>>()
    };
    let mut items: Vec<Item> = match ctx {
        Context::Table => table_items(database).chain(db_items()).collect(),
        Context::Member(q) => {
            if dbs.iter().any(|d| d.eq_ignore_ascii_case(q)) {
                table_items(q).collect()
            } else {
                let t = tables
                    .iter()
                    .find(|t| t.name.eq_ignore_ascii_case(q) && t.database.eq_ignore_ascii_case(database))
                    .or_else(|| tables.iter().find(|t| t.name.eq_ignore_ascii_case(q)));
                t.map(column_items).unwrap_or_default()
            }
        }
        Context::Any => {
            let mut v: Vec<Item> = table_items(database).chain(db_items()).collect();
            for t in tables.iter().filter(|t| t.database.eq_ignore_ascii_case(database)) {
                v.extend(column_items(t));
            }
            v
        }
    };
    let p = prefix.to_ascii_lowercase();
    items.retain(|i| i.label.to_ascii_lowercase().starts_with(&p) && !i.label.eq_ignore_ascii_case(prefix));
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert((i.label.clone(), i.kind)));
    items.truncate(MAX_ITEMS);
    items
}

fn highlighted(sql: &str) -> Html {
    tokenize(sql)
        .into_iter()
        .map(|(kind, text)| {
            let class = match kind {
                Tok::Keyword => "tok-kw",
                Tok::Str => "tok-str",
                Tok::Num => "tok-num",
                Tok::Comment => "tok-com",
                Tok::Plain => return html! { { text.to_string() } },
            };
            html! { <span {class}>{ text.to_string() }</span> }
        })
        .collect()
}

/// The highlighted editor with completion.
#[function_component(SqlEditor)]
pub fn sql_editor(props: &SqlEditorProps) -> Html {
    let ta_ref = use_node_ref();
    let pre_ref = use_node_ref();
    let popup = use_state(|| None::<Popup>);
    let pending_cursor = use_mut_ref(|| None::<u32>);
    {
        let (ta_ref, pending_cursor) = (ta_ref.clone(), pending_cursor.clone());
        use_effect(move || {
            if let (Some(pos), Some(ta)) = (pending_cursor.borrow_mut().take(), ta_ref.cast::<HtmlTextAreaElement>()) {
                let _ = ta.set_selection_range(pos, pos);
                let _ = ta.focus();
            }
        });
    }
    let open_popup = {
        let (popup, tables, database) = (popup.clone(), props.tables.clone(), props.database.clone());
        Rc::new(move |text: &str, cursor_utf16: u32, forced: bool| {
            let cursor = byte_offset(text, cursor_utf16);
            let next = completion_context(text, cursor, forced).and_then(|(ctx, word)| {
                let items = candidates(&tables, &database, &ctx, &word);
                let before = &text[..cursor];
                let line = before.matches('\n').count();
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
                (!items.is_empty()).then(|| Popup {
                    items,
                    selected: 0,
                    word: (cursor - word.len(), cursor),
                    forced,
                    line,
                    col: col.saturating_sub(word.chars().count()),
                })
            });
            popup.set(next);
        })
    };
    let accept = {
        let (popup, on_change, ta_ref, pending_cursor) =
            (popup.clone(), props.on_change.clone(), ta_ref.clone(), pending_cursor.clone());
        Rc::new(move |index: usize| {
            let Some(p) = (*popup).clone() else { return };
            let (Some(item), Some(ta)) = (p.items.get(index), ta_ref.cast::<HtmlTextAreaElement>()) else { return };
            let text = ta.value();
            let (a, b) = (p.word.0.min(text.len()), p.word.1.min(text.len()));
            if !text.is_char_boundary(a) || !text.is_char_boundary(b) {
                return popup.set(None);
            }
            let new = format!("{}{}{}", &text[..a], item.label, &text[b..]);
            let cursor = utf16_offset(&new, a + item.label.len());
            ta.set_value(&new);
            let _ = ta.set_selection_range(cursor, cursor);
            *pending_cursor.borrow_mut() = Some(cursor);
            popup.set(None);
            on_change.emit(new);
        })
    };
    let on_input = {
        let (on_change, open_popup, popup) = (props.on_change.clone(), open_popup.clone(), popup.clone());
        Callback::from(move |e: InputEvent| {
            let Some(ta) = e.target_dyn_into::<HtmlTextAreaElement>() else { return };
            let text = ta.value();
            let cursor = ta.selection_start().ok().flatten().unwrap_or(0);
            let forced = popup.as_ref().is_some_and(|p| p.forced);
            open_popup(&text, cursor, forced);
            on_change.emit(text);
        })
    };
    let on_keydown = {
        let (popup, accept, open_popup, on_run) =
            (popup.clone(), accept.clone(), open_popup.clone(), props.on_run.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(ta) = e.target_dyn_into::<HtmlTextAreaElement>() else { return };
            if let Some(p) = (*popup).clone() {
                let n = p.items.len().max(1);
                match e.key().as_str() {
                    "ArrowDown" => {
                        e.prevent_default();
                        return popup.set(Some(Popup { selected: (p.selected + 1) % n, ..p }));
                    }
                    "ArrowUp" => {
                        e.prevent_default();
                        return popup.set(Some(Popup { selected: (p.selected + n - 1) % n, ..p }));
                    }
                    "Enter" | "Tab" if !e.ctrl_key() && !e.meta_key() => {
                        e.prevent_default();
                        return accept(p.selected);
                    }
                    "Escape" => {
                        e.prevent_default();
                        return popup.set(None);
                    }
                    _ => {}
                }
            }
            let (start, end) =
                (ta.selection_start().ok().flatten().unwrap_or(0), ta.selection_end().ok().flatten().unwrap_or(0));
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                popup.set(None);
                on_run.emit(statement_at(&ta.value(), start, end));
            } else if e.key() == " " && e.ctrl_key() {
                e.prevent_default();
                open_popup(&ta.value(), start, true);
            } else if matches!(e.key().as_str(), "ArrowLeft" | "ArrowRight" | "Home" | "End" | "PageUp" | "PageDown") {
                popup.set(None);
            }
        })
    };
    let on_scroll = {
        let pre_ref = pre_ref.clone();
        Callback::from(move |e: Event| {
            if let (Some(ta), Some(pre)) = (e.target_dyn_into::<HtmlElement>(), pre_ref.cast::<HtmlElement>()) {
                pre.set_scroll_top(ta.scroll_top());
                pre.set_scroll_left(ta.scroll_left());
            }
        })
    };
    let on_blur = {
        let popup = popup.clone();
        // Later, so a click on an item is handled first.
        Callback::from(move |_: FocusEvent| {
            let popup = popup.clone();
            gloo_timers_free_delay(move || popup.set(None));
        })
    };
    let scroll_top = ta_ref.cast::<HtmlElement>().map_or(0, |t| t.scroll_top());
    html! {
        <div class="sql-editor-wrap">
            <pre class="sql-highlight" aria-hidden="true" ref={pre_ref}>{ highlighted(&props.value) }{"\n"}</pre>
            <textarea id={props.id.clone()} class="sql-editor sql-input" spellcheck="false" rows="10" ref={ta_ref}
                aria-label="SQL query" aria-autocomplete="list" aria-controls="completion"
                value={props.value.clone()} oninput={on_input} onkeydown={on_keydown} onscroll={on_scroll} onblur={on_blur} />
            if let Some(p) = &*popup {
                <ul id="completion" class="completion" role="listbox"
                    style={format!("top: calc({} * 1.5em + 9px - {}px); left: calc({}ch + 11px)", p.line + 1, scroll_top, p.col)}>
                { for p.items.iter().enumerate().map(|(i, item)| {
                    let accept = accept.clone();
                    html! {
                        <li role="option" class={classes!("completion-item", (i == p.selected).then_some("selected"))}
                            aria-selected={(i == p.selected).to_string()} data-kind={item.kind}
                            onmousedown={Callback::from(move |e: MouseEvent| { e.prevent_default(); accept(i) })}>
                            <span class={classes!("kind", item.kind)}>{ item.kind.chars().next().map(String::from).unwrap_or_default() }</span>
                            <span class="label">{ &item.label }</span>
                            <span class="detail">{ &item.detail }</span>
                        </li>
                    }
                }) }
                </ul>
            }
        </div>
    }
}

/// Runs `f` on a later turn of the event loop.
fn gloo_timers_free_delay(f: impl FnOnce() + 'static) {
    wasm_bindgen_futures::spawn_local(async move { f() });
}
