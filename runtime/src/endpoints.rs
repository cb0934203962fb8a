//! Endpoint resolution from a Smithy endpoint rule set
//! (`smithy.rules#endpointRuleSet`, rules language 1.0).
//!
//! [`RuleSet::from_json`] reads the trait's JSON value once and checks it:
//! rule shapes, function names and arities, references to parameters and
//! assigned variables (each must be in scope where it is used), template
//! strings and `getAttr` paths. A rule set that passes is then evaluated by
//! [`RuleSet::resolve`] for a set of [`Params`]:
//!
//! - parameters missing from the input take their `default`; a `required`
//!   parameter that is still missing is an error;
//! - rules are tried in order and the first whose conditions all hold wins;
//!   a condition holds when its function returns something other than
//!   "not set" or `false`, and its `assign` binds that result for the rest of
//!   the rule (and, in a tree, for every rule under it);
//! - an `endpoint` rule yields an [`Endpoint`], an `error` rule an
//!   [`EndpointError`] carrying the rule's message, and a `tree` rule the
//!   result of its own rules. A tree none of whose rules match ends the
//!   resolution with an error, as does running out of top-level rules.
//!
//! Functions: `isSet`, `not`, `booleanEquals`, `stringEquals`, `getAttr`,
//! `substring`, `uriEncode`, `parseURL`, `isValidHostLabel`, and the AWS
//! extensions `aws.partition`, `aws.parseArn` and
//! `aws.isVirtualHostableS3Bucket`. Any other function name is rejected by
//! [`RuleSet::from_json`]. A function given an argument that is not set
//! returns "not set" itself (except `isSet`, which exists to ask). Rule sets
//! declaring version `1.0` or `1.1` are read; the functions version 1.1 adds
//! (`coalesce`, `ite`, `split`) are not implemented and are rejected by name
//! like any other unknown function.
//!
//! Nothing here panics on any input: malformed JSON, wrong types and
//! out-of-range indexes become errors or "not set", and nesting deeper than
//! a fixed bound is rejected when the rule set is read.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::{Map as JsonMap, Value as Json};

/// How deeply rules, expressions and endpoint properties may nest. Real rule
/// sets stay far below this; the bound keeps recursion on hostile input
/// finite.
const MAX_DEPTH: usize = 128;

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/// A parsed and checked endpoint rule set, ready to resolve endpoints.
#[derive(Debug, Clone)]
pub struct RuleSet {
    version: String,
    parameters: Vec<Parameter>,
    rules: Vec<Rule>,
    /// Parameters take the first slots of the evaluation environment,
    /// assigned variables the rest.
    slots: usize,
}

/// The type of an endpoint parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterType {
    /// A string (`"type": "String"`).
    String,
    /// A boolean (`"type": "Boolean"`).
    Boolean,
    /// A list of strings (`"type": "stringArray"`).
    StringArray,
}

impl ParameterType {
    fn describe(self) -> &'static str {
        match self {
            ParameterType::String => "a string",
            ParameterType::Boolean => "a boolean",
            ParameterType::StringArray => "a string array",
        }
    }

    fn accepts(self, value: &Value) -> bool {
        matches!(
            (self, value),
            (ParameterType::String, Value::String(_))
                | (ParameterType::Boolean, Value::Bool(_))
                | (ParameterType::StringArray, Value::StringArray(_))
        )
    }
}

/// A parameter the rule set declares.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The name rules refer to it by, e.g. `Region`.
    pub name: String,
    /// The type its values must have.
    pub kind: ParameterType,
    /// The built-in value that feeds it, e.g. `AWS::Region`.
    pub built_in: Option<String>,
    /// Whether resolution fails when it has neither a value nor a default.
    pub required: bool,
    /// The value used when the caller gives none.
    pub default: Option<Value>,
    /// The rule set's description of the parameter.
    pub documentation: Option<String>,
    /// The deprecation message, when the parameter is deprecated (empty if
    /// the rule set gives no message).
    pub deprecated: Option<String>,
}

/// A value seen by the rules: a parameter value, a literal, or the result of
/// a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string.
    String(String),
    /// A boolean.
    Bool(bool),
    /// An integer literal (the indexes given to `substring`).
    Int(i64),
    /// A list of strings.
    StringArray(Vec<String>),
    /// A structure such as the result of `parseURL`, `aws.partition` or
    /// `aws.parseArn`, keyed by attribute name.
    Object(BTreeMap<String, Value>),
}

impl Value {
    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean inside, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// This value as JSON (objects become JSON objects, string arrays JSON
    /// arrays).
    pub fn to_json(&self) -> Json {
        match self {
            Value::String(s) => Json::String(s.clone()),
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::StringArray(items) => Json::Array(items.iter().cloned().map(Json::String).collect()),
            Value::Object(fields) => Json::Object(fields.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::StringArray(_) => "a string array",
            Value::Object(_) => "an object",
        }
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::String(value.to_string())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Value {
        Value::String(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Value {
        Value::Bool(value)
    }
}

impl From<Vec<String>> for Value {
    fn from(value: Vec<String>) -> Value {
        Value::StringArray(value)
    }
}

/// The parameter values for one resolution, by parameter name.
///
/// ```ignore
/// let params = Params::new().string("Region", "us-east-1").boolean("UseFIPS", true);
/// ```
///
/// Names the rule set does not declare are ignored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    values: BTreeMap<String, Value>,
}

impl Params {
    /// No values: every parameter takes its default.
    pub fn new() -> Params {
        Params::default()
    }

    /// Sets a string parameter.
    #[must_use]
    pub fn string(self, name: impl Into<String>, value: impl Into<String>) -> Params {
        self.value(name, Value::String(value.into()))
    }

    /// Sets a boolean parameter.
    #[must_use]
    pub fn boolean(self, name: impl Into<String>, value: bool) -> Params {
        self.value(name, Value::Bool(value))
    }

    /// Sets a string-array parameter.
    #[must_use]
    pub fn string_array<I, S>(self, name: impl Into<String>, values: I) -> Params
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.value(name, Value::StringArray(values.into_iter().map(Into::into).collect()))
    }

    /// Sets a parameter to any value.
    #[must_use]
    pub fn value(mut self, name: impl Into<String>, value: Value) -> Params {
        self.set(name, value);
        self
    }

    /// Sets a parameter in place.
    pub fn set(&mut self, name: impl Into<String>, value: Value) {
        self.values.insert(name.into(), value);
    }

    /// Removes a parameter's value, so that its default applies again.
    pub fn unset(&mut self, name: &str) -> Option<Value> {
        self.values.remove(name)
    }

    /// The value given for a parameter, if any.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }
}

/// A resolved endpoint.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Endpoint {
    /// The URL to send requests to.
    pub url: String,
    /// Headers to add to requests, by name.
    pub headers: BTreeMap<String, Vec<String>>,
    /// Extra properties of the endpoint, such as `authSchemes`.
    pub properties: JsonMap<String, Json>,
}

/// What kind of failure an [`EndpointError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointErrorKind {
    /// The rule set could not be read: bad JSON, a malformed rule, an
    /// unknown function or reference.
    InvalidRuleSet,
    /// A required parameter has neither a value nor a default.
    MissingParameter,
    /// A parameter value has the wrong type.
    InvalidParameter,
    /// An `error` rule matched; the message is the rule's.
    Rule,
    /// No rule matched (at the top level or inside a tree).
    NoMatch,
    /// Evaluation met a value of the wrong type, or an unset value where one
    /// was needed.
    Evaluation,
}

