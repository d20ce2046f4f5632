//! OpenID tokens: the emulator's signing key, the JWTs it issues, the JWKS document that
//! publishes its public key, and reading the tokens clients bring in `Logins`.
//!
//! The key is an ECDSA P-256 key (ES256) made once with `ring` and kept in the database, so
//! tokens stay verifiable across restarts. Tokens from other providers (Google, a Cognito
//! user pool, ...) cannot be verified without their keys, so only their claims are read;
//! a token that is not a JWT is taken as an opaque user token, as Facebook's are.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Map, Value};

use crate::fault::Fault;

/// The `Logins` key of tokens this service issues.
pub const COGNITO_PROVIDER: &str = "cognito-identity.amazonaws.com";

/// The claim that carries principal tags in a token, as STS reads it.
pub const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";

/// The signing key and what is published about it.
pub struct Signer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    kid: String,
    x: String,
    y: String,
    issuer: String,
}

/// What a token says: who, for which pool, how, for how long.
pub struct TokenRequest<'a> {
    /// `sub`: the identity id.
    pub identity_id: &'a str,
    /// `aud`: the identity pool id.
    pub pool_id: &'a str,
    /// `amr`: `authenticated` or `unauthenticated`, then the providers used.
    pub amr: Vec<String>,
    /// Seconds the token is valid for.
    pub lifetime_secs: i64,
    /// Principal tags to put in the token.
    pub principal_tags: BTreeMap<String, String>,
    /// Seconds since the epoch.
    pub now: i64,
}

/// Makes a new PKCS#8 document holding a fresh P-256 key pair.
pub fn generate_key() -> Result<Vec<u8>, Fault> {
    let rng = SystemRandom::new();
    let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .map_err(|_| Fault::internal("cannot generate the token signing key"))?;
    Ok(doc.as_ref().to_vec())
}

impl Signer {
    /// The signer for the PKCS#8 key `pkcs8`, naming `issuer` in its tokens.
    pub fn new(pkcs8: &[u8], issuer: String) -> Result<Signer, Fault> {
        let pair = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            pkcs8,
            &SystemRandom::new(),
        )
        .map_err(|_| Fault::internal("the stored token signing key is not a P-256 PKCS#8 key"))?;
        // An uncompressed point: 0x04, then 32 bytes of x and 32 of y.
        let point = pair.public_key().as_ref();
        let (x, y) = match point {
            [4, rest @ ..] if rest.len() == 64 => rest.split_at(32),
            _ => {
                return Err(Fault::internal(
                    "the signing key's public point is not uncompressed",
                ))
            }
        };
        let x = URL_SAFE_NO_PAD.encode(x);
        let y = URL_SAFE_NO_PAD.encode(y);
        let digest = ring::digest::digest(&ring::digest::SHA256, point);
        let kid = URL_SAFE_NO_PAD.encode(digest.as_ref().get(..12).unwrap_or_default());
        let decoding = DecodingKey::from_ec_components(&x, &y)
            .map_err(|e| Fault::internal(format!("cannot read the public key: {e}")))?;
        Ok(Signer {
            encoding: EncodingKey::from_ec_der(pkcs8),
            decoding,
            kid,
            x,
            y,
            issuer,
        })
    }

    /// The `iss` of every token.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The key id (`kid`) in token headers and the JWKS.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The JWKS document that publishes the public key.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [{
            "kty": "EC", "crv": "P-256", "x": self.x, "y": self.y,
            "use": "sig", "alg": "ES256", "kid": self.kid,
        }]})
    }

    /// The OpenID discovery document, pointing at `jwks_uri`.
    pub fn discovery(&self, jwks_uri: &str) -> Value {
        json!({
            "issuer": self.issuer,
            "jwks_uri": jwks_uri,
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
        })
    }

    /// A signed token.
    pub fn issue(&self, req: &TokenRequest<'_>) -> Result<String, Fault> {
        let mut claims = json!({
            "sub": req.identity_id,
            "aud": req.pool_id,
            "iss": self.issuer,
            "amr": req.amr,
            "iat": req.now,
            "exp": req.now + req.lifetime_secs,
        });
        if !req.principal_tags.is_empty() {
            let tags: Map<String, Value> = req
                .principal_tags
                .iter()
                .map(|(k, v)| (k.clone(), json!([v])))
                .collect();
            claims[TAGS_CLAIM] = json!({ "principal_tags": tags });
        }
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding)
            .map_err(|e| Fault::internal(format!("cannot sign the token: {e}")))
    }

    /// The claims of a token this emulator issued for `pool_id`, checked: signature,
    /// issuer, audience and expiry.
    pub fn verify(&self, token: &str, pool_id: &str) -> Result<Map<String, Value>, Fault> {
        let mut validation = Validation::new(Algorithm::ES256);
        validation.set_audience(&[pool_id]);
        validation.set_issuer(&[&self.issuer]);
        validation.leeway = 0;
        jsonwebtoken::decode::<Map<String, Value>>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| Fault::not_authorized(format!("Invalid login token. {e}")))
    }
}

/// The claims of a JWT, read without checking its signature; `None` when `token` is not a
/// JWT (three base64url parts whose middle is a JSON object).
pub fn unverified_claims(token: &str) -> Option<Map<String, Value>> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> Signer {
        Signer::new(&generate_key().unwrap(), "http://127.0.0.1:1".into()).unwrap()
    }

    fn request<'a>(now: i64, lifetime_secs: i64) -> TokenRequest<'a> {
        TokenRequest {
            identity_id: "us-east-1:i",
            pool_id: "us-east-1:p",
            amr: vec!["unauthenticated".into()],
            lifetime_secs,
            principal_tags: BTreeMap::from([("team".to_owned(), "blue".to_owned())]),
            now,
        }
    }

    #[test]
    fn issued_tokens_verify_and_carry_their_claims() {
        let s = signer();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let token = s.issue(&request(now, 600)).unwrap();
        let claims = s.verify(&token, "us-east-1:p").unwrap();
        assert_eq!(claims["sub"], "us-east-1:i");
        assert_eq!(claims["exp"], now + 600);
        assert_eq!(
            claims[TAGS_CLAIM]["principal_tags"]["team"],
            json!(["blue"])
        );
        assert!(s.verify(&token, "us-east-1:other").is_err());
        assert_eq!(unverified_claims(&token).unwrap()["aud"], "us-east-1:p");
    }

    #[test]
    fn expired_and_foreign_tokens_are_rejected() {
        let s = signer();
        let expired = s.issue(&request(1_000, 10)).unwrap();
        assert!(s.verify(&expired, "us-east-1:p").is_err());
        let other = signer().issue(&request(i64::from(u32::MAX), 10)).unwrap();
        assert!(s.verify(&other, "us-east-1:p").is_err());
    }

    #[test]
    fn opaque_tokens_have_no_claims() {
        assert!(unverified_claims("EAAGm0PX4ZCpsBA").is_none());
        assert!(unverified_claims("a.b.c").is_none());
    }
}
