//! Partition data read from JSON (`partitions.json`), for the rule-set interpreter (feature
//! `interpreter`).
//!
//! Compiled rules read the built-in data as Rust (`functions::partition`); here the same
//! data (`data/partitions.json`) is parsed once, on first use, and other data can be
//! read too. A region listed by a partition belongs to it (with any per-region
//! overrides of its outputs); otherwise the first partition whose `regionRegex` matches;
//! otherwise the `aws` partition, so that a region newer than this data still resolves
//! the way the commercial partition names its endpoints.
//!
//! Region patterns are matched without a regex engine: the automaton of each pattern of the
//! built-in data is generated into `partitions_generated.rs` (by `cargo xtask codegen`). Partition data
//! with other patterns needs the `lite-patterns` feature, which compiles them with
//! `regex-lite`; without it such data is refused with an error that says so.

use std::sync::OnceLock;

use serde_json::Value as Json;

use super::partitions_generated::PARTITIONS;
use super::value::Value;
use super::EndpointError;
use aws_primitives::automaton::Automaton;
use aws_primitives::named::Named;

/// The partition data that ships with this crate.
const BUILT_IN: &str = include_str!("../data/partitions.json");

/// The id of the partition used for regions no partition claims.
const DEFAULT_PARTITION: &str = "aws";

/// The AWS partitions, as `aws.partition` reads them.
#[derive(Debug, Clone)]
pub struct Partitions {
    partitions: Vec<Partition>,
    /// The index of the partition for regions no partition claims.
    default: usize,
}

#[derive(Debug, Clone)]
struct Partition {
    id: String,
    region_regex: RegionPattern,
    /// The listed regions, each with the outputs it overrides.
    regions: Named<Named<Value>>,
    /// `name`, `dnsSuffix`, `supportsFIPS` and the other fields rules read.
    outputs: Named<Value>,
}

/// How a partition's `regionRegex` is matched.
#[derive(Debug, Clone)]
enum RegionPattern {
    /// With the generated automaton of a pattern of the built-in data.
    Automaton(&'static Automaton),
    /// Compiled from data that is not built in.
    #[cfg(feature = "lite-patterns")]
    Lite(regex_lite::Regex),
}

impl RegionPattern {
    /// The matcher of `text`, the `regionRegex` of the partition `id`.
    fn new(id: &str, text: &str) -> Result<RegionPattern, String> {
        if let Some(known) = PARTITIONS.iter().find(|p| p.region_regex == text) {
            return Ok(RegionPattern::Automaton(&known.automaton));
        }
        #[cfg(feature = "lite-patterns")]
        {
            regex_lite::Regex::new(text)
                .map(RegionPattern::Lite)
                .map_err(|e| format!("`{id}` has an invalid `regionRegex`: {e}"))
        }
        #[cfg(not(feature = "lite-patterns"))]
        {
            Err(format!(
                "`{id}` has the `regionRegex` `{text}`, which is not in the built-in data; \
                 the `lite-patterns` feature of aws-json-runtime compiles such patterns"
            ))
        }
    }

