//! Why a user-pool sign-in, refresh or sign-out failed.
//!
//! The error is `Clone`, as the provider's is, so that one refresh's failure can reach every
//! caller that waited for it. Its text never holds a password, a token or a client secret.

use std::fmt;
use std::sync::Arc;

use crate::logins::BoxError;

/// Why the user-pool session could not sign in, refresh or sign out.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum UserPoolError {
    /// The user pool refused (`NotAuthorizedException`): a wrong user name or password, an
    /// expired or revoked refresh token, a wrong `SECRET_HASH`. After a refused refresh the
    /// session is signed out.
    NotAuthorized {
        /// The operation refused.
        operation: &'static str,
        /// The service's message, if it sent one.
        message: Option<String>,
    },
    /// The user is disabled (`NotAuthorizedException: User is disabled.`).
    UserDisabled {
        /// The operation refused.
        operation: &'static str,
    },
    /// The user signed up but is not confirmed yet (`UserNotConfirmedException`).
    UserNotConfirmed,
    /// An administrator reset the password; the user must set a new one with a code
    /// (`PasswordResetRequiredException`).
    PasswordResetRequired,
    /// The pool has no such user (`UserNotFoundException`).
    UserNotFound,
    /// The pool asked for a challenge this session does not answer (MFA, `SELECT_CHALLENGE`,
    /// device sign-in, custom auth...). `challenge` is its name as the service sent it.
    UnhandledChallenge {
        /// The challenge's name, such as `SMS_MFA` or `SELECT_CHALLENGE`.
        challenge: String,
    },
    /// The pool asked for a new password (`NEW_PASSWORD_REQUIRED`) and no callback was set
    /// with `on_new_password_required`.
    NewPasswordRequired,
    /// There is no signed-in user: never signed in, signed out, or the refresh token was
    /// refused.
    NotSignedIn,
    /// A user is signed in already: sign out first, so that the previous session's refresh
    /// token is revoked rather than left valid.
    AlreadySignedIn {
        /// The signed-in user's name in the pool.
        username: String,
    },
    /// The user pool id is not `<region>_<id>`.
    InvalidUserPoolId(String),
    /// Another error from the service (or the transport), with its code and message.
    Service {
        /// The operation that failed.
        operation: &'static str,
        /// The error code, when there is one.
        code: Option<String>,
        /// The error message, when there is one.
        message: Option<String>,
        /// The operation's own error.
        source: Arc<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The service answered without something the session needs, or with a token it cannot
    /// read.
    InvalidResponse {
        /// The operation whose answer was wrong.
        operation: &'static str,
        /// What was wrong with it.
        reason: String,
    },
    /// The SRP computation refused the challenge's parameters.
    Srp(cognito_srp::Error),
    /// The session store could not load, save or clear the session.
    Store {
        /// What the session asked of the store: `load`, `save` or `clear`.
        action: &'static str,
        /// The store's error.
        source: Arc<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The new-password callback failed.
    NewPasswordCallback(Arc<dyn std::error::Error + Send + Sync + 'static>),
}

impl UserPoolError {
    /// True for [`UserPoolError::NotAuthorized`] and [`UserPoolError::UserDisabled`].
    pub fn is_not_authorized(&self) -> bool {
        matches!(
            self,
            UserPoolError::NotAuthorized { .. } | UserPoolError::UserDisabled { .. }
        )
    }

    /// The error code the service sent, for errors that came from it.
    pub fn code(&self) -> Option<&str> {
        match self {
            UserPoolError::NotAuthorized { .. } | UserPoolError::UserDisabled { .. } => {
                Some("NotAuthorizedException")
            }
            UserPoolError::UserNotConfirmed => Some("UserNotConfirmedException"),
            UserPoolError::PasswordResetRequired => Some("PasswordResetRequiredException"),
            UserPoolError::UserNotFound => Some("UserNotFoundException"),
            UserPoolError::Service { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// Sorts an operation's error by its code into the variants callers act on.
    pub(crate) fn from_service<E>(operation: &'static str, error: E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
        E: OperationError,
    {
        let message = error.message_text().map(str::to_owned);
        match error.code_text() {
            Some("NotAuthorizedException") if message.as_deref() == Some("User is disabled.") => {
                UserPoolError::UserDisabled { operation }
            }
            Some("NotAuthorizedException") => UserPoolError::NotAuthorized { operation, message },
            Some("UserNotConfirmedException") => UserPoolError::UserNotConfirmed,
            Some("PasswordResetRequiredException") => UserPoolError::PasswordResetRequired,
            Some("UserNotFoundException") => UserPoolError::UserNotFound,
            code => UserPoolError::Service {
                operation,
                code: code.map(str::to_owned),
                message,
                source: Arc::new(error),
            },
        }
    }

    pub(crate) fn invalid_response(operation: &'static str, reason: impl Into<String>) -> Self {
        UserPoolError::InvalidResponse {
            operation,
            reason: reason.into(),
        }
    }

    pub(crate) fn store(action: &'static str, error: BoxError) -> Self {
        UserPoolError::Store {
            action,
            source: Arc::from(error),
        }
    }
}

/// The code and message every generated operation error has.
pub(crate) trait OperationError {
    fn code_text(&self) -> Option<&str>;
    fn message_text(&self) -> Option<&str>;
}

macro_rules! operation_errors {
    ($($error:ident),* $(,)?) => {
        $(impl OperationError for cognito_identity_provider::error::$error {
            fn code_text(&self) -> Option<&str> {
                self.code()
            }
            fn message_text(&self) -> Option<&str> {
                self.message()
            }
        })*
    };
}

operation_errors!(
    InitiateAuthError,
    RespondToAuthChallengeError,
    GetTokensFromRefreshTokenError,
    RevokeTokenError,
    GlobalSignOutError,
);

impl From<cognito_srp::Error> for UserPoolError {
    fn from(error: cognito_srp::Error) -> Self {
        UserPoolError::Srp(error)
    }
}

impl fmt::Display for UserPoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserPoolError::NotAuthorized { operation, message } => {
                write!(f, "{operation}: not authorized")?;
                match message {
                    Some(m) => write!(f, ": {m}"),
                    None => Ok(()),
                }
            }
            UserPoolError::UserDisabled { operation } => {
                write!(f, "{operation}: the user is disabled")
            }
            UserPoolError::UserNotConfirmed => f.write_str("the user is not confirmed"),
            UserPoolError::PasswordResetRequired => {
                f.write_str("the user must reset the password")
            }
            UserPoolError::UserNotFound => f.write_str("the user pool has no such user"),
            UserPoolError::UnhandledChallenge { challenge } => {
                write!(f, "the user pool asked for the {challenge} challenge, which this session does not answer")
            }
            UserPoolError::NewPasswordRequired => f.write_str(
                "the user pool asked for a new password (NEW_PASSWORD_REQUIRED) and no callback answers it",
            ),
            UserPoolError::NotSignedIn => f.write_str("no user is signed in"),
            UserPoolError::AlreadySignedIn { username } => {
                write!(f, "{username} is signed in already; sign out first")
            }
            UserPoolError::InvalidUserPoolId(id) => {
                write!(f, "the user pool id {id:?} is not <region>_<id>")
            }
            UserPoolError::Service {
                operation,
                code,
                message,
                ..
            } => {
                write!(f, "{operation} failed")?;
                if let Some(code) = code {
                    write!(f, ": {code}")?;
                }
                match message {
                    Some(m) => write!(f, ": {m}"),
                    None => Ok(()),
                }
            }
            UserPoolError::InvalidResponse { operation, reason } => {
                write!(f, "{operation} answered with something unusable: {reason}")
            }
            UserPoolError::Srp(e) => write!(f, "SRP: {e}"),
            UserPoolError::Store { action, source } => {
                write!(f, "the session store could not {action} the session: {source}")
            }
            UserPoolError::NewPasswordCallback(e) => {
                write!(f, "the new-password callback failed: {e}")
            }
        }
    }
}

impl std::error::Error for UserPoolError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            UserPoolError::Service { source, .. } | UserPoolError::Store { source, .. } => {
                Some(&**source)
            }
            UserPoolError::NewPasswordCallback(e) => Some(&**e),
            UserPoolError::Srp(e) => Some(e),
            _ => None,
        }
    }
}
