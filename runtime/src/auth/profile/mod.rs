//! The shared AWS config and credentials files (`~/.aws/config`, `~/.aws/credentials`), and
//! the settings AWS users expect a client to pick up from them and from the environment: the
//! region, the endpoint URL, and the profile that holds credentials.
//!
//! Every read of the process environment or of a file goes through [`Env`] and [`Fs`], so
//! tests hand in a map of variables and a map of files instead of touching the real process
//! (tests run in parallel threads, and changing the real environment would race). Nothing
//! here reads the environment unless asked to through [`Env::process`].
//!
//! The files follow the format every AWS SDK reads: `[default]` and `[profile NAME]` sections
//! in the config file, `[NAME]` sections in the credentials file, `#` and `;` comments,
//! indented continuation lines, and nested sub-properties (`s3 =` followed by indented
//! `key = value` lines). For a profile present in both files, the credentials file wins key by
//! key, as the AWS CLI does. A malformed file is an error naming the file and the line.
//!
//! Reading the files is the `config-files` feature (on by default). Without it only the
//! environment is read: [`SharedConfig`] answers from the variables alone, and the types that
//! describe the files (`ProfileFiles` and the others of the `files` module) are left out.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aws_primitives::named::Named;

#[cfg(feature = "config-files")]
mod files;
#[cfg(feature = "config-files")]
pub use files::{parse, FileKind, FileLocation, FileState, ParsedFile, Profile, ProfileFiles};

/// Names of the environment variables and profile keys this module reads.
pub mod names {
    /// Selects the profile (default `default`).
    pub const AWS_PROFILE: &str = "AWS_PROFILE";
    /// Overrides the path of the config file (default `~/.aws/config`).
    pub const AWS_CONFIG_FILE: &str = "AWS_CONFIG_FILE";
    /// Overrides the path of the credentials file (default `~/.aws/credentials`).
    pub const AWS_SHARED_CREDENTIALS_FILE: &str = "AWS_SHARED_CREDENTIALS_FILE";
    /// The region, read first.
    pub const AWS_REGION: &str = "AWS_REGION";
    /// The region, read when `AWS_REGION` is unset.
    pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
    /// The endpoint URL of every service; `AWS_ENDPOINT_URL_<SERVICE>` wins over it.
    pub const AWS_ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
    /// When `true`, the FIPS endpoint is used.
    pub const AWS_USE_FIPS_ENDPOINT: &str = "AWS_USE_FIPS_ENDPOINT";
    /// When `true`, the dual-stack (IPv4 and IPv6) endpoint is used.
    pub const AWS_USE_DUALSTACK_ENDPOINT: &str = "AWS_USE_DUALSTACK_ENDPOINT";
    /// When `true`, configured endpoint URLs (environment and files) are ignored.
    pub const AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: &str = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
    /// The default config file, before `~` expansion.
    pub const DEFAULT_CONFIG_FILE: &str = "~/.aws/config";
    /// The default credentials file, before `~` expansion.
    pub const DEFAULT_CREDENTIALS_FILE: &str = "~/.aws/credentials";
}

/// A view of environment variables: the real process environment, or a fixed map for tests.
///
/// Values are trimmed, and a variable that is empty (or only whitespace) or not valid
/// Unicode reads as unset, as the AWS SDKs treat it.
#[derive(Clone)]
pub struct Env(EnvSource);

#[derive(Clone)]
enum EnvSource {
    Process,
    Fixed(Arc<Named<String>>),
}

impl Env {
    /// The process environment.
    pub fn process() -> Self {
        Env(EnvSource::Process)
    }

    /// A fixed set of variables, and no others.
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let vars = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Env(EnvSource::Fixed(Arc::new(vars)))
    }

    /// The trimmed value of `name`, or `None` when it is unset or empty.
    pub fn get(&self, name: &str) -> Option<String> {
        let raw = match &self.0 {
            EnvSource::Process => std::env::var(name).ok()?,
            EnvSource::Fixed(vars) => vars.get(name)?.clone(),
        };
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            None
        } else if trimmed.len() == raw.len() {
            Some(raw)
        } else {
            Some(trimmed.to_owned())
        }
    }
}

