//! Node peers for interoperability tests: the packages of a committed `package-lock.json`
//! installed with `npm ci` into a directory under the target directory, once per lock and
//! reused while the lock is unchanged, and the scripts that use them copied beside them, where
//! Node's module resolution finds the packages.
//!
//! Nothing here skips: when node, npm or a package cannot be had, the error says which and
//! what to install, and the test that asked fails with it.
//!
//! Test files include it next to `support/python.rs`, whose cross-process lock it shares:
//! `#[path = "support/python.rs"] mod python;` and `#[path = "support/node.rs"] mod node;` as
//! siblings.

#![allow(dead_code)] // Each test file uses the part it needs.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use super::python::{target_dir, DirLock};

/// Why the Node peers could not be had.
#[derive(Debug)]
pub struct NodeError(String);

impl fmt::Display for NodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NodeError {}

fn error(message: impl Into<String>) -> NodeError {
    NodeError(message.into())
}

/// Serialises installs within one test process; [`DirLock`] does it across processes.
static INSTALL: Mutex<()> = Mutex::new(());

/// A directory under the target directory with a lock file's packages installed.
#[derive(Debug, Clone)]
pub struct NodePeers {
    dir: PathBuf,
}

impl NodePeers {
    /// `target/<name>` with the packages of `source/package.json` and
    /// `source/package-lock.json` installed by `npm ci`: the first time, and again whenever
    /// the lock file differs from the one installed. npm uses its cache when it has one.
    pub fn ensure(name: &str, source: &Path) -> Result<NodePeers, NodeError> {
        let peers = NodePeers {
            dir: target_dir().join(name),
        };
        let lock_path = source.join("package-lock.json");
        let lock = fs::read(&lock_path)
            .map_err(|e| error(format!("cannot read {}: {e}", lock_path.display())))?;
        let ready = || {
            fs::read(peers.dir.join("package-lock.json"))
                .ok()
                .as_deref()
                == Some(lock.as_slice())
                && peers.dir.join("node_modules").is_dir()
        };
        let _in_process = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
        if ready() {
            return Ok(peers);
        }
        let _across_processes = DirLock::acquire(&target_dir().join(format!("{name}.lock")))
            .map_err(|e| error(e.to_string()))?;
        if ready() {
            return Ok(peers);
        }
        fs::create_dir_all(&peers.dir)
            .map_err(|e| error(format!("cannot create {}: {e}", peers.dir.display())))?;
        for file in ["package.json", "package-lock.json"] {
            let from = source.join(file);
            fs::copy(&from, peers.dir.join(file)).map_err(|e| {
                error(format!(
                    "cannot copy {} into {}: {e}",
                    from.display(),
                    peers.dir.display()
                ))
            })?;
        }
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&peers.dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| {
                error(format!(
                    "cannot run npm: the Node peer tests need node and npm (Node.js 18 or \
                     later) on PATH: {e}"
                ))
            })?;
        if !out.status.success() {
            // A half-made install must not pass for a finished one next time.
            let _ = fs::remove_file(peers.dir.join("package-lock.json"));
            return Err(error(format!(
                "npm ci failed in {} ({}):\n{}",
                peers.dir.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(peers)
    }

    /// The install directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Copies the script `file` into the install directory, so that its imports resolve to
    /// the installed packages, and returns where it now is.
    pub fn script(&self, file: &Path) -> Result<PathBuf, NodeError> {
        let name = file
            .file_name()
            .ok_or_else(|| error(format!("{} names no file", file.display())))?;
        let to = self.dir.join(name);
        fs::copy(file, &to).map_err(|e| {
            error(format!(
                "cannot copy {} into {}: {e}",
                file.display(),
                self.dir.display()
            ))
        })?;
        Ok(to)
    }

    /// A [`Command`] running `node script`, in the install directory.
    pub fn node(&self, script: &Path) -> Command {
        let mut command = Command::new("node");
        command
            .arg(script)
            .current_dir(&self.dir)
            .stdin(Stdio::null());
        command
    }
}
