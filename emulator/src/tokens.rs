//! OpenID tokens: the emulator's signing keys, the JWTs it issues, the JWKS document that
//! publishes its public keys, and reading the JWTs clients bring in `Logins`.
//!
//! Tokens are signed as the service signs them: RSA with SHA-512 (`RS512`), header
//! `typ: JWS` and a `kid`. The RSA key is made once with the `rsa` crate and kept in the
//! database (PKCS#1 DER), so tokens stay verifiable across restarts; signing and verifying go
//! through `jsonwebtoken` on `ring`. A data directory from before RSA keeps its ECDSA P-256
//! key for verifying only: the tokens that key signed stay valid until they expire, and the
//! JWKS document keeps publishing it. Nothing here trusts a token it did not check: foreign
//! tokens are only split into their parts by [`Jwt::read`], and the caller decides.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use ring::signature::{
    EcdsaKeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING, RSA_PKCS1_SHA256,
};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Map, Value};

use crate::fault::Fault;

/// The `Logins` key of tokens this service issues.
pub const COGNITO_PROVIDER: &str = "cognito-identity.amazonaws.com";

/// The claim that carries principal tags in a token, as STS reads it.
pub const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";

/// The claim naming the identity pool a token was issued for, by its ARN.
pub const POOL_ARN_CLAIM: &str = "https://cognito-identity.amazonaws.com/identity-pool-arn";

/// The metadata key under which the RSA signing key is stored (PKCS#1 DER).
pub const RSA_KEY_META: &str = "signing_key_rsa_pkcs1";

/// The metadata key of the ECDSA P-256 key that data directories from before RSA signing
/// hold (PKCS#8); it only verifies now.
pub const LEGACY_EC_KEY_META: &str = "signing_key_pkcs8";

/// The size of generated RSA keys, in bits.
pub const RSA_BITS: usize = 2048;

/// The algorithm of issued tokens.
const ALGORITHM: Algorithm = Algorithm::RS512;

/// An RSA key that signs, with what is published about it.
pub struct RsaKey {
    /// The private key, for signing through `jsonwebtoken`.
    pub encoding: EncodingKey,
    /// The same key parsed once for ring: `jsonwebtoken` parses and checks the DER again on
    /// every signature, which costs as much as the signature itself.
    pair: RsaKeyPair,
    /// The public key, for verifying.
    pub decoding: DecodingKey,
    /// Its key id.
    pub kid: String,
    /// The modulus, base64url.
    pub n: String,
    /// The public exponent, base64url.
    pub e: String,
}

/// The P-256 key of an older data directory, kept to verify what it signed.
struct EcKey {
    decoding: DecodingKey,
    kid: String,
    x: String,
    y: String,
}

/// The signing key, the verify-only older key, and what is published about them.
pub struct Signer {
    rsa: RsaKey,
    legacy: Option<EcKey>,
    issuer: String,
}

/// What a token says: who, for which pool, how, for how long.
pub struct TokenRequest<'a> {
    /// `sub`: the identity id.
    pub identity_id: &'a str,
    /// `aud`: the identity pool id.
    pub pool_id: &'a str,
    /// The identity pool's ARN, for [`POOL_ARN_CLAIM`].
    pub pool_arn: &'a str,
    /// `amr`: `authenticated` or `unauthenticated`, then the providers used.
    pub amr: Vec<String>,
    /// Seconds the token is valid for.
    pub lifetime_secs: i64,
    /// Principal tags to put in the token.
    pub principal_tags: BTreeMap<String, String>,
    /// Seconds since the epoch.
    pub now: i64,
}

/// Makes a new RSA key and returns it as PKCS#1 DER.
pub fn generate_key() -> Result<Vec<u8>, Fault> {
    let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, RSA_BITS)
        .map_err(|e| Fault::internal(format!("cannot generate the token signing key: {e}")))?;
    let der = key
        .to_pkcs1_der()
        .map_err(|e| Fault::internal(format!("cannot encode the token signing key: {e}")))?;
    Ok(der.as_bytes().to_vec())
}

/// A short key id: the first twelve bytes of a SHA-256 digest of the public key, base64url.
fn key_id(public: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, public);
    URL_SAFE_NO_PAD.encode(digest.as_ref().get(..12).unwrap_or_default())
}

