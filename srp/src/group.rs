//! The group Cognito's SRP works in and the byte forms its hashes read: the 3072-bit prime N
//! of RFC 5054 (the same as RFC 3526's group 15), g = 2, the multiplier k, the residues below
//! N, Cognito's padding rule and the hex forms of numbers on the wire.
//!
//! Powers run in Montgomery form in constant time for a given exponent width (crypto-bigint),
//! so how long they take says nothing about a secret exponent's value. Nothing here knows
//! users, passwords or sessions.

use std::sync::OnceLock;

use crypto_bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
use crypto_bigint::subtle::ConstantTimeEq;
use crypto_bigint::{Encoding, Uint, U256, U3072, U4096};
use sha2::{Digest, Sha256};

use crate::error::{Error, Parameter};

/// Limbs of a residue modulo N.
const LIMBS: usize = U3072::LIMBS;

/// Bytes of a residue modulo N in fixed width.
pub(crate) const BYTES: usize = 384;

/// The prime N: RFC 5054's 3072-bit group, as Cognito's clients spell it.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1",
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245",
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D",
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D",
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9",
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64",
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B",
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31",
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// N, read when the crate is compiled (a malformed constant fails the build, not a run).
const N: U3072 = U3072::from_be_hex(N_HEX);

/// The generator g.
const G: u8 = 2;

/// The longest hex number accepted from the wire: twice N's digits, leaving room for leading
/// zeros. Longer input is refused before any arithmetic, so it costs nothing.
const MAX_HEX_DIGITS: usize = 2 * 2 * BYTES;

/// What every handshake shares, computed once per process.
struct Constants {
    params: DynResidueParams<LIMBS>,
    g: DynResidue<LIMBS>,
    k: DynResidue<LIMBS>,
}

fn constants() -> &'static Constants {
    static CONSTANTS: OnceLock<Constants> = OnceLock::new();
    CONSTANTS.get_or_init(|| {
        // Panics for an even modulus only, and N is odd (`n_is_an_odd_3072_bit_number`).
        let params = DynResidueParams::new(&N);
        let g_plain = U3072::from_u8(G);
        // k = H(PAD(N) | PAD(g)), Cognito's form of SRP-6a's multiplier (not RFC 5054's, which
        // pads g to the width of N).
        let k_plain: U3072 =
            u256_from_digest(sha256(&[&pad(&N.to_be_bytes()), &pad(&[G])])).resize();
        Constants {
            params,
            g: DynResidue::new(&g_plain, params),
            k: DynResidue::new(&k_plain, params),
        }
    })
}

/// A number below N: a public value (A, B), a verifier v or a premaster secret S.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Residue(U3072);

impl std::fmt::Debug for Residue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Some residues are secrets (v, S); the public ones are shown by their owners.
        f.write_str("Residue(<redacted>)")
    }
}

impl Residue {
    /// The number whose big-endian bytes these are, if it is below N.
    pub(crate) fn from_be_bytes(bytes: &[u8], parameter: Parameter) -> Result<Residue, Error> {
        let significant = strip_leading_zeros(bytes);
        if significant.len() > BYTES {
            return Err(Error::NotInGroup { parameter });
        }
        let mut wide = [0u8; BYTES];
        let start = BYTES.saturating_sub(significant.len());
        if let Some(tail) = wide.get_mut(start..) {
            tail.copy_from_slice(significant);
        }
        let value = U3072::from_be_slice(&wide);
        if value >= N {
            return Err(Error::NotInGroup { parameter });
        }
        Ok(Residue(value))
    }

    /// The number written in hex, as it comes on the wire (`SRP_A`, `SRP_B`).
    pub(crate) fn from_hex(hex: &str, parameter: Parameter) -> Result<Residue, Error> {
        Residue::from_be_bytes(&parse_hex(hex, parameter)?, parameter)
    }

    /// Big-endian bytes in fixed width ([`BYTES`]).
    pub(crate) fn to_be_bytes(self) -> [u8; BYTES] {
        self.0.to_be_bytes()
    }

    /// Cognito's PAD form: see [`pad`].
    pub(crate) fn padded(self) -> Vec<u8> {
        pad(&self.to_be_bytes())
    }

    /// Lowercase hex without leading zeros, as Cognito's peers write `SRP_A` and `SRP_B`.
    pub(crate) fn to_hex(self) -> String {
        to_hex(&self.to_be_bytes())
    }

    pub(crate) fn is_zero(self) -> bool {
        bool::from(self.0.ct_eq(&U3072::ZERO))
    }

