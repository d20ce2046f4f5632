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
//! Taking and putting a connection take no lock (see [`Pool`] and [`HostSlot`]). This module
//! opens no connection and decides no retry policy: the transport does both.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use atomic_waker::AtomicWaker;
use bytes::Bytes;
use crossbeam_queue::SegQueue;
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
    /// Where the halves' wakes go, and the waker they are polled with (made once, rather
    /// than for every poll).
    turns: Arc<TurnWaker>,
    waker: Waker,
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
        let turns = Arc::new(TurnWaker::default());
        PooledConnection {
            sender,
            driver,
            reused: false,
            open: true,
            waker: Waker::from(Arc::clone(&turns)),
            turns,
        }
    }

    /// Polls the connection half once; false if it has finished (the server closed it, or it
    /// failed), in which case it cannot carry another request.
    fn poll_open(&mut self, cx: &mut Context<'_>) -> bool {
        if self.open {
            self.turns.enter(cx.waker());
            let mut turn = Context::from_waker(&self.waker);
            if self.driver.poll_without_shutdown(&mut turn).is_ready() {
                self.open = false;
            }
            self.turns.leave();
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
            turns,
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
            turns.enter(cx.waker());
            let mut turn = Context::from_waker(waker);
            // Each half wakes the other (a request queued for the connection, a response
            // handed to the call): poll both again while either did, in this one poll of
            // the task, instead of asking the scheduler for another. The turns are few, so a
            // half that keeps waking itself (tokio's budget for a task running out, a yield)
            // still hands the thread back to the scheduler.
            for _ in 0..TURNS {
                if let Poll::Ready(done) = call.as_mut().poll(&mut turn) {
                    turns.leave();
                    return Poll::Ready(done);
                }
                if !*open {
                    turns.leave();
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
                    turns.leave();
                    return Poll::Ready(done);
                }
                if !turns.another_turn() {
                    return Poll::Pending;
                }
            }
            turns.leave();
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
    /// The task that last polled the connection, until a wake takes it.
    task: AtomicWaker,
}

const IDLE: u8 = 0;
const POLLING: u8 = 1;
const WOKEN: u8 = 2;

impl TurnWaker {
    /// Starts polling on behalf of the task `task`.
    fn enter(&self, task: &Waker) {
        self.task.register(task);
        self.state.store(POLLING, Ordering::Release);
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
        self.task.wake();
    }
}

/// The idle connections of one host, and the `Host` header its requests carry (worked out
/// once per host rather than once per request). Connections go in and out of a lock-free
/// queue, so concurrent calls to the host take and return them without waiting on each
/// other.
pub(super) struct HostSlot<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    key: PoolKey,
    host: HeaderValue,
    /// Oldest first: a call takes the connection that has been idle longest, so those past
    /// the idle timeout are found, and dropped, before any fresh one.
    idle: SegQueue<Idle<S>>,
    /// How many connections `idle` holds: counted up before a push and down after a pop, so
    /// it may run ahead of the queue for a moment but never behind it, and the queue never
    /// holds more than `max_idle`.
    count: AtomicUsize,
    idle_timeout: Option<Duration>,
    max_idle: usize,
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

impl<S> HostSlot<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    /// Where the host's connections go.
    pub(super) fn key(&self) -> &PoolKey {
        &self.key
    }

    /// The `Host` header value of the host's requests.
    pub(super) fn host(&self) -> &HeaderValue {
        &self.host
    }

    /// The idle connection that has waited longest without outliving the idle timeout, if
    /// any; those that outlived it are dropped on the way.
    pub(super) fn take(&self) -> Option<Box<PooledConnection<S>>> {
        while let Some(idle) = self.idle.pop() {
            self.count.fetch_sub(1, Ordering::Relaxed);
            let expired = self
                .idle_timeout
                .is_some_and(|timeout| idle.since.elapsed() >= timeout);
            if !expired {
                return Some(idle.connection);
            }
        }
        None
    }

    /// Returns a connection that completed an exchange and is still open; dropped instead
    /// when the host already has as many idle connections as allowed.
    pub(super) fn put(&self, mut connection: Box<PooledConnection<S>>) {
        if self.count.fetch_add(1, Ordering::Relaxed) >= self.max_idle {
            self.count.fetch_sub(1, Ordering::Relaxed);
            return;
        }
        connection.reused = true;
        let since = Instant::now();
        self.idle.push(Idle { connection, since });
    }
}

