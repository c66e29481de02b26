//! Every link inside the documentation goes somewhere: in the Markdown files at the root
//! (README.md, BENCHMARKS.md), docs/*.md and policies/*/README.md, a link to a heading
//! (`[text](#anchor)`) names a heading of the page, and a relative link (`docs/language.md`,
//! `docs/olist-report.png`, `policies/olist/README.md#the-funnel`) names a file or directory
//! that exists, and a heading of it when it has an anchor. Links to the web are not followed.

use funnel_tests::workspace_root;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// A heading's anchor, as GitHub makes it: lower case, punctuation dropped (`-` and `_`
/// kept), each space a `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The lines of a Markdown text outside fenced code blocks, with their 1-based numbers.
fn prose(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut fence: Option<&str> = None;
    text.lines().enumerate().filter_map(move |(i, line)| {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                None
            }
            (Some(open), Some(m)) if open == m && trimmed.trim_end() == m => {
                fence = None;
                None
            }
            (Some(_), _) => None,
            (None, None) => Some((i + 1, line)),
        }
    })
}

/// The anchors a page's headings make; a heading that repeats gets `-1`, `-2`, ... as on
/// GitHub.
fn anchors(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for (_, line) in prose(text) {
        let hashes = line.len() - line.trim_start_matches('#').len();
        if hashes == 0 || hashes > 6 || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = anchor(&line[hashes..]);
        let mut name = base.clone();
        let mut n = 0;
        while !out.insert(name.clone()) {
            n += 1;
            name = format!("{base}-{n}");
        }
    }
    out
}

/// The link targets on a line (`[text](target)` and `![alt](target)`), outside inline code
/// spans, without a title (`(target "title")`).
fn targets(line: &str) -> Vec<String> {
    // Inline code is cut out first: `[a](b)` inside backticks is not a link.
    let outside_code: String = line
        .split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 0 { part } else { "" })
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = Vec::new();
    let mut rest = outside_code.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let end = after.find(')').unwrap_or(after.len());
        let target = after[..end].split_whitespace().next().unwrap_or("");
        out.push(target.trim_matches(['<', '>']).to_string());
        rest = &after[end..];
    }
    out
}

/// What a link may point at: `None` when nothing is there, `Some(text)` for a Markdown file
/// (its text, for its anchors), `Some("")` for any other file or a directory.
type Lookup<'a> = &'a dyn Fn(&Path) -> Option<String>;

/// The broken links of `page` (its path from the root, and its text), each as
/// `page:line: reason`.
fn broken_links(page: &Path, text: &str, lookup: Lookup<'_>) -> Vec<String> {
    let own = anchors(text);
    let dir = page.parent().unwrap_or(Path::new(""));
    let mut broken = Vec::new();
    for (line_no, line) in prose(text) {
        for target in targets(line) {
            let at = format!("{}:{line_no}", page.display());
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = match target.split_once('#') {
                Some((file, fragment)) => (file, Some(fragment)),
                None => (target.as_str(), None),
            };
            if file.is_empty() {
                if let Some(f) = fragment.filter(|f| !own.contains(*f)) {
                    broken.push(format!("{at}: no heading for #{f}"));
                }
                continue;
            }
            let path = normalize(&dir.join(file));
            match lookup(&path) {
                None => broken.push(format!("{at}: {target}: no such file ({})", path.display())),
                Some(linked) => {
                    if let Some(f) = fragment.filter(|f| !anchors(&linked).contains(*f)) {
                        broken.push(format!("{at}: {target}: no heading for #{f} in {file}"));
                    }
                }
            }
        }
    }
    broken
}

