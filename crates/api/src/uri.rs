//! `s3://bucket/key` URIs as users type them.

use std::{fmt, str::FromStr};

/// A parsed `s3://bucket[/key]` URI. `key` is empty for a bare bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Uri {
    /// Bucket name (not validated here; the store does that).
    pub bucket: String,
    /// Object key or key prefix, without the leading `/`; may be empty.
    pub key: String,
}

/// Why a string is not an `s3://` URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3UriError(pub String);

impl fmt::Display for S3UriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for S3UriError {}

impl FromStr for S3Uri {
    type Err = S3UriError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s
            .strip_prefix("s3://")
            .ok_or_else(|| S3UriError(format!("'{s}' is not an S3 URI: it must start with s3://")))?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(S3UriError(format!("'{s}' has no bucket name")));
        }
        Ok(S3Uri { bucket: bucket.to_string(), key: key.to_string() })
    }
}

impl fmt::Display for S3Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bucket_and_key() {
        let u: S3Uri = "s3://b/a/b.csv".parse().unwrap();
        assert_eq!((u.bucket.as_str(), u.key.as_str()), ("b", "a/b.csv"));
        let u: S3Uri = "s3://b".parse().unwrap();
        assert_eq!((u.bucket.as_str(), u.key.as_str()), ("b", ""));
        let u: S3Uri = "s3://b/".parse().unwrap();
        assert_eq!(u.key, "");
    }

    #[test]
    fn rejects_non_s3() {
        assert!("http://b/k".parse::<S3Uri>().is_err());
        assert!("s3://".parse::<S3Uri>().is_err());
        assert!("s3:///k".parse::<S3Uri>().is_err());
    }
}
