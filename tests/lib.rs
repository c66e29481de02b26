//! Shared helpers for the tests: policy sets loaded into memory, edited, checked, and
//! directories copied. The CLI's end-to-end tests (`cli/tests/`) use them as a
//! dev-dependency.

use funnel_engine::{check_sources, CheckReport, Code, Diagnostic};
use funnel_grammar::SourceFile;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the workspace")
        .to_path_buf()
}

/// Copies a directory tree (a policy set with its lead files and scripts), for tests that
/// change a copy.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
    {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().expect("an entry has a name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
        }
    }
}

/// Makes paths like `policies/acme/...` resolve, as they do when `funnel` runs at the root.
/// Every test of a binary agrees on the directory, so doing it once is safe.
pub fn enter_workspace() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| std::env::set_current_dir(workspace_root()).expect("enter the workspace"));
}

/// Every policy set under `policies/` (directories holding `.funnel` files).
pub fn policy_sets() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![workspace_root().join("policies")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut has_funnel = false;
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "funnel") {
                has_funnel = true;
            }
        }
        if has_funnel {
            out.push(dir);
        }
    }
    out.sort();
    out
}

/// A policy set held in memory: (file name as shown in messages, text), in name order.
#[derive(Debug, Clone)]
pub struct PolicySet {
    /// The files.
    pub files: Vec<(String, String)>,
    /// Where the last edit began: (file's short name, 1-based line).
    pub last_edit: Option<(String, usize)>,
}

impl PolicySet {
    /// Loads the `.funnel` files of a directory given relative to the workspace root, e.g.
    /// `policies/acme`. File names keep that relative form, so messages and snapshots do not
    /// depend on where the workspace is.
    pub fn load(dir: &str) -> PolicySet {
        let abs = workspace_root().join(dir);
        let mut files: Vec<(String, String)> = std::fs::read_dir(&abs)
            .unwrap_or_else(|e| panic!("read {}: {e}", abs.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "funnel"))
            .map(|p| {
                let name = format!("{dir}/{}", p.file_name().unwrap().to_string_lossy());
                let text = std::fs::read_to_string(&p).unwrap();
                (name, text)
            })
            .collect();
        files.sort();
        PolicySet {
            files,
            last_edit: None,
        }
    }

    /// The acme example set.
    pub fn acme() -> PolicySet {
        PolicySet::load("policies/acme")
    }

    /// The text of a file, by its short name (`scoring.funnel`).
    pub fn text(&self, file: &str) -> &str {
        &self.files[self.index(file)].1
    }

    fn index(&self, file: &str) -> usize {
        self.files
            .iter()
            .position(|(n, _)| n.ends_with(&format!("/{file}")) || n == file)
            .unwrap_or_else(|| panic!("no file {file} in the set"))
    }

    /// Replaces the first occurrence of `from` in a file; panics when it is not there, so a
    /// change to the example cannot silently turn a test into a no-op.
    pub fn replace(mut self, file: &str, from: &str, to: &str) -> PolicySet {
        let i = self.index(file);
        let text = &mut self.files[i].1;
        let at = text
            .find(from)
            .unwrap_or_else(|| panic!("`{from}` is not in {file}"));
        let line = text[..at].matches('\n').count() + 1;
        text.replace_range(at..at + from.len(), to);
        self.last_edit = Some((file.to_string(), line));
        self
    }

    /// Renames a word in every file: each occurrence that is not part of a longer name.
    pub fn rename(mut self, from: &str, to: &str) -> PolicySet {
        let word = |c: char| c.is_alphanumeric() || c == '_';
        for (_, text) in &mut self.files {
            let mut out = String::with_capacity(text.len());
            let mut rest = text.as_str();
            while let Some(at) = rest.find(from) {
                let before = rest[..at].chars().next_back().or(out.chars().next_back());
                let after = rest[at + from.len()..].chars().next();
                out.push_str(&rest[..at]);
                let whole = !before.is_some_and(word) && !after.is_some_and(word);
                out.push_str(if whole { to } else { from });
                rest = &rest[at + from.len()..];
            }
            out.push_str(rest);
            *text = out;
        }
        self
    }

    /// Adds (or replaces) a file.
    pub fn with_file(mut self, file: &str, text: &str) -> PolicySet {
        match self
            .files
            .iter()
            .position(|(n, _)| n.ends_with(&format!("/{file}")))
        {
            Some(i) => self.files[i].1 = text.to_string(),
            None => {
                self.last_edit = Some((file.to_string(), 1));
                let dir = self.files[0]
                    .0
                    .rsplit_once('/')
                    .map_or("", |(d, _)| d)
                    .to_string();
                self.files.push((format!("{dir}/{file}"), text.to_string()));
                self.files.sort();
            }
        }
        self
    }