/// `a/b/../c` as `a/c`, so that a link out of a directory is looked up where it lands.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The documentation pages: the Markdown files at the root, in docs/, and each policy set's
/// README.
fn pages(root: &Path) -> Vec<PathBuf> {
    let markdown_in = |dir: &Path| -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            return Vec::new();
        };
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| dir.join(e.file_name()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        found.sort();
        found
    };
    let mut pages = markdown_in(Path::new(""));
    pages.extend(markdown_in(Path::new("docs")));
    let mut sets: Vec<PathBuf> = std::fs::read_dir(root.join("policies"))
        .expect("the policies directory")
        .flatten()
        .map(|e| Path::new("policies").join(e.file_name()).join("README.md"))
        .filter(|p| root.join(p).is_file())
        .collect();
    sets.sort();
    pages.extend(sets);
    pages
}

#[test]
fn every_link_in_the_documentation_goes_somewhere() {
    let root = workspace_root();
    let lookup = |path: &Path| -> Option<String> {
        let full = root.join(path);
        if full.extension().is_some_and(|x| x == "md") {
            std::fs::read_to_string(full).ok()
        } else {
            full.exists().then(String::new)
        }
    };
    let pages = pages(&root);
    for expected in ["README.md", "docs/language.md", "policies/olist/README.md"] {
        assert!(
            pages.iter().any(|p| p == Path::new(expected)),
            "{expected} is among the pages checked: {pages:?}"
        );
    }
    let mut broken = Vec::new();
    let mut links = 0;
    for page in &pages {
        let text = std::fs::read_to_string(root.join(page)).expect("a page reads");
        links += prose(&text).map(|(_, l)| targets(l).len()).sum::<usize>();
        broken.extend(broken_links(page, &text, &lookup));
    }
    assert!(links > 30, "the pages hold links ({links} found)");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// A small tree for the cases below: a README beside docs/guide.md and docs/shot.png.
fn tree(path: &Path) -> Option<String> {
    match path.to_str()? {
        "docs/guide.md" => Some("# Guide\n\n## Set up, then run!\n\n## Set up, then run!\n".into()),
        "docs/shot.png" | "docs" => Some(String::new()),
        _ => None,
    }
}

#[test]
fn links_that_resolve_are_not_reported() {
    let readme = "# Funnel\n\n## `funnel check`\n\nSee [check](#funnel-check), \
                  [the guide](docs/guide.md#set-up-then-run), [again](docs/guide.md#set-up-then-run-1), \
                  ![a shot](docs/shot.png \"The report\"), [docs](docs/) and [the web](https://example.com/x#y).\n";
    assert_eq!(
        broken_links(Path::new("README.md"), readme, &tree),
        Vec::<String>::new()
    );
    let guide = "# Guide\n\nBack to [the README](../README.md).\n";
    let with_readme = |p: &Path| {
        if p == Path::new("README.md") {
            Some(readme.to_string())
        } else {
            tree(p)
        }
    };
    assert_eq!(
        broken_links(Path::new("docs/guide.md"), guide, &with_readme),
        Vec::<String>::new()
    );
}

#[test]
fn a_broken_anchor_or_file_is_reported_at_its_line() {
    let readme = "# Funnel\n\
                  \n\
                  The [decisions](#decisions) and the [shot](docs/olist.png).\n\
                  ```text\n\
                  [in code](#not-checked)\n\
                  ```\n\
                  `[inline code](#not-checked-either)` and [a section](docs/guide.md#gone).\n";
    assert_eq!(
        broken_links(Path::new("README.md"), readme, &tree),
        [
            "README.md:3: no heading for #decisions",
            "README.md:3: docs/olist.png: no such file (docs/olist.png)",
            "README.md:7: docs/guide.md#gone: no heading for #gone in docs/guide.md",
        ]
    );
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    assert_eq!(
        anchor(" `funnel eval` and `funnel explain`"),
        "funnel-eval-and-funnel-explain"
    );
    assert_eq!(
        anchor(" Stage history: how far a lead got, and when"),
        "stage-history-how-far-a-lead-got-and-when"
    );
    assert_eq!(
        anchor(" GET /v1/policy, GET /healthz"),
        "get-v1policy-get-healthz"
    );
    assert_eq!(anchor(" Funções e métricas"), "funções-e-métricas");
}
