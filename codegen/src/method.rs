//! The service's operations as methods, as the client, the service trait and the mock all
//! declare them: the method's rustdoc and the signature of the trait's method, written once
//! so the three cannot drift apart. It emits no item of its own.

use model::ir;
use proc_macro2::TokenStream;
use quote::quote;

use crate::context::Cx;
use crate::docs;

/// Rustdoc for an operation method: the model's text, then the errors it returns.
pub fn op_docs(cx: &Cx<'_>, op: &ir::Operation) -> TokenStream {
    let mut text = cx.docs(op.docs.as_deref(), &format!("Calls `{}`.", op.name));
    if !op.errors.is_empty() {
        let error_enum = cx.names.op_error(&op.name);
        text.push_str(&format!(
            "\n\n# Errors\n\nReturns [`{error_enum}`](crate::error::{error_enum}): "
        ));
        let list: Vec<String> = op
            .errors
            .iter()
            .map(|e| format!("[`{0}`](crate::error::{0})", cx.names.type_name(e)))
            .collect();
        text.push_str(&list.join(", "));
        text.push_str(", or `Unhandled`.");
    }
    let deprecated = op.deprecated.as_ref().map(docs::deprecated_attr);
    let doc = docs::attrs(&text);
    quote! { #doc #deprecated }
}

/// The signature of the service trait's method for `op`, without a body or `;`: the trait
/// declares it and every implementation (the client, the mock) defines it.
pub fn trait_signature(cx: &Cx<'_>, op: &ir::Operation) -> TokenStream {
    let f = cx.op_fn(op);
    let input = cx.input_path(op);
    let output = cx.output_path(op);
    let error = cx.op_error_path(op);
    quote! {
        fn #f(&self, input: #input) -> impl ::std::future::Future<Output = ::std::result::Result<#output, #error>> + ::std::marker::Send
    }
}
