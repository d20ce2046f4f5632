//! The provider's recovery against the local Cognito Identity (`cognito-identity-local`) over
//! real HTTP on loopback: a user switch, a merged identity, a configured identity the
//! service does not know, identity ids kept in a file, a developer-identity source, and
//! expiries and signatures read on a server clock hours away from this machine's.
//!
//! A counting wrapper around the generated client shows which calls the provider made; a
//! test clock moves the provider's time, while the emulator's clock runs on its own.

mod support;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use cognito_identity::error::*;
use cognito_identity::runtime::auth::credentials::Credentials as StaticKeys;
use cognito_identity::runtime::client::https::HttpsTransport;
use cognito_identity::runtime::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
use cognito_identity::types::*;
use cognito_identity::{Client, CognitoIdentity, Config};
use cognito_identity_credentials::{
    identity_id_key, logins_fn, BoxError, CognitoCredentialsError, CognitoCredentialsProvider,
    DeveloperIdentity, FileIdentityIdStore, IdentityIdStore, Logins, ProvideDeveloperIdentity,
    COGNITO_IDENTITY_PROVIDER,
};
use cognito_identity_local::{ids, start, Options, Running};

const DEVELOPER: &str = "login.example.app";
const AUTHENTICATED: &str = "arn:aws:iam::123456789012:role/Authenticated";
const UNAUTHENTICATED: &str = "arn:aws:iam::123456789012:role/Unauthenticated";
/// A well-formed identity id the emulator never issued.
const UNKNOWN: &str = "us-east-1:00000000-0000-4000-8000-000000000000";
const KEY_ID: &str = "AKIDLOCAL";
const SECRET: &str = "local-secret";
const TWO_HOURS: i64 = 2 * 3600;

/// An emulator with `options` (quiet), and a client for it that signs with the key pair a
/// signature-checking emulator accepts.
async fn emulator(options: Options) -> (Running, Client) {
    let running = start(
        Options {
            log_level: cognito_identity_local::Level::Off,
            ..options
        },
        false,
    )
    .await
    .expect("the emulator starts");
    let client = client(&running);
    (running, client)
}

fn client(running: &Running) -> Client {
    Client::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url(running.url())
            .credentials(StaticKeys::new(KEY_ID, SECRET, None, None, "test"))
            .build(),
    )
}

/// A pool that allows guests, has a developer provider, and has both roles set.
async fn pool(admin: &Client) -> String {
    let pool = admin
        .create_identity_pool(
            CreateIdentityPoolInput::new("recovery", true).with_developer_provider_name(DEVELOPER),
        )
        .await
        .expect("CreateIdentityPool");
    let roles = HashMap::from([
        ("authenticated".to_owned(), AUTHENTICATED.to_owned()),
        ("unauthenticated".to_owned(), UNAUTHENTICATED.to_owned()),
    ]);
    admin
        .set_identity_pool_roles(SetIdentityPoolRolesInput::new(
            &pool.identity_pool_id,
            roles,
        ))
        .await
        .expect("SetIdentityPoolRoles");
    pool.identity_pool_id
}

/// What the app's backend does for a developer user: the identity id and an OpenID token
/// for it.
async fn developer_token(admin: &Client, pool: &str, user: &str) -> DeveloperIdentity {
    let logins = HashMap::from([(DEVELOPER.to_owned(), user.to_owned())]);
    let answer = admin
        .get_open_id_token_for_developer_identity(GetOpenIdTokenForDeveloperIdentityInput::new(
            pool, logins,
        ))
        .await
        .expect("GetOpenIdTokenForDeveloperIdentity");
    DeveloperIdentity::new(
        answer.identity_id.expect("an identity id"),
        answer.token.expect("a token"),
    )
}

fn cognito_login(token: &str) -> Logins {
    Logins::from([(COGNITO_IDENTITY_PROVIDER.to_owned(), token.to_owned())])
}

