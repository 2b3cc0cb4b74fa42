use clap::Parser;

fn main() -> std::process::ExitCode {
    deontic::cli::run(deontic::cli::Cli::parse())
}
