//! A parser for the JMESPath that Smithy waiters use: field paths, quoted
//! identifiers, `@`, sub-expressions, pipes, list projections (`[*]`),
//! flatten (`[]`), value projections (`*`), filters (`[?…]`), multi-select
//! lists (`[a, b]`), indexes (`[0]`, `[-1]`), comparators, `&&`, `||`, `!`,
//! parentheses, JSON literals (`` `0` ``) and raw strings (`'x'`), and
//! function calls. It follows the binding powers of the JMESPath reference
//! parser, so projections stop where it stops them.
//!
//! Anything else (slices, multi-select hashes, expression references) is an
//! error with the byte position where it starts; nothing panics, and the
//! nesting depth is bounded.

use std::fmt;

/// A JMESPath expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    /// `@`, and the right side of a projection that has none.
    Current,
    Field(String),
    /// `lhs.rhs`
    Sub(Box<Ast>, Box<Ast>),
    /// `lhs | rhs`
    Pipe(Box<Ast>, Box<Ast>),
    /// `lhs[n]`
    Index(Box<Ast>, i64),
    /// Evaluate `rhs` on each element of the list `lhs`, dropping nulls.
    Projection(Box<Ast>, Box<Ast>),
    /// `lhs.*` then `rhs` on each value of the object `lhs`.
    ValueProjection(Box<Ast>, Box<Ast>),
    /// `lhs[]`: the list with nested lists spliced in.
    Flatten(Box<Ast>),
    /// `lhs[?cond]` then `rhs` on each element kept.
    Filter { list: Box<Ast>, cond: Box<Ast>, rhs: Box<Ast> },
    /// `[a, b]` evaluated on the current value.
    MultiList(Vec<Ast>),
    Compare(CompareOp, Box<Ast>, Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
    Not(Box<Ast>),
    /// A JSON literal or raw string.
    Literal(serde_json::Value),
    Function(String, Vec<Ast>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

/// Why an expression does not parse: the byte offset and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub position: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.position, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Quoted(String),
    Number(i64),
    Literal(serde_json::Value),
    Dot,
    Star,
    Flatten,
    Filter,
    LBracket,
    RBracket,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Pipe,
    Or,
    And,
    Not,
    Cmp(CompareOp),
    At,
    Amp,
    Eof,
}

impl Tok {
    /// Left binding power (the JMESPath reference parser's).
    fn lbp(&self) -> u8 {
        match self {
            Tok::Pipe => 1,
            Tok::Or => 2,
            Tok::And => 3,
            Tok::Cmp(_) => 5,
            Tok::Flatten => 9,
            Tok::Star => 20,
            Tok::Filter => 21,
            Tok::Dot => 40,
            Tok::Not => 45,
            Tok::LBrace => 50,
            Tok::LBracket => 55,
            Tok::LParen => 60,
            _ => 0,
        }
    }

    fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier `{s}`"),
            Tok::Quoted(s) => format!("quoted identifier \"{s}\""),
            Tok::Number(n) => format!("number {n}"),
            Tok::Literal(v) => format!("literal `{v}`"),
            Tok::Eof => "the end of the expression".into(),
            Tok::Dot => "`.`".into(),
            Tok::Star => "`*`".into(),
            Tok::Flatten => "`[]`".into(),
            Tok::Filter => "`[?`".into(),
            Tok::LBracket => "`[`".into(),
            Tok::RBracket => "`]`".into(),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::LBrace => "`{`".into(),
            Tok::RBrace => "`}`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Colon => "`:`".into(),
            Tok::Pipe => "`|`".into(),
            Tok::Or => "`||`".into(),
            Tok::And => "`&&`".into(),
            Tok::Not => "`!`".into(),
            Tok::Cmp(op) => format!("`{}`", op.symbol()),
            Tok::At => "`@`".into(),
            Tok::Amp => "`&`".into(),
        }
    }
}

fn err<T>(position: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError { position, message: message.into() })
}

