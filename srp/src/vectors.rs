//! Known answers: every intermediate value (k, x, v, A, B, u, S, K) and the signature of the
//! cases in `testdata/vectors.json`, which pycognito computed (`testdata/vectors.py` says how),
//! checked step by step and then through the public API of both halves.

use crypto_bigint::Encoding;
use serde::Deserialize;

use crate::group::{self, Exponent, Residue};
use crate::proof::{self, PoolName, SessionKey};
use crate::{
    Challenge, Client, Error, Salt, SecretBlock, SecretExponent, ServerHandshake, Timestamp,
    Verifier,
};

#[derive(Deserialize)]
struct Vectors {
    source: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    user_pool_id: String,
    user_id_for_srp: String,
    password: String,
    salt: String,
    a: String,
    b: String,
    secret_block: String,
    timestamp_unix: u64,
    timestamp: String,
    k: String,
    x: String,
    v: String,
    srp_a: String,
    srp_b: String,
    u: String,
    s: String,
    key: String,
    signature: String,
}

fn vectors() -> Vectors {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../testdata/vectors.json")).expect("vectors.json");
    assert!(
        vectors.source.starts_with("pycognito"),
        "{}",
        vectors.source
    );
    assert!(vectors.cases.len() >= 3);
    vectors
}

fn bytes(hex: &str) -> Vec<u8> {
    group::parse_hex(hex, crate::Parameter::Salt).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    group::to_hex(bytes)
}

fn exponent(hex: &str) -> SecretExponent {
    SecretExponent::from_be_bytes(&bytes(hex)).unwrap()
}

#[test]
fn every_intermediate_value_matches_pycognito() {
    for case in vectors().cases {
        let name = &case.name;
        let pool = PoolName::from_user_pool_id(&case.user_pool_id).unwrap();
        let salt = Salt::from_hex(&case.salt).unwrap();
        let a = exponent(&case.a);
        let b = exponent(&case.b);

        assert_eq!(group::k().to_hex(), case.k, "k, {name}");
        let x = proof::password_hash(&pool, &case.user_id_for_srp, &case.password, &salt);
        assert_eq!(hex(&x.to_be_bytes()), case.x, "x, {name}");
        let v = group::g_pow(&Exponent::from_u256(&x));
        assert_eq!(v.to_hex(), case.v, "v, {name}");
        let big_a = group::g_pow(&a.0);
        assert_eq!(big_a.to_hex(), case.srp_a, "A, {name}");
        let big_b = group::server_public(v, &b.0);
        assert_eq!(big_b.to_hex(), case.srp_b, "B, {name}");
        let u = proof::scrambler(big_a, big_b);
        assert_eq!(hex(&u.to_be_bytes()), case.u, "u, {name}");
        let s_client = group::client_premaster(big_b, v, &a.0, &u, &x);
        assert_eq!(s_client.to_hex(), case.s, "client S, {name}");
        let s_server = group::server_premaster(big_a, v, &u, &b.0);
        assert_eq!(s_server.to_hex(), case.s, "server S, {name}");
        let key = SessionKey::derive(s_client, &u);
        assert_eq!(fixed_hex(&key.0), case.key, "K, {name}");

        let timestamp = Timestamp::from_unix_seconds(case.timestamp_unix);
        assert_eq!(timestamp.as_str(), case.timestamp, "timestamp, {name}");
        let block = SecretBlock::from_base64(&case.secret_block).unwrap();
        let signature = key.sign(&pool, &case.user_id_for_srp, &block, &timestamp);
        let signature =
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, signature);
        assert_eq!(signature, case.signature, "signature, {name}");
    }
}

fn fixed_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn both_halves_reproduce_pycognito_through_the_api() {
    for case in vectors().cases {
        let name = &case.name;
        let pool = PoolName::from_user_pool_id(&case.user_pool_id).unwrap();
        let salt = Salt::from_hex(&case.salt).unwrap();
        let verifier =
            Verifier::with_salt(&pool, &case.user_id_for_srp, &case.password, salt.clone());
        assert_eq!(
            Residue::from_be_bytes(&verifier.verifier_bytes(), crate::Parameter::Verifier)
                .unwrap()
                .to_hex(),
            case.v,
            "{name}"
        );
        assert!(verifier.check_password(&pool, &case.user_id_for_srp, &case.password));
        assert!(!verifier.check_password(&pool, &case.user_id_for_srp, "not it"));

        let client = Client::with_secret(pool.clone(), exponent(&case.a));
        assert_eq!(client.srp_a(), case.srp_a, "{name}");
        let server = ServerHandshake::start_with(
            pool,
            &case.user_id_for_srp,
            &verifier,
            client.srp_a(),
            exponent(&case.b),
            SecretBlock::from_base64(&case.secret_block).unwrap(),
        )
        .unwrap();
        assert_eq!(server.srp_b(), case.srp_b, "{name}");
        assert_eq!(server.salt(), case.salt, "{name}");
        assert_eq!(server.secret_block(), case.secret_block, "{name}");

        let challenge = Challenge::new(
            server.user_id_for_srp(),
            &server.salt(),
            server.srp_b(),
            &server.secret_block(),
        )
        .unwrap();
        let timestamp = Timestamp::parse(&case.timestamp).unwrap();
        let claim = client
            .respond(&challenge, &case.password, timestamp.clone())
            .unwrap();
        assert_eq!(claim.signature(), case.signature, "{name}");
        assert_eq!(claim.secret_block(), case.secret_block, "{name}");
        assert_eq!(claim.timestamp().as_str(), case.timestamp, "{name}");
        server
            .verify(&case.secret_block, &timestamp, &case.signature)
            .unwrap();
        let later = Timestamp::from_unix_seconds(case.timestamp_unix + 1);
        assert_eq!(
            server.verify(&case.secret_block, &later, &case.signature),
            Err(Error::SignatureMismatch),
            "{name}"
        );
    }
}
