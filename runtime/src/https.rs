//! The default HTTP(S) transport.
