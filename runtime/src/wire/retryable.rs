//! Which failures are worth retrying, as the AWS SDKs classify them: [`RetryKind`], the error
//! codes and HTTP statuses AWS uses for throttling and transient failures, and the kind of an
//! error the model names. How and when a client retries is its retry policy's business.

/// Why a failed call may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryKind {
    /// The service is throttling the caller.
    Throttling,
    /// A transient failure: a 5xx response, a transient error code, a dropped connection.
    Transient,
    /// No answer came in time (an attempt or connect timeout). Retried like a transient
    /// failure, but a retry after a timeout costs the retry quota more.
    Timeout,
}

/// Error codes that mean the request may succeed if sent again, whatever the status.
pub fn is_transient_code(code: &str) -> bool {
    matches!(
        code,
        "RequestTimeout" | "RequestTimeoutException" | "PriorRequestNotComplete" | "InternalError"
    )
}

/// Error codes AWS services use for throttling even where a model does not say so.
pub fn is_throttling_code(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestThrottledException"
            | "TooManyRequestsException"
            | "ProvisionedThroughputExceededException"
            | "TransactionInProgressException"
            | "RequestLimitExceeded"
            | "BandwidthLimitExceeded"
            | "LimitExceededException"
            | "RequestThrottled"
            | "SlowDown"
            | "EC2ThrottledException"
    )
}

/// The HTTP statuses retried as transient failures when the error is not otherwise known.
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// The retry kind of an error the model names: what the model declares, else throttling for
/// the throttling codes and 429, else transient for the transient codes and server faults.
pub fn modeled_retry_kind(
    code: &str,
    http_status: u16,
    declared: Option<RetryKind>,
) -> Option<RetryKind> {
    declared.or_else(|| {
        if is_throttling_code(code) || http_status == 429 {
            Some(RetryKind::Throttling)
        } else if is_transient_code(code) || http_status >= 500 {
            Some(RetryKind::Transient)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_follows_the_standard_lists() {
        assert_eq!(
            modeled_retry_kind("ThrottlingException", 400, None),
            Some(RetryKind::Throttling)
        );
        assert_eq!(
            modeled_retry_kind("Anything", 429, None),
            Some(RetryKind::Throttling)
        );
        assert_eq!(
            modeled_retry_kind("RequestTimeoutException", 400, None),
            Some(RetryKind::Transient)
        );
        assert_eq!(
            modeled_retry_kind("InternalErrorException", 500, None),
            Some(RetryKind::Transient)
        );
        assert_eq!(modeled_retry_kind("ValidationException", 400, None), None);
        assert_eq!(
            modeled_retry_kind("X", 400, Some(RetryKind::Transient)),
            Some(RetryKind::Transient)
        );
        assert!(is_transient_status(503) && !is_transient_status(501));
    }
}
