//! Checking a SigV4-signed request on the server side, with the error codes and messages AWS
//! JSON services answer: `MissingAuthenticationTokenException` when nothing is signed,
//! `IncompleteSignatureException` for a malformed `Authorization`, `InvalidSignatureException`
//! for a wrong signature, scope or request time, and `UnrecognizedClientException` for an
//! unknown access key or a session token that does not belong to it.
//!
//! Verification recomputes the signature with the same canonicalisation as signing, from the
//! headers the request says it signed, and compares in constant time. It accepts the header
//! form and the query-string (presigned URL) form.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::HeaderMap;

use super::amz_date::AmzDate;
use super::canonical::{self, Entry, PathMode};
use super::{
    compute_signature, payload_hash, uri_host, Capture, Scope, SignableRequest, Target, ALGORITHM,
};
use crate::auth::credentials::Credentials;

/// How strict verification is.
#[derive(Debug, Clone, Copy)]
pub struct VerifyOptions {
    /// The server's current time.
    pub now: SystemTime,
    /// How far the request time may be from `now`, either way (AWS allows 5 minutes).
    pub max_skew: Duration,
}

impl VerifyOptions {
    /// AWS's allowance between the request time and the server's clock.
    pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(5 * 60);

    /// Options for a server whose clock reads `now`, with AWS's 5-minute allowance.
    pub fn at(now: SystemTime) -> VerifyOptions {
        VerifyOptions {
            now,
            max_skew: VerifyOptions::DEFAULT_MAX_SKEW,
        }
    }
}

/// What a valid signature proves about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedRequest {
    /// The access key that signed it.
    pub access_key_id: String,
    /// The region of its credential scope.
    pub region: String,
    /// The service (signing name) of its credential scope.
    pub service: String,
    /// The signing time it carries.
    pub time: SystemTime,
    /// The headers the signature covers, lowercase and sorted.
    pub signed_headers: Vec<String>,
    /// True when it was signed in the query string (a presigned URL).
    pub presigned: bool,
}

impl VerifiedRequest {
    /// Checks that the request was signed for this server's region and service, with the
    /// messages AWS gives when it was not.
    pub fn expect_scope(&self, region: &str, service: &str) -> Result<(), VerifyError> {
        if self.region != region {
            return Err(VerifyError::InvalidScope {
                message: format!(
                    "Credential should be scoped to a valid region, not '{}'. ",
                    self.region
                ),
            });
        }
        if self.service != service {
            return Err(VerifyError::InvalidScope {
                message: format!("Credential should be scoped to correct service: '{service}'. "),
            });
        }
        Ok(())
    }
}

/// Why a request's signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The request carries no `Authorization` header and no query-string signature.
    MissingAuthenticationToken,
    /// The `Authorization` header (or query-string signature) is malformed or incomplete.
    IncompleteSignature {
        /// AWS's description of what is missing or malformed.
        message: String,
    },
    /// The signature does not match the one computed from the request.
    SignatureMismatch {
        /// The canonical request the server computed.
        canonical_request: String,
        /// The string to sign the server computed.
        string_to_sign: String,
    },
    /// The request time is further from the server's clock than allowed, or a presigned URL
    /// has expired.
    SignatureExpired {
        /// AWS's description, with the times involved.
        message: String,
    },
    /// The credential scope does not fit the request (its date) or the server (region or
    /// service).
    InvalidScope {
        /// AWS's description of the mismatch.
        message: String,
    },
    /// The access key is unknown, or the session token is missing, wrong or not expected.
    UnrecognizedClient,
}

