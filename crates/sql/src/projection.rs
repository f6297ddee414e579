//! Athena partition projection: a table with `projection.enabled = 'true'` gets its partitions
//! from table properties instead of the catalog (`enum`, `integer`, `date` and `injected` types,
//! `storage.location.template` for folders that are not Hive `key=value/`).
//!
//! The table is read as a union of one listing per projected partition, each with its partition
//! values as constant columns, so a `WHERE` on a partition column removes the other partitions
//! at planning time (nothing is listed or read for them). A misconfigured projection fails the
//! queries that use the table, with the reason, as Athena does.
//!
//! The same union reads catalog partitions added with a `LOCATION` outside the table's Hive
//! folders (`ALTER TABLE t ADD PARTITION (dt='2025-01-01') LOCATION 's3://logs/2025/01/01/'`).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime};
use datafusion::{
    arrow::datatypes::{Field, Schema, SchemaRef},
    catalog::{Session, TableProvider},
    datasource::{provider_as_source, TableType, ViewTable},
    error::DataFusionError,
    logical_expr::{col, lit, Expr, LogicalPlan, LogicalPlanBuilder, Union},
    physical_plan::ExecutionPlan,
    prelude::cast,
};
use puddle_catalog::Table;

use crate::{hive_to_arrow, tables::listing_table, Error, Result};

/// Most partitions one projected table may enumerate.
const MAX_PARTITIONS: usize = 10_000;
/// The widest `projection.<column>.digits` (an `i64` has at most 19 digits).
const MAX_DIGITS: usize = 32;

/// Whether `table` uses partition projection.
pub(crate) fn is_projected(table: &Table) -> bool {
    table.parameters.get("projection.enabled").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// The provider of a projected table: the union of its projected partitions, or, when the
/// projection is misconfigured, a table whose every scan fails with the reason.
pub(crate) fn projected_table(table: &Table) -> Result<Arc<dyn TableProvider>> {
    match union_of_partitions(table) {
        Ok(Some(provider)) => Ok(provider),
        Ok(None) => listing_table(table), // injected keys over Hive folders: list them
        Err(e) => {
            let fields = table
                .columns
                .iter()
                .chain(&table.partition_keys)
                .map(|c| {
                    Field::new(
                        &c.name,
                        hive_to_arrow(&c.data_type).unwrap_or(datafusion::arrow::datatypes::DataType::Utf8),
                        true,
                    )
                })
                .collect::<Vec<_>>();
            Ok(Arc::new(Misconfigured {
                schema: Arc::new(Schema::new(fields)),
                message: format!(
                    "HIVE_INVALID_METADATA: Partition projection of table {} is misconfigured: {e}",
                    table.qualified_name()
                ),
            }))
        }
    }
}

fn prop<'a>(table: &'a Table, key: &str) -> Option<&'a str> {
    table.parameters.get(key).map(|v| v.trim())
}

/// `Ok(None)` when a key is `injected` and the folders are Hive-style (plain listing reads them).
fn union_of_partitions(table: &Table) -> Result<Option<Arc<dyn TableProvider>>> {
    if table.partition_keys.is_empty() {
        return Err(Error::Query("the table has no partition columns".into()));
    }
    let template = prop(table, "storage.location.template");
    let mut per_key = Vec::new();
    for key in &table.partition_keys {
        let name = &key.name;
        let kind = prop(table, &format!("projection.{name}.type"))
            .ok_or_else(|| Error::Query(format!("column {name} has no projection.{name}.type")))?
            .to_ascii_lowercase();
        let values = match kind.as_str() {
            "enum" => {
                let list = prop(table, &format!("projection.{name}.values"))
                    .ok_or_else(|| Error::Query(format!("enum column {name} needs projection.{name}.values")))?;
                list.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
            }
            "integer" => integers(table, name)?,
            "date" => dates(table, name)?,
            "injected" if template.is_none() => return Ok(None),
            "injected" => {
                return Err(Error::NotSupported(format!(
                    "injected column {name} with storage.location.template: Puddle cannot enumerate injected values"
                )))
            }
            other => {
                return Err(Error::Query(format!(
                    "projection.{name}.type '{other}' is not enum, integer, date or injected"
                )))
            }
        };
        per_key.push(values);
    }
    let total = per_key.iter().try_fold(1usize, |acc, v| acc.checked_mul(v.len())).unwrap_or(usize::MAX);
    if total > MAX_PARTITIONS {
        return Err(Error::Query(format!(
            "the projection has {total} partitions; Puddle reads at most {MAX_PARTITIONS}"
        )));
    }
    let mut combos: Vec<Vec<String>> = vec![Vec::new()];
    for values in &per_key {
        combos = combos
            .into_iter()
            .flat_map(|prefix| values.iter().map(move |v| [prefix.clone(), vec![v.clone()]].concat()))
            .collect();
    }
    let mut data = table.clone();
    data.partition_keys.clear();
    data.parameters.remove("projection.enabled");
    let mut plans = Vec::new();
    for values in combos {
        let location = match template {
            Some(t) => table
                .partition_keys
                .iter()
                .zip(&values)
                .fold(t.to_string(), |acc, (k, v)| acc.replace(&format!("${{{}}}", k.name), v)),
            None => {
                let root =
                    if table.location.ends_with('/') { table.location.clone() } else { format!("{}/", table.location) };
                let folders: String =
                    table.partition_keys.iter().zip(&values).map(|(k, v)| format!("{}={v}/", k.name)).collect();
                format!("{root}{folders}")
            }
        };
        data.location = location;
        plans.push(Arc::new(constant_partition(table, &data, &values)?));
    }
    let plan = match plans.len() {
        0 => return Err(Error::Query("the projection yields no partitions".into())),
        1 => plans.remove(0).as_ref().clone(),
        _ => LogicalPlan::Union(Union::try_new_with_loose_types(plans)?),
    };
    Ok(Some(Arc::new(ViewTable::new(plan, None))))
}

