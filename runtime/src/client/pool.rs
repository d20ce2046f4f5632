//! The connection pool of the HTTPS transport, and the driving of one HTTP/1.1 exchange in
//! the caller's task.
//!
//! Each connection is a hyper `client::conn::http1` pair: the `SendRequest` half that takes a
//! request, and the `Connection` half that does the reading and writing. No task of its own
//! drives a connection: the call that holds it polls both halves together
//! ([`PooledConnection::exchange`]), so a request and its response need no wake-up of another
//! task, and the wakes the two halves send each other while the call polls them only give
//! its loop another turn (`TurnWaker`). Between calls an idle connection sits in the pool,
//! polled by nobody; the next call to its host takes it, polls it once to see whether the
//! server closed it meanwhile (a closed one is dropped and the next is tried), and uses it.
//! The pool's lock is held only to take or put a connection, never across I/O. This module
//! opens no connection and decides no retry policy: the transport does both.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::uri::Authority;
use http::HeaderValue;
use http_body_util::Full;
use hyper::client::conn::http1::{Connection, SendRequest};

use crate::base::http::TransportError;

/// Where a pooled connection goes: the scheme (TLS or not) and the authority (host and port).
#[derive(Debug, Clone)]
pub(super) struct PoolKey {
    pub(super) tls: bool,
    pub(super) authority: Authority,
}

impl PoolKey {
    /// The same scheme and authority, compared as written: the transport sees the same URL
    /// text call after call, so this needs no hashing and no case folding (a host written
    /// in two cases only gets two lists of idle connections).
    fn is(&self, other: &PoolKey) -> bool {
        self.tls == other.tls && self.authority.as_str() == other.authority.as_str()
    }
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
    /// The waker both halves are polled with.
    waker: Arc<TurnWaker>,
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
            waker: Arc::new(TurnWaker::default()),
        }
    }

    /// Polls the connection half once; false if it has finished (the server closed it, or it
    /// failed), in which case it cannot carry another request.
    fn poll_open(&mut self, cx: &mut Context<'_>) -> bool {
        if self.open {
            let waker = self.waker.enter(cx.waker());
            let mut turn = Context::from_waker(&waker);
            if self.driver.poll_without_shutdown(&mut turn).is_ready() {
                self.open = false;
            }
            self.waker.leave();
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
            waker,
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
            let turn_waker = waker.enter(cx.waker());
            let mut turn = Context::from_waker(&turn_waker);
            // Each half wakes the other (a request queued for the connection, a response
            // handed to the call): poll both again while either did, in this one poll of
            // the task, instead of asking the scheduler for another. The turns are few, so a
            // half that keeps waking itself (tokio's budget for a task running out, a yield)
            // still hands the thread back to the scheduler.
            for _ in 0..TURNS {
                if let Poll::Ready(done) = call.as_mut().poll(&mut turn) {
                    waker.leave();
                    return Poll::Ready(done);
                }
                if !*open {
                    waker.leave();
                    return Poll::Ready(Err(ExchangeError::NoResponse(None)));
                }
                if let Poll::Ready(result) = driver.poll_without_shutdown(&mut turn) {
                    *open = false;
                    // The connection has finished: whatever the call waited for was
                    // delivered, or failed, when it did.
                    let done = match call.as_mut().poll(&mut turn) {
                        Poll::Ready(done) => done,
                        Poll::Pending => Err(ExchangeError::NoResponse(result.err())),
                    };
                    waker.leave();
                    return Poll::Ready(done);
                }
                if !waker.another_turn() {
                    return Poll::Pending;
                }
            }
            waker.leave();
            cx.waker().wake_by_ref();
            Poll::Pending
        })
        .await
    }
}

/// How many times one poll of an exchange polls the connection's halves at most.
const TURNS: usize = 8;

/// The waker a connection's halves are polled with. While the task that holds the connection
/// is polling them, a wake (one half telling the other it has work) only asks that task's
/// loop for another turn; a wake at any other time (the socket turned readable) wakes the
/// task. Without it each of those wakes would schedule the task again, behind every other
/// ready task, and often wake an idle worker thread to run it.
#[derive(Default)]
struct TurnWaker {
    /// `IDLE`, `POLLING` or `WOKEN` (a wake came while polling).
    state: AtomicU8,
    /// The task that last polled the connection.
    task: Mutex<Option<Waker>>,
}

const IDLE: u8 = 0;
const POLLING: u8 = 1;
const WOKEN: u8 = 2;

impl TurnWaker {
    /// Starts polling on behalf of the task `task`; returns the waker to poll with.
    fn enter(self: &Arc<Self>, task: &Waker) -> Waker {
        if let Ok(mut current) = self.task.lock() {
            if !current.as_ref().is_some_and(|w| w.will_wake(task)) {
                *current = Some(task.clone());
            }
        }
        self.state.store(POLLING, Ordering::Release);
        Waker::from(Arc::clone(self))
    }

