//! The `salesflow` command; everything is in the `salesflow_cli` library.

fn main() {
    std::process::exit(salesflow_cli::main_entry());
}
