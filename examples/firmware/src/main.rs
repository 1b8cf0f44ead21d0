//! Example Signet firmware for a Cortex-M4F (`thumbv7em-none-eabihf`).
//!
//! What it proves: signet-core builds and links without `std`, and the
//! enforced path — key policy check on an embedded SPKI, a signature budget
//! counted in NOR flash, a signature from the software token — fits a
//! microcontroller. Which parts are compiled in is chosen by cargo features
//! (see Cargo.toml); `scripts/embedded.sh` builds every set and reports sizes.
//!
//! NOT FOR PRODUCTION: the private keys in `keys/` are fixed test keys and
//! [`TestRng`] is a deterministic counter-based generator. A real device keeps
//! its key in a secure element and draws randomness from a hardware TRNG.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m_rt::entry;

/// Set once `main` has run all enabled steps; the low byte counts the steps
/// that succeeded, `0xDEAD_xxxx` marks the step that failed. Readable with a
/// debugger (or over semihosting with `stack-probe`).
static STATUS: AtomicU32 = AtomicU32::new(0);

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    STATUS.store(0xDEAD_0000, Ordering::SeqCst);
    loop {
        cortex_m::asm::nop();
    }
}

#[cfg(feature = "heap")]
mod heap {
    use core::mem::MaybeUninit;

    use embedded_alloc::LlffHeap as Heap;

    #[global_allocator]
    static HEAP: Heap = Heap::empty();

    /// 48 KiB: enough for RSA-3072 signing and validating a seed-sized order.
    const HEAP_SIZE: usize = 48 * 1024;

    pub fn init() {
        static mut HEAP_MEM: [MaybeUninit<u8>; HEAP_SIZE] = [MaybeUninit::uninit(); HEAP_SIZE];
        // SAFETY: called once, first thing in `main`, before any allocation;
        // HEAP_MEM is used by nothing else.
        unsafe { HEAP.init(core::ptr::addr_of_mut!(HEAP_MEM) as usize, HEAP_SIZE) }
    }
}

/// A NOR flash simulated in RAM: erase sets bytes to 0xFF, program can only
/// clear bits (it ANDs), as on real NOR. Stands in for the MCU's flash driver.
#[cfg(feature = "budget")]
mod ram_flash {
    use embedded_storage::nor_flash::{
        ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash, check_erase, check_read,
        check_write,
    };

    /// One counter store per budget: 4 sectors of 1 KiB each, 4 regions
    /// (the policy+budget demo, P-256, P-384, RSA-3072).
    pub const SECTORS_PER_STORE: u32 = 4;
    pub const SECTOR: usize = 1024;
    const LEN: usize = 4 * SECTORS_PER_STORE as usize * SECTOR;

    #[derive(Debug)]
    pub struct Error(NorFlashErrorKind);

    impl NorFlashError for Error {
        fn kind(&self) -> NorFlashErrorKind {
            self.0
        }
    }

    pub struct RamFlash {
        mem: &'static mut [u8; LEN],
    }

    impl RamFlash {
        /// Takes the static flash array (only once: `singleton!` returns `None` after).
        pub fn take() -> Option<Self> {
            let mem = cortex_m::singleton!(: [u8; LEN] = [0xFF; LEN])?;
            Some(RamFlash { mem })
        }
    }

    impl ErrorType for RamFlash {
        type Error = Error;
    }

    impl ReadNorFlash for RamFlash {
        const READ_SIZE: usize = 1;

        fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Error> {
            check_read(self, offset, bytes.len()).map_err(Error)?;
            let start = offset as usize;
            let src = self
                .mem
                .get(start..start + bytes.len())
                .ok_or(Error(NorFlashErrorKind::OutOfBounds))?;
            bytes.copy_from_slice(src);
            Ok(())
        }

        fn capacity(&self) -> usize {
            LEN
        }
    }

    impl NorFlash for RamFlash {
        const WRITE_SIZE: usize = 4;
        const ERASE_SIZE: usize = SECTOR;

        fn erase(&mut self, from: u32, to: u32) -> Result<(), Error> {
            check_erase(self, from, to).map_err(Error)?;
            let range = self
                .mem
                .get_mut(from as usize..to as usize)
                .ok_or(Error(NorFlashErrorKind::OutOfBounds))?;
            range.fill(0xFF);
            Ok(())
        }

        fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Error> {
            check_write(self, offset, bytes.len()).map_err(Error)?;
            let start = offset as usize;
            let dst = self
                .mem
                .get_mut(start..start + bytes.len())
                .ok_or(Error(NorFlashErrorKind::OutOfBounds))?;
            for (d, s) in dst.iter_mut().zip(bytes) {
                *d &= *s;
            }
            Ok(())
        }
    }
}

/// Deterministic test RNG (SplitMix64). NOT cryptographically secure and NOT
/// FOR PRODUCTION: it only lets the firmware build and run reproducibly (ECDSA
/// in the soft token is RFC 6979 deterministic anyway; RSA PKCS#1 v1.5 needs
/// randomness only for blinding). A device uses its hardware TRNG.
#[cfg(feature = "p256")]
struct TestRng(u64);

#[cfg(feature = "p256")]
impl rand_core::TryRng for TestRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Ok(z ^ (z >> 31))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let v = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(feature = "p256")]
impl rand_core::TryCryptoRng for TestRng {}

/// Steps of the demo; each returns `Err(step number)` on failure.
mod steps {
    #[cfg(feature = "budget")]
    use signet_core::{
        budget::{Budget, CertFingerprint, UserId, Validity},
        counter::FlashCounterStore,
        policy::{self, DeviceProfile},
        time::{Date, UnixTime},
    };

    /// 2026-06-01 00:00:00 UTC: "now", passed in (core has no clock).
    #[cfg(feature = "budget")]
    pub const NOW: UnixTime = UnixTime(1_780_272_000);

    /// Validates the seed order `examples/orders/ship_token.json`; true when it
    /// has no error finding.
    #[cfg(feature = "validation")]
    #[inline(never)]
    pub fn validate_order() -> bool {
        use signet_core::order::{Product, validate};
        let body = include_bytes!("../../orders/ship_token.json");
        let Ok(at) = signet_core::time::Date::from_ymd(2026, 6, 1) else {
            return false;
        };
        let report = validate(body, Product::CodeSigning, at);
        report.is_valid()
    }

    /// Key policy on an SPKI for a device profile, on the date of [`NOW`].
    #[cfg(feature = "budget")]
    #[inline(never)]
    pub fn check_policy(spki: &[u8], profile: DeviceProfile) -> bool {
        let Ok(info) = policy::key_info_from_spki_der(spki) else {
            return false;
        };
        let Ok(at) = Date::from_ymd(2026, 6, 1) else {
            return false;
        };
        policy::check_key(&info, Some(profile), at).is_allowed()
    }

    /// The signing certificate's fingerprint (a fixed test value) and budget.
    #[cfg(feature = "budget")]
    pub fn budget() -> Option<(Budget, CertFingerprint, UserId)> {
        let fp = CertFingerprint([0x5A; 32]);
        let signer = UserId::new("firmware").ok()?;
        let validity = Validity {
            not_before: UnixTime(1_767_225_600), // 2026-01-01
            not_after: UnixTime(1_798_761_600),  // 2027-01-01
        };
        let budget = Budget::new(fp, validity, signer.clone()).ok()?;
        Some((budget, fp, signer))
    }

    /// A flash counter store on the in-RAM NOR flash, freshly formatted.
    #[cfg(feature = "budget")]
    pub fn store(
        flash: &mut super::ram_flash::RamFlash,
    ) -> Option<FlashCounterStore<&mut super::ram_flash::RamFlash>> {
        FlashCounterStore::format(flash, 0, super::ram_flash::SECTORS_PER_STORE).ok()
    }

