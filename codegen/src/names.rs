//! The naming table: every Rust identifier the generated crate uses for a model name,
//! decided once from the IR, with every collision resolved, before anything is emitted.
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
//!   shape, so all shapes share one scope of snake_case names.
//! - Operation constants are SCREAMING_SNAKE_CASE of the operation name.
//! - Generated names: `{Operation}Input` and `{Operation}Output` only when the operation has
//!   no input or output shape, `{Operation}Error` for an operation's error enum, `Error` for
//!   the service-wide error, and the UpperCamelCase service id for the server trait.
//! - Cargo features of operations (only for a crate generated with one feature per
//!   operation): the operation's method name in kebab-case, without `r#` or a leading or
//!   trailing `_` (`InitiateAuth` becomes `initiate-auth`). The crate's own features ([`FIXED_FEATURES`])
//!   are claimed first. The scope records the snake_case form (`initiate_auth`), so the
//!   record holds Rust identifiers only, and a suffix reads `-2`.
//!
//! Names stay when the model changes. Every name given is recorded in the crate's
//! `names.lock` ([`crate::lock`]: scope, owner, name), and the next generation reads it back.
//! An owner (a shape, member, enum value or operation, or a name derived from an operation)
//! with a recorded name keeps it while it is free, and no other owner may take a recorded
//! name, so when a new model name collides with an existing one, the newcomer is suffixed.
//! Adding shapes, members or operations therefore never renames an existing one. A name
//! recorded for an owner the model no longer has stays reserved for that one generation and
//! is left out of the new record. The claim order below decides only names without a record
//! (a first generation, or a newcomer).
//!
//! Collisions never fail the generation: they are resolved by one rule, the same in every
//! scope. Names are claimed in a fixed order, and the first claimant keeps its name; each
//! later one takes the first free name among its own with the suffix 2, 3, 4 and so on
//! (`Foo2`, or `V1_0_2` after a digit, for types and variants; `foo_2` for snake_case names,
//! `r#type` becoming `type_2`; `FOO_2` for constants). The order of claims:
//!
//! 1. Fixed names the generated code and runtime spell literally: `Error` in module `error`,
//!    `Client`, `Config`, `InMemoryTransport` and `Router` at the crate root, the client
//!    methods `new`, `with_transport` and `config`, and the constants `SERVICE` and `ALL`.
//! 2. Shapes, sorted by model name in byte order (so `Boolean` before `boolean` and
//!    `IPAddress` before `IpAddress`); within a shape, members and enum values in model
//!    order.
//! 3. Operations, sorted by name: method, pages method and pages type, the mock's methods
//!    (`on_{op}`, `queue_{op}`, `{op}_calls`), constant, synthesized input and output, error
//!    enum.
//! 4. The service trait.
//! 5. With one feature per operation, each operation's feature, in operation order.
//!
//! The scopes are module `types` (structure, union, enum and intEnum shapes that are not
//! errors, plus synthesized inputs and outputs), module `error` (error shapes, operation
//! error enums and `Error`), module `pagination`, the methods of the mock (after its fixed
//! `new`, `calls` and `call_count`), the crate root, the snake_case names of all shapes, the fields
//! of one structure, the variants of one enum or union, the client's methods, the
//! operation constants and the crate's cargo features. Shapes named like std items (`Result`, `Option`, `String`) need no
//! rule: generated code uses absolute paths. Wire names never change: they come from the
//! model, not from these identifiers.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use model::ir;
use proc_macro2::{Ident, Span};

use crate::lock::NamesLock;

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
const ROOT_ITEMS: &[&str] = &["Client", "Config", "InMemoryTransport", "Router"];

/// The name of the service-wide error enum in module `error`.
const SERVICE_ERROR: &str = "Error";

/// The cargo features every generated crate's manifest declares (besides `default`) or may
/// declare, which no operation's feature may take.
pub const FIXED_FEATURES: &[&str] = &[
    "default",
    "https",
    "config-files",
    "sha2",
    "gzip",
    "server",
    "mock",
    "tracing",
    ALL_OPERATIONS,
];

