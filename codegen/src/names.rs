//! The naming table: every Rust identifier the generated crate uses for a model name,
//! decided once from the IR and checked for collisions before anything is emitted.
//!
//! Emitters ask [`Names`] and never convert case themselves. Nothing here emits code or
//! reads files. The rules, each in one function below:
//!
//! - Words: a model name is split into chunks at every character that is not an ASCII
//!   letter or digit, and `heck` converts each chunk. A short table of whole words
//!   ([`WHOLE_WORDS`]: `IPv4`, `IPv6`, `OAuth`, `iOS`) is rewritten first so they stay one
//!   word (`IPv4Address` becomes `Ipv4Address` and `ipv4_address`).
//! - Types, enum variants and union variants are UpperCamelCase. Where two chunks meet digit
//!   to digit they are joined with `_` so `1.0` does not read as `10`. A name that starts
//!   with a digit gets a `V` prefix (`2FA` becomes `V2fa`); `Self` becomes `Self_`.
//! - Names without any letter or digit (`*`, `-`, `.`) spell out their characters
//!   (`Asterisk`, `HyphenMinus`, `FullStop`); other characters spell as `U` and their code
//!   point in hex. The empty string is `Empty`.
//! - Enum and union variants named `Unknown` become `UnknownValue`, because every generated
//!   enum owns an `Unknown` variant for values the model does not list.
//! - Fields and methods are snake_case; keywords become raw identifiers (`r#type`), and
//!   `self`, `super` and `crate`, which cannot be raw, get a `_` suffix. Module names use the
//!   suffix for every keyword. A snake name that starts with a digit gets a `_` prefix.
//! - Helper functions named after a shape use the snake_case shape name, for every kind of
//!   shape, so those names must be unique among all shapes too.
//! - Operation constants are SCREAMING_SNAKE_CASE of the operation name.
//! - Generated names: `{Operation}Input` and `{Operation}Output` only when the operation has
//!   no input or output shape, `{Operation}Error` for an operation's error enum, `Error` for
//!   the service-wide error, and the UpperCamelCase service id for the server trait.
//!
//! Collisions are errors, never renamed away: two model names mapping to one identifier in
//! the same scope, or a model name meeting a generated name, fail [`Names::new`] with a
//! message naming both origins. The scopes are module `types` (structure, union, enum and
//! intEnum shapes that are not errors, plus synthesized inputs and outputs), module `error`
//! (error shapes, operation error enums and `Error`), the crate root (the service trait,
//! `Client`, `Router`, `Config`), the snake_case names of all shapes, the fields of one structure, the variants of one enum or
//! union, the client's methods and the operation constants. Shapes named like std items
//! (`Result`, `Option`, `String`) are fine: generated code uses absolute paths.

use std::collections::BTreeMap;
use std::fmt;

use heck::{ToSnakeCase, ToUpperCamelCase};
use model::ir;
use proc_macro2::{Ident, Span};

use crate::CodegenError;

/// Whole words that must survive case conversion as one word: the model spelling and the
/// UpperCamelCase form it is rewritten to before `heck` splits words.
pub const WHOLE_WORDS: &[(&str, &str)] = &[
    ("IPv4", "Ipv4"),
    ("IPv6", "Ipv6"),
    ("OAuth", "Oauth"),
    ("iOS", "Ios"),
];

/// Rust keywords that may be written as raw identifiers (`r#type`). Reserved words are
/// included so that names stay valid in later editions.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a `_` suffix instead.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate"];

/// The items the generator always writes at the crate root, besides the service trait.
const ROOT_ITEMS: &[&str] = &["Client", "Config", "Router"];

/// The name of the service-wide error enum in module `error`.
const SERVICE_ERROR: &str = "Error";

/// The names decided for one operation.
#[derive(Debug, Clone)]
struct OperationNames {
    function: String,
    pages_function: String,
    pages_type: String,
    constant: String,
    input: String,
    output: String,
    error: String,
}

/// Every Rust identifier of the generated crate, keyed by model name.
///
/// Lookups of names the model does not contain (which emitters should never make) fall back
/// to the same rules, unchecked for collisions, so that a lookup never fails.
#[derive(Debug, Clone)]
pub struct Names {
    types: BTreeMap<String, String>,
    shape_fns: BTreeMap<String, String>,
    fields: BTreeMap<(String, String), String>,
    enum_variants: BTreeMap<(String, String), String>,
    union_variants: BTreeMap<(String, String), String>,
    operations: BTreeMap<String, OperationNames>,
    service_trait: String,
}

/// Methods every generated `Client` has besides one per operation.
const CLIENT_METHODS: &[&str] = &["new", "with_transport", "config"];

