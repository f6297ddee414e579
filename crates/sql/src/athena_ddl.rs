//! Athena's Hive DDL, parsed by hand: DataFusion's parser knows neither `ROW FORMAT`,
//! `TBLPROPERTIES`, `MSCK REPAIR TABLE` nor `ALTER TABLE ... ADD PARTITION`.
//!
//! [`parse`] returns `Ok(None)` for any statement it does not own, which then goes to DataFusion.

use std::collections::BTreeMap;

use puddle_catalog::Column;

use crate::{Error, Result};

/// A token of Hive DDL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A bare word or number (`CREATE`, `sales_db`, `10`).
    Word(String),
    /// A quoted identifier (`` `x` `` or `"x"`).
    Ident(String),
    /// A string literal (`'x'`).
    Str(String),
    /// One of `( ) , . = < > : ; [ ]`.
    Punct(char),
}

/// The tokens of `sql` and the byte offset where each starts.
pub(crate) fn tokenize(sql: &str) -> Result<(Vec<Tok>, Vec<usize>)> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    // `Chars` (not `Peekable`): `as_str` gives the byte offset in constant time, so a long
    // statement tokenizes in linear time.
    let mut chars = sql.chars();
    while let Some(c) = chars.clone().next() {
        if !c.is_whitespace() && out.len() == offsets.len() {
            offsets.push(sql.len() - chars.as_str().len());
        }
        if c.is_whitespace() {
            chars.next();
        } else if c == '-' && chars.clone().nth(1) == Some('-') {
            // A `--` comment runs to the end of the line.
            for c in chars.by_ref() {
                if c == '\n' {
                    break;
                }
            }
        } else if c == '\'' || c == '"' || c == '`' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    None => return Err(Error::Query(format!("unterminated {c}quoted{c} text in the statement"))),
                    Some('\\') if c == '\'' => match chars.next() {
                        Some('t') => text.push('\t'),
                        Some('n') => text.push('\n'),
                        Some(next) => text.push(next),
                        None => {}
                    },
                    Some(q) if q == c => {
                        if chars.clone().next() == Some(c) {
                            chars.next();
                            text.push(c);
                        } else {
                            break;
                        }
                    }
                    Some(other) => text.push(other),
                }
            }
            out.push(if c == '\'' { Tok::Str(text) } else { Tok::Ident(text) });
        } else if "(),.=<>:;[]".contains(c) {
            chars.next();
            out.push(Tok::Punct(c));
        } else {
            let mut word = String::new();
            while let Some(c) = chars.clone().next() {
                if c.is_whitespace() || "(),.=<>:;[]'\"`".contains(c) {
                    break;
                }
                word.push(c);
                chars.next();
            }
            out.push(Tok::Word(word));
        }
    }
    offsets.truncate(out.len()); // a trailing comment starts no token
    while out.last() == Some(&Tok::Punct(';')) {
        out.pop();
        offsets.pop();
    }
    Ok((out, offsets))
}

/// Athena's `line:column` (1-based) of byte `offset` in `sql`.
pub(crate) fn line_column(sql: &str, offset: usize) -> (usize, usize) {
    let before = sql.get(..offset).unwrap_or(sql);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
    (line, column)
}

/// A possibly qualified table name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub database: Option<String>,
    pub table: String,
}

/// `CREATE EXTERNAL TABLE` in Hive form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CreateTable {
    pub name: Name,
    pub if_not_exists: bool,
    /// Declared columns; empty means "read them from the files".
    pub columns: Vec<Column>,
    pub partition_keys: Vec<Column>,
    /// `csv`, `json` or `parquet`.
    pub classification: String,
    pub location: String,
    /// CSV field delimiter.
    pub delimiter: Option<String>,
    /// CSV quote character (OpenCSVSerde's `quoteChar`).
    pub quote: Option<String>,
    /// CSV escape character (`ESCAPED BY`, `escapeChar`).
    pub escape: Option<String>,
    /// `TBLPROPERTIES`.
    pub properties: BTreeMap<String, String>,
    /// `STORED AS CSV` (DataFusion's form): the files have a header unless told otherwise.
    pub header_by_default: bool,
}

