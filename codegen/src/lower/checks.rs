//! Validation plans: what `validate()` checks for each member, by the
//! Smithy 2.0 semantics of `@required`, `@length`, `@pattern`, `@range`,
//! `@uniqueItems`, enums and unions. Member traits override the same trait on
//! the target. Named lists, maps and constrained simple shapes get one check
//! function each, shared by every member that targets them.

use std::collections::{BTreeMap, BTreeSet};

use super::closure::Closure;
use super::rtype::rtype;
use crate::ir::{Check, CheckFn, LengthUnit};
use crate::model::{Member, Model, Shape, ShapeKind, Traits};
use crate::naming;

pub struct Planner<'m> {
    model: &'m Model,
    c: &'m Closure<'m>,
    names: &'m BTreeMap<String, String>,
    /// Structures and unions on the input side that have a `validate_at`.
    validated: BTreeSet<String>,
    /// Shape id → check function name (`None` while being planned, or when
    /// the shape has nothing to check).
    fn_of_shape: BTreeMap<String, Option<String>>,
    fns: BTreeMap<String, CheckFn>,
    patterns: Vec<String>,
    pattern_index: BTreeMap<String, usize>,
    /// Patterns the validators cannot check: shape id → (pattern, why).
    unchecked: BTreeMap<String, (String, String)>,
}

fn has_own_constraints(t: &Traits) -> bool {
    t.length.is_some() || t.pattern.as_deref().is_some_and(|p| crate::patterns::checkable(p).is_ok()) || t.range.is_some() || t.unique_items
}

impl<'m> Planner<'m> {
    pub fn new(model: &'m Model, c: &'m Closure<'m>, names: &'m BTreeMap<String, String>) -> Self {
        Planner {
            model,
            c,
            names,
            validated: BTreeSet::new(),
            fn_of_shape: BTreeMap::new(),
            fns: BTreeMap::new(),
            patterns: Vec::new(),
            pattern_index: BTreeMap::new(),
            unchecked: BTreeMap::new(),
        }
    }

