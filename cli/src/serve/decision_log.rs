//! `--decision-log FILE`: every decision appended as one JSONL line, for audit.
//!
//! Requests hand their lines to one writer thread through a bounded channel, so they never
//! contend on the file; the writer flushes whenever the channel runs dry, and on shutdown.

use std::fs::OpenOptions;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::sync::Mutex;
use std::thread::JoinHandle;

/// Requests' line batches waiting for the writer (each batch is one request's decisions).
const QUEUE: usize = 4096;

/// The sending side, shared by the requests.
pub struct DecisionLog {
    tx: Mutex<Option<SyncSender<Vec<u8>>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl DecisionLog {
    /// Opens (creating, appending) the file and starts the writer.
    pub fn open(path: &Path) -> std::io::Result<DecisionLog> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let name = path.display().to_string();
        let thread = std::thread::Builder::new()
            .name("funnel-decision-log".into())
            .spawn(move || write_all(BufWriter::new(file), rx, &name))?;
        Ok(DecisionLog {
            tx: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Queues lines (each ending in a newline). Blocks when the writer is far behind, which
    /// is fine: callers run on the blocking pool.
    pub fn append(&self, lines: Vec<u8>) {
        if lines.is_empty() {
            return;
        }
        let tx = self.tx.lock().expect("lock").clone();
        if let Some(tx) = tx {
            let _ = tx.send(lines);
        }
    }

    /// Stops taking lines, and waits until everything queued is written and flushed.
    pub fn close(&self) {
        self.tx.lock().expect("lock").take();
        if let Some(t) = self.thread.lock().expect("lock").take() {
            let _ = t.join();
        }
    }
}

fn write_all(mut out: BufWriter<std::fs::File>, rx: Receiver<Vec<u8>>, name: &str) {
    let mut failed = false;
    let mut write = |out: &mut BufWriter<std::fs::File>, bytes: &[u8]| {
        if let Err(e) = out.write_all(bytes) {
            if !failed {
                eprintln!("error: decision log {name}: {e}");
                failed = true;
            }
        }
    };
    while let Ok(lines) = rx.recv() {
        write(&mut out, &lines);
        // Write whatever else is queued, then flush once the queue is empty.
        loop {
            match rx.try_recv() {
                Ok(lines) => write(&mut out, &lines),
                Err(TryRecvError::Empty) => {
                    let _ = out.flush();
                    break;
                }
                Err(TryRecvError::Disconnected) => break,
            }
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("error: decision log {name}: {e}");
    }
}
