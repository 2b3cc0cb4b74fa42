//! The policy's two graphs: derived facts through conditions, and `overrides` between rules.

use super::declare::Checker;
use super::rule::{Rule, Target};
use super::types::{FactId, RuleId};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;
use std::collections::HashMap;

/// The transitive `overrides` relation: per rule, the rules it overrides, directly or
/// transitively, ascending. It costs what it holds, and [`MAX_OVERRIDE_PAIRS`] bounds that.
#[derive(Clone, Debug, Default)]
pub struct Closure {
    /// Rule `r` overrides `targets[start[r]..start[r + 1]]`.
    start: Vec<u32>,
    targets: Vec<RuleId>,
    /// Per rule: whether some rule overrides it.
    overridden: Vec<bool>,
}

/// The most pairs (winner, loser) the transitive `overrides` relation may hold: a chain of
/// about 2,800 exceptions, each overriding the one before. Beyond it every stage that reads
/// the relation (the evaluator's masks, the analysis) would grow with its square.
pub const MAX_OVERRIDE_PAIRS: usize = 4_000_000;

impl Closure {
    /// Whether `winner` overrides `loser`, directly or transitively.
    pub fn overrides(&self, winner: RuleId, loser: RuleId) -> bool {
        self.overridden_by(winner).binary_search(&loser).is_ok()
    }

