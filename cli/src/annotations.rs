//! `funnel check --format github`: each diagnostic as a GitHub Actions workflow command
//! (`::error file=F,line=L,col=C,title=CODE::message`), which the runner shows as an
//! annotation on the pull request's line.

use funnel_engine::diagnostic::JsonDiagnostic;
use funnel_engine::Severity;

/// The workflow command for one diagnostic, without the line break.
pub fn line(d: &JsonDiagnostic) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = Vec::new();
    if let Some(file) = &d.file {
        properties.push(format!("file={}", property(file)));
    }
    let place = [
        ("line", d.line),
        ("col", d.column),
        ("endLine", d.end_line),
        ("endColumn", d.end_column),
    ];
    for (name, value) in place {
        if let Some(v) = value {
            properties.push(format!("{name}={v}"));
        }
    }
    properties.push(format!("title={}", property(d.code)));
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    format!("::{kind} {}::{}", properties.join(","), data(&message))
}

/// A message escaped as the runner reads it back: `%`, CR and LF encoded (a line break shows
/// as one in the annotation).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value escaped: as a message, and `:` and `,` too, which end a property.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_and_messages_are_escaped_as_the_runner_reads_them() {
        assert_eq!(property("funnel::syntax"), "funnel%3A%3Asyntax");
        assert_eq!(property("a,b.funnel"), "a%2Cb.funnel");
        assert_eq!(data("50% of\nleads: ok"), "50%25 of%0Aleads: ok");
    }
}
