mod common;
mod ingest_behaviour;
mod ingest_validation;
mod crash_safety;
