// Shared test plumbing: a static file server on 127.0.0.1 for bindings-wasm/, and headless Chromium.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const TESTS_DIR = fileURLToPath(new URL(".", import.meta.url));
/** bindings-wasm/ (the built package is SITE_ROOT/pkg/). */
export const SITE_ROOT = resolve(TESTS_DIR, "..");
/** The self-contained page (scripts/wasm-build.sh assembles it): served as the site root, page and /pkg/. */
export const DIST = join(SITE_ROOT, "dist");
export const REPO_ROOT = resolve(SITE_ROOT, "..");
/** Shared vectors; SIGNET_VECTORS overrides (e.g. to run another branch's vectors). */
export const VECTORS_DIR = process.env.SIGNET_VECTORS
  ? resolve(process.env.SIGNET_VECTORS)
  : join(REPO_ROOT, "tests", "vectors");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  // Module scripts are refused unless served as JavaScript (js/tests/*.mjs).
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".ts": "text/plain; charset=utf-8",
};

/** Serves `root` (default dist/) on an ephemeral loopback port. Returns { base, requests, close }. */
export async function startServer(root = DIST) {
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push(req.url);
    try {
      const urlPath = decodeURIComponent(new URL(req.url, "http://x").pathname);
      const file = normalize(join(root, urlPath));
      if (file !== root && !file.startsWith(root + sep)) throw new Error("outside root");
      const info = await stat(file);
      const path = info.isDirectory() ? join(file, "index.html") : file;
      const body = await readFile(path);
      res.writeHead(200, {
        "content-type": TYPES[extname(path)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Opens the validation page and waits until the WASM module is initialised (or, with `ready: "error"`, failed to load). */
export async function openPage(browser, base, { ready = "true" } = {}) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems = [];
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${base}/`);
  await page.waitForSelector(`body[data-ready=${ready}]`, { timeout: 15000 });
  return { page, problems, requests };
}
