//! Emits the `pagination` module (one pages type per paginated operation) and the `Client`
//! methods that start paging.
//!
//! The generated pages type is thin wiring around the runtime's `paginate::Pages`: a closure
//! that calls the operation with a given token, and a function that reads the next token from
//! an output. Following tokens, ending, and the guard against a repeated token are the
//! runtime's. An operation gets a pages type when the model's passes gave it a pages helper
//! (`ir::Pagination::helper`), and an items stream when the helper names the items.

use model::ir;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::docs;
use crate::krate::Cx;
use crate::wire::{self, rt};

/// The facts a pages type needs.
struct PagedOp<'a> {
    op: &'a ir::Operation,
    input_token: Ident,
    output_token: Ident,
    items: Option<ItemsOf>,
}

/// The list member of the output that holds a page's items.
struct ItemsOf {
    /// The model name of the member, for docs.
    member: String,
    field: Ident,
    /// The type of one item.
    item: TokenStream,
    required: bool,
}

/// The facts of an operation's pages type, from the pages helper the model's passes decided.
fn paged_op<'a>(cx: &Cx<'a>, op: &'a ir::Operation) -> Option<PagedOp<'a>> {
    let p = op.pagination.as_ref()?;
    let helper = p.helper.as_ref()?;
    Some(PagedOp {
        op,
        input_token: cx.names.field(&helper.input, &p.input_token),
        output_token: cx.names.field(&helper.output, &p.output_token),
        items: helper.items.as_ref().map(|items| {
            let value = wire::value_type(cx, &items.element);
            ItemsOf {
                member: items.member.clone(),
                field: cx.names.field(&helper.output, &items.member),
                item: if items.sparse {
                    quote!(::std::option::Option<#value>)
                } else {
                    value
                },
                required: items.required,
            }
        }),
    })
}

/// Every operation that gets a pages type.
fn paged_ops<'a>(cx: &Cx<'a>) -> Vec<PagedOp<'a>> {
    cx.service
        .operations
        .iter()
        .filter_map(|op| paged_op(cx, op))
        .collect()
}

/// The `Client` methods that start paging.
pub fn client_methods(cx: &Cx<'_>) -> Vec<TokenStream> {
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
            quote! {
                #doc
                pub fn #f(&self, input: #input) -> crate::pagination::#ty<'_> {
                    crate::pagination::#ty::new(self, input)
                }
            }
        })
        .collect()
}

/// The `pagination` module.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    let items = paged_ops(cx).into_iter().map(|p| emit_pages(cx, &p));
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
