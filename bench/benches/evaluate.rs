//! In-process benchmarks of the lead-scoring-v1 workload, each group with the hand-written
//! baseline beside Funnel:
//!
//! - `evaluate`: 10,000 leads already decoded (hand-written, Funnel, Rhai);
//! - `decode_evaluate`: the same leads from their JSON lines (decode, then evaluate), and
//!   from a record batch (`funnel_arrow`: decoded a column at a time, then evaluated);
//! - `arrow_batch`: leads in, decisions out, on one core: JSON lines to JSON decisions beside
//!   a record batch to a batch of decisions (`funnel_engine::arrow::evaluate`);
//! - `compile`: parse, check and lower a policy from texts already in memory (the workload,
//!   policies/acme, a generated 1,000-rule policy), beside compiling the hand-written
//!   program's regex and the Rhai script;
//! - `reload`: from writing a policy file to the new version being served by a
//!   `LivePolicy` with the default `WatchOptions` (the ones `funnel watch` and `funnel serve`
//!   use: 150 ms debounce).

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use funnel_bench::data::{leads_batch, leads_file, read_lines, workspace_root};
use funnel_bench::funnel::{at, workload_policy};
use funnel_bench::handwritten::{self, score};
use funnel_bench::rhai::{to_rhai, RhaiScorer};
use funnel_bench::{funnel_eval_one, generated_policy, POLICY_DIR};
use funnel_engine::arrow::LeadColumns;
use funnel_engine::batch::BatchOptions;
use funnel_engine::{EvalOptions, LivePolicy, Policy, PolicyDir, WatchOptions};
use funnel_grammar::SourceFile;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Leads per iteration of the per-lead groups.
const LEADS: usize = 10_000;

/// The JSON lines of the benchmark's leads, or `None` (with a notice) without the workload.
fn lines() -> Option<Vec<String>> {
    let path = leads_file(LEADS)?;
    Some(read_lines(&path))
}

fn evaluate(c: &mut Criterion) {
    let Some(lines) = lines() else { return };
    let policy = workload_policy().expect("the workload policy compiles");
    let at = at();
    let options = EvalOptions::default();
    let hand: Vec<handwritten::Lead> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("a lead"))
        .collect();
    let decoded: Vec<funnel_engine::Lead> = lines
        .iter()
        .map(|l| policy.decode_json(l.as_bytes(), &options).expect("a lead"))
        .collect();
    let scorer = RhaiScorer::new().expect("the script compiles");
    let maps: Vec<rhai::Dynamic> = hand.iter().map(to_rhai).collect();

    let mut g = c.benchmark_group("evaluate");
    g.throughput(Throughput::Elements(LEADS as u64));
    g.bench_function("handwritten", |b| {
        b.iter(|| {
            for lead in &hand {
                black_box(score(black_box(lead)));
            }
        })
    });
    let mut evaluator = policy.evaluator(options);
    g.bench_function("funnel", |b| {
        b.iter(|| {
            for lead in &decoded {
                black_box(funnel_eval_one(&mut evaluator, black_box(lead), at));
            }
        })
    });
    g.bench_function("rhai", |b| {
        b.iter(|| {
            for lead in &maps {
                black_box(scorer.score(black_box(lead)).expect("the script runs"));
            }
        })
    });
    g.finish();
}

fn decode_evaluate(c: &mut Criterion) {
    let Some(lines) = lines() else { return };
    let policy = workload_policy().expect("the workload policy compiles");
    let at = at();
    let options = EvalOptions::default();

    let mut g = c.benchmark_group("decode_evaluate");
    g.throughput(Throughput::Elements(LEADS as u64));
    g.bench_function("handwritten", |b| {
        b.iter(|| {
            for line in &lines {
                let lead: handwritten::Lead = serde_json::from_str(line).expect("a lead");
                black_box(score(&lead));
            }
        })
    });
    let mut evaluator = policy.evaluator(options);
    g.bench_function("funnel", |b| {
        b.iter(|| {
            for line in &lines {
                let lead = policy
                    .decode_json(line.as_bytes(), &options)
                    .expect("a lead");
                black_box(funnel_eval_one(&mut evaluator, &lead, at));
            }
        })
    });
    // The same leads as a record batch, decoded a column at a time.
    let batch = leads_batch(LEADS).expect("the leads as a batch");
    let columns = LeadColumns::new(&policy, batch.schema_ref(), false).expect("the columns fit");
    g.bench_function("funnel_arrow", |b| {
        b.iter(|| {
            for lead in columns.decode(&policy, black_box(&batch), 1) {
                black_box(funnel_eval_one(&mut evaluator, &lead.expect("a lead"), at));
            }
        })
    });
    g.finish();
}

