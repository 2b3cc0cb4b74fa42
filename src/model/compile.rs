//! The policy compiled for evaluation, once, when it is built.
//!
//! Every fact has a slot: bool facts (input and derived) a bit, enum and integer facts a
//! value. Each rule's condition is branch code: a flat list of tests on one fact each,
//! with a jump for either answer, so evaluating it reads a few slots and allocates nothing.
//! Rules run in an order where every derived fact is complete before a condition reads it.
//! Per action, the conclusions on it are listed in source order with bit masks over that
//! list: which are `may`, `must`, `must not`, which come from requirements, and, per
//! conclusion, which of the others override its rule (transitively).

use super::policy::Policy;
use super::rule::{CmpOp, Cond, Modality, RuleKind, Target};
use super::types::{ActionId, DefaultVerdict, FactId, FactType, RuleId};

/// The jump target meaning "the condition holds".
pub const YES: u32 = u32::MAX;
/// The jump target meaning "the condition fails".
pub const NO: u32 = u32::MAX - 1;

/// A test on one fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Test {
    /// A bool fact holds (its bit).
    Bit(u32),
    /// An enum fact (its slot) has a variant in the mask; enums of up to 64 variants.
    Mask(u32, u64),
    /// A larger enum fact (its slot): variant `v` is in when `Program::table[offset + v]`.
    Table(u32, u32),
    /// An integer fact (its slot) lies in `lo..=hi`.
    Range(u32, i64, i64),
}

/// One test and where to go on either answer: an index into the code, `YES` or `NO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Branch {
    pub test: Test,
    pub yes: u32,
    pub no: u32,
}

/// Where a fact's value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Bit(u32),
    Value(u32),
}

/// One rule to evaluate: its first branch and the derived bits it sets when it fires
/// (`Program::sets[sets.0..sets.1]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub rule: u32,
    pub entry: u32,
    pub sets: (u32, u32),
}

/// One action's conclusions and their masks.
#[derive(Clone, Debug, Default)]
pub struct ActionCode {
    /// The conclusions are `Program::concl_rule[start..start + len]`.
    pub start: u32,
    pub len: u32,
    /// Words per mask: `len.div_ceil(64)`.
    pub words: u32,
    /// The masks `may`, `must`, `must not`, `requirement`, each `words` long, start here
    /// in `Program::masks`.
    pub masks: u32,
    /// Conclusions that some other conclusion on this action overrides:
    /// `Program::overriders[overridden.0..overridden.1]`.
    pub overridden: (u32, u32),
    pub default: Option<DefaultVerdict>,
    /// For an action of at most 64 conclusions, the masks themselves: `may`, `must`,
    /// `must not`, `requirement`.
    pub small: [u64; 4],
    /// Bit `i` set when conclusion `i` has the rule of conclusion `i - 1` (one word).
    pub same_rule: u64,
    /// The most conclusions one rule has on the action.
    pub longest_run: u32,
}

/// A conclusion that other conclusions on the same action can remove (step 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overridden {
    /// Its index among the action's conclusions.
    pub index: u32,
    /// The overriders, as `(word, mask)` pairs in `Program::sparse[from..to]`.
    pub from: u32,
    pub to: u32,
}

#[derive(Clone, Debug, Default)]
pub struct Program {
    pub slots: Vec<Slot>,
    /// Per fact: whether it is an enum fact (its slot holds a variant index).
    pub enums: Vec<bool>,
    /// Number of bool facts, and of enum and integer facts.
    pub bits: usize,
    pub values: usize,
    /// The bits of derived facts, cleared before each case.
    pub derived_bits: Vec<u32>,
    /// Input bool facts and their bits; input enum and integer facts and their slots.
    pub input_bits: Vec<(u32, u32)>,
    pub input_values: Vec<(u32, u32)>,
    pub code: Vec<Branch>,
    pub table: Vec<bool>,
    /// Each rule's first branch (or `YES`/`NO` when constant).
    pub entry: Vec<u32>,
    /// The rules in evaluation order.
    pub steps: Vec<Step>,
    /// Per rule: its position in `steps`.
    pub step_of: Vec<u32>,
    /// The derived bits of `Step::sets`.
    pub sets: Vec<u32>,
    pub actions: Vec<ActionCode>,
    pub concl_rule: Vec<u32>,
    pub masks: Vec<u64>,
    pub overriders: Vec<Overridden>,
    pub sparse: Vec<(u32, u64)>,
    /// The largest `ActionCode::words`.
    pub max_words: usize,
}

