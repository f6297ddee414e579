//! Athena (Trino) functions DataFusion lacks or names differently, registered in every session.
//!
//! Each is a DataFusion UDF that the optimizer rewrites ([`ScalarUDFImpl::simplify`]) into
//! DataFusion's own functions, so nothing new runs at execution time:
//!
//! - `date_format(ts, '%Y-%m-%d %H:%i:%s')` and `date_parse(text, format)` take MySQL format
//!   specifiers, translated to chrono's for `to_char` / `to_timestamp`;
//! - `from_iso8601_timestamp(text)`, `from_iso8601_date(text)`;
//! - `element_at(array, i)` (1-based, negative from the end, NULL out of range) and
//!   `element_at(map, key)` (the value, not a list);
//! - `date_add(unit, n, ts)` and `date_diff(unit, a, b)` for millisecond … week units
//!   (`date_add` also month, quarter, year);
//! - `year`, `quarter`, `month`, `week`, `day`, `day_of_month`, `day_of_year`, `hour`,
//!   `minute`, `second` as `bigint`.
//!
//! (`approx_distinct`, `regexp_like`, `split_part`, `date_trunc`, `cardinality` already exist in DataFusion.)

use datafusion::{
    arrow::datatypes::{DataType, IntervalMonthDayNano, TimeUnit},
    common::{plan_err, DataFusionError, ScalarValue},
    functions::expr_fn::{date_part, to_char},
    functions_nested::expr_fn::{array_element, map_extract},
    logical_expr::{
        simplify::{ExprSimplifyResult, SimplifyContext},
        ColumnarValue, Expr, Operator, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
    },
    prelude::{cast, lit, SessionContext},
};

type DfResult<T> = datafusion::error::Result<T>;

/// Which Trino function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    DateFormat,
    DateParse,
    FromIso8601Timestamp,
    FromIso8601Date,
    ElementAt,
    DateAdd,
    DateDiff,
    /// `year(x)` and friends: `date_part(part, x)` as bigint.
    Part(&'static str),
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct TrinoFn {
    name: &'static str,
    kind: Kind,
    signature: Signature,
}

/// Registers the functions in `ctx` (replacing DataFusion's `date_format` and `element_at`
/// aliases, whose arguments differ from Athena's).
pub(crate) fn register(ctx: &SessionContext) {
    let fns: [(&'static str, Kind, usize); 18] = [
        ("date_format", Kind::DateFormat, 2),
        ("date_parse", Kind::DateParse, 2),
        ("from_iso8601_timestamp", Kind::FromIso8601Timestamp, 1),
        ("from_iso8601_date", Kind::FromIso8601Date, 1),
        ("element_at", Kind::ElementAt, 2),
        ("date_add", Kind::DateAdd, 3),
        ("date_diff", Kind::DateDiff, 3),
        ("year", Kind::Part("year"), 1),
        ("quarter", Kind::Part("quarter"), 1),
        ("month", Kind::Part("month"), 1),
        ("week", Kind::Part("week"), 1),
        ("day", Kind::Part("day"), 1),
        ("day_of_month", Kind::Part("day"), 1),
        ("day_of_year", Kind::Part("doy"), 1),
        ("hour", Kind::Part("hour"), 1),
        ("minute", Kind::Part("minute"), 1),
        ("second", Kind::Part("second"), 1),
        ("millisecond", Kind::Part("millisecond"), 1),
    ];
    for (name, kind, args) in fns {
        let signature = Signature::any(args, Volatility::Immutable);
        ctx.register_udf(ScalarUDF::new_from_impl(TrinoFn { name, kind, signature }));
    }
}

/// MySQL `date_format` specifiers (Athena's) as chrono's.
pub(crate) fn mysql_to_chrono(format: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let spec = chars.next().ok_or("a format must not end with '%'")?;
        out.push_str(match spec {
            'Y' => "%Y",
            'y' => "%y",
            'm' => "%m",
            'c' => "%-m",
            'd' => "%d",
            'e' => "%-d",
            'H' => "%H",
            'k' => "%-H",
            'h' | 'I' => "%I",
            'l' => "%-I",
            'i' => "%M",
            's' | 'S' => "%S",
            'f' => "%6f",
            'p' => "%p",
            'M' => "%B",
            'b' => "%b",
            'W' => "%A",
            'a' => "%a",
            'j' => "%j",
            'T' => "%H:%M:%S",
            'r' => "%I:%M:%S %p",
            'v' => "%V",
            'x' => "%G",
            '%' => "%%",
            other => return Err(format!("date format specifier %{other} is not supported")),
        });
    }
    Ok(out)
}

/// The text of a string literal argument.
fn literal_text(e: &Expr) -> Option<String> {
    match e {
        Expr::Literal(
            ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)),
            _,
        ) => Some(s.clone()),
        _ => None,
    }
}