/// Items of the `operation` module besides one constant per operation.
const OPERATION_STATICS: &[&str] = &["SERVICE", "ALL"];

impl Names {
    /// Decides every name of `service` and checks them all; the error lists every collision.
    pub fn new(service: &ir::Service) -> Result<Names, CodegenError> {
        let mut problems = Vec::new();
        let mut names = Names {
            types: BTreeMap::new(),
            shape_fns: BTreeMap::new(),
            fields: BTreeMap::new(),
            enum_variants: BTreeMap::new(),
            union_variants: BTreeMap::new(),
            operations: BTreeMap::new(),
            service_trait: type_ident(&service.metadata.service_id),
        };

        let mut types_module = Scope::new("Rust type", "module `types`");
        let mut error_module = Scope::new("Rust type", "module `error`");
        let mut shape_fns = Scope::new("function name", "the functions named after shapes");
        for shape in service.shapes.values() {
            let function = snake_ident(&shape.name);
            shape_fns.claim(
                &function,
                Origin::named("shape", &shape.name),
                &mut problems,
            );
            names.shape_fns.insert(shape.name.clone(), function);
            names.add_shape(shape, &mut types_module, &mut error_module, &mut problems);
        }

        let mut methods = Scope::new("method", "the client");
        for method in CLIENT_METHODS {
            methods.claim(
                method,
                Origin::named("generated method", method),
                &mut problems,
            );
        }
        let mut constants = Scope::new("constant", "the operation constants");
        for constant in OPERATION_STATICS {
            constants.claim(
                constant,
                Origin::named("generated item", constant),
                &mut problems,
            );
        }
        for op in &service.operations {
            let decided = operation_names(&op.name, op.input.as_deref(), op.output.as_deref());
            let origin = |kind| Origin::named(kind, &op.name);
            methods.claim(&decided.function, origin("operation"), &mut problems);
            if op.pagination.is_some() {
                let kind = "pages method of operation";
                methods.claim(&decided.pages_function, origin(kind), &mut problems);
            }
            constants.claim(&decided.constant, origin("operation"), &mut problems);
            if op.input.is_none() {
                let kind = "synthesized input of operation";
                types_module.claim(&decided.input, origin(kind), &mut problems);
            }
            if op.output.is_none() {
                let kind = "synthesized output of operation";
                types_module.claim(&decided.output, origin(kind), &mut problems);
            }
            let kind = "error enum of operation";
            error_module.claim(&decided.error, origin(kind), &mut problems);
            names.operations.insert(op.name.clone(), decided);
        }
        let service_error = Origin::unnamed("the service-wide error enum");
        error_module.claim(SERVICE_ERROR, service_error, &mut problems);

        let mut root = Scope::new("Rust item", "the crate root");
        for item in ROOT_ITEMS {
            root.claim(item, Origin::named("generated item", item), &mut problems);
        }
        let service_id = &service.metadata.service_id;
        let trait_origin = Origin::named("the service trait for service id", service_id);
        root.claim(&names.service_trait, trait_origin, &mut problems);

        if problems.is_empty() {
            Ok(names)
        } else {
            Err(CodegenError::Naming(problems.join("; ")))
        }
    }

    fn add_shape(
        &mut self,
        shape: &ir::Shape,
        types_module: &mut Scope,
        error_module: &mut Scope,
        problems: &mut Vec<String>,
    ) {
        let owner = &shape.name;
        let (members, values): (&[ir::Member], Vec<&str>) = match &shape.kind {
            ir::ShapeKind::Structure(members) | ir::ShapeKind::Union(members) => {
                (members, Vec::new())
            }
            ir::ShapeKind::Enum(values) => (&[], values.iter().map(|v| v.name.as_str()).collect()),
            ir::ShapeKind::IntEnum(values) => {
                (&[], values.iter().map(|v| v.name.as_str()).collect())
            }
            // Lists, maps and scalars become std types and get no name of their own.
            _ => return,
        };

        let type_name = type_ident(owner);
        if shape.error.is_some() {
            error_module.claim(&type_name, Origin::named("error shape", owner), problems);
        } else {
            types_module.claim(&type_name, Origin::named("shape", owner), problems);
        }
        self.types.insert(owner.clone(), type_name);

        let scope_name = format!("shape `{owner}`");
        match &shape.kind {
            ir::ShapeKind::Structure(_) => {
                let mut scope = Scope::new("field", &scope_name);
                for member in members {
                    let field = snake_ident(&member.name);
                    scope.claim(&field, Origin::named("member", &member.name), problems);
                    self.fields
                        .insert((owner.clone(), member.name.clone()), field);
                }
            }
            ir::ShapeKind::Union(_) => {
                let mut scope = Scope::new("variant", &scope_name);
                for member in members {
                    let variant = variant_ident(&member.name);
                    scope.claim(&variant, Origin::named("member", &member.name), problems);
                    self.union_variants
                        .insert((owner.clone(), member.name.clone()), variant);
                }
            }
            _ => {
                let mut scope = Scope::new("variant", &scope_name);
                for value in values {
                    let variant = variant_ident(value);
                    scope.claim(&variant, Origin::named("value", value), problems);
                    self.enum_variants
                        .insert((owner.clone(), (*value).to_owned()), variant);
                }
            }
        }
    }

