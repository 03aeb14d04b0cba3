//! arx: an accounts-receivable toolkit over ERP exports. `main` parses arguments and calls
//! [`run`]; everything else lives here, layered as README.md's architecture section describes.

pub mod bank;
pub mod cli;
pub mod cmd;
pub mod dates;
pub mod error;
pub mod files;
pub mod frame;
pub mod hostile;
pub mod ingest;
pub mod ledger;
pub mod limits;
pub mod loader;
pub mod matching;
pub mod model;
pub mod money;
pub mod output;
pub mod progress;
pub mod report;
pub mod store;
pub mod workspace;

use cli::{Cli, Command, Globals};
pub use error::{ArxError, Result};

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let g = Globals::from_cli(&cli);
    match cli.command {
        Command::Init(a) => cmd::init::run(&g, a),
        Command::Ingest(a) => cmd::ingest::run(&g, a),
        Command::Export(a) => cmd::export::run(&g, a),
        Command::Log(a) => cmd::log::run(&g, a),
        Command::Aging(a) => cmd::aging::run(&g, a),
        Command::Dso(a) => cmd::dso::run(&g, a),
        Command::Apply(a) => cmd::apply::run(&g, a),
        Command::Profiles(a) => cmd::profiles::run(&g, a),
        Command::Disputes(a) => cmd::disputes::run(&g, a),
    }
}
