//! The evaluator over a compiled policy ([`crate::model::compile`]): a case is a bit array
//! of bool facts and a value array of enum and integer facts; evaluating it fills reusable
//! buffers and allocates nothing.

use super::{ActionVerdict, Outcome, Verdict};
use crate::model::compile::{Branch, NO, Program, Slot, Test, YES};
use crate::model::{ActionId, Case, DefaultVerdict, FactId, Policy, RuleId, Value};

/// Evaluates cases of one policy, one at a time, in buffers it keeps.
///
/// ```
/// let policy = deontic::Policy::parse("p.policy", "fact a\naction x\nif a then may x").unwrap();
/// let mut ev = deontic::eval::Evaluator::new(&policy);
/// let case = policy.case().set("a", true).build().unwrap();
/// ev.evaluate(&case);
/// assert_eq!(ev.verdict(0), deontic::Verdict::Permitted);
/// assert_eq!(ev.by(0), [0]);
/// ```
#[derive(Clone, Debug)]
pub struct Evaluator<'p> {
    policy: &'p Policy,
    prog: &'p Program,
    /// Its buffers, boxed so that taking them from the thread and back moves a pointer.
    b: Box<Buffers>,
}

/// An evaluator's buffers without the policy they were sized for, to be used again.
#[derive(Clone, Debug, Default)]
pub(crate) struct Buffers {
    bits: Vec<u64>,
    values: Vec<i64>,
    fired: Vec<u64>,
    kept: Vec<u64>,
    removed: Vec<u64>,
    verdicts: Vec<Verdict>,
    /// The `by` lists of all actions, one after another; `by_end[a]` ends action `a`'s.
    by: Vec<RuleId>,
    by_end: Vec<u32>,
}

/// Makes a buffer `len` elements long. One of the right length is kept as it is: every
/// buffer is set before it is read (inputs by `load` or `clear`, the rest by `run`).
fn size<T: Clone>(v: &mut Vec<T>, len: usize, fill: T) {
    if v.len() != len {
        v.clear();
        v.resize(len, fill);
    }
}

impl<'p> Evaluator<'p> {
    /// An evaluator for `policy`, its buffers sized once.
    pub fn new(policy: &'p Policy) -> Self {
        Evaluator::reusing(policy, Box::default())
    }

    /// An evaluator for `policy` in buffers that served another evaluator.
    pub(crate) fn reusing(policy: &'p Policy, mut b: Box<Buffers>) -> Self {
        let prog = policy.program();
        let (actions, rules) = (policy.actions().len(), policy.rules().len());
        b.by.clear();
        b.by.reserve(rules);
        size(&mut b.bits, prog.bits.div_ceil(64), 0);
        size(&mut b.values, prog.values, 0);
        size(&mut b.fired, rules.div_ceil(64), 0);
        size(&mut b.kept, prog.max_words, 0);
        size(&mut b.removed, prog.max_words, 0);
        size(&mut b.verdicts, actions, Verdict::Undecided);
        size(&mut b.by_end, actions, 0);
        Evaluator { policy, prog, b }
    }

    /// Gives back the buffers, for [`reusing`](Self::reusing).
    pub(crate) fn into_buffers(self) -> Box<Buffers> {
        self.b
    }

