//! AWS credentials: the [`Credentials`] value, the [`ProvideCredentials`] trait every source
//! implements, and the sources AWS users expect (explicit keys, the environment, the shared
//! `~/.aws/credentials` and `~/.aws/config` files), chained in that order.
//!
//! Secrets never appear in `Debug` output or in error messages.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

#[cfg(feature = "config-files")]
use crate::auth::profile::ProfileFiles;
use crate::auth::profile::{Env, Fs};
use crate::base::http::BoxFuture;

/// An AWS access key pair, with the session token of temporary credentials and their expiry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials(Arc<Inner>);

#[derive(PartialEq, Eq)]
struct Inner {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
    provider_name: &'static str,
}

impl Credentials {
    /// Credentials from an access key pair, an optional session token and an optional expiry.
    /// `provider_name` says where they came from (shown in `Debug` and errors).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiry: Option<SystemTime>,
        provider_name: &'static str,
    ) -> Self {
        Credentials(Arc::new(Inner {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiry,
            provider_name,
        }))
    }

    /// The access key id (not secret).
    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.0.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.0.session_token.as_deref()
    }

    /// When the credentials stop working, if they expire.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.0.expiry
    }

    /// Where the credentials came from.
    pub fn provider_name(&self) -> &'static str {
        self.0.provider_name
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("provider_name", &self.0.provider_name)
            .field("access_key_id", &self.0.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.0.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiry", &self.0.expiry)
            .finish()
    }
}

/// Why no credentials could be had.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsError {
    /// This source has no credentials (the chain moves on to the next source). The text
    /// says where it looked.
    NotLoaded(String),
    /// This source is set up but broken (a malformed file, a failed call); the chain stops.
    ProviderError(String),
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::NotLoaded(m) => write!(f, "no credentials: {m}"),
            CredentialsError::ProviderError(m) => write!(f, "credentials provider failed: {m}"),
        }
    }
}

impl std::error::Error for CredentialsError {}

/// A source of credentials. Implementations cache as they see fit and refresh before expiry.
pub trait ProvideCredentials: Send + Sync + 'static {
    /// The current credentials.
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide_credentials()
    }
}

/// Fixed credentials are their own provider.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

/// Variable and key names the credential sources read.
mod keys {
    pub const ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
    pub const SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
    pub const SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
    #[cfg(feature = "config-files")]
    pub const PROFILE_ACCESS_KEY_ID: &str = "aws_access_key_id";
    #[cfg(feature = "config-files")]
    pub const PROFILE_SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
    #[cfg(feature = "config-files")]
    pub const PROFILE_SESSION_TOKEN: &str = "aws_session_token";
    /// Profile keys that get credentials some other way (assuming a role, SSO, an external
    /// process, a web identity token), which these sources do not implement.
    #[cfg(feature = "config-files")]
    pub const UNSUPPORTED: &[&str] = &[
        "role_arn",
        "source_profile",
        "credential_source",
        "credential_process",
        "sso_session",
        "sso_start_url",
        "web_identity_token_file",
        "login_session",
    ];
}

/// Credentials from the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for
/// temporary credentials, `AWS_SESSION_TOKEN`: the variables the AWS CLI and SDKs read.
///
/// Neither key set: not loaded (a chain moves on). Only one of the two set: an error that
/// names the missing one, since that is a mistake rather than an absence.
#[derive(Debug, Clone)]
pub struct EnvironmentCredentials {
    env: Env,
}

impl EnvironmentCredentials {
    /// Reads the process environment (at each call, so later changes are seen).
    pub fn new() -> Self {
        Self::with_env(Env::process())
    }

    /// Reads `env` instead of the process environment.
    pub fn with_env(env: Env) -> Self {
        EnvironmentCredentials { env }
    }

