//! `--name value` options, as every AWS CLI operation takes them.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{parse::usage, UsageError};

/// `--name value` parameters and positional arguments of one operation.
pub(crate) struct Params<'a> {
    pub(crate) values: BTreeMap<&'a str, &'a str>,
    pub(crate) positional: Vec<&'a str>,
}

impl<'a> Params<'a> {
    pub(crate) fn parse(args: &[&'a str], allowed: &[&str]) -> Result<Self, UsageError> {
        let mut values = BTreeMap::new();
        let mut positional = Vec::new();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let Some(name) = arg.strip_prefix("--") else {
                positional.push(*arg);
                continue;
            };
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (name, None),
            };
            if !allowed.contains(&name) {
                return usage(format!("Unknown options: --{name}"));
            }
            let value = match inline {
                Some(v) => v,
                None => match iter.next() {
                    Some(v) => v,
                    None => return usage(format!("argument --{name}: expected one argument")),
                },
            };
            values.insert(name, value);
        }
        Ok(Self { values, positional })
    }

    pub(crate) fn required(&self, name: &str) -> Result<String, UsageError> {
        self.values
            .get(name)
            .map(|v| v.to_string())
            .ok_or_else(|| UsageError { message: format!("the following arguments are required: --{name}") })
    }

    pub(crate) fn optional(&self, name: &str) -> Option<String> {
        self.values.get(name).map(|v| v.to_string())
    }
}

/// The values of a list option (`--ids a b c`) and the other arguments: the values run from
/// the flag to the next `--option`.
pub(crate) fn split_list_option<'a>(args: &[&'a str], name: &str) -> (Vec<&'a str>, Vec<&'a str>) {
    let flag = format!("--{name}");
    let mut values = Vec::new();
    let mut rest = Vec::new();
    let mut taking = false;
    for arg in args {
        if *arg == flag {
            taking = true;
        } else if arg.starts_with("--") {
            taking = false;
            rest.push(*arg);
        } else if taking {
            values.push(*arg);
        } else {
            rest.push(*arg);
        }
    }
    (values, rest)
}

/// A JSON parameter value.
pub(crate) fn json_param(name: &str, text: &str) -> Result<Value, UsageError> {
    serde_json::from_str(text)
        .map_err(|e| UsageError { message: format!("argument --{name}: Invalid JSON: {e}\nJSON received: {text}") })
}

/// JSON, or the CLI's shorthand `Key=Value,Key2=Value2`.
pub(crate) fn json_or_shorthand(name: &str, text: &str) -> Result<Value, UsageError> {
    if text.trim_start().starts_with('{') {
        return json_param(name, text);
    }
    let mut map = serde_json::Map::new();
    for pair in text.split(',').filter(|p| !p.is_empty()) {
        let Some((k, v)) = pair.split_once('=') else {
            return usage(format!("argument --{name}: expected Key=Value, got '{pair}'"));
        };
        map.insert(k.trim().to_string(), Value::String(v.trim().to_string()));
    }
    Ok(Value::Object(map))
}
