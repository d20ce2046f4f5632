//! Pagination end to end: the generated pages type of `ListIdentityPools`, driven as a stream
//! of pages and of items through the generated `Client`, over HTTP in memory, to a `Router`
//! serving the generated `Mock`; and the guard that stops a service repeating a token.
//!
//! The streams are consumed through the `Stream` trait itself (polled by hand, so no stream
//! library is needed), which is what every combinator library calls.

use std::future::poll_fn;
use std::pin::Pin;

use aws_json_runtime::{ErrorKind, Stream};
use cognito_identity::error::{ListIdentityPoolsError, NotAuthorizedException};
use cognito_identity::mock::Mock;
use cognito_identity::pagination::ListIdentityPoolsPages;
use cognito_identity::types::{
    IdentityPoolShortDescription, ListIdentityPoolsInput, ListIdentityPoolsResponse,
};
use cognito_identity::{Client, InMemoryTransport, Router};
use tests::client_over;

/// The next item of any stream, through `Stream::poll_next`.
async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

/// Every item of a stream, in order.
async fn collect<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut items = Vec::new();
    while let Some(item) = next(&mut stream).await {
        items.push(item);
    }
    items
}

/// A page holding pools with the given ids, and the given next token.
fn page(pools: &[&str], next_token: Option<&str>) -> ListIdentityPoolsResponse {
    let pools = pools
        .iter()
        .map(|id| {
            IdentityPoolShortDescription::new()
                .with_identity_pool_id(*id)
                .with_identity_pool_name(format!("pool_{}", id.len()))
        })
        .collect();
    let mut response = ListIdentityPoolsResponse::new().with_identity_pools(pools);
    response.next_token = next_token.map(str::to_owned);
    response
}

/// A client whose requests a `Router` serving `mock` answers, over HTTP in memory.
fn client_for(mock: &Mock) -> Client {
    let transport = InMemoryTransport::service(Router::new(mock.clone()));
    client_over(&transport)
}

/// The tokens the service received, one per request.
fn tokens_sent(mock: &Mock) -> Vec<Option<String>> {
    mock.list_identity_pools_calls()
        .into_iter()
        .map(|input| input.next_token)
        .collect()
}

fn token_of(result: &Result<ListIdentityPoolsResponse, ListIdentityPoolsError>) -> Option<&str> {
    match result {
        Ok(page) => page.next_token.as_deref(),
        Err(e) => panic!("a page failed: {e}"),
    }
}

const POOL_A: &str = "us-east-1:aaaaaaaa-0000-0000-0000-000000000001";
const POOL_B: &str = "us-east-1:bbbbbbbb-0000-0000-0000-000000000002";
const POOL_C: &str = "us-east-1:cccccccc-0000-0000-0000-000000000003";
const POOL_D: &str = "us-east-1:dddddddd-0000-0000-0000-000000000004";

/// Three pages chained by their tokens: two pools, one, then one with no token after it.
fn three_pages(mock: &Mock) {
    mock.queue_list_identity_pools([
        Ok(page(&[POOL_A, POOL_B], Some("t1"))),
        Ok(page(&[POOL_C], Some("t2"))),
        Ok(page(&[POOL_D], None)),
    ]);
}

#[tokio::test]
async fn a_stream_of_pages_yields_every_page_in_order() {
    let mock = Mock::new();
    three_pages(&mock);
    let client = client_for(&mock);
    let pages = client
        .list_identity_pools_pages(ListIdentityPoolsInput::new(2))
        .into_stream();
    let pages = collect(pages).await;
    let tokens: Vec<Option<&str>> = pages.iter().map(token_of).collect();
    assert_eq!(tokens, [Some("t1"), Some("t2"), None]);
    assert_eq!(
        tokens_sent(&mock),
        [None, Some("t1".to_owned()), Some("t2".to_owned())]
    );
    // Every request keeps the rest of the input.
    assert!(mock
        .list_identity_pools_calls()
        .iter()
        .all(|input| input.max_results == 2));
}

#[tokio::test]
async fn a_stream_of_items_yields_every_item_in_order() {
    let mock = Mock::new();
    three_pages(&mock);
    let client = client_for(&mock);
    let items = client
        .list_identity_pools_pages(ListIdentityPoolsInput::new(2))
        .items();
    let ids: Vec<String> = collect(items)
        .await
        .into_iter()
        .map(|item| match item {
            Ok(pool) => pool.identity_pool_id.unwrap_or_default(),
            Err(e) => panic!("an item failed: {e}"),
        })
        .collect();
    assert_eq!(ids, [POOL_A, POOL_B, POOL_C, POOL_D]);
    assert_eq!(
        mock.call_count(),
        3,
        "one request per page, none after the last"
    );
}

