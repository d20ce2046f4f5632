//! The user-pool session against the generated `mock::Mock` of the user-pool service: every
//! sign-in flow, the challenges it answers and those it refuses, SECRET_HASH, refresh with
//! and without rotation and on a pool without `GetTokensFromRefreshToken`, refused refresh
//! tokens, sign-out, the session store, malformed answers, and the session as the credentials
//! provider's logins source.
//!
//! SRP is checked for real: the mock's InitiateAuth starts a `cognito_srp::ServerHandshake`
//! for a stored verifier, and its RespondToAuthChallenge verifies the claim.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use cognito_identity_credentials::{
    secret_hash, AuthFlow, CognitoCredentialsProvider, InMemorySessionStore, NewPassword,
    SessionStore, StoredSession, UserPoolError, UserPoolSession,
};
use cognito_identity_provider::error::*;
use cognito_identity_provider::mock::Mock;
use cognito_identity_provider::types::*;
use cognito_srp::{PoolName, ServerHandshake, Timestamp, Verifier};

const POOL: &str = "us-east-1_Example1";
const CLIENT: &str = "exampleclient";
const SECRET: &str = "the-client-secret";
const PASSWORD: &str = "Passw0rd!";
/// The user's name in the pool, as the pool's challenges and tokens name it.
const USER_ID: &str = "0f6c2d1e-aaaa-4bbb-8ccc-123456789abc";
/// Seconds since 1970 of the test clock's start.
const START: u64 = 1_900_000_000;

