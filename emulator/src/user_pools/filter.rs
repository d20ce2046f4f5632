//! The `Filter` of `ListUsers`: `attribute = "value"` (exact) or `attribute ^= "value"`
//! (prefix), on the attributes Cognito lets one search by. An empty filter lists everyone.

use super::store::User;
use super::PoolFault;

/// The attributes `ListUsers` can filter on.
pub const SEARCHABLE: [&str; 11] = [
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
    "status",
];

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    attribute: String,
    prefix: bool,
    value: String,
}

/// Reads a filter; `None` for an empty one.
pub fn parse(text: &str) -> Result<Option<Filter>, PoolFault> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || PoolFault::invalid_parameter("Error while parsing filter.");
    let (attribute, prefix, rest) = if let Some((a, r)) = text.split_once("^=") {
        (a, true, r)
    } else if let Some((a, r)) = text.split_once('=') {
        (a, false, r)
    } else {
        return Err(bad());
    };
    let attribute = attribute.trim().trim_matches('"');
    if attribute.is_empty() {
        return Err(bad());
    }
    if !SEARCHABLE.contains(&attribute) {
        return Err(PoolFault::invalid_parameter(format!(
            "Invalid search attribute: {attribute}"
        )));
    }
    let rest = rest.trim();
    let value = rest
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or_else(bad)?;
    if value.contains('"') {
        return Err(bad());
    }
    Ok(Some(Filter {
        attribute: attribute.to_owned(),
        prefix,
        value: value.to_owned(),
    }))
}

impl Filter {
    /// Whether `user` passes.
    pub fn matches(&self, user: &User) -> bool {
        let enabled = if user.enabled { "Enabled" } else { "Disabled" };
        let actual = match self.attribute.as_str() {
            "username" => Some(user.username.as_str()),
            "cognito:user_status" => Some(user.status.as_str()),
            "status" => Some(enabled),
            other => user.attributes.get(other).map(String::as_str),
        };
        match actual {
            Some(v) if self.prefix => v.starts_with(&self.value),
            Some(v) => v == self.value,
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn user(name: &str, email: &str) -> User {
        User {
            username: name.into(),
            attributes: BTreeMap::from([("email".to_owned(), email.to_owned())]),
            enabled: true,
            status: "CONFIRMED".into(),
            created_ms: 0,
            modified_ms: 0,
            secret: None,
            temporary_until_ms: None,
        }
    }

    #[test]
    fn exact_and_prefix_filters_match() {
        let f = parse(r#"email = "a@example.com""#).unwrap().unwrap();
        assert!(f.matches(&user("a", "a@example.com")));
        assert!(!f.matches(&user("b", "b@example.com")));
        let f = parse(r#"username ^= "al""#).unwrap().unwrap();
        assert!(f.matches(&user("alice", "x")));
        assert!(!f.matches(&user("bob", "x")));
        assert!(parse(r#"status = "Enabled""#)
            .unwrap()
            .unwrap()
            .matches(&user("a", "b")));
        assert_eq!(parse("  ").unwrap(), None);
    }

    #[test]
    fn bad_filters_say_what_is_wrong() {
        assert_eq!(
            parse("email").unwrap_err().message,
            "Error while parsing filter."
        );
        assert_eq!(
            parse(r#"email = a"#).unwrap_err().message,
            "Error while parsing filter."
        );
        assert_eq!(
            parse(r#"custom:x = "a""#).unwrap_err().message,
            "Invalid search attribute: custom:x"
        );
    }
}
