//! Trusted identity providers: the keys of every provider named with `--trust PROVIDER=JWKS`,
//! and checking that a token an app sends in `Logins` was signed with one of them.
//!
//! A provider's JWKS document is fetched over HTTP(S) (the runtime's HTTPS transport) or read
//! from a file once, then cached. A token whose `kid` the cache lacks makes the document be
//! loaded again, since providers rotate keys; concurrent requests share that one refetch, and
//! a provider is asked at most once a second, so a flood of made-up `kid`s cannot hammer it.
//! Signatures are checked by `jsonwebtoken` (on `ring`); this module only picks the key and
//! the algorithm, and accepts public-key signatures only: RS256/384/512 and PS256/384/512 with
//! RSA keys, ES256 with P-256 keys, ES384 with P-384 keys. It must not check claims (`iss`,
//! `aud`, `exp`, ...): the login checks do that with Cognito's own messages. It never takes a
//! key from the token itself (the `jwk`, `jku`, `x5u` and `x5c` header parameters are
//! ignored), and nothing a token or a JWKS document holds can make it panic: [`parse_jwks`]
//! and [`Keys::verify`] are synchronous so a fuzz target can drive them without a network.

// Tokens and JWKS documents come from outside; library code here must not panic on them.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::unreachable,
        clippy::arithmetic_side_effects
    )
)]

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
#[cfg(feature = "service")]
use std::sync::OnceLock;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

#[cfg(feature = "service")]
use aws_json_runtime::client::https::HttpsTransport;
use aws_json_runtime::Bytes;
#[cfg(feature = "service")]
use aws_json_runtime::Transport;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

/// How long fetching a JWKS document may take, connection included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest JWKS document read, from a URL or a file: far above any real key set (Google's
/// is about 1 KiB), and a bound on what a broken or hostile server can make the emulator hold.
pub const MAX_JWKS_BYTES: usize = 1024 * 1024;

/// The shortest time between two loads of one provider's keys.
pub const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(1);

/// How many skipped keys an error message lists before it only counts the rest.
const LISTED_REASONS: usize = 5;

/// The signature algorithms accepted, by their JOSE names.
const ACCEPTED: [(&str, Algorithm); 8] = [
    ("RS256", Algorithm::RS256),
    ("RS384", Algorithm::RS384),
    ("RS512", Algorithm::RS512),
    ("PS256", Algorithm::PS256),
    ("PS384", Algorithm::PS384),
    ("PS512", Algorithm::PS512),
    ("ES256", Algorithm::ES256),
    ("ES384", Algorithm::ES384),
];

/// Where a provider's JWKS document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    /// An `http://` or `https://` URL, fetched with GET.
    Url(String),
    /// A file on this machine.
    File(PathBuf),
}

impl JwksSource {
    /// Reads the `JWKS` of `--trust PROVIDER=JWKS`: a URL when it starts with `http://` or
    /// `https://` (in any case), else a file path.
    pub fn parse(text: &str) -> JwksSource {
        let is_url = ["http://", "https://"].iter().any(|scheme| {
            text.get(..scheme.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
        });
        if is_url {
            JwksSource::Url(text.to_owned())
        } else {
            JwksSource::File(PathBuf::from(text))
        }
    }
}

impl fmt::Display for JwksSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwksSource::Url(url) => f.write_str(url),
            JwksSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Why a token could not be verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustError {
    /// No `--trust` names this provider.
    NotTrusted {
        /// The provider, as named in `Logins`.
        provider: String,
    },
    /// The provider's keys could not be fetched, read or parsed; the token may be fine.
    /// Cognito answers this case with `ExternalServiceException`.
    Unavailable {
        /// The provider, as named in `Logins`.
        provider: String,
        /// The URL or file path of its JWKS document.
        jwks: String,
        /// What went wrong, as a sentence fragment.
        reason: String,
    },
    /// The token is refused. The message is a sentence meant to follow Cognito's
    /// "Invalid login token. " in a `NotAuthorizedException`.
    Invalid(String),
}

impl fmt::Display for TrustError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustError::NotTrusted { provider } => {
                write!(f, "no `--trust` names the provider `{provider}`")
            }
            TrustError::Unavailable {
                provider,
                jwks,
                reason,
            } => write!(
                f,
                "cannot load the keys of provider `{provider}` from {jwks}: {reason}"
            ),
            TrustError::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for TrustError {}

/// Why a JWKS document yields no usable key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwksError(String);

impl fmt::Display for JwksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JwksError {}

/// What a key can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Rsa,
    P256,
    P384,
}

impl Family {
    fn fits(self, alg: Algorithm) -> bool {
        match self {
            Family::Rsa => matches!(
                alg,
                Algorithm::RS256
                    | Algorithm::RS384
                    | Algorithm::RS512
                    | Algorithm::PS256
                    | Algorithm::PS384
                    | Algorithm::PS512
            ),
            Family::P256 => alg == Algorithm::ES256,
            Family::P384 => alg == Algorithm::ES384,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Family::Rsa => "an RSA key",
            Family::P256 => "an EC P-256 key",
            Family::P384 => "an EC P-384 key",
        }
    }
}

/// One usable key of a JWKS document.
struct Key {
    kid: Option<String>,
    family: Family,
    /// The `alg` the JWK names, when it names one: then tokens must use exactly that.
    stated: Option<Algorithm>,
    decoding: DecodingKey,
}

impl Key {
    fn fits(&self, alg: Algorithm) -> bool {
        self.family.fits(alg) && self.stated.is_none_or(|stated| stated == alg)
    }

    fn describe(&self) -> String {
        match self.stated {
            Some(alg) => format!("{} for `{}`", self.family.describe(), alg_name(alg)),
            None => self.family.describe().to_owned(),
        }
    }
}

/// The usable keys of one JWKS document, and why its other keys were skipped.
pub struct Keys {
    keys: Vec<Key>,
    skipped: Vec<String>,
    /// Why each skipped key that has a `kid` was skipped, for tokens that name it.
    unusable: BTreeMap<String, String>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kids: Vec<_> = self.keys.iter().map(|k| (&k.kid, k.describe())).collect();
        f.debug_struct("Keys")
            .field("keys", &kids)
            .field("skipped", &self.skipped)
            .finish()
    }
}

