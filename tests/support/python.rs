//! Python peers for interoperability tests: a virtualenv under the target directory with the
//! pip packages a test names, installed once and reused, and long-running programs from it
//! (a server) that stop when their guard is dropped, on panic too, and even when the test
//! process is killed outright.
//!
//! Nothing here skips: when Python, its `venv` module, pip or a package cannot be had, the
//! error says which and what to install, and the test that asked fails with it.
//!
//! Test files include it with `#[path = "support/python.rs"] mod python;`; the emulator's
//! tests reach it from their own support module.

#![allow(dead_code)] // Each test file uses the part it needs.

use std::fmt;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// Why a Python peer could not be had.
#[derive(Debug)]
pub struct PythonError(String);

impl fmt::Display for PythonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PythonError {}

fn error(message: impl Into<String>) -> PythonError {
    PythonError(message.into())
}

/// The Cargo target directory of the running test binary (`target/` by default), found from
/// the directory Cargo gives integration tests for scratch files.
pub fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

/// Every Python peer the tests run, installed together into one virtualenv ([`Venv::peers`]):
/// moto's server, pycognito, boto3, the AWS CLI and PyJWT. One resolution and one install
/// serve every test, where a virtualenv per test file installed boto3 and botocore three times.
/// Pinned where a new release could change the answers under a test.
pub const PEERS: &[&str] = &[
    "moto[server]==5.2.5",
    "pycognito==2024.5.1",
    "boto3",
    "awscli",
    "PyJWT[crypto]",
];

/// A virtualenv with a fixed set of pip packages.
#[derive(Debug, Clone)]
pub struct Venv {
    dir: PathBuf,
}

/// Serialises installs within one test process; [`DirLock`] does it across processes.
static INSTALL: Mutex<()> = Mutex::new(());

impl Venv {
    /// The virtualenv `target/python-peers` with every package of [`PEERS`], which every
    /// test with a Python peer shares.
    pub fn peers() -> Result<Venv, PythonError> {
        Self::ensure("python-peers", PEERS)
    }

    /// The virtualenv `target/<name>` with `packages` (pip requirement strings, pinned) in
    /// it: created with `python3 -m venv` and filled with pip the first time, then reused as
    /// long as the same packages are asked for. pip uses its wheel cache when there is one.
    pub fn ensure(name: &str, packages: &[&str]) -> Result<Venv, PythonError> {
        Self::ensure_with(name, packages, None)
    }

