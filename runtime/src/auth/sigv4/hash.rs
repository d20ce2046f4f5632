//! SHA-256 and HMAC-SHA256, the two primitives of SigV4, from one of two crates.
//!
//! With the `sha2` feature (on by default in generated crates) they come from RustCrypto's
//! `sha2` and `hmac`, which use the CPU's SHA instructions where it has them: signing a typical
//! call takes about half as long. Without it they come from `hmac-sha256`, one portable crate
//! with no dependencies, which keeps the dependency-free build small. Both give the same bytes;
//! the SigV4 suite runs against each (CI tests the runtime with and without the feature).

#[cfg(feature = "sha2")]
mod imp {
    use hmac::{Hmac, Mac};
    use sha2::digest::{FixedOutput, KeyInit, Update};
    use sha2::Digest;

    /// An incremental SHA-256.
    pub(crate) struct Sha256(sha2::Sha256);

    impl Sha256 {
        pub(crate) fn new() -> Self {
            Sha256(sha2::Sha256::new())
        }

        pub(crate) fn update(&mut self, bytes: &[u8]) {
            Update::update(&mut self.0, bytes);
        }

        pub(crate) fn finalize(self) -> [u8; 32] {
            self.0.finalize_fixed().into()
        }

        pub(crate) fn hash(bytes: &[u8]) -> [u8; 32] {
            sha2::Sha256::digest(bytes).into()
        }
    }

    /// An incremental HMAC-SHA256; cloning it keeps the keyed state.
    #[derive(Clone)]
    pub(crate) struct HmacSha256(Hmac<sha2::Sha256>);

    impl HmacSha256 {
        /// HMAC pads a key of up to one block with zeros and first hashes a longer one; doing
        /// that here gives the same MAC through the infallible block-sized constructor.
        pub(crate) fn new(key: &[u8]) -> Self {
            let mut block = [0_u8; 64];
            match block.get_mut(..key.len()) {
                Some(start) => start.copy_from_slice(key),
                None => block[..32].copy_from_slice(&Sha256::hash(key)),
            }
            HmacSha256(<Hmac<sha2::Sha256> as KeyInit>::new(&block.into()))
        }

        pub(crate) fn update(&mut self, bytes: &[u8]) {
            Update::update(&mut self.0, bytes);
        }

        pub(crate) fn finalize(self) -> [u8; 32] {
            self.0.finalize().into_bytes().into()
        }

        pub(crate) fn mac(data: &[u8], key: &[u8]) -> [u8; 32] {
            let mut mac = Self::new(key);
            mac.update(data);
            mac.finalize()
        }
    }
}

#[cfg(not(feature = "sha2"))]
mod imp {
    /// An incremental SHA-256.
    pub(crate) struct Sha256(hmac_sha256::Hash);

    impl Sha256 {
        pub(crate) fn new() -> Self {
            Sha256(hmac_sha256::Hash::new())
        }

        pub(crate) fn update(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }

        pub(crate) fn finalize(self) -> [u8; 32] {
            self.0.finalize()
        }

        pub(crate) fn hash(bytes: &[u8]) -> [u8; 32] {
            hmac_sha256::Hash::hash(bytes)
        }
    }

    /// An incremental HMAC-SHA256; cloning it keeps the keyed state.
    #[derive(Clone)]
    pub(crate) struct HmacSha256(hmac_sha256::HMAC);

    impl HmacSha256 {
        pub(crate) fn new(key: &[u8]) -> Self {
            HmacSha256(hmac_sha256::HMAC::new(key))
        }

        pub(crate) fn update(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }

        pub(crate) fn finalize(self) -> [u8; 32] {
            self.0.finalize()
        }

        pub(crate) fn mac(data: &[u8], key: &[u8]) -> [u8; 32] {
            hmac_sha256::HMAC::mac(data, key)
        }
    }
}

pub(crate) use imp::{HmacSha256, Sha256};

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha256_of_known_inputs() {
        assert_eq!(
            hex(&Sha256::hash(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut incremental = Sha256::new();
        incremental.update(b"a");
        incremental.update(b"bc");
        assert_eq!(
            hex(&incremental.finalize()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hmac_of_rfc_4231_cases() {
        // Test case 2: a short key.
        assert_eq!(
            hex(&HmacSha256::mac(b"what do ya want for nothing?", b"Jefe")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than one block is hashed first.
        let key = [0xaa_u8; 131];
        let data = b"Test Using Larger Than Block-Size Key - Hash Key First";
        assert_eq!(
            hex(&HmacSha256::mac(data, &key)),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        // A clone of a keyed state gives the same MAC as a fresh one.
        let keyed = HmacSha256::new(b"Jefe");
        let mut copy = keyed.clone();
        copy.update(b"what do ya want for nothing?");
        assert_eq!(
            copy.finalize(),
            HmacSha256::mac(b"what do ya want for nothing?", b"Jefe")
        );
    }
}
