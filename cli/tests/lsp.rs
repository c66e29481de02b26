//! `funnel lsp` end to end: the binary driven over stdio with scripted JSON-RPC
//! (`Content-Length` framing), on a temporary copy of `policies/acme`, as an editor drives it:
//! open, an edit with a mistake, its diagnostics, the fix and the cleared list; hover, go to
//! definition, references, completion inside a `where`, rename, formatting, code actions,
//! the outline and the test lenses.

use funnel_tests::{copy_dir, workspace_root};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// How long to wait for any one answer before the test fails (not a speed assertion: a
/// hung server must fail the test instead of hanging it).
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications seen while waiting for something else.
    notes: Vec<Value>,
    next_id: i64,
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    fn start(cwd: &Path) -> Client {
        Client::start_with(cwd, &[])
    }

    /// `funnel lsp --stdio` with more arguments (`--lang pt-BR`).
    fn start_with(cwd: &Path, extra: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_funnel"))
            .args(["lsp", "--stdio"])
            .args(extra)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start funnel lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = Some(n.parse::<usize>().expect("a length"));
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                if tx
                    .send(serde_json::from_slice(&body).expect("JSON"))
                    .is_err()
                {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            notes: Vec::new(),
            next_id: 0,
        };
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(cwd), "capabilities": {}}),
        );
        assert_eq!(init["capabilities"]["hoverProvider"], true, "{init}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        self.messages
            .recv_timeout(left)
            .expect("funnel lsp answered in time")
    }

    /// Sends a request and returns its result (failing on an error response).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let answer = self.try_request(method, params);
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    /// The labels of the completion items offered at `at` in `file`.
    fn completion_labels(&mut self, file: &Path, at: Value) -> Vec<String> {
        let items = self.request("textDocument/completion", doc(file, at));
        let items = items.as_array().expect("a list of completion items");
        items
            .iter()
            .map(|i| i["label"].as_str().expect("a label").to_string())
            .collect()
    }

    /// Sends a request and returns the whole response.
    fn try_request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + PATIENCE;
        loop {
            let m = self.next(deadline);
            if m["id"] == id {
                return m;
            }
            self.notes.push(m);
        }
    }

    /// The next diagnostics published for `file` (earlier ones seen are dropped).
    fn diagnostics(&mut self, file: &Path) -> Vec<Value> {
        let want = uri(file);
        let deadline = Instant::now() + PATIENCE;
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == want
        };
        if let Some(i) = self.notes.iter().position(is_it) {
            let m = self.notes.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self.next(deadline);
            if is_it(&m) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.notes.push(m);
        }
    }

    fn open(&mut self, file: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(file), "languageId": "funnel", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, file: &Path, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(file), "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Opens `file` as `text` and waits for its diagnostics, then edits it (unsaved, version 2)
    /// to `typo`: the diagnostics published on opening and those published for the edit.
    fn typo_then_diagnostics(
        &mut self,
        file: &Path,
        text: &str,
        typo: &str,
    ) -> (Vec<Value>, Vec<Value>) {
        self.open(file, text);
        let opened = self.diagnostics(file);
        self.change(file, 2, typo);
        (opened, self.diagnostics(file))
    }

    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "funnel lsp exited with {status}");
    }
}

/// The LSP position of the `nth` (0-based) occurrence of `needle` in `text`, plus `shift`
/// characters (ASCII lines).
fn pos(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).expect(needle).0 + shift;
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": col})
}

/// The first of `found` with `code`, failing when there is none.
fn with_code<'a>(found: &'a [Value], code: &str) -> &'a Value {
    found
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {found:?}"))
}

fn doc(file: &Path, position: Value) -> Value {
    json!({"textDocument": {"uri": uri(file)}, "position": position})
}

fn acme() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let acme = dir.path().join("acme");
    copy_dir(&workspace_root().join("policies/acme"), &acme);
    // Absolute and symlink-free, as an editor names files.
    let acme = acme.canonicalize().unwrap();
    (dir, acme)
}