impl Keys {
    /// How many usable keys there are (never zero: [`parse_jwks`] refuses such documents).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when there is no usable key (never, for keys from [`parse_jwks`]).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Why each unusable key of the document was skipped, one sentence fragment per key.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }

    /// Checks `token`'s signature with these keys and returns its claims. Claims are not
    /// checked: an expired token with a good signature passes.
    pub fn verify(&self, token: &str) -> Result<Map<String, Value>, TrustError> {
        self.check(&Token::parse(token)?)
    }

    fn has_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }

    fn check(&self, token: &Token<'_>) -> Result<Map<String, Value>, TrustError> {
        let alg = token.alg;
        let named: Vec<&Key> = match &token.kid {
            Some(kid) => self
                .keys
                .iter()
                .filter(|k| k.kid.as_deref() == Some(kid.as_str()))
                .collect(),
            None => self.keys.iter().collect(),
        };
        if let (Some(kid), true) = (&token.kid, named.is_empty()) {
            return Err(invalid(match self.unusable.get(kid) {
                Some(reason) => format!("The key `{kid}` cannot be used: {reason}."),
                None => format!("No trusted key has the token's `kid` `{kid}`."),
            }));
        }
        let fitting: Vec<&Key> = named.iter().copied().filter(|k| k.fits(alg)).collect();
        if fitting.is_empty() {
            return Err(invalid(match (&token.kid, named.first()) {
                (Some(kid), Some(key)) => format!(
                    "The key `{kid}` cannot verify `{}` tokens: it is {}.",
                    alg_name(alg),
                    key.describe()
                ),
                _ => format!(
                    "The token has no `kid`, and no trusted key can verify `{}` tokens.",
                    alg_name(alg)
                ),
            }));
        }
        // Claims are the login checks' business; only the signature is checked here.
        let mut validation = Validation::new(alg);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        for key in fitting {
            match jsonwebtoken::decode::<Map<String, Value>>(token.text, &key.decoding, &validation)
            {
                Ok(data) => return Ok(data.claims),
                // Without a `kid` every fitting key is tried in turn.
                Err(e) if matches!(e.kind(), ErrorKind::InvalidSignature) => continue,
                // The signature matched, but serde refused the claims as jsonwebtoken reads
                // them (a claim given twice, say).
                Err(e) if matches!(e.kind(), ErrorKind::Json(_)) => {
                    return Err(invalid(format!("The token's claims cannot be read: {e}.")));
                }
                Err(e) => {
                    return Err(invalid(format!("The token cannot be verified: {e}.")));
                }
            }
        }
        Err(invalid(match &token.kid {
            Some(kid) => format!("The token's signature does not match the key `{kid}`."),
            None => format!(
                "The token has no `kid`, and its signature matches no trusted `{}` key.",
                alg_name(alg)
            ),
        }))
    }
}

/// Reads a JWKS document (`{"keys": [...]}`). Keys that cannot verify signatures here
/// (symmetric, EdDSA, unknown curves, encryption keys, RSA moduli outside 2048 to 8192 bits,
/// malformed members) are skipped with their reason; a document without any usable key is an
/// error listing those reasons. Never panics, whatever `bytes` hold.
pub fn parse_jwks(bytes: &[u8]) -> Result<Keys, JwksError> {
    let document: Value = serde_json::from_slice(bytes)
        .map_err(|e| JwksError(format!("the document is not JSON: {e}")))?;
    let list = match document.get("keys") {
        Some(Value::Array(list)) => list,
        Some(_) => return Err(JwksError("its `keys` is not an array".to_owned())),
        None if document.is_object() => {
            return Err(JwksError("the document has no `keys`".to_owned()))
        }
        None => return Err(JwksError("the document is not a JSON object".to_owned())),
    };
    let mut keys = Vec::new();
    let mut skipped = Vec::new();
    let mut unusable = BTreeMap::new();
    for (index, value) in list.iter().enumerate() {
        match usable_key(value) {
            Ok(key) => keys.push(key),
            Err(reason) => match value.get("kid") {
                Some(Value::String(kid)) => {
                    skipped.push(format!("key {index} (`{kid}`): {reason}"));
                    unusable.insert(kid.clone(), reason);
                }
                _ => skipped.push(format!("key {index}: {reason}")),
            },
        }
    }
    if keys.is_empty() {
        if skipped.is_empty() {
            return Err(JwksError("its `keys` is empty".to_owned()));
        }
        let mut reasons = skipped
            .iter()
            .take(LISTED_REASONS)
            .cloned()
            .collect::<Vec<_>>()
            .join("; ");
        let more = skipped.len().saturating_sub(LISTED_REASONS);
        if more > 0 {
            reasons.push_str(&format!("; and {more} more"));
        }
        return Err(JwksError(format!("no usable key: {reasons}")));
    }
    Ok(Keys {
        keys,
        skipped,
        unusable,
    })
}

