//! SigV4 signing and verification against the AWS SigV4 test suite, vendored in `sigv4/`
//! (Apache-2.0, see its LICENSE and NOTICE), and verification's answers to bad requests.
//!
//! Every case directory, nested ones included, is read and its raw `.req` parsed here: the
//! canonical request (`.creq`), string to sign (`.sts`) and `Authorization` (`.authz`) must
//! match for every case, including the four botocore skips (a request line with a raw space
//! and repeated query keys). Each case is signed through the parts API (which can hold the raw
//! space) and, wherever `http` can represent the request, through `sign` on an
//! `http::Request` too. The signed requests (`.sreq`) must verify.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_json_runtime::auth::credentials::Credentials;
use aws_json_runtime::auth::sigv4::{
    self, SignableRequest, SigningParams, SigningParts, VerifyError, VerifyOptions,
};
use bytes::Bytes;

/// How many cases the vendored suite holds; a missing or unreadable directory fails the run.
const SUITE_CASES: usize = 34;

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const SERVICE: &str = "service";

/// 2015-08-30T12:36:00Z, the suite's signing time.
fn suite_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sigv4")
}

/// A raw HTTP/1.1 request as the suite writes it.
#[derive(Debug, Clone)]
struct RawRequest {
    method: String,
    /// The request target exactly as written (it may hold a raw space or UTF-8).
    target: String,
    /// Header names as written; a folded value keeps its line breaks.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawRequest {
    /// Parses the suite's request text (after `\r` is stripped). The request line's target
    /// is everything between the first and the last space, so a raw space survives.
    fn parse(text: &str) -> Result<RawRequest, String> {
        let text = text.replace('\r', "");
        let (head, body) = match text.split_once("\n\n") {
            Some((head, body)) => (head, body),
            None => (text.as_str(), ""),
        };
        let mut lines = head.split('\n');
        let request_line = lines.next().ok_or("empty request")?;
        let (method, rest) = request_line
            .split_once(' ')
            .ok_or_else(|| format!("no method in {request_line:?}"))?;
        let (target, version) = rest
            .rsplit_once(' ')
            .ok_or_else(|| format!("no HTTP version in {request_line:?}"))?;
        if !version.starts_with("HTTP/") {
            return Err(format!("bad request line {request_line:?}"));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines.filter(|l| !l.is_empty()) {
            if line.starts_with([' ', '\t']) {
                // An obsolete line folding: the line continues the previous header's value.
                let last = headers
                    .last_mut()
                    .ok_or_else(|| format!("continuation line before any header: {line:?}"))?;
                last.1.push('\n');
                last.1.push_str(line);
                continue;
            }
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("header line without ':': {line:?}"))?;
            headers.push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
        }
        Ok(RawRequest {
            method: method.to_owned(),
            target: target.to_owned(),
            headers,
            body: body.as_bytes().to_vec(),
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn header_pairs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    fn path_and_query(&self) -> (&str, &str) {
        self.target.split_once('?').unwrap_or((&self.target, ""))
    }

    /// The request as an `http::Request`, with folded values unfolded as an HTTP parser does;
    /// `None` when `http` cannot hold it (a raw space in the path).
    fn to_http(&self) -> Option<http::Request<Bytes>> {
        let mut builder = http::Request::builder()
            .method(self.method.as_str())
            .uri(self.target.as_str());
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.replace('\n', " "));
        }
        builder.body(Bytes::from(self.body.clone())).ok()
    }
}

/// One suite case: its path relative to the suite and its files.
struct Case {
    name: String,
    request: RawRequest,
    canonical_request: String,
    string_to_sign: String,
    authorization: String,
    signed_request: RawRequest,
}

impl Case {
    /// The session token the case signs with: the `x-amz-security-token` of its canonical
    /// request (the suite's convention).
    fn session_token(&self) -> Option<String> {
        self.canonical_request
            .lines()
            .find_map(|l| l.strip_prefix("x-amz-security-token:"))
            .map(str::to_owned)
    }

