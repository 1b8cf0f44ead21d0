// The API both JavaScript packages offer (js/shared.d.ts), one list of cases run against each build:
//   SIGNET_JS_TARGET=node  the Node addon (bindings-node; SIGNET_NODE_PACKAGE names another
//                          install of it, e.g. one from the packed tarball)
//   SIGNET_JS_TARGET=wasm  the browser module (bindings-wasm/pkg), instantiated in Node from its bytes
// and, unchanged, inside headless Chromium against the browser module (browser.mjs, driven by
// bindings-wasm/tests/shared-api.test.js).
//
// So that one file serves both, the cases use only what a browser has: the assertions of
// ./assert.mjs (node:assert's meaning), and the vectors as bytes that each runner reads (files
// in Node, fetch in the page) through loadVectors. Run in Node, the file registers its cases with
// node:test (./node.mjs): node --test js/tests/api.test.mjs (scripts/node-test.sh, scripts/wasm-test.sh).
import assert from './assert.mjs';

const utf8 = new TextDecoder();
const readJson = (bytes) => JSON.parse(utf8.decode(bytes));
const triple = ({ severity, path, code }) => ({ severity, path, code });
const todayUtc = () => new Date().toISOString().slice(0, 10);
const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The shared vectors (tests/vectors/orders and keys) this file uses. `read(path)` gives the bytes
 * of a file under tests/vectors/ (a Uint8Array, or a Promise of one).
 */
export async function loadVectors(read) {
  const bytes = async (p) => new Uint8Array(await read(p));
  const orderNames = readJson(await bytes('orders/index.json')).cases;
  const orders = await Promise.all(orderNames.map(async (name) => ({
    name,
    bytes: await bytes(`orders/${name}.json`),
    expect: readJson(await bytes(`orders/${name}.expect.json`)),
  })));
  const keyIndex = readJson(await bytes('keys/index.json')).vectors;
  const keys = await Promise.all(keyIndex.map(async (v) => ({ ...v, bytes: await bytes(`keys/${v.file}`) })));
  return { orders, keys, rsa2048CsrPem: utf8.decode(await bytes('keys/rsa2048.csr.pem')) };
}

/** The error `fn` throws, checked to be a SignetError of `Cls` (by name) with `code`. */
function throwsCode(s, fn, className, code) {
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

/** Each case is `fn({ s, vectors })`: `s` the package's exports, `vectors` what loadVectors gave. */
export const cases = [
  {
    name: 'exports the shared functions and classes',
    fn: ({ s }) => {
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
    },
  },
  {
    name: 'every order vector gives its expected findings, from bytes, text and an object',
    fn: ({ s, vectors }) => {
      assert.ok(vectors.orders.length >= 100, `only ${vectors.orders.length} cases`);
      let objects = 0;
      for (const { name, bytes, expect } of vectors.orders) {
        const options = { product: expect.product, at: expect.at };
        const report = s.validateOrder(bytes, options);
        assert.deepEqual(report.findings.map(triple), expect.findings, name);
        assert.equal(report.valid, expect.valid, name);
        assert.deepEqual(Object.keys(report).sort(), ['findings', 'valid']);
        const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
        // Text only where it is the same bytes (not for invalid UTF-8, which decoding would replace).
        if (sameBytes(new TextEncoder().encode(text), bytes)) assert.deepEqual(s.validateOrder(text, options), report, name);
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
    },
  },
  {
    name: 'validates an object body',
    fn: ({ s }) => {
      const order = { certificate: { signature_hash: 'md5' }, organization: { id: 12345 }, order_validity: { years: 1 },
        cs_provisioning_method: 'keylocker' };
      const fromObject = s.validateOrder(order, { at: '2025-06-01' });
      assert.deepEqual(fromObject, s.validateOrder(JSON.stringify(order), { at: '2025-06-01' }));
      assert.equal(fromObject.valid, false);
      assert.ok(fromObject.findings.some((f) => f.path === 'certificate.signature_hash' && f.code === 'invalid_value'));
      const cyclic = {};
      cyclic.self = cyclic;
      throwsCode(s, () => s.validateOrder(cyclic), 'InvalidRequestError', 'invalid_input_type');
    },
  },
  {
    name: 'every key vector gives its expected codes',
    fn: ({ s, vectors }) => {
      assert.ok(vectors.keys.length >= 70, `only ${vectors.keys.length} vectors`);
      const checks = { csr: s.checkCsr, cert: s.checkCertificate, spki: s.checkPublicKey };
      for (const v of vectors.keys) {
        const input = v.format === 'pem' ? utf8.decode(v.bytes) : v.bytes;
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
    },
  },
  {
    name: '`at` is a YYYY-MM-DD day or a Date (its UTC day), default today (UTC)',
    fn: ({ s, vectors }) => {
      const csr = vectors.rsa2048CsrPem;
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
    },
  },
  {
    name: 'refuses unusable requests with the same codes and classes',
    fn: ({ s }) => {
      const refused = [
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
      for (const [fn, code] of refused) {
        const e = throwsCode(s, fn, 'InvalidRequestError', code);
        assert.equal(e.domain, 'invalid_request');
      }
    },
  },
  {
    name: 'undefined and null options are no options',
    fn: ({ s }) => {
      const base = s.validateOrder('{}', { at: '2025-06-01' });
      assert.deepEqual(s.validateOrder('{}', { at: '2025-06-01', product: undefined }), base);
      assert.deepEqual(s.validateOrder('{}', undefined), s.validateOrder('{}', null));
    },
  },
];

// Under Node this file is a node:test file; in a browser page it only exports the cases.
// node.mjs receives them rather than importing this module, which is still evaluating.
if (globalThis.process?.versions?.node) {
  const { register } = await import('./node.mjs');
  register(cases, loadVectors);
}
