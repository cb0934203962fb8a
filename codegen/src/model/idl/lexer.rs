//! Smithy IDL text → tokens. Whitespace, line breaks, commas and comments are
//! tokens too: the grammar needs line breaks in places, and `///`
//! documentation comments become traits. Strings and text blocks are decoded
//! here (escapes, line endings, the text block's incidental indentation);
//! a malformed token becomes [`Tok::Error`] with the reason, which the parser
//! reports where it meets it.

/// Where a token starts: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// Spaces and tabs.
    Space,
    Newline,
    Comma,
    Comment,
    /// A `///` line: its text without `///` and one following space.
    DocComment(String),
    At,
    Dollar,
    Dot,
    Pound,
    Colon,
    /// `:=`
    Walrus,
    Equal,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Ident,
    /// A quoted string, decoded.
    Str(String),
    /// A `"""` text block, decoded.
    TextBlock(String),
    Number(serde_json::Number),
    /// What could not be read, and why.
    Error(String),
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    /// Byte offsets into the text.
    pub start: usize,
    pub end: usize,
    pub pos: Pos,
}

impl Tok {
    pub fn is_ws(&self) -> bool {
        matches!(self, Tok::Space | Tok::Newline | Tok::Comma | Tok::Comment)
    }
}

/// Every token of `text`, ending with one [`Tok::Eof`].
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut lx = Lexer { text, bytes: text.as_bytes(), at: 0, line: 1, col: 1 };
    let mut out = Vec::new();
    loop {
        let pos = Pos { line: lx.line, col: lx.col };
        let start = lx.at;
        let tok = lx.next_tok();
        let eof = tok == Tok::Eof;
        out.push(Token { tok, start, end: lx.at, pos });
        if eof {
            return out;
        }
    }
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    line: u32,
    col: u32,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.at + n).copied()
    }

    /// Move past one character, keeping line and column.
    fn bump(&mut self) {
        let Some(c) = self.text.get(self.at..).and_then(|s| s.chars().next()) else {
            return;
        };
        self.at += c.len_utf8();
        // `\r\n` ends a line at its `\n`; a lone `\r` ends one too.
        if c == '\n' || (c == '\r' && self.peek() != Some(b'\n')) {
            self.line = self.line.saturating_add(1);
            self.col = 1;
        } else if c != '\r' {
            self.col = self.col.saturating_add(1);
        }
    }

    fn single(&mut self, tok: Tok) -> Tok {
        self.bump();
        tok
    }

    fn next_tok(&mut self) -> Tok {
        let Some(c) = self.peek() else {
            return Tok::Eof;
        };
        match c {
            b' ' | b'\t' => {
                while matches!(self.peek(), Some(b' ' | b'\t')) {
                    self.bump();
                }
                Tok::Space
            }
            b'\n' => self.single(Tok::Newline),
            b'\r' => {
                self.bump();
                if self.peek() == Some(b'\n') {
                    self.bump();
                }
                Tok::Newline
            }
            b',' => self.single(Tok::Comma),
            b'@' => self.single(Tok::At),
            b'$' => self.single(Tok::Dollar),
            b'.' => self.single(Tok::Dot),
            b'#' => self.single(Tok::Pound),
            b'=' => self.single(Tok::Equal),
            b'{' => self.single(Tok::LBrace),
            b'}' => self.single(Tok::RBrace),
            b'[' => self.single(Tok::LBracket),
            b']' => self.single(Tok::RBracket),
            b'(' => self.single(Tok::LParen),
            b')' => self.single(Tok::RParen),
            b':' => {
                self.bump();
                if self.peek() == Some(b'=') {
                    self.bump();
                    Tok::Walrus
                } else {
                    Tok::Colon
                }
            }
            b'"' => self.string(),
            b'/' => self.comment(),
            b'-' | b'0'..=b'9' => self.number(),
            b'A'..=b'Z' | b'a'..=b'z' | b'_' => self.identifier(),
            _ => {
                let ch = self.text.get(self.at..).and_then(|s| s.chars().next()).unwrap_or('?');
                self.bump();
                Tok::Error(format!("unexpected character {ch:?}"))
            }
        }
    }

    fn comment(&mut self) -> Tok {
        self.bump();
        if self.peek() != Some(b'/') {
            return Tok::Error("a lone `/`: comments start with `//`".into());
        }
        self.bump();
        let doc = self.peek() == Some(b'/');
        if doc {
            self.bump();
        }
        let start = self.at;
        while !matches!(self.peek(), None | Some(b'\n' | b'\r')) {
            self.bump();
        }
        let body = self.text.get(start..self.at).unwrap_or("");
        // The line break belongs to the comment, as in the reference.
        if self.peek() == Some(b'\r') {
            self.bump();
            if self.peek() == Some(b'\n') {
                self.bump();
            }
        } else if self.peek() == Some(b'\n') {
            self.bump();
        }
        if doc {
            Tok::DocComment(body.strip_prefix(' ').unwrap_or(body).to_string())
        } else {
            Tok::Comment
        }
    }

    fn identifier(&mut self) -> Tok {
        let start = self.at;
        while matches!(self.peek(), Some(b'_')) {
            self.bump();
        }
        let leading_underscores = self.at > start;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() => {}
            Some(c) if leading_underscores && c.is_ascii_digit() => {}
            _ if !leading_underscores => {}
            _ => return Tok::Error("an identifier of underscores only".into()),
        }
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_') {
            self.bump();
        }
        Tok::Ident
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.bump();
        }
        self.at - start
    }

    fn number(&mut self) -> Tok {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        let int_start = self.at;
        if self.digits() == 0 {
            return Tok::Error("`-` must be followed by digits".into());
        }
        if self.at - int_start > 1 && self.bytes.get(int_start) == Some(&b'0') {
            return Tok::Error("a number cannot start with `0` followed by digits".into());
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            float = true;
            self.bump();
            if self.digits() == 0 {
                return Tok::Error("a `.` in a number must be followed by digits".into());
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            float = true;
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            if self.digits() == 0 {
                return Tok::Error("a number's exponent must have digits".into());
            }
        }
        let lexeme = self.text.get(start..self.at).unwrap_or("");
        if !float {
            if let Ok(n) = lexeme.parse::<i64>() {
                return Tok::Number(n.into());
            }
            if let Ok(n) = lexeme.parse::<u64>() {
                return Tok::Number(n.into());
            }
            // As a float it would lose digits: refused rather than changed.
            return Tok::Error(format!(
                "integer `{}` is beyond 64 bits, which trait and node values do not support",
                super::quote(lexeme)
            ));
        }
        match lexeme.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
            // A non-zero number that reads as zero underflowed.
            Some(n) if n.as_f64() == Some(0.0) && lexeme.split(['e', 'E']).next().is_some_and(|m| m.bytes().any(|b| (b'1'..=b'9').contains(&b))) => {
                Tok::Error(format!("number `{}` is too small for a 64-bit float", super::quote(lexeme)))
            }
            Some(n) => Tok::Number(n),
            None => Tok::Error(format!("number `{}` is beyond the range of a 64-bit float", super::quote(lexeme))),
        }
    }

    fn string(&mut self) -> Tok {
        self.bump();
        let block = self.peek() == Some(b'"') && self.peek_at(1) == Some(b'"');
        if block {
            self.bump();
            self.bump();
        }
        let start = self.at;
        loop {
            match self.peek() {
                None => {
                    return Tok::Error(if block {
                        "a text block is not closed: expected `\"\"\"` before the end of the file".into()
                    } else {
                        "a string is not closed: expected `\"` before the end of the file".into()
                    })
                }
                Some(b'"') if !block || (self.peek_at(1) == Some(b'"') && self.peek_at(2) == Some(b'"')) => break,
                Some(b'\\') => {
                    self.bump();
                    self.bump();
                }
                Some(_) => self.bump(),
            }
        }
        let raw = self.text.get(start..self.at).unwrap_or("");
        for _ in 0..if block { 3 } else { 1 } {
            self.bump();
        }
        let normalized = raw.replace("\r\n", "\n").replace('\r', "\n");
        let body = if block {
            match text_block(&normalized) {
                Ok(b) => b,
                Err(e) => return Tok::Error(e),
            }
        } else {
            normalized
        };
        match unescape(&body, block) {
            Ok(s) if block => Tok::TextBlock(s),
            Ok(s) => Tok::Str(s),
            Err(e) => Tok::Error(e),
        }
    }
}

