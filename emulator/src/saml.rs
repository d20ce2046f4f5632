//! Reads the SAML response an app passes as a login token for a SAML identity provider.
//!
//! An app that signs in through a SAML identity provider hands the base64 text the provider
//! posted (a `samlp:Response` holding a `saml:Assertion`, or a bare `Assertion`) to `GetId` and
//! `GetCredentialsForIdentity` under the provider's SAML provider ARN. [`read`] turns that text
//! into a [`SamlLogin`]: the subject's `NameID`, which keys the identity, the roles of the AWS
//! `Role` attribute, which feed role mapping, every attribute by name, for rules, and the
//! earliest `NotOnOrAfter`. It is a pure function of the token: no clock, no store, no
//! network. It must not be taken for a verifier. The emulator has no identity provider
//! metadata, so it checks no XML signature, no audience, no recipient and no time window; it
//! cannot decrypt an `EncryptedAssertion` or `EncryptedID` either, and says so. What it does
//! guard against is hostile input: tokens are capped in size, element nesting in depth, DTDs
//! (and with them entity bombs) are refused, and nothing here panics on any bytes.

use std::collections::BTreeMap;
use std::fmt;

use aws_json_runtime::DateTime;
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use roxmltree::{Document, Node, ParsingOptions};

/// The longest token [`read`] takes, in bytes. The service itself takes at most 50,000
/// characters for a `Logins` value, and the generated router checks that first; this looser
/// cap only keeps a direct caller from handing the XML parser an unbounded document.
pub const MAX_TOKEN_BYTES: usize = 100_000;

/// How deep elements may nest. A real response needs about eight levels (a signature's
/// certificate is the deepest); the cap keeps pathological documents cheap to refuse.
pub const MAX_DEPTH: usize = 64;

/// The attribute whose values name the IAM roles the assertion grants, each with the SAML
/// provider that vouches for it.
pub const ROLE_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/Role";

/// The SAML 2.0 assertion namespace (`saml:`, `saml2:` or any other prefix).
const ASSERTION_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";

/// The SAML 2.0 protocol namespace (`samlp:`, `saml2p:` or any other prefix).
const PROTOCOL_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

/// The status code of a response that reports a successful sign-in.
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// How many characters of an offending value an error quotes, so that a hostile token cannot
/// make an error message as long as itself.
const QUOTE_CHARS: usize = 200;

/// Base64 as identity providers and apps write it: the standard alphabet (URL-safe letters are
/// mapped onto it before decoding), with or without padding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// What a SAML login token says about who signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlLogin {
    /// The subject's `NameID`, trimmed and never empty: the user the identity belongs to.
    pub name_id: String,
    /// The `NameID`'s `Format` attribute, such as
    /// `urn:oasis:names:tc:SAML:2.0:nameid-format:persistent`.
    pub name_id_format: Option<String>,
    /// The assertion's `Issuer`, or the response's when the assertion has none.
    pub issuer: Option<String>,
    /// The values of the [`ROLE_ATTRIBUTE`] attribute, in document order.
    pub roles: Vec<SamlRole>,
    /// The earliest `NotOnOrAfter` of the assertion's `Conditions` and its subject confirmations,
    /// in whole seconds since the Unix epoch (a fraction is dropped).
    pub not_on_or_after: Option<i64>,
    /// Every attribute's values by the attribute's `Name`, each value trimmed, in document order.
    pub attributes: BTreeMap<String, Vec<String>>,
}

/// One value of the [`ROLE_ATTRIBUTE`] attribute: a role and the SAML provider trusted to
/// grant it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlRole {
    /// The IAM role's ARN (`arn:aws:iam::123456789012:role/Name`).
    pub role_arn: String,
    /// The SAML provider's ARN (`arn:aws:iam::123456789012:saml-provider/Name`).
    pub provider_arn: String,
}

/// Why a token is not a SAML login the emulator can read. The text of each reads as a Cognito
/// error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SamlError {
    /// The token is longer than [`MAX_TOKEN_BYTES`].
    TooLarge {
        /// The token's length in bytes.
        bytes: usize,
    },
    /// The token is empty or only whitespace.
    Empty,
    /// The token is not base64.
    NotBase64 {
        /// Whether the token starts like XML, which suggests it was passed undecoded.
        looks_like_xml: bool,
    },
    /// The decoded bytes are not UTF-8.
    NotUtf8,
    /// The document has a document type declaration with definitions.
    Dtd,
    /// The document is not well-formed XML; the parser's reason.
    NotXml(String),
    /// Elements nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The root element is neither a SAML 2.0 `Response` nor an `Assertion`; its name.
    NotSaml(String),
    /// The response reports a failed sign-in; its status code.
    Failed(String),
    /// The response holds no `Assertion`.
    NoAssertion {
        /// Whether it holds an `EncryptedAssertion` instead.
        encrypted: bool,
    },
    /// The assertion has no `Subject`.
    NoSubject,
    /// The subject has no `NameID`, or an empty one.
    NoNameId {
        /// Whether it has an `EncryptedID` instead.
        encrypted: bool,
    },
    /// A value of the [`ROLE_ATTRIBUTE`] attribute is not a role ARN and a SAML provider ARN.
    BadRole(String),
    /// A `NotOnOrAfter` is not a date and time.
    BadTime {
        /// Where it was: `Conditions` or `SubjectConfirmationData`.
        element: &'static str,
        /// The value, as written.
        value: String,
    },
}