fn lex(src: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let one = |t: Tok| (start, t);
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                out.push(one(Tok::Ident(src[start..i].to_string())));
                continue;
            }
            b'0'..=b'9' | b'-' => {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let Ok(n) = src[start..i].parse::<i64>() else { return err(start, format!("`{}` is not a number", &src[start..i])) };
                out.push(one(Tok::Number(n)));
                continue;
            }
            b'"' | b'\'' | b'`' => {
                let quote = c;
                i += 1;
                let mut text = String::new();
                loop {
                    let Some(ch) = src[i..].chars().next() else {
                        return err(start, format!("`{}` is not closed", quote as char));
                    };
                    i += ch.len_utf8();
                    if ch as u32 == u32::from(quote) {
                        break;
                    }
                    if ch == '\\' {
                        let Some(next) = src[i..].chars().next() else { return err(start, format!("`{}` is not closed", quote as char)) };
                        i += next.len_utf8();
                        if quote == b'"' || next as u32 != u32::from(quote) {
                            text.push('\\');
                        }
                        text.push(next);
                        continue;
                    }
                    text.push(ch);
                }
                let tok = match quote {
                    b'\'' => Tok::Literal(serde_json::Value::String(text)),
                    b'"' => match serde_json::from_str::<String>(&format!("\"{text}\"")) {
                        Ok(s) => Tok::Quoted(s),
                        Err(e) => return err(start, format!("bad quoted identifier: {e}")),
                    },
                    _ => match serde_json::from_str::<serde_json::Value>(text.trim()) {
                        Ok(v) => Tok::Literal(v),
                        Err(e) => return err(start, format!("the literal `{text}` is not JSON: {e}")),
                    },
                };
                out.push(one(tok));
                continue;
            }
            _ => {}
        }
        let next = b.get(i + 1).copied();
        let (tok, len) = match (c, next) {
            (b'.', _) => (Tok::Dot, 1),
            (b'*', _) => (Tok::Star, 1),
            (b'[', Some(b']')) => (Tok::Flatten, 2),
            (b'[', Some(b'?')) => (Tok::Filter, 2),
            (b'[', _) => (Tok::LBracket, 1),
            (b']', _) => (Tok::RBracket, 1),
            (b'(', _) => (Tok::LParen, 1),
            (b')', _) => (Tok::RParen, 1),
            (b'{', _) => (Tok::LBrace, 1),
            (b'}', _) => (Tok::RBrace, 1),
            (b',', _) => (Tok::Comma, 1),
            (b':', _) => (Tok::Colon, 1),
            (b'|', Some(b'|')) => (Tok::Or, 2),
            (b'|', _) => (Tok::Pipe, 1),
            (b'&', Some(b'&')) => (Tok::And, 2),
            (b'&', _) => (Tok::Amp, 1),
            (b'!', Some(b'=')) => (Tok::Cmp(CompareOp::Ne), 2),
            (b'!', _) => (Tok::Not, 1),
            (b'=', Some(b'=')) => (Tok::Cmp(CompareOp::Eq), 2),
            (b'<', Some(b'=')) => (Tok::Cmp(CompareOp::Le), 2),
            (b'<', _) => (Tok::Cmp(CompareOp::Lt), 1),
            (b'>', Some(b'=')) => (Tok::Cmp(CompareOp::Ge), 2),
            (b'>', _) => (Tok::Cmp(CompareOp::Gt), 1),
            (b'@', _) => (Tok::At, 1),
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return err(i, format!("unexpected character `{ch}`"));
            }
        };
        out.push((i, tok));
        i += len;
    }
    out.push((src.len(), Tok::Eof));
    Ok(out)
}

/// How deep expressions may nest (parentheses, projections, arguments, and
/// each step of a chain such as `a.b.c` or `a | b | c`, which builds a tree
/// as deep as the chain is long).
const MAX_DEPTH: usize = 64;
/// How many nodes an expression's tree may have.
const MAX_NODES: usize = 256;
/// How long (in bytes) an expression may be.
pub const MAX_LEN: usize = 4096;
/// Where projections stop (the reference parser's `projection_stop`).
const PROJECTION_STOP: u8 = 10;

struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
    depth: usize,
    nodes: usize,
}

