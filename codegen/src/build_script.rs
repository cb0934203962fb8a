//! Generation from a build script: models and operations in, one Rust file
//! in `OUT_DIR` that the crate includes in one line.
//!
//! ```no_run
//! // build.rs (with `smithy-gen-codegen` as a build-dependency)
//! fn main() {
//!     smithy_gen_codegen::build_script::Builder::new("aws")
//!         .model("models/guardduty.json")
//!         .operations(["CreateDetector"])
//!         .generate()
//!         .unwrap_or_else(|e| panic!("{e}"));
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs: defines `pub mod aws { ... }`
//! include!(concat!(env!("OUT_DIR"), "/aws.rs"));
//! ```
//!
//! The file holds what a generated crate's `lib.rs` holds (the re-exports of
//! the runtime, one module per service), as one module. The crate depends on
//! `smithy-gen-runtime` (the exact version the generator pins, with the
//! features [`Generated::runtime_features`] lists), `serde` and
//! `serde_json`. Operations are chosen here, so nothing is behind Cargo
//! features; neither the `smithy-call` tool nor the generated crate's own
//! tests are included.

// The example is a build script: its `main` is the point.
#![allow(clippy::needless_doctest_main)]

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::VisitMut;

use crate::emit::{EmittedFile, FileContent};
use crate::{Error, Model, Packaging, Selection};

/// What to generate: the module's name, the models, the operations.
#[derive(Debug, Clone)]
pub struct Builder {
    module: String,
    models: Vec<PathBuf>,
    operations: Option<BTreeSet<String>>,
    out_dir: Option<PathBuf>,
}

/// What [`Builder::generate`] wrote.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The file written (`$OUT_DIR/<module>.rs`).
    pub path: PathBuf,
    /// The runtime features the module needs (`xml`, `event-stream`,
    /// `checksums`, ...): the crate's `smithy-gen-runtime` dependency must
    /// turn them on (with `default-transport` for the default HTTP client).
    pub runtime_features: Vec<&'static str>,
    /// What the generator left out, one line each, naming the shape.
    pub warnings: Vec<String>,
}

/// Why a build script's generation failed.
#[derive(Debug)]
pub enum BuildError {
    /// The module name cannot be a Rust module.
    Module(String),
    /// No `OUT_DIR` (not running in a build script) and no [`Builder::out_dir`].
    NoOutDir,
    /// The models are invalid, or an operation is not in them.
    Generate(Error),
    /// The file could not be written.
    Write(PathBuf, std::io::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Module(m) => write!(f, "smithy-gen: {m}"),
            BuildError::NoOutDir => write!(f, "smithy-gen: OUT_DIR is not set: call generate() from a build script, or set Builder::out_dir"),
            BuildError::Generate(e) => write!(f, "smithy-gen: {e}"),
            BuildError::Write(p, e) => write!(f, "smithy-gen: cannot write {}: {e}", p.display()),
        }
    }
}

impl std::error::Error for BuildError {}

impl Builder {
    /// A module named `module` (a Rust identifier in snake case: `aws`).
    pub fn new(module: impl Into<String>) -> Self {
        Builder { module: module.into(), models: Vec::new(), operations: None, out_dir: None }
    }

    /// Read a model: a Smithy IDL file (`.smithy`), a JSON AST file, or a
    /// folder of them (relative paths are relative to the crate's directory,
    /// where build scripts run).
    pub fn model(mut self, path: impl Into<PathBuf>) -> Self {
        self.models.push(path.into());
        self
    }

    /// Generate only these operations (by name, from whichever services
    /// have them); all operations of every service without it.
    pub fn operations<I, S>(mut self, operations: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.operations.get_or_insert_with(BTreeSet::new).extend(operations.into_iter().map(Into::into));
        self
    }

