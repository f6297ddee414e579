//! Athena views: `CREATE [OR REPLACE] VIEW` stores the query in the catalog as a Glue
//! `VIRTUAL_VIEW` table; every session plans the stored views again (so they survive reloads
//! and see the tables as they are now).

use std::sync::Arc;

use datafusion::{
    catalog::{CatalogProvider, MemoryCatalogProvider, TableProvider},
    datasource::ViewTable,
    logical_expr::{CreateView, DropView},
    prelude::SessionContext,
};
use puddle_catalog::{Column, Table};

use crate::{arrow_to_hive, Error, Result, SqlEngine};

/// View parameter holding the database that was current when the view was created.
const VIEW_CONTEXT: &str = "puddle.viewContextDatabase";

/// The query of `CREATE [OR REPLACE] VIEW name [(cols)] AS <query>`: the text after the first
/// top-level `AS` word.
pub(crate) fn view_query(statement: &str) -> Option<&str> {
    let bytes = statement.as_bytes();
    let (mut depth, mut quote) = (0i32, None::<u8>);
    for i in 0..bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'\'' | b'"' | b'`' => quote = Some(c),
                b'(' => depth += 1,
                b')' => depth -= 1,
                b'a' | b'A' if depth == 0 && i > 0 && bytes[i - 1].is_ascii_whitespace() => {
                    let is_as = bytes.get(i + 1).is_some_and(|n| n.eq_ignore_ascii_case(&b's'))
                        && bytes.get(i + 2).is_some_and(|n| n.is_ascii_whitespace() || *n == b'(');
                    if is_as {
                        return Some(statement[i + 2..].trim().trim_end_matches(';').trim());
                    }
                }
                _ => {}
            },
        }
    }
    None
}

/// Refuses `CREATE [OR REPLACE] VIEW name (col, ...) AS ...` as Athena does: Trino's CREATE VIEW
/// has no column list, and Puddle must not accept it and drop the names (issue 12). The error
/// is Athena's parser error, with the position of the `(`.
pub(crate) fn refuse_column_list(sql: &str) -> Result<()> {
    use crate::athena_ddl::Tok;
    let starts_create = sql.trim_start().get(..6).is_some_and(|w| w.eq_ignore_ascii_case("CREATE"));
    if !starts_create {
        return Ok(());
    }
    let Ok((toks, offsets)) = crate::athena_ddl::tokenize(sql) else { return Ok(()) };
    let word = |i: usize, w: &str| matches!(toks.get(i), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w));
    let mut i = if word(1, "OR") && word(2, "REPLACE") { 3 } else { 1 };
    if !word(0, "CREATE") || !word(i, "VIEW") {
        return Ok(());
    }
    i += 1;
    // The view name: up to three dot-separated parts (catalog.database.view).
    for part in 0..3 {
        if !matches!(toks.get(i), Some(Tok::Word(_) | Tok::Ident(_))) {
            return Ok(());
        }
        i += 1;
        if part < 2 && toks.get(i) == Some(&Tok::Punct('.')) {
            i += 1;
        } else {
            break;
        }
    }
    if toks.get(i) != Some(&Tok::Punct('(')) {
        return Ok(());
    }
    let (line, column) = crate::athena_ddl::line_column(sql, offsets.get(i).copied().unwrap_or_default());
    Err(Error::Query(format!(
        "line {line}:{column}: mismatched input '('. Expecting: 'AS', 'COMMENT', 'SECURITY' \
         (Athena's CREATE VIEW takes no column list: name the columns in the query, SELECT x AS a, y AS b ...)"
    )))
}

/// Plans every stored view and registers it in `catalog` (schema = the view's database).
/// Views over views are planned after what they read; a view that no longer plans (its table
/// was dropped) stays out of the session, so only queries that use it fail.
pub(crate) async fn register_views(ctx: &SessionContext, catalog: &MemoryCatalogProvider, views: Vec<Table>) {
    let mut pending = views;
    loop {
        let mut failed = Vec::new();
        let before = pending.len();
        for view in pending {
            match plan_view(ctx, &view).await {
                Ok(provider) => {
                    if let Some(schema) = catalog.schema(&view.database) {
                        let _ = schema.register_table(view.name.clone(), provider);
                    }
                }
                Err(_) => failed.push(view),
            }
        }
        if failed.is_empty() || failed.len() == before {
            return;
        }
        pending = failed;
    }
}