    /// [`Venv::ensure`] creating the virtualenv with `python` instead of the one found on
    /// `PATH` (or named by `$PYTHON`).
    pub fn ensure_with(
        name: &str,
        packages: &[&str],
        python: Option<&Path>,
    ) -> Result<Venv, PythonError> {
        let venv = Venv {
            dir: target_dir().join(name),
        };
        let wanted = {
            let mut sorted: Vec<&str> = packages.to_vec();
            sorted.sort_unstable();
            sorted.join("\n") + "\n"
        };
        let stamp = venv.dir.join(".installed-requirements");
        let ready = || {
            venv.python().is_file() && fs::read_to_string(&stamp).ok().as_deref() == Some(&wanted)
        };
        let _in_process = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
        if ready() {
            return Ok(venv);
        }
        let _across_processes = DirLock::acquire(&target_dir().join(format!("{name}.lock")))?;
        if ready() {
            return Ok(venv);
        }
        let started = Instant::now();
        let python = || match python {
            Some(p) => checked_python(p),
            None => find_python(),
        };
        if !venv.python().is_file() {
            let python = python()?;
            // Some distributions ship Python without `ensurepip` (Debian's python3-venv is a
            // separate package); a virtualenv without pip, filled by the outer pip, does too.
            let with_pip = Command::new(&python)
                .args(["-m", "venv"])
                .arg(&venv.dir)
                .stdin(Stdio::null())
                .output()
                .is_ok_and(|out| out.status.success());
            if !with_pip {
                run(
                    Command::new(&python)
                        .args(["-m", "venv", "--clear", "--without-pip"])
                        .arg(&venv.dir),
                    &format!(
                        "`{} -m venv {}` failed: the interop tests need Python 3 with its venv \
                         module and pip (on Debian or Ubuntu: apt-get install python3-venv)",
                        python.display(),
                        venv.dir.display()
                    ),
                )?;
            }
        }
        let has_pip = Command::new(venv.python())
            .args(["-m", "pip", "--version"])
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|out| out.status.success());
        let mut pip = if has_pip {
            let mut pip = Command::new(venv.python());
            pip.args(["-m", "pip"]);
            pip
        } else {
            // pip 22.3 and later install into another environment with `--python`.
            let mut pip = Command::new(python()?);
            pip.args(["-m", "pip", "--python"]).arg(venv.python());
            pip
        };
        // No byte-compiling at install: pip would compile every module of botocore, the CLI
        // and moto (half of the install's 25 s of CPU), where Python compiles, and caches, only
        // the ones a test imports.
        pip.args([
            "install",
            "--disable-pip-version-check",
            "--quiet",
            "--no-compile",
        ])
        .args(packages);
        run(
            &mut pip,
            &format!(
                "pip could not install {} into {}: the interop tests need them, from PyPI or \
                 from pip's cache (and, without pip in the virtualenv, a pip of 22.3 or later \
                 beside Python)",
                packages.join(" "),
                venv.dir.display()
            ),
        )?;
        fs::write(&stamp, &wanted)
            .map_err(|e| error(format!("cannot write {}: {e}", stamp.display())))?;
        eprintln!(
            "python: installed {} into {} in {:.1} s",
            packages.join(" "),
            venv.dir.display(),
            started.elapsed().as_secs_f64()
        );
        Ok(venv)
    }

    /// The virtualenv's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A program the virtualenv's packages installed (`moto_server`, `aws`...).
    pub fn bin(&self, program: &str) -> PathBuf {
        if cfg!(windows) {
            self.dir.join("Scripts").join(format!("{program}.exe"))
        } else {
            self.dir.join("bin").join(program)
        }
    }

    /// The virtualenv's Python.
    pub fn python(&self) -> PathBuf {
        self.bin("python")
    }

    /// A [`Command`] for one of the virtualenv's programs, for short-lived tools whose output
    /// the test reads.
    pub fn command(&self, program: &str) -> Command {
        Command::new(self.bin(program))
    }

    /// Starts `program` from the virtualenv with `args`, its output going to a log file under
    /// `target/interop-logs/` (kept only if the test fails). The returned guard stops it.
    ///
    /// The program runs under a small Python watchdog that kills it when the watchdog's
    /// standard input closes: the guard closes it on drop, and the operating system closes it
    /// when the test process dies, however it dies, so no server outlives its test.
    pub fn spawn(&self, program: &str, args: &[&str]) -> Result<Process, PythonError> {
        let logs = target_dir().join("interop-logs");
        fs::create_dir_all(&logs)
            .map_err(|e| error(format!("cannot create {}: {e}", logs.display())))?;
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_micros())
            .unwrap_or_default();
        let log_path = logs.join(format!("{program}-{}-{stamp}.log", std::process::id()));
        let log = fs::File::create(&log_path)
            .map_err(|e| error(format!("cannot create {}: {e}", log_path.display())))?;
        let log_err = log
            .try_clone()
            .map_err(|e| error(format!("cannot share {}: {e}", log_path.display())))?;
        let mut child = Command::new(self.python())
            .arg("-c")
            .arg(WATCHDOG)
            .arg(self.bin(program))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| {
                error(format!(
                    "cannot start {program} from {}: {e}",
                    self.dir.display()
                ))
            })?;
        let stdin = child.stdin.take();
        Ok(Process {
            name: program.to_owned(),
            child,
            stdin,
            log_path,
        })
    }
}

/// Runs the program named in its arguments and kills it once standard input closes.
const WATCHDOG: &str = "\
import subprocess, sys, threading
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
def watch():
    sys.stdin.read()
    child.kill()
threading.Thread(target=watch, daemon=True).start()
sys.exit(child.wait())
";

/// A running program; dropping the guard stops it and waits for it.
pub struct Process {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    log_path: PathBuf,
}

