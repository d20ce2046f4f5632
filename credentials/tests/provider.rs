//! The provider against an in-process Cognito Identity: a fake service served by the
//! generated `Router` through `InMemoryTransport`, so every call crosses the real wire format.
//! The fake counts calls and records what each one carried; a test clock moves time.

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use cognito_identity::error::*;
use cognito_identity::runtime::auth::credentials::{CredentialsError, ProvideCredentials};
use cognito_identity::runtime::DateTime;
use cognito_identity::types::*;
use cognito_identity::{Client, CognitoIdentity, Config, InMemoryTransport, Router};
use cognito_identity_credentials::{
    logins_fn, CognitoCredentialsError, CognitoCredentialsProvider, Logins,
};

const POOL: &str = "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b";
const GOOGLE: &str = "accounts.google.com";

/// One call as the service saw it.
#[derive(Debug, Clone, PartialEq)]
struct Call {
    operation: &'static str,
    identity: Option<String>,
    logins: Option<HashMap<String, String>>,
    account_id: Option<String>,
    custom_role_arn: Option<String>,
}

#[derive(Default)]
struct State {
    now: Mutex<Option<SystemTime>>,
    lifetime: Mutex<Option<Duration>>,
    get_id_calls: AtomicUsize,
    credentials_calls: AtomicUsize,
    calls: Mutex<Vec<Call>>,
    /// Refuse every call with `NotAuthorizedException`.
    refuse: Mutex<Option<&'static str>>,
    /// Identities the service no longer knows.
    lost: Mutex<Vec<String>>,
    /// How often the credentials call yields before answering, so that concurrent callers
    /// pile up behind it.
    yields: AtomicUsize,
}

impl State {
    fn now(&self) -> SystemTime {
        self.now.lock().unwrap().unwrap_or(SystemTime::UNIX_EPOCH)
    }

    fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap();
        *now = Some(now.unwrap_or(SystemTime::UNIX_EPOCH) + by);
    }

    fn calls(&self, operation: &str) -> Vec<Call> {
        let calls = self.calls.lock().unwrap();
        calls
            .iter()
            .filter(|c| c.operation == operation)
            .cloned()
            .collect()
    }

    fn record(&self, call: Call) {
        self.calls.lock().unwrap().push(call);
    }
}

#[derive(Clone)]
struct Fake(Arc<State>);

macro_rules! not_used {
    ($($name:ident: $input:ty => $output:ty, $error:ty;)*) => {$(
        async fn $name(&self, _: $input) -> Result<$output, $error> {
            Err(<$error>::unhandled("NotUsed", stringify!($name)))
        }
    )*};
}

impl CognitoIdentity for Fake {
    async fn get_id(&self, input: GetIdInput) -> Result<GetIdResponse, GetIdError> {
        let n = self.0.get_id_calls.fetch_add(1, Ordering::SeqCst) + 1;
        self.0.record(Call {
            operation: "GetId",
            identity: None,
            logins: input.logins,
            account_id: input.account_id,
            custom_role_arn: None,
        });
        if let Some(message) = *self.0.refuse.lock().unwrap() {
            return Err(NotAuthorizedException::new().with_message(message).into());
        }
        Ok(GetIdResponse::new()
            .with_identity_id(format!("us-east-1:00000000-0000-0000-0000-00000000000{n}")))
    }

    async fn get_credentials_for_identity(
        &self,
        input: GetCredentialsForIdentityInput,
    ) -> Result<GetCredentialsForIdentityResponse, GetCredentialsForIdentityError> {
        for _ in 0..self.0.yields.load(Ordering::SeqCst) {
            tokio::task::yield_now().await;
        }
        let n = self.0.credentials_calls.fetch_add(1, Ordering::SeqCst) + 1;
        self.0.record(Call {
            operation: "GetCredentialsForIdentity",
            identity: Some(input.identity_id.clone()),
            logins: input.logins,
            account_id: None,
            custom_role_arn: input.custom_role_arn,
        });
        if let Some(message) = *self.0.refuse.lock().unwrap() {
            return Err(NotAuthorizedException::new().with_message(message).into());
        }
        if self.0.lost.lock().unwrap().contains(&input.identity_id) {
            return Err(ResourceNotFoundException::new()
                .with_message(format!("Identity '{}' not found.", input.identity_id))
                .into());
        }
        let lifetime = self.0.lifetime.lock().unwrap().unwrap_or(HOUR);
        let credentials = cognito_identity::types::Credentials::new()
            .with_access_key_id(format!("ASIAKEY{n}"))
            .with_secret_key(format!("secret-{n}"))
            .with_session_token(format!("token-{n}"))
            .with_expiration(DateTime::from(self.0.now() + lifetime));
        Ok(GetCredentialsForIdentityResponse::new()
            .with_identity_id(input.identity_id)
            .with_credentials(credentials))
    }

