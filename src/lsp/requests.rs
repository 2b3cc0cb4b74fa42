//! The requests: `initialize` (the capabilities, and how positions count characters), then
//! each feature's, its parameters read and its answer taken from the document they name.

use super::position::{self, Encoding};
use super::server::{RequestError, Server};
use super::{actions, complete, hover, lenses, navigate, outline};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CodeLensOptions, CodeLensParams, CompletionOptions, CompletionParams, CompletionResponse,
    DocumentFormattingParams, DocumentSymbolParams, DocumentSymbolResponse, ExecuteCommandOptions,
    ExecuteCommandParams, FoldingRangeParams, FoldingRangeProviderCapability, GotoDefinitionParams,
    GotoDefinitionResponse, HoverParams, HoverProviderCapability, InitializeResult, MessageType,
    OneOf, PositionEncodingKind, ReferenceParams, RenameOptions, RenameParams, ServerCapabilities,
    ServerInfo, ShowMessageParams, TextDocumentPositionParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
    WorkDoneProgressOptions,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Answers `initialize`: UTF-8 positions when the client offers them, else UTF-16.
pub fn initialize(server: &mut Server, params: &Value) -> Value {
    let offered = params
        .pointer("/capabilities/general/positionEncodings")
        .and_then(Value::as_array);
    let utf8 = offered.is_some_and(|list| list.iter().any(|e| e == "utf-8"));
    server.encoding = if utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let result = InitializeResult {
        capabilities: capabilities(server.encoding),
        server_info: Some(ServerInfo {
            name: "deontic".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    serde_json::to_value(result).unwrap_or(Value::Null)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["[".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![lenses::RUN_CASE.into(), lenses::EXPLAIN_RULE.into()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

fn parse<P: DeserializeOwned>(params: Value) -> Result<P, RequestError> {
    serde_json::from_value(params)
        .map_err(|e| RequestError::invalid_params(format!("invalid parameters: {e}")))
}

fn answer(value: impl Serialize) -> Result<Value, RequestError> {
    serde_json::to_value(value).map_err(|e| RequestError::failed(e.to_string()))
}

impl Server {
    /// An open document, analysed.
    fn document(&mut self, uri: &Uri) -> Result<&super::documents::Document, RequestError> {
        self.refresh(uri);
        self.docs.get(uri).ok_or_else(|| {
            RequestError::invalid_params(format!("the document `{}` is not open", uri.as_str()))
        })
    }

    /// An open document and the byte offset of a position in it.
    fn located(
        &mut self,
        at: &TextDocumentPositionParams,
    ) -> Result<(&super::documents::Document, usize), RequestError> {
        let encoding = self.encoding;
        let doc = self.document(&at.text_document.uri)?;
        let offset = position::offset(&doc.source, at.position, encoding).ok_or_else(|| {
            RequestError::invalid_params(format!(
                "the position {}:{} is past the end of the document, which has {} lines",
                at.position.line,
                at.position.character,
                doc.source.line(doc.source.text().len())
            ))
        })?;
        Ok((doc, offset))
    }
}

/// Answers a request of the running server.
pub fn handle(server: &mut Server, method: &str, params: Value) -> Result<Value, RequestError> {
    let encoding = server.encoding;
    match method {
        req::HoverRequest::METHOD => {
            let p: HoverParams = parse(params)?;
            let (doc, offset) = server.located(&p.text_document_position_params)?;
            answer(hover::hover(doc, offset, encoding))
        }
        req::GotoDefinition::METHOD => {
            let p: GotoDefinitionParams = parse(params)?;
            let (doc, offset) = server.located(&p.text_document_position_params)?;
            answer(navigate::definition(doc, offset, encoding).map(GotoDefinitionResponse::Scalar))
        }
        req::References::METHOD => {
            let p: ReferenceParams = parse(params)?;
            let (doc, offset) = server.located(&p.text_document_position)?;
            let with = p.context.include_declaration;
            answer(navigate::references(doc, offset, with, encoding))
        }
        req::PrepareRenameRequest::METHOD => {
            let p: TextDocumentPositionParams = parse(params)?;
            let (doc, offset) = server.located(&p)?;
            answer(navigate::prepare_rename(doc, offset, encoding)?)
        }
        req::Rename::METHOD => {
            let p: RenameParams = parse(params)?;
            let (doc, offset) = server.located(&p.text_document_position)?;
            answer(navigate::rename(doc, offset, &p.new_name, encoding)?)
        }
        req::Completion::METHOD => {
            let p: CompletionParams = parse(params)?;
            let (doc, offset) = server.located(&p.text_document_position)?;
            answer(CompletionResponse::Array(complete::complete(
                doc, offset, encoding,
            )))
        }
        req::DocumentSymbolRequest::METHOD => {
            let p: DocumentSymbolParams = parse(params)?;
            let doc = server.document(&p.text_document.uri)?;
            answer(DocumentSymbolResponse::Nested(outline::symbols(
                doc, encoding,
            )))
        }
        req::FoldingRangeRequest::METHOD => {
            let p: FoldingRangeParams = parse(params)?;
            let doc = server.document(&p.text_document.uri)?;
            answer(outline::folding_ranges(doc))
        }
        req::Formatting::METHOD => {
            let p: DocumentFormattingParams = parse(params)?;
            let doc = server.document(&p.text_document.uri)?;
            answer(actions::formatting(doc, encoding)?)
        }
        req::CodeActionRequest::METHOD => {
            let p: CodeActionParams = parse(params)?;
            let doc = server.document(&p.text_document.uri)?;
            let span = position::span(&doc.source, p.range, encoding).ok_or_else(|| {
                RequestError::invalid_params("the range is past the end of the document")
            })?;
            // Every action offered is a quick fix: none when the client asks for other kinds.
            let wanted = p.context.only.as_ref().is_none_or(|kinds| {
                kinds
                    .iter()
                    .any(|k| k.as_str().is_empty() || k.as_str() == "quickfix")
            });
            if !wanted {
                return answer(Vec::<()>::new());
            }
            answer(actions::code_actions(doc, span, encoding))
        }
        req::CodeLensRequest::METHOD => {
            let p: CodeLensParams = parse(params)?;
            let doc = server.document(&p.text_document.uri)?;
            answer(lenses::lenses(doc, encoding))
        }
        req::ExecuteCommand::METHOD => {
            let p: ExecuteCommandParams = parse(params)?;
            execute(server, p)
        }
        _ => Err(RequestError {
            code: lsp_server::ErrorCode::MethodNotFound as i32,
            message: format!("unknown method `{method}`"),
        }),
    }
}

/// Runs a lens's command (`[uri, name]`), shows its report and answers with its result.
fn execute(server: &mut Server, p: ExecuteCommandParams) -> Result<Value, RequestError> {
    let arg = |i: usize| p.arguments.get(i).and_then(Value::as_str);
    let (Some(uri), Some(name)) = (arg(0), arg(1)) else {
        return Err(RequestError::invalid_params(format!(
            "`{}` takes a document's address and a name",
            p.command
        )));
    };
    let uri: Uri = uri
        .parse()
        .map_err(|_| RequestError::invalid_params(format!("`{uri}` is not an address")))?;
    let doc = server.document(&uri)?;
    let report = match p.command.as_str() {
        lenses::RUN_CASE => lenses::run_case_command(doc, name)?,
        lenses::EXPLAIN_RULE => lenses::explain_rule_command(doc, name)?,
        other => {
            return Err(RequestError::invalid_params(format!(
                "unknown command `{other}`"
            )));
        }
    };
    server.notify::<lsp_types::notification::ShowMessage>(ShowMessageParams {
        typ: MessageType::INFO,
        message: report.message,
    });
    Ok(report.result)
}