fn root(table: &Table) -> String {
    if table.location.ends_with('/') {
        table.location.clone()
    } else {
        format!("{}/", table.location)
    }
}

/// The partitions of `table` whose catalog location is not the Hive folder under the table
/// location (`ALTER TABLE ... ADD PARTITION (...) LOCATION 's3://elsewhere/'`).
fn relocated(table: &Table) -> Vec<&puddle_catalog::Partition> {
    let root = root(table);
    table
        .partitions
        .iter()
        .filter(|p| {
            let hive: String =
                table.partition_keys.iter().zip(&p.values).map(|(k, v)| format!("{}={v}/", k.name)).collect();
            p.location.trim_end_matches('/') != format!("{root}{hive}").trim_end_matches('/')
        })
        .collect()
}

/// Whether some catalog partitions live outside the table's Hive folders.
pub(crate) fn has_relocated_partitions(table: &Table) -> bool {
    !table.partition_keys.is_empty() && !relocated(table).is_empty()
}

/// A Hive-partitioned table with relocated partitions: its Hive folders plus one listing per
/// relocated partition, with the partition values as constants.
pub(crate) fn with_relocated_partitions(table: &Table) -> Result<Arc<dyn TableProvider>> {
    let hive =
        LogicalPlanBuilder::scan(table.name.clone(), provider_as_source(listing_table(table)?), None)?.build()?;
    let mut plans = vec![Arc::new(hive)];
    let mut data = table.clone();
    data.partition_keys.clear();
    for partition in relocated(table) {
        data.location = partition.location.clone();
        plans.push(Arc::new(constant_partition(table, &data, &partition.values)?));
    }
    Ok(Arc::new(ViewTable::new(LogicalPlan::Union(Union::try_new_with_loose_types(plans)?), None)))
}

/// `data` (a table without partition keys) read with `values` as the partition columns of `table`.
fn constant_partition(table: &Table, data: &Table, values: &[String]) -> Result<LogicalPlan> {
    let provider = listing_table(data)?;
    let mut exprs: Vec<Expr> = table.columns.iter().map(|c| col(&c.name)).collect();
    for (key, value) in table.partition_keys.iter().zip(values) {
        let dt = hive_to_arrow(&key.data_type)
            .ok_or_else(|| Error::NotSupported(format!("partition column type {}", key.data_type)))?;
        exprs.push(cast(lit(value.clone()), dt).alias(&key.name));
    }
    Ok(LogicalPlanBuilder::scan(table.name.clone(), provider_as_source(provider), None)?.project(exprs)?.build()?)
}

