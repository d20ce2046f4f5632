//! Emits the `Client`, whose one async method per operation hands the input to the runtime's
//! dispatch and returns the output or the operation's error, and whose pages methods start
//! the pages types of the `pagination` module (the operations that page are
//! [`crate::paging`]'s to say).
//!
//! A model without a target prefix (botocore metadata lacking `targetPrefix`) cannot name
//! an operation in `X-Amz-Target`, so its client methods fail with a request error that says
//! so, before anything is sent.

use model::ir;
use proc_macro2::TokenStream;
use quote::quote;

use crate::context::Cx;
use crate::docs;
use crate::method;
use crate::paging::paged_ops;
use crate::wire::rt;

/// Statements that give each unset idempotency-token member of the input a token from the
/// client's configured provider (fresh version-4 UUIDs unless the user set another).
fn fill_idempotency_tokens(cx: &Cx<'_>, op: &ir::Operation) -> Vec<TokenStream> {
    let Some(input) = &op.input else {
        return Vec::new();
    };
    let ir::ShapeKind::Structure(members) = &cx.shape(input).kind else {
        return Vec::new();
    };
    members
        .iter()
        .filter(|m| m.idempotency_token && !m.required)
        .map(|m| {
            let field = cx.names.field(input, &m.name);
            quote! {
                if input.#field.is_none() {
                    input.#field = Some(self.core.config().idempotency_token());
                }
            }
        })
        .collect()
}

/// The `client` module.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    let rt = rt();
    let trait_name = cx.service_trait();
    let full_name = &cx.service.metadata.full_name;
    let methods = cx.service.operations.iter().map(|op| {
        let f = cx.op_fn(op);
        let input = cx.input_path(op);
        let output = cx.output_path(op);
        let error = cx.op_error_path(op);
        let docs = method::op_docs(cx, op);
        let cfg = cx.cfg_operation(op);
        let (binding, body) = method_body(cx, op, &error);
        quote! {
            #docs
            #cfg
            pub async fn #f(&self, #binding: #input) -> ::std::result::Result<#output, #error> {
                #body
            }
        }
    });
    let pages = pages_methods(cx);
    let trait_methods = cx.service.operations.iter().map(|op| {
        let f = cx.op_fn(op);
        let signature = method::trait_signature(cx, op);
        let cfg = cx.cfg_operation(op);
        quote! {
            #cfg
            #signature {
                Client::#f(self, input)
            }
        }
    });
    let uncallable = if cx.service.metadata.target_prefix.is_none() {
        "\n\nThe model declares no `X-Amz-Target` prefix, so every call fails before sending anything."
    } else {
        ""
    };
    let doc = docs::attrs(&format!(
        "A client for {full_name}: one async method per operation.\n\n\
         Build it from a [`Config`]({rt_path}::Config) that names the transport, and the region or endpoint URL. \
         It also implements [`{trait_name}`](crate::{trait_name}), so code written against the trait can be tested with the generated `mock::Mock` (feature `mock`) instead of HTTP.{uncallable}",
        rt_path = "crate::runtime",
    ));
    // An awsQuery-compatible service's client says so on every request, and reads the
    // awsQuery codes of its errors.
    let (new_core, query_doc) = if cx.service.metadata.query_compatible {
        let doc = docs::attrs(
            "\nThe service is awsQuery-compatible: every request carries `x-amzn-query-mode: true`, and an error's `code()` is its awsQuery code, from the response's `x-amzn-query-error` header.",
        );
        (quote!(new_query_compatible), Some(doc))
    } else {
        (quote!(new), None)
    };
    quote! {
        //! The client.
        #doc
        #query_doc
        #[derive(Clone, Debug)]
        pub struct Client {
            core: #rt::ClientCore,
        }

        impl Client {
            /// A client with `config`.
            pub fn new(config: #rt::Config) -> Self {
                Client {
                    core: #rt::ClientCore::#new_core(&crate::operation::SERVICE, config),
                }
            }

            /// A client that sends every request through `transport`, with default settings and
            /// nothing else: no region, credentials or endpoint URL. Where the service's endpoint
            /// rules need a region, or an operation is signed, calls fail before sending; set
            /// those with [`Config::builder`](crate::runtime::Config::builder) and
            /// [`Client::new`].
            pub fn with_transport(transport: impl #rt::Transport) -> Self {
                Self::new(#rt::Config::builder().transport(transport).build())
            }

            /// The client's configuration.
            pub fn config(&self) -> &#rt::Config {
                self.core.config()
            }

            #(#methods)*
            #(#pages)*
        }

        impl crate::#trait_name for Client {
            #(#trait_methods)*
        }
    }
}