/// One JWK as a usable key, or why it is not one.
fn usable_key(value: &Value) -> Result<Key, String> {
    let Value::Object(fields) = value else {
        return Err("it is not a JSON object".to_owned());
    };
    let kid = match fields.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.clone()),
        Some(_) => return Err("its `kid` is not a string".to_owned()),
    };
    // The members are checked here, before jsonwebtoken reads the JWK, because its reader
    // names no member when one is missing or of an unknown kind.
    let family = match text(fields, "kty")? {
        "RSA" => {
            text(fields, "n")?;
            text(fields, "e")?;
            Family::Rsa
        }
        "EC" => {
            let family = match text(fields, "crv")? {
                "P-256" => Family::P256,
                "P-384" => Family::P384,
                other => {
                    return Err(format!(
                        "its curve `{other}` is not supported (P-256 and P-384 are)"
                    ))
                }
            };
            text(fields, "x")?;
            text(fields, "y")?;
            family
        }
        "oct" => {
            return Err(
                "it is a symmetric (`oct`) key, and shared-secret tokens are never accepted"
                    .to_owned(),
            )
        }
        "OKP" => return Err("it is an `OKP` (EdDSA) key; RSA and EC keys are supported".to_owned()),
        other => return Err(format!("its key type `{other}` is unknown")),
    };
    // A key published for encryption is not used to verify signatures.
    match fields.get("use") {
        None => {}
        Some(Value::String(usage)) if usage == "sig" => {}
        Some(Value::String(usage)) => return Err(format!("its `use` is `{usage}`, not `sig`")),
        Some(_) => return Err("its `use` is not a string".to_owned()),
    }
    if let Some(ops) = fields.get("key_ops") {
        let verifies = ops
            .as_array()
            .is_some_and(|ops| ops.iter().any(|op| op == "verify"));
        if !verifies {
            return Err("its `key_ops` do not include `verify`".to_owned());
        }
    }
    let stated = match fields.get("alg") {
        None => None,
        Some(Value::String(name)) => match accepted_alg(name) {
            Some(alg) if family.fits(alg) => Some(alg),
            Some(alg) => {
                return Err(format!(
                    "its `alg` `{}` does not fit {}",
                    alg_name(alg),
                    family.describe()
                ))
            }
            None => return Err(format!("its `alg` `{name}` is not accepted")),
        },
        Some(_) => return Err("its `alg` is not a string".to_owned()),
    };
    let jwk: Jwk =
        serde_json::from_value(value.clone()).map_err(|e| format!("it is not a valid JWK: {e}"))?;
    match family {
        Family::Rsa => check_rsa(text(fields, "n")?, text(fields, "e")?)?,
        Family::P256 => check_ec(fields, 32)?,
        Family::P384 => check_ec(fields, 48)?,
    }
    let decoding = DecodingKey::from_jwk(&jwk).map_err(|e| format!("it cannot be read: {e}"))?;
    Ok(Key {
        kid,
        family,
        stated,
        decoding,
    })
}

/// A string member of a JWK.
fn text<'a>(fields: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    match fields.get(name) {
        Some(Value::String(value)) => Ok(value),
        Some(_) => Err(format!("its `{name}` is not a string")),
        None => Err(format!("it has no `{name}`")),
    }
}

/// A base64url member of a JWK, decoded.
fn bytes_of(value: &str, name: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|e| format!("its `{name}` is not base64url: {e}"))
}

/// Refuses, at load time, the RSA keys `ring` would refuse at every verification, so the
/// reason shows once instead of as a signature mismatch.
fn check_rsa(n: &str, e: &str) -> Result<(), String> {
    let n = bytes_of(n, "n")?;
    let n = without_leading_zeros(&n);
    let bits = match n.first() {
        Some(first) => n
            .len()
            .saturating_mul(8)
            .saturating_sub(first.leading_zeros() as usize),
        None => 0,
    };
    if !(2048..=8192).contains(&bits) {
        return Err(format!(
            "its modulus has {bits} bits; 2048 to 8192 are accepted"
        ));
    }
    let e = bytes_of(e, "e")?;
    let exponent = without_leading_zeros(&e)
        .iter()
        .try_fold(0u64, |acc, byte| {
            acc.checked_mul(256)
                .and_then(|v| v.checked_add(u64::from(*byte)))
        });
    // ring's bounds: an odd exponent from 3 to 2^33 - 1.
    match exponent {
        Some(e) if (3..(1u64 << 33)).contains(&e) && e % 2 == 1 => Ok(()),
        _ => Err("its public exponent is not an odd number from 3 to 2^33 - 1".to_owned()),
    }
}

fn without_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// Refuses EC keys whose coordinates are not `size` bytes long.
fn check_ec(fields: &Map<String, Value>, size: usize) -> Result<(), String> {
    for name in ["x", "y"] {
        let length = bytes_of(text(fields, name)?, name)?.len();
        if length != size {
            return Err(format!(
                "its `{name}` has {length} bytes; the curve needs {size}"
            ));
        }
    }
    Ok(())
}

fn accepted_alg(name: &str) -> Option<Algorithm> {
    ACCEPTED
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, alg)| *alg)
}

fn alg_name(alg: Algorithm) -> &'static str {
    ACCEPTED
        .iter()
        .find(|(_, known)| *known == alg)
        .map_or("an unaccepted algorithm", |(name, _)| name)
}

fn invalid(message: String) -> TrustError {
    TrustError::Invalid(message)
}

/// A token whose shape, header and payload have been read, and whose algorithm is accepted.
struct Token<'a> {
    text: &'a str,
    alg: Algorithm,
    kid: Option<String>,
}

impl<'a> Token<'a> {
    fn parse(text: &'a str) -> Result<Token<'a>, TrustError> {
        let parts: Vec<&str> = text.split('.').collect();
        let [header, payload, signature] = parts.as_slice() else {
            return Err(invalid(match parts.len() {
                5 => "The token is encrypted (JWE, five parts); only signed tokens (JWS, three \
                      parts) are accepted."
                    .to_owned(),
                n => format!(
                    "The token is not a JWT: it has {n} dot-separated part{}, not three.",
                    if n == 1 { "" } else { "s" }
                ),
            }));
        };
        let header = json_object(header, "header")?;
        let alg = match header.get("alg") {
            Some(Value::String(alg)) => alg.as_str(),
            Some(_) => return Err(invalid("The token's `alg` is not a string.".to_owned())),
            None => return Err(invalid("The token's header has no `alg`.".to_owned())),
        };
        let alg = token_alg(alg)?;
        let kid = match header.get("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid.clone()),
            Some(_) => return Err(invalid("The token's `kid` is not a string.".to_owned())),
        };
        // RFC 7515 has a recipient refuse a token with critical extensions it does not know,
        // and this one knows none.
        if header.contains_key("crit") {
            return Err(invalid(
                "The token's header lists critical extensions (`crit`), which are not supported."
                    .to_owned(),
            ));
        }
        json_object(payload, "payload")?;
        if signature.is_empty() {
            return Err(invalid("The token has no signature.".to_owned()));
        }
        if URL_SAFE_NO_PAD.decode(signature).is_err() {
            return Err(invalid(
                "The token's signature is not base64url.".to_owned(),
            ));
        }
        Ok(Token { text, alg, kid })
    }
}

/// The algorithm a token's header names, when it is accepted.
fn token_alg(name: &str) -> Result<Algorithm, TrustError> {
    if let Some(alg) = accepted_alg(name) {
        return Ok(alg);
    }
    let message = if name.eq_ignore_ascii_case("none") {
        "The token is unsigned (`alg` is `none`); unsigned tokens are never accepted.".to_owned()
    } else if name.starts_with("HS") {
        format!(
            "The token is signed with `{name}`, a shared-secret (HMAC) algorithm; only \
             public-key signatures are accepted."
        )
    } else {
        let names: Vec<&str> = ACCEPTED.iter().map(|(known, _)| *known).collect();
        format!(
            "The token's algorithm `{name}` is not accepted; these are: {}.",
            names.join(", ")
        )
    };
    Err(invalid(message))
}

/// A token part decoded: base64url, then a JSON object.
fn json_object(part: &str, name: &str) -> Result<Map<String, Value>, TrustError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| invalid(format!("The token's {name} is not base64url.")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(invalid(format!("The token's {name} is not a JSON object."))),
    }
}

