//! `funnel lsp`: a Language Server Protocol server on stdio, over the same checker as
//! `funnel check`.
//!
//! A policy set is the directory of the open file, read with the open buffers in place of the
//! files on disk. Each set is checked again 200 ms after the last edit (diagnostics are
//! published then, for every file of the set) or at once when a request needs it. A request
//! that panics is answered with an error and the server goes on: an error in one file never
//! stops the others from being served.

mod analysis;
mod completion;
mod diagnostics;
mod documents;
mod edits;
mod hover;
mod navigate;
mod outline;
mod test_lens;

use crate::exit;
use crate::failure::{Failure, Outcome};
use analysis::Sets;
use crossbeam_channel::RecvTimeoutError;
use documents::{uri_path, Documents};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification, request, Uri};
use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long after the last edit a set is checked again: typing does not re-check on every key.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// The command that runs a set's tests (a code lens above each test offers it).
pub const RUN_TESTS: &str = "funnel.runTests";

#[derive(clap::Args)]
pub struct Args {
    /// Talk over stdin and stdout (the only transport, and the default; editors that pass
    /// `--stdio`, as VS Code's client does, are accepted).
    #[arg(long)]
    stdio: bool,
}

pub fn run(args: Args) -> Outcome {
    let _ = args.stdio;
    let (connection, io) = Connection::stdio();
    serve(&connection).map_err(Failure::Usage)?;
    drop(connection);
    io.join()
        .map_err(|e| Failure::Usage(format!("funnel lsp: {e}")))?;
    Ok(exit::OK)
}

/// Runs the protocol on a connection until the client says `exit` or goes away.
pub fn serve(connection: &Connection) -> Result<(), String> {
    let capabilities = serde_json::to_value(capabilities()).expect("capabilities serialize");
    connection
        .initialize(capabilities)
        .map_err(|e| format!("funnel lsp: the client did not initialize: {e}"))?;
    let mut server = Server {
        connection,
        docs: Documents::default(),
        sets: Sets::default(),
        due: Vec::new(),
    };
    loop {
        let wait = server
            .due
            .iter()
            .map(|(_, at)| at.saturating_duration_since(Instant::now()))
            .min()
            .unwrap_or(Duration::from_secs(3600));
        match connection.receiver.recv_timeout(wait) {
            Ok(Message::Request(req)) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| format!("funnel lsp: {e}"))?
                {
                    return Ok(());
                }
                let response = server.request(req);
                server.send(Message::Response(response));
            }
            Ok(Message::Notification(n)) => {
                if n.method == notification::Exit::METHOD {
                    return Ok(());
                }
                server.notification(n);
            }
            Ok(Message::Response(_)) => {}
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        server.publish_due();
    }
}

fn capabilities() -> lsp_types::ServerCapabilities {
    use lsp_types::*;
    ServerCapabilities {
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
            trigger_characters: Some(vec![".".into(), " ".into(), "(".into(), "[".into()]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![RUN_TESTS.to_string()],
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        ..ServerCapabilities::default()
    }
}

struct Server<'c> {
    connection: &'c Connection,
    docs: Documents,
    sets: Sets,
    /// Sets to check and publish, and when (the debounce).
    due: Vec<(PathBuf, Instant)>,
}

/// A request's parameters, or why they do not fit.
fn params<P: serde::de::DeserializeOwned>(req: &Request) -> Result<P, String> {
    serde_json::from_value(req.params.clone()).map_err(|e| format!("bad parameters: {e}"))
}

/// A handler's answer as JSON.
fn json<T: serde::Serialize>(answer: Result<T, String>) -> Result<Value, String> {
    answer.and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string()))
}

/// The path of a document's URI, or why it is not one the server serves.
fn path_of(uri: &Uri) -> Result<PathBuf, String> {
    uri_path(uri).ok_or_else(|| format!("funnel lsp serves file: URIs only, not {}", uri.as_str()))
}

