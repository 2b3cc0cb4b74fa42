//! Lint reports as SARIF 2.1.0, in the shape code-scanning services read: every code a rule
//! with its description and fix, every finding a result at its primary span with the other
//! labels as related locations, a fingerprint that survives moved lines, locations relative
//! to the repository root, and whether the run could finish.

use super::lint::FileReport;
use crate::diagnostic::{Code, Diagnostic, Severity, Witness, docs_base};
use crate::source::{Source, Span};
use crate::uri::{encode_path, file_uri};
use serde_json::Value as J;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Where the files of a report are: the root the URIs are relative to.
#[derive(Clone, Debug)]
pub struct SarifPlace {
    /// The repository root (the folder holding `.git`), or the working folder.
    pub root: PathBuf,
    /// The folder relative paths in the report are relative to.
    pub cwd: PathBuf,
}

impl SarifPlace {
    /// The root for the working folder: the nearest folder above it that holds `.git`, else
    /// the working folder itself.
    pub fn here() -> SarifPlace {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let root = cwd
            .ancestors()
            .find(|d| d.join(".git").exists())
            .unwrap_or(&cwd)
            .to_path_buf();
        SarifPlace { root, cwd }
    }

    /// A path of the report as a URI reference relative to the root, when it is under it;
    /// else as an absolute `file:` URI.
    pub fn uri(&self, path: &Path) -> (String, bool) {
        let joined = self.cwd.join(path);
        let absolute = std::fs::canonicalize(&joined).unwrap_or_else(|_| normal(&joined));
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| normal(&self.root));
        match absolute.strip_prefix(&root) {
            Ok(rel) => (encode_path(rel), true),
            Err(_) => (file_uri(&absolute), false),
        }
    }

    /// The root as a `file:` URI ending with `/`.
    pub fn root_uri(&self) -> String {
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| normal(&self.root));
        let mut uri = file_uri(&root);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        uri
    }
}

/// A path with `.` and `..` taken out, without asking the file system.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// The root's name in `uriBaseId`.
pub(super) const SRCROOT: &str = "%SRCROOT%";

pub(super) fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
    }
}

pub(super) fn text(t: impl Into<String>) -> Message {
    Message::builder().text(t.into()).build()
}

/// A link to the documentation that leads somewhere: a web address, or a `file:` one whose
/// file exists on this machine (the docs of the source tree the program was built from).
pub(super) fn live_link(url: String) -> Option<String> {
    if url.starts_with("https://") || url.starts_with("http://") {
        return Some(url);
    }
    let path = url.strip_prefix("file://")?;
    let file = path.split('#').next().unwrap_or(path);
    Path::new(file).exists().then_some(url)
}

/// The rule's `name`: its title, which must differ from its `id` in more than case.
fn rule_name(c: Code) -> &'static str {
    match c {
        Code::Conflict => "ConflictingRules",
        _ => c.title(),
    }
}

pub(super) fn rule(c: Code) -> ReportingDescriptor {
    ReportingDescriptor {
        help_uri: live_link(c.docs_url()),
        ..ReportingDescriptor::builder()
            .id(c.as_str())
            .name(rule_name(c))
            .short_description(
                MultiformatMessageString::builder()
                    .text(c.summary())
                    .build(),
            )
            .full_description(
                MultiformatMessageString::builder()
                    .text(c.description())
                    .build(),
            )
            .help(
                MultiformatMessageString::builder()
                    .text(c.fix())
                    .markdown(format!("{}\n\n**Fix:** {}", c.description(), c.fix()))
                    .build(),
            )
            .default_configuration(
                ReportingConfiguration::builder()
                    .level(J::from(level(c.severity()).to_string()))
                    .build(),
            )
            .build()
    }
}

pub(super) fn witness(w: &Witness) -> J {
    J::Object(
        w.iter()
            .map(|(k, v)| (k.to_string(), serde_json::to_value(v).unwrap_or(J::Null)))
            .collect(),
    )
}

