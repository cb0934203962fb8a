//! ECMA-262 regular expressions, as `@pattern` requires: a parser for the
//! `u`-mode syntax (with the Annex B leniencies AWS models rely on, such as
//! `[\w-_]` and escaped punctuation), compiled to a small program run by a
//! backtracking machine with an explicit stack and a step budget, so no input
//! can overflow the stack or run for long.
//!
//! Supported: alternation, groups (capturing, named, non-capturing),
//! lookahead and lookbehind, greedy and lazy quantifiers, `^ $ \b \B`, `.`,
//! classes with ranges and negation, the escapes `\d \D \w \W \s \S \t \n \v
//! \f \r \0 \cX \xHH \uHHHH \u{H…}` (a lone surrogate such as `\uD800` is a
//! code point no Rust string holds, so it matches nothing), and `\p{…}`/`\P{…}`
//! through the property tables the generator wrote for the model. AWS models
//! are written for Java's regular expressions, so the constructs Java gives a
//! defined meaning are read with that meaning: `\A`, `\z`, `\Z`, the inline
//! flags `(?s)` and `(?i)` (US-ASCII case folding, Java's default) for the
//! rest of the group or scoped as `(?s:...)`, `\0` octal and `\x{...}`
//! escapes, the possessive form of an exact count (`{2}+`); Java's POSIX
//! classes (`\p{Print}`, ...) come from the generator's tables. Not supported
//! (the generator leaves such a pattern unchecked, with a warning):
//! backreferences, other inline flags, other possessive quantifiers.
//!
//! Matching never rejects a value for want of time: the machine remembers
//! which (instruction, position) states already failed, so a pattern without
//! empty-matching loops runs in time proportional to the program size times
//! the input length whatever it is; the rest keep a step budget, and a search
//! that runs out of it answers "unknown", which the validator treats as a
//! match (the service then decides). This file does not depend on the
//! rest of the runtime; the generator compiles it too, to check every pattern
//! of a model before writing any code.

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Regex {
    insts: Vec<Inst>,
    classes: Vec<Vec<(char, char)>>,
    slots: usize,
    anchored: bool,
    /// Whether any loop needs the empty-iteration check (`Mark`/`Progress`),
    /// which makes a state depend on more than (instruction, position).
    guarded: bool,
}

#[derive(Debug, Clone, Copy)]
enum Inst {
    Char(char),
    Class(usize),
    Any,
    Start,
    End,
    WordBoundary(bool),
    /// Try `.0` first, then `.1`.
    Split(usize, usize),
    Jmp(usize),
    /// A lookaround: the program from the next instruction up to `end`
    /// (which ends in `Match`) must match here (or must not, if `negate`):
    /// starting here (lookahead), or ending here after at most `max_len`
    /// characters (lookbehind; `usize::MAX` when unbounded).
    Look { negate: bool, end: usize, behind: bool, max_len: usize },
    /// Remember the position before a loop iteration ...
    Mark(usize),
    /// ... and fail the iteration if it consumed nothing.
    Progress(usize),
    Match,
}

#[derive(Debug, Clone)]
enum Node {
    Empty,
    Char(char),
    Class(Vec<(char, char)>),
    Any,
    Start,
    End,
    WordBoundary(bool),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat { node: Box<Node>, min: u32, max: Option<u32>, greedy: bool },
    Look { node: Box<Node>, negate: bool, behind: bool },
}

/// A `\p{…}` lookup: the property's ranges, or `None` for an unknown name.
pub type Properties<'a> = &'a dyn Fn(&str) -> Option<Vec<(char, char)>>;

/// The largest compiled program accepted (counted repetitions are unrolled).
const MAX_INSTS: usize = 100_000;
/// The deepest nesting of groups accepted (parsing and compiling recurse).
const MAX_DEPTH: usize = 200;
const LINE_TERMINATORS: [char; 4] = ['\n', '\r', '\u{2028}', '\u{2029}'];

impl Regex {
    /// Parses and compiles `source`; the error says what is wrong and where.
    pub fn new(source: &str, properties: Properties<'_>) -> Result<Regex, String> {
        let mut parser = Parser { chars: source.chars().collect(), pos: 0, properties, depth: 0, dotall: false, icase: false };
        let node = parser.disjunction()?;
        if parser.pos < parser.chars.len() {
            return Err(parser.error("unmatched ')'"));
        }
        let mut regex = Regex { insts: Vec::new(), classes: Vec::new(), slots: 0, anchored: starts_anchored(&node), guarded: false };
        regex.compile(&node)?;
        regex.insts.push(Inst::Match);
        Ok(regex)
    }

