//! One module per subcommand: glue a validated plan to the layers below and pick the writer.

pub mod aging;
pub mod apply;
pub mod disputes;
pub mod dso;
pub mod export;
pub mod ingest;
pub mod init;
pub mod log;
pub mod profiles;
pub mod source;
