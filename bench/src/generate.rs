//! Synthetic policies over the lead-scoring-v1 schema, as large as asked, to measure how
//! compile time grows with a realistic policy (`generated_policy(1000)`).

use std::fmt::Write;

/// The lead-scoring-v1 schema, shared by the generated policies.
const SCHEMA: &str = r#"schema lead {
  id: text key
  email: text
  country: text
  industry: enum(saas, retail, finance, education, health, manufacturing, other)
  company_size: int
  annual_revenue: number
  role: text
  source: enum(organic, paid, referral, event, outbound)
  pages_viewed: int
  emails_opened: int
  webinar_attended: bool
  demo_requested: bool
  days_since_last_activity: int
  tags: list<text>
}
"#;

const INDUSTRIES: [&str; 7] = [
    "saas",
    "retail",
    "finance",
    "education",
    "health",
    "manufacturing",
    "other",
];
const SOURCES: [&str; 5] = ["organic", "paid", "referral", "event", "outbound"];
const COUNTRIES: [&str; 10] = ["BR", "PT", "US", "ES", "MX", "DE", "FR", "IN", "CN", "AR"];
const DOMAINS: [&str; 6] = [
    "@gmail.com",
    "@hotmail.com",
    "@yahoo.com",
    "@outlook.com",
    "@icloud.com",
    "@proton.me",
];
const TAGS: [&str; 5] = ["newsletter", "competitor", "partner", "vip", "churned"];
const ROLE_WORDS: [&str; 8] = [
    "student",
    "intern",
    "sales",
    "marketing",
    "engineer",
    "manager",
    "analyst",
    "founder",
];
/// Role patterns of the kind policies use: a handful, reused, as real policies reuse them.
const ROLE_PATTERNS: [&str; 8] = [
    r"\b(head|director|vp|chief|ceo|cto|coo)\b",
    r"\b(student|intern|trainee)\b",
    r"\b(founder|co-?founder|owner)\b",
    r"^(sr\.?|senior)\s",
    r"\b(sales|revenue|growth)\b",
    r"\b(engineer|developer|architect)\b",
    r"\bmanager\b",
    r"\b(marketing|demand gen)\b",
];

/// Rules per score block.
const RULES_PER_SCORE: usize = 100;

/// A deterministic stream of numbers (splitmix64), so a size always gives the same policy.
struct Numbers(u64);

impl Numbers {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() as usize % items.len()]
    }

    /// `k` different items, in the list's order.
    fn some<'a>(&mut self, items: &[&'a str], k: usize) -> Vec<&'a str> {
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < k.min(items.len()) {
            let i = self.next() as usize % items.len();
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        chosen.into_iter().map(|i| items[i]).collect()
    }

    /// Signed points: mostly rewards, some penalties, never 0.
    fn points(&mut self) -> String {
        let n = self.range(1, 30);
        if self.next() & 3 == 0 {
            format!("-{n}")
        } else {
            format!("+{n}")
        }
    }
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `i`-th rule: 20 shapes in turn, so every shape the language has for a score rule
/// appears, with a regex in one rule of 20.
fn rule(i: usize, n: &mut Numbers) -> String {
    let p = n.points();
    match i % 20 {
        0 => format!(
            "{p} when industry in [{}]",
            n.some(&INDUSTRIES, 2).join(", ")
        ),
        1 => {
            let lo = n.range(1, 2000);
            format!(
                "{p} when company_size between {lo} and {}",
                lo + n.range(10, 5000)
            )
        }
        2 => {
            let k = n.range(2, 5) as usize;
            format!("{p} when country in [{}]", quoted(&n.some(&COUNTRIES, k)))
        }
        3 => {
            let k = n.range(1, 3) as usize;
            format!(
                "-{} when email ends with any [{}]",
                n.range(5, 40),
                quoted(&n.some(&DOMAINS, k))
            )
        }
        4 => format!(
            "+{} per pages_viewed, max {}",
            n.range(1, 3),
            n.range(10, 40)
        ),
        5 => format!("{p} when annual_revenue >= {}_000", n.range(1, 500_000)),
        6 => format!("{p} when days_since_last_activity > {}", n.range(1, 200)),
        7 => format!("{p} when source == {}", n.pick(&SOURCES)),
        8 => format!("{p} when \"{}\" in tags", n.pick(&TAGS)),
        9 => {
            let k = n.range(1, 3) as usize;
            format!(
                "{p} when lower(role) contains any [{}]",
                quoted(&n.some(&ROLE_WORDS, k))
            )
        }
        10 => format!(
            "{p} when webinar_attended and emails_opened >= {}",
            n.range(1, 15)
        ),
        11 => format!(
            "+{} per emails_opened, max {}",
            n.range(1, 4),
            n.range(5, 20)
        ),
        12 => format!("{p} when company_size > {}", n.range(10, 15_000)),
        13 => format!("{p} when tags contains \"{}\"", n.pick(&TAGS)),
        14 => {
            let lo = n.range(0, 40);
            format!(
                "{p} when not demo_requested and pages_viewed between {lo} and {}",
                lo + n.range(1, 40)
            )
        }
        15 => format!("{p} when industry == {}", n.pick(&INDUSTRIES)),
        16 => format!("{p} when half_quiet and not gone_quiet"),
        17 => format!(
            "{p} when demo_requested or emails_opened * 2 + pages_viewed >= {}",
            n.range(10, 100)
        ),
        18 => {
            let lo = n.range(0, 100);
            format!(
                "{p} when annual_revenue between {lo}_000 and {}_000",
                lo + n.range(1, 10_000)
            )
        }
        _ => format!("{p} when role matches /{}/i", n.pick(&ROLE_PATTERNS)),
    }
}

/// A policy over the lead-scoring-v1 schema with exactly `rules` score rules, spread over
/// score blocks of 100 (at least two blocks), with two lets, a grade and three stages. It
/// checks with no error or warning. The same `rules` always gives the same text; it is
/// one file, to be read as e.g. `generated/policy.funnel`.
pub fn generated_policy(rules: usize) -> String {
    let scores = rules.div_ceil(RULES_PER_SCORE).max(2);
    let mut n = Numbers(rules as u64);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# A generated policy with {rules} score rules (funnel-bench `generated_policy`).\n"
    );
    let _ = writeln!(
        out,
        "policy \"generated-{rules}\" version 1\n  timezone \"UTC\"\n  owner revops \"Benchmarks\"\n"
    );
    out.push_str(SCHEMA);
    out.push_str("\nlet half_quiet = days_since_last_activity > 30\n");
    out.push_str("let gone_quiet = days_since_last_activity > 90\n");
    let mut i = 0;
    for s in 0..scores {
        let _ = writeln!(out, "\nscore g{s:02} \"Generated score {s}\" {{");
        let end = (i + RULES_PER_SCORE).min(rules);
        while i < end {
            let _ = writeln!(out, "  {}", rule(i, &mut n));
            i += 1;
        }
        out.push_str("}\n");
    }
    out.push_str("\ngrade g00 { A >= 70, B >= 50, C >= 30, else D }\n");
    out.push_str(
        "\nstages {\n  lead\n  mql when g00 >= 40 and g01 >= 25\n  \
         sql when g00 >= 50 and (demo_requested or g01 >= 60)\n}\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_size_gives_the_same_policy() {
        assert_eq!(generated_policy(40), generated_policy(40));
        assert_eq!(generated_policy(40).matches(" matches /").count(), 2);
    }
}
