//! Prints the webhook payload's JSON Schema (what `cargo xtask codegen` checks in as
//! `schema/webhook-payload.schema.json`):
//! `cargo run -p salesflow-webhook-types --features schemars --example payload_schema`.

fn main() -> Result<(), serde_json::Error> {
    let schema = salesflow_webhook_types::webhook_payload_schema();
    println!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(())
}
