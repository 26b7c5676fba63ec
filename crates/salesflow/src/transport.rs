//! Why a request could not be sent or its answer not read: the cause of an
//! [`Error::Transport`](crate::Error::Transport), read from the HTTP stack's error chain.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::time::Duration;

/// The cause of a transport error (see [`Error::transport_cause`](crate::Error::transport_cause)).
///
/// Its `Display` is a short phrase for messages ("timed out after 30 s", "connection
/// refused"); it never holds a URL, so never the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportCause {
    /// No answer within the client's timeout (total or connect).
    Timeout {
        /// The client's total timeout, when the client knows it (`None` for an HTTP client
        /// given with [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)).
        after: Option<Duration>,
    },
    /// Nothing listens at the server's address (the connection was refused).
    ConnectionRefused,
    /// The server's host name could not be resolved.
    Dns,
    /// The TLS handshake failed (certificate, protocol, a server that does not speak TLS).
    Tls,
    /// The connection was reset or closed before the answer was complete.
    ConnectionReset,
    /// The answer does not start with an HTTP/1 status line (bytes that are not HTTP, an
    /// HTTP/0.9 answer, an invalid status code).
    InvalidStatusLine,
    /// The answer has a header that is not valid HTTP (or an invalid `Content-Length` or
    /// `Transfer-Encoding`).
    InvalidHeader,
    /// The answer's status line and headers are larger than the HTTP client accepts.
    HeaderTooLarge,
    /// The server kept redirecting: more redirects than the client follows.
    TooManyRedirects {
        /// How many redirects the client follows, when the client knows it (`None` for an
        /// HTTP client given with
        /// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)).
        limit: Option<usize>,
    },
    /// The proxy refused to open a tunnel to the server (its answer to `CONNECT` was not
    /// 200), or asked for credentials.
    ProxyRefused,
    /// The connection closed before the whole body of the answer was received (fewer bytes
    /// than its `Content-Length`, a chunked body without its end).
    BodyCutShort,
    /// Anything else (see the error's source for details).
    Other,
}

