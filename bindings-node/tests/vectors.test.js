'use strict';
// Every shared vector (tests/vectors/orders and tests/vectors/keys) through the package.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const signet = require('..');
const { VECTORS } = require('./helpers.js');

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const triple = ({ severity, path, code }) => ({ severity, path, code });

describe('order vectors', () => {
  const dir = join(VECTORS, 'orders');
  const names = readJson(join(dir, 'index.json')).cases;

  it('the index lists cases', () => {
    assert.ok(names.length >= 100, `only ${names.length} cases`);
  });

  for (const name of names) {
    it(name, () => {
      const body = readFileSync(join(dir, `${name}.json`));
      const expect = readJson(join(dir, `${name}.expect.json`));
      const report = signet.validateOrder(body, { product: expect.product, at: expect.at });
      assert.deepEqual(report.findings.map(triple), expect.findings);
      assert.equal(report.valid, expect.valid);
      for (const f of report.findings) assert.ok(f.message.length > 0, `empty message for ${f.code}`);
      // The same body as a string gives the same report (when it is UTF-8).
      const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(body);
      if (Buffer.from(text, 'utf8').equals(body)) {
        assert.deepEqual(signet.validateOrder(text, { product: expect.product, at: expect.at }), report);
      }
    });
  }
});

describe('key vectors', () => {
  const dir = join(VECTORS, 'keys');
  const vectors = readJson(join(dir, 'index.json')).vectors;
  const checks = { csr: signet.checkCsr, cert: signet.checkCertificate, spki: signet.checkPublicKey };

  it('the index lists vectors', () => {
    assert.ok(vectors.length >= 70, `only ${vectors.length} vectors`);
  });

  for (const v of vectors) {
    it(`${v.file} (${v.kind}, ${v.format})`, () => {
      const bytes = readFileSync(join(dir, v.file));
      const input = v.format === 'pem' ? bytes.toString('utf8') : bytes;
      assert.ok(v.checks.length > 0 || v.kind === 'other');
      for (const c of v.checks) {
        const kind = c.as ?? v.kind;
        const fn = checks[kind];
        assert.ok(fn, `no check for ${kind}`);
        const opts = { at: c.at };
        if (c.device !== null && c.device !== undefined) {
          if (kind === 'cert') assert.fail(`${v.file}: a device for a certificate check`);
          opts.device = c.device;
        }
        const what = `${v.file} as ${kind} device=${c.device} at=${c.at}`;
        const report = fn(input, opts);
        assert.deepEqual(report.findings.map((f) => f.code).sort(), [...c.codes].sort(), what);
        assert.equal(report.valid, !report.findings.some((f) => f.severity === 'error'), what);
      }
    });
  }
});
