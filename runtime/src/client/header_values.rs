//! Header values every call sends, made without allocating: `Content-Length` for bodies under
//! [`STATIC_LENGTHS`] bytes and `amz-sdk-request` for attempt counts up to nine, both from
//! tables the compiler builds. A value from a table is a static buffer, so copying and
//! dropping it touches no reference count either. Anything outside the tables is formatted as
//! before.

use bytes::Bytes;
use http::HeaderValue;

/// Bodies shorter than this many bytes get their `Content-Length` from the table: most
/// awsJson requests are well under it.
pub(super) const STATIC_LENGTHS: usize = 4096;

/// The decimal digits of each length below [`STATIC_LENGTHS`], right-aligned in four bytes.
static LENGTHS: [[u8; 4]; STATIC_LENGTHS] = lengths();

// Run by the compiler only: an index or sum out of range fails the build, never a call.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn lengths() -> [[u8; 4]; STATIC_LENGTHS] {
    let mut table = [[b' '; 4]; STATIC_LENGTHS];
    let mut n = 0;
    while n < STATIC_LENGTHS {
        let mut rest = n;
        let mut at = 4;
        loop {
            at -= 1;
            table[n][at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        n += 1;
    }
    table
}

/// The `Content-Length` value of a body of `len` bytes.
pub(super) fn content_length(len: usize) -> HeaderValue {
    let digits = LENGTHS.get(len).and_then(|slot| {
        let first = slot.iter().position(|&b| b != b' ')?;
        slot.get(first..)
    });
    match digits {
        Some(digits) => from_static(digits).unwrap_or_else(|| HeaderValue::from(len)),
        None => HeaderValue::from(len),
    }
}

/// The largest attempt number and attempt limit the `amz-sdk-request` table holds.
const MAX_TABLED_ATTEMPTS: u32 = 9;

/// `attempt=N; max=M` for N and M from 1 to 9, row N-1 and column M-1.
static ATTEMPTS: [[[u8; 16]; 9]; 9] = attempts();

// Run by the compiler only: an index or sum out of range fails the build, never a call.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn attempts() -> [[[u8; 16]; 9]; 9] {
    let mut table = [[*b"attempt=0; max=0"; 9]; 9];
    let mut attempt = 0;
    while attempt < 9 {
        let mut max = 0;
        while max < 9 {
            table[attempt][max][8] = b'1' + attempt as u8;
            table[attempt][max][15] = b'1' + max as u8;
            max += 1;
        }
        attempt += 1;
    }
    table
}

/// The `amz-sdk-request` value of attempt `attempt` of at most `max_attempts`:
/// `attempt=N; max=M`.
pub(super) fn attempt(attempt: u32, max_attempts: u32) -> HeaderValue {
    let tabled = (1..=MAX_TABLED_ATTEMPTS).contains(&attempt)
        && (1..=MAX_TABLED_ATTEMPTS).contains(&max_attempts);
    let row = usize::try_from(attempt.saturating_sub(1)).ok();
    let column = usize::try_from(max_attempts.saturating_sub(1)).ok();
    let text = match (row, column) {
        (Some(row), Some(column)) if tabled => ATTEMPTS.get(row).and_then(|r| r.get(column)),
        _ => None,
    };
    text.and_then(|text| from_static(text))
        .or_else(|| HeaderValue::try_from(format!("attempt={attempt}; max={max_attempts}")).ok())
        .unwrap_or_else(|| HeaderValue::from_static("attempt=1; max=1"))
}

/// A header value over static bytes, if they are a valid one.
fn from_static(bytes: &'static [u8]) -> Option<HeaderValue> {
    HeaderValue::from_maybe_shared(Bytes::from_static(bytes)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_lengths_read_as_the_numbers_they_are() {
        for len in [
            0,
            1,
            9,
            10,
            99,
            100,
            999,
            1000,
            4095,
            4096,
            10_240,
            usize::MAX,
        ] {
            assert_eq!(content_length(len), len.to_string().as_str(), "{len}");
        }
        for len in 0..STATIC_LENGTHS {
            assert_eq!(content_length(len), HeaderValue::from(len), "{len}");
        }
    }

    #[test]
    fn attempt_values_name_the_attempt_and_the_limit() {
        for attempt_no in 0..12 {
            for max in 0..12 {
                assert_eq!(
                    attempt(attempt_no, max),
                    format!("attempt={attempt_no}; max={max}").as_str()
                );
            }
        }
        assert_eq!(attempt(1, 100), "attempt=1; max=100");
    }
}
