//! Compiles a model's endpoint rule set into Rust: the generated `endpoint` module.
//!
//! The rule set is parsed by the endpoint rules' own parser (`aws_endpoint_rules::RuleSet`), so
//! the rules the generated code follows are exactly the ones the interpreter would run, and
//! then each rule becomes a block of plain Rust. Types are checked here: a parameter has its declared type,
//! each function its fixed result type (`aws.partition` a `Partition`, `parseURL` a `Url`,
//! `getAttr` the type of the field it reads), so a type error in the rules is a generation
//! error that names the rule, not a failure at run time.
//!
//! A rule is a labeled block. Its conditions run in order and leave it with `break` when one
//! does not hold: a `false` result, or an unset value anywhere in a call (a function of an
//! unset argument is unset, which fails the condition; only `isSet` looks at it). A value
//! that may be unset is unwrapped with `let Some(..) = .. else { break .. }`, so later
//! conditions and the body use it plainly, and `isSet(Region)` narrows `Region` the same way.
//! The body returns: an endpoint, the error rule's message, or for a tree rule the outcome
//! of its first matching rule (none matching is an error, as in the interpreter). A rule
//! whose conditions always hold ends its list: later rules could never run.

use std::collections::BTreeMap;

use aws_endpoint_rules::syntax::{
    Body, Call, Condition, EndpointTemplate, Expr, Function, Part, Rule,
};
use aws_endpoint_rules::value::{Path, Step, Value};
use aws_endpoint_rules::{ParamType, ParamValue, RuleSet};
use heck::ToSnakeCase;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::codegen_error::CodegenError;
use crate::context::Cx;
use crate::wire::rt;

/// The `endpoint` module of the crate for `cx`.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    match compile_service(cx.service) {
        Ok(tokens) => tokens,
        // `generate` compiles the rules first and stops on an error, so this is not reached.
        Err(e) => {
            let message = e.to_string();
            quote!(::core::compile_error!(#message);)
        }
    }
}

