//! Interoperability with a server nobody here wrote: moto's Cognito Identity.
//!
//! The test installs `moto[server]` into the tests' one virtualenv of Python peers under the
//! target directory (once; later runs reuse it), starts `moto_server` on a free loopback port,
//! and calls every Cognito Identity operation moto implements with our client over real
//! HTTP, signed with SigV4 where the model says and unsigned where it does not, checking each
//! answer. The
//! Cognito credentials provider then gets credentials from moto and signs with them, through
//! this workspace's credentials trait and through the AWS SDK's.
//!
//! Where Python, its venv module, pip or moto cannot be had, the tests fail and say so; they
//! never skip.

#[path = "support/python.rs"]
mod python;

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use cognito_identity::error::DescribeIdentityPoolError;
use cognito_identity::runtime::auth::credentials::Credentials;
use cognito_identity::runtime::client::https::HttpsTransport;
use cognito_identity::runtime::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
use cognito_identity::types::*;
use cognito_identity::{Client, Config};
use cognito_identity_credentials::CognitoCredentialsProvider;

/// Operations the model leaves unsigned (`authtype: none`) among those moto implements.
const UNSIGNED: [&str; 3] = ["GetId", "GetCredentialsForIdentity", "GetOpenIdToken"];

/// A moto server for one test, stopped when dropped.
struct Moto {
    venv: python::Venv,
    endpoint: String,
    _process: python::Process,
}

fn start_moto() -> Moto {
    let started = Instant::now();
    let venv = python::Venv::peers().unwrap_or_else(|e| panic!("{e}"));
    let port = python::free_port().unwrap_or_else(|e| panic!("{e}"));
    let port_text = port.to_string();
    let mut process = venv
        .spawn("moto_server", &["-H", "127.0.0.1", "-p", &port_text])
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    process
        .wait_for_port(addr, Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "moto: ready on {addr} after {:.1} s (virtualenv included)",
        started.elapsed().as_secs_f64()
    );
    Moto {
        venv,
        endpoint: format!("http://{addr}"),
        _process: process,
    }
}

/// What the server was sent: operation, `Authorization`, `X-Amz-Security-Token`.
#[derive(Debug, Clone)]
struct Sent {
    operation: String,
    authorization: Option<String>,
    security_token: Option<String>,
}

/// The real HTTP transport, noting what each request carried.
#[derive(Clone)]
struct Recording {
    inner: HttpsTransport,
    sent: Arc<Mutex<Vec<Sent>>>,
}

impl Recording {
    fn new() -> Self {
        Recording {
            inner: HttpsTransport::new(),
            sent: Arc::default(),
        }
    }

    fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }

    fn count(&self, operation: &str) -> usize {
        self.sent()
            .iter()
            .filter(|s| s.operation == operation)
            .count()
    }
}

impl Transport for Recording {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let target = header("x-amz-target").unwrap_or_default();
        self.sent.lock().unwrap().push(Sent {
            operation: target.rsplit('.').next().unwrap_or_default().to_owned(),
            authorization: header("authorization"),
            security_token: header("x-amz-security-token"),
        });
        self.inner.send(request)
    }
}

fn testing_credentials() -> Credentials {
    Credentials::new("testing", "testing", None, None, "moto test")
}

fn client(moto: &Moto, transport: &Recording, credentials: Option<Credentials>) -> Client {
    let mut config = Config::builder()
        .region("us-east-1")
        .endpoint_url(&moto.endpoint)
        .transport(transport.clone());
    if let Some(credentials) = credentials {
        config = config.credentials(credentials);
    }
    Client::new(config.build())
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// The operations moto's Cognito Identity implements, read from its source: one
/// `def <operation>(self) -> str` per operation in `cognitoidentity/responses.py`.
fn operations_moto_implements(moto: &Moto) -> BTreeSet<String> {
    let out = moto
        .venv
        .command("python")
        .args([
            "-c",
            "import moto.cognitoidentity.responses as r, inspect; print(inspect.getsourcefile(r))",
        ])
        .output()
        .expect("the virtualenv's Python runs");
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read moto's responses.py at `{path}`: {e}"));
    source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("def "))
        .filter_map(|def| def.strip_suffix("(self) -> str:"))
        .map(|name| {
            name.split('_')
                .map(|word| {
                    let mut chars = word.chars();
                    chars
                        .next()
                        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                        .unwrap_or_default()
                })
                .collect::<String>()
        })
        .collect()
}