/// A partition spec `(k='v', ...)` with an optional location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PartitionSpec {
    pub values: Vec<(String, String)>,
    pub location: Option<String>,
}

/// The statements this module owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Statement {
    CreateTable(Box<CreateTable>),
    CreateDatabase {
        name: String,
        if_not_exists: bool,
        info: puddle_catalog::DatabaseInfo,
    },
    DropDatabase {
        name: String,
        if_exists: bool,
        cascade: bool,
    },
    ShowTables {
        database: Option<String>,
        pattern: Option<String>,
        views_only: bool,
    },
    ShowColumns(Name),
    Describe(Name),
    /// `DESCRIBE FORMATTED|EXTENDED`: the columns and the table's details.
    DescribeDetailed(Name),
    ShowCreateTable {
        name: Name,
        view: bool,
    },
    ShowPartitions(Name),
    MsckRepair(Name),
    AddPartitions {
        name: Name,
        if_not_exists: bool,
        partitions: Vec<PartitionSpec>,
    },
    DropPartitions {
        name: Name,
        if_exists: bool,
        partitions: Vec<PartitionSpec>,
    },
    SetTblProperties {
        name: Name,
        properties: BTreeMap<String, String>,
    },
    AddColumns {
        name: Name,
        columns: Vec<Column>,
    },
}

struct Parser {
    toks: Vec<Tok>,
    offsets: Vec<usize>,
    sql: String,
    pos: usize,
}

impl Parser {
    fn peek_word(&self, offset: usize) -> Option<String> {
        match self.toks.get(self.pos + offset) {
            Some(Tok::Word(w)) => Some(w.to_ascii_uppercase()),
            _ => None,
        }
    }

    /// Consumes the keywords if they come next.
    fn eat(&mut self, words: &[&str]) -> bool {
        let matches = words.iter().enumerate().all(|(i, w)| self.peek_word(i).as_deref() == Some(*w));
        if matches {
            self.pos += words.len();
        }
        matches
    }

    fn eat_punct(&mut self, c: char) -> bool {
        if self.toks.get(self.pos) == Some(&Tok::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, c: char) -> Result<()> {
        if self.eat_punct(c) {
            Ok(())
        } else {
            Err(self.error(&format!("expected '{c}'")))
        }
    }

    fn expect(&mut self, words: &[&str]) -> Result<()> {
        if self.eat(words) {
            Ok(())
        } else {
            Err(self.error(&format!("expected {}", words.join(" "))))
        }
    }

    fn error(&self, what: &str) -> Error {
        let near = match self.toks.get(self.pos) {
            None => "the end of the statement".to_string(),
            Some(Tok::Word(w) | Tok::Ident(w)) => format!("'{w}'"),
            Some(Tok::Str(s)) => format!("'{s}' (a string)"),
            Some(Tok::Punct(c)) => format!("'{c}'"),
        };
        let offset = self.offsets.get(self.pos).copied().unwrap_or(self.sql.trim_end().len());
        let (line, column) = line_column(&self.sql, offset);
        Error::Query(format!("line {line}:{column}: {what}, found {near}"))
    }

    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    fn ident(&mut self) -> Result<String> {
        match self.toks.get(self.pos) {
            Some(Tok::Word(w) | Tok::Ident(w)) => {
                self.pos += 1;
                Ok(w.clone())
            }
            _ => Err(self.error("expected a name")),
        }
    }

    fn string(&mut self) -> Result<String> {
        match self.toks.get(self.pos) {
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(s.clone())
            }
            _ => Err(self.error("expected a 'quoted string'")),
        }
    }

    fn name(&mut self) -> Result<Name> {
        let first = self.ident()?;
        if self.eat_punct('.') {
            Ok(Name { database: Some(first), table: self.ident()? })
        } else {
            Ok(Name { database: None, table: first })
        }
    }

