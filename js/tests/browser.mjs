// Runs the shared API cases (api.test.mjs, the same file node:test runs) inside a browser page,
// against the browser module, with the vectors fetched from the page's server. Driven by
// bindings-wasm/tests/shared-api.test.js, which serves the repository and reports each result
// as a node:test case: run() never throws for a failing case, it returns every case's outcome.
import { cases, loadVectors } from './api.test.mjs';

/**
 * `module`: URL of the module's glue (signet_wasm.js, which fetches its .wasm beside it);
 * `vectors`: URL of tests/vectors/. Returns [{ name, ok, error }] in the order of the cases.
 */
export async function run({ module, vectors }) {
  const s = await import(module);
  await s.default();
  const base = new URL(vectors, location.href);
  const read = async (path) => {
    const response = await fetch(new URL(path, base));
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  const context = { s, vectors: await loadVectors(read) };
  const results = [];
  for (const { name, fn } of cases) {
    try {
      await fn(context);
      results.push({ name, ok: true, error: null });
    } catch (e) {
      // V8's stack starts with "Name: message"; other engines' does not.
      const text = e instanceof Error ? (e.stack?.includes(e.message) ? e.stack : `${e.name}: ${e.message}\n${e.stack}`) : String(e);
      results.push({ name, ok: false, error: text });
    }
  }
  return results;
}
