//! Prometheus metrics, kept by hand: a few counters and one latency histogram per route.

use super::decision_log::LogHealth;
use funnel_engine::LivePolicy;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds (`+Inf` follows).
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default, Clone)]
struct Histogram {
    /// Observations at or below each bound (not cumulative; summed when rendered).
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.buckets[i] += 1;
        }
        self.sum += seconds;
        self.count += 1;
    }
}

/// What the service counts.
#[derive(Default)]
pub struct Metrics {
    /// Requests by route and status.
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// Request latency by route.
    latency: Mutex<BTreeMap<String, Histogram>>,
    /// Decisions by stage.
    stages: Mutex<BTreeMap<String, u64>>,
    /// Records that could not be evaluated.
    eval_errors: AtomicU64,
}

impl Metrics {
    /// Counts one finished request.
    pub fn request(&self, route: &str, status: u16, took: Duration) {
        *self
            .requests
            .lock()
            .expect("lock")
            .entry((route.to_string(), status))
            .or_default() += 1;
        self.latency
            .lock()
            .expect("lock")
            .entry(route.to_string())
            .or_default()
            .observe(took.as_secs_f64());
    }

    /// Counts one request's evaluations: decisions per stage, and failed records.
    pub fn evaluations(&self, stages: &BTreeMap<String, u64>, errors: u64) {
        if !stages.is_empty() {
            let mut all = self.stages.lock().expect("lock");
            for (stage, n) in stages {
                *all.entry(stage.clone()).or_default() += n;
            }
        }
        self.eval_errors.fetch_add(errors, Ordering::Relaxed);
    }

    /// The Prometheus text exposition; the decision log's series when there is one.
    pub fn render(&self, live: &LivePolicy, log: Option<&LogHealth>) -> String {
        let mut out = String::new();
        let w = &mut out;

        help(
            w,
            "funnel_http_requests_total",
            "counter",
            "HTTP requests by route and status.",
        );
        for ((route, status), n) in self.requests.lock().expect("lock").iter() {
            let _ = writeln!(
                w,
                "funnel_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }

        help(
            w,
            "funnel_http_request_duration_seconds",
            "histogram",
            "HTTP request latency by route.",
        );
        for (route, h) in self.latency.lock().expect("lock").iter() {
            let route = escape(route);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let _ = writeln!(
                    w,
                    "funnel_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                w,
                "funnel_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                w,
                "funnel_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                w,
                "funnel_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }

        help(
            w,
            "funnel_evaluations_total",
            "counter",
            "Leads evaluated, by the stage reached.",
        );
        for (stage, n) in self.stages.lock().expect("lock").iter() {
            let _ = writeln!(
                w,
                "funnel_evaluations_total{{stage=\"{}\"}} {n}",
                escape(stage)
            );
        }

        help(
            w,
            "funnel_evaluation_errors_total",
            "counter",
            "Records that could not be evaluated (bad leads, malformed lines).",
        );
        let _ = writeln!(
            w,
            "funnel_evaluation_errors_total {}",
            self.eval_errors.load(Ordering::Relaxed)
        );

        let (reloads, failures) = live.reload_counts();
        help(
            w,
            "funnel_reloads_total",
            "counter",
            "Successful policy reloads.",
        );
        let _ = writeln!(w, "funnel_reloads_total {reloads}");
        help(
            w,
            "funnel_reload_failures_total",
            "counter",
            "Policy reloads that failed (the previous policy kept serving).",
        );
        let _ = writeln!(w, "funnel_reload_failures_total {failures}");

        if let Some(log) = log {
            help(
                w,
                "funnel_decision_log_lines_total",
                "counter",
                "Decisions written to the decision log.",
            );
            let _ = writeln!(
                w,
                "funnel_decision_log_lines_total {}",
                log.written.load(Ordering::Relaxed)
            );
            help(
                w,
                "funnel_decision_log_failed_lines_total",
                "counter",
                "Decisions that could not be written to the decision log.",
            );
            let _ = writeln!(
                w,
                "funnel_decision_log_failed_lines_total {}",
                log.failed.load(Ordering::Relaxed)
            );
            help(
                w,
                "funnel_decision_log_up",
                "gauge",
                "1 while the decision log's last write worked, 0 while writes fail.",
            );
            let up = u8::from(log.failing().is_none());
            let _ = writeln!(w, "funnel_decision_log_up {up}");
        }

        let policy = live.current();
        help(w, "funnel_policy_info", "gauge", "The policy being served.");
        let _ = writeln!(
            w,
            "funnel_policy_info{{name=\"{}\",version=\"{}\",digest=\"{}\"}} 1",
            escape(policy.name()),
            policy.version(),
            escape(policy.digest())
        );
        out
    }
}

fn help(w: &mut String, name: &str, kind: &str, text: &str) {
    let _ = writeln!(w, "# HELP {name} {text}");
    let _ = writeln!(w, "# TYPE {name} {kind}");
}

/// A label value: backslash, double quote and newline escaped.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_when_rendered() {
        let mut h = Histogram::default();
        h.observe(0.0001);
        h.observe(0.003);
        h.observe(100.0);
        assert_eq!(h.count, 3);
        assert_eq!(h.buckets[0], 1);
        assert_eq!(h.buckets[3], 1);
        assert_eq!(h.buckets.iter().sum::<u64>(), 2, "100 s falls in +Inf only");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
