//! The enforced sign path allocates nothing.
//!
//! A counting `#[global_allocator]` (its own test binary: a global allocator
//! governs the whole binary) counts the allocations made by the current thread
//! while it is armed. Setup (key import, flash formatting) runs unarmed; the
//! armed region is one `sign::Signer::sign_digest`, the enforced path a device
//! runs per signature.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use signet_core::budget::{Budget, CertFingerprint, UserId, Validity};
use signet_core::counter::{CounterStore, FlashCounterStore, MemoryCounterStore, sim::SimFlash};
use signet_core::policy::{CertificateRef, key_info_from_spki_der};
use signet_core::sign::Signer;
use signet_core::time::UnixTime;
use signet_core::token::soft::SoftToken;
use signet_core::token::{
    EcdsaEncoding, HashAlgorithm, KeyUsage, MAX_SIGNATURE_LEN, SignatureAlgorithm, Token,
};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    // `try_with`: the thread-local may be gone while a thread exits.
    if ARMED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: forwards every call unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by this thread while running `f`. Tests run on several
/// threads, so the count is per armed thread; the tests in this binary run
/// their armed parts one at a time (a mutex) so the shared counter is exact.
fn allocations_in<R>(f: impl FnOnce() -> R) -> (usize, R) {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    ALLOCATIONS.store(0, Ordering::SeqCst);
    ARMED.with(|a| a.set(true));
    let r = f();
    ARMED.with(|a| a.set(false));
    (ALLOCATIONS.load(Ordering::SeqCst), r)
}

type Rng = rand_core::UnwrapErr<getrandom::SysRng>;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../examples/firmware/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A full enforced signature through `sign::Signer` (certificate/key match,
/// key policy, budget, reserve in the store, token signature, ECDSA
/// verification before release, commit) must not allocate, on a NOR-flash
/// counter store and on the in-memory one.
fn ecc_case(key: &str, alg: SignatureAlgorithm, hash: HashAlgorithm) {
    let mut token: SoftToken<Rng, 1> = SoftToken::new(rand_core::UnwrapErr(getrandom::SysRng));
    let handle = token
        .import_pkcs8_der(&fixture(&format!("{key}.pk8.der")), KeyUsage::SIGN_HASH, alg)
        .expect("import");
    let cert_der = fixture(&format!("{key}.cert.der"));
    let cert = CertificateRef::from_der(&cert_der).expect("certificate");
    let user = UserId::new("release-bot").expect("user id");
    let validity = Validity {
        not_before: cert.not_before(),
        not_after: cert.not_after(),
    };
    let budget =
        Budget::new(CertFingerprint(cert.fingerprint_sha256()), validity, user.clone()).expect("budget");
    let now = UnixTime(cert.not_before().as_secs() + 60);
    let digest = hash.digest(b"release artifact");
    let mut sig = [0u8; MAX_SIGNATURE_LEN];

    let mut flash = FlashCounterStore::format(SimFlash::<4, 1024>::new(4), 0, 4).expect("format");
    let mut signer = Signer::new(cert, &mut token, handle, &budget, &mut flash);
    let (count, receipt) =
        allocations_in(|| signer.sign_digest(&user, now, None, alg, digest.as_bytes(), &mut sig));
    let receipt = receipt.expect("enforced signature");
    assert_eq!(count, 0, "{key}: enforced sign on flash allocated {count} times");
    assert!(receipt.signature_len > 0);
    assert_eq!(flash.usage().committed, 1, "the signature is counted in flash");

    let mut memory = MemoryCounterStore::new();
    let mut signer = Signer::new(cert, &mut token, handle, &budget, &mut memory);
    let (count, receipt) =
        allocations_in(|| signer.sign_digest(&user, now, None, alg, digest.as_bytes(), &mut sig));
    receipt.expect("enforced signature");
    assert_eq!(count, 0, "{key}: enforced sign on memory allocated {count} times");

    // The pieces a device calls itself are heap-free too.
    let (count, _) = allocations_in(|| {
        let info = key_info_from_spki_der(cert.spki_der()).expect("SPKI");
        let r = budget.reserve(
            &mut memory,
            &user,
            &CertFingerprint(cert.fingerprint_sha256()),
            now,
        );
        let r = r.expect("reserve");
        budget.abort(&mut memory, r).expect("abort");
        info
    });
    assert_eq!(
        count, 0,
        "{key}: SPKI parse + reserve/abort allocated {count} times"
    );
}

#[test]
fn p256_enforced_signature_allocates_nothing() {
    let alg = SignatureAlgorithm::Ecdsa {
        hash: HashAlgorithm::Sha256,
        encoding: EcdsaEncoding::Der,
    };
    ecc_case("p256", alg, HashAlgorithm::Sha256);
}

#[test]
fn p384_enforced_signature_allocates_nothing() {
    let alg = SignatureAlgorithm::Ecdsa {
        hash: HashAlgorithm::Sha384,
        encoding: EcdsaEncoding::Fixed,
    };
    ecc_case("p384", alg, HashAlgorithm::Sha384);
}

/// The harness is not blind: an RSA signature (the `rsa` crate computes with
/// heap big integers) is seen allocating.
#[test]
fn harness_sees_rsa_allocations() {
    let mut token: SoftToken<Rng, 1> = SoftToken::new(rand_core::UnwrapErr(getrandom::SysRng));
    let alg = SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256);
    let der = fixture("rsa3072.pk8.der");
    let handle = token
        .import_pkcs8_der(&der, KeyUsage::SIGN_HASH, alg)
        .expect("import");
    let digest = HashAlgorithm::Sha256.digest(b"x");
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    let (count, len) = allocations_in(|| token.sign_digest(handle, alg, digest.as_bytes(), &mut sig));
    assert_eq!(len.expect("sign"), 384);
    assert!(count > 0, "RSA signing must show up in the count");
}
