//! AWS Signature Version 4: signing requests and verifying signed ones.