    /// Whether `text` contains a match (patterns are not anchored unless they
    /// say so). `None` only when a search that cannot remember its failed
    /// states (a pattern with a loop whose body can match the empty string)
    /// ran out of its step budget: a million steps plus a hundred per
    /// character. Callers must not treat `None` as "does not match".
    pub fn is_match(&self, text: &str) -> Option<bool> {
        let text: Vec<char> = text.chars().collect();
        let mut budget = 1_000_000 + 100 * text.len() as u64;
        let mut memo = std::collections::HashMap::new();
        // One bit per (instruction, position): a state that failed once
        // fails again, whatever the start, when no loop is guarded.
        let states = self.insts.len().saturating_mul(text.len() + 1);
        let mut visited = (!self.guarded && states <= MAX_VISITED_BITS).then(|| vec![0u64; states.div_ceil(64)]);
        let last = if self.anchored { 0 } else { text.len() };
        for start in 0..=last {
            let mut run = Run { text: &text, budget: &mut budget, memo: &mut memo, visited: visited.as_deref_mut() };
            if self.run(0, start, None, &mut run)? {
                return Some(true);
            }
        }
        Some(false)
    }

    fn emit(&mut self, inst: Inst) -> Result<usize, String> {
        if self.insts.len() >= MAX_INSTS {
            return Err(format!("the pattern is too large (over {MAX_INSTS} steps once repetitions are unrolled)"));
        }
        self.insts.push(inst);
        Ok(self.insts.len() - 1)
    }

