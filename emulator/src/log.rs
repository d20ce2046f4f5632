//! The request log: one line per answered request on standard error, filtered by a level the
//! user sets (`--log-level` or `COGNITO_LOCAL_LOG`).
//!
//! Standard output is kept for the URL line alone, so a program that starts the emulator and
//! reads its first line never has to drain a stream of log lines.

use std::io::Write;
use std::str::FromStr;
use std::time::SystemTime;

use aws_json_runtime::server::http_server::RequestLog;
use aws_json_runtime::DateTime;

/// Which lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Nothing.
    Off,
    /// Requests answered with a server fault (5xx) only.
    Error,
    /// Also requests answered with a client error (4xx).
    Warn,
    /// Every request (the default).
    Info,
    /// Every request, with its request id and client address.
    Debug,
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "off" | "none" => Ok(Level::Off),
            "error" => Ok(Level::Error),
            "warn" | "warning" => Ok(Level::Warn),
            "info" => Ok(Level::Info),
            "debug" | "trace" => Ok(Level::Debug),
            other => Err(format!(
                "unknown log level `{other}` (use off, error, warn, info or debug)"
            )),
        }
    }
}

/// The line for one request at `level`, or `None` when the level hides it.
pub fn format_request(level: Level, entry: &RequestLog<'_>) -> Option<String> {
    let line_level = if entry.status.is_server_error() {
        Level::Error
    } else if entry.status.is_client_error() {
        Level::Warn
    } else {
        Level::Info
    };
    if level < line_level {
        return None;
    }
    let prefix = prefix(line_level);
    let operation = entry
        .operation
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{} {}", entry.method, entry.uri.path()));
    let mut line = format!(
        "{prefix} {operation} {} {:.2}ms",
        entry.status.as_u16(),
        entry.latency.as_secs_f64() * 1000.0
    );
    if let Some(error) = entry.error_type {
        line.push(' ');
        line.push_str(error);
    }
    if level >= Level::Debug {
        line.push_str(&format!(" request_id={}", entry.request_id));
        if let Some(peer) = entry.peer {
            line.push_str(&format!(" peer={peer}"));
        }
    }
    Some(line)
}

/// Writes a line about the emulator itself (not a request) at `line_level` to standard
/// error, if `level` shows it: what start-up decided, such as which providers' signatures are
/// verified.
pub fn note(level: Level, line_level: Level, message: &str) {
    if level < line_level || line_level == Level::Off {
        return;
    }
    let _ = writeln!(std::io::stderr().lock(), "{} {message}", prefix(line_level));
}

/// What every line starts with: the time and the line's level.
fn prefix(line_level: Level) -> String {
    let time = DateTime::from(SystemTime::now())
        .to_rfc3339()
        .unwrap_or_default();
    let name = match line_level {
        Level::Error => "ERROR",
        Level::Warn => "WARN ",
        Level::Debug => "DEBUG",
        _ => "INFO ",
    };
    format!("{time} {name}")
}

/// Writes the line for one request to standard error, if `level` shows it.
pub fn request(level: Level, entry: &RequestLog<'_>) {
    if let Some(line) = format_request(level, entry) {
        // A closed standard error must not take the server down with it.
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{Method, StatusCode, Uri};
    use std::time::Duration;

    fn entry(status: StatusCode, error_type: Option<&str>) -> String {
        let method = Method::POST;
        let uri = Uri::from_static("/");
        let log = RequestLog {
            request_id: "rid",
            peer: None,
            method: &method,
            uri: &uri,
            operation: Some("GetId"),
            status,
            error_type,
            latency: Duration::from_micros(1500),
        };
        format_request(Level::Info, &log).unwrap_or_default()
    }

    #[test]
    fn a_line_names_the_operation_status_and_time() {
        let line = entry(StatusCode::OK, None);
        assert!(line.contains("INFO  GetId 200 1.50ms"), "{line}");
        let line = entry(StatusCode::BAD_REQUEST, Some("NotAuthorizedException"));
        assert!(
            line.ends_with("GetId 400 1.50ms NotAuthorizedException"),
            "{line}"
        );
    }

    #[test]
    fn levels_parse_and_order() {
        assert_eq!("WARN".parse::<Level>(), Ok(Level::Warn));
        assert!("loud".parse::<Level>().is_err());
        assert!(Level::Debug > Level::Info && Level::Error > Level::Off);
    }
}
