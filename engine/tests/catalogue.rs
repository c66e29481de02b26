//! Every diagnostic speaks every language: each code has its description in each catalogue,
//! every key the code asks for exists with the variables the call gives, and no text is left
//! that nothing asks for.

use funnel_engine::Code;
use funnel_locale::{inventory, Lang};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[test]
fn every_code_has_a_description_in_every_language() {
    for lang in Lang::ALL {
        let entries = inventory::entries(lang).unwrap();
        let lacking: Vec<&str> = Code::ALL
            .iter()
            .map(|c| c.name())
            .filter(|name| !entries.contains_key(&format!("code-{name}")))
            .collect();
        assert!(
            lacking.is_empty(),
            "{lang} has no description for {lacking:?}"
        );
    }
    let pt = funnel_locale::with_language(Lang::PtBr, || Code::UnknownField.description());
    assert_ne!(
        pt,
        Code::UnknownField.description(),
        "the description is not translated"
    );
}

/// Each `t!("key", name = ...)` in the sources: the key and the names it gives.
fn calls() -> Vec<(String, String, BTreeSet<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["grammar/src", "engine/src", "cli/src"] {
        collect(&root.join(dir), &mut files);
    }
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("t!(") {
            // `cargo fmt` may put the key on the next line.
            let after = rest[at + 3..].trim_start();
            // `format!(` ends in `t!(` too.
            let is_t = !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            let Some(after) = after.strip_prefix('"').filter(|_| is_t) else {
                rest = &rest[at + 3..];
                continue;
            };
            let end = after.find('"').unwrap();
            let key = after[..end].to_string();
            let args = arguments(&after[end + 1..]);
            out.push((file.display().to_string(), key, args));
            rest = &after[end + 1..];
        }
        // Keys named where they are worded later (the parser's phrases).
        let mut rest = text.as_str();
        while let Some(at) = rest.find("\"syntax-phrase-") {
            let after = &rest[at + 1..];
            let end = after.find('"').unwrap();
            if after[..end].len() > "syntax-phrase-".len() {
                out.push((
                    file.display().to_string(),
                    after[..end].to_string(),
                    BTreeSet::new(),
                ));
            }
            rest = &after[end..];
        }
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The names given after a key: `, name = expr, other = expr)` up to the call's `)`.
fn arguments(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut piece = String::new();
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                name_of(&piece, &mut names);
                piece.clear();
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            piece.push(c);
        }
    }
    name_of(&piece, &mut names);
    names
}

fn name_of(piece: &str, names: &mut BTreeSet<String>) {
    if let Some((name, _)) = piece.split_once('=') {
        let name = name.trim();
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            names.insert(name.to_string());
        }
    }
}

#[test]
fn every_key_asked_for_exists_with_the_variables_given() {
    let english: BTreeMap<String, BTreeSet<String>> = inventory::entries(Lang::En).unwrap();
    let calls = calls();
    assert!(calls.len() > 500, "only {} calls found", calls.len());
    let mut problems = Vec::new();
    for (file, key, given) in &calls {
        match english.get(key) {
            None => problems.push(format!("{file}: `{key}` is in no catalogue")),
            Some(used) if used != given => problems.push(format!(
                "{file}: `{key}` uses {used:?} but the call gives {given:?}"
            )),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_text_is_asked_for() {
    let asked: BTreeSet<String> = calls().into_iter().map(|(_, key, _)| key).collect();
    let unused: Vec<String> = inventory::entries(Lang::En)
        .unwrap()
        .into_keys()
        // Code descriptions are asked for by name (`Code::description`).
        .filter(|k| !k.starts_with("code-") && !asked.contains(k))
        .collect();
    assert!(unused.is_empty(), "texts nothing asks for: {unused:?}");
}
