#![doc = include_str!("../README.md")]
// The PKCS#11 names (C_Sign, pulSignatureLen) are the specification's.
#![allow(non_snake_case)]
#![deny(missing_docs)]

pub mod mech;
pub mod module;
pub mod objects;
pub mod refusal;

use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, RwLock};

use cryptoki_sys::*;

use crate::module::{Ck, Module};

/// The initialised module, shared by every thread. `C_Finalize` empties it;
/// calls in flight keep their `Arc`.
static MODULE: RwLock<Option<Arc<Module>>> = RwLock::new(None);

/// The longest attribute template or value accepted: far above any real
/// use, so a wild length fails before it is trusted.
const MAX_TEMPLATE: CK_ULONG = 1024;
const MAX_VALUE: CK_ULONG = 1 << 20;

/// Runs an entry point's body: a panic never unwinds into C (it becomes
/// `CKR_GENERAL_ERROR`), and `Err(rv)` is returned as is.
fn guard(f: impl FnOnce() -> Ck) -> CK_RV {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => CKR_OK,
        Ok(Err(rv)) => rv,
        Err(_) => CKR_GENERAL_ERROR,
    }
}

fn module() -> Ck<Arc<Module>> {
    MODULE
        .read()
        .map_err(|_| CKR_GENERAL_ERROR)?
        .clone()
        .ok_or(CKR_CRYPTOKI_NOT_INITIALIZED)
}

/// `len` bytes at `p`: NULL is allowed only for an empty input.
///
/// # Safety
/// A non-NULL `p` must be valid for `len` bytes for the call.
unsafe fn bytes<'a>(p: *const u8, len: CK_ULONG) -> Ck<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() || !matches!(usize::try_from(len), Ok(l) if l <= isize::MAX as usize) {
        return Err(CKR_ARGUMENTS_BAD);
    }
    // SAFETY: non-NULL, and the caller promises `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(p, len as usize) })
}

/// A writable out-parameter.
///
/// # Safety
/// A non-NULL `p` must point to a writable `T`.
unsafe fn out<'a, T>(p: *mut T) -> Ck<&'a mut T> {
    // SAFETY: NULL is checked; the caller promises a valid `T`.
    unsafe { p.as_mut() }.ok_or(CKR_ARGUMENTS_BAD)
}

/// A blank-padded fixed-size PKCS#11 text field.
fn padded<const N: usize>(s: &str) -> [u8; N] {
    let mut field = [b' '; N];
    for (d, c) in field.iter_mut().zip(s.bytes()) {
        *d = c;
    }
    field
}

const SLOT: CK_SLOT_ID = 0;

fn check_slot(slot: CK_SLOT_ID) -> Ck {
    if slot == SLOT {
        Ok(())
    } else {
        Err(CKR_SLOT_ID_INVALID)
    }
}

const VERSION: CK_VERSION = CK_VERSION { major: 2, minor: 40 };
const LIBRARY_VERSION: CK_VERSION = CK_VERSION { major: 0, minor: 1 };

unsafe extern "C" fn C_Initialize(init_args: *mut c_void) -> CK_RV {
    guard(|| {
        if !init_args.is_null() {
            // SAFETY: a non-NULL argument is a CK_C_INITIALIZE_ARGS.
            let args = unsafe { &*(init_args as *const CK_C_INITIALIZE_ARGS) };
            if !args.pReserved.is_null() {
                return Err(CKR_ARGUMENTS_BAD);
            }
            let fns = [
                args.CreateMutex.is_some(),
                args.DestroyMutex.is_some(),
                args.LockMutex.is_some(),
                args.UnlockMutex.is_some(),
            ];
            if fns.iter().any(|&f| f) && !fns.iter().all(|&f| f) {
                return Err(CKR_ARGUMENTS_BAD);
            }
            // The module locks with the OS's primitives (std's); it cannot
            // use the application's instead.
            if fns[0] && args.flags & CKF_OS_LOCKING_OK == 0 {
                return Err(CKR_CANT_LOCK);
            }
        }
        let mut slot = MODULE.write().map_err(|_| CKR_GENERAL_ERROR)?;
        if slot.is_some() {
            return Err(CKR_CRYPTOKI_ALREADY_INITIALIZED);
        }
        let config = module::load_config().map_err(|m| {
            module::Log::stderr_or_env().write("pkcs11_module_config", &m);
            CKR_FUNCTION_FAILED
        })?;
        let log_file = config.log.clone();
        match Module::open(config) {
            Ok(m) => {
                *slot = Some(Arc::new(m));
                Ok(())
            }
            Err((code, message)) => {
                module::Log::to(log_file).write(&code, &format!("cannot serve the state: {message}"));
                Err(CKR_FUNCTION_FAILED)
            }
        }
    })
}

