//! Reports: each builds tables of numbers from the ledger and knows nothing of xlsx, csv or
//! terminals. Writers (`output`, `report::xlsx`) print what reports built.

pub mod aging;
pub mod aging_out;
pub mod apply;
pub mod apply_out;
pub mod behaviour;
pub mod disputes;
pub mod dso;
pub mod kpi_out;
pub mod xlsx;
