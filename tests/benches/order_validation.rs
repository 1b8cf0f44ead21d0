//! Order validation vs the parse-only floor (`serde_json::Value`).
//!
//! Reproduce: `nice -n 10 cargo bench -p signet-tests --bench order_validation`
//! (the Python `jsonschema` side: `python3 bench/order_jsonschema.py`).

use criterion::{Criterion, criterion_group, criterion_main};
use signet_core::order::{Product, validate};
use signet_core::time::Date;
use std::hint::black_box;
use std::time::Duration;

fn orders(c: &mut Criterion) {
    let at = Date::from_ymd(2026, 6, 1).expect("date");
    for name in ["ship_token.json", "new_organization_keylocker.json"] {
        let path = format!("{}/../examples/orders/{name}", env!("CARGO_MANIFEST_DIR"));
        let body = std::fs::read(&path).expect("seed order");
        let report = validate(&body, Product::CodeSigning, at);
        assert!(report.is_valid(), "{name}: {}", report.to_json());
        let mut g = c.benchmark_group(format!("order/{name} ({} B)", body.len()));
        g.bench_function("signet validate", |b| {
            b.iter(|| validate(black_box(&body), Product::CodeSigning, at))
        });
        g.bench_function("serde_json::Value parse", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).expect("json"))
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = orders
}
criterion_main!(benches);
