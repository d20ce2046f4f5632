//! Errors that name where a model is wrong: the file, the operation or shape, the member, and
//! a plain-English reason.
//!
//! Readers and validation collect every problem they find into [`Errors`] before returning, so
//! one run shows them all. This module only describes problems; it never decides what is wrong.

use std::fmt;

/// One problem with a model.
///
/// Displays as `file: shape `S`, member `M`: reason`, leaving out the parts that do not apply,
/// for example
/// ``model/cognito-identity/service-2.json: shape `Credentials`, member `SecretKey`: targets unknown shape `SecretKeyStr` ``.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct Error {
    /// The file the problem is in, as the caller named it.
    pub file: String,
    /// The operation concerned, if any.
    pub operation: Option<String>,
    /// The shape concerned, if any.
    pub shape: Option<String>,
    /// The member of that shape, if any.
    pub member: Option<String>,
    /// What is wrong, in plain English.
    pub reason: String,
}

impl Error {
    /// A problem with a whole file.
    pub fn new(file: impl Into<String>, reason: impl Into<String>) -> Self {
        Error {
            file: file.into(),
            operation: None,
            shape: None,
            member: None,
            reason: reason.into(),
        }
    }

    /// The same problem, located at an operation.
    pub fn operation(mut self, name: impl Into<String>) -> Self {
        self.operation = Some(name.into());
        self
    }

    /// The same problem, located at a shape.
    pub fn shape(mut self, name: impl Into<String>) -> Self {
        self.shape = Some(name.into());
        self
    }

    /// The same problem, located at a member of the shape.
    pub fn member(mut self, name: impl Into<String>) -> Self {
        self.member = Some(name.into());
        self
    }

    /// A file that cannot be read as the expected JSON, with serde_json's line and column.
    pub fn json(file: impl Into<String>, what: &str, err: &serde_json::Error) -> Self {
        // serde_json's Display appends " at line L column C"; the location is reported in our
        // own words instead, so strip it from the message.
        let full = err.to_string();
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full);
        let kind = match err.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => "invalid JSON",
            serde_json::error::Category::Eof => "JSON ends too early",
            serde_json::error::Category::Data => "unexpected JSON content",
        };
        Error::new(
            file,
            format!(
                "{kind} for {what} at line {}, column {}: {message}",
                err.line(),
                err.column()
            ),
        )
    }

    /// Reads `text` as `T`; when it does not fit, the error names the place: the operation,
    /// shape and member the path through the document leads to (botocore's `operations`,
    /// `shapes`, `members` and `pagination`; Smithy's `shapes`, `members` and `traits`), the
    /// whole path, and serde_json's line and column.
    pub fn parse<T: serde::de::DeserializeOwned>(
        file: &str,
        what: &str,
        text: &str,
    ) -> Result<T, Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| Error::json_at(file, what, e.path(), e.inner()))?;
        de.end().map_err(|e| Error::json(file, what, &e))?;
        Ok(value)
    }

    /// [`Error::json`] located by the path at which reading failed.
    fn json_at(
        file: &str,
        what: &str,
        path: &serde_path_to_error::Path,
        err: &serde_json::Error,
    ) -> Self {
        use serde_path_to_error::Segment;
        let segments: Vec<String> = path
            .iter()
            .map(|s| match s {
                Segment::Seq { index } => index.to_string(),
                Segment::Map { key } => key.clone(),
                Segment::Enum { variant } => variant.clone(),
                Segment::Unknown => "?".to_owned(),
            })
            .collect();
        let mut error = Error::json(file, what, err);
        // Only a value of the wrong shape has a place; broken syntax has a line and column.
        if err.classify() != serde_json::error::Category::Data {
            return error;
        }
        let at = |i: usize| segments.get(i).filter(|s| s.as_str() != "?").cloned();
        match segments.first().map(String::as_str) {
            Some("operations" | "pagination") => error.operation = at(1),
            Some("shapes") => {
                error.shape = at(1);
                if at(2).as_deref() == Some("members") {
                    error.member = at(3);
                }
            }
            _ => {}
        }
        if !segments.is_empty() {
            error.reason = format!("{} (at `{path}`)", error.reason);
        }
        error
    }

    fn render(&self) -> String {
        let mut out = self.file.clone();
        out.push_str(": ");
        let mut parts = Vec::new();
        if let Some(op) = &self.operation {
            parts.push(format!("operation `{op}`"));
        }
        if let Some(shape) = &self.shape {
            parts.push(format!("shape `{shape}`"));
        }
        if let Some(member) = &self.member {
            parts.push(format!("member `{member}`"));
        }
        if !parts.is_empty() {
            out.push_str(&parts.join(", "));
            out.push_str(": ");
        }
        out.push_str(&self.reason);
        out
    }
}

/// One or more problems with a model (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors(Vec<Error>);

impl Errors {
    /// Wraps a list of problems; `None` when the list is empty, because an empty error is not
    /// an error.
    pub fn from_vec(errors: Vec<Error>) -> Option<Self> {
        if errors.is_empty() {
            None
        } else {
            Some(Errors(errors))
        }
    }