fn literal_i64(e: &Expr) -> Option<i64> {
    match e {
        Expr::Literal(v, _) => match v.cast_to(&DataType::Int64).ok()? {
            ScalarValue::Int64(Some(n)) => Some(n),
            _ => None,
        },
        Expr::Negative(inner) => literal_i64(inner)?.checked_neg(),
        _ => None,
    }
}

/// Nanoseconds in one `unit` (up to a week).
fn unit_nanos(unit: &str) -> Option<i64> {
    Some(match unit {
        "millisecond" => 1_000_000,
        "second" => 1_000_000_000,
        "minute" => 60_000_000_000,
        "hour" => 3_600_000_000_000,
        "day" => 86_400_000_000_000,
        "week" => 7 * 86_400_000_000_000,
        _ => return None,
    })
}

fn timestamp() -> DataType {
    DataType::Timestamp(TimeUnit::Nanosecond, None)
}

impl TrinoFn {
    fn constant(&self, what: &str) -> DataFusionError {
        DataFusionError::Plan(format!("{}: {what} must be a constant", self.name))
    }
}

impl ScalarUDFImpl for TrinoFn {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, args: &[DataType]) -> DfResult<DataType> {
        Ok(match self.kind {
            Kind::DateFormat => DataType::Utf8,
            Kind::DateParse | Kind::FromIso8601Timestamp => timestamp(),
            Kind::FromIso8601Date => DataType::Date32,
            Kind::DateDiff | Kind::Part(_) => DataType::Int64,
            Kind::DateAdd => args.get(2).cloned().unwrap_or_else(timestamp),
            Kind::ElementAt => match args.first() {
                Some(DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _)) => {
                    f.data_type().clone()
                }
                Some(DataType::Map(entries, _)) => match entries.data_type() {
                    DataType::Struct(kv) if kv.len() == 2 => kv[1].data_type().clone(),
                    other => return plan_err!("element_at: unexpected map layout {other}"),
                },
                Some(other) => return plan_err!("element_at expects an array or a map, got {other}"),
                None => return plan_err!("element_at expects two arguments"),
            },
        })
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        // Always rewritten by `simplify` before execution.
        Err(DataFusionError::Internal(format!("{} should have been rewritten before execution", self.name)))
    }

    fn simplify(&self, args: Vec<Expr>, info: &SimplifyContext) -> DfResult<ExprSimplifyResult> {
        let types = args.iter().map(|a| info.get_data_type(a)).collect::<DfResult<Vec<_>>>()?;
        let declared = self.return_type(&types)?;
        let mut args = args.into_iter();
        let mut next = || args.next().ok_or_else(|| DataFusionError::Plan(format!("{}: missing argument", self.name)));
        let expr = match self.kind {
            Kind::DateFormat => {
                let (value, format) = (next()?, next()?);
                let format = literal_text(&format).ok_or_else(|| self.constant("the format"))?;
                let chrono = mysql_to_chrono(&format).map_err(DataFusionError::Plan)?;
                to_char(value, lit(chrono))
            }
            Kind::DateParse => {
                let (value, format) = (next()?, next()?);
                let format = literal_text(&format).ok_or_else(|| self.constant("the format"))?;
                let chrono = mysql_to_chrono(&format).map_err(DataFusionError::Plan)?;
                datafusion::functions::datetime::to_timestamp(info.config_options()).call(vec![value, lit(chrono)])
            }
            Kind::FromIso8601Timestamp => {
                datafusion::functions::datetime::to_timestamp(info.config_options()).call(vec![next()?])
            }
            Kind::FromIso8601Date => datafusion::functions::datetime::to_date().call(vec![next()?]),
            Kind::ElementAt => {
                let (container, key) = (next()?, next()?);
                if matches!(types.first(), Some(DataType::Map(..))) {
                    array_element(map_extract(container, key), lit(1i64))
                } else {
                    array_element(container, key)
                }
            }
            Kind::DateAdd => {
                let (unit, n, value) = (next()?, next()?, next()?);
                let unit = literal_text(&unit).ok_or_else(|| self.constant("the unit"))?.to_ascii_lowercase();
                let n = literal_i64(&n).ok_or_else(|| self.constant("the amount"))?;
                let small = |factor: i64| {
                    i32::try_from(n.saturating_mul(factor))
                        .map_err(|_| DataFusionError::Plan(format!("date_add: {n} {unit}s is out of range")))
                };
                let interval = match unit.as_str() {
                    "month" => IntervalMonthDayNano::new(small(1)?, 0, 0),
                    "quarter" => IntervalMonthDayNano::new(small(3)?, 0, 0),
                    "year" => IntervalMonthDayNano::new(small(12)?, 0, 0),
                    "day" => IntervalMonthDayNano::new(0, small(1)?, 0),
                    "week" => IntervalMonthDayNano::new(0, small(7)?, 0),
                    other => {
                        let nanos = unit_nanos(other)
                            .ok_or_else(|| DataFusionError::Plan(format!("date_add: unknown unit '{other}'")))?;
                        IntervalMonthDayNano::new(0, 0, n.saturating_mul(nanos))
                    }
                };
                Expr::BinaryExpr(datafusion::logical_expr::BinaryExpr::new(
                    Box::new(value),
                    Operator::Plus,
                    Box::new(lit(ScalarValue::IntervalMonthDayNano(Some(interval)))),
                ))
            }
            Kind::DateDiff => {
                let (unit, a, b) = (next()?, next()?, next()?);
                let unit = literal_text(&unit).ok_or_else(|| self.constant("the unit"))?.to_ascii_lowercase();
                let nanos = unit_nanos(&unit).ok_or_else(|| {
                    DataFusionError::Plan(format!(
                        "date_diff: unit '{unit}' is not supported; use millisecond, second, minute, hour, day or week"
                    ))
                })?;
                let epoch = |e: Expr| cast(date_part(lit("epoch"), e), DataType::Float64);
                let seconds = epoch(b) - epoch(a);
                cast(seconds * lit(1e9) / lit(nanos as f64), DataType::Int64)
            }
            Kind::Part(part) => date_part(lit(part), next()?),
        };
        Ok(ExprSimplifyResult::Simplified(cast(expr, declared)))
    }
}

#[cfg(test)]
mod tests {
    use super::mysql_to_chrono;

    #[test]
    fn mysql_formats_become_chrono_formats() {
        assert_eq!(mysql_to_chrono("%Y-%m-%d %H:%i:%s").unwrap(), "%Y-%m-%d %H:%M:%S");
        assert_eq!(mysql_to_chrono("%d/%m/%Y %T.%f").unwrap(), "%d/%m/%Y %H:%M:%S.%6f");
        assert_eq!(mysql_to_chrono("%W %e %M %y, %h %p 100%%").unwrap(), "%A %-d %B %y, %I %p 100%%");
        assert!(mysql_to_chrono("%Q").unwrap_err().contains("%Q"));
        assert!(mysql_to_chrono("50%").is_err());
    }
}