    /// Equality in constant time.
    pub(crate) fn ct_eq(self, other: Residue) -> bool {
        bool::from(self.0.ct_eq(&other.0))
    }

    fn monty(self) -> DynResidue<LIMBS> {
        DynResidue::new(&self.0, constants().params)
    }

    fn from_monty(m: DynResidue<LIMBS>) -> Residue {
        Residue(m.retrieve())
    }
}

/// The multiplier k, for the vectors' tests.
#[cfg(test)]
pub(crate) fn k() -> Residue {
    Residue::from_monty(constants().k)
}

/// An exponent of up to 4096 bits with the number of low bits that may be set: powers take
/// time in proportion to that bound and independent of the value.
#[derive(Clone, Copy)]
pub(crate) struct Exponent {
    pub(crate) value: U4096,
    pub(crate) bits: usize,
}

impl Exponent {
    /// A 256-bit hash value (x or u) as an exponent.
    pub(crate) fn from_u256(value: &U256) -> Exponent {
        Exponent {
            value: value.resize(),
            bits: U256::BITS,
        }
    }
}

/// g^e mod N.
pub(crate) fn g_pow(e: &Exponent) -> Residue {
    Residue::from_monty(constants().g.pow_bounded_exp(&e.value, e.bits))
}

/// The client's premaster secret S = (B - k·g^x)^(a + u·x) mod N.
pub(crate) fn client_premaster(
    b: Residue,
    v: Residue,
    a: &Exponent,
    u: &U256,
    x: &U256,
) -> Residue {
    let c = constants();
    let base = b.monty().sub(&c.k.mul(&v.monty()));
    let exponent = a_plus_u_x(a, u, x);
    Residue::from_monty(base.pow_bounded_exp(&exponent.value, exponent.bits))
}

/// The server's public value B = k·v + g^b mod N.
pub(crate) fn server_public(v: Residue, b: &Exponent) -> Residue {
    let c = constants();
    let g_b = c.g.pow_bounded_exp(&b.value, b.bits);
    Residue::from_monty(c.k.mul(&v.monty()).add(&g_b))
}

/// The server's premaster secret S = (A·v^u)^b mod N.
pub(crate) fn server_premaster(a: Residue, v: Residue, u: &U256, b: &Exponent) -> Residue {
    let u = Exponent::from_u256(u);
    let base = a.monty().mul(&v.monty().pow_bounded_exp(&u.value, u.bits));
    Residue::from_monty(base.pow_bounded_exp(&b.value, b.bits))
}

/// a + u·x, with a width bound one bit above the larger of a's bound and u·x's 512 bits.
fn a_plus_u_x(a: &Exponent, u: &U256, x: &U256) -> Exponent {
    let ux = u
        .resize::<{ U4096::LIMBS }>()
        .wrapping_mul(&x.resize::<{ U4096::LIMBS }>());
    // a has at most 3072 bits and u·x at most 512, so the sum fits 4096 bits with room.
    let value = a.value.wrapping_add(&ux);
    let bits = a
        .bits
        .max(2 * U256::BITS)
        .saturating_add(1)
        .min(U4096::BITS);
    Exponent { value, bits }
}

/// SHA-256 of the parts, one after the other.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// A SHA-256 digest read as a big-endian number, as Cognito's peers read their hex digests.
pub(crate) fn u256_from_digest(digest: [u8; 32]) -> U256 {
    U256::from_be_slice(&digest)
}

/// Cognito's PAD: the number's big-endian bytes without leading zeros, with one 0x00 byte in
/// front when the first byte's high bit is set (so the bytes read as a positive two's
/// complement number), and the single byte 0x00 for zero. The peers do this on hex strings
/// (odd length: one `0` in front; even length starting 8 to f: `00` in front).
pub(crate) fn pad(be: &[u8]) -> Vec<u8> {
    let significant = strip_leading_zeros(be);
    match significant.first() {
        None => vec![0],
        Some(first) if first & 0x80 != 0 => {
            let mut out = Vec::with_capacity(significant.len().saturating_add(1));
            out.push(0);
            out.extend_from_slice(significant);
            out
        }
        Some(_) => significant.to_vec(),
    }
}

pub(crate) fn strip_leading_zeros(be: &[u8]) -> &[u8] {
    let first = be.iter().position(|b| *b != 0).unwrap_or(be.len());
    be.get(first..).unwrap_or_default()
}

