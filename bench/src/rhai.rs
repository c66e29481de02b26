//! The lead-scoring-v1 rules as a Rhai script (`bench/rhai/lead_scoring.rhai`), run the way
//! an application embedding Rhai would: one engine, the script compiled once, leads handed
//! to it as maps.

use crate::handwritten::Lead;
use ::rhai::{Array, CallFnOptions, Dynamic, Engine, EvalAltResult, Map, Scope, AST};
use regex::Regex;
use std::collections::HashMap;
use std::sync::RwLock;

/// The script's text.
pub const SCRIPT: &str = include_str!("../rhai/lead_scoring.rhai");

/// What the script returns for a lead, read back into Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RhaiScored {
    /// Profile fit.
    pub fit: i64,
    /// Engagement before the inactivity discount.
    pub activity: i64,
    /// Engagement after it.
    pub engagement: i64,
    /// `lead`, `mql` or `sql`.
    pub stage: String,
    /// `A` to `D`.
    pub grade: String,
}

/// A Rhai engine with the workload's script compiled.
pub struct RhaiScorer {
    engine: Engine,
    ast: AST,
}

impl RhaiScorer {
    /// Makes the engine (with `regex_match`, see the script) and compiles the script.
    ///
    /// # Errors
    /// When the script does not compile.
    pub fn new() -> Result<RhaiScorer, Box<EvalAltResult>> {
        let engine = engine();
        let ast = engine.compile(SCRIPT)?;
        Ok(RhaiScorer { engine, ast })
    }

    /// Compiles the script again with this engine (for the compile benchmark).
    ///
    /// # Errors
    /// When the script does not compile.
    pub fn compile_only(&self) -> Result<AST, Box<EvalAltResult>> {
        Ok(self.engine.compile(SCRIPT)?)
    }

    /// Runs the script's `score` on a lead already converted with [`to_rhai`]; returns the
    /// map the script builds.
    ///
    /// # Errors
    /// When the script fails.
    pub fn score(&self, lead: &Dynamic) -> Result<Map, Box<EvalAltResult>> {
        let mut scope = Scope::new();
        // The script has no top-level statements to run before each call.
        let options = CallFnOptions::new().eval_ast(false);
        self.engine
            .call_fn_with_options(options, &mut scope, &self.ast, "score", (lead.clone(),))
    }

    /// [`RhaiScorer::score`], read back into Rust.
    ///
    /// # Errors
    /// When the script fails or returns something else than the expected map.
    pub fn score_typed(&self, lead: &Dynamic) -> Result<RhaiScored, Box<EvalAltResult>> {
        let map = self.score(lead)?;
        let int = |k: &str| -> Result<i64, Box<EvalAltResult>> {
            map.get(k)
                .and_then(|v| v.as_int().ok())
                .ok_or_else(|| format!("`{k}` is not an integer").into())
        };
        let text = |k: &str| -> Result<String, Box<EvalAltResult>> {
            map.get(k)
                .and_then(|v| v.clone().into_string().ok())
                .ok_or_else(|| format!("`{k}` is not a string").into())
        };
        Ok(RhaiScored {
            fit: int("fit")?,
            activity: int("activity")?,
            engagement: int("engagement")?,
            stage: text("stage")?,
            grade: text("grade")?,
        })
    }
}

/// The engine: Rhai's standard library, plus `regex_match(text, pattern)`, which compiles
/// each pattern once and keeps it.
fn engine() -> Engine {
    let mut engine = Engine::new();
    let cache: RwLock<HashMap<String, Regex>> = RwLock::new(HashMap::new());
    engine.register_fn(
        "regex_match",
        move |text: &str, pattern: &str| -> Result<bool, Box<EvalAltResult>> {
            if let Some(re) = cache.read().expect("lock").get(pattern) {
                return Ok(re.is_match(text));
            }
            let re = Regex::new(pattern).map_err(|e| e.to_string())?;
            let found = re.is_match(text);
            cache.write().expect("lock").insert(pattern.to_string(), re);
            Ok(found)
        },
    );
    engine
}

/// A lead as a Rhai map (a [`Dynamic`] holding a [`Map`]), fields named as in the input.
pub fn to_rhai(lead: &Lead) -> Dynamic {
    let mut m = Map::new();
    let mut put = |k: &str, v: Dynamic| {
        m.insert(k.into(), v);
    };
    put("id", lead.id.clone().into());
    put("email", lead.email.clone().into());
    put("country", lead.country.clone().into());
    put("industry", enum_name(&lead.industry).into());
    put("company_size", lead.company_size.into());
    put("annual_revenue", lead.annual_revenue.into());
    put("role", lead.role.clone().into());
    put("source", enum_name(&lead.source).into());
    put("pages_viewed", lead.pages_viewed.into());
    put("emails_opened", lead.emails_opened.into());
    put("webinar_attended", lead.webinar_attended.into());
    put("demo_requested", lead.demo_requested.into());
    put(
        "days_since_last_activity",
        lead.days_since_last_activity.into(),
    );
    let tags: Array = lead.tags.iter().map(|t| t.clone().into()).collect();
    put("tags", tags.into());
    m.into()
}

/// An enum value's name as written in the input (`saas`, `referral`).
fn enum_name(v: &impl std::fmt::Debug) -> String {
    format!("{v:?}").to_lowercase()
}
