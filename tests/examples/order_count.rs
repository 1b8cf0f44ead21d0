//! Instruction-count comparison of `order::validate` and a `serde_json::Value`
//! parse of the same body, for `valgrind --tool=callgrind` (deterministic where
//! wall-clock benchmarks on a shared machine are not).
//! Usage: `order_count setup|validate|serde FILE N`.
//!
//! ```sh
//! cargo build --release -p signet-tests --example order_count
//! for mode in setup validate serde; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/order_count $mode examples/orders/ship_token.json 2000 2>&1 | grep refs
//! done
//! ```
//! Per-call cost = (refs(mode, N) - refs(setup, N)) / N. A profile of validate alone:
//! `valgrind --tool=callgrind --toggle-collect='*order*validate*' ... validate FILE N`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use signet_core::order::{Product, validate};
use signet_core::time::Date;
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, file, n) = match args.as_slice() {
        [_, mode, file, n] => (mode.as_str(), file.as_str(), n.parse::<usize>().expect("N")),
        _ => {
            eprintln!("usage: order_count setup|validate|serde FILE N");
            std::process::exit(2);
        }
    };
    let body = std::fs::read(file).expect("read FILE");
    let at = Date::from_ymd(2026, 6, 1).expect("date");
    for _ in 0..n {
        match mode {
            "setup" => {
                black_box(&body);
            }
            "validate" => {
                black_box(validate(black_box(&body), Product::CodeSigning, at));
            }
            "serde" => {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(&body)).expect("json"));
            }
            _ => {
                eprintln!("unknown mode {mode}");
                std::process::exit(2);
            }
        }
    }
}
