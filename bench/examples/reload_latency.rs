//! Save-to-served latency of `funnel serve`'s hot reload: from writing a policy file to the
//! first `GET /v1/policy` that shows that version (or a newer one).
//!
//! ```sh
//! cargo build --release -p funnel-cli
//! cargo run --release -p funnel-bench --example reload_latency [EDITS]
//! ```
//!
//! A copy of `policies/acme` is served (`--decision-log` in the policy's parent, as in the
//! report of issue 16), and one edit rewrites `policy.funnel` in place with a new version.
//! A poller asks `/v1/policy` about once a millisecond and notes when the served version
//! changes. Three scenarios, each EDITS edits (default 200):
//!
//! - `idle`: one edit, wait until it is served, a pause of 50-150 ms, the next;
//! - `under load`: the same while 4 connections post leads to `/v1/evaluate` back to back
//!   (each decision is appended to the decision log beside the policy directory);
//! - `rapid edits`: an edit every 20-100 ms without waiting, under the same load; each edit's
//!   latency runs until it, or a later edit, is served.
//!
//! The binary is `target/release/funnel`, or `FUNNEL_BIN`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One HTTP/1.1 exchange on a kept-alive connection: (status, body).
fn exchange(stream: &mut BufReader<TcpStream>, request: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
    stream.get_mut().write_all(request)?;
    let mut line = String::new();
    stream.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut length = 0usize;
    loop {
        line.clear();
        stream.read_line(&mut line)?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body)?;
    Ok((status, body))
}

fn connect(addr: &str) -> BufReader<TcpStream> {
    let stream = TcpStream::connect(addr).expect("connect to funnel serve");
    stream.set_nodelay(true).expect("TCP_NODELAY");
    BufReader::new(stream)
}

/// The version `/v1/policy` reports.
fn served_version(conn: &mut BufReader<TcpStream>) -> u64 {
    let (status, body) =
        exchange(conn, b"GET /v1/policy HTTP/1.1\r\nHost: bench\r\n\r\n").expect("GET /v1/policy");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let doc: serde_json::Value = serde_json::from_slice(&body).expect("JSON from /v1/policy");
    doc["version"].as_u64().expect("a version")
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `funnel serve` and returns it with its address.
fn serve(bin: &Path, policy: &Path, log: &Path) -> (Server, String) {
    let mut child = Command::new(bin)
        .arg("serve")
        .arg(policy)
        .args(["--addr", "127.0.0.1:0", "--decision-log"])
        .arg(log)
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start funnel serve");
    let stderr = child.stderr.take().expect("stderr");
    let server = Server(child);
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("funnel serve exited before listening")
            .expect("read stderr");
        if let Some((_, rest)) = line.split_once(" on http://") {
            break rest.trim().to_string();
        }
    };
    // Keep draining stderr, so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    (server, addr)
}

/// Copies a directory tree (the policy with its scripts and test leads).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a directory");
    for entry in std::fs::read_dir(from).expect("read a directory") {
        let path = entry.expect("an entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy a file");
        }
    }
}

/// A small deterministic generator: the benchmark's pauses are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn between(&mut self, low: u64, high: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        low + (self.0 >> 33) % (high - low + 1)
    }
}

/// p50, p99 and max, in milliseconds.
fn summary(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    (at(0.50), at(0.99), *ms.last().expect("at least one edit"))
}

struct Scenario<'a> {
    name: &'a str,
    load: bool,
    rapid: bool,
}