    /// Write into `dir` instead of `$OUT_DIR` (and print no `cargo:` lines).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The module's source text, without writing anything.
    pub fn render(&self) -> Result<(String, Vec<&'static str>, Vec<String>), BuildError> {
        let valid = !self.module.is_empty()
            && self.module.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && self.module.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid || crate::naming::module_name(&self.module).as_deref() != Some(self.module.as_str()) {
            return Err(BuildError::Module(format!(
                "`{}` is not a module name (snake case ASCII, not a keyword or a name the generator reserves)",
                self.module
            )));
        }
        let model = Model::load_files(&self.models).map_err(|d| BuildError::Generate(Error::Model(d)))?;
        let selection = Selection { services: Default::default(), anywhere: self.operations.clone() };
        let crate_name = self.module.replace('_', "-");
        let ir = crate::lower::lower_crate(&model, &crate_name, &selection).map_err(|d| BuildError::Generate(Error::Model(d)))?;
        let warnings = ir.services.iter().flat_map(|s| s.warnings.iter().cloned()).collect();
        let features = crate::emit::runtime_features(&ir);
        let files = crate::emit::emit_crate(&ir, &Packaging::default());
        let tokens = one_module(&self.module, &files, &features);
        let rendered = crate::write::render(vec![EmittedFile { path: format!("{}.rs", self.module), content: FileContent::Rust(tokens) }])
            .map_err(|e| BuildError::Generate(Error::Render(e)))?;
        let text = rendered.into_iter().next().map(|f| f.contents).unwrap_or_default();
        // Every feature gate must have been decided here: one left would be
        // read against the including crate's features.
        if let Some(line) = text.lines().find(|l| l.contains("cfg(") && l.contains("feature =")) {
            return Err(BuildError::Generate(Error::Render(crate::write::RenderError {
                path: format!("{}.rs", self.module),
                message: format!("a feature gate was left undecided: {}", line.trim()),
            })));
        }
        Ok((text, features, warnings))
    }

    /// Write `<module>.rs` into `$OUT_DIR` (only when its contents change),
    /// and tell Cargo to run the build script again when a model changes.
    pub fn generate(self) -> Result<Generated, BuildError> {
        let in_build_script = self.out_dir.is_none();
        let dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => PathBuf::from(std::env::var_os("OUT_DIR").ok_or(BuildError::NoOutDir)?),
        };
        if in_build_script {
            for m in &self.models {
                println!("cargo:rerun-if-changed={}", m.display());
            }
        }
        let (text, runtime_features, warnings) = self.render()?;
        let path = dir.join(format!("{}.rs", self.module));
        let old = std::fs::read_to_string(&path).ok();
        if old.as_deref() != Some(text.as_str()) {
            // A file there that the generator did not write is never
            // replaced (`out_dir("src")` with module `lib` would be src/lib.rs).
            // (`OUT_DIR` is Cargo's scratch space for this crate alone.)
            let foreign = old.as_deref().is_some_and(|o| !crate::write::is_generated_text(o));
            if !in_build_script && (foreign || path.is_symlink()) {
                return Err(BuildError::Write(
                    path.clone(),
                    std::io::Error::other("the file exists and was not generated by smithy-gen; choose another module name or directory"),
                ));
            }
            std::fs::create_dir_all(&dir).map_err(|e| BuildError::Write(dir.clone(), e))?;
            let tmp = dir.join(format!(".{}.rs.smithy-gen-tmp-{}", self.module, std::process::id()));
            std::fs::write(&tmp, &text).map_err(|e| BuildError::Write(tmp.clone(), e))?;
            std::fs::rename(&tmp, &path).map_err(|e| BuildError::Write(path.clone(), e))?;
        }
        if in_build_script {
            // One `cargo:warning=` per line: text from a model can never
            // start a directive of its own.
            for line in warnings.iter().flat_map(|w| w.lines()) {
                println!("cargo:warning=smithy-gen: {}", line.replace('\r', " "));
            }
        }
        Ok(Generated { path, runtime_features, warnings })
    }
}

/// The crate's files as one module: `lib.rs`'s items with every `mod x;`
/// replaced by the file's items, feature gates decided (every operation is
/// on; the tool, the default transport's re-export and tests are off).
fn one_module(name: &str, files: &[EmittedFile], runtime_features: &[&str]) -> TokenStream {
    let parsed: std::collections::BTreeMap<&str, syn::File> = files
        .iter()
        .filter_map(|f| match &f.content {
            FileContent::Rust(t) => syn::parse2::<syn::File>(t.clone()).ok().map(|file| (f.path.as_str(), file)),
            _ => None,
        })
        .collect();
    let mut items = parsed.get("src/lib.rs").map(|f| f.items.clone()).unwrap_or_default();
    inline_modules(&mut items, "src", &parsed);
    let mut file = syn::File { shebang: None, attrs: Vec::new(), items };
    Gates.visit_file_mut(&mut file);
    let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
    let items = &file.items;
    let doc = format!(
        " Clients, types and validators generated by smithy-gen from Smithy models (a build script's output). \
         Needs `smithy-gen-runtime` {} with the features: {}.",
        crate::package::RUNTIME_VERSION,
        if runtime_features.is_empty() { "none beyond the default".to_string() } else { runtime_features.join(", ") }
    );
    quote! {
        #[doc = #doc]
        #[allow(clippy::all, dead_code, unused_imports, deprecated)]
        pub mod #ident {
            #(#items)*
        }
    }
}

