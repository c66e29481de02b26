//! `funnel backtest --format html`: how well the policy predicts the outcome, at a glance.
//!
//! Every number comes from the [`Backtest`] the JSON format prints; each shown figure carries
//! its key and raw value (`data-figure`, `data-value`), as in the report page.

use super::chart::{self, Bars, Series, Target, PALETTE};
use super::page::{self, esc, figure_cell, key, Stamp};
use super::Locale;
use funnel_engine::backtest::{Backtest, Bucket, ScoreFit, Suggestion};
use std::fmt::Write as _;

/// The whole page for `b`, read from `input`, with the suggested points and their diff when
/// `--suggest` asked for them.
pub fn page(
    b: &Backtest,
    suggestion: Option<&(&Suggestion, String)>,
    input: &str,
    locale: Locale,
) -> String {
    let t = locale.texts();
    let stamp = Stamp {
        kind: t.backtest,
        policy: &b.policy,
        at: &b.at,
        input,
        evaluated: b.leads + b.unknown,
        failed: b.failed,
    };
    let page = Page { b, locale };
    let sections: Vec<(&str, &str, String)> = vec![
        ("ranking", t.ranking, page.ranking()),
        ("calibration", t.calibration, page.calibration()),
        ("grades", t.by_grade, page.grades()),
        ("stages", t.by_stage, page.stages()),
        (
            "suggestion",
            t.suggestion,
            suggestion
                .map(|(s, diff)| page.suggestion(s, diff))
                .unwrap_or_default(),
        ),
    ];
    page::page(locale, &stamp, &page.summary(), &sections)
}

struct Page<'b> {
    b: &'b Backtest,
    locale: Locale,
}