    support::other_operations!(not_used);
}

const HOUR: Duration = Duration::from_secs(3600);

/// A fake service at a fixed time, a client that reaches it through its router, and the
/// state to inspect.
fn service() -> (Client, Arc<State>) {
    let state = Arc::new(State::default());
    state.advance(Duration::from_secs(1_700_000_000));
    let transport = InMemoryTransport::service(Router::new(Fake(Arc::clone(&state))));
    let client = Client::new(
        Config::builder()
            .region("us-east-1")
            .transport(transport)
            .build(),
    );
    (client, state)
}

/// A provider builder whose clock is the fake service's.
fn builder(client: Client, state: &Arc<State>) -> cognito_identity_credentials::Builder<Client> {
    let clock = Arc::clone(state);
    CognitoCredentialsProvider::builder(client, POOL).clock(move || clock.now())
}

fn google(token: &str) -> Option<HashMap<String, String>> {
    Some(HashMap::from([(GOOGLE.to_owned(), token.to_owned())]))
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn get_id_runs_once_and_both_calls_carry_the_same_logins() {
    let (client, state) = service();
    let provider = builder(client, &state)
        .logins([(GOOGLE, "id-token")])
        .account_id("123456789012")
        .build();
    block_on(async {
        let first = provider.credentials().await.unwrap();
        assert_eq!(first.access_key_id(), "ASIAKEY1");
        assert_eq!(first.secret_access_key(), "secret-1");
        assert_eq!(first.session_token(), Some("token-1"));
        assert_eq!(first.expiry(), Some(state.now() + HOUR));
        assert_eq!(first.provider_name(), "CognitoIdentity");

        // Two refreshes later, still one identity.
        for _ in 0..2 {
            provider.invalidate();
            provider.credentials().await.unwrap();
        }
        assert_eq!(
            provider.identity_id().await.unwrap(),
            "us-east-1:00000000-0000-0000-0000-000000000001"
        );
    });
    assert_eq!(state.get_id_calls.load(Ordering::SeqCst), 1);
    assert_eq!(state.credentials_calls.load(Ordering::SeqCst), 3);
    let get_id = state.calls("GetId");
    assert_eq!(get_id[0].logins, google("id-token"));
    assert_eq!(get_id[0].account_id.as_deref(), Some("123456789012"));
    for call in state.calls("GetCredentialsForIdentity") {
        assert_eq!(call.logins, google("id-token"));
        assert_eq!(
            call.identity.as_deref(),
            Some("us-east-1:00000000-0000-0000-0000-000000000001")
        );
        assert_eq!(call.custom_role_arn, None);
    }
}

#[test]
fn identity_id_alone_calls_get_id_and_nothing_else() {
    let (client, state) = service();
    let provider = builder(client, &state).build();
    assert_eq!(provider.cached_identity_id(), None);
    let id = block_on(provider.identity_id()).unwrap();
    assert_eq!(id, "us-east-1:00000000-0000-0000-0000-000000000001");
    assert_eq!(provider.cached_identity_id().as_deref(), Some(id.as_str()));
    assert_eq!(state.credentials_calls.load(Ordering::SeqCst), 0);
    // No logins: an unauthenticated identity, and no empty map on the wire.
    assert_eq!(state.calls("GetId")[0].logins, None);
}

#[test]
fn credentials_are_cached_until_expiry_minus_the_margin() {
    let (client, state) = service();
    let provider = builder(client, &state)
        .refresh_margin(Duration::from_secs(300))
        .build();
    block_on(async {
        let key = |c: cognito_identity_credentials::Credentials| c.access_key_id().to_owned();
        assert_eq!(key(provider.credentials().await.unwrap()), "ASIAKEY1");
        // 54 minutes in: six minutes left, more than the margin.
        state.advance(Duration::from_secs(54 * 60));
        assert_eq!(key(provider.credentials().await.unwrap()), "ASIAKEY1");
        // Exactly at expiry minus margin: refreshed.
        state.advance(Duration::from_secs(60));
        assert_eq!(key(provider.credentials().await.unwrap()), "ASIAKEY2");
        assert_eq!(key(provider.credentials().await.unwrap()), "ASIAKEY2");
    });
    assert_eq!(state.credentials_calls.load(Ordering::SeqCst), 2);
    assert_eq!(state.get_id_calls.load(Ordering::SeqCst), 1);
}

#[test]
fn the_margin_is_configurable() {
    let (client, state) = service();
    let provider = builder(client, &state)
        .refresh_margin(Duration::from_secs(10))
        .build();
    block_on(async {
        provider.credentials().await.unwrap();
        state.advance(HOUR - Duration::from_secs(11));
        provider.credentials().await.unwrap();
        assert_eq!(state.credentials_calls.load(Ordering::SeqCst), 1);
        state.advance(Duration::from_secs(1));
        provider.credentials().await.unwrap();
        assert_eq!(state.credentials_calls.load(Ordering::SeqCst), 2);
    });
}

/// The access key ids `callers` concurrent tasks get from `provider`, in task order.
async fn concurrent_key_ids(provider: &CognitoCredentialsProvider, callers: usize) -> Vec<String> {
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let provider = provider.clone();
            tokio::spawn(async move { provider.credentials().await })
        })
        .collect();
    let mut keys = Vec::new();
    for task in tasks {
        keys.push(task.await.unwrap().unwrap().access_key_id().to_owned());
    }
    keys
}

