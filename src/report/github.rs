//! Lint findings as GitHub Actions workflow commands: one `::error` or `::warning` line per
//! finding, which the runner shows as an annotation on the file and line.

use super::lint::FileReport;
use super::sarif::SarifPlace;
use crate::diagnostic::Severity;

/// A workflow command's message: `%`, carriage returns and line breaks escaped.
fn escape_message(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as a message, and `:` and `,` too.
fn escape_property(s: &str) -> String {
    escape_message(s).replace(':', "%3A").replace(',', "%2C")
}

/// One line per finding: `::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=CODE::
/// MESSAGE`, the path relative to the repository root, the help after the message.
pub fn lint_github(files: &[FileReport], place: &SarifPlace) -> String {
    let mut out = String::new();
    for f in files {
        let (uri, relative) = place.uri(f.file.unwrap_or(std::path::Path::new(f.path)));
        let path = if relative {
            percent_encoding::percent_decode_str(&uri)
                .decode_utf8_lossy()
                .into_owned()
        } else {
            f.path.to_string()
        };
        for d in f.diagnostics {
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let span = d.span().unwrap_or_default();
            let (line, col) = f.source.line_col(span.start);
            let (end_line, end_col) = f.source.line_col(span.end.max(span.start));
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message = format!("{message}\n{h}");
            }
            out.push_str(&format!(
                "::{kind} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
                escape_property(&path),
                escape_property(&format!("deontic {}", d.code)),
                escape_message(&message),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape_message, escape_property};

    #[test]
    fn escapes_as_the_actions_toolkit_does() {
        assert_eq!(escape_message("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