    /// Removes a file.
    pub fn without_file(mut self, file: &str) -> PolicySet {
        let i = self.index(file);
        self.files.remove(i);
        self
    }

    /// The 1-based line of the first occurrence of `needle` in a file.
    pub fn line_of(&self, file: &str, needle: &str) -> usize {
        let text = self.text(file);
        let at = text
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` is not in {file}"));
        text[..at].matches('\n').count() + 1
    }

    /// The 1-based line and column (in characters) of the first occurrence of `needle` in a
    /// file.
    pub fn place_of(&self, file: &str, needle: &str) -> (usize, usize) {
        let text = self.text(file);
        let at = text
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` is not in {file}"));
        SourceFile::new(file, text).line_col(at)
    }

    /// The files as sources for the engine.
    pub fn sources(&self) -> Vec<Arc<SourceFile>> {
        self.files
            .iter()
            .map(|(n, t)| SourceFile::new(n.clone(), t.clone()))
            .collect()
    }

    /// Parses and checks the set.
    pub fn check(&self) -> CheckReport {
        enter_workspace();
        check_sources(self.sources())
    }
}

/// Every diagnostic rendered plainly (no colour, ASCII), one after the other.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| d.render(false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `file:line` of a diagnostic's main label.
pub fn main_place(d: &Diagnostic) -> Option<(String, usize)> {
    d.span().map(|s| (s.file.name.clone(), s.line_col().0))
}

/// The codes of a report's diagnostics.
pub fn codes(report: &CheckReport) -> Vec<Code> {
    report.diagnostics.iter().map(|d| d.code).collect()
}

/// The `funnel` binary of this build (`target/<profile>/funnel`), built with a nested
/// `cargo build` for the benchmarks (`bench/benches`), which run outside the funnel-cli
/// package. Tests do not use it: the end-to-end tests live in `cli/tests/` and take the
/// binary Cargo builds for them, `env!("CARGO_BIN_EXE_funnel")`, so nothing compiles twice.
pub fn funnel() -> &'static std::path::Path {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("test binary path");
        let profile_dir = exe
            .parent()
            .and_then(std::path::Path::parent)
            .expect("target/<profile>");
        let bin = profile_dir.join(format!("funnel{}", std::env::consts::EXE_SUFFIX));
        let target_dir = profile_dir.parent().expect("target dir");
        let mut build = std::process::Command::new(option_env!("CARGO").unwrap_or("cargo"));
        build
            .args(["build", "--quiet", "-p", "funnel-cli", "--bin", "funnel"])
            .arg("--target-dir")
            .arg(target_dir)
            .current_dir(workspace_root());
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        let status = build.status().expect("run cargo build");
        assert!(status.success(), "cargo build -p funnel-cli failed");
        assert!(bin.is_file(), "no binary at {}", bin.display());
        bin
    })
}

/// Runs a command line as a shell does (pipes, `<` and `>`, globs) in `dir`, with the
/// directory of the `funnel` binary `funnel` first on the PATH and NO_COLOR set: how the
/// CLI's tests run the commands the README and `--help` show.
pub fn shell(line: &str, dir: &Path, funnel: &Path) -> std::process::Output {
    let bin = funnel.parent().expect("the binary's directory");
    let path = match std::env::var_os("PATH") {
        Some(path) => {
            let dirs = std::iter::once(bin.to_path_buf()).chain(std::env::split_paths(&path));
            std::env::join_paths(dirs).expect("a PATH")
        }
        None => bin.as_os_str().to_owned(),
    };
    std::process::Command::new("sh")
        .args(["-c", line])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .expect("run sh")
}

/// policies/acme's leads (`leads/leads.jsonl`) as JSON lines under the fields' own names: the
/// export's names of the fields that have `from` names are renamed, so Arrow's JSON reader
/// makes columns the schema's fields find by name.
pub fn acme_leads_by_field_name() -> String {
    let path = workspace_root().join("policies/acme/leads/leads.jsonl");
    let jsonl =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let renames = [
        ("First Name", "first_name"),
        ("Company", "company"),
        ("Employees", "company_size"),
        ("Annual Revenue", "annual_revenue"),
        ("Job Title", "role"),
    ];
    let mut lines = String::new();
    for line in jsonl.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        let m = v.as_object_mut().unwrap();
        for (from, to) in renames {
            if let Some(x) = m.remove(from) {
                m.insert(to.into(), x);
            }
        }
        lines.push_str(&v.to_string());
        lines.push('\n');
    }
    lines
}

