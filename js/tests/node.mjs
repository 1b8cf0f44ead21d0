// Runs the shared API cases (api.test.mjs) under node:test against the build SIGNET_JS_TARGET names
// (node: the addon; wasm: the browser module instantiated from its bytes), vectors read from
// tests/vectors/. api.test.mjs calls register() when it runs in Node.
import { before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VECTORS = join(ROOT, 'tests', 'vectors');

async function load(target) {
  if (target === 'node') {
    return createRequire(import.meta.url)(process.env.SIGNET_NODE_PACKAGE || join(ROOT, 'bindings-node'));
  }
  if (target === 'wasm') {
    const pkg = join(ROOT, 'bindings-wasm', 'pkg');
    const m = await import(pathToFileURL(join(pkg, 'signet_wasm.js')).href);
    await m.default({ module_or_path: readFileSync(join(pkg, 'signet_wasm_bg.wasm')) });
    return m;
  }
  throw new Error(`set SIGNET_JS_TARGET to node or wasm (got ${JSON.stringify(target)})`);
}

export function register(cases, loadVectors) {
  const target = process.env.SIGNET_JS_TARGET;
  describe(`shared JavaScript API (${target})`, () => {
    const context = {};
    before(async () => {
      context.s = await load(target);
      context.vectors = await loadVectors((p) => readFileSync(join(VECTORS, p)));
    });
    for (const { name, fn } of cases) it(name, () => fn(context));
  });
}
