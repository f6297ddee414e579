//! Merging the schemas of many files into one table schema.

use puddle_catalog::Column;

/// Merges `next` into `acc`: columns keep their first-seen order, new columns are appended
/// (nullable, as Glue adds them), and differing types widen (`int` -> `bigint` -> `double` ->
/// `string`).
pub fn merge_columns(acc: &mut Vec<Column>, next: &[Column]) {
    for col in next {
        match acc.iter_mut().find(|c| c.name.eq_ignore_ascii_case(&col.name)) {
            Some(existing) => existing.data_type = widen(&existing.data_type, &col.data_type),
            None => acc.push(col.clone()),
        }
    }
}

/// The narrowest type both values fit in.
pub fn widen(a: &str, b: &str) -> String {
    if a == b {
        return a.to_string();
    }
    const NUMERIC: [&str; 6] = ["tinyint", "smallint", "int", "bigint", "float", "double"];
    let rank = |t: &str| NUMERIC.iter().position(|n| *n == t);
    match (rank(a), rank(b)) {
        (Some(x), Some(y)) => NUMERIC[x.max(y)].to_string(),
        _ if (a == "date" && b == "timestamp") || (a == "timestamp" && b == "date") => "timestamp".into(),
        _ => "string".into(),
    }
}

/// How alike two schemas are: shared column names over all column names (Jaccard).
pub fn similarity(a: &[Column], b: &[Column]) -> f64 {
    let names =
        |cols: &[Column]| cols.iter().map(|c| c.name.to_ascii_lowercase()).collect::<std::collections::BTreeSet<_>>();
    let (a, b) = (names(a), names(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(spec: &[(&str, &str)]) -> Vec<Column> {
        spec.iter().map(|(n, t)| Column::new(*n, *t)).collect()
    }

    #[test]
    fn widening_and_new_columns() {
        let mut acc = cols(&[("id", "int"), ("amount", "bigint"), ("when", "date")]);
        merge_columns(
            &mut acc,
            &cols(&[("id", "bigint"), ("amount", "double"), ("when", "timestamp"), ("note", "string")]),
        );
        assert_eq!(acc, cols(&[("id", "bigint"), ("amount", "double"), ("when", "timestamp"), ("note", "string")]));
        merge_columns(&mut acc, &cols(&[("id", "string")]));
        assert_eq!(acc[0].data_type, "string");
    }

    #[test]
    fn similarity_of_schemas() {
        let a = cols(&[("id", "int"), ("region", "string")]);
        assert_eq!(similarity(&a, &a), 1.0);
        assert_eq!(similarity(&a, &cols(&[("x", "int")])), 0.0);
        assert!(
            (similarity(&a, &cols(&[("id", "int"), ("region", "string"), ("amount", "double")])) - 2.0 / 3.0).abs()
                < 1e-9
        );
    }
}
