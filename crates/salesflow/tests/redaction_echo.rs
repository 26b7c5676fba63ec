//! The token never leaks from any error, whatever it is and however a server echoes it: a
//! property test drives arbitrary tokens (printable ASCII, `+/=%&#`, quotes, spaces) through
//! every error path of the public API (an error page in text, HTML, JSON, an ASP.NET
//! ProblemDetails, a `StatusMessage` under HTTP 200, an undecodable answer, an undocumented
//! status, a redirect loop, a bad base URL), the server echoing the token in every form
//! (as is, percent-encoded either case with `+` or `%20`, decoded, JSON-, HTML- and
//! Rust-escaped), cut at any position, behind any amount of padding (so that the
//! 200-character summaries cut across it too), and finds no run of 12 bytes of it in any
//! text of the error.

#[path = "../../salesflow-token/tests/echo/mod.rs"]
mod echo;

use std::time::Duration;

use axum::extract::{Path, RawQuery};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use echo::{echoes, token, Runs};
use proptest::prelude::*;
use salesflow::{Client, Error, RetryPolicy};

/// What the server answers, by `mode`, around `echo`.
fn answer(mode: usize, echo: &str) -> Response {
    let with = |status: u16, kind: &'static str, body: String| {
        (
            StatusCode::from_u16(status).unwrap(),
            [(header::CONTENT_TYPE, kind)],
            body,
        )
            .into_response()
    };
    match mode {
        0 => with(500, "text/plain", format!("{echo} end")),
        1 => with(
            502,
            "text/html",
            format!("<html><head><title>{echo}</title></head><body><p>{echo}</p></body></html>"),
        ),
        2 => with(
            400,
            "application/json",
            format!(r#"{{"Status":400,"Message":"{echo}"}}"#),
        ),
        3 => with(
            400,
            "application/problem+json",
            format!(
                r#"{{"title":"One or more validation errors occurred.","status":400,"errors":{{"token":["The value '{echo}' is not valid."]}}}}"#
            ),
        ),
        4 => with(
            200,
            "application/json",
            format!(r#"{{"Status":401,"Message":"Invalid token '{echo}'"}}"#),
        ),
        5 => with(
            200,
            "application/json",
            format!(r#"[{{"CampaignId":"{echo}","CampaignName":"{echo}"}}]"#),
        ),
        6 => with(203, "text/plain", echo.to_owned()),
        _ => (
            StatusCode::FOUND,
            [(header::LOCATION, format!("/loop?echo={echo}"))],
        )
            .into_response(),
    }
}

const MODES: usize = 8;

/// `/{mode}/{form}/{cut}/{prefix}/{pad}/api/...?token=...`: the token of the query, echoed
/// in form `form`, cut at `cut` (its beginning kept when `prefix` is 1), behind `pad`
/// padding characters.
async fn echo_server(
    Path((mode, form, cut, prefix, pad, _rest)): Path<(usize, usize, usize, u8, usize, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let token = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let (_, echo) = echoes(&token).swap_remove(form);
    let cut = (0..=cut.min(echo.len()))
        .rev()
        .find(|&c| echo.is_char_boundary(c))
        .unwrap_or(0);
    let kept = if prefix == 1 {
        &echo[..cut]
    } else {
        &echo[cut..]
    };
    answer(mode, &format!("{}{kept}", "·".repeat(pad)))
}

/// Every text of `err` a program or a person may see: the fields as the SDK writes them, its
/// `Display` texts (and its sources'), and its `Debug` renderings, which escape what the SDK
/// wrote (after it was redacted). No run of `MIN_RUN` of the token's characters may show in
/// any of them, as is or decoded (`Runs::leaked_characters`: the issue's measure; in a `Debug`
/// rendering, `Runs::leaked_in_debug`, without the rendering's own string delimiters). The fields, which nothing
/// re-encodes, are also held to runs of the token's escaped forms; a `Display` can quote a
/// field with escapes (an undecodable body's start, shown with `{:?}`), which may grow a run of
/// fewer than `MIN_RUN` characters into `MIN_RUN` bytes of an escaped form.
fn texts(err: &Error) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut out = Vec::new();
    let mut shown = vec![err.to_string()];
    let mut debug = vec![format!("{err:?}"), format!("{err:#?}")];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        shown.push(s.to_string());
        debug.push(format!("{s:?}"));
        source = s.source();
    }
    if let Some(api) = err.as_api() {
        out.extend(api.message.clone());
        out.extend(
            api.body
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned()),
        );
    }
    if let Error::Decode { snippet, .. } = err {
        out.push(snippet.clone());
    }
    (out, shown, debug)
}

struct Server {
    base: String,
    http: salesflow::reqwest::Client,
    rt: tokio::runtime::Runtime,
}

fn server() -> &'static Server {
    static SERVER: std::sync::OnceLock<Server> = std::sync::OnceLock::new();
    SERVER.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let base = rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let app = axum::Router::new()
                .route(
                    "/{mode}/{form}/{cut}/{prefix}/{pad}/api/{*rest}",
                    axum::routing::any(echo_server),
                )
                .route(
                    "/loop",
                    axum::routing::any(|RawQuery(q): RawQuery| async move {
                        (
                            StatusCode::FOUND,
                            [(header::LOCATION, format!("/loop?{}", q.unwrap_or_default()))],
                        )
                    }),
                );
            tokio::spawn(async move { axum::serve(listener, app).await });
            base
        });
        let http = salesflow::reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Server { base, http, rt }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn no_error_shows_a_run_of_the_token(
        token in token(),
        cut in 0usize..120,
        prefix in 0u8..2,
        pad in 0usize..=220,
    ) {
        let s = server();
        let trimmed = token.trim();
        let forms = echoes(trimmed).len();
        let runs = Runs::of(trimmed);
        for mode in 0..MODES {
            for form in 0..forms {
                let base = format!("{}/{mode}/{form}/{cut}/{prefix}/{pad}/api", s.base);
                let client = Client::builder()
                    .token(&token)
                    .account_id(321)
                    .base_url(&base)
                    .http_client(s.http.clone())
                    .retry_policy(RetryPolicy::none())
                    .build()
                    .unwrap();
                let err = s.rt.block_on(client.list_campaigns().send()).unwrap_err();
                let (written, shown, debug) = texts(&err);
                for text in written {
                    prop_assert_eq!(runs.leaked(&text), None, "mode {} form {}: {}", mode, form, text);
                }
                for text in shown {
                    prop_assert_eq!(runs.leaked_characters(&text), None, "mode {} form {}: {}", mode, form, text);
                }
                for text in debug {
                    prop_assert_eq!(runs.leaked_in_debug(&text), None, "mode {} form {}: {}", mode, form, text);
                }
            }
        }
        // A base URL that holds the token in a query it may not have.
        for (_, echo) in echoes(trimmed) {
            let err = Client::builder()
                .token(&token)
                .base_url(format!("http://127.0.0.1:1/api?key={echo}"))
                .build()
                .unwrap_err();
            prop_assert!(matches!(err, Error::Config(_)), "{:?}", err);
            let (written, shown, debug) = texts(&err);
            for text in written {
                prop_assert_eq!(runs.leaked(&text), None, "{}", text);
            }
            for text in shown {
                prop_assert_eq!(runs.leaked_characters(&text), None, "{}", text);
            }
            for text in debug {
                prop_assert_eq!(runs.leaked_in_debug(&text), None, "{}", text);
            }
        }
    }
}
