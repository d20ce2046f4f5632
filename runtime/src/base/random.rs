//! Random numbers without a dependency, and the ids made of them: the version-4 UUIDs of
//! idempotency tokens, of the client's invocation ids and of the request ids a server
//! answers with. The numbers come from the standard library's per-process hash keys, which
//! is enough for jitter and for ids that only need to be unique; nothing here is fit for
//! keys or secrets.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh idempotency token (a random version-4 UUID), for input members the model marks
/// `idempotencyToken` that the caller left unset. This is the default provider of
/// [`Config::idempotency_token`](crate::Config::idempotency_token); see
/// [`ConfigBuilder::idempotency_token_provider`](crate::ConfigBuilder::idempotency_token_provider).
pub fn idempotency_token() -> String {
    uuid_v4().iter().map(|&b| char::from(b)).collect()
}

/// A random version-4 UUID in its 36-character text form, written without `format!` since
/// every call makes one (its invocation id).
pub(crate) fn uuid_v4() -> [u8; 36] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let (a, b) = random_u64_pair();
    // Set the version (4) and variant (10xx) bits of an RFC 4122 UUID.
    let hi = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    let mut text = [b'-'; 36];
    // The 32 digits, most significant first, fill every place but the dashes at 8, 13, 18
    // and 23.
    let slots = text
        .iter_mut()
        .enumerate()
        .filter(|(at, _)| !matches!(at, 8 | 13 | 18 | 23))
        .map(|(_, slot)| slot);
    let nibbles = hi
        .to_be_bytes()
        .into_iter()
        .chain(lo.to_be_bytes())
        .flat_map(|byte| [byte >> 4, byte & 0xf]);
    for (slot, nibble) in slots.zip(nibbles) {
        if let Some(digit) = HEX.get(usize::from(nibble)) {
            *slot = *digit;
        }
    }
    text
}

/// A random number from the standard library's per-process hash keys, which is all the
/// jitter needs.
pub(crate) fn random_u64() -> u64 {
    keyed_hasher().finish()
}

/// Two random numbers from one set of hash keys, for a 128-bit id.
pub(crate) fn random_u64_pair() -> (u64, u64) {
    let mut h = keyed_hasher();
    let first = h.finish();
    h.write_u8(0);
    (first, h.finish())
}

/// A hasher with fresh keys that has hashed a fresh count.
fn keyed_hasher() -> std::hash::DefaultHasher {
    // Each `RandomState` gets new keys, and the counter separates calls that share them.
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_tokens_are_fresh_v4_uuids() {
        let (a, b) = (idempotency_token(), idempotency_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
    }
}
