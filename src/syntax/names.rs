//! Every name of a syntax tree and what it names: each declaration and each use of a fact or
//! action, of an enum variant and of a rule, for the front ends that navigate a file (go to
//! definition, find references, rename), and the rules a new name must follow.

use super::ast::{self, AssignValue, Expr, Item, RuleBody, TypeExpr};
use crate::source::Span;
use std::collections::HashMap;

/// The words the grammar reserves: none of them can be a name.
pub const RESERVED: [&str; 23] = [
    "policy",
    "source",
    "fact",
    "action",
    "rule",
    "if",
    "unless",
    "then",
    "and",
    "or",
    "not",
    "may",
    "must",
    "requires",
    "overrides",
    "default",
    "case",
    "given",
    "expect",
    "is",
    "in",
    "true",
    "false",
];

/// Whether `word` can be a name: `[A-Za-z_][A-Za-z0-9_]*` and not a reserved word.
pub fn is_name(word: &str) -> bool {
    let mut bytes = word.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !RESERVED.contains(&word)
}

/// Why `word` cannot be a name, in the words of a diagnostic; `None` when it can.
pub fn name_error(word: &str) -> Option<String> {
    if RESERVED.contains(&word) {
        Some(format!("`{word}` is a reserved word and cannot be a name"))
    } else if !is_name(word) {
        Some(format!(
            "`{word}` is not a name: a name is ASCII letters, digits and `_`, and does not start with a digit"
        ))
    } else {
        None
    }
}

/// What a name names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Named {
    /// A fact or an action: they share one namespace.
    Symbol(String),
    /// A variant of an enum type. The type is named by `owner`, the first fact of the
    /// declaration that gives it: the facts of `fact a, b: x | y` share its variants.
    Variant {
        /// The first fact of the declaration of the type.
        owner: String,
        /// The variant.
        name: String,
    },
    /// A named rule.
    Rule(String),
}

impl Named {
    /// The name itself, as written.
    pub fn name(&self) -> &str {
        match self {
            Named::Symbol(n) | Named::Rule(n) | Named::Variant { name: n, .. } => n,
        }
    }
}

/// What a declaration declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Declares {
    /// A fact.
    Fact,
    /// An action.
    Action,
    /// An enum variant.
    Variant,
    /// A named rule.
    Rule,
}

impl Declares {
    /// `fact`, `action`, `variant` or `rule`.
    pub fn as_str(self) -> &'static str {
        match self {
            Declares::Fact => "fact",
            Declares::Action => "action",
            Declares::Variant => "variant",
            Declares::Rule => "rule",
        }
    }
}

/// One occurrence of a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameUse {
    /// What it names.
    pub named: Named,
    /// The name as written.
    pub span: Span,
    /// What it declares, when it is a declaration.
    pub declares: Option<Declares>,
}

/// Every name of a file, in text order.
#[derive(Clone, Debug, Default)]
pub struct NameIndex {
    uses: Vec<NameUse>,
    /// Each enum fact's owner: the first fact of its declaration.
    owners: HashMap<String, String>,
}

impl NameIndex {
    /// The names of a syntax tree.
    pub fn new(file: &ast::File) -> NameIndex {
        let mut owners: HashMap<&str, &str> = HashMap::new();
        for item in &file.items {
            if let Item::Fact(d) = item {
                if let (Some(first), Some(TypeExpr::Variants(_))) = (d.names.first(), &d.ty) {
                    for n in &d.names {
                        owners.entry(n.name.as_str()).or_insert(first.name.as_str());
                    }
                }
            }
        }
        let mut walk = Walk {
            owners,
            uses: Vec::new(),
        };
        for item in &file.items {
            walk.item(item);
        }
        walk.uses.sort_by_key(|u| (u.span.start, u.span.end));
        let owners = walk
            .owners
            .iter()
            .map(|(f, o)| (f.to_string(), o.to_string()))
            .collect();
        NameIndex {
            uses: walk.uses,
            owners,
        }
    }

    /// What `variant` names as a variant of `fact`'s type.
    pub fn variant(&self, fact: &str, variant: &str) -> Named {
        Named::Variant {
            owner: self
                .owners
                .get(fact)
                .map_or(fact, String::as_str)
                .to_string(),
            name: variant.to_string(),
        }
    }

    /// Every occurrence, in text order.
    pub fn uses(&self) -> &[NameUse] {
        &self.uses
    }

