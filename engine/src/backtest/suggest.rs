//! Points re-fitted from the data (`funnel backtest --suggest`): for each score, its rules'
//! points as a logistic regression over the rules' firings would weigh them, scaled back to
//! the score's points and written into a copy of the policy's files.
//!
//! 1. Every lead is evaluated with explanations; a rule's *firing* for a lead is the points it
//!    added over its points (`Rules::features`): 1 for a `when` rule that held, the count
//!    for a `per` rule, after its `max`.
//! 2. The leads whose outcome is known are split by the seed: a share ([`SuggestOptions::holdout`])
//!    is held out, the rest is the training part.
//! 3. Per score, an L2-regularised logistic regression ([`Logistic`]) of the outcome on the
//!    firings is fitted on the training part.
//! 4. The weights are scaled so that the rule that can add the most (its points times its
//!    largest firing in training) adds as much as the score's current such rule, and rounded
//!    to whole points (never to 0, which `funnel check` warns about: a rule worth less keeps
//!    one point of its sign). A `per` rule's `max` is scaled with its points, so it caps the
//!    same count. A file that was formatted (`funnel fmt`) is formatted again.
//! 5. The proposed files must load ([`Policy::from_sources`]); the proposed policy is then
//!    evaluated on the held-out leads, and each score's AUC there is compared with the
//!    original's on the same leads.

use super::{auc, observe, with_outcome, BacktestError, Logistic, OutcomeSpec};
use crate::batch::{BatchOptions, InputFormat};
use crate::checked::Checked;
use crate::decision::Step;
use crate::policy::Policy;
use funnel_grammar::{ast::Item, SourceFile};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// How [`suggest`] splits and fits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SuggestOptions {
    /// Picks the held-out leads: the same seed on the same input gives the same split, fit
    /// and proposal.
    pub seed: u64,
    /// The share of the leads held out from the fit to measure it (between 0 and 1,
    /// exclusive).
    pub holdout: f64,
    /// The L2 penalty on the standardised weights (see [`Logistic`]).
    pub l2: f64,
}

impl SuggestOptions {
    /// The seed when none is given.
    pub const DEFAULT_SEED: u64 = 1;
    /// The held-out share when none is given.
    pub const DEFAULT_HOLDOUT: f64 = 0.3;
    /// A light penalty: it keeps the weights finite when a rule separates the outcomes
    /// perfectly, and moves the others little on thousands of leads.
    pub const DEFAULT_L2: f64 = 0.01;
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            seed: Self::DEFAULT_SEED,
            holdout: Self::DEFAULT_HOLDOUT,
            l2: Self::DEFAULT_L2,
        }
    }
}

/// Re-fitted points for every score, and how the proposal ranks the held-out leads.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// The seed that split the leads.
    pub seed: u64,
    /// The share held out.
    pub holdout: f64,
    /// The L2 penalty.
    pub l2: f64,
    /// Leads the weights were fitted on.
    pub training: u64,
    /// Leads held out, on which the AUCs are measured.
    pub held_out: u64,
    /// Each score.
    pub scores: Vec<ScoreSuggestion>,
    /// The policy files the proposal changes, before and after.
    #[serde(skip)]
    pub files: Vec<ProposedFile>,
}

/// One score's suggestion.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreSuggestion {
    /// The score.
    pub score: String,
    /// The AUC of the score as written, on the held-out leads.
    pub auc_before: Option<f64>,
    /// The AUC of the proposed score, evaluated on the same leads.
    pub auc_after: Option<f64>,
    /// The fitted model (`None` when the training part has one outcome only).
    pub model: Option<Logistic>,
    /// Each rule, in written order.
    pub rules: Vec<RuleSuggestion>,
}

/// One rule's points, before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleSuggestion {
    /// The rule as written, on one line.
    pub rule: String,
    /// `file:line:column`.
    pub at: String,
    /// Its points now.
    pub old_points: f64,
    /// The points proposed.
    pub new_points: f64,
    /// The fitted log-odds per unit of firing (`None`: the rule never varied in training,
    /// and keeps its points).
    pub weight: Option<f64>,
    /// Its `max` now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_max: Option<f64>,
    /// The `max` proposed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_max: Option<f64>,
}

