//! The service's errors as the emulator raises them, and their conversion into each
//! operation's generated error enum.
//!
//! Handlers return one [`Fault`]; the `From` impls below turn it into the operation's own
//! error, using the modeled exception when the operation lists it and an unmodeled error with
//! the same code otherwise, so the wire always carries the code AWS would send.

use cognito_identity::error::{self, *};

/// Which of the service's errors a [`Fault`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// `ResourceNotFoundException`.
    NotFound,
    /// `ResourceConflictException`.
    Conflict,
    /// `NotAuthorizedException`.
    NotAuthorized,
    /// `LimitExceededException`.
    LimitExceeded,
    /// `InvalidParameterException`.
    InvalidParameter,
    /// `DeveloperUserAlreadyRegisteredException`.
    DeveloperUserAlreadyRegistered,
    /// `InvalidIdentityPoolConfigurationException`.
    InvalidPoolConfiguration,
    /// `ExternalServiceException`: an identity provider's keys could not be had.
    ExternalService,
    /// `InternalErrorException` (status 500).
    Internal,
}

impl FaultKind {
    /// The error code on the wire.
    pub fn code(self) -> &'static str {
        match self {
            FaultKind::NotFound => ResourceNotFoundException::CODE,
            FaultKind::Conflict => ResourceConflictException::CODE,
            FaultKind::NotAuthorized => NotAuthorizedException::CODE,
            FaultKind::LimitExceeded => LimitExceededException::CODE,
            FaultKind::InvalidParameter => InvalidParameterException::CODE,
            FaultKind::DeveloperUserAlreadyRegistered => {
                DeveloperUserAlreadyRegisteredException::CODE
            }
            FaultKind::InvalidPoolConfiguration => InvalidIdentityPoolConfigurationException::CODE,
            FaultKind::ExternalService => ExternalServiceException::CODE,
            FaultKind::Internal => InternalErrorException::CODE,
        }
    }
}

/// An error answered to the caller: its kind and the message AWS sends with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Which error.
    pub kind: FaultKind,
    /// The message.
    pub message: String,
}

impl Fault {
    fn new(kind: FaultKind, message: impl Into<String>) -> Self {
        Fault {
            kind,
            message: message.into(),
        }
    }

    /// `ResourceNotFoundException` for an identity pool, in AWS's words.
    pub fn pool_not_found(pool_id: &str) -> Self {
        Self::new(
            FaultKind::NotFound,
            format!("IdentityPool '{pool_id}' not found."),
        )
    }

    /// `ResourceNotFoundException` for an identity.
    pub fn identity_not_found(identity_id: &str) -> Self {
        Self::new(
            FaultKind::NotFound,
            format!("Identity '{identity_id}' not found."),
        )
    }

    /// `ResourceNotFoundException`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(FaultKind::NotFound, message)
    }

    /// `ResourceConflictException`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(FaultKind::Conflict, message)
    }

    /// `NotAuthorizedException`.
    pub fn not_authorized(message: impl Into<String>) -> Self {
        Self::new(FaultKind::NotAuthorized, message)
    }

    /// `NotAuthorizedException` for logins that do not prove the identity, in AWS's words.
    pub fn logins_dont_match() -> Self {
        Self::not_authorized(
            "Logins don't match. Please include at least one valid login for this identity or identity pool.",
        )
    }

    /// `NotAuthorizedException` for a pool without unauthenticated access, in AWS's words.
    pub fn unauthenticated_not_supported() -> Self {
        Self::not_authorized("Unauthenticated access is not supported for this identity pool.")
    }

    /// `NotAuthorizedException` for a login from a provider the pool does not trust.
    pub fn unsupported_provider() -> Self {
        Self::not_authorized("Token is not from a supported provider of this identity pool.")
    }

    /// `LimitExceededException`.
    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::new(FaultKind::LimitExceeded, message)
    }

    /// `InvalidParameterException`.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(FaultKind::InvalidParameter, message)
    }

    /// `DeveloperUserAlreadyRegisteredException`.
    pub fn developer_user_already_registered(message: impl Into<String>) -> Self {
        Self::new(FaultKind::DeveloperUserAlreadyRegistered, message)
    }

    /// `InvalidIdentityPoolConfigurationException` for a pool without a usable role, in AWS's
    /// words.
    pub fn no_role() -> Self {
        Self::new(
            FaultKind::InvalidPoolConfiguration,
            "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
        )
    }

    /// `ExternalServiceException`: a provider the emulator depends on did not answer.
    pub fn external_service(message: impl Into<String>) -> Self {
        Self::new(FaultKind::ExternalService, message)
    }

    /// `InternalErrorException`: the emulator itself failed (its database, its signing key).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(FaultKind::Internal, message)
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.message)
    }
}