    /// One signature through the enforced sign primitive
    /// ([`signet_core::sign::Signer`]): key/certificate match, key policy,
    /// budget (counted in its own region of the NOR flash), token signature,
    /// verification before release, commit. Returns the signature length.
    #[cfg(feature = "p256")]
    #[inline(never)]
    pub fn enforced_sign<T: signet_core::token::Token>(
        name: &str,
        token: T,
        handle: signet_core::token::KeyHandle,
        alg: signet_core::token::SignatureAlgorithm,
        cert_der: &[u8],
        flash: &mut super::ram_flash::RamFlash,
        region: u32,
        out: &mut [u8],
    ) -> Option<usize> {
        use signet_core::policy::CertificateRef;
        use signet_core::sign::Signer;
        use signet_core::token::{HashAlgorithm, SignatureAlgorithm};
        let cert = CertificateRef::from_der(cert_der).ok()?;
        let fp = CertFingerprint(cert.fingerprint_sha256());
        let signer = UserId::new("firmware").ok()?;
        let validity = Validity {
            not_before: cert.not_before(),
            not_after: cert.not_after(),
        };
        let budget = Budget::new(fp, validity, signer.clone()).ok()?;
        let base = region * super::ram_flash::SECTORS_PER_STORE * super::ram_flash::SECTOR as u32;
        let store = FlashCounterStore::format(flash, base, super::ram_flash::SECTORS_PER_STORE).ok()?;
        // "Now": a day into the test certificate's validity (core has no clock;
        // a device passes its RTC time).
        let now = UnixTime(cert.not_before().as_secs() + 86_400);
        let hash = match alg {
            SignatureAlgorithm::Ecdsa { hash, .. }
            | SignatureAlgorithm::RsaPkcs1v15(hash)
            | SignatureAlgorithm::RsaPss(hash) => hash,
            _ => HashAlgorithm::Sha256,
        };
        let digest = hash.digest(b"firmware image v1.0.0");
        let mut s = Signer::new(cert, token, handle, &budget, store);
        let receipt = super::measured(name, || {
            s.sign_digest(&signer, now, None, alg, digest.as_bytes(), out)
        })
        .ok()?;
        Some(receipt.signature_len)
    }
}

#[cfg(feature = "stack-probe")]
mod probe {
    //! Stack painting: fill the unused stack below the caller with a pattern,
    //! run the code under test, then find the lowest word that changed.
    const PAINT: u32 = 0xC0DE_F00D;
    /// Bytes painted below the current stack pointer. RAM is 128 KiB: 48 KiB
    /// heap + 4 KiB flash + statics leave more than this for the stack.
    const WINDOW: usize = 56 * 1024;
    /// Skipped just below SP, for the painting function's own frame.
    const GUARD: usize = 256;

    /// Paints `[sp - WINDOW, sp - GUARD)` and returns the caller's stack pointer.
    #[inline(never)]
    pub fn paint() -> usize {
        let sp = cortex_m::register::msp::read() as usize;
        let mut p = sp - WINDOW;
        while p < sp - GUARD {
            // SAFETY: below the live stack, inside RAM (see WINDOW); nothing lives there.
            unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
            p += 4;
        }
        sp
    }

    /// Bytes of stack used below `sp` since [`paint`].
    #[inline(never)]
    pub fn used(sp: usize) -> usize {
        let mut p = sp - WINDOW;
        // SAFETY: as in `paint`: reading the painted window.
        while p < sp && unsafe { core::ptr::read_volatile(p as *const u32) } == PAINT {
            p += 4;
        }
        sp - p
    }
}

/// Runs `f` with the stack painted and prints its stack high-water mark.
#[cfg(feature = "stack-probe")]
fn measured<R>(name: &str, f: impl FnOnce() -> R) -> R {
    let sp = probe::paint();
    let r = f();
    let used = probe::used(sp);
    cortex_m_semihosting::hprintln!("stack {}: {} bytes", name, used);
    r
}

#[cfg(all(not(feature = "stack-probe"), any(feature = "budget", feature = "validation")))]
fn measured<R>(_name: &str, f: impl FnOnce() -> R) -> R {
    f()
}

#[entry]
fn main() -> ! {
    #[cfg(feature = "heap")]
    heap::init();
    let ok = run();
    STATUS.store(ok, Ordering::SeqCst);
    #[cfg(feature = "stack-probe")]
    {
        cortex_m_semihosting::hprintln!("status {:#x}", ok);
        cortex_m_semihosting::debug::exit(if ok & 0xFFFF_0000 == 0 {
            cortex_m_semihosting::debug::EXIT_SUCCESS
        } else {
            cortex_m_semihosting::debug::EXIT_FAILURE
        });
    }
    loop {
        cortex_m::asm::wfi();
    }
}

