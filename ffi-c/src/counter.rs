//! Counter stores: in memory, and on a NOR flash the caller drives through
//! callbacks (core's `FlashCounterStore`, so its power-loss analysis holds
//! for the C flash as it does for any `NorFlash`). Durable ledgers in files
//! are the state's (`signet_state`): its budgets and grants keep them.

use core::ffi::c_void;

use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashErrorKind, ReadNorFlash, check_erase, check_read, check_write,
};
use signet_core::counter::{
    CounterError, CounterStore, FlashCounterStore, MemoryCounterStore, RECORD_LEN, Recovery, Reservation,
    Usage,
};

use crate::result::signet_result;
use crate::util::{
    FfiError, FfiResult, as_mut, as_ref, boundary, boundary_void, free_handle, into_handle, out_ptr,
    take_handle, write,
};

/// A counter snapshot. All three numbers only grow.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
#[allow(non_camel_case_types)]
pub struct signet_usage {
    /// The index the next reservation gets (reservations ever made).
    pub next_index: u64,
    /// Reservations committed (signatures produced).
    pub committed: u64,
    /// Reservations aborted (nothing consumed).
    pub released: u64,
    /// Counted against the limit: `next_index - released` (fail closed).
    pub used: u64,
}

impl From<Usage> for signet_usage {
    fn from(u: Usage) -> Self {
        signet_usage {
            next_index: u.next_index,
            committed: u.committed,
            released: u.released,
            used: u.used(),
        }
    }
}

/// What a store found when it was opened.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
#[allow(non_camel_case_types)]
pub struct signet_recovery {
    /// The durable counter state.
    pub usage: signet_usage,
    /// Reservations made durable but never settled (a crash): counted as used.
    pub lost: u64,
}

impl From<Recovery> for signet_recovery {
    fn from(r: Recovery) -> Self {
        signet_recovery {
            usage: r.usage.into(),
            lost: r.lost,
        }
    }
}

/// A NOR flash driven by the caller. Every callback returns 0 on success
/// and anything else on failure (the store then reports
/// `SIGNET_RESULT_COUNTER_STORAGE` and is poisoned until reopened).
///
/// Semantics the store relies on (those of NOR flash): `erase(from, to)`
/// sets every byte in `[from, to)` to 0xFF (`from`/`to` on `erase_size`
/// boundaries); `write` only clears bits. Writes are always one whole record
/// of `SIGNET_FLASH_RECORD_LEN` (64) bytes at a record-aligned offset, so
/// any flash whose write size divides 64 works. Reads may be of any length
/// and offset. The callbacks are called only during calls on the store
/// handle, on the calling thread.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct signet_flash {
    /// Passed back to every callback.
    pub user: *mut c_void,
    /// Reads `len` bytes at `offset` into `buf`.
    pub read: Option<unsafe extern "C" fn(user: *mut c_void, offset: u32, buf: *mut u8, len: usize) -> i32>,
    /// Programs `len` bytes at `offset` (bits may only go from 1 to 0).
    pub write:
        Option<unsafe extern "C" fn(user: *mut c_void, offset: u32, data: *const u8, len: usize) -> i32>,
    /// Erases `[from, to)` to 0xFF.
    pub erase: Option<unsafe extern "C" fn(user: *mut c_void, from: u32, to: u32) -> i32>,
    /// Total size of the flash in bytes.
    pub capacity: u32,
    /// Erase sector size in bytes: a power of two from 64 to 262144.
    pub erase_size: u32,
}

/// Every write is one record: see `signet_flash`.
pub const SIGNET_FLASH_RECORD_LEN: usize = 64;
const _: () = assert!(SIGNET_FLASH_RECORD_LEN == RECORD_LEN);

