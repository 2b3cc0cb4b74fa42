//! The abstract syntax tree: what the text says, with byte spans, before names mean anything.

use crate::source::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal with its escapes resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

/// An integer literal; `value` is `None` when it does not fit in an `i64`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Int {
    pub value: Option<i64>,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    pub title: Option<Str>,
    pub sources: Vec<Str>,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Fact(FactDecl),
    Action(ActionDecl),
    Rule(RuleDecl),
    Case(CaseDecl),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactDecl {
    pub names: Vec<Ident>,
    pub ty: Option<TypeExpr>,
    pub description: Option<Str>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    /// `bool` (a single `bool`) or an enum `a | b | c`.
    Variants(Vec<Ident>),
    Range {
        lo: Int,
        hi: Int,
        span: Span,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefaultVerdict {
    Permitted,
    Forbidden,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionDecl {
    pub names: Vec<Ident>,
    pub default: Option<(DefaultVerdict, Span)>,
    pub description: Option<Str>,
    pub span: Span,
}

/// A rule name in an `overrides` list: a name, or an anonymous rule's `@LINE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRef {
    pub name: String,
    pub span: Span,
    pub anonymous: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDecl {
    /// `None` for an anonymous rule.
    pub name: Option<Ident>,
    pub overrides: Vec<RuleRef>,
    pub description: Option<Str>,
    pub body: RuleBody,
    /// From the first token to the end of the rule.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleBody {
    Conditional {
        when: Option<Expr>,
        unless: Option<Expr>,
        conclusions: Vec<Conclusion>,
    },
    /// `action requires condition`.
    Requirement { action: Ident, condition: Expr },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConclusionForm {
    /// `may A`
    May,
    /// `must A`
    Must,
    /// `must not A`
    MustNot,
    /// `not A`
    Not,
    /// `A`: an obligation on an action, or a derived fact.
    Bare,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conclusion {
    pub form: ConclusionForm,
    pub target: Ident,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    pub fn holds(self, a: i64, b: i64) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Const(bool, Span),
    /// `NAME`
    Name(Ident),
    /// `NAME is V`, `NAME is not V` (negated).
    Is {
        fact: Ident,
        variant: Ident,
        negated: bool,
        span: Span,
    },
    /// `NAME in [..]`, `NAME not in [..]` (negated).
    In {
        fact: Ident,
        variants: Vec<Ident>,
        negated: bool,
        span: Span,
    },
    /// `NAME op N`
    Compare {
        fact: Ident,
        op: CmpOp,
        value: Int,
        span: Span,
    },
    Not(Box<Expr>, Span),
    /// Two or more operands, flattened.
    And(Vec<Expr>, Span),
    /// Two or more operands, flattened.
    Or(Vec<Expr>, Span),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Const(_, s) | Expr::Not(_, s) | Expr::And(_, s) | Expr::Or(_, s) => *s,
            Expr::Name(id) => id.span,
            Expr::Is { span, .. } | Expr::In { span, .. } | Expr::Compare { span, .. } => *span,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseDecl {
    pub name: Str,
    pub given: Vec<Assign>,
    pub expect: Vec<Expect>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignValue {
    /// `given NAME`
    Set,
    /// `given not NAME`
    Unset,
    Bool(bool),
    Int(Int),
    Variant(Ident),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assign {
    pub fact: Ident,
    pub value: AssignValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    pub name: Ident,
    /// One of `permitted forbidden required undecided conflict true false`.
    pub word: Ident,
    pub span: Span,
}