/// A hex number's big-endian bytes (an odd digit count reads as if a `0` led it). Leading
/// zeros are kept; upper and lower case are both accepted.
pub(crate) fn parse_hex(hex: &str, parameter: Parameter) -> Result<Vec<u8>, Error> {
    let malformed = |reason| Error::MalformedHex { parameter, reason };
    if hex.is_empty() {
        return Err(malformed("it is empty"));
    }
    if hex.len() > MAX_HEX_DIGITS {
        return Err(malformed("it is longer than any number below N can be"));
    }
    let mut nibbles = Vec::with_capacity(hex.len().saturating_add(1));
    if hex.len() % 2 == 1 {
        nibbles.push(0u8);
    }
    for c in hex.chars() {
        let digit = c
            .to_digit(16)
            .ok_or_else(|| malformed("it has a character that is not a hex digit"))?;
        // A hex digit is below 16, so it fits a byte.
        nibbles.push(u8::try_from(digit).unwrap_or_default());
    }
    Ok(nibbles
        .chunks_exact(2)
        .map(|pair| match pair {
            [high, low] => (high << 4) | low,
            _ => 0,
        })
        .collect())
}

/// Lowercase hex of a big-endian number without leading zeros (`0` for zero).
pub(crate) fn to_hex(be: &[u8]) -> String {
    let mut out = String::with_capacity(be.len().saturating_mul(2));
    for byte in be {
        for nibble in [byte >> 4, byte & 0x0f] {
            if out.is_empty() && nibble == 0 {
                continue;
            }
            out.extend(char::from_digit(u32::from(nibble), 16));
        }
    }
    if out.is_empty() {
        out.push('0');
    }
    out
}

/// Uint from big-endian bytes of at most its width (longer input is refused by the caller).
pub(crate) fn uint_from_be<const L: usize>(be: &[u8]) -> Option<Uint<L>> {
    let width = L.checked_mul(crypto_bigint::Limb::BYTES)?;
    let significant = strip_leading_zeros(be);
    let start = width.checked_sub(significant.len())?;
    let mut wide = vec![0u8; width];
    wide.get_mut(start..)?.copy_from_slice(significant);
    Some(Uint::from_be_slice(&wide))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_matches_the_peers_table() {
        // From amazon-cognito-identity-js's padHex tests (non-negative cases).
        for (n, hex) in [
            (0u32, "00"),
            (1, "01"),
            (15, "0f"),
            (16, "10"),
            (127, "7f"),
            (128, "0080"),
            (255, "00ff"),
            (256, "0100"),
        ] {
            assert_eq!(to_hex_fixed(&pad(&n.to_be_bytes())), hex, "{n}");
        }
    }

    fn to_hex_fixed(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hex_round_trips_and_refuses_bad_digits() {
        assert_eq!(parse_hex("abc", Parameter::Salt).unwrap(), vec![0x0a, 0xbc]);
        assert_eq!(parse_hex("00Ff", Parameter::Salt).unwrap(), vec![0, 0xff]);
        assert_eq!(to_hex(&[0, 0x0a, 0xbc]), "abc");
        assert_eq!(to_hex(&[0, 0]), "0");
        for bad in ["", "12g4", "é1", &"1".repeat(MAX_HEX_DIGITS + 1)] {
            let err = parse_hex(bad, Parameter::SrpB).unwrap_err();
            assert!(matches!(
                err,
                Error::MalformedHex {
                    parameter: Parameter::SrpB,
                    ..
                }
            ));
        }
    }

    #[test]
    fn residues_are_below_n() {
        let n = to_hex(&N.to_be_bytes());
        let err = Residue::from_hex(&n, Parameter::SrpA).unwrap_err();
        assert_eq!(
            err,
            Error::NotInGroup {
                parameter: Parameter::SrpA
            }
        );
        let wider = format!("1{}", "0".repeat(768));
        assert!(Residue::from_hex(&wider, Parameter::SrpA).is_err());
        let below = Residue::from_hex(&format!("00{}", &n[..n.len() - 1]), Parameter::SrpA);
        assert!(below.is_ok());
    }

    #[test]
    fn n_is_an_odd_3072_bit_number() {
        assert_eq!(N.bits(), 3072);
        assert!(bool::from(N.bit(0)));
        assert_eq!(to_hex(&N.to_be_bytes()), N_HEX.to_lowercase());
    }

    #[test]
    fn powers_agree_with_small_cases() {
        // 2^10 = 1024; 2^0 = 1.
        let ten = Exponent::from_u256(&U256::from_u8(10));
        assert_eq!(g_pow(&ten).to_hex(), "400");
        let zero = Exponent::from_u256(&U256::ZERO);
        assert_eq!(g_pow(&zero).to_hex(), "1");
    }
}
