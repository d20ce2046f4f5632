//! Passwords: the pool's policy, and the salt and SRP verifier a password is kept as (never
//! the password itself), made and checked by `cognito-srp`. Checking a plain password
//! recomputes the verifier from it: one 3072-bit modular power, about a millisecond.
//! [`Checked`] remembers, in memory only, the passwords that passed that check, so that a user
//! signing in again with the same password pays an HMAC instead.

use std::collections::HashMap;
use std::sync::Mutex;

use cognito_identity_provider::types::PasswordPolicyType;
use cognito_srp::{PoolName, Salt, Verifier};
use ring::hmac;

use super::store::Secret;
use super::PoolFault;

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

/// The pool's name as SRP hashes it, or `InvalidParameterException` for an id without one.
pub fn pool_name(pool_id: &str) -> Result<PoolName, PoolFault> {
    PoolName::from_user_pool_id(pool_id)
        .map_err(|e| PoolFault::invalid_parameter(format!("User pool id {pool_id}: {e}")))
}

/// The salt and verifier to keep for `password` of user `user_id` (`USER_ID_FOR_SRP`).
pub fn make_secret(pool_id: &str, user_id: &str, password: &str) -> Result<Secret, PoolFault> {
    let v = Verifier::new(&pool_name(pool_id)?, user_id, password)
        .map_err(|e| PoolFault::internal(format!("cannot make the password verifier: {e}")))?;
    Ok(Secret {
        salt: v.salt().to_hex(),
        verifier: hex(&v.verifier_bytes()),
    })
}

/// The verifier a stored secret holds.
pub fn verifier(secret: &Secret) -> Result<Verifier, PoolFault> {
    let unreadable =
        |e: String| PoolFault::internal(format!("a stored password verifier is not readable: {e}"));
    let salt = Salt::from_hex(&secret.salt).map_err(|e| unreadable(e.to_string()))?;
    let bytes = unhex(&secret.verifier).ok_or_else(|| unreadable("not hex".to_owned()))?;
    Verifier::from_parts(salt, &bytes).map_err(|e| unreadable(e.to_string()))
}

/// Whether `password` is the one `secret` was made from.
pub fn matches(pool_id: &str, user_id: &str, password: &str, secret: &Secret) -> bool {
    match (pool_name(pool_id), verifier(secret)) {
        (Ok(pool), Ok(v)) => v.check_password(&pool, user_id, password),
        _ => false,
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

/// The most passwords [`Checked`] remembers; it forgets them all when full.
pub const CHECKED_MAX: usize = 10_000;

/// Passwords that matched a user's verifier, remembered in memory (never stored) as an
/// HMAC-SHA256 under a key drawn when the emulator starts, with the verifier they matched. A
/// password that matches the remembered tag for the user's current verifier is that user's
/// password without the modular power; anything else (a new password, a changed verifier, a
/// restart) takes the full check. The trade: whoever can read the emulator's memory can test
/// guesses at a remembered password at HMAC speed rather than at one modular power each. The
/// emulator holds test passwords, and sign-in throughput is what its users measure, so the
/// stored form stays the verifier and only memory holds the cheap tag.
pub struct Checked {
    key: hmac::Key,
    tags: Mutex<HashMap<(String, String), (String, hmac::Tag)>>,
}

impl Default for Checked {
    fn default() -> Self {
        let rng = ring::rand::SystemRandom::new();
        // Drawing a key fails only without a system random source, where nothing else works.
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &rng)
            .unwrap_or_else(|_| hmac::Key::new(hmac::HMAC_SHA256, &random_fallback()));
        Checked {
            key,
            tags: Mutex::new(HashMap::new()),
        }
    }
}

/// A key from the clock and the process, for a machine without a random source (the tags are
/// then only as secret as those).
fn random_fallback() -> Vec<u8> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{nanos}:{}", std::process::id()).into_bytes()
}

fn message(pool_id: &str, user_id: &str, password: &str) -> Vec<u8> {
    [pool_id, user_id, password].join("\0").into_bytes()
}

impl Checked {
    fn tags(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), (String, hmac::Tag)>> {
        self.tags.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `password` is the user's: by the remembered tag when there is one for `secret`,
    /// else by [`matches()`], remembering it when it passes.
    pub fn matches(&self, pool_id: &str, user_id: &str, password: &str, secret: &Secret) -> bool {
        let key = (pool_id.to_owned(), user_id.to_owned());
        let remembered = self
            .tags()
            .get(&key)
            .filter(|(verifier, _)| *verifier == secret.verifier)
            .map(|(_, tag)| *tag);
        let text = message(pool_id, user_id, password);
        if let Some(tag) = remembered {
            if hmac::verify(&self.key, &text, tag.as_ref()).is_ok() {
                return true;
            }
        }
        if !matches(pool_id, user_id, password, secret) {
            return false;
        }
        let tag = hmac::sign(&self.key, &text);
        let mut tags = self.tags();
        if tags.len() >= CHECKED_MAX {
            tags.clear();
        }
        tags.insert(key, (secret.verifier.clone(), tag));
        true
    }
}

#[cfg(test)]
mod checked_tests {
    use super::*;

    #[test]
    fn a_remembered_password_passes_only_for_its_verifier() {
        let pool = "us-east-1_Abc123456";
        let secret = make_secret(pool, "ann", "Passw0rd!").unwrap();
        let checked = Checked::default();
        assert!(checked.matches(pool, "ann", "Passw0rd!", &secret));
        // Remembered now: right and wrong passwords still answer as the verifier does.
        assert!(checked.matches(pool, "ann", "Passw0rd!", &secret));
        assert!(!checked.matches(pool, "ann", "Passw0rd?", &secret));
        assert!(!checked.matches(pool, "bob", "Passw0rd!", &secret));
        // A new password: the old one no longer passes, the new one does.
        let changed = make_secret(pool, "ann", "N3w-Passw0rd").unwrap();
        assert!(!checked.matches(pool, "ann", "Passw0rd!", &changed));
        assert!(checked.matches(pool, "ann", "N3w-Passw0rd", &changed));
    }
}