unsafe extern "C" fn C_Finalize(reserved: *mut c_void) -> CK_RV {
    guard(|| {
        if !reserved.is_null() {
            return Err(CKR_ARGUMENTS_BAD);
        }
        let mut slot = MODULE.write().map_err(|_| CKR_GENERAL_ERROR)?;
        slot.take().map(drop).ok_or(CKR_CRYPTOKI_NOT_INITIALIZED)
    })
}

unsafe extern "C" fn C_GetInfo(info: *mut CK_INFO) -> CK_RV {
    guard(|| {
        module()?;
        // SAFETY: checked by `out`.
        let info = unsafe { out(info) }?;
        *info = CK_INFO {
            cryptokiVersion: VERSION,
            manufacturerID: padded("Signet"),
            flags: 0,
            libraryDescription: padded("Signet enforced signing"),
            libraryVersion: LIBRARY_VERSION,
        };
        Ok(())
    })
}

/// The module's function table (PKCS#11 2.40).
///
/// # Safety
/// `list` must be NULL or point to a writable pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn C_GetFunctionList(list: *mut *mut CK_FUNCTION_LIST) -> CK_RV {
    guard(|| {
        // SAFETY: checked by `out`.
        let list = unsafe { out(list) }?;
        // Callers never write through it (PKCS#11: the list is the
        // module's, read-only).
        *list = &FUNCTION_LIST as *const CK_FUNCTION_LIST as *mut CK_FUNCTION_LIST;
        Ok(())
    })
}

/// A `CK_INTERFACE` in a static: its pointers are to statics.
struct Interface(CK_INTERFACE);
// SAFETY: every pointer in it is to immutable static data.
unsafe impl Sync for Interface {}

static INTERFACE: Interface = Interface(CK_INTERFACE {
    pInterfaceName: c"PKCS 11".as_ptr() as *mut CK_UTF8CHAR,
    pFunctionList: &FUNCTION_LIST as *const CK_FUNCTION_LIST as *mut c_void,
    flags: 0,
});

/// PKCS#11 3.0's interface list: one interface, "PKCS 11", whose function
/// table is the 2.40 one (its `version` says so, which 3.0 allows).
///
/// # Safety
/// `list` is NULL (a length query) or holds `*count` interfaces; `count` is
/// a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn C_GetInterfaceList(list: *mut CK_INTERFACE, count: *mut CK_ULONG) -> CK_RV {
    guard(|| {
        // SAFETY: checked by `out`.
        let count = unsafe { out(count) }?;
        if list.is_null() {
            *count = 1;
            return Ok(());
        }
        if *count < 1 {
            *count = 1;
            return Err(CKR_BUFFER_TOO_SMALL);
        }
        // SAFETY: non-NULL, room for one (checked above).
        unsafe { list.write(INTERFACE.0) };
        *count = 1;
        Ok(())
    })
}

/// PKCS#11 3.0's `C_GetInterface`: the "PKCS 11" interface (version 2.40),
/// or the default one for a NULL name.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `version` NULL or valid;
/// `interface` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn C_GetInterface(
    name: *mut CK_UTF8CHAR,
    version: *mut CK_VERSION,
    interface: *mut *mut CK_INTERFACE,
    flags: CK_FLAGS,
) -> CK_RV {
    guard(|| {
        // SAFETY: checked by `out`.
        let interface = unsafe { out(interface) }?;
        if !name.is_null() {
            // SAFETY: a non-NULL name is NUL-terminated (the API's contract).
            let name = unsafe { std::ffi::CStr::from_ptr(name as *const std::ffi::c_char) };
            if name.to_bytes() != b"PKCS 11" {
                return Err(CKR_ARGUMENTS_BAD);
            }
        }
        // SAFETY: NULL or a valid CK_VERSION.
        if let Some(v) = unsafe { version.as_ref() }
            && (v.major, v.minor) != (VERSION.major, VERSION.minor)
        {
            return Err(CKR_ARGUMENTS_BAD);
        }
        // The one interface has no flags (not fork-safe: std's locks).
        if flags != 0 {
            return Err(CKR_ARGUMENTS_BAD);
        }
        *interface = &INTERFACE.0 as *const CK_INTERFACE as *mut CK_INTERFACE;
        Ok(())
    })
}