impl VerifyError {
    /// The error code AWS answers with (the `__type` of an awsJson error).
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            VerifyError::IncompleteSignature { .. } => "IncompleteSignatureException",
            VerifyError::SignatureMismatch { .. }
            | VerifyError::SignatureExpired { .. }
            | VerifyError::InvalidScope { .. } => "InvalidSignatureException",
            VerifyError::UnrecognizedClient => "UnrecognizedClientException",
        }
    }

    /// The message AWS answers with.
    pub fn message(&self) -> String {
        match self {
            VerifyError::MissingAuthenticationToken => "Missing Authentication Token".to_owned(),
            VerifyError::IncompleteSignature { message }
            | VerifyError::SignatureExpired { message }
            | VerifyError::InvalidScope { message } => message.clone(),
            VerifyError::SignatureMismatch {
                canonical_request,
                string_to_sign,
            } => format!(
                "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method. Consult the service \
                 documentation for details.\n\nThe Canonical String for this request should \
                 have been\n'{canonical_request}'\n\nThe String-to-Sign should have been\n\
                 '{string_to_sign}'\n"
            ),
            VerifyError::UnrecognizedClient => {
                "The security token included in the request is invalid.".to_owned()
            }
        }
    }

    /// The HTTP status AWS JSON services answer with: 400 for every signature error.
    pub fn status(&self) -> u16 {
        400
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for VerifyError {}

/// Checks the SigV4 signature of `request`. `lookup` maps an access key id to its credentials
/// (`None` for an unknown key); when those carry a session token, the request must carry the
/// same one. The body must be the bytes as received (still compressed, if it was sent so).
pub fn verify(
    request: &http::Request<Bytes>,
    lookup: &dyn Fn(&str) -> Option<Credentials>,
    options: &VerifyOptions,
) -> Result<VerifiedRequest, VerifyError> {
    let incoming = Incoming {
        headers: Headers::Http(request.headers()),
        target: Target {
            method: request.method().as_str(),
            path: request.uri().path(),
            query: request.uri().query().unwrap_or(""),
            body: request.body(),
        },
        uri_host: uri_host(request.uri()),
    };
    incoming.verify(lookup, options)
}

/// [`verify`] for a request given as parts (see [`SignableRequest`]).
pub fn verify_parts(
    request: &SignableRequest<'_>,
    lookup: &dyn Fn(&str) -> Option<Credentials>,
    options: &VerifyOptions,
) -> Result<VerifiedRequest, VerifyError> {
    let incoming = Incoming {
        headers: Headers::Parts(request.headers),
        target: Target {
            method: request.method,
            path: request.path,
            query: request.query,
            body: request.body,
        },
        uri_host: None,
    };
    incoming.verify(lookup, options)
}

/// The headers of an incoming request, in either representation.
enum Headers<'a> {
    Http(&'a HeaderMap),
    Parts(&'a [(&'a str, &'a str)]),
}

impl<'a> Headers<'a> {
    /// The values of `name`, in order.
    fn each(&self, name: &str, mut f: impl FnMut(&'a [u8])) {
        match self {
            Headers::Http(map) => map.get_all(name).iter().for_each(|v| f(v.as_bytes())),
            Headers::Parts(list) => list
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .for_each(|(_, v)| f(v.as_bytes())),
        }
    }

    fn first(&self, name: &str) -> Option<&'a [u8]> {
        let mut first = None;
        self.each(name, |v| {
            first.get_or_insert(v);
        });
        first
    }

    fn count(&self, name: &str) -> usize {
        let mut n = 0_usize;
        // One per header value held in memory, so this never saturates.
        self.each(name, |_| n = n.saturating_add(1));
        n
    }
}

struct Incoming<'a> {
    headers: Headers<'a>,
    target: Target<'a>,
    uri_host: Option<Cow<'a, str>>,
}

/// The signature fields of a request, from its `Authorization` header or its query string.
struct Claim<'s> {
    credential: &'s str,
    signed_headers: &'s str,
    signature: &'s str,
    date: AmzDate,
    /// The header the date came from (`x-amz-date` or `date`); none for a presigned URL.
    date_header: Option<&'static str>,
    /// How long a presigned URL stays valid.
    expires: Option<Duration>,
    session_token: Option<Cow<'s, str>>,
    presigned: bool,
}

