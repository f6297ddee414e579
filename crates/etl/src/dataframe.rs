//! Spark DataFrame methods and column expressions, translated to SQL: what Glue scripts do
//! after `DynamicFrame.toDF()` (`filter`, `select`, `withColumn`, `groupBy().agg()`, ...).

use crate::python::Expr;

/// What a DataFrame expression evaluates to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A frame: the SQL query of its rows.
    Frame(String),
    /// `df.groupBy(keys)`, waiting for `.agg(...)` or an aggregate method.
    Grouped { sql: String, keys: Vec<String> },
    /// `df.createOrReplaceTempView(name)`: a name for `spark.sql` queries.
    TempView { name: String, sql: String },
}

type R<T> = Result<T, String>;

/// A SQL identifier, double-quoted.
pub(crate) fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A column given by name (a string) or by expression.
pub(crate) fn column_ref(e: &Expr) -> R<String> {
    match e {
        Expr::Str(s) if s == "*" => Ok("*".into()),
        Expr::Str(s) => Ok(ident(s)),
        other => column(other),
    }
}

fn function_name(f: &Expr) -> Option<&str> {
    match f {
        Expr::Name(n) => Some(n),
        Expr::Attr(base, n) if matches!(&**base, Expr::Name(m) if m == "F" || m == "functions" || m == "f") => Some(n),
        _ => None,
    }
}

/// A column expression (`col("a") * 2`, `F.sum("amount").alias("total")`, `df.amount > 100`).
pub(crate) fn column(e: &Expr) -> R<String> {
    Ok(match e {
        Expr::Str(s) => literal(s),
        Expr::Num(n) => n.clone(),
        Expr::Bool(b) => b.to_string().to_uppercase(),
        Expr::None => "NULL".into(),
        Expr::Attr(base, field) if matches!(&**base, Expr::Name(_)) => ident(field),
        Expr::Index(base, key) => match (&**base, &**key) {
            (Expr::Name(_), Expr::Str(field)) => ident(field),
            _ => return Err("only df[\"column\"] indexing is supported".into()),
        },
        Expr::List(items) => format!("({})", items.iter().map(column).collect::<R<Vec<_>>>()?.join(", ")),
        Expr::Unary(op, inner) if op == "not" => format!("(NOT {})", column(inner)?),
        Expr::Unary(op, inner) if op == "-" => format!("(-{})", column(inner)?),
        Expr::Binary(op, l, r) => {
            let sql_op = match op.as_str() {
                "==" => "=",
                "!=" => "<>",
                "&" | "and" => "AND",
                "|" | "or" => "OR",
                "in" => "IN",
                "not in" => "NOT IN",
                o @ ("<" | ">" | "<=" | ">=" | "+" | "-" | "*" | "/" | "%") => o,
                o => return Err(format!("operator '{o}' is not supported in a column expression")),
            };
            match (sql_op, &**r) {
                ("=", Expr::None) => format!("({} IS NULL)", column(l)?),
                ("<>", Expr::None) => format!("({} IS NOT NULL)", column(l)?),
                _ => format!("({} {sql_op} {})", column(l)?, column(r)?),
            }
        }
        Expr::Call(f, args, _) => {
            // Methods of a column: `expr.alias("x")`, `.cast("double")`, `.isNull()`, ...
            if let Expr::Attr(target, method) = &**f {
                if function_name(f).is_none() {
                    return column_method(target, method, args);
                }
            }
            let name = function_name(f).ok_or("this call is not a Spark SQL function")?;
            let arg = |i: usize| args.get(i).ok_or_else(|| format!("{name}() needs more arguments"));
            match name {
                "col" | "column" => match arg(0)? {
                    Expr::Str(s) => ident(s),
                    _ => return Err("col() takes a column name".into()),
                },
                "lit" => column(arg(0)?)?,
                "sum" | "avg" | "mean" | "min" | "max" | "count" | "first" | "last" | "stddev" | "variance" => {
                    let f = match name {
                        "mean" => "avg",
                        "first" => "first_value",
                        "last" => "last_value",
                        other => other,
                    };
                    format!("{}({})", f.to_uppercase(), column_ref(arg(0)?)?)
                }
                "countDistinct" | "count_distinct" => format!("COUNT(DISTINCT {})", column_ref(arg(0)?)?),
                "approx_count_distinct" => format!("APPROX_DISTINCT({})", column_ref(arg(0)?)?),
                "upper" | "lower" | "trim" | "abs" | "length" | "sqrt" | "year" | "month" | "to_date" => {
                    let f = match name {
                        "year" => return Ok(format!("date_part('year', {})", column_ref(arg(0)?)?)),
                        "month" => return Ok(format!("date_part('month', {})", column_ref(arg(0)?)?)),
                        "length" => "char_length",
                        other => other,
                    };
                    format!("{}({})", f.to_uppercase(), column_ref(arg(0)?)?)
                }
                "round" => match args.get(1) {
                    Some(d) => format!("ROUND({}, {})", column_ref(arg(0)?)?, column(d)?),
                    None => format!("ROUND({})", column_ref(arg(0)?)?),
                },
                "concat" => format!("CONCAT({})", args.iter().map(column_ref).collect::<R<Vec<_>>>()?.join(", ")),
                "current_date" => "CURRENT_DATE".into(),
                "current_timestamp" => "NOW()".into(),
                "when" => format!("CASE WHEN {} THEN {} END", column(arg(0)?)?, column(arg(1)?)?),
                other => return Err(format!("function {other}() is not supported")),
            }
        }
        other => return Err(format!("{other:?} is not supported in a column expression")),
    })
}

