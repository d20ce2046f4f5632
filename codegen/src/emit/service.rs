//! Emits the `service` module: the service as a trait, one async method per operation,
//! implemented by the `Client` and by server handlers. Each method's rustdoc and signature
//! come from [`crate::method`], which the client and the mock share.

use proc_macro2::TokenStream;
use quote::quote;

use crate::context::Cx;
use crate::docs;
use crate::method;

/// The `service` module: the service trait.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    let trait_name = cx.service_trait();
    let full_name = &cx.service.metadata.full_name;
    let methods = cx.service.operations.iter().map(|op| {
        let docs = method::op_docs(cx, op);
        let signature = method::trait_signature(cx, op);
        let cfg = cx.cfg_operation(op);
        quote! {
            #docs
            #cfg
            #signature;
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
