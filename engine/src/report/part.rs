//! A report in parts: the counts over some of the leads, which merge with the counts over
//! the others into the report over all of them. This is what lets a report be computed
//! where the leads are (each Spark partition counts its own leads, the parts merge in
//! Spark, and only the merged part is finished) and give the same report, to the last
//! digit, as one run over every lead.

use super::{Acc, FunnelAcc, Plan, Report, ReportRange, SlaAcc, Tally};
use crate::policy::Policy;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::collections::btree_map::{BTreeMap, Entry};

/// The counts of a report over some leads, not finished into periods yet.
///
/// Build one per piece of the input (a file, a Spark partition) with
/// [`part_with_tables`](super::part_with_tables) or `funnel_engine::arrow::report_part`,
/// [`merge`](ReportPart::merge) them in any order and grouping, and
/// [`finish`](ReportPart::finish) the last one: the report equals the one a single run over
/// all the leads gives. A part travels between processes as bytes
/// ([`to_bytes`](ReportPart::to_bytes)); it holds counts, exact sums and the values that
/// medians and percentiles need, never a lead.
///
/// ```
/// use funnel_engine::batch::{BatchOptions, InputFormat, CHUNK};
/// use funnel_engine::report::{part_with_tables, ReportPart, ReportRange};
/// use funnel_engine::{EvalOptions, Policy};
/// use funnel_grammar::SourceFile;
///
/// let policy = Policy::from_sources(vec![SourceFile::new("p.funnel", "\
/// policy \"demo\" version 1
/// schema lead {
///   id: text key
///   created: date
///   size: int
/// }
/// stages {
///   lead
/// }
/// metric leads \"Leads\" = count(leads) per month by created
/// ")]).unwrap();
/// let at = chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap();
/// let options = BatchOptions { at, eval: EvalOptions::default(), jobs: 1, chunk: CHUNK };
/// let part = |jsonl: &str| {
///     part_with_tables(&policy, jsonl.as_bytes(), InputFormat::Jsonl, vec![], &options, |_| {})
///         .unwrap()
/// };
/// // Two machines count their leads; the parts cross as bytes and merge.
/// let mut first = part(r#"{"id": "a", "created": "2026-10-02", "size": 3}"#);
/// let second = part(r#"{"id": "b", "created": "2026-11-05", "size": 8}"#);
/// first.merge(ReportPart::from_bytes(&second.to_bytes()).unwrap()).unwrap();
/// let report = first.finish(&policy, &ReportRange::default()).unwrap();
/// assert_eq!(report.evaluated, 2);
/// assert_eq!(report.periods.len(), 2);
/// assert_eq!(report.periods[1].metrics[0].value, Some(1.0));
/// ```
#[derive(Serialize, Deserialize)]
pub struct ReportPart {
    /// The digest of the policy that counted it.
    digest: String,
    at: DateTime<FixedOffset>,
    evaluated: u64,
    failed: u64,
    tally: Tally,
}

/// Its policy, instant and totals; the counts are many and say little printed.
impl std::fmt::Debug for ReportPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportPart")
            .field("digest", &self.digest)
            .field("at", &self.at)
            .field("evaluated", &self.evaluated)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

/// Why parts cannot merge or finish.
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    /// The bytes are not a part this version of Funnel wrote.
    #[error("not a report part written by this version of funnel ({0})")]
    Bytes(String),
    /// The part was counted by another policy (or another version of it).
    #[error("the report part was counted with policy {part}, not {policy}")]
    Policy {
        /// The part's policy digest.
        part: String,
        /// The digest of the policy it was given to.
        policy: String,
    },
    /// The parts were counted at different evaluation instants.
    #[error("the report parts were counted at different instants ({0} and {1})")]
    At(String, String),
}

/// What the bytes of a part start with: the format, and its version.
const MAGIC: &[u8] = b"funnel-report-part/1\n";

impl ReportPart {
    pub(super) fn new(
        policy: &Policy,
        at: DateTime<FixedOffset>,
        tally: Tally,
        evaluated: u64,
        failed: u64,
    ) -> ReportPart {
        ReportPart {
            digest: policy.digest().to_string(),
            at,
            evaluated,
            failed,
            tally,
        }
    }

    /// Leads evaluated into it.
    pub fn evaluated(&self) -> u64 {
        self.evaluated
    }

    /// Records (leads and table rows) that failed.
    pub fn failed(&self) -> u64 {
        self.failed
    }

    /// The evaluation instant its leads were counted at.
    pub fn at(&self) -> DateTime<FixedOffset> {
        self.at
    }

