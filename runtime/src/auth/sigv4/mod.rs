//! AWS Signature Version 4: signing requests and verifying signed ones.
//!
//! [`sign`] adds `X-Amz-Date`, `X-Amz-Security-Token` (for temporary credentials) and
//! `Authorization` to a request; `verify` (feature `verify`) checks such a request on the
//! server side and answers with the error codes AWS JSON services use. Both run the same
//! canonicalisation, so a request this module signs is one this module accepts, and both are
//! proven on the AWS SigV4 test suite. [`SigningParts`] exposes each stage (canonical request, string to sign,
//! signature) for tests and for debugging a mismatch.
//!
//! Signing is on the hot path of every signed call, so the canonical request is streamed into
//! SHA-256 rather than built as text, and the derived signing key (four HMACs over the secret,
//! the date, the region and the service) is kept per thread for each recent combination. The
//! module implements header-based signing and, for verification, the query-string (presigned
//! URL) form; it does not implement chunked or unsigned payloads (S3 only).

mod amz_date;
mod canonical;
mod hash;
#[cfg(feature = "verify")]
mod verify;

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};

use crate::auth::credentials::Credentials;
use amz_date::AmzDate;
use canonical::{Entry, PathMode, Tee};
use hash::{HmacSha256, Sha256};

#[cfg(feature = "verify")]
pub use verify::{verify, verify_parts, VerifiedRequest, VerifyError, VerifyOptions};

/// The only algorithm this module speaks.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The header that carries the signing time.
pub const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");

/// The header that carries the session token of temporary credentials.
pub const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");

/// The hex SHA-256 of an empty payload, the hash of every body-less request.
const EMPTY_PAYLOAD_SHA256: &[u8; 64] =
    b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// What a signature is made with and for.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The key pair (and session token) to sign with.
    pub credentials: &'a Credentials,
    /// The region of the credential scope, e.g. `us-east-1`.
    pub region: &'a str,
    /// The signing name of the service, e.g. `cognito-identity`.
    pub service: &'a str,
    /// The signing time; truncated to the second.
    pub time: SystemTime,
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// The signing time is before 1970 or after year 9999.
    InvalidTime,
    /// The request has no `Host` header and its URI has no authority to take the host from.
    MissingHost,
    /// A value that goes into a header (named here) holds characters a header cannot carry.
    InvalidHeaderValue(&'static str),
    /// A presigned URL was asked to stay valid longer than AWS allows (seven days).
    InvalidExpiry,
    /// The presigned URI could not be built from the request's URI.
    InvalidUri,
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningError::InvalidTime => {
                f.write_str("cannot sign: the signing time is before 1970 or after 9999")
            }
            SigningError::MissingHost => {
                f.write_str("cannot sign: the request has no Host header and its URI names no host")
            }
            SigningError::InvalidHeaderValue(what) => {
                write!(
                    f,
                    "cannot sign: the {what} is not a valid HTTP header value"
                )
            }
            SigningError::InvalidExpiry => {
                f.write_str("cannot presign: a presigned URL may be valid for at most 7 days")
            }
            SigningError::InvalidUri => {
                f.write_str("cannot presign: the signed query does not form a valid URI")
            }
        }
    }
}

impl std::error::Error for SigningError {}

/// Whether a header is left out of the signature when a client signs a request.
///
/// Everything a request carries is signed except headers that something between the signer and
/// the service may legitimately add, change or drop, since signing them would turn that into a
/// signature mismatch:
/// - `authorization` holds the signature itself;
/// - `user-agent` is rewritten by proxies and some HTTP stacks; `x-amzn-trace-id` is added or
///   extended by tracing proxies and AWS X-Ray;
/// - `expect` (`100-continue`) and the hop-by-hop headers of RFC 9110 section 7.6.1
///   (`connection`, `keep-alive`, `proxy-*`, `te`, `trailer`, `transfer-encoding`, `upgrade`)
///   belong to one connection and are removed or replaced by every proxy on the way;
/// - `amz-sdk-invocation-id` and `amz-sdk-request` (`attempt=N; max=M`) are set per attempt by
///   the retry loop, which may update them on a request that is already signed.
///
/// `host` and `x-amz-date` are always signed; `x-amz-security-token` is signed when present.
pub fn is_unsigned_header(name: &str) -> bool {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return is_lowercase_unsigned(&name.to_ascii_lowercase());
    }
    is_lowercase_unsigned(name)
}