/// The feature that turns on every operation's feature, in `default`.
pub const ALL_OPERATIONS: &str = "all-operations";

/// The names decided for one operation.
#[derive(Debug, Clone)]
struct OperationNames {
    function: String,
    pages_function: String,
    pages_type: String,
    mock_on: String,
    mock_queue: String,
    mock_calls: String,
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
    /// Each operation's cargo feature, kebab-case, when the crate has one per operation.
    features: BTreeMap<String, String>,
    /// Every name given, for the next generation's [`NamesLock`].
    given: NamesLock,
}

/// Methods every generated `Client` has besides one per operation.
const CLIENT_METHODS: &[&str] = &["new", "with_transport", "config"];

/// Methods every generated `Mock` has besides three per operation.
const MOCK_METHODS: &[&str] = &["new", "calls", "call_count"];

/// Items of the `operation` module besides one constant per operation.
const OPERATION_STATICS: &[&str] = &["SERVICE", "ALL"];

impl Names {
    /// Decides every name of `service` afresh, resolving every collision by the rules of
    /// this module, so that the generated crate always compiles. Generation itself goes
    /// through [`Names::with_lock`]; this is its first generation, for the tests.
    #[cfg(test)]
    pub fn new(service: &ir::Service) -> Names {
        Names::with_lock(service, &NamesLock::new())
    }

    /// Decides every name of `service`, keeping the names `lock` records from a previous
    /// generation (see the module docs).
    pub fn with_lock(service: &ir::Service, lock: &NamesLock) -> Names {
        let mut names = Names {
            types: BTreeMap::new(),
            shape_fns: BTreeMap::new(),
            fields: BTreeMap::new(),
            enum_variants: BTreeMap::new(),
            union_variants: BTreeMap::new(),
            operations: BTreeMap::new(),
            service_trait: String::new(),
            features: BTreeMap::new(),
            given: NamesLock::new(),
        };

        // Fixed names come first so that a model name meeting one is the one suffixed: the
        // generated code and the runtime refer to these by their fixed spelling.
        let mut types_module = Scope::new(Case::Camel, "types", lock);
        let mut error_module = Scope::new(Case::Camel, "error", lock);
        error_module.claim_fixed(SERVICE_ERROR);
        let mut root = Scope::new(Case::Camel, "root", lock);
        for item in ROOT_ITEMS {
            root.claim_fixed(item);
        }
        let mut methods = Scope::new(Case::Snake, "client", lock);
        for method in CLIENT_METHODS {
            methods.claim_fixed(method);
        }
        let mut pagination_module = Scope::new(Case::Camel, "pagination", lock);
        let mut mock_methods = Scope::new(Case::Snake, "mock", lock);
        for method in MOCK_METHODS {
            mock_methods.claim_fixed(method);
        }
        let mut constants = Scope::new(Case::Snake, "operation", lock);
        for constant in OPERATION_STATICS {
            constants.claim_fixed(constant);
        }

        // Shapes in name order (byte order, so `Boolean` comes before `boolean`).
        let mut shape_fns = Scope::new(Case::Snake, "functions", lock);
        for shape in service.shapes.values() {
            let function = shape_fns.claim(&shape.name, &snake_ident(&shape.name));
            names.shape_fns.insert(shape.name.clone(), function);
            names.add_shape(shape, &mut types_module, &mut error_module, lock);
        }

        // Operations in name order; each claims its method, constant and generated types.
        for op in &service.operations {
            let name = op.name.as_str();
            let mut decided = operation_names(name, op.input.as_deref(), op.output.as_deref());
            decided.function = methods.claim(name, &decided.function);
            decided.pages_function = format!("{}_pages", decided.function.trim_start_matches("r#"));
            if op.pagination.is_some() {
                decided.pages_function =
                    methods.claim(&format!("{name} pages"), &decided.pages_function);
                decided.pages_type = pagination_module.claim(name, &decided.pages_type);
            }
            let bare = decided.function.trim_start_matches("r#");
            decided.mock_on = mock_methods.claim(&format!("on {name}"), &format!("on_{bare}"));
            decided.mock_queue =
                mock_methods.claim(&format!("queue {name}"), &format!("queue_{bare}"));
            decided.mock_calls =
                mock_methods.claim(&format!("calls {name}"), &format!("{bare}_calls"));
            decided.constant = constants.claim(name, &decided.constant);
            match &op.input {
                Some(shape) => decided.input = names.type_text(shape),
                None => {
                    decided.input = types_module.claim(&format!("{name} input"), &decided.input)
                }
            }
            match &op.output {
                Some(shape) => decided.output = names.type_text(shape),
                None => {
                    decided.output = types_module.claim(&format!("{name} output"), &decided.output)
                }
            }
            decided.error = error_module.claim(&format!("{name} error"), &decided.error);
            names.operations.insert(op.name.clone(), decided);
        }

        names.service_trait = root.claim("service", &type_ident(&service.metadata.service_id));
        for scope in [
            types_module,
            error_module,
            root,
            methods,
            pagination_module,
            mock_methods,
            constants,
            shape_fns,
        ] {
            scope.record(&mut names.given);
        }
        names
    }

