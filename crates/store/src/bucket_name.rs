//! S3's general-purpose bucket naming rules.

use crate::{Error, Result};

/// Checks a bucket name against S3's rules for general purpose buckets.
///
/// 3–63 characters of lowercase letters, digits, dots and hyphens; starts and ends with a
/// letter or digit; no two adjacent dots; not an IPv4 address; none of the reserved prefixes
/// (`xn--`, `sthree-`, `amzn-s3-demo-`) or suffixes (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`).
pub fn validate_bucket_name(name: &str) -> Result<()> {
    let fail = |reason| Err(Error::InvalidBucketName { bucket: name.to_string(), reason });
    if name.len() < 3 || name.len() > 63 {
        return fail("must be between 3 and 63 characters long");
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-') {
        return fail("may contain only lowercase letters, digits, dots (.) and hyphens (-)");
    }
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !alnum(name.as_bytes()[0]) || !alnum(name.as_bytes()[name.len() - 1]) {
        return fail("must begin and end with a letter or number");
    }
    if name.contains("..") {
        return fail("must not contain two adjacent periods");
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return fail("must not be formatted as an IP address");
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return fail("must not start with a reserved prefix (xn--, sthree-, amzn-s3-demo-)");
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return fail("must not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, ok: bool) {
        assert_eq!(validate_bucket_name(name).is_ok(), ok, "{name}");
    }

    #[test]
    fn valid_names() {
        for n in ["data-lake-raw-123", "abc", "a.b.c", "my.bucket-1", "0ab", &"a".repeat(63)] {
            check(n, true);
        }
    }

    #[test]
    fn invalid_names() {
        for n in [
            "ab",
            &"a".repeat(64),
            "Data-Lake",
            "data_lake",
            "-abc",
            "abc-",
            ".abc",
            "abc.",
            "a..b",
            "192.168.5.4",
            "xn--abc",
            "sthree-abc",
            "amzn-s3-demo-x",
            "abc-s3alias",
            "abc--ol-s3",
            "abc.mrap",
            "abc--x-s3",
            "abc--table-s3",
            "",
            "ab c",
            "bücket",
        ] {
            check(n, false);
        }
    }

    #[test]
    fn error_names_the_code() {
        let e = validate_bucket_name("Bad_Name").unwrap_err();
        assert_eq!(e.code(), "InvalidBucketName");
        assert!(e.to_string().contains("Bad_Name"));
    }
}
