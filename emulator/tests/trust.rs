//! `trust` against a real JWKS server on loopback: the runtime's HTTP server answers GET with a
//! key set the test can swap, and counts how often it is asked. The two RSA keys are made when
//! the tests first need them, so no private key is kept in the repository.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use aws_json_runtime::server::http_server::Server;
use aws_json_runtime::{Bytes, HttpRequest, HttpResponse, HttpService};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use cognito_identity_local::trust::{JwksSource, Trust, TrustError, MIN_REFETCH_INTERVAL};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};

const PROVIDER: &str = "issuer.example";

/// A test RSA key: its PKCS#1 DER, and its public half as a JWK and as DER.
struct TestKey {
    der: Vec<u8>,
    public_der: Vec<u8>,
    n: String,
    e: String,
}

/// Key A, made once for all the tests of this file: most of them need it, and finding a
/// 2048-bit key takes a while.
fn key_a() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(TestKey::generate)
}

/// Key B, the one that is not A: a stranger's key, or A's successor after a rotation.
fn key_b() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(TestKey::generate)
}

impl TestKey {
    fn generate() -> TestKey {
        let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("a new RSA key");
        let der = key.to_pkcs1_der().expect("the key encodes");
        let public_der = key
            .to_public_key()
            .to_pkcs1_der()
            .expect("the public key encodes");
        TestKey {
            der: der.as_bytes().to_vec(),
            public_der: public_der.as_bytes().to_vec(),
            n: URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
            e: URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
        }
    }

