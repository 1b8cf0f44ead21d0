//! The C boundary: panic catching, argument checks, error text, out-params.

use core::ffi::c_char;
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::string::String;

use signet_core::ErrorCode;

use crate::result::signet_result;

/// An error on its way to C: the number, and the detailed message kept for
/// `signet_last_error_message`.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub(crate) result: signet_result,
    pub(crate) message: String,
}

impl FfiError {
    pub(crate) fn new(result: signet_result, message: impl Into<String>) -> Self {
        FfiError {
            result,
            message: message.into(),
        }
    }

    /// A core error: its code picks the number, its `Display` is the message.
    pub(crate) fn core<E: ErrorCode + core::fmt::Display + ?Sized>(e: &E) -> Self {
        let result = signet_result::from_code(e.code()).unwrap_or(signet_result::UNMAPPED_CORE_ERROR);
        FfiError::new(result, e.to_string())
    }

    pub(crate) fn null(what: &str) -> Self {
        FfiError::new(signet_result::NULL_POINTER, format!("{what} is NULL"))
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        FfiError::new(signet_result::INVALID_ARGUMENT, message)
    }
}

pub(crate) type FfiResult<T = ()> = Result<T, FfiError>;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_last_error(message: String) {
    LAST_ERROR.with(|m| *m.borrow_mut() = message);
}

/// Runs the body of an exported function: catches panics (they must never
/// unwind into C), records the message of a failure for this thread, and
/// turns the outcome into a `signet_result`.
pub(crate) fn boundary(f: impl FnOnce() -> FfiResult) -> signet_result {
    // AssertUnwindSafe: after a panic the handles the call touched may hold a
    // half-done update; the documented contract is that the caller only frees
    // them (SIGNET_RESULT_PANIC is never expected in correct operation).
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => signet_result::OK,
        Ok(Err(e)) => {
            set_last_error(e.message);
            e.result
        }
        Err(_) => {
            set_last_error(String::from("internal error: panic caught at the C boundary"));
            signet_result::PANIC
        }
    }
}

/// `free` functions: nothing to report, but a panic must still not unwind.
pub(crate) fn boundary_void(f: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(f));
}

/// A `(ptr, len)` byte string from C. NULL is refused even with `len` 0.
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes that stay valid and
/// unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a [u8]> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    if len > isize::MAX as usize {
        return Err(FfiError::invalid(format!("{what}: length {len} is too large")));
    }
    // SAFETY: non-NULL, length bounded by isize::MAX, readability and lifetime
    // are the caller's contract (documented on every exported function).
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// A `(ptr, len)` UTF-8 string from C, validated.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a str> {
    // SAFETY: forwarded contract.
    let b = unsafe { bytes(ptr, len, what)? };
    core::str::from_utf8(b)
        .map_err(|e| FfiError::new(signet_result::INVALID_UTF8, format!("{what} is not UTF-8: {e}")))
}

/// An optional `(ptr, len)` UTF-8 string: NULL means "none".
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn opt_text<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<Option<&'a str>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { text(ptr, len, what).map(Some) }
}

/// A reference to a C struct or handle.
///
/// # Safety
/// `ptr` must be NULL or valid for reads for `'a`.
pub(crate) unsafe fn as_ref<'a, T>(ptr: *const T, what: &str) -> FfiResult<&'a T> {
    // SAFETY: the caller guarantees validity when non-NULL.
    unsafe { ptr.as_ref() }.ok_or_else(|| FfiError::null(what))
}

/// A mutable reference to a handle.
///
/// # Safety
/// `ptr` must be NULL or valid and unaliased for `'a`.
pub(crate) unsafe fn as_mut<'a, T>(ptr: *mut T, what: &str) -> FfiResult<&'a mut T> {
    // SAFETY: the caller guarantees validity and exclusivity when non-NULL.
    unsafe { ptr.as_mut() }.ok_or_else(|| FfiError::null(what))
}

/// Checks that an out-pointer is non-NULL before any work is done.
pub(crate) fn out_ptr<T>(ptr: *mut T, what: &str) -> FfiResult<*mut T> {
    if ptr.is_null() {
        Err(FfiError::null(what))
    } else {
        Ok(ptr)
    }
}

