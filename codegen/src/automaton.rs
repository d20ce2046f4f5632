//! Pattern automata as Rust: the tables of a [`model::automaton::Automaton`] as an expression
//! building the runtime's `automaton::Automaton`, and the runtime's own file of automata for
//! the region patterns of its built-in partition data.

use model::automaton::{Automaton, Next};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::codegen_error::CodegenError;

/// The step table entry for the runtime: a state number, or its `MATCH` / `DEAD` values.
fn step(next: Next) -> u16 {
    match next {
        Next::State(n) => n,
        Next::Match => u16::MAX,
        Next::Dead => u16::MAX - 1,
    }
}

/// `Automaton::new(...)` with the tables of `automaton`, the runtime reached through `rt`.
pub fn expr(rt: &TokenStream, automaton: &Automaton) -> TokenStream {
    let starts = &automaton.starts;
    let classes = automaton.classes.iter().map(|&c| Literal::u8_unsuffixed(c));
    let class_count = Literal::usize_unsuffixed(automaton.class_count);
    let next = automaton
        .next
        .iter()
        .map(|&n| Literal::u16_unsuffixed(step(n)));
    let at_end = &automaton.accepts_at_end;
    quote! {
        #rt::automaton::Automaton::new(
            &[#(#starts),*],
            &[#(#classes),*],
            #class_count,
            &[#(#next),*],
            &[#(#at_end),*],
        )
    }
}

/// The endpoint rules' file `src/partitions_generated.rs`: the partition data `partitions_json`
/// (their `data/partitions.json`, named `source` in the header) as Rust, so that
/// `aws.partition` needs neither a JSON parser nor a regex engine. Each partition keeps its
/// typed outputs, its listed regions and an automaton for its `regionRegex`, read as
/// `regex-lite` reads it (ASCII `\w` and `\d`). The data must have an `aws` partition (the
/// one for regions no partition claims), and every partition the six outputs rules read;
/// per-region overrides of outputs are refused, as the typed table has no place for them.
pub fn regions_file(source: &str, partitions_json: &str) -> Result<String, CodegenError> {
    use serde_json::Value as Json;
    let invalid = |reason: String| CodegenError::Unsupported(format!("{source}: {reason}"));
    let data: Json = serde_json::from_str(partitions_json).map_err(|e| invalid(e.to_string()))?;
    let partitions = data
        .get("partitions")
        .and_then(Json::as_array)
        .ok_or_else(|| invalid("no `partitions` array".to_owned()))?;
    let rt = quote!(::aws_primitives);
    let mut entries = Vec::new();
    let mut aws = None;
    for (i, partition) in partitions.iter().enumerate() {
        let id = partition
            .get("id")
            .and_then(Json::as_str)
            .ok_or_else(|| invalid(format!("partitions[{i}] has no `id` string")))?;
        let text = partition
            .get("regionRegex")
            .and_then(Json::as_str)
            .ok_or_else(|| invalid(format!("`{id}` has no `regionRegex` string")))?;
        let automaton = model::automaton::build_ascii(text).ok_or_else(|| {
            invalid(format!(
                "the region pattern `{text}` has no small automaton"
            ))
        })?;
        let automaton = expr(&rt, &automaton);
        let outputs = outputs(id, partition.get("outputs")).map_err(invalid)?;
        let mut regions = Vec::new();
        if let Some(listed) = partition.get("regions") {
            let listed = listed
                .as_object()
                .ok_or_else(|| invalid(format!("`{id}` regions must be an object")))?;
            for (region, fields) in listed {
                let overrides: Vec<&String> = fields
                    .as_object()
                    .map(|f| f.keys().filter(|k| *k != "description").collect())
                    .unwrap_or_default();
                if let Some(first) = overrides.first() {
                    return Err(invalid(format!(
                        "region `{region}` of `{id}` overrides the output `{first}`, which the \
                         built-in table cannot hold"
                    )));
                }
                regions.push(region.as_str());
            }
        }
        if id == DEFAULT_PARTITION {
            aws = Some(outputs.clone());
        }
        entries.push(quote! {
            BuiltInPartition {
                region_regex: #text,
                automaton: #automaton,
                regions: &[#(#regions),*],
                outputs: #outputs,
            }
        });
    }
    let aws = aws.ok_or_else(|| invalid(format!("no `{DEFAULT_PARTITION}` partition")))?;
    let tokens = quote! {
        //! The built-in partition data: each partition's outputs, listed regions and the
        //! automaton of its `regionRegex`, in the data's order, so that regions are matched
        //! without a regex engine and nothing is parsed at run time.

        use super::functions::{BuiltInPartition, Partition};

        /// The partitions, in the data's order (the order `regionRegex` is tried in).
        pub(crate) static PARTITIONS: &[BuiltInPartition] = &[#(#entries),*];

        /// The outputs of the `aws` partition, for regions no partition claims.
        pub(crate) static AWS: Partition = #aws;
    };
    crate::format::rust_file("partitions_generated.rs", tokens, &[source.to_owned()])
}

/// The partition for regions that no partition lists or matches.
const DEFAULT_PARTITION: &str = "aws";

/// The `outputs` of partition `id` as a `Partition` expression.
fn outputs(id: &str, json: Option<&serde_json::Value>) -> Result<TokenStream, String> {
    let fields = json
        .and_then(serde_json::Value::as_object)
        .ok_or_else(|| format!("`{id}` has no `outputs` object"))?;
    const TEXT: [&str; 4] = [
        "name",
        "dnsSuffix",
        "dualStackDnsSuffix",
        "implicitGlobalRegion",
    ];
    const FLAGS: [&str; 2] = ["supportsFIPS", "supportsDualStack"];
    if let Some(unknown) = fields
        .keys()
        .find(|k| !TEXT.contains(&k.as_str()) && !FLAGS.contains(&k.as_str()))
    {
        return Err(format!(
            "`{id}` has the output `{unknown}`, which the runtime's `Partition` has no field for"
        ));
    }
    let text = |key: &str| match fields.get(key) {
        Some(v) => v
            .as_str()
            .ok_or_else(|| format!("`{id}` output `{key}` must be a string")),
        // Older data leaves the name to the id.
        None if key == "name" => Ok(id),
        None => Err(format!("`{id}` has no output `{key}`")),
    };
    let flag = |key: &str| {
        fields
            .get(key)
            .and_then(serde_json::Value::as_bool)
            .ok_or_else(|| format!("`{id}` has no boolean output `{key}`"))
    };
    let [name, dns, dual, global] = [
        text(TEXT[0])?,
        text(TEXT[1])?,
        text(TEXT[2])?,
        text(TEXT[3])?,
    ];
    let [fips, dual_stack] = [flag(FLAGS[0])?, flag(FLAGS[1])?];
    Ok(quote! {
        Partition {
            name: #name,
            dns_suffix: #dns,
            dual_stack_dns_suffix: #dual,
            implicit_global_region: #global,
            supports_fips: #fips,
            supports_dual_stack: #dual_stack,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_become_literal_arrays_with_the_runtime_step_values() {
        let automaton = model::automaton::build("^a$").expect("small");
        let text = expr(&quote!(rt), &automaton).to_string();
        assert!(
            text.starts_with("rt :: automaton :: Automaton :: new ("),
            "{text}"
        );
        assert!(text.contains("65534"), "a dead step: {text}");
    }

    #[test]
    fn a_region_file_holds_each_partition_typed() {
        let outputs = r#""outputs": {"name": "N", "dnsSuffix": "d", "dualStackDnsSuffix": "s",
            "implicitGlobalRegion": "g", "supportsFIPS": true, "supportsDualStack": false}"#;
        let json = format!(
            r#"{{"partitions": [
            {{"id": "aws", "regionRegex": "^us\\-\\w+$", {outputs},
              "regions": {{"us-x-1": {{"description": "X"}}}}}},
            {{"id": "b", "regionRegex": "^cn\\-\\w+$", {outputs}}}]}}"#
        );
        let file = regions_file("data/p.json", &json).expect("generates");
        assert!(file.starts_with("// @generated by `cargo xtask codegen` from data/p.json."));
        assert_eq!(file.matches("Automaton::new(").count(), 2, "{file}");
        assert!(file.contains("regions: &[\"us-x-1\"]"), "{file}");
        assert!(file.contains("supports_dual_stack: false"), "{file}");
        let err = |json: &str| regions_file("data/p.json", json).unwrap_err().to_string();
        assert!(
            err(r#"{"partitions": [{"id": "a"}]}"#)
                .contains("data/p.json: `a` has no `regionRegex`"),
            "no pattern"
        );
        let no_aws = json.replace("\"aws\"", "\"c\"");
        assert!(err(&no_aws).contains("no `aws` partition"));
        let extra = json.replace("\"name\": \"N\"", "\"name\": \"N\", \"x\": 1");
        assert!(err(&extra).contains("the output `x`"), "{}", err(&extra));
        let overrides = json.replace("\"description\": \"X\"", "\"dnsSuffix\": \"y\"");
        assert!(err(&overrides).contains("overrides the output `dnsSuffix`"));
    }
}