unsafe extern "C" fn C_GetSlotList(_present: CK_BBOOL, list: *mut CK_SLOT_ID, count: *mut CK_ULONG) -> CK_RV {
    guard(|| {
        module()?;
        // SAFETY: checked by `out`.
        let count = unsafe { out(count) }?;
        if list.is_null() {
            *count = 1;
            return Ok(());
        }
        if *count < 1 {
            *count = 1;
            return Err(CKR_BUFFER_TOO_SMALL);
        }
        // SAFETY: non-NULL with room for `*count` >= 1 slots.
        unsafe { list.write(SLOT) };
        *count = 1;
        Ok(())
    })
}

unsafe extern "C" fn C_GetSlotInfo(slot: CK_SLOT_ID, info: *mut CK_SLOT_INFO) -> CK_RV {
    guard(|| {
        module()?;
        check_slot(slot)?;
        // SAFETY: checked by `out`.
        let info = unsafe { out(info) }?;
        *info = CK_SLOT_INFO {
            slotDescription: padded("Signet state"),
            manufacturerID: padded("Signet"),
            flags: CKF_TOKEN_PRESENT,
            hardwareVersion: LIBRARY_VERSION,
            firmwareVersion: LIBRARY_VERSION,
        };
        Ok(())
    })
}

unsafe extern "C" fn C_GetTokenInfo(slot: CK_SLOT_ID, info: *mut CK_TOKEN_INFO) -> CK_RV {
    guard(|| {
        let m = module()?;
        check_slot(slot)?;
        // SAFETY: checked by `out`.
        let info = unsafe { out(info) }?;
        let (sessions, rw) = m.session_counts();
        *info = CK_TOKEN_INFO {
            label: padded(&m.label),
            manufacturerID: padded("Signet"),
            model: padded("signet-pkcs11"),
            serialNumber: padded(&m.serial),
            // CKF_LOGIN_REQUIRED only for a token state that waits for the
            // PIN C_Login brings: otherwise the signer is the OS user, and
            // the policy decides on every signature (see the README).
            flags: CKF_TOKEN_INITIALIZED
                | CKF_USER_PIN_INITIALIZED
                | if m.login_required() { CKF_LOGIN_REQUIRED } else { 0 },
            ulMaxSessionCount: CK_EFFECTIVELY_INFINITE,
            ulSessionCount: sessions as CK_ULONG,
            ulMaxRwSessionCount: CK_EFFECTIVELY_INFINITE,
            ulRwSessionCount: rw as CK_ULONG,
            ulMaxPinLen: 255,
            ulMinPinLen: 0,
            ulTotalPublicMemory: CK_UNAVAILABLE_INFORMATION,
            ulFreePublicMemory: CK_UNAVAILABLE_INFORMATION,
            ulTotalPrivateMemory: CK_UNAVAILABLE_INFORMATION,
            ulFreePrivateMemory: CK_UNAVAILABLE_INFORMATION,
            hardwareVersion: LIBRARY_VERSION,
            firmwareVersion: LIBRARY_VERSION,
            utcTime: [b' '; 16],
        };
        Ok(())
    })
}

unsafe extern "C" fn C_GetMechanismList(
    slot: CK_SLOT_ID,
    list: *mut CK_MECHANISM_TYPE,
    count: *mut CK_ULONG,
) -> CK_RV {
    guard(|| {
        let m = module()?;
        check_slot(slot)?;
        // SAFETY: checked by `out`.
        let count = unsafe { out(count) }?;
        let mechs = m.mechanisms();
        let n = mechs.len() as CK_ULONG;
        if list.is_null() {
            *count = n;
            return Ok(());
        }
        if *count < n {
            *count = n;
            return Err(CKR_BUFFER_TOO_SMALL);
        }
        for (i, (mech, _)) in mechs.iter().enumerate() {
            // SAFETY: non-NULL with room for `*count` >= n entries.
            unsafe { list.add(i).write(*mech) };
        }
        *count = n;
        Ok(())
    })
}

unsafe extern "C" fn C_GetMechanismInfo(
    slot: CK_SLOT_ID,
    mech: CK_MECHANISM_TYPE,
    info: *mut CK_MECHANISM_INFO,
) -> CK_RV {
    guard(|| {
        let m = module()?;
        check_slot(slot)?;
        // SAFETY: checked by `out`.
        let info = unsafe { out(info) }?;
        if !m.mechanisms().iter().any(|(x, _)| *x == mech) {
            return Err(CKR_MECHANISM_INVALID);
        }
        let bits = m.objects.key.bits() as CK_ULONG;
        let ec = matches!(m.objects.key, objects::KeyInfo::Ec { .. });
        *info = CK_MECHANISM_INFO {
            ulMinKeySize: bits,
            ulMaxKeySize: bits,
            flags: CKF_SIGN
                | if ec {
                    CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS
                } else {
                    0
                },
        };
        Ok(())
    })
}

