//! The Smithy project's Maven packages whose shapes and traits models most
//! often depend on, built in so such models load without a JVM or Maven.
//!
//! The traits of these packages need no definitions here: the generator
//! knows the ones it acts on by id (`model/traits.rs`) and ignores the rest,
//! as Smithy allows. The few *shapes* models take from them (the framework's
//! `ValidationException`) are defined below and added to a load that uses
//! them without defining them (a JSON AST written by the Smithy CLI carries
//! its own copy, which is kept).

use serde_json::{json, Map, Value};

use super::load::{RawMember, RawShape};
use super::ShapeKind;

/// A Maven package built in: its artifact and the namespaces it defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Package {
    /// The artifact id under the `software.amazon.smithy` group.
    pub artifact: &'static str,
    pub namespaces: &'static [&'static str],
}

/// Every package built in, by artifact id.
pub const PACKAGES: &[Package] = &[
    Package { artifact: "smithy-model", namespaces: &["smithy.api"] },
    Package { artifact: "smithy-aws-traits", namespaces: &["aws.api", "aws.auth", "aws.customizations", "aws.protocols"] },
    Package { artifact: "smithy-aws-iam-traits", namespaces: &["aws.iam"] },
    Package { artifact: "smithy-aws-endpoints", namespaces: &["aws.endpoints"] },
    Package { artifact: "smithy-aws-cloudformation-traits", namespaces: &["aws.cloudformation"] },
    Package { artifact: "smithy-aws-apigateway-traits", namespaces: &["aws.apigateway"] },
    Package { artifact: "smithy-waiters", namespaces: &["smithy.waiters"] },
    Package { artifact: "smithy-rules-engine", namespaces: &["smithy.rules"] },
    Package { artifact: "smithy-protocol-test-traits", namespaces: &["smithy.test"] },
    Package { artifact: "smithy-smoke-test-traits", namespaces: &["smithy.test"] },
    Package { artifact: "smithy-aws-smoke-test-model", namespaces: &["aws.test"] },
    Package { artifact: "smithy-protocol-traits", namespaces: &["smithy.protocols"] },
    Package { artifact: "smithy-validation-model", namespaces: &["smithy.framework"] },
    Package { artifact: "smithy-mqtt-traits", namespaces: &["smithy.mqtt"] },
    Package { artifact: "smithy-openapi-traits", namespaces: &["smithy.openapi"] },
    Package { artifact: "smithy-contract-traits", namespaces: &["smithy.contracts"] },
];

/// The Smithy project's build plugins, validators and tools: a build file
/// may depend on them for the Smithy build tool's own work (OpenAPI
/// conversion, linting); they define no shape or trait a client needs, so a
/// load accepts them and takes nothing from them.
pub const TOOLS: &[&str] = &[
    "smithy-openapi",
    "smithy-linters",
    "smithy-build",
    "smithy-cli",
    "smithy-diff",
    "smithy-jsonschema",
    "smithy-syntax",
    "smithy-codegen-core",
    "smithy-trait-codegen",
    "smithy-docgen",
    "smithy-aws-cloudformation",
    "smithy-model-validation",
];

/// The Smithy project's Maven group.
pub const GROUP: &str = "software.amazon.smithy";

/// Whether `namespace` is one a built-in package defines (so a `use` of one
/// of its ids needs no file of the load to define it).
pub fn is_built_in_namespace(namespace: &str) -> bool {
    PACKAGES.iter().any(|p| p.namespaces.contains(&namespace))
}