fn logins(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn without_python_the_test_fails_and_says_why() {
    let missing = std::path::Path::new("/nonexistent/python3");
    let error =
        python::Venv::ensure_with("python-peers-without-python", python::PEERS, Some(missing))
            .expect_err("no virtualenv without a Python");
    let text = error.to_string();
    assert!(text.contains("no Python 3 found"), "{text}");
    assert!(text.contains("/nonexistent/python3"), "{text}");
    assert!(text.contains("python3-venv"), "{text}");
}

#[test]
fn every_operation_moto_implements_answers_our_client() {
    let moto = start_moto();
    let started = Instant::now();
    let transport = Recording::new();
    let client = client(&moto, &transport, Some(testing_credentials()));
    block_on(async {
        // CreateIdentityPool.
        let mut create = CreateIdentityPoolInput::new("interop_pool", true);
        create.supported_login_providers = Some(logins(&[("graph.facebook.com", "123456789")]));
        create.developer_provider_name = Some("login.interop.dev".to_owned());
        create.identity_pool_tags = Some(logins(&[("team", "rust")]));
        let pool = client.create_identity_pool(create).await.unwrap();
        let pool_id = pool.identity_pool_id.clone();
        assert!(pool_id.starts_with("us-east-1:"), "{pool_id}");
        assert_eq!(pool.identity_pool_name, "interop_pool");
        assert!(pool.allow_unauthenticated_identities);
        assert_eq!(
            pool.supported_login_providers,
            Some(logins(&[("graph.facebook.com", "123456789")]))
        );
        assert_eq!(
            pool.developer_provider_name.as_deref(),
            Some("login.interop.dev")
        );
        assert_eq!(pool.identity_pool_tags, Some(logins(&[("team", "rust")])));

        // DescribeIdentityPool.
        let described = client
            .describe_identity_pool(DescribeIdentityPoolInput::new(&pool_id))
            .await
            .unwrap();
        assert_eq!(described, pool);

        // UpdateIdentityPool.
        let mut update = IdentityPool::new(&pool_id, "interop_pool", false);
        update.supported_login_providers = Some(logins(&[("accounts.google.com", "client-id")]));
        let updated = client.update_identity_pool(update).await.unwrap();
        assert!(!updated.allow_unauthenticated_identities);
        assert_eq!(
            updated.supported_login_providers,
            Some(logins(&[("accounts.google.com", "client-id")]))
        );
        let described = client
            .describe_identity_pool(DescribeIdentityPoolInput::new(&pool_id))
            .await
            .unwrap();
        assert_eq!(described, updated);

        // ListIdentityPools.
        let listed = client
            .list_identity_pools(ListIdentityPoolsInput::new(10))
            .await
            .unwrap();
        let pools = listed.identity_pools.unwrap_or_default();
        assert_eq!(pools.len(), 1, "{pools:?}");
        assert_eq!(pools[0].identity_pool_id.as_deref(), Some(pool_id.as_str()));
        assert_eq!(pools[0].identity_pool_name.as_deref(), Some("interop_pool"));

        // GetId (unsigned).
        let identity_id = client
            .get_id(GetIdInput::new(&pool_id))
            .await
            .unwrap()
            .identity_id
            .expect("GetId answers with an IdentityId");
        assert!(identity_id.starts_with("us-east-1:"), "{identity_id}");

        // GetCredentialsForIdentity (unsigned).
        let before = SystemTime::now();
        let answer = client
            .get_credentials_for_identity(GetCredentialsForIdentityInput::new(&identity_id))
            .await
            .unwrap();
        assert_eq!(answer.identity_id.as_deref(), Some(identity_id.as_str()));
        let credentials = answer.credentials.expect("credentials in the answer");
        assert!(!credentials.access_key_id.unwrap_or_default().is_empty());
        assert!(!credentials.secret_key.unwrap_or_default().is_empty());
        assert!(!credentials.session_token.unwrap_or_default().is_empty());
        let expiration = SystemTime::try_from(credentials.expiration.expect("an expiration"))
            .expect("a representable expiration");
        assert!(expiration > before, "the credentials expire in the future");
        assert!(expiration < before + Duration::from_secs(2 * 3600));

        // GetOpenIdToken (unsigned).
        let token = client
            .get_open_id_token(GetOpenIdTokenInput::new(&identity_id))
            .await
            .unwrap();
        assert_eq!(token.identity_id.as_deref(), Some(identity_id.as_str()));
        assert!(!token.token.unwrap_or_default().is_empty());

        // GetOpenIdTokenForDeveloperIdentity.
        let mut developer = GetOpenIdTokenForDeveloperIdentityInput::new(
            &pool_id,
            logins(&[("login.interop.dev", "user-42")]),
        );
        developer.identity_id = Some(identity_id.clone());
        let developer = client
            .get_open_id_token_for_developer_identity(developer)
            .await
            .unwrap();
        assert_eq!(developer.identity_id.as_deref(), Some(identity_id.as_str()));
        assert!(!developer.token.unwrap_or_default().is_empty());

        // ListIdentities.
        let identities = client
            .list_identities(ListIdentitiesInput::new(&pool_id, 10))
            .await
            .unwrap();
        assert_eq!(
            identities.identity_pool_id.as_deref(),
            Some(pool_id.as_str())
        );
        let ids: Vec<_> = identities
            .identities
            .unwrap_or_default()
            .into_iter()
            .filter_map(|i| i.identity_id)
            .collect();
        assert_eq!(ids, vec![identity_id.clone()]);

        // DeleteIdentityPool, after which the pool is gone with a typed error.
        client
            .delete_identity_pool(DeleteIdentityPoolInput::new(&pool_id))
            .await
            .unwrap();
        match client
            .describe_identity_pool(DescribeIdentityPoolInput::new(&pool_id))
            .await
        {
            Err(DescribeIdentityPoolError::ResourceNotFoundException(e)) => {
                assert_eq!(e.message.as_deref(), Some(pool_id.as_str()));
            }
            other => panic!("expected ResourceNotFoundException, got {other:?}"),
        }

        // An error the model does not list for the operation keeps its code.
        let error = client
            .create_identity_pool(CreateIdentityPoolInput::new("not/valid", false))
            .await
            .unwrap_err();
        assert_eq!(error.code(), Some("ValidationException"), "{error}");
    });

    // Every operation moto implements was called, and nothing else.
    let sent = transport.sent();
    let called: BTreeSet<String> = sent.iter().map(|s| s.operation.clone()).collect();
    assert_eq!(called, operations_moto_implements(&moto));

    // Signed exactly where the model says, with the configured key, region and service.
    for s in &sent {
        let unsigned = UNSIGNED.contains(&s.operation.as_str());
        match (&s.authorization, unsigned) {
            (None, true) => {}
            (Some(auth), false) => {
                assert!(
                    auth.starts_with("AWS4-HMAC-SHA256 Credential=testing/"),
                    "{}: {auth}",
                    s.operation
                );
                assert!(
                    auth.contains("/us-east-1/cognito-identity/aws4_request"),
                    "{}: {auth}",
                    s.operation
                );
                assert!(auth.contains("Signature="), "{}: {auth}", s.operation);
            }
            (auth, _) => panic!("{}: unexpected Authorization {auth:?}", s.operation),
        }
        assert_eq!(s.security_token, None);
    }
    eprintln!(
        "moto: {} calls in {:.2} s",
        sent.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn the_cognito_provider_gets_credentials_from_moto_and_signs_with_them() {
    let moto = start_moto();
    let admin = client(&moto, &Recording::new(), Some(testing_credentials()));
    let pool_id =
        block_on(admin.create_identity_pool(CreateIdentityPoolInput::new("provider_pool", true)))
            .unwrap()
            .identity_pool_id;

    // The provider's own client has no credentials at all: GetId and
    // GetCredentialsForIdentity are unsigned.
    let transport = Recording::new();
    let provider = CognitoCredentialsProvider::builder(client(&moto, &transport, None), &pool_id)
        // moto's credentials live 90 seconds; a short margin keeps them cached in the test.
        .refresh_margin(Duration::from_secs(10))
        .build();

    block_on(async {
        let before = SystemTime::now();
        let credentials = provider.credentials().await.unwrap();
        assert!(!credentials.access_key_id().is_empty());
        assert!(!credentials.secret_access_key().is_empty());
        let session_token = credentials
            .session_token()
            .expect("a session token")
            .to_owned();
        let expiry = credentials.expiry().expect("an expiry");
        assert!(expiry > before + Duration::from_secs(10), "{expiry:?}");
        assert!(expiry < before + Duration::from_secs(3600), "{expiry:?}");

        // The identity is the one moto now lists for the pool.
        let identity_id = provider.identity_id().await.unwrap();
        let listed = admin
            .list_identities(ListIdentitiesInput::new(&pool_id, 10))
            .await
            .unwrap();
        let ids: Vec<_> = listed
            .identities
            .unwrap_or_default()
            .into_iter()
            .filter_map(|i| i.identity_id)
            .collect();
        assert_eq!(ids, vec![identity_id.clone()]);

        // Cached: more calls send nothing.
        for _ in 0..5 {
            let again = provider.credentials().await.unwrap();
            assert_eq!(again.access_key_id(), credentials.access_key_id());
        }
        assert_eq!(transport.count("GetId"), 1);
        assert_eq!(transport.count("GetCredentialsForIdentity"), 1);
        assert!(transport.sent().iter().all(|s| s.authorization.is_none()));

        // Through the AWS SDK's trait: the same credentials.
        let sdk =
            aws_credential_types::provider::ProvideCredentials::provide_credentials(&provider)
                .await
                .unwrap();
        assert_eq!(sdk.access_key_id(), credentials.access_key_id());
        assert_eq!(sdk.secret_access_key(), credentials.secret_access_key());
        assert_eq!(sdk.session_token(), Some(session_token.as_str()));
        assert_eq!(sdk.expiry(), Some(expiry));

        // Signing another client's calls with them: the Authorization names the Cognito
        // access key, and the session token travels along.
        let signed = Recording::new();
        let user = Client::new(
            Config::builder()
                .region("us-east-1")
                .endpoint_url(&moto.endpoint)
                .transport(signed.clone())
                .credentials_provider(provider.clone())
                .build(),
        );
        let pool = user
            .describe_identity_pool(DescribeIdentityPoolInput::new(&pool_id))
            .await
            .unwrap();
        assert_eq!(pool.identity_pool_name, "provider_pool");
        let sent = signed.sent();
        let auth = sent[0].authorization.as_deref().unwrap_or_default();
        assert!(
            auth.starts_with(&format!(
                "AWS4-HMAC-SHA256 Credential={}/",
                credentials.access_key_id()
            )),
            "{auth}"
        );
        assert_eq!(
            sent[0].security_token.as_deref(),
            Some(session_token.as_str())
        );

        // A refresh asks moto for new credentials for the same identity, without GetId.
        provider.invalidate();
        provider.credentials().await.unwrap();
        assert_eq!(transport.count("GetId"), 1);
        assert_eq!(transport.count("GetCredentialsForIdentity"), 2);
        assert_eq!(provider.identity_id().await.unwrap(), identity_id);
    });
}
