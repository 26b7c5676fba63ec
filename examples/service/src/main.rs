//! Runs the example service: `SERVICE_CONFIG=config.json cargo run -p
//! salesflow-example-service` (listens on 127.0.0.1:8080, or `PORT`).
//!
//! The configuration is JSON (see `Config`):
//!
//! ```json
//! {
//!   "accounts": [
//!     {"account_id": 1001, "token": "...", "name": "Sales EU"},
//!     {"account_id": 1002, "token": "...", "name": "Sales US"}
//!   ],
//!   "public_url": "https://svc.example.com",
//!   "webhook_secret": "a long random string",
//!   "stats_timeout": 10000,
//!   "reconcile_every": 300000
//! }
//! ```

use salesflow_example_service::{start, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let path = std::env::var("SERVICE_CONFIG").map_err(|_| "set SERVICE_CONFIG to a JSON file")?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let config: Config = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let running = start(&config, listener).await?;
    tracing::info!("listening on http://{}", running.addr);
    tokio::signal::ctrl_c().await?;
    running.stop();
    Ok(())
}
