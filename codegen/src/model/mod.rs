//! The loaded model: shapes from the JSON AST files, with `apply` and mixins
//! resolved, the prelude available, every trait the generator understands
//! parsed into [`Traits`], and every reference checked.

pub mod files;
mod idl;
mod load;
pub mod packages;
mod prelude;
mod resolve;
pub mod shape_id;
pub mod smithy_build;
mod traits;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use traits::{
    AwsService, Bound, Deprecated, EnumValue, ErrorFault, Example, ExampleError, HttpTestCase, Http, Length, Paginated, Protocol, Range,
    TimestampFormat, Traits, UriSegment,
};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// The kind of a shape, with the data that only that kind has.
#[derive(Debug, Clone, PartialEq)]
pub enum ShapeKind {
    Blob,
    Boolean,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
    Enum,
    IntEnum,
    /// One member named `member`.
    List,
    /// Members `key` and `value`.
    Map,
    Structure,
    Union,
    Service(Service),
    Operation(Operation),
    Resource(Resource),
}

impl ShapeKind {
    /// The type name the JSON AST uses.
    pub fn ast_name(&self) -> &'static str {
        match self {
            ShapeKind::Blob => "blob",
            ShapeKind::Boolean => "boolean",
            ShapeKind::String => "string",
            ShapeKind::Byte => "byte",
            ShapeKind::Short => "short",
            ShapeKind::Integer => "integer",
            ShapeKind::Long => "long",
            ShapeKind::Float => "float",
            ShapeKind::Double => "double",
            ShapeKind::BigInteger => "bigInteger",
            ShapeKind::BigDecimal => "bigDecimal",
            ShapeKind::Timestamp => "timestamp",
            ShapeKind::Document => "document",
            ShapeKind::Enum => "enum",
            ShapeKind::IntEnum => "intEnum",
            ShapeKind::List => "list",
            ShapeKind::Map => "map",
            ShapeKind::Structure => "structure",
            ShapeKind::Union => "union",
            ShapeKind::Service(_) => "service",
            ShapeKind::Operation(_) => "operation",
            ShapeKind::Resource(_) => "resource",
        }
    }

    /// The type name with its indefinite article ("an integer", "a list").
    pub fn with_article(&self) -> String {
        let n = self.ast_name();
        let article = if n.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        format!("{article} {n}")
    }

    /// Can this shape be the target of a structure, union, list or map member?
    pub fn is_member_target(&self) -> bool {
        !matches!(self, ShapeKind::Service(_) | ShapeKind::Operation(_) | ShapeKind::Resource(_))
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Service {
    pub version: Option<String>,
    pub operations: Vec<String>,
    pub resources: Vec<String>,
    pub errors: Vec<String>,
    /// `rename`: shape id → the name to use for it inside this service.
    pub rename: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub input: String,
    pub output: String,
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resource {
    pub identifiers: BTreeMap<String, String>,
    /// Lifecycle and other operations bound to the resource, in the order
    /// create, put, read, update, delete, list, operations, collectionOperations.
    pub operations: Vec<String>,
    pub resources: Vec<String>,
}

/// A member of a structure, union, list (`member`), map (`key`, `value`) or
/// enum (the enum's values, targeting `smithy.api#Unit`).
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub name: String,
    pub target: String,
    pub traits: Traits,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub id: String,
    pub kind: ShapeKind,
    pub traits: Traits,
    /// Members in model order (mixin members first).
    pub members: Vec<Member>,
    /// The file that defined the shape (`None` for the prelude).
    pub file: Option<PathBuf>,
}

impl Shape {
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

/// A loaded, checked model. A problem of one shape (a reference that does not
/// resolve, a trait value of the wrong type) does not stop the loading: it is
/// kept in `problems`, and lowering reports the problems of the shapes it
/// generates, so a broken shape outside the chosen operations' closure never
/// blocks them. Problems that are not about an existing shape (unparsable
/// files, `apply` to a missing shape) fail the loading.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub shapes: BTreeMap<String, Shape>,
    /// Problems of single shapes (`Diagnostic::shape` names the shape, with
    /// `$member` for a member), sorted.
    pub problems: Vec<Diagnostic>,
}

/// Read model files (folders expanded to the model files under them) into
/// (path, text) pairs.
pub fn read_sources(paths: &[impl AsRef<Path>]) -> (Vec<(PathBuf, String)>, Diagnostics) {
    let (files, problems) = files::expand(paths);
    let mut diags = Diagnostics(problems);
    let mut sources = Vec::new();
    for path in files {
        match std::fs::read_to_string(&path) {
            Ok(text) => sources.push((path, text)),
            Err(e) => diags.push(Diagnostic::file(&path, format!("cannot read the model file: {e}"))),
        }
    }
    (sources, diags)
}

/// The shape of a diagnostic's `shape` (`ns#S$member` -> `ns#S`).
pub fn shape_of(id: &str) -> &str {
    id.split_once('$').map_or(id, |(s, _)| s)
}

impl Model {
    /// Load and check model files: Smithy IDL (`.smithy`) or JSON AST (any
    /// other name), and every such file under a folder given instead. All
    /// problems in all files are reported together.
    pub fn load_files(paths: &[impl AsRef<Path>]) -> Result<Model, Diagnostics> {
        let (sources, diags) = read_sources(paths);
        if !diags.is_empty() {
            return diags.into_result(Model::default());
        }
        Model::load_sources(&sources)
    }

    /// Load and check models given as (file name, text) pairs: a `.smithy`
    /// name is Smithy IDL, any other JSON AST.
    pub fn load_sources(sources: &[(PathBuf, String)]) -> Result<Model, Diagnostics> {
        let raw = load::parse_files(sources)?;
        resolve::resolve(raw)
    }

    /// The JSON AST document of each source (IDL files converted, names
    /// resolved across all of them), before any check of the shapes.
    pub fn documents(sources: &[(PathBuf, String)]) -> Result<Vec<(PathBuf, serde_json::Value)>, Diagnostics> {
        let mut diags = Diagnostics::default();
        let docs = load::documents(sources, &mut diags);
        diags.into_result(docs)
    }

    pub fn get(&self, id: &str) -> Option<&Shape> {
        self.shapes.get(id)
    }

    /// The problems of the shapes in `ids` (and of their members).
    pub fn problems_in(&self, ids: &std::collections::BTreeSet<String>) -> Vec<Diagnostic> {
        self.problems.iter().filter(|d| d.shape.as_deref().is_some_and(|s| ids.contains(shape_of(s)))).cloned().collect()
    }

    /// All service shapes, in id order.
    pub fn services(&self) -> impl Iterator<Item = &Shape> {
        self.shapes.values().filter(|s| matches!(s.kind, ShapeKind::Service(_)))
    }
}