    fn compile(&mut self, node: &Node) -> Result<(), String> {
        match node {
            Node::Empty => {}
            Node::Char(c) => {
                self.emit(Inst::Char(*c))?;
            }
            Node::Class(ranges) => {
                self.classes.push(ranges.clone());
                self.emit(Inst::Class(self.classes.len() - 1))?;
            }
            Node::Any => {
                self.emit(Inst::Any)?;
            }
            Node::Start => {
                self.emit(Inst::Start)?;
            }
            Node::End => {
                self.emit(Inst::End)?;
            }
            Node::WordBoundary(b) => {
                self.emit(Inst::WordBoundary(*b))?;
            }
            Node::Concat(nodes) => {
                for n in nodes {
                    self.compile(n)?;
                }
            }
            Node::Alt(nodes) => {
                let mut jumps = Vec::new();
                for (i, n) in nodes.iter().enumerate() {
                    if i + 1 < nodes.len() {
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.compile(n)?;
                        jumps.push(self.emit(Inst::Jmp(0))?);
                        let next = self.insts.len();
                        self.insts[split] = Inst::Split(split + 1, next);
                    } else {
                        self.compile(n)?;
                    }
                }
                let end = self.insts.len();
                for j in jumps {
                    self.insts[j] = Inst::Jmp(end);
                }
            }
            Node::Look { node, negate, behind } => {
                let max_len = if *behind { max_len(node).unwrap_or(usize::MAX) } else { 0 };
                let look = self.emit(Inst::Look { negate: *negate, end: 0, behind: *behind, max_len })?;
                self.compile(node)?;
                self.emit(Inst::Match)?;
                self.insts[look] = Inst::Look { negate: *negate, end: self.insts.len(), behind: *behind, max_len };
            }
            Node::Repeat { node, min, max, greedy } => {
                for _ in 0..*min {
                    self.compile(node)?;
                }
                // An iteration that cannot match the empty string always
                // consumes something, so it needs no check against empty
                // iterations.
                let guarded = nullable(node);
                self.guarded |= guarded && max.is_none_or(|max| max > *min);
                let split = |body: usize, exit: usize| {
                    if *greedy {
                        Inst::Split(body, exit)
                    } else {
                        Inst::Split(exit, body)
                    }
                };
                match max {
                    None => {
                        let top = self.emit(Inst::Split(0, 0))?;
                        self.iteration(node, guarded)?;
                        self.emit(Inst::Jmp(top))?;
                        let exit = self.insts.len();
                        self.insts[top] = split(top + 1, exit);
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.emit(Inst::Split(0, 0))?);
                            self.iteration(node, guarded)?;
                        }
                        let exit = self.insts.len();
                        for s in splits {
                            self.insts[s] = split(s + 1, exit);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// One optional iteration of a repetition; `guarded` fails it when it
    /// consumes nothing (ECMA-262 RepeatMatcher).
    fn iteration(&mut self, node: &Node, guarded: bool) -> Result<(), String> {
        if !guarded {
            return self.compile(node);
        }
        let slot = self.slots;
        self.slots += 1;
        self.emit(Inst::Mark(slot))?;
        self.compile(node)?;
        self.emit(Inst::Progress(slot))?;
        Ok(())
    }

    /// Runs the program from `pc` at `pos`; `None` when the budget ran out.
    /// With `must_end`, only a match that ends exactly there counts (the
    /// body of a lookbehind).
    fn run(&self, pc: usize, pos: usize, must_end: Option<usize>, r: &mut Run<'_>) -> Option<bool> {
        enum Undo {
            Resume(usize, usize),
            Slot(usize, usize),
        }
        let text = r.text;
        let mut slots = vec![usize::MAX; self.slots];
        let mut stack = vec![Undo::Resume(pc, pos)];
        'outer: while let Some(undo) = stack.pop() {
            let (mut pc, mut pos) = match undo {
                Undo::Resume(pc, pos) => (pc, pos),
                Undo::Slot(slot, old) => {
                    slots[slot] = old;
                    continue;
                }
            };
            loop {
                *r.budget = r.budget.checked_sub(1)?;
                if must_end.is_none() {
                    if let Some(visited) = r.visited.as_deref_mut() {
                        let bit = pc * (text.len() + 1) + pos;
                        if visited[bit / 64] & (1 << (bit % 64)) != 0 {
                            continue 'outer;
                        }
                        visited[bit / 64] |= 1 << (bit % 64);
                    }
                }
                match self.insts[pc] {
                    Inst::Char(c) => {
                        if text.get(pos) != Some(&c) {
                            continue 'outer;
                        }
                        pos += 1;
                    }
                    Inst::Class(i) => match text.get(pos) {
                        Some(c) if in_ranges(&self.classes[i], *c) => pos += 1,
                        _ => continue 'outer,
                    },
                    Inst::Any => match text.get(pos) {
                        Some(c) if !LINE_TERMINATORS.contains(c) => pos += 1,
                        _ => continue 'outer,
                    },
                    Inst::Start if pos != 0 => continue 'outer,
                    Inst::End if pos != text.len() => continue 'outer,
                    Inst::Start | Inst::End => {}
                    Inst::WordBoundary(want) => {
                        let before = pos > 0 && is_word(text[pos - 1]);
                        let after = text.get(pos).is_some_and(|c| is_word(*c));
                        if (before != after) != want {
                            continue 'outer;
                        }
                    }
                    Inst::Split(first, second) => {
                        stack.push(Undo::Resume(second, pos));
                        pc = first;
                        continue;
                    }
                    Inst::Jmp(to) => {
                        pc = to;
                        continue;
                    }
                    Inst::Look { negate, end, behind, max_len } => {
                        if self.look(pc, pos, behind, max_len, r)? == negate {
                            continue 'outer;
                        }
                        pc = end;
                        continue;
                    }
                    Inst::Mark(slot) => {
                        stack.push(Undo::Slot(slot, slots[slot]));
                        slots[slot] = pos;
                    }
                    Inst::Progress(slot) => {
                        if slots[slot] == pos {
                            continue 'outer;
                        }
                    }
                    Inst::Match => {
                        if must_end.is_some_and(|end| end != pos) {
                            continue 'outer;
                        }
                        return Some(true);
                    }
                }
                pc += 1;
            }
        }
        Some(false)
    }

    /// Whether the lookaround at `pc` finds its body at `pos` (before
    /// negation), remembered per (instruction, position).
    fn look(&self, pc: usize, pos: usize, behind: bool, max_len: usize, r: &mut Run<'_>) -> Option<bool> {
        if let Some(found) = r.memo.get(&(pc, pos)) {
            return Some(*found);
        }
        let mut sub = Run { text: r.text, budget: &mut *r.budget, memo: &mut *r.memo, visited: None };
        let found = if behind {
            let earliest = pos.saturating_sub(max_len);
            let mut found = false;
            for start in (earliest..=pos).rev() {
                if self.run(pc + 1, start, Some(pos), &mut sub)? {
                    found = true;
                    break;
                }
            }
            found
        } else {
            self.run(pc + 1, pos, None, &mut sub)?
        };
        r.memo.insert((pc, pos), found);
        Some(found)
    }
}

/// The state of one search: the text, the step budget, what lookarounds
/// found where, and (when usable) the failed states of the main program.
struct Run<'a> {
    text: &'a [char],
    budget: &'a mut u64,
    memo: &'a mut std::collections::HashMap<(usize, usize), bool>,
    visited: Option<&'a mut [u64]>,
}

/// The most (instruction, position) states remembered: 4 MiB of bits.
const MAX_VISITED_BITS: usize = 32 << 20;

/// `node` matching either case of a US-ASCII letter, as Java's `(?i)` does
/// by default (without `UNICODE_CASE`).
/// (A class is folded before its negation, in `Parser::class`.)
fn ascii_fold(node: Node) -> Node {
    match node {
        Node::Char(c) if c.is_ascii_alphabetic() => Node::Class(fold_ranges(vec![(c, c)])),
        other => other,
    }
}

/// `ranges` with the other case of every US-ASCII letter in them added.
fn fold_ranges(ranges: Vec<(char, char)>) -> Vec<(char, char)> {
    let swap = |c: char| if c.is_ascii_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
    let mut out = ranges.clone();
    for (lo, hi) in ranges {
        for c in (lo as u32).max(u32::from(b'A'))..=(hi as u32).min(u32::from(b'z')) {
            if let Some(c) = char::from_u32(c).filter(char::is_ascii_alphabetic) {
                out.push((swap(c), swap(c)));
            }
        }
    }
    normalize(out)
}

/// Whether `node` can match the empty string.
fn nullable(node: &Node) -> bool {
    match node {
        Node::Empty | Node::Start | Node::End | Node::WordBoundary(_) | Node::Look { .. } => true,
        Node::Char(_) | Node::Class(_) | Node::Any => false,
        Node::Concat(nodes) => nodes.iter().all(nullable),
        Node::Alt(nodes) => nodes.iter().any(nullable),
        Node::Repeat { node, min, .. } => *min == 0 || nullable(node),
    }
}

/// The most characters `node` can match, if bounded.
fn max_len(node: &Node) -> Option<usize> {
    match node {
        Node::Empty | Node::Start | Node::End | Node::WordBoundary(_) | Node::Look { .. } => Some(0),
        Node::Char(_) | Node::Class(_) | Node::Any => Some(1),
        Node::Concat(nodes) => nodes.iter().try_fold(0usize, |sum, n| sum.checked_add(max_len(n)?)),
        Node::Alt(nodes) => nodes.iter().try_fold(0usize, |most, n| Some(most.max(max_len(n)?))),
        Node::Repeat { node, max, .. } => max_len(node)?.checked_mul((*max)? as usize),
    }
}

fn in_ranges(ranges: &[(char, char)], c: char) -> bool {
    ranges.binary_search_by(|(lo, hi)| if *hi < c { std::cmp::Ordering::Less } else if *lo > c { std::cmp::Ordering::Greater } else { std::cmp::Ordering::Equal }).is_ok()
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether every match must start at the beginning of the input.
fn starts_anchored(node: &Node) -> bool {
    match node {
        Node::Start => true,
        Node::Concat(nodes) => nodes.first().is_some_and(starts_anchored),
        Node::Alt(nodes) => nodes.iter().all(starts_anchored),
        _ => false,
    }
}

/// Sorted, merged ranges.
fn normalize(mut ranges: Vec<(char, char)>) -> Vec<(char, char)> {
    ranges.sort_unstable();
    let mut out: Vec<(char, char)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if (lo as u32) <= last.1 as u32 + 1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// Every character not in the (normalized) `ranges`.
fn negate(ranges: &[(char, char)]) -> Vec<(char, char)> {
    let mut out = Vec::new();
    let mut next = 0u32;
    for (lo, hi) in ranges {
        if (*lo as u32) > next {
            push_span(&mut out, next, *lo as u32 - 1);
        }
        next = *hi as u32 + 1;
    }
    if next <= 0x10FFFF {
        push_span(&mut out, next, 0x10FFFF);
    }
    out
}

/// A span of code points as char ranges, leaving out the surrogates.
fn push_span(out: &mut Vec<(char, char)>, lo: u32, hi: u32) {
    let mut add = |lo: u32, hi: u32| {
        if let (Some(l), Some(h)) = (char::from_u32(lo), char::from_u32(hi)) {
            out.push((l, h));
        }
    };
    if lo < 0xD800 && hi > 0xDFFF {
        add(lo, 0xD7FF);
        add(0xE000, hi);
    } else if hi < 0xD800 || lo > 0xDFFF {
        add(lo, hi);
    } else {
        add(lo, hi.min(0xD7FF));
        add(lo.max(0xE000), hi);
    }
}

const DIGITS: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
const SPACE: &[(char, char)] = &[
    ('\t', '\r'),
    (' ', ' '),
    ('\u{a0}', '\u{a0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200a}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202f}', '\u{202f}'),
    ('\u{205f}', '\u{205f}'),
    ('\u{3000}', '\u{3000}'),
    ('\u{feff}', '\u{feff}'),
];

/// Inline flags, each with whether it is turned on (`(?i-s)`).
type Flags = Vec<(char, bool)>;

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    properties: Properties<'a>,
    /// How many groups enclose the cursor.
    depth: usize,
    /// Java inline flags in force: `(?s)` (`.` matches line terminators too)
    /// and `(?i)` (US-ASCII letters match either case, as Java's default).
    dotall: bool,
    icase: bool,
}

/// One item of a character class: a single character (which may start a
/// range) or a set (`\d`, `\p{L}`, ...).
enum ClassAtom {
    Char(char),
    /// A code point from an escape (`\xHH`, `\uHHHH`, `\u{…}`), which may be
    /// a lone surrogate.
    Code(u32),
    Set(Vec<(char, char)>),
}

impl ClassAtom {
    /// The single code point, if this is one.
    fn code(&self) -> Option<u32> {
        match self {
            ClassAtom::Char(c) => Some(*c as u32),
            ClassAtom::Code(code) => Some(*code),
            ClassAtom::Set(_) => None,
        }
    }

    /// Add what this matches to a class's ranges.
    fn add_to(self, ranges: &mut Vec<(char, char)>) {
        match self {
            ClassAtom::Char(c) => ranges.push((c, c)),
            ClassAtom::Code(code) => push_span(ranges, code, code),
            ClassAtom::Set(set) => ranges.extend(set),
        }
    }
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        format!("{what} at offset {}", self.pos)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn looking_at(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(i, c)| self.chars.get(self.pos + i) == Some(&c))
    }

    fn disjunction(&mut self) -> Result<Node, String> {
        let mut alternatives = vec![self.alternative()?];
        while self.eat('|') {
            alternatives.push(self.alternative()?);
        }
        Ok(if alternatives.len() == 1 { alternatives.pop().unwrap_or(Node::Empty) } else { Node::Alt(alternatives) })
    }

    fn alternative(&mut self) -> Result<Node, String> {
        let mut terms = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let atom = if self.icase { ascii_fold(atom) } else { atom };
            terms.push(self.quantified(atom)?);
        }
        Ok(Node::Concat(terms))
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let start = self.pos;
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => match self.braces() {
                Some(bounds) => bounds,
                // Annex B: a `{` that starts no quantifier is itself.
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        if self.pos == start {
            self.pos += 1;
        }
        if matches!(atom, Node::Start | Node::End | Node::WordBoundary(_)) {
            self.pos = start;
            return Err(self.error("nothing to repeat"));
        }
        if max.is_some_and(|m| m < min) {
            return Err(self.error("numbers out of order in a {} quantifier"));
        }
        let greedy = !self.eat('?');
        // Java's possessive form of an exact count (`{2}+`) matches as the
        // count itself: there is nothing to give back.
        if greedy && max == Some(min) && self.peek() == Some('+') {
            self.pos += 1;
        }
        Ok(Node::Repeat { node: Box::new(atom), min, max, greedy })
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor: consumed, with its bounds.
    fn braces(&mut self) -> Option<(u32, Option<u32>)> {
        let start = self.pos;
        self.pos += 1;
        let bounds = (|| {
            let min = self.number()?;
            if self.eat('}') {
                return Some((min, Some(min)));
            }
            if !self.eat(',') {
                return None;
            }
            if self.eat('}') {
                return Some((min, None));
            }
            let max = self.number()?;
            self.eat('}').then_some((min, Some(max)))
        })();
        if bounds.is_none() {
            self.pos = start;
        }
        bounds
    }

    /// A decimal number, saturating (a huge count is still a count, and the
    /// compiler reports the program as too large).
    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        let mut n: u32 = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d);
            self.pos += 1;
        }
        (self.pos > start).then_some(n.min(MAX_INSTS as u32 + 1))
    }