fn incomplete(message: impl Into<String>) -> VerifyError {
    VerifyError::IncompleteSignature {
        message: message.into(),
    }
}

/// Formats `seconds` since the epoch in the `X-Amz-Date` form, as AWS messages show times.
fn amz(seconds: u64) -> String {
    AmzDate::from_seconds(seconds)
        .map(|d| d.as_str().to_owned())
        .unwrap_or_else(|| seconds.to_string())
}

/// A duration as AWS messages show the allowed skew: `5 min.` (or seconds when not whole).
fn span(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 60, s % 60) {
        (minutes, 0) => format!("{minutes} min."),
        _ => format!("{s} sec."),
    }
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl<'a> Incoming<'a> {
    fn verify(
        &self,
        lookup: &dyn Fn(&str) -> Option<Credentials>,
        options: &VerifyOptions,
    ) -> Result<VerifiedRequest, VerifyError> {
        let query_claim;
        let claim = match self.headers.count("authorization") {
            0 => {
                let query = self.target.query;
                if canonical::query_param(query, "X-Amz-Algorithm").is_none()
                    && canonical::query_param(query, "X-Amz-Signature").is_none()
                {
                    return Err(VerifyError::MissingAuthenticationToken);
                }
                query_claim = QueryClaim::read(query)?;
                query_claim.claim()?
            }
            1 => self.header_claim()?,
            _ => return Err(incomplete("Only one Authorization header may be present.")),
        };
        self.check(&claim, lookup, options)
    }

    /// The claim of the `Authorization` header, with AWS's messages for what is missing.
    fn header_claim(&self) -> Result<Claim<'a>, VerifyError> {
        let raw = self.headers.first("authorization").unwrap_or_default();
        let value = std::str::from_utf8(raw)
            .map_err(|_| incomplete("The Authorization header is not valid UTF-8."))?;
        let amz_date = self.headers.first("x-amz-date");
        let http_date = self.headers.first("date");

        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        if let Some(rest) = value
            .strip_prefix(ALGORITHM)
            .filter(|r| r.is_empty() || r.starts_with([' ', '\t']))
        {
            for component in rest.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                let Some((key, val)) = component.split_once('=') else {
                    return Err(incomplete(format!(
                        "'{component}' not a valid key=value pair (missing equal-sign) in \
                         Authorization header: '{value}'."
                    )));
                };
                match key {
                    "Credential" => credential = Some(val),
                    "SignedHeaders" => signed_headers = Some(val),
                    "Signature" => signature = Some(val),
                    _ => {}
                }
            }
        }
        let mut missing = String::new();
        for (name, field) in [
            ("Credential", credential),
            ("Signature", signature),
            ("SignedHeaders", signed_headers),
        ] {
            if field.is_none() {
                missing.push_str(&format!(
                    "Authorization header requires '{name}' parameter. "
                ));
            }
        }
        if amz_date.is_none() && http_date.is_none() {
            missing.push_str(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' \
                 header. ",
            );
        }
        let (Some(credential), Some(signed_headers), Some(signature)) =
            (credential, signed_headers, signature)
        else {
            return Err(incomplete(format!("{missing}Authorization={value}")));
        };
        if !missing.is_empty() {
            return Err(incomplete(format!("{missing}Authorization={value}")));
        }

        let (date, date_header) = match (amz_date, http_date) {
            (Some(raw), _) => (parse_amz_date(raw)?, "x-amz-date"),
            (None, Some(raw)) => {
                let text = String::from_utf8_lossy(raw);
                let date = AmzDate::parse_http_date(&text).ok_or_else(|| {
                    incomplete(format!(
                        "Date must be an RFC 9110 IMF-fixdate, e.g. 'Sun, 30 Aug 2015 12:36:00 \
                         GMT'. Got '{text}'."
                    ))
                })?;
                (date, "date")
            }
            (None, None) => return Err(incomplete(format!("{missing}Authorization={value}"))),
        };
        let session_token = self
            .headers
            .first("x-amz-security-token")
            .map(String::from_utf8_lossy);
        Ok(Claim {
            credential,
            signed_headers,
            signature,
            date,
            date_header: Some(date_header),
            expires: None,
            session_token,
            presigned: false,
        })
    }

    /// Checks a claim: scope, time, key, token, then the signature itself.
    fn check(
        &self,
        claim: &Claim<'_>,
        lookup: &dyn Fn(&str) -> Option<Credentials>,
        options: &VerifyOptions,
    ) -> Result<VerifiedRequest, VerifyError> {
        let mut parts = claim.credential.split('/');
        let (
            Some(access_key_id),
            Some(scope_date),
            Some(region),
            Some(service),
            Some(terminator),
            None,
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return Err(incomplete(format!(
                "Credential '{}' should be of the form \
                 '<AccessKeyId>/<YYYYMMDD>/<Region>/<Service>/aws4_request'.",
                claim.credential
            )));
        };
        if terminator != "aws4_request" {
            return Err(incomplete(format!(
                "Credential should be scoped with a valid terminator: 'aws4_request', not \
                 '{terminator}'. "
            )));
        }
        if access_key_id.is_empty() || region.is_empty() || service.is_empty() {
            return Err(incomplete(format!(
                "Credential '{}' names no access key, region or service.",
                claim.credential
            )));
        }
        if scope_date != claim.date.date() {
            return Err(VerifyError::InvalidScope {
                message: format!(
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of \
                     date from HTTP: '{scope_date}' != '{}', from '{}'.",
                    claim.date.date(),
                    claim.date.as_str()
                ),
            });
        }
        check_time(claim, options)?;

        let mut signed: Vec<&str> = claim
            .signed_headers
            .split(';')
            .filter(|h| !h.is_empty())
            .collect();
        signed.sort_unstable_by(|a, b| {
            a.bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
        });
        signed.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        let is_signed = |name: &str| signed.iter().any(|h| h.eq_ignore_ascii_case(name));
        if !is_signed("host") {
            return Err(incomplete(
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
            ));
        }
        if let Some(header) = claim.date_header {
            if !is_signed(header) {
                let shown = if header == "date" {
                    "Date"
                } else {
                    "X-Amz-Date"
                };
                return Err(incomplete(format!(
                    "'{shown}' must be a 'SignedHeader' in the AWS Authorization."
                )));
            }
        }

        let credentials = lookup(access_key_id).ok_or(VerifyError::UnrecognizedClient)?;
        // The token is a credential too, so it is compared in constant time.
        let token_matches = match (credentials.session_token(), claim.session_token.as_deref()) {
            (None, None) => true,
            (Some(expected), Some(given)) => {
                constant_time_eq(expected.as_bytes(), given.as_bytes())
            }
            _ => false,
        };
        if !token_matches {
            return Err(VerifyError::UnrecognizedClient);
        }

        let mut entries: Vec<Entry<'_>> = Vec::with_capacity(signed.len().saturating_add(1));
        for &name in &signed {
            let before = entries.len();
            self.headers
                .each(name, |value| entries.push(Entry { name, value }));
            if entries.len() == before {
                // HTTP/2 carries the host as the `:authority` pseudo-header, which `http` keeps
                // in the URI; a signed header that is absent is signed as empty.
                let value = if name.eq_ignore_ascii_case("host") {
                    self.uri_host.as_deref().unwrap_or("").as_bytes()
                } else {
                    b""
                };
                entries.push(Entry { name, value });
            }
        }
        let mut signed_list = String::with_capacity(claim.signed_headers.len());
        canonical::push_signed_headers(&mut signed_list, &entries);
        let mode = PathMode::for_service(service);
        // A presigned S3 URL signs no payload; every other request signs its body's hash.
        let body_hash;
        let payload: &[u8] = if claim.presigned && mode == PathMode::AsIs {
            b"UNSIGNED-PAYLOAD"
        } else {
            body_hash = payload_hash(self.target.body);
            &body_hash
        };
        let scope = Scope {
            date: scope_date,
            region,
            service,
        };
        let skip = claim.presigned.then_some("X-Amz-Signature");
        let compute = |capture: Option<&mut Capture>| {
            compute_signature(
                &self.target,
                &entries,
                &signed_list,
                payload,
                credentials.secret_access_key(),
                &claim.date,
                &scope,
                mode,
                skip,
                capture,
            )
        };
        let expected = compute(None);
        if !constant_time_eq(&expected, claim.signature.as_bytes()) {
            let mut capture = Capture::default();
            compute(Some(&mut capture));
            return Err(VerifyError::SignatureMismatch {
                canonical_request: String::from_utf8_lossy(&capture.canonical_request).into_owned(),
                string_to_sign: String::from_utf8_lossy(&capture.string_to_sign).into_owned(),
            });
        }
        Ok(VerifiedRequest {
            access_key_id: access_key_id.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            time: claim.date.system_time(),
            signed_headers: signed.iter().map(|h| h.to_ascii_lowercase()).collect(),
            presigned: claim.presigned,
        })
    }
}