/// A checked copy of the callbacks. `E` is the erase size: core's `NorFlash`
/// has it as a constant, so each supported size is its own type.
#[derive(Debug)]
struct CFlash<const E: usize> {
    user: *mut c_void,
    read: unsafe extern "C" fn(*mut c_void, u32, *mut u8, usize) -> i32,
    write: unsafe extern "C" fn(*mut c_void, u32, *const u8, usize) -> i32,
    erase: unsafe extern "C" fn(*mut c_void, u32, u32) -> i32,
    capacity: u32,
}

impl<const E: usize> ErrorType for CFlash<E> {
    type Error = NorFlashErrorKind;
}

impl<const E: usize> ReadNorFlash for CFlash<E> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        check_read(self, offset, bytes.len())?;
        // SAFETY: the callback's contract (signet_flash docs): it writes at most
        // `len` bytes into `buf`, which is a live Rust buffer of that length.
        match unsafe { (self.read)(self.user, offset, bytes.as_mut_ptr(), bytes.len()) } {
            0 => Ok(()),
            _ => Err(NorFlashErrorKind::Other),
        }
    }

    fn capacity(&self) -> usize {
        self.capacity as usize
    }
}

impl<const E: usize> NorFlash for CFlash<E> {
    const WRITE_SIZE: usize = RECORD_LEN;
    const ERASE_SIZE: usize = E;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        check_erase(self, from, to)?;
        // SAFETY: the callback only touches its own flash.
        match unsafe { (self.erase)(self.user, from, to) } {
            0 => Ok(()),
            _ => Err(NorFlashErrorKind::Other),
        }
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        check_write(self, offset, bytes.len())?;
        // SAFETY: the callback reads `len` bytes from a live Rust buffer.
        match unsafe { (self.write)(self.user, offset, bytes.as_ptr(), bytes.len()) } {
            0 => Ok(()),
            _ => Err(NorFlashErrorKind::Other),
        }
    }
}

macro_rules! flash_sizes {
    ($( $variant:ident = $size:literal ),*) => {
        /// A flash store for each supported erase size.
        enum FlashStore { $( $variant(FlashCounterStore<CFlash<$size>>), )* }

        impl FlashStore {
            fn open(f: &signet_flash, base: u32, sectors: u32, format: bool) -> FfiResult<(FlashStore, Option<Recovery>)> {
                let read = f.read.ok_or_else(|| FfiError::null("flash->read"))?;
                let write = f.write.ok_or_else(|| FfiError::null("flash->write"))?;
                let erase = f.erase.ok_or_else(|| FfiError::null("flash->erase"))?;
                match f.erase_size {
                    $( $size => {
                        let flash = CFlash::<$size> { user: f.user, read, write, erase, capacity: f.capacity };
                        if format {
                            let s = FlashCounterStore::format(flash, base, sectors).map_err(|e| FfiError::core(&e))?;
                            Ok((FlashStore::$variant(s), None))
                        } else {
                            let (s, r) = FlashCounterStore::open(flash, base, sectors).map_err(|e| FfiError::core(&e))?;
                            Ok((FlashStore::$variant(s), Some(r)))
                        }
                    } )*
                    other => Err(FfiError::invalid(format!(
                        "flash erase_size {other} is not a power of two from 64 to 262144"
                    ))),
                }
            }

            fn store(&mut self) -> &mut dyn CounterStore {
                match self { $( FlashStore::$variant(s) => s, )* }
            }
        }
    };
}

flash_sizes!(
    E64 = 64,
    E128 = 128,
    E256 = 256,
    E512 = 512,
    E1k = 1024,
    E2k = 2048,
    E4k = 4096,
    E8k = 8192,
    E16k = 16384,
    E32k = 32768,
    E64k = 65536,
    E128k = 131072,
    E256k = 262144
);

enum Store {
    Memory(MemoryCounterStore),
    Flash(FlashStore),
}

/// A counter store (opaque): memory or flash. Free with
/// `signet_counter_store_free`.
pub struct signet_counter_store {
    store: Store,
}

