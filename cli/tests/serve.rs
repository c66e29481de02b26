//! `funnel serve` end to end on loopback: the binary on a free port, a copy of the acme
//! policy in a temporary directory, and plain HTTP/1.1 over a `TcpStream`.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const AT: &str = "2026-11-26T10:00:00-03:00";
/// How long anything may take before a test gives up (generous: CI machines are slow).
const PATIENCE: Duration = Duration::from_secs(30);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A copy of policies/acme (its tests' lead files included) in a temporary directory.
fn acme_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    funnel_tests::copy_dir(&repo().join("policies/acme"), dir.path());
    dir
}

fn lead_text(name: &str) -> String {
    std::fs::read_to_string(repo().join("policies/acme/leads").join(name)).unwrap()
}

/// The first `n` leads of leads.jsonl.
fn jsonl_leads(n: usize) -> Vec<Value> {
    lead_text("leads.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A running server; killed when dropped, even when the test panics.
struct Server {
    child: Child,
    addr: String,
    stderr: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Server {
    fn start(policy: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_funnel"))
            .arg("serve")
            .arg(policy)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            addr: String::new(),
            stderr: rx,
            seen: Vec::new(),
        };
        let line = server.wait_for_line("serving ");
        let addr = line
            .split("on http://")
            .nth(1)
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        server.addr = addr.trim().to_string();
        assert!(
            line.starts_with("serving acme-inbound v3 (sha256:"),
            "{line}"
        );
        server
    }

    /// Reads stderr until a line contains `needle`; fails after a generous timeout.
    fn wait_for_line(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("`{needle}` not printed; got:\n{}", self.seen.join("\n")),
            }
        }
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        request(&self.addr, method, path, headers, body)
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], b"")
    }

    fn post(&self, path: &str, body: &[u8]) -> Reply {
        self.request("POST", path, &[("Content-Type", "application/json")], body)
    }

    /// Polls `GET path` until `done` holds for its JSON; fails after a generous timeout.
    fn poll_json(&self, path: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let reply = self.get(path);
            let json = reply.json();
            if done(&json) {
                return json;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: never happened; last {json}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits (bounded) for the exit; returns whether it exited 0.
    fn wait_exit(&mut self) -> bool {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            assert!(Instant::now() < deadline, "the server did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`), read to the end.
fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && *v == "chunked");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !chunked {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if chunked {
        for chunk in body.chunks(1024) {
            out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            out.extend_from_slice(chunk);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(body);
    }
    stream.write_all(&out).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse_reply(&raw)
}

fn parse_reply(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let is_chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if is_chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body: String::from_utf8(body).unwrap(),
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = std::str::from_utf8(&raw[..eol])
            .unwrap()
            .split(';')
            .next()
            .unwrap();
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[eol + 2..eol + 2 + size]);
        raw = &raw[eol + 2 + size + 2..];
    }
}

/// Waits (bounded) until the server has read everything sent on `stream` so far: its side
/// of the connection has nothing left in its receive queue (Linux's /proc/net/tcp). Then the
/// connection has been accepted and the request is in flight, not waiting in the backlog.
fn wait_until_read(stream: &TcpStream) {
    let ours = stream.local_addr().unwrap().port();
    let theirs = stream.peer_addr().unwrap().port();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let Ok(table) = std::fs::read_to_string("/proc/net/tcp") else {
            return;
        };
        // Columns: sl local_address rem_address st tx_queue:rx_queue ...
        let unread = table.lines().skip(1).find_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let port = |addr: &str| u16::from_str_radix(addr.rsplit(':').next()?, 16).ok();
            if port(cols.get(1)?)? == theirs && port(cols.get(2)?)? == ours {
                let rx = cols.get(4)?.split(':').nth(1)?;
                u64::from_str_radix(rx, 16).ok()
            } else {
                None
            }
        });
        if unread == Some(0) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the server never read the request ({unread:?} bytes unread)"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Starts `POST /v1/evaluate` with `body`'s length declared and only its first half sent;
/// returns the connection and the half not sent.
fn half_sent<'b>(server: &Server, body: &'b str) -> (TcpStream, &'b [u8]) {
    let (first, second) = body.as_bytes().split_at(body.len() / 2);
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        evaluate_path(""),
        server.addr,
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(first).unwrap();
    (stream, second)
}