/// A JWT with `claims` as its payload (the signature is not checked by the session).
fn jwt(claims: serde_json::Value) -> String {
    format!(
        "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.{}.c2lnbmF0dXJl",
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// Tokens issued at `iat`, valid an hour, for [`USER_ID`]; `n` tells generations apart.
fn result(iat: u64, n: u32, refresh: Option<&str>) -> AuthenticationResultType {
    let id = jwt(serde_json::json!({
        "sub": USER_ID, "cognito:username": USER_ID, "token_use": "id",
        "iat": iat, "exp": iat + 3600, "n": n,
    }));
    let access = jwt(serde_json::json!({
        "sub": USER_ID, "username": USER_ID, "token_use": "access",
        "iat": iat, "exp": iat + 3600, "n": n, "origin_jti": "origin-1",
    }));
    let mut r = AuthenticationResultType::new()
        .with_id_token(id)
        .with_access_token(access)
        .with_expires_in(3600)
        .with_token_type("Bearer");
    r.refresh_token = refresh.map(str::to_owned);
    r
}

/// A clock the test moves.
#[derive(Clone)]
struct TestClock(Arc<AtomicU64>);

impl TestClock {
    fn new() -> Self {
        TestClock(Arc::new(AtomicU64::new(START)))
    }
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.0.load(Ordering::SeqCst))
    }
    fn secs(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
    fn advance(&self, seconds: u64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

fn session_with(
    mock: &Mock,
    clock: &TestClock,
    configure: impl FnOnce(
        cognito_identity_credentials::SessionBuilder<Mock>,
    ) -> cognito_identity_credentials::SessionBuilder<Mock>,
) -> UserPoolSession<Mock> {
    let c = clock.clone();
    configure(UserPoolSession::builder(mock.clone(), POOL, CLIENT).clock(move || c.now()))
        .build()
        .expect("a valid pool id")
}

fn not_authorized(message: &str) -> NotAuthorizedException {
    NotAuthorizedException::new().with_message(message)
}

/// The mock's SRP server: InitiateAuth (USER_SRP_AUTH) starts a handshake for the stored
/// verifier of "alice" (pool name `USER_ID`); RespondToAuthChallenge checks the claim and
/// answers `after_claim`.
fn serve_srp(
    mock: &Mock,
    clock: &TestClock,
    after_claim: impl Fn(&RespondToAuthChallengeRequest) -> RespondToAuthChallengeResponse
        + Send
        + Sync
        + 'static,
) {
    let pool = PoolName::from_user_pool_id(POOL).unwrap();
    let verifier = Verifier::new(&pool, USER_ID, PASSWORD).unwrap();
    let handshake: Arc<Mutex<Option<ServerHandshake>>> = Arc::default();
    let h = Arc::clone(&handshake);
    mock.on_initiate_auth(move |input| {
        assert_eq!(input.auth_flow, AuthFlowType::UserSrpAuth);
        let p = input.auth_parameters.unwrap_or_default();
        let server = ServerHandshake::start(pool.clone(), USER_ID, &verifier, &p["SRP_A"])
            .map_err(|e| {
                InitiateAuthError::unhandled("InvalidParameterException", e.to_string())
            })?;
        let parameters = HashMap::from([
            ("USER_ID_FOR_SRP".to_owned(), USER_ID.to_owned()),
            ("USERNAME".to_owned(), USER_ID.to_owned()),
            ("SALT".to_owned(), server.salt()),
            ("SRP_B".to_owned(), server.srp_b().to_owned()),
            ("SECRET_BLOCK".to_owned(), server.secret_block()),
        ]);
        *h.lock().unwrap() = Some(server);
        Ok(InitiateAuthResponse::new()
            .with_challenge_name(ChallengeNameType::PasswordVerifier)
            .with_session("session-1")
            .with_challenge_parameters(parameters))
    });
    let clock = clock.clone();
    mock.on_respond_to_auth_challenge(move |input| {
        if input.challenge_name != ChallengeNameType::PasswordVerifier {
            return Ok(after_claim(&input));
        }
        let r = input.challenge_responses.clone().unwrap_or_default();
        assert_eq!(
            r["USERNAME"], USER_ID,
            "USER_ID_FOR_SRP is the name from then on"
        );
        assert_eq!(input.session.as_deref(), Some("session-1"));
        let timestamp = Timestamp::parse(&r["TIMESTAMP"]).expect("Cognito's timestamp form");
        assert_eq!(timestamp.unix_seconds(), clock.secs());
        let server = handshake.lock().unwrap().take().expect("a handshake");
        server
            .verify(
                &r["PASSWORD_CLAIM_SECRET_BLOCK"],
                &timestamp,
                &r["PASSWORD_CLAIM_SIGNATURE"],
            )
            .map_err(|_| {
                RespondToAuthChallengeError::NotAuthorizedException(not_authorized(
                    "Incorrect username or password.",
                ))
            })?;
        Ok(after_claim(&input))
    });
}

fn tokens_after_claim(
    clock: &TestClock,
) -> impl Fn(&RespondToAuthChallengeRequest) -> RespondToAuthChallengeResponse + Send + Sync {
    let clock = clock.clone();
    move |_| {
        RespondToAuthChallengeResponse::new().with_authentication_result(result(
            clock.secs(),
            1,
            Some("refresh-1"),
        ))
    }
}

#[tokio::test]
async fn srp_sign_in_proves_the_password_and_names_the_user_by_user_id_for_srp() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    serve_srp(&mock, &clock, tokens_after_claim(&clock));
    let session = session_with(&mock, &clock, |b| b);
    let tokens = session.sign_in("alice", PASSWORD).await.expect("signed in");
    assert_eq!(tokens.username(), USER_ID);
    assert_eq!(tokens.refresh_token(), Some("refresh-1"));
    assert_eq!(tokens.expires_at(), clock.now() + Duration::from_secs(3600));
    let initiate = &mock.initiate_auth_calls()[0];
    let p = initiate.auth_parameters.as_ref().unwrap();
    assert_eq!(p["USERNAME"], "alice");
    assert!(!p.contains_key("SECRET_HASH"), "no secret, no hash");
    assert!(
        !p.values().any(|v| v.contains(PASSWORD)),
        "SRP never sends the password"
    );
    assert_eq!(mock.calls(), ["InitiateAuth", "RespondToAuthChallenge"]);
    // Fresh tokens come from memory.
    assert_eq!(session.tokens().await.unwrap(), tokens);
    assert_eq!(mock.call_count(), 2);
}

#[tokio::test]
async fn a_wrong_password_is_not_authorized() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    serve_srp(&mock, &clock, tokens_after_claim(&clock));
    let session = session_with(&mock, &clock, |b| b);
    let error = session.sign_in("alice", "wrong").await.unwrap_err();
    assert!(
        matches!(&error, UserPoolError::NotAuthorized { operation: "RespondToAuthChallenge", message: Some(m) } if m == "Incorrect username or password."),
        "{error:?}"
    );
    assert!(matches!(
        session.tokens().await,
        Err(UserPoolError::NotSignedIn)
    ));
}

#[tokio::test]
async fn password_flow_sends_the_password_and_the_secret_hash() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let c = clock.clone();
    mock.on_initiate_auth(move |input| {
        assert_eq!(input.auth_flow, AuthFlowType::UserPasswordAuth);
        let p = input.auth_parameters.unwrap_or_default();
        if p.get("SECRET_HASH") != Some(&secret_hash(SECRET, "alice", CLIENT)) {
            return Err(InitiateAuthError::NotAuthorizedException(not_authorized(
                "Unable to verify secret hash for client ID",
            )));
        }
        assert_eq!(p["PASSWORD"], PASSWORD);
        Ok(InitiateAuthResponse::new().with_authentication_result(result(c.secs(), 1, Some("r1"))))
    });
    let session = session_with(&mock, &clock, |b| {
        b.auth_flow(AuthFlow::UserPassword).client_secret(SECRET)
    });
    let tokens = session.sign_in("alice", PASSWORD).await.expect("signed in");
    // The access token's `username` is the name from then on.
    assert_eq!(tokens.username(), USER_ID);

    // Without the secret the pool refuses: the hash is what it checks.
    let bare = session_with(&mock, &clock, |b| b.auth_flow(AuthFlow::UserPassword));
    let error = bare.sign_in("alice", PASSWORD).await.unwrap_err();
    assert!(error.is_not_authorized(), "{error:?}");
}

