//! The enforced sign path allocates nothing.
//!
//! A counting `#[global_allocator]` (its own test binary: a global allocator
//! governs the whole binary) counts the allocations made by the current thread
//! while it is armed. Setup (key import, flash formatting) runs unarmed; the
//! armed region is the sign path a device runs per signature: SPKI policy
//! check, budget reserve on a NOR-flash counter, token signature, commit.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use signet_core::budget::{Budget, CertFingerprint, UserId, Validity};
use signet_core::counter::{CounterStore, FlashCounterStore, MemoryCounterStore, sim::SimFlash};
use signet_core::policy::{check_signing_key, key_info_from_spki_der};
use signet_core::time::UnixTime;
use signet_core::token::soft::SoftToken;
use signet_core::token::{
    EcdsaEncoding, HashAlgorithm, KeyAttributes, KeyType, KeyUsage, MAX_SIGNATURE_LEN, MAX_SPKI_LEN,
    SignatureAlgorithm, Token,
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

const NOW: UnixTime = UnixTime(1_780_272_000); // 2026-06-01
const VALIDITY: Validity = Validity {
    not_before: UnixTime(1_767_225_600), // 2026-01-01
    not_after: UnixTime(1_798_761_600),  // 2027-01-01
};

fn ecdsa(hash: HashAlgorithm) -> SignatureAlgorithm {
    SignatureAlgorithm::Ecdsa {
        hash,
        encoding: EcdsaEncoding::Der,
    }
}

/// One enforced signature: policy on the token's SPKI, reserve, sign, commit.
/// Returns the signature length.
#[allow(clippy::too_many_arguments)]
fn enforced_sign<T: Token, S: CounterStore>(
    token: &mut T,
    handle: signet_core::token::KeyHandle,
    alg: SignatureAlgorithm,
    hash: HashAlgorithm,
    budget: &Budget,
    store: &mut S,
    signer: &UserId,
    fp: &CertFingerprint,
    out: &mut [u8],
) -> usize {
    let mut spki = [0u8; MAX_SPKI_LEN];
    let n = token.public_key(handle, &mut spki).expect("public key");
    let info = key_info_from_spki_der(&spki[..n]).expect("SPKI parses");
    check_signing_key(&info, VALIDITY.not_before, VALIDITY.not_after, NOW).expect("key allowed");
    let digest = hash.digest(b"release artifact");
    let r = budget.reserve(store, signer, fp, NOW).expect("reserve");
    let len = token
        .sign_digest(handle, alg, digest.as_bytes(), out)
        .expect("sign");
    budget.commit(store, r).expect("commit");
    len
}

fn setup() -> (Budget, CertFingerprint, UserId) {
    let fp = CertFingerprint([7; 32]);
    let signer = UserId::new("release-bot").expect("user id");
    let budget = Budget::new(fp, VALIDITY, signer.clone()).expect("budget");
    (budget, fp, signer)
}

fn ecc_case(key_type: KeyType, hash: HashAlgorithm) {
    let mut token: SoftToken<Rng, 1> = SoftToken::new(rand_core::UnwrapErr(getrandom::SysRng));
    let alg = ecdsa(hash);
    let attrs = KeyAttributes::new(key_type, KeyUsage::SIGN_HASH, alg).expect("attributes");
    let handle = token.generate(attrs).expect("generate");
    let (budget, fp, signer) = setup();
    let mut flash = FlashCounterStore::format(SimFlash::<4, 1024>::new(4), 0, 4).expect("format");
    let mut memory = MemoryCounterStore::new();
    let mut sig = [0u8; MAX_SIGNATURE_LEN];

    let (count, len) = allocations_in(|| {
        enforced_sign(&mut token, handle, alg, hash, &budget, &mut flash, &signer, &fp, &mut sig)
    });
    assert_eq!(count, 0, "{key_type:?} sign path on flash allocated {count} times");
    assert!(len > 0 && len <= attrs.signature_len());
    assert_eq!(flash.usage().committed, 1, "the signature is counted in flash");

    let (count, _) = allocations_in(|| {
        enforced_sign(&mut token, handle, alg, hash, &budget, &mut memory, &signer, &fp, &mut sig)
    });
    assert_eq!(count, 0, "{key_type:?} sign path on memory allocated {count} times");
}

#[test]
fn p256_enforced_signature_allocates_nothing() {
    ecc_case(KeyType::EccP256, HashAlgorithm::Sha256);
}

#[test]
fn p384_enforced_signature_allocates_nothing() {
    ecc_case(KeyType::EccP384, HashAlgorithm::Sha384);
}

/// The harness is not blind: an RSA signature (the `rsa` crate computes with
/// heap big integers) is seen allocating.
#[test]
fn harness_sees_rsa_allocations() {
    let mut token: SoftToken<Rng, 1> = SoftToken::new(rand_core::UnwrapErr(getrandom::SysRng));
    let alg = SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256);
    let der = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/firmware/keys/rsa3072.pk8.der"))
        .expect("test key");
    let handle = token
        .import_pkcs8_der(&der, KeyUsage::SIGN_HASH, alg)
        .expect("import");
    let digest = HashAlgorithm::Sha256.digest(b"x");
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    let (count, len) = allocations_in(|| token.sign_digest(handle, alg, digest.as_bytes(), &mut sig));
    assert_eq!(len.expect("sign"), 384);
    assert!(count > 0, "RSA signing must show up in the count");
}
