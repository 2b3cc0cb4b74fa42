//! The abstract syntax tree: what the text says, with byte spans, before names mean anything.

use crate::source::Span;

/// A name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The name as written.
    pub name: String,
    /// Where.
    pub span: Span,
}

/// A string literal with its escapes resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    /// The value, escapes resolved.
    pub value: String,
    /// The literal, quotes included.
    pub span: Span,
}

/// An integer literal; `value` is `None` when it does not fit in an `i64`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Int {
    /// The value, `None` when it does not fit in an `i64`.
    pub value: Option<i64>,
    /// The literal, sign included.
    pub span: Span,
}

/// What a comparison compares its fact with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A number, as the language has it.
    Number(Int),
    /// A name where the number belongs: an error the checker explains.
    Name(Ident),
}

impl Operand {
    /// Where it is written.
    pub fn span(&self) -> Span {
        match self {
            Operand::Number(i) => i.span,
            Operand::Name(n) => n.span,
        }
    }
}

/// A whole policy file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    /// The `policy "..."` header.
    pub title: Option<Str>,
    /// The `source "..."` lines.
    pub sources: Vec<Str>,
    /// Every other item, in order.
    pub items: Vec<Item>,
}

/// An item of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `fact ...`
    Fact(FactDecl),
    /// `action ...`
    Action(ActionDecl),
    /// A named or anonymous rule.
    Rule(RuleDecl),
    /// `case "..." { ... }`
    Case(CaseDecl),
}

/// `fact a, b: TYPE "description"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactDecl {
    /// The names declared.
    pub names: Vec<Ident>,
    /// The type after `:`.
    pub ty: Option<TypeExpr>,
    /// The description string.
    pub description: Option<Str>,
    /// The whole declaration.
    pub span: Span,
}

/// A fact's type as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    /// `bool` (a single `bool`) or an enum `a | b | c`.
    Variants(Vec<Ident>),
    /// `lo..hi`.
    Range {
        /// The lower bound.
        lo: Int,
        /// The upper bound.
        hi: Int,
        /// The whole range.
        span: Span,
    },
}

/// `default permitted` or `default forbidden`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefaultVerdict {
    /// `permitted`
    Permitted,
    /// `forbidden`
    Forbidden,
}

/// `action a, b default permitted "description"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionDecl {
    /// The names declared.
    pub names: Vec<Ident>,
    /// The default and where its word is.
    pub default: Option<(DefaultVerdict, Span)>,
    /// The description string.
    pub description: Option<Str>,
    /// The whole declaration.
    pub span: Span,
}

/// A rule name in an `overrides` or `by` list: a name, or an anonymous rule's `@LINE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRef {
    /// The name, or `@LINE`.
    pub name: String,
    /// Where.
    pub span: Span,
    /// Written `@LINE`.
    pub anonymous: bool,
}

/// A rule: `rule NAME overrides ... "description": BODY`, or a body alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDecl {
    /// `None` for an anonymous rule.
    pub name: Option<Ident>,
    /// The `overrides` list.
    pub overrides: Vec<RuleRef>,
    /// The description string.
    pub description: Option<Str>,
    /// What it says.
    pub body: RuleBody,
    /// From the first token to the end of the rule.
    pub span: Span,
}

/// A rule's body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleBody {
    /// `[if C] [unless U] then CONCLUSION, ...`.
    Conditional {
        /// The `if` part.
        when: Option<Expr>,
        /// The `unless` part.
        unless: Option<Expr>,
        /// The conclusions.
        conclusions: Vec<Conclusion>,
    },
    /// `action requires condition`.
    Requirement {
        /// The action.
        action: Ident,
        /// The necessary condition.
        condition: Expr,
    },
}

/// How a conclusion is written.
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

/// A conclusion as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conclusion {
    /// How it is written.
    pub form: ConclusionForm,
    /// The action or fact.
    pub target: Ident,
    /// The whole conclusion.
    pub span: Span,
}

/// An integer comparison operator as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// As written.
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
}

/// A condition as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// `true` or `false`.
    Const(bool, Span),
    /// `NAME`
    Name(Ident),
    /// `NAME is V`, `NAME is not V` (negated).
    Is {
        /// The fact.
        fact: Ident,
        /// The variant.
        variant: Ident,
        /// Written `is not`.
        negated: bool,
        /// The whole test.
        span: Span,
    },
    /// `NAME in [..]`, `NAME not in [..]` (negated).
    In {
        /// The fact.
        fact: Ident,
        /// The variants in the brackets.
        variants: Vec<Ident>,
        /// Written `not in`.
        negated: bool,
        /// The whole test.
        span: Span,
    },
    /// `NAME op N`
    Compare {
        /// The fact.
        fact: Ident,
        /// The operator.
        op: CmpOp,
        /// The number, or the name written in its place.
        value: Operand,
        /// The whole test.
        span: Span,
    },
    /// `not X`.
    Not(Box<Expr>, Span),
    /// Two or more operands, flattened.
    And(Vec<Expr>, Span),
    /// Two or more operands, flattened.
    Or(Vec<Expr>, Span),
}

impl Expr {
    /// Where the expression is.
    pub fn span(&self) -> Span {
        match self {
            Expr::Const(_, s) | Expr::Not(_, s) | Expr::And(_, s) | Expr::Or(_, s) => *s,
            Expr::Name(id) => id.span,
            Expr::Is { span, .. } | Expr::In { span, .. } | Expr::Compare { span, .. } => *span,
        }
    }
}

/// `case "name" { given ... expect ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseDecl {
    /// The name.
    pub name: Str,
    /// Every assignment of every `given` line.
    pub given: Vec<Assign>,
    /// Every `expect` line.
    pub expect: Vec<Expect>,
    /// The whole block.
    pub span: Span,
}

/// The value an assignment gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignValue {
    /// `given NAME`
    Set,
    /// `given not NAME`
    Unset,
    /// `given NAME = true` or `= false`
    Bool(bool),
    /// `given NAME = 42`
    Int(Int),
    /// `given NAME = variant`
    Variant(Ident),
}

/// One assignment of a `given` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assign {
    /// The fact.
    pub fact: Ident,
    /// Its value.
    pub value: AssignValue,
    /// The whole assignment.
    pub span: Span,
}

/// An `expect NAME is WORD` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    /// The action or derived fact.
    pub name: Ident,
    /// One of `permitted forbidden required undecided conflict true false`.
    pub word: Ident,
    /// The `by` list, when the line has one: the rules the verdict must rest on.
    pub by: Option<Vec<RuleRef>>,
    /// The whole line.
    pub span: Span,
}