fn integers(table: &Table, name: &str) -> Result<Vec<String>> {
    let range = prop(table, &format!("projection.{name}.range"))
        .ok_or_else(|| Error::Query(format!("integer column {name} needs projection.{name}.range")))?;
    let bad = || Error::Query(format!("projection.{name}.range must be 'min,max', got '{range}'"));
    let (lo, hi) = range.split_once(',').ok_or_else(bad)?;
    let (lo, hi): (i64, i64) = (lo.trim().parse().map_err(|_| bad())?, hi.trim().parse().map_err(|_| bad())?);
    let step: i64 = match prop(table, &format!("projection.{name}.interval")) {
        Some(s) => s.parse().ok().filter(|s| *s > 0).ok_or_else(|| Error::Query(format!("bad interval '{s}'")))?,
        None => 1,
    };
    let digits: usize = match prop(table, &format!("projection.{name}.digits")) {
        // Every value is padded to this width: bounded, so a table property cannot make each
        // partition value a gigabyte of zeros.
        Some(d) => d.trim().parse().ok().filter(|d| *d <= MAX_DIGITS).ok_or_else(|| {
            Error::Query(format!("projection.{name}.digits must be a whole number from 0 to {MAX_DIGITS}, got '{d}'"))
        })?,
        None => 0,
    };
    let count = hi.checked_sub(lo).filter(|n| *n >= 0).map(|n| n / step);
    let Some(count) = count.filter(|n| *n < MAX_PARTITIONS as i64) else {
        return Err(Error::Query(format!("projection.{name}.range '{range}' is empty or too large")));
    };
    // `lo + i * step <= hi` for every `i <= count`: no overflow.
    Ok((0..=count).map(|i| format!("{:0digits$}", lo + i * step)).collect())
}

/// Java `DateTimeFormatter` letters (as Athena takes them) as chrono's.
pub(crate) fn java_to_chrono(format: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        let spec = match (c, run) {
            ('y', 2) => Some("%y"),
            ('y', _) => Some("%Y"),
            ('M', _) => Some("%m"),
            ('d', _) => Some("%d"),
            ('H', _) => Some("%H"),
            ('m', _) => Some("%M"),
            ('s', _) => Some("%S"),
            _ => None,
        };
        match spec {
            Some(s) => out.push_str(s),
            None if c == '\'' => {
                // A quoted literal: copy up to the closing quote.
                let end = chars[i + 1..].iter().position(|&d| d == '\'').map_or(chars.len(), |p| i + 1 + p);
                out.extend(&chars[i + 1..end]);
                i = end + 1;
                continue;
            }
            None => {
                for _ in 0..run {
                    out.push(if c == '%' { '%' } else { c });
                    if c == '%' {
                        out.push('%');
                    }
                }
            }
        }
        i += run;
    }
    out
}

fn dates(table: &Table, name: &str) -> Result<Vec<String>> {
    let range = prop(table, &format!("projection.{name}.range"))
        .ok_or_else(|| Error::Query(format!("date column {name} needs projection.{name}.range")))?;
    let format = prop(table, &format!("projection.{name}.format"))
        .ok_or_else(|| Error::Query(format!("date column {name} needs projection.{name}.format")))?;
    let chrono_format = java_to_chrono(format);
    let (lo, hi) = range
        .split_once(',')
        .ok_or_else(|| Error::Query(format!("projection.{name}.range must be 'start,end', got '{range}'")))?;
    let now = chrono::Utc::now().naive_utc();
    let parse = |s: &str| -> Result<NaiveDateTime> {
        let s = s.trim();
        if let Some(rest) = s.to_ascii_uppercase().strip_prefix("NOW") {
            return relative(now, rest).ok_or_else(|| Error::Query(format!("cannot read the date '{s}'")));
        }
        NaiveDateTime::parse_from_str(s, &chrono_format)
            .or_else(|_| NaiveDate::parse_from_str(s, &chrono_format).map(midnight))
            // Formats without a day (`yyyy-MM`) or a month (`yyyy`): parse with them added.
            .or_else(|_| NaiveDate::parse_from_str(&format!("{s}|01"), &format!("{chrono_format}|%d")).map(midnight))
            .or_else(|_| {
                NaiveDate::parse_from_str(&format!("{s}|01|01"), &format!("{chrono_format}|%m|%d")).map(midnight)
            })
            .map_err(|_| Error::Query(format!("date '{s}' does not match projection.{name}.format '{format}'")))
    };
    let (start, end) = (parse(lo)?, parse(hi)?);
    let interval: u32 =
        prop(table, &format!("projection.{name}.interval")).and_then(|i| i.parse().ok()).unwrap_or(1).max(1);
    let unit =
        prop(table, &format!("projection.{name}.interval.unit")).map(str::to_ascii_uppercase).unwrap_or_else(|| {
            if chrono_format.contains("%d") {
                "DAYS"
            } else if chrono_format.contains("%m") {
                "MONTHS"
            } else {
                "YEARS"
            }
            .into()
        });
    let mut out = Vec::new();
    let mut current = start;
    while current <= end {
        if out.len() >= MAX_PARTITIONS {
            return Err(Error::Query(format!("projection.{name}.range has more than {MAX_PARTITIONS} dates")));
        }
        out.push(current.format(&chrono_format).to_string());
        current = step(current, &unit, interval)
            .ok_or_else(|| Error::Query(format!("projection.{name}.interval.unit '{unit}' is not supported")))?;
    }
    Ok(out)
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(chrono::NaiveTime::MIN)
}

