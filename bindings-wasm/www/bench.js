// Browser benchmark page (bench.html): time to the first result after navigation, then
// validateOrder vs JSON.parse over bodies the driver (tests/bench.js) passes in.
import init, { validateOrder } from "../pkg/signet_wasm.js";

// examples/orders/ship_token.json (534 B), inline so the first result needs no extra request;
// tests/bench.js checks that it still equals the file.
export const SEED_ORDER = "{\n  \"certificate\": {\n    \"signature_hash\": \"sha256\"\n  },\n  \"order_validity\": {\n    \"days\": 365\n  },\n  \"organization\": {\n    \"id\": 12345,\n    \"contacts\": [\n      {\n        \"contact_type\": \"verified_contact\",\n        \"user_id\": 12345\n      }\n    ]\n  },\n  \"skip_approval\": true,\n  \"cs_provisioning_method\": \"ship_token\",\n  \"ship_info\": {\n    \"name\": \"John Doe\",\n    \"addr1\": \"360 Taylor Street\",\n    \"addr2\": \"Floor 74\",\n    \"city\": \"Richmond\",\n    \"state\": \"va\",\n    \"zip\": \"69662\",\n    \"country\": \"us\",\n    \"method\": \"EXPEDITED\"\n  }\n}\n";
const SEED_OPTIONS = { product: "code_signing", at: "2026-06-01" };

const out = document.getElementById("out");

/** Per-call times in microseconds of `rounds` batches of `batch` calls of fn(). */
function timeBatches(fn, batch, rounds) {
  const perCall = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    perCall.push(((performance.now() - t0) * 1000) / batch);
  }
  return perCall.sort((a, b) => a - b);
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * Times each case: `{ name, body (string), product, at }`. For each: median and p95 of the
 * per-call time over `rounds` batches of `batch` calls, for validateOrder and JSON.parse.
 */
function run(cases, { batch = 500, rounds = 15 } = {}) {
  return cases.map(({ name, body, product, at }) => {
    const opts = { product, at };
    validateOrder(body, opts); // warm
    const v = timeBatches(() => validateOrder(body, opts), batch, rounds);
    const p = timeBatches(() => JSON.parse(body), batch, rounds);
    return {
      name,
      bytes: new TextEncoder().encode(body).length,
      // best: the fastest batch, the least disturbed by other work on a shared machine.
      validate: { median: quantile(v, 0.5), p95: quantile(v, 0.95), best: v[0] },
      parse: { median: quantile(p, 0.5), p95: quantile(p, 0.95), best: p[0] },
    };
  });
}

async function main() {
  await init();
  const report = validateOrder(SEED_ORDER, SEED_OPTIONS);
  // performance.now() counts from navigation start.
  const firstResult = performance.now();
  window.signetBench = { run, firstResult, firstValid: report.valid };
  out.textContent = `first result ${firstResult.toFixed(1)} ms after navigation start (seed order valid: ${report.valid})`;
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  out.textContent = `failed: ${err.message}`;
  document.body.dataset.ready = "error";
});