/// [`is_unsigned_header`] for a lowercase name (as `http` keeps them), without allocating.
fn is_lowercase_unsigned(name: &str) -> bool {
    matches!(
        name,
        "authorization"
            | "user-agent"
            | "x-amzn-trace-id"
            | "expect"
            | "connection"
            | "keep-alive"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "proxy-connection"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "amz-sdk-invocation-id"
            | "amz-sdk-request"
    )
}

/// Signs `request` in place: sets `X-Amz-Date`, sets `X-Amz-Security-Token` when the
/// credentials carry a session token (and removes a stale one when they do not), and sets
/// `Authorization`. The host is taken from a `Host` header if present, else from the URI
/// authority (without the scheme's default port). The payload hash is the SHA-256 of the body,
/// so the body must be final (compressed, if it is sent compressed) before signing. Signing
/// again, as a retry does, replaces all three headers.
pub fn sign(
    request: &mut http::Request<Bytes>,
    params: &SigningParams<'_>,
) -> Result<(), SigningError> {
    let date = AmzDate::from_system_time(params.time).ok_or(SigningError::InvalidTime)?;
    let token = params
        .credentials
        .session_token()
        .map(|t| {
            HeaderValue::from_str(t).map_err(|_| SigningError::InvalidHeaderValue("session token"))
        })
        .transpose()?;
    let authorization = signature_of_http(request, params, &date, None)?;
    let authorization = HeaderValue::from_maybe_shared(Bytes::from(authorization))
        .map_err(|_| SigningError::InvalidHeaderValue("access key id"))?;
    let headers = request.headers_mut();
    headers.insert(
        X_AMZ_DATE,
        HeaderValue::from_str(date.as_str()).map_err(|_| SigningError::InvalidTime)?,
    );
    match token {
        Some(token) => headers.insert(X_AMZ_SECURITY_TOKEN, token),
        None => headers.remove(X_AMZ_SECURITY_TOKEN),
    };
    headers.insert(AUTHORIZATION, authorization);
    Ok(())
}

/// The longest validity AWS allows a presigned URL: seven days.
pub const MAX_PRESIGN_EXPIRY: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Signs `request` in its query string instead of its headers (a presigned URL), valid for
/// `expires` from the signing time: adds `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
/// `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Security-Token` (with a session token) and
/// `X-Amz-Signature` to the URI. The headers signed are chosen as [`sign`] chooses them; the
/// payload is the body's hash, except for S3, which signs `UNSIGNED-PAYLOAD`.
pub fn presign(
    request: &mut http::Request<Bytes>,
    params: &SigningParams<'_>,
    expires: std::time::Duration,
) -> Result<(), SigningError> {
    if expires > MAX_PRESIGN_EXPIRY {
        return Err(SigningError::InvalidExpiry);
    }
    let date = AmzDate::from_system_time(params.time).ok_or(SigningError::InvalidTime)?;
    let headers = request.headers();
    let host = if headers.contains_key(HOST) {
        None
    } else {
        Some(uri_host(request.uri()).ok_or(SigningError::MissingHost)?)
    };
    let mut entries: Vec<Entry<'_>> = headers
        .iter()
        .filter(|(name, _)| !is_lowercase_replaced_or_unsigned(name.as_str()))
        .map(|(name, value)| Entry {
            name: name.as_str(),
            value: value.as_bytes(),
        })
        .collect();
    if let Some(host) = &host {
        entries.push(Entry {
            name: "host",
            value: host.as_bytes(),
        });
    }
    canonical::sort_entries(&mut entries);
    let mut signed_headers = String::new();
    canonical::push_signed_headers(&mut signed_headers, &entries);
    let scope = Scope {
        date: date.date(),
        region: params.region,
        service: params.service,
    };
    let mut credential = String::from(params.credentials.access_key_id());
    credential.push('/');
    scope.push_to(&mut credential);

    let mut query = Vec::with_capacity(256);
    let old_query = request.uri().query().unwrap_or("");
    query.extend_from_slice(old_query.as_bytes());
    let expiry = expires.as_secs().to_string();
    let mut added = vec![
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", credential.as_str()),
        ("X-Amz-Date", date.as_str()),
        ("X-Amz-Expires", expiry.as_str()),
        ("X-Amz-SignedHeaders", signed_headers.as_str()),
    ];
    if let Some(token) = params.credentials.session_token() {
        added.push(("X-Amz-Security-Token", token));
    }
    for (name, value) in added {
        if !query.is_empty() {
            query.push(b'&');
        }
        query.extend_from_slice(name.as_bytes());
        query.push(b'=');
        canonical::encode_component_into(&mut query, value.as_bytes());
    }
    let query = String::from_utf8(query).map_err(|_| SigningError::InvalidUri)?;
    let mode = PathMode::for_service(params.service);
    let body_hash;
    let payload: &[u8] = if mode == PathMode::AsIs {
        b"UNSIGNED-PAYLOAD"
    } else {
        body_hash = payload_hash(request.body());
        &body_hash
    };
    let target = Target {
        method: request.method().as_str(),
        path: request.uri().path(),
        query: &query,
        body: request.body(),
    };
    let signature = compute_signature(
        &target,
        &entries,
        &signed_headers,
        payload,
        params.credentials.secret_access_key(),
        &date,
        &scope,
        mode,
        None,
        None,
    );
    let path_and_query = format!(
        "{}?{query}&X-Amz-Signature={}",
        request.uri().path(),
        std::str::from_utf8(&signature).unwrap_or_default()
    );
    let mut parts = request.uri().clone().into_parts();
    parts.path_and_query = Some(
        http::uri::PathAndQuery::try_from(path_and_query).map_err(|_| SigningError::InvalidUri)?,
    );
    *request.uri_mut() = http::Uri::from_parts(parts).map_err(|_| SigningError::InvalidUri)?;
    Ok(())
}

