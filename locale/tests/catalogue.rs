//! The catalogues are whole: they parse, and every language has every key of every other,
//! with the same variables.

use funnel_locale::{inventory, text_in, Lang};

#[test]
fn every_catalogue_parses() {
    for lang in Lang::ALL {
        let entries = inventory::entries(lang)
            .unwrap_or_else(|e| panic!("{lang}'s catalogue does not parse: {e:#?}"));
        assert!(
            entries.len() > 500,
            "{lang} has only {} texts",
            entries.len()
        );
    }
}

#[test]
fn every_language_has_every_key_with_the_same_variables() {
    let english = inventory::entries(Lang::En).unwrap();
    for lang in Lang::ALL {
        let other = inventory::entries(lang).unwrap();
        let missing: Vec<&String> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<&String> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        assert!(extra.is_empty(), "{lang} has keys English lacks: {extra:?}");
        for (key, variables) in &english {
            assert_eq!(
                &other[key], variables,
                "{lang}'s `{key}` uses other variables than English's"
            );
        }
    }
}

#[test]
fn a_text_is_worded_in_the_language_asked_for() {
    let args = [("name", "segmento".to_string())];
    assert_eq!(
        text_in(Lang::En, "common-did-you-mean-help", &args),
        "did you mean `segmento`?"
    );
    assert_eq!(
        text_in(Lang::PtBr, "common-did-you-mean-help", &args),
        "você quis dizer `segmento`?"
    );
}

#[test]
fn a_count_chooses_the_plural_and_a_figure_is_never_rewritten() {
    let given = |n: &str| {
        text_in(
            Lang::PtBr,
            "wrong_arity-argument-label",
            &[("given", n.to_string())],
        )
    };
    assert_eq!(given("1"), "1 argumento");
    assert_eq!(given("3"), "3 argumentos");
    // A large whole number reads back as written, not as a float.
    let big = "9223372036854775808";
    let text = text_in(
        Lang::En,
        "common-did-you-mean-help",
        &[("name", big.into())],
    );
    assert_eq!(text, format!("did you mean `{big}`?"));
}

#[test]
fn values_carry_no_isolation_marks() {
    let text = text_in(
        Lang::PtBr,
        "common-did-you-mean-help",
        &[("name", "x".into())],
    );
    assert!(!text.contains(['\u{2068}', '\u{2069}']), "{text:?}");
}

#[test]
fn the_environment_chooses_as_posix_programs_do() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        Lang::from_vars(move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    };
    assert_eq!(env(&[]), Lang::En);
    assert_eq!(env(&[("LANG", "pt_BR.UTF-8")]), Lang::PtBr);
    assert_eq!(
        env(&[("LANG", "pt_BR.UTF-8"), ("LC_MESSAGES", "C")]),
        Lang::En
    );
    assert_eq!(
        env(&[("LANG", "en_US.UTF-8"), ("LC_ALL", "pt_BR")]),
        Lang::PtBr
    );
    // An empty variable does not decide; a language Funnel lacks falls back to English.
    assert_eq!(env(&[("LC_ALL", ""), ("LANG", "pt_PT")]), Lang::PtBr);
    assert_eq!(env(&[("LANG", "de_DE.UTF-8")]), Lang::En);
}

#[test]
fn a_thread_may_speak_another_language_than_the_process() {
    let key = "common-did-you-mean-help";
    let pt = funnel_locale::with_language(Lang::PtBr, || funnel_locale::text(key, &[]));
    assert!(pt.starts_with("você quis dizer"), "{pt}");
    // The override ends with the closure.
    assert_eq!(funnel_locale::language(), Lang::En);
}