    /// A Hive type: words and `< > ( ) , :` up to the `,` or `)` that ends the column.
    fn hive_type(&mut self) -> Result<String> {
        let mut depth = 0i32;
        let mut text = String::new();
        while let Some(tok) = self.toks.get(self.pos) {
            match tok {
                Tok::Punct(',' | ')') if depth == 0 => break,
                Tok::Punct(c @ ('<' | '(')) => {
                    depth += 1;
                    text.push(*c);
                }
                Tok::Punct(c @ ('>' | ')')) => {
                    depth -= 1;
                    text.push(*c);
                }
                Tok::Punct(c) => text.push(*c),
                // At the top level a type is one word (`int`, `decimal(...)`, `array<...>`).
                Tok::Word(_) | Tok::Ident(_) if depth == 0 && !text.is_empty() => break,
                Tok::Word(w) | Tok::Ident(w) => text.push_str(&w.to_ascii_lowercase()),
                Tok::Str(_) => return Err(self.error("expected a column type")),
            }
            self.pos += 1;
        }
        if text.is_empty() {
            return Err(self.error("expected a column type"));
        }
        Ok(text)
    }

    /// `(name type [COMMENT '...'], ...)`
    fn columns(&mut self) -> Result<Vec<Column>> {
        self.expect_punct('(')?;
        let mut out = Vec::new();
        loop {
            let name = self.ident()?;
            let data_type = self.hive_type()?;
            let mut column = Column::new(name.to_ascii_lowercase(), data_type);
            if self.eat(&["COMMENT"]) {
                column = column.with_comment(self.string()?);
            }
            out.push(column);
            if !self.eat_punct(',') {
                break;
            }
        }
        self.expect_punct(')')?;
        Ok(out)
    }

    /// `('k'='v', ...)`
    fn properties(&mut self) -> Result<BTreeMap<String, String>> {
        self.expect_punct('(')?;
        let mut out = BTreeMap::new();
        if self.eat_punct(')') {
            return Ok(out);
        }
        loop {
            let key = self.string()?;
            self.expect_punct('=')?;
            out.insert(key, self.string()?);
            if !self.eat_punct(',') {
                break;
            }
        }
        self.expect_punct(')')?;
        Ok(out)
    }

    /// `PARTITION (k='v', ...) [LOCATION '...']`
    fn partition_spec(&mut self) -> Result<PartitionSpec> {
        self.expect(&["PARTITION"])?;
        self.expect_punct('(')?;
        let mut values = Vec::new();
        loop {
            let key = self.ident()?.to_ascii_lowercase();
            self.expect_punct('=')?;
            let value = match self.toks.get(self.pos) {
                Some(Tok::Str(s) | Tok::Word(s)) => s.clone(),
                _ => return Err(self.error("expected a partition value")),
            };
            self.pos += 1;
            values.push((key, value));
            if !self.eat_punct(',') {
                break;
            }
        }
        self.expect_punct(')')?;
        let location = if self.eat(&["LOCATION"]) { Some(self.string()?) } else { None };
        Ok(PartitionSpec { values, location })
    }

    fn finish<T>(&self, value: T) -> Result<Option<T>> {
        if self.at_end() {
            Ok(Some(value))
        } else {
            Err(self.error("unexpected text after the statement"))
        }
    }
}