/// Why an endpoint could not be resolved, or a rule set could not be read.
///
/// For an `error` rule, `Display` gives the rule's message exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    kind: EndpointErrorKind,
    message: String,
}

impl EndpointError {
    fn new(kind: EndpointErrorKind, message: impl Into<String>) -> EndpointError {
        EndpointError { kind, message: message.into() }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> EndpointErrorKind {
        self.kind
    }

    /// The message (the same text `Display` shows).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EndpointError {}

fn invalid(at: &str, what: impl fmt::Display) -> EndpointError {
    EndpointError::new(EndpointErrorKind::InvalidRuleSet, format!("invalid endpoint rule set at `{at}`: {what}"))
}

fn evaluation(message: impl Into<String>) -> EndpointError {
    EndpointError::new(EndpointErrorKind::Evaluation, message)
}

// ---------------------------------------------------------------------------
// The checked form of a rule set
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Rule {
    conditions: Vec<Condition>,
    body: Body,
}

#[derive(Debug, Clone)]
struct Condition {
    call: Expr,
    /// The slot the result is bound to.
    assign: Option<usize>,
}

#[derive(Debug, Clone)]
enum Body {
    Endpoint(EndpointTemplate),
    Error(Expr),
    /// `at` locates the tree for the "no rule matched" message.
    Tree {
        rules: Vec<Rule>,
        at: String,
    },
}

#[derive(Debug, Clone)]
struct EndpointTemplate {
    url: Expr,
    headers: Vec<(String, Vec<Expr>)>,
    properties: Vec<(String, Prop)>,
}

/// An endpoint property: JSON whose strings are templates.
#[derive(Debug, Clone)]
enum Prop {
    /// `null`, booleans and numbers, kept as written.
    Plain(Json),
    Str(Expr),
    Array(Vec<Prop>),
    Object(Vec<(String, Prop)>),
}

#[derive(Debug, Clone)]
enum Expr {
    Lit(Value),
    /// A string with at least one `{...}` placeholder.
    Template(Vec<Part>),
    Ref {
        slot: usize,
    },
    Array(Vec<Expr>),
    Call {
        func: Func,
        args: Vec<Expr>,
    },
    GetAttr {
        target: Box<Expr>,
        path: Vec<Step>,
    },
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    /// `{name}` or `{name#path}`; `text` is what stood between the braces.
    Var {
        slot: usize,
        path: Vec<Step>,
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    IsSet,
    Not,
    BooleanEquals,
    StringEquals,
    GetAttr,
    Substring,
    UriEncode,
    ParseUrl,
    IsValidHostLabel,
    Partition,
    ParseArn,
    IsVirtualHostableS3Bucket,
}

/// The type a function expects of an argument, checked for literals when the
/// rule set is read and for every value at evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Any,
    Str,
    Bool,
    Int,
}

impl Ty {
    fn describe(self) -> &'static str {
        match self {
            Ty::Any => "any value",
            Ty::Str => "a string",
            Ty::Bool => "a boolean",
            Ty::Int => "an integer",
        }
    }

    fn accepts(self, value: &Value) -> bool {
        matches!(
            (self, value),
            (Ty::Any, _) | (Ty::Str, Value::String(_)) | (Ty::Bool, Value::Bool(_)) | (Ty::Int, Value::Int(_))
        )
    }
}

const FUNCTIONS: &[(&str, Func, &[Ty])] = &[
    ("isSet", Func::IsSet, &[Ty::Any]),
    ("not", Func::Not, &[Ty::Bool]),
    ("booleanEquals", Func::BooleanEquals, &[Ty::Bool, Ty::Bool]),
    ("stringEquals", Func::StringEquals, &[Ty::Str, Ty::Str]),
    ("getAttr", Func::GetAttr, &[Ty::Any, Ty::Str]),
    ("substring", Func::Substring, &[Ty::Str, Ty::Int, Ty::Int, Ty::Bool]),
    ("uriEncode", Func::UriEncode, &[Ty::Str]),
    ("parseURL", Func::ParseUrl, &[Ty::Str]),
    ("isValidHostLabel", Func::IsValidHostLabel, &[Ty::Str, Ty::Bool]),
    ("aws.partition", Func::Partition, &[Ty::Str]),
    ("aws.parseArn", Func::ParseArn, &[Ty::Str]),
    ("aws.isVirtualHostableS3Bucket", Func::IsVirtualHostableS3Bucket, &[Ty::Str, Ty::Bool]),
];

impl Func {
    fn lookup(name: &str) -> Option<(Func, &'static [Ty])> {
        FUNCTIONS.iter().find(|(n, _, _)| *n == name).map(|(_, f, tys)| (*f, *tys))
    }

    fn name(self) -> &'static str {
        FUNCTIONS.iter().find(|(_, f, _)| *f == self).map_or("?", |(n, _, _)| *n)
    }