/// Parse `src` as a JMESPath expression of the subset.
pub fn parse(src: &str) -> Result<Ast, ParseError> {
    if src.len() > MAX_LEN {
        return err(MAX_LEN, format!("the expression is {} bytes long; waiters' paths may be at most {MAX_LEN}", src.len()));
    }
    let mut p = Parser { toks: lex(src)?, at: 0, depth: 0, nodes: 0 };
    let ast = p.expression(0)?;
    match p.peek() {
        Tok::Eof => Ok(ast),
        t => err(p.pos(), format!("unexpected {} after a complete expression", t.describe())),
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.at).map_or(&Tok::Eof, |t| &t.1)
    }

    fn peek2(&self) -> &Tok {
        self.toks.get(self.at + 1).map_or(&Tok::Eof, |t| &t.1)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.at).map_or(0, |t| t.0)
    }

    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.at < self.toks.len() {
            self.at += 1;
        }
        t
    }

    fn expect(&mut self, want: &Tok) -> Result<(), ParseError> {
        if self.peek() == want {
            self.next();
            Ok(())
        } else {
            err(self.pos(), format!("expected {}, found {}", want.describe(), self.peek().describe()))
        }
    }

    /// Count one more level of nesting (undone by the caller) and one
    /// more node.
    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        self.nodes += 1;
        if self.depth > MAX_DEPTH {
            return err(self.pos(), format!("the expression nests deeper than {MAX_DEPTH} levels"));
        }
        if self.nodes > MAX_NODES {
            return err(self.pos(), format!("the expression has more than {MAX_NODES} parts"));
        }
        Ok(())
    }

    fn expression(&mut self, rbp: u8) -> Result<Ast, ParseError> {
        self.enter()?;
        let mut left = self.nud()?;
        // Each step wraps `left` in one more node, so a chain counts as deep
        // as it is long (the lowering and `Drop` recurse through it).
        let mut steps = 0;
        while rbp < self.peek().lbp() {
            self.enter()?;
            steps += 1;
            left = self.led(left)?;
        }
        self.depth -= 1 + steps;
        Ok(left)
    }

    fn nud(&mut self) -> Result<Ast, ParseError> {
        let pos = self.pos();
        match self.next() {
            Tok::Ident(s) | Tok::Quoted(s) => Ok(Ast::Field(s)),
            Tok::Literal(v) => Ok(Ast::Literal(v)),
            Tok::At => Ok(Ast::Current),
            Tok::Star => {
                let rhs = self.projection_rhs(Tok::Star.lbp())?;
                Ok(Ast::ValueProjection(Box::new(Ast::Current), Box::new(rhs)))
            }
            Tok::Flatten => {
                let rhs = self.projection_rhs(Tok::Flatten.lbp())?;
                Ok(Ast::Projection(Box::new(Ast::Flatten(Box::new(Ast::Current))), Box::new(rhs)))
            }
            Tok::Filter => self.filter(Ast::Current),
            Tok::LBracket => self.bracket(Ast::Current, pos, true),
            Tok::Not => Ok(Ast::Not(Box::new(self.expression(Tok::Not.lbp())?))),
            Tok::LParen => {
                let e = self.expression(0)?;
                self.expect(&Tok::RParen)?;
                Ok(e)
            }
            Tok::LBrace => err(pos, "multi-select hashes (`{…}`) are not in the subset waiters may use"),
            Tok::Amp => err(pos, "expression references (`&`) are not in the subset waiters may use"),
            t => err(pos, format!("unexpected {}", t.describe())),
        }
    }

    fn led(&mut self, left: Ast) -> Result<Ast, ParseError> {
        let pos = self.pos();
        match self.next() {
            Tok::Dot => {
                if self.peek() == &Tok::Star {
                    self.next();
                    let rhs = self.projection_rhs(Tok::Star.lbp())?;
                    return Ok(Ast::ValueProjection(Box::new(left), Box::new(rhs)));
                }
                let rhs = self.dot_rhs(Tok::Dot.lbp())?;
                Ok(Ast::Sub(Box::new(left), Box::new(rhs)))
            }
            Tok::Pipe => Ok(Ast::Pipe(Box::new(left), Box::new(self.expression(Tok::Pipe.lbp())?))),
            Tok::Or => Ok(Ast::Or(Box::new(left), Box::new(self.expression(Tok::Or.lbp())?))),
            Tok::And => Ok(Ast::And(Box::new(left), Box::new(self.expression(Tok::And.lbp())?))),
            Tok::Cmp(op) => Ok(Ast::Compare(op, Box::new(left), Box::new(self.expression(Tok::Cmp(op).lbp())?))),
            Tok::Flatten => {
                let rhs = self.projection_rhs(Tok::Flatten.lbp())?;
                Ok(Ast::Projection(Box::new(Ast::Flatten(Box::new(left))), Box::new(rhs)))
            }
            Tok::Filter => self.filter(left),
            Tok::LBracket => self.bracket(left, pos, false),
            Tok::LParen => {
                // The token before `(`: a function name is an unquoted identifier.
                let quoted = self.at >= 2 && matches!(self.toks.get(self.at - 2), Some((_, Tok::Quoted(_))));
                let Ast::Field(name) = left else { return err(pos, "only a function name can be called") };
                if quoted {
                    return err(pos, format!("a quoted identifier (\"{name}\") cannot be called; a function name is not quoted"));
                }
                let mut args = Vec::new();
                while self.peek() != &Tok::RParen {
                    if !args.is_empty() {
                        self.expect(&Tok::Comma)?;
                    }
                    args.push(self.expression(0)?);
                }
                self.next();
                Ok(Ast::Function(name, args))
            }
            t => err(pos, format!("unexpected {}", t.describe())),
        }
    }

    /// After `[`: an index, `[*]`, or (at the start of an expression or
    /// after a dot) a multi-select list.
    fn bracket(&mut self, left: Ast, pos: usize, multi_allowed: bool) -> Result<Ast, ParseError> {
        match (self.peek().clone(), self.peek2().clone()) {
            (Tok::Number(n), Tok::RBracket) => {
                self.next();
                self.next();
                Ok(Ast::Index(Box::new(left), n))
            }
            (Tok::Number(_) | Tok::Colon, _) => err(pos, "slices (`[a:b]`) are not in the subset waiters may use"),
            (Tok::Star, Tok::RBracket) => {
                self.next();
                self.next();
                let rhs = self.projection_rhs(Tok::Star.lbp())?;
                Ok(Ast::Projection(Box::new(left), Box::new(rhs)))
            }
            _ if multi_allowed => self.multi_list(),
            (t, _) => err(self.pos(), format!("expected an index or `*` after `[`, found {}", t.describe())),
        }
    }

    fn multi_list(&mut self) -> Result<Ast, ParseError> {
        let mut items = vec![self.expression(0)?];
        while self.peek() == &Tok::Comma {
            self.next();
            items.push(self.expression(0)?);
        }
        self.expect(&Tok::RBracket)?;
        Ok(Ast::MultiList(items))
    }

    fn filter(&mut self, list: Ast) -> Result<Ast, ParseError> {
        let cond = self.expression(0)?;
        self.expect(&Tok::RBracket)?;
        let rhs = self.projection_rhs(Tok::Filter.lbp())?;
        Ok(Ast::Filter { list: Box::new(list), cond: Box::new(cond), rhs: Box::new(rhs) })
    }

    fn projection_rhs(&mut self, rbp: u8) -> Result<Ast, ParseError> {
        let t = self.peek().clone();
        if t.lbp() < PROJECTION_STOP {
            return Ok(Ast::Current);
        }
        match t {
            Tok::LBracket | Tok::Filter => self.expression(rbp),
            Tok::Dot => {
                self.next();
                self.dot_rhs(rbp)
            }
            t => err(self.pos(), format!("expected `.`, `[` or the end of the projection, found {}", t.describe())),
        }
    }

    fn dot_rhs(&mut self, rbp: u8) -> Result<Ast, ParseError> {
        match self.peek() {
            Tok::Ident(_) | Tok::Quoted(_) | Tok::Star => self.expression(rbp),
            Tok::LBracket => {
                self.next();
                self.multi_list()
            }
            Tok::LBrace => err(self.pos(), "multi-select hashes (`{…}`) are not in the subset waiters may use"),
            t => err(self.pos(), format!("expected a field name after `.`, found {}", t.describe())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Box<Ast> {
        Box::new(Ast::Field(s.into()))
    }

    #[test]
    fn parses_the_corpus_forms() {
        assert_eq!(parse("a.b").unwrap(), Ast::Sub(f("a"), f("b")));
        assert_eq!(
            parse("A[].B").unwrap(),
            Ast::Projection(Box::new(Ast::Flatten(f("A"))), f("B"))
        );
        assert_eq!(parse("M.*.S").unwrap(), Ast::ValueProjection(f("M"), f("S")));
        assert_eq!(
            parse("length(A) > `0`").unwrap(),
            Ast::Compare(CompareOp::Gt, Box::new(Ast::Function("length".into(), vec![Ast::Field("A".into())])), Box::new(Ast::Literal(0.into())))
        );
        assert_eq!(
            parse("s != 'X' && s != 'Y'").unwrap(),
            Ast::And(
                Box::new(Ast::Compare(CompareOp::Ne, f("s"), Box::new(Ast::Literal("X".into())))),
                Box::new(Ast::Compare(CompareOp::Ne, f("s"), Box::new(Ast::Literal("Y".into()))))
            )
        );
        // The trailing `[]` flattens the whole projection.
        let e = parse("contains(G[].[length(I[?S=='x']) >= M][], `false`)").unwrap();
        let Ast::Function(name, args) = e else { panic!("a call") };
        assert_eq!(name, "contains");
        let Ast::Projection(lhs, rhs) = &args[0] else { panic!("a projection: {:?}", args[0]) };
        assert_eq!(**rhs, Ast::Current);
        let Ast::Flatten(inner) = &**lhs else { panic!("a flatten") };
        assert!(matches!(&**inner, Ast::Projection(_, r) if matches!(**r, Ast::MultiList(_))));
        assert!(parse("length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`").is_ok());
        assert_eq!(parse("\"a b\"").unwrap(), Ast::Field("a b".into()));
        assert_eq!(parse("a[-1]").unwrap(), Ast::Index(f("a"), -1));
        assert_eq!(parse("a | b").unwrap(), Ast::Pipe(f("a"), f("b")));
    }

    #[test]
    fn errors_have_positions() {
        let e = parse("a.{b: c}").unwrap_err();
        assert_eq!(e.position, 2);
        assert!(e.message.contains("multi-select hashes"), "{e}");
        assert_eq!(parse("a[1:2]").unwrap_err().position, 1);
        assert_eq!(parse("a b").unwrap_err().to_string(), "at byte 2: unexpected identifier `b` after a complete expression");
        assert!(parse("`{`").unwrap_err().message.contains("not JSON"));
        assert!(parse("'abc").unwrap_err().message.contains("not closed"));
        assert!(parse("a ~ b").unwrap_err().message.contains("unexpected character `~`"));
        assert!(parse(&"(".repeat(500)).unwrap_err().message.contains("deeper"));
        assert!(parse("").is_err());
        assert!(parse("sort_by(a, &b)").is_err());
    }

    #[test]
    fn long_chains_are_bounded() {
        // Left-deep chains nest through `led`, not `expression`: each step counts.
        for sep in ["|", ".", " && ", " == "] {
            let src = format!("summary{}", format!("{sep}summary").repeat(300));
            assert!(src.len() <= MAX_LEN);
            let e = parse(&src).unwrap_err();
            assert!(e.message.contains("deeper than 64") || e.message.contains("more than 256"), "{sep}: {e}");
        }
        assert!(parse(&format!("a{}", "[0]".repeat(1000))).unwrap_err().message.contains("deeper"));
        let long = format!("a{}", "|a".repeat(3000));
        let e = parse(&long).unwrap_err();
        assert_eq!(e.position, MAX_LEN);
        assert!(e.message.contains("6001 bytes long; waiters' paths may be at most 4096"), "{e}");
        // Many siblings: bounded by the node count, not the depth.
        let wide = format!("[{}]", vec!["a"; 400].join(","));
        assert!(parse(&wide).unwrap_err().message.contains("more than 256 parts"));
        // The largest trees accepted are lowered and dropped without trouble.
        let deep = format!("a{}", ".a".repeat(62));
        drop(parse(&deep).expect("62 steps parse"));
        let nested = format!("{}a{}", "(".repeat(30), ")".repeat(30)) + &"|a".repeat(30);
        drop(parse(&nested).expect("nested then chained"));
        let wide = format!("[{}]", vec!["a.b"; 80].join(","));
        drop(parse(&wide).expect("a wide list"));
    }

    #[test]
    fn quoted_function_names_are_errors() {
        let e = parse("\"length\"(a)").unwrap_err();
        assert_eq!(e.position, 8);
        assert!(e.message.contains("quoted identifier (\"length\") cannot be called"), "{e}");
        assert!(parse("length(a)").is_ok());
    }

    #[test]
    fn never_panics_on_random_token_soup() {
        // A deterministic generator over the characters the grammar uses.
        const ALPHABET: &[&str] = &[
            "a", "B", "_", "0", "-1", ".", "*", "[", "]", "[]", "[?", "(", ")", "{", "}", ",", ":", "|", "||", "&&", "&", "!", "==",
            "!=", "<", "<=", ">", ">=", "@", "'x'", "`1`", "`\"s\"`", "\"q\"", "length", "contains", " ", "\\", "`", "'", "\"", "é",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut s = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for i in 0..(seed % 24) {
                let pick = (seed.rotate_left(i as u32 * 5) % ALPHABET.len() as u64) as usize;
                s.push_str(ALPHABET[pick]);
            }
            if let Err(e) = parse(&s) {
                assert!(e.position <= s.len(), "{s:?}: {e}");
            }
        }
    }

    #[test]
    fn never_panics_on_any_prefix() {
        let samples = [
            "contains(AutoScalingGroups[].[length(Instances[?LifecycleState=='InService']) >= MinSize][], `false`)",
            "length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`",
            "VerificationAttributes.*.VerificationStatus",
            "a[*].\"b\\\"c\"[0] | @ || `[1,2]`",
            "é[?ü]",
        ];
        for s in samples {
            for (i, _) in s.char_indices() {
                let _ = parse(&s[..i]);
                let _ = parse(&s[i..]);
            }
        }
    }
}