/// Parses `sql` when it is one of the statements of this module, `Ok(None)` otherwise.
pub(crate) fn parse(sql: &str) -> Result<Option<Statement>> {
    let Ok((toks, offsets)) = tokenize(sql) else { return Ok(None) };
    let mut p = Parser { toks, offsets, sql: sql.to_string(), pos: 0 };
    if p.eat(&["CREATE", "EXTERNAL", "TABLE"]) {
        return create_table(&mut p);
    }
    if p.eat(&["CREATE", "DATABASE"]) || p.eat(&["CREATE", "SCHEMA"]) {
        let if_not_exists = p.eat(&["IF", "NOT", "EXISTS"]);
        let name = p.ident()?;
        // Kept as Glue keeps them: Description, LocationUri, Parameters.
        let mut info = puddle_catalog::DatabaseInfo::default();
        while !p.at_end() {
            if p.eat(&["COMMENT"]) {
                info.description = p.string()?;
            } else if p.eat(&["LOCATION"]) {
                info.location_uri = Some(p.string()?);
            } else if p.eat(&["WITH", "DBPROPERTIES"]) {
                info.parameters = p.properties()?;
            } else {
                return Err(p.error("expected COMMENT, LOCATION or WITH DBPROPERTIES"));
            }
        }
        return Ok(Some(Statement::CreateDatabase { name, if_not_exists, info }));
    }
    if p.eat(&["DROP", "DATABASE"]) || p.eat(&["DROP", "SCHEMA"]) {
        let if_exists = p.eat(&["IF", "EXISTS"]);
        let name = p.ident()?;
        let cascade = p.eat(&["CASCADE"]);
        if !cascade {
            p.eat(&["RESTRICT"]);
        }
        return p.finish(Statement::DropDatabase { name, if_exists, cascade });
    }
    if p.eat(&["SHOW", "TABLES"]) || p.eat(&["SHOW", "VIEWS"]) {
        let views_only = p.toks.get(1).is_some_and(|t| matches!(t, Tok::Word(w) if w.eq_ignore_ascii_case("VIEWS")));
        let database = if p.eat(&["IN"]) || p.eat(&["FROM"]) { Some(p.ident()?) } else { None };
        p.eat(&["LIKE"]);
        let pattern = if p.at_end() { None } else { Some(p.string()?) };
        return p.finish(Statement::ShowTables { database, pattern, views_only });
    }
    if p.eat(&["SHOW", "COLUMNS"]) {
        if !(p.eat(&["IN"]) || p.eat(&["FROM"])) {
            return Err(p.error("expected IN or FROM"));
        }
        let mut name = p.name()?;
        if p.eat(&["IN"]) || p.eat(&["FROM"]) {
            name.database = Some(p.ident()?);
        }
        return p.finish(Statement::ShowColumns(name));
    }
    if p.eat(&["DESCRIBE"]) || p.eat(&["DESC"]) {
        let detailed = p.eat(&["FORMATTED"]) || p.eat(&["EXTENDED"]);
        let Ok(name) = p.name() else { return Ok(None) };
        let statement = if detailed { Statement::DescribeDetailed(name) } else { Statement::Describe(name) };
        return if p.at_end() { Ok(Some(statement)) } else { Ok(None) };
    }
    if p.eat(&["SHOW", "CREATE", "TABLE"]) {
        let name = p.name()?;
        return p.finish(Statement::ShowCreateTable { name, view: false });
    }
    if p.eat(&["SHOW", "CREATE", "VIEW"]) {
        let name = p.name()?;
        return p.finish(Statement::ShowCreateTable { name, view: true });
    }
    if p.eat(&["SHOW", "PARTITIONS"]) {
        let name = p.name()?;
        return p.finish(Statement::ShowPartitions(name));
    }
    if p.eat(&["MSCK", "REPAIR", "TABLE"]) {
        let name = p.name()?;
        return p.finish(Statement::MsckRepair(name));
    }
    if p.eat(&["ALTER", "TABLE"]) {
        let name = p.name()?;
        if p.eat(&["ADD", "COLUMNS"]) {
            let columns = p.columns()?;
            return p.finish(Statement::AddColumns { name, columns });
        }
        if p.eat(&["ADD"]) {
            let if_not_exists = p.eat(&["IF", "NOT", "EXISTS"]);
            let mut partitions = vec![p.partition_spec()?];
            while !p.at_end() {
                partitions.push(p.partition_spec()?);
            }
            return Ok(Some(Statement::AddPartitions { name, if_not_exists, partitions }));
        }
        if p.eat(&["DROP"]) {
            let if_exists = p.eat(&["IF", "EXISTS"]);
            let mut partitions = vec![p.partition_spec()?];
            while p.eat_punct(',') {
                partitions.push(p.partition_spec()?);
            }
            return p.finish(Statement::DropPartitions { name, if_exists, partitions });
        }
        if p.eat(&["SET", "TBLPROPERTIES"]) {
            let properties = p.properties()?;
            return p.finish(Statement::SetTblProperties { name, properties });
        }
        return Err(p.error(
            "Puddle runs ALTER TABLE ... ADD|DROP PARTITION, ADD COLUMNS and SET TBLPROPERTIES; expected one of them",
        ));
    }
    Ok(None)
}

