//! Endpoint rules: resolving a service's endpoint from its rule set.