fn step(t: NaiveDateTime, unit: &str, n: u32) -> Option<NaiveDateTime> {
    match unit.trim_end_matches('S') {
        "YEAR" => t.checked_add_months(Months::new(n.checked_mul(12)?)),
        "MONTH" => t.checked_add_months(Months::new(n)),
        "WEEK" => t.checked_add_signed(Duration::weeks(n.into())),
        "DAY" => t.checked_add_signed(Duration::days(n.into())),
        "HOUR" => t.checked_add_signed(Duration::hours(n.into())),
        "MINUTE" => t.checked_add_signed(Duration::minutes(n.into())),
        "SECOND" => t.checked_add_signed(Duration::seconds(n.into())),
        _ => None,
    }
}

/// `NOW`, `NOW-3YEARS`, `NOW+1DAY`: the rest after `NOW`.
fn relative(now: NaiveDateTime, rest: &str) -> Option<NaiveDateTime> {
    let rest = rest.trim();
    if rest.is_empty() {
        return Some(now);
    }
    let (sign, rest) = rest.split_at(1);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let n: u32 = digits.parse().ok()?;
    let unit = rest[digits.len()..].trim();
    match sign {
        "+" => step(now, unit, n),
        "-" => {
            let months = match unit.trim_end_matches('S') {
                "YEAR" => n.checked_mul(12),
                "MONTH" => Some(n),
                _ => None,
            };
            match months {
                Some(m) => now.checked_sub_months(Months::new(m)),
                None => {
                    let forward = step(now, unit, n)?;
                    now.checked_sub_signed(forward - now)
                }
            }
        }
        _ => None,
    }
    .map(|t| if t.year() < 0 { now } else { t })
}

/// A table whose every scan fails with `message` (a misconfigured projection).
#[derive(Debug)]
struct Misconfigured {
    schema: SchemaRef,
    message: String,
}

#[async_trait]
impl TableProvider for Misconfigured {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        _projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        _limit: Option<usize>,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        Err(DataFusionError::Plan(self.message.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_date_formats() {
        assert_eq!(java_to_chrono("yyyy-MM-dd"), "%Y-%m-%d");
        assert_eq!(java_to_chrono("yyyy/MM/dd/HH"), "%Y/%m/%d/%H");
        assert_eq!(java_to_chrono("yyyyMM'T'"), "%Y%mT");
    }

    #[test]
    fn relative_dates() {
        let now = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap().and_time(chrono::NaiveTime::MIN);
        assert_eq!(relative(now, "").unwrap(), now);
        assert_eq!(relative(now, "-1YEARS").unwrap().to_string(), "2024-03-31 00:00:00");
        assert_eq!(relative(now, "-2DAYS").unwrap().to_string(), "2025-03-29 00:00:00");
        assert_eq!(relative(now, "+1MONTH").unwrap().to_string(), "2025-04-30 00:00:00");
        assert!(relative(now, "-xDAYS").is_none());
    }

    /// Issue 12: user numbers in projection properties meet time and allocation checked.
    #[test]
    fn huge_projection_numbers_are_errors_not_overflows() {
        let now = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap().and_time(chrono::NaiveTime::MIN);
        for rest in
            ["-4294967295YEARS", "+4294967295YEARS", "+4294967295WEEKS", "-4294967295SECONDS", "+99999999999DAYS"]
        {
            let _ = relative(now, rest);
        }
        assert!(step(now, "YEARS", u32::MAX).is_none());
        let mut table = Table::new("db", "t", "s3://b/t/", "csv", Vec::new());
        table.parameters.insert("projection.n.range".into(), format!("{},{}", i64::MIN, i64::MAX));
        assert!(integers(&table, "n").is_err());
        table.parameters.insert("projection.n.range".into(), "1,3".into());
        table.parameters.insert("projection.n.digits".into(), "1000000000".into());
        assert!(integers(&table, "n").unwrap_err().to_string().contains("digits"));
        table.parameters.insert("projection.n.digits".into(), "3".into());
        assert_eq!(integers(&table, "n").unwrap(), ["001", "002", "003"]);
    }
}
