//! `--name value` options of Puddle's own `puddle clock` command (AWS operations take theirs
//! from the model, in `crate::api`).

use std::collections::BTreeMap;

use crate::{parse::usage, UsageError};

/// `--name value` parameters and positional arguments of one operation.
pub(crate) struct Params<'a> {
    pub(crate) values: BTreeMap<&'a str, &'a str>,
}

impl<'a> Params<'a> {
    pub(crate) fn parse(args: &[&'a str], allowed: &[&str]) -> Result<Self, UsageError> {
        let mut values = BTreeMap::new();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let Some(name) = arg.strip_prefix("--") else {
                return Err(UsageError::new(format!("Unknown options: {arg}")));
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
        Ok(Self { values })
    }

    pub(crate) fn optional(&self, name: &str) -> Option<String> {
        self.values.get(name).map(|v| v.to_string())
    }
}
