use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = thinkbaby::cli::args::Cli::parse();
    match thinkbaby::cli::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", thinkbaby::text::clean_multiline(&failure.message));
            ExitCode::from(failure.code)
        }
    }
}
