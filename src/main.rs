use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = arx::cli::Cli::parse();
    match arx::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `arx export invoices | head -1`: the reader has all it wanted; that is success, and
        // cron must not mail noise about it.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            match &e {
                arx::ArxError::Runtime(err) => eprintln!("arx: error: {err:#}"),
                // file:row:column lines first, grep-able like a compiler's; the summary line names arx.
                arx::ArxError::Input(issues) => eprintln!("{issues}"),
                other => eprintln!("arx: error: {other}"),
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
