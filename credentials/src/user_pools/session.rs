//! [`UserPoolSession`]: one user's sign-in to a Cognito user pool, its tokens kept fresh,
//! and sign-out; and the bridge that makes it the credentials provider's logins source.
//!
//! The session answers the challenges a plain sign-in meets (PASSWORD_VERIFIER for SRP,
//! NEW_PASSWORD_REQUIRED through a callback) and returns any other as a typed error naming it.
//! Its state sits behind one async mutex, so a refresh runs once however many callers want
//! fresh tokens at the same time; no lock of the standard library is held across an `.await`.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cognito_identity::runtime::BoxFuture;
use cognito_identity_provider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType, GetTokensFromRefreshTokenRequest,
    GlobalSignOutRequest, InitiateAuthRequest, InitiateAuthResponse, RespondToAuthChallengeRequest,
    RespondToAuthChallengeResponse, RevokeTokenRequest,
};
use cognito_identity_provider::{Client, CognitoIdentityProvider};
use cognito_srp::{Challenge, PoolName, Timestamp};

use super::error::UserPoolError;
use super::store::{InMemorySessionStore, SessionStore, StoredSession};
use super::tokens::{secret_hash, Claims, Tokens};
use crate::logins::{BoxError, Logins, ProvideLogins};

/// How long before the ID and access tokens expire the session renews them, unless
/// [`SessionBuilder::refresh_margin`] says otherwise: one minute, so that a token handed out
/// is still valid when the request carrying it arrives.
pub const DEFAULT_TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// How many challenges one sign-in answers before it gives up, so that a service that keeps
/// asking cannot make it loop.
const MAX_CHALLENGES: usize = 4;

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;
type NewPasswordCallback = Box<
    dyn Fn(NewPasswordChallenge) -> BoxFuture<'static, Result<NewPassword, BoxError>> + Send + Sync,
>;

/// How the session proves the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthFlow {
    /// `USER_SRP_AUTH`, then the PASSWORD_VERIFIER challenge: the password never leaves the
    /// machine (the default, as the AWS SDKs' sign-in does).
    #[default]
    UserSrp,
    /// `USER_PASSWORD_AUTH`: the password goes to the service over TLS. The app client must
    /// allow it.
    UserPassword,
}

/// What the pool asks when a user must choose a new password (`NEW_PASSWORD_REQUIRED`): a
/// user created by an administrator with a temporary password, for instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPasswordChallenge {
    /// The user's name in the pool.
    pub username: String,
    /// Attributes the user must give with the new password (without the
    /// `userAttributes.` prefix the service puts on them).
    pub required_attributes: Vec<String>,
    /// The attributes the user has now (the verification flags left out).
    pub user_attributes: HashMap<String, String>,
}

/// The answer to a [`NewPasswordChallenge`]: the new password, and the attributes to set
/// with it. `Debug` does not show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword {
    /// The new password.
    pub password: String,
    /// Attributes to set (the required ones at least), by name.
    pub attributes: HashMap<String, String>,
}

impl NewPassword {
    /// A new password and no attributes.
    pub fn new(password: impl Into<String>) -> Self {
        NewPassword {
            password: password.into(),
            attributes: HashMap::new(),
        }
    }

    /// Adds an attribute to set with the password.
    #[must_use]
    pub fn with_attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(name.into(), value.into());
        self
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPassword")
            .field("password", &"** redacted **")
            .field("attributes", &self.attributes)
            .finish()
    }
}

/// A user signed in to an Amazon Cognito user pool through one app client: sign-in (SRP by
/// default, or the password flow), tokens renewed shortly before they expire, sign-out.
///
/// It is the provider's logins source: [`ProvideLogins`] gives the ID token, renewed when
/// needed, under `cognito-idp.<region>.amazonaws.com/<poolId>`, so one
/// [`CognitoCredentialsProvider`](crate::CognitoCredentialsProvider) serves the signed-in
/// user for as long as the refresh token lasts. Signing out, or in as someone else, makes the
/// provider drop the credentials it cached.
///
/// Cloning is cheap; clones share the user and the tokens. `C` is the client: the generated
/// [`Client`], or anything implementing [`CognitoIdentityProvider`] (a mock in tests).
pub struct UserPoolSession<C = Client> {
    shared: Arc<Shared<C>>,
}