impl TransportCause {
    /// The cause of `err`, an error of the HTTP client whose total timeout is `timeout`.
    pub fn of(err: &reqwest::Error, timeout: Option<Duration>) -> Self {
        // Also an `io::Error` of kind `TimedOut` anywhere in the chain.
        if err.is_timeout() {
            return TransportCause::Timeout { after: timeout };
        }
        if err.is_redirect() {
            return TransportCause::TooManyRedirects { limit: None };
        }
        let chain =
            || std::iter::successors(Some(err as &(dyn StdError + 'static)), |e| (*e).source());
        // The HTTP/1 parser's own verdict on the answer's head.
        if let Some(cause) = chain()
            .filter_map(|e| e.downcast_ref::<hyper::Error>())
            .find_map(head_error)
        {
            return cause;
        }
        // A body cut short: an end of file while reading the body.
        let eof = chain().any(|e| {
            e.downcast_ref::<io::Error>()
                .is_some_and(|io| io.kind() == io::ErrorKind::UnexpectedEof)
        });
        if eof && (err.is_body() || err.is_decode()) {
            return TransportCause::BodyCutShort;
        }
        let mut texts = Vec::new();
        let mut next: Option<&(dyn StdError + 'static)> = Some(err);
        while let Some(e) = next {
            if let Some(io) = e.downcast_ref::<io::Error>() {
                match io.kind() {
                    io::ErrorKind::ConnectionRefused => return TransportCause::ConnectionRefused,
                    io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::BrokenPipe
                    | io::ErrorKind::UnexpectedEof => {
                        // A TLS failure can surface as an early EOF during the handshake:
                        // decided from the texts below.
                        texts.push("connection reset".to_owned());
                    }
                    _ => {}
                }
            }
            texts.push(e.to_string().to_ascii_lowercase());
            next = e.source();
        }
        let any = |needles: &[&str]| texts.iter().any(|t| needles.iter().any(|n| t.contains(n)));
        if any(&["connection refused"]) {
            TransportCause::ConnectionRefused
        } else if any(&["tunnel error", "proxy authorization required"]) {
            TransportCause::ProxyRefused
        } else if any(&[
            "dns error",
            "failed to lookup address",
            "name or service not known",
            "no such host",
            "nodename nor servname",
            "temporary failure in name resolution",
        ]) {
            TransportCause::Dns
        } else if any(&[
            "certificate",
            "tls",
            "ssl",
            "handshake",
            "invalidcontenttype",
            "corrupt message",
        ]) {
            TransportCause::Tls
        } else if any(&[
            "connection reset",
            "connection closed before message completed",
            "broken pipe",
            "connection aborted",
            "incomplete message",
            "unexpected eof",
        ]) {
            TransportCause::ConnectionReset
        } else {
            TransportCause::Other
        }
    }
}

/// What the HTTP/1 parser says of an answer's head, if it is a parse error.
fn head_error(err: &hyper::Error) -> Option<TransportCause> {
    if !err.is_parse() {
        return None;
    }
    // `is_parse_too_large` is only built with hyper's server side: its message tells it.
    let text = err.to_string();
    Some(if text.contains("too large") {
        TransportCause::HeaderTooLarge
    } else if err.is_parse_status() || text.contains("version") {
        TransportCause::InvalidStatusLine
    } else {
        TransportCause::InvalidHeader
    })
}

impl fmt::Display for TransportCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportCause::Timeout { after: Some(d) } => {
                let secs = d.as_secs_f64();
                if d.subsec_millis() == 0 {
                    write!(f, "timed out after {} s", d.as_secs())
                } else {
                    write!(f, "timed out after {secs:.1} s")
                }
            }
            TransportCause::Timeout { after: None } => f.write_str("timed out"),
            TransportCause::ConnectionRefused => f.write_str("connection refused"),
            TransportCause::Dns => f.write_str("DNS failure: the host name could not be resolved"),
            TransportCause::Tls => f.write_str("TLS failure"),
            TransportCause::ConnectionReset => {
                f.write_str("connection reset before the answer was complete")
            }
            TransportCause::InvalidStatusLine => {
                f.write_str("the answer has no valid HTTP/1 status line (not HTTP, or HTTP/0.9)")
            }
            TransportCause::InvalidHeader => f.write_str("the answer has an invalid header"),
            TransportCause::HeaderTooLarge => {
                f.write_str("the answer's headers are larger than the client accepts")
            }
            TransportCause::TooManyRedirects { limit: Some(n) } => {
                write!(f, "redirect loop: more than {n} redirects")
            }
            TransportCause::TooManyRedirects { limit: None } => {
                f.write_str("redirect loop: too many redirects")
            }
            TransportCause::ProxyRefused => {
                f.write_str("the proxy refused to open a tunnel to the server")
            }
            TransportCause::BodyCutShort => f.write_str(
                "the body of the answer was cut short (the connection closed before its end)",
            ),
            TransportCause::Other => f.write_str("transport failure"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error reqwest returns when the body of a request fails with `io` (a way to have
    /// reqwest wrap an `io::Error` of a chosen kind and text, as a socket's would be).
    async fn reqwest_error_around(io: io::Error) -> reqwest::Error {
        // A listening socket: the kernel accepts the connection, the body is then polled.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let mut io = Some(io);
        let body = futures_util::stream::poll_fn(move |_| {
            std::task::Poll::Ready(io.take().map(Err::<Vec<u8>, io::Error>))
        });
        reqwest::Client::new()
            .post(url)
            .body(reqwest::Body::wrap_stream(body))
            .send()
            .await
            .unwrap_err()
    }

    #[tokio::test]
    async fn the_kind_of_an_io_error_decides_whatever_its_text() {
        let timeout = Some(Duration::from_secs(7));
        // Texts no fallback recognises, as on platforms whose wording differs.
        let err = reqwest_error_around(io::Error::new(io::ErrorKind::TimedOut, "op expired")).await;
        assert_eq!(
            TransportCause::of(&err, timeout),
            TransportCause::Timeout { after: timeout }
        );
        let refused = io::Error::new(
            io::ErrorKind::ConnectionRefused,
            "No connection could be made because the target machine actively refused it.",
        );
        let err = reqwest_error_around(refused).await;
        assert_eq!(
            TransportCause::of(&err, timeout),
            TransportCause::ConnectionRefused
        );
        // Any other kind with such a text is not guessed at.
        let err = reqwest_error_around(io::Error::other("op expired")).await;
        assert_eq!(TransportCause::of(&err, timeout), TransportCause::Other);
    }

    #[test]
    fn phrases() {
        let t = |after| TransportCause::Timeout { after }.to_string();
        assert_eq!(t(Some(Duration::from_secs(30))), "timed out after 30 s");
        assert_eq!(
            t(Some(Duration::from_millis(1500))),
            "timed out after 1.5 s"
        );
        assert_eq!(t(None), "timed out");
        assert_eq!(
            TransportCause::ConnectionRefused.to_string(),
            "connection refused"
        );
    }
}
