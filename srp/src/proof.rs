//! The hashes both halves compute the same way: the pool name, the password hash x, the
//! scrambler u, the session key K and the PASSWORD_CLAIM_SIGNATURE. Each is one function, so
//! the client and the server cannot drift apart.

use std::fmt;

use crypto_bigint::{Encoding, U256};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::Error;
use crate::group::{self, Residue};
use crate::secret::{Salt, SecretBlock};
use crate::timestamp::Timestamp;

/// The HKDF `info` Cognito derives the session key with.
const KEY_INFO: &[u8] = b"Caldera Derived Key";

/// The pool name SRP hashes: the part of a user pool id after `_` (`AbCdEfGhI` in
/// `us-east-1_AbCdEfGhI`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PoolName(String);

impl PoolName {
    /// The pool name of a user pool id such as `us-east-1_AbCdEfGhI`: what follows the `_`.
    /// Cognito's ids have exactly one `_` and a name after it; anything else is refused (the
    /// peers take the text between the first and a second `_`, so they would disagree).
    pub fn from_user_pool_id(user_pool_id: &str) -> Result<PoolName, Error> {
        match user_pool_id.split_once('_') {
            Some((_, name)) if !name.is_empty() && !name.contains('_') => {
                Ok(PoolName(name.to_owned()))
            }
            _ => Err(Error::MalformedUserPoolId(
                user_pool_id.chars().take(128).collect(),
            )),
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PoolName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PoolName({:?})", self.0)
    }
}

/// x = H(PAD(salt) | H(poolName | userId | ":" | password)).
pub(crate) fn password_hash(pool: &PoolName, user_id: &str, password: &str, salt: &Salt) -> U256 {
    let inner = group::sha256(&[
        pool.0.as_bytes(),
        user_id.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    group::u256_from_digest(group::sha256(&[&salt.padded(), &inner]))
}

/// u = H(PAD(A) | PAD(B)).
pub(crate) fn scrambler(a: Residue, b: Residue) -> U256 {
    group::u256_from_digest(group::sha256(&[&a.padded(), &b.padded()]))
}

/// The 16-byte session key K = HKDF-SHA256(salt = PAD(u), ikm = PAD(S), info = "Caldera
/// Derived Key").
#[derive(Clone)]
pub(crate) struct SessionKey(pub(crate) [u8; 16]);

impl SessionKey {
    pub(crate) fn derive(premaster: Residue, u: &U256) -> SessionKey {
        let salt = group::pad(&u.to_be_bytes());
        let hkdf = Hkdf::<Sha256>::new(Some(&salt), &premaster.padded());
        let mut key = [0u8; 16];
        // HKDF-SHA256 gives up to 8160 bytes; 16 never fails.
        #[allow(clippy::expect_used)]
        hkdf.expand(KEY_INFO, &mut key)
            .expect("16 bytes is within HKDF-SHA256's output limit");
        SessionKey(key)
    }

    /// HMAC-SHA256(K, poolName | userId | secretBlock | timestamp), the claim's MAC.
    fn mac(
        &self,
        pool: &PoolName,
        user_id: &str,
        secret_block: &SecretBlock,
        timestamp: &Timestamp,
    ) -> Hmac<Sha256> {
        // HMAC takes any key length, so this cannot fail.
        #[allow(clippy::expect_used)]
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .expect("HMAC accepts keys of any length");
        mac.update(pool.0.as_bytes());
        mac.update(user_id.as_bytes());
        mac.update(secret_block.as_bytes());
        mac.update(timestamp.as_str().as_bytes());
        mac
    }

    /// The PASSWORD_CLAIM_SIGNATURE's bytes.
    pub(crate) fn sign(
        &self,
        pool: &PoolName,
        user_id: &str,
        secret_block: &SecretBlock,
        timestamp: &Timestamp,
    ) -> [u8; 32] {
        self.mac(pool, user_id, secret_block, timestamp)
            .finalize()
            .into_bytes()
            .into()
    }

    /// Checks a signature in constant time.
    pub(crate) fn verify(
        &self,
        pool: &PoolName,
        user_id: &str,
        secret_block: &SecretBlock,
        timestamp: &Timestamp,
        signature: &[u8],
    ) -> Result<(), Error> {
        self.mac(pool, user_id, secret_block, timestamp)
            .verify_slice(signature)
            .map_err(|_| Error::SignatureMismatch)
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_name_is_what_follows_the_underscore() {
        let pool = PoolName::from_user_pool_id("us-east-1_AbCdEfGhI").unwrap();
        assert_eq!(pool.as_str(), "AbCdEfGhI");
        for bad in ["us-east-1", "us-east-1_", "us-east-1_AbC_d", ""] {
            assert!(matches!(
                PoolName::from_user_pool_id(bad),
                Err(Error::MalformedUserPoolId(_))
            ));
        }
    }
}
