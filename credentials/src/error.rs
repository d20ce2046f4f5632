//! Why the provider could not produce credentials.
//!
//! The error is `Clone` because one refresh's outcome is handed to every caller that waited
//! for it; the operation errors it wraps are shared behind an `Arc` for that reason. Its
//! text never contains a login token or a secret.

use std::fmt;
use std::sync::Arc;

use cognito_identity::error::{GetCredentialsForIdentityError, GetIdError};

use crate::logins::BoxError;

/// Why the provider could not produce an identity id or credentials.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CognitoCredentialsError {
    /// The service refused the request (`NotAuthorizedException`): the logins are missing,
    /// expired or not accepted by the identity pool, or the pool does not allow
    /// unauthenticated identities. Retrying with the same logins will not help.
    NotAuthorized {
        /// The operation that was refused: `GetId` or `GetCredentialsForIdentity`.
        operation: &'static str,
        /// The service's message, if it sent one.
        message: Option<String>,
    },
    /// `GetId` failed for another reason.
    GetId(Arc<GetIdError>),
    /// `GetCredentialsForIdentity` failed for another reason.
    GetCredentialsForIdentity(Arc<GetCredentialsForIdentityError>),
    /// The logins source failed.
    Logins(Arc<dyn std::error::Error + Send + Sync + 'static>),
    /// The developer-identity source failed.
    DeveloperIdentity(Arc<dyn std::error::Error + Send + Sync + 'static>),
    /// The identity-id store could not read, save or remove an identity id. An id the
    /// provider got is kept in memory all the same, so asking again does not make another.
    IdentityStore {
        /// What the provider asked of the store: `read`, `save` or `remove`.
        action: &'static str,
        /// The store's error.
        source: Arc<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The service answered without something the provider needs (an identity id, an
    /// access key, an expiry a clock can hold).
    InvalidResponse {
        /// The operation whose answer was incomplete.
        operation: &'static str,
        /// What was wrong with it.
        reason: String,
    },
}

impl CognitoCredentialsError {
    /// True for [`CognitoCredentialsError::NotAuthorized`].
    pub fn is_not_authorized(&self) -> bool {
        matches!(self, CognitoCredentialsError::NotAuthorized { .. })
    }

    pub(crate) fn logins(error: BoxError) -> Self {
        CognitoCredentialsError::Logins(Arc::from(error))
    }

    pub(crate) fn developer_identity(error: BoxError) -> Self {
        CognitoCredentialsError::DeveloperIdentity(Arc::from(error))
    }

    pub(crate) fn identity_store(action: &'static str, error: BoxError) -> Self {
        CognitoCredentialsError::IdentityStore {
            action,
            source: Arc::from(error),
        }
    }

    pub(crate) fn invalid_response(operation: &'static str, reason: impl Into<String>) -> Self {
        CognitoCredentialsError::InvalidResponse {
            operation,
            reason: reason.into(),
        }
    }
}

impl From<GetIdError> for CognitoCredentialsError {
    fn from(error: GetIdError) -> Self {
        match error {
            GetIdError::NotAuthorizedException(e) => CognitoCredentialsError::NotAuthorized {
                operation: "GetId",
                message: e.message,
            },
            other => CognitoCredentialsError::GetId(Arc::new(other)),
        }
    }
}

impl From<GetCredentialsForIdentityError> for CognitoCredentialsError {
    fn from(error: GetCredentialsForIdentityError) -> Self {
        match error {
            GetCredentialsForIdentityError::NotAuthorizedException(e) => {
                CognitoCredentialsError::NotAuthorized {
                    operation: "GetCredentialsForIdentity",
                    message: e.message,
                }
            }
            other => CognitoCredentialsError::GetCredentialsForIdentity(Arc::new(other)),
        }
    }
}

impl fmt::Display for CognitoCredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CognitoCredentialsError::NotAuthorized { operation, message } => {
                write!(f, "{operation}: not authorized")?;
                match message {
                    Some(m) => write!(f, ": {m}"),
                    None => Ok(()),
                }
            }
            CognitoCredentialsError::GetId(e) => write!(f, "GetId failed: {e}"),
            CognitoCredentialsError::GetCredentialsForIdentity(e) => {
                write!(f, "GetCredentialsForIdentity failed: {e}")
            }
            CognitoCredentialsError::Logins(e) => write!(f, "the logins source failed: {e}"),
            CognitoCredentialsError::DeveloperIdentity(e) => {
                write!(f, "the developer identity source failed: {e}")
            }
            CognitoCredentialsError::IdentityStore { action, source } => {
                write!(
                    f,
                    "the identity id store could not {action} an id: {source}"
                )
            }
            CognitoCredentialsError::InvalidResponse { operation, reason } => {
                write!(f, "{operation} answered without what is needed: {reason}")
            }
        }
    }
}

impl std::error::Error for CognitoCredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CognitoCredentialsError::GetId(e) => Some(&**e),
            CognitoCredentialsError::GetCredentialsForIdentity(e) => Some(&**e),
            CognitoCredentialsError::Logins(e) => Some(&**e),
            CognitoCredentialsError::DeveloperIdentity(e) => Some(&**e),
            CognitoCredentialsError::IdentityStore { source, .. } => Some(&**source),
            CognitoCredentialsError::NotAuthorized { .. }
            | CognitoCredentialsError::InvalidResponse { .. } => None,
        }
    }
}
