//! Helpers shared by the emulator's integration tests: a raw HTTP/1.1 call (independent of
//! the generated client), starting the real binary, and a Python virtualenv with boto3, the
//! AWS CLI and PyJWT under the target directory.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The workspace's target directory.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
    }
}

/// A fresh, empty directory under the target directory.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = target_dir()
        .join("emulator-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating a scratch directory under target/");
    dir
}

/// POSTs one awsJson request to `addr` over a new connection and returns the status and the
/// JSON body.
pub fn call(
    addr: SocketAddr,
    operation: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let body = body.to_string();
    let mut stream = TcpStream::connect(addr).expect("connecting to the emulator");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("setting a read timeout");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: AWSCognitoIdentityService.{operation}\r\nContent-Length: {}\r\n\
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

const REQUIREMENTS: &[&str] = &["boto3", "awscli", "PyJWT[crypto]"];

/// A virtualenv under the target directory with boto3, the AWS CLI and PyJWT, made on first
/// use and reused after. Panics with the reason when Python or the packages cannot be had:
/// these tests must fail, not skip, on a machine without them.
pub fn venv() -> Venv {
    let dir = target_dir().join("emulator-venv");
    let python = dir.join("bin/python");
    let aws = dir.join("bin/aws");
    let marker = dir.join(".installed");
    let wanted = REQUIREMENTS.join("\n");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) && python.exists()
    {
        return Venv { python, aws };
    }
    let host_python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let made = Command::new(&host_python)
        .args(["-m", "venv", "--clear"])
        .arg(&dir)
        .status();
    match made {
        Ok(s) if s.success() => {}
        Ok(s) => panic!(
            "cannot create a Python virtualenv with `{host_python} -m venv` ({s}); \
             install python3 and python3-venv to run the boto3 and AWS CLI tests"
        ),
        Err(e) => panic!(
            "cannot run `{host_python}` ({e}); install python3 and python3-venv to run the \
             boto3 and AWS CLI tests"
        ),
    }
    let output = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(REQUIREMENTS)
        .output()
        .expect("running pip in the virtualenv");
    if !output.status.success() {
        panic!(
            "cannot install {REQUIREMENTS:?} into {} with pip ({}); the boto3 and AWS CLI \
             tests need them:\n{}",
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    std::fs::write(&marker, wanted).expect("writing the virtualenv marker");
    Venv { python, aws }
}