fn column_method(target: &Expr, method: &str, args: &[Expr]) -> R<String> {
    let inner = || column(target);
    let arg = |i: usize| args.get(i).ok_or_else(|| format!(".{method}() needs an argument"));
    Ok(match method {
        "alias" | "name" => match arg(0)? {
            Expr::Str(n) => format!("{} AS {}", inner()?, ident(n)),
            _ => return Err(".alias() takes a name".into()),
        },
        "cast" | "astype" => match arg(0)? {
            Expr::Str(t) => format!("CAST({} AS {})", inner()?, crate::translate::sql_type(t)?),
            _ => return Err(".cast() takes a type name such as \"double\"".into()),
        },
        "isNull" => format!("({} IS NULL)", inner()?),
        "isNotNull" => format!("({} IS NOT NULL)", inner()?),
        "isin" => {
            let items: Vec<Expr> = match args {
                [Expr::List(items)] => items.clone(),
                _ => args.to_vec(),
            };
            format!("({} IN ({}))", inner()?, items.iter().map(column).collect::<R<Vec<_>>>()?.join(", "))
        }
        "like" => format!("({} LIKE {})", inner()?, column(arg(0)?)?),
        "startswith" => format!("starts_with({}, {})", inner()?, column(arg(0)?)?),
        "contains" => format!("(strpos({}, {}) > 0)", inner()?, column(arg(0)?)?),
        "between" => format!("({} BETWEEN {} AND {})", inner()?, column(arg(0)?)?, column(arg(1)?)?),
        "desc" => format!("{} DESC", inner()?),
        "asc" => format!("{} ASC", inner()?),
        "otherwise" => {
            let case = inner()?;
            let Some(body) = case.strip_suffix(" END") else {
                return Err(".otherwise() follows F.when(...)".into());
            };
            format!("{body} ELSE {} END", column(arg(0)?)?)
        }
        "when" => {
            let case = inner()?;
            let Some(body) = case.strip_suffix(" END") else {
                return Err(".when() follows F.when(...)".into());
            };
            format!("{body} WHEN {} THEN {} END", column(arg(0)?)?, column(arg(1)?)?)
        }
        other => return Err(format!("column method .{other}() is not supported")),
    })
}

fn names(args: &[Expr]) -> R<Vec<String>> {
    let flat: Vec<&Expr> = match args {
        [Expr::List(items)] => items.iter().collect(),
        _ => args.iter().collect(),
    };
    flat.into_iter().map(column_ref).collect()
}

