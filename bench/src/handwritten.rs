//! The lead-scoring-v1 rules written by hand: what a competent engineer would write in Rust
//! for exactly this workload. It is the baseline of every benchmark: the speed a policy
//! engine can approach but not pass.

use regex::Regex;
use serde::Deserialize;
use std::sync::LazyLock;

/// The policy's name, as stamped on decisions.
pub const POLICY_NAME: &str = "lead-scoring-v1";
/// The policy's version.
pub const POLICY_VERSION: u64 = 1;

/// A lead as the workload's generator writes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Lead {
    /// `L0000000`, ...
    pub id: String,
    /// The lead's e-mail address.
    pub email: String,
    /// ISO country code.
    pub country: String,
    /// The company's industry.
    pub industry: Industry,
    /// Employees.
    pub company_size: i64,
    /// Annual revenue.
    pub annual_revenue: f64,
    /// Job title.
    pub role: String,
    /// Where the lead came from.
    pub source: Source,
    /// Pages viewed.
    pub pages_viewed: i64,
    /// E-mails opened.
    pub emails_opened: i64,
    /// Attended a webinar.
    pub webinar_attended: bool,
    /// Asked for a demo.
    pub demo_requested: bool,
    /// Days since the lead last did anything.
    pub days_since_last_activity: i64,
    /// Free-form tags.
    pub tags: Vec<String>,
}

/// The company's industry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Industry {
    Saas,
    Retail,
    Finance,
    Education,
    Health,
    Manufacturing,
    Other,
}

/// Where the lead came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Source {
    Organic,
    Paid,
    Referral,
    Event,
    Outbound,
}

/// The funnel stage reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Stage {
    Lead,
    Mql,
    Sql,
}

impl Stage {
    /// The stage's name: `lead`, `mql`, `sql`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Lead => "lead",
            Stage::Mql => "mql",
            Stage::Sql => "sql",
        }
    }
}

/// The fit grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    /// The letter.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }
}

/// Everything the policy computes for a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scored {
    /// Profile fit.
    pub fit: i64,
    /// Engagement before the inactivity discount.
    pub activity: i64,
    /// Engagement after it.
    pub engagement: i64,
    /// More than 30 days quiet: engagement is halved.
    pub half_quiet: bool,
    /// More than 90 days quiet: engagement is 0.
    pub gone_quiet: bool,
    /// The stage reached.
    pub stage: Stage,
    /// The fit grade.
    pub grade: Grade,
}

/// Job titles of decision makers, ignoring case.
pub const SENIOR_ROLE_PATTERN: &str = r"(?i)\b(head|director|vp|chief|ceo|cto|coo)\b";

/// [`SENIOR_ROLE_PATTERN`], compiled once.
static SENIOR_ROLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(SENIOR_ROLE_PATTERN).expect("valid pattern"));

const FREE_MAIL: [&str; 3] = ["@gmail.com", "@hotmail.com", "@yahoo.com"];
const CORE_COUNTRIES: [&str; 5] = ["BR", "PT", "US", "ES", "MX"];

/// Whether `text`, lower-cased, contains `needle` (lower-case ASCII). Compared byte-wise
/// ignoring ASCII case, with no lower-cased copy: for ASCII needles this is the same as
/// `text.to_lowercase().contains(needle)` (no non-ASCII character lower-cases to these
/// letters alone).
fn contains_lowercase(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Scores a lead by the lead-scoring-v1 rules.
pub fn score(lead: &Lead) -> Scored {
    let mut fit = 0;
    fit += match lead.industry {
        Industry::Saas | Industry::Finance => 20,
        Industry::Retail | Industry::Health => 10,
        _ => 0,
    };
    if (50..=1000).contains(&lead.company_size) {
        fit += 15;
    } else if lead.company_size > 1000 {
        fit += 25;
    }
    if SENIOR_ROLE.is_match(&lead.role) {
        fit += 20;
    }
    if contains_lowercase(&lead.role, "student") || contains_lowercase(&lead.role, "intern") {
        fit -= 30;
    }
    if FREE_MAIL.iter().any(|d| lead.email.ends_with(d)) {
        fit -= 40;
    }
    if CORE_COUNTRIES.contains(&lead.country.as_str()) {
        fit += 10;
    }
    if lead.annual_revenue >= 1_000_000.0 {
        fit += 10;
    }
    if lead.tags.iter().any(|t| t == "competitor") {
        fit -= 100;
    }

    let mut activity = (2 * lead.pages_viewed).min(30) + (3 * lead.emails_opened).min(15);
    if lead.webinar_attended {
        activity += 15;
    }
    if lead.demo_requested {
        activity += 30;
    }
    if lead.source == Source::Referral {
        activity += 10;
    }
    let half_quiet = lead.days_since_last_activity > 30;
    let gone_quiet = lead.days_since_last_activity > 90;
    let engagement = if gone_quiet {
        0
    } else if half_quiet {
        activity.div_euclid(2)
    } else {
        activity
    };

    let stage = if fit >= 50 && (lead.demo_requested || engagement >= 60) {
        Stage::Sql
    } else if fit >= 40 && engagement >= 25 {
        Stage::Mql
    } else {
        Stage::Lead
    };
    let grade = match fit {
        70.. => Grade::A,
        50.. => Grade::B,
        30.. => Grade::C,
        _ => Grade::D,
    };
    Scored {
        fit,
        activity,
        engagement,
        half_quiet,
        gone_quiet,
        stage,
        grade,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_senior_saas_lead_with_a_demo_is_an_sql() {
        let lead: Lead = serde_json::from_str(
            r#"{"id":"L1","email":"ana@acme.com","country":"BR","industry":"saas",
            "company_size":200,"annual_revenue":1000000,"role":"VP Sales","source":"referral",
            "pages_viewed":3,"emails_opened":1,"webinar_attended":false,"demo_requested":true,
            "days_since_last_activity":45,"tags":["vip"]}"#,
        )
        .unwrap();
        let s = score(&lead);
        assert_eq!((s.fit, s.activity, s.engagement), (75, 49, 24));
        assert_eq!((s.stage, s.grade), (Stage::Sql, Grade::A));
        assert!(s.half_quiet && !s.gone_quiet);
    }

    #[test]
    fn traps_do_not_match() {
        assert!(!SENIOR_ROLE.is_match("Headhunter"));
        assert!(SENIOR_ROLE.is_match("head of growth"));
        assert!(contains_lowercase("Marketing INTERN", "intern"));
        // The workload's rule is a plain substring test, so "Internal" counts as "intern".
        assert!(contains_lowercase("Internal Auditor", "intern"));
        assert!(!contains_lowercase("Student", "students"));
    }
}
