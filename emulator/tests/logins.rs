//! Logins mean what they mean at AWS, checked over real HTTP: a guest stays a guest, the
//! classic flow is refused where a pool turned it off, user pool logins must be live ID
//! tokens, unsigned tokens never pass, opaque tokens are kept as digests, dead identities
//! stay dead, and the emulator's own OpenID tokens are RS512 JWTs with the pool's ARN.

mod support;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use cognito_identity_local::{ids, start, Options, Running};
use serde_json::{json, Value};

const AUTH: &str = "arn:aws:iam::123456789012:role/Authenticated";
const UNAUTH: &str = "arn:aws:iam::123456789012:role/Unauthenticated";
const USER_POOL: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Example";
const COGNITO: &str = "cognito-identity.amazonaws.com";

async fn emulator() -> Running {
    start(
        Options {
            log_level: cognito_identity_local::Level::Off,
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts")
}

/// One call, answered as (status, JSON body); the blocking socket runs off the runtime.
async fn call(addr: SocketAddr, operation: &'static str, body: Value) -> (u16, Value) {
    tokio::task::spawn_blocking(move || support::call(addr, operation, &body))
        .await
        .expect("the call's thread")
}

/// The body of a successful call.
async fn ok(addr: SocketAddr, operation: &'static str, body: Value) -> Value {
    let (status, answer) = call(addr, operation, body).await;
    assert_eq!(status, 200, "{operation}: {answer}");
    answer
}

/// The error code and message of a refused call.
async fn refused(addr: SocketAddr, operation: &'static str, body: Value) -> (String, String) {
    let (status, answer) = call(addr, operation, body).await;
    assert!(status >= 400, "{operation} should fail: {answer}");
    (
        answer["__type"].as_str().unwrap_or_default().to_owned(),
        answer["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The emulator's JWKS document, fetched with a plain GET.
async fn jwks_of(addr: SocketAddr) -> Value {
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(addr).expect("connecting");
        write!(
            stream,
            "GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .expect("sending");
        let mut text = String::new();
        stream.read_to_string(&mut text).expect("reading");
        let body = text.split_once("\r\n\r\n").expect("a head and a body").1;
        serde_json::from_str(body).expect("a JSON document")
    })
    .await
    .expect("the request's thread")
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A JWT with `header` and `claims` and a signature nobody made.
fn jwt(header: Value, claims: &Value) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.c2ln", part(&header), part(claims))
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON")
}

fn header_of(token: &str) -> Value {
    let header = token.split('.').next().expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("base64url")).expect("JSON")
}

/// What a session token grants (the emulator writes it readable).
fn session(answer: &Value) -> Value {
    let token = answer["Credentials"]["SessionToken"]
        .as_str()
        .expect("a session token");
    ids::session_token_payload(token).expect("a readable session token")
}

/// A pool with guests allowed, a Facebook app, a user pool client and a developer provider,
/// its roles set.
async fn pool(addr: SocketAddr, extra: Value) -> String {
    let mut body = json!({
        "IdentityPoolName": "logins",
        "AllowUnauthenticatedIdentities": true,
        "SupportedLoginProviders": {"graph.facebook.com": "123"},
        "DeveloperProviderName": "login.example",
        "CognitoIdentityProviders": [{"ProviderName": USER_POOL, "ClientId": "appclient1"}],
    });
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    let created = ok(addr, "CreateIdentityPool", body).await;
    let id = created["IdentityPoolId"]
        .as_str()
        .expect("a pool id")
        .to_owned();
    ok(
        addr,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": id, "Roles": {"authenticated": AUTH, "unauthenticated": UNAUTH}}),
    )
    .await;
    id
}

async fn set_guests(addr: SocketAddr, pool_id: &str, allowed: bool) {
    let mut config = ok(
        addr,
        "DescribeIdentityPool",
        json!({"IdentityPoolId": pool_id}),
    )
    .await;
    config["AllowUnauthenticatedIdentities"] = json!(allowed);
    ok(addr, "UpdateIdentityPool", config).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_cannot_promote_itself_with_its_own_token() {
    let running = emulator().await;
    let addr = running.local_addr();
    let pool_id = pool(addr, json!({})).await;

    let guest = ok(addr, "GetId", json!({"IdentityPoolId": pool_id})).await;
    let guest = guest["IdentityId"].as_str().unwrap().to_owned();
    let creds = ok(
        addr,
        "GetCredentialsForIdentity",
        json!({"IdentityId": guest}),
    )
    .await;
    assert_eq!(session(&creds)["RoleArn"], UNAUTH);
    let token = ok(addr, "GetOpenIdToken", json!({"IdentityId": guest})).await;
    let token = token["Token"].as_str().unwrap().to_owned();
    assert_eq!(claims_of(&token)["amr"], json!(["unauthenticated"]));

    // The guest's own token proves the identity, not a sign-in: still the guest's role.
    let with_token = json!({"IdentityId": guest, "Logins": {COGNITO: token}});
    let creds = ok(addr, "GetCredentialsForIdentity", with_token.clone()).await;
    assert_eq!(session(&creds)["RoleArn"], UNAUTH);
    assert_eq!(session(&creds)["Amr"], json!(["unauthenticated"]));
    let again = ok(addr, "GetOpenIdToken", with_token.clone()).await;
    assert_eq!(
        claims_of(again["Token"].as_str().unwrap())["amr"],
        json!(["unauthenticated"])
    );
    let same = ok(
        addr,
        "GetId",
        json!({"IdentityPoolId": pool_id, "Logins": {COGNITO: token}}),
    )
    .await;
    assert_eq!(same["IdentityId"], guest);

    // Once the pool stops allowing guests, neither the bare call nor the token gets in.
    set_guests(addr, &pool_id, false).await;
    let guests_off = "Unauthenticated access is not supported for this identity pool.";
    for body in [json!({"IdentityId": guest}), with_token.clone()] {
        let (code, message) = refused(addr, "GetCredentialsForIdentity", body.clone()).await;
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("NotAuthorizedException", guests_off)
        );
        let (code, _) = refused(addr, "GetOpenIdToken", body).await;
        assert_eq!(code, "NotAuthorizedException");
    }
    let (code, message) = refused(
        addr,
        "GetId",
        json!({"IdentityPoolId": pool_id, "Logins": {COGNITO: token}}),
    )
    .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotAuthorizedException", guests_off)
    );

    // A real login still works on the same identity, and is authenticated.
    let logins = json!({"IdentityId": guest, "Logins": {"graph.facebook.com": "fb-user-token"}});
    let creds = ok(addr, "GetCredentialsForIdentity", logins).await;
    assert_eq!(session(&creds)["RoleArn"], AUTH);
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_classic_flow_is_refused_only_where_it_was_turned_off() {
    let running = emulator().await;
    let addr = running.local_addr();
    let unset = pool(addr, json!({})).await;
    let described = ok(
        addr,
        "DescribeIdentityPool",
        json!({"IdentityPoolId": unset}),
    )
    .await;
    // Created without the flag, the pool answers without it (aws-cli issue 7652 shows the
    // service's answer for such a pool, and its GetOpenIdToken working).
    assert!(described.get("AllowClassicFlow").is_none(), "{described}");
    let guest = ok(addr, "GetId", json!({"IdentityPoolId": unset})).await;
    ok(
        addr,
        "GetOpenIdToken",
        json!({"IdentityId": guest["IdentityId"]}),
    )
    .await;

    let off = pool(addr, json!({"AllowClassicFlow": false})).await;
    let described = ok(addr, "DescribeIdentityPool", json!({"IdentityPoolId": off})).await;
    assert_eq!(described["AllowClassicFlow"], false);
    let guest = ok(addr, "GetId", json!({"IdentityPoolId": off})).await;
    let (code, message) = refused(
        addr,
        "GetOpenIdToken",
        json!({"IdentityId": guest["IdentityId"]}),
    )
    .await;
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "Basic (classic) flow is not enabled, please use enhanced flow."
    );
    // The enhanced flow is not affected.
    ok(
        addr,
        "GetCredentialsForIdentity",
        json!({"IdentityId": guest["IdentityId"]}),
    )
    .await;

    let on = pool(addr, json!({"AllowClassicFlow": true})).await;
    let guest = ok(addr, "GetId", json!({"IdentityPoolId": on})).await;
    ok(
        addr,
        "GetOpenIdToken",
        json!({"IdentityId": guest["IdentityId"]}),
    )
    .await;
    running.shutdown().await.unwrap();
}

fn id_token(extra: Value) -> Value {
    let mut claims = json!({
        "sub": "user-1", "aud": "appclient1", "iss": format!("https://{USER_POOL}"),
        "token_use": "id", "exp": now() + 3600, "cognito:username": "alice",
    });
    if let (Some(c), Value::Object(e)) = (claims.as_object_mut(), extra) {
        c.extend(e);
    }
    claims
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_pool_logins_must_be_live_id_tokens_for_a_configured_client() {
    let running = emulator().await;
    let addr = running.local_addr();
    let pool_id = pool(addr, json!({})).await;
    let get_id = |token: String| json!({"IdentityPoolId": pool_id, "Logins": {USER_POOL: token}});
    let rs256 = json!({"alg": "RS256", "kid": "k1"});

    let good = ok(
        addr,
        "GetId",
        get_id(jwt(rs256.clone(), &id_token(json!({})))),
    )
    .await;
    let again = ok(
        addr,
        "GetId",
        get_id(jwt(rs256.clone(), &id_token(json!({})))),
    )
    .await;
    assert_eq!(good["IdentityId"], again["IdentityId"], "keyed on sub");

    let mut access = id_token(
        json!({"token_use": "access", "client_id": "appclient1", "scope": "aws.cognito.signin.user.admin"}),
    );
    access.as_object_mut().unwrap().remove("aud");
    let cases = [
        (
            access,
            "Invalid login token. Missing a required claim: aud".to_owned(),
        ),
        (
            id_token(json!({"aud": "someone-else"})),
            "Invalid login token. Incorrect token audience.".to_owned(),
        ),
        (
            id_token(json!({"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"})),
            "Invalid login token. Issuer doesn't match providerName".to_owned(),
        ),
        (
            id_token(json!({"exp": 1_000})),
            "Invalid login token. Token expired: ".to_owned(),
        ),
    ];
    for (claims, expected) in cases {
        let (code, message) = refused(addr, "GetId", get_id(jwt(rs256.clone(), &claims))).await;
        assert_eq!(code, "NotAuthorizedException", "{claims}");
        assert!(message.starts_with(&expected), "{message} / {expected}");
    }
    // Never unsigned, never `alg: none`, whatever the claims.
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let claims = id_token(json!({}));
    for token in [
        format!("{}.{}.", part(&json!({"alg": "none"})), part(&claims)),
        format!("{}.{}.c2ln", part(&json!({"alg": "none"})), part(&claims)),
        format!("{}.{}.", part(&rs256), part(&claims)),
        format!("{}.{}.c2ln", part(&json!({"typ": "JWT"})), part(&claims)),
    ] {
        let (code, message) = refused(addr, "GetId", get_id(token)).await;
        assert_eq!(code, "NotAuthorizedException");
        assert_eq!(message, "Invalid login token. The token is not signed.");
    }
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opaque_tokens_are_never_stored_or_handed_back() {
    let running = emulator().await;
    let addr = running.local_addr();
    let pool_id = pool(addr, json!({})).await;
    let secret = "EAAGm0PX4ZCpsBAsecretfacebooktoken";
    let logins = json!({"graph.facebook.com": secret});
    let id = ok(
        addr,
        "GetId",
        json!({"IdentityPoolId": pool_id, "Logins": logins}),
    )
    .await;
    let again = ok(
        addr,
        "GetId",
        json!({"IdentityPoolId": pool_id, "Logins": logins}),
    )
    .await;
    assert_eq!(id["IdentityId"], again["IdentityId"]);
    let creds = ok(
        addr,
        "GetCredentialsForIdentity",
        json!({"IdentityId": id["IdentityId"], "Logins": logins}),
    )
    .await;
    let granted = session(&creds).to_string();
    assert!(!granted.contains(secret), "{granted}");
    assert!(
        granted.contains("graph.facebook.com:123:sha256:"),
        "{granted}"
    );
    let token = ok(
        addr,
        "GetOpenIdToken",
        json!({"IdentityId": id["IdentityId"], "Logins": logins}),
    )
    .await;
    assert!(!token["Token"].as_str().unwrap().contains(secret));
    assert!(!claims_of(token["Token"].as_str().unwrap())
        .to_string()
        .contains(secret));
    let raw_session = STANDARD
        .decode(creds["Credentials"]["SessionToken"].as_str().unwrap())
        .unwrap();
    assert!(!String::from_utf8_lossy(&raw_session).contains(secret));
    running.shutdown().await.unwrap();
}

/// A developer-authenticated identity and its OpenID token.
async fn developer(addr: SocketAddr, pool_id: &str, user: &str) -> (String, String) {
    let answer = ok(
        addr,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": pool_id, "Logins": {"login.example": user}}),
    )
    .await;
    (
        answer["IdentityId"].as_str().unwrap().to_owned(),
        answer["Token"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_and_merged_identities_stay_dead() {
    let running = emulator().await;
    let addr = running.local_addr();
    let pool_id = pool(addr, json!({})).await;
    let get_id = |token: &str| json!({"IdentityPoolId": pool_id, "Logins": {COGNITO: token}});

    let (deleted, token) = developer(addr, &pool_id, "dev-gone").await;
    assert_eq!(
        ok(addr, "GetId", get_id(&token)).await["IdentityId"],
        deleted
    );
    ok(
        addr,
        "DeleteIdentities",
        json!({"IdentityIdsToDelete": [deleted]}),
    )
    .await;
    let (code, message) = refused(addr, "GetId", get_id(&token)).await;
    assert_eq!(code, "ResourceNotFoundException");
    assert!(message.contains(&deleted), "{message}");

    let (source, source_token) = developer(addr, &pool_id, "dev-a").await;
    let (destination, _) = developer(addr, &pool_id, "dev-b").await;
    let merged = ok(
        addr,
        "MergeDeveloperIdentities",
        json!({"IdentityPoolId": pool_id, "DeveloperProviderName": "login.example",
               "SourceUserIdentifier": "dev-a", "DestinationUserIdentifier": "dev-b"}),
    )
    .await;
    assert_eq!(merged["IdentityId"], destination);
    let (code, _) = refused(addr, "GetId", get_id(&source_token)).await;
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _) = refused(
        addr,
        "GetCredentialsForIdentity",
        json!({"IdentityId": source, "Logins": {COGNITO: source_token}}),
    )
    .await;
    assert_eq!(code, "ResourceNotFoundException");
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_takes_at_most_twenty_logins() {
    let running = emulator().await;
    let addr = running.local_addr();
    let pool_id = pool(addr, json!({})).await;
    let (id, _) = developer(addr, &pool_id, "user-1").await;
    for n in 2..=20 {
        let answer = ok(
            addr,
            "GetOpenIdTokenForDeveloperIdentity",
            json!({"IdentityPoolId": pool_id, "IdentityId": id, "Logins": {"login.example": format!("user-{n}")}}),
        )
        .await;
        assert_eq!(answer["IdentityId"], id);
    }
    let (code, message) = refused(
        addr,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": pool_id, "IdentityId": id, "Logins": {"login.example": "user-21"}}),
    )
    .await;
    assert_eq!(code, "LimitExceededException");
    assert!(message.contains("20"), "{message}");

    // Merging one more identity into it is refused the same way, and changes nothing.
    developer(addr, &pool_id, "other").await;
    let (code, _) = refused(
        addr,
        "MergeDeveloperIdentities",
        json!({"IdentityPoolId": pool_id, "DeveloperProviderName": "login.example",
               "SourceUserIdentifier": "other", "DestinationUserIdentifier": "user-1"}),
    )
    .await;
    assert_eq!(code, "LimitExceededException");
    let looked_up = ok(
        addr,
        "LookupDeveloperIdentity",
        json!({"IdentityPoolId": pool_id, "DeveloperUserIdentifier": "other", "MaxResults": 60}),
    )
    .await;
    assert_ne!(looked_up["IdentityId"], id);
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_id_tokens_are_rs512_jws_with_the_pool_arn() {
    let running = emulator().await;
    let addr = running.local_addr();
    let pool_id = pool(addr, json!({})).await;
    let (id, token) = developer(addr, &pool_id, "dev-1").await;
    let header = header_of(&token);
    assert_eq!(header["alg"], "RS512");
    assert_eq!(header["typ"], "JWS");
    let claims = claims_of(&token);
    assert_eq!(claims["sub"], id);
    assert_eq!(claims["aud"], pool_id);
    assert_eq!(
        claims["https://cognito-identity.amazonaws.com/identity-pool-arn"],
        format!("arn:aws:cognito-identity:us-east-1:123456789012:identitypool/{pool_id}")
    );

    // The JWKS publishes the key the header names, and it verifies the token.
    let jwks = jwks_of(addr).await;
    let keys: jsonwebtoken::jwk::JwkSet = serde_json::from_value(jwks).unwrap();
    let kid = header["kid"].as_str().unwrap();
    let key = keys.find(kid).expect("the JWKS has the token's key");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS512);
    validation.set_audience(&[&pool_id]);
    validation.set_issuer(&[running.url()]);
    let verified = jsonwebtoken::decode::<HashMap<String, Value>>(
        &token,
        &jsonwebtoken::DecodingKey::from_jwk(key).unwrap(),
        &validation,
    )
    .expect("the token verifies with the published key");
    assert_eq!(verified.claims["sub"], id);
    running.shutdown().await.unwrap();
}

/// A base64 SAML response for `name_id`, valid for an hour from `now` unless `until` says
/// otherwise, offering `roles` (each `role-arn,provider-arn`).
fn saml_response(name_id: &str, roles: &[&str], until: i64) -> String {
    let time = |secs: i64| {
        aws_json_runtime::DateTime::from_secs(secs)
            .to_rfc3339()
            .expect("a time")
    };
    let values: String = roles
        .iter()
        .map(|r| format!("<saml2:AttributeValue>{r}</saml2:AttributeValue>"))
        .collect();
    let xml = format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r1" Version="2.0" IssueInstant="{issued}">
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1" Version="2.0" IssueInstant="{issued}">
    <saml2:Issuer>https://idp.example.com</saml2:Issuer>
    <saml2:Subject>
      <saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{name_id}</saml2:NameID>
    </saml2:Subject>
    <saml2:Conditions NotBefore="{issued}" NotOnOrAfter="{until}"/>
    <saml2:AttributeStatement>
      <saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">{values}</saml2:Attribute>
      <saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml2:AttributeValue>{name_id}</saml2:AttributeValue></saml2:Attribute>
    </saml2:AttributeStatement>
  </saml2:Assertion>
</samlp:Response>"#,
        issued = time(now() - 60),
        until = time(until),
    );
    STANDARD.encode(xml)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saml_logins_are_keyed_on_the_name_id_and_offer_their_roles() {
    const SAML: &str = "arn:aws:iam::123456789012:saml-provider/corp";
    const ADMIN: &str = "arn:aws:iam::123456789012:role/Admin";
    const READER: &str = "arn:aws:iam::123456789012:role/Reader";
    let running = emulator().await;
    let addr = running.local_addr();
    let pool_id = pool(addr, json!({"SamlProviderARNs": [SAML]})).await;
    ok(
        addr,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": pool_id,
               "Roles": {"authenticated": AUTH, "unauthenticated": UNAUTH},
               "RoleMappings": {SAML: {"Type": "Token", "AmbiguousRoleResolution": "Deny"}}}),
    )
    .await;
    let admin = format!("{ADMIN},{SAML}");
    // Either order of the pair is accepted, as AWS accepts it.
    let reader = format!("{SAML},{READER}");
    let first = saml_response("alice@example.com", &[&admin], now() + 3600);
    let second = saml_response("alice@example.com", &[&admin], now() + 1800);
    assert_ne!(first, second);
    let get_id = |token: &str| json!({"IdentityPoolId": pool_id, "Logins": {SAML: token}});
    let id = ok(addr, "GetId", get_id(&first)).await["IdentityId"].clone();
    let again = ok(addr, "GetId", get_id(&second)).await["IdentityId"].clone();
    assert_eq!(
        id, again,
        "a new assertion for the same NameID is the same person"
    );
    let bob = ok(
        addr,
        "GetId",
        get_id(&saml_response("bob@example.com", &[&admin], now() + 3600)),
    )
    .await;
    assert_ne!(bob["IdentityId"], id);

    // One role in the assertion: role mapping of type Token takes it.
    let creds = ok(
        addr,
        "GetCredentialsForIdentity",
        json!({"IdentityId": id, "Logins": {SAML: second}}),
    )
    .await;
    let granted = session(&creds);
    assert_eq!(granted["RoleArn"], ADMIN);
    assert!(granted["Amr"]
        .to_string()
        .contains(&format!("{SAML}:alice@example.com")));
    assert!(
        !granted.to_string().contains(&second),
        "no raw assertion is handed back"
    );

    // Two roles: ambiguous without CustomRoleArn (denied here), chosen with it.
    let both = saml_response("alice@example.com", &[&admin, &reader], now() + 3600);
    let (code, _) = refused(
        addr,
        "GetCredentialsForIdentity",
        json!({"IdentityId": id, "Logins": {SAML: both}}),
    )
    .await;
    assert_eq!(code, "NotAuthorizedException");
    let creds = ok(
        addr,
        "GetCredentialsForIdentity",
        json!({"IdentityId": id, "Logins": {SAML: both}, "CustomRoleArn": READER}),
    )
    .await;
    assert_eq!(session(&creds)["RoleArn"], READER);

    // An expired assertion and one that is no SAML are refused, naming why.
    let (code, message) = refused(
        addr,
        "GetId",
        get_id(&saml_response("alice@example.com", &[&admin], now() - 10)),
    )
    .await;
    assert_eq!(code, "NotAuthorizedException");
    assert!(message.contains("Token expired"), "{message}");
    let (code, message) = refused(addr, "GetId", get_id("not-a-saml-response")).await;
    assert_eq!(code, "NotAuthorizedException");
    assert!(message.starts_with("Invalid login token."), "{message}");
    running.shutdown().await.unwrap();
}

/// A provider's signing key: the PKCS#1 DER of a fresh RSA key and its JWKS document.
fn provider_key(kid: &str) -> (Vec<u8>, Value) {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("an RSA key");
    let der = key.to_pkcs1_der().expect("PKCS#1").as_bytes().to_vec();
    let jwks = json!({"keys": [{
        "kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
        "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
    }]});
    (der, jwks)
}

fn sign(der: &[u8], kid: &str, claims: &Value) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        claims,
        &jsonwebtoken::EncodingKey::from_rsa_der(der),
    )
    .expect("a signed token")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_user_pool_s_tokens_must_carry_its_signature() {
    let dir = support::scratch_dir("trusted-user-pool");
    let (der, jwks) = provider_key("pool-key-1");
    let jwks_file = dir.join("jwks.json");
    std::fs::write(&jwks_file, jwks.to_string()).unwrap();
    let running = start(
        Options {
            log_level: cognito_identity_local::Level::Off,
            trust: vec![(USER_POOL.to_owned(), jwks_file.display().to_string())],
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts");
    let addr = running.local_addr();
    let pool_id = pool(addr, json!({})).await;
    let get_id = |token: &str| json!({"IdentityPoolId": pool_id, "Logins": {USER_POOL: token}});

    let signed = sign(&der, "pool-key-1", &id_token(json!({})));
    let id = ok(addr, "GetId", get_id(&signed)).await;
    let creds = ok(
        addr,
        "GetCredentialsForIdentity",
        json!({"IdentityId": id["IdentityId"], "Logins": {USER_POOL: signed}}),
    )
    .await;
    assert_eq!(session(&creds)["RoleArn"], AUTH);

    // The same claims under another key, under no key, or as HMAC are refused.
    let (other, _) = provider_key("pool-key-1");
    let forged = sign(&other, "pool-key-1", &id_token(json!({})));
    let (code, message) = refused(addr, "GetId", get_id(&forged)).await;
    assert_eq!(code, "NotAuthorizedException");
    assert!(message.starts_with("Invalid login token. "), "{message}");
    assert!(message.contains("signature"), "{message}");
    let unsigned = jwt(
        json!({"alg": "RS256", "kid": "pool-key-1"}),
        &id_token(json!({})),
    );
    let (code, _) = refused(addr, "GetId", get_id(&unsigned)).await;
    assert_eq!(code, "NotAuthorizedException");
    let hmac = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &id_token(json!({})),
        &jsonwebtoken::EncodingKey::from_secret(jwks.to_string().as_bytes()),
    )
    .unwrap();
    let (code, message) = refused(addr, "GetId", get_id(&hmac)).await;
    assert_eq!(code, "NotAuthorizedException");
    assert!(message.contains("HS256"), "{message}");
    // A verified signature does not excuse the claims: an expired token is still refused.
    let expired = sign(&der, "pool-key-1", &id_token(json!({"exp": now() - 5})));
    let (_, message) = refused(addr, "GetId", get_id(&expired)).await;
    assert!(
        message.starts_with("Invalid login token. Token expired: "),
        "{message}"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_openid_provider_s_keys_are_fetched_from_its_url() {
    // One emulator plays the OpenID Connect provider: its tokens are RS512 JWTs whose keys
    // it serves at its JWKS URL.
    let provider = start(
        Options {
            log_level: cognito_identity_local::Level::Off,
            issuer: Some("https://idp.local".to_owned()),
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the provider starts");
    let provider_pool = pool(provider.local_addr(), json!({})).await;
    let (_, token) = developer(provider.local_addr(), &provider_pool, "someone").await;

    let unreachable = "http://127.0.0.1:9/jwks.json";
    let running = start(
        Options {
            log_level: cognito_identity_local::Level::Off,
            trust: vec![
                (
                    "idp.local".to_owned(),
                    format!("{}/.well-known/jwks.json", provider.url()),
                ),
                ("down.example".to_owned(), unreachable.to_owned()),
            ],
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts even when one provider's keys cannot be had");
    let addr = running.local_addr();
    let pool_id = pool(
        addr,
        json!({"OpenIdConnectProviderARNs": [
            "arn:aws:iam::123456789012:oidc-provider/idp.local",
            "arn:aws:iam::123456789012:oidc-provider/down.example",
        ]}),
    )
    .await;
    let id = ok(
        addr,
        "GetId",
        json!({"IdentityPoolId": pool_id, "Logins": {"idp.local": token}}),
    )
    .await;
    assert!(id["IdentityId"].is_string());

    // A token from a provider whose keys cannot be fetched is a dependency failure.
    let down = sign(
        &provider_key("k").0,
        "k",
        &json!({"sub": "x", "iss": "https://down.example", "exp": now() + 60}),
    );
    let (code, message) = refused(
        addr,
        "GetId",
        json!({"IdentityPoolId": pool_id, "Logins": {"down.example": down}}),
    )
    .await;
    assert_eq!(code, "ExternalServiceException");
    assert!(message.contains(unreachable), "{message}");
    running.shutdown().await.unwrap();
    provider.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_directory_from_before_opens_migrated() {
    let dir = support::scratch_dir("migrate");
    let options = || Options {
        log_level: cognito_identity_local::Level::Off,
        data_dir: Some(dir.to_path_buf()),
        issuer: Some("http://cognito-identity.local".to_owned()),
        ..Options::default()
    };
    let running = start(options(), false).await.expect("the emulator starts");
    let pool_id = pool(running.local_addr(), json!({})).await;
    let identity = ok(
        running.local_addr(),
        "GetId",
        json!({"IdentityPoolId": pool_id}),
    )
    .await;
    let identity = identity["IdentityId"].as_str().unwrap().to_owned();
    running.shutdown().await.unwrap();

    // Make it what an earlier version wrote: no schema version, an opaque token kept as it
    // came, and the P-256 key that signed its tokens.
    let raw = "EAAGoldrawfacebooktoken";
    let ec = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &ring::rand::SystemRandom::new(),
    )
    .unwrap();
    {
        let db =
            rusqlite::Connection::open(dir.join(cognito_identity_local::DATABASE_FILE)).unwrap();
        db.execute("DELETE FROM meta WHERE key = 'schema_version'", [])
            .unwrap();
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('signing_key_pkcs8', ?1)",
            [ec.as_ref()],
        )
        .unwrap();
        db.execute(
            "INSERT INTO logins (pool_id, provider, subject, identity_id) VALUES (?1, 'graph.facebook.com', ?2, ?3)",
            rusqlite::params![pool_id, raw, identity],
        )
        .unwrap();
    }

    let running = start(options(), false)
        .await
        .expect("the old directory opens");
    let addr = running.local_addr();
    let same = ok(
        addr,
        "GetId",
        json!({"IdentityPoolId": pool_id, "Logins": {"graph.facebook.com": raw}}),
    )
    .await;
    assert_eq!(
        same["IdentityId"], identity,
        "the login survived the migration"
    );
    let described = ok(addr, "DescribeIdentity", json!({"IdentityId": identity})).await;
    assert_eq!(described["Logins"], json!(["graph.facebook.com"]));

    // A token the old key signed still verifies until it expires.
    let jwks = jwks_of(addr).await;
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "{jwks}");
    assert_eq!(keys[0]["alg"], "RS512");
    assert_eq!(keys[1]["alg"], "ES256");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = keys[1]["kid"].as_str().map(str::to_owned);
    let old_token = jsonwebtoken::encode(
        &header,
        &json!({"sub": identity, "aud": pool_id, "iss": "http://cognito-identity.local",
                "amr": ["unauthenticated"], "exp": now() + 300}),
        &jsonwebtoken::EncodingKey::from_ec_der(ec.as_ref()),
    )
    .unwrap();
    let again = ok(
        addr,
        "GetId",
        json!({"IdentityPoolId": pool_id, "Logins": {COGNITO: old_token}}),
    )
    .await;
    assert_eq!(again["IdentityId"], identity);
    running.shutdown().await.unwrap();
}
