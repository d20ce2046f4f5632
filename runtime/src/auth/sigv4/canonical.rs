//! The canonical request of SigV4: method, URI path, query, headers, the list of signed
//! headers and the payload hash, each written in the one form both sides of a signature agree
//! on. Writers take a [`Sink`] so that signing can stream the text straight into SHA-256 while
//! tests and error messages capture the same bytes as text; nothing here allocates unless a
//! request has a query string or a path that needs normalising.

use aws_primitives::percent::{self, hex_digits, HEX_LOWER};

use super::hash::Sha256;

/// Where canonical bytes go: a hasher, a buffer, or both.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Hashes everything written and, when asked, keeps a copy of it.
pub(crate) struct Tee<'a> {
    pub(crate) hasher: Sha256,
    pub(crate) copy: Option<&'a mut Vec<u8>>,
}

impl Sink for Tee<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        if let Some(copy) = self.copy.as_deref_mut() {
            copy.extend_from_slice(bytes);
        }
    }
}

/// Lowercase hex of 32 bytes (a SHA-256 digest or an HMAC-SHA256 tag).
pub(crate) fn hex32(bytes: &[u8]) -> [u8; 64] {
    let mut out = [0_u8; 64];
    let digits = bytes.iter().flat_map(|&b| hex_digits(b, HEX_LOWER));
    for (slot, digit) in out.iter_mut().zip(digits) {
        *slot = digit;
    }
    out
}

/// Percent-encodes `input` as SigV4 does (uppercase hex, every byte but the unreserved ones),
/// also leaving the bytes `keep` accepts as they are. The encoding is the one the endpoint
/// rules' `uriEncode` uses too, so both call the same function.
fn encode_into<S: Sink + ?Sized>(out: &mut S, input: &[u8], keep: impl Fn(u8) -> bool) {
    percent::encode_with(input, keep, |piece| out.put(piece));
}

/// How a service wants the URI path canonicalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PathMode {
    /// Every service but S3: remove `.`/`..` segments and empty segments, then percent-encode
    /// the path as it was sent, so an escape such as `%20` on the wire becomes `%2520`.
    NormalizeAndDoubleEncode,
    /// S3: the path as sent, with only the bytes that were never legal in a URI escaped (object
    /// keys may hold `//` and `.` segments that are part of the name).
    AsIs,
}

impl PathMode {
    /// S3 and its variants sign the path as it is; every other service normalises it.
    pub(crate) fn for_service(service: &str) -> PathMode {
        if service == "s3" || service == "s3express" || service.starts_with("s3-") {
            PathMode::AsIs
        } else {
            PathMode::NormalizeAndDoubleEncode
        }
    }
}

/// Writes the canonical URI of `path` (the path as it appears on the wire, without query).
pub(crate) fn write_path<S: Sink + ?Sized>(out: &mut S, path: &str, mode: PathMode) {
    if path.is_empty() || path == "/" {
        out.put(b"/");
        return;
    }
    match mode {
        PathMode::AsIs => {
            if !path.starts_with('/') {
                out.put(b"/");
            }
            encode_into(out, path.as_bytes(), |b| b == b'/' || b == b'%');
        }
        PathMode::NormalizeAndDoubleEncode => {
            // Resolve dot segments and drop empty ones, as RFC 3986 section 5.2.4 does for
            // dot segments and as AWS does for repeated slashes.
            let mut segments: Vec<&str> = Vec::new();
            for segment in path.split('/') {
                match segment {
                    "" | "." => {}
                    ".." => {
                        segments.pop();
                    }
                    _ => segments.push(segment),
                }
            }
            for segment in &segments {
                out.put(b"/");
                encode_into(out, segment.as_bytes(), |_| false);
            }
            if segments.is_empty() || path.ends_with('/') {
                out.put(b"/");
            }
        }
    }
}

/// Appends `raw` percent-encoded the SigV4 way (for building a query string).
pub(crate) fn encode_component_into(out: &mut Vec<u8>, raw: &[u8]) {
    encode_into(out, raw, |_| false);
}

/// One query parameter, decoded from the wire and re-encoded the SigV4 way.
fn encode_component(raw: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    encode_into(&mut out, &percent::decode(raw), |_| false);
    out
}

/// Writes the canonical query string of `query` (the text after `?`): every parameter
/// decoded and re-encoded, sorted by name and then by value (a name may repeat), a parameter
/// without `=` signed with an empty value. `skip` drops parameters by decoded name (a presigned
/// URL leaves out its own `X-Amz-Signature`).
pub(crate) fn write_query<S: Sink + ?Sized>(out: &mut S, query: &str, skip: Option<&str>) {
    if query.is_empty() {
        return;
    }
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            if skip.is_some_and(|s| percent::decode(name) == s.as_bytes()) {
                return None;
            }
            Some((encode_component(name), encode_component(value)))
        })
        .collect();
    pairs.sort_unstable();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.put(b"&");
        }
        out.put(name);
        out.put(b"=");
        out.put(value);
    }
}