impl fmt::Display for SamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Invalid login token. ")?;
        match self {
            SamlError::TooLarge { bytes } => write!(
                f,
                "The SAML response is {bytes} bytes long; the emulator reads at most \
                 {MAX_TOKEN_BYTES} (the service takes at most 50000 characters)."
            ),
            SamlError::Empty => f.write_str("The SAML response is empty."),
            SamlError::NotBase64 { looks_like_xml } => {
                f.write_str("The SAML response is not valid base64.")?;
                if *looks_like_xml {
                    f.write_str(
                        " It looks like raw XML; pass it base64-encoded, as the identity \
                         provider posts it.",
                    )?;
                }
                Ok(())
            }
            SamlError::NotUtf8 => f.write_str("The SAML response does not decode to UTF-8 text."),
            SamlError::Dtd => f.write_str(
                "The SAML response has a document type declaration (DTD), which is refused: \
                 its entities could expand without bound.",
            ),
            SamlError::NotXml(reason) => {
                write!(f, "The SAML response is not well-formed XML: {reason}.")
            }
            SamlError::TooDeep => write!(
                f,
                "The SAML response nests elements more than {MAX_DEPTH} deep."
            ),
            SamlError::NotSaml(root) => write!(
                f,
                "The SAML response's root element is {root}, not a SAML 2.0 Response or Assertion."
            ),
            SamlError::Failed(status) => {
                write!(f, "The SAML response's status is `{status}`, not success.")
            }
            SamlError::NoAssertion { encrypted: false } => {
                f.write_str("The SAML response has no Assertion.")
            }
            SamlError::NoAssertion { encrypted: true } => f.write_str(
                "The SAML response has only an EncryptedAssertion, which the emulator cannot \
                 decrypt (it holds no service provider key).",
            ),
            SamlError::NoSubject => f.write_str("The SAML assertion has no Subject."),
            SamlError::NoNameId { encrypted: false } => {
                f.write_str("The SAML assertion's Subject has no NameID, or an empty one.")
            }
            SamlError::NoNameId { encrypted: true } => f.write_str(
                "The SAML assertion's Subject has an EncryptedID, which the emulator cannot \
                 decrypt (it holds no service provider key).",
            ),
            SamlError::BadRole(value) => write!(
                f,
                "The SAML assertion's Role attribute value `{value}` is not \
                 `role-arn,saml-provider-arn` (in either order)."
            ),
            SamlError::BadTime { element, value } => write!(
                f,
                "The SAML assertion's {element} NotOnOrAfter `{value}` is not a date and time \
                 such as 2024-01-01T00:00:00Z."
            ),
        }
    }
}

impl std::error::Error for SamlError {}

/// Reads a base64 SAML response (or bare assertion) into the login it describes.
///
/// Standard and URL-safe base64 are both accepted, padded or not, with whitespace anywhere
/// (providers often wrap lines at 64 or 76 characters). Nothing is verified: see the module
/// documentation.
pub fn read(token: &str) -> Result<SamlLogin, SamlError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(SamlError::TooLarge { bytes: token.len() });
    }
    let bytes = decode(token)?;
    let xml = std::str::from_utf8(&bytes).map_err(|_| SamlError::NotUtf8)?;
    let document = parse(xml)?;
    let root = document.root_element();

    let (assertion, response) = if is(root, ASSERTION_NS, "Assertion") {
        (root, None)
    } else if is(root, PROTOCOL_NS, "Response") {
        check_status(root)?;
        let assertion = child(root, ASSERTION_NS, "Assertion").ok_or(SamlError::NoAssertion {
            encrypted: child(root, ASSERTION_NS, "EncryptedAssertion").is_some(),
        })?;
        (assertion, Some(root))
    } else {
        return Err(SamlError::NotSaml(describe(root)));
    };

    let subject = child(assertion, ASSERTION_NS, "Subject").ok_or(SamlError::NoSubject)?;
    let no_name_id = || SamlError::NoNameId {
        encrypted: child(subject, ASSERTION_NS, "EncryptedID").is_some(),
    };
    let name_id_element = child(subject, ASSERTION_NS, "NameID").ok_or_else(no_name_id)?;
    let name_id = text(name_id_element);
    if name_id.is_empty() {
        return Err(no_name_id());
    }
    let name_id_format = plain_attribute(name_id_element, "Format")
        .map(str::trim)
        .filter(|format| !format.is_empty())
        .map(str::to_owned);

    // The assertion's own issuer is the one its signature covers; the response's is only a
    // fallback for assertions that leave it out.
    let issuer = child(assertion, ASSERTION_NS, "Issuer")
        .or_else(|| response.and_then(|r| child(r, ASSERTION_NS, "Issuer")))
        .map(text)
        .filter(|issuer| !issuer.is_empty());

    let not_on_or_after = earliest_expiry(assertion, subject)?;
    let attributes = attributes(assertion);
    let roles = attributes
        .get(ROLE_ATTRIBUTE)
        .into_iter()
        .flatten()
        .map(|value| role(value))
        .collect::<Result<Vec<_>, _>>()?;

    Ok(SamlLogin {
        name_id,
        name_id_format,
        issuer,
        roles,
        not_on_or_after,
        attributes,
    })
}

