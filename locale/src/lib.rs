//! The languages Funnel speaks.
//!
//! Every text a person reads in a diagnostic (its message, its labels and its help) lives in
//! one [Fluent](https://projectfluent.org) catalogue per language, under `messages/`:
//! `en.ftl` and `pt-BR.ftl`. Code asks for a text by key with [`t!`], and gets it in the
//! language of the moment:
//!
//! ```
//! use funnel_locale::{t, with_language, Lang};
//!
//! assert_eq!(t!("common-defined-label"), "not defined");
//! let pt = with_language(Lang::PtBr, || t!("common-did-you-mean-help", name = "segmento"));
//! assert_eq!(pt, "você quis dizer `segmento`?");
//! ```
//!
//! The language is chosen once per process with [`set_language`] (the CLI does it from
//! `--lang` or the environment, see [`Lang::from_env`]); [`with_language`] overrides it on one
//! thread, for a library serving several languages. Texts are made when a diagnostic is made,
//! so a diagnostic speaks the language that was current when it was found.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// A language Funnel speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Brazilian Portuguese.
    PtBr,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::PtBr];

    /// The BCP 47 tag: `en` or `pt-BR`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::PtBr => "pt-BR",
        }
    }

    /// Reads a language tag or a POSIX locale name: `en`, `en-US`, `pt-BR`, `pt_BR.UTF-8`,
    /// `pt`. Case does not matter. `None` for a language Funnel does not speak.
    ///
    /// ```
    /// use funnel_locale::Lang;
    /// assert_eq!(Lang::parse("pt_BR.UTF-8"), Some(Lang::PtBr));
    /// assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
    /// assert_eq!(Lang::parse("de"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Lang> {
        // `pt_BR.UTF-8@euro` -> `pt_br`; then the language before any region.
        let name = text
            .split(['.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let language = name.split(['_', '-']).next().unwrap_or("");
        match language {
            "en" | "c" | "posix" => Some(Lang::En),
            "pt" => Some(Lang::PtBr),
            _ => None,
        }
    }

    /// The language the environment asks for, the way POSIX programs read it: the first of
    /// `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and not empty decides, and English is
    /// the answer when it names a language Funnel does not speak or none is set.
    pub fn from_env() -> Lang {
        Lang::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Lang::from_env`] over any source of variables (for tests).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| var(name))
            .find(|value| !value.is_empty())
            .and_then(|value| Lang::parse(&value))
            .unwrap_or_default()
    }

    /// How a figure in prose groups its thousands and marks its decimals: `2,160.5` in
    /// English, `2.160,5` in Portuguese. (Code in a message keeps the language's own `2_160.5`.)
    ///
    /// ```
    /// use funnel_locale::Lang;
    /// assert_eq!(Lang::PtBr.separators(), ('.', ','));
    /// ```
    pub fn separators(self) -> (char, char) {
        match self {
            Lang::En => (',', '.'),
            Lang::PtBr => ('.', ','),
        }
    }

    fn index(self) -> u8 {
        match self {
            Lang::En => 0,
            Lang::PtBr => 1,
        }
    }

    fn from_index(i: u8) -> Lang {
        if i == 1 {
            Lang::PtBr
        } else {
            Lang::En
        }
    }

    /// The catalogue's text, as shipped.
    pub fn catalogue(self) -> &'static str {
        match self {
            Lang::En => include_str!("../messages/en.ftl"),
            Lang::PtBr => include_str!("../messages/pt-BR.ftl"),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        Lang::parse(s).ok_or_else(|| format!("`{s}` is not a language Funnel speaks (en, pt-BR)"))
    }
}

static PROCESS: AtomicU8 = AtomicU8::new(0);

thread_local! {
    static THREAD: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// Sets the language of the whole process.
pub fn set_language(lang: Lang) {
    PROCESS.store(lang.index(), Ordering::Relaxed);
}

/// The language texts are made in now: this thread's override, else the process's.
pub fn language() -> Lang {
    THREAD
        .with(Cell::get)
        .unwrap_or_else(|| Lang::from_index(PROCESS.load(Ordering::Relaxed)))
}

/// Runs `f` with texts in `lang` on this thread, whatever the process's language.
pub fn with_language<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Lang>);
    impl Drop for Restore {
        fn drop(&mut self) {
            THREAD.with(|t| t.set(self.0));
        }
    }
    let _restore = Restore(THREAD.with(|t| t.replace(Some(lang))));
    f()
}

/// One catalogue, parsed once.
struct Catalogue {
    bundle: FluentBundle<FluentResource>,
}

impl Catalogue {
    fn load(lang: Lang) -> Catalogue {
        // The catalogues ship inside the binary and a test parses both, so a syntax error here
        // is a bug caught before release; the entries Fluent could read are still served.
        let resource = FluentResource::try_new(lang.catalogue().to_string())
            .unwrap_or_else(|(partial, _)| partial);
        let id: unic_langid::LanguageIdentifier =
            lang.tag().parse().expect("the tags of Lang are valid");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Diagnostics are read in terminals and logs, where the isolation marks Fluent puts
        // around each value would show as stray characters.
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(resource);
        Catalogue { bundle }
    }

    fn of(lang: Lang) -> &'static Catalogue {
        static CATALOGUES: [OnceLock<Catalogue>; 2] = [OnceLock::new(), OnceLock::new()];
        CATALOGUES[lang.index() as usize].get_or_init(|| Catalogue::load(lang))
    }

    fn format(&self, key: &str, args: &[(&str, String)]) -> Option<String> {
        let (id, attribute) = match key.split_once('.') {
            Some((id, attribute)) => (id, Some(attribute)),
            None => (key, None),
        };
        let message = self.bundle.get_message(id)?;
        let pattern = match attribute {
            Some(a) => message.get_attribute(a)?.value(),
            None => message.value()?,
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value_of(value));
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        Some(text.into_owned())
    }
}

/// A value as Fluent reads it: a number when it is written as one and reads back the same (so a
/// translation can choose a plural form by a count), else text, so no figure is ever rewritten.
fn value_of(text: &str) -> FluentValue<'_> {
    match FluentValue::try_number(text) {
        FluentValue::Number(n) if n.as_string() == text => FluentValue::Number(n),
        _ => FluentValue::from(text),
    }
}

/// The text of `key` in the current [`language`], with `args` in its placeholders. A key the
/// language lacks falls back to English, and a key no catalogue has comes back as itself (a
/// test keeps both from happening).
pub fn text(key: &str, args: &[(&str, String)]) -> String {
    text_in(language(), key, args)
}

/// The text of `key` in `lang`; see [`text`].
pub fn text_in(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    Catalogue::of(lang)
        .format(key, args)
        .or_else(|| Catalogue::of(Lang::En).format(key, args))
        .unwrap_or_else(|| key.to_string())
}

/// The text of a catalogue key in the current language, with named values:
/// `t!("key")` or `t!("key", name = expr, ...)`. Each value is written with its `Display`.
#[macro_export]
macro_rules! t {
    ($key:literal $(,)?) => {
        $crate::text($key, &[])
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::text($key, &[$((stringify!($name), ::std::string::ToString::to_string(&$value))),+])
    };
}

/// The keys of a catalogue with the variables each uses, for the tests that keep the
/// catalogues whole.
pub mod inventory;