/// A text block's lines without their common indentation (the closing
/// line's counts; blank lines do not) or trailing spaces, and without the
/// line break after the opening `"""`.
fn text_block(raw: &str) -> Result<String, String> {
    let Some(rest) = raw.strip_prefix('\n') else {
        return Err("a text block must start with a line break after `\"\"\"`".into());
    };
    let lines: Vec<&str> = rest.split('\n').collect();
    let last = lines.len().saturating_sub(1);
    let mut indent = usize::MAX;
    for (i, line) in lines.iter().enumerate() {
        let lead = line.bytes().take_while(|&b| b == b' ').count();
        if lead < line.len() || i == last {
            indent = indent.min(lead);
        }
    }
    let mut out = String::with_capacity(raw.len());
    for (i, line) in lines.iter().enumerate() {
        let start = indent.min(line.len());
        let trimmed = line.get(start..).unwrap_or("").trim_end_matches(' ');
        out.push_str(trimmed);
        if i < last {
            out.push('\n');
        }
    }
    Ok(out)
}

/// Decode escapes; check that no character is one a string cannot hold
/// unescaped.
fn unescape(s: &str, block: bool) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    let mut pending_high: Option<u32> = None;
    while let Some(c) = chars.next() {
        if c != '\\' {
            if pending_high.is_some() {
                return Err("a `\\u` high surrogate must be followed by a `\\u` low surrogate".into());
            }
            let ok = matches!(c, '\t' | '\n' | '\r' | ' ' | '!') || (block && c == '"') || (c >= '#' && c != '\\');
            if !ok {
                return Err(format!("character {c:?} is not allowed in a string; escape it"));
            }
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            return Err("a string ends with a lone `\\`".into());
        };
        if e != 'u' && pending_high.is_some() {
            return Err("a `\\u` high surrogate must be followed by a `\\u` low surrogate".into());
        }
        match e {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\n' => {}
            'u' => {
                let mut v = 0u32;
                for _ in 0..4 {
                    let d = chars.next().and_then(|h| h.to_digit(16));
                    let Some(d) = d else {
                        return Err("`\\u` must be followed by four hexadecimal digits".into());
                    };
                    v = v * 16 + d;
                }
                match (pending_high.take(), v) {
                    (None, 0xD800..=0xDBFF) => pending_high = Some(v),
                    (None, 0xDC00..=0xDFFF) => return Err(format!("`\\u{v:04X}` is a lone low surrogate")),
                    (Some(_), v) if !(0xDC00..=0xDFFF).contains(&v) => {
                        return Err("a `\\u` high surrogate must be followed by a `\\u` low surrogate".into())
                    }
                    (Some(hi), lo) => {
                        let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        out.push(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
                    }
                    (None, v) => out.push(char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER)),
                }
            }
            other => return Err(format!("invalid escape `\\{other}` in a string")),
        }
    }
    if pending_high.is_some() {
        return Err("a `\\u` high surrogate must be followed by a `\\u` low surrogate".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn strings_decode_escapes_and_surrogate_pairs() {
        assert_eq!(toks(r#""a\"b\n\u00e9\uD83D\uDE00""#), [Tok::Str("a\"b\n\u{e9}\u{1F600}".into()), Tok::Eof]);
        assert!(matches!(&toks(r#""\uD83D""#)[0], Tok::Error(e) if e.contains("surrogate")));
        assert!(matches!(&toks(r#""\q""#)[0], Tok::Error(e) if e.contains("\\q")));
        assert!(matches!(&toks("\"open")[0], Tok::Error(e) if e.contains("not closed")));
    }

    #[test]
    fn text_blocks_lose_incidental_indentation() {
        let t = toks("\"\"\"\n    Hello\n      \"there\"\n\n    \"\"\"");
        assert_eq!(t[0], Tok::TextBlock("Hello\n  \"there\"\n\n".into()));
        let t = toks("\"\"\"\n  a  \n  b\"\"\"");
        assert_eq!(t[0], Tok::TextBlock("a\nb".into()));
        assert!(matches!(&toks("\"\"\"a\"\"\"")[0], Tok::Error(_)));
    }

    #[test]
    fn numbers_keep_integers_and_floats_apart() {
        assert_eq!(toks("10")[0], Tok::Number(10.into()));
        assert_eq!(toks("-1.5e2")[0], Tok::Number(serde_json::Number::from_f64(-150.0).unwrap()));
        assert_eq!(toks("1.0")[0], Tok::Number(serde_json::Number::from_f64(1.0).unwrap()));
        assert!(matches!(toks("-")[0], Tok::Error(_)));
        assert!(matches!(toks("1.")[0], Tok::Error(_)));
    }

    #[test]
    fn positions_are_lines_and_columns() {
        let t = tokenize("a\r\n  é b");
        let b = t.iter().find(|t| t.tok == Tok::Ident && t.start > 3).unwrap();
        assert_eq!(b.pos, Pos { line: 2, col: 5 });
    }

    #[test]
    fn doc_comments_keep_their_text() {
        assert_eq!(toks("/// hi\n//x")[0], Tok::DocComment("hi".into()));
        assert_eq!(toks("//x")[0], Tok::Comment);
        assert!(matches!(toks("/x")[0], Tok::Error(_)));
    }
}
