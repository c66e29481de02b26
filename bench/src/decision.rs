//! Writes a hand-written result as the decision line `funnel eval` prints for it, byte for
//! byte (`funnel eval bench/lead-scoring-v1 FILE --at ... --jobs 1`).
//!
//! Everything but the lead's id, scores, lets, grade and stage is the same on every line, so
//! it is rendered once; the rest is written straight into the output. Scores are whole
//! numbers, and `funnel eval` prints them as floats (`-60.0`), so they are written with `.0`.

use crate::handwritten::{Lead, Scored, POLICY_NAME, POLICY_VERSION};
use chrono::{DateTime, FixedOffset};
use std::io::{self, Write};

/// Writes decision lines for one policy digest and evaluation instant.
#[derive(Debug, Clone)]
pub struct DecisionWriter {
    /// From after the lead's id to the first score's value: policy stamp, instant, personas.
    middle: Vec<u8>,
}

impl DecisionWriter {
    /// `digest` is the policy's (`funnel_engine::Policy::digest`): it is stamped on every
    /// line. `at` is written as the engine writes it (RFC 3339, `+00:00` rather than `Z`).
    pub fn new(digest: &str, at: DateTime<FixedOffset>) -> DecisionWriter {
        let text = |s: &str| serde_json::to_string(s).expect("a string serializes");
        let middle = format!(
            r#","policy":{{"name":{},"version":{POLICY_VERSION},"digest":{}}},"at":{},"personas":{{}},"scores":{{"fit":"#,
            text(POLICY_NAME),
            text(digest),
            text(&at.to_rfc3339()),
        );
        DecisionWriter {
            middle: middle.into_bytes(),
        }
    }

    /// Writes one lead's decision, ending with a newline.
    pub fn write(&self, out: &mut impl Write, lead: &Lead, s: &Scored) -> io::Result<()> {
        out.write_all(br#"{"lead":"#)?;
        serde_json::to_writer(&mut *out, &lead.id)?;
        out.write_all(&self.middle)?;
        writeln!(
            out,
            r#"{}.0,"activity":{}.0,"engagement":{}.0}},"grades":{{"fit":"{}"}},"values":{{"half_quiet":{},"gone_quiet":{}}},"stage":"{stage}","reached":"{stage}","route":null,"sla":{{}}}}"#,
            s.fit,
            s.activity,
            s.engagement,
            s.grade.as_str(),
            s.half_quiet,
            s.gone_quiet,
            // The workload's stages have no exclusion: the furthest stage is the stage.
            stage = s.stage.as_str(),
        )
    }
}
