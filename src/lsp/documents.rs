//! The open documents: each one's text and version, what the library made of the text (its
//! diagnostics, the policy of its items without errors, its names), the last version that
//! built as a whole, and the state of its lint.

use crate::diagnostic::Diagnostic;
use crate::model::Policy;
use crate::source::{Source, Span};
use crate::syntax::lexer::{self, Lexed};
use crate::syntax::names::NameIndex;
use crate::syntax::outline::Outline;
use lsp_types::Uri;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Instant;

/// What the library made of one version of a text.
#[derive(Debug)]
pub struct Analysis {
    /// Its errors, as `deontic check` reports them.
    pub diagnostics: Vec<Diagnostic>,
    /// The policy of its items without errors, at the text's offsets.
    pub policy: Option<Arc<Policy>>,
    /// Every name of its items that parse.
    pub names: NameIndex,
    /// Its items that parse.
    pub items: Vec<Outline>,
    /// Whether the whole text parses.
    pub parses: bool,
    /// Whether the policy is the whole text's.
    pub exact: bool,
}

impl Analysis {
    fn empty() -> Analysis {
        Analysis {
            diagnostics: Vec::new(),
            policy: None,
            names: NameIndex::default(),
            items: Vec::new(),
            parses: false,
            exact: false,
        }
    }

    fn of(source: &Source) -> Analysis {
        let t = Policy::parse_tolerant(source);
        let exact = t.is_exact();
        Analysis {
            diagnostics: t.diagnostics,
            policy: t.policy.map(Arc::new),
            names: t.names,
            items: t.items,
            parses: t.parses,
            exact,
        }
    }
}

/// The last version of a document that built as a whole: what the features fall back on
/// for a name the current version's broken items hide.
#[derive(Debug)]
pub struct Good {
    /// Its text.
    pub source: Source,
    /// Its policy.
    pub policy: Arc<Policy>,
    /// Its names.
    pub names: NameIndex,
}

/// Where a document's lint stands.
#[derive(Debug, Default)]
pub struct Lint {
    /// When the next run is due (the debounce), if one is.
    pub due: Option<Instant>,
    /// The version being linted on the worker, if one is.
    pub running: Option<i32>,
    /// The findings of the current version, once its run is done.
    pub findings: Option<Vec<Diagnostic>>,
}

/// An open document.
#[derive(Debug)]
pub struct Document {
    /// Its address.
    pub uri: Uri,
    /// The version the client gave with its latest text.
    pub version: i32,
    /// Its latest text.
    pub source: Source,
    /// The tokens and comments of its latest text.
    pub lexed: Lexed,
    /// What the library made of the latest text; `None` until it is asked for.
    analysis: Option<Analysis>,
    /// The last version that built as a whole.
    pub good: Option<Good>,
    /// Its lint.
    pub lint: Lint,
}

impl Document {
    /// A document as the client opened it.
    pub fn new(uri: Uri, version: i32, text: String) -> Document {
        let source = Source::new(uri.as_str(), text);
        Document {
            uri,
            version,
            lexed: lexer::lex(source.text()),
            source,
            analysis: None,
            good: None,
            lint: Lint::default(),
        }
    }

    /// Takes a new text: its analysis waits until it is asked for, and the findings of the
    /// old text are dropped (a run under way is left to finish, and its result dropped).
    pub fn change(&mut self, version: i32, text: String) {
        self.version = version;
        self.source = Source::new(self.uri.as_str(), text);
        self.lexed = lexer::lex(self.source.text());
        self.analysis = None;
        self.lint.due = None;
        self.lint.findings = None;
    }

    /// Whether the latest text waits to be analysed.
    pub fn is_stale(&self) -> bool {
        self.analysis.is_none()
    }

    /// Analyses the latest text if it is not yet; `true` when it did (its static
    /// diagnostics are then new).
    pub fn refresh(&mut self) -> bool {
        if self.analysis.is_some() {
            return false;
        }
        // A bug of the library on some text must not end the server: that text answers as
        // an empty one (the panic's message goes to standard error, the editor's log).
        let analysis = catch_unwind(AssertUnwindSafe(|| Analysis::of(&self.source)))
            .unwrap_or_else(|_| Analysis::empty());
        if let (true, Some(policy)) = (analysis.exact, &analysis.policy) {
            self.good = Some(Good {
                source: self.source.clone(),
                policy: policy.clone(),
                names: analysis.names.clone(),
            });
        }
        self.analysis = Some(analysis);
        true
    }

