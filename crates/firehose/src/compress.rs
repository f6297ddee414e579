//! The destination's CompressionFormat: UNCOMPRESSED, GZIP, ZIP, Snappy (framing format) and
//! HADOOP_SNAPPY, with the file extensions Firehose adds.

use std::io::Write;

use crate::{Error, Result};

/// A compression format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// None.
    Uncompressed,
    /// GZIP (`.gz`).
    Gzip,
    /// A ZIP archive with one entry (`.zip`).
    Zip,
    /// Snappy framing format (`.snappy`).
    Snappy,
    /// Hadoop's Snappy block format (`.snappy`).
    HadoopSnappy,
}

impl Compression {
    /// Parses the API's `CompressionFormat`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "UNCOMPRESSED" => Ok(Self::Uncompressed),
            "GZIP" => Ok(Self::Gzip),
            "ZIP" => Ok(Self::Zip),
            "Snappy" => Ok(Self::Snappy),
            "HADOOP_SNAPPY" => Ok(Self::HadoopSnappy),
            _ => Err(Error::invalid(format!(
                "1 validation error detected: Value '{s}' at 'compressionFormat' failed to satisfy constraint: Member must satisfy enum value set: [HADOOP_SNAPPY, ZIP, Snappy, UNCOMPRESSED, GZIP]"
            ))),
        }
    }

    /// The extension Firehose adds to object names.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Uncompressed => "",
            Self::Gzip => ".gz",
            Self::Zip => ".zip",
            Self::Snappy | Self::HadoopSnappy => ".snappy",
        }
    }

    /// The object's Content-Type.
    pub fn content_type(self) -> Option<&'static str> {
        match self {
            Self::Uncompressed => None,
            Self::Gzip => Some("application/gzip"),
            Self::Zip => Some("application/zip"),
            Self::Snappy | Self::HadoopSnappy => Some("application/octet-stream"),
        }
    }

    /// Compresses `data`; `entry` names the ZIP archive's one entry.
    pub fn compress(self, data: &[u8], entry: &str) -> Result<Vec<u8>> {
        let fail = |e: std::io::Error| Error::Service(format!("Compression failed: {e}"));
        match self {
            Self::Uncompressed => Ok(data.to_vec()),
            Self::Gzip => {
                let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                enc.write_all(data).map_err(fail)?;
                enc.finish().map_err(fail)
            }
            Self::Snappy => {
                let mut enc = snap::write::FrameEncoder::new(Vec::new());
                enc.write_all(data).map_err(fail)?;
                enc.into_inner().map_err(|e| Error::Service(format!("Compression failed: {e}")))
            }
            Self::HadoopSnappy => {
                // Blocks of at most 256 KiB: [u32 BE raw length][u32 BE compressed length][snappy].
                let mut out = Vec::new();
                let mut enc = snap::raw::Encoder::new();
                for chunk in data.chunks(256 * 1024) {
                    let compressed =
                        enc.compress_vec(chunk).map_err(|e| Error::Service(format!("Compression failed: {e}")))?;
                    out.extend_from_slice(&(chunk.len() as u32).to_be_bytes());
                    out.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
                    out.extend_from_slice(&compressed);
                }
                Ok(out)
            }
            Self::Zip => {
                let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
                let options =
                    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
                let zerr = |e: zip::result::ZipError| Error::Service(format!("Compression failed: {e}"));
                zip.start_file(entry, options).map_err(zerr)?;
                zip.write_all(data).map_err(fail)?;
                Ok(zip.finish().map_err(zerr)?.into_inner())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    const DATA: &[u8] = b"{\"id\":1}{\"id\":2}{\"id\":3}";

    #[test]
    fn gzip_round_trip() {
        let gz = Compression::Gzip.compress(DATA, "x").unwrap();
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, DATA);
    }

    #[test]
    fn snappy_framing_round_trip() {
        let sz = Compression::Snappy.compress(DATA, "x").unwrap();
        assert_eq!(&sz[..10], b"\xff\x06\x00\x00sNaPpY", "stream identifier chunk of the framing format");
        let mut out = Vec::new();
        snap::read::FrameDecoder::new(&sz[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, DATA);
    }

    #[test]
    fn hadoop_snappy_round_trip() {
        let data = vec![7u8; 600 * 1024];
        let sz = Compression::HadoopSnappy.compress(&data, "x").unwrap();
        let (mut i, mut out) = (0, Vec::new());
        while i < sz.len() {
            let clen = u32::from_be_bytes(sz[i + 4..i + 8].try_into().unwrap()) as usize;
            out.extend(snap::raw::Decoder::new().decompress_vec(&sz[i + 8..i + 8 + clen]).unwrap());
            i += 8 + clen;
        }
        assert_eq!(out, data);
    }

    #[test]
    fn zip_round_trip() {
        let z = Compression::Zip.compress(DATA, "obj").unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(z)).unwrap();
        let mut out = Vec::new();
        archive.by_name("obj").unwrap().read_to_end(&mut out).unwrap();
        assert_eq!(out, DATA);
        assert!(Compression::parse("LZ4").is_err());
    }
}
