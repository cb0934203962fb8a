//! Imports go one way: no module of the generator (`codegen/src`) or of the
//! runtime (`runtime/src`) reaches, through any chain of `use`s and paths,
//! back to itself, and the IR and the emitters import nothing from the
//! model. A circle means a definition is in the wrong file (ARCHITECTURE.md,
//! "Invariants").
//!
//! The graph is read from the source text: every path that starts with
//! `crate::`, `$crate::` (the runtime's macros) or `super::`, and every name
//! in a `use super::{...}` list, is an edge to the longest module it names.
//! A module's `#[cfg(test)] mod tests` is left out (tests may reach
//! anywhere). Parent and child modules do not count as a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every module under `src` (`"emit::protocol::rest_json"`; the crate root is
/// `""`) with its source file.
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).expect("under src").with_extension("");
            let mut parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().to_string()).collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            out.insert(parts.join("::"), path);
        }
    }
    out
}

/// The source without comments, string contents or the unit tests.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The lower-case path segments after each `keyword::` in `code`.
fn paths_after<'a>(code: &'a str, keyword: &str) -> Vec<Vec<&'a str>> {
    let mut out = Vec::new();
    let needle = format!("{keyword}::");
    let mut from = 0;
    while let Some(i) = code[from..].find(&needle) {
        let start = from + i;
        from = start + needle.len();
        // Part of a longer name (`smithy_gen_runtime::`), not the keyword.
        if code[..start].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let mut segments = Vec::new();
        let mut rest = &code[from..];
        loop {
            let len = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
            let seg = &rest[..len];
            if seg.is_empty() || !seg.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
                break;
            }
            segments.push(seg);
            match rest[len..].strip_prefix("::") {
                Some(r) => rest = r,
                None => break,
            }
        }
        out.push(segments);
    }
    out
}

/// Each module's edges to other modules of the same crate.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules(src);
    let mut g = BTreeMap::new();
    for (name, path) in &mods {
        let code = code_of(path);
        let own: Vec<&str> = if name.is_empty() { Vec::new() } else { name.split("::").collect() };
        // What `super` names from this module (`a::b` in `a/b.rs` or `a/b/mod.rs`): `a`.
        let parent: Vec<&str> = own[..own.len().saturating_sub(1)].to_vec();
        let mut targets: Vec<Vec<&str>> = Vec::new();
        for segs in paths_after(&code, "crate") {
            targets.push(segs);
        }
        for segs in paths_after(&code, "super") {
            let mut full = parent.clone();
            full.extend(segs);
            targets.push(full);
        }
        let mut edges = BTreeSet::new();
        for full in targets {
            for k in (1..=full.len()).rev() {
                let candidate = full[..k].join("::");
                if mods.contains_key(&candidate) {
                    if candidate != *name {
                        edges.insert(candidate);
                    }
                    break;
                }
            }
        }
        // `use super::{a, b}`: names of sibling modules.
        let mut rest = code.as_str();
        while let Some(i) = rest.find("use super::{") {
            rest = &rest[i + "use super::{".len()..];
            let list = &rest[..rest.find('}').unwrap_or(0)];
            for item in list.split(',') {
                let item = item.trim().split("::").next().unwrap_or("").trim();
                let mut full = parent.clone();
                full.push(item);
                let candidate = full.join("::");
                if mods.contains_key(&candidate) && candidate != *name {
                    edges.insert(candidate);
                }
            }
        }
        // A parent and its child modules may name each other.
        edges.retain(|t| !name.starts_with(&format!("{t}::")) && !t.starts_with(&format!("{name}::")) && !t.is_empty() && !name.is_empty());
        g.insert(name.clone(), edges);
    }
    g
}

/// Every circle of the graph (strongly connected components of two or more).
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for start in g.keys() {
        if seen.contains(start) {
            continue;
        }
        // Modules reachable from `start` that also reach it.
        let reach = |from: &String| {
            let mut found = BTreeSet::new();
            let mut stack = vec![from.clone()];
            while let Some(m) = stack.pop() {
                for n in g.get(&m).into_iter().flatten() {
                    if found.insert(n.clone()) {
                        stack.push(n.clone());
                    }
                }
            }
            found
        };
        let forward = reach(start);
        let component: Vec<String> =
            forward.iter().filter(|m| *m == start || reach(m).contains(start)).cloned().collect();
        if component.len() > 1 || (component.len() == 1 && component[0] != *start) {
            seen.extend(component.iter().cloned());
            out.push(component);
        }
    }
    out
}

#[test]
fn no_module_of_the_generator_or_the_runtime_imports_itself_back() {
    for krate in ["codegen/src", "runtime/src"] {
        let g = graph(&root().join(krate));
        assert!(g.len() > 10, "{krate}: found only {} modules", g.len());
        let circles = circles(&g);
        assert!(circles.is_empty(), "{krate}: modules that import each other (through any chain): {circles:?}");
    }
}

#[test]
fn the_ir_and_the_emitters_import_nothing_from_the_model() {
    let g = graph(&root().join("codegen/src"));
    for (module, edges) in &g {
        if module == "ir" || module.starts_with("emit") {
            let model: Vec<_> = edges.iter().filter(|e| *e == "model" || e.starts_with("model::")).collect();
            assert!(model.is_empty(), "{module} imports {model:?}");
        }
    }
}

#[test]
fn the_graph_reader_sees_a_circle() {
    let dir = root().join("target/module-graph-probe");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("lib.rs"), "mod a;\nmod b;\nmod c;\n").expect("lib");
    std::fs::write(dir.join("a.rs"), "use super::b::B;\npub struct A;\n").expect("a");
    std::fs::write(dir.join("b.rs"), "pub struct B(crate::c::C);\n").expect("b");
    std::fs::write(dir.join("c.rs"), "pub struct C;\nmacro_rules! m { () => { $crate::a::A } }\n").expect("c");
    let circles = circles(&graph(&dir));
    assert_eq!(circles, vec![vec!["a".to_string(), "b".to_string(), "c".to_string()]]);
}
