//! The PKCS#11 module (`signet-pkcs11`) driven through its exported
//! function table with arbitrary call sequences and arguments, as a PKCS#11
//! application would: NULL and wild lengths, small buffers, templates,
//! mechanisms with and without parameters, sessions opened, closed and
//! reused, `C_Finalize` and `C_Initialize` in between.
//!
//! A development state (P-256, a budget of 1,000,000) is made once per
//! process in /dev/shm and served through `SIGNET_STATE`.
//!
//! Invariants: no call panics (the libFuzzer panic hook aborts even where
//! the module's boundary would catch it) and none returns
//! `CKR_GENERAL_ERROR` (the module's answer to a caught panic or a poisoned
//! lock); bytes past the length the caller gave are never written (guard
//! bytes); every signature returned with `CKR_OK` is exactly 64 bytes and
//! verifies against the state's key; the budget counts exactly the
//! signatures delivered (a length query, a small buffer or a refusal counts
//! nothing).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use cryptoki_sys::*;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use signet_host::{InitOptions, OpenOptions, State};

const GUARD: u8 = 0xA5;

struct Fixture {
    dir: PathBuf,
    key: p256::ecdsa::VerifyingKey,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let shm = std::path::Path::new("/dev/shm");
        let root = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = root.join(format!("signet-fuzz-pkcs11-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let init = InitOptions {
            budget: 1_000_000,
            ..InitOptions::default()
        };
        let state = State::init(&dir, OpenOptions::default(), &init).unwrap();
        let cert = x509_cert::Certificate::from_der(state.certificate_der()).unwrap();
        let point = cert
            .tbs_certificate()
            .subject_public_key_info()
            .subject_public_key
            .raw_bytes()
            .to_vec();
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).unwrap();
        // SAFETY: set once, before the module reads it, from the one fuzzing thread.
        unsafe {
            std::env::set_var("SIGNET_STATE", &dir);
            std::env::remove_var("SIGNET_PKCS11_CONFIG");
            std::env::set_var("SIGNET_PKCS11_LOG", "/dev/null");
        }
        Fixture { dir, key }
    })
}

use der::Decode as _;

fn f() -> &'static CK_FUNCTION_LIST {
    let mut list: *mut CK_FUNCTION_LIST = std::ptr::null_mut();
    // SAFETY: a valid out-pointer.
    assert_eq!(unsafe { signet_pkcs11::C_GetFunctionList(&mut list) }, CKR_OK);
    // SAFETY: the module's static table.
    unsafe { &*list }
}

/// A caller buffer of `len` bytes followed by guard bytes.
struct Buf(Vec<u8>, usize);

