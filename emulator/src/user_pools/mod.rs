//! Amazon Cognito user pools (`cognito-idp`): pools and app clients, users and groups, the
//! sign-in flows and the tokens they issue, served by the generated `Router` of the
//! `cognito-identity-provider` crate beside the identity pools, on the same port and in the
//! same SQLite file.
//!
//! Each part has its own module: `store` (the tables and their records), `service` (the
//! operations as plain functions returning [`PoolFault`], and the generated trait's impl),
//! `auth` (sign-in flows, challenges, refresh and sign-out), `tokens` (per-pool RS256 keys and
//! the claims of ID and access tokens), `password` (policies and the SRP verifiers passwords
//! are kept as), `filter` (the `ListUsers` filter), `codes` (confirmation and reset codes) and
//! `cache` (what reads keep in memory between writes).
//! Nothing here sends mail or text messages: codes go to the log and to a local endpoint.

pub mod auth;
pub mod cache;
pub mod codes;
pub mod filter;
pub mod password;
pub mod seed;
pub mod service;
pub mod store;
pub mod tokens;

use std::sync::{Arc, Mutex};

use aws_json_runtime::HttpResponse;
use cognito_identity_provider::error::NotAuthorizedException;

use crate::fault::Fault;
use crate::log::Level;
use crate::store::Store;

pub use self::service::UserPools;
pub use self::tokens::PoolKeys;

/// The `X-Amz-Target` prefix of the user-pool service.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// The content type of the user-pool service's answers (awsJson 1.1).
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// How the user-pool side runs.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// The region in pool ids, ARNs and the default issuer.
    pub region: String,
    /// The account in ARNs.
    pub account_id: String,
    /// A base URL to issue tokens under instead of `https://cognito-idp.<region>.amazonaws.com`
    /// (the pool id is appended).
    pub issuer_base: Option<String>,
    /// Seconds the emulator's clock runs ahead of this machine's.
    pub clock_offset_secs: i64,
    /// A code to use for every confirmation and reset instead of random ones.
    pub fixed_code: Option<String>,
    /// Which log lines to write (codes are written at `info`).
    pub log_level: Level,
}

impl PoolSettings {
    /// The `iss` of tokens of pool `pool_id`.
    pub fn issuer(&self, pool_id: &str) -> String {
        match &self.issuer_base {
            Some(base) => format!("{}/{pool_id}", base.trim_end_matches('/')),
            None => format!(
                "https://cognito-idp.{}.amazonaws.com/{pool_id}",
                self.region
            ),
        }
    }

    /// Milliseconds since the epoch on the emulator's clock.
    pub fn now_ms(&self) -> i64 {
        crate::service::clock_ms(self.clock_offset_secs)
    }
}

/// An error answered by a user-pool operation: the code AWS sends and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolFault {
    /// The error code (`__type`).
    pub code: &'static str,
    /// The message.
    pub message: String,
}

macro_rules! faults {
    ($($name:ident => $code:literal),* $(,)?) => {
        impl PoolFault {
            $(
                #[doc = concat!("`", $code, "`.")]
                pub fn $name(message: impl Into<String>) -> PoolFault {
                    PoolFault { code: $code, message: message.into() }
                }
            )*
        }
    };
}

faults! {
    not_authorized => "NotAuthorizedException",
    user_not_found => "UserNotFoundException",
    user_not_confirmed => "UserNotConfirmedException",
    username_exists => "UsernameExistsException",
    alias_exists => "AliasExistsException",
    code_mismatch => "CodeMismatchException",
    expired_code => "ExpiredCodeException",
    invalid_password => "InvalidPasswordException",
    password_reset_required => "PasswordResetRequiredException",
    invalid_parameter => "InvalidParameterException",
    not_found => "ResourceNotFoundException",
    group_exists => "GroupExistsException",
    limit_exceeded => "LimitExceededException",
    unsupported_operation => "UnsupportedOperationException",
    unsupported_token_type => "UnsupportedTokenTypeException",
    invalid_configuration => "InvalidUserPoolConfigurationException",
    internal => "InternalErrorException",
}

impl PoolFault {
    /// The HTTP status of an error the operation's model does not list (a listed one is
    /// written with the model's own status): 500 for the service's faults, else 400.
    pub fn status(&self) -> u16 {
        match self.code {
            "InternalErrorException" | "InternalServerException" => 500,
            _ => 400,
        }
    }

