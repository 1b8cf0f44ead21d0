// Every shared vector, run through the WASM module inside headless Chromium.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { VECTORS_DIR, launchBrowser, openPage, startServer } from "./harness.js";

const ORDERS = join(VECTORS_DIR, "orders");
const KEYS = join(VECTORS_DIR, "keys");

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

let server;
let browser;
let page;
let problems;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page, problems } = await openPage(browser, server.base));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs `fn(arg)` in the page, with the page's WASM module as `window.__signet`. */
async function inPage(fn, arg) {
  // Passed as functions, not source text: the page's CSP forbids eval, CDP evaluation is exempt.
  await page.evaluate(async () => {
    if (!window.__signet) {
      const m = await import("/pkg/signet_wasm.js");
      await m.default();
      window.__signet = m;
    }
  });
  return page.evaluate(fn, arg);
}

const triple = ({ severity, path, code }) => ({ severity, path, code });

describe("order vectors (tests/vectors/orders)", () => {
  const indexPath = join(ORDERS, "index.json");
  if (!existsSync(indexPath)) {
    it("vectors are present", () => assert.fail(`missing ${indexPath}`));
    return;
  }
  const names = readJson(indexPath).cases;
  const cases = names.map((name) => ({
    name,
    bytes: [...readFileSync(join(ORDERS, `${name}.json`))],
    expect: readJson(join(ORDERS, `${name}.expect.json`)),
  }));
  let results;

  before(async () => {
    results = await inPage(
      (all) =>
        all.map(({ bytes, expect }) => {
          const m = window.__signet;
          const u8 = new Uint8Array(bytes);
          const opts = { product: expect.product, at: expect.at };
          const fromBytes = m.validateOrder(u8, opts);
          let fromString = null;
          try {
            const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(u8);
            fromString = m.validateOrder(text, opts);
          } catch (e) {
            if (!(e instanceof TypeError)) throw e; // not UTF-8: only the bytes form applies
          }
          return { fromBytes, fromString };
        }),
      cases.map(({ bytes, expect }) => ({ bytes, expect })),
    );
  });

  it("index lists every vector file and the runner saw them all", () => {
    const files = readFileSync(join(ORDERS, "index.json"), "utf8");
    assert.ok(names.length > 0, files);
    assert.equal(results.length, names.length);
  });

  cases.forEach(({ name, expect }, i) => {
    it(`${name}: ${expect.description}`, () => {
      const { fromBytes, fromString } = results[i];
      assert.deepEqual(fromBytes.findings.map(triple), expect.findings);
      assert.equal(fromBytes.valid, expect.valid);
      assert.equal(fromBytes.valid, !fromBytes.findings.some((f) => f.severity === "error"));
      for (const f of fromBytes.findings) {
        assert.equal(typeof f.message, "string");
        assert.ok(f.message.length > 0, `empty message for ${f.code}`);
      }
      if (fromString !== null) assert.deepEqual(fromString, fromBytes, "string and bytes input differ");
    });
  });
});

describe("key vectors (tests/vectors/keys)", () => {
  const indexPath = join(KEYS, "index.json");
  const index = readJson(indexPath);
  const vectors = index.vectors.map((v) => ({ ...v, bytes: [...readFileSync(join(KEYS, v.file))] }));
  let results;

  before(async () => {
    results = await inPage(
      (all) =>
        all.map((v) =>
          v.checks.map((c) => {
            const m = window.__signet;
            const fn = { csr: m.checkCsr, cert: m.checkCertificate, spki: m.checkPublicKey }[c.as ?? v.kind];
            if (!fn) return { skipped: `no check for kind ${c.as ?? v.kind}` };
            const input = v.format === "pem" ? new TextDecoder().decode(new Uint8Array(v.bytes)) : new Uint8Array(v.bytes);
            const opts = { at: c.at };
            if (c.device !== null && c.device !== undefined) opts.device = c.device;
            try {
              return { report: fn(input, opts) };
            } catch (e) {
              return { error: { name: e.name, code: e.code, message: e.message } };
            }
          }),
        ),
      vectors,
    );
  });

  vectors.forEach((v, i) => {
    it(`${v.file} (${v.kind}, ${v.format})`, () => {
      v.checks.forEach((c, j) => {
        const r = results[i][j];
        const what = `${v.file} as ${c.as ?? v.kind} device=${c.device} at=${c.at}`;
        assert.ok(!r.skipped, `${what}: ${r.skipped}`);
        assert.ok(!r.error, `${what}: threw ${JSON.stringify(r.error)}`);
        const codes = r.report.findings.map((f) => f.code).sort();
        assert.deepEqual(codes, [...c.codes].sort(), what);
        assert.equal(r.report.valid, !r.report.findings.some((f) => f.severity === "error"), what);
      });
    });
  });
});

describe("page health", () => {
  it("loaded without page errors", () => {
    assert.deepEqual(problems, []);
  });
});
