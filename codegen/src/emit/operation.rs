//! Emits the `operation` module: each operation's wire facts (target, signing, pagination,
//! compression) as constants, and the service's as `SERVICE`. A model without a target
//! prefix gives its operations an empty target.

use model::ir;
use proc_macro2::TokenStream;
use quote::quote;

use crate::context::Cx;
use crate::docs;
use crate::wire::rt;

/// The `operation` module.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    let rt = rt();
    let meta = &cx.service.metadata;
    let (service_id, api_version, prefix, content_type, signing, endpoint) = (
        &meta.service_id,
        &meta.api_version,
        meta.target_prefix.as_deref().unwrap_or_default(),
        meta.protocol.content_type(),
        &meta.signing_name,
        &meta.endpoint_prefix,
    );
    // The rules compiled into the `endpoint` module; a model without a rule set falls back
    // to the `{prefix}.{region}` host.
    let endpoint_rules = match cx.service.endpoint_rules {
        Some(_) => quote!(Some(crate::endpoint::RULES)),
        None => quote!(None),
    };
    let consts: Vec<TokenStream> = cx
        .service
        .operations
        .iter()
        .map(|op| emit_op_meta(cx, op))
        .collect();
    let all = cx
        .service
        .operations
        .iter()
        .map(|op| cx.names.operation_const(&op.name));
    let all_cfgs = cx.service.operations.iter().map(|op| cx.cfg_operation(op));
    let doc = docs::inner_attrs(&format!(
        "The wire facts of each operation of {}: name, `X-Amz-Target`, whether it is signed, and how it pages.",
        meta.full_name
    ));
    quote! {
        #doc
        /// The service's identity and protocol facts.
        pub static SERVICE: #rt::ServiceMeta = #rt::ServiceMeta {
            service_id: #service_id,
            api_version: #api_version,
            target_prefix: #prefix,
            content_type: #content_type,
            signing_name: #signing,
            endpoint_prefix: #endpoint,
            endpoint_rules: #endpoint_rules,
            crate_name: ::core::env!("CARGO_PKG_NAME"),
            crate_version: ::core::env!("CARGO_PKG_VERSION"),
        };
        #(#consts)*
        /// Every operation, sorted by name.
        pub static ALL: &[&#rt::OperationMeta] = &[#(#all_cfgs &#all),*];
    }
}

fn emit_op_meta(cx: &Cx<'_>, op: &ir::Operation) -> TokenStream {
    let rt = rt();
    let ident = cx.names.operation_const(&op.name);
    let name = &op.name;
    let target = match &cx.service.metadata.target_prefix {
        Some(prefix) => format!("{prefix}.{}", op.name),
        None => String::new(),
    };
    let unsigned = op.unsigned;
    let idempotent = op.idempotent;
    let gzip_request = op.request_compression.iter().any(|e| e == "gzip");
    let pagination = match &op.pagination {
        Some(p) => {
            let (input, output) = (&p.input_token, &p.output_token);
            let page_size = crate::wire::option(p.page_size.as_deref());
            let items = crate::wire::option(p.items.as_deref());
            quote! {
                Some(#rt::PaginationMeta {
                    input_token: #input,
                    output_token: #output,
                    page_size: #page_size,
                    items: #items,
                })
            }
        }
        None => quote!(None),
    };
    let traits = format!(
        "{}{}",
        if unsigned {
            ", unsigned"
        } else {
            ", signed with SigV4"
        },
        if op.pagination.is_some() {
            ", paginated"
        } else {
            ""
        }
    );
    let doc = docs::attrs(&match &cx.service.metadata.target_prefix {
        Some(_) => format!("`{name}`: sent with `X-Amz-Target: {target}`{traits}."),
        None => {
            format!("`{name}`{traits}. Never sent: the model declares no `X-Amz-Target` prefix.")
        }
    });
    let cfg = cx.cfg_operation(op);
    quote! {
        #doc
        #cfg
        pub static #ident: #rt::OperationMeta = #rt::OperationMeta {
            name: #name,
            target: #target,
            unsigned: #unsigned,
            idempotent: #idempotent,
            pagination: #pagination,
            gzip_request: #gzip_request,
        };
    }
}
