//! Model documentation (AWS models write HTML) → rustdoc Markdown.
//!
//! Handles the tags AWS models use: paragraphs, lists, code, links, emphasis,
//! notes; drops unknown tags but keeps their text; escapes what Markdown or
//! rustdoc would misread (`[x]` as an intra-doc link, `<x>` as HTML, `*` and `_`
//! emphasis, `#` headings, leading `>` quotes).

/// Convert HTML (or plain text) documentation into Markdown.
pub fn html_to_markdown(html: &str) -> String {
    let mut out = String::new();
    let mut list_depth: usize = 0;
    let mut in_pre = false;
    let mut link: Option<String> = None;
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            if let Some(end) = after.find('>') {
                let tag = &after[..end];
                rest = &after[end + 1..];
                handle_tag(tag, &mut out, &mut list_depth, &mut in_pre, &mut link);
                continue;
            }
            // A lone `<`: text.
            push_text("<", &mut out, in_pre);
            rest = after;
            continue;
        }
        let next = rest.find('<').unwrap_or(rest.len());
        let text = decode_entities(&rest[..next]);
        push_text(&text, &mut out, in_pre);
        rest = &rest[next..];
    }
    tidy(&out)
}

fn handle_tag(tag: &str, out: &mut String, list_depth: &mut usize, in_pre: &mut bool, link: &mut Option<String>) {
    let closing = tag.starts_with('/');
    let name: String = tag
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    match (name.as_str(), closing) {
        // Paragraphs inside list items stay on the item's line.
        ("p", _) | ("br", _) | ("div", _) if *list_depth > 0 && !out.ends_with([' ', '\n']) => out.push(' '),
        ("p", _) | ("br", _) | ("div", _) if *list_depth > 0 => {}
        ("p", _) | ("br", _) | ("div", _) => out.push_str("\n\n"),
        ("ul" | "ol", false) => {
            *list_depth += 1;
            out.push('\n');
        }
        ("ul" | "ol", true) => {
            *list_depth = list_depth.saturating_sub(1);
            trim_spaces(out);
            out.push_str("\n\n");
        }
        ("li", false) => {
            trim_spaces(out);
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&"  ".repeat(list_depth.saturating_sub(1)));
            out.push_str("- ");
        }
        // Text between items (outside any `<li>`, as some models have it)
        // continues the item before (`tidy` indents it).
        ("li", true) => out.push('\n'),
        ("code", _) if !*in_pre => out.push('`'),
        ("pre", false) => {
            *in_pre = true;
            out.push_str("\n\n```text\n");
        }
        ("pre", true) => {
            *in_pre = false;
            out.push_str("\n```\n\n");
        }
        ("b" | "strong", _) => out.push_str("**"),
        ("i" | "em", _) => out.push('*'),
        ("note" | "important", false) => out.push_str("\n\n**Note:** "),
        ("note" | "important", true) => out.push_str("\n\n"),
        ("a", false) => {
            *link = attr(tag, "href");
            out.push('[');
        }
        ("a", true) => match link.take() {
            Some(href) if href.starts_with("http") => {
                out.push_str("](");
                out.push_str(&href.replace(' ', "%20").replace(')', "%29"));
                out.push(')');
            }
            _ => out.push_str("](#)"),
        },
        _ => {}
    }
}

/// Drop trailing spaces (an indentation no text followed).
fn trim_spaces(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let i = tag.find(&format!("{name}="))?;
    let rest = &tag[i + name.len() + 1..];
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        let rest = &rest[1..];
        rest.find(quote).map(|e| rest[..e].to_string())
    } else {
        Some(rest.split_whitespace().next().unwrap_or("").to_string())
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn push_text(text: &str, out: &mut String, in_pre: bool) {
    if in_pre {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            // Collapse whitespace as HTML does.
            '\n' | '\r' | '\t' | ' ' => {
                if !out.ends_with([' ', '\n']) && !out.is_empty() {
                    out.push(' ');
                }
            }
            '[' | ']' | '*' | '_' | '`' | '<' | '>' | '#' | '|' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
}

/// Trim lines, collapse blank-line runs, drop leading/trailing blank lines.
fn tidy(s: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut in_code = false;
    // The content column of the list item the last line belongs to.
    let mut item_indent: Option<usize> = None;
    for line in s.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            lines.push(line.trim().to_string());
            continue;
        }
        let l = line.trim_end().to_string();
        let item = !in_code && l.trim_start().starts_with("- ");
        let l = if in_code || item {
            l
        } else if let Some(n) = item_indent.filter(|_| !l.trim().is_empty()) {
            // A line right after a list item continues it: indented to the
            // item's text, or Markdown would read it lazily (and clippy warns).
            format!("{}{}", " ".repeat(n), l.trim_start())
        } else {
            l.trim_start().to_string()
        };
        if !in_code {
            if item {
                item_indent = Some(l.len() - l.trim_start().len() + 2);
            } else if l.trim().is_empty() {
                item_indent = None;
            }
        }
        if l.trim().is_empty() && lines.last().is_none_or(|p| p.trim().is_empty()) {
            continue;
        }
        lines.push(l);
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_common_html() {
        let md = html_to_markdown(
            "<p>Creates a <code>Destination</code>. See <a href=\"https://x.test/a\">the guide</a>.</p>\n <ul><li><p>one [x]</p></li><li>two</li></ul>",
        );
        assert_eq!(md, "Creates a `Destination`. See [the guide](https://x.test/a).\n\n- one \\[x\\]\n- two");
    }

    #[test]
    fn plain_text_and_entities() {
        assert_eq!(html_to_markdown("a &lt;b&gt; &amp; c"), "a \\<b\\> & c");
        assert_eq!(html_to_markdown("unclosed <"), "unclosed \\<");
    }

    #[test]
    fn text_between_list_items_continues_the_item_before() {
        // As Elasticsearch's `AdditionalLimit` has it: text inside `<ul>` after `</li>`.
        let md = html_to_markdown("<p>Limits:</p><ul><li>A</li>\n text about A\n <li>B</li> text about B </ul><p>After.</p>");
        assert_eq!(md, "Limits:\n\n- A\n  text about A\n- B\n  text about B\n\nAfter.");
    }
}
