//! The keyword arguments and option dictionaries of the `awsglue` calls Puddle runs: each one is
//! honoured or refused with the list of those that are, never accepted and dropped (a job that
//! ignored `recurse=False` or a text `compression` would write something else than Glue does).

use std::collections::BTreeMap;

use crate::python::Expr;

/// Refuses a keyword argument of `func` that is not in `honoured`.
pub(crate) fn check_kwargs(func: &str, kwargs: &[(String, Expr)], honoured: &[&str]) -> Result<(), String> {
    for (key, _) in kwargs {
        if !honoured.contains(&key.as_str()) {
            let hint = match key.as_str() {
                "push_down_predicate" => " (filter the frame with Filter.apply after reading it)",
                _ => "",
            };
            return Err(format!("{func}: {key}= is not supported{hint}; Puddle honours {}", honoured.join(", ")));
        }
    }
    Ok(())
}

/// Refuses a key of the `what` dictionary that is not in `honoured`.
pub(crate) fn check_keys(what: &str, options: &BTreeMap<String, Expr>, honoured: &[&str]) -> Result<(), String> {
    for key in options.keys() {
        if !honoured.contains(&key.as_str()) {
            let list = if honoured.is_empty() { "none".to_string() } else { honoured.join(", ") };
            return Err(format!("{what} \"{key}\" is not supported; Puddle honours {list}"));
        }
    }
    Ok(())
}

/// The `connection_options` and `format_options` of an S3 source (`create_dynamic_frame.from_options`).
pub(crate) fn check_source_options(
    format: &str,
    connection: &BTreeMap<String, Expr>,
    format_options: &BTreeMap<String, Expr>,
) -> Result<(), String> {
    check_keys("connection_options", connection, &["paths", "path", "recurse"])?;
    // Puddle lists every object under a path, as Glue does with recurse=True.
    match connection.get("recurse") {
        None | Some(Expr::Bool(true)) => {}
        Some(_) => {
            return Err("connection_options \"recurse\" must be True: Puddle reads every object under the paths".into())
        }
    }
    match format {
        "csv" => {
            check_keys(
                "format_options",
                format_options,
                &["withHeader", "separator", "quoteChar", "optimizePerformance"],
            )?;
            match format_options.get("quoteChar") {
                None => {}
                Some(Expr::Str(q)) if q == "\"" => {}
                Some(_) => return Err("format_options \"quoteChar\" must be '\"' (the quote Puddle reads)".into()),
            }
            // A faster reader in Glue, with the same result: any boolean is honoured.
            match format_options.get("optimizePerformance") {
                None | Some(Expr::Bool(_)) => {}
                Some(_) => return Err("format_options \"optimizePerformance\" must be True or False".into()),
            }
        }
        "json" => {
            // `withHeader`/`separator` are CSV options, which Glue ignores for other formats (and
            // earlier versions of Puddle's visual editor wrote for every format).
            check_keys("format_options (for json)", format_options, &["multiline", "withHeader", "separator"])?;
            match format_options.get("multiline") {
                None | Some(Expr::Bool(false)) => {}
                Some(_) => {
                    return Err(
                        "format_options \"multiline\" must be False: Puddle reads JSON lines, one record per line"
                            .into(),
                    )
                }
            }
        }
        _ => check_keys(&format!("format_options (for {format})"), format_options, &["withHeader", "separator"])?,
    }
    Ok(())
}

/// The keyword arguments of `spark.read.csv|json|parquet(...)`: `header` and `sep` for CSV, and
/// `inferSchema=True` (Puddle always infers the column types; `False` would read strings).
pub(crate) fn check_spark_read(format: &str, kwargs: &[(String, Expr)]) -> Result<(), String> {
    let honoured: &[&str] = if format == "csv" { &["path", "header", "sep", "inferSchema"] } else { &["path"] };
    check_kwargs(&format!("spark.read.{format}"), kwargs, honoured)?;
    match kwargs.iter().find(|(k, _)| k == "inferSchema").map(|(_, v)| v) {
        None | Some(Expr::Bool(true)) => Ok(()),
        Some(Expr::Str(s)) if s.eq_ignore_ascii_case("true") => Ok(()),
        Some(_) => Err("inferSchema must be True: Puddle always infers the column types of the files".into()),
    }
}

/// The compression of output written as `format`: Parquet codecs, and none for text.
pub(crate) fn check_output_compression(format: &str, compression: &str) -> Result<(), String> {
    let ok = match format {
        "parquet" => ["snappy", "gzip", "zstd", "uncompressed", "none"].contains(&compression),
        _ => ["uncompressed", "none"].contains(&compression),
    };
    if ok {
        return Ok(());
    }
    Err(match format {
        "parquet" => {
            format!("compression \"{compression}\" is not supported for parquet: use snappy, gzip, zstd or none")
        }
        _ => {
            format!("compression \"{compression}\" is not supported for {format}: Puddle writes {format} uncompressed")
        }
    })
}

