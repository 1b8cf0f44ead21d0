// The assembled page (dist/) as a user serves it: a copy of the folder served on its own,
// the error a user sees when the module cannot load, and results that never outlive the input.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIST, launchBrowser, openPage, startServer } from "./harness.js";

let browser;
let tmp;

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), "build dist/ first (scripts/wasm-build.sh)");
  tmp = mkdtempSync(join(tmpdir(), "signet-dist-"));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A copy of dist/ in its own folder, minus `remove` (paths inside it). */
function distCopy(name, remove = []) {
  const dir = join(tmp, name);
  cpSync(DIST, dir, { recursive: true });
  for (const r of remove) rmSync(join(dir, r));
  return dir;
}

const ORDER = JSON.stringify({
  certificate: { signature_hash: "md5" },
  organization: { id: 12345 },
  order_validity: { years: 1 },
  cs_provisioning_method: "keylocker",
});

async function withServer(root, fn) {
  const server = await startServer(root);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

describe("dist/", () => {
  it("served on its own from another folder, checks an order", async () => {
    await withServer(distCopy("alone"), async (server) => {
      const { page, problems } = await openPage(browser, server.base);
      await page.fill("#order-input", ORDER);
      await page.fill("#at", "2025-06-01");
      await page.click("#validate");
      await page.waitForSelector("#results:not([hidden])");
      assert.equal(await page.locator("#summary").getAttribute("data-valid"), "false");
      assert.equal(
        await page.locator('.node[data-path="certificate.signature_hash"] li.finding.error[data-code="invalid_value"]').count(),
        1,
      );
      assert.match(await page.locator("#status").innerText(), /^Ready/);
      assert.deepEqual(problems, []);
      for (const p of server.requests) assert.doesNotMatch(p, /\.\./);
      await page.close();
    });
  });

  for (const [missing, what] of [
    ["pkg/signet_wasm.js", "the module"],
    ["pkg/signet_wasm_bg.wasm", "the WebAssembly binary"],
  ]) {
    it(`without ${what} (${missing}) shows the load error on the page`, async () => {
      await withServer(distCopy(`no-${missing.replace(/\W/g, "-")}`, [missing]), async (server) => {
        const { page } = await openPage(browser, server.base, { ready: "error" });
        const box = page.locator("#load-error");
        assert.equal(await box.isVisible(), true);
        assert.match(await box.innerText(), /The checker failed to load\./);
        assert.match(await box.innerText(), /signet_wasm/);
        assert.equal(await page.locator("#status").innerText(), "The checker failed to load.");
        assert.equal(await page.locator("#validate").isDisabled(), true);
        assert.ok(server.requests.some((p) => p === `/${missing}`), server.requests.join(" "));
        await page.close();
      });
    });
  }

  it("editing any input clears the results", async () => {
    await withServer(DIST, async (server) => {
      const { page } = await openPage(browser, server.base);
      const submit = async () => {
        await page.fill("#order-input", ORDER);
        await page.fill("#at", "2025-06-01");
        await page.click("#validate");
        await page.waitForSelector("#results:not([hidden])");
        assert.ok((await page.locator("li.finding").count()) > 0);
      };
      const cleared = async (how) => {
        assert.equal(await page.locator("#results").isHidden(), true, how);
        assert.equal(await page.locator("li.finding").count(), 0, how);
        assert.equal(await page.locator("#summary").innerText(), "", how);
      };

      await submit();
      await page.locator("#order-input").press("End");
      await page.keyboard.type(" ");
      await cleared("typing in the order");

      await submit();
      await page.fill("#csr-input", "-----BEGIN CERTIFICATE REQUEST-----");
      await cleared("typing in the CSR");

      await submit();
      await page.selectOption("#product", "code_signing_ev");
      await cleared("another product");

      await submit();
      await page.fill("#at", "2026-06-01");
      await cleared("another date");

      // A request error (bad date) is a result too, and goes the same way.
      await page.fill("#at", "");
      await page.evaluate(() => {
        document.querySelector("#at").type = "text";
        document.querySelector("#at").value = "2025-13-01";
      });
      await page.click("#validate");
      await page.waitForSelector("#request-error:not([hidden])");
      await page.locator("#order-input").press("End");
      await page.keyboard.type(" ");
      await cleared("typing after a request error");
      assert.equal(await page.locator("#request-error").isHidden(), true);
      await page.close();
    });
  });
});
