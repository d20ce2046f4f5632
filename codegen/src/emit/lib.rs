//! Emits the crate root, `lib.rs`: the crate docs (what the crate holds, the operations and
//! patterns the model has but the crate leaves out, the service's own docs), the module
//! declarations and the re-exports of the items users reach first.

use model::ir;
use proc_macro2::TokenStream;
use quote::quote;

use crate::context::Cx;
use crate::docs;
use crate::names::ALL_OPERATIONS;
use crate::patterns;

/// The crate root: its docs, the module list and the re-exports users name items by.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    let meta = &cx.service.metadata;
    let service_docs = cx.docs(cx.service.docs.as_deref(), "");
    let trait_name = cx.service_trait();
    let intro = format!(
        "Client and server for {} (API version {}, awsJson {}), generated from the service model.\n\n\
         - [`Client`] calls the service: one async method per operation.\n\
         - [`{trait_name}`] is the service as a trait: [`Client`] implements it, and so does a server's handler, which [`Router`] serves over HTTP.\n\
         - [`types`] holds the inputs, outputs and the shapes they use; [`error`] the errors; [`operation`] each operation's wire facts; [`endpoint`] the endpoint rules, compiled.\n\
         - [`pagination`] pages through paginated operations, also as streams.\n\
         - `mock::Mock`, with the `mock` feature, stands in for the service in tests: answers set per operation, every call recorded.\n\n",
        meta.full_name,
        meta.api_version,
        meta.protocol.json_version(),
    );
    let features = operation_features_docs(cx);
    let skipped = unsupported_docs(&cx.service.unsupported);
    let unchecked = patterns::unchecked_patterns_docs(cx.service);
    let text = format!("{intro}{features}{skipped}{unchecked}{service_docs}")
        .trim_end()
        .to_owned();
    let attrs = docs::inner_attrs(&text);
    quote! {
        #attrs
        #![deny(missing_docs)]
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        pub mod endpoint;
        #[rustfmt::skip]
        pub mod error;
        #[rustfmt::skip]
        pub mod operation;
        #[cfg(feature = "mock")]
        #[rustfmt::skip]
        pub mod mock;
        #[rustfmt::skip]
        pub mod pagination;
        #[rustfmt::skip]
        pub mod server;
        #[rustfmt::skip]
        mod service;
        #[rustfmt::skip]
        pub mod types;
        #[rustfmt::skip]
        mod validate;
        pub use aws_json_runtime as runtime;
        pub use aws_json_runtime::Config;
        pub use aws_json_runtime::InMemoryTransport;
        pub use client::Client;
        pub use error::Error;
        pub use server::Router;
        pub use service::#trait_name;
    }
}

/// The paragraph of the crate docs on the operations' cargo features; empty unless each
/// operation has one.
fn operation_features_docs(cx: &Cx<'_>) -> String {
    let example = cx.service.operations.first().and_then(|op| {
        let feature = cx.names.operation_feature(&op.name)?;
        Some(format!(" (`{feature}` for `{}`)", op.name))
    });
    match example {
        Some(example) => format!(
            "Each operation is behind a cargo feature named after it in kebab-case{example}; \
             `{ALL_OPERATIONS}`, a default feature, turns on every one. With \
             `default-features = false` and the features of the operations it calls, a crate \
             compiles only their methods, inputs, outputs and errors, and the shapes they reach.\n\n"
        ),
        None => String::new(),
    }
}

/// The paragraph of the crate docs that lists the operations the model has but the crate
/// leaves out, each with the reason; empty when every operation is generated.
fn unsupported_docs(unsupported: &[ir::Unsupported]) -> String {
    if unsupported.is_empty() {
        return String::new();
    }
    let items: String = unsupported
        .iter()
        .map(|u| format!("- `{}` (not supported: {})\n", u.operation, u.reason))
        .collect();
    format!("Operations of the model that this crate leaves out:\n\n{items}\n")
}