    /// The credentials the environment holds now.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let access_key_id = self.env.get(keys::ACCESS_KEY_ID);
        let secret_access_key = self.env.get(keys::SECRET_ACCESS_KEY);
        match (access_key_id, secret_access_key) {
            (Some(access_key_id), Some(secret_access_key)) => Ok(Credentials::new(
                access_key_id,
                secret_access_key,
                self.env.get(keys::SESSION_TOKEN),
                None,
                "environment",
            )),
            (None, None) => Err(CredentialsError::NotLoaded(format!(
                "the environment variables {} and {} are not set",
                keys::ACCESS_KEY_ID,
                keys::SECRET_ACCESS_KEY
            ))),
            (Some(_), None) => Err(half_set(keys::ACCESS_KEY_ID, keys::SECRET_ACCESS_KEY)),
            (None, Some(_)) => Err(half_set(keys::SECRET_ACCESS_KEY, keys::ACCESS_KEY_ID)),
        }
    }
}

fn half_set(set: &str, unset: &str) -> CredentialsError {
    CredentialsError::ProviderError(format!(
        "the environment variable {set} is set but {unset} is not"
    ))
}

impl Default for EnvironmentCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let result = self.load();
        Box::pin(async move { result })
    }
}

/// Static keys from the shared files: `aws_access_key_id`, `aws_secret_access_key` and
/// `aws_session_token` of the selected profile (`AWS_PROFILE`, or `default`), the
/// credentials file winning over the config file. See [`crate::auth::profile`] for where the
/// files are looked for.
///
/// A missing profile, or one without keys: not loaded. A malformed file, a profile with only
/// one of the two keys, or one that gets credentials another way (`role_arn`, SSO,
/// `credential_process`, which this source does not implement): an error saying so.
///
/// Only with the `config-files` feature (on by default).
#[cfg(feature = "config-files")]
#[derive(Debug, Clone)]
pub struct ProfileCredentials {
    env: Env,
    fs: Fs,
    profile: Option<String>,
}

#[cfg(feature = "config-files")]
impl ProfileCredentials {
    /// Reads the files the process environment points at (at each call).
    pub fn new() -> Self {
        Self::with_env_and_fs(Env::process(), Fs::real())
    }

    /// Reads through `env` and `fs` instead of the real process and file system.
    pub fn with_env_and_fs(env: Env, fs: Fs) -> Self {
        ProfileCredentials {
            env,
            fs,
            profile: None,
        }
    }

    /// Uses the profile `name` instead of the one `AWS_PROFILE` selects.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// The credentials the files hold now.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let files = ProfileFiles::load_profile(&self.env, &self.fs, self.profile.as_deref())
            .map_err(|e| CredentialsError::ProviderError(e.to_string()))?;
        let searched = files.searched();
        let Some(profile) = files.profile() else {
            return Err(CredentialsError::NotLoaded(format!(
                "{searched}: no such profile"
            )));
        };
        let access_key_id = profile.get(keys::PROFILE_ACCESS_KEY_ID);
        let secret_access_key = profile.get(keys::PROFILE_SECRET_ACCESS_KEY);
        match (access_key_id, secret_access_key) {
            (Some(access_key_id), Some(secret_access_key)) => Ok(Credentials::new(
                access_key_id,
                secret_access_key,
                profile.get(keys::PROFILE_SESSION_TOKEN).map(str::to_owned),
                None,
                "profile",
            )),
            (Some(_), None) | (None, Some(_)) => {
                let (set, unset) = if access_key_id.is_some() {
                    (keys::PROFILE_ACCESS_KEY_ID, keys::PROFILE_SECRET_ACCESS_KEY)
                } else {
                    (keys::PROFILE_SECRET_ACCESS_KEY, keys::PROFILE_ACCESS_KEY_ID)
                };
                Err(CredentialsError::ProviderError(format!(
                    "{searched}: the profile sets {set} but not {unset}"
                )))
            }
            (None, None) => match keys::UNSUPPORTED.iter().find(|k| profile.get(k).is_some()) {
                Some(key) => Err(CredentialsError::ProviderError(format!(
                    "{searched}: the profile gets credentials through `{key}`, which this \
                     client does not support; give the profile {} and {}, set {} and {}, \
                     or configure a credentials provider",
                    keys::PROFILE_ACCESS_KEY_ID,
                    keys::PROFILE_SECRET_ACCESS_KEY,
                    keys::ACCESS_KEY_ID,
                    keys::SECRET_ACCESS_KEY
                ))),
                None => Err(CredentialsError::NotLoaded(format!(
                    "{searched}: the profile has no {} and {}",
                    keys::PROFILE_ACCESS_KEY_ID,
                    keys::PROFILE_SECRET_ACCESS_KEY
                ))),
            },
        }
    }
}