impl<C> Clone for UserPoolSession<C> {
    fn clone(&self) -> Self {
        UserPoolSession {
            shared: Arc::clone(&self.shared),
        }
    }
}

struct Shared<C> {
    client: C,
    user_pool_id: String,
    pool_name: PoolName,
    client_id: String,
    client_secret: Option<String>,
    logins_key: String,
    flow: AuthFlow,
    new_password: Option<NewPasswordCallback>,
    store: Box<dyn SessionStore>,
    refresh_margin: Duration,
    clock: Clock,
    state: tokio::sync::Mutex<Option<Held>>,
    /// Changes on every sign-in, sign-out and restore: the provider drops cached credentials
    /// when it does.
    epoch: AtomicU64,
    /// Set once the pool answered `GetTokensFromRefreshToken` as an operation it lacks; later
    /// refreshes go straight to `REFRESH_TOKEN_AUTH`.
    legacy_refresh: AtomicBool,
}

/// The signed-in user.
struct Held {
    username: String,
    refresh_token: Option<String>,
    /// The ID and access tokens; none right after a restore, until the first refresh.
    live: Option<Live>,
}

struct Live {
    id_token: String,
    access_token: String,
    /// On this machine's clock.
    expires_at: SystemTime,
    /// Whether the pool can revoke these tokens (the access token has `origin_jti`).
    revocable: bool,
}

impl Held {
    fn tokens(&self) -> Option<Tokens> {
        self.live.as_ref().map(|live| Tokens {
            username: self.username.clone(),
            id_token: live.id_token.clone(),
            access_token: live.access_token.clone(),
            refresh_token: self.refresh_token.clone(),
            expires_at: live.expires_at,
        })
    }
}

/// Where a sign-in stands: tokens, or a challenge to answer.
struct Step {
    operation: &'static str,
    challenge: Option<ChallengeNameType>,
    session: Option<String>,
    parameters: HashMap<String, String>,
    result: Option<AuthenticationResultType>,
}

impl From<InitiateAuthResponse> for Step {
    fn from(r: InitiateAuthResponse) -> Self {
        Step {
            operation: "InitiateAuth",
            challenge: r.challenge_name,
            session: r.session,
            parameters: r.challenge_parameters.unwrap_or_default(),
            result: r.authentication_result,
        }
    }
}

impl From<RespondToAuthChallengeResponse> for Step {
    fn from(r: RespondToAuthChallengeResponse) -> Self {
        Step {
            operation: "RespondToAuthChallenge",
            challenge: r.challenge_name,
            session: r.session,
            parameters: r.challenge_parameters.unwrap_or_default(),
            result: r.authentication_result,
        }
    }
}

