//! A global allocator that counts heap allocations and the bytes they ask for, so a benchmark
//! can report allocations per call.
//!
//! It forwards every request to the system allocator and only adds two relaxed atomic
//! increments, so the program behaves as it would without it. It must not be used by the
//! timing benchmarks: the counting, small as it is, is not part of the code measured. A
//! reallocation counts as one allocation of the new size, because growing a buffer is the
//! cost the counters are there to expose.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

/// The counting allocator; install it with `#[global_allocator]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAllocator;

/// The totals since the program started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Allocations and reallocations.
    pub allocations: u64,
    /// Bytes requested by them (the new size, for a reallocation).
    pub bytes: u64,
}

impl Counts {
    /// The totals now.
    pub fn now() -> Self {
        Counts {
            allocations: ALLOCATIONS.load(Relaxed),
            bytes: BYTES.load(Relaxed),
        }
    }

    /// What happened between `earlier` and `self`.
    pub fn since(self, earlier: Counts) -> Counts {
        Counts {
            allocations: self.allocations - earlier.allocations,
            bytes: self.bytes - earlier.bytes,
        }
    }
}

fn record(size: usize) {
    ALLOCATIONS.fetch_add(1, Relaxed);
    // A `usize` always fits in a `u64` on the platforms Rust supports.
    BYTES.fetch_add(size as u64, Relaxed);
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counters are atomics and never allocate.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        System.realloc(ptr, layout, new_size)
    }
}

#[cfg(test)]
mod tests {
    use super::{CountingAllocator, Counts};
    use std::hint::black_box;

    #[global_allocator]
    static ALLOCATOR: CountingAllocator = CountingAllocator;

    // Other test threads may allocate at the same time, so the counts are lower bounds.
    #[test]
    fn an_allocation_and_its_growth_are_counted_with_their_sizes() {
        let before = Counts::now();
        let mut buffer: Vec<u8> = Vec::with_capacity(100);
        buffer.extend_from_slice(&[7; 100]);
        buffer.reserve_exact(900);
        black_box(&buffer);
        let spent = Counts::now().since(before);
        assert!(spent.allocations >= 2, "{spent:?}");
        assert!(spent.bytes >= 1_100, "{spent:?}");
    }
}
