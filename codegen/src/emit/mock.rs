//! Emits the `mock` module: `Mock`, an implementation of the service trait for tests whose
//! answers are set per operation, and which records every call.
//!
//! Generated code is wiring only: one runtime `mock::MockOperation` per operation, one
//! `mock::CallLog`, three methods per operation (`on_{op}` takes a closure, `queue_{op}`
//! takes answers, `{op}_calls` returns the inputs received) and the trait methods that hand
//! each call to the runtime. The setters are not named after the operation itself because an
//! inherent method of that name would shadow the trait's method on `Mock`.

use model::ir;
use proc_macro2::TokenStream;
use quote::quote;

use crate::context::Cx;
use crate::docs;
use crate::method;
use crate::wire::rt;

/// The `mock` module.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    let rt = rt();
    let trait_name = cx.service_trait();
    let full_name = &cx.service.metadata.full_name;
    let ops = &cx.service.operations;
    let fields = ops.iter().map(|op| {
        let f = cx.op_fn(op);
        let (input, output, error) = (cx.input_path(op), cx.output_path(op), cx.op_error_path(op));
        let cfg = cx.cfg_operation(op);
        quote!(#cfg #f: #rt::client::mock::MockOperation<#input, #output, #error>,)
    });
    let methods = ops.iter().map(|op| emit_methods(cx, op));
    let trait_methods = ops.iter().map(|op| emit_trait_method(cx, op));
    let example = ops
        .first()
        .map(|op| {
            format!(
                " For `{0}`: `mock.{1}(|input| Ok(..))` answers every call, \
                 `mock.{2}([Ok(..), Err(..)])` one call per answer, and `mock.{3}()` returns the inputs received.",
                op.name,
                cx.names.mock_on(&op.name),
                cx.names.mock_queue(&op.name),
                cx.names.mock_calls(&op.name),
            )
        })
        .unwrap_or_default();
    let module_doc = docs::inner_attrs(&format!(
        "A mock of {full_name} for tests of code written against [`{trait_name}`](crate::{trait_name})."
    ));
    let doc = docs::attrs(&format!(
        "{full_name} as a mock: an implementation of [`{trait_name}`](crate::{trait_name}) whose answers a test sets per operation, and which records every call.\n\n\
         Each operation answers with a closure of its input, or with a queue of answers, one per call.{example} \
         An operation given neither, or whose queue ran out, answers its `Unhandled` error with the code `NotMocked` and a message naming the operation. \
         [`calls`](Mock::calls) lists every operation called, in order.\n\n\
         Clones share answers and calls: keep one and hand another to the code under test, or to a [`Router`](crate::Router) to serve the mock over HTTP. \
         The setters take `&self` and return it, so they chain."
    ));
    quote! {
        #module_doc
        #doc
        #[derive(Clone, Debug, Default)]
        pub struct Mock {
            log: #rt::client::mock::CallLog,
            operations: MockOperations,
        }

        /// One answer slot per operation.
        #[derive(Clone, Debug, Default)]
        struct MockOperations {
            #(#fields)*
        }

        impl Mock {
            /// A mock on which no operation is set up.
            pub fn new() -> Self {
                Self::default()
            }

            /// The model names of the operations called so far, oldest first, once per call.
            pub fn calls(&self) -> ::std::vec::Vec<&'static str> {
                self.log.operations()
            }

            /// How many calls the mock received, over all operations.
            pub fn call_count(&self) -> usize {
                self.log.len()
            }

            #(#methods)*
        }

        impl crate::#trait_name for Mock {
            #(#trait_methods)*
        }
    }
}

/// The three `Mock` methods of one operation.
fn emit_methods(cx: &Cx<'_>, op: &ir::Operation) -> TokenStream {
    let f = cx.op_fn(op);
    let (input, output, error) = (cx.input_path(op), cx.output_path(op), cx.op_error_path(op));
    let (on, queue, calls) = (
        cx.names.mock_on(&op.name),
        cx.names.mock_queue(&op.name),
        cx.names.mock_calls(&op.name),
    );
    let name = &op.name;
    let on_doc = docs::attrs(&format!(
        "Answers every later `{name}` call with `answer` applied to its input, replacing an answer or queue set before."
    ));
    let queue_doc = docs::attrs(&format!(
        "Answers the next `{name}` calls with `answers`, one per call in order, after any still queued; replaces a closure set before."
    ));
    let calls_doc = docs::attrs(&format!(
        "The inputs of every `{name}` call so far, oldest first."
    ));
    let cfg = cx.cfg_operation(op);
    quote! {
        #on_doc
        #cfg
        pub fn #on(
            &self,
            answer: impl ::std::ops::Fn(#input) -> ::std::result::Result<#output, #error> + ::std::marker::Send + ::std::marker::Sync + 'static,
        ) -> &Self {
            self.operations.#f.answer_with(answer);
            self
        }

        #queue_doc
        #cfg
        pub fn #queue(
            &self,
            answers: impl ::std::iter::IntoIterator<Item = ::std::result::Result<#output, #error>>,
        ) -> &Self {
            self.operations.#f.queue(answers);
            self
        }

        #calls_doc
        #cfg
        pub fn #calls(&self) -> ::std::vec::Vec<#input> {
            self.operations.#f.calls()
        }
    }
}

/// The trait method of one operation: record and answer, at once.
fn emit_trait_method(cx: &Cx<'_>, op: &ir::Operation) -> TokenStream {
    let f = cx.op_fn(op);
    let signature = method::trait_signature(cx, op);
    let name = &op.name;
    let cfg = cx.cfg_operation(op);
    quote! {
        #cfg
        #signature {
            ::std::future::ready(self.operations.#f.respond(&self.log, #name, input))
        }
    }
}