#[test]
fn twenty_concurrent_callers_share_one_refresh() {
    let (client, state) = service();
    state.yields.store(50, Ordering::SeqCst);
    let provider = builder(client, &state).build();
    let keys = block_on(concurrent_key_ids(&provider, 20));
    assert_eq!(keys, vec!["ASIAKEY1"; 20]);
    assert_eq!(state.get_id_calls.load(Ordering::SeqCst), 1);
    assert_eq!(state.credentials_calls.load(Ordering::SeqCst), 1);
}

#[test]
fn concurrent_callers_share_a_refresh_whose_credentials_are_already_within_the_margin() {
    // Credentials that live less than the margin are refreshed on every call, but callers
    // that waited for a refresh take its result instead of starting one each.
    let (client, state) = service();
    state.yields.store(50, Ordering::SeqCst);
    *state.lifetime.lock().unwrap() = Some(Duration::from_secs(90));
    let provider = builder(client, &state).build();
    let keys = block_on(concurrent_key_ids(&provider, 20));
    assert_eq!(keys, vec!["ASIAKEY1"; 20]);
    assert_eq!(state.credentials_calls.load(Ordering::SeqCst), 1);
    // The next caller finds them inside the margin and refreshes.
    let next = block_on(provider.credentials()).unwrap();
    assert_eq!(next.access_key_id(), "ASIAKEY2");
}

#[test]
fn concurrent_callers_share_a_failed_refresh_too() {
    let (client, state) = service();
    state.yields.store(50, Ordering::SeqCst);
    let provider = builder(client, &state).identity_id(POOL).build();
    *state.refuse.lock().unwrap() = Some("Token is expired");
    let results = block_on(async {
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let provider = provider.clone();
                tokio::spawn(async move { provider.credentials().await })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    });
    for result in results {
        assert!(result.unwrap_err().is_not_authorized());
    }
    assert_eq!(state.credentials_calls.load(Ordering::SeqCst), 1);
    // The failure is not cached: the next caller tries again.
    *state.refuse.lock().unwrap() = None;
    block_on(provider.credentials()).unwrap();
    assert_eq!(state.credentials_calls.load(Ordering::SeqCst), 2);
}