/// Arrow record batches for the tests of the engine's Arrow path and of the CLI's Parquet and
/// Arrow IPC files (feature `arrow`): policies/acme's leads as a batch, and a batch of
/// decisions as JSON to compare with the decisions' own JSON.
#[cfg(feature = "arrow")]
pub mod batches {
    use arrow::array::{Array, AsArray, RecordBatch, StructArray};
    use arrow::datatypes::{
        DataType, Float64Type, Int64Type, Schema, TimeUnit, TimestampMicrosecondType, UInt64Type,
    };
    use serde_json::{json, Value};
    use std::sync::Arc;

    /// policies/acme's leads as one batch, read by Arrow's JSON reader from
    /// [`acme_leads_by_field_name`](crate::acme_leads_by_field_name): typed by `schema`, or,
    /// without one, by the types the reader infers from the JSON (ints, floats, bools, texts,
    /// lists of structs).
    pub fn acme_batch(schema: Option<Schema>) -> RecordBatch {
        let lines = crate::acme_leads_by_field_name();
        let schema = schema.unwrap_or_else(|| {
            arrow::json::reader::infer_json_schema(std::io::Cursor::new(lines.as_bytes()), None)
                .unwrap()
                .0
        });
        let mut reader = arrow::json::ReaderBuilder::new(Arc::new(schema))
            .with_batch_size(1 << 16)
            .build(lines.as_bytes())
            .unwrap();
        let b = reader.next().unwrap().unwrap();
        assert!(reader.next().is_none());
        b
    }

    /// A decisions batch as JSON objects shaped like a decision's JSON: nulls and empty lists
    /// left out, instants in UTC.
    pub fn batch_json(b: &RecordBatch) -> Vec<Value> {
        let rows = StructArray::from(b.clone());
        (0..b.num_rows()).map(|i| cell_json(&rows, i)).collect()
    }

    fn cell_json(a: &dyn Array, i: usize) -> Value {
        if a.is_null(i) {
            return Value::Null;
        }
        match a.data_type() {
            DataType::Utf8 => json!(a.as_string::<i32>().value(i)),
            DataType::Boolean => json!(a.as_boolean().value(i)),
            DataType::Float64 => json!(a.as_primitive::<Float64Type>().value(i)),
            DataType::Int64 => json!(a.as_primitive::<Int64Type>().value(i)),
            DataType::UInt64 => json!(a.as_primitive::<UInt64Type>().value(i)),
            DataType::Timestamp(TimeUnit::Microsecond, Some(_)) => {
                let us = a.as_primitive::<TimestampMicrosecondType>().value(i);
                json!(chrono::DateTime::from_timestamp_micros(us)
                    .unwrap()
                    .to_rfc3339())
            }
            DataType::List(_) => {
                let items = a.as_list::<i32>().value(i);
                Value::Array((0..items.len()).map(|j| cell_json(&items, j)).collect())
            }
            DataType::Struct(fields) => {
                let s = a.as_struct();
                let mut map = serde_json::Map::new();
                for (f, c) in fields.iter().zip(s.columns()) {
                    let v = cell_json(c.as_ref(), i);
                    if !v.is_null() && v != json!([]) {
                        map.insert(f.name().clone(), v);
                    }
                }
                Value::Object(map)
            }
            other => panic!("no JSON for {other}"),
        }
    }

    /// A decision's JSON as [`batch_json`] shows it: nulls and empty lists left out, instants
    /// in UTC, and the values of the lets named in `text_lets` as texts (where the batch holds
    /// them as texts).
    pub fn normalized(mut d: Value, text_lets: &[&str]) -> Value {
        fn strip(v: &mut Value) {
            if let Value::Object(m) = v {
                m.retain(|_, x| !x.is_null() && *x != json!([]));
                m.values_mut().for_each(strip);
            }
        }
        let utc = |v: &mut Value| {
            if let Some(s) = v.as_str() {
                let t = chrono::DateTime::parse_from_rfc3339(s).unwrap();
                *v = json!(t.with_timezone(&chrono::Utc).to_rfc3339());
            }
        };
        utc(&mut d["at"]);
        if let Some(slas) = d["sla"].as_object_mut() {
            for s in slas.values_mut() {
                for k in ["start", "due", "met_at"] {
                    utc(&mut s[k]);
                }
            }
        }
        for name in text_lets {
            let v = &mut d["values"][*name];
            if !v.is_null() && !v.is_string() {
                *v = json!(v.to_string());
            }
        }
        strip(&mut d);
        d
    }
}