    /// The occurrence whose span holds `offset` (its end included, so that a cursor right
    /// after a name is on it).
    pub fn at(&self, offset: usize) -> Option<&NameUse> {
        let i = self.uses.partition_point(|u| u.span.end < offset);
        self.uses.get(i).filter(|u| u.span.start <= offset)
    }

    /// Every occurrence of what `named` names, declarations included, in text order.
    pub fn uses_of<'a>(&'a self, named: &'a Named) -> impl Iterator<Item = &'a NameUse> + 'a {
        self.uses.iter().filter(move |u| &u.named == named)
    }

    /// The first declaration of what `named` names.
    pub fn declaration(&self, named: &Named) -> Option<&NameUse> {
        self.uses
            .iter()
            .find(|u| u.declares.is_some() && &u.named == named)
    }

    /// Why what `named` names cannot be renamed `new`, in the words of a diagnostic: `new`
    /// is not a name, or the file already declares it in the same namespace (for a variant:
    /// in the same type). `None` when the rename is fine (renaming to the same name is).
    pub fn rename_error(&self, named: &Named, new: &str) -> Option<String> {
        if let Some(e) = name_error(new) {
            return Some(e);
        }
        if named.name() == new {
            return None;
        }
        let (taken, what) = match named {
            Named::Symbol(_) => (Named::Symbol(new.to_string()), ""),
            Named::Rule(_) => (Named::Rule(new.to_string()), ""),
            Named::Variant { owner, .. } => (
                Named::Variant {
                    owner: owner.clone(),
                    name: new.to_string(),
                },
                owner.as_str(),
            ),
        };
        let declared = self.declaration(&taken)?;
        let kind = match declared.declares {
            Some(Declares::Action) => "an action",
            Some(Declares::Rule) => "a rule",
            _ => "a fact",
        };
        Some(match named {
            Named::Variant { .. } => {
                format!("the type of `{what}` already has a variant `{new}`")
            }
            _ => format!("`{new}` is already the name of {kind}"),
        })
    }
}

/// The walk over a file that collects its names.
struct Walk<'a> {
    /// Each enum fact's owner: the first fact of its declaration.
    owners: HashMap<&'a str, &'a str>,
    uses: Vec<NameUse>,
}