/// The trusted providers and their cached keys. Cloning is cheap; clones share the cache.
#[derive(Clone)]
pub struct Trust {
    inner: Arc<Inner>,
}

struct Inner {
    providers: BTreeMap<String, Provider>,
    /// Built at the first URL fetch, so a trust of files only never sets up TLS.
    #[cfg(feature = "service")]
    http: OnceLock<HttpsTransport>,
}

struct Provider {
    source: JwksSource,
    cache: RwLock<Cache>,
    /// Held while the keys are loaded, so concurrent requests wait for one load instead of
    /// starting their own.
    gate: tokio::sync::Mutex<Gate>,
}

#[derive(Default, Clone)]
struct Cache {
    keys: Option<Arc<Keys>>,
    /// Counts successful loads, so a request that waited at the gate can tell that another
    /// one has just loaded the keys.
    generation: u64,
}

#[derive(Default)]
struct Gate {
    /// When the last load ended, successful or not.
    last_load: Option<Instant>,
    /// Why the last load failed, if it did; repeated to requests inside the refetch interval.
    last_error: Option<TrustError>,
}

impl Provider {
    fn snapshot(&self) -> Cache {
        self.cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn store(&self, keys: Arc<Keys>) {
        let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        cache.keys = Some(keys);
        cache.generation = cache.generation.wrapping_add(1);
    }
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let providers: BTreeMap<&str, String> = self
            .inner
            .providers
            .iter()
            .map(|(name, p)| (name.as_str(), p.source.to_string()))
            .collect();
        f.debug_struct("Trust")
            .field("providers", &providers)
            .finish()
    }
}

impl Trust {
    /// Trusts each provider's tokens when they verify against its JWKS document. Nothing is
    /// loaded yet (see [`Trust::load`]). A provider named twice keeps its last source.
    pub fn new(providers: impl IntoIterator<Item = (String, JwksSource)>) -> Trust {
        let providers = providers
            .into_iter()
            .map(|(name, source)| {
                let provider = Provider {
                    source,
                    cache: RwLock::new(Cache::default()),
                    gate: tokio::sync::Mutex::new(Gate::default()),
                };
                (name, provider)
            })
            .collect();
        Trust {
            inner: Arc::new(Inner {
                providers,
                #[cfg(feature = "service")]
                http: OnceLock::new(),
            }),
        }
    }

    /// True when no provider is trusted.
    pub fn is_empty(&self) -> bool {
        self.inner.providers.is_empty()
    }

    /// True when `provider` (a `Logins` key) is trusted.
    pub fn trusts(&self, provider: &str) -> bool {
        self.inner.providers.contains_key(provider)
    }

    /// The trusted providers, in name order.
    pub fn providers(&self) -> impl Iterator<Item = &str> {
        self.inner.providers.keys().map(String::as_str)
    }

    /// The JWKS source of `provider`, when it is trusted.
    pub fn source(&self, provider: &str) -> Option<&JwksSource> {
        self.inner.providers.get(provider).map(|p| &p.source)
    }

