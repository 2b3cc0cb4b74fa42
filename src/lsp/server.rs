//! The server's loop: the protocol's phases (initialize, running, shut down), the document
//! notifications applied strictly in the order they come, static diagnostics as soon as the
//! messages waiting are read, and the lint on a worker thread after a debounce.

use super::diagnostics::publication;
use super::documents::Document;
use super::position::{Encoding, span};
use super::requests;
use super::transport::{Incoming, Outgoing};
use crate::diagnostic::Diagnostic;
use crate::model::Policy;
use crossbeam_channel::{Receiver, Sender, select, unbounded};
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, LogMessageParams, MessageType, PublishDiagnosticsParams, Uri,
};
use serde_json::Value;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the lint waits after the last change before it runs.
pub const LINT_DELAY: Duration = Duration::from_millis(300);

/// Why a request failed: a JSON-RPC error code and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestError {
    /// The error code.
    pub code: i32,
    /// Lowercase, names in backticks.
    pub message: String,
}

impl RequestError {
    /// A request that was understood but could not be carried out.
    pub fn failed(message: impl Into<String>) -> RequestError {
        RequestError {
            code: ErrorCode::RequestFailed as i32,
            message: message.into(),
        }
    }

    /// A request whose parameters are wrong.
    pub fn invalid_params(message: impl Into<String>) -> RequestError {
        RequestError {
            code: ErrorCode::InvalidParams as i32,
            message: message.into(),
        }
    }
}

/// Where the conversation with the client is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Before `initialize`.
    Waiting,
    /// Between `initialize` and `shutdown`.
    Running,
    /// After `shutdown`: only `exit` is expected.
    ShutDown,
}

/// A lint run's result, sent back by its worker.
struct LintDone {
    uri: Uri,
    version: i32,
    result: Result<Vec<Diagnostic>, String>,
}

/// The server's state.
pub struct Server {
    out: Sender<Outgoing>,
    phase: Phase,
    /// How positions count characters, agreed at `initialize`.
    pub(super) encoding: Encoding,
    /// The open documents.
    pub(super) docs: HashMap<Uri, Document>,
    lint_tx: Sender<LintDone>,
    lint_rx: Receiver<LintDone>,
}

/// Serves one client: reads `incoming` until `exit` (or its end) and writes to `out`.
/// Returns the exit code: 0 after `shutdown` and `exit`, 1 otherwise.
pub fn serve(incoming: Receiver<Incoming>, out: Sender<Outgoing>) -> i32 {
    let (lint_tx, lint_rx) = unbounded();
    let mut server = Server {
        out,
        phase: Phase::Waiting,
        encoding: Encoding::Utf16,
        docs: HashMap::new(),
        lint_tx,
        lint_rx,
    };
    loop {
        server.start_due_lints();
        let stale = server.docs.values().any(Document::is_stale);
        if stale && incoming.is_empty() {
            // Every message waiting is read: the latest texts are analysed once each.
            server.refresh_all();
            continue;
        }
        let timeout = if stale {
            Duration::ZERO
        } else {
            server.next_lint().map_or(Duration::from_secs(3600), |t| {
                t.saturating_duration_since(Instant::now())
            })
        };
        select! {
            recv(incoming) -> m => match m {
                Ok(Incoming::Message(m)) => {
                    if let Some(code) = server.on_message(m) {
                        return code;
                    }
                }
                Ok(Incoming::Invalid { id, code, message }) => {
                    server.send(Outgoing::Error { id, code, message });
                }
                Err(_) => return if server.phase == Phase::ShutDown { 0 } else { 1 },
            },
            recv(server.lint_rx) -> done => {
                if let Ok(done) = done {
                    server.on_lint_done(done);
                }
            }
            default(timeout) => {}
        }
    }
}

impl Server {
    fn send(&self, out: Outgoing) {
        // A client that has gone cannot be told anything; the loop ends when its input does.
        let _ = self.out.send(out);
    }