#[test]
fn secret_hash_matches_an_independent_computation() {
    // HMAC-SHA256 under "the-client-secret" of "alice" + "exampleclient", base64, computed
    // with Python's hmac module.
    assert_eq!(
        secret_hash(SECRET, "alice", CLIENT),
        "kceCtSvdaKXpnFm8WxnUqr2PtltpyGG30Glv1iuxEco="
    );
}

#[tokio::test]
async fn srp_with_a_secret_hashes_the_user_id_for_srp_in_the_answer() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let c = clock.clone();
    serve_srp(&mock, &clock, move |input| {
        let r = input.challenge_responses.as_ref().unwrap();
        assert_eq!(r["SECRET_HASH"], secret_hash(SECRET, USER_ID, CLIENT));
        RespondToAuthChallengeResponse::new().with_authentication_result(result(
            c.secs(),
            1,
            Some("r"),
        ))
    });
    let session = session_with(&mock, &clock, |b| b.client_secret(SECRET));
    session.sign_in("alice", PASSWORD).await.expect("signed in");
    let p = mock.initiate_auth_calls()[0]
        .auth_parameters
        .clone()
        .unwrap();
    assert_eq!(p["SECRET_HASH"], secret_hash(SECRET, "alice", CLIENT));
}

#[tokio::test]
async fn new_password_required_is_answered_by_the_callback() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let c = clock.clone();
    serve_srp(&mock, &clock, move |input| {
        if input.challenge_name == ChallengeNameType::PasswordVerifier {
            let parameters = HashMap::from([
                ("USER_ID_FOR_SRP".to_owned(), USER_ID.to_owned()),
                (
                    "requiredAttributes".to_owned(),
                    r#"["userAttributes.name"]"#.to_owned(),
                ),
                (
                    "userAttributes".to_owned(),
                    r#"{"email":"alice@example.com","email_verified":"true"}"#.to_owned(),
                ),
            ]);
            return RespondToAuthChallengeResponse::new()
                .with_challenge_name(ChallengeNameType::NewPasswordRequired)
                .with_session("session-2")
                .with_challenge_parameters(parameters);
        }
        assert_eq!(input.challenge_name, ChallengeNameType::NewPasswordRequired);
        assert_eq!(input.session.as_deref(), Some("session-2"));
        let r = input.challenge_responses.as_ref().unwrap();
        assert_eq!(r["NEW_PASSWORD"], "N3w-Passw0rd!");
        assert_eq!(r["USERNAME"], USER_ID);
        assert_eq!(r["userAttributes.name"], "Alice");
        RespondToAuthChallengeResponse::new().with_authentication_result(result(
            c.secs(),
            1,
            Some("r"),
        ))
    });
    let seen = Arc::new(Mutex::new(None));
    let s = Arc::clone(&seen);
    let session = session_with(&mock, &clock, |b| {
        b.on_new_password_required(move |challenge| {
            *s.lock().unwrap() = Some(challenge.clone());
            let name = challenge.required_attributes[0].clone();
            async move {
                Ok::<_, std::io::Error>(
                    NewPassword::new("N3w-Passw0rd!").with_attribute(name, "Alice"),
                )
            }
        })
    });
    session.sign_in("alice", PASSWORD).await.expect("signed in");
    let challenge = seen.lock().unwrap().clone().expect("the callback ran");
    assert_eq!(challenge.username, USER_ID);
    assert_eq!(challenge.required_attributes, ["name"]);
    assert_eq!(
        challenge.user_attributes,
        HashMap::from([("email".to_owned(), "alice@example.com".to_owned())])
    );
    assert_eq!(
        mock.calls(),
        [
            "InitiateAuth",
            "RespondToAuthChallenge",
            "RespondToAuthChallenge"
        ]
    );

    // Without a callback, the challenge is an error that says what is missing.
    let mock2 = Mock::new();
    let c = clock.clone();
    serve_srp(&mock2, &clock, move |input| {
        if input.challenge_name == ChallengeNameType::PasswordVerifier {
            return RespondToAuthChallengeResponse::new()
                .with_challenge_name(ChallengeNameType::NewPasswordRequired)
                .with_session("s");
        }
        RespondToAuthChallengeResponse::new().with_authentication_result(result(c.secs(), 1, None))
    });
    let session = session_with(&mock2, &clock, |b| b);
    let error = session.sign_in("alice", PASSWORD).await.unwrap_err();
    assert!(
        matches!(error, UserPoolError::NewPasswordRequired),
        "{error:?}"
    );
}

#[tokio::test]
async fn challenges_it_does_not_answer_come_back_by_name() {
    for challenge in [
        ChallengeNameType::SmsMfa,
        ChallengeNameType::SoftwareTokenMfa,
        ChallengeNameType::SelectChallenge,
        ChallengeNameType::MfaSetup,
        ChallengeNameType::DeviceSrpAuth,
        ChallengeNameType::CustomChallenge,
        ChallengeNameType::Unknown("SOMETHING_NEW".into()),
    ] {
        let (mock, clock) = (Mock::new(), TestClock::new());
        let name = challenge.as_str().to_owned();
        let ch = challenge.clone();
        serve_srp(&mock, &clock, move |_| {
            RespondToAuthChallengeResponse::new()
                .with_challenge_name(ch.clone())
                .with_session("s")
        });
        let session = session_with(&mock, &clock, |b| b);
        let error = session.sign_in("alice", PASSWORD).await.unwrap_err();
        assert!(
            matches!(&error, UserPoolError::UnhandledChallenge { challenge } if *challenge == name),
            "{name}: {error:?}"
        );
        assert!(error.to_string().contains(&name), "{error}");
        assert!(matches!(
            session.tokens().await,
            Err(UserPoolError::NotSignedIn)
        ));
    }
}