/// Compiles the rules of `service` (checked by `generate` before any file is emitted).
pub fn compile_service(service: &model::ir::Service) -> Result<TokenStream, CodegenError> {
    let name = &service.metadata.full_name;
    let Some(json) = &service.endpoint_rules else {
        let doc = format!(
            "The endpoint of {name}: its model has no endpoint rules, so a client sends to \
             `https://{{prefix}}.{{region}}.amazonaws.com` with the model's endpoint prefix, \
             or to the endpoint URL of its configuration."
        );
        return Ok(quote!(#![doc = #doc]));
    };
    let rules = RuleSet::from_value(json)
        .map_err(|e| CodegenError::Unsupported(format!("the endpoint rule set: {e}")))?;
    compile(&rules, name)
        .map_err(|e| CodegenError::Unsupported(format!("the endpoint rule set, {e}")))
}

/// The module compiled from `rules`, documented as the rules of `service_name`.
pub fn compile(rules: &RuleSet, service_name: &str) -> Result<TokenStream, String> {
    let rt = rt();
    let ep = quote!(ep);
    let mut compiler = Compiler::new(rules, &ep);
    let body = compiler.rules(rules.rules(), &[], "rules", true)?;
    let specs = rules.parameters().iter().map(|p| param_spec(&ep, p));
    let functions = body
        .to_string()
        .contains(" f ::")
        .then(|| quote!(use #rt::endpoint::functions as f;));
    let bindings = compiler.param_bindings();
    let parameters: String = rules
        .parameters()
        .iter()
        .map(|p| {
            let built_in = p
                .built_in
                .as_deref()
                .map(|b| format!(", from `{b}`"))
                .unwrap_or_default();
            // Plain text from the rule set: nothing in it may read as a link or an HTML tag.
            let docs = p
                .documentation
                .as_deref()
                .unwrap_or("")
                .trim()
                .replace('[', "\\[")
                .replace(']', "\\]")
                .replace('<', "\\<");
            format!(
                "\n- `{}` ({}{built_in}): {docs}",
                p.name,
                p.param_type.name()
            )
        })
        .collect();
    let doc = format!(
        "The endpoint rules of {service_name}, compiled from the model's rule set (version {}).\n\n\
         [`RULES`] is what a client resolves its endpoint with, from the region, the FIPS and \
         dual-stack settings and the endpoint URL of its configuration. [`resolve`] takes any \
         parameters, such as an endpoint test case gives. The parameters:\n{parameters}",
        rules.version()
    );
    Ok(quote! {
        #![doc = #doc]

        use #rt::endpoint as ep;
        #functions

        /// The parameters of the rules, sorted by name.
        pub static PARAMETERS: &[#ep::ParamSpec] = &[#(#specs),*];

        /// The compiled rules, as a client reads them.
        pub static RULES: #ep::CompiledRules = #ep::CompiledRules {
            parameters: PARAMETERS,
            resolve,
        };

        /// Resolves the endpoint for `params`: each must be a parameter of the rules with
        /// its type; those left out take their defaults.
        pub fn resolve(params: &ep::Params) -> Result<ep::Endpoint, ep::EndpointError> {
            let bound = #ep::bind(PARAMETERS, params)?;
            #(#bindings)*
            #body
        }
    })
}

/// The `ParamSpec` of `parameter`.
fn param_spec(ep: &TokenStream, parameter: &aws_endpoint_rules::Parameter) -> TokenStream {
    let name = &parameter.name;
    let param_type = match parameter.param_type {
        ParamType::String => quote!(String),
        ParamType::Boolean => quote!(Boolean),
        ParamType::StringArray => quote!(StringArray),
    };
    let required = parameter.required;
    let default = match &parameter.default {
        Some(ParamValue::String(s)) => quote!(Some(#ep::StaticDefault::String(#s))),
        Some(ParamValue::Bool(b)) => quote!(Some(#ep::StaticDefault::Bool(#b))),
        Some(ParamValue::StringArray(items)) => {
            quote!(Some(#ep::StaticDefault::StringArray(&[#(#items),*])))
        }
        None => quote!(None),
    };
    let built_in = crate::wire::option(parameter.built_in.as_deref());
    quote! {
        #ep::ParamSpec {
            name: #name,
            param_type: #ep::ParamType::#param_type,
            required: #required,
            default: #default,
            built_in: #built_in,
        }
    }
}

/// The type of a value in compiled rules, and how its Rust form reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    /// A `&str`.
    Str,
    /// A `bool`.
    Bool,
    /// An `i64` (only literals: `substring`'s bounds).
    Int,
    /// A slice of strings (`&[&str]` or `&[String]`).
    Strings,
    /// A `functions::Url`.
    Url,
    /// A `functions::Arn`.
    Arn,
    /// A `&'static functions::Partition`.
    Partition,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Str => "a string",
            Ty::Bool => "a boolean",
            Ty::Int => "an integer",
            Ty::Strings => "a string array",
            Ty::Url => "a URL record",
            Ty::Arn => "an ARN record",
            Ty::Partition => "a partition record",
        }
    }
}

/// A compiled expression.
#[derive(Clone)]
struct Val {
    code: TokenStream,
    ty: Ty,
    /// The code gives an `Option` of the value: the value may be unset.
    optional: bool,
    /// A `Str` that the code gives as an owned `String`.
    owned: bool,
    /// The code is a single path, literal or call, needing no parentheses.
    atomic: bool,
    /// For a boolean, the code of its negation when simpler than `!(code)`.
    negated: Option<TokenStream>,
}

impl Val {
    /// A value that is always set, read by `code`.
    fn set(code: TokenStream, ty: Ty) -> Val {
        Val {
            code,
            ty,
            optional: false,
            owned: false,
            atomic: true,
            negated: None,
        }
    }

    /// The comparison `a == b`, with `a != b` as its negation.
    fn comparison(a: &Val, b: &Val) -> Val {
        let (a, b) = (a.parenthesized(), b.parenthesized());
        Val {
            atomic: false,
            negated: Some(quote!(#a != #b)),
            ..Val::set(quote!(#a == #b), Ty::Bool)
        }
    }

    /// Whether the string `value` is empty, and its negation.
    fn empty(value: &Val) -> Val {
        let code = value.parenthesized();
        Val {
            negated: Some(quote!(!#code.is_empty())),
            ..Val::set(quote!(#code.is_empty()), Ty::Bool)
        }
    }

    /// The negation of a boolean.
    fn not(&self) -> Val {
        match &self.negated {
            Some(code) => Val {
                atomic: false,
                negated: Some(self.code.clone()),
                ..Val::set(code.clone(), Ty::Bool)
            },
            None => {
                let code = self.parenthesized();
                Val {
                    atomic: false,
                    negated: Some(self.code.clone()),
                    ..Val::set(quote!(!#code), Ty::Bool)
                }
            }
        }
    }

    fn parenthesized(&self) -> TokenStream {
        let code = &self.code;
        if self.atomic {
            code.clone()
        } else {
            quote!((#code))
        }
    }
}

/// What a slot holds where it is in scope.
#[derive(Clone)]
struct Var {
    ident: Ident,
    ty: Ty,
    optional: bool,
    /// How the value reads as its type (`name` or `name.as_str()`).
    read: TokenStream,
}

struct Compiler<'a> {
    rules: &'a RuleSet,
    ep: TokenStream,
    /// The Rust name of each slot.
    idents: Vec<Ident>,
    /// What each slot holds in the current scope.
    vars: Vec<Option<Var>>,
    /// The parameters the rules read.
    used_params: Vec<bool>,
    next_temp: usize,
}

/// Names the generated function uses itself.
const RESERVED: [&str; 5] = ["bound", "params", "f", "ep", "resolve"];

impl<'a> Compiler<'a> {
    fn new(rules: &'a RuleSet, ep: &TokenStream) -> Self {
        let names = rules.slot_names();
        let snakes: Vec<String> = names.iter().map(|n| n.to_snake_case()).collect();
        let idents = snakes
            .iter()
            .enumerate()
            .map(|(slot, snake)| {
                // Distinct names that read the same in snake case keep apart by slot.
                let clash = names
                    .iter()
                    .zip(&snakes)
                    .any(|(other, s)| s == snake && other != &names[slot]);
                // Only ASCII letters, digits and `_`, so that any name makes an identifier.
                let mut text: String = snake
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if text.is_empty() || clash {
                    text = format!("{text}_{slot}");
                }
                if !text.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    text = format!("v{text}");
                }
                if RESERVED.contains(&text.as_str())
                    || text.starts_with("tmp")
                    || syn::parse_str::<Ident>(&text).is_err()
                {
                    text.push('_');
                }
                Ident::new(&text, Span::call_site())
            })
            .collect();
        let vars = rules
            .parameters()
            .iter()
            .zip(&idents)
            .map(|(p, ident): (_, &Ident)| {
                let ty = match p.param_type {
                    ParamType::String => Ty::Str,
                    ParamType::Boolean => Ty::Bool,
                    ParamType::StringArray => Ty::Strings,
                };
                Some(Var {
                    ident: ident.clone(),
                    ty,
                    // A required parameter always has a value once bound.
                    optional: !p.required,
                    read: quote!(#ident),
                })
            })
            .chain(std::iter::repeat_n(
                None,
                names.len().saturating_sub(rules.parameters().len()),
            ))
            .collect();
        Compiler {
            rules,
            ep: ep.clone(),
            idents,
            vars,
            used_params: vec![false; rules.parameters().len()],
            next_temp: 0,
        }
    }

    /// `let` statements binding each parameter the rules read, from `bound`.
    fn param_bindings(&self) -> Vec<TokenStream> {
        self.rules
            .parameters()
            .iter()
            .enumerate()
            .filter(|(i, _)| self.used_params.get(*i).copied().unwrap_or(false))
            .map(|(i, p)| {
                let ident = &self.idents[i];
                let index = Literal::usize_unsuffixed(i);
                let getter = match p.param_type {
                    ParamType::String => quote!(string),
                    ParamType::Boolean => quote!(bool),
                    ParamType::StringArray => quote!(string_array),
                };
                if p.required {
                    // `bind` has made sure a required parameter has a value.
                    quote!(let #ident = bound.#getter(#index).unwrap_or_default();)
                } else {
                    quote!(let #ident = bound.#getter(#index);)
                }
            })
            .collect()
    }

    fn temp(&mut self) -> Ident {
        let ident = format_ident!("tmp{}", self.next_temp);
        self.next_temp = self.next_temp.saturating_add(1);
        ident
    }

    /// The statements for `rules`, tried in order. At the top level (`tail`), the last
    /// outcome is the function's value; elsewhere every outcome is returned.
    fn rules(
        &mut self,
        rules: &[Rule],
        path: &[usize],
        at: &str,
        tail: bool,
    ) -> Result<TokenStream, String> {
        let mut out = TokenStream::new();
        for (i, rule) in rules.iter().enumerate() {
            let mut rule_path = path.to_vec();
            rule_path.push(i);
            let (tokens, always) = self.rule(rule, &rule_path, tail)?;
            out.extend(tokens);
            if always {
                return Ok(out);
            }
        }
        let ep = &self.ep;
        let outcome = quote!(Err(#ep::EndpointError::NoRuleMatched { at: #at.to_owned() }));
        out.extend(if tail {
            outcome
        } else {
            quote!(return #outcome;)
        });
        Ok(out)
    }

    /// One rule as a block, and whether its conditions always hold.
    fn rule(
        &mut self,
        rule: &Rule,
        path: &[usize],
        tail: bool,
    ) -> Result<(TokenStream, bool), String> {
        let label_text = format!(
            "'r{}",
            path.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("_")
        );
        let label = syn::Lifetime::new(&label_text, Span::call_site());
        let exit = quote!(break #label;);
        let saved = self.vars.clone();
        let mut stmts = Vec::new();
        for (i, condition) in rule.conditions.iter().enumerate() {
            let later = Later {
                conditions: rule.conditions.get(i + 1..).unwrap_or_default(),
                body: &rule.body,
            };
            self.condition(condition, &later, &mut stmts, &exit)
                .map_err(|e| format!("{}.conditions[{i}]: {e}", rule.at))?;
        }
        // The rule can fail when a statement leaves its block.
        let leaving = format!("{label_text} ");
        let conditional = stmts.iter().any(|s| s.to_string().contains(&leaving));
        let body = self.body(rule, path, tail && !conditional)?;
        self.vars = saved;
        let tokens = if conditional {
            quote! {
                #label: {
                    #(#stmts)*
                    #body
                }
            }
        } else if tail {
            quote!(#(#stmts)* #body)
        } else {
            quote! {
                {
                    #(#stmts)*
                    #body
                }
            }
        };
        Ok((tokens, !conditional))
    }

    /// Compiles one condition into `stmts`, leaving with `exit` when it does not hold.
    fn condition(
        &mut self,
        condition: &Condition,
        later: &Later<'_>,
        stmts: &mut Vec<TokenStream>,
        exit: &TokenStream,
    ) -> Result<(), String> {
        let assign = condition.assign.filter(|slot| later.uses(*slot));
        // `isSet(x)` of a value that may be unset narrows it for the rest of the rule.
        if let (Function::IsSet, [Expr::Ref(slot)], None) = (
            &condition.call.function,
            condition.call.args.as_slice(),
            assign,
        ) {
            let var = self.var(*slot)?;
            if !var.optional {
                return Ok(());
            }
            let ident = var.ident.clone();
            if later.uses(*slot) {
                stmts.push(quote!(let Some(#ident) = #ident else { #exit };));
                if let Some(Some(var)) = self.vars.get_mut(*slot) {
                    var.optional = false;
                }
            } else {
                stmts.push(quote!(if #ident.is_none() { #exit }));
            }
            return Ok(());
        }
        let value = self.call(&condition.call, stmts, exit)?;
        let code = value.code.clone();
        match (value.ty, assign) {
            (Ty::Bool, _) => {
                let value = self.require(value, stmts, exit);
                if value.code.to_string() != "true" {
                    let fails = value.not().code;
                    stmts.push(quote!(if #fails { #exit }));
                }
                if let Some(slot) = assign {
                    let ident = self.bind(slot, Ty::Bool, false)?;
                    stmts.push(quote!(let #ident = true;));
                }
            }
            (ty, Some(slot)) => {
                let ident = self.bind(slot, ty, value.owned)?;
                stmts.push(if value.optional {
                    quote!(let Some(#ident) = #code else { #exit };)
                } else {
                    quote!(let #ident = #code;)
                });
            }
            (_, None) if value.optional => {
                let code = value.parenthesized();
                stmts.push(quote!(if #code.is_none() { #exit }));
            }
            // A value that is always set holds; its arguments may still have left.
            (_, None) => stmts.push(quote!(let _ = #code;)),
        }
        Ok(())
    }

    /// Puts slot `slot` in scope as a set value of type `ty` (an owned string read with
    /// `as_str()`), and gives its Rust name.
    fn bind(&mut self, slot: usize, ty: Ty, owned: bool) -> Result<Ident, String> {
        let ident = self
            .idents
            .get(slot)
            .cloned()
            .ok_or("a slot out of range")?;
        let read = if owned {
            quote!(#ident.as_str())
        } else {
            quote!(#ident)
        };
        if let Some(place) = self.vars.get_mut(slot) {
            *place = Some(Var {
                ident: ident.clone(),
                ty,
                optional: false,
                read,
            });
        }
        Ok(ident)
    }

    fn var(&mut self, slot: usize) -> Result<Var, String> {
        if let Some(used) = self.used_params.get_mut(slot) {
            *used = true;
        }
        match self.vars.get(slot) {
            Some(Some(var)) => Ok(var.clone()),
            _ => Err(format!(
                "`{}` is not in scope",
                self.rules
                    .slot_names()
                    .get(slot)
                    .map_or("?", String::as_str)
            )),
        }
    }

    /// `value` as a value that is set: an optional one is unwrapped (leaving with `exit`
    /// when unset), and an owned string is bound so that it reads as `&str`.
    fn require(&mut self, value: Val, stmts: &mut Vec<TokenStream>, exit: &TokenStream) -> Val {
        if !value.optional && !value.owned {
            return value;
        }
        let temp = self.temp();
        let code = &value.code;
        stmts.push(if value.optional {
            quote!(let Some(#temp) = #code else { #exit };)
        } else {
            quote!(let #temp = #code;)
        });
        let read = if value.owned {
            quote!(#temp.as_str())
        } else {
            quote!(#temp)
        };
        Val::set(read, value.ty)
    }

    /// Compiles `expr`, a string, to code giving an owned `String`.
    fn string(
        &mut self,
        expr: &Expr,
        what: &str,
        stmts: &mut Vec<TokenStream>,
        exit: &TokenStream,
    ) -> Result<TokenStream, String> {
        let value = self.expr(expr, stmts, exit)?;
        if value.ty != Ty::Str {
            return Err(format!("{what} must be a string, not {}", value.ty.name()));
        }
        if value.owned && !value.optional {
            return Ok(value.code);
        }
        let code = self.require(value, stmts, exit).parenthesized();
        Ok(quote!(#code.to_owned()))
    }

    /// Compiles `expr` to a set value of type `ty`.
    fn typed(
        &mut self,
        expr: &Expr,
        ty: Ty,
        what: &str,
        stmts: &mut Vec<TokenStream>,
        exit: &TokenStream,
    ) -> Result<Val, String> {
        let value = self.expr(expr, stmts, exit)?;
        if value.ty != ty {
            return Err(format!(
                "{what} must be {}, not {}",
                ty.name(),
                value.ty.name()
            ));
        }
        Ok(self.require(value, stmts, exit))
    }

    fn expr(
        &mut self,
        expr: &Expr,
        stmts: &mut Vec<TokenStream>,
        exit: &TokenStream,
    ) -> Result<Val, String> {
        Ok(match expr {
            Expr::Literal(Value::Str(s)) => Val::set(quote!(#s), Ty::Str),
            Expr::Literal(Value::Bool(b)) => Val::set(quote!(#b), Ty::Bool),
            Expr::Literal(Value::Int(n)) => {
                let n = Literal::i64_unsuffixed(*n);
                Val::set(quote!(#n), Ty::Int)
            }
            Expr::Literal(other) => {
                return Err(format!("a literal {} is not supported", other.type_name()))
            }
            Expr::Ref(slot) => {
                let var = self.var(*slot)?;
                Val {
                    optional: var.optional,
                    ..Val::set(var.read, var.ty)
                }
            }
            Expr::Template(parts) => self.template(parts, stmts, exit)?,
            Expr::Call(call) => self.call(call, stmts, exit)?,
            Expr::Array(_) | Expr::Record(_) => {
                return Err(
                    "arrays and records are only supported in endpoint properties".to_owned(),
                )
            }
        })
    }

    /// A `format!` of `parts`, or the one value a template of nothing else reads.
    fn template(
        &mut self,
        parts: &[Part],
        stmts: &mut Vec<TokenStream>,
        exit: &TokenStream,
    ) -> Result<Val, String> {
        let mut format = String::new();
        let mut args = Vec::new();
        for part in parts {
            match part {
                Part::Text(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
                Part::Value { slot, name, path } => {
                    let var = self.var(*slot)?;
                    let base = Val {
                        optional: var.optional,
                        ..Val::set(var.read, var.ty)
                    };
                    let base = self.require(base, stmts, exit);
                    let value = match path {
                        Some(path) => {
                            let attr = get_attr(&base, path)?;
                            self.require(attr, stmts, exit)
                        }
                        None => base,
                    };
                    if value.ty != Ty::Str {
                        let place = match path {
                            Some(path) => format!("{name}#{}", path.text()),
                            None => name.clone(),
                        };
                        return Err(format!(
                            "template value `{{{place}}}` is {}, not a string",
                            value.ty.name()
                        ));
                    }
                    format.push_str("{}");
                    args.push(value.code);
                }
            }
        }
        if let ([arg], "{}") = (args.as_slice(), format.as_str()) {
            return Ok(Val::set(arg.clone(), Ty::Str));
        }
        Ok(Val {
            owned: true,
            ..Val::set(quote!(format!(#format, #(#args),*)), Ty::Str)
        })
    }

    fn call(
        &mut self,
        call: &Call,
        stmts: &mut Vec<TokenStream>,
        exit: &TokenStream,
    ) -> Result<Val, String> {
        let name = call.function.name();
        let arg = |i: usize| {
            call.args
                .get(i)
                .ok_or_else(|| format!("`{name}` has no argument {}", i + 1))
        };
        let what = |i: usize| format!("argument {} of `{name}`", i + 1);
        Ok(match &call.function {
            Function::IsSet => {
                let mut inner = Vec::new();
                let label =
                    syn::Lifetime::new(&format!("'set{}", self.next_temp), Span::call_site());
                self.next_temp = self.next_temp.saturating_add(1);
                let local_exit = quote!(break #label false;);
                let value = self.expr(arg(0)?, &mut inner, &local_exit)?;
                let check = if value.optional {
                    let code = value.parenthesized();
                    quote!(#code.is_some())
                } else {
                    quote!(true)
                };
                if inner.is_empty() {
                    Val {
                        atomic: !value.optional || value.atomic,
                        ..Val::set(check, Ty::Bool)
                    }
                } else {
                    Val::set(quote!(#label: { #(#inner)* #check }), Ty::Bool)
                }
            }
            Function::Not => self.typed(arg(0)?, Ty::Bool, &what(0), stmts, exit)?.not(),
            Function::BooleanEquals => {
                let a = self.typed(arg(0)?, Ty::Bool, &what(0), stmts, exit)?;
                let b = self.typed(arg(1)?, Ty::Bool, &what(1), stmts, exit)?;
                let (ta, tb) = (a.code.to_string(), b.code.to_string());
                match (ta.as_str(), tb.as_str()) {
                    (_, "true") => a,
                    ("true", _) => b,
                    (_, "false") => a.not(),
                    ("false", _) => b.not(),
                    _ => Val::comparison(&a, &b),
                }
            }
            Function::StringEquals => {
                let a = self.typed(arg(0)?, Ty::Str, &what(0), stmts, exit)?;
                let b = self.typed(arg(1)?, Ty::Str, &what(1), stmts, exit)?;
                match (a.code.to_string().as_str(), b.code.to_string().as_str()) {
                    ("\"\"", _) => Val::empty(&b),
                    (_, "\"\"") => Val::empty(&a),
                    _ => Val::comparison(&a, &b),
                }
            }
            Function::GetAttr(path) => {
                let base = self.expr(arg(0)?, stmts, exit)?;
                let base = self.require(base, stmts, exit);
                get_attr(&base, path)?
            }
            library => {
                let Some(signature) = signature(library) else {
                    return Err(format!("`{name}` has no compiled form"));
                };
                self.library(call, signature, stmts, exit)?
            }
        })
    }

    /// A call of a library function in `functions`, with its `signature`.
    fn library(
        &mut self,
        call: &Call,
        signature: Signature,
        stmts: &mut Vec<TokenStream>,
        exit: &TokenStream,
    ) -> Result<Val, String> {
        let Signature {
            function,
            args,
            result: ty,
            optional,
            owned,
        } = signature;
        let name = call.function.name();
        let mut codes = Vec::new();
        for (i, (arg, want)) in call.args.iter().zip(args).enumerate() {
            let what = format!("argument {} of `{name}`", i + 1);
            codes.push(self.typed(arg, *want, &what, stmts, exit)?.code);
        }
        if codes.len() != args.len() {
            return Err(format!("`{name}` takes {} arguments", args.len()));
        }
        let function = Ident::new(function, Span::call_site());
        Ok(Val {
            optional,
            owned,
            ..Val::set(quote!(f::#function(#(#codes),*)), ty)
        })
    }

    /// What a rule yields. At the function's tail the outcome is its value, not returned.
    fn body(&mut self, rule: &Rule, path: &[usize], tail: bool) -> Result<TokenStream, String> {
        let ep = self.ep.clone();
        let at = &rule.at;
        let unset = |what: &str| {
            let reason = format!("{what} is not set");
            quote!(return Err(#ep::EndpointError::Evaluation { at: #at.to_owned(), reason: #reason.to_owned() });)
        };
        let (mut stmts, outcome) = match &rule.body {
            Body::Tree(rules) => {
                let inner = self.rules(rules, path, at, tail)?;
                return Ok(inner);
            }
            Body::Error(message) => {
                let mut stmts = Vec::new();
                let exit = unset("the error message");
                let message = self
                    .string(message, "the error message", &mut stmts, &exit)
                    .map_err(|e| format!("{at}: {e}"))?;
                (stmts, quote!(Err(#ep::EndpointError::Rule(#message))))
            }
            Body::Endpoint(template) => {
                let mut stmts = Vec::new();
                let endpoint = self
                    .endpoint(template, &mut stmts, &unset)
                    .map_err(|e| format!("{at}: {e}"))?;
                (stmts, quote!(Ok(#endpoint)))
            }
        };
        if tail {
            stmts.push(outcome);
        } else {
            stmts.push(quote!(return #outcome;));
        }
        Ok(quote!(#(#stmts)*))
    }

    fn endpoint(
        &mut self,
        template: &EndpointTemplate,
        stmts: &mut Vec<TokenStream>,
        unset: &dyn Fn(&str) -> TokenStream,
    ) -> Result<TokenStream, String> {
        let ep = self.ep.clone();
        let url = self.string(
            &template.url,
            "the endpoint URL",
            stmts,
            &unset("the endpoint URL"),
        )?;
        let mut headers: BTreeMap<&str, Vec<TokenStream>> = BTreeMap::new();
        for (name, values) in &template.headers {
            let what = format!("header `{name}`");
            let exit = unset(&what);
            let mut codes = Vec::new();
            for value in values {
                codes.push(self.string(value, &what, stmts, &exit)?);
            }
            headers.insert(name, codes);
        }
        let mut properties = Vec::new();
        for (name, value) in &template.properties {
            let what = format!("property `{name}`");
            let json = self.property(value, stmts, &unset(&what))?;
            properties.push(quote!((#name.to_owned(), #json)));
        }
        let headers = headers
            .iter()
            .map(|(name, values)| quote!((#name.to_owned(), vec![#(#values),*])));
        let properties = if properties.is_empty() {
            quote!(#ep::PropertyMap::new())
        } else {
            quote!([#(#properties),*].into_iter().collect())
        };
        Ok(quote! {
            #ep::Endpoint {
                url: #url,
                headers: vec![#(#headers),*],
                properties: #properties,
            }
        })
    }

    /// An endpoint property's value as JSON.
    fn property(
        &mut self,
        expr: &Expr,
        stmts: &mut Vec<TokenStream>,
        exit: &TokenStream,
    ) -> Result<TokenStream, String> {
        let ep = self.ep.clone();
        let json = quote!(#ep::PropertyValue);
        Ok(match expr {
            Expr::Array(items) => {
                let items = items
                    .iter()
                    .map(|i| self.property(i, stmts, exit))
                    .collect::<Result<Vec<_>, _>>()?;
                quote!(#json::Array(vec![#(#items),*]))
            }
            Expr::Record(fields) => {
                let mut entries = Vec::new();
                for (k, v) in fields {
                    let v = self.property(v, stmts, exit)?;
                    entries.push(quote!((#k.to_owned(), #v)));
                }
                let fields = entries;
                quote!(#json::Object([#(#fields),*].into_iter().collect()))
            }
            Expr::Literal(Value::Int(n)) => quote!(#json::from(#n)),
            other => {
                let value = self.expr(other, stmts, exit)?;
                let value = self.require(value, stmts, exit);
                let code = &value.code;
                match value.ty {
                    Ty::Str => quote!(#json::String(#code.to_owned())),
                    Ty::Bool => quote!(#json::Bool(#code)),
                    Ty::Int => quote!(#json::from(#code)),
                    Ty::Strings => {
                        quote!(#json::Array(#code.iter().map(|s| #json::String(s.to_string())).collect()))
                    }
                    other => {
                        return Err(format!(
                            "a property holding {} is not supported",
                            other.name()
                        ))
                    }
                }
            }
        })
    }
}

/// How a library function of `functions` is called.
#[derive(Clone, Copy)]
struct Signature {
    /// Its name in `functions`.
    function: &'static str,
    /// The types of its arguments.
    args: &'static [Ty],
    /// The type of its result.
    result: Ty,
    /// The result may be unset (the function gives an `Option`).
    optional: bool,
    /// The result is an owned `String`.
    owned: bool,
}

/// The signature of a library function; `None` for the functions compiled inline
/// (`isSet`, `not`, the comparisons and `getAttr`).
fn signature(function: &Function) -> Option<Signature> {
    let (function, args, result, optional, owned): (_, &'static [Ty], _, _, _) = match function {
        Function::ParseUrl => ("parse_url", &[Ty::Str], Ty::Url, true, false),
        Function::Substring => (
            "substring",
            &[Ty::Str, Ty::Int, Ty::Int, Ty::Bool],
            Ty::Str,
            true,
            true,
        ),
        Function::UriEncode => ("uri_encode", &[Ty::Str], Ty::Str, false, true),
        Function::IsValidHostLabel => (
            "is_valid_host_label",
            &[Ty::Str, Ty::Bool],
            Ty::Bool,
            false,
            false,
        ),
        Function::Partition => ("partition", &[Ty::Str], Ty::Partition, false, false),
        Function::ParseArn => ("parse_arn", &[Ty::Str], Ty::Arn, true, false),
        Function::IsVirtualHostableS3Bucket => (
            "is_virtual_hostable_s3_bucket",
            &[Ty::Str, Ty::Bool],
            Ty::Bool,
            false,
            false,
        ),
        Function::IsSet
        | Function::Not
        | Function::BooleanEquals
        | Function::StringEquals
        | Function::GetAttr(_) => return None,
    };
    Some(Signature {
        function,
        args,
        result,
        optional,
        owned,
    })
}

/// `getAttr(base, path)` on a set value.
fn get_attr(base: &Val, path: &Path) -> Result<Val, String> {
    let code = base.parenthesized();
    let unknown = |what: String| format!("getAttr `{}`: {what} of {}", path.text(), base.ty.name());
    match (base.ty, path.steps()) {
        (Ty::Partition, [Step::Field(field)]) => {
            let (member, ty) = match field.as_str() {
                "name" => (quote!(name), Ty::Str),
                "dnsSuffix" => (quote!(dns_suffix), Ty::Str),
                "dualStackDnsSuffix" => (quote!(dual_stack_dns_suffix), Ty::Str),
                "implicitGlobalRegion" => (quote!(implicit_global_region), Ty::Str),
                "supportsFIPS" => (quote!(supports_fips), Ty::Bool),
                "supportsDualStack" => (quote!(supports_dual_stack), Ty::Bool),
                other => return Err(unknown(format!("no field `{other}`"))),
            };
            Ok(Val::set(quote!(#code.#member), ty))
        }
        (Ty::Url, [Step::Field(field)]) => Ok(match field.as_str() {
            "scheme" => Val::set(quote!(#code.scheme.as_str()), Ty::Str),
            "authority" => Val::set(quote!(#code.authority.as_str()), Ty::Str),
            "path" => Val::set(quote!(#code.path.as_str()), Ty::Str),
            "normalizedPath" => Val::set(quote!(#code.normalized_path.as_str()), Ty::Str),
            "isIp" => Val::set(quote!(#code.is_ip), Ty::Bool),
            other => return Err(unknown(format!("no field `{other}`"))),
        }),
        (Ty::Arn, [Step::Field(field)]) => Ok(match field.as_str() {
            "partition" => Val::set(quote!(#code.partition.as_str()), Ty::Str),
            "service" => Val::set(quote!(#code.service.as_str()), Ty::Str),
            "region" => Val::set(quote!(#code.region.as_str()), Ty::Str),
            "accountId" => Val::set(quote!(#code.account_id.as_str()), Ty::Str),
            "resourceId" => Val::set(quote!(#code.resource_id.as_slice()), Ty::Strings),
            other => return Err(unknown(format!("no field `{other}`"))),
        }),
        (Ty::Arn, [Step::Field(field), Step::Index(i)]) if field == "resourceId" => {
            let i = Literal::usize_unsuffixed(*i);
            Ok(Val {
                optional: true,
                ..Val::set(quote!(f::element(&#code.resource_id, #i)), Ty::Str)
            })
        }
        (Ty::Strings, [Step::Index(i)]) => {
            let i = Literal::usize_unsuffixed(*i);
            Ok(Val {
                optional: true,
                ..Val::set(quote!(f::element(#code, #i)), Ty::Str)
            })
        }
        (_, [Step::Field(field), ..]) => Err(unknown(format!("field `{field}`"))),
        (_, [Step::Index(i), ..]) => Err(unknown(format!("index [{i}]"))),
        (_, []) => Err(unknown("an empty path".to_owned())),
    }
}

/// What a rule does after a condition: whether a slot is read there.
struct Later<'a> {
    conditions: &'a [Condition],
    body: &'a Body,
}

impl Later<'_> {
    fn uses(&self, slot: usize) -> bool {
        self.conditions.iter().any(|c| call_uses(&c.call, slot)) || body_uses(self.body, slot)
    }
}

fn body_uses(body: &Body, slot: usize) -> bool {
    match body {
        Body::Error(e) => expr_uses(e, slot),
        Body::Endpoint(t) => {
            expr_uses(&t.url, slot)
                || t.headers
                    .iter()
                    .any(|(_, v)| v.iter().any(|e| expr_uses(e, slot)))
                || t.properties.iter().any(|(_, e)| expr_uses(e, slot))
        }
        Body::Tree(rules) => rules.iter().any(|r| {
            r.conditions.iter().any(|c| call_uses(&c.call, slot)) || body_uses(&r.body, slot)
        }),
    }
}

fn call_uses(call: &Call, slot: usize) -> bool {
    call.args.iter().any(|a| expr_uses(a, slot))
}

fn expr_uses(expr: &Expr, slot: usize) -> bool {
    match expr {
        Expr::Literal(_) => false,
        Expr::Ref(s) => *s == slot,
        Expr::Template(parts) => parts
            .iter()
            .any(|p| matches!(p, Part::Value { slot: s, .. } if *s == slot)),
        Expr::Call(call) => call_uses(call, slot),
        Expr::Array(items) => items.iter().any(|e| expr_uses(e, slot)),
        Expr::Record(fields) => fields.iter().any(|(_, e)| expr_uses(e, slot)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(json: &str) -> RuleSet {
        RuleSet::from_json(json).expect("the rule set parses")
    }

    fn error_of(rules_json: &str) -> String {
        compile(&rules(rules_json), "Test").expect_err("does not compile")
    }

    const PARAMS: &str = r#""parameters": {
        "Region": {"type": "string", "builtIn": "AWS::Region"},
        "UseFIPS": {"type": "boolean", "required": true, "default": false}}"#;

    #[test]
    fn type_errors_name_the_rule_and_the_argument() {
        let wrong_type = format!(
            r#"{{"version": "1.0", {PARAMS}, "rules": [{{"conditions": [
                {{"fn": "booleanEquals", "argv": [{{"ref": "Region"}}, true]}}],
                "error": "x", "type": "error"}}]}}"#
        );
        assert_eq!(
            error_of(&wrong_type),
            "rules[0].conditions[0]: argument 1 of `booleanEquals` must be a boolean, not a string"
        );
        let unknown_field = format!(
            r#"{{"version": "1.0", {PARAMS}, "rules": [{{"conditions": [
                {{"fn": "isSet", "argv": [{{"ref": "Region"}}]}},
                {{"fn": "aws.partition", "argv": [{{"ref": "Region"}}], "assign": "p"}}],
                "endpoint": {{"url": "https://{{p#colour}}"}}, "type": "endpoint"}}]}}"#
        );
        assert_eq!(
            error_of(&unknown_field),
            "rules[0]: getAttr `colour`: no field `colour` of a partition record"
        );
        let boolean_template = format!(
            r#"{{"version": "1.0", {PARAMS}, "rules": [{{"conditions": [],
                "endpoint": {{"url": "https://{{UseFIPS}}"}}, "type": "endpoint"}}]}}"#
        );
        assert_eq!(
            error_of(&boolean_template),
            "rules[0]: template value `{UseFIPS}` is a boolean, not a string"
        );
    }

    #[test]
    fn conditions_become_blocks_that_narrow_and_leave() {
        let json = format!(
            r#"{{"version": "1.0", {PARAMS}, "rules": [
                {{"conditions": [{{"fn": "isSet", "argv": [{{"ref": "Region"}}]}},
                    {{"fn": "not", "argv": [{{"fn": "stringEquals", "argv": [{{"ref": "Region"}}, ""]}}]}}],
                 "endpoint": {{"url": "https://x.{{Region}}"}}, "type": "endpoint"}},
                {{"conditions": [], "error": "no region", "type": "error"}}]}}"#
        );
        let code = compile(&rules(&json), "Test")
            .expect("compiles")
            .to_string();
        for expected in [
            "let Some (region) = region else { break 'r0 ; } ;",
            "if region . is_empty () { break 'r0 ; }",
            "url : format ! (\"https://x.{}\" , region)",
            "Err (ep :: EndpointError :: Rule (\"no region\" . to_owned ()))",
        ] {
            assert!(code.contains(expected), "{expected}\n{code}");
        }
        // UseFIPS is never read, so it is not bound.
        assert!(!code.contains("let use_fips"), "{code}");
        // The last rule always matches, so nothing follows it.
        assert!(!code.contains("NoRuleMatched"), "{code}");
    }

    #[test]
    fn any_parameter_name_becomes_an_identifier() {
        let names = [
            "Type",
            "type",
            "9lives",
            "bound",
            "tmp0",
            "a.b-c",
            "Ünïcode",
            "_",
        ];
        let parameters: Vec<String> = names
            .iter()
            .map(|n| format!(r#""{n}": {{"type": "string"}}"#))
            .collect();
        let conditions: Vec<String> = names
            .iter()
            .map(|n| format!(r#"{{"fn": "isSet", "argv": [{{"ref": "{n}"}}]}}"#))
            .collect();
        let template: String = names.iter().map(|n| format!("{{{n}}}")).collect();
        let json = format!(
            r#"{{"version": "1.0", "parameters": {{{}}}, "rules": [
                {{"conditions": [{}], "endpoint": {{"url": "https://{template}"}}, "type": "endpoint"}},
                {{"conditions": [], "error": "unset", "type": "error"}}]}}"#,
            parameters.join(", "),
            conditions.join(", ")
        );
        let tokens = compile(&rules(&json), "Test").expect("compiles");
        let file: syn::File = syn::parse2(tokens).expect("valid Rust");
        assert!(!file.items.is_empty());
    }
}
