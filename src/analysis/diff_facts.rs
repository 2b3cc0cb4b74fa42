//! The facts of a diff case: every input fact of either version, paired by name, with the
//! values a diff case gives it (for a fact of both, those both types allow), and what
//! cannot be compared.

use super::diff_result::{Side, SideDiagnostic};
use crate::diagnostic::{Code, Diagnostic, Literal, Witness};
use crate::model::{Case, FactId, FactType, Policy, Value};
use std::sync::Arc;

pub(super) const NONE: u32 = u32::MAX;

/// The values a diff case can give one fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Domain {
    Bool,
    /// The variants, in the new version's order where it has the fact.
    Enum(Vec<String>),
    Int {
        lo: i64,
        hi: i64,
    },
}

/// One fact of a diff case. Its values are written as [`Value`]s, an enum's as its index
/// in the domain.
#[derive(Clone, Debug)]
pub(super) struct DiffFact {
    pub name: String,
    pub domain: Domain,
    /// The input fact of each version that reads it.
    pub old: Option<FactId>,
    pub new: Option<FactId>,
    /// For an enum: per value of the domain, its variant's index in each version's type.
    old_variants: Vec<u32>,
    new_variants: Vec<u32>,
}

impl DiffFact {
    /// The side's fact that reads it, if that side does.
    pub fn on(&self, side: Side) -> Option<FactId> {
        match side {
            Side::Old => self.old,
            Side::New => self.new,
        }
    }

    /// The first value of the domain: `false`, the first variant, the lowest integer.
    pub fn first(&self) -> Value {
        match self.domain {
            Domain::Bool => Value::Bool(false),
            Domain::Enum(_) => Value::Enum(0),
            Domain::Int { lo, .. } => Value::Int(lo),
        }
    }

    /// A value of the domain as the side's fact takes it.
    pub fn on_side(&self, side: Side, v: Value) -> Value {
        match v {
            Value::Enum(d) => {
                let map = match side {
                    Side::Old => &self.old_variants,
                    Side::New => &self.new_variants,
                };
                Value::Enum(map.get(d as usize).copied().unwrap_or(0))
            }
            v => v,
        }
    }

    /// A value of the domain as a user writes it.
    pub fn literal(&self, v: Value) -> Literal {
        match (&self.domain, v) {
            (Domain::Enum(vs), Value::Enum(d)) => {
                Literal::Variant(vs.get(d as usize).cloned().unwrap_or_default())
            }
            (_, Value::Int(n)) => Literal::Int(n),
            (_, Value::Bool(b)) => Literal::Bool(b),
            (_, Value::Enum(d)) => Literal::Int(i64::from(d)),
        }
    }
}

/// Every fact of the diff case, and how the two versions' facts meet.
#[derive(Clone, Debug)]
pub(super) struct Pairing {
    /// The new version's input facts (and its derived facts that are inputs of the old) in
    /// its declaration order, then the old version's input facts it does not declare.
    pub facts: Vec<DiffFact>,
    /// Per fact of each version: its place in `facts`, or `NONE` (derived facts).
    pub of_old: Vec<u32>,
    pub of_new: Vec<u32>,
    /// Per fact of the old version: the new version's fact of that name, when both are
    /// inputs of one kind or both are derived.
    pub same: Vec<Option<FactId>>,
    pub notes: Vec<String>,
    pub incomparable: Vec<SideDiagnostic>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Every fact at the first value of its domain, for witnesses.
    pub base: Arc<[(String, Literal)]>,
}

fn kind(ty: &FactType) -> u8 {
    match ty {
        FactType::Bool => 0,
        FactType::Enum(_) => 1,
        FactType::Int { .. } => 2,
    }
}

fn own(ty: &FactType) -> (Domain, Vec<u32>) {
    match ty {
        FactType::Bool => (Domain::Bool, Vec::new()),
        FactType::Enum(vs) => (Domain::Enum(vs.clone()), (0..vs.len() as u32).collect()),
        FactType::Int { lo, hi } => (Domain::Int { lo: *lo, hi: *hi }, Vec::new()),
    }
}