    fn signature(self) -> &'static [Ty] {
        FUNCTIONS.iter().find(|(_, f, _)| *f == self).map_or(&[], |(_, _, tys)| *tys)
    }
}

// ---------------------------------------------------------------------------
// Reading a rule set
// ---------------------------------------------------------------------------

impl RuleSet {
    /// Reads the JSON value of a `smithy.rules#endpointRuleSet` trait and
    /// checks it.
    pub fn from_json(text: &str) -> Result<RuleSet, EndpointError> {
        let json: Json = serde_json::from_str(text).map_err(|e| {
            EndpointError::new(EndpointErrorKind::InvalidRuleSet, format!("invalid endpoint rule set: not JSON: {e}"))
        })?;
        RuleSet::from_value(&json)
    }

    /// Like [`RuleSet::from_json`], for a trait value already parsed as JSON.
    pub fn from_value(json: &Json) -> Result<RuleSet, EndpointError> {
        let top = json.as_object().ok_or_else(|| invalid("$", "expected a JSON object"))?;
        let version = match top.get("version") {
            Some(Json::String(v)) => v.clone(),
            _ => return Err(invalid("version", "expected a version string")),
        };
        if version != "1.0" && version != "1.1" {
            return Err(invalid("version", format!("unsupported rules language version `{version}`")));
        }
        let declared = match top.get("parameters") {
            Some(Json::Object(params)) => params,
            _ => return Err(invalid("parameters", "expected an object of parameters")),
        };
        let mut parameters =
            declared.iter().map(|(name, p)| parse_parameter(name, p)).collect::<Result<Vec<_>, _>>()?;
        parameters.sort_by(|a, b| a.name.cmp(&b.name));

        let mut reader = Reader {
            scope: parameters.iter().enumerate().map(|(i, p)| (p.name.clone(), i)).collect(),
            next_slot: parameters.len(),
        };
        let rules = reader.rules(top.get("rules"), "rules", 0)?;
        Ok(RuleSet { version, parameters, rules, slots: reader.next_slot })
    }

    /// The rules language version the rule set declares.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The declared parameters, sorted by name.
    pub fn parameters(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters.iter()
    }

    /// The declared parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

fn parse_parameter(name: &str, json: &Json) -> Result<Parameter, EndpointError> {
    let at = format!("parameters.{name}");
    if name.is_empty() {
        return Err(invalid(&at, "a parameter needs a name"));
    }
    let obj = json.as_object().ok_or_else(|| invalid(&at, "expected an object"))?;
    let kind = match obj.get("type").and_then(Json::as_str) {
        Some(t) if t.eq_ignore_ascii_case("string") => ParameterType::String,
        Some(t) if t.eq_ignore_ascii_case("boolean") => ParameterType::Boolean,
        Some(t) if t.eq_ignore_ascii_case("stringArray") => ParameterType::StringArray,
        Some(t) => return Err(invalid(&at, format!("unknown parameter type `{t}`"))),
        None => return Err(invalid(&at, "missing `type`")),
    };
    let text = |key: &str| -> Result<Option<String>, EndpointError> {
        match obj.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(&at, format!("`{key}` must be a string"))),
        }
    };
    let built_in = text("builtIn")?;
    let documentation = text("documentation")?;
    let required = match obj.get("required") {
        None | Some(Json::Null) => false,
        Some(Json::Bool(b)) => *b,
        Some(_) => return Err(invalid(&at, "`required` must be a boolean")),
    };
    let default = match obj.get("default") {
        None | Some(Json::Null) => None,
        Some(Json::String(s)) => Some(Value::String(s.clone())),
        Some(Json::Bool(b)) => Some(Value::Bool(*b)),
        Some(Json::Array(items)) => Some(Value::StringArray(
            items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| invalid(&at, "a default array must hold strings"))?,
        )),
        Some(_) => return Err(invalid(&at, "`default` must be a string, boolean or array of strings")),
    };
    if let Some(d) = &default {
        if !kind.accepts(d) {
            return Err(invalid(&at, format!("the default is {}, the type {}", d.describe(), kind.describe())));
        }
    }
    let deprecated = match obj.get("deprecated") {
        None | Some(Json::Null) => None,
        Some(Json::Object(d)) => Some(d.get("message").and_then(Json::as_str).unwrap_or_default().to_string()),
        Some(_) => return Err(invalid(&at, "`deprecated` must be an object")),
    };
    Ok(Parameter { name: name.to_string(), kind, built_in, required, default, documentation, deprecated })
}

/// Reads rules while tracking which names are in scope.
struct Reader {
    /// Names visible at the current point, with their slots. Parameters come
    /// first; each rule pushes its assignments and pops them when done.
    scope: Vec<(String, usize)>,
    next_slot: usize,
}

impl Reader {
    fn lookup(&self, name: &str) -> Option<usize> {
        self.scope.iter().rev().find(|(n, _)| n == name).map(|(_, slot)| *slot)
    }

    fn rules(&mut self, json: Option<&Json>, at: &str, depth: usize) -> Result<Vec<Rule>, EndpointError> {
        let items = match json {
            Some(Json::Array(items)) => items,
            _ => return Err(invalid(at, "expected an array of rules")),
        };
        if items.is_empty() {
            return Err(invalid(at, "a rule list needs at least one rule"));
        }
        items.iter().enumerate().map(|(i, rule)| self.rule(rule, &format!("{at}[{i}]"), depth)).collect()
    }

