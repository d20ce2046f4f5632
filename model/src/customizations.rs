//! Service customizations: the one place where facts the published models get wrong or leave
//! out are added, keyed by the service's SDK id (`Metadata::service_id`).
//!
//! Each entry says why it exists. Customizations only add facts (today: sensitivity); they never
//! rename shapes or members. The passes in `validate` apply them, and report an entry that
//! names a shape or member the model does not have, so a model update that moves things is
//! noticed instead of silently losing the customization.

/// A member that must be treated as sensitive although the model does not mark it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensitiveMember {
    /// The structure that holds the member.
    pub shape: &'static str,
    /// The member name.
    pub member: &'static str,
    /// Why the member is sensitive.
    pub why: &'static str,
}

/// Every customization of one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Customization {
    /// The SDK id the customization applies to, e.g. `Cognito Identity`.
    pub service_id: &'static str,
    /// Members to treat as sensitive.
    pub sensitive_members: &'static [SensitiveMember],
}

/// All customizations, one entry per service.
pub const CUSTOMIZATIONS: &[Customization] = &[Customization {
    service_id: "Cognito Identity",
    sensitive_members: &[SensitiveMember {
        shape: "Credentials",
        member: "SessionToken",
        why: "The session token is the third part of the temporary AWS credentials that \
              GetCredentialsForIdentity returns: together with the access key id and the secret \
              key it lets anyone act as the identity. The model marks the secret key's shape \
              sensitive but not the session token's, so a debug print would leak a usable \
              credential.",
    }],
}];

/// The customization for a service, if it has one.
pub fn for_service(service_id: &str) -> Option<&'static Customization> {
    CUSTOMIZATIONS.iter().find(|c| c.service_id == service_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cognito_session_token_is_customized_as_sensitive() {
        let c = for_service("Cognito Identity").expect("Cognito Identity has customizations");
        assert!(c
            .sensitive_members
            .iter()
            .any(|m| m.shape == "Credentials" && m.member == "SessionToken"));
        assert!(for_service("Some Other Service").is_none());
    }

    #[test]
    fn every_customization_says_why() {
        for c in CUSTOMIZATIONS {
            for m in c.sensitive_members {
                assert!(m.why.len() > 20, "{}.{} needs a reason", m.shape, m.member);
            }
        }
    }
}