/// A stable 64-bit FNV-1a hash, written as 16 hex digits.
pub(super) fn fingerprint(parts: &[&str]) -> String {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for part in parts {
        for &b in part.as_bytes().iter().chain(std::iter::once(&0)) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn region(source: &Source, span: Span) -> Region {
    let (sl, sc) = source.line_col(span.start);
    let (el, ec) = source.line_col(span.end.max(span.start));
    let n = |x: usize| i64::try_from(x).unwrap_or(i64::MAX);
    Region::builder()
        .start_line(n(sl))
        .start_column(n(sc))
        .end_line(n(el))
        .end_column(n(ec))
        .build()
}

/// Where a file is: a URI relative to `%SRCROOT%` when it is under the root, else absolute.
pub(super) struct FileUri {
    pub uri: String,
    pub under_root: bool,
}

pub(super) fn location(
    file: &FileUri,
    source: &Source,
    span: Span,
    message: Option<&str>,
) -> Location {
    let artifact = ArtifactLocation {
        uri: Some(file.uri.clone()),
        uri_base_id: file.under_root.then(|| SRCROOT.to_string()),
        ..ArtifactLocation::default()
    };
    Location {
        physical_location: Some(
            PhysicalLocation::builder()
                .artifact_location(artifact)
                .region(region(source, span))
                .build(),
        ),
        message: message.map(text),
        ..Location::default()
    }
}

fn properties(d: &Diagnostic) -> Option<PropertyBag> {
    let mut props = BTreeMap::new();
    if let Some(a) = &d.action {
        props.insert("action".into(), a.clone().into());
    }
    if !d.rules.is_empty() {
        props.insert("rules".into(), d.rules.clone().into());
    }
    if let Some(n) = &d.name {
        props.insert("name".into(), n.clone().into());
    }
    if let Some(w) = &d.witness {
        props.insert("witness".into(), witness(w));
    }
    (!props.is_empty()).then(|| PropertyBag::builder().additional_properties(props).build())
}

pub(super) fn result(d: &Diagnostic, file: &FileReport, uri: &FileUri) -> SarifResult {
    let source = file.source;
    let primary = d.labels.iter().find(|l| l.primary).or(d.labels.first());
    let message = match &d.help {
        Some(h) => format!("{}\n{h}", d.message),
        None => d.message.clone(),
    };
    let at = primary.map_or(Span::new(0, 0), |l| l.span);
    let related: Vec<Location> = d
        .labels
        .iter()
        .filter(|l| Some(*l) != primary)
        .zip(0i64..)
        .map(|(l, i)| Location {
            id: Some(i),
            ..location(uri, source, l.span, Some(&l.message))
        })
        .collect();
    // What the finding is about, not where: moving the rules keeps the alert.
    let about = fingerprint(&[
        d.code.as_str(),
        &uri.uri,
        &d.rules.join(","),
        d.action.as_deref().unwrap_or(""),
        d.name.as_deref().unwrap_or(""),
        if d.rules.is_empty() && d.name.is_none() {
            &d.message
        } else {
            ""
        },
    ]);
    let index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
    SarifResult {
        related_locations: (!related.is_empty()).then_some(related),
        properties: properties(d),
        ..SarifResult::builder()
            .rule_id(d.code.as_str())
            .rule_index(i64::try_from(index).unwrap_or(0))
            .level(level(d.severity))
            .message(text(message))
            .locations(vec![location(uri, source, at, None)])
            .partial_fingerprints(BTreeMap::from([("deonticFinding/v1".to_string(), about)]))
            .build()
    }
}

/// SARIF 2.1.0 for the files linted, relative to `place`; `failures` are the reasons the
/// run could not finish (unreadable files, an analysis that failed): with any, the run says
/// `executionSuccessful: false` and lists them.
pub fn lint_sarif_at(files: &[FileReport], place: &SarifPlace, failures: &[String]) -> String {
    let mut results = Vec::new();
    for f in files {
        let (uri, under_root) = place.uri(f.file.unwrap_or(Path::new(f.path)));
        let uri = FileUri { uri, under_root };
        for d in f.diagnostics {
            results.push(result(d, f, &uri));
        }
    }
    let rules = Code::ALL.iter().map(|&c| rule(c)).collect();
    log(place, rules, results, failures, failures.is_empty())
}

/// A SARIF 2.1.0 log of one run: `rules` and `results` as given, `notes` as error
/// notifications, and whether the run finished.
pub(super) fn log(
    place: &SarifPlace,
    rules: Vec<ReportingDescriptor>,
    results: Vec<SarifResult>,
    notes: &[String],
    finished: bool,
) -> String {
    let notifications: Vec<Notification> = notes
        .iter()
        .map(|m| {
            Notification::builder()
                .level(J::from("error"))
                .message(text(m.as_str()))
                .build()
        })
        .collect();
    let invocation = Invocation {
        tool_execution_notifications: (!notifications.is_empty()).then_some(notifications),
        ..Invocation::builder().execution_successful(finished).build()
    };
    let driver = ToolComponent {
        information_uri: live_link(docs_base()),
        ..ToolComponent::builder()
            .name("deontic")
            .version(env!("CARGO_PKG_VERSION"))
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .rules(rules)
            .build()
    };
    let root = ArtifactLocation::builder().uri(place.root_uri()).build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_string(), root)]))
        .column_kind(J::from("unicodeCodePoints"))
        .results(results)
        .build();
    let log = Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(J::from("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_string(&log).unwrap_or_default()
}

/// [`lint_sarif_at`] for the working folder and a run that finished.
pub fn lint_sarif(files: &[FileReport]) -> String {
    lint_sarif_at(files, &SarifPlace::here(), &[])
}

#[cfg(test)]
mod tests {
    use super::{fingerprint, live_link, rule_name};
    use crate::diagnostic::Code;

    #[test]
    fn every_rule_name_differs_from_its_id() {
        for c in Code::ALL {
            assert!(!rule_name(*c).eq_ignore_ascii_case(c.as_str()), "{c:?}");
        }
    }

    #[test]
    fn links_are_kept_only_when_they_lead_somewhere() {
        let here = format!("file://{}/Cargo.toml#x", env!("CARGO_MANIFEST_DIR"));
        assert_eq!(live_link(here.clone()), Some(here));
        assert_eq!(live_link("file:///no/such/file.md#x".into()), None);
        assert_eq!(
            live_link("https://example.org/x".into()).as_deref(),
            Some("https://example.org/x")
        );
    }

    #[test]
    fn fingerprints_are_stable_and_tell_parts_apart() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
    }
}