    /// The Rust type of a structure, union, enum or intEnum shape (errors included), in
    /// UpperCamelCase: `GetIdInput`, `OidcToken`.
    pub fn type_name(&self, shape: &str) -> Ident {
        match self.types.get(shape) {
            Some(name) => ident(name),
            None => ident(&type_ident(shape)),
        }
    }

    /// The snake_case form of any shape's name (scalars, lists and maps included), unique
    /// among shapes, for helper functions named after a shape (`check_identity_pool_id`).
    pub fn shape_fn(&self, shape: &str) -> Ident {
        match self.shape_fns.get(shape) {
            Some(name) => ident(name),
            None => ident(&snake_ident(shape)),
        }
    }

    /// The field of a structure member in snake_case; keywords are raw (`r#type`).
    pub fn field(&self, shape: &str, member: &str) -> Ident {
        match self.fields.get(&(shape.to_owned(), member.to_owned())) {
            Some(name) => ident(name),
            None => ident(&snake_ident(member)),
        }
    }

    /// The variant of an enum or intEnum value, from the value's model name.
    pub fn enum_variant(&self, shape: &str, value_name: &str) -> Ident {
        match self
            .enum_variants
            .get(&(shape.to_owned(), value_name.to_owned()))
        {
            Some(name) => ident(name),
            None => ident(&variant_ident(value_name)),
        }
    }

    /// The variant of a union member.
    pub fn union_variant(&self, shape: &str, member: &str) -> Ident {
        match self
            .union_variants
            .get(&(shape.to_owned(), member.to_owned()))
        {
            Some(name) => ident(name),
            None => ident(&variant_ident(member)),
        }
    }

    /// The client and server method of an operation: `get_open_id_token_for_developer_identity`.
    pub fn operation_fn(&self, op: &str) -> Ident {
        ident(&self.operation(op).function)
    }

    /// The constant that holds an operation's metadata: `GET_OPEN_ID_TOKEN`.
    /// The `Client` method that pages through a paginated operation (`{op}_pages`).
    pub fn pages_fn(&self, op: &str) -> Ident {
        ident(&self.operation(op).pages_function)
    }

    /// The type in module `pagination` that pages through an operation (`{Op}Pages`).
    pub fn pages_type(&self, op: &str) -> Ident {
        ident(&self.operation(op).pages_type)
    }

    pub fn operation_const(&self, op: &str) -> Ident {
        ident(&self.operation(op).constant)
    }

    /// The input type of an operation: its input shape's type, or `{Op}Input`.
    pub fn input_type(&self, op: &str) -> Ident {
        ident(&self.operation(op).input)
    }

    /// The output type of an operation: its output shape's type, or `{Op}Output`.
    pub fn output_type(&self, op: &str) -> Ident {
        ident(&self.operation(op).output)
    }

    /// The error enum of an operation, in module `error`: `{Op}Error`.
    pub fn op_error(&self, op: &str) -> Ident {
        ident(&self.operation(op).error)
    }

    /// The service-wide error enum, in module `error`.
    pub fn service_error(&self) -> Ident {
        ident(SERVICE_ERROR)
    }

    /// The server trait: the service id in UpperCamelCase (`CognitoIdentity`).
    pub fn service_trait(&self) -> Ident {
        ident(&self.service_trait)
    }

    /// A module name in snake_case; every keyword gets a `_` suffix (`type_`).
    pub fn module(name: &str) -> Ident {
        ident(&module_ident(name))
    }

    fn operation(&self, op: &str) -> OperationNames {
        match self.operations.get(op) {
            Some(names) => names.clone(),
            None => operation_names(op, None, None),
        }
    }
}

/// The names of an operation; `input` and `output` are its shapes, when it has them.
fn operation_names(op: &str, input: Option<&str>, output: Option<&str>) -> OperationNames {
    let base = type_ident(op);
    let function = snake_ident(op);
    OperationNames {
        pages_function: format!("{}_pages", function.trim_start_matches("r#")),
        pages_type: format!("{base}Pages"),
        function,
        constant: constant_ident(op),
        input: input.map_or_else(|| format!("{base}Input"), type_ident),
        output: output.map_or_else(|| format!("{base}Output"), type_ident),
        error: format!("{base}Error"),
    }
}

