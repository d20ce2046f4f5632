//! Emits the `error` module: one struct per modeled exception, one enum per operation with
//! exactly that operation's errors plus `Unhandled`, and the service-wide `Error` that
//! every operation error converts into. An exception's struct is written by
//! [`crate::structure`], as every structure is; its error methods are written here.
//!
//! For an awsQuery-compatible service, each exception also has `QUERY_CODE` (the model's
//! awsQuery code, else its awsJson code), its `code()` reports the awsQuery code (the one the
//! response's `x-amzn-query-error` named, else `QUERY_CODE`) as the AWS SDKs do, and the
//! server writes `x-amzn-query-error` for every error. `CODE` stays the awsJson code that picks
//! the modeled error. Other services' errors are emitted as before.

use model::ir::{self, Fault, ShapeKind};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::context::Cx;
use crate::docs;
use crate::reach::gate;
use crate::structure::emit_struct;
use crate::wire::rt;

/// The `error` module.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    let mut items = Vec::new();
    for name in cx.error_shapes() {
        let shape = cx.shape(name);
        if let ShapeKind::Structure(members) = &shape.kind {
            let structure = emit_struct(cx, shape, members);
            let impls = emit_exception_impls(cx, shape, members);
            items.push(gate(cx.cfg_shape(name), quote!(#structure #impls)));
        }
    }
    for op in &cx.service.operations {
        items.push(gate(cx.cfg_operation(op), emit_op_error(cx, op)));
    }
    items.push(emit_service_error(cx));
    let doc = docs::inner_attrs(&format!(
        "Errors of {}.\n\nEach operation returns its own enum (`{{Operation}}Error`) listing exactly the errors the model gives it, plus `Unhandled` for anything else: an unknown error code, a transport failure or a malformed response. Every operation error converts into the service-wide [`Error`].",
        cx.service.metadata.full_name
    ));
    quote! {
        #doc
        #(#items)*
    }
}

/// The member that carries an exception's message, if any.
/// `message()`'s body: the member the model's passes chose to carry the message, if any.
fn message_expr(cx: &Cx<'_>, shape: &ir::Shape, members: &[ir::Member]) -> TokenStream {
    let chosen = shape
        .error
        .as_ref()
        .and_then(|e| e.message_member.as_deref());
    match chosen.and_then(|name| members.iter().find(|m| m.name == name)) {
        Some(m) => {
            let field = cx.names.field(&shape.name, &m.name);
            if m.required {
                quote!(Some(self.#field.as_str()))
            } else {
                quote!(self.#field.as_deref())
            }
        }
        None => quote!(None),
    }
}

fn retry_tokens(e: &ir::ErrorTrait) -> TokenStream {
    let rt = rt();
    match e.retryable {
        Some(ir::Retryable { throttling: true }) => {
            quote!(Some(#rt::wire::retryable::RetryKind::Throttling))
        }
        Some(ir::Retryable { throttling: false }) => {
            quote!(Some(#rt::wire::retryable::RetryKind::Transient))
        }
        None => quote!(None),
    }
}

/// The awsQuery code a server of an awsQuery-compatible service sends for an error: the
/// model's, else the awsJson code (as the awsQuery protocol resolves an error's code).
fn query_code(e: &ir::ErrorTrait) -> &str {
    e.query_code.as_deref().unwrap_or(&e.code)
}

/// The fault `x-amzn-query-error` names for an error.
fn query_fault(e: &ir::ErrorTrait) -> TokenStream {
    let rt = rt();
    match e.fault {
        Fault::Client => quote!(#rt::wire::error::QueryFault::Sender),
        Fault::Server => quote!(#rt::wire::error::QueryFault::Receiver),
    }
}

/// An exception's `code()` and, for an awsQuery-compatible service, its `QUERY_CODE` constant
/// and `query_error()` accessor: (constant, `code()`, accessor).
fn exception_code_items(
    cx: &Cx<'_>,
    e: &ir::ErrorTrait,
) -> (Option<TokenStream>, TokenStream, Option<TokenStream>) {
    let rt = rt();
    if !cx.service.metadata.query_compatible {
        let code_fn = quote! {
            /// The error code on the wire.
            pub fn code(&self) -> &'static str {
                Self::CODE
            }
        };
        return (None, code_fn, None);
    }
    let query_code = query_code(e);
    let constant = quote! {
        /// The error's awsQuery code: the model's, else [`Self::CODE`]. This service is
        /// awsQuery-compatible, so its error responses name it in `x-amzn-query-error`.
        pub const QUERY_CODE: &'static str = #query_code;
    };
    let code_fn = quote! {
        /// The error code as the service's awsQuery clients know it: the one the response's
        /// `x-amzn-query-error` named, else [`Self::QUERY_CODE`]. [`Self::CODE`] is the
        /// awsJson code.
        pub fn code(&self) -> &str {
            match self._meta.query_error() {
                Some(query) => query.code(),
                None => Self::QUERY_CODE,
            }
        }
    };
    let accessor = quote! {
        /// The awsQuery code and fault the response named in `x-amzn-query-error`, if it did.
        pub fn query_error(&self) -> ::std::option::Option<&#rt::wire::error::QueryError> {
            self._meta.query_error()
        }
    };
    (Some(constant), code_fn, Some(accessor))
}

fn emit_exception_impls(cx: &Cx<'_>, shape: &ir::Shape, members: &[ir::Member]) -> TokenStream {
    let rt = rt();
    let ident = cx.names.type_name(&shape.name);
    let Some(err) = &shape.error else {
        return TokenStream::new();
    };
    let code = &err.code;
    let status = proc_macro2::Literal::u16_unsuffixed(err.http_status);
    let message = message_expr(cx, shape, members);
    let retry = retry_tokens(err);
    let is_server = matches!(err.fault, Fault::Server);
    let (query_const, code_fn, query_accessor) = exception_code_items(cx, err);
    let to_response = if cx.service.metadata.query_compatible {
        let fault = query_fault(err);
        quote!(#rt::server::router::query_error_response(Self::HTTP_STATUS, Self::CODE, Self::QUERY_CODE, #fault, self, content_type))
    } else {
        quote!(#rt::server::router::error_response(Self::HTTP_STATUS, Self::CODE, self, content_type))
    };
    quote! {
        impl #ident {
            /// The error code on the wire.
            pub const CODE: &'static str = #code;

            #query_const

            /// The HTTP status the service answers this error with.
            pub const HTTP_STATUS: u16 = #status;

            #code_fn

            /// The service's message, if it sent one.
            pub fn message(&self) -> ::std::option::Option<&str> {
                #message
            }

            /// The request id of the response this error came from, if it carried one.
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                self._meta.request_id()
            }

            #query_accessor

            /// Reads the error from a response whose code names it, keeping its request id.
            pub fn from_response(response: &#rt::wire::error::ErrorResponse) -> ::std::result::Result<Self, #rt::UnhandledError> {
                let mut e = response.parse::<Self>()?;
                e._meta = response.meta();
                Ok(e)
            }

            /// True when the service, not the caller, is at fault.
            pub fn is_server_fault(&self) -> bool {
                #is_server
            }

            /// Whether, and why, a call failing with this error may be retried: as the model
            /// declares, else by its code (throttling) or status (server faults).
            pub fn retry_kind(&self) -> ::std::option::Option<#rt::wire::retryable::RetryKind> {
                #rt::wire::retryable::modeled_retry_kind(Self::CODE, Self::HTTP_STATUS, #retry)
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.message() {
                    Some(m) => ::std::write!(f, "{}: {}", Self::CODE, m),
                    None => f.write_str(Self::CODE),
                }
            }
        }

        impl ::std::error::Error for #ident {}

        impl #rt::wire::error::ModeledError for #ident {
            fn code(&self) -> &str {
                #ident::code(self)
            }
            fn message(&self) -> ::std::option::Option<&str> {
                #ident::message(self)
            }
            fn request_id(&self) -> ::std::option::Option<&str> {
                #ident::request_id(self)
            }
            fn retry_kind(&self) -> ::std::option::Option<#rt::wire::retryable::RetryKind> {
                #ident::retry_kind(self)
            }
            fn to_response(&self, content_type: &'static str) -> #rt::HttpResponse {
                #to_response
            }
            fn as_error(&self) -> &(dyn ::std::error::Error + 'static) {
                self
            }
        }
    }
}

fn emit_op_error(cx: &Cx<'_>, op: &ir::Operation) -> TokenStream {
    let rt = rt();
    let ident = cx.names.op_error(&op.name);
    let doc = docs::attrs(&format!(
        "The errors `{}` can return: those the model lists, and `Unhandled` for anything else.",
        op.name
    ));
    let variants: Vec<Ident> = op.errors.iter().map(|e| cx.names.type_name(e)).collect();
    let paths: Vec<TokenStream> = op.errors.iter().map(|e| cx.type_path(e)).collect();
    let codes: Vec<&str> = op
        .errors
        .iter()
        .map(|e| {
            cx.shape(e)
                .error
                .as_ref()
                .map_or(e.as_str(), |t| t.code.as_str())
        })
        .collect();
    let from_response = if op.errors.is_empty() {
        quote!(Self::Unhandled(response.unhandled()))
    } else {
        quote! {
            match response.code.as_deref() {
                #(Some(#codes) => #paths::from_response(response).map_or_else(Self::Unhandled, Self::#variants),)*
                _ => Self::Unhandled(response.unhandled()),
            }
        }
    };
    let variant_docs = op.errors.iter().map(|e| {
        let shape = cx.shape(e);
        docs::attrs(&cx.docs(shape.docs.as_deref(), &format!("The `{e}` error.")))
    });
    let unhandled_response = if cx.service.metadata.query_compatible {
        quote!(#rt::server::router::unhandled_query_response(e, content_type))
    } else {
        quote!(#rt::server::router::unhandled_response(e, content_type))
    };
    let unhandled_doc = quote! {
        /// An error the model does not list for this operation: an unknown code, a
        /// transport failure, a malformed response or an invalid request.
    };
    let unhandled_fn = quote! {
        /// An error with a code the model does not list, as a server handler may return it.
        pub fn unhandled(code: impl ::std::convert::Into<::std::string::String>, message: impl ::std::convert::Into<::std::string::String>) -> Self {
            Self::Unhandled(#rt::UnhandledError::service(code, message))
        }
    };
    let parts = ErrorEnum {
        variants: &variants,
        variant_docs: variant_docs.collect(),
        variant_cfgs: vec![None; variants.len()],
        paths: &paths,
        unhandled_doc,
    };
    let declaration = error_enum(doc, &ident, parts, Some(unhandled_fn));
    quote! {
        #declaration

        impl #rt::OperationError for #ident {
            fn from_response(response: &#rt::wire::error::ErrorResponse) -> Self {
                #from_response
            }

            fn from_unhandled(error: #rt::UnhandledError) -> Self {
                Self::Unhandled(error)
            }

            fn retry_kind(&self) -> ::std::option::Option<#rt::wire::retryable::RetryKind> {
                match self.modeled() {
                    Ok(e) => e.retry_kind(),
                    Err(e) => e.retry_kind(),
                }
            }

            fn to_response(&self, content_type: &'static str) -> #rt::HttpResponse {
                match self.modeled() {
                    Ok(e) => e.to_response(content_type),
                    Err(e) => #unhandled_response,
                }
            }
        }

        #(
            impl ::std::convert::From<#paths> for #ident {
                fn from(e: #paths) -> Self {
                    Self::#variants(e)
                }
            }
        )*

        impl ::std::convert::From<#rt::UnhandledError> for #ident {
            fn from(e: #rt::UnhandledError) -> Self {
                Self::Unhandled(e)
            }
        }
    }
}

/// The variants of an error enum besides `Unhandled`: one per modeled error, with its docs,
/// its `#[cfg]` (none, or one per variant) and the path of its type; and the docs of
/// `Unhandled`.
struct ErrorEnum<'a> {
    variants: &'a [Ident],
    variant_docs: Vec<TokenStream>,
    variant_cfgs: Vec<Option<TokenStream>>,
    paths: &'a [TokenStream],
    unhandled_doc: TokenStream,
}

/// An error enum, per operation or service-wide: its declaration, an `impl` block with
/// `methods` and then the accessors every error enum has, and its `Display` and `Error`
/// impls.
fn error_enum(
    doc: TokenStream,
    ident: &Ident,
    parts: ErrorEnum<'_>,
    methods: Option<TokenStream>,
) -> TokenStream {
    let rt = rt();
    let ErrorEnum {
        variants,
        variant_docs,
        variant_cfgs,
        paths,
        unhandled_doc,
    } = parts;
    let (accessors, impls) = enum_error_parts(ident, variants, &variant_cfgs);
    quote! {
        #doc
        #[derive(Debug)]
        pub enum #ident {
            #(#variant_docs #variant_cfgs #variants(#paths),)*
            #unhandled_doc
            Unhandled(#rt::UnhandledError),
        }

        impl #ident {
            #methods
            #accessors
        }

        #impls
    }
}

/// What every error enum (per operation and service-wide) has: `modeled()`, the one match
/// over its variants, and the `code()`, `message()` and `request_id()` methods built on it,
/// to place inside its `impl` block; and its `Display` and `Error` impls.
fn enum_error_parts(
    ident: &Ident,
    variants: &[Ident],
    cfgs: &[Option<TokenStream>],
) -> (TokenStream, TokenStream) {
    let rt = rt();
    let accessors = quote! {
        /// The variant held: the modeled error, or the unhandled one.
        fn modeled(&self) -> ::std::result::Result<&dyn #rt::wire::error::ModeledError, &#rt::UnhandledError> {
            match self {
                #(#cfgs Self::#variants(e) => Ok(e),)*
                Self::Unhandled(e) => Err(e),
            }
        }

        /// The error code, when there is one.
        pub fn code(&self) -> ::std::option::Option<&str> {
            match self.modeled() {
                Ok(e) => Some(e.code()),
                Err(e) => e.code(),
            }
        }

        /// The error message, when there is one.
        pub fn message(&self) -> ::std::option::Option<&str> {
            match self.modeled() {
                Ok(e) => e.message(),
                Err(e) => e.message(),
            }
        }

        /// The request id of the response the error came from (`x-amzn-RequestId`), when
        /// a response arrived and carried one.
        pub fn request_id(&self) -> ::std::option::Option<&str> {
            match self.modeled() {
                Ok(e) => e.request_id(),
                Err(e) => e.request_id(),
            }
        }
    };
    let impls = quote! {
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.modeled() {
                    Ok(e) => ::std::fmt::Display::fmt(e, f),
                    Err(e) => ::std::fmt::Display::fmt(e, f),
                }
            }
        }

        impl ::std::error::Error for #ident {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self.modeled() {
                    Ok(e) => Some(e.as_error()),
                    Err(e) => Some(e),
                }
            }
        }
    };
    (accessors, impls)
}

