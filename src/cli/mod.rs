//! The `tirscript` command line: argument parsing with clap and one thin function per verb.
//!
//! Every verb calls library functions of the other modules; no logic that a library user would need
//! lives here.

use clap::{Parser, Subcommand};

/// A Python-free toolchain for TVMScript, the text form of Apache TVM's tensor IR.
#[derive(Debug, Parser)]
#[command(name = "tirscript", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The verbs of the command line.
#[derive(Debug, Subcommand)]
pub enum Command {}

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        None => {
            use clap::CommandFactory;
            // Printing help can only fail on a closed stdout, where nothing more can be said.
            let _ = Cli::command().print_help();
            0
        }
    }
}