/// Writes an out-parameter (checked non-NULL by [`out_ptr`]).
///
/// # Safety
/// `ptr` must be valid for a write of `T`.
pub(crate) unsafe fn write<T>(ptr: *mut T, value: T) {
    // SAFETY: the caller checked non-NULL and the C caller guarantees validity.
    unsafe { ptr.write(value) }
}

/// Moves a value into a new heap handle for C.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees a handle made by [`into_handle`]; NULL does nothing.
///
/// # Safety
/// `ptr` must be NULL or come from [`into_handle`] for the same `T`, not yet freed.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: per contract, the pointer came from Box::into_raw and is freed once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Takes ownership of a handle passed to a consuming call.
///
/// # Safety
/// As [`free_handle`], and non-NULL.
pub(crate) unsafe fn take_handle<T>(ptr: *mut T, what: &str) -> FfiResult<T> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: per contract, the pointer came from Box::into_raw and is consumed once.
    Ok(*unsafe { Box::from_raw(ptr) })
}

/// Copies `data` into a caller buffer; `out_n` gets the length. With
/// `nul`, a terminating NUL is written after the data (not counted).
/// Nothing is written unless the whole output fits.
///
/// # Safety
/// `buf` must be NULL or valid for `len` bytes of writes; `out_n` NULL or valid.
pub(crate) unsafe fn copy_out(
    data: &[u8],
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
    nul: bool,
) -> FfiResult {
    let out_n = out_ptr(out_n, "out_n")?;
    let needed = data.len() + usize::from(nul);
    if buf.is_null() && len > 0 {
        return Err(FfiError::null("buf"));
    }
    if needed > len {
        return Err(FfiError::new(
            signet_result::BUFFER_TOO_SMALL,
            format!("output needs {needed} bytes, the buffer has {len}"),
        ));
    }
    // SAFETY: buf holds at least `needed` writable bytes (checked above) and
    // cannot overlap `data`, which Rust owns.
    unsafe {
        core::ptr::copy_nonoverlapping(data.as_ptr(), buf, data.len());
        if nul {
            buf.add(data.len()).write(0);
        }
        write(out_n, data.len());
    }
    Ok(())
}

/// Writes the description of a result number into `buf` as a NUL-terminated
/// string; `*out_n` gets its length without the NUL. Unknown numbers get
/// "unknown result". Messages are fixed per number; for the details of the
/// last failure use `signet_last_error_message`.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER` (`out_n`, or `buf` with `len` > 0),
/// `SIGNET_RESULT_BUFFER_TOO_SMALL` (nothing written).
///
/// # Safety
/// `buf` must be valid for `len` bytes of writes, `out_n` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_result_message(
    result: u32,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> signet_result {
    boundary(|| {
        let msg = signet_result::from_u32(result).map_or("unknown result", |r| r.description());
        // SAFETY: forwarded caller contract.
        unsafe { copy_out(msg.as_bytes(), buf.cast(), len, out_n, true) }
    })
}

/// Writes the detailed message of the most recent failed call on this thread
/// (e.g. "key is 2048 bits; at least 3072 required") into `buf`,
/// NUL-terminated; `*out_n` gets its length without the NUL. Empty when no
/// call has failed on this thread. Calls that succeed leave it unchanged;
/// a failing call of this function itself does not replace it.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` must be valid for `len` bytes of writes, `out_n` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_last_error_message(
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> signet_result {
    let msg = LAST_ERROR.with(|m| m.borrow().clone());
    match catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded caller contract.
        unsafe { copy_out(msg.as_bytes(), buf.cast(), len, out_n, true) }
    })) {
        Ok(Ok(())) => signet_result::OK,
        Ok(Err(e)) => e.result,
        Err(_) => signet_result::PANIC,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_result_and_a_message() {
        let r = boundary(|| panic!("boom"));
        assert_eq!(r, signet_result::PANIC);
        assert!(LAST_ERROR.with(|m| m.borrow().contains("panic")));
        boundary_void(|| panic!("in free"));
    }
}