#[tokio::test]
async fn a_disabled_or_unconfirmed_user_gets_a_typed_error() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    mock.queue_initiate_auth([
        Err(InitiateAuthError::NotAuthorizedException(not_authorized(
            "User is disabled.",
        ))),
        Err(InitiateAuthError::UserNotConfirmedException(
            UserNotConfirmedException::new().with_message("User is not confirmed."),
        )),
        Err(InitiateAuthError::PasswordResetRequiredException(
            PasswordResetRequiredException::new(),
        )),
        Err(InitiateAuthError::UserNotFoundException(
            UserNotFoundException::new(),
        )),
    ]);
    let session = session_with(&mock, &clock, |b| b.auth_flow(AuthFlow::UserPassword));
    let e = session.sign_in("alice", PASSWORD).await.unwrap_err();
    assert!(
        matches!(
            e,
            UserPoolError::UserDisabled {
                operation: "InitiateAuth"
            }
        ),
        "{e:?}"
    );
    assert!(e.is_not_authorized());
    let e = session.sign_in("alice", PASSWORD).await.unwrap_err();
    assert!(matches!(e, UserPoolError::UserNotConfirmed), "{e:?}");
    let e = session.sign_in("alice", PASSWORD).await.unwrap_err();
    assert!(matches!(e, UserPoolError::PasswordResetRequired), "{e:?}");
    let e = session.sign_in("alice", PASSWORD).await.unwrap_err();
    assert!(matches!(e, UserPoolError::UserNotFound), "{e:?}");
}

/// A session signed in by the password flow with refresh token "r1", on `mock`.
async fn signed_in(
    mock: &Mock,
    clock: &TestClock,
    store: Arc<InMemorySessionStore>,
) -> UserPoolSession<Mock> {
    let c = clock.clone();
    mock.on_initiate_auth(move |input| match input.auth_flow {
        AuthFlowType::UserPasswordAuth => Ok(
            InitiateAuthResponse::new().with_authentication_result(result(c.secs(), 1, Some("r1")))
        ),
        _ => Err(InitiateAuthError::unhandled("NotMocked", "flow")),
    });
    let session = session_with(mock, clock, |b| {
        b.auth_flow(AuthFlow::UserPassword)
            .client_secret(SECRET)
            .store(store)
    });
    session.sign_in("alice", PASSWORD).await.expect("signed in");
    session
}

#[tokio::test]
async fn tokens_are_refreshed_shortly_before_they_expire_keeping_the_refresh_token() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let store = Arc::new(InMemorySessionStore::new());
    let session = signed_in(&mock, &clock, Arc::clone(&store)).await;
    let c = clock.clone();
    mock.on_get_tokens_from_refresh_token(move |input| {
        assert_eq!(input.refresh_token, "r1");
        assert_eq!(input.client_id, CLIENT);
        assert_eq!(input.client_secret.as_deref(), Some(SECRET));
        // No rotation: no refresh token in the answer.
        Ok(
            GetTokensFromRefreshTokenResponse::new().with_authentication_result(result(
                c.secs(),
                2,
                None,
            )),
        )
    });
    let first = session.tokens().await.unwrap();
    // 58 minutes on: still more than the minute's margin.
    clock.advance(58 * 60);
    assert_eq!(session.tokens().await.unwrap(), first);
    assert!(mock.get_tokens_from_refresh_token_calls().is_empty());
    // 59.5 minutes: inside the margin, so renewed.
    clock.advance(90);
    let second = session.tokens().await.unwrap();
    assert_ne!(second.id_token(), first.id_token());
    assert_eq!(second.refresh_token(), Some("r1"), "kept without rotation");
    assert_eq!(mock.get_tokens_from_refresh_token_calls().len(), 1);
    assert_eq!(store.get().unwrap().refresh_token, "r1");
}

#[tokio::test]
async fn a_rotated_refresh_token_replaces_the_old_one_in_the_store() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let store = Arc::new(InMemorySessionStore::new());
    let session = signed_in(&mock, &clock, Arc::clone(&store)).await;
    assert_eq!(store.get(), Some(StoredSession::new(USER_ID, "r1")));
    let c = clock.clone();
    let n = Arc::new(AtomicU64::new(1));
    mock.on_get_tokens_from_refresh_token(move |input| {
        let k = n.fetch_add(1, Ordering::SeqCst);
        assert_eq!(input.refresh_token, format!("r{k}"));
        let next = format!("r{}", k + 1);
        Ok(
            GetTokensFromRefreshTokenResponse::new().with_authentication_result(result(
                c.secs(),
                2,
                Some(&next),
            )),
        )
    });
    assert_eq!(session.refresh().await.unwrap().refresh_token(), Some("r2"));
    assert_eq!(store.get().unwrap().refresh_token, "r2");
    assert_eq!(session.refresh().await.unwrap().refresh_token(), Some("r3"));
    assert_eq!(store.get().unwrap().refresh_token, "r3");
}