    /// Loads every provider's keys, all at once (at start-up). On failure, the error of the
    /// first failing provider in name order, naming it and its source.
    pub async fn load(&self) -> Result<(), TrustError> {
        let mut tasks = tokio::task::JoinSet::new();
        let mut names = std::collections::HashMap::new();
        for (name, provider) in &self.inner.providers {
            let trust = self.clone();
            let owned = name.clone();
            let task = tasks.spawn(async move { trust.refresh(&owned, None).await.map(drop) });
            names.insert(task.id(), (name.as_str(), &provider.source));
        }
        let mut failures = BTreeMap::new();
        while let Some(joined) = tasks.join_next_with_id().await {
            let failure = match joined {
                Ok((_, Ok(()))) => continue,
                Ok((id, Err(e))) => names.get(&id).map(|(name, _)| (*name, e)),
                // Only a bug could end a load early; it still counts as that provider failing.
                Err(e) => names.get(&e.id()).map(|(name, source)| {
                    let reason = format!("the loading task failed: {e}");
                    (*name, unavailable(name, source, reason))
                }),
            };
            if let Some((name, e)) = failure {
                failures.insert(name, e);
            }
        }
        match failures.into_values().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Checks `token`'s signature with `provider`'s keys and returns its claims. It does not
    /// check `iss`, `aud`, `exp` or any other claim: the caller does, with Cognito's messages.
    ///
    /// A token whose `kid` the cached keys lack (or any token, before the keys were first
    /// loaded) makes the keys be loaded again, at most once per [`MIN_REFETCH_INTERVAL`];
    /// inside that interval such tokens are judged by the keys at hand, or get the error of
    /// the last failed load.
    pub async fn verify(
        &self,
        provider: &str,
        token: &str,
    ) -> Result<Map<String, Value>, TrustError> {
        let Some(entry) = self.inner.providers.get(provider) else {
            return Err(TrustError::NotTrusted {
                provider: provider.to_owned(),
            });
        };
        let token = Token::parse(token)?;
        let cache = entry.snapshot();
        let keys = match cache.keys {
            Some(keys) if token.kid.as_deref().is_none_or(|kid| keys.has_kid(kid)) => keys,
            _ => self.refresh(provider, Some(cache.generation)).await?,
        };
        keys.check(&token)
    }

    /// Loads `provider`'s keys again, unless another request did while this one waited
    /// (`seen` is the generation it saw) or the last load is too recent; `seen` of `None`
    /// always loads.
    async fn refresh(&self, provider: &str, seen: Option<u64>) -> Result<Arc<Keys>, TrustError> {
        let Some(entry) = self.inner.providers.get(provider) else {
            return Err(TrustError::NotTrusted {
                provider: provider.to_owned(),
            });
        };
        let mut gate = entry.gate.lock().await;
        if let Some(seen) = seen {
            let cache = entry.snapshot();
            if let (Some(keys), true) = (&cache.keys, cache.generation != seen) {
                return Ok(keys.clone());
            }
            let recent = gate
                .last_load
                .is_some_and(|at| at.elapsed() < MIN_REFETCH_INTERVAL);
            if recent {
                return match (&gate.last_error, cache.keys) {
                    (Some(e), _) => Err(e.clone()),
                    (None, Some(keys)) => Ok(keys),
                    (None, None) => Err(unavailable(
                        provider,
                        &entry.source,
                        "no keys are loaded yet".to_owned(),
                    )),
                };
            }
        }
        let loaded = self.fetch(provider, &entry.source).await;
        // The interval counts from the end of a load, so requests that queued behind a slow or
        // failing one take its result rather than each starting another.
        gate.last_load = Some(Instant::now());
        match loaded {
            Ok(keys) => {
                let keys = Arc::new(keys);
                entry.store(keys.clone());
                gate.last_error = None;
                Ok(keys)
            }
            Err(e) => {
                gate.last_error = Some(e.clone());
                Err(e)
            }
        }
    }

    async fn fetch(&self, provider: &str, source: &JwksSource) -> Result<Keys, TrustError> {
        let bytes = match source {
            JwksSource::Url(url) => self.get(url).await,
            JwksSource::File(path) => read_file(path).await,
        }
        .map_err(|reason| unavailable(provider, source, reason))?;
        parse_jwks(&bytes).map_err(|e| unavailable(provider, source, e.0))
    }

    /// GETs `url`'s body, within [`FETCH_TIMEOUT`] and [`MAX_JWKS_BYTES`].
    #[cfg(feature = "service")]
    async fn get(&self, url: &str) -> Result<Bytes, String> {
        let uri: http::Uri = url
            .parse()
            .map_err(|e| format!("it is not a valid URL: {e}"))?;
        let request = http::Request::get(uri)
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::USER_AGENT, "cognito-identity-local")
            .body(Bytes::new())
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let transport = self.inner.http.get_or_init(|| {
            HttpsTransport::builder()
                .connect_timeout(FETCH_TIMEOUT)
                .max_response_body(MAX_JWKS_BYTES)
                // Loads are rare (start-up, key rotation), so no idle connection is kept for
                // the next one.
                .pool_max_idle_per_host(0)
                .build()
        });
        let response = tokio::time::timeout(FETCH_TIMEOUT, transport.send(request))
            .await
            .map_err(|_| format!("no answer within {} s", FETCH_TIMEOUT.as_secs()))?
            .map_err(|e| e.to_string())?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("the server answered HTTP {status}"));
        }
        Ok(response.into_body())
    }

    /// Without the `service` feature there is no HTTPS client: key sets come from files only.
    #[cfg(not(feature = "service"))]
    async fn get(&self, url: &str) -> Result<Bytes, String> {
        Err(format!(
            "fetching {url} needs the crate's `service` feature (HTTPS); without it key sets \
             are read from files only"
        ))
    }
}

fn unavailable(provider: &str, source: &JwksSource, reason: String) -> TrustError {
    TrustError::Unavailable {
        provider: provider.to_owned(),
        jwks: source.to_string(),
        reason,
    }
}