/// Leads in, decisions out, on one core: JSON lines to JSON decisions (`write_json`, what
/// `funnel eval` writes) beside a record batch to a batch of decisions
/// (`funnel_engine::arrow::evaluate`, what Python and Spark call).
fn arrow_batch(c: &mut Criterion) {
    let Some(lines) = lines() else { return };
    let policy = workload_policy().expect("the workload policy compiles");
    let options = EvalOptions::default();
    let batch = leads_batch(LEADS).expect("the leads as a batch");
    let batch_options = BatchOptions {
        at: at(),
        eval: options,
        jobs: 1,
        chunk: funnel_engine::batch::CHUNK,
    };
    let mut g = c.benchmark_group("arrow_batch");
    g.throughput(Throughput::Elements(LEADS as u64));
    let mut evaluator = policy.evaluator(options);
    let mut out = Vec::with_capacity(LEADS * 400);
    g.bench_function("json_lines_to_json", |b| {
        b.iter(|| {
            out.clear();
            for line in &lines {
                let lead = policy
                    .decode_json(line.as_bytes(), &options)
                    .expect("a lead");
                let e = evaluator
                    .evaluate(&lead, batch_options.at, None)
                    .expect("evaluates");
                e.write_json(&mut out);
                out.push(b'\n');
            }
            black_box(out.len())
        })
    });
    g.bench_function("batch_to_batch", |b| {
        b.iter(|| {
            let out = funnel_engine::arrow::evaluate(&policy, black_box(&batch), &batch_options)
                .expect("the batch evaluates");
            assert_eq!(out.decisions.num_rows(), LEADS);
            black_box(out)
        })
    });
    g.finish();
}

/// The files of a policy directory (relative to the workspace root), read now, so that
/// only compiling is timed.
fn read_policy(dir: &str) -> Vec<Arc<SourceFile>> {
    let sets = PolicyDir::discover(&[workspace_root().join(dir)]).expect("a policy directory");
    sets[0].read().expect("readable policy files")
}

fn compile(c: &mut Criterion) {
    let workload = read_policy(POLICY_DIR);
    let acme = read_policy("policies/acme");
    let generated = vec![SourceFile::new(
        "generated/policy.funnel",
        generated_policy(1000),
    )];
    let scorer = RhaiScorer::new().expect("the script compiles");

    let mut g = c.benchmark_group("compile");
    g.bench_function("handwritten_regex", |b| {
        b.iter(|| regex::Regex::new(black_box(handwritten::SENIOR_ROLE_PATTERN)).unwrap())
    });
    g.bench_function("rhai_script", |b| {
        b.iter(|| scorer.compile_only().expect("the script compiles"))
    });
    for (name, files) in [
        ("funnel_lead_scoring_v1", &workload),
        ("funnel_acme", &acme),
        ("funnel_generated_1000_rules", &generated),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| Policy::from_sources(black_box(files.clone())).expect("it compiles"))
        });
    }
    g.finish();
}

fn reload(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let policy_dir = dir.path().join("lead-scoring-v1");
    std::fs::create_dir(&policy_dir).expect("create the policy directory");
    for f in read_policy(POLICY_DIR) {
        let name = std::path::Path::new(&f.name)
            .file_name()
            .expect("a file name");
        std::fs::write(policy_dir.join(name), &f.text).expect("copy the policy");
    }
    let header = policy_dir.join("policy.funnel");
    let text = std::fs::read_to_string(&header).expect("read the header file");
    assert!(text.contains("version 1\n"), "the header says `version 1`");
    let options = WatchOptions::default();
    println!(
        "reload: LivePolicy with WatchOptions::default() (debounce {:?}, as `funnel watch` and `funnel serve` use)",
        options.debounce
    );
    let live = LivePolicy::watch(&policy_dir, options).expect("the policy compiles");
    let mut version = live.current().version();

    let mut g = c.benchmark_group("reload");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    g.bench_function("funnel_live_policy", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                version += 1;
                let edited = text.replace("version 1\n", &format!("version {version}\n"));
                let start = Instant::now();
                std::fs::write(&header, edited).expect("write the header file");
                while live.current().version() != version {
                    assert!(
                        start.elapsed() < Duration::from_secs(30),
                        "version {version} was not served within 30 s"
                    );
                    std::thread::sleep(Duration::from_micros(200));
                }
                total += start.elapsed();
            }
            total
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    evaluate,
    decode_evaluate,
    arrow_batch,
    compile,
    reload
);
criterion_main!(benches);