/// Replace each `mod x;` among `items` (of the file in `dir`) with the
/// contents of `dir/x.rs` or `dir/x/mod.rs`.
fn inline_modules(items: &mut [syn::Item], dir: &str, files: &std::collections::BTreeMap<&str, syn::File>) {
    for item in items {
        let syn::Item::Mod(m) = item else { continue };
        if m.content.is_some() {
            continue;
        }
        let name = m.ident.to_string();
        let (file, child_dir) = match (files.get(format!("{dir}/{name}.rs").as_str()), files.get(format!("{dir}/{name}/mod.rs").as_str())) {
            (Some(f), _) => (f, format!("{dir}/{name}")),
            (None, Some(f)) => (f, format!("{dir}/{name}")),
            // A module without a file (the tool's, not generated here):
            // left out by its gate.
            (None, None) => continue,
        };
        let mut child = file.items.clone();
        inline_modules(&mut child, &child_dir, files);
        m.attrs.extend(file.attrs.iter().filter(|a| matches!(a.style, syn::AttrStyle::Inner(_))).cloned());
        m.content = Some((Default::default(), child));
        m.semi = None;
    }
}

/// Decides `#[cfg(...)]` attributes: operation and service features are on,
/// `cli`, `default-transport` and `test` are off. An item whose cfg is
/// decided on loses the attribute; one decided off is removed.
struct Gates;

/// `Some(on)` when `cfg(meta)` is decided here, `None` when it is left to
/// the compiler (a predicate this module does not know).
fn decide(meta: &syn::Meta) -> Option<bool> {
    match meta {
        syn::Meta::Path(p) if p.is_ident("test") => Some(false),
        syn::Meta::NameValue(nv) if nv.path.is_ident("feature") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => {
                Some(!matches!(s.value().as_str(), "cli" | "default-transport"))
            }
            _ => None,
        },
        syn::Meta::List(l) if l.path.is_ident("all") || l.path.is_ident("any") || l.path.is_ident("not") => {
            let args = l.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated).ok()?;
            let values = args.iter().map(decide).collect::<Option<Vec<bool>>>()?;
            Some(if l.path.is_ident("all") {
                values.iter().all(|v| *v)
            } else if l.path.is_ident("any") {
                values.iter().any(|v| *v)
            } else {
                !values.first().copied().unwrap_or(false)
            })
        }
        _ => None,
    }
}

/// The decision for a list of attributes (`Some(false)`: remove the item),
/// with the decided `cfg`s removed from it.
fn decide_attrs(attrs: &mut Vec<syn::Attribute>) -> bool {
    let mut keep = true;
    attrs.retain(|a| {
        if !a.path().is_ident("cfg") {
            return true;
        }
        let Ok(meta) = a.parse_args::<syn::Meta>() else { return true };
        match decide(&meta) {
            Some(on) => {
                keep &= on;
                false
            }
            None => true,
        }
    });
    keep
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    use syn::Item::*;
    Some(match item {
        Const(i) => &mut i.attrs,
        Enum(i) => &mut i.attrs,
        ExternCrate(i) => &mut i.attrs,
        Fn(i) => &mut i.attrs,
        Impl(i) => &mut i.attrs,
        Macro(i) => &mut i.attrs,
        Mod(i) => &mut i.attrs,
        Static(i) => &mut i.attrs,
        Struct(i) => &mut i.attrs,
        Trait(i) => &mut i.attrs,
        Type(i) => &mut i.attrs,
        Union(i) => &mut i.attrs,
        Use(i) => &mut i.attrs,
        _ => return None,
    })
}

fn expr_attrs(e: &mut syn::Expr) -> Option<&mut Vec<syn::Attribute>> {
    use syn::Expr::*;
    Some(match e {
        Tuple(x) => &mut x.attrs,
        Path(x) => &mut x.attrs,
        Lit(x) => &mut x.attrs,
        Call(x) => &mut x.attrs,
        Struct(x) => &mut x.attrs,
        Macro(x) => &mut x.attrs,
        Reference(x) => &mut x.attrs,
        MethodCall(x) => &mut x.attrs,
        _ => return None,
    })
}

fn impl_item_attrs(item: &mut syn::ImplItem) -> Option<&mut Vec<syn::Attribute>> {
    use syn::ImplItem::*;
    Some(match item {
        Const(i) => &mut i.attrs,
        Fn(i) => &mut i.attrs,
        Type(i) => &mut i.attrs,
        Macro(i) => &mut i.attrs,
        _ => return None,
    })
}

impl VisitMut for Gates {
    fn visit_file_mut(&mut self, f: &mut syn::File) {
        f.items.retain_mut(|i| item_attrs(i).is_none_or(decide_attrs));
        syn::visit_mut::visit_file_mut(self, f);
    }

