//! `funnel serve`: the HTTP service around a watched policy.
//!
//! `POST /v1/evaluate`, `GET /v1/policy`, `GET /healthz`, `GET /metrics`. Every request
//! evaluates against one snapshot of the policy; a reload swaps the next requests' snapshot.
//!
//! Connections are accepted by a loop of our own on hyper rather than `axum::serve`, which
//! has no header-read timeout and no connection limit: a client trickling its headers, or
//! many of them, would otherwise hold a file descriptor each for as long as they like.

mod decision_log;
mod error;
mod evaluate;
mod metrics;

use crate::failure::{Failure, Outcome};
use crate::output::{color_stderr, io_reason, plural};
use crate::watch::describe;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use decision_log::DecisionLog;
use error::ApiError;
use funnel_engine::{EvalOptions, LivePolicy, ReloadEvent, WatchOptions};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use metrics::Metrics;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

#[derive(clap::Args)]
pub struct Args {
    /// The policy directory (watched: edits are served as soon as they compile).
    policy: PathBuf,
    /// The address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The largest request body accepted, in bytes.
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    max_body: usize,
    /// Seconds a request may take, reading its body included (then 408 when the body had not
    /// arrived, else 503).
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Append every decision to this file as JSONL, for audit.
    #[arg(long)]
    decision_log: Option<PathBuf>,
    /// Answer only once the request's decisions are written to the decision log and synced
    /// to disk (fdatasync); a request whose decisions cannot be written gets 503.
    #[arg(long, requires = "decision_log")]
    decision_log_sync: bool,
    /// Seconds a connection may take to send a request's headers, and stay idle between
    /// requests; then it is closed.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Connections served at once; further ones wait to be accepted until one closes.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
}

/// How connections are served.
struct Connections {
    header_timeout: Duration,
    max: u32,
}

/// What the handlers share.
struct AppState {
    live: LivePolicy,
    metrics: Metrics,
    log: Option<DecisionLog>,
    max_body: usize,
    timeout: Duration,
}

type Shared = Arc<AppState>;

pub fn run(args: Args) -> Outcome {
    let color = color_stderr();
    let live = LivePolicy::watch(&args.policy, WatchOptions::default())
        .map_err(|e| Failure::load(&args.policy, e))?;
    for w in live.current().warnings() {
        eprint!("{}", w.render(color));
    }
    let log = match &args.decision_log {
        None => None,
        Some(path) => Some(
            DecisionLog::open(path, args.decision_log_sync).map_err(|e| {
                Failure::Usage(format!(
                    "decision log {}: {}",
                    path.display(),
                    io_reason(&e)
                ))
            })?,
        ),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("funnel-serve")
        .build()
        .map_err(|e| Failure::Usage(format!("cannot start the runtime: {e}")))?;
    let state = Arc::new(AppState {
        live,
        metrics: Metrics::default(),
        log,
        max_body: args.max_body,
        timeout: Duration::from_secs(args.timeout.max(1)),
    });
    let connections = Connections {
        header_timeout: Duration::from_secs(args.header_timeout),
        max: args.max_connections,
    };
    let served = runtime.block_on(serve(state.clone(), args.addr, connections));
    if let Some(log) = &state.log {
        log.close();
    }
    served.map(|()| crate::exit::OK)
}

async fn serve(state: Shared, addr: SocketAddr, connections: Connections) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::Usage(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener.local_addr().unwrap_or(addr);
    follow_reloads(&state);
    eprintln!(
        "serving {} on http://{bound}",
        describe(&state.live.current())
    );

    let grace = state.timeout + Duration::from_secs(5);
    let app = router(state);
    let mut http = hyper::server::conn::http1::Builder::new();
    // hyper's timer starts whenever the connection waits for a request's head: on a new
    // connection, and on a kept-alive one between requests.
    http.timer(TokioTimer::new())
        .header_read_timeout(connections.header_timeout);
    // One permit a connection. While none is left the loop does not accept: new connections
    // wait in the kernel's backlog instead of taking file descriptors.
    let slots = Arc::new(Semaphore::new(connections.max as usize));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = slots.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
        };
        let stream = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
        };
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stop.wait_for(|stop| *stop) => {}
            }
            // The request in flight, if any, is finished and answered; then it closes.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    eprintln!("shutting down");
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection has closed once every permit is back. One that never does is given
    // up on after the request timeout and a little more.
    let finished = tokio::time::timeout(grace, slots.acquire_many(connections.max)).await;
    if finished.is_err() {
        eprintln!(
            "some requests had not finished after {} s; stopping anyway",
            grace.as_secs()
        );
    }
    Ok(())
}