    /// The rules `winner` overrides, directly or transitively, ascending.
    pub fn overridden_by(&self, winner: RuleId) -> &[RuleId] {
        match (self.start.get(winner), self.start.get(winner + 1)) {
            (Some(&a), Some(&b)) => &self.targets[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Whether any rule overrides `loser`.
    pub fn is_overridden(&self, loser: RuleId) -> bool {
        self.overridden.get(loser).copied().unwrap_or(false)
    }
}

/// Reports `override-cycle`s and returns the transitive `overrides` relation.
pub(super) fn check_overrides(
    checker: &mut Checker,
    rules: &[Rule],
    decls: &[&ast::RuleDecl],
) -> Closure {
    let edges: Vec<Vec<RuleId>> = rules.iter().map(|r| r.overrides.clone()).collect();
    for cycle in cycles(&edges) {
        let names: Vec<&str> = cycle.iter().map(|&r| rules[r].id.as_str()).collect();
        let mut d = Diagnostic::new(
            Code::OverrideCycle,
            format!(
                "rules override each other in a cycle: {} -> {}",
                names.join(" -> "),
                names[0]
            ),
        );
        for (i, &r) in cycle.iter().enumerate() {
            let next = &rules[cycle[(i + 1) % cycle.len()]].id;
            let span = decls[r]
                .overrides
                .iter()
                .find(|o| o.name == *next)
                .map_or(rules[r].name_span, |o| o.span);
            let text = format!("`{}` overrides `{next}`", rules[r].id);
            d = if i == 0 {
                d.primary(span, text)
            } else {
                d.secondary(span, text)
            };
        }
        checker.error(d.help("an override says which rule wins; remove one `overrides` so that the order has no loop"));
    }
    match closure(&edges) {
        Ok(c) => c,
        Err((r, _)) => {
            checker.error(
                Diagnostic::new(
                    Code::OverrideCycle,
                    "rules override each other too deeply: the `overrides` relation, taken \
                     transitively, holds more than 4,000,000 pairs of rules",
                )
                .primary(rules[r].name_span, "the chain of exceptions goes past the limit here")
                .help("let each exception override the rule it is an exception to, not the exception before it, or split the policy into several files"),
            );
            Closure::default()
        }
    }
}

/// Transitive closure by a depth-first walk from every rule that overrides something; `Err`
/// with the rule whose walk went past [`MAX_OVERRIDE_PAIRS`], and how many pairs it found.
fn closure(edges: &[Vec<RuleId>]) -> Result<Closure, (RuleId, usize)> {
    let n = edges.len();
    let mut c = Closure {
        start: Vec::with_capacity(n + 1),
        targets: Vec::new(),
        overridden: vec![false; n],
    };
    let mut seen = vec![usize::MAX; n];
    let mut stack = Vec::new();
    for (r, e) in edges.iter().enumerate() {
        c.start.push(c.targets.len() as u32);
        let from = c.targets.len();
        stack.extend(e.iter().copied());
        while let Some(q) = stack.pop() {
            if seen[q] == r {
                continue;
            }
            seen[q] = r;
            c.overridden[q] = true;
            c.targets.push(q);
            if c.targets.len() > MAX_OVERRIDE_PAIRS {
                return Err((r, c.targets.len()));
            }
            stack.extend(edges[q].iter().copied());
        }
        c.targets[from..].sort_unstable();
    }
    c.start.push(c.targets.len() as u32);
    Ok(c)
}

/// Reports `derivation-cycle`s and returns the derived facts in dependency order.
pub(super) fn check_derivations(checker: &mut Checker, rules: &[Rule]) -> Vec<FactId> {
    let n = checker.facts.len();
    // deps[f]: the derived facts that the conditions of f's rules mention.
    let mut deps: Vec<Vec<FactId>> = vec![Vec::new(); n];
    let mut via: HashMap<(FactId, FactId), Span> = HashMap::new();
    for r in rules {
        for c in &r.conclusions {
            if let Target::Fact(f) = c.target {
                r.for_each_fact(&mut |g| {
                    if checker.facts[g].derived && !deps[f].contains(&g) {
                        deps[f].push(g);
                        via.entry((f, g)).or_insert(c.span);
                    }
                });
            }
        }
    }
    for cycle in cycles(&deps) {
        let names: Vec<&str> = cycle
            .iter()
            .map(|&f| checker.facts[f].name.as_str())
            .collect();
        let mut d = Diagnostic::new(
            Code::DerivationCycle,
            format!(
                "derived facts depend on each other in a cycle: {} -> {}",
                names.join(" -> "),
                names[0]
            ),
        );
        for (i, &f) in cycle.iter().enumerate() {
            let g = cycle[(i + 1) % cycle.len()];
            let span = via.get(&(f, g)).copied().unwrap_or(checker.facts[f].span);
            let text = format!(
                "`{}` is derived from `{}`",
                checker.facts[f].name, checker.facts[g].name
            );
            d = if i == 0 {
                d.primary(span, text)
            } else {
                d.secondary(span, text)
            };
        }
        checker.error(d.help("a derived fact cannot depend on itself; break the loop by making one of them an input fact"));
    }
    topological(&deps, |f| checker.facts[f].derived)
}

/// Nodes for which `include` holds, each after the nodes it depends on (nodes in cycles last).
fn topological(deps: &[Vec<usize>], include: impl Fn(usize) -> bool) -> Vec<usize> {
    let n = deps.len();
    let mut indegree = vec![0usize; n];
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (f, ds) in deps.iter().enumerate() {
        for &g in ds {
            indegree[f] += 1;
            users[g].push(f);
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&f| indegree[f] == 0).collect();
    ready.reverse();
    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    while let Some(f) = ready.pop() {
        order.push(f);
        placed[f] = true;
        for &u in &users[f] {
            indegree[u] -= 1;
            if indegree[u] == 0 {
                ready.push(u);
            }
        }
    }
    order.extend((0..n).filter(|&f| !placed[f]));
    order.retain(|&f| include(f));
    order
}

/// One cycle for every strongly connected component that has one (a self-loop counts),
/// as the list of its nodes in edge order. Iterative Tarjan, then a walk inside the component.
pub(crate) fn cycles(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![usize::MAX; n];
    let mut ncomp = 0;
    let mut next = 0;
    let mut found = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if *i == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*i) {
                *i += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = ncomp;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                let cyclic = members.len() > 1 || edges[v].contains(&v);
                if cyclic {
                    found.push(cycle_in(
                        edges,
                        &comp,
                        ncomp,
                        *members.iter().min().unwrap_or(&v),
                    ));
                }
                ncomp += 1;
            }
        }
    }
    found.sort();
    found
}

/// A shortest cycle through `start` inside component `c` (breadth-first).
fn cycle_in(edges: &[Vec<usize>], comp: &[usize], c: usize, start: usize) -> Vec<usize> {
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &edges[v] {
            if comp[w] != c {
                continue;
            }
            if w == start {
                let mut path = vec![v];
                let mut x = v;
                while x != start {
                    x = parent[&x];
                    path.push(x);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(w) {
                e.insert(v);
                queue.push_back(w);
            }
        }
    }
    vec![start]
}

#[cfg(test)]
mod tests {
    use super::{MAX_OVERRIDE_PAIRS, closure, cycles, topological};

    #[test]
    fn finds_each_cycle_once() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 -> 0
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        assert_eq!(cycles(&edges), vec![vec![0, 1, 2], vec![3]]);
    }

    #[test]
    fn closure_is_transitive_and_sparse() {
        // 0 -> 1 -> 2, 3 -> 2; 4 takes no part.
        let edges = vec![vec![1], vec![2], vec![], vec![2], vec![]];
        let c = closure(&edges).unwrap();
        assert_eq!(c.overridden_by(0), [1, 2]);
        assert_eq!(c.overridden_by(3), [2]);
        assert!(c.overridden_by(4).is_empty() && c.overridden_by(2).is_empty());
        assert!(c.overrides(0, 2) && !c.overrides(2, 0) && !c.overrides(4, 2));
        assert_eq!(
            c.targets.len(),
            4,
            "it holds its four pairs and nothing else"
        );
        assert!(c.is_overridden(2) && !c.is_overridden(0));
    }

    #[test]
    fn a_chain_past_the_limit_stops_early() {
        // 0 <- 1 <- 2 <- ...: rule r overrides r - 1.
        let n = 5_000;
        let edges: Vec<Vec<usize>> = (0..n)
            .map(|r| if r == 0 { vec![] } else { vec![r - 1] })
            .collect();
        let (r, found) = closure(&edges).unwrap_err();
        assert!(found > MAX_OVERRIDE_PAIRS && r < n, "stopped at rule {r}");
    }

    #[test]
    fn acyclic_graph_has_no_cycles_and_a_full_order() {
        let deps = vec![vec![1, 2], vec![2], vec![]];
        assert!(cycles(&deps).is_empty());
        assert_eq!(topological(&deps, |_| true), vec![2, 1, 0]);
    }
}