    /// `Ok(())` when `errors` is empty, otherwise all of them.
    pub fn check(errors: Vec<Error>) -> Result<(), Errors> {
        match Errors::from_vec(errors) {
            None => Ok(()),
            Some(errors) => Err(errors),
        }
    }

    /// The problems, in the order they were found.
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.0.iter()
    }

    /// The problems, in the order they were found.
    pub fn into_vec(self) -> Vec<Error> {
        self.0
    }

    /// How many problems there are (at least one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: `Errors` holds at least one problem. Present because clippy expects it
    /// beside `len`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Error> for Errors {
    fn from(error: Error) -> Self {
        Errors(vec![error])
    }
}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for Errors {
    type Item = Error;
    type IntoIter = std::vec::IntoIter<Error>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_names_file_shape_and_member() {
        let e = Error::new(
            "model/cognito-identity/service-2.json",
            "targets unknown shape `SecretKeyStr`",
        )
        .shape("Credentials")
        .member("SecretKey");
        assert_eq!(
            e.to_string(),
            "model/cognito-identity/service-2.json: shape `Credentials`, member `SecretKey`: targets unknown shape `SecretKeyStr`"
        );
    }

    #[test]
    fn file_level_error_has_no_location_parts() {
        let e = Error::new("m.json", "protocol `query` is not supported");
        assert_eq!(e.to_string(), "m.json: protocol `query` is not supported");
    }

    #[test]
    fn errors_display_one_per_line_and_are_never_empty() {
        assert!(Errors::from_vec(Vec::new()).is_none());
        let errors = Errors::from_vec(vec![
            Error::new("a.json", "first").shape("A"),
            Error::new("a.json", "second").operation("Op"),
        ])
        .expect("two errors make a non-empty list");
        assert_eq!(
            errors.to_string(),
            "a.json: shape `A`: first\na.json: operation `Op`: second"
        );
        assert_eq!(errors.len(), 2);
    }

    // Read only for their errors; the values are never looked at.
    #[allow(dead_code)]
    #[derive(Debug, serde::Deserialize)]
    struct Doc {
        #[serde(default)]
        shapes: std::collections::BTreeMap<String, Shape>,
        #[serde(default)]
        operations: std::collections::BTreeMap<String, Shape>,
    }

    #[allow(dead_code)]
    #[derive(Debug, serde::Deserialize)]
    struct Shape {
        #[serde(default)]
        members: std::collections::BTreeMap<String, Member>,
        #[serde(default)]
        min: Option<u32>,
    }

    #[allow(dead_code)]
    #[derive(Debug, serde::Deserialize)]
    struct Member {
        shape: String,
    }

    fn parse_err(text: &str) -> Error {
        Error::parse::<Doc>("m.json", "a model", text).expect_err("the model is wrong")
    }

    #[test]
    fn a_wrongly_typed_field_names_its_shape_and_member() {
        let e = parse_err(r#"{"shapes": {"Pool": {"members": {"Id": {"shape": 7}}}}}"#);
        assert_eq!(
            (e.shape.as_deref(), e.member.as_deref()),
            (Some("Pool"), Some("Id"))
        );
        assert!(e.reason.contains("shapes.Pool.members.Id.shape"), "{e}");
        assert!(e.reason.contains("expected a string"), "{e}");
        assert!(
            e.to_string()
                .starts_with("m.json: shape `Pool`, member `Id`: "),
            "{e}"
        );

        let e = parse_err(r#"{"shapes": {"Pool": {"members": {"Id": "IdType"}}}}"#);
        assert_eq!(
            (e.shape.as_deref(), e.member.as_deref()),
            (Some("Pool"), Some("Id"))
        );

        let e = parse_err(r#"{"shapes": {"Name": {"min": "one"}}}"#);
        assert_eq!(
            (e.shape.as_deref(), e.member.as_deref()),
            (Some("Name"), None)
        );
        assert!(e.reason.contains("shapes.Name.min"), "{e}");

        let e = parse_err(r#"{"operations": {"GetId": {"members": []}}}"#);
        assert_eq!(e.operation.as_deref(), Some("GetId"));
    }

    #[test]
    fn syntax_errors_and_trailing_text_keep_line_and_column() {
        let e = parse_err("{\n  \"shapes\": ,\n}");
        assert!(e.reason.starts_with("invalid JSON"), "{e}");
        assert_eq!(
            (e.shape.as_deref(), e.reason.contains("(at")),
            (None, false),
            "{e}"
        );
        assert!(e.reason.contains("line 2, column 13"), "{e}");
        let e = parse_err("{} x");
        assert!(e.reason.contains("line 1, column 4"), "{e}");
        assert!(Error::parse::<Doc>("m.json", "a model", "{}").is_ok());
    }

    #[test]
    fn json_error_reports_line_and_column() {
        let err = serde_json::from_str::<serde_json::Value>("{\n  \"a\": ,\n}")
            .expect_err("the text is not JSON");
        let e = Error::json("m.json", "a botocore model", &err);
        assert!(e.reason.contains("line 2, column 8"), "{}", e.reason);
        assert!(e.reason.starts_with("invalid JSON"), "{}", e.reason);
    }
}