fn ticks(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl Pairing {
    pub fn new(old: &Policy, new: &Policy) -> Pairing {
        let mut p = Pairing {
            facts: Vec::new(),
            of_old: vec![NONE; old.facts().len()],
            of_new: vec![NONE; new.facts().len()],
            same: vec![None; old.facts().len()],
            notes: Vec::new(),
            incomparable: Vec::new(),
            added: Vec::new(),
            removed: Vec::new(),
            base: Arc::from(Vec::new()),
        };
        for (fnew, nf) in new.facts().iter().enumerate() {
            let Some(fold) = old.fact_id(&nf.name) else {
                p.added.push(nf.name.clone());
                if !nf.derived {
                    let (domain, variants) = own(&nf.ty);
                    p.push(
                        nf.name.clone(),
                        domain,
                        None,
                        Some(fnew),
                        Vec::new(),
                        variants,
                    );
                }
                continue;
            };
            let of = old.fact(fold);
            match (of.derived, nf.derived) {
                (true, true) => p.same[fold] = Some(fnew),
                (false, true) => {
                    p.notes.push(format!(
                        "fact `{}` is an input of the old version and derived in the new: diff \
                         cases give it, and only the old version reads it",
                        nf.name
                    ));
                    let (domain, variants) = own(&of.ty);
                    p.push(
                        nf.name.clone(),
                        domain,
                        Some(fold),
                        None,
                        variants,
                        Vec::new(),
                    );
                }
                (true, false) => {
                    p.notes.push(format!(
                        "fact `{}` is derived in the old version and an input of the new: diff \
                         cases give it, and only the new version reads it",
                        nf.name
                    ));
                    let (domain, variants) = own(&nf.ty);
                    p.push(
                        nf.name.clone(),
                        domain,
                        None,
                        Some(fnew),
                        Vec::new(),
                        variants,
                    );
                }
                (false, false) => p.both_inputs(old, new, fold, fnew),
            }
        }
        for (fold, of) in old.facts().iter().enumerate() {
            if new.fact_id(&of.name).is_some() {
                continue;
            }
            p.removed.push(of.name.clone());
            if !of.derived {
                let (domain, variants) = own(&of.ty);
                p.push(
                    of.name.clone(),
                    domain,
                    Some(fold),
                    None,
                    variants,
                    Vec::new(),
                );
            }
        }
        p.base = p
            .facts
            .iter()
            .map(|f| (f.name.clone(), f.literal(f.first())))
            .collect::<Vec<_>>()
            .into();
        p
    }

    fn push(
        &mut self,
        name: String,
        domain: Domain,
        old: Option<FactId>,
        new: Option<FactId>,
        old_variants: Vec<u32>,
        new_variants: Vec<u32>,
    ) {
        let i = self.facts.len() as u32;
        if let Some(f) = old {
            self.of_old[f] = i;
        }
        if let Some(f) = new {
            self.of_new[f] = i;
        }
        self.facts.push(DiffFact {
            name,
            domain,
            old,
            new,
            old_variants,
            new_variants,
        });
    }

    /// An input fact of both versions: the values both allow, or why there are none.
    fn both_inputs(&mut self, old: &Policy, new: &Policy, fold: FactId, fnew: FactId) {
        let (of, nf) = (old.fact(fold), new.fact(fnew));
        let name = nf.name.clone();
        let (old_ty, new_ty) = (of.ty.describe(), nf.ty.describe());
        let (sl, _) = old.source().line_col(of.span.start);
        let old_at = format!("{}:{sl}", old.source().name());
        if kind(&of.ty) != kind(&nf.ty) {
            let d = Diagnostic::new(
                Code::IncomparableFact,
                format!(
                    "fact `{name}` is `{old_ty}` in the old version and `{new_ty}` in the new: \
                     no diff case can give it a value both read"
                ),
            )
            .primary(
                nf.span,
                format!("declared `{new_ty}` here, `{old_ty}` at {old_at}"),
            )
            .help(format!(
                "give `{name}` the same kind of type (bool, enum or integer) in both versions, \
                 or rename it in the new one so that the two are different facts"
            ));
            return self.incomparable(d, &name);
        }
        self.same[fold] = Some(fnew);
        match (&of.ty, &nf.ty) {
            (FactType::Enum(ov), FactType::Enum(nv)) => {
                let common: Vec<(u32, u32)> = nv
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        ov.iter().position(|x| x == v).map(|j| (j as u32, i as u32))
                    })
                    .collect();
                if common.is_empty() {
                    self.same[fold] = None;
                    let d = Diagnostic::new(
                        Code::IncomparableFact,
                        format!(
                            "fact `{name}` has no variant in both versions: `{old_ty}` in the \
                             old, `{new_ty}` in the new"
                        ),
                    )
                    .primary(
                        nf.span,
                        format!("declared `{new_ty}` here, `{old_ty}` at {old_at}"),
                    )
                    .help(format!(
                        "keep a variant of the old type in the new one, or rename `{name}` in \
                         the new version so that the two are different facts"
                    ));
                    return self.incomparable(d, &name);
                }
                for (side, theirs, ours) in [("old", ov, nv), ("new", nv, ov)] {
                    let only: Vec<&str> = theirs
                        .iter()
                        .filter(|v| !ours.contains(v))
                        .map(String::as_str)
                        .collect();
                    if !only.is_empty() {
                        let (what, them) = if only.len() == 1 {
                            ("is a variant", "it")
                        } else {
                            ("are variants", "them")
                        };
                        self.notes.push(format!(
                            "fact `{name}`: {} {what} of the {side} version only, so no diff \
                             case gives {them}",
                            ticks(&only)
                        ));
                    }
                }
                let variants: Vec<String> = common
                    .iter()
                    .map(|&(_, i)| nv[i as usize].clone())
                    .collect();
                let (olds, news) = common.into_iter().unzip();
                self.push(
                    name,
                    Domain::Enum(variants),
                    Some(fold),
                    Some(fnew),
                    olds,
                    news,
                );
            }
            (&FactType::Int { lo: ol, hi: oh }, &FactType::Int { lo: nl, hi: nh }) => {
                let (lo, hi) = (ol.max(nl), oh.min(nh));
                if lo > hi {
                    self.same[fold] = None;
                    let d = Diagnostic::new(
                        Code::IncomparableFact,
                        format!(
                            "fact `{name}` has no value in both versions: `{old_ty}` in the old, \
                             `{new_ty}` in the new"
                        ),
                    )
                    .primary(
                        nf.span,
                        format!("declared `{new_ty}` here, `{old_ty}` at {old_at}"),
                    )
                    .help(format!(
                        "let the two ranges overlap, or rename `{name}` in the new version so \
                         that the two are different facts"
                    ));
                    return self.incomparable(d, &name);
                }
                if (ol, oh) != (nl, nh) {
                    self.notes.push(format!(
                        "fact `{name}` is `{old_ty}` in the old version and `{new_ty}` in the \
                         new, so diff cases give it `{lo}..{hi}`"
                    ));
                }
                self.push(
                    name,
                    Domain::Int { lo, hi },
                    Some(fold),
                    Some(fnew),
                    Vec::new(),
                    Vec::new(),
                );
            }
            _ => self.push(
                name,
                Domain::Bool,
                Some(fold),
                Some(fnew),
                Vec::new(),
                Vec::new(),
            ),
        }
    }

    fn incomparable(&mut self, d: Diagnostic, name: &str) {
        let mut d = d;
        d.name = Some(name.to_string());
        self.incomparable.push(SideDiagnostic {
            side: Side::New,
            diagnostic: d,
        });
    }

    /// The diff fact a side's fact is, if it is one.
    pub fn of(&self, side: Side, f: FactId) -> Option<usize> {
        let v = match side {
            Side::Old => self.of_old[f],
            Side::New => self.of_new[f],
        };
        (v != NONE).then_some(v as usize)
    }

    /// A side's case with every fact of the diff case at the first value of its domain
    /// (and the side's other facts at the first value of their type).
    pub fn base_case(&self, policy: &Policy, side: Side) -> Case {
        let mut case = Case {
            values: policy
                .facts()
                .iter()
                .map(|f| super::inputs::default_value(&f.ty))
                .collect(),
        };
        for f in &self.facts {
            if let Some(id) = f.on(side) {
                case.values[id] = f.on_side(side, f.first());
            }
        }
        case
    }

    /// The witness of a diff case given by some facts' values (the others at the first
    /// value of their domain).
    pub fn witness(&self, values: &[(usize, Value)]) -> Witness {
        let mut changed: Vec<(u32, Literal)> = values
            .iter()
            .filter(|&&(d, v)| v != self.facts[d].first())
            .map(|&(d, v)| (d as u32, self.facts[d].literal(v)))
            .collect();
        changed.sort_by_key(|x| x.0);
        changed.dedup_by_key(|x| x.0);
        Witness::new(self.base.clone(), changed)
    }
}