/// Decodes the token's base64, whichever alphabet and padding it uses.
fn decode(token: &str) -> Result<Vec<u8>, SamlError> {
    // Whitespace is dropped and the URL-safe letters are mapped onto the standard ones, so one
    // engine reads every form; a token mixing both alphabets is read too, which costs nothing.
    let text: Vec<u8> = token
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| match b {
            b'-' => b'+',
            b'_' => b'/',
            other => other,
        })
        .collect();
    if text.is_empty() {
        return Err(SamlError::Empty);
    }
    BASE64.decode(&text).map_err(|_| SamlError::NotBase64 {
        looks_like_xml: token.trim_start().starts_with('<'),
    })
}

/// Parses the XML with DTDs refused, then checks the nesting depth.
fn parse(xml: &str) -> Result<Document<'_>, SamlError> {
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let document = Document::parse_with_options(xml, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => SamlError::Dtd,
        other => SamlError::NotXml(other.to_string()),
    })?;
    check_depth(&document)?;
    Ok(document)
}

/// Refuses documents whose elements nest deeper than [`MAX_DEPTH`].
fn check_depth(document: &Document<'_>) -> Result<(), SamlError> {
    // The parser itself does not recurse on nesting, but the walks below would go as deep as the
    // document does; a stack of the open elements, in document order, measures depth in one pass.
    let mut open: Vec<Node<'_, '_>> = Vec::with_capacity(MAX_DEPTH);
    for node in document.root().descendants().filter(Node::is_element) {
        while let Some(last) = open.last() {
            if Some(*last) == node.parent() {
                break;
            }
            open.pop();
        }
        open.push(node);
        if open.len() > MAX_DEPTH {
            return Err(SamlError::TooDeep);
        }
    }
    Ok(())
}

/// Refuses a response whose status says the sign-in failed; a response without a status (which
/// the schema does not allow) is given the benefit of the doubt.
fn check_status(response: Node<'_, '_>) -> Result<(), SamlError> {
    let code = child(response, PROTOCOL_NS, "Status")
        .and_then(|status| child(status, PROTOCOL_NS, "StatusCode"))
        .and_then(|code| plain_attribute(code, "Value"))
        .map(str::trim);
    match code {
        Some(code) if code != SUCCESS => Err(SamlError::Failed(quote(code))),
        _ => Ok(()),
    }
}

/// The earliest `NotOnOrAfter` of the assertion's conditions and subject confirmations.
fn earliest_expiry(
    assertion: Node<'_, '_>,
    subject: Node<'_, '_>,
) -> Result<Option<i64>, SamlError> {
    let conditions = children(assertion, ASSERTION_NS, "Conditions")
        .filter_map(|c| plain_attribute(c, "NotOnOrAfter"))
        .map(|value| time("Conditions", value));
    let confirmations = children(subject, ASSERTION_NS, "SubjectConfirmation")
        .flat_map(|c| children(c, ASSERTION_NS, "SubjectConfirmationData"))
        .filter_map(|d| plain_attribute(d, "NotOnOrAfter"))
        .map(|value| time("SubjectConfirmationData", value));
    let mut earliest: Option<i64> = None;
    for instant in conditions.chain(confirmations) {
        let instant = instant?;
        earliest = Some(earliest.map_or(instant, |e| e.min(instant)));
    }
    Ok(earliest)
}

/// Reads an xs:dateTime into whole seconds since the epoch.
fn time(element: &'static str, value: &str) -> Result<i64, SamlError> {
    let text = value.trim();
    // SAML requires UTC, which providers write with `Z`; a time written without any zone is
    // read as UTC rather than refused. RFC 3339 covers the rest of xs:dateTime that SAML uses.
    let zone_given = match text.find(['T', 't']).and_then(|at| text.get(at..)) {
        Some(time_of_day) => time_of_day.contains(['Z', 'z', '+', '-']),
        None => true,
    };
    let parsed = if zone_given {
        DateTime::parse_rfc3339(text)
    } else {
        DateTime::parse_rfc3339(&format!("{text}Z"))
    };
    parsed.map(|t| t.secs()).map_err(|_| SamlError::BadTime {
        element,
        value: quote(text),
    })
}

/// Every attribute of the assertion's attribute statements, values by name.
fn attributes(assertion: Node<'_, '_>) -> BTreeMap<String, Vec<String>> {
    let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let statements = children(assertion, ASSERTION_NS, "AttributeStatement");
    for attribute in statements.flat_map(|s| children(s, ASSERTION_NS, "Attribute")) {
        // The schema requires a name; an attribute without one could never match a rule.
        let Some(name) = plain_attribute(attribute, "Name") else {
            continue;
        };
        let values = children(attribute, ASSERTION_NS, "AttributeValue").map(text);
        attributes
            .entry(name.to_owned())
            .or_default()
            .extend(values);
    }
    attributes
}

