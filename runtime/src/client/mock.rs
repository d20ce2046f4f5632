//! The building blocks of the mocks that generated crates emit next to their service trait:
//! [`MockOperation`], the answers and recorded inputs of one operation, and [`CallLog`], the
//! order in which a mock's operations were called.
//!
//! A generated `Mock` holds one [`MockOperation`] per operation and one [`CallLog`], and only
//! wires each trait method to [`MockOperation::respond`]. An operation answers with a closure
//! of its input, or with a queue of prepared answers, one per call; an operation given
//! neither (or whose queue ran out) answers an error with the code [`NOT_MOCKED`] that names
//! the operation, so a test that forgot one fails with a message saying which. Every call is
//! recorded, input included, before it is answered.
//!
//! Clones share their state: a test keeps one clone to set answers and read calls, and hands
//! another to the code under test (or to a server's router). Nothing here names a service.
//!
//! ```
//! # use aws_json_runtime::wire::error::ErrorResponse;
//! # use aws_json_runtime::{HttpResponse, OperationError, UnhandledError};
//! # use aws_json_runtime::wire::retryable::RetryKind;
//! # #[derive(Debug)]
//! # struct EchoError(UnhandledError);
//! # impl std::fmt::Display for EchoError {
//! #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { self.0.fmt(f) }
//! # }
//! # impl std::error::Error for EchoError {}
//! # impl OperationError for EchoError {
//! #     fn from_response(r: &ErrorResponse) -> Self { EchoError(r.unhandled()) }
//! #     fn from_unhandled(e: UnhandledError) -> Self { EchoError(e) }
//! #     fn retry_kind(&self) -> Option<RetryKind> { None }
//! #     fn to_response(&self, _: &'static str) -> HttpResponse { HttpResponse::default() }
//! # }
//! use aws_json_runtime::client::mock::{CallLog, MockOperation, NOT_MOCKED};
//!
//! let log = CallLog::default();
//! let echo: MockOperation<String, String, EchoError> = MockOperation::default();
//!
//! // Not set up yet: the answer is an error that names the operation.
//! let error = echo.respond(&log, "Echo", "hi".to_owned()).unwrap_err();
//! assert_eq!(error.0.code(), Some(NOT_MOCKED));
//! assert_eq!(error.to_string(), "NotMocked: `Echo` is not mocked");
//!
//! // A closure answers every call; a queue answers one call per entry.
//! echo.answer_with(|input| Ok(input.to_uppercase()));
//! assert_eq!(echo.respond(&log, "Echo", "hi".to_owned()).unwrap(), "HI");
//! echo.queue([Ok("first".to_owned()), Ok("second".to_owned())]);
//! assert_eq!(echo.respond(&log, "Echo", "a".to_owned()).unwrap(), "first");
//! assert_eq!(echo.respond(&log, "Echo", "b".to_owned()).unwrap(), "second");
//! assert!(echo.respond(&log, "Echo", "c".to_owned()).is_err()); // the queue ran out
//!
//! // Every call was recorded, with its input.
//! assert_eq!(echo.calls(), ["hi", "hi", "a", "b", "c"]);
//! assert_eq!(log.operations(), ["Echo"; 5]);
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::wire::error::{OperationError, UnhandledError};

/// The error code an operation that was not set up answers with.
pub const NOT_MOCKED: &str = "NotMocked";

/// A closure that answers an operation.
type Responder<I, O, E> = Arc<dyn Fn(I) -> Result<O, E> + Send + Sync>;

/// How an operation answers.
enum Answer<I, O, E> {
    /// It was not set up.
    Unset,
    /// A closure answers every call.
    With(Responder<I, O, E>),
    /// Each call takes the next answer; `used` counts those already taken.
    Queue {
        answers: VecDeque<Result<O, E>>,
        used: usize,
    },
}

/// One operation's answer and the inputs of its calls.
struct Slot<I, O, E> {
    answer: Answer<I, O, E>,
    calls: Vec<I>,
}

