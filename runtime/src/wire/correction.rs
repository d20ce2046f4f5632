//! Client error correction: how a client reads a response whose only fault is a required
//! member left out (or sent as `null`).
//!
//! Smithy asks clients to keep such a response and give the member its zero value instead of
//! failing the call, because a service may stop sending a member its model still calls
//! required, and a client that refused would break on a change the service considers
//! compatible. Servers do the opposite: a request that lacks a required member is refused.
//! Both read through the same generated deserializers, so the choice is made by whoever
//! reads: [`correcting`] runs a read with correction on (the client does this for outputs and
//! modeled errors), and [`super::required`] asks [`is_correcting`] only when a member is
//! missing, so a well-formed message pays nothing.
//!
//! The zero values ([`ZeroValue`]) are Smithy's: `false`, `0`, the empty string, blob, list
//! and map, the epoch for a timestamp, `null` for a document, an empty unknown value for an
//! enum or union, and for a structure the same rule applied to its own required members
//! (optional members stay unset).

use std::cell::Cell;
use std::collections::HashMap;

use crate::wire::types::{Blob, DateTime, Document};

/// The value a client gives a required member that a response left out.
///
/// Implemented here for the value types generated fields use, and by generated code for each
/// structure, union and enum that some required member targets.
pub trait ZeroValue {
    /// The zero value: see the [module docs](self).
    fn zero_value() -> Self;
}

macro_rules! zero_by_default {
    ($($ty:ty),* $(,)?) => {
        $(impl ZeroValue for $ty {
            fn zero_value() -> Self {
                <$ty as Default>::default()
            }
        })*
    };
}

zero_by_default!(String, bool, i8, i16, i32, i64, i128, f32, f64, Blob);

impl ZeroValue for DateTime {
    fn zero_value() -> Self {
        DateTime::from_secs(0)
    }
}

impl ZeroValue for Document {
    fn zero_value() -> Self {
        Document::Null
    }
}

impl<T> ZeroValue for Vec<T> {
    fn zero_value() -> Self {
        Vec::new()
    }
}

impl<K, V> ZeroValue for HashMap<K, V> {
    fn zero_value() -> Self {
        HashMap::new()
    }
}

impl<T> ZeroValue for Option<T> {
    fn zero_value() -> Self {
        None
    }
}

impl<T: ZeroValue> ZeroValue for Box<T> {
    fn zero_value() -> Self {
        Box::new(T::zero_value())
    }
}

thread_local! {
    /// Whether the read running on this thread corrects missing required members.
    static CORRECTING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `read` with client error correction on: a required member that `read` finds missing
/// takes its zero value instead of failing. Reads are synchronous, so the setting covers
/// exactly the deserialization `read` performs on this thread; it is restored afterwards,
/// even if `read` panics.
pub fn correcting<T>(read: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            CORRECTING.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CORRECTING.with(|c| c.replace(true)));
    read()
}

/// True inside [`correcting`].
pub fn is_correcting() -> bool {
    CORRECTING.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_values_are_smithys() {
        assert_eq!(String::zero_value(), "");
        assert!(!bool::zero_value());
        assert_eq!(i32::zero_value(), 0);
        assert_eq!(f64::zero_value(), 0.0);
        assert_eq!(DateTime::zero_value().secs(), 0);
        assert_eq!(Document::zero_value(), Document::Null);
        assert!(Vec::<String>::zero_value().is_empty());
        assert!(HashMap::<String, i32>::zero_value().is_empty());
        assert_eq!(Blob::zero_value(), Blob::default());
        assert_eq!(*Box::<i64>::zero_value(), 0);
    }

    #[test]
    fn correction_is_on_only_inside_correcting_and_nests() {
        assert!(!is_correcting());
        correcting(|| {
            assert!(is_correcting());
            correcting(|| assert!(is_correcting()));
            assert!(
                is_correcting(),
                "an inner read does not turn it off for the outer one"
            );
        });
        assert!(!is_correcting());
    }

    #[test]
    fn correction_is_restored_when_the_read_panics() {
        let caught = std::panic::catch_unwind(|| correcting(|| panic!("a read that panics")));
        assert!(caught.is_err());
        assert!(!is_correcting());
    }
}
