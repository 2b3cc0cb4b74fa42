//! Three-valued evaluation of a partial case: every fact, firing and conclusion is true,
//! false or unknown (Kleene's logic), so that what the given facts already settle is known
//! without a solver. Sound, not complete: what it calls settled is settled in every
//! completion; what it leaves unknown may still be settled, which the solver decides.

use super::index::Index;
use super::world::Overrides;
use crate::model::{
    ActionId, CmpOp, Cond, DefaultVerdict, FactType, Modality, PartialCase, Policy, RuleKind,
    Value, Verdict,
};

/// True, false or unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    /// Holds in every completion.
    True,
    /// Holds in none.
    False,
    /// Not settled by what is given.
    Unknown,
}

impl Tri {
    fn of(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }

    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    fn or(self, other: Tri) -> Tri {
        self.not().and(other.not()).not()
    }

    /// The settled value, if there is one.
    pub fn known(self) -> Option<bool> {
        match self {
            Tri::True => Some(true),
            Tri::False => Some(false),
            Tri::Unknown => None,
        }
    }
}

/// What three-valued evaluation settles: each fact's value (given, derived, or unknown) and
/// each rule's firing.
pub struct Settled {
    /// Per fact: for a bool fact its value; for an enum or integer fact `True` when given.
    pub facts: Vec<Tri>,
    /// Per rule: whether it fires.
    pub fires: Vec<Tri>,
}

/// Evaluates the facts and firings of a partial case, derived facts in derivation order.
pub fn settle(policy: &Policy, index: &Index, case: &PartialCase) -> Settled {
    let mut s = Settled {
        facts: case
            .values
            .iter()
            .map(|v| match v {
                Some(Value::Bool(b)) => Tri::of(*b),
                Some(_) => Tri::True,
                None => Tri::Unknown,
            })
            .collect(),
        fires: vec![Tri::Unknown; policy.rules().len()],
    };
    let mut done = vec![false; policy.rules().len()];
    for &f in policy.derivation_order() {
        let mut v = Tri::False;
        for &r in &index.concluders[f] {
            if !done[r] {
                done[r] = true;
                s.fires[r] = fires(policy, r, case, &s.facts);
            }
            v = v.or(s.fires[r]);
        }
        s.facts[f] = v;
    }
    for (r, &done) in done.iter().enumerate() {
        if !done {
            s.fires[r] = fires(policy, r, case, &s.facts);
        }
    }
    s
}

fn fires(policy: &Policy, r: usize, case: &PartialCase, facts: &[Tri]) -> Tri {
    match &policy.rule(r).kind {
        RuleKind::Conditional { when, unless } => {
            let w = when
                .as_ref()
                .map_or(Tri::True, |c| cond(policy, c, case, facts));
            let u = unless
                .as_ref()
                .map_or(Tri::False, |c| cond(policy, c, case, facts));
            w.and(u.not())
        }
        RuleKind::Requirement { condition, .. } => cond(policy, condition, case, facts).not(),
    }
}

/// A condition's value. Conditions nest at most as deep as the parser allows.
fn cond(policy: &Policy, c: &Cond, case: &PartialCase, facts: &[Tri]) -> Tri {
    match c {
        Cond::Const(b) => Tri::of(*b),
        Cond::Fact(f) => facts[*f],
        Cond::OneOf(f, set, _) => match case.values[*f] {
            Some(Value::Enum(v)) => Tri::of(set.get(v as usize).copied().unwrap_or(false)),
            _ if set.iter().all(|b| *b) => Tri::True,
            _ if set.iter().all(|b| !*b) => Tri::False,
            _ => Tri::Unknown,
        },
        Cond::Compare(f, op, n) => match (case.values[*f], &policy.fact(*f).ty) {
            (Some(Value::Int(v)), _) => Tri::of(op.holds(v, *n)),
            (_, FactType::Int { lo, hi }) => compare_range(*op, *lo, *hi, *n),
            _ => Tri::Unknown,
        },
        Cond::Not(x) => cond(policy, x, case, facts).not(),
        Cond::And(xs) => xs
            .iter()
            .fold(Tri::True, |acc, x| acc.and(cond(policy, x, case, facts))),
        Cond::Or(xs) => xs
            .iter()
            .fold(Tri::False, |acc, x| acc.or(cond(policy, x, case, facts))),
    }
}

