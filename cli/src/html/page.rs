//! The shell every page shares: the document, its header stamp, and cells that carry the
//! figure they show (so tests and scripts can read the numbers back from the page).

use super::Locale;
use funnel_engine::decision::PolicyStamp;
use std::fmt::Write as _;

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// Text made safe inside HTML (element content and quoted attributes).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page around `body`.
pub fn document(locale: Locale, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}\
         <script>\n{JS}</script>\n</body>\n</html>\n",
        locale.tag(),
        esc(title),
    )
}

/// What a printed page is traced back by: the policy, its digest, the instant, the input and
/// the leads counted and failed.
pub struct Stamp<'a> {
    pub kind: &'a str,
    pub policy: &'a PolicyStamp,
    pub at: &'a str,
    pub input: &'a str,
    pub evaluated: u64,
    pub failed: u64,
}

/// The page's header.
pub fn header(locale: Locale, stamp: &Stamp, nav: &[(&str, &str)]) -> String {
    let t = locale.texts();
    let mut out = String::from("<header>\n");
    let _ = writeln!(out, "<p class=\"kind\">{}</p>", esc(stamp.kind));
    let _ = writeln!(
        out,
        "<h1>{} <small>{} {}</small></h1>",
        esc(&stamp.policy.name),
        t.version,
        stamp.policy.version
    );
    out += "<dl class=\"stamp\">\n";
    let mut row = |term: &str, value: String| {
        let _ = writeln!(out, "<dt>{}</dt><dd>{value}</dd>", esc(term));
    };
    row(
        t.digest,
        format!("<code>{}</code>", esc(&stamp.policy.digest)),
    );
    row(t.at, esc(stamp.at));
    row(t.input, format!("<code>{}</code>", esc(stamp.input)));
    for (term, key, n) in [
        (t.evaluated, "evaluated", stamp.evaluated),
        (t.failed, "failed", stamp.failed),
    ] {
        row(term, figure(key, Some(n as f64), &locale.count(n)));
    }
    out += "</dl>\n<nav>";
    for (id, title) in nav {
        let _ = write!(out, "<a href=\"#{id}\">{}</a>", esc(title));
    }
    out += "</nav>\n</header>\n";
    out
}

/// A whole page: the header with `stamp` and a link per section, `intro`, each section that
/// has content as `(id, title, body)`, and a footer naming the version of funnel that wrote it.
pub fn page(
    locale: Locale,
    stamp: &Stamp,
    intro: &str,
    sections: &[(&str, &str, String)],
) -> String {
    let t = locale.texts();
    let shown: Vec<&(&str, &str, String)> = sections
        .iter()
        .filter(|(_, _, body)| !body.is_empty())
        .collect();
    let nav: Vec<(&str, &str)> = shown.iter().map(|(id, title, _)| (*id, *title)).collect();
    let mut body = header(locale, stamp, &nav);
    body += intro;
    for (id, title, content) in shown {
        let _ = writeln!(body, "<section id=\"{id}\">\n<h2>{}</h2>", esc(title));
        body += content;
        body += "</section>\n";
    }
    let _ = writeln!(
        body,
        "<footer>{} {}</footer>",
        esc(t.generated),
        env!("CARGO_PKG_VERSION")
    );
    document(
        locale,
        &format!("{}: {}", stamp.policy.name, stamp.kind),
        &body,
    )
}

/// An inline figure: `<span data-figure=KEY data-value=V>TEXT</span>`.
pub fn figure(key: &str, value: Option<f64>, text: &str) -> String {
    format!(
        "<span data-figure=\"{}\" data-value=\"{}\">{}</span>",
        esc(key),
        number(value),
        esc(text)
    )
}

/// A table cell showing a figure, sortable by its value.
pub fn figure_cell(key: &str, value: Option<f64>, text: &str, class: &str, note: &str) -> String {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{class}\"")
    };
    let note = if note.is_empty() {
        String::new()
    } else {
        format!("<small>{}</small>", esc(note))
    };
    format!(
        "<td{class} data-figure=\"{}\" data-value=\"{}\">{}{note}</td>",
        esc(key),
        number(value),
        esc(text)
    )
}

/// A figure's raw value as written in `data-value`: the shortest text that reads back as
/// the same number (empty for none), as in the JSON report.
fn number(v: Option<f64>) -> String {
    v.map(|v| format!("{v:?}").trim_end_matches(".0").to_string())
        .unwrap_or_default()
}

/// The key of a figure: its parts joined by `|` (`metric|cpl|2018-04|origin=email`).
pub fn key(parts: &[&str]) -> String {
    parts.join("|")
}
