//! Random numbers without a dependency, and the ids made of them: the version-4 UUIDs of
//! idempotency tokens, of the client's invocation ids and of the request ids a server
//! answers with. The numbers come from a per-thread SplitMix64 sequence seeded from the
//! standard library's hash keys, which is enough for jitter and for ids that only need to be
//! unique; nothing here is fit for keys or secrets.

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
    // Where each byte's two digits go: every place but the dashes at 8, 13, 18 and 23.
    const AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    let (a, b) = random_u64_pair();
    // Set the version (4) and variant (10xx) bits of an RFC 4122 UUID.
    let hi = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    let bytes = ((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes();
    let mut text = [b'-'; 36];
    for (at, byte) in AT.into_iter().zip(bytes) {
        let digits = text.get_mut(at..).and_then(|rest| rest.get_mut(..2));
        if let (Some([high, low]), Some(&h), Some(&l)) = (
            digits,
            HEX.get(usize::from(byte >> 4)),
            HEX.get(usize::from(byte & 0xf)),
        ) {
            *high = h;
            *low = l;
        }
    }
    text
}

/// A random number, for jitter.
pub(crate) fn random_u64() -> u64 {
    next_u64()
}

/// Two random numbers, for a 128-bit id.
pub(crate) fn random_u64_pair() -> (u64, u64) {
    (next_u64(), next_u64())
}

/// The next number of this thread's SplitMix64 sequence, seeded once per thread from the
/// standard library's hash keys. Every call of every client draws from it (the invocation
/// id), so it touches no shared counter and reads no keys after the first draw; within a
/// thread it cannot repeat before 2^64 draws, and threads start at random places.
fn next_u64() -> u64 {
    thread_local! {
        static STATE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }
    STATE.with(|state| {
        let mut x = state.get();
        if x == 0 {
            x = keyed_hasher().finish() | 1;
        }
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        state.set(x);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
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
        let dashes: Vec<usize> = a.match_indices('-').map(|(at, _)| at).collect();
        assert_eq!(dashes, [8, 13, 18, 23], "{a}");
        assert!(a.bytes().all(|c| c == b'-' || c.is_ascii_hexdigit()), "{a}");
        let many: std::collections::BTreeSet<String> =
            (0..1000).map(|_| idempotency_token()).collect();
        assert_eq!(many.len(), 1000);
    }
}
