//! Signatures per second: `C_Sign` in a loop through a PKCS#11 module (this
//! one, or SoftHSM2 for comparison), called through the `cryptoki` client
//! library as any application would, or `State::sign_digest` directly (what
//! the module does inside each `C_Sign`).
//!
//! ```sh
//! cargo run --release -p signet-pkcs11 --example module_bench -- module MODULE.so N [PIN]
//! cargo run --release -p signet-pkcs11 --example module_bench -- host STATE_DIR N
//! ```
//! `module` signs a 32-byte digest with `CKM_ECDSA` and the first private key
//! of the first token (logging in with PIN when given); `host` signs the same
//! digest through the state. Prints one line: `N signatures in S s: R /s`.

use std::time::Instant;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use signet_host::{OpenOptions, SignOptions, State};

fn report(n: u32, secs: f64) {
    println!("{n} signatures in {secs:.3} s: {:.1} /s", f64::from(n) / secs);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: module_bench module MODULE N [PIN] | host STATE_DIR N";
    let (mode, path, n) = match args.as_slice() {
        [_, mode, path, n, ..] => (mode.as_str(), path, n.parse::<u32>().expect(usage)),
        _ => panic!("{usage}"),
    };
    let digest = [0x5a_u8; 32];
    match mode {
        "host" => {
            let state =
                State::open(std::path::Path::new(path), OpenOptions::default()).expect("open the state");
            state
                .sign_digest(&digest, &SignOptions::default())
                .expect("warm-up signature");
            let start = Instant::now();
            for _ in 0..n {
                state.sign_digest(&digest, &SignOptions::default()).expect("sign");
            }
            report(n, start.elapsed().as_secs_f64());
        }
        "module" => {
            let p11 = Pkcs11::new(path).expect("load the module");
            p11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
                .expect("C_Initialize");
            let slot = *p11
                .get_slots_with_token()
                .expect("slots")
                .first()
                .expect("a token");
            let session = p11.open_ro_session(slot).expect("C_OpenSession");
            if let Some(pin) = args.get(4) {
                session
                    .login(UserType::User, Some(&AuthPin::new(pin.clone().into())))
                    .expect("C_Login");
            }
            let key = *session
                .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
                .expect("C_FindObjects")
                .first()
                .expect("a private key");
            session
                .sign(&Mechanism::Ecdsa, key, &digest)
                .expect("warm-up signature");
            let start = Instant::now();
            for _ in 0..n {
                session.sign(&Mechanism::Ecdsa, key, &digest).expect("C_Sign");
            }
            report(n, start.elapsed().as_secs_f64());
        }
        _ => panic!("{usage}"),
    }
}
