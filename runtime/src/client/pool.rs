//! The connection pool of the HTTPS transport, and the driving of one HTTP/1.1 exchange in
//! the caller's task.
//!
//! Each connection is a hyper `client::conn::http1` pair: the `SendRequest` half that takes a
//! request, and the `Connection` half that does the reading and writing. No task of its own
//! drives a connection: the call that holds it polls both halves together
//! ([`PooledConnection::exchange`]), so a request and its response need no wake-up of another
//! task. Between calls an idle connection sits in the pool, polled by nobody; the next call to
//! its host takes it, polls it once to see whether the server closed it meanwhile (a closed
//! one is dropped and the next is tried), and uses it. The pool's lock is held only to take or
//! put a connection, never across I/O. This module opens no connection and decides no retry
//! policy: the transport does both.

use std::collections::HashMap;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::uri::Authority;
use http::HeaderValue;
use http_body_util::Full;
use hyper::client::conn::http1::{Connection, SendRequest};

use crate::base::http::TransportError;

/// Where a pooled connection goes: the scheme (TLS or not) and the authority (host and port).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct PoolKey {
    pub(super) tls: bool,
    pub(super) authority: Authority,
}

/// One HTTP/1.1 connection and whether it has served a request before.
pub(super) struct PooledConnection<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    sender: SendRequest<Full<Bytes>>,
    driver: Connection<S, Full<Bytes>>,
    /// True once an exchange completed on it: a failure before any response byte then
    /// most likely means the server closed it while it was idle.
    pub(super) reused: bool,
    /// False once the connection half finished (closed, failed): it must not be polled again.
    open: bool,
}

/// How an exchange failed.
pub(super) enum ExchangeError {
    /// No response head arrived: the request could not be sent, or the connection failed
    /// (hyper's error) or closed (`None`) before the server answered.
    NoResponse(Option<hyper::Error>),
    /// The response head arrived, and reading its body failed.
    Body(TransportError),
}

impl<S> PooledConnection<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    /// A connection fresh from a handshake.
    pub(super) fn new(
        sender: SendRequest<Full<Bytes>>,
        driver: Connection<S, Full<Bytes>>,
    ) -> Self {
        PooledConnection {
            sender,
            driver,
            reused: false,
            open: true,
        }
    }

    /// Polls the connection half once; false if it has finished (the server closed it, or it
    /// failed), in which case it cannot carry another request.
    fn poll_open(&mut self, cx: &mut Context<'_>) -> bool {
        if self.open && self.driver.poll_without_shutdown(cx).is_ready() {
            self.open = false;
        }
        self.open && !self.sender.is_closed()
    }

    /// True if the connection can carry another request, found by polling it once in the
    /// caller's task (which reads a close the server sent while the connection was idle).
    pub(super) async fn check_open(&mut self) -> bool {
        poll_fn(|cx| Poll::Ready(self.poll_open(cx))).await
    }

    /// Sends `request` and reads the response with `read_body`, polling the connection in
    /// this task until both are done. The connection is reusable afterwards only if
    /// [`PooledConnection::check_open`] says so.
    pub(super) async fn exchange<T, F, Fut>(
        &mut self,
        request: http::Request<Full<Bytes>>,
        read_body: F,
    ) -> Result<T, ExchangeError>
    where
        F: FnOnce(http::Response<hyper::body::Incoming>) -> Fut,
        Fut: Future<Output = Result<T, TransportError>>,
    {
        let PooledConnection {
            sender,
            driver,
            open,
            ..
        } = self;
        let call = async {
            let no_response = |e| ExchangeError::NoResponse(Some(e));
            sender.ready().await.map_err(no_response)?;
            let response = sender.send_request(request).await.map_err(no_response)?;
            read_body(response).await.map_err(ExchangeError::Body)
        };
        let mut call = pin!(call);
        poll_fn(|cx| {
            if let Poll::Ready(done) = call.as_mut().poll(cx) {
                return Poll::Ready(done);
            }
            let mut ended = None;
            if *open {
                match driver.poll_without_shutdown(cx) {
                    // The connection may have just read the response (or its body): look
                    // again now rather than after a wake-up.
                    Poll::Pending => return call.as_mut().poll(cx),
                    Poll::Ready(result) => {
                        *open = false;
                        ended = result.err();
                    }
                }
            }
            // The connection has finished: whatever the call waited for was delivered, or
            // failed, when it did.
            match call.as_mut().poll(cx) {
                Poll::Ready(done) => Poll::Ready(done),
                Poll::Pending => Poll::Ready(Err(ExchangeError::NoResponse(ended))),
            }
        })
        .await
    }
}

/// The idle connections of one host, and the `Host` header its requests carry (worked out
/// once per host rather than once per request).
struct HostSlot<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    host: HeaderValue,
    idle: Vec<Idle<S>>,
}

struct Idle<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    connection: PooledConnection<S>,
    since: Instant,
}

/// Idle connections by host, most recently used last.
pub(super) struct Pool<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    hosts: Mutex<HashMap<PoolKey, HostSlot<S>>>,
    idle_timeout: Option<Duration>,
    max_idle_per_host: usize,
}

impl<S> Pool<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    pub(super) fn new(idle_timeout: Option<Duration>, max_idle_per_host: usize) -> Self {
        Pool {
            hosts: Mutex::new(HashMap::new()),
            idle_timeout,
            max_idle_per_host,
        }
    }

    /// The `Host` header value of `key`'s requests and the most recently used idle
    /// connection to it that has not outlived the idle timeout, if any. `host` makes the
    /// header value the first time a host is seen.
    pub(super) fn take(
        &self,
        key: &PoolKey,
        host: impl FnOnce() -> HeaderValue,
    ) -> (HeaderValue, Option<PooledConnection<S>>) {
        let now = Instant::now();
        let Ok(mut hosts) = self.hosts.lock() else {
            return (host(), None);
        };
        let slot = hosts.entry(key.clone()).or_insert_with(|| HostSlot {
            host: host(),
            idle: Vec::new(),
        });
        let host = slot.host.clone();
        if let Some(timeout) = self.idle_timeout {
            // The oldest are first: drop every one past the timeout.
            let fresh = slot
                .idle
                .iter()
                .position(|i| now.saturating_duration_since(i.since) < timeout)
                .unwrap_or(slot.idle.len());
            slot.idle.drain(..fresh);
        }
        (host, slot.idle.pop().map(|i| i.connection))
    }

    /// Returns a connection that completed an exchange and is still open; dropped instead
    /// when the host already has as many idle connections as allowed.
    pub(super) fn put(&self, key: &PoolKey, mut connection: PooledConnection<S>) {
        connection.reused = true;
        let Ok(mut hosts) = self.hosts.lock() else {
            return;
        };
        if let Some(slot) = hosts.get_mut(key) {
            if slot.idle.len() < self.max_idle_per_host {
                slot.idle.push(Idle {
                    connection,
                    since: Instant::now(),
                });
            }
        }
    }
}