/// Reads one Role value: a role ARN and a SAML provider ARN, joined by a comma, in either order.
fn role(value: &str) -> Result<SamlRole, SamlError> {
    // IAM role names may themselves hold commas, so each comma is tried as the separator until
    // both sides read as the two kinds of ARN.
    for (at, _) in value.match_indices(',') {
        let (Some(first), Some(second)) = (value.get(..at), value.get(at + 1..)) else {
            continue;
        };
        let (first, second) = (first.trim(), second.trim());
        let pair = match (arn_kind(first), arn_kind(second)) {
            (Some(ArnKind::Role), Some(ArnKind::SamlProvider)) => (first, second),
            (Some(ArnKind::SamlProvider), Some(ArnKind::Role)) => (second, first),
            _ => continue,
        };
        return Ok(SamlRole {
            role_arn: pair.0.to_owned(),
            provider_arn: pair.1.to_owned(),
        });
    }
    Err(SamlError::BadRole(quote(value)))
}

/// The two kinds of IAM ARN a Role value pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArnKind {
    Role,
    SamlProvider,
}

/// Which kind of IAM ARN `arn` is, if either: `arn:PARTITION:iam::ACCOUNT:role/NAME` or
/// `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME`.
fn arn_kind(arn: &str) -> Option<ArnKind> {
    let mut parts = arn.splitn(6, ':');
    let (prefix, partition, service, _region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if prefix != "arn" || partition.is_empty() || service != "iam" || account.is_empty() {
        return None;
    }
    let named = |rest: &str| !rest.is_empty() && !rest.ends_with('/');
    if resource.strip_prefix("role/").is_some_and(named) {
        Some(ArnKind::Role)
    } else if resource.strip_prefix("saml-provider/").is_some_and(named) {
        Some(ArnKind::SamlProvider)
    } else {
        None
    }
}

/// Whether `node` is the element `local` in namespace `ns`, whatever prefix names it.
fn is(node: Node<'_, '_>, ns: &str, local: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(ns) && node.tag_name().name() == local
}

/// The child elements of `node` named `local` in namespace `ns`.
fn children<'a, 'input>(
    node: Node<'a, 'input>,
    ns: &'static str,
    local: &'static str,
) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(move |c| is(*c, ns, local))
}

/// The first child element of `node` named `local` in namespace `ns`. Only children count, so an
/// assertion quoted inside another's `Advice` is never taken for the one that was issued.
fn child<'a, 'input>(
    node: Node<'a, 'input>,
    ns: &'static str,
    local: &'static str,
) -> Option<Node<'a, 'input>> {
    children(node, ns, local).next()
}

/// The value of the unqualified attribute `name`. The parser's own lookup by a plain name also
/// matches prefixed attributes of that local name, which SAML's unqualified ones must not be
/// confused with.
fn plain_attribute<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.namespace().is_none() && a.name() == name)
        .map(|a| a.value())
}

/// All the text inside `node`, trimmed. Every text node counts: reading only the first would
/// let a comment cut a value short (`admin@example.com<!---->.evil.test` read as
/// `admin@example.com`), the trick behind several SAML libraries' sign-in bypasses.
fn text(node: Node<'_, '_>) -> String {
    let all: String = node
        .descendants()
        .filter(Node::is_text)
        .filter_map(|n| n.text())
        .collect();
    all.trim().to_owned()
}

/// An element's name for an error: `{namespace}Local`, or `Local` outside any namespace.
fn describe(node: Node<'_, '_>) -> String {
    let name = node.tag_name();
    match name.namespace() {
        Some(ns) => quote(&format!("`{{{ns}}}{}`", name.name())),
        None => quote(&format!("`{}`", name.name())),
    }
}

