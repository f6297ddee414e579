//! Errors: the [`Error`] type for opening/deleting a database, and the mapping of IndexedDB
//! failures (DOMExceptions, `idb` errors, corrupt records) to [`object_store::Error`].

use wasm_bindgen::{JsCast, JsValue};
use web_sys::DomException;

use crate::STORE_NAME;

/// Failure to open or delete an IndexedDB database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The global scope has no `indexedDB` (e.g. a worker type without it, or storage disabled).
    #[error("IndexedDB is not available in this context: {0}")]
    Unavailable(String),
    /// The browser refused to open the database.
    #[error("cannot open IndexedDB database {name:?}: {message}")]
    Open {
        /// The database name.
        name: String,
        /// What the browser reported.
        message: String,
    },
    /// The database opened but lacks the `meta` / `chunks` object stores (the schema upgrade
    /// failed, or another program owns a database of that name).
    #[error("IndexedDB database {name:?} lacks object store {store:?}")]
    MissingStore {
        /// The database name.
        name: String,
        /// The missing object store.
        store: &'static str,
    },
    /// The browser refused to delete the database.
    #[error("cannot delete IndexedDB database {name:?}: {message}")]
    Delete {
        /// The database name.
        name: String,
        /// What the browser reported.
        message: String,
    },
}

/// Name and message of a JS error value, if it is a `DOMException` (or any `Error`).
pub(crate) fn js_error_parts(value: &JsValue) -> (String, String) {
    if let Some(dom) = value.dyn_ref::<DomException>() {
        return (dom.name(), dom.message());
    }
    if let Some(err) = value.dyn_ref::<js_sys::Error>() {
        return (String::from(err.name()), String::from(err.message()));
    }
    ("Error".to_string(), value.as_string().unwrap_or_else(|| format!("{value:?}")))
}

/// The error for a failed IndexedDB operation, from the exception's name and message.
///
/// A `QuotaExceededError` becomes a message starting with `QuotaExceeded:` (the S3 layer maps
/// such messages to its `QuotaExceeded` error).
pub(crate) fn dom_error(op: &str, name: &str, message: &str) -> object_store::Error {
    let text = if name.contains("QuotaExceeded") || message.contains("QuotaExceeded") {
        format!(
            "QuotaExceeded: the browser's storage quota for IndexedDB is exhausted \
             ({op} was rolled back): {name}: {message}"
        )
    } else {
        format!("IndexedDB {op} failed: {name}: {message}")
    };
    generic(text)
}

/// Map a JS exception value to an [`object_store::Error`].
pub(crate) fn js_error(op: &str, value: &JsValue) -> object_store::Error {
    let (name, message) = js_error_parts(value);
    dom_error(op, &name, &message)
}

/// Map an error of the `idb` crate to an [`object_store::Error`].
pub(crate) fn idb_error(op: &str, err: idb::Error) -> object_store::Error {
    match &err {
        idb::Error::DomException(dom) => dom_error(op, &dom.name(), &dom.message()),
        _ => {
            // Most variants wrap the thrown JS value; its text carries the DOMException name.
            let text = err.to_string();
            if text.contains("QuotaExceeded") {
                dom_error(op, "QuotaExceededError", &text)
            } else {
                generic(format!("IndexedDB {op} failed: {text}"))
            }
        }
    }
}

/// A generic error of this store with the given message.
pub(crate) fn generic(message: String) -> object_store::Error {
    object_store::Error::Generic { store: STORE_NAME, source: message.into() }
}

/// The error for a database record that does not have the expected shape.
pub(crate) fn corrupt(path: &str, what: &str) -> object_store::Error {
    generic(format!("corrupt IndexedDB record for {path:?}: {what}"))
}

/// The `NotFound` error for `path`.
pub(crate) fn not_found(path: &str) -> object_store::Error {
    object_store::Error::NotFound {
        path: path.to_string(),
        source: format!("no object at {path:?} in IndexedDB").into(),
    }
}

/// The `AlreadyExists` error for `path`.
pub(crate) fn already_exists(path: &str) -> object_store::Error {
    object_store::Error::AlreadyExists {
        path: path.to_string(),
        source: format!("object {path:?} already exists in IndexedDB").into(),
    }
}

/// The `Precondition` error for `path`.
pub(crate) fn precondition(path: &str, why: String) -> object_store::Error {
    object_store::Error::Precondition { path: path.to_string(), source: why.into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn quota_exceeded_is_generic_with_marker() {
        let dom = DomException::new_with_message_and_name("The quota has been exceeded.", "QuotaExceededError")
            .expect("DOMException");
        let err = js_error("put", &dom.into());
        assert!(matches!(err, object_store::Error::Generic { store: "IndexedDB", .. }));
        assert!(err.to_string().contains("QuotaExceeded"), "{err}");

        let idb_err = idb_error(
            "put",
            idb::Error::UpdateFailed(
                DomException::new_with_message_and_name("x", "QuotaExceededError").expect("DOMException").into(),
            ),
        );
        assert!(idb_err.to_string().contains("QuotaExceeded"), "{idb_err}");

        let other = js_error(
            "put",
            &DomException::new_with_message_and_name("nope", "DataError").expect("DOMException").into(),
        );
        assert!(!other.to_string().contains("QuotaExceeded"), "{other}");
        assert!(other.to_string().contains("DataError"), "{other}");
    }
}