unsafe extern "C" fn C_OpenSession(
    slot: CK_SLOT_ID,
    flags: CK_FLAGS,
    _app: *mut c_void,
    _notify: CK_NOTIFY,
    session: *mut CK_SESSION_HANDLE,
) -> CK_RV {
    guard(|| {
        let m = module()?;
        check_slot(slot)?;
        // SAFETY: checked by `out`.
        let session = unsafe { out(session) }?;
        if flags & CKF_SERIAL_SESSION == 0 {
            return Err(CKR_SESSION_PARALLEL_NOT_SUPPORTED);
        }
        *session = m.open_session(flags)?;
        Ok(())
    })
}

unsafe extern "C" fn C_CloseSession(session: CK_SESSION_HANDLE) -> CK_RV {
    guard(|| module()?.close(Some(session)))
}

unsafe extern "C" fn C_CloseAllSessions(slot: CK_SLOT_ID) -> CK_RV {
    guard(|| {
        let m = module()?;
        check_slot(slot)?;
        m.close(None)
    })
}

unsafe extern "C" fn C_GetSessionInfo(session: CK_SESSION_HANDLE, info: *mut CK_SESSION_INFO) -> CK_RV {
    guard(|| {
        let m = module()?;
        let s = m.session(session)?;
        let flags = s.lock().map_err(|_| CKR_GENERAL_ERROR)?.flags;
        // SAFETY: checked by `out`.
        let info = unsafe { out(info) }?;
        let rw = flags & CKF_RW_SESSION != 0;
        let state = match (m.logged_in(), rw) {
            (true, true) => CKS_RW_USER_FUNCTIONS,
            (true, false) => CKS_RO_USER_FUNCTIONS,
            (false, true) => CKS_RW_PUBLIC_SESSION,
            (false, false) => CKS_RO_PUBLIC_SESSION,
        };
        *info = CK_SESSION_INFO {
            slotID: SLOT,
            state,
            flags,
            ulDeviceError: 0,
        };
        Ok(())
    })
}

unsafe extern "C" fn C_Login(
    session: CK_SESSION_HANDLE,
    user: CK_USER_TYPE,
    pin: *mut CK_UTF8CHAR,
    len: CK_ULONG,
) -> CK_RV {
    guard(|| {
        let m = module()?;
        m.session(session)?;
        // The PIN goes to the wrapped token (a token state) and is never
        // kept or logged. NULL (with length 0) is a protected
        // authentication path.
        let pin = if pin.is_null() && len == 0 {
            None
        } else {
            // SAFETY: checked by `bytes`.
            Some(unsafe { bytes(pin, len) }?)
        };
        match user {
            CKU_USER => m.login(pin),
            CKU_SO => Err(CKR_USER_TYPE_INVALID),
            // No key of this token needs CKA_ALWAYS_AUTHENTICATE.
            CKU_CONTEXT_SPECIFIC => Err(CKR_OPERATION_NOT_INITIALIZED),
            _ => Err(CKR_USER_TYPE_INVALID),
        }
    })
}

unsafe extern "C" fn C_Logout(session: CK_SESSION_HANDLE) -> CK_RV {
    guard(|| {
        let m = module()?;
        m.session(session)?;
        m.logout()
    })
}

/// Reads a template into `(type, value)` pairs (for `C_FindObjectsInit`).
///
/// # Safety
/// `template` holds `count` attributes whose values are valid for their
/// lengths.
unsafe fn read_template(
    template: *const CK_ATTRIBUTE,
    count: CK_ULONG,
) -> Ck<Vec<(CK_ATTRIBUTE_TYPE, Vec<u8>)>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if template.is_null() || count > MAX_TEMPLATE {
        return Err(CKR_ARGUMENTS_BAD);
    }
    // SAFETY: non-NULL, `count` entries (the caller's contract), bounded.
    let attrs = unsafe { std::slice::from_raw_parts(template, count as usize) };
    attrs
        .iter()
        .map(|a| {
            if a.ulValueLen > MAX_VALUE {
                return Err(CKR_ATTRIBUTE_VALUE_INVALID);
            }
            // SAFETY: checked by `bytes`.
            let v = unsafe { bytes(a.pValue as *const u8, a.ulValueLen) }?;
            Ok((a.type_, v.to_vec()))
        })
        .collect()
}

