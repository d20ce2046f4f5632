//! Writes the runner crate of one suite: a binary with one function per case that drives the
//! suite's generated client and checks what it sent or parsed.
//!
//! The case functions build inputs and expected outputs as Rust values through
//! `codegen::testing::Literals`, so they use the generated crate's own types and names; the
//! checks themselves live in `support.rs`, copied into every runner. Nothing here runs a case.
//!
//! A suite whose model has no target prefix gets a client that refuses every call before
//! sending (nothing can name the operation in `X-Amz-Target`). Its output and error cases
//! test only how a response is read, so they call the client's core (`ClientCore::invoke`,
//! what every generated client method hands its input to) with the generated crate's own
//! operation facts, and read the response with the same code a client would. Its input cases
//! still go through the client, and fail with its error.

use std::path::PathBuf;

use codegen::testing::Literals;
use model::ir;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::suite::{Case, CaseKind, Suite};
use crate::Files;

/// The shared checks, copied into each runner as `src/support.rs`.
const SUPPORT: &str = include_str!("support.rs");

/// The endpoint a client uses when the suite sets none.
const DEFAULT_ENDPOINT: &str = "https://example.com";

/// A case the runner will run, or the reason it cannot be built.
pub type Prepared = Result<TokenStream, String>;

/// The runner crate for `suite`, whose generated crate is the package `lib_package` with
/// library name `lib_name`, at `lib_dir` relative to the runner. Cases that cannot be
/// expressed against the generated crate are returned with their reasons instead.
pub fn runner_crate(
    suite: &Suite,
    service: &ir::Service,
    options: &codegen::Options,
    package: &str,
    lib: (&str, &str, &str),
    runtime_dir: &str,
    skip: &std::collections::BTreeMap<usize, String>,
) -> Result<(Files, Vec<(usize, String)>), String> {
    let (lib_package, lib_name, lib_dir) = lib;
    let literals = Literals::new(service, options, lib_name);
    let endpoint = suite.client_endpoint.as_deref().unwrap_or(DEFAULT_ENDPOINT);
    let mut functions = Vec::new();
    let mut entries = Vec::new();
    let mut unbuilt = Vec::new();
    for (index, case) in suite.cases.iter().enumerate() {
        if let Some(reason) = skip.get(&index) {
            unbuilt.push((index, reason.clone()));
            continue;
        }
        match case_fn(&literals, service, case, endpoint) {
            Ok(body) => {
                let f = format_ident!("case_{index}");
                let id = &case.id;
                functions.push(quote! {
                    fn #f() -> support::CaseResult {
                        #body
                    }
                });
                entries.push(quote!((#id, #f as fn() -> support::CaseResult)));
            }
            Err(reason) => unbuilt.push((index, reason)),
        }
    }
    let main = quote! {
        //! The cases of one protocol test suite, run against its generated client.
        #![allow(clippy::all, unused_imports)]

        #[allow(dead_code)]
        mod support;

        fn main() {
            support::run(&[#(#entries),*]);
        }

        #(#functions)*
    };
    let main = codegen::testing::rust_file("src/main.rs", main, &["protocol tests".to_owned()])
        .map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{lib_package} = {{ path = \"{lib_dir}\", default-features = false }}\n\
         aws-json-runtime = {{ path = \"{runtime_dir}\", default-features = false }}\n\
         serde_json = \"1\"\nflate2 = {{ version = \"1\", default-features = false, features = [\"rust_backend\"] }}\n\
         tokio = {{ version = \"1\", default-features = false, features = [\"rt\", \"time\"] }}\n"
    );
    let files: Files = [
        (PathBuf::from("Cargo.toml"), manifest),
        (PathBuf::from("src/main.rs"), main),
        (PathBuf::from("src/support.rs"), SUPPORT.to_owned()),
    ]
    .into();
    Ok((files, unbuilt))
}

/// The body of one case's function.
fn case_fn(
    literals: &Literals<'_>,
    service: &ir::Service,
    case: &Case,
    endpoint: &str,
) -> Prepared {
    let op_name = case.operation()?;
    let op = service
        .operations
        .iter()
        .find(|o| o.name == op_name)
        .ok_or_else(|| format!("operation `{op_name}` is not in the suite's model"))?;
    let f = literals.operation_fn(op);
    let params = case
        .params
        .clone()
        .unwrap_or(Value::Object(Default::default()));
    let input = literals.input(op, &params)?;
    let krate = literals.crate_path();
    let config = quote!(support::config(transport.clone(), #endpoint));
    let client = quote!(#krate::Client::new(#config));
    // How an output or error case calls the operation: through the client, or through its
    // core when the client cannot send (see the module docs).
    let (caller, call) = match &service.metadata.target_prefix {
        Some(_) => (client.clone(), quote!(client.#f(input))),
        None => {
            let (meta, output, error) = (
                literals.operation_meta(op),
                literals.output_type(op),
                literals.error_type(op),
            );
            (
                quote!(::aws_json_runtime::ClientCore::new(&#krate::operation::SERVICE, #config)),
                quote!(client.invoke::<_, #output, #error>(&#meta, &input)),
            )
        }
    };
    match case.kind()? {
        CaseKind::Input => {
            let expected = text(case.serialized.as_ref())?;
            Ok(quote! {
                let transport = support::recording_transport();
                let client = #client;
                let input = #input;
                // The response is not under test, only the request; the call's error
                // explains a request that was never sent.
                let sent = support::block_on(client.#f(input)).err().map(|e| e.to_string());
                support::check_request(&transport, #expected, sent)
            })
        }
        CaseKind::Output => {
            let response = text(case.response.as_ref())?;
            let result = case
                .result
                .clone()
                .unwrap_or(Value::Object(Default::default()));
            let expected = literals.output(op, &result)?;
            Ok(quote! {
                let transport = support::response_transport(#response);
                let client = #caller;
                let input = #input;
                match support::block_on(#call) {
                    Ok(output) => support::same("output", &output, &#expected),
                    Err(e) => Err(format!("expected an output, got the error {e:?}")),
                }
            })
        }
        CaseKind::Error => {
            let response = text(case.response.as_ref())?;
            let code = case
                .error_code
                .as_deref()
                .ok_or_else(|| "the error case has no `errorCode`".to_owned())?;
            let message = match &case.error_message {
                Some(m) => quote!(Some(#m)),
                None => quote!(None),
            };
            let members = case
                .error
                .clone()
                .unwrap_or(Value::Object(Default::default()));
            let variant_check = match op.errors.iter().find(|e| error_code(service, e) == code) {
                Some(shape) => {
                    let variant = literals.op_error_variant(op, shape);
                    let expected = literals.value(shape, &members)?;
                    quote! {
                        match e {
                            #variant(inner) => support::same("error", &inner, &#expected),
                            other => Err(format!("expected the modeled error `{}`, got {other:?}", #code)),
                        }
                    }
                }
                // An error the operation does not model is checked by code and message.
                None => quote!(Ok(())),
            };
            Ok(quote! {
                let transport = support::response_transport(#response);
                let client = #caller;
                let input = #input;
                match support::block_on(#call) {
                    Ok(output) => Err(format!("expected the error `{}`, got the output {output:?}", #code)),
                    Err(e) => {
                        support::check_error(e.code(), e.message(), #code, #message)?;
                        #variant_check
                    }
                }
            })
        }
    }
}

/// The wire code of an error shape.
fn error_code<'a>(service: &'a ir::Service, shape: &'a str) -> &'a str {
    service
        .shapes
        .get(shape)
        .and_then(|s| s.error.as_ref())
        .map_or(shape, |e| e.code.as_str())
}

/// A case field as JSON text for the runner to parse.
fn text(value: Option<&Value>) -> Result<String, String> {
    value
        .map(Value::to_string)
        .ok_or_else(|| "the case lacks the field its kind needs".to_owned())
}
