//! Test helper for the kill -9 test: spends signatures from a file ledger.
//!
//! `ledger_child LEDGER_DIR PRODUCED_FILE LIMIT BLOCK` loops: reserve one
//! signature; append its index to PRODUCED_FILE (the "signature" exists from
//! this moment on); commit. It exits 0 when the limit is reached. The parent
//! kills it with SIGKILL at random points.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use signet_core::counter::{CounterStore, FileCounterStore, FileStoreOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, produced, limit, block] = args.as_slice() else {
        eprintln!("usage: ledger_child LEDGER_DIR PRODUCED_FILE LIMIT BLOCK");
        return ExitCode::from(2);
    };
    let (Ok(limit), Ok(block)) = (limit.parse::<u64>(), block.parse::<u32>()) else {
        eprintln!("LIMIT and BLOCK must be numbers");
        return ExitCode::from(2);
    };
    let options = FileStoreOptions {
        block,
        ..FileStoreOptions::default()
    };
    let (mut store, _) = match FileCounterStore::open(Path::new(dir), options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("open: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(produced)
    {
        Ok(f) => f,
        Err(e) => {
            eprintln!("produced file: {e}");
            return ExitCode::from(2);
        }
    };
    loop {
        let reservation = match store.reserve(limit) {
            Ok(r) => r,
            Err(e) if e.kind() == signet_core::counter::CounterErrorKind::Exhausted => {
                return ExitCode::SUCCESS;
            }
            Err(e) => {
                eprintln!("reserve: {e}");
                return ExitCode::from(1);
            }
        };
        // One write(2) per line: a SIGKILL cannot split it.
        if let Err(e) = out.write_all(format!("{}\n", reservation.index()).as_bytes()) {
            eprintln!("produced file: {e}");
            return ExitCode::from(2);
        }
        if let Err(e) = store.commit(reservation) {
            eprintln!("commit: {e}");
            return ExitCode::from(1);
        }
    }
}