    fn credentials(&self) -> Credentials {
        Credentials::new(ACCESS_KEY, SECRET, self.session_token(), None, "suite")
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map(|t| t.replace('\r', ""))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Every directory under `dir` holding a `<dir name>.req` is a case.
fn collect_cases(dir: &Path, root: &Path, out: &mut Vec<Case>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .map(|e| e.map(|e| e.path()).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    let stem = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("unreadable directory name {}", dir.display()))?;
    let file = |ext: &str| dir.join(format!("{stem}.{ext}"));
    if file("req").exists() {
        let name = dir
            .strip_prefix(root)
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .replace('\\', "/");
        out.push(Case {
            request: RawRequest::parse(&read(&file("req"))?)
                .map_err(|e| format!("{name}.req: {e}"))?,
            canonical_request: read(&file("creq"))?,
            string_to_sign: read(&file("sts"))?,
            authorization: read(&file("authz"))?.trim_end().to_owned(),
            signed_request: RawRequest::parse(&read(&file("sreq"))?)
                .map_err(|e| format!("{name}.sreq: {e}"))?,
            name,
        });
    }
    for entry in entries.iter().filter(|p| p.is_dir()) {
        collect_cases(entry, root, out)?;
    }
    Ok(())
}

fn cases() -> Vec<Case> {
    let root = suite_dir();
    let mut cases = Vec::new();
    if let Err(e) = collect_cases(&root, &root, &mut cases) {
        panic!("reading the SigV4 suite: {e}");
    }
    assert_eq!(
        cases.len(),
        SUITE_CASES,
        "expected {SUITE_CASES} cases under {}, found {}",
        root.display(),
        cases.len()
    );
    cases
}

fn params(credentials: &Credentials) -> SigningParams<'_> {
    SigningParams {
        credentials,
        region: REGION,
        service: SERVICE,
        time: suite_time(),
    }
}

#[test]
fn every_suite_case_signs_as_published() {
    let mut failures = Vec::new();
    let mut not_http = BTreeSet::new();
    let mut checked = 0;
    for case in cases() {
        let credentials = case.credentials();
        let params = params(&credentials);
        let (path, query) = case.request.path_and_query();
        let headers = case.request.header_pairs();
        let request = SignableRequest {
            method: &case.request.method,
            path,
            query,
            headers: &headers,
            body: &case.request.body,
        };
        let parts = match SigningParts::for_parts(&request, &params) {
            Ok(parts) => parts,
            Err(e) => {
                failures.push(format!("{}: cannot sign: {e}", case.name));
                continue;
            }
        };
        for (stage, got, want) in [
            (
                "canonical request",
                &parts.canonical_request,
                &case.canonical_request,
            ),
            (
                "string to sign",
                &parts.string_to_sign,
                &case.string_to_sign,
            ),
            ("authorization", &parts.authorization, &case.authorization),
        ] {
            if got != want {
                failures.push(format!(
                    "{}: {stage} differs\n--- got\n{got}\n--- want\n{want}",
                    case.name
                ));
            }
        }
        checked += 1;

        let Some(mut http_request) = case.request.to_http() else {
            not_http.insert(case.name.clone());
            continue;
        };
        match SigningParts::for_request(&http_request, &params) {
            Ok(http_parts) if http_parts == parts => {}
            Ok(http_parts) => failures.push(format!(
                "{}: signing the http::Request differs from signing the parts:\n{}\n---\n{}",
                case.name, http_parts.canonical_request, parts.canonical_request
            )),
            Err(e) => failures.push(format!("{}: http: {e}", case.name)),
        }
        match sigv4::sign(&mut http_request, &params) {
            Ok(()) => {
                let got = http_request.headers().get("authorization");
                if got.map(|v| v.as_bytes()) != Some(case.authorization.as_bytes()) {
                    failures.push(format!("{}: sign set Authorization {got:?}", case.name));
                }
            }
            Err(e) => failures.push(format!("{}: sign: {e}", case.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(checked, SUITE_CASES);
    // Only the raw space of `get-space` is beyond `http::Uri`; every other case also went
    // through `sign` itself.
    assert_eq!(
        not_http,
        BTreeSet::from(["normalize-path/get-space".to_owned()])
    );
}

/// The credentials lookup of the suite's signed requests: the suite key, with the session
/// token the request carries (`post-sts-header-after` adds one without signing it).
fn suite_lookup(token: Option<String>) -> impl Fn(&str) -> Option<Credentials> {
    move |key: &str| {
        (key == ACCESS_KEY)
            .then(|| Credentials::new(ACCESS_KEY, SECRET, token.clone(), None, "suite"))
    }
}

fn verify_raw(
    request: &RawRequest,
    lookup: &dyn Fn(&str) -> Option<Credentials>,
    options: &VerifyOptions,
) -> Result<sigv4::VerifiedRequest, VerifyError> {
    let (path, query) = request.path_and_query();
    let headers = request.header_pairs();
    sigv4::verify_parts(
        &SignableRequest {
            method: &request.method,
            path,
            query,
            headers: &headers,
            body: &request.body,
        },
        lookup,
        options,
    )
}

#[test]
fn every_suite_signed_request_verifies() {
    let options = VerifyOptions::at(suite_time());
    let mut failures = Vec::new();
    let mut inconsistent = BTreeSet::new();
    for case in cases() {
        let signed = &case.signed_request;
        let token = signed.header("x-amz-security-token").map(str::to_owned);
        let lookup = suite_lookup(token);
        // The suite's `get-vanilla-with-session-token.sreq` carries the signature of
        // `get-vanilla`, not the one in its `.authz`: verification must refuse it, and accept
        // the same request with the published `.authz`.
        let mut request = signed.clone();
        if signed.header("authorization") != Some(case.authorization.as_str()) {
            inconsistent.insert(case.name.clone());
            match verify_raw(signed, &lookup, &options) {
                Err(VerifyError::SignatureMismatch { .. }) => {}
                other => failures.push(format!("{}: inconsistent .sreq gave {other:?}", case.name)),
            }
            for header in request.headers.iter_mut() {
                if header.0.eq_ignore_ascii_case("authorization") {
                    header.1 = case.authorization.clone();
                }
            }
        }
        match verify_raw(&request, &lookup, &options) {
            Ok(verified) => {
                if (
                    verified.access_key_id.as_str(),
                    verified.region.as_str(),
                    verified.service.as_str(),
                ) != (ACCESS_KEY, REGION, SERVICE)
                    || verified.time != suite_time()
                    || verified.presigned
                {
                    failures.push(format!("{}: verified as {verified:?}", case.name));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", case.name)),
        }
        if let Some(http_request) = request.to_http() {
            if let Err(e) = sigv4::verify(&http_request, &lookup, &options) {
                failures.push(format!("{}: as http::Request: {e}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(
        inconsistent,
        BTreeSet::from(["get-vanilla-with-session-token".to_owned()])
    );
}

/// The suite's form-encoded POST (a body, a content type) as an `http::Request`.
fn suite_post() -> (http::Request<Bytes>, impl Fn(&str) -> Option<Credentials>) {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "post-x-www-form-urlencoded")
        .expect("the suite has post-x-www-form-urlencoded");
    let request = case.signed_request.to_http().expect("representable");
    (request, suite_lookup(None))
}

fn expect_err(
    request: &http::Request<Bytes>,
    lookup: &dyn Fn(&str) -> Option<Credentials>,
    options: &VerifyOptions,
) -> VerifyError {
    match sigv4::verify(request, lookup, options) {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e,
    }
}

#[test]
fn verification_rejects_tampering() {
    let options = VerifyOptions::at(suite_time());
    let (request, lookup) = suite_post();
    assert!(sigv4::verify(&request, &lookup, &options).is_ok());

    let mut body = request.clone();
    *body.body_mut() = Bytes::from_static(b"Param1=value2");
    let e = expect_err(&body, &lookup, &options);
    let VerifyError::SignatureMismatch {
        canonical_request,
        string_to_sign,
    } = &e
    else {
        panic!("{e:?}");
    };
    assert!(canonical_request.starts_with("POST\n/\n\ncontent-type:"));
    assert!(string_to_sign.starts_with("AWS4-HMAC-SHA256\n20150830T123600Z\n"));
    assert_eq!(e.code(), "InvalidSignatureException");
    assert_eq!(e.status(), 400);
    assert!(e.message().starts_with(
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method. Consult the service \
         documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n"
    ));

    let mut header = request.clone();
    header
        .headers_mut()
        .insert("content-type", "text/plain".parse().unwrap());
    assert!(matches!(
        expect_err(&header, &lookup, &options),
        VerifyError::SignatureMismatch { .. }
    ));

    // A header the signature does not cover may change freely.
    let mut unsigned = request.clone();
    unsigned
        .headers_mut()
        .insert("user-agent", "changed/1.0".parse().unwrap());
    assert!(sigv4::verify(&unsigned, &lookup, &options).is_ok());

    let mut method = request.clone();
    *method.method_mut() = http::Method::PUT;
    assert!(matches!(
        expect_err(&method, &lookup, &options),
        VerifyError::SignatureMismatch { .. }
    ));

    let mut signature = request.clone();
    let authorization = request.headers()["authorization"].to_str().unwrap();
    let flipped = authorization.replace("Signature=ff", "Signature=fe");
    assert_ne!(flipped, authorization);
    signature
        .headers_mut()
        .insert("authorization", flipped.parse().unwrap());
    assert!(matches!(
        expect_err(&signature, &lookup, &options),
        VerifyError::SignatureMismatch { .. }
    ));

    let wrong_secret = |key: &str| {
        (key == ACCESS_KEY).then(|| Credentials::new(ACCESS_KEY, "not-the-secret", None, None, "t"))
    };
    assert!(matches!(
        expect_err(&request, &wrong_secret, &options),
        VerifyError::SignatureMismatch { .. }
    ));
}

#[test]
fn verification_rejects_unknown_keys_and_wrong_tokens() {
    let options = VerifyOptions::at(suite_time());
    let (request, _) = suite_post();
    let nobody = |_: &str| None;
    let e = expect_err(&request, &nobody, &options);
    assert_eq!(e, VerifyError::UnrecognizedClient);
    assert_eq!(e.code(), "UnrecognizedClientException");
    assert_eq!(
        e.message(),
        "The security token included in the request is invalid."
    );
    assert_eq!(e.status(), 400);

    // Temporary credentials need their token, and long-term ones refuse any token.
    let temporary = suite_lookup(Some("token".into()));
    assert_eq!(
        expect_err(&request, &temporary, &options),
        VerifyError::UnrecognizedClient
    );
    let mut with_token = request.clone();
    with_token
        .headers_mut()
        .insert("x-amz-security-token", "other".parse().unwrap());
    assert_eq!(
        expect_err(&with_token, &suite_lookup(None), &options),
        VerifyError::UnrecognizedClient
    );
    assert_eq!(
        expect_err(&with_token, &temporary, &options),
        VerifyError::UnrecognizedClient
    );
}

#[test]
fn verification_rejects_missing_and_malformed_authorization() {
    let options = VerifyOptions::at(suite_time());
    let (request, lookup) = suite_post();

    let mut missing = request.clone();
    missing.headers_mut().remove("authorization");
    let e = expect_err(&missing, &lookup, &options);
    assert_eq!(e, VerifyError::MissingAuthenticationToken);
    assert_eq!(e.code(), "MissingAuthenticationTokenException");
    assert_eq!(e.message(), "Missing Authentication Token");
    assert_eq!(e.status(), 400);

    let with_authorization = |value: &str| {
        let mut r = request.clone();
        r.headers_mut()
            .insert("authorization", value.parse().unwrap());
        r
    };
    let incomplete = |value: &str| match expect_err(&with_authorization(value), &lookup, &options) {
        e @ VerifyError::IncompleteSignature { .. } => {
            assert_eq!(e.code(), "IncompleteSignatureException");
            assert_eq!(e.status(), 400);
            e.message()
        }
        e => panic!("{value:?}: {e:?}"),
    };
    assert_eq!(
        incomplete("Bearer abc"),
        "Authorization header requires 'Credential' parameter. Authorization header requires \
         'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. \
         Authorization=Bearer abc"
    );
    assert_eq!(
        incomplete(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date"
        ),
        "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 \
         Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date"
    );
    assert_eq!(
        incomplete("AWS4-HMAC-SHA256 Credential= AKIDEXAMPLE/20150830, Signature"),
        "'Signature' not a valid key=value pair (missing equal-sign) in Authorization header: \
         'AWS4-HMAC-SHA256 Credential= AKIDEXAMPLE/20150830, Signature'."
    );
    let sig = "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a";
    assert!(incomplete(&format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service, \
         SignedHeaders=content-type;host;x-amz-date, {sig}"
    ))
    .contains("should be of the form"));
    assert_eq!(
        incomplete(&format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws5_request, \
             SignedHeaders=content-type;host;x-amz-date, {sig}"
        )),
        "Credential should be scoped with a valid terminator: 'aws4_request', not \
         'aws5_request'. "
    );
    assert_eq!(
        incomplete(&format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=content-type;x-amz-date, {sig}"
        )),
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    );

    let mut no_date = request.clone();
    no_date.headers_mut().remove("x-amz-date");
    let e = expect_err(&no_date, &lookup, &options);
    assert!(
        matches!(e, VerifyError::IncompleteSignature { .. }),
        "{e:?}"
    );
    assert!(e.message().starts_with(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. \
         Authorization=AWS4-HMAC-SHA256 Credential="
    ));

    let mut bad_date = request.clone();
    bad_date
        .headers_mut()
        .insert("x-amz-date", "2015-08-30T12:36:00Z".parse().unwrap());
    assert_eq!(
        expect_err(&bad_date, &lookup, &options).message(),
        "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See \
         http://en.wikipedia.org/wiki/ISO_8601"
    );

    let mut other_day = request.clone();
    other_day
        .headers_mut()
        .insert("x-amz-date", "20150831T000100Z".parse().unwrap());
    let e = expect_err(
        &other_day,
        &lookup,
        &VerifyOptions::at(suite_time() + Duration::from_secs(41_460)),
    );
    assert!(matches!(e, VerifyError::InvalidScope { .. }), "{e:?}");
    assert_eq!(e.code(), "InvalidSignatureException");
    assert_eq!(
        e.message(),
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
         HTTP: '20150830' != '20150831', from '20150831T000100Z'."
    );

    let mut twice = request.clone();
    let value = twice.headers()["authorization"].clone();
    twice.headers_mut().append("authorization", value);
    assert!(matches!(
        expect_err(&twice, &lookup, &options),
        VerifyError::IncompleteSignature { .. }
    ));
}

#[test]
fn verification_rejects_skewed_request_times() {
    let (request, lookup) = suite_post();
    let minute = Duration::from_secs(60);
    // Within five minutes either way is accepted.
    for now in [suite_time() + 5 * minute, suite_time() - 5 * minute] {
        assert!(sigv4::verify(&request, &lookup, &VerifyOptions::at(now)).is_ok());
    }
    let late = expect_err(
        &request,
        &lookup,
        &VerifyOptions::at(suite_time() + 6 * minute),
    );
    assert!(
        matches!(late, VerifyError::SignatureExpired { .. }),
        "{late:?}"
    );
    assert_eq!(late.code(), "InvalidSignatureException");
    assert_eq!(
        late.message(),
        "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z \
         (20150830T124200Z - 5 min.)"
    );
    let early = expect_err(
        &request,
        &lookup,
        &VerifyOptions::at(suite_time() - 6 * minute),
    );
    assert_eq!(
        early.message(),
        "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z \
         (20150830T123000Z + 5 min.)"
    );
    let strict = VerifyOptions {
        now: suite_time() + minute,
        max_skew: Duration::from_secs(30),
    };
    assert!(matches!(
        expect_err(&request, &lookup, &strict),
        VerifyError::SignatureExpired { .. }
    ));
}

/// A signed awsJson call as the client makes it.
fn aws_json_request() -> http::Request<Bytes> {
    http::Request::post("https://cognito-identity.eu-west-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            "AWSCognitoIdentityService.DescribeIdentityPool",
        )
        .header("user-agent", "cognito-identity/0.1.0")
        .header(
            "amz-sdk-invocation-id",
            "6f1d2c5e-8b1a-4e0f-9d3c-2a7b5e4f1c0d",
        )
        .header("amz-sdk-request", "attempt=1; max=3")
        .body(Bytes::from_static(
            br#"{"IdentityPoolId":"eu-west-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b"}"#,
        ))
        .unwrap()
}

#[test]
fn sign_then_verify_round_trips_with_and_without_a_session_token() {
    let now = SystemTime::now();
    for token in [
        None,
        Some("FwoGZXIvYXdzEXAMPLE//token+with/odd=chars".to_owned()),
    ] {
        let credentials = Credentials::new("ASIAEXAMPLE", "secret/key+1", token.clone(), None, "t");
        let mut request = aws_json_request();
        sigv4::sign(
            &mut request,
            &SigningParams {
                credentials: &credentials,
                region: "eu-west-1",
                service: "cognito-identity",
                time: now,
            },
        )
        .unwrap();
        assert_eq!(
            request
                .headers()
                .get("x-amz-security-token")
                .map(|v| v.to_str().unwrap()),
            token.as_deref()
        );
        let lookup = |key: &str| (key == "ASIAEXAMPLE").then(|| credentials.clone());
        let verified = sigv4::verify(&request, &lookup, &VerifyOptions::at(now)).unwrap();
        assert_eq!(verified.access_key_id, "ASIAEXAMPLE");
        assert_eq!(verified.region, "eu-west-1");
        assert_eq!(verified.service, "cognito-identity");
        let mut expected = vec!["content-type", "host", "x-amz-date"];
        if token.is_some() {
            expected.push("x-amz-security-token");
        }
        expected.push("x-amz-target");
        assert_eq!(verified.signed_headers, expected);
        assert!(verified
            .expect_scope("eu-west-1", "cognito-identity")
            .is_ok());
        let region = verified
            .expect_scope("us-east-1", "cognito-identity")
            .unwrap_err();
        assert_eq!(
            (region.code(), region.message().as_str()),
            (
                "InvalidSignatureException",
                "Credential should be scoped to a valid region, not 'eu-west-1'. "
            )
        );
        let service = verified
            .expect_scope("eu-west-1", "cognito-sync")
            .unwrap_err();
        assert_eq!(
            service.message(),
            "Credential should be scoped to correct service: 'cognito-sync'. "
        );

        // The retry loop may renumber the attempt of a signed request.
        request
            .headers_mut()
            .insert("amz-sdk-request", "attempt=2; max=3".parse().unwrap());
        assert!(sigv4::verify(&request, &lookup, &VerifyOptions::at(now)).is_ok());
        // Dropping the token from a request signed with it is refused.
        if token.is_some() {
            request.headers_mut().remove("x-amz-security-token");
            assert_eq!(
                sigv4::verify(&request, &lookup, &VerifyOptions::at(now)),
                Err(VerifyError::UnrecognizedClient)
            );
        }
    }
}

#[test]
fn presigned_urls_verify_until_they_expire() {
    let now = suite_time();
    for token in [None, Some("session/token+1".to_owned())] {
        let credentials = Credentials::new(ACCESS_KEY, SECRET, token.clone(), None, "t");
        let mut request =
            http::Request::get("https://example.amazonaws.com/path/x?Action=List&a=b%20c")
                .body(Bytes::new())
                .unwrap();
        sigv4::presign(
            &mut request,
            &params(&credentials),
            Duration::from_secs(900),
        )
        .unwrap();
        let query = request.uri().query().unwrap().to_owned();
        assert!(
            query.starts_with("Action=List&a=b%20c&X-Amz-Algorithm=AWS4-HMAC-SHA256&"),
            "{query}"
        );
        assert!(query.contains(
            "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&"
        ));
        assert!(query.contains("&X-Amz-Expires=900&X-Amz-SignedHeaders=host"));
        assert_eq!(
            query.contains("X-Amz-Security-Token=session%2Ftoken%2B1"),
            token.is_some()
        );
        assert!(request.headers().get("authorization").is_none());

        let lookup = |key: &str| (key == ACCESS_KEY).then(|| credentials.clone());
        let verified = sigv4::verify(
            &request,
            &lookup,
            &VerifyOptions::at(now + Duration::from_secs(899)),
        )
        .unwrap();
        assert!(verified.presigned);
        assert_eq!(verified.signed_headers, ["host"]);

        let expired = sigv4::verify(
            &request,
            &lookup,
            &VerifyOptions::at(now + Duration::from_secs(901)),
        )
        .unwrap_err();
        assert!(
            matches!(expired, VerifyError::SignatureExpired { .. }),
            "{expired:?}"
        );

        let tampered_uri: http::Uri = format!(
            "https://example.amazonaws.com/path/x?{}",
            query.replace("Action=List", "Action=Delete")
        )
        .parse()
        .unwrap();
        let mut tampered = request.clone();
        *tampered.uri_mut() = tampered_uri;
        assert!(matches!(
            sigv4::verify(&tampered, &lookup, &VerifyOptions::at(now)),
            Err(VerifyError::SignatureMismatch { .. })
        ));
    }
    let credentials = Credentials::new(ACCESS_KEY, SECRET, None, None, "t");
    let mut request = http::Request::get("https://example.amazonaws.com/")
        .body(Bytes::new())
        .unwrap();
    assert_eq!(
        sigv4::presign(
            &mut request,
            &params(&credentials),
            Duration::from_secs(8 * 86_400)
        ),
        Err(sigv4::SigningError::InvalidExpiry)
    );
    let incomplete =
        http::Request::get("https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256")
            .body(Bytes::new())
            .unwrap();
    assert!(matches!(
        sigv4::verify(&incomplete, &|_| None, &VerifyOptions::at(now)),
        Err(VerifyError::IncompleteSignature { .. })
    ));
}