unsafe extern "C" fn C_GetAttributeValue(
    session: CK_SESSION_HANDLE,
    object: CK_OBJECT_HANDLE,
    template: *mut CK_ATTRIBUTE,
    count: CK_ULONG,
) -> CK_RV {
    guard(|| {
        let m = module()?;
        m.session(session)?;
        if !objects::ALL.contains(&object) {
            return Err(CKR_OBJECT_HANDLE_INVALID);
        }
        if count == 0 {
            return Ok(());
        }
        if template.is_null() || count > MAX_TEMPLATE {
            return Err(CKR_ARGUMENTS_BAD);
        }
        // SAFETY: non-NULL, `count` entries (the caller's contract), bounded.
        let attrs = unsafe { std::slice::from_raw_parts_mut(template, count as usize) };
        let mut rv = CKR_OK;
        for a in attrs.iter_mut() {
            match m.objects.attribute(object, a.type_, false) {
                Err(objects::Sensitive) => {
                    a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
                    rv = CKR_ATTRIBUTE_SENSITIVE;
                }
                Ok(None) => {
                    a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
                    rv = CKR_ATTRIBUTE_TYPE_INVALID;
                }
                Ok(Some(v)) => {
                    if a.pValue.is_null() {
                        a.ulValueLen = v.len() as CK_ULONG;
                    } else if a.ulValueLen >= v.len() as CK_ULONG {
                        // SAFETY: non-NULL, with room for ulValueLen >= v.len() bytes.
                        unsafe { std::ptr::copy_nonoverlapping(v.as_ptr(), a.pValue as *mut u8, v.len()) };
                        a.ulValueLen = v.len() as CK_ULONG;
                    } else {
                        a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
                        rv = CKR_BUFFER_TOO_SMALL;
                    }
                }
            }
        }
        if rv == CKR_OK { Ok(()) } else { Err(rv) }
    })
}

unsafe extern "C" fn C_FindObjectsInit(
    session: CK_SESSION_HANDLE,
    template: *mut CK_ATTRIBUTE,
    count: CK_ULONG,
) -> CK_RV {
    guard(|| {
        let m = module()?;
        let s = m.session(session)?;
        let mut s = s.lock().map_err(|_| CKR_GENERAL_ERROR)?;
        if s.find.is_some() {
            return Err(CKR_OPERATION_ACTIVE);
        }
        // SAFETY: the caller's template; checked by `read_template`.
        let template = unsafe { read_template(template, count) }?;
        s.find = Some(m.find(&template));
        Ok(())
    })
}

unsafe extern "C" fn C_FindObjects(
    session: CK_SESSION_HANDLE,
    found: *mut CK_OBJECT_HANDLE,
    max: CK_ULONG,
    count: *mut CK_ULONG,
) -> CK_RV {
    guard(|| {
        let m = module()?;
        let s = m.session(session)?;
        let mut s = s.lock().map_err(|_| CKR_GENERAL_ERROR)?;
        // SAFETY: checked by `out`.
        let count = unsafe { out(count) }?;
        let left = s.find.as_mut().ok_or(CKR_OPERATION_NOT_INITIALIZED)?;
        if found.is_null() && max > 0 {
            return Err(CKR_ARGUMENTS_BAD);
        }
        let n = left.len().min(usize::try_from(max).unwrap_or(usize::MAX));
        for (i, h) in left.drain(..n).enumerate() {
            // SAFETY: non-NULL with room for `max` >= n handles.
            unsafe { found.add(i).write(h) };
        }
        *count = n as CK_ULONG;
        Ok(())
    })
}

unsafe extern "C" fn C_FindObjectsFinal(session: CK_SESSION_HANDLE) -> CK_RV {
    guard(|| {
        let m = module()?;
        let s = m.session(session)?;
        let mut s = s.lock().map_err(|_| CKR_GENERAL_ERROR)?;
        s.find.take().map(drop).ok_or(CKR_OPERATION_NOT_INITIALIZED)
    })
}

unsafe extern "C" fn C_SignInit(
    session: CK_SESSION_HANDLE,
    mechanism: *mut CK_MECHANISM,
    key: CK_OBJECT_HANDLE,
) -> CK_RV {
    guard(|| {
        let m = module()?;
        let s = m.session(session)?;
        let mut s = s.lock().map_err(|_| CKR_GENERAL_ERROR)?;
        // SAFETY: NULL or a valid CK_MECHANISM.
        let mech = unsafe { mechanism.as_ref() }.ok_or(CKR_ARGUMENTS_BAD)?;
        // SAFETY: checked by `bytes`.
        let params = unsafe { bytes(mech.pParameter as *const u8, mech.ulParameterLen) }?;
        let pss = (params.len() == std::mem::size_of::<CK_RSA_PKCS_PSS_PARAMS>()).then(|| {
            // SAFETY: exactly the struct's size; read unaligned because a
            // caller's buffer need not be aligned.
            unsafe { std::ptr::read_unaligned(params.as_ptr() as *const CK_RSA_PKCS_PSS_PARAMS) }
        });
        let params = (!params.is_empty()).then_some(params);
        m.sign_init(&mut s, mech.mechanism, params, pss, key)
    })
}

