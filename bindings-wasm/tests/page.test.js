// Drives the validation page (www/) in headless Chromium as a user would.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TESTS_DIR, launchBrowser, openPage, startServer } from "./harness.js";

const ARTIFACTS = join(TESTS_DIR, "artifacts");

let server;
let browser;
let page;
let problems;
let tmp;
let pageRequests;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "signet-wasm-page-"));
  server = await startServer();
  browser = await launchBrowser();
  ({ page, problems, requests: pageRequests } = await openPage(browser, server.base));
  await page.evaluate(async () => {
    window.__signet = await import("/pkg/signet_wasm.js");
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A fresh P-256 CSR made by the OpenSSL CLI (an independent generator). Returns { pem, derPath }. */
function opensslCsr(keyType = "ec") {
  const key = join(tmp, "key.pem");
  const pemPath = join(tmp, "req.pem");
  const derPath = join(tmp, "req.der");
  if (keyType === "rsa2048") execFileSync("openssl", ["genrsa", "-out", key, "2048"], { stdio: "ignore" });
  else execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
  execFileSync("openssl", ["req", "-new", "-key", key, "-subj", "/CN=Signet page test", "-sha256", "-out", pemPath]);
  execFileSync("openssl", ["req", "-in", pemPath, "-outform", "DER", "-out", derPath]);
  return { pem: readFileSync(pemPath, "utf8").trim(), derPath };
}

async function submit({ order, csr = "", product = "code_signing", at = "2025-06-01" }) {
  await page.fill("#order-input", order);
  await page.fill("#csr-input", csr);
  await page.selectOption("#product", product);
  await page.fill("#at", at);
  await page.click("#validate");
  await page.waitForSelector("#results:not([hidden])");
}

/** The report the module gives for the same request, to compare the page against. */
const expected = (order, product = "code_signing", at = "2025-06-01") =>
  page.evaluate(([o, p, a]) => window.__signet.validateOrder(o, { product: p, at: a }), [order, product, at]);

/** Rendered findings: code, severity, the finding's path and the data-path it is attached to. */
const rendered = () =>
  page.$$eval("li.finding", (items) =>
    items.map((li) => ({
      code: li.dataset.code,
      severity: li.classList.contains("error") ? "error" : li.classList.contains("warning") ? "warning" : "?",
      path: li.dataset.findingPath,
      attachedTo: li.closest("[data-path]")?.dataset.path,
    })),
  );

const isAncestorOrSelf = (anc, path) =>
  anc === path || anc === "" || path.startsWith(`${anc}.`) || path.startsWith(`${anc}[`);

const INVALID_ORDER = JSON.stringify(
  {
    certificate: { signature_hash: "md5", server_platform: { id: 52 } },
    additional_emails: ["ok@example.com", "not-an-email"],
    cs_provisioning_method: "client_app",
  },
  null,
  2,
);

describe("validation page", () => {
  it("shows every finding of an invalid order next to its field, and a summary", async () => {
    await submit({ order: INVALID_ORDER });
    const report = await expected(INVALID_ORDER);
    const shown = await rendered();

    assert.equal(shown.length, report.findings.length);
    assert.deepEqual(
      shown.map(({ code, severity, path }) => ({ code, severity, path })).sort((a, b) => `${a.path}${a.code}`.localeCompare(`${b.path}${b.code}`)),
      report.findings.map(({ code, severity, path }) => ({ code, severity, path })).sort((a, b) => `${a.path}${a.code}`.localeCompare(`${b.path}${b.code}`)),
    );
    for (const f of shown) assert.ok(isAncestorOrSelf(f.attachedTo, f.path), JSON.stringify(f));

    // Specific fields, by the selectors tied to paths.
    const at = (path, sel) => page.locator(`.node[data-path="${path}"] > ul.findings > ${sel}`);
    assert.equal(await at("certificate.signature_hash", 'li.finding.error[data-code="invalid_value"]').count(), 1);
    assert.equal(await at("certificate.server_platform.id", 'li.finding.warning[data-code="server_platform_converted"]').count(), 1);
    assert.equal(await at("additional_emails[1]", 'li.finding.error[data-code="invalid_email"]').count(), 1);
    assert.equal(await at("additional_emails[0]", "li.finding").count(), 0);
    // A missing top-level member is a document-level finding, in the banner.
    const banner = page.locator('#doc-findings[data-path=""]');
    assert.equal(await banner.isVisible(), true);
    assert.equal(await banner.locator('li.finding.error[data-code="required"][data-finding-path="organization"]').count(), 1);
    // Nodes with findings are marked; errors and warnings are styled differently.
    assert.equal(await page.locator('.node.has-error[data-path="certificate.signature_hash"]').count(), 1);
    const colours = await page.evaluate(() => {
      const bg = (sel) => getComputedStyle(document.querySelector(sel)).backgroundColor;
      return [bg("li.finding.error"), bg("li.finding.warning")];
    });
    assert.notEqual(colours[0], colours[1]);

    const summary = page.locator("#summary");
    assert.equal(await summary.getAttribute("data-valid"), "false");
    const errors = report.findings.filter((f) => f.severity === "error").length;
    assert.equal(await summary.getAttribute("data-errors"), String(errors));
    assert.equal(await summary.getAttribute("data-warnings"), String(report.findings.length - errors));
    assert.match(await summary.innerText(), /Invalid/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "page.png"), fullPage: true });
  });

  it("a valid order shows a valid summary and no findings", async () => {
    const order = JSON.stringify({
      certificate: { signature_hash: "sha256" },
      organization: { id: 12345 },
      order_validity: { years: 1 },
      cs_provisioning_method: "keylocker",
    });
    await submit({ order });
    assert.equal(await page.locator("#summary").getAttribute("data-valid"), "true");
    assert.equal(await page.locator("li.finding").count(), 0);
    assert.equal(await page.locator("#doc-findings").isHidden(), true);
  });

  it("puts the CSR from the CSR field into certificate.csr and checks it with the order", async () => {
    const { pem } = opensslCsr();
    // keylocker + CSR is refused for code_signing: the finding must land on certificate.csr.
    const order = JSON.stringify({
      certificate: { signature_hash: "sha256" },
      organization: { id: 12345 },
      order_validity: { years: 1 },
      cs_provisioning_method: "keylocker",
    });
    await submit({ order, csr: pem });
    const combined = JSON.stringify({ ...JSON.parse(order), certificate: { signature_hash: "sha256", csr: pem } });
    const report = await expected(combined);
    assert.ok(report.findings.some((f) => f.path === "certificate.csr"), JSON.stringify(report));
    const csrNode = page.locator('.node[data-path="certificate.csr"]');
    assert.equal(await csrNode.count(), 1);
    for (const f of report.findings.filter((f) => f.path === "certificate.csr")) {
      assert.equal(await csrNode.locator(`:scope > ul.findings > li.finding.${f.severity}[data-code="${f.code}"]`).count(), 1);
    }
    assert.match(await page.locator("#summary .note").innerText(), /inserted as certificate\.csr/);

    // With the email method the CSR is expected: the same CSR is accepted.
    await submit({ order: order.replace("keylocker", "email"), csr: pem });
    assert.equal(await page.locator('.node[data-path="certificate.csr"] li.finding').count(), 0);
  });

  it("shows the CSR's key-policy findings on certificate.csr (RSA 2048 for an HSM order)", async () => {
    const { pem } = opensslCsr("rsa2048");
    const order = JSON.stringify({
      certificate: { signature_hash: "sha256" },
      organization: { id: 12345 },
      order_validity: { years: 1 },
      cs_provisioning_method: "email",
    });
    await submit({ order, csr: pem });
    const policy = await page.evaluate(
      (csr) => window.__signet.checkCsr(csr, { provisioningMethod: "email", at: "2025-06-01" }),
      pem,
    );
    assert.ok(policy.findings.some((f) => f.code === "key_too_small"), JSON.stringify(policy));
    const items = page.locator('.node[data-path="certificate.csr"] > ul.findings > li.finding');
    const shown = await items.evaluateAll((els) =>
      els.map((e) => ({ code: e.dataset.code, source: e.querySelector(".source")?.textContent ?? "" })),
    );
    for (const f of policy.findings) {
      assert.ok(shown.some((s) => s.code === f.code), JSON.stringify(shown));
    }
    assert.equal(await page.locator("#summary").getAttribute("data-valid"), "false");
  });

  it("reads a DER CSR from the file picker as PEM", async () => {
    const { pem, derPath } = opensslCsr();
    await page.setInputFiles("#csr-file", derPath);
    await page.waitForFunction(() => document.querySelector("#csr-input").value.length > 0);
    const value = await page.inputValue("#csr-input");
    assert.equal(value.replace(/\s+/g, ""), pem.replace(/\s+/g, ""));
  });

  it("accepts an order file dropped on the order field", async () => {
    const order = '{"certificate": {"signature_hash": "sha384"}}';
    await page.fill("#order-input", "");
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], "order.json", { type: "application/json" }));
      const area = document.querySelector("#order-input");
      area.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
      area.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, order);
    await page.waitForFunction(() => document.querySelector("#order-input").value.length > 0);
    assert.equal(await page.inputValue("#order-input"), order);
  });

  it("reports malformed JSON in the document banner and shows the text as typed", async () => {
    const order = '{"certificate": {"signature_hash": "sha256",}}';
    await submit({ order });
    const banner = page.locator("#doc-findings");
    assert.equal(await banner.isVisible(), true);
    const codes = await banner.locator("li.finding.error").evaluateAll((els) => els.map((e) => e.dataset.code));
    const report = await expected(order);
    assert.deepEqual(codes, report.findings.map((f) => f.code));
    assert.match(codes[0], /^json_/);
    assert.equal(await page.locator("#tree pre.raw").innerText(), order);
  });

  it("loads nothing but its own files and logs no errors", () => {
    assert.ok(pageRequests.length > 0);
    const foreign = pageRequests.filter((u) => !u.startsWith(`${server.base}/`));
    assert.deepEqual(foreign, []);
    for (const p of server.requests) assert.match(p, /^\/($|index\.html$|app\.js$|style\.css$|pkg\/)/);
    assert.deepEqual(problems, []);
  });
});