/// After a failed `accept`: a connection reset before it was accepted is only skipped; out
/// of file descriptors or memory, a pause before the next try instead of a busy loop.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted
    ) {
        return;
    }
    eprintln!("warning: cannot accept a connection: {e}");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Prints one line per reload event, from a thread of its own.
fn follow_reloads(state: &Shared) {
    let events = state.live.subscribe();
    let mut serving = describe(&state.live.current());
    let spawned = std::thread::Builder::new()
        .name("funnel-reloads".into())
        .spawn(move || {
            let mut broken = false;
            for event in events {
                match event {
                    ReloadEvent::Reloaded { policy, took } => {
                        broken = false;
                        serving = describe(&policy);
                        eprintln!("reloaded {serving} in {} ms", took.as_millis());
                    }
                    ReloadEvent::Unchanged if broken => {
                        broken = false;
                        eprintln!("reload fixed: serving {serving} again");
                    }
                    ReloadEvent::Unchanged => {}
                    ReloadEvent::Failed { diagnostics } => {
                        broken = true;
                        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                        eprintln!(
                            "reload failed: {}; still serving {serving} (details: GET /v1/policy)",
                            plural(errors, "error")
                        );
                    }
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("warning: reload events will not be printed: {e}");
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

fn router(state: Shared) -> Router {
    Router::new()
        .route("/v1/evaluate", post(evaluate))
        .route("/v1/policy", get(policy))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.max_body))
        .layer(middleware::from_fn_with_state(state.clone(), deadline))
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .with_state(state)
}

/// Counts every request by route and status, and its latency.
async fn count(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    state
        .metrics
        .request(&route, response.status().as_u16(), start.elapsed());
    response
}

/// Set once a request's body has been read whole, so that a request out of time can be told
/// apart: a client too slow to send its body (408) from work too slow to finish (503).
#[derive(Clone, Default)]
struct BodyRead(Arc<std::sync::atomic::AtomicBool>);

impl BodyRead {
    fn set(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    fn get(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The whole request, reading its body included, within the timeout.
async fn deadline(State(state): State<Shared>, mut request: Request, next: Next) -> Response {
    let body_read = BodyRead::default();
    request.extensions_mut().insert(body_read.clone());
    let reads_body = request.method() == Method::POST;
    match tokio::time::timeout(state.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) if reads_body && !body_read.get() => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            format!(
                "the request's body did not arrive within {} s",
                state.timeout.as_secs()
            ),
        )
        .into_response(),
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("the request took longer than {} s", state.timeout.as_secs()),
        )
        .into_response(),
    }
}

#[derive(serde::Deserialize)]
struct EvalParams {
    at: Option<String>,
    explain: Option<String>,
    strict: Option<String>,
}

fn flag(name: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match value.map(|v| v.to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) => match v.as_str() {
            "" | "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("`{name}` must be true or false, not {v:?}"),
            )),
        },
    }
}

