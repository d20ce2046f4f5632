//! Percent-encoding as RFC 3986 and SigV4 spell it: every byte but the unreserved characters
//! (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with upper-case hex digits, and hex digits for
//! digests. SigV4's canonical request and the endpoint rules' `uriEncode` both encode this
//! way, so they share this one function. Writers take a callback, so that a caller can stream
//! the bytes straight into a hasher; nothing here allocates but [`decode`], which SigV4's
//! verifier and the emulator's query strings share.

/// Lower-case hex digits, as digests are written.
pub const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
/// Upper-case hex digits, as percent-escapes are written.
pub const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The two hex digits of `b`, taken from `table` ([`HEX_LOWER`] or [`HEX_UPPER`]).
// Safe: `b >> 4` and `b & 0x0f` are nibbles, below 16, the length of the table.
#[allow(clippy::indexing_slicing)]
pub fn hex_digits(b: u8, table: &[u8; 16]) -> [u8; 2] {
    [table[usize::from(b >> 4)], table[usize::from(b & 0x0f)]]
}

/// The characters RFC 3986 leaves unreserved, the only ones never escaped.
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes `input` (upper-case hex, every byte but the unreserved ones), also leaving
/// the bytes `keep` accepts as they are, and hands the result to `put` in pieces: unescaped
/// runs go out in one piece, each escape as three bytes.
pub fn encode_with(input: &[u8], keep: impl Fn(u8) -> bool, mut put: impl FnMut(&[u8])) {
    let escaped = |b: &u8| !is_unreserved(*b) && !keep(*b);
    // The runs between escaped bytes, each followed by the byte that ended it (none after the
    // last run).
    let mut ends = input.iter().filter(|b| escaped(b));
    for run in input.split(escaped) {
        if !run.is_empty() {
            put(run);
        }
        if let Some(&b) = ends.next() {
            let [hi, lo] = hex_digits(b, HEX_UPPER);
            put(&[b'%', hi, lo]);
        }
    }
}

/// `input` percent-encoded with nothing kept but the unreserved characters.
pub fn encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    encode_with(
        input.as_bytes(),
        |_| false,
        |piece| {
            // Percent-encoding leaves only ASCII, which is always UTF-8.
            out.push_str(&String::from_utf8_lossy(piece));
        },
    );
    out
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is, and so does `+`
/// (this is RFC 3986's decoding, not HTML forms').
pub fn decode(input: &str) -> Vec<u8> {
    let mut rest = input.as_bytes();
    let mut out = Vec::with_capacity(rest.len());
    let digit = |d: &u8| char::from(*d).to_digit(16);
    while let [first, tail @ ..] = rest {
        if let [b'%', hi, lo, after @ ..] = rest {
            if let (Some(hi), Some(lo)) = (digit(hi), digit(lo)) {
                // Two hex digits make one byte.
                out.push(((hi << 4) | lo) as u8);
                rest = after;
                continue;
            }
        }
        out.push(*first);
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_keeps_incomplete_escapes() {
        assert_eq!(decode("a%20b%2f%2F"), b"a b//");
        assert_eq!(decode("%"), b"%");
        assert_eq!(decode("%4"), b"%4");
        assert_eq!(decode("100%"), b"100%");
        assert_eq!(decode("%zz%41"), b"%zzA");
        assert_eq!(decode("%%41"), b"%A");
        assert_eq!(decode("%e2%82%ac"), "\u{20ac}".as_bytes());
        assert_eq!(decode("é%"), "é%".as_bytes());
        assert_eq!(decode(""), b"");
        assert_eq!(decode("+1%2B"), b"+1+");
    }

    #[test]
    fn only_unreserved_characters_stay() {
        assert_eq!(encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
        assert_eq!(encode("é"), "%C3%A9");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn kept_bytes_are_not_escaped() {
        let mut out = Vec::new();
        encode_with(
            b"/a b/",
            |b| b == b'/',
            |piece| out.extend_from_slice(piece),
        );
        assert_eq!(out, b"/a%20b/");
    }

    #[test]
    fn hex_digits_use_the_table() {
        assert_eq!(hex_digits(0xab, HEX_LOWER), *b"ab");
        assert_eq!(hex_digits(0xab, HEX_UPPER), *b"AB");
    }
}