fn evaluate_path(extra: &str) -> String {
    format!("/v1/evaluate?at={}{extra}", AT.replace('+', "%2B"))
}

#[test]
fn evaluates_one_lead_a_batch_and_jsonl() {
    let dir = acme_copy();
    let server = Server::start(dir.path(), &[]);

    // One lead: the decision itself.
    let reply = server.post(
        &evaluate_path(""),
        lead_text("enterprise_demo.json").as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let d = reply.json();
    assert_eq!(d["stage"], "opportunity", "{d}");
    assert_eq!(d["lead"], "t-enterprise");
    assert_eq!(d["at"], AT);
    assert_eq!(d["policy"]["name"], "acme-inbound");
    assert_eq!(d["policy"]["version"], 3);
    assert!(d["policy"]["digest"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    assert!(d.get("explain").is_none(), "no explain unless asked");

    // explain=true attaches the steps.
    let reply = server.post(
        &evaluate_path("&explain=true"),
        lead_text("enterprise_demo.json").as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let steps = reply.json()["explain"].clone();
    assert!(steps.as_array().is_some_and(|s| !s.is_empty()), "{steps}");

    // A batch as a JSON array: three leads and a bad one, answered inline.
    let mut batch = jsonl_leads(3);
    let mut bad = batch[0].clone();
    bad["id"] = "L-bad".into();
    bad["company_size"] = "big".into();
    batch.push(bad);
    let reply = server.post(
        &evaluate_path(""),
        serde_json::to_string(&batch).unwrap().as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let decisions = reply.json()["decisions"].as_array().unwrap().clone();
    assert_eq!(decisions.len(), 4);
    for (d, lead) in decisions.iter().zip(&batch).take(3) {
        assert_eq!(d["lead"], lead["id"], "{d}");
        assert!(d["stage"].is_string(), "{d}");
    }
    let error = &decisions[3]["error"];
    assert_eq!(error["code"], "bad_lead", "{error}");
    assert_eq!(error["record"], 4, "{error}");
    assert_eq!(error["field"], "company_size", "{error}");
    assert_eq!(error["expected"], "int", "{error}");

    // The same three as JSONL, declared by content type, then detected without one.
    let jsonl: String = jsonl_leads(3).iter().map(|l| format!("{l}\n")).collect();
    let by_type = server.request(
        "POST",
        &evaluate_path(""),
        &[("Content-Type", "application/x-ndjson")],
        jsonl.as_bytes(),
    );
    assert_eq!(by_type.status, 200, "{}", by_type.body);
    let detected = server.post(&evaluate_path(""), jsonl.as_bytes());
    assert_eq!(detected.status, 200, "{}", detected.body);
    assert_eq!(by_type.json(), detected.json());
    let from_jsonl = by_type.json()["decisions"].as_array().unwrap().clone();
    assert_eq!(from_jsonl[..], decisions[..3]);

    // A JSONL line that is not JSON is that record's error; the others are decided.
    let broken = format!("{jsonl}{{\"id\": \n");
    let reply = server.request(
        "POST",
        &evaluate_path(""),
        &[("Content-Type", "application/x-ndjson")],
        broken.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let decisions = reply.json()["decisions"].as_array().unwrap().clone();
    assert_eq!(decisions.len(), 4);
    assert_eq!(decisions[3]["error"]["code"], "malformed");
    assert_eq!(decisions[3]["error"]["record"], 4);

    // Health, metrics after all that, unknown routes and methods.
    let health = server.get("/healthz");
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    let metrics = server.get("/metrics");
    assert_eq!(metrics.status, 200);
    assert!(metrics
        .header("content-type")
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let text = metrics.body;
    let value = |series: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(series).and_then(|v| v.strip_prefix(' ')))
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
            .parse()
            .unwrap()
    };
    assert!(value("funnel_http_requests_total{route=\"/v1/evaluate\",status=\"200\"}") >= 6.0);
    assert!(value("funnel_http_request_duration_seconds_count{route=\"/v1/evaluate\"}") >= 6.0);
    assert!(
        value("funnel_http_request_duration_seconds_bucket{le=\"+Inf\",route=\"/v1/evaluate\"}")
            >= 6.0
    );
    assert!(value("funnel_http_request_duration_seconds_sum{route=\"/v1/evaluate\"}") > 0.0);
    assert!(value("funnel_evaluations_total{stage=\"opportunity\"}") >= 2.0);
    assert_eq!(value("funnel_evaluation_errors_total"), 2.0);
    assert_eq!(value("funnel_reloads_total"), 0.0);
    assert_eq!(value("funnel_reload_failures_total"), 0.0);
    assert!(
        text.contains("funnel_policy_info{name=\"acme-inbound\",version=\"3\",digest=\"sha256:")
    );
    assert!(text.contains("# TYPE funnel_http_request_duration_seconds histogram"));

    let missing = server.get("/v2/evaluate");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "not_found");
    let wrong = server.get("/v1/evaluate");
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.json()["error"]["code"], "method_not_allowed");
}

#[test]
fn errors_are_json_with_a_code() {
    let dir = acme_copy();
    let server = Server::start(dir.path(), &["--max-body", "4096"]);

    // A lead that does not fit the schema: 400 with the field path.
    let mut lead: Value = serde_json::from_str(&lead_text("enterprise_demo.json")).unwrap();
    lead["events"][2]["at"] = "yesterday".into();
    let reply = server.post(&evaluate_path(""), lead.to_string().as_bytes());
    assert_eq!(reply.status, 400, "{}", reply.body);
    let error = &reply.json()["error"];
    assert_eq!(error["code"], "bad_lead", "{error}");
    assert_eq!(error["field"], "events[2].at", "{error}");
    assert!(
        error["expected"].as_str().unwrap().starts_with("datetime"),
        "{error}"
    );
    assert!(
        error["found"].as_str().unwrap().contains("yesterday"),
        "{error}"
    );
    assert!(error["message"].is_string(), "{error}");

    // A document that is not JSON: 422.
    for body in [&b"{\"id\": "[..], b"[{}, ", b"", b"{} {}"] {
        let reply = server.post(&evaluate_path(""), body);
        assert_eq!(reply.status, 422, "{}", reply.body);
        assert_eq!(reply.json()["error"]["code"], "malformed");
    }

    // Too large, whether the length is declared or the body is chunked: 413.
    let big = format!("[{}]", vec![lead.to_string(); 8].join(","));
    assert!(big.len() > 4096);
    let reply = server.post(&evaluate_path(""), big.as_bytes());
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(reply.json()["error"]["code"], "too_large");
    let reply = server.request(
        "POST",
        &evaluate_path(""),
        &[
            ("Content-Type", "application/json"),
            ("Transfer-Encoding", "chunked"),
        ],
        big.as_bytes(),
    );
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(reply.json()["error"]["code"], "too_large");

    // Bad query parameters: 400.
    let reply = server.post("/v1/evaluate?at=yesterday", b"{}");
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.json()["error"]["code"], "bad_request");
    let reply = server.post("/v1/evaluate?explain=maybe", b"{}");
    assert_eq!(reply.status, 400, "{}", reply.body);

    // The server is still fine after all of it.
    let reply = server.post(
        &evaluate_path(""),
        lead_text("enterprise_demo.json").as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn a_body_that_does_not_arrive_in_time_is_408_and_a_whole_one_is_answered() {
    let dir = acme_copy();
    let server = Server::start(dir.path(), &["--timeout", "1"]);
    let lead = lead_text("enterprise_demo.json");
    let reply = server.post(&evaluate_path(""), lead.as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.body);

    // Half the body, then nothing: the client is too slow, not the server.
    let (mut stream, _) = half_sent(&server, &lead);
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let reply = parse_reply(&raw);
    assert_eq!(reply.status, 408, "{}", reply.body);
    let error = &reply.json()["error"];
    assert_eq!(error["code"], "body_timeout", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("within 1 s"),
        "{error}"
    );
}

#[test]
fn policy_endpoint_follows_reloads_and_keeps_serving_after_a_broken_edit() {
    let dir = acme_copy();
    let mut server = Server::start(dir.path(), &[]);
    let policy_file = dir.path().join("policy.funnel");
    let text = std::fs::read_to_string(&policy_file).unwrap();
    assert!(text.contains("\"acme-inbound\" version 3"));

    let info = server.get("/v1/policy").json();
    assert_eq!(info["name"], "acme-inbound");
    assert_eq!(info["version"], 3);
    let digest = info["digest"].as_str().unwrap().to_string();
    assert!(digest.starts_with("sha256:"));
    assert!(chrono::DateTime::parse_from_rfc3339(info["loaded_at"].as_str().unwrap()).is_ok());
    assert!(info["last_reload_error"].is_null());
    assert_eq!(info["reloads"], 0);
    assert_eq!(info["reload_failures"], 0);

    // An edit is served.
    std::fs::write(&policy_file, text.replace("version 3", "version 4")).unwrap();
    let info = server.poll_json("/v1/policy", "reload to v4", |j| j["version"] == 4);
    assert_ne!(info["digest"], digest.as_str());
    assert_eq!(info["reloads"], 1);
    server.wait_for_line("reloaded acme-inbound v4 (sha256:");
    let d = server
        .post(
            &evaluate_path(""),
            lead_text("enterprise_demo.json").as_bytes(),
        )
        .json();
    assert_eq!(d["policy"]["version"], 4);

    // A broken edit: v4 keeps serving, and the diagnostics are on /v1/policy.
    std::fs::write(
        &policy_file,
        text.replace("version 3", "version 5")
            .replace("policy \"", "polcy \""),
    )
    .unwrap();
    let info = server.poll_json("/v1/policy", "a failed reload", |j| {
        !j["last_reload_error"].is_null()
    });
    assert_eq!(info["version"], 4);
    assert_eq!(info["reload_failures"], 1);
    let failure = &info["last_reload_error"];
    let diagnostics = failure["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty(), "{failure}");
    assert!(diagnostics[0]["code"]
        .as_str()
        .unwrap()
        .starts_with("funnel::"));
    assert_eq!(
        diagnostics[0]["file"]
            .as_str()
            .map(|f| f.ends_with("policy.funnel")),
        Some(true)
    );
    assert!(failure["rendered"]
        .as_str()
        .unwrap()
        .contains("policy.funnel"));
    assert!(failure["at"].is_string());
    server.wait_for_line("reload failed: ");
    let reply = server.post(
        &evaluate_path(""),
        lead_text("enterprise_demo.json").as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["policy"]["version"], 4);

    // Fixed: reloads resume and the error is cleared.
    std::fs::write(&policy_file, text.replace("version 3", "version 5")).unwrap();
    let info = server.poll_json("/v1/policy", "reload to v5", |j| j["version"] == 5);
    assert!(info["last_reload_error"].is_null(), "{info}");
    let metrics = server.get("/metrics").body;
    assert!(metrics.contains("\nfunnel_reloads_total 2\n"), "{metrics}");
    assert!(
        metrics.contains("\nfunnel_reload_failures_total 1\n"),
        "{metrics}"
    );
    assert!(metrics.contains("funnel_policy_info{name=\"acme-inbound\",version=\"5\""));
}

#[test]
fn decision_log_and_graceful_shutdown() {
    let dir = acme_copy();
    let log = dir.path().join("decisions.jsonl");
    // A log that already has a line is appended to.
    std::fs::write(&log, "{\"earlier\": true}\n").unwrap();
    let mut server = Server::start(dir.path(), &["--decision-log", log.to_str().unwrap()]);

    let reply = server.post(
        &evaluate_path(""),
        lead_text("enterprise_demo.json").as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let mut batch = jsonl_leads(3);
    batch.push(serde_json::json!({"id": "L-bad", "company_size": "big"}));
    let reply = server.post(
        &evaluate_path(""),
        serde_json::to_string(&batch).unwrap().as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = server.post(&evaluate_path(""), b"{\"id\": \"only-an-id\"}");
    assert_eq!(reply.status, 400, "{}", reply.body);

    // A request in flight when SIGTERM comes (its body half sent) is still answered.
    let lead = lead_text("enterprise_demo.json");
    let (mut stream, second) = half_sent(&server, &lead);
    wait_until_read(&stream);
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -TERM failed");
    server.wait_for_line("shutting down");
    stream.write_all(second).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let reply = parse_reply(&raw);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["stage"], "opportunity");
    assert!(server.wait_exit(), "exit status after SIGTERM");

    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1 + 4 + 1, "{text}");
    assert_eq!(lines[0]["earlier"], true);
    assert_eq!(lines[1]["lead"], "t-enterprise");
    assert_eq!(lines[1]["stage"], "opportunity");
    for (line, lead) in lines[2..5].iter().zip(&batch) {
        assert_eq!(line["lead"], lead["id"]);
    }
    assert_eq!(
        lines[5]["lead"], "t-enterprise",
        "the request in flight at SIGTERM"
    );
    for line in &lines[1..] {
        assert_eq!(line["policy"]["name"], "acme-inbound");
        assert_eq!(line["policy"]["version"], 3);
        assert!(line["policy"]["digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:"));
    }
}

#[test]
fn only_json_and_jsonl_are_accepted_and_a_body_not_utf8_is_422() {
    let dir = acme_copy();
    let server = Server::start(dir.path(), &[]);
    // On one line, to be JSONL as well.
    let lead = serde_json::from_str::<Value>(&lead_text("enterprise_demo.json"))
        .unwrap()
        .to_string();

    // What a web page can send without a preflight, and anything else not JSON: 415, and
    // the lead is not evaluated.
    for content_type in [
        None,
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/xml"),
        Some("application/json; charset=latin1"),
    ] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|t| vec![("Content-Type", t)])
            .unwrap_or_default();
        let reply = server.request("POST", &evaluate_path(""), &headers, lead.as_bytes());
        assert_eq!(reply.status, 415, "{content_type:?}: {}", reply.body);
        let error = &reply.json()["error"];
        assert_eq!(error["code"], "unsupported_media_type", "{error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("Content-Type: application/json"),
            "{error}"
        );
    }
    // The JSON types, in any case and with a UTF-8 charset.
    for content_type in [
        "Application/JSON; charset=UTF-8",
        "application/json",
        "application/x-ndjson",
        "application/jsonl; charset=utf-8",
    ] {
        let reply = server.request(
            "POST",
            &evaluate_path(""),
            &[("Content-Type", content_type)],
            lead.as_bytes(),
        );
        assert_eq!(reply.status, 200, "{content_type}: {}", reply.body);
    }

    // Bytes that are not UTF-8: 422 for one lead and for a batch, saying where.
    let mut one = b"{\"id\": \"L-\xff\"}".to_vec();
    let reply = server.post(&evaluate_path(""), &one);
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(
        reply.json()["error"],
        serde_json::json!({"code": "malformed", "message": "the body is not UTF-8: invalid bytes at line 1, column 11 (byte offset 10)"})
    );
    let mut batch = lead_text("leads.jsonl").into_bytes();
    batch.append(&mut one);
    let reply = server.request(
        "POST",
        &evaluate_path(""),
        &[("Content-Type", "application/x-ndjson")],
        &batch,
    );
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert!(reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("the body is not UTF-8: invalid bytes at line "));

    let metrics = server.get("/metrics").body;
    assert!(
        metrics.contains("funnel_http_requests_total{route=\"/v1/evaluate\",status=\"415\"} 7\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("\nfunnel_evaluations_total{stage=\"opportunity\"} 4\n"),
        "only the four accepted requests were evaluated: {metrics}"
    );
}

/// Whether the server has closed `stream`: reading it gives the end (or a reset) within a
/// moment, rather than waiting.
fn closed_by_server(stream: &mut TcpStream, wait: Duration) -> bool {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 256];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            // A reply (hyper answers nothing on a header timeout, but be lenient): read on.
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn a_client_trickling_its_headers_is_cut_off_and_healthz_answers_meanwhile() {
    let dir = acme_copy();
    let server = Server::start(dir.path(), &["--header-timeout", "1"]);
    // Fifty connections that send a header byte every 100 ms, forever if let.
    let mut slow: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut s = TcpStream::connect(&server.addr).unwrap();
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .unwrap();
            s
        })
        .collect();
    let writers: Vec<TcpStream> = slow.iter().map(|s| s.try_clone().unwrap()).collect();
    let trickler = std::thread::spawn(move || {
        let mut writers: Vec<Option<TcpStream>> = writers.into_iter().map(Some).collect();
        let deadline = Instant::now() + PATIENCE;
        while writers.iter().any(Option::is_some) && Instant::now() < deadline {
            for w in writers.iter_mut() {
                if w.as_mut().is_some_and(|s| s.write_all(b"a").is_err()) {
                    *w = None;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });

    // Meanwhile the server answers.
    let health = server.get("/healthz");
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));

    // Each slow connection is closed by the server, though it keeps sending.
    for (i, s) in slow.iter_mut().enumerate() {
        assert!(
            closed_by_server(s, PATIENCE),
            "slow connection {i} was never closed"
        );
    }
    trickler.join().unwrap();
    let health = server.get("/healthz");
    assert_eq!(health.status, 200);
}

#[test]
fn connections_over_the_limit_wait_until_one_closes() {
    let dir = acme_copy();
    let server = Server::start(
        dir.path(),
        &["--max-connections", "2", "--header-timeout", "2"],
    );
    // Two connections that send nothing take both places.
    let mut idle: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    // A third is answered, but only once the header timeout has closed the two: when its
    // answer comes, they are closed already.
    let health = server.get("/healthz");
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    for (i, s) in idle.iter_mut().enumerate() {
        assert!(
            closed_by_server(s, Duration::from_millis(200)),
            "idle connection {i} is still open: the third was served beside it"
        );
    }
}

#[test]
fn a_synced_decision_log_holds_the_decisions_before_they_are_answered() {
    let dir = acme_copy();
    let log = dir.path().join("decisions.jsonl");
    let server = Server::start(
        dir.path(),
        &[
            "--decision-log",
            log.to_str().unwrap(),
            "--decision-log-sync",
        ],
    );
    let batch = jsonl_leads(3);
    let reply = server.post(
        &evaluate_path(""),
        serde_json::to_string(&batch).unwrap().as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Read while the server runs: the answer came after the write.
    let text = std::fs::read_to_string(&log).unwrap();
    let leads: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["lead"].clone())
        .collect();
    let expected: Vec<Value> = batch.iter().map(|l| l["id"].clone()).collect();
    assert_eq!(leads, expected);
    let metrics = server.get("/metrics").body;
    assert!(
        metrics.contains("\nfunnel_decision_log_lines_total 3\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("\nfunnel_decision_log_failed_lines_total 0\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("\nfunnel_decision_log_up 1\n"),
        "{metrics}"
    );
    assert_eq!(server.get("/healthz").body, "ok");
}

#[test]
fn a_decision_log_that_cannot_be_written_is_a_metric_and_a_health_signal() {
    let dir = acme_copy();
    let lead = lead_text("enterprise_demo.json");

    // Without sync the answer comes first; the failure then shows on /healthz and /metrics.
    let server = Server::start(dir.path(), &["--decision-log", "/dev/full"]);
    let reply = server.post(&evaluate_path(""), lead.as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let deadline = Instant::now() + PATIENCE;
    let health = loop {
        let health = server.get("/healthz");
        if health.status != 200 || Instant::now() > deadline {
            break health;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(health.status, 503, "{}", health.body);
    let error = &health.json()["error"];
    assert_eq!(error["code"], "decision_log", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot write the decision log /dev/full: No space left on device"),
        "{error}"
    );
    let metrics = server.get("/metrics").body;
    assert!(
        metrics.contains("\nfunnel_decision_log_failed_lines_total 1\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("\nfunnel_decision_log_lines_total 0\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("\nfunnel_decision_log_up 0\n"),
        "{metrics}"
    );
    drop(server);

    // With sync, no answer without the log line: 503.
    let server = Server::start(
        dir.path(),
        &["--decision-log", "/dev/full", "--decision-log-sync"],
    );
    let reply = server.post(&evaluate_path(""), lead.as_bytes());
    assert_eq!(reply.status, 503, "{}", reply.body);
    let error = &reply.json()["error"];
    assert_eq!(error["code"], "decision_log", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("could not be logged: cannot write the decision log /dev/full"),
        "{error}"
    );
    assert_eq!(server.get("/healthz").status, 503);
}

/// Hostile edits while a client evaluates without pause: a broken file, a cycle of 2,000
/// lets and a line past column 70,000 are each a reload error on /v1/policy, every request
/// is answered by the last good version, and the next good edit is served.
#[test]
fn hostile_edits_under_requests_never_stop_the_server() {
    let dir = acme_copy();
    let server = Server::start(dir.path(), &[]);
    let policy_file = dir.path().join("policy.funnel");
    let text = std::fs::read_to_string(&policy_file).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let client = {
        let (addr, stop) = (server.addr.clone(), stop.clone());
        let lead = lead_text("enterprise_demo.json");
        std::thread::spawn(move || {
            let mut versions = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let headers = [("Content-Type", "application/json")];
                let reply = request(&addr, "POST", &evaluate_path(""), &headers, lead.as_bytes());
                assert_eq!(reply.status, 200, "{}", reply.body);
                versions.push(reply.json()["policy"]["version"].as_u64().unwrap());
            }
            versions
        })
    };
    let cycle: String = (0..2000)
        .map(|i| format!("let a{i} = a{} + 1\n", (i + 1) % 2000))
        .collect();
    let hostile = [
        ("broken.funnel", "score fit {\n  +1 when\n}\n".to_string()),
        ("cycle.funnel", cycle),
        ("wide.funnel", format!("let x = {}@\n", " ".repeat(70_000))),
    ];
    for (i, (name, body)) in hostile.iter().enumerate() {
        let good = 4 + i as u64;
        std::fs::write(
            &policy_file,
            text.replace("version 3", &format!("version {good}")),
        )
        .unwrap();
        server.poll_json("/v1/policy", "a good edit", |j| {
            j["version"] == good && j["last_reload_error"].is_null()
        });
        std::fs::write(dir.path().join(name), body).unwrap();
        let info = server.poll_json("/v1/policy", "a failed reload", |j| {
            !j["last_reload_error"].is_null()
        });
        assert_eq!(info["version"], good, "{name}");
        let rendered = info["last_reload_error"]["rendered"].as_str().unwrap();
        assert!(rendered.contains(*name), "{name}: {rendered}");
        std::fs::remove_file(dir.path().join(name)).unwrap();
    }
    std::fs::write(&policy_file, text.replace("version 3", "version 9")).unwrap();
    server.poll_json("/v1/policy", "the last good edit", |j| {
        j["version"] == 9 && j["last_reload_error"].is_null()
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let versions = client.join().expect("every request was answered");
    assert!(!versions.is_empty());
    // Answers come from whole good versions, in order.
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "{versions:?}");
    assert!(
        versions.iter().all(|v| [3, 4, 5, 6, 9].contains(v)),
        "{versions:?}"
    );
    assert_eq!(server.get("/healthz").status, 200);
}
