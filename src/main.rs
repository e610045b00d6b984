use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = thinkbaby::cli::Cli::parse();
    match thinkbaby::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", thinkbaby::text::clean_multiline(&failure.message));
            ExitCode::from(failure.code)
        }
    }
}