    /// Ends polling with both halves pending. True if a wake came meanwhile (poll again);
    /// false once the state is idle, so that later wakes reach the task.
    fn another_turn(&self) -> bool {
        match self
            .state
            .compare_exchange(POLLING, IDLE, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => false,
            Err(WOKEN) => {
                // Only this task moves the state away from `WOKEN`.
                self.state.store(POLLING, Ordering::Release);
                true
            }
            Err(_) => false,
        }
    }

    /// Ends polling with a result: later wakes go to the task.
    fn leave(&self) {
        self.state.store(IDLE, Ordering::Release);
    }
}

impl Wake for TurnWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            let next = match state {
                POLLING => WOKEN,
                WOKEN => return,
                _ => break,
            };
            match self
                .state
                .compare_exchange(state, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return,
                Err(now) => state = now,
            }
        }
        let task = self.task.lock().ok().and_then(|t| t.clone());
        if let Some(task) = task {
            task.wake();
        }
    }
}

/// The idle connections of one host, and the `Host` header its requests carry (worked out
/// once per host rather than once per request).
struct HostSlot<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    key: PoolKey,
    host: HeaderValue,
    idle: Vec<Idle<S>>,
}

/// An idle connection, boxed: a connection's state is several hundred bytes, and it moves
/// in and out of the pool on every call.
struct Idle<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    connection: Box<PooledConnection<S>>,
    since: Instant,
}

/// Idle connections by host, most recently used last. A transport talks to one host or a
/// few, so the hosts are a short list searched in order, not a hash map: hashing an
/// authority cost more than the rest of taking and putting a connection together.
pub(super) struct Pool<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    hosts: Mutex<Vec<HostSlot<S>>>,
    idle_timeout: Option<Duration>,
    max_idle_per_host: usize,
}

impl<S> Pool<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    pub(super) fn new(idle_timeout: Option<Duration>, max_idle_per_host: usize) -> Self {
        Pool {
            hosts: Mutex::new(Vec::new()),
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
    ) -> (HeaderValue, Option<Box<PooledConnection<S>>>) {
        let Ok(mut hosts) = self.hosts.lock() else {
            return (host(), None);
        };
        if !hosts.iter().any(|h| h.key.is(key)) {
            hosts.push(HostSlot {
                key: key.clone(),
                host: host(),
                idle: Vec::new(),
            });
        }
        // Found: it was there or has just been pushed.
        let Some(slot) = hosts.iter_mut().find(|h| h.key.is(key)) else {
            return (HeaderValue::from_static(""), None);
        };
        let host = slot.host.clone();
        if let (Some(timeout), Some(oldest)) = (self.idle_timeout, slot.idle.first()) {
            // The oldest are first: drop every one past the timeout.
            let now = Instant::now();
            if now.saturating_duration_since(oldest.since) >= timeout {
                let fresh = slot
                    .idle
                    .iter()
                    .position(|i| now.saturating_duration_since(i.since) < timeout)
                    .unwrap_or(slot.idle.len());
                slot.idle.drain(..fresh);
            }
        }
        (host, slot.idle.pop().map(|i| i.connection))
    }

    /// Returns a connection that completed an exchange and is still open; dropped instead
    /// when the host already has as many idle connections as allowed.
    pub(super) fn put(&self, key: &PoolKey, mut connection: Box<PooledConnection<S>>) {
        connection.reused = true;
        let since = Instant::now();
        let Ok(mut hosts) = self.hosts.lock() else {
            return;
        };
        if let Some(slot) = hosts.iter_mut().find(|h| h.key.is(key)) {
            if slot.idle.len() < self.max_idle_per_host {
                slot.idle.push(Idle { connection, since });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// A task waker that counts its wakes.
    #[derive(Default)]
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn wakes_while_polling_give_another_turn_and_later_ones_reach_the_task() {
        let count = Arc::new(Count::default());
        let task = Waker::from(Arc::clone(&count));
        let turns = Arc::new(TurnWaker::default());
        let waker = turns.enter(&task);
        waker.wake_by_ref();
        waker.wake_by_ref();
        assert!(turns.another_turn(), "a wake while polling asks for a turn");
        assert!(!turns.another_turn(), "with no wake the poll ends");
        assert_eq!(count.0.load(Ordering::SeqCst), 0, "the task was not woken");
        waker.wake_by_ref();
        assert_eq!(count.0.load(Ordering::SeqCst), 1, "a later wake reaches it");
        // The next poll is by another task: wakes go to that one.
        let other = Arc::new(Count::default());
        let waker = turns.enter(&Waker::from(Arc::clone(&other)));
        turns.leave();
        waker.wake();
        assert_eq!(other.0.load(Ordering::SeqCst), 1);
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
    }
}
