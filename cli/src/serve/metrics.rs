//! Prometheus metrics through `prometheus-client`: counters and one latency histogram per
//! route that the service keeps, and the live policy's and decision log's figures read at
//! each scrape.
//!
//! The exposition is OpenMetrics text: a counter's family is named without `_total` (its
//! samples keep it), the policy is an `info` metric, and the text ends with `# EOF`.

use super::decision_log::LogHealth;
use funnel_engine::LivePolicy;
use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds (`+Inf` follows).
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A label value written escaped: the crate writes label values as they are, and a policy's
/// name may hold a quote or a backslash.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct Escaped(String);

impl EncodeLabelValue for Escaped {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(&escape(&self.0))
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteStatus {
    route: Escaped,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: Escaped,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Stage {
    stage: Escaped,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PolicyLabels {
    name: Escaped,
    version: String,
    digest: Escaped,
}

/// What the service counts.
pub struct Metrics {
    /// The metrics below, registered with their names and help texts.
    registry: Registry,
    requests: Family<RouteStatus, Counter>,
    latency: Family<Route, Histogram>,
    stages: Family<Stage, Counter>,
    eval_errors: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RouteStatus, Counter>::default();
        let latency = Family::<Route, Histogram>::new_with_constructor(latency_histogram as _);
        let stages = Family::<Stage, Counter>::default();
        let eval_errors = Counter::default();
        // The registry adds the full stop to each help text.
        let mut registry = Registry::default();
        registry.register(
            "funnel_http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "funnel_http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "funnel_evaluations",
            "Leads evaluated, by the stage reached",
            stages.clone(),
        );
        registry.register(
            "funnel_evaluation_errors",
            "Records that could not be evaluated (bad leads, malformed lines)",
            eval_errors.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            stages,
            eval_errors,
        }
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

impl Metrics {
    /// Counts one finished request.
    pub fn request(&self, route: &str, status: u16, took: Duration) {
        let route = Escaped(route.to_string());
        self.requests
            .get_or_create(&RouteStatus {
                route: route.clone(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&Route { route })
            .observe(took.as_secs_f64());
    }

    /// Counts one request's evaluations: decisions per stage, and failed records.
    pub fn evaluations(&self, stages: &BTreeMap<String, u64>, errors: u64) {
        for (stage, n) in stages {
            self.stages
                .get_or_create(&Stage {
                    stage: Escaped(stage.clone()),
                })
                .inc_by(*n);
        }
        self.eval_errors.inc_by(errors);
    }

    /// The exposition; the decision log's series when there is one.
    pub fn render(&self, live: &LivePolicy, log: Option<&LogHealth>) -> String {
        let (reloads, failures) = live.reload_counts();
        let policy = live.current();
        let labels = PolicyLabels {
            name: Escaped(policy.name().to_string()),
            version: policy.version().to_string(),
            digest: Escaped(policy.digest().to_string()),
        };
        let scraped = scraped(reloads, failures, log, labels);
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode_registry(&mut out, &self.registry)
            .and_then(|()| encode_registry(&mut out, &scraped))
            .and_then(|()| encode_eof(&mut out));
        out
    }
}

/// The figures kept elsewhere (the live policy, the decision log), read at each scrape.
fn scraped(reloads: u64, failures: u64, log: Option<&LogHealth>, policy: PolicyLabels) -> Registry {
    let mut r = Registry::default();
    r.register(
        "funnel_reloads",
        "Successful policy reloads",
        ConstCounter::new(reloads),
    );
    r.register(
        "funnel_reload_failures",
        "Policy reloads that failed (the previous policy kept serving)",
        ConstCounter::new(failures),
    );
    if let Some(log) = log {
        r.register(
            "funnel_decision_log_lines",
            "Decisions written to the decision log",
            ConstCounter::new(log.written.load(Ordering::Relaxed)),
        );
        r.register(
            "funnel_decision_log_failed_lines",
            "Decisions that could not be written to the decision log",
            ConstCounter::new(log.failed.load(Ordering::Relaxed)),
        );
        r.register(
            "funnel_decision_log_up",
            "1 while the decision log's last write worked, 0 while writes fail",
            ConstGauge::new(i64::from(log.failing().is_none())),
        );
    }
    r.register(
        "funnel_policy",
        "The policy being served",
        Info::new(policy),
    );
    r
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

    fn text(m: &Metrics, scraped: &Registry) -> String {
        let mut out = String::new();
        encode_registry(&mut out, &m.registry).unwrap();
        encode_registry(&mut out, scraped).unwrap();
        out
    }

    #[test]
    fn series_keep_their_names_labels_and_help() {
        let m = Metrics::default();
        m.request("/v1/evaluate", 200, Duration::from_micros(100));
        m.request("/v1/evaluate", 200, Duration::from_millis(3));
        m.request("/v1/evaluate", 200, Duration::from_secs(100));
        m.evaluations(&BTreeMap::from([("mql".to_string(), 2)]), 1);
        let policy = PolicyLabels {
            name: Escaped("acme".into()),
            version: "3".into(),
            digest: Escaped("sha256:00".into()),
        };
        let t = text(&m, &scraped(2, 1, None, policy));
        for line in [
            "# HELP funnel_http_requests HTTP requests by route and status.",
            "funnel_http_requests_total{route=\"/v1/evaluate\",status=\"200\"} 3",
            "# TYPE funnel_http_request_duration_seconds histogram",
            "funnel_http_request_duration_seconds_bucket{le=\"0.0005\",route=\"/v1/evaluate\"} 1",
            "funnel_http_request_duration_seconds_bucket{le=\"0.005\",route=\"/v1/evaluate\"} 2",
            "funnel_http_request_duration_seconds_bucket{le=\"10.0\",route=\"/v1/evaluate\"} 2",
            "funnel_http_request_duration_seconds_bucket{le=\"+Inf\",route=\"/v1/evaluate\"} 3",
            "funnel_http_request_duration_seconds_count{route=\"/v1/evaluate\"} 3",
            "funnel_evaluations_total{stage=\"mql\"} 2",
            "funnel_evaluation_errors_total 1",
            "funnel_reloads_total 2",
            "# HELP funnel_reload_failures Policy reloads that failed (the previous policy kept serving).",
            "funnel_reload_failures_total 1",
            "funnel_policy_info{name=\"acme\",version=\"3\",digest=\"sha256:00\"} 1",
        ] {
            assert!(t.lines().any(|l| l == line), "no {line:?} in\n{t}");
        }
        assert!(!t.contains("decision_log"), "{t}");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        let m = Metrics::default();
        let policy = PolicyLabels {
            name: Escaped("a\"b".into()),
            version: "1".into(),
            digest: Escaped("d".into()),
        };
        let t = text(&m, &scraped(0, 0, None, policy));
        assert!(
            t.contains("funnel_policy_info{name=\"a\\\"b\",version=\"1\""),
            "{t}"
        );
    }
}