async fn plan_view(ctx: &SessionContext, view: &Table) -> Result<Arc<dyn TableProvider>> {
    let sql = view.view_original_text.as_deref().unwrap_or_default();
    let mut state = ctx.state();
    // Unqualified names resolve in the database that was current when the view was created.
    let context = view.parameters.get(VIEW_CONTEXT).unwrap_or(&view.database);
    state.config_mut().options_mut().catalog.default_schema = context.clone();
    let plan = state.create_logical_plan(sql).await?;
    Ok(Arc::new(ViewTable::new(plan, Some(sql.to_string()))))
}

impl SqlEngine {
    /// `CREATE [OR REPLACE] VIEW`: stores the view's query and output columns in the catalog.
    pub(crate) async fn create_view(&self, cmd: CreateView, statement: &str, database: &str) -> Result<()> {
        let db = self.resolve_database(cmd.name.schema(), database);
        let name = cmd.name.table().to_ascii_lowercase();
        let query = view_query(statement)
            .ok_or_else(|| Error::Query("CREATE VIEW needs AS followed by a query".into()))?
            .to_string();
        if let Ok(existing) = self.catalog.get_table(&db, &name) {
            if !existing.is_view() {
                return Err(Error::Query(format!("{db}.{name} is a table, not a view")));
            }
            if !cmd.or_replace {
                return Err(
                    puddle_catalog::Error::AlreadyExists { entity: "View", name: format!("{db}.{name}") }.into()
                );
            }
        }
        let columns =
            cmd.input.schema().fields().iter().map(|f| Column::new(f.name(), arrow_to_hive(f.data_type()))).collect();
        let mut view = Table::view(&db, &name, query, columns);
        view.parameters.insert(VIEW_CONTEXT.into(), database.to_string());
        self.catalog.put_table(view).await?;
        Ok(())
    }

    /// `DROP VIEW [IF EXISTS]`.
    pub(crate) async fn drop_view(&self, cmd: DropView, database: &str) -> Result<()> {
        let db = self.resolve_database(cmd.name.schema(), database);
        match self.catalog.get_table(&db, cmd.name.table()) {
            Ok(t) if t.is_view() => Ok(self.catalog.delete_table(&db, &t.name).await?),
            Ok(t) => Err(Error::Query(format!("{} is a table, not a view; use DROP TABLE", t.qualified_name()))),
            Err(_) if cmd.if_exists => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::view_query;

    #[test]
    fn finds_the_query_of_a_view() {
        assert_eq!(view_query("CREATE VIEW v AS SELECT 1;"), Some("SELECT 1"));
        assert_eq!(
            view_query("create or replace view v (a, b)\nas\n(select 'as x' as a, 2)"),
            Some("(select 'as x' as a, 2)")
        );
        assert_eq!(view_query("CREATE VIEW \"as\" AS SELECT 1"), Some("SELECT 1"));
        assert_eq!(view_query("CREATE VIEW v"), None);
    }

    /// Issue 12: `CREATE VIEW v (a, b) AS SELECT x, y ...` was accepted and its column list dropped.
    #[test]
    fn a_view_column_list_is_refused_with_athenas_error() {
        use super::refuse_column_list;
        let err = refuse_column_list("CREATE VIEW v (a, b) AS SELECT x, y FROM t").unwrap_err().to_string();
        assert!(err.starts_with("line 1:15: mismatched input '('. Expecting: 'AS', 'COMMENT', 'SECURITY'"), "{err}");
        let err =
            refuse_column_list("create or replace view sales_db.\"v\"\n  (a) as select 1").unwrap_err().to_string();
        assert!(err.starts_with("line 2:3: mismatched input '('"), "{err}");
        for fine in [
            "CREATE VIEW v AS SELECT x AS a, y AS b FROM t",
            "CREATE VIEW v AS (SELECT 1)",
            "CREATE OR REPLACE VIEW awsdatacatalog.db.v AS SELECT 1",
            "CREATE TABLE t (a int)",
            "SELECT 1",
            "CREATE VIEW",
        ] {
            assert!(refuse_column_list(fine).is_ok(), "{fine}");
        }
    }
}