/// The caller's signature buffer: `None` for a length query (NULL).
///
/// # Safety
/// A non-NULL `sig` is writable for `len` bytes.
unsafe fn sig_buffer<'a>(sig: *mut u8, len: CK_ULONG) -> Ck<Option<&'a mut [u8]>> {
    if sig.is_null() {
        return Ok(None);
    }
    if !matches!(usize::try_from(len), Ok(l) if l <= isize::MAX as usize) {
        return Err(CKR_ARGUMENTS_BAD);
    }
    // SAFETY: non-NULL, writable for `len` bytes (the caller's contract).
    Ok(Some(unsafe { std::slice::from_raw_parts_mut(sig, len as usize) }))
}

unsafe extern "C" fn C_Sign(
    session: CK_SESSION_HANDLE,
    data: *mut CK_BYTE,
    data_len: CK_ULONG,
    sig: *mut CK_BYTE,
    sig_len: *mut CK_ULONG,
) -> CK_RV {
    guard(|| {
        let m = module()?;
        let s = m.session(session)?;
        let mut s = s.lock().map_err(|_| CKR_GENERAL_ERROR)?;
        if s.sign.is_none() {
            return Err(CKR_OPERATION_NOT_INITIALIZED);
        }
        // Bad arguments end the operation, as any error but a too-small
        // buffer does (PKCS#11 5.12).
        // SAFETY: checked by `out`, `bytes`, `sig_buffer`.
        let args = unsafe { out(sig_len).and_then(|l| Ok((l, bytes(data, data_len)?))) };
        let (sig_len, data) = args.inspect_err(|_| s.sign = None)?;
        // SAFETY: as above.
        let buffer = unsafe { sig_buffer(sig, *sig_len) }.inspect_err(|_| s.sign = None)?;
        m.sign(&mut s, Some(data), buffer, sig_len)
    })
}

unsafe extern "C" fn C_SignUpdate(session: CK_SESSION_HANDLE, part: *mut CK_BYTE, len: CK_ULONG) -> CK_RV {
    guard(|| {
        let m = module()?;
        let s = m.session(session)?;
        let mut s = s.lock().map_err(|_| CKR_GENERAL_ERROR)?;
        if s.sign.is_none() {
            return Err(CKR_OPERATION_NOT_INITIALIZED);
        }
        // SAFETY: checked by `bytes`.
        let part = unsafe { bytes(part, len) }.inspect_err(|_| s.sign = None)?;
        m.sign_update(&mut s, part)
    })
}

unsafe extern "C" fn C_SignFinal(
    session: CK_SESSION_HANDLE,
    sig: *mut CK_BYTE,
    sig_len: *mut CK_ULONG,
) -> CK_RV {
    guard(|| {
        let m = module()?;
        let s = m.session(session)?;
        let mut s = s.lock().map_err(|_| CKR_GENERAL_ERROR)?;
        if s.sign.is_none() {
            return Err(CKR_OPERATION_NOT_INITIALIZED);
        }
        // SAFETY: checked by `out` and `sig_buffer`.
        let sig_len = unsafe { out(sig_len) }.inspect_err(|_| s.sign = None)?;
        // SAFETY: as above.
        let buffer = unsafe { sig_buffer(sig, *sig_len) }.inspect_err(|_| s.sign = None)?;
        m.sign(&mut s, None, buffer, sig_len)
    })
}

/// The functions this token does not offer: each checks that the module is
/// initialised (a PKCS#11 application may rely on that order of errors) and
/// answers `CKR_FUNCTION_NOT_SUPPORTED`.
macro_rules! not_supported {
    ($($name:ident($($arg:ty),*);)*) => {$(
        unsafe extern "C" fn $name($(_: $arg),*) -> CK_RV {
            guard(|| {
                module()?;
                Err(CKR_FUNCTION_NOT_SUPPORTED)
            })
        }
    )*};
}