/// `x op n` for every `x` in `lo..=hi`: settled when it holds for all or for none.
fn compare_range(op: CmpOp, lo: i64, hi: i64, n: i64) -> Tri {
    let (at_lo, at_hi) = (op.holds(lo, n), op.holds(hi, n));
    match op {
        // Monotone in x: the two ends decide.
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge if at_lo == at_hi => Tri::of(at_lo),
        CmpOp::Eq if n < lo || n > hi => Tri::False,
        CmpOp::Eq if lo == hi => Tri::True,
        CmpOp::Ne if n < lo || n > hi => Tri::True,
        CmpOp::Ne if lo == hi => Tri::False,
        _ => Tri::Unknown,
    }
}

/// The verdict on action `a` if the firings settle it, from steps 4 to 6 in three values.
pub fn verdict(
    policy: &Policy,
    index: &Index,
    overrides: &Overrides,
    a: ActionId,
    fires: &[Tri],
) -> Option<Verdict> {
    let n = overrides.rules.len();
    let fire: Vec<Tri> = overrides.rules.iter().map(|&r| fires[r]).collect();
    // removed[i]: some rule overriding rule i fires; every overrider is listed, so no
    // cover is needed for exactness (the solver's encoding shares the work instead).
    let removed: Vec<Tri> = (0..n)
        .map(|i| {
            overrides.over[i]
                .iter()
                .fold(Tri::False, |acc, &w| acc.or(fire[w as usize]))
        })
        .collect();
    let conclusions = &index.on_action[a];
    let kept4: Vec<Tri> = conclusions
        .iter()
        .map(|&(r, _)| {
            let i = overrides.position(r);
            fire[i].and(removed[i].not())
        })
        .collect();
    let req = conclusions
        .iter()
        .zip(&kept4)
        .filter(|((r, _), _)| policy.rule(*r).is_requirement())
        .fold(Tri::False, |acc, (_, &k)| acc.or(k));
    let (mut mn, mut may, mut must) = (false, false, false);
    for (&(_, m), &k) in conclusions.iter().zip(&kept4) {
        let k = if m == Modality::May {
            k.and(req.not())
        } else {
            k
        };
        match (k.known()?, m) {
            (false, _) => {}
            (true, Modality::MustNot) => mn = true,
            (true, Modality::May) => may = true,
            (true, Modality::Must) => must = true,
        }
    }
    Some(match (mn, may || must) {
        (true, true) => Verdict::Conflict,
        (true, false) => Verdict::Forbidden,
        (false, _) if must => Verdict::Required,
        (false, _) if may => Verdict::Permitted,
        _ => match policy.action(a).default {
            Some(DefaultVerdict::Permitted) => Verdict::Permitted,
            Some(DefaultVerdict::Forbidden) => Verdict::Forbidden,
            None => Verdict::Undecided,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::{Tri, compare_range};
    use crate::model::CmpOp;

    #[test]
    fn a_comparison_is_settled_when_the_range_settles_it() {
        assert_eq!(compare_range(CmpOp::Gt, 0, 10, 20), Tri::False);
        assert_eq!(compare_range(CmpOp::Gt, 0, 10, -1), Tri::True);
        assert_eq!(compare_range(CmpOp::Gt, 0, 10, 5), Tri::Unknown);
        assert_eq!(compare_range(CmpOp::Eq, 0, 10, 11), Tri::False);
        assert_eq!(compare_range(CmpOp::Eq, 3, 3, 3), Tri::True);
        assert_eq!(compare_range(CmpOp::Ne, 3, 3, 3), Tri::False);
        assert_eq!(compare_range(CmpOp::Ne, 0, 10, 4), Tri::Unknown);
        assert_eq!(compare_range(CmpOp::Le, 0, 10, 10), Tri::True);
    }

    #[test]
    fn kleene_logic_keeps_what_is_settled() {
        assert_eq!(Tri::Unknown.and(Tri::False), Tri::False);
        assert_eq!(Tri::Unknown.or(Tri::True), Tri::True);
        assert_eq!(Tri::Unknown.or(Tri::False), Tri::Unknown);
    }
}