#[cfg(feature = "config-files")]
impl Default for ProfileCredentials {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "config-files")]
impl ProvideCredentials for ProfileCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let result = self.load();
        Box::pin(async move { result })
    }
}

/// Sources tried in order: the first that has credentials wins. A source that has none
/// ([`CredentialsError::NotLoaded`]) passes to the next; a broken one
/// ([`CredentialsError::ProviderError`]) stops the chain with its error. When no source has
/// credentials, the error lists where each one looked.
///
/// Credentials without an expiry (static keys, the environment, the shared files) are kept
/// after the first success, so the environment and files are read once. Expiring
/// credentials are not kept here: the source that made them refreshes them.
///
/// [`CredentialsChain::default`] is the order AWS users expect: the environment, then the
/// shared files (with the `config-files` feature). Keys given to a client's configuration
/// directly come before any chain.
pub struct CredentialsChain {
    sources: Vec<(&'static str, Box<dyn ProvideCredentials>)>,
    cached: Mutex<Option<Credentials>>,
}

impl CredentialsChain {
    /// A chain that starts with `source`, called `name` in `Debug` output.
    pub fn first_try(name: &'static str, source: impl ProvideCredentials) -> Self {
        CredentialsChain {
            sources: vec![(name, Box::new(source))],
            cached: Mutex::new(None),
        }
    }

    /// Adds `source` after the ones already in the chain.
    pub fn or_else(mut self, name: &'static str, source: impl ProvideCredentials) -> Self {
        self.sources.push((name, Box::new(source)));
        self
    }

    /// The default chain reading through `env` and `fs`: the environment, then the shared
    /// files (without the `config-files` feature, the environment only).
    pub fn with_env_and_fs(env: Env, fs: Fs) -> Self {
        let chain = CredentialsChain::first_try(
            "environment",
            EnvironmentCredentials::with_env(env.clone()),
        );
        #[cfg(feature = "config-files")]
        let chain = chain.or_else("profile", ProfileCredentials::with_env_and_fs(env, fs));
        #[cfg(not(feature = "config-files"))]
        let _ = (env, fs);
        chain
    }

    async fn resolve(&self) -> Result<Credentials, CredentialsError> {
        if let Some(credentials) = self.cache().clone() {
            return Ok(credentials);
        }
        let mut searched = Vec::with_capacity(self.sources.len());
        for (_, source) in &self.sources {
            match source.provide_credentials().await {
                Ok(credentials) => {
                    if credentials.expiry().is_none() {
                        *self.cache() = Some(credentials.clone());
                    }
                    return Ok(credentials);
                }
                Err(CredentialsError::NotLoaded(where_)) => searched.push(where_),
                Err(other) => return Err(other),
            }
        }
        Err(CredentialsError::NotLoaded(if searched.is_empty() {
            "the credentials chain has no sources".to_owned()
        } else {
            searched.join("; ")
        }))
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Option<Credentials>> {
        // A panic while holding the lock cannot leave the cache half-written (it is one
        // assignment), so a poisoned lock is still safe to use.
        self.cached.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for CredentialsChain {
    /// The environment, then the shared files, read from the real process and file system.
    fn default() -> Self {
        Self::with_env_and_fs(Env::process(), Fs::real())
    }
}

impl fmt::Debug for CredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsChain")
            .field(
                "sources",
                &self
                    .sources
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.resolve())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::from_vars(vars.iter().copied())
    }

    const HOME: (&str, &str) = ("HOME", "/home/me");

    fn files(list: &[(&str, &str)]) -> Fs {
        Fs::from_files(list.iter().copied())
    }

    #[test]
    fn debug_never_prints_secrets() {
        let credentials = Credentials::new(
            "AKIDPUBLIC",
            "wJalrXUtnFEMI/SECRETVALUE",
            Some("SESSIONTOKENVALUE".to_owned()),
            None,
            "test",
        );
        let env = env(&[("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/SECRETVALUE")]);
        let chain = CredentialsChain::first_try("static", credentials.clone());
        for text in [
            format!("{credentials:?}"),
            format!("{credentials:#?}"),
            format!("{env:?}"),
            format!("{:?}", EnvironmentCredentials::with_env(env.clone())),
            format!("{chain:?}"),
        ] {
            assert!(!text.contains("SECRETVALUE"), "{text}");
            assert!(!text.contains("SESSIONTOKENVALUE"), "{text}");
        }
        assert!(format!("{credentials:?}").contains("AKIDPUBLIC"));
    }

    #[test]
    fn environment_credentials() {
        let loaded = EnvironmentCredentials::with_env(env(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", "token"),
        ]))
        .load()
        .unwrap();
        assert_eq!(loaded.access_key_id(), "AKID");
        assert_eq!(loaded.secret_access_key(), "secret");
        assert_eq!(loaded.session_token(), Some("token"));
        assert_eq!(loaded.provider_name(), "environment");

        let no_token = EnvironmentCredentials::with_env(env(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", ""),
        ]))
        .load()
        .unwrap();
        assert_eq!(no_token.session_token(), None);

