//! The bridge to the official AWS SDK for Rust (feature `aws-sdk`): the provider implements
//! `aws_credential_types::provider::ProvideCredentials`, so any SDK client can take it as its
//! credentials provider.
//!
//! The SDK keeps its own identity cache in front of every provider; the provider's cache
//! behind it still makes sure that `GetId` runs once and refreshes are shared.

use aws_credential_types::provider::{error::CredentialsError, future, ProvideCredentials};
use cognito_identity::CognitoIdentity;

use crate::provider::CognitoCredentialsProvider;
use crate::Credentials;

/// `credentials` as the SDK's credentials type, with the same keys, token and expiry.
pub fn to_sdk_credentials(credentials: &Credentials) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        credentials.session_token().map(str::to_owned),
        credentials.expiry(),
        credentials.provider_name(),
    )
}

impl<C: CognitoIdentity + 'static> ProvideCredentials for CognitoCredentialsProvider<C> {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            match self.credentials().await {
                Ok(credentials) => Ok(to_sdk_credentials(&credentials)),
                Err(e) => Err(CredentialsError::provider_error(e)),
            }
        })
    }
}
