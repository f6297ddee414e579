//! One argument's words to a JSON value of its shape, as `awscli/argprocess.py` and
//! `awscli/paramfile.py` do: scalars by type, lists as space-separated values, structures and
//! maps as shorthand or JSON, `file://` (text) and `fileb://` (bytes, for blobs) for any value.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use serde_json::Value;

use crate::{
    model::{Service, Shape, ANY_SHAPE},
    shorthand,
};

/// Deepest JSON nesting accepted in an argument (serde_json's own limit is 128).
pub const MAX_JSON_DEPTH: usize = 32;

/// What the parser may know of the terminal's local folder, gathered by the caller beforehand
/// (the parser itself reads nothing).
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// Contents of the files the line names with `file://` or `fileb://`.
    pub contents: BTreeMap<String, Vec<u8>>,
    /// Words of the line that are existing local files (for streaming blobs like `--body`).
    pub existing: BTreeSet<String>,
}

/// `Error parsing parameter '--name': ...`
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Error parsing parameter '{name}': {message}")]
pub struct ParamError {
    /// `--name`.
    pub name: String,
    /// What is wrong.
    pub message: String,
}

/// Resolves `file://` and `fileb://` to the file's text; other values are returned as they are.
pub(crate) fn paramfile(name: &str, value: &str, files: &Files) -> Result<String, ParamError> {
    let Some(path) = value.strip_prefix("file://").or_else(|| value.strip_prefix("fileb://")) else {
        return Ok(value.to_string());
    };
    String::from_utf8(file(name, value, path, files)?.to_vec()).map_err(|_| ParamError {
        name: name.into(),
        message: format!("Unable to load paramfile {value}: the file is not UTF-8 text"),
    })
}

fn file<'f>(name: &str, value: &str, path: &str, files: &'f Files) -> Result<&'f [u8], ParamError> {
    files.contents.get(path).map(Vec::as_slice).ok_or_else(|| ParamError {
        name: name.into(),
        message: format!("Unable to load paramfile {value}: [Errno 2] No such file or directory: '{path}'"),
    })
}

/// The paths a line may read: every `file://`/`fileb://` path, and every other word (any of
/// them may be a streaming blob's file, such as `--body sales.csv`).
pub fn file_references(line: &str) -> (Vec<String>, Vec<String>) {
    let words = shell_words::split(line.trim()).unwrap_or_default();
    let mut refs = Vec::new();
    let mut others = Vec::new();
    for w in words {
        match w.strip_prefix("file://").or_else(|| w.strip_prefix("fileb://")) {
            Some(path) => refs.push(path.to_string()),
            None if !w.starts_with("--") && !w.contains("://") && w.len() < 1024 => others.push(w),
            None => {}
        }
    }
    (refs, others)
}

/// Converts the words given to `--name` into a value of `shape`.
pub(crate) fn unpack(
    service: &Service,
    name: &str,
    shape_name: &str,
    words: &[String],
    files: &Files,
) -> Result<Value, ParamError> {
    let err = |message: String| ParamError { name: name.into(), message };
    let Some(shape) = service.shape(shape_name).filter(|_| shape_name != ANY_SHAPE) else {
        return json(name, &paramfile(name, &one(name, words)?, files)?);
    };
    if shape.kind == "list" {
        let member = shape.member.as_deref().unwrap_or(ANY_SHAPE);
        if let [word] = words {
            let text = paramfile(name, word, files)?;
            if text.trim_start().starts_with('[') {
                return json(name, &text);
            }
        }
        let mut out = Vec::new();
        for w in words {
            out.push(unpack(service, name, member, std::slice::from_ref(w), files)?);
        }
        return Ok(Value::Array(out));
    }
    let text = one(name, words)?;
    if let Some(path) = text.strip_prefix("fileb://").filter(|_| shape.kind == "blob") {
        return Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(file(name, &text, path, files)?)));
    }
    let text = paramfile(name, &text, files)?;
    match shape.kind.as_str() {
        "structure" | "map" if shape.document => json(name, &text),
        "structure" | "map" => {
            if text.trim_start().starts_with('{') {
                return json(name, &text);
            }
            if text.trim().is_empty() {
                return Err(err(format!("Invalid JSON:\n{text}")));
            }
            let mut parsed = shorthand::parse(&text).map_err(|e| err(e.0))?;
            coerce(service, shape_name, &mut parsed);
            Ok(parsed)
        }
        _ => scalar(shape, &text).map_err(err),
    }
}