/// Runs every enabled step; returns the number of steps passed, or
/// `0xDEAD_0000 | step` for the first failing one.
#[inline(never)]
fn run() -> u32 {
    #[allow(unused_mut)]
    let mut passed = 0u32;
    let fail = |step: u32| 0xDEAD_0000 | step;

    #[cfg(feature = "validation")]
    {
        if !measured("validate ship_token order", steps::validate_order) {
            return fail(1);
        }
        passed += 1;
    }

    #[cfg(feature = "budget")]
    {
        use signet_core::policy::DeviceProfile;
        let p256_spki = include_bytes!("../keys/p256.spki.der");
        if !measured("policy check", || {
            steps::check_policy(p256_spki, DeviceProfile::Etoken5110Fips)
        }) {
            return fail(2);
        }
        passed += 1;
        let Some((budget, fp, signer)) = steps::budget() else {
            return fail(3);
        };
        let Some(mut flash) = ram_flash::RamFlash::take() else {
            return fail(4);
        };
        let Some(mut store) = steps::store(&mut flash) else {
            return fail(4);
        };
        // A budget reservation given back: proves the flash store round-trips.
        let Ok(r) = budget.reserve(&mut store, &signer, &fp, steps::NOW) else {
            return fail(5);
        };
        if budget.abort(&mut store, r).is_err() {
            return fail(6);
        }
        drop(store);
        passed += 1;

        #[cfg(feature = "p256")]
        {
            use signet_core::token::soft::SoftToken;
            use signet_core::token::{
                EcdsaEncoding, HashAlgorithm, KeyUsage, MAX_SIGNATURE_LEN, SignatureAlgorithm,
            };
            let mut token: SoftToken<TestRng, 3> = SoftToken::new(TestRng(0x5167_4E45_5400_0001));
            let mut sig = [0u8; MAX_SIGNATURE_LEN];
            let ecdsa = |hash| SignatureAlgorithm::Ecdsa {
                hash,
                encoding: EcdsaEncoding::Der,
            };

            let alg = ecdsa(HashAlgorithm::Sha256);
            let Ok(h) =
                token.import_pkcs8_der(include_bytes!("../keys/p256.pk8.der"), KeyUsage::SIGN_HASH, alg)
            else {
                return fail(7);
            };
            let cert = include_bytes!("../keys/p256.cert.der");
            let n = steps::enforced_sign(
                "enforced P-256 sign",
                &mut token,
                h,
                alg,
                cert,
                &mut flash,
                1,
                &mut sig,
            );
            if n.is_none() {
                return fail(8);
            }
            core::hint::black_box(&sig);
            passed += 1;

            #[cfg(feature = "p384")]
            {
                let spki = include_bytes!("../keys/p384.spki.der");
                if !steps::check_policy(spki, DeviceProfile::Etoken5110Fips) {
                    return fail(9);
                }
                let alg = ecdsa(HashAlgorithm::Sha384);
                let Ok(h) =
                    token.import_pkcs8_der(include_bytes!("../keys/p384.pk8.der"), KeyUsage::SIGN_HASH, alg)
                else {
                    return fail(10);
                };
                let cert = include_bytes!("../keys/p384.cert.der");
                let n = steps::enforced_sign(
                    "enforced P-384 sign",
                    &mut token,
                    h,
                    alg,
                    cert,
                    &mut flash,
                    2,
                    &mut sig,
                );
                if n.is_none() {
                    return fail(11);
                }
                core::hint::black_box(&sig);
                passed += 1;
            }

            #[cfg(feature = "rsa")]
            {
                let spki = include_bytes!("../keys/rsa3072.spki.der");
                if !steps::check_policy(spki, DeviceProfile::Hsm) {
                    return fail(12);
                }
                let alg = SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256);
                let Ok(h) = token.import_pkcs8_der(
                    include_bytes!("../keys/rsa3072.pk8.der"),
                    KeyUsage::SIGN_HASH,
                    alg,
                ) else {
                    return fail(13);
                };
                let cert = include_bytes!("../keys/rsa3072.cert.der");
                let n = steps::enforced_sign(
                    "enforced RSA-3072 sign",
                    &mut token,
                    h,
                    alg,
                    cert,
                    &mut flash,
                    3,
                    &mut sig,
                );
                if n.is_none() {
                    return fail(14);
                }
                core::hint::black_box(&sig);
                passed += 1;
            }
        }
    }
    passed
}
