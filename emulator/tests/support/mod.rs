//! Helpers shared by the emulator's integration tests: a raw HTTP/1.1 call (independent of
//! the generated client), starting the real binary, and a Python virtualenv with boto3, the
//! AWS CLI and PyJWT under the target directory (made by `tests/support/python.rs`).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

// The virtualenv and `npm ci` support of the workspace's interop tests, and the set-up of
// tests that sign in to the local Cognito, shared rather than copied.
#[path = "../../../tests/support/local_cognito.rs"]
pub mod local_cognito;
#[path = "../../../tests/support/node.rs"]
pub mod node;
#[path = "../../../tests/support/python.rs"]
pub mod python;

/// The workspace's target directory.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
    }
}

/// A fresh, empty directory under the target directory, deleted when dropped unless the test
/// is failing (then it is kept to be read).
pub fn scratch_dir(name: &str) -> ScratchDir {
    let dir = target_dir()
        .join("emulator-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating a scratch directory under target/");
    ScratchDir(dir)
}

/// A directory from [`scratch_dir`]; it reads as its [`Path`].
pub struct ScratchDir(PathBuf);

impl std::ops::Deref for ScratchDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// POSTs one awsJson request to `addr` over a new connection and returns the status and the
/// JSON body.
pub fn call(
    addr: SocketAddr,
    operation: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    call_target(
        addr,
        &format!("AWSCognitoIdentityService.{operation}"),
        body,
    )
}

/// [`call`] with the whole `X-Amz-Target` (for the user-pool service's prefix).
pub fn call_target(
    addr: SocketAddr,
    target: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let body = body.to_string();
    let mut stream = TcpStream::connect(addr).expect("connecting to the emulator");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("setting a read timeout");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: {target}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .expect("sending the request");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .expect("reading the response");
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .expect("a response with a head and a body");
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    // The server answers with a Content-Length, so the body is exactly what follows.
    let json = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    (status, json)
}

/// Sends one plain HTTP request (`GET` or `POST` with no body) to `path` and returns the
/// status and the JSON body (`Null` when the body is not JSON).
pub fn http(addr: SocketAddr, method: &str, path: &str) -> (u16, serde_json::Value) {
    let mut stream = TcpStream::connect(addr).expect("connecting to the emulator");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("setting a read timeout");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .expect("sending the request");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .expect("reading the response");
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .expect("a response with a head and a body");
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    (
        status,
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    )
}

/// The `cognito-identity-local` binary, started with `args`; waits for its URL line.
pub struct Process {
    pub child: Child,
    pub url: String,
    pub addr: SocketAddr,
}

impl Process {
    pub fn start(args: &[&str]) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cognito-identity-local"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting cognito-identity-local");
        let stdout = child.stdout.take().expect("the child's stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("cognito-identity-local printed no URL within two minutes");
        let url = line.trim().to_owned();
        let addr = url
            .strip_prefix("http://")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("the first line is not an http URL: {url:?}"));
        Process { child, url, addr }
    }

    /// Sends SIGKILL and reaps the process.
    pub fn kill9(mut self) {
        self.child.kill().expect("killing the emulator");
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the Python virtualenv provides.
pub struct Venv {
    pub python: PathBuf,
    pub aws: PathBuf,
}

/// The workspace's one virtualenv of Python peers (boto3, the AWS CLI, PyJWT and pycognito
/// among them), made on first use and reused after by every test that runs a Python peer. Panics with the
/// reason when Python or the packages cannot be had: these tests must fail, not skip, on a
/// machine without them.
pub fn venv() -> Venv {
    let venv = python::Venv::peers().unwrap_or_else(|e| {
        panic!(
            "the boto3 and AWS CLI tests need {:?} in a virtualenv: {e}",
            python::PEERS
        )
    });
    Venv {
        python: venv.python(),
        aws: venv.bin("aws"),
    }
}