fn create_table(p: &mut Parser) -> Result<Option<Statement>> {
    let if_not_exists = p.eat(&["IF", "NOT", "EXISTS"]);
    let name = p.name()?;
    let columns = if p.toks.get(p.pos) == Some(&Tok::Punct('(')) { p.columns()? } else { Vec::new() };
    let mut t = CreateTable {
        name,
        if_not_exists,
        columns,
        partition_keys: Vec::new(),
        classification: "csv".into(),
        location: String::new(),
        delimiter: None,
        quote: None,
        escape: None,
        properties: BTreeMap::new(),
        header_by_default: false,
    };
    let mut serde_class: Option<String> = None;
    let mut serde_props = BTreeMap::new();
    while !p.at_end() {
        if p.eat(&["COMMENT"]) {
            // Hive keeps a table's comment as its `comment` parameter.
            t.properties.insert("comment".into(), p.string()?);
        } else if p.eat(&["PARTITIONED", "BY"]) {
            t.partition_keys = p.columns()?;
        } else if ["CLUSTERED", "SORTED", "SKEWED"].iter().any(|w| p.peek_word(0).as_deref() == Some(*w)) {
            return Err(p.error(
                "bucketing and skew (CLUSTERED BY ... INTO n BUCKETS, SORTED BY, SKEWED BY) are not supported: Puddle \
                 reads every file of a table; remove the clause",
            ));
        } else if p.eat(&["ROW", "FORMAT", "DELIMITED"]) {
            row_format_delimited(p, &mut t)?;
        } else if p.eat(&["ROW", "FORMAT", "SERDE"]) {
            serde_class = Some(p.string()?);
            if p.eat(&["WITH", "SERDEPROPERTIES"]) {
                serde_props = p.properties()?;
            }
        } else if p.eat(&["STORED", "AS", "INPUTFORMAT"]) {
            let input = p.string()?;
            p.expect(&["OUTPUTFORMAT"])?;
            p.string()?; // the output format only matters for writes, which use the table's format
            let lower = input.to_ascii_lowercase();
            if lower.contains("parquet") {
                t.classification = "parquet".into();
            } else if !lower.ends_with("textinputformat") {
                return Err(Error::NotSupported(format!(
                    "INPUTFORMAT '{input}' is not supported; Puddle reads org.apache.hadoop.mapred.TextInputFormat and \
                     org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
                )));
            }
        } else if p.eat(&["STORED", "AS"]) {
            let format = p.ident()?.to_ascii_uppercase();
            t.classification = match format.as_str() {
                "PARQUET" => "parquet",
                "TEXTFILE" => "csv",
                "CSV" => {
                    t.header_by_default = true;
                    "csv"
                }
                "JSON" => "json",
                other => {
                    return Err(Error::NotSupported(format!(
                        "STORED AS {other} is not supported; use PARQUET, TEXTFILE, CSV or JSON"
                    )))
                }
            }
            .into();
        } else if p.eat(&["LOCATION"]) {
            t.location = p.string()?;
        } else if p.eat(&["TBLPROPERTIES"]) {
            t.properties.extend(p.properties()?);
        } else if p.peek_word(0).as_deref() == Some("OPTIONS") {
            // DataFusion's own form (`OPTIONS ('format.delimiter' ';')`): DataFusion parses it.
            return Ok(None);
        } else {
            return Err(p.error(
                "expected PARTITIONED BY, ROW FORMAT, STORED AS, LOCATION or TBLPROPERTIES in CREATE EXTERNAL TABLE",
            ));
        }
    }
    if let Some(class) = serde_class {
        let serde = crate::serde_props::SerDe::of_class(&class)?;
        t.classification = serde.classification().into();
        let options = crate::serde_props::text_options(serde, &serde_props)?;
        t.delimiter = options.delimiter.or(t.delimiter);
        t.quote = options.quote;
        t.escape = options.escape.or(t.escape);
    }
    if let Some(classification) = t.properties.get("classification") {
        if ["csv", "json", "parquet"].contains(&classification.to_ascii_lowercase().as_str()) {
            t.classification = classification.to_ascii_lowercase();
        }
    }
    if t.location.is_empty() {
        return Err(Error::Query("CREATE EXTERNAL TABLE needs a LOCATION 's3://bucket/folder/'".into()));
    }
    Ok(Some(Statement::CreateTable(Box::new(t))))
}