    fn rule(&mut self, json: &Json, at: &str, depth: usize) -> Result<Rule, EndpointError> {
        if depth > MAX_DEPTH {
            return Err(invalid(at, "rules are nested too deeply"));
        }
        let obj = json.as_object().ok_or_else(|| invalid(at, "a rule must be an object"))?;
        let mark = self.scope.len();
        let conditions = match obj.get("conditions") {
            None => Vec::new(),
            Some(Json::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, c)| self.condition(c, &format!("{at}.conditions[{i}]"), depth + 1))
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => return Err(invalid(at, "`conditions` must be an array")),
        };
        let body = match obj.get("type").and_then(Json::as_str) {
            Some("endpoint") => {
                let at = format!("{at}.endpoint");
                Body::Endpoint(self.endpoint(obj.get("endpoint"), &at, depth + 1)?)
            }
            Some("error") => {
                let at = format!("{at}.error");
                let message = obj.get("error").ok_or_else(|| invalid(&at, "missing error message"))?;
                Body::Error(self.expr(message, &at, depth + 1)?)
            }
            Some("tree") => {
                let rules = self.rules(obj.get("rules"), &format!("{at}.rules"), depth + 1)?;
                Body::Tree { rules, at: at.to_string() }
            }
            Some(other) => return Err(invalid(at, format!("unknown rule type `{other}`"))),
            None => return Err(invalid(at, "missing rule `type`")),
        };
        self.scope.truncate(mark);
        Ok(Rule { conditions, body })
    }

    fn condition(&mut self, json: &Json, at: &str, depth: usize) -> Result<Condition, EndpointError> {
        let obj = json.as_object().ok_or_else(|| invalid(at, "a condition must be an object"))?;
        if !obj.contains_key("fn") {
            return Err(invalid(at, "a condition must call a function (`fn`)"));
        }
        let call = self.call(obj, at, depth)?;
        let assign = match obj.get("assign") {
            None | Some(Json::Null) => None,
            Some(Json::String(name)) => {
                if name.is_empty() {
                    return Err(invalid(at, "`assign` needs a name"));
                }
                if self.lookup(name).is_some() {
                    return Err(invalid(at, format!("`{name}` is already defined in this scope")));
                }
                let slot = self.next_slot;
                self.next_slot += 1;
                self.scope.push((name.clone(), slot));
                Some(slot)
            }
            Some(_) => return Err(invalid(at, "`assign` must be a string")),
        };
        Ok(Condition { call, assign })
    }

    fn endpoint(&self, json: Option<&Json>, at: &str, depth: usize) -> Result<EndpointTemplate, EndpointError> {
        let obj = json.and_then(Json::as_object).ok_or_else(|| invalid(at, "expected an endpoint object"))?;
        let url_at = format!("{at}.url");
        let url = self.expr(obj.get("url").ok_or_else(|| invalid(at, "missing `url`"))?, &url_at, depth + 1)?;
        let mut headers = Vec::new();
        match obj.get("headers") {
            None | Some(Json::Null) => {}
            Some(Json::Object(map)) => {
                for (name, values) in map {
                    let hat = format!("{at}.headers.{name}");
                    let values = values.as_array().ok_or_else(|| invalid(&hat, "header values must be an array"))?;
                    let values = values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| self.expr(v, &format!("{hat}[{i}]"), depth + 1))
                        .collect::<Result<Vec<_>, _>>()?;
                    headers.push((name.clone(), values));
                }
            }
            Some(_) => return Err(invalid(at, "`headers` must be an object")),
        }
        let mut properties = Vec::new();
        match obj.get("properties") {
            None | Some(Json::Null) => {}
            Some(Json::Object(map)) => {
                for (name, value) in map {
                    properties.push((name.clone(), self.prop(value, &format!("{at}.properties.{name}"), depth + 1)?));
                }
            }
            Some(_) => return Err(invalid(at, "`properties` must be an object")),
        }
        Ok(EndpointTemplate { url, headers, properties })
    }

    fn prop(&self, json: &Json, at: &str, depth: usize) -> Result<Prop, EndpointError> {
        if depth > MAX_DEPTH {
            return Err(invalid(at, "properties are nested too deeply"));
        }
        Ok(match json {
            Json::String(s) => Prop::Str(self.template(s, at)?),
            Json::Array(items) => Prop::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.prop(v, &format!("{at}[{i}]"), depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Json::Object(map) => Prop::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.prop(v, &format!("{at}.{k}"), depth + 1)?)))
                    .collect::<Result<_, EndpointError>>()?,
            ),
            plain => Prop::Plain(plain.clone()),
        })
    }

    fn expr(&self, json: &Json, at: &str, depth: usize) -> Result<Expr, EndpointError> {
        if depth > MAX_DEPTH {
            return Err(invalid(at, "expressions are nested too deeply"));
        }
        match json {
            Json::Bool(b) => Ok(Expr::Lit(Value::Bool(*b))),
            Json::Number(n) => n
                .as_i64()
                .map(|i| Expr::Lit(Value::Int(i)))
                .ok_or_else(|| invalid(at, format!("expected an integer, found `{n}`"))),
            Json::String(s) => self.template(s, at),
            Json::Array(items) => Ok(Expr::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.expr(v, &format!("{at}[{i}]"), depth + 1))
                    .collect::<Result<_, _>>()?,
            )),
            Json::Object(obj) if obj.contains_key("fn") => self.call(obj, at, depth),
            Json::Object(obj) => match obj.get("ref") {
                Some(Json::String(name)) => self
                    .lookup(name)
                    .map(|slot| Expr::Ref { slot })
                    .ok_or_else(|| invalid(at, format!("reference to undefined name `{name}`"))),
                Some(_) => Err(invalid(at, "`ref` must be a string")),
                None => Err(invalid(at, "expected a reference (`ref`) or a function call (`fn`)")),
            },
            Json::Null => Err(invalid(at, "unexpected null")),
        }
    }

    fn call(&self, obj: &JsonMap<String, Json>, at: &str, depth: usize) -> Result<Expr, EndpointError> {
        let name = obj.get("fn").and_then(Json::as_str).ok_or_else(|| invalid(at, "`fn` must be a string"))?;
        let (func, signature) = Func::lookup(name).ok_or_else(|| invalid(at, format!("unknown function `{name}`")))?;
        let argv = match obj.get("argv") {
            Some(Json::Array(argv)) => argv,
            _ => return Err(invalid(at, format!("`{name}` needs an `argv` array"))),
        };
        if argv.len() != signature.len() {
            return Err(invalid(at, format!("`{name}` takes {} argument(s), found {}", signature.len(), argv.len())));
        }
        if func == Func::GetAttr {
            let (Some(target), Some(path)) = (argv.first(), argv.get(1)) else {
                return Err(invalid(at, "`getAttr` takes 2 arguments"));
            };
            let path = path.as_str().ok_or_else(|| invalid(at, "the `getAttr` path must be a string"))?;
            let path = parse_path(path).ok_or_else(|| invalid(at, format!("invalid `getAttr` path `{path}`")))?;
            let target = self.expr(target, &format!("{at}.argv[0]"), depth + 1)?;
            return Ok(Expr::GetAttr { target: Box::new(target), path });
        }
        let mut args = Vec::with_capacity(argv.len());
        for (i, (arg, ty)) in argv.iter().zip(signature).enumerate() {
            let arg_at = format!("{at}.argv[{i}]");
            let arg = self.expr(arg, &arg_at, depth + 1)?;
            if let Expr::Lit(value) = &arg {
                if !ty.accepts(value) {
                    return Err(invalid(
                        &arg_at,
                        format!("`{name}` expects {} here, found {}", ty.describe(), value.describe()),
                    ));
                }
            }
            args.push(arg);
        }
        Ok(Expr::Call { func, args })
    }

    /// A string literal: plain text, or a template with `{name}` and
    /// `{name#path}` placeholders and `{{` / `}}` escapes.
    fn template(&self, text: &str, at: &str) -> Result<Expr, EndpointError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(['{', '}']) {
            literal.push_str(&rest[..i]);
            let closing = rest[i..].starts_with('}');
            let after = &rest[i + 1..];
            if closing {
                match after.strip_prefix('}') {
                    Some(tail) => {
                        literal.push('}');
                        rest = tail;
                        continue;
                    }
                    None => return Err(invalid(at, format!("unmatched `}}` in template `{text}`"))),
                }
            }
            if let Some(tail) = after.strip_prefix('{') {
                literal.push('{');
                rest = tail;
                continue;
            }
            let end = after
                .find(['{', '}'])
                .filter(|&end| after[end..].starts_with('}'))
                .ok_or_else(|| invalid(at, format!("unclosed `{{` in template `{text}`")))?;
            let inner = &after[..end];
            let (name, path) = match inner.split_once('#') {
                Some((name, path)) => {
                    (name, parse_path(path).ok_or_else(|| invalid(at, format!("invalid path in `{{{inner}}}`")))?)
                }
                None => (inner, Vec::new()),
            };
            let slot =
                self.lookup(name).ok_or_else(|| invalid(at, format!("template refers to undefined name `{name}`")))?;
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(Part::Var { slot, path, text: inner.to_string() });
            rest = &after[end + 1..];
        }
        literal.push_str(rest);
        if parts.is_empty() {
            return Ok(Expr::Lit(Value::String(literal)));
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Expr::Template(parts))
    }
}

