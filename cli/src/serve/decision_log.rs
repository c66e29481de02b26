//! `--decision-log FILE`: every decision appended as one JSONL line, for audit.
//!
//! Requests hand their lines to one writer thread through a bounded channel, so they never
//! contend on the file. The writer takes everything queued at once and writes it with one
//! system call (then the lines survive the process being killed), and with `--decision-log-sync`
//! also `fdatasync`s it (then they survive a power loss) before the requests waiting on those
//! lines are answered: many requests share one sync. Whether the last write worked is kept
//! for `/healthz` and `/metrics`.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Requests' line batches waiting for the writer (each batch is one request's decisions).
const QUEUE: usize = 4096;

/// At most this many bytes go into one write (and one sync), so that the first requests of a
/// long queue are not kept waiting for the last.
const MAX_WRITE: usize = 4 << 20;

/// One request's lines, and where to say that they are written when the request waits.
struct Job {
    lines: Vec<u8>,
    done: Option<SyncSender<Result<(), String>>>,
}

/// What the writer has done, for `/healthz` and `/metrics`.
#[derive(Default)]
pub struct LogHealth {
    /// Lines written.
    pub written: AtomicU64,
    /// Lines that could not be written.
    pub failed: AtomicU64,
    /// Why the last write failed, while writes fail; `None` once one works again.
    failing: Mutex<Option<String>>,
}

impl LogHealth {
    /// Why the log cannot be written, if its last write failed.
    pub fn failing(&self) -> Option<String> {
        self.failing.lock().expect("lock").clone()
    }
}

/// The sending side, shared by the requests.
pub struct DecisionLog {
    tx: Mutex<Option<SyncSender<Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    health: Arc<LogHealth>,
    sync: bool,
}

impl DecisionLog {
    /// Opens (creating, appending) the file and starts the writer. With `sync`, `append`
    /// returns only once the lines are on disk.
    pub fn open(path: &Path, sync: bool) -> std::io::Result<DecisionLog> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let health = Arc::new(LogHealth::default());
        let writer = Writer {
            file,
            name: path.display().to_string(),
            sync,
            torn: false,
            health: health.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("funnel-decision-log".into())
            .spawn(move || writer.run(rx))?;
        Ok(DecisionLog {
            tx: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
            health,
            sync,
        })
    }

    /// What the writer has done.
    pub fn health(&self) -> &LogHealth {
        &self.health
    }

    /// Whether `append` waits for the disk.
    pub fn is_sync(&self) -> bool {
        self.sync
    }

    /// Queues lines (each ending in a newline). Blocks when the writer is far behind, which
    /// is fine: callers run on the blocking pool. With `sync`, waits until they are written
    /// and synced, and says why not when they could not be.
    pub fn append(&self, lines: Vec<u8>) -> Result<(), String> {
        if lines.is_empty() {
            return Ok(());
        }
        let count = line_count(&lines);
        let tx = self.tx.lock().expect("lock").clone();
        let Some(tx) = tx else {
            self.health.failed.fetch_add(count, Ordering::Relaxed);
            return Err("the decision log is closed (the server is stopping)".into());
        };
        let (done, wait) = if self.sync {
            let (done, wait) = mpsc::sync_channel(1);
            (Some(done), Some(wait))
        } else {
            (None, None)
        };
        if tx.send(Job { lines, done }).is_err() {
            self.health.failed.fetch_add(count, Ordering::Relaxed);
            return Err("the decision log's writer has stopped".into());
        }
        match wait {
            None => Ok(()),
            Some(wait) => wait
                .recv()
                .unwrap_or_else(|_| Err("the decision log's writer has stopped".into())),
        }
    }

    /// Stops taking lines, and waits until everything queued is written.
    pub fn close(&self) {
        self.tx.lock().expect("lock").take();
        if let Some(t) = self.thread.lock().expect("lock").take() {
            let _ = t.join();
        }
    }
}

fn line_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

/// The writer thread's side.
struct Writer {
    file: File,
    name: String,
    sync: bool,
    /// A failed write left part of a line in the file: the next write starts on a new line,
    /// so that the lines after it are whole.
    torn: bool,
    health: Arc<LogHealth>,
}

impl Writer {
    fn run(mut self, rx: Receiver<Job>) {
        while let Ok(first) = rx.recv() {
            let mut bytes = first.lines;
            let mut waiting: Vec<_> = first.done.into_iter().collect();
            // Everything else already queued goes into the same write and sync.
            while bytes.len() < MAX_WRITE {
                match rx.try_recv() {
                    Ok(job) => {
                        bytes.extend_from_slice(&job.lines);
                        waiting.extend(job.done);
                    }
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                }
            }
            let result = self.write(&bytes).map_err(|e| {
                format!(
                    "cannot write the decision log {}: {}",
                    self.name,
                    crate::output::io_reason(&e)
                )
            });
            self.account(line_count(&bytes), &result);
            for done in waiting {
                let _ = done.send(result.clone());
            }
        }
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if self.torn {
            self.file.write_all(b"\n")?;
            self.torn = false;
        }
        let mut written = 0;
        while written < bytes.len() {
            match self.file.write(&bytes[written..]) {
                Ok(0) => {
                    self.torn = written > 0;
                    return Err(ErrorKind::WriteZero.into());
                }
                Ok(n) => written += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    self.torn = written > 0;
                    return Err(e);
                }
            }
        }
        if self.sync {
            self.file.sync_data()?;
        }
        Ok(())
    }

    /// Counts the lines, and prints when writing starts failing and when it works again.
    fn account(&self, lines: u64, result: &Result<(), String>) {
        let mut failing = self.health.failing.lock().expect("lock");
        match result {
            Ok(()) => {
                self.health.written.fetch_add(lines, Ordering::Relaxed);
                if failing.take().is_some() {
                    eprintln!("decision log {}: writing again", self.name);
                }
            }
            Err(why) => {
                self.health.failed.fetch_add(lines, Ordering::Relaxed);
                if failing.is_none() {
                    eprintln!("error: {why}");
                }
                *failing = Some(why.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_written_before_a_synced_append_returns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        let log = DecisionLog::open(&path, true).unwrap();
        log.append(b"{\"a\":1}\n{\"a\":2}\n".to_vec()).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"a\":1}\n{\"a\":2}\n"
        );
        assert_eq!(log.health().written.load(Ordering::Relaxed), 2);
        assert_eq!(log.health().failing(), None);
        log.close();
    }

    #[test]
    fn a_full_disk_is_an_error_for_a_synced_append_and_a_health_signal() {
        let log = DecisionLog::open(Path::new("/dev/full"), true).unwrap();
        let e = log.append(b"{\"a\":1}\n".to_vec()).unwrap_err();
        assert!(
            e.starts_with("cannot write the decision log /dev/full: "),
            "{e}"
        );
        assert_eq!(log.health().failing(), Some(e));
        assert_eq!(log.health().failed.load(Ordering::Relaxed), 1);
        log.close();
    }
}