/// Every stage of one signature, as text: what [`sign`] computes, kept for inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningParts {
    /// The canonical request (task 1 of the SigV4 documentation).
    pub canonical_request: String,
    /// The string to sign (task 2).
    pub string_to_sign: String,
    /// The signed header names, `;`-separated.
    pub signed_headers: String,
    /// The signature as 64 lowercase hex digits (task 3).
    pub signature: String,
    /// The `Authorization` header value [`sign`] would set.
    pub authorization: String,
}

/// A request given as plain parts, for requests an `http::Request` cannot hold (the SigV4 test
/// suite has a path with a raw space) and for callers that are not on `http`.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The method, e.g. `POST`.
    pub method: &'a str,
    /// The path exactly as sent on the wire, without the query.
    pub path: &'a str,
    /// The query string as sent, without `?` (empty when there is none).
    pub query: &'a str,
    /// Header names (any case) and values in sending order; must include `Host`.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub body: &'a [u8],
}

impl SigningParts {
    /// The stages of signing `request` as [`sign`] would, without changing it.
    pub fn for_request(
        request: &http::Request<Bytes>,
        params: &SigningParams<'_>,
    ) -> Result<SigningParts, SigningError> {
        let date = AmzDate::from_system_time(params.time).ok_or(SigningError::InvalidTime)?;
        let mut capture = Capture::default();
        let authorization = signature_of_http(request, params, &date, Some(&mut capture))?;
        Ok(capture.into_parts(authorization))
    }

    /// The stages of signing a request given as parts, with the same header selection, added
    /// headers and rules as [`sign`].
    pub fn for_parts(
        request: &SignableRequest<'_>,
        params: &SigningParams<'_>,
    ) -> Result<SigningParts, SigningError> {
        let date = AmzDate::from_system_time(params.time).ok_or(SigningError::InvalidTime)?;
        let token = params.credentials.session_token();
        let mut entries: Vec<Entry<'_>> = request
            .headers
            .iter()
            .filter(|(name, _)| !is_replaced_or_unsigned(name))
            .map(|(name, value)| Entry {
                name,
                value: value.as_bytes(),
            })
            .collect();
        if !entries.iter().any(|e| e.name.eq_ignore_ascii_case("host")) {
            return Err(SigningError::MissingHost);
        }
        push_added_entries(&mut entries, &date, token);
        let mut capture = Capture::default();
        let target = Target {
            method: request.method,
            path: request.path,
            query: request.query,
            body: request.body,
        };
        let authorization = authorize(&target, &mut entries, params, &date, Some(&mut capture));
        Ok(capture.into_parts(authorization))
    }
}

/// The text of each stage, filled in when a caller asks for it.
#[derive(Default)]
struct Capture {
    canonical_request: Vec<u8>,
    string_to_sign: Vec<u8>,
    signed_headers: String,
    signature: String,
}