impl Server<'_> {
    fn send(&self, message: Message) {
        // The client went away: the loop ends when the channel disconnects.
        let _ = self.connection.sender.send(message);
    }

    /// Answers one request; a handler that fails or panics gets an error response.
    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let method = req.method.clone();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(&req)));
        match outcome {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(message)) => Response::new_err(id, ErrorCode::RequestFailed as i32, message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("funnel lsp: internal error answering {method} (a bug; please report it with the file)"),
            ),
        }
    }

    fn answer(&mut self, req: &Request) -> Result<Value, String> {
        match req.method.as_str() {
            request::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(req)?;
                let (a, file, at) = self.locate(&p.text_document_position_params)?;
                json(Ok(hover::hover(a, &file, at)))
            }
            request::GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(req)?;
                let (a, file, at) = self.locate(&p.text_document_position_params)?;
                json(Ok(navigate::definition(a, &file, at)))
            }
            request::References::METHOD => {
                let p: lsp_types::ReferenceParams = params(req)?;
                let (a, file, at) = self.locate(&p.text_document_position)?;
                json(Ok(navigate::references(
                    a,
                    &file,
                    at,
                    p.context.include_declaration,
                )))
            }
            request::PrepareRenameRequest::METHOD => {
                let p: lsp_types::TextDocumentPositionParams = params(req)?;
                let (a, file, at) = self.locate(&p)?;
                json(navigate::prepare_rename(a, &file, at))
            }
            request::Rename::METHOD => {
                let p: lsp_types::RenameParams = params(req)?;
                let (a, file, at) = self.locate(&p.text_document_position)?;
                json(navigate::rename(a, &file, at, &p.new_name))
            }
            request::Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(req)?;
                let (a, file, at) = self.locate(&p.text_document_position)?;
                json(Ok(completion::complete(a, &file, at)))
            }
            request::Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = params(req)?;
                let file = self.file(&p.text_document.uri)?;
                json(Ok(edits::format(&file)))
            }
            request::DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(req)?;
                let file = self.file(&p.text_document.uri)?;
                json(Ok(outline::symbols(&file)))
            }
            request::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = params(req)?;
                let path = path_of(&p.text_document.uri)?;
                let a = self.sets.analysis(&path, &self.docs);
                let name = path.display().to_string();
                json(Ok(edits::code_actions(a, &name, &p)))
            }
            request::CodeLensRequest::METHOD => {
                let p: lsp_types::CodeLensParams = params(req)?;
                let path = path_of(&p.text_document.uri)?;
                let a = self.sets.analysis(&path, &self.docs);
                json(Ok(test_lens::lenses(a, &path, &p.text_document.uri)))
            }
            request::ExecuteCommand::METHOD => {
                let p: lsp_types::ExecuteCommandParams = params(req)?;
                if p.command != RUN_TESTS {
                    return Err(format!("unknown command {}", p.command));
                }
                let uri: Uri = p
                    .arguments
                    .first()
                    .and_then(|v| serde_json::from_value(v.clone()).ok())
                    .ok_or("funnel.runTests takes the URI of a policy file")?;
                let path = path_of(&uri)?;
                let a = self.sets.analysis(&path, &self.docs);
                let summary = test_lens::run_tests(a);
                self.send(Message::Notification(Notification::new(
                    notification::ShowMessage::METHOD.to_string(),
                    lsp_types::ShowMessageParams {
                        typ: if summary.failed == 0 && summary.compiles {
                            lsp_types::MessageType::INFO
                        } else {
                            lsp_types::MessageType::WARNING
                        },
                        message: summary.message.clone(),
                    },
                )));
                json(Ok(summary.to_json()))
            }
            _ => Err(format!("funnel lsp does not answer {}", req.method)),
        }
    }

    /// The set's analysis, the file and the byte offset of a position.
    fn locate(
        &mut self,
        p: &lsp_types::TextDocumentPositionParams,
    ) -> Result<
        (
            &analysis::Analysis,
            std::sync::Arc<funnel_grammar::SourceFile>,
            usize,
        ),
        String,
    > {
        let path = path_of(&p.text_document.uri)?;
        let a = self.sets.analysis(&path, &self.docs);
        let file = a
            .file(&path)
            .ok_or_else(|| format!("{} is not a policy file of its set", path.display()))?;
        let at = documents::offset(&file.text, p.position);
        Ok((a, file, at))
    }

    /// The text of a document as the server sees it: the buffer, or the file on disk.
    fn file(&self, uri: &Uri) -> Result<std::sync::Arc<funnel_grammar::SourceFile>, String> {
        let path = path_of(uri)?;
        match self.docs.get(&path) {
            Some(text) => Ok(funnel_grammar::SourceFile::new(
                path.display().to_string(),
                text,
            )),
            None => funnel_engine::PolicyDir::read_file(&path).map_err(|e| e.message),
        }
    }

    fn notification(&mut self, n: Notification) {
        let path = |uri: &Uri| uri_path(uri).filter(|p| documents::is_policy(p));
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidOpenTextDocumentParams>(
                    notification::DidOpenTextDocument::METHOD,
                ) {
                    if let Some(path) = path(&p.text_document.uri) {
                        self.docs.set(path.clone(), p.text_document.text);
                        self.changed(&path, Duration::ZERO);
                    }
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    notification::DidChangeTextDocument::METHOD,
                ) {
                    // Full sync: the last change holds the whole text.
                    if let (Some(path), Some(change)) = (
                        path(&p.text_document.uri),
                        p.content_changes.into_iter().last(),
                    ) {
                        self.docs.set(path.clone(), change.text);
                        self.changed(&path, DEBOUNCE);
                    }
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidCloseTextDocumentParams>(
                    notification::DidCloseTextDocument::METHOD,
                ) {
                    if let Some(path) = path(&p.text_document.uri) {
                        self.docs.close(&path);
                        self.changed(&path, Duration::ZERO);
                    }
                }
            }
            notification::DidSaveTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidSaveTextDocumentParams>(
                    notification::DidSaveTextDocument::METHOD,
                ) {
                    // A script or a sibling file may have changed on disk with it.
                    if let Some(path) = path(&p.text_document.uri) {
                        self.changed(&path, Duration::ZERO);
                    }
                }
            }
            notification::DidChangeWatchedFiles::METHOD => {
                // A policy file or a script changed on disk (a checkout, another editor): a
                // script sits in a subdirectory, so every set open is checked again.
                for dir in self.sets.dirs() {
                    self.changed(&dir.join("_.funnel"), Duration::ZERO);
                }
            }
            _ => {}
        }
    }

    /// A file of a set changed: check the set again after `delay`.
    fn changed(&mut self, path: &std::path::Path, delay: Duration) {
        let dir = documents::set_dir(path);
        self.sets.invalidate(&dir);
        let at = Instant::now() + delay;
        match self.due.iter_mut().find(|(d, _)| *d == dir) {
            Some(entry) => entry.1 = at,
            None => self.due.push((dir, at)),
        }
    }

    /// Checks and publishes the sets whose time has come.
    fn publish_due(&mut self) {
        let now = Instant::now();
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.due)
            .into_iter()
            .partition(|(_, at)| *at <= now);
        self.due = waiting;
        for (dir, _) in ready {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.sets.publish(&dir, &self.docs)
            }));
            match outcome {
                Ok(notes) => {
                    for n in notes {
                        self.send(Message::Notification(n));
                    }
                }
                Err(_) => self.send(Message::Notification(Notification::new(
                    notification::LogMessage::METHOD.to_string(),
                    lsp_types::LogMessageParams {
                        typ: lsp_types::MessageType::ERROR,
                        message: format!(
                            "funnel lsp: internal error checking {} (a bug; please report it)",
                            dir.display()
                        ),
                    },
                ))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! No text an editor can hold makes a feature panic: random edits of a real policy file,
    //! each followed by every request at random places.

    use super::analysis::Analysis;
    use super::*;
    use funnel_grammar::SourceFile;
    use proptest::prelude::*;
    use std::sync::Arc;

    /// Fragments an edit inserts: pieces of the language, broken brackets and odd characters.
    const PIECES: &[&str] = &[
        "when ",
        "where ",
        "==",
        " in [",
        "]",
        "{",
        "}",
        "(",
        ")",
        "\"",
        "/",
        "#",
        "\n",
        "30d",
        "2d 4h",
        "fit",
        "persona ",
        "grade(",
        "sla(",
        "let x = ",
        "score s {\n",
        ".",
        "ç",
        "😀",
        "\u{FEFF}",
        "\t",
        "0",
        "-",
        "events where kind == ",
        "reached_at(",
    ];

    fn acme() -> Vec<Arc<SourceFile>> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../policies/acme");
        funnel_engine::PolicyDir::discover(&[dir.into()])
            .expect("policies/acme")
            .remove(0)
            .read()
            .expect("policies/acme reads")
    }

    fn edit(text: &str, at: usize, delete: usize, insert: &str) -> String {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + delete).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        format!("{}{insert}{}", &text[..at], &text[end..])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn random_edits_never_panic_any_request(
            which in 0usize..7,
            edits in proptest::collection::vec((any::<usize>(), 0usize..40, 0usize..PIECES.len()), 1..6),
            places in proptest::collection::vec(any::<usize>(), 4),
        ) {
            let mut files = acme();
            let which = which % files.len();
            let mut text = files[which].text.clone();
            for (at, delete, piece) in edits {
                text = edit(&text, at, delete, PIECES[piece]);
            }
            let file = SourceFile::new(files[which].name.clone(), text);
            files[which] = file.clone();
            let a = Analysis {
                report: funnel_engine::check_sources(files),
                unreadable: Vec::new(),
            };
            diagnostics::by_file(&a.report);
            edits::format(&file);
            outline::symbols(&file);
            for at in places {
                // As the server gets it: an LSP position, turned into a byte offset.
                let pos = documents::position(&file.text, at % (file.text.len() + 1));
                let at = documents::offset(&file.text, pos);
                prop_assert!(file.text.is_char_boundary(at));
                hover::hover(&a, &file, at);
                navigate::definition(&a, &file, at);
                navigate::references(&a, &file, at, true);
                let _ = navigate::prepare_rename(&a, &file, at);
                let _ = navigate::rename(&a, &file, at, "renamed");
                completion::complete(&a, &file, at);
            }
        }
    }
}
