//! A propositional circuit on an incremental SAT solver: fresh variables, Tseitin gates,
//! and queries that leave nothing behind.
//!
//! A query that needs clauses of its own (the verdict of an action with one rule left out,
//! say) opens a *scope*: every clause added in it carries the scope's activation literal,
//! every solve in it assumes that literal, and closing the scope retires it for good with a
//! unit clause, so later queries never propagate through it.

use super::AnalysisError;
use rustsat::solvers::{SolveIncremental, SolverResult};
use rustsat::types::{Clause, Lit, TernaryVal, Var};

/// A circuit and the solver that holds it.
pub struct Circuit<S> {
    solver: S,
    next: u32,
    truth: Lit,
    /// The activation literal of the open scope.
    scope: Option<Lit>,
    error: Option<String>,
    /// Solver calls made, for the figures in `docs/performance.md`.
    pub solves: u64,
}

impl<S: SolveIncremental + Default> Default for Circuit<S> {
    fn default() -> Self {
        Circuit::new()
    }
}

impl<S: SolveIncremental + Default> Circuit<S> {
    /// An empty circuit with its constant `true`.
    pub fn new() -> Self {
        let mut circuit = Circuit {
            solver: S::default(),
            next: 0,
            truth: Lit::positive(0),
            scope: None,
            error: None,
            solves: 0,
        };
        circuit.truth = circuit.fresh();
        circuit.clause(&[circuit.truth]);
        circuit
    }

    /// The literal that is always true.
    pub fn truth(&self) -> Lit {
        self.truth
    }

    /// The literal that is always false.
    pub fn falsity(&self) -> Lit {
        !self.truth
    }

    /// The constant literal for `b`.
    pub fn constant(&self, b: bool) -> Lit {
        if b { self.truth } else { !self.truth }
    }

    /// A new variable's positive literal.
    pub fn fresh(&mut self) -> Lit {
        let v = Var::new(self.next);
        self.next += 1;
        v.pos_lit()
    }

    /// Adds a clause (inside the open scope, if any).
    pub fn clause(&mut self, lits: &[Lit]) {
        let mut cl: Clause = lits.iter().copied().collect();
        if let Some(act) = self.scope {
            cl.add(!act);
        }
        if let Err(err) = self.solver.add_clause(cl) {
            self.error.get_or_insert(err.to_string());
        }
    }

    /// Opens a scope; clauses added until [`close_scope`](Self::close_scope) belong to it.
    /// Gates made inside it mean nothing after it closes.
    pub fn open_scope(&mut self) {
        debug_assert!(self.scope.is_none(), "scopes do not nest");
        self.scope = Some(self.fresh());
    }

    /// Closes the open scope and retires its clauses.
    pub fn close_scope(&mut self) {
        if let Some(act) = self.scope.take() {
            self.clause(&[!act]);
        }
    }

    /// `a and b and ...`; the empty conjunction is true.
    pub fn and(&mut self, lits: &[Lit]) -> Lit {
        if lits.contains(&!self.truth) {
            return !self.truth;
        }
        let mut kept: Vec<Lit> = lits.iter().copied().filter(|&l| l != self.truth).collect();
        kept.sort_unstable();
        kept.dedup();
        if kept.windows(2).any(|w| w[0] == !w[1]) {
            return !self.truth;
        }
        match kept.as_slice() {
            [] => self.truth,
            [one] => *one,
            _ => {
                let v = self.fresh();
                let mut back = Vec::with_capacity(kept.len() + 1);
                back.push(v);
                for &l in &kept {
                    self.clause(&[!v, l]);
                    back.push(!l);
                }
                self.clause(&back);
                v
            }
        }
    }

    /// `a or b or ...`; the empty disjunction is false.
    pub fn or(&mut self, lits: &[Lit]) -> Lit {
        let neg: Vec<Lit> = lits.iter().map(|&l| !l).collect();
        !self.and(&neg)
    }

    /// `a xor b`.
    pub fn xor(&mut self, a: Lit, b: Lit) -> Lit {
        if a == b {
            return !self.truth;
        }
        if a == !b {
            return self.truth;
        }
        for (c, d) in [(a, b), (b, a)] {
            if c == self.truth {
                return !d;
            }
            if c == !self.truth {
                return d;
            }
        }
        let x = self.fresh();
        self.clause(&[!x, a, b]);
        self.clause(&[!x, !a, !b]);
        self.clause(&[x, !a, b]);
        self.clause(&[x, a, !b]);
        x
    }

    /// Whether some assignment satisfies the circuit and the assumptions (and the open
    /// scope). Its model is then read with [`value`](Self::value).
    pub fn sat(&mut self, assumptions: &[Lit]) -> Result<bool, AnalysisError> {
        if let Some(e) = &self.error {
            return Err(AnalysisError(e.clone()));
        }
        if assumptions.contains(&!self.truth) {
            return Ok(false);
        }
        let mut all: Vec<Lit> = assumptions
            .iter()
            .copied()
            .filter(|&l| l != self.truth)
            .collect();
        all.extend(self.scope);
        self.solves += 1;
        match self.solver.solve_assumps(&all) {
            Ok(SolverResult::Sat) => Ok(true),
            Ok(SolverResult::Unsat) => Ok(false),
            Ok(SolverResult::Interrupted) => {
                Err(AnalysisError("the solver was interrupted".into()))
            }
            Err(e) => {
                let message = e.to_string();
                self.error.get_or_insert(message.clone());
                Err(AnalysisError(message))
            }
        }
    }

    /// A literal's value in the model of the last satisfiable query.
    pub fn value(&self, l: Lit) -> bool {
        if l == self.truth {
            return true;
        }
        if l == !self.truth {
            return false;
        }
        matches!(self.solver.lit_val(l), Ok(TernaryVal::True))
    }
}

#[cfg(test)]
mod tests {
    use super::Circuit;
    use crate::analysis::DefaultSolver;

    #[test]
    fn gates_mean_what_they_say() {
        let mut c = Circuit::<DefaultSolver>::new();
        let (a, b) = (c.fresh(), c.fresh());
        let and = c.and(&[a, b]);
        let or = c.or(&[a, b]);
        let xor = c.xor(a, b);
        for (va, vb) in [(false, false), (false, true), (true, false), (true, true)] {
            let assume = [if va { a } else { !a }, if vb { b } else { !b }];
            assert!(c.sat(&assume).unwrap());
            assert_eq!(c.value(and), va && vb);
            assert_eq!(c.value(or), va || vb);
            assert_eq!(c.value(xor), va != vb);
        }
        assert_eq!(c.and(&[a, !a]), c.falsity());
        assert_eq!(c.or(&[]), c.falsity());
        assert_eq!(c.and(&[]), c.truth());
    }

    #[test]
    fn a_closed_scope_leaves_nothing_behind() {
        let mut c = Circuit::<DefaultSolver>::new();
        let a = c.fresh();
        c.open_scope();
        c.clause(&[!a]);
        assert!(!c.sat(&[a]).unwrap(), "inside the scope, `not a` holds");
        c.close_scope();
        assert!(c.sat(&[a]).unwrap(), "after it, `a` is possible again");
    }
}
