//! A model update must not break the code users wrote against the crate it
//! generated. AWS adds members to its models every week and the crates are
//! regenerated with them: here a service's model gains a member in an
//! input, a member in an output, a value in an enum and a variant in a
//! union, the crate is generated again over the old one, and a user's
//! program written against the old crate (fluent calls, builders, accessors,
//! field assignment, matches, mocks of outputs and errors) still compiles,
//! unchanged.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use smithy_gen_codegen::package::{relative_path, LoaderDependency};
use smithy_gen_codegen::{Packaging, RuntimeDependency};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The service as its first version models it.
fn model_v1() -> Value {
    json!({
        "smithy": "2.0",
        "shapes": {
            "com.example.widgets#Widgets": {
                "type": "service",
                "version": "2026-01-01",
                "operations": [{ "target": "com.example.widgets#GetWidget" }],
                "traits": {
                    "aws.protocols#awsJson1_0": {},
                    "aws.auth#sigv4": { "name": "widgets" },
                    "aws.api#service": { "sdkId": "Widgets", "endpointPrefix": "widgets" }
                }
            },
            "com.example.widgets#GetWidget": {
                "type": "operation",
                "input": { "target": "com.example.widgets#GetWidgetInput" },
                "output": { "target": "com.example.widgets#GetWidgetOutput" },
                "errors": [{ "target": "com.example.widgets#WidgetNotFound" }],
                "traits": { "smithy.api#readonly": {} }
            },
            "com.example.widgets#GetWidgetInput": {
                "type": "structure",
                "members": {
                    "widgetId": { "target": "smithy.api#String", "traits": { "smithy.api#required": {} } },
                    "color": { "target": "com.example.widgets#Color" },
                    "labels": { "target": "com.example.widgets#Labels" }
                },
                "traits": { "smithy.api#input": {} }
            },
            "com.example.widgets#GetWidgetOutput": {
                "type": "structure",
                "members": {
                    "name": { "target": "smithy.api#String", "traits": { "smithy.api#required": {} } },
                    "color": { "target": "com.example.widgets#Color" },
                    "shape": { "target": "com.example.widgets#Shape" }
                },
                "traits": { "smithy.api#output": {} }
            },
            "com.example.widgets#WidgetNotFound": {
                "type": "structure",
                "members": { "message": { "target": "smithy.api#String" } },
                "traits": { "smithy.api#error": "client" }
            },
            "com.example.widgets#Labels": {
                "type": "list",
                "member": { "target": "smithy.api#String" }
            },
            "com.example.widgets#Color": {
                "type": "enum",
                "members": {
                    "RED": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "red" } },
                    "GREEN": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "green" } }
                }
            },
            "com.example.widgets#Shape": {
                "type": "union",
                "members": {
                    "round": { "target": "smithy.api#Integer" },
                    "square": { "target": "smithy.api#Integer" }
                }
            }
        }
    })
}