/// A policy file as it is and as proposed.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposedFile {
    /// Its name, as the policy was loaded.
    pub name: String,
    /// The text now.
    pub old: String,
    /// The text proposed.
    pub new: String,
}

/// Where each score rule is written, to read a lead's firings from its explanation (whose
/// rule steps name the rule by `file:line:column`, as test coverage does).
pub(crate) struct Rules {
    /// `file:line:column` -> (score, rule).
    at: HashMap<String, (usize, usize)>,
    /// Each score's rules' points.
    points: Vec<Vec<f64>>,
}

impl Rules {
    /// The rules of a checked policy.
    pub(crate) fn of(p: &Checked) -> Rules {
        let mut at = HashMap::new();
        for (i, s) in p.scores.iter().enumerate() {
            for (j, r) in s.rules.iter().enumerate() {
                at.insert(r.span.location(), (i, j));
            }
        }
        Rules {
            at,
            points: p
                .scores
                .iter()
                .map(|s| s.rules.iter().map(|r| r.points).collect())
                .collect(),
        }
    }

    /// A lead's firings, per score and rule: the points the rule added (after its `max`) over
    /// its points, so 1 for a `when` rule that held and the count for a `per` rule; 0 for a
    /// rule that did not fire, was skipped on an unknown, or has no points.
    pub(crate) fn features(&self, steps: &[Step]) -> Vec<Vec<f64>> {
        let mut out: Vec<Vec<f64>> = self.points.iter().map(|s| vec![0.0; s.len()]).collect();
        for step in steps {
            if let Step::Rule { points, at, .. } = step {
                if let Some((i, j)) = self.at.get(at) {
                    let per = self.points[*i][*j];
                    if per != 0.0 {
                        out[*i][*j] = points / per;
                    }
                }
            }
        }
        out
    }
}

