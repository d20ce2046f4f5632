//! The emulator's reader of JWKS documents and its check of provider token signatures
//! (`trust::parse_jwks` and `Keys::verify`), both on any bytes.
//!
//! Input: the bytes themselves, read twice. First as a JWKS document: when it parses, it must
//! hold a usable key, and two fixed tokens are checked against it (an RS512 token with the
//! `kid` `fuzz-rsa`, and an ES256 token without a `kid`, which is tried against every fitting
//! key). Then as a token (invalid UTF-8 becomes U+FFFD) checked against a fixed key set: an
//! RSA key for RS512 with the `kid` `fuzz-rsa` and a P-256 key for ES256 without one. The keys
//! are made once per process, so no input can carry a valid signature of its own; a token the
//! fixed keys accept would be a forgery, and is a crash like a panic.

#![no_main]

use std::sync::OnceLock;

use cognito_identity_local::tokens::{self, Signer};
use cognito_identity_local::trust::{self, Keys};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use libfuzzer_sys::fuzz_target;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};

/// The `kid` of the fixed RSA key, which seeds use so that their keys are the ones tried.
const RSA_KID: &str = "fuzz-rsa";

/// The fixed key set, and tokens its keys signed.
struct Fixed {
    keys: Keys,
    tokens: [String; 2],
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let rsa = tokens::generate_key().expect("an RSA key can be made");
        let ec =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .expect("a P-256 key can be made");
        // The emulator's own signer publishes both keys as JWKs; only their `kid`s change,
        // to the fixed one and to none.
        let signer = Signer::new(&rsa, Some(ec.as_ref()), "https://fuzz.example".to_owned())
            .expect("fresh keys make a signer");
        let mut document = signer.jwks();
        document["keys"][0]["kid"] = Value::from(RSA_KID);
        if let Some(ec_jwk) = document["keys"][1].as_object_mut() {
            ec_jwk.remove("kid");
        }
        let keys = trust::parse_jwks(document.to_string().as_bytes())
            .expect("the signer's key set parses");
        let claims = json!({ "sub": "fuzz", "iss": "https://fuzz.example", "exp": 1 });
        let sign = |alg: Algorithm, kid: Option<&str>, key: &EncodingKey| {
            let mut header = Header::new(alg);
            header.kid = kid.map(str::to_owned);
            jsonwebtoken::encode(&header, &claims, key).expect("a fixed token can be signed")
        };
        let tokens = [
            sign(
                Algorithm::RS512,
                Some(RSA_KID),
                &EncodingKey::from_rsa_der(&rsa),
            ),
            sign(
                Algorithm::ES256,
                None,
                &EncodingKey::from_ec_der(ec.as_ref()),
            ),
        ];
        for token in &tokens {
            assert!(
                keys.verify(token).is_ok(),
                "the fixed keys verify their own token"
            );
        }
        Fixed { keys, tokens }
    })
}

fuzz_target!(|data: &[u8]| {
    let fixed = fixed();
    if let Ok(keys) = trust::parse_jwks(data) {
        assert!(!keys.is_empty(), "a parsed key set has a usable key");
        let _ = format!("{keys:?}");
        for token in &fixed.tokens {
            let _ = keys.verify(token);
        }
    }
    let token = String::from_utf8_lossy(data);
    if let Ok(claims) = fixed.keys.verify(&token) {
        assert!(
            fixed.tokens.iter().any(|t| *t == token),
            "a token the fixed keys did not sign verified: {token}\nclaims: {claims:?}"
        );
    }
});