/// Builds an identifier from a name made by the rules here, which only produce ASCII
/// letters, digits and `_`, never start with a digit, and mark raw keywords with `r#`.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

// ---------------------------------------------------------------------------------------
// Collision bookkeeping.

/// Where a name came from, for error messages.
#[derive(Debug, Clone)]
struct Origin {
    kind: &'static str,
    name: Option<String>,
}

impl Origin {
    fn named(kind: &'static str, name: &str) -> Origin {
        Origin {
            kind,
            name: Some(name.to_owned()),
        }
    }

    fn unnamed(kind: &'static str) -> Origin {
        Origin { kind, name: None }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{} `{name}`", self.kind),
            None => f.write_str(self.kind),
        }
    }
}

/// One scope in which every identifier must be unique.
struct Scope {
    what: &'static str,
    place: String,
    taken: BTreeMap<String, Origin>,
}

impl Scope {
    fn new(what: &'static str, place: &str) -> Scope {
        Scope {
            what,
            place: place.to_owned(),
            taken: BTreeMap::new(),
        }
    }

    /// Records `name` for `origin`, or a problem naming both origins when it is taken.
    fn claim(&mut self, name: &str, origin: Origin, problems: &mut Vec<String>) {
        let Some(first) = self.taken.get(name) else {
            self.taken.insert(name.to_owned(), origin);
            return;
        };
        let both = match (&first.name, &origin.name) {
            (Some(a), Some(b)) if first.kind == origin.kind => {
                format!("{}s `{a}` and `{b}`", first.kind)
            }
            _ => format!("{first} and {origin}"),
        };
        problems.push(format!(
            "{both} both map to {} `{name}` in {}",
            self.what, self.place
        ));
    }
}

// ---------------------------------------------------------------------------------------
// Case conversion rules.

/// Rewrites the whole words of [`WHOLE_WORDS`]. A word matches where the next character is
/// not a lowercase letter; a word that starts in lowercase must also not follow a letter.
fn protect_whole_words(raw: &str) -> String {
    let mut text = raw.to_owned();
    for (word, replacement) in WHOLE_WORDS {
        let mut from = 0;
        while let Some(found) = text.get(from..).and_then(|rest| rest.find(word)) {
            let start = from + found;
            let end = start + word.len();
            let next_ok = !text[end..].starts_with(|c: char| c.is_ascii_lowercase());
            let starts_lower = word.starts_with(|c: char| c.is_ascii_lowercase());
            let prev_ok =
                !starts_lower || !text[..start].ends_with(|c: char| c.is_ascii_alphabetic());
            if next_ok && prev_ok {
                text.replace_range(start..end, replacement);
                from = start + replacement.len();
            } else {
                from = end;
            }
        }
    }
    text
}

/// The chunks of a name: runs of ASCII letters and digits, or spelled-out characters when
/// the name has none.
fn chunks(raw: &str) -> Vec<String> {
    let protected = protect_whole_words(raw);
    let found: Vec<String> = protected
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|chunk| !chunk.is_empty())
        .map(str::to_owned)
        .collect();
    if !found.is_empty() {
        return found;
    }
    if raw.is_empty() {
        return vec!["Empty".to_owned()];
    }
    raw.chars().map(|c| spell(c).to_owned()).collect()
}

/// A name for a character in a name that has no letters or digits.
fn spell(c: char) -> String {
    let name = match c {
        '*' => "Asterisk",
        '-' => "HyphenMinus",
        '+' => "Plus",
        '.' => "FullStop",
        '/' => "Solidus",
        '\\' => "ReverseSolidus",
        ':' => "Colon",
        ';' => "Semicolon",
        ',' => "Comma",
        '_' => "LowLine",
        '@' => "At",
        '#' => "NumberSign",
        '$' => "Dollar",
        '%' => "Percent",
        '&' => "Ampersand",
        '=' => "Equals",
        '!' => "Exclamation",
        '?' => "Question",
        '~' => "Tilde",
        '|' => "VerticalLine",
        '<' => "LessThan",
        '>' => "GreaterThan",
        ' ' => "Space",
        other => return format!("U{:04X}", u32::from(other)),
    };
    name.to_owned()
}

/// UpperCamelCase, with `_` where two chunks meet digit to digit.
fn upper_camel(raw: &str) -> String {
    let mut out = String::new();
    for chunk in chunks(raw) {
        let converted = chunk.to_upper_camel_case();
        let digit_meets_digit = out.ends_with(|c: char| c.is_ascii_digit())
            && converted.starts_with(|c: char| c.is_ascii_digit());
        if digit_meets_digit {
            out.push('_');
        }
        out.push_str(&converted);
    }
    out
}