/// Parses a `getAttr` path: keys separated by `.`, optionally ending in an
/// index, e.g. `resourceId[0]` or `a.b`. An index may only end the path.
fn parse_path(text: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut pieces = text.split('.').peekable();
    while let Some(piece) = pieces.next() {
        match piece.split_once('[') {
            None if !piece.is_empty() => steps.push(Step::Key(piece.to_string())),
            None => return None,
            Some((key, index)) => {
                if pieces.peek().is_some() {
                    return None;
                }
                if !key.is_empty() {
                    steps.push(Step::Key(key.to_string()));
                }
                let digits = index.strip_suffix(']')?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                steps.push(Step::Index(digits.parse().ok()?));
            }
        }
    }
    Some(steps)
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

type Env = Vec<Option<Value>>;

impl RuleSet {
    /// Resolves the endpoint for `params`.
    ///
    /// Fails when a required parameter is missing or has the wrong type, when
    /// an `error` rule matches (the error's `Display` is then the rule's
    /// message), or when no rule matches.
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, EndpointError> {
        let mut env: Env = vec![None; self.slots];
        for (slot, param) in env.iter_mut().zip(&self.parameters) {
            let value = match params.get(&param.name) {
                Some(value) if param.kind.accepts(value) => Some(value.clone()),
                Some(value) => {
                    return Err(EndpointError::new(
                        EndpointErrorKind::InvalidParameter,
                        format!(
                            "endpoint parameter `{}` must be {}, found {}",
                            param.name,
                            param.kind.describe(),
                            value.describe()
                        ),
                    ))
                }
                None => param.default.clone(),
            };
            if value.is_none() && param.required {
                return Err(EndpointError::new(
                    EndpointErrorKind::MissingParameter,
                    format!("missing required endpoint parameter `{}`", param.name),
                ));
            }
            *slot = value;
        }
        for rule in &self.rules {
            if let Some(endpoint) = eval_rule(rule, &mut env)? {
                return Ok(endpoint);
            }
        }
        Err(EndpointError::new(EndpointErrorKind::NoMatch, "no endpoint rule matched the parameters"))
    }
}

/// `Ok(None)` when a condition fails; otherwise the rule's outcome.
fn eval_rule(rule: &Rule, env: &mut Env) -> Result<Option<Endpoint>, EndpointError> {
    for condition in &rule.conditions {
        let value = match eval(&condition.call, env)? {
            None | Some(Value::Bool(false)) => return Ok(None),
            Some(value) => value,
        };
        if let Some(slot) = condition.assign.and_then(|s| env.get_mut(s)) {
            *slot = Some(value);
        }
    }
    match &rule.body {
        Body::Endpoint(template) => build_endpoint(template, env).map(Some),
        Body::Error(message) => {
            let message = eval_string(message, env, "the error message")?;
            Err(EndpointError::new(EndpointErrorKind::Rule, message))
        }
        Body::Tree { rules, at } => {
            for rule in rules {
                if let Some(endpoint) = eval_rule(rule, env)? {
                    return Ok(Some(endpoint));
                }
            }
            Err(EndpointError::new(
                EndpointErrorKind::NoMatch,
                format!("no endpoint rule matched the parameters (every rule of the tree at `{at}` failed)"),
            ))
        }
    }
}

fn build_endpoint(template: &EndpointTemplate, env: &Env) -> Result<Endpoint, EndpointError> {
    let url = eval_string(&template.url, env, "the endpoint url")?;
    let mut headers = BTreeMap::new();
    for (name, exprs) in &template.headers {
        let values =
            exprs.iter().map(|e| eval_string(e, env, &format!("header `{name}`"))).collect::<Result<Vec<_>, _>>()?;
        headers.insert(name.clone(), values);
    }
    let mut properties = JsonMap::new();
    for (name, prop) in &template.properties {
        properties.insert(name.clone(), eval_prop(prop, env, name)?);
    }
    Ok(Endpoint { url, headers, properties })
}

fn eval_prop(prop: &Prop, env: &Env, name: &str) -> Result<Json, EndpointError> {
    Ok(match prop {
        Prop::Plain(json) => json.clone(),
        Prop::Str(expr) => match eval(expr, env)? {
            Some(value) => value.to_json(),
            None => return Err(evaluation(format!("endpoint property `{name}` refers to an unset value"))),
        },
        Prop::Array(items) => Json::Array(items.iter().map(|p| eval_prop(p, env, name)).collect::<Result<_, _>>()?),
        Prop::Object(fields) => Json::Object(
            fields
                .iter()
                .map(|(k, p)| Ok((k.clone(), eval_prop(p, env, name)?)))
                .collect::<Result<_, EndpointError>>()?,
        ),
    })
}

fn eval_string(expr: &Expr, env: &Env, what: &str) -> Result<String, EndpointError> {
    match eval(expr, env)? {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(evaluation(format!("{what} must be a string, found {}", other.describe()))),
        None => Err(evaluation(format!("{what} refers to an unset value"))),
    }
}

/// Evaluates an expression; `None` means "not set".
fn eval(expr: &Expr, env: &Env) -> Result<Option<Value>, EndpointError> {
    match expr {
        Expr::Lit(value) => Ok(Some(value.clone())),
        Expr::Ref { slot } => Ok(env.get(*slot).cloned().flatten()),
        Expr::Template(parts) => {
            // A template that is a single placeholder yields the value itself,
            // whatever its type; otherwise every placeholder must be a string.
            if let [Part::Var { slot, path, text }] = parts.as_slice() {
                return read_var(env, *slot, path, text);
            }
            let mut out = String::new();
            for part in parts {
                match part {
                    Part::Text(t) => out.push_str(t),
                    Part::Var { slot, path, text } => match read_var(env, *slot, path, text)? {
                        Some(Value::String(s)) => out.push_str(&s),
                        Some(other) => {
                            return Err(evaluation(format!(
                                "template placeholder `{{{text}}}` must be a string, found {}",
                                other.describe()
                            )))
                        }
                        None => return Err(evaluation(format!("template placeholder `{{{text}}}` is not set"))),
                    },
                }
            }
            Ok(Some(Value::String(out)))
        }
        Expr::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match eval(item, env)? {
                    Some(Value::String(s)) => out.push(s),
                    Some(other) => {
                        return Err(evaluation(format!("array elements must be strings, found {}", other.describe())))
                    }
                    None => return Ok(None),
                }
            }
            Ok(Some(Value::StringArray(out)))
        }
        Expr::GetAttr { target, path } => match eval(target, env)? {
            Some(value) => get_attr(&value, path),
            None => Ok(None),
        },
        Expr::Call { func, args } => {
            let mut values = Vec::with_capacity(args.len());
            for arg in args {
                values.push(eval(arg, env)?);
            }
            if *func == Func::IsSet {
                return Ok(Some(Value::Bool(matches!(values.as_slice(), [Some(_)]))));
            }
            let Some(values) = values.into_iter().collect::<Option<Vec<Value>>>() else {
                return Ok(None);
            };
            call(*func, &values)
        }
    }
}