fn parse_amz_date(raw: &[u8]) -> Result<AmzDate, VerifyError> {
    let text = String::from_utf8_lossy(raw);
    AmzDate::parse(&text).ok_or_else(|| {
        incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{text}'. See \
             http://en.wikipedia.org/wiki/ISO_8601"
        ))
    })
}

/// Rejects a request time outside the allowed skew, or a presigned URL past its expiry.
fn check_time(claim: &Claim<'_>, options: &VerifyOptions) -> Result<(), VerifyError> {
    let now = options
        .now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let skew = options.max_skew.as_secs();
    let time = claim.date.seconds();
    let late_limit = match claim.expires {
        Some(expires) => expires.as_secs(),
        None => skew,
    };
    if time.saturating_add(late_limit) < now {
        let message = match claim.expires {
            Some(expires) => format!(
                "Signature expired: {} is now earlier than {} ({} - {}).",
                amz(time),
                amz(now.saturating_sub(expires.as_secs())),
                amz(now),
                span(expires)
            ),
            None => format!(
                "Signature expired: {} is now earlier than {} ({} - {})",
                amz(time),
                amz(now.saturating_sub(skew)),
                amz(now),
                span(options.max_skew)
            ),
        };
        return Err(VerifyError::SignatureExpired { message });
    }
    if time > now.saturating_add(skew) {
        return Err(VerifyError::SignatureExpired {
            message: format!(
                "Signature not yet current: {} is still later than {} ({} + {})",
                amz(time),
                amz(now.saturating_add(skew)),
                amz(now),
                span(options.max_skew)
            ),
        });
    }
    Ok(())
}