impl<C> fmt::Debug for UserPoolSession<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &*self.shared;
        f.debug_struct("UserPoolSession")
            .field("user_pool_id", &s.user_pool_id)
            .field("client_id", &s.client_id)
            .field(
                "client_secret",
                &s.client_secret.as_ref().map(|_| "** redacted **"),
            )
            .field("flow", &s.flow)
            .field("refresh_margin", &s.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl<C> UserPoolSession<C> {
    /// The user pool id.
    pub fn user_pool_id(&self) -> &str {
        &self.shared.user_pool_id
    }

    /// The app client id.
    pub fn client_id(&self) -> &str {
        &self.shared.client_id
    }

    /// The `Logins` key of this pool's ID tokens:
    /// `cognito-idp.<region>.amazonaws.com/<poolId>`.
    pub fn logins_key(&self) -> &str {
        &self.shared.logins_key
    }

    /// A number that changes whenever the signed-in user may have changed (sign-in,
    /// sign-out, restore); refreshes leave it alone.
    pub fn epoch(&self) -> u64 {
        self.shared.epoch.load(Ordering::Acquire)
    }

    fn bump_epoch(&self) {
        self.shared.epoch.fetch_add(1, Ordering::AcqRel);
    }
}

impl<C: CognitoIdentityProvider> UserPoolSession<C> {
    /// A builder for a session of `user_pool_id` (`<region>_<id>`) through the app client
    /// `client_id`, calling the service through `client`.
    pub fn builder(
        client: C,
        user_pool_id: impl Into<String>,
        client_id: impl Into<String>,
    ) -> SessionBuilder<C> {
        SessionBuilder {
            client,
            user_pool_id: user_pool_id.into(),
            client_id: client_id.into(),
            client_secret: None,
            flow: AuthFlow::default(),
            new_password: None,
            store: None,
            refresh_margin: DEFAULT_TOKEN_REFRESH_MARGIN,
            clock: Arc::new(SystemTime::now),
        }
    }

    /// Signs `username` (or an alias the pool accepts, such as an email) in with `password`,
    /// by the session's flow, answering NEW_PASSWORD_REQUIRED through the callback if one is
    /// set. On success the session holds the user's tokens and the store their refresh token.
    /// While a user is signed in (or restored) it fails with
    /// [`UserPoolError::AlreadySignedIn`]: sign out first.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<Tokens, UserPoolError> {
        let mut state = self.shared.state.lock().await;
        if let Some(held) = state.as_ref() {
            return Err(UserPoolError::AlreadySignedIn {
                username: held.username.clone(),
            });
        }
        let (result, username) = match self.shared.flow {
            AuthFlow::UserSrp => self.sign_in_srp(username, password).await?,
            AuthFlow::UserPassword => self.sign_in_password(username, password).await?,
        };
        let held = self.held_from("sign-in", result, &username, None)?;
        let tokens = held.tokens();
        *state = Some(held);
        self.bump_epoch();
        if let Some(held) = state.as_ref() {
            self.save(held).await?;
        }
        tokens.ok_or(UserPoolError::NotSignedIn)
    }

    /// The current tokens, renewed first when they expire within the refresh margin (or were
    /// never fetched since a restore). A refused refresh signs the session out.
    pub async fn tokens(&self) -> Result<Tokens, UserPoolError> {
        let mut state = self.shared.state.lock().await;
        let held = state.as_ref().ok_or(UserPoolError::NotSignedIn)?;
        let now = (self.shared.clock)();
        if let Some(live) = &held.live {
            let fresh = now
                .checked_add(self.shared.refresh_margin)
                .is_some_and(|soon| soon < live.expires_at);
            if fresh {
                return held.tokens().ok_or(UserPoolError::NotSignedIn);
            }
        }
        self.refresh_held(&mut state).await
    }

    /// The ID token, renewed if needed (see [`UserPoolSession::tokens`]).
    pub async fn id_token(&self) -> Result<String, UserPoolError> {
        Ok(self.tokens().await?.id_token)
    }

    /// Renews the ID and access tokens now, whatever their expiry: `GetTokensFromRefreshToken`,
    /// or `InitiateAuth` with `REFRESH_TOKEN_AUTH` where the pool lacks that operation. A
    /// new refresh token in the answer (rotation) replaces the old one, in the store too.
    /// A refused refresh token (expired, revoked) signs the session out.
    pub async fn refresh(&self) -> Result<Tokens, UserPoolError> {
        let mut state = self.shared.state.lock().await;
        self.refresh_held(&mut state).await
    }

    /// The signed-in user's name in the pool, without calling anything.
    pub async fn username(&self) -> Option<String> {
        self.shared
            .state
            .lock()
            .await
            .as_ref()
            .map(|h| h.username.clone())
    }

    /// Takes up the session the store kept (from an earlier run): `true` if there was one.
    /// Its tokens are renewed from the refresh token on first use.
    pub async fn restore(&self) -> Result<bool, UserPoolError> {
        let mut state = self.shared.state.lock().await;
        let stored = self
            .shared
            .store
            .load()
            .await
            .map_err(|e| UserPoolError::store("load", e))?;
        let Some(stored) = stored else {
            return Ok(false);
        };
        *state = Some(Held {
            username: stored.username,
            refresh_token: Some(stored.refresh_token),
            live: None,
        });
        self.bump_epoch();
        Ok(true)
    }

    /// Signs out on this device: forgets the tokens here and in the store, and revokes the
    /// refresh token (`RevokeToken`), which also ends the ID and access tokens issued from
    /// it. Tokens of an app client without token revocation (their access token carries no
    /// `origin_jti`) are only forgotten, as the service would refuse to revoke them. The
    /// session is signed out even when revoking fails; the error then says so.
    pub async fn sign_out(&self) -> Result<(), UserPoolError> {
        let held = self.forget().await?;
        let Some(held) = held else {
            return Ok(());
        };
        // A restored session has no access token to tell; revoking is tried then.
        let revocable = held.live.as_ref().is_none_or(|live| live.revocable);
        let Some(token) = held.refresh_token.filter(|_| revocable) else {
            return Ok(());
        };
        let s = &*self.shared;
        let mut input = RevokeTokenRequest::new(token, &s.client_id);
        input.client_secret = s.client_secret.clone();
        s.client
            .revoke_token(input)
            .await
            .map_err(|e| UserPoolError::from_service("RevokeToken", e))?;
        Ok(())
    }

    /// Signs out everywhere: `GlobalSignOut` with the access token (renewed first if needed)
    /// revokes every refresh token of the user, then the session forgets the tokens here
    /// and in the store. The session is signed out even when the call fails; the error then
    /// says so.
    pub async fn global_sign_out(&self) -> Result<(), UserPoolError> {
        let access_token = self.tokens().await.map(|t| t.access_token);
        self.forget().await?;
        let input = GlobalSignOutRequest::new(access_token?);
        self.shared
            .client
            .global_sign_out(input)
            .await
            .map_err(|e| UserPoolError::from_service("GlobalSignOut", e))?;
        Ok(())
    }

    /// Drops the user here and in the store; returns what was held.
    async fn forget(&self) -> Result<Option<Held>, UserPoolError> {
        let held = self.shared.state.lock().await.take();
        self.bump_epoch();
        self.shared
            .store
            .clear()
            .await
            .map_err(|e| UserPoolError::store("clear", e))?;
        Ok(held)
    }

    async fn save(&self, held: &Held) -> Result<(), UserPoolError> {
        let Some(token) = &held.refresh_token else {
            return Ok(());
        };
        let stored = StoredSession::new(held.username.clone(), token.clone());
        self.shared
            .store
            .save(&stored)
            .await
            .map_err(|e| UserPoolError::store("save", e))
    }

    fn secret_hash(&self, username: &str) -> Option<String> {
        let s = &*self.shared;
        s.client_secret
            .as_deref()
            .map(|secret| secret_hash(secret, username, &s.client_id))
    }

    fn auth_parameters(&self, username: &str, rest: &[(&str, &str)]) -> HashMap<String, String> {
        let mut parameters: HashMap<String, String> = rest
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        parameters.insert("USERNAME".to_owned(), username.to_owned());
        if let Some(hash) = self.secret_hash(username) {
            parameters.insert("SECRET_HASH".to_owned(), hash);
        }
        parameters
    }

    async fn initiate(
        &self,
        flow: AuthFlowType,
        parameters: HashMap<String, String>,
    ) -> Result<Step, UserPoolError> {
        let s = &*self.shared;
        let input = InitiateAuthRequest::new(flow, &s.client_id).with_auth_parameters(parameters);
        s.client
            .initiate_auth(input)
            .await
            .map(Step::from)
            .map_err(|e| UserPoolError::from_service("InitiateAuth", e))
    }

    async fn respond(
        &self,
        challenge: ChallengeNameType,
        session: Option<String>,
        responses: HashMap<String, String>,
    ) -> Result<Step, UserPoolError> {
        let s = &*self.shared;
        let mut input = RespondToAuthChallengeRequest::new(&s.client_id, challenge);
        input.session = session;
        input.challenge_responses = Some(responses);
        s.client
            .respond_to_auth_challenge(input)
            .await
            .map(Step::from)
            .map_err(|e| UserPoolError::from_service("RespondToAuthChallenge", e))
    }

    async fn sign_in_srp(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(AuthenticationResultType, String), UserPoolError> {
        let srp = cognito_srp::Client::new(self.shared.pool_name.clone())?;
        let parameters = self.auth_parameters(username, &[("SRP_A", srp.srp_a())]);
        let step = self.initiate(AuthFlowType::UserSrpAuth, parameters).await?;
        self.answer(step, username.to_owned(), password, Some(srp))
            .await
    }

    async fn sign_in_password(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(AuthenticationResultType, String), UserPoolError> {
        let parameters = self.auth_parameters(username, &[("PASSWORD", password)]);
        let step = self
            .initiate(AuthFlowType::UserPasswordAuth, parameters)
            .await?;
        self.answer(step, username.to_owned(), password, None).await
    }

    /// Answers challenges until the pool hands out tokens; returns them with the user name
    /// to use from then on (`USER_ID_FOR_SRP` once a challenge named it).
    async fn answer(
        &self,
        mut step: Step,
        mut username: String,
        password: &str,
        mut srp: Option<cognito_srp::Client>,
    ) -> Result<(AuthenticationResultType, String), UserPoolError> {
        for _ in 0..=MAX_CHALLENGES {
            if let Some(result) = step.result.take() {
                return Ok((result, username));
            }
            let Some(challenge) = step.challenge.take() else {
                return Err(UserPoolError::invalid_response(
                    step.operation,
                    "the answer has neither tokens nor a challenge",
                ));
            };
            if let Some(id) = step.parameters.get("USER_ID_FOR_SRP") {
                username.clone_from(id);
            }
            let responses = match &challenge {
                ChallengeNameType::PasswordVerifier => {
                    let Some(srp) = srp.take() else {
                        return Err(UserPoolError::invalid_response(
                            step.operation,
                            "PASSWORD_VERIFIER came twice, or without USER_SRP_AUTH",
                        ));
                    };
                    self.password_claim(&step, &username, password, srp)?
                }
                ChallengeNameType::NewPasswordRequired => {
                    self.new_password(&step, &username).await?
                }
                other => {
                    return Err(UserPoolError::UnhandledChallenge {
                        challenge: other.as_str().to_owned(),
                    })
                }
            };
            step = self
                .respond(challenge, step.session.take(), responses)
                .await?;
        }
        Err(UserPoolError::invalid_response(
            step.operation,
            format!("the pool asked more than {MAX_CHALLENGES} challenges"),
        ))
    }

    /// PASSWORD_VERIFIER's answer: the SRP proof for `username` (`USER_ID_FOR_SRP`).
    fn password_claim(
        &self,
        step: &Step,
        username: &str,
        password: &str,
        srp: cognito_srp::Client,
    ) -> Result<HashMap<String, String>, UserPoolError> {
        let param = |name: &str| {
            step.parameters
                .get(name)
                .map(String::as_str)
                .ok_or_else(|| {
                    UserPoolError::invalid_response(
                        step.operation,
                        format!("PASSWORD_VERIFIER has no {name}"),
                    )
                })
        };
        let challenge = Challenge::new(
            username,
            param("SALT")?,
            param("SRP_B")?,
            param("SECRET_BLOCK")?,
        )?;
        let now = Timestamp::from_system_time((self.shared.clock)());
        let claim = srp.respond(&challenge, password, now)?;
        Ok(self.auth_parameters(
            username,
            &[
                ("PASSWORD_CLAIM_SECRET_BLOCK", claim.secret_block()),
                ("PASSWORD_CLAIM_SIGNATURE", claim.signature()),
                ("TIMESTAMP", claim.timestamp().as_str()),
            ],
        ))
    }

    /// NEW_PASSWORD_REQUIRED's answer, from the callback.
    async fn new_password(
        &self,
        step: &Step,
        username: &str,
    ) -> Result<HashMap<String, String>, UserPoolError> {
        let Some(callback) = &self.shared.new_password else {
            return Err(UserPoolError::NewPasswordRequired);
        };
        let challenge = read_new_password_challenge(step, username)?;
        let answer = callback(challenge)
            .await
            .map_err(|e| UserPoolError::NewPasswordCallback(Arc::from(e)))?;
        let mut responses = self.auth_parameters(username, &[("NEW_PASSWORD", &answer.password)]);
        for (name, value) in answer.attributes {
            responses.insert(format!("userAttributes.{name}"), value);
        }
        Ok(responses)
    }

    /// Renews the tokens of the user in `state`. A refused refresh token signs out.
    async fn refresh_held(&self, state: &mut Option<Held>) -> Result<Tokens, UserPoolError> {
        let held = state.as_ref().ok_or(UserPoolError::NotSignedIn)?;
        let token = held
            .refresh_token
            .clone()
            .ok_or(UserPoolError::NotSignedIn)?;
        let username = held.username.clone();
        let (operation, outcome) = self.call_refresh(&token, &username).await;
        let result = match outcome {
            Ok(result) => result,
            Err(e) => {
                if e.is_not_authorized() {
                    // The refresh token is expired or revoked: nobody is signed in any more.
                    *state = None;
                    self.bump_epoch();
                    self.shared
                        .store
                        .clear()
                        .await
                        .map_err(|e| UserPoolError::store("clear", e))?;
                }
                return Err(e);
            }
        };
        let rotated = result
            .refresh_token
            .as_ref()
            .is_some_and(|new| *new != token);
        let held = self.held_from(operation, result, &username, Some(token))?;
        let tokens = held.tokens();
        *state = Some(held);
        if rotated {
            if let Some(held) = state.as_ref() {
                self.save(held).await?;
            }
        }
        tokens.ok_or(UserPoolError::NotSignedIn)
    }

    /// Calls the refresh: `GetTokensFromRefreshToken`, or `REFRESH_TOKEN_AUTH` for a pool
    /// without it. Returns the operation that answered.
    ///
    /// Only a pool that answers the operation as unknown gets the flow: a client with
    /// refresh-token rotation refuses `REFRESH_TOKEN_AUTH` and rotates only through the
    /// operation, so a pool lacking it cannot be rotating, and any other refusal stands.
    async fn call_refresh(
        &self,
        token: &str,
        username: &str,
    ) -> (
        &'static str,
        Result<AuthenticationResultType, UserPoolError>,
    ) {
        let s = &*self.shared;
        if !s.legacy_refresh.load(Ordering::Acquire) {
            const OP: &str = "GetTokensFromRefreshToken";
            let mut input = GetTokensFromRefreshTokenRequest::new(token, &s.client_id);
            input.client_secret = s.client_secret.clone();
            match s.client.get_tokens_from_refresh_token(input).await {
                Ok(output) => {
                    let result = output.authentication_result.ok_or_else(|| {
                        UserPoolError::invalid_response(
                            OP,
                            "the answer has no AuthenticationResult",
                        )
                    });
                    return (OP, result);
                }
                Err(e) => {
                    let e = UserPoolError::from_service(OP, e);
                    if !lacks_operation(&e) {
                        return (OP, Err(e));
                    }
                    s.legacy_refresh.store(true, Ordering::Release);
                }
            }
        }
        const OP: &str = "InitiateAuth";
        let mut parameters = HashMap::from([("REFRESH_TOKEN".to_owned(), token.to_owned())]);
        if let Some(hash) = self.secret_hash(username) {
            parameters.insert("SECRET_HASH".to_owned(), hash);
        }
        let step = match self
            .initiate(AuthFlowType::RefreshTokenAuth, parameters)
            .await
        {
            Ok(step) => step,
            Err(e) => return (OP, Err(e)),
        };
        let result = match (step.result, step.challenge) {
            (Some(result), _) => Ok(result),
            (None, Some(challenge)) => Err(UserPoolError::UnhandledChallenge {
                challenge: challenge.as_str().to_owned(),
            }),
            (None, None) => Err(UserPoolError::invalid_response(
                OP,
                "the answer has no AuthenticationResult",
            )),
        };
        (OP, result)
    }

    /// The signed-in user from an `AuthenticationResult`, keeping `previous_refresh` when
    /// the answer brings no refresh token (a refresh without rotation).
    fn held_from(
        &self,
        operation: &'static str,
        result: AuthenticationResultType,
        username: &str,
        previous_refresh: Option<String>,
    ) -> Result<Held, UserPoolError> {
        let op = match operation {
            "sign-in" => "InitiateAuth",
            other => other,
        };
        let missing = |what: &str| {
            UserPoolError::invalid_response(op, format!("the AuthenticationResult has no {what}"))
        };
        let id_token = result.id_token.ok_or_else(|| missing("IdToken"))?;
        let access_token = result.access_token.ok_or_else(|| missing("AccessToken"))?;
        let unreadable = |which: &str, reason: String| {
            UserPoolError::invalid_response(op, format!("the {which} cannot be read: {reason}"))
        };
        let id = Claims::read(&id_token).map_err(|r| unreadable("IdToken", r))?;
        let access = Claims::read(&access_token).map_err(|r| unreadable("AccessToken", r))?;
        let now = (self.shared.clock)();
        let expires_at = local_time(&id, now).min(local_time(&access, now));
        let revocable = access.origin_jti;
        let username = access
            .username
            .or(id.username)
            .unwrap_or_else(|| username.to_owned());
        Ok(Held {
            username,
            refresh_token: result.refresh_token.or(previous_refresh),
            live: Some(Live {
                id_token,
                access_token,
                expires_at,
                revocable,
            }),
        })
    }
}

/// A token's `exp` on this machine's clock: the service wrote it on its own, and how far
/// that is from this machine's shows in `iat`, the moment the token was issued, which is
/// about now.
fn local_time(claims: &Claims, now: SystemTime) -> SystemTime {
    let expiry = claims.expiry();
    let Some(iat) = claims.iat else {
        return expiry;
    };
    let issued = SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_secs(iat))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    match now.duration_since(issued) {
        // This machine is ahead of the service.
        Ok(ahead) => expiry.checked_add(ahead).unwrap_or(expiry),
        Err(behind) => expiry
            .checked_sub(behind.duration())
            .unwrap_or(SystemTime::UNIX_EPOCH),
    }
}

/// Whether a refresh failed because the pool does not have `GetTokensFromRefreshToken`.
fn lacks_operation(error: &UserPoolError) -> bool {
    let UserPoolError::Service { code, message, .. } = error else {
        return false;
    };
    let unknown_code = matches!(
        code.as_deref(),
        Some("UnknownOperationException" | "UnsupportedOperationException")
    );
    let says_unknown = message.as_deref().is_some_and(|m| {
        let m = m.to_ascii_lowercase();
        m.contains("unknown operation") || m.contains("operation is not supported")
    });
    unknown_code || says_unknown
}

/// Reads NEW_PASSWORD_REQUIRED's `requiredAttributes` and `userAttributes`, each a JSON
/// text inside the challenge's parameters.
fn read_new_password_challenge(
    step: &Step,
    username: &str,
) -> Result<NewPasswordChallenge, UserPoolError> {
    let bad = |name: &str| {
        UserPoolError::invalid_response(
            step.operation,
            format!("NEW_PASSWORD_REQUIRED's {name} is not the JSON it should be"),
        )
    };
    let required_attributes = match step.parameters.get("requiredAttributes") {
        None => Vec::new(),
        Some(text) => serde_json::from_str::<Vec<String>>(text)
            .map_err(|_| bad("requiredAttributes"))?
            .into_iter()
            .map(|name| match name.strip_prefix("userAttributes.") {
                Some(bare) => bare.to_owned(),
                None => name,
            })
            .collect(),
    };
    let user_attributes = match step.parameters.get("userAttributes") {
        None => HashMap::new(),
        Some(text) => {
            let values = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
                .map_err(|_| bad("userAttributes"))?;
            values
                .into_iter()
                // The pool refuses these back in an answer, so they are not offered.
                .filter(|(name, _)| name != "email_verified" && name != "phone_number_verified")
                .map(|(name, value)| {
                    let value = match value {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (name, value)
                })
                .collect()
        }
    };
    Ok(NewPasswordChallenge {
        username: username.to_owned(),
        required_attributes,
        user_attributes,
    })
}

/// The session is the provider's logins source: the ID token, renewed when needed, under the
/// pool's provider name. A session with nobody signed in fails, so the provider hands out no
/// credentials for a user who signed out.
impl<C: CognitoIdentityProvider + 'static> ProvideLogins for UserPoolSession<C> {
    fn logins(&self) -> BoxFuture<'_, Result<Logins, BoxError>> {
        Box::pin(async move {
            let token = self.id_token().await?;
            Ok(Logins::from([(self.logins_key().to_owned(), token)]))
        })
    }

    fn epoch(&self) -> u64 {
        UserPoolSession::epoch(self)
    }
}