#[test]
fn not_authorized_is_its_own_error() {
    let (client, state) = service();
    *state.refuse.lock().unwrap() =
        Some("Invalid login token. Token expired: 1446742058 >= 1446727732");
    let provider = builder(client, &state).logins([(GOOGLE, "stale")]).build();
    let error = block_on(provider.credentials()).unwrap_err();
    match &error {
        CognitoCredentialsError::NotAuthorized { operation, message } => {
            assert_eq!(*operation, "GetId");
            assert_eq!(
                message.as_deref(),
                Some("Invalid login token. Token expired: 1446742058 >= 1446727732")
            );
        }
        other => panic!("expected NotAuthorized, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "GetId: not authorized: Invalid login token. Token expired: 1446742058 >= 1446727732"
    );

    // Through the runtime's trait, the same failure is a provider error naming the pool.
    let through_trait = block_on(provider.provide_credentials()).unwrap_err();
    match through_trait {
        CredentialsError::ProviderError(text) => {
            assert!(text.contains(POOL), "{text}");
            assert!(text.contains("not authorized"), "{text}");
            assert!(!text.contains("stale"), "a login token leaked: {text}");
        }
        other => panic!("expected ProviderError, got {other:?}"),
    }
}

#[test]
fn other_service_errors_keep_their_operation_error() {
    let (client, state) = service();
    let provider = builder(client, &state).identity_id(POOL).build();
    // The configured identity is unknown, and so is the one `GetId` gives in its place.
    state.lost.lock().unwrap().push(POOL.to_owned());
    state
        .lost
        .lock()
        .unwrap()
        .push("us-east-1:00000000-0000-0000-0000-000000000001".to_owned());
    let error = block_on(provider.credentials()).unwrap_err();
    match &error {
        CognitoCredentialsError::GetCredentialsForIdentity(e) => {
            assert!(matches!(
                **e,
                GetCredentialsForIdentityError::ResourceNotFoundException(_)
            ));
        }
        other => panic!("expected a GetCredentialsForIdentity error, got {other:?}"),
    }
    assert!(std::error::Error::source(&error).is_some());
    // A configured identity the service does not know gives way to one `GetId`, not more.
    assert_eq!(state.get_id_calls.load(Ordering::SeqCst), 1);
}

#[test]
fn a_logins_callback_is_asked_on_every_refresh() {
    let (client, state) = service();
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let provider = builder(client, &state)
        .logins_provider(logins_fn(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                Ok::<_, std::io::Error>(Logins::from([(GOOGLE.to_owned(), format!("token-v{n}"))]))
            }
        }))
        .build();
    block_on(async {
        provider.credentials().await.unwrap();
        provider.credentials().await.unwrap(); // cached: the callback is not asked
        state.advance(HOUR);
        provider.credentials().await.unwrap();
    });
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    let get_id = state.calls("GetId");
    assert_eq!(get_id.len(), 1);
    assert_eq!(get_id[0].logins, google("token-v1"));
    let credentials: Vec<_> = state
        .calls("GetCredentialsForIdentity")
        .into_iter()
        .map(|c| c.logins)
        .collect();
    assert_eq!(credentials, vec![google("token-v1"), google("token-v2")]);
}

/// A logins source whose user the test changes: `epoch` counts the changes.
#[derive(Clone)]
struct Switching(Arc<SwitchingUser>);

struct SwitchingUser {
    token: std::sync::Mutex<String>,
    epoch: std::sync::atomic::AtomicU64,
}

impl std::ops::Deref for Switching {
    type Target = SwitchingUser;
    fn deref(&self) -> &SwitchingUser {
        &self.0
    }
}

impl cognito_identity_credentials::ProvideLogins for Switching {
    fn logins(
        &self,
    ) -> cognito_identity::runtime::BoxFuture<
        '_,
        Result<Logins, cognito_identity_credentials::BoxError>,
    > {
        let token = self.token.lock().unwrap().clone();
        Box::pin(async move { Ok(Logins::from([(GOOGLE.to_owned(), token)])) })
    }

    fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }
}

#[test]
fn cached_credentials_are_dropped_when_the_logins_source_changes_epoch() {
    let (client, state) = service();
    let source = Switching(Arc::new(SwitchingUser {
        token: std::sync::Mutex::new("token-a".to_owned()),
        epoch: std::sync::atomic::AtomicU64::new(0),
    }));
    let provider = builder(client, &state)
        .logins_provider(source.clone())
        .build();
    block_on(async {
        provider.credentials().await.unwrap();
        provider.credentials().await.unwrap(); // cached
                                               // Another user: a new token and a new epoch, long before the credentials expire.
        *source.token.lock().unwrap() = "token-b".to_owned();
        source.epoch.fetch_add(1, Ordering::SeqCst);
        provider.credentials().await.unwrap();
        provider.credentials().await.unwrap(); // cached again, under the new epoch
    });
    let sent: Vec<_> = state
        .calls("GetCredentialsForIdentity")
        .into_iter()
        .map(|c| c.logins)
        .collect();
    assert_eq!(sent, vec![google("token-a"), google("token-b")]);
}