/// The clauses of `ROW FORMAT DELIMITED`: the field delimiter is kept, lines must end in `\n`,
/// and escaped delimiters and the separators of array and map values (which Puddle's text reader
/// cannot read) are refused.
fn row_format_delimited(p: &mut Parser, t: &mut CreateTable) -> Result<()> {
    loop {
        if p.eat(&["FIELDS", "TERMINATED", "BY"]) {
            t.delimiter = Some(p.string()?);
        } else if p.eat(&["ESCAPED", "BY"]) {
            return Err(Error::NotSupported(crate::serde_props::NO_DELIMITER_ESCAPE.into()));
        } else if p.eat(&["LINES", "TERMINATED", "BY"]) {
            crate::serde_props::check_line_delimiter(&p.string()?)?;
        } else if p.eat(&["COLLECTION", "ITEMS", "TERMINATED", "BY"]) || p.eat(&["MAP", "KEYS", "TERMINATED", "BY"]) {
            return Err(Error::NotSupported(
                "COLLECTION ITEMS / MAP KEYS TERMINATED BY are not supported: Puddle does not read array or map \
                 columns from text files"
                    .into(),
            ));
        } else if p.eat(&["NULL", "DEFINED", "AS"]) {
            return Err(Error::NotSupported(
                "NULL DEFINED AS is not supported: Puddle has no other text for NULL than an empty field".into(),
            ));
        } else {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(sql: &str) -> CreateTable {
        match parse(sql).unwrap() {
            Some(Statement::CreateTable(t)) => *t,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hive_create_external_table() {
        let t = create(
            "CREATE EXTERNAL TABLE IF NOT EXISTS `sales_db`.`sales` (\n  id bigint COMMENT 'the id',\n  region string,\n  \
             amount decimal(10,2), tags array<string>, s struct<a:int,b:string>)\n\
             PARTITIONED BY (year string, month int)\n\
             ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n'\n\
             STORED AS TEXTFILE LOCATION 's3://raw/sales/' TBLPROPERTIES ('skip.header.line.count'='1');",
        );
        assert!(t.if_not_exists);
        assert_eq!(t.name, Name { database: Some("sales_db".into()), table: "sales".into() });
        let types: Vec<_> = t.columns.iter().map(|c| c.data_type.as_str()).collect();
        assert_eq!(types, ["bigint", "string", "decimal(10,2)", "array<string>", "struct<a:int,b:string>"]);
        assert_eq!(t.partition_keys, vec![Column::new("year", "string"), Column::new("month", "int")]);
        assert_eq!((t.classification.as_str(), t.delimiter.as_deref()), ("csv", Some("\t")));
        assert_eq!(t.properties["skip.header.line.count"], "1");
        assert!(!t.header_by_default);
    }

    #[test]
    fn serdes_and_formats() {
        let t = create(
            "CREATE EXTERNAL TABLE t (a string) ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' \
             WITH SERDEPROPERTIES ('separatorChar' = ';', 'quoteChar' = '\"') LOCATION 's3://b/t/'",
        );
        assert_eq!((t.classification.as_str(), t.delimiter.as_deref()), ("csv", Some(";")));
        let j = create("CREATE EXTERNAL TABLE j (a string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://b/j/'");
        assert_eq!(j.classification, "json");
        let q = create(
            "CREATE EXTERNAL TABLE q (a int) STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat' \
             OUTPUTFORMAT 'x' LOCATION 's3://b/q/'",
        );
        assert_eq!(q.classification, "parquet");
        let df = create("CREATE EXTERNAL TABLE sales STORED AS CSV LOCATION 's3://raw-1/sales/'");
        assert!(df.columns.is_empty() && df.header_by_default);
        assert_eq!(parse("CREATE EXTERNAL TABLE t STORED AS CSV LOCATION 's3://b/' OPTIONS ('a' 'b')").unwrap(), None);
        let orc = parse("CREATE EXTERNAL TABLE t (a int) STORED AS ORC LOCATION 's3://b/'").unwrap_err();
        assert!(orc.to_string().contains("ORC"), "{orc}");
        let no_loc = parse("CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET").unwrap_err();
        assert!(no_loc.to_string().contains("LOCATION"), "{no_loc}");
        let junk = parse("CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET LOCATION 's3://b/' WHATEVER").unwrap_err();
        assert!(junk.to_string().contains("WHATEVER"), "{junk}");
        assert!(junk.to_string().starts_with("line 1:70: "), "{junk}");
        let multi = parse("CREATE EXTERNAL TABLE t (\n  a int,\n  b ) LOCATION 's3://b/'").unwrap_err();
        assert!(multi.to_string().starts_with("line 3:5: expected a column type, found ')'"), "{multi}");
    }

    #[test]
    fn show_describe_msck_and_partitions() {
        assert_eq!(
            parse("show tables in sales_db 'sa*'").unwrap(),
            Some(Statement::ShowTables {
                database: Some("sales_db".into()),
                pattern: Some("sa*".into()),
                views_only: false
            })
        );
        assert!(matches!(parse("SHOW VIEWS").unwrap(), Some(Statement::ShowTables { views_only: true, .. })));
        let t = Name { database: None, table: "t".into() };
        assert_eq!(parse("SHOW COLUMNS FROM t").unwrap(), Some(Statement::ShowColumns(t.clone())));
        assert_eq!(parse("DESCRIBE t").unwrap(), Some(Statement::Describe(t.clone())));
        assert_eq!(parse("DESCRIBE FORMATTED t").unwrap(), Some(Statement::DescribeDetailed(t.clone())));
        assert_eq!(parse("MSCK REPAIR TABLE t;").unwrap(), Some(Statement::MsckRepair(t.clone())));
        assert_eq!(parse("SHOW PARTITIONS t").unwrap(), Some(Statement::ShowPartitions(t.clone())));
        let Some(Statement::AddPartitions { partitions, if_not_exists: true, .. }) = parse(
            "ALTER TABLE t ADD IF NOT EXISTS PARTITION (year='2025', month=1) LOCATION 's3://b/x/' PARTITION (year='2026', month=2)",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(partitions[0].values, [("year".to_string(), "2025".to_string()), ("month".into(), "1".into())]);
        assert_eq!(partitions[0].location.as_deref(), Some("s3://b/x/"));
        assert_eq!(partitions[1].location, None);
        assert!(matches!(
            parse("ALTER TABLE t DROP PARTITION (year='2025'), PARTITION (year='2026')").unwrap(),
            Some(Statement::DropPartitions { if_exists: false, ref partitions, .. }) if partitions.len() == 2
        ));
        assert!(parse("ALTER TABLE t RENAME TO u").is_err());
        let Some(Statement::SetTblProperties { properties, .. }) =
            parse("ALTER TABLE t SET TBLPROPERTIES ('projection.enabled'='true')").unwrap()
        else {
            panic!()
        };
        assert_eq!(properties["projection.enabled"], "true");
        assert!(matches!(
            parse("ALTER TABLE t ADD COLUMNS (c string, d int)").unwrap(),
            Some(Statement::AddColumns { ref columns, .. }) if columns.len() == 2
        ));
        assert_eq!(parse("SELECT 1").unwrap(), None);
        assert_eq!(parse("DESCRIBE").unwrap(), None);
        assert_eq!(
            parse("DROP DATABASE IF EXISTS d CASCADE").unwrap(),
            Some(Statement::DropDatabase { name: "d".into(), if_exists: true, cascade: true })
        );
        assert_eq!(
            parse("CREATE DATABASE d COMMENT 'x' LOCATION 's3://b/'").unwrap(),
            Some(Statement::CreateDatabase {
                name: "d".into(),
                if_not_exists: false,
                info: puddle_catalog::DatabaseInfo {
                    description: "x".into(),
                    location_uri: Some("s3://b/".into()),
                    ..Default::default()
                }
            })
        );
    }

    /// Issue 12: clauses Puddle parsed and dropped are kept or refused.
    #[test]
    fn clauses_are_kept_or_refused_never_dropped() {
        let t = create(
            "CREATE EXTERNAL TABLE t (id int COMMENT 'the id', name string) COMMENT 'people' \
             ROW FORMAT DELIMITED FIELDS TERMINATED BY ';' LINES TERMINATED BY '\\n' \
             LOCATION 's3://b/t/' TBLPROPERTIES ('has_encrypted_data'='false')",
        );
        assert_eq!(t.columns[0].comment.as_deref(), Some("the id"));
        assert_eq!(t.columns[1].comment, None);
        assert_eq!(t.properties["comment"], "people");
        assert_eq!(t.properties["has_encrypted_data"], "false");
        assert_eq!((t.delimiter.as_deref(), t.escape.as_deref()), (Some(";"), None));
        let csv = create(
            "CREATE EXTERNAL TABLE c (a string) ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' \
             WITH SERDEPROPERTIES ('separatorChar'='|', 'quoteChar'='\\'', 'escapeChar'='\\\\') LOCATION 's3://b/c/'",
        );
        assert_eq!(
            (csv.delimiter.as_deref(), csv.quote.as_deref(), csv.escape.as_deref()),
            (Some("|"), Some("'"), Some("\\"))
        );
        let db = parse("CREATE DATABASE d WITH DBPROPERTIES ('owner'='me')").unwrap();
        let Some(Statement::CreateDatabase { info, .. }) = db else { panic!("{db:?}") };
        assert_eq!(info.parameters["owner"], "me");

        for (sql, expected) in [
            ("CREATE EXTERNAL TABLE t (a int) CLUSTERED BY (a) INTO 4 BUCKETS LOCATION 's3://b/'", "bucketing"),
            ("CREATE EXTERNAL TABLE t (a int) ROW FORMAT DELIMITED ESCAPED BY '\\\\' LOCATION 's3://b/'", "ESCAPED BY"),
            ("CREATE EXTERNAL TABLE t (a int) ROW FORMAT DELIMITED LINES TERMINATED BY '|' LOCATION 's3://b/'", "LINES TERMINATED BY"),
            (
                "CREATE EXTERNAL TABLE t (a array<int>) ROW FORMAT DELIMITED COLLECTION ITEMS TERMINATED BY ':' LOCATION 's3://b/'",
                "COLLECTION ITEMS",
            ),
            ("CREATE EXTERNAL TABLE t (a int) ROW FORMAT DELIMITED NULL DEFINED AS 'x' LOCATION 's3://b/'", "NULL DEFINED AS"),
            (
                "CREATE EXTERNAL TABLE t (a int) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' \
                 WITH SERDEPROPERTIES ('ignore.malformed.json'='true') LOCATION 's3://b/'",
                "ignore.malformed.json",
            ),
            (
                "CREATE EXTERNAL TABLE t (a int) STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.orc.OrcInputFormat' \
                 OUTPUTFORMAT 'x' LOCATION 's3://b/'",
                "INPUTFORMAT",
            ),
        ] {
            let err = parse(sql).unwrap_err().to_string();
            assert!(err.contains(expected), "{sql}: {err}");
        }
    }
}
