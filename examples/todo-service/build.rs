//! Generate the to-do list's client from its model (Smithy IDL) into `$OUT_DIR/todo.rs`
//! (included by `src/lib.rs`). Cargo runs this again when the model changes.

fn main() {
    let generated = smithy_gen_codegen::build_script::Builder::new("todo")
        .model("../../models/todo.smithy")
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    // The runtime features the client needs must be on in Cargo.toml.
    assert!(generated.runtime_features.is_empty(), "turn on {:?} of smithy-gen-runtime", generated.runtime_features);
}
