// The JS API of the WASM package in Chromium: input forms, options, defaults, error classes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { launchBrowser, openPage, startServer } from "./harness.js";

/** An RSA-2048 CSR from the OpenSSL CLI, PEM text and DER bytes. */
function rsa2048Csr() {
  const pem = execFileSync(
    "openssl",
    ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=api test", "-sha256"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  const der = execFileSync("openssl", ["req", "-outform", "DER"], { input: pem });
  return { pem, der: [...der] };
}

let server;
let browser;
let page;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page } = await openPage(browser, server.base));
  await page.evaluate(async () => {
    const m = await import("/pkg/signet_wasm.js");
    await m.default();
    window.__signet = m;
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// A keylocker order asking for 2 years: fine before the 2026-03-01 validity cap, refused after it.
const TWO_YEARS = JSON.stringify({
  certificate: { signature_hash: "sha256" },
  organization: { id: 12345 },
  cs_provisioning_method: "keylocker",
  order_validity: { years: 2 },
});

/** Calls m[fn](...args) in the page; returns { report } or { error: {...} } for a thrown value. */
function call(fn, ...args) {
  return page.evaluate(
    ([fn, args]) => {
      const m = window.__signet;
      try {
        return { report: m[fn](...args) };
      } catch (e) {
        return {
          error: {
            isError: e instanceof Error,
            isSignetError: e instanceof m.SignetError,
            isInvalidRequest: e instanceof m.InvalidRequestError,
            name: e.name,
            code: e.code,
            domain: e.domain,
            message: e.message,
            hasStack: typeof e.stack === "string" && e.stack.length > 0,
          },
        };
      }
    },
    [fn, args],
  );
}

describe("validateOrder", () => {
  it("returns a plain report object with the documented shape", async () => {
    const { report } = await call("validateOrder", "{}", { product: "code_signing", at: "2025-06-01" });
    assert.deepEqual(Object.keys(report).sort(), ["findings", "valid"]);
    assert.equal(report.valid, false);
    assert.ok(report.findings.length > 0);
    for (const f of report.findings) {
      assert.deepEqual(Object.keys(f).sort(), ["code", "message", "path", "severity"]);
      assert.ok(["error", "warning"].includes(f.severity));
    }
    // Missing `certificate` and `organization` are both reported, not just the first problem.
    const missing = report.findings.filter((f) => f.code === "required").map((f) => f.path);
    assert.ok(missing.includes("certificate") && missing.includes("organization"), JSON.stringify(missing));
  });

  it("accepts the body as a string or as UTF-8 bytes with the same result", async () => {
    const asString = await call("validateOrder", TWO_YEARS, { at: "2026-03-01" });
    const asBytes = await page.evaluate(
      ([body]) => window.__signet.validateOrder(new TextEncoder().encode(body), { at: "2026-03-01" }),
      [TWO_YEARS],
    );
    assert.deepEqual(asBytes, asString.report);
  });

  it("evaluates date rules on the `at` option", async () => {
    const before = await call("validateOrder", TWO_YEARS, { at: "2026-02-28" });
    const after = await call("validateOrder", TWO_YEARS, { at: "2026-03-01" });
    assert.equal(before.report.valid, true, JSON.stringify(before.report));
    assert.equal(after.report.valid, false, JSON.stringify(after.report));
    assert.ok(after.report.findings.some((f) => f.path.startsWith("order_validity")));
  });

  it("defaults `at` to today's UTC date from the browser clock", async () => {
    const today = await page.evaluate(() => new Date().toISOString().slice(0, 10));
    const implicit = await call("validateOrder", TWO_YEARS);
    const explicit = await call("validateOrder", TWO_YEARS, { at: today });
    assert.deepEqual(implicit, explicit);
  });

  it("defaults the product to code_signing", async () => {
    // A CSR with the ship_token method: refused for code_signing only.
    const body = JSON.stringify({
      certificate: { signature_hash: "sha256", csr: "x" },
      organization: { id: 1 },
      cs_provisioning_method: "ship_token",
    });
    const implicit = await call("validateOrder", body, { at: "2025-06-01" });
    const cs = await call("validateOrder", body, { at: "2025-06-01", product: "code_signing" });
    const ev = await call("validateOrder", body, { at: "2025-06-01", product: "code_signing_ev" });
    assert.deepEqual(implicit, cs);
    assert.notDeepEqual(cs, ev);
  });

  it("reports malformed JSON as a finding, not an exception", async () => {
    const { report, error } = await call("validateOrder", '{"certificate": ', { at: "2025-06-01" });
    assert.equal(error, undefined);
    assert.equal(report.valid, false);
    assert.equal(report.findings.length, 1);
    assert.match(report.findings[0].code, /^json_/);
  });
});

describe("errors are InvalidRequestError (a SignetError, an Error) with a stable code", () => {
  const cases = [
    ["unknown product", ["{}", { product: "code_signing_ov" }], "unknown_product"],
    ["date in another format", ["{}", { at: "01-JUN-2025" }], "date_format"],
    ["date that does not exist", ["{}", { at: "2025-02-29" }], "date_out_of_range"],
    ["empty date", ["{}", { at: "" }], "date_format"],
    ["input of another type", [42], "invalid_input_type"],
    ["undefined input", [undefined], "invalid_input_type"],
    ["options not an object", ["{}", "code_signing"], "invalid_options"],
    ["misspelt option", ["{}", { prodcut: "code_signing" }], "unknown_option"],
    ["option of another type", ["{}", { at: 20250601 }], "invalid_option_type"],
  ];
  for (const [what, args, code] of cases) {
    it(`${what} → ${code}`, async () => {
      const { error, report } = await call("validateOrder", ...args);
      assert.equal(report, undefined, `expected a throw, got ${JSON.stringify(report)}`);
      assert.equal(error.code, code, error.message);
      assert.ok(error.isError && error.isSignetError && error.isInvalidRequest, JSON.stringify(error));
      assert.equal(error.name, "InvalidRequestError");
      assert.equal(error.domain, "invalid_request", "the class follows the code's domain in the table");
      assert.ok(error.message.length > 0 && error.hasStack);
    });
  }

  it("every domain's class is exported, as in the Node package", async () => {
    const classes = await page.evaluate(() => {
      const m = window.__signet;
      return Object.entries(m.CLASS_BY_DOMAIN).map(([domain, C]) => [
        domain,
        C.name,
        m[C.name] === C,
        new C("c", "m") instanceof m.SignetError,
        m.errorFor === undefined,
      ]);
    });
    assert.deepEqual(classes.map((c) => c[0]), [
      "invalid_request", "key_policy", "budget", "grant", "counter", "token", "sign", "verification", "state", "usage",
    ]);
    for (const [domain, name, exported, isSignet, helperHidden] of classes) {
      const pascal = domain.split("_").map((w) => w[0].toUpperCase() + w.slice(1)).join("");
      assert.equal(name, `${pascal}Error`);
      assert.ok(exported && isSignet && helperHidden, domain);
    }
  });

  it("null options mean defaults", async () => {
    const { report, error } = await call("validateOrder", "{}", null);
    assert.equal(error, undefined);
    assert.equal(report.valid, false);
  });
});

describe("key policy checks", () => {
  const csr = rsa2048Csr();

  it("checkCsr gives the same report for PEM text and DER bytes", async () => {
    const [fromPem, fromDer] = await page.evaluate(
      ([pem, der]) => [
        window.__signet.checkCsr(pem, { at: "2025-06-01" }),
        window.__signet.checkCsr(new Uint8Array(der), { at: "2025-06-01" }),
      ],
      [csr.pem, csr.der],
    );
    assert.deepEqual(fromPem, fromDer);
    // RSA 2048 is below the 3072 minimum in force since 2021-05-28.
    assert.equal(fromPem.valid, false);
    assert.ok(fromPem.findings.some((f) => f.code === "key_too_small" && f.path === "key"), JSON.stringify(fromPem));
    const early = await call("checkCsr", csr.pem, { at: "2021-05-27" });
    assert.deepEqual(early.report, { valid: true, findings: [] });
    const firstDay = await call("checkCsr", csr.pem, { at: "2021-05-28" });
    assert.deepEqual(firstDay.report.findings.map((f) => f.code), ["key_too_small"]);
  });

  it("provisioningMethod uses the device the method implies (email → hsm)", async () => {
    const byMethod = await call("checkCsr", csr.pem, { provisioningMethod: "email", at: "2021-05-27" });
    const byDevice = await call("checkCsr", csr.pem, { device: "hsm", at: "2021-05-27" });
    const none = await call("checkCsr", csr.pem, { at: "2021-05-27" });
    assert.deepEqual(byMethod, byDevice);
    assert.notDeepEqual(byDevice, none);
  });

  it("a CSR is not a certificate, and not a public key", async () => {
    const cert = await call("checkCertificate", csr.pem, { at: "2025-06-01" });
    const spki = await call("checkPublicKey", csr.pem, { at: "2025-06-01" });
    assert.equal(cert.report.valid, false);
    assert.equal(cert.report.findings[0].path, "");
    assert.equal(spki.report.valid, false);
    assert.equal(spki.report.findings[0].path, "");
  });

  const errors = [
    ["checkCsr", [csr.pem, { device: "yubikey" }], "unknown_device_profile"],
    ["checkCsr", [csr.pem, { device: "hsm", provisioningMethod: "email" }], "conflicting_options"],
    ["checkCsr", [csr.pem, { product: "code_signing" }], "unknown_option"],
    ["checkPublicKey", [csr.pem, { device: "etoken" }], "unknown_device_profile"],
    ["checkCertificate", [csr.pem, { device: "hsm" }], "unknown_option"],
    ["checkCertificate", [csr.pem, { at: "2025-13-01" }], "date_out_of_range"],
    ["checkPublicKey", [null], "invalid_input_type"],
  ];
  for (const [fn, args, code] of errors) {
    it(`${fn} ${JSON.stringify(args[1] ?? args[0])} → ${code}`, async () => {
      const { error, report } = await call(fn, ...args);
      assert.equal(report, undefined);
      assert.equal(error.code, code, error.message);
      assert.ok(error.isInvalidRequest && error.isSignetError && error.isError);
    });
  }
});