    /// Names one cargo feature per operation, for a crate that puts each operation behind a
    /// feature of its own (see the module docs), and records them. Called after
    /// [`Names::with_lock`], whose method names the features are made from.
    pub fn with_operation_features(mut self, service: &ir::Service, lock: &NamesLock) -> Names {
        let mut features = Scope::new(Case::Snake, "features", lock);
        for fixed in FIXED_FEATURES {
            features.claim_fixed(&fixed.replace('-', "_"));
        }
        for op in &service.operations {
            let method = self.operation(&op.name).function;
            // `_2fa` (a leading digit) would make `-2fa`, which cargo refuses.
            let bare = method.trim_start_matches("r#").trim_matches('_');
            let claimed = features.claim(&op.name, bare);
            self.features
                .insert(op.name.clone(), claimed.replace('_', "-"));
        }
        features.record(&mut self.given);
        self
    }

    /// Every name given, for the `names.lock` the next generation reads.
    pub fn lock(&self) -> &NamesLock {
        &self.given
    }

    fn add_shape(
        &mut self,
        shape: &ir::Shape,
        types_module: &mut Scope,
        error_module: &mut Scope,
        lock: &NamesLock,
    ) {
        let owner = &shape.name;
        let module = if shape.error.is_some() {
            error_module
        } else {
            types_module
        };
        // Each named kind claims its type name, then names its members in a scope of its own:
        // fields in snake case, union and enum variants in camel case.
        let (case, names, table): (Case, Vec<&String>, &mut BTreeMap<(String, String), String>) =
            match &shape.kind {
                ir::ShapeKind::Structure(members) => (
                    Case::Snake,
                    members.iter().map(|m| &m.name).collect(),
                    &mut self.fields,
                ),
                ir::ShapeKind::Union(members) => (
                    Case::Camel,
                    members.iter().map(|m| &m.name).collect(),
                    &mut self.union_variants,
                ),
                ir::ShapeKind::Enum(values) => (
                    Case::Camel,
                    values.iter().map(|v| &v.name).collect(),
                    &mut self.enum_variants,
                ),
                ir::ShapeKind::IntEnum(values) => (
                    Case::Camel,
                    values.iter().map(|v| &v.name).collect(),
                    &mut self.enum_variants,
                ),
                // Lists, maps and scalars become std types and get no name of their own.
                _ => return,
            };
        self.types
            .insert(owner.clone(), module.claim(owner, &type_ident(owner)));
        let mut scope = Scope::new(case, &format!("members {owner}"), lock);
        for name in names {
            let ident = match case {
                Case::Snake => snake_ident(name),
                Case::Camel => variant_ident(name),
            };
            table.insert((owner.clone(), name.clone()), scope.claim(name, &ident));
        }
        scope.record(&mut self.given);
    }