impl Page<'_> {
    /// The outcome, how many converted, and the warnings first: what a reader must know.
    fn summary(&self) -> String {
        let t = self.locale.texts();
        let b = self.b;
        let mut out = String::from("<section id=\"summary\">\n");
        let _ = writeln!(
            out,
            "<p>{} <code>{}</code>: {} {} {}, {} {} ({}).</p>",
            esc(t.outcome),
            esc(&b.outcome),
            page::figure("leads", Some(b.leads as f64), &self.locale.count(b.leads)),
            esc(t.leads_known),
            esc(t.of_which),
            page::figure(
                "converted",
                Some(b.converted as f64),
                &self.locale.count(b.converted)
            ),
            esc(t.converted),
            self.overall()
                .map(|c| self.locale.percent(c))
                .unwrap_or_default(),
        );
        if b.unknown > 0 {
            let _ = writeln!(
                out,
                "<p class=\"note\">{} {}</p>",
                page::figure(
                    "unknown",
                    Some(b.unknown as f64),
                    &self.locale.count(b.unknown)
                ),
                esc(t.unknown_left_out)
            );
        }
        if !b.warnings.is_empty() {
            let _ = writeln!(out, "<h3>{}</h3>\n<ul class=\"warnings\">", esc(t.warnings));
            for w in &b.warnings {
                let _ = writeln!(out, "<li>{}</li>", esc(w));
            }
            out += "</ul>\n";
        }
        out + "</section>\n"
    }

    fn overall(&self) -> Option<f64> {
        (self.b.leads > 0).then(|| self.b.converted as f64 / self.b.leads as f64)
    }

    /// Per score: AUC with its interval, and conversion by decile against the overall rate.
    fn ranking(&self) -> String {
        let t = self.locale.texts();
        if self.b.scores.is_empty() {
            return String::new();
        }
        let mut out = format!("<p class=\"help\">{}</p>\n", esc(t.auc_help));
        out += "<table>\n<thead><tr>";
        for h in [t.score, t.auc, t.interval] {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out += "</tr></thead>\n<tbody>\n";
        for s in &self.b.scores {
            let _ = write!(out, "<tr><td>{}</td>", esc(&s.score));
            out += &figure_cell(
                &key(&["auc", &s.score]),
                s.auc,
                &s.auc.map(|a| self.decimal(a)).unwrap_or_else(|| "-".into()),
                "",
                "",
            );
            let interval = match (s.auc_low, s.auc_high) {
                (Some(l), Some(h)) => format!("{} – {}", self.decimal(l), self.decimal(h)),
                _ => String::new(),
            };
            let _ = writeln!(out, "<td>{}</td></tr>", esc(&interval));
        }
        out += "</tbody></table>\n<div class=\"charts\">\n";
        for s in &self.b.scores {
            out += &self.deciles(s);
        }
        out + "</div>\n"
    }

    /// A score's points as people read them (`1,250`, `36.43`).
    fn number(&self, v: f64) -> String {
        funnel_engine::report::display_in(
            &funnel_engine::report::Unit::Number,
            v,
            self.locale.numbers(),
        )
    }

    /// An AUC or a lift to three decimals, in the locale's separator.
    fn decimal(&self, v: f64) -> String {
        format!("{v:.3}").replace('.', &self.locale.numbers().decimal.to_string())
    }

    fn deciles(&self, s: &ScoreFit) -> String {
        let t = self.locale.texts();
        let mut out = format!(
            "<figure><figcaption>{} <small>{}</small></figcaption>\n",
            esc(&s.score),
            esc(t.by_decile)
        );
        let categories: Vec<String> = s.deciles.iter().map(|d| d.decile.to_string()).collect();
        let values = s.deciles.iter().map(|d| Some(d.conversion)).collect();
        out += &self.conversion_chart(&categories, values, PALETTE[0]);
        out += "<div class=\"scroll\"><table class=\"compact\">\n<thead><tr>";
        for h in [
            t.decile,
            t.scores_from,
            t.leads,
            t.converted,
            t.conversion,
            t.lift,
        ] {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out += "</tr></thead>\n<tbody>\n";
        for d in &s.deciles {
            let k = |what: &str| key(&["decile", &s.score, &d.decile.to_string(), what]);
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{} – {}</td>",
                d.decile,
                self.number(d.min_score),
                self.number(d.max_score)
            );
            out += &self.count_cells(&k, d.leads, d.converted, Some(d.conversion));
            let lift = d.lift.map(|l| self.decimal(l)).unwrap_or_default();
            let _ = writeln!(out, "<td>{lift}</td></tr>");
        }
        out + "</tbody></table></div>\n</figure>\n"
    }

    /// Per score, conversion by band of points: it should rise band by band.
    fn calibration(&self) -> String {
        let t = self.locale.texts();
        if self.b.scores.iter().all(|s| s.bands.is_empty()) {
            return String::new();
        }
        let mut out = format!(
            "<p class=\"help\">{}</p>\n<div class=\"charts\">\n",
            esc(t.calibration_help)
        );
        for s in &self.b.scores {
            // Keyed by the band's first point as JSON writes it, shown as `0–10`.
            let buckets: Vec<Bucket> = s
                .bands
                .iter()
                .map(|b| Bucket {
                    name: b.from.to_string(),
                    leads: b.leads,
                    converted: b.converted,
                    conversion: b.conversion,
                })
                .collect();
            let width = s.bands.first().map_or(1.0, |b| b.to - b.from);
            let label = |from: &str| {
                let from: f64 = from.parse().unwrap_or(0.0);
                format!("{}–{}", self.number(from), self.number(from + width))
            };
            let what = format!("band|{}", s.score);
            out += &self.buckets(&what, &s.score, &buckets, t.band, &label);
        }
        out + "</div>\n"
    }

    /// The points `--suggest` proposes: each score's held-out AUC as written and as
    /// proposed, and the proposal as a diff of the policy files.
    fn suggestion(&self, s: &Suggestion, diff: &str) -> String {
        let t = self.locale.texts();
        let mut out = format!(
            "<p class=\"help\">{} {} {} / {} ({} {}).</p>\n",
            esc(t.suggestion_help),
            esc(t.fitted_on),
            self.locale.count(s.training),
            self.locale.count(s.held_out),
            esc(t.seed),
            s.seed
        );
        out += "<table>\n<thead><tr>";
        for h in [t.score, t.as_written, t.as_proposed] {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out += "</tr></thead>\n<tbody>\n";
        for score in &s.scores {
            let _ = write!(out, "<tr><td>{}</td>", esc(&score.score));
            for (what, v) in [("before", score.auc_before), ("after", score.auc_after)] {
                out += &figure_cell(
                    &key(&["suggested_auc", &score.score, what]),
                    v,
                    &v.map(|a| self.decimal(a)).unwrap_or_else(|| "-".into()),
                    "",
                    "",
                );
            }
            out += "</tr>\n";
        }
        out += "</tbody></table>\n";
        if diff.is_empty() {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(t.no_change));
        } else {
            let _ = writeln!(out, "<pre class=\"diff\">{}</pre>", esc(diff));
        }
        out
    }

    /// Conversion by each graded score's letter: is A really better than B?
    fn grades(&self) -> String {
        let t = self.locale.texts();
        let mut out = String::from("<div class=\"charts\">\n");
        for g in &self.b.grades {
            let what = format!("grade({})", g.score);
            out += &self.buckets(&what, &what, &g.letters, t.letter, &|n| n.to_string());
        }
        if self.b.grades.is_empty() {
            return String::new();
        }
        out + "</div>\n"
    }

    /// Conversion by stage, first to last.
    fn stages(&self) -> String {
        if self.b.stages.is_empty() {
            return String::new();
        }
        let t = self.locale.texts();
        format!(
            "<div class=\"charts\">\n{}</div>\n",
            self.buckets("stage", "stage", &self.b.stages, t.stage, &|n| n
                .to_string())
        )
    }

    /// Conversion per category as bars, with the overall conversion as the line to beat.
    fn conversion_chart(
        &self,
        categories: &[String],
        values: Vec<Option<f64>>,
        color: chart::Rgb,
    ) -> String {
        let t = self.locale.texts();
        let series = Series {
            name: t.conversion.to_string(),
            values,
            color,
        };
        let target = self.overall().map(|c| Target {
            value: c,
            name: format!("{} {}", t.overall, self.locale.percent(c)),
        });
        let percent = |v: f64| self.locale.percent(v);
        let series = std::slice::from_ref(&series);
        chart::legend(series, target.as_ref())
            + chart::bars(categories, series, Bars::Grouped, target.as_ref(), &percent).as_str()
    }

    /// The cells of a row's leads, converted and conversion, keyed by `key(what)`.
    fn count_cells(
        &self,
        key: &dyn Fn(&str) -> String,
        leads: u64,
        converted: u64,
        conversion: Option<f64>,
    ) -> String {
        let count = |n: u64| (Some(n as f64), self.locale.count(n));
        let share = (
            conversion,
            conversion
                .map(|c| self.locale.percent(c))
                .unwrap_or_default(),
        );
        [
            ("leads", count(leads)),
            ("converted", count(converted)),
            ("conversion", share),
        ]
        .iter()
        .map(|(what, (value, text))| figure_cell(&key(what), *value, text, "", ""))
        .collect()
    }

    /// A chart and a table of conversion per bucket (letter, stage, band), titled `title`,
    /// its figures keyed by `what` and each bucket's name, shown as `label` writes it.
    fn buckets(
        &self,
        what: &str,
        title: &str,
        buckets: &[Bucket],
        column: &str,
        label: &dyn Fn(&str) -> String,
    ) -> String {
        let t = self.locale.texts();
        let mut out = format!("<figure><figcaption>{}</figcaption>\n", esc(title));
        let categories: Vec<String> = buckets.iter().map(|b| label(&b.name)).collect();
        let values = buckets.iter().map(|b| b.conversion).collect();
        out += &self.conversion_chart(&categories, values, PALETTE[2]);
        out += "<table class=\"compact\">\n<thead><tr>";
        for h in [column, t.leads, t.converted, t.conversion] {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out += "</tr></thead>\n<tbody>\n";
        for b in buckets {
            let k = |x: &str| key(&[what, &b.name, x]);
            let _ = write!(out, "<tr><td>{}</td>", esc(&label(&b.name)));
            out += &self.count_cells(&k, b.leads, b.converted, b.conversion);
            out += "</tr>\n";
        }
        out + "</tbody></table>\n</figure>\n"
    }
}