/// Fits each score's points on part of `input` and measures the proposal on the rest (see
/// the module's documentation). The input is read three times (fit, then both policies on the
/// held-out leads), hence bytes rather than a stream. Bad records go to `on_error` once.
pub fn suggest(
    policy: &Policy,
    input: &[u8],
    format: InputFormat,
    options: &BatchOptions,
    outcome: &OutcomeSpec,
    settings: &SuggestOptions,
    mut on_error: impl FnMut(&crate::LeadError),
) -> Result<Suggestion, BacktestError> {
    if !(settings.holdout > 0.0 && settings.holdout < 1.0) {
        return Err(BacktestError::Suggest(format!(
            "the held-out share must be between 0 and 1, not {}",
            settings.holdout
        )));
    }
    let judged = with_outcome(policy, outcome)?;
    let rules = Rules::of(judged.checked());
    let (observations, _) = observe(&judged, input, format, options, Some(&rules), &mut on_error)?;
    let known: Vec<_> = observations
        .iter()
        .filter(|o| o.outcome.is_some())
        .collect();
    let held = split(known.len(), settings);
    let (training, testing): (Vec<_>, Vec<_>) =
        known.iter().zip(&held).partition(|(_, held)| !**held);
    let training: Vec<_> = training.into_iter().map(|(o, _)| *o).collect();
    let y: Vec<bool> = training.iter().map(|o| o.outcome == Some(true)).collect();
    if !(y.contains(&true) && y.contains(&false)) {
        return Err(BacktestError::Suggest(
            "the training part needs leads of both outcomes, converted and not".into(),
        ));
    }
    let p = policy.checked();
    let mut scores = Vec::new();
    for (i, def) in p.scores.iter().enumerate() {
        let x: Vec<Vec<f64>> = training
            .iter()
            .map(|o| o.firings.get(i).cloned().unwrap_or_default())
            .collect();
        let model = super::logistic::fit(&x, &y, settings.l2);
        let largest: Vec<f64> = (0..def.rules.len())
            .map(|j| {
                x.iter()
                    .filter_map(|row| row.get(j))
                    .fold(0.0, |m, v| v.abs().max(m))
            })
            .collect();
        let old: Vec<f64> = def.rules.iter().map(|r| r.points).collect();
        // One weight a rule (a model fitted on rows of another width has none to give).
        let mut weights = model.as_ref().map_or(Vec::new(), |m| m.weights.clone());
        weights.resize(old.len(), None);
        let new = points(&old, &weights, &largest);
        let rules = def
            .rules
            .iter()
            .enumerate()
            .map(|(j, r)| RuleSuggestion {
                rule: crate::eval::squash(r.span.text()),
                at: r.span.location(),
                old_points: r.points,
                new_points: new[j],
                weight: weights[j],
                old_max: r.max,
                new_max: r.max.map(|m| scaled_max(m, r.points, new[j])),
            })
            .collect();
        scores.push(ScoreSuggestion {
            score: def.name.clone(),
            auc_before: None,
            auc_after: None,
            model,
            rules,
        });
    }
    let (proposed, files) = rewrite(policy, &scores);
    let proposed = Policy::from_sources(proposed).map_err(BacktestError::Proposal)?;
    let (after, _) = observe(
        &with_outcome(&proposed, outcome)?,
        input,
        format,
        options,
        None,
        &mut |_| {},
    )?;
    let after: HashMap<u64, &super::Observation> = after.iter().map(|o| (o.record, o)).collect();
    // The held-out leads both policies evaluated.
    let both: Vec<(&super::Observation, &super::Observation)> = testing
        .iter()
        .filter_map(|(o, _)| Some((**o, *after.get(&o.record)?)))
        .collect();
    let outcomes: Vec<bool> = both.iter().map(|(o, _)| o.outcome == Some(true)).collect();
    for (i, s) in scores.iter_mut().enumerate() {
        let before: Vec<f64> = both.iter().map(|(o, _)| o.scores[i]).collect();
        let proposed: Vec<f64> = both.iter().map(|(_, o)| o.scores[i]).collect();
        s.auc_before = auc(&before, &outcomes);
        s.auc_after = auc(&proposed, &outcomes);
    }
    Ok(Suggestion {
        seed: settings.seed,
        holdout: settings.holdout,
        l2: settings.l2,
        training: training.len() as u64,
        held_out: both.len() as u64,
        scores,
        files,
    })
}

