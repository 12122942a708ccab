//! The `tirscript` binary: a thin shell over `tirscript::cli`.
//!
//! Output written to a closed pipe (`tirscript lower k.tir | head`) ends the process quietly, as
//! it does for other Unix tools: Rust ignores SIGPIPE, which turns the closed pipe into a panic
//! inside `println!`, so the default action is restored before anything is printed.

use clap::Parser;

#[cfg(unix)]
fn restore_default_sigpipe() {
    unsafe extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    // SAFETY: `signal` is the C library's, called once before any thread starts, with the
    // default disposition (no Rust handler runs in signal context).
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

fn main() {
    #[cfg(unix)]
    restore_default_sigpipe();
    let cli = tirscript::cli::Cli::parse();
    std::process::exit(tirscript::cli::run(cli));
}