    /// Sends a notification to the client.
    pub(super) fn notify<N: notif::Notification>(&self, params: N::Params) {
        self.send(Outgoing::Message(Message::Notification(Notification::new(
            N::METHOD.to_string(),
            params,
        ))));
    }

    /// Writes a line to the client's log.
    pub(super) fn log(&self, typ: MessageType, message: String) {
        self.notify::<notif::LogMessage>(LogMessageParams { typ, message });
    }

    /// Handles one message; `Some(code)` when the server is to exit with it.
    fn on_message(&mut self, m: Message) -> Option<i32> {
        match m {
            Message::Request(r) => self.on_request(r),
            Message::Notification(n) if n.method == notif::Exit::METHOD => {
                return Some(if self.phase == Phase::ShutDown { 0 } else { 1 });
            }
            Message::Notification(n) => {
                if self.phase == Phase::Running {
                    self.on_notification(n);
                }
            }
            Message::Response(_) => {}
        }
        None
    }

    fn on_request(&mut self, r: Request) {
        let Request { id, method, params } = r;
        let result = match (self.phase, method.as_str()) {
            (Phase::Waiting, "initialize") => {
                self.phase = Phase::Running;
                Ok(requests::initialize(self, &params))
            }
            (Phase::Waiting, _) => Err(RequestError {
                code: ErrorCode::ServerNotInitialized as i32,
                message: format!("`{method}` before `initialize`"),
            }),
            (_, "initialize") => Err(RequestError {
                code: ErrorCode::InvalidRequest as i32,
                message: "the server is initialized already".into(),
            }),
            (Phase::ShutDown, _) => Err(RequestError {
                code: ErrorCode::InvalidRequest as i32,
                message: format!("`{method}` after `shutdown`"),
            }),
            (Phase::Running, "shutdown") => {
                self.phase = Phase::ShutDown;
                Ok(Value::Null)
            }
            (Phase::Running, _) => {
                match catch_unwind(AssertUnwindSafe(|| requests::handle(self, &method, params))) {
                    Ok(result) => result,
                    Err(_) => Err(RequestError {
                        code: ErrorCode::InternalError as i32,
                        message: format!("internal error while answering `{method}`"),
                    }),
                }
            }
        };
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err(e) => Response::new_err(id, e.code, e.message),
        };
        self.send(Outgoing::Message(Message::Response(response)));
    }

    fn on_notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let handled = match method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                n.extract::<DidOpenTextDocumentParams>(&method).map(|p| {
                    let d = p.text_document;
                    let doc = Document::new(d.uri.clone(), d.version, d.text);
                    self.docs.insert(d.uri, doc);
                })
            }
            notif::DidChangeTextDocument::METHOD => n
                .extract::<DidChangeTextDocumentParams>(&method)
                .map(|p| self.on_change(p)),
            notif::DidSaveTextDocument::METHOD => {
                n.extract::<DidSaveTextDocumentParams>(&method).map(|p| {
                    // A save lints at once, unless this version's run is done or under way.
                    if let Some(doc) = self.docs.get_mut(&p.text_document.uri) {
                        if doc.lint.findings.is_none() && doc.lint.running != Some(doc.version) {
                            doc.lint.due = Some(Instant::now());
                        }
                    }
                })
            }
            notif::DidCloseTextDocument::METHOD => {
                n.extract::<DidCloseTextDocumentParams>(&method).map(|p| {
                    let uri = p.text_document.uri;
                    if self.docs.remove(&uri).is_some() {
                        self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
                            uri,
                            diagnostics: Vec::new(),
                            version: None,
                        });
                    }
                })
            }
            _ => Ok(()),
        };
        if let Err(e) = handled {
            self.log(
                MessageType::ERROR,
                format!("`{method}` ignored: its parameters are invalid: {e}"),
            );
        }
    }

    /// Applies a document's changes in order: whole texts, or ranges of the text (which
    /// clients may send although the server asks for whole texts).
    fn on_change(&mut self, p: DidChangeTextDocumentParams) {
        let encoding = self.encoding;
        let Some(doc) = self.docs.get_mut(&p.text_document.uri) else {
            return;
        };
        let mut text = doc.source.text().to_string();
        for change in p.content_changes {
            match change.range {
                None => text = change.text,
                Some(r) => {
                    let current = crate::source::Source::new("", text.as_str());
                    if let Some(s) = span(&current, r, encoding) {
                        text.replace_range(s.start..s.end, &change.text);
                    }
                }
            }
        }
        doc.change(p.text_document.version, text);
    }

    /// Analyses every document whose text changed, publishes its static diagnostics, and
    /// starts its lint's debounce.
    fn refresh_all(&mut self) {
        let uris: Vec<Uri> = self
            .docs
            .iter()
            .filter(|(_, d)| d.is_stale())
            .map(|(u, _)| u.clone())
            .collect();
        for uri in uris {
            self.refresh(&uri);
        }
    }

    /// Analyses a document if its text changed (publishing its static diagnostics).
    pub(super) fn refresh(&mut self, uri: &Uri) {
        let encoding = self.encoding;
        let Some(doc) = self.docs.get_mut(uri) else {
            return;
        };
        if doc.refresh() {
            if doc.analysed().exact {
                // A save since the change keeps its earlier time.
                let debounced = Instant::now() + LINT_DELAY;
                doc.lint.due = Some(doc.lint.due.map_or(debounced, |t| t.min(debounced)));
            }
            let params = publication(doc, encoding);
            self.notify::<notif::PublishDiagnostics>(params);
        }
    }

    fn next_lint(&self) -> Option<Instant> {
        self.docs
            .values()
            .filter(|d| d.lint.running.is_none())
            .filter_map(|d| d.lint.due)
            .min()
    }

    /// Starts the lint of every document whose debounce is over and whose previous run is
    /// done. A run cannot be stopped midway: a newer text drops its result when it comes.
    fn start_due_lints(&mut self) {
        let now = Instant::now();
        for (uri, doc) in &mut self.docs {
            if doc.is_stale() || doc.lint.running.is_some() || doc.lint.due.is_none_or(|t| t > now)
            {
                continue;
            }
            doc.lint.due = None;
            let analysis = doc.analysed();
            let Some(policy) = analysis.policy.clone().filter(|_| analysis.exact) else {
                continue;
            };
            doc.lint.running = Some(doc.version);
            let (tx, uri, version) = (self.lint_tx.clone(), uri.clone(), doc.version);
            let spawned = std::thread::Builder::new()
                .name("deontic-lint".into())
                .spawn(move || {
                    let result = lint(&policy);
                    let _ = tx.send(LintDone {
                        uri,
                        version,
                        result,
                    });
                });
            if spawned.is_err() {
                doc.lint.running = None;
            }
        }
    }

    fn on_lint_done(&mut self, done: LintDone) {
        let encoding = self.encoding;
        let Some(doc) = self.docs.get_mut(&done.uri) else {
            return;
        };
        doc.lint.running = None;
        if doc.version != done.version || doc.is_stale() {
            return;
        }
        let failed = match done.result {
            Ok(findings) => {
                doc.lint.findings = Some(findings);
                None
            }
            Err(e) => {
                doc.lint.findings = Some(Vec::new());
                Some(e)
            }
        };
        let params = publication(doc, encoding);
        self.notify::<notif::PublishDiagnostics>(params);
        if let Some(e) = failed {
            self.log(MessageType::ERROR, format!("lint: {e}"));
        }
    }
}

/// The lint of a policy, on a worker: a failure of the analysis, or a panic, is a message.
fn lint(policy: &Arc<Policy>) -> Result<Vec<Diagnostic>, String> {
    match catch_unwind(AssertUnwindSafe(|| crate::analysis::lint(policy))) {
        Ok(Ok(found)) => Ok(found),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("internal error: the analysis stopped".into()),
    }
}
