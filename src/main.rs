//! The `tirscript` binary: a thin shell over `tirscript::cli`.

use clap::Parser;

fn main() {
    let cli = tirscript::cli::Cli::parse();
    std::process::exit(tirscript::cli::run(cli));
}
