//! Where the provider keeps identity ids between runs: the [`IdentityIdStore`] trait, keyed
//! by [`identity_id_key`], with an in-memory store (the default) and a one-file JSON store.
//!
//! Stores hold identity ids only, never tokens or credentials. A store that cannot read or
//! write reports an error naming what failed; nothing here panics on what it reads, and a
//! file store never leaves a half-written file behind (it writes a temporary file and
//! renames it over the old one).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use cognito_identity::runtime::BoxFuture;

use crate::logins::{BoxError, Logins};

/// The key part that stands for "no logins": an unauthenticated (guest) identity.
pub const ANONYMOUS: &str = "ANONYMOUS";

/// The key an identity id is stored under: the identity pool id, then the names of the login
/// providers (sorted and joined with commas), or [`ANONYMOUS`] when there are none, so a
/// guest and each kind of signed-in user keep their own id.
///
/// ```
/// use cognito_identity_credentials::{identity_id_key, Logins};
/// let pool = "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b";
/// assert_eq!(identity_id_key(pool, None), format!("{pool}:ANONYMOUS"));
/// let logins = Logins::from([
///     ("graph.facebook.com".to_owned(), "<token>".to_owned()),
///     ("accounts.google.com".to_owned(), "<token>".to_owned()),
/// ]);
/// assert_eq!(
///     identity_id_key(pool, Some(&logins)),
///     format!("{pool}:accounts.google.com,graph.facebook.com")
/// );
/// ```
pub fn identity_id_key(identity_pool_id: &str, logins: Option<&Logins>) -> String {
    let mut names: Vec<&str> = logins
        .into_iter()
        .flat_map(|l| l.keys().map(String::as_str))
        .collect();
    if names.is_empty() {
        return format!("{identity_pool_id}:{ANONYMOUS}");
    }
    names.sort_unstable();
    format!("{identity_pool_id}:{}", names.join(","))
}

/// Keeps identity ids between runs of an app, so that a returning user (or guest) gets the
/// same identity without a `GetId`.
///
/// The provider reads the store before calling `GetId`, writes the id `GetId` gave, and
/// removes the entry when the service no longer accepts the id. Keys come from
/// [`identity_id_key`]. Implementations may be async (a database, a keychain service) or
/// answer at once with `Box::pin(async move { .. })`.
pub trait IdentityIdStore: Send + Sync + 'static {
    /// The identity id stored under `key`, if any.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, BoxError>>;

    /// Stores `identity_id` under `key`, replacing what was there.
    fn set<'a>(&'a self, key: &'a str, identity_id: &'a str)
        -> BoxFuture<'a, Result<(), BoxError>>;

    /// Removes the entry under `key`; removing a missing entry is not an error.
    fn remove<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BoxError>>;
}

/// A shared store is a store, so several providers can use one.
impl<T: IdentityIdStore + ?Sized> IdentityIdStore for Arc<T> {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, BoxError>> {
        (**self).get(key)
    }

    fn set<'a>(
        &'a self,
        key: &'a str,
        identity_id: &'a str,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        (**self).set(key, identity_id)
    }

    fn remove<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BoxError>> {
        (**self).remove(key)
    }
}

/// Identity ids in memory, for the provider's lifetime: the default store.
#[derive(Debug, Default)]
pub struct InMemoryIdentityIdStore {
    ids: Mutex<HashMap<String, String>>,
}

impl InMemoryIdentityIdStore {
    /// An empty store.
    pub fn new() -> Self {
        InMemoryIdentityIdStore::default()
    }

    fn ids(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // Every change is one map operation, so a holder that panicked left it consistent.
        self.ids.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl IdentityIdStore for InMemoryIdentityIdStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, BoxError>> {
        let found = self.ids().get(key).cloned();
        Box::pin(async move { Ok(found) })
    }

    fn set<'a>(
        &'a self,
        key: &'a str,
        identity_id: &'a str,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        self.ids().insert(key.to_owned(), identity_id.to_owned());
        Box::pin(async { Ok(()) })
    }

    fn remove<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BoxError>> {
        self.ids().remove(key);
        Box::pin(async { Ok(()) })
    }
}

