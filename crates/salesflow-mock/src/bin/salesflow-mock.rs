//! `salesflow-mock`: runs the mock Salesflow API server until killed.
//!
//! ```text
//! salesflow-mock [--host 127.0.0.1] [--port 8080] [--seed demo|empty] [--drift]
//! ```

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use salesflow_mock::{router, Fault, FaultKind, MockState, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};

const USAGE: &str =
    "usage: salesflow-mock [--host ADDR] [--port PORT] [--seed demo|empty] [--drift]

  --host ADDR   address to bind (default 127.0.0.1)
  --port PORT   port to bind (default 8080; 0 for a free one)
  --seed SEED   initial world: demo (default) or empty
  --drift       answer as a later API version might: extra fields, new enum values, new
                webhook payload fields (the drift mode, to rehearse drift reports)";

struct Args {
    host: IpAddr,
    port: u16,
    seed: Seed,
    drift: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        host: IpAddr::from([127, 0, 0, 1]),
        port: 8080,
        seed: Seed::Demo,
        drift: false,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (arg, None),
        };
        if name == "-h" || name == "--help" {
            return Err(String::new());
        }
        if name == "--drift" && inline.is_none() {
            parsed.drift = true;
            continue;
        }
        let value = match inline.or_else(|| args.next()) {
            Some(v) => v,
            None => return Err(format!("{name} needs a value")),
        };
        match name.as_str() {
            "--host" => {
                parsed.host = value
                    .parse()
                    .map_err(|_| format!("invalid --host `{value}`"))?
            }
            "--port" => {
                parsed.port = value
                    .parse()
                    .map_err(|_| format!("invalid --port `{value}`"))?
            }
            "--seed" => parsed.seed = value.parse()?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::new(args.host, args.port);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot bind {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let local = listener.local_addr().unwrap_or(addr);
    println!("salesflow-mock listening on http://{local}/api (control routes under /_mock)");
    if args.seed == Seed::Demo {
        println!("demo credentials: token={DEMO_TOKEN} accountId={DEMO_ACCOUNT_ID}");
    }
    let state = MockState::new(args.seed);
    if args.drift {
        if let Err(e) = state.inject(Fault::new(FaultKind::Drift)) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
        println!("drift mode: answers carry fields and values this SDK version does not know");
    }
    let app = router(state);
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        let args = parse(&[]).unwrap();
        assert_eq!(
            (args.host.to_string(), args.port, args.seed),
            ("127.0.0.1".into(), 8080, Seed::Demo)
        );
        let args = parse(&["--port", "0", "--host=0.0.0.0", "--seed", "empty"]).unwrap();
        assert_eq!(
            (args.host.to_string(), args.port, args.seed),
            ("0.0.0.0".into(), 0, Seed::Empty)
        );
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--seed", "full"]).is_err());
        assert!(parse(&["--verbose", "1"]).is_err());
        assert!(!parse(&[]).unwrap().drift);
        assert!(parse(&["--drift", "--port", "0"]).unwrap().drift);
        assert_eq!(parse(&["--help"]).err().as_deref(), Some(""));
    }
}
