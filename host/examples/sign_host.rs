//! One signing host for `scripts/bench.sh`: opens a state (on the shared
//! store when a store setting is given), signs COUNT digests from THREADS
//! threads through the enforced path, and prints the seconds it took.
//!
//! Usage: sign_host STATE_DIR COUNT THREADS [STORE_URL]

use std::path::PathBuf;

use signet_host::{OpenOptions, SignOptions, State};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(count), Some(threads)) = (
        args.first().map(PathBuf::from),
        args.get(1).and_then(|s| s.parse::<u64>().ok()),
        args.get(2).and_then(|s| s.parse::<u64>().ok()).filter(|&t| t > 0),
    ) else {
        eprintln!("usage: sign_host STATE_DIR COUNT THREADS [STORE_URL]");
        return std::process::ExitCode::from(2);
    };
    let options = OpenOptions {
        store: args.get(3).cloned(),
        ..OpenOptions::default()
    };
    let state = match State::open(&dir, options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sign_host: {} [{}]", e.message(), e.code());
            return std::process::ExitCode::from(2);
        }
    };
    let len = state.algorithm().hash().digest_len();
    let started = std::time::Instant::now();
    let failed = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        for t in 0..threads {
            let (state, failed) = (&state, &failed);
            s.spawn(move || {
                for i in (t..count).step_by(usize::try_from(threads).unwrap_or(1)) {
                    let mut digest = vec![0u8; len];
                    for (j, b) in i.to_le_bytes().iter().chain(t.to_le_bytes().iter()).enumerate() {
                        if let Some(d) = digest.get_mut(j) {
                            *d = *b;
                        }
                    }
                    if let Err(e) = state.sign_digest(&digest, &SignOptions::default()) {
                        eprintln!("sign_host: {} [{}]", e.message(), e.code());
                        failed.store(true, std::sync::atomic::Ordering::Relaxed);
                        return;
                    }
                }
            });
        }
    });
    // Dropping the state closes the store (a shared store hands its block back).
    drop(state);
    println!("{:.3}", started.elapsed().as_secs_f64());
    if failed.into_inner() {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    }
}