impl Capture {
    fn into_parts(self, authorization: String) -> SigningParts {
        SigningParts {
            canonical_request: String::from_utf8_lossy(&self.canonical_request).into_owned(),
            string_to_sign: String::from_utf8_lossy(&self.string_to_sign).into_owned(),
            signed_headers: self.signed_headers,
            signature: self.signature,
            authorization,
        }
    }
}

/// The parts of a request that are not headers.
struct Target<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    body: &'a [u8],
}

/// Headers the signer sets itself (so any present value is replaced) or leaves unsigned.
fn is_replaced_or_unsigned(name: &str) -> bool {
    is_unsigned_header(name)
        || name.eq_ignore_ascii_case("x-amz-date")
        || name.eq_ignore_ascii_case("x-amz-security-token")
}

/// [`is_replaced_or_unsigned`] for a lowercase name.
fn is_lowercase_replaced_or_unsigned(name: &str) -> bool {
    is_lowercase_unsigned(name) || name == "x-amz-date" || name == "x-amz-security-token"
}

fn push_added_entries<'a>(entries: &mut Vec<Entry<'a>>, date: &'a AmzDate, token: Option<&'a str>) {
    entries.push(Entry {
        name: "x-amz-date",
        value: date.as_str().as_bytes(),
    });
    if let Some(token) = token {
        entries.push(Entry {
            name: "x-amz-security-token",
            value: token.as_bytes(),
        });
    }
}

/// The `Host` value of a URI: its host, with the port only when it is not the scheme's default.
pub(crate) fn uri_host(uri: &http::Uri) -> Option<Cow<'_, str>> {
    let host = uri.host()?;
    let default_port = match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => Some(443),
        Some(s) if s.eq_ignore_ascii_case("http") => Some(80),
        _ => None,
    };
    match uri.port_u16() {
        Some(port) if Some(port) != default_port => Some(Cow::Owned(format!("{host}:{port}"))),
        _ => Some(Cow::Borrowed(host)),
    }
}

/// Computes the `Authorization` value for an `http::Request` as [`sign`] would set it.
fn signature_of_http(
    request: &http::Request<Bytes>,
    params: &SigningParams<'_>,
    date: &AmzDate,
    capture: Option<&mut Capture>,
) -> Result<String, SigningError> {
    let headers = request.headers();
    let host = if headers.contains_key(HOST) {
        None
    } else {
        Some(uri_host(request.uri()).ok_or(SigningError::MissingHost)?)
    };
    let mut entries: Vec<Entry<'_>> = Vec::with_capacity(headers.len().saturating_add(3));
    entries.extend(
        headers
            .iter()
            .filter(|(name, _)| !is_lowercase_replaced_or_unsigned(name.as_str()))
            .map(|(name, value)| Entry {
                name: name.as_str(),
                value: value.as_bytes(),
            }),
    );
    if let Some(host) = &host {
        entries.push(Entry {
            name: "host",
            value: host.as_bytes(),
        });
    }
    push_added_entries(&mut entries, date, params.credentials.session_token());
    let target = Target {
        method: request.method().as_str(),
        path: request.uri().path(),
        query: request.uri().query().unwrap_or(""),
        body: request.body(),
    };
    Ok(authorize(&target, &mut entries, params, date, capture))
}

/// Signs the canonical form of `target` with `entries` as its signed headers and returns the
/// `Authorization` value.
fn authorize(
    target: &Target<'_>,
    entries: &mut [Entry<'_>],
    params: &SigningParams<'_>,
    date: &AmzDate,
    capture: Option<&mut Capture>,
) -> String {
    canonical::sort_entries(entries);
    let mut signed_headers = String::with_capacity(entries.len().saturating_mul(16));
    canonical::push_signed_headers(&mut signed_headers, entries);
    let scope = Scope {
        date: date.date(),
        region: params.region,
        service: params.service,
    };
    let payload = payload_hash(target.body);
    let mut capture = capture;
    if let Some(c) = capture.as_deref_mut() {
        c.signed_headers.clone_from(&signed_headers);
    }
    let signature = compute_signature(
        target,
        entries,
        &signed_headers,
        &payload,
        params.credentials.secret_access_key(),
        date,
        &scope,
        PathMode::for_service(params.service),
        None,
        capture,
    );
    let access_key_id = params.credentials.access_key_id();
    let capacity = [
        ALGORITHM.len(),
        access_key_id.len(),
        scope.len(),
        signed_headers.len(),
        signature.len(),
        40,
    ]
    .into_iter()
    .fold(0, usize::saturating_add);
    let mut out = String::with_capacity(capacity);
    out.push_str(ALGORITHM);
    out.push_str(" Credential=");
    out.push_str(access_key_id);
    out.push('/');
    scope.push_to(&mut out);
    out.push_str(", SignedHeaders=");
    out.push_str(&signed_headers);
    out.push_str(", Signature=");
    out.push_str(std::str::from_utf8(&signature).unwrap_or_default());
    out
}

/// The credential scope: `date/region/service/aws4_request`.
struct Scope<'a> {
    date: &'a str,
    region: &'a str,
    service: &'a str,
}

