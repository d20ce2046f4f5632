//! Serving a generated router over HTTP.