fn read_var(env: &Env, slot: usize, path: &[Step], text: &str) -> Result<Option<Value>, EndpointError> {
    match env.get(slot).and_then(Option::as_ref) {
        None => Ok(None),
        Some(value) if path.is_empty() => Ok(Some(value.clone())),
        Some(value) => get_attr(value, path).map_err(|e| evaluation(format!("in `{{{text}}}`: {e}"))),
    }
}

fn get_attr(value: &Value, path: &[Step]) -> Result<Option<Value>, EndpointError> {
    let mut current = value;
    for step in path {
        match (step, current) {
            (Step::Key(key), Value::Object(fields)) => match fields.get(key) {
                Some(next) => current = next,
                None => return Ok(None),
            },
            // `parse_path` only allows an index at the end of a path.
            (Step::Index(i), Value::StringArray(items)) => return Ok(items.get(*i).map(|s| Value::String(s.clone()))),
            (Step::Key(key), other) => {
                return Err(evaluation(format!("`getAttr` cannot read `{key}` of {}", other.describe())))
            }
            (Step::Index(i), other) => {
                return Err(evaluation(format!("`getAttr` cannot index [{i}] into {}", other.describe())))
            }
        }
    }
    Ok(Some(current.clone()))
}

fn call(func: Func, args: &[Value]) -> Result<Option<Value>, EndpointError> {
    use Value::{Bool, Int, String as Str};
    for (i, (arg, ty)) in args.iter().zip(func.signature()).enumerate() {
        if !ty.accepts(arg) {
            return Err(evaluation(format!(
                "argument {} of `{}` must be {}, found {}",
                i + 1,
                func.name(),
                ty.describe(),
                arg.describe()
            )));
        }
    }
    Ok(match (func, args) {
        (Func::Not, [Bool(b)]) => Some(Bool(!b)),
        (Func::BooleanEquals, [Bool(a), Bool(b)]) => Some(Bool(a == b)),
        (Func::StringEquals, [Str(a), Str(b)]) => Some(Bool(a == b)),
        (Func::Substring, [Str(input), Int(start), Int(stop), Bool(reverse)]) => {
            substring(input, *start, *stop, *reverse).map(|s| Str(s.to_string()))
        }
        (Func::UriEncode, [Str(s)]) => Some(Str(uri_encode(s))),
        (Func::ParseUrl, [Str(s)]) => parse_url(s),
        (Func::IsValidHostLabel, [Str(s), Bool(sub)]) => Some(Bool(is_valid_host_label(s, *sub))),
        (Func::Partition, [Str(region)]) => Some(partition(region)),
        (Func::ParseArn, [Str(arn)]) => parse_arn(arn),
        (Func::IsVirtualHostableS3Bucket, [Str(s), Bool(sub)]) => Some(Bool(is_virtual_hostable_s3_bucket(s, *sub))),
        _ => return Err(evaluation(format!("`{}` called with the wrong arguments", func.name()))),
    })
}