#[tokio::test]
async fn a_pool_without_get_tokens_from_refresh_token_refreshes_with_initiate_auth() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let session = signed_in(&mock, &clock, Arc::default()).await;
    mock.on_get_tokens_from_refresh_token(|_| {
        Err(GetTokensFromRefreshTokenError::unhandled(
            "UnknownOperationException",
            "Unknown operation GetTokensFromRefreshToken",
        ))
    });
    let c = clock.clone();
    mock.on_initiate_auth(move |input| {
        assert_eq!(input.auth_flow, AuthFlowType::RefreshTokenAuth);
        let p = input.auth_parameters.unwrap_or_default();
        assert_eq!(p["REFRESH_TOKEN"], "r1");
        // The hash names the user by the name the tokens gave.
        assert_eq!(p["SECRET_HASH"], secret_hash(SECRET, USER_ID, CLIENT));
        Ok(InitiateAuthResponse::new().with_authentication_result(result(c.secs(), 2, None)))
    });
    let tokens = session.refresh().await.expect("refreshed");
    assert_eq!(tokens.refresh_token(), Some("r1"));
    session.refresh().await.expect("refreshed again");
    // The unknown operation was tried once; later refreshes go straight to InitiateAuth.
    assert_eq!(mock.get_tokens_from_refresh_token_calls().len(), 1);
    assert_eq!(mock.initiate_auth_calls().len(), 3);
}

#[tokio::test]
async fn an_expired_refresh_token_signs_the_session_out() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let store = Arc::new(InMemorySessionStore::new());
    let session = signed_in(&mock, &clock, Arc::clone(&store)).await;
    let epoch = session.epoch();
    mock.on_get_tokens_from_refresh_token(|_| {
        Err(GetTokensFromRefreshTokenError::NotAuthorizedException(
            not_authorized("Refresh Token has expired"),
        ))
    });
    clock.advance(2 * 3600);
    let error = session.tokens().await.unwrap_err();
    assert!(
        matches!(&error, UserPoolError::NotAuthorized { operation: "GetTokensFromRefreshToken", message: Some(m) } if m == "Refresh Token has expired"),
        "{error:?}"
    );
    assert!(matches!(
        session.tokens().await,
        Err(UserPoolError::NotSignedIn)
    ));
    assert_eq!(store.get(), None);
    assert_ne!(session.epoch(), epoch);

    // A failure that says nothing about the token (the network, a throttle) keeps the user.
    let (mock, clock) = (Mock::new(), TestClock::new());
    let session = signed_in(&mock, &clock, Arc::default()).await;
    mock.on_get_tokens_from_refresh_token(|_| {
        Err(GetTokensFromRefreshTokenError::TooManyRequestsException(
            TooManyRequestsException::new(),
        ))
    });
    let error = session.refresh().await.unwrap_err();
    assert_eq!(error.code(), Some("TooManyRequestsException"));
    assert_eq!(session.username().await.as_deref(), Some(USER_ID));
}

#[tokio::test]
async fn sign_out_revokes_the_refresh_token_and_forgets_the_user() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let store = Arc::new(InMemorySessionStore::new());
    let session = signed_in(&mock, &clock, Arc::clone(&store)).await;
    mock.on_revoke_token(|input| {
        assert_eq!(input.token, "r1");
        assert_eq!(input.client_secret.as_deref(), Some(SECRET));
        Ok(RevokeTokenResponse::new())
    });
    session.sign_out().await.expect("signed out");
    assert_eq!(mock.revoke_token_calls().len(), 1);
    assert_eq!(store.get(), None);
    assert!(matches!(
        session.tokens().await,
        Err(UserPoolError::NotSignedIn)
    ));
    // Signing out again has nothing to revoke.
    session.sign_out().await.expect("nothing to do");
    assert_eq!(mock.revoke_token_calls().len(), 1);

    // A failed revocation still signs out, and says so.
    let (mock, clock) = (Mock::new(), TestClock::new());
    let session = signed_in(&mock, &clock, Arc::default()).await;
    mock.on_revoke_token(|_| {
        Err(RevokeTokenError::unhandled(
            "InternalErrorException",
            "down",
        ))
    });
    let error = session.sign_out().await.unwrap_err();
    assert_eq!(error.code(), Some("InternalErrorException"));
    assert!(matches!(
        session.tokens().await,
        Err(UserPoolError::NotSignedIn)
    ));
}