/// Reads a JWKS file of at most [`MAX_JWKS_BYTES`], off the async threads.
async fn read_file(path: &Path) -> Result<Bytes, String> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&path).map_err(|e| format!("cannot open it: {e}"))?;
        let limit = u64::try_from(MAX_JWKS_BYTES).unwrap_or(u64::MAX);
        let mut bytes = Vec::new();
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read it: {e}"))?;
        if bytes.len() > MAX_JWKS_BYTES {
            return Err(format!(
                "it is larger than the limit of {MAX_JWKS_BYTES} bytes"
            ));
        }
        Ok(Bytes::from(bytes))
    })
    .await
    .map_err(|e| format!("the task reading it failed: {e}"))?
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use jsonwebtoken::{EncodingKey, Header};
    use ring::rand::SystemRandom;
    use ring::signature::{
        EcdsaKeyPair, EcdsaSigningAlgorithm, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING,
        ECDSA_P384_SHA384_FIXED_SIGNING,
    };
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    use rsa::RsaPrivateKey;
    use serde_json::json;

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// A fresh EC key: what signs, and its JWK (without `kid`).
    fn ec_key(alg: &'static EcdsaSigningAlgorithm, crv: &str) -> (EncodingKey, Value) {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref();
        let size = (point.len() - 1) / 2;
        let (x, y) = point[1..].split_at(size);
        let jwk = json!({ "kty": "EC", "crv": crv, "x": b64(x), "y": b64(y) });
        (EncodingKey::from_ec_der(pkcs8.as_ref()), jwk)
    }

    /// The RSA key of these tests: what signs, and its JWK (without `kid`). It is made once
    /// per test run, since a 2048-bit key takes a while to find and no test needs a second.
    fn rsa_key() -> (EncodingKey, Value) {
        static KEY: OnceLock<(Vec<u8>, Value)> = OnceLock::new();
        let (der, jwk) = KEY.get_or_init(|| {
            let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
            let der = key.to_pkcs1_der().unwrap().as_bytes().to_vec();
            let n = b64(&key.n().to_bytes_be());
            let e = b64(&key.e().to_bytes_be());
            (der, json!({ "kty": "RSA", "n": n, "e": e }))
        });
        (EncodingKey::from_rsa_der(der), jwk.clone())
    }

    fn with(mut jwk: Value, extra: Value) -> Value {
        for (k, v) in extra.as_object().unwrap() {
            jwk[k] = v.clone();
        }
        jwk
    }

    fn document(keys: &[Value]) -> Vec<u8> {
        serde_json::to_vec(&json!({ "keys": keys })).unwrap()
    }

    fn sign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey) -> String {
        let mut header = Header::new(alg);
        header.kid = kid.map(str::to_owned);
        let claims = json!({ "sub": "user-1", "iss": "https://issuer.example", "exp": 1 });
        jsonwebtoken::encode(&header, &claims, key).unwrap()
    }

    /// A token with the given header and payload and a signature of `signature`.
    fn raw(header: &Value, payload: &Value, signature: &str) -> String {
        format!(
            "{}.{}.{signature}",
            b64(header.to_string().as_bytes()),
            b64(payload.to_string().as_bytes())
        )
    }

    fn refusal(result: Result<Map<String, Value>, TrustError>) -> String {
        match result {
            Err(TrustError::Invalid(message)) => message,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    fn reason(bytes: &[u8]) -> String {
        parse_jwks(bytes).unwrap_err().to_string()
    }

    #[test]
    fn sources_are_urls_by_scheme_and_files_otherwise() {
        let url = |s: &str| JwksSource::Url(s.to_owned());
        let file = |s: &str| JwksSource::File(PathBuf::from(s));
        assert_eq!(
            JwksSource::parse("https://a.example/k"),
            url("https://a.example/k")
        );
        assert_eq!(
            JwksSource::parse("HTTP://a.example/k"),
            url("HTTP://a.example/k")
        );
        assert_eq!(JwksSource::parse("keys/jwks.json"), file("keys/jwks.json"));
        assert_eq!(JwksSource::parse("httpkeys.json"), file("httpkeys.json"));
        assert_eq!(JwksSource::parse("é"), file("é"));
        assert_eq!(JwksSource::parse(""), file(""));
    }

    #[test]
    fn es256_and_es384_tokens_verify_and_return_their_claims() {
        let (p256, jwk256) = ec_key(&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256");
        let (p384, jwk384) = ec_key(&ECDSA_P384_SHA384_FIXED_SIGNING, "P-384");
        let keys = parse_jwks(&document(&[
            with(
                jwk256,
                json!({ "kid": "p256", "use": "sig", "alg": "ES256" }),
            ),
            with(jwk384, json!({ "kid": "p384", "key_ops": ["verify"] })),
        ]))
        .unwrap();
        assert_eq!(keys.len(), 2);
        // Claims are not checked: `exp` is long past.
        let claims = keys
            .verify(&sign(Algorithm::ES256, Some("p256"), &p256))
            .unwrap();
        assert_eq!(claims["sub"], "user-1");
        assert_eq!(claims["exp"], 1);
        keys.verify(&sign(Algorithm::ES384, Some("p384"), &p384))
            .unwrap();
    }

    #[test]
    fn rsa_tokens_verify_with_pkcs1_and_pss() {
        let (key, jwk) = rsa_key();
        let keys = parse_jwks(&document(&[with(jwk, json!({ "kid": "a" }))])).unwrap();
        for alg in [
            Algorithm::RS256,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
        ] {
            keys.verify(&sign(alg, Some("a"), &key)).unwrap();
        }
    }

    #[test]
    fn a_token_without_kid_is_tried_against_every_fitting_key() {
        let (first, jwk1) = ec_key(&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256");
        let (second, jwk2) = ec_key(&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256");
        let (_, rsa) = rsa_key();
        let keys = parse_jwks(&document(&[rsa, jwk1, with(jwk2, json!({ "kid": "2" }))])).unwrap();
        keys.verify(&sign(Algorithm::ES256, None, &first)).unwrap();
        keys.verify(&sign(Algorithm::ES256, None, &second)).unwrap();
        let (stranger, _) = ec_key(&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256");
        assert_eq!(
            refusal(keys.verify(&sign(Algorithm::ES256, None, &stranger))),
            "The token has no `kid`, and its signature matches no trusted `ES256` key."
        );
        let (p384, _) = ec_key(&ECDSA_P384_SHA384_FIXED_SIGNING, "P-384");
        assert_eq!(
            refusal(keys.verify(&sign(Algorithm::ES384, None, &p384))),
            "The token has no `kid`, and no trusted key can verify `ES384` tokens."
        );
    }

    #[test]
    fn the_algorithm_must_fit_the_key_and_its_stated_alg() {
        let (ec, jwk) = ec_key(&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256");
        let (rsa, rsa_jwk) = rsa_key();
        let keys = parse_jwks(&document(&[
            with(jwk, json!({ "kid": "ec" })),
            with(rsa_jwk, json!({ "kid": "rsa", "alg": "RS384" })),
        ]))
        .unwrap();
        assert_eq!(
            refusal(keys.verify(&sign(Algorithm::RS256, Some("ec"), &rsa))),
            "The key `ec` cannot verify `RS256` tokens: it is an EC P-256 key."
        );
        assert_eq!(
            refusal(keys.verify(&sign(Algorithm::RS256, Some("rsa"), &rsa))),
            "The key `rsa` cannot verify `RS256` tokens: it is an RSA key for `RS384`."
        );
        keys.verify(&sign(Algorithm::RS384, Some("rsa"), &rsa))
            .unwrap();
        assert_eq!(
            refusal(keys.verify(&sign(Algorithm::ES256, Some("rsa"), &ec))),
            "The key `rsa` cannot verify `ES256` tokens: it is an RSA key for `RS384`."
        );
    }

    #[test]
    fn signatures_by_other_keys_and_unknown_kids_are_refused() {
        let (_, jwk) = ec_key(&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256");
        let (other, _) = ec_key(&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256");
        let keys = parse_jwks(&document(&[with(jwk, json!({ "kid": "k" }))])).unwrap();
        assert_eq!(
            refusal(keys.verify(&sign(Algorithm::ES256, Some("k"), &other))),
            "The token's signature does not match the key `k`."
        );
        assert_eq!(
            refusal(keys.verify(&sign(Algorithm::ES256, Some("nope"), &other))),
            "No trusted key has the token's `kid` `nope`."
        );
    }

    #[test]
    fn unsigned_and_shared_secret_tokens_are_always_refused() {
        let (_, jwk) = rsa_key();
        let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
        let keys = parse_jwks(&document(&[with(jwk.clone(), json!({ "kid": "a" }))])).unwrap();
        let payload = json!({ "sub": "x" });
        for alg in ["none", "None", "NONE"] {
            let token = raw(&json!({ "alg": alg, "kid": "a" }), &payload, "");
            assert_eq!(
                refusal(keys.verify(&token)),
                "The token is unsigned (`alg` is `none`); unsigned tokens are never accepted."
            );
        }
        // The confusion attack: HMAC keyed with the public key's bytes, as a verifier that
        // trusted the header's `alg` would compute it.
        for secret in [n.as_slice(), jwk.to_string().as_bytes(), b"secret"] {
            for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
                let token = sign(alg, Some("a"), &EncodingKey::from_secret(secret));
                let message = refusal(keys.verify(&token));
                assert!(message.contains("shared-secret (HMAC)"), "{message}");
            }
        }
    }

    #[test]
    fn malformed_tokens_are_refused_with_what_is_wrong() {
        let (key, jwk) = ec_key(&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256");
        let keys = parse_jwks(&document(&[with(jwk, json!({ "kid": "k" }))])).unwrap();
        let good = sign(Algorithm::ES256, Some("k"), &key);
        let mut parts = good.split('.');
        let (h, p, s) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let header = json!({ "alg": "ES256", "kid": "k" });
        let payload = json!({ "sub": "x" });
        let cases = [
            ("".to_owned(), "The token is not a JWT: it has 1 dot-separated part, not three."),
            ("abc".to_owned(), "The token is not a JWT: it has 1 dot-separated part, not three."),
            (format!("{h}.{p}"), "The token is not a JWT: it has 2 dot-separated parts, not three."),
            (format!("{good}.x"), "The token is not a JWT: it has 4 dot-separated parts, not three."),
            (
                "a.b.c.d.e".to_owned(),
                "The token is encrypted (JWE, five parts); only signed tokens (JWS, three parts) are accepted.",
            ),
            (format!("*.{p}.{s}"), "The token's header is not base64url."),
            (format!("{h}=.{p}.{s}"), "The token's header is not base64url."),
            (format!("{}.{p}.{s}", b64(b"[1]")), "The token's header is not a JSON object."),
            (raw(&json!({ "kid": "k" }), &payload, s), "The token's header has no `alg`."),
            (raw(&json!({ "alg": 7 }), &payload, s), "The token's `alg` is not a string."),
            (
                raw(&json!({ "alg": "EdDSA" }), &payload, s),
                "The token's algorithm `EdDSA` is not accepted; these are: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384.",
            ),
            (raw(&json!({ "alg": "ES256", "kid": 1 }), &payload, s), "The token's `kid` is not a string."),
            (
                raw(&json!({ "alg": "ES256", "crit": ["exp"] }), &payload, s),
                "The token's header lists critical extensions (`crit`), which are not supported.",
            ),
            (format!("{h}.!.{s}"), "The token's payload is not base64url."),
            (raw(&header, &json!("sub"), s), "The token's payload is not a JSON object."),
            (format!("{h}.{p}."), "The token has no signature."),
            (format!("{h}.{p}.{s}+"), "The token's signature is not base64url."),
        ];
        for (token, expected) in cases {
            assert_eq!(refusal(keys.verify(&token)), expected, "{token}");
        }
        // A good signature over another payload.
        let forged = format!("{h}.{}.{s}", b64(br#"{"sub":"admin"}"#));
        assert_eq!(
            refusal(keys.verify(&forged)),
            "The token's signature does not match the key `k`."
        );
    }

    #[test]
    fn malformed_documents_say_what_is_wrong() {
        assert!(reason(b"").starts_with("the document is not JSON: "));
        assert!(reason(b"{\"keys\":[").starts_with("the document is not JSON: "));
        assert_eq!(reason(b"[]"), "the document is not a JSON object");
        assert_eq!(reason(b"{}"), "the document has no `keys`");
        assert_eq!(reason(b"{\"keys\":{}}"), "its `keys` is not an array");
        assert_eq!(reason(b"{\"keys\":[]}"), "its `keys` is empty");
    }

    #[test]
    fn unusable_keys_are_skipped_with_their_reason() {
        let (_, ec) = ec_key(&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256");
        let (_, rsa) = rsa_key();
        let short_n = b64(&[0xc5; 128]);
        let cases = [
            (json!(1), "it is not a JSON object"),
            (json!({ "n": "x" }), "it has no `kty`"),
            (json!({ "kty": 1 }), "its `kty` is not a string"),
            (json!({ "kty": "XYZ" }), "its key type `XYZ` is unknown"),
            (
                json!({ "kty": "oct", "k": "c2VjcmV0" }),
                "it is a symmetric (`oct`) key, and shared-secret tokens are never accepted",
            ),
            (
                json!({ "kty": "OKP", "crv": "Ed25519", "x": "AA" }),
                "it is an `OKP` (EdDSA) key; RSA and EC keys are supported",
            ),
            (
                with(ec.clone(), json!({ "crv": "P-521" })),
                "its curve `P-521` is not supported (P-256 and P-384 are)",
            ),
            (
                with(ec.clone(), json!({ "crv": "secp256k1" })),
                "its curve `secp256k1` is not supported (P-256 and P-384 are)",
            ),
            (
                with(ec.clone(), json!({ "crv": "P-384" })),
                "its `x` has 32 bytes; the curve needs 48",
            ),
            (
                with(ec.clone(), json!({ "y": "!" })),
                "its `y` is not base64url: Invalid symbol 33, offset 0.",
            ),
            (
                json!({ "kty": "EC", "crv": "P-256", "x": "AA" }),
                "it has no `y`",
            ),
            (json!({ "kty": "RSA", "e": "AQAB" }), "it has no `n`"),
            (
                with(rsa.clone(), json!({ "use": "enc" })),
                "its `use` is `enc`, not `sig`",
            ),
            (
                with(rsa.clone(), json!({ "use": 1 })),
                "its `use` is not a string",
            ),
            (
                with(rsa.clone(), json!({ "key_ops": ["sign"] })),
                "its `key_ops` do not include `verify`",
            ),
            (
                with(rsa.clone(), json!({ "key_ops": "verify" })),
                "its `key_ops` do not include `verify`",
            ),
            (
                with(rsa.clone(), json!({ "alg": "HS256" })),
                "its `alg` `HS256` is not accepted",
            ),
            (
                with(rsa.clone(), json!({ "alg": "RSA-OAEP" })),
                "its `alg` `RSA-OAEP` is not accepted",
            ),
            (
                with(rsa.clone(), json!({ "alg": "ES256" })),
                "its `alg` `ES256` does not fit an RSA key",
            ),
            (
                with(rsa.clone(), json!({ "alg": ["RS256"] })),
                "its `alg` is not a string",
            ),
            (
                with(rsa.clone(), json!({ "n": short_n })),
                "its modulus has 1024 bits; 2048 to 8192 are accepted",
            ),
            (
                with(rsa.clone(), json!({ "n": "" })),
                "its modulus has 0 bits; 2048 to 8192 are accepted",
            ),
            (
                with(rsa.clone(), json!({ "e": "AQAA" })),
                "its public exponent is not an odd number from 3 to 2^33 - 1",
            ),
            (
                with(rsa.clone(), json!({ "e": "AQ" })),
                "its public exponent is not an odd number from 3 to 2^33 - 1",
            ),
            (
                with(rsa.clone(), json!({ "e": "AQAAAAAAAAAAAQ" })),
                "its public exponent is not an odd number from 3 to 2^33 - 1",
            ),
            (
                with(rsa.clone(), json!({ "kid": 5 })),
                "its `kid` is not a string",
            ),
        ];
        for (jwk, expected) in cases {
            let bytes = document(std::slice::from_ref(&jwk));
            assert_eq!(
                reason(&bytes),
                format!("no usable key: key 0: {expected}"),
                "{jwk}"
            );
        }
    }

    #[test]
    fn skipped_keys_are_listed_and_named_by_kid() {
        let (key, ec) = ec_key(&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256");
        let oct = json!({ "kty": "oct", "k": "c2VjcmV0", "kid": "hmac" });
        let keys = parse_jwks(&document(&[oct.clone(), with(ec, json!({ "kid": "ec" }))])).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(
            keys.skipped(),
            ["key 0 (`hmac`): it is a symmetric (`oct`) key, and shared-secret tokens are never accepted"]
        );
        assert_eq!(
            refusal(keys.verify(&sign(Algorithm::ES256, Some("hmac"), &key))),
            "The key `hmac` cannot be used: it is a symmetric (`oct`) key, and shared-secret \
             tokens are never accepted."
        );
        let many = document(&vec![json!({ "kty": "oct", "k": "AA" }); 8]);
        assert!(reason(&many).ends_with("; and 3 more"), "{}", reason(&many));
    }

    #[test]
    fn errors_read_as_sentences_naming_what_failed() {
        let unavailable = TrustError::Unavailable {
            provider: "accounts.google.com".to_owned(),
            jwks: "https://www.googleapis.com/oauth2/v3/certs".to_owned(),
            reason: "the server answered HTTP 503 Service Unavailable".to_owned(),
        };
        assert_eq!(
            unavailable.to_string(),
            "cannot load the keys of provider `accounts.google.com` from \
             https://www.googleapis.com/oauth2/v3/certs: the server answered HTTP 503 Service \
             Unavailable"
        );
        let not_trusted = TrustError::NotTrusted {
            provider: "graph.facebook.com".to_owned(),
        };
        assert_eq!(
            not_trusted.to_string(),
            "no `--trust` names the provider `graph.facebook.com`"
        );
    }

    #[tokio::test]
    async fn untrusted_providers_are_refused_before_anything_is_loaded() {
        let trust = Trust::new([
            (
                "b.example".to_owned(),
                JwksSource::parse("/nonexistent/b.json"),
            ),
            (
                "a.example".to_owned(),
                JwksSource::parse("https://a.example/jwks"),
            ),
        ]);
        assert!(!trust.is_empty() && Trust::new([]).is_empty());
        assert!(trust.trusts("a.example") && !trust.trusts("c.example"));
        assert_eq!(
            trust.providers().collect::<Vec<_>>(),
            ["a.example", "b.example"]
        );
        assert_eq!(
            trust.verify("c.example", "x").await,
            Err(TrustError::NotTrusted {
                provider: "c.example".to_owned()
            })
        );
        // The token is refused before its provider's keys are wanted.
        let message = refusal(trust.verify("b.example", "x").await);
        assert!(message.starts_with("The token is not a JWT"), "{message}");
        let token = raw(&json!({ "alg": "RS256" }), &json!({}), "AA");
        match trust.verify("b.example", &token).await {
            Err(TrustError::Unavailable {
                provider,
                jwks,
                reason,
            }) => {
                assert_eq!(provider, "b.example");
                assert_eq!(jwks, "/nonexistent/b.json");
                assert!(reason.starts_with("cannot open it: "), "{reason}");
            }
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }

    /// A small xorshift generator: the same bytes on every run, no dependency.
    struct Noise(u64);

    impl Noise {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn mangled_tokens_and_documents_never_panic() {
        let (key, ec) = ec_key(&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256");
        let (_, rsa) = rsa_key();
        let doc = document(&[with(ec, json!({ "kid": "k" })), rsa]);
        let keys = parse_jwks(&doc).unwrap();
        let token = sign(Algorithm::ES256, Some("k"), &key).into_bytes();
        let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
        for len in 0..doc.len() {
            let _ = parse_jwks(&doc[..len]);
        }
        for len in 0..token.len() {
            let _ = keys.verify(&String::from_utf8_lossy(&token[..len]));
        }
        for _ in 0..3000 {
            let mut d = doc.clone();
            let mut t = token.clone();
            for _ in 0..(noise.next() % 4 + 1) {
                let i = (noise.next() as usize) % d.len();
                d[i] = noise.next() as u8;
                let j = (noise.next() as usize) % t.len();
                t[j] = b"._-AZaz09+/=\"{}"[(noise.next() % 15) as usize];
            }
            let _ = parse_jwks(&d);
            let mangled = String::from_utf8_lossy(&t);
            assert!(
                t == token || keys.verify(&mangled).is_err(),
                "{mangled}\n{}",
                String::from_utf8_lossy(&token)
            );
        }
    }
}
