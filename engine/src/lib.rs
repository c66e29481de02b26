//! Funnel's engine.
