//! The values a handshake draws at random or carries opaquely: the secret exponents a and b,
//! the user's salt and the server's SECRET_BLOCK. Random ones come from the operating
//! system's generator (getrandom). Secrets never show in `Debug`.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use crypto_bigint::subtle::ConstantTimeEq;
use crypto_bigint::U3072;

use crate::error::{Error, Parameter};
use crate::group::{self, Exponent, BYTES};

/// Bytes of a random secret exponent: 256 bits, as RFC 5054 asks at the least, and the
/// strength of the 3072-bit group (NIST SP 800-57 pairs it with 256-bit exponents for 128-bit
/// security). Cognito's JavaScript and Python clients draw 1024 bits; the server cannot tell
/// the difference, and a shorter exponent makes each power four times cheaper.
const EXPONENT_BYTES: usize = 32;
const EXPONENT_BITS: usize = 256;

/// Bytes of a random salt, as Cognito's clients draw for device verifiers.
const SALT_BYTES: usize = 16;

/// Bytes of a random SECRET_BLOCK.
const SECRET_BLOCK_BYTES: usize = 64;

/// Fills `buf` from the operating system's random number generator.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buf).map_err(|e| Error::Random(e.to_string()))
}

/// A secret exponent: the client's `a` or the server's `b`.
///
/// [`SecretExponent::random`] draws one for each handshake, which is what every caller but a
/// test wants; [`SecretExponent::from_be_bytes`] fixes one for known-answer tests. `Debug`
/// shows nothing of the value.
#[derive(Clone)]
pub struct SecretExponent(pub(crate) Exponent);

impl SecretExponent {
    /// A fresh 256-bit exponent from the operating system's generator.
    pub fn random() -> Result<SecretExponent, Error> {
        loop {
            let mut bytes = [0u8; EXPONENT_BYTES];
            fill_random(&mut bytes)?;
            // Zero comes up once in 2^256 draws; it would make A or B the constant 1.
            if let Ok(secret) = SecretExponent::with_bits(&bytes, EXPONENT_BITS) {
                return Ok(secret);
            }
        }
    }

    /// The exponent whose big-endian bytes these are, for tests that must fix `a` or `b`
    /// (such as known-answer vectors). At most 384 bytes, and not zero.
    ///
    /// Powers take time in proportion to the bit length of the value given here, so keep
    /// this for test values.
    pub fn from_be_bytes(bytes: &[u8]) -> Result<SecretExponent, Error> {
        let significant = group::strip_leading_zeros(bytes);
        let bits = significant.len().saturating_mul(8);
        SecretExponent::with_bits(significant, bits)
    }

    fn with_bits(bytes: &[u8], bits: usize) -> Result<SecretExponent, Error> {
        let parameter = Parameter::SecretExponent;
        if bytes.len() > BYTES {
            return Err(Error::NotInGroup { parameter });
        }
        let value = group::uint_from_be::<{ U3072::LIMBS }>(bytes)
            .ok_or(Error::NotInGroup { parameter })?;
        if bool::from(value.ct_eq(&U3072::ZERO)) {
            return Err(Error::Zero { parameter });
        }
        Ok(SecretExponent(Exponent {
            value: value.resize(),
            bits,
        }))
    }
}

impl fmt::Debug for SecretExponent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretExponent(<redacted>)")
    }
}

/// A user's salt: the bytes the server stores beside the verifier and sends as `SALT`.
///
/// The hashes read the salt as a number (leading zero bytes do not count), the way Cognito's
/// JavaScript SDK reads `SALT`; [`Salt::to_hex`] writes it without leading zeros, so every
/// client reads the same number from it. `Debug` shows the hex: a salt is public.
#[derive(Clone, PartialEq, Eq)]
pub struct Salt(Vec<u8>);

impl Salt {
    /// A fresh 16-byte salt from the operating system's generator.
    pub fn random() -> Result<Salt, Error> {
        let mut bytes = vec![0u8; SALT_BYTES];
        fill_random(&mut bytes)?;
        Ok(Salt(bytes))
    }

    /// The salt with these bytes, as stored.
    pub fn from_bytes(bytes: &[u8]) -> Salt {
        Salt(bytes.to_vec())
    }

    /// The salt written in hex, as `SALT` comes on the wire.
    pub fn from_hex(hex: &str) -> Result<Salt, Error> {
        group::parse_hex(hex, Parameter::Salt).map(Salt)
    }

    /// The bytes, as stored.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Lowercase hex without leading zeros: the `SALT` challenge parameter.
    pub fn to_hex(&self) -> String {
        group::to_hex(&self.0)
    }

    /// Cognito's PAD form of the salt as a number.
    pub(crate) fn padded(&self) -> Vec<u8> {
        group::pad(&self.0)
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Salt({})", self.to_hex())
    }
}

/// The server's opaque `SECRET_BLOCK`: bytes the client signs and sends back unchanged as
/// `PASSWORD_CLAIM_SECRET_BLOCK`. Cognito puts its encrypted session state there; a server
/// built on this crate may put what it likes ([`SecretBlock::from_bytes`]) or random bytes.
/// `Debug` shows only the length.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBlock(Vec<u8>);

impl SecretBlock {
    /// 64 fresh bytes from the operating system's generator.
    pub fn random() -> Result<SecretBlock, Error> {
        let mut bytes = vec![0u8; SECRET_BLOCK_BYTES];
        fill_random(&mut bytes)?;
        Ok(SecretBlock(bytes))
    }

    /// A secret block with these bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> SecretBlock {
        SecretBlock(bytes)
    }

    /// The block in standard base64 with padding, as it comes on the wire.
    pub fn from_base64(text: &str) -> Result<SecretBlock, Error> {
        STANDARD
            .decode(text)
            .map(SecretBlock)
            .map_err(|_| Error::MalformedBase64 {
                parameter: Parameter::SecretBlock,
            })
    }

    /// Standard base64 with padding: the `SECRET_BLOCK` challenge parameter.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Equality in constant time.
    pub(crate) fn ct_eq(&self, other: &SecretBlock) -> bool {
        bool::from(self.0.as_slice().ct_eq(other.0.as_slice()))
    }
}

impl fmt::Debug for SecretBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBlock({} bytes)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_are_refused_when_zero_or_wider_than_n() {
        let parameter = Parameter::SecretExponent;
        for zero in [&[][..], &[0], &[0; 400]] {
            assert_eq!(
                SecretExponent::from_be_bytes(zero).unwrap_err(),
                Error::Zero { parameter }
            );
        }
        assert_eq!(
            SecretExponent::from_be_bytes(&[1; BYTES + 1]).unwrap_err(),
            Error::NotInGroup { parameter }
        );
        // Leading zeros do not count towards the width.
        let mut padded = vec![0; 16];
        padded.extend_from_slice(&[0xff; BYTES]);
        assert!(SecretExponent::from_be_bytes(&padded).is_ok());
        assert!(SecretExponent::random().is_ok());
    }
}
