//! The visual job editor's model: a DAG of Glue Studio nodes, and the Glue script it stands for.
//!
//! Plain data (the page builds it, the engine never sees it): nodes are kept in topological order (a node's inputs come before it), and
//! [`script`] writes the PySpark script Glue Studio would, using only the subset the engine runs.

use std::collections::BTreeMap;

/// The kinds of node, with Glue Studio's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// Source: a Data Catalog table.
    CatalogSource,
    /// Source: S3 files.
    S3Source,
    /// Transform: keep rows matching a condition.
    Filter,
    /// Transform: "Change schema" (ApplyMapping): keep and cast columns.
    ChangeSchema,
    /// Transform: keep some columns.
    SelectFields,
    /// Transform: drop some columns.
    DropFields,
    /// Transform: rename one column.
    RenameField,
    /// Transform: join two inputs on keys.
    Join,
    /// Transform: rows of two inputs.
    Union,
    /// Transform: group and aggregate.
    Aggregate,
    /// Transform: drop duplicate rows.
    DropDuplicates,
    /// Transform: drop the columns null in every record (optionally also `""`, `"null"`, -1, ...).
    DropNullFields,
    /// Transform: add a column with the missing values of another filled in.
    FillMissingValues,
    /// Transform: an SQL query over the input (as `myDataSource`).
    SqlQuery,
    /// Target: write to S3.
    S3Target,
}

impl NodeKind {
    /// Every kind, in menu order.
    pub const ALL: [NodeKind; 15] = [
        NodeKind::CatalogSource,
        NodeKind::S3Source,
        NodeKind::Filter,
        NodeKind::ChangeSchema,
        NodeKind::SelectFields,
        NodeKind::DropFields,
        NodeKind::RenameField,
        NodeKind::Join,
        NodeKind::Union,
        NodeKind::Aggregate,
        NodeKind::DropDuplicates,
        NodeKind::DropNullFields,
        NodeKind::FillMissingValues,
        NodeKind::SqlQuery,
        NodeKind::S3Target,
    ];

    /// The label Glue Studio shows.
    pub fn label(self) -> &'static str {
        match self {
            NodeKind::CatalogSource => "Source: AWS Glue Data Catalog",
            NodeKind::S3Source => "Source: Amazon S3",
            NodeKind::Filter => "Filter",
            NodeKind::ChangeSchema => "Change Schema",
            NodeKind::SelectFields => "Select Fields",
            NodeKind::DropFields => "Drop Fields",
            NodeKind::RenameField => "Rename Field",
            NodeKind::Join => "Join",
            NodeKind::Union => "Union",
            NodeKind::Aggregate => "Aggregate",
            NodeKind::DropDuplicates => "Drop Duplicates",
            NodeKind::DropNullFields => "Drop Null Fields",
            NodeKind::FillMissingValues => "Fill Missing Values",
            NodeKind::SqlQuery => "SQL Query",
            NodeKind::S3Target => "Target: Amazon S3",
        }
    }

    /// How many input frames it takes.
    pub fn inputs(self) -> usize {
        match self {
            NodeKind::CatalogSource | NodeKind::S3Source => 0,
            NodeKind::Join | NodeKind::Union => 2,
            _ => 1,
        }
    }

    /// Its settings: (key, label, default).
    pub fn params(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            NodeKind::CatalogSource => &[("database", "Database", "sales_db"), ("table", "Table", "raw_sales")],
            NodeKind::S3Source => &[
                ("path", "S3 path", "s3://data-lake-raw-123/sales/"),
                ("format", "Format (csv, json, parquet)", "csv"),
                ("header", "CSV has a header (true/false)", "true"),
            ],
            NodeKind::Filter => {
                &[("column", "Column", "amount"), ("op", "Operator (> >= < <= == !=)", ">"), ("value", "Value", "100")]
            }
            NodeKind::ChangeSchema => {
                &[("columns", "Columns to keep, with types (name:type, ...)", "id:long, region:string, amount:double")]
            }
            NodeKind::SelectFields => &[("columns", "Columns (comma separated)", "id, region, amount")],
            NodeKind::DropFields => &[("columns", "Columns (comma separated)", "ts")],
            NodeKind::RenameField => &[("old", "Column", "amount"), ("new", "New name", "sale_amount")],
            NodeKind::Join => {
                &[("keys1", "Keys of the first input", "id"), ("keys2", "Keys of the second input", "id")]
            }
            NodeKind::Union => &[],
            NodeKind::Aggregate => &[
                ("group_by", "Group by (comma separated)", "region"),
                (
                    "aggregations",
                    "Aggregations (sum(col), avg(col), min, max, count(*), countDistinct(col))",
                    "sum(amount), count(*)",
                ),
            ],
            NodeKind::DropDuplicates => &[("columns", "Columns (empty: whole rows)", "")],
            NodeKind::DropNullFields => &[
                ("empty_string", "Empty String (\"\" or '') is null", "false"),
                ("null_string", "Null String (\"null\") is null", "false"),
                ("minus_one", "-1 Integer is null", "false"),
                ("custom", "Other null values (comma separated)", ""),
            ],
            NodeKind::FillMissingValues => &[
                ("column", "Data field with missing values", "amount"),
                ("output", "Output column (empty: <field>_filled)", ""),
            ],
            NodeKind::SqlQuery => &[(
                "sql",
                "SQL (the input is myDataSource)",
                "SELECT region, COUNT(*) AS sales FROM myDataSource GROUP BY region",
            )],
            NodeKind::S3Target => &[
                ("path", "S3 path", "s3://data-lake-processed-123/"),
                ("format", "Format (parquet, csv, json)", "parquet"),
                ("partition_keys", "Partition keys (comma separated)", ""),
                ("catalog_database", "Data Catalog database (create or update a table; empty: none)", ""),
                ("catalog_table", "Data Catalog table", ""),
            ],
        }
    }
}

