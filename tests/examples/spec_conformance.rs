//! Calls every operation of the spec through the SDK against a server that answers what the
//! spec allows (Prism in dynamic mode, started by `.ci/prism-check`), for several rounds, and
//! fails if the SDK cannot decode an answer: the spec must say exactly what the decoders
//! accept.
//!
//! Usage: `spec_conformance BASE_URL [ROUNDS]`. Exit 0 when every answer decoded; 1 with the
//! list of failures otherwise.
//!
//! An answer that decodes into an error is fine (Prism may generate a `StatusMessage` whose
//! `Status` is 400 or more, which the SDK reports as `Error::Api` under HTTP 200); a body the
//! SDK cannot decode, or a request Prism refuses (HTTP 4xx from its request validation: the
//! SDK sent something the spec does not allow), is a failure.

use std::process::ExitCode;

use salesflow::{AnyRequest, CallOptions, Client, Error, Operation, RetryPolicy};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(base_url) = args.next() else {
        eprintln!("usage: spec_conformance BASE_URL [ROUNDS]");
        return ExitCode::from(2);
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let client = match Client::builder()
        .token("prism-token")
        .account_id(321)
        .base_url(&base_url)
        .retry_policy(RetryPolicy::none())
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            eprintln!("cannot build the client: {e}");
            return ExitCode::from(2);
        }
    };
    let mut failures = Vec::new();
    let mut calls = 0usize;
    for round in 1..=rounds {
        for op in Operation::ALL {
            let request = match AnyRequest::example(*op) {
                Ok(request) => request,
                Err(e) => {
                    failures.push(format!("{op}: the spec's examples do not decode: {e}"));
                    continue;
                }
            };
            calls += 1;
            match request.send_json(&client, CallOptions::default()).await {
                Ok(_) => {}
                Err(Error::Api(e)) if e.status == 200 => {} // an error StatusMessage under 200
                Err(Error::Api(e)) if e.status >= 500 => {} // a generated 5xx is not our concern
                Err(e) => failures.push(format!("round {round}, {op}: {e}")),
            }
        }
    }
    if failures.is_empty() {
        println!(
            "spec conformance: {calls} calls over {rounds} rounds of {} operations, every answer decoded",
            Operation::ALL.len()
        );
        ExitCode::SUCCESS
    } else {
        for f in &failures {
            eprintln!("FAIL {f}");
        }
        eprintln!(
            "spec conformance: {} failures in {calls} calls",
            failures.len()
        );
        ExitCode::from(1)
    }
}
