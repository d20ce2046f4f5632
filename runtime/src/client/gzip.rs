//! Gzip for request bodies a model lets the client compress (`requestCompression`).

/// Gzip-compresses a request body. Compression is an option a model offers the client, never a
/// requirement, so without the `gzip` feature bodies go uncompressed; the code generator turns
/// the feature on for a model with a compressible operation.
#[cfg(feature = "gzip")]
pub(super) fn gzip(json: &[u8]) -> std::io::Result<Vec<u8>> {
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;
    let mut encoder = GzEncoder::new(Vec::with_capacity(json.len() / 2), Compression::default());
    encoder.write_all(json)?;
    encoder.finish()
}

#[cfg(not(feature = "gzip"))]
pub(super) fn gzip(_json: &[u8]) -> std::io::Result<Vec<u8>> {
    Err(std::io::Error::other("built without the `gzip` feature"))
}