/// Which of `n` leads are held out: a shuffle by the seed (Fisher-Yates driven by
/// SplitMix64, so no random-number crate and the same split on every machine), whose first
/// `holdout` share is held out.
fn split(n: usize, settings: &SuggestOptions) -> Vec<bool> {
    let mut state = settings.seed;
    let mut next = || {
        // SplitMix64 (Steele, Lea and Flood, 2014).
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    let count = (n as f64 * settings.holdout).round() as usize;
    let mut held = vec![false; n];
    for i in &order[..count.min(n)] {
        held[*i] = true;
    }
    held
}

/// The weights as whole points on the score's scale: `scale` makes the rule that can add the
/// most add what the largest rule adds now (each rule's most is its points times its largest
/// firing). A rule with no weight keeps its points; one that rounds to 0 keeps one point of
/// its weight's sign.
fn points(old: &[f64], weights: &[Option<f64>], largest: &[f64]) -> Vec<f64> {
    let most = |p: &[f64]| {
        p.iter()
            .zip(largest)
            .map(|(p, m)| (p * m).abs())
            .fold(0.0, f64::max)
    };
    let fitted: Vec<f64> = weights.iter().map(|w| w.unwrap_or(0.0)).collect();
    let (now, fit) = (most(old), most(&fitted));
    if fit == 0.0 || now == 0.0 {
        return old.to_vec();
    }
    let scale = now / fit;
    old.iter()
        .zip(weights)
        .map(|(old, w)| match w {
            None => *old,
            Some(w) => {
                let p = (w * scale).round();
                if p == 0.0 {
                    w.signum()
                } else {
                    p
                }
            }
        })
        .collect()
}

/// A `max` scaled with its rule's points, so that it caps the same count (to two decimals).
fn scaled_max(max: f64, old: f64, new: f64) -> f64 {
    if old == 0.0 {
        return max;
    }
    (max / old.abs() * new.abs() * 100.0).round() / 100.0
}

/// A number as a policy writes it: whole numbers without a fraction, others to two decimals.
fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// The policy's files with each rule's points (and `max`) replaced by the suggestion's, and
/// the files that changed.
fn rewrite(
    policy: &Policy,
    scores: &[ScoreSuggestion],
) -> (Vec<Arc<SourceFile>>, Vec<ProposedFile>) {
    let by_name: HashMap<&str, &ScoreSuggestion> =
        scores.iter().map(|s| (s.score.as_str(), s)).collect();
    let mut files = Vec::new();
    let mut changed = Vec::new();
    for file in policy.sources() {
        let (tree, _) = funnel_grammar::parse(file);
        // (start, end, replacement), in source order.
        let mut edits = Vec::new();
        for item in &tree.items {
            let Item::Score(score) = item else { continue };
            let Some(s) = by_name.get(score.name.name.as_str()) else {
                continue;
            };
            for (rule, r) in score.rules.iter().zip(&s.rules) {
                if r.new_points != r.old_points {
                    let span = &rule.points.span;
                    let text = format!("{}{}", sign(r.new_points), number(r.new_points.abs()));
                    edits.push((span.start, span.end, text));
                }
                if let (Some(max), Some(new)) = (&rule.max, r.new_max) {
                    if Some(new) != r.old_max {
                        edits.push((max.span.start, max.span.end, number(new)));
                    }
                }
            }
        }
        if edits.is_empty() {
            files.push(file.clone());
            continue;
        }
        let mut text = file.text.clone();
        for (start, end, replacement) in edits.iter().rev() {
            text.replace_range(*start..*end, replacement);
        }
        // A file kept as `funnel fmt` writes it stays so (comments aligned after points of
        // another width); any other is left as written, so the diff shows only points.
        if funnel_grammar::format(file).is_ok_and(|f| f == file.text) {
            let edited = SourceFile::new(file.name.clone(), text.clone());
            if let Ok(formatted) = funnel_grammar::format(&edited) {
                text = formatted;
            }
        }
        changed.push(ProposedFile {
            name: file.name.clone(),
            old: file.text.clone(),
            new: text.clone(),
        });
        files.push(SourceFile::new(file.name.clone(), text));
    }
    (files, changed)
}

fn sign(x: f64) -> &'static str {
    if x < 0.0 {
        "-"
    } else {
        "+"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_holds_out_the_share_asked_and_depends_only_on_the_seed() {
        let settings = SuggestOptions::default();
        let a = split(1000, &settings);
        assert_eq!(a.iter().filter(|h| **h).count(), 300);
        assert_eq!(a, split(1000, &settings));
        let other = SuggestOptions {
            seed: 2,
            ..settings
        };
        assert_ne!(a, split(1000, &other));
    }

    #[test]
    fn points_keep_the_largest_contribution_and_never_round_to_zero() {
        // A `when` rule of 10 points, a `per` rule of 2 points a unit up to 5 units (10 at
        // most), a rule that never varied.
        let old = [10.0, 2.0, 7.0];
        let largest = [1.0, 5.0, 0.0];
        // The `per` rule can add 5 * 1.0 = 5 log-odds, the `when` rule 0.01: the `per` rule
        // now adds the most, 10 points, at 2 a unit; the `when` rule keeps one point.
        let new = points(&old, &[Some(0.01), Some(1.0), None], &largest);
        assert_eq!(new, [1.0, 2.0, 7.0]);
        // The `when` rule, against conversion, now adds the most: -10.
        let new = points(&old, &[Some(-2.0), Some(0.36), None], &largest);
        assert_eq!(new, [-10.0, 2.0, 7.0]);
        assert_eq!(scaled_max(10.0, 2.0, 3.0), 15.0);
        assert_eq!(scaled_max(30.0, 1.0, -2.0), 60.0);
        assert_eq!(
            (number(15.0), number(2.5), number(1.0 / 3.0)),
            ("15".into(), "2.5".into(), "0.33".into())
        );
    }
}