        let half = EnvironmentCredentials::with_env(env(&[("AWS_ACCESS_KEY_ID", "AKID")]))
            .load()
            .unwrap_err();
        assert_eq!(
            half,
            CredentialsError::ProviderError(
                "the environment variable AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                    .to_owned()
            )
        );
        assert!(matches!(
            EnvironmentCredentials::with_env(env(&[])).load(),
            Err(CredentialsError::NotLoaded(_))
        ));
    }

    #[cfg(feature = "config-files")]
    #[test]
    fn profile_credentials() {
        let fs = files(&[
            (
                "/home/me/.aws/credentials",
                "[default]\naws_access_key_id = AKID\naws_secret_access_key = s1\n\
                 [temp]\naws_access_key_id = AKID2\naws_secret_access_key = s2\naws_session_token = t2\n\
                 [half]\naws_access_key_id = AKID3\n",
            ),
            (
                "/home/me/.aws/config",
                "[profile sso]\nsso_session = corp\n[profile empty]\nregion = x\n",
            ),
        ]);
        let provider = |vars: &[(&str, &str)]| {
            ProfileCredentials::with_env_and_fs(env(&[&[HOME], vars].concat()), fs.clone())
        };
        let default = provider(&[]).load().unwrap();
        assert_eq!(
            (default.access_key_id(), default.secret_access_key()),
            ("AKID", "s1")
        );
        let temp = provider(&[("AWS_PROFILE", "temp")]).load().unwrap();
        assert_eq!(temp.session_token(), Some("t2"));
        let named = provider(&[("AWS_PROFILE", "temp")])
            .profile_name("default")
            .load()
            .unwrap();
        assert_eq!(named.access_key_id(), "AKID");

        let err = |profile: &str| {
            provider(&[("AWS_PROFILE", profile)])
                .load()
                .unwrap_err()
                .to_string()
        };
        let half = err("half");
        assert!(half.starts_with("credentials provider failed"), "{half}");
        assert!(
            half.contains("sets aws_access_key_id but not aws_secret_access_key"),
            "{half}"
        );
        let sso = err("sso");
        assert!(sso.contains("`sso_session`"), "{sso}");
        assert!(sso.starts_with("credentials provider failed"), "{sso}");
        let empty = err("empty");
        assert!(empty.starts_with("no credentials"), "{empty}");
        assert!(empty.contains("has no aws_access_key_id"), "{empty}");
        let missing = err("nope");
        assert_eq!(
            missing,
            "no credentials: profile `nope` (from AWS_PROFILE) in /home/me/.aws/credentials \
             and /home/me/.aws/config: no such profile"
        );
    }

