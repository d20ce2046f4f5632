//! The tokens of a signed-in user, the few claims the session reads from them, and
//! `SECRET_HASH`.
//!
//! Claims are read, never trusted: the session only needs a token's expiry and user name to
//! know when to refresh and whom to name, and the service checks the signature of every token
//! it is sent. A token it cannot read is an error, never a panic. Nothing here prints a token.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `SECRET_HASH` for an app client with a secret: the base64 of HMAC-SHA256 keyed with the
/// client secret over the user name followed by the client id.
///
/// ```
/// use cognito_identity_credentials::secret_hash;
/// let hash = secret_hash("the client secret", "alice", "1example23456789");
/// assert_eq!(hash.len(), 44); // 32 bytes in base64
/// ```
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    // HMAC takes a key of any length, so `new_from_slice` cannot fail here.
    let mut mac = match Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The ID, access and refresh tokens of a signed-in user.
///
/// `Debug` shows the user name and the expiry, never a token.
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    pub(crate) username: String,
    pub(crate) id_token: String,
    pub(crate) access_token: String,
    pub(crate) refresh_token: Option<String>,
    pub(crate) expires_at: SystemTime,
}

impl Tokens {
    /// The user's name in the pool (`cognito:username`): what the pool calls the user, which
    /// may differ from the alias (an email) the user signed in with.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The ID token (a JWT): the logins value Cognito Identity takes for this pool.
    pub fn id_token(&self) -> &str {
        &self.id_token
    }

    /// The access token (a JWT), for the user-pool operations a user calls on themself.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The refresh token, when the session holds one.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// When the ID and access tokens expire, on this machine's clock (the tokens' `exp`,
    /// moved by how far the service's clock was from this machine's when they were issued).
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("username", &self.username)
            .field("id_token", &"** redacted **")
            .field("access_token", &"** redacted **")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What the session reads from a JWT's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claims {
    /// `exp`, seconds since 1970.
    pub exp: u64,
    /// `iat`, seconds since 1970, when present.
    pub iat: Option<u64>,
    /// `cognito:username` (ID token) or `username` (access token).
    pub username: Option<String>,
    /// Whether the token carries `origin_jti`, which the pool puts in tokens it can revoke
    /// (token revocation enabled on the app client).
    pub origin_jti: bool,
}

impl Claims {
    /// Reads the payload of `token`, a JWT (`header.payload.signature`, base64url).
    pub fn read(token: &str) -> Result<Claims, String> {
        let mut parts = token.split('.');
        let (Some(_), Some(payload), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("the token is not a JWT of three dot-separated parts".to_owned());
        };
        // Some encoders pad; base64url in JWTs has no padding.
        let bytes = URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|_| "the token's payload is not base64url".to_owned())?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| "the token's payload is not a JSON object".to_owned())?;
        let object = value
            .as_object()
            .ok_or_else(|| "the token's payload is not a JSON object".to_owned())?;
        let seconds = |name: &str| -> Result<Option<u64>, String> {
            match object.get(name) {
                None => Ok(None),
                Some(v) => v
                    .as_u64()
                    .or_else(|| {
                        v.as_f64()
                            .filter(|f| f.is_finite() && *f >= 0.0 && *f < 1e15)
                            .map(|f| f as u64)
                    })
                    .map(Some)
                    .ok_or_else(|| format!("the token's {name} is not a time in seconds")),
            }
        };
        let exp = seconds("exp")?.ok_or_else(|| "the token has no exp".to_owned())?;
        let iat = seconds("iat")?;
        let username = ["cognito:username", "username"]
            .iter()
            .find_map(|name| object.get(*name).and_then(|v| v.as_str()))
            .map(str::to_owned);
        let origin_jti = object.get("origin_jti").is_some_and(|v| v.is_string());
        Ok(Claims {
            exp,
            iat,
            username,
            origin_jti,
        })
    }

    /// `exp` as a time on the service's clock.
    pub fn expiry(&self) -> SystemTime {
        UNIX_EPOCH
            .checked_add(Duration::from_secs(self.exp))
            .unwrap_or(UNIX_EPOCH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn secret_hash_is_base64_hmac_sha256_of_username_and_client_id() {
        // The widely published HMAC-SHA256 of "The quick brown fox jumps over the lazy dog"
        // under "key", the message split between user name and client id.
        assert_eq!(
            secret_hash("key", "The quick brown fox ", "jumps over the lazy dog"),
            "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="
        );
    }

    #[test]
    fn claims_are_read_from_the_payload() {
        let token = jwt(r#"{"exp":1700000000,"iat":1699996400,"cognito:username":"alice"}"#);
        let claims = Claims::read(&token).unwrap();
        assert_eq!(claims.exp, 1_700_000_000);
        assert_eq!(claims.iat, Some(1_699_996_400));
        assert_eq!(claims.username.as_deref(), Some("alice"));
        let access = jwt(r#"{"exp":1700000000,"username":"bob"}"#);
        assert_eq!(
            Claims::read(&access).unwrap().username.as_deref(),
            Some("bob")
        );
    }

    #[test]
    fn malformed_tokens_are_errors_not_panics() {
        for token in [
            "",
            "abc",
            "a.b",
            "a.b.c.d",
            "a.!!!.c",
            &jwt("not json"),
            &jwt("[1,2]"),
            &jwt(r#"{"iat":1}"#),
            &jwt(r#"{"exp":"soon"}"#),
            &jwt(r#"{"exp":-5}"#),
            &jwt(r#"{"exp":1e300}"#),
        ] {
            assert!(Claims::read(token).is_err(), "{token:?} was read");
        }
    }

    #[test]
    fn debug_redacts_every_token() {
        let tokens = Tokens {
            username: "alice".into(),
            id_token: "ID-SECRET".into(),
            access_token: "ACCESS-SECRET".into(),
            refresh_token: Some("REFRESH-SECRET".into()),
            expires_at: UNIX_EPOCH,
        };
        let text = format!("{tokens:?}");
        assert!(text.contains("alice"));
        assert!(!text.contains("SECRET"), "{text}");
    }
}