fn emit_service_error(cx: &Cx<'_>) -> TokenStream {
    let ident = cx.names.service_error();
    let errors = cx.error_shapes();
    let variants: Vec<Ident> = errors.iter().map(|e| cx.names.type_name(e)).collect();
    let paths: Vec<TokenStream> = errors.iter().map(|e| cx.type_path(e)).collect();
    let doc = docs::attrs(&format!(
        "Any error of {}: every modeled exception, and `Unhandled` for the rest. Every operation's error converts into it with `?`.",
        cx.service.metadata.full_name
    ));
    let conversions = cx.service.operations.iter().map(|op| {
        let op_err = cx.op_error_path(op);
        let cfg = cx.cfg_operation(op);
        let arms = op.errors.iter().map(|e| {
            let v = cx.names.type_name(e);
            quote!(#op_err::#v(e) => Self::#v(e),)
        });
        quote! {
            #cfg
            impl ::std::convert::From<#op_err> for #ident {
                fn from(e: #op_err) -> Self {
                    match e {
                        #(#arms)*
                        #op_err::Unhandled(e) => Self::Unhandled(e),
                    }
                }
            }
        }
    });
    let variant_docs = variants
        .iter()
        .map(|v| docs::attrs(&format!("See [`{v}`].")));
    let parts = ErrorEnum {
        variants: &variants,
        variant_docs: variant_docs.collect(),
        variant_cfgs: errors.iter().map(|e| cx.cfg_shape(e)).collect(),
        paths: &paths,
        unhandled_doc: quote! {
            /// An error the model does not list.
        },
    };
    let declaration = error_enum(doc, &ident, parts, None);
    quote! {
        #declaration

        #(#conversions)*
    }
}
