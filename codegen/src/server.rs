//! Emits the service trait (one async method per operation, implemented by the `Client`
//! and by server handlers) and the `Router`, which serves a handler over HTTP: it picks the
//! operation from `X-Amz-Target`, reads and checks the input, calls the handler and writes
//! the output or error the way the service does.

use proc_macro2::TokenStream;
use quote::quote;

use crate::client::op_docs;
use crate::docs;
use crate::krate::Cx;
use crate::wire::rt;

/// The `service` module: the service trait.
pub fn emit_trait(cx: &Cx<'_>) -> TokenStream {
    let trait_name = cx.service_trait();
    let full_name = &cx.service.metadata.full_name;
    let methods = cx.service.operations.iter().map(|op| {
        let f = cx.op_fn(op);
        let input = cx.input_path(op);
        let output = cx.output_path(op);
        let error = cx.op_error_path(op);
        let docs = op_docs(cx, op);
        quote! {
            #docs
            fn #f(&self, input: #input) -> impl ::std::future::Future<Output = ::std::result::Result<#output, #error>> + ::std::marker::Send;
        }
    });
    let doc = docs::attrs(&format!(
        "{full_name} as a trait: one async method per operation.\n\n\
         [`Client`](crate::Client) implements it by calling the service. Implement it yourself to serve the API with [`Router`](crate::Router), or to stand in for the service in tests of code that is generic over it.",
    ));
    quote! {
        //! The service trait.
        #doc
        pub trait #trait_name: ::std::marker::Send + ::std::marker::Sync {
            #(#methods)*
        }
    }
}

/// The `server` module: the router.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    let rt = rt();
    let trait_name = cx.service_trait();
    let arms = cx.service.operations.iter().map(|op| {
        let f = cx.op_fn(op);
        let name = &op.name;
        let input = cx.input_path(op);
        quote! {
            #name => match #rt::server::read_input::<#input>(body) {
                Ok(input) => match self.handler.#f(input).await {
                    Ok(output) => #rt::server::output_response(&output, CONTENT_TYPE),
                    Err(e) => #rt::OperationError::to_response(&e, CONTENT_TYPE),
                },
                Err(rejection) => rejection.into_response(CONTENT_TYPE),
            },
        }
    });
    let content_type = cx.service.metadata.protocol.content_type();
    let doc = docs::attrs(&format!(
        "Serves a [`{trait_name}`](crate::{trait_name}) implementation over HTTP the way the service does.\n\n\
         [`Router::handle`] takes a whole request and returns a whole response, so it plugs into any HTTP server. \
         Requests that never reach the handler get `UnknownOperationException` (unknown `X-Amz-Target`), \
         `SerializationException` (malformed JSON or wrong JSON types) or `ValidationException` (a missing required member or a broken length, range, pattern or enum constraint), all with status 400. \
         Handler errors are written with their modeled status (400 for client errors, 500 for faults) and `__type`.",
    ));
    quote! {
        //! Server-side dispatch.
        const CONTENT_TYPE: &str = #content_type;

        #doc
        #[derive(Clone, Debug, Default)]
        pub struct Router<H> {
            handler: H,
        }

        impl<H: crate::#trait_name> Router<H> {
            /// A router that serves `handler`.
            pub fn new(handler: H) -> Self {
                Router { handler }
            }

            /// The handler.
            pub fn handler(&self) -> &H {
                &self.handler
            }

            /// Answers one request.
            pub async fn handle(&self, request: #rt::HttpRequest) -> #rt::HttpResponse {
                let operation = match #rt::server::operation_name(&request, crate::operation::SERVICE.target_prefix) {
                    Ok(op) => op,
                    Err(rejection) => return rejection.into_response(CONTENT_TYPE),
                };
                let body: &[u8] = request.body();
                match operation {
                    #(#arms)*
                    other => #rt::server::Rejection::UnknownOperation(::std::format!("unknown operation `{other}`"))
                        .into_response(CONTENT_TYPE),
                }
            }
        }

        impl<H: crate::#trait_name + 'static> #rt::HttpService for Router<H> {
            fn call(&self, request: #rt::HttpRequest) -> impl ::std::future::Future<Output = #rt::HttpResponse> + ::std::marker::Send {
                self.handle(request)
            }
        }
    }
}
