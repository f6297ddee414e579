//! A small confirmation dialog for destructive actions (Delete stream, Delete delivery stream):
//! focus starts on Cancel, Escape or a click outside cancels.

use yew::prelude::*;

/// Props of [`ConfirmModal`].
#[derive(Properties, PartialEq)]
pub struct ConfirmModalProps {
    /// Dialog title.
    pub title: String,
    /// What will happen.
    pub message: String,
    /// Label of the confirm button.
    pub confirm_label: String,
    /// Whether the action is running.
    #[prop_or_default]
    pub busy: bool,
    /// The engine's error, shown in the dialog.
    #[prop_or_default]
    pub error: Option<String>,
    /// The user confirmed.
    pub on_confirm: Callback<()>,
    /// The user cancelled.
    pub on_cancel: Callback<()>,
}

/// A modal confirmation.
#[function_component(ConfirmModal)]
pub fn confirm_modal(props: &ConfirmModalProps) -> Html {
    let cancel_ref = use_node_ref();
    {
        let cancel_ref = cancel_ref.clone();
        use_effect_with((), move |_| {
            if let Some(el) = cancel_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let on_keydown = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                on_cancel.emit(());
            }
        })
    };
    let on_backdrop = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |e: MouseEvent| {
            if e.target().zip(e.current_target()).is_some_and(|(t, c)| t == c) {
                on_cancel.emit(());
            }
        })
    };
    let (on_confirm, on_cancel) = (props.on_confirm.clone(), props.on_cancel.clone());
    html! {
        <div class="modal-backdrop" onclick={on_backdrop} onkeydown={on_keydown}>
            <div class="modal card" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title"
                aria-describedby="confirm-message" id="confirm-dialog">
                <h2 id="confirm-title">{ &props.title }</h2>
                <p id="confirm-message">{ &props.message }</p>
                if let Some(e) = &props.error { <p class="error-text" role="alert">{ e }</p> }
                <div class="modal-buttons">
                    <button id="confirm-cancel" ref={cancel_ref} disabled={props.busy}
                        onclick={Callback::from(move |_| on_cancel.emit(()))}>{"Cancel"}</button>
                    <button id="confirm-ok" class="primary danger" disabled={props.busy}
                        onclick={Callback::from(move |_| on_confirm.emit(()))}>
                        if props.busy { <span class="spinner" aria-hidden="true"></span> }
                        { &props.confirm_label }
                    </button>
                </div>
            </div>
        </div>
    }
}