#[test]
fn a_failing_logins_callback_is_reported_without_calling_the_service() {
    let (client, state) = service();
    let provider = builder(client, &state)
        .logins_provider(logins_fn(|| async {
            Err::<Logins, _>(std::io::Error::other("the session was signed out"))
        }))
        .build();
    let error = block_on(provider.credentials()).unwrap_err();
    assert!(matches!(error, CognitoCredentialsError::Logins(_)));
    assert_eq!(
        error.to_string(),
        "the logins source failed: the session was signed out"
    );
    assert!(state.calls.lock().unwrap().is_empty());
}

#[test]
fn a_lost_identity_is_replaced_once() {
    let (client, state) = service();
    let provider = builder(client, &state).build();
    block_on(async {
        provider.credentials().await.unwrap();
        let first = provider.identity_id().await.unwrap();
        // The identity is deleted on the service side.
        state.lost.lock().unwrap().push(first.clone());
        provider.invalidate();
        let credentials = provider.credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "ASIAKEY3");
        let second = provider.identity_id().await.unwrap();
        assert_ne!(first, second);
        assert_eq!(state.get_id_calls.load(Ordering::SeqCst), 2);

        // If the new identity is lost at once as well, the error comes back: no loop.
        state.lost.lock().unwrap().push(second.clone());
        state
            .lost
            .lock()
            .unwrap()
            .push("us-east-1:00000000-0000-0000-0000-000000000003".to_owned());
        provider.invalidate();
        let error = provider.credentials().await.unwrap_err();
        assert!(matches!(
            error,
            CognitoCredentialsError::GetCredentialsForIdentity(_)
        ));
        assert_eq!(state.get_id_calls.load(Ordering::SeqCst), 3);
    });
}

#[test]
fn a_configured_identity_and_role_skip_get_id() {
    let (client, state) = service();
    let provider = builder(client, &state)
        .identity_id(POOL)
        .custom_role_arn("arn:aws:iam::123456789012:role/Reader")
        .build();
    assert_eq!(provider.cached_identity_id().as_deref(), Some(POOL));
    block_on(provider.credentials()).unwrap();
    assert_eq!(state.get_id_calls.load(Ordering::SeqCst), 0);
    let call = &state.calls("GetCredentialsForIdentity")[0];
    assert_eq!(call.identity.as_deref(), Some(POOL));
    assert_eq!(
        call.custom_role_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/Reader")
    );
}

#[test]
fn debug_output_never_shows_secrets() {
    let (client, state) = service();
    let provider = builder(client, &state)
        .logins([(GOOGLE, "very-secret-id-token")])
        .build();
    let credentials = block_on(provider.credentials()).unwrap();
    let shown = format!("{provider:?} {credentials:?}");
    for secret in ["very-secret-id-token", "secret-1", "token-1"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert!(shown.contains("ASIAKEY1"), "{shown}");
    assert!(shown.contains(POOL), "{shown}");
}

#[test]
fn the_provider_drives_the_runtime_trait() {
    let (client, state) = service();
    let provider = builder(client, &state).build();
    let shared: Arc<dyn ProvideCredentials> = Arc::new(provider.clone());
    let credentials = block_on(shared.provide_credentials()).unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAKEY1");
    // The trait object and the provider share one cache.
    assert_eq!(
        block_on(provider.credentials()).unwrap().access_key_id(),
        "ASIAKEY1"
    );
    assert_eq!(state.credentials_calls.load(Ordering::SeqCst), 1);
}

#[cfg(feature = "aws-sdk")]
#[test]
fn the_provider_drives_the_aws_sdk_trait() {
    use aws_credential_types::provider::ProvideCredentials as SdkProvideCredentials;
    let (client, state) = service();
    let provider = builder(client, &state).build();
    let sdk = aws_credential_types::provider::SharedCredentialsProvider::new(provider.clone());
    let credentials = block_on(sdk.provide_credentials()).unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAKEY1");
    assert_eq!(credentials.secret_access_key(), "secret-1");
    assert_eq!(credentials.session_token(), Some("token-1"));
    assert_eq!(credentials.expiry(), Some(state.now() + HOUR));
    assert!(!format!("{credentials:?}").contains("secret-1"));

    *state.refuse.lock().unwrap() = Some("Access to Identity is forbidden");
    provider.invalidate();
    let error = block_on(sdk.provide_credentials()).unwrap_err();
    let source = std::error::Error::source(&error).expect("the provider's error is the source");
    let ours = source
        .downcast_ref::<CognitoCredentialsError>()
        .expect("the source is the typed error");
    assert!(ours.is_not_authorized());
}