#[tokio::test]
async fn next_page_walks_the_same_pages_without_a_stream() {
    let mock = Mock::new();
    three_pages(&mock);
    let client = client_for(&mock);
    let mut pages = client.list_identity_pools_pages(ListIdentityPoolsInput::new(2));
    let mut sizes = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.unwrap_or_else(|e| panic!("a page failed: {e}"));
        sizes.push(page.identity_pools.map_or(0, |pools| pools.len()));
    }
    assert_eq!(sizes, [2, 1, 1]);
    assert!(pages.next_page().await.is_none(), "paging stays finished");
}

#[tokio::test]
async fn a_repeated_token_ends_the_stream_with_the_guards_error() {
    let mock = Mock::new();
    // The third page hands back the first page's token: without the guard, the pages would
    // come round again forever.
    mock.queue_list_identity_pools([
        Ok(page(&[POOL_A], Some("t1"))),
        Ok(page(&[POOL_B], Some("t2"))),
        Ok(page(&[POOL_C], Some("t1"))),
        Ok(page(&[POOL_D], None)),
    ]);
    let client = client_for(&mock);
    let results = collect(
        client
            .list_identity_pools_pages(ListIdentityPoolsInput::new(1))
            .into_stream(),
    )
    .await;
    assert_eq!(results.len(), 4, "three pages, then the error");
    assert_eq!(token_of(&results[2]), Some("t1"));
    let error = match &results[3] {
        Err(ListIdentityPoolsError::Unhandled(e)) => e,
        other => panic!("expected the guard's error, got {other:?}"),
    };
    assert_eq!(error.kind(), ErrorKind::Response);
    assert!(
        error
            .to_string()
            .contains("continuation token that was already sent"),
        "{error}"
    );
    assert_eq!(mock.call_count(), 3, "no request after the repeated token");
}

#[tokio::test]
async fn a_token_equal_to_the_one_sent_is_caught_at_once() {
    let mock = Mock::new();
    mock.on_list_identity_pools(|input| Ok(page(&[POOL_A], input.next_token.as_deref())));
    let client = client_for(&mock);
    let start = ListIdentityPoolsInput::new(1).with_next_token("resume-here");
    let mut items = client.list_identity_pools_pages(start).items();
    assert!(matches!(next(&mut items).await, Some(Ok(_))));
    assert!(matches!(
        next(&mut items).await,
        Some(Err(ListIdentityPoolsError::Unhandled(_)))
    ));
    assert!(next(&mut items).await.is_none());
    assert_eq!(tokens_sent(&mock), [Some("resume-here".to_owned())]);
}

#[tokio::test]
async fn an_empty_token_is_the_last_page() {
    let mock = Mock::new();
    mock.queue_list_identity_pools([Ok(page(&[POOL_A], Some(""))), Ok(page(&[POOL_B], None))]);
    let client = client_for(&mock);
    let pages = collect(
        client
            .list_identity_pools_pages(ListIdentityPoolsInput::new(1))
            .into_stream(),
    )
    .await;
    assert_eq!(pages.len(), 1);
    assert_eq!(mock.call_count(), 1);
}

#[tokio::test]
async fn a_service_error_ends_the_items_after_those_before_it() {
    let mock = Mock::new();
    mock.queue_list_identity_pools([
        Ok(page(&[POOL_A, POOL_B], Some("t1"))),
        Err(ListIdentityPoolsError::NotAuthorizedException(
            NotAuthorizedException::new().with_message("token expired"),
        )),
        Ok(page(&[POOL_C], None)),
    ]);
    let client = client_for(&mock);
    let items = collect(
        client
            .list_identity_pools_pages(ListIdentityPoolsInput::new(2))
            .items(),
    )
    .await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[..2].iter().all(Result::is_ok));
    match &items[2] {
        Err(ListIdentityPoolsError::NotAuthorizedException(e)) => {
            assert_eq!(e.message.as_deref(), Some("token expired"));
        }
        other => panic!("expected NotAuthorizedException over the wire, got {other:?}"),
    }
    assert_eq!(mock.call_count(), 2, "no request after the error");
}

#[tokio::test]
async fn pages_work_on_any_implementation_of_the_trait() {
    // No client and no HTTP: the pages type calls the mock through the service trait.
    let mock = Mock::new();
    three_pages(&mock);
    let pages = ListIdentityPoolsPages::new(&mock, ListIdentityPoolsInput::new(2));
    let pages = collect(pages.into_stream()).await;
    assert_eq!(pages.len(), 3);
    assert_eq!(mock.calls(), ["ListIdentityPools"; 3]);
}

#[test]
fn the_streams_are_send_so_a_task_can_own_them() {
    fn send<T: Send>(_: &T) {}
    let client = client_for(&Mock::new());
    let pages = client.list_identity_pools_pages(ListIdentityPoolsInput::new(1));
    send(&pages);
    send(&pages.into_stream());
    send(
        &client
            .list_identity_pools_pages(ListIdentityPoolsInput::new(1))
            .items(),
    );
}