pub(super) fn compile(policy: &Policy) -> Program {
    let mut program = Program::default();
    for fact in &policy.facts {
        let slot = match fact.ty {
            FactType::Bool => {
                program.bits += 1;
                Slot::Bit(program.bits as u32 - 1)
            }
            _ => {
                program.values += 1;
                Slot::Value(program.values as u32 - 1)
            }
        };
        program.slots.push(slot);
        program.enums.push(matches!(fact.ty, FactType::Enum(_)));
    }
    program.derived_bits = policy
        .derived_facts()
        .filter_map(|f| match program.slots[f] {
            Slot::Bit(b) => Some(b),
            Slot::Value(_) => None,
        })
        .collect();
    for f in policy.input_facts() {
        match program.slots[f] {
            Slot::Bit(b) => program.input_bits.push((f as u32, b)),
            Slot::Value(v) => program.input_values.push((f as u32, v)),
        }
    }
    for rule in &policy.rules {
        let entry = match &rule.kind {
            RuleKind::Conditional { when, unless } => {
                let after = match unless {
                    Some(u) => program.emit(u, NO, YES),
                    None => YES,
                };
                match when {
                    Some(w) => program.emit(w, after, NO),
                    None => after,
                }
            }
            RuleKind::Requirement { condition } => program.emit(condition, NO, YES),
        };
        program.entry.push(entry);
    }
    schedule(policy, &mut program);
    // The conclusions on each action, in source order, gathered in one pass.
    let mut on: Vec<Vec<(u32, Modality, bool)>> = vec![Vec::new(); policy.actions.len()];
    for (r, rule) in policy.rules.iter().enumerate() {
        for c in &rule.conclusions {
            if let Target::Action(a, m) = c.target {
                on[a].push((r as u32, m, rule.is_requirement()));
            }
        }
    }
    for (a, on_a) in on.iter().enumerate() {
        action(policy, &mut program, a, on_a);
    }
    program
}

impl Program {
    /// Emits `c` so that it continues at `yes` when it holds and at `no` when not; returns
    /// its entry. Emitted back to front, so that the targets are known.
    fn emit(&mut self, c: &Cond, yes: u32, no: u32) -> u32 {
        let slot = |f: FactId| match self.slots[f] {
            Slot::Bit(b) | Slot::Value(b) => b,
        };
        let test = match c {
            Cond::Const(true) => return yes,
            Cond::Const(false) => return no,
            Cond::Not(x) => return self.emit(x, no, yes),
            Cond::And(xs) => {
                return xs.iter().rev().fold(yes, |next, x| self.emit(x, next, no));
            }
            Cond::Or(xs) => {
                return xs.iter().rev().fold(no, |next, x| self.emit(x, yes, next));
            }
            Cond::Fact(f) => match self.slots[*f] {
                Slot::Bit(b) => Test::Bit(b),
                // Only bool facts stand alone; the checker rejects the rest.
                Slot::Value(_) => return no,
            },
            Cond::OneOf(f, set, _) => {
                if set.len() <= 64 {
                    let mask = set
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| **b)
                        .fold(0u64, |m, (i, _)| m | 1 << i);
                    Test::Mask(slot(*f), mask)
                } else {
                    let offset = self.table.len() as u32;
                    self.table.extend_from_slice(set);
                    Test::Table(slot(*f), offset)
                }
            }
            Cond::Compare(f, op, n) => {
                let n = i128::from(*n);
                let (lo, hi, negate) = match op {
                    CmpOp::Eq => (n, n, false),
                    CmpOp::Ne => (n, n, true),
                    CmpOp::Lt => (i128::MIN, n - 1, false),
                    CmpOp::Le => (i128::MIN, n, false),
                    CmpOp::Gt => (n + 1, i128::MAX, false),
                    CmpOp::Ge => (n, i128::MAX, false),
                };
                let (yes, no) = if negate { (no, yes) } else { (yes, no) };
                let clamp = |x: i128| x.clamp(i64::MIN.into(), i64::MAX.into()) as i64;
                if lo > hi || lo > i64::MAX.into() || hi < i64::MIN.into() {
                    return no;
                }
                let test = Test::Range(slot(*f), clamp(lo), clamp(hi));
                return self.push(test, yes, no);
            }
        };
        self.push(test, yes, no)
    }

    fn push(&mut self, test: Test, yes: u32, no: u32) -> u32 {
        self.code.push(Branch { test, yes, no });
        self.code.len() as u32 - 1
    }
}

