//! A temporary directory for unit tests, removed when dropped.
//!
//! Kept to the standard library so the tests need no extra crate; it is compiled only for
//! tests and must not be used by the commands.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};

/// Gives each directory of this process its own name, as tests run in parallel.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh, empty directory under the system's temporary directory.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates the directory.
    pub fn new() -> Result<Self> {
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("xtask-test-{}-{count}", std::process::id()));
        // A leftover from an earlier process with the same id would make tests see old files.
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self(path))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `text` to `rel` inside the directory, creating parent directories.
    pub fn write(&self, rel: &str, text: &str) -> Result<()> {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    }

    /// Reads `rel` inside the directory.
    pub fn read(&self, rel: &str) -> Result<String> {
        let path = self.0.join(rel);
        fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover temporary directory is harmless.
        let _ = fs::remove_dir_all(&self.0);
    }
}