    /// The decided type name of a shape, as text.
    fn type_text(&self, shape: &str) -> String {
        match self.types.get(shape) {
            Some(name) => name.clone(),
            None => type_ident(shape),
        }
    }

    /// The Rust type of a structure, union, enum or intEnum shape (errors included), in
    /// UpperCamelCase: `GetIdInput`, `OidcToken`.
    pub fn type_name(&self, shape: &str) -> Ident {
        ident(&self.type_text(shape))
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

    /// The `Mock` method that answers an operation with a closure (`on_{op}`).
    pub fn mock_on(&self, op: &str) -> Ident {
        ident(&self.operation(op).mock_on)
    }

    /// The `Mock` method that queues answers of an operation (`queue_{op}`).
    pub fn mock_queue(&self, op: &str) -> Ident {
        ident(&self.operation(op).mock_queue)
    }

    /// The `Mock` method that returns the inputs an operation received (`{op}_calls`).
    pub fn mock_calls(&self, op: &str) -> Ident {
        ident(&self.operation(op).mock_calls)
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

    /// The cargo feature of an operation (`initiate-auth`), when the crate has one per
    /// operation ([`Names::with_operation_features`]).
    pub fn operation_feature(&self, op: &str) -> Option<&str> {
        self.features.get(op).map(String::as_str)
    }

    /// The service-wide error enum, in module `error`.
    pub fn service_error(&self) -> Ident {
        ident(SERVICE_ERROR)
    }

    /// The server trait: the service id in UpperCamelCase (`CognitoIdentity`).
    pub fn service_trait(&self) -> Ident {
        ident(&self.service_trait)
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
    let bare = function.trim_start_matches("r#");
    OperationNames {
        pages_function: format!("{bare}_pages"),
        pages_type: format!("{base}Pages"),
        mock_on: format!("on_{bare}"),
        mock_queue: format!("queue_{bare}"),
        mock_calls: format!("{bare}_calls"),
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
// Collision resolution.

/// How a suffix is attached to a name of a scope.
#[derive(Debug, Clone, Copy)]
enum Case {
    /// UpperCamelCase: `Foo2`, or `V1_0_2` after a digit so numbers stay apart.
    Camel,
    /// snake_case and SCREAMING_SNAKE_CASE: `foo_2`, `FOO_2`; a raw `r#type` becomes `type_2`.
    Snake,
}

/// One scope in which every identifier must be unique, filled in a defined order, and the
/// names a previous generation gave in it.
struct Scope {
    case: Case,
    /// The scope's key in `names.lock`.
    key: String,
    taken: BTreeSet<String>,
    /// Previous names by owner.
    locked: BTreeMap<String, String>,
    /// Every previous name, which no other owner may take.
    reserved: BTreeSet<String>,
    /// The names given here, by owner.
    given: Vec<(String, String)>,
}

impl Scope {
    fn new(case: Case, key: &str, lock: &NamesLock) -> Scope {
        let locked = lock.scope(key);
        Scope {
            case,
            key: key.to_owned(),
            taken: BTreeSet::new(),
            reserved: locked.values().cloned().collect(),
            locked,
            given: Vec::new(),
        }
    }

    /// Takes a name the generated code spells literally; it is not recorded.
    fn claim_fixed(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Names `owner`: its previous name when it had one that is still free; otherwise `name`
    /// when it is free and no other owner had it, else the first such name among `name` with
    /// the suffixes 2, 3, 4 and so on. The result is recorded and returned.
    fn claim(&mut self, owner: &str, name: &str) -> String {
        let granted = match self.locked.get(owner) {
            Some(previous) if !self.taken.contains(previous) => previous.clone(),
            _ => {
                let free = |n: &String| !self.taken.contains(n) && !self.reserved.contains(n);
                let mut granted = name.to_owned();
                let mut n = 2u32;
                while !free(&granted) {
                    granted = with_suffix(name, n, self.case);
                    n += 1;
                }
                granted
            }
        };
        self.taken.insert(granted.clone());
        self.given.push((owner.to_owned(), granted.clone()));
        granted
    }

    /// Adds the names given here to `lock`.
    fn record(self, lock: &mut NamesLock) {
        for (owner, name) in &self.given {
            lock.insert(&self.key, owner, name);
        }
    }
}

/// `name` with the number `n` appended in the style of `case`.
fn with_suffix(name: &str, n: u32, case: Case) -> String {
    match case {
        Case::Snake => {
            // `self_` becomes `self_2`, not `self__2`, which is not snake case.
            let bare = name.trim_start_matches("r#").trim_end_matches('_');
            format!("{bare}_{n}")
        }
        Case::Camel if name.ends_with(|c: char| c.is_ascii_digit()) => format!("{name}_{n}"),
        Case::Camel => format!("{name}{n}"),
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
            wire: ir::WireForm::Plain,
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
                message_member: Some("message".to_owned()),
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
            host_segments: Vec::new(),
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
                target_prefix: Some("AWSCognitoIdentityService".to_owned()),
                signing_name: "cognito-identity".to_owned(),
                endpoint_prefix: "cognito-identity".to_owned(),
                auth: vec![ir::AuthScheme::SigV4],
                query_compatible: false,
            },
            docs: None,
            operations,
            shapes: shapes.into_iter().map(|s| (s.name.clone(), s)).collect(),
            endpoint_rules: None,
            unsupported: Vec::new(),
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
        Names::new(service)
    }

    fn structure(name: &str, members: &[&str]) -> ir::Shape {
        let members = members.iter().map(|m| member(m, "String")).collect();
        shape(name, ir::ShapeKind::Structure(members))
    }

    fn insert(model: &mut ir::Service, shapes: Vec<ir::Shape>) {
        for s in shapes {
            model.shapes.insert(s.name.clone(), s);
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
    fn shapes_colliding_after_case_conversion_are_suffixed_in_name_order() {
        let mut model = cognito_like();
        let scalar = |name: &str| shape(name, ir::ShapeKind::Boolean);
        insert(
            &mut model,
            vec![
                structure("Foo_Bar", &[]),
                structure("FooBar", &[]),
                scalar("boolean"),
                scalar("Boolean"),
                scalar("IpAddress"),
                scalar("IPAddress"),
            ],
        );
        let names = names_of(&model);
        // Byte order puts `FooBar` before `Foo_Bar`, `Boolean` before `boolean`.
        assert_eq!(names.type_name("FooBar").to_string(), "FooBar");
        assert_eq!(names.type_name("Foo_Bar").to_string(), "FooBar2");
        assert_eq!(names.shape_fn("FooBar").to_string(), "foo_bar");
        assert_eq!(names.shape_fn("Foo_Bar").to_string(), "foo_bar_2");
        assert_eq!(names.shape_fn("Boolean").to_string(), "boolean");
        assert_eq!(names.shape_fn("boolean").to_string(), "boolean_2");
        assert_eq!(names.shape_fn("IPAddress").to_string(), "ip_address");
        assert_eq!(names.shape_fn("IpAddress").to_string(), "ip_address_2");
    }

    /// Every name `before` recorded that `after` gives differently, as `scope/owner`.
    fn renamed(before: &Names, after: &Names) -> Vec<String> {
        before
            .lock()
            .entries()
            .filter(|(scope, owner, name)| after.lock().get(scope, owner) != Some(*name))
            .map(|(scope, owner, _)| format!("{scope}/{owner}"))
            .collect()
    }

    #[test]
    fn adding_colliding_shapes_members_and_operations_renames_nothing() {
        let mut model = cognito_like();
        insert(
            &mut model,
            vec![structure("SseType", &["KeyId"]), structure("Foo_Bar", &[])],
        );
        model.operations.push(operation("ListPools", None, None));
        let before = Names::new(&model);

        // Each addition sorts (or stands, for members) before the name it collides with, so
        // the naming order alone would hand it the existing name.
        let mut grown = model.clone();
        insert(
            &mut grown,
            vec![
                structure("SSEType", &[]),
                structure("FooBar", &[]),
                structure("SseType", &["KEY_ID", "KeyId"]),
            ],
        );
        grown
            .operations
            .insert(0, operation("LISTPools", None, None));
        let fresh = Names::new(&grown);
        assert_eq!(
            renamed(&before, &fresh),
            [
                "client/ListPools",
                "error/ListPools error",
                "functions/Foo_Bar",
                "functions/SseType",
                "members SseType/KeyId",
                "mock/calls ListPools",
                "mock/on ListPools",
                "mock/queue ListPools",
                "operation/ListPools",
                "types/Foo_Bar",
                "types/ListPools input",
                "types/ListPools output",
                "types/SseType",
            ],
            "without the record, the additions take the existing names"
        );

        // With the record, every existing name stays and the newcomers take the suffixes.
        let kept = Names::with_lock(&grown, before.lock());
        assert_eq!(renamed(&before, &kept), Vec::<String>::new());
        let s = |ident: Ident| ident.to_string();
        assert_eq!(s(kept.type_name("SseType")), "SseType");
        assert_eq!(s(kept.type_name("SSEType")), "SseType2");
        assert_eq!(s(kept.type_name("Foo_Bar")), "FooBar");
        assert_eq!(s(kept.type_name("FooBar")), "FooBar2");
        assert_eq!(s(kept.field("SseType", "KeyId")), "key_id");
        assert_eq!(s(kept.field("SseType", "KEY_ID")), "key_id_2");
        assert_eq!(s(kept.operation_fn("ListPools")), "list_pools");
        assert_eq!(s(kept.operation_fn("LISTPools")), "list_pools_2");
        assert_eq!(s(kept.input_type("ListPools")), "ListPoolsInput");
        assert_eq!(s(kept.input_type("LISTPools")), "ListPoolsInput2");

        // The record it writes gives the same names again.
        let again = Names::with_lock(&grown, kept.lock());
        assert_eq!(again.lock(), kept.lock());
    }

    #[test]
    fn a_recorded_name_goes_to_one_owner_and_a_removed_owner_keeps_it_reserved() {
        let mut model = cognito_like();
        insert(
            &mut model,
            vec![structure("Foo", &[]), structure("Bar", &[])],
        );
        let mut lock = NamesLock::new();
        // A hand-edited record that gives one name to two shapes, and one to a shape the
        // model no longer has.
        lock.insert("types", "Foo", "Foo");
        lock.insert("types", "Bar", "Foo");
        lock.insert("types", "Gone", "Baz");
        insert(&mut model, vec![structure("Baz", &[])]);
        let names = Names::with_lock(&model, &lock);
        let s = |ident: Ident| ident.to_string();
        // The first in naming order (`Bar`) gets the recorded name; `Foo` is suffixed.
        assert_eq!(s(names.type_name("Bar")), "Foo");
        assert_eq!(s(names.type_name("Foo")), "Foo2");
        // `Baz` stays reserved for the shape that had it in this generation.
        assert_eq!(s(names.type_name("Baz")), "Baz2");
        // The new record lists only present owners, with the names they now have.
        assert_eq!(names.lock().get("types", "Gone"), None);
        assert_eq!(names.lock().get("types", "Baz"), Some("Baz2"));
    }

    #[test]
    fn a_suffix_skips_names_already_taken() {
        let mut model = cognito_like();
        insert(
            &mut model,
            vec![
                structure("Foo", &[]),
                structure("Foo2", &[]),
                structure("foo", &[]),
            ],
        );
        let names = names_of(&model);
        assert_eq!(names.type_name("Foo").to_string(), "Foo");
        assert_eq!(names.type_name("Foo2").to_string(), "Foo2");
        assert_eq!(names.type_name("foo").to_string(), "Foo3");
    }

    #[test]
    fn members_and_values_colliding_are_suffixed_in_model_order() {
        let mut model = cognito_like();
        insert(
            &mut model,
            vec![
                structure(
                    "Pair",
                    &["FooBar", "foo_bar", "type", "Type", "self", "Self"],
                ),
                enum_shape(
                    "Mode",
                    &["ACTIVE", "Active", "Unknown", "UNKNOWN_VALUE", "1.0", "1_0"],
                ),
            ],
        );
        let names = names_of(&model);
        let field = |m: &str| names.field("Pair", m).to_string();
        assert_eq!(field("FooBar"), "foo_bar");
        assert_eq!(field("foo_bar"), "foo_bar_2");
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("Type"), "type_2");
        assert_eq!(field("self"), "self_");
        assert_eq!(field("Self"), "self_2");
        let variant = |v: &str| names.enum_variant("Mode", v).to_string();
        assert_eq!(variant("ACTIVE"), "Active");
        assert_eq!(variant("Active"), "Active2");
        assert_eq!(variant("Unknown"), "UnknownValue");
        assert_eq!(variant("UNKNOWN_VALUE"), "UnknownValue2");
        assert_eq!(variant("1.0"), "V1_0");
        assert_eq!(variant("1_0"), "V1_0_2");
    }

    #[test]
    fn error_shape_named_error_yields_to_the_service_error() {
        let mut model = cognito_like();
        insert(&mut model, vec![error_shape("Error")]);
        let names = names_of(&model);
        assert_eq!(names.service_error().to_string(), "Error");
        assert_eq!(names.type_name("Error").to_string(), "Error2");
    }

    #[test]
    fn non_error_shape_named_error_keeps_its_name() {
        let mut model = cognito_like();
        insert(&mut model, vec![enum_shape("Error", &["A"])]);
        assert_eq!(names_of(&model).type_name("Error").to_string(), "Error");
    }

    #[test]
    fn generated_names_yield_to_model_shapes() {
        let mut model = cognito_like();
        let input = "GetOpenIdTokenForDeveloperIdentityInput";
        insert(
            &mut model,
            vec![error_shape("GetIdError"), structure(input, &[])],
        );
        let names = names_of(&model);
        assert_eq!(names.type_name("GetIdError").to_string(), "GetIdError");
        assert_eq!(names.op_error("GetId").to_string(), "GetIdError2");
        assert_eq!(names.type_name(input).to_string(), input);
        assert_eq!(
            names
                .input_type("GetOpenIdTokenForDeveloperIdentity")
                .to_string(),
            "GetOpenIdTokenForDeveloperIdentityInput2"
        );
    }

    #[test]
    fn operations_colliding_after_case_conversion_are_suffixed_in_name_order() {
        let mut model = cognito_like();
        model.operations.push(operation(
            "Get_Id",
            Some("GetIdInput"),
            Some("GetIdResponse"),
        ));
        model.operations.push(operation("Config", None, None));
        for op in &mut model.operations {
            op.pagination = Some(ir::Pagination {
                input_token: "NextToken".to_owned(),
                output_token: "NextToken".to_owned(),
                page_size: None,
                items: None,
                helper: None,
            });
        }
        let names = names_of(&model);
        assert_eq!(names.pages_fn("GetId").to_string(), "get_id_pages");
        assert_eq!(names.pages_fn("Get_Id").to_string(), "get_id_2_pages");
        assert_eq!(names.pages_type("GetId").to_string(), "GetIdPages");
        assert_eq!(names.pages_type("Get_Id").to_string(), "GetIdPages2");
        assert_eq!(names.operation_fn("GetId").to_string(), "get_id");
        assert_eq!(names.operation_fn("Get_Id").to_string(), "get_id_2");
        assert_eq!(names.operation_const("Get_Id").to_string(), "GET_ID_2");
        assert_eq!(names.op_error("Get_Id").to_string(), "GetIdError2");
        // The client's own `config` method keeps its name.
        assert_eq!(names.operation_fn("Config").to_string(), "config_2");
    }

    #[test]
    fn mock_methods_are_decided_with_their_collisions() {
        let mut model = cognito_like();
        // `OnX` and `XCalls` would both give the mock an `on_x_calls`, and the first in name
        // order keeps it. The mock's names follow the operation's method, suffix included
        // (`New` is the client's `new_2`), and need no `r#` where the method is raw.
        for name in ["OnX", "XCalls", "New", "Type"] {
            model.operations.push(operation(name, None, None));
        }
        model.operations.sort_by(|a, b| a.name.cmp(&b.name));
        let names = names_of(&model);
        assert_eq!(names.mock_on("GetId").to_string(), "on_get_id");
        assert_eq!(names.mock_queue("GetId").to_string(), "queue_get_id");
        assert_eq!(names.mock_calls("GetId").to_string(), "get_id_calls");
        assert_eq!(names.mock_calls("OnX").to_string(), "on_x_calls");
        assert_eq!(names.mock_on("XCalls").to_string(), "on_x_calls_2");
        assert_eq!(names.mock_on("Type").to_string(), "on_type");
        assert_eq!(names.mock_calls("Type").to_string(), "type_calls");
        assert_eq!(names.mock_on("New").to_string(), "on_new_2");
    }

    #[test]
    fn operation_features_are_kebab_case_and_yield_to_the_crates_own() {
        let mut model = cognito_like();
        for name in ["Mock", "Type", "New", "AllOperations", "GetIPv4Address"] {
            model.operations.push(operation(name, None, None));
        }
        model.operations.sort_by(|a, b| a.name.cmp(&b.name));
        let lock = NamesLock::new();
        let plain = Names::with_lock(&model, &lock);
        assert_eq!(plain.operation_feature("GetId"), None);
        assert!(plain.lock().scope("features").is_empty());
        let names = Names::with_lock(&model, &lock).with_operation_features(&model, &lock);
        let feature = |op| names.operation_feature(op).unwrap_or_default();
        assert_eq!(feature("GetId"), "get-id");
        assert_eq!(
            feature("GetOpenIdTokenForDeveloperIdentity"),
            "get-open-id-token-for-developer-identity"
        );
        assert_eq!(feature("GetIPv4Address"), "get-ipv4-address");
        // The crate's own features keep their names; the method's suffix carries over.
        assert_eq!(feature("Mock"), "mock-2");
        assert_eq!(feature("AllOperations"), "all-operations-2");
        assert_eq!(feature("New"), "new-2");
        assert_eq!(feature("Type"), "type");
        // Recorded in snake case, so a later generation keeps them.
        assert_eq!(names.lock().get("features", "Mock"), Some("mock_2"));
        let kept =
            Names::with_lock(&model, names.lock()).with_operation_features(&model, names.lock());
        assert_eq!(kept.operation_feature("Mock"), Some("mock-2"));
    }

    #[test]
    fn service_trait_yields_to_a_root_item() {
        let mut model = cognito_like();
        model.metadata.service_id = "Client".to_owned();
        assert_eq!(names_of(&model).service_trait().to_string(), "Client2");
    }

    #[test]
    fn every_shape_has_a_unique_snake_case_function_name() {
        let names = names_of(&cognito_like());
        assert_eq!(
            names.shape_fn("IdentityPoolId").to_string(),
            "identity_pool_id"
        );
        assert_eq!(names.shape_fn("LoginsMap").to_string(), "logins_map");
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
        let mut model = cognito_like();
        insert(
            &mut model,
            vec![
                structure("Self", &["self", "Self", "type", "Type", "1", "_1"]),
                structure("self", &[]),
                enum_shape("Odd", &["*", "", "-", "a-b", "A-B", "1", "V1", "Unknown"]),
            ],
        );
        let names = names_of(&model);
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
