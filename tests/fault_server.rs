//! A fault-injecting HTTP/1.1 server on a loopback port, for tests of the client's retries,
//! timeouts and connection handling over real TCP.
//!
//! Each request the server reads takes the next [`Fault`] of its script (the last one
//! repeats once the script runs out) and is answered, delayed or cut off as the fault says.
//! The server counts the connections it accepts and the requests it reads, and keeps each
//! request's headers, so tests assert what reached the wire rather than what the client
//! meant to send. It speaks just enough HTTP/1.1 for that: keep-alive, `Content-Length`
//! bodies, no chunked requests. It only ever listens on 127.0.0.1.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answers with this status and JSON body.
    Respond(u16, &'static str),
    /// Waits this long, then answers with this status and body (if the client still listens).
    Slow(Duration, u16, &'static str),
    /// Starts a 200 response that promises a longer body than it sends, then closes the
    /// connection: the client sees the connection break in the middle of the response.
    CutMidResponse,
    /// Answers with this status and JSON body as on any kept-alive connection, then closes
    /// the connection while it is idle, as servers do after their keep-alive timeout.
    RespondThenClose(u16, &'static str),
    /// Reads the request and closes the connection without a byte of response.
    CloseWithoutAnswer,
}

/// The headers of one request the server read, names in lowercase.
pub type Headers = Vec<(String, String)>;

#[derive(Default)]
struct State {
    /// The script, and the request count at which it was set (each request takes the fault
    /// at its index counted from there).
    script: Mutex<(Vec<Fault>, usize)>,
    requests: AtomicUsize,
    connections: AtomicUsize,
    heads: Mutex<Vec<Headers>>,
}

/// A running fault-injecting server; it stops when dropped.
pub struct FaultServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultServer {
    /// Starts a server on a free loopback port that follows `script`.
    pub async fn start(script: Vec<Fault>) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the fault server");
        let addr = listener.local_addr().expect("the fault server's address");
        let state = Arc::new(State::default());
        state.script.lock().unwrap().0 = script;
        let accepting = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accepting.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve_connection(stream, Arc::clone(&accepting)));
            }
        });
        FaultServer { addr, state, task }
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Replaces the script; the next request takes the new script's first fault.
    pub fn set_script(&self, script: Vec<Fault>) {
        let base = self.requests();
        *self.state.script.lock().unwrap() = (script, base);
    }

    /// The requests read so far.
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// The connections accepted so far.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// The headers of every request read so far, in order.
    pub fn heads(&self) -> Vec<Headers> {
        self.state.heads.lock().unwrap().clone()
    }
}

/// A URL on 127.0.0.1 where nothing listens: a port the system handed out and took back.
pub async fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    drop(listener);
    format!("http://{addr}")
}

/// Answers requests on one connection until the client closes it or a fault does.
async fn serve_connection(mut stream: TcpStream, state: Arc<State>) {
    let mut buffer = Vec::new();
    loop {
        let Some(headers) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let n = state.requests.fetch_add(1, Ordering::SeqCst);
        state.heads.lock().unwrap().push(headers);
        let fault = {
            let guard = state.script.lock().unwrap();
            let (script, base) = &*guard;
            script
                .get(n.saturating_sub(*base))
                .or(script.last())
                .cloned()
                .unwrap_or(Fault::Respond(200, "{}"))
        };
        let keep_open = match fault {
            Fault::Respond(status, body) => respond(&mut stream, n, status, body).await,
            Fault::Slow(delay, status, body) => {
                tokio::time::sleep(delay).await;
                respond(&mut stream, n, status, body).await
            }
            Fault::CutMidResponse => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: 64\r\n\r\n{\"IdentityId\":\"us-";
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.flush().await;
                false
            }
            Fault::RespondThenClose(status, body) => {
                respond(&mut stream, n, status, body).await;
                false
            }
            Fault::CloseWithoutAnswer => false,
        };
        if !keep_open {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// Reads one request (head and `Content-Length` body) and returns its headers; `None` when
/// the connection closes first. `buffer` keeps bytes read past the request.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Headers> {
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let headers: Headers = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    buffer.drain(..head_end + length);
    Some(headers)
}

/// Writes a whole response; false when the client is gone.
async fn respond(stream: &mut TcpStream, n: usize, status: u16, body: &str) -> bool {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nx-amzn-requestid: request-{n}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await.is_ok() && stream.flush().await.is_ok()
}