/// The signature parameters of a presigned URL, decoded from its query string.
struct QueryClaim {
    credential: String,
    signed_headers: String,
    signature: String,
    date: AmzDate,
    expires: Option<Duration>,
    session_token: Option<String>,
}

/// The longest validity AWS allows a presigned URL: seven days.
const MAX_EXPIRES: u64 = 7 * 24 * 3600;

impl QueryClaim {
    fn read(query: &str) -> Result<QueryClaim, VerifyError> {
        let get = |name| canonical::query_param(query, name);
        let required = "Query-string authentication version 4 requires the X-Amz-Algorithm, \
                        X-Amz-Credential, X-Amz-Signature, X-Amz-Date and X-Amz-SignedHeaders \
                        parameters.";
        let (Some(algorithm), Some(credential), Some(signature), Some(date), Some(signed_headers)) = (
            get("X-Amz-Algorithm"),
            get("X-Amz-Credential"),
            get("X-Amz-Signature"),
            get("X-Amz-Date"),
            get("X-Amz-SignedHeaders"),
        ) else {
            return Err(incomplete(required));
        };
        if algorithm != ALGORITHM {
            return Err(incomplete(format!(
                "X-Amz-Algorithm only supports '{ALGORITHM}', not '{algorithm}'."
            )));
        }
        let date = parse_amz_date(date.as_bytes())?;
        let expires = match get("X-Amz-Expires") {
            None => None,
            Some(text) => match text.parse::<u64>() {
                Ok(seconds) if seconds <= MAX_EXPIRES => Some(Duration::from_secs(seconds)),
                _ => {
                    return Err(incomplete(format!(
                        "X-Amz-Expires must be a whole number of seconds from 0 to \
                         {MAX_EXPIRES}, not '{text}'."
                    )))
                }
            },
        };
        Ok(QueryClaim {
            credential,
            signed_headers,
            signature,
            date,
            expires,
            session_token: get("X-Amz-Security-Token"),
        })
    }