/// The `Client` methods that start paging.
fn pages_methods(cx: &Cx<'_>) -> Vec<TokenStream> {
    paged_ops(cx)
        .iter()
        .map(|p| {
            let f = cx.names.pages_fn(&p.op.name);
            let ty = cx.names.pages_type(&p.op.name);
            let input = cx.input_path(p.op);
            let doc = docs::attrs(&format!(
                "Pages through `{}`, starting from `input`: each [`next_page`](crate::pagination::{ty}::next_page) \
                 call sends the next request, following the continuation token; \
                 [`into_stream`](crate::pagination::{ty}::into_stream) makes it a stream of pages{}.",
                p.op.name,
                match p.items {
                    Some(_) => format!(" and [`items`](crate::pagination::{ty}::items) a stream of their items"),
                    None => String::new(),
                },
            ));
            let cfg = cx.cfg_operation(p.op);
            quote! {
                #doc
                #cfg
                pub fn #f(&self, input: #input) -> crate::pagination::#ty<'_> {
                    crate::pagination::#ty::new(self, input)
                }
            }
        })
        .collect()
}

/// The input binding and the body of an operation's client method: fill idempotency tokens,
/// then hand the input to the runtime; or, when the model has no target prefix, fail with a
/// request error naming the problem (the input is not read and nothing is sent).
fn method_body(cx: &Cx<'_>, op: &ir::Operation, error: &TokenStream) -> (TokenStream, TokenStream) {
    let rt = rt();
    if cx.service.metadata.target_prefix.is_none() {
        let reason = format!(
            "`{}` cannot be called: the service model declares no target prefix (metadata `targetPrefix`), which the `X-Amz-Target` header needs; no request was sent",
            op.name
        );
        let body = quote! {
            ::std::result::Result::Err(<#error as ::std::convert::From<#rt::UnhandledError>>::from(
                #rt::UnhandledError::new(#rt::ErrorKind::Request, #reason),
            ))
        };
        return (quote!(_input), body);
    }
    let meta = cx.op_meta_path(op);
    let fill = fill_idempotency_tokens(cx, op);
    let binding = if fill.is_empty() {
        quote!(input)
    } else {
        quote!(mut input)
    };
    let call = match host_prefix(cx, op) {
        Some(HostPrefix::Fixed(prefix)) => {
            quote!(self.core.invoke_at(&#meta, &input, Some(#prefix)).await)
        }
        Some(HostPrefix::Labeled(prefix)) => quote! {
            let host_prefix = #prefix;
            self.core.invoke_at(&#meta, &input, Some(&host_prefix)).await
        },
        None => quote!(self.core.invoke(&#meta, &input).await),
    };
    (binding, quote!(#(#fill)* #call))
}

/// An operation's host prefix: fixed text, or an expression filling labels from the input.
enum HostPrefix {
    Fixed(String),
    Labeled(TokenStream),
}

/// The expression of an operation's host prefix (its endpoint trait), from the segments the
/// model's passes decided: each member segment reads that input member; an unset optional
/// one is empty, which the runtime rejects before sending.
fn host_prefix(cx: &Cx<'_>, op: &ir::Operation) -> Option<HostPrefix> {
    if op.host_segments.is_empty() {
        return None;
    }
    let mut format = String::new();
    let mut fixed = String::new();
    let mut args = Vec::new();
    for segment in &op.host_segments {
        match segment {
            ir::HostSegment::Text(text) => {
                fixed.push_str(text);
                format.push_str(&text.replace('{', "{{").replace('}', "}}"));
            }
            ir::HostSegment::Member {
                shape,
                name,
                required,
            } => {
                let field = cx.names.field(shape, name);
                format.push_str("{}");
                args.push(if *required {
                    quote!(input.#field)
                } else {
                    quote!(input.#field.as_deref().unwrap_or_default())
                });
            }
        }
    }
    Some(if args.is_empty() {
        HostPrefix::Fixed(fixed)
    } else {
        HostPrefix::Labeled(quote!(::std::format!(#format, #(#args),*)))
    })
}