    /// The digest of the policy that counted it.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Adds the counts of `other`, which must come from the same policy at the same
    /// instant. Merging is associative and commutative: any grouping of the parts gives the
    /// same report.
    pub fn merge(&mut self, other: ReportPart) -> Result<(), PartError> {
        if other.digest != self.digest {
            return Err(PartError::Policy {
                part: other.digest,
                policy: self.digest.clone(),
            });
        }
        if other.at != self.at {
            return Err(PartError::At(self.at.to_rfc3339(), other.at.to_rfc3339()));
        }
        self.evaluated += other.evaluated;
        self.failed += other.failed;
        self.tally.absorb(other.tally);
        Ok(())
    }

    /// The report over every lead counted into the part, with the periods `range` asks
    /// for. `policy` must be the one that counted it.
    pub fn finish(self, policy: &Policy, range: &ReportRange) -> Result<Report, PartError> {
        if policy.digest() != self.digest {
            return Err(PartError::Policy {
                part: self.digest,
                policy: policy.digest().to_string(),
            });
        }
        Ok(self.into_report(policy, range))
    }

    /// [`finish`](Self::finish), for a part known to be the policy's.
    pub(crate) fn into_report(self, policy: &Policy, range: &ReportRange) -> Report {
        let plan = Plan::new(policy.compiled());
        self.tally
            .into_report(&plan, policy, self.at, range, self.evaluated, self.failed)
    }

    /// The part as bytes, to send to another process (a Spark executor to the driver).
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_extend(self, MAGIC.to_vec()).expect("a report part always serializes")
    }

    /// A part from the bytes [`to_bytes`](Self::to_bytes) wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<ReportPart, PartError> {
        let body = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| PartError::Bytes("it does not start as one".into()))?;
        postcard::from_bytes(body).map_err(|e| PartError::Bytes(e.to_string()))
    }
}

/// Counts that add up: `a.absorb(b)` holds what `a` and `b` held together.
pub(super) trait Merge {
    /// Adds `other`'s counts to these. (Not `merge`: `BTreeMap` may get one of its own.)
    fn absorb(&mut self, other: Self);
}

impl Merge for u64 {
    fn absorb(&mut self, other: u64) {
        *self += other;
    }
}

impl<A: Merge, B: Merge> Merge for (A, B) {
    fn absorb(&mut self, other: (A, B)) {
        self.0.absorb(other.0);
        self.1.absorb(other.1);
    }
}

/// Position by position (a figure per aggregate, per SLA).
impl<T: Merge> Merge for Vec<T> {
    fn absorb(&mut self, other: Vec<T>) {
        for (i, v) in other.into_iter().enumerate() {
            match self.get_mut(i) {
                Some(mine) => mine.absorb(v),
                None => self.push(v),
            }
        }
    }
}

/// Key by key: a period or segment only one side saw is taken as it is.
impl<K: Ord, V: Merge> Merge for BTreeMap<K, V> {
    fn absorb(&mut self, other: BTreeMap<K, V>) {
        for (k, v) in other {
            match self.entry(k) {
                Entry::Vacant(slot) => {
                    slot.insert(v);
                }
                Entry::Occupied(mut slot) => slot.get_mut().absorb(v),
            }
        }
    }
}

impl Merge for Acc {
    fn absorb(&mut self, other: Acc) {
        self.rows += other.rows;
        self.count += other.count;
        self.sum.merge(&other.sum);
        // Read sorted, so the order they are kept in does not matter.
        self.values.extend(other.values);
    }
}

impl Merge for SlaAcc {
    fn absorb(&mut self, other: SlaAcc) {
        self.applicable += other.applicable;
        self.met += other.met;
        self.met_late += other.met_late;
        self.breached += other.breached;
        self.open += other.open;
        self.times.extend(other.times);
    }
}

impl Merge for FunnelAcc {
    fn absorb(&mut self, other: FunnelAcc) {
        self.counts.absorb(other.counts);
        for (mine, theirs) in self.gaps.iter_mut().zip(other.gaps) {
            mine.extend(theirs);
        }
    }
}

impl Merge for Tally {
    fn absorb(&mut self, other: Tally) {
        self.commit.absorb(other.commit);
        self.metric_acc.absorb(other.metric_acc);
        self.funnel_by.absorb(other.funnel_by);
        self.funnel_all.absorb(other.funnel_all);
        self.funnel_seg_by.absorb(other.funnel_seg_by);
        self.funnel_seg_all.absorb(other.funnel_seg_all);
        self.sla_by.absorb(other.sla_by);
        self.sla_all.absorb(other.sla_all);
        self.sla_seg_by.absorb(other.sla_seg_by);
        self.sla_seg_all.absorb(other.sla_seg_all);
    }
}
