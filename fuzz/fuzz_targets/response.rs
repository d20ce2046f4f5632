//! The client's handling of any response, for every operation: outputs, modeled and
//! unmodeled errors, headers included.
//!
//! Input: one byte choosing what to call (`n % 24`: below 23 the operation of that index in
//! `cognito_identity::operation::ALL`, 23 pages through `ListIdentityPools`), then the
//! response as a message (`STATUS`, headers, body). The client has retries off, so nothing
//! sleeps; the only thing checked is that no input panics, and that paging ends, since every
//! page repeats the token it got.

#![no_main]

use fuzz::{block_on, call, Message, ScriptedClient, OPERATIONS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [choice, rest @ ..] = data else {
        return;
    };
    let Some(response) = Message::parse(rest).to_response() else {
        return;
    };
    let client = ScriptedClient::get();
    client.answer_with(response);
    let index = usize::from(*choice) % (OPERATIONS.len() + 1);
    if index < OPERATIONS.len() {
        assert!(block_on(call(&client.client, index)).is_some());
    } else {
        // The same answer on every page: the second page repeats the first token (or has
        // none), so paging must stop after at most two pages and one error.
        let pages = block_on(client.count_pages(10));
        assert!(pages <= 3, "paging went on for {pages} pages");
    }
});