impl signet_counter_store {
    fn counter(&mut self) -> &mut dyn CounterStore {
        match &mut self.store {
            Store::Memory(s) => s,
            Store::Flash(s) => s.store(),
        }
    }
}

/// A reserved signature (opaque). Settle it with
/// `signet_counter_store_commit` or `_abort`; freeing it unsettled leaves it
/// counted as used (fail closed).
pub struct signet_counter_reservation {
    reservation: Reservation,
}

fn counter_err(e: CounterError) -> FfiError {
    FfiError::core(&e)
}

/// A new in-memory store at zero (not durable: for tests, or a device that
/// keeps the count elsewhere).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `out_store` must be valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_counter_store_memory_new(
    out_store: *mut *mut signet_counter_store,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_store, "out_store")?;
        let store = signet_counter_store {
            store: Store::Memory(MemoryCounterStore::new()),
        };
        // SAFETY: checked non-NULL.
        unsafe { write(out, into_handle(store)) };
        Ok(())
    })
}

/// Erases `sectors` erase sectors of `flash` from `base` and starts a log at
/// zero. `*flash` is copied; `flash->user` must stay valid while the store lives.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER` (also a NULL callback),
/// `SIGNET_RESULT_INVALID_ARGUMENT` (erase size),
/// `SIGNET_RESULT_COUNTER_INVALID_GEOMETRY`, `SIGNET_RESULT_COUNTER_STORAGE`.
///
/// # Safety
/// `flash` must be valid for reads; `out_store` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_counter_store_flash_format(
    flash: *const signet_flash,
    base: u32,
    sectors: u32,
    out_store: *mut *mut signet_counter_store,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_store, "out_store")?;
        // SAFETY: caller contract above.
        let f = unsafe { as_ref(flash, "flash")? };
        let (store, _) = FlashStore::open(f, base, sectors, true)?;
        // SAFETY: checked non-NULL.
        unsafe {
            write(
                out,
                into_handle(signet_counter_store {
                    store: Store::Flash(store),
                }),
            )
        };
        Ok(())
    })
}

/// Opens the log in `sectors` sectors of `flash` from `base`, recovering the
/// newest valid state (after a power cut too).
///
/// # Errors
/// As `signet_counter_store_flash_format`, plus `SIGNET_RESULT_COUNTER_CORRUPT`
/// when the region holds no valid record (unformatted).
///
/// # Safety
/// `flash` must be valid for reads; `out_store` for one write; `out_recovery`
/// NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_counter_store_flash_open(
    flash: *const signet_flash,
    base: u32,
    sectors: u32,
    out_store: *mut *mut signet_counter_store,
    out_recovery: *mut signet_recovery,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_store, "out_store")?;
        // SAFETY: caller contract above.
        let f = unsafe { as_ref(flash, "flash")? };
        let (store, recovery) = FlashStore::open(f, base, sectors, false)?;
        // SAFETY: checked non-NULL / optional out-parameter.
        unsafe {
            write(
                out,
                into_handle(signet_counter_store {
                    store: Store::Flash(store),
                }),
            );
            if let (false, Some(r)) = (out_recovery.is_null(), recovery) {
                write(out_recovery, r.into());
            }
        }
        Ok(())
    })
}

/// Frees a store (a file store releases its lock). NULL does nothing.
/// Outstanding reservations stay counted as used.
///
/// # Safety
/// `store` must be NULL or a store not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_counter_store_free(store: *mut signet_counter_store) {
    // SAFETY: caller contract above.
    boundary_void(|| unsafe { free_handle(store) })
}

/// The current counter state.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `store` must be a live store; `out_usage` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_counter_store_usage(
    store: *mut signet_counter_store,
    out_usage: *mut signet_usage,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_usage, "out_usage")?;
        // SAFETY: caller contract above.
        let s = unsafe { as_mut(store, "store")? };
        // SAFETY: checked non-NULL.
        unsafe { write(out, s.counter().usage().into()) };
        Ok(())
    })
}