/// The compression of an S3 sink written with `write_dynamic_frame.from_options`: Glue takes it
/// in `format_options` (Parquet) or `connection_options` (text); the default is snappy for
/// Parquet and none for text.
pub(crate) fn sink_compression(
    format: &str,
    connection: &BTreeMap<String, Expr>,
    format_options: &BTreeMap<String, Expr>,
) -> Result<String, String> {
    check_keys("connection_options", connection, &["path", "partitionKeys", "compression"])?;
    check_keys("format_options", format_options, &["compression"])?;
    let given = [format_options.get("compression"), connection.get("compression")];
    let compression = match given {
        [Some(Expr::Str(c)), _] | [None, Some(Expr::Str(c))] => c.to_ascii_lowercase(),
        [None, None] if format == "parquet" => "snappy".into(),
        [None, None] => "none".into(),
        _ => return Err("compression must be a string such as \"snappy\"".into()),
    };
    check_output_compression(format, &compression)?;
    Ok(compression)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(pairs: &[(&str, Expr)]) -> BTreeMap<String, Expr> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn honoured_options_pass_and_the_rest_is_refused() {
        let paths = Expr::List(vec![Expr::Str("s3://b/p/".into())]);
        // Glue Studio's S3 source, as it generates it.
        let studio = check_source_options(
            "csv",
            &dict(&[("paths", paths.clone()), ("recurse", Expr::Bool(true))]),
            &dict(&[
                ("quoteChar", Expr::Str("\"".into())),
                ("withHeader", Expr::Bool(true)),
                ("separator", Expr::Str(",".into())),
                ("optimizePerformance", Expr::Bool(false)),
            ]),
        );
        assert_eq!(studio, Ok(()));
        let json_lines = dict(&[("multiline", Expr::Bool(false))]);
        assert_eq!(check_source_options("json", &dict(&[("paths", paths.clone())]), &json_lines), Ok(()));
        for (format, connection, format_options, expected) in [
            ("csv", dict(&[("paths", paths.clone()), ("recurse", Expr::Bool(false))]), dict(&[]), "recurse"),
            (
                "csv",
                dict(&[("paths", paths.clone()), ("groupFiles", Expr::Str("inPartition".into()))]),
                dict(&[]),
                "groupFiles",
            ),
            ("csv", dict(&[("paths", paths.clone())]), dict(&[("quoteChar", Expr::Str("'".into()))]), "quoteChar"),
            ("csv", dict(&[("paths", paths.clone())]), dict(&[("escaper", Expr::Str("\\".into()))]), "escaper"),
            ("json", dict(&[("paths", paths.clone())]), dict(&[("jsonPath", Expr::Str("$[*]".into()))]), "jsonPath"),
            ("json", dict(&[("paths", paths.clone())]), dict(&[("multiline", Expr::Bool(true))]), "multiline"),
            ("parquet", dict(&[("paths", paths.clone())]), dict(&[("mergeSchema", Expr::Bool(true))]), "mergeSchema"),
        ] {
            let err = check_source_options(format, &connection, &format_options).unwrap_err();
            assert!(err.contains(expected), "{err}");
        }
    }

    #[test]
    fn sink_compression_is_honoured_or_refused() {
        let none = BTreeMap::new();
        assert_eq!(sink_compression("parquet", &none, &none).as_deref(), Ok("snappy"));
        assert_eq!(sink_compression("csv", &none, &none).as_deref(), Ok("none"));
        let gzip = dict(&[("compression", Expr::Str("GZIP".into()))]);
        assert_eq!(sink_compression("parquet", &none, &gzip).as_deref(), Ok("gzip"));
        assert!(sink_compression("csv", &gzip, &none).unwrap_err().contains("uncompressed"));
        assert!(sink_compression("json", &none, &gzip).is_err());
        let lzo = dict(&[("compression", Expr::Str("lzo".into()))]);
        assert!(sink_compression("parquet", &none, &lzo).is_err());
        let block = dict(&[("blockSize", Expr::Num("1".into()))]);
        assert!(sink_compression("parquet", &none, &block).unwrap_err().contains("blockSize"));
        let kw = |k: &str, v: Expr| vec![(k.to_string(), v)];
        assert_eq!(check_spark_read("csv", &kw("inferSchema", Expr::Bool(true))), Ok(()));
        assert!(check_spark_read("csv", &kw("inferSchema", Expr::Bool(false))).unwrap_err().contains("infers"));
        assert!(check_spark_read("csv", &kw("quote", Expr::Str("'".into()))).unwrap_err().contains("quote"));
        assert!(check_spark_read("json", &kw("multiLine", Expr::Bool(true))).unwrap_err().contains("multiLine"));
        let predicate = [("push_down_predicate".to_string(), Expr::Str("x".into()))];
        assert!(check_kwargs("from_catalog", &predicate, &["database"]).unwrap_err().contains("Filter.apply"));
    }
}
