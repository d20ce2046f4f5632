//! The client's signing glue: the credentials of one call, fetched once and again only when
//! they expire, and each attempt signed with SigV4 at the service's time. The signature
//! itself is `auth::sigv4`'s.

use std::time::SystemTime;

use super::dispatch::ClientCore;
use crate::auth::credentials::Credentials;
use crate::base::http::HttpRequest;
use crate::base::meta::OperationMeta;

/// Signs every attempt of one call. It holds the credentials fetched when the call began, and
/// fetches them again for an attempt only when they have expired (retries can outlast them).
pub(super) struct CallSigner<'a> {
    core: &'a ClientCore,
    op: &'static OperationMeta,
    /// The credentials and region to sign with; `None` for an operation the model leaves
    /// unsigned.
    credentials: Option<(Credentials, &'a str)>,
}

impl<'a> CallSigner<'a> {
    /// A signer for one call of `op`. An unsigned operation asks for no credentials; a signed
    /// one fails here, before anything is sent, when no region or credentials can be had.
    pub(super) async fn new(
        core: &'a ClientCore,
        op: &'static OperationMeta,
    ) -> Result<Self, String> {
        let credentials = if op.unsigned {
            None
        } else {
            let region = core.config.region.as_deref().ok_or_else(|| {
                format!(
                    "{} is a signed operation and no region is configured: set one with \
                     `ConfigBuilder::region`, AWS_REGION or the profile's `region`",
                    op.name
                )
            })?;
            Some((Self::fetch(core, op).await?, region))
        };
        Ok(CallSigner {
            core,
            op,
            credentials,
        })
    }

    async fn fetch(core: &ClientCore, op: &'static OperationMeta) -> Result<Credentials, String> {
        let Some(provider) = &core.config.credentials else {
            #[cfg(feature = "config-files")]
            const SOURCES: &str = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the shared \
                                   files ~/.aws/credentials and ~/.aws/config";
            #[cfg(not(feature = "config-files"))]
            const SOURCES: &str = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the shared \
                                   files need the `config-files` feature)";
            return Err(format!(
                "{} is a signed operation and no credentials are configured: give them with \
                 `ConfigBuilder::credentials` or `ConfigBuilder::credentials_provider`, or build \
                 the configuration with `Config::from_env` to read {SOURCES}",
                op.name
            ));
        };
        provider
            .provide_credentials()
            .await
            .map_err(|e| format!("cannot sign the {} request: {e}", op.name))
    }

    /// Signs `request` with SigV4 (leaves it unchanged for an unsigned operation) at `now`,
    /// this machine's time, which the signature carries as the service's.
    pub(super) async fn sign(
        &self,
        request: &mut HttpRequest,
        now: SystemTime,
    ) -> Result<(), String> {
        let Some((held, region)) = &self.credentials else {
            return Ok(());
        };
        // Expiries are on this machine's clock; the signature carries the service's time.
        let fresh;
        let credentials = match held.expiry() {
            Some(expiry) if expiry <= now => {
                fresh = Self::fetch(self.core, self.op).await?;
                &fresh
            }
            _ => held,
        };
        let params = crate::auth::sigv4::SigningParams {
            credentials,
            region,
            service: self.core.service.signing_name,
            time: self.core.config.clock_skew.server_time(now),
        };
        crate::auth::sigv4::sign(request, &params)
            .map_err(|e| format!("cannot sign the {} request: {e}", self.op.name))
    }
}