    /// The analysis of the latest text, which the server refreshes before it hands a
    /// document to a feature. A stale document answers as an empty one.
    pub fn analysed(&self) -> &Analysis {
        static EMPTY: std::sync::OnceLock<Analysis> = std::sync::OnceLock::new();
        match &self.analysis {
            Some(a) => a,
            None => EMPTY.get_or_init(Analysis::empty),
        }
    }

    /// Every diagnostic of the latest text: its errors, then its findings once linted.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.analysed()
            .diagnostics
            .iter()
            .chain(self.lint.findings.iter().flatten())
    }

    /// Where a span of the last version that built is in the latest text, if that part
    /// of the text did not change.
    pub fn span_from_good(&self, span: Span) -> Option<Span> {
        let good = self.good.as_ref()?;
        Shift::between(good.source.text(), self.source.text()).span(span)
    }
}

/// How one text became another: a common beginning and a common end, and what changed
/// between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shift {
    /// The length of the common beginning.
    prefix: usize,
    /// Where the common end starts in the old text.
    old_end: usize,
    /// Where the common end starts in the new text.
    new_end: usize,
}

impl Shift {
    /// The shift from `old` to `new`.
    pub fn between(old: &str, new: &str) -> Shift {
        let mut prefix = old
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let room = old.len().min(new.len()) - prefix;
        let mut suffix = old
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix)
        {
            suffix -= 1;
        }
        Shift {
            prefix,
            old_end: old.len() - suffix,
            new_end: new.len() - suffix,
        }
    }

    /// Where an old span is in the new text, unless it touches what changed.
    pub fn span(self, span: Span) -> Option<Span> {
        if span.end <= self.prefix {
            Some(span)
        } else if span.start >= self.old_end {
            let moved = |o: usize| o - self.old_end + self.new_end;
            Some(Span::new(moved(span.start), moved(span.end)))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Document, Shift};
    use crate::source::Span;

    #[test]
    fn spans_outside_an_edit_follow_it() {
        let old = "fact a\nrule r: if a then x\naction x\n";
        let new = "fact a\nrule r: if a and then x\naction x\n";
        let shift = Shift::between(old, new);
        let a = Span::new(5, 6);
        assert_eq!(shift.span(a), Some(a));
        let x = old.rfind('x').unwrap();
        let moved = shift.span(Span::new(x, x + 1)).unwrap();
        assert_eq!(&new[moved.start..moved.end], "x");
        // The `then` right after the insertion is outside the common beginning and end.
        let then = old.find("then").unwrap();
        assert_eq!(shift.span(Span::new(then - 1, then + 4)), None);
        let same = Shift::between("abc", "abc");
        assert_eq!(same.span(Span::new(0, 3)), Some(Span::new(0, 3)));
        let multibyte = Shift::between("é", "è");
        assert_eq!(multibyte.span(Span::new(0, 2)), None);
    }

    #[test]
    fn a_document_keeps_its_last_good_version() {
        let uri = "file:///t.policy".parse().unwrap();
        let mut doc = Document::new(uri, 0, "fact a\naction x\nrule r: if a then x\n".into());
        assert!(doc.refresh() && !doc.refresh());
        assert!(doc.analysed().exact);
        doc.change(
            1,
            "fact a\naction x\nrule r: if a then\nrule s: if a then x\n".into(),
        );
        assert!(doc.is_stale());
        doc.refresh();
        let analysis = doc.analysed();
        assert!(!analysis.exact && !analysis.parses);
        let good = doc.good.as_ref().unwrap();
        assert_eq!(good.policy.rules().len(), 1);
        // The fact's declaration is where it was.
        assert_eq!(doc.span_from_good(Span::new(5, 6)), Some(Span::new(5, 6)));
    }
}