impl Walk<'_> {
    fn push(&mut self, named: Named, id: &ast::Ident, declares: Option<Declares>) {
        self.uses.push(NameUse {
            named,
            span: id.span,
            declares,
        });
    }

    fn symbol(&mut self, id: &ast::Ident) {
        self.push(Named::Symbol(id.name.clone()), id, None);
    }

    fn variant(&mut self, fact: &ast::Ident, variant: &ast::Ident, declares: bool) {
        let owner = self
            .owners
            .get(fact.name.as_str())
            .map_or(fact.name.clone(), |o| o.to_string());
        let named = Named::Variant {
            owner,
            name: variant.name.clone(),
        };
        self.push(named, variant, declares.then_some(Declares::Variant));
    }

    fn item(&mut self, item: &ast::Item) {
        match item {
            Item::Fact(d) => {
                for n in &d.names {
                    self.push(Named::Symbol(n.name.clone()), n, Some(Declares::Fact));
                }
                let is_bool = matches!(&d.ty, Some(TypeExpr::Variants(vs)) if vs.len() == 1 && vs[0].name == "bool");
                if let (Some(first), Some(TypeExpr::Variants(vs)), false) =
                    (d.names.first(), &d.ty, is_bool)
                {
                    for v in vs {
                        self.variant(first, v, true);
                    }
                }
            }
            Item::Action(d) => {
                for n in &d.names {
                    self.push(Named::Symbol(n.name.clone()), n, Some(Declares::Action));
                }
            }
            Item::Rule(r) => self.rule(r),
            Item::Case(c) => {
                for a in &c.given {
                    self.symbol(&a.fact);
                    if let AssignValue::Variant(v) = &a.value {
                        self.variant(&a.fact, v, false);
                    }
                }
                for e in &c.expect {
                    self.symbol(&e.name);
                }
            }
        }
    }

    fn rule(&mut self, r: &ast::RuleDecl) {
        if let Some(name) = &r.name {
            self.push(Named::Rule(name.name.clone()), name, Some(Declares::Rule));
        }
        for o in r.overrides.iter().filter(|o| !o.anonymous) {
            self.uses.push(NameUse {
                named: Named::Rule(o.name.clone()),
                span: o.span,
                declares: None,
            });
        }
        match &r.body {
            RuleBody::Conditional {
                when,
                unless,
                conclusions,
            } => {
                for e in when.iter().chain(unless) {
                    self.expr(e);
                }
                for c in conclusions {
                    self.symbol(&c.target);
                }
            }
            RuleBody::Requirement { action, condition } => {
                self.symbol(action);
                self.expr(condition);
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Const(..) => {}
            Expr::Name(id) => self.symbol(id),
            Expr::Is { fact, variant, .. } => {
                self.symbol(fact);
                self.variant(fact, variant, false);
            }
            Expr::In { fact, variants, .. } => {
                self.symbol(fact);
                for v in variants {
                    self.variant(fact, v, false);
                }
            }
            Expr::Compare { fact, .. } => self.symbol(fact),
            Expr::Not(inner, _) => self.expr(inner),
            Expr::And(es, _) | Expr::Or(es, _) => es.iter().for_each(|e| self.expr(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Declares, NameIndex, Named, RESERVED, is_name};
    use crate::source::Source;

    const TEXT: &str = "fact a, b: x | y\nfact c\naction go default forbidden\n\
        rule r1: if a is x and c then may go\nrule r2 overrides r1: if b in [y, x] then not go\n\
        case \"one\" { given a = y, b = x, c expect go is forbidden }\n";

    fn index() -> NameIndex {
        let parsed = crate::syntax::parse(&Source::new("t", TEXT)).unwrap();
        NameIndex::new(&parsed.file)
    }

    fn spans(index: &NameIndex, named: &Named) -> Vec<&'static str> {
        index
            .uses_of(named)
            .map(|u| &TEXT[u.span.start..u.span.end])
            .collect()
    }

    #[test]
    fn variants_of_one_declaration_are_shared_by_its_facts() {
        let index = index();
        let x = Named::Variant {
            owner: "a".into(),
            name: "x".into(),
        };
        let uses: Vec<usize> = index.uses_of(&x).map(|u| u.span.start).collect();
        // Declared once, then `a is x`, `in [y, x]` on `b`, and `b = x` in the case.
        assert_eq!(uses.len(), 4);
        assert_eq!(
            index.declaration(&x).map(|u| u.declares),
            Some(Some(Declares::Variant))
        );
        assert_eq!(spans(&index, &x), ["x", "x", "x", "x"]);
        let go = Named::Symbol("go".into());
        assert_eq!(index.uses_of(&go).count(), 4);
        let r1 = Named::Rule("r1".into());
        assert_eq!(index.uses_of(&r1).count(), 2);
        let at = TEXT.find("c then").unwrap();
        assert_eq!(
            index.at(at + 1).map(|u| &u.named),
            Some(&Named::Symbol("c".into()))
        );
    }

    #[test]
    fn renames_are_checked() {
        let index = index();
        let c = Named::Symbol("c".into());
        assert_eq!(
            index.rename_error(&c, "go").as_deref(),
            Some("`go` is already the name of an action")
        );
        assert_eq!(
            index
                .rename_error(&Named::Symbol("go".into()), "a")
                .as_deref(),
            Some("`a` is already the name of a fact")
        );
        assert_eq!(
            index.rename_error(&c, "if").as_deref(),
            Some("`if` is a reserved word and cannot be a name")
        );
        assert!(index.rename_error(&c, "9lives").is_some());
        assert_eq!(index.rename_error(&c, "d"), None);
        assert_eq!(index.rename_error(&c, "c"), None);
        let x = Named::Variant {
            owner: "a".into(),
            name: "x".into(),
        };
        assert_eq!(
            index.rename_error(&x, "y").as_deref(),
            Some("the type of `a` already has a variant `y`")
        );
        assert_eq!(index.rename_error(&x, "c"), None);
        let r1 = Named::Rule("r1".into());
        assert_eq!(
            index.rename_error(&r1, "r2").as_deref(),
            Some("`r2` is already the name of a rule")
        );
    }

    #[test]
    fn reserved_words_are_the_grammars() {
        for word in RESERVED {
            assert!(!is_name(word));
            let text = format!("fact {word}");
            assert!(
                crate::syntax::parse(&Source::new("t", text)).is_err(),
                "`{word}` should not be a name"
            );
        }
        for word in ["bool", "permitted", "notice", "_x", "policy_area"] {
            assert!(is_name(word));
            let text = format!("fact {word}");
            assert!(crate::syntax::parse(&Source::new("t", text)).is_ok());
        }
    }
}