// ---------------------------------------------------------------------------
// The standard library
// ---------------------------------------------------------------------------

/// Characters `start..stop` of an ASCII string, counted from the end when
/// `reverse` is set; "not set" when the range is empty, reversed or out of
/// bounds, or the input is not ASCII.
fn substring(input: &str, start: i64, stop: i64, reverse: bool) -> Option<&str> {
    let start = usize::try_from(start).ok()?;
    let stop = usize::try_from(stop).ok()?;
    if start >= stop || stop > input.len() || !input.is_ascii() {
        return None;
    }
    let (from, to) = if reverse { (input.len() - stop, input.len() - start) } else { (start, stop) };
    input.get(from..to)
}

/// Percent-encodes every byte except RFC 3986's unreserved characters, with
/// uppercase hex digits.
fn uri_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for b in input.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Splits an `http` or `https` URL into scheme, authority and path. Anything
/// else — another scheme, a query or fragment, an empty or malformed host,
/// a bad port, spaces or non-ASCII characters — gives "not set".
fn parse_url(input: &str) -> Option<Value> {
    if !input.bytes().all(|b| b.is_ascii_graphic()) || input.contains(['?', '#', '\\']) {
        return None;
    }
    let (scheme, rest) = input.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    // Userinfo is not part of the authority the rules see.
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (ip, after) = bracketed.split_once(']')?;
        ip.parse::<Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (None, port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(authority), None),
        }
    };
    if let Some(port) = port {
        if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if port.parse::<u32>().ok()? > 65535 {
            return None;
        }
    }
    let is_ip = match host {
        None => true,
        Some(host) => {
            if host.is_empty() || !host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')) {
                return None;
            }
            host.parse::<Ipv4Addr>().is_ok()
        }
    };
    let normalized = if path.ends_with('/') { path.to_string() } else { format!("{path}/") };
    Some(object([
        ("scheme", Value::String(scheme)),
        ("authority", Value::String(authority.to_string())),
        ("path", Value::String(path.to_string())),
        ("normalizedPath", Value::String(normalized)),
        ("isIp", Value::Bool(is_ip)),
    ]))
}

/// An RFC 1123 host label (letters, digits and `-`, not starting with `-`,
/// 1 to 63 characters); with `allow_sub_domains`, several joined by dots.
fn is_valid_host_label(value: &str, allow_sub_domains: bool) -> bool {
    if allow_sub_domains {
        return value.split('.').all(|label| is_valid_host_label(label, false));
    }
    let bytes = value.as_bytes();
    (1..=63).contains(&bytes.len()) && bytes[0] != b'-' && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// A bucket name usable as a host label for virtual-hosted S3 addressing:
/// 3 to 63 characters of lowercase letters, digits and `-`, starting and
/// ending with a letter or digit. With `allow_sub_domains`, dots may also
/// appear, but not next to each other or to a `-`, and the name must not
/// look like an IPv4 address.
fn is_virtual_hostable_s3_bucket(value: &str, allow_sub_domains: bool) -> bool {
    let b = value.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !(3..=63).contains(&b.len()) || !b.first().is_some_and(alnum) || !b.last().is_some_and(alnum) {
        return false;
    }
    if !allow_sub_domains {
        return b.iter().all(|c| alnum(c) || *c == b'-');
    }
    b.iter().all(|c| alnum(c) || *c == b'-' || *c == b'.')
        && !value.contains("..")
        && !value.contains(".-")
        && !value.contains("-.")
        && !looks_like_ipv4(value)
}

/// Four dot-separated runs of digits, like an IPv4 address.
fn looks_like_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Splits `arn:partition:service:region:account:resource`; the resource is
/// further split on `:` and `/`. Partition, service and resource must not be
/// empty.
fn parse_arn(input: &str) -> Option<Value> {
    let mut fields = input.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(resource)) =
        (fields.next(), fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return None;
    };
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(object([
        ("partition", Value::String(partition.to_string())),
        ("service", Value::String(service.to_string())),
        ("region", Value::String(region.to_string())),
        ("accountId", Value::String(account.to_string())),
        ("resourceId", Value::StringArray(resource.split([':', '/']).map(str::to_string).collect())),
    ]))
}

fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

// ---------------------------------------------------------------------------
// AWS partitions
// ---------------------------------------------------------------------------

/// One AWS partition, as AWS publishes it in `partitions.json`.
struct PartitionData {
    id: &'static str,
    region_regex: &'static str,
    regions: &'static [&'static str],
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
    supports_fips: bool,
    supports_dual_stack: bool,
    implicit_global_region: &'static str,
}

/// The AWS partitions (partitions.json version 1.1, as published in 2025).
/// The first is the fallback for regions no partition claims.
const PARTITIONS: &[PartitionData] = &[
    PartitionData {
        id: "aws",
        region_regex: r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-east-1",
    },
    PartitionData {
        id: "aws-cn",
        region_regex: r"^cn\-\w+\-\d+$",
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "cn-northwest-1",
    },
    PartitionData {
        id: "aws-us-gov",
        region_regex: r"^us\-gov\-\w+\-\d+$",
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-gov-west-1",
    },
    PartitionData {
        id: "aws-iso",
        region_regex: r"^us\-iso\-\w+\-\d+$",
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "c2s.ic.gov",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "us-iso-east-1",
    },
    PartitionData {
        id: "aws-iso-b",
        region_regex: r"^us\-isob\-\w+\-\d+$",
        regions: &["aws-iso-b-global", "us-isob-east-1"],
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "sc2s.sgov.gov",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "us-isob-east-1",
    },
    PartitionData {
        id: "aws-iso-e",
        region_regex: r"^eu\-isoe\-\w+\-\d+$",
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "cloud.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "eu-isoe-west-1",
    },
    PartitionData {
        id: "aws-iso-f",
        region_regex: r"^us\-isof\-\w+\-\d+$",
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "csp.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "us-isof-south-1",
    },
    PartitionData {
        id: "aws-eusc",
        region_regex: r"^eusc\-(de)\-\w+\-\d+$",
        regions: &["eusc-de-east-1"],
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "amazonaws.eu",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "eusc-de-east-1",
    },
];