#[tokio::test]
async fn tokens_the_pool_cannot_revoke_are_only_forgotten() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let c = clock.clone();
    mock.on_initiate_auth(move |_| {
        // A client without token revocation: no origin_jti in the access token.
        let t = c.secs();
        let token = jwt(serde_json::json!({"username": USER_ID, "iat": t, "exp": t + 3600}));
        Ok(InitiateAuthResponse::new().with_authentication_result(
            AuthenticationResultType::new()
                .with_id_token(token.clone())
                .with_access_token(token)
                .with_refresh_token("r1"),
        ))
    });
    let session = session_with(&mock, &clock, |b| b.auth_flow(AuthFlow::UserPassword));
    session.sign_in("alice", PASSWORD).await.unwrap();
    session.sign_out().await.expect("signed out");
    assert!(mock.revoke_token_calls().is_empty());
    assert!(matches!(
        session.tokens().await,
        Err(UserPoolError::NotSignedIn)
    ));
}

#[tokio::test]
async fn signing_in_over_a_signed_in_user_is_refused() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let session = signed_in(&mock, &clock, Arc::default()).await;
    let error = session.sign_in("bob", PASSWORD).await.unwrap_err();
    assert!(
        matches!(&error, UserPoolError::AlreadySignedIn { username } if username == USER_ID),
        "{error:?}"
    );
    assert_eq!(mock.initiate_auth_calls().len(), 1, "nothing was sent");
    assert_eq!(session.username().await.as_deref(), Some(USER_ID));
}

#[tokio::test]
async fn global_sign_out_sends_the_access_token() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let store = Arc::new(InMemorySessionStore::new());
    let session = signed_in(&mock, &clock, Arc::clone(&store)).await;
    let access = session.tokens().await.unwrap().access_token().to_owned();
    mock.on_global_sign_out(move |input| {
        assert_eq!(input.access_token, access);
        Ok(GlobalSignOutResponse::new())
    });
    session
        .global_sign_out()
        .await
        .expect("signed out everywhere");
    assert_eq!(store.get(), None);
    assert!(matches!(
        session.tokens().await,
        Err(UserPoolError::NotSignedIn)
    ));
    assert!(mock.revoke_token_calls().is_empty());
}

#[tokio::test]
async fn a_stored_session_is_restored_and_refreshed_on_first_use() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let store = Arc::new(InMemorySessionStore::new());
    store
        .save(&StoredSession::new(USER_ID, "saved"))
        .await
        .unwrap();
    let c = clock.clone();
    mock.on_get_tokens_from_refresh_token(move |input| {
        assert_eq!(input.refresh_token, "saved");
        Ok(
            GetTokensFromRefreshTokenResponse::new().with_authentication_result(result(
                c.secs(),
                1,
                None,
            )),
        )
    });
    let session = session_with(&mock, &clock, |b| b.store(Arc::clone(&store)));
    assert!(matches!(
        session.tokens().await,
        Err(UserPoolError::NotSignedIn)
    ));
    assert!(session.restore().await.unwrap());
    assert_eq!(session.username().await.as_deref(), Some(USER_ID));
    let tokens = session
        .tokens()
        .await
        .expect("refreshed from the stored token");
    assert_eq!(tokens.refresh_token(), Some("saved"));
    assert_eq!(mock.calls(), ["GetTokensFromRefreshToken"]);

    // An empty store restores nothing.
    let empty = session_with(&mock, &clock, |b| b);
    assert!(!empty.restore().await.unwrap());
}

#[tokio::test]
async fn malformed_answers_are_errors_not_panics() {
    let cases: Vec<(&str, InitiateAuthResponse)> = vec![
        ("no tokens, no challenge", InitiateAuthResponse::new()),
        (
            "no IdToken",
            InitiateAuthResponse::new().with_authentication_result(
                AuthenticationResultType::new().with_access_token("a.b.c"),
            ),
        ),
        (
            "IdToken not a JWT",
            InitiateAuthResponse::new().with_authentication_result(
                AuthenticationResultType::new()
                    .with_id_token("not-a-jwt")
                    .with_access_token(jwt(serde_json::json!({"exp": 1}))),
            ),
        ),
        (
            "no exp",
            InitiateAuthResponse::new().with_authentication_result(
                AuthenticationResultType::new()
                    .with_id_token(jwt(serde_json::json!({"sub": "x"})))
                    .with_access_token(jwt(serde_json::json!({"exp": 1}))),
            ),
        ),
        (
            "PASSWORD_VERIFIER without SRP_B",
            InitiateAuthResponse::new()
                .with_challenge_name(ChallengeNameType::PasswordVerifier)
                .with_challenge_parameters(HashMap::from([
                    ("USER_ID_FOR_SRP".to_owned(), "u".to_owned()),
                    ("SALT".to_owned(), "ab".to_owned()),
                    ("SECRET_BLOCK".to_owned(), "AAAA".to_owned()),
                ])),
        ),
        (
            "NEW_PASSWORD_REQUIRED with bad JSON",
            InitiateAuthResponse::new()
                .with_challenge_name(ChallengeNameType::NewPasswordRequired)
                .with_challenge_parameters(HashMap::from([(
                    "userAttributes".to_owned(),
                    "{not json".to_owned(),
                )])),
        ),
    ];
    for (what, answer) in cases {
        let (mock, clock) = (Mock::new(), TestClock::new());
        mock.queue_initiate_auth([Ok(answer)]);
        let session = session_with(&mock, &clock, |b| {
            b.auth_flow(AuthFlow::UserPassword)
                .on_new_password_required(|_| async {
                    Ok::<_, std::io::Error>(NewPassword::new("x"))
                })
        });
        let error = session.sign_in("alice", PASSWORD).await.unwrap_err();
        assert!(
            matches!(error, UserPoolError::InvalidResponse { .. }),
            "{what}: {error:?}"
        );
    }
    // SRP parameters that are not numbers are the SRP crate's error.
    let (mock, clock) = (Mock::new(), TestClock::new());
    mock.queue_initiate_auth([Ok(InitiateAuthResponse::new()
        .with_challenge_name(ChallengeNameType::PasswordVerifier)
        .with_challenge_parameters(HashMap::from([
            ("USER_ID_FOR_SRP".to_owned(), "u".to_owned()),
            ("SALT".to_owned(), "zz".to_owned()),
            ("SRP_B".to_owned(), "0".to_owned()),
            ("SECRET_BLOCK".to_owned(), "AAAA".to_owned()),
        ])))]);
    let session = session_with(&mock, &clock, |b| b);
    let error = session.sign_in("alice", PASSWORD).await.unwrap_err();
    assert!(matches!(error, UserPoolError::Srp(_)), "{error:?}");
}

