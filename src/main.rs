use clap::Parser;

use connect_right::cli::{AdminCommand, Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    connect_right::telemetry::init();
    let result = match cli.command {
        Command::Serve(args) => args
            .settings()
            .map_err(anyhow::Error::from)
            .and_then(connect_right::startup::run),
        Command::Admin(AdminCommand::Create(args)) => connect_right::admin_cli::create_admin(&args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("connect-right: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