impl NodeKind {
    /// Whether the setting `key` is a yes/no choice (`"true"` or `"false"`), shown as a checkbox.
    pub fn is_flag(self, key: &str) -> bool {
        self == NodeKind::DropNullFields && ["empty_string", "null_string", "minus_one"].contains(&key)
    }
}

/// One node of the DAG.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Its variable in the script (`node1`, ...).
    pub id: String,
    /// Kind.
    pub kind: NodeKind,
    /// Ids of its inputs (earlier nodes).
    pub inputs: Vec<String>,
    /// Settings by key.
    pub params: BTreeMap<String, String>,
}

impl Node {
    /// A node with the kind's default settings, reading `inputs`.
    pub fn new(id: String, kind: NodeKind, inputs: Vec<String>) -> Self {
        let params = kind.params().iter().map(|(k, _, d)| (k.to_string(), d.to_string())).collect();
        Self { id, kind, inputs, params }
    }

    fn p(&self, key: &str) -> &str {
        self.params.get(key).map(String::as_str).unwrap_or("").trim()
    }
}

/// The course job as a DAG: catalog table -> amount > 100 -> Parquet in S3.
pub fn course_dag() -> Vec<Node> {
    vec![
        Node::new("node1".into(), NodeKind::CatalogSource, vec![]),
        Node::new("node2".into(), NodeKind::Filter, vec!["node1".into()]),
        Node::new("node3".into(), NodeKind::S3Target, vec!["node2".into()]),
    ]
}

/// A Python string literal.
fn py(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', " "))
}

fn list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
}

fn py_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|i| py(i)).collect::<Vec<_>>().join(", "))
}

/// A literal from what the user typed: a number stays a number, anything else is a string.
fn value(v: &str) -> String {
    if v.parse::<f64>().is_ok() {
        v.to_string()
    } else {
        py(v.trim_matches('"').trim_matches('\''))
    }
}