    fn jwk(&self, kid: &str) -> Value {
        json!({ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": self.n, "e": self.e })
    }

    fn sign(&self, kid: &str) -> String {
        sign(Algorithm::RS256, kid, &EncodingKey::from_rsa_der(&self.der))
    }
}

fn sign(alg: Algorithm, kid: &str, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    let claims = json!({ "sub": "user-1", "iss": "https://issuer.example", "aud": "app" });
    jsonwebtoken::encode(&header, &claims, key).expect("signing works")
}

fn document(keys: &[Value]) -> String {
    json!({ "keys": keys }).to_string()
}

/// What the JWKS server serves, and how often `/jwks.json` was fetched.
struct Jwks {
    document: Mutex<String>,
    fetches: AtomicUsize,
}

struct Served(Arc<Jwks>);

impl HttpService for Served {
    async fn call(&self, request: HttpRequest) -> HttpResponse {
        let (status, body) = match request.uri().path() {
            "/jwks.json" => {
                self.0.fetches.fetch_add(1, Ordering::SeqCst);
                let document = self.0.document.lock().expect("not poisoned").clone();
                (200, document)
            }
            "/html" => (200, "<html>keys</html>".to_owned()),
            _ => (404, "{}".to_owned()),
        };
        let mut response = http::Response::new(Bytes::from(body));
        *response.status_mut() = http::StatusCode::from_u16(status).expect("a status");
        response
    }
}

impl Jwks {
    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    fn serve(&self, document: String) {
        *self.document.lock().expect("not poisoned") = document;
    }
}

/// Starts a JWKS server serving `document`; returns its state and base URL.
async fn jwks_server(document: String) -> (Arc<Jwks>, String) {
    let jwks = Arc::new(Jwks {
        document: Mutex::new(document),
        fetches: AtomicUsize::new(0),
    });
    let server = Server::builder(Served(jwks.clone()))
        .other_requests(true)
        .bind("127.0.0.1:0")
        .await
        .expect("binding loopback");
    let url = format!("http://{}", server.local_addr());
    tokio::spawn(server.serve());
    (jwks, url)
}

fn trust(source: &str) -> Trust {
    Trust::new([(PROVIDER.to_owned(), JwksSource::parse(source))])
}

fn refusal(result: Result<serde_json::Map<String, Value>, TrustError>) -> String {
    match result {
        Err(TrustError::Invalid(message)) => message,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn unavailable(result: Result<(), TrustError>) -> (String, String, String) {
    match result {
        Err(TrustError::Unavailable {
            provider,
            jwks,
            reason,
        }) => (provider, jwks, reason),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

/// Waits until a refetch is allowed again.
async fn past_refetch_interval() {
    tokio::time::sleep(MIN_REFETCH_INTERVAL + Duration::from_millis(100)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_good_token_verifies_and_other_keys_are_refused() {
    let a = key_a();
    let b = key_b();
    let (jwks, url) = jwks_server(document(&[a.jwk("key-a")])).await;
    let trust = trust(&format!("{url}/jwks.json"));
    trust.load().await.expect("the keys load");
    assert_eq!(jwks.fetches(), 1);

    let claims = trust
        .verify(PROVIDER, &a.sign("key-a"))
        .await
        .expect("the token verifies");
    assert_eq!(claims["sub"], "user-1");
    assert_eq!(claims["aud"], "app");

    // Key B signing under A's `kid`: a known `kid`, so no refetch either.
    assert_eq!(
        refusal(trust.verify(PROVIDER, &b.sign("key-a")).await),
        "The token's signature does not match the key `key-a`."
    );
    assert_eq!(jwks.fetches(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn unsigned_and_hmac_tokens_are_refused_even_keyed_with_the_public_key() {
    let a = key_a();
    let (jwks, url) = jwks_server(document(&[a.jwk("key-a")])).await;
    let trust = trust(&format!("{url}/jwks.json"));
    trust.load().await.expect("the keys load");

    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"key-a"}"#);
    let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"admin"}"#);
    assert_eq!(
        refusal(
            trust
                .verify(PROVIDER, &format!("{header}.{payload}."))
                .await
        ),
        "The token is unsigned (`alg` is `none`); unsigned tokens are never accepted."
    );

    // The classic confusion: HMAC keyed with the bytes of the public key, which a verifier
    // trusting the header's `alg` would use as the secret.
    let public_pem = format!(
        "-----BEGIN RSA PUBLIC KEY-----\n{}\n-----END RSA PUBLIC KEY-----\n",
        STANDARD.encode(&a.public_der)
    );
    let jwk = a.jwk("key-a").to_string();
    let secrets: [&[u8]; 4] = [
        &a.public_der,
        public_pem.as_bytes(),
        jwk.as_bytes(),
        b"secret",
    ];
    for secret in secrets {
        let token = sign(Algorithm::HS256, "key-a", &EncodingKey::from_secret(secret));
        assert_eq!(
            refusal(trust.verify(PROVIDER, &token).await),
            "The token is signed with `HS256`, a shared-secret (HMAC) algorithm; only \
             public-key signatures are accepted."
        );
    }
    assert_eq!(jwks.fetches(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_key_verifies_after_exactly_one_shared_refetch() {
    let a = key_a();
    let b = key_b();
    let (jwks, url) = jwks_server(document(&[a.jwk("key-a")])).await;
    let trust = trust(&format!("{url}/jwks.json"));
    trust.load().await.expect("the keys load");
    assert_eq!(jwks.fetches(), 1);

    jwks.serve(document(&[b.jwk("key-b")]));
    past_refetch_interval().await;
    // Twenty requests with the new `kid` at once: one refetch, shared by all.
    let token = b.sign("key-b");
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (trust, token) = (trust.clone(), token.clone());
        tasks.spawn(async move { trust.verify(PROVIDER, &token).await });
    }
    while let Some(result) = tasks.join_next().await {
        let claims = result
            .expect("the task ends")
            .expect("the new key verifies");
        assert_eq!(claims["sub"], "user-1");
    }
    assert_eq!(jwks.fetches(), 2);

    // The old key is gone; asking again so soon is not allowed, so its `kid` is unknown.
    assert_eq!(
        refusal(trust.verify(PROVIDER, &a.sign("key-a")).await),
        "No trusted key has the token's `kid` `key-a`."
    );
    assert_eq!(jwks.fetches(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_unknown_kids_refetches_at_most_once_a_second() {
    let a = key_a();
    let (jwks, url) = jwks_server(document(&[a.jwk("key-a")])).await;
    let trust = trust(&format!("{url}/jwks.json"));
    // Taken before the first load, so every load, that one included, falls after it.
    let started = Instant::now();
    trust.load().await.expect("the keys load");
    past_refetch_interval().await;

    // Two hundred made-up `kid`s at once.
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..200 {
        let (trust, token) = (trust.clone(), a.sign(&format!("made-up-{n}")));
        tasks.spawn(async move { trust.verify(PROVIDER, &token).await });
    }
    while let Some(result) = tasks.join_next().await {
        let message = refusal(result.expect("the task ends"));
        assert!(
            message.starts_with("No trusted key has the token's `kid`"),
            "{message}"
        );
    }
    assert_eq!(jwks.fetches(), 2);

    // A steady stream for another two and a half seconds.
    let until = Instant::now() + Duration::from_millis(2500);
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        let token = a.sign(&format!("stream-{n}"));
        let _ = trust.verify(PROVIDER, &token).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let fetches = jwks.fetches();
    assert!(
        (fetches as f64) <= seconds.floor() + 1.0,
        "{fetches} fetches in {seconds:.2} s"
    );
    assert!(fetches >= 3, "the stream refetched too: {fetches} fetches");
    // Known keys still verify throughout.
    trust
        .verify(PROVIDER, &a.sign("key-a"))
        .await
        .expect("the known key verifies");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_source_works_and_a_missing_file_is_named() {
    let a = key_a();
    let dir = support::scratch_dir("trust-file");
    let path = dir.join("jwks.json");
    std::fs::write(&path, document(&[a.jwk("key-a")])).expect("writing the document");
    let path_text = path.to_str().expect("a UTF-8 path");
    assert_eq!(JwksSource::parse(path_text), JwksSource::File(path.clone()));
    let trust = trust(path_text);
    trust.load().await.expect("the file loads");
    trust
        .verify(PROVIDER, &a.sign("key-a"))
        .await
        .expect("the token verifies");

    let missing = dir.join("missing.json");
    let missing_text = missing.to_str().expect("a UTF-8 path");
    let err = trust_error(self::trust(missing_text).load().await);
    assert!(err.contains(missing_text), "{err}");
    let (provider, jwks, reason) = unavailable(self::trust(missing_text).load().await);
    assert_eq!((provider.as_str(), jwks.as_str()), (PROVIDER, missing_text));
    assert!(reason.starts_with("cannot open it: "), "{reason}");
}

fn trust_error(result: Result<(), TrustError>) -> String {
    result.expect_err("loading fails").to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_and_broken_servers_are_unavailable_naming_the_url() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let dead = format!("http://127.0.0.1:{port}/jwks.json");
    let started = Instant::now();
    let message = trust_error(trust(&dead).load().await);
    assert!(
        message.starts_with(&format!(
            "cannot load the keys of provider `{PROVIDER}` from {dead}: "
        )),
        "{message}"
    );
    assert!(message.contains("cannot connect"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Verifying with it says the same, not that the token is bad.
    let unreachable = trust(&dead);
    let a = key_a();
    match unreachable.verify(PROVIDER, &a.sign("key-a")).await {
        Err(TrustError::Unavailable { jwks, .. }) => assert_eq!(jwks, dead),
        other => panic!("expected Unavailable, got {other:?}"),
    }

    let (jwks, url) = jwks_server("{}".to_owned()).await;
    let cases = [
        (
            "/missing",
            "the server answered HTTP 404 Not Found".to_owned(),
        ),
        (
            "/html",
            "the document is not JSON: expected value at line 1 column 1".to_owned(),
        ),
        ("/jwks.json", "the document has no `keys`".to_owned()),
    ];
    for (path, reason) in cases {
        let source = format!("{url}{path}");
        let (provider, shown, why) = unavailable(trust(&source).load().await);
        assert_eq!(
            (provider.as_str(), shown.as_str()),
            (PROVIDER, source.as_str())
        );
        assert_eq!(why, reason);
    }
    jwks.serve(document(&[
        json!({ "kty": "oct", "k": "c2VjcmV0", "kid": "h" }),
    ]));
    let (_, _, why) = unavailable(trust(&format!("{url}/jwks.json")).load().await);
    assert_eq!(
        why,
        "no usable key: key 0 (`h`): it is a symmetric (`oct`) key, and shared-secret tokens \
         are never accepted"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn loading_names_the_first_failing_provider_of_several() {
    let a = key_a();
    let (_jwks, url) = jwks_server(document(&[a.jwk("key-a")])).await;
    let trust = Trust::new([
        (
            "good.example".to_owned(),
            JwksSource::parse(&format!("{url}/jwks.json")),
        ),
        (
            "b-bad.example".to_owned(),
            JwksSource::parse(&format!("{url}/missing")),
        ),
        (
            "c-bad.example".to_owned(),
            JwksSource::parse(&format!("{url}/html")),
        ),
    ]);
    let (provider, _, _) = unavailable(trust.load().await);
    assert_eq!(provider, "b-bad.example");
    // The good provider loaded anyway.
    trust
        .verify("good.example", &a.sign("key-a"))
        .await
        .expect("the good provider's token verifies");
}
