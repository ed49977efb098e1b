//! The allocator of the binary (and of the benchmarks, so that their figures are its):
//! mimalloc, asked for plain memory where its plain memory is aligned enough.
//!
//! The `mimalloc` crate hands every request to mimalloc's aligned functions, which first
//! test whether a plain block would do. Most requests are for 16-byte alignment or less,
//! and mimalloc's blocks are aligned to their size up to 16 bytes (a block of 16 bytes or
//! more is 16-byte aligned; a smaller one is 8-byte aligned, and then so is what fits in
//! it): the test is made here, inline, as Rust's own `System` allocator makes it for the
//! C allocator. A build makes a million allocations at 1,000 pages; this saves about 17
//! instructions on each.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment of every mimalloc block of at least this size, and of every smaller
/// request that fits in it (mimalloc's `MI_MAX_ALIGN_SIZE`).
const PLAIN_ALIGN: usize = 16;

/// mimalloc, with plain requests made plainly.
pub struct Allocator;

/// Whether a plain mimalloc block of `size` bytes is aligned for `align`.
#[inline]
fn plain(align: usize, size: usize) -> bool {
    align <= PLAIN_ALIGN && align <= size
}

// SAFETY: every block comes from mimalloc and goes back to it; a block is given in place
// of an aligned one only where mimalloc's own blocks meet the alignment (see `plain`),
// and mimalloc's aligned functions are used everywhere else.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's functions take any size and a power-of-two alignment.
        unsafe {
            if plain(layout.align(), layout.size()) {
                mi::mi_malloc(layout.size()) as *mut u8
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        unsafe {
            if plain(layout.align(), layout.size()) {
                mi::mi_zalloc(layout.size()) as *mut u8
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator, so from mimalloc.
        unsafe { mi::mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator, so from mimalloc; the new block keeps
        // the alignment, by the same test as `alloc`.
        unsafe {
            if plain(layout.align(), new_size) {
                mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
            } else {
                mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
            }
        }
    }
}

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e` in mimalloc v3's
/// `mimalloc.h`): how long freed memory is kept before it goes back to the system.
const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;

/// Keeps memory that is freed for `delay` (for as long as the process runs when `None`)
/// before it goes back to the system, so that the next phase or rebuild reuses it. Memory
/// the system hands out afresh is zeroed first, which on the virtual machines this is
/// measured on costs from 0.6 to 3 ms a MiB: as much as a phase of a build, or a third of
/// an edit's rebuild. mimalloc's own delay is one second.
pub fn keep_freed_memory(delay: Option<std::time::Duration>) {
    let ms = delay.map_or(-1, |d| {
        std::os::raw::c_long::try_from(d.as_millis()).unwrap_or(std::os::raw::c_long::MAX)
    });
    // SAFETY: sets an option's value; mimalloc reads its options with atomic loads.
    unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, ms) }
}

/// Gives the memory freed so far back to the system now, whatever [`keep_freed_memory`]
/// says: for a server that has gone idle.
pub fn give_back_freed_memory() {
    // SAFETY: takes no pointers; mimalloc frees only what no block is allocated in.
    unsafe { mi::mi_collect(true) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option's number is mimalloc's purge delay: the only option whose default is
    /// 1000 (ms), and the value set is the value read back.
    #[test]
    fn the_option_kept_is_the_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads an option's value.
        let delay = || unsafe { mi::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay(), 1000);
        keep_freed_memory(Some(std::time::Duration::from_secs(60)));
        assert_eq!(delay(), 60_000);
        keep_freed_memory(None);
        assert_eq!(delay(), -1);
    }

    #[test]
    fn every_block_is_aligned_as_asked_and_keeps_its_bytes_when_grown() {
        let a = Allocator;
        let mut blocks = Vec::new();
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 33, 100, 1000, 70_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a non-zero size; each block is freed below with its layout.
                unsafe {
                    let p = if size % 2 == 0 {
                        a.alloc(layout)
                    } else {
                        a.alloc_zeroed(layout)
                    };
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size}, align {align}");
                    if size % 2 == 1 {
                        assert!(std::slice::from_raw_parts(p, size).iter().all(|&b| b == 0));
                    }
                    std::ptr::write_bytes(p, 0xA5, size);
                    let grown = a.realloc(p, layout, size * 3);
                    assert_eq!(
                        grown as usize % align,
                        0,
                        "grown: size {size}, align {align}"
                    );
                    assert!(std::slice::from_raw_parts(grown, size)
                        .iter()
                        .all(|&b| b == 0xA5));
                    blocks.push((grown, Layout::from_size_align(size * 3, align).unwrap()));
                }
            }
        }
        for (p, layout) in blocks {
            // SAFETY: each block was allocated above with this layout.
            unsafe { a.dealloc(p, layout) }
        }
    }
}
