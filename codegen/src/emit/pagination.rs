//! Emits the `pagination` module: one pages type per paginated operation. The `Client`
//! methods that start paging are the `client` emitter's; both read [`crate::paging`].
//!
//! The generated pages type is thin wiring around the runtime's `client::pages::Pages`: a closure
//! that calls the operation with a given token, and a function that reads the next token from
//! an output. Following tokens, ending, and the guard against a repeated token are the
//! runtime's. An operation gets a pages type when the model's passes gave it a pages helper
//! (`ir::Pagination::helper`), and an items stream when the helper names the items.

use proc_macro2::TokenStream;
use quote::quote;

use crate::context::Cx;
use crate::docs;
use crate::paging::{paged_ops, ItemsOf, PagedOp};
use crate::reach::gate;
use crate::wire::rt;

/// The `pagination` module.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    let items = paged_ops(cx)
        .into_iter()
        .map(|p| gate(cx.cfg_operation(p.op), emit_pages(cx, &p)));
    let doc = docs::inner_attrs(
        "Helpers that page through paginated operations: one type per operation, whose pages \
         come one call at a time, or as a stream of pages or of items.",
    );
    quote! {
        #doc
        #(#items)*
    }
}

/// One pages type.
fn emit_pages(cx: &Cx<'_>, p: &PagedOp<'_>) -> TokenStream {
    let rt = rt();
    let ty = cx.names.pages_type(&p.op.name);
    let trait_name = cx.service_trait();
    let f = cx.op_fn(p.op);
    let input = cx.input_path(p.op);
    let output = cx.output_path(p.op);
    let error = cx.op_error_path(p.op);
    let (in_token, out_token) = (&p.input_token, &p.output_token);
    let items = p.items.as_ref().map(|items| emit_items(p, items, cx));
    let name = &p.op.name;
    let pages_fn = cx.names.pages_fn(name);
    let doc = docs::attrs(&format!(
        "The pages of `{name}`, from [`Client::{pages_fn}`](crate::Client::{pages_fn}) or \
         [`{ty}::new`] on any implementation of the service trait.\n\n\
         Each page is one call. Paging stops after a page without a continuation token, and \
         after an error. A page whose token was already sent (a service that would answer the \
         same pages forever) is followed by an `Unhandled` error, and paging stops."
    ));
    let new_doc = docs::attrs(&format!(
        "Pages through `{name}` on `service` (a [`Client`](crate::Client), a \
         `mock::Mock` or any other [`{trait_name}`](crate::{trait_name})), \
         starting from the token in `input` (unset for the first page)."
    ));
    quote! {
        #doc
        #[derive(Debug)]
        pub struct #ty<'a> {
            pages: #rt::client::pages::Pages<'a, #output, #error>,
        }

        impl<'a> #ty<'a> {
            #new_doc
            pub fn new<S: crate::#trait_name>(service: &'a S, input: #input) -> Self {
                let first = input.#in_token.clone();
                let fetch = move |token: ::std::option::Option<::std::string::String>| {
                    let mut input = input.clone();
                    input.#in_token = token;
                    service.#f(input)
                };
                fn next_token(output: &#output) -> ::std::option::Option<&str> {
                    output.#out_token.as_deref()
                }
                Self {
                    pages: #rt::client::pages::Pages::new(first, fetch, next_token),
                }
            }

            /// The next page, or `None` after the last one.
            pub async fn next_page(&mut self) -> ::std::option::Option<::std::result::Result<#output, #error>> {
                self.pages.next_page().await
            }

            /// The pages as a [`Stream`](::aws_json_runtime::Stream) of results.
            pub fn into_stream(self) -> #rt::client::pages::Pages<'a, #output, #error> {
                self.pages
            }

            #items
        }
    }
}

/// The `items` method of a pages type.
fn emit_items(p: &PagedOp<'_>, items: &ItemsOf, cx: &Cx<'_>) -> TokenStream {
    let rt = rt();
    let output = cx.output_path(p.op);
    let error = cx.op_error_path(p.op);
    let (field, item) = (&items.field, &items.item);
    let take = if items.required {
        quote!(output.#field)
    } else {
        quote!(output.#field.unwrap_or_default())
    };
    let doc = docs::attrs(&format!(
        "The items of every page (each page's `{}`), in order, as a [`Stream`](::aws_json_runtime::Stream) of results.",
        items.member
    ));
    quote! {
        #doc
        pub fn items(self) -> #rt::client::pages::Items<'a, #output, #error, #item> {
            self.pages.items(|output: #output| #take)
        }
    }
}
