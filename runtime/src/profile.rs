//! The shared AWS config and credentials files, and region resolution.