/// Locks a mutex, ignoring poisoning: a test that panicked inside a closure while another
/// thread held the lock must not hide the recorded calls from the assertion that follows.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The answers of one mocked operation, and the inputs of every call it received.
///
/// Clones share the same answers and calls.
pub struct MockOperation<I, O, E>(Arc<Mutex<Slot<I, O, E>>>);

impl<I, O, E> Default for MockOperation<I, O, E> {
    fn default() -> Self {
        MockOperation(Arc::new(Mutex::new(Slot {
            answer: Answer::Unset,
            calls: Vec::new(),
        })))
    }
}

impl<I, O, E> Clone for MockOperation<I, O, E> {
    fn clone(&self) -> Self {
        MockOperation(Arc::clone(&self.0))
    }
}

impl<I, O, E> fmt::Debug for MockOperation<I, O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let slot = lock(&self.0);
        let answer = match &slot.answer {
            Answer::Unset => "not mocked".to_owned(),
            Answer::With(_) => "closure".to_owned(),
            Answer::Queue { answers, .. } => format!("queue of {} answers", answers.len()),
        };
        f.debug_struct("MockOperation")
            .field("answer", &answer)
            .field("calls", &slot.calls.len())
            .finish()
    }
}

impl<I: Clone, O, E: OperationError> MockOperation<I, O, E> {
    /// Answers every later call with `answer` applied to the call's input, replacing any
    /// closure or queue set before.
    pub fn answer_with(&self, answer: impl Fn(I) -> Result<O, E> + Send + Sync + 'static) {
        lock(&self.0).answer = Answer::With(Arc::new(answer));
    }

    /// Answers the next calls with `answers`, one per call in order, after any answers still
    /// queued; replaces a closure set before. Once the queue runs out, calls answer a
    /// [`NOT_MOCKED`] error.
    pub fn queue(&self, answers: impl IntoIterator<Item = Result<O, E>>) {
        let mut slot = lock(&self.0);
        match &mut slot.answer {
            Answer::Queue {
                answers: queued, ..
            } => queued.extend(answers),
            other => {
                *other = Answer::Queue {
                    answers: answers.into_iter().collect(),
                    used: 0,
                }
            }
        }
    }

    /// Records a call of `operation` (its model name) with `input` in this operation and in
    /// `log`, then answers it.
    pub fn respond(&self, log: &CallLog, operation: &'static str, input: I) -> Result<O, E> {
        log.record(operation);
        let mut slot = lock(&self.0);
        slot.calls.push(input.clone());
        match &mut slot.answer {
            Answer::Unset => Err(not_mocked(operation, "")),
            Answer::With(answer) => {
                // The closure runs without the lock, so it may use the mock itself.
                let answer = Arc::clone(answer);
                drop(slot);
                answer(input)
            }
            Answer::Queue { answers, used } => match answers.pop_front() {
                Some(answer) => {
                    // One per queued answer, so this never saturates.
                    *used = used.saturating_add(1);
                    answer
                }
                None => Err(not_mocked(
                    operation,
                    &format!(": all {used} queued answers were used"),
                )),
            },
        }
    }

    /// The inputs of every call so far, oldest first.
    pub fn calls(&self) -> Vec<I> {
        lock(&self.0).calls.clone()
    }

    /// How many calls this operation received.
    pub fn call_count(&self) -> usize {
        lock(&self.0).calls.len()
    }
}

/// The error of an operation that has no answer for a call.
fn not_mocked<E: OperationError>(operation: &str, detail: &str) -> E {
    E::from_unhandled(UnhandledError::service(
        NOT_MOCKED,
        format!("`{operation}` is not mocked{detail}"),
    ))
}

/// The model names of the operations a mock received, in the order of the calls.
///
/// Clones share the same log.
#[derive(Clone, Default)]
pub struct CallLog(Arc<Mutex<Vec<&'static str>>>);

impl CallLog {
    /// Records a call of `operation`.
    pub fn record(&self, operation: &'static str) {
        lock(&self.0).push(operation);
    }

    /// Every operation called so far, oldest first, once per call.
    pub fn operations(&self) -> Vec<&'static str> {
        lock(&self.0).clone()
    }

    /// How many calls were made.
    pub fn len(&self) -> usize {
        lock(&self.0).len()
    }

    /// True when no call was made.
    pub fn is_empty(&self) -> bool {
        lock(&self.0).is_empty()
    }
}