/// `sum(amount)` -> `F.sum("amount").alias("sum_amount")`.
fn aggregation(text: &str) -> Result<String, String> {
    let (f, rest) = text.split_once('(').ok_or_else(|| format!("'{text}' is not f(column)"))?;
    let col = rest.strip_suffix(')').ok_or_else(|| format!("'{text}' is not f(column)"))?.trim();
    let f = f.trim();
    let known = ["sum", "avg", "mean", "min", "max", "count", "countDistinct"];
    if !known.contains(&f) {
        return Err(format!("aggregation {f}() is not one of {}", known.join(", ")));
    }
    let alias = if col == "*" { f.to_string() } else { format!("{f}_{col}") };
    Ok(format!("F.{f}({}).alias({})", py(col), py(&alias)))
}

/// The helper a Drop Null Fields node calls, defined at the top of the script as Glue Studio
/// does (the engine knows it by name; in Glue it runs as written).
const DROP_NULLS_HELPER: &str = "
def drop_nulls(glueContext, frame, nullStringSet,
               nullIntegerSet, transformation_ctx) -> DynamicFrame:
    # Drops the fields null in every record; trimmed strings in
    # nullStringSet and numbers in nullIntegerSet count as null.
    nulls = {None} | set(nullStringSet) | set(nullIntegerSet)
    df = frame.toDF()
    nullColumns = []
    for field in df.schema.fields:
        rows = df.select(field.name).distinct().collect()
        values = {v.strip() if isinstance(v, str) else v
                  for (v,) in rows}
        if values <= nulls:
            nullColumns.append(field.name)
    return DropFields.apply(frame=frame, paths=nullColumns,
                            transformation_ctx=transformation_ctx)
";

/// Glue Studio's null value sets of a Drop Null Fields node: `({"", "null"}, {-1})`.
fn null_sets(n: &Node) -> (String, String) {
    let (mut strings, mut numbers) = (Vec::new(), Vec::new());
    if n.p("empty_string") == "true" {
        strings.push(py(""));
    }
    if n.p("null_string") == "true" {
        strings.push(py("null"));
    }
    if n.p("minus_one") == "true" {
        numbers.push("-1".to_string());
    }
    for v in list(n.p("custom")) {
        match v.parse::<i64>() {
            Ok(i) if !numbers.contains(&i.to_string()) => numbers.push(i.to_string()),
            Ok(_) => {}
            Err(_) => {
                let s = py(v.trim_matches('"').trim_matches('\''));
                if !strings.contains(&s) {
                    strings.push(s);
                }
            }
        }
    }
    (format!("{{{}}}", strings.join(", ")), format!("{{{}}}", numbers.join(", ")))
}