/// `POST /v1/evaluate`.
async fn evaluate(State(state): State<Shared>, request: Request) -> Result<Response, ApiError> {
    let params = axum::extract::Query::<EvalParams>::try_from_uri(request.uri())
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))?
        .0;
    let options = EvalOptions {
        explain: flag("explain", params.explain.as_deref())?,
        strict: flag("strict", params.strict.as_deref())?,
    };
    let ndjson = body_kind(request.headers())?;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the body is larger than {} bytes; split the batch",
                state.max_body
            ),
        )
    };
    // Refuse a declared length over the limit before reading any of it.
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.max_body as u64) {
        return Err(too_large());
    }
    let body_read = request.extensions().get::<BodyRead>().cloned();
    let body = match Bytes::from_request(request, &()).await {
        Ok(b) => {
            if let Some(flag) = &body_read {
                flag.set();
            }
            b
        }
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
        Err(e) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("cannot read the body: {}", e.body_text()),
            ))
        }
    };

    // One snapshot for the whole request; the clock read once.
    let policy = state.live.current();
    let at = match params.at.as_deref() {
        None => crate::output::parse_at(None, &policy).expect("now is a datetime"),
        Some(s) => policy.parse_at(s).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("`at` {s:?} is not a datetime; write e.g. 2026-11-26T10:00:00-03:00"),
            )
        })?,
    };
    let worker = state.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let input = evaluate::split(&body, ndjson)?;
        let mut outcome = evaluate::evaluate(&policy, &input, at, &options, worker.log.is_some());
        worker.metrics.evaluations(&outcome.stages, outcome.errors);
        if let Some(log) = &worker.log {
            let logged = log.append(std::mem::take(&mut outcome.log));
            // Durable mode's promise: no answer for decisions the log does not hold.
            if let (true, Err(why)) = (log.is_sync(), logged) {
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "decision_log",
                    format!(
                        "the decisions were not answered because they could not be logged: {why}"
                    ),
                ));
            }
        }
        Ok::<_, ApiError>(outcome)
    })
    .await
    .map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("evaluation failed: {e}"),
        )
    })??;
    let json = outcome.response?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// Whether the body is JSONL by its content type (`false`: JSON, which may still be JSONL by
/// its lines); 415 unless it is JSON or JSONL in UTF-8. Requiring the type keeps a web page
/// from posting to the server: a form or a `fetch` without a preflight can only send
/// `text/plain`, form types or none.
fn body_kind(headers: &HeaderMap) -> Result<bool, ApiError> {
    let unsupported = |found: &str| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "the body must be JSON or JSONL: send `Content-Type: application/json` or `application/x-ndjson` ({found})"
            ),
        )
    };
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(unsupported("no Content-Type was sent"));
    };
    let value = String::from_utf8_lossy(value.as_bytes()).to_ascii_lowercase();
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or("");
    let ndjson = match essence {
        "application/json" => false,
        "application/x-ndjson" | "application/jsonl" => true,
        _ => return Err(unsupported(&format!("not {essence:?}"))),
    };
    for param in parts {
        if let Some(charset) = param.strip_prefix("charset=") {
            let charset = charset.trim_matches('"');
            if charset != "utf-8" && charset != "utf8" {
                return Err(unsupported(&format!("in UTF-8, not {charset:?}")));
            }
        }
    }
    Ok(ndjson)
}

/// `GET /v1/policy`'s answer.
#[derive(serde::Serialize)]
struct PolicyInfo {
    name: String,
    version: u64,
    digest: String,
    loaded_at: String,
    last_reload_error: Option<funnel_engine::ReloadFailure>,
    reloads: u64,
    reload_failures: u64,
}

/// `GET /v1/policy`.
async fn policy(State(state): State<Shared>) -> axum::Json<PolicyInfo> {
    let live = &state.live;
    let current = live.current();
    let loaded_at: chrono::DateTime<chrono::Utc> = live.loaded_at().into();
    let (reloads, reload_failures) = live.reload_counts();
    axum::Json(PolicyInfo {
        name: current.name().to_string(),
        version: current.version(),
        digest: current.digest().to_string(),
        loaded_at: loaded_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        last_reload_error: live.last_error(),
        reloads,
        reload_failures,
    })
}

/// `GET /healthz`: `ok`, or 503 while the decision log cannot be written.
async fn healthz(State(state): State<Shared>) -> Result<&'static str, ApiError> {
    match state.log.as_ref().and_then(|l| l.health().failing()) {
        None => Ok("ok"),
        Some(why) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "decision_log",
            why,
        )),
    }
}

/// `GET /metrics`.
async fn metrics(State(state): State<Shared>) -> Response {
    (
        [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
        state
            .metrics
            .render(&state.live, state.log.as_ref().map(|l| l.health())),
    )
        .into_response()
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no such route: {method} {}", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} does not take {method}", uri.path()),
    )
}
