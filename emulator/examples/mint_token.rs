//! Plays an identity provider for tests of `--trust`: makes an RSA key, writes its public half
//! as a JWKS document, and prints one signed ID token (RS256) per `--sub`.
//!
//! ```sh
//! cargo run -p cognito-identity-local --example mint_token -- \
//!     --jwks target/idp-jwks.json \
//!     --iss https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example \
//!     --aud appclient1 --sub alice
//! cognito-identity-local --trust cognito-idp.us-east-1.amazonaws.com/us-east-1_Example=target/idp-jwks.json
//! ```
//!
//! The token carries `sub`, `aud`, `iss`, `token_use` (`id` unless `--token-use` says
//! otherwise), `iat` and `exp` (`--lifetime` seconds from now, an hour by default): what the
//! emulator checks of a user pool's ID token. It is for tests only: the key is thrown away.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::json;

const USAGE: &str = "usage: mint_token --jwks FILE --iss ISSUER --aud CLIENT_ID --sub SUB [--sub SUB...] [--token-use id|access] [--lifetime SECONDS]";

struct Args {
    jwks: String,
    iss: String,
    aud: String,
    subs: Vec<String>,
    token_use: String,
    lifetime: i64,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut jwks, mut iss, mut aud) = (None, None, None);
    let mut subs = Vec::new();
    let mut token_use = "id".to_owned();
    let mut lifetime = 3600;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--jwks" => jwks = Some(value()?),
            "--iss" => iss = Some(value()?),
            "--aud" => aud = Some(value()?),
            "--sub" => subs.push(value()?),
            "--token-use" => token_use = value()?,
            "--lifetime" => {
                let v = value()?;
                lifetime = v
                    .parse()
                    .map_err(|_| format!("--lifetime: `{v}` is not a number of seconds"))?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    match (jwks, iss, aud) {
        (Some(jwks), Some(iss), Some(aud)) if !subs.is_empty() => Ok(Args {
            jwks,
            iss,
            aud,
            subs,
            token_use,
            lifetime,
        }),
        _ => Err("--jwks, --iss, --aud and at least one --sub are needed".to_owned()),
    }
}

fn run(args: Args) -> Result<(), String> {
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
        .map_err(|e| format!("cannot make a key: {e}"))?;
    let der = key
        .to_pkcs1_der()
        .map_err(|e| format!("cannot encode the key: {e}"))?;
    let kid = "mint-token-1";
    let jwks = json!({"keys": [{
        "kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
        "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
    }]});
    std::fs::write(&args.jwks, jwks.to_string())
        .map_err(|e| format!("cannot write {}: {e}", args.jwks))?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    let signing = EncodingKey::from_rsa_der(der.as_bytes());
    for sub in &args.subs {
        let claims = json!({
            "sub": sub, "aud": args.aud, "iss": args.iss, "token_use": args.token_use,
            "iat": now, "exp": now + args.lifetime,
        });
        let token = jsonwebtoken::encode(&header, &claims, &signing)
            .map_err(|e| format!("cannot sign: {e}"))?;
        println!("{token}");
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)).and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mint_token: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