    fn is_match(&self, region: &str) -> bool {
        match self {
            RegionPattern::Automaton(automaton) => automaton.is_match(region),
            #[cfg(feature = "lite-patterns")]
            RegionPattern::Lite(regex) => regex.is_match(region),
        }
    }
}

impl Partitions {
    /// The partition data built into this crate, parsed on first use.
    pub fn built_in() -> Result<&'static Partitions, EndpointError> {
        static PARSED: OnceLock<Result<Partitions, EndpointError>> = OnceLock::new();
        PARSED
            .get_or_init(|| Partitions::from_json(BUILT_IN))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parses partition data in the format of `partitions.json`.
    pub fn from_json(text: &str) -> Result<Partitions, EndpointError> {
        let bad = |what: String| EndpointError::Partitions(what);
        let json: Json = serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let list = json
            .get("partitions")
            .and_then(Json::as_array)
            .ok_or_else(|| bad("no `partitions` array".to_owned()))?;
        let partitions = list
            .iter()
            .enumerate()
            .map(|(i, p)| partition(p).map_err(|e| bad(format!("partitions[{i}]: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let default = partitions
            .iter()
            .position(|p| p.id == DEFAULT_PARTITION)
            .ok_or_else(|| bad(format!("no `{DEFAULT_PARTITION}` partition")))?;
        Ok(Partitions {
            partitions,
            default,
        })
    }

    /// The partition ids, in the data's order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.partitions.iter().map(|p| p.id.as_str())
    }

    /// The record `aws.partition(region)` returns.
    pub(crate) fn lookup(&self, region: &str) -> Value {
        let listed = self
            .partitions
            .iter()
            .find_map(|p| p.regions.get(region).map(|overrides| (p, Some(overrides))));
        // Safe: `from_json`, the only constructor, sets `default` to the position of a
        // partition in `partitions`, and neither field changes afterwards.
        #[allow(clippy::indexing_slicing)]
        let (partition, overrides) = listed
            .or_else(|| {
                self.partitions
                    .iter()
                    .find(|p| p.region_regex.is_match(region))
                    .map(|p| (p, None))
            })
            .unwrap_or_else(|| (&self.partitions[self.default], None));
        let mut outputs = partition.outputs.clone();
        if let Some(overrides) = overrides {
            for (k, v) in overrides.iter() {
                outputs.insert(k.to_owned(), v.clone());
            }
        }
        Value::Record(outputs)
    }
}

/// Parses one partition.
fn partition(json: &Json) -> Result<Partition, String> {
    let id = json
        .get("id")
        .and_then(Json::as_str)
        .ok_or("no `id` string")?
        .to_owned();
    let regex_text = json
        .get("regionRegex")
        .and_then(Json::as_str)
        .ok_or_else(|| format!("`{id}` has no `regionRegex` string"))?;
    let region_regex = RegionPattern::new(&id, regex_text)?;
    let mut outputs = record(json.get("outputs"), &format!("`{id}` outputs"))?;
    // Rules read the partition's name from its outputs; older data leaves it to the id.
    if outputs.get("name").is_none() {
        outputs.insert("name".to_owned(), Value::Str(id.clone()));
    }
    let mut regions = Named::default();
    if let Some(listed) = json.get("regions") {
        let listed = listed
            .as_object()
            .ok_or_else(|| format!("`{id}` regions must be an object"))?;
        for (region, fields) in listed {
            let mut overrides = record(Some(fields), &format!("`{id}` region `{region}`"))?;
            // A region's description is documentation, not an output.
            overrides.remove("description");
            regions.insert(region.clone(), overrides);
        }
    }
    Ok(Partition {
        id,
        region_regex,
        regions,
        outputs,
    })
}

fn record(json: Option<&Json>, what: &str) -> Result<Named<Value>, String> {
    let fields = json
        .and_then(Json::as_object)
        .ok_or_else(|| format!("{what} must be an object"))?;
    fields
        .iter()
        .map(|(k, v)| {
            Value::from_json(v)
                .map(|v| (k.clone(), v))
                .ok_or_else(|| format!("{what}: `{k}` has no rules value"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_table_agrees_with_the_json_data() {
        let json = Partitions::built_in().unwrap();
        let mut regions: Vec<String> = json
            .partitions
            .iter()
            .flat_map(|p| p.regions.iter().map(|(r, _)| r.to_owned()))
            .collect();
        assert!(regions.len() > 40, "{regions:?}");
        regions.extend(
            [
                "us-east-10",
                "cn-north-5",
                "us-isob-east-9",
                "mars-global",
                "",
                "US-EAST-1",
            ]
            .map(str::to_owned),
        );
        for region in &regions {
            let typed = super::super::functions::partition(region);
            let field = |name: &str| match json.lookup(region) {
                Value::Record(fields) => fields.get(name).unwrap().clone(),
                other => panic!("{other:?}"),
            };
            assert_eq!(field("name"), Value::Str(typed.name.into()), "{region}");
            assert_eq!(field("dnsSuffix"), Value::Str(typed.dns_suffix.into()));
            assert_eq!(
                field("dualStackDnsSuffix"),
                Value::Str(typed.dual_stack_dns_suffix.into())
            );
            assert_eq!(
                field("implicitGlobalRegion"),
                Value::Str(typed.implicit_global_region.into())
            );
            assert_eq!(field("supportsFIPS"), Value::Bool(typed.supports_fips));
            assert_eq!(
                field("supportsDualStack"),
                Value::Bool(typed.supports_dual_stack)
            );
        }
        let json_patterns: Json = serde_json::from_str(BUILT_IN).unwrap();
        assert_eq!(
            json_patterns["partitions"].as_array().unwrap().len(),
            PARTITIONS.len(),
            "the table is stale: run `cargo xtask codegen`"
        );
    }

    #[test]
    #[cfg(feature = "lite-patterns")]
    fn region_entries_override_outputs() {
        let data = r#"{"partitions":[{"id":"aws","regionRegex":"^us-\\w+-\\d+$",
            "outputs":{"name":"aws","dnsSuffix":"amazonaws.com","supportsFIPS":true},
            "regions":{"us-odd-1":{"description":"Odd","supportsFIPS":false}}}]}"#;
        let partitions = Partitions::from_json(data).unwrap();
        let Value::Record(odd) = partitions.lookup("us-odd-1") else {
            panic!("a record")
        };
        assert_eq!(odd.get("supportsFIPS").unwrap(), &Value::Bool(false));
        assert!(odd.get("description").is_none());
        let Value::Record(even) = partitions.lookup("us-even-2") else {
            panic!("a record")
        };
        assert_eq!(even.get("supportsFIPS").unwrap(), &Value::Bool(true));
    }

    #[test]
    fn malformed_data_is_an_error() {
        for (data, expected) in [
            ("[", "not JSON"),
            ("{}", "no `partitions` array"),
            #[cfg(feature = "lite-patterns")]
            (
                r#"{"partitions":[{"id":"aws","regionRegex":"(","outputs":{}}]}"#,
                "partitions[0]: `aws` has an invalid `regionRegex`",
            ),
            #[cfg(not(feature = "lite-patterns"))]
            (
                r#"{"partitions":[{"id":"aws","regionRegex":"(","outputs":{}}]}"#,
                "partitions[0]: `aws` has the `regionRegex` `(`, which is not in the built-in data; the `lite-patterns` feature",
            ),
            #[cfg(feature = "lite-patterns")]
            (
                r#"{"partitions":[{"id":"x","regionRegex":"x","outputs":{}}]}"#,
                "no `aws` partition",
            ),
        ] {
            let err = Partitions::from_json(data).unwrap_err().to_string();
            assert!(err.contains(expected), "{data}: {err}");
        }
        let ids: Vec<_> = Partitions::built_in().unwrap().ids().collect();
        assert!(ids.contains(&"aws-cn"), "{ids:?}");
    }
}
