mod aging;
mod common;
mod crash_safety;
mod dso;
mod ingest_behaviour;
mod ingest_validation;
mod review_regressions;
mod synth_roundtrip;