    /// Decide which input-side structures and unions need `validate_at`: a
    /// fixpoint, since structures can be recursive.
    pub fn plan_all(&mut self, type_ids: &[(String, String)]) {
        let input: Vec<&Shape> = type_ids
            .iter()
            .filter(|(id, _)| self.c.input_side.contains(id))
            .filter_map(|(id, _)| self.model.get(id))
            .collect();
        for s in &input {
            if s.kind == ShapeKind::Union {
                self.validated.insert(s.id.clone());
            }
        }
        loop {
            let mut changed = false;
            for s in &input {
                if s.kind != ShapeKind::Structure || self.validated.contains(&s.id) {
                    continue;
                }
                let needs = s.members.iter().any(|m| {
                    (m.traits.required && m.traits.default.as_ref().is_none_or(|d| d.is_null()))
                        || !self.member_checks(m).is_empty()
                });
                if needs {
                    self.validated.insert(s.id.clone());
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    pub fn is_validated(&self, id: &str) -> bool {
        self.validated.contains(id)
    }

    /// The checks for a member's value.
    pub fn member_checks(&mut self, m: &Member) -> Vec<Check> {
        let Some(target) = self.model.get(&m.target) else { return Vec::new() };
        if has_own_constraints(&m.traits) {
            self.value_checks(target, Some(&m.traits))
        } else {
            self.ref_checks(target)
        }
    }

    /// The checks of a string enum's own `@length`.
    pub fn enum_checks(&mut self, shape: &Shape) -> Vec<Check> {
        shape
            .traits
            .length
            .map(|l| vec![Check::Length { min: l.min, max: l.max, unit: LengthUnit::Chars }])
            .unwrap_or_default()
    }

    /// Checks for a value of `target` when the member adds no constraints.
    fn ref_checks(&mut self, target: &Shape) -> Vec<Check> {
        match target.kind {
            ShapeKind::Structure | ShapeKind::Union => {
                if self.validated.contains(&target.id) {
                    vec![Check::Nested]
                } else {
                    Vec::new()
                }
            }
            ShapeKind::Enum | ShapeKind::IntEnum => vec![Check::Nested],
            _ => match self.shape_fn(target) {
                Some(name) => vec![Check::Call(name)],
                None => Vec::new(),
            },
        }
    }

    /// The check function of a named list, map or simple shape, planned on
    /// first use.
    fn shape_fn(&mut self, shape: &Shape) -> Option<String> {
        if let Some(f) = self.fn_of_shape.get(&shape.id) {
            return f.clone();
        }
        self.fn_of_shape.insert(shape.id.clone(), None);
        let checks = self.value_checks(shape, None);
        if checks.is_empty() {
            return None;
        }
        let base = naming::check_fn_name(self.c.name_of(&shape.id));
        let mut name = base.clone();
        let mut n = 2;
        while self.fns.contains_key(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.fns.insert(
            name.clone(),
            CheckFn {
                name: name.clone(),
                shape_id: shape.id.clone(),
                ty: rtype(self.model, self.names, &shape.id),
                checks,
                gate: None,
            },
        );
        self.fn_of_shape.insert(shape.id.clone(), Some(name.clone()));
        Some(name)
    }

    fn pattern(&mut self, p: &str) -> usize {
        if let Some(i) = self.pattern_index.get(p) {
            return *i;
        }
        let i = self.patterns.len();
        self.patterns.push(p.to_string());
        self.pattern_index.insert(p.to_string(), i);
        i
    }

    /// Every check on a value of `shape`, with `over` (a member's traits)
    /// replacing the shape's own constraint traits where it has them.
    fn value_checks(&mut self, shape: &Shape, over: Option<&Traits>) -> Vec<Check> {
        let t = &shape.traits;
        let length = over.and_then(|o| o.length).or(t.length);
        let pattern = over.and_then(|o| o.pattern.clone()).or_else(|| t.pattern.clone());
        let range = over.and_then(|o| o.range).or(t.range);
        let unique = over.is_some_and(|o| o.unique_items) || t.unique_items;
        let mut out = Vec::new();
        let len = |unit| length.map(|l| Check::Length { min: l.min, max: l.max, unit });
        match shape.kind {
            ShapeKind::String => {
                out.extend(len(LengthUnit::Chars));
                if let Some(p) = pattern {
                    match crate::patterns::checkable(&p) {
                        Ok(()) => out.push(Check::Pattern(self.pattern(&p))),
                        Err(why) => {
                            self.unchecked.insert(shape.id.clone(), (p, why));
                        }
                    }
                }
            }
            ShapeKind::Blob => out.extend(len(LengthUnit::Bytes)),
            ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long | ShapeKind::BigInteger => {
                out.extend(range.map(|r| Check::Range { min: r.min.map(Into::into), max: r.max.map(Into::into), float: false }))
            }
            ShapeKind::Float | ShapeKind::Double | ShapeKind::BigDecimal => {
                out.extend(range.map(|r| Check::Range { min: r.min.map(Into::into), max: r.max.map(Into::into), float: true }))
            }
            ShapeKind::List => {
                out.extend(len(LengthUnit::Items));
                if unique {
                    out.push(Check::UniqueItems);
                }
                if let Some(m) = shape.members.first() {
                    let each = self.member_checks(m);
                    if !each.is_empty() {
                        out.push(Check::Each(each));
                    }
                }
            }
            ShapeKind::Map => {
                out.extend(len(LengthUnit::Items));
                let key = shape.member("key").map(|m| self.member_checks(m)).unwrap_or_default();
                let value = shape.member("value").map(|m| self.member_checks(m)).unwrap_or_default();
                if !key.is_empty() || !value.is_empty() {
                    out.push(Check::Entries { key, value });
                }
            }
            ShapeKind::Enum => {
                out.push(Check::Nested);
                if over.and_then(|o| o.length).is_some() {
                    out.extend(len(LengthUnit::Chars));
                }
            }
            ShapeKind::IntEnum => out.push(Check::Nested),
            ShapeKind::Structure | ShapeKind::Union => out.extend(self.ref_checks(shape)),
            _ => {}
        }
        out
    }

    /// The check functions, the patterns they use, and a warning for each
    /// pattern left unchecked.
    pub fn finish(self) -> (Vec<CheckFn>, Vec<String>, Vec<String>) {
        let warnings = self
            .unchecked
            .into_iter()
            .map(|(shape, (p, why))| format!("{shape}: the @pattern `{p}` is not checked by the generated validators: {why}"))
            .collect();
        (self.fns.into_values().collect(), self.patterns, warnings)
    }
}