#[test]
fn an_editing_session_on_the_example_policy() {
    let (_dir, acme) = acme();
    let scoring = acme.join("scoring.funnel");
    let funnel_file = acme.join("funnel.funnel");
    let text = std::fs::read_to_string(&scoring).unwrap();
    let mut lsp = Client::start(&acme);

    // Open: the shipped set has no errors; every file of the set is published. Then an edit
    // with a mistake (unsaved): the error, with its code, place and suggestion.
    let broken = text.replacen("domain_tier(email)", "domain_tier(emial)", 1);
    let (opened, found) = lsp.typo_then_diagnostics(&scoring, &text, &broken);
    let errors = |d: &[Value]| d.iter().filter(|d| d["severity"] == 1).count();
    assert_eq!(errors(&opened), 0);
    // What was published on opening (the set is published whole, before the edit).
    assert_eq!(errors(&lsp.diagnostics(&funnel_file)), 0);
    let error = found
        .iter()
        .find(|d| d["severity"] == 1)
        .unwrap_or_else(|| panic!("an error in {found:?}"));
    assert_eq!(error["code"], "funnel::unknown_field");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `email`?"),
        "{error}"
    );
    assert_eq!(error["range"]["start"], pos(&broken, "emial", 0, 0));

    // The quick fix for it puts the suggested name in.
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&scoring)}, "range": error["range"], "context": {"diagnostics": [error]}}),
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix", "{actions}");
    let edit = &fix["edit"]["changes"][uri(&scoring)][0];
    assert_eq!(edit["newText"], "email");
    assert_eq!(edit["range"], error["range"]);

    // The fix: the list is cleared.
    lsp.change(&scoring, 3, &text);
    assert_eq!(errors(&lsp.diagnostics(&scoring)), 0);

    // Hover on a field: its type and input column.
    let hover = lsp.request(
        "textDocument/hover",
        doc(&scoring, pos(&text, "country in", 0, 2)),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("**field** `country` of `lead`: text"),
        "{shown}"
    );
    // On a let: its definition.
    let hover = lsp.request(
        "textDocument/hover",
        doc(&scoring, pos(&text, "free_mail", 1, 1)),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("**let** `free_mail`: bool"), "{shown}");
    assert!(shown.contains("\"@gmail.com\""), "{shown}");

    // Go to definition: a field used in scoring.funnel is declared in policy.funnel.
    let def = lsp.request(
        "textDocument/definition",
        doc(&scoring, pos(&text, "country in", 0, 0)),
    );
    let policy_text = std::fs::read_to_string(acme.join("policy.funnel")).unwrap();
    assert_eq!(def[0]["uri"], uri(&acme.join("policy.funnel")), "{def}");
    assert_eq!(
        def[0]["range"]["start"],
        pos(&policy_text, "  country:", 0, 2)
    );
    // A script function: into the .rhai file first.
    let def = lsp.request(
        "textDocument/definition",
        doc(&scoring, pos(&text, "domain_tier(email)", 0, 3)),
    );
    assert_eq!(
        def[0]["uri"],
        uri(&acme.join("scripts/tiers.rhai")),
        "{def}"
    );

    // References of a let across the set.
    let refs = lsp.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri(&scoring)}, "position": pos(&text, "let free_mail", 0, 5), "context": {"includeDeclaration": true}}),
    );
    let refs = refs.as_array().unwrap();
    assert!(refs.len() >= 3, "{refs:?}");
    assert!(
        refs.iter()
            .any(|r| r["uri"] == uri(&acme.join("tests.funnel"))),
        "{refs:?}"
    );

    // Completion inside a `where`: the item's fields, then the enum's values after `==`.
    let funnel_text = std::fs::read_to_string(&funnel_file).unwrap();
    lsp.open(&funnel_file, &funnel_text);
    let at = pos(&funnel_text, "where kind ==", 0, "where ".len());
    let labels = lsp.completion_labels(&funnel_file, at);
    assert!(
        labels.iter().any(|l| l == "kind") && labels.iter().any(|l| l == "page"),
        "{labels:?}"
    );
    assert!(
        !labels.iter().any(|l| l == "email"),
        "a lead field offered inside `where`: {labels:?}"
    );
    let at = pos(
        &funnel_text,
        "where kind == demo_request",
        0,
        "where kind == ".len(),
    );
    let labels = lsp.completion_labels(&funnel_file, at);
    assert!(
        labels.iter().any(|l| l == "demo_request") && labels.iter().any(|l| l == "webinar"),
        "{labels:?}"
    );

    // A schema's name standing for the lead's list goes to the schema.
    let def = lsp.request(
        "textDocument/definition",
        doc(&funnel_file, pos(&funnel_text, "any(event where", 0, 5)),
    );
    assert_eq!(
        def[0]["range"]["start"],
        pos(&policy_text, "schema event", 0, 7),
        "{def}"
    );

    // Rename a let across the set: every place, in every file.
    let edit = lsp.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&scoring)}, "position": pos(&text, "let free_mail", 0, 5), "newName": "webmail"}),
    );
    let changes = edit["changes"].as_object().unwrap();
    let count: usize = changes.values().map(|e| e.as_array().unwrap().len()).sum();
    assert_eq!(count, refs.len(), "{edit}");
    assert!(
        changes.contains_key(&uri(&acme.join("tests.funnel"))),
        "{edit}"
    );
    // A field without `from` is not renamed: its name is its input column.
    let refused = lsp.try_request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&scoring)}, "position": pos(&text, "country in", 0, 0), "newName": "pais"}),
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("from \"country\""),
        "{refused}"
    );

    // Formatting: a badly laid out buffer gets the `funnel fmt` layout.
    let messy = text.replacen("let from_core_market = ", "let   from_core_market=", 1);
    lsp.change(&scoring, 4, &messy);
    let edits = lsp.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&scoring)}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits[0]["newText"], text, "{edits}");
    lsp.change(&scoring, 5, &text);

    // The outline and the test lenses.
    let symbols = lsp.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&scoring)}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"free_mail") && names.contains(&"fit"),
        "{names:?}"
    );
    let tests_file = acme.join("tests.funnel");
    let lenses = lsp.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&tests_file)}}),
    );
    let lenses = lenses.as_array().unwrap();
    assert!(!lenses.is_empty());
    for lens in lenses {
        let title = lens["command"]["title"].as_str().unwrap();
        assert!(title.starts_with("✓ passes"), "{title}");
    }
    let run = lsp.request(
        "workspace/executeCommand",
        json!({"command": "funnel.runTests", "arguments": [uri(&tests_file)]}),
    );
    assert_eq!(run["failed"], 0, "{run}");
    assert_eq!(run["passed"].as_u64().unwrap() as usize, lenses.len());

    lsp.shutdown();
}