fn one(name: &str, words: &[String]) -> Result<String, ParamError> {
    match words {
        [w] => Ok(w.clone()),
        [] => Err(ParamError { name: name.into(), message: "expected one argument".into() }),
        [_, extra, ..] => Err(ParamError { name: name.into(), message: format!("Unknown options: {extra}") }),
    }
}

fn json(name: &str, text: &str) -> Result<Value, ParamError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| ParamError { name: name.into(), message: format!("Invalid JSON: {e}\nJSON received: {text}") })?;
    if depth(&value) > MAX_JSON_DEPTH {
        return Err(ParamError {
            name: name.into(),
            message: format!("JSON nested more than {MAX_JSON_DEPTH} levels"),
        });
    }
    Ok(value)
}

/// Nesting depth of a JSON value.
pub(crate) fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// A scalar from its text.
pub(crate) fn scalar(shape: &Shape, text: &str) -> Result<Value, String> {
    Ok(match shape.kind.as_str() {
        "integer" | "long" => match text.trim().parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => return Err(format!("invalid literal for int() with base 10: '{text}'")),
        },
        "float" | "double" => match text.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null),
            _ => return Err(format!("could not convert string to float: '{text}'")),
        },
        "boolean" => Value::Bool(!text.eq_ignore_ascii_case("false")),
        _ => Value::String(text.to_string()),
    })
}

/// Shorthand values are strings; make numbers and booleans of them where the shape says so,
/// and single values into one-item lists (`BackCompatVisitor` in shorthand.py).
pub(crate) fn coerce(service: &Service, shape_name: &str, value: &mut Value) {
    let _ = service.visit(shape_name, value, &mut |shape, v| {
        match (shape.kind.as_str(), &*v) {
            ("list", Value::Array(_) | Value::Null) => {}
            ("list", _) => *v = Value::Array(vec![v.take()]),
            ("integer" | "long" | "float" | "double" | "boolean", Value::String(s)) => {
                *v = scalar(shape, s).unwrap_or_else(|_| v.take())
            }
            _ => {}
        }
        Ok::<(), ()>(())
    });
}

/// `--cli-binary-format` (AWS CLI v2's `binaryformat.py`): every blob of `value` given as text
/// becomes the input's base64 string. `base64` (the default) takes the text as base64, checked
/// as Python's `b64decode` checks it; `raw-in-base64-out` takes it as raw text. Streaming blobs
/// (file paths) and `fileb://` bytes are not text and are left alone by the callers.
pub(crate) fn blobs(service: &Service, shape_name: &str, value: &mut Value, raw: bool) -> Result<(), String> {
    service.visit(shape_name, value, &mut |shape, v| match v {
        Value::String(text) if shape.kind == "blob" => {
            let bytes = if raw { Some(text.as_bytes().to_vec()) } else { b64decode(text) };
            let bytes = bytes.ok_or_else(|| format!("Invalid base64: \"{text}\""))?;
            *text = base64::engine::general_purpose::STANDARD.encode(bytes);
            Ok(())
        }
        _ => Ok(()),
    })
}

/// Python's `base64.b64decode(text)` (binascii's non-strict mode): characters outside the
/// alphabet are skipped, decoding stops at complete padding, and a last group of one character
/// or without its padding is an error.
fn b64decode(text: &str) -> Option<Vec<u8>> {
    let (mut data, mut quad, mut pads) = (String::new(), 0, 0);
    for c in text.chars() {
        if c == '=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    quad = 0;
                    break;
                }
            }
        } else if c.is_ascii_alphanumeric() || c == '+' || c == '/' {
            data.push(c);
            (quad, pads) = ((quad + 1) % 4, 0);
        }
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
    );
    if quad != 0 {
        return None;
    }
    engine.decode(data).ok()
}