/// The rule order: each derived fact's rules before any rule that reads it.
fn schedule(policy: &Policy, program: &mut Program) {
    let n = policy.rules.len();
    let mut concluders: Vec<Vec<RuleId>> = vec![Vec::new(); policy.facts.len()];
    let mut sets: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (r, rule) in policy.rules.iter().enumerate() {
        for c in &rule.conclusions {
            if let Target::Fact(f) = c.target
                && let Slot::Bit(b) = program.slots[f]
                && !sets[r].contains(&b)
            {
                sets[r].push(b);
                concluders[f].push(r);
            }
        }
    }
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for &f in policy.derivation_order() {
        for &r in &concluders[f] {
            if !placed[r] {
                placed[r] = true;
                order.push(r);
            }
        }
    }
    order.extend((0..n).filter(|&r| !placed[r]));
    program.step_of = vec![0; n];
    for (position, &r) in order.iter().enumerate() {
        program.step_of[r] = position as u32;
    }
    for r in order {
        let from = program.sets.len() as u32;
        program.sets.extend_from_slice(&sets[r]);
        program.steps.push(Step {
            rule: r as u32,
            entry: program.entry[r],
            sets: (from, program.sets.len() as u32),
        });
    }
}

fn action(policy: &Policy, program: &mut Program, a: ActionId, on_a: &[(u32, Modality, bool)]) {
    let start = program.concl_rule.len();
    let mut mods = Vec::with_capacity(on_a.len());
    for &(r, m, req) in on_a {
        program.concl_rule.push(r);
        mods.push((m, req));
    }
    let len = mods.len();
    let words = len.div_ceil(64);
    program.max_words = program.max_words.max(words);
    let masks = program.masks.len();
    program.masks.resize(masks + 4 * words, 0);
    for (i, &(m, req)) in mods.iter().enumerate() {
        let which = match m {
            Modality::May => 0,
            Modality::Must => 1,
            Modality::MustNot => 2,
        };
        program.masks[masks + which * words + i / 64] |= 1 << (i % 64);
        if req {
            program.masks[masks + 3 * words + i / 64] |= 1 << (i % 64);
        }
    }
    let from = program.overriders.len();
    let rules = &program.concl_rule[start..];
    for (i, &r) in rules.iter().enumerate() {
        if !policy.is_overridden(r as usize) {
            continue;
        }
        let at = program.sparse.len();
        for (j, &w) in rules.iter().enumerate() {
            if policy.overrides(w as usize, r as usize) {
                let word = (j / 64) as u32;
                match program.sparse[at..].last_mut() {
                    Some((x, m)) if *x == word => *m |= 1 << (j % 64),
                    _ => program.sparse.push((word, 1 << (j % 64))),
                }
            }
        }
        if program.sparse.len() > at {
            program.overriders.push(Overridden {
                index: i as u32,
                from: at as u32,
                to: program.sparse.len() as u32,
            });
        }
    }
    program.actions.push(ActionCode {
        start: start as u32,
        len: len as u32,
        words: words as u32,
        masks: masks as u32,
        overridden: (from as u32, program.overriders.len() as u32),
        default: policy.actions[a].default,
        longest_run: {
            let rules = &program.concl_rule[start..];
            rules
                .chunk_by(|a, b| a == b)
                .map(|c| c.len() as u32)
                .max()
                .unwrap_or(0)
        },
        same_rule: (1..len.min(64))
            .filter(|&i| program.concl_rule[start + i] == program.concl_rule[start + i - 1])
            .fold(0, |m, i| m | 1 << i),
        small: if words == 1 {
            [0, 1, 2, 3].map(|i| program.masks[masks + i])
        } else {
            [0; 4]
        },
    });
}
