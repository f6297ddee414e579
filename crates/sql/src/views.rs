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
}