not_supported! {
    C_InitToken(CK_SLOT_ID, *mut CK_UTF8CHAR, CK_ULONG, *mut CK_UTF8CHAR);
    C_InitPIN(CK_SESSION_HANDLE, *mut CK_UTF8CHAR, CK_ULONG);
    C_SetPIN(CK_SESSION_HANDLE, *mut CK_UTF8CHAR, CK_ULONG, *mut CK_UTF8CHAR, CK_ULONG);
    C_GetOperationState(CK_SESSION_HANDLE, *mut CK_BYTE, *mut CK_ULONG);
    C_SetOperationState(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE);
    C_CreateObject(CK_SESSION_HANDLE, *mut CK_ATTRIBUTE, CK_ULONG, *mut CK_OBJECT_HANDLE);
    C_CopyObject(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, *mut CK_ATTRIBUTE, CK_ULONG, *mut CK_OBJECT_HANDLE);
    C_DestroyObject(CK_SESSION_HANDLE, CK_OBJECT_HANDLE);
    C_GetObjectSize(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, *mut CK_ULONG);
    C_SetAttributeValue(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, *mut CK_ATTRIBUTE, CK_ULONG);
    C_EncryptInit(CK_SESSION_HANDLE, *mut CK_MECHANISM, CK_OBJECT_HANDLE);
    C_Encrypt(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, *mut CK_ULONG);
    C_EncryptUpdate(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, *mut CK_ULONG);
    C_EncryptFinal(CK_SESSION_HANDLE, *mut CK_BYTE, *mut CK_ULONG);
    C_DecryptInit(CK_SESSION_HANDLE, *mut CK_MECHANISM, CK_OBJECT_HANDLE);
    C_Decrypt(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, *mut CK_ULONG);
    C_DecryptUpdate(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, *mut CK_ULONG);
    C_DecryptFinal(CK_SESSION_HANDLE, *mut CK_BYTE, *mut CK_ULONG);
    C_DigestInit(CK_SESSION_HANDLE, *mut CK_MECHANISM);
    C_Digest(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, *mut CK_ULONG);
    C_DigestUpdate(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG);
    C_DigestKey(CK_SESSION_HANDLE, CK_OBJECT_HANDLE);
    C_DigestFinal(CK_SESSION_HANDLE, *mut CK_BYTE, *mut CK_ULONG);
    C_SignRecoverInit(CK_SESSION_HANDLE, *mut CK_MECHANISM, CK_OBJECT_HANDLE);
    C_SignRecover(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, *mut CK_ULONG);
    C_VerifyInit(CK_SESSION_HANDLE, *mut CK_MECHANISM, CK_OBJECT_HANDLE);
    C_Verify(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, CK_ULONG);
    C_VerifyUpdate(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG);
    C_VerifyFinal(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG);
    C_VerifyRecoverInit(CK_SESSION_HANDLE, *mut CK_MECHANISM, CK_OBJECT_HANDLE);
    C_VerifyRecover(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, *mut CK_ULONG);
    C_DigestEncryptUpdate(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, *mut CK_ULONG);
    C_DecryptDigestUpdate(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, *mut CK_ULONG);
    C_SignEncryptUpdate(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, *mut CK_ULONG);
    C_DecryptVerifyUpdate(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_BYTE, *mut CK_ULONG);
    C_GenerateKey(CK_SESSION_HANDLE, *mut CK_MECHANISM, *mut CK_ATTRIBUTE, CK_ULONG, *mut CK_OBJECT_HANDLE);
    C_GenerateKeyPair(CK_SESSION_HANDLE, *mut CK_MECHANISM, *mut CK_ATTRIBUTE, CK_ULONG, *mut CK_ATTRIBUTE, CK_ULONG, *mut CK_OBJECT_HANDLE, *mut CK_OBJECT_HANDLE);
    C_WrapKey(CK_SESSION_HANDLE, *mut CK_MECHANISM, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE, *mut CK_BYTE, *mut CK_ULONG);
    C_UnwrapKey(CK_SESSION_HANDLE, *mut CK_MECHANISM, CK_OBJECT_HANDLE, *mut CK_BYTE, CK_ULONG, *mut CK_ATTRIBUTE, CK_ULONG, *mut CK_OBJECT_HANDLE);
    C_DeriveKey(CK_SESSION_HANDLE, *mut CK_MECHANISM, CK_OBJECT_HANDLE, *mut CK_ATTRIBUTE, CK_ULONG, *mut CK_OBJECT_HANDLE);
    C_SeedRandom(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG);
    C_GenerateRandom(CK_SESSION_HANDLE, *mut CK_BYTE, CK_ULONG);
    C_WaitForSlotEvent(CK_FLAGS, *mut CK_SLOT_ID, *mut c_void);
}

/// Legacy parallel-function calls: never parallel here.
unsafe extern "C" fn C_GetFunctionStatus(_: CK_SESSION_HANDLE) -> CK_RV {
    guard(|| {
        module()?;
        Err(CKR_FUNCTION_NOT_PARALLEL)
    })
}