impl std::error::Error for Fault {}

#[cfg(feature = "service")]
impl From<rusqlite::Error> for Fault {
    fn from(e: rusqlite::Error) -> Self {
        Fault::internal(format!("database error: {e}"))
    }
}

impl From<serde_json::Error> for Fault {
    fn from(e: serde_json::Error) -> Self {
        Fault::internal(format!("stored record is not readable: {e}"))
    }
}

/// Implements `From<Fault>` for an operation's error enum. Each listed kind becomes the
/// modeled exception of that name; any other kind keeps its code as an unmodeled error.
macro_rules! operation_error {
    ($error:ident { $($kind:ident => $exception:ident),* $(,)? }) => {
        impl From<Fault> for $error {
            fn from(fault: Fault) -> Self {
                match fault.kind {
                    $(FaultKind::$kind => $error::from(error::$exception::new().with_message(fault.message)),)*
                    #[allow(unreachable_patterns)]
                    other => $error::unhandled(other.code(), fault.message),
                }
            }
        }
    };
}

operation_error!(CreateIdentityPoolError {
    InvalidParameter => InvalidParameterException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    LimitExceeded => LimitExceededException,
    Internal => InternalErrorException,
});
operation_error!(DeleteIdentitiesError {
    InvalidParameter => InvalidParameterException,
    Internal => InternalErrorException,
});
operation_error!(DeleteIdentityPoolError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Internal => InternalErrorException,
});
operation_error!(DescribeIdentityError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Internal => InternalErrorException,
});
operation_error!(DescribeIdentityPoolError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Internal => InternalErrorException,
});
operation_error!(GetCredentialsForIdentityError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    InvalidPoolConfiguration => InvalidIdentityPoolConfigurationException,
    ExternalService => ExternalServiceException,
    Internal => InternalErrorException,
});
operation_error!(GetIdError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    LimitExceeded => LimitExceededException,
    ExternalService => ExternalServiceException,
    Internal => InternalErrorException,
});
operation_error!(GetIdentityPoolRolesError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    Internal => InternalErrorException,
});
operation_error!(GetOpenIdTokenError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    ExternalService => ExternalServiceException,
    Internal => InternalErrorException,
});
operation_error!(GetOpenIdTokenForDeveloperIdentityError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    DeveloperUserAlreadyRegistered => DeveloperUserAlreadyRegisteredException,
    Internal => InternalErrorException,
});
operation_error!(GetPrincipalTagAttributeMapError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Internal => InternalErrorException,
});
operation_error!(ListIdentitiesError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Internal => InternalErrorException,
});
operation_error!(ListIdentityPoolsError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Internal => InternalErrorException,
});
operation_error!(ListTagsForResourceError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Internal => InternalErrorException,
});
operation_error!(LookupDeveloperIdentityError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    Internal => InternalErrorException,
});
operation_error!(MergeDeveloperIdentitiesError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    Internal => InternalErrorException,
});
operation_error!(SetIdentityPoolRolesError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    Internal => InternalErrorException,
});
operation_error!(SetPrincipalTagAttributeMapError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Internal => InternalErrorException,
});
operation_error!(TagResourceError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Internal => InternalErrorException,
});
operation_error!(UnlinkDeveloperIdentityError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    Internal => InternalErrorException,
});
operation_error!(UnlinkIdentityError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    ExternalService => ExternalServiceException,
    Internal => InternalErrorException,
});
operation_error!(UntagResourceError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Internal => InternalErrorException,
});
operation_error!(UpdateIdentityPoolError {
    InvalidParameter => InvalidParameterException,
    NotFound => ResourceNotFoundException,
    NotAuthorized => NotAuthorizedException,
    Conflict => ResourceConflictException,
    LimitExceeded => LimitExceededException,
    Internal => InternalErrorException,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_kind_becomes_the_modeled_exception() {
        let e = GetIdError::from(Fault::unauthenticated_not_supported());
        assert!(matches!(e, GetIdError::NotAuthorizedException(_)));
        assert_eq!(
            e.message(),
            Some("Unauthenticated access is not supported for this identity pool.")
        );
    }

    #[test]
    fn an_unlisted_kind_keeps_its_code() {
        let e = DeleteIdentitiesError::from(Fault::pool_not_found("us-east-1:0"));
        assert!(matches!(e, DeleteIdentitiesError::Unhandled(_)));
        assert_eq!(e.code(), Some("ResourceNotFoundException"));
    }
}
