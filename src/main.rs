use clap::Parser;

fn main() {
    let cli = arx::cli::Cli::parse();
    if let Err(e) = arx::run(cli) {
        let code = e.exit_code();
        match &e {
            arx::ArxError::Runtime(err) => eprintln!("arx: error: {err:#}"),
            // file:row:column lines first, grep-able like a compiler's; the summary line names arx.
            arx::ArxError::Input(issues) => eprintln!("{issues}"),
            other => eprintln!("arx: error: {other}"),
        }
        std::process::exit(code);
    }
}