    fn visit_item_mod_mut(&mut self, m: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut m.content {
            items.retain_mut(|i| item_attrs(i).is_none_or(decide_attrs));
        }
        syn::visit_mut::visit_item_mod_mut(self, m);
    }

    fn visit_item_impl_mut(&mut self, i: &mut syn::ItemImpl) {
        i.items.retain_mut(|i| impl_item_attrs(i).is_none_or(decide_attrs));
        syn::visit_mut::visit_item_impl_mut(self, i);
    }

    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        b.stmts.retain_mut(|s| match s {
            syn::Stmt::Local(l) => decide_attrs(&mut l.attrs),
            syn::Stmt::Item(i) => item_attrs(i).is_none_or(decide_attrs),
            syn::Stmt::Macro(m) => decide_attrs(&mut m.attrs),
            syn::Stmt::Expr(..) => true,
        });
        syn::visit_mut::visit_block_mut(self, b);
    }

    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        m.arms.retain_mut(|a| decide_attrs(&mut a.attrs));
        syn::visit_mut::visit_expr_match_mut(self, m);
    }

    fn visit_expr_array_mut(&mut self, a: &mut syn::ExprArray) {
        let elems = std::mem::take(&mut a.elems);
        a.elems = elems.into_iter().filter_map(|mut e| expr_attrs(&mut e).is_none_or(decide_attrs).then_some(e)).collect();
        syn::visit_mut::visit_expr_array_mut(self, a);
    }

    fn visit_expr_struct_mut(&mut self, s: &mut syn::ExprStruct) {
        let fields = std::mem::take(&mut s.fields);
        s.fields = fields.into_iter().filter_map(|mut f| decide_attrs(&mut f.attrs).then_some(f)).collect();
        // `Self { a, ..rest }`: the comma before `..` must stay.
        if s.dot2_token.is_some() && !s.fields.empty_or_trailing() {
            s.fields.push_punct(Default::default());
        }
        syn::visit_mut::visit_expr_struct_mut(self, s);
    }

    fn visit_fields_named_mut(&mut self, f: &mut syn::FieldsNamed) {
        let fields = std::mem::take(&mut f.named);
        f.named = fields.into_iter().filter_map(|mut x| decide_attrs(&mut x.attrs).then_some(x)).collect();
        syn::visit_mut::visit_fields_named_mut(self, f);
    }

    fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
        let variants = std::mem::take(&mut e.variants);
        e.variants = variants.into_iter().filter_map(|mut v| decide_attrs(&mut v.attrs).then_some(v)).collect();
        syn::visit_mut::visit_item_enum_mut(self, e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cfgs_are_decided() {
        let d = |s: &str| decide(&syn::parse_str::<syn::Meta>(s).unwrap());
        assert_eq!(d(r#"feature = "guardduty-create-detector""#), Some(true));
        assert_eq!(d(r#"feature = "cli""#), Some(false));
        assert_eq!(d("test"), Some(false));
        assert_eq!(d(r#"any(feature = "a", feature = "b")"#), Some(true));
        assert_eq!(d(r#"all(feature = "a", test)"#), Some(false));
        assert_eq!(d(r#"not(feature = "default-transport")"#), Some(true));
        assert_eq!(d("unix"), None);
    }

    #[test]
    fn a_bad_module_name_is_an_error() {
        for bad in ["Aws", "my-mod", "self", "", "1x"] {
            let e = Builder::new(bad).render().unwrap_err();
            assert!(matches!(e, BuildError::Module(_)), "{bad}: {e}");
        }
    }

    #[test]
    fn a_service_with_several_operations_keeps_no_feature_gate() {
        let model = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/guardduty.json");
        let (text, _, _) = Builder::new("gd").model(model).render().unwrap_or_else(|e| panic!("{e}"));
        assert!(text.contains("pub async fn create_detector") && text.contains("pub async fn create_publishing_destination"));
        assert!(!text.contains("feature ="), "every gate decided");
    }

    #[test]
    fn a_file_it_did_not_write_is_never_replaced() {
        let dir = std::env::temp_dir().join(format!("smithy-build-script-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("lib.rs"), "// mine\n").unwrap();
        let model = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/guardduty.json");
        let e = Builder::new("lib").model(model).out_dir(&dir).generate().unwrap_err();
        assert!(e.to_string().contains("not generated by smithy-gen"), "{e}");
        assert_eq!(std::fs::read_to_string(dir.join("lib.rs")).unwrap(), "// mine\n");
        // Its own file is replaced.
        Builder::new("gd").model(model).out_dir(&dir).generate().unwrap();
        Builder::new("gd").model(model).operations(["CreateDetector"]).out_dir(&dir).generate().unwrap();
        assert!(!std::fs::read_to_string(dir.join("gd.rs")).unwrap().contains("create_publishing_destination"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