#[test]
fn a_pool_id_without_a_region_is_refused() {
    let e = UserPoolSession::builder(Mock::new(), "nounderscore", CLIENT)
        .build()
        .unwrap_err();
    assert!(matches!(e, UserPoolError::InvalidUserPoolId(_)), "{e:?}");
}

#[tokio::test]
async fn debug_shows_no_secret() {
    let (mock, clock) = (Mock::new(), TestClock::new());
    let session = signed_in(&mock, &clock, Arc::default()).await;
    let tokens = session.tokens().await.unwrap();
    let text = format!("{session:?} {tokens:?} {:?}", StoredSession::new("u", "r1"));
    for secret in [SECRET, tokens.id_token(), tokens.access_token(), "r1"] {
        assert!(!text.contains(secret), "{text}");
    }
}

// The session as the provider's logins source.

mod provider {
    use super::*;
    use cognito_identity::error::{
        GetCredentialsForIdentityError, NotAuthorizedException as Refused,
    };
    use cognito_identity::mock::Mock as IdentityMock;
    use cognito_identity::runtime::DateTime;
    use cognito_identity::types::{Credentials, GetCredentialsForIdentityResponse, GetIdResponse};

    const IDENTITY_POOL: &str = "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b";
    const KEY: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1";

    /// An identity pool that gives each ID token's `sub` its own identity, and credentials
    /// valid an hour to whoever presents that identity's token.
    fn identity_pool(clock: &TestClock) -> IdentityMock {
        fn sub(logins: &Option<HashMap<String, String>>) -> String {
            let token = &logins.as_ref().expect("logins")[KEY];
            let payload = token.split('.').nth(1).unwrap();
            let claims: serde_json::Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
            claims["sub"].as_str().unwrap().to_owned()
        }
        let mock = IdentityMock::new();
        mock.on_get_id(|input| {
            assert_eq!(input.identity_pool_id, IDENTITY_POOL);
            Ok(GetIdResponse::new().with_identity_id(format!("us-east-1:{}", sub(&input.logins))))
        });
        let c = clock.clone();
        let n = Arc::new(AtomicU64::new(0));
        mock.on_get_credentials_for_identity(move |input| {
            if input.identity_id != format!("us-east-1:{}", sub(&input.logins)) {
                return Err(GetCredentialsForIdentityError::NotAuthorizedException(
                    Refused::new().with_message("Invalid login token."),
                ));
            }
            let k = n.fetch_add(1, Ordering::SeqCst);
            Ok(GetCredentialsForIdentityResponse::new()
                .with_identity_id(input.identity_id.clone())
                .with_credentials(
                    Credentials::new()
                        .with_access_key_id(format!("ASIA{k}"))
                        .with_secret_key("secret")
                        .with_session_token("token")
                        .with_expiration(DateTime::from_secs((c.secs() + 3600) as i64)),
                ))
        });
        mock
    }

    fn provider(
        identity: &IdentityMock,
        session: &UserPoolSession<Mock>,
        clock: &TestClock,
    ) -> CognitoCredentialsProvider<IdentityMock> {
        let c = clock.clone();
        CognitoCredentialsProvider::builder(identity.clone(), IDENTITY_POOL)
            .logins_provider(session.clone())
            .clock(move || c.now())
            .build()
    }

    fn logins_sent(identity: &IdentityMock) -> Vec<String> {
        identity
            .get_credentials_for_identity_calls()
            .into_iter()
            .map(|c| c.logins.expect("logins")[KEY].clone())
            .collect()
    }