/// snake_case, chunks joined with `_`.
fn snake(raw: &str) -> String {
    chunks(raw)
        .iter()
        .map(|chunk| chunk.to_snake_case())
        .collect::<Vec<_>>()
        .join("_")
}

/// A type name: UpperCamelCase, `V` before a leading digit, `Self` suffixed.
fn type_ident(raw: &str) -> String {
    let name = upper_camel(raw);
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// An enum or union variant: a type name, with `Unknown` kept for unlisted values.
fn variant_ident(raw: &str) -> String {
    let name = type_ident(raw);
    if name == "Unknown" {
        "UnknownValue".to_owned()
    } else {
        name
    }
}

fn snake_base(raw: &str) -> String {
    let name = snake(raw);
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    }
}

/// A field or method: snake_case, raw for keywords, suffixed where raw is not allowed.
fn snake_ident(raw: &str) -> String {
    let name = snake_base(raw);
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// A module: snake_case with a `_` suffix for every keyword.
fn module_ident(raw: &str) -> String {
    let name = snake_base(raw);
    if NOT_RAW.contains(&name.as_str()) || KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// A constant: SCREAMING_SNAKE_CASE.
fn constant_ident(raw: &str) -> String {
    snake_base(raw).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rule: fn(&str) -> String, cases: &[(&str, &str)]) {
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|(input, expected)| {
                let actual = rule(input);
                (actual != *expected)
                    .then(|| format!("{input:?}: expected {expected:?}, got {actual:?}"))
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn type_names_are_upper_camel_case() {
        check(
            type_ident,
            &[
                ("GetIdInput", "GetIdInput"),
                ("OIDCToken", "OidcToken"),
                ("IPv4Address", "Ipv4Address"),
                ("VpcIPv6Cidr", "VpcIpv6Cidr"),
                ("OAuthFlow", "OauthFlow"),
                ("iOSApp", "IosApp"),
                ("Foo_Bar", "FooBar"),
                ("cognito-identity", "CognitoIdentity"),
                ("Cognito Identity", "CognitoIdentity"),
                ("3DSecure", "V3dSecure"),
                ("Self", "Self_"),
                ("Result", "Result"),
                ("Error", "Error"),
            ],
        );
    }

    #[test]
    fn fields_are_snake_case_with_keywords_handled() {
        check(
            snake_ident,
            &[
                ("IdentityPoolId", "identity_pool_id"),
                ("IPv4Address", "ipv4_address"),
                ("IPv6", "ipv6"),
                ("OAuthScopes", "oauth_scopes"),
                (
                    "GetOpenIdTokenForDeveloperIdentity",
                    "get_open_id_token_for_developer_identity",
                ),
                ("OIDCToken", "oidc_token"),
                ("Type", "r#type"),
                ("match", "r#match"),
                ("Async", "r#async"),
                ("gen", "r#gen"),
                ("self", "self_"),
                ("Self", "self_"),
                ("super", "super_"),
                ("Crate", "crate_"),
                ("2FA", "_2fa"),
                ("x-amz-meta", "x_amz_meta"),
            ],
        );
    }

    #[test]
    fn modules_suffix_every_keyword() {
        check(
            module_ident,
            &[
                ("type", "type_"),
                ("self", "self_"),
                ("CognitoIdentity", "cognito_identity"),
            ],
        );
        assert_eq!(Names::module("type").to_string(), "type_");
    }

    #[test]
    fn enum_values_become_variants() {
        check(
            variant_ident,
            &[
                ("AUTHENTICATED_ROLE", "AuthenticatedRole"),
                ("AuthenticatedRole", "AuthenticatedRole"),
                ("ACCESS_DENIED", "AccessDenied"),
                ("Token", "Token"),
                // Digits.
                ("1", "V1"),
                ("2FA", "V2fa"),
                ("1.0", "V1_0"),
                ("10", "V10"),
                ("t2.micro", "T2Micro"),
                ("us-east-1", "UsEast1"),
                // The reserved `Unknown`.
                ("Unknown", "UnknownValue"),
                ("UNKNOWN", "UnknownValue"),
                ("unknown", "UnknownValue"),
                ("UnknownError", "UnknownError"),
                // Punctuation, spaces and other characters.
                ("application/json", "ApplicationJson"),
                ("text/plain; charset=utf-8", "TextPlainCharsetUtf8"),
                ("aws:kms", "AwsKms"),
                ("Standard Access", "StandardAccess"),
                ("*", "Asterisk"),
                ("-", "HyphenMinus"),
                ("*.*", "AsteriskFullStopAsterisk"),
                ("", "Empty"),
                ("\u{e9}", "U00e9"),
                ("Self", "Self_"),
            ],
        );
    }

    #[test]
    fn constants_are_screaming_snake_case() {
        check(
            constant_ident,
            &[
                (
                    "GetOpenIdTokenForDeveloperIdentity",
                    "GET_OPEN_ID_TOKEN_FOR_DEVELOPER_IDENTITY",
                ),
                ("ListIPv4Pools", "LIST_IPV4_POOLS"),
            ],
        );
    }

    #[test]
    fn whole_words_only_match_at_word_ends() {
        check(
            protect_whole_words,
            &[
                ("IPv4Address", "Ipv4Address"),
                ("IPv4", "Ipv4"),
                ("IPv4s", "IPv4s"),
                ("radiOS", "radiOS"),
                ("iOS", "Ios"),
            ],
        );
    }

    // -----------------------------------------------------------------------------------
    // Hand-built IR.

    fn member(name: &str, target: &str) -> ir::Member {
        ir::Member {
            name: name.to_owned(),
            target: target.to_owned(),
            required: false,
            default: None,
            docs: None,
            deprecated: None,
            idempotency_token: false,
            timestamp_format: None,
            sensitive: false,
            indirect: false,
        }
    }

    fn shape(name: &str, kind: ir::ShapeKind) -> ir::Shape {
        ir::Shape {
            name: name.to_owned(),
            kind,
            docs: None,
            constraints: ir::Constraints::default(),
            sensitive: false,
            deprecated: None,
            error: None,
        }
    }

    fn error_shape(name: &str) -> ir::Shape {
        ir::Shape {
            error: Some(ir::ErrorTrait {
                fault: ir::Fault::Client,
                http_status: 400,
                code: name.to_owned(),
                query_code: None,
                retryable: None,
            }),
            ..shape(
                name,
                ir::ShapeKind::Structure(vec![member("message", "String")]),
            )
        }
    }

    fn enum_shape(name: &str, values: &[&str]) -> ir::Shape {
        let values = values
            .iter()
            .map(|v| ir::EnumValue {
                name: (*v).to_owned(),
                value: (*v).to_owned(),
                docs: None,
            })
            .collect();
        shape(name, ir::ShapeKind::Enum(values))
    }

    fn operation(name: &str, input: Option<&str>, output: Option<&str>) -> ir::Operation {
        ir::Operation {
            name: name.to_owned(),
            input: input.map(str::to_owned),
            output: output.map(str::to_owned),
            errors: Vec::new(),
            docs: None,
            deprecated: None,
            unsigned: false,
            pagination: None,
            host_prefix: None,
            request_compression: Vec::new(),
            idempotent: false,
        }
    }

    fn service(shapes: Vec<ir::Shape>, operations: Vec<ir::Operation>) -> ir::Service {
        ir::Service {
            metadata: ir::Metadata {
                service_id: "Cognito Identity".to_owned(),
                full_name: "Amazon Cognito Identity".to_owned(),
                api_version: "2014-06-30".to_owned(),
                protocol: ir::Protocol::AwsJson1_1,
                target_prefix: "AWSCognitoIdentityService".to_owned(),
                signing_name: "cognito-identity".to_owned(),
                endpoint_prefix: "cognito-identity".to_owned(),
                auth: vec![ir::AuthScheme::SigV4],
            },
            docs: None,
            operations,
            shapes: shapes.into_iter().map(|s| (s.name.clone(), s)).collect(),
            endpoint_rules: None,
        }
    }

    fn cognito_like() -> ir::Service {
        service(
            vec![
                shape("IdentityPoolId", ir::ShapeKind::String),
                shape(
                    "GetIdInput",
                    ir::ShapeKind::Structure(vec![
                        member("IdentityPoolId", "IdentityPoolId"),
                        member("Logins", "LoginsMap"),
                        member("Type", "RoleMappingType"),
                    ]),
                ),
                shape(
                    "GetIdResponse",
                    ir::ShapeKind::Structure(vec![member("IdentityId", "IdentityId")]),
                ),
                shape(
                    "LoginsMap",
                    ir::ShapeKind::Map {
                        key: member("key", "IdentityProviderName"),
                        value: member("value", "IdentityProviderToken"),
                        sparse: false,
                    },
                ),
                shape(
                    "Choice",
                    ir::ShapeKind::Union(vec![
                        member("Unknown", "String"),
                        member("Text", "String"),
                    ]),
                ),
                shape(
                    "Priority",
                    ir::ShapeKind::IntEnum(vec![ir::IntEnumValue {
                        name: "HIGH".to_owned(),
                        value: 1,
                        docs: None,
                    }]),
                ),
                enum_shape("RoleMappingType", &["Token", "Rules", "Unknown", "1.0"]),
                enum_shape("Result", &["OK"]),
                error_shape("InvalidParameterException"),
                error_shape("ResourceNotFoundException"),
            ],
            vec![
                operation("GetId", Some("GetIdInput"), Some("GetIdResponse")),
                operation("GetOpenIdTokenForDeveloperIdentity", None, None),
            ],
        )
    }

    fn names_of(service: &ir::Service) -> Names {
        match Names::new(service) {
            Ok(names) => names,
            Err(error) => panic!("expected the names to be valid: {error}"),
        }
    }

    fn collision_message(service: &ir::Service) -> String {
        match Names::new(service) {
            Ok(_) => panic!("expected a naming collision"),
            Err(CodegenError::Naming(message)) => message,
            Err(other) => panic!("expected a naming error, got {other}"),
        }
    }

    #[test]
    fn names_of_a_hand_built_service_are_decided() {
        let names = names_of(&cognito_like());
        let s = |ident: Ident| ident.to_string();
        assert_eq!(s(names.type_name("GetIdInput")), "GetIdInput");
        assert_eq!(
            s(names.type_name("InvalidParameterException")),
            "InvalidParameterException"
        );
        assert_eq!(s(names.type_name("Result")), "Result");
        assert_eq!(
            s(names.field("GetIdInput", "IdentityPoolId")),
            "identity_pool_id"
        );
        assert_eq!(s(names.field("GetIdInput", "Type")), "r#type");
        assert_eq!(s(names.enum_variant("RoleMappingType", "Token")), "Token");
        assert_eq!(
            s(names.enum_variant("RoleMappingType", "Unknown")),
            "UnknownValue"
        );
        assert_eq!(s(names.enum_variant("RoleMappingType", "1.0")), "V1_0");
        assert_eq!(s(names.enum_variant("Priority", "HIGH")), "High");
        assert_eq!(s(names.union_variant("Choice", "Unknown")), "UnknownValue");
        assert_eq!(s(names.union_variant("Choice", "Text")), "Text");
        assert_eq!(s(names.operation_fn("GetId")), "get_id");
        assert_eq!(
            s(names.operation_fn("GetOpenIdTokenForDeveloperIdentity")),
            "get_open_id_token_for_developer_identity"
        );
        assert_eq!(s(names.operation_const("GetId")), "GET_ID");
        assert_eq!(s(names.input_type("GetId")), "GetIdInput");
        assert_eq!(s(names.output_type("GetId")), "GetIdResponse");
        assert_eq!(
            s(names.input_type("GetOpenIdTokenForDeveloperIdentity")),
            "GetOpenIdTokenForDeveloperIdentityInput"
        );
        assert_eq!(
            s(names.output_type("GetOpenIdTokenForDeveloperIdentity")),
            "GetOpenIdTokenForDeveloperIdentityOutput"
        );
        assert_eq!(s(names.op_error("GetId")), "GetIdError");
        assert_eq!(s(names.service_error()), "Error");
        assert_eq!(s(names.service_trait()), "CognitoIdentity");
    }

    #[test]
    fn lookups_outside_the_model_follow_the_same_rules() {
        let names = names_of(&cognito_like());
        assert_eq!(names.type_name("NotInModel").to_string(), "NotInModel");
        assert_eq!(
            names.field("GetIdInput", "NewMember").to_string(),
            "new_member"
        );
        assert_eq!(names.op_error("Missing").to_string(), "MissingError");
        assert_eq!(names.input_type("Missing").to_string(), "MissingInput");
    }

    #[test]
    fn shapes_colliding_after_case_conversion_are_reported_with_both_origins() {
        let mut model = cognito_like();
        for name in ["Foo_Bar", "FooBar"] {
            model.shapes.insert(
                name.to_owned(),
                shape(name, ir::ShapeKind::Structure(Vec::new())),
            );
        }
        // The two shapes also share the snake_case name of their helper functions.
        assert_eq!(
            collision_message(&model),
            "shapes `FooBar` and `Foo_Bar` both map to function name `foo_bar` in the functions \
             named after shapes; \
             shapes `FooBar` and `Foo_Bar` both map to Rust type `FooBar` in module `types`"
        );
    }

    #[test]
    fn every_collision_is_reported_at_once() {
        let mut model = cognito_like();
        model.shapes.insert(
            "Pair".to_owned(),
            shape(
                "Pair",
                ir::ShapeKind::Structure(vec![
                    member("FooBar", "String"),
                    member("foo_bar", "String"),
                ]),
            ),
        );
        model.shapes.insert(
            "Mode".to_owned(),
            enum_shape("Mode", &["ACTIVE", "Active", "Unknown", "UNKNOWN_VALUE"]),
        );
        let message = collision_message(&model);
        let expected = [
            "members `FooBar` and `foo_bar` both map to field `foo_bar` in shape `Pair`",
            "values `ACTIVE` and `Active` both map to variant `Active` in shape `Mode`",
            "values `Unknown` and `UNKNOWN_VALUE` both map to variant `UnknownValue` in shape `Mode`",
        ];
        for part in expected {
            assert!(message.contains(part), "missing {part:?} in {message:?}");
        }
        assert_eq!(message.matches("; ").count(), 2, "{message}");
    }

    #[test]
    fn error_shape_named_error_collides_with_the_service_error() {
        let mut model = cognito_like();
        model
            .shapes
            .insert("Error".to_owned(), error_shape("Error"));
        assert_eq!(
            collision_message(&model),
            "error shape `Error` and the service-wide error enum both map to Rust type `Error` \
             in module `error`"
        );
    }

    #[test]
    fn non_error_shape_named_error_is_fine() {
        let mut model = cognito_like();
        model
            .shapes
            .insert("Error".to_owned(), enum_shape("Error", &["A"]));
        assert_eq!(names_of(&model).type_name("Error").to_string(), "Error");
    }

    #[test]
    fn error_shape_colliding_with_an_operation_error_enum_is_reported() {
        let mut model = cognito_like();
        model
            .shapes
            .insert("GetIdError".to_owned(), error_shape("GetIdError"));
        assert_eq!(
            collision_message(&model),
            "error shape `GetIdError` and error enum of operation `GetId` both map to Rust type \
             `GetIdError` in module `error`"
        );
    }

    #[test]
    fn shape_colliding_with_a_synthesized_input_is_reported() {
        let mut model = cognito_like();
        let name = "GetOpenIdTokenForDeveloperIdentityInput";
        model.shapes.insert(
            name.to_owned(),
            shape(name, ir::ShapeKind::Structure(Vec::new())),
        );
        assert_eq!(
            collision_message(&model),
            "shape `GetOpenIdTokenForDeveloperIdentityInput` and synthesized input of operation \
             `GetOpenIdTokenForDeveloperIdentity` both map to Rust type \
             `GetOpenIdTokenForDeveloperIdentityInput` in module `types`"
        );
    }

    #[test]
    fn operations_colliding_after_snake_case_are_reported() {
        let mut model = cognito_like();
        model.operations.push(operation(
            "Get_Id",
            Some("GetIdInput"),
            Some("GetIdResponse"),
        ));
        let message = collision_message(&model);
        assert!(
            message.contains(
                "operations `GetId` and `Get_Id` both map to method `get_id` in the client"
            ),
            "{message}"
        );
        assert!(message.contains("constant `GET_ID`"), "{message}");
        assert!(
            message.contains("Rust type `GetIdError` in module `error`"),
            "{message}"
        );
    }

    #[test]
    fn service_trait_colliding_with_a_root_item_is_reported() {
        let mut model = cognito_like();
        model.metadata.service_id = "Client".to_owned();
        assert_eq!(
            collision_message(&model),
            "generated item `Client` and the service trait for service id `Client` both map to \
             Rust item `Client` in the crate root"
        );
    }

    #[test]
    fn every_shape_has_a_unique_snake_case_function_name() {
        let names = names_of(&cognito_like());
        assert_eq!(
            names.shape_fn("IdentityPoolId").to_string(),
            "identity_pool_id"
        );
        assert_eq!(names.shape_fn("LoginsMap").to_string(), "logins_map");

        let mut model = cognito_like();
        for name in ["Login_List", "LoginList"] {
            let list = ir::ShapeKind::List {
                member: member("member", "String"),
                sparse: false,
            };
            model.shapes.insert(name.to_owned(), shape(name, list));
        }
        assert_eq!(
            collision_message(&model),
            "shapes `LoginList` and `Login_List` both map to function name `login_list` in the \
             functions named after shapes"
        );
    }

    #[test]
    fn scalar_list_and_map_shapes_get_no_type_name() {
        let names = names_of(&cognito_like());
        assert!(names.types.contains_key("GetIdInput"));
        assert!(!names.types.contains_key("IdentityPoolId"));
        assert!(!names.types.contains_key("LoginsMap"));
    }

    #[test]
    fn every_decided_name_is_a_valid_identifier() {
        let names = names_of(&cognito_like());
        let all = names
            .types
            .values()
            .chain(names.fields.values())
            .chain(names.enum_variants.values())
            .chain(names.union_variants.values());
        for name in all {
            let parsed: Result<syn::Ident, _> = syn::parse_str(name);
            assert!(parsed.is_ok(), "{name:?} is not an identifier");
        }
    }
}
