//! Tokens → the syntax tree of one IDL file. Shape ids stay as written
//! (relative or absolute): `to_ast` resolves them once every file of the load
//! is parsed. Follows the grammar of the Smithy IDL 2.0 (and 1.0) as the
//! reference loader reads it: where line breaks are required, where
//! documentation comments count and where they are ignored.

use std::collections::HashSet;

use super::lexer::{tokenize, Pos, Tok, Token};
use super::quote;

/// How deep node values, lists and objects may nest.
pub const MAX_NESTING: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

/// A shape id as written, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub text: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Str(String),
    Num(serde_json::Number),
    Bool(bool),
    Null,
    /// An unquoted shape id (a syntactic shape id), resolved later.
    Ident(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TraitValue {
    /// `@trait` or `@trait()`.
    Annotation,
    Value(Node),
    /// A `///` documentation comment.
    Doc(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TraitApp {
    pub name: Ref,
    pub value: TraitValue,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberDef {
    pub name: String,
    pub pos: Pos,
    /// `None` when elided (`$name`).
    pub target: Option<Ref>,
    /// `= value` (a default, or an enum member's value).
    pub value: Option<Node>,
    pub traits: Vec<TraitApp>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum IoRef {
    Target(Ref),
    Inline(Box<ShapeDef>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    None,
    Members(Vec<MemberDef>),
    /// A service's or resource's properties (an object node).
    Properties(Node),
    Operation { input: Option<IoRef>, output: Option<IoRef>, errors: Option<Vec<Ref>> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShapeDef {
    /// The shape type keyword (`structure`, `set`, `intEnum`, ...).
    pub kind: String,
    pub name: String,
    pub pos: Pos,
    pub traits: Vec<TraitApp>,
    pub mixins: Vec<Ref>,
    pub for_resource: Option<Ref>,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApplyDef {
    pub target: Ref,
    pub traits: Vec<TraitApp>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    Shape(ShapeDef),
    Apply(ApplyDef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub version: Version,
    pub metadata: Vec<(String, Node)>,
    pub namespace: Option<String>,
    /// `use` statements: absolute ids.
    pub uses: Vec<Ref>,
    pub statements: Vec<Statement>,
    /// Shapes whose statements have syntax errors: their names still
    /// resolve, so one mistake is not reported again at every use.
    pub broken: Vec<String>,
}

/// A syntax error: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

type PResult<T> = Result<T, SyntaxError>;

/// Parse one file. Returns what could be parsed and every syntax error (after
/// an error, parsing resumes at the next line that starts a statement).
pub fn parse(text: &str) -> (File, Vec<SyntaxError>) {
    let tokens = tokenize(text);
    let mut p = Parser {
        tokens,
        i: 0,
        text,
        docs: Vec::new(),
        depth: 0,
        errors: Vec::new(),
        version: Version::V1,
        input_suffix: "Input".into(),
        output_suffix: "Output".into(),
        naming: None,
    };
    let file = p.file();
    (file, p.errors)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    i: usize,
    text: &'a str,
    /// Documentation comment lines seen and not yet used or dropped.
    docs: Vec<String>,
    depth: usize,
    errors: Vec<SyntaxError>,
    version: Version,
    /// `$operationInputSuffix`, `$operationOutputSuffix`.
    input_suffix: String,
    output_suffix: String,
    /// The shape the statement being parsed defines, once its name is read.
    naming: Option<String>,
}

/// How a token reads in an error message.
fn describe(t: &Token, text: &str) -> String {
    match &t.tok {
        Tok::Eof => "the end of the file".into(),
        Tok::Newline => "a line break".into(),
        Tok::Space => "a space".into(),
        Tok::Comment => "a comment".into(),
        Tok::DocComment(_) => "a documentation comment".into(),
        Tok::Str(s) => format!("string \"{}\"", quote(s)),
        Tok::TextBlock(_) => "a text block".into(),
        Tok::Number(n) => format!("number `{}`", quote(&n.to_string())),
        Tok::Error(e) => format!("an error ({e})"),
        _ => format!("`{}`", quote(text.get(t.start..t.end).unwrap_or(""))),
    }
}

impl Parser<'_> {
    fn tok(&self) -> &Tok {
        self.tokens.get(self.i).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn token(&self) -> Token {
        self.tokens.get(self.i).cloned().unwrap_or(Token { tok: Tok::Eof, start: 0, end: 0, pos: Pos::default() })
    }

    fn pos(&self) -> Pos {
        self.tokens.get(self.i).map_or_else(Pos::default, |t| t.pos)
    }

    fn lexeme(&self) -> &str {
        self.tokens.get(self.i).and_then(|t| self.text.get(t.start..t.end)).unwrap_or("")
    }

    fn at_eof(&self) -> bool {
        matches!(self.tok(), Tok::Eof)
    }

    fn next(&mut self) {
        if self.i + 1 < self.tokens.len() {
            self.i += 1;
        }
        if let Tok::DocComment(d) = self.tok() {
            let d = d.clone();
            self.docs.push(d);
        }
    }

    fn err<T>(&self, expected: &str) -> PResult<T> {
        let t = self.token();
        let found = describe(&t, self.text);
        let message = match &t.tok {
            Tok::Error(e) => format!("{e} (expected {expected})"),
            _ => format!("expected {expected}, found {found}"),
        };
        Err(SyntaxError { pos: t.pos, message })
    }

    fn fail<T>(&self, message: impl Into<String>) -> PResult<T> {
        Err(SyntaxError { pos: self.pos(), message: message.into() })
    }

    fn expect(&mut self, tok: &Tok, expected: &str) -> PResult<()> {
        if self.tok() == tok {
            self.next();
            Ok(())
        } else {
            self.err(expected)
        }
    }

    fn is_ident(&self, word: &str) -> bool {
        matches!(self.tok(), Tok::Ident) && self.lexeme() == word
    }

    fn skip_spaces(&mut self) {
        while matches!(self.tok(), Tok::Space) {
            self.next();
        }
    }

    fn skip_ws(&mut self) {
        while self.tok().is_ws() {
            self.next();
        }
    }

    fn skip_ws_and_docs(&mut self) {
        while self.tok().is_ws() || matches!(self.tok(), Tok::DocComment(_)) {
            self.next();
        }
    }

    fn expect_spaces(&mut self, expected: &str) -> PResult<()> {
        if !matches!(self.tok(), Tok::Space) {
            return self.err(expected);
        }
        self.skip_spaces();
        Ok(())
    }

    fn expect_ws(&mut self, expected: &str) -> PResult<()> {
        if !self.tok().is_ws() {
            return self.err(expected);
        }
        self.skip_ws_and_docs();
        Ok(())
    }

    /// A line break (or the end of the file) must follow.
    fn expect_br(&mut self, after: &str) -> PResult<()> {
        self.skip_spaces();
        self.docs.clear();
        match self.tok() {
            Tok::Newline | Tok::Comment | Tok::DocComment(_) => {
                self.next();
                self.skip_ws();
                Ok(())
            }
            Tok::Eof => Ok(()),
            _ => self.err(&format!("a line break after {after}")),
        }
    }

    fn take_docs(&mut self) -> Option<String> {
        if self.docs.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.docs).join("\n"))
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return self.fail(format!("values nest deeper than {MAX_NESTING} levels"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn ident(&mut self, expected: &str) -> PResult<String> {
        if !matches!(self.tok(), Tok::Ident) {
            return self.err(expected);
        }
        let s = self.lexeme().to_string();
        self.next();
        Ok(s)
    }

    /// `a.b.c` (no spaces inside).
    fn namespace_text(&mut self, expected: &str) -> PResult<String> {
        let mut s = self.ident(expected)?;
        while matches!(self.tok(), Tok::Dot) {
            self.next();
            s.push('.');
            s.push_str(&self.ident("an identifier after `.` in a namespace")?);
        }
        Ok(s)
    }

    /// A relative or absolute shape id, with an optional `$member`.
    fn shape_id(&mut self, expected: &str) -> PResult<Ref> {
        let pos = self.pos();
        let mut text = self.namespace_text(expected)?;
        if matches!(self.tok(), Tok::Pound) {
            self.next();
            text.push('#');
            text.push_str(&self.ident("a shape name after `#`")?);
        } else if text.contains('.') {
            return self.err("`#` and a shape name after the namespace");
        }
        if matches!(self.tok(), Tok::Dollar) {
            self.next();
            text.push('$');
            text.push_str(&self.ident("a member name after `$`")?);
        }
        Ok(Ref { text, pos })
    }

    fn file(&mut self) -> File {
        let mut file = File {
            version: Version::V1,
            metadata: Vec::new(),
            namespace: None,
            uses: Vec::new(),
            statements: Vec::new(),
            broken: Vec::new(),
        };
        if let Tok::DocComment(d) = self.tok() {
            let d = d.clone();
            self.docs.push(d);
        }
        self.skip_ws_and_docs();
        let starts_like_json = matches!(self.tok(), Tok::LBrace);
        if let Err(e) = self.control_section() {
            self.errors.push(e);
            return file;
        }
        file.version = self.version;
        self.skip_ws_and_docs();
        while self.is_ident("metadata") {
            match self.metadata() {
                Ok(m) => file.metadata.push(m),
                Err(e) => {
                    self.errors.push(e);
                    self.recover();
                }
            }
        }
        if self.at_eof() {
            return file;
        }
        if starts_like_json {
            let e = self.fail::<()>("a `.smithy` file holds Smithy IDL, and this one starts like a JSON AST document: name it `.json`").unwrap_err();
            self.errors.push(e);
            return file;
        }
        if !self.is_ident("namespace") {
            let e = self.err::<()>("a `namespace` statement").unwrap_err();
            self.errors.push(e);
            return file;
        }
        self.next();
        let ns = self.expect_spaces("a space after `namespace`").and_then(|()| self.namespace_text("a namespace"));
        let ns = match ns.and_then(|ns| self.expect_br("the namespace").map(|()| ns)) {
            Ok(ns) => ns,
            Err(e) => {
                self.errors.push(e);
                return file;
            }
        };
        file.namespace = Some(ns);
        // Documentation comments before `use` statements go to the first
        // shape when there is no `use` statement.
        self.skip_ws_and_docs();
        while self.is_ident("use") {
            self.docs.clear();
            match self.use_statement() {
                Ok(r) => file.uses.push(r),
                Err(e) => {
                    self.errors.push(e);
                    self.recover();
                }
            }
        }
        let mut first = true;
        while !self.at_eof() {
            self.naming = None;
            self.depth = 0;
            let statement = self.statement(first);
            first = false;
            match statement {
                Ok(Some(s)) => file.statements.push(s),
                Ok(None) => {}
                Err(e) => {
                    self.errors.push(e);
                    file.broken.extend(self.naming.take());
                    self.recover();
                }
            }
        }
        file
    }

    /// Skip to the next line that starts with an identifier, `@`, `$` or a
    /// documentation comment.
    fn recover(&mut self) {
        // An error leaves `enter()`s without their `leave()`: the next
        // statement starts at no depth.
        self.depth = 0;
        self.docs.clear();
        loop {
            if self.at_eof() {
                return;
            }
            self.next();
            let t = self.token();
            if t.pos.col == 1 && matches!(t.tok, Tok::Ident | Tok::At | Tok::Dollar | Tok::DocComment(_)) {
                self.docs.clear();
                if let Tok::DocComment(d) = t.tok {
                    self.docs.push(d);
                }
                return;
            }
        }
    }

    fn control_section(&mut self) -> PResult<()> {
        let mut seen = Vec::new();
        while matches!(self.tok(), Tok::Dollar) {
            self.next();
            let key = match self.tok().clone() {
                Tok::Ident => self.lexeme().to_string(),
                Tok::Str(s) => s,
                _ => return self.err("a control statement name after `$`"),
            };
            self.next();
            self.skip_spaces();
            self.expect(&Tok::Colon, &format!("`:` after `${}`", quote(&key)))?;
            self.skip_spaces();
            if seen.contains(&key) {
                return self.fail(format!("duplicate control statement `${}`", quote(&key)));
            }
            let pos = self.pos();
            let value = self.node()?;
            match key.as_str() {
                "version" => match &value.kind {
                    NodeKind::Str(v) if v == "2" || v == "2.0" => self.version = Version::V2,
                    NodeKind::Str(v) if v == "1" || v == "1.0" => self.version = Version::V1,
                    NodeKind::Str(v) => {
                        return Err(SyntaxError { pos, message: format!("unsupported Smithy IDL version \"{}\": expected \"2.0\" (or \"1.0\")", quote(v)) })
                    }
                    _ => return Err(SyntaxError { pos, message: "`$version` must be a string, e.g. `$version: \"2.0\"`".into() }),
                },
                "operationInputSuffix" | "operationOutputSuffix" => match &value.kind {
                    NodeKind::Str(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                        if key == "operationInputSuffix" {
                            self.input_suffix = s.clone();
                        } else {
                            self.output_suffix = s.clone();
                        }
                    }
                    _ => return Err(SyntaxError { pos, message: format!("`${}` must be a string of identifier characters", quote(&key)) }),
                },
                // The reference warns about unknown control statements and
                // goes on.
                _ => {}
            }
            seen.push(key);
            self.expect_br("a control statement")?;
        }
        Ok(())
    }

    fn metadata(&mut self) -> PResult<(String, Node)> {
        self.next();
        self.expect_spaces("a space after `metadata`")?;
        let key = match self.tok().clone() {
            Tok::Ident => self.lexeme().to_string(),
            Tok::Str(s) => s,
            _ => return self.err("a metadata key (an identifier or a string)"),
        };
        self.next();
        self.skip_spaces();
        self.expect(&Tok::Equal, &format!("`=` after metadata key `{}`", quote(&key)))?;
        self.skip_spaces();
        let value = self.node()?;
        self.expect_br("a metadata statement")?;
        self.skip_ws_and_docs();
        Ok((key, value))
    }

    fn use_statement(&mut self) -> PResult<Ref> {
        self.next();
        self.expect_spaces("a space after `use`")?;
        let pos = self.pos();
        let mut text = self.namespace_text("an absolute shape id after `use`")?;
        self.expect(&Tok::Pound, "`#` after the namespace of a `use` statement")?;
        text.push('#');
        text.push_str(&self.ident("a shape name after `#`")?);
        if matches!(self.tok(), Tok::Dollar) {
            return self.fail(format!("`use {text}$...`: use statements cannot use members"));
        }
        self.expect_br("a use statement")?;
        self.skip_ws_and_docs();
        Ok(Ref { text, pos })
    }

    /// Documentation comments and traits before a shape or member.
    fn docs_and_traits(&mut self, member: bool) -> PResult<Vec<TraitApp>> {
        self.skip_ws();
        let doc_pos = self.pos();
        let doc_here = matches!(self.tok(), Tok::DocComment(_));
        self.skip_ws_and_docs();
        let doc = if doc_here { self.take_docs() } else { None };
        let mut traits = self.traits()?;
        if let Some(d) = doc {
            traits.push(TraitApp { name: Ref { text: "smithy.api#documentation".into(), pos: doc_pos }, value: TraitValue::Doc(d) });
        }
        self.skip_ws_and_docs();
        if member {
            self.docs.clear();
        }
        Ok(traits)
    }

    fn traits(&mut self) -> PResult<Vec<TraitApp>> {
        let mut out = Vec::new();
        while matches!(self.tok(), Tok::At) {
            out.push(self.trait_app()?);
            self.skip_ws_and_docs();
        }
        Ok(out)
    }

    fn trait_app(&mut self) -> PResult<TraitApp> {
        self.expect(&Tok::At, "`@`")?;
        let name = self.shape_id("a trait name after `@`")?;
        if !matches!(self.tok(), Tok::LParen) {
            return Ok(TraitApp { name, value: TraitValue::Annotation });
        }
        self.next();
        self.skip_ws_and_docs();
        if matches!(self.tok(), Tok::RParen) {
            self.next();
            return Ok(TraitApp { name, value: TraitValue::Annotation });
        }
        let pos = self.pos();
        let value = match self.tok().clone() {
            Tok::LBrace | Tok::LBracket | Tok::TextBlock(_) | Tok::Number(_) => self.node()?,
            Tok::Str(s) => {
                self.next();
                self.skip_ws_and_docs();
                if matches!(self.tok(), Tok::Colon) {
                    self.next();
                    self.skip_ws_and_docs();
                    self.structured_trait(s, pos)?
                } else {
                    Node { kind: NodeKind::Str(s), pos }
                }
            }
            Tok::Ident => {
                let id = self.shape_id("a value")?;
                self.skip_ws_and_docs();
                if matches!(self.tok(), Tok::RParen) || id.text.contains(['.', '#', '$']) {
                    keyword_or_ident(id.text, pos)
                } else {
                    self.expect(&Tok::Colon, &format!("`:` after `{}` or `)` to close trait `{}`", id.text, name.text))?;
                    self.skip_ws_and_docs();
                    self.structured_trait(id.text, pos)?
                }
            }
            _ => return self.err(&format!("a value for trait `{}`", name.text)),
        };
        self.skip_ws_and_docs();
        self.expect(&Tok::RParen, &format!("`)` to close trait `{}`", name.text))?;
        Ok(TraitApp { name, value: TraitValue::Value(value) })
    }

    /// `@trait(key: value, ...)` after the first key and its colon.
    fn structured_trait(&mut self, first: String, pos: Pos) -> PResult<Node> {
        self.enter()?;
        let value = self.node()?;
        let entries = self.entries(Some((first, value)), &Tok::RParen, "`)` to close the trait", "the trait's value")?;
        self.leave();
        Ok(Node { kind: NodeKind::Object(entries), pos })
    }

    /// `key: value` entries up to `close` (not consumed), after `first`.
    /// Keys are checked for duplicates in a set: a hostile file of many keys
    /// costs linear time.
    fn entries(&mut self, first: Option<(String, Node)>, close: &Tok, to_close: &str, within: &str) -> PResult<Vec<(String, Node)>> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        let mut keys: HashSet<String> = HashSet::new();
        if let Some((k, v)) = first {
            keys.insert(k.clone());
            entries.push((k, v));
        }
        self.skip_ws_and_docs();
        while self.tok() != close {
            let key_pos = self.pos();
            let key = match self.tok().clone() {
                Tok::Ident => self.lexeme().to_string(),
                Tok::Str(s) => s,
                _ => return self.err(&format!("a key or {to_close}")),
            };
            self.next();
            self.skip_ws_and_docs();
            self.expect(&Tok::Colon, &format!("`:` after key `{}`", quote(&key)))?;
            self.skip_ws_and_docs();
            let value = self.node()?;
            if !keys.insert(key.clone()) {
                return Err(SyntaxError { pos: key_pos, message: format!("duplicate key `{}` in {within}", quote(&key)) });
            }
            entries.push((key, value));
            self.skip_ws_and_docs();
        }
        Ok(entries)
    }

    /// A node value: string, text block, number, keyword, shape id, list or
    /// object.
    fn node(&mut self) -> PResult<Node> {
        let pos = self.pos();
        match self.tok().clone() {
            Tok::Str(s) | Tok::TextBlock(s) => {
                self.next();
                Ok(Node { kind: NodeKind::Str(s), pos })
            }
            Tok::Number(n) => {
                self.next();
                Ok(Node { kind: NodeKind::Num(n), pos })
            }
            Tok::Ident => {
                let id = self.shape_id("a value")?;
                Ok(keyword_or_ident(id.text, pos))
            }
            Tok::LBracket => {
                self.enter()?;
                self.next();
                self.skip_ws_and_docs();
                let mut items = Vec::new();
                while !matches!(self.tok(), Tok::RBracket) {
                    if self.at_eof() {
                        return self.err("`]` to close the list");
                    }
                    items.push(self.node()?);
                    self.skip_ws_and_docs();
                }
                self.next();
                self.leave();
                Ok(Node { kind: NodeKind::Array(items), pos })
            }
            Tok::LBrace => {
                self.enter()?;
                self.next();
                let entries = self.entries(None, &Tok::RBrace, "`}` to close the object", "an object")?;
                self.next();
                self.leave();
                Ok(Node { kind: NodeKind::Object(entries), pos })
            }
            _ => self.err("a value (string, text block, number, `true`, `false`, `null`, shape id, `[` or `{`)"),
        }
    }

    /// A shape or `apply` statement (`None`: only a dangling documentation
    /// comment was left at the end of the file).
    fn statement(&mut self, first: bool) -> PResult<Option<Statement>> {
        let has_doc = matches!(self.tok(), Tok::DocComment(_)) || (first && !self.docs.is_empty());
        let traits = if first {
            // The documentation before the first shape may come before
            // the `use` statements' place, as the reference reads it.
            let doc_pos = self.pos();
            self.skip_ws_and_docs();
            let doc = self.take_docs();
            let mut traits = self.docs_and_traits(false)?;
            if let Some(d) = doc {
                traits.push(TraitApp { name: Ref { text: "smithy.api#documentation".into(), pos: doc_pos }, value: TraitValue::Doc(d) });
            }
            traits
        } else {
            self.docs_and_traits(false)?
        };
        if self.at_eof() {
            if traits.is_empty() || (has_doc && traits.len() == 1 && matches!(traits[0].value, TraitValue::Doc(_))) {
                return Ok(None);
            }
            return self.err("a shape after its traits");
        }
        if self.is_ident("apply") {
            if traits.iter().any(|t| !matches!(t.value, TraitValue::Doc(_))) {
                return self.fail("traits cannot be applied to an `apply` statement");
            }
            return self.apply().map(|a| Some(Statement::Apply(a)));
        }
        let shape = self.shape(traits)?;
        self.expect_br(&format!("{} `{}`", shape.kind, shape.name))?;
        Ok(Some(Statement::Shape(shape)))
    }

    fn apply(&mut self) -> PResult<ApplyDef> {
        self.next();
        self.expect_ws("a space after `apply`")?;
        let target = self.shape_id("the shape id `apply` targets")?;
        self.expect_ws(&format!("a space after `apply {}`", target.text))?;
        let traits = match self.tok() {
            Tok::At => vec![self.trait_app()?],
            Tok::LBrace => {
                self.next();
                self.skip_ws_and_docs();
                let t = self.traits()?;
                self.skip_ws_and_docs();
                self.expect(&Tok::RBrace, &format!("`}}` to close `apply {}`", target.text))?;
                t
            }
            _ => return self.err(&format!("a trait or `{{` after `apply {}`", target.text)),
        };
        self.docs.clear();
        self.expect_br("an apply statement")?;
        Ok(ApplyDef { target, traits })
    }

    fn shape(&mut self, traits: Vec<TraitApp>) -> PResult<ShapeDef> {
        let pos = self.pos();
        let kind = self.ident("a shape statement (`structure`, `string`, `operation`, `apply`, ...)")?;
        const SIMPLE: &[&str] = &[
            "blob", "boolean", "string", "byte", "short", "integer", "long", "float", "double", "bigInteger", "bigDecimal",
            "timestamp", "document",
        ];
        const AGGREGATE: &[&str] = &["list", "set", "map", "structure", "union"];
        let known = SIMPLE.contains(&kind.as_str())
            || AGGREGATE.contains(&kind.as_str())
            || matches!(kind.as_str(), "enum" | "intEnum" | "service" | "resource" | "operation");
        if kind == "metadata" {
            return Err(SyntaxError { pos, message: "`metadata` statements come before the `namespace` statement".into() });
        }
        if kind == "namespace" {
            return Err(SyntaxError { pos, message: "a file has one `namespace` statement".into() });
        }
        if kind == "use" {
            return Err(SyntaxError { pos, message: "`use` statements come right after the `namespace` statement, before any shape".into() });
        }
        if !known {
            return Err(SyntaxError {
                pos,
                message: format!(
                    "unknown shape type `{}`: expected one of apply, blob, boolean, string, byte, short, integer, long, float, double, bigInteger, bigDecimal, timestamp, document, enum, intEnum, list, set, map, structure, union, service, operation, resource",
                    quote(&kind)
                ),
            });
        }
        if self.version == Version::V2 && kind == "set" {
            return Err(SyntaxError { pos, message: "`set` is not a shape type of IDL 2.0: use a `list` with `@uniqueItems`".into() });
        }
        if self.version == Version::V1 && matches!(kind.as_str(), "enum" | "intEnum") {
            return Err(SyntaxError { pos, message: format!("`{kind}` shapes need `$version: \"2.0\"`") });
        }
        self.expect_spaces(&format!("a space after `{kind}`"))?;
        let name = self.ident(&format!("the name of the {kind}"))?;
        self.naming = Some(name.clone());
        let mut shape = ShapeDef { kind: kind.clone(), name, pos, traits, mixins: Vec::new(), for_resource: None, body: Body::None };
        match kind.as_str() {
            k if SIMPLE.contains(&k) => self.mixins(&mut shape)?,
            k if AGGREGATE.contains(&k) => self.aggregate(&mut shape)?,
            "enum" | "intEnum" => {
                self.mixins(&mut shape)?;
                shape.body = Body::Members(self.member_list(&shape, true)?);
            }
            "service" | "resource" => {
                self.mixins(&mut shape)?;
                self.skip_ws_and_docs();
                if !matches!(self.tok(), Tok::LBrace) {
                    return self.err(&format!("`{{` to open {kind} `{}`", shape.name));
                }
                shape.body = Body::Properties(self.node()?);
            }
            _ => {
                self.mixins(&mut shape)?;
                shape.body = self.operation_body(&shape.name)?;
            }
        }
        Ok(shape)
    }

    fn aggregate(&mut self, shape: &mut ShapeDef) -> PResult<()> {
        self.skip_spaces();
        if self.is_ident("for") {
            if self.version == Version::V1 {
                return self.fail("binding a structure to a resource (`for`) needs `$version: \"2.0\"`");
            }
            self.next();
            self.expect_spaces("a space after `for`")?;
            shape.for_resource = Some(self.shape_id("the resource after `for`")?);
        }
        self.mixins(shape)?;
        shape.body = Body::Members(self.member_list(shape, false)?);
        Ok(())
    }

    fn mixins(&mut self, shape: &mut ShapeDef) -> PResult<()> {
        self.skip_spaces();
        if !self.is_ident("with") {
            return Ok(());
        }
        if self.version == Version::V1 {
            return self.fail("mixins (`with [...]`) need `$version: \"2.0\"`");
        }
        self.next();
        self.skip_ws_and_docs();
        self.expect(&Tok::LBracket, &format!("`[` after `with` in {} `{}`", shape.kind, shape.name))?;
        self.skip_ws_and_docs();
        loop {
            shape.mixins.push(self.shape_id("a mixin's shape id")?);
            self.skip_ws_and_docs();
            if matches!(self.tok(), Tok::RBracket) {
                self.next();
                return Ok(());
            }
        }
    }

    fn open_brace(&mut self, shape: &ShapeDef) -> PResult<()> {
        self.skip_ws_and_docs();
        self.docs.clear();
        self.expect(&Tok::LBrace, &format!("`{{` to open {} `{}`", shape.kind, shape.name))?;
        self.skip_ws();
        Ok(())
    }

    /// The `{ ... }` of members of an aggregate shape (`name: Target`,
    /// `$name`, `= default`) or of an enum (`NAME`, `= value`).
    fn member_list(&mut self, shape: &ShapeDef, is_enum: bool) -> PResult<Vec<MemberDef>> {
        self.open_brace(shape)?;
        let what = if is_enum { "an enum member" } else { "a member" };
        let mut members: Vec<MemberDef> = Vec::new();
        let mut names: HashSet<String> = HashSet::new();
        loop {
            if matches!(self.tok(), Tok::RBrace) {
                self.next();
                return Ok(members);
            }
            if self.at_eof() {
                return self.err(&format!("`}}` to close {} `{}`", shape.kind, shape.name));
            }
            let traits = self.docs_and_traits(true)?;
            if matches!(self.tok(), Tok::RBrace) {
                if traits.iter().all(|t| matches!(t.value, TraitValue::Doc(_))) {
                    continue;
                }
                return self.err(&format!("{what} after its traits"));
            }
            let pos = self.pos();
            let elided = !is_enum && matches!(self.tok(), Tok::Dollar);
            if elided {
                if self.version == Version::V1 {
                    return self.fail("eliding a member's target (`$name`) needs `$version: \"2.0\"`");
                }
                self.next();
            }
            let name = match self.tok() {
                Tok::Ident => self.ident("")?,
                _ => return self.err(&format!("{what} name or `}}` to close {} `{}`", shape.kind, shape.name)),
            };
            if !names.insert(name.clone()) {
                return Err(SyntaxError { pos, message: format!("member `{name}` is defined twice in `{}`", shape.name) });
            }
            let mut member = MemberDef { name, pos, target: None, value: None, traits };
            if !is_enum && !elided {
                self.skip_spaces();
                self.expect(&Tok::Colon, &format!("`:` after member `{}`", member.name))?;
                self.skip_spaces();
                member.target = Some(self.shape_id(&format!("the target of member `{}`", member.name))?);
            }
            self.skip_spaces();
            if matches!(self.tok(), Tok::Equal) {
                if !is_enum && self.version == Version::V1 {
                    return self.fail("a default value (`= value`) needs `$version: \"2.0\"`");
                }
                self.next();
                self.skip_spaces();
                member.value = Some(self.node()?);
                self.skip_spaces();
                if matches!(self.tok(), Tok::Comma) {
                    self.next();
                }
                let after = if is_enum { "the value of enum member" } else { "the default of member" };
                self.expect_br(&format!("{after} `{}`", member.name))?;
            }
            members.push(member);
            self.skip_ws();
        }
    }

    fn operation_body(&mut self, op: &str) -> PResult<Body> {
        self.skip_ws_and_docs();
        self.expect(&Tok::LBrace, &format!("`{{` to open operation `{op}`"))?;
        self.skip_ws_and_docs();
        let (mut input, mut output, mut errors) = (None, None, None);
        while !matches!(self.tok(), Tok::RBrace) {
            let pos = self.pos();
            let key = self.ident(&format!("`input`, `output`, `errors` or `}}` to close operation `{op}`"))?;
            self.skip_ws_and_docs();
            let dup = match key.as_str() {
                "input" | "output" => {
                    let walrus = match self.tok() {
                        Tok::Colon => false,
                        Tok::Walrus => true,
                        _ => return self.err(&format!("`:` or `:=` after `{key}`")),
                    };
                    self.next();
                    let io = if walrus {
                        if self.version == Version::V1 {
                            return self.fail("inline input and output (`:=`) need `$version: \"2.0\"`");
                        }
                        self.docs.clear();
                        self.skip_ws();
                        let suffix = if key == "input" { self.input_suffix.clone() } else { self.output_suffix.clone() };
                        let mut traits = self.docs_and_traits(true)?;
                        let io_trait = if key == "input" { "smithy.api#input" } else { "smithy.api#output" };
                        traits.push(TraitApp { name: Ref { text: io_trait.into(), pos }, value: TraitValue::Annotation });
                        let mut shape = ShapeDef {
                            kind: "structure".into(),
                            name: format!("{op}{suffix}"),
                            pos: self.pos(),
                            traits,
                            mixins: Vec::new(),
                            for_resource: None,
                            body: Body::None,
                        };
                        self.aggregate(&mut shape)?;
                        IoRef::Inline(Box::new(shape))
                    } else {
                        self.skip_ws_and_docs();
                        IoRef::Target(self.shape_id(&format!("the {key} shape id"))?)
                    };
                    let slot = if key == "input" { &mut input } else { &mut output };
                    slot.replace(io).is_some()
                }
                "errors" => {
                    self.expect(&Tok::Colon, "`:` after `errors`")?;
                    self.skip_ws_and_docs();
                    self.expect(&Tok::LBracket, "`[` after `errors:`")?;
                    self.skip_ws_and_docs();
                    let mut list = Vec::new();
                    while !matches!(self.tok(), Tok::RBracket) {
                        list.push(self.shape_id("an error shape id or `]`")?);
                        self.skip_ws_and_docs();
                    }
                    self.next();
                    errors.replace(list).is_some()
                }
                _ => {
                    return Err(SyntaxError {
                        pos,
                        message: format!("unknown operation property `{}` in `{op}`: expected `input`, `output` or `errors`", quote(&key)),
                    })
                }
            };
            if dup {
                return Err(SyntaxError { pos, message: format!("operation `{op}` sets `{key}` twice") });
            }
            self.expect_ws(&format!("a line break or `}}` after `{key}`")).or_else(|e| {
                if matches!(self.tok(), Tok::RBrace) {
                    Ok(())
                } else {
                    Err(e)
                }
            })?;
        }
        self.next();
        Ok(Body::Operation { input, output, errors })
    }
}

fn keyword_or_ident(text: String, pos: Pos) -> Node {
    let kind = match text.as_str() {
        "true" => NodeKind::Bool(true),
        "false" => NodeKind::Bool(false),
        "null" => NodeKind::Null,
        _ => NodeKind::Ident(text),
    };
    Node { kind, pos }
}