unsafe extern "C" fn C_CancelFunction(_: CK_SESSION_HANDLE) -> CK_RV {
    guard(|| {
        module()?;
        Err(CKR_FUNCTION_NOT_PARALLEL)
    })
}

/// Only `C_GetFunctionList` (and 3.0's `C_GetInterface*`) are exported by
/// name: every PKCS#11 client reaches the rest through this table, and
/// unexported names cannot interpose on the `C_*` symbols of a hardware
/// token's module that host loads into the same process.
static FUNCTION_LIST: CK_FUNCTION_LIST = CK_FUNCTION_LIST {
    version: VERSION,
    C_Initialize: Some(C_Initialize),
    C_Finalize: Some(C_Finalize),
    C_GetInfo: Some(C_GetInfo),
    C_GetFunctionList: Some(C_GetFunctionList),
    C_GetSlotList: Some(C_GetSlotList),
    C_GetSlotInfo: Some(C_GetSlotInfo),
    C_GetTokenInfo: Some(C_GetTokenInfo),
    C_GetMechanismList: Some(C_GetMechanismList),
    C_GetMechanismInfo: Some(C_GetMechanismInfo),
    C_InitToken: Some(C_InitToken),
    C_InitPIN: Some(C_InitPIN),
    C_SetPIN: Some(C_SetPIN),
    C_OpenSession: Some(C_OpenSession),
    C_CloseSession: Some(C_CloseSession),
    C_CloseAllSessions: Some(C_CloseAllSessions),
    C_GetSessionInfo: Some(C_GetSessionInfo),
    C_GetOperationState: Some(C_GetOperationState),
    C_SetOperationState: Some(C_SetOperationState),
    C_Login: Some(C_Login),
    C_Logout: Some(C_Logout),
    C_CreateObject: Some(C_CreateObject),
    C_CopyObject: Some(C_CopyObject),
    C_DestroyObject: Some(C_DestroyObject),
    C_GetObjectSize: Some(C_GetObjectSize),
    C_GetAttributeValue: Some(C_GetAttributeValue),
    C_SetAttributeValue: Some(C_SetAttributeValue),
    C_FindObjectsInit: Some(C_FindObjectsInit),
    C_FindObjects: Some(C_FindObjects),
    C_FindObjectsFinal: Some(C_FindObjectsFinal),
    C_EncryptInit: Some(C_EncryptInit),
    C_Encrypt: Some(C_Encrypt),
    C_EncryptUpdate: Some(C_EncryptUpdate),
    C_EncryptFinal: Some(C_EncryptFinal),
    C_DecryptInit: Some(C_DecryptInit),
    C_Decrypt: Some(C_Decrypt),
    C_DecryptUpdate: Some(C_DecryptUpdate),
    C_DecryptFinal: Some(C_DecryptFinal),
    C_DigestInit: Some(C_DigestInit),
    C_Digest: Some(C_Digest),
    C_DigestUpdate: Some(C_DigestUpdate),
    C_DigestKey: Some(C_DigestKey),
    C_DigestFinal: Some(C_DigestFinal),
    C_SignInit: Some(C_SignInit),
    C_Sign: Some(C_Sign),
    C_SignUpdate: Some(C_SignUpdate),
    C_SignFinal: Some(C_SignFinal),
    C_SignRecoverInit: Some(C_SignRecoverInit),
    C_SignRecover: Some(C_SignRecover),
    C_VerifyInit: Some(C_VerifyInit),
    C_Verify: Some(C_Verify),
    C_VerifyUpdate: Some(C_VerifyUpdate),
    C_VerifyFinal: Some(C_VerifyFinal),
    C_VerifyRecoverInit: Some(C_VerifyRecoverInit),
    C_VerifyRecover: Some(C_VerifyRecover),
    C_DigestEncryptUpdate: Some(C_DigestEncryptUpdate),
    C_DecryptDigestUpdate: Some(C_DecryptDigestUpdate),
    C_SignEncryptUpdate: Some(C_SignEncryptUpdate),
    C_DecryptVerifyUpdate: Some(C_DecryptVerifyUpdate),
    C_GenerateKey: Some(C_GenerateKey),
    C_GenerateKeyPair: Some(C_GenerateKeyPair),
    C_WrapKey: Some(C_WrapKey),
    C_UnwrapKey: Some(C_UnwrapKey),
    C_DeriveKey: Some(C_DeriveKey),
    C_SeedRandom: Some(C_SeedRandom),
    C_GenerateRandom: Some(C_GenerateRandom),
    C_GetFunctionStatus: Some(C_GetFunctionStatus),
    C_CancelFunction: Some(C_CancelFunction),
    C_WaitForSlotEvent: Some(C_WaitForSlotEvent),
};
