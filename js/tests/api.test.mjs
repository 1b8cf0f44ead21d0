// The API both JavaScript packages offer (js/shared.d.ts), run against each build:
//   SIGNET_JS_TARGET=node  the Node addon (bindings-node; SIGNET_NODE_PACKAGE names another
//                          install of it, e.g. one from the packed tarball)
//   SIGNET_JS_TARGET=wasm  the browser module (bindings-wasm/pkg), instantiated in Node from its bytes
// Run by scripts/node-test.sh and scripts/wasm-test.sh: node --test js/tests/api.test.mjs
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VECTORS = join(ROOT, 'tests', 'vectors');
const TARGET = process.env.SIGNET_JS_TARGET;

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

let s;
before(async () => {
  s = await load(TARGET);
});

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const triple = ({ severity, path, code }) => ({ severity, path, code });
const todayUtc = () => new Date().toISOString().slice(0, 10);

/** The error `fn` throws, checked to be a SignetError of `Cls` (by name) with `code`. */
function throwsCode(fn, className, code) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${code}, nothing was thrown`);
  assert.ok(err instanceof Error && err instanceof s.SignetError && err instanceof s[className], `${err}`);
  assert.equal(err.name, className);
  assert.equal(err.code, code, err.message);
  assert.equal(err.constructor, s.CLASS_BY_DOMAIN[err.domain]);
  assert.ok(err.message.length > 0);
  return err;
}

describe(`shared JavaScript API (${TARGET})`, () => {
  it('exports the shared functions and classes', () => {
    for (const f of ['validateOrder', 'checkCsr', 'checkCertificate', 'checkPublicKey', 'checkSpki']) assert.equal(typeof s[f], 'function', f);
    assert.deepEqual(Object.keys(s.CLASS_BY_DOMAIN).sort(), [
      'budget', 'counter', 'grant', 'invalid_request', 'key_policy', 'sign', 'state', 'token', 'usage', 'verification',
    ]);
    for (const [domain, Cls] of Object.entries(s.CLASS_BY_DOMAIN)) {
      const pascal = domain.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
      assert.equal(Cls, s[`${pascal}Error`], domain);
      assert.ok(Cls.prototype instanceof s.SignetError);
      const e = new Cls('some_code', 'm', { total: 3 });
      assert.deepEqual([e.name, e.code, e.message, e.total], [`${pascal}Error`, 'some_code', 'm', 3]);
    }
  });

  it('every order vector gives its expected findings, from bytes, text and an object', () => {
    const dir = join(VECTORS, 'orders');
    const names = readJson(join(dir, 'index.json')).cases;
    assert.ok(names.length >= 100, `only ${names.length} cases`);
    let objects = 0;
    for (const name of names) {
      const bytes = new Uint8Array(readFileSync(join(dir, `${name}.json`)));
      const expect = readJson(join(dir, `${name}.expect.json`));
      const options = { product: expect.product, at: expect.at };
      const report = s.validateOrder(bytes, options);
      assert.deepEqual(report.findings.map(triple), expect.findings, name);
      assert.equal(report.valid, expect.valid, name);
      assert.deepEqual(Object.keys(report).sort(), ['findings', 'valid']);
      const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
      if (Buffer.from(text, 'utf8').equals(Buffer.from(bytes))) assert.deepEqual(s.validateOrder(text, options), report, name);
      // An object is serialised to JSON first: the report of that text.
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch {
        continue;
      }
      if (parsed !== null && typeof parsed === 'object') {
        assert.deepEqual(s.validateOrder(parsed, options), s.validateOrder(JSON.stringify(parsed), options), name);
        objects += 1;
      }
    }
    assert.ok(objects >= 10, `${objects} object bodies`);
  });

  it('validates an object body', () => {
    const order = { certificate: { signature_hash: 'md5' }, organization: { id: 12345 }, order_validity: { years: 1 },
      cs_provisioning_method: 'keylocker' };
    const fromObject = s.validateOrder(order, { at: '2025-06-01' });
    assert.deepEqual(fromObject, s.validateOrder(JSON.stringify(order), { at: '2025-06-01' }));
    assert.equal(fromObject.valid, false);
    assert.ok(fromObject.findings.some((f) => f.path === 'certificate.signature_hash' && f.code === 'invalid_value'));
    const cyclic = {};
    cyclic.self = cyclic;
    throwsCode(() => s.validateOrder(cyclic), 'InvalidRequestError', 'invalid_input_type');
  });

  it('every key vector gives its expected codes', () => {
    const dir = join(VECTORS, 'keys');
    const vectors = readJson(join(dir, 'index.json')).vectors;
    assert.ok(vectors.length >= 70, `only ${vectors.length} vectors`);
    const checks = { csr: s.checkCsr, cert: s.checkCertificate, spki: s.checkPublicKey };
    for (const v of vectors) {
      const bytes = new Uint8Array(readFileSync(join(dir, v.file)));
      const input = v.format === 'pem' ? new TextDecoder().decode(bytes) : bytes;
      for (const c of v.checks) {
        const kind = c.as ?? v.kind;
        const opts = { at: c.at };
        if (c.device !== null && c.device !== undefined) opts.device = c.device;
        const what = `${v.file} as ${kind} device=${c.device} at=${c.at}`;
        const report = checks[kind](input, opts);
        assert.deepEqual(report.findings.map((f) => f.code).sort(), [...c.codes].sort(), what);
        assert.equal(report.valid, !report.findings.some((f) => f.severity === 'error'), what);
      }
    }
  });

  it('`at` is a YYYY-MM-DD day or a Date (its UTC day), default today (UTC)', () => {
    const csr = readFileSync(join(VECTORS, 'keys', 'rsa2048.csr.pem'), 'utf8');
    // RSA-2048 was allowed until 2021-05-27 and refused from 2021-05-28.
    const before = s.checkCsr(csr, { at: '2021-05-27' });
    const afterDay = s.checkCsr(csr, { at: '2021-05-28' });
    assert.equal(before.valid, true);
    assert.equal(afterDay.valid, false);
    assert.deepEqual(s.checkCsr(csr, { at: new Date(Date.UTC(2021, 4, 27, 23, 59, 59)) }), before);
    assert.deepEqual(s.checkCsr(csr, { at: new Date(Date.UTC(2021, 4, 28, 0, 0, 0)) }), afterDay);
    for (const [fn, input] of [[s.validateOrder, '{}'], [s.checkCsr, csr], [s.checkPublicKey, 'x'], [s.checkCertificate, 'x']]) {
      assert.deepEqual(fn(input), fn(input, { at: todayUtc() }));
      assert.deepEqual(fn(input, { at: new Date() }), fn(input, { at: todayUtc() }));
    }
  });

  it('refuses unusable requests with the same codes and classes', () => {
    const cases = [
      [() => s.validateOrder(42), 'invalid_input_type'],
      [() => s.checkCsr(null), 'invalid_input_type'],
      [() => s.checkPublicKey([1, 2]), 'invalid_input_type'],
      [() => s.validateOrder('{}', 'code_signing'), 'invalid_options'],
      [() => s.validateOrder('{}', ['code_signing']), 'invalid_options'],
      [() => s.validateOrder('{}', { prodcut: 'code_signing' }), 'unknown_option'],
      [() => s.checkCertificate('x', { device: 'hsm' }), 'unknown_option'],
      [() => s.validateOrder('{}', { product: 'code_signing_ov' }), 'unknown_product'],
      [() => s.validateOrder('{}', { product: 1 }), 'invalid_option_type'],
      [() => s.validateOrder('{}', { at: 20250601 }), 'invalid_option_type'],
      [() => s.validateOrder('{}', { at: new Date(Number.NaN) }), 'invalid_option_type'],
      [() => s.validateOrder('{}', { at: '2025-6-1' }), 'date_format'],
      [() => s.checkPublicKey('x', { at: '2025-02-29' }), 'date_out_of_range'],
      [() => s.checkPublicKey('x', { device: 'yubikey' }), 'unknown_device_profile'],
      [() => s.checkCsr('x', { device: 'hsm', provisioningMethod: 'email' }), 'conflicting_options'],
    ];
    for (const [fn, code] of cases) {
      const e = throwsCode(fn, 'InvalidRequestError', code);
      assert.equal(e.domain, 'invalid_request');
    }
  });

  it('undefined and null options are no options', () => {
    const base = s.validateOrder('{}', { at: '2025-06-01' });
    assert.deepEqual(s.validateOrder('{}', { at: '2025-06-01', product: undefined }), base);
    assert.deepEqual(s.validateOrder('{}', undefined), s.validateOrder('{}', null));
  });
});