/// Identity ids in one JSON file (an object from key to identity id), for apps that keep
/// their identity across restarts.
///
/// Each change reads the file, changes one entry and writes the whole file to a temporary
/// file beside it, which is then renamed over it, so a crash never leaves a torn file. A
/// missing file is an empty store; its directory is created on the first write. A file
/// that is not such a JSON object is an error naming its path (it is never overwritten).
/// Changes through one store value are serialised; two processes writing one file at once
/// may lose one of their changes. The file is small and read and written in place, without
/// a blocking-task pool. On Unix it is created readable by its owner only.
///
/// ```no_run
/// use cognito_identity_credentials::{CognitoCredentialsProvider, FileIdentityIdStore};
/// # let client = cognito_identity::Client::new(cognito_identity::Config::builder().build());
/// let provider = CognitoCredentialsProvider::builder(client, "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b")
///     .identity_id_store(FileIdentityIdStore::new("app-data/cognito-identity-ids.json"))
///     .build();
/// # let _ = provider;
/// ```
pub struct FileIdentityIdStore {
    path: PathBuf,
    /// Held for each read-modify-write, so changes through this value do not overwrite
    /// each other.
    writing: Mutex<()>,
}

impl fmt::Debug for FileIdentityIdStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileIdentityIdStore")
            .field("path", &self.path)
            .finish()
    }
}

/// Numbers the temporary files of one process, so concurrent writers never share one.
static TEMPORARY: AtomicU64 = AtomicU64::new(0);

impl FileIdentityIdStore {
    /// A store in the file at `path`; nothing is read or written until it is used.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileIdentityIdStore {
            path: path.into(),
            writing: Mutex::new(()),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, reason: String, source: Option<BoxError>) -> FileStoreError {
        FileStoreError {
            path: self.path.clone(),
            reason,
            source,
        }
    }

    /// Every entry; none when the file does not exist.
    fn load(&self) -> Result<BTreeMap<String, String>, FileStoreError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(self.error(format!("cannot read it: {e}"), Some(e.into()))),
        };
        serde_json::from_str(&text).map_err(|e| {
            self.error(
                format!(
                    "it is not a JSON object from keys to identity ids ({e}); fix or delete it"
                ),
                Some(e.into()),
            )
        })
    }

    /// Reads the entries, lets `change` edit them, and writes them back if it says so.
    fn update(
        &self,
        change: impl FnOnce(&mut BTreeMap<String, String>) -> bool,
    ) -> Result<(), FileStoreError> {
        let _writing = self.writing.lock().unwrap_or_else(PoisonError::into_inner);
        let mut ids = self.load()?;
        if change(&mut ids) {
            self.save(&ids)?;
        }
        Ok(())
    }

    /// Writes `ids` to a temporary file in the same directory and renames it over the file.
    fn save(&self, ids: &BTreeMap<String, String>) -> Result<(), FileStoreError> {
        let mut text = serde_json::to_string_pretty(ids)
            .map_err(|e| self.error(format!("cannot write JSON: {e}"), Some(e.into())))?;
        text.push('\n');
        let name = self
            .path
            .file_name()
            .ok_or_else(|| self.error("the path does not name a file".to_owned(), None))?;
        let directory = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(directory)
            .map_err(|e| self.error(format!("cannot create its directory: {e}"), Some(e.into())))?;
        let n = TEMPORARY.fetch_add(1, Ordering::Relaxed);
        let mut temporary_name = name.to_os_string();
        temporary_name.push(format!(".{}.{n}.tmp", std::process::id()));
        let temporary = directory.join(temporary_name);
        let written = write_new(&temporary, text.as_bytes())
            .and_then(|()| std::fs::rename(&temporary, &self.path));
        written.map_err(|e| {
            // Nothing useful can be done if the leftover cannot be removed either.
            let _ = std::fs::remove_file(&temporary);
            self.error(format!("cannot write it: {e}"), Some(e.into()))
        })
    }
}

/// Creates `path` (readable by its owner only, on Unix) with `bytes`, flushed to disk.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

impl IdentityIdStore for FileIdentityIdStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, BoxError>> {
        let found = self.load().map(|mut ids| ids.remove(key));
        Box::pin(async move { found.map_err(Into::into) })
    }

    fn set<'a>(
        &'a self,
        key: &'a str,
        identity_id: &'a str,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        let done = self.update(|ids| {
            let unchanged = ids.get(key).is_some_and(|id| id == identity_id);
            if !unchanged {
                ids.insert(key.to_owned(), identity_id.to_owned());
            }
            !unchanged
        });
        Box::pin(async move { done.map_err(Into::into) })
    }

    fn remove<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BoxError>> {
        let done = self.update(|ids| ids.remove(key).is_some());
        Box::pin(async move { done.map_err(Into::into) })
    }
}

/// Why a [`FileIdentityIdStore`] failed; its text names the file.
#[derive(Debug)]
struct FileStoreError {
    path: PathBuf,
    reason: String,
    source: Option<BoxError>,
}

impl fmt::Display for FileStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "identity id file {}: {}",
            self.path.display(),
            self.reason
        )
    }
}

impl std::error::Error for FileStoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