/// Applies a DataFrame method to a frame or grouped frame. `frames` evaluates an argument that
/// should be a frame (`other`, `other.toDF()`).
pub(crate) fn method(
    base: Value,
    method: &str,
    args: &[Expr],
    kwargs: &[(String, Expr)],
    frames: &dyn Fn(&Expr) -> Option<String>,
) -> R<Value> {
    let kw = |name: &str| kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let frame_of = |e: &Expr| -> R<String> {
        frames(e).ok_or_else(|| match e {
            Expr::Name(n) => format!("'{n}' is not a frame defined above"),
            _ => "pass a frame (a variable, or df.toDF())".into(),
        })
    };
    match base {
        Value::Grouped { sql, keys } => {
            let aggs: Vec<String> = match method {
                "agg" => {
                    let items: Vec<&Expr> = match args {
                        [Expr::Dict(pairs)] => {
                            return Ok(Value::Frame(group_sql(
                                &sql,
                                &keys,
                                &pairs
                                    .iter()
                                    .map(|(c, f)| match (c, f) {
                                        (Expr::Str(c), Expr::Str(f)) => Ok(format!(
                                            "{}({}) AS {}",
                                            f.to_uppercase(),
                                            ident(c),
                                            ident(&format!("{f}({c})"))
                                        )),
                                        _ => Err("agg({\"column\": \"function\"}) takes strings".to_string()),
                                    })
                                    .collect::<R<Vec<_>>>()?,
                            )))
                        }
                        _ => args.iter().collect(),
                    };
                    items.into_iter().map(column).collect::<R<Vec<_>>>()?
                }
                "count" => vec!["COUNT(*) AS \"count\"".into()],
                "sum" | "avg" | "mean" | "min" | "max" => names(args)?
                    .iter()
                    .map(|c| {
                        let f = if method == "mean" { "avg" } else { method };
                        format!("{}({c}) AS {}", f.to_uppercase(), ident(&format!("{method}({})", c.trim_matches('"'))))
                    })
                    .collect(),
                other => {
                    return Err(format!("GroupedData.{other}() is not supported (use agg, count, sum, avg, min, max)"))
                }
            };
            Ok(Value::Frame(group_sql(&sql, &keys, &aggs)))
        }
        Value::TempView { .. } => Err("a temp view has no methods".into()),
        Value::Frame(sql) => Ok(match method {
            "toDF" | "cache" | "persist" | "repartition" | "coalesce" | "alias" => Value::Frame(sql),
            "filter" | "where" => {
                let cond = match args.first().or(kw("condition")) {
                    Some(Expr::Str(s)) => s.clone(),
                    Some(e) => column(e)?,
                    None => return Err(".filter() needs a condition".into()),
                };
                Value::Frame(format!("SELECT * FROM ({sql}) AS t WHERE {cond}"))
            }
            "select" => Value::Frame(format!("SELECT {} FROM ({sql}) AS t", names(args)?.join(", "))),
            "selectExpr" => {
                let exprs: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        Expr::Str(s) => Ok(s.clone()),
                        _ => Err("selectExpr takes SQL strings".to_string()),
                    })
                    .collect::<R<_>>()?;
                Value::Frame(format!("SELECT {} FROM ({sql}) AS t", exprs.join(", ")))
            }
            "withColumn" => {
                let (Some(Expr::Str(name)), Some(e)) = (args.first(), args.get(1)) else {
                    return Err(".withColumn(\"name\", expression) takes a name and a column expression".into());
                };
                let value = column(e)?;
                // Replacing a column the expression reads (withColumn("amount", col("amount")...))
                // drops the old one; a new name is added.
                if value.contains(&ident(name)) {
                    Value::Frame(format!(
                        "SELECT * EXCLUDE ({}), {value} AS {} FROM ({sql}) AS t",
                        ident(name),
                        ident(name)
                    ))
                } else {
                    Value::Frame(format!("SELECT *, {value} AS {} FROM ({sql}) AS t", ident(name)))
                }
            }
            "withColumnRenamed" => {
                let (Some(Expr::Str(old)), Some(Expr::Str(new))) = (args.first(), args.get(1)) else {
                    return Err(".withColumnRenamed(\"old\", \"new\") takes two names".into());
                };
                Value::Frame(format!(
                    "SELECT * EXCLUDE ({}), {} AS {} FROM ({sql}) AS t",
                    ident(old),
                    ident(old),
                    ident(new)
                ))
            }
            "drop" => Value::Frame(format!("SELECT * EXCLUDE ({}) FROM ({sql}) AS t", names(args)?.join(", "))),
            "distinct" => Value::Frame(format!("SELECT DISTINCT * FROM ({sql}) AS t")),
            "dropDuplicates" | "drop_duplicates" => match args.first() {
                None => Value::Frame(format!("SELECT DISTINCT * FROM ({sql}) AS t")),
                Some(_) => {
                    Value::Frame(format!("SELECT DISTINCT ON ({}) * FROM ({sql}) AS t", names(args)?.join(", ")))
                }
            },
            "orderBy" | "sort" => {
                let mut cols = names(args)?;
                if let Some(Expr::Bool(false)) = kw("ascending") {
                    cols = cols.into_iter().map(|c| format!("{c} DESC")).collect();
                }
                Value::Frame(format!("SELECT * FROM ({sql}) AS t ORDER BY {}", cols.join(", ")))
            }
            "limit" => match args.first() {
                Some(Expr::Num(n)) => Value::Frame(format!("SELECT * FROM ({sql}) AS t LIMIT {n}")),
                _ => return Err(".limit() takes a number".into()),
            },
            "groupBy" | "groupby" => Value::Grouped { sql, keys: names(args)? },
            "union" | "unionAll" | "unionByName" => {
                let other = frame_of(args.first().ok_or(".union() needs a frame")?)?;
                Value::Frame(format!("SELECT * FROM ({sql}) AS a UNION ALL SELECT * FROM ({other}) AS b"))
            }
            "join" => {
                let other = frame_of(args.first().ok_or(".join() needs a frame")?)?;
                let how = match kw("how").or(args.get(2)) {
                    Some(Expr::Str(h)) => h.to_ascii_lowercase(),
                    None => "inner".into(),
                    _ => return Err("how= must be a string".into()),
                };
                let kind = match how.as_str() {
                    "inner" => "JOIN",
                    "left" | "left_outer" | "leftouter" => "LEFT JOIN",
                    "right" | "right_outer" | "rightouter" => "RIGHT JOIN",
                    "outer" | "full" | "full_outer" | "fullouter" => "FULL JOIN",
                    other => return Err(format!("join how=\"{other}\" is not supported")),
                };
                let on = match kw("on").or(args.get(1)) {
                    Some(Expr::Str(c)) => format!("USING ({})", ident(c)),
                    Some(Expr::List(cols)) => {
                        format!("USING ({})", cols.iter().map(column_ref).collect::<R<Vec<_>>>()?.join(", "))
                    }
                    Some(e) => format!("ON {}", column(e)?),
                    None => return Err(".join() needs on=".into()),
                };
                Value::Frame(format!("SELECT * FROM ({sql}) AS l {kind} ({other}) AS r {on}"))
            }
            "createOrReplaceTempView" | "createTempView" | "registerTempTable" => match args.first() {
                Some(Expr::Str(name)) => Value::TempView { name: name.clone(), sql },
                _ => return Err(".createOrReplaceTempView() takes a name".into()),
            },
            other => return Err(format!("DataFrame.{other}() is not supported")),
        }),
    }
}

fn group_sql(sql: &str, keys: &[String], aggs: &[String]) -> String {
    let select: Vec<String> = keys.iter().cloned().chain(aggs.iter().cloned()).collect();
    if keys.is_empty() {
        format!("SELECT {} FROM ({sql}) AS t", select.join(", "))
    } else {
        format!("SELECT {} FROM ({sql}) AS t GROUP BY {}", select.join(", "), keys.join(", "))
    }
}

/// `spark.sql(query)` with the temp views the script registered, as a `WITH` clause.
pub(crate) fn spark_sql(query: &str, views: &[(String, String)]) -> String {
    if views.is_empty() {
        return query.to_string();
    }
    // Spark SQL names are case-insensitive: the view is registered the way an unquoted name folds.
    let ctes: Vec<String> = views.iter().map(|(n, s)| format!("{} AS ({s})", ident(&n.to_lowercase()))).collect();
    let trimmed = query.trim().trim_end_matches(';');
    match trimmed.get(..5) {
        Some(w) if w.eq_ignore_ascii_case("with ") => format!("WITH {}, {}", ctes.join(", "), &trimmed[5..]),
        _ => format!("WITH {} {trimmed}", ctes.join(", ")),
    }
}
