//! Redshift Spectrum statements DataFusion's parser does not know.

use crate::{Error, Result};

/// `CREATE EXTERNAL SCHEMA [IF NOT EXISTS] name FROM DATA CATALOG DATABASE 'db' [REGION 'r']
/// IAM_ROLE 'arn' [CREATE EXTERNAL DATABASE IF NOT EXISTS]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CreateExternalSchema {
    pub name: String,
    pub database: String,
    pub if_not_exists: bool,
    pub create_database: bool,
}

/// `Ok(None)` when `sql` is not a CREATE EXTERNAL SCHEMA statement; an error when it is one
/// but malformed.
pub(crate) fn parse_create_external_schema(sql: &str) -> Result<Option<CreateExternalSchema>> {
    let tokens = tokens(sql.trim().trim_end_matches(';'));
    let upper: Vec<String> = tokens.iter().map(|t| t.to_ascii_uppercase()).collect();
    let words: Vec<&str> = upper.iter().map(String::as_str).collect();
    if !words.starts_with(&["CREATE", "EXTERNAL", "SCHEMA"]) {
        return Ok(None);
    }
    let bad = |why: &str| {
        Err(Error::Query(format!(
            "CREATE EXTERNAL SCHEMA: {why}. Expected: CREATE EXTERNAL SCHEMA [IF NOT EXISTS] name FROM DATA CATALOG \
             DATABASE 'database' IAM_ROLE 'arn:aws:iam::123456789012:role/Role' [CREATE EXTERNAL DATABASE IF NOT EXISTS]"
        )))
    };
    let mut i = 3;
    let if_not_exists = words[i..].starts_with(&["IF", "NOT", "EXISTS"]);
    if if_not_exists {
        i += 3;
    }
    let Some(name) = tokens.get(i) else { return bad("the schema name is missing") };
    i += 1;
    if !words[i..].starts_with(&["FROM", "DATA", "CATALOG"]) {
        return bad("only FROM DATA CATALOG is supported");
    }
    i += 3;
    let (mut database, mut role, mut create_database) = (None, None, false);
    while i < words.len() {
        match &words[i..] {
            ["DATABASE", ..] => {
                database = tokens.get(i + 1).map(|t| unquote(t));
                i += 2;
            }
            ["REGION", ..] | ["CATALOG_ID", ..] => i += 2,
            ["IAM_ROLE", ..] => {
                role = tokens.get(i + 1).map(|t| unquote(t));
                i += 2;
            }
            ["CREATE", "EXTERNAL", "DATABASE", "IF", "NOT", "EXISTS", ..] => {
                create_database = true;
                i += 6;
            }
            [other, ..] => return bad(&format!("unexpected '{other}'")),
            [] => break,
        }
    }
    let Some(database) = database.filter(|d| !d.is_empty()) else { return bad("DATABASE 'name' is missing") };
    if role.is_none_or(|r| r.is_empty()) {
        return bad("IAM_ROLE is missing");
    }
    Ok(Some(CreateExternalSchema { name: unquote(name), database, if_not_exists, create_database }))
}

/// Whitespace-separated tokens; single-quoted strings stay one token.
pub(crate) fn tokens(sql: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub(crate) fn unquote(t: &str) -> String {
    t.trim_matches('\'').trim_matches('"').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_course_statement() {
        let stmt = parse_create_external_schema(
            "CREATE EXTERNAL SCHEMA s3_data\nFROM DATA CATALOG DATABASE 'sales_db'\nIAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftRole'\nCREATE EXTERNAL DATABASE IF NOT EXISTS;",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            stmt,
            CreateExternalSchema {
                name: "s3_data".into(),
                database: "sales_db".into(),
                if_not_exists: false,
                create_database: true
            }
        );
    }

    #[test]
    fn other_statements_and_errors() {
        assert_eq!(parse_create_external_schema("SELECT 1").unwrap(), None);
        assert_eq!(parse_create_external_schema("CREATE EXTERNAL TABLE t").unwrap(), None);
        let no_role =
            parse_create_external_schema("CREATE EXTERNAL SCHEMA s FROM DATA CATALOG DATABASE 'd'").unwrap_err();
        assert!(no_role.to_string().contains("IAM_ROLE is missing"));
        let hive =
            parse_create_external_schema("create external schema s from hive metastore database 'd'").unwrap_err();
        assert!(hive.to_string().contains("FROM DATA CATALOG"));
        let ok = parse_create_external_schema(
            "create external schema if not exists s from data catalog database 'd' region 'us-east-1' iam_role 'r'",
        )
        .unwrap()
        .unwrap();
        assert!(ok.if_not_exists && !ok.create_database);
    }
}
