//! The client's endpoint glue: the endpoint of a service under a configuration, from its
//! compiled endpoint rules (see the crate's `endpoint` module) or the default host name, as
//! a URI and the headers the rules attach, and the host prefixes operations may put before
//! it. Nothing here evaluates rules itself.

use std::fmt;

use http::header::{HeaderName, HeaderValue};

use super::config::Config;
use crate::base::meta::ServiceMeta;

/// The endpoint of `service` under `config`, and the headers it asks for. With endpoint
/// rules, an error rule's message is kept word for word in the error.
pub(super) fn resolve_endpoint(
    service: &ServiceMeta,
    config: &Config,
) -> Result<(http::Uri, Vec<(HeaderName, HeaderValue)>), String> {
    let Some(rules) = service.endpoint_rules else {
        let text = match &config.endpoint_url {
            Some(url) => url.clone(),
            None => format!(
                "https://{}.{}.amazonaws.com/",
                service.endpoint_prefix,
                config.region.as_deref().unwrap_or("us-east-1")
            ),
        };
        return Ok((endpoint_uri(&text)?, Vec::new()));
    };
    let cannot = |e: &dyn fmt::Display| format!("cannot resolve the endpoint: {e}");
    let endpoint = rules
        .resolve_built_ins(&crate::endpoint::BuiltIns {
            region: config.region.as_deref(),
            use_fips: config.use_fips,
            use_dual_stack: config.use_dual_stack,
            endpoint: config.endpoint_url.as_deref(),
        })
        .map_err(|e| cannot(&e))?;
    let mut headers = Vec::new();
    for (name, values) in &endpoint.headers {
        let name = HeaderName::try_from(name.as_str()).map_err(|e| {
            cannot(&format!(
                "the rules give an invalid header name `{name}`: {e}"
            ))
        })?;
        for value in values {
            let value = HeaderValue::try_from(value.as_str()).map_err(|e| {
                cannot(&format!(
                    "the rules give an invalid value for header `{name}`: {e}"
                ))
            })?;
            headers.push((name.clone(), value));
        }
    }
    Ok((endpoint_uri(&endpoint.url)?, headers))
}

/// Parses an endpoint URL. Requests go to its path as a directory, so `https://host/base`
/// sends to `/base/`; the query is kept.
fn endpoint_uri(text: &str) -> Result<http::Uri, String> {
    let invalid = |e: &dyn fmt::Display| format!("invalid endpoint URL `{text}`: {e}");
    let uri = text.parse::<http::Uri>().map_err(|e| invalid(&e))?;
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(invalid(
            &"it needs a scheme and a host, as in `https://host`",
        ));
    }
    if uri.path().ends_with('/') {
        return Ok(uri);
    }
    let mut parts = uri.into_parts();
    let path_and_query = match parts.path_and_query.as_ref() {
        Some(pq) => match pq.query() {
            Some(q) => format!("{}/?{q}", pq.path()),
            None => format!("{}/", pq.path()),
        },
        None => "/".to_owned(),
    };
    parts.path_and_query = Some(path_and_query.parse().map_err(|e| invalid(&e))?);
    http::Uri::from_parts(parts).map_err(|e| invalid(&e))
}

/// `uri` with `prefix` prepended to its host, checking that every label of the new host is
/// 1 to 63 letters, digits or hyphens.
pub(super) fn with_host_prefix(uri: &http::Uri, prefix: &str) -> Result<http::Uri, String> {
    let host_labels = prefix.strip_suffix('.').unwrap_or(prefix);
    for label in host_labels.split('.') {
        let valid = (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !valid {
            return Err(format!(
                "the host prefix `{prefix}` is not a valid host name: label `{label}` must be 1 to 63 letters, digits or hyphens"
            ));
        }
    }
    let mut parts = uri.clone().into_parts();
    let authority = match &parts.authority {
        Some(a) => format!("{prefix}{a}"),
        None => return Err("the endpoint URL has no host to prefix".to_owned()),
    };
    parts.authority = Some(
        authority
            .parse()
            .map_err(|e| format!("the host prefix `{prefix}` makes an invalid host: {e}"))?,
    );
    http::Uri::from_parts(parts).map_err(|e| format!("the host prefix `{prefix}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_paths_are_directories() {
        let uri = |text: &str| endpoint_uri(text).map(|u| u.to_string());
        assert_eq!(
            uri("https://example.com"),
            Ok("https://example.com/".to_owned())
        );
        assert_eq!(
            uri("https://example.com/custom"),
            Ok("https://example.com/custom/".to_owned())
        );
        assert_eq!(
            uri("http://localhost:8080/a/?x=1"),
            Ok("http://localhost:8080/a/?x=1".to_owned())
        );
        assert!(uri("example.com").unwrap_err().contains("scheme"));
    }

    #[test]
    fn host_prefixes_go_before_the_host_and_must_be_host_labels() {
        let base = endpoint_uri("https://example.com:8443/base").unwrap();
        assert_eq!(
            with_host_prefix(&base, "foo.bar.").map(|u| u.to_string()),
            Ok("https://foo.bar.example.com:8443/base/".to_owned())
        );
        for bad in ["foo..", "a_b.", "has space.", "x/y."] {
            let err = with_host_prefix(&base, bad).unwrap_err();
            assert!(err.contains("not a valid host name"), "{bad}: {err}");
        }
    }
}