    fn atom(&mut self) -> Result<Node, String> {
        let Some(c) = self.peek() else { return Err(self.error("unexpected end")) };
        self.pos += 1;
        Ok(match c {
            '^' => Node::Start,
            '$' => Node::End,
            '.' if self.dotall => Node::Class(vec![('\0', char::MAX)]),
            '.' => Node::Any,
            '(' => self.group()?,
            '[' => Node::Class(self.class()?),
            '\\' => self.escape()?,
            '*' | '+' | '?' => {
                self.pos -= 1;
                return Err(self.error("nothing to repeat"));
            }
            '{' if self.braces_here() => {
                self.pos -= 1;
                return Err(self.error("nothing to repeat"));
            }
            c => Node::Char(c),
        })
    }

    /// Whether the `{` just consumed starts a valid quantifier.
    fn braces_here(&mut self) -> bool {
        self.pos -= 1;
        let at = self.pos;
        let valid = self.braces().is_some();
        self.pos = at + 1;
        valid
    }

    fn group(&mut self) -> Result<Node, String> {
        // Java inline flags: `(?s)` for the rest of the enclosing group,
        // `(?s:...)` for what it encloses.
        if let Some((flags, scoped)) = self.inline_flags()? {
            if !scoped {
                self.set_flags(&flags);
                return Ok(Node::Empty);
            }
            let saved = (self.dotall, self.icase);
            self.set_flags(&flags);
            let inner = self.group_inner();
            (self.dotall, self.icase) = saved;
            return inner;
        }
        self.group_inner()
    }

