//! Arbitrary damage to each file of a state directory: every case must end in
//! an error or a valid state, never a panic, and never with more signatures
//! (or grant operations) left than the undamaged state had.
//!
//! A template state is made once per process: a budget of 10 with 2 used, a
//! signer policy, and an approved grant of 3 operations with 1 used. Each
//! input picks one of its files and damages it: replaced by the input's
//! bytes, truncated, patched at input-chosen offsets, or deleted. The state
//! is then opened, its status read and a signature attempted.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use signet_core::time::UnixTime;
use signet_host::{Clock, Decision, InitOptions, OpenOptions, PolicySpec, RequestSpec, SignOptions, State};

const T0: i64 = 1_780_000_000;

struct Template {
    dir: PathBuf,
    files: Vec<PathBuf>,
    remaining: u64,
    grant_remaining: u64,
}

fn options(user: &str) -> OpenOptions {
    OpenOptions {
        user: Some(user.to_string()),
        clock: Clock::Fixed(UnixTime(T0 + 60)),
        notice: None,
        store: None,
    }
}

fn base() -> PathBuf {
    let shm = Path::new("/dev/shm");
    let root = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
    root.join(format!("signet-fuzz-state-{}", std::process::id()))
}

fn template() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(|| {
        let dir = base().join("template");
        let _ = std::fs::remove_dir_all(base());
        let init = InitOptions {
            budget: 10,
            signer: Some("alice".into()),
            ..InitOptions::default()
        };
        let state = State::init(&dir, OpenOptions { clock: Clock::Fixed(UnixTime(T0)), ..options("alice") }, &init).unwrap();
        for _ in 0..2 {
            state.sign_digest(&[7; 32], &SignOptions::default()).unwrap();
        }
        let fp = state.fingerprint();
        let policy = PolicySpec {
            max_window_secs: None,
            max_signings: Some(3),
            max_request_ttl_secs: 3600,
            steps: vec![(vec!["carol".into()], 1)],
        };
        state.grant_policy(&fp, &policy).unwrap();
        let bob = State::open(&dir, options("bob")).unwrap();
        bob.grant_request(&fp, &RequestSpec::default()).unwrap();
        State::open(&dir, options("carol")).unwrap().grant_decide(1, &Decision::Approve).unwrap();
        bob.sign_digest(&[8; 32], &SignOptions::default()).unwrap();
        let remaining = state.status().unwrap().budget.remaining;
        let grant_remaining = bob.grant_show(1).unwrap().grant.unwrap().remaining.unwrap();
        let hex = signet_host::hex(&fp.0);
        let files = [
            "signet.toml".to_string(),
            "signer/key.p8".into(),
            "signer/cert.der".into(),
            format!("budgets/{hex}/budget.json"),
            format!("budgets/{hex}/ledger/ledger.bin"),
            format!("grants/policies/{hex}.json"),
            "grants/requests/1.json".into(),
            "grants/grants/1.json".into(),
            "grants/ledgers/1/ledger.bin".into(),
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        Template {
            dir,
            files,
            remaining,
            grant_remaining,
        }
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let [which, mode, rest @ ..] = data else { return };
    let t = template();
    let work = base().join("work");
    let _ = std::fs::remove_dir_all(&work);
    copy_dir(&t.dir, &work);
    let file = work.join(&t.files[usize::from(*which) % t.files.len()]);
    let original = std::fs::read(&file).unwrap();
    match mode % 4 {
        0 => std::fs::write(&file, rest).unwrap(),
        1 => {
            let len = rest.first().map_or(0, |b| usize::from(*b) * original.len() / 256);
            std::fs::write(&file, &original[..len]).unwrap();
        }
        2 => {
            let mut bytes = original.clone();
            for patch in rest.chunks_exact(3) {
                if !bytes.is_empty() {
                    let at = usize::from(u16::from_le_bytes([patch[0], patch[1]])) % bytes.len();
                    bytes[at] ^= patch[2];
                }
            }
            std::fs::write(&file, bytes).unwrap();
        }
        _ => std::fs::remove_file(&file).unwrap(),
    }
    if let Ok(alice) = State::open(&work, options("alice")) {
        if let Ok(status) = alice.status() {
            assert!(status.budget.remaining <= t.remaining, "{} > {}", status.budget.remaining, t.remaining);
        }
    }
    if let Ok(bob) = State::open(&work, options("bob")) {
        if let Ok(report) = bob.grant_show(1) {
            if let Some(g) = report.grant {
                assert!(g.remaining.unwrap_or(u64::MAX) <= t.grant_remaining || g.status != "active");
            }
        }
        let before = bob.status().map(|s| s.budget.remaining);
        if bob.sign_digest(&[9; 32], &SignOptions::default()).is_ok() {
            // A signature was only possible from an undamaged count.
            let after = bob.status().map(|s| s.budget.remaining).unwrap();
            assert!(after < t.remaining && before.is_ok_and(|b| b <= t.remaining));
        }
    }
});