/// `text` cut to [`QUOTE_CHARS`] characters, with an ellipsis when something was cut.
fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or_default()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    /// A response as an identity provider posts it to AWS sign-in, signature elided.
    const RESPONSE: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
    xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
    ID="_8e8dc5f69a98cc4c1ff3427e5ce34606fd672f91e6" Version="2.0"
    IssueInstant="2024-01-01T00:00:00Z" Destination="https://signin.aws.amazon.com/saml">
  <saml:Issuer>https://idp.example.com/metadata</saml:Issuer>
  <samlp:Status>
    <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
  </samlp:Status>
  <saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
      xmlns:xs="http://www.w3.org/2001/XMLSchema"
      ID="_d71a3a8e9fcc45c9e9d248ef7049393fc8f04e5f75" Version="2.0"
      IssueInstant="2024-01-01T00:00:00Z">
    <saml:Issuer>https://idp.example.com/assertions</saml:Issuer>
    <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
      <ds:SignedInfo>
        <ds:Reference URI="#_d71a3a8e9fcc45c9e9d248ef7049393fc8f04e5f75">
          <ds:DigestValue>c2lnbmF0dXJlIGVsaWRlZA==</ds:DigestValue>
        </ds:Reference>
      </ds:SignedInfo>
      <ds:SignatureValue>c2lnbmF0dXJlIGVsaWRlZA==</ds:SignatureValue>
    </ds:Signature>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">
        jane.doe@example.com
      </saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData NotOnOrAfter="2024-01-01T00:05:00.123Z"
            Recipient="https://signin.aws.amazon.com/saml"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="2023-12-31T23:59:00Z" NotOnOrAfter="2024-01-01T01:00:00Z">
      <saml:AudienceRestriction>
        <saml:Audience>urn:amazon:webservices</saml:Audience>
      </saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AuthnStatement AuthnInstant="2024-01-01T00:00:00Z" SessionIndex="_be9967abd904ddcae3c0eb4189adbe3f71e327cf93">
      <saml:AuthnContext>
        <saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef>
      </saml:AuthnContext>
    </saml:AuthnStatement>
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">
        <saml:AttributeValue xsi:type="xs:string">arn:aws:iam::123456789012:role/Developer,arn:aws:iam::123456789012:saml-provider/ExampleIdP</saml:AttributeValue>
        <saml:AttributeValue xsi:type="xs:string">
          arn:aws:iam::123456789012:saml-provider/ExampleIdP, arn:aws:iam::123456789012:role/ReadOnly
        </saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">
        <saml:AttributeValue xsi:type="xs:string">jane.doe</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="email" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">
        <saml:AttributeValue xsi:type="xs:string"> jane.doe@example.com </saml:AttributeValue>
      </saml:Attribute>
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>
"##;

    /// 2024-01-01T00:00:00Z in seconds since the epoch.
    const NEW_YEAR_2024: i64 = 1_704_067_200;

    fn token(xml: &str) -> String {
        STANDARD.encode(xml)
    }

    /// A bare assertion in the default namespace with `inner` after its subject.
    fn assertion(subject: &str, inner: &str) -> String {
        format!(
            r#"<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion">{subject}{inner}</Assertion>"#
        )
    }

    fn expected() -> SamlLogin {
        let mut attributes = BTreeMap::new();
        attributes.insert(
            ROLE_ATTRIBUTE.to_owned(),
            vec![
                "arn:aws:iam::123456789012:role/Developer,arn:aws:iam::123456789012:saml-provider/ExampleIdP".to_owned(),
                "arn:aws:iam::123456789012:saml-provider/ExampleIdP, arn:aws:iam::123456789012:role/ReadOnly".to_owned(),
            ],
        );
        attributes.insert(
            "https://aws.amazon.com/SAML/Attributes/RoleSessionName".to_owned(),
            vec!["jane.doe".to_owned()],
        );
        attributes.insert("email".to_owned(), vec!["jane.doe@example.com".to_owned()]);
        SamlLogin {
            name_id: "jane.doe@example.com".to_owned(),
            name_id_format: Some("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".to_owned()),
            issuer: Some("https://idp.example.com/assertions".to_owned()),
            roles: vec![
                SamlRole {
                    role_arn: "arn:aws:iam::123456789012:role/Developer".to_owned(),
                    provider_arn: "arn:aws:iam::123456789012:saml-provider/ExampleIdP".to_owned(),
                },
                SamlRole {
                    role_arn: "arn:aws:iam::123456789012:role/ReadOnly".to_owned(),
                    provider_arn: "arn:aws:iam::123456789012:saml-provider/ExampleIdP".to_owned(),
                },
            ],
            // The subject confirmation's 00:05:00.123 comes before the conditions' 01:00:00.
            not_on_or_after: Some(NEW_YEAR_2024 + 300),
            attributes,
        }
    }

    #[test]
    fn realistic_response_reads_every_field() {
        assert_eq!(read(&token(RESPONSE)), Ok(expected()));
    }

    #[test]
    fn any_prefix_or_none_names_the_saml_namespaces() {
        let saml2 = RESPONSE
            .replace("samlp:", "saml2p:")
            .replace("xmlns:samlp=", "xmlns:saml2p=")
            .replace("xmlns:saml=", "xmlns:saml2=")
            .replace("saml:", "saml2:");
        assert_eq!(read(&token(&saml2)), Ok(expected()));
        let unprefixed = RESPONSE
            .replace("xmlns:saml=", "xmlns=")
            .replace("saml:", "");
        assert_eq!(read(&token(&unprefixed)), Ok(expected()));
    }

    #[test]
    fn the_right_name_in_the_wrong_namespace_is_not_an_assertion() {
        let saml1 = RESPONSE.replace(
            "urn:oasis:names:tc:SAML:2.0:assertion",
            "urn:oasis:names:tc:SAML:1.0:assertion",
        );
        assert_eq!(
            read(&token(&saml1)),
            Err(SamlError::NoAssertion { encrypted: false })
        );
        let not_saml = r#"<Response xmlns="urn:example:other"/>"#;
        let error = read(&token(not_saml)).unwrap_err();
        assert_eq!(
            error,
            SamlError::NotSaml("`{urn:example:other}Response`".to_owned())
        );
        assert!(error
            .to_string()
            .contains("not a SAML 2.0 Response or Assertion"));
    }

    #[test]
    fn a_bare_assertion_is_read() {
        let start = RESPONSE.find("<saml:Assertion").unwrap();
        let end = RESPONSE.find("</samlp:Response>").unwrap();
        let bare = RESPONSE[start..end].replacen(
            "<saml:Assertion ",
            r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" "#,
            1,
        );
        assert_eq!(read(&token(&bare)), Ok(expected()));
    }

    #[test]
    fn the_response_issuer_stands_in_for_a_missing_assertion_issuer() {
        let xml = RESPONSE.replace(
            "<saml:Issuer>https://idp.example.com/assertions</saml:Issuer>",
            "",
        );
        let login = read(&token(&xml)).unwrap();
        assert_eq!(
            login.issuer.as_deref(),
            Some("https://idp.example.com/metadata")
        );
    }

    #[test]
    fn url_safe_base64_without_padding_is_read() {
        // The text is chosen so its base64 has both `+`/`/` and padding to lose.
        let xml = RESPONSE.replace("jane.doe@example.com\n", "jane.doe+??>@example.com\n");
        let standard = token(&xml);
        assert!(standard.contains(['+', '/']) && standard.ends_with('='));
        let login = read(&URL_SAFE_NO_PAD.encode(&xml)).unwrap();
        assert_eq!(login.name_id, "jane.doe+??>@example.com");
    }

    #[test]
    fn base64_with_line_breaks_and_spaces_is_read() {
        let flat = token(RESPONSE);
        let wrapped: Vec<&str> = flat
            .as_bytes()
            .chunks(76)
            .map(|line| std::str::from_utf8(line).unwrap())
            .collect();
        let wrapped = format!("  {}\r\n", wrapped.join("\r\n \t"));
        assert_eq!(read(&wrapped), Ok(expected()));
    }

    #[test]
    fn text_that_is_not_base64_is_refused() {
        assert_eq!(
            read("not base64!"),
            Err(SamlError::NotBase64 {
                looks_like_xml: false
            })
        );
        let raw = read(RESPONSE).unwrap_err();
        assert_eq!(
            raw,
            SamlError::NotBase64 {
                looks_like_xml: true
            }
        );
        assert_eq!(
            raw.to_string(),
            "Invalid login token. The SAML response is not valid base64. It looks like raw \
             XML; pass it base64-encoded, as the identity provider posts it."
        );
        assert_eq!(read(" \n "), Err(SamlError::Empty));
    }

    #[test]
    fn base64_of_something_other_than_xml_is_refused() {
        assert_eq!(
            read(&STANDARD.encode([0xff, 0xfe, 0x00])),
            Err(SamlError::NotUtf8)
        );
        let error = read(&token("this is not XML")).unwrap_err();
        assert!(matches!(error, SamlError::NotXml(_)), "{error:?}");
        assert!(error
            .to_string()
            .starts_with("Invalid login token. The SAML response is not well-formed XML: "));
        let unclosed = read(&token(
            "<Assertion xmlns='urn:oasis:names:tc:SAML:2.0:assertion'>",
        ));
        assert!(
            matches!(unclosed, Err(SamlError::NotXml(_))),
            "{unclosed:?}"
        );
    }

    #[test]
    fn dtds_and_entity_bombs_are_refused() {
        let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE Assertion [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion">
  <Subject><NameID>&lol4;</NameID></Subject>
</Assertion>"#;
        let error = read(&token(bomb)).unwrap_err();
        assert_eq!(error, SamlError::Dtd);
        assert!(error.to_string().contains("document type declaration"));
        let external = r#"<!DOCTYPE a SYSTEM "http://idp.example.com/a.dtd" [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>"#;
        assert_eq!(read(&token(external)), Err(SamlError::Dtd));
        // Without a DTD an entity reference names nothing.
        let undeclared = assertion("<Subject><NameID>&lol;</NameID></Subject>", "");
        assert!(matches!(
            read(&token(&undeclared)),
            Err(SamlError::NotXml(_))
        ));
    }

    #[test]
    fn a_response_without_an_assertion_is_refused() {
        let start = RESPONSE.find("<saml:Assertion").unwrap();
        let end = RESPONSE.find("</samlp:Response>").unwrap();
        let mut empty = RESPONSE.to_owned();
        empty.replace_range(start..end, "");
        let error = read(&token(&empty)).unwrap_err();
        assert_eq!(error, SamlError::NoAssertion { encrypted: false });
        assert_eq!(
            error.to_string(),
            "Invalid login token. The SAML response has no Assertion."
        );
        let mut encrypted = RESPONSE.to_owned();
        encrypted.replace_range(
            start..end,
            "<saml:EncryptedAssertion><xenc:EncryptedData \
             xmlns:xenc='http://www.w3.org/2001/04/xmlenc#'/></saml:EncryptedAssertion>",
        );
        assert_eq!(
            read(&token(&encrypted)),
            Err(SamlError::NoAssertion { encrypted: true })
        );
    }

    #[test]
    fn an_assertion_without_a_name_id_is_refused() {
        let no_name_id = read(&token(&assertion("<Subject/>", ""))).unwrap_err();
        assert_eq!(no_name_id, SamlError::NoNameId { encrypted: false });
        assert_eq!(
            no_name_id.to_string(),
            "Invalid login token. The SAML assertion's Subject has no NameID, or an empty one."
        );
        let blank = assertion("<Subject><NameID Format='x'> \n </NameID></Subject>", "");
        assert_eq!(
            read(&token(&blank)),
            Err(SamlError::NoNameId { encrypted: false })
        );
        let encrypted = assertion("<Subject><EncryptedID/></Subject>", "");
        assert_eq!(
            read(&token(&encrypted)),
            Err(SamlError::NoNameId { encrypted: true })
        );
        assert_eq!(read(&token(&assertion("", ""))), Err(SamlError::NoSubject));
    }

    #[test]
    fn a_name_id_is_all_of_its_text() {
        let split = assertion(
            "<Subject><NameID>admin@example.com<!---->.evil.test</NameID></Subject>",
            "",
        );
        let login = read(&token(&split)).unwrap();
        assert_eq!(login.name_id, "admin@example.com.evil.test");
        assert_eq!(login.name_id_format, None);
        assert_eq!(login.issuer, None);
        assert!(login.roles.is_empty() && login.attributes.is_empty());
        assert_eq!(login.not_on_or_after, None);
        let cdata = assertion("<Subject><NameID><![CDATA[a<b]]></NameID></Subject>", "");
        assert_eq!(read(&token(&cdata)).unwrap().name_id, "a<b");
    }

    #[test]
    fn a_malformed_role_value_is_refused_by_name() {
        for value in [
            "arn:aws:iam::123456789012:role/Developer",
            "arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B",
            "arn:aws:iam::123456789012:saml-provider/P,arn:aws:s3:::bucket",
            "arn:aws:iam::123456789012:role/,arn:aws:iam::123456789012:saml-provider/P",
            ",",
            "",
        ] {
            let xml = assertion(
                "<Subject><NameID>jane</NameID></Subject>",
                &format!(
                    "<AttributeStatement><Attribute Name='{ROLE_ATTRIBUTE}'>\
                     <AttributeValue>{value}</AttributeValue></Attribute></AttributeStatement>"
                ),
            );
            let error = read(&token(&xml)).unwrap_err();
            assert_eq!(error, SamlError::BadRole(value.to_owned()));
            assert!(
                error.to_string().contains(&format!("`{value}` is not")),
                "{error}"
            );
        }
    }

    #[test]
    fn a_role_name_may_hold_a_comma() {
        for value in [
            "arn:aws:iam::1:role/a,b,arn:aws:iam::1:saml-provider/P",
            "arn:aws:iam::1:saml-provider/P,arn:aws:iam::1:role/a,b",
        ] {
            let xml = assertion(
                "<Subject><NameID>jane</NameID></Subject>",
                &format!(
                    "<AttributeStatement><Attribute Name='{ROLE_ATTRIBUTE}'>\
                     <AttributeValue>{value}</AttributeValue></Attribute></AttributeStatement>"
                ),
            );
            assert_eq!(
                read(&token(&xml)).unwrap().roles,
                vec![SamlRole {
                    role_arn: "arn:aws:iam::1:role/a,b".to_owned(),
                    provider_arn: "arn:aws:iam::1:saml-provider/P".to_owned(),
                }]
            );
        }
    }

    #[test]
    fn an_error_quotes_at_most_a_few_hundred_characters() {
        let value = "x".repeat(5000);
        let xml = assertion(
            "<Subject><NameID>jane</NameID></Subject>",
            &format!(
                "<AttributeStatement><Attribute Name='{ROLE_ATTRIBUTE}'>\
                 <AttributeValue>{value}</AttributeValue></Attribute></AttributeStatement>"
            ),
        );
        let error = read(&token(&xml)).unwrap_err();
        assert_eq!(error, SamlError::BadRole(format!("{}…", "x".repeat(200))));
    }

    #[test]
    fn the_earliest_not_on_or_after_wins() {
        let xml = assertion(
            "<Subject><NameID>jane</NameID>\
             <SubjectConfirmation><SubjectConfirmationData NotOnOrAfter='2024-01-01T00:10:00Z'/>\
             </SubjectConfirmation>\
             <SubjectConfirmation><SubjectConfirmationData NotOnOrAfter=' 2024-01-01T00:02:00.999999Z '/>\
             </SubjectConfirmation></Subject>",
            "<Conditions NotOnOrAfter='2024-01-01T00:03:00+00:00'/>",
        );
        assert_eq!(
            read(&token(&xml)).unwrap().not_on_or_after,
            Some(NEW_YEAR_2024 + 120)
        );
        // SAML times are UTC, so one written without a zone is read as UTC.
        let unzoned = assertion(
            "<Subject><NameID>jane</NameID></Subject>",
            "<Conditions NotOnOrAfter='2024-01-01T00:00:30.5'/>",
        );
        assert_eq!(
            read(&token(&unzoned)).unwrap().not_on_or_after,
            Some(NEW_YEAR_2024 + 30)
        );
        let before_epoch = assertion(
            "<Subject><NameID>jane</NameID></Subject>",
            "<Conditions NotOnOrAfter='1969-12-31T23:59:59Z'/>",
        );
        assert_eq!(
            read(&token(&before_epoch)).unwrap().not_on_or_after,
            Some(-1)
        );
    }

    #[test]
    fn a_not_on_or_after_that_is_not_a_time_is_refused() {
        for value in ["tomorrow", "2024-13-01T00:00:00Z", "2024-01-01", ""] {
            let xml = assertion(
                "<Subject><NameID>jane</NameID></Subject>",
                &format!("<Conditions NotOnOrAfter='{value}'/>"),
            );
            let error = read(&token(&xml)).unwrap_err();
            assert_eq!(
                error,
                SamlError::BadTime {
                    element: "Conditions",
                    value: value.to_owned()
                }
            );
            assert!(error.to_string().contains("Conditions NotOnOrAfter"));
        }
    }

    #[test]
    fn a_failed_response_is_refused() {
        let failed = RESPONSE.replace(
            "status:Success",
            "status:Responder\"/><!-- --><samlp:StatusCode Value=\"x",
        );
        let error = read(&token(&failed)).unwrap_err();
        assert_eq!(
            error,
            SamlError::Failed("urn:oasis:names:tc:SAML:2.0:status:Responder".to_owned())
        );
    }

    #[test]
    fn attributes_of_every_statement_are_gathered() {
        let xml = assertion(
            "<Subject><NameID>jane</NameID></Subject>",
            "<AttributeStatement><Attribute Name='groups'><AttributeValue>a</AttributeValue>\
             </Attribute><Attribute><AttributeValue>unnamed</AttributeValue></Attribute>\
             </AttributeStatement>\
             <AttributeStatement><Attribute Name='groups'><AttributeValue> b </AttributeValue>\
             <AttributeValue/></Attribute></AttributeStatement>",
        );
        let attributes = read(&token(&xml)).unwrap().attributes;
        assert_eq!(attributes.len(), 1);
        assert_eq!(attributes["groups"], ["a", "b", ""]);
    }

    #[test]
    fn oversize_tokens_are_refused_before_decoding() {
        let error = read(&"A".repeat(MAX_TOKEN_BYTES + 1)).unwrap_err();
        assert_eq!(
            error,
            SamlError::TooLarge {
                bytes: MAX_TOKEN_BYTES + 1
            }
        );
        assert!(error.to_string().contains("at most 100000"));
        let at_the_cap = read(&"A".repeat(MAX_TOKEN_BYTES)).unwrap_err();
        assert!(!matches!(at_the_cap, SamlError::TooLarge { .. }));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let nest = |levels: usize| {
            assertion(
                "<Subject><NameID>jane</NameID></Subject>",
                &format!("{}{}", "<x>".repeat(levels), "</x>".repeat(levels)),
            )
        };
        // The assertion itself is the first level.
        assert!(read(&token(&nest(MAX_DEPTH - 1))).is_ok());
        assert_eq!(read(&token(&nest(MAX_DEPTH))), Err(SamlError::TooDeep));
        // As deep as the size cap allows, which would overflow a recursive parser's stack.
        let deepest = token(&nest(10_000));
        assert!(deepest.len() <= MAX_TOKEN_BYTES);
        assert_eq!(read(&deepest), Err(SamlError::TooDeep));
    }

    /// A small xorshift generator, so the mutation test needs no dependency and always
    /// replays the same cases.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        /// A number below `n`, or 0 when `n` is 0.
        fn below(&mut self, n: usize) -> usize {
            if n == 0 {
                0
            } else {
                (self.next() % n as u64) as usize
            }
        }
    }

    /// Pieces of SAML and XML syntax the mutations splice in, so that mutants reach the
    /// reader's deeper paths rather than only the parser's first error.
    const SNIPPETS: &[&str] = &[
        "<",
        ">",
        "/>",
        "\"",
        "&",
        "&lol;",
        "&#0;",
        "&#x10FFFF;",
        "<!DOCTYPE a [<!ENTITY lol 'x'>]>",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        ",",
        ":role/",
        ":saml-provider/",
        "arn:aws:iam::1:role/R,arn:aws:iam::1:saml-provider/P",
        "NotOnOrAfter='9999-12-31T23:59:60Z'",
        "NotOnOrAfter='0000-01-01T00:00:00-23:59'",
        "<saml:Assertion>",
        "</saml:Assertion>",
        "<saml:NameID>",
        "xmlns:saml='urn:oasis:names:tc:SAML:2.0:protocol'",
        "xmlns=''",
        "é",
        "\u{feff}",
    ];

    fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
        for _ in 0..=rng.below(4) {
            let at = rng.below(bytes.len() + 1);
            match rng.below(5) {
                0 if at < bytes.len() => bytes[at] = rng.next() as u8,
                1 => {
                    let end = (at + rng.below(32)).min(bytes.len());
                    bytes.drain(at..end);
                }
                2 => {
                    let snippet = SNIPPETS[rng.below(SNIPPETS.len())].as_bytes();
                    bytes.splice(at..at, snippet.iter().copied());
                }
                3 => {
                    let end = (at + rng.below(64)).min(bytes.len());
                    let copy = bytes[at..end].to_vec();
                    let to = rng.below(bytes.len() + 1);
                    bytes.splice(to..to, copy);
                }
                _ => bytes.truncate(at),
            }
        }
    }

    #[test]
    fn read_never_panics_on_mutated_input() {
        let mut rng = Rng(0x5eed_5a41_1234_abcd);
        let mut read_fine = 0;
        for round in 0..4000 {
            let token = if round % 4 == 3 {
                // Mutate the base64 text itself: alphabets, padding, whitespace.
                let mut text = token(RESPONSE).into_bytes();
                for _ in 0..=rng.below(3) {
                    let at = rng.below(text.len());
                    text[at] = b"A+/-_= \n<%"[rng.below(10)];
                }
                String::from_utf8_lossy(&text).into_owned()
            } else {
                let mut xml = RESPONSE.as_bytes().to_vec();
                mutate(&mut rng, &mut xml);
                STANDARD.encode(&xml)
            };
            if read(&token).is_ok() {
                read_fine += 1;
            }
        }
        // Some mutants are harmless (a changed signature byte), so a reader that refused
        // everything would show here.
        assert!(read_fine > 100, "only {read_fine} mutants were read");
    }
}
