//! The Smithy IDL (`.smithy` files): text → tokens (`lexer`) → a syntax tree
//! per file (`parser`) → JSON AST documents (`to_ast`), which then load as any
//! JSON AST file does. Names are resolved across all the files of a load, so
//! every file is parsed before any is converted.

mod lexer;
mod parser;
mod to_ast;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostics::Diagnostic;

/// Whether `path` is a Smithy IDL file (`.smithy`).
pub fn is_idl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "smithy")
}

/// Convert IDL files (path, text) into JSON AST documents, one per file in
/// order. `json` are the other documents of the load, whose shapes relative
/// names may resolve to. Syntax errors stop nothing: every file is read and
/// every problem reported (with line and column).
pub fn to_documents(idl: &[(PathBuf, &str)], json: &[(PathBuf, Value)]) -> (Vec<(PathBuf, Value)>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut files = Vec::with_capacity(idl.len());
    for (path, text) in idl {
        // A UTF-8 byte order mark at the start (some Windows editors write
        // one) is accepted and skipped: it is no part of the model.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let (file, errors) = parser::parse(text);
        for e in errors {
            diags.push(Diagnostic::at(path, e.pos.line, e.pos.col, e.message));
        }
        files.push((path.clone(), file));
    }
    let (docs, more) = to_ast::convert(&files, json);
    diags.extend(more);
    (docs, diags)
}

/// How many characters of a file's text an error message quotes.
const QUOTE_CHARS: usize = 60;

/// Text from the file (a string, a name, a number) as an error message
/// quotes it: at most [`QUOTE_CHARS`] characters, then `…`, with control
/// and invisible formatting characters escaped, so a hostile file can
/// neither flood a diagnostic nor send escape sequences to a terminal.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == QUOTE_CHARS {
            out.push('…');
            break;
        }
        let invisible = matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
        if c.is_control() || invisible {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests;