fn main() {
    let edits: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("EDITS is a number"))
        .unwrap_or(200);
    let root = funnel_bench::workspace_root();
    let bin = std::env::var_os("FUNNEL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/funnel"));
    if !bin.exists() {
        eprintln!(
            "{} not found: run `cargo build --release -p funnel-cli` first",
            bin.display()
        );
        std::process::exit(2);
    }
    let lead = std::fs::read_to_string(root.join("policies/acme/leads/leads.jsonl"))
        .expect("read the acme leads");
    let lead = lead.lines().next().expect("a lead").to_string();
    let evaluate = format!(
        "POST /v1/evaluate?at=2026-11-26T10:00:00-03:00 HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{lead}",
        lead.len()
    );

    let scenarios = [
        Scenario {
            name: "idle",
            load: false,
            rapid: false,
        },
        Scenario {
            name: "under load",
            load: true,
            rapid: false,
        },
        Scenario {
            name: "rapid edits",
            load: true,
            rapid: true,
        },
    ];
    println!(
        "funnel serve, save to served: {edits} edits a scenario ({})",
        bin.display()
    );
    println!("| scenario | p50 | p99 | max | requests/s |");
    println!("|---|---|---|---|---|");
    for scenario in scenarios {
        let tmp = std::env::temp_dir().join(format!("funnel-reload-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let policy = tmp.join("acme");
        std::fs::create_dir_all(&policy).expect("create the policy directory");
        copy_dir(&root.join("policies/acme"), &policy);
        let header = policy.join("policy.funnel");
        let text = std::fs::read_to_string(&header).expect("read policy.funnel");
        let (server, addr) = serve(&bin, &policy, &tmp.join("decisions.jsonl"));

        // The poller: every change of the served version, with when it was seen.
        let stop = Arc::new(AtomicBool::new(false));
        let changes: Arc<Mutex<Vec<(Instant, u64)>>> = Arc::new(Mutex::new(Vec::new()));
        let poller = {
            let (stop, changes, addr) = (stop.clone(), changes.clone(), addr.clone());
            std::thread::spawn(move || {
                let mut conn = connect(&addr);
                let mut last = 0;
                while !stop.load(Ordering::Relaxed) {
                    let v = served_version(&mut conn);
                    if v != last {
                        changes.lock().expect("lock").push((Instant::now(), v));
                        last = v;
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
        };
        let requests = Arc::new(AtomicU64::new(0));
        let clients: Vec<_> = (0..if scenario.load { 4 } else { 0 })
            .map(|_| {
                let (stop, requests, addr, evaluate) = (
                    stop.clone(),
                    requests.clone(),
                    addr.clone(),
                    evaluate.clone(),
                );
                std::thread::spawn(move || {
                    let mut conn = connect(&addr);
                    while !stop.load(Ordering::Relaxed) {
                        let (status, body) =
                            exchange(&mut conn, evaluate.as_bytes()).expect("POST /v1/evaluate");
                        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
                        requests.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();

        let mut rng = Lcg(16);
        let mut saved: Vec<(Instant, u64)> = Vec::new();
        let began = Instant::now();
        for i in 0..edits {
            let version = 1000 + i;
            let edited = text.replacen("version 3", &format!("version {version}"), 1);
            let at = Instant::now();
            std::fs::write(&header, edited).expect("write policy.funnel");
            saved.push((at, version));
            if scenario.rapid {
                std::thread::sleep(Duration::from_millis(rng.between(20, 100)));
                continue;
            }
            while changes.lock().expect("lock").last().map(|c| c.1) != Some(version) {
                assert!(
                    at.elapsed() < Duration::from_secs(30),
                    "version {version} not served in 30 s"
                );
                std::thread::sleep(Duration::from_micros(500));
            }
            std::thread::sleep(Duration::from_millis(rng.between(50, 150)));
        }
        let last = 1000 + edits - 1;
        let wait = Instant::now();
        while changes.lock().expect("lock").last().map(|c| c.1) != Some(last) {
            assert!(
                wait.elapsed() < Duration::from_secs(30),
                "the last edit was not served in 30 s"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        let elapsed = began.elapsed();
        stop.store(true, Ordering::Relaxed);
        poller.join().expect("the poller");
        for c in clients {
            c.join().expect("a client");
        }
        let changes = changes.lock().expect("lock");
        let latencies: Vec<f64> = saved
            .iter()
            .map(|(at, version)| {
                let (seen, _) = changes
                    .iter()
                    .find(|(seen, v)| v >= version && seen >= at)
                    .expect("every edit is served, or a later one");
                seen.duration_since(*at).as_secs_f64() * 1000.0
            })
            .collect();
        let (p50, p99, max) = summary(latencies);
        let rate = requests.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64();
        println!(
            "| {} | {p50:.0} ms | {p99:.0} ms | {max:.0} ms | {} |",
            scenario.name,
            if scenario.load {
                format!("{rate:.0}")
            } else {
                "-".to_string()
            }
        );
        drop(server);
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