impl Process {
    /// Waits until something accepts TCP connections on `addr`, for at most `timeout`.
    /// Fails early, with the end of the program's log, if the program exits.
    pub fn wait_for_port(
        &mut self,
        addr: SocketAddr,
        timeout: Duration,
    ) -> Result<(), PythonError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(error(format!(
                    "{} exited ({status}) before listening on {addr}; its log ends with:\n{}",
                    self.name,
                    self.log_tail()
                )));
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(error(format!(
                    "{} did not listen on {addr} within {} s; its log ends with:\n{}",
                    self.name,
                    timeout.as_secs(),
                    self.log_tail()
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The last few kilobytes of the program's output, for failure messages.
    pub fn log_tail(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = fs::File::open(&self.log_path) {
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            let _ = file.seek(SeekFrom::Start(len.saturating_sub(4096)));
            let _ = file.read_to_string(&mut text);
        }
        text
    }

    /// Where the program's output goes.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // Closing stdin makes the watchdog kill the program; killing the watchdog too covers
        // a watchdog that is stuck.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && !matches!(self.child.try_wait(), Ok(Some(_))) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The log is kept for a failing test to be read, and removed otherwise.
        if !std::thread::panicking() {
            let _ = fs::remove_file(&self.log_path);
        }
    }
}

/// A loopback port nothing listens on right now: bound, read and released, for a server that
/// cannot pick its own port.
pub fn free_port() -> Result<u16, PythonError> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| error(format!("cannot bind a loopback port: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| error(format!("cannot read the bound port: {e}")))
}

/// `python3` (or `python`, if it is Python 3) from `PATH`, or `$PYTHON` when set.
fn find_python() -> Result<PathBuf, PythonError> {
    let candidates: Vec<PathBuf> = match std::env::var_os("PYTHON") {
        Some(p) => vec![PathBuf::from(p)],
        None => vec!["python3".into(), "python".into()],
    };
    for candidate in &candidates {
        if is_python3(candidate) {
            return Ok(candidate.clone());
        }
    }
    Err(no_python(&candidates))
}

/// `python` itself if it runs and is Python 3.
fn checked_python(python: &Path) -> Result<PathBuf, PythonError> {
    if is_python3(python) {
        Ok(python.to_path_buf())
    } else {
        Err(no_python(&[python.to_path_buf()]))
    }
}

fn is_python3(candidate: &Path) -> bool {
    match Command::new(candidate).arg("--version").output() {
        Ok(out) => {
            let version = String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr);
            out.status.success() && version.trim_start().starts_with("Python 3")
        }
        Err(_) => false,
    }
}

fn no_python(candidates: &[PathBuf]) -> PythonError {
    error(format!(
        "no Python 3 found (tried {}): the interop tests need python3 with venv and pip \
         (on Debian or Ubuntu: apt-get install python3 python3-venv)",
        candidates
            .iter()
            .map(|c| c.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Runs `command` to completion; on failure, `what` followed by the end of its output.
fn run(command: &mut Command, what: &str) -> Result<(), PythonError> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| error(format!("{what}: cannot run it: {e}")))?;
    if out.status.success() {
        return Ok(());
    }
    let mut output = String::from_utf8_lossy(&out.stdout).into_owned();
    output.push_str(&String::from_utf8_lossy(&out.stderr));
    let tail: String = {
        let lines: Vec<&str> = output.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    };
    Err(error(format!("{what} ({}):\n{tail}", out.status)))
}

/// A lock across processes: a directory that exists while someone holds it (creating a
/// directory either succeeds or finds it there, atomically). A lock older than the longest
/// install is taken to be left over from a killed run. `support/node.rs` takes it too.
pub struct DirLock(PathBuf);

impl DirLock {
    const STALE: Duration = Duration::from_secs(15 * 60);

    /// Holds the lock `path` until the guard is dropped.
    pub fn acquire(path: &Path) -> Result<DirLock, PythonError> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| error(format!("cannot create {}: {e}", parent.display())))?;
        }
        let deadline = Instant::now() + Self::STALE;
        loop {
            match fs::create_dir(path) {
                Ok(()) => return Ok(DirLock(path.to_path_buf())),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok());
                    if age.is_some_and(|a| a > Self::STALE) {
                        let _ = fs::remove_dir(path);
                        continue;
                    }
                    if Instant::now() >= deadline {
                        return Err(error(format!(
                            "{} is held by another test run; remove it if none is running",
                            path.display()
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) => return Err(error(format!("cannot lock {}: {e}", path.display()))),
            }
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = fs::remove_dir(&self.0);
    }
}