/// The partition of `region`: the one listing it, else the first whose
/// region pattern matches it, else `aws`.
fn partition(region: &str) -> Value {
    let found = PARTITIONS
        .iter()
        .find(|p| p.regions.contains(&region))
        .or_else(|| PARTITIONS.iter().find(|p| regex_matches(p.region_regex, region)));
    let p = found.or(PARTITIONS.first());
    let Some(p) = p else {
        return Value::Object(BTreeMap::new());
    };
    object([
        ("name", Value::String(p.id.to_string())),
        ("dnsSuffix", Value::String(p.dns_suffix.to_string())),
        ("dualStackDnsSuffix", Value::String(p.dual_stack_dns_suffix.to_string())),
        ("supportsFIPS", Value::Bool(p.supports_fips)),
        ("supportsDualStack", Value::Bool(p.supports_dual_stack)),
        ("implicitGlobalRegion", Value::String(p.implicit_global_region.to_string())),
    ])
}

/// One element of the small regular-expression language the region patterns
/// use.
#[derive(Debug)]
enum Atom<'p> {
    /// One literal character.
    Char(char),
    /// `\w`: ASCII letter, digit or `_`.
    Word,
    /// `\d`: ASCII digit.
    Digit,
    /// `(a|b|c)`: one of several literal strings.
    Choice(Vec<&'p str>),
}

impl Atom<'_> {
    fn matches_char(&self, c: char) -> bool {
        match self {
            Atom::Char(x) => *x == c,
            Atom::Word => c.is_ascii_alphanumeric() || c == '_',
            Atom::Digit => c.is_ascii_digit(),
            Atom::Choice(_) => false,
        }
    }
}

/// Compiles a region pattern: `^...$` around literal characters, `\`-escapes
/// (`\w`, `\d`, or an escaped punctuation character), groups of literal
/// alternatives, and `+` after a single-character atom. Anything else is
/// unsupported (`None`).
fn compile_regex(pattern: &str) -> Option<Vec<(Atom<'_>, bool)>> {
    let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let mut atoms: Vec<(Atom<'_>, bool)> = Vec::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let atom = match chars.next()?.1 {
                    'w' => Atom::Word,
                    'd' => Atom::Digit,
                    e if e.is_ascii_punctuation() => Atom::Char(e),
                    _ => return None,
                };
                atoms.push((atom, false));
            }
            '(' => {
                let group = &body[i + 1..];
                let end = group.find(')')?;
                let alternatives: Vec<&str> = group[..end].split('|').collect();
                if alternatives.iter().any(|a| a.is_empty() || !a.chars().all(|c| c.is_ascii_alphanumeric())) {
                    return None;
                }
                atoms.push((Atom::Choice(alternatives), false));
                for _ in 0..=end {
                    chars.next();
                }
            }
            '+' => match atoms.last_mut() {
                Some((atom, repeat)) if !*repeat && !matches!(atom, Atom::Choice(_)) => *repeat = true,
                _ => return None,
            },
            c if c.is_ascii_alphanumeric() || c == '-' => atoms.push((Atom::Char(c), false)),
            _ => return None,
        }
    }
    Some(atoms)
}

/// Whether `input` matches a region pattern (see [`compile_regex`]); an
/// unsupported pattern matches nothing.
fn regex_matches(pattern: &str, input: &str) -> bool {
    compile_regex(pattern).is_some_and(|atoms| match_atoms(&atoms, input))
}

/// Backtracking match of a whole input. Recursion depth is bounded by the
/// number of atoms, not by the input's length.
fn match_atoms(atoms: &[(Atom<'_>, bool)], input: &str) -> bool {
    let Some(((atom, repeat), rest)) = atoms.split_first() else {
        return input.is_empty();
    };
    if let Atom::Choice(alternatives) = atom {
        return alternatives.iter().any(|alt| input.strip_prefix(alt).is_some_and(|tail| match_atoms(rest, tail)));
    }
    if !*repeat {
        let mut chars = input.chars();
        return chars.next().is_some_and(|c| atom.matches_char(c)) && match_atoms(rest, chars.as_str());
    }
    // Greedy `+`: take the longest run, then give characters back.
    let run: usize = input.chars().take_while(|&c| atom.matches_char(c)).map(char::len_utf8).sum();
    let mut end = run;
    while end > 0 {
        if input.get(end..).is_some_and(|tail| match_atoms(rest, tail)) {
            return true;
        }
        end -= input.get(..end).and_then(|s| s.chars().next_back()).map_or(1, char::len_utf8);
    }
    false
}

/// Checks behind the generated `endpoint_tests` modules (one test per case of
/// a model's `smithy.rules#endpointTests`), written once here.
#[doc(hidden)]
pub mod test_support {
    use super::{Endpoint, EndpointError, Params, RuleSet};

    /// Resolve `params` with the rule set `rules` (the model's JSON).
    pub fn resolve(rules: Option<&str>, params: Params) -> Result<Endpoint, EndpointError> {
        let rules = rules.expect("the service has endpoint rules");
        RuleSet::from_json(rules).expect("the model's rule set is valid").resolve(&params)
    }

    /// The case expects this URL, these headers and these properties (JSON).
    pub fn expect_endpoint(got: Result<Endpoint, EndpointError>, url: &str, headers: &[(&str, &[&str])], properties: &str) {
        let got = got.unwrap_or_else(|e| panic!("expected {url}, got the error: {e}"));
        assert_eq!(got.url, url);
        let want: std::collections::BTreeMap<String, Vec<String>> =
            headers.iter().map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect())).collect();
        assert_eq!(got.headers, want);
        let want: serde_json::Value = serde_json::from_str(properties).expect("properties are JSON");
        assert_eq!(serde_json::Value::Object(got.properties), want);
    }

    /// The case expects the rules to fail with exactly this message.
    pub fn expect_error(got: Result<Endpoint, EndpointError>, message: &str) {
        match got {
            Ok(e) => panic!("expected the error {message:?}, got {}", e.url),
            Err(e) => assert_eq!(e.to_string(), message),
        }
    }
}
