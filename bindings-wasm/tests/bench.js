// Browser benchmark driver (not a test: it asserts nothing about speed). Serves bindings-wasm/,
// opens www/bench.html and dist/index.html in headless Chromium, and prints one table:
//  - time from navigation start to the first validateOrder result (bench.html) and to the
//    checker page being ready (index.html, body[data-ready]), median of LOADS fresh loads;
//  - validateOrder vs JSON.parse per call (median and p95 of batches of BATCH calls) for the
//    seed order examples/orders/ship_token.json and over every order vector.
// Usage: node bench.js [--loads 5] [--batch 500] [--rounds 15] [--json FILE]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, SITE_ROOT, VECTORS_DIR, launchBrowser, startServer } from "./harness.js";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const LOADS = Number(opt("loads", 5));
const BATCH = Number(opt("batch", 500));
const ROUNDS = Number(opt("rounds", 15));
const JSON_OUT = opt("json", null);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

// Two sites: bindings-wasm/ for the benchmark page (www/bench.html imports ../pkg/), and the
// self-contained dist/ that users serve, for the checker page's time to ready.
const server = await startServer(SITE_ROOT);
const dist = await startServer();
const browser = await launchBrowser();
try {
  // Fresh context per load: nothing cached (the server also sends no-store).
  async function load(path, readyExpr, site = server) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const wasmRequests = [];
    page.on("request", (r) => r.url().endsWith(".wasm") && wasmRequests.push(r.url()));
    // Records when body[data-ready] appears, for pages that do not report it themselves.
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.body?.dataset.ready) {
          window.__readyAt = performance.now();
          obs.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready"] });
    });
    await page.goto(`${site.base}${path}`);
    await page.waitForSelector("body[data-ready]", { timeout: 30000 });
    const t = await page.evaluate(readyExpr);
    return { context, page, t, wasmRequests: wasmRequests.length };
  }

  const firstResult = [];
  const pageReady = [];
  let wasmFetches = 0;
  for (let i = 0; i < LOADS; i++) {
    const b = await load("/www/bench.html", () => window.signetBench?.firstResult ?? NaN);
    firstResult.push(b.t);
    wasmFetches = Math.max(wasmFetches, b.wasmRequests);
    await b.context.close();
    const p = await load("/index.html", () => window.__readyAt ?? NaN, dist);
    pageReady.push(p.t);
    await p.context.close();
  }

  const { context, page } = await load("/www/bench.html", () => 0);
  const seedPath = join(REPO_ROOT, "examples", "orders", "ship_token.json");
  const seed = readFileSync(seedPath, "utf8");
  const inline = await page.evaluate(async () => (await import("/www/bench.js")).SEED_ORDER);
  if (inline !== seed) throw new Error("www/bench.js SEED_ORDER differs from examples/orders/ship_token.json");

  const ORDERS = join(VECTORS_DIR, "orders");
  const names = JSON.parse(readFileSync(join(ORDERS, "index.json"), "utf8")).cases;
  const vectors = [];
  for (const name of names) {
    const bytes = readFileSync(join(ORDERS, `${name}.json`));
    let body;
    try {
      body = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      continue; // not UTF-8: JSON.parse cannot take it, so no comparison
    }
    const expect = JSON.parse(readFileSync(join(ORDERS, `${name}.expect.json`), "utf8"));
    vectors.push({ name, body, product: expect.product, at: expect.at });
  }
  const [seedResult] = await page.evaluate(
    ([c, o]) => window.signetBench.run(c, o),
    [[{ name: "ship_token.json", body: seed, product: "code_signing", at: "2026-06-01" }], { batch: BATCH, rounds: ROUNDS }],
  );
  // Vectors: fewer rounds each (there are many); JSON.parse throws on the malformed ones, so
  // compare only where it parses.
  const parses = (s) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  };
  const jsonVectors = vectors.filter((v) => parses(v.body));
  const vecResults = await page.evaluate(
    ([c, o]) => window.signetBench.run(c, o),
    [jsonVectors, { batch: Math.max(1, Math.floor(BATCH / 5)), rounds: 5 }],
  );
  await context.close();

  const vMed = vecResults.map((r) => r.validate.median);
  const pMed = vecResults.map((r) => r.parse.median);
  const result = {
    loads: LOADS,
    batch: BATCH,
    rounds: ROUNDS,
    wasmFetchesPerLoad: wasmFetches,
    firstResultMs: { median: median(firstResult), all: firstResult },
    pageReadyMs: { median: median(pageReady), all: pageReady },
    seed: seedResult,
    vectors: {
      count: vecResults.length,
      validateMedianUs: median(vMed),
      validateP95Us: quantile(vMed, 0.95),
      parseMedianUs: median(pMed),
      parseP95Us: quantile(pMed, 0.95),
    },
  };
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(result, null, 2));

  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
  const rows = [
    ["seed order ship_token.json (534 B), per call, median", result.seed.validate.median, result.seed.parse.median],
    ["seed order ship_token.json (534 B), per call, p95", result.seed.validate.p95, result.seed.parse.p95],
    ["seed order ship_token.json (534 B), per call, best batch", result.seed.validate.best, result.seed.parse.best],
    [`${result.vectors.count} order vectors, median of per-vector medians`, result.vectors.validateMedianUs, result.vectors.parseMedianUs],
    [`${result.vectors.count} order vectors, p95 of per-vector medians`, result.vectors.validateP95Us, result.vectors.parseP95Us],
  ];
  console.log(`| browser (headless Chromium) | validateOrder (µs) | JSON.parse (µs) | ratio |`);
  console.log(`|---|---:|---:|---:|`);
  for (const [what, v, p] of rows) console.log(`| ${what} | ${f(v)} | ${f(p)} | ${f(v / p)} |`);
  console.log();
  console.log(`| load (median of ${LOADS}, ms after navigation start) | median | all |`);
  console.log(`|---|---:|---|`);
  console.log(`| bench.html: first validateOrder result | ${f(result.firstResultMs.median, 1)} | ${firstResult.map((x) => f(x, 0)).join(", ")} |`);
  console.log(`| index.html: checker ready (body[data-ready]) | ${f(result.pageReadyMs.median, 1)} | ${pageReady.map((x) => f(x, 0)).join(", ")} |`);
  console.log(`\n(.wasm requests per bench.html load: ${wasmFetches})`);
} finally {
  await browser.close();
  await server.close();
  await dist.close();
}
