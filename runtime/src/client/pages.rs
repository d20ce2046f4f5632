//! Paging through paginated operations: [`Pages`], a stream of the pages of one operation that
//! follows the continuation token, and [`Items`], the stream of the items on those pages.
//!
//! A generated crate builds a [`Pages`] from two small pieces per operation: a closure that
//! sends the request for a given token, and a function that reads the next token from a page.
//! Everything else is here: sending one request at a time, stopping after the last page (no
//! token, or an empty one) or after the first error, and a guard against a service that keeps
//! answering with a token it already gave. Without the guard such a service would make a
//! `while let` loop over the pages run forever; with it the stream yields the page that
//! repeats the token and then ends with an error that says what happened.
//!
//! Both types implement [`futures_core::Stream`], the trait async combinator libraries
//! accept, and also have an inherent `async fn` (`next_page`, `next_item`) so that no stream
//! library is needed to walk them. Nothing here names a service.
//!
//! ```
//! # use aws_json_runtime::client::pages::Pages;
//! # use aws_json_runtime::wire::error::ErrorResponse;
//! # use aws_json_runtime::{HttpResponse, OperationError, UnhandledError};
//! # use aws_json_runtime::wire::retryable::RetryKind;
//! # #[derive(Debug)]
//! # struct ListError(UnhandledError);
//! # impl std::fmt::Display for ListError {
//! #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { self.0.fmt(f) }
//! # }
//! # impl std::error::Error for ListError {}
//! # impl OperationError for ListError {
//! #     fn from_response(r: &ErrorResponse) -> Self { ListError(r.unhandled()) }
//! #     fn from_unhandled(e: UnhandledError) -> Self { ListError(e) }
//! #     fn retry_kind(&self) -> Option<RetryKind> { None }
//! #     fn to_response(&self, _: &'static str) -> HttpResponse { HttpResponse::default() }
//! # }
//! // A page of a list operation: its items and the token of the next page.
//! struct Page {
//!     names: Vec<&'static str>,
//!     next: Option<String>,
//! }
//!
//! // Stands in for a call to the service: three pages, chained by their tokens.
//! async fn list(token: Option<String>) -> Result<Page, ListError> {
//!     Ok(match token.as_deref() {
//!         None => Page { names: vec!["a", "b"], next: Some("2".into()) },
//!         Some("2") => Page { names: vec!["c"], next: Some("3".into()) },
//!         _ => Page { names: vec!["d"], next: None },
//!     })
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let mut pages = Pages::new(None, list, |page: &Page| page.next.as_deref());
//! let mut sizes = Vec::new();
//! while let Some(page) = pages.next_page().await {
//!     sizes.push(page?.names.len());
//! }
//! assert_eq!(sizes, [2, 1, 1]);
//!
//! let mut items = Pages::new(None, list, |page: &Page| page.next.as_deref())
//!     .items(|page: Page| page.names);
//! let mut names = Vec::new();
//! while let Some(name) = items.next_item().await {
//!     names.push(name?);
//! }
//! assert_eq!(names, ["a", "b", "c", "d"]);
//! # Ok::<(), ListError>(())
//! # }).unwrap();
//! ```

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::Stream;

use crate::base::http::BoxFuture;
use crate::wire::error::{ErrorKind, OperationError, UnhandledError};

/// The request for one page: called with the token to send (`None` for a first page without
/// one), it returns the call's future.
type Fetch<'a, O, E> = Box<dyn FnMut(Option<String>) -> BoxFuture<'a, Result<O, E>> + Send + 'a>;

/// Where a [`Pages`] stands between two polls.
enum State<'a, O, E> {
    /// The next poll sends a request with this token.
    Ready(Option<String>),
    /// A request is on its way.
    Fetching(BoxFuture<'a, Result<O, E>>),
    /// The last page carried a token that was already used; the next poll yields the
    /// guard's error.
    Repeated,
    /// Nothing more: the last page had no token, or an error was yielded.
    Done,
}

/// The pages of a paginated operation, as a [`Stream`] of results.
///
/// Each page is one call, made when the stream is polled (never ahead). The stream ends after
/// a page without a continuation token (absent or empty), or right after an error. When a page
/// carries a token that the stream has already sent, which would make the service answer the
/// same pages again without end, that page is yielded and then an error of kind
/// [`ErrorKind::Response`], after which the stream ends.
///
/// [`next_page`](Pages::next_page) is cancel-safe: dropping its future before it completes
/// keeps the request in flight, and the next call picks it up.
pub struct Pages<'a, O, E> {
    fetch: Fetch<'a, O, E>,
    next_token: fn(&O) -> Option<&str>,
    state: State<'a, O, E>,
    /// Every token sent so far, and the one about to be sent.
    used: HashSet<String>,
    fetched: usize,
}

