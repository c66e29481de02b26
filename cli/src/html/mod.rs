//! Self-contained HTML pages (`funnel report --format html`): inline CSS, inline SVG charts
//! and a few lines of script for sortable tables, so the file opens anywhere without a
//! network, prints, and can be attached to an email.

pub mod backtest;
pub mod chart;
pub mod locale;
mod page;
pub mod report;

pub use locale::Locale;