impl fmt::Debug for CallLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(lock(&self.0).iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::error::ErrorKind;

    use crate::client::test_support::TestError;

    type Op = MockOperation<u32, u32, TestError>;

    #[test]
    fn an_unset_operation_answers_not_mocked_with_its_name() {
        let (op, log) = (Op::default(), CallLog::default());
        let error = op.respond(&log, "Double", 1).unwrap_err().0;
        assert_eq!(error.kind(), ErrorKind::Service);
        assert_eq!(error.code(), Some(NOT_MOCKED));
        assert_eq!(error.message(), Some("`Double` is not mocked"));
        assert_eq!(
            error.retry_kind(),
            None,
            "a missing answer is never retried"
        );
        assert_eq!(op.calls(), [1], "the call is recorded all the same");
    }

    #[test]
    fn a_closure_answers_every_call_with_its_input() {
        let (op, log) = (Op::default(), CallLog::default());
        op.answer_with(|n| Ok(n * 2));
        let answers: Vec<u32> = (1..=3)
            .map(|n| op.respond(&log, "Double", n).unwrap())
            .collect();
        assert_eq!(answers, [2, 4, 6]);
        assert_eq!(op.calls(), [1, 2, 3]);
        assert_eq!(op.call_count(), 3);
        assert_eq!(log.operations(), ["Double"; 3]);
    }

    #[test]
    fn a_queue_answers_in_order_then_says_it_ran_out() {
        let (op, log) = (Op::default(), CallLog::default());
        op.queue([Ok(10)]);
        op.queue([Err(TestError(UnhandledError::service("Boom", "x"))), Ok(30)]);
        assert_eq!(op.respond(&log, "Q", 0).unwrap(), 10);
        assert_eq!(op.respond(&log, "Q", 0).unwrap_err().0.code(), Some("Boom"));
        assert_eq!(op.respond(&log, "Q", 0).unwrap(), 30);
        let error = op.respond(&log, "Q", 0).unwrap_err().0;
        assert_eq!(error.code(), Some(NOT_MOCKED));
        assert_eq!(
            error.message(),
            Some("`Q` is not mocked: all 3 queued answers were used")
        );
    }

    #[test]
    fn a_later_setter_replaces_the_answer() {
        let (op, log) = (Op::default(), CallLog::default());
        op.queue([Ok(1), Ok(2)]);
        op.answer_with(|_| Ok(9));
        assert_eq!(op.respond(&log, "R", 0).unwrap(), 9);
        assert_eq!(op.respond(&log, "R", 0).unwrap(), 9);
        op.queue([Ok(3)]);
        assert_eq!(op.respond(&log, "R", 0).unwrap(), 3);
    }

    #[test]
    fn clones_share_answers_and_calls() {
        let (op, log) = (Op::default(), CallLog::default());
        let (other_op, other_log) = (op.clone(), log.clone());
        op.answer_with(|n| Ok(n + 1));
        assert_eq!(other_op.respond(&other_log, "S", 4).unwrap(), 5);
        assert_eq!(op.calls(), [4]);
        assert_eq!(log.len(), 1);
        assert!(!log.is_empty());
    }

    #[test]
    fn a_closure_may_use_the_mock_without_deadlocking() {
        let (op, log) = (Op::default(), CallLog::default());
        let inner = op.clone();
        op.answer_with(move |n| Ok(n + inner.call_count() as u32));
        assert_eq!(op.respond(&log, "T", 10).unwrap(), 11);
    }

    #[test]
    fn debug_says_how_the_operation_answers() {
        let op = Op::default();
        assert!(format!("{op:?}").contains("not mocked"));
        op.queue([Ok(1), Ok(2)]);
        assert!(format!("{op:?}").contains("queue of 2 answers"));
        op.answer_with(Ok);
        assert!(format!("{op:?}").contains("closure"));
    }
}