    #[cfg(feature = "config-files")]
    #[test]
    fn malformed_file_stops_with_file_and_line() {
        let fs = files(&[("/home/me/.aws/config", "[default]\nregion\n")]);
        let err = ProfileCredentials::with_env_and_fs(env(&[HOME]), fs)
            .load()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "credentials provider failed: /home/me/.aws/config, line 2: expected `key = value`, found `region`"
        );
    }

    /// Counts its calls and answers with a fixed result.
    struct Counting(Arc<AtomicUsize>, Result<Credentials, CredentialsError>);

    impl ProvideCredentials for Counting {
        fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
            self.0.fetch_add(1, Ordering::SeqCst);
            let result = self.1.clone();
            Box::pin(async move { result })
        }
    }

    fn creds(id: &str, expiry: Option<SystemTime>) -> Credentials {
        Credentials::new(id, "secret", None, expiry, "test")
    }

    #[tokio::test]
    async fn chain_order_and_errors() {
        let calls = Arc::new(AtomicUsize::new(0));
        let not_loaded = || CredentialsError::NotLoaded("nothing here".to_owned());
        let counting = |result| Counting(calls.clone(), result);

        // The first source that loads wins; later ones are never asked.
        let chain = CredentialsChain::first_try("a", counting(Err(not_loaded())))
            .or_else("b", creds("B", None))
            .or_else("c", counting(Ok(creds("C", None))));
        assert_eq!(
            chain.provide_credentials().await.unwrap().access_key_id(),
            "B"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        // A broken source stops the chain.
        let broken = CredentialsChain::first_try(
            "a",
            counting(Err(CredentialsError::ProviderError("bad".to_owned()))),
        )
        .or_else("b", creds("B", None));
        assert_eq!(
            broken.provide_credentials().await,
            Err(CredentialsError::ProviderError("bad".to_owned()))
        );

        // The environment wins over the shared files, which come next.
        #[cfg(feature = "config-files")]
        {
            let fs = files(&[(
                "/home/me/.aws/credentials",
                "[default]\naws_access_key_id = FILE\naws_secret_access_key = s\n",
            )]);
            let both = env(&[
                HOME,
                ("AWS_ACCESS_KEY_ID", "ENV"),
                ("AWS_SECRET_ACCESS_KEY", "s"),
            ]);
            let chain = CredentialsChain::with_env_and_fs(both, fs.clone());
            assert_eq!(
                chain.provide_credentials().await.unwrap().access_key_id(),
                "ENV"
            );
            let chain = CredentialsChain::with_env_and_fs(env(&[HOME]), fs);
            let from_file = chain.provide_credentials().await.unwrap();
            assert_eq!(from_file.access_key_id(), "FILE");
            assert_eq!(from_file.provider_name(), "profile");
        }
    }

    #[cfg(not(feature = "config-files"))]
    #[tokio::test]
    async fn without_config_files_the_chain_reads_the_environment_only() {
        let fs = files(&[(
            "/home/me/.aws/credentials",
            "[default]\naws_access_key_id = FILE\naws_secret_access_key = s\n",
        )]);
        let chain = CredentialsChain::with_env_and_fs(env(&[HOME]), fs);
        assert_eq!(
            format!("{chain:?}"),
            "CredentialsChain { sources: [\"environment\"], .. }"
        );
        let err = chain.provide_credentials().await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "no credentials: the environment variables AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY are not set"
        );
    }

    #[cfg(feature = "config-files")]
    #[tokio::test]
    async fn nothing_found_lists_every_place_looked() {
        let chain = CredentialsChain::with_env_and_fs(
            env(&[HOME, ("AWS_CONFIG_FILE", "/etc/aws/config")]),
            files(&[]),
        );
        let err = chain.provide_credentials().await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "no credentials: the environment variables AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY are not set; profile `default` in \
             /home/me/.aws/credentials (not found) and /etc/aws/config (from AWS_CONFIG_FILE) \
             (not found): no such profile"
        );
    }

    #[tokio::test]
    async fn the_chain_keeps_lasting_credentials_only() {
        let calls = Arc::new(AtomicUsize::new(0));
        let lasting =
            CredentialsChain::first_try("counting", Counting(calls.clone(), Ok(creds("A", None))));
        for _ in 0..3 {
            assert_eq!(
                lasting.provide_credentials().await.unwrap().access_key_id(),
                "A"
            );
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let calls = Arc::new(AtomicUsize::new(0));
        let later = SystemTime::now() + std::time::Duration::from_secs(3600);
        let expiring = CredentialsChain::first_try(
            "counting",
            Counting(calls.clone(), Ok(creds("E", Some(later)))),
        );
        for _ in 0..3 {
            expiring.provide_credentials().await.unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