    /// The policy it evaluates.
    pub fn policy(&self) -> &'p Policy {
        self.policy
    }

    /// Clears the input: every bool fact false, every other fact its lowest value.
    pub fn clear(&mut self) {
        self.b.bits.fill(0);
        self.b.values.fill(0);
    }

    /// Sets a fact's value (derived facts are computed by [`run`](Self::run)).
    #[inline]
    pub fn set(&mut self, fact: FactId, value: Value) {
        match (self.prog.slots[fact], value) {
            (Slot::Bit(b), Value::Bool(v)) => self.set_bit(b, v),
            (Slot::Value(s), Value::Enum(v)) => self.b.values[s as usize] = i64::from(v),
            (Slot::Value(s), Value::Int(v)) => self.b.values[s as usize] = v,
            _ => {}
        }
    }

    #[inline]
    pub(crate) fn set_bit(&mut self, bit: u32, v: bool) {
        let (w, m) = (bit as usize / 64, 1u64 << (bit % 64));
        if v {
            self.b.bits[w] |= m;
        } else {
            self.b.bits[w] &= !m;
        }
    }

    #[inline]
    pub(crate) fn set_value(&mut self, slot: u32, v: i64) {
        self.b.values[slot as usize] = v;
    }

    /// Loads a case's input facts.
    pub fn load(&mut self, case: &Case) {
        let prog = self.prog;
        self.b.bits.fill(0);
        for &(f, b) in &prog.input_bits {
            let on = u64::from(case.values[f as usize] == Value::Bool(true));
            self.b.bits[b as usize / 64] |= on << (b % 64);
        }
        for &(f, s) in &prog.input_values {
            self.b.values[s as usize] = match case.values[f as usize] {
                Value::Enum(v) => i64::from(v),
                Value::Int(v) => v,
                Value::Bool(_) => 0,
            };
        }
    }

    /// Loads and evaluates a case.
    pub fn evaluate(&mut self, case: &Case) {
        self.load(case);
        self.run();
    }

    /// Evaluates the loaded input: derived facts, firings, then every action's verdict.
    pub fn run(&mut self) {
        let prog = self.prog;
        for &b in &prog.derived_bits {
            self.set_bit(b, false);
        }
        self.b.fired.fill(0);
        for step in &prog.steps {
            let fires = u64::from(self.holds(step.entry));
            let r = step.rule as usize;
            self.b.fired[r / 64] |= fires << (r % 64);
            for &b in &prog.sets[step.sets.0 as usize..step.sets.1 as usize] {
                self.b.bits[b as usize / 64] |= fires << (b % 64);
            }
        }
        self.b.by.clear();
        for a in 0..prog.actions.len() {
            self.decide(a);
        }
    }

    /// The positions, in evaluation order, of the steps of `rules`: what
    /// [`run_steps`](Self::run_steps) takes to evaluate only those rules.
    pub(crate) fn steps_of(&self, rules: &[RuleId]) -> Vec<u32> {
        let mut steps: Vec<u32> = rules.iter().map(|&r| self.prog.step_of[r]).collect();
        steps.sort_unstable();
        steps
    }

    /// Evaluates only some rules of the loaded input (the steps from
    /// [`steps_of`](Self::steps_of), which must hold every rule deriving a fact they read);
    /// no verdict is decided. The other rules count as not fired.
    pub(crate) fn run_steps(&mut self, steps: &[u32]) {
        let prog = self.prog;
        for &b in &prog.derived_bits {
            self.set_bit(b, false);
        }
        self.b.fired.fill(0);
        for &position in steps {
            let step = prog.steps[position as usize];
            let fires = u64::from(self.holds(step.entry));
            let r = step.rule as usize;
            self.b.fired[r / 64] |= fires << (r % 64);
            for &b in &prog.sets[step.sets.0 as usize..step.sets.1 as usize] {
                self.b.bits[b as usize / 64] |= fires << (b % 64);
            }
        }
    }

    /// Decides one action from the rules' firings as they are, and returns its verdict and
    /// `by` list; the other actions' results are left unspecified.
    pub(crate) fn decide_alone(&mut self, a: ActionId) -> (Verdict, &[RuleId]) {
        self.b.by.clear();
        self.decide(a);
        (self.b.verdicts[a], &self.b.by)
    }

    /// Marks a rule fired or not, for [`decide_alone`](Self::decide_alone).
    pub(crate) fn set_fired(&mut self, r: RuleId, fired: bool) {
        let (w, m) = (r / 64, 1u64 << (r % 64));
        if fired {
            self.b.fired[w] |= m;
        } else {
            self.b.fired[w] &= !m;
        }
    }

    /// Runs branch code from `pc` to `YES` or `NO`.
    #[inline]
    fn holds(&self, mut pc: u32) -> bool {
        let code: &[Branch] = &self.prog.code;
        while pc < NO {
            let b = code[pc as usize];
            // Bool facts are the common test: a branch the predictor learns, before the
            // jump table.
            if let Test::Bit(i) = b.test {
                let t = self.b.bits[i as usize / 64] >> (i % 64) & 1 == 1;
                pc = if t { b.yes } else { b.no };
                continue;
            }
            let t = match b.test {
                Test::Bit(i) => self.b.bits[i as usize / 64] >> (i % 64) & 1 == 1,
                Test::Mask(s, m) => {
                    let v = self.b.values[s as usize] as u64;
                    v < 64 && m >> v & 1 == 1
                }
                Test::Table(s, off) => {
                    let v = self.b.values[s as usize];
                    self.prog.table[off as usize + v as usize]
                }
                Test::Range(s, lo, hi) => {
                    let v = self.b.values[s as usize];
                    lo <= v && v <= hi
                }
            };
            pc = if t { b.yes } else { b.no };
        }
        pc == YES
    }

    #[inline]
    fn rule_fired(&self, r: u32) -> bool {
        self.b.fired[r as usize / 64] >> (r % 64) & 1 == 1
    }

    /// Steps 3 to 6 for one action.
    fn decide(&mut self, a: ActionId) {
        let prog = self.prog;
        let code = &prog.actions[a];
        let (start, len, words) = (code.start as usize, code.len as usize, code.words as usize);
        let rules = &prog.concl_rule[start..start + len];
        if words == 1 {
            return self.decide_small(a);
        }
        // Step 3: the conclusions of rules that fired.
        let kept = &mut self.b.kept[..words];
        kept.fill(0);
        let mut any = false;
        for (i, &r) in rules.iter().enumerate() {
            if self.b.fired[r as usize / 64] >> (r % 64) & 1 == 1 {
                kept[i / 64] |= 1 << (i % 64);
                any = true;
            }
        }
        let verdict = if !any {
            default_verdict(code.default)
        } else {
            // Step 4: decided on K as it was, so removals are collected first.
            let (from, to) = code.overridden;
            let removed = &mut self.b.removed[..words];
            removed.fill(0);
            for o in &prog.overriders[from as usize..to as usize] {
                let i = o.index as usize;
                if kept[i / 64] >> (i % 64) & 1 == 1
                    && prog.sparse[o.from as usize..o.to as usize]
                        .iter()
                        .any(|&(w, m)| kept[w as usize] & m != 0)
                {
                    removed[i / 64] |= 1 << (i % 64);
                }
            }
            kept.iter_mut()
                .zip(removed.iter())
                .for_each(|(k, r)| *k &= !r);
            let masks = &prog.masks[code.masks as usize..code.masks as usize + 4 * words];
            let (may, rest) = masks.split_at(words);
            let (must, rest) = rest.split_at(words);
            let (must_not, req) = rest.split_at(words);
            // Step 5: a requirement's conclusion removes every permission.
            if kept.iter().zip(req).any(|(k, m)| k & m != 0) {
                kept.iter_mut().zip(may).for_each(|(k, m)| *k &= !m);
            }
            // Step 6.
            let has = |mask: &[u64]| kept.iter().zip(mask).any(|(k, m)| k & m != 0);
            let (mn, ma, mu) = (has(must_not), has(may), has(must));
            if mn && (ma || mu) {
                Verdict::Conflict
            } else if mu {
                Verdict::Required
            } else if ma {
                Verdict::Permitted
            } else if mn {
                Verdict::Forbidden
            } else {
                default_verdict(code.default)
            }
        };
        if any {
            let mut last = u32::MAX;
            for (w, &k) in self.b.kept[..words].iter().enumerate() {
                let mut x = k;
                while x != 0 {
                    let r = rules[w * 64 + x.trailing_zeros() as usize];
                    if r != last {
                        self.b.by.push(r as RuleId);
                        last = r;
                    }
                    x &= x - 1;
                }
            }
        }
        self.b.verdicts[a] = verdict;
        self.b.by_end[a] = self.b.by.len() as u32;
    }

    /// [`decide`](Self::decide) for an action with at most 64 conclusions: the masks are
    /// single words.
    #[inline]
    fn decide_small(&mut self, a: ActionId) {
        let prog = self.prog;
        let code = &prog.actions[a];
        let start = code.start as usize;
        let rules = &prog.concl_rule[start..start + code.len as usize];
        let mut k = 0u64;
        for (i, &r) in rules.iter().enumerate() {
            k |= (self.b.fired[r as usize / 64] >> (r % 64) & 1) << i;
        }
        let [may, must, must_not, req] = code.small;
        // Branch-free: which conclusions remain does not show in the control flow, so that
        // varied cases cost what a repeated one does.
        let (from, to) = code.overridden;
        let mut removed = 0u64;
        for o in &prog.overriders[from as usize..to as usize] {
            // One word: the overriders are the one mask.
            let over = prog.sparse[o.from as usize].1;
            removed |= (k >> o.index & u64::from(k & over != 0)) << o.index;
        }
        k &= !removed;
        k &= !(may & 0u64.wrapping_sub(u64::from(k & req != 0)));
        let index = usize::from(k & must_not != 0)
            | usize::from(k & may != 0) << 1
            | usize::from(k & must != 0) << 2;
        let verdict = if index == 0 {
            default_verdict(code.default)
        } else {
            FROM_PRESENT[index]
        };
        // `by`: each rule once, although a rule may have two conclusions on the action.
        let same = code.same_rule;
        let mut seen = k;
        for _ in 2..code.longest_run {
            seen = k | (same & seen << 1);
        }
        let mut k = k & !(same & seen << 1);
        while k != 0 {
            self.b.by.push(rules[k.trailing_zeros() as usize] as RuleId);
            k &= k - 1;
        }
        self.b.verdicts[a] = verdict;
        self.b.by_end[a] = self.b.by.len() as u32;
    }

    /// The verdict on an action after [`run`](Self::run).
    #[inline]
    pub fn verdict(&self, a: ActionId) -> Verdict {
        self.b.verdicts[a]
    }

    /// The rules whose conclusions decided an action, in source order.
    #[inline]
    pub fn by(&self, a: ActionId) -> &[RuleId] {
        let start = if a == 0 { 0 } else { self.b.by_end[a - 1] };
        &self.b.by[start as usize..self.b.by_end[a] as usize]
    }

    /// Whether a rule fired.
    pub fn fired(&self, r: RuleId) -> bool {
        self.rule_fired(r as u32)
    }

    /// A bool fact's value (derived facts computed).
    #[inline]
    pub fn bool_fact(&self, f: FactId) -> bool {
        match self.prog.slots[f] {
            Slot::Bit(b) => self.b.bits[b as usize / 64] >> (b % 64) & 1 == 1,
            Slot::Value(_) => false,
        }
    }

    /// Any fact's value.
    pub fn value(&self, f: FactId) -> Value {
        match self.prog.slots[f] {
            Slot::Bit(b) => Value::Bool(self.b.bits[b as usize / 64] >> (b % 64) & 1 == 1),
            Slot::Value(s) if self.prog.enums[f] => Value::Enum(self.b.values[s as usize] as u32),
            Slot::Value(s) => Value::Int(self.b.values[s as usize]),
        }
    }

    /// Everything decided about the last case, as an [`Outcome`].
    pub fn outcome(&self) -> Outcome<'p> {
        let prog = self.prog;
        let (mut values, mut fired, mut verdicts) = super::pool::outcome_vectors();
        values.extend(
            prog.slots
                .iter()
                .zip(&prog.enums)
                .map(|(&slot, &is_enum)| match slot {
                    Slot::Bit(b) => Value::Bool(self.b.bits[b as usize / 64] >> (b % 64) & 1 == 1),
                    Slot::Value(s) if is_enum => Value::Enum(self.b.values[s as usize] as u32),
                    Slot::Value(s) => Value::Int(self.b.values[s as usize]),
                }),
        );
        let rules = self.policy.rules().len();
        for (w, &word) in self.b.fired.iter().enumerate() {
            let n = (rules - w * 64).min(64);
            fired.extend((0..n).map(|i| word >> i & 1 == 1));
        }
        let actions = self.b.by_end.len();
        verdicts.truncate(actions);
        let mut start = 0;
        for (a, &end) in self.b.by_end.iter().enumerate() {
            let by = &self.b.by[start..end as usize];
            start = end as usize;
            match verdicts.get_mut(a) {
                Some(v) => {
                    v.verdict = self.b.verdicts[a];
                    v.by.clear();
                    v.by.extend_from_slice(by);
                }
                None => verdicts.push(ActionVerdict {
                    verdict: self.b.verdicts[a],
                    by: by.to_vec(),
                }),
            }
        }
        Outcome {
            policy: self.policy,
            values,
            fired,
            verdicts,
        }
    }
}

/// The verdict from which modalities remain: `must not`, `may`, `must` (bits 0, 1, 2).
const FROM_PRESENT: [Verdict; 8] = [
    Verdict::Undecided, // none: the default, decided apart
    Verdict::Forbidden,
    Verdict::Permitted,
    Verdict::Conflict,
    Verdict::Required,
    Verdict::Conflict,
    Verdict::Required,
    Verdict::Conflict,
];

fn default_verdict(d: Option<DefaultVerdict>) -> Verdict {
    match d {
        Some(DefaultVerdict::Permitted) => Verdict::Permitted,
        Some(DefaultVerdict::Forbidden) => Verdict::Forbidden,
        None => Verdict::Undecided,
    }
}