/// A host's slot and the link to the next host's.
struct HostNode<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    slot: HostSlot<S>,
    next: OnceLock<Box<HostNode<S>>>,
}

/// The hosts a transport has talked to, each with its idle connections. A transport talks
/// to one host or a few, so the hosts are a list searched in order, not a hash map: hashing
/// an authority cost more than the rest of taking and putting a connection together. The
/// list only grows, one link at a time, and each link is set once, so finding a host reads
/// atomics and takes no lock: only two calls adding a host at the same moment wait for one
/// another.
pub(super) struct Pool<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    first: OnceLock<Box<HostNode<S>>>,
    idle_timeout: Option<Duration>,
    max_idle_per_host: usize,
}

impl<S> Pool<S>
where
    S: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    pub(super) fn new(idle_timeout: Option<Duration>, max_idle_per_host: usize) -> Self {
        Pool {
            first: OnceLock::new(),
            idle_timeout,
            max_idle_per_host,
        }
    }

    /// The slot of `key`'s host, added at the end of the list the first time the host is
    /// seen; `host` makes its `Host` header value then.
    pub(super) fn host(&self, key: &PoolKey, host: impl FnOnce() -> HeaderValue) -> &HostSlot<S> {
        let mut host = Some(host);
        let mut link = &self.first;
        loop {
            // Runs at most once a call: when this call sets the link, the node is `key`'s and
            // the loop ends (so `host` is still there). A call that loses the race to set a
            // link to another host's node moves on to the next link.
            let node = link.get_or_init(|| {
                let host = host
                    .take()
                    .map_or_else(|| HeaderValue::from_static(""), |h| h());
                Box::new(HostNode {
                    slot: HostSlot {
                        key: key.clone(),
                        host,
                        idle: SegQueue::new(),
                        count: AtomicUsize::new(0),
                        idle_timeout: self.idle_timeout,
                        max_idle: self.max_idle_per_host,
                    },
                    next: OnceLock::new(),
                })
            });
            if node.slot.key.is(key) {
                return &node.slot;
            }
            link = &node.next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Barrier;
    use std::thread;

    /// A byte stream on which nothing ever arrives and nothing can be written: enough for a
    /// connection that is only pooled, never used.
    struct Silent;

    impl hyper::rt::Read for Silent {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: hyper::rt::ReadBufCursor<'_>,
        ) -> Poll<std::io::Result<()>> {
            Poll::Pending
        }
    }

    impl hyper::rt::Write for Silent {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            Poll::Pending
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    fn connection() -> Box<PooledConnection<Silent>> {
        // The HTTP/1.1 handshake does no I/O: its future is ready when first polled.
        let handshake = pin!(hyper::client::conn::http1::handshake(Silent));
        let mut cx = Context::from_waker(Waker::noop());
        match handshake.poll(&mut cx) {
            Poll::Ready(Ok((sender, driver))) => Box::new(PooledConnection::new(sender, driver)),
            Poll::Ready(Err(e)) => panic!("handshake failed: {e}"),
            Poll::Pending => panic!("the handshake waited"),
        }
    }

    /// Where a connection lives: which one it is, without looking inside.
    fn id(connection: &PooledConnection<Silent>) -> usize {
        std::ptr::from_ref(connection) as usize
    }

    fn key(authority: &str) -> PoolKey {
        PoolKey {
            tls: false,
            authority: authority.parse().expect("authority"),
        }
    }

    fn host_value(host: &str) -> impl FnOnce() -> HeaderValue + '_ {
        move || HeaderValue::from_str(host).expect("header value")
    }

    #[test]
    fn a_host_keeps_its_slot_and_header_and_hosts_do_not_share_one() {
        let pool = Pool::<Silent>::new(None, usize::MAX);
        let a = pool.host(&key("a:80"), host_value("a"));
        assert_eq!(a.host(), "a");
        let b = pool.host(&key("b:80"), host_value("b"));
        let made = AtomicUsize::new(0);
        let again = pool.host(&key("a:80"), || {
            made.fetch_add(1, Ordering::SeqCst);
            HeaderValue::from_static("other")
        });
        assert!(std::ptr::eq(a, again), "the same host finds the same slot");
        assert_eq!(made.load(Ordering::SeqCst), 0, "its header is made once");
        assert!(!std::ptr::eq(a, b));
        // TLS or not makes another host.
        let tls = PoolKey {
            tls: true,
            ..key("a:80")
        };
        assert!(!std::ptr::eq(a, pool.host(&tls, host_value("a"))));
    }

    #[test]
    fn the_longest_idle_goes_first_and_no_more_than_the_maximum_wait() {
        let pool = Pool::<Silent>::new(None, 2);
        let slot = pool.host(&key("a:80"), host_value("a"));
        let (first, second, third) = (connection(), connection(), connection());
        let ids = [id(&first), id(&second)];
        slot.put(first);
        slot.put(second);
        slot.put(third);
        let taken = slot.take().expect("an idle connection");
        assert!(taken.reused, "a pooled connection counts as reused");
        assert_eq!(id(&taken), ids[0]);
        assert_eq!(slot.take().map(|c| id(&c)), Some(ids[1]));
        assert!(slot.take().is_none(), "the third was over the maximum");
        // Taking made room again.
        slot.put(connection());
        assert!(slot.take().is_some());
    }

    #[test]
    fn connections_past_the_idle_timeout_are_dropped_when_found() {
        let pool = Pool::<Silent>::new(Some(Duration::from_millis(50)), usize::MAX);
        let slot = pool.host(&key("a:80"), host_value("a"));
        slot.put(connection());
        slot.put(connection());
        thread::sleep(Duration::from_millis(60));
        let fresh = connection();
        let fresh_id = id(&fresh);
        slot.put(fresh);
        assert_eq!(slot.take().map(|c| id(&c)), Some(fresh_id));
        assert!(slot.take().is_none());
        assert_eq!(
            slot.count.load(Ordering::SeqCst),
            0,
            "the dropped ones are not counted"
        );
    }

    #[test]
    fn concurrent_calls_neither_lose_nor_duplicate_connections_or_hosts() {
        const THREADS: usize = 8;
        const HOSTS: usize = 12;
        const ROUNDS: usize = 2000;
        let pool = Pool::<Silent>::new(None, usize::MAX);
        let made = AtomicUsize::new(0);
        let start = Barrier::new(THREADS);
        let ids: Vec<Vec<usize>> = thread::scope(|scope| {
            let workers: Vec<_> = (0..THREADS)
                .map(|t| {
                    let (pool, made, start) = (&pool, &made, &start);
                    scope.spawn(move || {
                        let mut mine = Vec::new();
                        start.wait();
                        for round in 0..ROUNDS {
                            // Each thread meets the hosts in its own order.
                            let host = format!("h{}:80", (round * (t + 1) + t) % HOSTS);
                            let slot = pool.host(&key(&host), || {
                                made.fetch_add(1, Ordering::SeqCst);
                                HeaderValue::from_static("h")
                            });
                            let connection = slot.take().unwrap_or_else(|| {
                                let fresh = connection();
                                mine.push((host.clone(), id(&fresh)));
                                fresh
                            });
                            slot.put(connection);
                        }
                        mine
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join()
                        .expect("worker")
                        .into_iter()
                        .map(|(_, i)| i)
                        .collect()
                })
                .collect()
        });
        assert_eq!(
            made.load(Ordering::SeqCst),
            HOSTS,
            "each host was added once"
        );
        let mut hosts = 0;
        let mut link = &pool.first;
        let mut pooled = Vec::new();
        while let Some(node) = link.get() {
            hosts += 1;
            assert_eq!(node.slot.count.load(Ordering::SeqCst), node.slot.idle.len());
            while let Some(connection) = node.slot.take() {
                pooled.push(id(&connection));
            }
            link = &node.next;
        }
        assert_eq!(hosts, HOSTS);
        let mut opened: Vec<usize> = ids.into_iter().flatten().collect();
        opened.sort_unstable();
        pooled.sort_unstable();
        assert_eq!(
            pooled, opened,
            "every connection opened is back in the pool, once"
        );
    }

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
        let waker = Waker::from(Arc::clone(&turns));
        turns.enter(&task);
        waker.wake_by_ref();
        waker.wake_by_ref();
        assert!(turns.another_turn(), "a wake while polling asks for a turn");
        assert!(!turns.another_turn(), "with no wake the poll ends");
        assert_eq!(count.0.load(Ordering::SeqCst), 0, "the task was not woken");
        waker.wake_by_ref();
        assert_eq!(count.0.load(Ordering::SeqCst), 1, "a later wake reaches it");
        // The next poll is by another task: wakes go to that one.
        let other = Arc::new(Count::default());
        turns.enter(&Waker::from(Arc::clone(&other)));
        turns.leave();
        waker.wake();
        assert_eq!(other.0.load(Ordering::SeqCst), 1);
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
    }
}
