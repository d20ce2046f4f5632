//! Serde mirror of the Smithy 2.0 JSON AST.
//!
//! Raw only: shapes keyed by absolute shape id (`ns#Name`), traits kept as JSON values keyed by
//! trait id. Interpreting traits, resolving the prelude and choosing IR names is the job of
//! `lower::smithy`; nothing here validates. Unknown keys are ignored.

use std::collections::BTreeMap;

use serde::Deserialize;

pub use crate::botocore::Ordered;

/// A whole Smithy JSON AST document.
#[derive(Debug, Clone, Deserialize)]
pub struct Model {
    /// The IDL version (`2.0`, `1.0`).
    pub smithy: String,
    /// Free-form model metadata.
    #[serde(default)]
    pub metadata: BTreeMap<String, serde_json::Value>,
    /// Shapes by absolute shape id.
    #[serde(default)]
    pub shapes: BTreeMap<String, Shape>,
}

/// A reference to another shape (`{"target": "ns#Name"}`).
#[derive(Debug, Clone, Deserialize)]
pub struct Ref {
    /// The absolute shape id.
    pub target: String,
}

/// A member: its target and its own traits.
#[derive(Debug, Clone, Deserialize)]
pub struct Member {
    /// The absolute shape id of the target.
    pub target: String,
    /// Traits applied to the member.
    #[serde(default)]
    pub traits: BTreeMap<String, serde_json::Value>,
}

/// One shape of any type, including services, operations and resources.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    /// `structure`, `service`, `operation`, `string`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Members of structures, unions, enums and intEnums, in document order.
    #[serde(default)]
    pub members: Ordered<Member>,
    /// List (or set) element.
    #[serde(default)]
    pub member: Option<Member>,
    /// Map key.
    #[serde(default)]
    pub key: Option<Member>,
    /// Map value.
    #[serde(default)]
    pub value: Option<Member>,
    /// Traits by trait id.
    #[serde(default)]
    pub traits: BTreeMap<String, serde_json::Value>,
    /// Mixins whose members this shape inherits.
    #[serde(default)]
    pub mixins: Vec<Ref>,
    /// Service version.
    #[serde(default)]
    pub version: Option<String>,
    /// Operations bound to a service or resource.
    #[serde(default)]
    pub operations: Vec<Ref>,
    /// Resources bound to a service or resource.
    #[serde(default)]
    pub resources: Vec<Ref>,
    /// Errors of an operation, or common errors of a service.
    #[serde(default)]
    pub errors: Vec<Ref>,
    /// Service shape renames (absolute id to new name).
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// Operation input.
    #[serde(default)]
    pub input: Option<Ref>,
    /// Operation output.
    #[serde(default)]
    pub output: Option<Ref>,
    /// Resource lifecycle operation `create`.
    #[serde(default)]
    pub create: Option<Ref>,
    /// Resource lifecycle operation `put`.
    #[serde(default)]
    pub put: Option<Ref>,
    /// Resource lifecycle operation `read`.
    #[serde(default)]
    pub read: Option<Ref>,
    /// Resource lifecycle operation `update`.
    #[serde(default)]
    pub update: Option<Ref>,
    /// Resource lifecycle operation `delete`.
    #[serde(default)]
    pub delete: Option<Ref>,
    /// Resource lifecycle operation `list`.
    #[serde(default)]
    pub list: Option<Ref>,
    /// Resource operations that act on the collection.
    #[serde(default)]
    pub collection_operations: Vec<Ref>,
}

impl Shape {
    /// Every operation bound to this resource or service, lifecycle operations first.
    pub fn bound_operations(&self) -> impl Iterator<Item = &Ref> {
        [
            &self.create,
            &self.put,
            &self.read,
            &self.update,
            &self.delete,
            &self.list,
        ]
        .into_iter()
        .flatten()
        .chain(self.operations.iter())
        .chain(self.collection_operations.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_keep_document_order_and_traits() {
        let s: Shape = serde_json::from_str(
            r#"{"type": "structure", "members": {
                "Z": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}}},
                "A": {"target": "smithy.api#Integer"}
            }}"#,
        )
        .expect("valid shape");
        let names: Vec<&str> = s.members.iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["Z", "A"]);
        assert!(s
            .members
            .get("Z")
            .is_some_and(|m| m.traits.contains_key("smithy.api#required")));
    }

    #[test]
    fn resource_lists_lifecycle_and_bound_operations() {
        let s: Shape = serde_json::from_str(
            r#"{"type": "resource", "read": {"target": "ns#Get"},
                "operations": [{"target": "ns#Touch"}],
                "collectionOperations": [{"target": "ns#Batch"}]}"#,
        )
        .expect("valid resource");
        let ops: Vec<&str> = s.bound_operations().map(|r| r.target.as_str()).collect();
        assert_eq!(ops, ["ns#Get", "ns#Touch", "ns#Batch"]);
    }
}