impl RsaKey {
    /// The key stored as `pkcs1` (PKCS#1 DER).
    pub fn new(pkcs1: &[u8]) -> Result<RsaKey, Fault> {
        let key = RsaPrivateKey::from_pkcs1_der(pkcs1).map_err(|e| {
            Fault::internal(format!(
                "the stored token signing key is not an RSA key: {e}"
            ))
        })?;
        let n_bytes = key.n().to_bytes_be();
        let e_bytes = key.e().to_bytes_be();
        let n = URL_SAFE_NO_PAD.encode(&n_bytes);
        let e = URL_SAFE_NO_PAD.encode(&e_bytes);
        let decoding = DecodingKey::from_rsa_components(&n, &e)
            .map_err(|err| Fault::internal(format!("cannot read the public key: {err}")))?;
        let mut public = n_bytes;
        public.extend_from_slice(&e_bytes);
        let pair = RsaKeyPair::from_der(pkcs1).map_err(|e| {
            Fault::internal(format!("the stored token signing key is refused: {e}"))
        })?;
        Ok(RsaKey {
            encoding: EncodingKey::from_rsa_der(pkcs1),
            pair,
            decoding,
            kid: key_id(&public),
            n,
            e,
        })
    }
}

impl RsaKey {
    /// A compact JWT of `claims`, signed with RS256, its header naming this key's id.
    pub fn sign_rs256(&self, claims: &Value) -> Result<String, Fault> {
        let header = json!({ "typ": "JWT", "alg": "RS256", "kid": self.kid });
        let mut jwt = URL_SAFE_NO_PAD.encode(header.to_string());
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(claims.to_string(), &mut jwt);
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                jwt.as_bytes(),
                &mut signature,
            )
            .map_err(|_| Fault::internal("cannot sign the token"))?;
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(&signature, &mut jwt);
        Ok(jwt)
    }
}

impl EcKey {
    fn new(pkcs8: &[u8]) -> Result<EcKey, Fault> {
        let pair = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            pkcs8,
            &ring::rand::SystemRandom::new(),
        )
        .map_err(|_| Fault::internal("the stored older signing key is not a P-256 PKCS#8 key"))?;
        // An uncompressed point: 0x04, then 32 bytes of x and 32 of y.
        let point = pair.public_key().as_ref();
        let (x, y) = match point {
            [4, rest @ ..] if rest.len() == 64 => rest.split_at(32),
            _ => {
                return Err(Fault::internal(
                    "the older signing key's public point is not uncompressed",
                ))
            }
        };
        let x = URL_SAFE_NO_PAD.encode(x);
        let y = URL_SAFE_NO_PAD.encode(y);
        let decoding = DecodingKey::from_ec_components(&x, &y)
            .map_err(|e| Fault::internal(format!("cannot read the older public key: {e}")))?;
        Ok(EcKey {
            decoding,
            kid: key_id(point),
            x,
            y,
        })
    }
}

impl Signer {
    /// The signer for the RSA key `rsa_pkcs1` (PKCS#1 DER), also verifying with the older
    /// P-256 key `legacy_pkcs8` when a data directory has one, naming `issuer` in its tokens.
    pub fn new(
        rsa_pkcs1: &[u8],
        legacy_pkcs8: Option<&[u8]>,
        issuer: String,
    ) -> Result<Signer, Fault> {
        Ok(Signer {
            rsa: RsaKey::new(rsa_pkcs1)?,
            legacy: legacy_pkcs8.map(EcKey::new).transpose()?,
            issuer,
        })
    }

    /// The `iss` of every token.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The key id (`kid`) of the signing key, in token headers and the JWKS.
    pub fn kid(&self) -> &str {
        &self.rsa.kid
    }

    /// The JWKS document that publishes the public keys: the signing key, then the older
    /// verify-only key when there is one.
    pub fn jwks(&self) -> Value {
        let mut keys = vec![json!({
            "kty": "RSA", "n": self.rsa.n, "e": self.rsa.e,
            "use": "sig", "alg": "RS512", "kid": self.rsa.kid,
        })];
        if let Some(ec) = &self.legacy {
            keys.push(json!({
                "kty": "EC", "crv": "P-256", "x": ec.x, "y": ec.y,
                "use": "sig", "alg": "ES256", "kid": ec.kid,
            }));
        }
        json!({ "keys": keys })
    }

