//! Placeholder for the SAML reader (replaced by the real module).
use std::collections::BTreeMap;
/// A SAML login.
pub struct SamlLogin {
    /// NameID.
    pub name_id: String,
    /// Roles.
    pub roles: Vec<SamlRole>,
    /// Expiry.
    pub not_on_or_after: Option<i64>,
    /// Attributes.
    pub attributes: BTreeMap<String, Vec<String>>,
}
/// A role pair.
pub struct SamlRole {
    /// Role.
    pub role_arn: String,
    /// Provider.
    pub provider_arn: String,
}
/// Error.
#[derive(Debug)]
pub struct SamlError(String);
impl std::fmt::Display for SamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
/// Reads.
pub fn read(_token: &str) -> Result<SamlLogin, SamlError> {
    Err(SamlError("Invalid login token. unsupported".into()))
}