/// Only variable names are shown: values may be secrets.
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            EnvSource::Process => f.write_str("Env(process)"),
            EnvSource::Fixed(vars) => f.debug_set().entries(vars.keys()).finish(),
        }
    }
}

/// A view of the file system for reading the shared files: the real one, or a fixed map of
/// paths to contents for tests.
#[derive(Clone)]
pub struct Fs(FsSource);

#[derive(Clone)]
enum FsSource {
    Real,
    /// Paths and contents; a later entry for a path replaces an earlier one.
    Fixed(Arc<Vec<(PathBuf, String)>>),
}

impl Fs {
    /// The real file system.
    pub fn real() -> Self {
        Fs(FsSource::Real)
    }

    /// A fixed set of files, and no others.
    pub fn from_files<P, C>(files: impl IntoIterator<Item = (P, C)>) -> Self
    where
        P: Into<PathBuf>,
        C: Into<String>,
    {
        let files = files
            .into_iter()
            .map(|(p, c)| (p.into(), c.into()))
            .collect();
        Fs(FsSource::Fixed(Arc::new(files)))
    }

    /// The whole file at `path` as UTF-8 text.
    ///
    /// The shared files are a few hundred bytes and are read once per load, so this reads
    /// synchronously rather than pulling an async file system into the runtime.
    pub fn read_to_string(&self, path: &Path) -> io::Result<String> {
        match &self.0 {
            FsSource::Real => std::fs::read_to_string(path),
            FsSource::Fixed(files) => files
                .iter()
                .rev()
                .find(|(p, _)| p == path)
                .map(|(_, c)| c.clone())
                .ok_or_else(|| {
                    io::Error::new(io::ErrorKind::NotFound, "no such file in the fixed set")
                }),
        }
    }
}

impl fmt::Debug for Fs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            FsSource::Real => f.write_str("Fs(real)"),
            FsSource::Fixed(files) => f.debug_set().entries(files.iter().map(|(p, _)| p)).finish(),
        }
    }
}

/// A shared file that cannot be read or parsed. It names the file and, for a syntax error,
/// the line (counted from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub(crate) path: PathBuf,
    pub(crate) line: Option<usize>,
    pub(crate) message: String,
}