/// The next version: one more member in the input, one in the output, one
/// enum value, one union variant, and a member in the error.
fn model_v2() -> Value {
    let mut m = model_v1();
    let shapes = &mut m["shapes"];
    shapes["com.example.widgets#GetWidgetInput"]["members"]["verbose"] = json!({ "target": "smithy.api#Boolean" });
    shapes["com.example.widgets#GetWidgetOutput"]["members"]["weight"] = json!({ "target": "smithy.api#Integer" });
    shapes["com.example.widgets#Color"]["members"]["BLUE"] =
        json!({ "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "blue" } });
    shapes["com.example.widgets#Shape"]["members"]["triangle"] = json!({ "target": "smithy.api#Integer" });
    shapes["com.example.widgets#WidgetNotFound"]["members"]["resourceId"] = json!({ "target": "smithy.api#String" });
    m
}

/// A user's program against the first version, written as the docs teach.
const USER_PROGRAM: &str = r#"
use widgets::widgets::errors::GetWidgetError;
use widgets::widgets::types::{Color, GetWidgetInput, GetWidgetOutput, Shape, WidgetNotFound};
use widgets::widgets::Client;

pub async fn describe(client: &Client) -> Result<String, GetWidgetError> {
    // The fluent call, a list appender, an enum value.
    let out = client.get_widget().widget_id("w-1").color(Color::Red).labels("a").labels("b").send().await?;
    // A builder, and an input made with `new` and a field.
    let built = GetWidgetInput::builder().widget_id("w-2").build().expect("widgetId is set");
    let _ = client.get_widget_with(built).await?;
    let mut by_hand = GetWidgetInput::new("w-3");
    by_hand.color = Some(Color::Green);
    let _ = client.get_widget_with(by_hand).await?;
    Ok(describe_output(&out))
}

pub fn describe_output(out: &GetWidgetOutput) -> String {
    let color = match out.color() {
        Some(Color::Red) => "red",
        Some(Color::Green) => "green",
        Some(_) => "a color this program does not know",
        None => "no color",
    };
    let shape = match out.shape() {
        Some(Shape::Round(r)) => format!("round {r}"),
        Some(Shape::Square(s)) => format!("square {s}"),
        Some(_) => "another shape".to_string(),
        None => "no shape".to_string(),
    };
    format!("{} ({color}, {shape})", out.name())
}

/// Mocks for the user's own tests: outputs and errors built with builders.
pub fn mock_output() -> GetWidgetOutput {
    GetWidgetOutput::builder().name("w").color(Color::Red).shape(Shape::Round(3)).build().expect("name is set")
}

pub fn mock_error() -> WidgetNotFound {
    WidgetNotFound::builder().message("no such widget").build()
}

/// An operation's error as a test's mock returns it.
pub fn mock_operation_error() -> GetWidgetError {
    let meta = widgets::ErrorMeta { status: 404, code: "WidgetNotFound".into(), ..Default::default() };
    GetWidgetError::WidgetNotFound(Box::new(widgets::Modeled::new(mock_error(), meta)))
}

/// A fluent call owns what it needs: its future can be spawned.
pub fn spawnable(client: &Client) {
    fn assert_spawnable<T: std::future::Future + Send + 'static>(_: T) {}
    assert_spawnable(client.get_widget().widget_id("w-4").send());
}

/// Enums read from text and show as it.
pub fn colors() -> Vec<Color> {
    let red: Color = "red".parse().unwrap_or(Color::Green);
    vec![red.clone(), Color::from(red.as_ref())]
}

pub fn handle(e: &GetWidgetError) -> &'static str {
    match e {
        GetWidgetError::WidgetNotFound(_) => "not found",
        _ => "something else",
    }
}
"#;

/// Generate `model` into `dir` as the crate `widgets`, over what an
/// earlier generation wrote there.
fn generate(model: &Value, dir: &Path) {
    let model_path = dir.with_extension("json");
    std::fs::write(&model_path, serde_json::to_string_pretty(model).unwrap()).unwrap();
    let options = smithy_gen_codegen::Options {
        models: vec![model_path],
        crate_name: "widgets".into(),
        selection: Default::default(),
        packaging: Packaging {
            runtime: RuntimeDependency::Path(relative_path(dir, &root().join("runtime"))),
            loader: LoaderDependency::Path(relative_path(dir, &root().join("config-loader"))),
            own_workspace: true,
            ..Packaging::default()
        },
    };
    let files = smithy_gen_codegen::generate(&options).unwrap_or_else(|e| panic!("{e}"));
    smithy_gen_codegen::write::write(dir, &files).unwrap_or_else(|e| panic!("writing {}: {e}", dir.display()));
}

fn check_user(user: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .env("CARGO_TARGET_DIR", root().join("target/fixture-target"))
        .args(["check", "--quiet", "--lib", "--manifest-path"])
        .arg(user.join("Cargo.toml"))
        .output()
        .expect("cargo check");
    assert!(out.status.success(), "the user's program does not build:\n{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_users_program_survives_members_values_and_variants_added_to_the_model() {
    let base = root().join("target/model-evolution");
    let _ = std::fs::remove_dir_all(&base);
    let (krate, user) = (base.join("widgets"), base.join("user"));
    std::fs::create_dir_all(user.join("src")).unwrap();
    std::fs::write(
        user.join("Cargo.toml"),
        "[package]\nname = \"widgets-user\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nwidgets = { path = \"../widgets\" }\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(user.join("src/lib.rs"), USER_PROGRAM).unwrap();

    generate(&model_v1(), &krate);
    check_user(&user);

    generate(&model_v2(), &krate);
    let types = std::fs::read_to_string(krate.join("src/widgets/types.rs")).unwrap();
    for added in ["pub verbose:", "pub weight:", "Blue", "Triangle(", "pub resource_id:"] {
        assert!(types.contains(added), "the second version has {added}");
    }
    check_user(&user);
}