/// Reserves the next signature if fewer than `limit` are used; durable
/// before it returns.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_COUNTER_EXHAUSTED`,
/// `SIGNET_RESULT_COUNTER_TOO_MANY_OUTSTANDING`, `SIGNET_RESULT_COUNTER_STORAGE`,
/// `SIGNET_RESULT_COUNTER_POISONED`.
///
/// # Safety
/// `store` must be a live store; `out_reservation` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_counter_store_reserve(
    store: *mut signet_counter_store,
    limit: u64,
    out_reservation: *mut *mut signet_counter_reservation,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_reservation, "out_reservation")?;
        // SAFETY: caller contract above.
        let s = unsafe { as_mut(store, "store")? };
        let reservation = s.counter().reserve(limit).map_err(counter_err)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, into_handle(signet_counter_reservation { reservation })) };
        Ok(())
    })
}

/// The reservation's index: the monotonic serial of the signature.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `reservation` must be live; `out_index` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_counter_reservation_index(
    reservation: *const signet_counter_reservation,
    out_index: *mut u64,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_index, "out_index")?;
        // SAFETY: caller contract above.
        let r = unsafe { as_ref(reservation, "reservation")? };
        // SAFETY: checked non-NULL.
        unsafe { write(out, r.reservation.index()) };
        Ok(())
    })
}

/// Frees an unsettled reservation: it stays counted as used. NULL does nothing.
///
/// # Safety
/// `reservation` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_counter_reservation_free(reservation: *mut signet_counter_reservation) {
    // SAFETY: caller contract above.
    boundary_void(|| unsafe { free_handle(reservation) })
}

/// Settles a reservation: `reservation` is consumed (freed) whenever both
/// handles are non-NULL, whatever the result.
unsafe fn settle(
    store: *mut signet_counter_store,
    reservation: *mut signet_counter_reservation,
    commit: bool,
) -> FfiResult<u64> {
    if store.is_null() {
        return Err(FfiError::null("store"));
    }
    // SAFETY: caller contract (consuming call).
    let r = unsafe { take_handle(reservation, "reservation")? };
    // SAFETY: checked non-NULL; caller contract.
    let s = unsafe { as_mut(store, "store")? };
    let index = r.reservation.index();
    if commit {
        s.counter().commit(r.reservation).map_err(counter_err)
    } else {
        s.counter()
            .abort(r.reservation)
            .map_err(counter_err)
            .map(|()| index)
    }
}

/// Records that the reserved signature was produced; `*out_index` gets its
/// index. Consumes `reservation` (see `signet_counter_store_abort`).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER` (nothing consumed),
/// `SIGNET_RESULT_COUNTER_FOREIGN_RESERVATION`, `_UNKNOWN_RESERVATION`,
/// `_STORAGE`, `_POISONED`: the signature stays counted as used.
///
/// # Safety
/// `store` and `reservation` must be live; `out_index` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_counter_store_commit(
    store: *mut signet_counter_store,
    reservation: *mut signet_counter_reservation,
    out_index: *mut u64,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract above.
        let index = unsafe { settle(store, reservation, true)? };
        if !out_index.is_null() {
            // SAFETY: non-NULL, caller contract.
            unsafe { write(out_index, index) };
        }
        Ok(())
    })
}

/// Gives a reserved signature back (signing was refused). Consumes
/// `reservation` whenever `store` and `reservation` are non-NULL, whatever
/// the result.
///
/// # Errors
/// As `signet_counter_store_commit`.
///
/// # Safety
/// `store` and `reservation` must be live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_counter_store_abort(
    store: *mut signet_counter_store,
    reservation: *mut signet_counter_reservation,
) -> signet_result {
    // SAFETY: caller contract above.
    boundary(|| unsafe { settle(store, reservation, false) }.map(|_| ()))
}