/// The built-in package of a Maven coordinate (`group:artifact:version`), or
/// an error saying what is built in.
pub fn package_of(coordinate: &str) -> Result<Option<&'static Package>, String> {
    let mut parts = coordinate.split(':');
    let (Some(group), Some(artifact), Some(_version), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(format!("`{coordinate}` is not a Maven coordinate (`group:artifact:version`)"));
    };
    if group == GROUP && TOOLS.contains(&artifact) {
        return Ok(None);
    }
    PACKAGES.iter().find(|p| group == GROUP && p.artifact == artifact).map(Some).ok_or_else(|| {
        let known: Vec<&str> = PACKAGES.iter().map(|p| p.artifact).collect();
        format!(
            "the Maven dependency `{coordinate}` is not built in, and this generator does not fetch Maven packages: \
             add its model files to `sources` or `imports` instead. Built in ({GROUP}:<artifact>:<any version>): {}; \
             accepted and ignored (build plugins and linters): {}",
            known.join(", "),
            TOOLS.join(", ")
        )
    })
}

/// The shapes of the built-in packages, as raw shapes without a file.
pub fn shapes() -> Vec<RawShape> {
    let member = |name: &str, target: &str, traits: Value| RawMember {
        name: name.into(),
        target: target.into(),
        traits: as_traits(traits),
    };
    let doc = |text: &str| json!({ "smithy.api#documentation": text });
    vec![
        RawShape {
            id: "smithy.framework#ValidationException".into(),
            kind: ShapeKind::Structure,
            members: vec![
                member(
                    "message",
                    "smithy.api#String",
                    json!({ "smithy.api#required": {}, "smithy.api#documentation": "A summary of the validation failure." }),
                ),
                member(
                    "fieldList",
                    "smithy.framework#ValidationExceptionFieldList",
                    doc("A list of specific failures encountered while validating the input."),
                ),
            ],
            traits: as_traits(json!({
                "smithy.api#error": "client",
                "smithy.api#documentation": "A standard error for input validation failures: a member of the input \
                    structure falls outside of the modeled or documented constraints.",
            })),
            mixins: Vec::new(),
            file: None,
        },
        RawShape {
            id: "smithy.framework#ValidationExceptionField".into(),
            kind: ShapeKind::Structure,
            members: vec![
                member(
                    "path",
                    "smithy.api#String",
                    json!({ "smithy.api#required": {}, "smithy.api#documentation": "A JSON Pointer to the member whose value failed its constraints." }),
                ),
                member(
                    "message",
                    "smithy.api#String",
                    json!({ "smithy.api#required": {}, "smithy.api#documentation": "What failed." }),
                ),
            ],
            traits: as_traits(doc("One specific validation failure of an input member.")),
            mixins: Vec::new(),
            file: None,
        },
        RawShape {
            id: "smithy.framework#ValidationExceptionFieldList".into(),
            kind: ShapeKind::List,
            members: vec![member("member", "smithy.framework#ValidationExceptionField", json!({}))],
            traits: Map::new(),
            mixins: Vec::new(),
            file: None,
        },
    ]
}

fn as_traits(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_of_built_in_packages_are_accepted_whatever_their_version() {
        assert_eq!(package_of("software.amazon.smithy:smithy-aws-traits:1.54.0").unwrap().unwrap().artifact, "smithy-aws-traits");
        // Build plugins and linters are accepted, and give nothing.
        assert_eq!(package_of("software.amazon.smithy:smithy-openapi:1.54.0"), Ok(None));
        assert_eq!(package_of("software.amazon.smithy:smithy-linters:1.54.0"), Ok(None));
        assert!(package_of("software.amazon.smithy:smithy-validation-model:[1.0,2.0)").is_ok());
    }

    #[test]
    fn other_coordinates_are_errors_listing_what_is_built_in() {
        let e = package_of("com.example:widgets-model:1.0").unwrap_err();
        assert!(e.contains("`com.example:widgets-model:1.0` is not built in"), "{e}");
        assert!(e.contains("smithy-waiters") && e.contains("smithy-validation-model"), "{e}");
        assert!(package_of("smithy-aws-traits").unwrap_err().contains("not a Maven coordinate"));
    }

    #[test]
    fn package_namespaces_are_known() {
        assert!(is_built_in_namespace("aws.protocols"));
        assert!(is_built_in_namespace("smithy.framework"));
        assert!(!is_built_in_namespace("com.example"));
    }
}