/// The Glue script of the DAG, or the first problem (a node with a missing input or setting).
pub fn script(nodes: &[Node]) -> Result<String, String> {
    let has = |k: NodeKind| nodes.iter().any(|n| n.kind == k);
    let mut out = String::from(
        "import sys\nfrom awsglue.transforms import *\nfrom awsglue.utils import getResolvedOptions\n\
         from pyspark.context import SparkContext\nfrom awsglue.context import GlueContext\nfrom awsglue.job import Job\n\
         from awsglue.dynamicframe import DynamicFrame\nfrom pyspark.sql import functions as F\n",
    );
    if has(NodeKind::FillMissingValues) {
        out.push_str("from awsglueml.transforms import FillMissingValues\n");
    }
    if has(NodeKind::DropNullFields) {
        out.push_str(DROP_NULLS_HELPER);
    }
    out.push_str(
        "\nargs = getResolvedOptions(sys.argv, [\"JOB_NAME\"])\nsc = SparkContext()\nglueContext = GlueContext(sc)\n\
         spark = glueContext.spark_session\njob = Job(glueContext)\njob.init(args[\"JOB_NAME\"], args)\n",
    );
    let mut seen: Vec<&str> = Vec::new();
    for n in nodes {
        for i in &n.inputs {
            if !seen.contains(&i.as_str()) {
                return Err(format!("{} ({}) reads '{i}', which is not an earlier node", n.id, n.kind.label()));
            }
        }
        if n.inputs.len() != n.kind.inputs() {
            return Err(format!("{} ({}) needs {} input(s)", n.id, n.kind.label(), n.kind.inputs()));
        }
        let id = &n.id;
        let input = n.inputs.first().cloned().unwrap_or_default();
        out.push_str(&format!("\n# Script generated for node {} ({id})\n", n.kind.label()));
        let line = match n.kind {
            NodeKind::CatalogSource => format!(
                "{id} = glueContext.create_dynamic_frame.from_catalog(database={}, table_name={}, transformation_ctx={})\n",
                py(n.p("database")),
                py(n.p("table")),
                py(id)
            ),
            NodeKind::S3Source => {
                // Glue Studio's format options: CSV's header and separator, JSON lines.
                let options = match n.p("format") {
                    "csv" => format!(
                        "{{\"withHeader\": {}, \"separator\": \",\"}}",
                        if n.p("header") == "false" { "False" } else { "True" }
                    ),
                    "json" => "{\"multiline\": False}".to_string(),
                    _ => "{}".to_string(),
                };
                format!(
                    "{id} = glueContext.create_dynamic_frame.from_options(connection_type=\"s3\", connection_options={{\"paths\": [{}], \"recurse\": True}}, format={}, format_options={options}, transformation_ctx={})\n",
                    py(n.p("path")),
                    py(n.p("format")),
                    py(id)
                )
            }
            NodeKind::Filter => {
                let op = n.p("op");
                if !["<", "<=", ">", ">=", "==", "!="].contains(&op) {
                    return Err(format!("{id}: operator '{op}' is not one of < <= > >= == !="));
                }
                format!(
                    "{id} = Filter.apply(frame={input}, f=lambda row: (row[{}] {op} {}), transformation_ctx={})\n",
                    py(n.p("column")),
                    value(n.p("value")),
                    py(id)
                )
            }
            NodeKind::ChangeSchema => {
                let mut maps = Vec::new();
                for c in list(n.p("columns")) {
                    let (name, ty) = c.split_once(':').map(|(a, b)| (a.trim(), b.trim())).unwrap_or((c.as_str(), "string"));
                    maps.push(format!("({}, {}, {}, {})", py(name), py(ty), py(name), py(ty)));
                }
                format!("{id} = ApplyMapping.apply(frame={input}, mappings=[{}], transformation_ctx={})\n", maps.join(", "), py(id))
            }
            NodeKind::SelectFields => {
                format!("{id} = SelectFields.apply(frame={input}, paths={}, transformation_ctx={})\n", py_list(&list(n.p("columns"))), py(id))
            }
            NodeKind::DropFields => {
                format!("{id} = DropFields.apply(frame={input}, paths={}, transformation_ctx={})\n", py_list(&list(n.p("columns"))), py(id))
            }
            NodeKind::RenameField => format!(
                "{id} = RenameField.apply(frame={input}, old_name={}, new_name={}, transformation_ctx={})\n",
                py(n.p("old")),
                py(n.p("new")),
                py(id)
            ),
            NodeKind::Join => format!(
                "{id} = Join.apply(frame1={}, frame2={}, keys1={}, keys2={}, transformation_ctx={})\n",
                n.inputs[0],
                n.inputs[1],
                py_list(&list(n.p("keys1"))),
                py_list(&list(n.p("keys2"))),
                py(id)
            ),
            NodeKind::Union => format!(
                "{id} = DynamicFrame.fromDF({}.toDF().unionByName({}.toDF()), glueContext, {})\n",
                n.inputs[0],
                n.inputs[1],
                py(id)
            ),
            NodeKind::Aggregate => {
                let aggs = list(n.p("aggregations")).iter().map(|a| aggregation(a)).collect::<Result<Vec<_>, _>>()?;
                if aggs.is_empty() {
                    return Err(format!("{id}: add at least one aggregation"));
                }
                format!(
                    "{id} = DynamicFrame.fromDF({input}.toDF().groupBy({}).agg({}), glueContext, {})\n",
                    list(n.p("group_by")).iter().map(|g| py(g)).collect::<Vec<_>>().join(", "),
                    aggs.join(", "),
                    py(id)
                )
            }
            NodeKind::DropDuplicates => {
                let cols = list(n.p("columns"));
                let arg = if cols.is_empty() { String::new() } else { py_list(&cols) };
                format!("{id} = DynamicFrame.fromDF({input}.toDF().dropDuplicates({arg}), glueContext, {})\n", py(id))
            }
            NodeKind::DropNullFields => {
                let (strings, numbers) = null_sets(n);
                format!(
                    "{id} = drop_nulls(glueContext, frame={input}, nullStringSet={strings}, nullIntegerSet={numbers}, transformation_ctx={})\n",
                    py(id)
                )
            }
            NodeKind::FillMissingValues => {
                let column = n.p("column");
                if column.is_empty() {
                    return Err(format!("{id}: set the data field with missing values"));
                }
                let output = match n.p("output") {
                    "" => String::new(),
                    o => format!(", output_column={}", py(o)),
                };
                format!(
                    "{id} = FillMissingValues.apply(frame={input}, missing_values_column={}{output}, transformation_ctx={})\n",
                    py(column),
                    py(id)
                )
            }
            NodeKind::SqlQuery => format!(
                "{input}.toDF().createOrReplaceTempView(\"myDataSource\")\n{id} = DynamicFrame.fromDF(spark.sql({}), glueContext, {})\n",
                py(n.p("sql")),
                py(id)
            ),
            NodeKind::S3Target => {
                let (database, table) = (n.p("catalog_database").trim(), n.p("catalog_table").trim());
                match (database.is_empty(), table.is_empty()) {
                    (true, true) => format!(
                        "{id} = glueContext.write_dynamic_frame.from_options(frame={input}, connection_type=\"s3\", format={}, connection_options={{\"path\": {}, \"partitionKeys\": {}}}, transformation_ctx={})\n",
                        py(n.p("format")),
                        py(n.p("path")),
                        py_list(&list(n.p("partition_keys"))),
                        py(id)
                    ),
                    // Glue Studio's "Create a table in the Data Catalog and on subsequent runs,
                    // update the schema and add new partitions".
                    (false, false) => format!(
                        "{id} = glueContext.getSink(path={}, connection_type=\"s3\", updateBehavior=\"UPDATE_IN_DATABASE\", partitionKeys={}, enableUpdateCatalog=True, transformation_ctx={})\n\
                         {id}.setCatalogInfo(catalogDatabase={}, catalogTableName={})\n\
                         {id}.setFormat({})\n\
                         {id}.writeFrame({input})\n",
                        py(n.p("path")),
                        py_list(&list(n.p("partition_keys"))),
                        py(id),
                        py(database),
                        py(table),
                        py(&n.p("format").replace("parquet", "glueparquet")),
                    ),
                    _ => {
                        return Err(format!(
                            "{} ({}): give both a Data Catalog database and a table, or neither",
                            n.id,
                            n.kind.label()
                        ))
                    }
                }
            }
        };
        out.push_str(&line);
        seen.push(id);
    }
    out.push_str("\njob.commit()\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_course_dag_is_the_course_job() {
        let s = script(&course_dag()).unwrap();
        assert!(s.contains(
            "node1 = glueContext.create_dynamic_frame.from_catalog(database=\"sales_db\", table_name=\"raw_sales\""
        ));
        assert!(s.contains("node2 = Filter.apply(frame=node1, f=lambda row: (row[\"amount\"] > 100)"));
        assert!(s.contains("write_dynamic_frame.from_options(frame=node2"));
        assert!(s.ends_with("job.commit()\n"));
    }

    #[test]
    fn an_s3_target_with_a_catalog_table_makes_glue_studios_get_sink() {
        let mut dag = course_dag();
        let target = dag.iter_mut().find(|n| n.kind == NodeKind::S3Target).unwrap();
        target.params.insert("catalog_database".into(), "sales_db".into());
        target.params.insert("catalog_table".into(), "high".into());
        target.params.insert("partition_keys".into(), "region".into());
        let s = script(&dag).unwrap();
        assert!(s.contains("node3 = glueContext.getSink(path=\"s3://data-lake-processed-123/\", connection_type=\"s3\", updateBehavior=\"UPDATE_IN_DATABASE\", partitionKeys=[\"region\"], enableUpdateCatalog=True, transformation_ctx=\"node3\")\n"), "{s}");
        assert!(s.contains("node3.setCatalogInfo(catalogDatabase=\"sales_db\", catalogTableName=\"high\")\nnode3.setFormat(\"glueparquet\")\nnode3.writeFrame(node2)\n"), "{s}");
        let target = dag.iter_mut().find(|n| n.kind == NodeKind::S3Target).unwrap();
        target.params.insert("catalog_table".into(), " ".into());
        assert!(script(&dag).unwrap_err().contains("both a Data Catalog database and a table"));
    }

    #[test]
    fn null_nodes_make_glue_studio_calls() {
        let mut drop = Node::new("node2".into(), NodeKind::DropNullFields, vec!["node1".into()]);
        let fill = Node::new("node3".into(), NodeKind::FillMissingValues, vec!["node2".into()]);
        let dag = |drop: &Node, fill: &Node| script(&[course_dag()[0].clone(), drop.clone(), fill.clone()]).unwrap();
        let s = dag(&drop, &fill);
        assert!(s.contains("from awsglueml.transforms import FillMissingValues\n"), "{s}");
        assert!(s.contains("\ndef drop_nulls(glueContext, frame, nullStringSet,\n"), "{s}");
        assert!(s.contains(
            "node2 = drop_nulls(glueContext, frame=node1, nullStringSet={}, nullIntegerSet={}, transformation_ctx=\"node2\")"
        ), "{s}");
        assert!(s.contains(
            "node3 = FillMissingValues.apply(frame=node2, missing_values_column=\"amount\", transformation_ctx=\"node3\")"
        ), "{s}");
        // The helper comes before the code that calls it, after the imports.
        assert!(s.find("def drop_nulls").unwrap() < s.find("args = getResolvedOptions").unwrap());
        for (k, v) in
            [("empty_string", "true"), ("null_string", "true"), ("minus_one", "true"), ("custom", "N/A, 0, -1, 'null'")]
        {
            drop.params.insert(k.into(), v.into());
        }
        let mut fill = fill;
        fill.params.insert("output".into(), "amount_guess".into());
        let s = dag(&drop, &fill);
        assert!(s.contains("nullStringSet={\"\", \"null\", \"N/A\"}, nullIntegerSet={-1, 0}"), "{s}");
        assert!(s.contains("missing_values_column=\"amount\", output_column=\"amount_guess\""), "{s}");
        fill.params.insert("column".into(), " ".into());
        fill.inputs = vec!["node1".into()];
        assert!(script(&[course_dag()[0].clone(), fill]).unwrap_err().contains("missing values"));
        // Without those nodes, neither the import nor the helper.
        let plain = script(&course_dag()).unwrap();
        assert!(!plain.contains("awsglueml") && !plain.contains("def "), "{plain}");
        assert!(NodeKind::DropNullFields.is_flag("minus_one") && !NodeKind::DropNullFields.is_flag("custom"));
    }

    #[test]
    fn problems_are_named() {
        let mut dag = course_dag();
        dag[1].inputs = vec!["node9".into()];
        assert!(script(&dag).unwrap_err().contains("node9"));
        let mut agg = Node::new("n".into(), NodeKind::Aggregate, vec![]);
        agg.inputs = vec![];
        assert!(script(&[agg]).unwrap_err().contains("needs 1 input"));
        assert!(aggregation("median(x)").unwrap_err().contains("not one of"));
        assert_eq!(value("100"), "100");
        assert_eq!(value("NSW"), "\"NSW\"");
    }
}