    #[tokio::test]
    async fn the_provider_sends_the_session_id_token_refreshed_before_it_expires() {
        let (mock, clock) = (Mock::new(), TestClock::new());
        let session = signed_in(&mock, &clock, Arc::default()).await;
        assert_eq!(session.logins_key(), KEY);
        let c = clock.clone();
        mock.on_get_tokens_from_refresh_token(move |_| {
            Ok(
                GetTokensFromRefreshTokenResponse::new().with_authentication_result(result(
                    c.secs(),
                    2,
                    None,
                )),
            )
        });
        let identity = identity_pool(&clock);
        let provider = provider(&identity, &session, &clock);
        let first = provider.credentials().await.expect("credentials");
        assert_eq!(first.access_key_id(), "ASIA0");
        assert_eq!(
            provider.identity_id().await.unwrap(),
            format!("us-east-1:{USER_ID}")
        );
        let id_token = session.tokens().await.unwrap().id_token().to_owned();
        assert_eq!(logins_sent(&identity), std::slice::from_ref(&id_token));

        // A day later: credentials and ID token have both expired; one call renews both.
        clock.advance(24 * 3600);
        let second = provider.credentials().await.expect("credentials");
        assert_eq!(second.access_key_id(), "ASIA1");
        let sent = logins_sent(&identity);
        assert_ne!(sent[1], id_token, "a renewed ID token");
        assert_eq!(sent[1], session.tokens().await.unwrap().id_token());
        assert_eq!(mock.get_tokens_from_refresh_token_calls().len(), 1);
        assert_eq!(identity.get_id_calls().len(), 1, "the identity id is kept");
    }

    /// The provider fed by the session drives the AWS SDK's credentials trait, a day apart
    /// with no rebuild: the second call renews the ID token and the credentials.
    #[cfg(feature = "aws-sdk")]
    #[tokio::test]
    async fn an_sdk_client_takes_the_session_users_credentials_for_days() {
        use aws_credential_types::provider::ProvideCredentials as _;
        let (mock, clock) = (Mock::new(), TestClock::new());
        let session = signed_in(&mock, &clock, Arc::default()).await;
        let c = clock.clone();
        mock.on_get_tokens_from_refresh_token(move |_| {
            Ok(
                GetTokensFromRefreshTokenResponse::new().with_authentication_result(result(
                    c.secs(),
                    2,
                    None,
                )),
            )
        });
        let identity = identity_pool(&clock);
        let sdk = aws_credential_types::provider::SharedCredentialsProvider::new(provider(
            &identity, &session, &clock,
        ));
        let first = sdk.provide_credentials().await.expect("credentials");
        assert_eq!(first.access_key_id(), "ASIA0");
        for day in 1..=3 {
            clock.advance(24 * 3600);
            let next = sdk.provide_credentials().await.expect("credentials");
            assert_eq!(next.access_key_id(), format!("ASIA{day}"));
        }
        assert_eq!(mock.get_tokens_from_refresh_token_calls().len(), 3);
        assert_eq!(identity.get_id_calls().len(), 1);
    }

    #[tokio::test]
    async fn after_sign_out_the_provider_hands_out_nothing() {
        let (mock, clock) = (Mock::new(), TestClock::new());
        let session = signed_in(&mock, &clock, Arc::default()).await;
        mock.on_revoke_token(|_| Ok(RevokeTokenResponse::new()));
        let identity = identity_pool(&clock);
        let provider = provider(&identity, &session, &clock);
        provider.credentials().await.expect("credentials");
        session.sign_out().await.unwrap();
        // The cached credentials are still fresh by the clock, but belong to a signed-out user.
        let error = provider.credentials().await.unwrap_err();
        assert!(
            error.to_string().contains("no user is signed in"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn another_user_signing_in_gets_another_identity() {
        let (mock, clock) = (Mock::new(), TestClock::new());
        let session = signed_in(&mock, &clock, Arc::default()).await;
        mock.on_revoke_token(|_| Ok(RevokeTokenResponse::new()));
        let identity = identity_pool(&clock);
        let provider = provider(&identity, &session, &clock);
        provider.credentials().await.expect("alice's credentials");
        let alice = provider.identity_id().await.unwrap();

        session.sign_out().await.unwrap();
        let c = clock.clone();
        mock.on_initiate_auth(move |_| {
            let t = c.secs();
            let token = |use_: &str| {
                jwt(serde_json::json!({
                    "sub": "bob-sub", "username": "bob", "cognito:username": "bob",
                    "token_use": use_, "iat": t, "exp": t + 3600,
                }))
            };
            Ok(InitiateAuthResponse::new().with_authentication_result(
                AuthenticationResultType::new()
                    .with_id_token(token("id"))
                    .with_access_token(token("access"))
                    .with_refresh_token("bob-refresh"),
            ))
        });
        session
            .sign_in("bob", PASSWORD)
            .await
            .expect("bob signed in");
        let credentials = provider.credentials().await.expect("bob's credentials");
        let bob = provider.identity_id().await.unwrap();
        assert_ne!(bob, alice);
        assert_eq!(bob, "us-east-1:bob-sub");
        assert_eq!(credentials.access_key_id(), "ASIA1");
        // The old identity was refused once, then GetId found bob's.
        assert_eq!(identity.get_id_calls().len(), 2);
    }
}