#[test]
fn a_duplicate_across_files_has_both_places_and_is_cleared_when_fixed() {
    let (_dir, acme) = acme();
    let scoring = acme.join("scoring.funnel");
    let personas = acme.join("personas.funnel");
    let text = std::fs::read_to_string(&scoring).unwrap();
    let mut lsp = Client::start(&acme);
    // A let named like a persona of another file.
    let dup = format!("{text}\nlet practitioner = true\n");
    let (_, found) = lsp.typo_then_diagnostics(&scoring, &text, &dup);
    let d = with_code(&found, "funnel::duplicate_definition");
    let related = d["relatedInformation"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["location"]["uri"] == uri(&personas)),
        "{d}"
    );
    lsp.change(&scoring, 3, &text);
    assert!(lsp
        .diagnostics(&scoring)
        .iter()
        .all(|d| d["code"] != "funnel::duplicate_definition"));
    lsp.shutdown();
}

#[test]
fn a_file_with_garbage_does_not_stop_the_others_being_served() {
    let (_dir, acme) = acme();
    let scoring = acme.join("scoring.funnel");
    let personas = acme.join("personas.funnel");
    let mut lsp = Client::start(&acme);
    let garbage = "score {{{ \u{0}\u{FEFF} ][ \"unterminated\n+10 when when when\n";
    lsp.open(&scoring, garbage);
    let found = lsp.diagnostics(&scoring);
    assert!(
        found.iter().any(|d| d["code"] == "funnel::syntax"),
        "{found:?}"
    );
    // Hover in another file of the set still works.
    let text = std::fs::read_to_string(&personas).unwrap();
    lsp.open(&personas, &text);
    let hover = lsp.request(
        "textDocument/hover",
        doc(&personas, pos(&text, "company_size between", 0, 1)),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("company_size"),
        "{hover}"
    );
    // Requests anywhere in the broken file are answered, not failed.
    for line in 0..3 {
        for character in [0, 3, 40] {
            let p = json!({"line": line, "character": character});
            for method in [
                "textDocument/hover",
                "textDocument/definition",
                "textDocument/completion",
            ] {
                let answer = lsp.try_request(method, doc(&scoring, p.clone()));
                assert!(answer.get("error").is_none(), "{method} {p}: {answer}");
            }
        }
    }
    lsp.shutdown();
}

#[test]
fn diagnostics_speak_the_language_of_lang_with_the_same_codes() {
    let (_dir, acme) = acme();
    let personas = acme.join("personas.funnel");
    let text = std::fs::read_to_string(&personas).unwrap();
    let typo = text.replace("  company_size between 50", "  compny_size between 50");
    assert_ne!(typo, text, "the example changed: pick another typo");
    let mut lsp = Client::start_with(&acme, &["--lang", "pt-BR"]);
    let (_, found) = lsp.typo_then_diagnostics(&personas, &text, &typo);
    let d = with_code(&found, "funnel::unknown_field");
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("não existe campo `compny_size` no esquema do lead"),
        "{message}"
    );
    assert!(
        message.contains("você quis dizer `company_size`?"),
        "{message}"
    );
    lsp.shutdown();
}
