//! Emits the `Router`, which serves a handler of the service trait over HTTP: it picks the
//! operation from `X-Amz-Target`, reads and checks the input, calls the handler and writes
//! the output or error the way the service does.
//!
//! The router also declares, for the required-member check, the shape of every structure,
//! union, list and map an input can reach (see `aws_json_runtime::wire::validate::Shape`): one
//! private `static` each, so recursive shapes simply refer to each other.
//!
//! A model without a target prefix gives no `X-Amz-Target` value that names an operation, so
//! its router answers every request with `UnknownOperationException` (status 400), the error
//! AWS services give a target they do not know, and never calls the handler.

use std::collections::BTreeSet;

use model::ir::{self, ShapeKind};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::context::Cx;
use crate::docs;
use crate::reach::gate;
use crate::wire::rt;

/// The `server` module: the router.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    let rt = rt();
    let trait_name = cx.service_trait();
    let content_type = cx.service.metadata.protocol.content_type();
    let doc = docs::attrs(&format!(
        "Serves a [`{trait_name}`](crate::{trait_name}) implementation over HTTP the way the service does.\n\n\
         [`Router::handle`] takes a whole request and returns a whole response, so it plugs into any HTTP server. \
         A gzip body (`Content-Encoding: gzip`) is decoded, up to the body limit. \
         Requests that never reach the handler get `UnknownOperationException` (unknown `X-Amz-Target`), \
         `SerializationException` (malformed JSON or wrong JSON types) or `ValidationException` (missing required members, at any depth, or broken length, range, pattern or enum constraints), all with status 400, \
         or `RequestEntityTooLargeException` with status 413 (a body over the limit). \
         Handler errors are written with their modeled status (400 for client errors, 500 for faults) and `__type`.{unroutable}",
        unroutable = if cx.service.metadata.target_prefix.is_none() {
            "\n\nThe model declares no `X-Amz-Target` prefix, so no request names an operation: every request gets `UnknownOperationException` and the handler is never called."
        } else {
            ""
        },
    ));
    let (handle, operation_meta, shapes) = match cx.service.metadata.target_prefix {
        Some(_) => {
            let meta = quote!(#rt::server::router::find_operation(crate::operation::ALL, target));
            let shapes: Vec<TokenStream> = input_shapes(cx)
                .into_iter()
                .map(|name| gate(cx.cfg_input_shape(name), shape_static(cx, name)))
                .collect();
            (dispatch(cx), meta, shapes)
        }
        None => {
            let meta = quote! {
                let _ = target;
                ::std::option::Option::None
            };
            (unroutable(), meta, Vec::new())
        }
    };
    let query_doc = cx.service.metadata.query_compatible.then(|| {
        docs::attrs(
            "\nThe service is awsQuery-compatible, so every error response also carries `x-amzn-query-error: Code;Sender` (`;Receiver` for faults), with the error's awsQuery code.",
        )
    });
    quote! {
        //! Server-side dispatch.
        const CONTENT_TYPE: &str = #content_type;

        #doc
        #query_doc
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
                #handle
            }
        }

        impl<H: crate::#trait_name + 'static> #rt::HttpService for Router<H> {
            fn call(&self, request: #rt::HttpRequest) -> impl ::std::future::Future<Output = #rt::HttpResponse> + ::std::marker::Send {
                self.handle(request)
            }

            fn service_meta(&self) -> ::std::option::Option<&'static #rt::ServiceMeta> {
                ::std::option::Option::Some(&crate::operation::SERVICE)
            }

            fn operation_meta(&self, target: &str) -> ::std::option::Option<&'static #rt::OperationMeta> {
                #operation_meta
            }
        }

        #(#shapes)*
    }
}

/// The body of `Router::handle`: find the operation `X-Amz-Target` names, read and check its
/// input, call the handler, and write its output or error.
fn dispatch(cx: &Cx<'_>) -> TokenStream {
    let rt = rt();
    // An awsQuery-compatible service names the awsQuery code of every error, rejections too.
    let into_response = if cx.service.metadata.query_compatible {
        quote!(into_query_response)
    } else {
        quote!(into_response)
    };
    let arms = cx.service.operations.iter().map(|op| {
        let f = cx.op_fn(op);
        let name = &op.name;
        let input = cx.input_path(op);
        let shape = match &op.input {
            Some(shape) => shape_ref(cx, shape),
            None => quote!(&#rt::wire::validate::Shape::Structure(&[])),
        };
        let cfg = cx.cfg_operation(op);
        quote! {
            #cfg
            #name => match #rt::server::router::read_input::<#input>(&body, #shape) {
                Ok(input) => match self.handler.#f(input).await {
                    Ok(output) => #rt::server::router::output_response(&output, CONTENT_TYPE),
                    Err(e) => #rt::OperationError::to_response(&e, CONTENT_TYPE),
                },
                Err(rejection) => rejection.#into_response(CONTENT_TYPE),
            },
        }
    });
    // With every operation's feature off, no arm reads the body.
    let body_unread = cx.opts.operation_features.then(|| quote!(let _ = &body;));
    quote! {
        let (operation, body) = match #rt::server::router::prepare(&request, crate::operation::SERVICE.target_prefix) {
            Ok(prepared) => prepared,
            Err(rejection) => return rejection.#into_response(CONTENT_TYPE),
        };
        #body_unread
        match operation {
            #(#arms)*
            other => #rt::server::router::Rejection::UnknownOperation(::std::format!("unknown operation `{other}`"))
                .#into_response(CONTENT_TYPE),
        }
    }
}