impl Scope<'_> {
    fn len(&self) -> usize {
        [self.date.len(), self.region.len(), self.service.len(), 15]
            .into_iter()
            .fold(0, usize::saturating_add)
    }

    fn push_to(&self, out: &mut String) {
        out.push_str(self.date);
        out.push('/');
        out.push_str(self.region);
        out.push('/');
        out.push_str(self.service);
        out.push_str("/aws4_request");
    }

    fn write<S: canonical::Sink + ?Sized>(&self, out: &mut S) {
        out.put(self.date.as_bytes());
        out.put(b"/");
        out.put(self.region.as_bytes());
        out.put(b"/");
        out.put(self.service.as_bytes());
        out.put(b"/aws4_request");
    }
}

/// The hex SHA-256 of a payload.
fn payload_hash(body: &[u8]) -> [u8; 64] {
    if body.is_empty() {
        *EMPTY_PAYLOAD_SHA256
    } else {
        canonical::hex32(&Sha256::hash(body))
    }
}

/// Writes the canonical request of `target` into SHA-256, then signs the string to sign with
/// the derived key, returning the hex signature. Query parameters named `skip_query` are left
/// out of the canonical query (a presigned URL's own `X-Amz-Signature`). When `capture` is
/// given, the canonical request, string to sign and signature are also kept as text.
#[allow(clippy::too_many_arguments)]
fn compute_signature(
    target: &Target<'_>,
    entries: &[Entry<'_>],
    signed_headers: &str,
    payload: &[u8],
    secret: &str,
    date: &AmzDate,
    scope: &Scope<'_>,
    mode: PathMode,
    skip_query: Option<&str>,
    mut capture: Option<&mut Capture>,
) -> [u8; 64] {
    let mut creq = Tee {
        hasher: Sha256::new(),
        copy: capture.as_deref_mut().map(|c| &mut c.canonical_request),
    };
    use canonical::Sink;
    creq.put(target.method.as_bytes());
    creq.put(b"\n");
    canonical::write_path(&mut creq, target.path, mode);
    creq.put(b"\n");
    canonical::write_query(&mut creq, target.query, skip_query);
    creq.put(b"\n");
    canonical::write_headers(&mut creq, entries);
    creq.put(b"\n");
    creq.put(signed_headers.as_bytes());
    creq.put(b"\n");
    creq.put(payload);
    let creq_hash = canonical::hex32(&creq.hasher.finalize());

    let mut mac = signing_mac(secret, scope.date, scope.region, scope.service);
    let mut sts = MacSink {
        mac: &mut mac,
        copy: capture.as_deref_mut().map(|c| &mut c.string_to_sign),
    };
    sts.put(ALGORITHM.as_bytes());
    sts.put(b"\n");
    sts.put(date.as_str().as_bytes());
    sts.put(b"\n");
    scope.write(&mut sts);
    sts.put(b"\n");
    sts.put(&creq_hash);
    let signature = canonical::hex32(&mac.finalize());
    if let Some(capture) = capture {
        capture.signature = String::from_utf8_lossy(&signature).into_owned();
    }
    signature
}

/// Feeds an HMAC and, when asked, keeps a copy of what it was fed.
struct MacSink<'a> {
    mac: &'a mut HmacSha256,
    copy: Option<&'a mut Vec<u8>>,
}

impl canonical::Sink for MacSink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.mac.update(bytes);
        if let Some(copy) = self.copy.as_deref_mut() {
            copy.extend_from_slice(bytes);
        }
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    HmacSha256::mac(data, key)
}

