//! What the generated crate says about the model's patterns, and the check that each one
//! carries its decision: the notes in member docs and the paragraph of the crate docs that
//! name the patterns the crate does not check, with the reason the model's passes gave.
//! Which runtime check a checked pattern gets is the `validate` emitter's; this module
//! only writes documentation and refuses an IR with an undecided pattern.

use std::collections::BTreeSet;

use model::ir::{self, PatternCheck, ShapeKind};

use crate::codegen_error::CodegenError;
use crate::context::Cx;

/// Makes sure every pattern carries its decision, so that none is dropped unnoticed.
/// `model::load_*` decides them all; an IR built another way may not.
pub fn check_pattern_decisions(service: &ir::Service) -> Result<(), CodegenError> {
    let undecided: Vec<&str> = service
        .shapes
        .values()
        .filter(|s| s.constraints.pattern.is_some() && s.constraints.pattern_check.is_none())
        .map(|s| s.name.as_str())
        .collect();
    if undecided.is_empty() {
        return Ok(());
    }
    Err(CodegenError::Unsupported(format!(
        "the patterns of {} carry no decision on how to check them; load models with `model::load_*`, which decides them",
        undecided.join(", ")
    )))
}

/// A Markdown code span holding `text`, whatever backticks it contains; control characters
/// are written as escapes so the span stays on one line.
fn code_span(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// The doc paragraphs saying which patterns the values of `target` (and of its list
/// elements and map keys and values) have but this crate does not check; empty when none.
pub fn unchecked_pattern_notes(cx: &Cx<'_>, target: &str) -> String {
    let mut notes = String::new();
    let mut seen = BTreeSet::new();
    let mut todo = vec![target];
    while let Some(name) = todo.pop() {
        if !seen.insert(name) {
            continue;
        }
        let shape = cx.shape(name);
        match &shape.kind {
            ShapeKind::String => {
                let c = &shape.constraints;
                if let (Some(p), Some(PatternCheck::Unenforced { reason })) =
                    (&c.pattern, &c.pattern_check)
                {
                    notes.push_str(&format!(
                        "\n\nThe pattern {} is not checked here: {reason}.",
                        code_span(p)
                    ));
                }
            }
            ShapeKind::List { member, .. } => todo.push(&member.target),
            ShapeKind::Map { key, value, .. } => {
                todo.push(&value.target);
                todo.push(&key.target);
            }
            _ => {}
        }
    }
    notes
}

/// The paragraph of the crate docs that lists the model's patterns this crate does not
/// check, each with its shape and the reason; empty when every pattern is checked.
pub fn unchecked_patterns_docs(service: &ir::Service) -> String {
    let unchecked = model::pattern::unchecked(service);
    if unchecked.is_empty() {
        return String::new();
    }
    let items: String = unchecked
        .iter()
        .map(|u| {
            format!(
                "- `{}`: {} ({})\n",
                u.shape,
                code_span(&u.pattern),
                u.reason
            )
        })
        .collect();
    format!("Patterns of the model that this crate does not check (values are sent and accepted without them):\n\n{items}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_any_pattern_text() {
        assert_eq!(code_span(r"^\d+$"), r"`^\d+$`");
        assert_eq!(code_span("[!-`]"), "``[!-`]``");
        assert_eq!(code_span("`a``"), "``` `a`` ```");
        assert_eq!(code_span("a\nb"), r"`a\u{a}b`");
    }

    #[test]
    fn an_undecided_pattern_is_an_error_not_a_silent_skip() {
        let text = r#"{"metadata": {"protocol": "json", "apiVersion": "1", "targetPrefix": "T",
            "jsonVersion": "1.0", "serviceFullName": "S", "serviceId": "S",
            "signatureVersion": "v4", "signingName": "s", "endpointPrefix": "s"},
          "operations": {}, "shapes": {"Code": {"type": "string", "pattern": "[a-z]+"}}}"#;
        let files = model::BotocoreFiles {
            service: model::Source {
                name: "service-2.json",
                text,
            },
            paginators: None,
            endpoint_rules: None,
        };
        let mut service = model::load_botocore(files).expect("the model loads");
        assert!(check_pattern_decisions(&service).is_ok());
        if let Some(code) = service.shapes.get_mut("Code") {
            code.constraints.pattern_check = None;
        }
        let err = check_pattern_decisions(&service).expect_err("undecided");
        assert!(err.to_string().contains("patterns of Code"), "{err}");
    }
}