/// The body of `Router::handle` for a model without a target prefix: no request names an
/// operation, so each one gets `UnknownOperationException`.
fn unroutable() -> TokenStream {
    let rt = rt();
    quote! {
        let _ = request;
        #rt::server::router::Rejection::UnknownOperation(::std::string::String::from(
            "no operation can be named: the service model declares no target prefix for X-Amz-Target",
        ))
        .into_response(CONTENT_TYPE)
    }
}

/// The structures, unions, lists and maps that operation inputs reach, sorted by name.
fn input_shapes<'a>(cx: &Cx<'a>) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&'a str> = cx
        .service
        .operations
        .iter()
        .filter_map(|op| op.input.as_deref())
        .collect();
    while let Some(name) = todo.pop() {
        let shape = cx.shape(name);
        let composite = matches!(
            shape.kind,
            ShapeKind::Structure(_)
                | ShapeKind::Union(_)
                | ShapeKind::List { .. }
                | ShapeKind::Map { .. }
        );
        if composite && seen.insert(shape.name.as_str()) {
            todo.extend(shape.kind.members().iter().map(|m| m.target.as_str()));
        }
    }
    seen
}

/// The name of the `static` that describes a composite shape.
fn shape_ident(cx: &Cx<'_>, name: &str) -> Ident {
    let snake = cx.names.shape_fn(name).to_string();
    let snake = snake.trim_start_matches("r#");
    format_ident!("SHAPE_{}", snake.to_uppercase())
}

/// A `&'static Shape` for the value of a member targeting `name`.
fn shape_ref(cx: &Cx<'_>, name: &str) -> TokenStream {
    let rt = rt();
    let shape = cx.shape(name);
    let leaf = match &shape.kind {
        ShapeKind::Structure(_)
        | ShapeKind::Union(_)
        | ShapeKind::List { .. }
        | ShapeKind::Map { .. } => {
            let ident = shape_ident(cx, name);
            return quote!(&#ident);
        }
        ShapeKind::String | ShapeKind::Enum(_) => quote!(String),
        ShapeKind::Blob => quote!(Blob),
        ShapeKind::Boolean => quote!(Boolean),
        ShapeKind::Byte
        | ShapeKind::Short
        | ShapeKind::Integer
        | ShapeKind::Long
        | ShapeKind::BigInteger
        | ShapeKind::IntEnum(_) => quote!(Integer),
        ShapeKind::Float | ShapeKind::Double | ShapeKind::BigDecimal => quote!(Float),
        ShapeKind::Timestamp(_) => quote!(Timestamp),
        ShapeKind::Document => quote!(Document),
    };
    quote!(&#rt::wire::validate::Shape::#leaf)
}

/// The `static` describing one composite shape for the required-member check.
fn shape_static(cx: &Cx<'_>, name: &str) -> TokenStream {
    let rt = rt();
    let shape = cx.shape(name);
    let ident = shape_ident(cx, name);
    let members = |members: &[ir::Member]| -> Vec<TokenStream> {
        members
            .iter()
            .map(|m| {
                let wire = &m.name;
                let required = m.required;
                let target = shape_ref(cx, &m.target);
                quote!(#rt::wire::validate::Member { name: #wire, required: #required, target: #target })
            })
            .collect()
    };
    let value = match &shape.kind {
        ShapeKind::Structure(ms) => {
            let ms = members(ms);
            quote!(#rt::wire::validate::Shape::Structure(&[#(#ms),*]))
        }
        ShapeKind::Union(ms) => {
            let ms = members(ms);
            quote!(#rt::wire::validate::Shape::Union(&[#(#ms),*]))
        }
        ShapeKind::List { member, .. } => {
            let target = shape_ref(cx, &member.target);
            quote!(#rt::wire::validate::Shape::List(#target))
        }
        ShapeKind::Map { value, .. } => {
            let target = shape_ref(cx, &value.target);
            quote!(#rt::wire::validate::Shape::Map(#target))
        }
        _ => return TokenStream::new(),
    };
    let doc = format!(" `{name}`, for the required-member check.");
    quote! {
        #[doc = #doc]
        static #ident: #rt::wire::validate::Shape = #value;
    }
}