impl<'a, O, E: OperationError> Pages<'a, O, E> {
    /// The pages that `fetch` returns, starting with `first_token` (`None` to start at the
    /// first page), following the token that `next_token` reads from each page.
    pub fn new<F, Fut>(
        first_token: Option<String>,
        mut fetch: F,
        next_token: fn(&O) -> Option<&str>,
    ) -> Self
    where
        F: FnMut(Option<String>) -> Fut + Send + 'a,
        Fut: Future<Output = Result<O, E>> + Send + 'a,
    {
        let fetch: Fetch<'a, O, E> =
            Box::new(move |token| -> BoxFuture<'a, Result<O, E>> { Box::pin(fetch(token)) });
        let used = first_token.iter().cloned().collect();
        Pages {
            fetch,
            next_token,
            state: State::Ready(first_token),
            used,
            fetched: 0,
        }
    }

    /// The next page, or `None` after the last one.
    pub async fn next_page(&mut self) -> Option<Result<O, E>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    /// The items of every page, in order: `items` takes them out of each page.
    pub fn items<T>(self, items: fn(O) -> Vec<T>) -> Items<'a, O, E, T> {
        Items {
            pages: self,
            items,
            current: Vec::new().into_iter(),
        }
    }

    /// How many pages have arrived so far (an error counts as one).
    pub fn pages_fetched(&self) -> usize {
        self.fetched
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<O, E>>> {
        loop {
            match &mut self.state {
                State::Ready(token) => {
                    let future = (self.fetch)(token.take());
                    self.state = State::Fetching(future);
                }
                State::Fetching(future) => {
                    let result = ready!(future.as_mut().poll(cx));
                    // One per page awaited, so this never saturates.
                    self.fetched = self.fetched.saturating_add(1);
                    self.state = match &result {
                        Ok(page) => self.after(page),
                        Err(_) => State::Done,
                    };
                    return Poll::Ready(Some(result));
                }
                State::Repeated => {
                    self.state = State::Done;
                    return Poll::Ready(Some(Err(E::from_unhandled(self.repeated_token()))));
                }
                State::Done => return Poll::Ready(None),
            }
        }
    }

    /// The state after a successful page: its token decides whether there is another.
    fn after(&mut self, page: &O) -> State<'a, O, E> {
        match (self.next_token)(page) {
            None | Some("") => State::Done,
            Some(token) if self.used.contains(token) => State::Repeated,
            Some(token) => {
                self.used.insert(token.to_owned());
                State::Ready(Some(token.to_owned()))
            }
        }
    }

    fn repeated_token(&self) -> UnhandledError {
        UnhandledError::new(
            ErrorKind::Response,
            format!(
                "page {} carries a continuation token that was already sent, so the service \
                 would answer the same pages again; paging stopped",
                self.fetched
            ),
        )
    }
}

impl<O, E: OperationError> Stream for Pages<'_, O, E> {
    type Item = Result<O, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

// The pages are never pinned in place: the request in flight is boxed on its own.
impl<O, E> Unpin for Pages<'_, O, E> {}

impl<O, E> fmt::Debug for Pages<'_, O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Ready(_) => "ready",
            State::Fetching(_) => "fetching",
            State::Repeated | State::Done => "done",
        };
        f.debug_struct("Pages")
            .field("pages_fetched", &self.fetched)
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

/// The items on the pages of a paginated operation, as a [`Stream`] of results: every item of
/// a page, in order, then those of the next page. An error from a page (or from the guard of
/// [`Pages`]) is yielded after the items that came before it, and ends the stream.
pub struct Items<'a, O, E, T> {
    pages: Pages<'a, O, E>,
    items: fn(O) -> Vec<T>,
    current: std::vec::IntoIter<T>,
}

impl<'a, O, E: OperationError, T> Items<'a, O, E, T> {
    /// The next item, or `None` after the last one.
    pub async fn next_item(&mut self) -> Option<Result<T, E>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// How many pages have arrived so far.
    pub fn pages_fetched(&self) -> usize {
        self.pages.fetched
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, E>>> {
        loop {
            if let Some(item) = self.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(self.pages.poll_page(cx)) {
                Some(Ok(page)) => self.current = (self.items)(page).into_iter(),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => return Poll::Ready(None),
            }
        }
    }
}

impl<O, E: OperationError, T> Stream for Items<'_, O, E, T> {
    type Item = Result<T, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

// Nothing of the items stream is pinned in place: see `Pages`.
impl<O, E, T> Unpin for Items<'_, O, E, T> {}

impl<O, E, T> fmt::Debug for Items<'_, O, E, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.current.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use super::*;

    use crate::client::test_support::TestError;

    /// A page: its items and its next token.
    type Page = (Vec<u32>, Option<String>);

    /// The tokens a fake operation was sent, one per call.
    type Sent = Arc<Mutex<Vec<Option<String>>>>;

