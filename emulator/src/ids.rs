//! Identifiers and secrets the emulator makes: pool and identity ids (`REGION:GUID`),
//! temporary credentials in the shape STS issues them, and opaque page tokens.
//!
//! Randomness comes from the operating system through `ring`, which the token signing needs
//! anyway; nothing here is derived from a clock or a counter, so ids never collide across
//! restarts.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};

use crate::fault::Fault;

/// `n` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], Fault> {
    let mut bytes = [0u8; N];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Fault::internal("the operating system's random source failed"))?;
    Ok(bytes)
}

/// A random (version 4) GUID in lower-case hex, `8-4-4-4-12`.
pub fn guid() -> Result<String, Fault> {
    let mut b = random_bytes::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

/// An identity pool or identity id: `REGION:GUID`, as the service makes them.
pub fn regional_id(region: &str) -> Result<String, Fault> {
    Ok(format!("{region}:{}", guid()?))
}

/// `len` characters drawn uniformly from `alphabet` (which has at most 256 letters).
pub fn random_text(alphabet: &[u8], len: usize) -> Result<String, Fault> {
    let mut out = String::with_capacity(len);
    // Rejection sampling keeps every letter equally likely whatever the alphabet's size.
    let limit = 256 - (256 % alphabet.len());
    while out.len() < len {
        for byte in random_bytes::<64>()? {
            if (byte as usize) < limit && out.len() < len {
                if let Some(&c) = alphabet.get(byte as usize % alphabet.len()) {
                    out.push(c as char);
                }
            }
        }
    }
    Ok(out)
}

/// A temporary access key id as STS issues them: `ASIA` and 16 upper-case letters or digits.
pub fn access_key_id() -> Result<String, Fault> {
    Ok(format!(
        "ASIA{}",
        random_text(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)?
    ))
}

/// A 40-character secret access key.
pub fn secret_key() -> Result<String, Fault> {
    random_text(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        40,
    )
}

/// A session token: standard base64 of `payload` followed by random bytes, so it looks like
/// (and is as opaque to clients as) an STS token while tests can still read what it grants.
pub fn session_token(payload: &serde_json::Value) -> Result<String, Fault> {
    let mut bytes = payload.to_string().into_bytes();
    bytes.push(b'\n');
    bytes.extend_from_slice(&random_bytes::<32>()?);
    Ok(STANDARD.encode(bytes))
}

/// Reads back the JSON document at the start of a session token from [`session_token`].
pub fn session_token_payload(token: &str) -> Option<serde_json::Value> {
    let bytes = STANDARD.decode(token).ok()?;
    let end = bytes.iter().position(|&b| b == b'\n')?;
    serde_json::from_slice(bytes.get(..end)?).ok()
}

/// An opaque page token carrying a position.
pub fn page_token(kind: &str, position: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{position}"))
}

/// The position in a page token from [`page_token`], or `InvalidParameterException`.
pub fn read_page_token(kind: &str, token: &str) -> Result<i64, Fault> {
    let invalid = || Fault::invalid_parameter(format!("Invalid pagination token: '{token}'."));
    let text = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(text).map_err(|_| invalid())?;
    let (k, position) = text.split_once(':').ok_or_else(invalid)?;
    if k != kind {
        return Err(invalid());
    }
    position.parse().map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_service_shape() {
        let id = regional_id("eu-west-1").unwrap();
        let (region, guid) = id.split_once(':').unwrap();
        assert_eq!(region, "eu-west-1");
        assert_eq!(guid.len(), 36);
        assert_eq!(guid.matches('-').count(), 4);
        assert!(guid.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert_ne!(id, regional_id("eu-west-1").unwrap());
    }

    #[test]
    fn credentials_have_the_sts_shape() {
        let akid = access_key_id().unwrap();
        assert_eq!(akid.len(), 20);
        assert!(akid.starts_with("ASIA"));
        assert!(akid
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert_eq!(secret_key().unwrap().len(), 40);
    }

    #[test]
    fn session_tokens_carry_their_payload() {
        let payload = serde_json::json!({"RoleArn": "arn:aws:iam::1:role/r"});
        let token = session_token(&payload).unwrap();
        assert_eq!(session_token_payload(&token), Some(payload));
    }

    #[test]
    fn page_tokens_round_trip_and_reject_others() {
        assert_eq!(read_page_token("pools", &page_token("pools", 42)), Ok(42));
        assert!(read_page_token("identities", &page_token("pools", 42)).is_err());
        assert!(read_page_token("pools", "not a token").is_err());
    }
}