/// The SigV4 signing key of a secret for one day, region and service:
/// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
pub fn derive_signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let mut first = Vec::with_capacity(secret.len().saturating_add(4));
    first.extend_from_slice(b"AWS4");
    first.extend_from_slice(secret.as_bytes());
    let k_date = hmac(&first, date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// How many signing keys each thread keeps: enough for a server that sees a handful of keys
/// and for a client that signs for several regions or services.
const KEY_CACHE_SIZE: usize = 8;

/// A derived key, kept as the HMAC state already keyed with it so that each signature costs
/// only the HMAC of its string to sign.
struct CachedKey {
    secret: Box<str>,
    date: [u8; 8],
    region: Box<str>,
    service: Box<str>,
    mac: HmacSha256,
}

#[derive(Default)]
struct KeyCache {
    keys: Vec<CachedKey>,
    /// The slot the next new key replaces once the cache is full (oldest first).
    next: usize,
}

thread_local! {
    static SIGNING_KEYS: RefCell<KeyCache> = RefCell::new(KeyCache::default());
}

/// The HMAC keyed with the signing key of (secret, date, region, service), derived at most
/// once per thread while it stays among the recent keys.
fn signing_mac(secret: &str, date: &str, region: &str, service: &str) -> HmacSha256 {
    let derive = || HmacSha256::new(&derive_signing_key(secret, date, region, service));
    let date_bytes: [u8; 8] = match date.as_bytes().try_into() {
        Ok(d) => d,
        Err(_) => return derive(),
    };
    SIGNING_KEYS
        .try_with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(hit) = cache.keys.iter().find(|k| {
                k.date == date_bytes
                    && &*k.region == region
                    && &*k.service == service
                    && &*k.secret == secret
            }) {
                return hit.mac.clone();
            }
            let mac = derive();
            let entry = CachedKey {
                secret: secret.into(),
                date: date_bytes,
                region: region.into(),
                service: service.into(),
                mac: mac.clone(),
            };
            if cache.keys.len() < KEY_CACHE_SIZE {
                cache.keys.push(entry);
            } else {
                // `next` stays below `KEY_CACHE_SIZE`, the length of a full cache.
                let slot = cache.next;
                if let Some(old) = cache.keys.get_mut(slot) {
                    *old = entry;
                }
                cache.next = slot.saturating_add(1) % KEY_CACHE_SIZE;
            }
            mac
        })
        // The thread is shutting down and its cache is gone: derive without caching.
        .unwrap_or_else(|_| derive())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn suite_credentials() -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        )
    }

    fn suite_time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    fn params(credentials: &Credentials) -> SigningParams<'_> {
        SigningParams {
            credentials,
            region: "us-east-1",
            service: "service",
            time: suite_time(),
        }
    }

    #[test]
    fn derives_the_documented_signing_key() {
        // The example of the SigV4 documentation ("Derive a signing key").
        let key = derive_signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20120215",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            std::str::from_utf8(&canonical::hex32(&key)).unwrap(),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn long_keys_are_hashed_as_hmac_requires() {
        // RFC 4231 test case 6: a 131-byte key.
        let key = [0xaa_u8; 131];
        let tag = hmac(
            &key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            std::str::from_utf8(&canonical::hex32(&tag)).unwrap(),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn signs_the_suite_vanilla_request() {
        let credentials = suite_credentials();
        let mut request = http::Request::get("https://example.amazonaws.com/")
            .body(Bytes::new())
            .unwrap();
        sign(&mut request, &params(&credentials)).unwrap();
        assert_eq!(request.headers()["x-amz-date"], "20150830T123600Z");
        assert_eq!(
            request.headers()["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
        assert!(request.headers().get("x-amz-security-token").is_none());
    }

    #[test]
    fn host_comes_from_the_uri_without_its_default_port() {
        let credentials = suite_credentials();
        for (uri, host) in [
            (
                "https://example.amazonaws.com:443/",
                "example.amazonaws.com",
            ),
            ("http://example.amazonaws.com:80/", "example.amazonaws.com"),
            ("http://127.0.0.1:8080/", "127.0.0.1:8080"),
            ("https://[::1]:8443/", "[::1]:8443"),
        ] {
            let request = http::Request::post(uri).body(Bytes::new()).unwrap();
            let parts = SigningParts::for_request(&request, &params(&credentials)).unwrap();
            assert!(
                parts
                    .canonical_request
                    .contains(&format!("\nhost:{host}\n")),
                "{uri}: {}",
                parts.canonical_request
            );
        }
        let relative = http::Request::post("/").body(Bytes::new()).unwrap();
        assert_eq!(
            SigningParts::for_request(&relative, &params(&credentials)),
            Err(SigningError::MissingHost)
        );
    }

    #[test]
    fn a_host_header_wins_over_the_uri() {
        let credentials = suite_credentials();
        let request = http::Request::post("http://127.0.0.1:9000/")
            .header("host", "example.amazonaws.com")
            .body(Bytes::new())
            .unwrap();
        let parts = SigningParts::for_request(&request, &params(&credentials)).unwrap();
        assert!(parts
            .canonical_request
            .contains("\nhost:example.amazonaws.com\n"));
    }

    #[test]
    fn leaves_proxy_and_per_attempt_headers_unsigned() {
        let credentials = suite_credentials();
        let request = http::Request::post("https://cognito-identity.us-east-1.amazonaws.com/")
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                "AWSCognitoIdentityService.DescribeIdentityPool",
            )
            .header("user-agent", "test/1.0")
            .header("x-amz-user-agent", "test/1.0")
            .header("amz-sdk-invocation-id", "0f3a")
            .header("amz-sdk-request", "attempt=1; max=3")
            .header("x-amzn-trace-id", "Root=1")
            .header("expect", "100-continue")
            .header("authorization", "stale")
            .header("x-amz-date", "19990101T000000Z")
            .header("content-length", "2")
            .body(Bytes::from_static(b"{}"))
            .unwrap();
        let parts = SigningParts::for_request(&request, &params(&credentials)).unwrap();
        assert_eq!(
            parts.signed_headers,
            "content-length;content-type;host;x-amz-date;x-amz-target;x-amz-user-agent"
        );
        assert!(parts
            .canonical_request
            .contains("\nx-amz-date:20150830T123600Z\n"));
        assert!(parts
            .canonical_request
            .ends_with("\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
    }

    #[test]
    fn session_tokens_are_signed_and_replaced() {
        let temporary = Credentials::new(
            "ASIAEXAMPLE",
            "secret",
            Some("token-1".into()),
            None,
            "test",
        );
        let mut request = http::Request::post("https://example.amazonaws.com/")
            .header("x-amz-security-token", "old")
            .body(Bytes::new())
            .unwrap();
        sign(&mut request, &params(&temporary)).unwrap();
        assert_eq!(request.headers()["x-amz-security-token"], "token-1");
        let authorization = request.headers()["authorization"].to_str().unwrap();
        assert!(authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"));

        // Signing again with long-term keys drops the token instead of leaving it stale.
        let long_term = suite_credentials();
        sign(&mut request, &params(&long_term)).unwrap();
        assert!(request.headers().get("x-amz-security-token").is_none());
        assert_eq!(request.headers().get_all("authorization").iter().count(), 1);
    }

    #[test]
    fn refuses_what_a_header_cannot_carry() {
        let bad = Credentials::new("AKID", "secret", Some("line\nbreak".into()), None, "test");
        let mut request = http::Request::post("https://example.amazonaws.com/")
            .body(Bytes::new())
            .unwrap();
        assert_eq!(
            sign(&mut request, &params(&bad)),
            Err(SigningError::InvalidHeaderValue("session token"))
        );
        let credentials = suite_credentials();
        let mut p = params(&credentials);
        p.time = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(sign(&mut request, &p), Err(SigningError::InvalidTime));
        assert!(
            request.headers().is_empty(),
            "a failed signing changes nothing"
        );
    }

    #[test]
    fn cached_keys_sign_like_fresh_ones() {
        let credentials = suite_credentials();
        let request = http::Request::get("https://example.amazonaws.com/")
            .body(Bytes::new())
            .unwrap();
        let first = SigningParts::for_request(&request, &params(&credentials)).unwrap();
        // Fill the cache past its size with other scopes, then sign the first scope again.
        for i in 0..(KEY_CACHE_SIZE * 2) {
            let region = format!("region-{i}");
            let mut p = params(&credentials);
            p.region = &region;
            SigningParts::for_request(&request, &p).unwrap();
        }
        let again = SigningParts::for_request(&request, &params(&credentials)).unwrap();
        assert_eq!(first, again);
        let other = Credentials::new("AKIDEXAMPLE", "other", None, None, "test");
        let different = SigningParts::for_request(&request, &params(&other)).unwrap();
        assert_ne!(first.signature, different.signature);
    }
}