    /// A fake operation answering `answers` in order and recording the tokens it was sent.
    fn scripted(answers: Vec<Result<Page, TestError>>) -> (Pages<'static, Page, TestError>, Sent) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(Mutex::new(VecDeque::from(answers)));
        let record = Arc::clone(&sent);
        let fetch = move |token: Option<String>| {
            record.lock().unwrap().push(token);
            let answer = answers.lock().unwrap().pop_front();
            async move {
                answer.unwrap_or_else(|| {
                    Err(TestError(UnhandledError::new(
                        ErrorKind::Request,
                        "no more answers",
                    )))
                })
            }
        };
        let pages = Pages::new(None, fetch, |page: &Page| page.1.as_deref());
        (pages, sent)
    }

    fn page(items: &[u32], next: Option<&str>) -> Result<Page, TestError> {
        Ok((items.to_vec(), next.map(str::to_owned)))
    }

    fn run<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn pages_follow_the_token_and_stop_without_one() {
        let (mut pages, sent) = scripted(vec![
            page(&[1], Some("a")),
            page(&[2], Some("b")),
            page(&[3], None),
        ]);
        let got = run(async {
            let mut got = Vec::new();
            while let Some(p) = pages.next_page().await {
                got.push(p.unwrap().0);
            }
            got
        });
        assert_eq!(got, [vec![1], vec![2], vec![3]]);
        assert_eq!(
            *sent.lock().unwrap(),
            [None, Some("a".into()), Some("b".into())]
        );
        assert_eq!(pages.pages_fetched(), 3);
    }

    #[test]
    fn an_empty_token_ends_the_pages() {
        let (pages, sent) = scripted(vec![page(&[1], Some("")), page(&[2], None)]);
        let mut items = pages.items(|p| p.0);
        let got = run(async {
            let mut got = Vec::new();
            while let Some(item) = items.next_item().await {
                got.push(item.unwrap());
            }
            got
        });
        assert_eq!(got, [1]);
        assert_eq!(sent.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_repeated_token_yields_the_page_then_an_error_then_ends() {
        let (mut pages, sent) = scripted(vec![
            page(&[1], Some("a")),
            page(&[2], Some("b")),
            page(&[3], Some("a")),
            page(&[4], None),
        ]);
        let got = run(async {
            let mut got = Vec::new();
            while let Some(p) = pages.next_page().await {
                got.push(p.map(|p| p.0).map_err(|e| e.0));
            }
            got
        });
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[2].as_ref().unwrap(), &[3]);
        let error = got[3].as_ref().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Response);
        assert!(error.to_string().contains("page 3"), "{error}");
        assert_eq!(sent.lock().unwrap().len(), 3, "no request after the guard");
    }

    #[test]
    fn the_first_token_counts_as_sent() {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&sent);
        let fetch = move |token: Option<String>| {
            record.lock().unwrap().push(token);
            async { page(&[7], Some("start")) }
        };
        let mut pages = Pages::new(Some("start".into()), fetch, |p: &Page| p.1.as_deref());
        let (first, second, third) = run(async {
            (
                pages.next_page().await,
                pages.next_page().await,
                pages.next_page().await,
            )
        });
        assert!(matches!(first, Some(Ok(_))));
        assert!(matches!(second, Some(Err(_))));
        assert!(third.is_none());
        assert_eq!(*sent.lock().unwrap(), [Some("start".to_owned())]);
    }

    #[test]
    fn an_error_ends_the_stream_after_the_items_before_it() {
        let failure = Err(TestError(UnhandledError::service("Boom", "down")));
        let (pages, sent) = scripted(vec![page(&[1, 2], Some("a")), failure, page(&[3], None)]);
        let mut items = pages.items(|p| p.0);
        let got = run(async {
            let mut got = Vec::new();
            while let Some(item) = items.next_item().await {
                got.push(item.map_err(|e| e.0.code().map(str::to_owned)));
            }
            got
        });
        assert_eq!(got, [Ok(1), Ok(2), Err(Some("Boom".to_owned()))]);
        assert_eq!(sent.lock().unwrap().len(), 2);
    }

    #[test]
    fn empty_pages_are_skipped_by_the_items() {
        let (pages, _) = scripted(vec![
            page(&[], Some("a")),
            page(&[], Some("b")),
            page(&[5], None),
        ]);
        let mut items = pages.items(|p| p.0);
        let got = run(async {
            let mut got = Vec::new();
            while let Some(item) = items.next_item().await {
                got.push(item.unwrap());
            }
            got
        });
        assert_eq!(got, [5]);
        assert_eq!(items.pages_fetched(), 3);
    }

    #[test]
    fn the_streams_are_send_and_unpin() {
        fn check<S: Stream + Send + Unpin>(_: &S) {}
        let (pages, _) = scripted(Vec::new());
        check(&pages);
        check(&pages.items(|p| p.0));
    }
}
