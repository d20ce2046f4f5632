//! SigV4 verification of any request, in the header form and the presigned (query-string)
//! form, and the promise that whatever the signer signs, the verifier accepts.
//!
//! Input: one byte of flags, then the request as a message (`METHOD /path?query`, headers,
//! body), as in the SigV4 test suite's `.sreq` files. Flags: bit 0 verifies the request as
//! parts (`verify_parts`) instead of as an `http` request; bit 1 gives the known key the
//! request's own `X-Amz-Security-Token` as its session token; bit 2 signs the request first
//! and bit 3 presigns it first (dropping any `Authorization` header, and skipping a query that
//! already holds `X-Amz-` parameters), and then verification must succeed. The server's clock reads
//! the suite's time, 2015-08-30T12:36:00Z, and `AKIDEXAMPLE` is the one known key.

#![no_main]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_json_runtime::auth::credentials::Credentials;
use aws_json_runtime::auth::sigv4::{self, SignableRequest, SigningParams, VerifyOptions};
use fuzz::{suite_credentials, Message};
use libfuzzer_sys::fuzz_target;

/// 2015-08-30T12:36:00Z, the signing time of the SigV4 test suite.
const SUITE_TIME: u64 = 1_440_938_160;

fuzz_target!(|data: &[u8]| {
    let [flags, rest @ ..] = data else {
        return;
    };
    let message = Message::parse(rest);
    let now = UNIX_EPOCH + Duration::from_secs(SUITE_TIME);
    let options = VerifyOptions::at(now);
    let token = if flags & 2 != 0 {
        message
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(b"x-amz-security-token"))
            .map(|(_, value)| String::from_utf8_lossy(value).into_owned())
    } else {
        None
    };
    let credentials = suite_credentials(token);
    let lookup = |key: &str| (key == credentials.access_key_id()).then(|| credentials.clone());

    if flags & 12 != 0 {
        sign_then_verify(
            &message,
            flags & 8 != 0,
            &credentials,
            now,
            &lookup,
            &options,
        );
    } else if flags & 1 != 0 {
        let (method, target) = message.request_line();
        let method = String::from_utf8_lossy(method);
        let target = String::from_utf8_lossy(target);
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let headers: Vec<(&str, &str)> = message
            .headers
            .iter()
            .filter_map(|(name, value)| {
                Some((
                    std::str::from_utf8(name).ok()?,
                    std::str::from_utf8(value).ok()?,
                ))
            })
            .collect();
        let request = SignableRequest {
            method: &method,
            path,
            query,
            headers: &headers,
            body: message.body,
        };
        let _ = sigv4::verify_parts(&request, &lookup, &options);
    } else {
        let _ = sigv4::verify(&message.to_request(), &lookup, &options);
    }
});

/// Signs (or presigns) the request as a client would, then checks that the server accepts it.
fn sign_then_verify(
    message: &Message<'_>,
    presign: bool,
    credentials: &Credentials,
    now: SystemTime,
    lookup: &dyn Fn(&str) -> Option<Credentials>,
    options: &VerifyOptions,
) {
    let mut request = message.to_request();
    if presign {
        // A presigned URL carries its signature in the query alone: a request that already
        // has one, or an `Authorization` header, is not one to presign (AWS rejects a request
        // with two signatures).
        let query = request.uri().query().unwrap_or_default();
        let signed_query = query.split('&').any(|pair| {
            pair.get(..6)
                .is_some_and(|p| p.eq_ignore_ascii_case("x-amz-"))
        });
        if signed_query {
            return;
        }
        request.headers_mut().remove(http::header::AUTHORIZATION);
    }
    let params = SigningParams {
        credentials,
        region: "us-east-1",
        service: "service",
        time: now,
    };
    let signed = if presign {
        sigv4::presign(&mut request, &params, Duration::from_secs(300))
    } else {
        sigv4::sign(&mut request, &params)
    };
    if signed.is_err() {
        return;
    }
    if let Err(e) = sigv4::verify(&request, lookup, options) {
        panic!("a request the signer signed does not verify: {e}\n{request:?}");
    }
}