impl ProfileError {
    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The line of a syntax error, counted from 1.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}, line {line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ProfileError {}

/// The home directory: `HOME`, and on Windows then `USERPROFILE`, then `HOMEDRIVE` joined
/// with `HOMEPATH`.
pub fn home_dir(env: &Env) -> Option<String> {
    if let Some(home) = env.get("HOME") {
        return Some(home);
    }
    if cfg!(windows) {
        if let Some(profile) = env.get("USERPROFILE") {
            return Some(profile);
        }
        if let (Some(drive), Some(path)) = (env.get("HOMEDRIVE"), env.get("HOMEPATH")) {
            return Some(format!("{drive}{path}"));
        }
    }
    None
}

/// `path` with a leading `~` (alone, or followed by a separator) replaced by the home
/// directory. Without a home directory the path is left as written.
pub fn expand_home(path: &str, env: &Env) -> PathBuf {
    let rest = match path.strip_prefix('~') {
        Some("") => "",
        Some(rest) => match (rest.strip_prefix('/'), rest.strip_prefix('\\')) {
            (Some(rest), _) => rest,
            (None, Some(rest)) if cfg!(windows) => rest,
            _ => return PathBuf::from(path),
        },
        None => return PathBuf::from(path),
    };
    let Some(home) = home_dir(env) else {
        return PathBuf::from(path);
    };
    let mut expanded = PathBuf::from(home);
    for part in rest.split(['/', '\\']).filter(|p| !p.is_empty()) {
        expanded.push(part);
    }
    expanded
}

/// The settings a client reads from the environment and the shared files, loaded once.
#[derive(Debug, Clone)]
pub struct SharedConfig {
    env: Env,
    #[cfg(feature = "config-files")]
    files: ProfileFiles,
}

impl SharedConfig {
    /// Reads the shared files the environment points at (see `ProfileFiles::load`); without
    /// the `config-files` feature, only keeps the environment.
    pub fn load(env: Env, fs: &Fs) -> Result<Self, ProfileError> {
        #[cfg(feature = "config-files")]
        {
            let files = ProfileFiles::load(&env, fs)?;
            Ok(SharedConfig { env, files })
        }
        #[cfg(not(feature = "config-files"))]
        {
            let _ = fs;
            Ok(SharedConfig { env })
        }
    }

    /// The environment this configuration reads.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The selected profile and where the files are.
    #[cfg(feature = "config-files")]
    pub fn files(&self) -> &ProfileFiles {
        &self.files
    }

    /// The selected profile's `key`.
    fn profile_value(&self, key: &str) -> Option<&str> {
        #[cfg(feature = "config-files")]
        {
            self.files.get(key)
        }
        #[cfg(not(feature = "config-files"))]
        {
            let _ = key;
            None
        }
    }

    /// `key` nested under `parent` in the `[services NAME]` section the profile names.
    fn services_value(&self, parent: &str, key: &str) -> Option<&str> {
        #[cfg(feature = "config-files")]
        {
            self.files.services_section()?.nested(parent, key)
        }
        #[cfg(not(feature = "config-files"))]
        {
            let _ = (parent, key);
            None
        }
    }

    /// The region: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region`.
    pub fn region(&self) -> Option<String> {
        self.env
            .get(names::AWS_REGION)
            .or_else(|| self.env.get(names::AWS_DEFAULT_REGION))
            .or_else(|| self.profile_value("region").map(str::to_owned))
    }

    /// Whether to use the FIPS endpoint: `AWS_USE_FIPS_ENDPOINT`, then the profile's
    /// `use_fips_endpoint` (`true` or `false`, in any case; other values count as unset).
    pub fn use_fips(&self) -> Option<bool> {
        self.flag(names::AWS_USE_FIPS_ENDPOINT, "use_fips_endpoint")
    }

    /// Whether to use the dual-stack endpoint: `AWS_USE_DUALSTACK_ENDPOINT`, then the
    /// profile's `use_dualstack_endpoint`.
    pub fn use_dual_stack(&self) -> Option<bool> {
        self.flag(names::AWS_USE_DUALSTACK_ENDPOINT, "use_dualstack_endpoint")
    }

    fn flag(&self, var: &str, key: &str) -> Option<bool> {
        let parse = |v: &str| {
            if v.eq_ignore_ascii_case("true") {
                Some(true)
            } else if v.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            }
        };
        self.env
            .get(var)
            .and_then(|v| parse(&v))
            .or_else(|| self.profile_value(key).and_then(parse))
    }

    /// The endpoint URL configured for the service whose SDK id is `service_id` (e.g.
    /// `Cognito Identity`), in the order the AWS SDKs use:
    /// `AWS_ENDPOINT_URL_<SERVICE>` (the id upper-cased, spaces as `_`), `AWS_ENDPOINT_URL`,
    /// the service's `endpoint_url` in the profile's `[services NAME]` section (under the id
    /// lower-cased, spaces as `_`), then the profile's `endpoint_url`. All are ignored when
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
    /// `ignore_configured_endpoint_urls`) is `true`.
    pub fn endpoint_url(&self, service_id: &str) -> Option<String> {
        let ignore = self
            .env
            .get(names::AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)
            .or_else(|| {
                self.profile_value("ignore_configured_endpoint_urls")
                    .map(str::to_owned)
            });
        if ignore.is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            return None;
        }
        self.env
            .get(&service_endpoint_var(service_id))
            .or_else(|| self.env.get(names::AWS_ENDPOINT_URL))
            .or_else(|| {
                let key = service_id.to_ascii_lowercase().replace(' ', "_");
                self.services_value(&key, "endpoint_url").map(str::to_owned)
            })
            .or_else(|| self.profile_value("endpoint_url").map(str::to_owned))
    }
}

/// `AWS_ENDPOINT_URL_<SERVICE>` for an SDK service id: upper-cased, spaces and hyphens as `_`.
pub fn service_endpoint_var(service_id: &str) -> String {
    let mut var = String::from("AWS_ENDPOINT_URL_");
    for c in service_id.chars() {
        var.push(match c {
            ' ' | '-' => '_',
            c => c.to_ascii_uppercase(),
        });
    }
    var
}
