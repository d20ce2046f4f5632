//! Which operations page, and the facts their pages types are written from: the tokens the
//! model's passes chose, and the member and type of a page's items. The `pagination`
//! emitter writes the pages types from these, and the `client` emitter the methods that
//! start paging, so both list the same operations in the same order.

use model::ir;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::context::Cx;
use crate::wire;

/// The facts a pages type needs.
pub struct PagedOp<'a> {
    pub op: &'a ir::Operation,
    pub input_token: Ident,
    pub output_token: Ident,
    pub items: Option<ItemsOf>,
}

/// The list member of the output that holds a page's items.
pub struct ItemsOf {
    /// The model name of the member, for docs.
    pub member: String,
    pub field: Ident,
    /// The type of one item.
    pub item: TokenStream,
    pub required: bool,
}

/// The facts of an operation's pages type, from the pages helper the model's passes decided.
pub fn paged_op<'a>(cx: &Cx<'a>, op: &'a ir::Operation) -> Option<PagedOp<'a>> {
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
pub fn paged_ops<'a>(cx: &Cx<'a>) -> Vec<PagedOp<'a>> {
    cx.service
        .operations
        .iter()
        .filter_map(|op| paged_op(cx, op))
        .collect()
}
