//! Placeholder for the trusted keys (replaced by the real module).
use serde_json::{Map, Value};
/// Trusted providers.
#[derive(Clone, Default)]
pub struct Trust {
    _keys: (),
}
/// Error.
#[derive(Debug)]
pub enum TrustError {
    /// Not trusted.
    NotTrusted,
    /// Unavailable.
    Unavailable(String),
    /// Invalid.
    Invalid(String),
}
impl Trust {
    /// Whether trusted.
    pub fn trusts(&self, _provider: &str) -> bool {
        false
    }
    /// Verifies.
    pub async fn verify(
        &self,
        _provider: &str,
        _token: &str,
    ) -> Result<Map<String, Value>, TrustError> {
        Err(TrustError::NotTrusted)
    }
}