/// Builds a [`UserPoolSession`]; start from [`UserPoolSession::builder`].
pub struct SessionBuilder<C> {
    client: C,
    user_pool_id: String,
    client_id: String,
    client_secret: Option<String>,
    flow: AuthFlow,
    new_password: Option<NewPasswordCallback>,
    store: Option<Box<dyn SessionStore>>,
    refresh_margin: Duration,
    clock: Clock,
}

impl<C> fmt::Debug for SessionBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("user_pool_id", &self.user_pool_id)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "** redacted **"),
            )
            .field("flow", &self.flow)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl<C: CognitoIdentityProvider> SessionBuilder<C> {
    /// The app client's secret, for clients that have one: the session then sends
    /// `SECRET_HASH` (see [`secret_hash`]) or `ClientSecret` with every call that needs it.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// How [`UserPoolSession::sign_in`] proves the password (default [`AuthFlow::UserSrp`]).
    pub fn auth_flow(mut self, flow: AuthFlow) -> Self {
        self.flow = flow;
        self
    }

    /// Answers NEW_PASSWORD_REQUIRED: called with what the pool asks, returns the new
    /// password and the attributes to set. Without it that challenge ends the sign-in with
    /// [`UserPoolError::NewPasswordRequired`].
    pub fn on_new_password_required<F, Fut, E>(mut self, callback: F) -> Self
    where
        F: Fn(NewPasswordChallenge) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<NewPassword, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        self.new_password = Some(Box::new(move |challenge| {
            let future = callback(challenge);
            Box::pin(async move { future.await.map_err(Into::into) })
        }));
        self
    }

    /// Where the refresh token is kept between runs (default: in memory only); see
    /// [`UserPoolSession::restore`].
    pub fn store(mut self, store: impl SessionStore) -> Self {
        self.store = Some(Box::new(store));
        self
    }

    /// How long before their expiry the ID and access tokens are renewed (default
    /// [`DEFAULT_TOKEN_REFRESH_MARGIN`]).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// This machine's clock (default [`SystemTime::now`]); tests use it to move time on.
    pub fn clock(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(now);
        self
    }

    /// The session, with nobody signed in. Fails when the user pool id is not
    /// `<region>_<id>`.
    pub fn build(self) -> Result<UserPoolSession<C>, UserPoolError> {
        let invalid = || UserPoolError::InvalidUserPoolId(self.user_pool_id.clone());
        let region = match self.user_pool_id.split_once('_') {
            Some((region, id)) if !region.is_empty() && !id.is_empty() => region.to_owned(),
            _ => return Err(invalid()),
        };
        let pool_name = PoolName::from_user_pool_id(&self.user_pool_id).map_err(|_| invalid())?;
        let logins_key = format!("cognito-idp.{region}.amazonaws.com/{}", self.user_pool_id);
        Ok(UserPoolSession {
            shared: Arc::new(Shared {
                client: self.client,
                user_pool_id: self.user_pool_id,
                pool_name,
                client_id: self.client_id,
                client_secret: self.client_secret,
                logins_key,
                flow: self.flow,
                new_password: self.new_password,
                store: self
                    .store
                    .unwrap_or_else(|| Box::new(InMemorySessionStore::new())),
                refresh_margin: self.refresh_margin,
                clock: self.clock,
                state: tokio::sync::Mutex::new(None),
                epoch: AtomicU64::new(0),
                legacy_refresh: AtomicBool::new(false),
            }),
        })
    }
}