    fn claim(&self) -> Result<Claim<'_>, VerifyError> {
        Ok(Claim {
            credential: &self.credential,
            signed_headers: &self.signed_headers,
            signature: &self.signature,
            date: self.date,
            date_header: None,
            expires: self.expires,
            session_token: self.session_token.as_deref().map(Cow::Borrowed),
            presigned: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn suite_time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    fn lookup(key: &str) -> Option<Credentials> {
        (key == "AKIDEXAMPLE").then(|| Credentials::new(key, SECRET, None, None, "test"))
    }

    /// Signs `headers` (which must be sorted) by hand, with the date taken from a `Date`
    /// header, as a client that does not send `X-Amz-Date` would.
    fn signed_with_date_header(date: &str) -> String {
        let entries = [
            Entry {
                name: "date",
                value: date.as_bytes(),
            },
            Entry {
                name: "host",
                value: b"example.amazonaws.com",
            },
        ];
        let target = Target {
            method: "GET",
            path: "/",
            query: "",
            body: b"",
        };
        let amz = AmzDate::from_system_time(suite_time()).unwrap();
        let scope = Scope {
            date: amz.date(),
            region: "us-east-1",
            service: "service",
        };
        let signature = compute_signature(
            &target,
            &entries,
            "date;host",
            &payload_hash(b""),
            SECRET,
            &amz,
            &scope,
            PathMode::NormalizeAndDoubleEncode,
            None,
            None,
        );
        format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=date;host, Signature={}",
            std::str::from_utf8(&signature).unwrap()
        )
    }

    #[test]
    fn accepts_the_http_date_header_when_x_amz_date_is_absent() {
        let date = "Sun, 30 Aug 2015 12:36:00 GMT";
        let authorization = signed_with_date_header(date);
        let headers = [
            ("Host", "example.amazonaws.com"),
            ("Date", date),
            ("Authorization", authorization.as_str()),
        ];
        let request = SignableRequest {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
        };
        let verified = verify_parts(&request, &lookup, &VerifyOptions::at(suite_time())).unwrap();
        assert_eq!(verified.time, suite_time());
        assert_eq!(verified.signed_headers, ["date", "host"]);

        let bad = [
            ("Host", "example.amazonaws.com"),
            ("Date", "30 Aug 2015"),
            ("Authorization", authorization.as_str()),
        ];
        let request = SignableRequest {
            headers: &bad,
            ..request
        };
        let e = verify_parts(&request, &lookup, &VerifyOptions::at(suite_time())).unwrap_err();
        assert_eq!(e.code(), "IncompleteSignatureException");
    }

    #[test]
    fn errors_display_code_and_message() {
        let e = VerifyError::UnrecognizedClient;
        assert_eq!(
            e.to_string(),
            "UnrecognizedClientException: The security token included in the request is invalid."
        );
        assert_eq!(VerifyError::MissingAuthenticationToken.status(), 400);
    }

    #[test]
    fn skew_is_shown_in_minutes_or_seconds() {
        assert_eq!(span(Duration::from_secs(300)), "5 min.");
        assert_eq!(span(Duration::from_secs(90)), "90 sec.");
    }

    #[test]
    fn compares_in_full() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