/// The value of `name` in a raw query string, decoded; the first one if it repeats.
#[cfg(feature = "verify")]
pub(crate) fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|p| {
        let (n, v) = p.split_once('=').unwrap_or((p, ""));
        (percent::decode(n) == name.as_bytes())
            .then(|| String::from_utf8_lossy(&percent::decode(v)).into_owned())
    })
}

/// Whitespace that canonical header values collapse: what HTTP calls optional whitespace,
/// plus the line breaks of an obsolete folded (multi-line) value.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

/// Writes a header value trimmed, with each run of whitespace inside it folded to one space.
pub(crate) fn write_header_value<S: Sink + ?Sized>(out: &mut S, value: &[u8]) {
    let mut first = true;
    for word in value.split(|&b| is_space(b)).filter(|w| !w.is_empty()) {
        if !first {
            out.put(b" ");
        }
        out.put(word);
        first = false;
    }
}

/// One header line as signing sees it. Names may be in any case; values in sending order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a [u8],
}

/// Orders names the way SigV4 sorts them: by their lowercase bytes.
fn cmp_lowercase(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Sorts entries by lowercase name, keeping the sending order of the values of one name.
pub(crate) fn sort_entries(entries: &mut [Entry<'_>]) {
    entries.sort_by(|a, b| cmp_lowercase(a.name, b.name));
}

fn put_lowercase<S: Sink + ?Sized>(out: &mut S, name: &str) {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        out.put(name.to_ascii_lowercase().as_bytes());
    } else {
        out.put(name.as_bytes());
    }
}

/// Writes the canonical header block of sorted `entries`: one `name:value` line per name, the
/// values of a repeated name joined with `,` in sending order.
pub(crate) fn write_headers<S: Sink + ?Sized>(out: &mut S, entries: &[Entry<'_>]) {
    let mut previous: Option<&str> = None;
    for entry in entries {
        if previous.is_some_and(|p| p.eq_ignore_ascii_case(entry.name)) {
            out.put(b",");
        } else {
            if previous.is_some() {
                out.put(b"\n");
            }
            put_lowercase(out, entry.name);
            out.put(b":");
        }
        write_header_value(out, entry.value);
        previous = Some(entry.name);
    }
    if previous.is_some() {
        out.put(b"\n");
    }
}

/// Appends the signed-headers list of sorted `entries`: distinct lowercase names joined by `;`.
pub(crate) fn push_signed_headers(out: &mut String, entries: &[Entry<'_>]) {
    let mut previous: Option<&str> = None;
    for entry in entries {
        if previous.is_some_and(|p| p.eq_ignore_ascii_case(entry.name)) {
            continue;
        }
        if previous.is_some() {
            out.push(';');
        }
        // Names from `http` are lowercase already: copied whole, not a character at a time.
        if entry.name.bytes().any(|b| b.is_ascii_uppercase()) {
            out.extend(entry.name.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push_str(entry.name);
        }
        previous = Some(entry.name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    fn path(p: &str, mode: PathMode) -> String {
        text(|o| write_path(o, p, mode))
    }

    #[test]
    fn normalises_paths_for_non_s3_services() {
        let m = PathMode::NormalizeAndDoubleEncode;
        assert_eq!(path("", m), "/");
        assert_eq!(path("/", m), "/");
        assert_eq!(path("//", m), "/");
        assert_eq!(path("/./", m), "/");
        assert_eq!(path("/example/..", m), "/");
        assert_eq!(path("/example1/example2/../..", m), "/");
        assert_eq!(path("/../../x", m), "/x");
        assert_eq!(path("/./example", m), "/example");
        assert_eq!(path("//example//", m), "/example/");
        assert_eq!(path("/a/./b/../c/", m), "/a/c/");
        assert_eq!(path("relative/path", m), "/relative/path");
    }

    #[test]
    fn double_encodes_the_wire_path_for_non_s3_services() {
        let m = PathMode::NormalizeAndDoubleEncode;
        assert_eq!(path("/example space/", m), "/example%20space/");
        assert_eq!(path("/example%20space/", m), "/example%2520space/");
        assert_eq!(path("/ሴ", m), "/%E1%88%B4");
        assert_eq!(path("/%E1%88%B4", m), "/%25E1%2588%25B4");
        assert_eq!(path("/example/$delete", m), "/example/%24delete");
        assert_eq!(path("/-._~AZaz09", m), "/-._~AZaz09");
        assert_eq!(path("/a:b+c=d", m), "/a%3Ab%2Bc%3Dd");
    }

    #[test]
    fn keeps_s3_paths_as_sent() {
        let m = PathMode::AsIs;
        assert_eq!(
            path("/my-object//example//photo.user", m),
            "/my-object//example//photo.user"
        );
        assert_eq!(path("/a/./b/../c", m), "/a/./b/../c");
        assert_eq!(path("/a%20b", m), "/a%20b");
        assert_eq!(path("/a b", m), "/a%20b");
        assert_eq!(PathMode::for_service("s3"), m);
        assert_eq!(PathMode::for_service("s3-object-lambda"), m);
        assert_eq!(
            PathMode::for_service("cognito-identity"),
            PathMode::NormalizeAndDoubleEncode
        );
    }

    fn query(q: &str) -> String {
        text(|o| write_query(o, q, None))
    }

    #[test]
    fn sorts_and_reencodes_queries() {
        assert_eq!(query(""), "");
        assert_eq!(
            query("Param2=value2&Param1=value1"),
            "Param1=value1&Param2=value2"
        );
        assert_eq!(
            query("Param1=value2&Param1=Value1"),
            "Param1=Value1&Param1=value2"
        );
        assert_eq!(
            query("Param1=value2&Param1=value1"),
            "Param1=value1&Param1=value2"
        );
        assert_eq!(
            query("Param-3=Value3&Param=Value2&%E1%88%B4=Value1"),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"
        );
        assert_eq!(query("ሴ=bar"), "%E1%88%B4=bar");
        assert_eq!(query("key"), "key=");
        assert_eq!(query("a=1&&b=2"), "a=1&b=2");
        assert_eq!(query("a=x%2fy&b=c+d&c=%zz"), "a=x%2Fy&b=c%2Bd&c=%25zz");
        assert_eq!(query("a=%4"), "a=%254");
        assert_eq!(
            text(|o| write_query(o, "X-Amz-Signature=abc&b=1", Some("X-Amz-Signature"))),
            "b=1"
        );
    }

    #[test]
    #[cfg(feature = "verify")]
    fn query_params_are_found_and_decoded() {
        assert_eq!(
            query_param("a=1&X-Amz-Date=2%3A", "X-Amz-Date").as_deref(),
            Some("2:")
        );
        assert_eq!(query_param("a=1", "b"), None);
    }

    #[test]
    fn trims_and_folds_header_values() {
        let value = |v: &[u8]| text(|o| write_header_value(o, v));
        assert_eq!(value(b" value1 "), "value1");
        assert_eq!(value(b"\"a   b   c\""), "\"a b c\"");
        assert_eq!(
            value(b"value1\n  value2\n     value3"),
            "value1 value2 value3"
        );
        assert_eq!(value(b"a\tb"), "a b");
        assert_eq!(value(b""), "");
        assert_eq!(value(b"   "), "");
    }

    #[test]
    fn joins_repeated_headers_in_sending_order() {
        let mut entries = vec![
            Entry {
                name: "X-Amz-Date",
                value: b"20150830T123600Z",
            },
            Entry {
                name: "My-Header1",
                value: b"value4",
            },
            Entry {
                name: "host",
                value: b"example.amazonaws.com",
            },
            Entry {
                name: "my-header1",
                value: b" value1",
            },
            Entry {
                name: "My-Header1",
                value: b"value3 ",
            },
        ];
        sort_entries(&mut entries);
        assert_eq!(
            text(|o| write_headers(o, &entries)),
            "host:example.amazonaws.com\nmy-header1:value4,value1,value3\nx-amz-date:20150830T123600Z\n"
        );
        let mut signed = String::new();
        push_signed_headers(&mut signed, &entries);
        assert_eq!(signed, "host;my-header1;x-amz-date");
    }

    #[test]
    fn hex_is_lowercase() {
        let bytes: Vec<u8> = (0..32).map(|i| i * 8).collect();
        let hex = hex32(&bytes);
        assert_eq!(&hex[..8], b"00081018");
        assert_eq!(&hex[56..], b"e0e8f0f8");
        // Fewer than 32 bytes fill only the front; the rest stays zero.
        let short = hex32(&[0xab]);
        assert_eq!(&short[..2], b"ab");
        assert!(short[2..].iter().all(|&b| b == 0));
    }

    #[test]
    fn escapes_at_either_end_and_in_a_row() {
        let encode = |raw: &str| text(|out| encode_component_into(out, raw.as_bytes()));
        assert_eq!(encode(" a b "), "%20a%20b%20");
        assert_eq!(encode("//"), "%2F%2F");
        assert_eq!(encode("plain-text_1.~"), "plain-text_1.~");
        assert_eq!(encode("é"), "%C3%A9");
        assert_eq!(encode(""), "");
    }
}