    fn group_inner(&mut self) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(&format!("groups nested more than {MAX_DEPTH} deep")));
        }
        let saved = (self.dotall, self.icase);
        let group = self.group_body();
        (self.dotall, self.icase) = saved;
        self.depth -= 1;
        group
    }

    /// After `(`: Java inline flags `?s)`, `?i-s)` or `?s:`, consumed up to
    /// and including the `)` or `:`; `(flags, scoped)`. Flags other than `s`
    /// and `i` are an error.
    fn inline_flags(&mut self) -> Result<Option<(Flags, bool)>, String> {
        if self.peek() != Some('?') {
            return Ok(None);
        }
        let mut at = self.pos + 1;
        let mut flags = Vec::new();
        let mut on = true;
        while let Some(&c) = self.chars.get(at) {
            match c {
                '-' if on => on = false,
                c if c.is_ascii_alphabetic() => flags.push((c, on)),
                ')' | ':' if !flags.is_empty() => {
                    if let Some((bad, _)) = flags.iter().find(|(f, _)| !matches!(f, 's' | 'i')) {
                        self.pos = at;
                        return Err(self.error(&format!("the inline flag (?{bad}) is not supported")));
                    }
                    self.pos = at + 1;
                    return Ok(Some((flags, c == ':')));
                }
                _ => return Ok(None),
            }
            at += 1;
        }
        Ok(None)
    }

    fn set_flags(&mut self, flags: &[(char, bool)]) {
        for (flag, on) in flags {
            match flag {
                's' => self.dotall = *on,
                _ => self.icase = *on,
            }
        }
    }

    fn group_body(&mut self) -> Result<Node, String> {
        // (negate, behind)
        let look = if self.looking_at("?=") {
            Some((false, false))
        } else if self.looking_at("?!") {
            Some((true, false))
        } else if self.looking_at("?<=") {
            Some((false, true))
        } else if self.looking_at("?<!") {
            Some((true, true))
        } else {
            None
        };
        if let Some((_, behind)) = look {
            self.pos += if behind { 3 } else { 2 };
        } else if self.looking_at("?:") {
            self.pos += 2;
        } else if self.eat('?') {
            if !self.eat('<') {
                return Err(self.error("unknown group syntax"));
            }
            while self.peek().is_some_and(|c| c != '>') {
                self.pos += 1;
            }
            if !self.eat('>') {
                return Err(self.error("unterminated group name"));
            }
        }
        let inner = self.disjunction()?;
        if !self.eat(')') {
            return Err(self.error("missing ')'"));
        }
        Ok(match look {
            Some((negate, behind)) => Node::Look { node: Box::new(inner), negate, behind },
            None => inner,
        })
    }

    /// After `\` outside a class.
    fn escape(&mut self) -> Result<Node, String> {
        match self.peek() {
            // Java's input boundaries: `\A` the start, `\z` the end, `\Z` the
            // end or before a final line terminator.
            Some('A') => {
                self.pos += 1;
                Ok(Node::Start)
            }
            Some('z') => {
                self.pos += 1;
                Ok(Node::End)
            }
            Some('Z') => {
                self.pos += 1;
                let terminator = Node::Alt(vec![
                    Node::Concat(vec![Node::Char('\r'), Node::Char('\n')]),
                    Node::Class(normalize(vec![('\n', '\n'), ('\r', '\r'), ('\u{85}', '\u{85}'), ('\u{2028}', '\u{2029}')])),
                ]);
                let optional = Node::Repeat { node: Box::new(terminator), min: 0, max: Some(1), greedy: true };
                Ok(Node::Look { node: Box::new(Node::Concat(vec![optional, Node::End])), negate: false, behind: false })
            }
            Some('b') => {
                self.pos += 1;
                Ok(Node::WordBoundary(true))
            }
            Some('B') => {
                self.pos += 1;
                Ok(Node::WordBoundary(false))
            }
            Some('1'..='9') | Some('k') => Err(self.error("backreferences are not supported")),
            _ => Ok(match self.class_escape()? {
                ClassAtom::Char(c) => Node::Char(c),
                // A lone surrogate: no Rust string holds one.
                ClassAtom::Code(code) => char::from_u32(code).map_or(Node::Class(Vec::new()), Node::Char),
                ClassAtom::Set(ranges) => Node::Class(ranges),
            }),
        }
    }

    /// After `\`: a character or a set, as in and outside classes.
    fn class_escape(&mut self) -> Result<ClassAtom, String> {
        let Some(c) = self.peek() else { return Err(self.error("'\\' at the end of the pattern")) };
        self.pos += 1;
        let set = |ranges: &[(char, char)], negated: bool| {
            let ranges = normalize(ranges.to_vec());
            ClassAtom::Set(if negated { negate(&ranges) } else { ranges })
        };
        Ok(match c {
            'd' | 'D' => set(DIGITS, c == 'D'),
            'w' | 'W' => set(WORD, c == 'W'),
            's' | 'S' => set(SPACE, c == 'S'),
            'p' | 'P' => {
                if !self.eat('{') {
                    return Err(self.error("\\p needs a property in braces"));
                }
                let start = self.pos;
                while self.peek().is_some_and(|c| c != '}') {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().collect();
                if !self.eat('}') {
                    return Err(self.error("unterminated \\p{"));
                }
                let ranges = (self.properties)(&name).ok_or_else(|| self.error(&format!("unknown Unicode property {name:?}")))?;
                set(&ranges, c == 'P')
            }
            't' => ClassAtom::Char('\t'),
            'n' => ClassAtom::Char('\n'),
            'v' => ClassAtom::Char('\u{b}'),
            'f' => ClassAtom::Char('\u{c}'),
            'r' => ClassAtom::Char('\r'),
            '0' if !self.peek().is_some_and(|c| c.is_ascii_digit()) => ClassAtom::Char('\0'),
            // Java's octal escape: `\0` and one to three octal digits (at most 0377).
            '0' => {
                let mut value = 0u32;
                let mut digits = 0;
                while digits < 3 && self.peek().is_some_and(|c| c.is_digit(8)) && value * 8 + self.peek().and_then(|c| c.to_digit(8)).unwrap_or(0) <= 0o377 {
                    value = value * 8 + self.peek().and_then(|c| c.to_digit(8)).unwrap_or(0);
                    self.pos += 1;
                    digits += 1;
                }
                if digits == 0 {
                    return Err(self.error("\\0 followed by a digit that is not octal"));
                }
                ClassAtom::Code(value)
            }
            'c' => match self.peek() {
                Some(l) if l.is_ascii_alphabetic() => {
                    self.pos += 1;
                    ClassAtom::Char(char::from(l as u8 % 32))
                }
                _ => return Err(self.error("\\c needs a letter")),
            },
            // Java also writes `\x{h...h}`.
            'x' if self.peek() == Some('{') => {
                self.pos += 1;
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                let value = u32::from_str_radix(&text, 16).ok().filter(|v| self.eat('}') && *v <= 0x10FFFF);
                ClassAtom::Code(value.ok_or_else(|| self.error("invalid \\x{...} escape"))?)
            }
            'x' => ClassAtom::Code(self.hex(2).ok_or_else(|| self.error("invalid hexadecimal escape"))?),
            'u' => ClassAtom::Code(self.unicode_escape()?),
            c if c.is_ascii_alphanumeric() => return Err(self.error(&format!("unknown escape \\{c}"))),
            // Syntax characters, `/`, `-`, and (Annex B) other punctuation.
            c => ClassAtom::Char(c),
        })
    }

    fn hex(&mut self, digits: usize) -> Option<u32> {
        let text: String = self.chars.get(self.pos..self.pos + digits)?.iter().collect();
        let value = u32::from_str_radix(&text, 16).ok().filter(|_| text.chars().all(|c| c.is_ascii_hexdigit()))?;
        self.pos += digits;
        Some(value)
    }

    /// After `\u`: `HHHH` (a surrogate pair as two escapes) or `{H…}`; the
    /// code point, which may be a lone surrogate.
    fn unicode_escape(&mut self) -> Result<u32, String> {
        if self.eat('{') {
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                self.pos += 1;
            }
            let text: String = self.chars[start..self.pos].iter().collect();
            let value = u32::from_str_radix(&text, 16).ok().filter(|v| self.eat('}') && *v <= 0x10FFFF);
            return value.ok_or_else(|| self.error("invalid \\u{...} escape"));
        }
        let high = self.hex(4).ok_or_else(|| self.error("invalid \\u escape"))?;
        if (0xD800..0xDC00).contains(&high) && self.looking_at("\\u") {
            let at = self.pos;
            self.pos += 2;
            match self.hex(4) {
                Some(low) if (0xDC00..0xE000).contains(&low) => return Ok(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)),
                _ => self.pos = at,
            }
        }
        Ok(high)
    }

    /// After `[`: the class's ranges, negation applied.
    fn class(&mut self) -> Result<Vec<(char, char)>, String> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        loop {
            let Some(c) = self.peek() else { return Err(self.error("missing ']'")) };
            if c == ']' {
                self.pos += 1;
                break;
            }
            let first = self.class_atom()?;
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|c| *c != ']') {
                self.pos += 1;
                let second = self.class_atom()?;
                match (first.code(), second.code()) {
                    (Some(lo), Some(hi)) => {
                        if lo > hi {
                            return Err(self.error("range out of order in a character class"));
                        }
                        // Rust strings hold no surrogates: the range's other code points.
                        push_span(&mut ranges, lo, hi);
                    }
                    // Annex B: a `-` next to a set such as `\w` is itself.
                    _ => {
                        for atom in [first, second] {
                            atom.add_to(&mut ranges);
                        }
                        ranges.push(('-', '-'));
                    }
                }
                continue;
            }
            first.add_to(&mut ranges);
        }
        let ranges = if self.icase { fold_ranges(ranges) } else { normalize(ranges) };
        Ok(if negated { negate(&ranges) } else { ranges })
    }

    fn class_atom(&mut self) -> Result<ClassAtom, String> {
        let Some(c) = self.peek() else { return Err(self.error("missing ']'")) };
        self.pos += 1;
        if c != '\\' {
            return Ok(ClassAtom::Char(c));
        }
        if self.eat('b') {
            return Ok(ClassAtom::Char('\u{8}'));
        }
        if self.peek().is_some_and(|c| matches!(c, '1'..='9' | 'k')) {
            return Err(self.error("backreferences are not supported"));
        }
        self.class_escape()
    }
}
