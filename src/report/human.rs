//! Diagnostics as miette's graphical reports, with the source spans drawn.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Source;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// How diagnostics are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// Box-drawing characters rather than ASCII.
    pub unicode: bool,
    /// The width to wrap at.
    pub width: usize,
}

impl Style {
    /// No colour, unicode, 100 columns: stable output for snapshots and files.
    pub fn plain() -> Style {
        Style {
            color: false,
            unicode: true,
            width: 100,
        }
    }
}

/// A policy's source, named, as miette reads it.
struct NamedText<'a>(&'a Source);

impl SourceCode for NamedText<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // miette finds the lines around a span by scanning from the start of the text; for a
        // long file and many diagnostics that is quadratic, so it is given only the lines
        // around the span (it counts line breaks as `Source` does), and its answer moved back.
        let src = self.0;
        let first = src.line(span.offset()).saturating_sub(before + 1).max(1);
        let last = src.line(span.offset() + span.len()) + after + 2;
        let (from, to) = (src.line_offset(first), src.line_offset(last));
        let window = &src.text().as_bytes()[from..to];
        let local = SourceSpan::from(span.offset() - from..span.offset() + span.len() - from);
        let part = window.read_span(&local, before, after)?;
        let inner = MietteSpanContents::new(
            part.data(),
            SourceSpan::from(
                part.span().offset() + from..part.span().offset() + from + part.span().len(),
            ),
            part.line() + first - 1,
            part.column(),
            part.line_count(),
        );
        // miette counts the column in bytes; the `[file:line:col]` header should agree
        // with `Source::line_col` (characters), as the JSON and SARIF reports do.
        let (_, column) = self.0.line_col(inner.span().offset());
        Ok(Box::new(MietteSpanContents::new_named(
            self.0.name().to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column - 1,
            inner.line_count(),
        )))
    }
}

/// One diagnostic bound to its source, as miette wants it.
struct Bound<'a> {
    diag: &'a Diagnostic,
    text: NamedText<'a>,
}

impl fmt::Debug for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Bound<'_> {}

impl miette::Diagnostic for Bound<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diag.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.text)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let len = self.text.0.text().len();
        Some(Box::new(self.diag.labels.iter().map(move |l| {
            let start = l.span.start.min(len);
            let span = SourceSpan::from(start..l.span.end.clamp(start, len));
            if l.primary {
                LabeledSpan::new_primary_with_span(Some(l.message.clone()), span)
            } else {
                LabeledSpan::new_with_span(Some(l.message.clone()), span)
            }
        })))
    }
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = match (style.unicode, style.color) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::unicode_nocolor(),
        (false, true) => GraphicalTheme::ascii(),
        (false, false) => GraphicalTheme::none(),
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
}

/// Renders one diagnostic with its source spans.
pub fn render_diagnostic(diag: &Diagnostic, source: &Source, style: Style) -> String {
    let mut out = String::new();
    let bound = Bound {
        diag,
        text: NamedText(source),
    };
    if handler(style).render_report(&mut out, &bound).is_err() {
        out = format!(
            "{}[{}]: {}\n",
            diag.severity.as_str(),
            diag.code,
            diag.message
        );
    }
    out
}

/// Renders diagnostics one after another.
pub fn render_diagnostics(diags: &[Diagnostic], source: &Source, style: Style) -> String {
    diags
        .iter()
        .map(|d| render_diagnostic(d, source, style))
        .collect::<Vec<_>>()
        .join("\n")
}
