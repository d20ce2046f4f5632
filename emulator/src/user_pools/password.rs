//! Passwords: the pool's policy, and the salt and SRP verifier a password is kept as (never
//! the password itself). Checking a plain password recomputes the verifier from it, one
//! 3072-bit modular power, as Cognito's own SRP-6a defines it.

use cognito_identity_provider::types::PasswordPolicyType;
use ring::digest::{digest, SHA256};
use rsa::BigUint;

use super::store::Secret;
use super::PoolFault;

/// The prime N of RFC 5054's 3072-bit group, which Cognito's SRP uses (g = 2).
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

/// The characters Cognito counts as symbols.
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// The policy a pool has when it names none.
pub fn default_policy() -> PasswordPolicyType {
    PasswordPolicyType {
        minimum_length: Some(8),
        require_uppercase: Some(true),
        require_lowercase: Some(true),
        require_numbers: Some(true),
        require_symbols: Some(true),
        temporary_password_validity_days: Some(7),
        ..Default::default()
    }
}

/// Checks `password` against `policy`, answering `InvalidPasswordException` in Cognito's
/// words for the first rule it breaks.
pub fn check_policy(policy: &PasswordPolicyType, password: &str) -> Result<(), PoolFault> {
    let fail = |why: &str| {
        Err(PoolFault::invalid_password(format!(
            "Password did not conform with policy: {why}"
        )))
    };
    let min = policy.minimum_length.unwrap_or(8).max(0) as usize;
    if password.chars().count() < min {
        return fail("Password not long enough");
    }
    if password.chars().count() > 256 {
        return fail("Password must have less than 256 characters");
    }
    if policy.require_uppercase.unwrap_or(false) && !password.chars().any(|c| c.is_uppercase()) {
        return fail("Password must have uppercase characters");
    }
    if policy.require_lowercase.unwrap_or(false) && !password.chars().any(|c| c.is_lowercase()) {
        return fail("Password must have lowercase characters");
    }
    if policy.require_numbers.unwrap_or(false) && !password.chars().any(|c| c.is_ascii_digit()) {
        return fail("Password must have numeric characters");
    }
    if policy.require_symbols.unwrap_or(false) && !password.chars().any(|c| SYMBOLS.contains(c)) {
        return fail("Password must have symbol characters");
    }
    Ok(())
}

/// The short pool name SRP hashes: the part of the pool id after `_`.
pub fn srp_pool_name(pool_id: &str) -> &str {
    pool_id.split_once('_').map_or(pool_id, |(_, name)| name)
}

/// Big-endian bytes with a leading zero when the top bit is set (Cognito's `padHex`).
fn padded(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 1);
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        out.push(0);
    }
    out.extend_from_slice(bytes);
    out
}

fn verifier(
    pool_id: &str,
    user_id: &str,
    password: &str,
    salt: &[u8],
) -> Result<BigUint, PoolFault> {
    let inner = digest(
        &SHA256,
        format!("{}{user_id}:{password}", srp_pool_name(pool_id)).as_bytes(),
    );
    let mut outer = padded(salt);
    outer.extend_from_slice(inner.as_ref());
    let x = BigUint::from_bytes_be(digest(&SHA256, &outer).as_ref());
    let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16)
        .ok_or_else(|| PoolFault::internal("the SRP prime is not hex"))?;
    Ok(BigUint::from(2u8).modpow(&x, &n))
}

/// The salt and verifier to keep for `password` of user `user_id` (`USER_ID_FOR_SRP`).
pub fn make_secret(pool_id: &str, user_id: &str, password: &str) -> Result<Secret, PoolFault> {
    let salt = crate::ids::random_bytes::<16>()?;
    let v = verifier(pool_id, user_id, password, &salt)?;
    Ok(Secret {
        salt: hex(&salt),
        verifier: hex(&v.to_bytes_be()),
    })
}

/// Whether `password` is the one `secret` was made from.
pub fn matches(pool_id: &str, user_id: &str, password: &str, secret: &Secret) -> bool {
    let Some(salt) = unhex(&secret.salt) else {
        return false;
    };
    match verifier(pool_id, user_id, password, &salt) {
        Ok(v) => {
            let mine = hex(&v.to_bytes_be());
            same(mine.as_bytes(), secret.verifier.as_bytes())
        }
        Err(_) => false,
    }
}

/// Whether two byte strings are equal, in time that depends on their lengths only.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() & 1 == 1 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A temporary password that meets `policy`.
pub fn temporary(policy: &PasswordPolicyType) -> Result<String, PoolFault> {
    let min = policy.minimum_length.unwrap_or(8).clamp(8, 64) as usize;
    let body = crate::ids::random_text(
        b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
        min.saturating_sub(4),
    )?;
    Ok(format!("{body}Aa1!"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_matches_its_own_secret_only() {
        let s = make_secret("us-east-1_abc", "alice", "Passw0rd!").unwrap();
        assert!(matches("us-east-1_abc", "alice", "Passw0rd!", &s));
        assert!(!matches("us-east-1_abc", "alice", "Passw0rd?", &s));
        assert!(!matches("us-east-1_abc", "bob", "Passw0rd!", &s));
    }

    #[test]
    fn the_policy_names_the_first_rule_broken() {
        let p = default_policy();
        let e = check_policy(&p, "short").unwrap_err();
        assert_eq!(
            e.message,
            "Password did not conform with policy: Password not long enough"
        );
        let e = check_policy(&p, "alllowercase1!").unwrap_err();
        assert_eq!(
            e.message,
            "Password did not conform with policy: Password must have uppercase characters"
        );
        assert!(check_policy(&p, "Passw0rd!").is_ok());
        assert!(check_policy(&p, &temporary(&p).unwrap()).is_ok());
    }
}
