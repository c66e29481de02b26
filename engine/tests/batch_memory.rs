//! Memory of a batch does not grow with its input or its largest record: what a batch run
//! allocates at its peak, counted by an allocator that keeps a tally for each thread. With
//! one job a batch runs on the calling thread, so a test's tally is its batch's alone, while
//! other tests run on other threads. The bounds are far above what is needed and far below
//! what reading the input whole, or a record's size per row, would take.

use funnel_engine::batch::{self, BatchOptions, InputFormat};
use funnel_engine::{EvalOptions, Policy};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Tally;

thread_local! {
    /// Bytes allocated by this thread and not yet freed, and the most there have been.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(bytes: isize) {
    // `try_with`: a thread's tally is gone while its last destructors free memory.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + bytes;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call goes to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Tally {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Tally = Tally;

const POLICY: &str = r#"
policy "memory" version 1
  timezone "UTC"

schema lead {
  id: text key
  size: int
  note: text?
}

stages {
  lead
  mql when size >= 50
}
"#;

/// Runs a batch of `input` with one job and 1,024 leads a chunk (as `funnel eval` does);
/// gives the leads decided and failed, and the most bytes allocated at once above what was
/// allocated before.
fn peak_of(input: &[u8], format: InputFormat) -> (u64, u64, usize) {
    let policy =
        Policy::from_sources(vec![funnel_grammar::SourceFile::new("p.funnel", POLICY)]).unwrap();
    let options = BatchOptions {
        at: chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap(),
        eval: EvalOptions::default(),
        jobs: 1,
        chunk: batch::CHUNK,
    };
    let before = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let summary = batch::run(&policy, input, format, &options, |_| Ok(())).unwrap();
    let peak = PEAK.with(Cell::get) - before;
    (summary.evaluated, summary.failed, peak as usize)
}

const MIB: usize = 1 << 20;

#[test]
fn csv_rows_after_a_large_cell_do_not_cost_its_size() {
    // Each row was kept as a copy of the `csv` crate's record, as large as the largest row
    // before it: here 1,024 rows of 2 MiB a chunk, about 2 GiB.
    let mut input = String::from("id,size,note\n");
    input.push_str(&format!("big,60,{}\n", "x".repeat(MIB)));
    for i in 0..5000 {
        input.push_str(&format!("r{i},{},\n", i % 100));
    }
    let (evaluated, failed, peak) = peak_of(input.as_bytes(), InputFormat::Csv);
    assert_eq!((evaluated, failed), (5001, 0));
    assert!(peak < 16 * MIB, "peak {peak} bytes");
}

#[test]
fn a_json_array_is_not_held_whole() {
    // 100,000 leads, about 5 MB of JSON: the whole array as a `serde_json::Value` took about
    // ten times its text.
    let mut input = String::from("[");
    for i in 0..100_000 {
        if i > 0 {
            input.push_str(",\n");
        }
        input.push_str(&format!(r#"{{"id":"L{i}","size":{}}}"#, i % 100));
    }
    input.push(']');
    let (evaluated, failed, peak) = peak_of(input.as_bytes(), InputFormat::Json);
    assert_eq!((evaluated, failed), (100_000, 0));
    assert!(
        peak < input.len() / 4,
        "peak {peak} bytes for {} of input",
        input.len()
    );
}

#[test]
fn a_record_over_the_maximum_is_read_past_not_kept() {
    // A JSONL line of 64 MiB: read whole, it took at least that.
    for format in [InputFormat::Jsonl, InputFormat::Csv] {
        let (mut input, tail) = match format {
            InputFormat::Csv => (b"id,size,note\nbig,60,".to_vec(), &b"\nsmall,60,\n"[..]),
            _ => (
                br#"{"id":"big","size":60,"note":""#.to_vec(),
                &b"\"}\n{\"id\":\"small\",\"size\":60}\n"[..],
            ),
        };
        input.resize(input.len() + 64 * MIB, b'x');
        input.extend_from_slice(tail);
        let (evaluated, failed, peak) = peak_of(&input, format);
        assert_eq!((evaluated, failed), (1, 1), "{format:?}");
        assert!(
            peak < batch::MAX_RECORD + 8 * MIB,
            "{format:?}: peak {peak} bytes"
        );
    }
}