/// The identity the emulator issued credentials for (it writes it into the session token).
fn identity_of(credentials: &cognito_identity_credentials::Credentials) -> String {
    let token = credentials.session_token().expect("a session token");
    ids::session_token_payload(token).expect("a readable session token")["IdentityId"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The generated client, counting the calls the provider makes.
#[derive(Clone)]
struct Counting {
    inner: Client,
    get_id: Arc<AtomicUsize>,
    credentials: Arc<AtomicUsize>,
}

impl Counting {
    fn new(inner: Client) -> Self {
        Counting {
            inner,
            get_id: Arc::default(),
            credentials: Arc::default(),
        }
    }

    fn get_id_calls(&self) -> usize {
        self.get_id.load(Ordering::SeqCst)
    }

    fn credentials_calls(&self) -> usize {
        self.credentials.load(Ordering::SeqCst)
    }
}

macro_rules! forward {
    ($($name:ident: $input:ty => $output:ty, $error:ty;)*) => {$(
        async fn $name(&self, input: $input) -> Result<$output, $error> {
            self.inner.$name(input).await
        }
    )*};
}

impl CognitoIdentity for Counting {
    async fn get_id(&self, input: GetIdInput) -> Result<GetIdResponse, GetIdError> {
        self.get_id.fetch_add(1, Ordering::SeqCst);
        self.inner.get_id(input).await
    }

    async fn get_credentials_for_identity(
        &self,
        input: GetCredentialsForIdentityInput,
    ) -> Result<GetCredentialsForIdentityResponse, GetCredentialsForIdentityError> {
        self.credentials.fetch_add(1, Ordering::SeqCst);
        self.inner.get_credentials_for_identity(input).await
    }

    support::other_operations!(forward);
}

/// A clock the test moves, starting at this machine's time.
#[derive(Clone)]
struct TestClock(Arc<Mutex<SystemTime>>);

impl TestClock {
    fn new() -> Self {
        TestClock(Arc::new(Mutex::new(SystemTime::now())))
    }

    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }

    fn set(&self, to: SystemTime) {
        *self.0.lock().unwrap() = to;
    }

    fn advance(&self, by: Duration) {
        let now = self.now();
        self.set(now + by);
    }
}

type Changes = Arc<Mutex<Vec<(Option<String>, String)>>>;

/// A builder on a counting client, with the test clock and a record of identity changes.
fn builder(
    counting: &Counting,
    pool: &str,
    clock: &TestClock,
) -> (cognito_identity_credentials::Builder<Counting>, Changes) {
    let changes = Changes::default();
    let record = Arc::clone(&changes);
    let clock = clock.clone();
    let builder = CognitoCredentialsProvider::builder(counting.clone(), pool)
        .clock_skew(counting.inner.config().clock_skew().clone())
        .clock(move || clock.now())
        .on_identity_id_change(move |old, new| {
            let change = (old.map(str::to_owned), new.to_owned());
            record.lock().unwrap().push(change);
        });
    (builder, changes)
}

fn changes(record: &Changes) -> Vec<(Option<String>, String)> {
    record.lock().unwrap().clone()
}

fn change(old: Option<&str>, new: &str) -> (Option<String>, String) {
    (old.map(str::to_owned), new.to_owned())
}

const HOUR: Duration = Duration::from_secs(3600);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_switch_gets_the_new_users_identity_without_a_rebuild() {
    let (running, admin) = emulator(Options::default()).await;
    let pool = pool(&admin).await;
    let alice = developer_token(&admin, &pool, "alice").await;
    let bob = developer_token(&admin, &pool, "bob").await;
    assert_ne!(alice.identity_id, bob.identity_id);

    // The app's sign-in state: whose token the logins source hands out.
    let signed_in = Arc::new(Mutex::new(alice.token.clone()));
    let current = Arc::clone(&signed_in);
    let counting = Counting::new(client(&running));
    let clock = TestClock::new();
    let (builder, record) = builder(&counting, &pool, &clock);
    let provider = builder
        .logins_provider(logins_fn(move || {
            let token = current.lock().unwrap().clone();
            async move { Ok::<_, std::io::Error>(cognito_login(&token)) }
        }))
        .build();

    let first = provider.credentials().await.expect("alice's credentials");
    assert_eq!(identity_of(&first), alice.identity_id);
    assert_eq!(
        provider.cached_identity_id(),
        Some(alice.identity_id.clone())
    );

    // Alice signs out and Bob signs in; the next refresh sends Bob's token.
    *signed_in.lock().unwrap() = bob.token.clone();
    clock.advance(HOUR);
    let second = provider.credentials().await.expect("bob's credentials");
    assert_eq!(identity_of(&second), bob.identity_id);
    assert_eq!(provider.identity_id().await.unwrap(), bob.identity_id);
    // Alice's id was refused once, then one GetId found Bob's.
    assert_eq!(counting.get_id_calls(), 2);
    assert_eq!(counting.credentials_calls(), 3);
    assert_eq!(
        changes(&record),
        vec![
            change(None, &alice.identity_id),
            change(Some(&alice.identity_id), &bob.identity_id),
        ]
    );
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merged_identity_gives_way_to_the_one_it_was_merged_into() {
    let (running, admin) = emulator(Options::default()).await;
    let pool = pool(&admin).await;
    let alice = developer_token(&admin, &pool, "alice").await;
    let bob = developer_token(&admin, &pool, "bob").await;

    // The backend mints a fresh token for Alice on every refresh.
    let (backend, backend_pool) = (admin.clone(), pool.clone());
    let counting = Counting::new(client(&running));
    let clock = TestClock::new();
    let (builder, record) = builder(&counting, &pool, &clock);
    let provider = builder
        .logins_provider(logins_fn(move || {
            let (backend, pool) = (backend.clone(), backend_pool.clone());
            async move {
                let minted = developer_token(&backend, &pool, "alice").await;
                Ok::<_, std::io::Error>(cognito_login(&minted.token))
            }
        }))
        .build();
    let first = provider.credentials().await.unwrap();
    assert_eq!(identity_of(&first), alice.identity_id);

    // Alice's identity is merged into Bob's and deleted.
    admin
        .merge_developer_identities(MergeDeveloperIdentitiesInput::new(
            "alice", "bob", DEVELOPER, &pool,
        ))
        .await
        .expect("MergeDeveloperIdentities");
    clock.advance(HOUR);
    let second = provider
        .credentials()
        .await
        .expect("credentials after the merge");
    assert_eq!(identity_of(&second), bob.identity_id);
    assert_eq!(provider.cached_identity_id(), Some(bob.identity_id.clone()));
    assert_eq!(counting.get_id_calls(), 2);
    assert_eq!(
        changes(&record),
        vec![
            change(None, &alice.identity_id),
            change(Some(&alice.identity_id), &bob.identity_id),
        ]
    );
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_identity_the_service_does_not_know_gives_way_to_one_get_id() {
    let (running, admin) = emulator(Options::default()).await;
    let pool = pool(&admin).await;
    // Unknown, then malformed (the service's validation error rather than not-found).
    for configured in [UNKNOWN, "not-an-identity-id"] {
        let counting = Counting::new(client(&running));
        let clock = TestClock::new();
        let (builder, record) = builder(&counting, &pool, &clock);
        let provider = builder.identity_id(configured).build();
        let credentials = provider.credentials().await.expect(configured);
        let replacement = provider.cached_identity_id().unwrap();
        assert_ne!(replacement, configured);
        assert_eq!(identity_of(&credentials), replacement);
        assert_eq!(counting.get_id_calls(), 1, "{configured}");
        assert_eq!(counting.credentials_calls(), 2, "{configured}");
        assert_eq!(
            changes(&record),
            vec![change(Some(configured), &replacement)]
        );
    }

    // A configured identity that is refused is not swapped for a guest one: Alice's identity
    // without her login is someone else's to claim.
    let alice = developer_token(&admin, &pool, "alice").await;
    let counting = Counting::new(client(&running));
    let clock = TestClock::new();
    let (builder, record) = builder(&counting, &pool, &clock);
    let provider = builder.identity_id(&alice.identity_id).build();
    let error = provider.credentials().await.unwrap_err();
    assert!(error.is_not_authorized(), "{error:?}");
    assert_eq!(counting.get_id_calls(), 0);
    assert_eq!(provider.cached_identity_id(), Some(alice.identity_id));
    assert!(changes(&record).is_empty());
    running.shutdown().await.unwrap();
}

/// A fresh directory for this test's files; a test that passes removes it at its end.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("recovery-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_store_keeps_the_identity_across_providers() {
    let (running, admin) = emulator(Options::default()).await;
    let pool = pool(&admin).await;
    let dir = scratch("file-store");
    let path = dir.join("nested/identity-ids.json");
    let clock = TestClock::new();

    // The first run: GetId, and the id is saved under the guest key.
    let first_run = Counting::new(client(&running));
    let (builder1, _) = builder(&first_run, &pool, &clock);
    let provider = builder1
        .identity_id_store(FileIdentityIdStore::new(&path))
        .build();
    provider.credentials().await.unwrap();
    let guest = provider.cached_identity_id().unwrap();
    assert_eq!(first_run.get_id_calls(), 1);
    let saved: HashMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        saved,
        HashMap::from([(identity_id_key(&pool, None), guest.clone())])
    );

    // The next run, with a provider built afresh on the same file: no GetId.
    let second_run = Counting::new(client(&running));
    let (builder2, record) = builder(&second_run, &pool, &clock);
    let provider = builder2
        .identity_id_store(FileIdentityIdStore::new(&path))
        .build();
    let credentials = provider.credentials().await.unwrap();
    assert_eq!(identity_of(&credentials), guest);
    assert_eq!(second_run.get_id_calls(), 0);
    assert_eq!(changes(&record), vec![change(None, &guest)]);
    let listed = admin
        .list_identities(ListIdentitiesInput::new(&pool, 60))
        .await
        .unwrap();
    assert_eq!(listed.identities.unwrap_or_default().len(), 1);

    // The stored identity is deleted on the service: the next run gives it up, and the file
    // then holds the new one.
    admin
        .delete_identities(DeleteIdentitiesInput::new(vec![guest.clone()]))
        .await
        .unwrap();
    let third_run = Counting::new(client(&running));
    let (builder3, _) = builder(&third_run, &pool, &clock);
    let store = Arc::new(FileIdentityIdStore::new(&path));
    let provider = builder3.identity_id_store(Arc::clone(&store)).build();
    provider.credentials().await.unwrap();
    let replacement = provider.cached_identity_id().unwrap();
    assert_ne!(replacement, guest);
    assert_eq!(third_run.get_id_calls(), 1);
    let key = identity_id_key(&pool, None);
    assert_eq!(store.get(&key).await.unwrap(), Some(replacement));
    // Written by renaming a temporary file: nothing else is left beside it.
    let files: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, ["identity-ids.json"]);
    running.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_store_file_is_an_error_naming_it() {
    let (running, admin) = emulator(Options::default()).await;
    let pool = pool(&admin).await;
    let dir = scratch("corrupt-store");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("identity-ids.json");
    std::fs::write(&path, "{\"half\": \"writ").unwrap();

    let counting = Counting::new(client(&running));
    let clock = TestClock::new();
    let (builder, _) = builder(&counting, &pool, &clock);
    let provider = builder
        .identity_id_store(FileIdentityIdStore::new(&path))
        .build();
    let error = provider.credentials().await.unwrap_err();
    assert!(
        matches!(
            error,
            CognitoCredentialsError::IdentityStore { action: "read", .. }
        ),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("not a JSON object"), "{text}");
    assert_eq!(counting.get_id_calls(), 0);
    // The file is left for the user to look at, not overwritten.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"half\": \"writ");
    running.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The app's backend: mints the signed-in developer user's identity and token with its own
/// (signed) client, counting how often it is asked.
struct Backend {
    admin: Client,
    pool: String,
    user: Mutex<String>,
    asked: AtomicUsize,
}

impl ProvideDeveloperIdentity for Backend {
    fn developer_identity(&self) -> BoxFuture<'_, Result<DeveloperIdentity, BoxError>> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let user = self.user.lock().unwrap().clone();
        Box::pin(async move { Ok(developer_token(&self.admin, &self.pool, &user).await) })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_developer_source_gives_identity_and_token_and_get_id_is_never_called() {
    let (running, admin) = emulator(Options::default()).await;
    let pool = pool(&admin).await;
    let bob = developer_token(&admin, &pool, "bob").await;
    let backend = Arc::new(Backend {
        admin: admin.clone(),
        pool: pool.clone(),
        user: Mutex::new("alice".to_owned()),
        asked: AtomicUsize::new(0),
    });
    let counting = Counting::new(client(&running));
    let clock = TestClock::new();
    let (builder, record) = builder(&counting, &pool, &clock);
    let provider = builder
        .developer_identity_provider(ArcSource(Arc::clone(&backend)))
        .build();

    let alice = provider.identity_id().await.unwrap();
    let credentials = provider.credentials().await.unwrap();
    assert_eq!(identity_of(&credentials), alice);
    let amr =
        ids::session_token_payload(credentials.session_token().unwrap()).unwrap()["Amr"].clone();
    assert_eq!(amr[0], "authenticated", "{amr}");
    assert_eq!(backend.asked.load(Ordering::SeqCst), 2);

    // Alice's identity is merged into Bob's: the backend's next answer names Bob's.
    admin
        .merge_developer_identities(MergeDeveloperIdentitiesInput::new(
            "alice", "bob", DEVELOPER, &pool,
        ))
        .await
        .unwrap();
    clock.advance(HOUR);
    let after = provider.credentials().await.unwrap();
    assert_eq!(identity_of(&after), bob.identity_id);
    assert_eq!(counting.get_id_calls(), 0);
    assert_eq!(
        changes(&record),
        vec![change(None, &alice), change(Some(&alice), &bob.identity_id)]
    );
    running.shutdown().await.unwrap();
}

/// Hands a shared backend to the provider.
struct ArcSource(Arc<Backend>);

impl ProvideDeveloperIdentity for ArcSource {
    fn developer_identity(&self) -> BoxFuture<'_, Result<DeveloperIdentity, BoxError>> {
        self.0.developer_identity()
    }
}

/// How far apart two times are, either way.
fn apart(a: SystemTime, b: SystemTime) -> Duration {
    match a.duration_since(b) {
        Ok(d) => d,
        Err(e) => e.duration(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_refreshed_on_time_by_a_skewed_server_clock() {
    for offset in [TWO_HOURS, -TWO_HOURS] {
        let (running, admin) = emulator(Options {
            clock_offset_secs: offset,
            ..Options::default()
        })
        .await;
        let pool = pool(&admin).await;
        let counting = Counting::new(client(&running));
        let clock = TestClock::new();
        let start = clock.now();
        let (builder, _) = builder(&counting, &pool, &clock);
        let provider = builder.refresh_margin(Duration::from_secs(5 * 60)).build();

        let first = provider.credentials().await.unwrap();
        let skew = counting.inner.config().clock_skew().millis();
        assert!(
            skew.abs_diff(offset * 1000) <= 2_000,
            "offset {offset} s, learnt {skew} ms"
        );
        // The emulator's credentials live an hour on its clock: an hour on this one too.
        let expiry = first.expiry().unwrap();
        assert!(
            apart(expiry, start + HOUR) <= Duration::from_secs(3),
            "{offset}"
        );
        let refresh = provider.next_refresh().unwrap();
        let expected = start + HOUR - Duration::from_secs(5 * 60);
        assert!(
            apart(refresh, expected) <= Duration::from_secs(3),
            "{offset}"
        );

        // Just before the refresh point the cached credentials stand; at it they are replaced.
        clock.set(refresh - Duration::from_secs(1));
        let cached = provider.credentials().await.unwrap();
        assert_eq!(cached.access_key_id(), first.access_key_id());
        assert_eq!(counting.credentials_calls(), 1);
        clock.set(refresh);
        let renewed = provider.credentials().await.unwrap();
        assert_ne!(renewed.access_key_id(), first.access_key_id());
        assert_eq!(counting.credentials_calls(), 2);
        running.shutdown().await.unwrap();
    }
}

/// An answer's status and error code.
type Answer = (u16, Option<String>);

/// The HTTP transport, noting the status and error code of every answer.
#[derive(Clone, Default)]
struct Noting {
    inner: Arc<HttpsTransport>,
    answers: Arc<Mutex<Vec<Answer>>>,
}

impl Transport for Noting {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let response = self.inner.send(request).await?;
            let code = response
                .headers()
                .get("x-amzn-errortype")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let status = response.status().as_u16();
            self.answers.lock().unwrap().push((status, code));
            Ok(response)
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_call_to_a_skewed_server_succeeds_after_the_correction() {
    for offset in [TWO_HOURS, -TWO_HOURS] {
        let (running, _) = emulator(Options {
            clock_offset_secs: offset,
            verify_signatures: Some((KEY_ID.to_owned(), SECRET.to_owned())),
            ..Options::default()
        })
        .await;
        let noting = Noting::default();
        let admin = Client::new(
            Config::builder()
                .region("us-east-1")
                .endpoint_url(running.url())
                .credentials(StaticKeys::new(KEY_ID, SECRET, None, None, "test"))
                .transport(noting.clone())
                .build(),
        );
        // The first signed call is refused for its time, learns the server's clock from the
        // refusal, and is signed again at the server's time.
        let pool = pool(&admin).await;
        let skew = admin.config().clock_skew().millis();
        assert!(skew.abs_diff(offset * 1000) <= 2_000, "{offset}: {skew}");
        let described = admin
            .describe_identity_pool(DescribeIdentityPoolInput::new(&pool))
            .await
            .expect("DescribeIdentityPool, signed at the server's time");
        assert_eq!(described.identity_pool_id, pool);
        let refused = (400, Some("InvalidSignatureException".to_owned()));
        let accepted = (200, None);
        // CreateIdentityPool twice, then SetIdentityPoolRoles and DescribeIdentityPool once.
        assert_eq!(
            *noting.answers.lock().unwrap(),
            vec![refused, accepted.clone(), accepted.clone(), accepted],
            "{offset}"
        );
        running.shutdown().await.unwrap();
    }
}
