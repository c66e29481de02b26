//! The language of diagnostics: `--lang pt-BR|en`, else the environment (`LC_ALL`,
//! `LC_MESSAGES`, `LANG`), else English; the codes, places and exit codes never change with it.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// A policy set with one mistake: a misspelt field (`cargo` is `cargos`).
fn policy(dir: &Path) {
    std::fs::write(
        dir.join("p.funnel"),
        "policy \"lang\" version 1\n  timezone \"America/Sao_Paulo\"\n\nschema lead {\n  id: text key\n  cargos: text\n}\n\nstages {\n  lead\n  mql when cargo == \"diretor\"\n}\n",
    )
    .unwrap();
}

/// `funnel ARGS` in `dir` with exactly the locale variables given.
fn funnel(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_funnel"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const PT: &str = "não existe campo `cargo` no esquema do lead";
const EN: &str = "no field `cargo` in the lead schema";

#[test]
fn lang_chooses_the_language_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    policy(dir.path());
    let pt = funnel(dir.path(), &["check", "--lang", "pt-BR", "."], &[]);
    let en = funnel(dir.path(), &["check", "--lang", "en", "."], &[]);
    let (pt_text, en_text) = (stderr(&pt), stderr(&en));
    assert!(pt_text.contains("funnel::unknown_field"), "{pt_text}");
    assert!(pt_text.contains("você quis dizer `cargos`?"), "{pt_text}");
    assert!(
        pt_text.contains("1 arquivo verificado: 1 erro, 0 avisos"),
        "{pt_text}"
    );
    assert!(
        en_text.contains(EN) && en_text.contains("did you mean `cargos`?"),
        "{en_text}"
    );
    assert!(
        en_text.contains("checked 1 file: 1 error, 0 warnings"),
        "{en_text}"
    );
    assert_eq!(pt.status.code(), en.status.code());
    assert_eq!(pt.status.code(), Some(1));
}

#[test]
fn without_lang_the_environment_decides_as_posix_programs_do() {
    let dir = tempfile::tempdir().unwrap();
    policy(dir.path());
    let check = |env: &[(&str, &str)]| stderr(&funnel(dir.path(), &["check", "."], env));
    assert!(check(&[]).contains(EN), "no variable: English");
    assert!(check(&[("LANG", "pt_BR.UTF-8")]).contains(PT));
    assert!(check(&[("LANG", "pt_BR.UTF-8"), ("LC_MESSAGES", "en_US.UTF-8")]).contains(EN));
    assert!(check(&[("LC_MESSAGES", "en_US.UTF-8"), ("LC_ALL", "pt_BR")]).contains(PT));
    assert!(
        check(&[("LANG", "de_DE.UTF-8")]).contains(EN),
        "a language Funnel lacks"
    );
    // `--lang` wins over the environment.
    let out = funnel(
        dir.path(),
        &["check", "--lang", "en", "."],
        &[("LC_ALL", "pt_BR")],
    );
    assert!(stderr(&out).contains(EN));
}

#[test]
fn json_keeps_its_codes_and_places_and_words_the_messages() {
    let dir = tempfile::tempdir().unwrap();
    policy(dir.path());
    let json = |lang: &str| -> Value {
        let out = funnel(
            dir.path(),
            &["check", "--format", "json", "--lang", lang, "."],
            &[],
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (pt, en) = (json("pt-BR"), json("en"));
    let first = |v: &Value| v["diagnostics"][0].clone();
    let (p, e) = (first(&pt), first(&en));
    for key in ["code", "file", "line", "column", "severity"] {
        assert_eq!(p[key], e[key], "{key} differs");
    }
    assert_eq!(p["message"], PT);
    assert_eq!(e["message"], EN);
}

#[test]
fn an_unknown_language_is_a_usage_error_that_lists_the_languages() {
    let dir = tempfile::tempdir().unwrap();
    let out = funnel(dir.path(), &["check", "--lang", "fr", "."], &[]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(
        text.contains("`fr` is not a language Funnel speaks (en, pt-BR)"),
        "{text}"
    );
}

#[test]
fn the_readme_shows_the_portuguese_diagnostic_funnel_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root.join("policies/acme")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "funnel") {
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.replace("  company_size between 50", "  compny_size between 50");
            std::fs::write(dir.path().join(path.file_name().unwrap()), text).unwrap();
        }
    }
    let out = funnel(dir.path(), &["check", "--lang", "pt-BR", "."], &[]);
    let printed = stderr(&out);
    for line in [
        "× não existe campo `compny_size` no esquema do lead",
        "╰── não definido",
        "help: você quis dizer `company_size`?",
    ] {
        assert!(readme.contains(line), "the README lacks {line:?}");
        let plain = line.trim_start_matches(['×', '╰', '─', ' ']);
        assert!(
            printed.contains(plain),
            "funnel does not print {plain:?}:\n{printed}"
        );
    }
}