impl Buf {
    fn new(len: usize) -> Buf {
        Buf(vec![GUARD; len + 16], len)
    }
    fn ptr(&mut self) -> *mut u8 {
        self.0.as_mut_ptr()
    }
    fn check(&self) {
        assert!(
            self.0[self.1..].iter().all(|&b| b == GUARD),
            "wrote past the caller's buffer"
        );
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    Initialize(u8),
    Finalize,
    GetInfo(bool),
    SlotList {
        null_list: bool,
        count: u8,
        null_count: bool,
    },
    TokenInfo {
        slot: u8,
        null: bool,
    },
    MechList {
        slot: u8,
        count: u8,
        null_list: bool,
    },
    MechInfo {
        mech: u8,
    },
    Open {
        slot: u8,
        flags: u8,
    },
    Close(u8),
    CloseAll(u8),
    SessionInfo(u8),
    Login {
        s: u8,
        user: u8,
        pin: Vec<u8>,
        null: bool,
    },
    Logout(u8),
    FindInit {
        s: u8,
        template: Vec<(u8, Vec<u8>)>,
        null_template: bool,
    },
    Find {
        s: u8,
        max: u8,
        null: bool,
    },
    FindFinal(u8),
    Attr {
        s: u8,
        obj: u8,
        attrs: Vec<(u8, Option<u16>)>,
    },
    SignInit {
        s: u8,
        mech: u8,
        param: Vec<u8>,
        key: u8,
    },
    Sign {
        s: u8,
        data: Vec<u8>,
        buf: Option<u8>,
        null_data: bool,
    },
    Update {
        s: u8,
        data: Vec<u8>,
    },
    Final {
        s: u8,
        buf: Option<u8>,
    },
    Other {
        s: u8,
        which: u8,
    },
}

const MECHS: [CK_MECHANISM_TYPE; 8] = [
    CKM_ECDSA,
    CKM_ECDSA_SHA256,
    CKM_ECDSA_SHA384,
    CKM_RSA_PKCS,
    CKM_RSA_PKCS_PSS,
    CKM_SHA256_RSA_PKCS,
    CKM_SHA256,
    0xFFFF_FFFF,
];

const ATTRS: [CK_ATTRIBUTE_TYPE; 16] = [
    CKA_CLASS,
    CKA_ID,
    CKA_LABEL,
    CKA_KEY_TYPE,
    CKA_VALUE,
    CKA_SIGN,
    CKA_EC_PARAMS,
    CKA_EC_POINT,
    CKA_SENSITIVE,
    CKA_EXTRACTABLE,
    CKA_SUBJECT,
    CKA_ISSUER,
    CKA_SERIAL_NUMBER,
    CKA_MODULUS,
    CKA_PRIVATE_EXPONENT,
    CKA_CERTIFICATE_TYPE,
];

/// The running totals an input checks at its end.
#[derive(Default)]
struct Run {
    sessions: Vec<CK_SESSION_HANDLE>,
    /// The message each session's active sign operation has seen, when it
    /// hashes (for verifying what C_SignFinal returns).
    data: std::collections::HashMap<CK_SESSION_HANDLE, (CK_MECHANISM_TYPE, Vec<u8>)>,
    delivered: u64,
}

fn session(run: &Run, s: u8) -> CK_SESSION_HANDLE {
    match run.sessions.get(usize::from(s) % (run.sessions.len() + 1)) {
        Some(&h) if s < 200 => h,
        _ => CK_SESSION_HANDLE::from(s),
    }
}

fn ok(rv: CK_RV) -> CK_RV {
    assert_ne!(
        rv, CKR_GENERAL_ERROR,
        "CKR_GENERAL_ERROR: a panic or a poisoned lock"
    );
    rv
}

fn verify(fx: &Fixture, mech: CK_MECHANISM_TYPE, input: &[u8], sig: &[u8]) {
    use sha2::Digest as _;
    assert_eq!(sig.len(), 64);
    let digest = if mech == CKM_ECDSA {
        input.to_vec()
    } else {
        sha2::Sha256::digest(input).to_vec()
    };
    let sig = p256::ecdsa::Signature::from_slice(sig).unwrap();
    fx.key
        .verify_prehash(&digest, &sig)
        .expect("a delivered signature does not verify");
}

fn used(fx: &Fixture) -> u64 {
    State::open(&fx.dir, OpenOptions::default())
        .unwrap()
        .status()
        .unwrap()
        .budget
        .used
}

fuzz_target!(|ops: Vec<Op>| {
    let fx = fixture();
    let f = f();
    let before = used(fx);
    let mut run = Run::default();
    // SAFETY (every call below): pointers are to live buffers of the lengths
    // passed, or NULL; the module must cope with the NULLs and lengths.
    unsafe {
        ok((f.C_Initialize.unwrap())(std::ptr::null_mut()));
        for op in ops.iter().take(64) {
            match op {
                Op::Initialize(kind) => {
                    let mut args = CK_C_INITIALIZE_ARGS {
                        CreateMutex: None,
                        DestroyMutex: None,
                        LockMutex: None,
                        UnlockMutex: None,
                        flags: CK_FLAGS::from(*kind & 3),
                        pReserved: if kind & 4 != 0 {
                            8 as *mut _
                        } else {
                            std::ptr::null_mut()
                        },
                    };
                    let p = if kind & 8 != 0 {
                        &mut args as *mut _ as *mut _
                    } else {
                        std::ptr::null_mut()
                    };
                    if ok((f.C_Initialize.unwrap())(p)) == CKR_OK {
                        run.sessions.clear();
                        run.data.clear();
                    }
                }
                Op::Finalize => {
                    ok((f.C_Finalize.unwrap())(std::ptr::null_mut()));
                    run.sessions.clear();
                    run.data.clear();
                }
                Op::GetInfo(null) => {
                    let mut info = std::mem::zeroed::<CK_INFO>();
                    let p = if *null {
                        std::ptr::null_mut()
                    } else {
                        &mut info as *mut _
                    };
                    ok((f.C_GetInfo.unwrap())(p));
                }
                Op::SlotList {
                    null_list,
                    count,
                    null_count,
                } => {
                    let mut buf = [0 as CK_SLOT_ID; 4];
                    let mut n = CK_ULONG::from(*count % 5);
                    let l = if *null_list {
                        std::ptr::null_mut()
                    } else {
                        buf.as_mut_ptr()
                    };
                    let c = if *null_count {
                        std::ptr::null_mut()
                    } else {
                        &mut n as *mut _
                    };
                    ok((f.C_GetSlotList.unwrap())(CK_TRUE, l, c));
                }
                Op::TokenInfo { slot, null } => {
                    let mut info = std::mem::zeroed::<CK_TOKEN_INFO>();
                    let p = if *null {
                        std::ptr::null_mut()
                    } else {
                        &mut info as *mut _
                    };
                    ok((f.C_GetTokenInfo.unwrap())(CK_SLOT_ID::from(*slot % 2), p));
                }
                Op::MechList {
                    slot,
                    count,
                    null_list,
                } => {
                    let mut buf = [0 as CK_MECHANISM_TYPE; 4];
                    let mut n = CK_ULONG::from(*count % 5);
                    let l = if *null_list {
                        std::ptr::null_mut()
                    } else {
                        buf.as_mut_ptr()
                    };
                    ok((f.C_GetMechanismList.unwrap())(
                        CK_SLOT_ID::from(*slot % 2),
                        l,
                        &mut n,
                    ));
                    assert!(n <= 4);
                }
                Op::MechInfo { mech } => {
                    let mut info = std::mem::zeroed::<CK_MECHANISM_INFO>();
                    ok((f.C_GetMechanismInfo.unwrap())(
                        0,
                        MECHS[usize::from(*mech) % MECHS.len()],
                        &mut info,
                    ));
                }
                Op::Open { slot, flags } => {
                    let mut h = 0;
                    let rv = ok((f.C_OpenSession.unwrap())(
                        CK_SLOT_ID::from(*slot % 2),
                        CK_FLAGS::from(*flags & 6),
                        std::ptr::null_mut(),
                        None,
                        &mut h,
                    ));
                    if rv == CKR_OK {
                        run.sessions.push(h);
                    }
                }
                Op::Close(s) => {
                    let h = session(&run, *s);
                    if ok((f.C_CloseSession.unwrap())(h)) == CKR_OK {
                        run.sessions.retain(|&x| x != h);
                        run.data.remove(&h);
                    }
                }
                Op::CloseAll(slot) => {
                    if ok((f.C_CloseAllSessions.unwrap())(CK_SLOT_ID::from(*slot % 2))) == CKR_OK {
                        run.sessions.clear();
                        run.data.clear();
                    }
                }
                Op::SessionInfo(s) => {
                    let mut info = std::mem::zeroed::<CK_SESSION_INFO>();
                    ok((f.C_GetSessionInfo.unwrap())(session(&run, *s), &mut info));
                }
                Op::Login { s, user, pin, null } => {
                    let p = if *null {
                        std::ptr::null_mut()
                    } else {
                        pin.as_ptr() as *mut u8
                    };
                    ok((f.C_Login.unwrap())(
                        session(&run, *s),
                        CK_ULONG::from(*user % 4),
                        p,
                        pin.len() as CK_ULONG,
                    ));
                }
                Op::Logout(s) => {
                    ok((f.C_Logout.unwrap())(session(&run, *s)));
                }
                Op::FindInit {
                    s,
                    template,
                    null_template,
                } => {
                    let mut attrs: Vec<CK_ATTRIBUTE> = template
                        .iter()
                        .take(8)
                        .map(|(t, v)| CK_ATTRIBUTE {
                            type_: ATTRS[usize::from(*t) % ATTRS.len()],
                            pValue: if *t >= 128 {
                                std::ptr::null_mut()
                            } else {
                                v.as_ptr() as *mut _
                            },
                            ulValueLen: v.len() as CK_ULONG,
                        })
                        .collect();
                    let p = if *null_template {
                        std::ptr::null_mut()
                    } else {
                        attrs.as_mut_ptr()
                    };
                    ok((f.C_FindObjectsInit.unwrap())(
                        session(&run, *s),
                        p,
                        attrs.len() as CK_ULONG,
                    ));
                }
                Op::Find { s, max, null } => {
                    let max = usize::from(*max % 8);
                    let mut out = Buf::new(max * std::mem::size_of::<CK_OBJECT_HANDLE>());
                    let mut n: CK_ULONG = 0;
                    let p = if *null {
                        std::ptr::null_mut()
                    } else {
                        out.ptr() as *mut CK_OBJECT_HANDLE
                    };
                    if ok((f.C_FindObjects.unwrap())(
                        session(&run, *s),
                        p,
                        max as CK_ULONG,
                        &mut n,
                    )) == CKR_OK
                    {
                        assert!(n as usize <= max);
                    }
                    out.check();
                }
                Op::FindFinal(s) => {
                    ok((f.C_FindObjectsFinal.unwrap())(session(&run, *s)));
                }
                Op::Attr { s, obj, attrs } => {
                    let mut bufs: Vec<Buf> = attrs
                        .iter()
                        .take(8)
                        .map(|(_, len)| Buf::new(len.map_or(0, |l| usize::from(l % 1024))))
                        .collect();
                    let mut tmpl: Vec<CK_ATTRIBUTE> = attrs
                        .iter()
                        .take(8)
                        .zip(bufs.iter_mut())
                        .map(|((t, len), b)| CK_ATTRIBUTE {
                            type_: ATTRS[usize::from(*t) % ATTRS.len()],
                            pValue: if len.is_some() {
                                b.ptr() as *mut _
                            } else {
                                std::ptr::null_mut()
                            },
                            ulValueLen: b.1 as CK_ULONG,
                        })
                        .collect();
                    ok((f.C_GetAttributeValue.unwrap())(
                        session(&run, *s),
                        CK_OBJECT_HANDLE::from(*obj % 5),
                        tmpl.as_mut_ptr(),
                        tmpl.len() as CK_ULONG,
                    ));
                    for (a, b) in tmpl.iter().zip(&bufs) {
                        b.check();
                        assert!(a.ulValueLen == CK_UNAVAILABLE_INFORMATION || a.ulValueLen < 1 << 20);
                    }
                }
                Op::SignInit { s, mech, param, key } => {
                    let h = session(&run, *s);
                    let m = MECHS[usize::from(*mech) % MECHS.len()];
                    let mut mechanism = CK_MECHANISM {
                        mechanism: m,
                        pParameter: if param.is_empty() {
                            std::ptr::null_mut()
                        } else {
                            param.as_ptr() as *mut _
                        },
                        ulParameterLen: param.len() as CK_ULONG,
                    };
                    if ok((f.C_SignInit.unwrap())(
                        h,
                        &mut mechanism,
                        CK_OBJECT_HANDLE::from(*key % 4),
                    )) == CKR_OK
                    {
                        run.data.insert(h, (m, Vec::new()));
                    }
                }
                Op::Sign {
                    s,
                    data,
                    buf,
                    null_data,
                } => {
                    let h = session(&run, *s);
                    let mut out = Buf::new(buf.map_or(0, usize::from));
                    let mut len = out.1 as CK_ULONG;
                    let p = if buf.is_some() {
                        out.ptr()
                    } else {
                        std::ptr::null_mut()
                    };
                    let d = if *null_data {
                        std::ptr::null_mut()
                    } else {
                        data.as_ptr() as *mut u8
                    };
                    let rv = ok((f.C_Sign.unwrap())(h, d, data.len() as CK_ULONG, p, &mut len));
                    out.check();
                    if rv == CKR_OK && buf.is_some() {
                        let (mech, seen) = run.data.remove(&h).expect("a signature without an operation");
                        assert!(seen.is_empty());
                        verify(fx, mech, data, &out.0[..len as usize]);
                        run.delivered += 1;
                    } else if rv != CKR_OK && rv != CKR_BUFFER_TOO_SMALL {
                        run.data.remove(&h);
                    }
                }
                Op::Update { s, data } => {
                    let h = session(&run, *s);
                    let rv = ok((f.C_SignUpdate.unwrap())(
                        h,
                        data.as_ptr() as *mut u8,
                        data.len() as CK_ULONG,
                    ));
                    match run.data.get_mut(&h) {
                        Some((_, seen)) if rv == CKR_OK => seen.extend_from_slice(data),
                        _ => {
                            run.data.remove(&h);
                        }
                    }
                }
                Op::Final { s, buf } => {
                    let h = session(&run, *s);
                    let mut out = Buf::new(buf.map_or(0, usize::from));
                    let mut len = out.1 as CK_ULONG;
                    let p = if buf.is_some() {
                        out.ptr()
                    } else {
                        std::ptr::null_mut()
                    };
                    let rv = ok((f.C_SignFinal.unwrap())(h, p, &mut len));
                    out.check();
                    if rv == CKR_OK && buf.is_some() {
                        let (mech, seen) = run.data.remove(&h).expect("a signature without an operation");
                        verify(fx, mech, &seen, &out.0[..len as usize]);
                        run.delivered += 1;
                    } else if rv != CKR_OK && rv != CKR_BUFFER_TOO_SMALL {
                        run.data.remove(&h);
                    }
                }
                Op::Other { s, which } => {
                    let h = session(&run, *s);
                    let n = std::ptr::null_mut();
                    let rv = match which % 6 {
                        0 => (f.C_Encrypt.unwrap())(h, n, 0, n, std::ptr::null_mut()),
                        1 => (f.C_VerifyInit.unwrap())(h, std::ptr::null_mut(), 1),
                        2 => (f.C_GenerateRandom.unwrap())(h, n, 0),
                        3 => (f.C_DestroyObject.unwrap())(h, 1),
                        4 => (f.C_DigestInit.unwrap())(h, std::ptr::null_mut()),
                        _ => (f.C_WaitForSlotEvent.unwrap())(0, std::ptr::null_mut(), std::ptr::null_mut()),
                    };
                    ok(rv);
                }
            }
        }
        (f.C_Finalize.unwrap())(std::ptr::null_mut());
    }
    assert_eq!(
        used(fx) - before,
        run.delivered,
        "the budget counted other than the signatures delivered"
    );
});