    /// `NotAuthorizedException` for a wrong password, or for a user who does not exist when
    /// the client hides that.
    pub fn incorrect_credentials() -> PoolFault {
        PoolFault::not_authorized("Incorrect username or password.")
    }

    /// `ResourceNotFoundException` for a pool.
    pub fn pool_not_found(pool_id: &str) -> PoolFault {
        PoolFault::not_found(format!("User pool {pool_id} does not exist."))
    }

    /// `ResourceNotFoundException` for an app client.
    pub fn client_not_found(client_id: &str) -> PoolFault {
        PoolFault::not_found(format!("User pool client {client_id} does not exist."))
    }

    /// `UserNotFoundException`.
    pub fn no_user() -> PoolFault {
        PoolFault::user_not_found("User does not exist.")
    }

    /// `UnsupportedOperationException` for what the emulator leaves out.
    pub fn out_of_scope(what: &str) -> PoolFault {
        PoolFault::unsupported_operation(format!(
            "{what} is not supported by cognito-identity-local."
        ))
    }
}

impl From<Fault> for PoolFault {
    fn from(f: Fault) -> Self {
        // The store and the shared helpers speak the identity service's kinds; the codes that
        // reach users of a user pool are its own.
        match f.kind {
            crate::fault::FaultKind::InvalidParameter => PoolFault::invalid_parameter(f.message),
            crate::fault::FaultKind::NotAuthorized => PoolFault::not_authorized(f.message),
            crate::fault::FaultKind::NotFound => PoolFault::not_found(f.message),
            crate::fault::FaultKind::LimitExceeded => PoolFault::limit_exceeded(f.message),
            _ => PoolFault::internal(f.message),
        }
    }
}

impl From<rusqlite::Error> for PoolFault {
    fn from(e: rusqlite::Error) -> Self {
        PoolFault::internal(format!("database error: {e}"))
    }
}

impl From<serde_json::Error> for PoolFault {
    fn from(e: serde_json::Error) -> Self {
        PoolFault::internal(format!("stored record is not readable: {e}"))
    }
}

impl std::fmt::Display for PoolFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// Members holding tokens (the model's `TokenModelType`, pattern `[A-Za-z0-9-_=.]+`), as the
/// router's validation names them, and what the service answers for a token that breaks it.
const TOKEN_MEMBERS: [(&str, &str); 2] = [
    ("accessToken", "Invalid Access Token"),
    ("refreshToken", "Invalid Refresh Token"),
];

/// Cognito answers a token that breaks the model's pattern as it answers any other bad token,
/// `NotAuthorizedException` (`Invalid Access Token`), not with a `ValidationException`. The
/// router validates before the handler sees the request, so its answer is rewritten here when
/// that pattern is its only complaint. Every other response passes unchanged; only a 400 is
/// read.
pub fn token_rejection(response: HttpResponse) -> HttpResponse {
    if response.status() != http::StatusCode::BAD_REQUEST {
        return response;
    }
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(response.body()) else {
        return response;
    };
    if body.get("__type").and_then(serde_json::Value::as_str) != Some("ValidationException") {
        return response;
    }
    let message = body
        .get("message")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    let Some(violation) = message.strip_prefix("1 validation error detected: ") else {
        return response;
    };
    for (member, answer) in TOKEN_MEMBERS {
        let pattern = format!(
            "at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern"
        );
        if violation.starts_with("Value ") && violation.contains(&pattern) {
            let error = NotAuthorizedException::new().with_message(answer);
            return aws_json_runtime::server::router::error_response(
                NotAuthorizedException::HTTP_STATUS,
                NotAuthorizedException::CODE,
                &error,
                CONTENT_TYPE,
            );
        }
    }
    response
}

/// Builds the user-pool side over `store`, sharing its keys with the identity side.
pub fn build(store: Arc<Store>, settings: PoolSettings) -> UserPools {
    let keys = Arc::new(PoolKeys::new(store.clone(), settings.clone()));
    UserPools {
        store,
        keys,
        settings,
        sessions: Mutex::new(Default::default()),
        cache: Default::default(),
        checked: Default::default(),
    }
}