    /// The OpenID discovery document, pointing at `jwks_uri`.
    pub fn discovery(&self, jwks_uri: &str) -> Value {
        json!({
            "issuer": self.issuer,
            "jwks_uri": jwks_uri,
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS512"],
        })
    }

    /// A signed token.
    pub fn issue(&self, req: &TokenRequest<'_>) -> Result<String, Fault> {
        let mut claims = json!({
            "sub": req.identity_id,
            "aud": req.pool_id,
            "iss": self.issuer,
            POOL_ARN_CLAIM: req.pool_arn,
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
        let mut header = Header::new(ALGORITHM);
        header.typ = Some("JWS".to_owned());
        header.kid = Some(self.rsa.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.rsa.encoding)
            .map_err(|e| Fault::internal(format!("cannot sign the token: {e}")))
    }

    /// The claims of a token this emulator issued for `pool_id`, checked: signature (by the
    /// key its `kid` names), issuer, audience, and expiry against `now` (seconds since the
    /// epoch on the emulator's clock).
    pub fn verify(
        &self,
        token: &str,
        pool_id: &str,
        now: i64,
    ) -> Result<Map<String, Value>, Fault> {
        let invalid =
            |reason: String| Fault::not_authorized(format!("Invalid login token. {reason}"));
        let header = jsonwebtoken::decode_header(token).map_err(|e| invalid(format!("{e}")))?;
        let kid = header.kid.as_deref();
        let (key, algorithm) = if kid == Some(self.rsa.kid.as_str()) {
            (&self.rsa.decoding, ALGORITHM)
        } else {
            match &self.legacy {
                Some(ec) if kid == Some(ec.kid.as_str()) => (&ec.decoding, Algorithm::ES256),
                _ => return Err(invalid("Couldn't verify signed token.".to_owned())),
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.set_audience(&[pool_id]);
        validation.set_issuer(&[&self.issuer]);
        // Expiry is judged below on the emulator's own clock, which may run skewed.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation)
            .map(|data| data.claims)
            .map_err(|e| invalid(format!("{e}")))?;
        check_expiry(&claims, now)?;
        Ok(claims)
    }
}

/// Refuses a token whose `exp` is missing or not after `now`, in the service's words.
pub fn check_expiry(claims: &Map<String, Value>, now: i64) -> Result<(), Fault> {
    let exp = claims.get("exp").and_then(Value::as_i64).ok_or_else(|| {
        Fault::not_authorized("Invalid login token. Missing a required claim: exp")
    })?;
    if exp <= now {
        return Err(Fault::not_authorized(format!(
            "Invalid login token. Token expired: {now} >= {exp}"
        )));
    }
    Ok(())
}

/// A JWT split into its parts, nothing checked but its form.
#[derive(Debug, Clone)]
pub struct Jwt {
    /// The header (`alg`, `kid`, `typ`...).
    pub header: Map<String, Value>,
    /// The claims.
    pub claims: Map<String, Value>,
    /// Whether the signature part is present and not empty.
    pub signed: bool,
}

impl Jwt {
    /// The parts of `token`; `None` when it is not a JWT (three base64url parts whose first
    /// two are JSON objects).
    pub fn read(token: &str) -> Option<Jwt> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let object = |part: &str| -> Option<Map<String, Value>> {
            let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
            match serde_json::from_slice(&bytes).ok()? {
                Value::Object(map) => Some(map),
                _ => None,
            }
        };
        Some(Jwt {
            header: object(header)?,
            claims: object(payload)?,
            signed: !signature.is_empty(),
        })
    }

    /// The header's `alg`, if it names one.
    pub fn algorithm(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// Refuses what is never a signed token, whoever issued it: `alg: none`, no `alg`, or an
    /// empty signature.
    pub fn check_signed(&self) -> Result<(), Fault> {
        match self.algorithm() {
            Some(alg) if !alg.eq_ignore_ascii_case("none") && self.signed => Ok(()),
            _ => Err(Fault::not_authorized(
                "Invalid login token. The token is not signed.",
            )),
        }
    }
}

/// The claims of a JWT, read without checking anything; `None` when `token` is not a JWT.
pub fn unverified_claims(token: &str) -> Option<Map<String, Value>> {
    Jwt::read(token).map(|jwt| jwt.claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> Signer {
        Signer::new(&generate_key().unwrap(), None, "http://127.0.0.1:1".into()).unwrap()
    }

    fn request<'a>(now: i64, lifetime_secs: i64) -> TokenRequest<'a> {
        TokenRequest {
            identity_id: "us-east-1:i",
            pool_id: "us-east-1:p",
            pool_arn: "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:p",
            amr: vec!["unauthenticated".into()],
            lifetime_secs,
            principal_tags: BTreeMap::from([("team".to_owned(), "blue".to_owned())]),
            now,
        }
    }

    #[test]
    fn issued_tokens_verify_and_carry_their_claims() {
        let s = signer();
        let token = s.issue(&request(1_000, 600)).unwrap();
        let claims = s.verify(&token, "us-east-1:p", 1_001).unwrap();
        assert_eq!(claims["sub"], "us-east-1:i");
        assert_eq!(claims["exp"], 1_600);
        assert_eq!(
            claims[POOL_ARN_CLAIM],
            "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:p"
        );
        assert_eq!(
            claims[TAGS_CLAIM]["principal_tags"]["team"],
            json!(["blue"])
        );
        assert!(s.verify(&token, "us-east-1:other", 1_001).is_err());
        let jwt = Jwt::read(&token).unwrap();
        assert_eq!(jwt.claims["aud"], "us-east-1:p");
        assert_eq!(jwt.header["alg"], "RS512");
        assert_eq!(jwt.header["typ"], "JWS");
        assert_eq!(jwt.header["kid"], s.kid());
    }

    #[test]
    fn expired_and_foreign_tokens_are_rejected() {
        let s = signer();
        let expired = s.issue(&request(1_000, 10)).unwrap();
        let e = s.verify(&expired, "us-east-1:p", 1_010).unwrap_err();
        assert_eq!(
            e.message,
            "Invalid login token. Token expired: 1010 >= 1010"
        );
        let other = signer().issue(&request(1_000, 10)).unwrap();
        assert!(s.verify(&other, "us-east-1:p", 1_001).is_err());
    }

    #[test]
    fn the_jwks_publishes_the_signing_key_and_an_older_one() {
        let ec = EcdsaKeyPair::generate_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            &ring::rand::SystemRandom::new(),
        )
        .unwrap();
        let rsa = generate_key().unwrap();
        let s = Signer::new(&rsa, Some(ec.as_ref()), "x".into()).unwrap();
        let jwks = s.jwks();
        assert_eq!(jwks["keys"][0]["kty"], "RSA");
        assert_eq!(jwks["keys"][0]["alg"], "RS512");
        assert_eq!(jwks["keys"][0]["kid"], s.kid());
        assert_eq!(jwks["keys"][1]["kty"], "EC");
        // A token the older key signed still verifies.
        let legacy = EncodingKey::from_ec_der(ec.as_ref());
        let mut header = Header::new(Algorithm::ES256);
        header.kid = jwks["keys"][1]["kid"].as_str().map(str::to_owned);
        let old = jsonwebtoken::encode(
            &header,
            &json!({"sub": "i", "aud": "p", "iss": "x", "exp": 50}),
            &legacy,
        )
        .unwrap();
        assert_eq!(s.verify(&old, "p", 10).unwrap()["sub"], "i");
        assert!(s.verify(&old, "p", 60).is_err());
    }

    #[test]
    fn opaque_and_unsigned_tokens_are_told_apart() {
        assert!(Jwt::read("EAAGm0PX4ZCpsBA").is_none());
        assert!(Jwt::read("a.b.c").is_none());
        let e = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let none = format!(
            "{}.{}.",
            e(&json!({"alg": "none"})),
            e(&json!({"sub": "u"}))
        );
        let jwt = Jwt::read(&none).unwrap();
        assert_eq!(jwt.claims["sub"], "u");
        assert!(jwt.check_signed().is_err());
        let unsigned = format!(
            "{}.{}.",
            e(&json!({"alg": "RS256"})),
            e(&json!({"sub": "u"}))
        );
        assert!(Jwt::read(&unsigned).unwrap().check_signed().is_err());
        let signed = format!("{}.{}.c2ln", e(&json!({"alg": "RS256"})), e(&json!({})));
        assert!(Jwt::read(&signed).unwrap().check_signed().is_ok());
    }
}
